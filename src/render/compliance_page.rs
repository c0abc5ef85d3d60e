//! The `/compliance/` summary page's view: every shown unit's row, the matrix by unit
//! kind (`compliance_matrix`), the charts (`compliance_svg`) and the legend
//! (docs/templates.md "Compliance summary").

use super::compliance::{symbol, unit_row, CSV_FILE, JSON_FILE, XLSX_FILE};
use crate::domain::compliance::Status;
use crate::site::records::Compliance;
use crate::site::urls::marker;
use crate::site::Site;
use serde_json::{json, Value};

/// The `/compliance/` page view.
pub fn page_view(site: &Site, c: &Compliance) -> Value {
    let report = &c.report;
    let order = c.units.shown_order();
    let matrix = super::compliance_matrix::build(c, &order);
    let cells: Vec<Vec<Value>> = order.iter().map(|&u| matrix.row(&report.units[u].lines)).collect();
    let rows: Vec<Value> = order
        .iter()
        .zip(&cells)
        .map(|(&u, cells)| {
            // The summary shows totals and the matrix, not every cell: rows stay light.
            let mut v = unit_row(site, c, report, u);
            super::parts::put(&mut v, [("matrix", Value::Array(cells.clone()))]);
            v
        })
        .collect();
    let groups: Vec<Value> = matrix.groups.iter().map(|g| g.view(&matrix, &rows, &cells)).collect();
    let mut v = json!({
        "ancestors": super::parts::ancestors(site, Some(0)),
        "year": report.year,
        "as_of": report.as_of.format("%Y-%m-%d").to_string(),
        "scope": site.config.compliance.scope.id(),
        "statuses": legend(),
        "downloads": { "json": marker(JSON_FILE), "csv": marker(CSV_FILE), "xlsx": marker(XLSX_FILE) },
    });
    super::parts::put(
        &mut v,
        [
            ("requirements", matrix.requirements()),
            ("groups", Value::Array(groups)),
            ("units", Value::Array(rows)),
            ("heatmap_svg", Value::String(super::compliance_svg::heatmap_svg(site, c, &order))),
            ("heatmap_legend", super::compliance_svg::heatmap_legend()),
            ("bars_svg", Value::String(super::compliance_svg::bars_svg(site, c, &order))),
        ],
    );
    if let Some(t) = &c.catalogue.report {
        super::parts::put(&mut v, [("timeliness", super::catalogue::summary_view(site, c, t))]);
    }
    v
}

fn legend() -> Vec<Value> {
    [Status::Met, Status::Short, Status::Pending, Status::Missing, Status::Na]
        .iter()
        .map(|s| json!({ "id": s.id(), "name": s.name(), "sym": symbol(*s) }))
        .collect()
}
