//! A phrase of two common words answered from its pair token alone (`common_pairs.rs`). The
//! pair field counts every adjacent occurrence of the two words, which is the phrase's own
//! frequency in the document, so no positions are read: "of the" in a million items costs
//! what one word costs. It is scored as tantivy scores the phrase (BM25 over the text field's
//! lengths with the summed idf of the two words), so matches and scores do not change.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// `"first second"` over one text field, matched by `pair` in that field's pair field.
#[derive(Clone, Debug)]
pub struct PairPhraseQuery {
    words: [Term; 2],
    pair: Term,
}

impl PairPhraseQuery {
    /// `words` are the phrase's two analyzed words in the text field, `pair` their pair token
    /// in the pair field (which must record frequencies).
    pub fn new(words: [Term; 2], pair: Term) -> Self {
        Self { words, pair }
    }
}

impl Query for PairPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let has_freqs = enable_scoring
            .schema()
            .get_field_entry(self.pair.field())
            .field_type()
            .get_index_record_option()
            .is_some_and(IndexRecordOption::has_freq);
        if !has_freqs {
            return Err(TantivyError::SchemaError(
                "the pair field does not record frequencies".into(),
            ));
        }
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            text_field: self.words[0].field(),
            pair: self.pair.clone(),
            bm25,
        }))
    }

    /// The two words, as a phrase reports them (snippets highlight them), then the pair.
    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            visitor(word, true);
        }
        visitor(&self.pair, false);
    }
}

struct PairPhraseWeight {
    text_field: tantivy::schema::Field,
    pair: Term,
    bm25: Option<Bm25Weight>,
}

impl PairPhraseWeight {
    fn pair_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PairPhraseScorer>> {
        let Some(postings) = reader
            .inverted_index(self.pair.field())?
            .read_postings(&self.pair, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        let fieldnorms = match self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.text_field)?,
            None => None,
        }
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        Ok(Some(PairPhraseScorer {
            postings,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        }))
    }
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.pair_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matching =
            || TantivyError::InvalidArgument(format!("document #{doc} does not match"));
        let mut scorer = self.pair_scorer(reader, 1.0)?.ok_or_else(not_matching)?;
        if scorer.seek(doc) != doc {
            return Err(not_matching());
        }
        let mut explanation = Explanation::new("phrase, counted by its pair token", scorer.score());
        explanation.add_const("phrase frequency", scorer.postings.term_freq() as Score);
        Ok(explanation)
    }
}

struct PairPhraseScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for PairPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for PairPhraseScorer {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => {
                let norm = self.fieldnorms.fieldnorm_id(self.doc());
                bm25.score(norm, self.postings.term_freq())
            }
            None => 1.0,
        }
    }
}
