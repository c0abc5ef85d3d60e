//! Plain text of rendered HTML for the index, and JavaScript string literals for
//! the index files.

/// Text of rendered HTML: tags removed (block tags become a space), `<script>` and
/// `<style>` contents dropped, entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    push_plain_text(&mut out, html);
    out
}

/// `plain_text(html)` appended to `out` (after a space when `out` ends in one).
pub fn push_plain_text(out: &mut String, html: &str) {
    let from = out.len();
    let mut rest = html;
    let mut space = out.is_empty() || out.ends_with(' ');
    while let Some(i) = next_markup(rest) {
        push_text(out, &rest[..i], &mut space);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let tag = &rest[1..end.saturating_sub(1).max(1)];
            let closing = tag.starts_with('/');
            let name = tag.trim_start_matches('/');
            let name = &name[..name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len())];
            if !closing && ["script", "style"].iter().any(|n| n.eq_ignore_ascii_case(name)) {
                rest = &rest[find_ascii_ci(rest, &format!("</{name}")).unwrap_or(rest.len())..];
                continue;
            }
            if is_block(name) {
                push_text(out, " ", &mut space);
            }
            rest = &rest[end..];
        } else {
            let head = &rest.as_bytes()[..rest.len().min(12)];
            let decoded = head.iter().position(|&b| b == b';').and_then(|e| Some((entity(std::str::from_utf8(&head[1..e]).ok()?)?, e)));
            match decoded {
                Some((c, e)) => {
                    push_text(out, c.encode_utf8(&mut [0u8; 4]), &mut space);
                    rest = &rest[e + 1..];
                }
                None => {
                    push_text(out, "&", &mut space);
                    rest = &rest[1..];
                }
            }
        }
    }
    push_text(out, rest, &mut space);
    let len = from.max(out.trim_end().len());
    out.truncate(len);
}

/// The first `<` or `&` (both searched with memchr).
fn next_markup(s: &str) -> Option<usize> {
    match s.find('<') {
        Some(lt) => Some(s[..lt].find('&').unwrap_or(lt)),
        None => s.find('&'),
    }
}

/// Bytes `push_text` must look at: ASCII spaces and the lead bytes of other
/// Unicode spaces (U+0085, U+00A0, U+1680, U+2000…U+205F, U+3000).
const SPACE_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = [b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c, 0xc2, 0xe1, 0xe2, 0xe3];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// Appends `s` with runs of whitespace as one space (none at the start). Bytes
/// are copied in runs; only lead bytes of non-ASCII spaces are decoded.
fn push_text(out: &mut String, s: &str, space: &mut bool) {
    let b = s.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        if !SPACE_LEAD[b[i] as usize] {
            i += 1;
            continue;
        }
        let len = match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
            0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                let c = s[i..].chars().next().expect("char boundary");
                if !c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                }
                c.len_utf8()
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if start < i {
            out.push_str(&s[start..i]);
            *space = false;
        }
        if !*space {
            out.push(' ');
            *space = true;
        }
        i += len;
        start = i;
    }
    if start < b.len() {
        out.push_str(&s[start..]);
        *space = false;
    }
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn is_block(name: &str) -> bool {
    let mut buf = [0u8; 10];
    if name.is_empty() || name.len() > buf.len() {
        return false;
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    matches!(
        &buf[..name.len()],
        b"p" | b"div"
            | b"br"
            | b"li"
            | b"ul"
            | b"ol"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"tr"
            | b"td"
            | b"th"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"blockquote"
            | b"pre"
            | b"hr"
            | b"dt"
            | b"dd"
            | b"dl"
            | b"section"
            | b"figure"
            | b"figcaption"
            | b"caption"
            | b"img"
    )
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)
        }
    }
}

/// Bytes `js_string` must look at: quotes, backslashes, controls and the lead
/// byte of U+2028/U+2029.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0xe2] = true;
    t
};

/// `s` as a JSON/JavaScript string literal (U+2028 and U+2029 escaped for old engines).
pub fn js_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < b.len() {
        if !SPECIAL[b[i] as usize] {
            i += 1;
            continue;
        }
        let (esc, len): (Option<&[u8]>, usize) = match b[i] {
            b'"' => (Some(b"\\\""), 1),
            b'\\' => (Some(b"\\\\"), 1),
            b'\n' => (Some(b"\\n"), 1),
            b'\r' => (Some(b"\\r"), 1),
            b'\t' => (Some(b"\\t"), 1),
            0xe2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) => {
                (Some(if b[i + 2] == 0xa8 { b"\\u2028" } else { b"\\u2029" }), 3)
            }
            0xe2 => {
                i += 1;
                continue;
            }
            _ => (None, 1),
        };
        out.extend_from_slice(&b[plain..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(format!("\\u{:04x}", b[i]).as_bytes()),
        }
        i += len;
        plain = i;
    }
    out.extend_from_slice(&b[plain..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_strips_tags_and_decodes() {
        assert_eq!(plain_text("<h2 id=\"x\">一、要求</h2><p>召开<strong>支委会</strong> &amp; 党课&#x3002;</p>"), "一、要求 召开支委会 & 党课。");
        assert_eq!(plain_text("<script>var a='党费';</script>正文<STYLE>p{}</style>。"), "正文。");
        assert_eq!(plain_text("a &unknown; b &党费党费党费党费"), "a &unknown; b &党费党费党费党费");
        assert_eq!(plain_text("<p>  一\u{3000}二 </p>\n"), "一 二");
    }

    #[test]
    fn js_strings_escape_quotes_controls_and_line_separators() {
        let mut out = Vec::new();
        js_string(&mut out, "a\"b\\c\nd\u{1}e\u{2028}f党");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\nd\\u0001e\\u2028f党\"");
    }
}
