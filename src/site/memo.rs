//! Markdown rendered by an earlier build, reused when rendering again must give the
//! same result: the same text, folder and leniency (a 128-bit key) and the same
//! answer to every link the text asked about — each recorded with its answer and
//! replayed against this build's resolver. Rendering is pure (`content::markdown`
//! sees the site only through its `LinkResolver`), so equal inputs and equal answers
//! mean equal output. Pure: the cache file's bytes in (`pipeline::cache` reads and
//! writes them), new records out. Any damage means misses, never a wrong page.

use super::links::PageLinks;
use super::memo_codec::{self as codec, Reader};
use crate::content::markdown::{self, LinkResolver, Rendered, Resolution};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Mutex;

/// Bumped whenever a record's layout or what a key covers changes.
const FORMAT: &str = "dwgk-markdown-memo 1";

pub struct Memo {
    /// False: nothing is looked up or recorded (no cache for this build).
    on: bool,
    /// The file's first bytes for this format and binary: what it must start with.
    header: Vec<u8>,
    bytes: Vec<u8>,
    /// Page or section file → the byte range of its last record's payload.
    index: HashMap<String, std::ops::Range<usize>>,
    /// Records in the file, superseded ones included.
    records: usize,
    /// The file ended in a damaged record (or had none of this binary's): it is
    /// written anew, not appended to.
    damaged: bool,
    used: Mutex<Vec<std::ops::Range<usize>>>,
    fresh: Mutex<Vec<Vec<u8>>>,
}

/// What `pipeline::cache` writes back after a build.
pub enum Save {
    Nothing,
    /// Append these records to the file as it is.
    Append(Vec<u8>),
    /// Replace the file with these bytes.
    Rewrite(Vec<u8>),
}

impl Memo {
    pub fn off() -> Memo {
        Memo::with(false, Vec::new(), "")
    }

    /// The cache file's bytes (empty when there is none) for a binary whose identity
    /// is `binary`: a file from another binary or format is ignored whole.
    pub fn parse(bytes: Vec<u8>, binary: &str) -> Memo {
        Memo::with(true, bytes, binary)
    }

    fn with(on: bool, bytes: Vec<u8>, binary: &str) -> Memo {
        let header = if on { header(binary) } else { Vec::new() };
        let mut m = Memo { on, header, bytes, index: HashMap::new(), records: 0, damaged: false, used: Mutex::default(), fresh: Mutex::default() };
        if !on {
            return m;
        }
        if !m.bytes.starts_with(&m.header) {
            m.damaged = true;
            m.bytes.clear();
            return m;
        }
        let mut at = m.header.len();
        while at < m.bytes.len() {
            let Some((payload, next)) = codec::record_at(&m.bytes, at) else {
                m.damaged = true;
                break;
            };
            let Some(rel) = Reader::new(&m.bytes[payload.clone()]).str() else {
                m.damaged = true;
                break;
            };
            m.index.insert(rel.to_string(), payload);
            m.records += 1;
            at = next;
        }
        m
    }

    /// Reuse counted, for `DWGK_TIMINGS`: (records reused, records rendered anew).
    pub fn counts(&self) -> (usize, usize) {
        (self.used.lock().expect("used").len(), self.fresh.lock().expect("fresh").len())
    }

    /// The Markdown `body` of file `rel` rendered with `links`: from the cache when
    /// its record has the same key and every recorded link still resolves the same
    /// way (the replay leaves `links` as the render would have), else rendered and
    /// recorded.
    pub fn render(&self, rel: &str, body: &str, links: &PageLinks) -> Rendered {
        if !self.on {
            return markdown::render(body, links);
        }
        let key = key(rel, body, links);
        if let Some(range) = self.index.get(rel) {
            if let Some(r) = self.replay(&self.bytes[range.clone()], key, links) {
                self.used.lock().expect("used").push(range.clone());
                return r;
            }
            // The replay's side effects (attachments linked, broken links counted) must not stay.
            links.reset();
        }
        let recorder = Recorder { links, trace: RefCell::new(Vec::new()) };
        let rendered = markdown::render(body, &recorder);
        let record = codec::record(rel, key, &recorder.trace.into_inner(), &rendered);
        self.fresh.lock().expect("fresh").push(record);
        rendered
    }

    fn replay(&self, payload: &[u8], key: u128, links: &PageLinks) -> Option<Rendered> {
        let mut r = Reader::new(payload);
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

    /// What to write back: nothing when every record was reused; the new records
    /// appended; or, when the file is damaged or mostly superseded records, the
    /// live records alone.
    pub fn save(self) -> Save {
        if !self.on {
            return Save::Nothing;
        }
        // A record reused in several isolation rounds is one live record.
        let mut used = self.used.into_inner().expect("used");
        used.sort_by_key(|r| r.start);
        used.dedup();
        let fresh = self.fresh.into_inner().expect("fresh");
        let live = used.len() + fresh.len();
        if !self.damaged && self.records + fresh.len() <= 2 * live + 64 {
            return if fresh.is_empty() { Save::Nothing } else { Save::Append(fresh.concat()) };
        }
        let mut out = self.header;
        for range in used {
            out.extend_from_slice(&self.bytes[codec::framed(range)]);
        }
        fresh.iter().for_each(|r| out.extend_from_slice(r));
        Save::Rewrite(out)
    }
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
