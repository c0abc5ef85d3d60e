//! What `publish` adds to a build (`pipeline::Hooks`): the page set recorded, each
//! page stamped with the release its bytes last changed in (kept from the live
//! manifest's per-file hashes, so an unchanged page is the live file, hard-linked),
//! what page-level isolation held back, and the decision before commit: unchanged,
//! too many pages dropped, source changed; then the release's source tree
//! (`kept`), stamp and manifest.

use super::super::drop_guard;
use super::super::journal;
use super::super::kept;
use super::super::manifest::{self, Diff, Held, Manifest, PageEntry};
use super::super::record::{ErrorEntry, Problem};
use super::super::schedule::{self, Trigger};
use super::super::store::{self, Store, RELEASE_STAMP};
use super::Settings;
use crate::content::kind::Audience;
use crate::pipeline::{Filtered, HeldFile, Hooks, Shown};
use crate::site::model::Hidden;
use crate::site::Site;
use chrono::NaiveDateTime;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug)]
pub(super) enum Skip {
    Unchanged,
    Refused { removed: usize, live: usize, reference: Option<String> },
    SourceChanged,
}

#[derive(Default)]
pub(super) struct State {
    pub pages: BTreeMap<String, PageEntry>,
    pub held: Vec<Held>,
    pub problems: Vec<Problem>,
    pub next_change: Option<NaiveDateTime>,
    pub skip: Option<Skip>,
    pub diff: Diff,
    /// The release's source tree was written (`DEST/sources/<id>`).
    pub kept: bool,
}

pub(super) struct PublishHooks<'a> {
    pub store: &'a Store,
    pub settings: &'a Settings,
    pub id: &'a str,
    pub trigger: Trigger,
    pub live: Option<&'a Manifest>,
    pub live_id: Option<&'a str>,
    /// The live release's folder: files equal to its are hard links to them.
    pub live_dir: Option<PathBuf>,
    /// The live release's source tree (held-back pages were read from it).
    pub live_kept: Option<PathBuf>,
    pub newest_digest: Option<&'a str>,
    /// The journal, for the cumulative drop check (`drop_guard`).
    pub history: Vec<super::super::record::Entry>,
    pub now: NaiveDateTime,
    pub verify: Option<&'a (dyn Fn() -> bool + Sync)>,
    /// When each file of the last status's problems was first held back.
    pub since: HashMap<String, String>,
    pub files: Mutex<Files>,
    pub state: Mutex<State>,
}

/// What the hooks learn of each output file, for the digest and the manifest.
#[derive(Default)]
pub(super) struct Files {
    /// `(path, hash)` of every file, copied ones too (`manifest::digest`).
    hashes: Vec<(String, u64)>,
    /// `Manifest::files`.
    entries: Vec<(String, String)>,
}

impl PublishHooks<'_> {
    /// The live manifest's entry for output `rel`, and the hash it records.
    fn live_entry(&self, rel: &str) -> Option<(u64, &str)> {
        let entry = self.live?.files.get(rel)?;
        let hash = u64::from_str_radix(entry.split(' ').next()?, 16).ok()?;
        Some((hash, entry))
    }
}

/// Inserts `<meta name="dwgk-release" content="<id>">` after `<head>`: the release
/// in which the page's bytes last changed (view source; the load test checks it).
/// An unchanged page keeps its stamp, so it stays byte for byte the live file.
pub(super) fn stamp_html<'a>(bytes: &'a [u8], id: &str) -> Cow<'a, [u8]> {
    let head = &bytes[..bytes.len().min(4096)];
    match head.windows(6).position(|w| w == b"<head>") {
        Some(i) => {
            let meta = format!("<meta name=\"dwgk-release\" content=\"{id}\">");
            let mut out = Vec::with_capacity(bytes.len() + meta.len() + 1);
            out.extend_from_slice(&bytes[..i + 6]);
            out.push(b'\n');
            out.extend_from_slice(meta.as_bytes());
            out.extend_from_slice(&bytes[i + 6..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(bytes),
    }
}

/// A held-back file as the journal and status record it. A page hidden from the
/// public portal (withdrawn there) is named by its file only: no title of an
/// internal page reaches the public DEST.
fn problem(h: &HeldFile, since: &HashMap<String, String>, audience: Audience) -> Problem {
    let named = !(h.withdrawn && audience == Audience::Public);
    let file = format!("content/{}{}", h.file, if h.folder { "/" } else { "" });
    let (errors, warnings): (Vec<_>, Vec<_>) = h.diags.iter().partition(|d| d.is_error());
    Problem {
        since: since.get(&file).cloned().unwrap_or_else(journal::now_rfc3339),
        file,
        title: h.title.clone().filter(|_| named),
        path: h.path.clone().filter(|_| named),
        unit: h.unit.as_ref().map(|u| u.id.clone()),
        unit_title: h.unit.as_ref().map(|u| u.title.clone()),
        unit_dir: h.unit.as_ref().map_or_else(String::new, |u| u.dir.clone()),
        shows: if h.shown == Shown::Previous { "previous" } else { "nothing" }.into(),
        shown_release: None,
        withdrawn: h.withdrawn,
        depends: h.round > 0,
        errors: errors.into_iter().map(ErrorEntry::from).collect(),
        warnings: warnings.into_iter().map(ErrorEntry::from).collect(),
    }
}

impl Hooks for PublishHooks<'_> {
    fn assembled(&self, site: &Site) {
        let mut st = self.state.lock().expect("state");
        // Each round of isolation starts over; the last one is published.
        st.pages.clear();
        st.held.clear();
        for p in &site.pages {
            if p.visible() {
                let hash = manifest::hash64(&[p.src.text.as_bytes(), &[u8::from(p.expired)]]);
                st.pages.insert(
                    p.path.clone(),
                    PageEntry { file: p.src.display.clone(), title: p.title.clone(), approved_by: p.approved_by.clone(), hash: format!("{hash:016x}") },
                );
            } else if p.hidden == Some(Hidden::Unapproved) {
                st.held.push(Held { file: p.src.display.clone(), title: p.title.clone() });
            }
        }
        st.next_change = schedule::next_change(site.pages.iter().filter(|p| !p.draft).map(|p| (p.publish_date, p.expire_date)), site.opts.now);
    }

    fn isolated(&self, held: &[HeldFile]) {
        self.state.lock().expect("state").problems = held.iter().map(|h| problem(h, &self.since, self.settings.audience)).collect();
    }

    fn filter<'a>(&self, rel: &str, bytes: &'a [u8]) -> Filtered<'a> {
        let hash = manifest::hash64(&[bytes]);
        let kept = manifest::unchanged_since(self.live.and_then(|m| m.files.get(rel)).map(String::as_str), hash);
        let (out, since, in_base) = if rel.ends_with(".html") {
            let kept = kept.flatten();
            let since = kept.unwrap_or(self.id);
            (stamp_html(bytes, since), Some(since), kept.is_some())
        } else {
            (Cow::Borrowed(bytes), None, kept.is_some())
        };
        let entry = manifest::file_entry(hash, since);
        let mut files = self.files.lock().expect("files");
        files.hashes.push((rel.to_string(), hash));
        files.entries.push((rel.to_string(), entry));
        Filtered { bytes: out, in_base }
    }

    /// The live release's file, rendered from the same inputs as this one would
    /// be, is kept when the live manifest has its entry (hash, stamp): `reused`
    /// records that entry as this release's, as `filter` would have.
    fn reusable(&self, rel: &str) -> bool {
        self.live_entry(rel).is_some()
    }

    fn reused(&self, rel: &str) {
        if let Some((hash, entry)) = self.live_entry(rel) {
            let mut files = self.files.lock().expect("files");
            files.hashes.push((rel.to_string(), hash));
            files.entries.push((rel.to_string(), entry.to_string()));
        }
    }

    /// By size and modification time, as the copy itself decides (not by where it
    /// was read: a held-back page's attachment read from the kept source is the
    /// same file as the one the share had).
    fn copied(&self, rel: &str, from: &Path) {
        let meta = std::fs::metadata(from).ok();
        let len = meta.as_ref().map_or(0, |m| m.len());
        let mtime = meta.and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        let h = manifest::hash64(&[b"copied", &len.to_le_bytes(), &mtime.to_le_bytes()]);
        self.files.lock().expect("files").hashes.push((rel.to_string(), h));
    }

    fn before_commit(&self, site: &Site, dir: &Path) -> std::result::Result<bool, String> {
        let files = std::mem::take(&mut *self.files.lock().expect("files"));
        let entries: BTreeMap<String, String> = files.entries.into_iter().collect();
        let digest = manifest::digest(files.hashes);
        let mut st = self.state.lock().expect("state");
        // The release readers get a held-back page's version from: its stamp.
        for p in st.problems.iter_mut().filter(|p| p.shows_previous()) {
            let rel = p.path.as_deref().map(|path| format!("{}index.html", path.trim_start_matches('/')));
            p.shown_release = rel.and_then(|r| entries.get(&r)).and_then(|e| e.split_once(' ')).map(|(_, id)| id.to_string());
        }
        let force = self.settings.force;
        if !force && self.newest_digest == Some(digest.as_str()) {
            st.skip = Some(Skip::Unchanged);
            return Ok(false);
        }
        st.diff = manifest::diff(self.live.map(|m| &m.pages), &st.pages);
        if let (Some(live), false) = (self.live, force) {
            let max = self.settings.max_drop_percent;
            if manifest::drops_too_many(live.pages.len(), st.diff.removed.len(), max) {
                st.skip = Some(Skip::Refused { removed: st.diff.removed.len(), live: live.pages.len(), reference: None });
                return Ok(false);
            }
            let since = self.now - chrono::Duration::hours(drop_guard::DROP_WINDOW_HOURS);
            if let Some(d) = drop_guard::cumulative_drop(&self.history, (&live.id, &live.pages), &st.pages, since, store::id_time, max) {
                st.skip = Some(Skip::Refused { removed: d.removed, live: d.of, reference: Some(d.reference) });
                return Ok(false);
            }
        }
        let io = |e: std::io::Error| format!("写入发布版本 {} 失败：{e}（提示：检查磁盘空间和 {} 的权限）", self.id, self.store.dest().display());
        // Before the check below: a file changing while it is copied is caught.
        let started = std::time::Instant::now();
        let sources = kept::files_of(site, &self.settings.source.join("content"), self.live_kept.as_deref());
        kept::write(self.store, self.id, self.live_id.filter(|_| self.live_kept.is_some()), &sources).map_err(io)?;
        if crate::render::timings() {
            eprintln!("timing kept-sources {:.3} files {}", started.elapsed().as_secs_f64(), sources.len());
        }
        st.kept = true;
        if let Some(verify) = self.verify {
            if !verify() {
                st.skip = Some(Skip::SourceChanged);
                return Ok(false);
            }
        }
        // Swept from a reused tree already; removed again so no shared inode is written through.
        let _ = std::fs::remove_file(dir.join(RELEASE_STAMP));
        std::fs::write(dir.join(RELEASE_STAMP), format!("{}\n", self.id)).map_err(io)?;
        if !self.settings.audience.is_public() {
            store::link_status(dir).map_err(io)?;
        }
        let m = Manifest {
            id: self.id.to_string(),
            created: journal::now_rfc3339(),
            trigger: self.trigger.id().to_string(),
            audience: self.settings.audience.id().to_string(),
            digest,
            pages: st.pages.clone(),
            held_back: st.held.clone(),
            problems: st.problems.clone(),
            files: entries,
        };
        self.store.write_manifest(&m).map_err(io)?;
        store::sync_filesystem(dir);
        Ok(true)
    }

    /// Pruned releases are never current again and not kept open by readers.
    fn spare(&self) -> Option<(PathBuf, bool)> {
        Some((self.store.spare_dir(), true))
    }

    /// Releases are never written to once named, so they can share files.
    fn base(&self) -> Option<PathBuf> {
        self.live_dir.clone()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stamp_goes_after_head() {
        let out = super::stamp_html(b"<!DOCTYPE html>\n<html>\n<head>\n<title>x</title>", "1");
        assert_eq!(std::str::from_utf8(&out).unwrap(), "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"dwgk-release\" content=\"1\">\n<title>x</title>");
        assert!(matches!(super::stamp_html(b"{\"a\":1}", "m"), std::borrow::Cow::Borrowed(_)));
    }
}
