//! `focusfeed eval --mind DIR` end to end on a small MIND-format log written here: the table's
//! rankers and figures, the predictions file, and MIND's unlabelled test split, for which only
//! the model's ranks can be written.
#![allow(clippy::unwrap_used)]

use focusfeed::rank::eval::{self, EvalOptions};
use std::fmt::Write as _;
use std::path::Path;

const SPACE: [&str; 6] = [
    "Rocket reaches orbit",
    "Telescope finds a new comet",
    "Mars rover drills for water",
    "Astronauts return from the station",
    "Moon lander touches down",
    "Saturn rings seen in detail",
];
const OTHER: [&str; 6] = [
    "Cup final goes to penalties",
    "Marathon record falls",
    "Bank raises interest rates",
    "Shares slide on oil prices",
    "Tennis star retires",
    "Budget plan splits parliament",
];

/// Twelve items (ids N1–N12; the first six about space, in "science") and two readers who open
/// the space items, each with four impressions of four candidates.
fn write_log(dir: &Path, labelled: bool) {
    let mut news = String::new();
    for (i, title) in SPACE.iter().chain(&OTHER).enumerate() {
        let category = if i < 6 { "science" } else { "sport" };
        let _ = writeln!(
            news,
            "N{}\t{category}\t\t{title}\t{title}, the report says.\thttps://news.example.org/{}\t[]\t[]",
            i + 1,
            i + 1
        );
    }
    std::fs::write(dir.join("news.tsv"), news).unwrap();
    let mut behaviors = String::new();
    let mut row = 0;
    for user in ["U1", "U2"] {
        for k in 0..4usize {
            row += 1;
            // Candidates: two space items (clicked) and two others, at varying places.
            let space = [(k % 6) + 1, ((k + 3) % 6) + 1];
            let other = [(k % 6) + 7, ((k + 2) % 6) + 7];
            let list = [(other[0], 0), (space[0], 1), (other[1], 0), (space[1], 1)];
            let cands: Vec<String> = list
                .iter()
                .map(|(n, y)| {
                    if labelled {
                        format!("N{n}-{y}")
                    } else {
                        format!("N{n}")
                    }
                })
                .collect();
            let _ = writeln!(
                behaviors,
                "{row}\t{user}\t11/18/2023 0{}:30:19 PM\tN5 N6\t{}",
                k + 1,
                cands.join(" ")
            );
        }
    }
    std::fs::write(dir.join("behaviors.tsv"), behaviors).unwrap();
}

/// The predictions file: each line's impression id and ranks.
fn predictions(path: &Path) -> Vec<(String, Vec<usize>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (id, list) = l.split_once(' ').unwrap();
            let ranks = list
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|r| r.parse().unwrap())
                .collect();
            (id.to_owned(), ranks)
        })
        .collect()
}

#[test]
fn a_labelled_log_gives_the_table_and_a_predictions_file() {
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), true);
    let mut opts = EvalOptions::new(dir.path());
    let pred = dir.path().join("pred.txt");
    opts.predictions = Some(pred.clone());
    let report = eval::run(&opts).unwrap();
    assert!(report.labelled);
    assert_eq!((report.items, report.impressions, report.users), (12, 8, 2));
    let names: Vec<&str> = report.rows.iter().map(|r| r.ranker.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for row in &report.rows {
        for f in [row.all.auc, row.all.mrr, row.all.ndcg5, row.all.ndcg10] {
            assert!((0.0..=1.0).contains(&f), "{}: {f}", row.ranker);
        }
    }
    // Readers who open only space items, with space items in their history: the model puts
    // the space items on top.
    assert!(report.rows[0].all.auc > 0.9, "{:?}", report.rows[0]);
    let table = eval::table(&report);
    assert!(
        table.contains("| ranker | AUC | MRR | nDCG@5 | nDCG@10 |"),
        "{table}"
    );
    let lines = predictions(&pred);
    assert_eq!(lines.len(), 8);
    for (i, (id, ranks)) in lines.iter().enumerate() {
        assert_eq!(id, &(i + 1).to_string(), "the file's impression order");
        let mut sorted = ranks.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 2, 3, 4], "a permutation of the candidates");
    }
}

#[test]
fn the_unlabelled_test_split_writes_the_models_ranks_and_no_figures() {
    let labelled = tempfile::tempdir().unwrap();
    write_log(labelled.path(), true);
    let mut opts = EvalOptions::new(labelled.path());
    opts.predictions = Some(labelled.path().join("pred.txt"));
    eval::run(&opts).unwrap();
    let with_labels = predictions(&labelled.path().join("pred.txt"));

    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), false);
    let mut opts = EvalOptions::new(dir.path());
    // Without a predictions file there is nothing to give: a clear error.
    let e = eval::run(&opts)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("no click labels") && e.contains("--predictions"),
        "{e}"
    );

    let pred = dir.path().join("pred.txt");
    opts.predictions = Some(pred.clone());
    opts.hindsight = true;
    let report = eval::run(&opts).unwrap();
    assert!(!report.labelled);
    assert!(report.rows.is_empty(), "no figures without labels");
    assert!(eval::table(&report).contains("no click labels"));
    let without = predictions(&pred);
    assert_eq!(without.len(), 8);
    // Each reader's first list comes before any label is learned, so it is ranked exactly as
    // in the labelled run; the history alone already puts the space items on top.
    for first in [0, 4] {
        assert_eq!(without[first], with_labels[first]);
        let ranks = &without[first].1;
        assert!(ranks[1] <= 2 && ranks[3] <= 2, "{ranks:?}");
    }
}
