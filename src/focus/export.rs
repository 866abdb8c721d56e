//! The board and time log as a file: JSON that round-trips losslessly, and the time log as CSV.

pub use crate::model::export::{BoardExport, EXPORT_FORMAT, EXPORT_VERSION, TimeEntry};
use crate::model::{CardId, UnixTime};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Reads and checks an export; the message says what is wrong, and nothing is written before.
pub fn parse_export(json: &str) -> Result<BoardExport, String> {
    let data: BoardExport =
        serde_json::from_str(json).map_err(|e| format!("not a focusfeed board export: {e}"))?;
    if data.format != EXPORT_FORMAT {
        return Err(format!(
            "not a focusfeed board export (format is {:?}, expected {EXPORT_FORMAT:?})",
            data.format
        ));
    }
    if data.version > EXPORT_VERSION {
        return Err(format!(
            "this export is version {}, newer than this focusfeed understands ({EXPORT_VERSION}); update focusfeed",
            data.version
        ));
    }
    if data.columns.is_empty() {
        return Err("the export has no columns".into());
    }
    let mut column_ids = HashSet::new();
    for c in &data.columns {
        if !column_ids.insert(c.id) {
            return Err(format!("column id {} appears twice", c.id));
        }
        crate::model::board::validate_column_name(&c.name)
            .map_err(|e| format!("column {}: {e}", c.id))?;
    }
    let mut card_ids = HashSet::new();
    for c in &data.cards {
        if !card_ids.insert(c.id) {
            return Err(format!("card id {} appears twice", c.id));
        }
        if !column_ids.contains(&c.column_id) {
            return Err(format!(
                "card {} is in column {}, which is not in the export",
                c.id, c.column_id
            ));
        }
        if c.title.trim().is_empty() {
            return Err(format!("card {} has no title", c.id));
        }
    }
    let mut entry_ids = HashSet::new();
    for e in &data.time_log {
        if !entry_ids.insert(e.id) {
            return Err(format!("time log entry {} appears twice", e.id));
        }
        if e.seconds < 0 || e.ended_at < e.started_at {
            return Err(format!("time log entry {} has a negative length", e.id));
        }
        if let Some(card) = e.card_id
            && !card_ids.contains(&card)
        {
            return Err(format!(
                "time log entry {} is for card {card}, which is not in the export",
                e.id
            ));
        }
    }
    if let Some(t) = &data.timer {
        t.validate()?;
    }
    Ok(data)
}

/// The time log as CSV (RFC 4180), times in RFC 3339 UTC, one session per row.
pub fn time_log_csv(entries: &[TimeEntry], titles: &HashMap<CardId, String>) -> String {
    let mut out =
        String::from("id,card_id,card_title,started_at,ended_at,seconds,minutes,completed\n");
    for e in entries {
        let title = e
            .card_id
            .and_then(|c| titles.get(&c))
            .map(String::as_str)
            .unwrap_or("");
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            e.id,
            e.card_id.map(|c| c.to_string()).unwrap_or_default(),
            csv_field(title),
            rfc3339(e.started_at),
            rfc3339(e.ended_at),
            e.seconds,
            e.seconds / 60,
            e.completed
        );
    }
    out
}

fn rfc3339(t: UnixTime) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let entries = vec![TimeEntry {
            id: 1,
            card_id: Some(5),
            started_at: 0,
            ended_at: 1500,
            seconds: 1500,
            completed: true,
        }];
        let titles = HashMap::from([(5, "Say \"hi\", then go".to_owned())]);
        let csv = time_log_csv(&entries, &titles);
        let line = csv.lines().nth(1).unwrap_or_default();
        assert_eq!(
            line,
            "1,5,\"Say \"\"hi\"\", then go\",1970-01-01T00:00:00Z,1970-01-01T00:25:00Z,1500,25,true"
        );
    }

    #[test]
    fn bad_exports_are_refused_with_a_reason() {
        assert!(parse_export("{").is_err_and(|e| e.contains("not a focusfeed board export")));
        let other = r#"{"format":"x","version":1,"columns":[],"cards":[],"time_log":[]}"#;
        assert!(parse_export(other).is_err_and(|e| e.contains("format")));
        let newer =
            r#"{"format":"focusfeed-board","version":99,"columns":[],"cards":[],"time_log":[]}"#;
        assert!(parse_export(newer).is_err_and(|e| e.contains("newer")));
        let dangling = r#"{"format":"focusfeed-board","version":1,
            "columns":[{"id":1,"name":"A","position":0,"wip_limit":null}],
            "cards":[],"time_log":[{"id":1,"card_id":9,"started_at":0,"ended_at":1,"seconds":1,"completed":false}]}"#;
        assert!(parse_export(dangling).is_err_and(|e| e.contains("card 9")));
    }
}
