//! `bench index` and `bench search`: 100,000 generated items written to a temporary SQLite,
//! indexed through the outbox exactly as the app does, then searched. Prints figures only.

use crate::search::{self, Filters, SearchIndex, Sort};
use crate::store::Store;
use anyhow::Context as _;
use std::time::{Duration, Instant};

const ITEMS: usize = 100_000;
const FEEDS: i64 = 50;
const QUERIES: usize = 1_000;

/// A small deterministic generator (SplitMix64), so every run indexes the same corpus.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "on",
    "by",
    "this",
    "are",
    "from",
    "at",
    "be",
    "new",
    "how",
    "release",
    "rust",
    "data",
    "model",
    "open",
    "source",
    "world",
    "market",
    "energy",
    "climate",
    "city",
    "music",
    "film",
    "game",
    "science",
    "space",
    "health",
    "policy",
    "school",
    "court",
    "election",
    "company",
    "research",
    "study",
    "report",
    "team",
    "season",
    "player",
    "price",
    "bank",
    "water",
    "food",
    "travel",
    "design",
    "software",
    "security",
    "network",
    "browser",
    "kernel",
    "database",
    "compiler",
    "library",
    "version",
    "update",
    "feature",
    "performance",
    "memory",
    "server",
    "cloud",
    "privacy",
    "battery",
    "phone",
    "camera",
    "review",
    "interview",
    "history",
    "language",
];

/// A vocabulary with Zipf-like frequencies: common words first, then made-up ones.
pub(super) struct Vocab {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocab {
    fn new(rng: &mut Rng, size: usize) -> Self {
        const SYL: &[&str] = &[
            "ka", "lo", "mi", "ter", "va", "nor", "sel", "qui", "dra", "pe", "tos", "lin", "gar",
            "fe", "mon", "ril", "zu", "ban", "cor", "eth",
        ];
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
        while words.len() < size {
            let n = 2 + rng.below(3);
            let w: String = (0..n).map(|_| SYL[rng.below(SYL.len())]).collect();
            words.push(w);
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0);
                total
            })
            .collect();
        Self { words, cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        self.words.get(i).map_or("the", String::as_str)
    }

    fn sentence(&self, rng: &mut Rng, words: usize) -> String {
        let mut s = String::with_capacity(words * 7);
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.sample(rng));
        }
        s
    }
}

/// A scratch directory removed on drop (tempfile is only a dev-dependency).
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new() -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("focusfeed-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The generated corpus in a data directory laid out as the app's, indexed.
pub(super) struct Corpus {
    // Fields drop in order: the store and index close before the directory goes.
    pub(super) store: Store,
    pub(super) index: SearchIndex,
    _dir: Option<ScratchDir>,
    pub(super) vocab: Vocab,
    pub(super) insert_time: Duration,
    pub(super) index_time: Duration,
    pub(super) index_cpu: Option<Duration>,
    pub(super) index_bytes: u64,
}

/// `items` generated items in a scratch directory removed with the corpus.
fn build_corpus(items: usize) -> anyhow::Result<Corpus> {
    let dir = ScratchDir::new()?;
    let mut c = build_corpus_in(dir.path(), items)?;
    c._dir = Some(dir);
    Ok(c)
}

/// `items` generated items stored in `data_dir` (as the app's database) and indexed through
/// the outbox into its `index` folder.
pub(super) fn build_corpus_in(data_dir: &std::path::Path, items: usize) -> anyhow::Result<Corpus> {
    let mut store = Store::open(&data_dir.join(crate::paths::DB_FILE))?;
    let mut rng = Rng(42);
    let vocab = Vocab::new(&mut rng, 30_000);
    eprintln!("generating and storing {items} items…");
    let started = Instant::now();
    {
        let tx = store.conn_mut().transaction()?;
        for f in 1..=FEEDS {
            tx.execute(
                "INSERT INTO feeds(id, url, title, created_at) VALUES (?1, ?2, ?3, 0)",
                rusqlite::params![
                    f,
                    format!("https://example.com/{f}.xml"),
                    format!("Feed {f}")
                ],
            )?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO items(feed_id, key, title, author, content_text, categories, \
             published_at, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?;
        for i in 0..items {
            let title_len = 5 + rng.below(6);
            let body_len = 50 + rng.below(100);
            let title = vocab.sentence(&mut rng, title_len);
            let body = vocab.sentence(&mut rng, body_len);
            let tags = format!(r#"["{}"]"#, vocab.sample(&mut rng));
            stmt.execute(rusqlite::params![
                1 + (i as i64 % FEEDS),
                format!("k{i}"),
                title,
                format!("Author {}", rng.below(500)),
                body,
                tags,
                1_700_000_000 + i as i64 * 60,
            ])?;
        }
        drop(stmt);
        // Queued for the index as the app's own inserts queue themselves (`store_feed_update`).
        tx.execute(
            "INSERT INTO index_outbox(item_id) SELECT id FROM items ORDER BY id",
            [],
        )?;
        tx.commit()?;
    }
    let insert_time = started.elapsed();
    let index_dir = data_dir.join("index");
    let mut index = SearchIndex::create_in_dir(&index_dir)?;
    eprintln!("indexing through the outbox…");
    let started = Instant::now();
    let cpu_started = process_cpu_time();
    let report = search::drain_outbox(&mut index, &store, search::BULK_BATCH, None)?;
    let index_time = started.elapsed();
    let index_cpu = process_cpu_time()
        .zip(cpu_started)
        .map(|(b, a)| b.saturating_sub(a));
    anyhow::ensure!(
        report.indexed == items,
        "indexed {} of {items} items",
        report.indexed
    );
    index.release_writer()?;
    let index_bytes = dir_size(&index_dir);
    Ok(Corpus {
        store,
        index,
        _dir: None,
        vocab,
        insert_time,
        index_time,
        index_cpu,
        index_bytes,
    })
}

/// CPU time of this process so far (all threads), from /proc on Linux: with several builds
/// sharing the machine, wall time alone says little. `None` elsewhere.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // Linux reports clock ticks of 1/100 s (USER_HZ) on every mainstream architecture.
    Some(Duration::from_millis((utime + stime) * 10))
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub fn run_index() -> anyhow::Result<()> {
    let mut c = build_corpus(ITEMS)?;
    let secs = c.index_time.as_secs_f64();
    println!("bench index: {ITEMS} generated items (titles 5–10 words, bodies 50–150 words)");
    println!(
        "  store in SQLite:   {:.2} s (generating text too, and filling the outbox)",
        c.insert_time.as_secs_f64()
    );
    let cpu = |d: Option<Duration>| {
        d.map(|d| format!(", {:.2} s CPU", d.as_secs_f64()))
            .unwrap_or_default()
    };
    println!(
        "  index via outbox:  {secs:.2} s = {:.0} items/s{} (commits of {} items, 1 writer thread)",
        ITEMS as f64 / secs,
        cpu(c.index_cpu),
        search::BULK_BATCH
    );
    println!(
        "  index size:        {:.1} MB, {} docs",
        c.index_bytes as f64 / 1e6,
        c.index.num_docs()
    );
    let dir = c.index.dir().map(std::path::Path::to_path_buf);
    let started = Instant::now();
    let cpu_started = process_cpu_time();
    search::rebuild(&mut c.index, &c.store, &mut |_, _| {})?;
    let rebuild = started.elapsed().as_secs_f64();
    let rebuild_cpu = process_cpu_time()
        .zip(cpu_started)
        .map(|(b, a)| b.saturating_sub(a));
    println!(
        "  rebuild (check --repair path): {rebuild:.2} s = {:.0} items/s{}",
        ITEMS as f64 / rebuild,
        cpu(rebuild_cpu)
    );
    c.index.release_writer()?;
    if let Some(dir) = dir {
        let started = Instant::now();
        let reopened = SearchIndex::open_in_dir(&dir)?;
        println!(
            "  open with checksums verified: {:.0} ms ({} docs)",
            started.elapsed().as_secs_f64() * 1e3,
            reopened.num_docs()
        );
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

pub(super) fn report(name: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {name:<34} n={:<5} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
    );
}

/// Makes one query of a kind from the generator.
type QueryMaker<'a> = Box<dyn Fn(&mut Rng) -> String + 'a>;

pub fn run_search(items: Option<usize>, corpus: Option<&std::path::Path>) -> anyhow::Result<()> {
    let items = items.unwrap_or(ITEMS);
    let c = match corpus {
        Some(dir) => reuse_or_build_corpus_in(dir, items)?,
        None => build_corpus(items)?,
    };
    println!("bench search: {items} items, limit 20, snippets included, warm reader");
    search_kinds(&c, QUERIES)
}

/// The corpus kept in `dir` when it holds `items` indexed items (generation is deterministic,
/// so it is the one that would be built); otherwise built there afresh.
fn reuse_or_build_corpus_in(dir: &std::path::Path, items: usize) -> anyhow::Result<Corpus> {
    let db = dir.join(crate::paths::DB_FILE);
    let index_dir = dir.join("index");
    if db.exists() && index_dir.exists() {
        let store = Store::open(&db)?;
        let index = SearchIndex::open_in_dir(&index_dir)?;
        if index.num_docs() == items as u64 {
            eprintln!("reusing the corpus in {}", dir.display());
            let vocab = Vocab::new(&mut Rng(42), 30_000);
            return Ok(Corpus {
                store,
                index,
                _dir: None,
                vocab,
                insert_time: Duration::ZERO,
                index_time: Duration::ZERO,
                index_cpu: None,
                index_bytes: dir_size(&index_dir),
            });
        }
        anyhow::bail!(
            "{} holds {} indexed items, not {items}: give an empty folder",
            dir.display(),
            index.num_docs()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    build_corpus_in(dir, items)
}

/// Every query kind over the corpus, `queries` in all, with p50/p99 for each.
pub(super) fn search_kinds(c: &Corpus, queries: usize) -> anyhow::Result<()> {
    let mut rng = Rng(7);
    let word = |rng: &mut Rng| c.vocab.sample(rng).to_owned();
    let kinds: [(&str, QueryMaker); 6] = [
        ("one word", Box::new(|r: &mut Rng| word(r))),
        (
            "two words (AND)",
            Box::new(|r: &mut Rng| format!("{} {}", word(r), word(r))),
        ),
        (
            "phrase",
            Box::new(|r: &mut Rng| format!("\"{} {}\"", word(r), word(r))),
        ),
        (
            "title:word",
            Box::new(|r: &mut Rng| format!("title:{}", word(r))),
        ),
        (
            "a OR b",
            Box::new(|r: &mut Rng| format!("{} OR {}", word(r), word(r))),
        ),
        (
            "word -word",
            Box::new(|r: &mut Rng| format!("{} -{}", word(r), word(r))),
        ),
    ];
    let none = Filters::default();
    let mut all = Vec::new();
    for (name, make) in &kinds {
        let mut times = Vec::with_capacity(queries / kinds.len());
        let mut slowest: Option<(Duration, String, usize)> = None;
        for _ in 0..queries / kinds.len() {
            let q = make(&mut rng);
            let started = Instant::now();
            let found = c.index.search(&q, false, &none, Sort::Relevance, 20)?;
            let took = started.elapsed();
            if slowest.as_ref().is_none_or(|(t, ..)| took > *t) {
                slowest = Some((took, q, found.total));
            }
            times.push(took);
        }
        all.extend(times.iter().copied());
        report(name, times);
        if let Some((took, q, total)) = slowest {
            println!(
                "    slowest: {q} ({:.2} ms, {total} matches)",
                took.as_secs_f64() * 1e3
            );
        }
    }
    report("all of the above", all);
    let mut times = Vec::new();
    for _ in 0..queries / 4 {
        let q = word(&mut rng);
        let started = Instant::now();
        c.index.search(&q, false, &none, Sort::Date, 20)?;
        times.push(started.elapsed());
    }
    report("one word, newest first", times);
    let unread = Filters {
        feed: Some(3),
        ..Filters::default()
    }
    .unread_in(&c.store)?;
    let mut times = Vec::new();
    for _ in 0..queries / 4 {
        let q = word(&mut rng);
        let started = Instant::now();
        c.index.search(&q, false, &unread, Sort::Relevance, 20)?;
        times.push(started.elapsed());
    }
    report("one word, --feed --unread", times);

    // What the recommender asks: 1,000 candidates for a 50-term profile, then their vectors.
    let mut times = Vec::new();
    let mut vec_times = Vec::new();
    let mut warm_times = Vec::new();
    for _ in 0..50 {
        let profile: Vec<(String, f32)> = (0..50)
            .map(|_| {
                let w = search::tokenize(c.vocab.sample(&mut rng));
                (
                    w.into_iter().next().unwrap_or_default(),
                    0.2 + rng.unit() as f32,
                )
            })
            .collect();
        let started = Instant::now();
        let hits = c.index.query_by_profile(&profile, &none, 1_000)?;
        times.push(started.elapsed());
        let ids: Vec<i64> = hits.iter().map(|h| h.item).collect();
        let started = Instant::now();
        c.index.term_vectors(&ids)?;
        vec_times.push(started.elapsed());
        let started = Instant::now();
        c.index.term_vectors(&ids)?;
        warm_times.push(started.elapsed());
    }
    report("profile (50 terms) → 1,000 items", times);
    report("term vectors of 1,000 items", vec_times);
    report("  the same 1,000 again (cached)", warm_times);
    Ok(())
}
