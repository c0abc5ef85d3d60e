//! Requirement declarations from presets, config.toml and checklists, and the
//! notes about them: overridden entries, checklist clauses no requirement covers.

use super::{counted, page_unit};
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::domain::requirement::{self, applicable, Declaration, Origin};
use crate::domain::unit::Units;
use crate::site::source::Source;
use crate::site::Site;
use serde_json::Value;

pub(super) fn declarations(site: &Site, units: &Units, diags: &mut Vec<Diagnostic>) -> Vec<Declaration> {
    let mut decls: Vec<Declaration> = Vec::new();
    for name in &site.config.presets {
        for req in requirement::preset(name).unwrap_or_default() {
            decls.push(Declaration { req, origin: Origin::Preset { name: name.clone() } });
        }
    }
    for req in &site.config.requirements {
        decls.push(Declaration { req: req.clone(), origin: Origin::Config });
    }
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(entries) = p.extra.get("requirements") else { continue };
        let Some(unit) = page_unit(site, units, p, diags) else { continue };
        let entries: Vec<&Value> = match entries {
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut seen: Vec<String> = Vec::new();
        for (n, v) in entries.into_iter().enumerate() {
            match requirement::parse_entry(v) {
                Ok(req) if seen.contains(&req.id) => diags
                    .push(p.src.nth_error("[[requirements]]", n, format!("责任清单中要求编号“{}”重复声明", req.id)).hint("同一编号在一份清单里只能声明一次")),
                Ok(req) => {
                    seen.push(req.id.clone());
                    decls.push(Declaration { req, origin: Origin::Checklist { unit, page: p.src.rel.clone() } });
                }
                Err(errs) => diags.extend(
                    errs.into_iter().map(|e| p.src.nth_error("[[requirements]]", n, format!("第 {} 个 [[requirements]]：{}", n + 1, e.message)).hint(e.hint)),
                ),
            }
        }
    }
    decls
}

/// `check` notes where a nearer declaration replaces a different farther one.
pub(super) fn note_overrides(site: &Site, units: &Units, decls: &[Declaration], diags: &mut Vec<Diagnostic>) {
    for (u, unit) in units.list.iter().enumerate() {
        for a in applicable(units, decls, u) {
            let Origin::Checklist { unit: owner, page } = a.origin else { continue };
            if *owner != u {
                continue;
            }
            for o in &a.overrides {
                let Some(other) = decls.iter().find(|d| &d.origin == *o && d.req.id == a.req.id) else { continue };
                if other.req.per != a.req.per || other.req.min != a.req.min {
                    let from = match o {
                        Origin::Preset { name } => format!("预设 {name}"),
                        Origin::Config => "config.toml".into(),
                        Origin::Checklist { page, .. } => format!("content/{page}"),
                    };
                    let src = site.by_rel.get(page).and_then(|i| match i {
                        crate::site::Item::Page(p) => Some(&site.pages[*p].src),
                        _ => None,
                    });
                    let msg = format!(
                        "{}的责任清单把“{}”定为{}不少于{}{}，取代了{}中的{}不少于{}{}（就近的声明优先）",
                        unit.title,
                        a.req.name,
                        a.req.per.name(),
                        a.req.min,
                        a.req.measure,
                        from,
                        other.req.per.name(),
                        other.req.min,
                        other.req.measure
                    );
                    let d = match src {
                        Some(s) => warning_at(s, &a.req.id, msg),
                        None => crate::diag::Diagnostic::warning(msg),
                    };
                    diags.push(d.hint("如果这是有意的本地规定，可以忽略这条提示"));
                }
            }
        }
    }
}

/// `check` lists frequencies a checklist states in prose that no declared
/// requirement covers, with the `[[requirements]]` entry to add.
pub(super) fn note_uncovered(site: &Site, units: &Units, decls: &[Declaration], notes: &mut Vec<Diagnostic>) {
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(unit) = p.unit.as_deref().and_then(|id| units.find(id)) else { continue };
        let reqs: Vec<requirement::Requirement> = applicable(units, decls, unit).into_iter().map(|a| a.req.clone()).collect();
        for e in crate::domain::extract::extract(&p.src.text) {
            if crate::domain::extract::covered_by(&e, &reqs) {
                continue;
            }
            let entry = crate::domain::extract::toml_entry(&e, &format!("req{}", e.line));
            notes.push(
                Diagnostic::warning(format!(
                    "责任清单写明了“{}”（{}不少于{}{}），但没有对应的 [[requirements]]，不会统计",
                    e.text,
                    e.per.name(),
                    e.min,
                    e.measure
                ))
                .file(&p.src.display)
                .at_line(&p.src.text, e.line)
                .hint(format!("如需统计，在 front matter 中加入（编号 id 可改为易记的拼音）：\n{}", entry.trim_end())),
            );
        }
    }
}

/// A warning at this entry's `id = "…"` value, or at the file when not found.
pub(super) fn warning_at(src: &Source, id: &str, msg: String) -> Diagnostic {
    let quoted = format!("\"{id}\"");
    let d = Diagnostic::warning(msg).file(&src.display);
    match src.text.find(&quoted) {
        Some(i) => d.at_span(&src.text, i, i + quoted.len()),
        None => d,
    }
}
