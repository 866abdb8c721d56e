//! `--quit-after-first-list`, the flag that times the window from outside: the window opens on
//! the Reader and closes itself once the list is drawn with its rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::{PageServer, reader_on};
use common::step_until_sent;
use egui::ViewportCommand;
use focusfeed::ui::app::View;

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
    step_until_sent(&mut h, "the window to close", &ViewportCommand::Close);
    assert_eq!(h.state().view(), View::Reader);
    assert_eq!(
        h.state().reader_list().len(),
        2,
        "closed with the list on screen"
    );
}
