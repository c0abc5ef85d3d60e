//! Templates and static files: the built-in default theme, overridden file by file
//! by `themes/<name>/` and then by the site's own `templates/` and `static/`, read
//! from the code folder the build trusts (`pipeline::Trust`: the site, or publish's `--code`).

use crate::config::Security;
use crate::diag::{Diagnostic, Pos};
use crate::io::confine::{self, Fence};
use crate::io::walk;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// A template's source, kept for locating runtime errors.
#[derive(Clone)]
pub struct TemplateSource {
    pub display: String,
    pub text: String,
}

#[derive(Clone)]
pub struct Templates {
    pub tera: tera::Tera,
    pub sources: HashMap<String, TemplateSource>,
    /// What the templates read beyond their own page, found once when loaded.
    pub reads: Reads,
}

/// Which templates read what: the renderer copies data only into templates that
/// can read it, and the preview knows which outputs depend on other pages.
#[derive(Clone, Default)]
pub struct Reads {
    /// Some template reads compliance cells as data (`l.cells`).
    pub cells: bool,
    /// Templates that read `recent_pages`.
    pub recent: HashSet<String>,
    /// Templates whose output depends on other pages' summaries: they read
    /// `recent_pages`, `get_page` or `get_section`.
    pub other_pages: HashSet<String>,
    /// Templates that read the variable `nav` (every top-level unit: copied into
    /// every page it would cost pages × units, 10^10 at a million pages).
    pub nav: HashSet<String>,
}

impl Reads {
    fn of(sources: &HashMap<String, TemplateSource>) -> Reads {
        let deps: Vec<(&str, Vec<String>)> = sources.iter().map(|(name, s)| (name.as_str(), referenced_templates(&s.text))).collect();
        let mentioning = |words: &[&str]| mentioning(sources, &deps, words);
        Reads {
            cells: !mentioning(&[".cells", "[\"cells\"]", "['cells']"]).is_empty(),
            recent: mentioning(&["recent_pages"]),
            other_pages: mentioning(&["recent_pages", "get_page", "get_section"]),
            nav: reading_variable(sources, &deps, "nav"),
        }
    }
}

/// The templates that can read any of `words` (variables, functions): those that
/// mention one, and those that extend, include or import such a template.
fn mentioning(sources: &HashMap<String, TemplateSource>, deps: &[(&str, Vec<String>)], words: &[&str]) -> HashSet<String> {
    let out: HashSet<String> = sources.iter().filter(|(_, s)| words.iter().any(|w| s.text.contains(w))).map(|(n, _)| n.clone()).collect();
    with_dependents(out, deps)
}

/// `mentioning` for a variable named in Tera code (inside `{{ }}` and `{% %}`, not
/// in the HTML around it) as a whole name: not `x.nav`, not `nav_items`. A template
/// that prints `__tera_context` reads every variable.
fn reading_variable(sources: &HashMap<String, TemplateSource>, deps: &[(&str, Vec<String>)], name: &str) -> HashSet<String> {
    let names = |code: &str| {
        code.contains("__tera_context")
            || code.match_indices(name).any(|(k, _)| {
                let before = code[..k].chars().next_back();
                let after = code[k + name.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
    };
    let reads = |text: &str| {
        let mut rest = text;
        while let Some(at) = rest.find('{') {
            let close = match rest.as_bytes().get(at + 1) {
                Some(b'{') => "}}",
                Some(b'%') => "%}",
                _ => {
                    rest = &rest[at + 1..];
                    continue;
                }
            };
            let code = &rest[at + 2..];
            let end = code.find(close).unwrap_or(code.len());
            if names(&code[..end]) {
                return true;
            }
            rest = &code[end..];
        }
        false
    };
    let own: HashSet<String> = sources.iter().filter(|(_, s)| reads(&s.text)).map(|(n, _)| n.clone()).collect();
    with_dependents(own, deps)
}

/// `found` and every template that extends, includes or imports one of them.
fn with_dependents(mut found: HashSet<String>, deps: &[(&str, Vec<String>)]) -> HashSet<String> {
    loop {
        let before = found.len();
        for (name, refs) in deps {
            if refs.iter().any(|r| found.contains(r)) {
                found.insert(name.to_string());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Names in `{% extends "x" %}`, `{% include "x" %}`, `{% import "x" as m %}`.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in text.split("{%").skip(1) {
        let inner = tag.split("%}").next().unwrap_or("").trim_start_matches('-').trim();
        let mut words = inner.split_whitespace();
        if matches!(words.next(), Some("extends" | "include" | "import")) {
            if let Some(name) = words.next() {
                out.push(name.trim_matches(['"', '\'']).to_string());
            }
        }
    }
    out
}

/// A file to copy into the output.
pub enum StaticFile {
    Builtin(&'static [u8]),
    Disk(PathBuf),
}

/// Reads the template layers from the code folder (`None`: the built-in theme only)
/// and compiles them. Files are read inside the code folder (and the allowed
/// outside folders) only, like content (`io::confine`).
pub fn load(code: Option<&Path>, theme: &str, security: &Security) -> (Option<Templates>, Vec<Diagnostic>) {
    let mut layers: Vec<(String, String, String)> = THEME_FILES
        .iter()
        .filter_map(|(rel, bytes)| {
            let name = rel.strip_prefix("templates/")?;
            Some((name.to_string(), format!("(内置主题)/{rel}"), String::from_utf8_lossy(bytes).into_owned()))
        })
        .collect();
    let mut diags = Vec::new();
    let dirs = code.map(|root| {
        let fence = Fence::allowing(root, &security.allow_read);
        ([(root.join("themes").join(theme).join("templates"), format!("themes/{theme}/templates")), (root.join("templates"), "templates".to_string())], fence)
    });
    for ((dir, display), fence) in dirs.iter().flat_map(|(d, f)| d.iter().map(move |x| (x, f))) {
        let (files, d) = files_under(dir, display, fence);
        diags.extend(d);
        for (rel, path) in files {
            match confine::read(&path, None) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => layers.push((rel.clone(), format!("{display}/{rel}"), text.replace("\r\n", "\n"))),
                    Err(_) => diags.push(Diagnostic::error("模板文件不是 UTF-8 编码").file(format!("{display}/{rel}")).hint("用 UTF-8 编码保存模板")),
                },
                Err(e) => diags.push(Diagnostic::error(format!("无法读取模板：{e}")).file(format!("{display}/{rel}"))),
            }
        }
    }
    if theme != "default" && !code.is_some_and(|root| root.join("themes").join(theme).is_dir()) {
        let hint = if code.is_some() {
            "使用内置主题：theme = \"default\""
        } else {
            "dwgk publish 只用管理员 --code 文件夹里的主题；没有 --code 时只有内置主题 default"
        };
        diags.push(Diagnostic::error(format!("主题“{theme}”不存在：找不到 themes/{theme}/ 文件夹")).file("config.toml").hint(hint));
    }
    let (t, d) = compile(layers, &security.allow_env);
    diags.extend(d);
    (t.filter(|_| !diags.iter().any(Diagnostic::is_error)), diags)
}

/// Compiles templates; later entries override earlier ones with the same name.
/// Every syntax error is reported, with its line and column. `get_env` reads only
/// the variables in `allow_env` (`[security]`): a template is code, but the server's
/// environment (`HOME`, credentials) is not the site's.
pub fn compile(layers: Vec<(String, String, String)>, allow_env: &[String]) -> (Option<Templates>, Vec<Diagnostic>) {
    let mut sources: HashMap<String, TemplateSource> = HashMap::new();
    for (name, display, text) in layers {
        sources.insert(name, TemplateSource { display, text });
    }
    // Parsed once, all together; only when that fails is each template parsed alone,
    // so that every syntax error is found (a full parse is a good part of a small build).
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str()))) {
        let diags = syntax_errors(&sources);
        if !diags.is_empty() {
            return (None, diags);
        }
        let d = Diagnostic::error(format!("模板组合出错：{}", error_chain(&e))).hint("检查 {% extends %} 和 {% include %} 引用的模板名是否存在");
        return (None, vec![d]);
    }
    super::functions::register_filters(&mut tera);
    tera.register_function("get_env", get_env(allow_env.to_vec()));
    let reads = Reads::of(&sources);
    (Some(Templates { tera, sources, reads }), Vec::new())
}

/// Every template's syntax errors, in name order: each is parsed alone (errors about
/// other templates, extends/import targets, are not syntax errors).
fn syntax_errors(sources: &HashMap<String, TemplateSource>) -> Vec<Diagnostic> {
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    let mut diags = Vec::new();
    for name in names {
        let src = &sources[name];
        if let Err(e) = tera::Tera::default().add_raw_template(name, &src.text) {
            if matches!(e.kind, tera::ErrorKind::Msg(_)) && error_chain(&e).contains("Failed to parse") {
                diags.push(template_syntax_error(src, &e));
            }
        }
    }
    diags
}

/// Tera's `get_env`, limited to the allowed names.
fn get_env(allowed: Vec<String>) -> impl tera::Function {
    move |args: &HashMap<String, serde_json::Value>| -> tera::Result<serde_json::Value> {
        let Some(name) = args.get("name").and_then(|v| v.as_str()) else {
            return Err(tera::Error::msg("get_env 需要 name 参数（文字）"));
        };
        if !allowed.iter().any(|a| a == name) {
            return Err(tera::Error::msg(format!("模板不能读取环境变量 {name}：它不在 config.toml 的 [security] allow_env 中（dwgk publish 用 --allow-env）")));
        }
        match (std::env::var(name), args.get("default")) {
            (Ok(v), _) => Ok(serde_json::Value::String(v)),
            (Err(_), Some(d)) => Ok(d.clone()),
            (Err(_), None) => Err(tera::Error::msg(format!("环境变量 {name} 没有设置"))),
        }
    }
}

fn template_syntax_error(src: &TemplateSource, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    let detail = chain.lines().filter(|l| l.contains("= ")).map(|l| l.trim().trim_start_matches("= ")).collect::<Vec<_>>().join("；");
    let d = Diagnostic::error(format!("模板语法错误{}", if detail.is_empty() { String::new() } else { format!("：{detail}") })).file(&src.display);
    let d = match find_arrow_pos(&chain) {
        Some(pos) => d.at(&src.text, pos, 1),
        None => d,
    };
    d.hint("检查 {{ }}、{% %} 是否成对，标签名是否拼写正确（Tera 语法，与 Jinja2 相近）")
}

/// `--> 3:5` in a pest error message.
fn find_arrow_pos(s: &str) -> Option<Pos> {
    let i = s.find("--> ")?;
    let rest = &s[i + 4..];
    let (line, rest) = rest.split_once(':')?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Pos { line: line.trim().parse().ok()?, col: col.parse().ok()? })
}

/// The whole message of a tera error, including its causes.
pub fn error_chain(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        out.push('\n');
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}

/// Static files: built-in theme, then `themes/<name>/static`, then site `static/`
/// (both from the code folder; none without one), each read inside its fence.
pub fn static_files(code: Option<&Path>, theme: &str, security: &Security) -> (Vec<(String, StaticFile)>, Vec<Diagnostic>) {
    let mut files: HashMap<String, StaticFile> = HashMap::new();
    for (rel, bytes) in THEME_FILES {
        if let Some(r) = rel.strip_prefix("static/") {
            files.insert(r.to_string(), StaticFile::Builtin(bytes));
        }
    }
    let mut diags = Vec::new();
    if let Some(root) = code {
        let fence = Fence::allowing(root, &security.allow_read);
        for (dir, display) in [(root.join("themes").join(theme).join("static"), format!("themes/{theme}/static")), (root.join("static"), "static".to_string())]
        {
            let (found, d) = files_under(&dir, &display, &fence);
            diags.extend(d);
            for (rel, path) in found {
                files.insert(rel, StaticFile::Disk(path));
            }
        }
    }
    let mut v: Vec<_> = files.into_iter().collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    (v, diags)
}

/// Files under `dir` (relative name, resolved path), inside `fence`; links out of
/// it are errors shown under `display`.
fn files_under(dir: &Path, display: &str, fence: &Fence) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    if !dir.is_dir() {
        return (Vec::new(), Vec::new());
    }
    let (entries, diags) = walk::walk(dir, display, fence);
    (entries.into_iter().filter(|e| e.kind != walk::EntryKind::Dir).map(|e| (e.rel, e.abs)).collect(), diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_references() {
        assert_eq!(
            referenced_templates("{% extends \"base.html\" %}{%- include 'nav.html' -%}{% import \"macros.html\" as m %}{% if x %}"),
            ["base.html", "nav.html", "macros.html"]
        );
    }

    #[test]
    fn a_variable_is_read_where_tera_code_names_it_and_by_what_extends_that() {
        let sources: HashMap<String, TemplateSource> = [
            ("base.html", "<nav class=\"site-nav\">{{ nav_items(current_path=current_path) | safe }}</nav>{% block c %}{% endblock c %}"),
            ("menu.html", "{%- for item in nav %}{{ item.title }}{% endfor %}"),
            ("page.html", "{% extends \"base.html\" %}{{ page.nav }}{# nav #}"),
            ("section.html", "{% extends \"base.html\" %}{% include \"menu.html\" %}"),
            ("debug.html", "{{ __tera_context }}"),
            ("count.html", "{{nav|length}}"),
        ]
        .into_iter()
        .map(|(n, t)| (n.to_string(), TemplateSource { display: n.into(), text: t.into() }))
        .collect();
        let deps: Vec<(&str, Vec<String>)> = sources.iter().map(|(n, s)| (n.as_str(), referenced_templates(&s.text))).collect();
        let mut got: Vec<String> = reading_variable(&sources, &deps, "nav").into_iter().collect();
        got.sort();
        assert_eq!(got, ["count.html", "debug.html", "menu.html", "section.html"]);
    }
}
