//! The page-body path: one page's Markdown changed and nothing else, so only the
//! outputs that can show that page are rendered again.

use super::*;

impl Live {
    /// The fast path: one page's body changed. `None`: not eligible, build fully.
    pub(super) fn page_body(&mut self, rel: &str) -> Option<Outcome> {
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
        // Placeholders left in the text are reported by a full build.
        if !site::records::placeholders::check_source(&src, page.kind).is_empty() {
            return None;
        }
        if !page.visible() {
            return Some(Outcome { how: How::Page, changed: 0, diags: Diagnostics::default(), millis: 0.0 });
        }
        let rendered = render_body(&built.site, i, &src)?;

        let summary_changed = page.rendered.summary != rendered.summary;
        let template = page.template.clone().or_else(|| built.site.sections[page.section].page_template.clone()).unwrap_or_else(|| "page.html".into());
        if summary_changed && built.templates.reads.other_pages.contains(&template) {
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
        let dynamic = &built.templates.reads.other_pages;
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
        self.held.retain(|h| h.file != format!("content/{rel}"));
        self.succeeded(changed, false, &diags);
        // After the browser is told (under a millisecond): 66 → 62 MiB after 10 edits at 10k pages.
        release_free_memory();
        self.compact_store();
        Some(Outcome { how: How::Page, changed: n, diags, millis: 0.0 })
    }
}

/// A page's file read and parsed again; `None` when too big, unreadable or with problems.
pub(super) fn read_source(root: &Path, rel: &str) -> Option<source::Source> {
    // A Word page always builds fully (its images, its sidecar, its conversion).
    if crate::content::docx::extension_of(rel).is_some() {
        return None;
    }
    // Opened following no link: a page that became a link takes the full build,
    // which resolves it inside the site (or refuses it).
    let abs = root.canonicalize().ok()?.join("content").join(rel);
    if std::fs::symlink_metadata(&abs).ok()?.len() > MAX_MARKDOWN_BYTES {
        return None;
    }
    let bytes = crate::io::confine::read(&abs, None).ok()?;
    let (src, diags) = source::parse(rel, &format!("content/{rel}"), &bytes);
    src.filter(|_| diags.is_empty())
}

/// Page `i`'s Markdown rendered from `src`; `None` when it links a different set of
/// attachments (that changes what is published: a full build decides).
pub(super) fn render_body(site: &Site, i: usize, src: &source::Source) -> Option<crate::content::markdown::Rendered> {
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
