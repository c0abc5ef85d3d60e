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

mod dependents;
mod front_matter;
mod full;
mod out;
mod page_body;
mod served;

use full::release_free_memory;
pub use out::{Out, StoreSink};
use page_body::{read_source, render_body};
pub use served::{site_path, Banner, Change, HeldView, Served, Status};

use super::store::Store;
use crate::content::kind::Kind;
use crate::diag::Diagnostics;
use crate::io::walk::MAX_MARKDOWN_BYTES;
use crate::pipeline::{self, Request};
use crate::render::functions::{register_functions, Lookup};
use crate::render::theme::{self, StaticFile, Templates};
use crate::render::{self, Select, Summaries};
use crate::site::{self, source, Item, Site};

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

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
    /// Files held back because of their own errors: their pages keep their last
    /// good outputs, every other page is served new (as `publish` does).
    held: Vec<HeldView>,
}

impl Live {
    pub fn new(req: Request, served: Arc<Served>) -> Live {
        Live { req, served, built: None, fast_error: None, failing: false, held: Vec::new() }
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

    /// Nothing served changes. A page-body edit with problems of that page only
    /// holds back that page (its errors show on it); anything else is shown on
    /// every page.
    fn failed(&mut self, mut diags: Diagnostics, fast: Option<String>) -> Outcome {
        diags.sort();
        self.failing = true;
        let display = fast.as_ref().map(|rel| format!("content/{rel}"));
        let own = display.as_ref().filter(|_| diags.0.iter().filter(|d| d.is_error()).all(|d| d.content_file().is_some()));
        match own {
            Some(file) => {
                let path = fast.as_deref().and_then(|rel| self.page_path(rel));
                self.held.retain(|h| &h.file != file);
                self.held.push(HeldView { file: file.clone(), path, diags: diags.0.clone() });
                self.served.publish(Vec::new(), false, &[], &self.held);
            }
            None => self.served.publish(Vec::new(), false, &diags.0, &self.held),
        }
        self.fast_error = fast;
        Outcome { how: How::Full, changed: 0, diags, millis: 0.0 }
    }

    /// `diags`: warnings, and the held-back files' errors (shown on their pages).
    fn succeeded(&mut self, changed: Vec<String>, css: bool, diags: &Diagnostics) {
        debug_assert!(diags.0.iter().all(|d| !d.is_error() || d.content_file().is_some()), "site-wide errors never succeed");
        self.failing = false;
        self.fast_error = None;
        self.served.publish(changed, css, &[], &self.held);
    }

    /// How many files are held back because of their own errors.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The site path of the last good build's page made from `content/<rel>`.
    fn page_path(&self, rel: &str) -> Option<String> {
        let site = &self.built.as_ref()?.site;
        match site.by_rel.get(rel) {
            Some(Item::Page(i)) => Some(site.pages[*i].path.clone()),
            Some(Item::Section(i)) => Some(site.sections[*i].path.clone()),
            _ => None,
        }
    }

    /// Static files changed (and nothing else): list them again, nothing to render.
    fn statics(&mut self, css: bool) -> Outcome {
        let config = &self.built.as_ref().expect("built").site.config;
        let (list, problems) = theme::static_files(self.req.trust.code.as_deref(), &config.theme, &config.security);
        if !problems.is_empty() {
            return self.full(); // a link out of static/: the full build reports it
        }
        let built = self.built.as_mut().expect("built");
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

fn hash(s: &(impl Hash + ?Sized)) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// `static/…` or `themes/<name>/static/…`.
fn is_static(path: &str) -> bool {
    path.starts_with("static/") || (path.starts_with("themes/") && path.split('/').nth(2) == Some("static"))
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
