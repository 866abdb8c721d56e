//! Article images on request: nothing is fetched until "Load images"; then the picture shows
//! with its alt text, and an image bomb (a tiny PNG declaring 100,000 × 100,000 pixels) is
//! refused with a reason instead of being decoded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::{PageServer, reader_on};
use common::{click_row, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::ui::app::FocusFeedApp;

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

/// `/feed.xml`: a feed titled `feed` with one item whose description is `description`.
fn one_item_feed(server: &PageServer, feed: &str, title: &str, description: &str) {
    server.put(
        "/feed.xml",
        "application/rss+xml",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{feed}</title>\
             <item><title>{title}</title><link>{}</link><guid>1</guid>\
             <description>{description}</description></item></channel></rss>",
            server.url("/item.html")
        ),
    );
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbaImage::from_pixel(w, h, image::Rgba([20, 90, 160, 255]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

/// A small PNG whose header declares 100,000 × 100,000 pixels (40 GB decoded).
fn bomb() -> Vec<u8> {
    let mut png = png(1, 1);
    // IHDR: length at 8..12, "IHDR" and its 13 bytes at 12..29 (width, height first), CRC after.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

#[test]
fn images_load_only_when_asked_and_a_bomb_is_refused() {
    let server = PageServer::start();
    server.put("/ferry.png", "image/png", png(640, 320));
    server.put("/bomb.png", "image/png", bomb());
    let description = format!(
        "&lt;p&gt;The new ferry.&lt;/p&gt;&lt;p&gt;&lt;img src=\"{}\" alt=\"The ferry at the pier\"&gt;&lt;/p&gt;\
         &lt;p&gt;&lt;img src=\"{}\" alt=\"A harbour panorama\"&gt;&lt;/p&gt;",
        server.url("/ferry.png"),
        server.url("/bomb.png")
    );
    one_item_feed(&server, "Harbour Photos", "A new ferry", &description);
    let (_dir, _clock, mut h) = reader_on(&server, "/feed.xml");

    click_row(&mut h, "A new ferry");
    step_until(&mut h, "the article", |h| {
        has(h, "[image: The ferry at the pier]")
    });
    h.run_steps(3);
    assert_eq!(
        server.asked("/ferry.png"),
        0,
        "nothing is fetched until asked"
    );

    h.get_by_role_and_label(Role::Button, "Load images").click();
    step_until(&mut h, "the picture and the refusal", |h| {
        h.query_by_role_and_label(Role::Image, "The ferry at the pier")
            .is_some()
            && has(h, "A harbour panorama — the image is too large to show")
    });
    assert_eq!(server.asked("/ferry.png"), 1);
    assert!(!has(&h, "Load images"), "asked once per article");
}

#[test]
fn always_for_a_feed_shows_its_images_unasked_but_never_fetches_a_tracker() {
    let server = PageServer::start();
    server.put("/comic.png", "image/png", png(400, 300));
    server.put("/pixel.gif", "image/png", png(1, 1));
    let description = format!(
        "&lt;p&gt;&lt;img src=\"{}\" alt=\"Today's strip\"&gt;\
         &lt;img src=\"{}\" width=\"1\" height=\"1\"&gt;&lt;/p&gt;",
        server.url("/comic.png"),
        server.url("/pixel.gif")
    );
    one_item_feed(&server, "Daily Strip", "Monday's strip", &description);
    let (_dir, _clock, mut h) = reader_on(&server, "/feed.xml");

    h.get_by_label_contains("Daily Strip").click_secondary();
    step_until(&mut h, "the feed's menu", |h| has(h, "Always load images"));
    h.get_by_label("Always load images").click();
    h.run_steps(2);

    click_row(&mut h, "Monday's strip");
    step_until(&mut h, "the strip, unasked", |h| {
        h.query_by_role_and_label(Role::Image, "Today's strip")
            .is_some()
    });
    assert!(!has(&h, "Load images"), "nothing to ask for");
    assert_eq!(server.asked("/comic.png"), 1);
    assert_eq!(
        server.asked("/pixel.gif"),
        0,
        "a 1×1 pixel is never fetched"
    );
}
