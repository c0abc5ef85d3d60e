//! `dwgk check`: runs the whole build (templates included) but writes nothing.

use crate::util::{names_in, Site};

#[test]
fn check_writes_nothing_and_reports() {
    let s = Site::new();
    s.page("a.md", "甲", "正文。");
    let before = names_in(s.path());
    let r = s.run(&["check"]);
    r.expect(0).stderr_has(&["检查通过"]);
    assert_eq!(names_in(s.path()), before, "check wrote something");

    s.unrelated_error();
    let before = names_in(s.path());
    s.run(&["check"]).expect(1).stderr_has(&[crate::util::Site::UNRELATED_AT, "提示:"]);
    assert_eq!(names_in(s.path()), before, "check wrote something");
    assert!(!s.public().exists());
}

#[test]
fn check_finds_template_errors_too() {
    let s = Site::new();
    s.page("a.md", "甲", "正文。").file("templates/page.html", "{% extends \"base.html\" %}{% block content %}{{ page.nope }}{% endblock content %}");
    s.run(&["check"]).expect(1).stderr_has(&["templates/page.html", "page.nope"]);
}

#[test]
fn check_json_report() {
    let s = Site::new();
    s.page("a.md", "甲", "正文。").unrelated_error().file("content/b.md", "+++\ntitle = \"乙\"\ndate = \"昨天\"\n+++\n");
    let r = s.run(&["check", "--format", "json"]);
    r.expect(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", r.stdout));
    assert_eq!(v["errors"], 2, "{v:#}");
    assert_eq!(v["warnings"], 0);
    let diags = v["diagnostics"].as_array().expect("diagnostics[]");
    assert_eq!(diags.len(), 2);
    for d in diags {
        for key in ["file", "line", "col", "message", "hint"] {
            assert!(!d[key].is_null(), "diagnostic lacks {key}: {d:#}");
        }
        assert_eq!(d["severity"], "error");
    }
    let b = diags.iter().find(|d| d["file"] == "content/b.md").expect("b.md reported");
    assert_eq!((b["line"].as_u64(), b["col"].as_u64()), (Some(3), Some(8)));
    assert!(b["message"].as_str().unwrap().contains("昨天"));
    let other = diags.iter().find(|d| d["file"] == "content/other.md").expect("other.md reported");
    assert_eq!((other["line"].as_u64(), other["col"].as_u64()), (Some(4), Some(3)));
    assert!(!r.stderr.contains("错误:"), "JSON mode keeps the text report out of stderr:\n{}", r.stderr);

    // Clean site: valid JSON with no diagnostics, exit 0.
    s.remove("content/other.md").remove("content/b.md");
    let r = s.run(&["check", "--format", "json"]);
    r.expect(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["errors"], 0);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn json_warnings_are_counted() {
    let s = Site::new();
    // GBK "通知" as a title: builds with a warning.
    s.bytes("content/a.md", b"+++\ntitle = \"\xCD\xA8\xD6\xAA\xB9\xAB\xB8\xE6\"\n+++\n");
    let r = s.run(&["check", "--format", "json"]);
    r.expect(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!((v["errors"].as_u64(), v["warnings"].as_u64()), (Some(0), Some(1)), "{v:#}");
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"][0]["file"], "content/a.md");
}
