//! What composing a draft carries along: the reports, the year's totals, the notes
//! and blocks written so far, and the paths of compliance.json the facts point at.

use super::words::Para;
use super::{Block, Note, Source};
use crate::domain::catalogue::timeliness;
use crate::domain::compliance::{Line, Report};
use crate::domain::totals::{counted, Totals};
use crate::site::records::Compliance;
use crate::site::{Item, Site};
use std::collections::HashMap;

pub(super) struct Ctx<'a> {
    pub(super) site: &'a Site,
    pub(super) c: &'a Compliance,
    pub(super) report: &'a Report,
    pub(super) timeliness: Option<&'a timeliness::Report>,
    pub(super) totals: HashMap<(usize, String), Totals>,
    pub(super) notes: Vec<Note>,
    pub(super) blocks: Vec<Block>,
}

pub(super) fn id(c: &Compliance, u: usize) -> &str {
    &c.units.list[u].id
}

pub(super) fn req_base(c: &Compliance, u: usize, r: &str) -> String {
    format!("units[{}].requirements[{r}]", id(c, u))
}

pub(super) fn req_path(c: &Compliance, u: usize, r: &str, field: &str) -> String {
    format!("{}.{field}", req_base(c, u, r))
}

pub(super) fn page_title(site: &Site, rel: &str) -> String {
    match site.by_rel.get(rel) {
        Some(Item::Page(p)) => site.pages[*p].title.clone(),
        _ => rel.to_string(),
    }
}

impl Ctx<'_> {
    /// `全年` once the year has ended, `今年以来` while it runs.
    pub(super) fn so_far(&self) -> &'static str {
        if self.report.as_of >= crate::domain::period::Period::year(self.report.year).end() {
            "全年"
        } else {
            "今年以来"
        }
    }

    pub(super) fn total(&self, u: usize, r: &str) -> Totals {
        self.totals.get(&(u, r.to_string())).copied().unwrap_or_default()
    }

    /// The number of the next `（一）` heading in the current section.
    pub(super) fn next_sub(&self) -> usize {
        1 + self
            .blocks
            .iter()
            .rev()
            .take_while(|b| !matches!(b, Block::Heading { level: 1, .. }))
            .filter(|b| matches!(b, Block::Heading { level: 2, .. }))
            .count()
    }

    pub(super) fn heading(&mut self, level: u8, text: String) {
        self.blocks.push(Block::Heading { level, text });
    }

    pub(super) fn para(&mut self, p: Para) {
        if !p.is_empty() {
            self.blocks.push(p.block());
        }
    }

    /// A note listing the records a requirement's count at `u` came from.
    pub(super) fn count_note(&mut self, u: usize, l: &Line) -> usize {
        let mut by_page: Vec<(String, Vec<String>, u32)> = Vec::new();
        for f in counted(self.report, self.c.facts_of(u)).filter(|f| f.req == l.req.id) {
            match by_page.iter_mut().find(|(p, _, _)| *p == f.page) {
                Some((_, periods, n)) => {
                    periods.push(f.period.id());
                    *n += f.count;
                }
                None => by_page.push((f.page.clone(), vec![f.period.id()], f.count)),
            }
        }
        let n = self.notes.len() + 1;
        let sources = by_page
            .into_iter()
            .map(|(page, mut periods, count)| {
                periods.dedup();
                Source { title: page_title(self.site, &page), file: format!("content/{page}"), what: periods.join("、"), count: Some(count) }
            })
            .collect();
        let total = self.total(u, &l.req.id).total;
        self.notes.push(Note { n, label: format!("{}共{total}{}", l.req.name, l.req.measure), total: Some(total), measure: l.req.measure.clone(), sources });
        n
    }
}

pub(super) fn disclosure_base(cx: &Ctx, u: usize) -> String {
    format!("units[{}].disclosure", id(cx.c, u))
}
