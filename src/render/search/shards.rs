//! Postings of one shard file, built as documents stream in (in id order): per
//! token the delta-coded document ids with `tf << 1 | in_title`, already in the
//! file's base-64 code, so the index never holds every posting of the site at once.

use super::code::{bitset, vlq};
use super::tiers::{self, Docs, TIER_BYTES};
use super::tokens::{fnv, key_hash, key_text, Terms};
use std::collections::HashMap;

/// Bytes of postings code past which a token's list gets a file of its own.
const BIG: usize = 2048;

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Key(u64),
    Long(Box<str>),
}

struct List {
    token: Token,
    last: u32,
    code: Vec<u8>,
}

/// One shard: its tokens in order of first appearance (its file sorts them).
#[derive(Default)]
pub struct Shard {
    /// Open addressing: (key, list index); key 0 = empty (no token has key 0).
    ids: Vec<(u64, u32)>,
    long_ids: HashMap<Box<str>, u32>,
    lists: Vec<List>,
    postings: usize,
}

fn slot_of(key: u64, mask: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & mask
}

impl Shard {
    fn push(&mut self, id: u32, doc: u32, val: u32) {
        let l = &mut self.lists[id as usize];
        // Grown by a quarter, not doubled: the lists are the index's peak of memory
        // (the code of all of them at once, 3 GB at a million pages), and doubling
        // left 40 % of it unused. A posting is two numbers of up to 7 digits each.
        if l.code.capacity() - l.code.len() < 14 {
            l.code.reserve_exact((l.code.len() / 4).max(8));
        }
        vlq(&mut l.code, doc - l.last);
        vlq(&mut l.code, val);
        l.last = doc;
        self.postings += 1;
    }

    /// Adds a posting; documents arrive in increasing id order.
    pub fn add(&mut self, key: u64, doc: u32, val: u32) {
        if (self.lists.len() + 1) * 4 > self.ids.len() * 3 {
            self.grow();
        }
        let mask = self.ids.len() - 1;
        let mut i = slot_of(key, mask);
        let id = loop {
            match self.ids[i] {
                (k, id) if k == key => break id,
                (0, _) => {
                    self.lists.push(List { token: Token::Key(key), last: 0, code: Vec::new() });
                    let id = self.lists.len() as u32 - 1;
                    self.ids[i] = (key, id);
                    break id;
                }
                _ => i = (i + 1) & mask,
            }
        };
        self.push(id, doc, val);
    }

    fn grow(&mut self) {
        // Small at first: a big site has many shards, most with a few hundred tokens.
        let bigger = vec![(0, 0); (self.ids.len() * 2).max(16)];
        let old = std::mem::replace(&mut self.ids, bigger);
        let mask = self.ids.len() - 1;
        for (key, id) in old.into_iter().filter(|e| e.0 != 0) {
            let mut i = slot_of(key, mask);
            while self.ids[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.ids[i] = (key, id);
        }
    }

    pub fn add_long(&mut self, word: &str, doc: u32, val: u32) {
        let id = match self.long_ids.get(word) {
            Some(&id) => id,
            None => {
                self.lists.push(List { token: Token::Long(word.into()), last: 0, code: Vec::new() });
                let id = self.lists.len() as u32 - 1;
                self.long_ids.insert(word.into(), id);
                id
            }
        };
        self.push(id, doc, val);
    }

    pub fn postings(&self) -> usize {
        self.postings
    }

    /// (lists, bytes of code, bytes allocated for code, ids slots): for DWGK_TIMINGS.
    pub fn memory(&self) -> (usize, usize, usize, usize) {
        (self.lists.capacity(), self.lists.iter().map(|l| l.code.len()).sum(), self.lists.iter().map(|l| l.code.capacity()).sum(), self.ids.len())
    }

    /// About the bytes of its file (`file`), counting a common token's list as the
    /// `1` that stands for it there.
    pub fn file_bytes(&self) -> usize {
        self.lists.iter().map(|l| if l.code.len() > BIG { 2 } else { l.code.len() } + 12).sum::<usize>() + 24
    }

    fn hash(token: &Token, terms: &Terms) -> u32 {
        match token {
            Token::Key(k) => key_hash(*k, terms),
            Token::Long(w) => fnv(w),
        }
    }

    /// Its file alone (`Folded::file`).
    #[cfg(test)]
    pub fn file(&self, n: usize, prefix: &str, terms: &Terms, bloom: &Bloom, docs: &Docs) -> ShardFile {
        Folded { lists: self.lists.iter().collect() }.file(n, prefix, terms, bloom, docs)
    }
}

/// The lists of one shard file: of the collected shards `fold` put together. It
/// borrows them: the collected shards stay whole for the build cache.
pub struct Folded<'a> {
    lists: Vec<&'a List>,
}

impl Folded<'_> {
    /// The tokens whose postings get a file of their own (`file`): (bytes of their
    /// postings, hash).
    pub fn big_hashes(&self, terms: &Terms) -> Vec<(usize, u32)> {
        self.lists.iter().filter(|l| l.code.len() > BIG).map(|l| (l.code.len(), Shard::hash(&l.token, terms))).collect()
    }

    /// The file `s/<n>.js`, and the files `b/<prefix><hash>.js` of its lists longer
    /// than `BIG` (a common token's postings alone: a query for a rarer token of the
    /// same shard does not load them); the shard says `1` instead of their code. Such
    /// a file is named by the token's hash (hex), so search.js can ask for it together
    /// with the shard when `meta.js`'s Bloom filter (`bloom`, of these hashes) has the
    /// token. A shorter list whose hash the filter has too (a false positive) is
    /// written to such a file as well as to the shard, so no token of the index is
    /// ever asked for in vain. Tokens of one hash share a file. `prefix` keeps the
    /// single characters' files apart ("u"). Tokens are Chinese characters or
    /// `[0-9a-z]` words: no JSON escaping needed.
    ///
    /// A list longer than `tiers::TIER_BYTES` is cut in its own file to its best
    /// postings, with `[documents, value left out, bytes of the membership]` in a
    /// third argument, and which documents have it goes to `b/<prefix><hash>-m.js`.
    pub fn file(mut self, n: usize, prefix: &str, terms: &Terms, bloom: &Bloom, docs: &Docs) -> ShardFile {
        // Tokens in a fixed order (packed keys, then long words): the file is the
        // same whether its lists were collected anew or patched (`patch`).
        self.lists.sort_unstable_by(|a, b| a.token.cmp(&b.token));
        let size: usize = self.lists.iter().map(|l| l.code.len().min(BIG) + 16).sum();
        let mut out = Vec::with_capacity(size + 32);
        let mut own_files: Vec<Own> = Vec::new();
        out.extend_from_slice(format!("dwgkSearchShard({n},{{").as_bytes());
        for (i, l) in self.lists.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let at = out.len();
            out.push(b'"');
            match &l.token {
                Token::Key(k) => key_text(*k, terms, &mut out),
                Token::Long(w) => out.extend_from_slice(w.as_bytes()),
            }
            out.push(b'"');
            let own = l.code.len() > BIG;
            let hash = Shard::hash(&l.token, terms);
            if own || bloom.contains(hash) {
                let file = match own_files.iter().position(|f| f.hash == hash) {
                    Some(i) => &mut own_files[i],
                    None => {
                        own_files.push(Own { hash, ..Own::default() });
                        own_files.last_mut().expect("pushed")
                    }
                };
                let name = &out[at..];
                if l.code.len() > TIER_BYTES {
                    let tier = tiers::cut(&l.code, docs);
                    file.lists.push((name.to_vec(), tier.code));
                    file.info.push((name.to_vec(), format!("[{},{},{}]", tier.df, tier.floor, tier.members.len() + 40).into_bytes()));
                    file.members.push((name.to_vec(), tier.members));
                } else {
                    file.lists.push((name.to_vec(), l.code.clone()));
                }
            }
            if own {
                out.extend_from_slice(b":1");
                continue;
            }
            out.extend_from_slice(b":\"");
            out.extend_from_slice(&l.code);
            out.push(b'"');
        }
        out.extend_from_slice(b"});\n");
        let mut files = Vec::new();
        for f in own_files {
            let name = format!("{prefix}{:x}", f.hash);
            let lists: Vec<(Vec<u8>, Vec<u8>)> = f.lists.into_iter().map(|(t, c)| (t, [b"\"", &c[..], b"\""].concat())).collect();
            let mut file = format!("dwgkSearchBig(\"{name}\",").into_bytes();
            object(&mut file, &lists);
            if !f.info.is_empty() {
                file.push(b',');
                object(&mut file, &f.info);
            }
            file.extend_from_slice(b");\n");
            files.push((name.clone(), file));
            if !f.members.is_empty() {
                let mut file = format!("dwgkSearchMember(\"{name}\",").into_bytes();
                object(&mut file, &f.members);
                file.extend_from_slice(b");\n");
                files.push((format!("{name}-m"), file));
            }
        }
        ShardFile { shard: out, big: files }
    }
}

/// How the documents of the last index map to this one's (`Shard::patch`): `map[old]`
/// is the new id of a document whose postings are the same, `GONE` for one changed
/// or removed. Old ids below `from` keep their id; above `to`, they all move by
/// `shift`; new postings (`adds`) have ids in between.
pub struct Remap {
    pub map: Vec<u32>,
    pub from: u32,
    pub to: u32,
    pub shift: i64,
}

pub const GONE: u32 = u32::MAX;

/// Decodes one `vlq` at `*at`.
fn read_vlq(code: &[u8], at: &mut usize) -> u32 {
    let (mut n, mut shift) = (0u32, 0u32);
    loop {
        let d = super::code::digit(code[*at]).expect("postings code");
        *at += 1;
        n |= (d & 31) << shift;
        if d & 32 == 0 {
            return n;
        }
        shift += 5;
    }
}

impl List {
    /// This list as it is once the documents `remap` drops are gone, the others
    /// have their new ids and `adds` (new ids, increasing) are in: the same code a
    /// fresh collection gives. Untouched code before `from` and after `to` is kept.
    /// Returns how many postings it gained (fewer than 0: lost), and whether its
    /// code changed.
    fn patch(&mut self, remap: &Remap, adds: &[(u32, u32)]) -> (isize, bool) {
        if self.last < remap.from && (self.code.is_empty() || adds.first().is_none_or(|a| a.0 > self.last)) {
            // Every posting keeps its id: new ones (a new page, the newest) go after.
            for &(d, v) in adds {
                vlq(&mut self.code, d - self.last);
                vlq(&mut self.code, v);
                self.last = d;
            }
            return (adds.len() as isize, !adds.is_empty());
        }
        let mut gained = adds.len() as isize;
        let code = std::mem::take(&mut self.code);
        let (mut at, mut doc, mut kept, mut kept_last) = (0, 0u32, 0, 0u32);
        // The postings from `from` to `to`, mapped; then the first one after.
        let mut middle: Vec<(u32, u32)> = Vec::new();
        let mut after = None;
        while at < code.len() {
            doc += read_vlq(&code, &mut at);
            let val = read_vlq(&code, &mut at);
            if doc < remap.from {
                (kept, kept_last) = (at, doc);
            } else if doc <= remap.to {
                let new = remap.map[doc as usize];
                if new != GONE {
                    middle.push((new, val));
                } else {
                    gained -= 1;
                }
            } else {
                after = Some(((doc as i64 + remap.shift) as u32, val));
                break;
            }
        }
        let mut out = Vec::with_capacity(code.len() + adds.len() * 4);
        out.extend_from_slice(&code[..kept]);
        let mut last = kept_last;
        let (mut m, mut a) = (middle.iter().peekable(), adds.iter().peekable());
        loop {
            let next = match (m.peek(), a.peek()) {
                (Some(x), Some(y)) if x.0 < y.0 => m.next(),
                (Some(_), Some(_)) | (None, Some(_)) => a.next(),
                (Some(_), None) => m.next(),
                (None, None) => break,
            };
            let &(d, v) = next.expect("peeked");
            vlq(&mut out, d - last);
            vlq(&mut out, v);
            last = d;
        }
        if let Some((d, v)) = after {
            vlq(&mut out, d - last);
            vlq(&mut out, v);
            out.extend_from_slice(&code[at..]);
            last = (self.last as i64 + remap.shift) as u32;
        }
        let changed = out != code;
        self.code = out;
        self.last = last;
        (gained, changed)
    }
}

impl Shard {
    /// Brings the shard of the last index up to date (`List::patch`): `adds` are
    /// the new postings of this shard's packed tokens, `long_adds` of its long
    /// words, in document order per token. Lists left empty go. Whether any list
    /// changed (its file is then made again).
    pub fn patch(&mut self, remap: &Remap, adds: Vec<(u64, u32, u32)>, long_adds: Vec<(Box<str>, u32, u32)>) -> bool {
        let mut by_key: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
        for (k, d, v) in adds {
            by_key.entry(k).or_default().push((d, v));
        }
        let mut by_word: HashMap<Box<str>, Vec<(u32, u32)>> = HashMap::new();
        for (w, d, v) in long_adds {
            by_word.entry(w).or_default().push((d, v));
        }
        let (mut gained, mut changed) = (0, false);
        for l in &mut self.lists {
            let adds = match &l.token {
                Token::Key(k) => by_key.remove(k),
                Token::Long(w) => by_word.remove(w),
            };
            let (g, c) = l.patch(remap, adds.as_deref().unwrap_or(&[]));
            (gained, changed) = (gained + g, changed || c);
        }
        let lists = self.lists.len();
        self.lists.retain(|l| !l.code.is_empty());
        changed |= self.lists.len() != lists || !by_key.is_empty() || !by_word.is_empty();
        let fresh = by_key.into_iter().map(|(k, p)| (Token::Key(k), p)).chain(by_word.into_iter().map(|(w, p)| (Token::Long(w), p)));
        for (token, postings) in fresh {
            let mut l = List { token, last: 0, code: Vec::new() };
            gained += l.patch(&Remap { map: Vec::new(), from: 0, to: 0, shift: 0 }, &postings).0;
            self.lists.push(l);
        }
        self.postings = (self.postings as isize + gained) as usize;
        changed
    }

    /// The shard as the search cache keeps it (`read`).
    pub fn write(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&(self.lists.len() as u32).to_le_bytes())?;
        w.write_all(&(self.postings as u64).to_le_bytes())?;
        for l in &self.lists {
            match &l.token {
                Token::Key(k) => {
                    w.write_all(&[0])?;
                    w.write_all(&k.to_le_bytes())?;
                }
                Token::Long(s) => {
                    w.write_all(&[1])?;
                    w.write_all(&(s.len() as u32).to_le_bytes())?;
                    w.write_all(s.as_bytes())?;
                }
            }
            w.write_all(&l.last.to_le_bytes())?;
            w.write_all(&(l.code.len() as u32).to_le_bytes())?;
            w.write_all(&l.code)?;
        }
        Ok(())
    }

    /// A hash of its lists (the search cache checks each shard by it).
    pub fn digest(&self) -> u128 {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let mut h = SipHasher13::new();
        h.write_usize(self.postings);
        for l in &self.lists {
            match &l.token {
                Token::Key(k) => h.write_u64(*k),
                Token::Long(w) => {
                    h.write_usize(w.len());
                    h.write(w.as_bytes());
                }
            }
            h.write_u32(l.last);
            h.write_usize(l.code.len());
            h.write(&l.code);
        }
        h.finish128().as_u128()
    }

    /// A shard `write` wrote; `None` if the bytes cannot be one (the caller checks
    /// its `digest`). Its lists take no more `add`s (as after `merge`), only `patch`.
    pub fn read(r: &mut impl std::io::Read) -> Option<Shard> {
        fn take<const N: usize>(r: &mut impl std::io::Read) -> Option<[u8; N]> {
            let mut b = [0; N];
            r.read_exact(&mut b).ok()?;
            Some(b)
        }
        fn bytes(r: &mut impl std::io::Read, n: usize) -> Option<Vec<u8>> {
            // At most what is left of a sane shard: a damaged length is no allocation.
            if n > 1 << 30 {
                return None;
            }
            let mut b = vec![0; n];
            r.read_exact(&mut b).ok()?;
            Some(b)
        }
        let n = u32::from_le_bytes(take(r)?) as usize;
        let postings = u64::from_le_bytes(take(r)?) as usize;
        let mut lists = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let token = match take::<1>(r)?[0] {
                0 => Token::Key(u64::from_le_bytes(take(r)?)),
                1 => {
                    let len = u32::from_le_bytes(take(r)?) as usize;
                    Token::Long(String::from_utf8(bytes(r, len.min(MAX_WORD_BYTES + 1))?).ok()?.into())
                }
                _ => return None,
            };
            let last = u32::from_le_bytes(take(r)?);
            let len = u32::from_le_bytes(take(r)?) as usize;
            let code = bytes(r, len)?;
            lists.push(List { token, last, code });
        }
        Some(Shard { ids: Vec::new(), long_ids: HashMap::new(), lists, postings })
    }
}

/// Longest long word a list can have (bytes): `tokens::MAX_WORD` ASCII characters.
const MAX_WORD_BYTES: usize = super::tokens::MAX_WORD;

/// The shards of the files, from the size of what was collected: the fewest (a power
/// of two, at most `shards.len()`) whose files stay under `per` bytes each — one
/// for a small site. Shard `n` of the files takes the collected shards whose
/// number is `n` modulo the count, which are the tokens with `hash & (count - 1) == n`.
pub fn fold(shards: &[Shard], per: usize) -> Vec<Folded<'_>> {
    let bytes: usize = shards.iter().map(Shard::file_bytes).sum();
    let count = bytes.div_ceil(per).next_power_of_two().clamp(1, shards.len().max(1));
    let mut out: Vec<Folded> = (0..count).map(|_| Folded { lists: Vec::new() }).collect();
    for (n, s) in shards.iter().enumerate() {
        out[n % count].lists.extend(&s.lists);
    }
    out
}

/// The entries of one own file (tokens of one hash): (quoted token, value) each.
#[derive(Default)]
struct Own {
    hash: u32,
    lists: Vec<(Vec<u8>, Vec<u8>)>,
    info: Vec<(Vec<u8>, Vec<u8>)>,
    members: Vec<(Vec<u8>, Vec<u8>)>,
}

/// `{"token":value,…}` appended to `out`.
fn object(out: &mut Vec<u8>, entries: &[(Vec<u8>, Vec<u8>)]) {
    out.push(b'{');
    for (i, (name, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(name);
        out.push(b':');
        out.extend_from_slice(value);
    }
    out.push(b'}');
}

/// A shard's file and its common tokens' own files: (name, bytes).
pub struct ShardFile {
    pub shard: Vec<u8>,
    pub big: Vec<(String, Vec<u8>)>,
}

/// A Bloom filter of the hashes of the tokens with files of their own (`meta.js`),
/// so search.js requests such a file together with the token's shard instead of
/// after it. 15 bits a token and ten probes: about one false positive in a
/// thousand (a query token of the index that has one gets its file anyway, see
/// `Shard::file`; one the index lacks asks for a missing file, which search.js
/// ignores). The probes, as in search.js: `(hash + i * step) % bits`, `step =
/// hash * 0x5bd1e995 | 1`.
pub struct Bloom {
    flags: Vec<bool>,
}

impl Bloom {
    pub const PROBES: u32 = 10;
    /// Most tokens in the filter (3.8 KB of meta.js): the most common of those with
    /// files of their own. Another one is found through its shard, which says `1`,
    /// then its file (one more round trip, for a token of middling frequency).
    pub const MOST: usize = 2048;

    /// The filter of the `MOST` longest of these (bytes of postings, hash).
    pub fn of_most_common(mut big: Vec<(usize, u32)>) -> Bloom {
        big.sort_unstable_by(|a, b| b.cmp(a));
        big.truncate(Bloom::MOST);
        Bloom::new(&big.into_iter().map(|(_, h)| h).collect::<Vec<_>>())
    }

    pub fn new(hashes: &[u32]) -> Bloom {
        let bits = (hashes.len() * 15).div_ceil(6).max(8) * 6;
        let mut flags = vec![false; bits];
        for &h in hashes {
            for i in bloom_probes(h, Bloom::PROBES, bits) {
                flags[i] = true;
            }
        }
        Bloom { flags }
    }

    pub fn contains(&self, h: u32) -> bool {
        bloom_probes(h, Bloom::PROBES, self.flags.len()).all(|i| self.flags[i])
    }

    /// Six bits a character, as `bitset`.
    pub fn code(&self) -> String {
        bitset(self.flags.iter().copied())
    }
}

fn bloom_probes(h: u32, probes: u32, bits: usize) -> impl Iterator<Item = usize> {
    let step = (h.wrapping_mul(0x5bd1_e995) | 1) as u64;
    (0..probes as u64).map(move |i| ((h as u64 + i * step) % bits as u64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_DOCS: Docs = Docs { count: 0, expired: &[] };

    #[test]
    fn a_shard_file_lists_tokens_in_key_order_with_delta_docs() {
        let mut s = Shard::default();
        s.add(super::super::tokens::doc_key_for_test("党费"), 3, 2);
        s.add_long("abcdefghijklm", 4, 3);
        s.add(super::super::tokens::doc_key_for_test("党费"), 40, 5);
        let f = s.file(7, "", Terms::builtin(), &Bloom::new(&[]), &NO_DOCS);
        assert_eq!(String::from_utf8(f.shard).unwrap(), "dwgkSearchShard(7,{\"党费\":\"DClBF\",\"abcdefghijklm\":\"ED\"});\n");
        assert!(f.big.is_empty());
    }

    /// Random documents of a few tokens each: (doc id, [(token, value)]).
    fn random_docs(seed: u64, n: usize) -> Vec<Vec<(u64, u32)>> {
        let mut x = seed;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        (0..n).map(|_| (0..1 + next(6)).map(|_| (1 + next(12), 1 + next(900) as u32)).collect()).collect()
    }

    fn collect(docs: &[Vec<(u64, u32)>]) -> Shard {
        let mut s = Shard::default();
        for (id, d) in docs.iter().enumerate() {
            let mut seen = Vec::new();
            for &(k, v) in d {
                if !seen.contains(&k) {
                    seen.push(k);
                    s.add(k, id as u32, v);
                }
            }
            if d[0].1 % 7 == 3 {
                s.add_long(&format!("longword{}", d[0].0 % 3), id as u32, 5);
            }
        }
        s
    }

    fn lists(mut s: Shard) -> Vec<(String, u32, Vec<u8>)> {
        s.lists.sort_unstable_by(|a, b| a.token.cmp(&b.token));
        s.lists.into_iter().map(|l| (format!("{:?}", matches!(l.token, Token::Key(_))), l.last, l.code)).collect()
    }

    #[test]
    fn a_patched_shard_is_the_shard_collected_anew() {
        // Edits of an index of 200 documents: some change, some go, some come (at
        // the start, the middle, the end); the unchanged keep their order.
        for seed in 1..60u64 {
            let old = random_docs(seed, 200);
            let fresh_docs = random_docs(seed * 7919, 40);
            let mut new: Vec<Vec<(u64, u32)>> = Vec::new();
            let mut map = vec![GONE; old.len()];
            let mut added = Vec::new();
            let mut f = 0;
            for (j, d) in old.iter().enumerate() {
                let pick = (j as u64 * 31 + seed * 17) % 97;
                if pick < 3 && f < fresh_docs.len() {
                    // A new document before this one.
                    added.push(new.len());
                    new.push(fresh_docs[f].clone());
                    f += 1;
                }
                match pick {
                    3..=5 => {}
                    6..=8 if f < fresh_docs.len() => {
                        added.push(new.len());
                        new.push(fresh_docs[f].clone());
                        f += 1;
                    }
                    _ => {
                        map[j] = new.len() as u32;
                        new.push(d.clone());
                    }
                }
            }
            if seed % 3 == 0 {
                // New pages, the newest, after every other document.
                for d in &fresh_docs[fresh_docs.len() - 2..] {
                    added.push(new.len());
                    new.push(d.clone());
                }
            }
            if seed % 6 == 0 {
                // Only those: the other documents keep their ids.
                new = old.iter().chain(&fresh_docs[fresh_docs.len() - 2..]).cloned().collect();
                added = vec![old.len(), old.len() + 1];
                map = (0..old.len() as u32).collect();
            }
            if seed % 5 == 0 {
                // Nothing changed: every list read again, none different.
                new = old.clone();
                added.clear();
                map = (0..old.len() as u32).collect();
            }
            let shift = new.len() as i64 - old.len() as i64;
            let from = (0..old.len()).filter(|&j| map[j] as i64 != j as i64).chain(added.first().copied()).min().unwrap_or(0);
            let to = (0..old.len())
                .filter(|&j| map[j] as i64 != j as i64 + shift)
                .map(|j| j as i64)
                .chain(added.last().map(|&i| i as i64 - shift))
                .max()
                .unwrap_or(0);
            let remap = Remap { map, from: from as u32, to: to.max(0) as u32, shift };
            let part = collect(&new);
            let mut adds = Vec::new();
            let mut long_adds = Vec::new();
            for l in &part.lists {
                for (doc, v) in super::super::tiers::decode(&l.code) {
                    if added.contains(&(doc as usize)) {
                        match &l.token {
                            Token::Key(k) => adds.push((*k, doc, v)),
                            Token::Long(w) => long_adds.push((w.clone(), doc, v)),
                        }
                    }
                }
            }
            adds.sort_by_key(|a| a.1);
            long_adds.sort_by_key(|a| a.1);
            let mut patched = collect(&old);
            let changed = patched.patch(&remap, adds, long_adds);
            let expected = collect(&new);
            assert_eq!(changed, lists(collect(&old)) != lists(collect(&new)), "seed {seed}: whether anything changed");
            assert_eq!(patched.postings, expected.postings, "seed {seed}");
            assert_eq!(lists(patched), lists(expected), "seed {seed}");
        }
    }

    #[test]
    fn a_shard_reads_back_what_it_wrote_and_its_digest_tells_damage() {
        let s = collect(&random_docs(5, 300));
        let mut bytes = Vec::new();
        s.write(&mut bytes).unwrap();
        let back = Shard::read(&mut &bytes[..]).unwrap();
        assert_eq!(back.postings, s.postings);
        assert_eq!(lists(back), lists(collect(&random_docs(5, 300))));
        assert!(Shard::read(&mut &bytes[..bytes.len() - 1]).is_none(), "cut short");
        let mut bad = bytes.clone();
        let at = bad.len() - 1;
        bad[at] = b'!';
        assert_ne!(Shard::read(&mut &bad[..]).unwrap().digest(), s.digest(), "a damaged byte: another digest");
    }

    #[test]
    fn a_long_list_gets_a_file_of_its_own() {
        let mut s = Shard::default();
        for doc in 0..2000 {
            s.add(super::super::tokens::doc_key_for_test("党员"), doc, 7);
        }
        s.add(super::super::tokens::doc_key_for_test("党费"), 3, 2);
        let f = s.file(5, "u", Terms::builtin(), &Bloom::new(&[]), &NO_DOCS);
        assert_eq!(String::from_utf8(f.shard).unwrap(), "dwgkSearchShard(5,{\"党员\":1,\"党费\":\"DC\"});\n");
        assert_eq!(f.big.len(), 1);
        let hash = fnv("党员");
        assert_eq!(f.big[0].0, format!("u{hash:x}"));
        let text = String::from_utf8(f.big[0].1.clone()).unwrap();
        assert!(text.starts_with(&format!("dwgkSearchBig(\"u{hash:x}\",{{\"党员\":\"AHBH")) && text.ends_with("\"});\n") && text.len() > BIG, "{}", text.len());
    }

    #[test]
    fn folded_shards_hold_the_tokens_of_their_hash_and_stay_under_their_size() {
        let terms = Terms::builtin();
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        let key = |w: &str| super::super::tokens::pack_word_for_test(w);
        let collect = |n: usize| {
            let mut shards: Vec<Shard> = (0..n).map(|_| Shard::default()).collect();
            for (doc, w) in words.iter().enumerate() {
                shards[(fnv(w) & (n as u32 - 1)) as usize].add(key(w), doc as u32, 7);
            }
            shards
        };
        let bytes: usize = collect(256).iter().map(Shard::file_bytes).sum();
        for per in [1024, 4096, bytes, 10 * bytes] {
            let collected = collect(256);
            let folded = fold(&collected, per);
            let n = folded.len();
            assert!(n.is_power_of_two() && n <= 256, "{per}: {n}");
            assert!(bytes.div_ceil(n) <= per, "{per}: {n} shards of {bytes} bytes: under the size");
            assert!(n == 1 || bytes.div_ceil(n / 2) > per, "{per}: {n} shards of {bytes} bytes: the fewest");
            for (i, s) in folded.into_iter().enumerate() {
                let text = String::from_utf8(s.file(i, "", terms, &Bloom::new(&[]), &NO_DOCS).shard).unwrap();
                let json: serde_json::Value = serde_json::from_str(&text[text.find('{').unwrap()..text.rfind(')').unwrap()]).unwrap();
                assert!(json.as_object().unwrap().keys().all(|w| fnv(w) as usize & (n - 1) == i), "{per}: shard {i} of {n}");
            }
        }
        assert_eq!(fold(&collect(256), bytes).len(), 1, "a small index: one shard");
        assert_eq!(fold(&[], 4096).len(), 1, "no tokens: one empty shard");
    }

    #[test]
    fn the_bloom_filter_has_every_hash_and_few_others() {
        let hashes: Vec<u32> = (0..3000u32).map(|i| fnv(&i.to_string())).collect();
        let bloom = Bloom::new(&hashes);
        let (code, bits) = (bloom.code(), bloom.flags.len());
        // Read back from its code, as search.js does.
        let has = |h: u32| bloom_probes(h, Bloom::PROBES, bits).all(|i| (super::super::code::digit(code.as_bytes()[i / 6]).unwrap() >> (i % 6)) & 1 == 1);
        assert!(hashes.iter().all(|&h| has(h) && bloom.contains(h)));
        let others = (3000..103_000u32).filter(|i| has(fnv(&i.to_string()))).count();
        assert!(others < 300, "{others} false positives in 100,000");
    }

    #[test]
    fn the_filter_holds_the_most_common_tokens_only() {
        let big: Vec<(usize, u32)> = (0..3000u32).map(|i| (3000 + i as usize, fnv(&i.to_string()))).collect();
        let bloom = Bloom::of_most_common(big.clone());
        let kept = big.iter().filter(|(_, h)| bloom.contains(*h)).count();
        assert!(big[3000 - Bloom::MOST..].iter().all(|(_, h)| bloom.contains(*h)), "the longest lists are in");
        assert!(kept < Bloom::MOST + 50, "{kept}: the others mostly not");
    }

    #[test]
    fn a_short_list_the_filter_has_gets_a_file_too() {
        let mut s = Shard::default();
        s.add(super::super::tokens::doc_key_for_test("党费"), 3, 2);
        let f = s.file(1, "", Terms::builtin(), &Bloom::new(&[fnv("党费")]), &NO_DOCS);
        assert_eq!(String::from_utf8(f.shard).unwrap(), "dwgkSearchShard(1,{\"党费\":\"DC\"});\n", "still in the shard");
        assert_eq!(String::from_utf8(f.big[0].1.clone()).unwrap(), format!("dwgkSearchBig(\"{:x}\",{{\"党费\":\"DC\"}});\n", fnv("党费")));
    }
}
