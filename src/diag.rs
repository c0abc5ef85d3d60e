//! Diagnostics: every problem found in a build, with a location, a plain Chinese
//! message and a hint. Stages return `Vec<Diagnostic>` instead of stopping, so a
//! build reports all of its problems at once.

use serde::Serialize;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file, 1-based line and column (column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it, relative to the site root (`content/a.md`).
    pub file: Option<String>,
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// Where in a file that has no lines: a Word document's `第12段`, `表2第3行第1列`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Number of characters to underline (at least 1 when a column is known).
    #[serde(skip)]
    pub len: usize,
    /// The offending source line, for the snippet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The words of a parser or library behind the message (English): in
    /// `--format json` only, never in the text shown to officers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic { severity, file: None, line: None, col: None, place: None, len: 0, source_line: None, message: message.into(), hint: None, detail: None }
    }

    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Points at `pos` in `text` (the whole file), underlining `len` characters.
    pub fn at(mut self, text: &str, pos: Pos, len: usize) -> Self {
        self.line = Some(pos.line);
        self.col = Some(pos.col);
        self.len = len.max(1);
        self.source_line = text.lines().nth(pos.line - 1).map(|l| l.trim_end().to_string());
        self
    }

    /// Points at a byte range of `text`.
    pub fn at_span(self, text: &str, start: usize, end: usize) -> Self {
        let pos = pos_of(text, start);
        let end = end.clamp(start, text.len());
        let len = text.get(start..end).map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
        self.at(text, pos, len)
    }

    /// Points at a place named in words (`第12段`) that shows `text` (the paragraph).
    pub fn at_place(mut self, place: impl Into<String>, text: Option<&str>) -> Self {
        self.place = Some(place.into());
        self.line = None;
        self.col = None;
        self.source_line = text.map(|t| t.trim_end().to_string()).filter(|t| !t.is_empty());
        self
    }

    /// Points at a line only (no column).
    pub fn at_line(mut self, text: &str, line: usize) -> Self {
        self.line = Some(line);
        self.source_line = text.lines().nth(line.saturating_sub(1)).map(|l| l.trim_end().to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The source file under `content/` this problem belongs to (relative to
    /// `content/`, `/`-separated), or `None` for a site-wide problem. The one place
    /// that classifies problems for page-level fault isolation (`publish`,
    /// `build --keep-going`, the preview), by the file the problem names:
    /// - no file (IO, a missing `content/` folder, a usage error): site-wide;
    /// - `config.toml`, `templates/…`, `themes/…`, `static/…`, anything outside
    ///   `content/`: site-wide;
    /// - the `content/` folder itself: site-wide (holding it back holds back everything);
    /// - `content/<rel>` (a page, an `_index.md`, an attachment, a data file,
    ///   `content/<rel>!Sheet1!E7` a cell of one): page-level, owned by `<rel>`.
    ///
    /// Problems between two files (two files making one URL, two units with one
    /// id) are reported once for each file, so that both are held back.
    pub fn content_file(&self) -> Option<&str> {
        let rel = self.file.as_deref()?.strip_prefix("content/")?;
        let rel = rel.split('!').next().unwrap_or(rel).trim_end_matches('/');
        (!rel.is_empty()).then_some(rel)
    }

    /// `path:line:col` as editors and terminals understand it.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.col, &self.place) {
            (Some(l), Some(c), _) => format!("{file}:{l}:{c}"),
            (Some(l), None, _) => format!("{file}:{l}"),
            (None, _, Some(place)) => format!("{file} {place}"),
            _ => file.clone(),
        })
    }

    /// Human-readable rendering, rustc/miette style.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        // File names and values come from the share: a newline or an escape
        // sequence in them must not start a line or drive the terminal.
        let _ = writeln!(out, "{label}: {}", escape_controls(&self.message));
        if let Some(loc) = self.location() {
            let _ = writeln!(out, "  --> {}", escape_controls(&loc));
        }
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, " {pad} |");
            let _ = writeln!(out, " {num} | {}", escape_controls(src));
            if let Some(col) = self.col {
                let before: String = src.chars().take(col.saturating_sub(1)).collect();
                let marked: String = src.chars().skip(col.saturating_sub(1)).take(self.len).collect();
                let indent = " ".repeat(escape_controls(&before).width());
                let carets = "^".repeat(escape_controls(&marked).width().max(1));
                let _ = writeln!(out, " {pad} | {indent}{carets}");
            }
        } else if let (Some(_), Some(src)) = (&self.place, &self.source_line) {
            let _ = writeln!(out, "   | {src}");
        }
        if let Some(hint) = &self.hint {
            // A hint's own line breaks (a multi-line example) stay, indented.
            let lines: Vec<String> = hint.split('\n').map(|l| escape_controls(l).into_owned()).collect();
            let _ = writeln!(out, "  = 提示: {}", lines.join("\n          "));
        }
        out
    }
}

/// Whether `c` must not reach a terminal or a log as it is: C0 and C1 controls,
/// DEL, line and paragraph separators, and the bidirectional controls that
/// reorder what follows them (U+202E shows `fdp.exe` as `exe.pdf`).
pub fn is_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1f | 0x7f..=0x9f | 0x061c | 0x200e | 0x200f | 0x2028 | 0x2029 | 0x202a..=0x202e | 0x2066..=0x2069)
}

/// `s` with every `is_control` character written out (`\n`, `\t`, `\r`,
/// `\u{1b}`): the one escaping used by diagnostics, the publisher's log and
/// the JSON reports, so a file name can never forge a line or a colour.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// JSON text with the controls JSON leaves raw (C1, bidirectional, U+2028/9)
/// written as `\uXXXX` escapes: the same value for a program, harmless on a
/// terminal (`cat status.json`).
pub fn json_safe(json: String) -> String {
    // C0 controls are escaped by serde_json inside strings; outside them they
    // are the pretty printer's line breaks.
    let raw = |c: char| c >= '\u{7f}' && is_control(c);
    if !json.chars().any(raw) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// 1-based line and character column of a byte offset.
pub fn pos_of(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    Pos { line, col }
}

/// All diagnostics of a run, in a stable order (file, line, column).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn sort(&mut self) {
        // Places sort by length first: 第3段 before 第12段.
        let place = |d: &Diagnostic| d.place.as_ref().map(|p| (p.chars().count(), p.clone()));
        self.0.sort_by(|a, b| (&a.file, a.line, a.col, place(a), a.severity, &a.message).cmp(&(&b.file, b.line, b.col, place(b), b.severity, &b.message)));
        self.0.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.col == b.col && a.place == b.place && a.message == b.message);
    }

    pub fn render_text(&self) -> String {
        self.0.iter().map(|d| d.render() + "\n").collect()
    }

    pub fn to_json(&self) -> String {
        let v = serde_json::json!({
            "errors": self.error_count(),
            "warnings": self.warning_count(),
            "diagnostics": self.0,
        });
        json_safe(serde_json::to_string_pretty(&v).expect("diagnostics serialize"))
    }
}

/// Closest candidate by edit distance (transpositions count once), for "did you mean"
/// hints; among equally close ones the smallest name, whatever the candidates' order.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_chars: Vec<char> = word.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let c_len = c.chars().count();
        let limit = (word_chars.len().max(c_len) / 3).max(1);
        // The lengths alone rule most candidates out, before any distance is computed.
        if word_chars.len().abs_diff(c_len) > limit {
            continue;
        }
        let Some(d) = edit_distance_within(&word_chars, c, limit) else { continue };
        // Ties go to the smallest name: candidates often come from a HashMap, and
        // the same input must always give the same hint.
        if best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The edit distance of `a` and `b` when it is at most `limit` (stops as soon as
/// a whole row exceeds it).
fn edit_distance_within(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut prev2 = prev.clone();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        if cur.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "第一行\n标题 = 昨天\n";
        let off = text.find('昨').unwrap();
        assert_eq!(pos_of(text, off), Pos { line: 2, col: 6 });
    }

    #[test]
    fn render_underlines_wide_characters() {
        let text = "date = \"昨天\"";
        let d = Diagnostic::error("日期无效").file("a.md").at(text, Pos { line: 1, col: 8 }, 4).hint("写成 2024-03-15");
        let r = d.render();
        assert!(r.contains("a.md:1:8"), "{r}");
        assert!(r.contains("        ^^^^^^"), "{r}");
        assert!(r.contains("提示: 写成 2024-03-15"));
    }

    #[test]
    fn controls_are_written_out_everywhere() {
        assert_eq!(escape_controls("a\n已生成公开版\u{1b}[31m\u{7}\u{202e}fdp.exe\t"), "a\\n已生成公开版\\u{1b}[31m\\u{7}\\u{202e}fdp.exe\\t");
        assert!(matches!(escape_controls("普通的名字 a.md"), std::borrow::Cow::Borrowed(_)));
        let d = Diagnostic::error("附件不存在：x\n已生成公开版：全部正常").file("content/a\nb.md").hint("写成：\n[counts]\u{1b}");
        let r = d.render();
        assert!(r.lines().all(|l| !l.starts_with("已生成")), "{r}");
        assert!(r.contains("content/a\\nb.md") && r.contains("\n          [counts]\\u{1b}"), "{r}");
        let json = Diagnostics(vec![Diagnostic::error("名字\u{202e}\u{85}\u{1b}").file("a.md")]).to_json();
        assert!(json.contains("\\u202e") && json.contains("\\u0085") && json.contains("\\u001b") && !json.contains('\u{202e}'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["diagnostics"][0]["message"], "名字\u{202e}\u{85}\u{1b}", "the same value for a program");
    }

    #[test]
    fn problems_belong_to_a_content_file_or_the_whole_site() {
        let of = |file: Option<&str>| {
            let d = Diagnostic::error("x");
            match file {
                Some(f) => d.file(f).content_file().map(String::from),
                None => d.content_file().map(String::from),
            }
        };
        assert_eq!(of(Some("content/units/a/通知.md")).as_deref(), Some("units/a/通知.md"));
        assert_eq!(of(Some("content/units/a/dues.xlsx!Sheet1!E7")).as_deref(), Some("units/a/dues.xlsx"), "a cell belongs to its file");
        assert_eq!(of(Some("content/units/a/")).as_deref(), Some("units/a"), "a folder");
        for site_wide in [None, Some("config.toml"), Some("templates/page.html"), Some("themes/default/templates/base.html"), Some("content/"), Some("content")]
        {
            assert_eq!(of(site_wide), None, "{site_wide:?}");
        }
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("titel", ["title", "theme"]), Some("title"));
        assert_eq!(did_you_mean("zzzz", ["title", "theme"]), None);
    }
}
