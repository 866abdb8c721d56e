//! `f` in the Reader: the open article's page is fetched and its full text replaces the summary,
//! with a line saying where it came from; a page without an article leaves the summary and says why.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::{PageServer, reader_on};
use common::{click_row, step_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::ui::app::FocusFeedApp;

const ARTICLE: &str = include_str!("data/fulltext/article.html");
const NO_ARTICLE: &str = include_str!("data/fulltext/no_article.html");

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

fn item(server: &PageServer, title: &str, page: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{}</link><guid>{page}</guid>\
         <description>Only the first line is in the feed.</description></item>",
        server.url(page)
    )
}

#[test]
fn f_fetches_the_full_article_into_the_open_pane() {
    let server = PageServer::start();
    server.put("/ferry.html", "text/html", ARTICLE);
    server.put("/login.html", "text/html", NO_ARTICLE);
    server.put(
        "/feed.xml",
        "application/rss+xml",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour News</title>{}{}</channel></rss>",
            item(&server, "Ferry timetable changes", "/ferry.html"),
            item(&server, "Members only", "/login.html"),
        ),
    );
    let (_dir, _clock, mut h) = reader_on(&server, "/feed.xml");

    click_row(&mut h, "Ferry timetable changes");
    step_until(&mut h, "the summary", |h| {
        has(h, "Only the first line is in the feed.")
    });
    h.key_press(egui::Key::F);
    step_until(&mut h, "the full article", |h| {
        has(h, "Full article, fetched from its web page.") && has(h, "island's two bakeries")
    });
    assert!(!has(&h, "Only the first line is in the feed."));
    assert!(has(&h, "Fetch full article again"));

    click_row(&mut h, "Members only");
    step_until(&mut h, "the second summary", |h| {
        has(h, "Only the first line is in the feed.")
    });
    h.key_press(egui::Key::F);
    step_until(&mut h, "why not", |h| {
        has(
            h,
            "The full article could not be fetched: no article was found on the page.",
        )
    });
    assert!(
        has(&h, "Only the first line is in the feed."),
        "the summary stays"
    );
}
