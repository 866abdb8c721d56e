//! "Send to board" as a reader meets it: `b` on an open article asks for a column (Backlog
//! first), the card gets the title, the selected text as a quote and the link; the card's
//! "Open article" brings the article back in the Reader; `tasks list --json` shows the link.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::{PageServer, reader_on};
use common::{click_row, step_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;

#[test]
fn b_makes_a_card_with_the_quote_and_the_link_that_leads_back() {
    let server = PageServer::start();
    server.put(
        "/feed.xml",
        "application/rss+xml",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour News</title>\
             <item><title>Ferry timetable changes</title><link>{}</link><guid>1</guid>\
             <description>&lt;p&gt;The morning crossing leaves later.&lt;/p&gt;\
             &lt;p&gt;Evening sailings are cut from four to three.&lt;/p&gt;</description>\
             </item><item><title>New bakery opens</title><guid>2</guid>\
             <description>Bread from six in the morning.</description></item></channel></rss>",
            server.url("/ferry.html")
        ),
    );
    let (dir, _clock, mut h) = reader_on(&server, "/feed.xml");
    click_row(&mut h, "Ferry timetable changes");
    step_until(&mut h, "the article", |h| {
        h.query_all_by_label_contains("Evening sailings are cut")
            .next()
            .is_some()
    });
    // What a mouse selection in the article leaves behind (egui reports it as it settles).
    focusfeed::ui::selection::remember(
        &h.ctx,
        "Evening sailings are cut from four to three.".into(),
    );
    h.key_press(egui::Key::B);
    step_until(&mut h, "the column question", |h| {
        h.query_by_role_and_label(Role::Button, "Add card")
            .is_some()
    });
    h.get_by_role_and_label(Role::Button, "Add card").click();
    let db = Store::open(&dir.path().join(DB_FILE)).unwrap();
    step_until(&mut h, "the card on the board", |_| {
        db.board().unwrap().columns.iter().any(|c| {
            c.cards
                .iter()
                .any(|card| card.title == "Ferry timetable changes")
        })
    });
    let board = db.board().unwrap();
    assert_eq!(board.columns[0].column.name, "Backlog");
    let card = &board.columns[0].cards[0];
    let link = server.url("/ferry.html");
    assert_eq!(card.link.as_deref(), Some(link.as_str()));
    assert!(card.item_id.is_some());
    assert_eq!(
        card.notes,
        format!("> Evening sailings are cut from four to three.\n\n{link}")
    );

    // Another article is read meanwhile; on the board the card leads back to its own.
    click_row(&mut h, "New bakery opens");
    step_until(&mut h, "the other article", |h| {
        h.query_all_by_label_contains("Bread from six")
            .next()
            .is_some()
    });
    h.key_press(egui::Key::Num1);
    step_until(&mut h, "the board again", |h| {
        h.query_by_role_and_label(Role::Button, "Open article")
            .is_some()
    });
    h.get_by_role_and_label(Role::Button, "Open article")
        .click();
    step_until(&mut h, "the article in the Reader", |h| {
        h.state().view() == focusfeed::ui::app::View::Reader
            && h.query_all_by_label_contains("The morning crossing leaves later")
                .next()
                .is_some()
            && h.query_all_by_label_contains("Bread from six")
                .next()
                .is_none()
    });

    // The command line shows the link too.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["tasks", "list", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["columns"][0]["cards"][0]["link"], link.as_str());
}
