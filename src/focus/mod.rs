//! The focus domain: logic testable without a window (see ../shared/docs/design.md).
//! `timer` is the Pomodoro state machine (its state type is in `model::timer`), `checklist`
//! a card's task lines, `stats` the figures, `attention` the month of focus beside reading,
//! `reading` the daily reading budget, `export` the file formats, `alert` the notification and
//! chime.

pub mod alert;
pub mod attention;
pub mod checklist;
pub mod export;
pub mod reading;
pub mod stats;
pub mod timer;
