//! `dwgk serve` as an untrusted network sees it: a foreign Host (DNS rebinding) gets
//! 421 and no page, an oversized request line or head gets 414/431 without the server
//! growing, a client that sends its head slowly is cut off, connections past the cap
//! get 503, and no redirect points off the server (`//notices` stays on it).

use crate::serve::{http, Server};
use crate::util::Site;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn site() -> Site {
    let s = Site::new();
    s.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n")
        .file("content/notices/a.md", "+++\ntitle = \"党内通知\"\nscope = \"internal\"\ndate = 2024-03-01\n+++\n内部正文 CANARY-PREVIEW。\n")
        .bytes("content/notices/附件.pdf", b"%PDF-1.4 attachment")
        .bytes("content/notices/说明.txt", b"<script>document.title='PWNED'</script>");
    s
}

/// Sends `raw` and returns the status and the whole answer (the server closes).
fn raw(port: u16, raw: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // Written beside the reading: a server that stops reading early answers while
    // the rest is still being sent (and may reset it: fine).
    let mut w = s.try_clone().unwrap();
    let bytes = raw.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = w.write_all(&bytes);
    });
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let _ = s.shutdown(std::net::Shutdown::Both);
    let _ = writer.join();
    let text = String::from_utf8_lossy(&out).into_owned();
    (text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), text)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap()
}

#[test]
fn a_foreign_host_gets_421_and_nothing_of_the_site() {
    let site = site();
    let s = Server::start(&site, &["--allow-host", "dangjian-pc"]);
    assert!(s.get("/notices/a/").text().contains("CANARY-PREVIEW"), "the preview works with its own address");
    for host in ["attacker.example", "attacker.example:1111", "127.0.0.1.attacker.example", "localhost.attacker.example"] {
        let (status, text) = raw(s.port, format!("GET /notices/a/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(status, 421, "{host}: {text}");
        assert!(!text.contains("CANARY-PREVIEW") && text.contains("--allow-host"), "{host}: {text}");
    }
    let (status, _) = raw(s.port, b"GET /__dwgk/events HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
    assert_eq!(status, 421, "the live-reload stream too");
    let (status, _) = raw(s.port, b"GET /notices/a/ HTTP/1.1\r\n\r\n");
    assert_eq!(status, 421, "no Host at all");
    for host in ["localhost:1111", "127.0.0.1", "[::1]:1111", "DANGJIAN-PC:1111"] {
        let (status, text) = raw(s.port, format!("GET /notices/a/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(status, 200, "{host}: {text}");
    }
}

#[test]
fn redirects_never_point_off_the_server() {
    let site = site();
    let s = Server::start(&site, &[]);
    for (target, location) in [("/notices", "/notices/"), ("//notices", "/notices/"), ("///notices?x=1", "/notices/?x=1"), ("/./notices", "/notices/")] {
        let r = http(s.port, "GET", target, &[]);
        assert_eq!((r.status, r.header("Location").as_deref()), (301, Some(location)), "{target}");
    }
}

#[test]
fn oversized_heads_are_refused_without_the_server_growing() {
    let site = site();
    let s = Server::start(&site, &[]);
    let pid = s.pid();
    let before = rss_kib(pid);
    // A 64 MiB request line, sent as fast as the socket takes it.
    let mut line = b"GET /".to_vec();
    line.resize(64 << 20, b'a');
    let (status, _) = raw(s.port, &line);
    assert_eq!(status, 414);
    let mut headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for i in 0..4000 {
        headers.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "b".repeat(40)).as_bytes());
    }
    headers.extend_from_slice(b"\r\n");
    let (status, _) = raw(s.port, &headers);
    assert_eq!(status, 431);
    let after = rss_kib(pid);
    assert!(after < before + 16 * 1024, "the server grew from {before} KiB to {after} KiB");
    assert_eq!(s.get("/notices/").status, 200, "and still serves");
}

#[test]
fn a_slow_head_is_cut_off_and_connections_are_capped() {
    let site = site();
    let s = Server::start(&site, &[]);
    // Past the cap of 64 connections at once, the next one is told 503 at once.
    let mut idle: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            c.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (status, text) = raw(s.port, b"GET /notices/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 503, "{text}");
    // A head that never finishes is cut off after its 10 s, and the slots come back.
    let t0 = Instant::now();
    let c = &mut idle[0];
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = [0u8; 64];
    let n = c.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the slow client was closed");
    assert!(t0.elapsed() < Duration::from_secs(15), "closed after {:?}", t0.elapsed());
    drop(idle);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.get("/notices/").status, 200);
}

#[test]
fn responses_are_never_sniffed_and_attachments_never_run() {
    let site = site();
    let s = Server::start(&site, &[]);
    let page = s.get("/notices/");
    assert_eq!(page.header("X-Content-Type-Options").as_deref(), Some("nosniff"));
    let pdf = s.get(&crate::util::pct("/notices/附件.pdf"));
    assert_eq!((pdf.status, pdf.header("X-Content-Type-Options").as_deref()), (200, Some("nosniff")), "{}", s.log());
    let txt = s.get(&crate::util::pct("/notices/说明.txt"));
    assert_eq!((txt.status, txt.header("Content-Type").as_deref()), (200, Some("text/plain; charset=utf-8")));
    assert!(txt.header("Content-Security-Policy").is_some_and(|c| c.contains("sandbox")), "{}", txt.head);
}
