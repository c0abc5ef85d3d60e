//! What the walk of `content/` lists: one file or folder, by its relative path.
//! Plain data, so the pure assembly can read a listing without the IO that made it;
//! which names are page files (`page_stem`) is decided here for the walk and assembly.

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Markdown,
    /// A Word document (`.docx`, `.doc`, `.wps`, `.odt`, `.rtf`): a page, unless it
    /// sits in a page bundle or a Markdown page links it (then an attachment).
    Word,
    /// `X.toml` beside a Word file `X.docx`: that page's settings, never published.
    Sidecar,
    Asset,
    Dir,
    /// Left out by name (a temp or hidden file, a hidden folder): never read;
    /// listed so that `check` can say so.
    Skipped,
}

/// A file's identity on disk (device and inode): two names with the same identity
/// are one file, however they were made (a hard link, a symlink inside the site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to `content/`, `/`-separated (`units/diyi/a.md`).
    pub rel: String,
    /// Where the bytes are: the resolved path, with no symbolic link left in it
    /// (inside the site folder or a folder the admin allows).
    pub abs: PathBuf,
    pub kind: EntryKind,
    pub size: u64,
    /// `None` where the platform has no inode numbers.
    pub id: Option<FileId>,
}

/// The extensions of page files, longest first, compared without letter case:
/// Notepad adds `.txt` to a name typed as `通知.md` (`.txt` alone is a page only
/// when the walk finds a front matter fence at its start).
pub const PAGE_EXTENSIONS: &[&str] = &[".markdown.txt", ".md.txt", ".markdown", ".md", ".txt"];

/// A page file's name without its extension (`通知.md.txt` → `通知`, `A.MD` → `A`).
pub fn page_stem(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    PAGE_EXTENSIONS.iter().find(|ext| lower.ends_with(*ext)).map_or(name, |ext| &name[..name.len() - ext.len()])
}

/// The extension as written when it is not the plain `.md` (`.md.txt`, `.MD`).
pub fn unusual_page_extension(name: &str) -> Option<&str> {
    let stem = page_stem(name);
    let ext = &name[stem.len()..];
    (ext != ".md" && stem.len() < name.len()).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_stems() {
        assert_eq!(page_stem("关于通知.md.txt"), "关于通知");
        assert_eq!(page_stem("大写.MD"), "大写");
        assert_eq!(page_stem("_index.Markdown"), "_index");
        assert_eq!(page_stem("a.md"), "a");
        assert_eq!(unusual_page_extension("a.md"), None);
        assert_eq!(unusual_page_extension("a.MD"), Some(".MD"));
        assert_eq!(unusual_page_extension("a.md.txt"), Some(".md.txt"));
    }
}
