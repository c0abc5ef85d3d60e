//! Zip files (.xlsx, .ods; the Word reader's .docx too): every entry decompressed
//! once, counting the bytes that really come out (a header that says 1 KB while a
//! gigabyte follows is caught here, not in a reader); the shared-strings table's
//! size before a reader reserves room for it; an .ods sheet's extent (cells
//! repeated across columns and rows) before a reader expands it. Pure.

use super::{check_area, check_cell, Limit, MAX_ARCHIVE_BYTES, MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_SHARED_STRINGS};
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// Why a zip was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipProblem {
    TooBig(Limit),
    /// Not a readable zip (the reason, for the message).
    Unreadable(String),
}

impl From<Limit> for ZipProblem {
    fn from(l: Limit) -> Self {
        ZipProblem::TooBig(l)
    }
}

fn open(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, ZipProblem> {
    let z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipProblem::Unreadable(e.to_string()))?;
    if z.len() > MAX_ENTRIES {
        return Err(Limit::Entries(z.len()).into());
    }
    Ok(z)
}

/// Decompresses every entry, counting real bytes against the limits.
pub fn check_zip(bytes: &[u8]) -> Result<(), ZipProblem> {
    let mut z = open(bytes)?;
    let mut total = 0u64;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| ZipProblem::Unreadable(e.to_string()))?;
        let name = f.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("#{i}"));
        let n = std::io::copy(&mut (&mut f).take(MAX_ENTRY_BYTES + 1), &mut std::io::sink()).map_err(|e| ZipProblem::Unreadable(format!("{name}：{e}")))?;
        if n > MAX_ENTRY_BYTES {
            return Err(Limit::Entry(name).into());
        }
        total += n;
        if total > MAX_ARCHIVE_BYTES {
            return Err(Limit::Archive.into());
        }
    }
    Ok(())
}

/// Streams the entries whose name `matches` through `each` (events of a bounded reader).
fn scan_entries(
    bytes: &[u8],
    matches: impl Fn(&str) -> bool,
    mut each: impl FnMut(&mut quick_xml::Reader<BufReader<&mut dyn Read>>) -> Result<(), ZipProblem>,
) -> Result<(), ZipProblem> {
    let mut z = open(bytes)?;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| ZipProblem::Unreadable(e.to_string()))?;
        if !f.name().is_ok_and(|n| matches(&n.to_ascii_lowercase())) {
            continue;
        }
        let mut limited = (&mut f).take(MAX_ENTRY_BYTES);
        let mut reader = quick_xml::Reader::from_reader(BufReader::new(&mut limited as &mut dyn Read));
        each(&mut reader)?;
    }
    Ok(())
}

fn number_attr(e: &BytesStart, name: &str) -> Option<u64> {
    let a = e.try_get_attribute(name).ok()??;
    a.value.trim().parse().ok()
}

fn xml_error(e: quick_xml::Error) -> ZipProblem {
    ZipProblem::Unreadable(e.to_string())
}

/// A workbook's shared-strings tables: the counts they declare (which a reader
/// reserves room for) and the strings they hold, against `MAX_SHARED_STRINGS`.
pub fn check_shared_strings(bytes: &[u8]) -> Result<(), ZipProblem> {
    scan_entries(
        bytes,
        |n| n.ends_with("sharedstrings.xml"),
        |reader| {
            let mut buf = Vec::new();
            let mut strings = 0u64;
            loop {
                match reader.read_event_into(&mut buf).map_err(xml_error)? {
                    Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                        for key in ["uniqueCount", "count"] {
                            if let Some(n) = number_attr(&e, key).filter(|&n| n > MAX_SHARED_STRINGS) {
                                return Err(Limit::SharedStrings(n).into());
                            }
                        }
                    }
                    Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "si" => {
                        strings += 1;
                        if strings > MAX_SHARED_STRINGS {
                            return Err(Limit::SharedStrings(strings).into());
                        }
                    }
                    Event::Eof => return Ok(()),
                    _ => {}
                }
                buf.clear();
            }
        },
    )
}

/// An .ods file's sheets: the used area of each (cells with a value or formula,
/// with their column and row repeats) against the row, column and cell limits.
pub fn check_ods_extent(bytes: &[u8]) -> Result<(), ZipProblem> {
    scan_entries(
        bytes,
        |n| n == "content.xml",
        |reader| {
            let mut buf = Vec::new();
            // Per sheet: the next row's index, the used area's end (exclusive).
            let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
            let (mut rows_used, mut cols_used, mut row_has_value) = (0u64, 0u64, false);
            let far = |r: u64, c: u64| check_cell(r.min(u32::MAX as u64) as u32, c.min(u32::MAX as u64) as u32);
            loop {
                let event = reader.read_event_into(&mut buf).map_err(xml_error)?;
                match event {
                    Event::Start(e) if e.name().as_ref() == "table:table" => (row, rows_used, cols_used) = (0, 0, 0),
                    Event::End(e) if e.name().as_ref() == "table:table" && rows_used > 0 && cols_used > 0 => {
                        check_area((0, 0), ((rows_used - 1).min(u32::MAX as u64) as u32, (cols_used - 1).min(u32::MAX as u64) as u32))?;
                    }
                    Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                        row_repeat = number_attr(&e, "table:number-rows-repeated").unwrap_or(1).max(1);
                        (col, row_has_value) = (0, false);
                    }
                    Event::End(e) if e.name().as_ref() == "table:table-row" => {
                        if row_has_value {
                            rows_used = row + row_repeat;
                            far(rows_used - 1, 0)?;
                        }
                        row += row_repeat;
                    }
                    Event::Start(ref e) | Event::Empty(ref e) if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") => {
                        let repeat = number_attr(e, "table:number-columns-repeated").unwrap_or(1).max(1);
                        let has_value = matches!(event, Event::Start(_))
                            || e.try_get_attribute("office:value-type").ok().flatten().is_some()
                            || e.try_get_attribute("table:formula").ok().flatten().is_some();
                        if has_value {
                            cols_used = cols_used.max(col + repeat);
                            row_has_value = true;
                            far(row, col + repeat - 1)?;
                        }
                        col += repeat;
                    }
                    Event::Eof => return Ok(()),
                    _ => {}
                }
                buf.clear();
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn real_bytes_are_counted() {
        let small = zip_of(&[("a.xml", b"<a/>")]);
        assert_eq!(check_zip(&small), Ok(()));
        let bomb = zip_of(&[("xl/worksheets/sheet1.xml", &vec![b'0'; (MAX_ENTRY_BYTES + 10) as usize])]);
        assert!(bomb.len() < 100_000, "deflate squeezes it: {}", bomb.len());
        assert_eq!(check_zip(&bomb), Err(ZipProblem::TooBig(Limit::Entry("xl/worksheets/sheet1.xml".into()))));
        assert!(matches!(check_zip(b"PK\x03\x04 not really"), Err(ZipProblem::Unreadable(_))));
    }

    #[test]
    fn office_files_pass() {
        let ods = include_bytes!("../../../tests/fixtures/office/台账.ods");
        let xlsx = include_bytes!("../../../tests/fixtures/office/台账.xlsx");
        assert_eq!((check_zip(ods), check_ods_extent(ods)), (Ok(()), Ok(())));
        assert_eq!((check_zip(xlsx), check_shared_strings(xlsx)), (Ok(()), Ok(())));
    }

    #[test]
    fn shared_strings_and_ods_extents() {
        let lying = zip_of(&[("xl/sharedStrings.xml", b"<sst uniqueCount=\"4000000000\" count=\"1\"><si><t>a</t></si></sst>")]);
        assert_eq!(check_shared_strings(&lying), Err(ZipProblem::TooBig(Limit::SharedStrings(4_000_000_000))));
        let fine = zip_of(&[("xl/sharedStrings.xml", b"<sst uniqueCount=\"1\"><si><t>a</t></si></sst>")]);
        assert_eq!(check_shared_strings(&fine), Ok(()));
        let row = |attrs: &str, cells: &str| format!("<table:table-row {attrs}>{cells}</table:table-row>");
        let sheet = |rows: String| {
            zip_of(&[("content.xml", format!("<office:document-content><table:table>{rows}</table:table></office:document-content>").as_bytes())])
        };
        let value = "<table:table-cell office:value-type=\"float\"><text:p>1</text:p></table:table-cell>";
        let trailing = row("table:number-rows-repeated=\"1048575\"", "<table:table-cell table:number-columns-repeated=\"16384\"/>");
        assert_eq!(check_ods_extent(&sheet(format!("{}{trailing}", row("", value)))), Ok(()), "LibreOffice's empty repeats are fine");
        let wide = "<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\"><text:p>1</text:p></table:table-cell>";
        assert_eq!(check_ods_extent(&sheet(row("", wide))), Err(ZipProblem::TooBig(Limit::FarCell(1, 16384))));
        let tall = row("table:number-rows-repeated=\"1048576\"", value);
        assert_eq!(check_ods_extent(&sheet(tall)), Err(ZipProblem::TooBig(Limit::FarCell(1048576, 1))));
        let block = "<table:table-cell table:number-columns-repeated=\"999\" office:value-type=\"float\"><text:p>1</text:p></table:table-cell>";
        assert_eq!(check_ods_extent(&sheet(row("table:number-rows-repeated=\"5000\"", block))), Err(ZipProblem::TooBig(Limit::Area(5000, 999))));
    }
}
