//! Study plans (学习计划): sessions from front matter `[[sessions]]` or from a
//! `table` spreadsheet, each problem located. Done sessions become compliance
//! facts (see `records`); planned sessions past their date are reported. Pure.

use super::tables::{self, Files};
use super::Site;
use crate::content::date::DateValue;
use crate::content::kind::Kind;
use crate::content::sessions::{self, SessionRow};
use crate::diag::Diagnostic;
use crate::domain::study::{Session, SessionStatus, When};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Plan {
    pub year: Option<i32>,
    pub sessions: Vec<Session>,
    /// Where each session is written.
    pub at: Vec<At>,
}

#[derive(Debug, Clone)]
pub enum At {
    /// `content/plan.xlsx!Sheet1!B4`.
    Cell(String),
    /// The n-th (0-based) `[[sessions]]` of the page.
    Entry(usize),
}

/// Every study plan: `(plans by page, errors, warnings)`.
pub fn build(site: &Site, files: &Files, as_of: NaiveDate) -> (HashMap<usize, Plan>, Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut out = HashMap::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (i, p) in site.pages.iter().enumerate().filter(|(i, p)| p.kind == Some(Kind::StudyPlan) && super::tables::read_for(site, *i)) {
        let year = match p.extra.get("year") {
            None => None,
            Some(Value::Number(n)) if n.as_i64().is_some_and(|y| (1921..=2200).contains(&y)) => n.as_i64().map(|y| y as i32),
            Some(Value::String(s)) if s.trim().trim_end_matches('年').parse::<i32>().is_ok() => s.trim().trim_end_matches('年').parse().ok(),
            Some(other) => {
                errors.push(p.src.key_error("year", format!("学习计划的年度 year 应是年份，实际是 {other}")).hint("例如 year = 2024"));
                None
            }
        };
        let mut plan = Plan { year, sessions: Vec::new(), at: Vec::new() };
        match tables::named_file(site, i) {
            Some((_, rel)) => match files.get(&rel) {
                Some(Ok(bytes)) => {
                    let (rows, problems) = sessions::read_sessions(&rel, bytes, tables::sheet(site, i).as_deref(), year);
                    errors.extend(problems.iter().map(|pr| tables::table_error(&rel, pr)));
                    for row in rows {
                        match from_row(&row) {
                            Ok(s) => {
                                plan.sessions.push(s);
                                plan.at.push(At::Cell(format!("content/{rel}!{}", row.at)));
                            }
                            Err((msg, hint)) => errors.push(Diagnostic::error(msg).file(format!("content/{rel}!{}", row.at)).hint(hint)),
                        }
                    }
                }
                Some(Err(e)) => errors.push(Diagnostic::error(format!("无法读取学习计划表：{e}")).file(format!("content/{rel}")).hint(tables::read_hint(e))),
                None => {}
            },
            None => match p.extra.get("sessions") {
                Some(Value::Array(entries)) => {
                    for (n, v) in entries.iter().enumerate() {
                        match from_front_matter(v, year) {
                            Ok(s) => {
                                plan.sessions.push(s);
                                plan.at.push(At::Entry(n));
                            }
                            Err((msg, hint)) => errors.push(p.src.nth_error("[[sessions]]", n, format!("第 {} 个 [[sessions]]：{msg}", n + 1)).hint(hint)),
                        }
                    }
                }
                Some(other) => errors.push(
                    p.src
                        .key_error("sessions", format!("sessions 应是 [[sessions]] 表的列表，实际是 {other}"))
                        .hint("每次学习写一个 [[sessions]]：date、topic、form、lead、status"),
                ),
                None => errors.push(
                    Diagnostic::error("学习计划既没有 [[sessions]]，也没有 table 表格文件")
                        .file(&p.src.display)
                        .at_line(&p.src.text, 1)
                        .hint("逐次写 [[sessions]]（date、topic、form、lead、status），或加一行 table = \"学习计划.xlsx\""),
                ),
            },
        }
        warnings.extend(check_plan(site, i, &plan, as_of));
        out.insert(i, plan);
    }
    (out, errors, warnings)
}

/// Sessions outside the plan's year and planned sessions whose date has passed.
fn check_plan(site: &Site, page: usize, plan: &Plan, as_of: NaiveDate) -> Vec<Diagnostic> {
    let p = &site.pages[page];
    let warning = |at: &At, message: String, hint: &str| {
        let d = match at {
            At::Cell(cell) => Diagnostic::warning(message).file(cell),
            At::Entry(n) => Diagnostic { severity: crate::diag::Severity::Warning, ..p.src.nth_error("[[sessions]]", *n, message) },
        };
        d.hint(hint)
    };
    let mut out = Vec::new();
    for (s, at) in plan.sessions.iter().zip(&plan.at) {
        let (y, _) = s.when.year_month();
        if let Some(year) = plan.year.filter(|&year| year != y) {
            out.push(warning(at, format!("{}：“{}”的时间 {y} 年不在计划年度 {year} 年内", p.title, s.topic), "检查日期的年份是否写错"));
        }
        if s.overdue(as_of) {
            out.push(warning(
                at,
                format!("{}：“{}”计划于{}{}开展，已过期仍是“计划”状态", p.title, s.topic, y_label(s.when), s.when.label()),
                "已开展的改为 status = \"done\"（计入学习要求），不再开展的改为 \"cancelled\"",
            ));
        }
        if s.status == SessionStatus::Done && s.when.first_day() > as_of {
            out.push(warning(at, format!("{}：“{}”标为已完成，但日期在 {as_of} 之后，暂不计入统计", p.title, s.topic), "检查日期或状态是否写错"));
        }
    }
    out
}

fn y_label(w: When) -> String {
    format!("{}年", w.year_month().0)
}

type Problem = (String, String);

fn from_front_matter(v: &Value, year: Option<i32>) -> Result<Session, Problem> {
    let Some(written) = v.as_object() else {
        return Err(("应是一张表".into(), "写成 [[sessions]] 后跟 date = 2024-01-18、topic = \"…\" 等行".into()));
    };
    // Chinese names as in the table's headers: 日期, 学习内容, 领学人, 状态…
    let map: serde_json::Map<String, Value> =
        written.iter().map(|(k, v)| (sessions::session_key(k).map_or_else(|| k.clone(), str::to_string), v.clone())).collect();
    const KEYS: [&str; 6] = ["date", "month", "topic", "form", "lead", "status"];
    if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str()) && !k.starts_with('_')) {
        let hint = match crate::diag::did_you_mean(k, KEYS.iter().copied()) {
            Some(s) => format!("是不是“{s}”？"),
            None => format!("可用的键：{}", KEYS.join("、")),
        };
        return Err((format!("不认识的键“{k}”"), hint));
    }
    let text = |k: &str| map.get(k).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).unwrap_or_default().trim().to_string();
    let when = match (map.get("date"), map.get("month")) {
        (Some(_), _) => {
            let d = text("date");
            When::Date(DateValue::parse(&d).map(|v| v.date).ok_or((format!("日期 date “{d}” 无效"), crate::content::date::DATE_HINT.to_string()))?)
        }
        (None, Some(_)) => {
            let m = text("month");
            let (y, mo) = sessions::parse_month(&m, year).ok_or((format!("月份 month “{m}” 无效"), "写成 month = \"2024-03\" 或 \"2024年3月\"".to_string()))?;
            When::Month(y, mo)
        }
        (None, None) => return Err(("缺少 date 或 month".into(), "写 date = 2024-01-18，只定到月份时写 month = \"2024-01\"".into())),
    };
    session(when, text("topic"), text("form"), text("lead"), &text("status"))
}

fn from_row(row: &SessionRow) -> Result<Session, Problem> {
    let when = match (row.date, row.month) {
        (Some(d), _) => When::Date(d),
        (None, Some((y, m))) => When::Month(y, m),
        (None, None) => return Err(("这一行没有日期或月份".into(), "在“日期”列填 2024-01-18，或在“月份”列填 2024-01".into())),
    };
    session(when, row.topic.clone(), row.form.clone(), row.lead.clone(), &row.status)
}

fn session(when: When, topic: String, form: String, lead: String, status: &str) -> Result<Session, Problem> {
    if topic.is_empty() {
        return Err(("缺少学习主题 topic".into(), "写明学习内容，例如 topic = \"学习贯彻党的二十大精神\"".into()));
    }
    let status = if status.is_empty() {
        SessionStatus::Planned
    } else {
        SessionStatus::parse(status).ok_or((format!("状态“{status}”不认识"), "状态写 planned（计划）、done（已完成）或 cancelled（已取消）".to_string()))?
    };
    Ok(Session { when, topic, form, lead, status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn front_matter_sessions() {
        let s = from_front_matter(&json!({ "date": "2024-01-18", "topic": "学习党章", "form": "集中学习", "lead": "书记", "status": "done" }), None).unwrap();
        assert_eq!(s.when, When::Date(NaiveDate::from_ymd_opt(2024, 1, 18).unwrap()));
        assert_eq!(s.status, SessionStatus::Done);
        let s = from_front_matter(&json!({ "month": "2024年5月", "topic": "专题研讨" }), None).unwrap();
        assert_eq!((s.when, s.status), (When::Month(2024, 5), SessionStatus::Planned));
        assert!(from_front_matter(&json!({ "topic": "无日期" }), None).unwrap_err().0.contains("date"));
        assert!(from_front_matter(&json!({ "date": "2024-01-18", "topic": "x", "status": "也许" }), None).unwrap_err().0.contains("也许"));
        assert!(from_front_matter(&json!({ "date": "2024-01-18", "topc": "x" }), None).unwrap_err().1.contains("topic"));
        assert!(from_front_matter(&json!({ "date": "2024-02-30", "topic": "x" }), None).is_err());
        let s = from_front_matter(&json!({ "日期": "2024年3月5日", "学习内容": "学习党章", "领学人": "书记", "状态": "已完成" }), None).unwrap();
        assert_eq!((s.topic.as_str(), s.lead.as_str(), s.status), ("学习党章", "书记", SessionStatus::Done));
    }
}
