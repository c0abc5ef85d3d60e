//! docs/deploy.md's nginx site, as written there, with real nginx and headless
//! Chromium: the pages and the search work with no request blocked by the content
//! security policy, every response carries `nosniff`, and files that would run if a
//! browser opened them — an `.html`, `.svg` or `.xml` with script planted in the
//! published folder, a `.txt` holding markup — run nothing (defence in depth behind
//! the build's refusal of active attachments: tests/integration/share_attacks.rs).

use crate::browser::chromium;
use crate::cdp;
use crate::util::{pct, require, Site};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The ```nginx blocks of docs/deploy.md, in order.
fn deploy_blocks() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deploy.md")).unwrap();
    doc.split("```nginx\n").skip(1).map(|b| b.split("```").next().unwrap().to_string()).collect()
}

struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SAFETY: kill has no preconditions; the pid is our child's, not yet reaped.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// nginx with the deploy.md configuration, serving `root` on a loopback port.
fn start(exe: &str, root: &Path) -> Nginx {
    let blocks = deploy_blocks();
    assert_eq!(blocks.len(), 2, "docs/deploy.md has the headers file and the site");
    let dir = tempfile::Builder::new().prefix("dwgk-nginx-site-").tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server =
        blocks[1].replace("listen 80;", &format!("listen 127.0.0.1:{port};")).replace("root /srv/dwgk/public/current;", &format!("root {};", root.display()));
    assert!(server.contains(&format!("127.0.0.1:{port}")) && server.contains(&root.display().to_string()), "the site block changed shape:\n{server}");
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    let p = dir.path().display();
    let conf = format!(
        "{user}worker_processes 1;\ndaemon off;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\nevents {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n{maps}\n{server}\n}}\n",
        user = if as_root { "user nobody nogroup;\n" } else { "" },
        maps = blocks[0],
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let check = Command::new(exe).arg("-t").arg("-p").arg(dir.path()).arg("-c").arg(dir.path().join("nginx.conf")).output().unwrap();
    assert!(check.status.success(), "nginx -t: {}", String::from_utf8_lossy(&check.stderr));
    let child = Command::new(exe)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let n = Nginx { child, port, _dir: dir };
    let t0 = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(t0.elapsed() < Duration::from_secs(10), "nginx did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    n
}

/// The head of a GET (lower-case header names).
fn head(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: dangjian.intranet\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    text.split("\r\n\r\n").next().unwrap_or("").to_ascii_lowercase()
}

#[test]
fn the_deploy_nginx_site_runs_the_portal_and_nothing_planted() {
    let _heavy = crate::util::heavy();
    let Some(exe) = require(["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| Path::new(p).exists()), "nginx", "apt-get install nginx") else {
        return;
    };
    let s = Site::new();
    s.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n")
        .file(
            "content/notices/a.md",
            "+++\ntitle = \"关于开展主题党日活动的通知\"\ndate = 2024-03-01\n+++\n请各支部<span style=\"color:#b71c1c\">按时</span>参加主题党日。[报名表](报名表.pdf)\n",
        )
        .bytes("content/notices/报名表.pdf", b"%PDF-1.4 form");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    s.run(&["build", "--output", &out.to_string_lossy()]).expect(0);
    // Planted after the build: what the build would have refused.
    std::fs::write(out.join("planted.html"), "<!DOCTYPE html><title>planted</title><script>top.__pwned=1;document.title='PWNED-HTML'</script>").unwrap();
    std::fs::write(out.join("planted.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>top.__pwned=2</script><circle r=\"5\"/></svg>").unwrap();
    std::fs::write(out.join("planted.xml"), "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>top.__pwned=3</script></html>").unwrap();
    std::fs::write(out.join("说明.txt"), "<html><script>top.__pwned=4</script></html>").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let n = start(exe, &out);

    let page = head(n.port, "/notices/a/");
    assert!(page.starts_with("http/1.1 200") && page.contains("x-content-type-options: nosniff"), "{page}");
    assert!(page.contains("content-security-policy: default-src 'self'; script-src 'self'") && page.contains("cache-control: no-cache"), "{page}");
    for planted in ["/planted.svg", "/planted.xml", "/js/search.js", &pct("/说明.txt")] {
        let h = head(n.port, planted);
        assert!(h.contains("content-security-policy: sandbox; default-src 'none'") && h.contains("nosniff"), "{planted}: {h}");
    }
    let pdf = head(n.port, &pct("/notices/报名表.pdf"));
    assert!(pdf.contains("content-disposition: attachment") && pdf.contains("max-age=600") && !pdf.contains("content-security-policy"), "{pdf}");
    assert!(head(n.port, "/css/site.css").contains("max-age=3600"));
    assert!(head(n.port, "/.dwgk-output").starts_with("http/1.1 403") && head(n.port, "/_status/").starts_with("http/1.1 403"));

    let Some(browser) = chromium() else { return };
    let base = format!("http://127.0.0.1:{}/", n.port);
    let mut b = cdp::Browser::launch(browser);
    for p in [String::new(), "notices/".into(), "notices/a/".into(), format!("search/?q={}", pct("主题党日"))] {
        b.navigate(&format!("{base}{p}"));
        if p.starts_with("search/") {
            b.wait_for("document.querySelector('#dwgk-search[data-ms]')", Duration::from_secs(20)).unwrap();
            let hits = b.eval("document.querySelectorAll('.search-result-title a').length");
            assert!(hits.as_u64().is_some_and(|h| h >= 1), "the search works under the policy: {hits}");
        }
        if p == "notices/a/" {
            assert_eq!(
                b.eval("getComputedStyle(document.querySelector('.content span')).color"),
                "rgb(183, 28, 28)",
                "inline styles from the content still apply"
            );
        }
        let errors = b.take_errors();
        assert!(errors.is_empty(), "{p}: {errors:?}");
    }
    for (p, n) in [("planted.html", 1), ("planted.svg", 2), ("planted.xml", 3), (&*pct("说明.txt"), 4)] {
        b.navigate(&format!("{base}{p}"));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(b.eval("typeof top.__pwned"), "undefined", "{p}: script {n} ran");
        assert!(!b.eval("document.title").as_str().unwrap_or("").contains("PWNED"), "{p}");
    }
    // The check can fail: the same planted page from a server without the policy runs.
    let plain = crate::browser::serve_dir(out.clone());
    b.navigate(&format!("{plain}planted.html"));
    b.wait_for("top.__pwned === 1", Duration::from_secs(5)).expect("without the policy the planted script runs");
}
