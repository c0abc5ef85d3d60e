//! The disclosure catalogue's views: a unit's 党务公开目录 page (`<unit>/catalogue/`,
//! public like the 条例 asks), the 公开及时 block on unit pages and the summary table
//! on `/compliance/`. Timeliness (statuses, dates, rates) appears where compliance
//! does (`compliance::shown`); the catalogue itself and links to the visible
//! disclosures appear in every build.

use super::parts::{ancestors, put};
use crate::domain::catalogue::timeliness::{Cell, Line, Report, Status, Tally, UnitTimeliness};
use crate::domain::catalogue::Category;
use crate::site::records::Compliance;
use crate::site::urls::marker;
use crate::site::{Item, Site};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// A unit's catalogue page, under its own page: `/units/a/` → `/units/a/catalogue/`.
pub fn page_path(site: &Site, c: &Compliance, u: usize) -> String {
    format!("{}catalogue/", site.sections[c.sections[u]].path)
}

/// The symbol beside a status, so it reads without colour.
pub fn symbol(s: Status) -> &'static str {
    match s {
        Status::OnTime => "✓",
        Status::Late => "!",
        Status::Missing => "✗",
        Status::Pending => "…",
    }
}

fn pct(rate: Option<f64>) -> Value {
    rate.map_or(Value::Null, |r| Value::from((r * 1000.0).round() / 10.0))
}

pub fn tally(t: &Tally) -> Value {
    json!({ "on_time": t.on_time, "late": t.late, "missing": t.missing, "pending": t.pending, "due": t.due(), "rate": pct(t.rate()) })
}

pub fn legend() -> Value {
    Value::Array(Status::ALL.iter().map(|s| json!({ "id": s.id(), "name": s.name(), "sym": symbol(*s) })).collect())
}

/// `按时公开`, `逾期21天公开`, `逾期36天未公开`, `进行中（10月15日前）`.
pub fn cell_text(c: &Cell) -> String {
    match c.status {
        Status::OnTime => c.status.name().to_string(),
        Status::Late => format!("逾期{}天公开", c.days),
        Status::Missing => format!("逾期{}天未公开", c.days),
        Status::Pending => format!("进行中（{}前）", c.due.format("%-m月%-d日")),
    }
}

fn notice_text(c: &Cell) -> Option<String> {
    let n = c.notice?;
    Some(match n.shown {
        Some(s) if n.short() => format!("公示{s}个工作日，不足{}个工作日", n.required),
        Some(s) => format!("公示{s}个工作日"),
        None => format!("未写公示截止日期（应公示不少于{}个工作日）", n.required),
    })
}

/// A line's cells as chips (made here, not in a template loop, like compliance chips).
fn chips_html(l: &Line) -> String {
    let mut out = String::from("<ul class=\"chips\">");
    for c in &l.cells {
        let (st, sym) = (c.status.id(), symbol(c.status));
        let _ = write!(
            out,
            "<li class=\"chip tl-{st}\" title=\"{}：{}，应于{}前公开\"><span class=\"chip-label\">{}</span> <span class=\"tl tl-{st}\"><span class=\"st-sym\" aria-hidden=\"true\">{sym}</span>{}</span></li>",
            c.label(),
            cell_text(c),
            c.due.format("%Y-%m-%d"),
            if c.period.is_some() { c.period.map_or(String::new(), |p| p.label()) } else { c.label() },
            cell_text(c),
        );
    }
    out.push_str("</ul>");
    out
}

/// Pages of a cell the audience may see, as links.
fn page_links(site: &Site, c: &Cell) -> Value {
    Value::Array(
        c.pages
            .iter()
            .filter_map(|rel| match site.by_rel.get(rel) {
                Some(Item::Page(p)) if site.pages[*p].visible() => Some(&site.pages[*p]),
                _ => None,
            })
            .map(|p| json!({ "title": p.title, "url": marker(&p.path), "date": p.date.map(|d| d.to_string()) }))
            .collect(),
    )
}

fn line_view(site: &Site, l: &Line, shown: bool, with_cells: bool) -> Value {
    let i = &l.item;
    let mut v = json!({
        "id": i.id, "name": i.name, "category": i.category.id(), "category_name": i.category.name(),
        "scope": i.reach.id(), "scope_name": i.reach.name(), "per": i.freq.id(), "per_name": i.freq.name(),
        "deadline": i.deadline.text(i.freq), "notice_days": i.notice_days, "basis": i.basis,
    });
    // Every page that disclosed the item this year, once, in the order of its periods.
    let mut disclosed: Vec<Value> = Vec::new();
    for c in &l.cells {
        if let Value::Array(links) = page_links(site, c) {
            for link in links {
                if !disclosed.iter().any(|d| d["url"] == link["url"]) {
                    disclosed.push(link);
                }
            }
        }
    }
    put(&mut v, [("pages", Value::Array(disclosed))]);
    if shown {
        put(&mut v, [("tally", tally(&l.tally)), ("chips", Value::String(chips_html(l)))]);
        if with_cells {
            let cells: Vec<Value> = l
                .cells
                .iter()
                .map(|c| {
                    json!({
                        "key": c.key(), "label": c.label(), "status": c.status.id(), "status_name": c.status.name(), "sym": symbol(c.status),
                        "text": cell_text(c), "due": c.due.format("%Y-%m-%d").to_string(), "published": c.published.map(|d| d.format("%Y-%m-%d").to_string()),
                        "days": c.days, "notice": notice_text(c), "pages": page_links(site, c),
                    })
                })
                .collect();
            put(&mut v, [("cells", Value::Array(cells))]);
        }
    }
    v
}

fn unit_report(c: &Compliance, u: usize) -> Option<&UnitTimeliness> {
    c.catalogue.report.as_ref().map(|r| &r.units[u]).filter(|r| !r.lines.is_empty())
}

/// `section.catalogue` of a unit page: its items, the link to its catalogue page,
/// and (where compliance is shown) timeliness.
pub fn unit_view(site: &Site, c: &Compliance, u: usize) -> Value {
    let Some(r) = unit_report(c, u) else { return Value::Null };
    let shown = super::compliance_shared::shown(site);
    let mut v = json!({ "url": marker(&page_path(site, c, u)), "shown": shown, "year": c.year });
    if shown {
        put(&mut v, [("tally", tally(&r.tally)), ("rollup", tally(&r.rollup)), ("statuses", legend())]);
    }
    put(&mut v, [("lines", Value::Array(r.lines.iter().map(|l| line_view(site, l, shown, false)).collect()))]);
    v
}

/// `catalogue` of a unit's 党务公开目录 page: items grouped by category.
pub fn page_view(site: &Site, c: &Compliance, u: usize) -> Value {
    let r = unit_report(c, u);
    let shown = super::compliance_shared::shown(site);
    let section = c.sections[u];
    let groups: Vec<Value> = Category::ALL
        .iter()
        .filter_map(|cat| {
            let lines: Vec<Value> = r?.lines.iter().filter(|l| l.item.category == *cat).map(|l| line_view(site, l, shown, true)).collect();
            (!lines.is_empty()).then(|| {
                let mut g = json!({ "category": cat.id(), "category_name": cat.name() });
                put(&mut g, [("items", Value::Array(lines))]);
                g
            })
        })
        .collect();
    let unit = &c.units.list[u];
    let ancestors = ancestors(site, Some(section));
    let mut v = json!({
        "title": format!("{}党务公开目录", unit.title), "year": c.year, "as_of": c.as_of.format("%Y-%m-%d").to_string(), "shown": shown,
        "unit": { "id": unit.id, "title": unit.title, "kind": unit.kind, "url": marker(&site.sections[section].path) },
    });
    if let (true, Some(r)) = (shown, r) {
        put(&mut v, [("tally", tally(&r.tally)), ("rollup", tally(&r.rollup)), ("statuses", legend())]);
    }
    put(&mut v, [("groups", Value::Array(groups)), ("ancestors", ancestors)]);
    v
}

/// `compliance.timeliness` on `/compliance/`: one row per shown unit with a catalogue.
pub fn summary_view(site: &Site, c: &Compliance, report: &Report) -> Value {
    let rows: Vec<Value> = c
        .units
        .shown_order()
        .into_iter()
        .filter(|&u| !report.units[u].lines.is_empty() || report.units[u].rollup.due() + report.units[u].rollup.pending > 0)
        .map(|u| {
            let r = &report.units[u];
            json!({
                "id": c.units.list[u].id, "title": super::compliance_shared::unit_title(site, c, u), "kind": c.units.list[u].kind, "depth": c.units.depth(u),
                "url": (!r.lines.is_empty()).then(|| marker(&page_path(site, c, u))), "tally": tally(&r.tally), "rollup": tally(&r.rollup),
            })
        })
        .collect();
    if rows.is_empty() {
        return Value::Null;
    }
    let mut v = json!({ "year": report.year, "statuses": legend(), "download": marker(super::catalogue_export::CSV_FILE) });
    put(&mut v, [("units", Value::Array(rows))]);
    v
}

/// The shown units whose catalogue page this build writes.
fn page_units(site: &Site) -> Vec<usize> {
    let Some(c) = site.compliance.as_ref() else { return Vec::new() };
    c.units.shown_order().into_iter().filter(|&u| unit_report(c, u).is_some() && site.sections[c.sections[u]].hidden.is_none()).collect()
}

/// Sitemap entries of the catalogue pages.
pub fn sitemap(site: &Site) -> Vec<Value> {
    let Some(c) = site.compliance.as_ref() else { return Vec::new() };
    page_units(site).into_iter().map(|u| json!({ "url": marker(&page_path(site, c, u)), "lastmod": Value::Null })).collect()
}

/// The catalogue pages: one per shown unit with catalogue items.
pub(super) fn jobs<'a>(site: &'a Site, jobs: &mut Vec<super::Job<'a>>) {
    let Some(c) = site.compliance.as_ref() else { return };
    for u in page_units(site) {
        let origin = site.sections[c.sections[u]].src.as_ref().map_or_else(|| "catalogue".to_string(), |s| s.display.clone());
        jobs.push(super::Job {
            output: super::index_file(&page_path(site, c, u)),
            template: "catalogue.html".into(),
            origin,
            vars: Box::new(move || super::vars(vec![("catalogue", page_view(site, c, u))])),
            form: super::Form::Html,
        });
    }
}
