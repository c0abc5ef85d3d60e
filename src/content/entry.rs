//! What the walk of `content/` lists: one file or folder, by its relative path.
//! Plain data, so the pure assembly can read a listing without the IO that made it.

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
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to `content/`, `/`-separated (`units/diyi/a.md`).
    pub rel: String,
    pub abs: PathBuf,
    pub kind: EntryKind,
    pub size: u64,
}
