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
    if parts.next().is_some() || !(1900..=2999).contains(&y) {
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
        DateValue::parse(v).ok_or_else(|| E::custom(format!("日期“{v}”无法识别")))
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
        DateValue::parse(&value).ok_or_else(|| de::Error::custom(format!("日期“{value}”无法识别")))
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
