//! Helpers over a clause as a slice of characters: a word at or before a
//! position, the count of meaningful characters.

pub(super) fn meaningful(s: &[char]) -> usize {
    s.iter().filter(|c| !c.is_whitespace()).count()
}

pub(super) fn at(s: &[char], i: usize, w: &str) -> bool {
    let mut j = i;
    w.chars().all(|c| {
        let ok = s.get(j) == Some(&c);
        j += 1;
        ok
    })
}

pub(super) fn before(s: &[char], i: usize, w: &str) -> bool {
    let n = w.chars().count();
    i >= n && at(s, i - n, w)
}
