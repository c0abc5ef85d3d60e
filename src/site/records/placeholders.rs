//! Placeholders (`x次`, `X名`, `××`) left in pages: an error on a page that reports
//! or discloses (a record, an activity, a notice, a 党费公示, a 情况报告), a warning on
//! plans, checklists and unit pages, where a blank may be meant. Located at the
//! placeholder. Pure.

use crate::content::kind::Kind;
use crate::content::placeholder;
use crate::diag::{Diagnostic, Severity};
use crate::site::source::Source;
use crate::site::Site;

fn located(src: &Source, severity: Severity, what: &str) -> Vec<Diagnostic> {
    placeholder::find(&src.text)
        .into_iter()
        .map(|p| {
            let mut d = Diagnostic::error(format!("{what}中还有模板占位符“{}”：请填上实际数字或名称", p.shown))
                .file(&src.display)
                .at_span(&src.text, p.start, p.end)
                .hint("占位符是从模板或往年材料中带过来的 x、X、××：换成实际的次数、人数或名称（如“召开3次”），不需要的句子删去");
            d.severity = severity;
            d
        })
        .collect()
}

/// The placeholders of a page's source (also run by the preview's page-body path).
pub fn check_source(src: &Source, kind: Option<Kind>) -> Vec<Diagnostic> {
    let plan = matches!(kind, Some(Kind::Checklist | Kind::StudyPlan));
    located(src, if plan { Severity::Warning } else { Severity::Error }, if plan { "计划或清单" } else { "页面" })
}

/// Every counted page and every section's `_index.md`.
pub(super) fn check(site: &Site, diags: &mut Vec<Diagnostic>) {
    for p in site.pages.iter().filter(|p| super::counted(p)) {
        diags.extend(check_source(&p.src, p.kind));
    }
    for src in site.sections.iter().filter_map(|s| s.src.as_ref()) {
        diags.extend(located(src, Severity::Warning, "栏目页"));
    }
}
