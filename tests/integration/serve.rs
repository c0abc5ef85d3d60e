//! `dwgk serve`: the real binary on a free port, edited under it. Live reload in a
//! real headless Chromium (`cdp::Browser`, the DevTools protocol),
//! editor save patterns, polling, page additions and deletions, HTTP safety, `--open`,
//! preview banners.

use crate::cdp::Browser;
use crate::util::{bin, pct, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the browser may take to show a change.
const WAIT: Duration = Duration::from_secs(20);

/// A running `dwgk serve`; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
    log: Arc<Mutex<String>>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    pub(crate) fn start(site: &Site, extra: &[&str]) -> Server {
        Server::start_with_env(site, extra, &[])
    }

    fn start_with_env(site: &Site, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut child = Command::new(bin())
            .args(["serve", "--root", &site.path().to_string_lossy(), "--port", &port.to_string()])
            .args(extra)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dwgk serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (l2, stderr) = (log.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = l2.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let s = Server { child, port, log };
        s.wait_log("预览地址", 1);
        s
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until `needle` occurs at least `n` times in the server's stderr.
    fn wait_log(&self, needle: &str, n: usize) {
        let t0 = Instant::now();
        while self.log().matches(needle).count() < n {
            assert!(t0.elapsed() < Duration::from_secs(30), "no {n}× {needle:?} in the server log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn get(&self, path: &str) -> Resp {
        http(self.port, "GET", path, &[])
    }

    /// Polls `path` until its body contains `needle`.
    fn wait_for(&self, path: &str, needle: &str) -> Resp {
        let t0 = Instant::now();
        loop {
            let r = self.get(path);
            if r.text().contains(needle) {
                return r;
            }
            assert!(t0.elapsed() < Duration::from_secs(20), "{path} never contained {needle:?}; last ({}):\n{}\n--- log\n{}", r.status, r.text(), self.log());
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()))
    }
}

pub(crate) fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    // Read the head, then Content-Length bytes (Chromium's DevTools keeps the
    // connection open), or to the end.
    let mut all = Vec::new();
    let mut buf = [0u8; 8192];
    let split = loop {
        if let Some(i) = all.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed before the response head");
        all.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let mut resp = Resp { status: head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0), head, body: all[split + 4..].to_vec() };
    match resp.header("Content-Length").and_then(|l| l.parse::<usize>().ok()).filter(|_| method != "HEAD") {
        Some(len) => {
            while resp.body.len() < len {
                let n = s.read(&mut buf).unwrap();
                assert!(n > 0, "connection closed inside the body");
                resp.body.extend_from_slice(&buf[..n]);
            }
        }
        None if method != "HEAD" => {
            s.read_to_end(&mut resp.body).unwrap();
        }
        None => {}
    }
    resp
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2024-03-01\ntags = [\"学习\"]\n+++\n{body}\n")
}

fn small_site() -> Site {
    let site = Site::new();
    site.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n");
    site.file("content/notices/a.md", &page("关于学习的通知", "第一段原文。\n\n第二段。"));
    site.file("content/notices/b.md", &page("另一个通知", "见[学习通知](@/notices/a.md)。"));
    site.file("config.toml", "title = \"测试党务公开\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n");
    site
}

#[test]
fn edits_are_served_incrementally_errors_kept_out_and_saves_rebuild_once() {
    let site = small_site();
    let s = Server::start(&site, &[]);
    let r = s.wait_for("/notices/a/", "第一段原文");
    assert!(r.text().contains("data-dwgk-live") && r.text().contains("/__dwgk/events"), "live script injected");
    assert_eq!(r.header("Content-Type").as_deref(), Some("text/html; charset=utf-8"));

    // A body edit: only that page (and what shows it) is rendered again.
    site.file("content/notices/a.md", &page("关于学习的通知", "第一段改过了。\n\n第二段。"));
    s.wait_for("/notices/a/", "第一段改过了");
    s.wait_log("只重新生成了改动的页面", 1);

    // Write-rename save (editor temp file renamed over the page), with vim's
    // `4913` probe file and a backup: exactly one rebuild, of the final content.
    let before = s.log().matches("检测到变化").count();
    let p = site.path().join("content/notices");
    std::fs::write(p.join("4913"), "").unwrap();
    std::fs::remove_file(p.join("4913")).unwrap();
    std::fs::write(p.join("a.md~"), "backup").unwrap();
    std::fs::write(p.join(".a.md.swp"), "swap").unwrap();
    std::fs::write(p.join("a.md.tmp"), page("关于学习的通知", "重命名保存的内容。")).unwrap();
    std::fs::rename(p.join("a.md.tmp"), p.join("a.md")).unwrap();
    s.wait_for("/notices/a/", "重命名保存的内容");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.log().matches("检测到变化").count(), before + 1, "one rebuild per save:\n{}", s.log());

    // Truncate, then write in bursts: one rebuild, of the final content.
    let before = s.log().matches("检测到变化").count();
    {
        let mut f = std::fs::File::create(p.join("a.md")).unwrap();
        for chunk in page("关于学习的通知", "分几次写入的最终内容。").as_bytes().chunks(16) {
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    s.wait_for("/notices/a/", "分几次写入的最终内容");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.log().matches("检测到变化").count(), before + 1, "one rebuild per save:\n{}", s.log());

    // An error: the last good page stays served, the error is published with its place.
    site.file("content/notices/a.md", &page("关于学习的通知", "坏链接[这里](@/notices/nope.md)。"));
    s.wait_log("1 个文件有错误：它们的页面仍显示上一次正确的版本", 1);
    let r = s.get("/notices/a/");
    assert!(r.text().contains("分几次写入的最终内容") && r.text().contains("content/notices/a.md") && r.text().contains("\"line\":6"), "{}", r.text());
    // Fixed: the error goes away.
    site.file("content/notices/a.md", &page("关于学习的通知", "修好了。"));
    let r = s.wait_for("/notices/a/", "修好了");
    assert!(r.text().contains("errors:[]"), "no errors left");

    // A front matter edit: full rebuild, the title changes in the section list too.
    site.file("content/notices/a.md", &page("新标题的通知", "修好了。"));
    s.wait_for("/notices/", "新标题的通知");
    // Addition, rename and deletion: no ghost pages.
    site.file("content/notices/c.md", &page("新增的页面", "新页面。"));
    s.wait_for("/notices/", "新增的页面");
    assert_eq!(s.get("/notices/c/").status, 200);
    std::fs::rename(site.path().join("content/notices/c.md"), site.path().join("content/notices/d.md")).unwrap();
    s.wait_for("/notices/d/", "新页面");
    assert_eq!(s.get("/notices/c/").status, 404, "renamed page's old URL is gone");
    site.remove("content/notices/d.md");
    let t0 = Instant::now();
    while s.get("/notices/d/").status != 404 {
        assert!(t0.elapsed() < Duration::from_secs(20), "deleted page still served");
        std::thread::sleep(Duration::from_millis(30));
    }
    assert!(!s.get("/notices/").text().contains("新增的页面"), "no ghost in the list");
    // A template override rebuilds everything.
    site.file("templates/page.html", "<!DOCTYPE html><html><body><h1>模板改了：{{ page.title }}</h1></body></html>");
    s.wait_for("/notices/b/", "模板改了：另一个通知");
}

/// The same page-level isolation as `publish`: a page's own errors hold back that
/// page only (its last good version, its errors shown on it); every other page's
/// new version is served; a site-wide error is shown on every page.
#[test]
fn a_page_with_errors_keeps_its_last_version_and_every_other_page_is_served_new() {
    let site = small_site();
    site.file("content/notices/c.md", &page("第三个通知", "第三个的原文。"));
    let s = Server::start(&site, &[]);
    s.wait_for("/notices/a/", "第一段原文");
    // a's front matter breaks (a full build), then b and c change.
    site.file("content/notices/a.md", "+++\ntitle = \"关于学习的通知\"\ndate = \"昨天\"\n+++\n坏了的新内容。\n");
    s.wait_log("1 个文件有错误：它们的页面仍显示上一次正确的版本", 1);
    site.file("content/notices/c.md", &page("第三个通知", "第三个改过了。"));
    s.wait_for("/notices/c/", "第三个改过了");
    let a = s.get("/notices/a/");
    assert!(a.text().contains("第一段原文") && !a.text().contains("坏了的新内容"), "the broken page stays its last good version");
    let script = crate::util::between(&a.text(), "var __dwgk=", ";\n").to_string();
    assert!(script.contains("errors:[]"), "no site-wide error: {script}");
    assert!(script.contains("\"/notices/a/\":[{") && script.contains("\"line\":3"), "its own error, shown on it: {script}");
    let c = s.get("/notices/c/");
    let script = crate::util::between(&c.text(), "var __dwgk=", ";\n").to_string();
    assert!(script.contains("errors:[]") && script.contains("\"file\":\"content/notices/a.md\""), "others hear of it, without an alert: {script}");
    let b = s.get("/notices/b/").text();
    assert!(b.contains("见学习通知。") && !b.contains("href=\"/notices/a/\""), "a link to the held page is text meanwhile: {b}");

    // Site-wide (config.toml): every page shows it; nothing served changes.
    site.file("config.toml", "title = \"测试党务公开\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\nbogus_key = 1\n");
    s.wait_for("/notices/c/", "\"file\":\"config.toml\"");
    assert!(s.get("/notices/b/").text().contains("\"file\":\"config.toml\""));
    site.file("config.toml", "title = \"测试党务公开\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n");
    s.wait_for("/notices/b/", "errors:[]");

    // Fixed: its new version is served and no one hears of it any more.
    site.file("content/notices/a.md", &page("关于学习的通知", "改正后的新内容。"));
    s.wait_for("/notices/a/", "改正后的新内容");
    // The status follows the outputs by a moment (the browser hears after both).
    s.wait_for("/notices/a/", "held:{\"files\":[],\"pages\":{}}");
    assert!(s.get("/notices/c/").text().contains("held:{\"files\":[],\"pages\":{}}"));
}

#[test]
fn polling_mode_sees_changes() {
    let site = small_site();
    let s = Server::start(&site, &["--poll"]);
    assert!(s.log().contains("--poll"), "{}", s.log());
    s.wait_for("/notices/a/", "第一段原文");
    site.file("content/notices/a.md", &page("关于学习的通知", "轮询看到的修改。"));
    s.wait_for("/notices/a/", "轮询看到的修改");
    // A new attachment appears too.
    site.bytes("content/notices/附件.pdf", b"%PDF-1.4 x");
    site.file("content/notices/b.md", &page("另一个通知", "[附件](附件.pdf)"));
    s.wait_for("/notices/b/", "附件.pdf");
    assert_eq!(s.get(&pct("/notices/附件.pdf")).status, 200);
}

#[test]
fn http_is_safe_and_serves_attachments_with_ranges() {
    let site = small_site();
    let pdf: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    site.bytes("content/notices/a/报名表.PDF", &pdf);
    site.file("content/notices/a/index.md", &page("关于学习的通知", "[报名表](报名表.PDF)"));
    site.remove("content/notices/a.md");
    site.file("content/notices/b.md", &page("另一个通知", "见[学习通知](@/notices/a/index.md)。"));
    // A link out of the site is refused by the build itself (tests/integration/share_attacks.rs).
    let s = Server::start(&site, &[]);
    let url = pct("/notices/a/报名表.PDF");
    let r = s.get(&url);
    assert_eq!(r.status, 200, "{}", s.log());
    assert_eq!(r.header("Content-Type").as_deref(), Some("application/pdf"));
    assert!(r.header("Content-Disposition").unwrap().contains("UTF-8''%E6%8A%A5%E5%90%8D%E8%A1%A8.PDF"));
    assert_eq!(r.body, pdf);
    let h = http(s.port, "HEAD", &url, &[]);
    assert_eq!((h.status, h.header("Content-Length").as_deref(), h.body.len()), (200, Some("2000"), 0));
    let part = http(s.port, "GET", &url, &[("Range", "bytes=100-199")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.header("Content-Range").as_deref(), Some("bytes 100-199/2000"));
    assert_eq!(part.body, &pdf[100..200]);
    assert_eq!(http(s.port, "GET", &url, &[("Range", "bytes=5000-")]).status, 416);
    for bad in
        ["/../config.toml", "/%2e%2e/config.toml", "/notices/%2E%2E/%2E%2E/config.toml", "/..%2fconfig.toml", "/notices/a/secret.pdf", "/%00", "/config.toml"]
    {
        let r = s.get(bad);
        assert_eq!(r.status, 404, "{bad}");
        assert!(!r.text().contains("secret") && !r.text().contains("base_url"), "{bad}");
    }
    assert_eq!(http(s.port, "POST", "/", &[]).status, 405);
    // The build never contains the live script.
    drop(s);
    site.build_ok(&["--audience", "internal"]);
    for (rel, bytes) in crate::util::files(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__dwgk") && !text.contains("dwgk-preview-banner"), "{rel}");
    }
}

#[test]
fn drafts_scheduled_and_expired_pages_have_banners_in_preview_only() {
    let site = small_site();
    site.file("content/notices/draft.md", "+++\ntitle = \"草稿页\"\ndraft = true\n+++\n草稿正文。\n");
    site.file("content/notices/later.md", "+++\ntitle = \"定时页\"\npublish_date = 2999-01-01\n+++\n以后发布。\n");
    site.file("content/notices/old.md", "+++\ntitle = \"过期页\"\nexpire_date = 2000-01-01\n+++\n公示已结束。\n");
    let s = Server::start(&site, &["--drafts"]);
    assert!(s.get("/notices/draft/").text().contains("草稿：本页是草稿"));
    assert!(s.get("/notices/later/").text().contains("定时发布：本页尚未到发布时间"));
    assert!(s.get("/notices/old/").text().contains("已过期：本页公示期已结束"));
    assert!(!s.get("/notices/a/").text().contains("dwgk-preview-banner"));
    drop(s);
    let s = Server::start(&site, &[]);
    assert_eq!(s.get("/notices/draft/").status, 404, "drafts only with --drafts");
    assert!(s.log().contains("--drafts"), "{}", s.log());
    drop(s);
    site.build_ok(&[]);
    assert!(!site.out_exists("notices/draft/index.html") && !site.out_exists("notices/later/index.html"));
}

#[test]
fn officer_instructions_appear_in_the_preview_only() {
    let site = small_site();
    site.file(
        "content/plan.md",
        "+++\ntitle = \"学习计划\"\nkind = \"study_plan\"\nyear = 2024\n[[sessions]]\ndate = 2024-01-18\ntopic = \"学习党章\"\nstatus = \"planned\"\n\
         [[sessions]]\ndate = 2024-02-18\ntopic = \"学习条例\"\nstatus = \"done\"\n+++\n",
    )
    .file(
        "content/dues.md",
        "+++\ntitle = \"党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q1\"\n[[rows]]\nname = \"张三\"\ncategory = \"在职\"\nbase = 4000\npaid = 40\n+++\n",
    );
    let s = Server::start(&site, &["--as-of", "2024-06-30"]);
    let plan = s.get("/plan/").text();
    assert!(plan.contains("dwgk-preview-notes") && plan.contains("已开展的请在学习计划中把状态改为 done"), "{plan}");
    let dues = s.get("/dues/").text();
    assert!(dues.contains("台账核对发现 1 个问题") && dues.contains("张三：应缴 120.00 元"), "{dues}");
    assert!(!s.get("/notices/a/").text().contains("dwgk-preview-notes"));
    drop(s);
    // Reader pages, for every audience, carry the fact (已过期) but never the instruction.
    for audience in ["public", "internal", "committee"] {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("o");
        site.run(&["build", "--as-of", "2024-06-30", "--audience", audience, "-o", &dir.to_string_lossy()]).expect(0);
        for (rel, bytes) in crate::util::files(&dir) {
            let text = String::from_utf8_lossy(&bytes);
            for officer in ["改为 done", "状态改为", "dwgk-preview-notes", "请核对台账"] {
                assert!(!text.contains(officer), "{audience} {rel}: “{officer}”");
            }
        }
        if audience != "public" {
            let plan = std::fs::read_to_string(dir.join("plan/index.html")).unwrap();
            assert!(plan.contains("1 次学习已过计划时间") && plan.contains("（已过期）"), "{audience}: the fact stays");
        }
    }
}

#[test]
fn open_hands_the_preview_address_to_the_desktop_opener() {
    use std::os::unix::fs::PermissionsExt;
    let site = small_site();
    let tools = tempfile::tempdir().unwrap();
    let opened = tools.path().join("opened.txt");
    // A stand-in for xdg-open (the first opener tried) that records its argument.
    let opener = tools.path().join("xdg-open");
    let script = format!("#!/bin/sh\nprintf '%s' \"$1\" > '{0}.part' && mv '{0}.part' '{0}'\n", opened.display());
    std::fs::write(&opener, script).unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", tools.path().display());
    let s = Server::start_with_env(&site, &["--open"], &[("PATH", &path)]);
    let t0 = Instant::now();
    while !opened.exists() {
        assert!(t0.elapsed() < Duration::from_secs(10), "the opener was not run:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap(), format!("http://127.0.0.1:{}/", s.port));

    // No opener on PATH: a hint with the address, and the preview is served anyway.
    let empty = tempfile::tempdir().unwrap();
    let s = Server::start_with_env(&site, &["--open"], &[("PATH", &empty.path().to_string_lossy())]);
    s.wait_log("无法自动打开浏览器", 1);
    assert!(s.log().contains(&format!("请手动打开 http://127.0.0.1:{}/", s.port)), "{}", s.log());
    assert_eq!(s.get("/notices/a/").status, 200);
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let site = small_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(bin())
        .args(["serve", "--root", &site.path().to_string_lossy(), "--port", &port.to_string()])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let t0 = Instant::now();
    while !seen.contains("预览地址") && t0.elapsed() < Duration::from_secs(30) {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        seen.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains(&format!("端口 {port} 已被占用，改用")), "{seen}");
}

/// Waits until `js` (a string expression) holds `needle` in the browser; returns its value.
fn wait(b: &mut Browser, js: &str, what: &str, needle: &str) -> String {
    let expr = format!("(function () {{ var v = String({js}); return v.indexOf({}) >= 0 ? v : ''; }})()", serde_json::to_string(needle).unwrap());
    let v = b.wait_for(&expr, WAIT).unwrap_or_else(|e| panic!("browser: {what}: {e}"));
    v.as_str().unwrap_or_default().to_string()
}

#[test]
fn chromium_reloads_on_edit_and_shows_then_clears_the_error_overlay() {
    let _heavy = crate::util::heavy();
    let Some(exe) = crate::browser::chromium() else { return };
    let site = small_site();
    // A long page, to see that the scroll position survives the reload.
    let long: String = (1..=80).map(|i| format!("第{i}段内容。\n\n")).collect();
    site.file("content/notices/a.md", &page("关于学习的通知", &format!("第一段原文。\n\n{long}")));
    let s = Server::start(&site, &[]);
    let mut b = Browser::launch(exe);
    let text = |b: &mut Browser, js: &str| b.eval(js).as_str().unwrap_or_default().to_string();
    b.navigate(&format!("http://127.0.0.1:{}/notices/a/", s.port));
    wait(&mut b, "document.body.innerText", "page loads", "第一段原文");
    // Marks this document: a reload replaces it.
    text(&mut b, "window.scrollTo(0, 400); window.__marker = 'before'; String(window.scrollY)");
    let scrolled = text(&mut b, "String(window.scrollY)");
    assert_eq!(scrolled, "400", "the page is long enough to scroll");

    // Edit: the new text appears without any action in the browser.
    site.file("content/notices/a.md", &page("关于学习的通知", &format!("浏览器里看到的新文字。\n\n{long}")));
    wait(&mut b, "document.body ? document.body.innerText : ''", "edited text appears by itself", "浏览器里看到的新文字");
    assert_eq!(text(&mut b, "String(window.__marker)"), "undefined", "the page reloaded");
    b.wait_for(&format!("String(window.scrollY) === {scrolled:?}"), WAIT).unwrap_or_else(|e| panic!("browser: scroll position kept: {e}"));

    // An error: the overlay names the file and line; the page stays the last good one.
    site.file("content/notices/a.md", &page("关于学习的通知", "一行。\n坏链接[这里](@/notices/nope.md)。"));
    let overlay_js = "(function(){var o=document.getElementById('dwgk-overlay');return o?o.getAttribute('role')+'|'+o.innerText:''})()";
    let shown = wait(&mut b, overlay_js, "error overlay appears", "content/notices/a.md:7:");
    assert!(shown.starts_with("alert|") && shown.contains("链接指向的页面不存在") && shown.contains("提示："), "{shown}");
    assert!(text(&mut b, "document.body.innerText").contains("浏览器里看到的新文字"), "last good page still shown");

    // Fixed: the overlay goes away and the fixed text shows.
    site.file("content/notices/a.md", &page("关于学习的通知", "改正以后的内容。"));
    wait(&mut b, "document.body ? document.body.innerText : ''", "fixed text appears", "改正以后的内容");
    b.wait_for(&format!("{overlay_js} === ''"), WAIT).unwrap_or_else(|e| panic!("browser: overlay disappears: {e}"));

    // A stylesheet change is applied without a reload.
    text(&mut b, "window.__marker = 'kept'; ''");
    let css = text(&mut b, "(function(){var l=document.querySelector('link[rel~=stylesheet]');return l?l.getAttribute('href'):''})()");
    assert!(css.ends_with(".css"), "the theme's stylesheet: {css:?}");
    let rel = css.trim_start_matches('/').split('?').next().unwrap().to_string();
    site.file(&format!("static/{rel}"), "body { background: rgb(1, 2, 3); }");
    b.wait_for("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'", WAIT).unwrap_or_else(|e| panic!("browser: new CSS applied: {e}"));
    assert_eq!(text(&mut b, "String(window.__marker)"), "kept", "CSS swapped in place, no reload");
}

/// Saves `bytes` as Word does on a shared folder: its lock file `~$name` while the
/// document is open, the new content written to `~WRD0000.tmp`, the old file renamed
/// to `~WRL0001.tmp`, the temp file renamed into place, the old one deleted.
fn save_like_word(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    let lock = dir.join(format!("~${name}"));
    std::fs::write(&lock, b"\x07owner").unwrap();
    std::fs::write(dir.join("~WRD0000.tmp"), bytes).unwrap();
    std::fs::rename(dir.join(name), dir.join("~WRL0001.tmp")).unwrap();
    std::fs::rename(dir.join("~WRD0000.tmp"), dir.join(name)).unwrap();
    std::fs::remove_file(dir.join("~WRL0001.tmp")).unwrap();
    std::fs::remove_file(lock).unwrap();
}

#[test]
fn chromium_reloads_a_word_page_saved_the_way_word_saves_and_shows_its_errors_by_paragraph() {
    let _heavy = crate::util::heavy();
    let Some(exe) = crate::browser::chromium() else { return };
    use crate::word::{docx, para};
    let site = small_site();
    site.bytes("content/notices/通知.docx", &docx(&(para("关于学习的通知", "<w:jc w:val=\"center\"/>") + &para("Word 里的第一稿。", "")), &[]));
    let s = Server::start(&site, &[]);
    let mut b = Browser::launch(exe);
    b.navigate(&format!("http://127.0.0.1:{}/notices/%E9%80%9A%E7%9F%A5/", s.port));
    wait(&mut b, "document.body.innerText", "the Word page loads", "Word 里的第一稿");
    b.eval("window.__marker = 'before'; ''");
    let before = s.log().matches("检测到变化").count();
    let dir = site.path().join("content/notices");
    save_like_word(&dir, "通知.docx", &docx(&(para("关于学习的通知", "<w:jc w:val=\"center\"/>") + &para("保存后的第二稿。", "")), &[]));
    wait(&mut b, "document.body ? document.body.innerText : ''", "the saved text appears by itself", "保存后的第二稿");
    assert_eq!(b.eval("String(window.__marker)").as_str(), Some("undefined"), "the page reloaded");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.log().matches("检测到变化").count(), before + 1, "one rebuild per Word save:\n{}", s.log());

    // A broken link in the second paragraph: the overlay names the paragraph.
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="%E9%99%84%E4%BB%B6.pdf" TargetMode="External"/></Relationships>"#;
    let broken = para("关于学习的通知", "<w:jc w:val=\"center\"/>") + "<w:p><w:hyperlink r:id=\"rL\"><w:r><w:t>附件</w:t></w:r></w:hyperlink></w:p>";
    save_like_word(&dir, "通知.docx", &docx(&broken, &[("word/_rels/document.xml.rels", rels)]));
    let overlay_js = "(function(){var o=document.getElementById('dwgk-overlay');return o?o.innerText:''})()";
    let shown = wait(&mut b, overlay_js, "error overlay appears", "content/notices/通知.docx 第2段");
    assert!(shown.contains("附件不存在"), "{shown}");
    assert!(b.eval("document.body.innerText").as_str().unwrap_or("").contains("保存后的第二稿"), "the last good page stays");
}
