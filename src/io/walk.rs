//! Walks `content/` and lists what a build reads: Markdown sources and attachments.
//! Files that editors and Windows leave behind are skipped here, once.

pub use crate::content::entry::{Entry, EntryKind};
use crate::diag::Diagnostic;
use std::path::Path;
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

/// Lists `root` (a content folder). `display_prefix` is how paths are shown in
/// messages (`content`).
pub fn walk(root: &Path, display_prefix: &str) -> (Vec<Entry>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut skipped = Vec::new();
    let walker = WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        let keep = e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy());
        if !keep {
            skipped.push(e.path().to_path_buf());
        }
        keep
    });
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, display_prefix, &e));
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
        let kind = if entry.file_type().is_dir() {
            EntryKind::Dir
        } else if is_page_file(&rel, entry.path()) {
            EntryKind::Markdown
        } else if crate::content::docx::extension_of(&rel).is_some() {
            EntryKind::Word
        } else {
            EntryKind::Asset
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        entries.push(Entry { rel, abs: entry.path().to_path_buf(), kind, size });
    }
    for abs in skipped {
        if let Some(rel) = abs.strip_prefix(root).ok().and_then(|r| r.to_str()) {
            entries.push(Entry { rel: rel.replace('\\', "/"), kind: EntryKind::Skipped, size: 0, abs });
        }
    }
    mark_sidecars(&mut entries);
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

fn walk_error(root: &Path, prefix: &str, e: &walkdir::Error) -> Diagnostic {
    let shown = e.path().map(|p| match p.strip_prefix(root) {
        Ok(r) => format!("{prefix}/{}", r.to_string_lossy()),
        Err(_) => p.to_string_lossy().into_owned(),
    });
    let d = if let Some(ancestor) = e.loop_ancestor() {
        let anc = ancestor.strip_prefix(root).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
        Diagnostic::error(format!("符号链接形成了循环（指回上级文件夹 {prefix}/{anc}）")).hint("删除这个符号链接或让它指向别处；dwgk 已跳过它")
    } else if e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
        Diagnostic::error("符号链接指向的文件不存在").hint("删除这个失效的链接，或恢复它指向的文件")
    } else {
        Diagnostic::error(format!("无法读取：{e}")).hint("检查文件权限，或共享文件夹是否仍然挂载")
    };
    match shown {
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
