//! Full-text search index, built per audience from the rendered text of the pages
//! and sections this build publishes (never a hidden one). Chinese is indexed as
//! overlapping character bigrams, title characters also as unigrams, and the
//! party-affairs terms of `DICTIONARY` as whole tokens (exact phrase counts); ASCII
//! letters and digits as lower-case words. Postings are sharded by token hash into
//! small script files under `/search/`, loaded by `js/search.js` with `<script>`
//! tags (works over HTTP and from a folder opened with file://). Design, ranking
//! and the relevance set: docs/search.md.

use super::Sink;
use crate::content::kind::Kind;
use crate::diag::Diagnostic;
use crate::site::urls::encode_path;
use crate::site::Site;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Output folder of the index.
pub const DIR: &str = "search";
/// Format version, checked by search.js.
pub const VERSION: u32 = 2;
/// Most characters of a document's text kept for snippets and phrase checks.
const TEXT_LIMIT: usize = 20_000;
/// Postings per shard the shard count aims at (a query loads one shard per token).
const POSTINGS_PER_SHARD: usize = 6_000;
const MAX_SHARDS: usize = 4096;
const MIN_SHARDS: usize = 8;

/// Party-affairs terms of three or more characters, counted as whole tokens so an
/// exact occurrence ranks above the same characters scattered in a text. (Two-
/// character terms such as 党费 or 党课 are bigrams already.) search.js receives
/// the list in `meta.js`.
pub const DICTIONARY: &[&str] = &[
    "三会一课",
    "主题党日",
    "组织生活会",
    "民主生活会",
    "民主评议",
    "支委会",
    "意识形态",
    "中心组",
    "理论学习中心组",
    "党员大会",
    "党小组会",
    "专题党课",
    "谈心谈话",
    "发展党员",
    "入党积极分子",
    "预备党员",
    "换届选举",
    "党风廉政",
    "志愿服务",
    "主题教育",
    "第一议题",
    "述职评议",
    "组织关系",
    "党务公开",
    "两学一做",
    "责任清单",
    "工作记录",
    "学习计划",
    "党费收缴",
    "党支部",
    "党总支",
    "党小组",
    "共产党员",
    "批评与自我批评",
    "不忘初心",
    "群众路线",
];

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}' | '〇')
}

/// Full-width ASCII → ASCII, ASCII letters → lower case (search.js folds the same way).
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// One index token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tok {
    /// A Chinese character of a title.
    Uni(char),
    /// Two adjacent Chinese characters.
    Bi(char, char),
    /// `DICTIONARY[i]`.
    Dict(u16),
    /// ASCII letters and digits, lower case.
    Word(Box<str>),
}

impl Tok {
    pub fn text(&self) -> String {
        match self {
            Tok::Uni(c) => c.to_string(),
            Tok::Bi(a, b) => format!("{a}{b}"),
            Tok::Dict(i) => DICTIONARY[*i as usize].to_string(),
            Tok::Word(w) => w.to_string(),
        }
    }

    /// FNV-1a (32 bit) of the token's UTF-8 bytes: the shard is `hash & (shards - 1)`.
    pub fn hash(&self) -> u32 {
        let mut h: u32 = 0x811c_9dc5;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                h ^= b as u32;
                h = h.wrapping_mul(0x0100_0193);
            }
        };
        let mut buf = [0u8; 4];
        match self {
            Tok::Uni(c) => feed(c.encode_utf8(&mut buf).as_bytes()),
            Tok::Bi(a, b) => {
                feed(a.encode_utf8(&mut buf).as_bytes());
                feed(b.encode_utf8(&mut buf).as_bytes());
            }
            Tok::Dict(i) => feed(DICTIONARY[*i as usize].as_bytes()),
            Tok::Word(w) => feed(w.as_bytes()),
        }
        h
    }
}

const MAX_WORD: usize = 40;

/// Chinese tokens as numbers while counting (no hashing, no allocation): a lone
/// character, a bigram (two 21-bit characters) or a dictionary term.
const KEY_UNI: u64 = 0;
const KEY_BI: u64 = 1 << 62;
const KEY_DICT: u64 = 2 << 62;

fn key_tok(k: u64) -> Tok {
    let c = |x: u64| char::from_u32((x & 0x1f_ffff) as u32).unwrap_or('\u{fffd}');
    match k & (3 << 62) {
        KEY_UNI => Tok::Uni(c(k)),
        KEY_BI => Tok::Bi(c(k >> 21), c(k)),
        _ => Tok::Dict((k & 0xffff) as u16),
    }
}

/// Appends the Chinese keys of `text` to `keys` (bigrams; unigrams too for a title)
/// and its ASCII words to `words`.
fn scan(text: &str, title: bool, keys: &mut Vec<u64>, words: &mut Vec<Box<str>>) {
    let mut prev: Option<char> = None;
    let mut word = String::new();
    for c in text.chars().map(fold) {
        if c.is_ascii_alphanumeric() {
            prev = None;
            if word.len() < MAX_WORD {
                word.push(c);
            }
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word).into_boxed_str());
        }
        if is_cjk(c) {
            if title {
                keys.push(KEY_UNI | c as u64);
            }
            if let Some(p) = prev {
                keys.push(KEY_BI | (p as u64) << 21 | c as u64);
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
    if !word.is_empty() {
        words.push(word.into_boxed_str());
    }
}

/// Sorted distinct items with their counts.
fn counted<T: Ord>(mut v: Vec<T>) -> Vec<(T, u32)> {
    v.sort_unstable();
    let mut out: Vec<(T, u32)> = Vec::with_capacity(v.len() / 2);
    for x in v {
        match out.last_mut() {
            Some((y, n)) if *y == x => *n += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// Merges title and body counts into `(item, tf << 1 | in_title)`.
fn merged<T: Ord>(title: Vec<(T, u32)>, body: Vec<(T, u32)>) -> Vec<(T, u32)> {
    let mut out = Vec::with_capacity(title.len() + body.len());
    let (mut t, mut b) = (title.into_iter().peekable(), body.into_iter().peekable());
    loop {
        let next = match (t.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => 0,
            (None, Some(_)) => 1,
            (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => 0,
                std::cmp::Ordering::Greater => 1,
                std::cmp::Ordering::Equal => 2,
            },
        };
        match next {
            0 => {
                let (k, n) = t.next().expect("peeked");
                out.push((k, n.min(1 << 20) << 1 | 1));
            }
            1 => {
                let (k, n) = b.next().expect("peeked");
                out.push((k, n.min(1 << 20) << 1));
            }
            _ => {
                let (k, n) = t.next().expect("peeked");
                let (_, m) = b.next().expect("peeked");
                out.push((k, (n + m).min(1 << 20) << 1 | 1));
            }
        }
    }
    out
}

/// The tokens of one document, in two sorted lists: Chinese keys and ASCII words,
/// each with `tf << 1 | in_title`.
fn doc_keys(title: &str, body: &str) -> (Vec<(u64, u32)>, Vec<(Box<str>, u32)>) {
    let (mut tk, mut tw, mut bk, mut bw) = (Vec::new(), Vec::new(), Vec::with_capacity(body.len() / 3), Vec::new());
    scan(title, true, &mut tk, &mut tw);
    scan(body, false, &mut bk, &mut bw);
    let mut keys = merged(counted(tk), counted(bk));
    let words = merged(counted(tw), counted(bw));
    let mut terms = Vec::new();
    for (i, term) in DICTIONARY.iter().enumerate() {
        let mut cs = term.chars();
        let (a, b) = (cs.next().expect("term"), cs.next().expect("term"));
        let first = KEY_BI | (a as u64) << 21 | b as u64;
        if keys.binary_search_by_key(&first, |x| x.0).is_err() {
            continue;
        }
        let (t, x) = (title.matches(term).count() as u32, body.matches(term).count() as u32);
        if t + x > 0 {
            terms.push((KEY_DICT | i as u64, (t + x).min(1 << 20) << 1 | (t > 0) as u32));
        }
    }
    keys.extend(terms);
    (keys, words)
}

/// The tokens of one document: `(token, tf << 1 | in_title)`.
pub fn doc_tokens(title: &str, body: &str) -> Vec<(Tok, u32)> {
    let (keys, words) = doc_keys(title, body);
    let mut v: Vec<(Tok, u32)> = keys.into_iter().map(|(k, n)| (key_tok(k), n)).chain(words.into_iter().map(|(w, n)| (Tok::Word(w), n))).collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Text of rendered HTML: tags removed (block tags become a space), entities decoded,
/// whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut space = true;
    let push = |out: &mut String, s: &str, space: &mut bool| {
        for c in s.chars() {
            if c.is_whitespace() {
                if !*space {
                    out.push(' ');
                    *space = true;
                }
            } else {
                out.push(c);
                *space = false;
            }
        }
    };
    while !rest.is_empty() {
        match rest.find(['<', '&']) {
            None => {
                push(&mut out, rest, &mut space);
                break;
            }
            Some(i) => {
                push(&mut out, &rest[..i], &mut space);
                rest = &rest[i..];
                if rest.starts_with('<') {
                    let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    let tag = &rest[1..end.saturating_sub(1).max(1)];
                    let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
                    if matches!(name.as_str(), "script" | "style") && !tag.starts_with('/') {
                        let close = format!("</{name}");
                        let skip = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                        rest = &rest[skip..];
                        continue;
                    }
                    if is_block(&name) {
                        push(&mut out, " ", &mut space);
                    }
                    rest = &rest[end..];
                } else {
                    let end = rest[..rest.len().min(12)].find(';');
                    match end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e))) {
                        Some((c, e)) => {
                            push(&mut out, c.encode_utf8(&mut [0u8; 4]), &mut space);
                            rest = &rest[e + 1..];
                        }
                        None => {
                            push(&mut out, "&", &mut space);
                            rest = &rest[1..];
                        }
                    }
                }
            }
        }
    }
    out.trim_end().to_string()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "br" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "td" | "th" | "table" | "thead" | "tbody" | "blockquote" | "pre" | "hr" | "dt" | "dd" | "dl" | "section" | "figure" | "figcaption" | "caption" | "img"
    )
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Variable-length base-64 number: 5 bits a character, low first; 32 set = more follow.
pub fn vlq(out: &mut String, mut n: u32) {
    loop {
        let d = n & 31;
        n >>= 5;
        if n == 0 {
            out.push(ALPHABET[d as usize] as char);
            return;
        }
        out.push(ALPHABET[(d | 32) as usize] as char);
    }
}

/// One searchable document: a visible page or section.
struct Doc {
    title: String,
    path: String,
    date: Option<String>,
    year: u32,
    kind: usize,
    unit: Option<usize>,
    unit_title: Option<String>,
    expired: bool,
    section: bool,
    text: String,
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
    if s.len() > TEXT_LIMIT * 3 || s.chars().nth(TEXT_LIMIT).is_some() {
        if let Some((i, _)) = s.char_indices().nth(TEXT_LIMIT) {
            s.truncate(i);
        }
    }
    s
}

fn docs(site: &Site) -> (Vec<Doc>, Vec<(usize, Option<usize>)>) {
    use chrono::Datelike;
    let units = units(site);
    let unit_of: HashMap<&str, usize> = units.iter().enumerate().filter_map(|(i, (s, _))| site.sections[*s].unit.as_ref().map(|u| (u.id.as_str(), i))).collect();
    let attachment_names = |ids: &[usize]| -> String {
        let names: Vec<&str> = ids.iter().map(|&a| &site.assets[a]).filter(|a| a.published).map(|a| a.name()).collect();
        if names.is_empty() { String::new() } else { format!(" 附件：{}", names.join(" ")) }
    };
    let pages = site.pages.par_iter().filter(|p| p.visible()).map(|p| {
        let unit = p.unit.as_deref().and_then(|u| unit_of.get(u).copied());
        let mut text = String::new();
        if let Some(d) = &p.description {
            text.push_str(d);
            text.push(' ');
        }
        text.push_str(&plain_text(&p.rendered.html));
        if let Some(tags) = p.taxonomies.get("tags").filter(|t| !t.is_empty()) {
            text.push_str(" 标签：");
            text.push_str(&tags.join(" "));
        }
        text.push_str(&attachment_names(&p.assets));
        Doc {
            title: p.title.clone(),
            path: p.path.clone(),
            date: p.date.map(|d| d.date.format("%Y-%m-%d").to_string()),
            year: p.date.map_or(0, |d| d.date.year().max(0) as u32),
            kind: kind_index(p.kind),
            unit,
            unit_title: unit.map(|u| site.sections[units[u].0].title.clone()),
            expired: p.expired,
            section: false,
            text: clip(text),
        }
    });
    let mut out: Vec<Doc> = pages.collect();
    for s in site.sections.iter().skip(1).filter(|s| s.hidden.is_none()) {
        let unit = s.unit.as_ref().and_then(|u| unit_of.get(u.id.as_str()).copied());
        let mut text = String::new();
        if let Some(d) = &s.description {
            text.push_str(d);
            text.push(' ');
        }
        text.push_str(&plain_text(&s.rendered.html));
        if let Some(u) = &s.unit {
            for v in [u.kind.as_deref(), u.secretary.as_deref().map(|x| x.trim())].into_iter().flatten() {
                text.push(' ');
                text.push_str(v);
            }
        }
        text.push_str(&attachment_names(&s.assets));
        out.push(Doc {
            title: s.title.clone(),
            path: s.path.clone(),
            date: None,
            year: 0,
            kind: kinds().len() - 1,
            unit,
            unit_title: unit.map(|u| site.sections[units[u].0].title.clone()),
            expired: false,
            section: true,
            text: clip(text),
        });
    }
    (out, units)
}

/// A JSON value as JavaScript source (U+2028/2029 escaped for old engines).
fn js(v: &Value) -> String {
    serde_json::to_string(v).expect("json").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

/// Sizes of what was written, for `DWGK_TIMINGS` and the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub docs: usize,
    pub shards: usize,
    pub postings: usize,
    pub shard_bytes: usize,
    pub doc_bytes: usize,
    pub meta_bytes: usize,
}

/// Every file of the index: `(output path, bytes)` producer, written through `sink`.
/// Bytes of documents per `d/<n>.js` file (a larger document gets a file alone).
const DOC_CHUNK: usize = 8 * 1024;

pub fn write_index(site: &Site, sink: &dyn Sink) -> (Stats, Vec<Diagnostic>) {
    let timings = std::env::var_os("DWGK_TIMINGS").is_some();
    let mut t0 = std::time::Instant::now();
    let mut lap = |what: &str| {
        if timings {
            eprintln!("timing search-index/{what} {:.3}", t0.elapsed().as_secs_f64());
        }
        t0 = std::time::Instant::now();
    };
    let (docs, units) = docs(site);
    lap("text");
    // Per document: (token hash, key, tf/title) for Chinese keys and for words.
    type Keys = (Vec<(u32, u64, u32)>, Vec<(u32, Box<str>, u32)>);
    let per_doc: Vec<Keys> = docs
        .par_iter()
        .map(|d| {
            let (keys, words) = doc_keys(&d.title, &d.text);
            (keys.into_iter().map(|(k, v)| (key_tok(k).hash(), k, v)).collect(), words.into_iter().map(|(w, v)| (Tok::Word(w.clone()).hash(), w, v)).collect())
        })
        .collect();
    let postings: usize = per_doc.iter().map(|(k, w)| k.len() + w.len()).sum();
    lap("tokens");
    let shards = (postings / POSTINGS_PER_SHARD).next_power_of_two().clamp(MIN_SHARDS, MAX_SHARDS);
    let mask = shards as u32 - 1;
    let groups = (rayon::current_num_threads() * 4).min(shards);
    let errors = std::sync::Mutex::new(Vec::new());
    let write = |rel: String, bytes: &[u8]| {
        if let Err(e) = sink.write(&rel, bytes) {
            errors.lock().expect("errors").push(Diagnostic::error(e));
        }
    };
    // Groups run a few at a time (as many as threads): each holds a copy of its share
    // of all postings, so running every group at once doubled the peak memory.
    let threads = rayon::current_num_threads().max(1);
    let per_round = |round: Vec<usize>| -> usize { round.into_par_iter().map(|g| {
            // This group's shards: (key, doc, value) in document order.
            let own = |h: u32| (h & mask) as usize % groups == g;
            let slot = |h: u32| (h & mask) as usize / groups;
            let n = (shards - g).div_ceil(groups);
            let mut keys: Vec<Vec<(u64, u32, u32)>> = vec![Vec::new(); n];
            let mut words: Vec<Vec<(&str, u32, u32)>> = vec![Vec::new(); n];
            for (doc, (ks, ws)) in per_doc.iter().enumerate() {
                for &(h, k, v) in ks {
                    if own(h) {
                        keys[slot(h)].push((k, doc as u32, v));
                    }
                }
                for (h, w, v) in ws {
                    if own(*h) {
                        words[slot(*h)].push((w, doc as u32, *v));
                    }
                }
            }
            let mut bytes = 0;
            for (i, (mut ks, mut ws)) in keys.into_iter().zip(words).enumerate() {
                // Stable: postings stay in document order within a token.
                ks.sort_by_key(|x| x.0);
                ws.sort_by_key(|x| x.0);
                let s = i * groups + g;
                let mut out = format!("dwgkSearchShard({s},{{");
                let mut first = true;
                let mut emit = |out: &mut String, token: &str, list: &mut dyn Iterator<Item = (u32, u32)>| {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    out.push_str(&js(&Value::String(token.to_string())));
                    out.push_str(":\"");
                    let mut prev = 0;
                    for (d, v) in list {
                        vlq(out, d - prev);
                        vlq(out, v);
                        prev = d;
                    }
                    out.push('"');
                };
                for run in ks.chunk_by(|a, b| a.0 == b.0) {
                    emit(&mut out, &key_tok(run[0].0).text(), &mut run.iter().map(|x| (x.1, x.2)));
                }
                for run in ws.chunk_by(|a, b| a.0 == b.0) {
                    emit(&mut out, run[0].0, &mut run.iter().map(|x| (x.1, x.2)));
                }
                out.push_str("});\n");
                bytes += out.len();
                write(format!("{DIR}/s/{s}.js"), out.as_bytes());
            }
            bytes
        })
        .sum() };
    let all: Vec<usize> = (0..groups).collect();
    let shard_bytes: usize = all.chunks(threads).map(|round| per_round(round.to_vec())).sum();
    drop(per_doc);
    lap("shards");
    // Documents in files of about DOC_CHUNK bytes (consecutive ids): one file per
    // document would double the number of files a large site writes.
    let serialized: Vec<String> = docs
        .par_iter()
        .map(|d| {
            let v = json!({
                "t": d.title, "u": encode_path(d.path.trim_start_matches('/')), "d": d.date,
                "k": kinds()[d.kind].1, "n": d.unit_title, "x": d.text,
            });
            js(&v)
        })
        .collect();
    let mut chunk_starts: Vec<usize> = Vec::new();
    let mut size = DOC_CHUNK;
    for (i, d) in serialized.iter().enumerate() {
        if size >= DOC_CHUNK {
            chunk_starts.push(i);
            size = 0;
        }
        size += d.len();
    }
    let doc_bytes: usize = chunk_starts
        .par_iter()
        .enumerate()
        .map(|(c, &start)| {
            let end = chunk_starts.get(c + 1).copied().unwrap_or(serialized.len());
            let out = format!("dwgkSearchDocs({start},[{}]);\n", serialized[start..end].join(","));
            write(format!("{DIR}/d/{c}.js"), out.as_bytes());
            out.len()
        })
        .sum();
    let mut chunks = String::with_capacity(chunk_starts.len() * 2);
    let mut prev = 0;
    for &start in &chunk_starts {
        vlq(&mut chunks, (start - prev) as u32);
        prev = start;
    }
    lap("documents");
    let mut packed = String::with_capacity(docs.len() * 5);
    for d in &docs {
        vlq(&mut packed, d.unit.map_or(0, |u| u as u32 + 1));
        vlq(&mut packed, d.kind as u32);
        vlq(&mut packed, d.year);
        vlq(&mut packed, d.expired as u32 | (d.section as u32) << 1);
    }
    let meta = json!({
        "v": VERSION, "n": docs.len(), "shards": shards, "dict": DICTIONARY,
        "units": units.iter().map(|(s, parent)| {
            let sec = &site.sections[*s];
            json!([sec.unit.as_ref().map(|u| u.id.clone()), sec.title, parent.map_or(-1, |p| p as i64)])
        }).collect::<Vec<_>>(),
        "kinds": kinds().iter().map(|(id, name)| json!([id, name])).collect::<Vec<_>>(),
        "docs": packed,
        "chunks": chunks,
    });
    let meta = format!("dwgkSearchMeta({});\n", js(&meta));
    write(format!("{DIR}/meta.js"), meta.as_bytes());
    let stats = Stats { docs: docs.len(), shards, postings, shard_bytes, doc_bytes, meta_bytes: meta.len() };
    (stats, errors.into_inner().expect("errors"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(title: &str, body: &str) -> Vec<(String, u32)> {
        doc_tokens(title, body).into_iter().map(|(t, v)| (t.text(), v)).collect()
    }

    #[test]
    fn chinese_is_bigrams_with_title_unigrams_and_dictionary_terms() {
        let t = texts("党费", "2024年党费收缴，三会一课。");
        let has = |k: &str| t.iter().find(|(x, _)| x == k).map(|(_, v)| *v);
        assert_eq!(has("党费"), Some(2 << 1 | 1), "in title and body");
        assert_eq!(has("党"), Some(1 << 1 | 1), "unigrams from the title only");
        assert_eq!(has("收"), None);
        assert_eq!(has("2024"), Some(1 << 1));
        assert_eq!(has("年党"), Some(1 << 1), "bigrams run across word boundaries");
        assert_eq!(has("三会一课"), Some(1 << 1), "dictionary term");
        assert_eq!(has("党费收缴"), Some(1 << 1));
        assert_eq!(has("缴三"), None, "punctuation separates runs");
    }

    #[test]
    fn ascii_is_folded_words() {
        let t = texts("", "ＰＤＦ 版 Word2024 and Q1");
        let words: Vec<&str> = t.iter().map(|(x, _)| x.as_str()).filter(|x| x.is_ascii()).collect();
        assert_eq!(words, vec!["and", "pdf", "q1", "word2024"]);
    }

    #[test]
    fn plain_text_strips_tags_and_decodes() {
        assert_eq!(plain_text("<h2 id=\"x\">一、要求</h2><p>召开<strong>支委会</strong> &amp; 党课&#x3002;</p>"), "一、要求 召开支委会 & 党课。");
        assert_eq!(plain_text("<script>var a='党费';</script>正文"), "正文");
        assert_eq!(plain_text("a &unknown; b"), "a &unknown; b");
    }

    #[test]
    fn hash_is_fnv1a_of_utf8() {
        // Same numbers as search.js (FNV-1a 32 of the UTF-8 bytes).
        assert_eq!(Tok::Word("a".into()).hash(), 0xe40c292c);
        assert_eq!(Tok::Bi('党', '费').hash(), Tok::Word("党费".into()).hash());
    }

    #[test]
    fn vlq_round_numbers() {
        let mut s = String::new();
        for n in [0, 31, 32, 1000] {
            vlq(&mut s, n);
        }
        assert_eq!(s, "AfgBof");
    }
}
