//! A small Chrome DevTools Protocol client for the browser tests (std only, JSON via
//! serde_json): headless Chromium in its own process group with a fresh profile, one
//! page driven over a WebSocket (RFC 6455, client side), typed into like a reader at
//! a keyboard. Console errors, uncaught exceptions and failed loads the page reports
//! are collected on the way. bench/cdp.py is the same client in Python.
//!
//! ```ignore
//! let mut b = Browser::launch(chromium);
//! b.navigate("http://127.0.0.1:8000/");
//! b.click("#header-search-q");
//! b.type_text("三会一课");
//! b.press_enter();
//! b.wait_for("document.querySelector('#dwgk-search[data-ms]')", Duration::from_secs(20)).unwrap();
//! assert!(b.take_errors().is_empty());
//! ```

use serde_json::{json, Value};
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one DevTools command may take before the test fails (a hung browser
/// fails the test instead of hanging it).
const ANSWER: Duration = Duration::from_secs(30);

/// Headless Chromium with one page, driven over the DevTools protocol. Dropping it
/// ends the whole process group (helpers too) and removes the profile.
pub struct Browser {
    child: Child,
    /// `profile/` (the user data dir) and `chromium.log` (its stderr).
    dir: tempfile::TempDir,
    ws: Ws,
    next_id: u64,
    errors: Vec<String>,
}

impl Browser {
    /// Starts Chromium (`exe`, from `browser::chromium()`) on about:blank and connects
    /// to its page; Runtime and Log events are switched on to collect errors.
    pub fn launch(exe: &str) -> Browser {
        let dir = tempfile::Builder::new().prefix("dwgk-cdp-").tempdir().expect("tempdir");
        let profile = dir.path().join("profile");
        let log = std::fs::File::create(dir.path().join("chromium.log")).expect("chromium.log");
        let mut cmd = Command::new(exe);
        cmd.args(crate::util::CHROMIUM_FLAGS)
            // `--headless` is among the common flags.
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            // Its own process group: Drop ends the helpers with the browser.
            .process_group(0);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {exe}: {e}"));
        // From here on, Drop cleans up whatever goes wrong.
        let mut b = Browser { child, dir, ws: Ws::none(), next_id: 0, errors: Vec::new() };
        let port = b.devtools_port();
        let url = b.page_target(port);
        b.ws = Ws::connect(&url).unwrap_or_else(|e| panic!("DevTools WebSocket {url}: {e}"));
        b.call("Runtime.enable", json!({}));
        b.call("Log.enable", json!({}));
        b
    }

    /// Chromium writes `<port>\n<path>` into the profile once it listens.
    fn devtools_port(&mut self) -> u16 {
        let file = self.dir.path().join("profile/DevToolsActivePort");
        let t0 = Instant::now();
        loop {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            if let Some(port) = text.lines().next().and_then(|l| l.trim().parse::<u16>().ok()) {
                if text.contains('\n') {
                    return port;
                }
            }
            if self.exited() || t0.elapsed() > Duration::from_secs(20) {
                panic!("Chromium did not open its DevTools port (exited: {}):\n{}", self.exited(), self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `webSocketDebuggerUrl` of the page target (about:blank).
    fn page_target(&mut self, port: u16) -> String {
        let t0 = Instant::now();
        loop {
            let body = http_get(port, "/json/list").unwrap_or_default();
            let list: Value = serde_json::from_str(&body).unwrap_or_default();
            let page = list.as_array().into_iter().flatten().find(|t| t["type"] == "page").and_then(|t| t["webSocketDebuggerUrl"].as_str());
            if let Some(url) = page {
                return url.to_string();
            }
            if self.exited() || t0.elapsed() > Duration::from_secs(20) {
                panic!("no page target in /json/list: {body}\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Chromium's stderr so far (for failure messages).
    fn log(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Whether the browser process has exited (without reaping it: its pid, which is
    /// the process group's id, stays taken until Drop).
    fn exited(&self) -> bool {
        // SAFETY: waitid only writes into `info`, a plain C struct.
        unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let r = libc::waitid(libc::P_PID, self.child.id() as libc::id_t, &mut info, libc::WEXITED | libc::WNOHANG | libc::WNOWAIT);
            r == 0 && info.si_pid() != 0
        }
    }

    /// Sends a command and returns its `result`, or the protocol's error.
    pub fn try_call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.ws.send_text(&json!({ "id": id, "method": method, "params": params }).to_string()).map_err(|e| format!("{method}: {e}"))?;
        loop {
            let text = self.ws.recv_text().map_err(|e| format!("{method}: {e}"))?;
            let msg: Value = serde_json::from_str(&text).map_err(|e| format!("{method}: bad JSON from DevTools ({e}): {text}"))?;
            if msg["id"] == id {
                return match msg.get("error") {
                    Some(err) => Err(format!("{method}: {err}")),
                    None => Ok(msg["result"].clone()),
                };
            }
            self.event(&msg);
        }
    }

    /// `try_call`, panicking on an error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap_or_else(|e| panic!("DevTools {e}"))
    }

    /// Collects what a reader would see in the console as an error.
    fn event(&mut self, msg: &Value) {
        let p = &msg["params"];
        match msg["method"].as_str().unwrap_or("") {
            "Runtime.consoleAPICalled" if matches!(p["type"].as_str(), Some("error" | "assert")) => {
                let args: Vec<String> = p["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| a["value"].as_str().map(str::to_string).unwrap_or_else(|| a["description"].as_str().unwrap_or("").to_string()))
                    .collect();
                self.errors.push(format!("console.{}: {}", p["type"].as_str().unwrap_or(""), args.join(" ")));
            }
            "Runtime.exceptionThrown" => {
                let d = &p["exceptionDetails"];
                let text = d["exception"]["description"].as_str().or(d["text"].as_str()).unwrap_or("").to_string();
                self.errors.push(format!("uncaught: {text} ({}:{})", d["url"].as_str().unwrap_or(""), d["lineNumber"]));
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                let e = &p["entry"];
                self.errors.push(format!("{}: {} {}", e["source"].as_str().unwrap_or(""), e["text"].as_str().unwrap_or(""), e["url"].as_str().unwrap_or("")));
            }
            _ => {}
        }
    }

    /// The errors reported since the last call (events still in flight are read
    /// first: one round trip), and forgets them.
    pub fn take_errors(&mut self) -> Vec<String> {
        self.call("Runtime.evaluate", json!({ "expression": "0" }));
        std::mem::take(&mut self.errors)
    }

    /// Opens `url` in the page and waits until that new document has loaded (not for a
    /// change of the #fragment only: that keeps the document).
    pub fn navigate(&mut self, url: &str) {
        // A mark on the old document: gone once the new one is there.
        let _ = self.try_eval("window.__cdpOldDocument = true");
        let r = self.call("Page.navigate", json!({ "url": url }));
        if let Some(err) = r["errorText"].as_str() {
            panic!("navigating to {url}: {err}");
        }
        self.wait_for("!window.__cdpOldDocument && document.readyState === 'complete'", Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("navigating to {url}: {e}"));
    }

    /// Evaluates `expr` in the page (Runtime.evaluate, returnByValue): its value
    /// (`null` for undefined), or the exception or protocol error as text.
    pub fn try_eval(&mut self, expr: &str) -> Result<Value, String> {
        let r = self.try_call("Runtime.evaluate", json!({ "expression": expr, "returnByValue": true }))?;
        if let Some(ex) = r.get("exceptionDetails") {
            let text = ex["exception"]["description"].as_str().or(ex["text"].as_str()).unwrap_or("exception").to_string();
            return Err(format!("{expr}: {text}"));
        }
        Ok(r["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// `try_eval`, panicking on an exception.
    pub fn eval(&mut self, expr: &str) -> Value {
        self.try_eval(expr).unwrap_or_else(|e| panic!("in the page: {e}"))
    }

    /// Evaluates `expr` until its value is truthy (exceptions count as not yet: the
    /// page may be between documents) and returns that value; after `timeout`, an
    /// error with the last value or exception.
    pub fn wait_for(&mut self, expr: &str, timeout: Duration) -> Result<Value, String> {
        let t0 = Instant::now();
        loop {
            let last = match self.try_eval(expr) {
                Ok(v) if truthy(&v) => return Ok(v),
                Ok(v) => v.to_string(),
                Err(e) => e,
            };
            if t0.elapsed() > timeout {
                return Err(format!("still false after {timeout:?}: {expr} (last: {last})"));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// A left click in the middle of the first element matching `selector` (scrolled
    /// into view), as a mouse would.
    pub fn click(&mut self, selector: &str) {
        let sel = serde_json::to_string(selector).unwrap();
        let at = self.eval(&format!(
            "(function (e) {{ if (!e) return null; e.scrollIntoView({{ block: 'center' }}); var r = e.getBoundingClientRect(); \
             return r.width && r.height ? [r.left + r.width / 2, r.top + r.height / 2] : null; }})(document.querySelector({sel}))"
        ));
        let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else { panic!("{selector}: not on the page or not visible ({at})") };
        self.call("Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": x, "y": y }));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call("Input.dispatchMouseEvent", json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 }));
        }
    }

    /// Inserts `text` into the focused element, as an input method commits it.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Presses and releases Enter (in a form field: submits the form).
    pub fn press_enter(&mut self) {
        let key = json!({ "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13 });
        let mut down = key.clone();
        down["type"] = json!("keyDown");
        down["text"] = json!("\r");
        self.call("Input.dispatchKeyEvent", down);
        let mut up = key;
        up["type"] = json!("keyUp");
        self.call("Input.dispatchKeyEvent", up);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.ws = Ws::none();
        let pgid = self.child.id() as libc::pid_t;
        // SAFETY: plain signals to the process group the browser leads; its pid is
        // not reaped before the last signal, so the group id cannot have been reused.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let t0 = Instant::now();
        while !self.exited() && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Stragglers (or a browser that ignored SIGTERM).
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
        // The profile folder goes with `self.dir`.
    }
}

/// JavaScript truthiness of a returned value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// A plain HTTP/1.1 GET to Chromium's DevTools server on 127.0.0.1: the body.
fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").as_bytes())?;
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status)?;
    if !status.starts_with("HTTP/1.1 200") {
        return Err(std::io::Error::other(format!("GET {path}: {}", status.trim())));
    }
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        }
        None => {
            r.read_to_end(&mut body)?;
        }
    }
    String::from_utf8(body).map_err(std::io::Error::other)
}

/// The client side of one WebSocket (RFC 6455): masked text frames out; text,
/// binary and continuation frames in (7-, 16- and 64-bit lengths); pings answered.
struct Ws {
    stream: Option<(BufReader<TcpStream>, TcpStream)>,
}

impl Ws {
    /// Not connected (before the handshake, and after Drop closed it).
    fn none() -> Ws {
        Ws { stream: None }
    }

    fn connect(url: &str) -> std::io::Result<Ws> {
        let rest = url.strip_prefix("ws://").ok_or_else(|| std::io::Error::other("not a ws:// URL"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let mut out = TcpStream::connect(host)?;
        out.set_read_timeout(Some(ANSWER))?;
        out.set_nodelay(true)?;
        let key = base64(&random_bytes::<16>());
        out.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .as_bytes(),
        )?;
        let mut r = BufReader::new(out.try_clone()?);
        let mut status = String::new();
        r.read_line(&mut status)?;
        if !status.starts_with("HTTP/1.1 101") {
            return Err(std::io::Error::other(format!("handshake refused: {}", status.trim())));
        }
        loop {
            let mut line = String::new();
            if r.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        Ok(Ws { stream: Some((r, out)) })
    }

    fn parts(&mut self) -> std::io::Result<&mut (BufReader<TcpStream>, TcpStream)> {
        self.stream.as_mut().ok_or_else(|| std::io::Error::other("not connected"))
    }

    fn send_frame(&mut self, opcode: u8, data: &[u8]) -> std::io::Result<()> {
        let mut frame = vec![0x80 | opcode];
        match data.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 1 << 16 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = random_bytes::<4>();
        frame.extend_from_slice(&mask);
        frame.extend(data.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.parts()?.1.write_all(&frame)
    }

    fn send_text(&mut self, text: &str) -> std::io::Result<()> {
        self.send_frame(0x1, text.as_bytes())
    }

    /// The next whole message (continuation frames joined).
    fn recv_text(&mut self) -> std::io::Result<String> {
        let mut msg = Vec::new();
        loop {
            let r = &mut self.parts()?.0;
            let mut head = [0u8; 2];
            r.read_exact(&mut head).map_err(|e| timed_out(e, "no message from DevTools"))?;
            let (fin, opcode, masked) = (head[0] & 0x80 != 0, head[0] & 0x0f, head[1] & 0x80 != 0);
            let len = match head[1] & 0x7f {
                126 => {
                    let mut l = [0u8; 2];
                    r.read_exact(&mut l)?;
                    u16::from_be_bytes(l) as u64
                }
                127 => {
                    let mut l = [0u8; 8];
                    r.read_exact(&mut l)?;
                    u64::from_be_bytes(l)
                }
                n => n as u64,
            };
            // Servers do not mask; accept it anyway.
            let mut mask = [0u8; 4];
            if masked {
                r.read_exact(&mut mask)?;
            }
            let mut payload = vec![0u8; usize::try_from(len).map_err(std::io::Error::other)?];
            r.read_exact(&mut payload)?;
            if masked {
                payload.iter_mut().enumerate().for_each(|(i, b)| *b ^= mask[i % 4]);
            }
            match opcode {
                0x8 => return Err(std::io::Error::other("DevTools closed the connection")),
                0x9 => self.send_frame(0xA, &payload)?,
                0xA => {}
                _ => {
                    msg.extend_from_slice(&payload);
                    if fin {
                        return String::from_utf8(msg).map_err(std::io::Error::other);
                    }
                }
            }
        }
    }
}

fn timed_out(e: std::io::Error, what: &str) -> std::io::Error {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => std::io::Error::other(format!("{what} in {ANSWER:?}")),
        _ => e,
    }
}

/// Unpredictable enough for a WebSocket key and frame masks (std's hasher seeds).
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let x = std::collections::hash_map::RandomState::new().hash_one((i, Instant::now()));
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            out.push(if i <= c.len() { ABC[(n >> (18 - 6 * i)) as usize & 63] as char } else { '=' });
        }
    }
    out
}

#[test]
fn base64_of_the_rfc_6455_sample_key() {
    assert_eq!(base64(b"the sample nonce"), "dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(base64(b"ab"), "YWI=");
    assert_eq!(base64(b""), "");
}
