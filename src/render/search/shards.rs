//! Postings of one shard file, built as documents stream in (in id order): per
//! token the delta-coded document ids with `tf << 1 | in_title`, already in the
//! file's base-64 code, so the index never holds every posting of the site at once.

use super::tokens::{key_text, Terms};
use std::collections::HashMap;

/// Bytes of postings code past which a token's list gets a file of its own.
const BIG: usize = 2048;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Variable-length base-64 number: 5 bits a character, low first; 32 set = more follow.
pub fn vlq(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let d = n & 31;
        n >>= 5;
        if n == 0 {
            out.push(ALPHABET[d as usize]);
            return;
        }
        out.push(ALPHABET[(d | 32) as usize]);
    }
}

/// Six flags a character (bit `i % 6` of character `i / 6`).
pub fn bitset(flags: impl Iterator<Item = bool>) -> String {
    let mut out = String::new();
    let (mut cur, mut n) = (0usize, 0);
    for f in flags {
        cur |= (f as usize) << n;
        n += 1;
        if n == 6 {
            out.push(ALPHABET[cur] as char);
            (cur, n) = (0, 0);
        }
    }
    if n > 0 {
        out.push(ALPHABET[cur] as char);
    }
    out
}

enum Token {
    Key(u64),
    Long(Box<str>),
}

struct List {
    token: Token,
    last: u32,
    code: Vec<u8>,
}

/// One shard: its tokens in order of first appearance (deterministic).
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
        let bigger = vec![(0, 0); (self.ids.len() * 2).max(256)];
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

    /// The file `s/<n>.js`, and the files `b/<n>-<j>.js` of its lists longer than
    /// `BIG` (a common token's postings alone: a query for a rarer token of the same
    /// shard does not load them); the shard names such a list's `j` instead of its
    /// code. Tokens are Chinese characters or `[0-9a-z]` words: no JSON escaping needed.
    pub fn file(self, n: usize, terms: &Terms) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
        let size: usize = self.lists.iter().map(|l| l.code.len().min(BIG) + 16).sum();
        let mut out = Vec::with_capacity(size + 32);
        let mut big = Vec::new();
        out.extend_from_slice(format!("dwgkSearchShard({n},{{").as_bytes());
        for (i, l) in self.lists.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            match l.token {
                Token::Key(k) => key_text(k, terms, &mut out),
                Token::Long(w) => out.extend_from_slice(w.as_bytes()),
            }
            if l.code.len() > BIG {
                let name = format!("{n}-{}", big.len());
                let mut file = format!("dwgkSearchBig(\"{name}\",\"").into_bytes();
                file.extend_from_slice(&l.code);
                file.extend_from_slice(b"\");\n");
                out.extend_from_slice(format!("\":{}", big.len()).as_bytes());
                big.push((name, file));
                continue;
            }
            out.extend_from_slice(b"\":\"");
            out.extend_from_slice(&l.code);
            out.push(b'"');
        }
        out.extend_from_slice(b"});\n");
        (out, big)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlq_round_numbers() {
        let mut s = Vec::new();
        for n in [0, 31, 32, 1000] {
            vlq(&mut s, n);
        }
        assert_eq!(s, b"AfgBof");
    }

    #[test]
    fn bitset_six_a_character() {
        assert_eq!(bitset([true, false, false, false, false, false, false, true].into_iter()), "BC");
    }

    #[test]
    fn shard_lists_tokens_in_first_appearance_order_with_delta_docs() {
        let mut s = Shard::default();
        s.add(super::super::tokens::doc_key_for_test("党费"), 3, 2);
        s.add_long("abcdefghijklm", 4, 3);
        s.add(super::super::tokens::doc_key_for_test("党费"), 40, 5);
        let (file, big) = s.file(7, Terms::builtin());
        assert_eq!(String::from_utf8(file).unwrap(), "dwgkSearchShard(7,{\"党费\":\"DClBF\",\"abcdefghijklm\":\"ED\"});\n");
        assert!(big.is_empty());
    }

    #[test]
    fn a_long_list_gets_a_file_of_its_own() {
        let mut s = Shard::default();
        for doc in 0..2000 {
            s.add(super::super::tokens::doc_key_for_test("党员"), doc, 7);
        }
        s.add(super::super::tokens::doc_key_for_test("党费"), 3, 2);
        let (file, big) = s.file(5, Terms::builtin());
        assert_eq!(String::from_utf8(file).unwrap(), "dwgkSearchShard(5,{\"党员\":0,\"党费\":\"DC\"});\n");
        assert_eq!(big.len(), 1);
        assert_eq!(big[0].0, "5-0");
        assert!(big[0].1.starts_with(b"dwgkSearchBig(\"5-0\",\"AHBH") && big[0].1.len() > BIG, "{}", big[0].1.len());
    }
}
