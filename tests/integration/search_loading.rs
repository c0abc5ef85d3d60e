//! What a query loads, and when (docs/search.md, "Files"): a common token's own
//! file is requested instead of its shard (meta.js's Bloom filter names it), and
//! the rest of a text together with its document when the postings say the query
//! is only past the head. A site of 700 pages built in code; queries opened as
//! `search/index.html?q=` from the folder (file://) in headless Chromium.

use crate::browser::{answered, chromium};
use crate::cdp;
use crate::search_ranking::build;
use crate::util::{pct, Site};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILLER: &str = "会议按照程序逐项进行，与会同志认真讨论，形成一致意见。";

/// 700 meeting records (党员 in every one), a page whose word 鸿雁 and phrase
/// 廉洁自律承诺 are only past the first 500 characters, and one titled with a
/// phrase its body has only further in.
fn site() -> (Site, PathBuf) {
    let site = Site::new();
    for i in 0..700 {
        site.page(&format!("notices/p{i:03}.md"), &format!("第{i}次支部会议记录"), &format!("全体党员参加会议，第{i}号。{FILLER}"));
    }
    let far = FILLER.repeat(30);
    site.page("notices/deep.md", "工作记录", &format!("{far}\n\n鸿雁传书，签订廉洁自律承诺书。"));
    // 鹈鹕 past the head and the first two pieces of the rest (1,500 characters each).
    site.page("notices/deeper.md", "工作记录", &format!("{}\n\n湖边有鹈鹕栖息。\n\n{}", FILLER.repeat(150), FILLER.repeat(60)));
    site.page("notices/titled.md", "安全生产专项检查", &format!("{far}\n\n开展安全生产专项检查。"));
    let out = build(&site);
    (site, out)
}

/// The JSON argument of a `name(…, {json});` index file.
fn object(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let start = text.find('{').unwrap();
    // The first value from there on (meta.js goes on with a statement).
    let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    values.next().unwrap().unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn fnv(token: &str) -> u32 {
    token.chars().fold(0x811c_9dc5u32, |h, c| (h ^ c as u32).wrapping_mul(0x0100_0193))
}

/// meta.js's Bloom filter, read as search.js reads it.
struct Bloom {
    code: Vec<u8>,
    probes: u64,
}

impl Bloom {
    fn of(out: &Path) -> Bloom {
        let meta = object(&out.join("search/meta.js"));
        Bloom { code: meta["big"].as_str().unwrap().as_bytes().to_vec(), probes: meta["probes"].as_u64().unwrap() }
    }

    fn has(&self, token: &str) -> bool {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bits = self.code.len() as u64 * 6;
        let h = fnv(token) as u64;
        let step = (fnv(token).wrapping_mul(0x5bd1_e995) | 1) as u64;
        (0..self.probes).all(|i| {
            let at = ((h + i * step) % bits) as usize;
            let digit = ALPHABET.iter().position(|&c| c == self.code[at / 6]).unwrap();
            digit >> (at % 6) & 1 == 1
        })
    }
}

/// Every token of the index: (its own file's name, the entry in its shard).
fn tokens(out: &Path) -> BTreeMap<String, (String, Value)> {
    let mut all = BTreeMap::new();
    for (dir, prefix) in [("s", ""), ("u", "u")] {
        for e in std::fs::read_dir(out.join("search").join(dir)).unwrap() {
            let shard = object(&e.unwrap().path());
            for (token, v) in shard.as_object().unwrap() {
                all.insert(token.clone(), (format!("{prefix}{:x}", fnv(token)), v.clone()));
            }
        }
    }
    all
}

/// Every common token's postings are in its own file, which meta.js's filter has;
/// so is every other token the filter has (a false positive costs no missing file).
#[test]
fn every_token_the_filter_has_has_its_own_file() {
    let (_site, out) = site();
    let bloom = Bloom::of(&out);
    let tokens = tokens(&out);
    let (mut common, mut also) = (0, 0);
    for (token, (name, entry)) in &tokens {
        if entry == 1 {
            common += 1;
            assert!(bloom.has(token), "{token}: a common token the filter misses");
        }
        if bloom.has(token) {
            let file = object(&out.join(format!("search/b/{name}.js")));
            let postings = file[token].as_str().unwrap_or_else(|| panic!("{token}: not in b/{name}.js"));
            if let Some(code) = entry.as_str() {
                also += 1;
                assert_eq!(postings, code, "{token}: the same postings in the shard and its own file");
            }
        }
    }
    assert!(common >= 3, "党员 and its characters are in every page: {common} common tokens");
    let files = std::fs::read_dir(out.join("search/b")).unwrap().count();
    assert!(files <= common + also, "{files} own files for {common} common tokens and {also} others");
    assert!(also * 100 <= tokens.len(), "{also} false positives among {} tokens", tokens.len());
}

/// The files a query loaded, in the order it asked for them, and its state.
fn query(b: &mut cdp::Browser, out: &Path, q: &str) -> (Vec<String>, Value) {
    b.navigate(&format!("file://{}/search/index.html?q={}", out.display(), pct(q)));
    let state = answered(b, q, "file://");
    let loaded = state["loaded"].as_str().unwrap_or("").split(' ').map(String::from).collect();
    (loaded, state)
}

/// The number of `path`'s document (`d/<id>.js`).
fn doc_id(out: &Path, path: &str) -> String {
    for e in std::fs::read_dir(out.join("search/d")).unwrap() {
        let file = e.unwrap().path();
        if object(&file)["u"] == path {
            return file.file_stem().unwrap().to_string_lossy().into_owned();
        }
    }
    panic!("no document for {path}");
}

#[test]
fn a_query_asks_for_what_it_needs_in_two_rounds() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let (_site, out) = site();
    let mut b = cdp::Browser::launch(exe);

    // A common token: its own file is asked for instead of its shard, before any
    // document; every page is found.
    let (loaded, state) = query(&mut b, &out, "党员");
    assert_eq!(loaded[0], format!("b/{:x}.js", fnv("党员")), "{loaded:?}");
    assert!(loaded[1..].iter().all(|f| f.starts_with("d/")), "then only documents: {loaded:?}");
    assert!(state["status"].as_str().unwrap().contains("找到 700 条"), "{state}");
    // 显示更多结果: ten more, after the same first ten, none twice.
    let first_ten = state["hits"].as_array().unwrap().clone();
    b.click("#search-more");
    b.wait_for("document.querySelectorAll('.search-result').length === 20", std::time::Duration::from_secs(20)).expect("ten more results");
    let hits: Vec<String> =
        serde_json::from_value(b.eval("[].map.call(document.querySelectorAll('.search-result-title a'), function (a) { return a.getAttribute('href'); })"))
            .unwrap();
    assert_eq!(hits[..10], first_ten[..], "the first ten stay");
    assert_eq!(hits.iter().collect::<std::collections::BTreeSet<_>>().len(), 20, "{hits:?}");

    // Only past the head: the rest is asked for together with the document, and the
    // snippet shows the word. For a word (exact) and a phrase checked as written.
    let deep = doc_id(&out, "notices/deep/");
    for q in ["鸿雁", "廉洁自律承诺"] {
        let (loaded, state) = query(&mut b, &out, q);
        let at = loaded.iter().position(|f| *f == format!("d/{deep}.js")).unwrap_or_else(|| panic!("{q}: {loaded:?}"));
        assert_eq!(loaded.get(at + 1), Some(&format!("e/{deep}.js")), "{q}: the rest right with the document: {loaded:?}");
        assert_eq!(state["hits"].as_array().unwrap().len(), 1, "{q}: {state}");
        let mark = b.eval("document.querySelector('.search-snippet mark') && document.querySelector('.search-snippet mark').textContent");
        assert!(mark.as_str().is_some_and(|m| q.contains(m)), "{q}: the snippet marks the query: {mark}");
    }

    // Further in: the pieces of the rest one after another, up to the one with it.
    let deeper = doc_id(&out, "notices/deeper/");
    let (loaded, state) = query(&mut b, &out, "鹈鹕");
    let pieces: Vec<&String> = loaded.iter().filter(|f| f.starts_with("e/")).collect();
    assert_eq!(pieces, [&format!("e/{deeper}.js"), &format!("e/{deeper}-2.js"), &format!("e/{deeper}-3.js")], "{loaded:?}");
    assert!(out.join(format!("search/e/{deeper}-4.js")).exists(), "more pieces, not loaded");
    let mark = b.eval("document.querySelector('.search-snippet mark') && document.querySelector('.search-snippet mark').textContent");
    assert_eq!(mark, "鹈鹕", "{state}");

    // In the title: no rest is needed (the snippet is the start of the text).
    let (loaded, state) = query(&mut b, &out, "安全生产专项检查");
    let titled = doc_id(&out, "notices/titled/");
    assert!(loaded.contains(&format!("d/{titled}.js")) && !loaded.contains(&format!("e/{titled}.js")), "{loaded:?}");
    assert_eq!(state["hits"][0], "../notices/titled/index.html", "{state}");
    let errors = b.take_errors();
    assert!(errors.is_empty(), "browser errors: {errors:?}");

    // A token no page has, which the filter has anyway: the missing file it asks
    // for is not an error to the reader.
    let bloom = Bloom::of(&out);
    let tokens = tokens(&out);
    let absent = ('一'..='龥')
        .flat_map(|a| ['鹏', '鹤', '鹰'].map(move |b| format!("{a}{b}")))
        .find(|t| !tokens.contains_key(t) && bloom.has(t))
        .expect("some absent bigram passes the filter");
    let (loaded, state) = query(&mut b, &out, &absent);
    assert!(loaded.contains(&format!("b/{:x}.js", fnv(&absent))), "{absent}: {loaded:?}");
    assert!(state["status"].as_str().unwrap().contains("没有找到"), "{absent}: {state}");
    let errors = b.take_errors();
    assert!(errors.iter().all(|e| e.contains("/search/b/")), "only the missing file: {errors:?}");
}

/// A phrase whose bigrams 40 long pages have, scattered far into their text but
/// never as written: every page is a result (it has every token), but checking
/// them for the phrase stops at the query's budget of document text (search.js
/// `BUDGET`, 8,000 characters beyond the ten shown), not after every piece of all 40.
#[test]
fn a_phrase_check_stops_at_its_budget() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let site = Site::new();
    for i in 0..40 {
        site.page(&format!("notices/p{i:02}.md"), &format!("第{i}次会议记录"), &format!("{}\n\n传说鹊桥。石桥相连。朋友相会。", FILLER.repeat(200)));
    }
    let out = build(&site);
    let mut b = cdp::Browser::launch(exe);
    let (loaded, state) = query(&mut b, &out, "鹊桥相会");
    assert!(state["status"].as_str().unwrap().contains("找到 40 条"), "every page has the tokens: {state}");
    assert_eq!(state["hits"].as_array().unwrap().len(), 10, "{state}");
    let text: usize = loaded
        .iter()
        .filter(|f| f.starts_with("d/") || f.starts_with("e/"))
        .map(|f| std::fs::read_to_string(out.join("search").join(f)).unwrap().chars().count())
        .sum();
    let all: usize = std::fs::read_dir(out.join("search/e")).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap().chars().count()).sum();
    assert!(text < 8_000 + 10 * 600 + 2 * 1600, "{text} characters of documents loaded (of {all} in the rests): {loaded:?}");
    assert!(all > 3 * text, "the budget is what stopped it: {all}");
    let errors = b.take_errors();
    assert!(errors.is_empty(), "browser errors: {errors:?}");
}

/// A token in more pages than its own file keeps whole (2,000 of them, past
/// `tiers::TIER_BYTES` of postings): its file holds its best postings and its
/// count; a query for it alone loads only that file and states the exact count; a
/// query with a rarer word, or with a filter, also loads which pages have it
/// (`-m.js`) and finds exactly the pages with both.
#[test]
fn a_very_common_token_is_cut_to_its_best_and_its_members() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let site = Site::new();
    for i in 0..2000 {
        let rare = if i % 50 == 0 { "会议学习了鹳雀楼诗篇。" } else { "" };
        let date = format!("{}-03-01", 2023 + i % 2);
        site.file(
            &format!("content/notices/p{i:04}.md"),
            &format!("+++\ntitle = \"第{i}次支部会议\"\ndate = {date}\n+++\n全体党员参加，第{i}号。{rare}{FILLER}"),
        );
    }
    site.page("topics/dangyuan.md", "党员", "党员是中国工人阶级的有共产主义觉悟的先锋战士。");
    let out = build(&site);
    let name = format!("{:x}", fnv("党员"));
    let own = std::fs::read_to_string(out.join(format!("search/b/{name}.js"))).unwrap();
    let cut = &own[own.find("},{").expect("a cut list says its count") + 2..];
    assert!(cut.starts_with("{\"党员\":[2001,"), "{cut}");
    let mut b = cdp::Browser::launch(exe);

    let (loaded, state) = query(&mut b, &out, "党员");
    assert_eq!(loaded[0], format!("b/{name}.js"), "{loaded:?}");
    assert!(!loaded.iter().any(|f| f.ends_with("-m.js")), "alone, the best postings are enough: {loaded:?}");
    assert!(state["status"].as_str().unwrap().contains("找到 2001 条"), "the exact count: {state}");
    assert_eq!(state["hits"][0], "../topics/dangyuan/index.html", "the page titled with it first: {state}");

    let (loaded, state) = query(&mut b, &out, "党员 鹳雀");
    assert!(loaded.contains(&format!("b/{name}-m.js")), "{loaded:?}");
    assert!(state["status"].as_str().unwrap().contains("找到 40 条"), "exactly the pages with both: {state}");

    b.navigate(&format!("file://{}/search/index.html?q={}&year=2024", out.display(), pct("党员")));
    let state = answered(&mut b, "党员", "file://");
    assert!(state["loaded"].as_str().unwrap().contains(&format!("b/{name}-m.js")), "{state}");
    assert!(state["status"].as_str().unwrap().contains("找到 1000 条"), "exactly the pages of 2024: {state}");
    let errors = b.take_errors();
    assert!(errors.is_empty(), "browser errors: {errors:?}");
}

/// More very common tokens than their membership files' budget (search.js
/// `MEMBERS`, 24 KB): a 33-character line in half of 6,000 pages and its first 24
/// characters in a quarter more, so each of its 32 bigrams is cut and has a 1 KB
/// membership file. The first fit the budget, the others only score: the page
/// says “约” (the 4,500 candidates times the share of those checked that have the
/// line: near the true 3,000), searches the candidates' text for the cut bigrams,
/// drops those without them, and shows only pages with the whole line.
#[test]
fn past_the_membership_budget_the_count_is_an_estimate_and_results_are_checked() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let line = "白日依山尽黄河入海流欲穷千里目更上一层楼床前明月光疑是地上霜举头望";
    let site = Site::new();
    for i in 0..6000 {
        let part: String = line.chars().take(24).collect();
        let text = match i % 4 {
            0 | 2 => format!("{line}。{FILLER}"),
            1 => format!("{part}。{FILLER}"),
            _ => FILLER.to_string(),
        };
        site.page(&format!("notices/p{i:04}.md"), &format!("第{i}号"), &text);
    }
    let out = build(&site);
    let mut b = cdp::Browser::launch(exe);
    let (loaded, state) = query(&mut b, &out, line);
    let members = loaded.iter().filter(|f| f.ends_with("-m.js")).count();
    assert!(members > 0 && members < 32, "{members} of 32 membership files: {loaded:?}");
    let status = state["status"].as_str().unwrap();
    let about: usize = status.split("找到约 ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!((2400..=3600).contains(&about), "{status}");
    let hits = state["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10, "{state}");
    for h in hits {
        let n: usize = h.as_str().unwrap().trim_start_matches("../notices/p").trim_end_matches("/index.html").parse().unwrap();
        assert_eq!(n % 2, 0, "{h}: a page with the line");
    }
    let errors = b.take_errors();
    assert!(errors.is_empty(), "browser errors: {errors:?}");
}
