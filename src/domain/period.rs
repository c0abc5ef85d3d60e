//! Reporting periods: a year, a half, a quarter or a month. Pure calendar logic.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;

/// How often a requirement recurs, finest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    Month,
    Quarter,
    Half,
    Year,
}

impl Per {
    pub fn parse(s: &str) -> Option<Per> {
        match s.trim() {
            "month" | "月" | "每月" => Some(Per::Month),
            "quarter" | "季" | "季度" | "每季度" => Some(Per::Quarter),
            "half" | "半年" | "每半年" => Some(Per::Half),
            "year" | "年" | "每年" => Some(Per::Year),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Per::Month => "month",
            Per::Quarter => "quarter",
            Per::Half => "half",
            Per::Year => "year",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Per::Month => "每月",
            Per::Quarter => "每季度",
            Per::Half => "每半年",
            Per::Year => "每年",
        }
    }

    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            Per::Month => 1,
            Per::Quarter => 3,
            Per::Half => 6,
            Per::Year => 12,
        }
    }
}

/// One concrete period: `per` starting at month `first` (1-based) of `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub first: u32,
    pub per: Per,
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period { year, first: 1, per: Per::Year }
    }

    /// The period of kind `per` that contains `date`.
    pub fn containing(per: Per, date: NaiveDate) -> Period {
        let m = per.months();
        Period { year: date.year(), first: (date.month() - 1) / m * m + 1, per }
    }

    /// Parses `2024`, `2024-H1`, `2024-Q3`, `2024-03`, and the same periods as
    /// officers write them: `2024年`, `2024年上半年`, `2024年第一季度`, `2024年3月`.
    pub fn parse(s: &str) -> Option<Period> {
        let chinese = chinese_spelling(s);
        let s = chinese.as_deref().unwrap_or(s).trim();
        let (y, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if y.len() != 4 {
            return None;
        }
        let year: i32 = y.parse().ok().filter(|y| (1900..=2999).contains(y))?;
        let Some(rest) = rest else { return Some(Period::year(year)) };
        let upper = rest.to_ascii_uppercase();
        let (per, n, max) = if let Some(n) = upper.strip_prefix('H') {
            (Per::Half, n, 2)
        } else if let Some(n) = upper.strip_prefix('Q') {
            (Per::Quarter, n, 4)
        } else {
            (Per::Month, upper.as_str(), 12)
        };
        if n.is_empty() || n.len() > 2 || !n.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: u32 = n.parse().ok().filter(|n| (1..=max).contains(n))?;
        Some(Period { year, first: (n - 1) * per.months() + 1, per })
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.first, 1).expect("valid period start")
    }

    /// Last day, inclusive.
    pub fn end(self) -> NaiveDate {
        let last_month = self.first + self.per.months() - 1;
        let next = if last_month == 12 { NaiveDate::from_ymd_opt(self.year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(self.year, last_month + 1, 1) };
        next.expect("valid date").pred_opt().expect("valid date")
    }

    pub fn contains(self, other: Period) -> bool {
        other.year == self.year && other.first >= self.first && other.first + other.per.months() <= self.first + self.per.months()
    }

    pub fn contains_date(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// The periods of kind `per` inside this one (itself when `per` is the same).
    pub fn split(self, per: Per) -> Vec<Period> {
        if per > self.per {
            return vec![];
        }
        let step = per.months();
        (0..self.per.months() / step).map(|i| Period { year: self.year, first: self.first + i * step, per }).collect()
    }

    /// Short label: `2024`, `2024-H1`, `2024-Q1`, `2024-03`.
    pub fn id(self) -> String {
        match self.per {
            Per::Year => format!("{}", self.year),
            Per::Half => format!("{}-H{}", self.year, self.first.div_ceil(6)),
            Per::Quarter => format!("{}-Q{}", self.year, self.first.div_ceil(3)),
            Per::Month => format!("{}-{:02}", self.year, self.first),
        }
    }

    /// Chinese label for tables: `1月`, `第一季度`, `上半年`, `2024年`.
    /// The label with its year: `2024年第一季度`, `2024年3月`, `2024年`.
    pub fn full_label(self) -> String {
        match self.per {
            Per::Year => self.label(),
            _ => format!("{}年{}", self.year, self.label()),
        }
    }

    pub fn label(self) -> String {
        const QUARTERS: [&str; 4] = ["第一季度", "第二季度", "第三季度", "第四季度"];
        match self.per {
            Per::Year => format!("{}年", self.year),
            Per::Half => (if self.first == 1 { "上半年" } else { "下半年" }).to_string(),
            Per::Quarter => QUARTERS[(self.first as usize - 1) / 3].to_string(),
            Per::Month => format!("{}月", self.first),
        }
    }
}

/// Serialized as its id (`2024-Q1`).
impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// `2024年第一季度` → `2024-Q1`, `2024年上半年` → `2024-H1`, `2024年3月` → `2024-03`,
/// `2024年` / `2024年度` → `2024`; `None` when `s` is not written that way.
fn chinese_spelling(s: &str) -> Option<String> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (year, rest) = t.split_once('年')?;
    let number = |n: &str| -> Option<u32> {
        n.parse()
            .ok()
            .or_else(|| ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"].iter().position(|c| *c == n).map(|i| i as u32 + 1))
    };
    let rest = rest.trim_start_matches('度');
    let period = match rest {
        "" | "全年" => String::new(),
        "上半年" => "-H1".into(),
        "下半年" => "-H2".into(),
        _ if rest.ends_with("季度") => {
            let n = rest.trim_start_matches('第').trim_end_matches("季度");
            format!("-Q{}", number(n).filter(|n| (1..=4).contains(n))?)
        }
        _ if rest.ends_with('月') || rest.ends_with("月份") => {
            format!("-{:02}", number(rest.trim_end_matches('份').trim_end_matches('月')).filter(|n| (1..=12).contains(n))?)
        }
        _ => return None,
    };
    Some(format!("{year}{period}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_spellings_of_periods() {
        for (written, canonical) in [
            ("2024年", "2024"),
            ("2024年度", "2024"),
            ("2024年上半年", "2024-H1"),
            ("2024年下半年", "2024-H2"),
            ("2024年第一季度", "2024-Q1"),
            ("2024年一季度", "2024-Q1"),
            ("2024年第4季度", "2024-Q4"),
            ("2024 年 3 月", "2024-03"),
            ("2024年十一月", "2024-11"),
        ] {
            assert_eq!(Period::parse(written), Period::parse(canonical), "{written}");
            assert!(Period::parse(written).is_some(), "{written}");
        }
        for bad in ["2024年第五季度", "2024年13月", "2024年春季", "去年"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parse_and_print() {
        for s in ["2024", "2024-H2", "2024-Q1", "2024-03", "2024-12"] {
            assert_eq!(Period::parse(s).unwrap().id(), s);
        }
        assert_eq!(Period::parse("2024-q4").unwrap().id(), "2024-Q4");
        for bad in ["2024-Q5", "2024-13", "2024-H3", "24-Q1", "2024-Q", "2024-00", "x", "2024-Q1x"] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bounds_and_containment() {
        let q1 = Period::parse("2024-Q1").unwrap();
        assert_eq!(q1.start(), d("2024-01-01"));
        assert_eq!(q1.end(), d("2024-03-31"));
        assert_eq!(Period::parse("2024-02").unwrap().end(), d("2024-02-29"));
        assert_eq!(Period::year(2024).end(), d("2024-12-31"));
        assert!(Period::parse("2024-H1").unwrap().contains(q1));
        assert!(!q1.contains(Period::parse("2024-04").unwrap()));
        assert_eq!(Period::containing(Per::Quarter, d("2024-05-20")).id(), "2024-Q2");
        assert_eq!(Period::year(2024).split(Per::Quarter).len(), 4);
        assert_eq!(q1.split(Per::Month).iter().map(|p| p.id()).collect::<Vec<_>>(), ["2024-01", "2024-02", "2024-03"]);
        assert!(q1.split(Per::Year).is_empty());
    }
}
