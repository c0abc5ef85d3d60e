//! Word tables → rows of cells with `colspan` (`w:gridSpan`, old `w:hMerge`) and
//! `rowspan` (`w:vMerge` runs down a grid column). Deleted and hidden rows are not
//! read; 标题行重复 rows are header rows.

use super::body::{next, skip, Ctx, Parser};
use super::model::{Cell, Row, Table};
use super::xml::{Ev, Ns, Xml};
use super::DocxError;

/// A cell as read, before vertical merges are joined.
struct RawCell {
    cell: Cell,
    /// Grid column it starts at.
    col: u32,
    /// `w:vMerge` without `restart`: continues the cell above.
    continues: bool,
    /// `w:hMerge` continue: part of the cell to its left.
    joins_left: bool,
}

impl Parser<'_, '_> {
    pub fn table(&mut self, x: &mut Xml<'_>) -> Result<Table, DocxError> {
        self.tables += 1;
        let number = self.tables;
        let end = x.depth() - 1;
        let mut rows: Vec<(bool, Vec<RawCell>)> = Vec::new();
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) if t.w("tr") => {
                    if let Some(row) = self.row(x, number, rows.len() + 1)? {
                        rows.push(row);
                    }
                }
                // Rows inside content controls or custom XML are shown.
                Ev::Open(t) if t.ns == Ns::W && matches!(t.name.as_str(), "sdt" | "sdtContent" | "customXml" | "ins") => {}
                Ev::Open(_) => skip(x)?,
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        Ok(Table { number, rows: join_merges(rows) })
    }

    /// One row; `None` when it is a tracked deletion or hidden.
    fn row(&mut self, x: &mut Xml<'_>, table: usize, row: usize) -> Result<Option<(bool, Vec<RawCell>)>, DocxError> {
        let end = x.depth() - 1;
        let (mut header, mut gone) = (false, false);
        let mut cells = Vec::new();
        let mut col = 0u32;
        while x.depth() > end {
            match next(x)? {
                Ev::Open(t) if t.w("trPr") => {
                    let pr_end = x.depth() - 1;
                    while x.depth() > pr_end {
                        if let Ev::Open(p) = next(x)? {
                            match p.name.as_str() {
                                "tblHeader" => header = p.on(),
                                "hidden" | "del" => gone |= p.on(),
                                "gridBefore" => col += p.val().and_then(|v| v.parse().ok()).unwrap_or(0),
                                _ => {}
                            }
                        }
                    }
                }
                Ev::Open(t) if t.w("tc") => {
                    if gone {
                        skip(x)?;
                        continue;
                    }
                    let raw = self.cell(x, table, row, cells.len() + 1, col)?;
                    col += raw.cell.colspan;
                    cells.push(raw);
                }
                Ev::Open(t) if t.ns == Ns::W && matches!(t.name.as_str(), "sdt" | "sdtContent" | "customXml" | "ins") => {}
                Ev::Open(_) => skip(x)?,
                Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                _ => {}
            }
        }
        Ok((!gone).then_some((header, cells)))
    }

    fn cell(&mut self, x: &mut Xml<'_>, table: usize, row: usize, n: usize, col: u32) -> Result<RawCell, DocxError> {
        self.budget.cell()?;
        let mut raw = RawCell { cell: Cell { blocks: Vec::new(), colspan: 1, rowspan: 1 }, col, continues: false, joins_left: false };
        self.ctx.push(Ctx::Cell { table, row, col: n });
        let end = x.depth() - 1;
        let result = (|| {
            while x.depth() > end {
                match next(x)? {
                    Ev::Open(t) if t.w("tcPr") => {
                        let pr_end = x.depth() - 1;
                        while x.depth() > pr_end {
                            if let Ev::Open(p) = next(x)? {
                                match p.name.as_str() {
                                    "gridSpan" => raw.cell.colspan = p.val().and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 1000),
                                    "vMerge" => raw.continues = p.val() != Some("restart"),
                                    "hMerge" => raw.joins_left = p.val() != Some("restart"),
                                    "tcPrChange" => skip(x)?,
                                    _ => {}
                                }
                            }
                        }
                    }
                    Ev::Open(t) => self.block(x, &t, &mut raw.cell.blocks)?,
                    Ev::Eof => return Err(DocxError::Corrupt("文件意外结束".into())),
                    _ => {}
                }
            }
            Ok(())
        })();
        self.ctx.pop();
        result.map(|_| raw)
    }
}

/// Joins vertical merges into `rowspan` and old horizontal merges into `colspan`.
fn join_merges(rows: Vec<(bool, Vec<RawCell>)>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    // For each grid column, the (row, cell) in `out` that a vertical merge continues.
    let mut above: Vec<(usize, u32, (usize, usize))> = Vec::new();
    for (header, cells) in rows {
        let r = out.len();
        let mut row = Row { header, cells: Vec::new() };
        let mut starts: Vec<(usize, u32, (usize, usize))> = Vec::new();
        for raw in cells {
            if raw.joins_left {
                if let Some(last) = row.cells.last_mut() {
                    last.colspan += raw.cell.colspan;
                    continue;
                }
            }
            if raw.continues {
                if let Some(&(_, _, (ar, ac))) = above.iter().find(|(_, c, _)| *c == raw.col) {
                    out[ar].cells[ac].rowspan += 1;
                    starts.push((r, raw.col, (ar, ac)));
                    continue;
                }
            }
            starts.push((r, raw.col, (r, row.cells.len())));
            row.cells.push(raw.cell);
        }
        above = starts;
        out.push(row);
    }
    out
}
