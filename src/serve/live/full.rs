//! The full rebuild: the whole pipeline into a new store, outputs compared by
//! hash with the served ones, and the memory the build used handed back.

use super::*;

impl Live {
    /// Full rebuild into memory; replaces what is served only without site-wide
    /// errors. A file with errors of its own is held back (`pipeline::prepare_isolated`,
    /// nothing before: left out of the build); its page keeps its last good output.
    pub(super) fn full(&mut self) -> Outcome {
        let input = pipeline::read_input(&self.req.root, &self.req.trust);
        let (site, mut diags, held) = pipeline::prepare_isolated(&self.req, input, &pipeline::NoHooks, None, false);
        let Some(mut site) = site else { return self.failed(diags, None) };
        if diags.has_errors() {
            return self.failed(diags, None);
        }
        // Reported with everything else, whatever comes of the build.
        let held_errors: Vec<crate::diag::Diagnostic> = held.iter().flat_map(|h| h.diags.iter().filter(|d| d.is_error()).cloned()).collect();
        let headers = site.pages.iter().map(|p| (p.src.rel.clone(), hash(&p.src.text[..p.src.body_start]))).collect();
        site.release_sources();
        let code = self.req.trust.code.as_deref();
        let (templates, d) = theme::load(code, &site.config.theme, &site.config.security);
        diags.extend(d);
        let (statics_list, d) = theme::static_files(code, &site.config.theme, &site.config.security);
        diags.extend(d);
        let Some(templates) = templates.filter(|_| !diags.has_errors()) else {
            diags.extend(held_errors);
            return self.failed(diags, None);
        };
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
        // The lookup's copy goes too, before the search index (a build's peak of memory).
        drop(summaries);
        let lookup = Arc::try_unwrap(lookup).ok().map(LookupParts::from_lookup);
        diags.extend(render::copy_files(&site, statics_list, &sink));
        diags.extend(render::write_search_index(&site, &sink));
        if diags.has_errors() {
            diags.extend(held_errors);
            return self.failed(diags, None);
        }
        let feed: HashSet<usize> = render::dated_visible(&site).into_iter().filter(|&i| site.pages[i].listed()).take(render::FEED_SIZE).collect();
        let mut site = site;
        // Pages are rendered again from their source when they change: only the
        // feed's pages need their HTML again (for atom.xml). A third of the memory.
        // A Word page keeps it: it is not rendered again from its file but on a full build.
        if let Some(s) = Arc::get_mut(&mut site) {
            for (_, p) in s.pages.iter_mut().enumerate().filter(|(i, p)| !feed.contains(i) && p.src.word.is_none()) {
                p.rendered.html = String::new();
            }
            compact_pages(s);
        }
        let mut new: HashMap<String, Out> = sink.outputs.into_inner().expect("sink").into_iter().map(|(k, v)| (fresh(&k), v)).collect();
        let held: Vec<HeldView> = held
            .into_iter()
            .map(|h| {
                let path = h.path.clone().or_else(|| self.page_path(&h.file));
                HeldView { file: format!("content/{}{}", h.file, if h.folder { "/" } else { "" }), path, diags: h.diags }
            })
            .collect();
        self.keep_held_outputs(&held, &mut new);
        diags.extend(held_errors);
        diags.sort();
        self.held = held;
        let changed = self.swap_all(new);
        self.served.banners.write().expect("banners").clone_from(&banners(&site));
        *self.served.notes.write().expect("notes") = crate::site::notes::officer_notes(&site)
            .into_iter()
            .map(|(p, notes)| (format!("{}index.html", site.pages[p].path.trim_start_matches('/')), notes))
            .collect();
        let known = known_paths(&site);
        let recent = render::recent(&site);
        let neighbours = render::view::neighbours(&site);
        let store_used = store.len();
        self.built = Some(Built { site, store, store_used, templates, lookup, headers, known, feed, statics, recent, neighbours });
        let css = changed.iter().any(|c| c.ends_with(".css"));
        let n = changed.len();
        release_free_memory();
        self.succeeded(changed, css, &diags);
        Outcome { how: How::Full, changed: n, diags, millis: 0.0 }
    }
}

impl Live {
    /// A held-back page keeps what was served at its path (its last good version).
    fn keep_held_outputs(&self, held: &[HeldView], new: &mut HashMap<String, Out>) {
        let served = self.served.outputs.read().expect("outputs");
        for path in held.iter().filter_map(|h| h.path.as_deref()) {
            let key = format!("{}index.html", path.trim_start_matches('/'));
            if let (false, Some(old)) = (new.contains_key(&key), served.get(&key)) {
                new.insert(key, old.clone());
            }
        }
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
pub(super) fn release_free_memory() {
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
