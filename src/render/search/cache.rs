//! The search index's part of the build cache (`search.bin`): the postings as they
//! were collected (before `shards::fold`), the average length they were weighed
//! against, and per document its path, fingerprint, text length and files. A
//! build whose documents are mostly the same patches these postings
//! (`Shard::patch`) instead of counting every document again. The file names the
//! binary, the index format, the number of shards and the dictionary it was made
//! with; a hash covers it and the records, and each shard has its own (checked in
//! parallel): anything else, or a file cut short or damaged, is no cache (a full
//! index, never a wrong one).

use super::shards::Shard;
use siphasher::sip128::{Hasher128, SipHasher13};
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "search.bin";
const FILES: &str = "search-files.bin";
const MAGIC: &str = "dwgk-search 1";

/// What the cache knows of one document.
pub struct Record {
    /// Its URL path (documents are matched by it).
    pub path: String,
    /// `Doc::fingerprint`: everything its postings and its files are made from.
    pub fp: u128,
    /// Bytes of its searchable text (the average length is made of these).
    pub text_len: u32,
    /// Pieces of its text past the head (`e/<id>.js` …).
    pub pieces: u32,
    /// Bytes of its files.
    pub bytes: u32,
}

/// The index the last build collected.
pub struct Cached {
    pub avg_len: f32,
    pub docs: Vec<Record>,
    pub shards: Vec<Shard>,
    /// Per shard, a name of its content: equal only where the lists are (a new one
    /// for every shard a build collects or changes, `version`).
    pub versions: Vec<u128>,
}

/// A name for content made now: a shard collected or changed by this build.
pub fn version(shard: usize) -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut h = SipHasher13::new();
    h.write_u128(now);
    h.write_u32(std::process::id());
    h.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    h.write_usize(shard);
    h.finish128().as_u128()
}

/// What the last build wrote for one shard file (`search-files.bin`): the key it was
/// made from (`render::search::shard_file_key`), its common tokens' file names and its bytes.
pub struct Written {
    pub key: u128,
    pub names: Vec<String>,
    pub bytes: u32,
}

/// The cache file of one index: where it is and what it must have been made with.
pub struct Place {
    path: PathBuf,
    header: Vec<u8>,
    shards: usize,
}

impl Place {
    /// `binary`: the build's identity of this dwgk (a cache another binary wrote is
    /// not read); `shards`: the collecting shards; `dictionary`: the site's terms.
    pub fn new(dir: &Path, binary: &str, shards: usize, dictionary: &[String]) -> Place {
        let mut header = format!("{MAGIC}\n{binary}\nv{} shards {shards}\n", super::VERSION).into_bytes();
        for t in dictionary {
            header.extend_from_slice(&(t.len() as u32).to_le_bytes());
            header.extend_from_slice(t.as_bytes());
        }
        header.push(b'\n');
        Place { path: dir.join(FILE), header, shards }
    }

    /// The cache, if there is one made as this build would make it. The header and
    /// the records are read through one hash; each shard is checked by its digest,
    /// in parallel.
    pub fn load(&self) -> Option<Cached> {
        let shards = self.shards;
        use rayon::prelude::*;
        let file = File::open(&self.path).ok()?;
        let mut r = Hashing { inner: BufReader::with_capacity(1 << 20, file), hash: SipHasher13::new() };
        let mut header = vec![0; self.header.len()];
        r.read_exact(&mut header).ok()?;
        if header != self.header {
            return None;
        }
        let avg_len = f32::from_bits(u32::from_le_bytes(take(&mut r)?));
        let n = u32::from_le_bytes(take(&mut r)?) as usize;
        let mut docs = Vec::with_capacity(n.min(1 << 24));
        for _ in 0..n {
            let len = u32::from_le_bytes(take(&mut r)?) as usize;
            let mut path = Vec::new();
            (&mut r).take(len as u64).read_to_end(&mut path).ok()?;
            let path = String::from_utf8(path).ok().filter(|p| p.len() == len)?;
            let fp = u128::from_le_bytes(take(&mut r)?);
            let [text_len, pieces, bytes] = [take(&mut r)?, take(&mut r)?, take(&mut r)?].map(u32::from_le_bytes);
            docs.push(Record { path, fp, text_len, pieces, bytes });
        }
        let digests = (0..shards).map(|_| take(&mut r).map(u128::from_le_bytes)).collect::<Option<Vec<_>>>()?;
        let versions = (0..shards).map(|_| take(&mut r).map(u128::from_le_bytes)).collect::<Option<Vec<_>>>()?;
        let expected = r.hash.finish128().as_u128();
        let mut r = r.inner;
        if u128::from_le_bytes(take(&mut r)?) != expected {
            return None;
        }
        let shards = (0..shards).map(|_| Shard::read(&mut r)).collect::<Option<Vec<_>>>()?;
        let mut rest = [0u8; 1];
        if r.read(&mut rest).ok()? != 0 || !shards.par_iter().zip(&digests).all(|(s, &d)| s.digest() == d) {
            return None;
        }
        Some(Cached { avg_len, docs, shards, versions })
    }

    /// Writes the cache of this build (beside the old one, then in its place). One
    /// that cannot be written costs the next build time, nothing else.
    pub fn save(&self, avg_len: f32, docs: &[Record], shards: &[Shard], versions: &[u128]) -> std::io::Result<()> {
        use rayon::prelude::*;
        let dir = self.path.parent().expect("in the cache folder");
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{FILE}.{}", std::process::id()));
        let digests: Vec<u128> = shards.par_iter().map(Shard::digest).collect();
        let written = (|| {
            let mut w = Hashing { inner: BufWriter::with_capacity(1 << 20, File::create(&tmp)?), hash: SipHasher13::new() };
            w.write_all(&self.header)?;
            w.write_all(&avg_len.to_bits().to_le_bytes())?;
            w.write_all(&(docs.len() as u32).to_le_bytes())?;
            for d in docs {
                w.write_all(&(d.path.len() as u32).to_le_bytes())?;
                w.write_all(d.path.as_bytes())?;
                w.write_all(&d.fp.to_le_bytes())?;
                for n in [d.text_len, d.pieces, d.bytes] {
                    w.write_all(&n.to_le_bytes())?;
                }
            }
            for d in digests.iter().chain(versions) {
                w.write_all(&d.to_le_bytes())?;
            }
            let hash = w.hash.finish128().as_u128();
            let mut w = w.inner;
            w.write_all(&hash.to_le_bytes())?;
            for s in shards {
                s.write(&mut w)?;
            }
            w.flush()
        })();
        written.and_then(|_| std::fs::rename(&tmp, &self.path)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

impl Place {
    fn files_path(&self) -> PathBuf {
        self.path.with_file_name(FILES)
    }

    /// The shard files the last build wrote, by output path; empty when there is
    /// no such record or it is damaged. A record counts only where its key is the
    /// one this build computes, so an old one is harmless.
    pub fn load_files(&self) -> std::collections::HashMap<String, Written> {
        let mut out = std::collections::HashMap::new();
        let Ok(bytes) = std::fs::read(self.files_path()) else { return out };
        let Some((body, hash)) = bytes.split_last_chunk::<16>() else { return out };
        let mut h = SipHasher13::new();
        h.write(body);
        if h.finish128().as_u128() != u128::from_le_bytes(*hash) {
            return out;
        }
        let mut r = body;
        let text = |r: &mut &[u8]| -> Option<String> {
            let n = u32::from_le_bytes(take(r)?) as usize;
            let (t, rest) = r.split_at_checked(n)?;
            *r = rest;
            String::from_utf8(t.to_vec()).ok()
        };
        let mut read = || -> Option<()> {
            while !r.is_empty() {
                let path = text(&mut r)?;
                let key = u128::from_le_bytes(take(&mut r)?);
                let bytes = u32::from_le_bytes(take(&mut r)?);
                let n = u32::from_le_bytes(take(&mut r)?);
                let names = (0..n).map(|_| text(&mut r)).collect::<Option<Vec<_>>>()?;
                out.insert(path, Written { key, names, bytes });
            }
            Some(())
        };
        if read().is_none() {
            out.clear();
        }
        out
    }

    /// Records the shard files this build wrote (`load_files`).
    pub fn save_files(&self, files: &[(String, Written)]) -> std::io::Result<()> {
        let mut b = Vec::new();
        let text = |b: &mut Vec<u8>, t: &str| {
            b.extend_from_slice(&(t.len() as u32).to_le_bytes());
            b.extend_from_slice(t.as_bytes());
        };
        for (path, w) in files {
            text(&mut b, path);
            b.extend_from_slice(&w.key.to_le_bytes());
            b.extend_from_slice(&w.bytes.to_le_bytes());
            b.extend_from_slice(&(w.names.len() as u32).to_le_bytes());
            for n in &w.names {
                text(&mut b, n);
            }
        }
        let mut h = SipHasher13::new();
        h.write(&b);
        b.extend_from_slice(&h.finish128().as_u128().to_le_bytes());
        let path = self.files_path();
        let tmp = path.with_file_name(format!(".{FILES}.{}", std::process::id()));
        std::fs::create_dir_all(path.parent().expect("in the cache folder"))?;
        std::fs::write(&tmp, &b).and_then(|_| std::fs::rename(&tmp, &path)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

fn take<const N: usize>(r: &mut impl Read) -> Option<[u8; N]> {
    let mut b = [0; N];
    r.read_exact(&mut b).ok()?;
    Some(b)
}

/// A reader or writer that hashes what passes through it.
struct Hashing<T> {
    inner: T,
    hash: SipHasher13,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
