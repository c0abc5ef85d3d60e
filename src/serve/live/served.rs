//! What the HTTP threads read: every output, the preview banners, the errors and
//! the history of changes the browser is told about.

use super::Out;
use crate::diag::Diagnostic;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};

/// The preview banner of a page that a real build would not show as is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Banner {
    Draft,
    Scheduled,
    Expired,
}

impl Banner {
    pub fn text(self) -> &'static str {
        match self {
            Banner::Draft => "草稿：本页是草稿（draft = true），只在预览中显示，正式生成的网站不包含它",
            Banner::Scheduled => "定时发布：本页尚未到发布时间（publish_date），只在预览中显示",
            Banner::Expired => "已过期：本页公示期已结束（expire_date），正式网站只在“归档”中列出",
        }
    }
}

/// One rebuild as the browser hears of it.
#[derive(Clone, Debug)]
pub struct Change {
    pub build: u64,
    /// Site paths (`/notices/a/`, `/atom.xml`) whose output changed.
    pub paths: Vec<String>,
    pub css: bool,
    /// Too many to list: every page reloads.
    pub all: bool,
}

/// A file the preview holds back because of its own errors (page-level
/// isolation, as `publish` does): its page keeps its last good output and shows
/// the errors; every other page is served in its new version.
#[derive(Clone, Debug)]
pub struct HeldView {
    /// As in messages: `content/notices/a.md`.
    pub file: String,
    /// The page's site path (`/notices/a/`) when known.
    pub path: Option<String>,
    pub diags: Vec<Diagnostic>,
}

/// The live state the HTTP threads read.
pub struct Status {
    pub build: u64,
    /// The site-wide errors of the latest attempt (JSON array), shown on every
    /// page; empty when it succeeded.
    pub errors: Arc<String>,
    pub error_count: usize,
    /// Held-back files (JSON): `{"pages": {path: [errors]}, "files": [{file, path, count}]}`.
    pub held: Arc<String>,
    pub history: VecDeque<Change>,
}

/// Everything the HTTP server serves, shared with the rebuild thread.
pub struct Served {
    pub outputs: RwLock<HashMap<String, Out>>,
    pub banners: RwLock<HashMap<String, Banner>>,
    /// Notes for the officer by output (`site::notes`): shown in the preview only.
    pub notes: RwLock<HashMap<String, Vec<String>>>,
    /// The site folder, canonical: files served from disk must stay inside it.
    pub root: PathBuf,
    pub status: Mutex<Status>,
    pub changed: Condvar,
}

const HISTORY: usize = 64;
/// Above this many changed outputs the browser is told "everything".
const MAX_LISTED: usize = 2000;

impl Served {
    pub fn new(root: &Path) -> Served {
        Served {
            outputs: RwLock::new(HashMap::new()),
            banners: RwLock::new(HashMap::new()),
            notes: RwLock::new(HashMap::new()),
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            status: Mutex::new(Status { build: 0, errors: Arc::new("[]".into()), error_count: 0, held: Arc::new(held_json(&[])), history: VecDeque::new() }),
            changed: Condvar::new(),
        }
    }

    pub(super) fn publish(&self, outputs: Vec<String>, css: bool, errors: &[Diagnostic], held: &[HeldView]) {
        let mut st = self.status.lock().expect("status");
        st.build += 1;
        let shown: Vec<&Diagnostic> = errors.iter().filter(|d| d.is_error()).collect();
        st.error_count = shown.len();
        st.errors = Arc::new(serde_json::to_string(&shown).expect("diagnostics serialize"));
        st.held = Arc::new(held_json(held));
        let all = outputs.len() > MAX_LISTED;
        let paths = if all { Vec::new() } else { outputs.iter().map(|o| site_path(o)).collect() };
        let change = Change { build: st.build, paths, css, all };
        st.history.push_back(change);
        while st.history.len() > HISTORY {
            st.history.pop_front();
        }
        self.changed.notify_all();
    }

    /// Changes after build `since` merged (`None`: too old, reload everything).
    pub fn changes_since(st: &Status, since: u64) -> Option<Change> {
        if since >= st.build {
            return Some(Change { build: st.build, paths: Vec::new(), css: false, all: false });
        }
        if st.history.front().is_none_or(|c| c.build > since + 1) {
            return None;
        }
        let mut out = Change { build: st.build, paths: Vec::new(), css: false, all: false };
        for c in st.history.iter().filter(|c| c.build > since) {
            out.paths.extend(c.paths.iter().cloned());
            out.css |= c.css;
            out.all |= c.all;
        }
        Some(out)
    }
}

fn held_json(held: &[HeldView]) -> String {
    let mut pages = serde_json::Map::new();
    for h in held {
        if let Some(p) = &h.path {
            let list = pages.entry(p.clone()).or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(list) = list {
                list.extend(h.diags.iter().filter(|d| d.is_error()).map(|d| serde_json::to_value(d).expect("diagnostic")));
            }
        }
    }
    let files: Vec<serde_json::Value> =
        held.iter().map(|h| serde_json::json!({ "file": h.file, "path": h.path, "count": h.diags.iter().filter(|d| d.is_error()).count() })).collect();
    serde_json::json!({ "pages": pages, "files": files }).to_string()
}

/// `notices/a/index.html` → `/notices/a/`; `atom.xml` → `/atom.xml`.
pub fn site_path(output: &str) -> String {
    format!("/{}", output.strip_suffix("index.html").unwrap_or(output))
}
