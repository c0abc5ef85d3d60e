//! Hostile content: front matter and Markdown with `<script>`, `javascript:` links,
//! `onerror=` attributes and `</script>` in titles. The build warns at each place and
//! goes on; no built page, search index file or search result carries an active
//! script, and in Chromium none ran (docs/content.md, “网页代码”).

use crate::browser::{chromium, serve_dir};
use crate::cdp;
use crate::util::{files, pct, Site};
use std::time::Duration;

/// Every script in the fixture sets `window.__pwned` (or its parent's): it must stay unset.
const EVIL_PAGE: &str = r#"+++
title = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">恶意标题"
description = "<script>window.__pwned=3</script>"
kind = "notice"
date = 2024-05-01
tags = ["<script>window.__pwned=4</script>"]
+++
警示测试正文。

<script>window.__pwned=5</script>

<img src="x" onerror="window.__pwned=6">

[点我](javascript:window.__pwned=7)

<a href="&#106;avascript:window.__pwned=8">点我二</a>

<iframe src="javascript:window.parent.__pwned=9"></iframe>

<svg><script>window.__pwned=10</script></svg>

行内 <script>window.__pwned=11</script> 脚本，<img src=x onerror=window.__pwned=12> 图片。

<details open ontoggle="window.__pwned=13"><summary>展开</summary>内容</details>

<a href="java&#x09;script:window.__pwned=14">点我三</a>

<div style="background:url(javascript:window.__pwned=15)">样式</div>

<!--[if IE]><script>window.__pwned=16</script><![endif]-->

![图](javascript:window.__pwned=17)

<object data="javascript:window.__pwned=18"></object><embed src="javascript:window.__pwned=19">

<form action="javascript:window.__pwned=20"><button>提交</button></form>

保留的排版：<u>下划线</u><br><span style="color:#b71c1c">红字</span>
"#;

fn hostile_site() -> Site {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-06-30\n")
        .file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n")
        .file("content/notices/evil.md", EVIL_PAGE)
        .file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n")
        .file(
            "content/units/zb/_index.md",
            "+++\ntitle = \"<img src=x onerror=window.__pwned=30>支部</script>\"\n[unit]\nkind = \"党支部\"\nsecretary = \"<script>window.__pwned=31</script>\"\n+++\n",
        );
    s
}

/// The opening tags of an HTML text (`<name ...>`, not text that only looks like one).
fn open_tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// What in a built file could run a script: event attributes, `javascript:` addresses,
/// scripts that are not the theme's own files.
fn active(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in open_tags(html) {
        let lower = tag.to_ascii_lowercase();
        let name = lower.split(|c: char| c.is_ascii_whitespace() || c == '/').next().unwrap_or("");
        let theme_script = name == "script" && (lower.contains("src=\"/js/search.js\"") || lower.contains("src=\"/search/meta.js\""));
        let refresh = name == "meta" && lower.contains("refresh");
        if matches!(name, "script" | "iframe" | "object" | "embed" | "base") && !theme_script || refresh {
            found.push(format!("<{tag}>"));
        }
        let attrs = lower.split(|c: char| c.is_ascii_whitespace()).skip(1);
        if attrs.clone().any(|a| a.starts_with("on") && a.contains('=')) || lower.contains("javascript:") || lower.contains("url(") {
            found.push(format!("<{tag}>"));
        }
    }
    found
}

#[test]
fn hostile_markup_is_removed_with_a_located_warning_and_never_runs() {
    let _heavy = crate::util::heavy();
    let s = hostile_site();
    let r = s.build_ok(&["--audience", "internal"]);
    // Each place is named (file:line:col), and the build went on.
    for (line, what) in [(10, "<script>"), (12, "onerror 属性"), (14, "javascript:"), (18, "<iframe>"), (24, "ontoggle 属性"), (34, "<object>")] {
        let at = format!("content/notices/evil.md:{line}:");
        assert!(r.stderr.lines().any(|l| l.contains(&at)), "no warning at {at} ({what}):\n{}", r.stderr);
        assert!(r.stderr.contains(what), "{what}:\n{}", r.stderr);
    }
    assert!(r.stderr.contains("已删除不安全的网页代码") && r.stderr.contains("已删除不安全的链接地址"), "{}", r.stderr);

    // Nothing active in any page or feed. (The search index holds the titles as text in
    // string literals of .js files loaded with `<script src>`: the browser part below
    // shows them.)
    let out = files(&s.public());
    let mut bad = Vec::new();
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") || path.ends_with(".xml") {
            bad.extend(active(&text).into_iter().map(|t| format!("{path}: {t}")));
        }
    }
    assert!(bad.is_empty(), "active content in the output:\n{}", bad.join("\n"));
    let page = s.out("notices/evil/index.html");
    assert!(page.contains("<u>下划线</u><br><span style=\"color:#b71c1c\">红字</span>"), "formatting kept");
    assert!(!page.contains("__pwned=10") && !page.contains("__pwned=11") && page.contains("行内  脚本"), "inline scripts go with their text");
    assert!(page.contains("&lt;&#x2F;script&gt;") || page.contains("&lt;/script&gt;"), "the title shown as text");

    // In a browser: the pages and the search (the title found, a query that is markup
    // itself) run no script from the content.
    let Some(exe) = chromium() else { return };
    let base = serve_dir(s.public());
    let mut b = cdp::Browser::launch(exe);
    let query = "<img src=x onerror=window.__pwned=40>";
    let pages = [
        "notices/evil/".to_string(),
        "notices/".into(),
        String::new(),
        "tags/".into(),
        "archive/".into(),
        "units/zb/".into(),
        "units/".into(),
        "compliance/".into(),
        format!("search/?q={}", pct("恶意标题")),
        format!("search/?q={}", pct(query)),
    ];
    for p in &pages {
        b.navigate(&format!("{base}{p}"));
        if p.starts_with("search/") {
            b.wait_for("document.querySelector('#dwgk-search[data-ms]')", Duration::from_secs(20)).unwrap_or_else(|e| panic!("{p}: {e}"));
        }
        // Give late handlers (a failed image's onerror, a toggle) their chance.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(b.eval("typeof window.__pwned"), "undefined", "{p}: a script from the content ran");
        assert_eq!(b.eval("document.querySelectorAll('iframe, object, embed, [onerror], [onclick], [ontoggle]').length"), 0, "{p}");
    }
    b.navigate(&format!("{base}search/?q={}", pct("恶意标题")));
    b.wait_for("document.querySelector('#dwgk-search[data-ms]')", Duration::from_secs(20)).unwrap();
    let title = b.eval("(document.querySelector('.search-result-title a') || {}).textContent");
    assert!(title.as_str().is_some_and(|t| t.contains("</script><script>") && t.contains("恶意标题")), "the title found and shown as text: {title}");
    assert_eq!(b.eval("typeof window.__pwned"), "undefined");
    // The probe works: the same markup, put into the page by a script, does run.
    b.eval("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__pwned=99\">'); 0");
    b.wait_for("window.__pwned === 99", Duration::from_secs(5)).expect("an onerror handler runs in this browser");
}
