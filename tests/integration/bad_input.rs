//! Bad input: every problem is reported at once, located (`path:line:col`), in plain
//! Chinese with a `提示:` hint, and a failed build writes nothing.

use crate::util::{pct, Site};

/// Asserts a failed content build (exit 1) that reported `needles` and the
/// fixture's unrelated error too, and wrote no output.
fn fails_with(site: &Site, needles: &[&str]) -> String {
    let r = site.run(&["build"]);
    r.expect(1).stderr_has(needles).stderr_has(&[Site::UNRELATED_AT, "链接指向的页面不存在", "提示:"]);
    assert!(!site.public().exists(), "a failed build must not create the output folder");
    r.stderr
}

#[test]
fn unclosed_front_matter() {
    let s = Site::new();
    s.file("content/a.md", "+++\ntitle = \"通知\"\n\n正文第一段。\n").unrelated_error();
    fails_with(&s, &["content/a.md:4:1", "front matter 没有结束", "提示: 在这一行（“正文第一段。”）之前单独加一行 +++"]);
}

#[test]
fn invalid_toml() {
    let s = Site::new();
    s.file("content/a.md", "+++\ntitle = \"关于召开党员大会的通知\ndate = 2024-03-15\n+++\n正文\n").unrelated_error();
    fails_with(&s, &["content/a.md:2:", "TOML 格式错误", "提示: 值的末尾缺少英文双引号，应写成 title = \"关于召开党员大会的通知\""]);
}

#[test]
fn invalid_yaml() {
    let s = Site::new();
    s.file("content/a.md", "---\ntitle: 通知\ntags: [党费\ndate: 2024-01-01\n---\n正文\n").unrelated_error();
    fails_with(&s, &["content/a.md:3:", "YAML 格式错误", "提示: 列表缺少右边的 ]，要在同一行写完，应写成 tags: [党费]"]);
}

#[test]
fn wrong_type_points_at_the_value() {
    let s = Site::new();
    s.file("content/a.md", "+++\ntitle = \"通知\"\ndate = \"昨天\"\n+++\n正文\n").unrelated_error();
    let err = fails_with(&s, &["content/a.md:3:8", "date（日期）写的“昨天”不是日期", "提示: 日期写成 2024-03-15"]);
    assert!(err.contains(" 3 | date = \"昨天\""), "snippet of the offending line:\n{err}");
}

#[test]
fn wrong_type_of_a_plain_key_is_explained() {
    let s = Site::new();
    s.file("content/a.md", "+++\ntitle = \"通知\"\nweight = \"第一\"\n+++\n正文\n").unrelated_error();
    fails_with(&s, &["content/a.md:3:", "weight（排序）应是整数（阿拉伯数字，不加引号），实际写的是“第一”", "提示: 例如 weight = 1"]);
}

/// "关于召开支部党员大会的通知" and "党员同志们：请准时参加支部党员大会。" as Windows
/// Notepad saves them on Chinese Windows ("ANSI" = GBK), from Python `.encode('gbk')`.
const GBK_TITLE: &[u8] = &[
    0xB9, 0xD8, 0xD3, 0xDA, 0xD5, 0xD9, 0xBF, 0xAA, 0xD6, 0xA7, 0xB2, 0xBF, 0xB5, 0xB3, 0xD4, 0xB1, 0xB4, 0xF3, 0xBB, 0xE1, 0xB5, 0xC4, 0xCD, 0xA8, 0xD6, 0xAA,
];
const GBK_BODY: &[u8] = &[
    0xB5, 0xB3, 0xD4, 0xB1, 0xCD, 0xAC, 0xD6, 0xBE, 0xC3, 0xC7, 0xA3, 0xBA, 0xC7, 0xEB, 0xD7, 0xBC, 0xCA, 0xB1, 0xB2, 0xCE, 0xBC, 0xD3, 0xD6, 0xA7, 0xB2, 0xBF,
    0xB5, 0xB3, 0xD4, 0xB1, 0xB4, 0xF3, 0xBB, 0xE1, 0xA1, 0xA3,
];

#[test]
fn gbk_file_is_decoded_with_a_warning() {
    let mut bytes = b"+++\r\ntitle = \"".to_vec();
    bytes.extend_from_slice(GBK_TITLE);
    bytes.extend_from_slice(b"\"\r\n+++\r\n");
    bytes.extend_from_slice(GBK_BODY);
    bytes.extend_from_slice(b"\r\n");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must really be GBK");
    let s = Site::new();
    s.bytes("content/gbk.md", &bytes).unrelated_error();
    // With another error: both reported.
    s.run(&["build"]).expect(1).stderr_has(&["警告: 文件是 GBK 编码，已自动转换", "--> content/gbk.md", Site::UNRELATED_AT]);
    // Alone: it builds, warns, and the text arrives intact.
    s.remove("content/other.md");
    let r = s.run(&["build"]);
    r.expect(0).stderr_has(&["警告: 文件是 GBK 编码", "content/gbk.md", "提示:"]);
    let html = s.out("gbk/index.html");
    assert!(html.contains("<title>关于召开支部党员大会的通知"), "{html}");
    assert!(html.contains("党员同志们：请准时参加支部党员大会。"), "{html}");
}

#[test]
fn utf16_is_refused_not_garbled() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "+++\r\ntitle = \"关于召开党员大会的通知\"\r\n+++\r\n正文\r\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let s = Site::new();
    s.bytes("content/u16.md", &bytes).unrelated_error();
    fails_with(&s, &["--> content/u16.md", "文件是 UTF-16 编码", "提示: 用记事本打开，“另存为”时把编码选为 UTF-8"]);
    // `check` says the same, and nothing half-decoded is ever produced.
    s.run(&["check"]).expect(1).stderr_has(&["content/u16.md", "UTF-16"]);
}

#[test]
fn binary_file_named_md_is_refused() {
    let mut bytes = b"PK\x03\x04\x14\x00\x06\x00".to_vec(); // a .docx renamed to .md
    bytes.extend((0..=255u8).cycle().take(4000));
    let s = Site::new();
    s.bytes("content/通知.md", &bytes).unrelated_error();
    fails_with(&s, &["--> content/通知.md", "文件不是文本", "提示: 确认这个文件确实是 Markdown 文本"]);
}

#[test]
fn empty_file_is_an_error() {
    let s = Site::new();
    s.file("content/空.md", "").unrelated_error();
    fails_with(&s, &["--> content/空.md", "文件是空的", "提示: 在文件开头写"]);
}

#[test]
fn oversized_page_names_the_limit() {
    let s = Site::new();
    let line = format!("{}\n", "党".repeat(100)); // 301 bytes
    let mut text = String::from("+++\ntitle = \"大文件\"\n+++\n");
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&line);
    }
    s.file("content/big.md", &text).unrelated_error();
    fails_with(&s, &["--> content/big.md", "页面文件太大（20.0 MB），超过 10 MB 上限", "提示:"]);
}

#[test]
fn file_and_bundle_with_the_same_url() {
    let s = Site::new();
    s.page("a.md", "甲", "正文").page("a/index.md", "甲（文件夹）", "正文").unrelated_error();
    fails_with(&s, &["两个文件会生成同一个网址 /a/", "content/a.md", "content/a/index.md", "提示:"]);
}

#[test]
fn two_pages_with_the_same_slug() {
    let s = Site::new();
    s.file("content/n/x.md", "+++\ntitle = \"甲\"\nslug = \"tongzhi\"\n+++\n")
        .file("content/n/y.md", "+++\ntitle = \"乙\"\nslug = \"tongzhi\"\n+++\n")
        .unrelated_error();
    fails_with(&s, &["两个文件会生成同一个网址 /n/tongzhi/：content/n/x.md 和 content/n/y.md", "--> content/n/y.md"]);
}

#[test]
fn broken_internal_link_is_located() {
    let s = Site::new();
    s.page("notices/tongzhi.md", "甲", "第一段。\n\n详见《[通知](@/notices/b.md)》。\n").page("notices/bb.md", "乙", "").unrelated_error();
    let err = fails_with(&s, &["content/notices/tongzhi.md:6:4", "链接指向的页面不存在：@/notices/b.md"]);
    assert!(err.contains("提示: 是不是 @/notices/bb.md？"), "did-you-mean for the link:\n{err}");
}

#[test]
fn broken_anchor_on_an_existing_page() {
    let s = Site::new();
    s.page("b.md", "乙", "## 一、总体要求\n\n内容。\n").page("a.md", "甲", "见[要求](@/b.md#一总休要求)和[要求](@/b.md#一总体要求)。\n").unrelated_error();
    let err = fails_with(&s, &["content/a.md:4:2", "链接中的锚点 #一总休要求 在 @/b.md 中不存在", "提示: 是不是 #一总体要求？"]);
    assert_eq!(err.matches("锚点 #").count(), 1, "the correct anchor is not reported:\n{err}");
}

#[test]
fn missing_attachment() {
    let s = Site::new();
    s.page("a.md", "甲", "附件：\n\n[表](missing.xlsx)\n").unrelated_error();
    let err = fails_with(&s, &["content/a.md:6:1", "附件不存在：missing.xlsx", "提示: 把附件放到页面所在的文件夹（content/）"]);
    assert!(!err.contains("content//"), "{err}");
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let s = Site::new();
    s.page("a.md", "甲", "正文")
        .file("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n{% endblock content %}\n")
        .unrelated_error();
    fails_with(&s, &["templates/page.html:3:19", "模板语法错误", "提示: 检查 {{ }}、{% %} 是否成对"]);
}

#[test]
fn template_unknown_variable_names_template_and_variable() {
    let s = Site::new();
    s.page("a.md", "甲", "正文")
        .file(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.nonexistent_var }}</p>\n{% endblock content %}\n",
        )
        .unrelated_error();
    fails_with(&s, &["templates/page.html:4:7", "模板 page.html 出错", "page.nonexistent_var", "提示: 模板引用了不存在的变量"]);
}

#[test]
fn path_with_spaces_and_chinese_builds_and_is_linked() {
    let s = Site::new();
    s.page("通知 公告/关于 召开.md", "关于召开党员大会的通知", "## 一、总体要求\n\n正文。\n").page(
        "a.md",
        "甲",
        "见[通知](<@/通知 公告/关于 召开.md#一总体要求>)和[通知](@/通知%20公告/关于%20召开.md)。\n",
    );
    s.build_ok(&[]);
    let page = s.out("通知-公告/关于-召开/index.html");
    assert!(page.contains("关于召开党员大会的通知"));
    let url = format!("/{}", pct("通知-公告/关于-召开/"));
    let section = s.out("通知-公告/index.html");
    assert!(section.contains(&format!("href=\"{url}\"")), "section lists the page at {url}:\n{section}");
    let a = s.out("a/index.html");
    assert!(a.contains(&format!("href=\"{url}#{}\"", pct("一总体要求"))), "{a}");
    assert!(a.contains(&format!("href=\"{url}\"")), "{a}");
}

#[test]
fn symlink_loop_is_reported_and_the_rest_still_checked() {
    let s = Site::new();
    s.page("loop/ok.md", "正常页", "见[x](@/loop/missing.md)\n").unrelated_error();
    std::os::unix::fs::symlink("..", s.path().join("content/loop/back")).expect("symlink");
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&[
        "--> content/loop/back",
        "符号链接形成了循环",
        "提示: 删除这个符号链接",
        // Pages beside the loop and elsewhere were still read and checked.
        "content/loop/ok.md:4:2",
        Site::UNRELATED_AT,
    ]);
    assert!(!s.public().exists());
}

#[test]
fn unknown_config_key_with_did_you_mean() {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\nrelative_url = true\n").page("a.md", "甲", "正文").unrelated_error();
    let err = fails_with(&s, &["config.toml:3:1", "config.toml 中有不认识的设置项“relative_url”", "提示: 是不是想写“relative_urls”？"]);
    assert!(err.contains(" 3 | relative_url = true"), "{err}");
}

#[test]
fn reports_are_the_same_every_run() {
    let s = Site::new();
    // Equally close did-you-mean candidates must not be picked at random.
    for name in ["a", "c", "d", "e"] {
        s.page(&format!("n/{name}.md"), name, "");
    }
    s.page("n/x.md", "x", "[x](@/n/b.md)\n");
    let first = s.run(&["check"]);
    first.expect(1).stderr_has(&["content/n/x.md:4:1", "提示: 是不是 @/n/a.md？"]);
    let json = s.run(&["check", "--format", "json"]).stdout;
    for _ in 0..4 {
        assert_eq!(s.run(&["check", "--format", "json"]).stdout, json);
    }
}
