//! Site → disclosure catalogue: items from presets, config.toml and units' own
//! `[[catalogue]]` entries (a unit's `_index.md` or checklist), the pages that
//! disclose them (by `discloses`, else by kind or tag), and the timeliness report.
//! Every problem is located in its page. Pure.

use super::{counted, page_unit};
use crate::content::kind::{Audience, Kind, Scope};
use crate::diag::Diagnostic;
use crate::domain::catalogue::timeliness::{self, Disclosure};
use crate::domain::catalogue::{preset, CatalogueDecl, FirstPublished, Frequency, Item, Reach};
use crate::domain::period::Period;
use crate::domain::requirement::{nearest, Origin};
use crate::domain::unit::Units;
use crate::site::model::Page;
use crate::site::source::Source;
use crate::site::{Item as SiteItem, Site};
use chrono::NaiveDate;
use serde_json::Value;

/// The keys a page names the catalogue items it discloses with.
pub const DISCLOSES_KEYS: [&str; 2] = ["discloses", "公开事项"];

/// The catalogue of a build and its timeliness report.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub decls: Vec<CatalogueDecl>,
    pub disclosures: Vec<Disclosure>,
    pub report: Option<timeliness::Report>,
}

impl Catalogue {
    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }
}

/// Declarations, disclosures and the report for `year`; problems into `diags`.
pub(super) fn build(site: &Site, units: &Units, year: i32, as_of: NaiveDate, published: &FirstPublished, diags: &mut Vec<Diagnostic>) -> Catalogue {
    let mut decls = declarations(site, units, diags);
    if decls.is_empty() {
        return Catalogue::default();
    }
    // Pages are matched against every item (a public build checks `discloses` too);
    // a public build then leaves out items declared on pages it does not show. The
    // catalogue itself is public (条例 第三章), internal items included: it says
    // what is disclosed to whom, not the disclosure.
    let disclosures = disclosures(site, units, &decls, published, diags);
    if site.opts.audience == Audience::Public {
        decls.retain(|d| origin_visible(site, &d.origin));
    }
    let report = timeliness::compute(units, &decls, &disclosures, year, as_of, &site.config.compliance.calendar);
    check_paths(site, units, diags);
    Catalogue { decls, disclosures, report: Some(report) }
}

/// Whether a declaring page (or `_index.md`) is visible in this build.
fn origin_visible(site: &Site, o: &Origin) -> bool {
    match o {
        Origin::Checklist { page, .. } => match site.by_rel.get(page) {
            Some(SiteItem::Page(p)) => site.pages[*p].visible(),
            Some(SiteItem::Section(s)) => site.sections[*s].hidden.is_none(),
            _ => false,
        },
        _ => true,
    }
}

fn entries(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// Presets, then config.toml, then each unit's `_index.md` and checklists.
fn declarations(site: &Site, units: &Units, diags: &mut Vec<Diagnostic>) -> Vec<CatalogueDecl> {
    let mut decls: Vec<CatalogueDecl> = Vec::new();
    for name in &site.config.presets {
        decls.extend(preset::preset(name).unwrap_or_default().into_iter().map(|item| CatalogueDecl { item, origin: Origin::Preset { name: name.clone() } }));
    }
    decls.extend(site.config.catalogue.iter().map(|item| CatalogueDecl { item: item.clone(), origin: Origin::Config }));
    let sections = site.sections.iter().filter_map(|s| {
        let unit = units.find(&s.unit.as_ref()?.id)?;
        Some((unit, s.src.as_ref()?, s.extra.get("catalogue")?))
    });
    let mut sources: Vec<(usize, &Source, &Value)> = sections.collect();
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(v) = p.extra.get("catalogue") else { continue };
        if let Some(unit) = page_unit(site, units, p, diags) {
            sources.push((unit, &p.src, v));
        }
    }
    for (unit, src, v) in sources {
        let mut seen: Vec<String> = Vec::new();
        for (n, entry) in entries(v).into_iter().enumerate() {
            match crate::config::parse_catalogue_entry(entry) {
                Ok(item) if seen.contains(&item.id) => {
                    diags.push(src.nth_error("[[catalogue]]", n, format!("公开目录中事项编号“{}”重复声明", item.id)).hint("同一编号在一个页面里只能声明一次"))
                }
                Ok(item) => {
                    seen.push(item.id.clone());
                    decls.push(CatalogueDecl { item, origin: Origin::Checklist { unit, page: src.rel.clone() } });
                }
                Err(errs) => diags
                    .extend(errs.into_iter().map(|e| src.nth_error("[[catalogue]]", n, format!("第 {} 个 [[catalogue]]：{}", n + 1, e.message)).hint(e.hint))),
            }
        }
    }
    decls
}

/// `discloses = ["dangfei"]` (or `公开事项`), as a list; `None` when absent.
fn discloses(p: &Page, diags: &mut Vec<Diagnostic>) -> Option<(&'static str, Vec<String>)> {
    let key = DISCLOSES_KEYS.into_iter().find(|k| p.extra.contains_key(*k))?;
    match &p.extra[key] {
        Value::String(s) => Some((key, vec![s.trim().to_string()])),
        Value::Array(a) if a.iter().all(Value::is_string) => Some((key, a.iter().filter_map(|v| v.as_str()).map(|s| s.trim().to_string()).collect())),
        other => {
            diags.push(p.src.key_error(key, format!("{key} 应是公开事项编号的列表，实际是 {other}")).hint("例如 discloses = [\"dangfei\"]"));
            None
        }
    }
}

/// The period a page discloses: `period`, or a plan's `year`.
fn page_period(p: &Page) -> Option<Period> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => n.as_i64().map(|y| y.to_string()),
        _ => None,
    };
    p.extra.get("period").and_then(text).or_else(|| p.extra.get("year").and_then(text)).and_then(|s| Period::parse(&s))
}

fn match_item<'a>(items: &[&'a Item], key: &str) -> Option<&'a Item> {
    items
        .iter()
        .find(|i| i.id == key)
        .or_else(|| items.iter().find(|i| i.name == key))
        .or_else(|| items.iter().find(|i| i.aliases.iter().any(|a| a == key)))
        .copied()
}

fn suggest(items: &[&Item], key: &str) -> String {
    let names = items.iter().flat_map(|i| [i.id.as_str(), i.name.as_str()].into_iter().chain(i.aliases.iter().map(String::as_str)));
    match crate::diag::did_you_mean(key, names) {
        Some(s) => format!("是不是“{s}”？"),
        None if items.is_empty() => "这个单位没有公开目录：在 config.toml 的 presets 中加 \"gongkai-2017\"，或写 [[catalogue]]".into(),
        None => format!("本单位的公开事项：{}", items.iter().take(12).map(|i| format!("{}（{}）", i.id, i.name)).collect::<Vec<_>>().join("、")),
    }
}

/// The pages that disclose catalogue items: those naming them in `discloses`, and
/// (when a page names none) those of an item's `kinds` or carrying one of its `tags`.
fn disclosures(site: &Site, units: &Units, decls: &[CatalogueDecl], published: &FirstPublished, diags: &mut Vec<Diagnostic>) -> Vec<Disclosure> {
    let mut out = Vec::new();
    let mut cache: Vec<Option<Vec<&Item>>> = vec![None; units.list.len()];
    for p in site.pages.iter().filter(|p| counted(p)) {
        let explicit = discloses(p, diags);
        let unit = match (p.unit.as_deref().and_then(|id| units.find(id)), &explicit) {
            (Some(u), _) => u,
            (None, Some(_)) => match page_unit(site, units, p, diags) {
                Some(u) => u,
                None => continue,
            },
            (None, None) => continue,
        };
        let items: &Vec<&Item> = cache[unit].get_or_insert_with(|| nearest(units, decls, unit).into_iter().map(|(d, _)| &d.item).collect());
        let mut matched: Vec<&Item> = Vec::new();
        match &explicit {
            Some((key, names)) => {
                for name in names {
                    match match_item(items, name) {
                        Some(i) if !matched.iter().any(|m| m.id == i.id) => matched.push(i),
                        Some(_) => {}
                        None => diags.push(p.src.key_error(key, format!("{key} 中的“{name}”不是本单位公开目录中的事项")).hint(suggest(items, name))),
                    }
                }
            }
            None => {
                let kind = p.kind.map(Kind::id);
                let tags = p.taxonomies.get("tags");
                matched.extend(
                    items
                        .iter()
                        .copied()
                        .filter(|i| kind.is_some_and(|k| i.kinds.iter().any(|x| x == k)) || tags.is_some_and(|t| t.iter().any(|t| i.tags.contains(t)))),
                );
            }
        }
        for item in matched {
            if let Some(d) = disclosure(p, unit, item, explicit.is_some(), published, diags) {
                out.push(d);
            }
        }
    }
    out
}

fn disclosure(p: &Page, unit: usize, item: &Item, explicit: bool, published: &FirstPublished, diags: &mut Vec<Diagnostic>) -> Option<Disclosure> {
    let (period, event) = match item.freq {
        Frequency::Every(_) => match page_period(p) {
            Some(period) => (Some(period), None),
            None => {
                if explicit {
                    diags.push(
                        Diagnostic::warning(format!("本页公开了“{}”（{}），但没有写公开的是哪个时段 period，暂不计入", item.name, item.freq.name()))
                            .file(&p.src.display)
                            .at_line(&p.src.text, 1)
                            .hint("加一行 period = \"2024-Q3\"（也可写 2024、2024-H1、2024-03）"),
                    );
                }
                return None;
            }
        },
        Frequency::Event => (None, p.date.or(p.publish_date).map(|d| d.date)),
    };
    if item.reach == Reach::Public && p.scope == Scope::Internal {
        let mut d = p.src.key_error("scope", format!("公开目录要求“{}”向社会公开，本页是党内公开，不算作已公开", item.name));
        d.severity = crate::diag::Severity::Warning;
        diags.push(d.hint("确需向社会公开的，删去 scope = \"internal\"；只在党内公开的，请在公开目录中把该事项的 scope 改为 internal"));
        return None;
    }
    let stated = p.publish_date.or(p.date).map(|d| d.date);
    let Some(day) = published.resolve(&p.src.display, p.visible(), stated) else {
        diags.push(
            Diagnostic::warning(format!("本页公开了“{}”，但没有公开时间 date，无法判断是否按时公开，暂不计入", item.name))
                .file(&p.src.display)
                .at_line(&p.src.text, 1)
                .hint("加一行 date = 2024-10-10（公开的日期）"),
        );
        return None;
    };
    Some(Disclosure { unit, item: item.id.clone(), period, event, published: day, until: p.expire_date.map(|d| d.date), page: p.src.rel.clone() })
}

/// `<unit>/catalogue/` is the unit's catalogue page: nothing else may take it.
fn check_paths(site: &Site, units: &Units, diags: &mut Vec<Diagnostic>) {
    let catalogue_pages: std::collections::HashMap<String, &str> = site
        .sections
        .iter()
        .filter(|s| s.unit.as_ref().is_some_and(|u| units.find(&u.id).is_some()) && s.hidden.is_none())
        .map(|s| (format!("{}catalogue/", s.path), s.title.as_str()))
        .collect();
    for p in site.pages.iter().filter(|p| p.visible()) {
        if let Some(unit) = catalogue_pages.get(&p.path) {
            diags.push(Diagnostic::error(format!("网址 {} 是“{unit}”的党务公开目录页", p.path)).file(&p.src.display).hint("给这个页面换一个文件名或 slug"));
        }
    }
}

/// `check`: every catalogue item still not disclosed after its deadline, at the
/// unit's `_index.md` (what the unit's officer must publish).
pub(super) fn note_overdue(site: &Site, units: &Units, sections: &[usize], c: &Catalogue, notes: &mut Vec<Diagnostic>) {
    let Some(report) = &c.report else { return };
    for u in units.shown_order() {
        let section = &site.sections[sections[u]];
        for l in &report.units[u].lines {
            for cell in l.cells.iter().filter(|c| c.status == timeliness::Status::Missing) {
                let how = match (l.item.kinds.first(), cell.period) {
                    (Some(k), Some(p)) => format!("发布 kind = \"{k}\"、period = \"{}\" 的页面", p.id()),
                    (_, Some(p)) => format!("发布 period = \"{}\" 的页面，并写 discloses = [\"{}\"]", p.id(), l.item.id),
                    _ => format!("发布页面，并写 discloses = [\"{}\"]", l.item.id),
                };
                let d = Diagnostic::warning(format!(
                    "{}的“{}”{}应在 {} 前公开，已逾期 {} 天，仍未公开",
                    units.list[u].title,
                    l.item.name,
                    cell.label(),
                    cell.due.format("%Y-%m-%d"),
                    cell.days
                ));
                let d = match &section.src {
                    Some(src) => match src.text.find("[unit]") {
                        Some(i) => d.file(&src.display).at_span(&src.text, i, i + "[unit]".len()),
                        None => d.file(&src.display).at_line(&src.text, 1),
                    },
                    None => d,
                };
                notes.push(d.hint(format!("{how}（公开目录：{}）", l.item.deadline.text(l.item.freq))));
            }
        }
    }
}

/// Every build: a 公示 shorter than the item's 公示期, at the page's `expire_date`.
pub(super) fn check_notices(site: &Site, units: &Units, c: &Catalogue, diags: &mut Vec<Diagnostic>) {
    let Some(report) = &c.report else { return };
    for u in units.shown_order() {
        for l in &report.units[u].lines {
            for cell in &l.cells {
                let (Some(n), Some(first)) = (cell.notice.filter(|n| n.short()), cell.pages.first()) else { continue };
                let Some(SiteItem::Page(p)) = site.by_rel.get(first) else { continue };
                let p = &site.pages[*p];
                let (message, hint) = match n.shown {
                    Some(shown) => (
                        format!("“{}”要求公示不少于 {} 个工作日，本页只公示了 {shown} 个工作日", l.item.name, n.required),
                        format!(
                            "把 expire_date（公示截止日期）延后，使公示满 {} 个工作日（周末和 config.toml 中 [compliance] holidays 列出的节假日不算，workdays 列出的调休上班日算）",
                            n.required
                        ),
                    ),
                    None => (
                        format!("“{}”要求公示不少于 {} 个工作日，本页没有写公示截止日期 expire_date", l.item.name, n.required),
                        "加一行 expire_date = 2024-06-26（公示截止日期），公示期按工作日计算".to_string(),
                    ),
                };
                let mut d = p.src.key_error("expire_date", message);
                d.severity = crate::diag::Severity::Warning;
                diags.push(d.hint(hint));
            }
        }
    }
}
