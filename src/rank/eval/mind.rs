//! Reading the MIND format: `news.tsv` (id, category, subcategory, title, abstract, url, …) and
//! `behaviors.tsv` (impression id, user, time, history, candidates `ID-1`/`ID-0`, or bare `ID`s
//! in MIND's unlabelled test split). Bad lines are reported with their line number, never a panic.

use chrono::NaiveDateTime;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum MindError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{file} line {line}: {reason}")]
    Format {
        file: String,
        line: usize,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct News {
    pub id: String,
    pub category: String,
    pub title: String,
    pub abstract_text: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    pub impression: String,
    pub user: String,
    /// Unix seconds (the file's times are taken as UTC).
    pub time: i64,
    pub history: Vec<String>,
    /// Each candidate and whether it was clicked; `None` throughout an unlabelled (test) log.
    pub candidates: Vec<(String, Option<u8>)>,
}

fn read(path: &Path) -> Result<String, MindError> {
    std::fs::read_to_string(path).map_err(|source| MindError::Io {
        path: path.display().to_string(),
        source,
    })
}

pub fn read_news(path: &Path) -> Result<Vec<News>, MindError> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 4 || f[0].is_empty() {
            return Err(MindError::Format {
                file: "news.tsv".into(),
                line: i + 1,
                reason: format!(
                    "expected at least 4 tab-separated fields, found {}",
                    f.len()
                ),
            });
        }
        out.push(News {
            id: f[0].to_owned(),
            category: f[1].to_owned(),
            title: f[3].to_owned(),
            abstract_text: f.get(4).copied().unwrap_or("").to_owned(),
            url: f.get(5).copied().unwrap_or("").to_owned(),
        });
    }
    Ok(out)
}

pub fn parse_time(s: &str) -> Option<i64> {
    NaiveDateTime::parse_from_str(s.trim(), "%m/%d/%Y %I:%M:%S %p")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

pub fn read_behaviors(path: &Path) -> Result<Vec<Behavior>, MindError> {
    let text = read(path)?;
    let mut out = Vec::new();
    // Whether the file's candidates carry labels, as its first candidate says.
    let mut labelled: Option<bool> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| MindError::Format {
            file: "behaviors.tsv".into(),
            line: i + 1,
            reason,
        };
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 5 {
            return Err(bad(format!(
                "expected 5 tab-separated fields, found {}",
                f.len()
            )));
        }
        let time = parse_time(f[2]).ok_or_else(|| bad(format!("bad time {:?}", f[2])))?;
        let mut candidates = Vec::new();
        for c in f[4].split_whitespace() {
            let (id, label) = match c.rsplit_once('-') {
                Some((id, "0")) => (id, Some(0)),
                Some((id, "1")) => (id, Some(1)),
                Some(_) => return Err(bad(format!("candidate {c:?}: label must be 0 or 1"))),
                None => (c, None),
            };
            match labelled {
                None => labelled = Some(label.is_some()),
                Some(true) if label.is_none() => {
                    return Err(bad(format!(
                        "candidate {c:?} lacks the -0/-1 label the earlier candidates carry"
                    )));
                }
                Some(false) if label.is_some() => {
                    return Err(bad(format!(
                        "candidate {c:?} carries a label, but the earlier candidates do not"
                    )));
                }
                Some(_) => {}
            }
            candidates.push((id.to_owned(), label));
        }
        out.push(Behavior {
            impression: f[0].to_owned(),
            user: f[1].to_owned(),
            time,
            history: f[3].split_whitespace().map(str::to_owned).collect(),
            candidates,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_with_am_pm() {
        assert_eq!(parse_time("11/18/2023 04:30:19 PM"), Some(1_700_325_019));
        assert_eq!(parse_time("nonsense"), None);
        // MIND's own files write the hour (and month, day) without a leading zero.
        assert_eq!(
            parse_time("11/15/2019 8:55:22 AM"),
            parse_time("11/15/2019 08:55:22 AM")
        );
        assert!(parse_time("1/5/2019 8:05:09 PM").is_some());
    }

    fn behaviors(text: &str) -> Result<Vec<Behavior>, MindError> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("behaviors.tsv");
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        read_behaviors(&p)
    }

    fn error_of(text: &str) -> String {
        behaviors(text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn bad_candidate_is_a_line_numbered_error() {
        let e = error_of("1\tU1\t11/18/2023 04:30:19 PM\tN1\tN2-1 N3\n");
        assert!(
            e.contains("line 1") && e.contains("lacks the -0/-1 label"),
            "{e}"
        );
        let e = error_of(
            "1\tU1\t11/18/2023 04:30:19 PM\tN1\tN2 N3\n2\tU1\t11/18/2023 04:31:19 PM\tN1\tN4-0\n",
        );
        assert!(e.contains("line 2") && e.contains("carries a label"), "{e}");
        let e = error_of("1\tU1\t11/18/2023 04:30:19 PM\tN1\tN2-7\n");
        assert!(e.contains("label must be 0 or 1"), "{e}");
    }

    #[test]
    fn the_test_split_has_candidates_without_labels() {
        let b = behaviors("1\tU1\t11/18/2023 04:30:19 PM\tN1\tN2 N3\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            b[0].candidates,
            vec![("N2".to_owned(), None), ("N3".to_owned(), None)]
        );
    }
}
