//! `word/styles.xml`: what each paragraph and character style means for the page —
//! heading level, the Title style, alignment, numbering, and the run properties
//! that matter (bold, italic, underline, hidden, size, colour) through `basedOn`.

use super::model::Align;
use super::xml::{Ev, Xml, XmlError};
use std::collections::HashMap;

/// Run properties as far as they are set (`None`: inherit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunProps {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underline: Option<bool>,
    pub strike: Option<bool>,
    pub vanish: Option<bool>,
    /// Half-points.
    pub size: Option<u32>,
    pub red: Option<bool>,
    /// `superscript` / `subscript`.
    pub vert: Option<i8>,
}

impl RunProps {
    /// `self` where set, else `base`.
    pub fn over(self, base: RunProps) -> RunProps {
        RunProps {
            bold: self.bold.or(base.bold),
            italic: self.italic.or(base.italic),
            underline: self.underline.or(base.underline),
            strike: self.strike.or(base.strike),
            vanish: self.vanish.or(base.vanish),
            size: self.size.or(base.size),
            red: self.red.or(base.red),
            vert: self.vert.or(base.vert),
        }
    }

    /// Reads one child of a `w:rPr`; false when it is not a run property this reader keeps.
    pub fn read(&mut self, tag: &super::xml::Tag) -> bool {
        match tag.name.as_str() {
            "b" => self.bold = Some(tag.on()),
            "i" => self.italic = Some(tag.on()),
            "u" => self.underline = Some(tag.on()),
            "strike" | "dstrike" => self.strike = Some(tag.on()),
            "vanish" | "specVanish" | "webHidden" => self.vanish = Some(tag.on()),
            "sz" => self.size = tag.val().and_then(|v| v.parse().ok()),
            "color" => self.red = tag.val().map(is_red),
            "vertAlign" => {
                self.vert = match tag.val() {
                    Some("superscript") => Some(1),
                    Some("subscript") => Some(-1),
                    _ => Some(0),
                }
            }
            _ => return false,
        }
        true
    }
}

/// A red of the kind 红头 use (`FF0000`, `C00000`, `E60000` …).
fn is_red(hex: &str) -> bool {
    let Ok(v) = u32::from_str_radix(hex, 16) else { return false };
    let (r, g, b) = ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
    r >= 0xB0 && g <= 0x40 && b <= 0x40
}

#[derive(Debug, Clone, Default)]
pub struct Style {
    pub name: String,
    pub based_on: Option<String>,
    pub align: Option<Align>,
    /// `w:outlineLvl` (0 = level 1).
    pub outline: Option<u8>,
    pub num: Option<(String, u8)>,
    pub run: RunProps,
}

#[derive(Debug, Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
    pub defaults: RunProps,
    pub default_para: Option<String>,
}

/// What a paragraph style resolves to.
#[derive(Debug, Clone, Default)]
pub struct ParaStyle {
    pub heading: Option<u8>,
    pub title: bool,
    pub toc: bool,
    pub align: Option<Align>,
    pub num: Option<(String, u8)>,
    pub run: RunProps,
}

pub fn align_of(v: &str) -> Option<Align> {
    Some(match v {
        "center" => Align::Center,
        "right" | "end" => Align::Right,
        "both" | "distribute" | "thaiDistribute" | "lowKashida" | "mediumKashida" | "highKashida" => Align::Justify,
        "left" | "start" => Align::Left,
        _ => return None,
    })
}

impl Styles {
    pub fn parse(text: &str) -> Result<Styles, XmlError> {
        let mut out = Styles::default();
        let mut x = Xml::new(text);
        loop {
            match x.next()? {
                Ev::Open(t) if t.w("style") => {
                    let id = t.get("styleId").unwrap_or("").to_string();
                    let is_default = t.get("default").is_some_and(|d| d == "1" || d == "true") && t.get("type") == Some("paragraph");
                    let style = read_style(&mut x)?;
                    if is_default {
                        out.default_para = Some(id.clone());
                    }
                    out.by_id.insert(id, style);
                }
                Ev::Open(t) if t.w("rPrDefault") => {
                    let st = read_style(&mut x)?;
                    out.defaults = st.run;
                }
                Ev::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    /// A paragraph style through its `basedOn` chain (`None`: the default paragraph style).
    pub fn para(&self, id: Option<&str>) -> ParaStyle {
        let mut out = ParaStyle::default();
        let mut cur = id.map(str::to_string).or_else(|| self.default_para.clone());
        let mut first = true;
        let mut seen = 0;
        while let Some(sid) = cur.take() {
            let Some(s) = self.by_id.get(&sid) else { break };
            seen += 1;
            if seen > 20 {
                break;
            }
            let name = s.name.to_lowercase();
            if first {
                out.title = name == "title" || name == "标题" || sid.eq_ignore_ascii_case("title");
                out.toc = name.starts_with("toc ") || name.starts_with("目录 ") || sid.to_lowercase().starts_with("toc");
            }
            if out.heading.is_none() {
                out.heading = heading_level(&name).or(s.outline.filter(|l| *l < 9).map(|l| l + 1));
            }
            out.align = out.align.or(s.align);
            out.num = out.num.clone().or_else(|| s.num.clone());
            out.run = out.run.over(s.run);
            first = false;
            cur = s.based_on.clone();
        }
        out.run = out.run.over(self.defaults);
        out
    }

    /// A character style's run properties through its chain.
    pub fn chars(&self, id: &str) -> RunProps {
        let mut run = RunProps::default();
        let mut cur = Some(id.to_string());
        for _ in 0..20 {
            let Some(s) = cur.take().and_then(|c| self.by_id.get(&c)) else { break };
            run = run.over(s.run);
            cur = s.based_on.clone();
        }
        run
    }
}

/// `heading 1` (Word's built-in names, also in Chinese Word), `标题 1` (WPS).
fn heading_level(name: &str) -> Option<u8> {
    let rest = name.strip_prefix("heading").or_else(|| name.strip_prefix("标题"))?;
    let n: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&n).then_some(n)
}

fn read_style(x: &mut Xml<'_>) -> Result<Style, XmlError> {
    let mut s = Style::default();
    let end = x.depth() - 1;
    let mut in_rpr = false;
    let mut rpr_depth = 0;
    while x.depth() > end {
        match x.next()? {
            Ev::Open(t) => {
                if in_rpr && x.depth() == rpr_depth + 1 {
                    if t.name == "rPrChange" {
                        x.skip()?;
                    } else {
                        s.run.read(&t);
                    }
                    continue;
                }
                match t.name.as_str() {
                    "name" => s.name = t.val().unwrap_or("").to_string(),
                    "basedOn" => s.based_on = t.val().map(str::to_string),
                    "jc" => s.align = t.val().and_then(align_of),
                    "outlineLvl" => s.outline = t.val().and_then(|v| v.parse().ok()),
                    "numId" => s.num = Some((t.val().unwrap_or("").to_string(), s.num.as_ref().map_or(0, |n| n.1))),
                    "ilvl" => {
                        let lvl = t.val().and_then(|v| v.parse().ok()).unwrap_or(0);
                        s.num = Some((s.num.take().map(|n| n.0).unwrap_or_default(), lvl));
                    }
                    "rPr" => {
                        in_rpr = true;
                        rpr_depth = x.depth();
                    }
                    // Revision records hold the old properties: not these.
                    "rPrChange" | "pPrChange" => x.skip()?,
                    _ => {}
                }
            }
            Ev::Close => {
                if in_rpr && x.depth() < rpr_depth {
                    in_rpr = false;
                }
            }
            Ev::Eof => break,
            Ev::Text(_) => {}
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn headings_titles_and_inherited_properties() {
        let xml = format!(
            r#"<w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32"/></w:rPr></w:rPrDefault></w:docDefaults>
            <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
            <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="my"><w:name w:val="我的标题"/><w:basedOn w:val="1"/><w:rPr><w:sz w:val="44"/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="t"><w:name w:val="Title"/><w:rPr><w:color w:val="FF0000"/><w:vanish/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="o"><w:name w:val="提纲"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>"#
        );
        let s = Styles::parse(&xml).unwrap();
        let my = s.para(Some("my"));
        assert_eq!((my.heading, my.align, my.run.bold, my.run.size), (Some(1), Some(Align::Center), Some(true), Some(44)));
        let t = s.para(Some("t"));
        assert!(t.title && t.run.red == Some(true) && t.run.vanish == Some(true));
        assert_eq!(s.para(Some("o")).heading, Some(2));
        assert_eq!(s.para(None).run.size, Some(32));
        assert_eq!(s.para(None).heading, None);
    }

    #[test]
    fn reds() {
        assert!(is_red("FF0000") && is_red("C00000") && !is_red("000000") && !is_red("auto") && !is_red("FF6600"));
    }
}
