//! Real-browser checks with headless Chromium: the example site's pages load with
//! every resource found and no console error; the search is typed into as a reader
//! does (through `cdp`). Chromium is installed by `.ci/run`; without it these tests
//! fail when `CI` is set and are skipped (loudly) otherwise.

use crate::cdp;
use crate::util::run_dwgk;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub(crate) fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].into_iter().find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but Chromium is missing: .ci/run must install it (apt-get install chromium)");
        eprintln!("SKIPPED: Chromium not installed (apt-get install chromium)");
    }
    found
}

/// Loads `url` in headless Chromium; returns (DOM, browser log).
fn load(browser: &str, url: &str) -> (String, String) {
    dump(browser, url, &[])
}

/// Like `load`, but lets scripts run (`--virtual-time-budget`) before the DOM is dumped.
fn load_scripted(browser: &str, url: &str) -> (String, String) {
    dump(browser, url, &["--virtual-time-budget=15000"])
}

fn dump(browser: &str, url: &str, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args(crate::util::CHROMIUM_FLAGS)
        .args(["--enable-logging=stderr", "--v=0", &format!("--user-data-dir={}", profile.path().display())])
        .args(extra)
        .args(["--dump-dom", url])
        .output()
        .expect("run chromium");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Builds the example site (internal audience) and serves it on a free local port.
fn serve_example() -> (tempfile::TempDir, String) {
    serve_example_as("internal")
}

fn console_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Failed to load resource") || l.contains("Uncaught")).collect()
}

#[test]
fn compliance_summary_and_unit_pages_render_in_chromium() {
    let _heavy = crate::util::heavy();
    let Some(browser) = chromium() else { return };
    let (_tmp, base) = serve_example();
    let (dom, log) = load(browser, &format!("{base}compliance/"));
    assert!(dom.contains("2024年组织生活与学习达标情况"), "{dom}");
    assert!(dom.contains("class=\"chart heatmap\"") && dom.contains("class=\"chart bars\""), "both charts in the DOM");
    assert!(dom.contains("第二党支部"), "units listed");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, log) = load(browser, &format!("{base}units/jiguan/dier/"));
    assert!(dom.contains("2024年达标情况") && dom.contains("st-short"), "unit compliance section");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, _) = load(browser, &format!("{base}units/"));
    assert!(dom.contains("class=\"unit-tree\""), "the organisation tree on 组织机构");
}

/// Runs headless Chromium with extra `args` (print to PDF, screenshot) on `url`.
fn capture(browser: &str, args: &[&str], url: &str) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium")
        .status;
    assert!(status.success(), "chromium {args:?} {url}");
}

#[test]
fn dues_disclosure_and_study_plan_render_and_print_on_a4() {
    let _heavy = crate::util::heavy();
    let Some(browser) = chromium() else { return };
    let (tmp, base) = serve_example();
    let (dom, log) = load(browser, &format!("{base}units/jiguan/diyi/dues-2024-q3/"));
    assert!(dom.contains("党费收缴情况") && dom.contains("按类别和缴纳标准汇总") && dom.contains("王建国"), "internal disclosure");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, log) = load(browser, &format!("{base}units/jiguan/study-plan-2024/"));
    assert!(dom.contains("study-timetable") && dom.contains("已过期"), "timetable with the overdue session");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));

    // The 公示 as printed for the notice board: A4 portrait, a few pages at most.
    let pdf = tmp.path().join("dues.pdf");
    capture(browser, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &format!("{base}units/jiguan/diyi/dues-2024-q3/"));
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!((1..=3).contains(&pages), "{pages} pages");
    // A4 is 595 × 842 points.
    assert!(text.contains("/MediaBox [0 0 595") || text.contains("/MediaBox [0 0 594"), "A4 media box");
    // A screenshot for people reviewing the change (a test artifact, not an assertion).
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    capture(
        browser,
        &["--window-size=1100,2400", &format!("--screenshot={}", artifacts.join("dues-disclosure.png").display())],
        &format!("{base}units/jiguan/diyi/dues-2024-q3/"),
    );
    assert!(artifacts.join("dues-disclosure.png").is_file());
}

/// The example site built into `<tmp>/out` for `audience`, browsable from the
/// folder (`relative_urls = true`, as a newcomer would set for file://).
fn build_example_relative(audience: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::util::copy_dir(&root.join("content"), &tmp.path().join("content"));
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    assert!(config.contains("relative_urls = false"), "the example config changed: adapt this test");
    std::fs::write(tmp.path().join("config.toml"), config.replace("relative_urls = false", "relative_urls = true")).unwrap();
    let out = tmp.path().join("out");
    let args: Vec<String> =
        ["build", "--root", &tmp.path().to_string_lossy(), "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
    run_dwgk(&args, tmp.path()).expect(0);
    (tmp, out)
}

/// Serves a built folder (root-relative URLs) on a free local port: its base URL.
pub fn serve_dir(dir: std::path::PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || dwgk::serve::http::serve(listener, dir));
    base
}

/// Builds the example site for `audience` (root-relative URLs) and serves it.
pub fn serve_example_as(audience: &str) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let args: Vec<String> = ["build", "--root", env!("CARGO_MANIFEST_DIR"), "--audience", audience, "--base-url", &base, "--output", &out.to_string_lossy()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    run_dwgk(&args, tmp.path()).expect(0);
    std::thread::spawn(move || dwgk::serve::http::serve(listener, out));
    (tmp, base)
}

/// Result links (href) and the status line of a dumped search page.
fn search_results(dom: &str) -> (Vec<String>, String) {
    let list = dom.split("id=\"search-results\"").nth(1).unwrap_or("").split("</ol>").next().unwrap_or("");
    let hrefs = list.split("class=\"search-result-title\"><a href=\"").skip(1).map(|s| s.split('"').next().unwrap_or("").to_string()).collect();
    let status = dom.split("id=\"search-status\"").nth(1).and_then(|s| s.split('>').nth(1)).and_then(|s| s.split('<').next()).unwrap_or("").to_string();
    (hrefs, status)
}

fn pct(s: &str) -> String {
    crate::util::pct(s)
}

/// The search's addresses: search/?q=三会一课 and ?q=党费 (as the header box's form
/// sends them, and as bookmarks and links keep them) open with the expected page
/// first — over HTTP and from a folder (file://). Typed by a reader: the next test.
#[test]
fn search_finds_the_expected_page_first_over_http_and_file() {
    let _heavy = crate::util::heavy();
    let Some(browser) = chromium() else { return };
    let expect = [
        ("三会一课", "notices/2024-dangjian-yaodian/"),
        ("党费", &*format!("notices/{}/", pct("2024-09-党费收缴提醒"))),
        ("2024年 党费", &*format!("notices/{}/", pct("2024-09-党费收缴提醒"))),
    ];
    let (_http_tmp, base) = serve_example_as("public");
    // The header box is a plain form to the search page (works without scripts too).
    let (home, _) = load(browser, &base);
    assert!(
        home.contains("action=\"/search/\"") && home.contains("name=\"q\"") && home.contains("<label for=\"header-search-q\">站内搜索</label>"),
        "header search box"
    );
    let (_file_tmp, dir) = build_example_relative("public");
    for (query, page) in expect {
        let q = pct(query);
        let (dom, log) = load_scripted(browser, &format!("{base}search/?q={q}"));
        let (hits, status) = search_results(&dom);
        assert_eq!(hits.first().map(String::as_str), Some(&*format!("/{page}")), "HTTP: first result for {query} ({status}): {hits:?}");
        assert!(dom.contains("<mark>"), "highlighted snippets");
        assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
        let url = format!("file://{}/search/index.html?q={q}", dir.display());
        let (dom, log) = load_scripted(browser, &url);
        let (hits, status) = search_results(&dom);
        assert_eq!(hits.first().map(String::as_str), Some(&*format!("../{page}index.html")), "file://: first result for {query} ({status}): {hits:?}");
        assert!(console_errors(&log).is_empty(), "browser errors over file://: {:?}", console_errors(&log));
    }
}

/// The search page now, for failure messages: address, status line, the query,
/// time and index files of the last answer (`data-*` of the app), result links.
const SEARCH_STATE: &str = "(function (a) { return { url: location.href, status: (document.getElementById('search-status') || {}).textContent, \
    query: a && a.getAttribute('data-query'), ms: a && a.getAttribute('data-ms'), loaded: a && a.getAttribute('data-loaded'), \
    hits: [].map.call(document.querySelectorAll('.search-result-title a'), function (x) { return x.getAttribute('href'); }) }; })\
    (document.getElementById('dwgk-search'))";

/// The errors the pages reported since the last call (a missing favicon included:
/// the theme has one, and every page links it).
fn page_errors(b: &mut cdp::Browser) -> Vec<String> {
    b.take_errors()
}

/// Waits until the search page has answered (`data-ms`, which a new query removes),
/// checks that the answer is to `query`, and returns the page's state (`SEARCH_STATE`).
pub(crate) fn answered(b: &mut cdp::Browser, query: &str, how: &str) -> serde_json::Value {
    if let Err(e) = b.wait_for("document.querySelector('#dwgk-search[data-ms]')", Duration::from_secs(20)) {
        let state = b.try_eval(SEARCH_STATE).unwrap_or_else(|e| e.into());
        panic!("{how}: no answer to {query}: {e}\npage: {state}\nerrors: {:?}", page_errors(b));
    }
    let state = b.eval(SEARCH_STATE);
    assert_eq!(state["query"], query, "{how}: data-ms is there, but for another query: {state}");
    state
}

/// A reader on `home` clicks the header search box, types 三会一课 and presses Enter:
/// the search page opens with the expected first result. Then types 党费 over it in
/// the page's own box: the same page answers in place. `link(page)` is the href a
/// result for `page` (`notices/x/`) has in this build; `how` names the build.
fn type_into_the_search_boxes(b: &mut cdp::Browser, home: &str, link: &dyn Fn(&str) -> String, how: &str) {
    let dangfei = format!("notices/{}/", pct("2024-09-党费收缴提醒"));
    b.navigate(home);
    b.click("#header-search-q");
    assert_eq!(b.eval("document.activeElement && document.activeElement.id"), "header-search-q", "{how}: the click focuses the header box");
    b.type_text("三会一课");
    assert_eq!(b.eval("document.getElementById('header-search-q').value"), "三会一课", "{how}: typed into the header box");
    b.press_enter();
    let state = answered(b, "三会一课", how);
    let at = b.eval("[location.pathname, location.search]");
    assert!(at[0].as_str().is_some_and(|p| p.ends_with("/search/") || p.ends_with("/search/index.html")), "{how}: Enter opens the search page: {at}");
    assert_eq!(at[1], format!("?q={}", pct("三会一课")), "{how}: the query in the address");
    assert_eq!(state["hits"][0], link("notices/2024-dangjian-yaodian/"), "{how}: first result for 三会一课: {state}");
    assert_eq!(b.eval("document.getElementById('search-q').value"), "三会一课", "{how}: the page's box shows the query");
    assert_eq!(b.eval("!!document.querySelector('#search-results mark')"), true, "{how}: highlighted results: {state}");
    let errors = page_errors(b);
    assert!(errors.is_empty(), "{how}: browser errors: {errors:?}");

    // The search page's own box: everything in it selected, typed over, Enter.
    b.eval("window.__marker = 'same document'");
    b.click("#search-q");
    b.eval("document.getElementById('search-q').select()");
    b.type_text("党费");
    assert_eq!(b.eval("document.getElementById('search-q').value"), "党费", "{how}: typed over the selection");
    b.press_enter();
    let state = answered(b, "党费", how);
    assert_eq!(b.eval("window.__marker"), "same document", "{how}: answered in place, no new page: {state}");
    assert_eq!(state["hits"][0], link(&dangfei), "{how}: first result for 党费: {state}");
    assert_eq!(b.eval("!!document.querySelector('#search-results mark')"), true, "{how}: highlighted results: {state}");
    assert_eq!(b.eval("location.search"), format!("?q={}", pct("党费")), "{how}: the address follows the query (bookmarkable)");
    let errors = page_errors(b);
    assert!(errors.is_empty(), "{how}: browser errors: {errors:?}");

    // The first result opens its page.
    let target = b.eval("document.querySelector('.search-result-title a').href");
    b.click(".search-result-title a");
    let t = serde_json::to_string(&target).unwrap();
    b.wait_for(&format!("location.href === {t} && document.readyState === 'complete'"), Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("{how}: the first result does not open {target}: {e}"));
    assert!(b.eval("document.body.innerText").as_str().is_some_and(|t| t.contains("党费")), "{how}: the result page");
    let errors = page_errors(b);
    assert!(errors.is_empty(), "{how}: browser errors on the result page: {errors:?}");
}

/// The headline test, as a reader does it: 三会一课 typed into the header
/// search box of the built example site's home page and Enter; then 党费 typed into
/// the search page's own box. Each finds the expected page first, over HTTP and
/// from a folder (file://), with no console error; the first result opens its page.
#[test]
fn search_typed_into_the_header_box_finds_the_expected_page_first_over_http_and_file() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let (_http_tmp, base) = serve_example_as("public");
    let (_file_tmp, dir) = build_example_relative("public");
    let mut b = cdp::Browser::launch(exe);
    type_into_the_search_boxes(&mut b, &base, &|page| format!("/{page}"), "HTTP");
    type_into_the_search_boxes(&mut b, &format!("file://{}/index.html", dir.display()), &|page| format!("../{page}index.html"), "file://");
}

/// The relevance set of docs/search.md, over the internal build of the example site
/// (every page): query → acceptable first results, and pages that must be in the top 3.
#[test]
fn search_relevance_set() {
    let _heavy = crate::util::heavy();
    let Some(browser) = chromium() else { return };
    let (_tmp, dir) = build_example_relative("internal");
    let dangfei = format!("notices/{}/", pct("2024-09-党费收缴提醒"));
    let zhutidangri = format!("notices/{}/", pct("关于开展主题党日活动的通知"));
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("三会一课", vec!["notices/2024-dangjian-yaodian/"], vec![]),
        ("党费", vec![&dangfei], vec![]),
        ("2024年 党费", vec![&dangfei], vec![]),
        ("２０２４年　党费", vec![&dangfei], vec![]),
        ("主题党日", vec![&zhutidangri], vec![]),
        ("意识形态", vec!["units/jiguan/checklist-2024/", "units/jiguan/record-2024-yishixingtai/"], vec!["units/jiguan/2024-11-12-zhuantidudao/"]),
        ("组织生活会", vec!["notices/2024-12-zuzhishenghuohui/"], vec![]),
        ("民主评议", vec!["notices/2024-12-zuzhishenghuohui/"], vec![]),
        (
            "志愿服务",
            vec!["units/jiguan/dier/2024-11-08-zhiyuanfuwu/", "units/jiguan/diyi/2024-09-14-zhiyuanfuwu/", "units/jiguan/diyi/2024-05-24-zhiyuanfuwu/"],
            vec!["units/jiguan/dier/2024-11-08-zhiyuanfuwu/", "units/jiguan/diyi/2024-09-14-zhiyuanfuwu/", "units/jiguan/diyi/2024-05-24-zhiyuanfuwu/"],
        ),
        ("党课", vec!["units/jiguan/diyi/2024-06-28-dangke/"], vec![]),
        ("表彰", vec!["notices/2024-qiyi-biaozhang-gongshi/"], vec![]),
        ("会计法", vec!["units/jiguan/dier/2024-11-08-zhiyuanfuwu/"], vec![]),
        ("重阳", vec!["units/jiguan/disan/2024-10-11-zhutidangri/"], vec![]),
        ("培训班 报名", vec!["notices/2024-dangwu-peixun/"], vec![]),
    ];
    let mut failures = Vec::new();
    for (query, firsts, top3) in &cases {
        let url = format!("file://{}/search/index.html?q={}", dir.display(), pct(query));
        let (dom, _) = load_scripted(browser, &url);
        let (hits, status) = search_results(&dom);
        let hits: Vec<String> = hits.iter().map(|h| h.trim_start_matches("../").trim_end_matches("index.html").to_string()).collect();
        if !hits.first().is_some_and(|h| firsts.contains(&h.as_str())) {
            failures.push(format!("{query}: first {:?}, want one of {firsts:?} ({status})", hits.first()));
        }
        for t in top3 {
            if !hits.iter().take(3).any(|h| h == t) {
                failures.push(format!("{query}: {t} not in the top 3 {:?}", &hits[..hits.len().min(3)]));
            }
        }
    }
    assert!(failures.is_empty(), "relevance set:\n{}", failures.join("\n"));
}

/// Filters narrow the results by unit (with its sub-units), kind and year.
#[test]
fn search_filters_by_unit_kind_and_year() {
    let _heavy = crate::util::heavy();
    let Some(browser) = chromium() else { return };
    let (_tmp, dir) = build_example_relative("internal");
    let url = |extra: &str| format!("file://{}/search/index.html?q={}{extra}", dir.display(), pct("主题党日"));
    let (all, _) = search_results(&load_scripted(browser, &url("")).0);
    let (disan, _) = search_results(&load_scripted(browser, &url("&unit=disan")).0);
    assert!(!disan.is_empty() && disan.len() < all.len() && disan.iter().all(|h| h.contains("units/jiguan/disan/")), "{disan:?}");
    let (notices, _) = search_results(&load_scripted(browser, &url("&kind=notice")).0);
    assert!(!notices.is_empty() && notices.iter().all(|h| h.contains("notices/")), "{notices:?}");
    let (none, status) = search_results(&load_scripted(browser, &url("&year=2023")).0);
    assert!(none.is_empty() && status.contains("没有找到"), "{status}");
}
