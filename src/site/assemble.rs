//! Sources → a site: the section tree, pages with URLs, attachments, visibility
//! for the build's audience, sort orders and taxonomies. Pure.

use super::model::*;
use super::source::Source;
use super::urls::slugify;
use super::Site;
use crate::config::Config;
use crate::content::date::DateValue;
use crate::content::entry::{page_stem, Entry, EntryKind};
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
    // Word files in a page bundle or linked by a Markdown page stay attachments.
    let attached = super::word::attached(entries, &sources);
    let mut sources: HashMap<String, Source> = sources.into_iter().map(|s| (s.rel.clone(), s)).collect();

    // Page bundles: folders holding an index.md (or `index.MD`, `index.md.txt`…).
    let bundles: Vec<String> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Markdown && page_stem(file_name(&e.rel)) == "index" && e.rel.contains('/'))
        .map(|e| parent_dir(&e.rel).to_string())
        .collect();
    // Each folder's `_index.md`, by folder, whatever its extension's spelling.
    let section_files: HashMap<&str, &str> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Markdown && page_stem(file_name(&e.rel)) == "_index")
        .map(|e| (parent_dir(&e.rel), e.rel.as_str()))
        .collect();
    let bundle_set: std::collections::HashSet<&str> = bundles.iter().map(String::as_str).collect();
    // The innermost bundle folder holding `rel`: its ancestors looked up, longest first.
    let bundle_of = |rel: &str| -> Option<&str> {
        let mut end = rel.len();
        while let Some(i) = rel[..end].rfind('/') {
            if let Some(b) = bundle_set.get(&rel[..i]) {
                return Some(b);
            }
            end = i;
        }
        None
    };

    // Sections: the root and every folder that is not (inside) a bundle.
    let mut site = Site::new(config.clone(), opts);
    let mut section_of_dir: HashMap<String, usize> = HashMap::new();
    let mut dirs = vec![String::new()];
    dirs.extend(entries.iter().filter(|e| e.kind == EntryKind::Dir && bundle_of(&format!("{}/x", e.rel)).is_none()).map(|e| e.rel.clone()));
    for dir in dirs {
        let src = section_files.get(dir.as_str()).and_then(|rel| sources.remove(*rel));
        let parent = if dir.is_empty() { None } else { section_of_dir.get(parent_dir(&dir)).copied() };
        let idx = site.sections.len();
        let section = new_section(config, dir.clone(), src, parent, &site, &mut diags);
        site.sections.push(section);
        if let Some(p) = parent {
            site.sections[p].children.push(idx);
        }
        section_of_dir.insert(dir, idx);
    }

    for e in entries.iter().filter(|e| e.kind == EntryKind::Word && attached.contains(&e.rel)) {
        sources.remove(&e.rel);
    }
    diags.extend(unused_sidecars(entries, &attached));

    // Pages.
    for e in entries.iter().filter(|e| e.kind == EntryKind::Markdown || (e.kind == EntryKind::Word && !attached.contains(&e.rel))) {
        let name = file_name(&e.rel);
        if page_stem(name) == "_index" {
            if bundle_of(&e.rel).is_some() {
                diags.push(Diagnostic::warning("页面文件夹（含 index.md）里的 _index.md 不起作用，已忽略").file(format!("content/{}", e.rel)));
            }
            continue;
        }
        let bundle = if page_stem(name) == "index" && bundle_set.contains(parent_dir(&e.rel)) { Some(parent_dir(&e.rel).to_string()) } else { None };
        if bundle.is_none() && e.kind == EntryKind::Markdown {
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
    let bundle_pages: HashMap<String, usize> = site.pages.iter().enumerate().filter_map(|(i, p)| p.bundle.clone().map(|b| (b, i))).collect();
    for e in entries.iter().filter(|e| e.kind == EntryKind::Asset || (e.kind == EntryKind::Word && attached.contains(&e.rel))) {
        let owner = match bundle_of(&e.rel) {
            Some(b) => match bundle_pages.get(b) {
                Some(&p) => Owner::Page(p),
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
            named_by: Vec::new(),
            personal: false,
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
    check_page_units(&site, &mut diags);
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
        page_kind: parent_sec.and_then(|p| p.page_kind),
        page_scope: parent_sec.and_then(|p| p.page_scope),
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
    if let Some(k) = fm.page_kind.take() {
        match Kind::parse(&k) {
            Some(k) => section.page_kind = Some(k),
            None => diags.push(kind_error(&src, "page_kind", &k)),
        }
    }
    if let Some(s) = fm.page_scope.take() {
        match Scope::parse(&s) {
            Some(s) => section.page_scope = Some(s),
            None => {
                diags.push(src.key_error("page_scope", format!("页面默认公开范围 page_scope“{s}”无效")).hint("写 public（向社会公开）或 internal（党内公开）"))
            }
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
                let [established, dissolved] = life_dates(&src, &mut t, diags);
                section.unit = Some(UnitInfo { id, kind, secretary, members, established, dissolved, extra: t });
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
    if section.scope == Scope::Internal && site.opts.audience.is_public() {
        section.hidden = Some(Hidden::Internal);
    }
    section.src = Some(src);
    section
}

/// `established` / `dissolved` of a `[unit]` table (also 成立日期 / 撤销日期,
/// 成立时间 / 撤销时间), removed from it; a bad or reversed date is an error.
fn life_dates(src: &Source, t: &mut serde_json::Map<String, Value>, diags: &mut Vec<Diagnostic>) -> [Option<chrono::NaiveDate>; 2] {
    const KEYS: [(&str, &[&str], &str); 2] = [("established", &["成立日期", "成立时间"], "成立日期"), ("dissolved", &["撤销日期", "撤销时间"], "撤销日期")];
    let mut out = [None, None];
    let mut keys = ["", ""];
    for (i, (key, aliases, name)) in KEYS.iter().enumerate() {
        let Some(written) = std::iter::once(key).chain(aliases.iter()).find(|k| t.contains_key(**k)) else { continue };
        let v = t.remove(*written).unwrap_or_default();
        keys[i] = written;
        let date = match &v {
            Value::String(s) => DateValue::parse(s).map(|d| d.date),
            _ => None,
        };
        match date {
            Some(d) => out[i] = Some(d),
            None => diags.push(
                src.key_error(written, format!("{} 应是日期，实际是 {v}", if written == name { name.to_string() } else { format!("{name} {written}") }))
                    .hint(format!("例如 {written} = 2024-11-12（{}）", crate::content::date::DATE_HINT)),
            ),
        }
        let twice: Vec<&str> = std::iter::once(*key).chain(aliases.iter().copied()).filter(|k| t.contains_key(*k)).collect();
        for other in twice {
            diags.push(src.key_error(other, format!("{name}写了两次（{written} 和 {other}）")).hint("只保留一个"));
            t.remove(other);
        }
    }
    if let [Some(e), Some(d)] = out {
        if d < e {
            diags.push(src.key_error(keys[1], format!("撤销日期 {d} 早于成立日期 {e}")).hint("检查两个日期是否写反"));
            return [None, None];
        }
    }
    out
}

fn kind_error(src: &Source, key: &str, k: &str) -> Diagnostic {
    let hint = match did_you_mean(k, Kind::spellings()) {
        Some(s) => format!("是不是想写“{s}”？"),
        None => "可选：notice 通知公告、checklist 责任清单、dues 党费公示、study_plan 学习计划、record 工作记录、activity 活动".into(),
    };
    src.key_error(key, format!("不认识的类型 {key}“{k}”")).hint(hint)
}

/// A sidecar whose Word file is an attachment sets nothing: say so.
fn unused_sidecars(entries: &[Entry], attached: &std::collections::HashSet<String>) -> Vec<Diagnostic> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Sidecar)
        .filter_map(|e| {
            let stem = e.rel.strip_suffix(".toml")?;
            let word = attached.iter().find(|w| super::word::stem(w) == file_name(stem) && parent_dir(w) == parent_dir(&e.rel))?;
            Some(
                Diagnostic::warning(format!("content/{word} 是附件（在页面文件夹里，或有页面链接它下载），同名的设置文件不起作用"))
                    .file(format!("content/{}", e.rel))
                    .hint("要把这个 Word 文件发布成页面，把它移出页面文件夹，并去掉指向它的链接"),
            )
        })
        .collect()
}

fn scope_error(src: &Source, s: &str) -> Diagnostic {
    src.key_error("scope", format!("公开范围 scope“{s}”无效")).hint("写 public（向社会公开）或 internal（党内公开）")
}

fn new_page(opts: BuildOptions, mut src: Source, section: usize, bundle: Option<String>, site: &Site, diags: &mut Vec<Diagnostic>) -> Option<Page> {
    let mut ok = true;
    let mut fm = src.fm.take().unwrap_or_default();
    let title = fm.title.take().unwrap_or_default();
    let sec = &site.sections[section];
    // Written `kind`, else the folder's `page_kind`, else what a Word document looks like.
    let inferred = src.word.as_ref().and_then(|w| w.inferred_kind).and_then(Kind::parse);
    let kind = match fm.kind.take() {
        None => sec.page_kind.or(inferred),
        Some(k) => match Kind::parse(&k) {
            Some(k) => Some(k),
            None => {
                diags.push(kind_error(&src, "kind", &k));
                None
            }
        },
    };
    let scope = match fm.scope.take() {
        None => sec.page_scope.unwrap_or_else(|| kind.map_or(Scope::Public, Kind::default_scope)),
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
        None if src.word.is_some() => super::word::stem(&src.rel).to_string(),
        None => page_stem(file_name(&src.rel)).to_string(),
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
    for (tax, terms) in taxonomies.iter_mut() {
        check_terms(&src, tax, terms, diags);
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
        stored_html: None,
        src,
    };
    ok.then_some(page)
}

/// Drops empty and repeated terms; past `limits` (too many, too long) a located
/// error, and the page keeps what fits, so later stages stay bounded.
fn check_terms(src: &Source, tax: &str, terms: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    use crate::content::limits::{MAX_TERMS_PER_PAGE, MAX_TERM_CHARS};
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| !t.trim().is_empty() && seen.insert(t.clone()));
    let name = if tax == "tags" { "标签" } else { tax };
    if terms.len() > MAX_TERMS_PER_PAGE {
        diags.push(
            src.key_error(tax, format!("{name}太多：这个页面有 {} 个{name}，最多 {MAX_TERMS_PER_PAGE} 个", terms.len()))
                .hint("只保留最能说明页面内容的几个（一般 1 到 5 个）；docs/content.md“上限”"),
        );
        terms.truncate(MAX_TERMS_PER_PAGE);
    }
    if let Some(long) = terms.iter().find(|t| t.chars().count() > MAX_TERM_CHARS) {
        let shown: String = long.chars().take(20).collect();
        diags.push(
            src.key_error(tax, format!("{name}“{shown}……”太长：有 {} 个字，最多 {MAX_TERM_CHARS} 个", long.chars().count()))
                .hint(format!("{name}是几个字的关键词，例如“主题党日”")),
        );
        terms.retain(|t| t.chars().count() <= MAX_TERM_CHARS);
    }
}

/// A visible page naming a unit this build does not show, or one that does not
/// exist: a warning at its `unit` (the page shows no unit). Pages whose counts
/// need the unit get an error from the compliance records instead.
fn check_page_units(site: &Site, diags: &mut Vec<Diagnostic>) {
    for p in site.pages.iter().filter(|p| p.visible()) {
        let Some(id) = &p.unit else { continue };
        let message = match site.unit_sections.get(id).map(|&s| site.sections[s].hidden) {
            Some(None) => continue,
            Some(Some(h)) => format!("页面所属单位“{id}”{}，本页不显示所属单位", h.reason()),
            None if matches!(p.kind, Some(Kind::Checklist | Kind::Record | Kind::Activity | Kind::StudyPlan | Kind::Dues)) => continue,
            None => format!("页面所属单位“{id}”不存在，本页不显示所属单位"),
        };
        let mut d = p.src.key_error("unit", message).hint("unit 写公开单位的编号（单位文件夹名），或不写 unit（取页面所在的单位文件夹）");
        d.severity = crate::diag::Severity::Warning;
        diags.push(d);
    }
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
/// data: never published publicly; a dues ledger (names, income bases) only to
/// the committee.
fn mark_ledgers(site: &mut Site) {
    let by_rel: HashMap<String, usize> = site.assets.iter().enumerate().map(|(i, a)| (a.rel.clone(), i)).collect();
    for p in 0..site.pages.len() {
        // Whatever the page's kind: a misspelt kind must not publish a ledger.
        let named: Vec<(&str, String)> = ["ledger", "table"].into_iter().filter_map(|key| super::tables::file_named(site, p, key).map(|r| (key, r))).collect();
        for (key, rel) in named {
            if let Some(&a) = by_rel.get(&rel) {
                let a = &mut site.assets[a];
                a.ledger = true;
                a.personal |= key == "ledger";
                a.named_by.push(p);
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
        .map(|t| Taxonomy { name: t.name.clone(), paginate_by: t.paginate_by.unwrap_or(site.config.paginate_by), terms: Vec::new(), term_urls: HashMap::new() })
        .collect();
    let mut order: Vec<usize> = (0..site.pages.len()).filter(|&p| site.pages[p].listed()).collect();
    order.sort_by(|a, b| site.pages[*b].date.cmp(&site.pages[*a].date).then_with(|| site.pages[*a].src.rel.cmp(&site.pages[*b].src.rel)));
    for tax in out.iter_mut() {
        let tax_slug = slugify(&tax.name);
        let mut terms: BTreeMap<String, Term> = BTreeMap::new();
        for &p in &order {
            for name in site.pages[p].taxonomies.get(&tax.name).into_iter().flatten() {
                let slug = slugify(name);
                if !tax.term_urls.contains_key(name) {
                    tax.term_urls.insert(name.clone(), super::urls::marker(&format!("/{tax_slug}/{slug}/")));
                }
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
