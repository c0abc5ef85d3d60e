//! The draft's 存在的不足 (each requirement short or without records, with its months;
//! each late or missing disclosure, with its days; each branch with shortfalls) and
//! the 下一步工作打算 that answers them.

use super::ctx::{disclosure_base, id, req_base, req_path, Ctx};
use super::words::{cn, cn_date, verb, Para};
use crate::domain::catalogue::timeliness::Status as TStatus;
use crate::domain::compliance::{Line, Status};
use crate::domain::period::Per;
use serde_json::Value;

/// What the shortfalls section found, for the next steps.
pub(super) struct Issues {
    lines: Vec<String>,
    items: Vec<String>,
    branches: Vec<usize>,
}

/// Periods of a line that ended short or missing: `3月、7月` (months as facts).
fn periods(cx: &Ctx, p: &mut Para, u: usize, l: &Line, status: Status) -> bool {
    let cells: Vec<_> = l.cells.iter().filter(|c| c.status == status).collect();
    for (k, cell) in cells.iter().enumerate() {
        if k > 0 {
            p.text("、");
        }
        let path = format!("{}.cells[{}].status", req_base(cx.c, u, &l.req.id), cell.period.id());
        match cell.period.per {
            Per::Month => p.fact(cell.period.first.to_string(), vec![path], Value::from(status.id())).text("月"),
            Per::Year => p.text("全年"),
            _ => p.text(&cell.period.label()),
        };
    }
    !cells.is_empty()
}

pub(super) fn shortfalls(cx: &mut Ctx, u: usize) -> Issues {
    let mut issues = Issues { lines: Vec::new(), items: Vec::new(), branches: Vec::new() };
    let mut p = Para::default();
    let mut k = 0;
    let mut start = |p: &mut Para| {
        k += 1;
        p.text(&format!("{}{}是", if k > 1 { "；" } else { "" }, cn(k)));
    };
    let lines: Vec<Line> = cx.report.units[u].lines.clone();
    for l in lines.iter().filter(|l| l.cells.iter().any(|c| matches!(c.status, Status::Short | Status::Missing))) {
        start(&mut p);
        p.text(&l.req.name).text(&format!("未完全按要求开展（{}不少于", l.req.per.name())).count(l.req.min, req_path(cx.c, u, &l.req.id, "min"));
        p.text(&format!("{}）：", l.req.measure));
        let short = periods(cx, &mut p, u, l, Status::Short);
        if short {
            p.text("未达到要求");
        }
        if l.cells.iter().any(|c| c.status == Status::Missing) {
            p.text(if short { "，" } else { "" });
            periods(cx, &mut p, u, l, Status::Missing);
            p.text("没有记录");
        }
        issues.lines.push(l.req.id.clone());
    }
    if let Some(t) = cx.timeliness {
        let base = disclosure_base(cx, u);
        for l in t.units[u].lines.iter().filter(|l| l.cells.iter().any(|c| matches!(c.status, TStatus::Late | TStatus::Missing))) {
            start(&mut p);
            p.quote(&l.item.name).text("公开不及时：");
            for (n, cell) in l.cells.iter().filter(|c| matches!(c.status, TStatus::Late | TStatus::Missing)).enumerate() {
                if n > 0 {
                    p.text("，");
                }
                let path = format!("{base}.items[{}].cells[{}].days", l.item.id, cell.key());
                match (cell.period, cell.event) {
                    (Some(period), _) if period.per == Per::Month => {
                        p.fact(period.first.to_string(), vec![path.replace(".days", ".period")], Value::from(period.id())).text("月")
                    }
                    (Some(period), _) if period.per == Per::Year => p.text("年度"),
                    (Some(period), _) => p.text(&period.label()),
                    (None, Some(d)) => p.fact(cn_date(d), vec![path.replace(".days", ".event")], Value::from(cell.key())),
                    _ => p.text(""),
                };
                let days = Value::from(cell.days);
                if cell.status == TStatus::Late {
                    p.text("逾期").fact(cell.days.to_string(), vec![path], days).text("天公开");
                } else {
                    p.text("应公开而未公开（已逾期").fact(cell.days.to_string(), vec![path], days).text("天）");
                }
            }
            issues.items.push(l.item.id.clone());
        }
    }
    for kid in cx.c.units.shown_children(u).collect::<Vec<_>>() {
        let r = cx.report.units[kid].rollup;
        let bad = r.short + r.missing;
        let late = cx.timeliness.map_or(0, |t| t.units[kid].rollup.late + t.units[kid].rollup.missing);
        if bad + late == 0 {
            continue;
        }
        start(&mut p);
        p.text("所属").quote(&cx.c.units.list[kid].title).text("有");
        let base = format!("units[{}]", id(cx.c, kid));
        if bad > 0 {
            p.fact(bad.to_string(), vec![format!("{base}.rollup.short"), format!("{base}.rollup.missing")], Value::from(bad)).text("个时段未达标或没有记录");
        }
        if late > 0 {
            p.text(if bad > 0 { "、" } else { "" });
            p.fact(late.to_string(), vec![format!("{base}.disclosure.rollup.late"), format!("{base}.disclosure.rollup.missing")], Value::from(late));
            p.text("项次党务公开逾期或未公开");
        }
        issues.branches.push(kid);
    }
    if k == 0 {
        p.text("对照上述要求和公开目录，截至目前本单位没有未达标、没有记录或未按时公开的事项");
    }
    p.text("。");
    cx.para(p);
    issues
}

pub(super) fn next_steps(cx: &mut Ctx, u: usize, issues: &Issues) {
    let mut p = Para::default();
    let mut k = 0;
    let mut start = |p: &mut Para| {
        k += 1;
        p.text(&format!("{}{}是", if k > 1 { "；" } else { "" }, cn(k)));
    };
    let lines = cx.report.units[u].lines.clone();
    for l in lines.iter().filter(|l| issues.lines.contains(&l.req.id)) {
        start(&mut p);
        p.text(&format!("{}{}，严格做到{}不少于", verb(&l.req.name), l.req.name, l.req.per.name())).count(l.req.min, req_path(cx.c, u, &l.req.id, "min"));
        p.text(&format!("{}，对未达到要求的时段查明原因、及时补上", l.req.measure));
    }
    if let Some(t) = cx.timeliness {
        let base = disclosure_base(cx, u);
        for l in t.units[u].lines.iter().filter(|l| issues.items.contains(&l.item.id)) {
            start(&mut p);
            let text = l.item.deadline.text(l.item.freq);
            p.text("按照公开目录的时限及时公开").quote(&l.item.name).text("，做到");
            p.fact(text.clone(), vec![format!("{base}.items[{}].deadline", l.item.id)], Value::from(text)).text("公开");
        }
    }
    if !issues.branches.is_empty() {
        start(&mut p);
        p.text("加强对");
        for (n, &kid) in issues.branches.iter().enumerate() {
            if n > 0 {
                p.text("、");
            }
            p.quote(&cx.c.units.list[kid].title);
        }
        p.text("的督促指导，帮助其按期补齐组织生活记录、按时公开应公开事项");
    }
    start(&mut p);
    p.text("坚持每次组织生活、每项公开事项及时在党务公开平台登记，确保统计数据准确、可追溯。");
    cx.para(p);
}
