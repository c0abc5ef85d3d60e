//! Walks `content/` and lists what a build reads: Markdown sources and attachments.
//! Files that editors and Windows leave behind are skipped here, once; links are
//! resolved and kept inside the site (`io::confine`).

use super::confine::{self, Fence, Refusal};
pub use crate::content::entry::{Entry, EntryKind};
use crate::diag::Diagnostic;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Largest Markdown file accepted; bigger ones are almost always a pasted image.
pub const MAX_MARKDOWN_BYTES: u64 = 10 * 1024 * 1024;

/// The report `dwgk publish` writes into a unit folder of the share when it has
/// problems (`[publish] share_report`): never read as content, never published.
pub const SHARE_REPORT: &str = "_发布问题.txt";

/// True for files no officer meant to publish: Office lock and temp files, OS
/// metadata, hidden files, editor backups, the publisher's own report.
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_lowercase();
    name == SHARE_REPORT
        || name.starts_with('.')
        || name.starts_with("~$")
        || name.starts_with(".~lock.")
        || lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower == ".ds_store"
        || lower.ends_with(".tmp")
        || lower.ends_with(".crdownload")
        || lower.ends_with(".part")
        || name.ends_with('~')
}

/// Lists `root` (a content folder) inside `fence`. `display_prefix` is how paths
/// are shown in messages (`content`). A link that leaves the fence, loops or leads
/// nowhere is an error at the link, and nothing behind it is listed; every entry's
/// `abs` is its resolved path and `id` its identity (`io::confine`).
pub fn walk(root: &Path, display_prefix: &str, fence: &Fence) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut skipped = Vec::new();
    let refused: RefCell<Vec<Diagnostic>> = RefCell::new(Vec::new());
    let resolved_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Where each folder listed so far really is: a file's resolved path is its folder's
    // plus its name, unless the file is itself a link.
    let mut resolved_dirs: HashMap<PathBuf, PathBuf> = HashMap::new();
    resolved_dirs.insert(root.to_path_buf(), resolved_root.clone());
    let shown = |p: &Path| shown_path(root, &resolved_root, display_prefix, p);
    let walker = WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        if e.depth() == 0 {
            return true;
        }
        if is_ignored(&e.file_name().to_string_lossy()) {
            skipped.push(e.path().to_path_buf());
            return false;
        }
        if !e.path_is_symlink() {
            return true;
        }
        match fence.resolve(e.path()) {
            Ok(_) => true,
            Err(r) => {
                refused.borrow_mut().push(confine::refusal_diagnostic(shown(e.path()), &r, &shown));
                false
            }
        }
    });
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, display_prefix, fence, &e, &shown));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(root) else { continue };
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(
                Diagnostic::error("文件名不是有效的 UTF-8 编码，无法处理")
                    .file(format!("{display_prefix}/{}", rel_path.to_string_lossy()))
                    .hint("重命名这个文件（Linux 挂载共享文件夹时请使用 iocharset=utf8 选项）"),
            );
            continue;
        };
        let abs = match resolved(&entry, fence, &resolved_dirs) {
            Ok(p) => p,
            Err(r) => {
                diags.push(confine::refusal_diagnostic(shown(entry.path()), &r, &shown));
                continue;
            }
        };
        let kind = if entry.file_type().is_dir() {
            resolved_dirs.insert(entry.path().to_path_buf(), abs.clone());
            EntryKind::Dir
        } else if is_page_file(&rel, entry.path()) {
            EntryKind::Markdown
        } else if crate::content::docx::extension_of(&rel).is_some() {
            EntryKind::Word
        } else {
            EntryKind::Asset
        };
        let meta = entry.metadata().ok();
        let size = meta.as_ref().map_or(0, |m| m.len());
        entries.push(Entry { rel, abs, kind, size, id: meta.as_ref().map(confine::id_of) });
    }
    for abs in skipped {
        if let Some(rel) = abs.strip_prefix(root).ok().and_then(|r| r.to_str()) {
            entries.push(Entry { rel: rel.replace('\\', "/"), kind: EntryKind::Skipped, size: 0, abs, id: None });
        }
    }
    mark_sidecars(&mut entries);
    diags.extend(refused.into_inner());
    (entries, diags)
}

/// `X.toml` beside a Word file `X.docx` (same folder, same name) is that page's
/// settings: a sidecar, never an attachment.
fn mark_sidecars(entries: &mut [Entry]) {
    let words: std::collections::HashSet<String> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::Word)
        .filter_map(|e| crate::content::docx::extension_of(&e.rel).map(|ext| e.rel[..e.rel.len() - ext.len() - 1].to_string()))
        .collect();
    for e in entries.iter_mut().filter(|e| e.kind == EntryKind::Asset) {
        if e.rel.strip_suffix(".toml").is_some_and(|stem| words.contains(stem)) {
            e.kind = EntryKind::Sidecar;
        }
    }
}

/// Pages are `.md`, `.markdown` and Notepad's `.md.txt` in any letter case, and a
/// `.txt` whose first line is a front matter fence (`+++`, `---`, `＋＋＋`); any
/// other `.txt` is an attachment (a note or a data file), which `check` lists.
fn is_page_file(rel: &str, path: &Path) -> bool {
    let lower = rel.to_ascii_lowercase();
    if !lower.ends_with(".txt") {
        return crate::content::entry::PAGE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext));
    }
    if lower.ends_with(".md.txt") || lower.ends_with(".markdown.txt") {
        return true;
    }
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    let text = text.trim_start_matches('\u{feff}');
    ["+++", "---", "＋＋＋", "－－－"].iter().any(|fence| text.starts_with(fence))
}

/// An entry's resolved path: a link's target (checked against the fence again: the
/// filter saw it a moment ago), or its folder's resolved path and its name.
fn resolved(entry: &walkdir::DirEntry, fence: &Fence, dirs: &HashMap<PathBuf, PathBuf>) -> Result<PathBuf, Refusal> {
    let parent = entry.path().parent().and_then(|p| dirs.get(p));
    match parent {
        Some(dir) if !entry.path_is_symlink() => Ok(dir.join(entry.file_name())),
        _ => fence.resolve(entry.path()),
    }
}

/// `content/a/b` for a path under the content folder (as listed or resolved), the
/// path itself otherwise.
fn shown_path(root: &Path, resolved_root: &Path, prefix: &str, p: &Path) -> String {
    match p.strip_prefix(root).or_else(|_| p.strip_prefix(resolved_root)) {
        Ok(r) if r.as_os_str().is_empty() => prefix.to_string(),
        Ok(r) => format!("{prefix}/{}", r.to_string_lossy()),
        Err(_) => p.to_string_lossy().into_owned(),
    }
}

fn walk_error(root: &Path, prefix: &str, fence: &Fence, e: &walkdir::Error, shown: &dyn Fn(&Path) -> String) -> Diagnostic {
    let at = e.path().map(shown);
    let d = if let Some(ancestor) = e.loop_ancestor() {
        // A folder link back to a folder that contains it.
        let link = e.path().map(shown).unwrap_or_default();
        let anc = ancestor.strip_prefix(root).map(|r| format!("{prefix}/{}", r.to_string_lossy())).unwrap_or_else(|_| shown(ancestor));
        let anc = anc.trim_end_matches('/').to_string();
        Diagnostic::error(format!("符号链接形成了循环：{link} → {anc}（{link} 就在 {anc} 里面）")).hint("删除这个符号链接，或让它指向别的文件夹；dwgk 已跳过它")
    } else if let Some(p) = e.path().filter(|p| p.is_symlink()) {
        // Loops between links, dangling links: named by the fence.
        return match fence.resolve(p) {
            Err(r) => confine::refusal_diagnostic(shown(p), &r, shown),
            Ok(_) => Diagnostic::error(format!("无法读取：{e}")).file(shown(p)).hint("检查文件权限，或共享文件夹是否仍然挂载"),
        };
    } else {
        Diagnostic::error(format!("无法读取：{e}")).hint("检查文件权限，或共享文件夹是否仍然挂载")
    };
    match at {
        Some(s) => d.file(s),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_and_os_leftovers_are_ignored() {
        for n in ["~$通知.docx", "Thumbs.db", "desktop.ini", "a.tmp", ".DS_Store", ".hidden.md", ".~lock.a.xlsx#", "a.md~", SHARE_REPORT] {
            assert!(is_ignored(n), "{n}");
        }
        for n in ["通知.md", "附件.pdf", "temp.md"] {
            assert!(!is_ignored(n), "{n}");
        }
    }
}
