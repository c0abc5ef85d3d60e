//! Reading a request head within bounds: the request line and the whole head have
//! size limits (414 and 431 past them), the head must arrive within a total time
//! (a client sending one byte a second is cut off), and the Host header is checked
//! against the names the preview answers to (421 otherwise: a page on another site
//! whose name an attacker points at this machine — DNS rebinding — reads nothing).

use std::io::Read;
use std::net::{IpAddr, TcpStream};
use std::time::{Duration, Instant};

/// Longest request line (method, target, version) accepted.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Longest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 32 * 1024;
/// How long a client may take to send its whole head.
pub const HEAD_TIME: Duration = Duration::from_secs(10);

pub struct Req {
    pub method: String,
    pub target: String,
    pub range: Option<String>,
    /// The Host header's name, lower case, without port or brackets.
    pub host: Option<String>,
}

/// Why a head was not accepted: the status to answer, or nothing (the client went away or was too slow).
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    LineTooLong,
    HeadTooLarge,
    Malformed,
    Gone,
}

impl Refused {
    pub fn status(&self) -> Option<u16> {
        match self {
            Refused::LineTooLong => Some(414),
            Refused::HeadTooLarge => Some(431),
            Refused::Malformed => Some(400),
            Refused::Gone => None,
        }
    }
}

/// Reads one request head from `stream`, bounded in size and time.
pub fn read_head(stream: &mut TcpStream) -> Result<Req, Refused> {
    let deadline = Instant::now() + HEAD_TIME;
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = head_end(&buf) {
            break end;
        }
        let line_len = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
        if line_len > MAX_REQUEST_LINE {
            return Err(Refused::LineTooLong);
        }
        if buf.len() > MAX_HEAD {
            return Err(if buf.contains(&b'\n') { Refused::HeadTooLarge } else { Refused::LineTooLong });
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(Refused::Gone);
        }
        // Never read past the limit: a huge head costs at most MAX_HEAD bytes of memory.
        let room = (MAX_HEAD + 1 - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) | Err(_) => return Err(Refused::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    parse(&buf[..end])
}

/// The end of the head (after its blank line), if it has arrived.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn parse(head: &[u8]) -> Result<Req, Refused> {
    let text = std::str::from_utf8(head).map_err(|_| Refused::Malformed)?;
    let mut lines = text.lines();
    let request_line = lines.next().ok_or(Refused::Malformed)?;
    if request_line.len() > MAX_REQUEST_LINE {
        return Err(Refused::LineTooLong);
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().ok_or(Refused::Malformed)?, parts.next().ok_or(Refused::Malformed)?);
    let mut req = Req { method: method.to_string(), target: target.to_string(), range: None, host: None };
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("range") {
            req.range = Some(v.to_string());
        } else if k.eq_ignore_ascii_case("host") {
            if req.host.is_some() {
                return Err(Refused::Malformed); // two Host headers: never guess which one counts
            }
            req.host = Some(host_name(v));
        }
    }
    Ok(req)
}

/// `Example.org:8080` → `example.org`; `[::1]:1111` → `::1`.
fn host_name(v: &str) -> String {
    let v = v.trim().to_ascii_lowercase();
    let name = match v.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or("").to_string(),
        None => match v.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => h.to_string(),
            _ => v.clone(),
        },
    };
    name.trim_end_matches('.').to_string()
}

/// The Host names the preview answers to: localhost and the loopback addresses, the
/// address it is bound to (any address literal when bound to all interfaces — an
/// address cannot be rebound to another site), and the names given with `--allow-host`.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
    any_address: bool,
}

impl Hosts {
    pub fn new(bind: &str, allowed: &[String]) -> Hosts {
        let bind = host_name(bind);
        let any_address = bind.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].iter().map(|s| s.to_string()).collect();
        names.push(bind);
        names.extend(allowed.iter().map(|a| host_name(a)));
        Hosts { names, any_address }
    }

    pub fn allows(&self, host: &str) -> bool {
        self.names.iter().any(|n| n == host) || (self.any_address && host.parse::<IpAddr>().is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_and_who_is_answered() {
        assert_eq!(host_name("Example.ORG:8080"), "example.org");
        assert_eq!(host_name("[::1]:1111"), "::1");
        assert_eq!(host_name("localhost."), "localhost");
        let local = Hosts::new("127.0.0.1", &[]);
        assert!(local.allows("localhost") && local.allows("127.0.0.1") && local.allows("::1"));
        assert!(!local.allows("attacker.example") && !local.allows("192.168.1.5"));
        let lan = Hosts::new("0.0.0.0", &["dangjian-pc".into()]);
        assert!(lan.allows("192.168.1.5") && lan.allows("dangjian-pc") && !lan.allows("attacker.example"));
        assert!(Hosts::new("192.168.1.5", &[]).allows("192.168.1.5"));
    }

    #[test]
    fn heads_are_parsed_and_bounded() {
        let r = parse(b"GET /a?b HTTP/1.1\r\nHost: x:1\r\nRange: bytes=0-1\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str(), r.host.as_deref(), r.range.as_deref()), ("GET", "/a?b", Some("x"), Some("bytes=0-1")));
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").err(), Some(Refused::Malformed));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\nrest"), Some(16));
    }
}
