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
use std::collections::{BTreeMap, HashMap};

/// Output folder of the index.
pub const DIR: &str = "search";
/// Format version, checked by search.js.
pub const VERSION: u32 = 1;
/// Most characters of a document's text kept for snippets and phrase checks.
const TEXT_LIMIT: usize = 20_000;
/// Postings per shard the shard count aims at (a query loads one shard per token).
const POSTINGS_PER_SHARD: usize = 2_000;
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

/// Counts the tokens of `text` into `m` (term frequency, seen in a title).
fn scan(text: &str, title: bool, m: &mut HashMap<Tok, (u32, bool)>) {
    let mut add = |t: Tok| {
        let e = m.entry(t).or_insert((0, false));
        e.0 += 1;
        e.1 |= title;
    };
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
            add(Tok::Word(std::mem::take(&mut word).into_boxed_str()));
        }
        if is_cjk(c) {
            if title {
                add(Tok::Uni(c));
            }
            if let Some(p) = prev {
                add(Tok::Bi(p, c));
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
    if !word.is_empty() {
        add(Tok::Word(word.into_boxed_str()));
    }
}

/// The tokens of one document: `(token, tf << 1 | in_title)`.
pub fn doc_tokens(title: &str, body: &str) -> Vec<(Tok, u32)> {
    let mut m: HashMap<Tok, (u32, bool)> = HashMap::new();
    scan(title, true, &mut m);
    scan(body, false, &mut m);
    for (i, term) in DICTIONARY.iter().enumerate() {
        let mut cs = term.chars();
        let (a, b) = (cs.next().expect("term"), cs.next().expect("term"));
        if !m.contains_key(&Tok::Bi(a, b)) {
            continue;
        }
        let (t, x) = (title.matches(term).count() as u32, body.matches(term).count() as u32);
        if t + x > 0 {
            m.insert(Tok::Dict(i as u16), (t + x, t > 0));
        }
    }
    let mut v: Vec<(Tok, u32)> = m.into_iter().map(|(t, (tf, ti))| (t, tf.min(1 << 20) << 1 | ti as u32)).collect();
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
pub fn write_index(site: &Site, sink: &dyn Sink) -> (Stats, Vec<Diagnostic>) {
    let (docs, units) = docs(site);
    let per_doc: Vec<Vec<(u32, Tok, u32)>> = docs.par_iter().map(|d| doc_tokens(&d.title, &d.text).into_iter().map(|(t, v)| (t.hash(), t, v)).collect()).collect();
    let postings: usize = per_doc.iter().map(Vec::len).sum();
    let shards = (postings / POSTINGS_PER_SHARD).next_power_of_two().clamp(MIN_SHARDS, MAX_SHARDS);
    let mask = shards as u32 - 1;
    let groups = (rayon::current_num_threads() * 4).min(shards);
    let errors = std::sync::Mutex::new(Vec::new());
    let write = |rel: String, bytes: &[u8]| {
        if let Err(e) = sink.write(&rel, bytes) {
            errors.lock().expect("errors").push(Diagnostic::error(e));
        }
    };
    let shard_bytes: usize = (0..groups)
        .into_par_iter()
        .map(|g| {
            let mut mine: BTreeMap<u32, BTreeMap<&Tok, Vec<(u32, u32)>>> = (0..shards as u32).filter(|s| *s as usize % groups == g).map(|s| (s, BTreeMap::new())).collect();
            for (doc, toks) in per_doc.iter().enumerate() {
                for (h, t, v) in toks {
                    let s = h & mask;
                    if s as usize % groups == g {
                        mine.get_mut(&s).expect("own shard").entry(t).or_default().push((doc as u32, *v));
                    }
                }
            }
            let mut bytes = 0;
            for (s, tokens) in mine {
                let mut out = format!("dwgkSearchShard({s},{{");
                for (k, (t, list)) in tokens.into_iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&js(&Value::String(t.text())));
                    out.push_str(":\"");
                    let mut prev = 0;
                    for (d, v) in list {
                        vlq(&mut out, d - prev);
                        vlq(&mut out, v);
                        prev = d;
                    }
                    out.push('"');
                }
                out.push_str("});\n");
                bytes += out.len();
                write(format!("{DIR}/s/{s}.js"), out.as_bytes());
            }
            bytes
        })
        .sum();
    let doc_bytes: usize = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let v = json!({
                "t": d.title, "u": encode_path(d.path.trim_start_matches('/')), "d": d.date,
                "k": kinds()[d.kind].1, "n": d.unit_title, "x": d.text,
            });
            let out = format!("dwgkSearchDoc({i},{});\n", js(&v));
            write(format!("{DIR}/d/{i}.js"), out.as_bytes());
            out.len()
        })
        .sum();
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
