//! A page with `report = "情况报告"`: its `page.report_draft` (the draft's HTML and
//! the link to its .docx), and the .docx written beside the page. Internal pages
//! only (`site::records::drafts`).

use super::draft::{self, Draft};
use super::Sink;
use crate::diag::Diagnostic;
use crate::site::records::drafts::DraftPage;
use crate::site::records::Compliance;
use crate::site::urls::marker;
use crate::site::Site;
use serde_json::{json, Value};

/// The .docx beside the draft page (`…/qingkuang-2024/qingkuang-baogao.docx`).
pub const DOCX_NAME: &str = "qingkuang-baogao.docx";

fn docx_path(site: &Site, page: usize) -> String {
    format!("{}{DOCX_NAME}", site.pages[page].path)
}

fn compose(site: &Site, c: &Compliance, d: &DraftPage) -> Draft {
    let other;
    let report = if d.year == c.report.year {
        &c.report
    } else {
        other = c.report_for(d.year);
        &other
    };
    let timeliness = c.timeliness_for(d.year, &site.config.compliance.calendar);
    draft::compose(site, c, report, timeliness.as_deref(), d.unit)
}

fn find(site: &Site, page: usize) -> Option<(&Compliance, &DraftPage)> {
    let c = site.compliance.as_ref()?;
    Some((c, c.drafts.iter().find(|d| d.page == page && site.pages[page].visible())?))
}

/// `page.report_draft`, or null for other pages.
pub fn view(site: &Site, page: usize) -> Value {
    let Some((c, d)) = find(site, page) else { return Value::Null };
    let draft = compose(site, c, d);
    json!({
        "html": draft::html::to_html(&draft),
        "year": d.year,
        "unit": c.units.list[d.unit].id,
        "docx": { "url": marker(&docx_path(site, page)), "name": format!("{}.docx", draft.title_text()) },
    })
}

/// The .docx of every draft page (or of those in `only`: the preview's partial renders).
pub fn write_files(site: &Site, only: Option<&[usize]>, sink: &dyn Sink) -> Vec<Diagnostic> {
    let Some(c) = site.compliance.as_ref() else { return Vec::new() };
    let mut diags = Vec::new();
    for d in c.drafts.iter().filter(|d| site.pages[d.page].visible() && only.is_none_or(|o| o.contains(&d.page))) {
        let bytes = super::docx::draft(&compose(site, c, d), site.opts.now.date());
        match bytes {
            Err(e) => diags.push(Diagnostic::error(e).file(&site.pages[d.page].src.display)),
            Ok(b) => {
                if let Err(e) = sink.write(docx_path(site, d.page).trim_start_matches('/'), &b) {
                    diags.push(*e);
                }
            }
        }
    }
    diags
}
