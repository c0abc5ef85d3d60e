//! Postings of one shard file, built as documents stream in (in id order): per
//! token the delta-coded document ids with `tf << 1 | in_title`, already in the
//! file's base-64 code, so the index never holds every posting of the site at once.

use super::tokens::key_text;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

/// Multiplicative hash for the `u64` token keys.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7cc1_b727_220a_95);
    }
    fn finish(&self) -> u64 {
        self.0 ^ self.0 >> 29
    }
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
    ids: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
    long_ids: HashMap<Box<str>, u32>,
    lists: Vec<List>,
    postings: usize,
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
        let lists = &mut self.lists;
        let id = *self.ids.entry(key).or_insert_with(|| {
            lists.push(List { token: Token::Key(key), last: 0, code: Vec::new() });
            lists.len() as u32 - 1
        });
        self.push(id, doc, val);
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

    /// The file `s/<n>.js`. Tokens are Chinese characters or `[0-9a-z]` words: no
    /// JSON escaping needed.
    pub fn file(self, n: usize) -> Vec<u8> {
        let size: usize = self.lists.iter().map(|l| l.code.len() + 16).sum();
        let mut out = Vec::with_capacity(size + 32);
        out.extend_from_slice(format!("dwgkSearchShard({n},{{").as_bytes());
        for (i, l) in self.lists.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            match l.token {
                Token::Key(k) => key_text(k, &mut out),
                Token::Long(w) => out.extend_from_slice(w.as_bytes()),
            }
            out.extend_from_slice(b"\":\"");
            out.extend_from_slice(&l.code);
            out.push(b'"');
        }
        out.extend_from_slice(b"});\n");
        out
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
        assert_eq!(String::from_utf8(s.file(7)).unwrap(), "dwgkSearchShard(7,{\"党费\":\"DClBF\",\"abcdefghijklm\":\"ED\"});\n");
    }
}
