//! `config.toml`: parsed and validated in one pure step (`Config::parse`), so every
//! problem is reported with its line, and unknown keys get a did-you-mean hint.

use crate::content::front_matter::toml_to_json;
use crate::content::parse_errors::explain;
use crate::diag::{did_you_mean, Diagnostic};
use crate::domain::requirement::Requirement;
use serde::Deserialize;
use serde_json::{Map, Value};

mod catalogue;
mod compliance;
mod dues;
mod print;
pub mod publish;
mod search;
mod security;

use catalogue::check_catalogue;
use compliance::{check_compliance, check_presets, check_requirements};
use dues::check_dues;
use print::check_print;
use publish::check_publish;
use search::check_search;
use security::check_security;

pub use catalogue::{normalize_kinds, parse_entry as parse_catalogue_entry};
pub use compliance::ComplianceConfig;
pub use dues::DuesConfig;
pub use print::PrintConfig;
pub use publish::{zone_name, PublishConfig, DEFAULT_TIMEZONE};
pub use security::Security;

pub const FILE_NAME: &str = "config.toml";

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub relative_urls: bool,
    pub paginate_by: usize,
    pub taxonomies: Vec<Taxonomy>,
    pub require_approval: bool,
    pub extra: Map<String, Value>,
    /// Requirement presets by name (`branch-2018`), validated.
    pub presets: Vec<String>,
    /// Site-wide `[[requirements]]`, validated.
    pub requirements: Vec<Requirement>,
    /// The line of each of `requirements` in config.toml (its `[[requirements]]`).
    pub requirement_lines: Vec<usize>,
    /// Site-wide `[[catalogue]]` items (党务公开目录), validated.
    pub catalogue: Vec<crate::domain::catalogue::Item>,
    pub compliance: ComplianceConfig,
    /// `[dues]`: the rate table (default: the 2008 national rules) and disclosure options.
    pub dues: DuesConfig,
    /// `[publish]`: settings of `dwgk publish`, validated.
    pub publish: PublishConfig,
    /// `[print]`: the issuing body printed as the 红头 of notices.
    pub print: PrintConfig,
    /// `[search] dictionary`: the site's own terms, beside the built-in ones, validated.
    pub search_terms: Vec<String>,
    /// `[security]`: what the build may reach outside the site (docs/deploy.md “信任模型”).
    pub security: Security,
}
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct Raw {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    #[serde(default)]
    relative_urls: bool,
    paginate_by: Option<usize>,
    taxonomies: Option<Vec<Taxonomy>>,
    #[serde(default)]
    require_approval: bool,
    #[serde(default)]
    presets: Vec<String>,
    #[serde(default)]
    requirements: Vec<toml::Table>,
    #[serde(default)]
    catalogue: Vec<toml::Table>,
    compliance: Option<toml::Table>,
    dues: Option<toml::Table>,
    publish: Option<toml::Table>,
    print: Option<toml::Table>,
    search: Option<toml::Table>,
    security: Option<toml::Table>,
    #[serde(default)]
    extra: toml::Table,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "relative_urls",
    "paginate_by",
    "taxonomies",
    "require_approval",
    "presets",
    "requirements",
    "catalogue",
    "compliance",
    "dues",
    "publish",
    "print",
    "search",
    "security",
    "extra",
];

impl Config {
    /// Parses `text` (the content of `config.toml`). Returns the config whenever the
    /// file is valid TOML (with defaults standing in for bad values, so a build can
    /// still check the content and report every problem at once), and every problem
    /// found; the build fails when any of them is an error.
    pub fn parse(text: &str) -> (Option<Config>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut unknown = Vec::new();
        let de = toml::Deserializer::parse(text);
        let raw: Raw = match de.and_then(|de| serde_ignored::deserialize(de, |path| unknown.push(path.to_string()))) {
            Ok(raw) => raw,
            Err(e) => {
                let e: toml::de::Error = e;
                let span = e.span().unwrap_or(0..0);
                let (message, hint) = explain(e.message(), "TOML");
                let mut d = Diagnostic::error(format!("config.toml：{message}")).file(FILE_NAME).at_span(text, span.start, span.end);
                if let Some(h) = hint {
                    d = d.hint(h);
                }
                return (None, vec![d]);
            }
        };
        for path in unknown {
            let key = path.rsplit('.').next().unwrap_or(&path).to_string();
            let mut d = Diagnostic::error(format!("config.toml 中有不认识的设置项“{path}”")).file(FILE_NAME);
            if let Some(off) = locate_key(text, &key) {
                d = d.at_span(text, off, off + key.len());
            }
            let candidates: &[&str] = if path.contains('.') { &["name", "paginate_by"] } else { TOP_KEYS };
            d = match did_you_mean(&key, candidates.iter().copied()) {
                Some(s) => d.hint(format!("是不是想写“{s}”？")),
                None => d.hint(format!("可用的设置项：{}；自定义的内容请放在 [extra] 表里", TOP_KEYS.join("、"))),
            };
            diags.push(d);
        }
        let title = raw.title.unwrap_or_default();
        if title.trim().is_empty() {
            diags.push(Diagnostic::error("config.toml 缺少网站标题 title").file(FILE_NAME).hint("加一行：title = \"某某机关党委党务公开\""));
        }
        let base_url = match raw.base_url {
            Some(u) => match normalize_base_url(&u) {
                Some(u) => u,
                None => {
                    let off = locate_key(text, "base_url").unwrap_or(0);
                    diags.push(
                        Diagnostic::error(format!("base_url“{u}”不是完整网址"))
                            .file(FILE_NAME)
                            .at_span(text, off, off + "base_url".len())
                            .hint("写成 http:// 或 https:// 开头的网址，例如 base_url = \"http://dwgk.example.internal/\""),
                    );
                    "http://localhost/".into()
                }
            },
            None => {
                diags.push(
                    Diagnostic::error("config.toml 缺少网站地址 base_url")
                        .file(FILE_NAME)
                        .hint("加一行：base_url = \"http://内网地址/\"（订阅源和站点地图需要完整地址）"),
                );
                "http://localhost/".into()
            }
        };
        let taxonomies = raw.taxonomies.unwrap_or_else(|| vec![Taxonomy { name: "tags".into(), paginate_by: None }]);
        for t in &taxonomies {
            if t.name.is_empty() || t.name.contains(['/', '\\', '.']) {
                diags.push(
                    Diagnostic::error(format!("分类名“{}”不能为空，也不能含有 / \\ .", t.name)).file(FILE_NAME).hint("例如 taxonomies = [{ name = \"tags\" }]"),
                );
            }
        }
        let (requirements, requirement_lines) = check_requirements(text, &raw.requirements, &mut diags);
        let mut theme = raw.theme.unwrap_or_else(|| "default".into());
        // A folder name under themes/: never a path that leads elsewhere (`../content`).
        if theme.is_empty() || theme.starts_with('.') || theme.contains(['/', '\\', ':']) {
            diags.push(located(text, "theme", format!("主题名“{theme}”无效：只能是 themes/ 下一个文件夹的名字"), "例如 theme = \"default\"（内置主题）"));
            theme = "default".into();
        }
        let config = Config {
            title,
            description: raw.description,
            base_url,
            language: raw.language.unwrap_or_else(|| "zh-CN".into()),
            theme,
            relative_urls: raw.relative_urls,
            paginate_by: raw.paginate_by.unwrap_or(20),
            taxonomies,
            require_approval: raw.require_approval,
            extra: match toml_to_json(toml::Value::Table(raw.extra)) {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            presets: check_presets(text, raw.presets, &mut diags),
            requirements,
            requirement_lines,
            catalogue: check_catalogue(text, &raw.catalogue, &mut diags),
            compliance: check_compliance(text, raw.compliance, &mut diags),
            dues: check_dues(text, raw.dues, &mut diags),
            publish: check_publish(text, raw.publish, &mut diags),
            print: check_print(text, raw.print, &mut diags),
            search_terms: check_search(text, raw.search, &mut diags),
            security: check_security(text, raw.security, &mut diags),
        };
        (Some(config), diags)
    }

    /// The path part of `base_url` (`/` or `/dwgk/`), used for root-relative links.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, r)| r);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// The configuration with `url` (`--base-url`) as its base URL (the error is
    /// boxed: it is rare, and a `Diagnostic` is large).
    pub fn with_base_url(mut self, url: &str) -> Result<Config, Box<Diagnostic>> {
        self.base_url = normalize_base_url(url)
            .ok_or_else(|| Box::new(Diagnostic::error(format!("--base-url“{url}”不是完整网址")).hint("写成 http:// 或 https:// 开头的网址")))?;
        Ok(self)
    }
}

pub(super) fn located(text: &str, key: &str, message: String, hint: impl Into<String>) -> Diagnostic {
    let d = Diagnostic::error(message).file(FILE_NAME).hint(hint);
    match locate_key(text, key) {
        Some(off) => d.at_span(text, off, off + key.len()),
        None => d,
    }
}
/// `u` with a trailing `/`, or `None` when it is not an http(s) URL with a host.
pub fn normalize_base_url(u: &str) -> Option<String> {
    let u = u.trim();
    let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://"))?;
    if rest.is_empty() || rest.starts_with('/') || u.contains(char::is_whitespace) {
        return None;
    }
    Some(if u.ends_with('/') { u.to_string() } else { format!("{u}/") })
}
/// Byte offset of the first line assigning `key` (`key = ...`).
pub(super) fn locate_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let quoted = format!("\"{key}\"");
        for k in [key, quoted.as_str()] {
            if let Some(rest) = t.strip_prefix(k) {
                if rest.trim_start().starts_with('=') {
                    return Some(offset + line.len() - t.len());
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
    use crate::content::kind::Audience;

    #[test]
    fn contract_example_parses() {
        let (c, d) = Config::parse(
            "title = \"某某机关党务公开\"\nbase_url = \"https://dwgk.example.internal\"\npresets = [\"branch-2018\"]\n\
             [compliance]\nyear = 2024\n[publish]\nkeep = 10\n[extra]\ncontact = \"电话\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.base_url, "https://dwgk.example.internal/");
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.taxonomies[0].name, "tags");
        assert_eq!(c.extra["contact"], "电话");
    }

    #[test]
    fn dues_table_is_validated_and_errors_are_located_in_their_entry() {
        let ok = "title = \"a\"\nbase_url = \"http://x/\"\n[dues]\nfarmer_monthly = 0.5\ncontact = \"组织部\"\n";
        let (c, d) = Config::parse(ok);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.unwrap().dues.options.contact.as_deref(), Some("组织部"));
        let bad = "title = \"a\"\nbase_url = \"http://x/\"\n[dues]\n[[dues.brackets]]\ncategory = \"在职\"\nrate = \"1%\"\n\
                   [[dues.brackets]]\ncategory = \"离退休\"\nrate = \"50%\"\n";
        let (_, d) = Config::parse(bad);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(9), "the second entry's rate, not the first: {d:?}");
        assert!(d[0].message.contains("10%"), "{}", d[0].message);
    }

    #[test]
    fn unknown_key_has_line_and_suggestion() {
        let text = "title = \"a\"\nbase_url = \"http://x/\"\ntheme = \"default\"\nrelative_url = true\n";
        let (c, d) = Config::parse(text);
        assert!(c.is_some(), "a typo in config.toml must not hide the content's problems");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(4));
        assert!(d[0].hint.as_deref().unwrap().contains("relative_urls"));
    }

    #[test]
    fn all_problems_at_once() {
        let (_, d) = Config::parse("titel = \"a\"\nbase_url = \"dwgk\"\n");
        assert_eq!(d.len(), 3, "{d:#?}");
    }

    #[test]
    fn syntax_error_located() {
        let (_, d) = Config::parse("title = \"a\nbase_url = 1\n");
        assert_eq!(d[0].line, Some(1));
    }

    #[test]
    fn publish_table_is_validated() {
        let (c, d) = Config::parse(
            "title = \"a\"\nbase_url = \"http://x/\"\n[publish]\nsource = \"/mnt/share/dwgk\"\ndest = \"/srv/dwgk\"\nkeep = 3\npoll_seconds = 2\nsettle_seconds = 0\nschedule = \"0 6 * * *\"\naudience = \"internal\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = c.unwrap().publish;
        assert_eq!((p.keep, p.poll_seconds, p.settle_seconds, p.max_drop_percent), (3, 2, 0, 20));
        assert_eq!(p.dest.as_deref(), Some("/srv/dwgk"));
        assert_eq!(p.schedule.unwrap().text(), "0 6 * * *");
        assert_eq!(p.audience, Some(Audience::Internal));
        assert_eq!((p.internal_dest, p.internal_base_url), (None, None));

        let text = "title = \"a\"\nbase_url = \"http://x/\"\n[publish]\nkeep = 0\npoll_second = 5\nschedule = \"0 25 * * *\"\n";
        let (c, d) = Config::parse(text);
        assert!(c.is_some());
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(d[0].line, Some(4));
        assert!(d.iter().any(|d| d.line == Some(5) && d.hint.as_deref().unwrap().contains("poll_seconds")), "{d:#?}");
        assert!(d.iter().any(|d| d.line == Some(6) && d.message.contains("超出范围")), "{d:#?}");
    }

    #[test]
    fn publish_both_portals() {
        let head = "title = \"a\"\nbase_url = \"http://x/\"\n[publish]\ndest = \"/srv/dwgk/public\"\n";
        let (c, d) = Config::parse(&format!("{head}internal_dest = \"/srv/dwgk/internal\"\ninternal_base_url = \"http://neibu.intranet\"\n"));
        assert!(d.is_empty(), "{d:?}");
        let p = c.unwrap().publish;
        assert_eq!(p.internal_dest.as_deref(), Some("/srv/dwgk/internal"));
        assert_eq!(p.internal_base_url.as_deref(), Some("http://neibu.intranet/"), "normalised like base_url");

        let (_, d) = Config::parse(&format!("{head}internal_dest = \"/srv/dwgk/internal\"\naudience = \"internal\"\ninternal_base_url = \"neibu\"\n"));
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().any(|d| d.line == Some(6) && d.message.contains("audience 只能是 public")), "{d:#?}");
        assert!(d.iter().any(|d| d.line == Some(7) && d.message.contains("internal_base_url")), "{d:#?}");
        let (c, d) = Config::parse(&format!("{head}committee_dest = \"/srv/dwgk/weiyuanhui\"\ncommittee_base_url = \"http://weiyuan.intranet\"\n"));
        assert!(d.is_empty(), "{d:?}");
        let p = c.unwrap().publish;
        assert_eq!(p.committee_dest.as_deref(), Some("/srv/dwgk/weiyuanhui"));
        assert_eq!(p.committee_base_url.as_deref(), Some("http://weiyuan.intranet/"));
        let (_, d) = Config::parse(&format!("{head}committee_dest = \"/srv/c\"\naudience = \"committee\"\n"));
        assert!(d.iter().any(|d| d.line == Some(6) && d.message.contains("audience 只能是 public")), "{d:#?}");
        let (_, d) = Config::parse(&format!("{head}internal_dset = \"/srv/dwgk/internal\"\n"));
        assert!(d[0].hint.as_deref().unwrap().contains("internal_dest"), "{d:#?}");
    }

    #[test]
    fn base_path() {
        let (c, _) = Config::parse("title = \"a\"\nbase_url = \"http://host:8080/dwgk\"\n");
        assert_eq!(c.unwrap().base_path(), "/dwgk/");
    }

    #[test]
    fn search_dictionary_terms_are_checked_and_located() {
        let text = "title = \"t\"\nbase_url = \"http://x/\"\n[search]\ndictionary = [\"警示教育\", \"三会一课\", \"警示教育\", \"两个\", \"abc教育\", 3]\n";
        let (c, d) = Config::parse(text);
        assert_eq!(c.unwrap().search_terms, ["警示教育"], "good terms kept once, built-in ones dropped");
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(d.iter().all(|d| d.line == Some(4) && d.message.contains("不能作为搜索词")), "{d:#?}");
        let (_, d) = Config::parse("title = \"t\"\nbase_url = \"http://x/\"\n[search]\ndictionay = [\"警示教育\"]\n");
        assert!(d[0].message.contains("dictionay") && d[0].hint.as_deref().unwrap().contains("dictionary"), "{d:#?}");
        let (_, d) = Config::parse("title = \"t\"\nbase_url = \"http://x/\"\n[search]\ndictionary = \"警示教育\"\n");
        assert!(d[0].message.contains("应是词语列表"), "{d:#?}");
    }
}
