//! The status pages of the internal site (`/_status/` and `/_status/log.html`),
//! written for officers first: which files of which unit have errors and were
//! held back (Chinese message, line, hint, since when, what readers see
//! instead), then site-wide errors, then the details an admin needs; and the
//! publication log (公开记录). Times in the configured zone with the zone named.
//! Plain self-contained HTML, rendered from status.json and the journal. Pure.

use super::manifest::Change;
use super::record::{Entry, ErrorEntry, Outcome, Problem, Status};
use super::zone::Zone;
use std::collections::BTreeMap;
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

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.6;font-size:1.05rem}\
h1{color:#b71c1c;font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.1rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f6f6}.ok{color:#1b5e20}.partial{color:#7a4f00;font-weight:bold}.bad{color:#b71c1c;font-weight:bold}code{background:#f4f4f4;padding:0 .2rem;word-break:break-all}\
ul{margin:.2rem 0;padding-left:1.2rem}.file{border:1px solid #e0c080;background:#fffaf0;padding:.5rem .8rem;margin:.6rem 0}.file h4{margin:0 0 .3rem;font-size:1rem}\
.hint{color:#555}.seen{color:#333}details{margin-top:2rem}";

fn page(title: &str, body: &str) -> String {
    format!("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n", esc(title))
}

/// `2026-11-25 21:40:03（北京时间，UTC+08:00）`.
fn when(zone: &Zone, rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!("{}（{}）", zone.show(rfc3339), zone.label(t)),
        Err(_) => zone.show(rfc3339),
    }
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

fn entry_row(e: &Entry, zone: &Zone) -> String {
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
    if !e.problems.is_empty() {
        let _ = write!(detail, "<div>有错误、暂缓发布（{}）：<ul>", e.problems.len());
        for p in &e.problems {
            let _ = write!(detail, "<li><code>{}</code>：读者看到{}</li>", esc(&p.file), esc(&p.shown_text()));
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
        esc(&zone.show(&e.time)),
        e.trigger.label(),
        e.outcome.label(),
        esc(e.release.as_deref().unwrap_or("—")),
        e.pages
    )
}

fn log_table(entries: &[Entry], limit: usize, zone: &Zone) -> String {
    let mut s = String::from("<table>\n<tr><th>时间</th><th>触发</th><th>结果</th><th>版本</th><th>页面数</th><th>说明</th></tr>\n");
    for e in entries.iter().rev().take(limit) {
        s.push_str(&entry_row(e, zone));
    }
    s.push_str("</table>\n");
    s
}

/// `第 3 行第 8 列` (or less) for a located problem.
fn place(e: &ErrorEntry) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!("第 {l} 行第 {c} 列"),
        (Some(l), None) => format!("第 {l} 行"),
        _ => String::new(),
    }
}

/// One problem of `file`, one line: where (another file of the page, e.g. its
/// ledger's cell, is named), what, how to fix.
fn problem_item(file: &str, e: &ErrorEntry) -> String {
    let other = e.file.as_deref().filter(|f| *f != file).map(|f| format!("<code>{}</code> ", esc(f))).unwrap_or_default();
    let at = place(e);
    let at = if at.is_empty() { String::new() } else { format!("<strong>{at}</strong>：") };
    let mut s = format!("<li>{other}{at}{}", esc(&e.message));
    if let Some(h) = e.hint.as_deref().filter(|h| !h.is_empty()) {
        let _ = write!(s, "<br><span class=\"hint\">怎么改：{}</span>", esc(h));
    }
    s.push_str("</li>");
    s
}

/// Held-back files grouped by unit (`<h3>` per unit), then by file.
fn problems_html(problems: &[&Problem], zone: &Zone) -> String {
    let mut by_unit: BTreeMap<(bool, String, String), Vec<&Problem>> = BTreeMap::new();
    for p in problems {
        let title = p.unit_title.clone().unwrap_or_else(|| "未归属任何单位的文件".into());
        by_unit.entry((p.unit_title.is_none(), title, p.unit_dir.clone())).or_default().push(p);
    }
    let mut b = String::new();
    for ((_, title, dir), list) in by_unit {
        let folder = if dir.is_empty() { "content/".to_string() } else { format!("content/{dir}/") };
        let _ = writeln!(b, "<section>\n<h3>{}（{} 个文件，文件夹 <code>{}</code>）</h3>", esc(&title), list.len(), esc(&folder));
        for p in list {
            let name = p.title.as_deref().map(|t| format!(" {}", esc(t))).unwrap_or_default();
            let _ = write!(b, "<div class=\"file\"><h4><code>{}</code>{name}</h4>", esc(&p.file));
            let _ = write!(b, "<p class=\"seen\">读者现在看到：{}；自 {}起暂缓发布。</p>", esc(&p.shown_text()), esc(&when(zone, &p.since)));
            b.push_str("<ul>");
            for e in p.errors.iter().chain(&p.warnings) {
                b.push_str(&problem_item(&p.file, e));
            }
            b.push_str("</ul>");
            if p.depends {
                b.push_str("<p class=\"hint\">注意：这个文件是在其他文件暂缓发布之后才出错的，可能与它们有关（例如它引用的责任清单、页面有错误）；先改正上面列出的其他文件。</p>");
            }
            b.push_str("</div>\n");
        }
        b.push_str("</section>\n");
    }
    b
}

/// 发布情况: what officers must fix first, then the rest.
pub fn status_page(st: &Status, entries: &[Entry], zone: &Zone) -> String {
    let mut b = String::from("<h1>发布情况</h1>\n");
    let class = match st.state.as_str() {
        "ok" => "ok",
        "partial" => "partial",
        _ => "bad",
    };
    let _ = writeln!(b, "<p class=\"{class}\">{}</p>", esc(&st.message));
    let _ = writeln!(b, "<p>更新时间：{}</p>", esc(&when(zone, &st.updated)));
    if !st.problems.is_empty() {
        let _ = writeln!(
            b,
            "<h2>需要改正的文件（{} 个）</h2>\n<p>下面这些文件有错误，新版本暂未发布；其他单位、其他页面已照常发布。请按提示改正后保存，系统会自动重新发布，这里的提示随之消失。</p>",
            st.problems.len()
        );
        b.push_str(&problems_html(&st.problems.iter().collect::<Vec<_>>(), zone));
    }
    if !st.notes.is_empty() {
        let _ = writeln!(b, "<h2>链接暂时显示为文字（{} 处）</h2>\n<p>这些页面已发布，但它们链接的文件暂缓发布，链接暂时显示为文字；那些文件改正后自动恢复，这些页面不需要修改。</p><ul>", st.notes.len());
        for n in &st.notes {
            let _ = writeln!(b, "<li><code>{}</code>：{}</li>", esc(&n.location), esc(&n.message));
        }
        b.push_str("</ul>\n");
    }
    b.push_str(&errors_table(&st.errors, "h2", ""));
    if !st.held_back.is_empty() {
        let _ = writeln!(b, "<h2>未审批、暂缓发布的页面（{} 个）</h2>\n<p>补上 approved_by（审批人）后会自动发布。</p><ul>", st.held_back.len());
        for h in &st.held_back {
            let _ = writeln!(b, "<li>{}（<code>{}</code>）</li>", esc(&h.title), esc(&h.file));
        }
        b.push_str("</ul>\n");
    }
    if let Some(p) = &st.public {
        b.push_str(&public_portal(p, &st.problems, zone));
    }
    let _ = writeln!(
        b,
        "<details><summary>管理信息（当前版本、源文件夹、下次定时检查）</summary>\n<table><tr><th>当前版本</th><td><code>{}</code></td></tr><tr><th>读者范围</th><td>{}</td></tr><tr><th>源文件夹</th><td><code>{}</code></td></tr><tr><th>下次定时检查</th><td>{}</td></tr></table>\n</details>",
        esc(st.current.as_deref().unwrap_or("（尚未发布）")),
        crate::content::kind::Audience::parse(&st.audience).unwrap_or(crate::content::kind::Audience::Public).label(),
        esc(&st.source),
        esc(&match (&st.next_wake, &st.next_wake_reason) {
            (Some(t), Some(r)) => format!("{}（{r}，服务器时间）", t.replace('T', " ")),
            (Some(t), None) => format!("{}（服务器时间）", t.replace('T', " ")),
            _ => "无".into(),
        })
    );
    let _ = writeln!(b, "<h2>最近的发布记录</h2>\n<p><a href=\"log.html\">查看全部公开记录</a></p>");
    b.push_str(&log_table(entries, 20, zone));
    page("发布情况", &b)
}

/// Errors with their locations under heading `<h>` (`who` names the portal).
fn errors_table(errors: &[ErrorEntry], h: &str, who: &str) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let mut b = format!(
        "<{h}>{who}错误（{} 个）：网站没有更新，修改后保存，系统会自动重新发布</{h}>\n<table><tr><th>位置</th><th>问题</th><th>提示</th></tr>\n",
        errors.len()
    );
    for e in errors {
        let _ = writeln!(b, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>", esc(&e.location), esc(&e.message), esc(e.hint.as_deref().unwrap_or("")));
    }
    b.push_str("</table>\n");
    b
}

/// The public portal's last outcome, on the internal portal's status page when one
/// publisher makes both (its own log stays in the public DEST's journal). Its
/// held-back files that the internal portal lists the same way are not repeated.
fn public_portal(p: &Status, internal: &[Problem], zone: &Zone) -> String {
    let class = match p.state.as_str() {
        "ok" => "ok",
        "partial" => "partial",
        _ => "bad",
    };
    let mut b = format!(
        "<h2>公开版网站（向社会公开）</h2>\n<p class=\"{class}\">{}</p>\n<table><tr><th>更新时间</th><td>{}</td></tr><tr><th>当前版本</th><td><code>{}</code></td></tr></table>\n",
        esc(&p.message),
        esc(&when(zone, &p.updated)),
        esc(p.current.as_deref().unwrap_or("（尚未发布）"))
    );
    let same = |x: &Problem| internal.iter().any(|i| i.file == x.file && i.errors == x.errors);
    let only_public: Vec<&Problem> = p.problems.iter().filter(|x| !same(x)).collect();
    if !only_public.is_empty() {
        let _ = writeln!(b, "<h3>只在公开版中暂缓发布的文件（{} 个）</h3>", only_public.len());
        b.push_str(&problems_html(&only_public, zone));
    } else if !p.problems.is_empty() {
        let _ = writeln!(b, "<p>公开版暂缓发布的 {} 个文件与上面列出的相同。</p>", p.problems.len());
    }
    b.push_str(&errors_table(&p.errors, "h3", "公开版"));
    b
}

/// The text of `_发布问题.txt` for one unit folder (`dir`, relative to
/// `content/`): its held-back files with paths as the officer sees them in that
/// folder, what readers see, and how to fix each problem. `who` names the portal
/// of a problem only one portal has. CRLF and a BOM: Notepad on old Windows. The
/// same problems give the same bytes (no "checked at" time): the share is not
/// rewritten on every attempt.
pub fn share_report(title: &str, dir: &str, problems: &[(&Problem, Option<&str>)], zone: &Zone) -> String {
    let prefix = if dir.is_empty() { "content/".to_string() } else { format!("content/{dir}/") };
    let mut t = String::from("\u{feff}发布问题（党务公开网站自动生成；改正后这个文件会自动删除，请不要修改它）\n");
    let _ = writeln!(t, "单位：{title}");
    let _ = writeln!(t, "\n下面 {} 个文件有错误，新版本暂未发布（其他页面已照常发布）。请按提示改正后保存，系统会自动重新发布。", problems.len());
    for (n, (p, who)) in problems.iter().enumerate() {
        let shown = p.file.strip_prefix(&prefix).unwrap_or(&p.file);
        let name = p.title.as_deref().map(|t| format!("（{t}）")).unwrap_or_default();
        let who = who.map(|w| format!("［仅{w}］")).unwrap_or_default();
        let _ = writeln!(t, "\n{}. {shown}{name}{who}", n + 1);
        let _ = writeln!(t, "   读者现在看到：{}", p.shown_text());
        let _ = writeln!(t, "   自 {}起暂缓发布", when(zone, &p.since));
        for e in &p.errors {
            let other = e.file.as_deref().filter(|f| *f != p.file).map(|f| format!("{} ", f.strip_prefix(&prefix).unwrap_or(f))).unwrap_or_default();
            let at = place(e);
            let _ = writeln!(t, "   问题：{other}{}{}", if at.is_empty() { String::new() } else { format!("{at}：") }, e.message);
            if let Some(h) = e.hint.as_deref().filter(|h| !h.is_empty()) {
                let _ = writeln!(t, "   怎么改：{}", h.replace('\n', "\n           "));
            }
        }
        if p.depends {
            let _ = writeln!(t, "   注意：这个文件在其他文件暂缓发布后才出错，可能与它们有关，请先改正其他文件。");
        }
    }
    t.replace('\n', "\r\n")
}

/// 公开记录: every entry of the publication log, newest first.
pub fn log_page(entries: &[Entry], zone: &Zone) -> String {
    let mut b = String::from("<h1>公开记录</h1>\n<p>每一次发布、回滚和失败的尝试，按时间倒序（登记备案）。<a href=\"./\">返回发布情况</a></p>\n");
    b.push_str(&log_table(entries, usize::MAX, zone));
    page("公开记录", &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::schedule::Trigger;

    fn utc() -> Zone {
        Zone::built_in("Asia/Shanghai").unwrap()
    }

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
            problems: vec![],
            errors: vec![],
            message: "已发布".into(),
        };
        let html = log_page(&[e], &utc());
        assert!(html.contains("&lt;关于&gt;") && !html.contains("<关于>"));
        assert!(html.contains("审批：陈志远") && html.contains("文件变化"));
    }

    fn status(audience: &str, state: &str, message: &str) -> Status {
        Status {
            updated: "2026-11-25T13:40:03+00:00".into(),
            state: state.into(),
            message: message.into(),
            current: Some("20261125-214003-123".into()),
            audience: audience.into(),
            source: "/mnt/share/dwgk".into(),
            last_trigger: Some(Trigger::Change),
            errors: vec![],
            held_back: vec![],
            problems: vec![],
            notes: vec![],
            timezone: None,
            next_wake: None,
            next_wake_reason: None,
            pid: 1,
            public: None,
        }
    }

    fn error(file: &str, line: usize, message: &str) -> ErrorEntry {
        ErrorEntry {
            location: format!("{file}:{line}:3"),
            file: Some(file.into()),
            line: Some(line),
            column: Some(3),
            message: message.into(),
            hint: Some("写成 2024-03-15".into()),
        }
    }

    fn problem(file: &str, unit: Option<(&str, &str)>, previous: bool) -> Problem {
        Problem {
            file: file.into(),
            title: Some("关于召开党员大会的通知".into()),
            path: None,
            unit: unit.map(|(id, _)| id.into()),
            unit_title: unit.map(|(_, t)| t.into()),
            unit_dir: unit.map_or(String::new(), |(id, _)| format!("units/{id}")),
            shows: if previous { "previous" } else { "nothing" }.into(),
            shown_release: previous.then(|| "20261120-090000-000".into()),
            withdrawn: false,
            depends: false,
            since: "2026-11-25T01:00:00+00:00".into(),
            errors: vec![error(file, 3, "日期“昨天”无法识别")],
            warnings: vec![],
        }
    }

    #[test]
    fn problems_are_grouped_by_unit_with_local_times_and_what_readers_see() {
        let mut st = status("internal", "partial", "已发布版本 …；2 个文件有错误，暂缓发布");
        st.problems = vec![
            problem("content/units/diyi/a.md", Some(("diyi", "第一党支部")), true),
            problem("content/units/dier/b.md", Some(("dier", "第二党支部")), false),
            problem("content/units/diyi/c.md", Some(("diyi", "第一党支部")), false),
        ];
        let html = status_page(&st, &[], &utc());
        assert!(html.contains("更新时间：2026-11-25 21:40:03（北京时间，UTC+08:00）"), "the server's UTC shown as Beijing time: {html}");
        let first = html.find("第一党支部（2 个文件").expect("a unit's group");
        let a = html.find("content/units/diyi/a.md").unwrap();
        let c = html.find("content/units/diyi/c.md").unwrap();
        assert!(first < a && a < c && html.contains("第二党支部（1 个文件"), "{html}");
        assert!(html.contains("读者现在看到：上一次发布的版本（20261120-090000-000）；自 2026-11-25 09:00:00（北京时间，UTC+08:00）起"), "{html}");
        assert!(html.contains("读者现在看到：无（尚未发布过"), "{html}");
        assert!(html.contains("<strong>第 3 行第 3 列</strong>：日期“昨天”无法识别") && html.contains("怎么改：写成 2024-03-15"), "{html}");
        assert!(html.contains("class=\"partial\""));
    }

    #[test]
    fn a_unit_folder_report_is_plain_text_for_notepad() {
        let p = problem("content/units/diyi/notices/a.md", Some(("diyi", "第一党支部")), true);
        let text = share_report("第一党支部", "units/diyi", &[(&p, Some("公开版"))], &utc());
        assert!(text.starts_with('\u{feff}') && text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "BOM and CRLF");
        assert!(text.contains("自 2026-11-25 09:00:00（北京时间，UTC+08:00）起暂缓发布"), "{text}");
        assert!(text.contains("1. notices/a.md（关于召开党员大会的通知）［仅公开版］"), "a path as seen inside the folder: {text}");
        assert!(text.contains("问题：第 3 行第 3 列：日期“昨天”无法识别") && text.contains("怎么改：写成 2024-03-15"), "{text}");
        assert!(text.contains("读者现在看到：上一次发布的版本（20261120-090000-000）"), "{text}");
    }

    #[test]
    fn internal_status_shows_the_public_portal() {
        let mut public = status("public", "error", "生成失败（1 个错误）");
        public.errors.push(ErrorEntry {
            location: "content/a.md:4:3".into(),
            file: Some("content/a.md".into()),
            line: Some(4),
            column: Some(3),
            message: "链接到<党内>页面".into(),
            hint: None,
        });
        public.problems = vec![problem("content/units/diyi/a.md", Some(("diyi", "第一党支部")), true), problem("content/p.md", None, false)];
        let mut internal = status("internal", "ok", "已发布");
        internal.problems = vec![problem("content/units/diyi/a.md", Some(("diyi", "第一党支部")), true)];
        assert!(!status_page(&internal, &[], &utc()).contains("公开版网站"), "one portal: no second section");
        internal.public = Some(Box::new(public));
        let html = status_page(&internal, &[], &utc());
        let section = &html[html.find("公开版网站").expect("the public portal's section")..];
        assert!(section.contains("class=\"bad\">生成失败") && section.contains("公开版错误（1 个）"), "{section}");
        assert!(section.contains("content/a.md:4:3") && section.contains("链接到&lt;党内&gt;页面"), "{section}");
        assert!(section.contains("只在公开版中暂缓发布的文件（1 个）") && section.contains("content/p.md"), "{section}");
        assert!(!section.contains("content/units/diyi/a.md"), "listed once, above: {section}");
    }
}
