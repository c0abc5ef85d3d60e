//! Drafts, scheduled pages (`publish_date`) and expired pages (`expire_date`),
//! judged against the build clock (`--now`, a hidden flag for tests).

use crate::util::{between, Site};

fn fixture() -> Site {
    let s = Site::new();
    s.file("content/n/draft.md", "+++\ntitle = \"草稿DRAFTPAGE\"\ndate = 2024-05-01\ndraft = true\n+++\n")
        .file("content/n/future.md", "+++\ntitle = \"定时FUTUREPAGE\"\ndate = 2024-05-02\npublish_date = 2024-07-01\n+++\n")
        .file("content/n/expired.md", "+++\ntitle = \"过期EXPIREDPAGE\"\ndate = 2024-01-01\nexpire_date = 2024-03-01\n+++\n")
        .file("content/n/ok.md", "+++\ntitle = \"正常OKPAGE\"\ndate = 2024-02-01\n+++\n");
    s
}

#[test]
fn drafts_only_with_the_flag() {
    let s = fixture();
    s.build_ok(&["--now", "2024-06-01"]);
    assert!(!s.out_exists("n/draft/index.html"));
    for f in ["n/index.html", "index.html", "archive/index.html", "archive/2024/index.html", "atom.xml", "sitemap.xml"] {
        assert!(!s.out(f).contains("DRAFTPAGE"), "draft listed in {f}");
    }
    s.build_ok(&["--now", "2024-06-01", "--drafts"]);
    assert!(s.out("n/draft/index.html").contains("DRAFTPAGE"));
}

#[test]
fn future_publish_date_is_held_back() {
    let s = fixture();
    s.build_ok(&["--now", "2024-06-01"]);
    assert!(!s.out_exists("n/future/index.html"));
    for f in ["n/index.html", "archive/index.html", "archive/2024/index.html", "atom.xml", "sitemap.xml"] {
        assert!(!s.out(f).contains("FUTUREPAGE"), "scheduled page listed in {f}");
    }
    // Once the date has come it is published.
    s.build_ok(&["--now", "2024-07-01T08:00"]);
    assert!(s.out("n/future/index.html").contains("FUTUREPAGE"));
    assert!(s.out("n/index.html").contains("FUTUREPAGE"));
}

#[test]
fn expired_page_moves_to_the_archive() {
    let s = fixture();
    s.build_ok(&["--now", "2024-06-01"]);
    assert!(s.out("n/expired/index.html").contains("EXPIREDPAGE"), "an expired page is still built");
    let list = s.out("n/index.html");
    assert!(list.contains("OKPAGE") && !list.contains("EXPIREDPAGE"), "expired page still in the section list");
    let archive = s.out("archive/index.html");
    let expired = between(&archive, "archive-expired", "</section>");
    assert!(expired.contains("EXPIREDPAGE") && !expired.contains("OKPAGE"), "{archive}");
    // Before expire_date it is an ordinary listed page.
    s.build_ok(&["--now", "2024-02-15"]);
    assert!(s.out("n/index.html").contains("EXPIREDPAGE"));
}

#[test]
fn bad_now_is_a_usage_error() {
    let s = fixture();
    s.run(&["build", "--now", "下周"]).expect(2).stderr_has(&["--now", "不是日期"]);
}
