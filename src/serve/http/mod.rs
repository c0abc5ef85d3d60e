//! A small, safe HTTP server for previews (GET and HEAD, single byte ranges).
//! Paths are percent-decoded, `..` is refused, and a file served from disk must
//! resolve inside the site folder (no symlink escapes). Request heads are bounded
//! in size and time and the Host is checked (`head`); at most `MAX_CONNECTIONS`
//! are served at once (503 past that); redirects stay on this server.
//!
//! `serve_live` serves the preview server's in-memory site: every HTML page gets
//! a small inline script (live reload over server-sent events on `/__dwgk/events`,
//! the error overlay, CSS swaps) and, for drafts and scheduled or expired pages, a
//! banner. Both are added here, on the way out: built output never contains them.

mod head;
mod inject;
mod paths;
mod response;

pub use head::Hosts;
use head::{read_head, Req};

pub use inject::inject;
use paths::inside;
pub use paths::{clean_path, resolve};
pub use response::{content_type, parse_range};
use response::{disposition, respond, respond_ranged};

use super::live::{Out, Served};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 64;

/// Serves the files of a folder (a finished build).
pub fn serve(listener: TcpListener, root: PathBuf) {
    accept(listener, move |stream| handle_dir(stream, &root));
}

/// Serves the preview server's live site to the `hosts` it answers to.
pub fn serve_live(listener: TcpListener, served: Arc<Served>, hosts: Hosts) {
    let hosts = Arc::new(hosts);
    accept(listener, move |stream| handle_live(stream, &served, &hosts));
}

/// One thread per connection, at most `MAX_CONNECTIONS` at once.
fn accept(listener: TcpListener, handle: impl Fn(TcpStream) -> std::io::Result<()> + Send + Sync + 'static) {
    let handle = Arc::new(handle);
    let open = Arc::new(AtomicUsize::new(0));
    for mut stream in listener.incoming().flatten() {
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ =
                respond(&mut stream, 503, "text/plain; charset=utf-8", "预览服务器同时连接太多，请稍后刷新".as_bytes(), false, &[("Retry-After", "1".into())]);
            continue;
        }
        let (handle, open) = (handle.clone(), open.clone());
        std::thread::spawn(move || {
            let _ = handle(stream);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// After answering a refused head: stop sending and read (and drop) a little of what
/// the client is still sending, so that closing does not reset the connection before
/// the client has read the answer. Bounded: at most 1 MiB or half a second.
fn linger(stream: &mut TcpStream) {
    use std::io::Read;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let until = std::time::Instant::now() + Duration::from_millis(500);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0;
    while total < (1 << 20) {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// The request head, or the answer to a refused one (`None`: nothing to serve).
fn request(stream: &mut TcpStream) -> std::io::Result<Option<Req>> {
    match read_head(stream) {
        Ok(req) => Ok(Some(req)),
        Err(refused) => {
            if let Some(status) = refused.status() {
                let body = match status {
                    414 => "请求的网址太长".as_bytes(),
                    431 => "请求头太大".as_bytes(),
                    _ => "请求格式不对".as_bytes(),
                };
                respond(stream, status, "text/plain; charset=utf-8", body, false, &[])?;
                linger(stream);
            }
            Ok(None)
        }
    }
}

fn handle_dir(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let Some(req) = request(&mut stream)? else { return Ok(()) };
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

fn handle_live(mut stream: TcpStream, served: &Served, hosts: &Hosts) -> std::io::Result<()> {
    let Some(req) = request(&mut stream)? else { return Ok(()) };
    let head = req.method == "HEAD";
    match req.host.as_deref() {
        Some(h) if hosts.allows(h) => {}
        other => {
            let name = other.unwrap_or("（没有 Host）");
            let body = format!(
                "421 预览服务器不接受主机名“{name}”。只能用 localhost、127.0.0.1 或启动时监听的地址访问；这是本机的名字时，启动时加 --allow-host {name}"
            );
            return respond(&mut stream, 421, "text/plain; charset=utf-8", body.as_bytes(), head, &[]);
        }
    }
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
            // `/notices` → `/notices/`, so relative links inside it work. The address is
            // made from the cleaned path: `//notices` must not become `//notices/`,
            // which a browser reads as another host.
            if !rel.is_empty() && !rel.ends_with('/') && served.outputs.read().expect("outputs").contains_key(&format!("{rel}/index.html")) {
                let query = req.target.split_once('?').map_or(String::new(), |(_, q)| format!("?{}", q.split('#').next().unwrap_or("")));
                // An output's own path (slugs have no `#` or `?`), percent-encoded.
                let location = format!("/{}/{query}", crate::site::urls::encode_path(&rel));
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
                respond(&mut stream, 200, ctype, &inject(&bytes, &key, banner, served), head, &[])
            } else {
                respond_ranged(&mut stream, ctype, &bytes, head, req.range.as_deref(), &[])
            }
        }
        // A file the build resolved inside its fence (the site or an allowed folder):
        // opened following no link, it is still that file; without `openat2`, only
        // files under the site folder are served.
        Out::File(p) => match if crate::io::confine::whole_path_supported() { Some(p.clone()) } else { inside(&served.root, p) } {
            Some(file) => {
                let body = crate::io::confine::read(&file, None)?;
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
    let body = inject(&body, "404.html", None, served);
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
                    "{{\"build\":{},\"paths\":{},\"css\":{css},\"all\":{all},\"errors\":{},\"held\":{}}}",
                    st.build,
                    serde_json::to_string(&paths).expect("paths"),
                    st.errors,
                    st.held
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
