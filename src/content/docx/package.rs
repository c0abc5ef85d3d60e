//! The `.docx` package: a zip of XML parts tied together by relationships. Parts
//! are read by name with the real decompressed bytes capped (`limits`), never by
//! what an entry's header claims. What kind of file the bytes really are is
//! decided here too (an old `.doc` or RTF renamed `.docx` needs conversion).

use super::error::DocxError;
use super::limits::{self, Budget, Limit};
use std::collections::HashMap;
use std::io::{Cursor, Read};

const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What a file's bytes are, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A zip: Word 2007+ (or an OpenDocument text, which LibreOffice converts).
    Zip,
    /// An OLE compound file: Word 97–2003, WPS, or an encrypted `.docx`.
    Ole {
        encrypted: bool,
    },
    Rtf,
    /// A web page or MHT saved with a `.doc` name ("Word 网页").
    Html,
    Unknown,
}

pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"PK\x03\x04") {
        return Sniffed::Zip;
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Sniffed::Ole { encrypted: contains_utf16(bytes, "EncryptedPackage") };
    }
    let head: Vec<u8> = bytes.iter().take(512).copied().filter(|b| !b.is_ascii_whitespace()).map(|b| b.to_ascii_lowercase()).collect();
    let head = head.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&head);
    if head.starts_with(b"{\\rtf") {
        Sniffed::Rtf
    } else if head.starts_with(b"<html") || head.starts_with(b"<!doctype") || head.starts_with(b"mime-version") || head.windows(5).any(|w| w == b"<html") {
        Sniffed::Html
    } else {
        Sniffed::Unknown
    }
}

fn contains_utf16(bytes: &[u8], s: &str) -> bool {
    let needle: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// An opened package: the zip and the budget every read counts against.
pub struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    pub budget: Budget,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, DocxError> {
        if bytes.len() as u64 > limits::MAX_FILE_BYTES {
            return Err(Limit::FileBytes.into());
        }
        match declared_entries(bytes) {
            Some(n) if n > limits::MAX_ENTRIES => return Err(Limit::Entries.into()),
            Some(_) => {}
            None => return Err(DocxError::Corrupt("找不到 zip 目录".into())),
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocxError::Corrupt(format!("zip：{e}")))?;
        if zip.len() > limits::MAX_ENTRIES {
            return Err(Limit::Entries.into());
        }
        Ok(Package { zip, budget: Budget::default() })
    }

    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// An XML part as text, or `None` when the package has no such part.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, DocxError> {
        let Some(bytes) = self.bytes(name, limits::MAX_PART_BYTES, Limit::PartBytes)? else { return Ok(None) };
        self.budget.take_bytes(bytes.len() as u64)?;
        Ok(Some(xml_text(bytes).map_err(|_| DocxError::Corrupt(format!("{name} 的编码无效")))?))
    }

    /// A part's bytes, at most `cap` of them really decompressed.
    pub fn bytes(&mut self, name: &str, cap: u64, limit: Limit) -> Result<Option<Vec<u8>>, DocxError> {
        let Some(i) = self.zip.index_for_name(name) else { return Ok(None) };
        let file = self.zip.by_index(i).map_err(|e| DocxError::Corrupt(format!("{name}：{e}")))?;
        if file.encrypted() {
            return Err(DocxError::Encrypted);
        }
        let mut out = Vec::with_capacity(file.size().min(cap) as usize);
        file.take(cap + 1).read_to_end(&mut out).map_err(|e| DocxError::Corrupt(format!("{name}：{e}")))?;
        if out.len() as u64 > cap {
            return Err(limit.into());
        }
        Ok(Some(out))
    }

    /// The first bytes of a part (enough to tell an image's type) and its CRC.
    pub fn head(&mut self, name: &str, n: usize) -> Option<(Vec<u8>, u32, u64)> {
        let i = self.zip.index_for_name(name)?;
        let file = self.zip.by_index(i).ok()?;
        let (crc, size) = (file.crc32(), file.size());
        let mut out = Vec::with_capacity(n);
        file.take(n as u64).read_to_end(&mut out).ok()?;
        Some((out, crc, size))
    }
}

/// The entry count of the zip's end-of-central-directory record (read before the
/// zip crate parses the whole directory). `None`: not found. ZIP64 counts as too many.
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    let from = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[from..];
    let at = (0..tail.len().saturating_sub(21)).rev().find(|&i| tail[i..].starts_with(b"PK\x05\x06"))?;
    let n = u16::from_le_bytes([tail[at + 10], tail[at + 11]]);
    Some(if n == 0xFFFF { usize::MAX } else { n as usize })
}

/// UTF-8 (with or without BOM) or UTF-16 XML as a string.
fn xml_text(bytes: Vec<u8>) -> Result<String, ()> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = if bytes[0] == 0xFF { encoding_rs::UTF_16LE.decode(&bytes) } else { encoding_rs::UTF_16BE.decode(&bytes) };
        return if bad { Err(()) } else { Ok(text.trim_start_matches('\u{feff}').to_string()) };
    }
    let mut s = String::from_utf8(bytes).map_err(|_| ())?;
    if s.starts_with('\u{feff}') {
        s.drain(..3);
    }
    Ok(s)
}

/// One part's relationships: id → (type, target part or external address).
#[derive(Debug, Default)]
pub struct Rels {
    pub by_id: HashMap<String, Rel>,
}

#[derive(Debug, Clone)]
pub struct Rel {
    pub kind: String,
    /// A part name (`word/media/image1.png`) or, when external, the address as written.
    pub target: String,
    pub external: bool,
}

impl Rels {
    /// The relationships of part `part` (`word/document.xml` → `word/_rels/document.xml.rels`).
    pub fn of(pkg: &mut Package<'_>, part: &str) -> Result<Rels, DocxError> {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels_name = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let Some(text) = pkg.text(&rels_name)? else { return Ok(Rels::default()) };
        let mut rels = Rels::default();
        for tag in super::xml::flat_tags(&text, "Relationship").map_err(|e| DocxError::Corrupt(format!("{rels_name}：{e}")))? {
            let (Some(id), Some(target)) = (tag.get("Id"), tag.get("Target")) else { continue };
            let external = tag.get("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
            let target = if external { target.to_string() } else { resolve_part(dir, target) };
            rels.by_id.insert(id.to_string(), Rel { kind: tag.get("Type").unwrap_or("").to_string(), target, external });
        }
        Ok(rels)
    }

    /// The target part of the first relationship whose type ends with `/suffix`.
    pub fn part_of_kind(&self, suffix: &str) -> Option<&str> {
        let mut found: Vec<&Rel> = self.by_id.values().filter(|r| !r.external && r.kind.rsplit('/').next() == Some(suffix)).collect();
        found.sort_by(|a, b| a.target.cmp(&b.target));
        found.first().map(|r| r.target.as_str())
    }
}

/// A relationship target relative to `dir` (or absolute, `/word/x.xml`) as a part name.
fn resolve_part(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None if dir.is_empty() => target.to_string(),
        None => format!("{dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_what_the_bytes_are() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(sniff(b"{\\rtf1\\ansi hello}"), Sniffed::Rtf);
        assert_eq!(sniff(b"\xef\xbb\xbf<html><body>x</body></html>"), Sniffed::Html);
        assert_eq!(sniff(b"MIME-Version: 1.0\r\n"), Sniffed::Html);
        let mut ole = CFB_MAGIC.to_vec();
        ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&ole), Sniffed::Ole { encrypted: true });
        assert_eq!(sniff(CFB_MAGIC), Sniffed::Ole { encrypted: false });
        assert_eq!(sniff(b"hello"), Sniffed::Unknown);
    }

    #[test]
    fn part_names_resolve() {
        assert_eq!(resolve_part("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve_part("word", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve_part("word", "/word/styles.xml"), "word/styles.xml");
        assert_eq!(resolve_part("", "word/document.xml"), "word/document.xml");
    }

    #[test]
    fn not_a_zip_is_corrupt() {
        assert!(matches!(Package::open(b"PK\x03\x04 truncated").err(), Some(DocxError::Corrupt(_))));
    }
}
