//! Scans the source folder (a Windows share, typically) into a snapshot of size
//! and modification time per file — the polling half of change detection, which
//! works on SMB/NFS mounts where native file events do not.

use super::settle::Snapshot;
use super::walk::is_ignored;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// What a build reads from a site folder.
pub const PARTS: &[&str] = &["config.toml", "content", "templates", "static", "themes"];

/// Every file a build would read, skipping what `walk` skips (Office lock files,
/// `*.tmp`, `Thumbs.db`, hidden files…). An error when the folder is gone
/// (an unmounted share).
pub fn snapshot(root: &Path) -> io::Result<Snapshot> {
    // Listing the root fails when the share is disconnected.
    std::fs::read_dir(root)?;
    let mut snap = Snapshot::new();
    for part in PARTS {
        let base = root.join(part);
        if !base.exists() {
            continue;
        }
        let walker = WalkDir::new(&base).follow_links(true).into_iter().filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
        for e in walker.flatten() {
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(meta) = e.metadata() else { continue };
            let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_string_lossy().replace('\\', "/");
            snap.insert(rel, fingerprint(&meta));
        }
    }
    Ok(snap)
}

/// What a snapshot records of one file: its size and modification time (ns).
pub fn fingerprint(meta: &std::fs::Metadata) -> (u64, i128) {
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i128);
    (meta.len(), mtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_leftovers_and_unrelated_folders() {
        let tmp = tempfile::tempdir().unwrap();
        for f in [
            "config.toml",
            "content/a.md",
            "content/~$通知.docx",
            "content/b.tmp",
            "content/Thumbs.db",
            "content/.DS_Store",
            "public/index.html",
            "content/附件.pdf",
        ] {
            let p = tmp.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let keys: Vec<String> = snapshot(tmp.path()).unwrap().into_keys().collect();
        assert_eq!(keys, ["config.toml", "content/a.md", "content/附件.pdf"]);
        assert!(snapshot(&tmp.path().join("missing")).is_err());
    }
}
