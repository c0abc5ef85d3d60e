//! Request paths made safe: percent-decoded, `..`, NUL and backslashes refused,
//! and a file on disk served only when it resolves inside the site folder.

use std::path::{Path, PathBuf};

/// Percent-decodes a request path into `/`-separated segments; `None` for
/// anything that could leave the site (`..`, NUL, backslashes, invalid UTF-8).
pub fn clean_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = String::from_utf8(crate::site::links::percent_decode_bytes(path)).ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut segs = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => segs.push(s),
        }
    }
    let mut rel = segs.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

/// Maps a request target to a file inside `root`, or `None`.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let rel = clean_path(target)?;
    let mut file = root.join(rel.trim_end_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    inside(root, &file)
}

/// `file`, canonical, when it resolves to a regular file inside `root`.
pub(super) fn inside(root: &Path, file: &Path) -> Option<PathBuf> {
    let canonical = file.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (canonical.starts_with(&root) && canonical.is_file()).then_some(canonical)
}
