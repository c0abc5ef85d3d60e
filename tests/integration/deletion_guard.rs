//! The cumulative deletion guard: deleting 15 % of the pages per publish stays
//! under the single-step limit (20 %) every time, but is refused once the pages
//! gone since an earlier release of the last 24 hours pass it, even when that
//! release was pruned long ago (`--keep 2`, edits published in between);
//! `--force` publishes and starts the count afresh, and a rollback's abandoned
//! releases do not count.

use crate::publish::{current, dwgk, journal, publish_once, status};
use crate::util::Site;
use std::path::Path;

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

/// An officer's edit: one page changed, nothing deleted.
fn edit(s: &Site, i: usize, round: usize) {
    s.page(&format!("notices/p{i:03}.md"), &format!("通知{i}"), &format!("正文（第 {round} 次修改）。"));
}

fn publish(s: &Site, dest: &Path, extra: &[&str]) -> (i32, String) {
    let (code, _, err) = publish_once(s, dest, &[&["--keep", "2"], extra].concat());
    (code, err)
}

#[test]
fn deleting_in_steps_is_refused_without_force() {
    let s = site_with(100);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    assert_eq!(publish(&s, &dest, &[]).0, 0);
    // 15 % of the pages, then three edits (the 100-page release is pruned):
    // 100 → 85 is 15 % of the largest release, allowed.
    remove(&s, 0, 15);
    let (code, err) = publish(&s, &dest, &[]);
    assert_eq!(code, 0, "{err}");
    for round in 0..3 {
        edit(&s, 50, round);
        assert_eq!(publish(&s, &dest, &[]).0, 0);
    }
    let live = current(&dest);
    assert_eq!(std::fs::read_dir(dest.join("releases")).unwrap().count(), 2, "the first releases are pruned");
    // 15 % again (13 of the 85 left): under 20 % of the live release, 28 of the
    // 100 of the first one — refused, and again on every retry.
    remove(&s, 15, 28);
    for _ in 0..2 {
        let (code, err) = publish(&s, &dest, &[]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("拒绝发布：新版本比 24 小时内的版本") && err.contains("少了 28 个页面（共 100 个）"), "{err}");
        assert!(err.contains("分几次删除") && err.contains("--force"), "{err}");
        assert_eq!(current(&dest), live, "the live release is unchanged");
        let st = status(&dest);
        assert_eq!(st["state"], "refused");
        assert!(st["message"].as_str().unwrap().contains("24 小时内的版本"), "{st}");
    }
    // Deliberate: --force publishes it, and is the new starting point.
    let (code, err) = publish(&s, &dest, &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(current(&dest), live);
    assert_eq!(journal(&dest).last().unwrap()["forced"], true);
    edit(&s, 50, 9);
    let (code, err) = publish(&s, &dest, &[]);
    assert_eq!(code, 0, "an edit after the forced release publishes: {err}");
    // 72 → 62 (14 %) is fine; 62 → 53 (15 %, 19 of 72 since the forced release) is not.
    remove(&s, 28, 38);
    assert_eq!(publish(&s, &dest, &[]).0, 0);
    remove(&s, 38, 47);
    let (code, err) = publish(&s, &dest, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("少了 19 个页面（共 72 个）"), "{err}");
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
