//! `bench scale` keeps working: a small run of the real binary goes through every phase and
//! prints each figure. Nothing is timed here; the million-item run is documented in
//! docs/performance.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[test]
fn a_small_scale_bench_reports_every_phase() {
    let text = common::run_binary(&["bench", "scale", "--items", "2000"]);
    for phase in [
        "ingest: store",
        "phrase",
        "title:word",
        "list (Latest",
        "For you, first build",
        "For you, up to date",
        "check: ",
        "2000 items, 2000 documents, 0 missing, 0 stale",
        "full index rebuild",
        "window cold start: skipped",
    ] {
        assert!(text.contains(phase), "no {phase:?} in:\n{text}");
    }
}
