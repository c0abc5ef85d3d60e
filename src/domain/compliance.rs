//! The compliance engine: for each unit, requirement and period of a year up to
//! `as_of`, did what must happen happen? Pure: facts in, statuses out; computed
//! once per build. Rules: content-model.md, "Compliance rules in detail".

use super::life::Life;
use super::period::{Per, Period};
use super::requirement::{applicable, Declaration, Origin, Requirement};
use super::unit::Units;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Met,
    Short,
    Pending,
    Missing,
    Na,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Met => "达标",
            Status::Short => "未达标",
            Status::Pending => "进行中",
            Status::Missing => "无记录",
            Status::Na => "不适用",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Short => "short",
            Status::Pending => "pending",
            Status::Missing => "missing",
            Status::Na => "na",
        }
    }
}

/// Where a count came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FactKind {
    Record,
    Activity,
    Study,
}

/// One statement that something happened: `count` times `req` in `period` at `unit`.
/// Activities and study sessions are facts for the month of their date.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub unit: usize,
    pub req: String,
    pub period: Period,
    pub count: u32,
    pub kind: FactKind,
    /// Source page, for messages.
    pub page: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub period: Period,
    pub count: u32,
    /// What had to be reached: `min`, or `min` × sub-periods for a coarser count.
    pub target: u32,
    pub status: Status,
    /// Judged on a count given for a coarser period (the whole quarter, say).
    pub from_coarser: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub met: u32,
    pub short: u32,
    pub pending: u32,
    pub missing: u32,
}

impl Tally {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::Short => self.short += 1,
            Status::Pending => self.pending += 1,
            Status::Missing => self.missing += 1,
            Status::Na => {}
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.met += o.met;
        self.short += o.short;
        self.pending += o.pending;
        self.missing += o.missing;
    }

    /// met / (met + short + missing); `None` when nothing has been judged yet.
    pub fn rate(&self) -> Option<f64> {
        let judged = self.met + self.short + self.missing;
        (judged > 0).then(|| f64::from(self.met) / f64::from(judged))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub req: Requirement,
    pub origin: Origin,
    pub cells: Vec<Cell>,
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub unit: usize,
    pub lines: Vec<Line>,
    /// Requirement ids known to the site that do not apply to this unit.
    pub na: Vec<String>,
    /// This unit's own cells.
    pub tally: Tally,
    /// Its own cells and all its descendants' (not an average of rates).
    pub rollup: Tally,
}

/// A coarser count ignored because finer counts exist inside its period.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoredCoarser {
    pub unit: usize,
    pub req: String,
    pub period: Period,
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: i32,
    pub as_of: NaiveDate,
    pub units: Vec<UnitReport>,
    pub ignored: Vec<IgnoredCoarser>,
}

fn judge(count: u32, target: u32, ended: bool, mentioned: bool) -> Status {
    if count >= target {
        Status::Met
    } else if !ended {
        Status::Pending
    } else if mentioned {
        Status::Short
    } else {
        Status::Missing
    }
}

/// Computes the report for `year` as of `as_of` (inclusive). `facts` may hold
/// any year; only `year`'s count, and nothing starting after `as_of`.
pub fn compute(units: &Units, decls: &[Declaration], facts: &[Fact], year: i32, as_of: NaiveDate) -> Report {
    let mut by_key: HashMap<(usize, &str), Vec<&Fact>> = HashMap::new();
    for f in facts.iter().filter(|f| f.period.year == year && f.period.start() <= as_of) {
        by_key.entry((f.unit, f.req.as_str())).or_default().push(f);
    }
    let all_ids: BTreeSet<&str> = decls.iter().map(|d| d.req.id.as_str()).collect();
    let mut ignored = Vec::new();
    let mut reports: Vec<UnitReport> = (0..units.list.len())
        .map(|u| {
            let applied = applicable(units, decls, u);
            let mut tally = Tally::default();
            let lines: Vec<Line> = applied
                .iter()
                .map(|a| {
                    let facts = by_key.get(&(u, a.req.id.as_str())).map_or(&[][..], Vec::as_slice);
                    let cells = cells_for(a.req, facts, year, as_of, (u, units.list[u].life), &mut ignored);
                    let mut t = Tally::default();
                    cells.iter().for_each(|c| t.add(c.status));
                    tally.merge(&t);
                    Line { req: a.req.clone(), origin: a.origin.clone(), cells, tally: t }
                })
                .collect();
            let na = all_ids.iter().filter(|id| !applied.iter().any(|a| a.req.id == **id)).map(|s| s.to_string()).collect();
            UnitReport { unit: u, lines, na, tally, rollup: Tally::default() }
        })
        .collect();
    for u in 0..reports.len() {
        let mut r = Tally::default();
        for d in units.subtree(u).into_iter().filter(|&d| !units.is_hidden(d)) {
            r.merge(&reports[d].tally);
        }
        reports[u].rollup = r;
    }
    ignored.sort_by(|a: &IgnoredCoarser, b| (a.unit, &a.req, a.period).cmp(&(b.unit, &b.req, b.period)));
    ignored.dedup_by(|a, b| a.unit == b.unit && a.req == b.req && a.period == b.period);
    Report { year, as_of, units: reports, ignored }
}

/// One cell per period of the year up to `as_of`; periods the unit's life span
/// gives no target (docs/compliance.md, "Life span") are `Na`.
fn cells_for(req: &Requirement, facts: &[&Fact], year: i32, as_of: NaiveDate, (unit, life): (usize, Life), ignored: &mut Vec<IgnoredCoarser>) -> Vec<Cell> {
    let periods = Period::year(year).split(req.per).into_iter().filter(|p| p.start() <= as_of);
    periods
        .map(|p| {
            let ended = life.end_of(p) <= as_of;
            let target = life.target(p, req.min);
            if target == 0 {
                return Cell { period: p, count: 0, target: 0, status: Status::Na, from_coarser: false };
            }
            let finer: Vec<&&Fact> = facts.iter().filter(|f| f.period.per <= req.per && p.contains(f.period)).collect();
            if !finer.is_empty() {
                let count = finer.iter().map(|f| f.count).sum();
                return Cell { period: p, count, target, status: judge(count, target, ended, true), from_coarser: false };
            }
            for per in [Per::Quarter, Per::Half, Per::Year].into_iter().filter(|x| *x > req.per) {
                let outer = Period::containing(per, p.start());
                let at_outer: Vec<&&Fact> = facts.iter().filter(|f| f.period == outer).collect();
                if at_outer.is_empty() {
                    continue;
                }
                let finer_inside = facts.iter().any(|f| f.period.per <= req.per && outer.contains(f.period));
                if finer_inside {
                    ignored.push(IgnoredCoarser { unit, req: req.id.clone(), period: outer, pages: at_outer.iter().map(|f| f.page.clone()).collect() });
                    continue;
                }
                let count = at_outer.iter().map(|f| f.count).sum();
                let target = outer.split(req.per).into_iter().map(|s| life.target(s, req.min)).sum();
                let status = judge(count, target, life.end_of(outer) <= as_of, true);
                return Cell { period: p, count, target, status, from_coarser: true };
            }
            Cell { period: p, count: 0, target, status: judge(0, target, ended, false), from_coarser: false }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::requirement::preset;
    use crate::domain::unit::Unit;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn setup() -> (Units, Vec<Declaration>) {
        let units = Units::new(vec![
            Unit { id: "jiguan".into(), title: "机关党委".into(), kind: Some("党委".into()), parent: None, ..Unit::default() },
            Unit { id: "diyi".into(), title: "第一党支部".into(), kind: Some("党支部".into()), parent: Some(0), ..Unit::default() },
            Unit { id: "dier".into(), title: "第二党支部".into(), kind: Some("党支部".into()), parent: Some(0), ..Unit::default() },
        ]);
        let decls = preset("branch-2018").unwrap().into_iter().map(|req| Declaration { req, origin: Origin::Preset { name: "branch-2018".into() } }).collect();
        (units, decls)
    }

    fn fact(unit: usize, req: &str, period: &str, count: u32) -> Fact {
        Fact { unit, req: req.into(), period: Period::parse(period).unwrap(), count, kind: FactKind::Record, page: format!("{req}-{period}.md") }
    }

    fn cells(r: &Report, unit: usize, req: &str) -> Vec<(String, Status, u32, bool)> {
        r.units[unit].lines.iter().find(|l| l.req.id == req).unwrap().cells.iter().map(|c| (c.period.id(), c.status, c.count, c.from_coarser)).collect()
    }

    #[test]
    fn monthly_counts_missing_short_and_pending() {
        let (u, decls) = setup();
        let facts = vec![fact(1, "zhiweihui", "2024-01", 1), fact(1, "zhiweihui", "2024-02", 0), fact(1, "zhiweihui", "2024-05", 2)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-05-20"));
        let c = cells(&r, 1, "zhiweihui");
        assert_eq!(c.len(), 5, "months starting after as_of are not listed");
        assert_eq!(c[0].1, Status::Met);
        assert_eq!(c[1].1, Status::Short, "a record stating 0");
        assert_eq!(c[2].1, Status::Missing, "no record at all");
        assert_eq!(c[3].1, Status::Missing);
        assert_eq!(c[4].1, Status::Met, "a running period already met");
        let r = compute(&u, &decls, &[], 2024, d("2024-05-20"));
        assert_eq!(cells(&r, 1, "zhiweihui")[4].1, Status::Pending);
    }

    #[test]
    fn hidden_units_stay_out_of_roll_ups() {
        let (mut u, decls) = setup();
        let facts = vec![fact(1, "zhiweihui", "2024-01", 1), fact(2, "zhiweihui", "2024-01", 0)];
        let all = compute(&u, &decls, &facts, 2024, d("2024-01-31"));
        u.hide(2);
        let public = compute(&u, &decls, &facts, 2024, d("2024-01-31"));
        assert_eq!(all.units[0].rollup.short, public.units[0].rollup.short + public.units[2].tally.short);
        assert_eq!(public.units[0].rollup.met, all.units[0].rollup.met, "the shown unit still counts");
    }

    #[test]
    fn as_of_is_inclusive() {
        let (u, decls) = setup();
        let r = compute(&u, &decls, &[], 2024, d("2024-03-31"));
        let c = cells(&r, 1, "dangyuandahui");
        assert_eq!(c, [("2024-Q1".into(), Status::Missing, 0, false)]);
    }

    #[test]
    fn finer_counts_sum_into_coarser_periods() {
        let (u, decls) = setup();
        let facts = vec![fact(1, "dangyuandahui", "2024-01", 1), fact(1, "dangke", "2024-02", 1), fact(1, "dangke", "2024-Q3", 1)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-12-31"));
        assert_eq!(cells(&r, 1, "dangyuandahui")[0].1, Status::Met);
        assert_eq!(cells(&r, 1, "dangke"), [("2024".into(), Status::Met, 2, false)]);
    }

    #[test]
    fn coarser_count_judged_against_min_times_subperiods() {
        let (u, decls) = setup();
        // quarterly record for a monthly requirement: 3 needed
        let facts = vec![fact(1, "zhiweihui", "2024-Q1", 3), fact(1, "zhiweihui", "2024-Q2", 2), fact(1, "zhiweihui", "2024-Q3", 1)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-08-15"));
        let c = cells(&r, 1, "zhiweihui");
        assert_eq!(&c[0..3], &[("2024-01".into(), Status::Met, 3, true), ("2024-02".into(), Status::Met, 3, true), ("2024-03".into(), Status::Met, 3, true)]);
        assert!(c[3..6].iter().all(|x| x.1 == Status::Short && x.3), "{c:?}");
        assert!(c[6..8].iter().all(|x| x.1 == Status::Pending && x.3), "Q3 still running: {c:?}");
        assert_eq!(c.len(), 8);
    }

    #[test]
    fn finer_count_inside_a_coarser_period_wins_and_is_reported() {
        let (u, decls) = setup();
        let facts = vec![fact(1, "zhiweihui", "2024-Q1", 3), fact(1, "zhiweihui", "2024-02", 1)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-12-31"));
        let c = cells(&r, 1, "zhiweihui");
        assert_eq!(c[0].1, Status::Missing);
        assert_eq!((c[1].1, c[1].3), (Status::Met, false));
        assert_eq!(c[2].1, Status::Missing);
        assert_eq!(r.ignored.len(), 1);
        assert_eq!(r.ignored[0].period.id(), "2024-Q1");
    }

    #[test]
    fn records_count_only_for_their_unit_and_year() {
        let (u, decls) = setup();
        let facts = vec![fact(1, "dangke", "2023", 1), fact(2, "dangke", "2024-H1", 1)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-12-31"));
        assert_eq!(cells(&r, 1, "dangke")[0].1, Status::Missing);
        assert_eq!(cells(&r, 2, "dangke")[0].1, Status::Met);
        assert!(r.units[0].lines.is_empty(), "the 党委 has no branch requirements");
        assert!(r.units[0].na.contains(&"zhiweihui".to_string()));
    }

    #[test]
    fn a_branch_founded_in_november_is_judged_from_december_only() {
        let (mut u, decls) = setup();
        u.list[2].life.established = Some(d("2024-11-12"));
        let u = Units::new(u.list);
        let monthly = ["zhiweihui", "dangxiaozuhui", "zhutidangri"];
        let mut facts: Vec<Fact> = Vec::new();
        for m in 1..=12 {
            facts.extend(monthly.iter().map(|r| fact(1, r, &format!("2024-{m:02}"), 1)));
        }
        for q in 1..=4 {
            facts.push(fact(1, "dangyuandahui", &format!("2024-Q{q}"), 1));
        }
        facts.extend(["dangke", "zuzhishenghuohui", "minzhupingyi", "tanxintanhua"].map(|r| fact(1, r, "2024", 1)));
        facts.extend(monthly.iter().map(|r| fact(2, r, "2024-12", 1)));
        let r = compute(&u, &decls, &facts, 2024, d("2024-12-31"));
        let z = cells(&r, 2, "zhiweihui");
        assert!(z[..11].iter().all(|c| c.1 == Status::Na), "no 无记录 before it existed (November is not a full month): {z:?}");
        assert_eq!(z[11].1, Status::Met);
        assert!(cells(&r, 2, "dangyuandahui").iter().all(|c| c.1 == Status::Na), "one full month of Q4 rounds to no meeting");
        assert!(cells(&r, 2, "dangke").iter().all(|c| c.1 == Status::Na));
        let new = r.units[2].tally;
        assert_eq!((new.met, new.short, new.missing, new.pending), (3, 0, 0, 0));
        assert_eq!(r.units[0].rollup.rate(), Some(1.0), "the parent's rate is not pulled down by months before the branch existed");
        // Without the life span the same facts would be 41 无记录.
        let (all, _) = setup();
        let plain = compute(&all, &decls, &facts, 2024, d("2024-12-31"));
        assert_eq!(plain.units[2].tally.missing, 41);
        // A quarterly record for a monthly requirement is judged against the full months only.
        let q4 = [fact(2, "zhiweihui", "2024-Q4", 1)];
        let c = cells(&compute(&u, &decls, &q4, 2024, d("2024-12-31")), 2, "zhiweihui");
        assert_eq!(&c[9..], &[("2024-10".into(), Status::Na, 0, false), ("2024-11".into(), Status::Na, 0, false), ("2024-12".into(), Status::Met, 1, true)]);
    }

    #[test]
    fn rates_and_rollup_sum_cells() {
        let (u, decls) = setup();
        let facts = vec![fact(1, "dangke", "2024", 1), fact(2, "dangke", "2024", 0)];
        let r = compute(&u, &decls, &facts, 2024, d("2024-12-31"));
        let one = r.units[1].tally;
        // 8 requirements: 12+4+12+1+12+1+1+1 = 44 cells; one met, the rest missing
        assert_eq!((one.met, one.short, one.missing), (1, 0, 43));
        let two = r.units[2].tally;
        assert_eq!((two.met, two.short, two.missing), (0, 1, 43));
        let top = r.units[0].rollup;
        assert_eq!((top.met, top.short, top.missing), (1, 1, 86));
        assert!((top.rate().unwrap() - 1.0 / 88.0).abs() < 1e-9);
        assert_eq!(Tally::default().rate(), None);
    }
}
