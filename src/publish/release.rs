//! One publish attempt: build the site with the pipeline into a fresh release
//! (hidden staging name until complete) and check it (`prepare`), then swap
//! `current` and record it (`Prepared::finish`, `conclude`).
//! Whatever happens, the live release stays complete: a failed, refused or
//! interrupted build never touches `current`. By default a page with errors holds
//! back only itself (`pipeline::stage_isolated`, from the live release's source
//! tree, `kept`); `strict` restores all or nothing.

mod conclude;
mod hooks;

pub use conclude::{note_next_wake, record_crash, rollback};

use super::kept;
use super::log::log;
use super::manifest::{Diff, Held};
use super::record::Problem;
use super::schedule::Trigger;
use super::store::Store;
use super::zone::Zone;
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::pipeline::{self, Previous, Request, Trust};
use crate::site::BuildOptions;
use chrono::NaiveDateTime;
use hooks::{PublishHooks, Skip, State};
use std::collections::HashMap;
use std::path::PathBuf;
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
    /// All or nothing: any error keeps the live release.
    pub strict: bool,
    /// The zone status pages show times in.
    pub zone: Zone,
    /// Write `_发布问题.txt` into the share's unit folders (`portals`).
    pub share_report: bool,
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
        /// The earlier release the drop is counted from, when not the live one.
        reference: Option<String>,
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
    /// Files held back because of their own errors (the rest went out).
    pub problems: Vec<Problem>,
}

impl Attempt {
    /// An attempt that did not run (another portal's source changed first).
    pub fn skipped() -> Attempt {
        Attempt { result: Result::SourceChanged, diags: Diagnostics::default(), next_change: None, held_back: Vec::new(), problems: Vec::new() }
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
    let previous = live_id.as_deref().and_then(|i| kept::Kept::of(store, i));
    let since: HashMap<String, String> =
        super::journal::read_status(store).map(|s| s.problems.into_iter().map(|p| (p.file, p.since)).collect()).unwrap_or_default();
    let hooks = PublishHooks {
        store,
        settings,
        id: &id,
        trigger,
        live: live.as_ref(),
        live_id: live_id.as_deref(),
        live_dir: live_id.as_deref().map(|i| store.release_dir(i)),
        live_kept: previous.as_ref().map(|k| k.root().to_path_buf()),
        newest_digest: newest.map(|m| m.digest.as_str()),
        history: if live.is_some() { super::journal::read(store) } else { Vec::new() },
        now,
        verify,
        since,
        files: Mutex::default(),
        state: Mutex::new(State::default()),
    };
    let req = Request {
        root: settings.source.clone(),
        output: Some(store.release_dir(&id)),
        base_url: settings.base_url.clone(),
        opts: BuildOptions { audience: settings.audience, drafts: false, now, as_of: None },
        // This portal's own record: a page it shows for the first time is published today.
        published: crate::domain::catalogue::FirstPublished { today: Some(now.date()), ..super::first_published::from_entries(&super::journal::read(store)) },
        trust: settings.trust.clone(),
        cache: Some(store.cache_dir()),
    };
    say(settings, "info", "build", &[("id", id.clone()), ("trigger", trigger.id().into())], &format!("开始生成（触发：{}）", trigger.label()));
    let started = std::time::Instant::now();
    let progress = Progress::start(settings.progress);
    let staged = if settings.strict {
        pipeline::stage(&req, read(), &hooks)
    } else {
        pipeline::stage_isolated(&req, read(), &hooks, previous.as_ref().map(|k| k as &dyn Previous)).0
    };
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
        if !summary.written && built.st.kept {
            kept::discard(built.store, &built.id);
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
        if built.st.kept {
            kept::discard(built.store, &built.id);
        }
        let (_, diags) = staged.discard();
        built.st.skip = Some(Skip::SourceChanged);
        built.conclude(false, diags)
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
