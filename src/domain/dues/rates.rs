//! Member categories and the rate table (2008 national standard unless `[dues]`
//! says otherwise): which rule applies to a category, and labels for the table.

use crate::domain::money::{BasisPoints, Money};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Employed,
    Retired,
    Farmer,
    Student,
    Unemployed,
    Dibao,
    Other,
}

use Category::*;

impl Category {
    pub const ALL: [Category; 7] = [Employed, Retired, Farmer, Student, Unemployed, Dibao, Other];

    /// A ledger's 类别 cell: `在职`, `退休`, `学生党员`, ` Retired `, ...
    pub fn parse(text: &str) -> Option<Category> {
        let t = text.trim();
        let t = t.strip_suffix("党员").map(str::trim).filter(|s| !s.is_empty()).unwrap_or(t);
        Some(match t.to_ascii_lowercase().as_str() {
            "在职" | "在岗" | "职工" | "employed" => Employed,
            "离退休" | "退休" | "离休" | "retired" => Retired,
            "农民" | "farmer" => Farmer,
            "学生" | "student" => Student,
            "下岗失业" | "下岗" | "失业" | "unemployed" => Unemployed,
            "低保" | "低保户" | "dibao" => Dibao,
            "其他" | "其它" | "other" => Other,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Employed => "在职",
            Retired => "离退休",
            Farmer => "农民",
            Student => "学生",
            Unemployed => "下岗失业",
            Dibao => "低保",
            Other => "其他",
        }
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// Label of a missing category, in lists and tallies.
pub(super) const NO_CATEGORY: &str = "未填类别";

/// How one category's monthly dues are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A share of the monthly base by bracket; ascending, the last one open-ended.
    Brackets(Vec<Bracket>),
    /// The same amount every month.
    Fixed(Money),
    /// Any monthly amount within the range; arrears are counted against `min`.
    Range { min: Money, max: Money },
    /// No standard: shown, not judged.
    NoStandard,
}

/// Bases up to `up_to` (inclusive) pay `rate`; `None` is "and above".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    pub up_to: Option<Money>,
    pub rate: BasisPoints,
}

/// One rule per category. `Default` is the 2008 national table (中组发〔2008〕3号).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    rules: [Rule; 7],
}

pub(super) fn bracket(up_to_yuan: Option<i64>, rate: BasisPoints) -> Bracket {
    Bracket { up_to: up_to_yuan.map(Money::yuan), rate }
}

impl Default for RateTable {
    fn default() -> RateTable {
        let point_two = Rule::Fixed(Money::from_fen(20));
        RateTable {
            rules: [
                Rule::Brackets(vec![bracket(Some(3000), 50), bracket(Some(5000), 100), bracket(Some(10000), 150), bracket(None, 200)]),
                Rule::Brackets(vec![bracket(Some(5000), 50), bracket(None, 100)]),
                Rule::Range { min: Money::from_fen(20), max: Money::yuan(1) },
                point_two.clone(),
                point_two.clone(),
                point_two,
                Rule::NoStandard,
            ],
        }
    }
}

/// One line of the rate table as a disclosure shows it (缴纳标准).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardRow {
    pub category: Category,
    pub category_label: &'static str,
    /// `3000元以下（含）`, `每月0.20元`, `无统一标准`.
    pub standard: String,
    /// `0.5%` for a bracket; `None` otherwise.
    pub rate_label: Option<String>,
}

impl RateTable {
    pub fn rule(&self, c: Category) -> &Rule {
        &self.rules[c.index()]
    }

    pub(super) fn set(&mut self, c: Category, rule: Rule) {
        self.rules[c.index()] = rule;
    }

    /// Every category's standard, in `Category::ALL` order, for a 缴纳标准 table.
    pub fn standards(&self) -> Vec<StandardRow> {
        let row = |c: Category, standard: String, rate_label: Option<String>| StandardRow { category: c, category_label: c.label(), standard, rate_label };
        Category::ALL
            .iter()
            .flat_map(|&c| match self.rule(c) {
                Rule::Brackets(bs) => (0..bs.len()).map(|i| row(c, bracket_label(bs, i), Some(rate_label(bs[i].rate)))).collect(),
                rule => vec![row(c, flat_label(rule), None)],
            })
            .collect()
    }
}

/// `50` → `0.5%`, `100` → `1%`, `125` → `1.25%`.
pub fn rate_label(rate: BasisPoints) -> String {
    let (whole, frac) = (rate / 100, rate % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// Bracket bounds read best without `.00`: `3000`, `3000.50`.
pub(super) fn bound(m: Money) -> String {
    if m.fen() % 100 == 0 {
        (m.fen() / 100).to_string()
    } else {
        m.to_string()
    }
}

/// `3000元以下（含）`, `3000–5000元` (lower bound excluded, upper included), `10000元以上`,
/// `不分档` for a single open bracket.
pub fn bracket_label(brackets: &[Bracket], i: usize) -> String {
    let lower = i.checked_sub(1).and_then(|p| brackets[p].up_to);
    match (lower, brackets[i].up_to) {
        (None, Some(up)) => format!("{}元以下（含）", bound(up)),
        (Some(lo), Some(up)) => format!("{}–{}元", bound(lo), bound(up)),
        (Some(lo), None) => format!("{}元以上", bound(lo)),
        (None, None) => "不分档".into(),
    }
}

/// The label of a rule that is not by bracket.
pub(super) fn flat_label(rule: &Rule) -> String {
    match rule {
        Rule::Fixed(m) => format!("每月{m}元"),
        Rule::Range { min, max } => format!("每月{min}–{max}元"),
        Rule::NoStandard | Rule::Brackets(_) => "无统一标准".into(),
    }
}
