//! The search index's part of the build cache (`search.bin`): the postings as they
//! were collected (before `shards::fold`), the average length they were weighed
//! against, and per document its path, fingerprint, text length and files. A
//! build whose documents are mostly the same patches these postings
//! (`Shard::patch`) instead of counting every document again. The file names the
//! binary, the index format, the number of shards and the dictionary it was made
//! with, and ends with a hash of all of it: anything else, or a file cut short or
//! damaged, is no cache (a full index, never a wrong one).

use super::shards::Shard;
use siphasher::sip128::{Hasher128, SipHasher13};
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const FILE: &str = "search.bin";
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
}

/// The cache file of one index: where it is and what it must have been made with.
pub struct Place {
    path: PathBuf,
    header: Vec<u8>,
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
        Place { path: dir.join(FILE), header }
    }

    /// The cache, if there is one made as this build would make it.
    pub fn load(&self, shards: usize) -> Option<Cached> {
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
        let shards = (0..shards).map(|_| Shard::read(&mut r)).collect::<Option<Vec<_>>>()?;
        let expected = r.hash.finish128().as_u128();
        let stored = u128::from_le_bytes(take(&mut r.inner)?);
        let mut rest = [0u8; 1];
        (stored == expected && r.inner.read(&mut rest).ok()? == 0).then_some(Cached { avg_len, docs, shards })
    }

    /// Writes the cache of this build (beside the old one, then in its place). One
    /// that cannot be written costs the next build time, nothing else.
    pub fn save(&self, avg_len: f32, docs: &[Record], shards: &[Shard]) -> std::io::Result<()> {
        let dir = self.path.parent().expect("in the cache folder");
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{FILE}.{}", std::process::id()));
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
            for s in shards {
                s.write(&mut w)?;
            }
            let hash = w.hash.finish128().as_u128();
            w.inner.write_all(&hash.to_le_bytes())?;
            w.inner.flush()
        })();
        written.and_then(|_| std::fs::rename(&tmp, &self.path)).inspect_err(|_| {
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
