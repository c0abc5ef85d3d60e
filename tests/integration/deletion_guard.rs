//! The cumulative deletion guard: deleting 15 % of the pages per publish stays
//! under the single-step limit (20 %) every time, but is refused once the pages
//! gone since the largest release of the last 24 hours pass it; `--force`
//! publishes, and a rollback's abandoned releases do not count.

use crate::publish::{current, dwgk, publish_once};
use crate::util::Site;

fn site_with(pages: usize) -> Site {
    let s = Site::new();
    for i in 0..pages {
        s.page(&format!("notices/p{i:03}.md"), &format!("通知{i}"), "正文。");
    }
    s
}

fn remove(s: &Site, from: usize, to: usize) {
    for i in from..to {
        s.remove(&format!("content/notices/p{i:03}.md"));
    }
}

#[test]
fn deleting_in_steps_is_refused_without_force() {
    let s = site_with(40);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish_once(&s, &dest, &[]).0, 0);
    // 15 % of 40 (6 pages): allowed.
    remove(&s, 0, 6);
    let (code, _, err) = publish_once(&s, &dest, &[]);
    assert_eq!(code, 0, "{err}");
    let after_first = current(&dest);
    // 15 % of the 34 left (5 pages): 14.7 % of the live release, but 11 of the 40
    // of the first release (27.5 %): refused.
    remove(&s, 6, 11);
    let (code, _, err) = publish_once(&s, &dest, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("拒绝发布") && err.contains("少了 11 个页面（共 40 个）"), "{err}");
    assert_eq!(current(&dest), after_first, "the live release is unchanged");
    let status = crate::publish::status(&dest);
    assert_eq!(status["state"], "refused");
    assert!(status["message"].as_str().unwrap().contains("24 小时内的版本"), "{status}");
    // Deliberate: --force publishes it.
    let (code, _, err) = publish_once(&s, &dest, &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(current(&dest), after_first);
}

#[test]
fn releases_rolled_back_from_do_not_count() {
    let s = site_with(20);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let d = dest.to_string_lossy().into_owned();
    assert_eq!(publish_once(&s, &dest, &[]).0, 0);
    let small = current(&dest);
    // A release with many more pages (the internal build by mistake, say) …
    for i in 20..40 {
        s.page(&format!("notices/p{i:03}.md"), &format!("通知{i}"), "正文。");
    }
    assert_eq!(publish_once(&s, &dest, &[]).0, 0);
    // … rolled back from: the next release of the 20 pages is measured from the live one.
    let (code, _, err) = dwgk(&["rollback", "--dest", &d]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(current(&dest), small);
    remove(&s, 20, 40);
    s.page("notices/p000.md", "通知0（修订）", "正文。");
    let (code, _, err) = publish_once(&s, &dest, &[]);
    assert_eq!(code, 0, "the abandoned 40-page release must not count: {err}");
}
