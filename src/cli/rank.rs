//! `recommend`, `eval`, `rules`, `reset-model` and `personalization`: the For you list, the
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
        /// Write the model's ranks in MIND's prediction format here.
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
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
        RankCommand::Recommend { limit, explain, json } => {
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
        RankCommand::Eval { mind, predictions, json } => {
            let mut opts = EvalOptions::new(&mind);
            opts.predictions = predictions;
            let report = eval::run(&opts)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", eval::table(&report));
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
                            println!("{:>4}  {} {} {:?}", r.id, r.action.as_str(), r.kind.as_str(), r.pattern);
                        }
                    }
                }
                RulesAction::Add { action, kind, pattern } => {
                    let id = engine.add_rank_rule(kind, action, &pattern)?;
                    println!("rule {id}: {} {} {:?}", action.as_str(), kind.as_str(), pattern.trim());
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
            println!("Personalization {}", if state == OnOff::On { "on" } else { "off" });
        }
    }
    Ok(())
}
