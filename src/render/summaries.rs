//! Page summaries (`view::page_summary`): the list form of a page, copied into
//! every list that shows it (its unit, its terms, its archive year, …).
//!
//! A build that may keep last build's outputs first builds each output's
//! variables with *marks* in place of summaries: a short string naming the page
//! under a nonce drawn for this build. The output's key hashes a mark as the
//! summary's own hash (`Marks::hash_of`), so keys are what they would be with
//! the summaries in place, without copying 100k summaries into the lists of a
//! 100k-page site only to find every output unchanged. Only an output that is
//! rendered gets its marks replaced by the summaries (`Marks::fill`). No text of
//! the site can be taken for a mark: it would have to contain the nonce.

use super::view;
use crate::site::Site;
use rayon::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The summaries by page index: built once for a full render, where each is
/// copied into many lists; or built when asked for (the preview server keeps
/// none between its incremental renders, and a site big enough to spill its HTML
/// builds each where it is listed); or marks (see the module comment).
#[derive(Clone)]
pub enum Summaries {
    Built(Arc<Vec<Value>>),
    OnDemand,
    Marked(Arc<Marks>),
}

impl Summaries {
    /// Every visible page's summary (`Null` for hidden ones), built in parallel.
    pub fn all(site: &Site) -> Summaries {
        Summaries::Built(Arc::new(site.pages.par_iter().map(|p| if p.visible() { view::page_summary(site, p) } else { Value::Null }).collect()))
    }

    /// Page `page`'s summary as lists hold it: a mark in `Marked` summaries.
    pub fn get(&self, site: &Site, page: usize) -> Value {
        match self {
            Summaries::Marked(m) => m.mark(page),
            _ => self.full(site, page),
        }
    }

    /// Page `page`'s summary itself, for a caller that changes it.
    pub fn full(&self, site: &Site, page: usize) -> Value {
        self.with(site, page, Value::clone)
    }

    /// `f` of page `page`'s summary, without a copy of a built one.
    fn with<R>(&self, site: &Site, page: usize, f: impl FnOnce(&Value) -> R) -> R {
        match self {
            Summaries::Built(all) => f(&all[page]),
            Summaries::OnDemand => f(&view::page_summary(site, &site.pages[page])),
            Summaries::Marked(m) => m.real.with(site, page, f),
        }
    }
}

/// The marks of one build: the nonce that begins each, the hash of every
/// page's summary, and the summaries themselves.
pub struct Marks {
    nonce: String,
    hashes: Vec<u128>,
    real: Summaries,
}

impl Marks {
    /// `hash`: the key hash of one summary (`output_key::value_hash`).
    pub fn new(site: &Site, real: Summaries, hash: impl Fn(&Value) -> u128 + Sync) -> Marks {
        let hashes = (0..site.pages.len()).into_par_iter().map(|i| real.with(site, i, &hash)).collect();
        Marks { nonce: nonce(), hashes, real }
    }

    /// Marks for summaries of these hashes (no site: for tests).
    #[cfg(test)]
    pub fn with_hashes(hashes: Vec<u128>) -> Marks {
        Marks { nonce: nonce(), hashes, real: Summaries::OnDemand }
    }

    /// The mark of page `page` (`Summaries::get`).
    pub fn mark(&self, page: usize) -> Value {
        Value::String(format!("{}{page}", self.nonce))
    }

    /// The summary hash a mark stands for; `None` for any other text.
    pub fn hash_of(&self, text: &str) -> Option<u128> {
        self.page_of(text).map(|i| self.hashes[i])
    }

    fn page_of(&self, text: &str) -> Option<usize> {
        text.strip_prefix(self.nonce.as_str())?.parse().ok().filter(|&i| i < self.hashes.len())
    }

    /// Replaces every mark in `v` by the summary it stands for.
    pub fn fill(&self, site: &Site, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(i) = self.page_of(s) {
                    *v = self.real.full(site, i);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.fill(site, x)),
            Value::Object(m) => m.values_mut().for_each(|x| self.fill(site, x)),
            _ => {}
        }
    }
}

/// 128 random bits (the standard library's hash keys, drawn from the OS) as
/// text no source can hold: it starts with NUL and ends with a separator.
fn nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    let draw = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x6477_676b);
        h.finish()
    };
    format!("\u{0}dwgk-summary-{:016x}{:016x}:", draw(), draw())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_differ_and_marks_name_pages_in_range_only() {
        assert_ne!(nonce(), nonce());
        let m = Marks { nonce: nonce(), hashes: vec![7, 9], real: Summaries::OnDemand };
        assert_eq!(m.hash_of(&format!("{}1", m.nonce)), Some(9));
        assert_eq!(m.hash_of(&format!("{}2", m.nonce)), None, "no page 2");
        assert_eq!(m.hash_of(&format!("{}1x", m.nonce)), None);
        assert_eq!(m.hash_of("1"), None);
        assert_eq!(m.hash_of(&format!("{}1", nonce())), None, "another build's mark");
    }
}
