//! The build cache beside an output (`Request::cache`): the Markdown memo
//! (`site::memo`) read before rendering and written back after. Missing, from
//! another binary, unreadable or damaged: a full render, never a wrong page; a
//! cache that cannot be written costs the next build time, nothing else.

use crate::site::memo::{Memo, Save};
use std::io::Write;
use std::path::{Path, PathBuf};

const MARKDOWN: &str = "markdown.bin";

/// The cache folder of a `build` output: `.NAME.dwgk-cache` beside it (like the spare).
pub fn beside(output: &Path) -> PathBuf {
    crate::io::output::beside(output, ".dwgk-cache")
}

/// This binary: its version and the size and time of its file, so a rebuilt or
/// upgraded dwgk never reads a memo an older one wrote.
fn binary() -> String {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let (len, time) = exe.map_or((0, 0), |m| {
        let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        (m.len(), t)
    });
    format!("dwgk {} {len} {time}", env!("CARGO_PKG_VERSION"))
}

/// The memo of `req`'s cache (none: nothing looked up or recorded). An output the
/// build will refuse to write (someone else's folder) gets no cache beside it either.
pub fn open(req: &super::Request) -> Memo {
    let (Some(dir), Some(out)) = (req.cache.as_deref(), req.output.as_deref()) else { return Memo::off() };
    if !crate::io::output::may_write(out) {
        return Memo::off();
    }
    let bytes = std::fs::read(dir.join(MARKDOWN)).unwrap_or_default();
    Memo::parse(bytes, &binary())
}

/// Writes back what the build added (`Memo::save`).
pub fn save(req: &super::Request, memo: Memo) {
    let Some(dir) = req.cache.as_deref() else { return };
    let (reused, rendered) = memo.counts();
    if crate::render::timings() {
        eprintln!("timing markdown-memo reused {reused} rendered {rendered}");
    }
    let path = dir.join(MARKDOWN);
    let result = match memo.save() {
        Save::Nothing => Ok(()),
        Save::Append(bytes) => std::fs::OpenOptions::new().append(true).open(&path).and_then(|mut f| f.write_all(&bytes)),
        Save::Rewrite(bytes) => rewrite(dir, &path, &bytes),
    };
    if let Err(e) = result {
        // Not a build problem: the next build renders what it cannot reuse.
        if crate::render::timings() {
            eprintln!("timing markdown-memo not written: {e}");
        }
    }
}

fn rewrite(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{MARKDOWN}.{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
