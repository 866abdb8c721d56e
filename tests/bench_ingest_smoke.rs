//! `bench ingest` keeps working: a small run of the real binary serves its feeds from
//! 127.0.0.1, stores and indexes every item beside the storing, and runs the bare comparison.
//! Nothing is timed here; the figures are in docs/performance.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[test]
fn a_small_ingest_bench_stores_indexes_and_compares() {
    let text = common::run_binary(&["bench", "ingest", "--feeds", "6", "--items", "40"]);
    for line in [
        "ingest: 6 feeds × 40 items = 240 items",
        "every item indexed at",
        "bare feed-rs + tantivy, same bytes",
        "ratio (focusfeed time / bare time)",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}
