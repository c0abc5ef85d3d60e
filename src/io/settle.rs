//! Settling: a changed file is used only after it has stayed the same (size and
//! modification time) for `settle` — half-copied files from a Windows share are
//! never built, and a burst of copies becomes one release. Pure: the caller scans
//! and passes the clock in.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// What a scan saw of one file: size and modification time (ns since the epoch).
pub type Stamp = (u64, i128);

/// Every relevant file of the source folder, by `/`-separated relative path.
pub type Snapshot = BTreeMap<String, Stamp>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing differs from what was last built.
    Idle,
    /// Something differs but has not settled; look again at `until`.
    Wait { until: Instant, unsettled: Vec<String> },
    /// Changes have settled: build now.
    Ready { changed: Vec<String> },
}

pub struct Settler {
    settle: Duration,
    seen: Snapshot,
    /// When each path was last seen changing.
    since: HashMap<String, Instant>,
}

/// Paths whose stamp differs between `a` and `b` (added, changed or removed).
pub fn changed_paths(a: &Snapshot, b: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
    out.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    out.sort();
    out
}

impl Settler {
    /// Starts from `first`, the scan the first build reads.
    pub fn new(settle: Duration, first: Snapshot) -> Settler {
        Settler { settle, seen: first, since: HashMap::new() }
    }

    /// The latest scan.
    pub fn current(&self) -> &Snapshot {
        &self.seen
    }

    /// Records a scan taken at `now`.
    pub fn observe(&mut self, scan: Snapshot, now: Instant) {
        for path in changed_paths(&self.seen, &scan) {
            self.since.insert(path, now);
        }
        self.seen = scan;
    }

    /// Compares the latest scan with `built` (what the last build read).
    pub fn decide(&mut self, built: &Snapshot, now: Instant) -> Decision {
        let changed = changed_paths(built, &self.seen);
        self.since.retain(|p, _| changed.contains(p));
        if changed.is_empty() {
            return Decision::Idle;
        }
        let mut until = None::<Instant>;
        let mut unsettled = Vec::new();
        for p in &changed {
            // A difference never observed changing (e.g. the build itself failed
            // to read it) counts as changed now.
            let t = *self.since.entry(p.clone()).or_insert(now) + self.settle;
            if t > now {
                unsettled.push(p.clone());
                until = Some(until.map_or(t, |u| u.max(t)));
            }
        }
        match until {
            Some(until) => Decision::Wait { until, unsettled },
            None => Decision::Ready { changed },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(files: &[(&str, u64, i128)]) -> Snapshot {
        files.iter().map(|(p, s, m)| (p.to_string(), (*s, *m))).collect()
    }

    #[test]
    fn a_file_growing_is_used_only_once_it_stops() {
        let t0 = Instant::now();
        let s = |secs: u64| t0 + Duration::from_secs(secs);
        let built = snap(&[("content/a.md", 10, 1)]);
        let mut st = Settler::new(Duration::from_secs(5), built.clone());
        assert_eq!(st.decide(&built, s(0)), Decision::Idle);
        for (i, size) in [100u64, 200, 300].iter().enumerate() {
            st.observe(snap(&[("content/a.md", 10, 1), ("content/big.pdf", *size, i as i128)]), s(i as u64 * 2));
            assert!(matches!(st.decide(&built, s(i as u64 * 2)), Decision::Wait { .. }), "still growing");
        }
        // Last change seen at 4 s: not before 9 s.
        st.observe(snap(&[("content/a.md", 10, 1), ("content/big.pdf", 300, 2)]), s(8));
        match st.decide(&built, s(8)) {
            Decision::Wait { until, unsettled } => {
                assert_eq!(until, s(9));
                assert_eq!(unsettled, ["content/big.pdf"]);
            }
            d => panic!("{d:?}"),
        }
        assert_eq!(st.decide(&built, s(9)), Decision::Ready { changed: vec!["content/big.pdf".into()] });
    }

    #[test]
    fn a_burst_waits_for_the_last_file() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let built = Snapshot::new();
        let mut st = Settler::new(Duration::from_secs(2), built.clone());
        let mut files = Vec::new();
        for i in 0..200u64 {
            files.push((format!("content/n/{i}.md"), 100u64, i as i128));
            let scan: Snapshot = files.iter().map(|(p, s, m)| (p.clone(), (*s, *m))).collect();
            st.observe(scan, ms(i * 10));
            assert!(!matches!(st.decide(&built, ms(i * 10)), Decision::Ready { .. }));
        }
        assert!(matches!(st.decide(&built, ms(1990 + 1000)), Decision::Wait { .. }));
        match st.decide(&built, ms(1990 + 2000)) {
            Decision::Ready { changed } => assert_eq!(changed.len(), 200),
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn deletions_count_and_going_back_is_idle() {
        let t0 = Instant::now();
        let built = snap(&[("a", 1, 1), ("b", 1, 1)]);
        let mut st = Settler::new(Duration::ZERO, built.clone());
        st.observe(snap(&[("a", 1, 1)]), t0);
        assert_eq!(st.decide(&built, t0), Decision::Ready { changed: vec!["b".into()] });
        st.observe(built.clone(), t0);
        assert_eq!(st.decide(&built, t0), Decision::Idle);
    }
}
