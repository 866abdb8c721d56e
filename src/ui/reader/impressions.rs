//! Measures what the user actually saw and read, from the frame's time (the injected clock, never
//! sleeps): an impression is a row visible for at least a second; dwell is the time an article
//! stayed open. Pure bookkeeping: the view sends what these return to the worker.

use crate::model::ItemId;
use crate::store::events::{EventKind, NewEvent};
use std::collections::{HashMap, HashSet};

/// How long a row must stay on screen to count as seen.
pub const IMPRESSION_MS: i64 = 1_000;
/// Dwell longer than this is someone who walked away, not someone reading.
pub const MAX_DWELL_S: f64 = 30.0 * 60.0;

/// Impressions in one list: each item counts once per visit to the list.
#[derive(Debug, Default)]
pub struct ImpressionTracker {
    view: String,
    /// Rows on screen now, with when they appeared and their position.
    visible_since: HashMap<ItemId, (i64, usize)>,
    counted: HashSet<ItemId>,
}

impl ImpressionTracker {
    /// Starts a new visit (another list, or the same list reloaded for a new query).
    pub fn reset(&mut self, view: &str) {
        self.view = view.to_string();
        self.visible_since.clear();
        self.counted.clear();
    }

    /// The list whose visit this is ("" before the first).
    pub fn view(&self) -> &str {
        &self.view
    }

    /// Takes this frame's visible rows `(item, position)` at `now_ms`. Returns the impressions
    /// that became due, and how long until the next one could (to schedule a repaint).
    pub fn observe(
        &mut self,
        visible: &[(ItemId, usize)],
        now_ms: i64,
    ) -> (Vec<NewEvent>, Option<i64>) {
        let on_screen: HashSet<ItemId> = visible.iter().map(|(id, _)| *id).collect();
        // A row that scrolled away starts over when it comes back.
        self.visible_since.retain(|id, _| on_screen.contains(id));
        let mut due = Vec::new();
        let mut next: Option<i64> = None;
        for &(id, position) in visible {
            if self.counted.contains(&id) {
                continue;
            }
            let (since, _) = *self.visible_since.entry(id).or_insert((now_ms, position));
            let shown = now_ms - since;
            if shown >= IMPRESSION_MS {
                self.counted.insert(id);
                self.visible_since.remove(&id);
                due.push(
                    NewEvent::new(id, EventKind::Impression, now_ms.div_euclid(1000))
                        .in_list(&self.view, Some(position)),
                );
            } else {
                let wait = IMPRESSION_MS - shown;
                next = Some(next.map_or(wait, |n| n.min(wait)));
            }
        }
        (due, next)
    }
}

/// The article being read and since when.
#[derive(Debug, Default)]
pub struct DwellTimer {
    open: Option<(ItemId, i64, String)>,
}

impl DwellTimer {
    /// Starts timing `item`; returns the dwell event of the article it replaces, if any.
    pub fn start(&mut self, item: ItemId, view: &str, now_ms: i64) -> Option<NewEvent> {
        let ended = self.stop(now_ms);
        self.open = Some((item, now_ms, view.to_string()));
        ended
    }

    /// Stops timing; returns the dwell event (none for an article open under half a second,
    /// which was skipped past, not read).
    pub fn stop(&mut self, now_ms: i64) -> Option<NewEvent> {
        let (item, since, view) = self.open.take()?;
        let seconds = ((now_ms - since) as f64 / 1000.0).clamp(0.0, MAX_DWELL_S);
        (seconds >= 0.5).then(|| {
            NewEvent::new(item, EventKind::Dwell, now_ms.div_euclid(1000))
                .in_list(&view, None)
                .with_value(seconds)
        })
    }

    pub fn current(&self) -> Option<ItemId> {
        self.open.as_ref().map(|(id, _, _)| *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_counts_once_after_a_second_on_screen() {
        let mut t = ImpressionTracker::default();
        t.reset("unread");
        let (due, next) = t.observe(&[(1, 0), (2, 1)], 10_000);
        assert!(due.is_empty());
        assert_eq!(next, Some(1_000));
        // Row 2 scrolls away and comes back: its second starts again.
        let (due, _) = t.observe(&[(1, 0)], 10_600);
        assert!(due.is_empty());
        let (due, next) = t.observe(&[(1, 0), (2, 1)], 11_000);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].item_id, 1);
        assert_eq!(due[0].view.as_deref(), Some("unread"));
        assert_eq!(due[0].position, Some(0));
        assert_eq!(next, Some(1_000), "row 2 came back at 11 s");
        let (due, _) = t.observe(&[(1, 0), (2, 1)], 11_600);
        assert!(due.is_empty());
        let (due, _) = t.observe(&[(1, 0), (2, 1)], 12_000);
        assert_eq!(due.iter().map(|e| e.item_id).collect::<Vec<_>>(), vec![2]);
        let (due, next) = t.observe(&[(1, 0), (2, 1)], 20_000);
        assert!(due.is_empty(), "each item counts once per visit");
        assert_eq!(next, None);
        t.reset("starred");
        let (due, _) = t.observe(&[(1, 0)], 20_000);
        assert!(due.is_empty());
    }

    #[test]
    fn dwell_is_measured_between_opens_and_capped() {
        let mut d = DwellTimer::default();
        assert!(d.start(1, "latest", 0).is_none());
        let e = d.start(2, "latest", 12_500);
        let e = e.unwrap_or_else(|| panic!("dwell expected"));
        assert_eq!((e.item_id, e.value), (1, Some(12.5)));
        assert_eq!(d.current(), Some(2));
        let e = d.stop(12_500 + 5 * 3_600_000);
        assert_eq!(e.and_then(|e| e.value), Some(MAX_DWELL_S));
        assert!(d.start(3, "latest", 0).is_none());
        assert!(d.stop(200).is_none(), "a glance is not a read");
    }
}
