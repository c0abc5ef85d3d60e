//! Where the preview server keeps its rendered outputs: one unlinked temporary file
//! per full build, compressed outputs appended and read back by offset. The server's
//! memory then holds the site model, not the pages (at 10,000 pages the outputs are
//! ~60 MB compressed, twice the model). The kernel caches the file like any other and
//! frees it when the last handle closes, also when the server is killed. Without a
//! usable temporary folder the outputs stay in memory.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

pub struct Store {
    backing: Backing,
    /// Bytes reserved so far: appends from several threads never overlap.
    end: AtomicU64,
}

enum Backing {
    File(File),
    Memory(Mutex<Vec<u8>>),
}

impl Store {
    /// An unlinked file in the temporary folder (`TMPDIR`, else /tmp), else memory.
    pub fn temporary() -> Store {
        let backing = match unlinked_file(&std::env::temp_dir()) {
            Ok(f) => Backing::File(f),
            Err(_) => Backing::Memory(Mutex::new(Vec::new())),
        };
        Store { backing, end: AtomicU64::new(0) }
    }

    /// Keeps everything in memory.
    pub fn in_memory() -> Store {
        Store { backing: Backing::Memory(Mutex::new(Vec::new())), end: AtomicU64::new(0) }
    }

    pub fn on_disk(&self) -> bool {
        matches!(self.backing, Backing::File(_))
    }

    /// Appends `bytes`; returns their offset.
    pub fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        match &self.backing {
            Backing::File(f) => {
                let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                f.write_all_at(bytes, at)?;
                Ok(at)
            }
            Backing::Memory(m) => {
                let mut v = m.lock().expect("store");
                let at = v.len() as u64;
                v.extend_from_slice(bytes);
                self.end.store(v.len() as u64, Ordering::Relaxed);
                Ok(at)
            }
        }
    }

    pub fn read(&self, at: u64, len: usize) -> io::Result<Vec<u8>> {
        match &self.backing {
            Backing::File(f) => {
                let mut buf = vec![0; len];
                f.read_exact_at(&mut buf, at)?;
                Ok(buf)
            }
            Backing::Memory(m) => {
                let v = m.lock().expect("store");
                let range = at as usize..at as usize + len;
                v.get(range).map(<[u8]>::to_vec).ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "outside the store"))
            }
        }
    }

    /// Bytes appended so far (outputs replaced by incremental rebuilds included).
    pub fn len(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A file with no name in `dir`: `O_TMPFILE`, or a fresh name removed at once.
fn unlinked_file(dir: &std::path::Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let tmpfile = std::fs::OpenOptions::new().read(true).write(true).mode(0o600).custom_flags(libc::O_TMPFILE).open(dir);
    if let Ok(f) = tmpfile {
        return Ok(f);
    }
    static N: AtomicU64 = AtomicU64::new(0);
    let path = dir.join(format!(".dwgk-serve-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let f = std::fs::OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_read_back_on_disk_and_in_memory() {
        for store in [Store::temporary(), Store::in_memory()] {
            let a = store.append(b"first").unwrap();
            let b = store.append("第二".as_bytes()).unwrap();
            assert_eq!(store.read(a, 5).unwrap(), b"first");
            assert_eq!(store.read(b, 6).unwrap(), "第二".as_bytes());
            assert_eq!(store.len(), 11);
            assert!(store.read(b, 7).is_err(), "past the end");
        }
    }

    #[test]
    fn the_file_has_no_name() {
        let dir = tempfile::tempdir().unwrap();
        let f = unlinked_file(dir.path()).unwrap();
        f.write_all_at(b"x", 0).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
