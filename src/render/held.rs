//! Held-back pages in the compliance outputs: when page-level fault isolation
//! built a page that feeds compliance (a record, activity, checklist, dues or
//! study plan) from its last published version, the summary page, JSON, CSV and
//! Excel say so, so an inspector knows that unit's counts are the last published
//! ones. Only pages this build shows are named (by title and URL, never by
//! source file); nothing is added when nothing is held back.

use crate::content::kind::Kind;
use crate::site::records::Compliance;
use crate::site::urls::marker;
use crate::site::Site;
use serde::Serialize;
use serde_json::{json, Value};

/// One held-back page, as the downloads list it.
#[derive(Serialize)]
pub struct HeldOut {
    pub unit: Option<String>,
    pub title: String,
    pub path: String,
    pub note: &'static str,
}

pub const NOTE: &str = "本页新版本有错误、暂缓发布：显示的是上一次发布的版本，本单位的次数按上一次发布的版本统计";

/// Visible pages built from their last published version that compliance reads,
/// in `units` (indexes into `c.units.list`; all when `None`).
fn held(site: &Site, c: &Compliance, units: Option<&[usize]>) -> Vec<usize> {
    if site.isolation.previous.is_empty() {
        return Vec::new();
    }
    let counted = |k: Option<Kind>| matches!(k, Some(Kind::Record | Kind::Activity | Kind::Checklist | Kind::Dues | Kind::StudyPlan));
    let in_units = |unit: &Option<String>| match units {
        None => true,
        Some(list) => unit.as_deref().and_then(|id| c.units.find(id)).is_some_and(|u| list.contains(&u)),
    };
    (0..site.pages.len())
        .filter(|&i| {
            let p = &site.pages[i];
            p.visible() && counted(p.kind) && site.isolation.is_previous(&p.src.rel) && in_units(&p.unit)
        })
        .collect()
}

fn unit_title(site: &Site, c: &Compliance, id: &Option<String>) -> Option<String> {
    let u = c.units.find(id.as_deref()?)?;
    Some(site.sections[c.sections[u]].title.clone())
}

/// `held_back` for the summary page's template: `[{title, url, unit}]`.
pub fn view(site: &Site, c: &Compliance) -> Value {
    let list: Vec<Value> = held(site, c, None)
        .into_iter()
        .map(|i| {
            let p = &site.pages[i];
            json!({ "title": p.title, "url": marker(&p.path), "unit": unit_title(site, c, &p.unit) })
        })
        .collect();
    Value::Array(list)
}

/// The JSON download's `held_back`.
pub fn json(site: &Site, c: &Compliance, units: &[usize]) -> Vec<HeldOut> {
    held(site, c, Some(units))
        .into_iter()
        .map(|i| {
            let p = &site.pages[i];
            HeldOut { unit: p.unit.clone(), title: p.title.clone(), path: p.path.clone(), note: NOTE }
        })
        .collect()
}

/// Rows closing the CSV (`要求编号` is `_held_back`), 14 fields like the others.
pub fn csv_rows(site: &Site, c: &Compliance, units: &[usize], year: &str) -> Vec<[String; 14]> {
    held(site, c, Some(units))
        .into_iter()
        .map(|i| {
            let p = &site.pages[i];
            let id = p.unit.clone().unwrap_or_default();
            let title = unit_title(site, c, &p.unit).unwrap_or_default();
            let what = format!("暂缓更新：{}（{}）", p.title, p.path);
            [
                year.into(),
                id,
                title,
                String::new(),
                "_held_back".into(),
                what,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "暂缓更新".into(),
                String::new(),
                String::new(),
                NOTE.into(),
            ]
        })
        .collect()
}

/// A sheet `暂缓更新` in the workbook, when pages are held back.
pub fn xlsx_sheet(wb: &mut rust_xlsxwriter::Workbook, site: &Site, c: &Compliance, units: &[usize]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let list = held(site, c, Some(units));
    if list.is_empty() {
        return Ok(());
    }
    let ws = wb.add_worksheet();
    ws.set_name("暂缓更新")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, h) in ["单位编号", "单位", "页面", "网址", "说明"].iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (row, i) in list.into_iter().enumerate() {
        let p = &site.pages[i];
        let row = row as u32 + 1;
        ws.write_string(row, 0, p.unit.clone().unwrap_or_default())?;
        ws.write_string(row, 1, unit_title(site, c, &p.unit).unwrap_or_default())?;
        ws.write_string(row, 2, &p.title)?;
        ws.write_string(row, 3, &p.path)?;
        ws.write_string(row, 4, NOTE)?;
    }
    ws.set_column_width(2, 30)?;
    ws.set_column_width(4, 60)?;
    Ok(())
}
