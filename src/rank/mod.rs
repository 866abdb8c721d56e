//! The rank domain: the on-device "For you" recommender (see ../shared/docs/recommender.md).
//! `corpus` interns items and their tf-idf vectors, `embed` learns item vectors on the local
//! corpus, `model` is one user's online model, `refine` reshapes the item space from their
//! clicks, `scorer` scores a list with it, `rerank` builds the list, `explain` says why, `rules`
//! holds the user's explicit likes and mutes, `learned` shows what the model learned (and
//! forgets one weight of it), `dial` orders the list from familiar to exploring, `digest` picks a
//! break's reading from the list, `persist` the stored model, `recommender` ties them to the
//! store and the index, and `eval` runs the offline protocol.

pub mod corpus;
pub mod dial;
pub mod digest;
pub mod embed;
pub mod eval;
pub mod explain;
pub mod learned;
pub mod model;
pub mod persist;
mod plain_words;
pub mod recommender;
pub mod refine;
pub mod rerank;
pub mod rng;
pub mod rules;
pub mod scorer;
pub mod words;
