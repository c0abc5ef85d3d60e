//! Word pages in the site: a read document becomes a `Source` whose front matter
//! is what the document implies (`docx::meta`, checked like written front matter)
//! under a same-named sidecar `X.toml`'s keys; whose text is one line per
//! paragraph, so every located problem says `第12段` (`locate`). Also which Word
//! files a Markdown page links as attachments (those stay downloads). Pure.

use super::source::{Source, WordSource};
use crate::content::decode::decode;
use crate::content::docx::{self, Document, DocxError};
use crate::content::entry::{Entry, EntryKind};
use crate::content::front_matter::{self, FrontMatter, Split};
use crate::diag::Diagnostic;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// `rel` without its Word extension (`notices/通知.docx` → `notices/通知`): where its sidecar is.
pub fn stem_path(rel: &str) -> &str {
    match docx::extension_of(rel) {
        Some(ext) => &rel[..rel.len() - ext.len() - 1],
        None => rel,
    }
}

/// The stem of a Word file name: `通知.docx` → `通知`.
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match docx::extension_of(name) {
        Some(ext) => &name[..name.len() - ext.len() - 1],
        None => name,
    }
}

/// A Word page from its read document (or why it could not be read) and its
/// sidecar's bytes (`(display, bytes)`). `media_file`: the `.docx` its images are in.
pub fn parse(
    rel: &str,
    display: &str,
    read: Result<Document, DocxError>,
    sidecar: Option<(&str, &[u8])>,
    media_file: PathBuf,
) -> (Option<Source>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut doc = match read {
        Ok(d) => d,
        Err(e) => return (None, vec![Diagnostic::error(e.message()).file(display).hint(e.hint())]),
    };
    let line_text = |l: Option<usize>| l.and_then(|l| doc.lines.get(l - 1)).map(String::as_str);
    for w in &doc.warnings {
        let d = Diagnostic::warning(w.message.clone()).file(display).hint(w.hint.clone());
        diags.push(match w.line {
            Some(l) => d.at_place(doc.places.get(l - 1).cloned().unwrap_or_default(), line_text(Some(l))),
            None => d,
        });
    }
    let derived = docx::meta::derive(&doc, stem(rel));
    let mut fm = match front_matter::from_table(derived.table) {
        Ok(fm) => fm,
        Err(e) => {
            diags.push(Diagnostic::error(format!("从 Word 文档读出的设置无效：{e}")).file(display).hint("在同名的 .toml 文件里写明 title、date 等设置"));
            return (None, diags);
        }
    };
    let side = match sidecar {
        Some((side_display, bytes)) => {
            let (side, d) = sidecar_source(side_display, bytes);
            diags.extend(d);
            let Some(mut s) = side else { return (None, diags) };
            let top = s.fm.take().map(|b| *b).unwrap_or_default();
            fm = overlay(fm, top);
            Some(Box::new(s))
        }
        None => None,
    };
    let text: String = doc.lines.iter().map(|l| l.replace(['\n', '\r'], " ")).collect::<Vec<_>>().join("\n");
    let media = std::mem::take(&mut doc.media);
    let places = doc.places.clone();
    doc.lines = Vec::new();
    let word = WordSource {
        // The body's images are named by index into `media`: keep them reachable.
        doc: Some(Box::new(Document { media: media.clone(), ..doc })),
        places,
        sidecar: side,
        key_lines: derived.lines,
        inferred_kind: derived.kind,
        media,
        media_file,
    };
    let source = Source {
        rel: rel.to_string(),
        display: display.to_string(),
        text: text.into(),
        front_start: 0,
        front_len: 0,
        body_start: 0,
        body_line: 1,
        fm: Some(Box::new(fm)),
        has_front_matter: true,
        spelled: Default::default(),
        unknown_keys: Default::default(),
        word: Some(Box::new(word)),
    };
    (Some(source), diags)
}

/// The sidecar `X.toml`: plain TOML (or front matter between `+++` lines, as copied
/// from a Markdown page), read by the same parser as a page's front matter, every
/// problem reported (`None` when one is an error: the page is not built).
fn sidecar_source(display: &str, bytes: &[u8]) -> (Option<Source>, Vec<Diagnostic>) {
    let text = match decode(bytes) {
        Ok((text, _)) => text,
        Err(e) => return (None, vec![Diagnostic::error(e.message()).file(display).hint(e.hint())]),
    };
    let fenced = front_matter::split(&text).ok().filter(|s| s.format.is_some());
    let (front_start, front_len) = match &fenced {
        Some(s) => (s.front_start, s.front.len()),
        None => (0, text.len()),
    };
    let split = Split {
        format: Some(front_matter::Format::Toml),
        front: &text[front_start..front_start + front_len],
        front_start,
        body: "",
        body_line: 1,
        fence_fix: None,
    };
    let (parsed, problems) = front_matter::parse(&text, &split);
    let diags: Vec<Diagnostic> = problems.into_iter().map(|e| super::source::located(&text, display, e)).collect();
    // What was read with a warning is used; an error stops the sidecar.
    let Some(parsed) = parsed.filter(|_| !diags.iter().any(Diagnostic::is_error)) else {
        let mut diags = diags;
        if !diags.iter().any(Diagnostic::is_error) {
            diags.push(Diagnostic::error("设置文件无法读取").file(display).hint("检查设置文件的写法（与 Markdown 页面的 front matter 相同）"));
        }
        return (None, diags);
    };
    let fm = parsed.fm;
    let source = Source {
        rel: String::new(),
        display: display.to_string(),
        front_start,
        front_len,
        body_start: text.len(),
        body_line: text.lines().count() + 1,
        text: text.into(),
        fm: Some(Box::new(fm)),
        has_front_matter: true,
        spelled: parsed.spelled.into(),
        unknown_keys: parsed.unknown.into(),
        word: None,
    };
    (Some(source), diags)
}

/// `top`'s keys over `base`'s (a sidecar over what the document implies).
fn overlay(base: FrontMatter, top: FrontMatter) -> FrontMatter {
    let mut extra = base.extra;
    extra.extend(top.extra);
    let mut taxonomies = base.taxonomies;
    taxonomies.extend(top.taxonomies);
    FrontMatter {
        title: top.title.or(base.title),
        description: top.description.or(base.description),
        date: top.date.or(base.date),
        updated: top.updated.or(base.updated),
        kind: top.kind.or(base.kind),
        scope: top.scope.or(base.scope),
        draft: top.draft || base.draft,
        publish_date: top.publish_date.or(base.publish_date),
        expire_date: top.expire_date.or(base.expire_date),
        reviewed_by: top.reviewed_by.or(base.reviewed_by),
        approved_by: top.approved_by.or(base.approved_by),
        doc_number: top.doc_number.or(base.doc_number),
        issuer: top.issuer.or(base.issuer),
        weight: top.weight.or(base.weight),
        slug: top.slug.or(base.slug),
        path: top.path.or(base.path),
        template: top.template.or(base.template),
        tags: if top.tags.is_empty() { base.tags } else { top.tags },
        taxonomies,
        sort_by: top.sort_by.or(base.sort_by),
        paginate_by: top.paginate_by.or(base.paginate_by),
        page_template: top.page_template.or(base.page_template),
        page_kind: top.page_kind.or(base.page_kind),
        page_scope: top.page_scope.or(base.page_scope),
        unit: top.unit.or(base.unit),
        extra,
    }
}

/// Problems at a line of a Word page's text become problems at its place
/// (`第12段`), showing the paragraph.
pub fn locate(pages: &[super::model::Page], diags: &mut [Diagnostic]) {
    let places: HashMap<&str, &Vec<String>> = pages.iter().filter_map(|p| Some((p.src.display.as_str(), &p.src.word.as_ref()?.places))).collect();
    if places.is_empty() {
        return;
    }
    for d in diags.iter_mut() {
        let (Some(file), Some(line)) = (&d.file, d.line) else { continue };
        let Some(list) = places.get(file.as_str()) else { continue };
        let place = list.get(line - 1).cloned().unwrap_or_else(|| format!("第{line}段"));
        let text = d.source_line.take();
        *d = std::mem::replace(d, Diagnostic::error("")).at_place(place, text.as_deref());
    }
}

/// Word files that are attachments, not pages: those inside a page bundle (a folder
/// with an `index.md`) and those a Markdown page or section links with a relative
/// address (`[下载](通知.docx)`): they stay downloads there. Decided from the listing
/// and the Markdown alone, before any Word file is read.
pub fn attached(entries: &[Entry], sources: &[Source]) -> HashSet<String> {
    let words: HashSet<&str> = entries.iter().filter(|e| e.kind == EntryKind::Word).map(|e| e.rel.as_str()).collect();
    if words.is_empty() {
        return HashSet::new();
    }
    let bundles: Vec<&str> = entries.iter().filter(|e| e.kind == EntryKind::Markdown && e.rel.ends_with("/index.md")).map(|e| super::parent(&e.rel)).collect();
    let in_bundle = |rel: &str| bundles.iter().any(|b| rel.starts_with(b) && rel[b.len()..].starts_with('/'));
    let mut out: HashSet<String> = words.iter().filter(|w| in_bundle(w)).map(|w| w.to_string()).collect();
    let markdown = sources.iter().filter(|s| s.word.is_none()).map(|s| (s, super::parent(&s.rel).to_string()));
    out.extend(linked_from_markdown(markdown).into_iter().filter(|r| words.contains(r.as_str())));
    out
}

/// The Word files Markdown sources link with a relative address.
fn linked_from_markdown<'a>(sources: impl Iterator<Item = (&'a Source, String)>) -> HashSet<String> {
    let mut out = HashSet::new();
    for (src, dir) in sources {
        let body = src.body();
        if !mentions_word_file(body) {
            continue;
        }
        for dest in link_destinations(body) {
            if dest.starts_with("@/") || dest.starts_with('/') || dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            let path = dest.split(['#', '?']).next().unwrap_or("");
            if docx::extension_of(path).is_none() {
                continue;
            }
            if let Some(rel) = super::links::join(&dir, &super::links::percent_decode(path)) {
                out.insert(rel);
            }
        }
    }
    out
}

/// Whether `text` has a Word extension after a dot anywhere (`.docx`, `.DOC` …): one
/// pass over the bytes, so that pages mentioning none cost nothing more.
fn mentions_word_file(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'.', b).any(|i| docx::EXTENSIONS.iter().any(|e| b.get(i + 1..i + 1 + e.len()).is_some_and(|x| x.eq_ignore_ascii_case(e.as_bytes()))))
}

/// Link destinations as Markdown and HTML write them: `](dest)`, `]: dest`, `href="dest"`.
fn link_destinations(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in body.match_indices("](") {
        let rest = &body[i + 2..];
        let (rest, end) = match rest.strip_prefix('<') {
            Some(r) => (r, r.find(['>', '\n']).unwrap_or(r.len())),
            None => (rest, rest.find([')', ' ', '\n', '"']).unwrap_or(rest.len())),
        };
        out.push(rest[..end].to_string());
    }
    for line in body.lines() {
        let t = line.trim_start();
        if let Some(close) = t.strip_prefix('[').and_then(|r| r.find("]:").map(|i| &r[i + 2..])) {
            out.push(close.split_whitespace().next().unwrap_or("").trim_matches(['<', '>']).to_string());
        }
    }
    for (i, _) in body.match_indices("href=") {
        let rest = &body[i + 5..];
        let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let rest = q.map_or(rest, |q| &rest[q.len_utf8()..]);
        let end = rest.find(|c: char| Some(c) == q || c.is_whitespace() || c == '>').unwrap_or(rest.len());
        out.push(rest[..end].to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_in_markdown_and_html() {
        let body = "见[附件](附件/通知.docx)和[另一个](<会议 记录.DOC>)。\n\n[ref]: 材料.wps\n<a href=\"x.odt\">x</a> [网页](http://a.cn/b.docx)";
        let d = link_destinations(body);
        assert!(d.contains(&"附件/通知.docx".to_string()) && d.contains(&"会议 记录.DOC".to_string()), "{d:?}");
        assert!(d.contains(&"材料.wps".to_string()) && d.contains(&"x.odt".to_string()), "{d:?}");
    }

    #[test]
    fn stems() {
        assert_eq!(stem("notices/通知.docx"), "通知");
        assert_eq!(stem("a/2024年会议记录.DOC"), "2024年会议记录");
    }
}
