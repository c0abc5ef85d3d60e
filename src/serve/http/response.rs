//! Writing responses: status line and headers, single byte ranges, content types,
//! attachment names that keep their Chinese.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;

/// `Content-Disposition` keeping a non-ASCII attachment name (RFC 6266/5987).
pub(super) fn disposition(file: &Path) -> Vec<(&'static str, String)> {
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

pub(super) fn respond_ranged(
    stream: &mut TcpStream,
    ctype: &str,
    body: &[u8],
    head: bool,
    range: Option<&str>,
    extra: &[(&str, String)],
) -> std::io::Result<()> {
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

pub(super) fn respond(stream: &mut TcpStream, status: u16, ctype: &str, body: &[u8], head: bool, extra: &[(&str, String)]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n",
        body.len()
    );
    // Anything but a page is never a document that can run script, even if a browser
    // is made to open it as one (the same defence as docs/deploy.md's nginx site).
    // Not PDFs: browsers show them in a viewer of their own, which a sandbox blocks.
    if !ctype.starts_with("text/html") && ctype != "application/pdf" {
        header.push_str("Content-Security-Policy: sandbox; default-src 'none'\r\n");
    }
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
