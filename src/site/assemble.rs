//! Sources → a site: the section tree, pages with URLs, attachments, visibility
//! for the build's audience, sort orders and taxonomies. Pure.

use super::model::*;
use super::source::Source;
use super::urls::slugify;
use super::Site;
use crate::config::Config;
use crate::content::date::DateValue;
use crate::content::entry::{Entry, EntryKind};
use crate::content::kind::{Audience, Kind, Scope};
use crate::diag::{did_you_mean, Diagnostic};
use chrono::NaiveDateTime;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    pub audience: Audience,
    pub drafts: bool,
    /// The build's clock (local time): decides scheduled and expired pages.
    pub now: NaiveDateTime,
    /// `--as-of`: the compliance cut-off; default `[compliance] as_of`, then today.
    pub as_of: Option<chrono::NaiveDate>,
}

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// The date of a `2024-03-15-name` (or `_name`) file stem.
fn date_prefix(stem: &str) -> Option<DateValue> {
    if stem.len() < 11 || !stem.is_char_boundary(10) {
        return None;
    }
    let (d, rest) = stem.split_at(10);
    rest.strip_prefix(['-', '_'])?;
    DateValue::parse(d)
}

pub fn assemble(config: &Config, opts: BuildOptions, entries: &[Entry], sources: Vec<Source>) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut sources: HashMap<String, Source> = sources.into_iter().map(|s| (s.rel.clone(), s)).collect();

    // Page bundles: folders holding an index.md.
    let bundles: Vec<String> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Markdown && file_name(&e.rel) == "index.md" && e.rel.contains('/'))
        .map(|e| parent_dir(&e.rel).to_string())
        .collect();
    let bundle_of =
        |rel: &str| -> Option<&String> { bundles.iter().filter(|b| rel.starts_with(b.as_str()) && rel[b.len()..].starts_with('/')).max_by_key(|b| b.len()) };

    // Sections: the root and every folder that is not (inside) a bundle.
    let mut site = Site::new(config.clone(), opts);
    let mut section_of_dir: HashMap<String, usize> = HashMap::new();
    let mut dirs = vec![String::new()];
    dirs.extend(
        entries.iter().filter(|e| e.kind == EntryKind::Dir && bundle_of(&format!("{}/x", e.rel)).is_none() && !bundles.contains(&e.rel)).map(|e| e.rel.clone()),
    );
    for dir in dirs {
        let index_rel = if dir.is_empty() { "_index.md".to_string() } else { format!("{dir}/_index.md") };
        let src = sources.remove(&index_rel);
        let parent = if dir.is_empty() { None } else { section_of_dir.get(parent_dir(&dir)).copied() };
        let idx = site.sections.len();
        let section = new_section(config, dir.clone(), src, parent, &site, &mut diags);
        site.sections.push(section);
        if let Some(p) = parent {
            site.sections[p].children.push(idx);
        }
        section_of_dir.insert(dir, idx);
    }

    // Pages.
    for e in entries.iter().filter(|e| e.kind == EntryKind::Markdown) {
        let name = file_name(&e.rel);
        if name == "_index.md" {
            if bundle_of(&e.rel).is_some() {
                diags.push(Diagnostic::warning("页面文件夹（含 index.md）里的 _index.md 不起作用，已忽略").file(format!("content/{}", e.rel)));
            }
            continue;
        }
        let bundle = if name == "index.md" && bundles.iter().any(|b| b == parent_dir(&e.rel)) { Some(parent_dir(&e.rel).to_string()) } else { None };
        if bundle.is_none() {
            if let Some(b) = bundle_of(&e.rel) {
                diags.push(
                    Diagnostic::error(format!("页面文件夹 content/{b}/（含 index.md）里不能再放其他 Markdown 页面"))
                        .file(format!("content/{}", e.rel))
                        .hint("把这个文件移到上一级文件夹，或把 index.md 改名"),
                );
                sources.remove(&e.rel);
                continue;
            }
        }
        let Some(src) = sources.remove(&e.rel) else { continue }; // unreadable: already reported
        let section_dir = match &bundle {
            Some(b) => parent_dir(b).to_string(),
            None => parent_dir(&e.rel).to_string(),
        };
        let section = section_of_dir.get(&section_dir).copied().unwrap_or(0);
        if let Some(page) = new_page(opts, src, section, bundle, &site, &mut diags) {
            let idx = site.pages.len();
            site.sections[section].pages.push(idx);
            site.pages.push(page);
        }
    }

    // Attachments.
    for e in entries.iter().filter(|e| e.kind == EntryKind::Asset) {
        let owner = match bundle_of(&e.rel) {
            Some(b) => match site.pages.iter().position(|p| p.bundle.as_deref() == Some(b.as_str())) {
                Some(p) => Owner::Page(p),
                None => continue,
            },
            None => Owner::Section(section_of_dir.get(parent_dir(&e.rel)).copied().unwrap_or(0)),
        };
        let base = match owner {
            Owner::Page(p) => site.pages[p].path.clone(),
            Owner::Section(s) => site.sections[s].path.clone(),
        };
        let idx = site.assets.len();
        site.assets.push(Asset {
            rel: e.rel.clone(),
            abs: e.abs.clone(),
            id: e.id,
            size: e.size,
            path: format!("{base}{}", file_name(&e.rel)),
            owner,
            linked_by: Vec::new(),
            ledger: false,
            internal_twin: false,
            published: false,
        });
        match owner {
            Owner::Page(p) => site.pages[p].assets.push(idx),
            Owner::Section(s) => site.sections[s].assets.push(idx),
        }
    }
    mark_ledgers(&mut site);
    super::identity::restrict_twins(&mut site, entries);

    for i in 0..site.sections.len() {
        sort_section_pages(&mut site, i);
        let mut children = std::mem::take(&mut site.sections[i].children);
        children.sort_by(|a, b| {
            let (a, b) = (&site.sections[*a], &site.sections[*b]);
            a.weight.unwrap_or(i64::MAX).cmp(&b.weight.unwrap_or(i64::MAX)).then_with(|| super::order::natural_cmp(&a.title, &b.title))
        });
        site.sections[i].children = children;
    }
    site.taxonomies = build_taxonomies(&site, &mut diags);
    site.index_sources();
    // Kept for the whole build (and by the preview server between builds).
    site.pages.shrink_to_fit();
    site.sections.shrink_to_fit();
    site.assets.shrink_to_fit();
    (site, diags)
}

/// The preview server's front-matter edit of page `i`: the page as `assemble` would
/// make it from `src` with `opts`, in the same section and bundle (`None` with errors).
pub fn page_from_source(site: &Site, i: usize, src: Source, opts: BuildOptions) -> (Option<Page>, Vec<Diagnostic>) {
    let old = &site.pages[i];
    let mut diags = Vec::new();
    let page = new_page(opts, src, old.section, old.bundle.clone(), site, &mut diags);
    (page, diags)
}

/// Puts `page` in place of page `i` and orders what depends on its front matter
/// again (its section's pages, the taxonomies); returns the page it replaced. The
/// caller has checked that its URL, section, visibility and kind are the same.
pub fn replace_page(site: &mut Site, i: usize, page: Page) -> (Page, Vec<Diagnostic>) {
    let old = std::mem::replace(&mut site.pages[i], page);
    let mut diags = Vec::new();
    sort_section_pages(site, old.section);
    site.taxonomies = build_taxonomies(site, &mut diags);
    (old, diags)
}

fn new_section(config: &Config, dir: String, src: Option<Source>, parent: Option<usize>, site: &Site, diags: &mut Vec<Diagnostic>) -> Section {
    let folder = file_name(&dir).to_string();
    let parent_sec = parent.map(|p| &site.sections[p]);
    let path = match parent_sec {
        None => "/".to_string(),
        Some(p) => format!("{}{}/", p.path, slugify(&folder)),
    };
    let mut section = Section {
        src: None,
        dir: dir.clone(),
        title: if dir.is_empty() { config.title.clone() } else { folder.clone() },
        description: None,
        weight: None,
        sort_by: SortBy::Date,
        paginate_by: None,
        template: None,
        page_template: None,
        extra: Default::default(),
        unit: None,
        scope: parent_sec.map_or(Scope::Public, |p| p.scope),
        hidden: parent_sec.and_then(|p| p.hidden),
        path,
        parent,
        children: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        rendered: Default::default(),
    };
    let Some(mut src) = src else { return section };
    let mut fm = src.fm.take().unwrap_or_default();
    if let Some(t) = fm.title.take().filter(|t| !t.trim().is_empty()) {
        section.title = t;
    }
    section.description = fm.description.take();
    section.weight = fm.weight;
    section.paginate_by = fm.paginate_by;
    section.template = fm.template.take();
    section.page_template = fm.page_template.take();
    section.extra = std::mem::take(&mut fm.extra);
    if let Some(s) = fm.sort_by.take() {
        match SortBy::parse(&s) {
            Some(v) => section.sort_by = v,
            None => diags
                .push(src.key_error("sort_by", format!("排序方式“{s}”无效")).hint("可选 date（按日期，最新在前）、weight（按权重）、title（按标题）、none")),
        }
    }
    if let Some(s) = fm.scope.take() {
        match Scope::parse(&s) {
            Some(Scope::Internal) => section.scope = Scope::Internal,
            Some(Scope::Public) => {}
            None => diags.push(scope_error(&src, &s)),
        }
    }
    if let Some(unit) = fm.unit.take() {
        match unit {
            Value::Object(mut t) => {
                let kind = t.remove("kind").and_then(|v| v.as_str().map(String::from));
                let secretary = t.remove("secretary").and_then(|v| v.as_str().map(String::from));
                let members = match t.remove("members") {
                    None => None,
                    Some(Value::Number(n)) if n.as_i64().is_some_and(|n| n >= 0) => n.as_i64(),
                    Some(other) => {
                        diags.push(src.key_error("members", format!("党员人数 members 应为整数，实际是 {other}")).hint("例如 members = 23"));
                        None
                    }
                };
                let id = t.remove("id").and_then(|v| v.as_str().map(String::from)).unwrap_or_else(|| folder.clone());
                section.unit = Some(UnitInfo { id, kind, secretary, members, extra: t });
            }
            other => diags.push(
                src.key_error("unit", format!("单位文件夹的 _index.md 里 unit 应是一个表，实际是 {other}"))
                    .hint("写成 [unit] 表：\n[unit]\nkind = \"党支部\"\nsecretary = \"张三\"\nmembers = 23"),
            ),
        }
    }
    if fm.draft {
        diags.push(src.key_error("draft", "栏目（_index.md）不支持 draft").hint("要隐藏整个栏目，请把文件夹移出 content/"));
    }
    if section.scope == Scope::Internal && site.opts.audience == Audience::Public {
        section.hidden = Some(Hidden::Internal);
    }
    section.src = Some(src);
    section
}

fn scope_error(src: &Source, s: &str) -> Diagnostic {
    src.key_error("scope", format!("公开范围 scope“{s}”无效")).hint("写 public（向社会公开）或 internal（党内公开）")
}

fn new_page(opts: BuildOptions, mut src: Source, section: usize, bundle: Option<String>, site: &Site, diags: &mut Vec<Diagnostic>) -> Option<Page> {
    let mut ok = true;
    let mut fm = src.fm.take().unwrap_or_default();
    let title = fm.title.take().unwrap_or_default();
    let kind = match fm.kind.take() {
        None => None,
        Some(k) => match Kind::parse(&k) {
            Some(k) => Some(k),
            None => {
                let hint = match did_you_mean(&k, Kind::spellings()) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => "可选：notice 通知公告、checklist 责任清单、dues 党费公示、study_plan 学习计划、record 工作记录、activity 活动".into(),
                };
                diags.push(src.key_error("kind", format!("不认识的类型 kind“{k}”")).hint(hint));
                None
            }
        },
    };
    let sec = &site.sections[section];
    let scope = match fm.scope.take() {
        None => kind.map_or(Scope::Public, Kind::default_scope),
        Some(s) => Scope::parse(&s).unwrap_or_else(|| {
            diags.push(scope_error(&src, &s));
            ok = false;
            Scope::Internal
        }),
    };
    // An internal section keeps everything in it internal.
    let scope = if sec.scope == Scope::Internal { Scope::Internal } else { scope };
    if title.trim().is_empty() {
        let d = if src.has_front_matter {
            src.key_error("title", "页面缺少标题 title")
        } else if src.text.trim().is_empty() {
            Diagnostic::error("文件是空的").file(&src.display)
        } else {
            Diagnostic::error("页面开头没有 front matter（标题等设置）").file(&src.display).at_line(&src.text, 1)
        };
        diags.push(d.hint("在文件开头写：\n+++\ntitle = \"关于……的通知\"\ndate = 2024-03-15\n+++"));
        ok = false;
    }
    let stem = match &bundle {
        Some(b) => file_name(b).to_string(),
        None => file_name(&src.rel).trim_end_matches(".markdown").trim_end_matches(".md").to_string(),
    };
    // A `2024-03-15-name` file gives its date; the slug keeps the date so monthly
    // files of the same name (`…-zhutidangri.md`) do not collide.
    let file_date = date_prefix(&stem);
    let slug = match fm.slug.take() {
        Some(s) => slugify(&s),
        None => slugify(&stem),
    };
    let slug = if slug.is_empty() { slugify(&stem) } else { slug };
    let path = match fm.path.take() {
        Some(p) => {
            let parts: Vec<String> = p.split('/').map(slugify).filter(|s| !s.is_empty()).collect();
            format!("/{}/", parts.join("/")).replace("//", "/")
        }
        None => format!("{}{}/", sec.path, slug),
    };
    let mut taxonomies = std::mem::take(&mut fm.taxonomies);
    let tags = std::mem::take(&mut fm.tags);
    if !tags.is_empty() {
        taxonomies.entry("tags".into()).or_default().extend(tags);
    }
    for terms in taxonomies.values_mut() {
        terms.retain(|t| !t.trim().is_empty());
        terms.dedup();
    }
    let unit = match fm.unit.take() {
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            diags.push(
                src.key_error("unit", format!("页面的 unit 应是单位编号（文件夹名），实际是 {other}")).hint("例如 unit = \"diyi\"；不写则取所在单位文件夹"),
            );
            None
        }
        None => nearest_unit(site, section),
    };
    let now = opts.now;
    let scheduled = fm.publish_date.is_some_and(|d| d.datetime() > now);
    // A bare expire date is the last day of the 公示期, inclusive (docs/content.md).
    let expired = fm.expire_date.is_some_and(|d| match d.time {
        Some(_) => d.datetime() < now,
        None => d.date < now.date(),
    });
    if let (Some(p), Some(e)) = (fm.publish_date, fm.expire_date) {
        if e < p {
            diags.push(src.key_error("expire_date", "公示结束时间 expire_date 早于发布时间 publish_date").hint("检查两个日期是否写反"));
        }
    }
    let hidden = if sec.hidden.is_some() {
        sec.hidden
    } else if fm.draft && !opts.drafts {
        Some(Hidden::Draft)
    } else if scheduled && !opts.drafts {
        Some(Hidden::Scheduled)
    } else if !opts.audience.may_see(scope) {
        Some(Hidden::Internal)
    } else if site.config.require_approval && !opts.drafts && fm.approved_by.as_deref().is_none_or(|a| a.trim().is_empty()) {
        Some(Hidden::Unapproved)
    } else {
        None
    };
    let page = Page {
        section,
        title,
        description: fm.description.take(),
        date: fm.date.or(file_date),
        updated: fm.updated,
        kind,
        scope,
        draft: fm.draft,
        publish_date: fm.publish_date,
        expire_date: fm.expire_date,
        reviewed_by: fm.reviewed_by.take(),
        approved_by: fm.approved_by.take(),
        doc_number: fm.doc_number.take(),
        issuer: fm.issuer.take(),
        unit,
        weight: fm.weight,
        slug,
        template: fm.template.take(),
        taxonomies: taxonomies.into(),
        extra: std::mem::take(&mut fm.extra),
        bundle,
        path,
        hidden,
        expired,
        scheduled,
        assets: Vec::new(),
        rendered: Default::default(),
        src,
    };
    ok.then_some(page)
}

fn nearest_unit(site: &Site, mut section: usize) -> Option<String> {
    loop {
        let s = &site.sections[section];
        if let Some(u) = &s.unit {
            return Some(u.id.clone());
        }
        section = s.parent?;
    }
}

/// Files a page names as data (a dues `ledger`, a plan's `table`) are source
/// data: never published publicly.
fn mark_ledgers(site: &mut Site) {
    for p in 0..site.pages.len() {
        // Whatever the page's kind: a misspelt kind must not publish a ledger.
        let named: Vec<String> = ["ledger", "table"].into_iter().filter_map(|key| super::tables::file_named(site, p, key)).collect();
        for rel in named {
            for a in site.assets.iter_mut().filter(|a| a.rel == rel) {
                a.ledger = true;
            }
        }
    }
}

fn sort_section_pages(site: &mut Site, s: usize) {
    let mut pages = std::mem::take(&mut site.sections[s].pages);
    let by = site.sections[s].sort_by;
    let ps = &site.pages;
    pages.sort_by(|a, b| {
        let (a, b) = (&ps[*a], &ps[*b]);
        let key = match by {
            SortBy::Date => b.date.map(|d| d.datetime()).cmp(&a.date.map(|d| d.datetime())),
            SortBy::Weight => a.weight.unwrap_or(i64::MAX).cmp(&b.weight.unwrap_or(i64::MAX)),
            SortBy::Title => super::order::natural_cmp(&a.title, &b.title),
            SortBy::None => std::cmp::Ordering::Equal,
        };
        key.then_with(|| a.src.rel.cmp(&b.src.rel))
    });
    site.sections[s].pages = pages;
}

fn build_taxonomies(site: &Site, diags: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
    let known: Vec<&str> = site.config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let mut out: Vec<Taxonomy> = site
        .config
        .taxonomies
        .iter()
        .map(|t| Taxonomy { name: t.name.clone(), paginate_by: t.paginate_by.unwrap_or(site.config.paginate_by), terms: Vec::new() })
        .collect();
    let mut order: Vec<usize> = (0..site.pages.len()).filter(|&p| site.pages[p].listed()).collect();
    order.sort_by(|a, b| site.pages[*b].date.cmp(&site.pages[*a].date).then_with(|| site.pages[*a].src.rel.cmp(&site.pages[*b].src.rel)));
    for tax in out.iter_mut() {
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for &p in &order {
            for name in site.pages[p].taxonomies.get(&tax.name).into_iter().flatten() {
                let slug = slugify(name);
                terms.entry(slug.clone()).or_insert_with(|| Term { name: name.clone(), slug, pages: Vec::new() }).pages.push(p);
            }
        }
        tax.terms = terms.into_values().collect();
    }
    for page in site.pages.iter().filter(|p| p.visible()) {
        for name in page.taxonomies.keys() {
            if !known.contains(&name.as_str()) {
                let hint = match did_you_mean(name, known.iter().copied()) {
                    Some(s) => format!("是不是想写“{s}”？或者在 config.toml 的 taxonomies 里加上 {{ name = \"{name}\" }}"),
                    None => format!("在 config.toml 的 taxonomies 里加上 {{ name = \"{name}\" }}"),
                };
                diags.push(page.src.key_error(name, format!("分类“{name}”没有在 config.toml 的 taxonomies 中声明")).hint(hint));
            }
        }
    }
    out
}
