//! Dues ledgers (党费台账): a table file or inline `[[rows]]` → members and totals
//! rows with exact money, every problem located at its cell. Which rows are
//! members, totals (合计/总计) or subtotals (小计) is decided here; what dues are
//! expected is the domain's business.

use super::columns::{field_of, find_header, Alias, Header};
use super::table::{read_table, Cell, CellRef, Grid, TableProblem};
use crate::domain::money::{Money, MoneyError};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Index,
    Name,
    Category,
    Base,
    Months,
    Paid,
    Expected,
    ExpectedMonthly,
    Note,
    Rate,
    /// 应发工资: gross pay, the base only when the ledger has no after-tax column.
    GrossPay,
}

/// Accepted headers after `columns::normalize` (so 全年实缴（元） is 实缴). Besides
/// dwgk's own names, the headers of ledgers in use: 序号 姓名 月工资收入 执行标准
/// 月应缴党费 全年应缴党费 全年实缴党费 备注 (the common 党费收缴台账), 税后工资总额 交纳比例
/// 每月应交纳党费金额 (核算表 that list the pay items), 党费计算基数 (自查申报表), and the
/// 2008 rules' own words: 交纳, 离退休费, 养老金 (a retired member's base).
const ALIASES: &[Alias<Field>] = &[
    Alias { field: Field::Index, label: "序号", names: &["序号", "编号", "序", "no", "no."] },
    Alias { field: Field::Name, label: "姓名", names: &["姓名", "党员姓名", "名字", "党员", "name"] },
    Alias {
        field: Field::Category,
        label: "类别",
        names: &["类别", "人员类别", "党员类别", "类型", "人员类型", "党员类型", "身份", "党员身份", "人员身份", "category"],
    },
    Alias {
        field: Field::Base,
        label: "基数",
        names: &[
            "基数",
            "月工资收入",
            "缴费基数",
            "交纳基数",
            "缴纳基数",
            "计缴基数",
            "计算基数",
            "党费基数",
            "党费计算基数",
            "工资收入",
            "月收入",
            "收入",
            "工资",
            "月工资",
            "税后工资",
            "税后收入",
            "税后月收入",
            "税后工资总额",
            "实发工资",
            "月薪",
            "离退休费",
            "退休费",
            "退休金",
            "养老金",
            "base",
            "income",
        ],
    },
    Alias { field: Field::Months, label: "月数", names: &["月数", "缴费月数", "应缴月数", "交纳月数", "缴纳月数", "months"] },
    Alias {
        field: Field::Paid,
        label: "实缴",
        names: &["实缴", "已缴", "实交", "实缴纳", "实交纳", "已交", "已交纳", "已缴纳", "实收", "交纳", "缴纳", "共交纳", "paid"],
    },
    Alias { field: Field::Expected, label: "应缴", names: &["应缴", "应交", "应缴纳", "应交纳", "expected"] },
    Alias {
        field: Field::ExpectedMonthly,
        label: "月应缴",
        names: &[
            "月应缴",
            "每月应缴",
            "本月应缴",
            "月缴纳",
            "每月缴纳",
            "月应交",
            "每月应交",
            "月交纳",
            "每月交纳",
            "月应交纳",
            "每月应交纳",
            "每月应缴纳",
            "expected_monthly",
            "monthly",
        ],
    },
    Alias { field: Field::Note, label: "备注", names: &["备注", "说明", "note", "notes", "remark"] },
    Alias {
        field: Field::Rate,
        label: "执行标准",
        names: &["执行标准", "缴纳标准", "缴费标准", "交纳标准", "缴费比例", "缴纳比例", "交纳比例", "计缴比例", "党费比例", "比例", "rate"],
    },
    Alias { field: Field::GrossPay, label: "应发工资", names: &["应发工资", "应发", "工资总额", "税前工资", "gross"] },
];

const MONEY_FIELDS: [Field; 4] = [Field::Base, Field::Paid, Field::Expected, Field::ExpectedMonthly];

#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// The sheet read; `None` for CSV and inline rows.
    pub sheet: Option<String>,
    /// 1-based row of the header (0 for inline rows).
    pub header_row: u32,
    pub members: Vec<LedgerRow>,
    pub totals: Vec<TotalsRow>,
    /// Rows left out for a problem: sums over the members are not the ledger's.
    pub incomplete: bool,
    /// The header's cells that name no column dwgk reads (`部门`, `联系电话`).
    pub unrecognized: Vec<(CellRef, String)>,
    /// Said about the ledger as a whole, not errors (应发工资 taken as the base).
    pub notes: Vec<TableProblem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub name: String,
    pub name_at: CellRef,
    /// As written (在职, 离退休, ...); the caller parses it.
    pub category: Option<String>,
    /// `None` when the ledger has no category column.
    pub category_at: Option<CellRef>,
    pub base: Option<Money>,
    /// `None` when the ledger has no base column.
    pub base_at: Option<CellRef>,
    /// The row's months, else the caller's default.
    pub months: Option<u32>,
    pub paid: Money,
    pub paid_at: CellRef,
    /// Expected for the whole period (全年应缴, 应缴), informational.
    pub expected: Option<Money>,
    /// Expected per month (月应缴), informational.
    pub expected_monthly: Option<Money>,
    /// 执行标准 as written (`1%`; a percent-formatted cell reads as `1%` too).
    pub rate_text: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TotalsRow {
    pub at: CellRef,
    pub paid: Option<Money>,
    pub expected: Option<Money>,
    pub expected_monthly: Option<Money>,
}

/// One value with where it came from and its header as written.
struct Val {
    cell: Cell,
    at: CellRef,
    label: Arc<str>,
}

/// One row before classification: the mapped values, the name cell's location,
/// and the row's first text (a 合计 label may sit in the 序号 column).
struct RawRow {
    vals: Vec<(Field, Val)>,
    name_at: CellRef,
    first_text: Option<String>,
}

impl RawRow {
    fn get(&self, f: Field) -> Option<&Val> {
        self.vals.iter().find(|v| v.0 == f).map(|v| &v.1)
    }

    fn cell(&self, f: Field) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.get(f).map_or(&EMPTY, |v| &v.cell)
    }
}

/// Reads a ledger file. `months_default` (3 for a quarter's ledger, 12 for a
/// year's) fills `months` where the column is absent or the cell is empty.
/// The ledger is `None` only when the file or its header cannot be used; rows
/// with problems are left out of it. All problems are returned.
pub fn read_ledger(file_name: &str, bytes: &[u8], sheet: Option<&str>, months_default: Option<u32>) -> (Option<Ledger>, Vec<TableProblem>) {
    match read_table(file_name, bytes, sheet) {
        Ok(grid) => ledger_from_grid(&grid, months_default),
        Err(e) => (None, vec![e.into()]),
    }
}

/// The ledger in an already read sheet.
pub fn ledger_from_grid(grid: &Grid, months_default: Option<u32>) -> (Option<Ledger>, Vec<TableProblem>) {
    let (header, mut problems) = find_header(grid, ALIASES, Field::Name, &[Field::Name, Field::Paid]);
    let Some(mut header) = header else { return (None, problems) };
    let mut notes = Vec::new();
    gross_pay_as_base(grid, &mut header, &mut notes);
    let unrecognized = (1..=grid.row(header.row).len() as u32)
        .filter_map(|c| {
            grid.get(header.row, c)
                .text()
                .filter(|t| !t.trim().is_empty() && field_of(ALIASES, t).is_none())
                .map(|t| (grid.at(header.row, c), t.trim().to_string()))
        })
        .collect();
    let rows = (header.row + 1..=grid.height()).map(|r| grid_row(grid, &header, r));
    let before = problems.len();
    let (members, totals) = classify_rows(rows, months_default, &mut problems);
    let sheet = grid.sheet.as_deref().map(str::to_string);
    let incomplete = problems.len() > before;
    (Some(Ledger { sheet, header_row: header.row, members, totals, incomplete, unrecognized, notes }), problems)
}

/// 应发工资 is pay before tax; the base is after tax. Used only when the ledger has
/// no after-tax column, with a note at its header.
fn gross_pay_as_base(grid: &Grid, header: &mut Header<Field>, notes: &mut Vec<TableProblem>) {
    let has_base = header.col(Field::Base).is_some();
    let Some(gross) = header.cols.iter_mut().find(|c| c.0 == Field::GrossPay) else { return };
    if has_base {
        return;
    }
    gross.0 = Field::Base;
    notes.push(TableProblem::new(
        Some(grid.at(header.row, gross.1)),
        format!("台账没有税后工资列，“{}”已当作月工资收入基数", gross.2),
        "党费按税后的月工资收入计算：“应发工资”一般是税前金额，按它算出的应缴党费会偏高；请把这一列换成税后工资（或另加一列“税后工资”）",
    ));
}

/// Which column a ledger lacks for judging its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Base,
    Category,
}

/// One note at the header for a column the ledger lacks (instead of one finding per
/// member): at the unrecognised header most like it, with the names dwgk reads.
pub fn missing_column(ledger: &Ledger, which: Missing, members: usize) -> TableProblem {
    let (field, like, what): (Field, &[&str], &str) = match which {
        Missing::Base => (Field::Base, &["工资", "收入", "基数", "薪", "退休", "养老"], "位在职、离退休党员的应缴党费无法核算"),
        Missing::Category => (Field::Category, &["类", "身份", "在职", "退休"], "位党员的类别不明，缴纳标准无法判断"),
    };
    let label = super::columns::label_of(ALIASES, field);
    let names = super::columns::accepted(ALIASES, field);
    let candidate = ledger.unrecognized.iter().find(|(_, t)| like.iter().any(|w| t.contains(w)));
    let others: Vec<&str> = ledger.unrecognized.iter().map(|(_, t)| t.as_str()).collect();
    let message = match candidate {
        Some((_, t)) => format!("表头“{t}”不是认得的列名：台账没有“{label}”列，{members} {what}"),
        None => format!("台账没有“{label}”列，{members} {what}"),
    };
    let hint = match others.is_empty() {
        true => format!("加一列“{label}”；可写作：{names}"),
        false => format!("把这一列的表头改为“{label}”；可写作：{names}（表头中没有认出的列：{}）", others.join("、")),
    };
    let at = candidate.map(|(at, _)| at.clone()).or_else(|| ledger.unrecognized.first().map(|(at, _)| at.clone()));
    TableProblem::new(at, message, hint)
}

fn grid_row(grid: &Grid, header: &Header<Field>, row: u32) -> RawRow {
    let vals = header
        .cols
        .iter()
        .filter(|c| c.0 != Field::Index)
        .map(|(f, col, label)| (*f, Val { cell: merged_value(grid, row, *col, *f), at: grid.at(row, *col), label: label.clone() }))
        .collect();
    let name_col = header.col(Field::Name).unwrap_or(1);
    let first_text = grid.row(row).iter().find_map(|c| c.text().filter(|t| !t.is_empty()).map(str::to_string));
    RawRow { vals, name_at: grid.at(row, name_col), first_text }
}

/// A text column merged down several rows (类别 "在职" over a group) holds its
/// value in the first cell only; it applies to every row of the merge.
fn merged_value(grid: &Grid, row: u32, col: u32, field: Field) -> Cell {
    let cell = grid.get(row, col);
    if !matches!(field, Field::Category | Field::Rate) || !cell.is_empty() {
        return cell.clone();
    }
    let merge = grid.merges.iter().flatten().find(|m| m.first.1 <= col && col <= m.last.1 && m.first.0 < row && row <= m.last.0);
    merge.map_or(Cell::Empty, |m| grid.get(m.first.0, m.first.1).clone())
}

// ---- inline [[rows]] ----

/// A ledger from front matter `[[rows]]` (keys as the column headers: `name` or
/// 姓名, `paid` or 实缴, ...). Locations read `rows[3].paid`, counting from 1.
pub fn ledger_from_rows(rows: &[serde_json::Value], months_default: Option<u32>) -> (Option<Ledger>, Vec<TableProblem>) {
    let mut problems = Vec::new();
    let raw: Vec<RawRow> = rows.iter().enumerate().filter_map(|(i, v)| inline_row(i + 1, v, &mut problems)).collect();
    let before = problems.len();
    let (members, totals) = classify_rows(raw.into_iter(), months_default, &mut problems);
    let incomplete = problems.len() > before;
    (Some(Ledger { sheet: None, header_row: 0, members, totals, incomplete, unrecognized: Vec::new(), notes: Vec::new() }), problems)
}

fn inline_row(index: usize, value: &serde_json::Value, problems: &mut Vec<TableProblem>) -> Option<RawRow> {
    let at = |key: &str| CellRef::Inline { index, key: key.to_string() };
    let Some(map) = value.as_object() else {
        problems.push(TableProblem::new(Some(at("")), "[[rows]] 的每一项应是一张表（name = …, paid = …）", "按文档示例写 [[rows]]"));
        return None;
    };
    let mut vals = Vec::new();
    for (key, v) in map {
        match field_of(ALIASES, key) {
            Some(Field::Index) => {}
            Some(Field::GrossPay) if map.keys().any(|k| field_of(ALIASES, k) == Some(Field::Base)) => {}
            Some(Field::GrossPay) => vals.push((Field::Base, Val { cell: json_cell(v), at: at(key), label: Arc::from(key.as_str()) })),
            Some(f) => vals.push((f, Val { cell: json_cell(v), at: at(key), label: Arc::from(key.as_str()) })),
            None => problems.push(TableProblem::new(
                Some(at(key)),
                format!("不认识的键“{key}”"),
                "可用的键：name（姓名）、category（类别）、base（基数）、months（月数）、paid（实缴）、expected（应缴）、note（备注）",
            )),
        }
    }
    let name_key = vals.iter().find(|v| v.0 == Field::Name).map_or("name".to_string(), |v| v.1.label.to_string());
    Some(RawRow { vals, name_at: at(&name_key), first_text: None })
}

fn json_cell(v: &serde_json::Value) -> Cell {
    match v {
        serde_json::Value::Null => Cell::Empty,
        serde_json::Value::Bool(b) => Cell::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(Cell::Text(n.to_string()), Cell::Number),
        serde_json::Value::String(s) if s.trim().is_empty() => Cell::Empty,
        serde_json::Value::String(s) => Cell::Text(s.clone()),
        other => Cell::Text(other.to_string()),
    }
}

// ---- rows ----

enum Kind {
    Skip,
    Totals,
    Member(String),
}

fn classify_rows(rows: impl Iterator<Item = RawRow>, months_default: Option<u32>, problems: &mut Vec<TableProblem>) -> (Vec<LedgerRow>, Vec<TotalsRow>) {
    let (mut members, mut totals) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, CellRef> = HashMap::new();
    for row in rows {
        match kind(&row, problems) {
            Kind::Skip => {}
            Kind::Totals => totals.push(totals_row(&row, problems)),
            Kind::Member(name) => {
                if let Some(first) = seen.get(&name) {
                    problems.push(duplicate(&name, first, &row.name_at));
                    continue;
                }
                seen.insert(name.clone(), row.name_at.clone());
                if let Some(m) = member(name, &row, months_default, problems) {
                    members.push(m);
                }
            }
        }
    }
    (members, totals)
}

fn kind(row: &RawRow, problems: &mut Vec<TableProblem>) -> Kind {
    let name_cell = row.cell(Field::Name);
    let name = clean_name(&name_cell.display());
    let label = if name.is_empty() { row.first_text.as_deref().map(clean_name).unwrap_or_default() } else { name.clone() };
    let marker = label.trim_end_matches([':', '：']);
    if matches!(marker, "合计" | "总计") {
        return Kind::Totals;
    }
    if ["小计", "合计", "总计"].iter().any(|s| marker.ends_with(s)) {
        return Kind::Skip; // subtotals, including 在职党员合计
    }
    let has_money = MONEY_FIELDS.iter().any(|f| holds_amount(row.cell(*f)));
    if name.is_empty() {
        if has_money {
            problems.push(TableProblem::new(Some(row.name_at.clone()), "这一行有金额但没有姓名", "补上姓名；如果这是合计行，在姓名列写“合计”"));
        }
        return Kind::Skip; // blank, or a numbered template row
    }
    if (name.contains(':') || name.contains('：')) && !has_money {
        return Kind::Skip; // 填表人：张三, 说明：…
    }
    Kind::Member(name)
}

/// Not empty and not a plain zero (template rows carry 0 from their formulas).
fn holds_amount(cell: &Cell) -> bool {
    match cell {
        Cell::Number(n) => *n != 0.0,
        Cell::Text(t) => !t.trim().is_empty() && Money::parse(t) != Ok(Money::ZERO) && !is_not_applicable(t),
        // Error values and uncalculated formulas in template rows say nothing.
        Cell::Empty | Cell::Error(_) | Cell::Uncached(_) => false,
        Cell::Bool(_) | Cell::Date(_) => true,
    }
}

/// Chinese names lose the spaces used to align them (张 三); Latin names keep
/// single spaces.
fn clean_name(s: &str) -> String {
    if s.chars().any(|c| c.is_ascii_alphabetic()) {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

fn duplicate(name: &str, first: &CellRef, at: &CellRef) -> TableProblem {
    TableProblem::new(
        Some(at.clone()),
        format!("姓名“{name}”重复：{first} 也是“{name}”"),
        format!("一个人只写一行；确有同名党员时，给姓名加上区分标记，如 {name}(二)、{name}（机关）"),
    )
}

fn member(name: String, row: &RawRow, months_default: Option<u32>, problems: &mut Vec<TableProblem>) -> Option<LedgerRow> {
    let paid_val = row.get(Field::Paid);
    let paid = match paid_val.map(|v| money(v, false, problems)) {
        Some(Ok(Some(m))) => Some(m),
        Some(Ok(None)) | None => {
            let at = paid_val.map_or_else(|| row.name_at.clone(), |v| v.at.clone());
            problems.push(TableProblem::new(Some(at), format!("“{name}”的实缴是空的"), "没有缴纳请填 0；如果这一行是分组标题，请删除或把它写在序号列"));
            None
        }
        Some(Err(())) => None,
    };
    let base = optional_money(row, Field::Base, problems);
    let expected = optional_money(row, Field::Expected, problems);
    let expected_monthly = optional_money(row, Field::ExpectedMonthly, problems);
    let months = match row.get(Field::Months) {
        Some(v) => months(v, problems).map(|m| m.or(months_default)),
        None => Ok(months_default),
    };
    let (Some(paid), Ok(base), Ok(expected), Ok(expected_monthly), Ok(months)) = (paid, base, expected, expected_monthly, months) else {
        return None;
    };
    Some(LedgerRow {
        name,
        name_at: row.name_at.clone(),
        category: row.get(Field::Category).map(|v| v.cell.display()).filter(|s| !s.is_empty()),
        category_at: row.get(Field::Category).map(|v| v.at.clone()),
        base,
        base_at: row.get(Field::Base).map(|v| v.at.clone()),
        months,
        paid_at: paid_val.map(|v| v.at.clone())?,
        paid,
        expected,
        expected_monthly,
        rate_text: row.get(Field::Rate).map(|v| rate_text(&v.cell)).filter(|s| !s.is_empty()),
        note: row.get(Field::Note).map(|v| v.cell.display()).unwrap_or_default(),
    })
}

fn totals_row(row: &RawRow, problems: &mut Vec<TableProblem>) -> TotalsRow {
    let mut amount = |f| optional_money(row, f, problems).ok().flatten();
    let (paid, expected, expected_monthly) = (amount(Field::Paid), amount(Field::Expected), amount(Field::ExpectedMonthly));
    let at = row.get(Field::Paid).map_or_else(|| row.name_at.clone(), |v| v.at.clone());
    TotalsRow { at, paid, expected, expected_monthly }
}

fn optional_money(row: &RawRow, f: Field, problems: &mut Vec<TableProblem>) -> Result<Option<Money>, ()> {
    row.get(f).map_or(Ok(None), |v| money(v, true, problems))
}

/// 无, —, / in an optional column mean "not applicable".
fn is_not_applicable(t: &str) -> bool {
    matches!(t.trim(), "-" | "—" | "——" | "－" | "/" | "／" | "\\" | "无" | "不适用")
}

/// A money cell: `Ok(None)` when empty, `Err` after reporting a problem.
fn money(v: &Val, optional: bool, problems: &mut Vec<TableProblem>) -> Result<Option<Money>, ()> {
    let label = &v.label;
    let parsed = match &v.cell {
        Cell::Empty => return Ok(None),
        Cell::Text(t) if t.trim().is_empty() || (optional && is_not_applicable(t)) => return Ok(None),
        Cell::Number(n) => Money::from_f64(*n).map_err(|e| (e, n.to_string())),
        Cell::Text(t) => text_money(t).map_err(|e| (e, t.trim().to_string())),
        other => return report(problems, not_money(v, other)),
    };
    match parsed {
        Ok(m) if m.is_negative() => {
            report(problems, TableProblem::new(Some(v.at.clone()), format!("“{label}”是负数 {m}"), "金额不能为负；退费、补缴等情况请在备注中说明"))
        }
        Ok(m) => Ok(Some(m)),
        Err((e, shown)) => report(problems, money_error(v, e, &shown)),
    }
}

/// An amount as officers write it in a text cell: `44.25`, `44.25元`, `￥44.25`,
/// `¥ 44.25`, `１２.５０` (full-width digits), blanks around it.
fn text_money(t: &str) -> Result<Money, MoneyError> {
    let half: String = t
        .chars()
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            } else if c == '．' {
                '.'
            } else {
                c
            }
        })
        .collect();
    match Money::parse(&half) {
        Err(MoneyError::Decorated(core)) => Money::parse(&core),
        other => other,
    }
}

fn money_error(v: &Val, e: MoneyError, shown: &str) -> TableProblem {
    let (label, at) = (&v.label, Some(v.at.clone()));
    match e {
        MoneyError::Decorated(n) => TableProblem::new(at, format!("“{label}”写成了“{shown}”：金额里有单位或符号"), format!("只写数字 {n}（单位是元）")),
        MoneyError::NotANumber => {
            TableProblem::new(at, format!("“{label}”应为数字，实际是“{shown}”"), "用阿拉伯数字写金额，如 50 或 50.00；不要写大写金额、文字或单位")
        }
        // A front-matter number arrives as a float (`1e20`): the line shown under
        // the message has it as written, so only a cell's value is quoted.
        MoneyError::TooLarge if matches!(v.at, CellRef::Inline { .. }) => {
            TableProblem::new(at, format!("“{label}”的金额太大：超过 100 亿元，不像是真实的金额"), "检查是否多写了几位数字")
        }
        MoneyError::TooLarge => TableProblem::new(at, format!("“{label}”的金额 {shown} 太大：超过 100 亿元，不像是真实的金额"), "检查是否多写了几位数字"),
    }
}

/// A cell that cannot be money: date, true/false, error value, uncalculated formula.
fn not_money(v: &Val, cell: &Cell) -> TableProblem {
    let (label, at) = (&v.label, Some(v.at.clone()));
    match cell {
        Cell::Date(_) => TableProblem::new(at, format!("“{label}”是日期 {}，不是金额", cell.display()), "把这个单元格的格式改为“数值”或“常规”，再填写金额"),
        Cell::Error(e) => TableProblem::new(at, format!("“{label}”是错误值 {e}"), "在 Excel/WPS 中改正这个单元格的公式或引用，再保存"),
        Cell::Uncached(f) => uncached(v, f),
        _ => TableProblem::new(at, format!("“{label}”应为数字，实际是“{}”", cell.display()), "用阿拉伯数字写金额，如 50 或 50.00"),
    }
}

fn uncached(v: &Val, formula: &str) -> TableProblem {
    TableProblem::new(
        Some(v.at.clone()),
        format!("“{}”是公式 ={formula}，但文件里没有它的计算结果", v.label),
        "公式没有缓存的计算结果：请在 Excel/WPS 中打开并保存一次（由程序生成的表格常有这个问题）",
    )
}

/// Months in the period: an integer 0..=12 (0: a member who owed nothing this period).
fn months(v: &Val, problems: &mut Vec<TableProblem>) -> Result<Option<u32>, ()> {
    let label = &v.label;
    let bad = |shown: String, hint: String| TableProblem::new(Some(v.at.clone()), format!("“{label}”应为 0 到 12 的整数，实际是“{shown}”"), hint);
    let plain_hint = || "只写月数，如 3".to_string();
    let n = match &v.cell {
        Cell::Empty => return Ok(None),
        Cell::Text(t) if t.trim().is_empty() || is_not_applicable(t) => return Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && (0.0..=12.0).contains(n) => *n as u32,
        // `3`, and `3个月` as officers write it.
        Cell::Text(t) => match t.trim().trim_end_matches("个月").trim_end_matches('月').trim().parse::<u32>() {
            Ok(n) if n <= 12 => n,
            _ => return report(problems, bad(t.trim().to_string(), plain_hint())),
        },
        Cell::Uncached(f) => return report(problems, uncached(v, f)),
        other => return report(problems, bad(other.display(), plain_hint())),
    };
    Ok(Some(n))
}

/// 执行标准 as shown: a percent-formatted 0.015 reads `1.5%`.
fn rate_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) if *n > 0.0 && *n < 1.0 => {
            let pct = format!("{:.4}", n * 100.0);
            format!("{}%", pct.trim_end_matches('0').trim_end_matches('.'))
        }
        other => other.display(),
    }
}

/// Records a problem and fails.
fn report<T>(problems: &mut Vec<TableProblem>, p: TableProblem) -> Result<T, ()> {
    problems.push(p);
    Err(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> (Option<Ledger>, Vec<TableProblem>) {
        read_ledger("a.csv", text.as_bytes(), None, Some(3))
    }

    fn messages(p: &[TableProblem]) -> Vec<String> {
        p.iter().map(|p| p.to_string()).collect()
    }

    const COMMON: &str = "第一党支部2024年第一季度党费收缴明细,,,,,,,\n\
        序号,姓名,月工资收入（元）,执行标准,月应缴,全年应缴,全年实缴,备注\n\
        1,张 三,4000,1%,40,480,480,\n\
        2,李四,12000.50,2%,240.01,2880.12,3000,多缴\n\
        ,,,,,,,\n\
        3,,,,0,0,,\n\
        合 计,,,,280.01,3360.12,3480,\n\
        填表人：王五,,,,,,,\n";

    #[test]
    fn common_layout_with_title_row() {
        let (ledger, problems) = csv(COMMON);
        assert!(problems.is_empty(), "{problems:?}");
        let l = ledger.unwrap();
        assert_eq!(l.header_row, 2);
        assert_eq!(l.members.len(), 2);
        let z = &l.members[0];
        assert_eq!(z.name, "张三");
        assert_eq!(z.name_at.to_string(), "B3");
        assert_eq!(z.base.unwrap().to_string(), "4000.00");
        assert_eq!(z.expected_monthly.unwrap().to_string(), "40.00");
        assert_eq!(z.expected.unwrap().to_string(), "480.00");
        assert_eq!(z.paid_at.to_string(), "G3");
        assert_eq!(z.months, Some(3), "no 月数 column: the caller's default");
        assert_eq!(z.rate_text.as_deref(), Some("1%"));
        assert_eq!(z.category, None);
        assert_eq!(z.category_at, None);
        assert_eq!(l.members[1].note, "多缴");
        assert_eq!(l.totals.len(), 1);
        assert_eq!(l.totals[0].paid.unwrap().to_string(), "3480.00");
        assert_eq!(l.members.iter().map(|m| m.paid).sum::<Money>().to_string(), "3480.00");
    }

    #[test]
    fn totals_that_do_not_add_up() {
        let (l, p) = csv("姓名,实缴,应缴\n张三,10,10\n李四,20,\n总计,31,99\n");
        assert!(p.is_empty(), "{p:?}");
        // The reader reports the 合计 row as written; `domain::dues` compares it.
        let l = l.unwrap();
        assert_eq!((l.totals[0].paid.unwrap().to_string(), l.totals[0].expected.unwrap().to_string()), ("31.00".into(), "99.00".into()));
        assert_eq!(l.totals[0].at.to_string(), "B4");
        assert_eq!(l.members.len(), 2, "the totals row is not a member");
    }

    #[test]
    fn subtotals_and_labels_in_other_columns() {
        let (l, p) = csv("序号,姓名,实缴\n1,张三,10\n小计,,10\n2,李四,5\n在职党员合计,,15\n合计,,15\n");
        assert!(p.is_empty(), "{p:?}");
        let l = l.unwrap();
        assert_eq!(l.members.len(), 2);
        assert_eq!(l.totals.len(), 1);
        assert_eq!(l.totals[0].at.to_string(), "C6");
    }

    #[test]
    fn bad_values_are_all_reported() {
        let (l, p) = csv("姓名,类别,基数,月数,实缴\n\
             甲,在职,4000,3,伍拾元\n\
             乙,在职,4000,3,50元\n\
             丙,在职,4000,13,-5\n\
             丁,学生,/,3个月,\n\
             ,,,,30\n\
             戊,在职,4000,3,60\n\
             戊,在职,4000,3,60\n");
        let l = l.unwrap();
        assert_eq!(l.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["乙", "戊"], "50元 is read as 50");
        assert_eq!(l.members[0].paid.to_string(), "50.00");
        assert!(l.incomplete, "rows were left out");
        let m = messages(&p);
        let expected = [
            "E2 “实缴”应为数字，实际是“伍拾元”",
            "E4 “实缴”是负数 -5.00",
            "D4 “月数”应为 0 到 12 的整数，实际是“13”",
            "E5 “丁”的实缴是空的",
            "A6 这一行有金额但没有姓名",
            "A8 姓名“戊”重复：A7 也是“戊”",
        ];
        for e in expected {
            assert!(m.iter().any(|x| x == e), "missing {e:?} in {m:#?}");
        }
        assert_eq!(m.len(), expected.len(), "{m:#?}");
    }

    #[test]
    fn amounts_as_officers_write_them() {
        let (l, p) = csv("姓名,月数,实缴\n甲,3,44.25元\n乙,3个月,￥44.25\n丙,3,¥ 44.25\n丁,3,44.25 \n戊,3,４４．２５\n");
        assert!(p.is_empty(), "{p:?}");
        let l = l.unwrap();
        assert!(l.members.iter().all(|m| m.paid.to_string() == "44.25" && m.months == Some(3)), "{:?}", l.members);
        assert!(!l.incomplete);
    }

    #[test]
    fn synonyms_of_real_ledgers_and_gross_pay() {
        let (l, p) = csv("党员姓名,税后工资,交纳比例,每月应交纳党费金额,共交纳党费,联系电话\n张三,4000,1%,40,120,123\n");
        assert!(p.is_empty(), "{p:?}");
        let l = l.unwrap();
        let z = &l.members[0];
        assert_eq!(
            (z.base.unwrap().to_string(), z.paid.to_string(), z.expected_monthly.unwrap().to_string()),
            ("4000.00".into(), "120.00".into(), "40.00".into())
        );
        assert_eq!(l.unrecognized.iter().map(|(at, t)| format!("{at} {t}")).collect::<Vec<_>>(), ["F1 联系电话"]);
        let (l, _) = csv("姓名,应发工资,实缴\n张三,5000,50\n");
        let l = l.unwrap();
        assert_eq!(l.members[0].base.unwrap().to_string(), "5000.00", "gross pay stands in for the base");
        assert_eq!(messages(&l.notes), ["B1 台账没有税后工资列，“应发工资”已当作月工资收入基数"]);
        let (l, _) = csv("姓名,应发工资,税后工资,实缴\n张三,5000,4500,50\n");
        let l = l.unwrap();
        assert_eq!(l.members[0].base.unwrap().to_string(), "4500.00", "the after-tax column wins");
        assert!(l.notes.is_empty());
    }

    #[test]
    fn a_missing_column_is_one_note_at_the_header() {
        let (l, _) = csv("姓名,类别,薪资,实缴\n张三,在职,4000,10\n");
        let l = l.unwrap();
        assert!(l.members[0].base_at.is_none(), "an unrecognised header");
        let note = missing_column(&l, Missing::Base, 1);
        assert_eq!(note.to_string(), "C1 表头“薪资”不是认得的列名：台账没有“基数”列，1 位在职、离退休党员的应缴党费无法核算");
        assert!(note.hint.contains("月工资收入") && note.hint.contains("税后工资"), "{}", note.hint);
    }

    #[test]
    fn missing_and_doubled_columns() {
        let (l, p) = csv("序号,姓名,应缴\n1,张三,10\n");
        assert!(l.is_none());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].message, "表头（第 1 行）缺少“实缴”列；找到的列有：序号、姓名、应缴");
        assert!(p[0].hint.contains("全年") && p[0].hint.contains("paid"), "{}", p[0].hint);

        let (l, p) = csv("姓名,实缴,全年实缴（元）\n张三,10,10\n");
        assert!(l.is_none());
        assert_eq!(messages(&p), ["C1 “全年实缴（元）”和“实缴”（B1）都是“实缴”列"]);

        let (l, p) = csv("党费收缴\n序号,金额\n");
        assert!(l.is_none());
        assert!(p[0].message.starts_with("前 10 行中找不到表头：没有“姓名”列"), "{p:?}");
    }

    #[test]
    fn english_headers_and_months_column() {
        let (l, p) = read_ledger("a.csv", b"Name,Category,Base,Months,Paid\nAnn  Lee,retired,3000,2,30\nBo,x,,,1\n", None, None);
        assert!(p.is_empty(), "{p:?}");
        let l = l.unwrap();
        assert_eq!(l.members[0].name, "Ann Lee");
        assert_eq!(l.members[0].months, Some(2));
        assert_eq!(l.members[0].category.as_deref(), Some("retired"));
        assert_eq!(l.members[1].months, None, "empty cell, no default");
        assert_eq!(l.members[1].base, None);
        assert!(l.members[1].base_at.is_some());
    }

    #[test]
    fn header_gap_in_csv_is_explained() {
        let (l, p) = csv("姓名,党费,,备注\n,应缴,实缴,\n张三,10,10,\n");
        // The two-row header has no 实缴 in its first row: the header is refused,
        // and the blank header cell over data is explained.
        assert!(l.is_none());
        assert!(p.iter().any(|p| p.message.starts_with("表头 C1 是空的")), "{p:?}");
    }

    #[test]
    fn inline_rows() {
        let rows: Vec<serde_json::Value> = serde_json::from_str(
            r#"[{"name":"张三","category":"在职","base":4000,"paid":120},
                {"姓名":"李四","类别":"离退休","基数":"3000.5","实缴":"45元"},
                {"name":"王五","paid":10,"piad":3},
                {"name":"合计","paid":130}]"#,
        )
        .unwrap();
        let (l, p) = ledger_from_rows(&rows, Some(3));
        let l = l.unwrap();
        assert_eq!(l.members.len(), 3);
        assert_eq!(l.members[0].paid_at.to_string(), "rows[1].paid");
        assert_eq!(l.members[0].months, Some(3));
        assert_eq!(l.members[0].base.unwrap().to_string(), "4000.00");
        assert_eq!(l.members[1].paid.to_string(), "45.00", "45元 is read as 45");
        assert_eq!(messages(&p), ["rows[3].piad 不认识的键“piad”"]);
        assert_eq!(l.totals.len(), 1);
        assert_eq!(l.totals[0].paid.unwrap().to_string(), "130.00");
    }

    #[test]
    fn percent_cells_read_as_percent() {
        assert_eq!(rate_text(&Cell::Number(0.015)), "1.5%");
        assert_eq!(rate_text(&Cell::Number(0.005)), "0.5%");
        assert_eq!(rate_text(&Cell::Text("2%".into())), "2%");
    }
}
