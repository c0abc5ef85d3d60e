//! One member against the rate table: the standard that applies, the monthly and
//! expected amounts, months in arrears, or why the member cannot be judged.

use super::rates::{bracket_label, flat_label, rate_label, NO_CATEGORY};
use super::rates::{Category, RateTable, Rule};
use super::SERIOUS_ARREARS_MONTHS;
use crate::domain::money::{BasisPoints, Money};
use serde::Serialize;

/// One member as the ledger states it; the glue reports unreadable cells itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub category: Option<Category>,
    /// Monthly income base (基数); needed by bracket rules only.
    pub base: Option<Money>,
    pub months: u32,
    pub paid: Money,
    /// The ledger's own 应缴 cell, when it has that column: what a 合计 row's expected
    /// is checked against (the rules' amount is computed regardless).
    pub ledger_expected: Option<Money>,
}

/// Why a member's dues cannot be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unjudged {
    NoCategory,
    NoStandard,
    MissingBase,
    BadBase,
}

impl Unjudged {
    pub fn reason(self) -> &'static str {
        match self {
            Unjudged::NoCategory => "类别未填或无法识别",
            Unjudged::NoStandard => "该类别没有统一缴纳标准",
            Unjudged::MissingBase => "未填月工资收入基数",
            Unjudged::BadBase => "基数不是正数",
        }
    }

    pub(super) fn hint(self, c: Option<Category>) -> String {
        match self {
            Unjudged::NoCategory => "在台账“类别”列填写：在职、离退休、农民、学生、下岗失业、低保或其他".into(),
            Unjudged::NoStandard => {
                format!("“{}”类党员只列示、不判断；如当地有标准，可在 config.toml 的 [dues] fixed 中设定月额", c.map_or("其他", Category::label))
            }
            Unjudged::MissingBase | Unjudged::BadBase => "在台账“基数”列填写每月工资收入（在职为税后工资），如 4500.00".into(),
        }
    }
}

/// The standard that applies to one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// Bracket or flat label, as in `RateTable::standards`.
    pub standard: String,
    pub rate: Option<BasisPoints>,
    /// 月应缴, rounded half-up to the fen.
    pub monthly: Money,
    /// Position within the category's standards, for ordering tallies.
    slot: usize,
}

/// The standard for a category and base, or why there is none.
pub fn due(category: Option<Category>, base: Option<Money>, table: &RateTable) -> Result<Due, Unjudged> {
    let c = category.ok_or(Unjudged::NoCategory)?;
    let flat = |monthly: Money, rule: &Rule| Due { standard: flat_label(rule), rate: None, monthly, slot: 0 };
    match table.rule(c) {
        Rule::NoStandard => Err(Unjudged::NoStandard),
        r @ Rule::Fixed(m) => Ok(flat(*m, r)),
        r @ Rule::Range { min, .. } => Ok(flat(*min, r)),
        Rule::Brackets(bs) => {
            let base = base.ok_or(Unjudged::MissingBase)?;
            if base <= Money::ZERO {
                return Err(Unjudged::BadBase);
            }
            let found = bs.iter().position(|b| b.up_to.is_none_or(|up| base <= up));
            let Some(i) = found.or(bs.len().checked_sub(1)) else { return Err(Unjudged::NoStandard) };
            Ok(Due { standard: bracket_label(bs, i), rate: Some(bs[i].rate), monthly: base.percent(bs[i].rate), slot: i })
        }
    }
}

/// `months − floor(paid ÷ monthly)`, capped to `0..=months`; 0 when nothing is due monthly.
pub fn arrears_months(months: u32, paid: Money, monthly: Money) -> u32 {
    match paid.div_floor(monthly) {
        Some(covered) => (i64::from(months) - covered).clamp(0, i64::from(months)) as u32,
        None => 0,
    }
}

/// One member's line of the report. Carries the real name and the income base:
/// internal only. A public build uses `DuesReport::public_view`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberLine {
    pub name: String,
    pub category: Option<Category>,
    pub category_label: &'static str,
    pub base: Option<Money>,
    pub months: u32,
    pub paid: Money,
    pub standard: Option<String>,
    pub rate: Option<BasisPoints>,
    pub rate_label: Option<String>,
    pub monthly: Option<Money>,
    /// 应缴 = monthly × months.
    pub expected: Option<Money>,
    /// paid − expected: negative is 少缴, positive 多缴.
    pub difference: Option<Money>,
    pub arrears_months: Option<u32>,
    pub serious: bool,
    pub unjudged: Option<Unjudged>,
    pub unjudged_reason: Option<&'static str>,
    #[serde(skip)]
    pub(super) slot: usize,
}

pub(super) fn line(m: &Member, table: &RateTable) -> MemberLine {
    let category_label = m.category.map_or(NO_CATEGORY, Category::label);
    let mut l = MemberLine {
        name: m.name.trim().to_string(),
        category: m.category,
        category_label,
        base: m.base,
        months: m.months,
        paid: m.paid,
        standard: None,
        rate: None,
        rate_label: None,
        monthly: None,
        expected: None,
        difference: None,
        arrears_months: None,
        serious: false,
        unjudged: None,
        unjudged_reason: None,
        slot: usize::MAX,
    };
    match due(m.category, m.base, table) {
        Ok(d) => {
            let expected = d.monthly.times(m.months);
            let arrears = arrears_months(m.months, m.paid, d.monthly);
            l.standard = Some(d.standard);
            l.rate = d.rate;
            l.rate_label = d.rate.map(rate_label);
            l.monthly = Some(d.monthly);
            l.expected = Some(expected);
            l.difference = Some(m.paid - expected);
            l.arrears_months = Some(arrears);
            l.serious = arrears >= SERIOUS_ARREARS_MONTHS;
            l.slot = d.slot;
        }
        Err(u) => {
            l.unjudged = Some(u);
            l.unjudged_reason = Some(u.reason());
        }
    }
    l
}
