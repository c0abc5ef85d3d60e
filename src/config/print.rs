//! `[print]`: the issuing body (发文机关) printed as the 红头 of official notices,
//! for the whole site and per unit (docs/templates.md "打印").

use super::located;
use crate::diag::{did_you_mean, Diagnostic};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrintConfig {
    /// `issuer`: for pages that belong to no unit.
    pub issuer: Option<String>,
    /// `[print.units]`: unit id → its issuing body's full name.
    pub units: BTreeMap<String, String>,
}

impl PrintConfig {
    /// The 红头 of a page: its own `issuer`, else its unit's entry in `[print.units]`,
    /// else the unit's title, else `[print] issuer` (pages of no unit).
    pub fn letterhead(&self, page_issuer: Option<&str>, unit: Option<(&str, &str)>) -> Option<String> {
        let named = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        if let Some(s) = page_issuer.and_then(named) {
            return Some(s);
        }
        match unit {
            Some((id, title)) => self.units.get(id).and_then(|s| named(s)).or_else(|| named(title)),
            None => self.issuer.as_deref().and_then(named),
        }
    }
}

const KEYS: &[&str] = &["issuer", "units"];

pub(super) fn check_print(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> PrintConfig {
    let mut out = PrintConfig::default();
    let Some(table) = table else { return out };
    let example = "例如：\n[print]\nissuer = \"中共某某县财政局机关委员会\"\n[print.units]\ndiyi = \"中共某某县财政局机关第一支部委员会\"";
    for (k, v) in table {
        match (k.as_str(), v) {
            ("issuer", toml::Value::String(s)) => out.issuer = Some(s),
            ("units", toml::Value::Table(units)) => {
                for (id, name) in units {
                    match name {
                        toml::Value::String(s) => {
                            out.units.insert(id, s);
                        }
                        other => diags.push(located(
                            text,
                            &id,
                            format!("[print.units] 中“{id}”的发文机关应是文字，实际是 {other}"),
                            format!("写成带引号的全称，{example}"),
                        )),
                    }
                }
            }
            (key @ ("issuer" | "units"), v) => {
                let what = if key == "issuer" { "文字（发文机关全称）" } else { "表（单位编号 = 发文机关全称）" };
                diags.push(located(text, key, format!("[print] {key} 应是{what}，实际是 {v}"), example));
            }
            (other, _) => {
                let hint = match did_you_mean(other, KEYS.iter().copied()) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("[print] 可用的设置项：{}", KEYS.join("、")),
                };
                diags.push(located(text, other, format!("[print] 中有不认识的设置项“{other}”"), hint));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_then_the_unit_then_the_site() {
        let mut p = PrintConfig { issuer: Some("中共某某县财政局机关委员会".into()), units: BTreeMap::new() };
        p.units.insert("diyi".into(), "中共某某县财政局机关第一支部委员会".into());
        assert_eq!(p.letterhead(Some("某某办公室"), Some(("diyi", "第一党支部"))).as_deref(), Some("某某办公室"));
        assert_eq!(p.letterhead(None, Some(("diyi", "第一党支部"))).as_deref(), Some("中共某某县财政局机关第一支部委员会"));
        assert_eq!(p.letterhead(Some("  "), Some(("dier", "第二党支部"))).as_deref(), Some("第二党支部"), "a unit's own title, never the site's");
        assert_eq!(p.letterhead(None, None).as_deref(), Some("中共某某县财政局机关委员会"));
        assert_eq!(PrintConfig::default().letterhead(None, None), None);
    }

    #[test]
    fn bad_values_and_unknown_keys_are_located_errors() {
        let text = "[print]\nissuer = 3\nissur = \"x\"\n[print.units]\ndiyi = 1\n";
        let table: toml::Table = toml::from_str(text).unwrap();
        let mut diags = Vec::new();
        check_print(text, table.get("print").and_then(|v| v.as_table()).cloned(), &mut diags);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(diags.len(), 3, "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("issuer 应是文字")), "{messages:?}");
        assert!(diags.iter().any(|d| d.message.contains("issur") && d.hint.as_deref().is_some_and(|h| h.contains("issuer"))), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("“diyi”")), "{messages:?}");
    }
}
