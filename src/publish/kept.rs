//! The source each release was built from, kept beside the DEST, outside it
//! (`<DEST>.sources/<id>/`, e.g. `/srv/dwgk/public.sources/`, mode 0700, never
//! served): every page file, `_index.md`, published attachment and data file of
//! release `<id>`, laid out as under `content/`. Outside the DEST because raw
//! sources hold what a public portal never shows (income bases in a dues page's
//! rows, the ledger itself): nothing internal is ever in a public DEST. When a page's new
//! version has errors, the next release is built with this copy of it
//! (`pipeline::stage_isolated`), so readers, lists, feeds, the search index and
//! the compliance counts all keep its last published version.
//!
//! Trees are made like releases: under a hidden staging name, from the spare (a
//! pruned release's tree, updated in place), unchanged files (same size and
//! modification time) hard links to the live release's tree; named before the
//! release is switched in, pruned with it, never modified once named. Each DEST
//! keeps its own: the public portal's holds only what the public portal published.

use super::store::Store;
use crate::content::entry::{Entry, EntryKind};
use crate::io::output::Staging;
use crate::pipeline::Previous;
use crate::site::{tables, Site};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SPARE: &str = ".spare";

/// `<DEST>.sources`: beside the DEST (`/srv/dwgk/public` → `/srv/dwgk/public.sources`).
pub fn root(store: &Store) -> PathBuf {
    let dest = store.dest();
    let name = dest.file_name().map_or_else(|| "dwgk".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!("{name}.sources"))
}

/// Makes the folder (private to the publisher's user); `Err` with the reason.
pub fn ensure(store: &Store) -> io::Result<PathBuf> {
    let r = root(store);
    fs::create_dir_all(&r)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&r, fs::Permissions::from_mode(0o700))?;
    }
    Ok(r)
}

pub fn dir(store: &Store, id: &str) -> PathBuf {
    root(store).join(id)
}

fn spare(store: &Store) -> PathBuf {
    root(store).join(SPARE)
}

/// The files release builds read, `(path relative to content/, where it was read)`:
/// visible pages and sections, published attachments, data files of visible pages.
/// A held-back page's files were read from the live release's tree (`live`).
pub fn files_of(site: &Site, content: &Path, live: Option<&Path>) -> Vec<(String, PathBuf)> {
    let from = |rel: &str| match live.filter(|_| site.isolation.is_previous(rel)) {
        Some(l) => l.join(rel),
        None => content.join(rel),
    };
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    out.extend(site.pages.iter().filter(|p| p.visible()).map(|p| (p.src.rel.clone(), from(&p.src.rel))));
    // A Word page's sidecar `X.toml` is part of its source.
    for p in site.pages.iter().filter(|p| p.visible() && p.src.word.is_some()) {
        let sidecar = format!("{}.toml", crate::site::word::stem_path(&p.src.rel));
        if from(&sidecar).is_file() {
            out.push((sidecar.clone(), from(&sidecar)));
        }
    }
    out.extend(site.sections.iter().filter(|s| s.hidden.is_none()).filter_map(|s| s.src.as_ref()).map(|s| (s.rel.clone(), from(&s.rel))));
    let named: HashSet<String> = (0..site.pages.len())
        .filter(|&p| site.pages[p].visible())
        .flat_map(|p| ["ledger", "table"].into_iter().filter_map(move |k| tables::file_named(site, p, k)))
        .collect();
    out.extend(site.assets.iter().filter(|a| a.published || named.contains(&a.rel)).map(|a| (a.rel.clone(), a.abs.clone())));
    out
}

/// Writes release `id`'s tree (complete, under its final name), linking what is
/// unchanged from the live release's tree.
pub fn write(store: &Store, id: &str, live: Option<&str>, files: &[(String, PathBuf)]) -> io::Result<()> {
    let err = |e: crate::io::output::OutputError| io::Error::other(e.to_string());
    fs::create_dir_all(root(store))?;
    let mut staging = Staging::begin_reusing(&dir(store, id), &spare(store), true).map_err(err)?;
    staging.link_from(live.map(|l| dir(store, l)));
    // The copy opens following no link (`io::confine`): a path through a link (every
    // path here is one the build read) is resolved and copied again.
    files
        .par_iter()
        .try_for_each(|(rel, from)| {
            staging.copy(rel, from, None).or_else(|e| from.canonicalize().map_err(|_| e).and_then(|real| staging.copy(rel, &real, None)))
        })
        .map_err(err)?;
    staging.commit().map_err(err)
}

/// Release `id` was not switched in: its tree goes (to the spare when free).
pub fn discard(store: &Store, id: &str) {
    retire(store, &dir(store, id));
}

fn retire(store: &Store, tree: &Path) {
    if fs::symlink_metadata(tree).is_err() {
        return;
    }
    if fs::symlink_metadata(spare(store)).is_err() && fs::rename(tree, spare(store)).is_ok() {
        return;
    }
    let _ = fs::remove_dir_all(tree);
}

/// Removes trees whose release is gone (pruned, never switched in, a killed
/// build's staging folder); the first becomes the spare. Returns how many.
pub fn prune(store: &Store) -> usize {
    let releases = store.list();
    let Ok(rd) = fs::read_dir(root(store)) else { return 0 };
    let mut n = 0;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == SPARE || releases.contains(&name) {
            continue;
        }
        n += 1;
        retire(store, &e.path());
    }
    n
}

/// The live release's tree, read by the isolation rounds.
pub struct Kept {
    root: PathBuf,
    listing: OnceLock<Vec<Entry>>,
}

impl Kept {
    /// The tree of release `id`, when it has one (releases made before dwgk kept
    /// their source have none: a held-back page then waits, as a new one does).
    pub fn of(store: &Store, id: &str) -> Option<Kept> {
        let root = dir(store, id);
        root.is_dir().then(|| Kept { root, listing: OnceLock::new() })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The whole tree listed once, the way the walk lists `content/`.
    fn listing(&self) -> &[Entry] {
        self.listing.get_or_init(|| crate::io::walk::walk(&self.root, "content", &crate::io::confine::Fence::new(&self.root, &[])).0)
    }
}

impl Previous for Kept {
    fn entries_under(&self, rel: &str) -> Vec<Entry> {
        let under = |e: &Entry| e.rel == rel || (e.rel.starts_with(rel) && e.rel[rel.len()..].starts_with('/'));
        let mut out: Vec<Entry> = if rel.is_empty() { self.listing().to_vec() } else { self.listing().iter().filter(|e| under(e)).cloned().collect() };
        // A folder's own entry, for the section it makes.
        if !rel.is_empty() && out.iter().any(|e| e.rel != rel) && !out.iter().any(|e| e.rel == rel) {
            out.push(Entry { rel: rel.to_string(), abs: self.root.join(rel), kind: EntryKind::Dir, size: 0, id: None });
        }
        out
    }
}
