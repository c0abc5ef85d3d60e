//! One source file, decoded and split, with its front matter parsed: a Markdown
//! page or section, or a Word page (`word`: its text is one line per paragraph).
//! Pure: takes bytes, returns the parsed file and located problems.

use crate::content::decode::{decode, Encoding};
use crate::content::docx::model::Media;
use crate::content::docx::Document;
use crate::content::front_matter::{self, FrontMatter, Split};
use crate::diag::Diagnostic;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Source {
    /// Relative to `content/`, `/`-separated.
    pub rel: String,
    /// As shown in messages: `content/notices/a.md`.
    pub display: String,
    pub text: std::sync::Arc<str>,
    pub front_start: usize,
    pub front_len: usize,
    pub body_start: usize,
    pub body_line: usize,
    /// Taken by `assemble` (boxed: what stays in every page is a pointer).
    pub fm: Option<Box<FrontMatter>>,
    pub has_front_matter: bool,
    /// (canonical key, as written) where the page used another name (`日期`).
    pub spelled: Box<[(String, String)]>,
    /// Top-level keys dwgk does not read (kept in `extra`); `check` notes them.
    pub unknown_keys: Box<[String]>,
    /// A Word page: its document and where its values came from (`site::word`).
    pub word: Option<Box<WordSource>>,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Frees the text once nothing reads it (Markdown rendered, links checked).
    pub fn release(&mut self) {
        if let Some(w) = self.word.as_mut() {
            w.doc = None;
        }
        self.text = std::sync::Arc::from("");
        self.body_start = 0;
        self.front_start = 0;
        self.front_len = 0;
    }

    /// A diagnostic pointing at the value of front matter key `key` (or line 1),
    /// however the page spelled the key (`日期` for `date`).
    pub fn key_error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        if let Some(w) = &self.word {
            return w.key_error(self, key, message.into());
        }
        let d = Diagnostic::error(message).file(&self.display);
        let written = self.spelled.iter().find(|(c, _)| c == key).map_or(key, |(_, w)| w.as_str());
        match self.locate_key(written).or_else(|| self.locate_key(key)) {
            Some((s, e)) => d.at_span(&self.text, s, e),
            None => d.at_line(&self.text, 1),
        }
    }

    /// Where front matter key `key` (bare or quoted) is set: its value's byte span.
    pub fn locate_key(&self, key: &str) -> Option<(usize, usize)> {
        let split = self.split();
        front_matter::locate_key(&split, key).or_else(|| front_matter::locate_key(&split, &format!("\"{key}\"")))
    }

    /// A diagnostic at front matter key `key` itself (not its value), or line 1.
    pub fn key_name_error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(message).file(&self.display);
        match front_matter::locate_key_name(&self.split(), key) {
            Some((s, e)) => d.at_span(&self.text, s, e),
            None => d.at_line(&self.text, 1),
        }
    }

    fn split(&self) -> Split<'_> {
        let front = &self.text[self.front_start..self.front_start + self.front_len];
        Split { format: None, front, front_start: self.front_start, body: "", body_line: 0, fence_fix: None }
    }

    /// A diagnostic at the `n`-th (0-based) occurrence of `needle` in the front
    /// matter (e.g. the third `[[requirements]]`), or at the file's first line.
    pub fn nth_error(&self, needle: &str, n: usize, message: impl Into<String>) -> Diagnostic {
        if let Some(side) = self.word.as_ref().and_then(|w| w.sidecar.as_ref()) {
            return side.nth_error(needle, n, message);
        }
        let d = Diagnostic::error(message).file(&self.display);
        let front = &self.text[self.front_start..self.front_start + self.front_len];
        match front.match_indices(needle).nth(n) {
            Some((i, _)) => d.at_span(&self.text, self.front_start + i, self.front_start + i + needle.len()),
            None => d.at_line(&self.text, 1),
        }
    }

    /// A diagnostic at `key` inside the `n`-th (0-based) `header` entry (the
    /// `paid` of the third `[[rows]]`), else at the entry, else at line 1.
    pub fn entry_key_error(&self, header: &str, n: usize, key: &str, message: impl Into<String>) -> Diagnostic {
        if let Some(side) = self.word.as_ref().and_then(|w| w.sidecar.as_ref()) {
            return side.entry_key_error(header, n, key, message);
        }
        let front = &self.text[self.front_start..self.front_start + self.front_len];
        let Some((start, _)) = front.match_indices(header).nth(n) else { return self.nth_error(header, n, message) };
        let entry_end = front[start + header.len()..].find("[[").map_or(front.len(), |i| start + header.len() + i);
        let mut offset = start;
        for line in front[start..entry_end].split_inclusive('\n') {
            let t = line.trim_start();
            let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
            if !key.is_empty() && k == key && t.contains('=') {
                let at = self.front_start + offset + (line.len() - t.len());
                return Diagnostic::error(message).file(&self.display).at_span(&self.text, at, at + t.split('=').next().unwrap_or("").trim_end().len());
            }
            offset += line.len();
        }
        self.nth_error(header, n, message)
    }

    /// A diagnostic at a line/column of the Markdown body.
    pub fn body_error(&self, line: usize, col: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let pos = crate::diag::Pos { line: self.body_line + line - 1, col };
        Diagnostic::error(message).file(&self.display).at(&self.text, pos, len)
    }
}

/// What a Word page keeps besides the `Source`'s own fields.
#[derive(Debug, Clone)]
pub struct WordSource {
    /// The document, until its HTML is written (`Source::release`).
    pub doc: Option<Box<Document>>,
    /// Place of each text line (`第12段`, `表1第2行第3列`, `脚注1`).
    pub places: Vec<String>,
    /// The sidecar `X.toml`, as a source of its own (its errors point into it).
    pub sidecar: Option<Box<Source>>,
    /// Derived key → the line it was read from.
    pub key_lines: Vec<(String, usize)>,
    /// The kind the document looks like; a folder's `page_kind` comes first.
    pub inferred_kind: Option<&'static str>,
    /// Images to write beside the page, and the `.docx` to take them from (the
    /// file itself, or LibreOffice's conversion of it).
    pub media: Vec<Media>,
    pub media_file: PathBuf,
}

impl WordSource {
    /// An error about `key`: in the sidecar when it sets the key, else at the
    /// paragraph the value was read from, else at the file.
    pub fn key_error(&self, src: &Source, key: &str, message: String) -> Diagnostic {
        if let Some(side) = self.sidecar.as_ref().filter(|s| s.locate_key(key).is_some()) {
            return side.key_error(key, message);
        }
        let d = Diagnostic::error(message).file(&src.display);
        match self.key_lines.iter().find(|(k, _)| k == key) {
            Some((_, line)) => d.at_line(&src.text, *line),
            None => d,
        }
    }
}

pub fn parse(rel: &str, display: &str, bytes: &[u8]) -> (Option<Source>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (text, encoding) = match decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(e.message()).file(display).hint(e.hint()));
            return (None, diags);
        }
    };
    if encoding == Encoding::Gbk {
        diags.push(Diagnostic::warning("文件是 GBK 编码，已自动转换").file(display).hint("建议用记事本“另存为”UTF-8 编码，避免在其他工具里出现乱码"));
    }
    let split = match front_matter::split(&text) {
        Ok(split) => split,
        Err(e) => {
            diags.push(located(&text, display, e));
            return (None, diags);
        }
    };
    let (parsed, problems) = front_matter::parse(&text, &split);
    diags.extend(problems.into_iter().map(|e| located(&text, display, e)));
    let Some(parsed) = parsed else { return (None, diags) };
    let front_start = split.front_start;
    let front_len = split.front.len();
    let body_line = split.body_line;
    let has_front_matter = split.format.is_some();
    let body_start = text.len() - split.body.len();
    let source = Source {
        rel: rel.to_string(),
        display: display.to_string(),
        text: text.into(),
        front_start,
        front_len,
        body_start,
        body_line,
        fm: Some(Box::new(parsed.fm)),
        has_front_matter,
        spelled: parsed.spelled.into(),
        unknown_keys: parsed.unknown.into(),
        word: None,
    };
    (Some(source), diags)
}

/// A front matter problem as a diagnostic at its span.
pub(super) fn located(text: &str, display: &str, e: front_matter::FmError) -> Diagnostic {
    let d = if e.warning { Diagnostic::warning(e.message) } else { Diagnostic::error(e.message) };
    let mut d = d.file(display).at_span(text, e.start, e.end);
    d.hint = e.hint;
    d.detail = e.detail;
    d
}
