//! The outputs memo (`outputs.bin` in the build cache): for each template output
//! of the last committed build, the key it was rendered from (`render::output_key`)
//! and its length, and which tree holds those files (its stamp file's inode, time
//! and size). A build whose output has the same key keeps that file (a hard link)
//! instead of rendering it again. The memo counts only for the tree it names: a
//! missing, foreign or damaged memo, or another tree in its place, means every
//! output is rendered.

use crate::io::output::STAMP;
use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

const FILE: &str = "outputs.bin";
const MAGIC: &str = "dwgk-outputs 1";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Entry {
    pub key: u128,
    pub len: u64,
}

pub struct Outputs {
    dir: PathBuf,
    binary: String,
    /// The last committed build's outputs, when they are the base tree's files.
    old: HashMap<String, Entry>,
    /// When the base tree was committed: a file of it changed later was not
    /// written by dwgk (`fits`).
    stamped: Option<SystemTime>,
    new: Mutex<Vec<(String, Entry)>>,
}

impl Outputs {
    /// The memo in cache folder `dir` written by this `binary`, for tree `base`
    /// (the output this build replaces, or `publish`'s live release).
    pub fn open(dir: &Path, binary: &str, base: Option<&Path>) -> Outputs {
        let mut o = Outputs { dir: dir.to_path_buf(), binary: binary.to_string(), old: HashMap::new(), stamped: None, new: Mutex::default() };
        let Some((identity, stamped)) = base.and_then(identity) else { return o };
        let mut bytes = Vec::new();
        if std::fs::File::open(dir.join(FILE)).and_then(|mut f| f.read_to_end(&mut bytes)).is_err() {
            return o;
        }
        if let Some(old) = decode(&bytes, &format!("{MAGIC}\n{binary}\n{identity}\n")) {
            o.old = old;
            o.stamped = Some(stamped);
        }
        o
    }

    /// What the last build rendered at `rel`.
    pub fn get(&self, rel: &str) -> Option<Entry> {
        self.old.get(rel).copied()
    }

    /// Whether the base tree's file (metadata `m`) is still the one `e` describes:
    /// its length, and modified before the tree was committed. Strictly before: file
    /// times advance by the kernel's clock tick, so an edit just after the commit can
    /// carry the stamp's own time (a file written in that last tick is rendered again).
    pub fn fits(&self, e: Entry, m: &std::fs::Metadata) -> bool {
        m.len() == e.len && self.stamped.is_some_and(|s| m.modified().is_ok_and(|t| t < s))
    }

    pub fn record(&self, rel: &str, e: Entry) {
        self.new.lock().expect("outputs").push((rel.to_string(), e));
    }

    /// Writes what this build recorded, for `target` (the committed tree). A memo
    /// that cannot be written costs the next build time, nothing else. Not synced:
    /// it is written after the swap, before the caller's journal, and a file cut by
    /// a crash is no memo (`decode`).
    pub fn save(self, target: &Path) -> std::io::Result<()> {
        let Some((identity, _)) = identity(target) else { return Ok(()) };
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join(format!(".{FILE}.{}", std::process::id()));
        let written = (|| {
            let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
            write!(w, "{MAGIC}\n{}\n{identity}\n", self.binary)?;
            for (rel, e) in self.new.into_inner().expect("outputs") {
                w.write_all(&(rel.len() as u32).to_le_bytes())?;
                w.write_all(rel.as_bytes())?;
                w.write_all(&e.key.to_le_bytes())?;
                w.write_all(&e.len.to_le_bytes())?;
            }
            w.flush()
        })();
        written.and_then(|_| std::fs::rename(&tmp, self.dir.join(FILE))).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

/// The tree's stamp file: inode, modification time and size, and the time.
fn identity(tree: &Path) -> Option<(String, SystemTime)> {
    let m = std::fs::symlink_metadata(tree.join(STAMP)).ok()?;
    let time = m.modified().ok()?;
    m.is_file().then(|| (format!("{} {} {} {}", m.dev(), m.ino(), m.mtime_nsec() + m.mtime() * 1_000_000_000, m.len()), time))
}

/// The entries after `header`; `None` when the header differs or a record is cut.
fn decode(bytes: &[u8], header: &str) -> Option<HashMap<String, Entry>> {
    let mut rest = bytes.strip_prefix(header.as_bytes())?;
    let mut out = HashMap::new();
    fn take<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
        let (a, b) = rest.split_first_chunk::<N>()?;
        *rest = b;
        Some(*a)
    }
    while !rest.is_empty() {
        let n = u32::from_le_bytes(take(&mut rest)?) as usize;
        let (rel, after) = rest.split_at_checked(n)?;
        rest = after;
        let rel = std::str::from_utf8(rel).ok()?.to_string();
        let key = u128::from_le_bytes(take(&mut rest)?);
        let len = u64::from_le_bytes(take(&mut rest)?);
        out.insert(rel, Entry { key, len });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_counts_only_for_the_tree_and_binary_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let (cache, a, b) = (dir.path().join("cache"), dir.path().join("a"), dir.path().join("b"));
        for t in [&a, &b] {
            std::fs::create_dir_all(t).unwrap();
            std::fs::write(t.join(STAMP), "dwgk\n").unwrap();
        }
        let memo = Outputs::open(&cache, "bin 1", Some(&a));
        assert!(memo.get("x/index.html").is_none(), "no memo yet");
        memo.record("x/index.html", Entry { key: 7, len: 12 });
        memo.record("中文/index.html", Entry { key: u128::MAX, len: 0 });
        memo.save(&a).unwrap();
        let memo = Outputs::open(&cache, "bin 1", Some(&a));
        assert_eq!(memo.get("x/index.html"), Some(Entry { key: 7, len: 12 }));
        assert_eq!(memo.get("中文/index.html"), Some(Entry { key: u128::MAX, len: 0 }));
        assert!(Outputs::open(&cache, "bin 2", Some(&a)).get("x/index.html").is_none(), "another binary");
        assert!(Outputs::open(&cache, "bin 1", Some(&b)).get("x/index.html").is_none(), "another tree");
        assert!(Outputs::open(&cache, "bin 1", None).get("x/index.html").is_none(), "no tree");
        // The tree committed again: a new stamp file.
        std::fs::remove_file(a.join(STAMP)).unwrap();
        std::fs::write(a.join(STAMP), "dwgk\n").unwrap();
        assert!(Outputs::open(&cache, "bin 1", Some(&a)).get("x/index.html").is_none(), "the stamp changed");
    }

    #[test]
    fn a_cut_memo_is_no_memo() {
        let header = "h\n";
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend(3u32.to_le_bytes());
        bytes.extend(b"abc");
        bytes.extend(5u128.to_le_bytes());
        bytes.extend(9u64.to_le_bytes());
        assert_eq!(decode(&bytes, header).unwrap()["abc"], Entry { key: 5, len: 9 });
        for cut in header.len() + 1..bytes.len() {
            assert!(decode(&bytes[..cut], header).is_none(), "cut at {cut}");
        }
        assert!(decode(&bytes, "other\n").is_none());
    }

    #[test]
    fn a_file_changed_after_the_commit_does_not_fit() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("t");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("f"), "12345").unwrap();
        std::fs::write(t.join(STAMP), "dwgk\n").unwrap();
        let stamp_time = std::fs::metadata(t.join(STAMP)).unwrap().modified().unwrap();
        let memo = Outputs { stamped: Some(stamp_time), ..Outputs::open(dir.path(), "b", None) };
        let e = Entry { key: 1, len: 5 };
        let f = std::fs::File::options().write(true).open(t.join("f")).unwrap();
        f.set_modified(stamp_time - std::time::Duration::from_secs(1)).unwrap();
        let m = std::fs::metadata(t.join("f")).unwrap();
        assert!(memo.fits(e, &m));
        assert!(!memo.fits(Entry { len: 6, ..e }, &m), "another length");
        f.set_modified(stamp_time).unwrap();
        assert!(!memo.fits(e, &std::fs::metadata(t.join("f")).unwrap()), "changed in the commit's clock tick");
        f.set_modified(stamp_time + std::time::Duration::from_secs(1)).unwrap();
        assert!(!memo.fits(e, &std::fs::metadata(t.join("f")).unwrap()), "changed after the commit");
    }
}
