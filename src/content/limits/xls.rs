//! An .xls workbook's extent before a reader builds it: the reader (calamine) turns
//! every sheet into a dense grid as it opens the file and reserves room for the
//! area a sheet's DIMENSIONS record declares, so a 1 KB file declaring 65,536 rows
//! × 256 columns, or holding one value at IV65536, costs hundreds of megabytes.
//! Here the compound file (CFB) is followed to its Workbook stream and each sheet's
//! BIFF records are scanned: the declared area and the cells with values are held
//! to the limits. Every read is bounded by the file's own bytes. Pure.

use super::{check_area, Limit};

/// A sheet's used area so far: its first and last 0-based (row, column).
type Area = Option<((u32, u32), (u32, u32))>;

/// Why the scan stopped: too big, or not a workbook it can follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XlsProblem {
    TooBig(Limit),
    Unreadable(&'static str),
}

impl From<Limit> for XlsProblem {
    fn from(l: Limit) -> Self {
        XlsProblem::TooBig(l)
    }
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

impl Cfb<'_> {
    fn sector(&self, id: u32) -> Option<&[u8]> {
        let size = 1usize << self.shift;
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        self.bytes.get(start..start.checked_add(size)?.min(self.bytes.len()))
    }

    /// The sectors of a chain, in order; a loop or a chain longer than the file is an error.
    fn chain(&self, table: &[u32], start: u32) -> Result<Vec<u32>, XlsProblem> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN && id != FREE {
            if out.len() > table.len() {
                return Err(XlsProblem::Unreadable("扇区链形成了循环"));
            }
            out.push(id);
            id = *table.get(id as usize).ok_or(XlsProblem::Unreadable("扇区编号超出文件"))?;
        }
        Ok(out)
    }

    fn read_chain(&self, start: u32, len: usize) -> Result<Vec<u8>, XlsProblem> {
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        for id in self.chain(&self.fat, start)? {
            out.extend_from_slice(self.sector(id).ok_or(XlsProblem::Unreadable("扇区超出文件"))?);
            if out.len() >= len {
                break;
            }
        }
        out.truncate(len);
        Ok(out)
    }
}

/// The Workbook (or BIFF5 Book) stream of a compound file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, XlsProblem> {
    let bad = XlsProblem::Unreadable("不是有效的 Excel 97–2003 文件");
    let shift = u32::from(u16_at(bytes, 0x1E).ok_or(bad.clone())?);
    if !(7..=16).contains(&shift) {
        return Err(bad);
    }
    let mut cfb = Cfb { bytes, shift, fat: Vec::new() };
    // The FAT's sectors: 109 listed in the header, the rest in a chain of DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 0x4C + 4 * i)).filter(|&s| s != FREE).collect();
    let per_sector = (1usize << shift) / 4;
    let mut difat = u32_at(bytes, 0x44).unwrap_or(END_OF_CHAIN);
    let mut seen = 0;
    while difat != END_OF_CHAIN && difat != FREE {
        seen += 1;
        let s = cfb.sector(difat).ok_or(bad.clone())?;
        if seen > bytes.len() >> shift {
            return Err(XlsProblem::Unreadable("扇区链形成了循环"));
        }
        fat_sectors.extend((0..per_sector - 1).filter_map(|i| u32_at(s, 4 * i)).filter(|&s| s != FREE));
        difat = u32_at(s, 4 * (per_sector - 1)).unwrap_or(END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for id in fat_sectors.into_iter().take((bytes.len() >> shift) + 1) {
        let s = cfb.sector(id).ok_or(bad.clone())?;
        fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    cfb.fat = fat;
    let dir_start = u32_at(bytes, 0x30).ok_or(bad.clone())?;
    let dir = cfb.read_chain(dir_start, usize::MAX)?;
    let entry = |name: &str| {
        dir.chunks_exact(128).find(|e| {
            let len = (u16_at(e, 0x40).unwrap_or(0) as usize).min(64).saturating_sub(2);
            let units: Vec<u16> = (0..len / 2).filter_map(|i| u16_at(e, 2 * i)).collect();
            String::from_utf16_lossy(&units).eq_ignore_ascii_case(name) && e[0x42] == 2
        })
    };
    let e = entry("Workbook").or_else(|| entry("Book")).ok_or(XlsProblem::Unreadable("文件里没有工作簿"))?;
    let (start, size) = (u32_at(e, 0x74).unwrap_or(END_OF_CHAIN), u32_at(e, 0x78).unwrap_or(0) as usize);
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as usize;
    if size >= cutoff {
        return cfb.read_chain(start, size);
    }
    // A small stream lives in the mini stream: 64-byte sectors inside the root entry's stream.
    let root = dir.chunks_exact(128).find(|e| e[0x42] == 5).ok_or(bad.clone())?;
    let mini = cfb.read_chain(u32_at(root, 0x74).unwrap_or(END_OF_CHAIN), u32_at(root, 0x78).unwrap_or(0) as usize)?;
    let mini_fat_bytes = cfb.read_chain(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), usize::MAX)?;
    let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4).filter_map(|i| u32_at(&mini_fat_bytes, 4 * i)).collect();
    let mut out = Vec::with_capacity(size);
    for id in cfb.chain(&mini_fat, start)? {
        let at = id as usize * 64;
        out.extend_from_slice(mini.get(at..(at + 64).min(mini.len())).ok_or(bad.clone())?);
        if out.len() >= size {
            break;
        }
    }
    out.truncate(size);
    Ok(out)
}

/// Scans the workbook's sheets: each DIMENSIONS record and each cell with a value
/// (numbers, text, booleans, formulas; not blanks) against the limits.
pub fn check_xls_extent(bytes: &[u8]) -> Result<(), XlsProblem> {
    let stream = workbook_stream(bytes)?;
    let mut at = 0;
    let mut used: Area = None;
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + len as usize).unwrap_or(&[]);
        at += 4 + len as usize;
        let cell = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
        match typ {
            // DIMENSIONS: BIFF8 (u32 rows) or BIFF5 (u16 rows); the last row and column exclusive.
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (u32::from(u16_at(data, 0).unwrap_or(0)), u32::from(u16_at(data, 2).unwrap_or(0)), u16_at(data, 4), u16_at(data, 6)),
                    14 | 16 => (u32_at(data, 0).unwrap_or(0), u32_at(data, 4).unwrap_or(0), u16_at(data, 8), u16_at(data, 10)),
                    _ => continue,
                };
                let (cf, cl) = (u32::from(cf.unwrap_or(0)), u32::from(cl.unwrap_or(0)));
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                if rl >= 1 && cl >= 1 {
                    check_area((rf, cf), (rl - 1, cl - 1))?;
                }
            }
            0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00D6 | 0x0006 => {
                if let Some((r, c)) = cell(data) {
                    note(&mut used, r, c)?;
                }
            }
            // MULRK: a run of numbers in one row, its last column at the end.
            0x00BD => {
                if let (Some((r, c)), Some(last)) = (cell(data), data.len().checked_sub(2).and_then(|i| u16_at(data, i))) {
                    note(&mut used, r, c)?;
                    note(&mut used, r, u32::from(last))?;
                }
            }
            // BOF of a new sheet: its area starts afresh.
            0x0809 => used = None,
            _ => {}
        }
    }
    Ok(())
}

/// One more value at a 0-based (row, column) of the sheet whose used area is `used`.
fn note(used: &mut Area, row: u32, col: u32) -> Result<(), XlsProblem> {
    super::check_cell(row, col)?;
    let (first, last) = used.get_or_insert(((row, col), (row, col)));
    *first = (first.0.min(row), first.1.min(col));
    *last = (last.0.max(row), last.1.max(col));
    check_area(*first, *last)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEDGER: &[u8] = include_bytes!("../../../tests/fixtures/office/台账.xls");

    /// The fixture with its first record of `typ` rewritten by `edit`.
    fn edited(typ: u16, edit: impl Fn(&mut [u8])) -> Vec<u8> {
        let mut b = LEDGER.to_vec();
        let tag = typ.to_le_bytes();
        let i = (0..b.len() - 4).find(|&i| b[i..i + 2] == tag && (typ != 0x0200 || b[i + 2..i + 4] == [14, 0])).expect("record in the file");
        edit(&mut b[i + 4..]);
        b
    }

    #[test]
    fn a_real_workbook_passes_and_declared_or_far_areas_do_not() {
        assert_eq!(check_xls_extent(LEDGER), Ok(()));
        let declared = edited(0x0200, |d| {
            d[4..8].copy_from_slice(&65536u32.to_le_bytes());
            d[10..12].copy_from_slice(&256u16.to_le_bytes());
        });
        assert!(matches!(check_xls_extent(&declared), Err(XlsProblem::TooBig(Limit::Area(_, 256)))), "{:?}", check_xls_extent(&declared));
        let inverted = edited(0x0200, |d| d[0..4].copy_from_slice(&1000u32.to_le_bytes()));
        assert!(matches!(check_xls_extent(&inverted), Err(XlsProblem::TooBig(Limit::Area(..)))));
        assert!(matches!(check_xls_extent(b"\xD0\xCF\x11\xE0 short"), Err(XlsProblem::Unreadable(_))));
    }
}
