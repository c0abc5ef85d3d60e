//! Timeliness in the downloads: the `disclosure` object of each unit in
//! compliance.json, `disclosure.csv` (one row per unit × item × period or event),
//! and the 公开及时情况 sheet of compliance.xlsx. Schema: docs/compliance.md.

use crate::domain::catalogue::timeliness::{Cell, Report, Tally};
use crate::site::records::Compliance;
use crate::site::{Item, Site};
use serde_json::{json, Value};

pub const CSV_FILE: &str = "disclosure.csv";

fn tally(t: &Tally) -> Value {
    json!({ "on_time": t.on_time, "late": t.late, "missing": t.missing, "pending": t.pending, "rate": t.rate().map(|r| (r * 1000.0).round() / 10.0) })
}

/// The pages of a cell this build shows (source paths relative to content/).
fn shown_pages<'a>(site: &'a Site, c: &'a Cell) -> impl Iterator<Item = &'a String> + 'a {
    c.pages.iter().filter(|rel| matches!(site.by_rel.get(*rel), Some(Item::Page(p)) if site.pages[*p].visible()))
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A unit's `disclosure` in compliance.json; `None` when it has no catalogue items.
pub fn unit_json(site: &Site, _c: &Compliance, report: &Report, u: usize) -> Option<Value> {
    let r = report.units.get(u).filter(|r| !r.lines.is_empty())?;
    let items: Vec<Value> = r
        .lines
        .iter()
        .map(|l| {
            let i = &l.item;
            let cells: Vec<Value> = l
                .cells
                .iter()
                .map(|c| {
                    let mut v = json!({
                        "due": day(c.due), "published": c.published.map(day), "status": c.status.id(), "days": c.days,
                        "notice_days": c.notice.and_then(|n| n.shown), "pages": shown_pages(site, c).collect::<Vec<_>>(),
                    });
                    let key = if c.period.is_some() { "period" } else { "event" };
                    v[key] = Value::String(c.key());
                    v
                })
                .collect();
            json!({
                "id": i.id, "name": i.name, "category": i.category.id(), "scope": i.reach.id(), "per": i.freq.id(),
                "deadline": i.deadline.text(i.freq), "notice_days": i.notice_days, "tally": tally(&l.tally), "cells": cells,
            })
        })
        .collect();
    Some(json!({ "tally": tally(&r.tally), "rollup": tally(&r.rollup), "items": items }))
}

const HEADERS: [&str; 15] = [
    "年度",
    "单位编号",
    "单位",
    "事项编号",
    "公开事项",
    "类别",
    "公开范围",
    "频次",
    "公开时限",
    "时段或事项日期",
    "应公开日期",
    "公开日期",
    "情况",
    "逾期天数",
    "公示工作日",
];

fn rows(site: &Site, c: &Compliance, report: &Report, units: &[usize]) -> Vec<[String; 15]> {
    let mut out = Vec::new();
    for &u in units {
        let unit = &c.units.list[u];
        for l in &report.units[u].lines {
            let i = &l.item;
            for cell in &l.cells {
                out.push([
                    report.year.to_string(),
                    unit.id.clone(),
                    super::compliance_shared::unit_title(site, c, u),
                    i.id.clone(),
                    i.name.clone(),
                    i.category.name().to_string(),
                    i.reach.name().to_string(),
                    i.freq.name().to_string(),
                    i.deadline.text(i.freq),
                    cell.key(),
                    day(cell.due),
                    cell.published.map(day).unwrap_or_default(),
                    cell.status.name().to_string(),
                    if cell.days > 0 { cell.days.to_string() } else { String::new() },
                    cell.notice.and_then(|n| n.shown).map(|s| s.to_string()).unwrap_or_default(),
                ]);
            }
        }
    }
    out
}

/// disclosure.csv: UTF-8 with BOM, CRLF, formula-safe like compliance.csv.
pub fn to_csv(site: &Site, c: &Compliance, report: &Report, units: &[usize]) -> String {
    let mut out = String::from("\u{feff}");
    super::compliance_shared::csv_row(&mut out, &HEADERS);
    for r in rows(site, c, report, units) {
        let fields: Vec<&str> = r.iter().map(String::as_str).collect();
        super::compliance_shared::csv_row(&mut out, &fields);
    }
    out
}

/// The `{year}年公开及时情况` sheet: the CSV's rows, numbers as numbers.
pub fn xlsx_sheet(wb: &mut rust_xlsxwriter::Workbook, site: &Site, c: &Compliance, report: &Report, units: &[usize]) -> Result<(), String> {
    use rust_xlsxwriter::{Color, Format};
    let err = |e: rust_xlsxwriter::XlsxError| format!("生成 compliance.xlsx 失败：{e}");
    let rows = rows(site, c, report, units);
    if rows.is_empty() {
        return Ok(());
    }
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xF3E9D2));
    let ws = wb.add_worksheet();
    ws.set_name(format!("{}年公开及时情况", report.year)).map_err(err)?;
    for (col, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &header).map_err(err)?;
    }
    for (n, r) in rows.iter().enumerate() {
        let row = n as u32 + 1;
        for (col, v) in r.iter().enumerate() {
            let col = col as u16;
            match v.parse::<f64>() {
                Ok(x) if col == 0 || col >= 13 => ws.write_number(row, col, x).map_err(err)?,
                _ => ws.write_string(row, col, v).map_err(err)?,
            };
        }
    }
    ws.set_freeze_panes(1, 3).map_err(err)?;
    ws.set_column_width(2, 16).map_err(err)?;
    ws.set_column_width(4, 26).map_err(err)?;
    ws.set_column_width(8, 18).map_err(err)?;
    Ok(())
}
