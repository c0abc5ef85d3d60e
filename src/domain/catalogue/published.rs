//! When a page was really published: the publisher's journal (登记备案) knows the
//! first release that carried each page; the IO shell reads it and passes it in.
//! Without a journal entry a page counts as published on its `publish_date` or
//! `date`. Pure.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct FirstPublished {
    /// Source file as shown in messages (`content/units/a/dues.md`) → first day in a release.
    pub by_file: HashMap<String, NaiveDate>,
    /// Files first seen in the journal's very first release: the site may have been
    /// published before the publisher ran, so an earlier stated date stands.
    pub baseline: HashSet<String>,
    /// `publish` builds a release today: a page it shows that no release carried yet
    /// is published today (if the release goes live).
    pub today: Option<NaiveDate>,
}

impl FirstPublished {
    /// The day `file` was published: the journal's day, else today for a page this
    /// release shows for the first time, else `stated` (the page's own date).
    pub fn resolve(&self, file: &str, shown_now: bool, stated: Option<NaiveDate>) -> Option<NaiveDate> {
        if let Some(&d) = self.by_file.get(file) {
            return Some(match stated {
                Some(s) if self.baseline.contains(file) => s.min(d),
                _ => d,
            });
        }
        match self.today {
            Some(t) if shown_now => Some(t),
            _ => stated,
        }
    }

    /// Whether any journal was read (messages say where a date came from).
    pub fn has_journal(&self) -> bool {
        !self.by_file.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn journal_then_today_then_stated() {
        let mut f = FirstPublished::default();
        f.by_file.insert("content/a.md".into(), d("2024-11-01"));
        f.by_file.insert("content/b.md".into(), d("2024-03-01"));
        f.baseline.insert("content/b.md".into());
        // A backdated page is caught by the journal.
        assert_eq!(f.resolve("content/a.md", true, Some(d("2024-10-10"))), Some(d("2024-11-01")));
        // The first release took over an existing site: the page's own earlier date stands.
        assert_eq!(f.resolve("content/b.md", true, Some(d("2024-01-05"))), Some(d("2024-01-05")));
        assert_eq!(f.resolve("content/c.md", true, Some(d("2024-10-10"))), Some(d("2024-10-10")));
        f.today = Some(d("2024-11-20"));
        assert_eq!(f.resolve("content/c.md", true, Some(d("2024-10-10"))), Some(d("2024-11-20")));
        assert_eq!(f.resolve("content/c.md", false, Some(d("2024-10-10"))), Some(d("2024-10-10")), "not in this release");
    }
}
