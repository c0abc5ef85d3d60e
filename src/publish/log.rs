//! The publisher's log on stdout: one line per event, `key=value` pairs
//! (logfmt), so `grep event=failed` or `journalctl -u dwgk-publish | grep id=`
//! finds things. Keys are English, message text Chinese.

use std::io::Write;

/// Quotes a value when it has spaces, quotes, `=` or a backslash; control
/// characters (a newline or an escape sequence in a file name) are written out
/// by `diag::escape_controls`, so one event is always one line.
fn value(v: &str) -> String {
    let quote = v.is_empty() || v.contains([' ', '"', '=', '\\']) || v.chars().any(crate::diag::is_control);
    let escaped = crate::diag::escape_controls(&v.replace('\\', "\\\\").replace('"', "\\\"")).into_owned();
    if quote {
        format!("\"{escaped}\"")
    } else {
        escaped
    }
}

/// Formats one log line (without the time), e.g. `level=info event=published id=… msg="…"`.
/// Fields without a value are left out (no `at=""`).
pub fn line(level: &str, event: &str, fields: &[(&str, String)], msg: &str) -> String {
    let mut s = format!("level={level} event={event}");
    for (k, v) in fields.iter().filter(|(_, v)| !v.is_empty()) {
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

    #[test]
    fn one_event_is_one_line_and_empty_fields_are_left_out() {
        let l = super::line("error", "content_error", &[("at", String::new()), ("file", "a\n\u{1b}[2Jb\u{7}.md".into())], "x\ntime=1 level=info");
        assert_eq!(l, "level=error event=content_error file=\"a\\n\\u{1b}[2Jb\\u{7}.md\" msg=\"x\\ntime=1 level=info\"");
        assert_eq!(super::line("info", "x", &[("p", "a\\n".into())], "m"), "level=info event=x p=\"a\\\\n\" msg=m", "a real backslash stays apart");
    }
}
