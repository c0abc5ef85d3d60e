//! Word documents (`.docx`) → a page: the visible content only, as a document
//! model (`model`), its 公文 layout (`layout`: title, 红头, 文号, 落款, numbering
//! conventions), the front matter it implies (`meta`) and safe HTML (`html`).
//! Pure: bytes in, never a file, a process or the clock. Bounded (`limits`).
//!
//! Never read: comments, headers and footers, document properties (except the
//! creation date), custom XML, embedded objects, the glossary. Skipped while
//! reading: tracked deletions, hidden text, field instructions.

mod body;
pub mod dates;
mod drawing;
pub mod error;
pub mod html;
pub mod layout;
pub mod limits;
pub mod media;
pub mod meta;
pub mod model;
mod numbering;
pub mod package;
mod styles;
mod tables;
mod xml;

pub use error::DocxError;
pub use model::Document;

use body::{next, Ctx, Parser};
use package::{Package, Rels};
use xml::{Ev, Xml};

/// The extensions read as Word pages, lower case. Only `.docx` is read directly;
/// the others go through LibreOffice first.
pub const EXTENSIONS: [&str; 5] = ["docx", "doc", "wps", "odt", "rtf"];

/// The Word extension of a file name (lower case), if it is one.
pub fn extension_of(name: &str) -> Option<&'static str> {
    let (_, ext) = name.rsplit_once('.')?;
    EXTENSIONS.iter().copied().find(|e| ext.eq_ignore_ascii_case(e))
}

/// Reads a `.docx` package.
pub fn read(bytes: &[u8]) -> Result<Document, DocxError> {
    match package::sniff(bytes) {
        package::Sniffed::Zip => {}
        package::Sniffed::Ole { encrypted: true } => return Err(DocxError::Encrypted),
        package::Sniffed::Ole { encrypted: false } => return Err(DocxError::NeedsConversion("旧版 Word（.doc）或 WPS 文档")),
        package::Sniffed::Rtf => return Err(DocxError::NeedsConversion("RTF 文档")),
        package::Sniffed::Html => return Err(DocxError::NeedsConversion("网页（“Word 网页”格式）")),
        package::Sniffed::Unknown => return Err(DocxError::Corrupt("不是 zip 格式".into())),
    }
    let mut pkg = Package::open(bytes)?;
    let root = Rels::of(&mut pkg, "")?;
    let main = root.part_of_kind("officeDocument").map(str::to_string).unwrap_or_else(|| "word/document.xml".into());
    if pkg.has("content.xml") && !pkg.has(&main) {
        return Err(DocxError::NeedsConversion("OpenDocument 文本（.odt）"));
    }
    let Some(text) = pkg.text(&main)? else { return Err(DocxError::Corrupt("缺少正文部分 word/document.xml".into())) };
    let rels = Rels::of(&mut pkg, &main)?;
    let styles = match rels.part_of_kind("styles").map(str::to_string) {
        Some(p) => pkg.text(&p)?.map(|t| styles::Styles::parse(&t)).transpose().map_err(body::xml_err)?.unwrap_or_default(),
        None => styles::Styles::default(),
    };
    let mut numbering = match rels.part_of_kind("numbering").map(str::to_string) {
        Some(p) => pkg.text(&p)?.map(|t| numbering::Numbering::parse(&t)).transpose().map_err(body::xml_err)?.unwrap_or_default(),
        None => numbering::Numbering::default(),
    };
    let notes_parts = [rels.part_of_kind("footnotes").map(str::to_string), rels.part_of_kind("endnotes").map(str::to_string)];
    let created = created_date(&mut pkg, &root)?;

    let mut doc = Document { created, ..Document::default() };
    let note_refs = {
        let mut p = Parser::new(&mut pkg, &styles, &mut numbering, &rels, &mut doc);
        let mut x = Xml::new(&text);
        let mut blocks = Vec::new();
        loop {
            match next(&mut x)? {
                Ev::Open(t) if t.w("body") => {
                    p.blocks(&mut x, &mut blocks)?;
                    break;
                }
                Ev::Eof => return Err(DocxError::Corrupt("正文部分 word/document.xml 没有 w:body".into())),
                _ => {}
            }
        }
        p.doc.blocks = blocks;
        std::mem::take(&mut p.note_refs)
    };
    read_notes(&mut pkg, &styles, &mut numbering, &mut doc, &notes_parts, note_refs)?;
    doc.found = layout::apply(&mut doc);
    Ok(doc)
}

/// The footnotes and endnotes the text refers to, numbered in reference order.
fn read_notes(
    pkg: &mut Package<'_>,
    styles: &styles::Styles,
    numbering: &mut numbering::Numbering,
    doc: &mut Document,
    parts: &[Option<String>; 2],
    refs: std::collections::HashMap<(bool, String), usize>,
) -> Result<(), DocxError> {
    doc.notes = (0..refs.len()).map(|i| model::Note { number: i + 1, blocks: Vec::new() }).collect();
    for (endnote, part) in parts.iter().enumerate() {
        let Some(part) = part else { continue };
        let Some(text) = pkg.text(part)? else { continue };
        let rels = Rels::of(pkg, part)?;
        let mut p = Parser::new(pkg, styles, numbering, &rels, doc);
        let mut x = Xml::new(&text);
        loop {
            match next(&mut x)? {
                Ev::Open(t) if t.w("footnote") || t.w("endnote") => {
                    let key = (endnote == 1, t.get("id").unwrap_or("").to_string());
                    match refs.get(&key) {
                        Some(&i) => {
                            p.ctx.push(Ctx::Note(i + 1));
                            let mut blocks = Vec::new();
                            p.blocks(&mut x, &mut blocks)?;
                            p.ctx.pop();
                            p.doc.notes[i].blocks = blocks;
                        }
                        // Separators, and notes whose reference was deleted or hidden.
                        None => body::skip(&mut x)?,
                    }
                }
                Ev::Eof => break,
                _ => {}
            }
        }
    }
    Ok(())
}

/// `dcterms:created` from `docProps/core.xml`: a date, nothing else of the properties.
fn created_date(pkg: &mut Package<'_>, root: &Rels) -> Result<Option<chrono::NaiveDate>, DocxError> {
    let part = root.part_of_kind("core-properties").map(str::to_string).unwrap_or_else(|| "docProps/core.xml".into());
    let Some(text) = pkg.text(&part)? else { return Ok(None) };
    let created = xml::first_text(&text, "created").ok().flatten();
    Ok(created.and_then(|c| chrono::NaiveDate::parse_from_str(c.trim().get(..10)?, "%Y-%m-%d").ok()))
}

/// The images of `media` taken out of the package `bytes` (the file read again
/// when the page is written), metadata removed. An image that is no longer the
/// one read (the file was replaced meanwhile) is an error.
pub fn images(bytes: &[u8], media: &[model::Media]) -> Result<Vec<Vec<u8>>, DocxError> {
    let mut pkg = Package::open(bytes)?;
    let mut out = Vec::with_capacity(media.len());
    for m in media {
        let changed = || DocxError::Corrupt("文件在生成网站的过程中被替换了，请重新生成".into());
        let (_, crc, _) = pkg.head(&m.part, 0).ok_or_else(changed)?;
        if crc != m.crc32 {
            return Err(changed());
        }
        let data = pkg.bytes(&m.part, limits::MAX_IMAGE_BYTES, limits::Limit::ImageBytes)?.ok_or_else(changed)?;
        let kind = media::ImageKind::sniff(&data);
        if kind.extension().is_none() {
            return Err(changed());
        }
        out.push(media::strip_metadata(kind, &data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn rezip(original: &[u8], part: &str, replaced: &[u8]) -> Vec<u8> {
        let mut src = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..src.len() {
            let mut f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut data).unwrap();
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(if name == part { replaced } else { &data }).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn every_truncation_of_a_real_document_is_read_or_refused_never_a_panic_or_hang() {
        let original = include_bytes!("../../../tests/fixtures/word/红头通知-libreoffice.docx");
        let doc = read(original).expect("the fixture reads");
        assert!(doc.found.doc_number.is_some() && !doc.media.is_empty() && !doc.notes.is_empty());
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&original[..])).unwrap();
        let mut xml = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        let step = (xml.len() / 100).max(1);
        for cut in (0..xml.len()).step_by(step) {
            let r = read(&rezip(original, "word/document.xml", &xml[..cut]));
            assert!(r.is_err(), "a document cut at byte {cut} of {} is broken", xml.len());
        }
        for cut in (0..original.len()).step_by(original.len() / 60) {
            let _ = read(&original[..cut]);
        }
    }
}
