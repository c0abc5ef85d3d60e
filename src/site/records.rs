//! Site → domain: units from `[unit]` tables, requirement declarations (presets,
//! config, checklists), and facts from records and activities, each problem located
//! in its page. Then the compliance report, computed once per build. Pure.

use super::model::Page;
use super::source::Source;
use super::Site;
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::domain::compliance::{self, Fact, FactKind, Report};
use crate::domain::period::{Per, Period};
use crate::domain::requirement::{self, applicable, match_key, suggest, Applied, Declaration, Origin};
use crate::domain::unit::{Unit, Units};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// Everything the compliance outputs need.
#[derive(Debug)]
pub struct Compliance {
    pub units: Units,
    /// Section index of each unit.
    pub sections: Vec<usize>,
    pub decls: Vec<Declaration>,
    pub facts: Vec<Fact>,
    pub as_of: NaiveDate,
    pub year: i32,
    pub report: Report,
}

impl Compliance {
    /// The report for another year (for `dwgk report --year` and the xlsx sheets).
    pub fn report_for(&self, year: i32) -> Report {
        compliance::compute(&self.units, &self.decls, &self.facts, year, self.as_of)
    }

    /// Years that have facts, up to `as_of`, plus the reporting year.
    pub fn years(&self) -> Vec<i32> {
        let mut ys: Vec<i32> = self.facts.iter().map(|f| f.period.year).filter(|y| *y <= self.as_of.year()).collect();
        ys.push(self.year);
        ys.sort_unstable();
        ys.dedup();
        ys
    }

    pub fn unit_of_section(&self, section: usize) -> Option<usize> {
        self.sections.iter().position(|&s| s == section)
    }
}

/// Returns the model, its problems, and notes (overrides) that only `check` prints.
pub fn build(site: &Site) -> (Compliance, Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (units, sections) = units(site, &mut diags);
    let decls = declarations(site, &units, &mut diags);
    let as_of = site.as_of();
    let year = site.config.compliance.year.unwrap_or_else(|| as_of.year());
    let facts = facts(site, &units, &decls, as_of, &mut diags);
    let mut notes = Vec::new();
    note_overrides(site, &units, &decls, &mut notes);
    note_uncovered(site, &units, &decls, &mut notes);
    let report = compliance::compute(&units, &decls, &facts, year, as_of);
    for ig in &report.ignored {
        let unit = &units.list[ig.unit];
        diags.push(
            Diagnostic::warning(format!("{}“{}”在 {} 既有整段记录又有更细的记录：整段的次数不计，按各月/季分别统计", unit.title, ig.req, ig.period))
                .file(format!("content/{}", ig.pages.first().cloned().unwrap_or_default()))
                .hint("同一事项同一时段只用一种记法：要么按季度记一个总数，要么按月分别记"),
        );
    }
    (Compliance { units, sections, decls, facts, as_of, year, report }, diags, notes)
}

fn units(site: &Site, diags: &mut Vec<Diagnostic>) -> (Units, Vec<usize>) {
    let mut list: Vec<Unit> = Vec::new();
    let mut sections: Vec<usize> = Vec::new();
    // Tree order with each folder's display order, so parents come before children
    // and units appear as they do in the site (第一, 第二, 第三 …).
    for i in section_tree_order(site) {
        let s = &site.sections[i];
        let Some(info) = &s.unit else { continue };
        let display = s.src.as_ref().map_or_else(String::new, |x| x.display.clone());
        if let Some(j) = list.iter().position(|u| u.id == info.id) {
            let first = site.sections[sections[j]].src.as_ref().map_or_else(String::new, |x| x.display.clone());
            diags.push(
                Diagnostic::error(format!("两个单位的编号都是“{}”：{first} 和 {display}", info.id))
                    .file(display)
                    .hint("单位编号取自文件夹名，需全站唯一：给其中一个文件夹改名，或在 [unit] 里写 id = \"…\""),
            );
            continue;
        }
        let parent = nearest_unit_section(site, s.parent).and_then(|p| sections.iter().position(|&x| x == p));
        list.push(Unit { id: info.id.clone(), title: s.title.clone(), kind: info.kind.clone(), parent });
        sections.push(i);
    }
    let mut units = Units::new(list);
    for (u, &i) in sections.iter().enumerate() {
        if site.sections[i].hidden.is_some() {
            units.hide(u);
        }
    }
    (units, sections)
}

fn section_tree_order(site: &Site) -> Vec<usize> {
    let mut out = vec![0];
    let mut i = 0;
    while i < out.len() {
        out.splice(i + 1..i + 1, site.sections[out[i]].children.iter().copied());
        i += 1;
    }
    out
}

fn nearest_unit_section(site: &Site, mut cur: Option<usize>) -> Option<usize> {
    while let Some(s) = cur {
        if site.sections[s].unit.is_some() {
            return Some(s);
        }
        cur = site.sections[s].parent;
    }
    None
}

/// The unit a page's counts belong to, or an error if it has none.
fn page_unit(site: &Site, units: &Units, page: &Page, diags: &mut Vec<Diagnostic>) -> Option<usize> {
    let sec = &site.sections[page.section];
    if sec.unit.is_none() && sec.src.is_none() && !sec.dir.is_empty() {
        let owner = page.unit.as_deref().unwrap_or("（无）");
        diags.push(
            Diagnostic::warning(format!("文件夹 content/{}/ 没有 _index.md，不是一个单位；本页计入上级单位“{owner}”", sec.dir))
                .file(&page.src.display)
                .hint(format!("如果这是一个单位，新建 content/{}/_index.md 并写 [unit] 表（kind、secretary、members）", sec.dir)),
        );
    }
    match page.unit.as_deref().and_then(|id| units.find(id)) {
        Some(u) => Some(u),
        None => {
            let msg = match &page.unit {
                Some(id) => format!("页面所属单位“{id}”不存在"),
                None => format!("{}不属于任何单位，无法计入达标统计", page.kind.map_or("页面", Kind::name)),
            };
            let d = if page.unit.is_some() { page.src.key_error("unit", msg) } else { Diagnostic::error(msg).file(&page.src.display) };
            diags.push(d.hint("把页面放进某个单位文件夹（其 _index.md 有 [unit] 表），或写 unit = \"单位编号\""));
            None
        }
    }
}

fn counted(p: &Page) -> bool {
    !p.draft
}

fn declarations(site: &Site, units: &Units, diags: &mut Vec<Diagnostic>) -> Vec<Declaration> {
    let mut decls: Vec<Declaration> = Vec::new();
    for name in &site.config.presets {
        for req in requirement::preset(name).unwrap_or_default() {
            decls.push(Declaration { req, origin: Origin::Preset { name: name.clone() } });
        }
    }
    for req in &site.config.requirements {
        decls.push(Declaration { req: req.clone(), origin: Origin::Config });
    }
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(entries) = p.extra.get("requirements") else { continue };
        let Some(unit) = page_unit(site, units, p, diags) else { continue };
        let entries: Vec<&Value> = match entries {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut seen: Vec<String> = Vec::new();
        for (n, v) in entries.into_iter().enumerate() {
            match requirement::parse_entry(v) {
                Ok(req) if seen.contains(&req.id) => diags
                    .push(p.src.nth_error("[[requirements]]", n, format!("责任清单中要求编号“{}”重复声明", req.id)).hint("同一编号在一份清单里只能声明一次")),
                Ok(req) => {
                    seen.push(req.id.clone());
                    decls.push(Declaration { req, origin: Origin::Checklist { unit, page: p.src.rel.clone() } });
                }
                Err(errs) => diags.extend(
                    errs.into_iter().map(|e| p.src.nth_error("[[requirements]]", n, format!("第 {} 个 [[requirements]]：{}", n + 1, e.message)).hint(e.hint)),
                ),
            }
        }
    }
    decls
}

/// `check` notes where a nearer declaration replaces a different farther one.
fn note_overrides(site: &Site, units: &Units, decls: &[Declaration], diags: &mut Vec<Diagnostic>) {
    for (u, unit) in units.list.iter().enumerate() {
        for a in applicable(units, decls, u) {
            let Origin::Checklist { unit: owner, page } = a.origin else { continue };
            if *owner != u {
                continue;
            }
            for o in &a.overrides {
                let Some(other) = decls.iter().find(|d| &d.origin == *o && d.req.id == a.req.id) else { continue };
                if other.req.per != a.req.per || other.req.min != a.req.min {
                    let from = match o {
                        Origin::Preset { name } => format!("预设 {name}"),
                        Origin::Config => "config.toml".into(),
                        Origin::Checklist { page, .. } => format!("content/{page}"),
                    };
                    let src = site.by_rel.get(page).and_then(|i| match i {
                        super::Item::Page(p) => Some(&site.pages[*p].src),
                        _ => None,
                    });
                    let msg = format!(
                        "{}的责任清单把“{}”定为{}不少于{}{}，取代了{}中的{}不少于{}{}（就近的声明优先）",
                        unit.title,
                        a.req.name,
                        a.req.per.name(),
                        a.req.min,
                        a.req.measure,
                        from,
                        other.req.per.name(),
                        other.req.min,
                        other.req.measure
                    );
                    let d = match src {
                        Some(s) => warning_at(s, &a.req.id, msg),
                        None => crate::diag::Diagnostic::warning(msg),
                    };
                    diags.push(d.hint("如果这是有意的本地规定，可以忽略这条提示"));
                }
            }
        }
    }
}

/// `check` lists frequencies a checklist states in prose that no declared
/// requirement covers, with the `[[requirements]]` entry to add.
fn note_uncovered(site: &Site, units: &Units, decls: &[Declaration], notes: &mut Vec<Diagnostic>) {
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(unit) = p.unit.as_deref().and_then(|id| units.find(id)) else { continue };
        let reqs: Vec<requirement::Requirement> = applicable(units, decls, unit).into_iter().map(|a| a.req.clone()).collect();
        for e in crate::domain::extract::extract(&p.src.text) {
            if crate::domain::extract::covered_by(&e, &reqs) {
                continue;
            }
            let entry = crate::domain::extract::toml_entry(&e, &format!("req{}", e.line));
            notes.push(
                Diagnostic::warning(format!(
                    "责任清单写明了“{}”（{}不少于{}{}），但没有对应的 [[requirements]]，不会统计",
                    e.text,
                    e.per.name(),
                    e.min,
                    e.measure
                ))
                .file(&p.src.display)
                .at_line(&p.src.text, e.line)
                .hint(format!("如需统计，在 front matter 中加入（编号 id 可改为易记的拼音）：\n{}", entry.trim_end())),
            );
        }
    }
}

/// A warning at this entry's `id = "…"` value, or at the file when not found.
fn warning_at(src: &Source, id: &str, msg: String) -> Diagnostic {
    let quoted = format!("\"{id}\"");
    let d = Diagnostic::warning(msg).file(&src.display);
    match src.text.find(&quoted) {
        Some(i) => d.at_span(&src.text, i, i + quoted.len()),
        None => d,
    }
}

fn facts(site: &Site, units: &Units, decls: &[Declaration], as_of: NaiveDate, diags: &mut Vec<Diagnostic>) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut applied_cache: Vec<Option<Vec<Applied<'_>>>> = vec![None; units.list.len()];
    for (i, p) in site.pages.iter().enumerate().filter(|(_, p)| counted(p)) {
        // Only pages that state counts take part; a narrative record needs no unit.
        let kind = match p.kind {
            Some(k @ Kind::Record) if p.extra.contains_key("counts") || p.extra.contains_key("period") => k,
            Some(k @ (Kind::Activity | Kind::StudyPlan)) if p.extra.contains_key("counts_as") => k,
            _ => continue,
        };
        let Some(unit) = page_unit(site, units, p, diags) else { continue };
        let applied = applied_cache[unit].get_or_insert_with(|| applicable(units, decls, unit));
        match kind {
            Kind::Record => record_facts(p, unit, applied, &mut out, diags),
            Kind::StudyPlan => study_facts(site, i, unit, applied, as_of, &mut out, diags),
            _ => activity_facts(p, unit, applied, as_of, &mut out, diags),
        }
    }
    out
}

fn record_facts(p: &Page, unit: usize, applied: &[Applied<'_>], out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    let period = match p.extra.get("period") {
        Some(Value::String(s)) => Period::parse(s),
        Some(Value::Number(n)) => n.as_i64().and_then(|y| Period::parse(&y.to_string())),
        None => {
            diags.push(
                Diagnostic::error("工作记录缺少统计时段 period")
                    .file(&p.src.display)
                    .at_line(&p.src.text, 1)
                    .hint("加一行 period = \"2024-Q1\"（也可写 2024、2024-H1、2024-03）"),
            );
            return;
        }
        _ => None,
    };
    let Some(period) = period else {
        let written = p.extra.get("period").map(|v| v.to_string()).unwrap_or_default();
        diags.push(
            p.src
                .key_error("period", format!("统计时段 period {written} 无效"))
                .hint("写成 2024（全年）、2024-H1（上半年）、2024-Q1（第一季度）或 2024-03（月份）"),
        );
        return;
    };
    let Some(counts) = p.extra.get("counts") else { return };
    let Some(counts) = counts.as_object() else {
        diags.push(p.src.key_error("counts", "counts 应是一个表").hint("写成：\n[counts]\nzhiweihui = 3"));
        return;
    };
    for (key, v) in counts {
        let Some(count) = count_value(p, key, v, diags) else { continue };
        match match_key(applied, key) {
            Some(req) => out.push(Fact { unit, req: req.id.clone(), period, count, kind: FactKind::Record, page: p.src.rel.clone() }),
            None => diags.push(p.src.key_error(key, format!("[counts] 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, key))),
        }
    }
}

fn count_value(p: &Page, key: &str, v: &Value, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let err = |msg: String, hint: &str, diags: &mut Vec<Diagnostic>| diags.push(p.src.key_error(key, msg).hint(hint));
    match v {
        Value::Number(n) if n.as_u64().is_some() => n.as_u64().and_then(|n| u32::try_from(n).ok()).or_else(|| {
            err(format!("“{key}”的次数 {n} 太大"), "检查是否多写了数字", diags);
            None
        }),
        Value::Number(n) if n.as_i64().is_some_and(|n| n < 0) => {
            err(format!("“{key}”的次数不能是负数（写的是 {n}）"), "填写实际开展的次数，0 表示本期没有开展", diags);
            None
        }
        Value::Number(n) => {
            err(format!("“{key}”的次数应是整数（写的是 {n}）"), "次数、人次只能是整数，例如 3", diags);
            None
        }
        Value::String(s) if s.trim().eq_ignore_ascii_case("x") => {
            err(format!("“{key}”的次数还是模板占位符“{s}”"), "把 x 换成实际次数（数字，不加引号），例如 3", diags);
            None
        }
        Value::String(s) if s.trim().parse::<u32>().is_ok() => s.trim().parse().ok(),
        other => {
            err(format!("“{key}”的次数应是整数，实际是 {other}"), "次数写数字且不加引号，例如 zhiweihui = 3", diags);
            None
        }
    }
}

/// A study plan's `counts_as` requirements.
fn counts_as(p: &Page, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    match p.extra.get("counts_as") {
        None => None,
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(a.iter().filter_map(|v| v.as_str().map(String::from)).collect()),
        Some(other) => {
            diags.push(p.src.key_error("counts_as", format!("counts_as 应是要求编号的列表，实际是 {other}")).hint("例如 counts_as = [\"zhutidangri\"]"));
            None
        }
    }
}

/// Each done session of a plan, up to `as_of`, is one for its month.
fn study_facts(site: &Site, page: usize, unit: usize, applied: &[Applied<'_>], as_of: NaiveDate, out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    let p = &site.pages[page];
    let (Some(keys), Some(plan)) = (counts_as(p, diags), site.study.get(&page)) else { return };
    for key in keys {
        let Some(req) = match_key(applied, &key) else {
            diags.push(p.src.key_error("counts_as", format!("counts_as 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, &key)));
            continue;
        };
        for s in plan.sessions.iter().filter(|s| s.status == crate::domain::study::SessionStatus::Done && s.when.first_day() <= as_of) {
            let (y, m) = s.when.year_month();
            let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else { continue };
            out.push(Fact {
                unit,
                req: req.id.clone(),
                period: Period::containing(Per::Month, first),
                count: 1,
                kind: FactKind::Study,
                page: p.src.rel.clone(),
            });
        }
    }
}

fn activity_facts(p: &Page, unit: usize, applied: &[Applied<'_>], as_of: NaiveDate, out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    let Some(keys) = counts_as(p, diags) else { return };
    let Some(date) = p.date else {
        diags.push(
            Diagnostic::error("活动缺少日期 date，无法计入达标统计")
                .file(&p.src.display)
                .at_line(&p.src.text, 1)
                .hint("加一行 date = 2024-03-15，或把文件命名为 2024-03-15-名称.md"),
        );
        return;
    };
    for key in keys {
        match match_key(applied, &key) {
            Some(req) if date.date <= as_of => out.push(Fact {
                unit,
                req: req.id.clone(),
                period: Period::containing(Per::Month, date.date),
                count: 1,
                kind: FactKind::Activity,
                page: p.src.rel.clone(),
            }),
            Some(_) => {}
            None => diags.push(p.src.key_error("counts_as", format!("counts_as 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, &key))),
        }
    }
}
