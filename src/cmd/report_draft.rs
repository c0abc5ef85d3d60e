//! `dwgk report --draft 情况报告 --unit ID [--year Y]`: the yearly report draft of
//! one unit, as text (terminal), JSON (every number with its place in
//! compliance.json) or Word (`--format docx`).

use crate::cli::ReportFormat;
use crate::domain::compliance::Report;
use crate::render::{docx, draft};
use crate::site::records::Compliance;
use crate::site::Site;

pub fn bytes(site: &Site, c: &Compliance, report: &Report, kind: &str, unit: Option<&str>, format: ReportFormat) -> Result<Vec<u8>, String> {
    if !draft::is_kind(kind) {
        return Err(format!("不认识的报告草稿“{kind}”；可用的有：{}", draft::KINDS.join("、")));
    }
    let Some(u) = unit.and_then(|id| c.units.find_shown(id)) else {
        return Err("报告草稿写的是一个单位：用 --unit 指定单位编号（文件夹名），例如 --unit diyi".into());
    };
    let timeliness = c.timeliness_for(report.year, &site.config.compliance.calendar);
    let d = draft::compose(site, c, report, timeliness.as_deref(), u);
    match format {
        ReportFormat::Table => Ok(draft::html::to_text(&d).into_bytes()),
        ReportFormat::Json => Ok(d.to_json().into_bytes()),
        ReportFormat::Docx => docx::draft(&d, site.opts.now.date()),
        ReportFormat::Csv | ReportFormat::Xlsx => Err("报告草稿可输出为 table（终端文字）、json 或 docx（Word）".into()),
    }
}
