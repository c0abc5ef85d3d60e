//! `dwgk init`: a new site that builds as is; never over an existing site.

use crate::util::{files, run_dwgk, Site};

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_dwgk(&["init".into(), "机关党委网站".into()], tmp.path());
    r.expect(0);
    let root = tmp.path().join("机关党委网站");
    assert!(root.join("config.toml").is_file() && root.join("content/_index.md").is_file());
    let r = run_dwgk(&["build".into(), "--root".into(), root.to_string_lossy().into_owned()], tmp.path());
    r.expect(0);
    assert!(!r.stderr.contains("错误") && !r.stderr.contains("警告"), "{}", r.stderr);
    assert!(root.join("public/index.html").is_file());
    let r = run_dwgk(&["check".into(), "--root".into(), root.to_string_lossy().into_owned(), "--audience".into(), "internal".into()], tmp.path());
    r.expect(0);
}

#[test]
fn init_in_current_folder() {
    let tmp = tempfile::tempdir().unwrap();
    run_dwgk(&["init".into()], tmp.path()).expect(0);
    run_dwgk(&["build".into()], tmp.path()).expect(0);
    assert!(tmp.path().join("public/index.html").is_file());
}

#[test]
fn init_refuses_an_existing_site() {
    let s = Site::new();
    s.page("a.md", "我的通知", "已有内容。");
    let before = files(s.path());
    let r = s.run_in(&["init", "."]);
    r.expect(2).stderr_has(&["已经有站点", "不覆盖", "提示:"]);
    assert_eq!(files(s.path()), before, "init changed an existing site");
}
