//! Raw HTML in Markdown, made harmless (docs/content.md, “网页代码”). Officers paste
//! HTML from Word (`<br>`, `<u>`, `<span style="color:red">`, tables); a shared folder
//! also lets anyone drop in `<script>`. Kept: a list of formatting elements with a few
//! attributes each, and links to http(s), mailto, tel or relative addresses. Removed:
//! scripts and other active elements with their content, event attributes (`onerror=`),
//! `javascript:` and other unsafe addresses, conditional comments; other unknown tags
//! (`<font>`, `<o:p>`) lose the tag and keep their text. Pure.

/// Elements kept (their tag, with the attributes `attribute_allowed` lets through).
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Void elements: no closing tag.
const VOID: &[&str] = &["br", "col", "hr", "img"];

/// Elements removed with everything up to their closing tag.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "noembed",
    "noframes",
    "template",
    "textarea",
    "title",
    "xmp",
    "plaintext",
    "svg",
    "math",
    "select",
];

/// Elements whose removal is worth telling the author about (active content, forms,
/// page-level elements); other unknown tags are Word's leftovers.
const ACTIVE: &[&str] = &["base", "link", "meta", "form", "input", "button", "frame", "iframe", "html", "head", "body"];

/// Raw HTML after cleaning, and what was removed that the author should know about
/// (`<script>`, `onerror 属性`, `javascript: 地址`).
#[derive(Debug, Default, PartialEq)]
pub struct Cleaned {
    pub html: String,
    pub removed: Vec<String>,
}

/// Cleans one raw HTML fragment (a block or an inline tag as comrak gives it).
pub fn clean(raw: &str) -> Cleaned {
    let mut out = Cleaned { html: String::with_capacity(raw.len()), removed: Vec::new() };
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.html.push_str(&rest[..i]);
        rest = &rest[i..];
        rest = if let Some(after) = rest.strip_prefix("<!--") {
            comment(after, &mut out)
        } else if rest.starts_with("</") {
            closing_tag(rest, &mut out)
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            opening_tag(rest, &mut out)
        } else if rest[1..].starts_with(['!', '?']) {
            // <!DOCTYPE>, <![CDATA[...]]>, <?xml ...?>: nothing a page body needs.
            rest.find('>').map_or("", |e| &rest[e + 1..])
        } else {
            out.html.push_str("&lt;");
            &rest[1..]
        };
    }
    out.html.push_str(rest);
    out
}

/// `<!-- ... -->`: kept when plain text (`<!-- more -->` is the summary marker);
/// conditional comments (`<!--[if IE]><script>`, which old IE runs) and comments
/// holding markup are removed, as is an unterminated one (it would hide the page).
fn comment<'a>(after: &'a str, out: &mut Cleaned) -> &'a str {
    let Some(end) = after.find("-->") else {
        out.removed.push("未结束的 <!-- 注释".into());
        return "";
    };
    let body = &after[..end];
    if body.contains(['<', '>', '[']) {
        out.removed.push("含代码的注释".into());
    } else {
        out.html.push_str("<!--");
        out.html.push_str(body);
        out.html.push_str("-->");
    }
    &after[end + 3..]
}

fn tag_name(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':')).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

fn closing_tag<'a>(rest: &'a str, out: &mut Cleaned) -> &'a str {
    let Some(end) = rest.find('>') else {
        out.html.push_str("&lt;");
        return &rest[1..];
    };
    let name = tag_name(&rest[2..]).0.to_ascii_lowercase();
    if ALLOWED.contains(&name.as_str()) && !VOID.contains(&name.as_str()) {
        out.html.push_str("</");
        out.html.push_str(&name);
        out.html.push('>');
    }
    &rest[end + 1..]
}

fn opening_tag<'a>(rest: &'a str, out: &mut Cleaned) -> &'a str {
    let (name, mut s) = tag_name(&rest[1..]);
    let name = name.to_ascii_lowercase();
    let mut attrs: Vec<(String, String)> = Vec::new();
    // Attributes as a browser reads them: name, then `=value` (quoted or not).
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            // No `>`: not a tag after all; the `<` is text.
            out.html.push_str("&lt;");
            return &rest[1..];
        }
        if let Some(after) = s.strip_prefix('>') {
            s = after;
            break;
        }
        let n_end = s.find(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '=')).unwrap_or(s.len()).max(1);
        let attr = s[..n_end].to_ascii_lowercase();
        s = s[n_end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = String::new();
        if let Some(after) = s.strip_prefix('=') {
            let after = after.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (raw, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                    Some(e) => (&after[1..1 + e], &after[2 + e..]),
                    None => (&after[1..], ""),
                },
                _ => {
                    let e = after.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(after.len());
                    (&after[..e], &after[e..])
                }
            };
            value = decode_entities(raw);
            s = next;
        }
        attrs.push((attr, value));
    }
    if DROPPED_WITH_CONTENT.contains(&name.as_str()) {
        return match skip_past_close(s, &name) {
            Some(after) => {
                out.removed.push(format!("<{name}>"));
                after
            }
            None => {
                // As in a browser, everything after it is inside it: gone with it.
                out.removed.push(format!("<{name}>（没有结束标签 </{name}>，它后面的内容一并删除了）"));
                ""
            }
        };
    }
    if !ALLOWED.contains(&name.as_str()) {
        if ACTIVE.contains(&name.as_str()) {
            out.removed.push(format!("<{name}>"));
        }
        return s;
    }
    out.html.push('<');
    out.html.push_str(&name);
    for (attr, value) in attrs {
        let v = attribute(&name, &attr, &value, false);
        out.removed.extend(v.removed);
        if let Some(kept) = v.value {
            out.html.push(' ');
            out.html.push_str(&attr);
            out.html.push_str("=\"");
            out.html.push_str(&escape_attr(&kept));
            out.html.push('"');
        }
    }
    out.html.push('>');
    s
}

/// What becomes of one attribute: the value kept (perhaps filtered), and what was
/// removed that the author should hear about.
#[derive(Debug, Default, PartialEq)]
pub struct Verdict {
    pub value: Option<String>,
    pub removed: Option<String>,
}

/// The attribute policy of an allowed element: event handlers, unsafe addresses
/// and unsafe style go with a word; Word's `align`, `width`, other classes go
/// without one. `generated`: the markup comrak itself writes (heading and
/// footnote ids, footnote and task-list attributes, code languages) is allowed too.
pub fn attribute(element: &str, attr: &str, value: &str, generated: bool) -> Verdict {
    let keep = |v: String| Verdict { value: Some(v), removed: None };
    if attr.starts_with("on") {
        return Verdict { value: None, removed: Some(format!("{attr} 属性")) };
    }
    match attr {
        "href" | "src" if attribute_allowed(element, attr) => {
            if safe_url(value, element == "img") {
                keep(value.to_string())
            } else {
                Verdict { value: None, removed: Some(format!("{} 地址", scheme_of(value))) }
            }
        }
        "style" => {
            let (kept, removed) = filter_style(value);
            Verdict { value: (!kept.is_empty()).then_some(kept), removed }
        }
        "class" => {
            let kept: Vec<&str> = value.split_ascii_whitespace().filter(|c| class_allowed(element, c, generated)).collect();
            Verdict { value: (!kept.is_empty()).then(|| kept.join(" ")), removed: None }
        }
        _ if attribute_allowed(element, attr) || (generated && generated_attribute(element, attr, value)) => keep(value.to_string()),
        _ => Verdict::default(),
    }
}

/// Paragraph classes (docs/templates.md “Classes in page.content”); with
/// `generated`, also comrak's footnote, task-list and code-language classes.
fn class_allowed(element: &str, class: &str, generated: bool) -> bool {
    let layout = match element {
        "p" => matches!(class, "align-center" | "align-right" | "signature"),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => class == "align-center",
        _ => false,
    };
    layout
        || (generated
            && match element {
                "section" => class == "footnotes",
                "sup" => class == "footnote-ref",
                "a" => class == "footnote-backref",
                "ul" => class == "contains-task-list",
                "li" => class == "task-list-item",
                "input" => class == "task-list-item-checkbox",
                "code" => class.strip_prefix("language-").is_some_and(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || "+-_#.".contains(c))),
                _ => false,
            })
}

/// Attributes only comrak writes: ids of headings and footnotes, footnote links,
/// task-list checkboxes.
fn generated_attribute(element: &str, attr: &str, value: &str) -> bool {
    match (element, attr) {
        ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "a", "id") => true,
        ("section", "data-footnotes") | ("a", "data-footnote-ref" | "data-footnote-backref" | "data-footnote-backref-idx" | "aria-label") => true,
        ("input", "type") => value == "checkbox",
        ("input", "checked" | "disabled") => true,
        // The checkbox's state in words (`markdown`: screen readers need a name).
        ("input", "aria-label") => matches!(value, "已完成" | "未完成"),
        _ => false,
    }
}

/// Elements only comrak writes (footnotes, task lists).
pub fn generated_element(name: &str) -> bool {
    matches!(name, "section" | "input")
}

/// Whether raw HTML keeps an element (with the attributes `attribute` lets through).
pub fn element_allowed(name: &str) -> bool {
    ALLOWED.contains(&name)
}

/// Whether an element goes with everything in it (`<script>`, `<svg>`, …).
pub fn dropped_with_content(name: &str) -> bool {
    DROPPED_WITH_CONTENT.contains(&name)
}

fn attribute_allowed(element: &str, attr: &str) -> bool {
    matches!(attr, "title" | "lang" | "dir")
        || matches!(
            (element, attr),
            ("a", "href")
                | ("img", "src" | "alt" | "width" | "height")
                | ("td" | "th", "colspan" | "rowspan")
                | ("th", "scope")
                | ("ol", "start" | "reversed" | "type")
                | ("col" | "colgroup", "span")
                | ("abbr" | "q" | "blockquote" | "del" | "ins", "cite")
                | ("details", "open")
        )
}

/// What follows `</name ...>` (case-insensitive); `None` when it never comes.
fn skip_past_close<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    let close = format!("</{name}");
    let lower = s.to_ascii_lowercase();
    let i = lower.find(&close)?;
    Some(s[i..].find('>').map_or("", |e| &s[i + e + 1..]))
}

/// An inline tag (one comrak node) that opens, without closing it, or closes an element
/// whose content is removed (`<script>`, `</script>`): its name, and whether it opens.
pub fn dropped_tag(raw: &str) -> Option<(String, bool)> {
    let (rest, opens) = match raw.strip_prefix("</") {
        Some(rest) => (rest, false),
        None => (raw.strip_prefix('<')?, true),
    };
    let name = tag_name(rest).0.to_ascii_lowercase();
    let closed_inside = opens && raw.to_ascii_lowercase().contains(&format!("</{name}"));
    (DROPPED_WITH_CONTENT.contains(&name.as_str()) && !closed_inside).then_some((name, opens))
}

/// Whether a link or image address may stay: relative, `#anchor`, http(s), mailto,
/// tel; for images also `data:image/` (not SVG). Browsers ignore tabs and line
/// breaks inside a scheme (`java\tscript:`), so those are dropped before looking.
pub fn safe_url(url: &str, image: bool) -> bool {
    let url = as_browsers_read(url);
    let lower = url.to_ascii_lowercase();
    match lower.find([':', '/', '?', '#']) {
        Some(i) if lower.as_bytes()[i] == b':' => {
            let scheme = &lower[..i];
            matches!(scheme, "http" | "https" | "mailto" | "tel")
                || (image && scheme == "data" && lower.starts_with("data:image/") && !lower.starts_with("data:image/svg"))
        }
        // Relative; an entity left undecoded before the first `/` could still spell a scheme.
        Some(i) => !lower[..i].contains('&'),
        None => !lower.contains('&'),
    }
}

/// An address as a browser reads it: spaces and controls around it dropped, tabs and
/// line breaks inside it ignored.
fn as_browsers_read(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect()
}

/// `javascript:` for messages (the address itself may be long).
pub fn scheme_of(url: &str) -> String {
    let url = as_browsers_read(url);
    match url.split_once(':') {
        Some((s, _)) if s.len() <= 20 && !s.is_empty() => format!("{}:", s.to_ascii_lowercase()),
        _ => "不安全的".into(),
    }
}

/// CSS properties an inline style keeps: colour, text and table formatting that
/// Word and WPS paste. Nothing that takes an element out of the page's flow or
/// over the theme (`position`, `z-index`, `transform`, margins, sizes).
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "text-align",
    "text-indent",
    "text-decoration",
    "text-decoration-line",
    "text-decoration-color",
    "text-decoration-style",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "line-height",
    "letter-spacing",
    "vertical-align",
    "white-space",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-width",
    "border-style",
    "border-color",
    "border-collapse",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
];

/// Properties worth a warning when dropped: they move an element out of the page
/// (a fake notice laid over the header) or run something.
const ESCAPING_PROPERTIES: &[&str] =
    &["position", "z-index", "transform", "top", "right", "bottom", "left", "inset", "clip", "clip-path", "behavior", "-moz-binding"];

/// An inline style's allowed declarations, as written; and, when a dropped one
/// moved elements or ran something, the words for the warning.
pub fn filter_style(style: &str) -> (String, Option<String>) {
    let mut kept = Vec::new();
    let mut warned: Vec<String> = Vec::new();
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else { continue };
        let prop = prop.trim().to_ascii_lowercase();
        let squeezed: String = value.to_ascii_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
        let unsafe_value = ["expression", "javascript", "url(", "@import", "\\", "<", ">"].iter().any(|bad| squeezed.contains(bad));
        if STYLE_PROPERTIES.contains(&prop.as_str()) && !unsafe_value && !value.trim().is_empty() {
            kept.push(format!("{}:{}", decl.split_once(':').map_or("", |(p, _)| p).trim(), value.trim_end()));
        } else if (unsafe_value || ESCAPING_PROPERTIES.contains(&prop.as_str()) || prop.starts_with("inset")) && !warned.contains(&prop) {
            warned.push(prop);
        }
    }
    let removed = (!warned.is_empty()).then(|| format!("style 中的 {}", warned.join("、")));
    (kept.join(";"), removed)
}

/// Character references in an attribute value (`&#106;`, `&#x6A;`, `&amp;`, …), as a
/// browser decodes them before it looks at the address; unknown names stay as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).unwrap_or(rest.len());
        let (body, after) = (&rest[..end], &rest[end..]);
        let decoded = if let Some(num) = body.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.map(|n| char::from_u32(n).unwrap_or('\u{fffd}'))
        } else {
            match body.to_ascii_lowercase().as_str() {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "sol" => Some('/'),
                "num" => Some('#'),
                "quest" => Some('?'),
                "nbsp" => Some('\u{a0}'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// Text made safe inside a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(raw: &str) -> String {
        clean(raw).html
    }

    #[test]
    fn word_formatting_is_kept() {
        assert_eq!(html("第一行<br>第二行<u>下划线</u>"), "第一行<br>第二行<u>下划线</u>");
        assert_eq!(html("<span style=\"color:red\">红字</span>"), "<span style=\"color:red\">红字</span>");
        assert_eq!(html("<td colspan=2 align=center class=MsoNormal>合计</td>"), "<td colspan=\"2\">合计</td>");
        assert_eq!(html("<a href=\"https://www.12371.cn/\" title=\"共产党员网\">链接</a>"), "<a href=\"https://www.12371.cn/\" title=\"共产党员网\">链接</a>");
        assert_eq!(html("<font face=宋体>字</font><o:p></o:p>"), "字");
        assert_eq!(html("<!-- more -->"), "<!-- more -->");
        assert_eq!(html("1 < 2 and <3"), "1 &lt; 2 and &lt;3");
        assert!(clean("<p><b>粗</b></p>").removed.is_empty());
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let c = clean("<script>alert(1)</script>前<SCRIPT src=x></SCRIPT >后");
        assert_eq!(c.html, "前后");
        assert_eq!(c.removed, ["<script>", "<script>"]);
        let c = clean("<img src=x onerror=\"alert(1)\"><div onclick='alert(2)'>文</div>");
        assert_eq!(c.html, "<img src=\"x\"><div>文</div>");
        assert_eq!(c.removed, ["onerror 属性", "onclick 属性"]);
        assert_eq!(html("<svg onload=alert(1)><circle/></svg>留下"), "留下");
        assert_eq!(html("<iframe src=\"javascript:alert(1)\"></iframe>"), "");
        assert_eq!(html("<style>body{display:none}</style>"), "");
        assert_eq!(html("<!--[if IE]><script>alert(1)</script><![endif]-->后"), "后");
        assert_eq!(html("<!-- 未结束 <p>"), "");
        assert_eq!(html("<form action=x><input name=q></form>"), "");
        assert_eq!(html("<p style=\"background:url(javascript:alert(1))\">x</p>"), "<p>x</p>");
        assert_eq!(html("<a href=x >a</a >"), "<a href=\"x\">a</a>");
    }

    #[test]
    fn unsafe_addresses_are_removed_however_spelled() {
        for href in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java&#x09;script:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript&colon;alert(1)",
            "jav\nascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "&unknown;javascript:alert(1)",
        ] {
            let c = clean(&format!("<a href=\"{href}\">x</a>"));
            assert_eq!(c.html, "<a>x</a>", "{href}");
            assert_eq!(c.removed.len(), 1, "{href}");
        }
        assert!(safe_url("附件/报名表.pdf", false) && safe_url("#一总体要求", false) && safe_url("mailto:a@b.cn", false));
        assert!(safe_url("data:image/png;base64,AAAA", true) && !safe_url("data:image/svg+xml,<svg onload=alert(1)>", true));
        assert!(!safe_url("data:image/png;base64,AAAA", false));
        assert_eq!(scheme_of(" JavaScript:alert(1)"), "javascript:");
    }

    #[test]
    fn styles_and_classes_by_allow_list() {
        let c = clean("<span style=\"color:red; position:fixed;z-index:9;mso-fareast-font-family:宋体\">字</span>");
        assert_eq!(c.html, "<span style=\"color:red\">字</span>");
        assert_eq!(c.removed, ["style 中的 position、z-index"]);
        assert_eq!(
            html("<p style=\"text-indent:2em;margin-top:-500px\">段</p>"),
            "<p style=\"text-indent:2em\">段</p>",
            "no margins: a negative one lifts the text over the header"
        );
        assert_eq!(html("<div style=\"mso-list:l0\">x</div>"), "<div>x</div>");
        assert_eq!(
            html("<p class=\"MsoNormal align-center\">居中</p><p class=signature>落款</p>"),
            "<p class=\"align-center\">居中</p><p class=\"signature\">落款</p>"
        );
        assert_eq!(html("<h2 class=\"align-right\">标题</h2><div class=\"signature content\">x</div>"), "<h2>标题</h2><div>x</div>");
        assert_eq!(clean("<script>a").removed, ["<script>（没有结束标签 </script>，它后面的内容一并删除了）"]);
    }

    #[test]
    fn quotes_in_values_are_escaped_again() {
        assert_eq!(html("<a title='a\"b&lt;' href=x>x</a>"), "<a title=\"a&quot;b&lt;\" href=\"x\">x</a>");
    }
}
