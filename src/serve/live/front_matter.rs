//! The front-matter path: one existing page's front matter changed (title, date,
//! tags, description, weight, `[extra]`, …) but not what decides its URL, its
//! visibility, its kind, its template or what compliance, dues and study plans read.
//! The page is assembled again from its file alone, its section's order and the
//! taxonomies are computed again, and only the outputs that can show it are
//! rendered: the page, the pages next to it (上一篇/下一篇, before and after), its
//! section's lists, its old and new taxonomy terms and the taxonomy lists, the
//! archive, the feed, the sitemap and every output of a template that reads other
//! pages. Anything else (or any problem) falls through to a full build, which also
//! reports the errors.

use super::*;
use crate::site::model::Page;

/// Front matter tables read as data: compliance counts, ledgers, plans.
const DATA_KEYS: &[&str] = &[
    "counts",
    "requirements",
    "counts_as",
    "meeting",
    "period",
    "rows",
    "sessions",
    "remitted",
    "ledger",
    "table",
    "sheet",
    "year",
    "catalogue",
    "discloses",
    "公开事项",
    "report",
    "报告",
];

/// What the edit may not change for the incremental path to be exact.
fn same_place(old: &Page, new: &Page) -> bool {
    let data = |p: &Page| DATA_KEYS.iter().map(|k| p.extra.get(*k).cloned()).collect::<Vec<_>>();
    // Checklists' prose, dues ledgers and study plans feed views built once per build.
    let kind_ok = !matches!(new.kind, Some(Kind::Checklist | Kind::Dues | Kind::StudyPlan));
    // An activity's date is a compliance fact.
    let date_ok = new.kind != Some(Kind::Activity) || old.date == new.date;
    kind_ok
        && date_ok
        && old.kind == new.kind
        && old.path == new.path
        && old.slug == new.slug
        && old.hidden == new.hidden
        && old.draft == new.draft
        && old.expired == new.expired
        && old.scheduled == new.scheduled
        && old.scope == new.scope
        && old.unit == new.unit
        && old.template == new.template
        && data(old) == data(new)
}

impl Live {
    /// `None`: not eligible, build fully.
    pub(super) fn front_matter(&mut self, rel: &str) -> Option<Outcome> {
        if self.failing {
            return None;
        }
        let root = self.req.root.clone();
        let built = self.built.as_mut()?;
        let Some(&Item::Page(i)) = built.site.by_rel.get(rel) else { return None };
        let old = &built.site.pages[i];
        let template = old.template.clone().or_else(|| built.site.sections[old.section].page_template.clone()).unwrap_or_else(|| "page.html".into());
        // Pages that read other pages would all render again, and their HTML is not kept.
        if !old.visible() || built.templates.reads.other_pages.contains(&template) {
            return None;
        }
        let src = read_source(&root, rel)?;
        let header = hash(&src.text[..src.body_start]);
        let rendered = render_body(&built.site, i, &src)?;
        // Today's clock, as a full build would use: a page that expired meanwhile is not this path's.
        let (page, diags) = site::page_from_source(&built.site, i, src, self.req.opts);
        let mut page = page.filter(|p| diags.is_empty() && same_place(old, p) && super::dependents::same_disclosure(&built.site, old, p))?;
        let known: HashSet<&str> = built.site.config.taxonomies.iter().map(|t| t.name.as_str()).collect();
        if !page.taxonomies.keys().all(|t| known.contains(t.as_str())) {
            return None;
        }
        page.rendered = rendered;
        page.assets = old.assets.clone();
        let mut parts = built.lookup.take()?;
        let Some(site) = Arc::get_mut(&mut built.site) else {
            built.lookup = Some(parts);
            return None;
        };
        let (old, diags) = site::replace_page(site, i, page);
        let revert = |site: &mut Site, old: Page| {
            site::replace_page(site, i, old);
        };
        // Its links; anchors into it from other pages when its headings changed.
        let headings_changed = {
            let (a, b) = (&old.rendered.headings, &site.pages[i].rendered.headings);
            a.len() != b.len() || a.iter().zip(b).any(|(x, y)| x.id != y.id)
        };
        let problems = site.link_problems_of(&|s, r| s.rel == rel || (headings_changed && r.anchor_checks.iter().any(|c| c.target == rel)));
        if !diags.is_empty() || !problems.is_empty() {
            revert(site, old);
            built.lookup = Some(parts);
            return None;
        }
        // atom.xml needs the HTML of its pages: only the old feed's is kept.
        let feed: HashSet<usize> = render::dated_visible(site).into_iter().filter(|&p| site.pages[p].listed()).take(render::FEED_SIZE).collect();
        let neighbours = render::view::neighbours(site);
        let mut pages = vec![i];
        pages.extend(
            (0..site.pages.len()).filter(|&p| p != i && (neighbours[p] != built.neighbours[p] || neighbours[p].0 == Some(i) || neighbours[p].1 == Some(i))),
        );
        // Report drafts and catalogue pages that show this page's title.
        let (drafts, catalogue_outputs) = super::dependents::of(site, rel);
        pages.extend(drafts.into_iter().filter(|d| !pages.contains(d)).collect::<Vec<_>>());
        let bodies: Option<Vec<_>> = pages[1..].iter().map(|&p| self_consistent_body(&root, site, &built.headers, p)).collect();
        let Some(bodies) = bodies.filter(|_| feed.iter().all(|p| *p == i || built.feed.contains(p))) else {
            revert(site, old);
            built.lookup = Some(parts);
            return None;
        };
        for (&p, r) in pages[1..].iter().zip(bodies) {
            site.pages[p].rendered = r;
        }
        site.pages[i].src.release();

        let p = &site.pages[i];
        let sec_path = site.sections[p.section].path.trim_start_matches('/').to_string();
        let mut terms: Vec<String> = Vec::new();
        for (t, names) in old.taxonomies.iter().chain(&p.taxonomies) {
            let tax = site::urls::slugify(t);
            terms.push(format!("{tax}/index.html"));
            terms.extend(names.iter().map(|n| format!("{tax}/{}/", site::urls::slugify(n))));
        }
        // A term's pages (or the term) may be gone: what was under them and is not rendered again.
        let term_outputs = terms.clone();
        parts.terms = render::term_paths(site);
        let recent = render::recent(site);
        let dynamic = &built.templates.reads.other_pages;
        let other = move |output: &str, template: &str| -> bool {
            if matches!(output, "atom.xml" | "sitemap.xml")
                || output.starts_with("archive/")
                || dynamic.contains(template)
                || catalogue_outputs.iter().any(|o| o == output)
            {
                return true;
            }
            let list_of_section = output
                .strip_prefix(sec_path.as_str())
                .is_some_and(|rest| rest == "index.html" || (rest.starts_with("page/") && rest[5..].trim_end_matches("/index.html").parse::<usize>().is_ok()));
            list_of_section || terms.iter().any(|t| output.starts_with(t.as_str()))
        };
        let sink = StoreSink::new(built.store.clone());
        let lookup = Arc::new(parts.into_lookup(&built.site));
        let mut diags = Diagnostics::default();
        {
            let mut t = built.templates.clone();
            register_functions(&mut t.tera, lookup.clone());
            let select = Select::Some { pages: &pages, other: &other, recent: &recent, neighbours: &neighbours };
            diags.extend(render::render_outputs(&built.site, &t, &Summaries::OnDemand, &select, &sink));
        }
        built.lookup = Some(LookupParts::from_lookup(Arc::try_unwrap(lookup).ok()?));
        let site = Arc::get_mut(&mut built.site)?;
        for &p in pages.iter().filter(|p| !feed.contains(p)) {
            if site.pages[p].src.word.is_none() {
                site.pages[p].rendered.html = String::new();
            }
        }
        if diags.has_errors() {
            revert(site, old);
            built.lookup.as_mut()?.terms = render::term_paths(site);
            return None;
        }
        built.headers.insert(rel.to_string(), header);
        built.feed = feed;
        built.recent = recent;
        built.neighbours = neighbours;
        let new = sink.outputs.into_inner().expect("sink");
        let gone: Vec<String> = {
            let outputs = self.served.outputs.read().expect("outputs");
            outputs
                .keys()
                .filter(|k| {
                    !new.contains_key(*k)
                        && ((k.starts_with("archive/") && k.ends_with("index.html")) || term_outputs.iter().any(|t| k.starts_with(t.as_str())))
                })
                .cloned()
                .collect()
        };
        let changed = self.swap_some(new, &gone);
        let n = changed.len();
        self.succeeded(changed, false, &diags);
        release_free_memory();
        self.compact_store();
        Some(Outcome { how: How::FrontMatter, changed: n, diags, millis: 0.0 })
    }
}

/// Page `p`'s Markdown rendered again from its file, which must be as the last
/// build read it (its front matter unchanged): `None` otherwise.
fn self_consistent_body(root: &Path, site: &Site, headers: &HashMap<String, u64>, p: usize) -> Option<crate::content::markdown::Rendered> {
    // A Word page's HTML is kept (full.rs); its file changing is a full build of its own.
    if site.pages[p].src.word.is_some() {
        return Some(site.pages[p].rendered.clone());
    }
    let rel = &site.pages[p].src.rel;
    let src = read_source(root, rel)?;
    (headers.get(rel) == Some(&hash(&src.text[..src.body_start]))).then_some(())?;
    render_body(site, p, &src)
}
