//! Tiers of a very common token's postings (docs/search.md, "Very common tokens"):
//! a list longer than `TIER_BYTES` is not loaded whole by a query. Its own file
//! holds its best postings (by the score a query for the token alone gives them),
//! enough for the first pages of results, with its document count and the value
//! of its best posting left out; a second file holds which documents have the token
//! at all (no values), in the smallest of three codes, loaded when a query needs
//! the exact set (several tokens, a filter) and its size allows.

use super::code::{bitset, deltas, digit, vlq};
use super::tokens::{FIELD, IMPACT, K1, LEADS, LEVELS};

/// Bytes of postings code past which a list is cut to its best postings.
pub const TIER_BYTES: usize = 4 * 1024;
/// Postings a cut list keeps (about 2 KB): the first 51 pages of a one-token query,
/// and the values of the best documents for a query of several.
pub const TIER_POSTINGS: usize = 512;

/// What the tiers need to know of the site: the documents' count and which are
/// expired (their score is halved, `EXPIRED`).
pub struct Docs<'a> {
    pub count: usize,
    pub expired: &'a [bool],
}

/// A long list cut: the code of its best postings (in document order), its
/// document count, the value standing for the postings left out (the best of them),
/// and the membership file's code (`[kind, "code"]`, see `membership`).
pub struct Tier {
    pub code: Vec<u8>,
    pub df: usize,
    pub floor: u32,
    pub members: Vec<u8>,
}

/// The (document, value) pairs of a postings code (delta-coded documents).
pub fn decode(code: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(code.len() / 3);
    let (mut n, mut shift, mut doc, mut pending) = (0u32, 0u32, 0u32, None);
    for &c in code {
        let d = digit(c).expect("postings code");
        n |= (d & 31) << shift;
        if d & 32 != 0 {
            shift += 5;
            continue;
        }
        match pending.take() {
            None => {
                doc += n;
                pending = Some(doc);
            }
            Some(at) => out.push((at, n)),
        }
        (n, shift) = (0, 0);
    }
    out
}

/// The score a query for this token alone gives a posting, as search.js computes
/// it (`points`, the +`LEADS` of a title that starts with the query, an expired
/// page halved): what the tier keeps the best of.
fn score(value: u32, idf: f64, expired: bool) -> f64 {
    let (impact, level) = (value / LEVELS, value % LEVELS);
    let points = impact as f64 / IMPACT as f64 * (K1 as f64 + 1.0) + FIELD[level as usize];
    let score = idf * points + if level >= 5 { LEADS } else { 0.0 };
    if expired {
        score * super::tokens::EXPIRED
    } else {
        score
    }
}

/// The tier of a list longer than `TIER_BYTES`: its best `TIER_POSTINGS` postings
/// (ties to the higher, newer document, as search.js orders them).
pub fn cut(code: &[u8], docs: &Docs) -> Tier {
    let all = decode(code);
    let df = all.len();
    let n = docs.count as f64;
    let idf = (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
    let keep = TIER_POSTINGS.min(df);
    let expired = |doc: u32| docs.expired.get(doc as usize).copied().unwrap_or(false);
    let keys: Vec<f64> = all.iter().map(|&(doc, value)| score(value, idf, expired(doc))).collect();
    // Best first, ties to the higher document (postings are in document order).
    let better = |a: &usize, b: &usize| keys[*b].total_cmp(&keys[*a]).then(b.cmp(a));
    let mut order: Vec<usize> = (0..df).collect();
    // Only the best `keep` and the next one are needed in order: linear, not a sort
    // of every posting (at 100k pages the cut lists hold most of 96M postings).
    if keep < df {
        order.select_nth_unstable_by(keep, better);
    }
    let floor = order.get(keep).map_or(0, |&i| all[i].1);
    let mut best: Vec<usize> = order[..keep].to_vec();
    best.sort_unstable();
    let mut out = Vec::with_capacity(keep * 4);
    let mut last = 0;
    for i in best {
        let (doc, value) = all[i];
        vlq(&mut out, doc - last);
        vlq(&mut out, value);
        last = doc;
    }
    let members = membership(all.iter().map(|p| p.0), df, docs.count);
    Tier { code: out, df, floor, members }
}

/// Which documents have the token, in the smallest of: `[0, "…"]` the documents
/// (delta-coded), `[1, "…"]` the documents without it (delta-coded), `[2, "…"]` a
/// bitset over every document (six a character).
fn membership(with: impl Iterator<Item = u32> + Clone, df: usize, count: usize) -> Vec<u8> {
    let has = || {
        let mut has = vec![false; count];
        with.clone().for_each(|d| has.get_mut(d as usize).into_iter().for_each(|h| *h = true));
        has
    };
    // A list costs at least a character a document, a bitset one per six: the
    // lists are only worth making when shorter, and the bitset is made last, only
    // when chosen (a very common token is in up to every document).
    let best = if df < count / 6 {
        Some((0, deltas(with.clone())))
    } else if count - df < count / 6 {
        let has = has();
        Some((1, deltas((0..count as u32).filter(|&d| !has[d as usize]))))
    } else {
        None
    };
    let (kind, code) = match best {
        Some((kind, code)) if code.len() <= count.div_ceil(6) => (kind, code),
        _ => (2, bitset(has().into_iter()).into_bytes()),
    };
    let mut out = format!("[{kind},\"").into_bytes();
    out.extend_from_slice(&code);
    out.extend_from_slice(b"\"]");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(postings: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut last = 0;
        for &(d, v) in postings {
            vlq(&mut out, d - last);
            vlq(&mut out, v);
            last = d;
        }
        out
    }

    #[test]
    fn decode_reads_back_the_postings_code() {
        let p = [(0, 7), (3, 1000), (40, 12), (100_000, 5)];
        assert_eq!(decode(&code(&p)), p);
    }

    #[test]
    fn a_tier_keeps_the_best_postings_in_document_order_and_their_floor() {
        // 10,000 documents; the token in every other one; the title starts with it
        // in every 97th (level 5), the others body only with growing impact.
        let postings: Vec<(u32, u32)> = (0..5000).map(|i| (2 * i, if i % 97 == 0 { 5 } else { (i % 145) * LEVELS })).collect();
        let expired = vec![false; 10_000];
        let t = cut(&code(&postings), &Docs { count: 10_000, expired: &expired });
        let kept = decode(&t.code);
        assert_eq!((kept.len(), t.df), (TIER_POSTINGS, 5000));
        assert!(kept.windows(2).all(|w| w[0].0 < w[1].0), "document order");
        assert!(postings.iter().filter(|p| p.1 == 5).all(|p| kept.contains(p)), "every title hit is kept");
        let worst_kept = kept.iter().filter(|p| p.1 % LEVELS == 0).map(|p| p.1).min().unwrap();
        assert!(t.floor <= worst_kept && t.floor % LEVELS == 0, "the floor is no better than what was kept: {} {worst_kept}", t.floor);
        assert!(!kept.iter().any(|p| p.1 < t.floor && p.1 % LEVELS == 0), "nothing worse than the floor kept");
        assert!(t.code.len() <= TIER_POSTINGS * 4, "{}", t.code.len());
    }

    #[test]
    fn membership_takes_the_smallest_code() {
        let m = |docs: Vec<u32>, count: usize| String::from_utf8(membership(docs.iter().copied(), docs.len(), count)).unwrap();
        assert_eq!(m(vec![1, 5], 1000), "[0,\"BE\"]", "few: the documents");
        assert_eq!(m((0..1000).filter(|&d| d != 3).collect(), 1000), "[1,\"D\"]", "nearly all: the others");
        assert!(m((0..1000).step_by(2).collect(), 1000).starts_with("[2,\"VVVV"), "half: a bitset");
    }
}
