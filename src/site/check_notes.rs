//! What only `dwgk check` says about the content folder, so that nothing an officer
//! drops in is silently lost: every file that will not be published in either
//! audience and why (temp and hidden files, drafts, scheduled or unapproved pages
//! and their attachments, attachments of a page that failed), page files read
//! despite an unusual name (`通知.md.txt`, `A.MD`), `.txt` files that are not pages,
//! and front matter keys kept as custom values. Warnings; pure.

use super::model::{Hidden, Owner, Page};
use super::Site;
use crate::content::entry::{page_stem, unusual_page_extension, Entry, EntryKind};
use crate::content::kind::Kind;
use crate::diag::Diagnostic;

/// The notes for a site assembled and rendered (links known) from `entries`.
pub fn notes(site: &Site, entries: &[Entry]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in entries {
        let note = match e.kind {
            EntryKind::Skipped => skipped(&e.rel),
            EntryKind::Markdown => page_name(site, &e.rel),
            EntryKind::Asset => attachment(site, &e.rel),
            // A Word file a page makes an attachment is listed like one; a Word page's own errors are errors.
            EntryKind::Word if matches!(site.by_rel.get(&e.rel), Some(super::Item::Asset(_))) => attachment(site, &e.rel),
            EntryKind::Word | EntryKind::Sidecar => None,
            EntryKind::Dir => None,
        };
        if let Some((message, hint)) = note {
            out.push(Diagnostic::warning(message).file(format!("content/{}", e.rel)).hint(hint));
        }
    }
    for p in &site.pages {
        if let Some(reason) = hidden_everywhere(site, p) {
            out.push(Diagnostic::warning(format!("不会发布：这个页面{reason}")).file(&p.src.display).hint(hidden_hint(site, p)));
        }
    }
    let sources = site.pages.iter().map(|p| (&p.src, Some(p))).chain(site.sections.iter().filter_map(|s| s.src.as_ref().map(|src| (src, None))));
    for (src, page) in sources {
        for key in src.unknown_keys.iter() {
            // A whole number on a record is a count above `[counts]`: already an error.
            let stray_count = page.is_some_and(|p| p.kind == Some(Kind::Record) && p.extra.get(key).is_some_and(|v| v.is_i64() || v.is_u64()));
            if !stray_count {
                let what = if page.is_some() { "page" } else { "section" };
                let mut d = src
                    .key_name_error(key, format!("“{key}”不是 dwgk 认得的设置项，已作为自定义值保留（模板中是 {what}.extra.{key}）"))
                    .hint("如果是拼写错了，改成正确的设置项（设置项和中文写法见使用指南 docs/officer-guide.md）；自定义的值请写在 [extra] 下面，就不再提示");
                d.severity = crate::diag::Severity::Warning;
                out.push(d);
            }
        }
    }
    out
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Why a skipped file is not published; `None` for the Office lock files and OS
/// leftovers every share has (silence is right for those).
fn skipped(rel: &str) -> Option<(String, String)> {
    let name = file_name(rel);
    let lower = name.to_lowercase();
    if name.starts_with("~$") || name.starts_with(".~lock.") || ["thumbs.db", "desktop.ini", ".ds_store"].contains(&lower.as_str()) {
        return None;
    }
    let (what, hint) = if name.starts_with('.') {
        ("名字以“.”开头，是隐藏文件（或隐藏文件夹，其中的文件都不读取）", "如果要发布，改名去掉开头的“.”")
    } else if lower.ends_with(".part") || lower.ends_with(".crdownload") {
        ("是没有下载完的文件", "等下载完成（文件名不再以 .part 或 .crdownload 结尾），或重新下载")
    } else if lower.ends_with(".tmp") {
        ("是编辑软件保存时留下的临时文件（.tmp）", "可以删除；如果这是要发布的文件，改成它本来的扩展名（如 .docx、.pdf）")
    } else {
        ("是编辑器留下的备份文件（名字以 ~ 结尾）", "可以删除；如果这是要发布的文件，去掉名字末尾的 ~")
    };
    Some((format!("不会发布：{what}"), hint.to_string()))
}

/// A page file whose name is not `….md`.
fn page_name(site: &Site, rel: &str) -> Option<(String, String)> {
    let name = file_name(rel);
    let ext = unusual_page_extension(name)?;
    if !site.by_rel.contains_key(rel) {
        return None; // not built: its errors say why
    }
    let plain = format!("{}.md", page_stem(name));
    let lower = ext.to_ascii_lowercase();
    let (message, hint) = if lower.ends_with(".md.txt") || lower.ends_with(".markdown.txt") {
        (
            format!("已作为页面：文件名末尾多了 .txt（记事本保存时自动加上的），按 {plain} 读取"),
            format!("建议改名为 {plain}：记事本“另存为”时，“保存类型”选“所有文件 (*.*)”，文件名写 {plain}"),
        )
    } else if lower == ".txt" {
        ("已作为页面：这个 .txt 文件开头有 +++（或 ---）设置项".to_string(), format!("建议改名为 {plain}，一看就知道是页面"))
    } else {
        (format!("已作为页面：扩展名写成了 {ext}"), format!("建议改名为 {plain}（小写的 .md）"))
    };
    Some((message, hint))
}

/// An attachment that is not published anywhere, or a `.txt` that is no page.
fn attachment(site: &Site, rel: &str) -> Option<(String, String)> {
    let Some(&super::Item::Asset(i)) = site.by_rel.get(rel) else {
        let hint = "先改正这个页面文件夹里 index.md 的错误（见上面的错误）；改好后附件随页面发布";
        return Some(("不会发布：它所在的页面文件夹没有生成页面".into(), hint.into()));
    };
    let a = &site.assets[i];
    let shown_somewhere = |p: usize| hidden_everywhere(site, &site.pages[p]).is_none();
    if let Owner::Page(p) = a.owner {
        let page = &site.pages[p];
        if let Some(reason) = hidden_everywhere(site, page).filter(|_| !a.linked_by.iter().any(|&l| shown_somewhere(l))) {
            return Some((format!("不会发布：它所在的页面 {}{reason}", page.src.display), hidden_hint(site, page)));
        }
    }
    let is_txt = file_name(rel).to_ascii_lowercase().ends_with(".txt");
    if is_txt && !a.ledger && a.linked_by.is_empty() && matches!(a.owner, Owner::Section(_)) {
        return Some((
            "不是页面：这个 .txt 文件开头没有 +++ 设置项，只当作附件（党内版可下载，公开版没有页面链接它时不发布）".into(),
            "如果这是要发布的文章，在第一行之前加上三行：+++、title = \"文章标题\"、+++（见 docs/officer-guide.md）；如果是附件，可以忽略这条提示".into(),
        ));
    }
    None
}

/// Why a page is in neither audience's build (drafts, scheduled, unapproved), if it is not.
fn hidden_everywhere(site: &Site, p: &Page) -> Option<String> {
    if site.opts.drafts {
        return None;
    }
    if p.draft {
        Some(Hidden::Draft.reason().to_string())
    } else if p.scheduled {
        Some(format!("定时发布：{} 起才发布", p.publish_date.map(|d| d.to_string().replace('T', " ")).unwrap_or_default()))
    } else if site.config.require_approval && p.approved_by.as_deref().is_none_or(|a| a.trim().is_empty()) {
        Some(Hidden::Unapproved.reason().to_string())
    } else {
        None
    }
}

fn hidden_hint(site: &Site, p: &Page) -> String {
    if p.draft {
        "要发布时删去 draft = true 这一行（或写 draft = false）".into()
    } else if p.scheduled {
        "到时间后自动发布；要提前发布，修改或删去 publish_date".into()
    } else if site.config.require_approval {
        "审批后写上 approved_by = \"审批人\"".into()
    } else {
        String::new()
    }
}
