//! What the preview adds to an HTML page on the way out: the live-reload script
//! and, for drafts and scheduled or expired pages, a banner.

use crate::serve::live::{Banner, Served};

const SCRIPT: &str = include_str!("../live.js");

/// Adds the live-reload script (before `</body>`) and the preview banner (after
/// `<body>`). The script shows the site-wide errors on every page and a held-back
/// page's own errors on that page (`Status::held`, by the page's path).
pub fn inject(html: &[u8], banner: Option<Banner>, served: &Served) -> Vec<u8> {
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
