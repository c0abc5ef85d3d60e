//! Working days for deadlines and 公示期: Monday to Friday, minus the site's
//! `[compliance] holidays`, plus its `workdays` (调休: a weekend made a working
//! day). No built-in holiday table: the State Council publishes the year's
//! arrangement each winter, and a wrong built-in would judge every unit wrongly.
//! Pure.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The day `n` working days after `from` (`from` itself not counted): a
    /// deadline of 5 working days after a Friday is the next Friday.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        // A year of holidays at most: bounded even with a calendar of only holidays.
        let mut guard = 0;
        while left > 0 && guard < 3660 {
            d = d.succ_opt().unwrap_or(d);
            guard += 1;
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `from` to `to`, both included (a 公示 from Thursday to the
    /// next Wednesday is 5 working days); 0 when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to < from {
            return 0;
        }
        from.iter_days().take_while(|d| *d <= to).filter(|d| self.is_working(*d)).count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let plain = Calendar::default();
        // 2024-06-20 is a Thursday.
        assert_eq!(plain.working_days_between(d("2024-06-20"), d("2024-06-26")), 5);
        assert_eq!(plain.add_working_days(d("2024-06-21"), 5), d("2024-06-28"));
        assert_eq!(plain.working_days_between(d("2024-06-26"), d("2024-06-20")), 0);
        // National Day 2024: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
        let mut cal = Calendar::default();
        cal.holidays.extend((1..=7).map(|n| NaiveDate::from_ymd_opt(2024, 10, n).unwrap()));
        cal.workdays.extend([d("2024-09-29"), d("2024-10-12")]);
        assert!(cal.is_working(d("2024-09-29")) && !cal.is_working(d("2024-10-03")));
        assert_eq!(cal.add_working_days(d("2024-09-30"), 1), d("2024-10-08"));
        assert_eq!(cal.working_days_between(d("2024-09-28"), d("2024-10-12")), 7);
    }
}
