//! The build cache beside an output (`Request::cache`): the Markdown memo
//! (`site::memo`) read before rendering and written back after. Missing, from
//! another binary, unreadable or damaged: a full render, never a wrong page; a
//! cache that cannot be written costs the next build time, nothing else.

use crate::site::memo::{Memo, Save, Store};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MARKDOWN: &str = "markdown.bin";

/// The cache folder of a `build` output: `.NAME.dwgk-cache` beside it (like the spare).
pub fn beside(output: &Path) -> PathBuf {
    crate::io::output::beside(output, ".dwgk-cache")
}

/// This binary: its version and the size and time of its file, so a rebuilt or
/// upgraded dwgk never reads a memo an older one wrote.
pub(crate) fn binary() -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let (len, time) = exe.map_or((0, 0), |m| {
        let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        (m.len(), t)
    });
    format!("dwgk {} {len} {time}", env!("CARGO_PKG_VERSION"))
}

/// Runs `f` with the memo of `req`'s cache (none: nothing looked up or recorded)
/// and writes back what it added. An output the build will refuse to write
/// (someone else's folder) gets no cache beside it either.
pub fn with_memo<R>(req: &super::Request, f: impl FnOnce(&Memo) -> R) -> R {
    let (Some(dir), Some(out)) = (req.cache.as_deref(), req.output.as_deref()) else { return f(&Memo::off()) };
    if !crate::io::output::may_write(out) {
        return f(&Memo::off());
    }
    let store = FileStore::open(dir);
    let memo = Memo::open(&store, &binary());
    let result = f(&memo);
    let (reused, rendered) = memo.counts();
    if crate::render::timings() {
        eprintln!("timing markdown-memo reused {reused} rendered {rendered}");
    }
    let save = memo.save();
    if let Err(e) = store.save(save) {
        // Not a build problem: the next build renders what it cannot reuse.
        if crate::render::timings() {
            eprintln!("timing markdown-memo not written: {e}");
        }
    }
    result
}

/// `markdown.bin` in the cache folder: the old file kept open (a build that
/// replaces it meanwhile does not change what this one reads), new records
/// streamed to a file of their own beside it until `save`.
struct FileStore {
    dir: PathBuf,
    old: Option<File>,
    fresh: Mutex<Fresh>,
}

#[derive(Default)]
struct Fresh {
    file: Option<BufWriter<File>>,
    /// A record could not be written: the fresh file is not used.
    failed: bool,
}

impl FileStore {
    fn open(dir: &Path) -> FileStore {
        FileStore { dir: dir.to_path_buf(), old: File::open(dir.join(MARKDOWN)).ok(), fresh: Mutex::default() }
    }

    fn fresh_path(&self) -> PathBuf {
        self.dir.join(format!(".{MARKDOWN}.new.{}", std::process::id()))
    }

    fn save(self, save: Save) -> std::io::Result<()> {
        let fresh_path = self.fresh_path();
        let fresh = self.fresh.into_inner().expect("fresh");
        // A record that could not be written: the file stays as it was.
        let result = if fresh.failed {
            Ok(())
        } else {
            fresh.file.map(|w| w.into_inner().map_err(|e| e.into_error())).transpose().and_then(|added| write_back(&self.dir, self.old.as_ref(), added, save))
        };
        let _ = std::fs::remove_file(fresh_path);
        result
    }
}

impl Store for FileStore {
    fn scan(&self) -> Box<dyn Read + '_> {
        match &self.old {
            Some(f) => Box::new(BufReader::with_capacity(1 << 20, f)),
            None => Box::new(std::io::empty()),
        }
    }

    fn read(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0; len];
        self.old.as_ref()?.read_exact_at(&mut buf, at).ok()?;
        Some(buf)
    }

    fn add(&self, record: &[u8]) {
        let mut fresh = self.fresh.lock().expect("fresh");
        if fresh.failed {
            return;
        }
        if fresh.file.is_none() {
            let made = std::fs::create_dir_all(&self.dir)
                .and_then(|_| std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(self.fresh_path()));
            match made {
                Ok(f) => fresh.file = Some(BufWriter::with_capacity(1 << 20, f)),
                Err(_) => {
                    fresh.failed = true;
                    return;
                }
            }
        }
        if fresh.file.as_mut().expect("opened").write_all(record).is_err() {
            fresh.failed = true;
        }
    }
}

/// Appends the records added (`added`, read from its start) to the file, or
/// writes it anew from the old file's kept records and them.
fn write_back(dir: &Path, old: Option<&File>, added: Option<File>, save: Save) -> std::io::Result<()> {
    let copy_added = |to: &mut dyn Write| -> std::io::Result<()> {
        if let Some(mut f) = added.as_ref() {
            f.seek(SeekFrom::Start(0))?;
            std::io::copy(&mut f, to)?;
        }
        Ok(())
    };
    let path = dir.join(MARKDOWN);
    match save {
        Save::Nothing => Ok(()),
        Save::Append => {
            let mut f = BufWriter::new(std::fs::OpenOptions::new().append(true).open(&path)?);
            copy_added(&mut f)?;
            f.flush()
        }
        Save::Rewrite { header, keep } => {
            std::fs::create_dir_all(dir)?;
            let tmp = dir.join(format!(".{MARKDOWN}.{}", std::process::id()));
            let written = (|| {
                let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
                w.write_all(&header)?;
                if let Some(old) = old {
                    for (at, len) in keep {
                        let mut buf = vec![0; len];
                        old.read_exact_at(&mut buf, at)?;
                        w.write_all(&buf)?;
                    }
                }
                copy_added(&mut w)?;
                w.flush()
            })();
            written.and_then(|_| std::fs::rename(&tmp, &path)).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
        }
    }
}
