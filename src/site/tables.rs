//! Spreadsheet files that pages name as data: a dues page's `ledger`, a study
//! plan's `table`. The IO shell reads the files this module asks for; the rest
//! is pure. Such files are source data: never published in a public build.

use super::Site;
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

/// The front matter key naming a page's data file, by kind.
pub fn data_key(kind: Option<Kind>) -> Option<&'static str> {
    match kind {
        Some(Kind::Dues) => Some("ledger"),
        Some(Kind::StudyPlan) => Some("table"),
        _ => None,
    }
}

/// A data file a page names, resolved to an attachment of the site.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub page: usize,
    /// Path relative to `content/`.
    pub rel: String,
    pub abs: PathBuf,
    pub id: Option<crate::content::entry::FileId>,
}

/// The hint for a data file that could not be read (`Files`' reason).
pub fn read_hint(reason: &str) -> &'static str {
    if reason.contains(" MB") {
        "台账、计划表不会这样大：在 Excel/WPS 中只保留需要的工作表，删除图片后另存为 .xlsx"
    } else {
        "检查文件权限；共享文件夹是否仍然挂载"
    }
}

/// File contents by `rel`, or the reason they could not be read.
pub type Files = HashMap<String, Result<Vec<u8>, String>>;

/// The file a page's data key names (relative to the page's folder), if any.
pub fn named_file(site: &Site, page: usize) -> Option<(&'static str, String)> {
    let key = data_key(site.pages[page].kind)?;
    file_named(site, page, key).map(|rel| (key, rel))
}

/// The file `key` of a page names, as a path relative to `content/`.
pub fn file_named(site: &Site, page: usize, key: &str) -> Option<String> {
    let p = &site.pages[page];
    let Some(Value::String(name)) = p.extra.get(key) else { return None };
    let dir = match &p.bundle {
        Some(b) => b.clone(),
        None => super::parent(&p.src.rel).to_string(),
    };
    let name = name.trim().trim_start_matches("./");
    Some(if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") })
}

/// Whether a page's data (ledger, plan) is read and judged in this build: drafts
/// are ignored everywhere (their ledgers are neither read nor judged, nothing of
/// them is printed), except in a build that includes drafts (`--drafts`: the
/// officer's preview of unpublished work).
pub fn read_for(site: &Site, page: usize) -> bool {
    !site.pages[page].draft || site.opts.drafts
}

/// Every data file to read, and an error for each one that does not exist.
pub fn wanted(site: &Site) -> (Vec<Wanted>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for page in (0..site.pages.len()).filter(|&p| read_for(site, p)) {
        let p = &site.pages[page];
        if let Some(key) = data_key(p.kind) {
            if let Some(v) = p.extra.get(key).filter(|v| !v.is_string()) {
                diags.push(
                    p.src
                        .key_error(key, format!("{key} 应是文件名（文字），实际是 {v}"))
                        .hint(format!("例如 {key} = \"dues-2024-q1.xlsx\"，文件放在本页同一文件夹")),
                );
                continue;
            }
        }
        let Some((key, rel)) = named_file(site, page) else { continue };
        match site.assets.iter().find(|a| a.rel == rel) {
            Some(a) => out.push(Wanted { page, rel, abs: a.abs.clone(), id: a.id }),
            None => {
                let dir = super::parent(&rel);
                let siblings: Vec<&str> = site.assets.iter().filter(|a| super::parent(&a.rel) == dir).map(|a| a.name()).collect();
                let name = rel.rsplit('/').next().unwrap_or(&rel);
                let hint = match crate::diag::did_you_mean(name, siblings.iter().copied()) {
                    Some(s) => format!("是不是“{s}”？文件名要与 {key} 中写的完全一致（含扩展名）"),
                    None => format!("把文件放到 content/{}/ 下，或改正 {key} 中的文件名（含扩展名 .xlsx/.xls/.csv）", if dir.is_empty() { "." } else { dir }),
                };
                diags.push(p.src.key_error(key, format!("{key} 指定的文件 content/{rel} 不存在")).hint(hint));
            }
        }
    }
    (out, diags)
}

/// The `sheet` a page asks for, if any.
pub fn sheet(site: &Site, page: usize) -> Option<String> {
    site.pages[page].extra.get("sheet").and_then(Value::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A diagnostic for a problem in a data file: `content/<rel>!Sheet1!E7`.
pub fn table_error(rel: &str, problem: &crate::content::table::TableProblem) -> Diagnostic {
    let file = match &problem.at {
        Some(at) => format!("content/{rel}!{at}"),
        None => format!("content/{rel}"),
    };
    Diagnostic::error(problem.message.clone()).file(file).hint(problem.hint.clone())
}
