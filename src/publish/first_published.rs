//! The day each page was first published, for the catalogue's timeliness: from the
//! journal's entries (`from_entries`, pure), or read from the journals of the DESTs
//! a site's `[publish]` names (`for_site`: `build`, `check`, `report` and the preview
//! judge by the same record as the publisher).

use super::record::{Entry, Outcome};
use super::store::Store;
use crate::domain::catalogue::FirstPublished;
use std::path::Path;

/// Each source file's first release day; the files of the journal's first release
/// are the baseline (`FirstPublished::baseline`).
pub fn from_entries(entries: &[Entry]) -> FirstPublished {
    let mut out = FirstPublished::default();
    let mut first = true;
    for e in entries.iter().filter(|e| e.outcome == Outcome::Published) {
        let Ok(time) = chrono::DateTime::parse_from_rfc3339(&e.time) else { continue };
        let day = time.date_naive();
        for c in &e.added {
            let known = out.by_file.entry(c.file.clone()).or_insert(day);
            *known = (*known).min(day);
            if first {
                out.baseline.insert(c.file.clone());
            }
        }
        first = false;
    }
    out
}

/// The journal of one DEST, if there is one.
pub fn read_dest(dest: &Path) -> Vec<Entry> {
    Store::existing(dest).map(|s| super::journal::read(&s)).unwrap_or_default()
}

/// The journals of `[publish] dest` and `internal_dest` (relative to the site root),
/// merged: a page counts from the first release of either portal.
pub fn for_site(root: &Path, publish: &crate::config::PublishConfig) -> FirstPublished {
    let mut entries: Vec<Entry> = Vec::new();
    for dest in [&publish.dest, &publish.internal_dest].into_iter().flatten() {
        let mut one = read_dest(&root.join(dest));
        if entries.is_empty() {
            entries = one;
        } else {
            entries.append(&mut one);
            entries.sort_by(|a, b| a.time.cmp(&b.time));
        }
    }
    from_entries(&entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::manifest::Change;
    use crate::publish::schedule::Trigger;

    fn entry(time: &str, outcome: Outcome, files: &[&str]) -> Entry {
        Entry {
            time: time.into(),
            trigger: Trigger::Change,
            outcome,
            release: None,
            previous: None,
            forced: false,
            pages: files.len(),
            added: files.iter().map(|f| Change { path: format!("/{f}/"), file: f.to_string(), title: f.to_string(), approved_by: None }).collect(),
            changed: vec![],
            removed: vec![],
            held_back: vec![],
            errors: vec![],
            problems: vec![],
            message: String::new(),
        }
    }

    #[test]
    fn first_release_day_per_file_with_the_first_release_as_baseline() {
        let f = from_entries(&[
            entry("2024-10-01T23:50:00+08:00", Outcome::Failed, &["content/x.md"]),
            entry("2024-10-02T08:00:00+08:00", Outcome::Published, &["content/a.md"]),
            entry("2024-11-03T00:10:00+08:00", Outcome::Published, &["content/b.md"]),
            entry("2024-11-05T09:00:00+08:00", Outcome::Published, &["content/a.md"]),
        ]);
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(f.by_file.get("content/a.md"), Some(&day("2024-10-02")), "removed and added again: the first day stands");
        assert_eq!(f.by_file.get("content/b.md"), Some(&day("2024-11-03")), "the local day of the entry");
        assert!(!f.by_file.contains_key("content/x.md"), "a failed attempt published nothing");
        assert!(f.baseline.contains("content/a.md") && !f.baseline.contains("content/b.md"));
    }
}
