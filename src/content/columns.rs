//! Table headers: normalising header text, matching it against accepted names
//! (Chinese and English), finding the header row under title rows, and the
//! problems a header can have (missing or doubled columns, merged cells).

use super::table::{Grid, TableProblem};
use std::sync::Arc;

/// The accepted names of one column, already normalised (see `normalize`).
pub(crate) struct Alias<F> {
    pub field: F,
    /// The name used in messages (`实缴`).
    pub label: &'static str,
    pub names: &'static [&'static str],
}

/// The header row and the columns it maps (unknown columns are left out).
pub(crate) struct Header<F> {
    pub row: u32,
    /// (field, 1-based column, the header as written).
    pub cols: Vec<(F, u32, Arc<str>)>,
}

impl<F: Copy + PartialEq> Header<F> {
    pub fn col(&self, field: F) -> Option<u32> {
        self.cols.iter().find(|c| c.0 == field).map(|c| c.1)
    }
}

/// How many rows may sit above the header (titles, dates, unit names).
pub(crate) const HEADER_SEARCH_ROWS: u32 = 10;

/// Header text reduced to what identifies it: no whitespace (full-width and
/// newlines too), lower case, no trailing unit in brackets (`（元）`), no trailing
/// 党费/金额, no leading period word (全年, 本期, ...).
pub(crate) fn normalize(header: &str) -> String {
    let mut t: String = header.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    loop {
        let before = t.len();
        t = strip_bracket_suffix(&t).to_string();
        for suffix in ["党费", "金额", ":", "："] {
            if let Some(s) = t.strip_suffix(suffix) {
                if !s.is_empty() {
                    t = s.to_string();
                }
            }
        }
        if t.len() == before {
            break;
        }
    }
    for prefix in ["本年度", "全年", "本年", "年度", "本期", "本季度", "季度", "累计"] {
        if let Some(s) = t.strip_prefix(prefix) {
            if !s.is_empty() {
                return s.to_string();
            }
        }
    }
    t
}

fn strip_bracket_suffix(t: &str) -> &str {
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')] {
        if t.ends_with(close) {
            if let Some(i) = t.rfind(open) {
                if i > 0 {
                    return &t[..i];
                }
            }
        }
    }
    t
}

pub(crate) fn field_of<F: Copy>(aliases: &[Alias<F>], header: &str) -> Option<F> {
    let n = normalize(header);
    aliases.iter().find(|a| a.names.contains(&n.as_str())).map(|a| a.field)
}

pub(crate) fn label_of<F: Copy + PartialEq>(aliases: &[Alias<F>], field: F) -> &'static str {
    aliases.iter().find(|a| a.field == field).map_or("", |a| a.label)
}

/// `实缴、全年实缴、…` for hints: the accepted names of one column.
pub(crate) fn accepted<F: Copy + PartialEq>(aliases: &[Alias<F>], field: F) -> String {
    aliases.iter().filter(|a| a.field == field).flat_map(|a| a.names.iter()).copied().collect::<Vec<_>>().join("、")
}

/// Finds the header row (the first of the top rows holding a `key` column) and
/// maps its columns. `None` when the header cannot be used; problems either way.
pub(crate) fn find_header<F: Copy + PartialEq>(grid: &Grid, aliases: &[Alias<F>], key: F, required: &[F]) -> (Option<Header<F>>, Vec<TableProblem>) {
    let last = grid.height().min(HEADER_SEARCH_ROWS);
    let Some(row) = (1..=last).find(|&r| row_fields(grid, aliases, r).iter().any(|c| c.0 == key)) else {
        return (None, vec![no_header(grid, aliases, key)]);
    };
    let cols = row_fields(grid, aliases, row);
    let mut problems = doubled_columns(grid, aliases, row, &cols);
    problems.extend(missing_columns(grid, aliases, row, &cols, required));
    problems.extend(merged_header(grid, row));
    let fatal = !problems.is_empty();
    problems.extend(header_gaps(grid, row));
    ((!fatal).then_some(Header { row, cols }), problems)
}

fn row_fields<F: Copy>(grid: &Grid, aliases: &[Alias<F>], row: u32) -> Vec<(F, u32, Arc<str>)> {
    (1..=grid.row(row).len() as u32)
        .filter_map(|col| {
            let text = grid.get(row, col).text()?;
            let field = field_of(aliases, text)?;
            Some((field, col, Arc::from(shown(text))))
        })
        .collect()
}

/// Header text for messages: whitespace runs (newlines in a cell) become nothing.
fn shown(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("")
}

fn headers_found(grid: &Grid, row: u32) -> String {
    let found: Vec<String> = grid.row(row).iter().filter_map(|c| c.text().map(shown)).filter(|t| !t.is_empty()).collect();
    if found.is_empty() {
        "（空）".into()
    } else {
        found.join("、")
    }
}

fn no_header<F: Copy + PartialEq>(grid: &Grid, aliases: &[Alias<F>], key: F) -> TableProblem {
    let first = (1..=grid.height().min(HEADER_SEARCH_ROWS)).find(|&r| grid.row(r).iter().any(|c| !c.is_empty())).unwrap_or(1);
    let label = label_of(aliases, key);
    TableProblem::new(
        Some(grid.at(first, 1)),
        format!("前 {HEADER_SEARCH_ROWS} 行中找不到表头：没有“{label}”列（第 {first} 行是：{}）", headers_found(grid, first)),
        format!("表头要有一列写作：{}；表头上方可以有标题行", accepted(aliases, key)),
    )
}

fn doubled_columns<F: Copy + PartialEq>(grid: &Grid, aliases: &[Alias<F>], row: u32, cols: &[(F, u32, Arc<str>)]) -> Vec<TableProblem> {
    let mut out = Vec::new();
    for (i, (field, col, text)) in cols.iter().enumerate() {
        if let Some((_, first_col, first_text)) = cols[..i].iter().find(|c| c.0 == *field) {
            out.push(TableProblem::new(
                Some(grid.at(row, *col)),
                format!("“{text}”和“{first_text}”（{}）都是“{}”列", grid.at(row, *first_col), label_of(aliases, *field)),
                "每种数据只能有一列：删去一列，或把不用的那一列改个名字",
            ));
        }
    }
    out
}

fn missing_columns<F: Copy + PartialEq>(grid: &Grid, aliases: &[Alias<F>], row: u32, cols: &[(F, u32, Arc<str>)], required: &[F]) -> Vec<TableProblem> {
    required
        .iter()
        .filter(|f| !cols.iter().any(|c| c.0 == **f))
        .map(|&f| {
            let label = label_of(aliases, f);
            TableProblem::new(
                Some(grid.at(row, 1)),
                format!("表头（第 {row} 行）缺少“{label}”列；找到的列有：{}", headers_found(grid, row)),
                format!("“{label}”列可写作：{}；前面可加 全年、本期、本季度 等，后面可加 党费、金额 或“（元）”", accepted(aliases, f)),
            )
        })
        .collect()
}

fn merged_header(grid: &Grid, row: u32) -> Vec<TableProblem> {
    let Some(merges) = &grid.merges else { return Vec::new() };
    merges
        .iter()
        .filter(|m| m.touches_row(row))
        .map(|m| {
            TableProblem::new(
                Some(grid.at(m.first.0, m.first.1)),
                format!("表头有合并单元格 {}", m.label()),
                "表头只能有一行、每列一个列名：取消合并，并在每一列写上自己的列名（如 月应缴、全年应缴）",
            )
        })
        .collect()
}

/// Without merge information (CSV), an empty header cell between named ones
/// over a column with data is most likely what a merged header left behind.
fn header_gaps(grid: &Grid, row: u32) -> Vec<TableProblem> {
    if grid.merges.is_some() {
        return Vec::new();
    }
    let named: Vec<u32> = (1..=grid.row(row).len() as u32).filter(|&c| !grid.get(row, c).is_empty()).collect();
    let (Some(&lo), Some(&hi)) = (named.first(), named.last()) else { return Vec::new() };
    (lo + 1..hi)
        .filter(|&c| grid.get(row, c).is_empty())
        .filter(|&c| (row + 1..=grid.height()).any(|r| !grid.get(r, c).is_empty()))
        .map(|c| {
            TableProblem::new(
                Some(grid.at(row, c)),
                format!("表头 {} 是空的，但这一列下面有数据（这一列会被忽略）", grid.at(row, c)),
                "这常是合并单元格留下的空白：取消合并，给这一列写上列名；不需要的列可以删除",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize(" 全年实缴\n（元）"), "实缴");
        assert_eq!(normalize("实缴党费金额(元)"), "实缴");
        assert_eq!(normalize("月应缴党费（元）"), "月应缴");
        assert_eq!(normalize("姓　名"), "姓名");
        assert_eq!(normalize("Name"), "name");
        assert_eq!(normalize("党费"), "党费");
        assert_eq!(normalize("月工资收入（税后）"), "月工资收入");
        assert_eq!(normalize("全年应缴"), "应缴");
    }
}
