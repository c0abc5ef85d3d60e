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

/// `check` notes every override: for each requirement id, which declaration won
/// over which (and how they differ), for which units; one note per pair, at the
/// winning declaration (its checklist entry, or its config.toml entry).
pub(super) fn note_overrides(site: &Site, units: &Units, decls: &[Declaration], diags: &mut Vec<Diagnostic>) {
    // (winner, loser) declaration indexes → the units where the winner hides the loser.
    let mut pairs: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    let index = |o: &Origin, id: &str| decls.iter().position(|d| &d.origin == o && d.req.id == id);
    for u in 0..units.list.len() {
        for a in applicable(units, decls, u) {
            let Some(w) = index(a.origin, &a.req.id) else { continue };
            for o in &a.overrides {
                let Some(l) = index(o, &a.req.id) else { continue };
                match pairs.iter_mut().find(|(k, _)| *k == (w, l)) {
                    Some((_, us)) => us.push(u),
                    None => pairs.push(((w, l), vec![u])),
                }
            }
        }
    }
    for ((w, l), us) in pairs {
        let (win, lose) = (&decls[w], &decls[l]);
        let names: Vec<&str> = us.iter().take(8).map(|&u| units.list[u].title.as_str()).collect();
        let more = if us.len() > names.len() { format!("等 {} 个单位", us.len()) } else { String::new() };
        let msg = format!(
            "“{}”（{}）：{}的声明（{}）取代了{}的声明（{}），适用于{}{more}",
            win.req.name,
            win.req.id,
            place(units, &win.origin),
            rule(&win.req),
            place(units, &lose.origin),
            difference(&win.req, &lose.req),
            names.join("、")
        );
        let lost: Vec<&str> =
            lose.req.aliases.iter().map(String::as_str).filter(|a| !win.req.aliases.iter().any(|x| x == a) && *a != win.req.name && *a != win.req.id).collect();
        let same = (win.req.per, win.req.min, &win.req.measure, &win.req.name) == (lose.req.per, lose.req.min, &lose.req.measure, &lose.req.name);
        let hint = if lost.is_empty() && same {
            "两处要求相同：可以删去就近的这一项，统计不变".to_string()
        } else if lost.is_empty() {
            "就近的声明优先（本单位责任清单 → 上级责任清单中 inherit = true 的 → config.toml → 预设）；如果这是有意的本地规定，可以忽略这条提示".to_string()
        } else {
            format!("被取代的声明中的别名（{}）不再能用作 [counts] 的键；需要时在取胜的声明里加 aliases = [\"{}\"]", lost.join("、"), lost.join("\", \""))
        };
        let d = match &win.origin {
            Origin::Checklist { page, .. } => match site.by_rel.get(page) {
                Some(crate::site::Item::Page(p)) => warning_at(&site.pages[*p].src, &win.req.id, msg),
                _ => Diagnostic::warning(msg).file(format!("content/{page}")),
            },
            Origin::Config => {
                let at = site.config.requirements.iter().position(|r| r.id == win.req.id).and_then(|i| site.config.requirement_lines.get(i));
                let mut d = Diagnostic::warning(msg).file(crate::config::FILE_NAME);
                d.line = at.copied();
                d
            }
            Origin::Preset { .. } => Diagnostic::warning(msg),
        };
        diags.push(d.hint(hint));
    }
}

/// Where a declaration is: `预设 branch-2018`, `config.toml`, `机关党委的责任清单 content/…`.
fn place(units: &Units, o: &Origin) -> String {
    match o {
        Origin::Preset { name } => format!("预设 {name} "),
        Origin::Config => "config.toml ".into(),
        Origin::Checklist { unit, page } => format!("{}的责任清单 content/{page} ", units.list[*unit].title),
    }
}

fn rule(r: &requirement::Requirement) -> String {
    format!("{}不少于{}{}", r.per.name(), r.min, r.measure)
}

/// The loser's rule, and what else differs from the winner.
fn difference(win: &requirement::Requirement, lose: &requirement::Requirement) -> String {
    let mut out = rule(lose);
    if lose.name != win.name {
        out.push_str(&format!("，名称“{}”", lose.name));
    }
    if (win.per, win.min, &win.measure, &win.name) == (lose.per, lose.min, &lose.measure, &lose.name) {
        out.push_str("，两处相同");
    }
    out
}

/// `check` lists frequencies a checklist states in prose that no entry on the page
/// declares (entries narrowed to other kinds included) and no requirement of its unit
/// covers, with the `[[requirements]]` entry to add.
pub(super) fn note_uncovered(site: &Site, units: &Units, decls: &[Declaration], notes: &mut Vec<Diagnostic>) {
    for p in site.pages.iter().filter(|p| counted(p) && p.kind == Some(Kind::Checklist)) {
        let Some(unit) = p.unit.as_deref().and_then(|id| units.find(id)) else { continue };
        let mut reqs: Vec<requirement::Requirement> = applicable(units, decls, unit).into_iter().map(|a| a.req.clone()).collect();
        let own: Vec<requirement::Requirement> =
            decls.iter().filter(|d| matches!(&d.origin, Origin::Checklist { page, .. } if *page == p.src.rel)).map(|d| d.req.clone()).collect();
        reqs.extend(own.iter().cloned());
        for e in crate::domain::extract::extract(&p.src.text) {
            if crate::domain::extract::covered_by(&e, &reqs) || crate::domain::extract::declared_by(&e, &own) {
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
