//! Front matter as data → the keys dwgk reads. Chinese names become the canonical
//! keys, near misses (`data`, `reviewd_by`) are read as the key they miss with a
//! warning, values are coerced to what each key takes, and keys at the wrong level
//! (`period` under `[counts]`, `title` under `[unit]`, `secretary` outside it) are
//! errors — moved to where they belong, so nothing downstream reports them again.
//! TOML, YAML and front matter taken from other documents all pass through here.

use super::date::{DateValue, DATE_HINT};
use super::front_matter_keys::{self as keys, Key, ValueKind, PAGE_KEYS, UNIT_KEYS};
use serde_json::{Map, Value};

/// A problem with one key, located by the caller (it knows the text).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyNote {
    /// The key as written.
    pub key: String,
    /// Points at the key's value (a value that cannot be used), not the key.
    pub at_value: bool,
    pub error: bool,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Default)]
pub struct Checked {
    /// Canonical keys with values of the right kind (`extra` not included).
    pub map: Map<String, Value>,
    /// The `[extra]` table and every key dwgk does not read.
    pub extra: Map<String, Value>,
    pub notes: Vec<KeyNote>,
    /// (canonical, as written) where they differ, to locate later messages.
    pub spelled: Vec<(String, String)>,
    /// Top-level keys dwgk does not know, kept in `extra` (`check` notes them).
    pub unknown: Vec<String>,
    /// A value could not be used (a date that is no date): the page cannot be
    /// built as written. Other errors (a key at the wrong level) are repaired.
    pub fatal: bool,
}

impl Checked {
    fn note(&mut self, key: &str, error: bool, message: String, hint: String) {
        self.notes.push(KeyNote { key: key.to_string(), at_value: false, error, message, hint });
    }
}

/// Checks a parsed front matter table (top level of a page or section).
pub fn check(map: Map<String, Value>) -> Checked {
    let mut out = Checked::default();
    let mut unknown = Vec::new();
    let mut moved: Vec<(&'static str, String, &'static Key, Value)> = Vec::new();
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    for (written, value) in map {
        let Some(k) = keys::find(PAGE_KEYS, &written) else {
            unknown.push((written, value));
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == k.name) {
            let message = format!("“{written}”和“{first}”是同一个设置项 {}，只能写一次", keys::label(k));
            out.note(&written, true, message, "删去其中一行".into());
            continue;
        }
        seen.push((k.name, written.clone()));
        let value = match (k.name, value) {
            ("extra", Value::Object(t)) => {
                out.extra.extend(t);
                continue;
            }
            ("counts", Value::Object(t)) => Value::Object(keep_out(t, "[counts]", PAGE_KEYS, &mut moved)),
            ("unit", Value::Object(t)) => Value::Object(unit_table(t, &mut out, &mut moved)),
            (_, v) => v,
        };
        put(&mut out, k, &written, value);
    }
    for (table, written, k, value) in moved {
        let line = format!("{written} = {}", shown(&value));
        let hint = format!("把“{line}”这一行移到 {table} 那一行的上面：{table} 之后的各行都属于 {table}，设置项要写在它前面");
        out.note(&written, true, format!("“{written}”写在了 {table} 下面，它是页面的设置项 {}", keys::label(k)), hint);
        if !out.map.contains_key(k.name) {
            put(&mut out, k, &written, value);
        }
    }
    for (written, value) in unknown {
        top_level_unknown(&mut out, written, value);
    }
    out
}

/// Coerces `value` for `k` and stores it, or notes why it cannot be used.
fn put(out: &mut Checked, k: &'static Key, written: &str, value: Value) {
    match coerce(k, value) {
        Ok(v) => {
            out.map.insert(k.name.to_string(), v);
            if written != k.name {
                out.spelled.push((k.name.to_string(), written.to_string()));
            }
        }
        Err((message, hint)) => {
            out.fatal = true;
            out.notes.push(KeyNote { key: written.to_string(), at_value: true, error: true, message, hint });
        }
    }
}

/// A key that is not a page key: a unit key outside `[unit]`, a near miss, or a
/// custom value kept in `extra`.
fn top_level_unknown(out: &mut Checked, written: String, value: Value) {
    if let Some(k) = keys::find(UNIT_KEYS, &written).filter(|k| matches!(k.name, "secretary" | "members")) {
        let message = format!("“{written}”是单位的信息 {}，要写在 [unit] 下面", keys::label(k));
        let hint = format!("在单位文件夹的 _index.md 里写成：\n[unit]\nkind = \"党支部\"\n{written} = {}", shown(&value));
        out.note(&written, true, message, hint);
        return;
    }
    match keys::near_miss(PAGE_KEYS, &written) {
        Some((k, spelling)) if !out.map.contains_key(k.name) => {
            if let Ok(v) = coerce(k, value.clone()) {
                let message = format!("不认识的设置项“{written}”，已按“{spelling}”{}读取", meaning(k));
                out.note(&written, false, message, format!("把“{written}”改成“{}”；如果这是自定义的值，请写在 [extra] 下面", k.name));
                out.map.insert(k.name.to_string(), v);
                out.spelled.push((k.name.to_string(), written));
                return;
            }
            let message = format!("不认识的设置项“{written}”，已作为自定义值保留；是不是“{spelling}”{}？", meaning(k));
            out.note(&written, false, message, format!("如果是“{}”，写法是：{}；自定义的值请写在 [extra] 下面", k.name, k.example));
        }
        Some((k, spelling)) => {
            let message = format!("不认识的设置项“{written}”，已作为自定义值保留（“{spelling}”{}已经写了）", meaning(k));
            out.note(&written, false, message, format!("如果这一行是多余的“{}”，删去它；自定义的值请写在 [extra] 下面", k.name));
        }
        None => out.unknown.push(written.clone()),
    }
    out.extra.insert(written, value);
}

/// `（日期）`: a key's Chinese name in brackets, or nothing.
fn meaning(k: &Key) -> String {
    k.aliases.first().map_or_else(String::new, |zh| format!("（{zh}）"))
}

/// A table (`[counts]`) with the keys of `keys` taken out into `moved`.
fn keep_out(
    table: Map<String, Value>,
    name: &'static str,
    keys: &'static [Key],
    moved: &mut Vec<(&'static str, String, &'static Key, Value)>,
) -> Map<String, Value> {
    let mut kept = Map::new();
    for (written, value) in table {
        match keys::find(keys, &written).filter(|k| !matches!(k.name, "counts" | "extra")) {
            Some(k) => moved.push((name, written, k, value)),
            None => {
                kept.insert(written, value);
            }
        }
    }
    kept
}

/// `[unit]`: Chinese names of its keys, coerced values, page keys moved out.
fn unit_table(table: Map<String, Value>, out: &mut Checked, moved: &mut Vec<(&'static str, String, &'static Key, Value)>) -> Map<String, Value> {
    let mut kept = Map::new();
    for (written, value) in table {
        let unit_key = keys::find(UNIT_KEYS, &written);
        let page_key = keys::find(PAGE_KEYS, &written).filter(|k| !matches!(k.name, "kind" | "unit" | "extra" | "counts"));
        let k = match (unit_key, page_key) {
            (Some(k), _) => k,
            (None, Some(p)) => {
                moved.push(("[unit]", written, p, value));
                continue;
            }
            (None, None) => match keys::near_miss(UNIT_KEYS, &written) {
                Some((k, spelling)) => {
                    let message = format!("[unit] 中不认识的“{written}”，已按“{spelling}”{} 读取", meaning(k));
                    out.note(&written, false, message, format!("把“{written}”改成“{}”", k.name));
                    k
                }
                None => {
                    kept.insert(written, value);
                    continue;
                }
            },
        };
        match coerce(k, value) {
            Ok(v) => {
                kept.insert(k.name.to_string(), v);
            }
            Err((message, hint)) => {
                out.fatal = true;
                out.notes.push(KeyNote { key: written, at_value: true, error: true, message, hint });
            }
        }
    }
    kept
}

/// A value in a message: text in Chinese quotes (“昨天”), anything else as written.
fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => format!("“{s}”"),
        other => format!(" {other}"),
    }
}

/// A value as a TOML line would show it.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// The value in the form `k` takes, or (message, hint) naming the key and value.
pub fn coerce(k: &Key, value: Value) -> Result<Value, (String, String)> {
    let label = keys::label(k);
    let example = format!("例如 {}", k.example);
    let fail = |what: &str, v: &Value| Err((format!("{label}应{what}，实际写的是{}", quoted(v)), example.clone()));
    match (k.value, value) {
        (ValueKind::Any, v) => Ok(v),
        (ValueKind::Text, v @ Value::String(_)) => Ok(v),
        (ValueKind::Text, v @ (Value::Number(_) | Value::Bool(_))) => Ok(Value::String(v.to_string())),
        (ValueKind::Text, v) => fail("是一段文字", &v),
        (ValueKind::Date, Value::String(s)) if DateValue::parse(&s).is_some() => Ok(Value::String(s)),
        (ValueKind::Date, Value::String(s)) if !super::date::why_not(&s).ends_with("”无法识别") => {
            // The right form for a date that cannot be (year 9999, 2月30日): say what is wrong.
            let why = super::date::why_not(&s);
            let hint = super::date::hint_for(&why).to_string();
            Err((format!("{label}：{why}"), hint))
        }
        (ValueKind::Date, v) => Err((format!("{label}写的{}不是日期，无法识别", quoted(&v)), format!("{DATE_HINT}；{example}"))),
        (ValueKind::Bool, v @ Value::Bool(_)) => Ok(v),
        (ValueKind::Bool, Value::String(s)) if yes_no(&s).is_some() => Ok(Value::Bool(yes_no(&s).unwrap_or_default())),
        (ValueKind::Bool, v) => fail("是 true 或 false（也可写 是、否）", &v),
        (ValueKind::Int, v @ Value::Number(_)) if v.as_i64().is_some() => Ok(v),
        (ValueKind::Int, Value::String(s)) if whole_number(&s).is_some() => Ok(Value::from(whole_number(&s).unwrap_or_default())),
        (ValueKind::Int, v) => fail("是整数（阿拉伯数字，不加引号）", &v),
        (ValueKind::List, Value::String(s)) => Ok(Value::Array(split_list(&s).into_iter().map(Value::String).collect())),
        (ValueKind::List, Value::Array(items)) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            Ok(Value::Array(items.into_iter().map(|i| if i.is_string() { i } else { Value::String(i.to_string()) }).collect()))
        }
        (ValueKind::List, v) => fail("是一组文字，用方括号和英文逗号", &v),
        (ValueKind::Table, v @ Value::Object(_)) => Ok(v),
        (ValueKind::Table, v) => fail("是一个表", &v),
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "是" | "对" | "yes" => Some(true),
        "false" | "否" | "不是" | "no" => Some(false),
        _ => None,
    }
}

/// `12`, `１２` (full-width digits): a whole number written as text.
fn whole_number(s: &str) -> Option<i64> {
    let ascii: String = s.trim().chars().map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c }).collect();
    ascii.parse().ok()
}

/// `三会一课、主题党日` → two tags; `，` `,` `；` `;` separate too.
fn split_list(s: &str) -> Vec<String> {
    s.split(['、', '，', ',', '；', ';']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(v: Value) -> Checked {
        check(v.as_object().unwrap().clone())
    }

    #[test]
    fn chinese_names_become_the_keys() {
        let c = run(json!({"标题": "通知", "日期": "2024年3月5日", "类型": "通知", "标签": "三会一课、党费", "审批人": "陈志远", "草稿": "否"}));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        assert_eq!(c.map["title"], "通知");
        assert_eq!(c.map["kind"], "通知");
        assert_eq!(c.map["tags"], json!(["三会一课", "党费"]));
        assert_eq!(c.map["draft"], false);
        assert!(c.spelled.contains(&("date".into(), "日期".into())));
    }

    #[test]
    fn near_misses_are_read_as_the_key_with_a_warning() {
        let c = run(json!({"title": "a", "data": "2024-03-05", "reviewd_by": "刘芳", "colour": "红"}));
        assert_eq!(c.map["date"], "2024-03-05");
        assert_eq!(c.map["reviewed_by"], "刘芳");
        assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
        assert!(c.notes.iter().all(|n| !n.error && n.message.contains("已按")));
        assert_eq!(c.unknown, ["colour"]);
        assert_eq!(c.extra["colour"], "红");
    }

    #[test]
    fn keys_at_the_wrong_level_are_errors_and_moved() {
        let c = run(json!({"title": "记录", "kind": "record", "counts": {"period": "2024-Q1", "支委会": 1}}));
        assert_eq!(c.map["period"], "2024-Q1");
        assert_eq!(c.map["counts"], json!({"支委会": 1}));
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].error && c.notes[0].message.contains("[counts] 下面"), "{:?}", c.notes);
        assert!(c.notes[0].hint.contains("period = \"2024-Q1\""), "{}", c.notes[0].hint);

        let c = run(json!({"title": "第一党支部", "secretary": "张三", "unit": {"类型": "党支部", "党员人数": "23", "title": "x"}}));
        assert_eq!(c.map["unit"], json!({"kind": "党支部", "members": 23}));
        assert!(c.notes.iter().any(|n| n.error && n.key == "secretary" && n.message.contains("[unit] 下面")), "{:?}", c.notes);
        assert!(c.notes.iter().any(|n| n.error && n.key == "title" && n.message.contains("[unit] 下面")), "{:?}", c.notes);
    }

    #[test]
    fn wrong_values_name_the_key() {
        let c = run(json!({"title": ["a"], "date": "昨天", "weight": "第一", "日期": "2024-01-01"}));
        let messages: Vec<&str> = c.notes.iter().map(|n| n.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.starts_with("title（标题）应是一段文字")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("写的“昨天”不是日期")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("weight（排序）应是整数（阿拉伯数字，不加引号），实际写的是“第一”")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("是同一个设置项")), "{messages:?}");
        assert!(c.notes.iter().all(|n| n.error));
        assert_eq!(run(json!({"title": 2024})).map["title"], "2024");
    }
}
