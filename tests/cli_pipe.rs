//! `focusfeed items | head -1`: the reader closes the pipe early; the command stops quietly
//! (no panic report, a zero exit) as the shell's own tools do.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..3_000)
        .map(|i| format!("<item><title>Item number {i} with a title long enough to fill a pipe</title><guid>{i}</guid></item>"))
        .collect();
    let feed = dir.path().join("many.xml");
    std::fs::write(
        &feed,
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Many</title>{items}</channel></rss>"),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_focusfeed");
    let data = dir.path().join("data");
    let added = Command::new(bin)
        .arg("--data-dir")
        .arg(&data)
        .arg("add")
        .arg(&feed)
        .output()
        .unwrap();
    assert!(added.status.success());

    let mut child = Command::new(bin)
        .arg("--data-dir")
        .arg(&data)
        .args(["items", "--limit", "3000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("Item number"));
    // The reader is gone (dropped above); the rest of the output meets a closed pipe.
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}
