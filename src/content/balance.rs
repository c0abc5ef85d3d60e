//! A page body with raw HTML, made balanced the way a browser reads it: the body
//! (comrak's HTML with the cleaned raw HTML inside) is parsed by html5ever — the
//! HTML5 tree builder browsers implement — as the content of a `<div>`, and written
//! out again from the tree. No end tag in it can then close one of the theme's
//! elements (`</div>` ×6), and nothing stays open past it (an unclosed `<table>`).
//! The tree is also held to the sanitizer's allow-lists once more, as the browser
//! will see it: whatever the cleaning of the raw pieces missed is removed and
//! counted (`Balanced::removed`). Pure.

use super::sanitize;
use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, Attribute, ExpandedName, ParseOpts, QualName};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// The body rewritten, and how many elements or attributes the last check removed.
#[derive(Debug, Default, PartialEq)]
pub struct Balanced {
    pub html: String,
    pub removed: usize,
}

/// How deep the elements of `html` nest at most, counted the cheap way (start tags
/// up, end tags down; void elements, comments and `/>` count nothing). The tree is
/// written back recursively: `markdown` refuses a body past `MAX_HTML_NESTING`.
pub fn nesting(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(j) = html[i..].find('<') {
        let at = i + j + 1;
        let end = html[at..].find('>').map_or(html.len(), |e| at + e);
        let tag = &html[at..end];
        match bytes.get(at) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b) if b.is_ascii_alphabetic() => {
                let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
                if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
        i = end.min(html.len());
        if i >= html.len() {
            break;
        }
    }
    max
}

/// Parses `html` as the content of a `<div>` and writes the tree back.
pub fn balance(html: &str) -> Balanced {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    let document = html5ever::parse_fragment(Dom::default(), ParseOpts::default(), context, Vec::new(), true).one(html);
    let mut out = Balanced { html: String::with_capacity(html.len() + 64), removed: 0 };
    // A fragment's nodes are the children of the `<html>` element the parser made.
    for root in document.children.borrow().iter() {
        for child in root.children.borrow().iter() {
            write(child, &mut out);
        }
    }
    out
}

/// Follows the raw HTML pieces of one page in document order and finds the tags that
/// do not pair up: an end tag with nothing open to close (it would close the
/// theme's elements), and an element still open at the end (it would swallow the
/// theme's footer). Each is a warning at its line; `balance` mends them.
#[derive(Debug, Default)]
pub struct Pairs {
    open: Vec<(String, usize, usize)>,
    /// `(line, column, message)` of each problem found so far.
    pub problems: Vec<(usize, usize, String)>,
}

/// Elements whose end tag HTML lets one leave out: an open one is no problem.
const OPTIONAL_END: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption"];

impl Pairs {
    /// One cleaned raw piece (`sanitize::clean`'s output) starting at `line`, `col`.
    pub fn feed(&mut self, cleaned: &str, line: usize, col: usize) {
        let mut rest = cleaned;
        let mut offset = 0;
        while let Some(i) = rest.find('<') {
            let at = offset + i;
            let tag = &rest[i + 1..];
            let end = tag.find('>').unwrap_or(tag.len());
            let (closing, body) = match tag.strip_prefix('/') {
                Some(b) => (true, b),
                None => (false, tag),
            };
            let name: String = body.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
            let before = &cleaned[..at];
            let newlines = before.matches('\n').count();
            let (l, c) = if newlines == 0 { (line, col + before.chars().count()) } else { (line + newlines, 1) };
            if !name.is_empty() && !VOID.contains(&name.as_str()) && !tag.starts_with('!') {
                if !closing {
                    self.open.push((name, l, c));
                } else if let Some(k) = self.open.iter().rposition(|(n, _, _)| *n == name) {
                    self.open.truncate(k);
                } else {
                    self.problems.push((l, c, format!("多余的结束标签 </{name}>：前面没有对应的 <{name}>，已删除（它会关闭网站版面的外框）")));
                }
            }
            offset = at + 1 + end.min(tag.len());
            rest = &cleaned[offset.min(cleaned.len())..];
        }
    }

    /// The problems, with every element still open at the end of the page.
    pub fn finish(mut self) -> Vec<(usize, usize, String)> {
        for (name, l, c) in std::mem::take(&mut self.open) {
            if !OPTIONAL_END.contains(&name.as_str()) {
                self.problems.push((l, c, format!("<{name}> 没有结束标签 </{name}>，已自动补上（否则它会把页面下方的内容也包进去）")));
            }
        }
        self.problems
    }
}

type Handle = Rc<Node>;

struct Node {
    parent: Cell<Option<Weak<Node>>>,
    children: RefCell<Vec<Handle>>,
    data: Data,
}

enum Data {
    Document,
    Element { name: QualName, attrs: RefCell<Vec<Attribute>>, template: Option<Handle> },
    Text(RefCell<StrTendril>),
    Comment(StrTendril),
    Other,
}

fn node(data: Data) -> Handle {
    Rc::new(Node { parent: Cell::new(None), children: RefCell::new(Vec::new()), data })
}

fn parent_of(n: &Handle) -> Option<Handle> {
    let weak = n.parent.take();
    let strong = weak.as_ref().and_then(Weak::upgrade);
    n.parent.set(weak);
    strong
}

fn detach(n: &Handle) {
    if let Some(p) = parent_of(n) {
        p.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, n));
    }
    n.parent.set(None);
}

fn append_node(parent: &Handle, child: Handle) {
    detach(&child);
    child.parent.set(Some(Rc::downgrade(parent)));
    parent.children.borrow_mut().push(child);
}

/// Text merges into a text node just before the place it goes.
fn merge_text(prev: Option<&Handle>, text: &StrTendril) -> bool {
    match prev.map(|p| &p.data) {
        Some(Data::Text(t)) => {
            t.borrow_mut().push_tendril(text);
            true
        }
        _ => false,
    }
}

/// The smallest DOM html5ever can build into (what ammonia's and rcdom's are, kept
/// here to stay off their dependencies).
struct Dom {
    document: Handle,
}

impl Default for Dom {
    fn default() -> Dom {
        Dom { document: node(Data::Document) }
    }
}

impl TreeSink for Dom {
    type Handle = Handle;
    type Output = Handle;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Handle {
        self.document
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> ExpandedName<'a> {
        match &target.data {
            Data::Element { name, .. } => name.expanded(),
            _ => unreachable!("the tree builder asks names of elements only"),
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template = flags.template.then(|| node(Data::Document));
        node(Data::Element { name, attrs: RefCell::new(attrs), template })
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        node(Data::Comment(text))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        node(Data::Other)
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        match child {
            NodeOrText::AppendNode(n) => append_node(parent, n),
            NodeOrText::AppendText(t) => {
                if !merge_text(parent.children.borrow().last(), &t) {
                    append_node(parent, node(Data::Text(RefCell::new(t))));
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        if parent_of(element).is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        match &target.data {
            Data::Element { template: Some(t), .. } => t.clone(),
            _ => unreachable!("template contents of a template only"),
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let Some(parent) = parent_of(sibling) else { return };
        let i = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, sibling)).unwrap_or(0);
        let child = match new_node {
            NodeOrText::AppendText(t) => {
                let prev = i.checked_sub(1).and_then(|j| parent.children.borrow().get(j).cloned());
                if merge_text(prev.as_ref(), &t) {
                    return;
                }
                node(Data::Text(RefCell::new(t)))
            }
            NodeOrText::AppendNode(n) => {
                detach(&n);
                n
            }
        };
        let i = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, sibling)).unwrap_or(0);
        child.parent.set(Some(Rc::downgrade(&parent)));
        parent.children.borrow_mut().insert(i, child);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        if let Data::Element { attrs: existing, .. } = &target.data {
            let mut existing = existing.borrow_mut();
            for a in attrs {
                if !existing.iter().any(|e| e.name == a.name) {
                    existing.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        detach(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let children = std::mem::take(&mut *node.children.borrow_mut());
        for c in children {
            c.parent.set(Some(Rc::downgrade(new_parent)));
            new_parent.children.borrow_mut().push(c);
        }
    }
}

const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// Writes `n` as HTML, keeping only what the allow-lists keep.
fn write(n: &Handle, out: &mut Balanced) {
    match &n.data {
        Data::Text(t) => escape_text(&t.borrow(), &mut out.html),
        Data::Comment(c) => {
            // Only plain comments survive the cleaning (`<!-- more -->`).
            if c.contains(['<', '>']) {
                out.removed += 1;
            } else {
                out.html.push_str("<!--");
                out.html.push_str(c);
                out.html.push_str("-->");
            }
        }
        Data::Element { name, attrs, .. } => {
            let tag: &str = &name.local;
            let html = name.ns == ns!(html);
            if !html || sanitize::dropped_with_content(tag) {
                out.removed += 1;
                return;
            }
            if !sanitize::element_allowed(tag) && !sanitize::generated_element(tag) {
                out.removed += 1;
                children(n, out);
                return;
            }
            out.html.push('<');
            out.html.push_str(tag);
            for a in attrs.borrow().iter() {
                let attr: &str = &a.name.local;
                let verdict = if a.name.ns == ns!() { sanitize::attribute(tag, attr, &a.value, true) } else { Default::default() };
                match verdict.value {
                    Some(v) => {
                        out.html.push(' ');
                        out.html.push_str(attr);
                        out.html.push_str("=\"");
                        out.html.push_str(&sanitize::escape_attr(&v));
                        out.html.push('"');
                    }
                    None if verdict.removed.is_some() || a.name.ns != ns!() => out.removed += 1,
                    None => {}
                }
            }
            out.html.push('>');
            if VOID.contains(&tag) {
                return;
            }
            // The parser drops a newline right after `<pre>`: write one back so a
            // leading blank line survives.
            if tag == "pre" && n.children.borrow().first().is_some_and(|c| matches!(&c.data, Data::Text(t) if t.borrow().starts_with('\n'))) {
                out.html.push('\n');
            }
            children(n, out);
            out.html.push_str("</");
            out.html.push_str(tag);
            out.html.push('>');
        }
        Data::Document | Data::Other => children(n, out),
    }
}

fn children(n: &Handle, out: &mut Balanced) {
    for c in n.children.borrow().iter() {
        write(c, out);
    }
}

fn escape_text(t: &str, out: &mut String) {
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        balance(s).html
    }

    #[test]
    fn stray_end_tags_go_and_open_elements_close() {
        assert_eq!(html("<p>正文</p></div></div></div><p>后</p>"), "<p>正文</p><p>后</p>");
        assert_eq!(html("<table><tr><td>格"), "<table><tbody><tr><td>格</td></tr></tbody></table>");
        assert_eq!(html("<p><span style=\"color:red\">红</p><p>字</span></p>"), "<p><span style=\"color:red\">红</span></p><p>字</p>");
        assert_eq!(html("<blockquote><div>引</blockquote></div>外"), "<blockquote><div>引</div></blockquote>外");
        assert_eq!(html("<b><i>粗斜</b>斜</i>"), "<b><i>粗斜</i></b><i>斜</i>");
    }

    #[test]
    fn unpaired_tags_are_found_where_they_are() {
        let mut p = Pairs::default();
        p.feed("<div>", 3, 1);
        p.feed("</div></div>\n</span>", 5, 1);
        p.feed("<table><tr><td>格", 8, 1);
        p.feed("<p>段", 9, 1);
        let found = p.finish();
        assert_eq!(found.iter().map(|(l, c, _)| (*l, *c)).collect::<Vec<_>>(), [(5, 7), (6, 1), (8, 1)], "{found:?}");
        assert!(found[0].2.contains("</div>") && found[2].2.contains("<table>"));
    }

    #[test]
    fn comrak_markup_and_markers_survive() {
        let body = "<h2 id=\"一总体要求\">一、总体要求</h2>\n<p>见<a href=\"\u{1}Rnotices/a/\">通知</a><sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref=\"\">1</a></sup></p>\n<ul>\n<li><input type=\"checkbox\" checked=\"\" disabled=\"\"> 完成</li>\n</ul>\n<pre><code class=\"language-rust\">a &lt; b\n</code></pre>\n<!-- more -->\n<p>1 &amp; 2 &gt; 0</p>\n";
        assert_eq!(html(body), body);
        assert_eq!(balance(body).removed, 0);
    }

    #[test]
    fn what_the_browser_would_see_is_checked_again() {
        let b = balance(
            "<svg><p>x</p></svg><math><mi>y</mi></math><img src=\"java&#x73;cript:alert(1)\" alt=\"a\"><a href=\"&#106;avascript:x\" onclick=\"y\">z</a>",
        );
        assert_eq!(b.html, "<p>x</p><img alt=\"a\"><a>z</a>", "svg breaks out of foreign content at <p> like in a browser");
        assert!(b.removed >= 4, "{b:?}");
        assert_eq!(html("<pre>\n\n两行</pre>"), "<pre>\n\n两行</pre>");
        // Parsed as a browser with scripting does: the image is real, and loses its handler.
        assert_eq!(html("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></p></noscript>"), "<img src=\"x\">\"&gt;<p></p>");
    }
}
