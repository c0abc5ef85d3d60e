//! Lines as officers type them. In Notepad, WPS or Word every Enter starts a new
//! line; Markdown would run such lines together. On the parsed Markdown tree:
//!
//! - in Chinese text a single line break starts a new paragraph (inside a list
//!   item or a table cell: a `<br>`), as Enter does in Word — except where a long
//!   line stops mid-sentence (a hard-wrapped paragraph), which is joined without a
//!   space as before;
//! - lines of English (ASCII) text keep CommonMark's soft break (one paragraph);
//! - lines separated by tabs (a table pasted from Word or Excel) become a table,
//!   the first line its header;
//! - the 落款 at the end — the signing unit and a date line like `2024年11月21日` —
//!   becomes `<p class="signature">` lines (docs/templates.md, "Classes in page.content").

use super::sanitize::escape_attr;
use super::vocabulary::{self, is_wide as is_cjk};
use comrak::nodes::{Ast, AstNode, NodeTable, NodeValue, TableAlignment};
use comrak::Arena;
use unicode_width::UnicodeWidthStr;

type Node<'a> = &'a AstNode<'a>;

/// A line this wide (display columns, a Chinese character is 2) that ends
/// mid-sentence is taken for a hard-wrapped line, not one the officer ended.
const WRAPPED_WIDTH: usize = 50;

/// Most signing-unit lines above the date in a 落款.
const SIGNATURE_LINES: usize = 2;

pub fn apply<'a>(arena: &'a Arena<'a>, root: Node<'a>) {
    let paragraphs: Vec<Node<'a>> = root.descendants().filter(|n| matches!(n.data().value, NodeValue::Paragraph)).collect();
    for p in paragraphs {
        // Most paragraphs are one line: nothing to look at.
        if !p.children().any(|c| matches!(c.data().value, NodeValue::SoftBreak)) {
            continue;
        }
        let lines = lines_of(p);
        if lines.len() >= 2 && lines.iter().all(|l| l.text.contains('\t')) {
            tab_table(arena, p, &lines);
        } else if lines.len() >= 2 {
            breaks(arena, p, &lines);
        }
    }
    signature(arena, root);
}

/// One line of a paragraph: the soft break before it (none for the first) and its text.
struct Line<'a> {
    before: Option<Node<'a>>,
    nodes: Vec<Node<'a>>,
    text: String,
}

fn lines_of<'a>(p: Node<'a>) -> Vec<Line<'a>> {
    let mut lines = vec![Line { before: None, nodes: Vec::new(), text: String::new() }];
    for child in p.children() {
        if matches!(child.data().value, NodeValue::SoftBreak) {
            lines.push(Line { before: Some(child), nodes: Vec::new(), text: String::new() });
        } else if let Some(line) = lines.last_mut() {
            line.text.push_str(&plain_text(child));
            line.nodes.push(child);
        }
    }
    lines
}

fn plain_text(node: Node<'_>) -> String {
    match &node.data().value {
        NodeValue::Text(t) => t.to_string(),
        NodeValue::Code(c) => c.literal.clone(),
        NodeValue::LineBreak | NodeValue::SoftBreak => "\n".into(),
        _ => node.children().map(plain_text).collect(),
    }
}

// ---- line breaks ----

fn breaks<'a>(arena: &'a Arena<'a>, p: Node<'a>, lines: &[Line<'a>]) {
    let top = p.parent().is_some_and(|parent| matches!(parent.data().value, NodeValue::Document | NodeValue::BlockQuote));
    let mut current = p;
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let Some(brk) = b.before else { continue };
        let chinese = a.text.chars().chain(b.text.chars()).any(vocabulary::is_cjk);
        if !chinese {
            continue; // English lines: CommonMark's soft break
        }
        if wrapped(&a.text, &b.text) {
            if last_char(&a.text).is_some_and(is_cjk) || first_char(&b.text).is_some_and(is_cjk) {
                brk.detach(); // joined without the space a soft break would show
            }
            continue;
        }
        if !top {
            brk.data_mut().value = NodeValue::LineBreak;
            continue;
        }
        // A new paragraph from this line on.
        let pos = b.nodes.first().map_or(brk.data().sourcepos, |n| n.data().sourcepos);
        let next = arena.alloc(AstNode::from(Ast::new(NodeValue::Paragraph, pos.start)));
        current.insert_after(next);
        brk.detach();
        for n in &b.nodes {
            n.detach();
            next.append(n);
        }
        current = next;
    }
    // Lines moved out of `p` leave later lines' nodes attached to their new paragraphs.
}

/// `a` is a hard-wrapped line continued by `b`: long, stopping mid-sentence, and
/// `b` does not start an item of its own.
fn wrapped(a: &str, b: &str) -> bool {
    let a = a.trim_end();
    a.width() >= WRAPPED_WIDTH && !last_char(a).is_some_and(ends_sentence) && !starts_item(b) && !is_date_line(b)
}

fn ends_sentence(c: char) -> bool {
    "。！？；：…”’）」』》.!?;:)".contains(c)
}

fn last_char(s: &str) -> Option<char> {
    s.trim_end().chars().last()
}

fn first_char(s: &str) -> Option<char> {
    s.trim_start().chars().next()
}

/// `1、` `1.` `（一）` `(1)` `一、` `①` `第一条`: a line that starts an item.
pub fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    let numerals = |c: char| c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c);
    let digits: String = t.chars().take_while(|c| numerals(*c)).collect();
    let after = t[digits.len()..].chars().next();
    (!digits.is_empty() && after.is_some_and(|c| "、.．)）".contains(c)))
        || (t.starts_with(['（', '(']) && t.chars().nth(1).is_some_and(numerals))
        || t.starts_with(|c: char| ('①'..='⑳').contains(&c))
        || t.strip_prefix('第').is_some_and(|r| {
            let n: usize = r.chars().take_while(|c| numerals(*c)).map(char::len_utf8).sum();
            n > 0 && (r[n..].starts_with(['条', '章', '节']) || r[n..].starts_with("部分"))
        })
}

/// `2024年11月21日`, `二〇二四年十一月二十一日`: a line that is only a date.
pub fn is_date_line(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(rest) = t.strip_suffix('日') else { return false };
    let Some((year, rest)) = rest.split_once('年') else { return false };
    let Some((month, day)) = rest.split_once('月') else { return false };
    let numeral = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.chars().count()) && s.chars().all(|c| c.is_ascii_digit() || "〇零一二三四五六七八九十".contains(c))
    };
    numeral(year, 4..=4) && numeral(month, 1..=3) && numeral(day, 1..=3)
}

// ---- tables pasted from Word or Excel ----

fn tab_table<'a>(arena: &'a Arena<'a>, p: Node<'a>, lines: &[Line<'a>]) {
    let rows: Vec<Vec<Vec<Node<'a>>>> = lines.iter().map(|l| cells(arena, l)).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let pos = p.data().sourcepos;
    let table = NodeTable { alignments: vec![TableAlignment::None; columns], num_columns: columns, num_rows: rows.len(), num_nonempty_cells: 0 };
    let table = arena.alloc(AstNode::from(Ast::new_with_sourcepos(NodeValue::Table(Box::new(table)), pos)));
    for (i, cells) in rows.into_iter().enumerate() {
        let row = arena.alloc(AstNode::from(Ast::new(NodeValue::TableRow(i == 0), pos.start)));
        for c in 0..columns {
            let cell = arena.alloc(AstNode::from(Ast::new(NodeValue::TableCell, pos.start)));
            for n in cells.get(c).into_iter().flatten() {
                n.detach();
                cell.append(n);
            }
            row.append(cell);
        }
        table.append(row);
    }
    p.insert_after(table);
    p.detach();
}

/// A line's nodes cut into cells at its tabs (text around a tab trimmed).
fn cells<'a>(arena: &'a Arena<'a>, line: &Line<'a>) -> Vec<Vec<Node<'a>>> {
    let mut cells: Vec<Vec<Node<'a>>> = vec![Vec::new()];
    for &n in &line.nodes {
        let text = match &n.data().value {
            NodeValue::Text(t) if t.contains('\t') => t.to_string(),
            _ => {
                if let Some(cell) = cells.last_mut() {
                    cell.push(n);
                }
                continue;
            }
        };
        let pos = n.data().sourcepos;
        for (i, piece) in text.split('\t').enumerate() {
            if i > 0 {
                cells.push(Vec::new());
            }
            let piece = piece.trim_matches([' ', '\u{3000}']);
            if !piece.is_empty() {
                let t = arena.alloc(AstNode::from(Ast::new_with_sourcepos(NodeValue::Text(piece.to_string().into()), pos)));
                if let Some(cell) = cells.last_mut() {
                    cell.push(t);
                }
            }
        }
        n.detach();
    }
    cells
}

// ---- the 落款 ----

/// The last paragraphs of the document: a date line, and up to two short unit
/// lines above it, become `<p class="signature">`.
fn signature<'a>(arena: &'a Arena<'a>, root: Node<'a>) {
    let mut block = root.last_child();
    while let Some(b) = block.filter(|b| matches!(b.data().value, NodeValue::HtmlBlock(_))) {
        block = b.previous_sibling(); // `<!-- more -->` and other comments after it
    }
    let Some(date) = block.filter(|b| is_paragraph(b) && is_date_line(&plain_text(b))) else { return };
    let mut lines = vec![date];
    let mut prev = date.previous_sibling();
    while let Some(p) = prev.filter(|p| lines.len() <= SIGNATURE_LINES && is_paragraph(p) && is_signing_unit(&plain_text(p))) {
        lines.push(p);
        prev = p.previous_sibling();
    }
    for p in lines {
        let html = format!("<p class=\"signature\">{}</p>\n", escape_attr(plain_text(p).trim()));
        let raw = arena.alloc(AstNode::from(Ast::new_with_sourcepos(NodeValue::Raw(html), p.data().sourcepos)));
        p.insert_after(raw);
        p.detach();
    }
}

fn is_paragraph(n: Node<'_>) -> bool {
    matches!(n.data().value, NodeValue::Paragraph) && !plain_text(n).contains('\n')
}

/// `中共某某县财政局机关委员会`: short Chinese text with no sentence punctuation.
fn is_signing_unit(line: &str) -> bool {
    let t = line.trim();
    let chars = t.chars().count();
    (2..=30).contains(&chars) && t.chars().any(vocabulary::is_cjk) && !t.contains(['。', '，', '：', '；', '！', '？', ',', ':']) && !starts_item(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_dates() {
        for item in ["1、会议时间", "2. 地点", "（一）总体要求", "(3)其他", "一、指导思想", "十二、附则", "①学习", "第三条 党员"]
        {
            assert!(starts_item(item), "{item}");
        }
        for not_item in ["2024年工作要点", "一是加强学习", "第一党支部", "（此件公开发布）"] {
            assert!(!starts_item(not_item), "{not_item}");
        }
        for date in ["2024年11月21日", " 2024 年 3 月 5 日 ", "二〇二四年十一月二十一日"] {
            assert!(is_date_line(date), "{date}");
        }
        for not_date in ["2024年11月21日召开", "会议于2024年3月5日召开", "24年3月5日"] {
            assert!(!is_date_line(not_date), "{not_date}");
        }
    }
}
