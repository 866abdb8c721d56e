//! The UI language as a person switches it: Settings → Language → 简体中文 relabels the window
//! at once (navigation, buttons, the timer, durations), is kept for the next start, and
//! English comes back the same way. The only test here that switches: the language is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::board::{data_dir, start_time};
use common::{install_cjk_test_font, step_until, step_until_ranked};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::ui::app::{FocusFeedApp, View};
use focusfeed::ui::language::{LANGUAGE_KEY, Language};

/// The board window with the test CJK font, as a machine with `fonts-noto-cjk` has one.
fn app(dir: &std::path::Path, clock: &ManualClock) -> Harness<'static, FocusFeedApp> {
    let dir = dir.to_path_buf();
    let clock = std::sync::Arc::new(clock.clone());
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            install_cjk_test_font(&cc.egui_ctx);
            FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap()
        })
}

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_by_label(label).is_some()
}

fn has_containing(h: &Harness<'_, FocusFeedApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

fn stored_language(dir: &std::path::Path) -> Option<String> {
    Store::open(&dir.join(DB_FILE))
        .unwrap()
        .setting(LANGUAGE_KEY)
        .unwrap()
}

#[test]
fn settings_switches_the_window_to_chinese_and_back() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.step();
    // Tests start in English whatever the machine's locale.
    assert_eq!(Language::current(), Language::English);
    assert!(has(&h, "1  Board"));
    h.get_by_label("4  Settings").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Settings);
    assert!(has(&h, "Language"));

    h.get_by_label("简体中文").click();
    h.run_steps(2);
    assert_eq!(Language::current(), Language::Chinese);
    // The navigation, the Settings page, the timer's phase and its button, all at once.
    for label in [
        "1  看板",
        "2  阅读器",
        "3  统计",
        "4  设置",
        "语言",
        "通用",
        "专注",
    ] {
        assert!(has(&h, label), "no {label:?} in the Chinese window");
    }
    h.get_by_role_and_label(Role::Button, "开始");
    h.get_by_role_and_label(Role::Button, "跳过");
    assert!(!has(&h, "1  Board"), "English left in the navigation");
    step_until(&mut h, "the language stored", |_| {
        stored_language(dir.path()).as_deref() == Some("zh-CN")
    });

    // Durations and dates in Chinese: today's focus minutes on Stats.
    h.get_by_label("3  统计").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Stats);
    assert!(has(&h, "统计"));
    assert!(
        has(&h, "今天：0 个番茄钟，0 分钟"),
        "today's line in Chinese"
    );
    assert!(has(&h, "专注分钟数，最近 14 天"));

    // For you's reasons are worded in Chinese too: the samples, ranked, the first one opened.
    h.get_by_label("2  阅读器").click();
    step_until(&mut h, "the first run's offer", |h| {
        has(h, "加载示例订阅源")
    });
    h.get_by_label("加载示例订阅源").click();
    step_until(&mut h, "the samples in For you", |h| {
        has_containing(h, "专注与阅读札记")
    });
    // The first run lists the samples newest first until the first ranking takes over.
    let db = Store::open(&dir.path().join(DB_FILE)).unwrap();
    step_until_ranked(&mut h, &db, 30);
    h.key_press(egui::Key::J);
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the article's reason in Chinese", |h| {
        has_containing(h, "出现在为你推荐中，因为：发布于")
    });
    assert!(!has_containing(&h, "published"), "an English reason left");

    h.get_by_label("3  统计").click();
    h.run_steps(2);
    // The choice survives a restart of the window.
    drop(h);
    let mut h = app(dir.path(), &clock);
    h.step();
    assert!(
        has(&h, "1  看板"),
        "the stored language was not used at start"
    );

    // And back to English, byte for byte the labels the other tests use.
    h.get_by_label("4  设置").click();
    h.run_steps(2);
    h.get_by_label("English").click();
    h.run_steps(2);
    assert_eq!(Language::current(), Language::English);
    for label in ["1  Board", "4  Settings", "Language", "General", "Focus"] {
        assert!(has(&h, label), "no {label:?} after switching back");
    }
    h.get_by_role_and_label(Role::Button, "Start");
    assert!(!has_containing(&h, "看板"));
    step_until(&mut h, "English stored", |_| {
        stored_language(dir.path()).as_deref() == Some("en")
    });
}

/// The test font keeps up with the locale file: every character a Chinese label may show has a
/// glyph (the harness would panic on the first one missing, in whichever test drew it).
#[test]
fn the_test_font_draws_every_character_of_the_chinese_locale_and_sample() {
    let text: String = [
        include_str!("../locales/zh-CN.yml"),
        include_str!("../assets/samples/focus-notes-zh.rss.xml"),
    ]
    .concat()
    .chars()
    .filter(|c| !c.is_ascii() && !c.is_whitespace())
    .collect();
    let mut h = Harness::new_ui(|ui| {
        ui.label("Tides");
    });
    h.run();
    install_cjk_test_font(&h.ctx);
    h.run();
    let missing: String = text
        .chars()
        .filter(|c| {
            !h.ctx
                .fonts_mut(|f| f.has_glyphs(&egui::FontId::proportional(14.0), &c.to_string()))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no glyph in the test font for {missing:?}"
    );
}
