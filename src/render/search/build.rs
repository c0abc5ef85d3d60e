//! Collecting the postings of one index: every document counted (`Build::collect`)
//! or the last build's postings patched where few documents changed
//! (`Build::patch`), and each document's files written or kept; the keys its files
//! and the shard files are kept by in the outputs memo.

use super::*;
use crate::render::{output_key, timings};

/// What the postings were collected or patched into, before `shards::fold`.
pub(super) struct Collected {
    pub(super) shards: Vec<Shard>,
    /// `cache::Cached::versions` of these shards.
    pub(super) versions: Vec<u128>,
    pub(super) avg_len: f32,
    pub(super) records: Vec<cache::Record>,
    /// Whether anything differs from the cache it was patched from (`false`: no
    /// need to write the cache again).
    pub(super) changed: bool,
}

/// What every stage of one index reads.
pub(super) struct Build<'a> {
    pub(super) site: &'a Site,
    pub(super) sink: &'a dyn Sink,
    pub(super) docs: &'a [Doc],
    /// `Doc::fingerprint` of each document (empty when the sink keeps nothing).
    pub(super) fps: &'a [u128],
    pub(super) terms: &'a Terms,
    pub(super) kinds: &'a [(&'static str, &'static str)],
    pub(super) shard_count: usize,
    /// `render::write_keyed` (a plain write when the sink keeps nothing).
    pub(super) write_keyed: &'a (dyn Fn(String, u128, &[u8]) + Sync),
}

/// BM25's average length, rounded to a 64th of its power of two (a step of 1.6 %
/// to 3 %): an edit that changes it by less keeps every other posting as it was,
/// so the cache can be patched (`Collected`).
fn rounded_avg(lens: impl Iterator<Item = usize>) -> f32 {
    let (sum, n) = lens.fold((0usize, 0usize), |(s, n), l| (s + l, n + 1));
    let avg = sum as f64 / n.max(1) as f64;
    let step = ((avg as u64).max(1).next_power_of_two() >> 6).max(1) as f64;
    ((avg / step).round() * step) as f32
}

/// What every shard file is made from besides its lists: the Bloom filter, which
/// documents are expired (the tiers), their number and the dictionary.
pub(super) fn shard_files_key(bloom: &Bloom, expired: &[bool], dictionary: &[String]) -> u128 {
    use std::hash::Hasher;
    let mut h = siphasher::sip128::SipHasher13::new();
    h.write(b"search-shard");
    h.write(bloom.code().as_bytes());
    h.write_usize(expired.len());
    h.write(code::bitset(expired.iter().copied()).as_bytes());
    for t in dictionary {
        h.write_usize(t.len());
        h.write(t.as_bytes());
    }
    siphasher::sip128::Hasher128::finish128(&h).as_u128()
}

/// Key of shard file `n` in the outputs memo: `common` (`shard_files_key`) and the
/// versions of the collected shards it holds (`cache::Cached::versions`).
pub(super) fn shard_file_key(common: u128, n: usize, count: usize, versions: &[u128]) -> u128 {
    use std::hash::Hasher;
    let mut h = siphasher::sip128::SipHasher13::new();
    h.write_u128(common);
    h.write_usize(n);
    h.write_usize(count);
    for v in versions {
        h.write_u128(*v);
    }
    siphasher::sip128::Hasher128::finish128(&h).as_u128()
}

/// A common token's file's key: its shard file's key with its name in.
pub(super) fn output_key_of(name: &str) -> u128 {
    output_key::of_bytes(name.as_bytes())
}

/// Key of a document's files in the outputs memo: what they are made from, its id
/// and how many pieces its text has (`e/<id>.js` …: key + the piece's number).
fn doc_key(fp: u128, id: usize, pieces: usize) -> u128 {
    let mut h = siphasher::sip128::SipHasher13::new();
    std::hash::Hasher::write(&mut h, b"search-doc");
    std::hash::Hasher::write(&mut h, &fp.to_le_bytes());
    std::hash::Hasher::write(&mut h, &(id as u64).to_le_bytes());
    std::hash::Hasher::write(&mut h, &(pieces as u64).to_le_bytes());
    siphasher::sip128::Hasher128::finish128(&h).as_u128()
}

fn doc_file(id: usize, k: usize) -> String {
    match k {
        0 => format!("{DIR}/d/{id}.js"),
        1 => format!("{DIR}/e/{id}.js"),
        k => format!("{DIR}/e/{id}-{k}.js"),
    }
}

impl Build<'_> {
    /// Writes document `id`'s files, all but the first `skip` (kept already), from
    /// its text: one file (its head) and pieces of the rest of a long text — a query
    /// loads only the documents it shows, most of them only the head, and of a long
    /// one only the pieces up to where the query is. Its cache record.
    fn write_doc(&self, id: usize, text: &str, skip: usize) -> cache::Record {
        let d = &self.docs[id];
        let cut = text.char_indices().nth(HEAD_CHARS).map_or(text.len(), |(i, _)| i);
        let (head, rest) = text.split_at(cut);
        let pieces = pieces(rest);
        let fp = self.fps.get(id).copied().unwrap_or(0);
        let key = doc_key(fp, id, pieces.len());
        let put = |k: usize, bytes: &[u8]| {
            if k >= skip {
                (self.write_keyed)(doc_file(id, k), key.wrapping_add(k as u128), bytes)
            }
        };
        let mut out = Vec::with_capacity(head.len() + d.title.len() + d.path.len() + 100);
        out.extend_from_slice(format!("dwgkSearchDoc({id},").as_bytes());
        doc_literal(&mut out, d, head, pieces.len(), self.kinds);
        out.extend_from_slice(b");\n");
        put(0, &out);
        let mut n = out.len();
        for (k, piece) in pieces.iter().enumerate().map(|(k, p)| (k + 1, p)) {
            let mut out = Vec::with_capacity(piece.len() + 40);
            out.extend_from_slice(format!("dwgkSearchRest({id},{k},").as_bytes());
            js_string(&mut out, piece);
            out.extend_from_slice(b");\n");
            put(k, &out);
            n += out.len();
        }
        cache::Record { path: d.path.clone(), fp, text_len: text.len() as u32, pieces: pieces.len() as u32, bytes: n as u32 }
    }

    /// Keeps document `id`'s files as the last build wrote them from the same
    /// inputs (`old`); how many of them were kept (all: `old.pieces + 1`).
    fn keep_doc(&self, id: usize, old: &cache::Record) -> usize {
        let key = doc_key(old.fp, id, old.pieces as usize);
        (0..=old.pieces as usize).take_while(|&k| self.sink.reuse(&doc_file(id, k), key.wrapping_add(k as u128))).count()
    }

    /// Counts documents (`ids`, increasing, with their headings and text) into
    /// `runs` of consecutive ones, each into its own postings by shard.
    fn count(&self, runs: &mut [(Counter, Buckets)], ids: &[usize], texts: &[(String, String)], avg_len: f32) {
        let mask = self.shard_count as u32 - 1;
        let per_run = ids.len().div_ceil(runs.len());
        runs.par_iter_mut().enumerate().for_each(|(r, (counter, buckets))| {
            for i in (r * per_run..(r + 1) * per_run).take_while(|&i| i < ids.len()) {
                let (headings, text) = &texts[i];
                counter.count_into(&self.docs[ids[i]].title, headings, text, ids[i] as u32, self.terms, mask, avg_len, buckets);
            }
        })
    }

    fn runs(&self) -> Vec<(Counter, Buckets)> {
        (0..rayon::current_num_threads() * RUNS_PER_THREAD).map(|_| (Counter::default(), Buckets::new(self.shard_count))).collect()
    }

    /// Every document counted anew, `BLOCK` at a time.
    pub(super) fn collect(&self, laps: &mut Laps) -> Collected {
        let (site, docs) = (self.site, self.docs);
        // Bigram, term and word shards, then as many single-character shards.
        let mut shards: Vec<Shard> = (0..2 * self.shard_count).map(|_| Shard::default()).collect();
        // A block is counted in runs of consecutive documents, each into its own
        // postings by shard; then each group of consecutive shards is filled by one
        // task (one per thread), run after run, so every list gets its documents in
        // id order. Counters and buckets are reused from block to block.
        let per_group = shards.len().div_ceil(rayon::current_num_threads()).max(1);
        let mut runs = self.runs();
        let mut records = Vec::with_capacity(docs.len());
        // BM25's average length: the first block's (the whole site up to BLOCK documents).
        let mut avg_len = 0.0;
        for first in (0..docs.len()).step_by(BLOCK) {
            let ids: Vec<usize> = (first..(first + BLOCK).min(docs.len())).collect();
            let texts: Vec<(String, String)> = laps.time("text", || ids.par_iter().map(|&i| (docs[i].headings(site), docs[i].text(site))).collect());
            if first == 0 {
                avg_len = rounded_avg(texts.iter().map(|(_, t)| t.len()));
            }
            laps.time("tokens", || self.count(&mut runs, &ids, &texts, avg_len));
            laps.time("shards", || {
                shards.par_chunks_mut(per_group).enumerate().for_each(|(g, own)| {
                    let lo = g * per_group;
                    for (_, b) in &runs {
                        for (s, w, doc, v) in &b.long {
                            if let Some(shard) = (*s as usize).checked_sub(lo).and_then(|j| own.get_mut(j)) {
                                shard.add_long(w, *doc, *v);
                            }
                        }
                    }
                    // One shard at a time: its token table stays in cache.
                    for (j, shard) in own.iter_mut().enumerate() {
                        for (_, b) in &runs {
                            for &(key, doc, val) in &b.keys[lo + j] {
                                shard.add(key, doc, val);
                            }
                        }
                    }
                })
            });
            runs.par_iter_mut().for_each(|(_, b)| b.clear());
            let written: Vec<cache::Record> =
                laps.time("documents", || ids.par_iter().zip(&texts).map(|(&id, (_, text))| self.write_doc(id, text, 0)).collect());
            records.extend(written);
        }
        let versions = (0..shards.len()).map(cache::version).collect();
        Collected { shards, versions, avg_len, records, changed: true }
    }

    /// The last build's postings (`old`) brought up to date: the documents whose
    /// fingerprint changed, and new ones, are counted; gone ones dropped; the rest
    /// move to their new ids. `None` when that is not the same as `collect` (the
    /// average length moved, the order of the unchanged ones changed) or not cheaper.
    pub(super) fn patch(&self, old: cache::Cached, laps: &mut Laps) -> Option<Collected> {
        let (site, docs) = (self.site, self.docs);
        let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(old.docs.len());
        for (j, r) in old.docs.iter().enumerate() {
            if by_path.insert(r.path.as_str(), j).is_some() {
                return None;
            }
        }
        let mut map = vec![shards::GONE; old.docs.len()];
        let mut same: Vec<Option<usize>> = vec![None; docs.len()];
        let mut changed = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            match by_path.get(d.path.as_str()) {
                Some(&j) if old.docs[j].fp == self.fps[i] && map[j] == shards::GONE => (map[j], same[i]) = (i as u32, Some(j)),
                _ => changed.push(i),
            }
        }
        drop(by_path);
        // The unchanged documents in the same order (ids move, lists stay sorted),
        // and few changed: patching reads most lists' start, counting all is a build.
        let kept: Vec<u32> = map.iter().copied().filter(|&m| m != shards::GONE).collect();
        if !kept.windows(2).all(|w| w[0] < w[1]) || changed.len() > docs.len() / 8 + 16 {
            return None;
        }
        let texts: Vec<(String, String)> = laps.time("text", || changed.par_iter().map(|&i| (docs[i].headings(site), docs[i].text(site))).collect());
        // The first block's lengths: the cached ones, the changed documents' counted now.
        let len = |i: usize| match same[i] {
            Some(j) => old.docs[j].text_len as usize,
            None => texts[changed.binary_search(&i).expect("changed")].1.len(),
        };
        let avg_len = rounded_avg((0..docs.len().min(BLOCK)).map(len));
        if avg_len.to_bits() != old.avg_len.to_bits() {
            return None;
        }
        let shift = docs.len() as i64 - old.docs.len() as i64;
        let moved = |j: usize| map[j] as i64 != j as i64;
        let from = (0..map.len()).find(|&j| moved(j)).into_iter().chain(changed.first().copied()).min();
        let to = (0..map.len())
            .rev()
            .find(|&j| map[j] as i64 != j as i64 + shift)
            .map(|j| j as i64)
            .into_iter()
            .chain(changed.last().map(|&i| i as i64 - shift))
            .max();
        if timings() {
            eprintln!("timing search-index/changed {} from {from:?} to {to:?} shift {shift}", changed.len());
        }
        // Nothing changed (`from` past every id): the lists stay as they are.
        let remap = shards::Remap { map, from: from.map_or(u32::MAX, |f| f as u32), to: to.map_or(0, |t| t.max(0)) as u32, shift };
        let mut runs = self.runs();
        laps.time("tokens", || self.count(&mut runs, &changed, &texts, avg_len));
        let mut shards = old.shards;
        let mut versions = old.versions;
        laps.time("patch", || {
            shards.par_iter_mut().zip(&mut versions).enumerate().for_each(|(s, (shard, version))| {
                let adds: Vec<(u64, u32, u32)> = runs.iter().flat_map(|(_, b)| b.keys[s].iter().copied()).collect();
                let long: Vec<(Box<str>, u32, u32)> =
                    runs.iter().flat_map(|(_, b)| b.long.iter().filter(|l| l.0 as usize == s).map(|(_, w, d, v)| (w.clone(), *d, *v))).collect();
                if shard.patch(&remap, adds, long) {
                    *version = cache::version(s);
                }
            })
        });
        drop(runs);
        // Documents: an unchanged one at its old id keeps its files.
        let records: Vec<cache::Record> = laps.time("documents", || {
            (0..docs.len())
                .into_par_iter()
                .map(|i| {
                    let kept = match same[i] {
                        Some(j) if j == i => {
                            let k = self.keep_doc(i, &old.docs[j]);
                            if k == old.docs[j].pieces as usize + 1 {
                                let r = &old.docs[j];
                                return cache::Record { path: r.path.clone(), ..*r };
                            }
                            k
                        }
                        _ => 0,
                    };
                    match changed.binary_search(&i) {
                        Ok(k) => self.write_doc(i, &texts[k].1, kept),
                        Err(_) => self.write_doc(i, &docs[i].text(site), kept),
                    }
                })
                .collect()
        });
        Some(Collected { shards, versions, avg_len, records, changed: from.is_some() })
    }
}
