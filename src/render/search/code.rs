//! The base-64 code of the search files (search.js reads it): variable-length
//! numbers for postings and six flags a character for bitsets.

pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

/// Increasing ids as the `vlq`s of their differences (the first from 0).
pub fn deltas(ids: impl Iterator<Item = u32>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last = 0;
    for id in ids {
        vlq(&mut out, id - last);
        last = id;
    }
    out
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

/// The value of one character of the code (`None`: not in `ALPHABET`).
pub fn digit(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some((c - b'A') as u32),
        b'a'..=b'z' => Some((c - b'a') as u32 + 26),
        b'0'..=b'9' => Some((c - b'0') as u32 + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
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
    fn deltas_code_the_differences() {
        let mut want = Vec::new();
        [3, 4, 33].into_iter().for_each(|n| vlq(&mut want, n));
        assert_eq!(deltas([3, 7, 40].into_iter()), want);
    }

    #[test]
    fn digit_inverts_the_alphabet() {
        assert!(ALPHABET.iter().enumerate().all(|(i, &c)| digit(c) == Some(i as u32)));
        assert_eq!(digit(b'='), None);
    }
}
