//! Site assembly (pure): sources → sections, pages, attachments, taxonomies, with
//! URLs, visibility and resolved links. The renderer only reads a finished `Site`.

mod assemble;
pub mod check_notes;
pub mod dues;
mod identity;
pub mod isolation;
pub mod links;
pub mod memo;
mod memo_codec;
pub mod model;
pub mod notes;
pub mod order;
pub mod records;
pub mod source;
pub mod study;
pub mod tables;
pub mod urls;
pub mod word;

pub use assemble::{assemble, page_from_source, replace_page, BuildOptions};
use model::*;

use crate::config::Config;
use crate::content::markdown;
use crate::diag::Diagnostic;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Page(usize),
    Section(usize),
    Asset(usize),
}

pub struct Site {
    pub config: Config,
    pub opts: BuildOptions,
    /// `sections[0]` is the home.
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    pub taxonomies: Vec<Taxonomy>,
    /// Source path relative to `content/` → item.
    pub by_rel: HashMap<String, Item>,
    /// Site path (`/notices/a/`, `/notices/a.pdf`) → item; a shown item wins.
    by_path: HashMap<String, Item>,
    /// Units, requirements and the compliance report (after `compute_compliance`).
    pub compliance: Option<records::Compliance>,
    /// Unit id → the section of its folder.
    pub unit_sections: HashMap<String, usize>,
    /// Evaluated dues disclosures by page (after `compute_tables`).
    pub dues: HashMap<usize, dues::Disclosure>,
    /// Study plans by page (after `compute_tables`).
    pub study: HashMap<usize, study::Plan>,
    /// Did-you-mean hints of broken links by target, found once per build: many
    /// pages linking one missing page cost one search of the site, not one each.
    suggestions: std::sync::Mutex<HashMap<String, Option<String>>>,
    /// What page-level fault isolation held back (empty in a strict build).
    pub isolation: isolation::Isolation,
    /// Where pages' rendered HTML is kept as it is made, when the build holds it
    /// out of memory (a very big site: `pipeline::spill`); `None`: in the pages.
    pub html_store: Option<std::sync::Arc<dyn HtmlStore>>,
}

/// Rendered HTML kept outside the site: `put` as each page is rendered, `get`
/// by each output that prints it. A failed `get` gives `None`; the store then
/// reports the failure as a build error (`pipeline::spill`).
pub trait HtmlStore: Send + Sync {
    fn put(&self, html: &str) -> Option<(u64, usize)>;
    fn get(&self, at: u64, len: usize) -> Option<String>;
    /// Why a `get` failed, once one has.
    fn failure(&self) -> Option<String> {
        None
    }
}

impl Site {
    fn new(config: Config, opts: BuildOptions) -> Site {
        Site {
            config,
            opts,
            sections: Vec::new(),
            pages: Vec::new(),
            assets: Vec::new(),
            taxonomies: Vec::new(),
            by_rel: HashMap::new(),
            by_path: HashMap::new(),
            compliance: None,
            unit_sections: HashMap::new(),
            dues: HashMap::new(),
            study: HashMap::new(),
            suggestions: Default::default(),
            isolation: Default::default(),
            html_store: None,
        }
    }

    /// The length of page `i`'s rendered HTML, without reading it back.
    pub fn page_html_len(&self, i: usize) -> usize {
        self.pages[i].stored_html.map_or(self.pages[i].rendered.html.len(), |(_, len)| len)
    }

    /// Page `i`'s rendered HTML, from the page or read back from `html_store`.
    pub fn page_html(&self, i: usize) -> std::borrow::Cow<'_, str> {
        let p = &self.pages[i];
        match (p.stored_html, &self.html_store) {
            (Some((at, len)), Some(store)) => std::borrow::Cow::Owned(store.get(at, len).unwrap_or_default()),
            _ => std::borrow::Cow::Borrowed(&p.rendered.html),
        }
    }

    /// The did-you-mean for a broken link to `target` (relative to `content/`),
    /// from `find` the first time and from memory after that.
    pub fn suggest(&self, target: &str, find: impl FnOnce() -> Option<String>) -> Option<String> {
        if let Some(hit) = self.suggestions.lock().expect("suggestions").get(target) {
            return hit.clone();
        }
        let found = find();
        self.suggestions.lock().expect("suggestions").insert(target.to_string(), found.clone());
        found
    }

    fn index_sources(&mut self) {
        for (i, s) in self.sections.iter().enumerate() {
            let rel = if s.dir.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", s.dir) };
            self.by_rel.insert(rel, Item::Section(i));
        }
        for (i, p) in self.pages.iter().enumerate() {
            self.by_rel.insert(p.src.rel.clone(), Item::Page(i));
        }
        // `@/notices/通知.md` also finds `通知.md.txt` or `通知.MD`.
        for (i, p) in self.pages.iter().enumerate() {
            if let Some(ext) = crate::content::entry::unusual_page_extension(&p.src.rel) {
                let canonical = format!("{}.md", &p.src.rel[..p.src.rel.len() - ext.len()]);
                self.by_rel.entry(canonical).or_insert(Item::Page(i));
            }
        }
        for (i, a) in self.assets.iter().enumerate() {
            self.by_rel.insert(a.rel.clone(), Item::Asset(i));
        }
        for (i, s) in self.sections.iter().enumerate() {
            if let Some(u) = &s.unit {
                self.unit_sections.entry(u.id.clone()).or_insert(i);
            }
        }
        let sections = self.sections.iter().enumerate().map(|(i, s)| (&s.path, Item::Section(i), s.hidden.is_none()));
        let pages = self.pages.iter().enumerate().map(|(i, p)| (&p.path, Item::Page(i), p.visible()));
        let assets = self.assets.iter().enumerate().map(|(i, a)| (&a.path, Item::Asset(i), self.owner_hidden(a.owner).is_none()));
        let mut all: Vec<_> = sections.chain(pages).chain(assets).collect();
        all.sort_by_key(|(_, _, shown)| *shown);
        self.by_path = all.into_iter().map(|(path, item, _)| (path.clone(), item)).collect();
    }

    /// Why the page or folder owning an attachment is not in this build.
    pub fn owner_hidden(&self, owner: Owner) -> Option<model::Hidden> {
        match owner {
            Owner::Page(p) => self.pages[p].hidden,
            Owner::Section(s) => self.sections[s].hidden,
        }
    }

    /// The page, section or attachment at site path `path` (`/notices/a/`,
    /// `/notices/a/index.html`, `/notices/a`).
    pub fn item_at(&self, path: &str) -> Option<Item> {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        self.by_path.get(path).or_else(|| self.by_path.get(&format!("{path}/"))).copied()
    }

    /// The innermost section whose path holds `path`.
    pub fn section_holding(&self, path: &str) -> Option<usize> {
        let mut end = path.len();
        while let Some(i) = path[..end].rfind('/') {
            if let Some(Item::Section(s)) = self.by_path.get(&path[..=i]) {
                return Some(*s);
            }
            end = i;
        }
        None
    }

    /// A path the build makes beside the content: a list's later pages (`…/page/2/`).
    pub fn generated_under(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        parts.windows(2).any(|w| w[0] == "page" && w[1].parse::<u32>().is_ok())
    }

    /// Renders every visible page's and section's Markdown in parallel, resolving
    /// links; then checks `#anchor`s and decides which attachments are published.
    pub fn render_markdown(&mut self) -> Vec<Diagnostic> {
        self.render_markdown_with(&memo::Memo::off())
    }

    /// `render_markdown`, reusing what `memo` kept of an earlier build where the
    /// result must be the same (`site::memo`).
    pub fn render_markdown_with(&mut self, memo: &memo::Memo) -> Vec<Diagnostic> {
        let site: &Site = self;
        let pages: Vec<_> = site
            .pages
            .par_iter()
            .map(|p| {
                if !p.visible() {
                    return (Default::default(), Vec::new(), None);
                }
                let dir = p.bundle.clone().unwrap_or_else(|| parent(&p.src.rel).to_string());
                let links = links::PageLinks::new(site, dir).lenient(site.isolation.is_previous(&p.src.rel));
                let mut r = match p.src.word.as_ref().and_then(|w| w.doc.as_ref()) {
                    Some(doc) => crate::content::docx::html::render(doc, &links, &|name| urls::marker(&format!("{}{name}", p.path))),
                    None => memo.render(&p.src.rel, p.src.body(), &links),
                };
                // Out of memory as soon as it is made: never every page's HTML at once.
                let stored = site.html_store.as_ref().and_then(|s| s.put(&r.html));
                if stored.is_some() {
                    r.html = String::new();
                }
                (r, links.linked_assets.into_inner(), stored)
            })
            .collect();
        let sections: Vec<_> = site
            .sections
            .par_iter()
            .map(|s| match (&s.src, s.hidden) {
                (Some(src), None) => {
                    let links = links::PageLinks::new(site, s.dir.clone()).lenient(site.isolation.is_previous(&src.rel));
                    memo.render(&src.rel, src.body(), &links)
                }
                _ => Default::default(),
            })
            .collect();
        for (i, (r, linked, stored)) in pages.into_iter().enumerate() {
            self.pages[i].stored_html = stored;
            // Sets, not `contains` per link: a page may link thousands of files.
            let owned: HashSet<usize> = self.pages[i].assets.iter().copied().collect();
            let mut seen = HashSet::new();
            for a in linked.into_iter().filter(|&a| seen.insert(a)) {
                self.assets[a].linked_by.push(i);
                if !owned.contains(&a) {
                    self.pages[i].assets.push(a);
                }
            }
            self.pages[i].rendered = r;
        }
        for (i, r) in sections.into_iter().enumerate() {
            self.sections[i].rendered = r;
        }
        let mut diags = self.link_problems();
        diags.extend(self.decide_assets());
        diags.extend(self.check_output_paths());
        word::locate(&self.pages, &mut diags);
        diags
    }

    /// Reads the dues ledgers and study plans from `files` (the contents of
    /// `tables::wanted`). Before `compute_compliance`: done sessions count.
    /// Findings and overdue sessions are warnings.
    pub fn compute_tables(&mut self, files: &tables::Files) -> Vec<Diagnostic> {
        let as_of = self.as_of();
        let (dues, mut diags, findings) = dues::build(self, files);
        let (study, errors, warnings) = study::build(self, files, as_of);
        self.dues = dues;
        self.study = study;
        diags.extend(errors);
        diags.extend(findings);
        diags.extend(warnings);
        diags
    }

    /// The day statuses are judged on: `--as-of`, `[compliance] as_of`, or today.
    pub fn as_of(&self) -> chrono::NaiveDate {
        self.opts.as_of.or(self.config.compliance.as_of).unwrap_or_else(|| self.opts.now.date())
    }

    /// Builds the domain model from the pages and computes the compliance report
    /// and the catalogue's timeliness (`published`: the publisher's journal, read by
    /// the IO shell). With `notes`, also reports overridden requirement declarations
    /// and overdue disclosures (for `check`).
    pub fn compute_compliance(&mut self, notes: bool, published: &crate::domain::catalogue::FirstPublished) -> Vec<Diagnostic> {
        let (c, mut diags, n) = records::build(self, published);
        self.compliance = Some(c);
        if notes {
            diags.extend(n);
        }
        diags
    }

    /// Frees the source texts once Markdown is rendered and links are checked:
    /// nothing later reads them, and on a large site they are a third of memory.
    pub fn release_sources(&mut self) {
        let sources = self.pages.iter_mut().map(|p| &mut p.src).chain(self.sections.iter_mut().filter_map(|s| s.src.as_mut()));
        sources.for_each(source::Source::release);
    }

    /// Broken links and anchors of every rendered page and section.
    pub fn link_problems(&self) -> Vec<Diagnostic> {
        self.link_problems_of(&|_, _| true)
    }

    /// Broken links and anchors of the rendered pages and sections `keep` selects.
    pub fn link_problems_of(&self, keep: &dyn Fn(&source::Source, &markdown::Rendered) -> bool) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let sources = self
            .pages
            .iter()
            .map(|p| (&p.src, &p.rendered))
            .chain(self.sections.iter().filter_map(|s| s.src.as_ref().map(|src| (src, &s.rendered))))
            .filter(|(src, r)| keep(src, r));
        let max = crate::content::limits::MAX_PROBLEMS_PER_FILE;
        // Heading ids by target page, gathered once: a page may link thousands of anchors.
        let mut anchors: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (src, r) in sources {
            for prob in r.problems.iter().take(max) {
                let mut d = src.body_error(prob.line, prob.col, prob.len, prob.message.clone()).hint(prob.hint.clone());
                if prob.warning {
                    d.severity = crate::diag::Severity::Warning;
                }
                diags.push(d);
            }
            if r.problems.len() > max {
                let rest = &r.problems[max..];
                let mut d = Diagnostic::error(format!("这个文件还有 {} 个链接或网页代码问题没有列出（每个文件最多列出 {max} 个）", rest.len()))
                    .file(&src.display)
                    .hint("先改正上面列出的问题，再次生成时会列出其余的");
                if rest.iter().all(|p| p.warning) {
                    d.severity = crate::diag::Severity::Warning;
                }
                diags.push(d);
            }
            let mut bad_anchors = 0;
            for check in &r.anchor_checks {
                let headings = match self.by_rel.get(&check.target) {
                    Some(Item::Page(p)) => &self.pages[*p].rendered.headings,
                    Some(Item::Section(s)) => &self.sections[*s].rendered.headings,
                    _ => continue,
                };
                let ids = anchors.entry(check.target.as_str()).or_insert_with(|| headings.iter().map(|h| h.id.as_str()).collect());
                let decoded = links::percent_decode(&check.anchor);
                if !ids.contains(decoded.as_str()) {
                    bad_anchors += 1;
                    if bad_anchors > max {
                        continue;
                    }
                    // A held-back page's old version on either side: the link still
                    // reaches the page, only not the heading.
                    let held = self.isolation.is_previous(&src.rel) || self.isolation.is_previous(&check.target);
                    let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                    let hint = match crate::diag::did_you_mean(&decoded, ids.iter().copied()) {
                        Some(s) => format!("是不是 #{s}？锚点是标题文字去掉标点，例如“一、总体要求”→ #一总体要求"),
                        None if ids.is_empty() => "目标页面没有标题（## 开头的行）".into(),
                        None => format!("目标页面的锚点有：{}", ids.iter().take(8).map(|i| format!("#{i}")).collect::<Vec<_>>().join(" ")),
                    };
                    let mut d = src.body_error(check.line, check.col, check.len, format!("链接中的锚点 #{decoded} 在 @/{} 中不存在", check.target)).hint(hint);
                    if held {
                        d.severity = crate::diag::Severity::Warning;
                    }
                    diags.push(d);
                }
            }
            if bad_anchors > max {
                let message = format!("这个文件还有 {} 个不存在的锚点没有列出（每个文件最多列出 {max} 个）", bad_anchors - max);
                diags.push(Diagnostic::error(message).file(&src.display).hint("先改正上面列出的锚点，再次生成时会列出其余的"));
            }
        }
        diags
    }

    /// Which files are published (docs/content.md “附件”): never a file of a page
    /// or folder this build does not show, linked or not; in the public build only
    /// the files a visible page links to — in a page bundle as in a folder (an
    /// unlinked file may be a roster dropped there by mistake: a warning names
    /// it); the internal build publishes every file of what it shows. Data files
    /// never go public, dues ledgers (income bases) only to the committee, and a
    /// ledger only with a visible page naming or linking it. Another name of an
    /// internal file is never public; files that run in a browser (`.html`,
    /// `.svg`, …) are never published: an error at the file unless a page's link
    /// to it already said so (`links`).
    fn decide_assets(&mut self) -> Vec<Diagnostic> {
        let audience = self.opts.audience;
        let public = audience.is_public();
        let mut diags = Vec::new();
        for a in &mut self.assets {
            let linked_visible = a.linked_by.iter().any(|&p| self.pages[p].visible());
            let named_visible = a.named_by.iter().any(|&p| self.pages[p].visible());
            let shown = match a.owner {
                Owner::Page(p) => self.pages[p].visible(),
                Owner::Section(s) => self.sections[s].hidden.is_none(),
            };
            let allowed = may_publish(a, audience) && !(a.internal_twin && public) && !(a.ledger && !named_visible && !linked_visible);
            let active = crate::content::active::active_type(a.name());
            a.published = shown && (linked_visible || !public) && allowed && active.is_none();
            if let Some(what) = active.filter(|_| shown && allowed) {
                // Never published, linked or not; a page's link to it already said so (`links`).
                if !linked_visible {
                    diags.push(active_error(a.name(), what).file(format!("content/{}", a.rel)));
                }
            } else if a.internal_twin && public && shown && !linked_visible {
                diags.push(
                    Diagnostic::warning(format!("附件“{}”与党内公开的内容是同一个文件（硬链接或符号链接），公开版不发布它", a.name()))
                        .file(format!("content/{}", a.rel))
                        .hint("公开的附件请放一份独立的副本（复制，不要链接），并确认它可以公开"),
                );
            } else if public && shown && !linked_visible && allowed && matches!(a.owner, Owner::Page(_)) {
                diags.push(
                    Diagnostic::warning(format!("页面文件夹里的 {} 没有被任何页面链接，公开版不发布它（党内版照常发布）", a.name()))
                        .file(format!("content/{}", a.rel))
                        .hint(format!("要公开这个附件，在页面正文里加一个链接：{}；不该公开的文件请移出共享文件夹", link_to(a.name()))),
                );
            }
        }
        diags
    }

    /// Two sources that would write the same output file.
    fn check_output_paths(&self) -> Vec<Diagnostic> {
        let mut seen: HashMap<&str, String> = HashMap::new();
        let mut diags = Vec::new();
        let entries = self
            .sections
            .iter()
            .filter(|s| s.hidden.is_none())
            .map(|s| (s.path.as_str(), s.src.as_ref().map_or_else(|| format!("content/{}/", s.dir), |x| x.display.clone())))
            .chain(self.pages.iter().filter(|p| p.visible()).map(|p| (p.path.as_str(), p.src.display.clone())))
            .chain(self.assets.iter().filter(|a| a.published).map(|a| (a.path.as_str(), format!("content/{}", a.rel))));
        for (path, display) in entries {
            if let Some(first) = seen.insert(path, display.clone()) {
                // Once for each file: page-level isolation holds back both (the one
                // published before keeps its last version; a new one waits).
                for file in [&first, &display] {
                    diags.push(
                        Diagnostic::error(format!("两个文件会生成同一个网址 {path}：{first} 和 {display}"))
                            .file(file)
                            .hint("修改其中一个的文件名，或在 front matter 里设置不同的 slug"),
                    );
                }
            }
        }
        let reserved: HashSet<String> = ["tags", "archive", "search"].iter().map(|s| format!("/{s}/")).collect();
        for p in self.pages.iter().filter(|p| p.visible() && reserved.contains(&p.path)) {
            diags.push(Diagnostic::error(format!("网址 {} 是 dwgk 保留的（分类或归档页）", p.path)).file(&p.src.display).hint("给这个页面换一个文件名或 slug"));
        }
        diags
    }
}

/// Whether `audience` may ever receive this file: data files never go public,
/// dues ledgers (names, income bases) only to the committee.
pub fn may_publish(a: &Asset, audience: crate::content::kind::Audience) -> bool {
    !(a.ledger && audience.is_public() || a.personal && !audience.sees_personal_data())
}

/// A Markdown link to a file next to the page, `<…>` around a name with spaces.
fn link_to(name: &str) -> String {
    if name.contains(|c: char| c.is_whitespace() || "()<>".contains(c)) {
        format!("[{name}](<{name}>)")
    } else {
        format!("[{name}]({name})")
    }
}

/// An attachment that would run in a browser (`what`: 网页, SVG 图片, 脚本…).
pub fn active_error(name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(format!("附件“{name}”是{what}，在浏览器里打开时会在本网站上运行其中的代码，不能发布"))
        .hint("请另存为 PDF（Word/WPS：文件 → 另存为 → PDF）后放进来；图片请用 .png 或 .jpg（docs/content.md“Attachments”）")
}

pub fn parent(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}
