//! Site assembly (pure): sources → sections, pages, attachments, taxonomies, with
//! URLs, visibility and resolved links. The renderer only reads a finished `Site`.

mod assemble;
pub mod dues;
mod identity;
pub mod links;
pub mod model;
pub mod order;
pub mod records;
pub mod source;
pub mod study;
pub mod tables;
pub mod urls;

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
    /// Units, requirements and the compliance report (after `compute_compliance`).
    pub compliance: Option<records::Compliance>,
    /// Unit id → the section of its folder.
    pub unit_sections: HashMap<String, usize>,
    /// Evaluated dues disclosures by page (after `compute_tables`).
    pub dues: HashMap<usize, dues::Disclosure>,
    /// Study plans by page (after `compute_tables`).
    pub study: HashMap<usize, study::Plan>,
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
            compliance: None,
            unit_sections: HashMap::new(),
            dues: HashMap::new(),
            study: HashMap::new(),
        }
    }

    fn index_sources(&mut self) {
        for (i, s) in self.sections.iter().enumerate() {
            let rel = if s.dir.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", s.dir) };
            self.by_rel.insert(rel, Item::Section(i));
        }
        for (i, p) in self.pages.iter().enumerate() {
            self.by_rel.insert(p.src.rel.clone(), Item::Page(i));
        }
        for (i, a) in self.assets.iter().enumerate() {
            self.by_rel.insert(a.rel.clone(), Item::Asset(i));
        }
        for (i, s) in self.sections.iter().enumerate() {
            if let Some(u) = &s.unit {
                self.unit_sections.entry(u.id.clone()).or_insert(i);
            }
        }
    }

    /// Renders every visible page's and section's Markdown in parallel, resolving
    /// links; then checks `#anchor`s and decides which attachments are published.
    pub fn render_markdown(&mut self) -> Vec<Diagnostic> {
        let site: &Site = self;
        let pages: Vec<_> = site
            .pages
            .par_iter()
            .map(|p| {
                if !p.visible() {
                    return (Default::default(), Vec::new());
                }
                let dir = p.bundle.clone().unwrap_or_else(|| parent(&p.src.rel).to_string());
                let links = links::PageLinks::new(site, dir);
                let r = markdown::render(p.src.body(), &links);
                (r, links.linked_assets.into_inner())
            })
            .collect();
        let sections: Vec<_> = site
            .sections
            .par_iter()
            .map(|s| match (&s.src, s.hidden) {
                (Some(src), None) => {
                    let links = links::PageLinks::new(site, s.dir.clone());
                    markdown::render(src.body(), &links)
                }
                _ => Default::default(),
            })
            .collect();
        for (i, (r, linked)) in pages.into_iter().enumerate() {
            for a in linked {
                self.assets[a].linked_by.push(i);
                if !self.pages[i].assets.contains(&a) {
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

    /// Builds the domain model from the pages and computes the compliance report.
    /// With `notes`, also reports overridden requirement declarations (for `check`).
    pub fn compute_compliance(&mut self, notes: bool) -> Vec<Diagnostic> {
        let (c, mut diags, n) = records::build(self);
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
        for (src, r) in sources {
            for prob in &r.problems {
                let mut d = src.body_error(prob.line, prob.col, prob.len, prob.message.clone()).hint(prob.hint.clone());
                if prob.warning {
                    d.severity = crate::diag::Severity::Warning;
                }
                diags.push(d);
            }
            for check in &r.anchor_checks {
                let headings = match self.by_rel.get(&check.target) {
                    Some(Item::Page(p)) => &self.pages[*p].rendered.headings,
                    Some(Item::Section(s)) => &self.sections[*s].rendered.headings,
                    _ => continue,
                };
                let decoded = links::percent_decode(&check.anchor);
                if !headings.iter().any(|h| h.id == decoded) {
                    let ids: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                    let hint = match crate::diag::did_you_mean(&decoded, ids.iter().copied()) {
                        Some(s) => format!("是不是 #{s}？锚点是标题文字去掉标点，例如“一、总体要求”→ #一总体要求"),
                        None if ids.is_empty() => "目标页面没有标题（## 开头的行）".into(),
                        None => format!("目标页面的锚点有：{}", ids.iter().take(8).map(|i| format!("#{i}")).collect::<Vec<_>>().join(" ")),
                    };
                    diags.push(src.body_error(check.line, check.col, check.len, format!("链接中的锚点 #{decoded} 在 @/{} 中不存在", check.target)).hint(hint));
                }
            }
        }
        diags
    }

    /// Attachments of visible pages are published. Loose files in a folder are
    /// published to the public only when a visible page links to them (an
    /// unlinked file may be a roster dropped there by mistake); the internal
    /// build also publishes files of visible sections. Ledgers and other names of
    /// internal files never go public; files that run in a browser (`.html`,
    /// `.svg`, …) are never published: an error at the file unless a page's link
    /// to it already said so (`links`).
    fn decide_assets(&mut self) -> Vec<Diagnostic> {
        let public = self.opts.audience == crate::content::kind::Audience::Public;
        let mut diags = Vec::new();
        for a in &mut self.assets {
            let linked_visible = a.linked_by.iter().any(|&p| self.pages[p].visible());
            a.published = match a.owner {
                Owner::Page(p) => self.pages[p].visible() || linked_visible,
                Owner::Section(s) => linked_visible || (!public && self.sections[s].hidden.is_none()),
            };
            if a.internal_twin && public && a.published && !linked_visible {
                diags.push(
                    Diagnostic::warning(format!("附件“{}”与党内公开的内容是同一个文件（硬链接或符号链接），公开版不发布它", a.name()))
                        .file(format!("content/{}", a.rel))
                        .hint("公开的附件请放一份独立的副本（复制，不要链接），并确认它可以公开"),
                );
            }
            if (a.ledger || a.internal_twin) && public {
                a.published = false;
            }
            if let Some(what) = crate::content::active::active_type(a.name()).filter(|_| a.published) {
                a.published = false;
                if !linked_visible {
                    diags.push(active_error(a.name(), what).file(format!("content/{}", a.rel)));
                }
            }
        }
        diags
    }

    /// Two sources that would write the same output file.
    fn check_output_paths(&self) -> Vec<Diagnostic> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut diags = Vec::new();
        let entries = self
            .sections
            .iter()
            .filter(|s| s.hidden.is_none())
            .map(|s| (s.path.as_str(), s.src.as_ref().map_or(s.dir.as_str(), |x| x.display.as_str())))
            .chain(self.pages.iter().filter(|p| p.visible()).map(|p| (p.path.as_str(), p.src.display.as_str())))
            .chain(self.assets.iter().filter(|a| a.published).map(|a| (a.path.as_str(), a.rel.as_str())));
        for (path, display) in entries {
            if let Some(first) = seen.insert(path, display) {
                diags.push(
                    Diagnostic::error(format!("两个文件会生成同一个网址 {path}：{first} 和 {display}"))
                        .file(display)
                        .hint("修改其中一个的文件名，或在 front matter 里设置不同的 slug"),
                );
            }
        }
        let reserved: HashSet<String> = ["tags", "archive", "search"].iter().map(|s| format!("/{s}/")).collect();
        for p in self.pages.iter().filter(|p| p.visible() && reserved.contains(&p.path)) {
            diags.push(Diagnostic::error(format!("网址 {} 是 dwgk 保留的（分类或归档页）", p.path)).file(&p.src.display).hint("给这个页面换一个文件名或 slug"));
        }
        diags
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
