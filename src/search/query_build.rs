//! Builds a user query from its syntax tree when a phrase in it is two common words, which
//! tantivy's parser cannot: each such phrase becomes a [`PairPhraseQuery`] per field. Every
//! other leaf is built by the parser, and clauses, boosts and a query of exclusions alone are
//! built as the parser builds them, so only those phrases change, and only in speed.

use super::common_pairs::{is_exact_text_phrase, two_word_pair};
use super::pair_phrase::PairPhraseQuery;
use super::schema::{Fields, TITLE_BOOST};
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, Query, QueryParser, QueryParserError,
};
use tantivy::query_grammar::{UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::tokenizer::TextAnalyzer;

pub(super) struct PairPhraseBuilder<'a> {
    /// Set up as `parse_user_query` sets it: title and content by default, conjunction.
    pub parser: &'a QueryParser,
    pub fields: Fields,
    pub text: TextAnalyzer,
    pub pairs: TextAnalyzer,
    /// Half-typed syntax: a leaf the parser cannot build is dropped rather than failing.
    pub lenient: bool,
}

impl PairPhraseBuilder<'_> {
    pub fn build(mut self, mut ast: UserInputAst) -> Result<Box<dyn Query>, QueryParserError> {
        // As tantivy: only exclusions fail a strict parse; a lenient one matches everything
        // but them.
        if all_negative(&ast) {
            if !self.lenient {
                return Err(QueryParserError::AllButQueryForbidden);
            }
            include_everything(&mut ast);
        }
        Ok(self.node(ast)?.unwrap_or_else(|| Box::new(EmptyQuery)))
    }

    /// The query of `ast`; `None` when nothing is left of it (tantivy trims such clauses).
    fn node(&mut self, ast: UserInputAst) -> Result<Option<Box<dyn Query>>, QueryParserError> {
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut built = Vec::with_capacity(clauses.len());
                for (occur, clause) in clauses {
                    if let Some(query) = self.node(clause)? {
                        built.push((occur.unwrap_or(Occur::Must), query));
                    }
                }
                Ok((!built.is_empty())
                    .then(|| Box::new(BooleanQuery::new(built)) as Box<dyn Query>))
            }
            UserInputAst::Boost(inner, boost) => Ok(self
                .node(*inner)?
                .map(|query| boosted(query, boost.0 as f32))),
            UserInputAst::Leaf(leaf) => {
                if let UserInputLeaf::Literal(literal) = &*leaf
                    && let Some(query) = self.pair_phrase(literal)
                {
                    return Ok(Some(query));
                }
                let leaf = UserInputAst::Leaf(leaf);
                let query = if self.lenient {
                    self.parser.build_query_from_user_input_ast_lenient(leaf).0
                } else {
                    self.parser.build_query_from_user_input_ast(leaf)?
                };
                Ok((!query.is::<EmptyQuery>()).then_some(query))
            }
        }
    }

    /// The phrase over each of its fields, from its pair, title boosted as the parser boosts
    /// it; `None` when it is not an exact phrase of two common words.
    fn pair_phrase(&mut self, literal: &UserInputLiteral) -> Option<Box<dyn Query>> {
        if !is_exact_text_phrase(literal) {
            return None;
        }
        let ([first, second], pair) =
            two_word_pair(&mut self.text, &mut self.pairs, &literal.phrase)?;
        let f = self.fields;
        let per_field = [
            ("title", f.title, f.title_pairs, TITLE_BOOST),
            ("content", f.content, f.content_pairs, 1.0),
        ];
        let mut queries: Vec<(Occur, Box<dyn Query>)> = per_field
            .into_iter()
            .filter(|(name, ..)| literal.field_name.as_deref().is_none_or(|n| n == *name))
            .map(|(_, field, pair_field, boost)| {
                let words = [
                    Term::from_field_text(field, &first),
                    Term::from_field_text(field, &second),
                ];
                let query = PairPhraseQuery::new(words, Term::from_field_text(pair_field, &pair));
                (Occur::Should, boosted(Box::new(query), boost))
            })
            .collect();
        match queries.len() {
            0 => None,
            1 => queries.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(queries))),
        }
    }
}

/// `query` times `boost`, left alone at 1 as the parser leaves it.
fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// Whether every clause only excludes (a query of `-word`s alone), as tantivy decides it.
fn all_negative(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Leaf(_) => false,
        UserInputAst::Boost(inner, _) => all_negative(inner),
        UserInputAst::Clause(clauses) => clauses
            .iter()
            .all(|(occur, clause)| *occur == Some(Occur::MustNot) || all_negative(clause)),
    }
}

/// What tantivy's lenient parser adds to a query of exclusions alone: everything, optionally.
fn include_everything(ast: &mut UserInputAst) {
    match ast {
        UserInputAst::Leaf(_) => {}
        UserInputAst::Boost(inner, _) => include_everything(inner),
        UserInputAst::Clause(clauses) => clauses.push((
            Some(Occur::Should),
            UserInputAst::Leaf(Box::new(UserInputLeaf::All)),
        )),
    }
}
