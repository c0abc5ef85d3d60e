//! Full-text search index, built per audience from the rendered text of the pages
//! and sections this build publishes (never a hidden one). Chinese is indexed as
//! overlapping character bigrams, single characters (in shard files of their own,
//! read only by one-character queries), and the party-affairs terms of `DICTIONARY`
//! as whole tokens (exact phrase counts); ASCII letters and digits as lower-case
//! words. Each posting carries a BM25 impact and its best field (title, heading,
//! body). Postings are sharded by token hash into small script files under
//! `/search/`, loaded by `js/search.js` with `<script>` tags (works over HTTP and
//! from a folder opened with file://). Design, ranking and the relevance set:
//! docs/search.md.

mod build;
mod cache;
mod code;
mod shards;
mod text;
mod tiers;
mod tokens;

pub use text::plain_text;
pub use tokens::doc_tokens;

use super::Sink;
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::site::urls::encode_path;
use crate::site::Site;
use build::{output_key_of, shard_file_key, shard_files_key, Build, Collected};
use code::{bitset, deltas, vlq};
use rayon::prelude::*;
use serde_json::json;
use shards::{fold, Bloom, Shard};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use text::js_string;
use tokens::{Buckets, Counter, Terms};

/// Output folder of the index.
pub const DIR: &str = "search";
/// Format version, checked by search.js.
pub const VERSION: u32 = 7;
/// Most characters of a document's text kept for snippets and phrase checks.
const TEXT_LIMIT: usize = 20_000;
/// Characters of a document's text in `d/<id>.js` (enough for most snippets); the
/// rest goes to pieces of `PIECE_CHARS` (`e/<id>.js`, then `e/<id>-2.js` …), loaded
/// one after another only as far as a query needs to find itself in the text.
pub(super) const HEAD_CHARS: usize = 500;
const PIECE_CHARS: usize = 1500;
/// Bytes a shard file aims at (between half and all of it): a query loads one shard
/// per token, so a query of eight tokens loads 32 KB of shards at most, whatever
/// the size of the site. Single characters' shards (`u/`, read only by a
/// one-character phrase, and mostly holding rare characters: a common one has its
/// own file) are fewer and larger.
const SHARD_BYTES: usize = 4 * 1024;
const UNI_SHARD_BYTES: usize = 8 * 1024;
/// Most shards of either kind, collected or written. Once very common tokens
/// have their own files the shards hold the rarer ones only: at 100k pages they
/// fold to 1,024 files, so 16,384 is room for a million; collecting in more costs
/// time (at 65,536, twice the tokens stage at 100k) for nothing.
const MAX_SHARDS: usize = 1 << 14;
/// Documents tokenized at a time: their postings go into the shards before the
/// next block is read, so the index never holds every posting at once.
const BLOCK: usize = 2048;
/// Runs of consecutive documents a block is counted in (a few per thread, for balance).
const RUNS_PER_THREAD: usize = 4;

/// One searchable document: a visible page or section. Its text is extracted a
/// block at a time (`Doc::text`), so the index never holds every text at once.
struct Doc {
    title: String,
    path: String,
    date: Option<String>,
    year: u32,
    kind: usize,
    unit: Option<usize>,
    unit_title: Option<String>,
    expired: bool,
    source: Source,
}

enum Source {
    Page(usize),
    Section(usize),
}

/// Kinds offered as a filter: the page kinds, then sections (单位与栏目).
fn kinds() -> Vec<(&'static str, &'static str)> {
    Kind::ALL.iter().map(|k| (k.id(), k.name())).chain([("other", "其他"), ("section", "单位与栏目")]).collect()
}

fn kind_index(kind: Option<Kind>) -> usize {
    match kind {
        Some(k) => Kind::ALL.iter().position(|x| *x == k).expect("known kind"),
        None => Kind::ALL.len(),
    }
}

/// Visible unit sections in tree order: (section, parent unit index).
fn units(site: &Site) -> Vec<(usize, Option<usize>)> {
    fn walk(site: &Site, s: usize, parent: Option<usize>, out: &mut Vec<(usize, Option<usize>)>) {
        let sec = &site.sections[s];
        if sec.hidden.is_some() {
            return;
        }
        let mut parent = parent;
        if sec.unit.is_some() {
            out.push((s, parent));
            parent = Some(out.len() - 1);
        }
        for &c in &sec.children {
            walk(site, c, parent, out);
        }
    }
    let mut out = Vec::new();
    if !site.sections.is_empty() {
        walk(site, 0, None, &mut out);
    }
    out
}

fn clip(mut s: String) -> String {
    // At most TEXT_LIMIT bytes: at most as many characters.
    if s.len() > TEXT_LIMIT {
        if let Some((i, _)) = s.char_indices().nth(TEXT_LIMIT) {
            s.truncate(i);
        }
    }
    s
}

fn docs(site: &Site) -> (Vec<Doc>, Vec<(usize, Option<usize>)>) {
    use chrono::Datelike;
    let units = units(site);
    let unit_of: HashMap<&str, usize> =
        units.iter().enumerate().filter_map(|(i, (s, _))| site.sections[*s].unit.as_ref().map(|u| (u.id.as_str(), i))).collect();
    let unit_title = |unit: Option<usize>| unit.map(|u| site.sections[units[u].0].title.clone());
    let pages = site.pages.iter().enumerate().filter(|(_, p)| p.visible()).map(|(i, p)| {
        let unit = p.unit.as_deref().and_then(|u| unit_of.get(u).copied());
        Doc {
            title: p.title.clone(),
            path: p.path.clone(),
            date: p.date.map(|d| d.date.format("%Y-%m-%d").to_string()),
            year: p.date.map_or(0, |d| d.date.year().max(0) as u32),
            kind: kind_index(p.kind),
            unit,
            unit_title: unit_title(unit),
            expired: p.expired,
            source: Source::Page(i),
        }
    });
    let sections = site.sections.iter().enumerate().skip(1).filter(|(_, s)| s.hidden.is_none()).map(|(i, s)| {
        let unit = s.unit.as_ref().and_then(|u| unit_of.get(u.id.as_str()).copied());
        Doc {
            title: s.title.clone(),
            path: s.path.clone(),
            date: None,
            year: 0,
            kind: kinds().len() - 1,
            unit,
            unit_title: unit_title(unit),
            expired: false,
            source: Source::Section(i),
        }
    });
    let mut out: Vec<Doc> = pages.chain(sections).collect();
    // Oldest first (undated sections before every page): a higher id is a newer
    // document, so search.js can place results with equal scores without loading
    // them, and a new page, the newest, comes last: the other documents keep their
    // ids, files and postings (`Build::patch`). The exact reverse of newest first
    // with ties in site order.
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out.reverse();
    (out, units)
}

impl Doc {
    /// The page's or section's description, rendered HTML and attachments.
    fn parts<'a>(&self, site: &'a Site) -> (&'a Option<String>, std::borrow::Cow<'a, str>, &'a [usize]) {
        match self.source {
            Source::Page(i) => (&site.pages[i].description, site.page_html(i), &site.pages[i].assets),
            Source::Section(i) => (&site.sections[i].description, site.sections[i].rendered.html.as_str().into(), &site.sections[i].assets),
        }
    }

    /// `parts` without reading the HTML back (`Site::html_store`): its length only.
    fn sizes<'a>(&self, site: &'a Site) -> (&'a Option<String>, usize) {
        match self.source {
            Source::Page(i) => (&site.pages[i].description, site.page_html_len(i)),
            Source::Section(i) => (&site.sections[i].description, site.sections[i].rendered.html.len()),
        }
    }

    /// Its headings' text, one a line (a heading hit ranks above a body hit).
    fn headings(&self, site: &Site) -> String {
        let headings = match self.source {
            Source::Page(i) => &site.pages[i].rendered.headings,
            Source::Section(i) => &site.sections[i].rendered.headings,
        };
        headings.iter().map(|h| h.title.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// A hash of everything its postings and files are made from: what `headings`,
    /// `text` and `doc_literal` read (keep the three in step with it).
    fn fingerprint(&self, site: &Site) -> u128 {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let mut h = SipHasher13::new();
        let mut put = |s: &str| {
            h.write_usize(s.len());
            h.write(s.as_bytes());
        };
        let (description, html, assets) = self.parts(site);
        put(&self.title);
        put(&self.path);
        put(self.date.as_deref().unwrap_or("\u{0}"));
        put(kinds()[self.kind].0);
        put(self.unit_title.as_deref().unwrap_or("\u{0}"));
        put(description.as_deref().unwrap_or("\u{0}"));
        put(&self.headings(site));
        put(&html);
        match self.source {
            Source::Page(i) => {
                for t in site.pages[i].taxonomies.get("tags").into_iter().flatten() {
                    put(t);
                }
            }
            Source::Section(i) => {
                if let Some(u) = &site.sections[i].unit {
                    put(u.kind.as_deref().unwrap_or("\u{0}"));
                    put(u.secretary.as_deref().unwrap_or("\u{0}"));
                }
            }
        }
        for a in assets.iter().map(|&a| &site.assets[a]).filter(|a| a.published) {
            put(a.name());
        }
        h.finish128().as_u128()
    }

    /// The searchable text: description, rendered text, tags or the unit's facts,
    /// the names of published attachments; at most `TEXT_LIMIT` characters.
    fn text(&self, site: &Site) -> String {
        let (description, html, assets) = self.parts(site);
        // Room for the whole text: plain text is never longer than its HTML.
        let mut text = String::with_capacity(html.len() + description.as_ref().map_or(0, |d| d.len() + 1) + 256);
        if let Some(d) = description {
            text.push_str(d);
            text.push(' ');
        }
        text::push_plain_text(&mut text, &html);
        match self.source {
            Source::Page(i) => {
                if let Some(tags) = site.pages[i].taxonomies.get("tags").filter(|t| !t.is_empty()) {
                    text.push_str(" 标签：");
                    text.push_str(&tags.join(" "));
                }
            }
            Source::Section(i) => {
                if let Some(u) = &site.sections[i].unit {
                    for v in [u.kind.as_deref(), u.secretary.as_deref().map(|x| x.trim())].into_iter().flatten() {
                        text.push(' ');
                        text.push_str(v);
                    }
                }
            }
        }
        let names: Vec<&str> = assets.iter().map(|&a| &site.assets[a]).filter(|a| a.published).map(|a| a.name()).collect();
        if !names.is_empty() {
            text.push_str(" 附件：");
            text.push_str(&names.join(" "));
        }
        clip(text)
    }
}

/// Shards the postings are collected in while documents stream in: as many as
/// `SHARD_BYTES` shards of the rendered documents' size (their postings are never
/// larger), fixed before any token is counted. The files get fewer (`shards::fold`).
fn collecting_shards(site: &Site, docs: &[Doc]) -> usize {
    let size: usize = docs
        .iter()
        .map(|d| {
            let (description, html_len) = d.sizes(site);
            d.title.len() + html_len.min(TEXT_LIMIT * 3) + description.as_ref().map_or(0, |x| x.len())
        })
        .sum();
    size.div_ceil(SHARD_BYTES).next_power_of_two().clamp(1, MAX_SHARDS)
}

/// The rest of a text (past its head) in pieces of `PIECE_CHARS` characters.
fn pieces(rest: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = rest;
    while !rest.is_empty() {
        let cut = rest.char_indices().nth(PIECE_CHARS).map_or(rest.len(), |(i, _)| i);
        let (piece, more) = rest.split_at(cut);
        out.push(piece);
        rest = more;
    }
    out
}

/// Sizes of what was written, for `DWGK_TIMINGS` and the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub docs: usize,
    pub shards: usize,
    pub uni_shards: usize,
    pub postings: usize,
    pub shard_bytes: usize,
    pub doc_bytes: usize,
    pub meta_bytes: usize,
}

/// Wall and CPU time per sub-stage, summed over blocks (`DWGK_TIMINGS`).
#[derive(Default)]
struct Laps(Vec<(&'static str, Duration, f64)>);

impl Laps {
    fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let (started, cpu) = (Instant::now(), super::process_cpu_seconds());
        let out = f();
        let (wall, cpu) = (started.elapsed(), super::process_cpu_seconds() - cpu);
        match self.0.iter_mut().find(|(n, ..)| *n == name) {
            Some((_, w, c)) => (*w, *c) = (*w + wall, *c + cpu),
            None => self.0.push((name, wall, cpu)),
        }
        out
    }
}

/// One document as a JavaScript object literal (title, URL path, date, kind name,
/// unit title, the first part of its text; `m`: the number of pieces of the rest,
/// `e/<id>.js` …), appended to `out`.
fn doc_literal(out: &mut Vec<u8>, d: &Doc, text: &str, pieces: usize, kinds: &[(&str, &str)]) {
    let field = |out: &mut Vec<u8>, name: &str, v: Option<&str>| {
        out.extend_from_slice(name.as_bytes());
        match v {
            Some(v) => js_string(out, v),
            None => out.extend_from_slice(b"null"),
        }
    };
    field(out, "{\"t\":", Some(&d.title));
    field(out, ",\"u\":", Some(&encode_path(d.path.trim_start_matches('/'))));
    field(out, ",\"d\":", d.date.as_deref());
    field(out, ",\"k\":", Some(kinds[d.kind].1));
    field(out, ",\"n\":", d.unit_title.as_deref());
    field(out, ",\"x\":", Some(text));
    if pieces > 0 {
        out.extend_from_slice(format!(",\"m\":{pieces}").as_bytes());
    }
    out.push(b'}');
}

/// Writes the index under `search/`: `meta.js` (what every query needs first),
/// `f.js` (filter fields, loaded only when a filter is set), `s/<n>.js` (postings),
/// `u/<n>.js` (postings of single characters), `b/<hash>.js` (a common token's
/// postings alone), `d/<id>.js` (one document each: the
/// head of its text) and `e/<id>.js`, `e/<id>-2.js` … (the rest of a longer text, in pieces).
/// With a build cache (`Sink::cache_dir`) the postings are patched from the last
/// build's where few documents changed (`cache`). Design: docs/search.md.
pub fn write_index(site: &Site, sink: &dyn Sink) -> (Stats, Vec<Diagnostic>) {
    let mut laps = Laps::default();
    let errors = std::sync::Mutex::new(Vec::new());
    let push = |r: Result<(), Box<Diagnostic>>| {
        if let Err(e) = r {
            errors.lock().expect("errors").push(*e);
        }
    };
    let write = |rel: String, bytes: &[u8]| push(super::write_or_keep(sink, &rel, bytes));
    let write_keyed = |rel: String, key: u128, bytes: &[u8]| push(super::write_keyed(sink, &rel, key, bytes));
    let (docs, units) = laps.time("docs", || docs(site));
    let shard_count = collecting_shards(site, &docs);
    let terms = Terms::new(&site.config.search_terms);
    let kinds = kinds();
    let fps: Vec<u128> = if sink.keyed() { laps.time("fingerprints", || docs.par_iter().map(|d| d.fingerprint(site)).collect()) } else { Vec::new() };
    let place = sink.cache_dir().filter(|_| !fps.is_empty()).map(|(dir, binary)| cache::Place::new(dir, binary, 2 * shard_count, &site.config.search_terms));
    let build = Build { site, sink, docs: &docs, fps: &fps, terms: &terms, kinds: &kinds, shard_count, write_keyed: &write_keyed };
    let old = place.as_ref().and_then(|p| laps.time("cache-read", || p.load()));
    let patched = old.and_then(|old| build.patch(old, &mut laps));
    if super::timings() {
        eprintln!("timing search-index/patched {}", patched.is_some());
    }
    let Collected { shards: collected, versions, avg_len, records, changed } = match patched {
        Some(c) => c,
        None => build.collect(&mut laps),
    };
    let shards = &collected;
    let doc_bytes = records.iter().map(|r| r.bytes as usize).sum();
    let postings: usize = shards.iter().map(|s| s.postings()).sum();
    if super::timings() {
        let m = shards.iter().map(|s| s.memory()).fold((0, 0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3));
        eprintln!("timing search-index/memory lists {} code {} code_cap {} slots {}", m.0, m.1, m.2, m.3);
    }
    let (shards, uni) = shards.split_at(shard_count);
    let (shards, uni) = (fold(shards, SHARD_BYTES), fold(uni, UNI_SHARD_BYTES));
    let (shard_count, uni_count) = (shards.len(), uni.len());
    // Which collected shards (by their versions) each file holds: `fold` puts
    // collected shard i of `n` into file i % count.
    let members = |of: &[u128], count: usize, n: usize| -> Vec<u128> { of.iter().skip(n).step_by(count).copied().collect() };
    let (s_versions, u_versions) = versions.split_at(versions.len() / 2);
    let expired: Vec<bool> = docs.iter().map(|d| d.expired).collect();
    let tier_docs = tiers::Docs { count: docs.len(), expired: &expired };
    let old_files = place.as_ref().map(|p| laps.time("files-read", || p.load_files())).unwrap_or_default();
    let (written, bloom) = laps.time("shard-files", || {
        let bloom = Bloom::of_most_common(shards.par_iter().chain(&uni).flat_map_iter(|s| s.big_hashes(&terms)).collect());
        let common = shard_files_key(&bloom, &expired, &site.config.search_terms);
        let written: Vec<(String, cache::Written)> = shards
            .into_par_iter()
            .chain(uni)
            .enumerate()
            .map(|(n, s)| {
                let (prefix, path, count, of) = match n.checked_sub(shard_count) {
                    None => ("", format!("{DIR}/s/{n}.js"), shard_count, members(s_versions, shard_count, n)),
                    Some(u) => ("u", format!("{DIR}/u/{u}.js"), uni_count, members(u_versions, uni_count, u)),
                };
                let key = shard_file_key(common, n, count, &of);
                let big = |name: &str| (format!("{DIR}/b/{name}.js"), key ^ output_key_of(name));
                // The last build's files of the same lists: kept (as many as can be).
                let kept = match old_files.get(&path).filter(|w| w.key == key) {
                    Some(w) => {
                        let all = std::iter::once((path.clone(), key)).chain(w.names.iter().map(|m| big(m)));
                        let kept = all.take_while(|(rel, k)| sink.reuse(rel, *k)).count();
                        if kept == w.names.len() + 1 {
                            return (path, cache::Written { key, names: w.names.clone(), bytes: w.bytes });
                        }
                        kept
                    }
                    None => 0,
                };
                let f = s.file(n, prefix, &terms, &bloom, &tier_docs);
                let put = |k: usize, rel: String, file_key: u128, bytes: &[u8]| {
                    if k >= kept {
                        write_keyed(rel, file_key, bytes)
                    }
                };
                put(0, path.clone(), key, &f.shard);
                for (k, (name, file)) in f.big.iter().enumerate() {
                    let (rel, file_key) = big(name);
                    put(k + 1, rel, file_key, file);
                }
                let bytes = f.shard.len() + f.big.iter().map(|(_, f)| f.len()).sum::<usize>();
                (path, cache::Written { key, names: f.big.into_iter().map(|(name, _)| name).collect(), bytes: bytes as u32 })
            })
            .collect();
        (written, bloom)
    });
    let shard_bytes = written.iter().map(|(_, w)| w.bytes as usize).sum();
    if let Some(place) = place {
        // Written once the output is committed: `publish` syncs the disk before it
        // swaps a release in, and the cache (295 MB at 100k pages) need not be synced.
        // Not a build problem if it fails: the next index is counted in full.
        sink.after_commit(Box::new(move || {
            let started = std::time::Instant::now();
            let saved = if changed { place.save(avg_len, &records, &collected, &versions) } else { Ok(()) };
            let files = place.save_files(&written);
            if super::timings() {
                eprintln!("timing search-index/cache-write {:.3} {saved:?} {files:?}", started.elapsed().as_secs_f64());
            }
        }));
    }
    let meta_bytes = laps.time("meta", || write_meta(site, &docs, &units, &terms, (shard_count, uni_count), &bloom, &write));
    if super::timings() {
        for (name, wall, cpu) in &laps.0 {
            eprintln!("timing search-index/{name} {:.3} cpu {cpu:.3}", wall.as_secs_f64());
        }
    }
    let stats = Stats { docs: docs.len(), shards: shard_count, uni_shards: uni_count, postings, shard_bytes, doc_bytes, meta_bytes };
    (stats, errors.into_inner().expect("errors"))
}

/// Which documents are expired, in the shorter of a bitset (`[0, "…"]`, six a
/// character) and the list of their ids (`[1, "…"]`, delta-coded): few pages of a
/// big site are expired, and a bitset costs a character per six documents.
fn expired_code(docs: &[Doc]) -> serde_json::Value {
    let bits = bitset(docs.iter().map(|d| d.expired));
    let list = deltas((0..docs.len() as u32).filter(|&id| docs[id as usize].expired));
    if list.len() < bits.len() {
        json!([1, String::from_utf8(list).expect("ASCII")])
    } else {
        json!([0, bits])
    }
}

/// `meta.js` (version, counts, dictionary, units, kinds, years, expired documents) and `f.js` (unit, kind and year of every document, for
/// filters). Returns the bytes of both.
fn write_meta(
    site: &Site,
    docs: &[Doc],
    units: &[(usize, Option<usize>)],
    terms: &Terms,
    (shards, uni_shards): (usize, usize),
    bloom: &Bloom,
    write: &(dyn Fn(String, &[u8]) + Sync),
) -> usize {
    let mut years: Vec<u32> = docs.iter().map(|d| d.year).filter(|&y| y > 0).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let mut packed = Vec::with_capacity(docs.len() * 3);
    for d in docs {
        vlq(&mut packed, d.unit.map_or(0, |u| u as u32 + 1));
        vlq(&mut packed, d.kind as u32);
        vlq(&mut packed, years.iter().position(|&y| y == d.year).map_or(0, |i| i as u32 + 1));
    }
    let meta = json!({
        "v": VERSION, "n": docs.len(), "shards": shards, "ushards": uni_shards, "dict": terms.text,
        "units": units.iter().map(|(s, parent)| {
            let sec = &site.sections[*s];
            json!([sec.unit.as_ref().map(|u| u.id.clone()), sec.title, parent.map_or(-1, |p| p as i64)])
        }).collect::<Vec<_>>(),
        "kinds": kinds().iter().map(|(id, name)| json!([id, name])).collect::<Vec<_>>(),
        "years": years,
        "expired": expired_code(docs),
        "big": bloom.code(), "probes": Bloom::PROBES,
        "rank": {
            "impact": tokens::IMPACT, "levels": tokens::LEVELS, "k1": tokens::K1, "field": tokens::FIELD,
            "leads": tokens::LEADS, "expired": tokens::EXPIRED,
        },
    });
    // Loaded by the search page's own <script> before search.js (the data waits in
    // a global), or later by search.js itself (which has defined the callback).
    let mut meta_js = b"var dwgkSearchMetaData = ".to_vec();
    let text = serde_json::to_string(&meta).expect("json");
    meta_js.extend_from_slice(text.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029").as_bytes());
    meta_js.extend_from_slice(b";\nif (window.dwgkSearchMeta) {\n  window.dwgkSearchMeta(dwgkSearchMetaData);\n}\n");
    write(format!("{DIR}/meta.js"), &meta_js);
    let mut filters = b"dwgkSearchFilters(0,\"".to_vec();
    filters.extend_from_slice(&packed);
    filters.extend_from_slice(b"\");\n");
    write(format!("{DIR}/f.js"), &filters);
    meta_js.len() + filters.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_of_a_text_is_cut_in_pieces_of_whole_characters() {
        let rest = "党".repeat(PIECE_CHARS * 2 + 7);
        let p = pieces(&rest);
        assert_eq!(p.iter().map(|x| x.chars().count()).collect::<Vec<_>>(), [PIECE_CHARS, PIECE_CHARS, 7]);
        assert_eq!(p.concat(), rest);
        assert!(pieces("").is_empty());
    }
}
