//! `[search]`: the site's own search dictionary, checked against the vocabulary
//! the index uses.

use super::located;
use crate::diag::{did_you_mean, Diagnostic};

/// `[search]`: `dictionary`, the site's own terms (3 to 8 Chinese characters each),
/// counted as whole tokens like the built-in ones (docs/search.md). Terms the
/// built-in list already has, and repeats, are dropped quietly.
pub(super) fn check_search(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    use crate::content::vocabulary::{is_cjk, DICTIONARY, MAX_SITE_TERMS, MAX_TERM_CHARS};
    let mut terms: Vec<String> = Vec::new();
    let Some(table) = table else { return terms };
    for (k, v) in table {
        match (k.as_str(), v) {
            ("dictionary", toml::Value::Array(items)) => {
                for item in items {
                    let term = match &item {
                        toml::Value::String(s) => s.trim().to_string(),
                        other => other.to_string(),
                    };
                    let n = term.chars().count();
                    if !matches!(item, toml::Value::String(_)) || !(3..=MAX_TERM_CHARS).contains(&n) || !term.chars().all(is_cjk) {
                        diags.push(located(
                            text,
                            "dictionary",
                            format!("[search] dictionary 中的“{term}”不能作为搜索词"),
                            "每个词写成带引号的 3 至 8 个汉字，例如 dictionary = [\"警示教育\", \"结对共建\"]（两个字的词不用加，本来就能搜到）",
                        ));
                    } else if !DICTIONARY.contains(&term.as_str()) && !terms.contains(&term) {
                        terms.push(term);
                    }
                }
                if terms.len() > MAX_SITE_TERMS {
                    diags.push(located(
                        text,
                        "dictionary",
                        format!("[search] dictionary 有 {} 个词，最多 {MAX_SITE_TERMS} 个", terms.len()),
                        "只保留本单位常用、又容易被拆散的专有词语",
                    ));
                    terms.truncate(MAX_SITE_TERMS);
                }
            }
            ("dictionary", v) => diags.push(located(
                text,
                "dictionary",
                format!("[search] dictionary 应是词语列表，实际是 {v}"),
                "例如 dictionary = [\"警示教育\", \"结对共建\"]",
            )),
            (other, _) => {
                let hint = match did_you_mean(other, ["dictionary"]) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => "[search] 可用的设置项：dictionary".into(),
                };
                diags.push(located(text, other, format!("[search] 中有不认识的设置项“{other}”"), hint));
            }
        }
    }
    terms
}
