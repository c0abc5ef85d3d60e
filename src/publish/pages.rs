//! The status pages of the internal site (`/_status/` and `/_status/log.html`):
//! the publisher's last outcome with every error located, and the publication
//! log (公开记录). Plain self-contained HTML, rendered from status.json and the
//! journal. Pure.

use super::manifest::Change;
use super::record::{Entry, ErrorEntry, Outcome, Status};
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str =
    "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.6}\
h1{color:#b71c1c;font-size:1.5rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f6f6}.ok{color:#1b5e20}.bad{color:#b71c1c;font-weight:bold}code{background:#f4f4f4;padding:0 .2rem}ul{margin:.2rem 0;padding-left:1.2rem}";

fn page(title: &str, body: &str) -> String {
    format!("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n", esc(title))
}

fn changes(label: &str, list: &[Change]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut s = format!("<div>{label}（{}）：<ul>", list.len());
    for c in list {
        let approved = c.approved_by.as_deref().map_or("未填写审批人".to_string(), |a| format!("审批：{}", esc(a)));
        let _ = write!(s, "<li>{}（<code>{}</code>，{approved}）</li>", esc(&c.title), esc(&c.file));
    }
    s.push_str("</ul></div>");
    s
}

fn entry_row(e: &Entry) -> String {
    let class = if matches!(e.outcome, Outcome::Published | Outcome::Rollback) { "ok" } else { "bad" };
    let mut detail = format!("<div>{}</div>", esc(&e.message));
    detail.push_str(&changes("新增", &e.added));
    detail.push_str(&changes("修改", &e.changed));
    detail.push_str(&changes("删除", &e.removed));
    if !e.held_back.is_empty() {
        let _ = write!(detail, "<div>未审批暂缓发布（{}）：<ul>", e.held_back.len());
        for h in &e.held_back {
            let _ = write!(detail, "<li>{}（<code>{}</code>）</li>", esc(&h.title), esc(&h.file));
        }
        detail.push_str("</ul></div>");
    }
    if !e.errors.is_empty() {
        let _ = write!(detail, "<div>错误（{}）：<ul>", e.errors.len());
        for err in &e.errors {
            let _ = write!(detail, "<li><code>{}</code> {}</li>", esc(&err.location), esc(&err.message));
        }
        detail.push_str("</ul></div>");
    }
    format!(
        "<tr><td>{}</td><td>{}</td><td class=\"{class}\">{}</td><td><code>{}</code></td><td>{}</td><td>{detail}</td></tr>\n",
        esc(&e.time.replace('T', " ")),
        e.trigger.label(),
        e.outcome.label(),
        esc(e.release.as_deref().unwrap_or("—")),
        e.pages
    )
}

fn log_table(entries: &[Entry], limit: usize) -> String {
    let mut s = String::from("<table>\n<tr><th>时间</th><th>触发</th><th>结果</th><th>版本</th><th>页面数</th><th>说明</th></tr>\n");
    for e in entries.iter().rev().take(limit) {
        s.push_str(&entry_row(e));
    }
    s.push_str("</table>\n");
    s
}

/// 发布状态: the last outcome, errors with their locations, what is held back.
pub fn status_page(st: &Status, entries: &[Entry]) -> String {
    let mut b = String::from("<h1>发布状态</h1>\n");
    let class = if st.state == "ok" { "ok" } else { "bad" };
    let _ = writeln!(b, "<p class=\"{class}\">{}</p>", esc(&st.message));
    let _ = writeln!(
        b,
        "<table><tr><th>更新时间</th><td>{}</td></tr><tr><th>当前版本</th><td><code>{}</code></td></tr><tr><th>读者范围</th><td>{}</td></tr><tr><th>源文件夹</th><td><code>{}</code></td></tr><tr><th>下次定时检查</th><td>{}</td></tr></table>",
        esc(&st.updated.replace('T', " ")),
        esc(st.current.as_deref().unwrap_or("（尚未发布）")),
        crate::content::kind::Audience::parse(&st.audience).unwrap_or(crate::content::kind::Audience::Public).label(),
        esc(&st.source),
        esc(&match (&st.next_wake, &st.next_wake_reason) {
            (Some(t), Some(r)) => format!("{}（{r}）", t.replace('T', " ")),
            (Some(t), None) => t.replace('T', " "),
            _ => "无".into(),
        })
    );
    b.push_str(&errors_table(&st.errors, "h2", ""));
    if !st.held_back.is_empty() {
        let _ = writeln!(b, "<h2>未审批、暂缓发布的页面（{} 个）</h2>\n<p>补上 approved_by（审批人）后会自动发布。</p><ul>", st.held_back.len());
        for h in &st.held_back {
            let _ = writeln!(b, "<li>{}（<code>{}</code>）</li>", esc(&h.title), esc(&h.file));
        }
        b.push_str("</ul>\n");
    }
    if let Some(p) = &st.public {
        b.push_str(&public_portal(p));
    }
    let _ = writeln!(b, "<h2>最近的发布记录</h2>\n<p><a href=\"log.html\">查看全部公开记录</a></p>");
    b.push_str(&log_table(entries, 20));
    page("发布状态", &b)
}

/// Errors with their locations under heading `<h>` (`who` names the portal).
fn errors_table(errors: &[ErrorEntry], h: &str, who: &str) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut b =
        format!("<{h}>{who}错误（{} 个）：修改后保存，系统会自动重新发布</{h}>\n<table><tr><th>位置</th><th>问题</th><th>提示</th></tr>\n", errors.len());
    for e in errors {
        let _ = writeln!(b, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>", esc(&e.location), esc(&e.message), esc(e.hint.as_deref().unwrap_or("")));
    }
    b.push_str("</table>\n");
    b
}

/// The public portal's last outcome, on the internal portal's status page when one
/// publisher makes both (its own log stays in the public DEST's journal).
fn public_portal(p: &Status) -> String {
    let class = if p.state == "ok" { "ok" } else { "bad" };
    let mut b = format!(
        "<h2>公开版网站（向社会公开）</h2>\n<p class=\"{class}\">{}</p>\n<table><tr><th>更新时间</th><td>{}</td></tr><tr><th>当前版本</th><td><code>{}</code></td></tr></table>\n",
        esc(&p.message),
        esc(&p.updated.replace('T', " ")),
        esc(p.current.as_deref().unwrap_or("（尚未发布）"))
    );
    b.push_str(&errors_table(&p.errors, "h3", "公开版"));
    b
}

/// 公开记录: every entry of the publication log, newest first.
pub fn log_page(entries: &[Entry]) -> String {
    let mut b = String::from("<h1>公开记录</h1>\n<p>每一次发布、回滚和失败的尝试，按时间倒序（登记备案）。<a href=\"./\">返回发布状态</a></p>\n");
    b.push_str(&log_table(entries, usize::MAX));
    page("公开记录", &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::schedule::Trigger;

    #[test]
    fn escapes_titles_and_shows_approvers() {
        let e = Entry {
            time: "2026-11-25T21:40:03+08:00".into(),
            trigger: Trigger::Change,
            outcome: Outcome::Published,
            release: Some("20261125-214003-123".into()),
            previous: None,
            forced: false,
            pages: 1,
            added: vec![Change { path: "/a/".into(), file: "content/a.md".into(), title: "<关于>".into(), approved_by: Some("陈志远".into()) }],
            changed: vec![],
            removed: vec![],
            held_back: vec![],
            errors: vec![],
            message: "已发布".into(),
        };
        let html = log_page(&[e]);
        assert!(html.contains("&lt;关于&gt;") && !html.contains("<关于>"));
        assert!(html.contains("审批：陈志远") && html.contains("文件变化"));
    }

    #[test]
    fn internal_status_shows_the_public_portal() {
        let status = |audience: &str, state: &str, message: &str| Status {
            updated: "2026-11-25T21:40:03+08:00".into(),
            state: state.into(),
            message: message.into(),
            current: Some("20261125-214003-123".into()),
            audience: audience.into(),
            source: "/mnt/share/dwgk".into(),
            last_trigger: Some(Trigger::Change),
            errors: vec![],
            held_back: vec![],
            next_wake: None,
            next_wake_reason: None,
            pid: 1,
            public: None,
        };
        let mut public = status("public", "error", "生成失败（1 个错误）");
        public.errors.push(ErrorEntry {
            location: "content/a.md:4:3".into(),
            file: Some("content/a.md".into()),
            line: Some(4),
            column: Some(3),
            message: "链接到<党内>页面".into(),
            hint: None,
        });
        let mut internal = status("internal", "ok", "已发布");
        assert!(!status_page(&internal, &[]).contains("公开版网站"), "one portal: no second section");
        internal.public = Some(Box::new(public));
        let html = status_page(&internal, &[]);
        let section = &html[html.find("公开版网站").expect("the public portal's section")..];
        assert!(section.contains("class=\"bad\">生成失败") && section.contains("公开版错误（1 个）"), "{section}");
        assert!(section.contains("content/a.md:4:3") && section.contains("链接到&lt;党内&gt;页面"), "{section}");
    }
}
