//! Word files under content/ are pages: the office-made fixtures (tests/fixtures/word)
//! and small packages built here, read through the real binary — title, date,
//! 文号 and 落款 from the document, structure, tables, images, footnotes, links;
//! sidecars; which Word files stay attachments; located errors; meeting records
//! counted in compliance exactly as Markdown activities are.

use crate::util::{attr_values, between, files, Site};
use std::io::Write;

/// A fixture of tests/fixtures/word.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/word").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const W: &str =
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A minimal `.docx` whose body is `body` (WordprocessingML), with extra parts
/// (`word/_rels/document.xml.rels` among them when given).
pub(crate) fn docx(body: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut put = |name: &str, bytes: &[u8]| {
        z.start_file(name, opts).unwrap();
        z.write_all(bytes).unwrap();
    };
    put("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#);
    put("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#);
    put("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#).as_bytes());
    for (name, bytes) in extra {
        put(name, bytes);
    }
    z.finish().unwrap().into_inner()
}

/// A paragraph; `props` goes into its `w:pPr`.
pub(crate) fn para(text: &str, props: &str) -> String {
    format!(r#"<w:p><w:pPr>{props}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn rels(entries: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{entries}</Relationships>"#
    )
    .into_bytes()
}

fn notice_site() -> Site {
    let s = Site::new();
    s.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n");
    s
}

#[test]
fn a_libreoffice_notice_is_a_page_with_its_title_number_issuer_date_and_structure() {
    let s = notice_site();
    s.bytes("content/notices/红头通知.docx", &fixture("红头通知-libreoffice.docx"));
    s.build_ok(&[]);
    let html = s.out("notices/红头通知/index.html");
    // The title over two centred lines, the 文号 and the 落款 unit: page values, not body text.
    assert!(html.contains("<h1 class=\"notice-title\">关于开展“学习二十大、奋进新征程”主题党日活动的<span class=\"no-orphan\">通知</span></h1>"), "{html}");
    assert!(html.contains("<dd>财机党发〔2024〕3号</dd>") && html.contains("<dd>中共某某市财政局机关委员会</dd>"), "{html}");
    assert!(html.contains("<time datetime=\"2024-03-05\">"), "成文日期 二〇二四年三月五日 is the date");
    let body = between(&html, "<div class=\"content\">", "</article>");
    assert!(
        !body.contains("财机党发") && !body.contains("委员会文件") && !body.contains("主题党日活动的通知"),
        "红头, 文号 and title are not repeated:\n{body}"
    );
    for (want, what) in [
        ("<h2 id=\"一活动主题\">一、活动主题</h2>", "一、 a heading"),
        ("<h3 id=\"一集中学习\">（一）集中学习</h3>", "（一） a sub-heading"),
        ("<li>1.各党支部组织党员集中学习党章", "1. a list item, its number kept"),
        ("<a href=\"http://www.gov.cn/\">中国政府网</a>", "a link, without Word's underline"),
        ("<td rowspan=\"2\">第一党支部</td>", "a cell merged down"),
        ("<td colspan=\"2\">三楼会议室</td>", "a cell merged across"),
        ("<strong>高度重视</strong>", "bold"),
        ("<p class=\"signature\">中共某某市财政局机关委员会</p>\n<p class=\"signature\">二〇二四年三月五日</p>", "the 落款 block"),
        ("<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup>", "a footnote reference"),
        ("<li id=\"fn-1\">\n<p>党的二十大于2022年10月16日至22日在北京召开。</p>", "the footnote"),
    ] {
        assert!(body.contains(want), "{what}: {want}\n{body}");
    }
    // The picture is written beside the page, a real PNG, with its alt text.
    let img = attr_values(body, "src").into_iter().find(|s| s.ends_with(".png")).expect("an image");
    assert!(body.contains("alt=\"党徽图案\""), "{body}");
    let name = img.rsplit('/').next().unwrap();
    let png = std::fs::read(s.public().join("notices/红头通知").join(name)).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "the image file is a PNG");
    // The original is not offered: it carries metadata and revision history.
    assert!(!files(&s.public()).keys().any(|k| k.ends_with(".docx")), "the .docx is not published");
    assert!(!html.contains("class=\"attachments\""), "no attachment list");
    // Listed in its section and searchable like any page.
    assert!(s.out("notices/index.html").contains("关于开展“学习二十大、奋进新征程”主题党日活动的通知"));
}

#[test]
fn numbering_conventions_without_styles_and_word_automatic_numbering() {
    let s = notice_site();
    s.bytes("content/notices/责任清单.docx", &fixture("责任清单-python.docx"));
    s.build_ok(&[]);
    assert!(!s.out_exists("notices/责任清单/index.html"), "named a 责任清单: a checklist, internal by default");
    s.build_ok(&["--audience", "internal"]);
    let html = s.out("notices/责任清单/index.html");
    assert!(html.contains("<span class=\"badge badge-kind\">责任清单</span>"), "{html}");
    let body = between(&html, "<div class=\"content\">", "</article>");
    assert!(
        html.contains("<h1 class=\"notice-title\">思想政治工作责任<span class=\"no-orphan\">清单</span></h1>"),
        "the first centred large paragraph is the title"
    );
    assert!(body.contains("<h2 id=\"一党建工作部署责任\">一、党建工作部署责任</h2>"), "{body}");
    assert!(body.contains("<li>10.严格党内组织生活"), "typed numbers are list items: {body}");
    // Word's automatic numbering: the label is computed, as Word shows it.
    assert!(body.contains("<li>1.每月召开一次支委会。</li>") && body.contains("<li>3.每年给支部党员至少上1次党课。</li>"), "{body}");
    assert!(body.contains("<ul>\n<li>学习强国</li>"), "bullets are a bulleted list: {body}");
}

#[test]
fn heading_styles_formatting_alt_text_and_the_date_property() {
    let s = notice_site();
    s.bytes("content/notices/情况报告.docx", &fixture("情况报告-python.docx"));
    // The seed report still holds last year's “x次”: errors located by paragraph.
    let (code, _, err) = s.run(&["build"]).tuple();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("content/notices/情况报告.docx 第4段") && err.contains("模板占位符“x次”"), "{err}");
    // As a checklist (a template's blanks may be meant there) it builds, with warnings.
    s.file("content/notices/情况报告.toml", "kind = \"checklist\"\nscope = \"public\"\n");
    s.build_ok(&[]);
    let html = s.out("notices/情况报告/index.html");
    let body = between(&html, "<div class=\"content\">", "</article>");
    assert!(html.contains("<h1 class=\"notice-title\">落实意识形态工作责任制情况<span class=\"no-orphan\">报告</span></h1>"), "the Title style");
    assert!(body.contains("<h2 id=\"一强化组织领导落实主体责任\">一、强化组织领导，落实主体责任</h2>"), "标题 1, without <strong>: {body}");
    assert!(body.contains("<h3 id=\"一把握导向严格舆情管控\">(一)把握导向，严格舆情管控。</h3>"), "标题 2: {body}");
    assert!(body.contains("<strong>乡党委高度重视意识形态工作，</strong>") && body.contains("<em>（图为专题学习会现场）</em>"), "{body}");
    assert!(body.contains("alt=\"专题学习会现场照片\""), "{body}");
    assert!(html.contains("<time datetime=\"2024-12-20\">"), "no date in the text or name: the creation date property");
    assert!(html.contains("<nav class=\"toc\""), "headings make the table of contents");
}

#[test]
fn a_sidecar_overrides_the_document_is_located_when_wrong_and_never_published() {
    let s = notice_site();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n");
    s.bytes("content/notices/通知.docx", &fixture("红头通知-libreoffice.docx"));
    s.file("content/notices/通知.toml", "title = \"改过的标题\"\ntags = [\"主题党日\"]\nexpire_date = 2099-12-31\n");
    s.build_ok(&[]);
    let html = s.out("notices/通知/index.html");
    assert!(
        html.contains("<h1 class=\"notice-title\">改过的<span class=\"no-orphan\">标题</span></h1>") && html.contains("财机党发〔2024〕3号"),
        "sidecar keys win, the rest stays"
    );
    assert!(s.out_exists("tags/主题党日/index.html"));
    s.build_ok(&["--audience", "internal"]);
    assert!(!files(&s.public()).keys().any(|k| k.ends_with(".toml")), "the sidecar is not an attachment, not even internally");
    // Mistakes in the sidecar are located in it, by line.
    s.file("content/notices/通知.toml", "title = \"改过的标题\"\ndate = \"昨天\"\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/通知.toml:2", "昨天"]);
    s.file("content/notices/通知.toml", "title = \"改过的标题\"\nkind = \"通告\"\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/通知.toml:2", "通告"]);
    // Every mistake of the sidecar at once, a misspelt key with the date.
    s.file("content/notices/通知.toml", "titel = \"改过的标题\"\ndate = \"昨天\"\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/通知.toml:1:1", "titel", "content/notices/通知.toml:2:8", "昨天"]);
    // Front matter copied from a Markdown page (with its +++ lines) works too.
    s.file("content/notices/通知.toml", "+++\ntitle = \"带分隔线的设置\"\n+++\n");
    s.build_ok(&[]);
    assert!(s.out("notices/通知/index.html").contains("带分隔线的设置"));
}

#[test]
fn word_files_in_page_bundles_or_linked_by_markdown_stay_attachments() {
    let s = notice_site();
    let doc = docx(&para("报名须知正文", ""), &[]);
    s.file("content/notices/peixun/index.md", "+++\ntitle = \"培训通知\"\n+++\n请下载[报名须知](报名须知.docx)。\n");
    s.bytes("content/notices/peixun/报名须知.docx", &doc);
    s.file("content/notices/a.md", "+++\ntitle = \"会议通知\"\n+++\n附件：[会议材料](会议材料.docx)\n");
    s.bytes("content/notices/会议材料.docx", &doc);
    s.file("content/notices/会议材料.toml", "title = \"x\"\n");
    s.bytes("content/notices/单独的通知.docx", &docx(&para("单独发布的正文", ""), &[]));
    let r = s.build_ok(&[]);
    r.stderr_has(&["content/notices/会议材料.toml", "同名的设置文件不起作用"]);
    assert!(s.out_exists("notices/peixun/报名须知.docx") && !s.out_exists("notices/peixun/报名须知/index.html"), "a bundle's Word file is its attachment");
    assert!(s.out_exists("notices/会议材料.docx") && !s.out_exists("notices/会议材料/index.html"), "a linked Word file stays a download");
    assert!(s.out("notices/a/index.html").contains("会议材料.docx"));
    assert!(s.out("notices/单独的通知/index.html").contains("单独发布的正文"), "an unlinked Word file is a page, titled by its file name");
    // `@/…docx` links the page.
    s.file("content/notices/b.md", "+++\ntitle = \"另见\"\n+++\n见[通知](@/notices/单独的通知.docx)。\n");
    s.build_ok(&[]);
    assert!(attr_values(&s.out("notices/b/index.html"), "href").iter().any(|h| h.ends_with("/notices/%E5%8D%95%E7%8B%AC%E7%9A%84%E9%80%9A%E7%9F%A5/")));
}

#[test]
fn a_folder_sets_the_kind_and_scope_of_its_word_pages() {
    let s = Site::new();
    s.file("content/dangwei/_index.md", "+++\ntitle = \"党委文件\"\npage_kind = \"通知\"\npage_scope = \"党内公开\"\n+++\n");
    s.bytes("content/dangwei/2024年3月1日党委会议纪要.docx", &docx(&para("研究了三项工作。", ""), &[]));
    s.build_ok(&[]);
    assert!(!s.out_exists("dangwei/2024年3月1日党委会议纪要/index.html"), "internal by the folder: not in the public build");
    s.build_ok(&["--audience", "internal"]);
    let html = s.out("dangwei/2024年3月1日党委会议纪要/index.html");
    assert!(html.contains("通知公告") && html.contains("党内公开"), "page_kind beats what the name suggests (a 纪要): {html}");
    assert!(html.contains("<time datetime=\"2024-03-01\">"), "the date from the file name");
    s.file("content/dangwei/_index.md", "+++\ntitle = \"党委文件\"\npage_kind = \"通报\"\n+++\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/dangwei/_index.md:3", "page_kind", "通报"]);
}

#[test]
fn problems_are_located_by_paragraph_and_a_broken_file_fails_alone() {
    let s = notice_site();
    let link_rels = rels(
        r#"<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="附件3.pdf" TargetMode="External"/>"#,
    );
    let body = format!(
        "{}{}<w:p><w:r><w:t>见</w:t></w:r><w:hyperlink r:id=\"rIdL\"><w:r><w:t>附件3</w:t></w:r></w:hyperlink></w:p><w:tbl><w:tr><w:tc><w:p><w:hyperlink r:id=\"rIdL\"><w:r><w:t>表里的链接</w:t></w:r></w:hyperlink></w:p></w:tc></w:tr></w:tbl>",
        para("第一段", ""),
        para("", "")
    );
    s.bytes("content/notices/坏链接.docx", &docx(&body, &[("word/_rels/document.xml.rels", &link_rels)]));
    s.bytes("content/notices/损坏.docx", b"PK\x03\x04 this is no zip at all");
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    s.bytes("content/notices/加密.docx", &encrypted);
    s.bytes("content/notices/好的.docx", &docx(&para("这一页没有问题", ""), &[]));
    s.unrelated_error();
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&[
        "content/notices/坏链接.docx 第3段",
        "附件不存在：附件3.pdf",
        "content/notices/坏链接.docx 表1第1行第1列",
        "content/notices/损坏.docx",
        "Word 文件已损坏",
        "content/notices/加密.docx",
        "设置了打开密码",
        Site::UNRELATED_AT,
    ]);
    assert!(r.stderr.contains("   | 见附件3"), "the paragraph is shown: {}", r.stderr);
    assert!(!r.stderr.contains("好的.docx"), "the good file has no problem");
}

#[test]
fn a_zip_bomb_or_a_deep_document_is_refused_for_that_file() {
    let s = notice_site();
    // 70 MB of paragraph text that compresses to almost nothing.
    let huge = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", "党".repeat(70 * 1024 * 1024 / 3));
    s.bytes("content/notices/炸弹.docx", &docx(&huge, &[]));
    let deep = format!("{}<w:p/>{}", "<w:sdt><w:sdtContent>".repeat(200), "</w:sdtContent></w:sdt>".repeat(200));
    s.bytes("content/notices/嵌套.docx", &docx(&deep, &[]));
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&["content/notices/炸弹.docx", "超出读取上限：正文解压后超过 64 MB", "content/notices/嵌套.docx", "内容嵌套超过 120 层"]);
}

#[test]
fn vector_images_are_left_out_with_a_warning_and_web_images_kept() {
    let s = notice_site();
    let mut emf = vec![1u8, 0, 0, 0];
    emf.resize(40, 0);
    emf.extend_from_slice(b" EMF");
    emf.resize(120, 0);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>".to_vec();
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let pic = |id: &str, descr: &str| {
        format!(
            r#"<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:docPr id="1" name="图片" descr="{descr}"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="pic"><a:blip r:embed="{id}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
        )
    };
    let body = format!("{}{}{}{}", para("图片如下", ""), pic("rIdE", "矢量图"), pic("rIdS", "脚本图"), pic("rIdG", "小图"));
    let r = rels(
        r#"<Relationship Id="rIdE" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.emf"/><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image2.png"/><Relationship Id="rIdG" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image3.png"/>"#,
    );
    s.bytes(
        "content/notices/图片.docx",
        &docx(
            &body,
            &[("word/_rels/document.xml.rels", &r), ("word/media/image1.emf", &emf), ("word/media/image2.png", &svg), ("word/media/image3.png", &gif)],
        ),
    );
    let out = s.build_ok(&[]);
    out.stderr_has(&["content/notices/图片.docx 第2段", "EMF 矢量图，网页无法显示，已省略", "content/notices/图片.docx 第3段", "SVG 矢量图"]);
    let html = s.out("notices/图片/index.html");
    assert!(!html.contains("矢量图\"") && !html.contains("脚本图") && !html.contains("alert"), "{html}");
    assert!(html.contains("alt=\"小图\"") && s.out_exists("notices/图片/image3.gif"), "a GIF named by its bytes, not its .png name");
    let all = files(&s.public());
    assert!(
        !all.keys().any(|k| k.ends_with(".emf") || k.ends_with(".svg")) && !all.values().any(|b| b.windows(6).any(|w| w == b"alert(")),
        "nothing of them is written"
    );
}

/// `compliance.json`'s cells of requirement `req` for unit `unit`: period → (status, count).
pub(crate) fn cells(site: &Site, unit: &str, req: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(&site.out("compliance.json")).unwrap();
    let u = v["units"].as_array().unwrap().iter().find(|u| u["id"] == unit).expect("unit");
    let line = u["requirements"].as_array().unwrap().iter().find(|l| l["id"] == req).expect("requirement");
    line["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["period"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string(), c["count"].as_u64().unwrap_or(0)))
        .collect()
}

fn branch_site() -> Site {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-12-31\nscope = \"public\"\n");
    s.file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n");
    s.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nmembers = 12\n+++\n");
    s
}

#[test]
fn a_word_meeting_record_counts_in_its_month_exactly_as_a_markdown_activity() {
    let s = branch_site();
    s.build_ok(&[]);
    let before = cells(&s, "diyi", "zhiweihui");
    assert!(before.iter().any(|c| c.0 == "2024-10" && c.1 == "missing"), "{before:?}");
    // Named by its file, dated by it: 支委会 is the preset's alias of zhiweihui.
    s.bytes(
        "content/units/diyi/2024年10月15日支委会会议记录.docx",
        &docx(&(para("第一党支部支委会会议记录", "<w:jc w:val=\"center\"/>") + &para("研究第四季度工作。", "")), &[]),
    );
    // Or by its first lines: a form table of 会议名称 / 会议时间.
    s.bytes("content/units/diyi/党员大会记录.docx", &fixture("党员大会记录-python.docx"));
    s.build_ok(&[]);
    let with_word = (cells(&s, "diyi", "zhiweihui"), cells(&s, "diyi", "dangyuandahui"));
    assert!(with_word.0.iter().any(|c| c.0 == "2024-10" && c.1 == "met" && c.2 == 1), "{with_word:?}");
    assert!(with_word.1.iter().any(|c| c.0 == "2024-Q3" && c.1 == "met" && c.2 == 1), "{with_word:?}");
    assert!(!s.out_exists("units/diyi/党员大会记录/index.html"), "a meeting record is internal by default");
    // The same facts written as Markdown activities give the same summary.
    let m = branch_site();
    m.file("content/units/diyi/a.md", "+++\ntitle = \"支委会\"\nkind = \"activity\"\ndate = 2024-10-15\ncounts_as = [\"zhiweihui\"]\n+++\n");
    m.file("content/units/diyi/b.md", "+++\ntitle = \"党员大会\"\nkind = \"activity\"\ndate = 2024-09-27\ncounts_as = [\"dangyuandahui\"]\n+++\n");
    m.build_ok(&[]);
    assert_eq!(with_word, (cells(&m, "diyi", "zhiweihui"), cells(&m, "diyi", "dangyuandahui")));
    // A meeting that names no requirement publishes, counts nothing, and says so.
    s.bytes("content/units/diyi/2024年11月2日读书分享会记录.docx", &docx(&para("分享读书体会。", ""), &[]));
    s.build_ok(&[]).stderr_has(&["读书分享会", "不对应本单位的任何要求"]);
}

/// The issue's "done when": the example site with Word files dropped into `notices/`
/// and a branch folder shows them as pages, and the meeting record moves its month.
#[test]
fn the_example_site_with_word_files_dropped_in() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Site::new();
    std::fs::copy(root.join("config.toml"), s.path().join("config.toml")).unwrap();
    crate::util::copy_dir(&root.join("content"), &s.path().join("content"));
    s.build_ok(&["--audience", "internal"]);
    assert!(cells(&s, "diyi", "zhiweihui").iter().any(|c| c.0 == "2024-11" && c.1 == "pending" && c.2 == 0));
    // The example's own Word pages.
    assert!(s.out("notices/关于认真学习贯彻《中国共产党纪律处分条例》的通知/index.html").contains("财机党发〔2024〕15号"));
    assert!(s.out("units/jiguan/dier/2024年11月15日支部党员大会会议记录/index.html").contains("会议名称：支部党员大会"));
    s.bytes("content/notices/红头通知.docx", &fixture("红头通知-libreoffice.docx"));
    s.bytes(
        "content/units/jiguan/diyi/2024年11月12日支委会会议记录.docx",
        &docx(&(para("第一党支部支委会会议记录", "<w:jc w:val=\"center\"/>") + &para("研究年终考核准备工作。", "")), &[]),
    );
    s.build_ok(&["--audience", "internal"]);
    let notice = s.out("notices/红头通知/index.html");
    assert!(notice.contains("财机党发〔2024〕3号") && notice.contains("<td rowspan=\"2\">第一党支部</td>") && notice.contains("<img "), "{notice}");
    assert!(s.out("notices/index.html").contains("主题党日活动的通知"), "listed in 通知公告");
    assert!(s.out("units/jiguan/diyi/index.html").contains("第一党支部支委会会议记录"), "listed on the branch page");
    assert!(cells(&s, "diyi", "zhiweihui").iter().any(|c| c.0 == "2024-11" && c.1 == "met" && c.2 == 1), "November's 支委会 now met");
}
