//! Front matter: TOML between `+++` lines (canonical) or YAML between `---` lines.
//! Pure: text in, typed values and located problems out.

use super::date::DateValue;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A file cut into front matter and body. Offsets are byte offsets into the text.
#[derive(Debug)]
pub struct Split<'a> {
    pub format: Option<Format>,
    pub front: &'a str,
    pub front_start: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// A problem with a byte span in the whole file text.
#[derive(Debug, Clone)]
pub struct FmError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: Option<String>,
}

pub fn split(text: &str) -> Result<Split<'_>, FmError> {
    let (format, fence) = if first_line_is(text, "+++") {
        (Format::Toml, "+++")
    } else if first_line_is(text, "---") {
        (Format::Yaml, "---")
    } else {
        return Ok(Split { format: None, front: "", front_start: 0, body: text, body_line: 1 });
    };
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let body_start = offset + line.len();
            let body_line = text[..body_start].matches('\n').count() + 1;
            return Ok(Split { format: Some(format), front: &text[front_start..offset], front_start, body: &text[body_start..], body_line });
        }
        offset += line.len();
    }
    Err(FmError {
        start: 0,
        end: fence.len(),
        message: format!("front matter 没有结束：开头的 {fence} 之后找不到结束的 {fence} 行"),
        hint: Some(format!("在标题等设置项之后单独加一行 {fence}，再写正文")),
    })
}

fn first_line_is(text: &str, fence: &str) -> bool {
    text.lines().next().is_some_and(|l| l.trim_end() == fence)
}

/// Keys dwgk reads itself; everything else goes to `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "kind",
    "scope",
    "draft",
    "publish_date",
    "expire_date",
    "reviewed_by",
    "approved_by",
    "doc_number",
    "issuer",
    "unit",
    "weight",
    "slug",
    "path",
    "template",
    "tags",
    "taxonomies",
    "sort_by",
    "paginate_by",
    "page_template",
    "page_kind",
    "page_scope",
    "extra",
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub draft: bool,
    pub publish_date: Option<DateValue>,
    pub expire_date: Option<DateValue>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    /// 发文字号 (`财机党发〔2024〕3号`): printed under the 红头.
    pub doc_number: Option<String>,
    /// 发文机关 / 落款 unit: the 红头 and the signature block.
    pub issuer: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub template: Option<String>,
    pub tags: Vec<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub sort_by: Option<String>,
    pub paginate_by: Option<usize>,
    pub page_template: Option<String>,
    /// On a section: the `kind` of its pages that name none (Word pages, mostly).
    pub page_kind: Option<String>,
    /// On a section: the `scope` of its pages that name none.
    pub page_scope: Option<String>,
    /// `unit`: an id string on a page, a `[unit]` table on a unit's `_index.md`.
    #[serde(skip)]
    pub unit: Option<Value>,
    /// Unknown keys plus the `[extra]` table.
    #[serde(skip)]
    pub extra: Map<String, Value>,
}

/// Parses the front matter of `split` (from `text`, the whole file).
pub fn parse(text: &str, split: &Split<'_>) -> Result<FrontMatter, FmError> {
    let Some(format) = split.format else {
        return Ok(FrontMatter::default());
    };
    let (fm, generic) = match format {
        Format::Toml => parse_toml(split.front).map_err(|e| toml_error(e, split.front_start))?,
        Format::Yaml => parse_yaml(split.front).map_err(|e| yaml_error(text, e, split.front_start))?,
    };
    Ok(with_rest(fm, generic))
}

/// `unit`, `[extra]` and the unknown keys of the parsed table, beside the typed keys.
fn with_rest(mut fm: FrontMatter, generic: Value) -> FrontMatter {
    if let Value::Object(mut map) = generic {
        fm.unit = map.remove("unit");
        if let Some(Value::Object(extra)) = map.remove("extra") {
            fm.extra.extend(extra);
        }
        for (k, v) in map {
            if !KNOWN_KEYS.contains(&k.as_str()) {
                fm.extra.insert(k, v);
            }
        }
    }
    fm
}

/// Front matter from a key/value table built in code (a Word document's title,
/// date, 文号 …), checked by the same typed parsing as written front matter.
/// `Err`: the message of a value of the wrong type.
pub fn from_table(table: Map<String, Value>) -> Result<FrontMatter, String> {
    let generic = Value::Object(table);
    let fm = FrontMatter::deserialize(&generic).map_err(|e| e.to_string())?;
    Ok(with_rest(fm, generic))
}

/// Parses the text once (the common simple form by `simple_toml`, the rest by the
/// `toml` crate); the typed keys are read from the parsed table. Only when they do
/// not fit (a type error) is the text parsed again, for the error's location.
fn parse_toml(src: &str) -> Result<(FrontMatter, Value), toml::de::Error> {
    use serde::Deserialize;
    let generic = match super::simple_toml::parse(src) {
        Some(map) => Value::Object(map),
        None => toml_to_json(toml::Value::Table(toml::from_str(src)?)),
    };
    let fm = match FrontMatter::deserialize(&generic) {
        Ok(fm) => fm,
        Err(_) => toml::from_str(src)?,
    };
    Ok((fm, generic))
}

fn parse_yaml(src: &str) -> Result<(FrontMatter, Value), serde_norway::Error> {
    if src.trim().is_empty() {
        return Ok((FrontMatter::default(), Value::Object(Map::new())));
    }
    let fm: FrontMatter = serde_norway::from_str(src)?;
    let value: serde_norway::Value = serde_norway::from_str(src)?;
    Ok((fm, yaml_to_json(value)))
}

pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

fn yaml_to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other).unwrap_or_default().trim().to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

fn toml_error(e: toml::de::Error, base: usize) -> FmError {
    let span = e.span().unwrap_or(0..0);
    let (message, hint) = super::parse_errors::explain(e.message(), "TOML");
    FmError { start: base + span.start, end: base + span.end.max(span.start + 1), message, hint }
}

fn yaml_error(text: &str, e: serde_norway::Error, base: usize) -> FmError {
    let start = match e.location() {
        Some(loc) => base + loc.index(),
        None => base,
    };
    let raw = e.to_string();
    let raw = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    let (message, hint) = super::parse_errors::explain(&raw, "YAML");
    let start = start.min(text.len());
    FmError { start, end: start + 1, message, hint }
}

/// Finds where `key` is set in the front matter, for errors found after parsing.
/// Returns the byte span of its value in the whole file.
pub fn locate_key(split: &Split<'_>, key: &str) -> Option<(usize, usize)> {
    let mut offset = split.front_start;
    for line in split.front.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest_trim = rest.trim_start();
            if rest_trim.starts_with('=') || rest_trim.starts_with(':') {
                let value = rest_trim[1..].trim();
                let value_at = line.len() - rest_trim.len() + 1 + (rest_trim[1..].len() - rest_trim[1..].trim_start().len());
                let start = offset + value_at;
                return Some((start, start + value.len().max(1)));
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<FrontMatter, FmError> {
        let s = split(text)?;
        parse(text, &s)
    }

    #[test]
    fn toml_and_yaml_give_the_same_fields() {
        let a = fm("+++\ntitle = \"通知\"\ndate = 2024-03-15\nkind = \"通知\"\ncolour = \"红\"\n[extra]\nk = 1\n+++\n正文").unwrap();
        let b = fm("---\ntitle: 通知\ndate: 2024-03-15\nkind: 通知\ncolour: 红\nextra:\n  k: 1\n---\n正文").unwrap();
        for f in [&a, &b] {
            assert_eq!(f.title.as_deref(), Some("通知"));
            assert_eq!(f.date.unwrap().to_string(), "2024-03-15");
            assert_eq!(f.extra["colour"], "红");
            assert_eq!(f.extra["k"], 1);
        }
    }

    #[test]
    fn body_line_is_after_the_fence() {
        let text = "+++\ntitle = \"a\"\n+++\n第一行";
        let s = split(text).unwrap();
        assert_eq!(s.body, "第一行");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter() {
        let e = split("+++\ntitle = \"a\"\n正文").unwrap_err();
        assert!(e.message.contains("没有结束"));
    }

    #[test]
    fn wrong_date_points_at_the_value() {
        let text = "+++\ntitle = \"a\"\ndate = \"昨天\"\n+++\n";
        let e = fm(text).unwrap_err();
        assert!(e.message.contains("昨天"), "{}", e.message);
        assert_eq!(crate::diag::pos_of(text, e.start).line, 3);
    }

    #[test]
    fn wrong_type_is_explained_in_chinese() {
        let e = fm("+++\ntitle = 12\n+++\n").unwrap_err();
        assert!(e.message.contains("类型不对"), "{}", e.message);
    }

    #[test]
    fn yaml_error_has_a_location() {
        let text = "---\ntitle: a\ndate: [\n---\n";
        let e = fm(text).unwrap_err();
        assert!(e.message.starts_with("YAML"), "{}", e.message);
        assert!(crate::diag::pos_of(text, e.start).line >= 2);
    }

    #[test]
    fn locate_key_finds_the_value() {
        let text = "+++\ntitle = \"a\"\nkind = \"通告\"\n+++\n";
        let s = split(text).unwrap();
        let (start, _) = locate_key(&s, "kind").unwrap();
        assert_eq!(&text[start..start + 1], "\"");
    }
}
