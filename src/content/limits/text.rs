//! Limits that keep one file's cost linear and its memory bounded, whatever
//! the share holds (docs/content.md “上限”). comrak's memory grows with the
//! number of elements it makes (a few hundred bytes each), and it has no limit
//! of its own, so a page's Markdown is counted before it is parsed. Pure.

use crate::diag::pos_of;

/// Marks a page body may hold: every line and every character that can open or
/// close a Markdown element (`[`, `*`, `|`, `>`, `<`, …, and `www.` autolinks).
/// comrak needs up to ~600 bytes per mark (footnote references are the worst),
/// so this keeps one page under ~120 MB however it is written.
pub const MAX_MARKS: usize = 200_000;

/// Nesting of quotes, lists, emphasis and links inside each other: what cmark-gfm
/// and markdown-it cap too (100 levels). Deeper nesting is never written by hand.
pub const MAX_NESTING: usize = 100;

/// Elements a page's raw HTML may nest (`<div><div>…`): its tree is balanced and
/// written back element by element.
pub const MAX_HTML_NESTING: usize = 200;

/// Terms (tags) of one taxonomy on one page: each term's list shows the page with
/// all its terms, so the site's cost grows with terms × terms of a page.
pub const MAX_TERMS_PER_PAGE: usize = 100;

/// Characters of one term: it becomes a folder name (255 bytes at most on disk).
pub const MAX_TERM_CHARS: usize = 60;

/// Problems listed per file; the rest are counted in one more message.
pub const MAX_PROBLEMS_PER_FILE: usize = 100;

/// Bytes that can each start or end a Markdown element.
fn is_mark(b: u8) -> bool {
    matches!(b, b'\n' | b'[' | b']' | b'*' | b'_' | b'~' | b'`' | b'<' | b'>' | b'!' | b'&' | b'\\' | b'|' | b'^' | b'@' | b':')
}

/// A body over `MAX_MARKS`: the 1-based line and character column where the
/// limit is passed, and the body's total count.
pub fn too_many_marks(body: &str) -> Option<(usize, usize, usize)> {
    let bytes = body.as_bytes();
    let mut count = 0usize;
    let mut over = None;
    for (i, &b) in bytes.iter().enumerate() {
        let mark = is_mark(b) || (b == b'w' && bytes[i..].starts_with(b"www."));
        if mark {
            count += 1;
            if count == MAX_MARKS + 1 {
                over = Some(i);
            }
        }
    }
    over.map(|i| {
        let pos = pos_of(body, i);
        (pos.line, pos.col, count)
    })
}

/// Turns comrak's byte columns (1-based, per line) into character columns, the
/// way editors count. The line index is built on first use, and each answer
/// counts on from the last one (nodes come in document order), so a line with
/// thousands of links costs its length once. (comrak's own `sourcepos_chars`
/// counts from the start of the line for every node: quadratic in its length.)
pub struct Columns<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last answer: line, byte offset in the text, character column.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Columns<'a> {
    pub fn new(text: &'a str) -> Self {
        Columns { text, starts: std::cell::OnceCell::new(), last: std::cell::Cell::new((0, 0, 1)) }
    }

    /// The character column of byte column `col` on 1-based `line`.
    pub fn char_col(&self, line: usize, col: usize) -> usize {
        let starts = self.starts.get_or_init(|| std::iter::once(0).chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1)).collect());
        let Some(&start) = starts.get(line.saturating_sub(1)) else { return col };
        let mut at = (start + col.saturating_sub(1)).min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let (last_line, last_at, last_col) = self.last.get();
        let chars = if last_line == line && last_at <= at {
            last_col + self.text[last_at..at].chars().count()
        } else if last_line == line {
            last_col - self.text[at..last_at].chars().count()
        } else {
            self.text[start..at].chars().count() + 1
        };
        self.last.set((line, at, chars));
        chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_counted_and_located() {
        assert_eq!(too_many_marks(&"中文，没有标记。".repeat(100_000)), None);
        let body = format!("第一行\n{}", "[".repeat(MAX_MARKS + 5));
        let (line, col, count) = too_many_marks(&body).unwrap();
        assert_eq!((line, count), (2, MAX_MARKS + 6));
        assert_eq!(col, MAX_MARKS, "the newline counts once, so the limit falls on the 200,000th bracket");
        assert!(too_many_marks(&"www.a.cn ".repeat(MAX_MARKS + 1)).is_some(), "autolinks count");
    }

    #[test]
    fn byte_columns_become_character_columns() {
        let c = Columns::new("第一行\n见[附件](a.pdf)");
        assert_eq!(c.char_col(2, 4), 2, "after 见 (3 bytes)");
        assert_eq!(c.char_col(1, 1), 1);
        assert_eq!(c.char_col(9, 7), 7, "a line past the end keeps the column");
        let c = Columns::new("见[附件](a.pdf)和[通知](b.pdf)");
        let forward: Vec<usize> = [1, 4, 17, 20, 7].iter().map(|&b| c.char_col(1, b)).collect();
        assert_eq!(forward, [1, 2, 11, 13, 3], "forward and back from the last answer");
    }
}
