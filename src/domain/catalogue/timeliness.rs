//! On time or not: for each unit × catalogue item × period of a year (or each
//! event), was it disclosed by its deadline? 按时公开 / 逾期公开 (n days) / 未公开 /
//! 进行中, the 公开及时率 and its roll-up over a unit's subtree. Pure: disclosures
//! in, statuses out; computed once per build.

use super::item::{CatalogueDecl, Frequency, Item};
use super::workdays::Calendar;
use crate::domain::period::{Per, Period};
use crate::domain::requirement::{nearest, Origin};
use crate::domain::unit::Units;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// One page that discloses an item: for a period, or (events) on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Disclosure {
    pub unit: usize,
    pub item: String,
    /// The period it covers (periodic items).
    pub period: Option<Period>,
    /// The event's day (the page's `date`), for `per = "event"` items.
    pub event: Option<NaiveDate>,
    /// First published (`FirstPublished::resolve`).
    pub published: NaiveDate,
    /// Last day shown (`expire_date`), for the 公示期.
    pub until: Option<NaiveDate>,
    /// Source page (relative to content/).
    pub page: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTime,
    Late,
    Missing,
    Pending,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::OnTime => "on_time",
            Status::Late => "late",
            Status::Missing => "missing",
            Status::Pending => "pending",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::OnTime => "按时公开",
            Status::Late => "逾期公开",
            Status::Missing => "未公开",
            Status::Pending => "进行中",
        }
    }

    pub const ALL: [Status; 4] = [Status::OnTime, Status::Late, Status::Missing, Status::Pending];
}

/// The 公示期 of a disclosure against the item's minimum (working days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub required: u32,
    /// Working days from publication to `expire_date`; `None`: no `expire_date`.
    pub shown: Option<u32>,
}

impl Notice {
    pub fn short(self) -> bool {
        self.shown.is_none_or(|s| s < self.required)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub period: Option<Period>,
    pub event: Option<NaiveDate>,
    pub due: NaiveDate,
    pub published: Option<NaiveDate>,
    pub status: Status,
    /// Late: days after `due` it was published; missing: days overdue on `as_of`.
    pub days: i64,
    pub notice: Option<Notice>,
    /// Pages that disclose it (relative to content/), earliest first.
    pub pages: Vec<String>,
}

impl Cell {
    /// `2024年第三季度`, or the event's day.
    pub fn label(&self) -> String {
        match (self.period, self.event) {
            (Some(p), _) => p.full_label(),
            (None, Some(d)) => d.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    }

    /// `2024-Q3`, or the event's day (`2024-06-20`): the cell's key in exports.
    pub fn key(&self) -> String {
        match (self.period, self.event) {
            (Some(p), _) => p.id(),
            (None, Some(d)) => d.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub pending: u32,
}

impl Tally {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::OnTime => self.on_time += 1,
            Status::Late => self.late += 1,
            Status::Missing => self.missing += 1,
            Status::Pending => self.pending += 1,
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.on_time += o.on_time;
        self.late += o.late;
        self.missing += o.missing;
        self.pending += o.pending;
    }

    /// Judged cells (everything but pending).
    pub fn due(&self) -> u32 {
        self.on_time + self.late + self.missing
    }

    /// 公开及时率 = on time / (on time + late + missing); `None` before anything is due.
    pub fn rate(&self) -> Option<f64> {
        (self.due() > 0).then(|| f64::from(self.on_time) / f64::from(self.due()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub item: Item,
    pub origin: Origin,
    pub cells: Vec<Cell>,
    pub tally: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitTimeliness {
    pub unit: usize,
    pub lines: Vec<Line>,
    pub tally: Tally,
    /// Its own cells and every shown descendant's.
    pub rollup: Tally,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub year: i32,
    pub as_of: NaiveDate,
    pub units: Vec<UnitTimeliness>,
}

/// The deadline of a period (or event day) under `item`'s rule.
pub fn due(item: &Item, anchor: NaiveDate, cal: &Calendar) -> NaiveDate {
    let d = item.deadline;
    if d.working {
        cal.add_working_days(anchor, d.days)
    } else {
        anchor + chrono::Duration::days(i64::from(d.days))
    }
}

fn judge(due: NaiveDate, published: Option<NaiveDate>, as_of: NaiveDate) -> (Status, i64) {
    match published {
        Some(p) if p <= due => (Status::OnTime, 0),
        Some(p) => (Status::Late, (p - due).num_days()),
        None if as_of <= due => (Status::Pending, 0),
        None => (Status::Missing, (as_of - due).num_days()),
    }
}

fn notice(item: &Item, published: Option<NaiveDate>, until: Option<NaiveDate>, cal: &Calendar) -> Option<Notice> {
    let required = item.notice_days?;
    let published = published?;
    Some(Notice { required, shown: until.map(|u| cal.working_days_between(published, u)) })
}

/// Computes timeliness for `year` as of `as_of` (inclusive). A disclosure published
/// after `as_of` has not happened yet.
pub fn compute(units: &Units, decls: &[CatalogueDecl], disclosures: &[Disclosure], year: i32, as_of: NaiveDate, cal: &Calendar) -> Report {
    let mut by_key: HashMap<(usize, &str), Vec<&Disclosure>> = HashMap::new();
    for d in disclosures.iter().filter(|d| d.published <= as_of) {
        by_key.entry((d.unit, d.item.as_str())).or_default().push(d);
    }
    for list in by_key.values_mut() {
        list.sort_by(|a, b| (a.published, &a.page).cmp(&(b.published, &b.page)));
    }
    let mut reports: Vec<UnitTimeliness> = (0..units.list.len())
        .map(|u| {
            let mut tally = Tally::default();
            let lines = nearest(units, decls, u)
                .into_iter()
                .map(|(d, _)| {
                    let found = by_key.get(&(u, d.item.id.as_str())).map_or(&[][..], Vec::as_slice);
                    let cells = match d.item.freq {
                        Frequency::Every(per) => period_cells(&d.item, per, found, year, as_of, cal),
                        Frequency::Event => event_cells(&d.item, found, year, as_of, cal),
                    };
                    let mut t = Tally::default();
                    cells.iter().for_each(|c| t.add(c.status));
                    tally.merge(&t);
                    Line { item: d.item.clone(), origin: d.origin.clone(), cells, tally: t }
                })
                .collect();
            UnitTimeliness { unit: u, lines, tally, rollup: Tally::default() }
        })
        .collect();
    for u in 0..reports.len() {
        let mut r = Tally::default();
        for d in units.subtree(u).into_iter().filter(|&d| !units.is_hidden(d)) {
            r.merge(&reports[d].tally);
        }
        reports[u].rollup = r;
    }
    Report { year, as_of, units: reports }
}

/// One cell per period of `per` in `year` that has started by `as_of`. A period is
/// disclosed once every month of it is covered by some page (a half-year ledger
/// covers both quarters of its half; three monthly pages cover their quarter): on
/// the day the last of its months was first covered.
fn period_cells(item: &Item, per: Per, found: &[&Disclosure], year: i32, as_of: NaiveDate, cal: &Calendar) -> Vec<Cell> {
    Period::year(year)
        .split(per)
        .into_iter()
        .filter(|p| p.start() <= as_of)
        .map(|p| {
            let overlapping: Vec<&Disclosure> = found.iter().copied().filter(|d| d.period.is_some_and(|q| q.contains(p) || p.contains(q))).collect();
            let covered = |m: Period| overlapping.iter().filter(|d| d.period.is_some_and(|q| q.contains(m))).map(|d| d.published).min();
            let published = p.split(Per::Month).into_iter().map(covered).try_fold(None::<NaiveDate>, |acc, day| day.map(|d| acc.max(Some(d)))).flatten();
            let anchor = if item.deadline.from_start { p.start() } else { p.end() };
            let due = due(item, anchor, cal);
            let (status, days) = judge(due, published, as_of);
            let first = overlapping.first();
            Cell {
                period: Some(p),
                event: None,
                due,
                published,
                status,
                days,
                notice: notice(item, first.map(|d| d.published), first.and_then(|d| d.until), cal),
                pages: overlapping.iter().map(|d| d.page.clone()).collect(),
            }
        })
        .collect()
}

/// One cell per disclosed event of `year` up to `as_of`: an event nobody disclosed
/// is not known, so events are never 未公开 for want of a page.
fn event_cells(item: &Item, found: &[&Disclosure], year: i32, as_of: NaiveDate, cal: &Calendar) -> Vec<Cell> {
    let mut cells: Vec<Cell> = found
        .iter()
        .filter_map(|d| d.event.filter(|e| chrono::Datelike::year(e) == year && *e <= as_of).map(|e| (e, d)))
        .map(|(e, d)| {
            let due = due(item, e, cal);
            let (status, days) = judge(due, Some(d.published), as_of);
            Cell {
                period: None,
                event: Some(e),
                due,
                published: Some(d.published),
                status,
                days,
                notice: notice(item, Some(d.published), d.until, cal),
                pages: vec![d.page.clone()],
            }
        })
        .collect();
    cells.sort_by(|a, b| (a.event, &a.pages).cmp(&(b.event, &b.pages)));
    cells
}

#[cfg(test)]
mod tests {
    use super::super::preset::preset;
    use super::*;
    use crate::domain::unit::Unit;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn setup() -> (Units, Vec<CatalogueDecl>) {
        let units = Units::new(vec![
            Unit { id: "jiguan".into(), title: "机关党委".into(), kind: Some("党委".into()), parent: None, life: Default::default() },
            Unit { id: "diyi".into(), title: "第一党支部".into(), kind: Some("党支部".into()), parent: Some(0), life: Default::default() },
            Unit { id: "dier".into(), title: "第二党支部".into(), kind: Some("党支部".into()), parent: Some(0), life: Default::default() },
        ]);
        let decls =
            preset("gongkai-2017").unwrap().into_iter().map(|item| CatalogueDecl { item, origin: Origin::Preset { name: "gongkai-2017".into() } }).collect();
        (units, decls)
    }

    fn disc(unit: usize, item: &str, period: &str, published: &str) -> Disclosure {
        Disclosure {
            unit,
            item: item.into(),
            period: Period::parse(period),
            event: None,
            published: d(published),
            until: None,
            page: format!("{item}-{period}.md"),
        }
    }

    fn cells(r: &Report, unit: usize, item: &str) -> Vec<(String, Status, i64)> {
        r.units[unit].lines.iter().find(|l| l.item.id == item).unwrap().cells.iter().map(|c| (c.key(), c.status, c.days)).collect()
    }

    #[test]
    fn on_time_late_missing_and_pending() {
        let (u, decls) = setup();
        let found = vec![disc(1, "dangfei", "2024-Q1", "2024-04-10"), disc(1, "dangfei", "2024-Q2", "2024-08-05")];
        let r = compute(&u, &decls, &found, 2024, d("2024-11-20"), &Calendar::default());
        let c = cells(&r, 1, "dangfei");
        assert_eq!(c[0], ("2024-Q1".into(), Status::OnTime, 0), "due 04-15");
        assert_eq!(c[1], ("2024-Q2".into(), Status::Late, 21), "due 07-15, published 08-05");
        assert_eq!(c[2], ("2024-Q3".into(), Status::Missing, 36), "due 10-15, nothing by 11-20");
        assert_eq!(c[3], ("2024-Q4".into(), Status::Pending, 0), "the quarter is still running");
        let t = r.units[1].tally;
        assert_eq!((t.on_time, t.late, t.missing), (1, 1, 1 + 3 + 1), "Q3 dues, the Q1–Q3 三会一课 records and the study plan missing");
        assert_eq!(r.units[0].lines.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["xuexijihua", "fazhan", "pingxian", "xuanju"]);
        assert_eq!(r.units[0].rollup.on_time, 1, "the 党委 rolls up its branches");
    }

    #[test]
    fn a_coarser_page_covers_finer_periods_and_finer_pages_cover_a_coarser_one() {
        let (u, decls) = setup();
        // One half-year dues page for two quarterly disclosures.
        let found = vec![disc(2, "dangfei", "2024-H1", "2024-07-08")];
        let r = compute(&u, &decls, &found, 2024, d("2024-07-31"), &Calendar::default());
        assert_eq!(&cells(&r, 2, "dangfei")[..2], &[("2024-Q1".into(), Status::Late, 84), ("2024-Q2".into(), Status::OnTime, 0)]);
        // Three monthly pages: the quarter is disclosed when its last month is.
        let found = vec![disc(1, "dangfei", "2024-01", "2024-02-01"), disc(1, "dangfei", "2024-03", "2024-04-20")];
        let r = compute(&u, &decls, &found, 2024, d("2024-05-01"), &Calendar::default());
        assert_eq!(cells(&r, 1, "dangfei")[0], ("2024-Q1".into(), Status::Missing, 16), "February is not covered");
        let mut found = found;
        found.push(disc(1, "dangfei", "2024-02", "2024-03-01"));
        let r = compute(&u, &decls, &found, 2024, d("2024-05-01"), &Calendar::default());
        assert_eq!(cells(&r, 1, "dangfei")[0], ("2024-Q1".into(), Status::Late, 5));
    }

    #[test]
    fn events_use_working_days_and_check_the_notice_period() {
        let (u, decls) = setup();
        let mut e = disc(0, "pingxian", "", "2024-06-28");
        e.event = Some(d("2024-06-20"));
        e.until = Some(d("2024-07-02"));
        let r = compute(&u, &decls, &[e.clone()], 2024, d("2024-11-20"), &Calendar::default());
        let line = r.units[0].lines.iter().find(|l| l.item.id == "pingxian").unwrap();
        let c = &line.cells[0];
        // Thursday + 5 working days = the next Thursday, 06-27: one day late.
        assert_eq!((c.due, c.status, c.days), (d("2024-06-27"), Status::Late, 1));
        assert_eq!(c.notice, Some(Notice { required: 5, shown: Some(3) }), "Fri 28, Mon 1, Tue 2");
        assert!(c.notice.unwrap().short());
        e.published = d("2024-06-20");
        e.until = None;
        let r = compute(&u, &decls, &[e], 2024, d("2024-11-20"), &Calendar::default());
        let c = &r.units[0].lines.iter().find(|l| l.item.id == "pingxian").unwrap().cells[0];
        assert_eq!((c.status, c.notice.unwrap().shown), (Status::OnTime, None));
        assert_eq!(r.units[0].tally.rate(), Some(0.5), "on time, and the 党委's study plan missing");
    }

    #[test]
    fn a_page_published_after_as_of_has_not_happened() {
        let (u, decls) = setup();
        let found = vec![disc(1, "xuexijihua", "2024", "2024-03-01")];
        let r = compute(&u, &decls, &found, 2024, d("2024-01-20"), &Calendar::default());
        assert_eq!(cells(&r, 1, "xuexijihua"), [("2024".into(), Status::Pending, 0)], "due 02-01 (31 days after the year starts)");
        let r = compute(&u, &decls, &found, 2024, d("2024-03-01"), &Calendar::default());
        assert_eq!(cells(&r, 1, "xuexijihua"), [("2024".into(), Status::Late, 29)]);
    }
}
