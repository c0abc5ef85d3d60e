//! The public view of a disclosure: masked names, no income bases, no findings.

use super::report::DuesReport;
use super::tally::{BracketTally, CategoryTally, Tally};
use super::{mask_name, DuesOptions};
use crate::domain::money::Money;
use serde::Serialize;

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
            collected: self.totals.paid,
            remitted: self.remitted,
            remittance_gap: self.remittance_gap,
            contact: options.contact.clone(),
        }
    }
}
