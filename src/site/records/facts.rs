//! Facts from pages: counts in records, dated activities, done study sessions,
//! each matched to a requirement of its unit, every problem located in its page.

use super::{counted, page_unit};
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::domain::compliance::{Fact, FactKind};
use crate::domain::period::{Per, Period};
use crate::domain::requirement::{applicable, match_key, suggest, Applied, Declaration};
use crate::domain::unit::Units;
use crate::site::model::Page;
use crate::site::Site;
use chrono::NaiveDate;
use serde_json::Value;

pub(super) fn facts(site: &Site, units: &Units, decls: &[Declaration], as_of: NaiveDate, diags: &mut Vec<Diagnostic>) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut applied_cache: Vec<Option<Vec<Applied<'_>>>> = vec![None; units.list.len()];
    for (i, p) in site.pages.iter().enumerate().filter(|(_, p)| counted(p)) {
        // Only pages that state counts take part; a narrative record needs no unit.
        let kind = match p.kind {
            Some(k @ Kind::Record) if p.extra.contains_key("counts") || p.extra.contains_key("period") || !stray_counts(p).is_empty() => k,
            Some(k @ (Kind::Activity | Kind::StudyPlan)) if p.extra.contains_key("counts_as") => k,
            // A meeting record (from Word: `会议名称：支委会`) counts for the meeting it names.
            Some(k @ Kind::Activity) if p.extra.contains_key("meeting") => k,
            _ => continue,
        };
        if p.unit.is_none() && !p.extra.contains_key("counts_as") && p.extra.contains_key("meeting") {
            diags.push(
                Diagnostic::warning("这份会议记录不在任何单位的文件夹里，不计入达标统计")
                    .file(&p.src.display)
                    .hint("把它放进召开会议的党支部的文件夹（其 _index.md 有 [unit] 表）"),
            );
            continue;
        }
        let Some(unit) = page_unit(site, units, p, diags) else { continue };
        let applied = applied_cache[unit].get_or_insert_with(|| applicable(units, decls, unit));
        match kind {
            Kind::Record => record_facts(p, unit, applied, &mut out, diags),
            Kind::StudyPlan => study_facts(site, i, unit, applied, as_of, &mut out, diags),
            _ => activity_facts(p, unit, applied, as_of, &mut out, diags),
        }
    }
    out
}

/// Top-level keys of a record that dwgk does not read and that hold a whole
/// number: counts written above (or without) the `[counts]` line.
fn stray_counts(p: &Page) -> Vec<&str> {
    p.src.unknown_keys.iter().map(String::as_str).filter(|k| p.extra.get(*k).is_some_and(|v| v.is_u64() || v.is_i64())).collect()
}

/// `"支委会" = 1` above `[counts]`: counted nowhere, so an error at the key.
fn report_stray_counts(p: &Page, applied: &[Applied<'_>], diags: &mut Vec<Diagnostic>) {
    for key in stray_counts(p) {
        let value = p.extra.get(key).map(Value::to_string).unwrap_or_default();
        let line =
            if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') { format!("{key} = {value}") } else { format!("\"{key}\" = {value}") };
        let what = match match_key(applied, key) {
            Some(req) => format!("它是“{}”的次数", req.name),
            None => format!("而且不是本单位适用的要求（{}）", suggest(applied, key).trim_end_matches('？')),
        };
        let hint = format!("次数要写在 [counts] 下面：在“{line}”这一行上面加一行 [counts]（[counts] 放在其他设置项之后），写成\n[counts]\n{line}");
        diags.push(p.src.key_name_error(key, format!("“{key}”写在了 [counts] 之外，不会计入统计：{what}")).hint(hint));
    }
}

pub(super) fn record_facts(p: &Page, unit: usize, applied: &[Applied<'_>], out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    report_stray_counts(p, applied, diags);
    let period = match p.extra.get("period") {
        Some(Value::String(s)) => Period::parse(s),
        Some(Value::Number(n)) => n.as_i64().and_then(|y| Period::parse(&y.to_string())),
        None => {
            diags.push(
                Diagnostic::error("工作记录缺少统计时段 period")
                    .file(&p.src.display)
                    .at_line(&p.src.text, 1)
                    .hint("加一行 period = \"2024-Q1\"（也可写 2024、2024-H1、2024-03）"),
            );
            return;
        }
        _ => None,
    };
    let Some(period) = period else {
        let written = p.extra.get("period").map(|v| v.to_string()).unwrap_or_default();
        diags.push(
            p.src
                .key_error("period", format!("统计时段 period {written} 无效"))
                .hint("写成 2024（全年）、2024-H1（上半年）、2024-Q1（第一季度）或 2024-03（月份），也可写 2024年上半年、2024年第一季度、2024年3月"),
        );
        return;
    };
    let Some(counts) = p.extra.get("counts") else { return };
    let Some(counts) = counts.as_object() else {
        diags.push(p.src.key_error("counts", "counts 应是一个表").hint("写成：\n[counts]\nzhiweihui = 3"));
        return;
    };
    for (key, v) in counts {
        let Some(count) = count_value(p, key, v, diags) else { continue };
        match match_key(applied, key) {
            Some(req) => out.push(Fact { unit, req: req.id.clone(), period, count, kind: FactKind::Record, page: p.src.rel.clone() }),
            None => diags.push(p.src.key_error(key, format!("[counts] 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, key))),
        }
    }
}

pub(super) fn count_value(p: &Page, key: &str, v: &Value, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    let err = |msg: String, hint: &str, diags: &mut Vec<Diagnostic>| diags.push(p.src.key_error(key, msg).hint(hint));
    match v {
        Value::Number(n) if n.as_u64().is_some() => n.as_u64().and_then(|n| u32::try_from(n).ok()).or_else(|| {
            err(format!("“{key}”的次数 {n} 太大"), "检查是否多写了数字", diags);
            None
        }),
        Value::Number(n) if n.as_i64().is_some_and(|n| n < 0) => {
            err(format!("“{key}”的次数不能是负数（写的是 {n}）"), "填写实际开展的次数，0 表示本期没有开展", diags);
            None
        }
        Value::Number(n) => {
            err(format!("“{key}”的次数应是整数（写的是 {n}）"), "次数、人次只能是整数，例如 3", diags);
            None
        }
        Value::String(s) if s.trim().eq_ignore_ascii_case("x") => {
            err(format!("“{key}”的次数还是模板占位符“{s}”"), "把 x 换成实际次数（数字，不加引号），例如 3", diags);
            None
        }
        Value::String(s) if s.trim().parse::<u32>().is_ok() => s.trim().parse().ok(),
        other => {
            err(format!("“{key}”的次数应是整数，实际是 {other}"), "次数写数字且不加引号，例如 zhiweihui = 3", diags);
            None
        }
    }
}

/// A study plan's `counts_as` requirements.
pub(super) fn counts_as(p: &Page, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    match p.extra.get("counts_as") {
        None => None,
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(a.iter().filter_map(|v| v.as_str().map(String::from)).collect()),
        Some(other) => {
            diags.push(p.src.key_error("counts_as", format!("counts_as 应是要求编号的列表，实际是 {other}")).hint("例如 counts_as = [\"zhutidangri\"]"));
            None
        }
    }
}

/// Each done session of a plan, up to `as_of`, is one for its month.
pub(super) fn study_facts(site: &Site, page: usize, unit: usize, applied: &[Applied<'_>], as_of: NaiveDate, out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    let p = &site.pages[page];
    let (Some(keys), Some(plan)) = (counts_as(p, diags), site.study.get(&page)) else { return };
    for key in keys {
        let Some(req) = match_key(applied, &key) else {
            diags.push(p.src.key_error("counts_as", format!("counts_as 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, &key)));
            continue;
        };
        for s in plan.sessions.iter().filter(|s| s.status == crate::domain::study::SessionStatus::Done && s.when.first_day() <= as_of) {
            let (y, m) = s.when.year_month();
            let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else { continue };
            out.push(Fact {
                unit,
                req: req.id.clone(),
                period: Period::containing(Per::Month, first),
                count: 1,
                kind: FactKind::Study,
                page: p.src.rel.clone(),
            });
        }
    }
}

pub(super) fn activity_facts(p: &Page, unit: usize, applied: &[Applied<'_>], as_of: NaiveDate, out: &mut Vec<Fact>, diags: &mut Vec<Diagnostic>) {
    let Some(keys) = counts_as(p, diags).or_else(|| meeting_key(p, applied, diags)) else { return };
    let Some(date) = p.date else {
        diags.push(
            Diagnostic::error("活动缺少日期 date，无法计入达标统计")
                .file(&p.src.display)
                .at_line(&p.src.text, 1)
                .hint("加一行 date = 2024-03-15，或把文件命名为 2024-03-15-名称.md"),
        );
        return;
    };
    for key in keys {
        match match_key(applied, &key) {
            Some(req) if date.date <= as_of => out.push(Fact {
                unit,
                req: req.id.clone(),
                period: Period::containing(Per::Month, date.date),
                count: 1,
                kind: FactKind::Activity,
                page: p.src.rel.clone(),
            }),
            Some(_) => {}
            None => diags.push(p.src.key_error("counts_as", format!("counts_as 中的“{key}”不是本单位适用的要求")).hint(suggest(applied, &key))),
        }
    }
}

/// The requirement a `meeting` names (`match_meeting`), as a `counts_as` key; a
/// meeting that names none is a warning: the page is published, nothing counted.
fn meeting_key(p: &Page, applied: &[Applied<'_>], diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let name = p.extra.get("meeting")?.as_str()?.to_string();
    match crate::domain::requirement::match_meeting(applied, &name) {
        Some(req) => Some(vec![req.id.clone()]),
        None => {
            let mut d = p.src.key_error("meeting", format!("会议“{name}”不对应本单位的任何要求，这份记录不计入达标统计"));
            d.severity = crate::diag::Severity::Warning;
            diags.push(d.hint(format!("{}；要计入某项要求，在同名的 .toml 文件里写 counts_as = [\"要求编号\"]", suggest(applied, &name))));
            None
        }
    }
}
