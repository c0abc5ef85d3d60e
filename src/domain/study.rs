//! Study plans (学习计划): sessions by date or month with a status, the
//! timetable by month (planned vs done), and which sessions are overdue. Pure:
//! `as_of` is an argument.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Planned,
    Done,
    Cancelled,
}

impl SessionStatus {
    /// English ids and the Chinese words officers write in plans and tables.
    pub fn parse(text: &str) -> Option<SessionStatus> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        match t.as_str() {
            "planned" | "plan" | "计划" | "计划中" | "未开展" | "待开展" | "拟开展" | "未完成" => Some(SessionStatus::Planned),
            "done" | "完成" | "已完成" | "已开展" | "已学习" | "已举办" => Some(SessionStatus::Done),
            "cancelled" | "canceled" | "取消" | "已取消" | "不开展" => Some(SessionStatus::Cancelled),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SessionStatus::Planned => "计划",
            SessionStatus::Done => "已完成",
            SessionStatus::Cancelled => "已取消",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            SessionStatus::Planned => "planned",
            SessionStatus::Done => "done",
            SessionStatus::Cancelled => "cancelled",
        }
    }
}

/// When a session takes place: a day, or only a month (`month = "2024-03"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    Date(NaiveDate),
    Month(i32, u32),
}

impl When {
    pub fn year_month(self) -> (i32, u32) {
        match self {
            When::Date(d) => (d.year(), d.month()),
            When::Month(y, m) => (y, m),
        }
    }

    /// The first day the session can have taken place.
    pub fn first_day(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The last day the session can have taken place.
    pub fn last_day(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Month(y, m) => {
                let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
                next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
            }
        }
    }

    pub fn label(self) -> String {
        match self {
            When::Date(d) => format!("{}月{}日", d.month(), d.day()),
            When::Month(_, m) => format!("{m}月"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub when: When,
    pub topic: String,
    pub form: String,
    pub lead: String,
    pub status: SessionStatus,
}

impl Session {
    /// Still `planned` after its day (or month) has passed.
    pub fn overdue(&self, as_of: NaiveDate) -> bool {
        self.status == SessionStatus::Planned && self.when.last_day() < as_of
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// Index in the plan's session list.
    pub index: usize,
    pub when: String,
    pub date: Option<String>,
    pub topic: String,
    pub form: String,
    pub lead: String,
    pub status: SessionStatus,
    pub status_name: &'static str,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub planned: u32,
    pub done: u32,
    pub cancelled: u32,
    pub overdue: u32,
}

impl Counts {
    fn add(&mut self, s: &Session, overdue: bool) {
        match s.status {
            SessionStatus::Planned => self.planned += 1,
            SessionStatus::Done => self.done += 1,
            SessionStatus::Cancelled => self.cancelled += 1,
        }
        self.overdue += u32::from(overdue);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    pub year: i32,
    pub month: u32,
    pub label: String,
    pub sessions: Vec<SessionView>,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timetable {
    pub months: Vec<MonthRow>,
    pub totals: Counts,
    /// Sessions in total, cancelled ones excluded (what the plan commits to).
    pub committed: u32,
}

/// The plan as a timetable: one row per month from the first to the last
/// session (months without sessions included, so gaps show), sessions in
/// date order.
pub fn timetable(sessions: &[Session], as_of: NaiveDate) -> Timetable {
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_by_key(|&i| (sessions[i].when.year_month(), sessions[i].when, i));
    let mut months: Vec<MonthRow> = Vec::new();
    let mut totals = Counts::default();
    if let (Some(&first), Some(&last)) = (order.first(), order.last()) {
        let (mut y, mut m) = sessions[first].when.year_month();
        let end = sessions[last].when.year_month();
        while (y, m) <= end {
            let label = if sessions[first].when.year_month().0 == end.0 { format!("{m}月") } else { format!("{y}年{m}月") };
            months.push(MonthRow { year: y, month: m, label, sessions: Vec::new(), counts: Counts::default() });
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    for i in order {
        let s = &sessions[i];
        let overdue = s.overdue(as_of);
        totals.add(s, overdue);
        let ym = s.when.year_month();
        let row = months.iter_mut().find(|r| (r.year, r.month) == ym).expect("every month between first and last has a row");
        row.counts.add(s, overdue);
        row.sessions.push(SessionView {
            index: i,
            when: s.when.label(),
            date: match s.when {
                When::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
                When::Month(..) => None,
            },
            topic: s.topic.clone(),
            form: s.form.clone(),
            lead: s.lead.clone(),
            status: s.status,
            status_name: s.status.name(),
            overdue,
        });
    }
    let committed = totals.planned + totals.done;
    Timetable { months, totals, committed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn s(when: When, status: SessionStatus) -> Session {
        Session { when, topic: "学习".into(), form: "集中学习".into(), lead: "书记".into(), status }
    }

    #[test]
    fn statuses_in_chinese_and_english() {
        assert_eq!(SessionStatus::parse("已完成"), Some(SessionStatus::Done));
        assert_eq!(SessionStatus::parse(" Done "), Some(SessionStatus::Done));
        assert_eq!(SessionStatus::parse("计划"), Some(SessionStatus::Planned));
        assert_eq!(SessionStatus::parse("取消"), Some(SessionStatus::Cancelled));
        assert_eq!(SessionStatus::parse("也许"), None);
    }

    #[test]
    fn overdue_only_after_the_day_or_month_has_passed() {
        let as_of = d(2024, 3, 31);
        assert!(s(When::Date(d(2024, 3, 30)), SessionStatus::Planned).overdue(as_of));
        assert!(!s(When::Date(d(2024, 3, 31)), SessionStatus::Planned).overdue(as_of), "today is not yet overdue");
        assert!(!s(When::Month(2024, 3), SessionStatus::Planned).overdue(as_of), "the month is not over");
        assert!(s(When::Month(2024, 2), SessionStatus::Planned).overdue(as_of));
        assert!(!s(When::Month(2024, 2), SessionStatus::Done).overdue(as_of));
        assert!(!s(When::Month(2024, 2), SessionStatus::Cancelled).overdue(as_of));
        assert_eq!(When::Month(2024, 2).last_day(), d(2024, 2, 29));
        assert_eq!(When::Month(2024, 12).last_day(), d(2024, 12, 31));
    }

    #[test]
    fn timetable_groups_by_month_and_keeps_gaps() {
        let sessions = vec![
            s(When::Month(2024, 4), SessionStatus::Planned),
            s(When::Date(d(2024, 1, 18)), SessionStatus::Done),
            s(When::Date(d(2024, 1, 5)), SessionStatus::Cancelled),
            s(When::Date(d(2024, 2, 20)), SessionStatus::Planned),
        ];
        let t = timetable(&sessions, d(2024, 3, 1));
        assert_eq!(t.months.iter().map(|r| r.month).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(t.months[0].sessions.iter().map(|v| v.index).collect::<Vec<_>>(), vec![2, 1], "date order within a month");
        assert!(t.months[2].sessions.is_empty());
        assert!(t.months[1].sessions[0].overdue);
        assert_eq!((t.totals.planned, t.totals.done, t.totals.cancelled, t.totals.overdue), (2, 1, 1, 1));
        assert_eq!(t.committed, 3);
        assert_eq!(t.months[0].label, "1月");
    }
}
