//! Dues disclosures (党费公示): each dues page's ledger (a spreadsheet file or
//! inline `[[rows]]`) read, checked against the rate table and evaluated. Pure:
//! file contents arrive from the IO shell. Problems that make a ledger unusable
//! are errors; findings (arrears, gaps, 合计 mismatches) are warnings, shown to
//! internal readers and by `check`, never in a public build.

use super::tables::{self, Files};
use super::Site;
use crate::content::kind::Kind;
use crate::content::ledger::{self, Ledger};
use crate::content::table::CellRef;
use crate::content::table::TableProblem;
use crate::diag::Diagnostic;
use crate::domain::dues::{self, Category, DuesReport, FindingKind, Member};
use crate::domain::money::Money;
use crate::domain::period::Period;
use serde_json::Value;
use std::collections::HashMap;

/// One evaluated disclosure.
#[derive(Debug, Clone)]
pub struct Disclosure {
    pub period: Option<Period>,
    pub report: DuesReport,
    pub remitted: Option<Remitted>,
    /// The ledger file (relative to `content/`) and sheet; `None` for inline rows.
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// Where each member row is, for findings (`Sheet1!B7`, `rows[3]`).
    pub member_at: Vec<String>,
}

/// `remitted = { amount = 1234.50, date = 2024-04-10, to = "机关党委" }`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Remitted {
    pub amount: Money,
    pub date: Option<String>,
    pub to: Option<String>,
}

/// Reads and evaluates every dues page: `(disclosures by page, errors, findings)`.
pub fn build(site: &Site, files: &Files) -> (HashMap<usize, Disclosure>, Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut out = HashMap::new();
    let mut errors = Vec::new();
    let mut findings = Vec::new();
    for (i, p) in site.pages.iter().enumerate().filter(|(i, p)| p.kind == Some(Kind::Dues) && tables::read_for(site, *i)) {
        let period = period_of(site, i, &mut errors);
        let months_default = period.map(|p| p.per.months());
        let remitted = remitted_of(site, i, &mut errors);
        let (ledger, problems, file) = match tables::named_file(site, i) {
            Some((_, rel)) => match files.get(&rel) {
                Some(Ok(bytes)) => {
                    let (l, probs) = ledger::read_ledger(&rel, bytes, tables::sheet(site, i).as_deref(), months_default);
                    (l, probs, Some(rel))
                }
                Some(Err(e)) => {
                    errors.push(Diagnostic::error(format!("无法读取党费台账：{e}")).file(format!("content/{rel}")).hint(tables::read_hint(e)));
                    continue;
                }
                // Missing files are reported by `tables::wanted`.
                None => continue,
            },
            None => match p.extra.get("rows") {
                Some(Value::Array(rows)) => {
                    let (l, probs) = ledger::ledger_from_rows(rows, months_default);
                    (l, probs, None)
                }
                Some(other) => {
                    errors.push(
                        p.src
                            .key_error("rows", format!("rows 应是 [[rows]] 表的列表，实际是 {other}"))
                            .hint("每位党员写一个 [[rows]]：name、category、base、months、paid"),
                    );
                    continue;
                }
                None => {
                    errors.push(
                        Diagnostic::error("党费公示既没有 ledger 台账文件，也没有 [[rows]]")
                            .file(&p.src.display)
                            .at_line(&p.src.text, 1)
                            .hint("加一行 ledger = \"dues-2024-q1.xlsx\"（台账放在本页同一文件夹），或逐人写 [[rows]]"),
                    );
                    continue;
                }
            },
        };
        errors.extend(problems.iter().map(|pr| locate(site, i, file.as_deref(), pr)));
        let Some(ledger) = ledger else { continue };
        let dropped = errors.len();
        let (members, member_at) = members(site, i, file.as_deref(), &ledger, months_default, &mut errors);
        let incomplete = ledger.incomplete || errors.len() > dropped;
        let totals: Vec<dues::TotalsRow> = ledger.totals.iter().map(|t| dues::TotalsRow { at: t.at.to_string(), paid: t.paid, expected: t.expected }).collect();
        let mut report = dues::evaluate(&members, &totals, remitted.as_ref().map(|r| r.amount), &site.config.dues.rates);
        if let Some(rel) = &file {
            let notes = ledger_notes(&ledger, &mut report, incomplete);
            findings.extend(notes.iter().map(|n| warning(tables::table_error(rel, n))));
        }
        for f in &report.findings {
            let at = f.member.and_then(|m| member_at.get(m)).cloned().or_else(|| f.at.clone());
            let d = match (&file, at) {
                (Some(rel), Some(at)) => Diagnostic::warning(f.message.clone()).file(format!("content/{rel}!{at}")),
                (Some(rel), None) => Diagnostic::warning(f.message.clone()).file(format!("content/{rel}")),
                (None, _) => Diagnostic::warning(f.message.clone()).file(&p.src.display),
            };
            let prefix = if f.serious { "【严重】" } else { "" };
            let mut d = d.hint(f.hint.clone());
            d.message = format!("{prefix}{}：{}", p.title, d.message);
            findings.push(d);
        }
        out.insert(i, Disclosure { period, report, remitted, file, sheet: ledger.sheet.clone(), member_at });
    }
    (out, errors, findings)
}

/// What a ledger file says as a whole: its own notes, one note for a column it
/// lacks (instead of a finding per member, which are taken out of the report), and
/// no sums compared when rows were left out for errors (the errors say why).
fn ledger_notes(ledger: &Ledger, report: &mut DuesReport, incomplete: bool) -> Vec<TableProblem> {
    let mut notes = ledger.notes.clone();
    // A column the ledger lacks is absent from every member row.
    let first = ledger.members.first();
    let missing = [
        (first.is_some_and(|m| m.base_at.is_none()), dues::Unjudged::MissingBase, ledger::Missing::Base),
        (first.is_some_and(|m| m.category_at.is_none()), dues::Unjudged::NoCategory, ledger::Missing::Category),
    ];
    for (absent, why, column) in missing {
        let count = report.members.iter().filter(|m| m.unjudged == Some(why)).count();
        if absent && count > 0 {
            report.findings.retain(|f| !(f.kind == FindingKind::CannotJudge && f.member.is_some_and(|m| report.members[m].unjudged == Some(why))));
            notes.push(ledger::missing_column(ledger, column, count));
        }
    }
    if incomplete {
        report.findings.retain(|f| !matches!(f.kind, FindingKind::TotalsMismatch | FindingKind::RemittanceGap));
    }
    notes
}

fn warning(mut d: Diagnostic) -> Diagnostic {
    d.severity = crate::diag::Severity::Warning;
    d
}

fn period_of(site: &Site, page: usize, errors: &mut Vec<Diagnostic>) -> Option<Period> {
    let p = &site.pages[page];
    let text = match p.extra.get("period") {
        None => return None,
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    };
    let period = Period::parse(&text);
    if period.is_none() {
        errors.push(
            p.src
                .key_error("period", format!("公示时段 period “{text}” 无效"))
                .hint("写成 2024-Q1（第一季度）、2024-H1（上半年）、2024（全年）或 2024-03（月份），也可写 2024年第一季度、2024年上半年"),
        );
    }
    period
}

fn remitted_of(site: &Site, page: usize, errors: &mut Vec<Diagnostic>) -> Option<Remitted> {
    let p = &site.pages[page];
    let v = p.extra.get("remitted")?;
    let hint = "写成 remitted = { amount = 1234.50, date = 2024-04-10, to = \"机关党委\" }";
    let Some(map) = v.as_object() else {
        errors.push(p.src.key_error("remitted", format!("remitted 应是一个表，实际是 {v}")).hint(hint));
        return None;
    };
    let amount = match map.get("amount") {
        Some(Value::Number(n)) => n.as_f64().map(Money::from_f64),
        Some(Value::String(s)) => Some(Money::parse(s)),
        _ => None,
    };
    let amount = match amount {
        Some(Ok(m)) if !m.is_negative() => m,
        other => {
            let d = p.src.key_error("remitted", "");
            // As written in the file: a TOML number arrives as a float (`1e20`).
            let written = d.source_line.as_deref().and_then(|l| written_after(l, "amount")).map(str::to_string);
            let written = written.or_else(|| map.get("amount").map(Value::to_string)).unwrap_or_else(|| "（未填）".into());
            let message = match other {
                None if !map.contains_key("amount") => "上缴金额 remitted.amount 没有填写".to_string(),
                Some(Ok(_)) => format!("上缴金额 remitted.amount 不能是负数：{written}"),
                Some(Err(crate::domain::money::MoneyError::TooLarge)) => format!("上缴金额 remitted.amount 太大：{written} 超过 100 亿元，不像是真实的金额"),
                _ => format!("上缴金额 remitted.amount 应是数字，实际是 {written}"),
            };
            errors.push(Diagnostic { message, ..d }.hint(hint));
            return None;
        }
    };
    let text = |k: &str| map.get(k).and_then(|v| v.as_str().map(str::to_string));
    Some(Remitted { amount, date: text("date"), to: text("to") })
}

/// The value written after `key =` on `line` (inside an inline table too).
fn written_after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = line;
    while let Some(i) = rest.find(key) {
        let after = rest[i + key.len()..].trim_start();
        let word_start = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        if let (true, Some(v)) = (word_start, after.strip_prefix('=')) {
            let v = v.trim_start();
            let end = v.find([',', '}', '#']).unwrap_or(v.len());
            return Some(v[..end].trim_end()).filter(|v| !v.is_empty());
        }
        rest = &rest[i + key.len()..];
    }
    None
}

/// Ledger rows → members; an unknown category is an error at its cell.
fn members(
    site: &Site,
    page: usize,
    file: Option<&str>,
    ledger: &Ledger,
    months_default: Option<u32>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Member>, Vec<String>) {
    let mut members = Vec::new();
    let mut at = Vec::new();
    for row in &ledger.members {
        let category = match row.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => match Category::parse(text) {
                Some(c) => Some(c),
                None => {
                    let labels: Vec<&str> = Category::ALL.iter().map(|c| c.label()).collect();
                    let hint = match crate::diag::did_you_mean(text, labels.iter().copied()) {
                        Some(s) => format!("是不是“{s}”？可用的类别：{}", labels.join("、")),
                        None => format!("可用的类别：{}", labels.join("、")),
                    };
                    let problem = TableProblem::new(row.category_at.clone(), format!("{}的类别“{text}”不认识", row.name), hint);
                    errors.push(locate(site, page, file, &problem));
                    continue;
                }
            },
        };
        let Some(months) = row.months.or(months_default) else {
            let problem = TableProblem::new(
                Some(row.name_at.clone()),
                format!("{}没有缴费月数", row.name),
                "台账加一列“月数”，或在页面写 period = \"2024-Q1\"（季度按 3 个月计）",
            );
            errors.push(locate(site, page, file, &problem));
            continue;
        };
        members.push(Member { name: row.name.clone(), category, base: row.base, months, paid: row.paid, ledger_expected: row.expected });
        at.push(row_label(&row.name_at));
    }
    (members, at)
}

/// `Sheet1!B7` for a cell, `rows[3]` for an inline row.
fn row_label(at: &CellRef) -> String {
    match at {
        CellRef::Inline { index, .. } => format!("rows[{index}]"),
        other => other.to_string(),
    }
}

/// A ledger problem as a diagnostic: at the cell of the file, or at the
/// `[[rows]]` entry of the page for inline rows.
fn locate(site: &Site, page: usize, file: Option<&str>, problem: &TableProblem) -> Diagnostic {
    let p = &site.pages[page];
    match (file, &problem.at) {
        (Some(rel), _) => tables::table_error(rel, problem),
        (None, Some(CellRef::Inline { index, key })) => {
            p.src.entry_key_error("[[rows]]", index.saturating_sub(1), key, format!("第 {index} 个 [[rows]]：{}", problem.message)).hint(problem.hint.clone())
        }
        (None, _) => p.src.key_error("rows", problem.message.clone()).hint(problem.hint.clone()),
    }
}
