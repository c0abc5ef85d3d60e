//! Compliance outputs: the unit sections' view, the pieces every compliance view
//! shares (titles, tallies, statuses and their symbols) and the downloads (JSON, CSV
//! for Excel, XLSX). The summary page is `compliance_page`, its matrix
//! `compliance_matrix`, its SVG charts `compliance_svg`. Templates display the report;
//! they never compute it.

use crate::domain::compliance::{Line, Report, Status, Tally};
use crate::domain::requirement::Origin;
use crate::site::records::Compliance;
use crate::site::urls::marker;
use crate::site::Site;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write as _;

use super::compliance_shared::csv_row;
pub use super::compliance_shared::{shown, unit_title};

pub const PAGE: &str = "/compliance/";
pub const JSON_FILE: &str = "compliance.json";
pub const CSV_FILE: &str = "compliance.csv";
pub const XLSX_FILE: &str = "compliance.xlsx";

fn unit_url(site: &Site, c: &Compliance, u: usize) -> Value {
    let s = &site.sections[c.sections[u]];
    if s.hidden.is_some() {
        Value::Null
    } else {
        Value::String(marker(&s.path))
    }
}

fn pct(rate: Option<f64>) -> Value {
    rate.map_or(Value::Null, |r| Value::from((r * 1000.0).round() / 10.0))
}

pub(super) fn tally(t: &Tally) -> Value {
    json!({ "met": t.met, "short": t.short, "pending": t.pending, "missing": t.missing, "rate": pct(t.rate()) })
}

/// One status for a whole line of cells (the year at a glance); `Na` when no cell
/// is judged or running (the unit did not exist that year).
pub(super) fn line_status(t: &Tally) -> Status {
    if t.met + t.short + t.pending + t.missing == 0 {
        Status::Na
    } else if t.short + t.missing == 0 {
        if t.pending == 0 {
            Status::Met
        } else {
            Status::Pending
        }
    } else if t.met + t.short == 0 && t.missing > 0 {
        Status::Missing
    } else {
        Status::Short
    }
}

/// The year's status of a line: `line_status` of its tally, or 不适用 when every
/// period is (a unit's periods before it existed, say).
pub(super) fn year_status(l: &Line) -> Status {
    if !l.cells.is_empty() && l.cells.iter().all(|c| c.status == Status::Na) {
        Status::Na
    } else {
        line_status(&l.tally)
    }
}

fn origin_text(site: &Site, o: &Origin) -> String {
    match o {
        Origin::Preset { name } => format!("预设 {name}"),
        Origin::Config => "config.toml".into(),
        Origin::Checklist { page, .. } => {
            let visible = matches!(site.by_rel.get(page), Some(crate::site::Item::Page(p)) if site.pages[*p].visible());
            if visible {
                format!("责任清单 {page}")
            } else {
                "责任清单".into()
            }
        }
    }
}

fn line_view(site: &Site, l: &Line, with_cells: bool) -> Value {
    let status = year_status(l);
    let mut v = json!({
        "id": l.req.id, "name": l.req.name, "per": l.req.per.id(), "per_name": l.req.per.name(), "min": l.req.min,
        "measure": l.req.measure, "origin": origin_text(site, &l.origin), "tally": tally(&l.tally),
        "status": status.id(), "status_name": status.name(), "sym": symbol(status), "chips": chips_html(l),
    });
    if with_cells {
        let cells: Vec<Value> = l
            .cells
            .iter()
            .map(|c| {
                let mut title = String::new();
                write_cell_title(&mut title, c, &l.req.measure);
                json!({
                    "period": c.period.id(), "label": c.period.label(), "status": c.status.id(), "status_name": c.status.name(), "sym": symbol(c.status),
                    "count": c.count, "target": c.target, "from_coarser": c.from_coarser, "title": title,
                })
            })
            .collect();
        super::parts::put(&mut v, [("cells", Value::Array(cells))]);
    }
    v
}

/// `2024-03：达标，1/1次`, with `（按整段统计）` when counted over a longer period;
/// `measure` as the caller needs it (escaped for HTML, or not).
fn write_cell_title(out: &mut String, c: &crate::domain::compliance::Cell, measure: &str) {
    if c.status == Status::Na {
        let _ = write!(out, "{}：不适用（单位尚未成立或已撤销）", c.period.id());
        return;
    }
    let whole = if c.from_coarser { "（按整段统计）" } else { "" };
    let _ = write!(out, "{}：{}，{}/{}{measure}{whole}", c.period.id(), c.status.name(), c.count, c.target);
}

/// A line's cells as the default theme shows them (a list of chips), made here
/// rather than in a template loop: a unit page shows ~100 cells and every template
/// variable lookup is costly. Templates wanting other markup read `cells`.
fn chips_html(l: &Line) -> String {
    // Period ids and labels, status names and numbers are dwgk's own text: only
    // the measure (from the requirement) needs escaping.
    let measure = tera::escape_html(&l.req.measure);
    let mut out = String::with_capacity(l.cells.len() * 300 + 32);
    out.push_str("<ul class=\"chips\">");
    for c in &l.cells {
        let (st, name, sym) = (c.status.id(), c.status.name(), symbol(c.status));
        let star = if c.from_coarser { "*" } else { "" };
        let _ = write!(out, "<li class=\"chip st-{st}\" title=\"");
        write_cell_title(&mut out, c, &measure);
        let _ = write!(
            out,
            "\"><span class=\"chip-label\">{}</span> <span class=\"st st-{st}\"><span class=\"st-sym\" aria-hidden=\"true\">{sym}</span>{name}</span>",
            c.period.label()
        );
        if c.status != Status::Na {
            let _ = write!(out, "<span class=\"chip-count\">{}/{}{measure}{star}</span>", c.count, c.target);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// The symbol shown beside a status, so statuses read without colour too.
pub fn symbol(s: Status) -> &'static str {
    match s {
        Status::Met => "✓",
        Status::Short => "✗",
        Status::Pending => "…",
        Status::Missing => "○",
        Status::Na => "—",
    }
}

/// A unit's identity and totals (a row of the summary page).
pub(super) fn unit_row(site: &Site, c: &Compliance, report: &Report, u: usize) -> Value {
    let r = &report.units[u];
    let unit = &c.units.list[u];
    json!({
        "id": unit.id, "title": unit_title(site, c, u), "url": unit_url(site, c, u), "kind": unit.kind,
        "depth": c.units.depth(u), "year": report.year, "as_of": report.as_of.format("%Y-%m-%d").to_string(),
        "tally": tally(&r.tally), "rollup": tally(&r.rollup),
        "has_children": c.units.shown_children(u).next().is_some(),
    })
}

/// A unit's compliance view (unit pages); `with_cells` adds each line's `cells` as data (only
/// when a template reads them: the default theme shows the ready-made `chips`).
pub fn unit_view(site: &Site, c: &Compliance, report: &Report, u: usize, with_cells: bool) -> Value {
    let mut v = unit_row(site, c, report, u);
    let r = &report.units[u];
    v["lines"] = Value::Array(r.lines.iter().map(|l| line_view(site, l, with_cells)).collect());
    v["na"] = json!(r.na);
    v["scope"] = json!(site.config.compliance.scope.id());
    v
}

/// Rows of the flat table shared by CSV and XLSX.
const HEADERS: [&str; 14] =
    ["年度", "单位编号", "单位", "单位类别", "要求编号", "要求", "周期", "最少", "计量", "时段", "状态", "次数", "应达到", "按整段统计"];

/// CSV for Excel: UTF-8 with BOM (so Chinese survives), CRLF line ends; one row per
/// cell and per `na` entry. Written straight into the string (large sites have
/// hundreds of thousands of rows).
pub fn to_csv(site: &Site, c: &Compliance, report: &Report, units: &[usize]) -> String {
    let row = csv_row;
    let mut out = String::from("\u{feff}");
    row(&mut out, &HEADERS);
    let year = report.year.to_string();
    for &u in units {
        let r = &report.units[u];
        let unit = &c.units.list[u];
        let title = unit_title(site, c, u);
        let kind = unit.kind.as_deref().unwrap_or("");
        for l in &r.lines {
            let min = l.req.min.to_string();
            for cell in &l.cells {
                let (period, count, target) = (cell.period.id(), cell.count.to_string(), cell.target.to_string());
                let coarser = if cell.from_coarser { "是" } else { "" };
                let fields: [&str; 14] = [
                    &year,
                    &unit.id,
                    &title,
                    kind,
                    &l.req.id,
                    &l.req.name,
                    l.req.per.name(),
                    &min,
                    &l.req.measure,
                    &period,
                    cell.status.name(),
                    &count,
                    &target,
                    coarser,
                ];
                row(&mut out, &fields);
            }
        }
        for id in &r.na {
            row(&mut out, &[&year, &unit.id, &title, kind, id, "", "", "", "", "", Status::Na.name(), "", "", ""]);
        }
    }
    for held in super::held::csv_rows(site, c, units, &year) {
        row(&mut out, &held.each_ref().map(String::as_str));
    }
    out
}

/// `tally` as the JSON download writes it.
#[derive(Serialize)]
struct TallyOut {
    met: u32,
    short: u32,
    pending: u32,
    missing: u32,
    rate: Option<f64>,
}

impl From<&Tally> for TallyOut {
    fn from(t: &Tally) -> Self {
        TallyOut { met: t.met, short: t.short, pending: t.pending, missing: t.missing, rate: t.rate().map(|r| (r * 1000.0).round() / 10.0) }
    }
}

#[derive(Serialize)]
struct CellOut {
    period: String,
    status: &'static str,
    count: u32,
    target: u32,
    from_coarser: bool,
}

#[derive(Serialize)]
struct LineOut<'a> {
    id: &'a str,
    name: &'a str,
    per: &'static str,
    min: u32,
    measure: &'a str,
    origin: String,
    tally: TallyOut,
    /// The year's count (`domain::totals`) and where it came from.
    total: u32,
    sources: crate::domain::totals::Totals,
    cells: Vec<CellOut>,
}

#[derive(Serialize)]
struct UnitOut<'a> {
    id: &'a str,
    title: String,
    kind: &'a Option<String>,
    parent: Option<&'a str>,
    tally: TallyOut,
    rollup: TallyOut,
    requirements: Vec<LineOut<'a>>,
    na: &'a [String],
    /// Timeliness of the unit's disclosure catalogue (`render::catalogue_export`).
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosure: Option<Value>,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    schema: &'static str,
    year: i32,
    as_of: String,
    units: Vec<UnitOut<'a>>,
    /// Pages held back by page-level isolation (counted as last published).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    held_back: Vec<super::held::HeldOut>,
}

/// The report as JSON (schema: docs/compliance.md); `pretty` for people, compact
/// for the site's download. Serialized from borrowed structs straight into the
/// output (a large site's report is tens of MB).
pub fn to_json<'a>(site: &Site, c: &'a Compliance, report: &'a Report, units: &[usize], pretty: bool) -> String {
    let totals = crate::domain::totals::totals(report, &c.facts);
    let timeliness = c.timeliness_for(report.year, &site.config.compliance.calendar);
    let line = |u: usize, l: &'a Line| -> LineOut<'a> {
        let sources = totals.get(&(u, l.req.id.clone())).copied().unwrap_or_default();
        LineOut {
            id: &l.req.id,
            name: &l.req.name,
            per: l.req.per.id(),
            min: l.req.min,
            measure: &l.req.measure,
            origin: origin_text(site, &l.origin),
            tally: (&l.tally).into(),
            total: sources.total,
            sources,
            cells: l
                .cells
                .iter()
                .map(|cell| CellOut {
                    period: cell.period.id(),
                    status: cell.status.id(),
                    count: cell.count,
                    target: cell.target,
                    from_coarser: cell.from_coarser,
                })
                .collect(),
        }
    };
    let all_units = units;
    let units = units
        .iter()
        .map(|&u| {
            let (r, unit) = (&report.units[u], &c.units.list[u]);
            UnitOut {
                id: &unit.id,
                title: unit_title(site, c, u),
                kind: &unit.kind,
                parent: unit.parent.map(|p| c.units.list[p].id.as_str()),
                tally: (&r.tally).into(),
                rollup: (&r.rollup).into(),
                requirements: r.lines.iter().map(|l| line(u, l)).collect(),
                na: &r.na,
                disclosure: timeliness.as_ref().and_then(|t| super::catalogue_export::unit_json(site, c, t, u)),
            }
        })
        .collect();
    let held_back = super::held::json(site, c, all_units);
    let out = ReportOut { schema: "dwgk-compliance/1", year: report.year, as_of: report.as_of.format("%Y-%m-%d").to_string(), units, held_back };
    if pretty { serde_json::to_string_pretty(&out) } else { serde_json::to_string(&out) }.expect("json")
}

fn status_format(s: Status) -> rust_xlsxwriter::Format {
    use rust_xlsxwriter::{Color, Format};
    let (bg, fg) = match s {
        Status::Met => (0xC8E6C9, 0x1B5E20),
        Status::Short => (0xFFCDD2, 0xB71C1C),
        Status::Pending => (0xFFF3C4, 0x6D4C00),
        Status::Missing => (0xE0E0E0, 0x212121),
        Status::Na => (0xFFFFFF, 0x616161),
    };
    Format::new().set_background_color(Color::RGB(bg)).set_font_color(Color::RGB(fg))
}

/// The workbook: a summary sheet per year (one row per unit) and, for `detail_year`,
/// a detail sheet (one row per unit × requirement, months as columns); frozen
/// headers, status colours.
pub fn to_xlsx(site: &Site, c: &Compliance, years: &[i32], detail_year: i32, units: &[usize]) -> Result<Vec<u8>, String> {
    use chrono::Datelike;
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    // The fastest deflate level: a third of the time of the default, ~20 % bigger.
    wb.set_zip_compression_level(1);
    let header = Format::new().set_bold().set_background_color(rust_xlsxwriter::Color::RGB(0xF3E9D2));
    let err = |e: rust_xlsxwriter::XlsxError| format!("生成 compliance.xlsx 失败：{e}");
    // Created on the build's day, not this instant: the same content gives the same
    // bytes (releases and the preview server compare outputs), as the pages' dates do.
    let day = site.opts.now.date();
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(day.year().clamp(1900, 9999) as u16, day.month() as u8, day.day() as u8).map_err(err)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let formats: Vec<(Status, Format, Format)> = [Status::Met, Status::Short, Status::Pending, Status::Missing, Status::Na]
        .into_iter()
        .map(|s| (s, status_format(s), status_format(s).set_align(rust_xlsxwriter::FormatAlign::CenterAcross)))
        .collect();
    let format_of = |s: Status| formats.iter().find(|(k, _, _)| *k == s).map(|(_, one, span)| (one, span)).expect("every status has a format");
    // Earlier years' reports are computed on demand, in parallel.
    let others: Vec<(i32, Report)> = {
        use rayon::prelude::*;
        years.par_iter().filter(|&&y| y != c.report.year).map(|&y| (y, c.report_for(y))).collect()
    };
    for &year in years {
        let report = if year == c.report.year { &c.report } else { &others.iter().find(|(y, _)| *y == year).expect("computed above").1 };
        let sum = wb.add_worksheet();
        sum.set_name(format!("{year}年汇总")).map_err(err)?;
        let sum_headers = ["单位编号", "单位", "单位类别", "达标", "未达标", "无记录", "进行中", "达标率%", "含下级达标率%"];
        for (i, h) in sum_headers.iter().enumerate() {
            sum.write_string_with_format(0, i as u16, *h, &header).map_err(err)?;
        }
        for (row, &u) in units.iter().enumerate() {
            let r = &report.units[u];
            let row = row as u32 + 1;
            let unit = &c.units.list[u];
            sum.write_string(row, 0, &unit.id).map_err(err)?;
            sum.write_string(row, 1, format!("{}{}", "  ".repeat(c.units.depth(u)), unit_title(site, c, u))).map_err(err)?;
            sum.write_string(row, 2, unit.kind.clone().unwrap_or_default()).map_err(err)?;
            for (i, n) in [r.tally.met, r.tally.short, r.tally.missing, r.tally.pending].iter().enumerate() {
                sum.write_number(row, 3 + i as u16, f64::from(*n)).map_err(err)?;
            }
            for (i, rate) in [r.tally.rate(), r.rollup.rate()].iter().enumerate() {
                if let Some(rate) = rate {
                    sum.write_number(row, 7 + i as u16, (rate * 1000.0).round() / 10.0).map_err(err)?;
                }
            }
        }
        sum.set_freeze_panes(1, 0).map_err(err)?;
        sum.set_column_width(1, 24).map_err(err)?;
        sum.set_column_width(8, 14).map_err(err)?;

        // One row per unit × requirement, one column per month; a quarter,
        // half or year cell spans its months (centred across them), as on the summary page.
        // Earlier years get their summary only: details of closed years are in
        // that year's own export (`dwgk report --year Y --format xlsx`).
        if year != detail_year {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(format!("{year}年明细")).map_err(err)?;
        let fixed = ["单位编号", "单位", "单位类别", "要求编号", "要求", "标准", "达标", "未达标", "无记录", "进行中"];
        let first_month = fixed.len() as u16;
        for (i, h) in fixed.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &header).map_err(err)?;
        }
        for m in 1..=12u16 {
            ws.write_string_with_format(0, first_month + m - 1, format!("{m}月"), &header).map_err(err)?;
        }
        let mut row = 1u32;
        for &u in units {
            let unit = &c.units.list[u];
            for l in &report.units[u].lines {
                let t = &l.tally;
                let texts = [
                    unit.id.clone(),
                    unit_title(site, c, u),
                    unit.kind.clone().unwrap_or_default(),
                    l.req.id.clone(),
                    l.req.name.clone(),
                    format!("{}不少于{}{}", l.req.per.name(), l.req.min, l.req.measure),
                ];
                for (i, v) in texts.iter().enumerate() {
                    ws.write_string(row, i as u16, v).map_err(err)?;
                }
                for (i, n) in [t.met, t.short, t.missing, t.pending].iter().enumerate() {
                    ws.write_number(row, 6 + i as u16, f64::from(*n)).map_err(err)?;
                }
                for cell in &l.cells {
                    let text = match cell.status {
                        Status::Na => Status::Na.name().to_string(),
                        _ => format!("{} {}/{}{}", cell.status.name(), cell.count, cell.target, if cell.from_coarser { "*" } else { "" }),
                    };
                    let (one, span) = format_of(cell.status);
                    let a = first_month + cell.period.first as u16 - 1;
                    let b = a + cell.period.per.months() as u16 - 1;
                    if a == b {
                        ws.write_string_with_format(row, a, &text, one).map_err(err)?;
                    } else {
                        // Centred across its months rather than merged: Excel cannot
                        // sort or filter rows holding merged cells of other widths.
                        ws.write_string_with_format(row, a, format!("{} {text}", cell.period.label()), span).map_err(err)?;
                        for m in a + 1..=b {
                            ws.write_blank(row, m, span).map_err(err)?;
                        }
                    }
                }
                row += 1;
            }
        }
        ws.set_freeze_panes(1, first_month).map_err(err)?;
        ws.set_column_width(1, 18).map_err(err)?;
        ws.set_column_width(4, 20).map_err(err)?;
        ws.set_column_width(5, 16).map_err(err)?;
    }
    super::held::xlsx_sheet(&mut wb, site, c, units).map_err(err)?;
    if let Some(t) = c.timeliness_for(detail_year, &site.config.compliance.calendar) {
        super::catalogue_export::xlsx_sheet(&mut wb, site, c, &t, units)?;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_status_summarises_a_year() {
        let t = |met, short, pending, missing| Tally { met, short, pending, missing };
        assert_eq!(line_status(&t(12, 0, 0, 0)), Status::Met);
        assert_eq!(line_status(&t(10, 0, 1, 0)), Status::Pending);
        assert_eq!(line_status(&t(10, 1, 0, 1)), Status::Short);
        assert_eq!(line_status(&t(0, 0, 0, 12)), Status::Missing);
        use crate::domain::period::{Per, Period};
        let req = crate::domain::requirement::test_requirement("dk", "党课", Per::Year, 1);
        let cell = |status| crate::domain::compliance::Cell { period: Period::year(2024), count: 0, target: 1, status, from_coarser: false };
        let line = |cells: Vec<crate::domain::compliance::Cell>| {
            let mut tally = Tally::default();
            cells.iter().filter(|c| c.status != Status::Na).for_each(|c| tally.add(c.status));
            Line { req: req.clone(), origin: Origin::Config, cells, tally }
        };
        assert_eq!(year_status(&line(vec![cell(Status::Na)])), Status::Na, "no period to judge at all: 不适用, not 达标");
        assert_eq!(year_status(&line(vec![cell(Status::Na), cell(Status::Met)])), Status::Met);
    }
}
