//! The yearly 情况报告 draft, written from the counts: a unit's organisational
//! life, study, disclosures, its branches (for a 党委), shortfalls and next steps,
//! in the shape officers write them (`../shared` seed reports). Every number in it
//! is a `Fact` naming where it sits in compliance.json (`dwgk report --format json`),
//! and every count has a note listing the records it came from. Rendered as an
//! internal page (`html`), plain text, JSON and Word (`super::docx`).

mod compose;
mod ctx;
pub mod html;
mod shortfalls;
mod words;

pub use compose::compose;

use serde::Serialize;
use serde_json::Value;

pub use crate::site::records::drafts::{is_kind, KINDS};

#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub schema: &'static str,
    pub kind: &'static str,
    pub unit: String,
    pub year: i32,
    pub as_of: String,
    pub title: Vec<Run>,
    pub addressee: Option<String>,
    pub blocks: Vec<Block>,
    pub signature: Vec<Vec<Run>>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    /// `一、…` (level 1) or `（一）…` (level 2).
    Heading {
        level: u8,
        text: String,
    },
    Para {
        runs: Vec<Run>,
    },
}

/// A piece of text: dwgk's own words, a number (`fact`), text quoted from the
/// content (`quote`: a title or topic, as written), or a note mark (`note`).
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<Fact>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub quote: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<usize>,
}

/// Where a number comes from: paths into compliance.json (`units[diyi].tally.rate`,
/// `units[diyi].requirements[zhiweihui].total`, `year`, `as_of`,
/// `count(units[parent=jiguan])`), and the value found there (the sum, for several).
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub paths: Vec<String>,
    pub value: Value,
}

/// A note of the appendix (附：统计依据): what a count is made of.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub n: usize,
    pub label: String,
    /// The total the text gives (the sum of `sources`' counts, for a count note).
    pub total: Option<u32>,
    /// 次, 人次 …: what the counts are counted in.
    pub measure: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub title: String,
    pub file: String,
    pub what: String,
    pub count: Option<u32>,
}

impl Draft {
    /// The title as one string.
    pub fn title_text(&self) -> String {
        self.title.iter().map(|r| r.text.as_str()).collect()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("draft serializes")
    }
}

impl Note {
    /// `〔1〕支部委员会会议共12次：《…》（content/…，2024-Q1）3次；…`
    pub fn text(&self) -> String {
        let sources: Vec<String> = self
            .sources
            .iter()
            .map(|s| match s.count {
                Some(n) => format!("《{}》（{}，{}）{n}{}", s.title, s.file, s.what, self.measure),
                None if s.title.is_empty() => s.what.clone(),
                None => format!("{}（《{}》，{}）", s.what, s.title, s.file),
            })
            .collect();
        format!("〔{}〕{}：{}", self.n, self.label, if sources.is_empty() { "没有记录".to_string() } else { sources.join("；") })
    }
}
