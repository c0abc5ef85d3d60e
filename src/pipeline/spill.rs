//! Rendered HTML kept on disk instead of in memory, for a site whose pages' HTML
//! would not fit beside their sources (`Site::html_store`; a million pages hold
//! ~5 GB of it). One file beside the output, removed as soon as it is opened (a
//! killed build leaves nothing behind), appended to as pages are rendered and
//! read back by each output that prints a page (its own page, the feed, the
//! search index). A page whose HTML cannot be written keeps it in memory; one
//! that cannot be read back fails the build (`failure`).

use crate::site::HtmlStore;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Page text (bytes of the sources) from which a build keeps rendered HTML on
/// disk: the HTML is then some GB, and holding it beside the sources is most of
/// the build's memory. `DWGK_SPILL_BYTES` sets another figure (tests: 0).
const SPILL_FROM_BYTES: u64 = 1 << 30;

pub struct Spill {
    file: File,
    end: AtomicU64,
    failed: Mutex<Option<String>>,
}

/// A store for a site of `text_bytes` of page text built into `output`, when it
/// is big enough to need one and the file can be made.
pub fn for_site(output: &Path, text_bytes: u64) -> Option<Spill> {
    let from = std::env::var("DWGK_SPILL_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(SPILL_FROM_BYTES);
    if from > 0 && text_bytes < from {
        return None;
    }
    let path = crate::io::output::beside(output, &format!(".dwgk-html.{}", std::process::id()));
    let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path).ok()?;
    let _ = std::fs::remove_file(&path);
    Some(Spill { file, end: AtomicU64::new(0), failed: Mutex::default() })
}

impl Spill {
    fn fail(&self, what: String) {
        self.failed.lock().expect("failed").get_or_insert(what);
    }
}

impl HtmlStore for Spill {
    fn put(&self, html: &str) -> Option<(u64, usize)> {
        if html.is_empty() {
            return None;
        }
        let at = self.end.fetch_add(html.len() as u64, Ordering::Relaxed);
        // Not written (disk full): the page keeps its HTML in memory.
        self.file.write_all_at(html.as_bytes(), at).ok()?;
        Some((at, html.len()))
    }

    fn get(&self, at: u64, len: usize) -> Option<String> {
        let mut buf = vec![0; len];
        match self.file.read_exact_at(&mut buf, at).map(|_| String::from_utf8(buf)) {
            Ok(Ok(s)) => Some(s),
            Ok(Err(_)) => {
                self.fail("读回的内容已损坏".into());
                None
            }
            Err(e) => {
                self.fail(e.to_string());
                None
            }
        }
    }

    fn failure(&self) -> Option<String> {
        self.failed.lock().expect("failed").clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_put_is_read_back_and_nothing_is_left_beside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = for_site(&out, u64::MAX).expect("a store for a big site");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the file has no name");
        let a = s.put("<p>甲</p>").unwrap();
        let b = s.put("<p>乙乙</p>").unwrap();
        assert_eq!(s.put(""), None, "nothing to keep");
        assert_eq!(s.get(b.0, b.1).as_deref(), Some("<p>乙乙</p>"));
        assert_eq!(s.get(a.0, a.1).as_deref(), Some("<p>甲</p>"));
        assert_eq!(s.failure(), None);
        assert_eq!(s.get(b.0 + 1000, 4), None, "past the end");
        assert!(s.failure().is_some(), "a failed read is reported");
    }
}
