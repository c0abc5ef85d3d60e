//! 党费 (dues): member categories, the rate table, each member's expected dues and
//! arrears, and the checks behind a 党费公示. Pure: member rows in, a report out.
//! Rules: content-model.md "Dues disclosures", domain-rules.md "党费".
//!
//! Money is exact fen. The monthly amount (月应缴) is rounded half-up first, then
//! multiplied by the months: 13579.24 × 2% = 271.5848 → 271.58 × 3 = 814.74.

mod config;
mod mask;

pub use config::{DuesConfigError, DuesOptions};
pub use mask::mask_name;

use super::money::{BasisPoints, Money};
use serde::Serialize;
use std::collections::BTreeMap;

/// Arrears of this many months or more are serious (严重).
pub const SERIOUS_ARREARS_MONTHS: u32 = 6;

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

    fn index(self) -> usize {
        self as usize
    }
}

/// Label of a missing category, in lists and tallies.
const NO_CATEGORY: &str = "未填类别";

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

fn bracket(up_to_yuan: Option<i64>, rate: BasisPoints) -> Bracket {
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

    fn set(&mut self, c: Category, rule: Rule) {
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
fn bound(m: Money) -> String {
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
fn flat_label(rule: &Rule) -> String {
    match rule {
        Rule::Fixed(m) => format!("每月{m}元"),
        Rule::Range { min, max } => format!("每月{min}–{max}元"),
        Rule::NoStandard | Rule::Brackets(_) => "无统一标准".into(),
    }
}

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

    fn hint(self, c: Option<Category>) -> String {
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
    slot: usize,
}

fn line(m: &Member, table: &RateTable) -> MemberLine {
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

/// Sums over a set of members. `expected` and `difference` cover judged members only;
/// `paid` covers everyone (it is what was collected).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub members: u32,
    pub judged: u32,
    pub expected: Money,
    pub paid: Money,
    /// Judged members' paid − expected.
    pub difference: Money,
}

impl Tally {
    fn add(&mut self, l: &MemberLine) {
        self.members += 1;
        self.paid += l.paid;
        if let (Some(e), Some(d)) = (l.expected, l.difference) {
            self.judged += 1;
            self.expected += e;
            self.difference += d;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTally {
    pub category: Option<Category>,
    pub label: &'static str,
    #[serde(flatten)]
    pub tally: Tally,
}

/// Members of one category under one standard; unjudged ones under `未判定`, last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BracketTally {
    pub category: Option<Category>,
    pub category_label: &'static str,
    pub standard: String,
    pub rate_label: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
}

const UNJUDGED_STANDARD: &str = "未判定";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Paid less than expected. With the monthly amount rounded first, paid < expected
    /// exactly when months in arrears ≥ 1, so 少缴 and 欠缴 are one finding.
    Arrears,
    /// The rules cannot judge this member (其他, no category, no base).
    CannotJudge,
    /// A 合计/总计 row disagrees with the members' sum.
    TotalsMismatch,
    /// Remitted upward ≠ collected.
    RemittanceGap,
}

impl FindingKind {
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::Arrears => "欠缴",
            FindingKind::CannotJudge => "无法判断",
            FindingKind::TotalsMismatch => "合计不符",
            FindingKind::RemittanceGap => "上缴差额",
        }
    }
}

/// For internal readers and `dwgk check`; never shown in a public build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Index into the `members` given to `evaluate`.
    pub member: Option<usize>,
    /// Where the finding is when it is not a member's row: a 合计 row's `at`.
    pub at: Option<String>,
    pub serious: bool,
    pub message: String,
    pub hint: String,
}

/// A 合计/总计 row of the ledger: not a member; its money cells are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TotalsRow {
    /// Where it is, for messages: `第 12 行`.
    pub at: String,
    pub paid: Option<Money>,
    pub expected: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuesReport {
    pub members: Vec<MemberLine>,
    pub totals: Tally,
    pub by_category: Vec<CategoryTally>,
    pub by_bracket: Vec<BracketTally>,
    /// 实收: everything members paid.
    pub collected: Money,
    pub remitted: Option<Money>,
    /// remitted − collected: negative is 少上缴.
    pub remittance_gap: Option<Money>,
    pub in_arrears: u32,
    pub serious_arrears: u32,
    pub findings: Vec<Finding>,
}

/// Evaluates one disclosure: every member against `table`, the 合计 rows against the
/// members' sums, and what was remitted against what was collected.
pub fn evaluate(members: &[Member], totals: &[TotalsRow], remitted: Option<Money>, table: &RateTable) -> DuesReport {
    let lines: Vec<MemberLine> = members.iter().map(|m| line(m, table)).collect();
    let mut all = Tally::default();
    lines.iter().for_each(|l| all.add(l));
    let mut findings: Vec<Finding> = lines.iter().enumerate().filter_map(|(i, l)| member_finding(i, l)).collect();
    findings.extend(totals.iter().flat_map(|t| totals_findings(t, members, &all)));
    let remittance_gap = remitted.map(|r| r - all.paid);
    findings.extend(remittance_gap.filter(|g| *g != Money::ZERO).map(|g| remittance_finding(g, all.paid)));
    DuesReport {
        totals: all,
        by_category: by_category(&lines),
        by_bracket: by_bracket(&lines),
        collected: all.paid,
        remitted,
        remittance_gap,
        in_arrears: lines.iter().filter(|l| l.arrears_months.unwrap_or(0) > 0).count() as u32,
        serious_arrears: lines.iter().filter(|l| l.serious).count() as u32,
        findings,
        members: lines,
    }
}

fn member_finding(i: usize, l: &MemberLine) -> Option<Finding> {
    let who = if l.name.is_empty() { format!("第 {} 位党员", i + 1) } else { l.name.clone() };
    let finding = |kind, serious, message, hint: String| Some(Finding { kind, member: Some(i), at: None, serious, message, hint });
    if let Some(u) = l.unjudged {
        let message = match u {
            Unjudged::NoCategory => format!("{who}：{}，无法判断应缴党费", u.reason()),
            Unjudged::NoStandard => format!("{who}：“{}”类党员没有统一缴纳标准，只列示、不判断是否足额", l.category_label),
            _ => format!("{who}：{}类党员{}，无法计算应缴党费", l.category_label, u.reason()),
        };
        return finding(FindingKind::CannotJudge, false, message, u.hint(l.category));
    }
    let (expected, arrears) = (l.expected?, l.arrears_months?);
    if l.paid >= expected {
        return None;
    }
    let message = format!("{who}：应缴 {expected} 元，实缴 {} 元，少缴 {} 元，欠缴 {arrears} 个月", l.paid, expected - l.paid);
    let hint = if l.serious {
        format!("欠缴满 {SERIOUS_ARREARS_MONTHS} 个月属严重情形：请支部核实有无正当理由，及时谈话提醒并督促补缴")
    } else {
        "请支部提醒补缴；如确有正当理由，在备注中说明".into()
    };
    finding(FindingKind::Arrears, l.serious, message, hint)
}

/// The ledger's own 应缴 column when it has one, else the rules' amounts.
fn totals_findings(t: &TotalsRow, members: &[Member], all: &Tally) -> Vec<Finding> {
    let ledger_has_expected = members.iter().any(|m| m.ledger_expected.is_some());
    let (expected_sum, expected_what) = if ledger_has_expected {
        (members.iter().filter_map(|m| m.ledger_expected).sum(), "各成员行应缴之和")
    } else {
        (all.expected, "按标准计算的应缴之和")
    };
    let checks = [(t.paid, all.paid, "实缴", "各成员行实缴之和"), (t.expected, expected_sum, "应缴", expected_what)];
    checks
        .into_iter()
        .filter_map(|(stated, sum, column, what)| {
            let stated = stated.filter(|s| *s != sum)?;
            Some(Finding {
                kind: FindingKind::TotalsMismatch,
                member: None,
                at: Some(t.at.clone()).filter(|a| !a.is_empty()),
                serious: false,
                message: format!("合计行的{column} {stated} 元，与{what} {sum} 元不符，相差 {} 元", abs(stated - sum)),
                hint: "核对合计行是否覆盖了全部成员行、有无漏算或重复计算".into(),
            })
        })
        .collect()
}

fn abs(m: Money) -> Money {
    if m.is_negative() {
        Money::ZERO - m
    } else {
        m
    }
}

fn remittance_finding(gap: Money, collected: Money) -> Finding {
    let remitted = collected + gap;
    let (message, hint) = if gap.is_negative() {
        (
            format!("上缴 {remitted} 元，少于本期实收 {collected} 元，少上缴 {} 元", abs(gap)),
            "核对是否已全额上缴；如按规定留存部分党费，在公示中说明".to_string(),
        )
    } else {
        (format!("上缴 {remitted} 元，多于本期实收 {collected} 元，多上缴 {gap} 元"), "核对上缴金额是否含以前期间的党费，或台账、上缴金额填写有误".to_string())
    };
    Finding { kind: FindingKind::RemittanceGap, member: None, at: None, serious: false, message, hint }
}

/// Missing categories sort after every known one.
fn category_order(c: Option<Category>) -> usize {
    c.map_or(Category::ALL.len(), Category::index)
}

fn by_category(lines: &[MemberLine]) -> Vec<CategoryTally> {
    let mut groups: BTreeMap<usize, CategoryTally> = BTreeMap::new();
    for l in lines {
        groups
            .entry(category_order(l.category))
            .or_insert_with(|| CategoryTally { category: l.category, label: l.category_label, tally: Tally::default() })
            .tally
            .add(l);
    }
    groups.into_values().collect()
}

fn by_bracket(lines: &[MemberLine]) -> Vec<BracketTally> {
    let mut groups: BTreeMap<(usize, usize), BracketTally> = BTreeMap::new();
    for l in lines {
        groups
            .entry((category_order(l.category), l.slot))
            .or_insert_with(|| BracketTally {
                category: l.category,
                category_label: l.category_label,
                standard: l.standard.clone().unwrap_or_else(|| UNJUDGED_STANDARD.into()),
                rate_label: l.rate_label.clone(),
                tally: Tally::default(),
            })
            .tally
            .add(l);
    }
    groups.into_values().collect()
}

/// What a public build may show: masked names, no income base, no findings or arrears;
/// per-member standards and amounts only when `public_member_amounts` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDues {
    pub members: Vec<PublicMember>,
    /// Whether `members` carry standards and amounts.
    pub member_amounts: bool,
    pub totals: Tally,
    pub by_category: Vec<CategoryTally>,
    pub by_bracket: Vec<BracketTally>,
    pub collected: Money,
    pub remitted: Option<Money>,
    pub remittance_gap: Option<Money>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicMember {
    /// Masked: `张*`.
    pub name: String,
    pub category_label: &'static str,
    pub standard: Option<String>,
    pub rate_label: Option<String>,
    pub monthly: Option<Money>,
    pub expected: Option<Money>,
    pub paid: Option<Money>,
}

impl DuesReport {
    pub fn public_view(&self, options: &DuesOptions) -> PublicDues {
        let amounts = options.public_member_amounts;
        let members = self
            .members
            .iter()
            .map(|l| PublicMember {
                name: mask_name(&l.name),
                category_label: l.category_label,
                standard: l.standard.clone().filter(|_| amounts),
                rate_label: l.rate_label.clone().filter(|_| amounts),
                monthly: l.monthly.filter(|_| amounts),
                expected: l.expected.filter(|_| amounts),
                paid: Some(l.paid).filter(|_| amounts),
            })
            .collect();
        PublicDues {
            members,
            member_amounts: amounts,
            totals: self.totals,
            by_category: self.by_category.clone(),
            by_bracket: self.by_bracket.clone(),
            collected: self.collected,
            remitted: self.remitted,
            remittance_gap: self.remittance_gap,
            contact: options.contact.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn member(name: &str, category: Category, base: Option<&str>, months: u32, paid: &str) -> Member {
        Member { name: name.into(), category: Some(category), base: base.map(m), months, paid: m(paid), ledger_expected: None }
    }

    /// (standard, rate, monthly) for one base.
    fn judged(c: Category, base: &str) -> (String, Option<BasisPoints>, String) {
        let d = due(Some(c), Some(m(base)), &RateTable::default()).unwrap();
        (d.standard, d.rate, d.monthly.to_string())
    }

    #[test]
    fn categories_parse_their_variants() {
        assert_eq!(Category::parse(" 在岗 "), Some(Employed));
        assert_eq!(Category::parse("职工"), Some(Employed));
        assert_eq!(Category::parse("Employed"), Some(Employed));
        assert_eq!(Category::parse("离休"), Some(Retired));
        assert_eq!(Category::parse("退休党员"), Some(Retired));
        assert_eq!(Category::parse("FARMER"), Some(Farmer));
        assert_eq!(Category::parse("学生党员"), Some(Student));
        assert_eq!(Category::parse("失业"), Some(Unemployed));
        assert_eq!(Category::parse("低保户"), Some(Dibao));
        assert_eq!(Category::parse("其它"), Some(Other));
        assert_eq!(Category::parse("党员"), None);
        assert_eq!(Category::parse("干部"), None);
        assert_eq!(Category::ALL.map(Category::label), ["在职", "离退休", "农民", "学生", "下岗失业", "低保", "其他"]);
        assert!(Category::ALL.iter().all(|c| Category::parse(c.label()) == Some(*c)));
    }

    #[test]
    fn employed_brackets_at_every_boundary() {
        let e = |base| judged(Employed, base);
        assert_eq!(e("3000.00"), ("3000元以下（含）".into(), Some(50), "15.00".into()));
        assert_eq!(e("3000.01"), ("3000–5000元".into(), Some(100), "30.00".into()));
        assert_eq!(e("5000.00"), ("3000–5000元".into(), Some(100), "50.00".into()));
        assert_eq!(e("5000.01"), ("5000–10000元".into(), Some(150), "75.00".into()));
        assert_eq!(e("10000.00"), ("5000–10000元".into(), Some(150), "150.00".into()));
        assert_eq!(e("10000.01"), ("10000元以上".into(), Some(200), "200.00".into()));
        assert_eq!(e("0.01"), ("3000元以下（含）".into(), Some(50), "0.00".into()));
    }

    #[test]
    fn retired_brackets_at_the_boundary() {
        assert_eq!(judged(Retired, "5000.00"), ("5000元以下（含）".into(), Some(50), "25.00".into()));
        assert_eq!(judged(Retired, "5000.01"), ("5000元以上".into(), Some(100), "50.00".into()));
    }

    #[test]
    fn contract_example_rounds_the_month_first() {
        let r = evaluate(&[member("张三", Employed, Some("13579.24"), 3, "600")], &[], None, &RateTable::default());
        let l = &r.members[0];
        assert_eq!(l.rate_label.as_deref(), Some("2%"));
        assert_eq!(l.monthly, Some(m("271.58")));
        assert_eq!(l.expected, Some(m("814.74"))); // not 814.75 (271.5848 × 3)
        assert_eq!(l.difference, Some(m("-214.74")));
        assert_eq!(l.arrears_months, Some(1)); // 3 − floor(600 ÷ 271.58) = 3 − 2
        assert_eq!(r.findings.len(), 1);
        let f = &r.findings[0];
        assert_eq!((f.kind, f.member, f.serious), (FindingKind::Arrears, Some(0), false));
        assert_eq!(f.message, "张三：应缴 814.74 元，实缴 600.00 元，少缴 214.74 元，欠缴 1 个月");
    }

    #[test]
    fn farmers_pay_anything_in_range_unless_fixed() {
        let t = RateTable::default();
        let within = evaluate(&[member("农一", Farmer, None, 12, "6.00")], &[], None, &t); // 0.50 a month
        assert_eq!(within.members[0].standard.as_deref(), Some("每月0.20–1.00元"));
        assert_eq!(within.members[0].expected, Some(m("2.40")));
        assert_eq!(within.members[0].arrears_months, Some(0));
        assert!(within.findings.is_empty());
        let below = evaluate(&[member("农二", Farmer, None, 12, "1.00")], &[], None, &t);
        assert_eq!(below.members[0].arrears_months, Some(7)); // 12 − floor(1.00 ÷ 0.20)
        assert!(below.findings[0].serious);
        assert_eq!(below.findings[0].message, "农二：应缴 2.40 元，实缴 1.00 元，少缴 1.40 元，欠缴 7 个月");

        let mut fixed = t.clone();
        fixed.set(Farmer, Rule::Fixed(m("0.50")));
        let r = evaluate(&[member("农三", Farmer, None, 12, "5.00")], &[], None, &fixed);
        assert_eq!(r.members[0].standard.as_deref(), Some("每月0.50元"));
        assert_eq!(r.members[0].expected, Some(m("6.00")));
        assert_eq!(r.members[0].arrears_months, Some(2));
    }

    #[test]
    fn fixed_categories_pay_twenty_fen() {
        let t = RateTable::default();
        for c in [Student, Unemployed, Dibao] {
            let r = evaluate(&[member("学生甲", c, None, 6, "1.00")], &[], None, &t);
            assert_eq!(r.members[0].monthly, Some(m("0.20")), "{c:?}");
            assert_eq!(r.members[0].expected, Some(m("1.20")));
            assert_eq!(r.members[0].arrears_months, Some(1));
            assert_eq!(r.members[0].rate, None);
        }
        let paid = evaluate(&[member("学生乙", Student, Some("9999"), 6, "1.20")], &[], None, &t);
        assert!(paid.findings.is_empty()); // a base is irrelevant to a fixed amount
    }

    #[test]
    fn others_and_missing_bases_are_shown_not_judged() {
        let t = RateTable::default();
        let members = [
            member("王五", Other, None, 3, "30"),
            member("赵六", Employed, None, 3, "30"),
            member("钱七", Retired, Some("0"), 3, "30"),
            Member { name: "孙八".into(), category: None, months: 3, paid: m("30"), ..Member::default() },
        ];
        let r = evaluate(&members, &[], None, &t);
        let reasons: Vec<_> = r.members.iter().map(|l| l.unjudged).collect();
        assert_eq!(reasons, [Some(Unjudged::NoStandard), Some(Unjudged::MissingBase), Some(Unjudged::BadBase), Some(Unjudged::NoCategory)]);
        assert!(r.members.iter().all(|l| l.expected.is_none() && l.arrears_months.is_none()));
        assert!(r.findings.iter().all(|f| f.kind == FindingKind::CannotJudge && !f.serious));
        assert_eq!(r.findings.iter().map(|f| f.member).collect::<Vec<_>>(), [Some(0), Some(1), Some(2), Some(3)]);
        assert_eq!(r.findings[0].message, "王五：“其他”类党员没有统一缴纳标准，只列示、不判断是否足额");
        assert_eq!(r.findings[1].message, "赵六：在职类党员未填月工资收入基数，无法计算应缴党费");
        assert_eq!(r.findings[3].message, "孙八：类别未填或无法识别，无法判断应缴党费");
        assert_eq!((r.totals.members, r.totals.judged, r.totals.expected, r.totals.paid), (4, 0, Money::ZERO, m("120")));
    }

    #[test]
    fn arrears_are_capped_and_overpaying_is_fine() {
        assert_eq!(arrears_months(12, Money::ZERO, m("15")), 12);
        assert_eq!(arrears_months(12, m("-5"), m("15")), 12);
        assert_eq!(arrears_months(12, m("500"), m("15")), 0);
        assert_eq!(arrears_months(12, m("179.99"), m("15")), 1);
        assert_eq!(arrears_months(12, m("5"), Money::ZERO), 0);
        let t = RateTable::default();
        let r = evaluate(&[member("甲", Employed, Some("3000"), 12, "0"), member("乙", Employed, Some("3000"), 12, "500")], &[], None, &t);
        assert_eq!(r.members[0].arrears_months, Some(12));
        assert!(r.members[0].serious);
        assert_eq!(r.members[1].arrears_months, Some(0));
        assert_eq!(r.members[1].difference, Some(m("320.00")));
        assert_eq!((r.in_arrears, r.serious_arrears), (1, 1));
        assert_eq!(r.findings.len(), 1);
        assert!(r.findings[0].serious && r.findings[0].hint.contains("严重"));
        let five = evaluate(&[member("丙", Employed, Some("3000"), 5, "0")], &[], None, &t);
        assert!(!five.findings[0].serious);
        let six = evaluate(&[member("丁", Employed, Some("3000"), 12, "90")], &[], None, &t); // 12 − 6
        assert_eq!(six.members[0].arrears_months, Some(6));
        assert!(six.findings[0].serious && six.members[0].serious);
    }

    fn ledger() -> Vec<Member> {
        vec![
            member("张三", Employed, Some("3000"), 3, "45"),  // 15 × 3 = 45
            member("李四", Employed, Some("6000"), 3, "270"), // 90 × 3 = 270
            member("王五", Retired, Some("4000"), 3, "60"),   // 20 × 3 = 60
            member("赵六", Student, None, 3, "0.60"),         // 0.20 × 3
            member("钱七", Other, None, 3, "3"),
        ]
    }

    #[test]
    fn totals_and_breakdowns() {
        let r = evaluate(&ledger(), &[], None, &RateTable::default());
        assert_eq!(r.totals, Tally { members: 5, judged: 4, expected: m("375.60"), paid: m("378.60"), difference: Money::ZERO });
        assert_eq!(r.collected, m("378.60"));
        let cats: Vec<_> = r.by_category.iter().map(|c| (c.label, c.tally.members, c.tally.paid.to_string())).collect();
        assert_eq!(cats, [("在职", 2, "315.00".into()), ("离退休", 1, "60.00".into()), ("学生", 1, "0.60".into()), ("其他", 1, "3.00".into())]);
        let brackets: Vec<_> = r.by_bracket.iter().map(|b| (b.category_label, b.standard.as_str(), b.tally.members, b.tally.expected.to_string())).collect();
        assert_eq!(
            brackets,
            [
                ("在职", "3000元以下（含）", 1, "45.00".into()),
                ("在职", "5000–10000元", 1, "270.00".into()),
                ("离退休", "5000元以下（含）", 1, "60.00".into()),
                ("学生", "每月0.20元", 1, "0.60".into()),
                ("其他", "未判定", 1, "0.00".into()),
            ]
        );
    }

    #[test]
    fn totals_rows_are_checked_against_the_members() {
        let t = RateTable::default();
        let row = |paid: &str, expected: Option<&str>| TotalsRow { at: "第 8 行".into(), paid: Some(m(paid)), expected: expected.map(m) };
        let ok = evaluate(&ledger(), &[row("378.60", Some("375.60"))], None, &t);
        assert!(ok.findings.iter().all(|f| f.kind != FindingKind::TotalsMismatch));
        let bad = evaluate(&ledger(), &[row("368.60", Some("380.00"))], None, &t);
        let msgs: Vec<_> = bad.findings.iter().filter(|f| f.kind == FindingKind::TotalsMismatch).map(|f| f.message.as_str()).collect();
        assert!(bad.findings.iter().filter(|f| f.kind == FindingKind::TotalsMismatch).all(|f| f.at.as_deref() == Some("第 8 行")), "located at the 合计 row");
        assert_eq!(
            msgs,
            [
                "合计行的实缴 368.60 元，与各成员行实缴之和 378.60 元不符，相差 10.00 元",
                "合计行的应缴 380.00 元，与按标准计算的应缴之和 375.60 元不符，相差 4.40 元",
            ]
        );
        // With an 应缴 column, the 合计 is the ledger's own sum, whatever the rules say.
        let mut own = ledger();
        own.iter_mut().for_each(|mb| mb.ledger_expected = Some(m("76")));
        let r = evaluate(&own, &[row("378.60", Some("380.00"))], None, &t);
        assert!(r.findings.iter().all(|f| f.kind != FindingKind::TotalsMismatch));
        let r = evaluate(&own, &[row("378.60", Some("375.60"))], None, &t);
        let f = r.findings.iter().find(|f| f.kind == FindingKind::TotalsMismatch).unwrap();
        assert_eq!(f.message, "合计行的应缴 375.60 元，与各成员行应缴之和 380.00 元不符，相差 4.40 元");
    }

    #[test]
    fn remittance_gap_says_which_way() {
        let t = RateTable::default();
        let exact = evaluate(&ledger(), &[], Some(m("378.60")), &t);
        assert_eq!(exact.remittance_gap, Some(Money::ZERO));
        assert!(exact.findings.iter().all(|f| f.kind != FindingKind::RemittanceGap));
        let less = evaluate(&ledger(), &[], Some(m("300")), &t);
        assert_eq!(less.remittance_gap, Some(m("-78.60")));
        let f = less.findings.iter().find(|f| f.kind == FindingKind::RemittanceGap).unwrap();
        assert_eq!(f.message, "上缴 300.00 元，少于本期实收 378.60 元，少上缴 78.60 元");
        let more = evaluate(&ledger(), &[], Some(m("400")), &t);
        let f = more.findings.iter().find(|f| f.kind == FindingKind::RemittanceGap).unwrap();
        assert_eq!(f.message, "上缴 400.00 元，多于本期实收 378.60 元，多上缴 21.40 元");
        assert_eq!(evaluate(&ledger(), &[], None, &t).remittance_gap, None);
    }

    #[test]
    fn public_view_masks_and_hides() {
        let r = evaluate(&ledger(), &[], Some(m("300")), &RateTable::default());
        let hidden = r.public_view(&DuesOptions::default());
        assert_eq!(hidden.members[0].name, "张*");
        assert!(hidden.members.iter().all(|p| p.paid.is_none() && p.standard.is_none() && p.monthly.is_none()));
        let json = serde_json::to_string(&hidden).unwrap();
        for secret in ["张三", "3000.00", "6000.00", "findings", "少缴"] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        let shown = r.public_view(&DuesOptions { public_member_amounts: true, contact: Some("组织部".into()) });
        assert_eq!(shown.members[1].standard.as_deref(), Some("5000–10000元"));
        assert_eq!(shown.members[1].paid, Some(m("270")));
        assert_eq!(shown.contact.as_deref(), Some("组织部"));
        assert!(!serde_json::to_string(&shown).unwrap().contains("6000.00"));
    }

    #[test]
    fn report_serializes_for_templates() {
        let r = evaluate(&ledger()[..1], &[], None, &RateTable::default());
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["members"][0]["category"], "employed");
        assert_eq!(v["members"][0]["expected"], "45.00");
        assert_eq!(v["by_bracket"][0]["members"], 1); // the tally is flattened
        assert_eq!(v["by_bracket"][0]["rate_label"], "0.5%");
        assert!(v["members"][0].get("slot").is_none());
    }

    #[test]
    fn labels() {
        assert_eq!([5, 50, 100, 125, 150, 1000].map(rate_label), ["0.05%", "0.5%", "1%", "1.25%", "1.5%", "10%"]);
        let bs = [Bracket { up_to: Some(m("3000.50")), rate: 50 }, Bracket { up_to: None, rate: 100 }];
        assert_eq!(bracket_label(&bs, 0), "3000.50元以下（含）");
        assert_eq!(bracket_label(&bs[1..], 0), "不分档");
        let mut empty = RateTable::default();
        empty.set(Employed, Rule::Brackets(Vec::new()));
        assert_eq!(due(Some(Employed), Some(m("100")), &empty), Err(Unjudged::NoStandard));
        assert_eq!(FindingKind::RemittanceGap.label(), "上缴差额");
        let rows = RateTable::default().standards();
        assert_eq!(rows.len(), 11);
        assert_eq!((rows[6].category_label, rows[6].standard.as_str()), ("农民", "每月0.20–1.00元"));
        assert_eq!((rows[10].standard.as_str(), rows[10].rate_label.as_deref()), ("无统一标准", None));
    }
}
