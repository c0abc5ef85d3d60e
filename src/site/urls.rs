//! URLs. Inside a build every URL is written as an opaque *marker* (`\u{1}R` + path
//! relative to the site root); `finalize` turns markers into the form each output
//! needs: root-relative under `base_url`'s path, relative for `file://` browsing, or
//! absolute for feeds and sitemaps. Chinese stays readable in paths and is
//! percent-encoded only in the final URL.

use crate::content::markdown::URL_MARKER;

/// The marker URL of a site path such as `/notices/a/` or `css/site.css`.
pub fn marker(path: &str) -> String {
    let path = path.trim_start_matches('/');
    let mut out = String::with_capacity(URL_MARKER.len() + path.len() + 16);
    out.push_str(URL_MARKER);
    encode_path_into(&mut out, path);
    out
}

/// The marker URL of a file's site path: a `#` in its name is part of the name
/// (`h#1.pdf` → `h%231.pdf`), not the start of an anchor.
pub fn file_marker(path: &str) -> String {
    marker(path).replace('#', "%23")
}

/// A readable, URL-safe path component: whitespace → `-`, characters that break
/// URLs or file systems removed, Chinese kept.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if c.is_whitespace() || c == '\u{3000}' {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if !matches!(
            c,
            '?' | '#'
                | '%'
                | '"'
                | '\''
                | '<'
                | '>'
                | '\\'
                | '/'
                | '^'
                | '`'
                | '{'
                | '}'
                | '|'
                | '['
                | ']'
                | ':'
                | '*'
                | '&'
                | '+'
                | '='
                | ';'
                | ','
                | '@'
                | '$'
                | '!'
        ) && !c.is_control()
        {
            out.push(c);
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed == "." || trimmed == ".." {
        return String::new();
    }
    trimmed.to_string()
}

/// Percent-encodes everything but unreserved ASCII, `/` and `#`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    encode_path_into(&mut out, path);
    out
}

fn encode_path_into(out: &mut String, path: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/' | b'#') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// How markers become real URLs in one output file.
#[derive(Debug, Clone, Copy)]
pub enum UrlStyle<'a> {
    /// `/base/path/` — normal web serving.
    RootRelative { base_path: &'a str },
    /// `../../path/index.html` — browsable from a folder; `depth` = directories
    /// between the site root and the output file.
    Relative { depth: usize },
    /// `https://host/base/path/` — feeds and sitemaps.
    Absolute { base_url: &'a str },
}

/// Replaces every marker URL in `text` (a rendered output's bytes, UTF-8: markers
/// and the bytes that end them are ASCII, so what lies between is copied unchanged).
/// Runs over every output byte: a byte scan, no allocation per URL.
pub fn finalize(text: &[u8], style: UrlStyle<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 256);
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = memchr::memchr(1, &text[from..]).map(|i| from + i) {
        if text.get(i + 1) != Some(&b'R') {
            from = i + 1;
            continue;
        }
        out.extend_from_slice(&text[copied..i]);
        let start = i + URL_MARKER.len();
        let end =
            text[start..].iter().position(|b| matches!(b, b'"' | b'\'' | b'<' | b'>' | b' ' | b'\t' | b'\n' | b')' | 1)).map_or(text.len(), |k| start + k);
        let raw = &text[start..end];
        // Tera escapes `/` in `{{ url }}` without `| safe`.
        if memchr::memmem::find(raw, b"&#x2F;").is_some() {
            resolve_into(&mut out, &unescape_slashes(raw), style);
        } else {
            resolve_into(&mut out, raw, style);
        }
        copied = end;
        from = end;
    }
    out.extend_from_slice(&text[copied..]);
    out
}

/// `&#x2F;` → `/`.
fn unescape_slashes(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = memchr::memmem::find(rest, b"&#x2F;") {
        out.extend_from_slice(&rest[..k]);
        out.push(b'/');
        rest = &rest[k + 6..];
    }
    out.extend_from_slice(rest);
    out
}

fn resolve_into(out: &mut Vec<u8>, path: &[u8], style: UrlStyle<'_>) {
    match style {
        UrlStyle::RootRelative { base_path } => {
            out.extend_from_slice(base_path.as_bytes());
            out.extend_from_slice(path);
        }
        UrlStyle::Absolute { base_url } => {
            out.extend_from_slice(base_url.as_bytes());
            out.extend_from_slice(path);
        }
        UrlStyle::Relative { depth } => {
            let (p, frag) = path.split_at(memchr::memchr(b'#', path).unwrap_or(path.len()));
            for _ in 0..depth {
                out.extend_from_slice(b"../");
            }
            out.extend_from_slice(p);
            if p.is_empty() || p.ends_with(b"/") {
                out.extend_from_slice(b"index.html");
            }
            out.extend_from_slice(frag);
        }
    }
}

/// Directory depth of an output file path (`notices/a/index.html` → 2).
pub fn depth_of(output_path: &str) -> usize {
    output_path.matches('/').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fin(text: &str, style: UrlStyle<'_>) -> String {
        String::from_utf8(finalize(text.as_bytes(), style)).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(slugify("关于召开 党员大会的通知"), "关于召开-党员大会的通知");
        assert_eq!(slugify(" a?b#c "), "abc");
        assert_eq!(slugify(".."), "");
    }

    #[test]
    fn finalize_styles() {
        let html = format!("<a href=\"{}\">x</a><a href=\"{}\">y</a>", marker("/通知/a/"), marker("/"));
        assert_eq!(fin(&html, UrlStyle::RootRelative { base_path: "/" }), "<a href=\"/%E9%80%9A%E7%9F%A5/a/\">x</a><a href=\"/\">y</a>");
        assert_eq!(fin(&html, UrlStyle::Relative { depth: 2 }), "<a href=\"../../%E9%80%9A%E7%9F%A5/a/index.html\">x</a><a href=\"../../index.html\">y</a>");
        let abs = fin(&marker("/a/#二"), UrlStyle::Absolute { base_url: "https://h/b/" });
        assert_eq!(abs, "https://h/b/a/#%E4%BA%8C");
        assert_eq!(fin(&marker("x/#y"), UrlStyle::Relative { depth: 0 }), "x/index.html#y");
        let text = format!("<p>通知<a href=\"{}\">见附件</a>\u{1}x</p>", marker("/附件/"));
        let want = "<p>通知<a href=\"/b/%E9%99%84%E4%BB%B6/\">见附件</a>\u{1}x</p>";
        assert_eq!(fin(&text, UrlStyle::RootRelative { base_path: "/b/" }), want, "text around markers is kept byte for byte");
    }

    #[test]
    fn escaped_slashes_are_understood() {
        let escaped = marker("/a/b/").replace('/', "&#x2F;");
        assert_eq!(fin(&format!("\"{escaped}\""), UrlStyle::RootRelative { base_path: "/" }), "\"/a/b/\"");
        assert_eq!(fin(&format!("\"{escaped}\""), UrlStyle::Relative { depth: 1 }), "\"../a/b/index.html\"");
    }
}
