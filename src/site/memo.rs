//! Markdown rendered by an earlier build, reused when rendering again must give the
//! same result: the same text, folder and leniency (a 128-bit key) and the same
//! answer to every link the text asked about — each recorded with its answer and
//! replayed against this build's resolver. Rendering is pure (`content::markdown`
//! sees the site only through its `LinkResolver`), so equal inputs and equal answers
//! mean equal output. Pure: the cache file is seen through `Store` (`pipeline::cache`
//! keeps it on disk). Any damage means misses, never a wrong page.

use super::links::PageLinks;
use super::memo_codec::{self as codec, Next, Reader};
use crate::content::markdown::{self, LinkResolver, Rendered, Resolution};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Read;
use std::sync::Mutex;

/// Bumped whenever a record's layout or what a key covers changes.
const FORMAT: &str = "dwgk-markdown-memo 1";

/// The cache file as the memo sees it (`pipeline::cache` keeps it on disk): read
/// through once to index it, single records read back when replayed, and new
/// records handed over as they are made — so neither the old file nor the new
/// records are held in memory (at 100k pages they are hundreds of MB).
pub trait Store: Sync {
    /// The file as the build found it, from its start (empty when there is none).
    fn scan(&self) -> Box<dyn Read + '_>;
    /// `len` bytes at `at` of the file as the build found it.
    fn read(&self, at: u64, len: usize) -> Option<Vec<u8>>;
    /// A record this build made.
    fn add(&self, record: &[u8]);
}

/// A record in the file: where its frame starts and its length with the frame.
type Span = (u64, usize);

pub struct Memo<'s> {
    /// None: nothing is looked up or recorded (no cache for this build).
    store: Option<&'s dyn Store>,
    /// The file's first bytes for this format and binary: what it must start with.
    header: Vec<u8>,
    /// Page or section file → its last record.
    index: HashMap<String, Span>,
    /// Records in the file, superseded ones included.
    records: usize,
    /// The file ended in a damaged record (or had none of this binary's): it is
    /// written anew, not appended to.
    damaged: bool,
    used: Mutex<Vec<Span>>,
    fresh: Mutex<usize>,
}

/// What `pipeline::cache` writes back after a build.
pub enum Save {
    Nothing,
    /// Append the records `Store::add` was given to the file as it is.
    Append,
    /// Replace the file with `header`, these records of the old file and then the
    /// records `Store::add` was given.
    Rewrite {
        header: Vec<u8>,
        keep: Vec<Span>,
    },
}

impl Memo<'static> {
    pub fn off() -> Memo<'static> {
        Memo::with(None, "")
    }
}

impl<'s> Memo<'s> {
    /// The memo over `store` for a binary whose identity is `binary`: a file from
    /// another binary or format is ignored whole.
    pub fn open(store: &'s dyn Store, binary: &str) -> Memo<'s> {
        Memo::with(Some(store), binary)
    }

    fn with(store: Option<&'s dyn Store>, binary: &str) -> Memo<'s> {
        let header = if store.is_some() { header(binary) } else { Vec::new() };
        let mut m = Memo { store, header, index: HashMap::new(), records: 0, damaged: false, used: Mutex::default(), fresh: Mutex::default() };
        let Some(store) = store else { return m };
        let mut file = store.scan();
        let mut found = vec![0; m.header.len()];
        if file.read_exact(&mut found).is_err() || found != m.header {
            m.damaged = true;
            return m;
        }
        let mut at = m.header.len() as u64;
        let mut payload = Vec::new();
        loop {
            match codec::next_record(&mut file, &mut payload) {
                Next::End => break,
                Next::Damaged => {
                    m.damaged = true;
                    break;
                }
                Next::Record(framed) => {
                    let Some(rel) = Reader::new(&payload).str() else {
                        m.damaged = true;
                        break;
                    };
                    m.index.insert(rel.to_string(), (at, framed));
                    m.records += 1;
                    at += framed as u64;
                }
            }
        }
        m
    }

    /// Reuse counted, for `DWGK_TIMINGS`: (records reused, records rendered anew).
    pub fn counts(&self) -> (usize, usize) {
        (self.used.lock().expect("used").len(), *self.fresh.lock().expect("fresh"))
    }

    /// The Markdown `body` of file `rel` rendered with `links`: from the cache when
    /// its record has the same key and every recorded link still resolves the same
    /// way (the replay leaves `links` as the render would have), else rendered and
    /// recorded.
    pub fn render(&self, rel: &str, body: &str, links: &PageLinks) -> Rendered {
        let Some(store) = self.store else { return markdown::render(body, links) };
        let key = key(rel, body, links);
        if let Some(&span) = self.index.get(rel) {
            let record = store.read(span.0, span.1);
            if let Some(r) = record.and_then(|bytes| replay(&bytes, key, links)) {
                self.used.lock().expect("used").push(span);
                return r;
            }
            // The replay's side effects (attachments linked, broken links counted) must not stay.
            links.reset();
        }
        let recorder = Recorder { links, trace: RefCell::new(Vec::new()) };
        let rendered = markdown::render(body, &recorder);
        store.add(&codec::record(rel, key, &recorder.trace.into_inner(), &rendered));
        *self.fresh.lock().expect("fresh") += 1;
        rendered
    }

    /// What to write back: nothing when every record was reused; the new records
    /// appended; or, when the file is damaged or mostly superseded records, the
    /// live records alone.
    pub fn save(self) -> Save {
        if self.store.is_none() {
            return Save::Nothing;
        }
        // A record reused in several isolation rounds is one live record.
        let mut used = self.used.into_inner().expect("used");
        used.sort_unstable();
        used.dedup();
        let fresh = self.fresh.into_inner().expect("fresh");
        let live = used.len() + fresh;
        if !self.damaged && self.records + fresh <= 2 * live + 64 {
            return if fresh == 0 { Save::Nothing } else { Save::Append };
        }
        Save::Rewrite { header: self.header, keep: used }
    }
}

/// The rendered result of a whole `record` (frame included) if it has `key` and
/// every link it asked about still gets the same answer from `links`.
fn replay(record: &[u8], key: u128, links: &PageLinks) -> Option<Rendered> {
    let (payload, _) = codec::record_at(record, 0)?;
    let mut r = Reader::new(&record[payload]);
    r.str()?;
    if r.u128()? != key {
        return None;
    }
    for _ in 0..r.len()? {
        let dest = r.str()?;
        let answer = r.u128()?;
        if answered(links, dest).1 != answer {
            return None;
        }
    }
    codec::rendered(&mut r)
}

fn header(binary: &str) -> Vec<u8> {
    let mut h = Vec::new();
    codec::put_str(&mut h, FORMAT);
    codec::put_str(&mut h, binary);
    h
}

/// Everything a file's rendering depends on besides its links' answers.
fn key(rel: &str, body: &str, links: &PageLinks) -> u128 {
    let mut h = SipHasher13::new();
    for part in [rel, &links.dir, body] {
        h.write_usize(part.len());
        h.write(part.as_bytes());
    }
    h.write_u8(links.is_lenient() as u8);
    h.finish128().as_u128()
}

/// Resolves `dest` and digests the answer together with the attachments the
/// resolver linked for it (by file, not by this build's numbering).
fn answered(links: &PageLinks, dest: &str) -> (Resolution, u128) {
    let before = links.linked_assets.borrow().len();
    let r = links.resolve(dest);
    let mut h = SipHasher13::new();
    let mut put = |s: &str| {
        h.write_usize(s.len());
        h.write(s.as_bytes());
    };
    match &r {
        Resolution::Keep => put("keep"),
        Resolution::Replace { url, target_anchor } => {
            put("replace");
            put(url);
            if let Some((target, anchor)) = target_anchor {
                put(target);
                put(anchor);
            }
        }
        Resolution::Broken { message, hint } => {
            put("broken");
            put(message);
            put(hint);
        }
        Resolution::Unlink { message, hint } => {
            put("unlink");
            put(message);
            put(hint);
        }
    }
    for &a in &links.linked_assets.borrow()[before..] {
        put(&links.site.assets[a].rel);
    }
    (r, h.finish128().as_u128())
}

/// A resolver that writes down every question and its answer's digest.
struct Recorder<'a, 'b> {
    links: &'a PageLinks<'b>,
    trace: RefCell<Vec<(String, u128)>>,
}

impl LinkResolver for Recorder<'_, '_> {
    fn resolve(&self, dest: &str) -> Resolution {
        let (r, digest) = answered(self.links, dest);
        self.trace.borrow_mut().push((dest.to_string(), digest));
        r
    }
}
