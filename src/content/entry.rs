//! What the walk of `content/` lists: one file or folder, by its relative path.
//! Plain data, so the pure assembly can read a listing without the IO that made it.

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Markdown,
    Asset,
    Dir,
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
