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
    assert!(!r.stderr.contains("警告"), "the example content is clean:\n{}", r.stderr);
    assert!(root.join("使用指南.md").is_file(), "the officers' guide is in the new site");
}

/// The new site shows every feature on day one: the branch preset, a checklist, a
/// record, an activity and a study session of this month count in `report`; the
/// dues ledger is evaluated; a notice typed as in Notepad keeps its lines.
#[test]
fn init_shows_every_feature_on_day_one() {
    let tmp = tempfile::tempdir().unwrap();
    run_dwgk(&["init".into(), "站点".into()], tmp.path()).expect(0);
    let root = tmp.path().join("站点").to_string_lossy().into_owned();
    let r = run_dwgk(&["report".into(), "--root".into(), root.clone(), "--format".into(), "json".into()], tmp.path());
    r.expect(0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("report JSON");
    let unit = &v["units"][0];
    assert_eq!(unit["id"], "diyi");
    let met: Vec<&str> = unit["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|req| req["cells"].as_array().unwrap().iter().any(|c| c["status"] == "met"))
        .map(|req| req["id"].as_str().unwrap())
        .collect();
    for id in ["zhiweihui", "dangxiaozuhui", "dangyuandahui", "zhutidangri", "jitixuexi"] {
        assert!(met.contains(&id), "{id} is met this month (record, activity, study plan): {met:?}");
    }
    assert!(unit["requirements"].as_array().unwrap().iter().any(|r| r["origin"].as_str().unwrap().starts_with("预设")), "the preset applies");
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("o");
    let r = run_dwgk(
        &["build".into(), "--root".into(), root.clone(), "--audience".into(), "internal".into(), "-o".into(), o.to_string_lossy().into_owned()],
        tmp.path(),
    );
    r.expect(0);
    let site = files(&o);
    let notice = String::from_utf8(site["notices/关于召开组织生活会的通知/index.html"].clone()).unwrap();
    assert!(
        notice.contains("<p>1、开展谈心谈话；</p>")
            && notice.contains("<th scope=\"col\">联系人</th>")
            && notice.contains("<p class=\"signature\">中共某某单位委员会</p>"),
        "{notice}"
    );
    let dues = site.iter().find(|(k, _)| k.starts_with("units/diyi/dues-")).map(|(_, v)| String::from_utf8(v.clone()).unwrap()).expect("the dues page");
    assert!(dues.contains("183.60"), "the ledger is read and summed");
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
