//! `focusfeed bench list`: the frame time of the reader with 100,000 items, headless. A real
//! `ReaderView` over a real database draws into an `egui::Context` while the wheel scrolls the list
//! and the keyboard jumps far into it; each frame is timed from input to tessellated output.

use super::ReaderView;
use super::list::ListKind;
use crate::clock::{Clock, ManualClock, SharedClock};
use crate::engine::Engine;
use crate::engine::worker::WorkerHandle;
use crate::paths::DB_FILE;
use crate::store::Store;
use crate::ui::context::ViewContext;
use rusqlite::params;
use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What one run measured.
#[derive(Debug, Clone)]
pub struct ListBenchReport {
    pub items: usize,
    pub frames: usize,
    /// Reading the ordered ids of the whole list (on a view switch or a change).
    pub load_ids_ms: f64,
    /// Reading the sidebar: feeds with unread counts, totals (on a change).
    pub load_sidebar_ms: f64,
    /// The UI thread's own CPU time per frame (from the scheduler), which other processes on a
    /// busy machine do not inflate; `None` where the kernel does not tell.
    pub cpu_p50_ms: Option<f64>,
    pub cpu_p99_ms: Option<f64>,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Rows the list moved through during the run.
    pub rows_scrolled: usize,
    /// Timed frames that drew some rows as placeholders, their read still on its way.
    pub frames_with_placeholders: usize,
}

impl fmt::Display for ListBenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "reader list, {} items, {} frames (wheel scrolling, with a jump far into the list every 50 frames)",
            self.items, self.frames
        )?;
        writeln!(
            f,
            "  load (the background reader's work; the UI thread does not wait): list ids {:.1} ms, sidebar {:.1} ms",
            self.load_ids_ms, self.load_sidebar_ms
        )?;
        writeln!(
            f,
            "  frame time (wall): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.p50_ms, self.p95_ms, self.p99_ms, self.max_ms
        )?;
        if let (Some(p50), Some(p99)) = (self.cpu_p50_ms, self.cpu_p99_ms) {
            writeln!(
                f,
                "  frame time (UI thread CPU): p50 {p50:.2} ms, p99 {p99:.2} ms"
            )?;
        }
        writeln!(f, "  rows passed: {}", self.rows_scrolled)?;
        write!(
            f,
            "  frames drawing rows not read yet (placeholders): {} of {}",
            self.frames_with_placeholders, self.frames
        )
    }
}

/// A data directory that goes away with the run.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "focusfeed-bench-list-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp directory is harmless.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fills a database with `items` items over 20 feeds, titles of realistic length.
pub(crate) fn fill(dir: &Path, items: usize, now: i64) -> anyhow::Result<()> {
    let mut store = Store::open(&dir.join(DB_FILE))?;
    let tx = store.conn_mut().transaction()?;
    {
        let mut feed =
            tx.prepare("INSERT INTO feeds(id, url, title, created_at) VALUES (?1, ?2, ?3, ?4)")?;
        for f in 1..=20_i64 {
            feed.execute(params![
                f,
                format!("https://feed{f}.example.org/rss"),
                format!("Feed number {f}"),
                now
            ])?;
        }
        let mut item = tx.prepare(
            "INSERT INTO items(feed_id, key, url, title, author, content_text, published_at, fetched_at, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for i in 0..items as i64 {
            let feed = i % 20 + 1;
            item.execute(params![
                feed,
                format!("k{i}"),
                format!("https://feed{feed}.example.org/post/{i}"),
                format!("Item {i}: a headline about attention, feeds and the craft of small fast software"),
                format!("Author {}", i % 97),
                "Body text.",
                now - i * 60,
                now,
                (i % 3 == 0).then_some(now),
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// CPU time this thread has run, in nanoseconds (Linux `schedstat`).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Runs the benchmark: `items` items, `frames` timed frames.
pub fn run(items: usize, frames: usize) -> anyhow::Result<ListBenchReport> {
    let dir = TempDir::new()?;
    let start = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    fill(&dir.0, items, start.timestamp())?;
    run_on(&dir.0, items, frames, start)
}

/// The same frames over a data directory already holding `items` items (`bench scale`).
pub fn run_on(
    data_dir: &Path,
    items: usize,
    frames: usize,
    start: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<ListBenchReport> {
    struct Borrowed(std::path::PathBuf);
    let dir = Borrowed(data_dir.to_path_buf());
    let now = start.timestamp();
    let clock = ManualClock::new(start);
    let shared: SharedClock = Arc::new(clock.clone());
    // The worker gets its own empty directory: on this data it would spend the run building the
    // search index on the same two cores, and this measures the UI thread, not indexing.
    let worker_dir = TempDir::new()?;
    let engine = Engine::open(&worker_dir.0, shared.clone())?;
    let worker = WorkerHandle::spawn(engine, || {});
    let store = crate::store::ReadStore::open(&dir.0.join(DB_FILE))?;
    let egui_ctx = egui::Context::default();
    let mut view = ReaderView::default();

    let make_ctx = || ViewContext {
        store: &store,
        worker: &worker,
        clock: &shared,
        data_dir: &dir.0,
        now: clock.now(),
        actions: RefCell::new(Vec::new()),
    };
    // The list the person opens: every item, newest first.
    let t = Instant::now();
    view.list
        .load(&store, ListKind::Latest, false, now)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let load_ids_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    view.sidebar
        .reload(&store)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let load_sidebar_ms = t.elapsed().as_secs_f64() * 1000.0;
    {
        let ctx = make_ctx();
        view.set_kind(ListKind::Latest, &ctx);
        view.reload(&egui_ctx, &ctx);
    }

    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0));
    // The rows come from the background reader: draw until the first screen of them is in, so
    // that the timed frames start from the list a person sees, not from placeholders.
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    let mut settle = 0;
    while view.list.is_empty() || view.list.placeholders() > 0 || settle == 0 {
        if Instant::now() > deadline {
            anyhow::bail!("the list's rows were never read");
        }
        let input = egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        let ctx = make_ctx();
        let output = egui_ctx.run_ui(input, |ui| view.ui(ui, &ctx));
        output.drop_without_applying_deltas();
        settle += 1;
        std::thread::yield_now();
    }
    let over_list = egui::pos2(450.0, 450.0);
    let mut times = Vec::with_capacity(frames);
    let mut cpu_times = Vec::with_capacity(frames);
    let warmup = 10;
    let mut first_row = 0;
    let mut rows_scrolled = 0;
    let mut frames_with_placeholders = 0;
    for frame in 0..frames + warmup {
        clock.advance(chrono::Duration::milliseconds(16));
        let mut input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(frame as f64 / 60.0),
            ..Default::default()
        };
        input.events.push(egui::Event::PointerMoved(over_list));
        input.events.push(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -240.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        if frame % 50 == 49 {
            // A jump far away: the rows there are not cached and must be read.
            let target = (frame * 7919) % items.max(1);
            view.list.select(target);
        }
        let t = Instant::now();
        let cpu = thread_cpu_ns();
        let ctx = make_ctx();
        let mut output = egui_ctx.run_ui(input, |ui| view.ui(ui, &ctx));
        let shapes = std::mem::take(&mut output.shapes);
        let _ = egui_ctx.tessellate(shapes, output.pixels_per_point);
        // No GPU here: the font atlas updates have nowhere to go.
        output.drop_without_applying_deltas();
        let elapsed = t.elapsed().as_secs_f64() * 1000.0;
        let cpu_ms = cpu
            .zip(thread_cpu_ns())
            .map(|(a, b)| b.saturating_sub(a) as f64 / 1e6);
        if frame >= warmup {
            times.push(elapsed);
            cpu_times.extend(cpu_ms);
            frames_with_placeholders += usize::from(view.list.placeholders() > 0);
        }
        // A frame of placeholders only (a jump) shows no row yet: counted when they come.
        if let Some(&(_, visible_first)) = view.list.visible().first() {
            rows_scrolled += visible_first.abs_diff(first_row);
            first_row = visible_first;
        }
    }
    drop(worker);
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    let cpu_ok = cpu_times.len() == times.len() && !cpu_times.is_empty();
    Ok(ListBenchReport {
        items,
        frames,
        load_ids_ms,
        load_sidebar_ms,
        cpu_p50_ms: cpu_ok.then(|| percentile(&cpu_times, 0.50)),
        cpu_p99_ms: cpu_ok.then(|| percentile(&cpu_times, 0.99)),
        p50_ms: percentile(&times, 0.50),
        p95_ms: percentile(&times, 0.95),
        p99_ms: percentile(&times, 0.99),
        max_ms: times.last().copied().unwrap_or(0.0),
        rows_scrolled,
        frames_with_placeholders,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bench_draws_the_list_from_the_background_reader() {
        let report = super::run(2_000, 60).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.items, 2_000);
        assert!(report.rows_scrolled > 0, "{report}");
    }
}
