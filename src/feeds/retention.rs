//! How long read items are kept: unread and starred items always stay; read ones older than
//! the configured age go, but every feed keeps at least its newest `keep_per_feed` items.

use crate::model::UnixTime;

/// Setting key (days, an integer) in the `settings` table.
pub const SETTING_MAX_AGE_DAYS: &str = "feeds.retention_days";
/// Setting key (items, an integer): the most items one feed keeps, starred ones aside.
pub const SETTING_MAX_ITEMS: &str = "feeds.max_items_per_feed";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub max_age_days: u32,
    pub keep_per_feed: u32,
    /// The most items a feed keeps (newest first; starred ones always stay).
    pub max_items: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            max_age_days: 90,
            keep_per_feed: 50,
            max_items: 5_000,
        }
    }
}

impl Retention {
    /// Reads the configured age, falling back to the default for a missing or bad value.
    pub fn from_setting(value: Option<&str>) -> Self {
        Self::from_settings(value, None)
    }

    /// Reads the configured age and item cap; a missing or bad value keeps its default, and
    /// a cap is never below the items every feed keeps.
    pub fn from_settings(days: Option<&str>, max_items: Option<&str>) -> Self {
        let mut r = Self::default();
        if let Some(days) = days.and_then(|v| v.trim().parse::<u32>().ok()) {
            r.max_age_days = days;
        }
        if let Some(n) = max_items.and_then(|v| v.trim().parse::<u32>().ok()) {
            r.max_items = n.max(r.keep_per_feed);
        }
        r
    }

    /// Read items published (or, lacking a date, fetched) before this may be dropped.
    pub fn cutoff(&self, now: UnixTime) -> UnixTime {
        now - i64::from(self.max_age_days) * 24 * 3600
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_is_read_tolerantly() {
        assert_eq!(Retention::from_setting(Some("30")).max_age_days, 30);
        assert_eq!(Retention::from_setting(Some("soon")), Retention::default());
        assert_eq!(Retention::from_settings(None, Some("800")).max_items, 800);
        assert_eq!(Retention::from_settings(None, Some("3")).max_items, 50);
        assert_eq!(Retention::from_settings(None, Some("x")).max_items, 5_000);
        assert_eq!(
            Retention::from_setting(None).cutoff(100 * 86_400),
            10 * 86_400
        );
    }
}
