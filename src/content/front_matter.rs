//! Front matter: TOML between `+++` lines (canonical) or YAML between `---` lines.
//! Pure: text in, typed values and located problems out.

use super::date::DateValue;
use super::front_matter_check as check;
pub use super::front_matter_check::KeyNote;
use super::front_matter_keys as keys;
use super::front_matter_repair as repair;
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
    /// A fence typed in full width (`＋＋＋`), accepted: the warning about it.
    pub fence_fix: Option<FmError>,
}

/// A problem with a byte span in the whole file text.
#[derive(Debug, Clone)]
pub struct FmError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The parser's own words (English), for `--format json` only.
    pub detail: Option<String>,
    /// Read anyway (a repaired spelling, a near-miss key): the page still builds.
    pub warning: bool,
}

impl FmError {
    fn new(start: usize, end: usize, message: String, hint: String) -> FmError {
        FmError { start, end, message, hint: Some(hint), detail: None, warning: false }
    }
}

/// The fences of each format: as typed on an English keyboard, and in full width.
const FENCES: [(Format, &str, &str); 2] = [(Format::Toml, "+++", "＋＋＋"), (Format::Yaml, "---", "－－－")];

pub fn split(text: &str) -> Result<Split<'_>, FmError> {
    let first = text.lines().next().unwrap_or("").trim_end();
    let Some(&(format, fence, wide)) = FENCES.iter().find(|(_, f, w)| first == *f || first == *w) else {
        return Ok(Split { format: None, front: "", front_start: 0, body: text, body_line: 1, fence_fix: None });
    };
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    let mut fence_fix = (first == wide).then(|| wide_fence(0, wide, fence));
    for line in text[front_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == fence || t == wide {
            if t == wide && fence_fix.is_none() {
                fence_fix = Some(wide_fence(offset, wide, fence));
            }
            let body_start = offset + line.len();
            let body_line = text[..body_start].matches('\n').count() + 1;
            return Ok(Split { format: Some(format), front: &text[front_start..offset], front_start, body: &text[body_start..], body_line, fence_fix });
        }
        offset += line.len();
    }
    Err(unclosed(text, front_start, format, fence))
}

fn wide_fence(at: usize, wide: &str, fence: &str) -> FmError {
    let message = format!("分隔行写成了全角的 {wide}，已按 {fence} 读取");
    FmError { warning: true, ..FmError::new(at, at + wide.len(), message, format!("改成英文的 {fence}（切换到英文输入法再输入）")) }
}

/// No closing fence: point at the first line that looks like body text.
fn unclosed(text: &str, front_start: usize, format: Format, fence: &str) -> FmError {
    let message = format!("front matter 没有结束：开头的 {fence} 之后找不到结束的 {fence} 行");
    let mut offset = front_start;
    for line in text[front_start..].split_inclusive('\n') {
        if !looks_like_setting(line, format) {
            let shown: String = line.trim().chars().take(20).collect();
            let hint = format!("在这一行（“{shown}”）之前单独加一行 {fence}：设置项写在两行 {fence} 之间，正文写在后面");
            return FmError::new(offset, offset + line.trim_end().len(), message, hint);
        }
        offset += line.len();
    }
    FmError::new(0, fence.len(), message, format!("在标题等设置项之后单独加一行 {fence}，再写正文"))
}

/// A front matter line: blank, a comment, a table header, `key = value`,
/// `key: value`, a list item or an indented continuation.
fn looks_like_setting(line: &str, format: Format) -> bool {
    let t = line.trim();
    let seps: &[char] = if format == Format::Toml { &['=', '＝'] } else { &[':', '：'] };
    t.is_empty() || t.starts_with(['#', '[', '【', '-', ']', '"', '\'']) || t.contains(seps) || line.starts_with([' ', '\t'])
}

/// Whether a file without fences starts with settings (`title = …`, `标题：…`): the
/// officer forgot the `+++` lines.
pub fn starts_with_settings(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let key = first.split(['=', '＝', ':', '：']).next().unwrap_or("").trim().trim_matches(['"', '“', '”']);
    first.len() > key.len() && (keys::find(keys::PAGE_KEYS, key).is_some() || keys::near_miss(keys::PAGE_KEYS, key).is_some())
}

/// The keys `FrontMatter` has fields for; the other keys of `front_matter_keys`
/// are read from `extra` by the parts of dwgk that use them.
const TYPED: &[&str] = &[
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

/// A page's front matter, read: the typed keys, and what later messages need.
#[derive(Debug, Default)]
pub struct Parsed {
    pub fm: FrontMatter,
    /// (canonical key, as written) where they differ: `("date", "日期")`.
    pub spelled: Vec<(String, String)>,
    /// Top-level keys dwgk does not read, kept in `extra`.
    pub unknown: Vec<String>,
}

/// Parses the front matter of `split` (from `text`, the whole file): the page's
/// keys (`None` when it cannot be built as written) and every problem, warnings
/// for what was read anyway.
pub fn parse(text: &str, split: &Split<'_>) -> (Option<Parsed>, Vec<FmError>) {
    let mut problems: Vec<FmError> = split.fence_fix.iter().cloned().collect();
    let map = match split.format {
        None => return (Some(Parsed::default()), problems),
        Some(Format::Toml) => read_toml(text, split, &mut problems),
        Some(Format::Yaml) => read_yaml(text, split, &mut problems),
    };
    let Some(map) = map else { return (None, problems) };
    let (parsed, notes) = from_map(map);
    for n in notes {
        let at = if n.at_value { locate_key(split, &n.key) } else { locate_key_name(split, &n.key) };
        let (start, end) = at.unwrap_or((split.front_start, split.front_start + 1));
        problems.push(FmError { warning: !n.error, ..FmError::new(start, end, n.message, n.hint) });
    }
    (parsed, problems)
}

/// Front matter given as data (parsed TOML or YAML, or a document's properties)
/// → the page's keys, by the same rules: Chinese names, near misses, values
/// coerced, keys at the wrong level (`front_matter_check`). `None` when a value
/// cannot be used; the notes say why, by the key as written.
pub fn from_map(map: Map<String, Value>) -> (Option<Parsed>, Vec<KeyNote>) {
    let checked = check::check(map);
    let mut notes = checked.notes;
    if checked.fatal {
        return (None, notes);
    }
    let (mut map, mut extra) = (Map::new(), checked.extra);
    for (k, v) in checked.map {
        // Keys the domain reads (`period`, `counts`, `ledger`…) live in `extra`.
        if TYPED.contains(&k.as_str()) {
            map.insert(k, v);
        } else {
            extra.insert(k, v);
        }
    }
    let unit = map.remove("unit");
    let mut fm = match FrontMatter::deserialize(Value::Object(map)) {
        Ok(fm) => fm,
        Err(e) => {
            // Coercion leaves nothing to fail here; say so in Chinese if it does.
            let (message, hint) = super::parse_errors::explain(&e.to_string(), "TOML");
            notes.push(KeyNote { key: String::new(), at_value: false, error: true, message, hint: hint.unwrap_or_default() });
            return (None, notes);
        }
    };
    fm.unit = unit;
    fm.extra = extra;
    (Some(Parsed { fm, spelled: checked.spelled, unknown: checked.unknown }), notes)
}

/// Front matter built in code (a Word document's title, date, 文号 …), read by
/// the same rules as written front matter (`from_map`). `Err`: the message of
/// the first value that cannot be used.
pub fn from_table(table: Map<String, Value>) -> Result<FrontMatter, String> {
    let (parsed, notes) = from_map(table);
    match (parsed, notes.iter().find(|n| n.error)) {
        (Some(p), None) => Ok(p.fm),
        (_, Some(n)) => Err(n.message.clone()),
        (None, None) => Err("页面设置无法读取".into()),
    }
}

/// The common simple form by `simple_toml`; anything else repaired
/// (`front_matter_repair`) and parsed by the `toml` crate.
fn read_toml(text: &str, split: &Split<'_>, problems: &mut Vec<FmError>) -> Option<Map<String, Value>> {
    if let Some(map) = super::simple_toml::parse(split.front) {
        return Some(map);
    }
    let repaired = repair::toml(split.front);
    problems.extend(repaired.fixes.iter().map(|f| fix(split, f)));
    if let Some(map) = super::simple_toml::parse(&repaired.text) {
        return Some(map);
    }
    match toml::from_str::<toml::Table>(&repaired.text) {
        Ok(t) => match toml_to_json(toml::Value::Table(t)) {
            Value::Object(map) => Some(map),
            _ => None,
        },
        Err(e) => {
            let at = split.front_start + repaired.original_offset(e.span().map_or(0, |s| s.start));
            problems.push(syntax_error(text, split.front_start, at, e.message(), "TOML"));
            None
        }
    }
}

fn read_yaml(text: &str, split: &Split<'_>, problems: &mut Vec<FmError>) -> Option<Map<String, Value>> {
    if split.front.trim().is_empty() {
        return Some(Map::new());
    }
    let repaired = repair::yaml(split.front);
    problems.extend(repaired.fixes.iter().map(|f| fix(split, f)));
    match serde_norway::from_str::<serde_norway::Value>(&repaired.text) {
        Ok(v) => match yaml_to_json(v) {
            Value::Object(map) => Some(map),
            Value::Null => Some(Map::new()),
            other => {
                let message = format!("YAML 格式错误：设置项要写成“键: 值”，这里读到的是一段文字 {other}");
                problems.push(FmError::new(
                    split.front_start,
                    split.front_start + 1,
                    message,
                    "每行写一个设置项，例如 title: 关于……的通知（冒号后有一个空格）".into(),
                ));
                None
            }
        },
        Err(e) => {
            let at = split.front_start + repaired.original_offset(e.location().map_or(0, |l| l.index()));
            let raw = e.to_string();
            problems.push(syntax_error(text, split.front_start, at, raw.split(" at line ").next().unwrap_or(&raw), "YAML"));
            None
        }
    }
}

fn fix(split: &Split<'_>, f: &repair::Fix) -> FmError {
    let (start, end) = (split.front_start + f.start, split.front_start + f.end);
    FmError { warning: true, ..FmError::new(start, end, f.message.clone(), f.hint.clone()) }
}

/// A parser's error at byte `at`: in Chinese, with a hint about that line's key
/// and value; the parser's words kept as the detail.
fn syntax_error(text: &str, front_start: usize, at: usize, raw: &str, lang: &str) -> FmError {
    let at = at.min(text.len());
    let mut line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let (message, _) = super::parse_errors::explain(raw, lang);
    // A quote or bracket left open on an earlier line is reported where the parser
    // gave up (the next line): point at the line that needs the fix.
    if let Some(open) = unclosed_line(&text[front_start.min(line_start)..line_start]) {
        line_start = front_start + open;
    }
    let line = text[line_start..].lines().next().unwrap_or("");
    let hint = super::parse_errors::line_hint(line, lang);
    let (start, end) =
        if at >= line_start && at < line_start + line.len() { (at, line_start + line.len()) } else { (line_start + line.len(), line_start + line.len() + 1) };
    FmError { detail: Some(raw.trim().to_string()), ..FmError::new(start, end, message, hint) }
}

/// The offset of the last line before `text` ends that leaves a `"` or `[` open.
fn unclosed_line(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut found = None;
    for line in text.split_inclusive('\n') {
        let code = line.split(" #").next().unwrap_or(line);
        let (quotes, open, close) =
            (code.matches('"').count() - code.matches("\\\"").count(), code.matches(['[', '{']).count(), code.matches([']', '}']).count());
        if quotes % 2 == 1 || (open > close && !code.trim_start().starts_with('[')) {
            found = Some(offset);
        }
        offset += line.len();
    }
    found
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

/// Finds where `key` is set in the front matter, for errors found after parsing.
/// Returns the byte span of its value in the whole file.
pub fn locate_key(split: &Split<'_>, key: &str) -> Option<(usize, usize)> {
    let (line_at, line, key_end) = key_line(split, key)?;
    let after = &line[key_end..];
    let sep = after.trim_start().chars().next()?;
    let value_part = &after.trim_start()[sep.len_utf8()..];
    let value = value_part.trim();
    let value_at = line_at + line.len() - value_part.trim_start().len();
    Some((value_at, value_at + value.len().max(1)))
}

/// The span of `key` itself where it is set (written plain or in quotes).
pub fn locate_key_name(split: &Split<'_>, key: &str) -> Option<(usize, usize)> {
    let (line_at, line, key_end) = key_line(split, key)?;
    let start = line_at + line.len() - line.trim_start().len();
    Some((start, line_at + key_end))
}

/// The first line setting `key` (`key =`, `"key" =`, `key:`, full-width `＝` `：`
/// too): its offset, its text and where the key ends in it.
fn key_line<'a>(split: &Split<'a>, key: &str) -> Option<(usize, &'a str, usize)> {
    if key.is_empty() {
        return None;
    }
    let spellings = [key.to_string(), format!("\"{key}\""), format!("'{key}'"), format!("“{key}”")];
    let mut offset = split.front_start;
    for line in split.front.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{3000}', '-']).trim_start();
        let indent = line.len() - trimmed.len();
        for spelled in &spellings {
            if let Some(rest) = trimmed.strip_prefix(spelled.as_str()) {
                if rest.trim_start().starts_with(['=', ':', '＝', '：']) {
                    return Some((offset, line, indent + spelled.len()));
                }
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
        let (parsed, problems) = parse(text, &s);
        match problems.into_iter().find(|p| !p.warning) {
            Some(e) => Err(e),
            None => Ok(parsed.expect("parsed without errors").fm),
        }
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
    fn keys_the_domain_reads_stay_in_extra() {
        for text in ["+++\n标题 = 记录\n统计时段 = 2024-Q1\n[统计]\n支委会 = 3\n+++\n", "---\n标题: 记录\n统计时段: 2024-Q1\n统计:\n  支委会: 3\n---\n"]
        {
            let f = fm(text).unwrap();
            assert_eq!(f.title.as_deref(), Some("记录"));
            assert_eq!(f.extra["period"], "2024-Q1", "{text}");
            assert_eq!(f.extra["counts"]["支委会"], 3, "{text}");
        }
    }

    #[test]
    fn officers_spellings_are_read() {
        let f = fm("＋＋＋\ntitle ＝ “关于召开组织生活会的通知”\ndate = 2024年3月5日\n\"类型\" = \"通知\"\ntags = 三会一课、党费\n＋＋＋\n").unwrap();
        assert_eq!(f.title.as_deref(), Some("关于召开组织生活会的通知"));
        assert_eq!(f.date.unwrap().to_string(), "2024-03-05");
        assert_eq!(f.kind.as_deref(), Some("通知"));
        assert_eq!(f.tags, ["三会一课", "党费"]);
        for date in ["2024.3.5", "2024/3/5", "2024-3-5"] {
            assert_eq!(fm(&format!("+++\ntitle = \"a\"\ndate = {date}\n+++\n")).unwrap().date.unwrap().to_string(), "2024-03-05", "{date}");
        }
    }

    #[test]
    fn syntax_errors_hint_at_their_line() {
        let text = "+++\ntitle = \"a\"\nissuer = \"中共某某委员会\n+++\n";
        let e = fm(text).unwrap_err();
        assert_eq!(crate::diag::pos_of(text, e.start).line, 3);
        assert_eq!(e.hint.as_deref(), Some("值的末尾缺少英文双引号，应写成 issuer = \"中共某某委员会\""));
        assert!(e.detail.is_some() && !e.message.is_ascii());
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
        let e = fm("+++\ntitle = [1]\n+++\n").unwrap_err();
        assert!(e.message.contains("应是一段文字"), "{}", e.message);
        assert_eq!(fm("+++\ntitle = 12\n+++\n").unwrap().title.as_deref(), Some("12"), "a number is read as text");
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
