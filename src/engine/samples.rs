//! The sample feeds a first run offers: five small feeds (RSS, Atom, JSON Feed; one in Chinese)
//! built into the binary, copied to `<data dir>/samples/` and subscribed through the ordinary
//! path, so a newcomer sees a working reader offline.

use super::Engine;
use super::worker::{Event, EventSink};
use crate::model::Topic;
use std::path::PathBuf;

/// (file name, contents).
pub const SAMPLE_FEEDS: [(&str, &str); 5] = [
    (
        "attention.rss.xml",
        include_str!("../../assets/samples/attention.rss.xml"),
    ),
    (
        "rust-systems.atom.xml",
        include_str!("../../assets/samples/rust-systems.atom.xml"),
    ),
    (
        "garden.feed.json",
        include_str!("../../assets/samples/garden.feed.json"),
    ),
    (
        "night-sky.rss.xml",
        include_str!("../../assets/samples/night-sky.rss.xml"),
    ),
    // Chinese text for the reader, search and For you (issue 21); dated before the others, so
    // it sorts below them in Latest.
    (
        CHINESE_SAMPLE,
        include_str!("../../assets/samples/focus-notes-zh.rss.xml"),
    ),
];

/// The file name of the Chinese sample feed.
pub const CHINESE_SAMPLE: &str = "focus-notes-zh.rss.xml";

/// The folder the samples go in, so they are easy to find and remove together.
pub const SAMPLE_FOLDER: &str = "Samples";

/// The task name progress is reported under.
pub const TASK: &str = "Loading the sample feeds";

/// Writes the sample files into the data directory; returns their paths.
pub fn write_sample_files(engine: &Engine) -> std::io::Result<Vec<PathBuf>> {
    let dir = engine.data_dir().join("samples");
    std::fs::create_dir_all(&dir)?;
    let mut paths = Vec::with_capacity(SAMPLE_FEEDS.len());
    for (name, contents) in SAMPLE_FEEDS {
        let path = dir.join(name);
        std::fs::write(&path, contents)?;
        paths.push(path);
    }
    Ok(paths)
}

pub(super) fn load(engine: &mut Engine, events: &EventSink) {
    let paths = match write_sample_files(engine) {
        Ok(p) => p,
        Err(e) => {
            events.send(Event::Failed {
                task: TASK.into(),
                message: format!("could not write the sample feeds: {e}"),
            });
            return;
        }
    };
    let folder = vec![SAMPLE_FOLDER.to_string()];
    let total = paths.len();
    let mut failures = Vec::new();
    for (done, path) in paths.iter().enumerate() {
        events.send(Event::Progress {
            task: TASK.into(),
            done,
            total,
        });
        if let Err(e) = engine.subscribe(&path.to_string_lossy(), &folder) {
            failures.push(format!("{}: {e}", path.display()));
        }
    }
    events.changed(Topic::Feeds);
    events.changed(Topic::Items);
    if failures.is_empty() {
        events.send(Event::Finished { task: TASK.into() });
    } else {
        events.send(Event::Failed {
            task: TASK.into(),
            message: failures.join("; "),
        });
    }
}
