//! Tera filters and functions of the template contract (docs/templates.md).

use super::parts::filesize_text;
use crate::content::date::DateValue;
use crate::site::urls::{marker, slugify};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Error, Result};

pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("date", date_filter);
    tera.register_filter("cn_date", cn_date);
    tera.register_filter("filesize", filesize);
    tera.register_filter("no_orphan", no_orphan);
}

/// `no_orphan`: the text HTML-escaped, with its last two characters (and any closing
/// punctuation after them) in `<span class="no-orphan">`, which the theme keeps on
/// one line: a title never ends with one character alone on its line. Print it
/// with `| safe`.
fn no_orphan(v: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    let s = v.as_str().ok_or_else(|| Error::msg("no_orphan: 需要文字"))?;
    let mut letters = 0;
    let mut start = None;
    for (i, c) in s.char_indices().rev() {
        if c.is_whitespace() {
            break;
        }
        start = Some(i);
        if c.is_alphanumeric() {
            letters += 1;
            if letters == 2 {
                break;
            }
        }
    }
    match start {
        Some(i) if letters == 2 && i > 0 => {
            Ok(Value::String(format!("{}<span class=\"no-orphan\">{}</span>", tera::escape_html(&s[..i]), tera::escape_html(&s[i..]))))
        }
        _ => Ok(Value::String(tera::escape_html(s))),
    }
}

fn as_date(v: &Value, filter: &str) -> Result<Option<DateValue>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => DateValue::parse(s).map(Some).ok_or_else(|| Error::msg(format!("{filter}: “{s}”不是日期"))),
        other => Err(Error::msg(format!("{filter}: {other} 不是日期"))),
    }
}

fn date_filter(v: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let Some(d) = as_date(v, "date")? else { return Ok(Value::String(String::new())) };
    let fmt = args.get("format").and_then(Value::as_str).unwrap_or("%Y-%m-%d");
    let items: Vec<_> = chrono::format::StrftimeItems::new(fmt).collect();
    if items.iter().any(|i| matches!(i, chrono::format::Item::Error)) {
        return Err(Error::msg(format!("date: 格式“{fmt}”无效")));
    }
    Ok(Value::String(d.datetime().format_with_items(items.into_iter()).to_string()))
}

fn cn_date(v: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    use chrono::Datelike;
    let Some(d) = as_date(v, "cn_date")? else { return Ok(Value::String(String::new())) };
    Ok(Value::String(format!("{}年{}月{}日", d.date.year(), d.date.month(), d.date.day())))
}

fn filesize(v: &Value, _: &HashMap<String, Value>) -> Result<Value> {
    let n = v.as_u64().ok_or_else(|| Error::msg("filesize: 需要一个整数"))?;
    Ok(Value::String(filesize_text(n)))
}

/// What the functions can look up, shared by all render threads.
pub struct Lookup {
    /// Source path relative to `content/` → site path (visible items only).
    pub paths: HashMap<String, String>,
    /// Page summaries of the build, by page index (shared with the renderer).
    pub summaries: super::Summaries,
    /// The site, for views built on demand (`get_section` is rare; building every
    /// section's view up front cost more than all calls together).
    pub site: Arc<crate::site::Site>,
    /// Section source path → section index.
    pub sections: HashMap<String, usize>,
    /// Page source path → page index.
    pub pages: HashMap<String, usize>,
    /// Taxonomy name → term name → site path.
    pub terms: HashMap<String, HashMap<String, String>>,
}

fn arg<'a>(args: &'a HashMap<String, Value>, name: &str, func: &str) -> Result<&'a str> {
    args.get(name).and_then(Value::as_str).ok_or_else(|| Error::msg(format!("{func} 需要文字参数 {name}=\"...\"")))
}

pub fn register_functions(tera: &mut tera::Tera, lookup: Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function("get_url", move |args: &HashMap<String, Value>| -> Result<Value> {
        let path = arg(args, "path", "get_url")?;
        if let Some(rest) = path.strip_prefix("@/") {
            let (p, anchor) = rest.split_once('#').map_or((rest, None), |(p, a)| (p, Some(a)));
            let site_path = l.paths.get(p).ok_or_else(|| Error::msg(format!("get_url: 找不到页面 @/{p}（或它不在本次构建中）")))?;
            let url = marker(site_path);
            return Ok(Value::String(match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url,
            }));
        }
        if path.contains("://") {
            return Ok(Value::String(path.to_string()));
        }
        Ok(Value::String(marker(path)))
    });
    let l = lookup.clone();
    tera.register_function("get_section", move |args: &HashMap<String, Value>| -> Result<Value> {
        let path = arg(args, "path", "get_section")?.trim_start_matches("@/");
        let &i = l.sections.get(path).ok_or_else(|| Error::msg(format!("get_section: 找不到栏目 {path}（路径从 content/ 算起，如 notices/_index.md）")))?;
        let site = &l.site;
        let pages = site.sections[i].pages.iter().filter(|&&p| site.pages[p].listed()).map(|&p| l.summaries.get(site, p)).collect();
        Ok(super::view::section_view(site, i, Value::Array(pages), &|p| l.summaries.get(site, p), true))
    });
    let l = lookup.clone();
    tera.register_function("get_page", move |args: &HashMap<String, Value>| -> Result<Value> {
        let path = arg(args, "path", "get_page")?.trim_start_matches("@/");
        let &i = l.pages.get(path).ok_or_else(|| Error::msg(format!("get_page: 找不到页面 {path}（或它不在本次构建中）")))?;
        Ok(l.summaries.get(&l.site, i))
    });
    let nav = super::nav::Nav::of(&lookup.site);
    tera.register_function("nav_items", move |args: &HashMap<String, Value>| -> Result<Value> {
        Ok(Value::String(nav.html(arg(args, "current_path", "nav_items")?)))
    });
    let l = lookup;
    tera.register_function("get_taxonomy_url", move |args: &HashMap<String, Value>| -> Result<Value> {
        let kind = arg(args, "kind", "get_taxonomy_url")?;
        let name = arg(args, "name", "get_taxonomy_url")?;
        let terms = l.terms.get(kind).ok_or_else(|| Error::msg(format!("get_taxonomy_url: 没有分类 {kind}")))?;
        match terms.get(name) {
            Some(p) => Ok(Value::String(marker(p))),
            None => Ok(Value::String(marker(&format!("/{}/{}/", slugify(kind), slugify(name))))),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let none = HashMap::new();
        assert_eq!(cn_date(&Value::from("2024-03-05"), &none).unwrap(), "2024年3月5日");
        let mut args = HashMap::new();
        args.insert("format".to_string(), Value::from("%Y年%m月"));
        assert_eq!(date_filter(&Value::from("2024-03-05T09:00:00"), &args).unwrap(), "2024年03月");
        assert_eq!(filesize_text(1536), "1.5 KB");
        assert!(date_filter(&Value::from("昨天"), &none).is_err());
        let no_orphan = |s: &str| no_orphan(&Value::from(s), &none).unwrap();
        assert_eq!(no_orphan("关于开展主题党日活动的通知"), "关于开展主题党日活动的<span class=\"no-orphan\">通知</span>");
        assert_eq!(no_orphan("关于印发《工作要点》的通知。"), "关于印发《工作要点》的<span class=\"no-orphan\">通知。</span>");
        assert_eq!(no_orphan("学习《党章》"), "学习《<span class=\"no-orphan\">党章》</span>", "closing marks stay with the last two characters");
        assert_eq!(no_orphan("通知"), "通知", "nothing to keep together");
        assert_eq!(no_orphan("A <b> x"), "A &lt;b&gt; x", "escaped");
    }
}
