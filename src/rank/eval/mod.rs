//! `focusfeed eval --mind DIR`: the offline evaluation of recommender.md — ingest MIND news
//! through the app's path, run the model and the baselines under progressive validation, and
//! report AUC/MRR/nDCG overall and per learning-curve bucket, with time per impression.

pub mod diversity;
pub mod hindsight;
pub mod ingest;
pub mod metrics;
pub mod mind;
pub mod plot;
pub mod protocol;
pub mod rankers;

use crate::rank::corpus::Corpus;
use crate::rank::dial::{DEFAULT_STEP, STEPS};
use crate::rank::embed::{DEFAULT_DIMS, embed};
use crate::rank::model::{ModelConfig, World};
use metrics::Figures;
use protocol::{BUCKETS, Impression};
use rankers::RankerKind;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Mind(#[from] mind::MindError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Name of the diagnostic row: it learns from later impressions, so it is not a ranker's result.
pub const HINDSIGHT_ROW: &str =
    "diagnostic: model in hindsight (all other impressions of the user)";

#[derive(Debug, Clone)]
pub struct EvalOptions {
    pub dir: PathBuf,
    pub predictions: Option<PathBuf>,
    pub dims: usize,
    pub seed: u64,
    pub config: ModelConfig,
    /// Also run the hindsight diagnostic (see `hindsight`): slower, and not a ranker.
    pub hindsight: bool,
    /// Where to draw accuracy against diversity over the dial's steps (an SVG).
    pub dial_svg: Option<PathBuf>,
}

impl EvalOptions {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            predictions: None,
            dims: DEFAULT_DIMS,
            seed: 42,
            config: ModelConfig::default(),
            hindsight: false,
            dial_svg: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RankerRow {
    pub ranker: String,
    pub all: Figures,
    /// Figures for each user's impressions 1–5, 6–20 and 21+.
    pub buckets: Vec<(String, Figures, usize)>,
    pub ms_per_impression: f64,
}

/// The model at one step of the diversity dial: accuracy beside how varied its top 10s are.
#[derive(Debug, Clone, Serialize)]
pub struct DialRow {
    pub step: usize,
    pub default: bool,
    pub mmr_lambda: f32,
    pub explore_slots: usize,
    pub feed_cap: usize,
    pub all: Figures,
    /// AUC for each user's impressions 1–5, 6–20 and 21+.
    pub bucket_auc: Vec<f64>,
    /// Mean pairwise cosine distance of the item vectors in each top 10.
    pub intra_list_diversity: f64,
    /// Distinct feeds in each top 10.
    pub feeds_in_top10: f64,
    /// The user's most-opened feed's share of the top 10: first five impressions, last five.
    pub top_feed_share_first: f64,
    pub top_feed_share_last: f64,
    /// `top_feed_share_last − top_feed_share_first`: how far the list closed in.
    pub narrowing: f64,
}

fn dial_rows(steps: &[diversity::StepRun]) -> Vec<DialRow> {
    steps
        .iter()
        .zip(STEPS.iter())
        .enumerate()
        .map(|(i, (r, s))| {
            let (first, last) = r.shares();
            DialRow {
                step: i,
                default: i == DEFAULT_STEP,
                mmr_lambda: s.mmr_lambda,
                explore_slots: s.explore_positions.len(),
                feed_cap: s.feed_cap,
                all: r.all.mean(),
                bucket_auc: r.buckets.iter().map(|m| m.mean().auc).collect(),
                intra_list_diversity: r.ild(),
                feeds_in_top10: r.feeds(),
                top_feed_share_first: first,
                top_feed_share_last: last,
                narrowing: r.narrowing(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// False for a log without click labels: no figures, only the predictions file.
    pub labelled: bool,
    pub items: usize,
    pub impressions: usize,
    pub scored_impressions: usize,
    pub users: usize,
    pub rows: Vec<RankerRow>,
    /// The model at each step of the diversity dial (empty without labels).
    pub dial: Vec<DialRow>,
    pub ingest_seconds: f64,
    pub embed_seconds: f64,
    pub total_seconds: f64,
}

pub fn run(opts: &EvalOptions) -> Result<EvalReport, EvalError> {
    let started = Instant::now();
    let news = mind::read_news(&opts.dir.join("news.tsv"))?;
    let behaviors = mind::read_behaviors(&opts.dir.join("behaviors.tsv"))?;
    if news.is_empty() || behaviors.is_empty() {
        return Err(EvalError::Invalid(format!(
            "{} holds no news or no impressions",
            opts.dir.display()
        )));
    }
    // MIND has no publication dates: an item appears at the first impression mentioning it.
    let mut published: HashMap<String, i64> = HashMap::new();
    for b in &behaviors {
        for id in b.history.iter().chain(b.candidates.iter().map(|c| &c.0)) {
            let e = published.entry(id.clone()).or_insert(b.time);
            *e = (*e).min(b.time);
        }
    }
    let last = behaviors.iter().map(|b| b.time).max().unwrap_or(0);
    let ingested = ingest::ingest(&news, &published, last)?;
    let ingest_seconds = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let corpus = Corpus::build(&ingested.docs);
    let emb = embed(&corpus, opts.dims, opts.seed);
    let embed_seconds = t.elapsed().as_secs_f64();
    let world = World {
        corpus: &corpus,
        emb: &emb,
    };

    let slot =
        |id: &str| -> Option<usize> { ingested.item_of.get(id).and_then(|i| corpus.slot(*i)) };
    let mut impressions = Vec::with_capacity(behaviors.len());
    let mut unknown = 0usize;
    for (row, b) in behaviors.iter().enumerate() {
        let history: Vec<usize> = b.history.iter().filter_map(|h| slot(h)).collect();
        let mut candidates = Vec::new();
        let mut labels = Vec::new();
        for (id, y) in &b.candidates {
            match slot(id) {
                Some(s) => {
                    candidates.push(s);
                    labels.extend(*y);
                }
                None => unknown += 1,
            }
        }
        impressions.push(Impression {
            row,
            id: b.impression.clone(),
            user: b.user.clone(),
            time: b.time,
            history,
            candidates,
            labels,
        });
    }
    if unknown > 0 {
        return Err(EvalError::Invalid(format!(
            "{unknown} candidates in behaviors.tsv are not in news.tsv; predictions would not line up"
        )));
    }

    // MIND's test split has no labels: the model's ranks are all it can give, for the predictions
    // file (impressions are scored but not learned from; each history still is).
    let labelled = impressions.iter().any(Impression::is_labelled);
    if !labelled && opts.predictions.is_none() {
        return Err(EvalError::Invalid(format!(
            "{} has no click labels (MIND's test split?): there are no figures to print; \
             pass --predictions FILE to write the model's ranks",
            opts.dir.join("behaviors.tsv").display()
        )));
    }
    let kinds: &[RankerKind] = if labelled {
        &RankerKind::ALL
    } else {
        &[RankerKind::Model]
    };
    let mut rows = Vec::new();
    let mut model_ranks = None;
    let mut scored = 0;
    let mut dial = Vec::new();
    for &kind in kinds {
        if kind == RankerKind::Model {
            // The model runs once, each list ordered at every dial step; its row is the
            // default step's.
            let (steps, busy) =
                diversity::run(world, &impressions, opts.config, opts.dims, opts.seed);
            dial = dial_rows(&steps);
            let Some(r) = steps.into_iter().nth(DEFAULT_STEP) else {
                continue;
            };
            scored = r.all.count;
            if labelled {
                rows.push(RankerRow {
                    ranker: kind.name().to_owned(),
                    all: r.all.mean(),
                    buckets: BUCKETS
                        .iter()
                        .zip(&r.buckets)
                        .map(|(b, m)| ((*b).to_owned(), m.mean(), m.count))
                        .collect(),
                    ms_per_impression: busy.as_secs_f64() * 1000.0
                        / impressions.len().max(1) as f64,
                });
            }
            model_ranks = Some(r.ranks);
            continue;
        }
        let mut n = 0u64;
        let mut make = || {
            n += 1;
            kind.make(opts.dims, opts.seed ^ n, opts.config)
        };
        let r = protocol::run(world, &impressions, &mut make);
        scored = r.all.count;
        if labelled {
            rows.push(RankerRow {
                ranker: kind.name().to_owned(),
                all: r.figures(),
                buckets: BUCKETS
                    .iter()
                    .zip(&r.buckets)
                    .map(|(b, m)| ((*b).to_owned(), m.mean(), m.count))
                    .collect(),
                ms_per_impression: r.busy.as_secs_f64() * 1000.0 / impressions.len().max(1) as f64,
            });
        }
    }
    if opts.hindsight && labelled {
        let t = Instant::now();
        let (all, buckets) = hindsight::run(world, &impressions, opts.config, opts.seed);
        rows.push(RankerRow {
            ranker: HINDSIGHT_ROW.to_owned(),
            all: all.mean(),
            buckets: BUCKETS
                .iter()
                .zip(&buckets)
                .map(|(b, m)| ((*b).to_owned(), m.mean(), m.count))
                .collect(),
            ms_per_impression: t.elapsed().as_secs_f64() * 1000.0 / impressions.len().max(1) as f64,
        });
    }
    if let (Some(path), Some(ranks)) = (&opts.predictions, &model_ranks) {
        write_predictions(path, &impressions, ranks)?;
    }
    if !labelled {
        dial.clear();
    }
    if let Some(path) = &opts.dial_svg {
        std::fs::write(path, plot::svg(&dial)).map_err(|source| EvalError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let users = impressions
        .iter()
        .map(|i| i.user.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(EvalReport {
        labelled,
        items: corpus.len(),
        impressions: impressions.len(),
        scored_impressions: scored,
        users,
        rows,
        dial,
        ingest_seconds,
        embed_seconds,
        total_seconds: started.elapsed().as_secs_f64(),
    })
}

/// MIND's prediction format: `<impression id> [r1,r2,...]` in the file's impression order.
pub fn write_predictions(
    path: &Path,
    impressions: &[Impression],
    ranks: &[Vec<usize>],
) -> Result<(), EvalError> {
    let mut out = String::new();
    for (imp, r) in impressions.iter().zip(ranks) {
        let list: Vec<String> = r.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "{} [{}]", imp.id, list.join(","));
    }
    std::fs::write(path, out).map_err(|source| EvalError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The report as a Markdown table.
pub fn table(r: &EvalReport) -> String {
    let mut s = String::new();
    if !r.labelled {
        let _ = writeln!(
            s,
            "{} items, {} impressions, {} users: no click labels, so no figures; the model's \
             ranks are in the predictions file.\n\nTime: ingest {:.2} s, embeddings {:.2} s, \
             whole run {:.2} s",
            r.items, r.impressions, r.users, r.ingest_seconds, r.embed_seconds, r.total_seconds
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{} items, {} impressions ({} scored: with a click and a non-click), {} users",
        r.items, r.impressions, r.scored_impressions, r.users
    );
    let _ = writeln!(
        s,
        "\n| ranker | AUC | MRR | nDCG@5 | nDCG@10 | ms/impression |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for row in &r.rows {
        let f = row.all;
        let _ = writeln!(
            s,
            "| {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.3} |",
            row.ranker, f.auc, f.mrr, f.ndcg5, f.ndcg10, row.ms_per_impression
        );
    }
    let _ = writeln!(s, "\nLearning curve (each user's impressions):\n");
    let _ = writeln!(
        s,
        "| ranker | impressions | n | AUC | MRR | nDCG@5 | nDCG@10 |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- |");
    for row in &r.rows {
        for (b, f, n) in &row.buckets {
            // An empty bucket (no user got that far) has no figures; zeros would read as a score.
            let _ = if *n == 0 {
                writeln!(s, "| {} | {} | 0 | – | – | – | – |", row.ranker, b)
            } else {
                writeln!(
                    s,
                    "| {} | {} | {} | {:.4} | {:.4} | {:.4} | {:.4} |",
                    row.ranker, b, n, f.auc, f.mrr, f.ndcg5, f.ndcg10
                )
            };
        }
    }
    if !r.dial.is_empty() {
        let _ = writeln!(
            s,
            "\nThe diversity dial (the model's row above is step {DEFAULT_STEP}; top 10 of each list):\n"
        );
        let _ = writeln!(
            s,
            "| step | MMR λ | explore | feed cap | AUC | nDCG@10 | AUC 1-5 / 6-20 / 21+ | diversity | feeds | top feed first → last | narrowing |"
        );
        let _ = writeln!(
            s,
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        );
        for d in &r.dial {
            let buckets: Vec<String> = d.bucket_auc.iter().map(|a| format!("{a:.4}")).collect();
            let _ = writeln!(
                s,
                "| {}{} | {:.2} | {} | {} | {:.4} | {:.4} | {} | {:.4} | {:.2} | {:.3} → {:.3} | {:+.3} |",
                d.step,
                if d.default { " (default)" } else { "" },
                d.mmr_lambda,
                d.explore_slots,
                d.feed_cap,
                d.all.auc,
                d.all.ndcg10,
                buckets.join(" / "),
                d.intra_list_diversity,
                d.feeds_in_top10,
                d.top_feed_share_first,
                d.top_feed_share_last,
                d.narrowing
            );
        }
    }
    let _ = writeln!(
        s,
        "\nTime: ingest {:.2} s, embeddings {:.2} s, whole eval {:.2} s",
        r.ingest_seconds, r.embed_seconds, r.total_seconds
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_learning_curve_bucket_shows_no_figures() {
        let f = Figures {
            auc: 0.61,
            mrr: 0.3,
            ndcg5: 0.4,
            ndcg10: 0.5,
        };
        let report = EvalReport {
            labelled: true,
            items: 3,
            impressions: 2,
            scored_impressions: 2,
            users: 2,
            rows: vec![RankerRow {
                ranker: "model".into(),
                all: f,
                buckets: vec![("1-5".into(), f, 2), ("21+".into(), Figures::default(), 0)],
                ms_per_impression: 0.1,
            }],
            dial: Vec::new(),
            ingest_seconds: 0.0,
            embed_seconds: 0.0,
            total_seconds: 0.0,
        };
        let t = table(&report);
        assert!(t.contains("| model | 1-5 | 2 | 0.6100 |"), "{t}");
        assert!(t.contains("| model | 21+ | 0 | – | – | – | – |"), "{t}");
    }
}
