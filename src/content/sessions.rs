//! Study-plan tables (学习计划): rows of date or month, topic, form, lead and
//! status, as officers keep them in Excel. The caller decides what counts.

use super::columns::{find_header, Alias};
use super::date::DateValue;
use super::table::{read_table, Cell, CellRef, Grid, TableProblem};
use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Index,
    Date,
    Month,
    Topic,
    Form,
    Lead,
    Status,
}

const ALIASES: &[Alias<Field>] = &[
    Alias { field: Field::Index, label: "序号", names: &["序号", "编号", "no", "no."] },
    Alias { field: Field::Date, label: "日期", names: &["日期", "学习日期", "时间", "学习时间", "date"] },
    Alias { field: Field::Month, label: "月份", names: &["月份", "月", "学习月份", "month"] },
    Alias { field: Field::Topic, label: "主题", names: &["主题", "学习主题", "学习内容", "内容", "专题", "topic"] },
    Alias { field: Field::Form, label: "形式", names: &["形式", "学习形式", "方式", "学习方式", "form"] },
    Alias { field: Field::Lead, label: "主讲", names: &["主讲", "主讲人", "领学", "领学人", "主持", "主持人", "lead"] },
    Alias { field: Field::Status, label: "状态", names: &["状态", "完成情况", "status"] },
];

/// The `[[sessions]]` key a column name stands for (`学习内容` → `topic`), so an
/// entry may be written with the same Chinese names as the table's headers.
pub fn session_key(name: &str) -> Option<&'static str> {
    match super::columns::field_of(ALIASES, name)? {
        Field::Index => None,
        Field::Date => Some("date"),
        Field::Month => Some("month"),
        Field::Topic => Some("topic"),
        Field::Form => Some("form"),
        Field::Lead => Some("lead"),
        Field::Status => Some("status"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// The topic cell (the row).
    pub at: CellRef,
    pub date: Option<NaiveDate>,
    /// The month of `date`, or of the month column.
    pub month: Option<(i32, u32)>,
    pub topic: String,
    pub form: String,
    pub lead: String,
    /// As written; see `status_of`.
    pub status: String,
}

/// `planned`, `done` or `cancelled` for the written forms; `None` if unknown.
/// An empty status is `planned`.
pub fn status_of(text: &str) -> Option<&'static str> {
    if text.trim().is_empty() {
        return Some("planned");
    }
    crate::domain::study::SessionStatus::parse(text).map(|s| s.id())
}

/// Reads a study-plan table. `year` (the page's `year`) completes dates and
/// months written without one (`3月`, `3月18日`).
pub fn read_sessions(file_name: &str, bytes: &[u8], sheet: Option<&str>, year: Option<i32>) -> (Vec<SessionRow>, Vec<TableProblem>) {
    match read_table(file_name, bytes, sheet) {
        Ok(grid) => sessions_from_grid(&grid, year),
        Err(e) => (Vec::new(), vec![e.into()]),
    }
}

pub fn sessions_from_grid(grid: &Grid, year: Option<i32>) -> (Vec<SessionRow>, Vec<TableProblem>) {
    let (header, mut problems) = find_header(grid, ALIASES, Field::Topic, &[Field::Topic]);
    let Some(header) = header else { return (Vec::new(), problems) };
    let (date_col, month_col) = (header.col(Field::Date), header.col(Field::Month));
    if date_col.is_none() && month_col.is_none() {
        problems.push(TableProblem::new(
            Some(grid.at(header.row, 1)),
            format!("学习计划表头（第 {} 行）既没有“日期”列也没有“月份”列", header.row),
            "加一列“日期”（如 2024-01-18）或“月份”（如 2024-01、1月）",
        ));
        return (Vec::new(), problems);
    }
    let text = |row, f| header.col(f).map(|c| grid.get(row, c).display()).unwrap_or_default();
    let mut out = Vec::new();
    for row in header.row + 1..=grid.height() {
        let used = header.cols.iter().any(|(f, c, _)| *f != Field::Index && !grid.get(row, *c).is_empty());
        if !used {
            continue;
        }
        let topic_col = header.col(Field::Topic).unwrap_or(1);
        let topic = text(row, Field::Topic);
        if topic.is_empty() {
            problems.push(TableProblem::new(Some(grid.at(row, topic_col)), "这一行没有学习主题", "填写主题，或删除这一行"));
            continue;
        }
        let month_in_date = date_col.and_then(|c| month_in_date_cell(grid.get(row, c), year));
        let date = match month_in_date {
            Some(_) => None,
            None => date_col.and_then(|c| cell_date(grid, row, c, year, &mut problems)),
        };
        let month = match month_col.and_then(|c| cell_month(grid, row, c, year, &mut problems)) {
            Some(m) => Some(m),
            None => date.map(|d| (d.year(), d.month())).or(month_in_date),
        };
        let blank = |c: Option<u32>| c.is_none_or(|c| grid.get(row, c).is_empty());
        if blank(date_col) && blank(month_col) {
            let c = date_col.or(month_col).unwrap_or(1);
            problems.push(TableProblem::new(Some(grid.at(row, c)), format!("“{topic}”没有日期或月份"), "填写日期（2024-01-18）或月份（2024-01）"));
        }
        let status = text(row, Field::Status);
        if status_of(&status).is_none() {
            let c = header.col(Field::Status).unwrap_or(1);
            problems.push(TableProblem::new(
                Some(grid.at(row, c)),
                format!("状态“{status}”无法识别"),
                "状态写 计划、已完成 或 取消（也可写 planned、done、cancelled）",
            ));
        }
        out.push(SessionRow { at: grid.at(row, topic_col), date, month, topic, form: text(row, Field::Form), lead: text(row, Field::Lead), status });
    }
    (out, problems)
}

fn cell_date(grid: &Grid, row: u32, col: u32, year: Option<i32>, problems: &mut Vec<TableProblem>) -> Option<NaiveDate> {
    let cell = grid.get(row, col);
    let parsed = match cell {
        Cell::Empty => return None,
        Cell::Date(d) => Some(d.date()),
        Cell::Text(t) if t.trim().is_empty() => return None,
        Cell::Text(t) => DateValue::parse(t).map(|d| d.date).or_else(|| month_day(t, year?)),
        _ => None,
    };
    if parsed.is_none() {
        let hint = match cell {
            Cell::Number(_) => "这是一个数字而不是日期：把单元格格式设为“日期”，或写成 2024-01-18",
            _ if year.is_none() => "日期写成 2024-01-18、2024/1/18 或 2024年1月18日",
            _ => "日期写成 2024-01-18、2024/1/18、2024年1月18日 或 1月18日",
        };
        problems.push(TableProblem::new(Some(grid.at(row, col)), format!("日期“{}”无法识别", cell.display()), hint));
    }
    parsed
}

/// A month written where a date belongs (`2024年1月` in the 日期 column).
fn month_in_date_cell(cell: &Cell, year: Option<i32>) -> Option<(i32, u32)> {
    let t = cell.text()?;
    if DateValue::parse(t).is_some() {
        return None;
    }
    parse_month(t, year)
}

/// `1月18日` in the plan's year.
fn month_day(text: &str, year: i32) -> Option<NaiveDate> {
    let (m, d) = text.trim().trim_end_matches('日').split_once('月')?;
    NaiveDate::from_ymd_opt(year, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

fn cell_month(grid: &Grid, row: u32, col: u32, year: Option<i32>, problems: &mut Vec<TableProblem>) -> Option<(i32, u32)> {
    let cell = grid.get(row, col);
    let parsed = match cell {
        Cell::Empty => return None,
        Cell::Date(d) => Some((d.year(), d.month())),
        Cell::Text(t) if t.trim().is_empty() => return None,
        Cell::Text(t) => parse_month(t, year),
        Cell::Number(n) if n.fract() == 0.0 => year.zip(month_number(*n as i64)),
        _ => None,
    };
    if parsed.is_none() {
        let hint = if year.is_none() { "月份写成 2024-01 或 2024年1月" } else { "月份写成 2024-01、2024年1月 或 1月" };
        problems.push(TableProblem::new(Some(grid.at(row, col)), format!("月份“{}”无法识别", cell.display()), hint));
    }
    parsed
}

/// `2024-01`, `2024/1`, `2024.01`, `2024年1月`; with a known year also `1月`, `01`.
pub fn parse_month(text: &str, year: Option<i32>) -> Option<(i32, u32)> {
    let t = text.trim().trim_end_matches('份').trim_end_matches('月');
    let normalized = t.replace(['年', '/', '.'], "-");
    match normalized.split_once('-') {
        Some((y, m)) => {
            let y: i32 = y.trim().parse().ok().filter(|y| (1900..=2999).contains(y))?;
            Some((y, month_number(m.trim().parse().ok()?)?))
        }
        None => Some((year?, month_number(normalized.trim().parse().ok()?)?)),
    }
}

fn month_number(n: i64) -> Option<u32> {
    (1..=12).contains(&n).then_some(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(parse_month("2024-01", None), Some((2024, 1)));
        assert_eq!(parse_month("2024年1月", None), Some((2024, 1)));
        assert_eq!(parse_month("2024/12", None), Some((2024, 12)));
        assert_eq!(parse_month("3月", Some(2024)), Some((2024, 3)));
        assert_eq!(parse_month("3月", None), None);
        assert_eq!(parse_month("2024-13", None), None);
        assert_eq!(parse_month("上半年", Some(2024)), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(status_of("已完成"), Some("done"));
        assert_eq!(status_of(" Done "), Some("done"));
        assert_eq!(status_of(""), Some("planned"));
        assert_eq!(status_of("取消"), Some("cancelled"));
        assert_eq!(status_of("延期"), None);
    }

    #[test]
    fn csv_plan() {
        let text = "机关党委2024年理论学习中心组学习计划\n\
            序号,日期,学习内容,学习形式,领学人,状态\n\
            1,2024-01-18,学习贯彻党的二十大精神,集中学习,党委书记,已完成\n\
            2,2024年2月20日,党章,专题研讨,,计划\n\
            3,3月5日,条例,自学,,延期\n\
            4,下旬,调研,调研,,\n\
            5,2024年4月,党纪,集中学习,,\n\
            6,,,,,\n\
            7,2024-06-01,,,,\n\
            8,,党史,,,\n";
        let (rows, problems) = read_sessions("plan.csv", text.as_bytes(), None, Some(2024));
        assert_eq!(rows.len(), 6);
        assert_eq!((rows[4].date, rows[4].month), (None, Some((2024, 4))));
        assert_eq!(rows[0].date, NaiveDate::from_ymd_opt(2024, 1, 18));
        assert_eq!(rows[0].month, Some((2024, 1)));
        assert_eq!((rows[0].form.as_str(), rows[0].lead.as_str(), rows[0].status.as_str()), ("集中学习", "党委书记", "已完成"));
        assert_eq!(rows[1].date, NaiveDate::from_ymd_opt(2024, 2, 20));
        assert_eq!(rows[2].date, NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(rows[3].date, None);
        let m: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(m, ["F5 状态“延期”无法识别", "B6 日期“下旬”无法识别", "C9 这一行没有学习主题", "B10 “党史”没有日期或月份"]);
    }

    #[test]
    fn month_column_and_no_date_column() {
        let (rows, p) = read_sessions("p.csv", "月份,主题,状态\n2024-01,党章,done\n2,条例,planned\n".as_bytes(), None, Some(2024));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(rows[0].month, Some((2024, 1)));
        assert_eq!(rows[1].month, Some((2024, 2)));
        let (rows, p) = read_sessions("p.csv", "主题,状态\n党章,done\n".as_bytes(), None, None);
        assert!(rows.is_empty());
        assert!(p[0].message.contains("既没有“日期”列也没有“月份”列"));
    }
}
