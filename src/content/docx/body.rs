//! `word/document.xml` (and the footnote parts) → blocks, keeping only what Word
//! shows: tracked deletions (`w:del`, `w:moveFrom`), comments, hidden text
//! (`w:vanish`, also through styles), field instructions (and whatever a field's
//! instruction part contains) are skipped as they are met; inserted text counts.

use super::limits::Budget;
use super::model::*;
use super::numbering::Numbering;
use super::package::{Package, Rels};
use super::styles::{align_of, RunProps, Styles};
use super::xml::{Ev, Ns, Tag, Xml, XmlError};
use super::DocxError;
use std::collections::HashMap;

/// Where a paragraph is, for its place label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ctx {
    Body,
    Cell {
        table: usize,
        row: usize,
        col: usize,
    },
    Note(usize),
    /// In a text box of the paragraph at this line.
    TextBox(usize),
}

/// A field (`w:fldChar` begin … separate … end): its instruction and whether
/// its shown result has started.
#[derive(Debug, Default)]
struct Field {
    instr: String,
    result: bool,
    /// Index in the paragraph's inlines where a HYPERLINK field's result starts.
    link_from: Option<usize>,
}

pub(super) struct Parser<'p, 'a> {
    pub pkg: &'p mut Package<'a>,
    pub styles: &'p Styles,
    pub numbering: &'p mut Numbering,
    pub rels: &'p Rels,
    pub doc: &'p mut Document,
    pub budget: Budget,
    pub ctx: Vec<Ctx>,
    pub body_paras: usize,
    pub tables: usize,
    pub media_by_part: HashMap<String, Option<usize>>,
    /// (endnote?, w:id) → index into `doc.notes`, in reference order.
    pub note_refs: HashMap<(bool, String), usize>,
    fields: Vec<Field>,
    /// Text boxes met inside the paragraph being read: they follow it.
    pub boxes: Vec<Block>,
}

impl<'p, 'a> Parser<'p, 'a> {
    pub fn new(pkg: &'p mut Package<'a>, styles: &'p Styles, numbering: &'p mut Numbering, rels: &'p Rels, doc: &'p mut Document) -> Self {
        Parser {
            pkg,
            styles,
            numbering,
            rels,
            doc,
            budget: Budget::default(),
            ctx: vec![Ctx::Body],
            body_paras: 0,
            tables: 0,
            media_by_part: HashMap::new(),
            note_refs: HashMap::new(),
            fields: Vec::new(),
            boxes: Vec::new(),
        }
    }

    /// Reads the children of the element just opened as blocks (a body, a cell, a
    /// text box, a footnote) through its end tag.
    pub fn blocks(&mut self, x: &mut Xml<'_>, out: &mut Vec<Block>) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) => self.block(x, &t, out)?,
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        Ok(())
    }

    /// One block-level element just opened.
    pub fn block(&mut self, x: &mut Xml<'_>, t: &Tag, out: &mut Vec<Block>) -> Result<(), DocxError> {
        match (t.ns, t.name.as_str()) {
            (Ns::W, "p") => {
                let p = self.paragraph(x)?;
                out.push(Block::Para(p));
                out.append(&mut self.boxes);
            }
            (Ns::W, "tbl") => {
                let table = self.table(x)?;
                out.push(Block::Table(table));
            }
            // Wrappers whose content is shown: content controls, custom XML, inserted blocks.
            (Ns::W, "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" | "smartTag") => self.blocks(x, out)?,
            (Ns::Mc, "AlternateContent") => self.alternate(x, &mut |p, x, t| p.block(x, t, out))?,
            (Ns::W, "altChunk") => {
                skip(x)?;
                let p = Problem {
                    line: (!self.doc.lines.is_empty()).then_some(self.doc.lines.len()),
                    message: "文档里嵌入了另一种格式的内容（altChunk，多见于系统导出的文件），不会发布".into(),
                    hint: "在 Word 中打开，全选复制到一个新文档，另存为 .docx 后再放回".into(),
                };
                if !self.doc.warnings.contains(&p) {
                    self.doc.warnings.push(p);
                }
            }
            // Deleted or moved-away blocks, properties, section settings, bookmarks.
            _ => skip(x)?,
        }
        Ok(())
    }

    /// `mc:AlternateContent`: the first `mc:Choice` only (its `mc:Fallback` repeats it).
    pub fn alternate(&mut self, x: &mut Xml<'_>, each: &mut dyn FnMut(&mut Self, &mut Xml<'_>, &Tag) -> Result<(), DocxError>) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        let mut taken = false;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) if t.is(Ns::Mc, "Choice") && !taken => {
                    taken = true;
                    let inner = x.depth() - 1;
                    while x.depth() > inner {
                        match next(x)? {
                            Ev::Open(c) => each(self, x, &c)?,
                            Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                            _ => {}
                        }
                    }
                }
                Ev::Open(_) => skip(x)?,
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        Ok(())
    }

    /// A new line for the paragraph about to be read, labelled by where it is.
    fn new_line(&mut self) -> usize {
        let place = match self.ctx.last().copied().unwrap_or(Ctx::Body) {
            Ctx::Body => {
                self.body_paras += 1;
                format!("第{}段", self.body_paras)
            }
            Ctx::Cell { table, row, col } => format!("表{table}第{row}行第{col}列"),
            Ctx::Note(n) => format!("脚注{n}"),
            Ctx::TextBox(line) => format!("{}的文本框", self.doc.places.get(line - 1).map_or("", String::as_str)),
        };
        self.doc.places.push(place);
        self.doc.lines.push(String::new());
        self.doc.lines.len()
    }

    fn paragraph(&mut self, x: &mut Xml<'_>) -> Result<Para, DocxError> {
        self.budget.paragraph()?;
        let line = self.new_line();
        let mut p = Para { line, in_text_box: matches!(self.ctx.last(), Some(Ctx::TextBox(_))), ..Para::default() };
        let end = x.depth() - 1;
        let mut style_id: Option<String> = None;
        let (mut direct_align, mut num): (Option<Align>, Option<(String, Option<u8>)>) = (None, None);
        let mut outline: Option<u8> = None;
        // Paragraph properties come first; the style is resolved when the first content arrives.
        let mut resolved: Option<(RunProps, bool)> = None;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) if t.w("pPr") => {
                    let pr = read_ppr(x)?;
                    style_id = pr.style;
                    direct_align = pr.align;
                    num = pr.num;
                    outline = pr.outline;
                    p.indented = pr.indented;
                }
                Ev::Open(t) => {
                    if resolved.is_none() {
                        resolved = Some(self.resolve_para(&mut p, style_id.as_deref(), direct_align, num.take(), outline));
                    }
                    // Word's own table of contents is read too (its fields must balance), then left out.
                    let (base, _) = resolved.expect("resolved");
                    let mut inlines = std::mem::take(&mut p.inlines);
                    self.inline(x, &t, base, &mut inlines, &mut p)?;
                    p.inlines = inlines;
                }
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        if resolved.is_none() {
            resolved = Some(self.resolve_para(&mut p, style_id.as_deref(), direct_align, num.take(), outline));
        }
        if resolved.is_some_and(|(_, toc)| toc) {
            p.role = Role::Omit;
        }
        // A HYPERLINK field still open at the paragraph's end ends its link here.
        for f in self.fields.iter_mut() {
            if let Some(from) = f.link_from.take() {
                wrap_link(&mut p.inlines, from, &f.instr);
            }
        }
        self.doc.lines[line - 1] = p.text();
        Ok(p)
    }

    /// Style, alignment and numbering of a paragraph; returns its base run
    /// properties and whether it belongs to Word's own table of contents.
    fn resolve_para(
        &mut self,
        p: &mut Para,
        style: Option<&str>,
        align: Option<Align>,
        num: Option<(String, Option<u8>)>,
        outline: Option<u8>,
    ) -> (RunProps, bool) {
        let st = self.styles.para(style);
        p.align = align.or(st.align).unwrap_or_default();
        p.heading = outline.filter(|l| *l < 9).map(|l| l + 1).or(st.heading);
        p.title_style = st.title;
        if p.heading.is_some() || p.title_style {
            self.doc.styled_headings |= p.heading.is_some();
        }
        let num = match (num, st.num) {
            (Some((id, lvl)), style_num) => Some((id, lvl.or(style_num.map(|n| n.1)).unwrap_or(0))),
            (None, style_num) => style_num,
        };
        if let Some((id, lvl)) = num.filter(|(id, _)| !id.is_empty() && id != "0") {
            if let Some(label) = self.numbering.next_label(&id, lvl) {
                p.num_level = lvl;
                p.bullet = label.bullet;
                p.label = (!label.bullet && !label.text.is_empty()).then_some(label.text);
            }
        }
        let in_toc_field = self.fields.iter().any(|f| f.result && f.instr.trim_start().to_uppercase().starts_with("TOC"));
        (st.run, st.toc || in_toc_field)
    }

    /// One paragraph-level element (a run, a hyperlink, an insertion …) into `out`.
    pub fn inline(&mut self, x: &mut Xml<'_>, t: &Tag, base: RunProps, out: &mut Vec<Inline>, p: &mut Para) -> Result<(), DocxError> {
        match (t.ns, t.name.as_str()) {
            (Ns::W, "r") => self.run(x, base, out, p)?,
            (Ns::W, "hyperlink") => {
                let href = self.link_target(t);
                let mut inner = Vec::new();
                self.inlines(x, base, &mut inner, p)?;
                match href {
                    Some(href) if !inner.is_empty() => out.push(Inline::Link { href, inlines: inner }),
                    _ => out.append(&mut inner),
                }
            }
            (Ns::W, "fldSimple") => {
                let instr = t.get("instr").unwrap_or("").to_string();
                let from = out.len();
                self.inlines(x, base, out, p)?;
                wrap_link(out, from, &instr);
            }
            // Shown: insertions, moved-here text, content controls, smart tags, custom XML.
            (Ns::W, "ins" | "moveTo" | "sdt" | "sdtContent" | "smartTag" | "customXml" | "dir" | "bdo") => self.inlines(x, base, out, p)?,
            (Ns::M, "oMath" | "oMathPara") => {
                let text = math_text(x)?;
                if self.visible() && !text.is_empty() {
                    out.push(Inline::Text(text, Fmt::default()));
                }
            }
            (Ns::Mc, "AlternateContent") => {
                let mut taken = Vec::new();
                self.alternate(x, &mut |me, x, c| me.inline(x, c, base, &mut taken, p))?;
                out.append(&mut taken);
            }
            // Deletions, moved-away text, comments' anchors, bookmarks, proofing marks, properties.
            _ => skip(x)?,
        }
        Ok(())
    }

    /// The inline children of the element just opened.
    fn inlines(&mut self, x: &mut Xml<'_>, base: RunProps, out: &mut Vec<Inline>, p: &mut Para) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(c) => self.inline(x, &c, base, out, p)?,
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        Ok(())
    }

    /// Text is shown unless it is inside a field's instruction.
    fn visible(&self) -> bool {
        self.fields.iter().all(|f| f.result)
    }

    fn link_target(&self, t: &Tag) -> Option<String> {
        let base = t.get("id").and_then(|id| self.rels.by_id.get(id)).filter(|r| r.external).map(|r| r.target.clone());
        match (base, t.get("anchor")) {
            (Some(b), Some(a)) => Some(format!("{b}#{a}")),
            (Some(b), None) => Some(b),
            (None, Some(a)) => Some(format!("#{a}")),
            (None, None) => None,
        }
    }

    fn run(&mut self, x: &mut Xml<'_>, base: RunProps, out: &mut Vec<Inline>, p: &mut Para) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        let mut props = base;
        while x.depth() > end {
            let Ev::Open(t) = next(x)? else { continue };
            if t.ns != Ns::W && !t.is(Ns::Mc, "AlternateContent") {
                skip(x)?;
                continue;
            }
            let hidden = props.vanish == Some(true);
            match t.name.as_str() {
                "rPr" => props = self.read_rpr(x)?.over(base),
                "fldChar" => {
                    self.field_char(t.get("fldCharType").unwrap_or(""), out.len());
                    skip(x)?;
                    if t.get("fldCharType") == Some("end") {
                        self.end_field(out);
                    }
                }
                "instrText" => {
                    let text = x.text().map_err(xml_err)?;
                    if let Some(f) = self.fields.last_mut().filter(|f| !f.result) {
                        f.instr.push_str(&text);
                    }
                }
                _ if hidden || !self.visible() => skip(x)?,
                "t" => {
                    let text = x.text().map_err(xml_err)?;
                    push_text(out, text, fmt_of(props));
                    note_size(p, props);
                }
                "tab" | "ptab" => {
                    skip(x)?;
                    push_text(out, " ".into(), fmt_of(props));
                }
                "br" => {
                    let kind = t.get("type").unwrap_or("textWrapping").to_string();
                    skip(x)?;
                    if kind == "textWrapping" {
                        out.push(Inline::Break);
                    }
                }
                "cr" => {
                    skip(x)?;
                    out.push(Inline::Break);
                }
                "noBreakHyphen" => {
                    skip(x)?;
                    push_text(out, "-".into(), fmt_of(props));
                }
                "sym" => {
                    let c = t.get("char").and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                    skip(x)?;
                    // Symbol-font characters (Wingdings' private-use range) have no meaning in HTML.
                    if let Some(c) = c.filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c)) {
                        push_text(out, c.to_string(), fmt_of(props));
                    }
                }
                "footnoteReference" | "endnoteReference" => {
                    let key = (t.name == "endnoteReference", t.get("id").unwrap_or("").to_string());
                    skip(x)?;
                    let n = self.note_refs.len();
                    let i = *self.note_refs.entry(key).or_insert(n);
                    out.push(Inline::NoteRef(i));
                }
                "drawing" => self.drawing(x, out, p.line)?,
                "pict" => self.pict(x, out, p.line)?,
                "object" => {
                    skip(x)?;
                    self.warn(
                        p.line,
                        "嵌入的对象（如 Excel 表格、公式编辑器、附件图标）不会发布，已省略",
                        "需要公开的表格请在 Word 中直接插入表格；其他内容可另存为图片后插入",
                    );
                }
                "ruby" => self.ruby(x, props, out)?,
                "AlternateContent" => {
                    let mut taken = Vec::new();
                    self.alternate(x, &mut |me, x, c| {
                        if c.w("drawing") {
                            me.drawing(x, &mut taken, p.line)
                        } else if c.w("pict") {
                            me.pict(x, &mut taken, p.line)
                        } else {
                            skip(x)
                        }
                    })?;
                    out.append(&mut taken);
                }
                // delText, delInstrText, comment marks, footnote marks, separators, page-break hints.
                _ => skip(x)?,
            }
        }
        Ok(())
    }

    fn field_char(&mut self, kind: &str, at: usize) {
        match kind {
            "begin" => self.fields.push(Field::default()),
            "separate" => {
                let outer_visible = self.fields.len() <= 1 || self.fields[..self.fields.len() - 1].iter().all(|f| f.result);
                if let Some(f) = self.fields.last_mut() {
                    f.result = true;
                    if outer_visible && hyperlink_of(&f.instr).is_some() {
                        f.link_from = Some(at);
                    }
                }
            }
            _ => {}
        }
    }

    fn end_field(&mut self, out: &mut Vec<Inline>) {
        if let Some(f) = self.fields.pop() {
            if let Some(from) = f.link_from {
                wrap_link(out, from, &f.instr);
            }
        }
    }

    fn ruby(&mut self, x: &mut Xml<'_>, props: RunProps, out: &mut Vec<Inline>) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) if t.w("rubyBase") => {
                    let text = base_text(x)?;
                    push_text(out, text, fmt_of(props));
                }
                Ev::Open(_) => skip(x)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn read_rpr(&mut self, x: &mut Xml<'_>) -> Result<RunProps, DocxError> {
        let mut direct = RunProps::default();
        let mut style = None;
        let end = x.depth() - 1;
        while x.depth() > end {
            if let Ev::Open(t) = next(x)? {
                if t.w("rStyle") {
                    style = t.val().map(str::to_string);
                } else if !direct.read(&t) || t.w("rPrChange") {
                    skip(x)?;
                    continue;
                }
                skip(x)?;
            }
        }
        Ok(match style {
            Some(s) => direct.over(self.styles.chars(&s)),
            None => direct,
        })
    }

    pub fn warn(&mut self, line: usize, message: &str, hint: &str) {
        let p = Problem { line: Some(line), message: message.into(), hint: hint.into() };
        if !self.doc.warnings.contains(&p) {
            self.doc.warnings.push(p);
        }
    }
}

/// The paragraph properties the reader uses.
struct PPr {
    style: Option<String>,
    align: Option<Align>,
    num: Option<(String, Option<u8>)>,
    outline: Option<u8>,
    indented: bool,
}

fn read_ppr(x: &mut Xml<'_>) -> Result<PPr, DocxError> {
    let mut pr = PPr { style: None, align: None, num: None, outline: None, indented: false };
    let end = x.depth() - 1;
    while x.depth() > end {
        let Ev::Open(t) = next(x)? else { continue };
        match t.name.as_str() {
            "pStyle" => pr.style = t.val().map(str::to_string),
            "jc" => pr.align = t.val().and_then(align_of),
            "numId" => pr.num = Some((t.val().unwrap_or("").to_string(), pr.num.as_ref().and_then(|n| n.1))),
            "ilvl" => pr.num = Some((pr.num.take().map(|n| n.0).unwrap_or_default(), t.val().and_then(|v| v.parse().ok()))),
            "outlineLvl" => pr.outline = t.val().and_then(|v| v.parse().ok()),
            "ind" => {
                let twips = |k: &str| t.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                let chars = |k: &str| t.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                // A quarter of an A4 text line (~2 inches) or 10 characters.
                pr.indented = twips("left").max(twips("start")) >= 2800 || chars("leftChars").max(chars("startChars")) >= 1000;
            }
            // Old properties of a tracked change, the paragraph mark's run, section settings.
            "pPrChange" | "rPr" | "sectPr" => {
                skip(x)?;
                continue;
            }
            _ => {}
        }
    }
    Ok(pr)
}

fn fmt_of(p: RunProps) -> Fmt {
    Fmt {
        bold: p.bold == Some(true),
        italic: p.italic == Some(true),
        underline: p.underline == Some(true),
        strike: p.strike == Some(true),
        sup: p.vert == Some(1),
        sub: p.vert == Some(-1),
    }
}

fn note_size(p: &mut Para, props: RunProps) {
    p.size = p.size.max(props.size.unwrap_or(21));
    p.red |= props.red == Some(true);
}

/// Appends text, joining it to the last piece when the formatting is the same
/// (Word splits runs at every edit; the HTML should not).
pub(super) fn push_text(out: &mut Vec<Inline>, text: String, fmt: Fmt) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last, f)) = out.last_mut() {
        if *f == fmt {
            last.push_str(&text);
            return;
        }
    }
    out.push(Inline::Text(text, fmt));
}

/// The address of a `HYPERLINK "url" \l "anchor"` field instruction.
fn hyperlink_of(instr: &str) -> Option<String> {
    let rest = instr.trim_start().strip_prefix("HYPERLINK")?.trim_start();
    let mut parts = rest.split('"').filter(|s| !s.trim().is_empty());
    let first = parts.next()?.trim();
    if first.starts_with('\\') {
        // `\l "anchor"` only.
        return parts.next().map(|a| format!("#{a}"));
    }
    let anchor = rest.find("\\l").and_then(|i| rest[i + 2..].split('"').nth(1));
    Some(match anchor {
        Some(a) => format!("{first}#{a}"),
        None => first.to_string(),
    })
}

/// Wraps `inlines[from..]` in a link when `instr` is a HYPERLINK field.
fn wrap_link(inlines: &mut Vec<Inline>, from: usize, instr: &str) {
    let Some(href) = hyperlink_of(instr) else { return };
    if from >= inlines.len() {
        return;
    }
    let inner: Vec<Inline> = inlines.drain(from..).collect();
    inlines.push(Inline::Link { href, inlines: inner });
}

/// The text of an equation (`m:t`), as shown.
fn math_text(x: &mut Xml<'_>) -> Result<String, DocxError> {
    let end = x.depth() - 1;
    let mut out = String::new();
    while x.depth() > end {
        match next(x)? {
            Ev::Open(t) if t.is(Ns::M, "t") => out.push_str(&x.text().map_err(xml_err)?),
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The `w:t` text under a ruby base.
fn base_text(x: &mut Xml<'_>) -> Result<String, DocxError> {
    let end = x.depth() - 1;
    let mut out = String::new();
    while x.depth() > end {
        match next(x)? {
            Ev::Open(t) if t.w("t") => out.push_str(&x.text().map_err(xml_err)?),
            Ev::Open(t) if t.w("delText") || t.w("instrText") => skip(x)?,
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

pub(super) fn xml_err(e: XmlError) -> DocxError {
    match e {
        XmlError::TooDeep => DocxError::TooLarge(super::limits::Limit::Depth),
        XmlError::Syntax(s) => DocxError::Corrupt(s),
    }
}

pub(super) fn next(x: &mut Xml<'_>) -> Result<Ev, DocxError> {
    x.next().map_err(xml_err)
}

pub(super) fn skip(x: &mut Xml<'_>) -> Result<(), DocxError> {
    x.skip().map_err(xml_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_fields() {
        assert_eq!(hyperlink_of(r#" HYPERLINK "http://www.gov.cn/" "#).as_deref(), Some("http://www.gov.cn/"));
        assert_eq!(hyperlink_of(r#"HYPERLINK \l "_Toc1" "#).as_deref(), Some("#_Toc1"));
        assert_eq!(hyperlink_of(r#"HYPERLINK "a.pdf" \l "p2""#).as_deref(), Some("a.pdf#p2"));
        assert_eq!(hyperlink_of("PAGE"), None);
    }
}
