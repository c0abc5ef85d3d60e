//! The preview server's model: the last good site, kept in memory, its rendered
//! outputs in a `Store` (a temporary file), patched incrementally when files change.
//!
//! Four ways to rebuild, cheapest first:
//! - **page body** (one page's Markdown changed, its front matter byte for byte the
//!   same): the page's Markdown is rendered again in place and only the outputs
//!   that can show it are rendered: the page itself, `atom.xml` when the page is in
//!   the feed, and — when its summary changed — its section's lists, its taxonomy
//!   terms, the archive and every output of a template that reads other pages
//!   (`recent_pages`, `get_page`, `get_section`). Its links and anchors into it are
//!   checked again. Ineligible edits fall through.
//! - **front matter** of one page, when its URL, visibility, kind and what compliance
//!   reads stay the same: `front_matter.rs`.
//! - **static files** (CSS, images): the static file list is read again; CSS
//!   changes are applied by the browser without a reload.
//! - **full** (other front matter changes, additions, deletions, renames, data files,
//!   templates, config): the whole pipeline runs again into a new store, then the new
//!   outputs are compared with the served ones so only pages that really changed reload.
//!
//! A build with errors never replaces what is served: the errors are published to
//! the browser (overlay) and the terminal, and the last good site stays.

use super::store::Store;
use crate::content::kind::Kind;
use crate::diag::{Diagnostic, Diagnostics};
use crate::io::walk::MAX_MARKDOWN_BYTES;
use crate::pipeline::{self, Request};
use crate::render::functions::{register_functions, Lookup};
use crate::render::theme::{self, StaticFile, Templates};
use crate::render::{self, Select, Sink, Summaries};
use crate::site::{self, source, Item, Site};

mod front_matter;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Instant;

/// One served file: rendered bytes (deflate-compressed, in the build's `Store`),
/// or a file on disk (attachments, static files).
#[derive(Clone)]
pub enum Out {
    Stored {
        store: Arc<Store>,
        at: u64,
        len: u32,
        /// Of the uncompressed bytes: outputs are compared without reading them back.
        hash: u64,
    },
    File(PathBuf),
}

impl Out {
    pub fn from_bytes(store: &Arc<Store>, bytes: &[u8]) -> Result<Out, String> {
        use std::io::Write;
        let mut enc = flate2::write::DeflateEncoder::new(Vec::with_capacity(bytes.len() / 2 + 64), flate2::Compression::fast());
        enc.write_all(bytes).expect("in memory");
        let compressed = enc.finish().expect("in memory");
        let at = store.append(&compressed).map_err(|e| format!("预览服务器无法写入临时文件：{e}"))?;
        Ok(Out::Stored { store: store.clone(), at, len: compressed.len() as u32, hash: hash(bytes) })
    }

    /// The bytes of a rendered output, uncompressed (`None` for a file on disk).
    pub fn rendered(&self) -> Option<std::io::Result<Vec<u8>>> {
        use std::io::Read;
        let Out::Stored { store, at, len, .. } = self else { return None };
        Some(store.read(*at, *len as usize).map(|compressed| {
            let mut out = Vec::with_capacity(compressed.len() * 3);
            flate2::read::DeflateDecoder::new(&compressed[..]).read_to_end(&mut out).expect("compressed by from_bytes");
            out
        }))
    }
}

impl PartialEq for Out {
    fn eq(&self, other: &Out) -> bool {
        match (self, other) {
            (Out::Stored { hash: a, .. }, Out::Stored { hash: b, .. }) => a == b,
            (Out::File(a), Out::File(b)) => a == b,
            _ => false,
        }
    }
}

/// A `Sink` into a `Store`: nothing is written to the site's folders.
pub struct StoreSink {
    pub store: Arc<Store>,
    pub outputs: Mutex<HashMap<String, Out>>,
}

impl StoreSink {
    pub fn new(store: Arc<Store>) -> StoreSink {
        StoreSink { store, outputs: Mutex::new(HashMap::new()) }
    }
}

impl Sink for StoreSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), String> {
        let out = Out::from_bytes(&self.store, bytes)?;
        self.outputs.lock().expect("sink").insert(rel.to_string(), out);
        Ok(())
    }
    fn copy(&self, rel: &str, from: &Path) -> Result<(), String> {
        self.outputs.lock().expect("sink").insert(rel.to_string(), Out::File(from.to_path_buf()));
        Ok(())
    }
}

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

/// The live state the HTTP threads read.
pub struct Status {
    pub build: u64,
    /// The errors of the latest attempt (JSON array), empty when it succeeded.
    pub errors: Arc<String>,
    pub error_count: usize,
    pub history: VecDeque<Change>,
}

/// Everything the HTTP server serves, shared with the rebuild thread.
pub struct Served {
    pub outputs: RwLock<HashMap<String, Out>>,
    pub banners: RwLock<HashMap<String, Banner>>,
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
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            status: Mutex::new(Status { build: 0, errors: Arc::new("[]".into()), error_count: 0, history: VecDeque::new() }),
            changed: Condvar::new(),
        }
    }

    fn publish(&self, outputs: Vec<String>, css: bool, errors: &[Diagnostic]) {
        let mut st = self.status.lock().expect("status");
        st.build += 1;
        let shown: Vec<&Diagnostic> = errors.iter().filter(|d| d.is_error()).collect();
        st.error_count = shown.len();
        st.errors = Arc::new(serde_json::to_string(&shown).expect("diagnostics serialize"));
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

/// `notices/a/index.html` → `/notices/a/`; `atom.xml` → `/atom.xml`.
pub fn site_path(output: &str) -> String {
    format!("/{}", output.strip_suffix("index.html").unwrap_or(output))
}

/// The last good build.
struct Built {
    site: Arc<Site>,
    /// Where this build's outputs are, and where incremental rebuilds append theirs.
    store: Arc<Store>,
    /// Bytes of the store in use when it was last filled (by a full build or `compact_store`).
    store_used: u64,
    /// Templates without functions (registered per render over the current site).
    templates: Templates,
    /// Lookup tables for the template functions, kept between renders.
    lookup: Option<LookupParts>,
    /// Templates that read other pages: `recent_pages`, `get_page`, `get_section`
    /// (directly or through a template they extend, include or import).
    dynamic: HashSet<String>,
    /// Hash of each page's front matter (with its delimiters), by `content/` path.
    headers: HashMap<String, u64>,
    /// Paths (relative to `content/`) the build knew: sources, assets, section
    /// folders and bundles. A vanished path not in here was an editor's temp file.
    known: HashSet<String>,
    /// Pages in `atom.xml`.
    feed: HashSet<usize>,
    /// `render::recent` and `view::neighbours`: dates, titles and visibility only.
    recent: Vec<usize>,
    neighbours: Vec<(Option<usize>, Option<usize>)>,
    statics: HashSet<String>,
}

struct LookupParts {
    paths: HashMap<String, String>,
    sections: HashMap<String, usize>,
    pages: HashMap<String, usize>,
    terms: HashMap<String, HashMap<String, String>>,
}

impl LookupParts {
    /// Summaries are built when asked for: incremental renders read few of them.
    fn into_lookup(self, site: &Arc<Site>) -> Lookup {
        Lookup { paths: self.paths, summaries: Summaries::OnDemand, site: site.clone(), sections: self.sections, pages: self.pages, terms: self.terms }
    }

    fn from_lookup(l: Lookup) -> LookupParts {
        LookupParts { paths: l.paths, sections: l.sections, pages: l.pages, terms: l.terms }
    }
}

/// What one rebuild did, for the terminal.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum How {
    Page,
    /// One page's front matter: the page and what lists it.
    FrontMatter,
    Static,
    Full,
    Nothing,
}

pub struct Outcome {
    pub how: How,
    pub changed: usize,
    pub diags: Diagnostics,
    pub millis: f64,
}

pub struct Live {
    req: Request,
    pub served: Arc<Served>,
    built: Option<Built>,
    /// The errors being shown came from a page-body edit of this file alone.
    fast_error: Option<String>,
    failing: bool,
}

impl Live {
    pub fn new(req: Request, served: Arc<Served>) -> Live {
        Live { req, served, built: None, fast_error: None, failing: false }
    }

    pub fn set_now(&mut self, now: chrono::NaiveDateTime) {
        self.req.opts.now = now;
    }

    /// Rebuilds after `changed` (paths relative to the site root, `/`-separated);
    /// empty: build everything.
    pub fn rebuild(&mut self, changed: &[String]) -> Outcome {
        let started = Instant::now();
        let mut out = self.rebuild_inner(changed);
        out.millis = started.elapsed().as_secs_f64() * 1000.0;
        out
    }

    fn rebuild_inner(&mut self, changed: &[String]) -> Outcome {
        let Some(built) = &self.built else { return self.full() };
        let changed: Vec<&String> = changed.iter().filter(|p| !self.transient(built, p)).collect();
        if changed.is_empty() {
            return Outcome { how: How::Nothing, changed: 0, diags: Diagnostics::default(), millis: 0.0 };
        }
        if !self.failing && changed.iter().all(|p| is_static(p)) {
            return self.statics(changed.iter().any(|p| p.ends_with(".css")));
        }
        if let [one] = changed[..] {
            if let Some(rel) = one.strip_prefix("content/") {
                if let Some(out) = self.page_body(rel).or_else(|| self.front_matter(rel)) {
                    return out;
                }
            }
        }
        self.full()
    }

    /// A path that neither exists now nor existed in the last build: an editor's
    /// temporary file (vim's `4913`, a write-rename's temp name) that came and went.
    fn transient(&self, built: &Built, path: &str) -> bool {
        // While failing, the last attempt may have read files the last good build did not.
        if self.failing || self.req.root.join(path).exists() {
            return false;
        }
        match path.strip_prefix("content/") {
            Some(rel) => !built.known.contains(rel),
            None => false,
        }
    }

    /// Full rebuild into memory; replaces what is served only without errors.
    fn full(&mut self) -> Outcome {
        let (site, mut diags) = pipeline::load_site(&self.req, false);
        let Some(mut site) = site else { return self.failed(diags, None) };
        diags.extend(site.render_markdown());
        let headers = site.pages.iter().map(|p| (p.src.rel.clone(), hash(&p.src.text[..p.src.body_start]))).collect();
        site.release_sources();
        let (templates, d) = theme::load(&self.req.root, &site.config.theme);
        diags.extend(d);
        let Some(templates) = templates.filter(|_| !diags.has_errors()) else { return self.failed(diags, None) };
        let statics_list = theme::static_files(&self.req.root, &site.config.theme);
        let statics: HashSet<String> = statics_list.iter().map(|(r, _)| r.clone()).collect();
        let site = Arc::new(site);
        let summaries = Summaries::all(&site);
        // A new store per full build: what incremental rebuilds appended is dropped with the old one.
        let store = Arc::new(Store::temporary());
        let sink = StoreSink::new(store.clone());
        let lookup = Arc::new(render::lookup(&site, summaries.clone()));
        {
            let mut t = templates.clone();
            register_functions(&mut t.tera, lookup.clone());
            diags.extend(render::render_outputs(&site, &t, &summaries, &Select::All, &sink));
        }
        // Not kept: incremental renders build the few they read (`LookupParts::into_lookup`).
        drop(summaries);
        diags.extend(render::copy_files(&site, statics_list, &sink));
        if diags.has_errors() {
            return self.failed(diags, None);
        }
        let lookup = Arc::try_unwrap(lookup).ok().map(LookupParts::from_lookup);
        let feed: HashSet<usize> = render::dated_visible(&site).into_iter().filter(|&i| site.pages[i].listed()).take(render::FEED_SIZE).collect();
        let mut site = site;
        // Pages are rendered again from their source when they change: only the
        // feed's pages need their HTML again (for atom.xml). A third of the memory.
        if let Some(s) = Arc::get_mut(&mut site) {
            for (_, p) in s.pages.iter_mut().enumerate().filter(|(i, _)| !feed.contains(i)) {
                p.rendered.html = String::new();
            }
            compact_pages(s);
        }
        let new = sink.outputs.into_inner().expect("sink").into_iter().map(|(k, v)| (fresh(&k), v)).collect();
        let changed = self.swap_all(new);
        self.served.banners.write().expect("banners").clone_from(&banners(&site));
        let dynamic = dynamic_templates(&templates);
        let known = known_paths(&site);
        let recent = render::recent(&site);
        let neighbours = render::view::neighbours(&site);
        let store_used = store.len();
        self.built = Some(Built { site, store, store_used, templates, lookup, dynamic, headers, known, feed, statics, recent, neighbours });
        let css = changed.iter().any(|c| c.ends_with(".css"));
        let n = changed.len();
        release_free_memory();
        self.succeeded(changed, css, &diags);
        Outcome { how: How::Full, changed: n, diags, millis: 0.0 }
    }

    /// Replaces every output; returns the ones that differ.
    fn swap_all(&self, new: HashMap<String, Out>) -> Vec<String> {
        let mut outputs = self.served.outputs.write().expect("outputs");
        let mut changed: Vec<String> = new.iter().filter(|(k, v)| outputs.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
        changed.extend(outputs.keys().filter(|k| !new.contains_key(*k)).cloned());
        *outputs = new;
        changed.sort();
        changed
    }

    /// Replaces the outputs an incremental rebuild rendered and removes `gone`;
    /// returns the ones that differ.
    fn swap_some(&self, new: HashMap<String, Out>, gone: &[String]) -> Vec<String> {
        let mut changed = Vec::new();
        let mut outputs = self.served.outputs.write().expect("outputs");
        for k in gone {
            if outputs.remove(k).is_some() {
                changed.push(k.clone());
            }
        }
        for (k, v) in new {
            if outputs.get(&k) != Some(&v) {
                changed.push(k.clone());
                outputs.insert(k, v);
            }
        }
        changed.sort();
        changed
    }

    fn failed(&mut self, mut diags: Diagnostics, fast: Option<String>) -> Outcome {
        diags.sort();
        self.failing = true;
        self.fast_error = fast;
        self.served.publish(Vec::new(), false, &diags.0);
        Outcome { how: How::Full, changed: 0, diags, millis: 0.0 }
    }

    fn succeeded(&mut self, changed: Vec<String>, css: bool, diags: &Diagnostics) {
        self.failing = false;
        self.fast_error = None;
        self.served.publish(changed, css, &diags.0);
    }

    /// Static files changed (and nothing else): list them again, nothing to render.
    fn statics(&mut self, css: bool) -> Outcome {
        let built = self.built.as_mut().expect("built");
        let list = theme::static_files(&self.req.root, &built.site.config.theme);
        let now: HashSet<String> = list.iter().map(|(r, _)| r.clone()).collect();
        let mut changed = Vec::new();
        {
            let mut outputs = self.served.outputs.write().expect("outputs");
            for (rel, f) in list {
                let out = match f {
                    StaticFile::Builtin(b) => match Out::from_bytes(&built.store, b) {
                        Ok(out) => out,
                        Err(_) => continue,
                    },
                    StaticFile::Disk(p) => Out::File(p),
                };
                // Files on disk are served fresh: a changed file is "changed" even
                // when its path is the same.
                if outputs.get(&rel) != Some(&out) || matches!(out, Out::File(_)) {
                    changed.push(rel.clone());
                }
                outputs.insert(rel, out);
            }
            for gone in built.statics.difference(&now) {
                outputs.remove(gone);
                changed.push(gone.clone());
            }
        }
        built.statics = now;
        // Only the CSS is applied in place; other static files (images) reload the page.
        let n = changed.len();
        let changed = if css { changed.into_iter().filter(|c| !c.ends_with(".css")).collect() } else { changed };
        let non_css = !changed.is_empty();
        self.succeeded(if non_css { changed } else { Vec::new() }, css, &Diagnostics::default());
        Outcome { how: How::Static, changed: n, diags: Diagnostics::default(), millis: 0.0 }
    }

    /// The fast path: one page's body changed. `None`: not eligible, build fully.
    fn page_body(&mut self, rel: &str) -> Option<Outcome> {
        if self.failing && self.fast_error.as_deref() != Some(rel) {
            return None;
        }
        let built = self.built.as_mut()?;
        let Some(&Item::Page(i)) = built.site.by_rel.get(rel) else { return None };
        let src = read_source(&self.req.root, rel)?;
        if built.headers.get(rel) != Some(&hash(&src.text[..src.body_start])) {
            return None;
        }
        let page = &built.site.pages[i];
        // A checklist's prose is read for requirements: compliance may change.
        if page.kind == Some(Kind::Checklist) {
            return None;
        }
        if !page.visible() {
            return Some(Outcome { how: How::Page, changed: 0, diags: Diagnostics::default(), millis: 0.0 });
        }
        let rendered = render_body(&built.site, i, &src)?;

        let summary_changed = page.rendered.summary != rendered.summary;
        let template = page.template.clone().or_else(|| built.site.sections[page.section].page_template.clone()).unwrap_or_else(|| "page.html".into());
        if summary_changed && built.dynamic.contains(&template) {
            // Every page would render again, and their HTML is not kept: build fully.
            return None;
        }
        // Patch the site in place: the template functions' lookup must let go of it first.
        let parts = built.lookup.take()?;
        let site = Arc::get_mut(&mut built.site)?;
        let old_src = std::mem::replace(&mut site.pages[i].src, src);
        let old_rendered = std::mem::replace(&mut site.pages[i].rendered, rendered);
        // Links of this page; anchors into it from other pages when its headings changed.
        let headings_changed = {
            let (a, b) = (&old_rendered.headings, &site.pages[i].rendered.headings);
            a.len() != b.len() || a.iter().zip(b).any(|(x, y)| x.id != y.id)
        };
        let mut diags = Diagnostics::default();
        diags.extend(site.link_problems_of(&|s, r| s.rel == rel || (headings_changed && r.anchor_checks.iter().any(|c| c.target == rel))));

        let site = &built.site;
        let p = &site.pages[i];
        let sec_path = site.sections[p.section].path.trim_start_matches('/').to_string();
        let term_paths: Vec<String> =
            p.taxonomies.iter().flat_map(|(t, names)| names.iter().map(move |n| format!("{}/{}/", site::urls::slugify(t), site::urls::slugify(n)))).collect();
        let in_feed = built.feed.contains(&i);
        let dynamic = &built.dynamic;
        let other = move |output: &str, template: &str| -> bool {
            if output == "atom.xml" {
                return in_feed || summary_changed;
            }
            if !summary_changed {
                return false;
            }
            if dynamic.contains(template) || output.starts_with("archive/") {
                return true;
            }
            let list_of_section = output
                .strip_prefix(sec_path.as_str())
                .is_some_and(|rest| rest == "index.html" || (rest.starts_with("page/") && rest[5..].trim_end_matches("/index.html").parse::<usize>().is_ok()));
            list_of_section || term_paths.iter().any(|t| output.starts_with(t.as_str()))
        };
        let pages: &[usize] = std::slice::from_ref(&i);
        let sink = StoreSink::new(built.store.clone());
        let lookup = Arc::new(parts.into_lookup(&built.site));
        {
            let mut t = built.templates.clone();
            register_functions(&mut t.tera, lookup.clone());
            let select = Select::Some { pages, other: &other, recent: &built.recent, neighbours: &built.neighbours };
            diags.extend(render::render_outputs(&built.site, &t, &Summaries::OnDemand, &select, &sink));
        }
        built.lookup = Some(LookupParts::from_lookup(Arc::try_unwrap(lookup).ok()?));
        if diags.has_errors() {
            // Back to the last good page: what is served stays consistent with it.
            let site = Arc::get_mut(&mut built.site)?;
            site.pages[i].src = old_src;
            site.pages[i].rendered = old_rendered;
            return Some(self.failed(diags, Some(rel.to_string())));
        }
        let new = sink.outputs.into_inner().expect("sink");
        let changed = self.swap_some(new, &[]);
        let n = changed.len();
        self.succeeded(changed, false, &diags);
        // After the browser is told (under a millisecond): 66 → 62 MiB after 10 edits at 10k pages.
        release_free_memory();
        self.compact_store();
        Some(Outcome { how: How::Page, changed: n, diags, millis: 0.0 })
    }

    /// Incremental rebuilds append to the store and reclaim nothing: once it is three
    /// times what was in use after the last full build, the served outputs move to a
    /// fresh store (compressed bytes copied as they are) and the old one is freed.
    fn compact_store(&mut self) {
        let Some(built) = self.built.as_mut() else { return };
        if built.store.len() <= 3 * built.store_used.max(1 << 16) {
            return;
        }
        let fresh = Arc::new(Store::temporary());
        let mut moved = HashMap::new();
        {
            let outputs = self.served.outputs.read().expect("outputs");
            for (k, out) in outputs.iter() {
                let Out::Stored { store, at, len, hash } = out else { continue };
                let Ok(at) = store.read(*at, *len as usize).and_then(|bytes| fresh.append(&bytes)) else { return };
                moved.insert(k.clone(), Out::Stored { store: fresh.clone(), at, len: *len, hash: *hash });
            }
        }
        self.served.outputs.write().expect("outputs").extend(moved);
        built.store_used = fresh.len();
        built.store = fresh;
    }

    /// Bytes written to the current store (outputs replaced since included).
    pub fn store_bytes(&self) -> u64 {
        self.built.as_ref().map_or(0, |b| b.store.len())
    }
}

// Links mimalloc's C library also into binaries that use this library without
// making it their allocator (the tests): `mi_collect` is then a harmless no-op.
extern crate mimalloc as _;

extern "C" {
    /// mimalloc (the global allocator, linked through the `mimalloc` crate).
    fn mi_collect(force: bool);
}

/// Returns the memory a rebuild freed to the OS: mimalloc keeps freed pages per
/// thread until that thread allocates again, and rayon's workers then sit idle.
fn release_free_memory() {
    // SAFETY: mi_collect only walks the calling thread's own heap.
    rayon::broadcast(|_| unsafe { mi_collect(true) });
    unsafe { mi_collect(true) };
}

/// Moves what the server keeps of every page into fresh allocations made by this
/// thread. The full build's short-lived allocations, on every thread, sat between
/// them, and the allocator returns to the OS only pages no live object sits on:
/// 63–66 → 47–53 MiB resident at 10,000 pages, for a few milliseconds.
fn compact_pages(site: &mut Site) {
    for p in &mut site.pages {
        p.title = fresh(&p.title);
        p.description = fresh(&p.description);
        p.extra = fresh(&p.extra);
        p.taxonomies = fresh(&p.taxonomies);
        p.path = fresh(&p.path);
        p.slug = fresh(&p.slug);
        p.unit = fresh(&p.unit);
        p.assets = fresh(&p.assets);
        p.src.rel = fresh(&p.src.rel);
        p.src.display = fresh(&p.src.display);
        let r = &mut p.rendered;
        r.summary = fresh(&r.summary);
        r.headings = fresh(&r.headings);
        r.anchor_checks = fresh(&r.anchor_checks);
    }
}

/// A copy in new allocations (not `clone_from`, which would reuse the old ones).
fn fresh<T: Clone>(v: &T) -> T {
    v.clone()
}

/// A page's file read and parsed again; `None` when too big, unreadable or with problems.
fn read_source(root: &Path, rel: &str) -> Option<source::Source> {
    let abs = root.join("content").join(rel);
    if std::fs::metadata(&abs).ok()?.len() > MAX_MARKDOWN_BYTES {
        return None;
    }
    let bytes = std::fs::read(&abs).ok()?;
    let (src, diags) = source::parse(rel, &format!("content/{rel}"), &bytes);
    src.filter(|_| diags.is_empty())
}

/// Page `i`'s Markdown rendered from `src`; `None` when it links a different set of
/// attachments (that changes what is published: a full build decides).
fn render_body(site: &Site, i: usize, src: &source::Source) -> Option<crate::content::markdown::Rendered> {
    let page = &site.pages[i];
    let dir = page.bundle.clone().unwrap_or_else(|| site::parent(&src.rel).to_string());
    let links = site::links::PageLinks::new(site, dir);
    let rendered = crate::content::markdown::render(src.body(), &links);
    let mut before: Vec<usize> = site.assets.iter().enumerate().filter(|(_, a)| a.linked_by.contains(&i)).map(|(k, _)| k).collect();
    let mut after = links.linked_assets.into_inner();
    before.sort_unstable();
    before.dedup();
    after.sort_unstable();
    after.dedup();
    (before == after).then_some(rendered)
}

fn hash(s: &(impl Hash + ?Sized)) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// `static/…` or `themes/<name>/static/…`.
fn is_static(path: &str) -> bool {
    path.starts_with("static/") || (path.starts_with("themes/") && path.split('/').nth(2) == Some("static"))
}

fn banners(site: &Site) -> HashMap<String, Banner> {
    site.pages
        .iter()
        .filter(|p| p.visible())
        .filter_map(|p| {
            let b = if p.draft {
                Banner::Draft
            } else if p.scheduled {
                Banner::Scheduled
            } else if p.expired {
                Banner::Expired
            } else {
                return None;
            };
            Some((format!("{}index.html", p.path.trim_start_matches('/')), b))
        })
        .collect()
}

fn known_paths(site: &Site) -> HashSet<String> {
    let mut known: HashSet<String> = site.by_rel.keys().cloned().collect();
    known.extend(site.sections.iter().map(|s| s.dir.clone()));
    known.extend(site.pages.iter().filter_map(|p| p.bundle.clone()));
    known
}

/// Templates whose output depends on other pages' summaries: they read
/// `recent_pages`, `get_page` or `get_section`, directly or through another template.
fn dynamic_templates(t: &Templates) -> HashSet<String> {
    t.mentioning(&["recent_pages", "get_page", "get_section"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_references_and_static_paths() {
        assert!(is_static("static/css/a.css") && is_static("themes/default/static/css/site.css"));
        assert!(!is_static("themes/default/templates/page.html") && !is_static("content/static/a.md"));
        assert_eq!(site_path("notices/a/index.html"), "/notices/a/");
        assert_eq!(site_path("index.html"), "/");
        assert_eq!(site_path("atom.xml"), "/atom.xml");
    }
}
