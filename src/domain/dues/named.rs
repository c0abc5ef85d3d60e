//! The all-members (党内, 在全党公开) view of a disclosure: every member by name
//! with the standard and amounts, but no income base, no finding, no arrears count.

use super::report::DuesReport;
use crate::domain::money::Money;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedMember {
    pub name: String,
    pub category_label: &'static str,
    /// `None`: the member cannot be judged (shown as 未判定).
    pub standard: Option<String>,
    pub rate_label: Option<String>,
    pub monthly: Option<Money>,
    pub months: u32,
    pub expected: Option<Money>,
    pub paid: Money,
}

impl DuesReport {
    pub fn named_members(&self) -> Vec<NamedMember> {
        self.members
            .iter()
            .map(|l| NamedMember {
                name: l.name.clone(),
                category_label: l.category_label,
                standard: l.standard.clone(),
                rate_label: l.rate_label.clone(),
                monthly: l.monthly,
                months: l.months,
                expected: l.expected,
                paid: l.paid,
            })
            .collect()
    }
}
