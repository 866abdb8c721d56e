//! `--quit-after-first-list`, the flag that times the window from outside: the window opens on
//! the Reader and closes itself once the list is drawn with its rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::{PageServer, reader_on};
use egui::{ViewportCommand, ViewportId};
use focusfeed::ui::app::View;
use std::time::{Duration, Instant};

#[test]
fn the_window_closes_itself_once_the_list_is_drawn() {
    let server = PageServer::start();
    server.put(
        "/feed.xml",
        "application/rss+xml",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
         <item><title>One</title><guid>1</guid></item><item><title>Two</title><guid>2</guid></item>\
         </channel></rss>",
    );
    let (_dir, _clock, mut h) = reader_on(&server, "/feed.xml");
    h.state_mut().quit_after_first_list();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        let closing = h
            .output()
            .viewport_output
            .get(&ViewportId::ROOT)
            .is_some_and(|v| v.commands.contains(&ViewportCommand::Close));
        if closing {
            break;
        }
        assert!(Instant::now() < deadline, "the window never closed");
    }
    assert_eq!(h.state().view(), View::Reader);
    assert_eq!(
        h.state().reader_list().len(),
        2,
        "closed with the list on screen"
    );
}
