//! Link resolution for one page's Markdown: `@/` links to pages and sections,
//! relative links to attachments and other Markdown files, root-relative site paths.

use super::model::Hidden;
use super::urls::marker;
use super::{Item, Site};
use crate::content::markdown::{LinkResolver, Resolution};
use crate::diag::did_you_mean;
use std::cell::RefCell;

pub struct PageLinks<'a> {
    pub site: &'a Site,
    /// Folder that relative links start from (relative to `content/`).
    pub dir: String,
    /// Attachments this page links to.
    pub linked_assets: RefCell<Vec<usize>>,
}

impl<'a> PageLinks<'a> {
    pub fn new(site: &'a Site, dir: String) -> Self {
        PageLinks { site, dir, linked_assets: RefCell::new(Vec::new()) }
    }

    fn content_item(&self, rel: &str, written: &str, anchor: Option<&str>) -> Resolution {
        let site = self.site;
        let item = site.by_rel.get(rel).copied().or_else(|| {
            // `@/notices/bundle/` or `@/notices` mean the bundle page or section.
            let t = rel.trim_end_matches('/');
            site.by_rel.get(&format!("{t}/index.md")).or_else(|| site.by_rel.get(&format!("{t}/_index.md"))).copied()
        });
        let (path, hidden) = match item {
            Some(Item::Page(p)) => (&site.pages[p].path, site.pages[p].hidden),
            Some(Item::Section(s)) => (&site.sections[s].path, site.sections[s].hidden),
            Some(Item::Asset(a)) => {
                if site.assets[a].ledger && site.opts.audience == crate::content::kind::Audience::Public {
                    return Resolution::Broken {
                        message: format!("链接指向党费台账原始文件 {written}，它不会出现在公开版中"),
                        hint: "公开版只显示处理后的公示表；删除这个链接，或只在党内公开的页面里提供下载".into(),
                    };
                }
                let asset = &site.assets[a];
                if asset.internal_twin && site.opts.audience == crate::content::kind::Audience::Public {
                    return Resolution::Broken {
                        message: format!("链接指向的附件 {written} 与党内公开的内容是同一个文件（硬链接或符号链接），它不会出现在公开版中"),
                        hint: "公开页面的附件请放一份独立的副本（复制，不要链接），并确认它可以公开".into(),
                    };
                }
                if let Some(what) = crate::content::active::active_type(asset.name()) {
                    let d = super::active_error(asset.name(), what);
                    return Resolution::Broken { message: d.message, hint: d.hint.unwrap_or_default() };
                }
                self.linked_assets.borrow_mut().push(a);
                return Resolution::Replace { url: marker(&site.assets[a].path), target_anchor: None };
            }
            None => {
                let hint = match did_you_mean(rel, site.by_rel.keys().map(String::as_str)) {
                    Some(s) => format!("是不是 @/{s}？路径从 content/ 算起，区分大小写"),
                    None => "路径从 content/ 文件夹算起，例如 [通知](@/notices/2024-03-01-tongzhi.md)".into(),
                };
                return Resolution::Broken { message: format!("链接指向的页面不存在：{written}"), hint };
            }
        };
        if let Some(h) = hidden {
            let hint = match h {
                Hidden::Internal => "公开页面不能链接党内公开的内容：删除这个链接，或把目标页面改为 scope = \"public\"",
                Hidden::Draft => "目标页面还是草稿：发布它（删去 draft = true），或先去掉这个链接",
                Hidden::Scheduled => "目标页面尚未到发布时间：调整 publish_date，或先去掉这个链接",
                Hidden::Unapproved => "目标页面尚未审批：补上 approved_by，或先去掉这个链接",
            };
            return Resolution::Broken { message: format!("链接指向的页面{}：{written}", h.reason()), hint: hint.into() };
        }
        let url = match anchor {
            Some(a) => format!("{}#{a}", marker(path)),
            None => marker(path),
        };
        let target_anchor = anchor.filter(|a| !a.is_empty()).map(|a| (rel.to_string(), a.to_string()));
        Resolution::Replace { url, target_anchor }
    }
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, dest: &str) -> Resolution {
        if let Some(rest) = dest.strip_prefix("@/") {
            let (path, anchor) = split_anchor(rest);
            return self.content_item(&percent_decode(path), dest, anchor);
        }
        if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || has_scheme(dest) {
            return Resolution::Keep;
        }
        if dest.starts_with('/') {
            return Resolution::Replace { url: marker(dest), target_anchor: None };
        }
        let (path, anchor) = split_anchor(dest);
        let path = path.split('?').next().unwrap_or(path);
        let Some(rel) = join(&self.dir, &percent_decode(path)) else {
            return Resolution::Broken {
                message: format!("链接超出了 content/ 文件夹：{dest}"), hint: "附件请放在页面所在的文件夹里，用相对路径链接".into()
            };
        };
        if self.site.by_rel.contains_key(&rel) || rel.ends_with(".md") {
            return self.content_item(&rel, dest, anchor);
        }
        let last = rel.rsplit('/').next().unwrap_or(&rel);
        if last.contains('.') {
            let siblings = self.site.by_rel.keys().filter(|k| k.rsplit_once('/').map_or("", |(d, _)| d) == self.dir);
            let hint = match did_you_mean(&rel, siblings.map(String::as_str)) {
                Some(s) => format!("是不是 {}？文件名区分大小写", s.rsplit('/').next().unwrap_or(s)),
                None => format!(
                    "把附件放到页面所在的文件夹（content/{}），或修改链接中的文件名",
                    if self.dir.is_empty() { String::new() } else { format!("{}/", self.dir) }
                ),
            };
            return Resolution::Broken { message: format!("附件不存在：{dest}"), hint };
        }
        Resolution::Keep
    }
}

fn split_anchor(s: &str) -> (&str, Option<&str>) {
    match s.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (s, None),
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => s[..i].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) && i > 0,
        None => false,
    }
}

/// Joins a relative link to a folder, resolving `.` and `..`; `None` if it leaves the root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    String::from_utf8(percent_decode_bytes(s)).unwrap_or_else(|_| s.to_string())
}

/// `%XX` escapes decoded to bytes; a `%` without two hex digits after it is kept.
pub fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while i < bytes.len() {
        // Bytes, not a `&str` slice: `%` may be followed by a multi-byte character.
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_decodes() {
        assert_eq!(join("a/b", "../c.pdf").as_deref(), Some("a/c.pdf"));
        assert_eq!(join("", "../x"), None);
        assert_eq!(percent_decode("%E9%99%84%E4%BB%B6.pdf"), "附件.pdf");
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("a%中.pdf"), "a%中.pdf", "a % before a Chinese character is kept, not a panic");
        assert_eq!(percent_decode("100%"), "100%");
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("附件:1.pdf"));
    }
}
