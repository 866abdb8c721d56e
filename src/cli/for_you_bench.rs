//! `bench rank`, second part: For you end to end, as the window asks for it on the worker —
//! candidates from the index, the recommender built (embedding the corpus) or brought up to date
//! with new events, the list ranked, explained and stored. What a reader waits for on entering
//! For you with a month of a heavy subscription list.

use crate::clock::SharedClock;
use crate::engine::Engine;
use crate::engine::reader::ReaderCommand;
use crate::engine::worker::{Command, Event, WorkerHandle};
use crate::model::Topic;
use crate::store::events::{EventKind, NewEvent};
use std::path::Path;
use std::time::{Duration, Instant};

/// Items in the last 30 days: 200 feeds with about 17 new items a day each, a heavy reader.
const ITEMS: i64 = 100_000;
const FEEDS: i64 = 200;
const TOPICS: usize = 40;

/// Words of one topic: enough that items of a topic share vocabulary and others do not.
fn topic_words(topic: usize) -> Vec<String> {
    (0..30).map(|k| format!("t{topic}w{k}")).collect()
}

pub fn run(clock: SharedClock) -> anyhow::Result<()> {
    let scratch =
        std::env::temp_dir().join(format!("focusfeed-bench-foryou-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let result = (|| -> anyhow::Result<()> {
        let mut engine = Engine::open(&scratch, clock.clone())?;
        let now = engine.now().timestamp();
        let mut rng = crate::rank::rng::SplitMix::new(11);
        let t = Instant::now();
        {
            let conn = engine.store().conn();
            conn.execute_batch("BEGIN")?;
            for f in 1..=FEEDS {
                conn.execute(
                    "INSERT INTO feeds(id, url, title, created_at) VALUES (?1, ?2, ?3, 0)",
                    rusqlite::params![
                        f,
                        format!("https://example.com/{f}.xml"),
                        format!("Feed {f}")
                    ],
                )?;
            }
            let mut stmt = conn.prepare(
                "INSERT INTO items(feed_id, key, title, author, content_text, published_at, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?;
            for i in 0..ITEMS {
                let topic = rng.below(TOPICS);
                let words = topic_words(topic);
                let pick = |rng: &mut crate::rank::rng::SplitMix, n: usize| -> String {
                    (0..n)
                        .map(|_| words[rng.below(words.len())].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let title = pick(&mut rng, 7);
                let body = pick(&mut rng, 60);
                stmt.execute(rusqlite::params![
                    1 + (topic as i64 * 5 + rng.below(5) as i64) % FEEDS,
                    format!("k{i}"),
                    title,
                    format!("Author {}", rng.below(400)),
                    body,
                    now - 30 * 86_400 + i * (30 * 86_400 / ITEMS),
                ])?;
            }
            drop(stmt);
            conn.execute_batch("COMMIT")?;
        }
        // A month of reading: impressions of the newest items, opens of topic 3.
        let ids: Vec<i64> = {
            let mut stmt = engine
                .store()
                .conn()
                .prepare("SELECT id FROM items ORDER BY id DESC LIMIT 3000")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut events = Vec::new();
        for (k, &id) in ids.iter().enumerate() {
            let at = now - 3_600 + k as i64;
            events.push(NewEvent {
                item_id: id,
                kind: EventKind::Impression,
                view: Some("for_you".into()),
                position: Some((k % 30) as i64),
                value: None,
                at,
            });
            if k % 10 == 0 {
                events.push(NewEvent {
                    item_id: id,
                    kind: EventKind::Open,
                    view: Some("for_you".into()),
                    position: Some((k % 30) as i64),
                    value: None,
                    at: at + 1,
                });
            }
        }
        crate::store::Store::open(&scratch.join(crate::paths::DB_FILE))?.record_events(&events)?;
        println!(
            "for you: {ITEMS} items in {FEEDS} feeds, {} events, stored in {:.2} s",
            events.len(),
            t.elapsed().as_secs_f64()
        );
        for label in [
            "first (indexes, embeds, replays events)",
            "again (up to date)",
        ] {
            let t = Instant::now();
            engine.refresh_for_you(1_000)?;
            println!(
                "for you: rank and store 1,000 items, {label}: {:.0} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
        drop(engine);
        mark_during_build(&scratch, clock.clone(), ids[1])?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The window's case: For you entered on a fresh start (the recommender is built on its own
/// thread) and an item marked read right after. The mark must not wait for the build.
fn mark_during_build(dir: &Path, clock: SharedClock, item: i64) -> anyhow::Result<()> {
    let (woke, wakes) = std::sync::mpsc::channel::<()>();
    let woke = std::sync::Mutex::new(woke);
    let mut worker = WorkerHandle::spawn(Engine::open(dir, clock)?, move || {
        if let Ok(w) = woke.lock() {
            let _ = w.send(());
        }
    });
    let t = Instant::now();
    let send = |cmd| worker.send(cmd).map_err(|e| anyhow::anyhow!(e));
    send(Command::Rank(crate::engine::rank::RankCommand::Refresh {
        limit: 1_000,
    }))?;
    send(Command::Reader(ReaderCommand::Mark {
        ids: vec![item],
        read: true,
        view: None,
    }))?;
    let (mut marked, mut ranked) = (None, None);
    while ranked.is_none() && t.elapsed() < Duration::from_secs(120) {
        let _ = wakes.recv_timeout(Duration::from_millis(100));
        for event in worker.drain() {
            match event {
                Event::Changed(Topic::ItemStates) if marked.is_none() => {
                    marked = Some(t.elapsed());
                }
                Event::Changed(Topic::Ranking) => ranked = Some(t.elapsed()),
                Event::Failed { message, .. } => anyhow::bail!(message),
                _ => {}
            }
        }
    }
    worker.shutdown();
    let ms = |d: Option<Duration>| {
        d.map_or("never".to_string(), |d| {
            format!("{:.0} ms", d.as_secs_f64() * 1e3)
        })
    };
    println!(
        "for you on the worker, fresh start: a mark sent after the refresh stored in {}, the ranking in {}",
        ms(marked),
        ms(ranked)
    );
    Ok(())
}
