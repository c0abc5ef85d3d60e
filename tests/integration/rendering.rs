//! What the output contains: Markdown features adapted to Chinese, resolved links,
//! attachments, pagination, taxonomies, archive, feeds, and URL styles.

use crate::util::{attr_values, between, files, pct, tags, Site, BASE_URL};

#[test]
fn page_renders_markdown_for_chinese_text() {
    let s = Site::new();
    s.page(
        "notices/a.md",
        "关于开展主题党日活动的通知",
        "各党支部：\n现将有关事项通知如下。\n\n## 一、总体要求\n\n\
         | 序号 | 事项 |\n|---|---|\n| 1 | 集中学习 |\n\n\
         - [x] 学习党章\n- [ ] 志愿服务\n\n\
         ~~原定时间~~ 改为下午[^1]。\n\n[^1]: 具体时间另行通知。\n",
    );
    s.build_ok(&[]);
    let html = s.out("notices/a/index.html");
    assert!(html.contains("<title>关于开展主题党日活动的通知"), "{html}");
    assert!(
        html.contains(">关于开展主题党日活动的<span class=\"no-orphan\">通知</span></h1>"),
        "the title is the page heading, its last two characters kept together"
    );
    assert!(html.contains("<h2 id=\"一总体要求\">一、总体要求</h2>"), "{html}");
    assert!(html.contains("<th scope=\"col\">序号</th>") && html.contains("<th scope=\"col\">事项</th>"), "{html}");
    assert!(!html.contains("<th>"), "every header cell has a scope");
    assert!(html.contains("<ul class=\"contains-task-list\">"), "a task list is marked (the theme shows no bullet beside the box): {html}");
    assert!(html.contains("<input type=\"checkbox\" class=\"task-list-item-checkbox\" checked=\"\" disabled=\"\" aria-label=\"已完成\" /> 学习党章"), "{html}");
    assert!(html.contains("<input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled=\"\" aria-label=\"未完成\" /> 志愿服务"), "{html}");
    assert!(html.contains("<del>原定时间</del>"), "{html}");
    assert!(html.contains("footnote-ref") && html.contains("具体时间另行通知。"), "{html}");
    // A line break in Chinese text is kept, as typed (docs/content.md, 换行).
    assert!(html.contains("<p>各党支部：</p>\n<p>现将有关事项通知如下。</p>"), "{html}");
}

#[test]
fn internal_links_become_site_urls() {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/dw/\"\n")
        .page("notices/_index.md", "通知公告", "")
        .page("notices/b.md", "乙", "## 二、工作安排\n")
        .page("notices/a.md", "甲", "见[乙](@/notices/b.md)、[安排](@/notices/b.md#二工作安排)、[栏目](@/notices/_index.md)和[首页](@/_index.md)。\n")
        .page("_index.md", "首页", "");
    s.build_ok(&[]);
    let hrefs = attr_values(&s.out("notices/a/index.html"), "href");
    for want in ["/dw/notices/b/", &format!("/dw/notices/b/#{}", pct("二工作安排")), "/dw/notices/", "/dw/"] {
        assert!(hrefs.iter().any(|h| h == want), "missing href {want} in {hrefs:?}");
    }
    assert!(!hrefs.iter().any(|h| h.contains("@/") || h.contains("%01") || h.contains('\u{1}')), "unresolved link in {hrefs:?}");
}

#[test]
fn bundle_attachment_is_copied_and_linked() {
    let s = Site::new();
    s.page("notices/a/index.md", "党费收缴公示", "详见[收缴情况表](表.pdf)。\n").bytes("content/notices/a/表.pdf", b"%PDF-1.4 test");
    s.build_ok(&[]);
    assert_eq!(std::fs::read(s.public().join("notices/a/表.pdf")).unwrap(), b"%PDF-1.4 test");
    let hrefs = attr_values(&s.out("notices/a/index.html"), "href");
    let url = format!("/notices/a/{}", pct("表.pdf"));
    assert!(hrefs.iter().filter(|h| **h == url).count() >= 2, "body link and attachment list both point at {url}: {hrefs:?}");
}

#[test]
fn section_pagination() {
    let s = Site::new();
    s.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\npaginate_by = 2\n+++\n");
    for i in 1..=5 {
        s.file(&format!("content/notices/n{i}.md"), &format!("+++\ntitle = \"第{i}号通知\"\ndate = 2024-0{i}-01\n+++\n正文"));
    }
    s.build_ok(&[]);
    // Newest first: pager 1 = 5,4; pager 2 = 3,2; pager 3 = 1.
    let p1 = s.out("notices/index.html");
    assert!(p1.contains("第5号通知") && p1.contains("第4号通知") && !p1.contains("第3号通知"));
    let p3 = s.out("notices/page/3/index.html");
    assert!(p3.contains("第1号通知") && !p3.contains("第2号通知"), "{p3}");
    assert!(!s.out_exists("notices/page/4/index.html"));
    assert!(attr_values(&p1, "href").iter().any(|h| h == "/notices/page/2/"), "pager links");
}

#[test]
fn tag_pages_and_archive() {
    let s = Site::new();
    s.file("content/n/a.md", "+++\ntitle = \"甲通知\"\ndate = 2023-05-01\ntags = [\"党费\", \"主题党日\"]\n+++\n")
        .file("content/n/b.md", "+++\ntitle = \"乙通知\"\ndate = 2024-05-01\ntags = [\"党费\"]\n+++\n");
    s.build_ok(&[]);
    let term = s.out("tags/党费/index.html");
    assert!(term.contains("甲通知") && term.contains("乙通知"));
    let other = s.out("tags/主题党日/index.html");
    assert!(other.contains("甲通知") && !other.contains("乙通知"));
    let list = s.out("tags/index.html");
    assert!(attr_values(&list, "href").iter().any(|h| *h == format!("/tags/{}/", pct("党费"))), "{list}");
    let page = s.out("n/a/index.html");
    assert!(attr_values(&page, "href").iter().any(|h| *h == format!("/tags/{}/", pct("主题党日"))), "page links its tags");
    // The archive: an index of years (newest first), one page per year.
    let archive = s.out("archive/index.html");
    let years: Vec<String> = attr_values(&archive, "href").into_iter().filter(|h| h.starts_with("/archive/2")).collect();
    assert_eq!(years, ["/archive/2024/", "/archive/2023/"], "newest year first, each linked: {archive}");
    assert!(!archive.contains("甲通知") && !archive.contains("乙通知"), "the index lists years, not pages");
    let (y24, y23) = (s.out("archive/2024/index.html"), s.out("archive/2023/index.html"));
    assert!(y24.contains("乙通知") && !y24.contains("甲通知"), "{y24}");
    assert!(y23.contains("甲通知") && !y23.contains("乙通知"), "{y23}");
    assert!(attr_values(&y23, "href").iter().any(|h| h == "/archive/2024/"), "a year page links the other years");
}

#[test]
fn term_urls_and_url_globals() {
    // Two spellings of one term link the same term page; a term only an expired page
    // has (no term page) still gets its URL; the URL globals are what get_url gives.
    let s = Site::new();
    s.file("content/n/a.md", "+++\ntitle = \"甲通知\"\ndate = 2024-05-01\ntags = [\"党 建\", \"党  建\"]\n+++\n")
        .file("content/n/b.md", "+++\ntitle = \"乙通知\"\ndate = 2020-05-01\nexpire_date = 2020-06-01\ntags = [\"旧 标签\"]\n+++\n")
        .file(
            "templates/robots.txt",
            "{% for p in [\"atom.xml\", \"search/\", \"archive/\", \"tags/\", \"css/site.css\", \"favicon.ico\"] %}{{ get_url(path=p) }}\n{% endfor %}\
             {{ feed_url }}\n{{ search_url }}\n{{ archive_url }}\n{{ tags_url }}\n{{ stylesheet_url }}\n{{ favicon_url }}\n\
             {% if tags_url == get_url(path=\"tags/\") %}same{% else %}differ{% endif %}\n",
        )
        // An HTML template escapes: a variable compared with a function's escaped result.
        .file("templates/404.html", "{% if tags_url == get_url(path=\"tags/\") %}same{% else %}differ{% endif %}");
    s.build_ok(&[]);
    let a = s.out("n/a/index.html");
    let term = format!("/tags/{}/", pct("党-建"));
    assert_eq!(attr_values(&a, "href").iter().filter(|h| **h == term).count(), 2, "{a}");
    assert!(s.out_exists(&format!("tags/{}/index.html", "党-建")));
    let b = s.out("n/b/index.html");
    assert!(attr_values(&b, "href").iter().any(|h| *h == format!("/tags/{}/", pct("旧-标签"))), "{b}");
    assert!(a.contains(">标签</a>"), "the footer links the tag list");
    let robots = s.out("robots.txt");
    let lines: Vec<&str> = robots.lines().collect();
    assert_eq!(lines.len(), 13, "{robots}");
    assert_eq!(lines[..6], lines[6..12], "{robots}");
    // A variable compared with a function's (escaped) result: both sides escaped alike.
    assert_eq!(lines[12], "same", "{robots}");
    assert_eq!(s.out("404.html").trim(), "same");
}

#[test]
fn feeds_sitemap_robots_and_404() {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"https://dwgk.example.internal/gk\"\n")
        .file("content/notices/a.md", "+++\ntitle = \"甲通知\"\ndate = 2024-03-15\n+++\n见[乙](@/notices/b.md)。\n")
        .file("content/notices/b.md", "+++\ntitle = \"乙通知\"\ndate = 2024-03-16\n+++\n");
    s.build_ok(&[]);
    let base = "https://dwgk.example.internal/gk/";
    let sitemap = s.out("sitemap.xml");
    for loc in ["", "notices/", "notices/a/", "notices/b/"] {
        assert!(sitemap.contains(&format!("<loc>{base}{loc}</loc>")), "sitemap lacks {loc}:\n{sitemap}");
    }
    assert!(!sitemap.contains("<loc>/"), "relative loc in sitemap");
    let atom = s.out("atom.xml");
    assert!(atom.contains(&format!("href=\"{base}notices/a/\"")), "{atom}");
    assert!(atom.contains(&format!("<id>{base}notices/b/</id>")), "{atom}");
    assert!(atom.contains(&format!("{base}notices/b/")), "links inside feed content are absolute");
    assert!(!atom.contains("href=\"/gk/"), "root-relative URL in feed:\n{atom}");
    let robots = s.out("robots.txt");
    assert!(robots.contains("User-agent: *") && robots.contains(&format!("Sitemap: {base}sitemap.xml")), "{robots}");
    let notfound = s.out("404.html");
    assert!(notfound.contains("<html") && notfound.contains("测试"));
    // Pages themselves use root-relative URLs under base_url's path.
    assert!(attr_values(&s.out("notices/a/index.html"), "href").iter().any(|h| h == "/gk/notices/b/"));
}

#[test]
fn relative_urls_work_from_a_folder() {
    let s = Site::new();
    s.file("config.toml", &format!("title = \"测试\"\nbase_url = \"{BASE_URL}\"\nrelative_urls = true\n"))
        .page("notices/b.md", "乙", "")
        .page("notices/a/index.md", "甲", "见[乙](@/notices/b.md)、[表](表.pdf)、[外部](https://www.12371.cn/)和[首页](@/_index.md)。\n")
        .bytes("content/notices/a/表.pdf", b"pdf");
    s.build_ok(&[]);
    let html = s.out("notices/a/index.html");
    let urls: Vec<String> = attr_values(&html, "href").into_iter().chain(attr_values(&html, "src")).collect();
    assert!(urls.iter().any(|u| u == "../b/index.html" || u == "../../notices/b/index.html"), "{urls:?}");
    assert!(urls.iter().any(|u| u == "../../index.html"), "{urls:?}");
    for u in &urls {
        if u.starts_with("https://") || u.starts_with('#') {
            continue;
        }
        assert!(!u.starts_with('/'), "root-relative URL {u} breaks file:// browsing");
        let path = u.split('#').next().unwrap();
        assert!(!path.ends_with('/'), "directory URL {u} must end in index.html for file://");
        assert!(path.ends_with(".html") || path.rsplit('/').next().unwrap().contains('.'), "{u}");
    }
    // Every relative link resolves to a file of the output.
    let out = files(&s.public());
    for u in urls.iter().filter(|u| u.starts_with("../")) {
        let target = u.split('#').next().unwrap().trim_start_matches("../../");
        let decoded = percent_decode(target);
        assert!(out.contains_key(&decoded), "{u} → {decoded} is not in the output");
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// No output file makes the browser fetch anything from another host: portals run on
/// intranets and must work without the Internet (and must not leak visits).
#[test]
fn no_external_requests_in_any_page() {
    let s = Site::new();
    s.page("_index.md", "首页", "欢迎。")
        .file("content/n/a.md", "+++\ntitle = \"甲\"\ndate = 2024-01-01\ntags = [\"党费\"]\n+++\n![图](图.png)\n\n见[外部网站](https://www.12371.cn/)。\n")
        .bytes("content/n/图.png", b"\x89PNG\r\n\x1a\n");
    s.build_ok(&[]);
    let out = files(&s.public());
    let mut checked = 0;
    for (name, bytes) in out.iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for tag in ["link", "script", "img", "iframe", "source", "video", "audio", "embed", "object"].iter().flat_map(|t| tags(&html, t)) {
            for attr in ["href", "src", "srcset", "data"] {
                for v in attr_values(tag, attr) {
                    checked += 1;
                    let external = (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//")) && !v.starts_with(BASE_URL);
                    assert!(!external, "{name}: {tag} loads {v} from another host");
                }
            }
        }
        // CSS url(...) and @import in inline styles.
        assert!(!html.contains("@import url(http") && !html.contains("url(\"http") && !html.contains("url(http"), "{name}");
    }
    assert!(checked > 0, "the check saw no <link>/<script>/<img> at all");
    for (name, bytes) in out.iter().filter(|(n, _)| n.ends_with(".css")) {
        let css = String::from_utf8_lossy(bytes);
        assert!(
            !css.contains("url(http") && !css.contains("url(\"http") && !css.contains("url('http") && !css.contains("url(//"),
            "{name} loads from another host"
        );
    }
    // The image in the page is local.
    let page = s.out("n/a/index.html");
    assert!(between(&page, "<img", ">").contains(&format!("src=\"/n/{}\"", pct("图.png"))), "{page}");
}

/// `recent_pages` is copied only into templates that can read it; a theme that reads
/// it on every page (here through an included partial) still gets it everywhere.
#[test]
fn recent_pages_reach_every_template_that_reads_them() {
    let s = Site::new();
    s.file("content/notices/a.md", "+++\ntitle = \"甲通知\"\ndate = 2024-03-01\n+++\n正文。\n")
        .file("templates/recent.html", "<ul class=\"recent\">{% for p in recent_pages %}<li>{{ p.title }}</li>{% endfor %}</ul>")
        .file("templates/page.html", "<!DOCTYPE html><html lang=\"zh-CN\"><body>{{ page.content | safe }}{% include \"recent.html\" %}</body></html>");
    s.build_ok(&[]);
    let page = s.out("notices/a/index.html");
    assert!(page.contains("<ul class=\"recent\"><li>甲通知</li></ul>"), "{page}");
    assert!(s.out("index.html").contains("甲通知"), "the default home lists them too");
}

/// The main menu (`nav_items`): every top-level unit, the current one marked
/// `aria-current="page"`, the one a page is under `is-active`, titles escaped,
/// the same links with relative URLs.
#[test]
fn the_main_menu_marks_where_the_reader_is() {
    let s = Site::new();
    s.page("a/_index.md", "第一党支部", "").page("a/p.md", "通知", "正文").page("b/_index.md", "第二<党支部>", "").page("b/q.md", "通知", "正文");
    s.build_ok(&[]);
    let menu = |rel: &str| between(&s.out(rel), "<nav class=\"site-nav\"", "</nav>").to_string();
    let section = menu("a/index.html");
    assert!(section.contains("<li><a href=\"/a/\" aria-current=\"page\">第一党支部</a></li>"), "{section}");
    assert!(section.contains("<li><a href=\"/b/\">第二&lt;党支部&gt;</a></li>"), "{section}");
    let page = menu("a/p/index.html");
    assert!(page.contains("<li><a href=\"/a/\" class=\"is-active\" aria-current=\"true\">第一党支部</a></li>"), "{page}");
    assert!(page.contains("<li><a href=\"/b/\">第二"), "{page}");
    let home = menu("index.html");
    assert!(!home.contains("is-active") && home.matches("aria-current").count() == 1, "only 首页 is current on the home page: {home}");
    assert_eq!(home.matches("<li>").count(), 3, "首页 and the two units: {home}");
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\nrelative_urls = true\n");
    s.build_ok(&[]);
    let relative = menu("a/p/index.html");
    assert!(relative.contains("<li><a href=\"../../b/index.html\">第二"), "{relative}");
}

/// `page.official` (a 公文): a notice, or a page with a 发文字号 or 发文机关; the default
/// theme marks such a page `doc-official` (printed as GB/T 9704 has it), no other page.
#[test]
fn official_pages_are_known_to_templates() {
    let s = Site::new();
    s.file("content/a/notice.md", "+++\ntitle = \"通知\"\nkind = \"notice\"\n+++\n正文。\n")
        .file("content/a/numbered.md", "+++\ntitle = \"文件\"\ndoc_number = \"某党发〔2024〕1号\"\n+++\n正文。\n")
        .file("content/a/issued.md", "+++\ntitle = \"公告\"\nissuer = \"中共某某委员会\"\n+++\n正文。\n")
        .file("content/a/empty.md", "+++\ntitle = \"记录\"\nissuer = \"\"\n+++\n正文。\n")
        .file("content/a/plain.md", "+++\ntitle = \"工作记录\"\n+++\n正文。\n");
    s.build_ok(&[]);
    let official = |rel: &str| s.out(rel).contains(" doc-official\"");
    assert!(official("a/notice/index.html") && official("a/numbered/index.html") && official("a/issued/index.html"));
    assert!(!official("a/plain/index.html") && !official("a/empty/index.html"), "an empty 发文机关 is none");
    s.file("templates/page.html", "<!DOCTYPE html><html lang=\"zh-CN\"><body>{{ page.official }}</body></html>");
    s.build_ok(&[]);
    assert!(s.out("a/issued/index.html").contains("<body>true</body>") && s.out("a/plain/index.html").contains("<body>false</body>"));
}
