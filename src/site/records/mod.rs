//! Site → domain: units from `[unit]` tables, requirement declarations (presets,
//! config, checklists), and facts from records and activities, each problem located
//! in its page. Then the compliance report, computed once per build. Pure.

pub mod catalogue;
mod declarations;
pub mod drafts;
mod facts;
pub mod placeholders;

use declarations::{declarations, note_overrides, note_uncovered};
use facts::facts;

use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::domain::catalogue::FirstPublished;
use crate::domain::compliance::{self, Fact, Report};
use crate::domain::requirement::Declaration;
use crate::domain::unit::{Unit, Units};
use crate::site::model::Page;
use crate::site::Site;
use chrono::{Datelike, NaiveDate};

/// Everything the compliance outputs need.
#[derive(Debug)]
pub struct Compliance {
    pub units: Units,
    /// Section index of each unit.
    pub sections: Vec<usize>,
    pub decls: Vec<Declaration>,
    /// Sorted by unit (stable: each unit's in page order), so `facts_of` is a slice.
    pub facts: Vec<Fact>,
    /// Where each unit's facts start in `facts` (one more entry than units).
    fact_starts: Vec<usize>,
    pub as_of: NaiveDate,
    pub year: i32,
    pub report: Report,
    /// The disclosure catalogue (党务公开目录) and its timeliness report.
    pub catalogue: catalogue::Catalogue,
    /// Pages that render a 情况报告 draft.
    pub drafts: Vec<drafts::DraftPage>,
}

impl Compliance {
    /// A summary of `report` with no facts, no catalogue and no drafts (tests of the views).
    #[cfg(test)]
    pub fn of_report(units: Units, decls: Vec<Declaration>, report: Report) -> Compliance {
        let n = units.list.len();
        Compliance {
            sections: (0..n).collect(),
            fact_starts: vec![0; n + 1],
            as_of: report.as_of,
            year: report.year,
            units,
            decls,
            facts: Vec::new(),
            report,
            catalogue: Default::default(),
            drafts: Vec::new(),
        }
    }

    /// The report for another year (for `dwgk report --year` and the xlsx sheets).
    pub fn report_for(&self, year: i32) -> Report {
        compliance::compute(&self.units, &self.decls, &self.facts, year, self.as_of)
    }

    /// The timeliness report of `year`: the build's, or computed for another year
    /// (`None` without a catalogue).
    pub fn timeliness_for(&self, year: i32, calendar: &crate::domain::catalogue::Calendar) -> Option<std::borrow::Cow<'_, crate::domain::catalogue::Report>> {
        use std::borrow::Cow;
        match self.catalogue.report.as_ref() {
            Some(r) if r.year == year => Some(Cow::Borrowed(r)),
            Some(_) => Some(Cow::Owned(crate::domain::catalogue::timeliness::compute(
                &self.units,
                &self.catalogue.decls,
                &self.catalogue.disclosures,
                year,
                self.as_of,
                calendar,
            ))),
            None => None,
        }
    }

    /// The facts of one unit.
    pub fn facts_of(&self, unit: usize) -> &[Fact] {
        &self.facts[self.fact_starts[unit]..self.fact_starts[unit + 1]]
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

/// Returns the model, its problems, and notes (overrides, overdue disclosures) that
/// only `check` prints. `published`: when pages were really published (the journal).
pub fn build(site: &Site, published: &FirstPublished) -> (Compliance, Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (units, sections) = units(site, &mut diags);
    let decls = declarations(site, &units, &mut diags);
    let as_of = site.as_of();
    let year = site.config.compliance.year.unwrap_or_else(|| as_of.year());
    let mut facts = facts(site, &units, &decls, as_of, &mut diags);
    note_outside_life(&units, &facts, &mut diags);
    facts.sort_by_key(|f| f.unit);
    let fact_starts = (0..=units.list.len()).map(|u| facts.partition_point(|f| f.unit < u)).collect();
    let mut notes = Vec::new();
    note_overrides(site, &units, &decls, &mut notes);
    note_uncovered(site, &units, &decls, &mut notes);
    let report = compliance::compute(&units, &decls, &facts, year, as_of);
    let catalogue = catalogue::build(site, &units, year, as_of, published, &mut diags);
    catalogue::note_overdue(site, &units, &sections, &catalogue, &mut notes);
    catalogue::check_notices(site, &units, &catalogue, &mut diags);
    placeholders::check(site, &mut diags);
    let drafts = drafts::find(site, &units, year, &mut diags);
    for ig in &report.ignored {
        let unit = &units.list[ig.unit];
        diags.push(
            Diagnostic::warning(format!("{}“{}”在 {} 既有整段记录又有更细的记录：整段的次数不计，按各月/季分别统计", unit.title, ig.req, ig.period))
                .file(format!("content/{}", ig.pages.first().cloned().unwrap_or_default()))
                .hint("同一事项同一时段只用一种记法：要么按季度记一个总数，要么按月分别记"),
        );
    }
    (Compliance { units, sections, decls, facts, fact_starts, as_of, year, report, catalogue, drafts }, diags, notes)
}

/// A record or activity of a period the unit did not exist in counts for nothing:
/// one warning per page and period.
fn note_outside_life(units: &Units, facts: &[Fact], diags: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, crate::domain::period::Period)> = Vec::new();
    for f in facts.iter().filter(|f| units.list[f.unit].life.outside(f.period)) {
        if seen.contains(&(f.page.as_str(), f.period)) {
            continue;
        }
        seen.push((f.page.as_str(), f.period));
        let u = &units.list[f.unit];
        let when = match (u.life.established, u.life.dissolved) {
            (Some(e), _) if e > f.period.end() => format!("成立于 {e}"),
            (_, Some(d)) => format!("已于 {d} 撤销"),
            _ => continue,
        };
        diags.push(
            Diagnostic::warning(format!("{}{when}，{} 的记录不计入达标统计", u.title, f.period.full_label()))
                .file(format!("content/{}", f.page))
                .hint("检查记录的时段或日期；成立日期、撤销日期写在单位 _index.md 的 [unit] 中（established / 成立日期、dissolved / 撤销日期）"),
        );
    }
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
            // Once for each file: page-level isolation holds back both `_index.md`.
            for file in [&first, &display] {
                diags.push(
                    Diagnostic::error(format!("两个单位的编号都是“{}”：{first} 和 {display}", info.id))
                        .file(file)
                        .hint("单位编号取自文件夹名，需全站唯一：给其中一个文件夹改名，或在 [unit] 里写 id = \"…\""),
                );
            }
            continue;
        }
        let parent = nearest_unit_section(site, s.parent).and_then(|p| sections.iter().position(|&x| x == p));
        let life = crate::domain::life::Life { established: info.established, dissolved: info.dissolved };
        list.push(Unit { id: info.id.clone(), title: s.title.clone(), kind: info.kind.clone(), parent, life });
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
