//! `tasks …`, `stats`, `timer …` and `board export|import`: the Focus side from the command line.

use super::CliContext;
use crate::engine::focus::TimerAction;
use crate::focus::timer::{Timer, TimerConfig};
use crate::model::board::{Card, CardDraft, parse_due, parse_labels};
use anyhow::Context as _;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum FocusCommand {
    /// Cards on the Kanban board.
    Tasks {
        #[command(subcommand)]
        cmd: TasksCommand,
    },
    /// Focus figures: minutes per day, today's pomodoros, streak, minutes per task; and the last
    /// 28 days of focus beside reading, For you and Latest opened against shown, the days the
    /// reading budget was kept, and each "Read anyway".
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// The Pomodoro timer (the window shows the same timer).
    Timer {
        #[command(subcommand)]
        cmd: TimerCommand,
    },
    /// Export or import the whole board and time log.
    Board {
        #[command(subcommand)]
        cmd: BoardCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TasksCommand {
    /// Add a card (to the first column unless --column says otherwise).
    Add {
        title: String,
        /// Column name (case-insensitive) or id.
        #[arg(long)]
        column: Option<String>,
        #[arg(long, default_value = "")]
        notes: String,
        /// Comma-separated labels.
        #[arg(long, default_value = "")]
        labels: String,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// Estimate in pomodoros.
        #[arg(long)]
        estimate: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// List the cards on the board, column by column.
    List {
        /// Include archived cards.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Move a card to a column (at the bottom, or at --position, 1 = top).
    Move {
        id: i64,
        column: String,
        #[arg(long)]
        position: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Move a card to the last column (Done).
    Done {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Archive a card (restore it with `tasks restore`).
    Archive {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Bring an archived card back to its column.
    Restore {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TimerCommand {
    /// Show the timer.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Start (or resume), optionally focusing on a card.
    Start {
        #[arg(long)]
        task: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    Pause {
        #[arg(long)]
        json: bool,
    },
    Skip {
        #[arg(long)]
        json: bool,
    },
    Reset {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BoardCommand {
    /// Write the board and time log as JSON (or the time log as CSV) to a file or stdout.
    Export {
        #[arg(long)]
        csv: bool,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Read a JSON export. Refused when the board has data, unless --replace.
    Import {
        file: PathBuf,
        #[arg(long)]
        replace: bool,
    },
}

pub fn run(ctx: &CliContext, cmd: FocusCommand) -> anyhow::Result<()> {
    match cmd {
        FocusCommand::Tasks { cmd } => tasks(ctx, cmd),
        FocusCommand::Stats { json } => stats(ctx, json),
        FocusCommand::Timer { cmd } => timer(ctx, cmd),
        FocusCommand::Board { cmd } => board(ctx, cmd),
    }
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn card_line(c: &Card) -> String {
    let mut s = format!("#{:<4} {}", c.id, c.title);
    if !c.labels.is_empty() {
        s.push_str(&format!("  [{}]", c.labels.join(", ")));
    }
    if let Some(d) = c.due {
        s.push_str(&format!("  due {d}"));
    }
    if c.pomodoros > 0 || c.seconds_spent > 0 || c.estimate.is_some() {
        s.push_str(&format!(
            "  {}, {} min",
            c.pomodoros_text(),
            c.minutes_spent()
        ));
    }
    if let Some((done, total)) = crate::focus::checklist::progress(&c.notes) {
        s.push_str(&format!("  checklist {done}/{total}"));
    }
    s
}

fn tasks(ctx: &CliContext, cmd: TasksCommand) -> anyhow::Result<()> {
    let mut engine = ctx.open_engine()?;
    match cmd {
        TasksCommand::Add {
            title,
            column,
            notes,
            labels,
            due,
            estimate,
            json,
        } => {
            let column = match column {
                Some(c) => Some(engine.store().find_column(&c)?.id),
                None => None,
            };
            let draft = CardDraft {
                title,
                notes,
                labels: parse_labels(&labels).map_err(anyhow::Error::msg)?,
                due: parse_due(due.as_deref().unwrap_or("")).map_err(anyhow::Error::msg)?,
                estimate,
                ..CardDraft::default()
            };
            let id = engine.add_card(column, draft)?;
            let card = engine.store().card(id)?;
            if json {
                print_json(&card)?;
            } else {
                println!("added {}", card_line(&card));
            }
        }
        TasksCommand::List { all, json } => {
            let board = engine.board()?;
            let archived = if all {
                engine.store().archived_cards()?
            } else {
                Vec::new()
            };
            if json {
                print_json(&serde_json::json!({ "columns": board.columns, "archived": archived }))?;
            } else {
                for col in &board.columns {
                    let warn = if col.over_wip() {
                        "  (over WIP limit)"
                    } else {
                        ""
                    };
                    println!("{} ({}){warn}", col.column.name, col.count_text());
                    for c in &col.cards {
                        println!("  {}", card_line(c));
                    }
                }
                if all {
                    println!("Archived ({})", archived.len());
                    for c in &archived {
                        println!("  {}", card_line(c));
                    }
                }
            }
        }
        TasksCommand::Move {
            id,
            column,
            position,
            json,
        } => {
            let col = engine.store().find_column(&column)?;
            let index = position.map(|p| p.saturating_sub(1)).unwrap_or(usize::MAX);
            engine.move_card(id, col.id, index)?;
            report(&engine, id, json, &format!("moved to {}", col.name))?;
        }
        TasksCommand::Done { id, json } => {
            let col = engine.complete_card(id)?;
            let name = engine
                .store()
                .columns()?
                .into_iter()
                .find(|c| c.id == col)
                .map(|c| c.name)
                .unwrap_or_default();
            report(&engine, id, json, &format!("moved to {name}"))?;
        }
        TasksCommand::Archive { id, json } => {
            engine.archive_card(id)?;
            report(&engine, id, json, "archived")?;
        }
        TasksCommand::Restore { id, json } => {
            engine.restore_card(id)?;
            report(&engine, id, json, "restored")?;
        }
    }
    Ok(())
}

fn report(engine: &crate::engine::Engine, id: i64, json: bool, what: &str) -> anyhow::Result<()> {
    let card = engine.store().card(id)?;
    if json {
        print_json(&card)
    } else {
        println!("{what}: {}", card_line(&card));
        Ok(())
    }
}

fn stats(ctx: &CliContext, json: bool) -> anyhow::Result<()> {
    let mut engine = ctx.open_engine()?;
    let s = engine.focus_stats()?;
    let a = engine.attention_stats()?;
    if json {
        return print_json(&StatsReport {
            focus: &s,
            attention: &a,
        });
    }
    println!(
        "Today: {} pomodoro{}, {} min. Streak: {} day{}.",
        s.today_pomodoros,
        if s.today_pomodoros == 1 { "" } else { "s" },
        s.today_minutes,
        s.streak_days,
        if s.streak_days == 1 { "" } else { "s" }
    );
    println!("Last {} days:", s.days.len());
    for d in &s.days {
        println!(
            "  {}  {:>4} min  {}",
            d.date,
            d.minutes,
            "#".repeat((d.minutes / 5) as usize)
        );
    }
    print_attention(&a);
    println!("Per task:");
    for t in &s.per_task {
        println!(
            "  {:>5} min  {:>3} pomodoros  {}",
            t.minutes, t.pomodoros, t.title
        );
    }
    Ok(())
}

/// `stats --json`: the focus figures as before, with the month of attention beside them.
#[derive(serde::Serialize)]
struct StatsReport<'a> {
    #[serde(flatten)]
    focus: &'a crate::focus::stats::FocusStats,
    attention: &'a crate::focus::attention::AttentionStats,
}

fn print_attention(a: &crate::focus::attention::AttentionStats) {
    let share = |u: &crate::focus::attention::Uptake| match u.percent() {
        Some(p) => format!("{} of {} shown opened ({p}%)", u.opened, u.shown),
        None => "nothing shown yet".to_owned(),
    };
    println!("Last {} days, focus and reading:", a.days.len());
    for d in &a.days {
        let budget = match d.budget_kept {
            Some(true) => "  budget kept",
            Some(false) => "  over budget",
            None => "",
        };
        println!(
            "  {}  focus {:>4} min  reading {:>4} min{budget}",
            d.date, d.focus_minutes, d.reading_minutes
        );
    }
    println!(
        "For you: {}. Latest: {}.",
        share(&a.for_you),
        share(&a.latest)
    );
    println!(
        "Budget kept on {} of {} days with a budget. \"Read anyway\": {} time{}.",
        a.budget_kept_days,
        a.budget_days,
        a.read_anyway.len(),
        if a.read_anyway.len() == 1 { "" } else { "s" }
    );
    for o in &a.read_anyway {
        if let Some(t) = chrono::DateTime::from_timestamp(o.at, 0) {
            println!(
                "  {}",
                t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
            );
        }
    }
}

#[derive(serde::Serialize)]
struct TimerReport<'a> {
    phase: &'a str,
    state: &'a str,
    remaining_seconds: i64,
    task: Option<i64>,
    task_title: Option<String>,
    completed_in_cycle: u32,
    config: &'a TimerConfig,
}

fn timer(ctx: &CliContext, cmd: TimerCommand) -> anyhow::Result<()> {
    let mut engine = ctx.open_engine()?;
    let json = match cmd {
        TimerCommand::Status { json } => json,
        TimerCommand::Start { task, json } => {
            if let Some(t) = task {
                engine.store().card(t)?;
            }
            engine.timer_action(TimerAction::Start(task))?;
            json
        }
        TimerCommand::Pause { json } => {
            engine.timer_action(TimerAction::Pause)?;
            json
        }
        TimerCommand::Skip { json } => {
            engine.timer_action(TimerAction::Skip)?;
            json
        }
        TimerCommand::Reset { json } => {
            engine.timer_action(TimerAction::Reset)?;
            json
        }
    };
    let (t, cfg) = engine.timer_status()?;
    let now = engine.now().timestamp();
    let title = t
        .task
        .and_then(|id| engine.store().card(id).ok())
        .map(|c| c.title);
    let report = TimerReport {
        phase: t.phase.label(),
        state: state_name(&t),
        remaining_seconds: t.remaining(&cfg, now),
        task: t.task,
        task_title: title.clone(),
        completed_in_cycle: t.completed_in_cycle,
        config: &cfg,
    };
    if json {
        return print_json(&report);
    }
    let r = report.remaining_seconds;
    println!(
        "{} {} {:02}:{:02}{}",
        report.phase,
        report.state,
        r / 60,
        r % 60,
        title.map(|t| format!(" on {t}")).unwrap_or_default()
    );
    Ok(())
}

fn state_name(t: &Timer) -> &'static str {
    if t.is_running() {
        "running"
    } else if t.is_paused() {
        "paused"
    } else {
        "idle"
    }
}

fn board(ctx: &CliContext, cmd: BoardCommand) -> anyhow::Result<()> {
    let mut engine = ctx.open_engine()?;
    match cmd {
        BoardCommand::Export { csv, output } => match output {
            Some(path) => engine.export_board_to(&path, csv)?,
            None if csv => print!("{}", engine.export_time_log_csv()?),
            None => print_json(&engine.export_board()?)?,
        },
        BoardCommand::Import { file, replace } => {
            engine
                .import_board_from(&file, replace)
                .with_context(|| format!("importing {}", file.display()))?;
            println!("imported {}", file.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_line_says_one_pomodoro_and_counts_toward_an_estimate() {
        let mut card = Card {
            id: 1,
            column_id: 1,
            position: 0,
            title: "Report".into(),
            notes: String::new(),
            labels: vec!["work".into()],
            due: None,
            estimate: None,
            created_at: 0,
            updated_at: 0,
            archived_at: None,
            pomodoros: 1,
            seconds_spent: 25 * 60,
            link: None,
            item_id: None,
        };
        assert_eq!(card_line(&card), "#1    Report  [work]  1 pomodoro, 25 min");
        card.estimate = Some(3);
        assert_eq!(
            card_line(&card),
            "#1    Report  [work]  1/3 pomodoros, 25 min"
        );
        card.notes = "- [x] figures\n- [ ] prose\n".into();
        assert_eq!(
            card_line(&card),
            "#1    Report  [work]  1/3 pomodoros, 25 min  checklist 1/2"
        );
    }
}
