//! Links leaving the app: which address `v`, "Open original" and a click on a link in an article
//! hand to egui (read from the frame's platform output, where eframe picks `OpenUrl` up), what a
//! refused scheme says, "Copy link", and the browser command that eframe's launcher runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{new_item, reader_harness, start_clock, step_until, store_items};
use egui::OutputCommand;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::Clock;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::store::items::NewItem;
use focusfeed::ui::app::FocusFeedApp;
use std::path::Path;

const TITLE: &str = "Tide tables for the new year";
const ORIGINAL: &str = "https://tides.example.org/2027?port=harbour&fmt=full";

/// The URLs this frame asked egui to open.
fn opened(h: &Harness<'_, FocusFeedApp>) -> Vec<String> {
    let commands = &h.output().platform_output.commands;
    commands
        .iter()
        .filter_map(|c| match c {
            OutputCommand::OpenUrl(o) => Some(o.url.clone()),
            _ => None,
        })
        .collect()
}

fn copied(h: &Harness<'_, FocusFeedApp>) -> Vec<String> {
    let commands = &h.output().platform_output.commands;
    commands
        .iter()
        .filter_map(|c| match c {
            OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

/// One feed with one item whose article links to a web page, a mail address and, as hostile
/// feeds do, a javascript: "link"; the item's own link is `original`.
fn feed_with_links(dir: &Path, original: &str) {
    let mut db = Store::open(&dir.join(DB_FILE)).unwrap();
    let (feed_id, _) = db
        .insert_feed("file:///tides.xml", "Tides", None, None, 0)
        .unwrap();
    let now = start_clock().now().timestamp();
    let item = NewItem {
        url: Some(original.into()),
        content_html: Some(
            "<p>See <a href=\"https://tides.example.org/charts\">the charts</a>, write to \
             <a href=\"mailto:harbourmaster@example.org\">the harbour master</a> or \
             <a href=\"javascript:alert(document.cookie)\">win a prize</a>.</p>"
                .into(),
        ),
        ..new_item("tides", TITLE, "", None, now - 60)
    };
    store_items(&mut db, feed_id, "Tides", &[item], now, now + 3_600);
}

fn open_article(dir: &Path) -> Harness<'static, FocusFeedApp> {
    let clock = start_clock();
    let mut h = reader_harness(dir, &clock);
    step_until(&mut h, "the item in the list", |h| has(h, TITLE));
    h.get_by_role_and_label(Role::Button, TITLE).click();
    step_until(&mut h, "the article", |h| has(h, "the charts"));
    h
}

#[test]
fn v_and_open_original_hand_the_items_link_to_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    feed_with_links(dir.path(), ORIGINAL);
    let mut h = open_article(dir.path());

    // The command runs in the frame that sees the key go down.
    h.key_down(egui::Key::V);
    h.step();
    assert_eq!(opened(&h), vec![ORIGINAL.to_string()]);
    h.key_up(egui::Key::V);
    h.step();
    assert!(opened(&h).is_empty(), "opened once per press");

    h.get_by_role_and_label(Role::Button, "Open original")
        .click();
    h.step();
    assert_eq!(opened(&h), vec![ORIGINAL.to_string()]);
    assert!(h.state().notices().is_empty(), "{:?}", h.state().notices());
}

#[test]
fn web_and_mail_links_in_an_article_open_and_a_javascript_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    feed_with_links(dir.path(), ORIGINAL);
    let mut h = open_article(dir.path());

    h.get_by_label("the charts").click();
    h.step();
    assert_eq!(opened(&h), vec!["https://tides.example.org/charts"]);

    h.get_by_label("the harbour master").click();
    h.step();
    assert_eq!(opened(&h), vec!["mailto:harbourmaster@example.org"]);

    h.get_by_label("win a prize").click();
    h.step();
    assert!(opened(&h).is_empty());
    step_until(&mut h, "the refusal in the notice area", |h| {
        h.state()
            .notices()
            .iter()
            .any(|n| n.contains("javascript:"))
    });
}

#[test]
fn an_original_that_is_not_a_web_address_is_refused_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    feed_with_links(dir.path(), "file:///etc/passwd");
    let mut h = open_article(dir.path());
    h.key_down(egui::Key::V);
    h.step();
    assert!(opened(&h).is_empty());
    h.key_up(egui::Key::V);
    step_until(&mut h, "the refusal in the notice area", |h| {
        h.state()
            .notices()
            .iter()
            .any(|n| n.contains("a file: link"))
    });
}

#[test]
fn copy_link_puts_the_address_on_the_clipboard() {
    let dir = tempfile::tempdir().unwrap();
    feed_with_links(dir.path(), ORIGINAL);
    let mut h = open_article(dir.path());
    h.get_by_role_and_label(Role::Button, "Copy link").click();
    h.step();
    assert_eq!(copied(&h), vec![ORIGINAL.to_string()]);

    // A link in the article: its context menu.
    h.get_by_label("the charts").click_secondary();
    step_until(&mut h, "the link's menu", |h| {
        h.query_all_by_role_and_label(Role::Button, "Copy link")
            .count()
            >= 2
    });
    h.get_all_by_role_and_label(Role::Button, "Copy link")
        .last()
        .unwrap()
        .click();
    h.step();
    assert_eq!(copied(&h), vec!["https://tides.example.org/charts"]);
}

/// eframe's `links` feature hands the URL to `webbrowser::open`, which on Linux runs `$BROWSER`.
/// The test runs itself again as a child process with `$BROWSER` set (the test's own
/// environment stays untouched); the recording script is named like a text browser, which
/// webbrowser waits for, so the file is complete when the child exits and nothing polls.
#[cfg(target_os = "linux")]
#[test]
fn the_browser_command_receives_exactly_the_url() {
    use std::os::unix::fs::PermissionsExt;
    const CHILD: &str = "FOCUSFEED_TEST_OPEN_URL";
    if let Ok(url) = std::env::var(CHILD) {
        webbrowser::open(&url).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("args");
    let script = dir.path().join("lynx");
    std::fs::write(
        &script,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$RECORD\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Characters a shell would act on, to show no shell stands between the app and the browser.
    let raw = "https://example.org/a b?q=1;echo $(id)&x='y'#top";
    let url = focusfeed::ui::links::openable(raw).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "the_browser_command_receives_exactly_the_url"])
        .env(CHILD, &url)
        .env("BROWSER", &script)
        .env("RECORD", &record)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let args = std::fs::read_to_string(&record).unwrap();
    assert_eq!(args, format!("{url}\n"));
}
