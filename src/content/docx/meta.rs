//! The front matter a Word document implies, as the plain key/value table a
//! Markdown page would write — so it is checked by the same typed parsing
//! (`front_matter::from_table`) — and the line each value came from:
//!
//! - `title`: the Title style, else the first centred large paragraph, else the file name;
//! - `date`: a meeting record's 时间 line, else the 成文日期 line, else the file
//!   name's date, else the document's creation date property;
//! - `doc_number` (发文字号) and `issuer` (the 落款 unit, else the 红头);
//! - `meeting`: the meeting a record is of (`会议名称：支委会`, or a file named
//!   `…支委会会议记录`), which makes it an activity counted in its month;
//! - the kind it looks like (`Derived::kind`): a meeting record, a 公文 with a 文号,
//!   or what its name ends with (`…通知`, `…责任清单`, `…工作记录`).

use super::dates;
use super::model::Document;
use serde_json::{Map, Value};

/// Front matter derived from a document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Derived {
    pub table: Map<String, Value>,
    /// The kind the document looks like (`activity` for a meeting record, `notice`
    /// for a 公文 with a 文号); a folder's `page_kind` comes first.
    pub kind: Option<&'static str>,
    /// Key → the line it was read from.
    pub lines: Vec<(String, usize)>,
}

impl Derived {
    fn set(&mut self, key: &str, value: impl Into<Value>, line: Option<usize>) {
        self.table.insert(key.to_string(), value.into());
        if let Some(l) = line {
            self.lines.push((key.to_string(), l));
        }
    }
}

/// Labels of a meeting record's first lines.
const MEETING_LABELS: [&str; 4] = ["会议名称", "会议类型", "会议类别", "会议"];
const TIME_LABELS: [&str; 5] = ["会议时间", "时间", "会议日期", "日期", "召开时间"];
/// How far into the document the 会议名称/时间 lines are looked for.
const HEAD_LINES: usize = 24;

/// What `doc` (from a file whose name without extension is `stem`) says about itself.
pub fn derive(doc: &Document, stem: &str) -> Derived {
    let mut d = Derived::default();
    let found = &doc.found;
    match &found.title {
        Some((t, line)) => d.set("title", t.clone(), Some(*line)),
        None => d.set("title", stem.to_string(), None),
    }
    if let Some((n, line)) = &found.doc_number {
        d.set("doc_number", n.clone(), Some(*line));
        d.kind = Some("notice");
    }
    if let Some((n, line)) = &found.issuer {
        d.set("issuer", n.clone(), Some(*line));
    }
    let from_name = dates::file_name_date(stem);
    let meeting = meeting(doc, stem, from_name.as_ref().map(|(_, rest)| rest.as_str()));
    let mut date = found.signed.map(|(d, l)| (d, Some(l)));
    if let Some(m) = &meeting {
        d.set("meeting", m.name.clone(), m.name_line);
        d.kind = Some("activity");
        if let Some((when, line)) = m.when {
            date = Some((when, Some(line)));
        }
    }
    if d.kind.is_none() {
        let title = found.title.as_ref().map_or("", |(t, _)| t.as_str());
        d.kind = kind_by_name(stem).or_else(|| kind_by_name(title));
    }
    let date = date.or(from_name.map(|(d, _)| (d, None))).or(doc.created.map(|d| (d, None)));
    if let Some((when, line)) = date {
        d.set("date", when.format("%Y-%m-%d").to_string(), line);
    }
    d
}

/// The kind a name says: `…责任清单` a checklist, `…工作记录` a record, `…通知`
/// (公告, 通报, 公示, 决定, 意见, 方案, 要点, 办法) a notice.
fn kind_by_name(name: &str) -> Option<&'static str> {
    let n = name.trim();
    if n.contains("责任清单") {
        Some("checklist")
    } else if n.ends_with("工作记录") {
        Some("record")
    } else if ["通知", "公告", "通告", "通报", "公示", "决定", "意见", "方案", "要点", "办法"].iter().any(|s| n.ends_with(s)) {
        Some("notice")
    } else {
        None
    }
}

struct Meeting {
    name: String,
    name_line: Option<usize>,
    when: Option<(chrono::NaiveDate, usize)>,
}

/// A labelled value on one of the first lines: `会议名称：支委会`, or a label cell
/// followed by its value cell (a 会议记录 form table).
fn labelled(doc: &Document, labels: &[&str]) -> Option<(String, usize)> {
    let lines = &doc.lines[..doc.lines.len().min(HEAD_LINES)];
    for (i, line) in lines.iter().enumerate() {
        let t: String = line.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
        for label in labels {
            let Some(rest) = t.strip_prefix(label) else { continue };
            let value = rest.trim_start_matches([':', '：']);
            if rest.len() != value.len() && !value.is_empty() {
                return Some((value.to_string(), i + 1));
            }
            if rest.is_empty() || rest == ":" || rest == "：" {
                if let Some(next) = lines.get(i + 1).map(|n| n.trim()).filter(|n| !n.is_empty()) {
                    return Some((next.to_string(), i + 2));
                }
            }
        }
    }
    None
}

fn meeting(doc: &Document, stem: &str, stem_without_date: Option<&str>) -> Option<Meeting> {
    let when = labelled(doc, &TIME_LABELS).and_then(|(v, line)| dates::find(&v).map(|(d, _, _)| (d, line)));
    if let Some((name, line)) = labelled(doc, &MEETING_LABELS) {
        return Some(Meeting { name, name_line: Some(line), when });
    }
    let name = stem_without_date.unwrap_or(stem);
    let title = doc.found.title.as_ref().map(|(t, _)| t.as_str()).unwrap_or("");
    let named = [name, title].into_iter().find_map(record_of)?;
    Some(Meeting { name: named, name_line: None, when })
}

/// `支委会会议记录` → `支委会会议`; `党员大会纪要` → `党员大会`.
fn record_of(name: &str) -> Option<String> {
    let n = name.trim();
    let stripped = ["会议记录", "会议纪要", "记录", "纪要"].iter().find_map(|s| n.strip_suffix(s).map(|rest| (rest, *s)))?;
    let (rest, suffix) = stripped;
    let base = if suffix.starts_with("会议") { format!("{rest}会议") } else { rest.to_string() };
    let base = base.trim_end_matches(['-', '_', ' ']).to_string();
    (base.chars().count() >= 2 && !["会议", "工作"].contains(&base.as_str())).then_some(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::docx::model::Found;
    use chrono::NaiveDate;

    fn doc(lines: &[&str]) -> Document {
        Document { lines: lines.iter().map(|s| s.to_string()).collect(), ..Document::default() }
    }

    #[test]
    fn a_notice_takes_title_number_issuer_and_signing_date() {
        let mut d = doc(&["某某文件", "财机党发〔2024〕3号", "关于开展主题党日活动的通知"]);
        d.found = Found {
            title: Some(("关于开展主题党日活动的通知".into(), 3)),
            doc_number: Some(("财机党发〔2024〕3号".into(), 2)),
            issuer: Some(("中共某某机关委员会".into(), 9)),
            signed: Some((NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(), 10)),
        };
        let m = derive(&d, "tongzhi");
        assert_eq!(m.table["title"], "关于开展主题党日活动的通知");
        assert_eq!(m.table["date"], "2024-03-05");
        assert_eq!(m.table["doc_number"], "财机党发〔2024〕3号");
        assert_eq!(m.kind, Some("notice"));
        assert!(m.lines.contains(&("date".into(), 10)));
    }

    #[test]
    fn meeting_records_from_lines_or_the_file_name() {
        let d = doc(&["会议记录", "会议名称：支委会", "时间：2024年10月15日上午9:00", "地点：会议室"]);
        let m = derive(&d, "记录");
        assert_eq!((m.table["meeting"].as_str(), m.table["date"].as_str(), m.kind), (Some("支委会"), Some("2024-10-15"), Some("activity")));
        // A form table: label cell, then value cell.
        let d = doc(&["会议名称", "支部党员大会", "会议时间", "2024年9月30日"]);
        let m = derive(&d, "x");
        assert_eq!((m.table["meeting"].as_str(), m.table["date"].as_str()), (Some("支部党员大会"), Some("2024-09-30")));
        let m = derive(&doc(&["正文"]), "2024年10月15日支委会会议记录");
        assert_eq!((m.table["meeting"].as_str(), m.table["date"].as_str()), (Some("支委会会议"), Some("2024-10-15")));
        assert_eq!(m.table["title"], "2024年10月15日支委会会议记录");
        let m = derive(&doc(&["正文"]), "关于开展主题党日活动的通知");
        assert!(!m.table.contains_key("meeting") && !m.table.contains_key("date"));
        assert_eq!(m.kind, Some("notice"), "named a 通知");
        assert_eq!(derive(&doc(&["正文"]), "第一党支部2024年责任清单").kind, Some("checklist"));
        assert_eq!(derive(&doc(&["正文"]), "材料").kind, None);
    }
}
