//! `[publish]`: where `dwgk publish` reads and writes and how it watches, validated
//! key by key.

use super::{located, normalize_base_url};
use crate::content::kind::Audience;
use crate::diag::{did_you_mean, Diagnostic};

/// `[publish]`: where `dwgk publish` reads and writes, and how it watches.
/// Command-line flags override each value.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishConfig {
    /// The shared folder holding the site (config.toml, content/).
    pub source: Option<String>,
    /// Holds `releases/`, `current`, the journal and status; the public portal
    /// when `internal_dest` is set.
    pub dest: Option<String>,
    /// The internal portal's DEST, published in the same run as `dest`.
    pub internal_dest: Option<String>,
    /// `base_url` of the internal portal (default: the site's `base_url`).
    pub internal_base_url: Option<String>,
    /// The committee portal's DEST (income bases, ledger files, findings), published
    /// in the same run as `dest` (and `internal_dest`).
    pub committee_dest: Option<String>,
    /// `base_url` of the committee portal (default: `internal_base_url`, then `base_url`).
    pub committee_base_url: Option<String>,
    /// Releases kept for rollback (at least 1).
    pub keep: usize,
    pub poll_seconds: u64,
    /// A changed file is used only after it has been unchanged this long.
    pub settle_seconds: u64,
    /// Optional cron rebuild (local time).
    pub schedule: Option<crate::content::cron::Cron>,
    pub audience: Option<Audience>,
    /// A release removing more than this share of the live pages is refused.
    pub max_drop_percent: u32,
    /// All or nothing: any error keeps the live release (default: a page with
    /// errors holds back only itself).
    pub strict: bool,
    /// The zone the status page and the share's reports show times in (an IANA
    /// name or a fixed offset); the build's clock stays the server's local time.
    pub timezone: String,
    /// Write `_发布问题.txt` into the unit folders of the share that have problems.
    pub share_report: bool,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            source: None,
            dest: None,
            internal_dest: None,
            internal_base_url: None,
            committee_dest: None,
            committee_base_url: None,
            keep: 10,
            poll_seconds: 10,
            settle_seconds: 5,
            schedule: None,
            audience: None,
            max_drop_percent: 20,
            strict: false,
            timezone: DEFAULT_TIMEZONE.into(),
            share_report: false,
        }
    }
}

/// Shown times' zone when `[publish] timezone` is not set.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

const PUBLISH_KEYS: &[&str] = &[
    "source",
    "dest",
    "internal_dest",
    "internal_base_url",
    "committee_dest",
    "committee_base_url",
    "keep",
    "poll_seconds",
    "settle_seconds",
    "schedule",
    "audience",
    "max_drop_percent",
    "strict",
    "timezone",
    "share_report",
];

/// A name the zoneinfo folder may hold (`Asia/Shanghai`) or a fixed offset (`UTC+8`): no path tricks.
pub fn zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('/')
        && !name.split('/').any(|p| p.is_empty() || p == "." || p == "..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | ':'))
}

pub(super) fn check_publish(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> PublishConfig {
    let mut c = PublishConfig::default();
    let Some(table) = table else { return c };
    let int = |v: &toml::Value, lo: i64, hi: i64| v.as_integer().filter(|n| (lo..=hi).contains(n));
    for (k, v) in table {
        match k.as_str() {
            "source" | "dest" | "internal_dest" | "committee_dest" => match v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) if k == "source" => c.source = Some(s.to_string()),
                Some(s) if k == "dest" => c.dest = Some(s.to_string()),
                Some(s) if k == "committee_dest" => c.committee_dest = Some(s.to_string()),
                Some(s) => c.internal_dest = Some(s.to_string()),
                None => diags.push(located(
                    text,
                    &k,
                    format!("[publish] {k} 应是文件夹路径，实际是 {v}"),
                    "例如 source = \"/mnt/share/dwgk\"、dest = \"/srv/dwgk\"",
                )),
            },
            "internal_base_url" | "committee_base_url" => match v.as_str().and_then(normalize_base_url) {
                Some(u) if k == "committee_base_url" => c.committee_base_url = Some(u),
                Some(u) => c.internal_base_url = Some(u),
                None => diags.push(located(
                    text,
                    &k,
                    format!("[publish] {k} 应是完整网址，实际是 {v}"),
                    "网站的网址，写成 http:// 或 https:// 开头，例如 internal_base_url = \"http://neibu.intranet/\"",
                )),
            },
            "keep" => match int(&v, 1, 1000) {
                Some(n) => c.keep = n as usize,
                None => {
                    diags.push(located(text, "keep", format!("[publish] keep 应是 1 到 1000 的整数，实际是 {v}"), "保留多少个历史版本供回滚，例如 keep = 10"))
                }
            },
            "poll_seconds" => match int(&v, 1, 3600) {
                Some(n) => c.poll_seconds = n as u64,
                None => diags.push(located(
                    text,
                    "poll_seconds",
                    format!("[publish] poll_seconds 应是 1 到 3600 的整数（秒），实际是 {v}"),
                    "例如 poll_seconds = 10",
                )),
            },
            "settle_seconds" => match int(&v, 0, 3600) {
                Some(n) => c.settle_seconds = n as u64,
                None => diags.push(located(
                    text,
                    "settle_seconds",
                    format!("[publish] settle_seconds 应是 0 到 3600 的整数（秒），实际是 {v}"),
                    "例如 settle_seconds = 5",
                )),
            },
            "max_drop_percent" => match int(&v, 0, 100) {
                Some(n) => c.max_drop_percent = n as u32,
                None => diags.push(located(
                    text,
                    "max_drop_percent",
                    format!("[publish] max_drop_percent 应是 0 到 100 的整数（百分比），实际是 {v}"),
                    "例如 max_drop_percent = 20：新版本比线上少了超过 20% 的页面时拒绝发布",
                )),
            },
            "schedule" => match v.as_str().map(crate::content::cron::Cron::parse) {
                Some(Ok(cron)) => c.schedule = Some(cron),
                Some(Err(e)) => diags.push(located(text, "schedule", format!("[publish] schedule：{e}"), crate::content::cron::CRON_HINT)),
                None => diags.push(located(text, "schedule", format!("[publish] schedule 应是文字，实际是 {v}"), crate::content::cron::CRON_HINT)),
            },
            "strict" | "share_report" => match v.as_bool() {
                Some(b) if k == "strict" => c.strict = b,
                Some(b) => c.share_report = b,
                None => diags.push(located(
                    text,
                    &k,
                    format!("[publish] {k} 应是 true 或 false，实际是 {v}"),
                    if k == "strict" {
                        "strict = true：任何错误都不发布（默认 false：有错误的页面单独暂缓，其余照常发布）"
                    } else {
                        "share_report = true：在共享文件夹里有问题的单位文件夹中写入 _发布问题.txt"
                    },
                )),
            },
            "timezone" => match v.as_str().map(str::trim).filter(|z| zone_name(z)) {
                Some(z) => c.timezone = z.to_string(),
                None => diags.push(located(
                    text,
                    "timezone",
                    format!("[publish] timezone“{v}”不是时区名称"),
                    "写 IANA 时区名称，例如 timezone = \"Asia/Shanghai\"（北京时间，默认），或固定时差 timezone = \"UTC+8\"",
                )),
            },
            "audience" => match v.as_str().and_then(Audience::parse) {
                Some(a) => c.audience = Some(a),
                _ => diags.push(located(
                    text,
                    "audience",
                    format!("[publish] audience“{v}”无效"),
                    "写 public（向社会公开，默认）、internal（党内公开）或 committee（委员会版）",
                )),
            },
            other => {
                let hint = match did_you_mean(other, PUBLISH_KEYS.iter().copied()) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("[publish] 可用的设置项：{}", PUBLISH_KEYS.join("、")),
                };
                diags.push(located(text, other, format!("[publish] 中有不认识的设置项“{other}”"), hint));
            }
        }
    }
    // A warning: a share's config.toml cannot decide these keys anyway (cmd::publish_trust),
    // and `publish` checks the settings it really uses; the admin's file takes it as an error.
    if (c.internal_dest.is_some() || c.committee_dest.is_some()) && c.audience.is_some_and(|a| !a.is_public()) {
        diags.push(warning_located(
            text,
            "audience",
            "[publish] 写了 internal_dest 或 committee_dest 时，dest 是公开版的发布目录，audience 只能是 public".into(),
            "删除 audience 这一行（党内版发布到 internal_dest，委员会版发布到 committee_dest）；只发布一个网站时删除 internal_dest 和 committee_dest",
        ));
    }
    c
}

/// An admin's publish settings file (`publish --config`): a `[publish]` table and nothing else.
pub fn parse_admin_file(text: &str) -> (PublishConfig, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let (message, hint) = crate::content::parse_errors::explain(e.message(), "TOML");
            let mut d = Diagnostic::error(message);
            if let Some(h) = hint {
                d = d.hint(h);
            }
            return (PublishConfig::default(), vec![d]);
        }
    };
    for key in table.keys().filter(|k| *k != "publish") {
        diags.push(located(text, key, format!("发布设置文件中只能有 [publish] 表，不认识“{key}”"), "网站的其他设置写在共享文件夹的 config.toml 里"));
    }
    let publish = table.get("publish").and_then(|v| v.as_table()).cloned();
    (check_publish(text, publish, &mut diags), diags)
}

fn warning_located(text: &str, key: &str, message: String, hint: impl Into<String>) -> Diagnostic {
    let mut d = located(text, key, message, hint);
    d.severity = crate::diag::Severity::Warning;
    d
}

#[cfg(test)]
mod tests {
    #[test]
    fn zone_names_cannot_leave_the_zoneinfo_folder() {
        assert!(super::zone_name("Asia/Shanghai") && super::zone_name("UTC+8") && super::zone_name("America/Argentina/Buenos_Aires"));
        for bad in ["", "../etc/passwd", "/etc/localtime", "Asia//x", "Asia/./x", "时区"] {
            assert!(!super::zone_name(bad), "{bad}");
        }
    }
}
