//! `dwgk report --disclosures`, and the 党务公开及时情况 block of `dwgk report`:
//! the catalogue's timeliness per unit, item and period.

use crate::cli::ReportFormat;
use crate::domain::catalogue::timeliness::Report;
use crate::render::catalogue::{cell_text, symbol};
use crate::render::catalogue_export;
use crate::render::compliance::unit_title;
use crate::site::records::Compliance;
use crate::site::Site;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

fn rate(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

/// One block per unit, one line per catalogue item with its periods.
pub fn table(site: &Site, c: &Compliance, t: &Report, units: &[usize]) -> String {
    let mut s = format!("{}年党务公开及时情况（截至 {}）  ✓按时公开 !逾期公开 ✗未公开 …进行中\n\n", t.year, t.as_of.format("%Y-%m-%d"));
    for &u in units.iter().filter(|&&u| !t.units[u].lines.is_empty()) {
        let r = &t.units[u];
        let indent = "  ".repeat(c.units.depth(u));
        let _ = writeln!(
            s,
            "{indent}{}（{}）  公开及时率 {}  含下级 {}  [按时 {} 逾期 {} 未公开 {} 进行中 {}]",
            unit_title(site, c, u),
            c.units.list[u].id,
            rate(r.tally.rate()),
            rate(r.rollup.rate()),
            r.tally.on_time,
            r.tally.late,
            r.tally.missing,
            r.tally.pending
        );
        let name_w = r.lines.iter().map(|l| l.item.name.width()).max().unwrap_or(0);
        for l in &r.lines {
            let cells: Vec<String> = l.cells.iter().map(|cell| format!("{}{}{}", cell.label(), symbol(cell.status), late(cell))).collect();
            let pad = " ".repeat(name_w.saturating_sub(l.item.name.width()));
            let _ = writeln!(
                s,
                "{indent}  {}{pad}  {}  {}",
                l.item.name,
                l.item.deadline.text(l.item.freq),
                if cells.is_empty() { "（本年无）".into() } else { cells.join(" ") }
            );
        }
        s.push('\n');
    }
    s
}

fn late(cell: &crate::domain::catalogue::timeliness::Cell) -> String {
    match cell.status {
        crate::domain::catalogue::Status::Late | crate::domain::catalogue::Status::Missing => format!("({})", cell_text(cell)),
        _ => String::new(),
    }
}

/// `--disclosures` in every format.
pub fn bytes(site: &Site, c: &Compliance, year: i32, format: ReportFormat, units: &[usize]) -> Result<Vec<u8>, String> {
    let Some(t) = c.timeliness_for(year, &site.config.compliance.calendar) else {
        return Err("这个站点没有党务公开目录：在 config.toml 的 presets 中加 \"gongkai-2017\"，或写 [[catalogue]]（见 docs/compliance.md）".into());
    };
    match format {
        ReportFormat::Table => Ok(table(site, c, &t, units).into_bytes()),
        ReportFormat::Csv => Ok(catalogue_export::to_csv(site, c, &t, units).into_bytes()),
        ReportFormat::Json => {
            let list: Vec<serde_json::Value> = units
                .iter()
                .filter_map(|&u| {
                    let mut v = catalogue_export::unit_json(site, c, &t, u)?;
                    v["id"] = c.units.list[u].id.clone().into();
                    v["title"] = unit_title(site, c, u).into();
                    Some(v)
                })
                .collect();
            let out = serde_json::json!({ "schema": "dwgk-disclosure/1", "year": t.year, "as_of": t.as_of.format("%Y-%m-%d").to_string(), "units": list });
            Ok(serde_json::to_string_pretty(&out).expect("json").into_bytes())
        }
        ReportFormat::Xlsx => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            catalogue_export::xlsx_sheet(&mut wb, site, c, &t, units)?;
            wb.save_to_buffer().map_err(|e| format!("生成 xlsx 失败：{e}"))
        }
        ReportFormat::Docx => Err("docx 只用于报告草稿（--draft 情况报告）".into()),
    }
}
