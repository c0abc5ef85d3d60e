//! Notes for the officer, shown only by the preview server (`serve` adds them to a
//! page on the way out): what to do about a page, never part of any built page.
//! Readers see facts (已过期, 核对发现 N 个问题 for the committee); the preview adds
//! the instruction.

use super::Site;
use crate::domain::study;

/// `(page, notes)` for every visible page that has some, in page order.
pub fn officer_notes(site: &Site) -> Vec<(usize, Vec<String>)> {
    let mut out: Vec<(usize, Vec<String>)> = Vec::new();
    let as_of = site.as_of();
    for i in (0..site.pages.len()).filter(|&i| site.pages[i].visible()) {
        let mut notes = Vec::new();
        if let Some(plan) = site.study.get(&i) {
            let overdue = study::timetable(&plan.sessions, as_of).totals.overdue;
            if overdue > 0 {
                notes.push(format!(
                    "有 {overdue} 次学习已过计划时间（截至 {as_of}）仍是“计划”：已开展的请在学习计划中把状态改为 done（已完成），取消的改为 cancelled，改期的请改日期"
                ));
            }
        }
        if let Some(d) = site.dues.get(&i).filter(|d| !d.report.findings.is_empty()) {
            let n = d.report.findings.len();
            notes.push(format!("台账核对发现 {n} 个问题（发布后只在委员会版中显示）：请核对台账后保存，预览会自动刷新"));
            notes.extend(d.report.findings.iter().map(|f| format!("{}（{}）", f.message, f.hint)));
        }
        if !notes.is_empty() {
            out.push((i, notes));
        }
    }
    out
}
