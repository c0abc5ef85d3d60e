//! Template views of dues disclosures and study plans. The audience decides
//! what a view holds: a public view is built from `DuesReport::public_view`
//! (masked names, no income bases, no findings, no small group) and never from the
//! report itself; an internal one from `named_members` (no bases, no findings).

use crate::content::kind::Kind;
use crate::domain::study;
use crate::site::urls::marker;
use crate::site::Site;
use serde_json::{json, Value};

fn internal(site: &Site) -> bool {
    !site.opts.audience.is_public()
}

fn committee(site: &Site) -> bool {
    site.opts.audience.sees_personal_data()
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("disclosure views serialize")
}

/// `page.dues`: the disclosure of a dues page, for this build's audience: the
/// public sees `public_view`; all members (internal) each member's standard and
/// amounts by name; the committee also income bases, findings and the ledger file.
pub fn dues_view(site: &Site, page: usize) -> Value {
    let Some(d) = site.dues.get(&page) else { return Value::Null };
    let p = &site.pages[page];
    let options = &site.config.dues.options;
    let contact = p.extra.get("contact").and_then(Value::as_str).map(str::to_string).or_else(|| options.contact.clone());
    let window_start = p.publish_date.or(p.date).map(|d| d.date.format("%Y-%m-%d").to_string());
    let window_end = p.expire_date.map(|d| d.date.format("%Y-%m-%d").to_string());
    let mut v = json!({
        "period": d.period.map(|x| x.id()),
        "period_label": d.period.map(|x| x.full_label()),
        "remittance": d.remitted,
        "standards": to_value(&site.config.dues.rates.standards()),
        "contact": contact,
        "window": { "start": window_start, "end": window_end },
        "audience": site.opts.audience.id(),
        "internal": internal(site),
        "committee": committee(site),
    });
    let r = &d.report;
    if committee(site) {
        let ledger = d
            .file
            .as_ref()
            .and_then(|rel| site.assets.iter().find(|a| &a.rel == rel && a.published))
            .map(|a| json!({ "name": a.name(), "url": crate::site::urls::file_marker(&a.path) }));
        let extra = json!({
            "members": to_value(&r.members), "member_amounts": true, "totals": to_value(&r.totals),
            "by_category": to_value(&r.by_category), "by_bracket": to_value(&r.by_bracket),
            "collected": r.totals.paid, "remittance_gap": r.remittance_gap,
            "in_arrears": r.in_arrears, "serious_arrears": r.serious_arrears,
            "findings": r.findings.iter().map(|f| json!({ "kind": f.kind.label(), "serious": f.serious, "message": f.message, "hint": f.hint })).collect::<Vec<_>>(),
            "ledger": ledger, "sheet": d.sheet,
        });
        merge(&mut v, extra);
    } else if internal(site) {
        let extra = json!({
            "members": to_value(&r.named_members()), "member_amounts": true,
            "totals": { "members": r.totals.members, "judged": r.totals.judged, "expected": r.totals.expected, "paid": r.totals.paid },
            "by_category": to_value(&r.by_category), "by_bracket": to_value(&r.by_bracket), "collected": r.totals.paid,
        });
        merge(&mut v, extra);
    } else {
        let public = r.public_view(options);
        if public.amounts_withheld {
            v["remittance"] = Value::Null;
        }
        merge(&mut v, to_value(&public));
    }
    v
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

/// `page.study_plan`: the timetable of a study plan (overdue flags only for
/// internal readers).
pub fn study_view(site: &Site, page: usize) -> Value {
    let Some(plan) = site.study.get(&page) else { return Value::Null };
    let mut t = study::timetable(&plan.sessions, site.as_of());
    if !internal(site) {
        t.totals.overdue = 0;
        for m in &mut t.months {
            m.counts.overdue = 0;
            m.sessions.iter_mut().for_each(|s| s.overdue = false);
        }
    }
    let mut v = to_value(&t);
    merge(&mut v, json!({ "year": plan.year, "as_of": site.as_of().format("%Y-%m-%d").to_string(), "internal": internal(site) }));
    v
}

/// `section.dues`: a unit's visible dues disclosures in period order, with
/// totals (the public ones of `public_view`; for the committee also gaps and findings).
pub fn dues_history(site: &Site, section: usize) -> Value {
    let s = &site.sections[section];
    if s.unit.is_none() {
        return Value::Array(Vec::new());
    }
    let options = &site.config.dues.options;
    let mut rows: Vec<(String, Value)> = s
        .pages
        .iter()
        .filter(|&&p| site.pages[p].visible() && site.pages[p].kind == Some(Kind::Dues))
        .filter_map(|&p| site.dues.get(&p).map(|d| (p, d)))
        .map(|(p, d)| {
            let r = &d.report;
            let remitted = d.remitted.as_ref().map(|x| x.amount);
            let (expected, collected, remitted) = if internal(site) {
                (Some(r.totals.expected), Some(r.totals.paid), remitted)
            } else {
                let public = r.public_view(options);
                (public.totals.expected, public.collected, public.remitted)
            };
            let mut row = json!({
                "title": site.pages[p].title, "url": marker(&site.pages[p].path),
                "period": d.period.map(|x| x.id()), "period_label": d.period.map(|x| x.full_label()),
                "members": r.totals.members, "expected": expected, "collected": collected, "remitted": remitted,
            });
            if committee(site) {
                merge(&mut row, json!({ "remittance_gap": r.remittance_gap, "findings": r.findings.len(), "in_arrears": r.in_arrears }));
            }
            (d.period.map_or_else(String::new, |x| x.start().to_string()), row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Array(rows.into_iter().map(|(_, v)| v).collect())
}
