//! When to fetch a feed next: from how often it publishes, raised to honour the publisher's
//! TTL, Cache-Control and Retry-After, and backed off exponentially while it keeps failing.

use crate::model::UnixTime;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
/// Never poll a feed more often than this, however busy it is.
pub const MIN_INTERVAL: i64 = 30 * MINUTE;
/// Poll even a quiet feed at least daily.
pub const MAX_INTERVAL: i64 = 24 * HOUR;
/// When we cannot tell how often a feed publishes.
pub const DEFAULT_INTERVAL: i64 = 2 * HOUR;
/// The publisher may ask for longer intervals than ours, but not forever.
pub const MAX_REQUESTED: i64 = 7 * 24 * HOUR;
/// First retry after an error; doubles with each further error.
pub const BACKOFF_BASE: i64 = 15 * MINUTE;

/// What the publisher told us on the last successful fetch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// RSS `<ttl>`, minutes.
    pub ttl_minutes: Option<u32>,
    /// `Cache-Control: max-age`, seconds.
    pub max_age: Option<u64>,
}

/// The polling interval that fits how often the feed publishes: the mean gap between its
/// newest (up to ten) items, clamped; quiet feeds (nothing for a month) are polled daily.
pub fn publishing_interval(now: UnixTime, published: &[UnixTime]) -> i64 {
    let mut dates: Vec<UnixTime> = published
        .iter()
        .copied()
        .filter(|t| *t <= now + HOUR)
        .collect();
    dates.sort_unstable_by(|a, b| b.cmp(a));
    dates.dedup();
    dates.truncate(10);
    match (dates.first(), dates.last()) {
        (Some(&newest), _) if now - newest > 30 * 24 * HOUR => MAX_INTERVAL,
        (Some(&newest), Some(&oldest)) if dates.len() >= 2 => {
            let mean_gap = (newest - oldest) / (dates.len() as i64 - 1);
            mean_gap.clamp(MIN_INTERVAL, MAX_INTERVAL)
        }
        _ => DEFAULT_INTERVAL,
    }
}

/// Next fetch after a successful (or 304) fetch at `now`.
pub fn after_success(now: UnixTime, published: &[UnixTime], hints: Hints) -> UnixTime {
    let ours = publishing_interval(now, published);
    let ttl = hints.ttl_minutes.map_or(0, |m| i64::from(m) * MINUTE);
    let max_age = hints
        .max_age
        .map_or(0, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let requested = ttl.max(max_age).min(MAX_REQUESTED);
    now + ours.max(requested)
}

/// Next fetch after the `error_count`-th failure in a row (1 for the first), no earlier than
/// the server's `Retry-After` (already turned into a time).
pub fn after_error(
    now: UnixTime,
    error_count: u32,
    retry_not_before: Option<UnixTime>,
) -> UnixTime {
    let doublings = error_count.saturating_sub(1).min(16);
    let backoff = (BACKOFF_BASE << doublings).min(MAX_INTERVAL);
    let ours = now + backoff;
    match retry_not_before {
        Some(t) => ours.max(t.min(now + MAX_REQUESTED)),
        None => ours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixTime = 1_700_000_000;

    #[test]
    fn busy_quiet_and_unknown_feeds() {
        let hourly: Vec<_> = (0..10).map(|i| NOW - i * 3 * HOUR).collect();
        assert_eq!(publishing_interval(NOW, &hourly), 3 * HOUR);
        let minutely: Vec<_> = (0..10).map(|i| NOW - i * MINUTE).collect();
        assert_eq!(publishing_interval(NOW, &minutely), MIN_INTERVAL);
        assert_eq!(
            publishing_interval(NOW, &[NOW - 60 * 24 * HOUR]),
            MAX_INTERVAL
        );
        assert_eq!(publishing_interval(NOW, &[]), DEFAULT_INTERVAL);
    }

    #[test]
    fn publisher_hints_only_lengthen() {
        let h = Hints {
            ttl_minutes: Some(600),
            max_age: Some(60),
        };
        assert_eq!(after_success(NOW, &[], h), NOW + 10 * HOUR);
        let h = Hints {
            ttl_minutes: Some(1),
            max_age: None,
        };
        assert_eq!(after_success(NOW, &[], h), NOW + DEFAULT_INTERVAL);
        let h = Hints {
            ttl_minutes: Some(u32::MAX),
            max_age: None,
        };
        assert_eq!(after_success(NOW, &[], h), NOW + MAX_REQUESTED);
    }

    #[test]
    fn errors_back_off_exponentially_and_honour_retry_after() {
        assert_eq!(after_error(NOW, 1, None), NOW + 15 * MINUTE);
        assert_eq!(after_error(NOW, 3, None), NOW + HOUR);
        assert_eq!(after_error(NOW, 40, None), NOW + MAX_INTERVAL);
        assert_eq!(after_error(NOW, 1, Some(NOW + 5 * HOUR)), NOW + 5 * HOUR);
        assert_eq!(
            after_error(NOW, 1, Some(NOW + 1000 * HOUR)),
            NOW + MAX_REQUESTED
        );
    }
}
