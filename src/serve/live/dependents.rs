//! What the disclosure catalogue and the report drafts read of a page, for the
//! front-matter path: a page that discloses a catalogue item may not change its
//! dates or tags there (timeliness would change: build fully), and when a page whose
//! title a catalogue page or a draft shows is edited, those are rendered again.

use crate::content::kind::Kind;
use crate::site::model::Page;
use crate::site::Site;

/// Whether `p` discloses, or could disclose, a catalogue item of the last build.
fn discloses(site: &Site, p: &Page) -> bool {
    let Some(c) = &site.compliance else { return false };
    let cat = &c.catalogue;
    let kind = p.kind.map(Kind::id);
    let tags = p.taxonomies.get("tags");
    cat.disclosures.iter().any(|d| d.page == p.src.rel)
        || cat
            .decls
            .iter()
            .any(|d| kind.is_some_and(|k| d.item.kinds.iter().any(|x| x == k)) || tags.is_some_and(|t| t.iter().any(|t| d.item.tags.contains(t))))
}

/// True unless the edit changes what timeliness reads of a disclosing page.
pub(super) fn same_disclosure(site: &Site, old: &Page, new: &Page) -> bool {
    if !discloses(site, old) && !discloses(site, new) {
        return true;
    }
    old.date == new.date && old.publish_date == new.publish_date && old.expire_date == new.expire_date && old.taxonomies == new.taxonomies
}

/// The draft pages and catalogue outputs that show page `rel`'s title: the drafts
/// of its unit (their notes list its records) and its unit's catalogue page.
pub(super) fn of(site: &Site, rel: &str) -> (Vec<usize>, Vec<String>) {
    let Some(c) = &site.compliance else { return (Vec::new(), Vec::new()) };
    let units: Vec<usize> =
        c.facts.iter().filter(|f| f.page == rel).map(|f| f.unit).chain(c.catalogue.disclosures.iter().filter(|d| d.page == rel).map(|d| d.unit)).collect();
    let drafts = c.drafts.iter().filter(|d| units.contains(&d.unit) && site.pages[d.page].visible()).map(|d| d.page).collect();
    let catalogue = c
        .catalogue
        .disclosures
        .iter()
        .filter(|d| d.page == rel)
        .map(|d| format!("{}index.html", crate::render::catalogue::page_path(site, c, d.unit).trim_start_matches('/')))
        .collect();
    (drafts, catalogue)
}
