//! Link resolution for one page's Markdown: `@/` links to pages and sections,
//! relative links to attachments and other Markdown files, root-relative site paths.

use super::model::Hidden;
use super::urls::{file_marker, marker};
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
    /// Broken links so far: past the problems a file lists, no hint is searched for.
    broken_count: std::cell::Cell<usize>,
    /// The page is a held-back page's last published version: a link that no
    /// longer resolves becomes text with a warning (`site::isolation`).
    lenient: bool,
}

impl<'a> PageLinks<'a> {
    pub fn new(site: &'a Site, dir: String) -> Self {
        PageLinks { site, dir, linked_assets: RefCell::new(Vec::new()), broken_count: Default::default(), lenient: false }
    }

    /// The did-you-mean for a broken link to `key`: searched for (once per build and
    /// target) only while this page has no more broken links than a file lists.
    fn suggest(&self, key: String, find: impl FnOnce() -> Option<String>) -> Option<String> {
        self.broken_count.set(self.broken_count.get() + 1);
        if self.broken_count.get() > crate::content::limits::MAX_PROBLEMS_PER_FILE {
            return None;
        }
        self.site.suggest(&key, find)
    }

    pub fn lenient(mut self, on: bool) -> Self {
        self.lenient = on;
        self
    }

    pub fn is_lenient(&self) -> bool {
        self.lenient
    }

    /// Back to how `new` made it: no attachment linked, no broken link counted.
    pub fn reset(&self) {
        self.linked_assets.borrow_mut().clear();
        self.broken_count.set(0);
    }

    /// A broken link, or text with a warning when its target is held back or this
    /// page is a held-back page's old version.
    fn broken(&self, rel: &str, written: &str, message: String, hint: String) -> Resolution {
        if self.site.isolation.is_absent(rel) {
            let (message, hint) = super::isolation::held_link(written);
            Resolution::Unlink { message, hint }
        } else if self.lenient {
            let (message, hint) = super::isolation::stale_link(&message);
            Resolution::Unlink { message, hint }
        } else {
            Resolution::Broken { message, hint }
        }
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
            Some(Item::Asset(a)) => return self.asset(a, written),
            None => {
                let hint = match self.suggest(format!("@/{rel}"), || did_you_mean(rel, site.by_rel.keys().map(String::as_str)).map(String::from)) {
                    Some(s) => format!("是不是 @/{s}？路径从 content/ 算起，区分大小写"),
                    None => "路径从 content/ 文件夹算起，例如 [通知](@/notices/2024-03-01-tongzhi.md)".into(),
                };
                return self.broken(rel, written, format!("链接指向的页面不存在：{written}"), hint);
            }
        };
        if let Some(h) = hidden {
            let hint = match h {
                Hidden::Internal => "公开页面不能链接党内公开的内容：删除这个链接，或把目标页面改为 scope = \"public\"",
                Hidden::Draft => "目标页面还是草稿：发布它（删去 draft = true），或先去掉这个链接",
                Hidden::Scheduled => "目标页面尚未到发布时间：调整 publish_date，或先去掉这个链接",
                Hidden::Unapproved => "目标页面尚未审批：补上 approved_by，或先去掉这个链接",
            };
            return self.broken(rel, written, format!("链接指向的页面{}：{written}", h.reason()), hint.into());
        }
        let url = match anchor {
            Some(a) => format!("{}#{a}", marker(path)),
            None => marker(path),
        };
        let target_anchor = anchor.filter(|a| !a.is_empty()).map(|a| (rel.to_string(), a.to_string()));
        Resolution::Replace { url, target_anchor }
    }
}

impl PageLinks<'_> {
    /// A link to attachment `a`: refused when it is a ledger in a public build or
    /// belongs to a page or folder this build does not show (the file exists,
    /// but not for this audience: it is never copied).
    fn asset(&self, a: usize, written: &str) -> Resolution {
        let site = self.site;
        let asset = &site.assets[a];
        if !super::may_publish(asset, site.opts.audience) {
            let (what, hint) = if asset.personal {
                (
                    "党费台账原始文件（含收入基数），只在委员会版中提供",
                    "页面上的公示表就是台账处理后的结果；删除这个链接（委员会版的党费公示页自带原始台账下载）",
                )
            } else {
                ("数据表格原始文件，不会出现在公开版中", "公开版只显示处理后的表格；删除这个链接，或只在党内公开的页面里提供下载")
            };
            return self.broken(&asset.rel, written, format!("链接指向{what}：{written}"), hint.into());
        }
        if asset.internal_twin && site.opts.audience.is_public() {
            return Resolution::Broken {
                message: format!("链接指向的附件 {written} 与党内公开的内容是同一个文件（硬链接或符号链接），它不会出现在公开版中"),
                hint: "公开页面的附件请放一份独立的副本（复制，不要链接），并确认它可以公开".into(),
            };
        }
        if let Some(what) = crate::content::active::active_type(asset.name()) {
            let d = super::active_error(asset.name(), what);
            return Resolution::Broken { message: d.message, hint: d.hint.unwrap_or_default() };
        }
        if let Some(h) = site.owner_hidden(asset.owner) {
            let hint = match h {
                Hidden::Internal => "附件存在，但属于党内公开的页面或栏目，公开版中没有它：删除这个链接，或把附件放到公开页面的文件夹里",
                _ => "附件存在，但它所属的页面现在不发布：先发布那个页面，或把附件放到本页的文件夹里",
            };
            return self.broken(&asset.rel, written, format!("链接指向的附件所属的页面或栏目{}：{written}", h.reason()), hint.into());
        }
        self.linked_assets.borrow_mut().push(a);
        Resolution::Replace { url: file_marker(&asset.path), target_anchor: None }
    }

    /// A root-relative link (`/notices/a/`, `/notices/a.pdf`, `/notices/a.md`):
    /// checked like a relative one when it names something under a content
    /// folder; other site paths (tags, static files) are left as written.
    fn root_relative(&self, dest: &str) -> Resolution {
        let (path, anchor) = split_anchor(dest);
        let path = percent_decode(path.split('?').next().unwrap_or(path));
        if path.ends_with(".md") {
            return self.content_item(path.trim_start_matches('/'), dest, anchor);
        }
        let site = self.site;
        let keep = || Resolution::Replace { url: marker(dest), target_anchor: None };
        let item = site.item_at(&path);
        let (hidden, rel) = match item {
            Some(Item::Asset(a)) => return self.asset(a, dest),
            Some(Item::Page(p)) => (site.pages[p].hidden, site.pages[p].src.rel.clone()),
            Some(Item::Section(s)) => (site.sections[s].hidden, site.sections[s].src.as_ref().map_or(String::new(), |x| x.rel.clone())),
            None => {
                // A folder-style path under a content folder that nothing makes.
                let under = site.section_holding(&path).filter(|&s| s != 0);
                let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let file_like = last.contains('.') && !last.ends_with(".html");
                if let (Some(s), false) = (under, file_like || site.generated_under(&path)) {
                    let hint = format!(
                        "检查网址；它在栏目 {} 之下，但没有这个页面。站内页面建议用 @/ 链接（例如 [通知](@/notices/a.md)），页面改名或移动后会报错提示",
                        site.sections[s].path
                    );
                    return Resolution::Broken { message: format!("链接指向的网址在网站中不存在：{dest}"), hint };
                }
                return keep();
            }
        };
        if let Some(h) = hidden {
            let hint = match h {
                Hidden::Internal => "公开页面不能链接党内公开的内容：删除这个链接，或把目标改为 scope = \"public\"",
                _ => "目标现在不发布：先发布它，或去掉这个链接",
            };
            return Resolution::Broken { message: format!("链接指向的页面{}：{dest}", h.reason()), hint: hint.into() };
        }
        let target_anchor = anchor.filter(|a| !a.is_empty() && !rel.is_empty()).map(|a| (rel, a.to_string()));
        Resolution::Replace { url: marker(dest), target_anchor }
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
            return self.root_relative(dest);
        }
        let (path, anchor) = split_anchor(dest);
        let path = path.split('?').next().unwrap_or(path);
        let Some(rel) = join(&self.dir, &percent_decode(path)) else {
            return self.broken("", dest, format!("链接超出了 content/ 文件夹：{dest}"), "附件请放在页面所在的文件夹里，用相对路径链接".into());
        };
        if self.site.by_rel.contains_key(&rel) || rel.ends_with(".md") {
            return self.content_item(&rel, dest, anchor);
        }
        let last = rel.rsplit('/').next().unwrap_or(&rel);
        if last.contains('.') {
            let siblings = || {
                let mut in_dir = self.site.by_rel.keys().filter(|k| k.rsplit_once('/').map_or("", |(d, _)| d) == self.dir);
                did_you_mean(&rel, in_dir.by_ref().map(String::as_str)).map(String::from)
            };
            let hint = match self.suggest(format!("{}\0{rel}", self.dir), siblings).as_deref() {
                Some(s) => format!("是不是 {}？文件名区分大小写", s.rsplit('/').next().unwrap_or(s)),
                None => format!(
                    "把附件放到页面所在的文件夹（content/{}），或修改链接中的文件名",
                    if self.dir.is_empty() { String::new() } else { format!("{}/", self.dir) }
                ),
            };
            return self.broken(&rel, dest, format!("附件不存在：{dest}"), hint);
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
pub(super) fn join(dir: &str, rel: &str) -> Option<String> {
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
