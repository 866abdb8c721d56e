//! Where focusfeed keeps its data, and the lock that keeps a second window off the same directory.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "FOCUSFEED_DATA_DIR";
pub const DB_FILE: &str = "focusfeed.sqlite3";
pub const INDEX_DIR: &str = "index";
const WINDOW_LOCK_FILE: &str = "window.lock";

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("no home directory found: pass --data-dir DIR or set {DATA_DIR_ENV}")]
    NoHome,
    #[error("cannot create the data directory {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "focusfeed is already open on {0} (another window holds its lock). \
         Close it first, or use the command line beside it (`focusfeed --help`)."
    )]
    AlreadyOpen(PathBuf),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The data directory: `--data-dir` first, then `FOCUSFEED_DATA_DIR`, then the platform's place
/// (`~/.local/share/focusfeed` on Linux). Created when missing.
pub fn resolve_data_dir(flag: Option<&Path>) -> Result<PathBuf, PathsError> {
    let dir = match flag {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(v) => PathBuf::from(v),
            None => directories::ProjectDirs::from("", "", "focusfeed")
                .ok_or(PathsError::NoHome)?
                .data_dir()
                .to_path_buf(),
        },
    };
    std::fs::create_dir_all(&dir).map_err(|source| PathsError::Create {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// Held by the window for as long as it is open; the OS drops the lock if the process dies.
#[derive(Debug)]
pub struct WindowLock {
    _file: File,
}

impl WindowLock {
    pub fn acquire(data_dir: &Path) -> Result<Self, PathsError> {
        let path = data_dir.join(WINDOW_LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| PathsError::Lock {
                path: path.clone(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(PathsError::AlreadyOpen(data_dir.to_path_buf())),
            Err(TryLockError::Error(source)) => Err(PathsError::Lock { path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_window_lock_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let first = WindowLock::acquire(dir.path());
        assert!(first.is_ok());
        let second = WindowLock::acquire(dir.path());
        assert!(matches!(second, Err(PathsError::AlreadyOpen(_))));
        drop(first);
        assert!(WindowLock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn flag_wins_over_everything() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let got = resolve_data_dir(Some(&dir.path().join("x"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, dir.path().join("x"));
        assert!(got.is_dir());
    }
}
