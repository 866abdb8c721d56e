//! When the database is copied: once a day while the window is open, on request ("Back up
//! now", `focusfeed backup`), and before a board import that replaces the board. Copies run
//! on a thread of their own with their own connection, so the writer never waits on one.

use super::Engine;
use super::worker::{Event, EventSink};
use crate::paths::DB_FILE;
use crate::store::backup;
use std::path::{Path, PathBuf};

impl Engine {
    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join(DB_FILE)
    }

    /// Starts today's backup unless one exists, off the caller's thread.
    pub fn start_daily_backup(&self, events: Option<EventSink>) {
        let db = self.db_path();
        let today = self.now().with_timezone(&chrono::Local).date_naive();
        let _ = std::thread::Builder::new()
            .name("focusfeed-backup".into())
            .spawn(move || {
                let made = backup::daily(&db, today).map_err(|e| e.to_string());
                if let (Err(message), Some(events)) = (made, events) {
                    events.send(Event::Failed {
                        task: "Today's backup".into(),
                        message,
                    });
                }
            });
    }

    /// How a copy made now is named: the local time, to the second.
    fn backup_stamp(&self) -> String {
        self.now()
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d-%H%M%S")
            .to_string()
    }

    /// A copy now (`focusfeed backup`); returns where it went.
    pub fn backup_now(&self) -> Result<PathBuf, String> {
        copy_now(&self.db_path(), &self.backup_stamp())
    }

    /// "Back up now" from the window: the copy is made on its own thread and reported.
    pub fn start_backup_now(&self, events: EventSink) {
        let (db, stamp) = (self.db_path(), self.backup_stamp());
        let _ = std::thread::Builder::new()
            .name("focusfeed-backup".into())
            .spawn(move || {
                let made = copy_now(&db, &stamp);
                events.send(match made {
                    Ok(path) => Event::Confirmation(format!("Backed up to {}", path.display())),
                    Err(message) => Event::Failed {
                        task: "Backing up".into(),
                        message,
                    },
                });
            });
    }
}

fn copy_now(db: &Path, stamp: &str) -> Result<PathBuf, String> {
    backup::now(db, stamp).map_err(|e| e.to_string())
}
