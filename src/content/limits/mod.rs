//! How much one file from the share may make a build read: every spreadsheet (and
//! any zip the build opens) is read in memory and time proportional to what it
//! really holds, and refused for that file alone — with a Chinese message naming
//! what was too big — when it holds more than any ledger does. Bytes are counted
//! while decompressing (a zip's headers can lie); a sheet's extent is checked
//! before anything dense is built for it (one cell at XFD1048576 must not allocate
//! seventeen billion). The limits live here, in one place; a page's Markdown limits
//! are `text` (re-exported). Pure.

pub mod archive;
mod text;
pub mod xls;

// One page's Markdown (marks, nesting, terms, problems per file, columns): `text`.
pub use text::*;

use std::fmt;

/// Bytes of a data file (ledger, plan table) on disk: read no further.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Real (decompressed) bytes of one zip entry.
pub const MAX_ENTRY_BYTES: u64 = 32 << 20;
/// Real bytes of all entries of one zip together.
pub const MAX_ARCHIVE_BYTES: u64 = 128 << 20;
/// Entries in one zip.
pub const MAX_ENTRIES: usize = 10_000;
/// Strings in a workbook's shared-strings table.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Rows of a sheet (the last row with a value).
pub const MAX_ROWS: u32 = 100_000;
/// Columns of a sheet (the last column with a value; ALL).
pub const MAX_COLUMNS: u32 = 1_000;
/// Cells a sheet's grid may hold: rows × columns of its used area.
pub const MAX_CELLS: u64 = 4_000_000;

/// What was too big.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// A zip entry decompresses to more than `MAX_ENTRY_BYTES`.
    Entry(String),
    /// All entries together decompress to more than `MAX_ARCHIVE_BYTES`.
    Archive,
    Entries(usize),
    SharedStrings(u64),
    /// A value at this 1-based (row, column), past `MAX_ROWS` or `MAX_COLUMNS`.
    FarCell(u32, u32),
    /// A used area of this many rows and columns (past `MAX_CELLS`).
    Area(u64, u64),
}

impl Limit {
    pub fn message(&self) -> String {
        match self {
            Limit::Entry(name) => format!("文件里的“{name}”解压后超过 {} MB，不像是台账，dwgk 不读取", MAX_ENTRY_BYTES >> 20),
            Limit::Archive => format!("文件解压后超过 {} MB，不像是台账，dwgk 不读取", MAX_ARCHIVE_BYTES >> 20),
            Limit::Entries(n) => format!("文件里有 {n} 个部件（最多 {MAX_ENTRIES} 个），不像是台账，dwgk 不读取"),
            Limit::SharedStrings(n) => format!("表格里有 {n} 个不同的文字（最多 {MAX_SHARED_STRINGS} 个），dwgk 不读取"),
            Limit::FarCell(row, col) => {
                format!("单元格 {}{row} 有内容，超出 dwgk 读取的范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列）", column_name(*col))
            }
            Limit::Area(rows, cols) => format!("表格的使用范围有 {rows} 行 × {cols} 列，超出 dwgk 读取的范围（最多 {MAX_CELLS} 个单元格）"),
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            Limit::FarCell(..) | Limit::Area(..) => {
                "删除表格下方或右侧远处误填的单元格（Ctrl+End 可以跳到最后一个有内容的单元格），或把台账复制到新工作簿再保存"
            }
            _ => "在 Excel/WPS 中打开，只保留台账所在的工作表，删除图片等大的内容后另存为 .xlsx；文件确实这样大时请联系管理员",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// Checks one more value at a 0-based (row, column) against the row and column limits.
pub fn check_cell(row: u32, col: u32) -> Result<(), Limit> {
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(Limit::FarCell(row.saturating_add(1), col.saturating_add(1)));
    }
    Ok(())
}

/// Checks a used area given by its first and last 0-based rows and columns.
pub fn check_area(first: (u32, u32), last: (u32, u32)) -> Result<(), Limit> {
    // As a reader would compute it: an inverted area is a huge one.
    let rows = u64::from(last.0.wrapping_sub(first.0)) + 1;
    let cols = u64::from(last.1.wrapping_sub(first.1)) + 1;
    if last.0 < first.0 || last.1 < first.1 || rows * cols > MAX_CELLS {
        return Err(Limit::Area(rows, cols));
    }
    Ok(())
}

/// `1` → `A`, `27` → `AA` (a spreadsheet's column letters).
pub fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
