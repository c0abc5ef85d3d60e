//! A small Word (.docx, OOXML) writer: paragraphs in a few 公文-like styles (title in
//! 小标宋, headings in 黑体 and 楷体, body in 仿宋 三号 with a two-character indent,
//! 落款 right-aligned, A4 with 公文 margins), written with the `zip` crate already in
//! the tree. Deterministic: the same document and day give the same bytes.

use super::draft::{Block, Draft, Run};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Title,
    Heading1,
    Heading2,
    Body,
    /// No first-line indent (the addressee).
    Plain,
    Signature,
    Note,
}

impl Style {
    fn id(self) -> &'static str {
        match self {
            Style::Title => "Title",
            Style::Heading1 => "Heading1",
            Style::Heading2 => "Heading2",
            Style::Body => "Normal",
            Style::Plain => "Plain",
            Style::Signature => "Signature",
            Style::Note => "Note",
        }
    }
}

/// A run of text; `sup` for a note mark.
pub struct Span {
    pub text: String,
    pub sup: bool,
}

pub struct Paragraph {
    pub style: Style,
    pub spans: Vec<Span>,
}

impl Paragraph {
    pub fn plain(style: Style, text: &str) -> Paragraph {
        Paragraph { style, spans: vec![Span { text: text.to_string(), sup: false }] }
    }
}

/// Text as XML character data: escaped, line breaks as spaces, characters XML forbids dropped.
fn xml(s: &str) -> String {
    let allowed = |c: &char| !((*c as u32) < 0x20 || *c == '\u{fffe}' || *c == '\u{ffff}');
    let plain: String = s.chars().map(|c| if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).filter(allowed).collect();
    crate::content::sanitize::escape_attr(&plain)
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Plain"><w:name w:val="Plain"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:before="240" w:after="240" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0" w:right="640"/><w:jc w:val="right"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="400" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
</w:styles>
"#;

fn document_xml(paras: &[Paragraph]) -> String {
    let mut body = String::new();
    for p in paras {
        let _ = write!(body, "<w:p><w:pPr><w:pStyle w:val=\"{}\"/></w:pPr>", p.style.id());
        for s in &p.spans {
            let props = if s.sup { "<w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr>" } else { "" };
            let _ = write!(body, "<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>", xml(&s.text));
        }
        body.push_str("</w:p>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>\n"
    )
}

/// A .docx of `paras`, titled `title`, dated `day`.
pub fn document(title: &str, paras: &[Paragraph], day: NaiveDate) -> Result<Vec<u8>, String> {
    let err = |e: &dyn std::fmt::Display| format!("生成 Word 文件失败：{e}");
    let date = day.format("%Y-%m-%dT00:00:00Z");
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>dwgk</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>\n",
        xml(title)
    );
    let parts: [(&str, String); 7] = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>\n".into(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>\n".into(),
        ),
        (
            "word/_rels/document.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>\n".into(),
        ),
        ("word/document.xml", document_xml(paras)),
        ("word/styles.xml", STYLES.into()),
        ("docProps/core.xml", core),
        (
            "docProps/app.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>dwgk</Application></Properties>\n".into(),
        ),
    ];
    let stamp = zip::DateTime::from_date_and_time(day.year().clamp(1980, 2107) as u16, day.month() as u8, day.day() as u8, 0, 0, 0).map_err(|e| err(&e))?;
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).last_modified_time(stamp);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        w.start_file(name, options).map_err(|e| err(&e))?;
        w.write_all(text.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(w.finish().map_err(|e| err(&e))?.into_inner())
}

fn spans(runs: &[Run]) -> Vec<Span> {
    runs.iter().map(|r| Span { text: r.text.clone(), sup: r.note.is_some() }).collect()
}

/// The 情况报告 draft as Word: title, addressee, headings, paragraphs, 落款, appendix.
pub fn draft(d: &Draft, day: NaiveDate) -> Result<Vec<u8>, String> {
    let mut paras = vec![Paragraph { style: Style::Title, spans: spans(&d.title) }];
    if let Some(a) = &d.addressee {
        paras.push(Paragraph::plain(Style::Plain, a));
    }
    for b in &d.blocks {
        paras.push(match b {
            Block::Heading { level: 1, text } => Paragraph::plain(Style::Heading1, text),
            Block::Heading { text, .. } => Paragraph::plain(Style::Heading2, text),
            Block::Para { runs } => Paragraph { style: Style::Body, spans: spans(runs) },
        });
    }
    paras.extend(d.signature.iter().map(|line| Paragraph { style: Style::Signature, spans: spans(line) }));
    paras.push(Paragraph::plain(Style::Plain, "附：统计依据"));
    paras.extend(d.notes.iter().map(|n| Paragraph::plain(Style::Note, &n.text())));
    document(&d.title_text(), &paras, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_a_zip_with_escaped_text_and_fixed_dates() {
        let day = NaiveDate::from_ymd_opt(2024, 11, 20).unwrap();
        let paras = [Paragraph::plain(Style::Title, "A & B <c>"), Paragraph::plain(Style::Body, "召开3次\u{1}")];
        let bytes = document("标题", &paras, day).unwrap();
        assert_eq!(bytes, document("标题", &paras, day).unwrap(), "deterministic");
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut doc = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
        assert!(doc.contains("A &amp; B &lt;c&gt;") && doc.contains(">召开3次<"), "{doc}");
        assert!(z.by_name("[Content_Types].xml").is_ok() && z.by_name("word/styles.xml").is_ok());
    }
}
