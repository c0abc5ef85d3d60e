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
    /// Files held back because of their own errors (`record::Problem`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<super::problem::Problem>,
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
