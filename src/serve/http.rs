//! A small, safe HTTP server for previews (GET and HEAD, single byte ranges).
//! Paths are percent-decoded, `..` is refused, and a file served from disk must
//! resolve inside the site folder (no symlink escapes).
//!
//! `serve_live` serves the preview server's in-memory site: every HTML page gets
//! a small inline script (live reload over server-sent events on `/__dwgk/events`,
//! the error overlay, CSS swaps) and, for drafts and scheduled or expired pages, a
//! banner. Both are added here, on the way out: built output never contains them.

use super::live::{Banner, Out, Served};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Serves the files of a folder (a finished build).
pub fn serve(listener: TcpListener, root: PathBuf) {
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = handle_dir(stream, &root);
        });
    }
}

/// Serves the preview server's live site.
pub fn serve_live(listener: TcpListener, served: Arc<Served>) {
    for stream in listener.incoming().flatten() {
        let served = served.clone();
        std::thread::spawn(move || {
            let _ = handle_live(stream, &served);
        });
    }
}

struct Req {
    method: String,
    target: String,
    range: Option<String>,
}

fn read_request(stream: &TcpStream) -> std::io::Result<Req> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    Ok(Req { method: parts.next().unwrap_or("").to_string(), target: parts.next().unwrap_or("/").to_string(), range })
}

fn handle_dir(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let head = req.method == "HEAD";
    if req.method != "GET" && !head {
        return respond(&mut stream, 405, "text/plain; charset=utf-8", b"method not allowed", head, &[]);
    }
    match resolve(root, &req.target) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            respond_ranged(&mut stream, content_type(&file), &body, head, req.range.as_deref(), &disposition(&file))
        }
        None => {
            let body = std::fs::read(root.join("404.html")).unwrap_or_else(|_| "404 页面不存在".as_bytes().to_vec());
            respond(&mut stream, 404, "text/html; charset=utf-8", &body, head, &[])
        }
    }
}

/// Percent-decodes a request path into `/`-separated segments; `None` for
/// anything that could leave the site (`..`, NUL, backslashes, invalid UTF-8).
pub fn clean_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = String::from_utf8(crate::site::links::percent_decode_bytes(path)).ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut segs = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => segs.push(s),
        }
    }
    let mut rel = segs.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

/// Maps a request target to a file inside `root`, or `None`.
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let rel = clean_path(target)?;
    let mut file = root.join(rel.trim_end_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    inside(root, &file)
}

/// `file`, canonical, when it resolves to a regular file inside `root`.
fn inside(root: &Path, file: &Path) -> Option<PathBuf> {
    let canonical = file.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (canonical.starts_with(&root) && canonical.is_file()).then_some(canonical)
}

fn handle_live(mut stream: TcpStream, served: &Served) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let head = req.method == "HEAD";
    let path_only = req.target.split(['?', '#']).next().unwrap_or("/");
    if path_only == "/__dwgk/events" {
        let since = req.target.split_once("since=").and_then(|(_, v)| v.split('&').next()?.parse().ok()).unwrap_or(0);
        return events(stream, served, since);
    }
    if req.method != "GET" && !head {
        return respond(&mut stream, 405, "text/plain; charset=utf-8", "不支持的请求方法".as_bytes(), head, &[("Allow", "GET, HEAD".into())]);
    }
    let Some(rel) = clean_path(&req.target) else {
        return not_found(&mut stream, served, head);
    };
    let key = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.clone() };
    let found = served.outputs.read().expect("outputs").get(&key).cloned();
    let found = match found {
        Some(f) => f,
        None => {
            // `/notices` → `/notices/`, so relative links inside it work.
            if !rel.is_empty() && !rel.ends_with('/') && served.outputs.read().expect("outputs").contains_key(&format!("{rel}/index.html")) {
                let location = format!("{}/", path_only);
                return respond(&mut stream, 301, "text/plain; charset=utf-8", b"", head, &[("Location", location)]);
            }
            return not_found(&mut stream, served, head);
        }
    };
    let ctype = content_type(Path::new(&key));
    match &found {
        Out::Stored { .. } => {
            let bytes = found.rendered().expect("stored")?;
            if ctype.starts_with("text/html") {
                let banner = served.banners.read().expect("banners").get(&key).copied();
                respond(&mut stream, 200, ctype, &inject(&bytes, banner, served), head, &[])
            } else {
                respond_ranged(&mut stream, ctype, &bytes, head, req.range.as_deref(), &[])
            }
        }
        Out::File(p) => match inside(&served.root, p) {
            Some(file) => {
                let body = std::fs::read(&file)?;
                respond_ranged(&mut stream, ctype, &body, head, req.range.as_deref(), &disposition(&file))
            }
            None => not_found(&mut stream, served, head),
        },
    }
}

fn not_found(stream: &mut TcpStream, served: &Served, head: bool) -> std::io::Result<()> {
    let page = served.outputs.read().expect("outputs").get("404.html").cloned();
    let body = match page {
        Some(out @ Out::Stored { .. }) => out.rendered().and_then(Result::ok).unwrap_or_default(),
        _ => "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><h1>404 页面不存在</h1><p>网站尚未成功生成，或这个网址没有对应的页面。</p></body></html>".as_bytes().to_vec(),
    };
    let body = inject(&body, None, served);
    respond(stream, 404, "text/html; charset=utf-8", &body, head, &[])
}

/// The live-reload stream: one message now (the current errors), then one per
/// rebuild; a comment every 15 s notices closed connections.
fn events(mut stream: TcpStream, served: &Served, mut since: u64) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n")?;
    let mut first = true;
    loop {
        let msg = {
            let mut st = served.status.lock().expect("status");
            if !first && st.build <= since {
                let (guard, _) = served.changed.wait_timeout(st, Duration::from_secs(15)).expect("status");
                st = guard;
            }
            if first || st.build > since {
                let change = Served::changes_since(&st, since);
                let (paths, css, all) = match &change {
                    Some(c) => (c.paths.clone(), c.css, c.all),
                    None => (Vec::new(), true, true),
                };
                since = st.build;
                Some(format!(
                    "{{\"build\":{},\"paths\":{},\"css\":{css},\"all\":{all},\"errors\":{}}}",
                    st.build,
                    serde_json::to_string(&paths).expect("paths"),
                    st.errors
                ))
            } else {
                None
            }
        };
        first = false;
        match msg {
            Some(m) => stream.write_all(format!("data: {m}\n\n").as_bytes())?,
            None => stream.write_all(b": ping\n\n")?,
        }
        stream.flush()?;
    }
}

const SCRIPT: &str = include_str!("live.js");

/// Adds the live-reload script (before `</body>`) and the preview banner (after `<body>`).
pub fn inject(html: &[u8], banner: Option<Banner>, served: &Served) -> Vec<u8> {
    let (build, errors) = {
        let st = served.status.lock().expect("status");
        (st.build, st.errors.clone())
    };
    let script = format!("<script data-dwgk-live>var __dwgk={{build:{build},errors:{}}};\n{SCRIPT}</script>", errors.replace("</", "<\\/"));
    let mut out = Vec::with_capacity(html.len() + script.len() + 300);
    let lower = html.to_ascii_lowercase();
    let find = |needle: &[u8], from_end: bool| {
        let mut it = lower.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i);
        if from_end {
            it.next_back()
        } else {
            it.next()
        }
    };
    let body_open = banner.and_then(|_| find(b"<body", false)).and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1));
    let body_close = find(b"</body>", true).unwrap_or(html.len());
    let mut at = 0;
    if let (Some(b), Some(open)) = (banner, body_open.filter(|&o| o <= body_close)) {
        out.extend_from_slice(&html[..open]);
        let class = match b {
            Banner::Draft => "draft",
            Banner::Scheduled => "scheduled",
            Banner::Expired => "expired",
        };
        out.extend_from_slice(
            format!("<div class=\"dwgk-preview-banner dwgk-{class}\" role=\"note\" style=\"background:#fff3cd;color:#5c4400;border-bottom:2px solid #e0a800;padding:8px 16px;font:15px/1.5 sans-serif;text-align:center\">{}</div>", b.text()).as_bytes(),
        );
        at = open;
    }
    out.extend_from_slice(&html[at..body_close]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[body_close..]);
    out
}

/// `Content-Disposition` keeping a non-ASCII attachment name (RFC 6266/5987).
fn disposition(file: &Path) -> Vec<(&'static str, String)> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_ascii() || content_type(file).starts_with("text/html") {
        return Vec::new();
    }
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    vec![("Content-Disposition", format!("inline; filename*=UTF-8''{enc}"))]
}

/// A single `bytes=` range of a body of `len` bytes: `Some(Ok((start, end)))`
/// inclusive, `Some(Err(()))` unsatisfiable, `None` to send the whole body.
pub fn parse_range(header: &str, len: usize) -> Option<Result<(usize, usize), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None; // several ranges: the whole body is a valid answer
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if len == 0 {
        return Some(Err(()));
    }
    let r = if a.is_empty() {
        let n: usize = b.parse().ok()?;
        if n == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let start: usize = a.parse().ok()?;
        let end = if b.is_empty() { len - 1 } else { b.parse::<usize>().ok()?.min(len - 1) };
        if start >= len || end < start {
            return Some(Err(()));
        }
        (start, end)
    };
    Some(Ok(r))
}

fn respond_ranged(stream: &mut TcpStream, ctype: &str, body: &[u8], head: bool, range: Option<&str>, extra: &[(&str, String)]) -> std::io::Result<()> {
    let mut headers: Vec<(&str, String)> = extra.to_vec();
    headers.push(("Accept-Ranges", "bytes".into()));
    match range.and_then(|r| parse_range(r, body.len())) {
        Some(Ok((s, e))) => {
            headers.push(("Content-Range", format!("bytes {s}-{e}/{}", body.len())));
            respond(stream, 206, ctype, &body[s..=e], head, &headers)
        }
        Some(Err(())) => {
            headers.push(("Content-Range", format!("bytes */{}", body.len())));
            respond(stream, 416, "text/plain; charset=utf-8", b"", head, &headers)
        }
        None => respond(stream, 200, ctype, body, head, &headers),
    }
}

fn respond(stream: &mut TcpStream, status: u16, ctype: &str, body: &[u8], head: bool, extra: &[(&str, String)]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        _ => "Method Not Allowed",
    };
    let mut header =
        format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n", body.len());
    for (k, v) in extra {
        header.push_str(&format!("{k}: {v}\r\n"));
    }
    header.push_str("\r\n");
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "ofd" => "application/ofd",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "wps" => "application/vnd.ms-works",
        "zip" => "application/zip",
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("通知")).unwrap();
        std::fs::write(site.join("通知/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        assert!(resolve(&site, "/%E9%80%9A%E7%9F%A5/").is_some());
        assert!(resolve(&site, "/../secret.txt").is_none());
        assert!(resolve(&site, "/%2e%2e/secret.txt").is_none());
        assert!(resolve(&site, "/%2E%2E%2Fsecret.txt").is_none());
        assert!(resolve(&site, "/a/..%5csecret.txt").is_none());
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), site.join("link.txt")).unwrap();
        assert!(resolve(&site, "/link.txt").is_none(), "symlink out of the tree");
    }

    #[test]
    fn paths_and_ranges() {
        assert_eq!(clean_path("/%E9%80%9A%E7%9F%A5/?x=1").as_deref(), Some("通知/"));
        assert_eq!(clean_path("/a/./b.pdf").as_deref(), Some("a/b.pdf"));
        assert_eq!(clean_path("/%25中"), Some("%中".into()), "no panic on a % before multibyte text");
        assert_eq!(clean_path("/%e9%80"), None, "invalid UTF-8");
        assert_eq!(clean_path("/a%00b"), None);
        assert_eq!(parse_range("bytes=0-99", 1000), Some(Ok((0, 99))));
        assert_eq!(parse_range("bytes=900-", 1000), Some(Ok((900, 999))));
        assert_eq!(parse_range("bytes=-100", 1000), Some(Ok((900, 999))));
        assert_eq!(parse_range("bytes=990-2000", 1000), Some(Ok((990, 999))));
        assert_eq!(parse_range("bytes=1000-", 1000), Some(Err(())));
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(parse_range("items=0-1", 1000), None);
        assert_eq!(content_type(Path::new("报名表.PDF")), "application/pdf");
    }
}
