//! Five-field cron schedules (`minute hour day-of-month month day-of-week`), local
//! time. Pure: parse once, then ask for the next matching minute after an instant.
//!
//! Supported: `*`, numbers, ranges `1-5`, lists `1,15`, steps `*/15` and `8-18/2`,
//! month names (`jan`) and weekday names (`mon`), Sunday as 0 or 7, and the
//! shortcuts `@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`.
//! As in Vixie cron, when both day-of-month and day-of-week are restricted a day
//! matches if either does.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_any: bool,
    weekdays_any: bool,
    text: String,
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

pub const CRON_HINT: &str = "写五个字段“分 时 日 月 周”，例如 \"0 6 * * *\"（每天 6:00）、\"30 22 * * 1-5\"（工作日 22:30）、\"*/30 * * * *\"（每半小时）";

impl Cron {
    /// Parses a schedule; the error is a Chinese message.
    pub fn parse(text: &str) -> Result<Cron, String> {
        let t = text.trim();
        let expanded = match t {
            "@hourly" => "0 * * * *",
            "@daily" | "@midnight" => "0 0 * * *",
            "@weekly" => "0 0 * * 0",
            "@monthly" => "0 0 1 * *",
            "@yearly" | "@annually" => "0 0 1 1 *",
            other if other.starts_with('@') => return Err(format!("不认识的定时写法“{other}”")),
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!("定时“{t}”应有 5 个字段（分 时 日 月 周），实际有 {} 个", fields.len()));
        }
        let minutes = field(fields[0], 0, 59, &[], "分")?;
        let hours = field(fields[1], 0, 23, &[], "时")?;
        let days = field(fields[2], 1, 31, &[], "日")?;
        let months = field(fields[3], 1, 12, &MONTHS, "月")?;
        let mut weekdays = field(fields[4], 0, 7, &WEEKDAYS, "周")?;
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Cron {
            minutes,
            hours,
            days,
            months,
            weekdays,
            days_any: fields[2] == "*" || fields[2] == "?",
            weekdays_any: fields[4] == "*" || fields[4] == "?",
            text: t.to_string(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn day_matches(&self, d: NaiveDate) -> bool {
        if self.months & (1 << d.month()) == 0 {
            return false;
        }
        let dom = self.days & (1 << d.day()) != 0;
        let dow = self.weekdays & (1 << d.weekday().num_days_from_sunday()) != 0;
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (false, true) => dom,
            (true, false) => dow,
            (false, false) => dom || dow,
        }
    }

    /// The first matching minute strictly after `after`; `None` if there is none
    /// within eight years (e.g. `0 0 30 2 *`).
    pub fn next_after(&self, after: NaiveDateTime) -> Option<NaiveDateTime> {
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let mut day = start.date();
        let limit = day + Duration::days(366 * 8);
        while day <= limit {
            if self.day_matches(day) {
                let from = if day == start.date() { start.time() } else { NaiveTime::MIN };
                for h in from.hour()..24 {
                    if self.hours & (1 << h) == 0 {
                        continue;
                    }
                    let m0 = if h == from.hour() { from.minute() } else { 0 };
                    for m in m0..60 {
                        if self.minutes & (1 << m) != 0 {
                            return day.and_hms_opt(h, m, 0);
                        }
                    }
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

fn value(s: &str, min: u32, max: u32, names: &[&str], what: &str) -> Result<u32, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        // Month names are 1-based, weekday names 0-based.
        return Ok(i as u32 + u32::from(names.len() == 12));
    }
    let v: u32 = s.parse().map_err(|_| format!("{what}字段中的“{s}”不是数字"))?;
    if v < min || v > max {
        return Err(format!("{what}字段中的 {v} 超出范围 {min}–{max}"));
    }
    Ok(v)
}

fn field(s: &str, min: u32, max: u32, names: &[&str], what: &str) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => {
                let st: u32 = st.parse().map_err(|_| format!("{what}字段中的步长“{st}”不是数字"))?;
                if st == 0 {
                    return Err(format!("{what}字段中的步长不能为 0"));
                }
                (r, st)
            }
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (value(a, min, max, names, what)?, value(b, min, max, names, what)?);
            if a > b {
                return Err(format!("{what}字段中的范围“{range}”起点大于终点"));
            }
            (a, b)
        } else {
            let v = value(range, min, max, names, what)?;
            // `5/15` means from 5 to the end, every 15.
            (v, if step > 1 { max } else { v })
        };
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    if bits == 0 {
        return Err(format!("{what}字段“{s}”为空"));
    }
    Ok(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn next(cron: &str, after: &str) -> String {
        Cron::parse(cron).unwrap().next_after(at(after)).unwrap().format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn daily_and_strictly_after() {
        assert_eq!(next("0 6 * * *", "2024-03-15 05:59:59"), "2024-03-15 06:00");
        assert_eq!(next("0 6 * * *", "2024-03-15 06:00:00"), "2024-03-16 06:00");
        assert_eq!(next("0 6 * * *", "2024-12-31 07:00:00"), "2025-01-01 06:00");
        assert_eq!(next("@daily", "2024-03-15 06:00:00"), "2024-03-16 00:00");
    }

    #[test]
    fn steps_ranges_lists_names() {
        assert_eq!(next("*/15 * * * *", "2024-03-15 10:07:00"), "2024-03-15 10:15");
        assert_eq!(next("*/15 * * * *", "2024-03-15 10:45:30"), "2024-03-15 11:00");
        assert_eq!(next("30 22 * * 1-5", "2024-03-15 23:00:00"), "2024-03-18 22:30", "Friday night → Monday");
        assert_eq!(next("0 8 * * sat,sun", "2024-03-15 09:00:00"), "2024-03-16 08:00");
        assert_eq!(next("0 0 1 jan *", "2024-03-15 09:00:00"), "2025-01-01 00:00");
        assert_eq!(next("0 9-17/4 * * *", "2024-03-15 09:00:00"), "2024-03-15 13:00");
        assert_eq!(next("5/20 * * * *", "2024-03-15 09:06:00"), "2024-03-15 09:25");
        assert_eq!(next("0 0 * * 7", "2024-03-15 09:00:00"), "2024-03-17 00:00", "7 is Sunday");
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        // 13th or any Friday: 2024-09-06 is a Friday, before the 13th.
        assert_eq!(next("0 0 13 * 5", "2024-09-01 00:00:00"), "2024-09-06 00:00");
        assert_eq!(next("0 0 29 2 *", "2024-03-01 00:00:00"), "2028-02-29 00:00");
        assert!(Cron::parse("0 0 30 2 *").unwrap().next_after(at("2024-01-01 00:00:00")).is_none());
    }

    #[test]
    fn errors_are_chinese() {
        for (bad, needle) in [
            ("0 6 * *", "5 个字段"),
            ("60 * * * *", "超出范围"),
            ("a * * * *", "不是数字"),
            ("*/0 * * * *", "步长"),
            ("@often", "不认识"),
            ("5-1 * * * *", "起点大于终点"),
        ] {
            let e = Cron::parse(bad).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
