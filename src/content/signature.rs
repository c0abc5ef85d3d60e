//! Paragraph layout marked in Markdown: a `::: 落款` … `:::` block makes each of its
//! lines a `<p class="signature">` (the signing unit and the 成文日期, right-aligned
//! on screen and in print); `::: 右对齐` and `::: 居中` give `align-right` and
//! `align-center`. The classes are the contract of docs/templates.md ("Classes in
//! page.content"); the syntax is in docs/content.md ("落款"). Pure.

use comrak::nodes::{AstNode, NodeValue, Sourcepos};
use comrak::Arena;

/// What a block marks its lines as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Signature,
    Right,
    Center,
}

impl Layout {
    /// The names a block may have (Chinese first, as officers write them).
    const NAMES: &'static [(&'static str, Layout)] = &[
        ("落款", Layout::Signature),
        ("署名", Layout::Signature),
        ("signature", Layout::Signature),
        ("右对齐", Layout::Right),
        ("right", Layout::Right),
        ("居中", Layout::Center),
        ("center", Layout::Center),
    ];

    pub fn class(self) -> &'static str {
        match self {
            Layout::Signature => "signature",
            Layout::Right => "align-right",
            Layout::Center => "align-center",
        }
    }

    fn parse(name: &str) -> Option<Layout> {
        Self::NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, l)| l)
    }
}

/// A marker line that does not do what its writer meant (the page still builds).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

/// Written at the start of a marked paragraph; `finish` makes it the class attribute.
const MARK: char = '\u{2}';

/// Whether `markdown` may hold a block at all (the cheap test before `mark`).
pub fn may_have_blocks(markdown: &str) -> bool {
    markdown.contains(":::") || markdown.contains("：：：")
}

/// A line of a paragraph: its inline nodes and the line break after it.
struct Line<'a> {
    nodes: Vec<&'a AstNode<'a>>,
    brk: Option<&'a AstNode<'a>>,
}

enum Kind {
    Open(Layout),
    Close,
    Unknown(String),
    Text,
}

/// `::: 落款` (or `：：：` typed with a Chinese input method), `:::`, or a plain line.
fn kind(line: &Line) -> Kind {
    let mut text = String::new();
    for n in &line.nodes {
        match &n.data.borrow().value {
            NodeValue::Text(t) => text.push_str(t),
            _ => return Kind::Text,
        }
    }
    let t = text.trim();
    let Some(rest) = t.strip_prefix(":::").or_else(|| t.strip_prefix("：：：")) else { return Kind::Text };
    // `::: 落 款` is still 落款.
    let name: String = rest.split_whitespace().collect();
    if name.is_empty() {
        return Kind::Close;
    }
    match Layout::parse(&name) {
        Some(l) => Kind::Open(l),
        // A short name is a marker gone wrong; a sentence after ::: is prose.
        None if name.chars().count() <= 8 => Kind::Unknown(name),
        None => Kind::Text,
    }
}

fn lines<'a>(paragraph: &'a AstNode<'a>) -> Vec<Line<'a>> {
    let mut out = vec![Line { nodes: Vec::new(), brk: None }];
    for n in paragraph.children() {
        if matches!(n.data.borrow().value, NodeValue::SoftBreak | NodeValue::LineBreak) {
            out.last_mut().expect("one line at least").brk = Some(n);
            out.push(Line { nodes: Vec::new(), brk: None });
        } else {
            out.last_mut().expect("one line at least").nodes.push(n);
        }
    }
    out
}

fn start(line: &Line, paragraph: &AstNode) -> (usize, usize) {
    let pos: Sourcepos = line.nodes.first().map_or(paragraph.data.borrow().sourcepos, |n| n.data.borrow().sourcepos);
    (pos.start.line, pos.start.column)
}

/// A new paragraph before `at` holding `lines` (with their breaks between them),
/// marked with `layout` when given.
fn paragraph<'a>(arena: &'a Arena<'a>, at: &'a AstNode<'a>, lines: &[Line<'a>], layout: Option<Layout>) {
    let p = arena.alloc(NodeValue::Paragraph.into());
    p.data.borrow_mut().sourcepos = at.data.borrow().sourcepos;
    if let Some(l) = layout {
        p.append(arena.alloc(NodeValue::HtmlInline(format!("{MARK}{}{MARK}", l.class())).into()));
    }
    for (i, line) in lines.iter().enumerate() {
        for &n in &line.nodes {
            p.append(n);
        }
        if let Some(b) = line.brk.filter(|_| i + 1 < lines.len()) {
            p.append(b);
        }
    }
    at.insert_before(p);
}

fn hint(names: &str) -> String {
    format!("可用的标记：{names}，各占一行，块的最后单独一行“:::”（docs/content.md“落款”）")
}

/// Finds the `:::` blocks among the top-level paragraphs of `root`: each line inside
/// becomes a paragraph of its own, marked with the block's layout; the marker lines
/// go. Other blocks inside (lists, tables) are left as they are. Returns the markers
/// that did nothing (an unknown name, an unclosed block, a stray `:::`).
pub fn mark<'a>(arena: &'a Arena<'a>, root: &'a AstNode<'a>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let names = "::: 落款、::: 右对齐、::: 居中";
    let mut open: Option<(Layout, (usize, usize))> = None;
    let top: Vec<&AstNode> = root.children().filter(|n| matches!(n.data.borrow().value, NodeValue::Paragraph)).collect();
    for node in top {
        let lines = lines(node);
        let kinds: Vec<Kind> = lines.iter().map(kind).collect();
        if open.is_none() && kinds.iter().all(|k| matches!(k, Kind::Text)) {
            continue;
        }
        let mut plain: Vec<Line> = Vec::new();
        for (line, k) in lines.into_iter().zip(kinds) {
            let at = start(&line, node);
            match (k, open) {
                (Kind::Open(l), None) => {
                    if !plain.is_empty() {
                        paragraph(arena, node, &std::mem::take(&mut plain), None);
                    }
                    open = Some((l, at));
                }
                (Kind::Close, Some(_)) => open = None,
                (Kind::Text, Some((l, _))) => paragraph(arena, node, std::slice::from_ref(&line), Some(l)),
                (Kind::Open(l), Some(_)) => {
                    // The last block lacks its end: this marker ends it and starts the next.
                    warnings.push(Warning {
                        line: at.0, col: at.1, message: "上一个 ::: 块没有结束行“:::”，到这里为止".into(), hint: hint(names)
                    });
                    open = Some((l, at));
                }
                (Kind::Close, None) => {
                    let message = "多余的结束标记“:::”（前面没有 ::: 落款 等开始标记），这一行按正文显示".into();
                    warnings.push(Warning { line: at.0, col: at.1, message, hint: hint(names) });
                    plain.push(line);
                }
                (Kind::Unknown(name), state) => {
                    let shown = if state.is_some() { "按所在的块排版" } else { "按正文显示" };
                    warnings.push(Warning {
                        line: at.0, col: at.1, message: format!("不认识的排版标记“::: {name}”，这一行{shown}"), hint: hint(names)
                    });
                    match state {
                        Some((l, _)) => paragraph(arena, node, std::slice::from_ref(&line), Some(l)),
                        None => plain.push(line),
                    }
                }
                (Kind::Text, None) => plain.push(line),
            }
        }
        if !plain.is_empty() {
            paragraph(arena, node, &plain, None);
        }
        node.detach();
    }
    if let Some((l, (line, col))) = open {
        warnings.push(Warning {
            line,
            col,
            message: format!("“::: {}”块没有结束行“:::”，一直到文末都按{}排版", Layout::NAMES.iter().find(|(_, x)| *x == l).map_or("", |(n, _)| n), l.class()),
            hint: "在块的最后一行之后单独写一行 :::".into(),
        });
    }
    warnings
}

/// Turns the marks `mark` left in the rendered HTML into class attributes.
pub fn finish(html: &mut String) {
    if !html.contains(MARK) {
        return;
    }
    for (_, l) in Layout::NAMES {
        let mark = format!("<p>{MARK}{}{MARK}", l.class());
        if html.contains(&mark) {
            *html = html.replace(&mark, &format!("<p class=\"{}\">", l.class()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::content::markdown::{render, KeepLinks as NoLinks};

    fn html(md: &str) -> String {
        render(md, &NoLinks).html
    }

    #[test]
    fn a_signature_block_gives_one_right_aligned_paragraph_per_line() {
        let h = html("正文。\n\n::: 落款\n中共某某县财政局机关委员会\n2024年9月2日\n:::\n");
        assert_eq!(h, "<p>正文。</p>\n<p class=\"signature\">中共某某县财政局机关委员会</p>\n<p class=\"signature\">2024年9月2日</p>\n", "{h}");
        // Blank lines inside, full-width colons, the marker glued to the body text.
        let h = html("正文最后一句。\n：：：落款\n\n第一党支部\n\n2024年3月1日\n\n：：：\n\n附：说明");
        assert_eq!(h, "<p>正文最后一句。</p>\n<p class=\"signature\">第一党支部</p>\n<p class=\"signature\">2024年3月1日</p>\n<p>附：说明</p>\n", "{h}");
    }

    #[test]
    fn right_and_centre_blocks_keep_inline_formatting() {
        let h = html("::: 居中\n**特此通知**\n:::\n\n::: 右对齐\n联系人：[办公室](mailto:a@b.cn)\n:::");
        assert!(h.contains("<p class=\"align-center\"><strong>特此通知</strong></p>"), "{h}");
        assert!(h.contains("<p class=\"align-right\">联系人：<a href=\"mailto:a@b.cn\">办公室</a></p>"), "{h}");
    }

    #[test]
    fn markers_that_do_nothing_are_warnings_at_their_line() {
        let r = render("第一段\n\n::: 盖章\n\n:::\n\n::: 落 款\n单位\n", &NoLinks);
        let at: Vec<(usize, bool)> = r.problems.iter().map(|p| (p.line, p.warning)).collect();
        assert_eq!(at, [(3, true), (5, true), (7, true)], "{:?}", r.problems);
        assert!(r.problems[0].message.contains("::: 盖章") && r.problems[0].hint.contains("::: 落款"), "{:?}", r.problems[0]);
        assert!(r.problems[2].message.contains("没有结束行"), "{:?}", r.problems[2]);
        assert!(r.html.contains("<p>::: 盖章</p>") && r.html.contains("<p class=\"signature\">单位</p>"), "{}", r.html);
        // ::: before a sentence is prose; code keeps its colons.
        let r = render("::: 这是一句普通的话，不是标记\n\n```\n::: 落款\n```\n", &NoLinks);
        assert!(r.problems.is_empty() && r.html.contains("::: 落款\n</code>") && !r.html.contains("class=\"signature\""), "{}", r.html);
    }
}
