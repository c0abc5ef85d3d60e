//! Pages that ask for a report draft: `report = "情况报告"` (or `报告`), with an
//! optional `year`. The page renders the draft of its unit below its own text, and
//! a .docx of it beside the page. Internal only: a draft lists every record. Pure.

use super::{counted, page_unit};
use crate::content::kind::Scope;
use crate::diag::Diagnostic;
use crate::domain::unit::Units;
use crate::site::Site;
use serde_json::Value;

/// The keys a page asks for a draft with.
pub const KEYS: [&str; 2] = ["report", "报告"];

/// The draft kinds `dwgk report --draft` and a page's `report` key accept.
pub const KINDS: &[&str] = &["情况报告"];

/// Whether `s` names a draft kind (`情况报告`, or its pinyin).
pub fn is_kind(s: &str) -> bool {
    matches!(s.trim(), "情况报告" | "qingkuang" | "qingkuangbaogao")
}

/// One page that renders a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPage {
    pub page: usize,
    pub unit: usize,
    pub year: i32,
}

pub(super) fn find(site: &Site, units: &Units, year: i32, diags: &mut Vec<Diagnostic>) -> Vec<DraftPage> {
    let mut out = Vec::new();
    for (i, p) in site.pages.iter().enumerate().filter(|(_, p)| counted(p)) {
        let Some(key) = KEYS.into_iter().find(|k| p.extra.contains_key(*k)) else { continue };
        match &p.extra[key] {
            Value::String(s) if is_kind(s) => {}
            other => {
                diags.push(p.src.key_error(key, format!("{key} 应写报告草稿的类别，实际是 {other}")).hint("写 report = \"情况报告\""));
                continue;
            }
        }
        if p.scope == Scope::Public {
            diags.push(
                p.src
                    .key_error(key, "情况报告草稿列出了全部工作记录，只能党内公开，本页却是向社会公开")
                    .hint("删去 scope = \"public\"，并写 kind = \"record\"（工作记录默认党内公开）或 scope = \"internal\""),
            );
            continue;
        }
        let year = match p.extra.get("year") {
            None => year,
            Some(Value::Number(n)) if n.as_i64().is_some_and(|y| (1900..=2999).contains(&y)) => n.as_i64().map_or(year, |y| y as i32),
            Some(other) => {
                diags.push(p.src.key_error("year", format!("报告年度 year 应是年份，实际是 {other}")).hint("例如 year = 2024；不写则用统计年度"));
                continue;
            }
        };
        if let Some(unit) = page_unit(site, units, p, diags) {
            out.push(DraftPage { page: i, unit, year });
        }
    }
    out
}
