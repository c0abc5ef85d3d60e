//! Markdown → HTML with comrak, adapted to Chinese text: soft line breaks between
//! Chinese characters are dropped (a space would show), heading anchors keep the
//! Chinese words, and links are handed to a resolver so `@/` links and attachments
//! become real URLs. Pure: no file access; the resolver knows the site.

use super::sanitize;
use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::{AstNode, NodeValue, Sourcepos};
use comrak::options::Plugins;
use comrak::{Anchorizer, Arena, Options};
use serde::Serialize;
use std::fmt;
use std::sync::Mutex;

/// What a resolver says about one link destination.
pub enum Resolution {
    /// Leave the destination as written.
    Keep,
    /// Replace it; when `anchor` is set the anchor must exist in the page `target`.
    Replace { url: String, target_anchor: Option<(String, String)> },
    /// A broken link: message and hint.
    Broken { message: String, hint: String },
}

pub trait LinkResolver {
    fn resolve(&self, dest: &str) -> Resolution;
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link problem, at a 1-based line and character column of the Markdown body.
#[derive(Debug, Clone)]
pub struct LinkProblem {
    pub line: usize,
    pub col: usize,
    pub len: usize,
    pub message: String,
    pub hint: String,
    /// Unsafe HTML or an unsafe address that was removed: the page still builds.
    pub warning: bool,
}

/// An `@/page.md#anchor` link whose anchor is checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorCheck {
    pub line: usize,
    pub col: usize,
    pub len: usize,
    pub target: String,
    pub anchor: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub summary: Option<String>,
    pub headings: Vec<Heading>,
    pub char_count: usize,
    pub problems: Vec<LinkProblem>,
    pub anchor_checks: Vec<AnchorCheck>,
}

const MORE_MARKER: &str = "<!-- more -->";

/// How every URL inside a build starts (`site::urls::marker`): link resolvers hand
/// such markers to comrak, and only `site::urls::finalize` turns them into URLs.
pub const URL_MARKER: &str = "\u{1}R";

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.parse.sourcepos_chars = true;
    // Officers paste HTML from Word (`<br>`, `<u>`): raw HTML is passed through,
    // after `sanitize` has cleaned every HTML node of the tree.
    o.render.r#unsafe = true;
    o
}

pub fn render(markdown: &str, resolver: &dyn LinkResolver) -> Rendered {
    let arena = Arena::new();
    let opts = options();
    let root = comrak::parse_document(&arena, markdown, &opts);
    let mut out = Rendered::default();

    let mut soft_breaks = Vec::new();
    // Raw HTML pieces in document order: their tags must pair up across pieces.
    let mut pairs = super::balance::Pairs::default();
    let mut first_raw: Option<Sourcepos> = None;
    // Inline `<script>`/`</script>` (and the like) as separate nodes: the text between goes too.
    let (mut openers, mut closers) = (Vec::new(), Vec::new());
    for node in root.descendants() {
        let mut data = node.data.borrow_mut();
        let pos = data.sourcepos;
        match &mut data.value {
            NodeValue::Text(t) => out.char_count += t.chars().filter(|c| !c.is_whitespace()).count(),
            NodeValue::SoftBreak => soft_breaks.push(node),
            NodeValue::HtmlBlock(block) => {
                clean_html(&mut block.literal, pos, &mut out);
                pairs.feed(&block.literal, pos.start.line, pos.start.column);
                first_raw.get_or_insert(pos);
            }
            NodeValue::HtmlInline(raw) => {
                match sanitize::dropped_tag(raw) {
                    Some((name, true)) => openers.push((node, name)),
                    Some((name, false)) => closers.push((node, name)),
                    None => {}
                }
                clean_html(raw, pos, &mut out);
                pairs.feed(raw, pos.start.line, pos.start.column);
                first_raw.get_or_insert(pos);
            }
            NodeValue::Image(link) if !sanitize::safe_url(&link.url, true) => unsafe_url(&mut link.url, "", pos, &mut out),
            NodeValue::Link(link) if !sanitize::safe_url(&link.url, false) => unsafe_url(&mut link.url, "#", pos, &mut out),
            NodeValue::Link(link) | NodeValue::Image(link) => {
                apply_resolution(&mut link.url, pos, resolver, &mut out);
            }
            _ => {}
        }
    }
    for (open, name) in openers {
        let mut between = Vec::new();
        let mut next = open.next_sibling();
        while let Some(n) = next.filter(|n| !closers.iter().any(|(c, cn)| std::ptr::eq(*c, *n) && *cn == name)) {
            between.push(n);
            next = n.next_sibling();
        }
        if next.is_some() {
            between.into_iter().for_each(|n| n.detach());
        }
    }
    for node in soft_breaks {
        if joins_cjk(node) {
            node.detach();
        }
    }

    let headings = HeadingIds::default();
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&headings);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    comrak::format_html_with_plugins(root, &opts, &mut html, &plugins).expect("writing to a String cannot fail");
    out.headings = headings.done.into_inner().unwrap_or_default();
    // comrak percent-encodes the U+0001 that starts a resolved link's marker URL
    // (`\u{1}R…` → `%01R…`); restore it so the URL is finalized like any other.
    if html.contains("%01R") {
        html = html.replace("%01R", URL_MARKER);
    }
    if html.contains("<th") {
        // Header cells of GFM tables label columns (screen readers need the scope).
        html = html.replace("<th>", "<th scope=\"col\">").replace("<th align=", "<th scope=\"col\" align=");
        // Column alignment (`|--:|`) as CSS: the `align` attribute is obsolete HTML.
        // (Raw HTML cannot bring one: `sanitize` drops it; text has its quotes escaped.)
        for side in ["left", "right", "center"] {
            html = html.replace(&format!(" align=\"{side}\""), &format!(" style=\"text-align: {side}\""));
        }
    }
    if let Some(raw_at) = first_raw {
        // Raw HTML: the body is balanced as a browser reads it (content::balance).
        for (line, col, message) in pairs.finish() {
            out.problems.push(LinkProblem { line, col, len: 1, message, hint: PAIRS_HINT.into(), warning: true });
        }
        let balanced = super::balance::balance(&html);
        if balanced.removed > 0 {
            let message = format!("已删除不安全的网页代码（按浏览器的读法再次检查时发现 {} 处）", balanced.removed);
            out.problems.push(LinkProblem { line: raw_at.start.line, col: raw_at.start.column, len: 1, message, hint: UNSAFE_HINT.into(), warning: true });
        }
        html = balanced.html;
        if let Some(i) = html.find(MORE_MARKER) {
            out.summary = Some(super::balance::balance(&html[..i]).html);
        }
    }
    out.html = html;
    out
}

const PAIRS_HINT: &str = "网页代码里的标签要成对：<div> 配 </div>、<table> 配 </table>；从 Word 或网页复制时请整段复制，或只保留文字";

fn apply_resolution(url: &mut String, pos: Sourcepos, resolver: &dyn LinkResolver, out: &mut Rendered) {
    let (line, col) = (pos.start.line, pos.start.column);
    let len = if pos.end.line == pos.start.line { pos.end.column.saturating_sub(col) + 1 } else { 1 };
    match resolver.resolve(url) {
        Resolution::Keep => {}
        Resolution::Replace { url: new, target_anchor } => {
            if let Some((target, anchor)) = target_anchor {
                out.anchor_checks.push(AnchorCheck { line, col, len, target, anchor });
            }
            *url = new;
        }
        Resolution::Broken { message, hint } => out.problems.push(LinkProblem { line, col, len, message, hint, warning: false }),
    }
}

const UNSAFE_HINT: &str = "页面里的网页代码只保留排版用的标签（<br>、<u>、<span style>、表格等）；脚本、事件属性（onclick 等）和 javascript: 等地址一律删除（docs/content.md“网页代码”）";

/// Raw HTML cleaned in place; what was removed is a warning at the node.
fn clean_html(raw: &mut String, pos: Sourcepos, out: &mut Rendered) {
    let cleaned = sanitize::clean(raw);
    if !cleaned.removed.is_empty() {
        let mut what = cleaned.removed;
        what.dedup();
        let message = format!("已删除不安全的网页代码：{}", what.join("、"));
        out.problems.push(LinkProblem { line: pos.start.line, col: pos.start.column, len: 1, message, hint: UNSAFE_HINT.into(), warning: true });
    }
    *raw = cleaned.html;
}

/// A Markdown link or image to `javascript:` and the like: the address is replaced.
fn unsafe_url(url: &mut String, replacement: &str, pos: Sourcepos, out: &mut Rendered) {
    let message = format!("已删除不安全的链接地址 {}", sanitize::scheme_of(url));
    let hint = "链接只能指向网址（http/https）、邮箱（mailto:）、电话（tel:）、站内页面（@/…）或附件".to_string();
    out.problems.push(LinkProblem { line: pos.start.line, col: pos.start.column, len: 1, message, hint, warning: true });
    *url = replacement.to_string();
}

/// True when a soft break sits between Chinese text on either side.
fn joins_cjk<'a>(node: &'a AstNode<'a>) -> bool {
    let before = node.previous_sibling().and_then(|n| last_char(n));
    let after = node.next_sibling().and_then(|n| first_char(n));
    before.is_some_and(is_cjk) || after.is_some_and(is_cjk)
}

fn last_char<'a>(node: &'a AstNode<'a>) -> Option<char> {
    match &node.data.borrow().value {
        NodeValue::Text(t) => t.chars().last(),
        _ => node.last_child().and_then(|c| last_char(c)),
    }
}

fn first_char<'a>(node: &'a AstNode<'a>) -> Option<char> {
    match &node.data.borrow().value {
        NodeValue::Text(t) => t.chars().next(),
        _ => node.first_child().and_then(|c| first_char(c)),
    }
}

/// CJK ideographs, kana, and full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31BF |
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF |
        0x20000..=0x2FA1F)
}

/// Gives every heading a readable, unique id (Chinese kept, punctuation dropped)
/// and remembers them for the table of contents.
#[derive(Default)]
struct HeadingIds {
    anchorizer: Mutex<Anchorizer>,
    done: Mutex<Vec<Heading>>,
}

impl HeadingAdapter for HeadingIds {
    fn enter(&self, output: &mut dyn fmt::Write, heading: &HeadingMeta, _pos: Option<Sourcepos>) -> fmt::Result {
        let mut id = self.anchorizer.lock().expect("heading ids").anchorize(&heading.content);
        if id.is_empty() {
            id = format!("h{}", self.done.lock().expect("headings").len() + 1);
        }
        write!(output, "<h{} id=\"{}\">", heading.level, sanitize::escape_attr(&id))?;
        self.done.lock().expect("headings").push(Heading { level: heading.level, id, title: heading.content.trim().to_string() });
        Ok(())
    }

    fn exit(&self, output: &mut dyn fmt::Write, heading: &HeadingMeta) -> fmt::Result {
        write!(output, "</h{}>", heading.level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _: &str) -> Resolution {
            Resolution::Keep
        }
    }

    struct Broken;
    impl LinkResolver for Broken {
        fn resolve(&self, dest: &str) -> Resolution {
            if dest.starts_with("@/") {
                Resolution::Broken { message: format!("找不到 {dest}"), hint: String::new() }
            } else {
                Resolution::Replace { url: format!("/x/{dest}"), target_anchor: None }
            }
        }
    }

    #[test]
    fn chinese_lines_join_without_space() {
        let r = render("党员同志们：\n现将有关事项通知如下。\nPlease note\nthis.", &NoLinks);
        assert!(r.html.contains("党员同志们：现将有关事项通知如下。"), "{}", r.html);
        assert!(r.html.contains("Please note\nthis."), "{}", r.html);
    }

    #[test]
    fn heading_ids_keep_chinese_and_are_unique() {
        let r = render("## 一、总体要求\n\n## 一、总体要求\n\n### 2. Steps\n", &NoLinks);
        assert!(r.html.contains("<h2 id=\"一总体要求\">一、总体要求</h2>"), "{}", r.html);
        assert!(r.html.contains("id=\"一总体要求-1\""));
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["一总体要求", "一总体要求-1", "2-steps"]);
    }

    #[test]
    fn gfm_extensions() {
        let r = render("| 序号 | 事项 |\n|---|---|\n| 1 | 学习 |\n\n- [x] 已完成\n\n~~删除~~ 脚注[^1]\n\n[^1]: 说明\n", &NoLinks);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<del>删除</del>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn table_alignment_is_css_not_the_obsolete_attribute() {
        let r = render("| 项目 | 次数 |\n|:-:|--:|\n| 党课 | 1 |\n", &NoLinks);
        assert!(r.html.contains("<th scope=\"col\" style=\"text-align: center\">项目</th>"), "{}", r.html);
        assert!(r.html.contains("<td style=\"text-align: right\">1</td>") && !r.html.contains(" align="), "{}", r.html);
    }

    #[test]
    fn raw_html_is_cleaned_with_a_warning_at_its_line() {
        let r = render("第一段\n\n<script>alert(1)</script>\n\n[点我](javascript:alert(2)) <u>下划线</u>\n", &NoLinks);
        assert!(!r.html.contains("<script") && !r.html.contains("javascript:") && r.html.contains("<u>下划线</u>"), "{}", r.html);
        let at: Vec<(usize, bool)> = r.problems.iter().map(|p| (p.line, p.warning)).collect();
        assert_eq!(at, [(3, true), (5, true)], "{:?}", r.problems);
        let r = render("行内 <script>alert(1)</script> 脚本，<style>p{}</style>样式。", &NoLinks);
        assert_eq!(r.html, "<p>行内  脚本，样式。</p>\n", "the text between goes with the tags");
    }

    #[test]
    fn links_are_resolved_and_broken_ones_located() {
        let r = render("第一行\n\n见[附件](a.pdf)和[通知](@/n/x.md)。", &Broken);
        assert!(r.html.contains("href=\"/x/a.pdf\""), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
        assert_eq!((r.problems[0].line, r.problems[0].col), (3, 14));
    }

    #[test]
    fn summary_before_more() {
        let r = render("摘要。\n\n<!-- more -->\n\n正文。", &NoLinks);
        assert_eq!(r.summary.as_deref().map(str::trim), Some("<p>摘要。</p>"));
        assert_eq!(r.char_count, 6);
    }
}
