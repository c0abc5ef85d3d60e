//! Sums over members (all, by category, by category and standard) and the
//! ledger's own 合计 rows they are checked against.

use super::members::MemberLine;
use super::rates::Category;
use crate::domain::money::Money;
use serde::Serialize;
use std::collections::BTreeMap;

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
    pub(super) fn add(&mut self, l: &MemberLine) {
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

pub(super) const UNJUDGED_STANDARD: &str = "未判定";

/// A 合计/总计 row of the ledger: not a member; its money cells are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TotalsRow {
    /// Where it is, for messages: `第 12 行`.
    pub at: String,
    pub paid: Option<Money>,
    pub expected: Option<Money>,
}

/// Missing categories sort after every known one.
pub(super) fn category_order(c: Option<Category>) -> usize {
    c.map_or(Category::ALL.len(), Category::index)
}

pub(super) fn by_category(lines: &[MemberLine]) -> Vec<CategoryTally> {
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

pub(super) fn by_bracket(lines: &[MemberLine]) -> Vec<BracketTally> {
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
