//! Page-level fault isolation (`publish`, `build --keep-going`, the preview): a
//! problem of one page holds back that page, never the site. The build is
//! prepared in rounds. A round with site-wide problems (`Diagnostic::content_file`
//! is `None`: config.toml, templates, IO) or none at all is the last. Otherwise
//! each file with an error is held back: the page it belongs to (with its page
//! folder and the data files it names), an `_index.md`, or a loose attachment is
//! taken from the last published release's copy of the source (`Previous`), or
//! left out when there is none; the round runs again with that input, until
//! nothing more fails. Holds only grow, so the rounds end:
//! - a page whose new version says it is hidden (draft, internal, scheduled,
//!   unapproved) is withdrawn, never replaced by its old version;
//! - an `_index.md` is never just left out (its folder would lose `scope` and
//!   `[unit]`): without a previous copy its whole folder keeps its last
//!   published state (new files there wait); hidden, the whole folder goes;
//! - an old copy that fails too (another file changed under it) is left out;
//! - holding back the whole `content/` folder is not isolation: the round stops
//!   and the build fails as a strict one would.
//!
//! docs/deploy.md ("出错的页面") states the rules for officers and admins.

use super::{prepare, read_source, read_word, render_staged, Hooks, Input, Request, Staged};
use crate::content::entry::{Entry, EntryKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::model::Owner;
use crate::site::{self, tables, Item, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The last published release's copy of the source folder.
pub trait Previous: Sync {
    /// The copy's files and folders at `rel` (a file) or under it (a folder, itself
    /// included), as entries whose `abs` is in the copy; empty when it has none.
    fn entries_under(&self, rel: &str) -> Vec<Entry>;
}

/// What readers get instead of a held-back file's new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Its last published version.
    Previous,
    /// Nothing: new, never published, or withdrawn.
    Nothing,
}

/// The unit a held-back file belongs to (the nearest unit folder above it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    pub id: String,
    pub title: String,
    /// The unit's folder, relative to `content/`.
    pub dir: String,
}

/// One held-back page, `_index.md`, folder or attachment, and why.
#[derive(Debug, Clone)]
pub struct HeldFile {
    /// Relative to `content/`: the page's file, the `_index.md`, the folder.
    pub file: String,
    pub shown: Shown,
    /// Its problems (and those of its data files), errors first.
    pub diags: Vec<Diagnostic>,
    /// 0: failed on its own; later rounds: failed once other files were held
    /// back (it may depend on them, e.g. a checklist declaring its requirements).
    pub round: usize,
    pub title: Option<String>,
    /// The page's URL path (`/notices/a/`) when known.
    pub path: Option<String>,
    pub unit: Option<UnitRef>,
    /// Its new version hides it (draft, internal, scheduled): withdrawn.
    pub withdrawn: bool,
    /// `file` is a folder (held back whole).
    pub folder: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Taken from the previous copy (left out where it has nothing).
    Previous,
    /// Left out.
    Drop,
}

struct Hold {
    level: Level,
    files: BTreeSet<String>,
    folders: BTreeSet<String>,
    held: HeldFile,
}

impl Hold {
    fn covers(&self, rel: &str) -> bool {
        self.files.contains(rel) || self.folders.iter().any(|f| rel == f || (rel.starts_with(f.as_str()) && rel[f.len()..].starts_with('/')))
    }

    fn new(file: &str, level: Level, round: usize) -> Hold {
        let held = HeldFile {
            file: file.to_string(),
            shown: Shown::Nothing,
            diags: Vec::new(),
            round,
            title: None,
            path: None,
            unit: None,
            withdrawn: false,
            folder: false,
        };
        Hold { level, files: BTreeSet::from([file.to_string()]), folders: BTreeSet::new(), held }
    }

    fn folder(dir: &str, level: Level, round: usize) -> Hold {
        let mut h = Hold::new(dir, level, round);
        h.files.clear();
        h.folders.insert(dir.to_string());
        h.held.folder = true;
        h
    }

    /// One step further when its previous copy fails too: an `_index.md` alone →
    /// its folder from the copy → left out. `false`: nothing further to do.
    fn escalate(&mut self) -> bool {
        match self.level {
            Level::Drop => false,
            Level::Previous if self.folders.is_empty() && self.held.file.rsplit('/').next() == Some("_index.md") => {
                self.folders.insert(site::parent(&self.held.file).to_string());
                self.files.clear();
                !self.covers_root()
            }
            Level::Previous => {
                self.level = Level::Drop;
                true
            }
        }
    }

    /// Adds what `other` holds; true when this hold grew.
    fn merge(&mut self, other: Hold) -> bool {
        let before = self.files.len() + self.folders.len();
        self.files.extend(other.files);
        self.folders.extend(other.folders);
        before != self.files.len() + self.folders.len()
    }

    fn covers_root(&self) -> bool {
        self.folders.contains("")
    }
}

/// At most this many rounds (each adds or escalates a hold; cascades are short).
const MAX_ROUNDS: usize = 12;

/// `pipeline::stage` with page-level fault isolation: the staged build of every
/// good page (held-back ones from `previous`, or left out), and what was held
/// back. A site-wide problem, or one isolation cannot resolve, fails the build
/// as `stage` would, with every problem reported.
pub fn stage_isolated(req: &Request, input: Input, hooks: &dyn Hooks, previous: Option<&dyn Previous>) -> (Staged, Vec<HeldFile>) {
    let (site, diags, held) = prepare_isolated(req, input, hooks, previous, req.output.is_none());
    hooks.isolated(&held);
    let mut staged = render_staged(req, site, diags, hooks);
    if staged.diags.has_errors() && !held.is_empty() {
        // A site-wide error (a template) after all: every problem is reported.
        staged.diags.extend(held.into_iter().flat_map(|h| h.diags).filter(|d| d.is_error()));
        staged.diags.sort();
        hooks.isolated(&[]);
        return (staged, Vec::new());
    }
    (staged, held)
}

/// The rounds of `stage_isolated` without the templates: the last round's site,
/// ready to render (the preview renders it itself), its problems and what was
/// held back. `notes` as in `pipeline::prepare`.
pub fn prepare_isolated(
    req: &Request,
    input: Input,
    hooks: &dyn Hooks,
    previous: Option<&dyn Previous>,
    notes: bool,
) -> (Option<Site>, Diagnostics, Vec<HeldFile>) {
    let mut base = input;
    base.isolating = true;
    let mut holds: BTreeMap<String, Hold> = BTreeMap::new();
    let mut round = 0;
    let (site, diags, held) = super::cache::with_memo(req, |memo| loop {
        let mut timer = crate::render::Timer::new();
        let input = if holds.is_empty() { base.clone() } else { apply(&base, &holds, previous) };
        timer.lap("isolation-input");
        let (site, mut diags) = prepare(req, input, hooks, notes, memo);
        let Some(site_ref) = site.as_ref() else { break (site, diags, Vec::new()) };
        let errors: Vec<&Diagnostic> = diags.0.iter().filter(|d| d.is_error()).collect();
        let site_wide = errors.iter().any(|d| d.content_file().is_none());
        let mut changed = !site_wide && refine(&mut holds, site_ref);
        let mut stuck = false;
        let mut escalated: HashSet<String> = HashSet::new();
        if !site_wide {
            for d in &errors {
                let owner = d.content_file().unwrap_or_default();
                if let Some((key, h)) = holds.iter_mut().find(|(_, h)| h.covers(owner)) {
                    // Under a hold only its old copy (or what came with it) can fail.
                    if escalated.insert(key.clone()) {
                        stuck |= !h.escalate();
                        changed = true;
                    }
                    continue;
                }
                for (key, hold) in decide(owner, site_ref, previous, round) {
                    stuck |= hold.covers_root();
                    match holds.get_mut(&key) {
                        Some(h) => changed |= h.merge(hold),
                        None => {
                            holds.insert(key, hold);
                            changed = true;
                        }
                    }
                }
            }
        }
        for h in holds.values_mut() {
            note_problems(h, &diags.0, round);
        }
        let last = site_wide || stuck || !changed || round + 1 == MAX_ROUNDS;
        if last {
            let held = if diags.has_errors() {
                // Failing anyway: every problem is reported, the held ones too.
                diags.extend(holds.into_values().flat_map(|h| h.held.diags).filter(|d| d.is_error()));
                Vec::new()
            } else {
                holds.into_values().map(|h| finish(h, site_ref)).collect()
            };
            break (site, diags, held);
        }
        round += 1;
    });
    (site, diags, held)
}

/// The holds a failing file `owner` (relative to `content/`) needs.
fn decide(owner: &str, site: &Site, previous: Option<&dyn Previous>, round: usize) -> Vec<(String, Hold)> {
    let has_previous = |rel: &str| previous.is_some_and(|p| !p.entries_under(rel).is_empty());
    let index_hold = |rel: &str, dir: &str| {
        if has_previous(rel) {
            Hold::new(rel, Level::Previous, round)
        } else {
            // An `_index.md` never goes alone: its folder keeps its last published state.
            let mut h = Hold::folder(dir, Level::Previous, round);
            (h.held.file, h.held.folder) = (rel.to_string(), false);
            h
        }
    };
    match site.by_rel.get(owner) {
        Some(Item::Page(i)) => vec![page_hold(site, *i, round)],
        Some(Item::Section(i)) => {
            let s = &site.sections[*i];
            let hold = if s.hidden.is_some() {
                let mut h = Hold::folder(&s.dir, Level::Drop, round);
                (h.held.file, h.held.withdrawn, h.held.folder) = (owner.to_string(), true, false);
                h
            } else {
                index_hold(owner, &s.dir)
            };
            vec![(owner.to_string(), hold)]
        }
        Some(Item::Asset(a)) => match site.assets[*a].owner {
            Owner::Page(p) => vec![page_hold(site, p, round)],
            Owner::Section(_) => {
                let namers: Vec<usize> = (0..site.pages.len()).filter(|&p| named_files(site, p).iter().any(|f| f == owner)).collect();
                if namers.is_empty() {
                    vec![(owner.to_string(), Hold::new(owner, Level::Previous, round))]
                } else {
                    namers.into_iter().map(|p| page_hold(site, p, round)).collect()
                }
            }
        },
        None => {
            let name = owner.rsplit('/').next().unwrap_or(owner);
            let dir = site::parent(owner);
            let hold = if site.sections.iter().any(|s| s.dir == owner) {
                Hold::folder(owner, Level::Previous, round)
            } else if name == "_index.md" {
                index_hold(owner, dir)
            } else if let Some(word) = word_of_sidecar(owner, &has_previous) {
                // A Word page's sidecar: the page goes back to its last version, document and sidecar.
                let mut h = Hold::new(&word, Level::Previous, round);
                h.files.insert(owner.to_string());
                h
            } else {
                let mut h = Hold::new(owner, Level::Previous, round);
                if name == "index.md" && !dir.is_empty() {
                    h.folders.insert(dir.to_string());
                }
                h
            };
            vec![(owner.to_string(), hold)]
        }
    }
}

/// The Word file beside sidecar `rel` (`通知.toml` → `通知.docx`) that has a previous copy.
fn word_of_sidecar(rel: &str, has_previous: &dyn Fn(&str) -> bool) -> Option<String> {
    let stem = rel.strip_suffix(".toml")?;
    crate::content::docx::EXTENSIONS.iter().map(|ext| format!("{stem}.{ext}")).find(|w| has_previous(w))
}

/// A page with its page folder and the data files it names; withdrawn when its
/// new version is hidden for this build's audience.
fn page_hold(site: &Site, i: usize, round: usize) -> (String, Hold) {
    let p = &site.pages[i];
    let level = if p.visible() { Level::Previous } else { Level::Drop };
    let mut h = Hold::new(&p.src.rel, level, round);
    h.files.extend(named_files(site, i));
    if p.src.word.is_some() {
        h.files.insert(format!("{}.toml", site::word::stem_path(&p.src.rel)));
    }
    h.folders.extend(p.bundle.clone());
    h.held.withdrawn = !p.visible();
    h.held.title = Some(p.title.clone()).filter(|t| !t.trim().is_empty());
    h.held.path = Some(p.path.clone());
    (p.src.rel.clone(), h)
}

fn named_files(site: &Site, page: usize) -> Vec<String> {
    ["ledger", "table"].into_iter().filter_map(|key| tables::file_named(site, page, key)).collect()
}

/// A held page's old copy may name other data files than its new version: they
/// are held with it. True when a hold grew.
fn refine(holds: &mut BTreeMap<String, Hold>, site: &Site) -> bool {
    let mut grew = false;
    for (key, h) in holds.iter_mut().filter(|(_, h)| h.level == Level::Previous) {
        if let Some(Item::Page(i)) = site.by_rel.get(key) {
            for f in named_files(site, *i) {
                if !h.covers(&f) {
                    h.files.insert(f);
                    grew = true;
                }
            }
        }
    }
    grew
}

/// Adds this round's problems of the files `h` covers (the first time each).
fn note_problems(h: &mut Hold, diags: &[Diagnostic], round: usize) {
    let mine: Vec<&Diagnostic> = diags.iter().filter(|d| d.content_file().is_some_and(|f| h.covers(f))).collect();
    for d in mine {
        if round >= h.held.round && !h.held.diags.iter().any(|x| x.message == d.message && x.file == d.file && x.line == d.line) {
            h.held.diags.push(d.clone());
        }
    }
    h.held.diags.sort_by_key(|d| !d.is_error());
}

/// The record of a hold, completed from the last round's site.
fn finish(h: Hold, site: &Site) -> HeldFile {
    let shown = h.level == Level::Previous && site.isolation.previous.iter().any(|r| h.covers(r));
    let mut held = h.held;
    held.shown = if shown { Shown::Previous } else { Shown::Nothing };
    if let Some(Item::Page(i)) = site.by_rel.get(&held.file) {
        let p = &site.pages[*i];
        held.title = held.title.or_else(|| Some(p.title.clone()));
        held.path = held.path.or_else(|| Some(p.path.clone()));
    }
    held.unit = unit_of(site, &held.file);
    held
}

/// The nearest unit folder at or above `rel`'s folder.
pub fn unit_of(site: &Site, rel: &str) -> Option<UnitRef> {
    let mut dir = if site.sections.iter().any(|s| s.dir == rel) { rel } else { site::parent(rel) };
    loop {
        if let Some(s) = site.sections.iter().find(|s| s.dir == dir) {
            if let Some(u) = &s.unit {
                return Some(UnitRef { id: u.id.clone(), title: s.title.clone(), dir: s.dir.clone() });
            }
        }
        if dir.is_empty() {
            return None;
        }
        dir = site::parent(dir);
    }
}

/// The source with every hold applied: held files and folders out of the
/// listing, their previous copies in (for holds at `Level::Previous`).
fn apply(base: &Input, holds: &BTreeMap<String, Hold>, previous: Option<&dyn Previous>) -> Input {
    let covered = |rel: &str| holds.values().any(|h| h.covers(rel));
    let dropped = |rel: &str| holds.values().any(|h| h.level == Level::Drop && h.covers(rel));
    let mut input = base.clone();
    let mut absent: HashSet<String> = HashSet::new();
    input.entries.retain(|e| {
        let keep = !covered(&e.rel);
        if !keep && e.kind != EntryKind::Dir {
            absent.insert(e.rel.clone());
        }
        keep
    });
    input.sources.retain(|s| !covered(&s.rel));
    input.diags.retain(|d| d.content_file().is_none_or(|f| !covered(f)));
    let mut restored: BTreeMap<String, Entry> = BTreeMap::new();
    if let Some(p) = previous {
        for h in holds.values().filter(|h| h.level == Level::Previous) {
            for rel in h.files.iter().chain(&h.folders) {
                for e in p.entries_under(rel) {
                    if !dropped(&e.rel) {
                        restored.insert(e.rel.clone(), e);
                    }
                }
            }
        }
    }
    let restored: Vec<Entry> = restored.into_values().collect();
    // Word pages too, with the sidecar kept beside them.
    let sidecars: HashMap<&str, &Entry> =
        restored.iter().filter(|e| e.kind == EntryKind::Sidecar).map(|e| (&e.rel[..e.rel.len() - ".toml".len()], e)).collect();
    let read: Vec<_> = restored
        .par_iter()
        .filter(|e| matches!(e.kind, EntryKind::Markdown | EntryKind::Word))
        .map(|e| if e.kind == EntryKind::Word { read_word(e, format!("content/{}", e.rel), &sidecars) } else { read_source(e) })
        .collect();
    for (src, d) in read {
        input.sources.extend(src);
        input.diags.extend(d);
    }
    for e in restored.iter().filter(|e| e.kind != EntryKind::Dir) {
        absent.remove(&e.rel);
        input.isolation.previous.insert(e.rel.clone());
    }
    input.isolation.absent = absent;
    input.entries.extend(restored);
    // The walk's order (folders before their files, names sorted): outputs depend
    // only on the files, not on which were held back.
    input.entries.sort_by(|a, b| a.rel.split('/').cmp(b.rel.split('/')));
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_covers_its_files_and_folders_only() {
        let mut h = Hold::new("units/a/n.md", Level::Previous, 0);
        h.files.insert("units/a/ledger.xlsx".into());
        h.folders.insert("units/a/bundle".into());
        for rel in ["units/a/n.md", "units/a/ledger.xlsx", "units/a/bundle", "units/a/bundle/scan.pdf"] {
            assert!(h.covers(rel), "{rel}");
        }
        for rel in ["units/a/m.md", "units/a/bundle2/x.pdf", "units/a", "units/a/n.md.bak"] {
            assert!(!h.covers(rel), "{rel}");
        }
    }

    #[test]
    fn holds_escalate_until_the_file_is_left_out() {
        // An `_index.md` with a previous copy: alone → its whole folder → left out.
        let mut h = Hold::new("units/a/_index.md", Level::Previous, 0);
        assert!(h.escalate() && h.level == Level::Previous && h.covers("units/a/x.md"), "the folder from the copy");
        assert!(h.escalate() && h.level == Level::Drop);
        assert!(!h.escalate(), "nothing further");
        // A page: its copy → left out.
        let mut p = Hold::new("units/a/x.md", Level::Previous, 0);
        assert!(p.escalate() && p.level == Level::Drop && !p.escalate());
        // The home folder's `_index.md` cannot be held alone into a folder hold.
        let mut home = Hold::new("_index.md", Level::Previous, 0);
        assert!(!home.escalate() && home.covers_root(), "holding back content/ is not isolation");
    }
}
