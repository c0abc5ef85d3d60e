//! What a release contains, page by page, kept beside it (not served) so the next
//! release can say which pages were added, changed or removed, with their
//! `approved_by`, and refuse to drop too many. Pure.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    /// Source file as shown in messages: `content/notices/a.md`.
    pub file: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Hash of the source text and archive state.
    pub hash: String,
}

/// A page held back because it lacks `approved_by` (`require_approval = true`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub file: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    /// Local time, RFC 3339.
    pub created: String,
    pub trigger: String,
    pub audience: String,
    /// Hash of every output file (before the release id is stamped in): equal
    /// digests mean an identical site.
    pub digest: String,
    /// Published pages by URL path.
    pub pages: BTreeMap<String, PageEntry>,
    #[serde(default)]
    pub held_back: Vec<Held>,
    /// Every rendered file by output path (copied files are not listed): the hash of
    /// its bytes before stamping, and for a page the release stamped into it, the
    /// one its bytes last changed in (`file_entry`). Absent from manifests written
    /// before it existed: every file then counts as changed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
}

/// A `files` entry: `hash` or `hash since`.
pub fn file_entry(hash: u64, since: Option<&str>) -> String {
    match since {
        Some(id) => format!("{hash:016x} {id}"),
        None => format!("{hash:016x}"),
    }
}

/// The release stamped into a file whose unstamped bytes hash to `hash`, when the
/// live release's file (`entry`) has the same bytes: `Some(None)` for an unstamped
/// file, `None` when the bytes differ or the entry is not understood.
pub fn unchanged_since(entry: Option<&str>, hash: u64) -> Option<Option<&str>> {
    let (h, since) = match entry?.split_once(' ') {
        Some((h, id)) => (h, Some(id)),
        None => (entry?, None),
    };
    (u64::from_str_radix(h, 16).ok()? == hash).then_some(since)
}

/// One page in a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub path: String,
    pub file: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub added: Vec<Change>,
    pub changed: Vec<Change>,
    pub removed: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

fn change(path: &str, p: &PageEntry) -> Change {
    Change { path: path.to_string(), file: p.file.clone(), title: p.title.clone(), approved_by: p.approved_by.clone() }
}

/// Pages added, changed and removed from `old` (the live release) to `new`.
pub fn diff(old: Option<&BTreeMap<String, PageEntry>>, new: &BTreeMap<String, PageEntry>) -> Diff {
    let empty = BTreeMap::new();
    let old = old.unwrap_or(&empty);
    let mut d = Diff::default();
    for (path, p) in new {
        match old.get(path) {
            None => d.added.push(change(path, p)),
            Some(o) if o != p => d.changed.push(change(path, p)),
            Some(_) => {}
        }
    }
    d.removed = old.iter().filter(|(path, _)| !new.contains_key(*path)).map(|(path, p)| change(path, p)).collect();
    d
}

/// True when removing `removed` of the `live` pages exceeds `max_percent`.
pub fn drops_too_many(live: usize, removed: usize, max_percent: u32) -> bool {
    live > 0 && (removed as u128) * 100 > (live as u128) * u128::from(max_percent)
}

/// How far back the cumulative drop check looks (`cumulative_drop`).
pub const DROP_WINDOW_HOURS: i64 = 24;

/// A refusal of the cumulative drop check: `removed` of the `of` pages of the
/// kept release `reference` are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CumulativeDrop {
    pub reference: String,
    pub removed: usize,
    pub of: usize,
}

/// The drop check against earlier releases, so that a site cannot be emptied in
/// steps each under `max_percent`: every kept release up to the live one made in
/// the last `DROP_WINDOW_HOURS` before `now` (`(id, made, pages)`; releases rolled
/// back from are not passed) is compared with `new` by the pages it has and `new`
/// lacks. The worst one past `max_percent`, if any (ties: the newest).
pub fn cumulative_drop<'a>(
    releases: impl IntoIterator<Item = (&'a str, chrono::NaiveDateTime, &'a BTreeMap<String, PageEntry>)>,
    new: &BTreeMap<String, PageEntry>,
    now: chrono::NaiveDateTime,
    max_percent: u32,
) -> Option<CumulativeDrop> {
    let since = now - chrono::Duration::hours(DROP_WINDOW_HOURS);
    releases
        .into_iter()
        .filter(|(_, made, _)| *made >= since)
        .map(|(id, _, pages)| CumulativeDrop { reference: id.to_string(), removed: pages.keys().filter(|p| !new.contains_key(*p)).count(), of: pages.len() })
        .filter(|d| drops_too_many(d.of, d.removed, max_percent))
        .max_by(|a, b| ((a.removed as u128) * (b.of as u128)).cmp(&((b.removed as u128) * (a.of as u128))).then_with(|| a.reference.cmp(&b.reference)))
}

/// FNV-1a, 64 bit: stable across Rust versions and machines, unlike `DefaultHasher`.
pub fn hash64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One digest over `(output path, file hash)` pairs, in any order.
pub fn digest(mut files: Vec<(String, u64)>) -> String {
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (rel, fh) in &files {
        h = hash64(&[&h.to_le_bytes(), rel.as_bytes(), &fh.to_le_bytes()]);
    }
    format!("{h:016x}-{}", files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[(&str, &str)]) -> BTreeMap<String, PageEntry> {
        list.iter()
            .map(|(path, hash)| {
                (
                    path.to_string(),
                    PageEntry { file: format!("content{path}.md"), title: path.to_string(), approved_by: Some("陈志远".into()), hash: hash.to_string() },
                )
            })
            .collect()
    }

    #[test]
    fn added_changed_removed() {
        let old = pages(&[("/a/", "1"), ("/b/", "1"), ("/c/", "1")]);
        let new = pages(&[("/a/", "1"), ("/b/", "2"), ("/d/", "1")]);
        let d = diff(Some(&old), &new);
        let paths = |v: &[Change]| v.iter().map(|c| c.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&d.added), ["/d/"]);
        assert_eq!(paths(&d.changed), ["/b/"]);
        assert_eq!(paths(&d.removed), ["/c/"]);
        assert_eq!(d.added[0].approved_by.as_deref(), Some("陈志远"));
        assert_eq!(diff(None, &new).added.len(), 3, "the first release adds everything");
        assert!(diff(Some(&new), &new).is_empty());
    }

    #[test]
    fn drop_threshold() {
        assert!(!drops_too_many(100, 20, 20));
        assert!(drops_too_many(100, 21, 20));
        assert!(drops_too_many(10, 10, 20), "an unmounted share looks empty");
        assert!(!drops_too_many(0, 0, 20), "the first release");
        assert!(!drops_too_many(10, 10, 100));
    }

    #[test]
    fn deleting_in_steps_is_caught_within_the_window() {
        let at = |h: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let names: Vec<String> = (0..100).map(|i| format!("/p{i}/")).collect();
        let set = |n: usize| pages(&names[..n].iter().map(|p| (p.as_str(), "1")).collect::<Vec<_>>());
        let (full, step1, step2) = (set(100), set(85), set(72));
        // 100 → 85 → 72: each step is 15 % of the one before, 28 % of the largest.
        assert!(!drops_too_many(85, 13, 20), "the single-step check lets it through");
        let kept = [("a", at(8), &full), ("b", at(9), &step1)];
        let d = cumulative_drop(kept, &step2, at(10), 20).expect("refused");
        assert_eq!(d, CumulativeDrop { reference: "a".into(), removed: 28, of: 100 });
        assert_eq!(cumulative_drop(kept, &step1, at(10), 20), None, "15 % of the largest is fine");
        assert_eq!(cumulative_drop([("a", at(8), &full)], &step2, at(8) + chrono::Duration::hours(25), 20), None, "older than the window");
        assert_eq!(cumulative_drop(kept, &step2, at(10), 30), None, "within a higher limit");
        // Renamed pages count as removed from the reference: its pages are compared, not counts.
        let renamed =
            pages(&names[..100].iter().map(|p| (&p[..], "1")).enumerate().map(|(i, (p, h))| if i < 30 { ("/new/", h) } else { (p, h) }).collect::<Vec<_>>());
        assert!(cumulative_drop([("a", at(8), &full)], &renamed, at(9), 20).is_some());
        assert_eq!(cumulative_drop([], &step2, at(10), 20), None, "no earlier release: the first one");
    }

    #[test]
    fn file_entries_round_trip() {
        let id = "20261125-214003-123";
        assert_eq!(file_entry(0xab, Some(id)), format!("00000000000000ab {id}"));
        assert_eq!(unchanged_since(Some(&file_entry(0xab, Some(id))), 0xab), Some(Some(id)));
        assert_eq!(unchanged_since(Some(&file_entry(0xab, None)), 0xab), Some(None));
        assert_eq!(unchanged_since(Some(&file_entry(0xab, Some(id))), 0xac), None, "changed bytes");
        assert_eq!(unchanged_since(None, 0xab), None, "a file the live release lacks");
        assert_eq!(unchanged_since(Some("zz"), 0xab), None);
    }

    #[test]
    fn manifests_without_files_still_read() {
        let m: Manifest = serde_json::from_str(r#"{"id":"a","created":"","trigger":"manual","audience":"public","digest":"d","pages":{}}"#).unwrap();
        assert!(m.files.is_empty());
    }

    #[test]
    fn digest_ignores_order_and_sees_changes() {
        let a = digest(vec![("a".into(), 1), ("b".into(), 2)]);
        assert_eq!(a, digest(vec![("b".into(), 2), ("a".into(), 1)]));
        assert_ne!(a, digest(vec![("a".into(), 1), ("b".into(), 3)]));
        assert_ne!(hash64(&[b"ab", b"c"]), hash64(&[b"a", b"bc"]));
    }
}
