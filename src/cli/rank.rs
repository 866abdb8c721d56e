//! `recommend`, `eval`, `model`, `rules`, `reset-model` and `personalization`: the For you list, the
//! offline evaluation, and the user's control over ranking.

use super::CliContext;
use crate::rank::eval::{self, EvalOptions};
use crate::rank::rules::{RuleAction, RuleKind};
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RankCommand {
    /// Print the For you list.
    Recommend {
        /// How many items.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Say why each item is there.
        #[arg(long)]
        explain: bool,
        #[arg(long)]
        json: bool,
    },
    /// Run the offline evaluation (recommender.md) on a MIND-format directory.
    Eval {
        /// Directory holding news.tsv and behaviors.tsv.
        #[arg(long, value_name = "DIR")]
        mind: PathBuf,
        /// Write the model's ranks in MIND's prediction format here (all there is for a log
        /// without click labels, such as MIND's test split).
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// Add a diagnostic row: the model learning from all of a user's other impressions
        /// (later ones too), never from the scored impression's items. It bounds what more data
        /// could give the same features; it is not a ranker.
        #[arg(long)]
        hindsight: bool,
        /// Draw AUC against the top 10's diversity over the dial's steps to this SVG file.
        #[arg(long, value_name = "FILE")]
        dial_svg: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// What For you learned: the feeds, authors, sites and words that count most for and
    /// against an item, with the evidence (read from the stored model).
    Model {
        #[arg(long)]
        json: bool,
    },
    /// List, add or remove ranking rules (like/mute a feed, author, keyword or regex).
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
    },
    /// Forget what the recommender learned (events stay; they are no longer used).
    ResetModel,
    /// Turn personalization on or off (off: For you is newest first, rules still apply).
    Personalization { state: OnOff },
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// Show the rules.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a rule, e.g. `rules add mute keyword election`.
    Add {
        #[arg(value_enum)]
        action: RuleAction,
        #[arg(value_enum)]
        kind: RuleKind,
        pattern: String,
    },
    /// Remove a rule by id.
    Remove { id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

pub fn run(ctx: &CliContext, cmd: RankCommand) -> anyhow::Result<()> {
    match cmd {
        RankCommand::Recommend {
            limit,
            explain,
            json,
        } => {
            let mut engine = ctx.open_engine()?;
            let list = engine.recommend(limit, explain)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("Nothing unread to recommend. Add feeds or refresh them.");
            } else {
                for (i, item) in list.iter().enumerate() {
                    let mark = if item.explored { " (explore)" } else { "" };
                    println!("{:>3}. [{}] {}{mark}", i + 1, item.feed, item.title);
                    for r in &item.reasons {
                        println!("       - {}", r.text);
                    }
                }
            }
        }
        RankCommand::Eval {
            mind,
            predictions,
            hindsight,
            dial_svg,
            json,
        } => {
            let mut opts = EvalOptions::new(&mind);
            opts.predictions = predictions;
            opts.hindsight = hindsight;
            opts.dial_svg = dial_svg;
            let report = eval::run(&opts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", eval::table(&report));
            }
        }
        RankCommand::Model { json } => {
            let rows = ctx.open_engine()?.learned()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if rows.is_empty() {
                println!("For you has learned nothing yet: open or skip a few items first.");
            } else {
                print!("{}", learned_table(&rows));
            }
        }
        RankCommand::Rules { action } => {
            let mut engine = ctx.open_engine()?;
            match action.unwrap_or(RulesAction::List { json: false }) {
                RulesAction::List { json } => {
                    let rules = engine.store().rank_rules()?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&rules)?);
                    } else if rules.is_empty() {
                        println!("No rules. Add one: focusfeed rules add mute keyword WORD");
                    } else {
                        for r in rules {
                            println!(
                                "{:>4}  {} {} {:?}",
                                r.id,
                                r.action.as_str(),
                                r.kind.as_str(),
                                r.pattern
                            );
                        }
                    }
                }
                RulesAction::Add {
                    action,
                    kind,
                    pattern,
                } => {
                    let id = engine.add_rank_rule(kind, action, &pattern)?;
                    println!(
                        "rule {id}: {} {} {:?}",
                        action.as_str(),
                        kind.as_str(),
                        pattern.trim()
                    );
                }
                RulesAction::Remove { id } => {
                    engine.remove_rank_rule(id)?;
                    println!("rule {id} removed");
                }
            }
        }
        RankCommand::ResetModel => {
            ctx.open_engine()?.reset_rank_model()?;
            println!("The recommender forgot what it learned; For you starts fresh.");
        }
        RankCommand::Personalization { state } => {
            ctx.open_engine()?.set_personalization(state == OnOff::On)?;
            println!(
                "Personalization {}",
                if state == OnOff::On { "on" } else { "off" }
            );
        }
    }
    Ok(())
}

/// The learned rows as text: one line each, the weight drawn as a bar of up to ten blocks.
fn learned_table(rows: &[crate::rank::learned::LearnedRow]) -> String {
    use std::fmt::Write as _;
    let max = rows.iter().map(|r| r.weight.abs()).fold(0.0f32, f32::max);
    let mut s = String::new();
    let mut kind = None;
    for r in rows {
        if kind != Some(r.kind) {
            kind = Some(r.kind);
            let _ = writeln!(s, "{}s:", r.kind.as_str());
        }
        let len = if max > 0.0 {
            (r.weight.abs() / max * 10.0).round() as usize
        } else {
            0
        };
        let bar = if r.weight >= 0.0 { "+" } else { "-" }.repeat(len.max(1));
        let _ = writeln!(
            s,
            "  {:>+6.2} {:<10} {}  (opened {:.0} of {:.0} shown; key {:?})",
            r.weight, bar, r.label, r.opened, r.shown, r.key
        );
    }
    s
}

/// `bench rank`: scoring 1,000 candidates and one online update, on a synthetic corpus of
/// 20,000 items in 40 topics and a user whose similarity sets are full (the model keeps them
/// bounded, so this is the steady state).
pub fn bench(_ctx: &CliContext) -> anyhow::Result<()> {
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::{DEFAULT_DIMS, embed};
    use crate::rank::model::{ModelConfig, UserModel, World};
    use crate::rank::rng::SplitMix;
    use std::time::Instant;

    let mut rng = SplitMix::new(1);
    let docs: Vec<ItemDoc> = (0..20_000)
        .map(|i| {
            let topic = rng.below(40);
            let terms = (0..30)
                .map(|_| {
                    let w = if rng.unit() < 0.6 {
                        topic * 50 + rng.below(50)
                    } else {
                        2000 + rng.below(8000)
                    };
                    (format!("t{w}"), 1.0 + rng.unit())
                })
                .collect();
            ItemDoc {
                id: i,
                feed: format!("feed{}", topic % 12),
                feed_name: String::new(),
                author: Some(format!("author{}", rng.below(300))),
                domain: Some(format!("site{}.example", topic % 12)),
                published: i,
                terms,
                title: String::new(),
            }
        })
        .collect();
    let t = Instant::now();
    let corpus = Corpus::build(&docs);
    let emb = embed(&corpus, DEFAULT_DIMS, 7);
    println!(
        "rank: embed 20,000 items ({DEFAULT_DIMS} dims): {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let world = World {
        corpus: &corpus,
        emb: &emb,
    };
    let cfg = ModelConfig::default();
    let mut model = UserModel::new(cfg, emb.dims, 3);
    for _ in 0..(cfg.max_clicks + 10) {
        let shown: Vec<usize> = (0..4).map(|_| rng.below(corpus.len())).collect();
        model.learn_impression(world, &shown, &[true, false, false, false]);
    }
    let candidates: Vec<usize> = (0..1000).map(|_| rng.below(corpus.len())).collect();
    let mut score_ms = Vec::new();
    let mut checksum = 0.0f32;
    for _ in 0..200 {
        let t = Instant::now();
        checksum += model.score_all(world, &candidates).iter().sum::<f32>();
        score_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut update_ms = Vec::new();
    for _ in 0..200 {
        let shown: Vec<usize> = (0..15).map(|_| rng.below(corpus.len())).collect();
        let clicked: Vec<bool> = (0..15).map(|i| i == 3).collect();
        let t = Instant::now();
        model.learn_impression(world, &shown, &clicked);
        update_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p) as usize]
    };
    let score_p50 = pct(&mut score_ms, 0.5);
    println!(
        "rank: score 1,000 candidates ({} clicks, {} skips remembered): min {:.3} ms, p50 {:.3} ms, p99 {:.3} ms ({})",
        model.clicks.len(),
        model.skips.len(),
        pct(&mut score_ms, 0.0),
        score_p50,
        pct(&mut score_ms, 0.99),
        against_target(score_p50, 2.0)
    );
    let update_p50 = pct(&mut update_ms, 0.5);
    println!(
        "rank: one update (a 15-item list, one click): p50 {:.3} ms, p99 {:.3} ms ({})",
        update_p50,
        pct(&mut update_ms, 0.99),
        against_target(update_p50, 1.0)
    );
    if !checksum.is_finite() {
        println!("rank: warning: non-finite scores");
    }
    Ok(())
}

/// Says whether a p50 meets its target, so a slowdown (such as the neighbour scan losing its
/// packed multiplies) shows in the output instead of hiding in a number.
fn against_target(p50_ms: f64, target_ms: f64) -> String {
    if p50_ms < target_ms {
        format!("target under {target_ms} ms: met")
    } else {
        format!("target under {target_ms} ms: NOT MET")
    }
}
