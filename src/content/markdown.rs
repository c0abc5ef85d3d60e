//! Markdown → HTML with comrak, adapted to Chinese text: lines as officers type them
//! (`line_breaks`: a line break in Chinese text is kept, tab-separated lines are a
//! table, the 落款 is marked), heading anchors keep the Chinese words, and links are
//! handed to a resolver so `@/` links and attachments become real URLs. Pure: no
//! file access; the resolver knows the site.

use super::limits::{self, Columns};
use super::{sanitize, signature};
use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::arena_tree::NodeEdge;
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
    /// A link to something held back from this build (page-level fault isolation):
    /// shown as its text only, with a warning (message and hint).
    Unlink { message: String, hint: String },
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

#[derive(Debug, Default, Clone)]
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
    // `contains-task-list` / `task-list-item`: the theme shows the checkbox, not a bullet too.
    o.render.tasklist_classes = true;
    o.extension.footnotes = true;
    // Byte columns: `limits::Columns` turns the few that are reported into characters.
    // Officers paste HTML from Word (`<br>`, `<u>`): raw HTML is passed through,
    // after `sanitize` has cleaned every HTML node of the tree.
    o.render.r#unsafe = true;
    o
}

pub fn render(markdown: &str, resolver: &dyn LinkResolver) -> Rendered {
    render_as(markdown, resolver, true)
}

/// `raw`: raw HTML is kept (cleaned and balanced); otherwise it is shown as text
/// (a body whose raw HTML nests too deep to balance).
fn render_as(markdown: &str, resolver: &dyn LinkResolver, raw: bool) -> Rendered {
    let mut out = Rendered::default();
    if let Some((line, col, count)) = limits::too_many_marks(markdown) {
        let message = format!("页面正文太复杂：有 {count} 个 Markdown 标记（行、链接、强调、表格竖线等），最多 {} 个", limits::MAX_MARKS);
        let hint = "把内容拆成几个页面；大表格（如名册）请作为 Excel 附件上传（docs/content.md“上限”）".to_string();
        out.problems.push(LinkProblem { line, col, len: 1, message, hint, warning: false });
        return out;
    }
    let arena = Arena::new();
    let mut opts = options();
    opts.render.escape = !raw;
    let root = comrak::parse_document(&arena, markdown, &opts);
    let cols = Columns::new(markdown);
    if let Some(pos) = too_deep(root) {
        let message = format!("嵌套层数太多：引用（>）、列表或强调嵌套超过 {} 层", limits::MAX_NESTING);
        let hint = "减少引用、列表的层数（一般不超过 5 层）".to_string();
        let col = cols.char_col(pos.start.line, pos.start.column);
        out.problems.push(LinkProblem { line: pos.start.line, col, len: 1, message, hint, warning: false });
        return out;
    }
    if signature::may_have_blocks(markdown) {
        for w in signature::mark(&arena, root) {
            let col = cols.char_col(w.line, w.col);
            out.problems.push(LinkProblem { line: w.line, col, len: 1, message: w.message, hint: w.hint, warning: true });
        }
    }

    let mut unlinked = Vec::new();
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
            NodeValue::HtmlBlock(block) => {
                let p = at(&cols, pos);
                clean_html(&mut block.literal, p, &mut out);
                pairs.feed(&block.literal, p.start.line, p.start.column);
                first_raw.get_or_insert(p);
            }
            NodeValue::HtmlInline(raw) => {
                match sanitize::dropped_tag(raw) {
                    Some((name, true)) => openers.push((node, name)),
                    Some((name, false)) => closers.push((node, name)),
                    None => {}
                }
                let p = at(&cols, pos);
                clean_html(raw, p, &mut out);
                pairs.feed(raw, p.start.line, p.start.column);
                first_raw.get_or_insert(p);
            }
            NodeValue::Image(link) if !sanitize::safe_url(&link.url, true) => unsafe_url(&mut link.url, "", at(&cols, pos), &mut out),
            NodeValue::Link(link) if !sanitize::safe_url(&link.url, false) => unsafe_url(&mut link.url, "#", at(&cols, pos), &mut out),
            NodeValue::Link(link) | NodeValue::Image(link) => {
                let unlink = apply_resolution(&mut link.url, at(&cols, pos), resolver, &mut out);
                if unlink {
                    unlinked.push(node);
                }
            }
            _ => {}
        }
    }
    drop_between(&openers, &closers);
    // A link to a held-back item: its text (an image: its description) stays.
    for node in unlinked {
        let children: Vec<_> = node.children().collect();
        for child in children {
            node.insert_before(child);
        }
        node.detach();
    }
    super::line_breaks::apply(&arena, root);

    let headings = HeadingIds::default();
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&headings);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    comrak::format_html_with_plugins(root, &opts, &mut html, &plugins).expect("writing to a String cannot fail");
    signature::finish(&mut html);
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
    if html.contains("task-list-item-checkbox") {
        // A checkbox needs a name for screen readers (axe: `label`): its state in words.
        html = html
            .replace(
                "class=\"task-list-item-checkbox\" checked=\"\" disabled=\"\" />",
                "class=\"task-list-item-checkbox\" checked=\"\" disabled=\"\" aria-label=\"已完成\" />",
            )
            .replace("class=\"task-list-item-checkbox\" disabled=\"\" />", "class=\"task-list-item-checkbox\" disabled=\"\" aria-label=\"未完成\" />");
    }
    if let Some(raw_at) = first_raw.filter(|_| raw) {
        // Raw HTML: the body is balanced as a browser reads it (content::balance).
        for (line, col, message) in pairs.finish() {
            out.problems.push(LinkProblem { line, col, len: 1, message, hint: PAIRS_HINT.into(), warning: true });
        }
        if super::balance::nesting(&html) > limits::MAX_HTML_NESTING {
            // Too deep to balance element by element: the raw HTML is shown as text.
            let mut plain = render_as(markdown, resolver, false);
            let message = format!("网页代码嵌套层数太多（标签一层套一层超过 {} 层），已按文字显示", limits::MAX_HTML_NESTING);
            let hint = "检查粘贴的网页代码是否缺少结束标签（如很多个 <b> 没有 </b>）；从 Word 或网页复制时只保留文字".to_string();
            plain.problems.push(LinkProblem { line: raw_at.start.line, col: raw_at.start.column, len: 1, message, hint, warning: true });
            return plain;
        }
        let balanced = super::balance::balance(&html);
        if balanced.removed > 0 {
            let message = format!("已删除不安全的网页代码（按浏览器的读法再次检查时发现 {} 处）", balanced.removed);
            out.problems.push(LinkProblem { line: raw_at.start.line, col: raw_at.start.column, len: 1, message, hint: UNSAFE_HINT.into(), warning: true });
        }
        html = balanced.html;
    }
    if let Some(i) = html.find(MORE_MARKER) {
        // Cut inside raw HTML, the summary is balanced again.
        out.summary = Some(if first_raw.is_some() { super::balance::balance(&html[..i]).html } else { html[..i].to_string() });
    }
    out.html = html;
    out
}

/// Detaches what lies between an inline `<script>` (or the like) and its closing
/// tag among the same siblings; an opener without a closer after it keeps its
/// siblings. Linear: whether a closer follows is found in one backward pass per
/// parent, and every detached node is walked once.
fn drop_between<'a>(openers: &[(&'a AstNode<'a>, String)], closers: &[(&'a AstNode<'a>, String)]) {
    use std::collections::{HashMap, HashSet};
    let key = |n: &'a AstNode<'a>| n as *const AstNode<'a>;
    let closer_name: HashMap<_, &str> = closers.iter().map(|(n, name)| (key(n), name.as_str())).collect();
    let opener_name: HashMap<_, &str> = openers.iter().map(|(n, name)| (key(n), name.as_str())).collect();
    let (mut closed, mut parents) = (HashSet::new(), HashSet::new());
    for (open, _) in openers {
        let Some(parent) = open.parent().filter(|p| parents.insert(key(p))) else { continue };
        let mut later: Vec<&str> = Vec::new();
        let mut child = parent.last_child();
        while let Some(c) = child {
            if let Some(&name) = closer_name.get(&key(c)) {
                if !later.contains(&name) {
                    later.push(name);
                }
            } else if opener_name.get(&key(c)).is_some_and(|name| later.contains(name)) {
                closed.insert(key(c));
            }
            child = c.previous_sibling();
        }
    }
    for (open, name) in openers.iter().filter(|(open, _)| closed.contains(&key(open))) {
        let mut next = open.next_sibling();
        while let Some(n) = next.filter(|n| closer_name.get(&key(n)) != Some(&name.as_str())) {
            next = n.next_sibling();
            n.detach();
        }
    }
}

/// `pos` with character columns.
fn at(cols: &Columns, mut pos: Sourcepos) -> Sourcepos {
    pos.start.column = cols.char_col(pos.start.line, pos.start.column);
    pos.end.column = cols.char_col(pos.end.line, pos.end.column);
    pos
}

/// Where the tree first nests deeper than `limits::MAX_NESTING`.
fn too_deep<'a>(root: &'a AstNode<'a>) -> Option<Sourcepos> {
    let mut depth = 0usize;
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(n) => {
                depth += 1;
                if depth > limits::MAX_NESTING + 1 {
                    return Some(n.data.borrow().sourcepos);
                }
            }
            NodeEdge::End(_) => depth -= 1,
        }
    }
    None
}

const PAIRS_HINT: &str = "网页代码里的标签要成对：<div> 配 </div>、<table> 配 </table>；从 Word 或网页复制时请整段复制，或只保留文字";

/// Resolves one link in place; true when the link is to be shown as text only.
fn apply_resolution(url: &mut String, pos: Sourcepos, resolver: &dyn LinkResolver, out: &mut Rendered) -> bool {
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
        Resolution::Unlink { message, hint } => {
            out.problems.push(LinkProblem { line, col, len, message, hint, warning: true });
            return true;
        }
    }
    false
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

/// A resolver that keeps every link as written (for tests of the renderer).
#[cfg(test)]
pub(crate) struct KeepLinks;

#[cfg(test)]
impl LinkResolver for KeepLinks {
    fn resolve(&self, _: &str) -> Resolution {
        Resolution::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::KeepLinks as NoLinks;
    use super::*;

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
    fn lines_as_typed() {
        let r = render("党员同志们：\n现将有关事项通知如下：\n1、会议时间：3月5日\n2、会议地点：三楼会议室\n\nPlease note\nthis.", &NoLinks);
        assert_eq!(
            r.html,
            "<p>党员同志们：</p>\n<p>现将有关事项通知如下：</p>\n<p>1、会议时间：3月5日</p>\n<p>2、会议地点：三楼会议室</p>\n<p>Please note\nthis.</p>\n"
        );
        let wrapped = "这是一段按固定宽度手工折行的中文文字，编辑器在第五十个字符左右把它\n折到了下一行，不应当在这里断开。";
        assert_eq!(
            render(wrapped, &NoLinks).html,
            "<p>这是一段按固定宽度手工折行的中文文字，编辑器在第五十个字符左右把它折到了下一行，不应当在这里断开。</p>\n"
        );
        let item = render("- 第一项\n  续行\n", &NoLinks);
        assert!(item.html.contains("第一项<br />\n续行"), "{}", item.html);
    }

    #[test]
    fn tab_separated_lines_are_a_table() {
        let r = render("名单如下：\n\n序号\t姓名\t职务\n1\t张三\t书记\n2\t李四\n", &NoLinks);
        assert!(r.html.contains("<table>\n<thead>\n<tr>\n<th scope=\"col\">序号</th>\n<th scope=\"col\">姓名</th>\n<th scope=\"col\">职务</th>"), "{}", r.html);
        assert!(r.html.contains("<td>2</td>\n<td>李四</td>\n<td></td>"), "{}", r.html);
    }

    #[test]
    fn the_signature_block_is_marked() {
        let r = render("特此通知。\n\n中共某某县财政局机关委员会\n2024年11月21日\n", &NoLinks);
        assert_eq!(r.html, "<p>特此通知。</p>\n<p class=\"signature\">中共某某县财政局机关委员会</p>\n<p class=\"signature\">2024年11月21日</p>\n");
        let r = render("会议定于2024年11月21日召开。\n", &NoLinks);
        assert!(!r.html.contains("signature"), "{}", r.html);
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
    fn a_link_to_a_held_back_page_becomes_its_text() {
        struct Held;
        impl LinkResolver for Held {
            fn resolve(&self, _: &str) -> Resolution {
                Resolution::Unlink { message: "暂未发布".into(), hint: String::new() }
            }
        }
        let r = render("见[关于**换届**的通知](@/n/x.md)和![照片](@/n/p.jpg)。", &Held);
        assert_eq!(r.html, "<p>见关于<strong>换届</strong>的通知和照片。</p>\n");
        assert!(r.problems.iter().all(|p| p.warning) && r.problems.len() == 2, "{:?}", r.problems);
    }

    #[test]
    fn summary_before_more() {
        let r = render("摘要。\n\n<!-- more -->\n\n正文。", &NoLinks);
        assert_eq!(r.summary.as_deref().map(str::trim), Some("<p>摘要。</p>"));
        assert_eq!(r.char_count, 6);
    }
}
