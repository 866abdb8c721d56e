//! The Focus side from the command line: the real binary on a temporary data directory, with
//! the time given by `--now` (and `TZ=UTC`, so "today" is the same everywhere).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn run(dir: &Path, now: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--now")
        .arg(now)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

fn ok_json(dir: &Path, now: &str, args: &[&str]) -> Value {
    let out = run(dir, now, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn fails_with(dir: &Path, args: &[&str], message: &str) {
    let out = run(dir, "2026-03-10T09:00:00Z", args);
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(message),
        "{args:?}: {err:?} does not say {message:?}"
    );
}

const T9: &str = "2026-03-10T09:00:00Z";

#[test]
fn tasks_add_list_move_done_archive_and_stats() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let card = ok_json(
        d,
        T9,
        &[
            "tasks",
            "add",
            "Write report",
            "--labels",
            "work, deep",
            "--estimate",
            "2",
            "--due",
            "2026-03-12",
            "--json",
        ],
    );
    let id = card["id"].as_i64().unwrap();
    assert_eq!(card["labels"], serde_json::json!(["work", "deep"]));
    assert_eq!(card["due"], "2026-03-12");
    ok_json(
        d,
        T9,
        &["tasks", "add", "Other", "--column", "today", "--json"],
    );

    let list = ok_json(d, T9, &["tasks", "list", "--json"]);
    let cols = list["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 4);
    assert_eq!(cols[0]["column"]["name"], "Backlog");
    assert_eq!(cols[0]["cards"][0]["title"], "Write report");
    assert_eq!(cols[1]["cards"][0]["title"], "Other");

    let id_s = id.to_string();
    let moved = ok_json(d, T9, &["tasks", "move", &id_s, "Doing", "--json"]);
    let doing = cols[2]["column"]["id"].clone();
    assert_eq!(moved["column_id"], doing);

    // A pomodoro on the card, from the CLI; the stats count it while it runs and once it ended.
    let status = ok_json(d, T9, &["timer", "start", "--task", &id_s, "--json"]);
    assert_eq!(status["state"], "running");
    assert_eq!(status["remaining_seconds"], 1500);
    assert_eq!(status["task_title"], "Write report");
    let running = ok_json(d, "2026-03-10T09:10:30Z", &["stats", "--json"]);
    assert_eq!(running["today_pomodoros"], 0);
    assert_eq!(running["today_minutes"], 10);
    assert_eq!(running["days"][13]["seconds"], 630);
    assert_eq!(running["per_task"][0]["title"], "Write report");
    assert_eq!(running["per_task"][0]["minutes"], 10);
    let stats = ok_json(d, "2026-03-10T09:30:00Z", &["stats", "--json"]);
    assert_eq!(stats["today_pomodoros"], 1);
    assert_eq!(stats["today_minutes"], 25);
    assert_eq!(stats["streak_days"], 1);
    assert_eq!(stats["days"].as_array().unwrap().len(), 14);
    assert_eq!(stats["days"][13]["date"], "2026-03-10");
    assert_eq!(stats["per_task"][0]["title"], "Write report");
    assert_eq!(stats["per_task"][0]["minutes"], 25);
    // Beside them, the month of attention: 28 days of focus and reading, and the lists' uptake.
    let month = &stats["attention"];
    assert_eq!(month["days"].as_array().unwrap().len(), 28);
    assert_eq!(month["days"][27]["date"], "2026-03-10");
    assert_eq!(month["days"][27]["focus_minutes"], 25);
    assert_eq!(month["days"][27]["reading_minutes"], 0);
    assert_eq!(month["for_you"]["shown"], 0);
    assert_eq!(month["read_anyway"].as_array().unwrap().len(), 0);

    let done = ok_json(d, T9, &["tasks", "done", &id_s, "--json"]);
    assert_eq!(done["column_id"], cols[3]["column"]["id"]);
    assert_eq!(done["pomodoros"], 1);
    ok_json(d, T9, &["tasks", "archive", &id_s, "--json"]);
    let list = ok_json(d, T9, &["tasks", "list", "--all", "--json"]);
    assert_eq!(list["archived"][0]["title"], "Write report");
    assert!(list["columns"][3]["cards"].as_array().unwrap().is_empty());

    // Plain text output works too.
    let out = run(d, T9, &["tasks", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Other"));
    let out = run(d, "2026-03-10T09:30:00Z", &["stats"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Today: 1 pomodoro, 25 min. Streak: 1 day.")
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails_with(d, &["tasks", "add", "   "], "a card needs a title");
    fails_with(
        d,
        &["tasks", "add", "x", "--due", "tomorrow"],
        "not a date like",
    );
    fails_with(
        d,
        &["tasks", "add", "x", "--column", "Nope"],
        "Backlog, Today, Doing, Done",
    );
    fails_with(d, &["tasks", "move", "999", "Doing"], "card 999 not found");
    fails_with(d, &["tasks", "archive", "999"], "not found");
    fails_with(d, &["timer", "start", "--task", "42"], "card 42 not found");
    let out = run(d, "yesterday", &["stats"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}

#[test]
fn export_import_round_trip_and_csv() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let card = ok_json(
        a.path(),
        T9,
        &["tasks", "add", "Essay, \"draft\"", "--json"],
    );
    let id = card["id"].as_i64().unwrap().to_string();
    ok_json(a.path(), T9, &["timer", "start", "--task", &id, "--json"]);
    ok_json(
        a.path(),
        "2026-03-10T09:10:00Z",
        &["timer", "skip", "--json"],
    );

    let file = a.path().join("board.json");
    let out = run(
        a.path(),
        T9,
        &["board", "export", "-o", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(b.path(), T9, &["board", "import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let second = ok_json(b.path(), T9, &["board", "export"]);
    assert_eq!(first, second);
    assert_eq!(second["time_log"][0]["seconds"], 600);

    // Importing again would replace data: refused without --replace, and nothing changes.
    fails_with(
        b.path(),
        &["board", "import", file.to_str().unwrap()],
        "--replace",
    );
    let garbage = a.path().join("garbage.json");
    std::fs::write(&garbage, "{not json").unwrap();
    fails_with(
        b.path(),
        &["board", "import", garbage.to_str().unwrap(), "--replace"],
        "not a focusfeed board export",
    );
    assert_eq!(ok_json(b.path(), T9, &["board", "export"]), first);

    let csv = run(b.path(), T9, &["board", "export", "--csv"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,card_id,card_title,started_at,ended_at,seconds,minutes,completed")
    );
    assert_eq!(
        lines.next(),
        Some(format!("1,{id},\"Essay, \"\"draft\"\"\",2026-03-10T09:00:00Z,2026-03-10T09:10:00Z,600,10,false").as_str())
    );
}
