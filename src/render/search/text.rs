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
/// One pass over the bytes: runs of text are copied whole; only `<`, `&`, ASCII
/// spaces and the lead bytes of other Unicode spaces are looked at.
pub fn push_plain_text(out: &mut String, html: &str) {
    let from = out.len();
    let b = html.as_bytes();
    let mut space = out.is_empty() || out.ends_with(' ');
    let (mut i, mut start) = (0, 0); // `start`: where the text not yet copied begins
    while i < b.len() {
        let class = CLASS[b[i] as usize];
        if class == TEXT {
            i += 1;
            continue;
        }
        let skip = match class {
            SPACE => 1,
            LEAD => match unicode_space(&b[i..]) {
                0 => {
                    i += 1;
                    continue;
                }
                n => n,
            },
            _ => 0,
        };
        if start < i {
            out.push_str(&html[start..i]);
            space = false;
        }
        if skip > 0 {
            push_space(out, &mut space);
            i += skip;
        } else if class == LT {
            i = tag(html, i, out, &mut space);
        } else {
            // `&`: an entity of up to 12 bytes, or a plain ampersand.
            let head = &b[i..b.len().min(i + 12)];
            match head.iter().position(|&c| c == b';').and_then(|e| Some((entity(std::str::from_utf8(&head[1..e]).ok()?)?, e))) {
                Some((c, e)) => {
                    if c.is_whitespace() {
                        push_space(out, &mut space);
                    } else {
                        out.push(c);
                        space = false;
                    }
                    i += e + 1;
                }
                None => {
                    out.push('&');
                    space = false;
                    i += 1;
                }
            }
        }
        start = i;
    }
    if start < b.len() {
        out.push_str(&html[start..]);
    }
    let len = from.max(out.trim_end().len());
    out.truncate(len);
}

fn push_space(out: &mut String, space: &mut bool) {
    if !*space {
        out.push(' ');
        *space = true;
    }
}

/// The tag at `html[at]` (a `<`): a block tag becomes a space, a `<script>` or
/// `<style>` is skipped to its closing tag, a footnote reference (`<sup
/// class="footnote-ref">1</sup>`) or back link (`↩`) with its text: a snippet reads
/// “规定》和”, not “规定》1和”. Returns where the text goes on.
fn tag(html: &str, at: usize, out: &mut String, space: &mut bool) -> usize {
    let rest = &html.as_bytes()[at..];
    let close = memchr::memchr(b'>', rest);
    let end = close.map_or(rest.len(), |e| e + 1);
    // The name: after `<` and any `/`, letters and digits, inside the tag.
    let inside = close.unwrap_or(rest.len().saturating_sub(1)).max(1);
    let mut n = 1;
    while n < inside && rest[n] == b'/' {
        n += 1;
    }
    let closing = n > 1;
    let name_start = n;
    while n < inside && rest[n].is_ascii_alphanumeric() {
        n += 1;
    }
    let name = &rest[name_start..n];
    if !closing && (name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style")) {
        let end_tag = format!("</{}", std::str::from_utf8(name).expect("ASCII"));
        return at + find_ascii_ci(&html[at..], &end_tag).unwrap_or(rest.len());
    }
    // Only comrak writes these classes: the sanitizer drops an author's `class`.
    for (tag_name, class, end_tag) in [(&b"sup"[..], "class=\"footnote-ref\"", "</sup>"), (&b"a"[..], "class=\"footnote-backref\"", "</a>")] {
        if !closing && name.eq_ignore_ascii_case(tag_name) && html[at..at + end].contains(class) {
            return at + find_ascii_ci(&html[at..], end_tag).map_or(rest.len(), |e| e + end_tag.len());
        }
    }
    if is_block(std::str::from_utf8(name).expect("ASCII")) {
        push_space(out, space);
    }
    at + end
}

/// Byte classes for `push_plain_text`.
const TEXT: u8 = 0;
const SPACE: u8 = 1;
const LEAD: u8 = 2;
const LT: u8 = 3;
const AMP: u8 = 4;
const CLASS: [u8; 256] = {
    let mut t = [TEXT; 256];
    let spaces = [b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c];
    let mut i = 0;
    while i < spaces.len() {
        t[spaces[i] as usize] = SPACE;
        i += 1;
    }
    // Lead bytes of U+0085, U+00A0, U+1680, U+2000…U+205F, U+3000.
    t[0xc2] = LEAD;
    t[0xe1] = LEAD;
    t[0xe2] = LEAD;
    t[0xe3] = LEAD;
    t[b'<' as usize] = LT;
    t[b'&' as usize] = AMP;
    t
};

/// Length of the Unicode space (White_Space, not ASCII) that `b` starts with, or 0.
fn unicode_space(b: &[u8]) -> usize {
    match *b {
        [0xc2, 0x85 | 0xa0, ..] => 2,
        [0xe1, 0x9a, 0x80, ..] => 3,
        [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..] => 3,
        [0xe2, 0x81, 0x9f, ..] => 3,
        [0xe3, 0x80, 0x80, ..] => 3,
        _ => 0,
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

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether some byte of `v` is zero, for 8 bytes at once (the usual bit trick: exact
/// for the word as a whole).
fn has_zero(v: u64) -> bool {
    v.wrapping_sub(ONES) & !v & HIGH != 0
}

/// Whether some byte of `w` is below `n` (n ≤ 128).
fn has_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(ONES * n as u64) & !w & HIGH != 0
}

/// Whether any byte of `w` is one `SPECIAL` marks (controls, `"`, `\\`, 0xE2): the
/// usual "has a zero byte" bit tricks, for 8 bytes at once.
fn any_special(w: u64) -> bool {
    has_below(w, 0x20) || has_zero(w ^ (ONES * b'"' as u64)) || has_zero(w ^ (ONES * b'\\' as u64)) || has_zero(w ^ (ONES * 0xe2))
}

/// `s` as a JSON/JavaScript string literal (U+2028 and U+2029 escaped for old engines).
pub fn js_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let b = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < b.len() {
        // Eight bytes at a time while none is special (most of a text).
        if let Some(w) = b.get(i..i + 8) {
            if !any_special(u64::from_le_bytes(w.try_into().expect("8 bytes"))) {
                i += 8;
                continue;
            }
        }
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
        assert_eq!(plain_text("甲\u{a0}\u{2028}乙&#x3000;&nbsp;丙\u{2014}丁"), "甲 乙 丙\u{2014}丁", "Unicode spaces collapse, a dash stays");
        assert_eq!(plain_text("a < b &amp;&amp c<br/>d</P >e<scripty>f</scripty><SCRIPT>x</script >g"), "a d efg");
        assert_eq!(plain_text("末尾<p"), "末尾");
        // comrak's footnotes: the reference number and the back link are not text.
        let footnote = "<p>根据《规定》<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup>和要求</p>\
            <section class=\"footnotes\" data-footnotes><ol><li id=\"fn-1\"><p>中组发〔2008〕3号。 <a href=\"#fnref-1\" class=\"footnote-backref\" data-footnote-backref aria-label=\"Back to reference 1\">↩</a></p></li></ol></section>";
        assert_eq!(plain_text(footnote), "根据《规定》和要求 中组发〔2008〕3号。");
        assert_eq!(plain_text("<sup>2</sup>平方<a href=\"x\">链接</a>"), "2平方链接", "other sup and links keep their text");
    }

    #[test]
    fn js_strings_escape_quotes_controls_and_line_separators() {
        let mut out = Vec::new();
        js_string(&mut out, "a\"b\\c\nd\u{1}e\u{2028}f党");
        assert_eq!(String::from_utf8(out).unwrap(), "\"a\\\"b\\\\c\\nd\\u0001e\\u2028f党\"");
        // Long plain runs (the 8-byte steps) with specials at every offset.
        for at in 0..20 {
            for special in ["\"", "\\", "\n", "\u{1f}", "\u{2029}", "“"] {
                let text = format!("{}{special}{}", "党".repeat(at / 3) + &"a".repeat(at % 3), "支部建设".repeat(3));
                let mut out = Vec::new();
                js_string(&mut out, &text);
                let back: String = serde_json::from_slice(&out).unwrap();
                assert_eq!(back, text);
                assert!(!String::from_utf8(out).unwrap().contains('\u{2029}'));
            }
        }
    }
}
