//! One disclosure evaluated: every member's line, the tallies, the findings.

use super::findings::{member_finding, remittance_finding, totals_findings, Finding};
use super::members::{line, Member, MemberLine};
use super::rates::RateTable;
use super::tally::{by_bracket, by_category, BracketTally, CategoryTally, Tally, TotalsRow};
use crate::domain::money::Money;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuesReport {
    pub members: Vec<MemberLine>,
    /// `totals.paid` is 实收, everything members paid.
    pub totals: Tally,
    pub by_category: Vec<CategoryTally>,
    pub by_bracket: Vec<BracketTally>,
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
        remitted,
        remittance_gap,
        in_arrears: lines.iter().filter(|l| l.arrears_months.unwrap_or(0) > 0).count() as u32,
        serious_arrears: lines.iter().filter(|l| l.serious).count() as u32,
        findings,
        members: lines,
    }
}
