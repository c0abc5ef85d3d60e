//! Tokens of the search index, each one `u64` key (no allocation per token):
//! Chinese bigrams, unigrams (their own shard files, for one-character queries),
//! `DICTIONARY` terms (found while scanning) and ASCII words of up to 11 characters
//! packed in base 37; longer words are kept as strings. A document's tokens are
//! counted in a reusable open-addressing table and come out in order of first
//! appearance (deterministic output), each with its posting value: a BM25 impact
//! and the best field it occurs in (`posting_value`).

use crate::content::vocabulary::{is_cjk, is_cjk_code, DICTIONARY, MAX_SITE_TERMS, MAX_TERM_CHARS};
use std::sync::OnceLock;

/// Longest word kept (longer ones are cut, as in search.js).
pub const MAX_WORD: usize = 40;
/// Longest word packed into a key (37^11 < 2^62).
const PACKED_WORD: usize = 11;

const KIND: u64 = 3 << 62;
const UNI: u64 = 0;
const BI: u64 = 1 << 62;
const DICT: u64 = 2 << 62;
const WORD: u64 = 3 << 62;

fn key_char(x: u64) -> char {
    char::from_u32((x & 0x1f_ffff) as u32).unwrap_or('\u{fffd}')
}

fn pack_word(w: &[u8]) -> u64 {
    let mut k = 0u64;
    for i in 0..PACKED_WORD {
        let d = match w.get(i) {
            None => 0,
            Some(b @ b'0'..=b'9') => (b - b'0') as u64 + 1,
            Some(b) => (b - b'a') as u64 + 11,
        };
        k = k * 37 + d;
    }
    WORD | k
}

/// The token's text (UTF-8) appended to `out`.
pub fn key_text(k: u64, terms: &Terms, out: &mut Vec<u8>) {
    let mut buf = [0u8; 16];
    out.extend_from_slice(key_bytes(k, terms, &mut buf));
}

/// The token's text (UTF-8), in `buf` unless it is a dictionary term.
fn key_bytes<'a>(k: u64, terms: &'a Terms, buf: &'a mut [u8; 16]) -> &'a [u8] {
    match k & KIND {
        UNI => key_char(k).encode_utf8(buf).as_bytes(),
        BI => {
            let n = key_char(k >> 21).encode_utf8(&mut buf[..4]).len();
            let m = key_char(k).encode_utf8(&mut buf[n..n + 4]).len();
            &buf[..n + m]
        }
        DICT => terms.text[(k & 0xffff) as usize].as_bytes(),
        _ => {
            let mut n = k & !KIND;
            let mut len = 0;
            for i in (0..PACKED_WORD).rev() {
                let d = (n % 37) as u8;
                n /= 37;
                if d > 0 {
                    buf[i] = if d <= 10 { b'0' + d - 1 } else { b'a' + d - 11 };
                    len += 1;
                }
            }
            &buf[..len]
        }
    }
}

/// FNV-1a (32 bit) over code points: a token's shard is `hash & (shards - 1)`
/// (search.js hashes the query tokens the same way).
pub fn fnv(text: &str) -> u32 {
    text.chars().fold(0x811c_9dc5, |h, c| step(h, c as u32))
}

fn step(h: u32, c: u32) -> u32 {
    (h ^ c).wrapping_mul(0x0100_0193)
}

pub fn key_hash(k: u64, terms: &Terms) -> u32 {
    const SEED: u32 = 0x811c_9dc5;
    match k & KIND {
        UNI => step(SEED, (k & 0x1f_ffff) as u32),
        BI => step(step(SEED, (k >> 21 & 0x1f_ffff) as u32), (k & 0x1f_ffff) as u32),
        DICT => terms.hashes[(k & 0xffff) as usize],
        _ => key_bytes(k, terms, &mut [0u8; 16]).iter().fold(SEED, |h, &b| step(h, b as u32)),
    }
}

/// Postings of a run of documents by shard (`hash & mask`, plus `mask + 1` for a
/// unigram: unigrams have shard files of their own): `keys[shard]` holds (key,
/// document, posting value) in document order; `long` the words too long to pack,
/// with their shard.
pub struct Buckets {
    pub keys: Vec<Vec<(u64, u32, u32)>>,
    pub long: Vec<(u32, Box<str>, u32, u32)>,
}

impl Buckets {
    pub fn new(shards: usize) -> Buckets {
        Buckets { keys: vec![Vec::new(); 2 * shards], long: Vec::new() }
    }

    /// Empties every list, keeping its room for the next block.
    pub fn clear(&mut self) {
        self.keys.iter_mut().for_each(Vec::clear);
        self.long.clear();
    }
}

/// The dictionary of a build: the built-in terms, then the site's own
/// (`[search] dictionary`), each counted as a whole token. Found while scanning by
/// their last character: `by_last[c & 1023]` lists the terms whose last character
/// falls there.
pub struct Terms {
    pub text: Vec<String>,
    hashes: Vec<u32>,
    chars: Vec<Vec<u32>>,
    by_last: Vec<Vec<u16>>,
    /// Bit `pair_bit(a, b)` set when some term ends in the characters a, b (every
    /// term has three or more): most characters are passed over at one test.
    pair_bits: [u64; 64],
}

fn pair_bit(a: u32, b: u32) -> usize {
    (a.wrapping_mul(0x9e37_79b1) ^ b) as usize & 4095
}

impl Terms {
    /// The built-in terms and `site`'s (config.rs has checked them: 3 to `MAX_TERM_CHARS`
    /// Chinese characters, at most `MAX_SITE_TERMS`); repeats are dropped.
    pub fn new(site: &[String]) -> Terms {
        let mut text: Vec<String> = DICTIONARY.iter().map(|t| t.to_string()).collect();
        for t in site.iter().take(MAX_SITE_TERMS) {
            let n = t.chars().count();
            if !text.contains(t) && (3..=MAX_TERM_CHARS).contains(&n) && t.chars().all(is_cjk) {
                text.push(t.clone());
            }
        }
        let chars: Vec<Vec<u32>> = text.iter().map(|t| t.chars().map(u32::from).collect()).collect();
        let mut by_last = vec![Vec::new(); 1024];
        let mut pair_bits = [0u64; 64];
        for (i, t) in chars.iter().enumerate() {
            let n = t.len();
            by_last[t[n - 1] as usize & 1023].push(i as u16);
            let p = pair_bit(t[n - 2], t[n - 1]);
            pair_bits[p >> 6] |= 1 << (p & 63);
        }
        Terms { hashes: text.iter().map(|t| fnv(t)).collect(), text, chars, by_last, pair_bits }
    }

    /// The built-in terms alone.
    pub fn builtin() -> &'static Terms {
        static T: OnceLock<Terms> = OnceLock::new();
        T.get_or_init(|| Terms::new(&[]))
    }
}

const _: () = assert!(DICTIONARY.len() + MAX_SITE_TERMS <= 0xffff);
const TF_MAX: u32 = 1 << 20;

fn slot_of(key: u64, mask: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & mask
}

/// Counts the tokens of documents; one per thread, reused.
#[derive(Default)]
pub struct Counter {
    /// Open addressing: `keys[i]` (0 = empty) with `vals[i]` the raw value (`mark`);
    /// apart, so the probed keys of a document's table stay in the first-level
    /// cache. A document uses the first `mask + 1` slots.
    keys: Vec<u64>,
    vals: Vec<u32>,
    mask: usize,
    order: Vec<u32>,
    long: Vec<(Box<str>, u32)>,
    /// Per dictionary term: the `pos` after its last counted occurrence in a text.
    term_end: Vec<usize>,
}

impl Counter {
    /// Empties the table, sized for a text of `bytes` (it grows when needed).
    fn reset(&mut self, bytes: usize) {
        for &s in &self.order {
            self.keys[s as usize] = 0;
        }
        self.order.clear();
        self.long.clear();
        let size = bytes.next_power_of_two().max(256);
        if self.keys.len() < size {
            self.keys = vec![0; size];
            self.vals = vec![0; size];
        }
        self.mask = size - 1;
    }

    /// Doubles the slots in use (more than three quarters full), keeping the order.
    fn grow(&mut self) {
        let old: Vec<(u64, u32)> = self.order.iter().map(|&s| (self.keys[s as usize], self.vals[s as usize])).collect();
        for &s in &self.order {
            self.keys[s as usize] = 0;
        }
        self.mask = self.mask * 2 + 1;
        if self.keys.len() <= self.mask {
            self.keys = vec![0; self.mask + 1];
            self.vals = vec![0; self.mask + 1];
        }
        for (s, (key, val)) in self.order.iter_mut().zip(old) {
            let mut i = slot_of(key, self.mask);
            while self.keys[i] != 0 {
                i = (i + 1) & self.mask;
            }
            (self.keys[i], self.vals[i]) = (key, val);
            *s = i as u32;
        }
    }

    #[inline(always)]
    fn add(&mut self, key: u64, field: Field) {
        if (self.order.len() + 1) * 4 > (self.mask + 1) * 3 {
            self.grow();
        }
        let mask = self.mask;
        let mut i = slot_of(key, mask);
        loop {
            let k = self.keys[i];
            if k == key {
                break;
            }
            if k == 0 {
                (self.keys[i], self.vals[i]) = (key, 0);
                self.order.push(i as u32);
                break;
            }
            i = (i + 1) & mask;
        }
        mark(&mut self.vals[i], field);
    }

    fn add_word(&mut self, w: &[u8], field: Field) {
        if w.len() <= PACKED_WORD {
            return self.add(pack_word(w), field);
        }
        let w = std::str::from_utf8(w).expect("ASCII");
        match self.long.iter_mut().find(|(x, _)| &**x == w) {
            Some((_, v)) => mark(v, field),
            None => {
                let mut v = 0;
                mark(&mut v, field);
                self.long.push((w.into(), v));
            }
        }
    }

    /// Adds the tokens of `text`: unigrams, bigrams, dictionary terms and words.
    /// Full-width ASCII is read as ASCII and letters as lower case, as search.js
    /// folds a query. In the body, a token that ends within the first `HEAD_CHARS`
    /// characters (the part `d/<id>.js` carries) is marked as in the head.
    fn scan(&mut self, text: &str, field: Field, terms: &Terms) {
        use super::HEAD_CHARS;
        let body = matches!(field, Field::Body | Field::BodyHead);
        // The field of a token whose last character is character `end` of the text.
        let at = |end: usize| {
            if body && end < HEAD_CHARS {
                Field::BodyHead
            } else if body {
                Field::Body
            } else {
                field
            }
        };
        let mut term_end = std::mem::take(&mut self.term_end);
        term_end.clear();
        term_end.resize(terms.text.len(), 0);
        let mut recent = [0u32; MAX_TERM_CHARS]; // the last Chinese characters, by `pos`
        let mut prev = 0u64; // the Chinese character before this one in the run
        let mut pos = 0usize; // Chinese characters seen
        let mut run = 0usize; // of them in the current run
        let mut word = [0u8; MAX_WORD];
        let mut wlen = 0usize; // > 0 inside a word
        let mut seen = 0usize; // characters of the text
        for (i, c) in text.chars().enumerate() {
            seen = i + 1;
            let mut c = c as u32;
            if !is_cjk_code(c) {
                if (0xff01..=0xff5e).contains(&c) {
                    c -= 0xfee0; // full-width ASCII
                }
                run = 0;
                if c < 0x80 && (c as u8).is_ascii_alphanumeric() {
                    if wlen < MAX_WORD {
                        word[wlen] = (c as u8).to_ascii_lowercase();
                    }
                    wlen = (wlen + 1).min(MAX_WORD);
                } else if wlen > 0 {
                    self.add_word(&word[..wlen], at(i - 1));
                    wlen = 0;
                }
                continue;
            }
            if wlen > 0 {
                self.add_word(&word[..wlen], at(i - 1));
                wlen = 0;
            }
            let field = at(i);
            let c64 = c as u64;
            self.add(UNI | c64, field);
            let pair = if run > 0 {
                self.add(BI | prev << 21 | c64, field);
                pair_bit(prev as u32, c)
            } else {
                usize::MAX
            };
            prev = c64;
            recent[pos % MAX_TERM_CHARS] = c;
            pos += 1;
            run += 1;
            if pair == usize::MAX || terms.pair_bits[pair >> 6] & 1 << (pair & 63) == 0 {
                continue;
            }
            for &t in &terms.by_last[c as usize & 1023] {
                let (chars, t) = (&terms.chars[t as usize], t as usize);
                let n = chars.len();
                if n <= run && pos - n >= term_end[t] && chars.iter().rev().enumerate().all(|(j, x)| *x == recent[(pos - 1 - j) % MAX_TERM_CHARS]) {
                    term_end[t] = pos;
                    self.add(DICT | t as u64, field);
                }
            }
        }
        if wlen > 0 {
            // Ends with the text.
            self.add_word(&word[..wlen], at(seen - 1));
        }
        self.term_end = term_end;
    }

    /// Counts one document (its title, the text of its headings and its body) and
    /// appends its postings to `out`, each token in order of first appearance.
    /// `avg_len`: the average body length (bytes) BM25 normalises against.
    #[allow(clippy::too_many_arguments)]
    pub fn count_into(&mut self, title: &str, headings: &str, body: &str, doc: u32, terms: &Terms, mask: u32, avg_len: f32, out: &mut Buckets) {
        self.reset(title.len() + body.len());
        self.scan(title, Field::Title, terms);
        self.scan(headings, Field::Heading, terms);
        self.scan(body, Field::BodyHead, terms);
        let norm = Norm::new(body.len() as f32 / avg_len.max(1.0));
        let title = title_key(title);
        let mut buf = [0u8; 16];
        for &s in &self.order {
            let (key, raw) = (self.keys[s as usize], self.vals[s as usize]);
            let text = if raw & TITLE != 0 { key_bytes(key, terms, &mut buf) } else { &[] };
            let shard = key_hash(key, terms) & mask;
            let shard = if key & KIND == UNI { shard + mask + 1 } else { shard };
            out.keys[shard as usize].push((key, doc, posting_value(raw, text, &title, norm)));
        }
        for (w, raw) in self.long.drain(..) {
            out.long.push((fnv(&w) & mask, w.clone(), doc, posting_value(raw, w.as_bytes(), &title, norm)));
        }
    }
}

/// Where a token is seen. Body occurrences are counted (the rendered body holds the
/// headings too); the title, headings and the body's head only set a flag.
#[derive(Clone, Copy)]
enum Field {
    Title,
    Heading,
    /// The body past its first `HEAD_CHARS` characters.
    Body,
    /// The body's first `HEAD_CHARS` characters (the head in `d/<id>.js`).
    BodyHead,
}

/// Raw value while counting: `tf << TF_SHIFT | HEAD | HEADING | TITLE`.
const TITLE: u32 = 1;
const HEADING: u32 = 2;
const HEAD: u32 = 4;
const TF_SHIFT: u32 = 3;

fn mark(v: &mut u32, field: Field) {
    match field {
        Field::Title => *v |= TITLE,
        Field::Heading => *v |= HEADING,
        Field::Body | Field::BodyHead if *v >> TF_SHIFT >= TF_MAX => {}
        Field::Body => *v += 1 << TF_SHIFT,
        Field::BodyHead => *v = (*v + (1 << TF_SHIFT)) | HEAD,
    }
}

/// BM25 parameters: term-frequency saturation and length normalisation, chosen on
/// the ranking fixtures (docs/search.md): `B` well under the usual 0.75, since a
/// site's rule-setting notices are long (0.4 or more puts a one-line mention on a
/// short record above them), but over 0.3 (a short page defining a term must beat
/// a long section naming it a few times); `K1` over the usual 1.2 so more
/// occurrences count for a little more.
pub const K1: f32 = 2.0;
const B: f32 = 0.35;
/// Steps of the quantised BM25 term-frequency part (search.js divides by it; with
/// the level, a value stays under 1024: two characters of the posting code).
pub const IMPACT: u32 = 145;
/// Field levels, best last: body past the head, body in the head, heading past the
/// head, heading in the head, title contains, title starts with, title is the token
/// (search.js weights them; "in the head": some occurrence ends within the part of
/// the text `d/<id>.js` carries, so the snippet needs no `e/<id>.js`).
pub const LEVELS: u32 = 7;
/// What a query adds per token for the best field it is in, by level (body, heading
/// — each past the head, then in it — title contains, starts with, is the token);
/// then a title that starts with the query's first token and has every token gets
/// `LEADS`, and an expired page's score is multiplied by `EXPIRED`. search.js reads
/// these from meta.js (`rank`); the tiers of a common token are cut by them.
pub const FIELD: [f64; LEVELS as usize] = [0.0, 0.0, 1.0, 1.0, 3.0, 3.5, 7.0];
pub const LEADS: f64 = 1000.0;
pub const EXPIRED: f64 = 0.5;

/// The title as a query is matched against it: Chinese characters, ASCII letters
/// (lower case) and digits, full-width ASCII folded; everything else dropped.
fn title_key(title: &str) -> String {
    title
        .chars()
        .map(|c| match c as u32 {
            x @ 0xff01..=0xff5e => char::from_u32(x - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || is_cjk(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

const _: () = assert!(IMPACT * LEVELS + LEVELS <= 1024);

/// A title token starting within this many characters of the title is what the page
/// is about: its impact is a length prior, not the body's count (`posting_value`).
const TITLE_HEAD: usize = 8;

/// BM25's length normalisation `k1 (1 - b + b len / avg)` of one document: for body
/// tokens with `B`, for title tokens with b = 1 (see `posting_value`).
#[derive(Clone, Copy)]
struct Norm {
    body: f32,
    title: f32,
}

impl Norm {
    fn new(len_over_avg: f32) -> Norm {
        Norm { body: K1 * (1.0 - B + B * len_over_avg), title: K1 * len_over_avg }
    }
}

/// A posting's value: `impact * LEVELS + level`. Impact: BM25's term-frequency
/// part `tf (k1 + 1) / (tf + k1 (1 - b + b len / avg))` over `k1 + 1`, in `IMPACT`
/// steps (0: not in the body). Level: 6 the (normalised) title is the token, 5 it
/// starts with it, 4 contains it, 2 a heading does, 0 the body only; plus 1 for a
/// heading or body token that is in the head of the text.
fn posting_value(raw: u32, text: &[u8], title: &str, norm: Norm) -> u32 {
    let tf = (raw >> TF_SHIFT) as f32;
    // A token in the title's first TITLE_HEAD characters: the title says the page is
    // about it, so the body's count no longer matters, only how focused the page is
    // (the title as one occurrence, b = 1): among pages titled with a common term the
    // short one wins, not the long one repeating it 40 times (docs/search.md "Ranking").
    // Only for title tokens: this runs for every posting (96M at 100k pages).
    let leads = raw & TITLE != 0 && std::str::from_utf8(text).ok().and_then(|t| title.find(t)).is_some_and(|at| title[..at].chars().count() < TITLE_HEAD);
    let (tf, norm) = if leads { (1.0, norm.title) } else { (tf, norm.body) };
    let impact = if tf == 0.0 { 0 } else { ((tf / (tf + norm) * IMPACT as f32).ceil() as u32).clamp(1, IMPACT) };
    let head = u32::from(raw & HEAD != 0);
    let level = if raw & TITLE != 0 {
        if title.as_bytes() == text {
            6
        } else if title.as_bytes().starts_with(text) {
            5
        } else {
            4
        }
    } else if raw & HEADING != 0 {
        2 + head
    } else {
        head
    };
    impact * LEVELS + level
}

/// The tokens of one document as text: `(token, posting value)`, sorted.
pub fn doc_tokens(title: &str, body: &str) -> Vec<(String, u32)> {
    doc_tokens_with(title, "", body, Terms::builtin())
}

/// `doc_tokens` with headings and a site's dictionary (average length: this body's).
pub fn doc_tokens_with(title: &str, headings: &str, body: &str, terms: &Terms) -> Vec<(String, u32)> {
    let mut b = Buckets::new(1);
    Counter::default().count_into(title, headings, body, 0, terms, 0, body.len() as f32, &mut b);
    let mut out: Vec<(String, u32)> = b
        .keys
        .iter()
        .flatten()
        .map(|&(key, _, val)| {
            let mut t = Vec::new();
            key_text(key, terms, &mut t);
            (String::from_utf8(t).expect("UTF-8"), val)
        })
        .chain(b.long.into_iter().map(|(_, w, _, v)| (w.into(), v)))
        .collect();
    out.sort();
    out
}

/// The key of an ASCII word of up to 11 characters (tests of the shard files).
#[cfg(test)]
pub fn pack_word_for_test(word: &str) -> u64 {
    pack_word(word.as_bytes())
}

/// The key of a two-character token (tests of the shard files).
#[cfg(test)]
pub fn doc_key_for_test(bigram: &str) -> u64 {
    let mut cs = bigram.chars();
    BI | (cs.next().expect("two") as u64) << 21 | cs.next().expect("two") as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Raw counts of one document (`tf << TF_SHIFT | HEAD | HEADING | TITLE`) by token text.
    fn raw(title: &str, headings: &str, body: &str, terms: &Terms) -> Vec<(String, u32)> {
        let mut c = Counter::default();
        c.reset(title.len() + body.len());
        c.scan(title, Field::Title, terms);
        c.scan(headings, Field::Heading, terms);
        c.scan(body, Field::BodyHead, terms);
        let mut out: Vec<(String, u32)> = c
            .order
            .iter()
            .map(|&s| {
                let mut t = Vec::new();
                key_text(c.keys[s as usize], terms, &mut t);
                (String::from_utf8(t).unwrap(), c.vals[s as usize])
            })
            .chain(c.long.iter().map(|(w, v)| (w.to_string(), *v)))
            .collect();
        out.sort();
        out
    }

    fn tf(t: &[(String, u32)], k: &str) -> Option<u32> {
        t.iter().find(|(x, _)| x == k).map(|(_, v)| *v >> TF_SHIFT)
    }

    #[test]
    fn chinese_is_unigrams_bigrams_and_dictionary_terms() {
        let t = raw("党费", "", "2024年党费收缴，三会一课。", Terms::builtin());
        let has = |k: &str| t.iter().find(|(x, _)| x == k).map(|(_, v)| *v);
        assert_eq!(has("党费"), Some(1 << TF_SHIFT | HEAD | TITLE), "in title and body");
        assert_eq!(has("党"), Some(1 << TF_SHIFT | HEAD | TITLE));
        assert_eq!(has("收"), Some(1 << TF_SHIFT | HEAD), "body unigrams too (one-character queries)");
        assert_eq!(has("2024"), Some(1 << TF_SHIFT | HEAD));
        assert_eq!(has("年党"), Some(1 << TF_SHIFT | HEAD), "bigrams run across word boundaries");
        assert_eq!(has("三会一课"), Some(1 << TF_SHIFT | HEAD), "dictionary term");
        assert_eq!(has("党费收缴"), Some(1 << TF_SHIFT | HEAD));
        assert_eq!(has("缴三"), None, "punctuation separates runs");
    }

    #[test]
    fn dictionary_terms_are_counted_without_overlap_and_within_runs() {
        let t = raw("", "", "党小组会党小组会，党小组a会 批评与自我批评与自我批评", Terms::builtin());
        assert_eq!(tf(&t, "党小组会"), Some(2));
        assert_eq!(tf(&t, "党小组"), Some(3));
        assert_eq!(tf(&t, "批评与自我批评"), Some(1), "non-overlapping, as str::matches counts");
    }

    #[test]
    fn a_site_dictionary_adds_whole_terms_and_drops_repeats() {
        let site = ["警示教育", "三会一课", "警示教育", "结对共建", "两个", "abc党员"].map(String::from);
        let terms = Terms::new(&site);
        assert_eq!(&terms.text[DICTIONARY.len()..], ["警示教育", "结对共建"], "built-in, repeated and unusable terms dropped");
        let t = raw("", "", "开展警示教育，警示教育月；结对 共建", &terms);
        assert_eq!(tf(&t, "警示教育"), Some(2));
        assert_eq!(tf(&t, "结对共建"), None, "a term is counted only within one run of characters");
        assert_eq!(tf(&t, "三会一课"), None);
        assert_eq!(doc_tokens("", "警示教育").iter().filter(|(x, _)| x == "警示教育").count(), 0, "not a built-in term");
    }

    #[test]
    fn posting_values_are_field_level_and_bm25_impact() {
        let terms = Terms::builtin();
        let v = |title: &str, headings: &str, body: &str, k: &str| {
            let t = doc_tokens_with(title, headings, body, terms);
            let v = t.iter().find(|(x, _)| x == k).map(|(_, v)| *v).unwrap_or_else(|| panic!("{k} in {t:?}"));
            (v / LEVELS, v % LEVELS)
        };
        assert_eq!(v("《意识形态》", "", "意识形态", "意识形态").1, 6, "the title is the term (punctuation aside)");
        let (prior, level) = v("意识形态工作", "", "", "意识形态");
        assert_eq!(level, 5, "title starts with it");
        assert!(prior > 0, "a term leading the title: a length prior, even when not in the body");
        assert_eq!(v("落实意识形态工作情况报告", "", "", "报告").0, 0, "past the title's head: the body's count");
        assert_eq!(v("落实意识形态工作", "", "", "意识形态").1, 4);
        assert_eq!(v("通知", "一、意识形态", "一、意识形态", "意识形态").1, 3, "a heading, in the head");
        assert_eq!(v("通知", "", "意识形态", "意识形态").1, 1, "the body's head");
        assert_eq!(v("ＰＤＦ", "", "", "pdf").1, 6, "full-width title folded");
        // BM25: more occurrences score higher, saturating; a long body lowers the impact.
        let once = v("", "", "党费", "党费").0;
        let thrice = v("", "", "党费，党费，党费", "党费").0;
        assert!(0 < once && once < thrice && thrice <= IMPACT, "{once} {thrice}");
        let short = posting_value(1 << TF_SHIFT, b"", "", Norm::new(0.5));
        let long = posting_value(1 << TF_SHIFT, b"", "", Norm::new(10.0));
        assert!(long < short, "{long} {short}");
    }

    #[test]
    fn the_head_flag_says_whether_a_body_token_ends_in_the_first_part_of_the_text() {
        use super::super::HEAD_CHARS;
        let terms = Terms::builtin();
        let level = |headings: &str, body: &str, k: &str| {
            let t = doc_tokens_with("通知", headings, body, terms);
            t.iter().find(|(x, _)| x == k).map(|(_, v)| *v % LEVELS).unwrap_or_else(|| panic!("{k}"))
        };
        let pad = "。".repeat(HEAD_CHARS - 2);
        // 党费 ends at character HEAD_CHARS - 1: the last one the head carries.
        assert_eq!(level("", &format!("{pad}党费"), "党费"), 1);
        assert_eq!(level("", &format!("{pad}。党费"), "党费"), 0, "ends one past the head");
        assert_eq!(level("", &format!("{pad}。党费"), "党"), 1, "党 alone still ends in the head");
        assert_eq!(level("", &format!("{pad}。党费 党费"), "党费"), 0);
        assert_eq!(level("", &format!("党费{pad}。党费"), "党费"), 1, "one occurrence in the head is enough");
        assert_eq!(level("党费", &format!("{pad}。党费"), "党费"), 2, "a heading past the head");
        assert_eq!(level("党费", "党费", "党费"), 3);
        // A word ends before the character after it; at the text's end, with it.
        assert_eq!(level("", &format!("{pad}ab。"), "ab"), 1);
        assert_eq!(level("", &format!("{pad}ab"), "ab"), 1);
        assert_eq!(level("", &format!("{pad}。ab"), "ab"), 0);
        assert_eq!(level("", &format!("{pad}。ab。"), "ab"), 0);
    }

    #[test]
    fn ascii_is_folded_words_packed_or_long() {
        let t = doc_tokens("", "ＰＤＦ 版 Word2024 and Q1 z 0 abcdefghijk abcdefghijkl 9zz9");
        let words: Vec<&str> = t.iter().map(|(x, _)| x.as_str()).filter(|x| x.is_ascii()).collect();
        assert_eq!(words, vec!["0", "9zz9", "abcdefghijk", "abcdefghijkl", "and", "pdf", "q1", "word2024", "z"]);
        let long = "x".repeat(50);
        assert_eq!(doc_tokens("", &long)[0].0, "x".repeat(MAX_WORD));
    }

    #[test]
    fn hash_is_fnv1a_of_code_points() {
        // Same numbers as search.js (FNV-1a 32 over code points).
        assert_eq!(fnv("a"), 0xe40c292c);
        assert_eq!(fnv("党费"), 0x094a_1f9c);
        let t = Terms::builtin();
        assert_eq!(key_hash(BI | ('党' as u64) << 21 | '费' as u64, t), fnv("党费"));
        assert_eq!(key_hash(UNI | '党' as u64, t), fnv("党"));
        assert_eq!(key_hash(DICT | 1, t), fnv("主题党日"));
        assert_eq!(key_hash(pack_word(b"q1"), t), fnv("q1"));
    }
}
