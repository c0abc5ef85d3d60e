//! One publish attempt: build the site with the pipeline into a fresh release
//! (hidden staging name until complete) and check it (`prepare`), then swap
//! `current` and record it (`Prepared::finish`).
//! Whatever happens, the live release stays complete: a failed, refused or
//! interrupted build never touches `current`.

use super::journal;
use super::log::log;
use super::manifest::{self, Diff, Held, Manifest, PageEntry};
use super::record::{Entry, ErrorEntry, Outcome, Status};
use super::schedule::{self, Trigger};
use super::store::{self, Store, RELEASE_STAMP};
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::pipeline::{self, Filtered, Hooks, Request, Trust};
use crate::site::model::Hidden;
use crate::site::{BuildOptions, Site};
use chrono::NaiveDateTime;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How a publisher runs (config `[publish]` merged with the command line).
#[derive(Debug, Clone)]
pub struct Settings {
    pub source: PathBuf,
    pub dest: PathBuf,
    pub audience: Audience,
    pub base_url: Option<String>,
    pub keep: usize,
    pub max_drop_percent: u32,
    /// Publish even if identical to the last release or dropping many pages.
    pub force: bool,
    /// Show elapsed time on a terminal during long builds.
    pub progress: bool,
    /// Log lines name the audience (two portals are published in one run).
    pub name_audience: bool,
    /// The admin's code folder and allowances: the source is a share (docs/deploy.md “信任模型”).
    pub trust: Trust,
}

/// What an attempt did.
#[derive(Debug)]
pub enum Result {
    Published {
        id: String,
        pages: usize,
        diff: Diff,
    },
    /// Identical to the newest release: nothing to publish.
    Unchanged,
    Failed,
    Refused {
        removed: usize,
        live: usize,
    },
    /// Source files changed while building: not published, retried once settled.
    SourceChanged,
}

pub struct Attempt {
    pub result: Result,
    pub diags: Diagnostics,
    /// The next time a page's visibility changes (publish/expire dates).
    pub next_change: Option<NaiveDateTime>,
    pub held_back: Vec<Held>,
}

#[derive(Debug)]
enum Skip {
    Unchanged,
    Refused { removed: usize, live: usize },
    SourceChanged,
}

#[derive(Default)]
struct State {
    pages: BTreeMap<String, PageEntry>,
    held: Vec<Held>,
    next_change: Option<NaiveDateTime>,
    skip: Option<Skip>,
    diff: Diff,
}

struct PublishHooks<'a> {
    store: &'a Store,
    settings: &'a Settings,
    id: &'a str,
    trigger: Trigger,
    live: Option<&'a Manifest>,
    /// The live release's folder: files equal to its are hard links to them.
    live_dir: Option<PathBuf>,
    newest_digest: Option<&'a str>,
    verify: Option<&'a (dyn Fn() -> bool + Sync)>,
    files: Mutex<Files>,
    state: Mutex<State>,
}

/// What the hooks learn of each output file, for the digest and the manifest.
#[derive(Default)]
struct Files {
    /// `(path, hash)` of every file, copied ones too (`manifest::digest`).
    hashes: Vec<(String, u64)>,
    /// `Manifest::files`.
    entries: Vec<(String, String)>,
}

/// Inserts `<meta name="dwgk-release" content="<id>">` after `<head>`: the release
/// in which the page's bytes last changed (view source; the load test checks it).
/// An unchanged page keeps its stamp, so it stays byte for byte the live file.
fn stamp_html<'a>(bytes: &'a [u8], id: &str) -> Cow<'a, [u8]> {
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

impl Hooks for PublishHooks<'_> {
    fn assembled(&self, site: &Site) {
        let mut st = self.state.lock().expect("state");
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

    fn copied(&self, rel: &str, from: &Path) {
        let meta = std::fs::metadata(from).ok();
        let len = meta.as_ref().map_or(0, |m| m.len());
        let mtime = meta.and_then(|m| m.modified().ok()).and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        let h = manifest::hash64(&[from.to_string_lossy().as_bytes(), &len.to_le_bytes(), &mtime.to_le_bytes()]);
        self.files.lock().expect("files").hashes.push((rel.to_string(), h));
    }

    fn before_commit(&self, _site: &Site, dir: &Path) -> std::result::Result<bool, String> {
        let files = std::mem::take(&mut *self.files.lock().expect("files"));
        let digest = manifest::digest(files.hashes);
        let mut st = self.state.lock().expect("state");
        let force = self.settings.force;
        if !force && self.newest_digest == Some(digest.as_str()) {
            st.skip = Some(Skip::Unchanged);
            return Ok(false);
        }
        st.diff = manifest::diff(self.live.map(|m| &m.pages), &st.pages);
        if let Some(live) = self.live {
            if !force && manifest::drops_too_many(live.pages.len(), st.diff.removed.len(), self.settings.max_drop_percent) {
                st.skip = Some(Skip::Refused { removed: st.diff.removed.len(), live: live.pages.len() });
                return Ok(false);
            }
        }
        if let Some(verify) = self.verify {
            if !verify() {
                st.skip = Some(Skip::SourceChanged);
                return Ok(false);
            }
        }
        let io = |e: std::io::Error| format!("写入发布版本 {} 失败：{e}（提示：检查磁盘空间和 {} 的权限）", self.id, self.store.dest().display());
        // Swept from a reused tree already; removed again so no shared inode is written through.
        let _ = std::fs::remove_file(dir.join(RELEASE_STAMP));
        std::fs::write(dir.join(RELEASE_STAMP), format!("{}\n", self.id)).map_err(io)?;
        if self.settings.audience == Audience::Internal {
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
            files: files.entries.into_iter().collect(),
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

/// Shows elapsed time on a terminal while a build runs longer than a second.
struct Progress {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(on: bool) -> Progress {
        use std::io::IsTerminal;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let handle = (on && std::io::stderr().is_terminal()).then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let mut shown = false;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    let secs = started.elapsed().as_secs();
                    if secs >= 1 {
                        eprint!("\r正在生成网站……已用 {secs} 秒");
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r{}\r", " ".repeat(40));
                }
            })
        });
        Progress { stop, handle }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn status(settings: &Settings, state: &str, message: String, current: Option<String>, trigger: Trigger) -> Status {
    Status {
        updated: journal::now_rfc3339(),
        state: state.into(),
        message,
        current,
        audience: settings.audience.id().into(),
        source: settings.source.display().to_string(),
        last_trigger: Some(trigger),
        errors: Vec::new(),
        held_back: Vec::new(),
        next_wake: None,
        next_wake_reason: None,
        pid: std::process::id(),
        public: None,
    }
}

/// A release built into its hidden staging folder and checked, not yet switched
/// in: `finish` switches it in (or records why not), `discard` drops it.
pub struct Prepared<'a> {
    built: Built<'a>,
    staged: pipeline::Staged,
}

/// What an attempt knows once its build is over, whatever becomes of the output.
struct Built<'a> {
    store: &'a Store,
    settings: &'a Settings,
    trigger: Trigger,
    id: String,
    live_id: Option<String>,
    secs: String,
    st: State,
}

/// Builds one release into its staging folder and checks it; `finish` then
/// publishes it if everything is right. The source is read through `read` (two
/// portals share one reading); `now` is the build's clock; `verify`, when given,
/// must still hold at the end of the build (the source did not change). Holds no
/// lock itself: the caller holds `DEST/publish.lock`.
pub fn prepare<'a>(
    store: &'a Store,
    settings: &'a Settings,
    trigger: Trigger,
    now: NaiveDateTime,
    read: impl FnOnce() -> pipeline::Input,
    verify: Option<&(dyn Fn() -> bool + Sync)>,
) -> Prepared<'a> {
    let id = store.new_id(now);
    let live_id = store.current();
    let live = live_id.as_deref().and_then(|i| store.read_manifest(i));
    let newest_id = store.list().pop();
    let is_live = newest_id.is_some() && newest_id == live_id;
    let other = if is_live { None } else { newest_id.and_then(|i| store.read_manifest(&i)) };
    let newest = if is_live { live.as_ref() } else { other.as_ref() };
    let hooks = PublishHooks {
        store,
        settings,
        id: &id,
        trigger,
        live: live.as_ref(),
        live_dir: live_id.as_deref().map(|i| store.release_dir(i)),
        newest_digest: newest.map(|m| m.digest.as_str()),
        verify,
        files: Mutex::default(),
        state: Mutex::new(State::default()),
    };
    let req = Request {
        root: settings.source.clone(),
        output: Some(store.release_dir(&id)),
        base_url: settings.base_url.clone(),
        opts: BuildOptions { audience: settings.audience, drafts: false, now, as_of: None },
        trust: settings.trust.clone(),
    };
    say(settings, "info", "build", &[("id", id.clone()), ("trigger", trigger.id().into())], &format!("开始生成（触发：{}）", trigger.label()));
    let started = std::time::Instant::now();
    let progress = Progress::start(settings.progress);
    let staged = pipeline::stage(&req, read(), &hooks);
    drop(progress);
    let secs = format!("{:.2}", started.elapsed().as_secs_f64());
    let st = hooks.state.into_inner().expect("state");
    Prepared { built: Built { store, settings, trigger, id, live_id, secs, st }, staged }
}

impl Prepared<'_> {
    /// The source changed while building: nothing may be switched in.
    pub fn source_changed(&self) -> bool {
        matches!(self.built.st.skip, Some(Skip::SourceChanged))
    }

    /// Switches the release in (when it was built and passed every check) and
    /// records the outcome in the log, the journal and status.json.
    pub fn finish(self) -> Attempt {
        let Prepared { built, staged } = self;
        let ready = staged.ready();
        let (summary, diags) = staged.commit();
        if ready && !summary.written {
            let _ = std::fs::remove_file(built.store.manifest_path(&built.id));
        }
        built.conclude(summary.written, diags)
    }

    /// Drops the release unswitched because the source changed while this or
    /// another portal was built: retried once the files have settled.
    pub fn discard(self) -> Attempt {
        let Prepared { mut built, staged } = self;
        if staged.ready() {
            let _ = std::fs::remove_file(built.store.manifest_path(&built.id));
        }
        let (_, diags) = staged.discard();
        built.st.skip = Some(Skip::SourceChanged);
        built.conclude(false, diags)
    }
}

impl Built<'_> {
    /// Swaps `current` when the release was `written`, then logs and records the outcome.
    fn conclude(self, written: bool, diags: Diagnostics) -> Attempt {
        let Built { store, settings, trigger, id, live_id, secs, st } = self;
        let held = st.held.clone();
        let entry_base = |outcome, release: Option<String>, message: String| Entry {
            time: journal::now_rfc3339(),
            trigger,
            outcome,
            release,
            previous: live_id.clone(),
            pages: st.pages.len(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            held_back: held.clone(),
            errors: Vec::new(),
            message,
        };
        for d in diags.0.iter().filter(|d| !d.is_error()) {
            say(settings, "warn", "warning", &[("at", d.location().unwrap_or_default())], &d.message);
        }
        for h in &held {
            say(settings, "warn", "held_back", &[("file", h.file.clone())], &format!("未审批（缺少 approved_by），暂缓发布：{}", h.title));
        }
        let result = if diags.has_errors() {
            let errors: Vec<ErrorEntry> = diags.0.iter().filter(|d| d.is_error()).map(ErrorEntry::from).collect();
            for e in &errors {
                say(settings, "error", "content_error", &[("at", e.location.clone())], &e.message);
            }
            let message = format!("生成失败（{} 个错误），未发布；线上仍是 {}", errors.len(), live_id.as_deref().unwrap_or("（尚无版本）"));
            say(settings, "error", "failed", &[("errors", errors.len().to_string()), ("live", live_id.clone().unwrap_or_default())], &message);
            let mut entry = entry_base(Outcome::Failed, live_id.clone(), message.clone());
            entry.errors = errors.clone();
            record(store, &entry);
            let mut s = status(settings, "error", message, live_id.clone(), trigger);
            s.errors = errors;
            s.held_back = held.clone();
            save_status(store, &s);
            Result::Failed
        } else if written {
            let swapped = store.swap_guard().and_then(|_guard| {
                store.swap(&id)?;
                Ok(store.prune(settings.keep, live_id.as_deref()))
            });
            match swapped {
                Ok(pruned) => {
                    let d = &st.diff;
                    let message = format!(
                        "已发布版本 {id}：{} 个页面（新增 {}，修改 {}，删除 {}），用时 {secs} 秒",
                        st.pages.len(),
                        d.added.len(),
                        d.changed.len(),
                        d.removed.len()
                    );
                    say(
                        settings,
                        "info",
                        "published",
                        &[
                            ("id", id.clone()),
                            ("trigger", trigger.id().into()),
                            ("pages", st.pages.len().to_string()),
                            ("added", d.added.len().to_string()),
                            ("changed", d.changed.len().to_string()),
                            ("removed", d.removed.len().to_string()),
                            ("held_back", held.len().to_string()),
                            ("seconds", secs.clone()),
                        ],
                        &message,
                    );
                    for c in d.added.iter().chain(&d.changed) {
                        say(
                            settings,
                            "info",
                            "page",
                            &[("path", c.path.clone()), ("file", c.file.clone()), ("approved_by", c.approved_by.clone().unwrap_or_default())],
                            &c.title,
                        );
                    }
                    if !pruned.is_empty() {
                        say(
                            settings,
                            "info",
                            "pruned",
                            &[("ids", pruned.join(","))],
                            &format!("删除了 {} 个旧版本（保留最近 {} 个）", pruned.len(), settings.keep),
                        );
                    }
                    let mut entry = entry_base(Outcome::Published, Some(id.clone()), message.clone());
                    entry.added = d.added.clone();
                    entry.changed = d.changed.clone();
                    entry.removed = d.removed.clone();
                    record(store, &entry);
                    let mut s = status(settings, "ok", message, Some(id.clone()), trigger);
                    s.held_back = held.clone();
                    save_status(store, &s);
                    Result::Published { id: id.clone(), pages: st.pages.len(), diff: st.diff.clone() }
                }
                Err(e) => {
                    let message = format!("切换到新版本 {id} 失败：{e}；线上版本未变");
                    say(settings, "error", "failed", &[("id", id.clone())], &message);
                    record(store, &entry_base(Outcome::Failed, live_id.clone(), message.clone()));
                    save_status(store, &status(settings, "error", message, live_id.clone(), trigger));
                    Result::Failed
                }
            }
        } else {
            match st.skip {
                Some(Skip::Unchanged) | None => {
                    say(settings, "info", "unchanged", &[("live", live_id.clone().unwrap_or_default())], "内容没有变化，不发布新版本");
                    let mut s =
                        status(settings, "ok", format!("内容没有变化；线上是 {}", live_id.as_deref().unwrap_or("（尚无版本）")), live_id.clone(), trigger);
                    s.held_back = held.clone();
                    save_status(store, &s);
                    Result::Unchanged
                }
                Some(Skip::Refused { removed, live }) => {
                    let message = format!(
                        "拒绝发布：新版本比线上版本少了 {removed} 个页面（共 {live} 个，超过 {}%）。共享文件夹可能没有挂载或被误删；确认无误后运行 dwgk publish --once --force",
                        settings.max_drop_percent
                    );
                    say(settings, "error", "refused", &[("removed", removed.to_string()), ("live_pages", live.to_string())], &message);
                    let mut entry = entry_base(Outcome::Refused, live_id.clone(), message.clone());
                    entry.removed = st.diff.removed.clone();
                    record(store, &entry);
                    save_status(store, &status(settings, "refused", message, live_id.clone(), trigger));
                    Result::Refused { removed, live }
                }
                Some(Skip::SourceChanged) => {
                    say(settings, "warn", "source_changed", &[], "生成期间源文件又有改动，本次不发布；文件稳定后会重新生成");
                    Result::SourceChanged
                }
            }
        };
        Attempt { result, diags, next_change: st.next_change, held_back: held }
    }
}

/// `log`, with `audience=` first when two portals publish in one run.
fn say(settings: &Settings, level: &str, event: &str, fields: &[(&str, String)], msg: &str) {
    if settings.name_audience {
        let mut named = vec![("audience", settings.audience.id().to_string())];
        named.extend_from_slice(fields);
        log(level, event, &named, msg);
    } else {
        log(level, event, fields, msg);
    }
}

fn record(store: &Store, entry: &Entry) {
    if let Err(e) = journal::append(store, entry) {
        log("error", "journal", &[], &format!("无法写入公开记录 {}：{e}", store.journal_path().display()));
    }
}

fn save_status(store: &Store, s: &Status) {
    if let Err(e) = journal::write_status(store, s) {
        log("error", "status", &[], &format!("无法写入 {}：{e}", store.status_path().display()));
    }
}

/// Updates `next_wake` in status.json (the daemon knows it after each attempt).
pub fn note_next_wake(store: &Store, wake: Option<(NaiveDateTime, Trigger)>) {
    if let Some(mut s) = journal::read_status(store) {
        s.next_wake = wake.map(|(t, _)| t.format("%Y-%m-%dT%H:%M:%S").to_string());
        s.next_wake_reason = wake.map(|(_, t)| t.label().to_string());
        save_status(store, &s);
    }
}

/// Points `current` back at `to` (default: the release before the current one).
pub fn rollback(store: &Store, to: Option<&str>) -> std::result::Result<(String, Option<String>), String> {
    let guard = store.swap_guard().map_err(|e| format!("无法锁定 {}：{e}", store.dest().display()))?;
    let ids = store.list();
    let current = store.current();
    let target = match to {
        Some(t) => {
            if !ids.iter().any(|i| i == t) {
                let hint = crate::diag::did_you_mean(t, ids.iter().map(String::as_str)).map_or(String::new(), |s| format!("；是不是 {s}？"));
                return Err(format!("没有版本 {t}（用 dwgk releases 查看可用的版本{hint}）"));
            }
            t.to_string()
        }
        None => {
            let pos = current.as_ref().and_then(|c| ids.iter().position(|i| i == c)).unwrap_or(ids.len());
            match pos.checked_sub(1).and_then(|p| ids.get(p)) {
                Some(p) => p.clone(),
                None => return Err("没有更早的版本可以回滚（用 dwgk releases 查看）".into()),
            }
        }
    };
    if current.as_deref() == Some(target.as_str()) {
        return Err(format!("{target} 已经是当前版本"));
    }
    store.swap(&target).map_err(|e| format!("回滚失败：{e}"))?;
    drop(guard);
    let pages = store.read_manifest(&target).map_or(0, |m| m.pages.len());
    let message = format!("已回滚到版本 {target}（原为 {}）", current.as_deref().unwrap_or("无"));
    let entry = Entry {
        time: journal::now_rfc3339(),
        trigger: Trigger::Rollback,
        outcome: Outcome::Rollback,
        release: Some(target.clone()),
        previous: current.clone(),
        pages,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        held_back: Vec::new(),
        errors: Vec::new(),
        message: message.clone(),
    };
    record(store, &entry);
    let mut s = journal::read_status(store).unwrap_or(Status {
        updated: String::new(),
        state: "ok".into(),
        message: String::new(),
        current: None,
        audience: String::new(),
        source: String::new(),
        last_trigger: None,
        errors: Vec::new(),
        held_back: Vec::new(),
        next_wake: None,
        next_wake_reason: None,
        pid: std::process::id(),
        public: None,
    });
    s.updated = journal::now_rfc3339();
    s.state = "ok".into();
    s.message = message;
    s.current = Some(target.clone());
    s.last_trigger = Some(Trigger::Rollback);
    s.errors.clear();
    save_status(store, &s);
    log("info", "rollback", &[("id", target.clone()), ("previous", current.clone().unwrap_or_default())], &entry.message);
    Ok((target, current))
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
