//! Scores CJK analyzers on the labelled queries of `cjk_data`: the shipped bigram analyzer
//! against the jieba dictionary segmenter (default and search modes), each indexing the same
//! items through the app's index and query parser. It prints the table of docs/cjk-search.md:
//! `cargo test --test cjk_compare -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod cjk_data;

use focusfeed::search::{Filters, SearchIndex, Sort, TEXT_TOKENIZER, is_cjk};
use focusfeed::store::IndexedItem;
use jieba_rs::Jieba;
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};
use std::time::Instant;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| Arc::new(Jieba::new()));

/// Words as the shipped tokenizer cuts Latin text, and each CJK run cut by jieba.
#[derive(Clone)]
struct JiebaTokenizer {
    search_mode: bool,
    tokens: Vec<Token>,
}

struct VecStream<'a> {
    tokens: &'a [Token],
    at: usize,
    token: Token,
}

impl TokenStream for VecStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(t) = self.tokens.get(self.at) else {
            return false;
        };
        self.token = t.clone();
        self.at += 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream<'a> {
        self.tokens.clear();
        let push = |tokens: &mut Vec<Token>, from: usize, to: usize| {
            let position = tokens.len();
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text[from..to].to_owned(),
                position_length: 1,
            });
        };
        // Split into runs of one kind: CJK, other letters and digits; the rest separates.
        let mut runs: Vec<(usize, usize, bool)> = Vec::new();
        for (at, c) in text.char_indices() {
            if !c.is_alphanumeric() {
                continue;
            }
            let cjk = is_cjk(c);
            match runs.last_mut() {
                Some(r) if r.1 == at && r.2 == cjk => r.1 = at + c.len_utf8(),
                _ => runs.push((at, at + c.len_utf8(), cjk)),
            }
        }
        for (from, to, cjk) in runs {
            if !cjk {
                push(&mut self.tokens, from, to);
                continue;
            }
            let run = &text[from..to];
            let words = if self.search_mode {
                JIEBA.cut_for_search(run, true)
            } else {
                JIEBA.cut(run, true)
            };
            for w in words {
                push(&mut self.tokens, from + w.byte_start, from + w.byte_end);
            }
        }
        VecStream {
            tokens: &self.tokens,
            at: 0,
            token: Token::default(),
        }
    }
}

fn jieba_analyzer(search_mode: bool) -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer {
        search_mode,
        tokens: Vec::new(),
    })
    .filter(RemoveLongFilter::limit(40))
    .filter(AsciiFoldingFilter)
    .filter(LowerCaser)
    .filter(Stemmer::new(Language::English))
    .build()
}

#[derive(Debug, Default)]
struct Score {
    queries: usize,
    exact: usize,
    expected: usize,
    found: usize,
    returned: usize,
    precision_sum: f64,
    recall_sum: f64,
    misses: Vec<String>,
}

/// Indexes the labelled items with `analyzer` (`None`: the shipped one) and runs every query.
fn score(analyzer: Option<TextAnalyzer>) -> Score {
    let mut index = SearchIndex::create_in_ram().unwrap();
    if let Some(a) = analyzer {
        index
            .tantivy_index()
            .tokenizers()
            .register(TEXT_TOKENIZER, a);
    }
    for (i, (_, title, content)) in cjk_data::ITEMS.iter().enumerate() {
        index
            .upsert(&IndexedItem {
                id: i as i64,
                feed_id: 1,
                title: title.to_string(),
                content: content.to_string(),
                author: None,
                tags: Vec::new(),
                published: 0,
            })
            .unwrap();
    }
    index.commit().unwrap();
    let mut s = Score::default();
    for (query, expected) in cjk_data::QUERIES {
        let got: BTreeSet<&str> = index
            .search(query, false, &Filters::default(), Sort::Relevance, 100)
            .unwrap()
            .hits
            .iter()
            .map(|h| cjk_data::ITEMS[h.id as usize].0)
            .collect();
        let want: BTreeSet<&str> = expected.iter().copied().collect();
        let right = got.intersection(&want).count();
        s.queries += 1;
        s.expected += want.len();
        s.found += right;
        s.returned += got.len();
        s.precision_sum += if got.is_empty() {
            f64::from(u8::from(want.is_empty()))
        } else {
            right as f64 / got.len() as f64
        };
        s.recall_sum += if want.is_empty() {
            1.0
        } else {
            right as f64 / want.len() as f64
        };
        if got == want {
            s.exact += 1;
        } else {
            s.misses.push(format!("{query}: got {got:?} want {want:?}"));
        }
    }
    s
}

/// Time to analyze every labelled item `rounds` times (title and content).
fn analysis_time(mut analyzer: TextAnalyzer, rounds: usize) -> std::time::Duration {
    let t = Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        for (_, title, content) in cjk_data::ITEMS {
            for text in [title, content] {
                let mut s = analyzer.token_stream(text);
                while s.advance() {
                    n += 1;
                }
            }
        }
    }
    assert!(n > 0);
    t.elapsed()
}

#[test]
#[ignore = "prints the comparison table of docs/cjk-search.md"]
fn compare_bigrams_and_jieba() {
    let t = Instant::now();
    LazyLock::force(&JIEBA);
    println!("jieba dictionary load: {:?}", t.elapsed());
    for text in [
        "看板",
        "用看板管理个人任务",
        "东京都知事选举结果公布",
        "上海的咖啡馆越来越多",
        "研究生命起源",
        "東京都の人口が増加",
    ] {
        let cut: Vec<&str> = JIEBA.cut(text, true).iter().map(|t| t.word).collect();
        println!("jieba cuts {text}: {}", cut.join(" / "));
    }
    println!(
        "| analyzer | queries exactly right | items found / expected | precision (micro) | recall (micro) | mean precision | mean recall |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut times = Vec::new();
    for (name, analyzer) in [
        ("CJK bigrams (shipped)", None),
        ("jieba, default mode", Some(jieba_analyzer(false))),
        ("jieba, search mode", Some(jieba_analyzer(true))),
    ] {
        let timed = analyzer
            .clone()
            .unwrap_or_else(focusfeed::search::text_analyzer);
        times.push((name, analysis_time(timed, 200)));
        let s = score(analyzer);
        println!(
            "| {name} | {}/{} | {}/{} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s.exact,
            s.queries,
            s.found,
            s.expected,
            s.found as f64 / s.returned.max(1) as f64,
            s.found as f64 / s.expected.max(1) as f64,
            s.precision_sum / s.queries as f64,
            s.recall_sum / s.queries as f64,
        );
        for m in &s.misses {
            println!("    {name}: {m}");
        }
    }
    for (name, t) in times {
        println!("{name}: the labelled items analyzed 200 times in {t:?}");
    }
}
