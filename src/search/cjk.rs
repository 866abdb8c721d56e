//! The word tokenizer under the text analyzer: runs of letters and digits as words, except that
//! CJK text (Han, Hiragana, Katakana, Hangul), which has no spaces between words, becomes
//! overlapping bigrams, as Lucene's CJKAnalyzer and Elasticsearch's `cjk` analyzer do.
//!
//! `TF-IDF是常见的推荐算法` → `TF`, `IDF`, `是常`, `常见`, `见的`, `的推`, `推荐`, `荐算`,
//! `算法`. A query is cut the same way, and tantivy's query parser turns the bigrams of one
//! query word into a phrase, so `推荐算法` matches exactly that run of characters. A CJK
//! character with no CJK neighbour stays a one-character token. Why bigrams and not a
//! dictionary segmenter: see docs/cjk-search.md.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Whether `c` is written without spaces between words: Han ideographs (with the iteration
/// and numeral marks 々 〆 〇), Hiragana, Katakana (with the long-vowel mark ー and half-width
/// forms) and Hangul. Full-width Latin letters and digits are not: they are words like ASCII
/// ones.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK and Kangxi radicals
        | 0x3005..=0x3007     // 々 〆 〇
        | 0x3021..=0x3029     // Hangzhou numerals
        | 0x3031..=0x3035     // kana repeat marks
        | 0x3038..=0x303C
        | 0x3041..=0x309F     // Hiragana
        | 0x30A0..=0x30FF     // Katakana, ー
        | 0x3130..=0x318F     // Hangul compatibility Jamo
        | 0x31F0..=0x31FF     // Katakana phonetic extensions
        | 0x3400..=0x4DBF     // Han extension A
        | 0x4E00..=0x9FFF     // Han
        | 0xA960..=0xA97F     // Hangul Jamo extended A
        | 0xAC00..=0xD7FF     // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF     // Han compatibility
        | 0xFF66..=0xFF9F     // half-width Katakana
        | 0xFFA0..=0xFFDC     // half-width Hangul
        | 0x1B000..=0x1B16F   // kana supplement and extended
        | 0x20000..=0x323AF // Han extensions B–H, compatibility supplement
    )
}

/// Splits text into words and CJK bigrams (see the module doc).
#[derive(Clone, Default)]
pub struct CjkBigramTokenizer {
    token: Token,
}

impl Tokenizer for CjkBigramTokenizer {
    type TokenStream<'a> = CjkBigramStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CjkBigramStream<'a> {
        self.token.reset();
        CjkBigramStream {
            text,
            pos: 0,
            in_run: None,
            token: &mut self.token,
        }
    }
}

/// Walks the text by byte offset: ASCII, most of what feeds hold, is judged a byte at a time,
/// and only other characters are decoded (the tokenizer had 5.5% of an ingest's samples when
/// it decoded every character).
pub struct CjkBigramStream<'a> {
    text: &'a str,
    /// The byte offset of the next character to look at (always a character boundary).
    pos: usize,
    /// Inside a CJK run: where the last character of the previous bigram starts, which is the
    /// first character of the next one.
    in_run: Option<usize>,
    token: &'a mut Token,
}

impl CjkBigramStream<'_> {
    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        true
    }

    /// The character at `pos`, if any.
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..)?.chars().next()
    }

    /// The end of the character at `pos`, if that character is CJK: it makes a bigram with
    /// the one just taken.
    fn next_cjk_end(&mut self) -> Option<usize> {
        let c = self.peek()?;
        if !(c.is_alphanumeric() && is_cjk(c)) {
            return None;
        }
        self.pos += c.len_utf8();
        Some(self.pos)
    }

    /// Moves `pos` past the letters and digits that continue a word (CJK ones start a run of
    /// their own).
    fn extend_word(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    return;
                }
                self.pos += 1;
                continue;
            }
            match self.peek() {
                Some(c) if c.is_alphanumeric() && !is_cjk(c) => self.pos += c.len_utf8(),
                _ => return,
            }
        }
    }
}

impl TokenStream for CjkBigramStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some(from) = self.in_run.take() {
            let start_of_next = self.pos;
            if let Some(to) = self.next_cjk_end() {
                self.in_run = Some(start_of_next);
                return self.emit(from, to);
            }
        }
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            let from = self.pos;
            if b.is_ascii() {
                self.pos += 1;
                if b.is_ascii_alphanumeric() {
                    self.extend_word();
                    return self.emit(from, self.pos);
                }
                continue;
            }
            let Some(c) = self.peek() else {
                return false;
            };
            self.pos += c.len_utf8();
            if !c.is_alphanumeric() {
                continue;
            }
            if is_cjk(c) {
                let end = self.pos;
                return match self.next_cjk_end() {
                    Some(to) => {
                        self.in_run = Some(end);
                        self.emit(from, to)
                    }
                    None => self.emit(from, end),
                };
            }
            self.extend_word();
            return self.emit(from, self.pos);
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, start, end, position) of each token.
    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut t = CjkBigramTokenizer::default();
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while let Some(tok) = s.next() {
            out.push((
                tok.text.clone(),
                tok.offset_from,
                tok.offset_to,
                tok.position,
            ));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn latin_text_is_cut_as_the_simple_tokenizer_cuts_it() {
        use tantivy::tokenizer::SimpleTokenizer;
        let text = "Hello, happy tax-payer! Café 42x über_alles ½ ①";
        let mut simple = SimpleTokenizer::default();
        let mut s = simple.token_stream(text);
        let mut expected = Vec::new();
        while let Some(t) = s.next() {
            expected.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        assert_eq!(tokens(text), expected);
    }

    #[test]
    fn mixed_ascii_and_other_latin_text_is_cut_as_the_simple_tokenizer_cuts_it() {
        use tantivy::tokenizer::SimpleTokenizer;
        for text in [
            "naïve café-au-lait, Ωmega3 and ΑΒΓ δέλτα; x²+y² = ž\u{301}ivot 10,000 ﬁne",
            "über",
            "ü",
            "a",
            "  end.",
            "ÀÉÎõü123abcÇ",
            "tail ü",
            "émoji 😀 mid😀word",
        ] {
            let mut simple = SimpleTokenizer::default();
            let mut s = simple.token_stream(text);
            let mut expected = Vec::new();
            while let Some(t) = s.next() {
                expected.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            assert_eq!(tokens(text), expected, "{text}");
        }
    }

    #[test]
    fn chinese_runs_become_overlapping_bigrams() {
        assert_eq!(texts("番茄工作法"), vec!["番茄", "茄工", "工作", "作法"]);
        assert_eq!(
            tokens("看板，番茄"),
            vec![("看板".into(), 0, 6, 0), ("番茄".into(), 9, 15, 1)]
        );
    }

    #[test]
    fn a_lone_cjk_character_is_a_unigram() {
        assert_eq!(texts("猫"), vec!["猫"]);
        assert_eq!(texts("我 爱 你。"), vec!["我", "爱", "你"]);
        assert_eq!(texts("a猫b"), vec!["a", "猫", "b"]);
    }

    #[test]
    fn latin_words_inside_cjk_runs_split_out() {
        assert_eq!(
            texts("TF-IDF是常见的推荐算法"),
            vec![
                "TF", "IDF", "是常", "常见", "见的", "的推", "推荐", "荐算", "算法"
            ]
        );
        assert_eq!(texts("用Rust写"), vec!["用", "Rust", "写"]);
        assert_eq!(texts("iPhone15发布了"), vec!["iPhone15", "发布", "布了"]);
    }

    #[test]
    fn japanese_and_korean_scripts_are_bigrammed_together() {
        assert_eq!(texts("東京タワー"), vec!["東京", "京タ", "タワ", "ワー"]);
        assert_eq!(texts("食べる"), vec!["食べ", "べる"]);
        assert_eq!(texts("한국어 검색"), vec!["한국", "국어", "검색"]);
        // The middle dot is punctuation: it ends a run.
        assert_eq!(texts("コーヒー・ブレイク"), {
            vec!["コー", "ーヒ", "ヒー", "ブレ", "レイ", "イク"]
        });
    }

    #[test]
    fn offsets_are_char_boundaries_and_positions_count_up() {
        let text = "①Rust与𠮷野家、かな。ＡＢＣ한글😀end";
        let toks = tokens(text);
        for (i, (t, from, to, pos)) in toks.iter().enumerate() {
            assert_eq!(&text[*from..*to], t);
            assert_eq!(*pos, i);
        }
        assert!(texts(text).contains(&"𠮷野".to_string()));
        assert!(texts(text).contains(&"ＡＢＣ".to_string()));
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_tokens() {
        assert!(tokens("").is_empty());
        assert!(tokens("。、！？ -- ...").is_empty());
    }
}
