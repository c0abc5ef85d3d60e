//! Sanitizer cost per page body (bench/sanitizer.py runs it): `render` is dwgk's whole
//! Markdown step (comrak, the cleaning of each raw piece, and the balancing when there
//! is raw HTML); `clean`, `balance` and `ammonia` each take the rendered bodies and run
//! one pass: dwgk's hand-written cleaner, its html5ever balancing, ammonia configured
//! like dwgk's allow-lists. Prints one JSON line; the measured loop is `measured`, so
//! callgrind can count it alone (`--toggle-collect=*measured*`).
//!
//! Usage: dwgk-sanitizer-bench MODE LIST [--repeat N] [--word-html]

use dwgk::content::markdown::{render, LinkResolver, Resolution};
use std::collections::HashSet;
use std::time::Instant;

/// Links are left as written (the bench measures HTML, not link resolution).
struct Keep;
impl LinkResolver for Keep {
    fn resolve(&self, _: &str) -> Resolution {
        Resolution::Keep
    }
}

/// What a page pasted from Word or WPS typically holds: styled spans, Word's classes
/// and `<o:p>`, a table, a right-aligned 落款.
const WORD_HTML: &str = "<p class=\"MsoNormal\" style=\"text-indent:2em;line-height:28pt;mso-line-height-rule:exactly\">\
<span style=\"font-family:仿宋_GB2312;font-size:16pt\">根据上级党组织的要求，现将有关事项通知如下，请各支部认真组织学习。</span><o:p></o:p></p>\n\
<table class=\"MsoTableGrid\" border=\"1\" cellspacing=\"0\" style=\"border-collapse:collapse;width:100%\">\
<tr><td style=\"padding:0 5pt\"><span>序号</span></td><td><span>姓名</span></td><td><span>职务</span></td></tr>\
<tr><td>1</td><td>张三</td><td><span style=\"color:red\">支部书记</span></td></tr>\
<tr><td>2</td><td>李四</td><td>组织委员<o:p></o:p></td></tr></table>\n\
<p align=\"right\"><span style=\"font-size:16pt\">中共某某支部委员会</span><br>2024年3月1日</p>\n";

/// ammonia with dwgk's element, attribute and style allow-lists (docs/content.md “网页代码”).
fn ammonia_like_dwgk() -> ammonia::Builder<'static> {
    let tags: HashSet<&str> = [
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
        "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "section", "input",
    ]
    .into_iter()
    .collect();
    let styles: HashSet<&str> = [
        "color", "background-color", "text-align", "text-indent", "text-decoration", "font-weight", "font-style", "font-size", "font-family",
        "line-height", "letter-spacing", "vertical-align", "white-space", "border", "border-collapse", "padding",
    ]
    .into_iter()
    .collect();
    let mut b = ammonia::Builder::default();
    b.tags(tags)
        .add_generic_attributes(["title", "lang", "dir", "style", "id"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .add_tag_attributes("p", ["class"])
        .filter_style_properties(styles)
        .strip_comments(false)
        .link_rel(None);
    b
}

/// The body of a page file: what follows its `+++` (or `---`) front matter.
fn body_of(text: &str) -> String {
    for fence in ["+++", "---"] {
        if let Some(rest) = text.strip_prefix(fence) {
            if let Some((_, body)) = rest.split_once(&format!("\n{fence}")) {
                return body.to_string();
            }
        }
    }
    text.to_string()
}

/// The pass under test over every body, `repeat` times: output bytes in total.
#[inline(never)]
fn measured(mode: &str, inputs: &[String], repeat: usize, amm: &ammonia::Builder) -> usize {
    let mut n = 0;
    for _ in 0..repeat {
        for b in inputs {
            n += match mode {
                "render" => render(b, &Keep).html.len(),
                "clean" => dwgk::content::sanitize::clean(b).html.len(),
                "balance" => dwgk::content::balance::balance(b).html.len(),
                "ammonia" => amm.clean(b).to_string().len(),
                _ => unreachable!(),
            };
        }
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: dwgk-sanitizer-bench render|clean|balance|ammonia LIST [--repeat N] [--word-html]";
    let (Some(mode), Some(list)) = (args.get(1), args.get(2)) else { panic!("{usage}") };
    assert!(["render", "clean", "balance", "ammonia"].contains(&mode.as_str()), "{usage}");
    let repeat = args.iter().position(|a| a == "--repeat").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(1);
    let word_html = args.iter().any(|a| a == "--word-html");
    let files: Vec<String> = std::fs::read_to_string(list).expect("list").lines().filter(|l| !l.is_empty()).map(String::from).collect();
    let bodies: Vec<String> = files
        .iter()
        .map(|f| {
            let body = body_of(&std::fs::read_to_string(f).expect("page"));
            if word_html {
                format!("{body}\n\n{WORD_HTML}")
            } else {
                body
            }
        })
        .collect();
    let inputs: Vec<String> = if mode == "render" { bodies } else { bodies.iter().map(|b| render(b, &Keep).html).collect() };
    let bytes: usize = inputs.iter().map(String::len).sum();
    let amm = ammonia_like_dwgk();
    let t = Instant::now();
    let out = measured(mode, &inputs, repeat, &amm);
    let ns = t.elapsed().as_nanos();
    println!("{{\"mode\":\"{mode}\",\"bodies\":{},\"bytes\":{bytes},\"repeat\":{repeat},\"ns\":{ns},\"out_bytes\":{out}}}", inputs.len());
}
