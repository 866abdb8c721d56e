//! User searches: tantivy query syntax over title (boosted) and content, filters by feed, date
//! and an item set (unread), sorted by BM25 or date, each hit with highlighted snippets.

use super::SearchError;
use super::analyzer::{pairs_analyzer, text_analyzer};
use super::cjk_expand::expand_lone_cjk;
use super::common_pairs::require_pairs;
use super::dense_phrase::{self, TwoWordPhrase};
use super::dense_words::{self, WordQuery};
use super::index::SearchIndex;
use super::newest::newest_first;
use super::query_build::PairPhraseBuilder;
use super::schema::TITLE_BOOST;
use super::snippet::{HitSnippet, Snippets};
use crate::model::{FeedId, ItemId, ItemSet, UnixTime};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use std::sync::Arc;
use tantivy::collector::{Collector, Count, FilterCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::query_grammar::UserInputAst;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term, query_grammar};

/// Restricts which items a search or a profile query may return.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only items of this feed.
    pub feed: Option<FeedId>,
    /// Only items published at or after this time.
    pub since: Option<UnixTime>,
    /// Only these items (for "unread", fill it with [`Filters::unread_in`]). `None`: all.
    pub only: Option<Arc<ItemSet>>,
}

impl Filters {
    /// Restricts to the items unread in `store` right now. Read state lives in SQLite, not in
    /// the index (marking read must not rewrite documents), so it is applied as an id set while
    /// collecting: counts and limits stay exact.
    pub fn unread_in(mut self, store: &Store) -> Result<Self, SearchError> {
        self.only = Some(Arc::new(store.unread_item_ids()?));
        Ok(self)
    }

    /// Like [`Self::unread_in`] for a search that has `since` set: only the unread items that
    /// at or after `since` are read (the date filter excludes the older ones anyway).
    pub fn unread_since_in(mut self, store: &Store) -> Result<Self, SearchError> {
        let ids = match self.since {
            Some(since) => store.unread_item_ids_since(since)?,
            None => store.unread_item_ids()?,
        };
        self.only = Some(Arc::new(ids));
        Ok(self)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// BM25, title boosted.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// A search as the CLI and the reader ask for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Tantivy query syntax: words (all must match), `"a phrase"`, `title:word`, `-word`,
    /// `a OR b`, `author:name`, `tag:name`, `feed:3`. Empty: everything.
    pub text: String,
    pub feed: Option<FeedId>,
    pub since: Option<UnixTime>,
    pub unread: bool,
    pub limit: usize,
    pub sort: Sort,
    /// Search-as-you-type: tolerate half-typed syntax (an open quote) instead of failing.
    pub lenient: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            text: String::new(),
            feed: None,
            since: None,
            unread: false,
            limit: 50,
            sort: Sort::Relevance,
            lenient: false,
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: ItemId,
    pub feed_id: FeedId,
    pub title: String,
    /// Byte ranges of `title` that matched.
    pub title_highlights: Vec<(usize, usize)>,
    pub author: Option<String>,
    pub published: UnixTime,
    /// BM25 score; `None` when sorted by date.
    pub score: Option<f32>,
    pub snippet: HitSnippet,
    /// From SQLite, filled by `Engine::search` (the index holds no read state or links).
    #[serde(default)]
    pub feed_title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub read: bool,
    #[serde(default)]
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matching items in all (after filters), of which `hits` are the first `limit`.
    pub total: usize,
    pub hits: Vec<Hit>,
}

impl SearchIndex {
    /// Parses `text` as a user query over title (boosted) and content; words are ANDed. An
    /// exact phrase of common words also requires its pairs (`common_pairs.rs`), which makes it
    /// fast and changes neither its matches nor its scores.
    pub fn parse_user_query(
        &self,
        text: &str,
        lenient: bool,
    ) -> Result<Box<dyn Query>, SearchError> {
        Ok(self.parse_against(text, lenient, &self.searcher())?.0)
    }

    /// [`Self::parse_user_query`] with lone CJK characters widened against `searcher`'s
    /// index, and the syntax tree the query was built from (`None` for an empty text, which
    /// matches everything), so a search reads both from one parse and one searcher.
    fn parse_against(
        &self,
        text: &str,
        lenient: bool,
        searcher: &Searcher,
    ) -> Result<(Box<dyn Query>, Option<UserInputAst>), SearchError> {
        if text.trim().is_empty() {
            return Ok((Box::new(AllQuery), None));
        }
        let f = self.fields();
        let mut parser = QueryParser::for_index(self.tantivy_index(), vec![f.title, f.content]);
        parser.set_field_boost(f.title, TITLE_BOOST);
        parser.set_field_boost(f.title_pairs, 0.0);
        parser.set_field_boost(f.content_pairs, 0.0);
        parser.set_conjunction_by_default();
        // Only a query with a phrase to speed up is built from the rewritten syntax tree; any
        // other goes through `parse_query`, which also flattens nested unions (building from a
        // tree skips that, and "a OR b" took half again as long).
        let mut pairs = pairs_analyzer();
        let mut text_analyzer = text_analyzer();
        let syntax = |e: &dyn std::fmt::Display| SearchError::Query(format!("{text:?}: {e}"));
        let ast =
            syntax_tree(text, lenient).ok_or_else(|| syntax(&format!("Syntax Error: {text}")))?;
        let expanded = expand_lone_cjk(ast.clone(), searcher, f, &mut text_analyzer)?;
        let rewritten = require_pairs(expanded, &mut text_analyzer, &mut pairs);
        let query = if rewritten.has_two_word_pairs {
            let builder = PairPhraseBuilder {
                parser: &parser,
                fields: f,
                text: text_analyzer,
                pairs,
                lenient,
            };
            builder.build(rewritten.ast)
        } else if rewritten.ast == ast {
            if lenient {
                Ok(parser.parse_query_lenient(text).0)
            } else {
                parser.parse_query(text)
            }
        } else if lenient {
            Ok(parser
                .build_query_from_user_input_ast_lenient(rewritten.ast)
                .0)
        } else {
            parser.build_query_from_user_input_ast(rewritten.ast)
        };
        Ok((query.map_err(|e| syntax(&e))?, Some(ast)))
    }

    /// The query of syntax tree `ast` as a query of frequent words that `dense_words.rs` or
    /// `dense_phrase.rs` answers faster than tantivy, if it is one.
    fn dense(&self, ast: &UserInputAst, searcher: &Searcher) -> Result<Option<Dense>, SearchError> {
        let f = self.fields();
        let mut text = text_analyzer();
        if let Some(words) = WordQuery::of(ast, &mut text) {
            return Ok(words.is_dense(searcher, f)?.then_some(Dense::Words(words)));
        }
        match TwoWordPhrase::of(ast, &mut text, &mut pairs_analyzer()) {
            Some(phrase) if phrase.is_dense(searcher, f)? => Ok(Some(Dense::Phrase(phrase))),
            _ => Ok(None),
        }
    }

    /// `query` restricted by the filters as a user search runs it. A union with a feed to
    /// keep (a word, which is a union of its title and content, or "a OR b") is restricted
    /// branch by branch: each branch is then an intersection that the feed's short postings
    /// lead, where the union first had to gather every document of the word (with `--feed`,
    /// "the" at a million items took 5 ms). The matches are the same, and so are the scores:
    /// each branch adds its filters' zero and the union adds the branches in the same order.
    pub(super) fn filtered_search(
        &self,
        query: Box<dyn Query>,
        filters: &Filters,
    ) -> Box<dyn Query> {
        let union = query
            .downcast_ref::<BooleanQuery>()
            .filter(|q| q.get_minimum_number_should_match() <= 1)
            .filter(|q| q.clauses().iter().all(|(occur, _)| *occur == Occur::Should));
        match union {
            Some(union) if filters.feed.is_some() && !union.clauses().is_empty() => {
                // Down to the words: "a OR b" is a union of two words' unions.
                let branches = union
                    .clauses()
                    .iter()
                    .map(|(_, q)| (Occur::Should, self.filtered_search(q.box_clone(), filters)))
                    .collect();
                Box::new(BooleanQuery::new(branches))
            }
            _ => self.filtered(query, filters),
        }
    }

    /// `query` restricted by the feed and date filters; filters add nothing to the score.
    pub(super) fn filtered(&self, query: Box<dyn Query>, filters: &Filters) -> Box<dyn Query> {
        let f = self.fields();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        if let Some(feed) = filters.feed {
            let q = TermQuery::new(Term::from_field_i64(f.feed, feed), IndexRecordOption::Basic);
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
            ));
        }
        if let Some(since) = filters.since {
            let q = RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.published, since)),
                Bound::Unbounded,
            );
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
            ));
        }
        if clauses.len() == 1 {
            clauses.remove(0).1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// Runs a user search. `filters.only` (unread) is applied while collecting.
    pub fn search(
        &self,
        text: &str,
        lenient: bool,
        filters: &Filters,
        sort: Sort,
        limit: usize,
    ) -> Result<SearchResults, SearchError> {
        let searcher = self.searcher();
        let (user_query, ast) = self.parse_against(text, lenient, &searcher)?;
        let query = self.filtered_search(user_query.box_clone(), filters);
        let f = self.fields();
        // TopDocs panics on 0; ask for one and drop it.
        let top = TopDocs::with_limit(limit.max(1));
        let only = filters.only.as_ref();
        let (total, docs): (usize, Vec<(Option<f32>, DocAddress)>) = match sort {
            Sort::Relevance => {
                let dense = match &ast {
                    Some(ast) => self.dense(ast, &searcher)?,
                    None => None,
                };
                let (n, d) = match dense {
                    Some(Dense::Words(words)) => {
                        dense_words::search(&searcher, f, &words, filters, limit)?
                    }
                    Some(Dense::Phrase(phrase)) => {
                        dense_phrase::search(&searcher, f, &phrase, filters, limit)?
                    }
                    None => collect(&searcher, &*query, only, (Count, top.order_by_score()))?,
                };
                (n, d.into_iter().map(|(s, a)| (Some(s), a)).collect())
            }
            Sort::Date => {
                let (n, d) = newest_first(&searcher, &*query, f.published, only, limit)?;
                (n, d.into_iter().map(|a| (None, a)).collect())
            }
        };
        let snippets = Snippets::new(&searcher, &*user_query, f)?;
        let mut hits = Vec::with_capacity(docs.len().min(limit));
        for (score, address) in docs.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let int_of = |field| doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0);
            let title = text_of(f.title);
            let content = text_of(f.content);
            hits.push(Hit {
                id: int_of(f.id),
                feed_id: int_of(f.feed),
                title_highlights: snippets.title_highlights(&title),
                snippet: snippets.content(&content),
                title,
                author: Some(text_of(f.author)).filter(|a| !a.is_empty()),
                published: int_of(f.published),
                score,
                feed_title: String::new(),
                url: None,
                read: false,
                starred: false,
            });
        }
        Ok(SearchResults { total, hits })
    }
}

/// A query answered a window of documents at a time rather than by tantivy's scorers.
enum Dense {
    Words(WordQuery),
    Phrase(TwoWordPhrase),
}

/// The syntax tree of a user query; `None` when a strict parse fails (a lenient one takes
/// half-typed syntax as far as it goes).
fn syntax_tree(text: &str, lenient: bool) -> Option<UserInputAst> {
    if lenient {
        Some(query_grammar::parse_query_lenient(text).0)
    } else {
        query_grammar::parse_query(text).ok()
    }
}

/// Runs `collector` over the matches of `query`, keeping only the items in `only` when given.
/// Without it no filter runs: reading every match's id to keep them all cost a tenth of a
/// common word's search at a million items.
pub(super) fn collect<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    only: Option<&Arc<ItemSet>>,
    collector: C,
) -> Result<C::Fruit, SearchError> {
    Ok(match only {
        Some(only) => {
            let only = Arc::clone(only);
            let keep = move |id: i64| only.contains(id);
            searcher.search(query, &FilterCollector::new("id".into(), keep, collector))?
        }
        None => searcher.search(query, &collector)?,
    })
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
