//! focusfeed: a desktop app that protects attention — Pomodoro + Kanban, and a local feed reader
//! whose "For you" view is ranked by an on-device recommender. Layers import only those below them:
//! `ui` → `engine`/`cli` → domain (`focus`, `feeds`, `search`, `rank`) → `store` → `model`.

// The UI's strings (`locales/en.yml`, `locales/zh-CN.yml`), read with `rust_i18n::t!`.
rust_i18n::i18n!("locales", fallback = "en");

pub mod cli;
pub mod clock;
pub mod engine;
pub mod feeds;
pub mod focus;
pub mod model;
pub mod paths;
pub mod rank;
pub mod search;
pub mod store;
pub mod ui;
