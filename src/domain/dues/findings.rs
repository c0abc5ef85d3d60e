//! What an internal reader must look at: arrears, members who cannot be judged,
//! 合计 rows that disagree with the members, remittance gaps.

use super::members::Unjudged;
use super::members::{Member, MemberLine};
use super::tally::{Tally, TotalsRow};
use super::SERIOUS_ARREARS_MONTHS;
use crate::domain::money::Money;
use serde::Serialize;

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

pub(super) fn member_finding(i: usize, l: &MemberLine) -> Option<Finding> {
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
pub(super) fn totals_findings(t: &TotalsRow, members: &[Member], all: &Tally) -> Vec<Finding> {
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

pub(super) fn abs(m: Money) -> Money {
    if m.is_negative() {
        Money::ZERO - m
    } else {
        m
    }
}

pub(super) fn remittance_finding(gap: Money, collected: Money) -> Finding {
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
