//! Composes the 情况报告 of one unit and year from the compliance report, the
//! timeliness report, the study plans and the records behind them.

use super::ctx::{disclosure_base, id, page_title, req_path, Ctx};
use super::shortfalls::{next_steps, shortfalls};
use super::words::{cn, cn_date, rate, verb, Para};
use super::{Draft, Note, Source};
use crate::domain::catalogue::timeliness::{self, Status as TStatus};
use crate::domain::compliance::{Line, Report};
use crate::domain::requirement::Origin;
use crate::domain::study::SessionStatus;
use crate::domain::totals::totals;
use crate::site::records::Compliance;
use crate::site::Site;
use serde_json::Value;

/// How a requirement's origin names its group: the preset's organisational life,
/// a checklist's title, config.toml's other requirements.
fn group_of(site: &Site, o: &Origin) -> (u8, String) {
    match o {
        Origin::Preset { .. } => (0, "“三会一课”等组织生活".into()),
        Origin::Checklist { page, .. } => (1, page_title(site, page)),
        Origin::Config => (2, "其他工作要求".into()),
    }
}

/// Draft for unit `u`, the report's year, as of the report's day.
pub fn compose(site: &Site, c: &Compliance, report: &Report, timeliness: Option<&timeliness::Report>, u: usize) -> Draft {
    // Totals of the unit and its branches only (a draft reads no other unit's facts).
    let mut all = totals(report, c.facts_of(u));
    for k in c.units.shown_children(u) {
        all.extend(totals(report, c.facts_of(k)));
    }
    let mut cx = Ctx { site, c, report, timeliness, totals: all, notes: Vec::new(), blocks: Vec::new() };
    let unit = &c.units.list[u];
    let year_fact = |p: &mut Para| {
        p.fact(report.year.to_string(), vec!["year".into()], Value::from(report.year));
    };
    let as_of_fact = |p: &mut Para| {
        p.fact(cn_date(report.as_of), vec!["as_of".into()], Value::from(report.as_of.format("%Y-%m-%d").to_string()));
    };
    let mut title = Para::default();
    title.quote(&unit.title);
    year_fact(&mut title);
    title.text("年度党建工作情况报告（草稿）");

    let mut open = Para::default();
    year_fact(&mut open);
    open.text("年以来，").quote(&unit.title);
    let rules = if unit.kind.as_deref() == Some("党支部") {
        "《中国共产党支部工作条例（试行）》《中国共产党党务公开条例（试行）》"
    } else {
        "《中国共产党党务公开条例（试行）》"
    };
    open.text(&format!("认真落实{rules}等规定，扎实开展组织生活、理论学习和党务公开工作。现将截至"));
    as_of_fact(&mut open);
    open.text("的有关情况报告如下（文中数字均取自党务公开平台登记的工作记录、活动记录和学习计划，统计依据见附）。");
    cx.para(open);

    let mut section = 0;
    let mut next = |cx: &mut Ctx, text: &str| {
        section += 1;
        cx.heading(1, format!("{}、{text}", cn(section)));
    };
    next(&mut cx, "组织生活和理论学习开展情况");
    organisational_life(&mut cx, u);
    study(&mut cx, u);
    if timeliness.is_some_and(|t| !t.units[u].lines.is_empty()) {
        next(&mut cx, "党务公开情况");
        disclosure(&mut cx, u);
    }
    if c.units.shown_children(u).next().is_some() {
        next(&mut cx, "所属党组织情况");
        branches(&mut cx, u);
    }
    next(&mut cx, "存在的不足");
    let issues = shortfalls(&mut cx, u);
    next(&mut cx, "下一步工作打算");
    next_steps(&mut cx, u, &issues);

    let mut sign_unit = Para::default();
    sign_unit.quote(&unit.title);
    let mut sign_date = Para::default();
    as_of_fact(&mut sign_date);
    let addressee = unit.parent.filter(|&p| !c.units.is_hidden(p)).map(|p| format!("{}：", c.units.list[p].title));
    Draft {
        schema: "dwgk-draft/1",
        kind: "情况报告",
        unit: unit.id.clone(),
        year: report.year,
        as_of: report.as_of.format("%Y-%m-%d").to_string(),
        title: title.0,
        addressee,
        blocks: cx.blocks,
        signature: vec![sign_unit.0, sign_date.0],
        notes: cx.notes,
    }
}

/// Per group of requirements: `召开支部委员会会议12次〔1〕、党员大会4次〔2〕，讲党课2次〔3〕`.
fn organisational_life(cx: &mut Ctx, u: usize) {
    let lines = &cx.report.units[u].lines;
    let mut groups: Vec<((u8, String), Vec<&Line>)> = Vec::new();
    for l in lines {
        let g = group_of(cx.site, &l.origin);
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, v)) => v.push(l),
            None => groups.push((g, vec![l])),
        }
    }
    groups.sort_by_key(|g| g.0 .0);
    for ((kind, name), group) in groups {
        let n = cn(cx.next_sub());
        let head = if kind == 1 { format!("（{n}）落实《{name}》") } else { format!("（{n}）{name}") };
        cx.heading(2, head);
        let mut p = Para::default();
        p.text(cx.so_far()).text("共");
        let mut last_verb: Option<&str> = None;
        let mut any = false;
        // Meetings first, then 党课, then the rest: one verb for each run of names.
        let rank = |l: &&Line| ["召开", "讲", "开展", ""].iter().position(|v| *v == verb(&l.req.name)).unwrap_or(3);
        let mut group = group;
        group.sort_by_key(rank);
        for l in group {
            let t = cx.total(u, &l.req.id);
            if t.total == 0 {
                continue;
            }
            let v = verb(&l.req.name);
            let sep = match last_verb {
                None => "",
                Some(prev) if prev == v && !v.is_empty() => "、",
                Some(_) => "，",
            };
            p.text(sep);
            if last_verb != Some(v) || v.is_empty() {
                p.text(v);
            }
            p.text(&l.req.name).count(t.total, req_path(cx.c, u, &l.req.id, "total")).text(&l.req.measure);
            let note = cx.count_note(u, l);
            p.note(note);
            last_verb = Some(v);
            any = true;
        }
        if !any {
            p = Para::default();
            p.text("尚未登记相关的工作记录或活动记录");
        }
        p.text("。");
        cx.para(p);
    }
    let t = cx.report.units[u].tally;
    if let Some((shown, value)) = rate(t.rate()) {
        let base = format!("units[{}].tally", id(cx.c, u));
        let judged = t.met + t.short + t.missing;
        let mut p = Para::default();
        p.text("对照以上要求，本单位已到期的");
        p.fact(judged.to_string(), vec![format!("{base}.met"), format!("{base}.short"), format!("{base}.missing")], Value::from(judged));
        p.text("个时段中达标").count(t.met, format!("{base}.met")).text("个，达标率").fact(shown, vec![format!("{base}.rate")], value).text("%。");
        cx.para(p);
    }
}

/// Study plans: `按照《…学习计划》，开展理论学习8次〔4〕，学习了“…”、“…”等内容。`
fn study(cx: &mut Ctx, u: usize) {
    let year = cx.report.year;
    let mut by_req: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut plans: Vec<usize> = cx.site.study.keys().copied().filter(|&i| cx.site.pages[i].unit.as_deref() == Some(id(cx.c, u))).collect();
    plans.sort_by(|a, b| cx.site.pages[*a].src.rel.cmp(&cx.site.pages[*b].src.rel));
    for i in plans {
        let p = &cx.site.pages[i];
        let keys: Vec<String> = match p.extra.get("counts_as") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
            _ => Vec::new(),
        };
        let lines = &cx.report.units[u].lines;
        let req = keys.iter().find_map(|k| lines.iter().find(|l| l.req.id == *k || l.req.name == *k || l.req.aliases.contains(k))).map(|l| l.req.id.clone());
        match by_req.iter_mut().find(|(r, _)| *r == req) {
            Some((_, v)) => v.push(i),
            None => by_req.push((req, vec![i])),
        }
    }
    let mut first = true;
    for (req, pages) in by_req {
        let topics: Vec<String> = pages
            .iter()
            .filter_map(|i| cx.site.study.get(i))
            .flat_map(|plan| plan.sessions.iter())
            .filter(|s| s.status == SessionStatus::Done && s.when.year_month().0 == year && s.when.first_day() <= cx.report.as_of)
            .map(|s| s.topic.clone())
            .collect();
        if topics.is_empty() {
            continue;
        }
        if first {
            let n = cn(cx.next_sub());
            cx.heading(2, format!("（{n}）理论学习"));
            first = false;
        }
        let mut p = Para::default();
        p.text("按照");
        for i in &pages {
            p.quote(&format!("《{}》", cx.site.pages[*i].title));
        }
        p.text("，");
        if let Some(line) = req.as_ref().and_then(|r| cx.report.units[u].lines.iter().find(|l| l.req.id == *r)) {
            let t = cx.total(u, &line.req.id);
            p.text(&format!("{}{}", verb(&line.req.name), line.req.name))
                .count(t.study, req_path(cx.c, u, &line.req.id, "sources.study"))
                .text(&line.req.measure);
            p.text("，");
        }
        p.text("学习了");
        for (k, topic) in topics.iter().enumerate() {
            if k > 0 {
                p.text("、");
            }
            p.quote(&format!("“{topic}”"));
        }
        p.text("等内容。");
        cx.para(p);
    }
}

/// `按照本单位党务公开目录（7项），今年以来应公开10项次，按时公开7项次……公开及时率70%。`
fn disclosure(cx: &mut Ctx, u: usize) {
    let Some(t) = cx.timeliness else { return };
    let r = &t.units[u];
    let base = disclosure_base(cx, u);
    let mut p = Para::default();
    p.text("按照本单位党务公开目录（").fact(r.lines.len().to_string(), vec![format!("count({base}.items)")], Value::from(r.lines.len())).text("项），");
    let tl = r.tally;
    if tl.due() == 0 {
        p.text(cx.so_far()).text("尚无到期的公开事项");
    } else {
        let paths = |f: &[&str]| f.iter().map(|k| format!("{base}.tally.{k}")).collect::<Vec<_>>();
        p.text(cx.so_far()).text("应公开").fact(tl.due().to_string(), paths(&["on_time", "late", "missing"]), Value::from(tl.due())).text("项次，按时公开");
        p.count(tl.on_time, format!("{base}.tally.on_time")).text("项次、逾期公开").count(tl.late, format!("{base}.tally.late"));
        p.text("项次、未公开").count(tl.missing, format!("{base}.tally.missing")).text("项次");
        if let Some((shown, value)) = rate(tl.rate()) {
            p.text("，公开及时率").fact(shown, vec![format!("{base}.tally.rate")], value).text("%");
        }
    }
    if tl.pending > 0 {
        p.text("；另有").count(tl.pending, format!("{base}.tally.pending")).text("项次尚在公开时限内");
    }
    // The note lists every cell with its deadline and page.
    let n = cx.notes.len() + 1;
    let mut sources = Vec::new();
    for l in &r.lines {
        for cell in l.cells.iter().filter(|c| c.status != TStatus::Pending) {
            let page = cell.pages.first().map(|p| page_title(cx.site, p)).unwrap_or_default();
            let when = cell.published.map_or("未公开".to_string(), |d| format!("{}公开", d.format("%Y-%m-%d")));
            sources.push(Source {
                title: page,
                file: cell.pages.first().map(|p| format!("content/{p}")).unwrap_or_default(),
                what: format!("{}{}：应于{}前公开，{when}", l.item.name, cell.label(), cell.due.format("%Y-%m-%d")),
                count: None,
            });
        }
    }
    p.note(n).text("。");
    cx.notes.push(Note { n, label: "党务公开各期情况".into(), total: None, measure: String::new(), sources });
    cx.para(p);
}

/// For a 党委: its branches, their totals of shared requirements, and their rates.
fn branches(cx: &mut Ctx, u: usize) {
    let kids: Vec<usize> = cx.c.units.shown_children(u).collect();
    let mut p = Para::default();
    p.quote(&cx.c.units.list[u].title).text("所属党组织").fact(
        kids.len().to_string(),
        vec![format!("count(units[parent={}])", id(cx.c, u))],
        Value::from(kids.len()),
    );
    p.text("个：");
    for (k, &c) in kids.iter().enumerate() {
        if k > 0 {
            p.text("、");
        }
        p.quote(&cx.c.units.list[c].title);
    }
    p.text("。");
    // Requirements every branch has: their sums, then each branch's count.
    let first = &cx.report.units[kids[0]].lines;
    let shared: Vec<&Line> = first.iter().filter(|l| kids.iter().all(|&k| cx.report.units[k].lines.iter().any(|m| m.req.id == l.req.id))).collect();
    let mut clauses = 0;
    for l in shared {
        let counts: Vec<u32> = kids.iter().map(|&k| cx.total(k, &l.req.id).total).collect();
        let sum: u32 = counts.iter().sum();
        if sum == 0 {
            continue;
        }
        if clauses == 0 {
            p.text(cx.so_far()).text("，所属党组织共");
        } else {
            p.text("；");
        }
        let paths: Vec<String> = kids.iter().map(|&k| req_path(cx.c, k, &l.req.id, "total")).collect();
        p.text(&format!("{}{}", verb(&l.req.name), l.req.name)).fact(sum.to_string(), paths.clone(), Value::from(sum)).text(&format!("{}（", l.req.measure));
        for (k, (&kid, n)) in kids.iter().zip(&counts).enumerate() {
            if k > 0 {
                p.text("、");
            }
            p.quote(&cx.c.units.list[kid].title).count(*n, paths[k].clone()).text(&l.req.measure);
        }
        p.text("）");
        clauses += 1;
    }
    if clauses > 0 {
        p.text("。");
    }
    rates(cx, &mut p, u, &kids, "组织生活各项要求达标率", |cx, k| cx.report.units[k].rollup.rate(), "rollup.rate");
    if let Some(t) = cx.timeliness {
        let t = t.clone();
        rates(cx, &mut p, u, &kids, "党务公开及时率", |_, k| t.units[k].rollup.rate(), "disclosure.rollup.rate");
    }
    cx.para(p);
}

/// `组织生活各项要求达标率（含下级）：第一党支部95.3%、……；本单位及所属党组织总体92.1%。`
fn rates(cx: &Ctx, p: &mut Para, u: usize, kids: &[usize], what: &str, of: impl Fn(&Ctx, usize) -> Option<f64>, field: &str) {
    let shown: Vec<(usize, (String, Value))> = kids.iter().filter_map(|&k| rate(of(cx, k)).map(|r| (k, r))).collect();
    if shown.is_empty() {
        return;
    }
    p.text(&format!("{what}（含其下级）："));
    for (n, (k, (s, v))) in shown.into_iter().enumerate() {
        if n > 0 {
            p.text("、");
        }
        p.quote(&cx.c.units.list[k].title).fact(s, vec![format!("units[{}].{field}", id(cx.c, k))], v).text("%");
    }
    if let Some((s, v)) = rate(of(cx, u)) {
        p.text("；本单位及所属党组织总体").fact(s, vec![format!("units[{}].{field}", id(cx.c, u))], v).text("%");
    }
    p.text("。");
}
