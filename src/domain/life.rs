//! A unit's life span (成立日期 `established`, 撤销日期 `dissolved`, both inclusive)
//! and what it does to a requirement's periods (docs/compliance.md, "Life span"):
//! only months the unit existed for in full count; a period's target is `min`
//! pro-rated by those months and rounded half up, and a period whose target comes
//! to 0 (the unit did not exist for at least half of it, or not at all) is not
//! judged: 不适用 (na). A monthly requirement is judged from the first full month.

use super::period::{Per, Period};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Life {
    /// First day the unit existed; `None`: always.
    pub established: Option<NaiveDate>,
    /// Last day the unit existed; `None`: still exists.
    pub dissolved: Option<NaiveDate>,
}

impl Life {
    /// Whether the unit existed on every day of `p`.
    pub fn covers(self, p: Period) -> bool {
        self.established.is_none_or(|e| e <= p.start()) && self.dissolved.is_none_or(|d| d >= p.end())
    }

    /// Whether the unit existed on no day of `p`.
    pub fn outside(self, p: Period) -> bool {
        self.established.is_some_and(|e| e > p.end()) || self.dissolved.is_some_and(|d| d < p.start())
    }

    /// The last day of `p` for this unit: its end, or the day the unit was dissolved
    /// if earlier (a dissolved unit's periods are over, not running).
    pub fn end_of(self, p: Period) -> NaiveDate {
        self.dissolved.map_or(p.end(), |d| d.min(p.end()))
    }

    /// Months of `p` the unit existed for in full.
    pub fn full_months(self, p: Period) -> u32 {
        if self.covers(p) {
            return p.per.months();
        }
        p.split(Per::Month).into_iter().filter(|m| self.covers(*m)).count() as u32
    }

    /// What `p` must reach when the requirement asks for `min` per period of its
    /// kind: `min` × full months ÷ months of `p`, rounded half up; 0 = not judged.
    pub fn target(self, p: Period, min: u32) -> u32 {
        let (full, all) = (self.full_months(p), p.per.months());
        if full == all {
            return min;
        }
        ((2 * u64::from(min) * u64::from(full) + u64::from(all)) / (2 * u64::from(all))) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn a_branch_founded_in_november() {
        let life = Life { established: d("2024-11-12"), dissolved: None };
        assert_eq!(life.target(p("2024-10"), 1), 0, "before it existed");
        assert_eq!(life.target(p("2024-11"), 1), 0, "November is not a full month");
        assert_eq!(life.target(p("2024-12"), 1), 1, "the first full month");
        assert_eq!(life.target(p("2024-Q4"), 1), 0, "one month of three rounds to nothing");
        assert_eq!(life.target(p("2024"), 1), 0);
        assert_eq!(life.target(p("2024"), 12), 1, "twelve a year: one for its one full month");
        assert!(life.outside(p("2024-Q3")) && !life.outside(p("2024-Q4")));
    }

    #[test]
    fn pro_rating_rounds_half_up() {
        let july = Life { established: d("2024-07-01"), dissolved: None };
        assert_eq!(july.target(p("2024"), 1), 1, "half a year: 0.5 rounds up");
        assert_eq!(july.target(p("2024-H2"), 1), 1);
        assert_eq!(july.target(p("2024-H1"), 1), 0);
        let october = Life { established: d("2024-10-15"), dissolved: None };
        assert_eq!(october.target(p("2024-Q4"), 1), 1, "two full months of three");
        assert_eq!(october.target(p("2024"), 6), 1, "6 × 2 ÷ 12");
        assert_eq!(Life::default().target(p("2024-Q2"), 3), 3);
    }

    #[test]
    fn dissolved_is_the_last_day() {
        let life = Life { established: None, dissolved: d("2024-06-30") };
        assert_eq!(life.target(p("2024-06"), 1), 1, "it existed through 30 June");
        assert_eq!(life.target(p("2024-07"), 1), 0);
        assert_eq!(life.target(p("2024-H1"), 2), 2);
        assert_eq!(life.target(p("2024"), 1), 1);
        assert_eq!(life.end_of(p("2024")), d("2024-06-30").unwrap(), "its year is over when it is dissolved");
        assert_eq!(life.end_of(p("2024-03")), d("2024-03-31").unwrap());
        let mid = Life { established: None, dissolved: d("2024-06-15") };
        assert_eq!(mid.target(p("2024-06"), 1), 0);
        assert_eq!(mid.target(p("2024-Q2"), 1), 1, "April and May");
        assert_eq!(mid.target(p("2024"), 1), 0, "five months of twelve");
    }
}
