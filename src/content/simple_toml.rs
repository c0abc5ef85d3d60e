//! A fast path for the front matter most pages have: `key = value` lines and
//! `[table]` headers with plain strings, integers, booleans, dates and one-line
//! string arrays. The `toml` crate spends ~7,000 instructions a line (spans,
//! events, an intermediate table); a record page's `[counts]` makes it the
//! largest cost of reading a site.
//!
//! Anything outside that subset — escapes, floats, times, inline tables,
//! multi-line arrays, dotted or quoted keys, repeated keys, any error — returns
//! `None` and the caller uses the real parser, which also reports errors. So this
//! never decides what is valid TOML; it only reads what it is sure of, with the
//! values the real parser would give (a differential test checks this).

use serde_json::{Map, Value};

/// The front matter as a JSON object, or `None` to use the full parser.
pub fn parse(src: &str) -> Option<Map<String, Value>> {
    let mut root = Map::new();
    let mut table: Option<String> = None;
    for raw in src.lines() {
        let line = raw.trim_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (name, after) = rest.split_once(']')?;
            if !is_bare_key(name) || !is_end(after) || root.contains_key(name) {
                return None;
            }
            root.insert(name.to_string(), Value::Object(Map::new()));
            table = Some(name.to_string());
            continue;
        }
        let (key, rest) = line.split_once('=')?;
        let key = key.trim_end_matches([' ', '\t']);
        if !is_bare_key(key) {
            return None;
        }
        let value = value(rest.trim_start_matches([' ', '\t']))?;
        let target = match &table {
            Some(t) => root.get_mut(t)?.as_object_mut()?,
            None => &mut root,
        };
        if target.insert(key.to_string(), value).is_some() {
            return None;
        }
    }
    Some(root)
}

fn is_bare_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Only blanks or a comment may follow a value.
fn is_end(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

/// A value of the subset this reader is sure of (`None`: something else).
pub(crate) fn value(text: &str) -> Option<Value> {
    if let Some((s, rest)) = string(text) {
        return is_end(rest).then(|| Value::String(s.to_string()));
    }
    if let Some(inner) = text.strip_prefix('[') {
        return array(inner);
    }
    let end = text.find([' ', '\t', '#']).unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    if !is_end(rest) {
        return None;
    }
    match word {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        _ => integer(word).or_else(|| date(word)),
    }
}

/// `"…"` without escapes, or `'…'`; the string and what follows it.
fn string(text: &str) -> Option<(&str, &str)> {
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &text[1..];
    let close = body.find(quote)?;
    let s = &body[..close];
    if body[close..].starts_with(if quote == '"' { "\"\"\"" } else { "'''" })
        || (quote == '"' && s.contains('\\'))
        || s.chars().any(|c| c.is_control() && c != '\t')
    {
        return None;
    }
    Some((s, &body[close + 1..]))
}

/// A one-line array of strings: `["a", 'b']`, a trailing comma allowed.
fn array(mut rest: &str) -> Option<Value> {
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = rest.strip_prefix(']') {
            return is_end(after).then_some(Value::Array(items));
        }
        let (s, after) = string(rest)?;
        items.push(Value::String(s.to_string()));
        rest = after.trim_start_matches([' ', '\t']);
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with(']') {
            return None;
        }
    }
}

/// Decimal integers as TOML writes them: no leading zeros, no underscores.
fn integer(word: &str) -> Option<Value> {
    let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    word.trim_start_matches('+').parse::<i64>().ok().map(Value::from)
}

/// A local date `YYYY-MM-DD` that exists, as the text the full parser gives.
fn date(word: &str) -> Option<Value> {
    let b = word.as_bytes();
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let (y, m, d) = (word[..4].parse().ok()?, word[5..7].parse().ok()?, word[8..].parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| Value::String(word.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::toml_to_json;

    fn full(src: &str) -> Option<Value> {
        toml::from_str::<toml::Table>(src).ok().map(|t| toml_to_json(toml::Value::Table(t)))
    }

    /// Whatever the fast path accepts, the full parser reads the same.
    fn same(src: &str) -> bool {
        match parse(src) {
            Some(fast) => {
                assert_eq!(Some(Value::Object(fast)), full(src), "fast path differs on:\n{src}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_a_record_page() {
        let src = "title = \"第一党支部2024年第一季度工作记录\"\ndate = 2024-03-28\nkind = 'record'\nperiod = \"2024-Q1\"\ntags = [\"三会一课\", '党费',]\ndraft = false\n# 次数\n[counts]\nzhiweihui = 3\n支部委员会会议 = 3\n";
        assert!(parse(src).is_none(), "a Chinese bare key is not TOML: the full parser explains it");
        let src = src.replace("支部委员会会议 = 3\n", "dangke = -0 # 无\n  jiceng\t=\t+12\n");
        assert!(same(&src));
    }

    #[test]
    fn leaves_everything_else_to_the_full_parser() {
        for src in [
            "title = \"a\\\"b\"",               // escapes
            "weight = 1.5",                     // float
            "date = 2024-03-28T10:00:00+08:00", // time
            "date = 2024-02-30",                // no such day
            "n = 007",                          // leading zero
            "n = 1_000",                        // underscore
            "n = 99999999999999999999",         // too big
            "a.b = 1",                          // dotted key
            "\"a\" = 1",                        // quoted key
            "a = 1\na = 2",                     // repeated key
            "[t]\n[t]",                         // repeated table
            "[a.b]",                            // nested table
            "[[sessions]]\ntitle = \"x\"",      // array of tables
            "t = { a = 1 }",                    // inline table
            "tags = [\n\"a\"]",                 // multi-line array
            "tags = [1, 2]",                    // non-string array
            "title = \"\"\"x\"\"\"",            // multi-line string
            "title = \"a\" b",                  // trailing garbage
            "title = ",                         // no value
        ] {
            assert!(parse(src).is_none(), "should fall back: {src}");
        }
    }

    #[test]
    fn agrees_with_the_full_parser_on_generated_front_matter() {
        let keys = ["title", "n", "draft", "date", "tags", "kind", "x-y", "a_1"];
        let values = [
            "\"党费\"",
            "'a#b'",
            "\"\"",
            "0",
            "-5",
            "+7",
            "42",
            "true",
            "false",
            "2024-01-31",
            "[]",
            "[\"a\", 'b']",
            "[ \"c\" , ]",
            "\"x\" # c",
            "3#c",
            "1.0",
            "1979-05-27T07:32:00Z",
            "007",
            "[\"a\" \"b\"]",
            "'it''s'",
        ];
        let mut accepted = 0;
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut src = String::new();
            for line in 0..(seed % 6) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let k = keys[(seed >> 33) as usize % keys.len()];
                let v = values[(seed >> 40) as usize % values.len()];
                if line == 3 && seed % 3 == 0 {
                    src.push_str("[counts]\n");
                }
                src.push_str(&format!("{k} = {v}\n"));
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            if same(&src) {
                accepted += 1;
            }
        }
        assert!(accepted > 300, "the fast path should take the common cases ({accepted})");
    }

    #[test]
    fn agrees_with_the_full_parser_on_the_example_site() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut accepted = 0;
        for e in walkdir::WalkDir::new(root.join("content")).into_iter().chain(walkdir::WalkDir::new(root.join("tests"))).flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
            if e.path().extension().is_some_and(|x| x == "md") {
                if let Ok(split) = crate::content::front_matter::split(&text) {
                    if split.format == Some(crate::content::front_matter::Format::Toml) && same(split.front) {
                        accepted += 1;
                    }
                }
            }
        }
        assert!(accepted > 20, "{accepted}");
    }
}
