//! What the preview adds to an HTML page on the way out: the live-reload script;
//! for drafts and scheduled or expired pages, a banner; and the officer's notes
//! (`site::notes`: what to do about the page), which no built page carries.

use crate::serve::live::{Banner, Served};

const SCRIPT: &str = include_str!("../live.js");

/// Adds the live-reload script (before `</body>`), the preview banner and the
/// officer's notes for output `key` (after `<body>`). The script shows the
/// site-wide errors on every page and a held-back page's own errors on that page
/// (`Status::held`, by the page's path).
pub fn inject(html: &[u8], key: &str, banner: Option<Banner>, served: &Served) -> Vec<u8> {
    let notes = served.notes.read().expect("notes").get(key).cloned().unwrap_or_default();
    let (build, errors, held) = {
        let st = served.status.lock().expect("status");
        (st.build, st.errors.clone(), st.held.clone())
    };
    let script = format!(
        "<script data-dwgk-live>var __dwgk={{build:{build},errors:{},held:{}}};\n{SCRIPT}</script>",
        errors.replace("</", "<\\/"),
        held.replace("</", "<\\/")
    );
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
    let wanted = banner.is_some() || !notes.is_empty();
    let body_open = Some(()).filter(|_| wanted).and_then(|_| find(b"<body", false)).and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1));
    let body_close = find(b"</body>", true).unwrap_or(html.len());
    let mut at = 0;
    if let Some(open) = body_open.filter(|&o| o <= body_close) {
        out.extend_from_slice(&html[..open]);
        if let Some(b) = banner {
            let class = match b {
                Banner::Draft => "draft",
                Banner::Scheduled => "scheduled",
                Banner::Expired => "expired",
            };
            out.extend_from_slice(
                format!("<div class=\"dwgk-preview-banner dwgk-{class}\" role=\"note\" style=\"background:#fff3cd;color:#5c4400;border-bottom:2px solid #e0a800;padding:8px 16px;font:15px/1.5 sans-serif;text-align:center\">{}</div>", b.text()).as_bytes(),
            );
        }
        if !notes.is_empty() {
            let items: String = notes.iter().map(|n| format!("<li>{}</li>", crate::content::sanitize::escape_attr(n))).collect();
            out.extend_from_slice(
                format!("<div class=\"dwgk-preview-notes\" role=\"note\" style=\"background:#e8f0fe;color:#0b2a5b;border-bottom:2px solid #4a76c9;padding:8px 16px;font:15px/1.5 sans-serif\"><strong>给党务干事的提示（只在预览中显示，发布的网站没有）</strong><ul style=\"margin:4px 0 0;padding-left:1.4em\">{items}</ul></div>").as_bytes(),
            );
        }
        at = open;
    }
    out.extend_from_slice(&html[at..body_close]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[body_close..]);
    out
}
