//! `[security]`: what a build may reach beyond the site folder — folders outside it
//! that links may lead to (`allow_read`) and environment variables templates may
//! read with `get_env` (`allow_env`). Both empty by default, as in Hugo's security
//! policy. These widen what the site can read, so only the operator of the folder
//! sets them: `dwgk publish` takes them from its command line and ignores the
//! share's (docs/deploy.md “信任模型”).

use super::located;
use crate::diag::{did_you_mean, Diagnostic};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    /// Folders outside the site whose files links may reach (absolute, or relative
    /// to the site folder).
    pub allow_read: Vec<String>,
    /// Environment variables `get_env` may read in templates.
    pub allow_env: Vec<String>,
}

impl Security {
    pub fn is_empty(&self) -> bool {
        self.allow_read.is_empty() && self.allow_env.is_empty()
    }
}

const KEYS: [&str; 2] = ["allow_read", "allow_env"];

pub(super) fn check_security(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> Security {
    let mut out = Security::default();
    let Some(table) = table else { return out };
    for (k, v) in table {
        let list = match (k.as_str(), &v) {
            ("allow_read", _) => &mut out.allow_read,
            ("allow_env", _) => &mut out.allow_env,
            (other, _) => {
                let hint = match did_you_mean(other, KEYS) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => "[security] 可用的设置项：allow_read（允许读取的站点外文件夹）、allow_env（模板可以读取的环境变量）".into(),
                };
                diags.push(located(text, other, format!("[security] 中有不认识的设置项“{other}”"), hint));
                continue;
            }
        };
        let items: Vec<String> = match &v {
            toml::Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(|s| s.trim().to_string())).filter(|s| !s.is_empty()).collect(),
            _ => Vec::new(),
        };
        let all_text = matches!(&v, toml::Value::Array(items) if items.iter().all(|i| i.as_str().is_some_and(|s| !s.trim().is_empty())));
        if !all_text {
            let example = if k == "allow_read" { "allow_read = [\"/srv/dwgk/公共资料\"]" } else { "allow_env = [\"DWGK_CONTACT\"]" };
            diags.push(located(text, &k, format!("[security] {k} 应是文字列表，实际是 {v}"), format!("例如 {example}")));
        }
        *list = items;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_mistakes() {
        let mut diags = Vec::new();
        let text = "[security]\nallow_read = [\"/srv/x\"]\nallow_env = [\"TZ\"]\n";
        let t: toml::Table = toml::from_str(text).unwrap();
        let s = check_security(text, t.get("security").and_then(|v| v.as_table()).cloned(), &mut diags);
        assert_eq!((s.allow_read, s.allow_env, diags.len()), (vec!["/srv/x".to_string()], vec!["TZ".to_string()], 0));
        let text = "[security]\nallow_read = \"/srv/x\"\nallow_envs = [\"HOME\"]\n";
        let t: toml::Table = toml::from_str(text).unwrap();
        let s = check_security(text, t.get("security").and_then(|v| v.as_table()).cloned(), &mut diags);
        assert!(s.is_empty());
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags.iter().any(|d| d.hint.as_deref().unwrap_or("").contains("是不是想写“allow_env”")), "{diags:?}");
    }
}
