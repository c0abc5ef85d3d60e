//! The publisher's log on stdout: one line per event, `key=value` pairs
//! (logfmt), so `grep event=failed` or `journalctl -u dwgk-publish | grep id=`
//! finds things. Keys are English, message text Chinese.

use std::io::Write;

/// Quotes a value when it has spaces, quotes or `=`.
fn value(v: &str) -> String {
    if v.is_empty() || v.contains([' ', '"', '=', '\t', '\n']) {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " "))
    } else {
        v.to_string()
    }
}

/// Formats one log line (without the time), e.g. `level=info event=published id=… msg="…"`.
pub fn line(level: &str, event: &str, fields: &[(&str, String)], msg: &str) -> String {
    let mut s = format!("level={level} event={event}");
    for (k, v) in fields {
        s.push_str(&format!(" {k}={}", value(v)));
    }
    s.push_str(&format!(" msg={}", value(msg)));
    s
}

/// Prints one line with the local time in front.
pub fn log(level: &str, event: &str, fields: &[(&str, String)], msg: &str) {
    let t = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "time={t} {}", line(level, event, fields, msg));
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    #[test]
    fn greppable_pairs() {
        let l = super::line("info", "published", &[("id", "20261125-214003-123".into()), ("file", "content/a b.md".into())], "已发布新版本");
        assert_eq!(l, "level=info event=published id=20261125-214003-123 file=\"content/a b.md\" msg=已发布新版本");
    }
}
