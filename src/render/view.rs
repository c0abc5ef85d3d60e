//! Template views: what templates see of the site, as JSON values. Domain types
//! stay free to change; the contract is docs/templates.md.

use super::parts::{ancestors, filesize_text, link, put};
use crate::site::model::{Page, Section};
use crate::site::urls::{marker, slugify};
use crate::site::{Item, Site};
use serde_json::{json, Value};

fn opt_str<T: ToString>(v: &Option<T>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.to_string()))
}

fn unit_ref(site: &Site, id: &Option<String>) -> Value {
    let Some(id) = id else { return Value::Null };
    // A unit this build does not show (an internal one in the public build) or
    // that does not exist is no unit at all: its id never reaches a page or a feed.
    match site.unit_sections.get(id).map(|&s| &site.sections[s]) {
        Some(s) if s.hidden.is_none() => json!({ "id": id, "title": s.title, "url": marker(&s.path) }),
        _ => Value::Null,
    }
}

/// The 红头 of a page (`page.letterhead`): its `issuer`, else its unit's issuing body
/// (`[print.units]`, else the unit's title), else `[print] issuer`.
fn letterhead(site: &Site, p: &Page) -> Value {
    let unit = match p.unit.as_ref().map(|id| (id, site.unit_sections.get(id).map(|&s| &site.sections[s]))) {
        None => None,
        Some((id, Some(s))) if s.hidden.is_none() => Some((id.as_str(), s.title.as_str())),
        // A unit this build does not show (or none of that id): its id and names never
        // reach the page, and the site's issuer is not the unit's.
        Some(_) => return p.issuer.as_deref().map(str::trim).filter(|i| !i.is_empty()).map_or(Value::Null, |i| Value::String(i.to_string())),
    };
    site.config.print.letterhead(p.issuer.as_deref(), unit).map_or(Value::Null, Value::String)
}

/// `page.official`: the page prints as a 公文 (GB/T 9704): a notice, or a page with a
/// 发文字号 or 发文机关 (empty text counts as none, as a template's `{% if %}` sees it).
fn official(p: &Page) -> bool {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    p.kind == Some(crate::content::kind::Kind::Notice) || given(&p.doc_number) || given(&p.issuer)
}

/// `{name, url}` of each of a page's terms in `taxonomy`. The URLs of the terms of
/// listed pages were made once per build (`Taxonomy::term_urls`); a term only an
/// unlisted page has, or one of an undeclared taxonomy, is slugified here.
fn term_list(site: &Site, taxonomy: &str, names: &[String]) -> Value {
    let known = site.taxonomies.iter().find(|t| t.name == taxonomy).map(|t| &t.term_urls);
    let url = |n: &String| match known.and_then(|urls| urls.get(n)) {
        Some(url) => url.clone(),
        None => marker(&format!("/{}/{}/", slugify(taxonomy), slugify(n))),
    };
    Value::Array(names.iter().map(|n| json!({ "name": n, "url": url(n) })).collect())
}

fn terms(site: &Site, page: &Page) -> (Value, Value) {
    let mut map = serde_json::Map::new();
    for (tax, names) in &page.taxonomies {
        map.insert(tax.clone(), term_list(site, tax, names));
    }
    let tags = map.get("tags").cloned().unwrap_or(Value::Array(Vec::new()));
    (Value::Object(map), tags)
}

fn attachments(site: &Site, ids: &[usize]) -> Value {
    Value::Array(
        ids.iter()
            .map(|&a| &site.assets[a])
            .filter(|a| a.published)
            .map(|a| {
                let name = a.name();
                let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
                json!({ "name": name, "url": crate::site::urls::file_marker(&a.path), "ext": ext, "size": a.size, "size_text": filesize_text(a.size) })
            })
            .collect(),
    )
}

/// The list form of a page (no content).
pub fn page_summary(site: &Site, p: &Page) -> Value {
    let tags = p.taxonomies.get("tags").map_or(Value::Array(Vec::new()), |names| term_list(site, "tags", names));
    let mut v = json!({
        "title": p.title,
        "url": marker(&p.path),
        "path": p.path,
        "date": opt_str(&p.date),
        "kind": p.kind.map(|k| k.id()),
        "kind_name": p.kind.map(|k| k.name()),
        "scope": p.scope.id(),
        "description": p.description,
        "summary": p.rendered.summary,
        "expired": p.expired,
        "draft": p.draft,
    });
    put(&mut v, [("tags", tags), ("unit", unit_ref(site, &p.unit)), ("extra", list_extra(&p.extra))]);
    v
}

/// Front matter tables dwgk reads as data (counts, declarations, ledgers): in
/// `page.extra` on the page itself, but not copied into every list entry.
const DOMAIN_KEYS: &[&str] = &["counts", "requirements", "counts_as", "period", "rows", "sessions", "remitted", "ledger", "table", "sheet"];

/// `page.extra`; only a committee build keeps inline ledger rows (real names and
/// income bases: the disclosure view shows each audience what it may see).
fn page_extra(site: &Site, p: &Page) -> Value {
    let mut extra = p.extra.clone();
    if !site.opts.audience.sees_personal_data() {
        extra.remove("rows");
    }
    Value::Object(extra)
}

fn list_extra(extra: &serde_json::Map<String, Value>) -> Value {
    if !extra.keys().any(|k| DOMAIN_KEYS.contains(&k.as_str())) {
        return Value::Object(extra.clone());
    }
    Value::Object(extra.iter().filter(|(k, _)| !DOMAIN_KEYS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Previous (higher) and next (lower) listed page of every page in its section's
/// order; computed once per build.
pub fn neighbours(site: &Site) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = vec![(None, None); site.pages.len()];
    for s in &site.sections {
        let listed: Vec<usize> = s.pages.iter().copied().filter(|&i| site.pages[i].listed()).collect();
        for (k, &p) in listed.iter().enumerate() {
            out[p] = (k.checked_sub(1).map(|j| listed[j]), listed.get(k + 1).copied());
        }
    }
    out
}

pub fn page_full(site: &Site, idx: usize, (higher, lower): (Option<usize>, Option<usize>)) -> Value {
    let p = &site.pages[idx];
    let (taxonomies, tags) = terms(site, p);
    let sec = &site.sections[p.section];
    let neighbour = |i: Option<usize>| match i {
        Some(n) => json!({ "title": site.pages[n].title, "url": marker(&site.pages[n].path), "date": opt_str(&site.pages[n].date) }),
        None => Value::Null,
    };
    let r = &p.rendered;
    let mut v = json!({
        "title": p.title,
        "description": p.description,
        "date": opt_str(&p.date),
        "updated": opt_str(&p.updated),
        "kind": p.kind.map(|k| k.id()),
        "kind_name": p.kind.map(|k| k.name()),
        "scope": p.scope.id(),
        "scope_name": p.scope.name(),
        "draft": p.draft,
        "expired": p.expired,
        "scheduled": p.scheduled,
        "publish_date": opt_str(&p.publish_date),
        "expire_date": opt_str(&p.expire_date),
        "reviewed_by": p.reviewed_by,
        "approved_by": p.approved_by,
        "doc_number": p.doc_number,
        "issuer": p.issuer,
        "official": official(p),
        "weight": p.weight,
        "slug": p.slug,
        "path": p.path,
        "url": marker(&p.path),
        "relative_path": p.src.rel,
        "content": site.page_html(idx),
        "summary": r.summary,
        "char_count": r.char_count,
        "reading_minutes": (r.char_count / 400).max(1),
    });
    put(
        &mut v,
        [
            ("unit", unit_ref(site, &p.unit)),
            ("letterhead", letterhead(site, p)),
            ("toc", toc(&r.headings, &p.path)),
            ("tags", tags),
            ("taxonomies", taxonomies),
            ("extra", page_extra(site, p)),
            ("dues", super::disclosures::dues_view(site, idx)),
            ("study_plan", super::disclosures::study_view(site, idx)),
            ("report_draft", super::draft_page::view(site, idx)),
            ("ancestors", ancestors(site, Some(p.section))),
            ("section", link(&sec.title, &sec.path)),
            ("attachments", attachments(site, &p.assets)),
            ("higher", neighbour(higher)),
            ("lower", neighbour(lower)),
        ],
    );
    v
}

/// Nested table of contents.
fn toc(headings: &[crate::content::markdown::Heading], path: &str) -> Value {
    fn build(hs: &[crate::content::markdown::Heading], i: &mut usize, level: u8, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        while *i < hs.len() && hs[*i].level >= level {
            let h = &hs[*i];
            *i += 1;
            let children = build(hs, i, h.level + 1, path);
            out.push(json!({ "level": h.level, "id": h.id, "title": h.title, "url": format!("{}#{}", marker(path), h.id), "children": children }));
        }
        out
    }
    let min = headings.iter().map(|h| h.level).min().unwrap_or(1);
    let mut i = 0;
    let mut out = Vec::new();
    while i < headings.len() {
        out.extend(build(headings, &mut i, min, path));
    }
    Value::Array(out)
}

/// A section's view; `summary` gives a page's summary as lists hold it (by page
/// index); `with_cells`: compliance lines carry their `cells` (see `compliance::unit_view`).
pub fn section_view(site: &Site, idx: usize, pages: Value, summary: &dyn Fn(usize) -> Value, with_cells: bool) -> Value {
    let s: &Section = &site.sections[idx];
    let subsections: Vec<Value> = s
        .children
        .iter()
        .map(|&c| &site.sections[c])
        .filter(|c| c.hidden.is_none())
        .map(|c| {
            json!({
                "title": c.title, "url": marker(&c.path), "path": c.path,
                "page_count": c.pages.iter().filter(|&&p| site.pages[p].listed()).count(),
                "total_count": subtree_listed(site, c),
                "unit": c.unit,
                "description": c.description,
            })
        })
        .collect();
    let compliance = match (&site.compliance, super::compliance::shown(site)) {
        (Some(c), true) => c.unit_of_section(idx).map_or(Value::Null, |u| super::compliance::unit_view(site, c, &c.report, u, with_cells)),
        _ => Value::Null,
    };
    let catalogue = match &site.compliance {
        Some(c) => c.unit_of_section(idx).filter(|&u| !c.units.is_hidden(u)).map_or(Value::Null, |u| super::catalogue::unit_view(site, c, u)),
        None => Value::Null,
    };
    let pages_by_kind = if s.unit.is_some() { pages_by_kind(site, s, summary) } else { Value::Array(Vec::new()) };
    let mut v = json!({
        "title": s.title,
        "description": s.description,
        "content": s.rendered.html,
        "path": s.path,
        "url": marker(&s.path),
        "relative_path": s.src.as_ref().map(|x| x.rel.clone()),
        "extra": s.extra,
        "unit": s.unit,
        "page_count": s.pages.iter().filter(|&&p| site.pages[p].listed()).count(),
    });
    put(
        &mut v,
        [
            ("compliance", compliance),
            ("catalogue", catalogue),
            ("dues", super::disclosures::dues_history(site, idx)),
            ("pages_by_kind", pages_by_kind),
            ("unit_tree", unit_tree(site, idx)),
            ("ancestors", ancestors(site, s.parent)),
            ("attachments", attachments(site, &s.assets)),
            ("pages", pages),
            ("subsections", Value::Array(subsections)),
            ("toc", toc(&s.rendered.headings, &s.path)),
        ],
    );
    v
}

/// A unit's listed pages grouped by kind, in the order of the contract's kinds.
fn pages_by_kind(site: &Site, s: &Section, summary: &dyn Fn(usize) -> Value) -> Value {
    use crate::content::kind::Kind;
    let groups = Kind::ALL.iter().map(Some).chain(std::iter::once(None)).filter_map(|k| {
        let pages: Vec<Value> = s.pages.iter().filter(|&&p| site.pages[p].listed() && site.pages[p].kind.as_ref() == k).map(|&p| summary(p)).collect();
        (!pages.is_empty()).then(|| {
            let mut g = json!({ "kind": k.map(|k| k.id()), "kind_name": k.map_or("其他", |k| k.name()) });
            put(&mut g, [("pages", Value::Array(pages))]);
            g
        })
    });
    Value::Array(groups.collect())
}

/// The visible units below a section, nested (the 组织机构 tree).
fn unit_tree(site: &Site, idx: usize) -> Value {
    let mut out = Vec::new();
    for &c in &site.sections[idx].children {
        let child = &site.sections[c];
        if child.hidden.is_some() {
            continue;
        }
        let below = unit_tree(site, c);
        match &child.unit {
            Some(u) => out.push(json!({
                "id": u.id, "title": child.title, "url": marker(&child.path), "kind": u.kind,
                "secretary": u.secretary, "members": u.members, "children": below,
            })),
            None => {
                if let Value::Array(items) = below {
                    out.extend(items);
                }
            }
        }
    }
    Value::Array(out)
}

/// Listed pages of a section and all its descendants.
fn subtree_listed(site: &Site, s: &Section) -> usize {
    s.pages.iter().filter(|&&p| site.pages[p].listed()).count() + s.children.iter().map(|&c| subtree_listed(site, &site.sections[c])).sum::<usize>()
}

pub fn item_path(site: &Site, item: Item) -> Option<&str> {
    match item {
        Item::Page(p) => site.pages[p].visible().then_some(site.pages[p].path.as_str()),
        Item::Section(s) => site.sections[s].hidden.is_none().then_some(site.sections[s].path.as_str()),
        Item::Asset(a) => site.assets[a].published.then_some(site.assets[a].path.as_str()),
    }
}
