//! `dwgk publish` with real components: real nginx serving `DEST/current` under
//! load while releases are swapped, SIGKILL during builds, a polled folder written
//! slowly by another process, wake-ups exactly at `publish_date`/`expire_date`,
//! broken pages, refusals, the lock, rollback and the publication log.
//! nginx is installed by `.ci/run`; without it the nginx test fails when `CI` is
//! set and is skipped (loudly) otherwise.

use crate::util::{bin, Site};
use chrono::Timelike;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs `dwgk <args>` and returns (exit code, stdout, stderr).
pub(crate) fn dwgk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).args(args).env("NO_COLOR", "1").output().expect("run dwgk");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `dwgk publish --once --source <site> --dest <dest> <extra>`.
pub(crate) fn publish_once(site: &Site, dest: &Path, extra: &[&str]) -> (i32, String, String) {
    let (s, d) = (site.path().to_string_lossy().into_owned(), dest.to_string_lossy().into_owned());
    let mut args = vec!["publish", "--once", "--source", &s, "--dest", &d];
    args.extend_from_slice(extra);
    dwgk(&args)
}

pub(crate) fn current(dest: &Path) -> Option<String> {
    std::fs::read_link(dest.join("current")).ok().map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
}

pub(crate) fn journal(dest: &Path) -> Vec<Value> {
    std::fs::read_to_string(dest.join("journal.jsonl")).unwrap_or_default().lines().map(|l| serde_json::from_str(l).expect("journal line is JSON")).collect()
}

pub(crate) fn published(dest: &Path) -> Vec<Value> {
    journal(dest).into_iter().filter(|e| e["outcome"] == "published").collect()
}

pub(crate) fn status(dest: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dest.join("status.json")).expect("status.json")).expect("status.json is JSON")
}

pub(crate) fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) -> Instant {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    Instant::now()
}

/// A `dwgk publish --watch` daemon, killed when dropped; its log in a file.
pub(crate) struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    pub(crate) fn start(site: &Site, dest: &Path, extra: &[&str]) -> Daemon {
        let log = dest.with_extension("log");
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin())
            .args(["publish", "--watch", "--source"])
            .arg(site.path())
            .arg("--dest")
            .arg(dest)
            .args(extra)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("start dwgk publish --watch");
        Daemon { child, log }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn notice(n: usize, extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"通知{n}\"\ndate = 2024-03-01\n{extra}+++\n\n{body}\n")
}

/// Hidden (staging) folders left in `dest/releases`: a finished run leaves none.
pub(crate) fn staging_leftovers(dest: &Path) -> Vec<String> {
    std::fs::read_dir(dest.join("releases")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect()
}

/// The release `current` points to is complete: stamped, with every page of its
/// manifest present and whole, each stamped with this release or an earlier one
/// (the release its bytes last changed in), as its manifest records.
pub(crate) fn assert_complete(dest: &Path) {
    let id = current(dest).expect("current exists");
    let dir = dest.join("releases").join(&id);
    let stamp = std::fs::read_to_string(dir.join(".dwgk-release")).unwrap_or_else(|e| panic!("release {id} has no stamp: {e}"));
    assert_eq!(stamp.trim(), id);
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dest.join("manifests").join(format!("{id}.json"))).expect("manifest")).unwrap();
    let pages = manifest["pages"].as_object().unwrap();
    assert!(!pages.is_empty());
    for path in pages.keys() {
        let rel = format!("{}index.html", path.trim_start_matches('/'));
        let html = std::fs::read_to_string(dir.join(&rel)).unwrap_or_else(|e| panic!("{id}: {path} missing: {e}"));
        assert!(html.trim_end().ends_with("</html>"), "{id}: {path} is truncated");
        let since = release_of(&html).unwrap_or_else(|| panic!("{id}: {path} has no release stamp"));
        assert!(since <= id.as_str(), "{id}: {path} carries a later release's stamp {since}");
        let entry = manifest["files"][&rel].as_str().unwrap_or_else(|| panic!("{id}: manifest lacks {rel}"));
        assert_eq!(entry.split_once(' ').map(|(_, s)| s), Some(since), "{id}: {path}'s stamp is not the one its manifest records");
    }
    let home = std::fs::read_to_string(dir.join("index.html")).expect("home page");
    assert!(home.trim_end().ends_with("</html>"));
    // The source it was built from is kept (beside the DEST), complete, under its final name.
    let kept = dest.with_file_name(format!("{}.sources", dest.file_name().unwrap().to_string_lossy())).join(&id);
    assert!(kept.join(".dwgk-output").is_file(), "{id}: its source tree {} is missing or unfinished", kept.display());
    for file in pages.values().filter_map(|p| p["file"].as_str()) {
        assert!(kept.join(file.trim_start_matches("content/")).is_file(), "{id}: the kept source lacks {file}");
    }
}

// ---------------------------------------------------------------- nginx under load

pub(crate) fn nginx() -> Option<&'static str> {
    let found = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].into_iter().find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but nginx is missing: .ci/run must install it (apt-get install nginx)");
        eprintln!("SKIPPED: nginx not installed (apt-get install nginx)");
    }
    found
}

/// Real nginx on a loopback port with its own config, pid, logs and temp paths.
pub(crate) struct Nginx {
    child: Child,
    pub(crate) port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    pub(crate) fn start(exe: &str, root: &Path) -> Nginx {
        let dir = tempfile::Builder::new().prefix("dwgk-nginx-").tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let p = dir.path().display();
        // As root (containers), workers drop to nobody: everything they read must be world-readable.
        // SAFETY: geteuid has no preconditions.
        let root_user = unsafe { libc::geteuid() } == 0;
        let user = if root_user { "user nobody nogroup;\n" } else { "" };
        let conf = format!(
            "{user}worker_processes 2;\ndaemon off;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\nevents {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n\
             types {{ text/html html; text/css css; }}\n  keepalive_requests 100000;\n\
             server {{\n    listen 127.0.0.1:{port};\n    root {root}/current;\n    charset utf-8;\n    location / {{ try_files $uri $uri/ =404; }}\n  }}\n}}\n",
            root = root.display()
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        if root_user {
            use std::os::unix::fs::PermissionsExt;
            for d in [dir.path(), root.parent().unwrap()] {
                std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        let child = Command::new(exe)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let n = Nginx { child, port, _dir: dir };
        wait_for("nginx to listen", Duration::from_secs(10), || TcpStream::connect(("127.0.0.1", port)).is_ok());
        n
    }
}

impl Drop for Nginx {
    /// SIGTERM (nginx's fast shutdown), not SIGKILL: a killed master leaves its
    /// workers running, orphaned, after the tests.
    fn drop(&mut self) {
        // SAFETY: kill has no preconditions; the pid is our child's, not yet reaped.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// A minimal keep-alive HTTP/1.1 client: (status, body) per GET.
pub(crate) struct Client {
    pub(crate) port: u16,
    pub(crate) conn: Option<TcpStream>,
}

impl Client {
    pub(crate) fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        for _ in 0..3 {
            if self.conn.is_none() {
                self.conn = TcpStream::connect(("127.0.0.1", self.port)).ok();
            }
            let Some(conn) = self.conn.as_mut() else { continue };
            if let Some(r) = request(conn, path) {
                return r;
            }
            self.conn = None;
        }
        panic!("no HTTP response for {path}");
    }
}

fn request(conn: &mut TcpStream, path: &str) -> Option<(u16, Vec<u8>)> {
    conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes()).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let len: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).map(|v| v.trim().parse().unwrap_or(0)).unwrap_or(0);
    while buf.len() < header_end + len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((status, buf[header_end..header_end + len].to_vec()))
}

pub(crate) fn release_of(body: &str) -> Option<&str> {
    let i = body.find("<meta name=\"dwgk-release\" content=\"")? + 35;
    body.get(i..i + 19)
}

#[test]
fn nginx_serves_whole_releases_while_50_are_swapped_in() {
    let _heavy = crate::util::heavy();
    let Some(exe) = nginx() else { return };
    let site = Site::new();
    let pages = 12;
    for n in 0..pages {
        site.file(&format!("content/notices/p{n}.md"), &notice(n, "", &format!("正文{n}。")));
    }
    site.file("content/notices/version.md", &notice(99, "", "VERSION-0-END"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &["--keep", "3"]).0, 0, "first release");
    let server = Nginx::start(exe, &dest);

    let done = Arc::new(AtomicBool::new(false));
    let total = Arc::new(AtomicUsize::new(0));
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let mut paths: Vec<String> = (0..pages).map(|n| format!("/notices/p{n}/")).collect();
    paths.extend(["/".to_string(), "/notices/".to_string(), "/notices/version/".to_string()]);
    let clients: Vec<_> = (0..3)
        .map(|t| {
            let (done, total, seen, paths) = (done.clone(), total.clone(), seen.clone(), paths.clone());
            let port = server.port;
            std::thread::spawn(move || {
                let mut c = Client { port, conn: None };
                let mut i = t;
                let mut bad = Vec::new();
                let started = Instant::now();
                while !(done.load(Ordering::Relaxed) && total.load(Ordering::Relaxed) >= 10_000) && started.elapsed() < Duration::from_secs(150) {
                    let path = &paths[i % paths.len()];
                    i += 1;
                    let (status, body) = c.get(path);
                    total.fetch_add(1, Ordering::Relaxed);
                    let body = String::from_utf8_lossy(&body).into_owned();
                    let whole = body.trim_end().ends_with("</html>");
                    match release_of(&body) {
                        Some(id) if status == 200 && whole => {
                            if path == "/notices/version/" {
                                let v = body.split("VERSION-").nth(1).and_then(|r| r.split("-END").next()).unwrap_or("?");
                                seen.lock().unwrap().push((id.to_string(), v.to_string()));
                            } else {
                                seen.lock().unwrap().push((id.to_string(), String::new()));
                            }
                        }
                        _ => bad.push(format!("{path}: HTTP {status}, complete: {whole}, {} bytes", body.len())),
                    }
                }
                bad
            })
        })
        .collect();

    for v in 1..=50 {
        site.file("content/notices/version.md", &notice(99, "", &format!("VERSION-{v}-END")));
        let (code, out, err) = publish_once(&site, &dest, &["--keep", "3"]);
        assert_eq!(code, 0, "release {v}:\n{out}\n{err}");
    }
    done.store(true, Ordering::Relaxed);
    let bad: Vec<String> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    let total = total.load(Ordering::Relaxed);
    assert!(bad.is_empty(), "{} bad responses of {total}, e.g. {:?}", bad.len(), &bad[..bad.len().min(5)]);
    assert!(total >= 10_000, "only {total} requests");

    // Every response came from one published release: release i carries VERSION-i.
    let releases: Vec<String> = published(&dest).iter().map(|e| e["release"].as_str().unwrap().to_string()).collect();
    assert_eq!(releases.len(), 51);
    let version_of: BTreeMap<&str, String> = releases.iter().enumerate().map(|(i, id)| (id.as_str(), i.to_string())).collect();
    let seen = seen.lock().unwrap();
    let mut ids = BTreeSet::new();
    for (id, v) in seen.iter() {
        let expected = version_of.get(id.as_str()).unwrap_or_else(|| panic!("response stamped {id}, which was never published"));
        if !v.is_empty() {
            assert_eq!(v, expected, "release {id} served another release's page");
        }
        ids.insert(id.clone());
    }
    assert!(ids.len() >= 10, "the load saw only {} releases: swaps were not exercised", ids.len());
    assert_eq!(std::fs::read_dir(dest.join("releases")).unwrap().count(), 3, "keep = 3");
    assert_complete(&dest);
}

// ---------------------------------------------------------------- SIGKILL

#[test]
fn publish_sigkilled_at_any_point_leaves_current_complete() {
    let _heavy = crate::util::heavy();
    let site = Site::new();
    for n in 0..300 {
        site.file(&format!("content/notices/p{n}.md"), &notice(n, "", "## 一、正文\n\n正文内容。"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &[]).0, 0);
    // The kills are spread over a steady-state publish (a one-page change with the
    // spare and the live release to reuse), much shorter than the first one.
    let mut build = std::time::Duration::ZERO;
    for i in 0..3 {
        site.file("content/notices/p0.md", &notice(0, "", &format!("预备第 {i} 次修改。")));
        let started = Instant::now();
        assert_eq!(publish_once(&site, &dest, &[]).0, 0);
        build = started.elapsed();
    }
    assert_complete(&dest);
    let mut survived = 0;
    let mut last_killed = false;
    for i in 0..20u32 {
        site.file("content/notices/p0.md", &notice(0, "", &format!("第 {i} 次修改。")));
        let mut child = Command::new(bin())
            .args(["publish", "--once", "--source"])
            .arg(site.path())
            .arg("--dest")
            .arg(&dest)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole build: start, render, sync, swap, prune.
        std::thread::sleep(build.mul_f64((f64::from(i) + 0.5) / 20.0 * 1.1));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        survived += usize::from(status.success());
        last_killed = !status.success();
        assert_complete(&dest);
    }
    assert!(survived < 15, "most runs must actually be killed mid-way ({survived} finished)");
    // The next publisher clears the dead one's lock and leftovers and publishes.
    site.file("content/notices/p0.md", &notice(0, "", "最终版本。"));
    let (code, out, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("event=stale_lock") || !last_killed, "stale lock not reported:\n{out}");
    assert_complete(&dest);
    let leftovers = staging_leftovers(&dest);
    assert!(leftovers.is_empty(), "staging leftovers: {leftovers:?}");
}

// ---------------------------------------------------------------- polling + settle

#[test]
fn publish_polling_uses_a_slowly_written_file_once_complete_and_a_burst_once() {
    let site = Site::new();
    site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n[publish]\npoll_seconds = 1\nsettle_seconds = 2\n", crate::util::BASE_URL));
    site.file("content/notices/a.md", &notice(1, "", "正文。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let daemon = Daemon::start(&site, &dest, &["--poll-only"]);
    wait_for("the first release", Duration::from_secs(20), || current(&dest).is_some());
    assert!(daemon.log().contains("trigger=startup"), "{}", daemon.log());

    // Another process writes a page slowly, over 10 s, in 20 pieces.
    let text = notice(2, "approved_by = \"陈志远\"\n", &format!("{}SLOW-END", "慢慢写入的正文。\n".repeat(40)));
    let bytes = text.as_bytes().to_vec();
    let path = site.path().join("content/notices/slow.md");
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::File::create(&path).unwrap();
        for piece in bytes.chunks(bytes.len().div_ceil(20)) {
            f.write_all(piece).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    writer.join().unwrap();
    assert_eq!(published(&dest).len(), 1, "published while the file was still being written:\n{}", daemon.log());
    wait_for("the slow file's release", Duration::from_secs(15), || published(&dest).len() == 2);
    let page = std::fs::read_to_string(dest.join("current/notices/slow/index.html")).unwrap();
    assert!(page.contains("SLOW-END"), "incomplete page published");
    assert!(journal(&dest).iter().all(|e| e["outcome"] == "published"), "a half-written file was built: {:?}", journal(&dest));
    let added = &published(&dest)[1]["added"];
    assert_eq!(added[0]["file"], "content/notices/slow.md");
    assert_eq!(added[0]["approved_by"], "陈志远");

    // A burst of 200 files (and Office/Windows leftovers) makes one release.
    for n in 0..200 {
        site.file(&format!("content/burst/b{n}.md"), &notice(n, "", "批量复制的文件。"));
        if n % 50 == 0 {
            site.file("content/burst/~$通知.docx", &format!("lock {n}")).file("content/burst/Thumbs.db", &format!("{n}"));
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    wait_for("the burst's release", Duration::from_secs(15), || published(&dest).len() == 3);
    std::thread::sleep(Duration::from_secs(4)); // poll + settle: nothing else may follow
    let all = published(&dest);
    assert_eq!(all.len(), 3, "a burst made several releases:\n{}", daemon.log());
    assert_eq!(all[2]["added"].as_array().unwrap().len(), 200);
    assert!(dest.join("current/burst/b199/index.html").is_file());
    assert!(!dest.join("current/burst/~$通知.docx").exists());
    assert!(daemon.log().contains("event=settling"), "{}", daemon.log());
}

/// `publish --watch` on a shared folder an officer saves a Word file into, the way
/// Word saves: the `~$` lock file while it is open, the new content written slowly to
/// a temp file, the old file renamed away, the temp file renamed into place. One
/// release, of the saved content; the lock and temp files never published.
#[test]
fn publish_watch_settles_on_word_save_pattern_and_publishes_once() {
    use crate::word::{docx, para};
    let site = Site::new();
    site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\n[publish]\npoll_seconds = 1\nsettle_seconds = 2\n", crate::util::BASE_URL));
    let dir = site.path().join("content/notices");
    let doc = |text: &str| docx(&(para("关于学习的通知", "<w:jc w:val=\"center\"/>") + &para(text, "")), &[]);
    site.bytes("content/notices/通知.docx", &doc("第一稿WORDDRAFT1"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let daemon = Daemon::start(&site, &dest, &[]);
    wait_for("the first release", Duration::from_secs(20), || current(&dest).is_some());
    let page = || std::fs::read_to_string(dest.join("current/notices/通知/index.html")).unwrap_or_default();
    assert!(page().contains("WORDDRAFT1"));

    // Word opens the file (lock), writes the new version slowly, swaps it in by renames.
    std::fs::write(dir.join("~$通知.docx"), b"\x07owner").unwrap();
    let new = doc("第二稿WORDDRAFT2");
    {
        let mut f = std::fs::File::create(dir.join("~WRD0000.tmp")).unwrap();
        for piece in new.chunks(new.len().div_ceil(6)) {
            f.write_all(piece).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(400));
        }
    }
    std::fs::rename(dir.join("通知.docx"), dir.join("~WRL0001.tmp")).unwrap();
    std::fs::rename(dir.join("~WRD0000.tmp"), dir.join("通知.docx")).unwrap();
    std::fs::remove_file(dir.join("~WRL0001.tmp")).unwrap();
    assert_eq!(published(&dest).len(), 1, "published while Word was still writing its temp file:\n{}", daemon.log());
    wait_for("the saved version's release", Duration::from_secs(15), || page().contains("WORDDRAFT2"));
    // The officer closes Word later: the lock goes, and nothing is published for it.
    std::thread::sleep(Duration::from_millis(500));
    std::fs::remove_file(dir.join("~$通知.docx")).unwrap();
    std::thread::sleep(Duration::from_secs(4));
    let all = published(&dest);
    assert_eq!(all.len(), 2, "one release per Word save:\n{}", daemon.log());
    assert!(journal(&dest).iter().all(|e| e["outcome"] == "published"), "{:?}", journal(&dest));
    let names: Vec<String> = crate::util::files(&dest.join("current")).into_keys().collect();
    assert!(!names.iter().any(|n| n.contains("~$") || n.contains("~WR") || n.ends_with(".docx")), "{names:?}");
}

// ---------------------------------------------------------------- wake-ups

#[test]
fn publish_date_appears_on_time_and_expire_date_archives_without_file_changes() {
    let _quiet = crate::util::quiet();
    let site = Site::new();
    let due = chrono::Local::now().naive_local() + chrono::Duration::seconds(3);
    let due = due.with_nanosecond(0).unwrap();
    let at = due.format("%Y-%m-%d %H:%M:%S");
    site.file("content/notices/soon.md", &notice(1, &format!("publish_date = \"{at}\"\n"), "SOONPAGE"));
    site.file("content/notices/ending.md", &notice(2, &format!("expire_date = \"{at}\"\n"), "ENDINGPAGE"));
    site.file("content/notices/plain.md", &notice(3, "", "PLAINPAGE"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    // Polling far apart: only the scheduled wake-up can publish in time.
    let daemon = Daemon::start(&site, &dest, &["--poll-seconds", "60", "--settle-seconds", "1"]);
    wait_for("the first release", Duration::from_secs(20), || current(&dest).is_some());
    assert!(!dest.join("current/notices/soon/index.html").exists(), "published before publish_date");
    assert!(std::fs::read_to_string(dest.join("current/notices/index.html")).unwrap().contains("通知2"));
    let next_wake =
        || std::fs::read_to_string(dest.join("status.json")).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok()).map(|v| v["next_wake"].clone());
    wait_for("status.json to name the next wake-up", Duration::from_secs(5), || next_wake().is_some_and(|w| w.is_string()));
    assert_eq!(status(&dest)["next_wake"].as_str().unwrap(), due.format("%Y-%m-%dT%H:%M:%S").to_string());

    wait_for("the scheduled page", Duration::from_secs(10), || dest.join("current/notices/soon/index.html").exists());
    let now = chrono::Local::now().naive_local();
    let late = (now - due).num_milliseconds();
    assert!((0..=1000).contains(&late), "appeared {late} ms after publish_date\n{}", daemon.log());
    wait_for("the expired page to leave the list", Duration::from_secs(2), || {
        !std::fs::read_to_string(dest.join("current/notices/index.html")).unwrap().contains("通知2")
    });
    let late = (chrono::Local::now().naive_local() - due).num_milliseconds();
    assert!(late <= 1500, "expired page left the list {late} ms after expire_date");
    let archive = std::fs::read_to_string(dest.join("current/archive/index.html")).unwrap();
    let expired = crate::util::between(&archive, "archive-expired", "</section>");
    assert!(expired.contains("通知2") && !expired.contains("通知3"), "{archive}");
    assert!(dest.join("current/notices/ending/index.html").is_file(), "an expired page is archived, not deleted");
    // The journal is appended once the release is live, a moment after the swap.
    wait_for("the scheduled release in the journal", Duration::from_secs(5), || journal(&dest).iter().any(|e| e["trigger"] == "schedule"));
}

// ---------------------------------------------------------------- failures

/// `--strict`: all or nothing, as before page-level isolation.
#[test]
fn publish_strict_broken_page_keeps_the_live_site_and_status_names_file_and_line() {
    let site = Site::new();
    site.file("content/notices/a.md", &notice(1, "", "正文。")).file("content/notices/b.md", &notice(2, "", "正文。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &["--audience", "internal", "--strict"]).0, 0);
    let live = current(&dest).unwrap();
    let before = std::fs::read(dest.join("current/notices/a/index.html")).unwrap();

    site.file("content/notices/a.md", "+++\ntitle = \"通知1\"\ndate = \"昨天\"\n+++\n正文。\n");
    site.file("content/notices/b.md", &notice(2, "", "正文改过了。"));
    let (code, out, err) = publish_once(&site, &dest, &["--audience", "internal", "--strict"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("content/notices/a.md:3:8") && err.contains("线上网站保持不变"), "{err}");
    assert!(out.contains("event=failed") && out.contains("at=content/notices/a.md:3:8"), "{out}");
    assert_eq!(current(&dest).unwrap(), live, "a failed build was published");
    assert_eq!(std::fs::read(dest.join("current/notices/a/index.html")).unwrap(), before);
    assert!(!std::fs::read_to_string(dest.join("current/notices/b/index.html")).unwrap().contains("改过了"), "strict: nothing goes out");

    let st = status(&dest);
    assert_eq!(st["state"], "error");
    assert_eq!(st["current"], live.as_str());
    assert_eq!(st["errors"][0]["location"], "content/notices/a.md:3:8");
    assert_eq!(st["errors"][0]["file"], "content/notices/a.md");
    assert_eq!(st["errors"][0]["line"], 3);
    // The internal site shows the status page, current even though the release is not.
    let page = std::fs::read_to_string(dest.join("current/_status/index.html")).unwrap();
    assert!(page.contains("content/notices/a.md:3:8") && page.contains("生成失败"), "{page}");
    let last = journal(&dest).pop().unwrap();
    assert_eq!(last["outcome"], "failed");
    assert_eq!(last["errors"][0]["location"], "content/notices/a.md:3:8");
    assert!(std::fs::read_to_string(dest.join("current/_status/log.html")).unwrap().contains("公开记录"));
}

#[test]
fn publish_refuses_to_drop_most_pages_unless_forced() {
    let site = Site::new();
    for n in 0..10 {
        site.file(&format!("content/notices/p{n}.md"), &notice(n, "", "正文。"));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&site, &dest, &[]).0, 0);
    let live = current(&dest).unwrap();
    // The share "unmounted": the folder looks empty of pages.
    std::fs::remove_dir_all(site.path().join("content/notices")).unwrap();
    let (code, out, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("拒绝发布") && err.contains("--force"), "{err}");
    assert_eq!(current(&dest).unwrap(), live);
    assert_eq!(status(&dest)["state"], "refused");
    assert_eq!(journal(&dest).last().unwrap()["outcome"], "refused");
    let (code, _, err) = publish_once(&site, &dest, &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(current(&dest).unwrap(), live);
    assert_eq!(published(&dest).last().unwrap()["removed"].as_array().unwrap().len(), 10);
}

#[test]
fn publish_lock_stops_a_second_publisher_and_a_dead_ones_lock_is_cleared() {
    let site = Site::new();
    site.file("content/a.md", &notice(1, "", "正文。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let mut daemon = Daemon::start(&site, &dest, &["--poll-seconds", "60"]);
    wait_for("the daemon's release", Duration::from_secs(20), || current(&dest).is_some());
    let (code, _, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("另一个发布进程") && err.contains(&format!("pid={}", daemon.child.id())), "{err}");
    daemon.child.kill().unwrap();
    daemon.child.wait().unwrap();
    site.file("content/a.md", &notice(1, "", "修改后。"));
    let (code, out, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("event=stale_lock"), "{out}");
}

// ---------------------------------------------------------------- releases, rollback, approval

#[test]
fn publish_releases_rollback_and_approval_log() {
    let site = Site::new();
    site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{}\"\nrequire_approval = true\n", crate::util::BASE_URL));
    site.file("content/notices/ok.md", &notice(1, "approved_by = \"陈志远\"\n", "v1"));
    site.file("content/notices/wait.md", &notice(2, "", "未审批"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let d = dest.to_string_lossy().into_owned();
    let (code, _, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("暂缓发布") && err.contains("content/notices/wait.md"), "{err}");
    assert!(!dest.join("current/notices/wait/index.html").exists(), "an unapproved page was published");
    let first = published(&dest);
    assert_eq!(first[0]["held_back"][0]["file"], "content/notices/wait.md");
    assert_eq!(first[0]["added"][0]["approved_by"], "陈志远");
    assert_eq!(status(&dest)["held_back"][0]["title"], "通知2");
    assert_eq!(publish_once(&site, &dest, &[]).0, 0, "unchanged is not an error");
    assert_eq!(published(&dest).len(), 1, "an identical site makes no release");

    let mut ids = vec![current(&dest).unwrap()];
    for v in 2..=3 {
        site.file("content/notices/ok.md", &notice(1, "approved_by = \"陈志远\"\n", &format!("v{v}")));
        // The releases kept are the admin's setting (the share's config.toml cannot lower it).
        assert_eq!(publish_once(&site, &dest, &["--keep", "2"]).0, 0);
        ids.push(current(&dest).unwrap());
    }
    let (code, out, _) = dwgk(&["releases", "--dest", &d, "--format", "json"]);
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&out).unwrap();
    let listed: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[1].as_str(), ids[2].as_str()], "keep = 2");
    assert_eq!(list[1]["current"], true);
    assert_eq!(published(&dest)[2]["changed"][0]["path"], "/notices/ok/");
    let (code, out, _) = dwgk(&["releases", "--dest", &d]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("* {}", ids[2])), "{out}");

    let (code, _, err) = dwgk(&["rollback", "--dest", &d]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(current(&dest).unwrap(), ids[1]);
    assert!(std::fs::read_to_string(dest.join("current/notices/ok/index.html")).unwrap().contains("v2"));
    let (code, _, err) = dwgk(&["rollback", "--dest", &d, "--to", "20990101-000000-000"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有版本"), "{err}");
    let (code, _, _) = dwgk(&["rollback", "--dest", &d, "--to", &ids[2]]);
    assert_eq!(code, 0);
    assert_eq!(current(&dest).unwrap(), ids[2]);
    let rollbacks: Vec<Value> = journal(&dest).into_iter().filter(|e| e["outcome"] == "rollback").collect();
    assert_eq!(rollbacks.len(), 2);
    assert_eq!(rollbacks[0]["release"], ids[1].as_str());
    assert_eq!(rollbacks[0]["previous"], ids[2].as_str());
}

/// Releases are built in the spare (a pruned release, rewritten in place): every kept
/// release stays byte for byte as it was published, a deleted page is gone from the
/// new release only, and the release current until a swap is never reused.
#[test]
fn publish_reuses_pruned_releases_without_touching_kept_ones() {
    let site = Site::new();
    for n in 0..8 {
        site.file(&format!("content/notices/p{n}.md"), &notice(n, "", &format!("正文{n}。")));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let mut snapshots: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for v in 0..6 {
        site.file("content/notices/p0.md", &notice(0, "", &format!("第 {v} 版。")));
        if v == 4 {
            // p5's file is shared by every kept release and the spare: it must be
            // replaced in the new release, not written through.
            site.remove("content/notices/p3.md");
            site.file("content/notices/p5.md", &notice(5, "", "正文5，改过。"));
        }
        let (code, out, err) = publish_once(&site, &dest, &["--keep", "2"]);
        assert_eq!(code, 0, "release {v}:\n{out}\n{err}");
        let id = current(&dest).unwrap();
        assert_complete(&dest);
        snapshots.insert(id.clone(), crate::util::files(&dest.join("releases").join(&id)));
        let kept: Vec<String> = std::fs::read_dir(dest.join("releases")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(kept.len(), v.min(1) + 1, "keep = 2: {kept:?}");
        for k in &kept {
            assert_eq!(crate::util::files(&dest.join("releases").join(k)), snapshots[k], "release {k} changed after it was published (at release {v})");
        }
        if v >= 3 {
            assert!(dest.join(".spare").is_dir(), "a pruned release is kept as the spare");
        }
    }
    let newest = current(&dest).unwrap();
    assert!(!dest.join("releases").join(&newest).join("notices/p3/index.html").exists(), "a deleted page survived in the reused tree");
    let staged = staging_leftovers(&dest);
    assert!(staged.is_empty(), "staging leftovers: {staged:?}");
}

#[test]
fn publish_usage_errors_are_chinese() {
    let site = Site::new();
    let s = site.path().to_string_lossy().into_owned();
    let (code, _, err) = dwgk(&["publish", "--source", &s]);
    assert_eq!(code, 2);
    assert!(err.contains("没有指定发布目录") && err.contains("--dest"), "{err}");
    let (code, _, err) = dwgk(&["publish", "--source", &s, "--dest", "/tmp/x", "--schedule", "0 25 * * *"]);
    assert_eq!(code, 2);
    assert!(err.contains("超出范围"), "{err}");
    let (code, _, err) = dwgk(&["rollback", "--dest", "/nonexistent/dwgk"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有发布的版本"), "{err}");
}
