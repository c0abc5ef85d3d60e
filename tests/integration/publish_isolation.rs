//! Page-level fault isolation in `dwgk publish`: a page with errors holds back
//! only itself. Under real nginx, 99 of 100 changed pages go out while the broken
//! one keeps serving its previous bytes; the status page, journal and `dwgk
//! releases` name it; the fixed save publishes it. A new broken page is absent
//! and links to it become text; a held `_index.md`, a withdrawn page, a held
//! record in the compliance outputs, the share's `_发布问题.txt`; site-wide
//! errors (config.toml, templates) and `--strict` still refuse the release.

use crate::publish::{assert_complete, current, dwgk, journal, nginx, notice, publish_once, published, release_of, status, Client, Nginx};
use crate::util::Site;
use serde_json::Value;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Four units of 25 notices each: `content/units/u<k>/n<i>.md`.
fn hundred_pages(version: &str) -> Site {
    let site = Site::new();
    for k in 0..4 {
        site.file(&format!("content/units/u{k}/_index.md"), &format!("+++\ntitle = \"第{k}党支部\"\n[unit]\nkind = \"党支部\"\n+++\n"));
    }
    write_hundred(&site, version);
    site
}

fn write_hundred(site: &Site, version: &str) {
    for i in 0..100 {
        site.file(&format!("content/units/u{}/n{i}.md", i % 4), &notice(i, "", &format!("正文 BODY-{version}-{i}-END。")));
    }
}

fn page_path(i: usize) -> String {
    format!("/units/u{}/n{i}/", i % 4)
}

#[test]
fn publish_one_broken_page_of_100_changed_holds_back_only_itself() {
    let _heavy = crate::util::heavy();
    let Some(exe) = nginx() else { return };
    let site = hundred_pages("V1");
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let d = dest.to_string_lossy().into_owned();
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let first = current(&dest).unwrap();
    let server = Nginx::start(exe, &dest);
    let mut client = Client { port: server.port, conn: None };
    let before = client.get(&page_path(37)).1;

    // Every page changes; n37 gets a date nobody can read.
    write_hundred(&site, "V2");
    site.file("content/units/u1/n37.md", "+++\ntitle = \"通知37\"\ndate = \"上周五\"\n+++\n\n正文 BODY-V2-37-END。\n");
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 1, "a held-back page is a content error:\n{out}\n{err}");
    assert!(err.contains("已发布版本") && err.contains("1 个文件有错误，暂缓发布") && err.contains("content/units/u1/n37.md:3:8"), "{err}");
    let second = current(&dest).unwrap();
    assert_ne!(second, first, "the 99 good pages are published");
    assert_complete(&dest);
    for i in (0..100).filter(|&i| i != 37) {
        let (code, body) = client.get(&page_path(i));
        let body = String::from_utf8_lossy(&body);
        assert!(code == 200 && body.contains(&format!("BODY-V2-{i}-END")), "page {i} is not its new version: HTTP {code}");
    }
    let (code, now) = client.get(&page_path(37));
    assert_eq!(code, 200);
    assert_eq!(now, before, "the broken page serves its previous bytes, byte for byte");
    assert_eq!(release_of(&String::from_utf8_lossy(&now)), Some(first.as_str()), "stamped with the release it last changed in");
    let list = String::from_utf8_lossy(&client.get("/units/u1/").1).into_owned();
    assert!(list.contains("通知37"), "lists keep the held-back page (its last version)");

    // Status (local time, grouped by unit), journal, releases.
    let st = status(&dest);
    assert_eq!(st["state"], "partial");
    let p = &st["problems"][0];
    assert_eq!((p["file"].as_str(), p["unit"].as_str(), p["unit_title"].as_str()), (Some("content/units/u1/n37.md"), Some("u1"), Some("第1党支部")));
    assert_eq!((p["shows"].as_str(), p["shown_release"].as_str()), (Some("previous"), Some(first.as_str())));
    assert_eq!((p["errors"][0]["line"].as_u64(), p["errors"][0]["column"].as_u64()), (Some(3), Some(8)));
    assert_eq!(st["problems"].as_array().unwrap().len(), 1);
    let page = String::from_utf8_lossy(&client.get("/_status/").1).into_owned();
    assert!(page.contains("第1党支部（1 个文件") && page.contains("content/units/u1/n37.md") && page.contains("第 3 行第 8 列"), "{page}");
    assert!(page.contains("读者现在看到：上一次发布的版本") && page.contains("北京时间，UTC+08:00") && page.contains("怎么改："), "{page}");
    let last = published(&dest).pop().unwrap();
    assert_eq!(last["problems"][0]["file"], "content/units/u1/n37.md");
    assert_eq!(last["changed"].as_array().unwrap().len(), 99, "the held-back page is not listed as changed");
    let (code, out, _) = dwgk(&["releases", "--dest", &d]);
    assert_eq!(code, 0);
    assert!(out.contains("暂缓：content/units/u1/n37.md"), "{out}");
    let (_, out, _) = dwgk(&["releases", "--dest", &d, "--format", "json"]);
    let rows: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows[1]["problems"][0]["file"], "content/units/u1/n37.md");
    // The release's source is kept beside the DEST, not in it (never served).
    assert!(tmp.path().join("dest.sources").join(&second).join("units/u1/n37.md").is_file());
    assert!(!dest.join("current/units/u1/n37.md").exists());

    // The fixed save publishes it; the problem is gone everywhere.
    site.file("content/units/u1/n37.md", &notice(37, "", "正文 BODY-V3-37-END。"));
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(String::from_utf8_lossy(&client.get(&page_path(37)).1).contains("BODY-V3-37-END"));
    assert_eq!(status(&dest)["state"], "ok");
    assert!(status(&dest)["problems"].as_array().unwrap().is_empty());
    assert!(!String::from_utf8_lossy(&client.get("/_status/").1).contains("需要改正的文件"));
}

#[test]
fn publish_a_new_broken_page_is_absent_and_links_to_it_become_text() {
    let site = Site::new();
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    for n in 10..16 {
        site.file(&format!("content/units/diyi/old{n}.md"), &notice(n, "", "旧页面。"));
    }
    site.file("content/units/diyi/moving.md", &notice(5, "", "将被移动的页面。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal"]).0, 0);
    let live = current(&dest).unwrap();

    site.file("content/units/diyi/new.md", "+++\ntitle = \"新通知\"\nkind = \"notise\"\n+++\n新页面。\n");
    site.file("content/units/diyi/link.md", &notice(2, "", "请看[新通知](@/units/diyi/new.md)。"));
    // A page moved to another folder with an error on the way: a new file there.
    site.remove("content/units/diyi/moving.md");
    site.file("content/units/dier/moving.md", "+++\ntitle = \"通知5\"\ndate = \"某日\"\n+++\n将被移动的页面。\n");
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_ne!(current(&dest).unwrap(), live);
    assert!(!dest.join("current/units/diyi/new").exists(), "a new broken page is not published");
    let link = read(&dest.join("current/units/diyi/link/index.html"));
    assert!(link.contains("请看新通知。") && !link.contains("href=\"/units/diyi/new/\""), "the link is text meanwhile: {link}");
    assert!(!dest.join("current/units/diyi/moving").exists() && !dest.join("current/units/dier/moving").exists(), "a moved broken page is a new one");
    let st = status(&dest);
    let files: Vec<&str> = st["problems"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["content/units/dier/moving.md", "content/units/diyi/new.md"]);
    assert!(st["problems"].as_array().unwrap().iter().all(|p| p["shows"] == "nothing"));
    assert_eq!(st["notes"][0]["file"], "content/units/diyi/link.md", "the linking page's officer is told");
    let page = read(&dest.join("current/_status/index.html"));
    assert!(page.contains("读者现在看到：无（尚未发布过") && page.contains("链接暂时显示为文字（1 处）") && page.contains("不认识的类型"), "{page}");
    assert!(page.contains("未归属任何单位的文件"), "a file outside every unit folder has its own group: {page}");
    assert_eq!(published(&dest).last().unwrap()["removed"][0]["path"], "/units/diyi/moving/");
}

#[test]
fn publish_site_wide_errors_still_refuse_the_release() {
    let good = || {
        let site = Site::new();
        site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
        site.file("content/units/diyi/a.md", &notice(1, "", "正文。"));
        site
    };
    let config = format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n", crate::util::BASE_URL);
    // (what breaks, the file written, its text, the file the error names)
    let kinds = [
        ("config.toml syntax", "config.toml", "title = \"测试\n".to_string(), "config.toml"),
        ("config.toml unknown key", "config.toml", format!("{config}paginate_bye = 3\n"), "config.toml"),
        ("template syntax", "templates/page.html", "{% if %}".to_string(), "templates/page.html"),
        ("template variable", "templates/page.html", "<html><head></head><body>{{ page.nonexistent.deeper }}</body></html>".to_string(), "templates/page.html"),
        ("missing theme", "config.toml", format!("{config}theme = \"nosuch\"\n"), "config.toml"),
    ];
    for (kind, broken, text, file) in kinds {
        let site = good();
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("dest");
        assert_eq!(publish_once(&site, &dest, &["--code", &site.path().to_string_lossy()]).0, 0, "{kind}");
        let live = current(&dest).unwrap();
        site.file(broken, &text);
        site.file("content/units/diyi/a.md", &notice(1, "", "正文改了。"));
        // A page-level error too: everything is reported at once.
        site.file("content/units/diyi/b.md", "+++\ntitle = \"坏\"\ndate = \"昨天\"\n+++\n");
        // The templates are the admin's code (`--code`): the share's are never used.
        let code_dir = site.path().to_string_lossy().into_owned();
        let (code, out, err) = publish_once(&site, &dest, &["--code", &code_dir]);
        assert!(code >= 1, "{kind}: {out}\n{err}");
        assert!(err.contains("线上网站保持不变") && err.contains(file), "{kind}: {err}");
        assert_eq!(current(&dest).unwrap(), live, "{kind}: a site-wide error published a release");
        assert_eq!(status(&dest)["state"], "error", "{kind}");
        let last = journal(&dest).pop().unwrap();
        assert_eq!(last["outcome"], "failed", "{kind}");
        if kind != "config.toml syntax" && kind != "missing theme" {
            assert!(
                last["errors"].as_array().unwrap().iter().any(|e| e["file"] == "content/units/diyi/b.md"),
                "{kind}: the page's error is reported too: {last}"
            );
        }
    }

    // `[publish] strict = true` is all or nothing, like --strict.
    let site = good();
    site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n[publish]\nstrict = true\n", crate::util::BASE_URL));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &[]).0, 0);
    let live = current(&dest).unwrap();
    site.file("content/units/diyi/a.md", &notice(1, "", "正文改了。"));
    site.file("content/units/diyi/b.md", "+++\ntitle = \"坏\"\ndate = \"昨天\"\n+++\n");
    let (code, _, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("生成失败：线上网站保持不变"), "{err}");
    assert_eq!(current(&dest).unwrap(), live);
}

#[test]
fn publish_held_index_files_units_and_withdrawn_pages() {
    let site = Site::new();
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nmembers = 12\n+++\n");
    site.file("content/units/diyi/a.md", &notice(1, "", "正文一。"));
    site.file("content/units/diyi/w.md", &notice(2, "", "将撤下的页面。"));
    site.file("content/units/dier/_index.md", "+++\ntitle = \"第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    site.file("content/units/dier/b.md", &notice(3, "", "正文二。"));
    for n in 10..16 {
        site.file(&format!("content/units/dier/p{n}.md"), &notice(n, "", "正文。"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal"]).0, 0);

    // diyi's _index.md breaks: its last version stays, its pages' changes go out.
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部（改名）\"\n[unit]\nkind = \"党支部\"\nmembers = \"十二\"\n+++\n");
    site.file("content/units/diyi/a.md", &notice(1, "", "正文一改了。"));
    // A page made a draft, with an error too: withdrawn, never its old version.
    site.file("content/units/diyi/w.md", "+++\ntitle = \"通知2\"\ndraft = true\nkind = \"notise\"\n+++\n撤下。\n");
    // A new unit whose id is taken (and its page): the new folder waits, dier stays.
    site.file("content/units/sanzhi/_index.md", "+++\ntitle = \"第三党支部\"\n[unit]\nid = \"dier\"\nkind = \"党支部\"\n+++\n");
    site.file("content/units/sanzhi/c.md", &notice(4, "", "新单位的页面。"));
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 1, "{out}\n{err}");
    let units = read(&dest.join("current/units/index.html"));
    assert!(units.contains("第一党支部") && !units.contains("改名"), "the held _index.md keeps its last version");
    assert!(read(&dest.join("current/units/diyi/a/index.html")).contains("正文一改了"), "pages of a unit with a held _index.md go out");
    assert!(!dest.join("current/units/diyi/w").exists(), "a withdrawn page is not shown in its old version");
    assert!(!dest.join("current/units/sanzhi").exists(), "a new unit folder with a duplicate id waits, whole");
    assert!(read(&dest.join("current/units/dier/b/index.html")).contains("正文二"));
    let st = status(&dest);
    let by_file = |f: &str| st["problems"].as_array().unwrap().iter().find(|p| p["file"] == f).cloned().unwrap_or_else(|| panic!("{f} not listed: {st}"));
    assert_eq!(by_file("content/units/diyi/_index.md")["shows"], "previous");
    assert_eq!(by_file("content/units/diyi/w.md")["withdrawn"], true);
    assert_eq!(by_file("content/units/sanzhi/_index.md")["shows"], "nothing");
    assert_eq!(by_file("content/units/dier/_index.md")["shows"], "previous", "both files of a duplicate id are named");
    assert!(read(&dest.join("current/_status/index.html")).contains("已撤下"));
}

#[test]
fn publish_a_held_record_keeps_its_last_counts_and_the_compliance_outputs_say_so() {
    let site = Site::new();
    site.file(
        "config.toml",
        &format!(
            "title = \"测试党务公开\"\nbase_url = \"{}\"\n[compliance]\nyear = 2024\nas_of = 2024-12-31\n[[requirements]]\nid = \"zhiweihui\"\nname = \"支委会\"\nper = \"month\"\nmin = 1\n",
            crate::util::BASE_URL
        ),
    );
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    let record = |counts: &str, extra: &str| {
        format!("+++\ntitle = \"一月工作记录\"\nkind = \"record\"\nscope = \"public\"\ndate = 2024-02-01\nperiod = \"2024-01\"\n{extra}[counts]\n{counts}\n+++\n记录。\n")
    };
    site.file("content/units/diyi/r1.md", &record("zhiweihui = 1", ""));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let counted = |dest: &Path| -> Value { serde_json::from_str(&read(&dest.join("current/compliance.json"))).unwrap() };
    let met = |v: &Value| v["units"][0]["requirements"][0]["cells"][0]["count"].clone();
    assert_eq!(met(&counted(&dest)), 1);
    assert!(counted(&dest).get("held_back").is_none(), "nothing held: no field");

    // The new version counts a requirement that does not exist: held back.
    site.file("content/units/diyi/r1.md", &record("zhiweihui = 0\nzhiweihiu = 2", ""));
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal", "--force"]);
    assert_eq!(code, 1, "{out}\n{err}");
    let json = counted(&dest);
    assert_eq!(met(&json), 1, "the last published count stands");
    assert_eq!(json["held_back"][0]["path"], "/units/diyi/r1/");
    assert!(json["held_back"][0]["note"].as_str().unwrap().contains("上一次发布的版本"));
    let summary = read(&dest.join("current/compliance/index.html"));
    assert!(summary.contains("有 1 个页面暂缓更新") && summary.contains("一月工作记录"), "{summary}");
    let csv = read(&dest.join("current/compliance.csv"));
    assert!(csv.contains("_held_back") && csv.contains("暂缓更新"), "{csv}");
    use calamine::Reader;
    let xlsx = std::fs::read(dest.join("current/compliance.xlsx")).unwrap();
    let wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("an xlsx");
    assert!(wb.sheet_names().iter().any(|n| n == "暂缓更新"), "{:?}", wb.sheet_names());
}

#[test]
fn publish_writes_the_unit_folders_report_into_the_share_and_removes_it_when_fixed() {
    let site = Site::new();
    site.file(
        "config.toml",
        &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n[publish]\nshare_report = true\ntimezone = \"UTC+5\"\n", crate::util::BASE_URL),
    );
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    site.file("content/units/diyi/notices/a.md", &notice(1, "", "正文。"));
    site.file("content/units/dier/_index.md", "+++\ntitle = \"第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    site.file("content/units/dier/b.md", &notice(2, "", "正文。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal"]).0, 0);
    let report = site.path().join("content/units/diyi/_发布问题.txt");
    assert!(!report.exists());

    site.file("content/units/diyi/notices/a.md", "+++\ntitle = \"通知1\"\ndate = 2024-13-01\n+++\n正文。\n");
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal"]).0, 1);
    let bytes = std::fs::read(&report).expect("the unit folder's report");
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"), "Notepad-friendly");
    assert!(text.contains("单位：第一党支部") && text.contains("1. notices/a.md（通知1）") && text.contains("第 3 行"), "{text}");
    assert!(text.contains("怎么改：") && text.contains("读者现在看到：上一次发布的版本"), "{text}");
    assert!(text.contains("UTC+05:00"), "times in [publish] timezone: {text}");
    assert!(!site.path().join("content/units/dier/_发布问题.txt").exists(), "only the affected unit");
    assert!(read(&dest.join("current/_status/index.html")).contains("UTC+05:00"));
    // Never read back as content, never published; an unchanged share stays unchanged.
    assert!(!dest.join("current/units/diyi/_发布问题.txt").exists());
    let releases = published(&dest).len();
    let (code, _, err) = publish_once(&site, &dest, &["--audience", "internal"]);
    assert!(code == 1 && err.contains("内容没有变化"), "{err}");
    assert_eq!(published(&dest).len(), releases);
    assert_eq!(std::fs::read(&report).unwrap(), bytes, "the same problems, the same report");

    site.file("content/units/diyi/notices/a.md", &notice(1, "", "改好了。"));
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal"]).0, 0);
    assert!(!report.exists(), "removed once fixed");
}

#[test]
fn build_keep_going_leaves_out_pages_with_errors_and_build_and_check_stay_strict() {
    let site = Site::new();
    site.file("content/notices/good.md", &notice(1, "", "好页面。见[坏页面](@/notices/bad.md)。"));
    site.file("content/notices/bad.md", "+++\ntitle = \"坏页面\"\ndate = \"前天\"\n+++\n");
    let r = site.run(&["check"]);
    r.expect(1);
    assert!(r.stderr.contains("content/notices/bad.md:3:8"), "{}", r.stderr);
    let r = site.run(&["build"]);
    r.expect(1);
    assert!(!site.out_exists("index.html"), "a strict build writes nothing");
    let r = site.run(&["build", "--keep-going"]);
    r.expect(1);
    assert!(r.stderr.contains("content/notices/bad.md:3:8") && r.stderr.contains("有错误、未生成的文件（1 个"), "{}", r.stderr);
    assert!(site.out("notices/good/index.html").contains("见坏页面。"), "the good page, its link as text");
    assert!(!site.out_exists("notices/bad/index.html"));
    // A site-wide error: nothing, even with --keep-going.
    site.file("templates/page.html", "{% if %}");
    let before = crate::util::files(&site.public());
    site.run(&["build", "--keep-going"]).expect(1);
    assert_eq!(crate::util::files(&site.public()), before, "the last output is untouched");
}

/// The "done when": on a copy of the example site, one branch's broken page
/// keeps its last version in both portals while the other branches' changes go out.
#[test]
fn publish_on_a_copy_of_the_example_site_one_branchs_mistake_stops_no_one_else() {
    let site = Site::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("config.toml"), site.path().join("config.toml")).unwrap();
    crate::util::copy_dir(&root.join("content"), &site.path().join("content"));
    let tmp = tempfile::tempdir().unwrap();
    let (public, internal) = (tmp.path().join("public"), tmp.path().join("internal"));
    let int = internal.to_string_lossy().into_owned();
    let (code, out, err) = publish_once(&site, &public, &["--internal-dest", &int]);
    assert_eq!(code, 0, "{out}\n{err}");
    let broken = "content/units/jiguan/dier/2024-03-15-zhutidangri.md";
    let page = "units/jiguan/dier/2024-03-15-zhutidangri/index.html";
    let before = std::fs::read(internal.join("current").join(page)).unwrap();
    assert!(!public.join("current").join(page).exists(), "an activity is 党内公开");
    let text = read(&site.path().join(broken));
    site.file(broken, &text.replace("date = 2024-03-15", "date = \"3月15号下午\"").replace("3月15日下午", "3月15日下午（修改中）"));
    // Another branch's activity and a public notice change.
    let other = "content/units/jiguan/diyi/2024-06-28-dangke.md";
    site.file(other, &format!("{}\nEXAMPLE-OTHER-BRANCH-CHANGE\n", read(&site.path().join(other))));
    let notice_file = "content/notices/关于开展主题党日活动的通知.md";
    site.file(notice_file, &format!("{}\nEXAMPLE-PUBLIC-CHANGE\n", read(&site.path().join(notice_file))));
    let (code, out, err) = publish_once(&site, &public, &["--internal-dest", &int]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("公开版：已发布版本") && err.contains("党内版：已发布版本"), "{err}");
    assert_eq!(std::fs::read(internal.join("current").join(page)).unwrap(), before, "the broken page keeps its last version");
    assert!(!public.join("current").join(page).exists(), "and never reaches the public portal");
    assert!(read(&internal.join("current/units/jiguan/diyi/2024-06-28-dangke/index.html")).contains("EXAMPLE-OTHER-BRANCH-CHANGE"));
    for dest in [&public, &internal] {
        let notice = crate::util::names_in(&dest.join("current/notices")).into_iter().find(|n| n.contains("主题党日")).expect("the notice's folder");
        assert!(read(&dest.join("current/notices").join(notice).join("index.html")).contains("EXAMPLE-PUBLIC-CHANGE"), "{}", dest.display());
    }
    let st = status(&internal);
    assert_eq!(st["problems"][0]["file"], broken);
    assert_eq!(st["problems"][0]["unit_title"], "第二党支部");
    let status_page = read(&internal.join("current/_status/index.html"));
    assert!(
        status_page.contains("第二党支部（1 个文件") && status_page.contains("第 3 行") && status_page.contains("（北京时间，UTC+08:00）"),
        "{status_page}"
    );
    // The activity still counts as published: the internal compliance summary says so.
    assert!(read(&internal.join("current/compliance/index.html")).contains("有 1 个页面暂缓更新"));
}

/// Six plain notices in `dir` beside the page a test breaks, published once.
fn publish_beside_six_notices(site: &Site, dest: &Path, dir: &str) {
    for n in 0..6 {
        site.file(&format!("content/{dir}/n{n}.md"), &notice(n, "", "正文。"));
    }
    let (code, out, err) = publish_once(site, dest, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
}

/// Another page of `dir` changes while the page under test is broken: that one
/// holds back (exit 1), the changed one goes out.
fn republish_with_another_page_changed(site: &Site, dest: &Path, dir: &str) {
    site.file(&format!("content/{dir}/n0.md"), &notice(0, "", "正文改了。"));
    let (code, out, err) = publish_once(site, dest, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(read(&dest.join(format!("current/{dir}/n0/index.html"))).contains("正文改了"));
}

#[test]
fn publish_a_broken_ledger_holds_back_its_dues_page_with_the_last_published_ledger() {
    let site = Site::new();
    site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n[dues]\ncontact = \"组织部 电话 0000\"\n", crate::util::BASE_URL));
    site.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    site.file("content/units/diyi/q1.md", "+++\ntitle = \"党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q1\"\nledger = \"台账.csv\"\n+++\n");
    site.file("content/units/diyi/台账.csv", "姓名,类别,基数,月数,实缴\r\n王五,在职,3000,3,45\r\n赵六,在职,4000,3,60\r\n孙七,在职,3000,3,30\r\n");
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    publish_beside_six_notices(&site, &dest, "units/diyi");
    assert!(read(&dest.join("current/units/diyi/q1/index.html")).contains("135.00"));

    // An amount in words in one cell, and another page changes.
    site.file("content/units/diyi/台账.csv", "姓名,类别,基数,月数,实缴\r\n王五,在职,3000,3,伍拾元\r\n赵六,在职,4000,3,60\r\n孙七,在职,3000,3,30\r\n");
    republish_with_another_page_changed(&site, &dest, "units/diyi");
    let q1 = read(&dest.join("current/units/diyi/q1/index.html"));
    assert!(q1.contains("135.00") && !q1.contains("伍拾元"), "the dues page is built from the last published ledger");
    let st = status(&dest);
    let p = &st["problems"][0];
    assert_eq!(p["file"], "content/units/diyi/q1.md", "the page that names the ledger is held back");
    assert!(p["errors"][0]["location"].as_str().unwrap().starts_with("content/units/diyi/台账.csv!E2"), "{p}");
    assert!(!dest.join("current/units/diyi/台账.csv").exists(), "a ledger is never published publicly, held back or not");
}

#[test]
fn publish_a_broken_word_sidecar_holds_back_the_word_page_at_its_last_version() {
    let site = Site::new();
    site.bytes("content/notices/红头通知.docx", &crate::word::fixture("红头通知-libreoffice.docx"));
    site.file("content/notices/红头通知.toml", "title = \"第一次的标题\"\n");
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    publish_beside_six_notices(&site, &dest, "notices");
    assert!(read(&dest.join("current/notices/红头通知/index.html")).contains("第一次的标题"));

    // The officer breaks the sidecar and changes another page.
    site.file("content/notices/红头通知.toml", "title = \"第二次的标题\"\ndate = \"昨天\"\n");
    republish_with_another_page_changed(&site, &dest, "notices");
    let word = read(&dest.join("current/notices/红头通知/index.html"));
    assert!(word.contains("第一次的标题") && !word.contains("第二次的标题"), "the Word page keeps its last published version, sidecar and all");
    assert!(word.contains("财机党发〔2024〕3号"), "read again from the kept document");
    assert_eq!(status(&dest)["problems"][0]["file"], "content/notices/红头通知.docx", "{}", status(&dest));
}
