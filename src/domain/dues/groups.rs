//! Small groups in public disclosures: a row (a category, a bracket) of fewer than
//! `min` members would single people out, so it is merged into a neighbour until
//! every shown row has at least `min` members (and, where anyone is judged, at least
//! `min` judged ones, so an 应缴 sum is never one person's). Rows are merged, never
//! hidden: a hidden row would be the total minus the shown ones.

use super::tally::Tally;

/// Contiguous runs of `sizes` (each `(members, judged)`), every run big enough
/// unless all of them together are not (then one run). Greedy: the smallest small
/// run joins its smaller neighbour (the lower one on a tie), until none is small.
pub(super) fn merge_runs(sizes: &[(u32, u32)], min: u32) -> Vec<std::ops::Range<usize>> {
    let small = |(members, judged): (u32, u32)| members < min || (judged > 0 && judged < min);
    let mut runs: Vec<(std::ops::Range<usize>, (u32, u32))> = sizes.iter().enumerate().map(|(i, &s)| (i..i + 1, s)).collect();
    while runs.len() > 1 {
        let Some(i) = (0..runs.len()).filter(|&i| small(runs[i].1)).min_by_key(|&i| (runs[i].1 .0, i)) else { break };
        let j = match (i.checked_sub(1), (i + 1 < runs.len()).then_some(i + 1)) {
            (Some(a), Some(b)) => {
                if runs[b].1 .0 < runs[a].1 .0 {
                    b
                } else {
                    a
                }
            }
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        let (lo, hi) = (i.min(j), i.max(j));
        let (b, sb) = runs.remove(hi);
        let (a, sa) = &mut runs[lo];
        *a = a.start..b.end;
        *sa = (sa.0 + sb.0, sa.1 + sb.1);
    }
    runs.into_iter().map(|(r, _)| r).collect()
}

/// Whether a tally may be shown with its amounts.
pub(super) fn big_enough(t: &Tally, min: u32) -> (bool, bool) {
    let members = t.members >= min;
    (members, members && (t.judged == 0 || t.judged >= min))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (start, end) of each run.
    fn runs(sizes: &[u32]) -> Vec<(usize, usize)> {
        pairs(merge_runs(&sizes.iter().map(|&m| (m, m)).collect::<Vec<_>>(), 3))
    }

    fn pairs(runs: Vec<std::ops::Range<usize>>) -> Vec<(usize, usize)> {
        runs.into_iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn small_rows_join_their_smaller_neighbour() {
        assert_eq!(runs(&[5, 4, 3]), [(0, 1), (1, 2), (2, 3)], "nothing small");
        assert_eq!(runs(&[5, 1, 4]), [(0, 1), (1, 3)], "into the smaller neighbour");
        assert_eq!(runs(&[4, 1, 4]), [(0, 2), (2, 3)], "the lower one on a tie");
        assert_eq!(runs(&[1, 5]), [(0, 2)]);
        assert_eq!(runs(&[5, 1]), [(0, 2)]);
        assert_eq!(runs(&[1, 1, 1, 6]), [(0, 3), (3, 4)], "small ones gather first");
        assert_eq!(runs(&[2]), [(0, 1)], "too few altogether: one run, still small");
        assert_eq!(runs(&[1, 1]), [(0, 2)]);
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn judged_counts_matter_too() {
        // 3 members but only 1 judged: its 应缴 sum would be one person's.
        assert_eq!(pairs(merge_runs(&[(3, 1), (4, 4)], 3)), [(0, 2)]);
        // Nobody judged: no 应缴 to give away.
        assert_eq!(pairs(merge_runs(&[(3, 0), (4, 4)], 3)), [(0, 1), (1, 2)]);
    }
}
