//! The cumulative drop check: a site cannot be emptied in steps that each stay
//! under `max_drop_percent`. The new release is compared with every release the
//! live one descends from, made in the last `DROP_WINDOW_HOURS`: their pages
//! are rebuilt from the journal (each published entry lists what it added and
//! removed), so pruned releases (`keep`) still count. The history stops at a
//! release published with `--force` (the admin confirmed those pages) and never
//! follows releases rolled back from. Pure.

use super::manifest::{drops_too_many, PageEntry};
use super::record::{Entry, Outcome};
use chrono::NaiveDateTime;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How far back the cumulative drop check looks.
pub const DROP_WINDOW_HOURS: i64 = 24;

/// A refusal: `removed` of the `of` pages of the earlier release `reference` are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CumulativeDrop {
    pub reference: String,
    pub removed: usize,
    pub of: usize,
}

/// The worst earlier release past `max_percent` (the largest share of its pages
/// gone; ties: the newest), walking back from the live release `live` (its id and
/// pages) through the published entries of `journal`, as far as releases made at
/// `since` or later (`made` reads a release id's time). `new` is the release
/// about to be published. Linear in the pages and the journal.
pub fn cumulative_drop(
    journal: &[Entry],
    live: (&str, &BTreeMap<String, PageEntry>),
    new: &BTreeMap<String, PageEntry>,
    since: NaiveDateTime,
    made: impl Fn(&str) -> Option<NaiveDateTime>,
    max_percent: u32,
) -> Option<CumulativeDrop> {
    let published: HashMap<&str, &Entry> =
        journal.iter().filter(|e| e.outcome == Outcome::Published).filter_map(|e| Some((e.release.as_deref()?, e))).collect();
    let (mut at, live_pages) = live;
    let mut pages: HashSet<&str> = live_pages.keys().map(String::as_str).collect();
    let mut gone = pages.iter().filter(|p| !new.contains_key(**p)).count();
    let mut worst: Option<CumulativeDrop> = None;
    while let Some(entry) = published.get(at).filter(|e| !e.forced) {
        let Some(previous) = entry.previous.as_deref().filter(|p| *p < at && made(p).is_some_and(|t| t >= since)) else { break };
        // The pages of `previous`: this release's pages without what it added, with what it removed.
        for c in &entry.added {
            if pages.remove(c.path.as_str()) && !new.contains_key(&c.path) {
                gone -= 1;
            }
        }
        for c in &entry.removed {
            if pages.insert(c.path.as_str()) && !new.contains_key(&c.path) {
                gone += 1;
            }
        }
        let worse = worst.as_ref().is_none_or(|w| (gone as u128) * (w.of as u128) > (w.removed as u128) * (pages.len() as u128));
        if drops_too_many(pages.len(), gone, max_percent) && worse {
            worst = Some(CumulativeDrop { reference: previous.to_string(), removed: gone, of: pages.len() });
        }
        at = previous;
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::manifest::Change;
    use crate::publish::schedule::Trigger;

    fn pages(paths: &[String]) -> BTreeMap<String, PageEntry> {
        let entry = |p: &String| PageEntry { file: format!("content{p}.md"), title: p.clone(), approved_by: None, hash: "1".into() };
        paths.iter().map(|p| (p.clone(), entry(p))).collect()
    }

    fn change(path: &str) -> Change {
        Change { path: path.into(), file: String::new(), title: String::new(), approved_by: None }
    }

    fn published(id: &str, previous: Option<&str>, added: &[String], removed: &[String]) -> Entry {
        Entry {
            time: String::new(),
            trigger: Trigger::Change,
            outcome: Outcome::Published,
            release: Some(id.into()),
            previous: previous.map(Into::into),
            forced: false,
            pages: 0,
            added: added.iter().map(|p| change(p)).collect(),
            changed: Vec::new(),
            removed: removed.iter().map(|p| change(p)).collect(),
            held_back: Vec::new(),
            errors: Vec::new(),
            problems: Vec::new(),
            message: String::new(),
        }
    }

    /// Release ids are hours of one day: "08" was made at 08:00.
    fn made(id: &str) -> Option<NaiveDateTime> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25)?.and_hms_opt(id.parse().ok()?, 0, 0)
    }

    fn at(hour: u32) -> NaiveDateTime {
        made(&format!("{hour:02}")).unwrap()
    }

    #[test]
    fn deleting_in_steps_is_caught_within_the_window() {
        let names: Vec<String> = (0..100).map(|i| format!("/p{i:03}/")).collect();
        // 100 → 85 → 72: each step is 15 % of the one before, 28 % of the first.
        let journal = [published("08", None, &names, &[]), published("09", Some("08"), &[], &names[85..]), published("10", Some("09"), &[], &names[72..85])];
        let (live, new) = (pages(&names[..72]), pages(&names[..61]));
        assert!(!drops_too_many(72, 11, 20), "the single-step check lets the next step through");
        let d = cumulative_drop(&journal, ("10", &live), &new, at(0), made, 20).expect("refused");
        assert_eq!(d, CumulativeDrop { reference: "08".into(), removed: 39, of: 100 }, "the worst: the first release");
        assert_eq!(cumulative_drop(&journal[..2], ("09", &pages(&names[..85])), &pages(&names[..72]), at(0), made, 30), None, "within a higher limit");
        assert!(cumulative_drop(&journal[..2], ("09", &pages(&names[..85])), &pages(&names[..72]), at(0), made, 20).is_some());
        let d = cumulative_drop(&journal, ("10", &live), &new, at(9), made, 20).expect("refused");
        assert_eq!((d.reference.as_str(), d.removed, d.of), ("09", 24, 85), "08 is older than the window");
        assert_eq!(cumulative_drop(&[], ("10", &live), &new, at(0), made, 20), None, "no journal: the single-step check only");
        // Pages renamed count as removed from the earlier release: paths are compared, not counts.
        let mut renamed = names[30..].to_vec();
        renamed.extend((0..30).map(|i| format!("/new{i}/")));
        let journal = [published("08", None, &names, &[])];
        assert!(cumulative_drop(&journal, ("08", &pages(&names)), &pages(&renamed), at(0), made, 20).is_none(), "the live release: the single-step check's");
        let journal = [published("08", None, &names, &[]), published("09", Some("08"), &names[..0], &names[..10])];
        let d = cumulative_drop(&journal, ("09", &pages(&names[10..])), &pages(&renamed), at(0), made, 20).expect("renamed");
        assert_eq!((d.removed, d.of), (30, 100));
    }

    #[test]
    fn a_forced_release_and_a_rollback_start_the_history_afresh() {
        let names: Vec<String> = (0..100).map(|i| format!("/p{i:03}/")).collect();
        let mut forced = published("09", Some("08"), &[], &names[70..]);
        forced.forced = true;
        let journal = [published("08", None, &names, &[]), forced, published("10", Some("09"), &[], &names[65..70])];
        let live = pages(&names[..65]);
        assert_eq!(cumulative_drop(&journal, ("10", &live), &pages(&names[..60]), at(0), made, 20), None, "70 → 60 since the forced release");
        assert!(cumulative_drop(&journal, ("10", &live), &pages(&names[..55]), at(0), made, 20).is_some(), "70 → 55");
        // 11 added 100 more pages, then was rolled back from (live is 10 again):
        // dropping them is measured from 10's history, where they never were.
        let mut more = names.clone();
        more.extend((0..100).map(|i| format!("/q{i}/")));
        let mut journal = journal.to_vec();
        journal.push(published("11", Some("10"), &more[100..], &[]));
        assert_eq!(cumulative_drop(&journal, ("10", &live), &pages(&names[..60]), at(0), made, 20), None);
    }
}
