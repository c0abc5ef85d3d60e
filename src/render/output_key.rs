//! What a template output is rendered from, as one 128-bit key: the templates,
//! the URL style, what the template functions can look up, and the output's own
//! variables. Two renders with equal keys give equal bytes, so a build can keep
//! the file the last build rendered from the same key (`Sink::reuse`) instead of
//! rendering it again.

use super::summaries::Marks;
use super::theme::Templates;
use crate::site::Site;
use serde_json::{Map, Value};
use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;

/// The part of every key that is the same for all outputs of a build.
pub struct Keys {
    base: SipHasher13,
}

impl Keys {
    /// `env`: the environment variables templates may read (`get_env`), with values.
    pub fn new(site: &Site, templates: &Templates, env: &[(String, Option<String>)]) -> Keys {
        let mut h = SipHasher13::new();
        let mut names: Vec<&String> = templates.sources.keys().collect();
        names.sort();
        for name in names {
            text(&mut h, name);
            text(&mut h, &templates.sources[name].text);
        }
        let c = &site.config;
        text(&mut h, &c.base_url);
        text(&mut h, c.base_path());
        h.write_u8(u8::from(c.relative_urls));
        for (name, value) in env {
            text(&mut h, name);
            match value {
                Some(v) => text(&mut h, v),
                None => h.write_u8(0xfe),
            }
        }
        // What get_url, get_taxonomy_url and nav_items return: every visible
        // item's path, every term's path, the top-level units.
        let mut paths: Vec<(&String, Option<&str>)> = site.by_rel.iter().map(|(rel, &item)| (rel, super::view::item_path(site, item))).collect();
        paths.sort_unstable();
        for (rel, path) in paths {
            text(&mut h, rel);
            text(&mut h, path.unwrap_or("\u{0}"));
        }
        for t in &site.taxonomies {
            text(&mut h, &t.name);
            for term in &t.terms {
                text(&mut h, &term.name);
                text(&mut h, &term.slug);
            }
        }
        for s in super::nav::sections(site) {
            text(&mut h, &s.path);
            text(&mut h, &s.title);
        }
        Keys { base: h }
    }

    /// The key of output `output` of `template` with variables `vars`, where
    /// `marks` stand for page summaries (`summaries::Marks`).
    pub fn of(&self, template: &str, output: &str, vars: &Map<String, Value>, marks: Option<&Marks>) -> u128 {
        let mut h = self.base;
        text(&mut h, template);
        text(&mut h, output);
        map(&mut h, vars, marks);
        h.finish128().as_u128()
    }
}

/// The hash a mark of `summary` feeds into a key.
pub fn value_hash(summary: &Value) -> u128 {
    let mut h = SipHasher13::new();
    value(&mut h, summary, None);
    h.finish128().as_u128()
}

/// The key of an output that is its own input: its bytes (`write_or_keep`).
pub fn of_bytes(bytes: &[u8]) -> u128 {
    let mut h = SipHasher13::new_with_keys(0x6477_676b, 0x6279_7465);
    h.write(bytes);
    h.finish128().as_u128()
}

fn text(h: &mut SipHasher13, s: &str) {
    h.write_usize(s.len());
    h.write(s.as_bytes());
}

fn map(h: &mut SipHasher13, m: &Map<String, Value>, marks: Option<&Marks>) {
    h.write_usize(m.len());
    for (k, v) in m {
        text(h, k);
        value(h, v, marks);
    }
}

/// Every value feeds its kind and its length first: no two values hash alike by
/// running into each other. A mark feeds its own kind and the summary's hash.
fn value(h: &mut SipHasher13, v: &Value, marks: Option<&Marks>) {
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => h.write_u8(1 + u8::from(*b)),
        Value::Number(n) => {
            h.write_u8(3);
            if let Some(u) = n.as_u64() {
                h.write_u8(0);
                h.write_u64(u);
            } else if let Some(i) = n.as_i64() {
                h.write_u8(1);
                h.write_i64(i);
            } else {
                h.write_u8(2);
                h.write_u64(n.as_f64().unwrap_or(f64::NAN).to_bits());
            }
        }
        Value::String(s) => match marks.and_then(|m| m.hash_of(s)) {
            Some(summary) => {
                h.write_u8(7);
                h.write_u128(summary);
            }
            None => {
                h.write_u8(4);
                text(h, s);
            }
        },
        Value::Array(a) => {
            h.write_u8(5);
            h.write_usize(a.len());
            for x in a {
                value(h, x, marks);
            }
        }
        Value::Object(m) => {
            h.write_u8(6);
            map(h, m, marks);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(v: Value) -> u128 {
        key_with(v, None)
    }

    fn key_with(v: Value, marks: Option<&Marks>) -> u128 {
        let mut h = SipHasher13::new();
        value(&mut h, &v, marks);
        h.finish128().as_u128()
    }

    #[test]
    fn a_mark_is_keyed_as_the_summary_it_stands_for_in_every_build() {
        let (a, b) = (json!({"title": "甲"}), json!({"title": "乙"}));
        let hashes = vec![value_hash(&a), value_hash(&b)];
        // Two builds: another nonce each, the same summaries.
        let (one, two) = (Marks::with_hashes(hashes.clone()), Marks::with_hashes(hashes));
        let list = |m: &Marks, pages: &[usize]| json!({ "pages": pages.iter().map(|&i| m.mark(i)).collect::<Vec<_>>() });
        assert_eq!(key_with(list(&one, &[0, 1]), Some(&one)), key_with(list(&two, &[0, 1]), Some(&two)), "keys do not depend on the nonce");
        assert_ne!(key_with(list(&one, &[0, 1]), Some(&one)), key_with(list(&one, &[1, 0]), Some(&one)));
        assert_ne!(key_with(list(&one, &[0]), Some(&one)), key_with(list(&one, &[1]), Some(&one)), "another summary, another key");
        let changed = Marks::with_hashes(vec![value_hash(&json!({"title": "甲（修订）"})), value_hash(&b)]);
        assert_ne!(key_with(list(&one, &[0]), Some(&one)), key_with(list(&changed, &[0]), Some(&changed)), "a summary edited");
        // Text is never taken for a mark: not another build's, not without marks.
        assert_ne!(key_with(list(&one, &[0]), Some(&one)), key_with(list(&two, &[0]), Some(&one)));
        assert_ne!(key_with(list(&one, &[0]), Some(&one)), key_with(list(&one, &[0]), None));
    }

    #[test]
    fn values_that_differ_anywhere_have_different_keys() {
        let all = [
            json!(null),
            json!(false),
            json!(true),
            json!(0),
            json!(-1),
            json!(0.5),
            json!(""),
            json!("0"),
            json!([]),
            json!([""]),
            json!(["", ""]),
            json!({}),
            json!({"a": ""}),
            json!({"a": "b"}),
            json!({"ab": ""}),
            json!(["a", "b"]),
            json!(["ab"]),
            json!([["a"], "b"]),
            json!({"a": {"b": 1}}),
            json!({"a": {"b": 2}}),
        ];
        let keys: std::collections::HashSet<u128> = all.iter().cloned().map(key).collect();
        assert_eq!(keys.len(), all.len());
        assert_eq!(key(json!({"a": [1, "x"]})), key(json!({"a": [1, "x"]})), "the same value, the same key");
    }
}
