//! `presets`, `[[requirements]]` and `[compliance]`: what the compliance summary
//! counts, for which year and for whom, validated with located errors.

use super::{located, FILE_NAME};
use crate::content::date::DateValue;
use crate::content::front_matter::toml_to_json;
use crate::content::kind::Scope;
use crate::diag::{did_you_mean, Diagnostic};
use crate::domain::catalogue::{self, Calendar};
use crate::domain::requirement::{self, Requirement};

/// `[compliance]`: which year the summary shows and who may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceConfig {
    /// Reporting year; default: the year of `as_of`.
    pub year: Option<i32>,
    /// `public` shows the summary in the public build (statuses only).
    pub scope: Scope,
    /// Fixed "as of" date (e.g. for an archived year); default: the build's date.
    pub as_of: Option<chrono::NaiveDate>,
    /// `holidays` and `workdays` (调休): the working days of catalogue deadlines and 公示期.
    pub calendar: Calendar,
}

impl Default for ComplianceConfig {
    fn default() -> Self {
        ComplianceConfig { year: None, scope: Scope::Internal, as_of: None, calendar: Calendar::default() }
    }
}

pub(super) fn check_presets(text: &str, presets: Vec<String>, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    presets
        .into_iter()
        .filter(|p| {
            let known = requirement::preset(p).is_some() || catalogue::preset::preset(p).is_some();
            if !known {
                let all = || requirement::PRESETS.iter().chain(catalogue::preset::PRESETS).copied();
                let hint = match did_you_mean(p, all()) {
                    Some(s) => format!("是不是“{s}”？"),
                    None => format!("可用的预设：{}（要求）、{}（公开目录）", requirement::PRESETS.join("、"), catalogue::preset::PRESETS.join("、")),
                };
                diags.push(located(text, "presets", format!("不认识的要求预设“{p}”"), hint));
            }
            known
        })
        .collect()
}

/// Validates `[[requirements]]`; each problem points at its entry's header line.
/// Returns the requirements with the 1-based line of each one's header.
pub(super) fn check_requirements(text: &str, entries: &[toml::Table], diags: &mut Vec<Diagnostic>) -> (Vec<Requirement>, Vec<usize>) {
    let headers: Vec<usize> = text.match_indices("[[requirements]]").map(|(i, _)| i).collect();
    let mut out: Vec<Requirement> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let at = headers.get(n).copied().unwrap_or(0);
        let value = toml_to_json(toml::Value::Table(entry.clone()));
        match requirement::parse_entry(&value) {
            Ok(r) if out.iter().any(|o| o.id == r.id) => diags.push(
                Diagnostic::error(format!("config.toml 中要求编号“{}”重复声明", r.id))
                    .file(FILE_NAME)
                    .at_span(text, at, at + 16)
                    .hint("同一编号只能声明一次；合并两处，或给其中一个换编号"),
            ),
            Ok(r) => {
                out.push(r);
                lines.push(text[..at].matches('\n').count() + 1);
            }
            Err(errs) => diags.extend(errs.into_iter().map(|e| {
                Diagnostic::error(format!("config.toml 第 {} 个 [[requirements]]：{}", n + 1, e.message))
                    .file(FILE_NAME)
                    .at_span(text, at, at + 16)
                    .hint(e.hint)
            })),
        }
    }
    (out, lines)
}

const KEYS: [&str; 5] = ["year", "scope", "as_of", "holidays", "workdays"];

/// A list of dates (`holidays = [2024-10-01, "2024-10-02"]`); each bad one is an error.
fn dates(text: &str, key: &str, v: toml::Value, diags: &mut Vec<Diagnostic>) -> Vec<chrono::NaiveDate> {
    let toml::Value::Array(items) = v else {
        diags.push(located(text, key, format!("[compliance] {key} 应是日期列表"), format!("例如 {key} = [2024-10-01, 2024-10-02]")));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let parsed = match &item {
            toml::Value::Datetime(d) => DateValue::parse(&d.to_string()),
            toml::Value::String(s) => DateValue::parse(s),
            _ => None,
        };
        match parsed {
            Some(d) => out.push(d.date),
            None => diags.push(located(text, key, format!("[compliance] {key} 中的“{item}”不是日期"), crate::content::date::DATE_HINT)),
        }
    }
    out
}

pub(super) fn check_compliance(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> ComplianceConfig {
    let mut c = ComplianceConfig::default();
    let Some(table) = table else { return c };
    for (k, v) in table {
        match (k.as_str(), v) {
            ("year", toml::Value::Integer(y)) if (1900..=2999).contains(&y) => c.year = Some(y as i32),
            ("year", v) => diags.push(located(text, "year", format!("[compliance] year 应是年份，实际是 {v}"), "例如 year = 2024")),
            ("scope", toml::Value::String(s)) if Scope::parse(&s).is_some() => c.scope = Scope::parse(&s).unwrap_or(Scope::Internal),
            ("scope", v) => diags.push(located(
                text,
                "scope",
                format!("[compliance] scope“{v}”无效"),
                "写 internal（只在党内版显示，默认）或 public（公开版也显示达标情况）",
            )),
            ("as_of", v) => {
                let parsed = match &v {
                    toml::Value::Datetime(d) => DateValue::parse(&d.to_string()),
                    toml::Value::String(s) => DateValue::parse(s),
                    _ => None,
                };
                match parsed {
                    Some(d) => c.as_of = Some(d.date),
                    None => diags.push(located(text, "as_of", format!("[compliance] as_of“{v}”不是日期"), crate::content::date::DATE_HINT)),
                }
            }
            ("holidays" | "workdays", v) => {
                let set = if k == "holidays" { &mut c.calendar.holidays } else { &mut c.calendar.workdays };
                set.extend(dates(text, &k, v, diags));
            }
            (other, _) => {
                let hint = match did_you_mean(other, KEYS) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("[compliance] 可用的设置项：{}", KEYS.join("、")),
                };
                diags.push(located(text, other, format!("[compliance] 中有不认识的设置项“{other}”"), hint));
            }
        }
    }
    c
}
