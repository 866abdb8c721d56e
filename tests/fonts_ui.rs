//! A Chinese article in the window with the app's own font set-up: the bundled fonts alone draw
//! none of it, and with a CJK font found by the scan (a subset of Noto Sans CJK SC shipped in
//! tests/data/fonts, so no system font is needed) every character has a glyph, while Latin
//! text keeps the bundled font. Under an English UI the CJK font is read only once CJK text
//! is drawn.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{new_item, start_clock, step_until, store_items};
use egui::{FontFamily, FontId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::Clock;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;
use focusfeed::ui::fonts::{self, Cjk, CjkOnDemand};
use std::path::Path;
use std::sync::Arc;

const FONTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fonts");
const FEED: &str = "专注日报";
const TITLE: &str = "番茄工作法：专注二十五分钟";
const TEXT: &str = "看板上的每张卡片都是一项任务。休息五分钟，再开始。";

fn has_glyphs(h: &Harness<'_, FocusFeedApp>, family: FontFamily, text: &str) -> bool {
    h.ctx
        .fonts_mut(|f| f.has_glyphs(&FontId::new(14.0, family), text))
}

fn chinese_feed(dir: &Path) {
    let mut db = Store::open(&dir.join(DB_FILE)).unwrap();
    let (feed_id, _) = db
        .insert_feed("file:///zhuanzhu.xml", FEED, None, None, 0)
        .unwrap();
    let now = start_clock().now().timestamp();
    let item = new_item("pomodoro", TITLE, TEXT, None, now - 60);
    store_items(&mut db, feed_id, FEED, &[item], now, now + 3_600);
}

/// The window on `dir` with the CJK fallback installed the way the app does it, before the
/// first frame (the harness panics on a glyph no font has, so nothing may be drawn before).
fn window_with_test_font(dir: &Path) -> Harness<'static, FocusFeedApp> {
    let dir = dir.to_path_buf();
    let clock = Arc::new(start_clock());
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            let report = fonts::install_from_dirs(&cc.egui_ctx, &[Path::new(FONTS)], "zh_CN");
            assert_eq!(report.faces_scanned, 1);
            assert_eq!(report.installed.len(), 1, "{report:?}");
            assert!(
                report.installed[0].starts_with("Noto Sans CJK SC"),
                "{report:?}"
            );
            FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap()
        });
    h.key_press(egui::Key::Num2);
    h.step();
    h
}

/// Opens the Chinese item and checks that every character of it has a glyph in both
/// families, while the CJK font comes last (Latin letters still from the bundled font).
fn opens_the_article_with_every_glyph_and_the_cjk_font_last(h: &mut Harness<'_, FocusFeedApp>) {
    h.get_by_label(TITLE).click();
    step_until(h, "the article", |h| {
        h.query_all_by_label_contains(TEXT).next().is_some()
    });
    // The harness would have panicked on a missing glyph already; the families say so too.
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        for text in [FEED, TITLE, TEXT] {
            assert!(has_glyphs(h, family.clone(), text), "{family:?}: {text}");
        }
    }
    let families = h.ctx.fonts(|f| f.definitions().families.clone());
    let proportional = &families[&FontFamily::Proportional];
    assert_eq!(
        proportional.first().map(String::as_str),
        Some("Ubuntu-Light")
    );
    assert!(proportional.last().unwrap().starts_with("Noto Sans CJK SC"));
}

#[test]
fn the_bundled_fonts_alone_draw_no_chinese_and_the_scanned_fallback_does() {
    let mut h = Harness::new_ui(|ui| {
        ui.label("Tides");
    });
    h.run();
    assert!(
        !h.ctx
            .fonts_mut(|f| f.has_glyphs(&FontId::proportional(14.0), "番"))
    );
    fonts::install_from_dirs(&h.ctx, &[Path::new(FONTS)], "en_GB.UTF-8");
    h.run();
    assert!(
        h.ctx
            .fonts_mut(|f| f.has_glyphs(&FontId::proportional(14.0), TITLE))
    );
}

#[test]
fn a_chinese_feed_and_article_draw_with_every_glyph() {
    let dir = tempfile::tempdir().unwrap();
    chinese_feed(dir.path());
    let mut h = window_with_test_font(dir.path());
    step_until(&mut h, "the Chinese item in the list", |h| {
        h.query_all_by_label_contains(TITLE).next().is_some()
    });
    assert!(h.query_all_by_label_contains(FEED).next().is_some());
    opens_the_article_with_every_glyph_and_the_cjk_font_last(&mut h);
}

/// A window in English on `dir`, with the CJK font left to be read on demand, as the app
/// sets it up on a non-CJK system; the harness draws boxes instead of panicking for the one
/// frame before the font arrives.
fn english_window_with_cjk_on_demand(dir: &Path) -> (Harness<'static, FocusFeedApp>, CjkOnDemand) {
    let dir = dir.to_path_buf();
    let clock = Arc::new(start_clock());
    let (tx, rx) = std::sync::mpsc::channel();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .allow_missing_glyphs()
        .build_eframe(move |cc| {
            let report = fonts::install_from_dirs_with(
                &cc.egui_ctx,
                &[Path::new(FONTS)],
                "en_GB.UTF-8",
                Cjk::OnDemand,
            );
            assert!(report.installed.is_empty(), "{report:?}");
            tx.send(report.on_demand.expect("the CJK face is offered"))
                .unwrap();
            FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap()
        });
    let cjk = rx.recv().unwrap();
    h.key_press(egui::Key::Num2);
    h.step();
    (h, cjk)
}

/// One frame of `ctx` showing `text` (no painter: its texture changes are dropped).
fn frame(ctx: &egui::Context, text: &str) {
    let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
        ui.label(text);
    });
    output.textures_delta.clear();
}

#[test]
fn latin_text_never_reads_the_cjk_font_and_the_first_cjk_character_does() {
    let ctx = egui::Context::default();
    let report =
        fonts::install_from_dirs_with(&ctx, &[Path::new(FONTS)], "en_GB.UTF-8", Cjk::OnDemand);
    let cjk = report.on_demand.expect("the CJK face is offered");
    for _ in 0..2 {
        frame(&ctx, "Tides, Ünïcödé, Ελληνικά, кириллица — €5 → done");
    }
    assert!(!cjk.was_asked_for());
    assert!(!cjk.is_installed());
    assert!(ctx.fonts_mut(|f| f.has_glyphs(&FontId::proportional(14.0), "Tides €")));
    assert!(!cjk.was_asked_for());
    // The first CJK character asks for it, once.
    frame(&ctx, TITLE);
    assert!(cjk.was_asked_for());
    assert!(cjk.wait());
    frame(&ctx, TITLE);
    assert!(ctx.fonts_mut(|f| f.has_glyphs(&FontId::proportional(14.0), TITLE)));
}

#[test]
fn a_chinese_item_in_an_english_window_reads_the_cjk_font_and_draws_every_glyph() {
    let dir = tempfile::tempdir().unwrap();
    chinese_feed(dir.path());
    let (mut h, cjk) = english_window_with_cjk_on_demand(dir.path());
    step_until(&mut h, "the Chinese item in the list", |h| {
        h.query_all_by_label_contains(TITLE).next().is_some()
    });
    assert!(cjk.was_asked_for(), "drawing the title asks for the font");
    assert!(cjk.wait(), "the font is read and added");
    h.run_steps(2);
    opens_the_article_with_every_glyph_and_the_cjk_font_last(&mut h);
}
