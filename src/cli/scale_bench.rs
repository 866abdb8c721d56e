//! `bench scale --items N`: the app at the size a heavy reader reaches (a million items after two
//! years). One generated data directory, laid out as the app's, then every figure issue 24 asks
//! for at that size: store and index rate with peak memory, each query kind's p50/p99, the
//! list's frame time, For you's first build and its up-to-date refresh, `check`, a full index
//! rebuild, and the window's cold start when a display is there. Figures only, never asserted.

use super::ingest_bench::{peak_rss_mib, reset_peak_rss};
use crate::clock::SharedClock;
use crate::engine::Engine;
use std::path::Path;
use std::time::{Duration, Instant};

/// Rankings of For you measured once it is up to date.
const UP_TO_DATE_RUNS: usize = 20;

fn mib(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |m| format!("{m:.0} MiB"))
}

/// The peak memory of `phase` alone (the counter is reset before it).
fn measured<T>(phase: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, Option<f64>)> {
    let reset = reset_peak_rss();
    let out = phase()?;
    Ok((out, peak_rss_mib().filter(|_| reset)))
}

pub fn run(items: usize, clock: SharedClock) -> anyhow::Result<()> {
    let scratch =
        std::env::temp_dir().join(format!("focusfeed-bench-scale-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let result = run_in(&scratch, items, clock);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn run_in(dir: &Path, items: usize, clock: SharedClock) -> anyhow::Result<()> {
    println!("bench scale: {items} items (titles 5–10 words, bodies 50–150 words, 50 feeds)");
    let (corpus, peak) = measured(|| super::search_bench::build_corpus_in(dir, items))?;
    let (store_s, index_s) = (
        corpus.insert_time.as_secs_f64(),
        corpus.index_time.as_secs_f64(),
    );
    println!(
        "  ingest: store {store_s:.1} s ({:.0} items/s), index {index_s:.1} s ({:.0} items/s), \
         {:.0} items/s together; index {:.0} MB; peak {}",
        items as f64 / store_s,
        items as f64 / index_s,
        items as f64 / (store_s + index_s),
        corpus.index_bytes as f64 / 1e6,
        mib(peak)
    );

    println!("  search (limit 20, snippets, warm reader; target p99 ≤ 20 ms):");
    super::search_bench::search_kinds(&corpus, 600)?;
    drop(corpus);

    let start =
        chrono::DateTime::from_timestamp(1_700_000_000 + items as i64 * 60, 0).unwrap_or_default();
    let (list, peak) = measured(|| crate::ui::reader::bench::run_on(dir, items, 300, start))?;
    println!(
        "  list (Latest, all items, scrolling and jumping; target p99 ≤ 4 ms): ids read in \
         {:.0} ms, frame p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; peak {}",
        list.load_ids_ms,
        list.p50_ms,
        list.p99_ms,
        list.max_ms,
        mib(peak)
    );

    let mut engine = Engine::open(dir, clock)?;
    let ((), peak) = measured(|| {
        let t = Instant::now();
        engine.refresh_for_you(1_000)?;
        println!(
            "  For you, first build (target ≤ 10 s): {:.2} s",
            t.elapsed().as_secs_f64()
        );
        Ok(())
    })?;
    println!("    peak {}", mib(peak));
    let mut times = Vec::with_capacity(UP_TO_DATE_RUNS);
    for _ in 0..UP_TO_DATE_RUNS {
        let t = Instant::now();
        engine.refresh_for_you(1_000)?;
        times.push(t.elapsed());
    }
    super::search_bench::report("For you, up to date (p99 ≤ 100 ms)", times);

    let (check, peak) = measured(|| {
        let t = Instant::now();
        let r = engine.check_index()?;
        Ok((r, t.elapsed()))
    })?;
    println!(
        "  check: {:.2} s, {} items, {} documents, {} missing, {} stale; peak {}",
        check.1.as_secs_f64(),
        check.0.sqlite_items,
        check.0.index_docs,
        check.0.missing,
        check.0.stale,
        mib(peak)
    );
    let (rebuilt, peak) = measured(|| {
        let t = Instant::now();
        let n = engine.rebuild_index(&mut |_, _| {})?;
        Ok((n, t.elapsed()))
    })?;
    println!(
        "  full index rebuild: {:.1} s ({:.0} items/s); peak {}",
        rebuilt.1.as_secs_f64(),
        rebuilt.0 as f64 / rebuilt.1.as_secs_f64().max(1e-9),
        mib(peak)
    );
    drop(engine);
    cold_start(dir)
}

/// The window on this directory, timed from outside (`--quit-after-first-list`), three runs;
/// skipped without a display.
fn cold_start(dir: &Path) -> anyhow::Result<()> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        println!("  window cold start: skipped (no DISPLAY; run under Xvfb to measure it)");
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let mut firsts = Vec::new();
    for _ in 0..3 {
        let out = std::process::Command::new(&exe)
            .arg("--data-dir")
            .arg(dir)
            .arg("--quit-after-first-list")
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let ms = text
            .lines()
            .find_map(|l| l.strip_prefix("first frame with the list drawn: "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok());
        match ms {
            Some(ms) => firsts.push(Duration::from_secs_f64(ms / 1e3)),
            None => anyhow::bail!(
                "the window did not report its first list: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    super::search_bench::report("window cold start to the list (≤ 1 s)", firsts);
    Ok(())
}
