//! The output folder: written atomically (a failed build leaves the last good site
//! byte-for-byte intact, with no staging folder left over), no stale files after a
//! good build, and a folder dwgk did not create is never replaced. The output a build
//! replaces stays beside it as a hidden spare that the next build updates in place.

use crate::util::{files, names_in, Site};

#[test]
fn failed_build_keeps_last_good_output_and_next_good_build_has_no_stale_files() {
    let s = Site::new();
    s.page("notices/a.md", "甲通知", "正文甲。").page("notices/b.md", "乙通知", "正文乙。");
    s.build_ok(&[]);
    let good = files(&s.public());
    assert!(good.contains_key("notices/a/index.html") && good.contains_key("notices/b/index.html"));
    let siblings = names_in(s.path());

    // Break a page: exit 1, the published site is untouched, nothing left beside it.
    s.file("content/notices/a.md", "+++\ntitle = \"甲通知\"\ndate = \"昨天\"\n+++\n正文甲。");
    s.page("notices/c.md", "丙通知", "正文丙。");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/a.md:3:8", "保持原样"]);
    assert_eq!(files(&s.public()), good, "a failed build changed the output");
    assert_eq!(names_in(s.path()), siblings, "a failed build left something beside the output (staging folder?)");

    // Fix it and delete a page: the next good build has no stale files.
    s.page("notices/a.md", "甲通知（修订）", "正文甲。").remove("content/notices/b.md");
    s.build_ok(&[]);
    let now = files(&s.public());
    assert!(!now.contains_key("notices/b/index.html"), "deleted page survived: {:?}", now.keys().collect::<Vec<_>>());
    assert!(now.contains_key("notices/c/index.html"));
    assert!(String::from_utf8_lossy(&now["notices/a/index.html"]).contains("甲通知（修订）"));
    assert!(!String::from_utf8_lossy(&now["notices/index.html"]).contains("乙通知"));
    let mut with_spare = siblings.clone();
    with_spare.push(".public.dwgk-spare".into());
    with_spare.sort();
    assert_eq!(names_in(s.path()), with_spare, "nothing but the spare beside the output after a good build");
}

/// Rebuilds that update the spare (the output two builds back) give exactly the files
/// of a build into a fresh folder: changed pages rewritten, deleted ones gone, a
/// failed build in between changes nothing, and a killed build's tree is reused.
#[test]
fn rebuilds_into_the_spare_equal_a_fresh_build() {
    let s = Site::new();
    s.page("notices/a.md", "甲通知", "正文甲。").page("notices/b.md", "乙通知", "正文乙。").page("notices/c.md", "丙通知", "正文丙。");
    s.file("static/files/x.txt", "附件一");
    s.build_ok(&[]);
    s.build_ok(&[]);
    let spare = s.path().join(".public.dwgk-spare");
    assert!(spare.join("notices/a/index.html").is_file(), "the replaced output is kept as the spare");
    let fresh = |label: &str| {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("site");
        s.run(&["build", "--output", &dir.to_string_lossy()]).expect(0);
        assert_eq!(files(&s.public()), files(&dir), "{label}: the updated output differs from a fresh build");
    };

    // Delete a page, change another and an attachment (same size: found by its time).
    s.remove("content/notices/b.md").page("notices/a.md", "甲通知（修订）", "正文甲。");
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.file("static/files/x.txt", "附件二");
    s.build_ok(&[]);
    let now = files(&s.public());
    assert!(!now.contains_key("notices/b/index.html"), "a deleted page survived the rebuild");
    assert_eq!(now["files/x.txt"], "附件二".as_bytes());
    fresh("after a deletion and an edit");

    // A failed build leaves output and spare as they were.
    let (good, spare_files) = (files(&s.public()), files(&spare));
    s.unrelated_error();
    s.run(&["build"]).expect(1);
    assert_eq!(files(&s.public()), good, "a failed build changed the output");
    assert_eq!(files(&spare), spare_files, "a failed build lost the spare");
    s.remove("content/other.md");

    // A killed build's staging tree (its process gone) with junk in it and no spare.
    let dead = s.path().join(".public.dwgk-staging-4000000000");
    std::fs::rename(&spare, &dead).unwrap();
    std::fs::write(dead.join("junk.html"), "half a page").unwrap();
    s.page("notices/d.md", "丁通知", "正文丁。");
    s.build_ok(&[]);
    assert!(!dead.exists(), "the killed build's tree was not taken over");
    fresh("after a killed build");
}

#[test]
fn failed_build_into_custom_output_keeps_it() {
    let s = Site::new();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let target_s = target.to_string_lossy().into_owned();
    s.page("a.md", "甲", "正文");
    s.run(&["build", "--output", &target_s]).expect(0);
    let good = files(&target);
    s.unrelated_error();
    s.run(&["build", "--output", &target_s]).expect(1);
    assert_eq!(files(&target), good);
    // The build cache stays beside the output (docs: README), nothing else does.
    assert_eq!(names_in(out.path()), [".site.dwgk-cache", "site"], "staging folder left beside the output");
}

#[test]
fn refuses_a_foreign_non_empty_output_folder() {
    let s = Site::new();
    s.page("a.md", "甲", "正文");
    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("thesis.docx"), b"my thesis, not a website").unwrap();
    std::fs::create_dir(foreign.path().join("chapters")).unwrap();
    std::fs::write(foreign.path().join("chapters/1.docx"), b"chapter one").unwrap();
    let before = files(foreign.path());
    let dir = foreign.path().to_string_lossy().into_owned();
    let r = s.run(&["build", "--output", &dir]);
    r.expect(2).stderr_has(&["不是 dwgk 生成的", "不覆盖", "提示"]);
    assert_eq!(files(foreign.path()), before, "the foreign folder was touched");
    assert_eq!(names_in(foreign.path()), ["chapters", "thesis.docx"]);
    let parent = foreign.path().parent().unwrap();
    let name = foreign.path().file_name().unwrap().to_string_lossy().into_owned();
    assert!(!names_in(parent).iter().any(|n| n.starts_with(&format!(".{name}.dwgk-staging-"))), "staging folder left beside the refused output");
    assert!(!names_in(parent).contains(&format!(".{name}.dwgk-cache")), "a cache beside a folder the build refused");
}

#[test]
fn empty_output_folder_is_accepted() {
    let s = Site::new();
    s.page("a.md", "甲", "正文");
    // Inside a temporary folder: the replaced (empty) folder is kept beside the output
    // as the next build's spare, and must be cleaned up with it.
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("out");
    std::fs::create_dir(&empty).unwrap();
    s.run(&["build", "--output", &empty.to_string_lossy()]).expect(0);
    assert!(empty.join("a/index.html").is_file());
}

#[test]
fn a_build_outside_a_site_says_nothing_was_made_not_that_public_was_kept() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::util::run_dwgk(&["build".to_string()], dir.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("找不到 config.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("没有生成任何文件") && !run.stderr.contains("保持原样"), "there is no ./public to keep: {}", run.stderr);
    assert!(!dir.path().join("public").exists(), "nothing created");
}
