//! Audience by file, not by name: two names for one file or folder (a hard link, a
//! symbolic link inside the site) are one thing, and the strictest audience any of
//! its names has holds for all of them — a public bundle holding a link to an
//! internal attachment, or a public folder linked to an internal one, publishes
//! nothing internal (docs/content.md “Files”). Pure: identities come with the walk.

use super::model::{Hidden, Owner};
use super::Site;
use crate::content::entry::{Entry, FileId};
use crate::content::kind::{Audience, Scope};
use std::collections::{HashMap, HashSet};

/// Makes every name of an internal file or folder internal, and every name of a data
/// file (`ledger`, `table`) a data file, until nothing changes.
pub(super) fn restrict_twins(site: &mut Site, entries: &[Entry]) {
    let id_of: HashMap<&str, FileId> = entries.iter().filter_map(|e| Some((e.rel.as_str(), e.id?))).collect();
    let mut names: HashMap<FileId, usize> = HashMap::new();
    for id in id_of.values() {
        *names.entry(*id).or_default() += 1;
    }
    if names.values().all(|&n| n < 2) {
        return; // the usual case: one name per file
    }
    let section_ids = |s: &super::model::Section| {
        let index = if s.dir.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", s.dir) };
        [id_of.get(s.dir.as_str()).copied(), id_of.get(index.as_str()).copied()]
    };
    loop {
        let mut internal: HashSet<FileId> = HashSet::new();
        for s in site.sections.iter().filter(|s| s.scope == Scope::Internal) {
            internal.extend(section_ids(s).into_iter().flatten());
        }
        internal.extend(site.pages.iter().filter(|p| p.scope == Scope::Internal).filter_map(|p| id_of.get(p.src.rel.as_str()).copied()));
        let data: HashSet<FileId> = site.assets.iter().filter(|a| a.ledger).filter_map(|a| id_of.get(a.rel.as_str()).copied()).collect();
        for a in &site.assets {
            let owner_internal = match a.owner {
                Owner::Page(p) => site.pages[p].scope == Scope::Internal,
                Owner::Section(s) => site.sections[s].scope == Scope::Internal,
            };
            if owner_internal {
                internal.extend(id_of.get(a.rel.as_str()).copied());
            }
        }
        let mut changed = false;
        for s in 0..site.sections.len() {
            if site.sections[s].scope != Scope::Internal && section_ids(&site.sections[s]).into_iter().flatten().any(|id| internal.contains(&id)) {
                make_section_internal(site, s);
                changed = true;
            }
        }
        for p in 0..site.pages.len() {
            let page = &site.pages[p];
            if page.scope != Scope::Internal && id_of.get(page.src.rel.as_str()).is_some_and(|id| internal.contains(id)) {
                make_page_internal(site, p);
                changed = true;
            }
        }
        for a in site.assets.iter_mut() {
            let Some(id) = id_of.get(a.rel.as_str()) else { continue };
            if !a.internal_twin && internal.contains(id) {
                a.internal_twin = true;
                changed = true;
            }
            if !a.ledger && data.contains(id) {
                a.ledger = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

fn make_section_internal(site: &mut Site, s: usize) {
    let public = site.opts.audience == Audience::Public;
    let mut todo = vec![s];
    while let Some(i) = todo.pop() {
        let sec = &mut site.sections[i];
        sec.scope = Scope::Internal;
        if public {
            sec.hidden = Some(Hidden::Internal);
        }
        todo.extend(sec.children.iter().copied());
        for p in sec.pages.clone() {
            make_page_internal(site, p);
        }
    }
}

fn make_page_internal(site: &mut Site, p: usize) {
    let public = site.opts.audience == Audience::Public;
    let page = &mut site.pages[p];
    page.scope = Scope::Internal;
    if public {
        page.hidden = Some(Hidden::Internal);
    }
}
