//! The feeds domain: fetch, parse, sanitize, discover, OPML, schedule and retention — logic
//! testable without a window or a database (see ../shared/docs/design.md). Storage lives in
//! `store/feeds.rs` and `store/items.rs`; orchestration in `engine/feeds.rs`.

pub mod bounds;
pub mod budget;
pub mod discover;
pub mod fetch;
pub mod full_text;
pub mod html;
mod jsonfeed;
pub mod opml;
pub mod parse;
mod recovery;
mod repair;
pub mod retention;
pub mod sanitize;
pub mod schedule;
pub mod timestamps;
