//! Dates as officers write them in front matter: TOML dates, ISO strings, and the
//! Chinese forms (`2024年3月15日`) Word users type by habit.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateValue {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl DateValue {
    pub fn from_date(date: NaiveDate) -> Self {
        DateValue { date, time: None }
    }

    pub fn datetime(&self) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(NaiveTime::MIN))
    }

    /// Parses the accepted written forms; `None` if it is not a date.
    pub fn parse(s: &str) -> Option<DateValue> {
        let s = s.trim();
        let (date_part, time_part) = split_date_time(s);
        let date = parse_date(date_part)?;
        let time = match time_part {
            None => None,
            Some(t) => Some(parse_time(t)?),
        };
        Some(DateValue { date, time })
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => write!(f, "{}", self.date.format("%Y-%m-%d")),
            Some(t) => write!(f, "{}T{}", self.date.format("%Y-%m-%d"), t.format("%H:%M:%S")),
        }
    }
}

/// Years dwgk accepts: a date outside is a typo (`9999` for “forever” included:
/// a page that stays up has no `expire_date`).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// Why `s` is not an accepted date, as a Chinese message: the year out of
/// range, a month or day that does not exist, or an unknown form.
pub fn why_not(s: &str) -> String {
    let (date_part, time_part) = split_date_time(s.trim());
    let normalized: String = date_part.trim().trim_end_matches('日').replace(['年', '月', '/', '.'], "-");
    let nums: Vec<Option<i64>> = normalized.split('-').map(|p| p.trim().parse().ok()).collect();
    if let [Some(y), Some(m), Some(d)] = nums[..] {
        if !(i64::from(*YEARS.start())..=i64::from(*YEARS.end())).contains(&y) {
            return format!("日期“{s}”超出范围：年份 {y} 不在 {} 到 {} 之间", YEARS.start(), YEARS.end());
        }
        if !(1..=12).contains(&m) {
            return format!("日期“{s}”有误：没有 {m} 月");
        }
        if NaiveDate::from_ymd_opt(y as i32, m as u32, d.clamp(0, 99) as u32).is_none() {
            return format!("日期“{s}”有误：{y} 年 {m} 月没有 {d} 日");
        }
        if let Some(t) = time_part.filter(|t| parse_time(t).is_none()) {
            return format!("日期“{s}”中的时间“{t}”无法识别");
        }
    }
    format!("日期“{s}”无法识别")
}

/// The hint for a `why_not` message: for a date that has the right form but
/// cannot be, what to check (not the form again).
pub fn hint_for(message: &str) -> &'static str {
    if message.contains("超出范围") {
        "检查年份是否写错（例如把 2024 写成了 9999）；长期有效、不到期的页面不写 expire_date"
    } else if message.contains("月没有") {
        "检查日：2 月只有 28 天（闰年 29 天），4、6、9、11 月只有 30 天"
    } else if message.contains("没有") {
        "检查月份：只有 1 到 12 月"
    } else if message.contains("中的时间") {
        "时间写成 09:30 或 09:30:00（24 小时制）"
    } else {
        DATE_HINT
    }
}

fn split_date_time(s: &str) -> (&str, Option<&str>) {
    for sep in ['T', ' '] {
        if let Some(i) = s.find(sep) {
            let rest = s[i + 1..].trim();
            return (&s[..i], (!rest.is_empty()).then_some(rest));
        }
    }
    (s, None)
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let normalized: String = s.trim().trim_end_matches('日').replace(['年', '月', '/', '.'], "-");
    let mut parts = normalized.split('-');
    let y: i32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let d: u32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !YEARS.contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    // Drop a zone suffix: times are local (the server's time zone).
    let s = s.trim_end_matches('Z');
    let s = match s.rfind(['+', '-']) {
        Some(i) if i >= 5 => &s[..i],
        _ => s,
    };
    let s = s.split('.').next()?;
    NaiveTime::parse_from_str(s, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M")).ok()
}

pub const DATE_HINT: &str = "日期写成 2024-03-15（可带时间：2024-03-15 09:30），也可写 2024年3月15日";

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = DateValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date such as 2024-03-15")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateValue, E> {
        DateValue::parse(v).ok_or_else(|| E::custom(why_not(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateValue, E> {
        Err(E::custom(format!("日期“{v}”无法识别")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateValue, E> {
        Err(E::custom(format!("日期“{v}”无法识别")))
    }

    /// TOML datetimes arrive as a one-entry map (the toml crate's private protocol).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DateValue, A::Error> {
        let Some((_, value)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("日期为空"));
        };
        DateValue::parse(&value).ok_or_else(|| de::Error::custom(why_not(&value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        for s in ["2024-03-15", "2024/3/15", "2024年3月15日", "2024.03.15"] {
            assert_eq!(DateValue::parse(s).unwrap().to_string(), "2024-03-15", "{s}");
        }
        assert_eq!(DateValue::parse("2024-03-15T09:30:00+08:00").unwrap().to_string(), "2024-03-15T09:30:00");
        assert_eq!(DateValue::parse("2024-03-15 09:30").unwrap().to_string(), "2024-03-15T09:30:00");
    }

    #[test]
    fn rejected_forms() {
        for s in ["昨天", "2024-13-01", "2024-02-30", "15/03/2024", ""] {
            assert!(DateValue::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn messages_say_what_is_wrong() {
        assert_eq!(why_not("9999-12-31"), "日期“9999-12-31”超出范围：年份 9999 不在 1900 到 2999 之间");
        assert_eq!(why_not("2024年2月30日"), "日期“2024年2月30日”有误：2024 年 2 月没有 30 日");
        assert_eq!(why_not("2024-13-01"), "日期“2024-13-01”有误：没有 13 月");
        assert_eq!(why_not("2024-03-15 25:00"), "日期“2024-03-15 25:00”中的时间“25:00”无法识别");
        assert_eq!(why_not("昨天"), "日期“昨天”无法识别");
        assert!(!hint_for(&why_not("9999-12-31")).contains("2024-03-15"), "not the same format again");
        assert_eq!(hint_for(&why_not("昨天")), DATE_HINT);
    }

    #[test]
    fn from_toml_date_and_string() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct T {
            a: DateValue,
            b: DateValue,
        }
        let t: T = toml::from_str("a = 2024-03-15\nb = \"2024年3月16日\"").unwrap();
        assert_eq!(t.a.to_string(), "2024-03-15");
        assert_eq!(t.b.to_string(), "2024-03-16");
        let err = toml::from_str::<T>("a = 2024-03-15\nb = \"昨天\"").unwrap_err();
        assert!(err.message().contains("昨天"));
        assert!(err.span().is_some());
    }
}
