//! A one-character CJK query: "猫" (cat), "茶" (tea). The analyzer cuts a run of CJK text into
//! overlapping bigrams (`cjk.rs`), so "我的猫很好" is indexed as 我的 的猫 猫很 很好, and a lone
//! 猫 in a query, a unigram, matched only where 猫 stood alone in the text. A lone CJK
//! character in a query is replaced by a union of itself and every indexed bigram that holds
//! it, read from the term dictionaries of title and content, each scored by BM25 as any word
//! is (Lucene's CJK analyzer has the same gap; Elasticsearch users are told to index unigrams
//! too, which would double the CJK terms of every item).

use super::cjk::is_cjk;
use super::schema::Fields;
use std::collections::BTreeMap;
use tantivy::query::Occur;
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyError};
use tantivy_fst::Regex;

/// At most this many bigrams per character, the most frequent first: a common character
/// (的, の) is in thousands, and the query would be a union of all of them.
const MAX_BIGRAMS: usize = 256;

/// `ast` with each unquoted word over title or content that analyzes to one CJK character
/// replaced by the union of that character and its bigrams in `searcher`'s index.
pub(super) fn expand_lone_cjk(
    ast: UserInputAst,
    searcher: &Searcher,
    fields: Fields,
    analyzer: &mut TextAnalyzer,
) -> tantivy::Result<UserInputAst> {
    Ok(match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, c)| Ok((occur, expand_lone_cjk(c, searcher, fields, analyzer)?)))
                .collect::<tantivy::Result<_>>()?,
        ),
        UserInputAst::Boost(inner, boost) => UserInputAst::Boost(
            Box::new(expand_lone_cjk(*inner, searcher, fields, analyzer)?),
            boost,
        ),
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(literal) => match lone_cjk(&literal, analyzer) {
                Some(character) => union(&literal, character, searcher, fields)?,
                None => UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal))),
            },
            other => UserInputAst::Leaf(Box::new(other)),
        },
    })
}

/// The character when `literal` is an unquoted word over title or content (or both) that
/// analyzes to a single CJK character.
fn lone_cjk(literal: &UserInputLiteral, analyzer: &mut TextAnalyzer) -> Option<char> {
    let over_text = literal
        .field_name
        .as_deref()
        .is_none_or(|f| f == "title" || f == "content");
    if !over_text || literal.delimiter != Delimiter::None || literal.prefix {
        return None;
    }
    let mut stream = analyzer.token_stream(&literal.phrase);
    if !stream.advance() {
        return None;
    }
    let mut chars = stream.token().text.chars();
    let character = chars
        .next()
        .filter(|c| is_cjk(*c) && chars.next().is_none())?;
    (!stream.advance()).then_some(character)
}

/// `character` or any of its bigrams, as literals like `literal`.
fn union(
    literal: &UserInputLiteral,
    character: char,
    searcher: &Searcher,
    fields: Fields,
) -> tantivy::Result<UserInputAst> {
    let mut words = vec![character.to_string()];
    words.extend(bigrams_of(character, searcher, fields)?);
    let alternatives = words
        .into_iter()
        .map(|phrase| {
            let leaf = UserInputLeaf::Literal(UserInputLiteral {
                phrase,
                ..literal.clone()
            });
            (Some(Occur::Should), UserInputAst::Leaf(Box::new(leaf)))
        })
        .collect();
    Ok(UserInputAst::Clause(alternatives))
}

/// The indexed bigrams that hold `character`, in title or content, the [`MAX_BIGRAMS`] in
/// the most documents (ties in text order).
fn bigrams_of(
    character: char,
    searcher: &Searcher,
    fields: Fields,
) -> tantivy::Result<Vec<String>> {
    // Two characters, one of them this one; the analyzer makes bigrams only of CJK runs.
    let pattern = format!("{character}.|.{character}");
    let regex = Regex::new(&pattern).map_err(|e| TantivyError::InvalidArgument(e.to_string()))?;
    let mut found: BTreeMap<String, u64> = BTreeMap::new();
    for reader in searcher.segment_readers() {
        for field in [fields.title, fields.content] {
            let inverted = reader.inverted_index(field)?;
            let mut stream = inverted.terms().search(&regex).into_stream()?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                *found.entry(text.to_owned()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut bigrams: Vec<(String, u64)> = found.into_iter().collect();
    bigrams.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(bigrams
        .into_iter()
        .take(MAX_BIGRAMS)
        .map(|(text, _)| text)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text_analyzer;
    use tantivy::query_grammar::parse_query;

    fn lone(text: &str) -> Option<char> {
        let ast = parse_query(text).unwrap_or_else(|e| panic!("{e:?}"));
        let UserInputAst::Leaf(leaf) = ast else {
            return None;
        };
        let UserInputLeaf::Literal(literal) = *leaf else {
            return None;
        };
        lone_cjk(&literal, &mut text_analyzer())
    }

    #[test]
    fn only_an_unquoted_word_of_one_cjk_character_is_lone() {
        assert_eq!(lone("猫"), Some('猫'));
        assert_eq!(lone("title:茶"), Some('茶'));
        assert_eq!(lone("ね"), Some('ね'));
        for other in ["猫咪", "\"猫\"", "\"猫\"*", "a", "author:猫", "tag:猫"] {
            assert_eq!(lone(other), None, "{other}");
        }
    }
}
