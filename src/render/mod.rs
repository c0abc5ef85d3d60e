//! Rendering: a finished `Site` + templates → output files, in parallel. Every
//! template problem is collected (once per template and message, with how many
//! pages it hit), never stopping at the first.

pub mod catalogue;
pub mod catalogue_export;
pub mod compliance;
mod compliance_matrix;
mod compliance_page;
pub mod compliance_shared;
mod compliance_svg;
pub mod disclosures;
pub mod docx;
pub mod draft;
pub mod draft_page;
pub mod functions;
pub mod held;
mod nav;
mod output_key;
pub mod parts;
pub mod search;
mod sink;
mod summaries;
pub mod theme;
mod timing;
pub mod view;
mod word_media;

use crate::diag::Diagnostic;
use crate::site::urls::{depth_of, finalize, marker, slugify, UrlStyle};
use crate::site::Site;
use functions::Lookup;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
pub use sink::{write_keyed, AfterCommit, NullSink, Sink};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
pub use summaries::Summaries;
use theme::{StaticFile, Templates};
use timing::Profile;
pub(crate) use timing::{memory_mib, process_cpu_seconds, timings, Timer};

/// Writes `bytes` at `rel`, or keeps the last build's file there when it has the
/// same bytes (by their 128-bit hash): no read of the old file, no write.
pub fn write_or_keep(sink: &dyn Sink, rel: &str, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
    if !sink.keyed() {
        return sink.write(rel, bytes);
    }
    write_keyed(sink, rel, output_key::of_bytes(bytes), bytes)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Html,
    /// Feeds and sitemaps: absolute URLs.
    Xml,
    Text,
}

struct Job<'a> {
    output: String,
    template: String,
    /// Source file shown in error messages.
    origin: String,
    vars: Box<dyn Fn() -> Map<String, Value> + Send + Sync + 'a>,
    form: Form,
}

fn index_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

thread_local! {
    /// Each render thread's output buffer, reused from output to output.
    static RENDER_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Largest render buffer kept for the next output (bytes).
const KEPT_BUFFER: usize = 1 << 20;

pub const FEED_SIZE: usize = 20;
/// Newest pages offered to every template as `recent_pages` (the home's 最新公开).
pub const RECENT_SIZE: usize = 10;

pub fn render_site(shared: &Arc<Site>, mut templates: Templates, statics: Vec<(String, StaticFile)>, sink: &dyn Sink) -> Vec<Diagnostic> {
    // A site big enough to keep its HTML on disk (`pipeline::spill`) builds each
    // summary where it is listed instead of holding them all (~1 GiB at 1M pages).
    let mut timer = Timer::new();
    let summaries = if shared.html_store.is_some() { Summaries::OnDemand } else { Summaries::all(shared) };
    functions::register_functions(&mut templates.tera, Arc::new(lookup(shared, summaries.clone())));
    timer.lap("render/summaries");
    let mut diags = render_outputs(shared, &templates, &summaries, &Select::All, sink);
    // The templates' functions hold the summaries too: both go before the index.
    drop((templates, summaries));
    timer.lap("render/outputs");
    diags.extend(write_search_index(shared, sink));
    timer.lap("render/search");
    diags.extend(copy_files(shared, statics, sink));
    timer.lap("render/files");
    diags
}

/// Which outputs `render_outputs` renders: all (a build), or some (the preview
/// server's incremental rebuilds).
pub enum Select<'a> {
    All,
    Some {
        /// Pages whose own output is rendered.
        pages: &'a [usize],
        /// Every other output (lists, taxonomies, feeds, compliance) by output file
        /// and template name.
        other: &'a (dyn Fn(&str, &str) -> bool + Sync),
        /// `recent(site)` and `view::neighbours(site)`, kept from the last full
        /// render (they depend only on dates, titles and visibility).
        recent: &'a [usize],
        neighbours: &'a [(Option<usize>, Option<usize>)],
    },
}

/// The pages of `recent_pages`.
pub fn recent(site: &Site) -> Vec<usize> {
    dated_visible(site).into_iter().filter(|&i| site.pages[i].listed()).take(RECENT_SIZE).collect()
}

/// Renders the selected template outputs (not static files or attachments).
/// `templates` must have the functions registered over the same `summaries`.
pub fn render_outputs(site: &Site, templates: &Templates, summaries: &Summaries, select: &Select, sink: &dyn Sink) -> Vec<Diagnostic> {
    let mut timer = Timer::new();
    let globals = globals(site);
    // Only into the templates that read it (`Reads::nav`): it has every top-level unit.
    let nav = Value::Array(nav::sections(site).map(|s| json!({ "title": s.title, "url": marker(&s.path), "path": s.path })).collect());
    let (all_recent, all_neighbours);
    let (recent, neighbours, only) = match select {
        Select::All => {
            all_recent = recent(site);
            all_neighbours = view::neighbours(site);
            (&all_recent[..], &all_neighbours[..], None)
        }
        Select::Some { pages, recent, neighbours, .. } => (*recent, *neighbours, Some(*pages)),
    };
    // Offered to every template, but copied only into those that can read it
    // (the home page, in the default theme): a copy per page adds up at 100k pages.
    let recent = Value::Array(recent.iter().map(|&i| summaries.get(site, i)).collect());
    // Templates that read other pages' summaries through functions are always rendered.
    let keys = sink.keyed().then(|| output_key::Keys::new(site, templates, &allowed_env(site)));
    let keys = keys.as_ref();
    // Outputs that may be kept are keyed with marks in place of the summaries.
    let marks = keys.map(|_| Arc::new(summaries::Marks::new(site, summaries.clone(), output_key::value_hash)));
    let marked = marks.clone().map(Summaries::Marked);
    let listing = marked.as_ref().unwrap_or(summaries);
    // Compliance cells as data only for themes that read them (`l.cells`).
    let mut jobs = jobs(site, listing, neighbours, only, templates.reads.cells);
    timer.lap("render/keys");
    let reads_recent = &templates.reads.recent;
    let mut downloads = true;
    if let Select::Some { pages, other, .. } = select {
        let first_page = jobs.len() - pages.iter().filter(|&&p| site.pages[p].visible()).count();
        let mut k = 0;
        jobs.retain(|j| {
            k += 1;
            k > first_page || other(&j.output, &j.template)
        });
        downloads = other(compliance::JSON_FILE, "");
    }

    let errors: Mutex<HashMap<(String, String), (String, usize)>> = Mutex::new(HashMap::new());
    let write_errors: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let base_path = site.config.base_path().to_string();
    // The compliance downloads are a few big serial jobs: start them beside the pages.
    let profile = Profile::new();
    let reused = std::sync::atomic::AtomicUsize::new(0);
    let render_pages = || {
        jobs.into_par_iter().for_each(|job| {
            let started = std::time::Instant::now();
            let mut vars = globals.clone();
            if templates.reads.nav.contains(&job.template) {
                vars.insert("nav".into(), nav.clone());
            }
            if reads_recent.contains(&job.template) {
                vars.insert("recent_pages".into(), recent.clone());
            }
            vars.insert("current_path".into(), Value::String(format!("/{}", job.output.trim_end_matches("index.html"))));
            vars.insert("current_url".into(), Value::String(marker(job.output.trim_end_matches("index.html"))));
            vars.extend((job.vars)());
            let key = keys.filter(|_| !templates.reads.other_pages.contains(&job.template)).map(|k| k.of(&job.template, &job.output, &vars, marks.as_deref()));
            if key.is_some_and(|k| sink.reuse(&job.output, k)) {
                reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return;
            }
            let mut vars = Value::Object(vars);
            if let Some(m) = &marks {
                m.fill(site, &mut vars);
            }
            let ctx = tera::Context::from_value(vars).expect("an object is a context");
            let prepared = std::time::Instant::now();
            // Rendered as bytes (Tera writes only text, so they are UTF-8) into this
            // thread's buffer: no UTF-8 check of every output byte, no regrowth per page.
            let mut buf = RENDER_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
            buf.clear();
            let rendered = templates.tera.render_to(&job.template, &ctx, &mut buf);
            match rendered {
                Ok(()) => {
                    let style = match job.form {
                        Form::Xml => UrlStyle::Absolute { base_url: &site.config.base_url },
                        _ if site.config.relative_urls => UrlStyle::Relative { depth: depth_of(&job.output) },
                        Form::Text => UrlStyle::Absolute { base_url: &site.config.base_url },
                        Form::Html => UrlStyle::RootRelative { base_path: &base_path },
                    };
                    let text = finalize(&buf, style);
                    let written = match key {
                        Some(k) => sink.write_rendered(&job.output, &text, k),
                        None => sink.write(&job.output, &text),
                    };
                    if let Err(e) = written {
                        write_errors.lock().expect("errors").push(*e);
                    }
                    profile.add(&job.template, started, prepared);
                }
                Err(e) => {
                    let msg = theme::error_chain(&e);
                    let mut map = errors.lock().expect("errors");
                    let entry = map.entry((job.template.clone(), msg)).or_insert((job.origin.clone(), 0));
                    entry.1 += 1;
                }
            }
            // A big list's buffer (an archive, the sitemap) is not kept for the rest of the build.
            if buf.capacity() <= KEPT_BUFFER {
                RENDER_BUFFER.with(|b| *b.borrow_mut() = buf);
            }
        })
    };
    let started = std::time::Instant::now();
    let ((), compliance_diags) = rayon::join(render_pages, || if downloads { write_compliance_files(site, sink, &profile) } else { Vec::new() });
    if timings() {
        eprintln!("timing pages {:.3} {}", started.elapsed().as_secs_f64(), memory_mib());
        if keys.is_some() {
            eprintln!("timing output-memo reused {}", reused.load(std::sync::atomic::Ordering::Relaxed));
        }
    }
    profile.print();

    let mut diags: Vec<Diagnostic> =
        errors.into_inner().expect("errors").into_iter().map(|((t, m), (origin, n))| template_runtime_error(templates, &t, &m, &origin, n)).collect();
    diags.extend(write_errors.into_inner().expect("errors"));
    diags.extend(compliance_diags);
    diags.extend(draft_page::write_files(site, only, sink));
    diags
}

/// Writes the search index (`search::write_index`), timed for `DWGK_TIMINGS`. Run
/// after the pages, not beside them: the index is parallel itself, and run alone
/// its time is its cost (bench/search.py). Callers drop the page summaries first:
/// the index is the build's peak of memory. The preview server's incremental
/// renders leave the index as the last full build wrote it.
pub fn write_search_index(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    let (started, cpu) = (std::time::Instant::now(), process_cpu_seconds());
    let (s, diags) = search::write_index(site, sink);
    if timings() {
        eprintln!(
            "timing search-index {:.3} cpu {:.3} docs {} shards {} postings {} shard_bytes {} doc_bytes {} meta_bytes {} {}",
            started.elapsed().as_secs_f64(),
            process_cpu_seconds() - cpu,
            s.docs,
            s.shards,
            s.postings,
            s.shard_bytes,
            s.doc_bytes,
            s.meta_bytes,
            memory_mib()
        );
    }
    diags
}

/// The compliance downloads, when this build shows compliance.
fn write_compliance_files(site: &Site, sink: &dyn Sink, profile: &Profile) -> Vec<Diagnostic> {
    let Some(c) = site.compliance.as_ref().filter(|_| compliance::shown(site)) else { return Vec::new() };
    let all = c.units.shown_order();
    let mut names = vec![compliance::JSON_FILE, compliance::CSV_FILE, compliance::XLSX_FILE];
    if c.catalogue.report.is_some() {
        names.push(catalogue_export::CSV_FILE);
    }
    names
        .into_par_iter()
        .map(|name| {
            let started = std::time::Instant::now();
            let bytes = match name {
                compliance::JSON_FILE => Ok(compliance::to_json(site, c, &c.report, &all, false).into_bytes()),
                compliance::CSV_FILE => Ok(compliance::to_csv(site, c, &c.report, &all).into_bytes()),
                catalogue_export::CSV_FILE => {
                    Ok(c.catalogue.report.as_ref().map_or_else(String::new, |t| catalogue_export::to_csv(site, c, t, &all)).into_bytes())
                }
                _ => compliance::to_xlsx(site, c, &c.years(), c.report.year, &all),
            };
            profile.add(name, started, started);
            (name, bytes)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(name, bytes)| bytes.map_err(|e| Box::new(Diagnostic::error(e))).and_then(|b| sink.write(name, &b)).err().map(|e| *e))
        .collect()
}

pub fn copy_files(site: &Site, statics: Vec<(String, StaticFile)>, sink: &dyn Sink) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (rel, f) in statics {
        let r = match f {
            StaticFile::Builtin(bytes) => sink.write(&rel, bytes),
            StaticFile::Disk(p) => sink.copy(&rel, &p, None),
        };
        if let Err(e) = r {
            diags.push(*e);
        }
    }
    let results: Vec<Result<(), Box<Diagnostic>>> =
        site.assets.par_iter().filter(|a| a.published).map(|a| sink.copy(a.path.trim_start_matches('/'), &a.abs, a.id)).collect();
    diags.extend(results.into_iter().filter_map(Result::err).map(|e| *e));
    diags.extend(word_media::write(site, sink));
    diags
}

/// A runtime template error, located in the template when the message names a variable.
fn template_runtime_error(t: &Templates, template: &str, msg: &str, origin: &str, count: usize) -> Diagnostic {
    let first = msg.lines().last().unwrap_or(msg).trim();
    let pages = if count > 1 { format!("（共 {count} 个页面，例如 {origin}）") } else { format!("（渲染 {origin} 时）") };
    let mut d = Diagnostic::error(format!("模板 {template} 出错：{first}{pages}"));
    let var = first.split('`').nth(1).filter(|_| first.contains("not found"));
    let located = var.and_then(|v| {
        // The failing template first, then the others in name order (stable messages).
        let mut others: Vec<String> = t.sources.keys().cloned().collect();
        others.sort();
        let candidates = std::iter::once(template.to_string()).chain(others);
        candidates.filter_map(|name| t.sources.get(&name).map(|s| (s, s.text.find(v)))).find_map(|(s, off)| off.map(|o| (s, o, v.chars().count())))
    });
    d = match located {
        Some((src, off, len)) => d.file(&src.display).at(&src.text, crate::diag::pos_of(&src.text, off), len),
        None => d.file(t.sources.get(template).map_or(template.to_string(), |s| s.display.clone())),
    };
    if var.is_some() {
        d.hint("模板引用了不存在的变量：检查拼写（可用变量见 docs/templates.md），可能缺失的值用 {% if x %} 或 x | default(value=\"\") 处理")
    } else {
        d.hint("检查模板中这一处的写法（Tera 语法，见 docs/templates.md）")
    }
}

/// The environment variables templates may read (`get_env`), with their values now.
fn allowed_env(site: &Site) -> Vec<(String, Option<String>)> {
    site.config.security.allow_env.iter().map(|n| (n.clone(), std::env::var(n).ok())).collect()
}

fn globals(site: &Site) -> Map<String, Value> {
    let c = &site.config;
    let mut m = Map::new();
    m.insert(
        "config".into(),
        json!({
            "title": c.title, "description": c.description, "base_url": c.base_url, "language": c.language,
            "relative_urls": c.relative_urls, "extra": c.extra, "paginate_by": c.paginate_by,
            "taxonomies": c.taxonomies.iter().map(|t| json!({ "name": t.name })).collect::<Vec<_>>(),
        }),
    );
    m.insert("audience".into(), Value::String(site.opts.audience.id().into()));
    m.insert("build_date".into(), Value::String(site.opts.now.date().format("%Y-%m-%d").to_string()));
    m.insert("home_url".into(), Value::String(marker("/")));
    // What `get_url(path=…)` gives for the outputs and files every page of the default
    // theme links: a lookup instead of a function call per link and page.
    for (name, path) in
        [("feed_url", "atom.xml"), ("search_url", "search/"), ("archive_url", "archive/"), ("stylesheet_url", "css/site.css"), ("favicon_url", "favicon.ico")]
    {
        m.insert(name.into(), Value::String(marker(path)));
    }
    let tags = c.taxonomies.iter().any(|t| t.name == "tags");
    m.insert("tags_url".into(), if tags { Value::String(marker("tags/")) } else { Value::Null });
    let shows = compliance::shown(site);
    m.insert("compliance_url".into(), if shows { Value::String(marker(compliance::PAGE)) } else { Value::Null });
    m
}

pub fn lookup(site: &Arc<Site>, summaries: Summaries) -> Lookup {
    let mut paths = HashMap::new();
    for (rel, item) in &site.by_rel {
        if let Some(p) = view::item_path(site, *item) {
            paths.insert(rel.clone(), p.to_string());
        }
    }
    let mut sections = HashMap::new();
    for (i, s) in site.sections.iter().enumerate().filter(|(_, s)| s.hidden.is_none()) {
        let rel = if s.dir.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", s.dir) };
        sections.insert(rel, i);
    }
    let pages = site.pages.iter().enumerate().filter(|(_, p)| p.visible()).map(|(i, p)| (p.src.rel.clone(), i)).collect();
    Lookup { paths, summaries, site: site.clone(), sections, pages, terms: term_paths(site) }
}

/// Taxonomy name → term name → site path (`get_taxonomy_url`).
pub fn term_paths(site: &Site) -> HashMap<String, HashMap<String, String>> {
    site.taxonomies
        .iter()
        .map(|t| (t.name.clone(), t.terms.iter().map(|term| (term.name.clone(), format!("/{}/{}/", slugify(&t.name), term.slug))).collect()))
        .collect()
}

/// Number of pagers for `total` items, `per` to a pager (0 = one pager).
fn pager_count(total: usize, per: usize) -> usize {
    if per == 0 {
        1
    } else {
        total.div_ceil(per).max(1)
    }
}

fn pager_path(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The `paginator` of pager `n` (1-based) over `items` (page indices).
fn paginator(site: &Site, items: &[usize], summaries: &Summaries, per: usize, base: &str, n: usize) -> Value {
    let pages = pager_count(items.len(), per);
    let chunk: Vec<Value> = items.iter().skip((n - 1) * per).take(per).map(|&i| summaries.get(site, i)).collect();
    let pagers: Vec<Value> = (1..=pages).map(|k| json!({ "index": k, "url": marker(&pager_path(base, k)) })).collect();
    let mut v = json!({
        "current_index": n,
        "number_pagers": pages,
        "paginate_by": per,
        "total_pages": items.len(),
        "first": marker(&pager_path(base, 1)),
        "last": marker(&pager_path(base, pages)),
        "previous": if n > 1 { Value::String(marker(&pager_path(base, n - 1))) } else { Value::Null },
        "next": if n < pages { Value::String(marker(&pager_path(base, n + 1))) } else { Value::Null },
    });
    parts::put(&mut v, [("pages", Value::Array(chunk)), ("pagers", Value::Array(pagers))]);
    v
}

fn vars(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn listed(site: &Site, pages: &[usize]) -> Vec<usize> {
    pages.iter().copied().filter(|&p| site.pages[p].listed()).collect()
}

/// Every output to render. Template variables are built lazily, inside the
/// parallel loop, so only the outputs being rendered are in memory at once.
/// With `only`, page outputs are made for those pages alone (every other output is
/// always listed: they are few).
fn jobs<'a>(
    site: &'a Site,
    summaries: &'a Summaries,
    neighbours: &'a [(Option<usize>, Option<usize>)],
    only: Option<&[usize]>,
    with_cells: bool,
) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job<'a>> = Vec::new();
    for (i, s) in site.sections.iter().enumerate().filter(|(_, s)| s.hidden.is_none()) {
        let template = s.template.clone().unwrap_or_else(|| if i == 0 { "index.html".into() } else { "section.html".into() });
        // A unit's page lists all its disclosures grouped by kind: not paginated
        // unless its `_index.md` asks for it.
        let per = s.paginate_by.unwrap_or(if s.unit.is_some() { 0 } else { site.config.paginate_by });
        let items = Arc::new(listed(site, &s.pages));
        let origin = s.src.as_ref().map_or(format!("content/{}", s.dir), |x| x.display.clone());
        if per == 0 {
            let vars = Box::new(move || {
                let all = Value::Array(items.iter().map(|&p| summaries.get(site, p)).collect());
                vars(vec![("section", view::section_view(site, i, all, &|p| summaries.get(site, p), with_cells)), ("paginator", Value::Null)])
            });
            jobs.push(Job { output: index_file(&s.path), template, origin, vars, form: Form::Html });
            continue;
        }
        // Paginated: `section.pages` stays empty; templates use `paginator.pages`.
        for n in 1..=pager_count(items.len(), per) {
            let items = items.clone();
            let vars = Box::new(move || {
                let view = view::section_view(site, i, Value::Array(Vec::new()), &|p| summaries.get(site, p), with_cells);
                vars(vec![("section", view), ("paginator", paginator(site, &items, summaries, per, &s.path, n))])
            });
            jobs.push(Job { output: index_file(&pager_path(&s.path, n)), template: template.clone(), origin: origin.clone(), vars, form: Form::Html });
        }
    }
    for t in &site.taxonomies {
        let tax_path = format!("/{}/", slugify(&t.name));
        let title = if t.name == "tags" { "标签".to_string() } else { t.name.clone() };
        let taxonomy = json!({ "name": t.name, "title": title, "url": marker(&tax_path) });
        let terms: Vec<Value> = t
            .terms
            .iter()
            .map(|term| json!({ "name": term.name, "url": marker(&format!("{tax_path}{}/", term.slug)), "page_count": term.pages.len() }))
            .collect();
        let home = parts::ancestors(site, Some(0));
        let mut to_taxonomy = home.clone();
        if let Value::Array(a) = &mut to_taxonomy {
            a.push(json!({ "title": title, "url": marker(&tax_path), "path": tax_path }));
        }
        let list_vars = vars(vec![("taxonomy", taxonomy.clone()), ("terms", Value::Array(terms)), ("ancestors", home)]);
        jobs.push(Job {
            output: index_file(&tax_path),
            template: "taxonomy_list.html".into(),
            origin: "config.toml".into(),
            vars: Box::new(move || list_vars.clone()),
            form: Form::Html,
        });
        for term in &t.terms {
            let term_path = format!("{tax_path}{}/", term.slug);
            let per = t.paginate_by;
            for n in 1..=pager_count(term.pages.len(), per) {
                let (taxonomy, term_path2, ancestors) = (taxonomy.clone(), term_path.clone(), to_taxonomy.clone());
                let vars = Box::new(move || {
                    // Unpaginated: `term.pages` has them all and there is no paginator.
                    let all = if per == 0 { term.pages.iter().map(|&p| summaries.get(site, p)).collect() } else { Vec::new() };
                    let mut term_view = json!({ "name": term.name, "url": marker(&term_path2), "page_count": term.pages.len() });
                    parts::put(&mut term_view, [("pages", Value::Array(all))]);
                    let pager = if per == 0 { Value::Null } else { paginator(site, &term.pages, summaries, per, &term_path2, n) };
                    vars(vec![("taxonomy", taxonomy.clone()), ("term", term_view), ("paginator", pager), ("ancestors", ancestors.clone())])
                });
                jobs.push(Job {
                    output: index_file(&pager_path(&term_path, n)),
                    template: "taxonomy_single.html".into(),
                    origin: "config.toml".into(),
                    vars,
                    form: Form::Html,
                });
            }
        }
    }
    if let Some(c) = site.compliance.as_ref().filter(|_| compliance::shown(site)) {
        jobs.push(Job {
            output: index_file(compliance::PAGE),
            template: "compliance.html".into(),
            origin: "compliance".into(),
            vars: Box::new(move || vars(vec![("compliance", compliance_page::page_view(site, c)), ("held_back", held::view(site, c))])),
            form: Form::Html,
        });
    }
    catalogue::jobs(site, &mut jobs);
    let fixed: [(&str, &str, Form); 6] = [
        ("archive/index.html", "archive.html", Form::Html),
        ("search/index.html", "search.html", Form::Html),
        ("404.html", "404.html", Form::Html),
        ("robots.txt", "robots.txt", Form::Text),
        ("atom.xml", "atom.xml", Form::Xml),
        ("sitemap.xml", "sitemap.xml", Form::Xml),
    ];
    // The archive: an index of years, one page per year (a page listing 100k pages
    // would be tens of MB).
    let years = Arc::new(archive_years(site));
    for k in 0..years.len() {
        let years = years.clone();
        jobs.push(Job {
            output: index_file(&archive_year_path(years[k].0)),
            template: "archive_year.html".into(),
            origin: "archive".into(),
            vars: Box::new(move || {
                let (year, pages) = &years[k];
                let mut y = year_view(*year, pages.len());
                parts::put(&mut y, [("pages", Value::Array(pages.iter().map(|&i| summaries.get(site, i)).collect()))]);
                let mut ancestors = parts::ancestors(site, Some(0));
                if let Value::Array(a) = &mut ancestors {
                    a.push(json!({ "title": "归档", "url": marker("/archive/"), "path": "/archive/" }));
                }
                vars(vec![("archive", archive_index(site, summaries, &years, false)), ("year", y), ("ancestors", ancestors)])
            }),
            form: Form::Html,
        });
    }
    for (output, template, form) in fixed {
        let years = years.clone();
        let vars: Box<dyn Fn() -> Map<String, Value> + Send + Sync + 'a> = match template {
            "archive.html" => {
                Box::new(move || vars(vec![("archive", archive_index(site, summaries, &years, true)), ("ancestors", parts::ancestors(site, Some(0)))]))
            }
            "atom.xml" => Box::new(move || {
                let (feed_pages, last_updated) = feed(site, summaries);
                vars(vec![("feed_pages", feed_pages), ("last_updated", last_updated)])
            }),
            "sitemap.xml" => Box::new(move || vars(vec![("entries", sitemap(site))])),
            "search.html" => Box::new(move || vars(vec![("ancestors", parts::ancestors(site, Some(0)))])),
            _ => Box::new(Map::new),
        };
        jobs.push(Job { output: output.into(), template: template.into(), origin: output.into(), vars, form });
    }
    // Big lists (archive, sitemap, terms, sections) first, the many small pages after:
    // work stealing then keeps both cores busy to the end instead of one finishing a
    // 100k-entry archive alone.
    jobs.reverse();
    let all: Vec<usize>;
    let pages = match only {
        Some(o) => o,
        None => {
            all = (0..site.pages.len()).collect();
            &all
        }
    };
    for (i, p) in pages.iter().map(|&i| (i, &site.pages[i])).filter(|(_, p)| p.visible()) {
        let template = p.template.clone().or_else(|| site.sections[p.section].page_template.clone()).unwrap_or_else(|| "page.html".into());
        jobs.push(Job {
            output: index_file(&p.path),
            template,
            origin: p.src.display.clone(),
            vars: Box::new(move || vars(vec![("page", view::page_full(site, i, neighbours[i]))])),
            form: Form::Html,
        });
    }
    jobs
}

pub fn dated_visible(site: &Site) -> Vec<usize> {
    let mut v: Vec<usize> = (0..site.pages.len()).filter(|&i| site.pages[i].visible() && site.pages[i].date.is_some()).collect();
    v.sort_by(|a, b| site.pages[*b].date.cmp(&site.pages[*a].date).then_with(|| site.pages[*a].src.rel.cmp(&site.pages[*b].src.rel)));
    v
}

/// Dated visible pages by year, newest year first (pages newest first).
fn archive_years(site: &Site) -> Vec<(i32, Vec<usize>)> {
    use chrono::Datelike;
    let mut years: Vec<(i32, Vec<usize>)> = Vec::new();
    for i in dated_visible(site) {
        let y = site.pages[i].date.expect("dated").date.year();
        match years.last_mut() {
            Some((yy, v)) if *yy == y => v.push(i),
            _ => years.push((y, vec![i])),
        }
    }
    years
}

pub fn archive_year_path(year: i32) -> String {
    format!("/archive/{year}/")
}

fn year_view(year: i32, count: usize) -> Value {
    json!({ "year": year, "url": marker(&archive_year_path(year)), "count": count })
}

/// `archive` as templates see it: the years with links and counts, and (on the
/// index page) the pages whose 公示期 has ended.
fn archive_index(site: &Site, summaries: &Summaries, years: &[(i32, Vec<usize>)], with_expired: bool) -> Value {
    let years: Vec<Value> = years.iter().map(|(y, pages)| year_view(*y, pages.len())).collect();
    let expired: Vec<Value> = if with_expired {
        site.pages.iter().enumerate().filter(|(_, p)| p.visible() && p.expired).map(|(i, _)| summaries.get(site, i)).collect()
    } else {
        Vec::new()
    };
    let mut v = json!({});
    parts::put(&mut v, [("years", Value::Array(years)), ("expired", Value::Array(expired))]);
    v
}

fn feed(site: &Site, summaries: &Summaries) -> (Value, Value) {
    let newest: Vec<usize> = dated_visible(site).into_iter().filter(|&i| site.pages[i].listed()).take(FEED_SIZE).collect();
    let last = newest.first().and_then(|&i| site.pages[i].updated.or(site.pages[i].date)).map(|d| d.to_string());
    let items = newest
        .into_iter()
        .map(|i| {
            let mut v = summaries.full(site, i);
            v["content"] = Value::String(site.page_html(i).into_owned());
            v["updated"] = site.pages[i].updated.map_or(Value::Null, |d| Value::String(d.to_string()));
            v
        })
        .collect();
    (Value::Array(items), last.map_or(Value::Null, Value::String))
}

fn sitemap(site: &Site) -> Value {
    let mut entries: Vec<Value> =
        site.sections.iter().filter(|s| s.hidden.is_none()).map(|s| json!({ "url": marker(&s.path), "lastmod": Value::Null })).collect();
    if compliance::shown(site) {
        entries.push(json!({ "url": marker(compliance::PAGE), "lastmod": Value::Null }));
    }
    entries.extend(catalogue::sitemap(site));
    entries.extend(
        site.pages
            .iter()
            .filter(|p| p.visible())
            .map(|p| json!({ "url": marker(&p.path), "lastmod": p.updated.or(p.date).map(|d| d.date.format("%Y-%m-%d").to_string()) })),
    );
    Value::Array(entries)
}
