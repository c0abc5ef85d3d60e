//! A read document → the page body HTML, written here from an allow-list: `p`
//! (with the `align-center` / `align-right` / `signature` classes of
//! docs/templates.md), `h2`–`h6`, `ol`/`ul`/`li`, tables with `colspan`/`rowspan`,
//! `strong em u s sup sub br a img`, footnotes as comrak writes them. Every text
//! and attribute is escaped; addresses pass the same checks as Markdown links
//! (`sanitize::safe_url`, then the page's `LinkResolver`). Problems carry the
//! paragraph's line, which the site turns into `第12段`.

use super::model::*;
use crate::content::markdown::{AnchorCheck, Heading, LinkProblem, LinkResolver, Rendered, Resolution};
use crate::content::sanitize::{escape_attr as esc, safe_url, scheme_of};
use std::fmt::Write as _;

/// Renders `doc`; `media_url` gives the URL (marker) of an image file written beside the page.
pub fn render(doc: &Document, resolver: &dyn LinkResolver, media_url: &dyn Fn(&str) -> String) -> Rendered {
    let mut w = Writer {
        doc,
        resolver,
        media_url,
        out: Rendered::default(),
        html: String::new(),
        anchors: comrak::Anchorizer::new(),
        refs: Vec::new(),
        plain: Fmt::default(),
    };
    w.blocks(&doc.blocks);
    w.notes();
    w.out.html = std::mem::take(&mut w.html);
    w.out
}

struct Writer<'a> {
    doc: &'a Document,
    resolver: &'a dyn LinkResolver,
    media_url: &'a dyn Fn(&str) -> String,
    out: Rendered,
    html: String,
    anchors: comrak::Anchorizer,
    /// How often each note has been referred to so far.
    refs: Vec<usize>,
    /// Formatting the context already gives (a heading's bold, a link's underline): not repeated.
    plain: Fmt,
}

impl Writer<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        // Open lists: (ordered, level).
        let mut lists: Vec<(bool, u8)> = Vec::new();
        for b in blocks {
            match b {
                Block::Para(p) if matches!(p.role, Role::Item { .. }) => {
                    let Role::Item { ordered, level } = p.role else { unreachable!() };
                    self.item(p, ordered, level, &mut lists);
                }
                Block::Para(p) if p.role == Role::Omit => {}
                Block::Para(p) => {
                    self.close_lists(&mut lists, 0);
                    self.para(p);
                }
                Block::Table(t) => {
                    self.close_lists(&mut lists, 0);
                    self.table(t);
                }
            }
        }
        self.close_lists(&mut lists, 0);
    }

    fn item(&mut self, p: &Para, ordered: bool, level: u8, lists: &mut Vec<(bool, u8)>) {
        while lists.last().is_some_and(|(o, l)| *l > level || (*l == level && *o != ordered)) {
            self.close_one(lists);
        }
        if lists.last().is_some_and(|(_, l)| *l == level) {
            self.html.push_str("</li>\n");
        } else {
            // The label (`1.`, `（1）`) is the item's own text, as in the document: no second marker.
            let indent = if lists.is_empty() { "0" } else { "2em" };
            if ordered {
                let _ = writeln!(self.html, "<ol style=\"list-style: none; padding-left: {indent}\">");
            } else {
                self.html.push_str("<ul>\n");
            }
            lists.push((ordered, level));
        }
        self.html.push_str("<li>");
        self.inline_body(p);
    }

    fn close_one(&mut self, lists: &mut Vec<(bool, u8)>) {
        if let Some((ordered, _)) = lists.pop() {
            self.html.push_str(if ordered { "</li>\n</ol>\n" } else { "</li>\n</ul>\n" });
        }
    }

    fn close_lists(&mut self, lists: &mut Vec<(bool, u8)>, keep: usize) {
        while lists.len() > keep {
            self.close_one(lists);
        }
    }

    fn para(&mut self, p: &Para) {
        if !has_content(p) {
            return;
        }
        match p.role {
            Role::Heading(level) => {
                let title = p.text().trim().to_string();
                let mut id = self.anchors.anchorize(&title);
                if id.is_empty() {
                    id = format!("h{}", self.out.headings.len() + 1);
                }
                let class = if p.align == Align::Center { " class=\"align-center\"" } else { "" };
                let _ = write!(self.html, "<h{level} id=\"{}\"{class}>", esc(&id));
                // A heading is bold by its nature: no <strong> inside.
                self.plain = Fmt { bold: true, ..Fmt::default() };
                self.inline_body(p);
                self.plain = Fmt::default();
                let _ = writeln!(self.html, "</h{level}>");
                self.out.headings.push(Heading { level, id, title });
            }
            _ => {
                let class = match (p.role, p.align) {
                    (Role::Signature, _) => " class=\"signature\"",
                    (_, Align::Center) => " class=\"align-center\"",
                    (_, Align::Right) => " class=\"align-right\"",
                    _ => "",
                };
                let _ = write!(self.html, "<p{class}>");
                self.inline_body(p);
                self.html.push_str("</p>\n");
            }
        }
    }

    /// A paragraph's label and inlines, leading and trailing blanks dropped
    /// (officers indent with spaces and full-width spaces).
    fn inline_body(&mut self, p: &Para) {
        let mut inlines = p.inlines.clone();
        trim_edges(&mut inlines);
        if let Some(label) = &p.label {
            self.text(label, Fmt::default());
        }
        self.inlines(&inlines, p.line);
    }

    fn inlines(&mut self, inlines: &[Inline], line: usize) {
        for i in inlines {
            match i {
                Inline::Text(t, f) => self.text(t, *f),
                Inline::Break => self.html.push_str("<br>"),
                Inline::Link { href, inlines } => self.link(href, inlines, line),
                Inline::Image { media, alt } => {
                    if let Some(m) = self.doc.media.get(*media) {
                        let _ = write!(self.html, "<img src=\"{}\" alt=\"{}\">", esc(&(self.media_url)(&m.name)), esc(alt));
                    }
                }
                Inline::NoteRef(n) => {
                    let number = n + 1;
                    if self.refs.len() <= *n {
                        self.refs.resize(n + 1, 0);
                    }
                    self.refs[*n] += 1;
                    let suffix = if self.refs[*n] > 1 { format!("-{}", self.refs[*n]) } else { String::new() };
                    let _ = write!(
                        self.html,
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"fnref-{number}{suffix}\" data-footnote-ref>{number}</a></sup>"
                    );
                }
            }
        }
    }

    fn text(&mut self, t: &str, f: Fmt) {
        if t.is_empty() {
            return;
        }
        let f = Fmt { bold: f.bold && !self.plain.bold, underline: f.underline && !self.plain.underline, ..f };
        self.out.char_count += t.chars().filter(|c| !c.is_whitespace()).count();
        let tags: Vec<&str> = [(f.bold, "strong"), (f.italic, "em"), (f.underline, "u"), (f.strike, "s"), (f.sup, "sup"), (f.sub, "sub")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, t)| t)
            .collect();
        for tag in &tags {
            let _ = write!(self.html, "<{tag}>");
        }
        self.html.push_str(&esc(t));
        for tag in tags.iter().rev() {
            let _ = write!(self.html, "</{tag}>");
        }
    }

    fn link(&mut self, href: &str, inlines: &[Inline], line: usize) {
        let href = href.trim();
        let warn =
            |me: &mut Self, message: String, hint: &str| me.out.problems.push(LinkProblem { line, col: 1, len: 1, message, hint: hint.into(), warning: true });
        let local = href.starts_with("file:")
            || href.starts_with("\\\\")
            || href.chars().nth(1) == Some(':') && href.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let url = if href.starts_with('#') {
            // A bookmark inside the document (Word's own 目录): the page has its own.
            None
        } else if local {
            // The address is not repeated: a local path names the author's account.
            warn(
                self,
                "链接指向本机或内网共享上的文件，读者打不开，已去掉链接（文字保留）".into(),
                "把要提供下载的文件放在同一文件夹里，链接写文件名；或链接到网址",
            );
            None
        } else if !safe_url(href, false) {
            warn(
                self,
                format!("已删除不安全的链接地址 {}", scheme_of(href)),
                "链接只能指向网址（http/https）、邮箱（mailto:）、电话（tel:）或同一文件夹里的附件",
            );
            None
        } else {
            match self.resolver.resolve(href) {
                Resolution::Keep => Some(href.to_string()),
                Resolution::Replace { url, target_anchor } => {
                    if let Some((target, anchor)) = target_anchor {
                        self.out.anchor_checks.push(AnchorCheck { line, col: 1, len: 1, target, anchor });
                    }
                    Some(url)
                }
                Resolution::Broken { message, hint } => {
                    self.out.problems.push(LinkProblem { line, col: 1, len: 1, message, hint, warning: false });
                    None
                }
                // A link to a held-back page: its text stays, with a warning.
                Resolution::Unlink { message, hint } => {
                    self.out.problems.push(LinkProblem { line, col: 1, len: 1, message, hint, warning: true });
                    None
                }
            }
        };
        match url {
            Some(u) => {
                let _ = write!(self.html, "<a href=\"{}\">", esc(&u));
                // Word underlines links itself (the 超链接 style); the theme styles links.
                let outer = self.plain;
                self.plain.underline = true;
                self.inlines(inlines, line);
                self.plain = outer;
                self.html.push_str("</a>");
            }
            None => self.inlines(inlines, line),
        }
    }

    fn table(&mut self, t: &Table) {
        if t.rows.iter().all(|r| r.cells.is_empty()) {
            return;
        }
        self.html.push_str("<table>\n");
        let heads = t.rows.iter().take_while(|r| r.header).count();
        for (i, row) in t.rows.iter().enumerate() {
            if i == 0 && heads > 0 {
                self.html.push_str("<thead>\n");
            }
            if i == heads {
                self.html.push_str("<tbody>\n");
            }
            self.html.push_str("<tr>");
            for cell in &row.cells {
                let tag = if i < heads { "th" } else { "td" };
                let mut attrs = String::new();
                if i < heads {
                    attrs.push_str(" scope=\"col\"");
                }
                if cell.colspan > 1 {
                    let _ = write!(attrs, " colspan=\"{}\"", cell.colspan);
                }
                if cell.rowspan > 1 {
                    let _ = write!(attrs, " rowspan=\"{}\"", cell.rowspan);
                }
                let single = single_para(&cell.blocks);
                if let Some(p) = single {
                    match p.align {
                        Align::Center => attrs.push_str(" style=\"text-align: center\""),
                        Align::Right => attrs.push_str(" style=\"text-align: right\""),
                        _ => {}
                    }
                }
                let _ = write!(self.html, "<{tag}{attrs}>");
                match single {
                    Some(p) => self.inline_body(p),
                    None => self.blocks(&cell.blocks),
                }
                let _ = write!(self.html, "</{tag}>");
            }
            self.html.push_str("</tr>\n");
            if i + 1 == heads {
                self.html.push_str("</thead>\n");
            }
        }
        if heads < t.rows.len() {
            self.html.push_str("</tbody>\n");
        }
        self.html.push_str("</table>\n");
    }

    fn notes(&mut self) {
        let notes: Vec<&Note> = self.doc.notes.iter().filter(|n| self.refs.get(n.number - 1).is_some_and(|c| *c > 0)).collect();
        if notes.is_empty() {
            return;
        }
        self.html.push_str("<section class=\"footnotes\" data-footnotes>\n<ol>\n");
        for n in notes {
            let _ = writeln!(self.html, "<li id=\"fn-{}\">", n.number);
            self.blocks(&n.blocks);
            let _ = writeln!(
                self.html,
                "<p><a href=\"#fnref-{0}\" class=\"footnote-backref\" data-footnote-backref aria-label=\"返回正文 {0}\">↩</a></p>\n</li>",
                n.number
            );
        }
        self.html.push_str("</ol>\n</section>\n");
    }
}

/// The one plain paragraph of a cell, printed without its `<p>`.
fn single_para(blocks: &[Block]) -> Option<&Para> {
    let shown: Vec<&Block> = blocks.iter().filter(|b| !matches!(b, Block::Para(p) if !has_content(p) || p.role == Role::Omit)).collect();
    match shown.as_slice() {
        [Block::Para(p)] if matches!(p.role, Role::Body | Role::Signature) => Some(p),
        [] => blocks.iter().find_map(|b| match b {
            Block::Para(p) => Some(p),
            Block::Table(_) => None,
        }),
        _ => None,
    }
}

fn has_content(p: &Para) -> bool {
    p.label.is_some()
        || p.inlines.iter().any(|i| !matches!(i, Inline::Text(t, _) if t.trim().trim_matches('\u{3000}').is_empty()) && !matches!(i, Inline::Break))
}

/// Drops blanks (spaces, full-width spaces, line breaks) at both ends of a paragraph.
fn trim_edges(inlines: &mut Vec<Inline>) {
    let blank = |c: char| c.is_whitespace() || c == '\u{3000}';
    while let Some(first) = inlines.first_mut() {
        match first {
            Inline::Text(t, _) => {
                let trimmed = t.trim_start_matches(blank);
                if trimmed.is_empty() {
                    inlines.remove(0);
                    continue;
                }
                *t = trimmed.to_string();
                break;
            }
            Inline::Break => {
                inlines.remove(0);
            }
            _ => break,
        }
    }
    while let Some(last) = inlines.last_mut() {
        match last {
            Inline::Text(t, _) => {
                let trimmed = t.trim_end_matches(blank);
                if trimmed.is_empty() {
                    inlines.pop();
                    continue;
                }
                *t = trimmed.to_string();
                break;
            }
            Inline::Break => {
                inlines.pop();
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Keep;
    impl LinkResolver for Keep {
        fn resolve(&self, dest: &str) -> Resolution {
            if dest.ends_with(".pdf") {
                Resolution::Broken { message: format!("附件不存在：{dest}"), hint: String::new() }
            } else {
                Resolution::Keep
            }
        }
    }

    fn p(line: usize, role: Role, inlines: Vec<Inline>) -> Block {
        Block::Para(Para { line, role, inlines, ..Para::default() })
    }

    fn t(s: &str) -> Inline {
        Inline::Text(s.into(), Fmt::default())
    }

    #[test]
    fn text_is_escaped_and_addresses_checked() {
        let doc = Document {
            blocks: vec![
                p(1, Role::Body, vec![t("<script>alert(1)</script> & \"引号\"")]),
                p(2, Role::Body, vec![Inline::Link { href: "javascript:alert(1)".into(), inlines: vec![t("点我")] }]),
                p(3, Role::Body, vec![Inline::Link { href: "附件.pdf".into(), inlines: vec![t("附件")] }]),
                p(4, Role::Body, vec![Inline::Link { href: "file:///C:/Users/张三/a.docx".into(), inlines: vec![t("本机")] }]),
                p(5, Role::Body, vec![Inline::Link { href: "https://www.gov.cn/?a=1&b=\"2\"".into(), inlines: vec![t("网站")] }]),
            ],
            ..Document::default()
        };
        let r = render(&doc, &Keep, &|n| n.to_string());
        assert!(r.html.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;</p>"), "{}", r.html);
        assert!(!r.html.contains("javascript") && !r.html.contains("file:") && !r.html.contains("张三"), "{}", r.html);
        assert!(r.html.contains("<a href=\"https://www.gov.cn/?a=1&amp;b=&quot;2&quot;\">网站</a>"), "{}", r.html);
        let at: Vec<(usize, bool)> = r.problems.iter().map(|p| (p.line, p.warning)).collect();
        assert_eq!(at, [(2, true), (3, false), (4, true)]);
    }

    #[test]
    fn lists_nest_by_level_and_close() {
        let item = |line, level, text: &str| p(line, Role::Item { ordered: true, level }, vec![t(text)]);
        let doc = Document {
            blocks: vec![
                item(1, 0, "1.甲"),
                item(2, 1, "（1）子"),
                item(3, 0, "2.乙"),
                p(4, Role::Body, vec![t("正文")]),
                p(5, Role::Item { ordered: false, level: 0 }, vec![t("点")]),
            ],
            ..Document::default()
        };
        let html = render(&doc, &Keep, &|n| n.to_string()).html;
        assert_eq!(
            html,
            "<ol style=\"list-style: none; padding-left: 0\">\n<li>1.甲<ol style=\"list-style: none; padding-left: 2em\">\n<li>（1）子</li>\n</ol>\n</li>\n<li>2.乙</li>\n</ol>\n<p>正文</p>\n<ul>\n<li>点</li>\n</ul>\n"
        );
    }
}
