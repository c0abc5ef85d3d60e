//! Spreadsheet bytes → a grid of cells: .xlsx/.xlsm, .xls and .ods through calamine,
//! .csv (UTF-8, UTF-8 with BOM or GBK; comma, tab or semicolon) by a small
//! RFC 4180 reader. Pure: the caller reads the file and passes its bytes.
//! Problems found in tables are `TableProblem`s, located at a `CellRef`.

use super::date::DateValue;
use super::decode::{decode, DecodeError};
use super::limits::archive::{self, ZipProblem};
use super::limits::{self, Limit};
use calamine::{Data, Ods, Reader, SheetType, SheetVisible, Xls, Xlsx, XlsxError};
use chrono::{NaiveDate, NaiveDateTime};
use std::fmt;
use std::io::Cursor;
use std::sync::Arc;

/// One cell as the file holds it. Formula cells carry their cached result.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number as calamine gives it (integers too: `12.0`).
    Number(f64),
    Bool(bool),
    Date(NaiveDateTime),
    /// An error value: `#DIV/0!`, `#REF!`, ...
    Error(String),
    /// A formula that was never calculated (no cached value in the file).
    Uncached(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The text of a `Text` cell, trimmed.
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(t) => Some(t.trim()),
            _ => None,
        }
    }

    /// What the cell shows, for messages and free-text columns.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) if d.time() == chrono::NaiveTime::MIN => d.date().format("%Y-%m-%d").to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Error(e) => e.clone(),
            Cell::Uncached(f) => format!("={f}"),
        }
    }
}

/// Where a value came from: a sheet cell (`Sheet1!E7`, or `E7` in a CSV) or an
/// inline front matter row (`rows[3].paid`, counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellRef {
    Cell { sheet: Option<Arc<str>>, row: u32, col: u32 },
    Inline { index: usize, key: String },
}

impl CellRef {
    /// 1-based row and column of a sheet cell.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            CellRef::Cell { row, col, .. } => Some((*row, *col)),
            CellRef::Inline { .. } => None,
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellRef::Cell { sheet: Some(s), row, col } => write!(f, "{s}!{}{row}", column_name(*col)),
            CellRef::Cell { sheet: None, row, col } => write!(f, "{}{row}", column_name(*col)),
            CellRef::Inline { index, key } => write!(f, "rows[{index}].{key}"),
        }
    }
}

pub use super::limits::column_name;

/// A merged region, 1-based and inclusive: `(row, col)` to `(row, col)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Merge {
    pub fn touches_row(&self, row: u32) -> bool {
        self.first.0 <= row && row <= self.last.0
    }

    /// `C3:D3`.
    pub fn label(&self) -> String {
        format!("{}{}:{}{}", column_name(self.first.1), self.first.0, column_name(self.last.1), self.last.0)
    }
}

/// The chosen sheet's cells. `rows[0]` is row 1 and `rows[r][0]` column A, so
/// positions are Excel's; rows may be shorter than the widest one.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The sheet's name; `None` for CSV.
    pub sheet: Option<Arc<str>>,
    pub rows: Vec<Vec<Cell>>,
    /// Merged regions; `None` when the format cannot say (CSV).
    pub merges: Option<Vec<Merge>>,
}

static EMPTY: Cell = Cell::Empty;

impl Grid {
    /// The cell at a 1-based position (`Empty` outside the data).
    pub fn get(&self, row: u32, col: u32) -> &Cell {
        if row == 0 || col == 0 {
            return &EMPTY;
        }
        self.rows.get(row as usize - 1).and_then(|r| r.get(col as usize - 1)).unwrap_or(&EMPTY)
    }

    /// The cells of a 1-based row (empty outside the data).
    pub fn row(&self, row: u32) -> &[Cell] {
        row.checked_sub(1).and_then(|r| self.rows.get(r as usize)).map_or(&[], Vec::as_slice)
    }

    pub fn at(&self, row: u32, col: u32) -> CellRef {
        CellRef::Cell { sheet: self.sheet.clone(), row, col }
    }

    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    pub fn width(&self) -> u32 {
        self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }
}

/// Why a file could not be read as a table at all.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    Unsupported(String),
    Encrypted,
    Corrupt(String),
    /// A web page or XML saved with an .xls name (some systems export that way).
    HtmlAsXls,
    SheetNotFound {
        name: String,
        available: Vec<String>,
    },
    NoSheet,
    EmptySheet(Option<String>),
    Utf16,
    Encoding,
    UnclosedQuote {
        row: u32,
    },
    /// Holds more than any ledger: refused before it is read (`content::limits`).
    TooLarge(Limit),
}

impl TableError {
    pub fn message(&self) -> String {
        match self {
            TableError::Unsupported(ext) if ext.is_empty() => "台账文件没有扩展名，无法判断格式".into(),
            TableError::Unsupported(ext) => format!("不支持 .{ext} 格式的表格"),
            TableError::Encrypted => "文件有密码保护（已加密），dwgk 无法读取".into(),
            TableError::Corrupt(detail) => format!("文件已损坏或不是有效的表格文件（{detail}）"),
            TableError::HtmlAsXls => "这个 .xls 文件其实是网页（HTML/XML），不是 Excel 工作簿".into(),
            TableError::SheetNotFound { name, available } => {
                format!("找不到工作表“{name}”；文件中的工作表有：{}", quote_list(available))
            }
            TableError::NoSheet => "文件中没有工作表".into(),
            TableError::EmptySheet(Some(s)) => format!("工作表“{s}”是空的"),
            TableError::EmptySheet(None) => "表格是空的".into(),
            TableError::Utf16 => "CSV 文件是 UTF-16 编码（Excel 的“Unicode 文本”），dwgk 不能读取".into(),
            TableError::Encoding => "无法识别 CSV 文件的编码（既不是 UTF-8 也不是 GBK），或它不是文本文件".into(),
            TableError::UnclosedQuote { row } => format!("CSV 第 {row} 行的引号没有配对，文件到结尾也没有闭合"),
            TableError::TooLarge(limit) => limit.message(),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            TableError::Unsupported(_) => "请在 Excel/WPS 中“另存为” .xlsx（Excel 工作簿）或 .csv（逗号分隔）".into(),
            TableError::Encrypted => "在 Excel/WPS 中打开，删除“文件→信息→保护工作簿→用密码进行加密”中的密码后保存".into(),
            TableError::Corrupt(_) => "在 Excel/WPS 中打开确认能正常显示，再“另存为” .xlsx；扩展名要与实际格式一致".into(),
            TableError::HtmlAsXls => "在 Excel/WPS 中打开，“另存为” Excel 工作簿（.xlsx）".into(),
            TableError::SheetNotFound { .. } => "把页面的 sheet = \"…\" 改成上面列出的名称之一（或删去 sheet，默认读第一个工作表）".into(),
            TableError::NoSheet => "在 Excel/WPS 中打开确认有工作表，再保存".into(),
            TableError::EmptySheet(_) => "确认台账在这个工作表里；数据在其他工作表时，在页面上写 sheet = \"工作表名\"".into(),
            TableError::Utf16 | TableError::Encoding => "在 Excel 中“另存为”“CSV (逗号分隔)”或“CSV UTF-8 (逗号分隔)”，或直接使用 .xlsx".into(),
            TableError::UnclosedQuote { .. } => "检查这一行的双引号；单元格内的双引号要写成两个（\"\"）".into(),
            TableError::TooLarge(limit) => limit.hint().into(),
        }
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// A problem found in a table, located at a cell when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    pub at: Option<CellRef>,
    pub message: String,
    pub hint: String,
}

impl TableProblem {
    pub fn new(at: Option<CellRef>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        TableProblem { at, message: message.into(), hint: hint.into() }
    }
}

impl From<TableError> for TableProblem {
    fn from(e: TableError) -> Self {
        let at = match &e {
            TableError::UnclosedQuote { row } => Some(CellRef::Cell { sheet: None, row: *row, col: 1 }),
            _ => None,
        };
        TableProblem::new(at, e.message(), e.hint())
    }
}

/// `Sheet1!E7 “实缴”应为数字…`; callers put the file name in front.
impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{at} {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn quote_list(items: &[String]) -> String {
    items.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、")
}

/// The lower-case extension of a file name (`""` when there is none).
fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the chosen sheet (`sheet`, or the first visible one) of a table file.
/// The format follows the extension, except that the content decides between
/// zip (.xlsx) and OLE (.xls, or an encrypted .xlsx) when they disagree. A file
/// that holds more than `content::limits` allows is refused before it is read.
pub fn read_table(file_name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Grid, TableError> {
    match extension(file_name).as_str() {
        "csv" | "tsv" | "txt" => read_csv(bytes),
        // A reader's panic on a malformed file is that file's error, not the build's end.
        "xlsx" | "xlsm" | "xls" | "ods" => {
            std::panic::catch_unwind(|| read_workbook(bytes, sheet)).unwrap_or_else(|_| Err(TableError::Corrupt("读取时出错，文件结构不正常".into())))
        }
        other => Err(TableError::Unsupported(other.to_string())),
    }
}

fn zip_problem(p: ZipProblem) -> TableError {
    match p {
        ZipProblem::TooBig(l) => TableError::TooLarge(l),
        ZipProblem::Unreadable(e) => TableError::Corrupt(e),
    }
}

fn read_workbook(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, TableError> {
    if bytes.starts_with(ZIP_MAGIC) {
        archive::check_zip(bytes).map_err(zip_problem)?;
    }
    if bytes.starts_with(ZIP_MAGIC) && is_ods(bytes) {
        archive::check_ods_extent(bytes).map_err(zip_problem)?;
        let mut wb = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
        let name = choose_sheet(wb.sheets_metadata(), sheet)?;
        // calamine does not give an .ods sheet's merged cells: like a CSV's, unknown.
        return build_grid(&mut wb, name, None);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        archive::check_shared_strings(bytes).map_err(zip_problem)?;
        let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
        let name = choose_sheet(wb.sheets_metadata(), sheet)?;
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(xlsx_error)?;
        return xlsx_grid(&mut wb, name, merges);
    }
    if bytes.starts_with(CFB_MAGIC) {
        // An encrypted .xlsx is an OLE file holding an "EncryptedPackage" stream.
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(TableError::Encrypted);
        }
        limits::xls::check_xls_extent(bytes).map_err(|p| match p {
            limits::xls::XlsProblem::TooBig(l) => TableError::TooLarge(l),
            limits::xls::XlsProblem::Unreadable(e) => TableError::Corrupt(e.into()),
        })?;
        let mut wb = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
        let name = choose_sheet(wb.sheets_metadata(), sheet)?;
        let merges = wb.merge_cells_by_sheet_name(&name).map_err(xls_error)?;
        return build_grid(&mut wb, name, Some(merges));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
    if head.starts_with('<') {
        return Err(TableError::HtmlAsXls);
    }
    Err(TableError::Corrupt(if bytes.is_empty() { "文件是空的".into() } else { "不是 Excel 文件格式".into() }))
}

/// An OpenDocument spreadsheet: its first zip entry is `mimetype`, stored, naming the type.
fn is_ods(bytes: &[u8]) -> bool {
    bytes.get(30..38) == Some(b"mimetype") && bytes.get(38..38 + ODS_MIME.len()) == Some(ODS_MIME)
}

const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

fn ods_error(e: calamine::OdsError) -> TableError {
    match e {
        calamine::OdsError::Password => TableError::Encrypted,
        other => TableError::Corrupt(other.to_string()),
    }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(pattern.len()).any(|w| w == pattern)
}

fn xlsx_error(e: XlsxError) -> TableError {
    match e {
        XlsxError::Password => TableError::Encrypted,
        other => TableError::Corrupt(other.to_string()),
    }
}

fn xls_error(e: calamine::XlsError) -> TableError {
    match e {
        calamine::XlsError::Password => TableError::Encrypted,
        other => TableError::Corrupt(other.to_string()),
    }
}

/// The named sheet, or the first visible worksheet.
fn choose_sheet(sheets: &[calamine::Sheet], wanted: Option<&str>) -> Result<String, TableError> {
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    if let Some(w) = wanted {
        let w = w.trim();
        return names.iter().find(|n| n.trim() == w).cloned().ok_or_else(|| TableError::SheetNotFound { name: w.to_string(), available: names.clone() });
    }
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets().find(|s| s.visible == SheetVisible::Visible).or_else(|| worksheets().next()).map(|s| s.name.clone()).ok_or(TableError::NoSheet)
}

/// Values, uncached formulas and merges of one sheet, at Excel positions.
fn build_grid<RS, R>(wb: &mut R, name: String, merges: Option<Vec<calamine::Dimensions>>) -> Result<Grid, TableError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: fmt::Display,
{
    let range = wb.worksheet_range(&name).map_err(|e| TableError::Corrupt(e.to_string()))?;
    let mut grid = Cells::default();
    if let Some((r0, c0)) = range.start() {
        for (r, c, data) in range.used_cells() {
            grid.put(r0 + r as u32, c0 + c as u32, to_cell(data))?;
        }
    }
    // A formula without a cached value reads as an empty cell; the formula tells.
    if let Ok(formulas) = wb.worksheet_formula(&name) {
        if let Some((r0, c0)) = formulas.start() {
            for (r, c, f) in formulas.used_cells() {
                grid.formula(r0 + r as u32, c0 + c as u32, f)?;
            }
        }
    }
    grid.finish(name, merges)
}

/// An .xlsx sheet read cell by cell as its XML streams by: nothing dense is built
/// for it, so its extent is checked one cell at a time (`content::limits`).
fn xlsx_grid(wb: &mut Xlsx<Cursor<&[u8]>>, name: String, merges: Vec<calamine::Dimensions>) -> Result<Grid, TableError> {
    let mut grid = Cells::default();
    let mut cells = wb.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
        if *cell.get_value() != calamine::DataRef::Empty {
            let (r, c) = cell.get_position();
            grid.put(r, c, to_cell(&calamine::Data::from(cell.get_value().clone())))?;
        }
    }
    drop(cells);
    let mut formulas = wb.worksheet_cells_reader(&name).map_err(xlsx_error)?;
    while let Some(f) = formulas.next_formula().map_err(xlsx_error)? {
        if !f.get_value().is_empty() {
            let (r, c) = f.get_position();
            grid.formula(r, c, f.get_value())?;
        }
    }
    grid.finish(name, Some(merges))
}

/// A sheet's cells gathered at Excel positions, within the limits.
#[derive(Default)]
struct Cells {
    rows: Vec<Vec<Cell>>,
    /// Cells held (the rows' lengths together).
    held: u64,
}

impl Cells {
    /// Places a cell at a 0-based position, growing the rows as needed.
    fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), TableError> {
        limits::check_cell(row, col).map_err(TableError::TooLarge)?;
        let (row, col) = (row as usize, col as usize);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let r = &mut self.rows[row];
        if r.len() <= col {
            self.held += (col + 1 - r.len()) as u64;
            if self.held > limits::MAX_CELLS {
                return Err(TableError::TooLarge(Limit::Area(self.rows.len() as u64, (col + 1) as u64)));
            }
            r.resize(col + 1, Cell::Empty);
        }
        r[col] = cell;
        Ok(())
    }

    /// A formula at a 0-based position: shown as uncached where no value came with it.
    fn formula(&mut self, row: u32, col: u32, f: &str) -> Result<(), TableError> {
        let blank = self.rows.get(row as usize).and_then(|cells| cells.get(col as usize)).is_none_or(|cell| *cell == Cell::Empty);
        if blank {
            self.put(row, col, Cell::Uncached(f.to_string()))?;
        }
        Ok(())
    }

    fn finish(self, name: String, merges: Option<Vec<calamine::Dimensions>>) -> Result<Grid, TableError> {
        if self.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            return Err(TableError::EmptySheet(Some(name)));
        }
        let merges = merges.map(|m| m.iter().map(|d| Merge { first: (d.start.0 + 1, d.start.1 + 1), last: (d.end.0 + 1, d.end.1 + 1) }).collect());
        Ok(Grid { sheet: Some(Arc::from(name)), rows: self.rows, merges })
    }
}

fn to_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(dt) if dt.is_duration() => Cell::Number(dt.as_f64()),
        Data::DateTime(dt) => excel_datetime(dt.to_ymd_hms_milli()).map_or(Cell::Number(dt.as_f64()), Cell::Date),
        Data::DateTimeIso(s) => DateValue::parse(s).map_or_else(|| Cell::Text(s.clone()), |d| Cell::Date(d.datetime())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

fn excel_datetime((y, mo, d, h, mi, s, _): (u16, u8, u8, u8, u8, u8, u16)) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32)?.and_hms_opt(h as u32, mi as u32, s as u32)
}

// ---- CSV ----

fn read_csv(bytes: &[u8]) -> Result<Grid, TableError> {
    let text = match decode(bytes) {
        Ok((text, _)) => text,
        Err(DecodeError::Utf16) => return Err(TableError::Utf16),
        Err(_) => return Err(TableError::Encoding),
    };
    let records = parse_csv(&text, sniff_delimiter(&text))?;
    let rows: Vec<Vec<Cell>> =
        records.into_iter().map(|r| r.into_iter().map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(f) }).collect()).collect();
    if rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
        return Err(TableError::EmptySheet(None));
    }
    Ok(Grid { sheet: None, rows, merges: None })
}

/// Comma unless the first lines hold more tabs or semicolons (outside quotes).
fn sniff_delimiter(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.lines().take(10).flat_map(|l| l.chars().chain(['\n'])) {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    [',', '\t', ';'][best]
}

/// A CSV record's fields against the row, column and cell limits (0-based row and column).
fn csv_limits(row: usize, col: usize, held: u64) -> Result<(), TableError> {
    let at = |r: usize, c: usize| (r.min(u32::MAX as usize) as u32, c.min(u32::MAX as usize) as u32);
    let (r, c) = at(row, col);
    limits::check_cell(r, c).map_err(TableError::TooLarge)?;
    if held > limits::MAX_CELLS {
        return Err(TableError::TooLarge(Limit::Area(row as u64 + 1, col as u64 + 1)));
    }
    Ok(())
}

/// RFC 4180: quoted fields may hold delimiters, newlines and doubled quotes.
/// A quote inside an unquoted field is kept as written (as Excel does).
/// `text` has `\n` line ends (decode normalised them).
pub fn parse_csv(text: &str, delim: char) -> Result<Vec<Vec<String>>, TableError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let (mut in_quotes, mut was_quoted) = (false, false);
    let mut quote_row = 0u32;
    let mut held = 0u64;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                in_quotes = true;
                was_quoted = true;
                quote_row = records.len() as u32 + 1;
            }
            c if c == delim => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                held += 1;
                csv_limits(records.len(), record.len(), held)?;
            }
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                was_quoted = false;
                held += 1;
                csv_limits(records.len().saturating_sub(1), 0, held)?;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(TableError::UnclosedQuote { row: quote_row });
    }
    if !field.is_empty() || !record.is_empty() || was_quoted {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(grid: &Grid) -> Vec<Vec<String>> {
        grid.rows.iter().map(|r| r.iter().map(Cell::display).collect()).collect()
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(5), "E");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(703), "AAA");
    }

    #[test]
    fn cell_refs_display() {
        let g = Grid { sheet: Some(Arc::from("Sheet1")), rows: vec![], merges: None };
        assert_eq!(g.at(7, 5).to_string(), "Sheet1!E7");
        let csv = Grid { sheet: None, rows: vec![], merges: None };
        assert_eq!(csv.at(7, 5).to_string(), "E7");
        assert_eq!(CellRef::Inline { index: 3, key: "paid".into() }.to_string(), "rows[3].paid");
    }

    #[test]
    fn csv_quotes_newlines_and_doubled_quotes() {
        let text = "姓名,备注\n\"张三\",\"一,二\"\n李四,\"第一行\n第二行\"\n王五,\"他说\"\"好\"\"\"\n";
        let r = parse_csv(text, ',').unwrap();
        assert_eq!(r[1], ["张三", "一,二"]);
        assert_eq!(r[2], ["李四", "第一行\n第二行"]);
        assert_eq!(r[3], ["王五", "他说\"好\""]);
        assert_eq!(r.len(), 4);
    }

    #[test]
    fn csv_last_line_without_newline_and_empty_fields() {
        let r = parse_csv("a,,c\n,,\nx,\"\"", ',').unwrap();
        assert_eq!(r, vec![vec!["a", "", "c"], vec!["", "", ""], vec!["x", ""]]);
    }

    #[test]
    fn csv_unclosed_quote_is_an_error() {
        assert_eq!(parse_csv("a,b\n\"c,d\n", ','), Err(TableError::UnclosedQuote { row: 2 }));
    }

    #[test]
    fn csv_delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("姓名\t实缴\n张三\t50\n"), '\t');
        assert_eq!(sniff_delimiter("姓名;实缴\n张三;50,5\n"), ';');
        assert_eq!(sniff_delimiter("姓名,实缴\n\"张;三\",50\n"), ',');
        assert_eq!(sniff_delimiter("只有一列\n"), ',');
    }

    #[test]
    fn csv_gbk_crlf_and_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,实缴\r\n张三,50\r\n");
        let g = read_table("a.csv", &gbk, None).unwrap();
        assert_eq!(texts(&g), [["姓名", "实缴"], ["张三", "50"]]);
        let bom = "\u{feff}姓名,实缴\r\n李四,30\r\n".as_bytes();
        let g = read_table("a.CSV", bom, None).unwrap();
        assert_eq!(texts(&g), [["姓名", "实缴"], ["李四", "30"]]);
        assert_eq!(g.get(2, 1), &Cell::Text("李四".into()));
        assert_eq!(g.get(9, 9), &Cell::Empty);
    }

    #[test]
    fn csv_refusals() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("姓名,实缴\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read_table("a.csv", &utf16, None).unwrap_err(), TableError::Utf16);
        assert_eq!(read_table("a.csv", b"\n,,\n", None).unwrap_err(), TableError::EmptySheet(None));
    }

    #[test]
    fn extensions_and_sniffing() {
        assert_eq!(read_table("a.docx", b"x", None).unwrap_err(), TableError::Unsupported("docx".into()));
        assert_eq!(read_table("ledger", b"x", None).unwrap_err(), TableError::Unsupported(String::new()));
        assert_eq!(read_table("a.xls", b"<html><table>", None).unwrap_err(), TableError::HtmlAsXls);
        assert!(matches!(read_table("a.xlsx", b"not a zip", None), Err(TableError::Corrupt(_))));
        assert!(matches!(read_table("a.xlsx", b"PK\x03\x04garbage", None), Err(TableError::Corrupt(_))));
        assert_eq!(extension("目录.v2/台账.XLSX"), "xlsx");
    }
}
