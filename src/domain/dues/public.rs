//! The public view of a disclosure: masked names, no income bases, no findings,
//! no one's own amounts, and no figure for a group of fewer than
//! `public_min_group` members (small rows merged into a neighbour; amounts withheld
//! when the whole disclosure is that small).

use super::groups::{big_enough, merge_runs};
use super::report::DuesReport;
use super::tally::{BracketTally, CategoryTally, Tally};
use super::{mask_name, DuesOptions};
use crate::domain::money::Money;
use serde::Serialize;

/// What a public build may show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDues {
    /// Masked names and categories, in ledger order; never amounts.
    pub members: Vec<PublicMember>,
    /// Always false: kept for templates that test it.
    pub member_amounts: bool,
    /// `[dues] public_min_group`.
    pub min_group: u32,
    /// The whole disclosure has fewer than `min_group` members: no amounts at all.
    pub amounts_withheld: bool,
    /// Why rows were merged or amounts withheld (人数少于3人的档次不单列…), for readers.
    pub note: Option<String>,
    pub totals: PublicTally,
    pub by_category: Vec<PublicCategory>,
    pub by_bracket: Vec<PublicBracket>,
    pub collected: Option<Money>,
    pub remitted: Option<Money>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicMember {
    /// Masked: `张*`.
    pub name: String,
    pub category_label: &'static str,
}

/// Sums a public build shows: `expected` only over at least `min_group` judged
/// members, `paid` only over at least `min_group` members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PublicTally {
    pub members: u32,
    pub judged: u32,
    pub expected: Option<Money>,
    pub paid: Option<Money>,
}

/// One or more adjacent categories (merged when one alone would be small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicCategory {
    /// `在职`, or `学生、低保` when merged.
    pub label: String,
    pub merged: bool,
    #[serde(flatten)]
    pub tally: PublicTally,
}

/// One or more adjacent brackets of one category group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicBracket {
    pub category_label: String,
    /// A bracket's label (`3000–5000元`); merged rows list theirs with rates:
    /// `3000–5000元（1%）、5000–10000元（1.5%）`.
    pub standard: String,
    /// The bracket's rate; `None` for merged rows (the rates are in `standard`).
    pub rate_label: Option<String>,
    pub merged: bool,
    /// The brackets in this row, as `standard` lists them.
    pub bands: Vec<String>,
    #[serde(flatten)]
    pub tally: PublicTally,
}

fn shown(t: &Tally, min: u32) -> PublicTally {
    let (members, expected) = big_enough(t, min);
    PublicTally { members: t.members, judged: t.judged, expected: Some(t.expected).filter(|_| expected), paid: Some(t.paid).filter(|_| members) }
}

fn sum<'a>(tallies: impl Iterator<Item = &'a Tally>) -> Tally {
    let mut s = Tally::default();
    for t in tallies {
        s.members += t.members;
        s.judged += t.judged;
        s.expected += t.expected;
        s.paid += t.paid;
        s.difference += t.difference;
    }
    s
}

fn joined<'a>(labels: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    labels.for_each(|l| {
        if !out.contains(&l) {
            out.push(l);
        }
    });
    out.join("、")
}

fn band(b: &BracketTally, with_category: bool) -> String {
    let rate = b.rate_label.as_deref().map_or(String::new(), |r| format!("（{r}）"));
    if with_category {
        format!("{}：{}{rate}", b.category_label, b.standard)
    } else {
        format!("{}{rate}", b.standard)
    }
}

fn brackets_of(rows: &[&BracketTally], min: u32) -> Vec<PublicBracket> {
    let sizes: Vec<(u32, u32)> = rows.iter().map(|b| (b.tally.members, b.tally.judged)).collect();
    merge_runs(&sizes, min)
        .into_iter()
        .map(|run| {
            let part = &rows[run];
            let tally = shown(&sum(part.iter().map(|b| &b.tally)), min);
            let category_label = joined(part.iter().map(|b| b.category_label));
            if let [one] = part {
                return PublicBracket {
                    category_label,
                    standard: one.standard.clone(),
                    rate_label: one.rate_label.clone(),
                    merged: false,
                    bands: vec![band(one, false)],
                    tally,
                };
            }
            let several = part.iter().any(|b| b.category != part[0].category);
            let bands: Vec<String> = part.iter().map(|b| band(b, several)).collect();
            PublicBracket { category_label, standard: joined(bands.iter().map(String::as_str)), rate_label: None, merged: true, bands, tally }
        })
        .collect()
}

impl DuesReport {
    pub fn public_view(&self, options: &DuesOptions) -> PublicDues {
        let min = options.public_min_group;
        let members = self.members.iter().map(|l| PublicMember { name: mask_name(&l.name), category_label: l.category_label }).collect();
        let totals = shown(&self.totals, min);
        let withheld = totals.paid.is_none();
        let (mut by_category, mut by_bracket) = (Vec::new(), Vec::new());
        if !withheld {
            let cats: &[CategoryTally] = &self.by_category;
            let sizes: Vec<(u32, u32)> = cats.iter().map(|c| (c.tally.members, c.tally.judged)).collect();
            for run in merge_runs(&sizes, min) {
                let group = &cats[run];
                let tally = sum(group.iter().map(|c| &c.tally));
                by_category.push(PublicCategory { label: joined(group.iter().map(|c| c.label)), merged: group.len() > 1, tally: shown(&tally, min) });
                let rows: Vec<&BracketTally> = self.by_bracket.iter().filter(|b| group.iter().any(|c| c.category == b.category)).collect();
                by_bracket.extend(brackets_of(&rows, min));
            }
        }
        let merged = by_bracket.iter().any(|b| b.merged) || by_category.iter().any(|c| c.merged);
        let note = if withheld {
            Some(format!("本期党员少于{min}人，为保护个人信息，不公开金额"))
        } else if merged {
            Some(format!("人数少于{min}人的档次不单列，已与相邻档次合并"))
        } else if totals.expected.is_none() {
            Some(format!("能按标准计算应缴的党员少于{min}人，不公开应缴金额"))
        } else {
            None
        };
        PublicDues {
            members,
            member_amounts: false,
            min_group: min,
            amounts_withheld: withheld,
            note,
            totals,
            by_category,
            by_bracket,
            collected: totals.paid,
            remitted: self.remitted.filter(|_| !withheld),
            contact: options.contact.clone(),
        }
    }
}
