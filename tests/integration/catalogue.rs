//! The disclosure catalogue (党务公开目录) end to end: a fixture with on-time, late,
//! missing and still-running disclosures; the publisher's journal deciding when a
//! page was published; a short 公示期; overrides from config.toml and a unit's page;
//! and where timeliness shows (report, compliance.json, the pages, `check`).

use crate::util::{run_dwgk, Site};
use serde_json::Value;

fn dues(period: &str, date: &str) -> String {
    format!(
        "+++\ntitle = \"{period}党费公示\"\nkind = \"dues\"\ndate = {date}\nperiod = \"{period}\"\n\
         [[rows]]\nname = \"张三\"\ncategory = \"在职\"\nbase = 3000\nmonths = 3\npaid = 45\n+++\n公示如下。\n"
    )
}

fn unit(title: &str, kind: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n[unit]\nkind = \"{kind}\"\nsecretary = \"某\"\nmembers = 5\n+++\n")
}

/// 机关党委 `jg` with branches `a` (dues Q1 on time, Q2 late) and `b` (none), as of 2024-11-20.
fn fixture() -> Site {
    let s = Site::new();
    s.file(
        "config.toml",
        "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\", \"gongkai-2017\"]\n\
         [compliance]\nyear = 2024\nas_of = 2024-11-20\nscope = \"public\"\n\
         [[catalogue]]\nid = \"zongjie\"\nname = \"年度党建工作总结\"\ncategory = \"党的建设\"\nper = \"year\"\ndeadline_days = 31\ntags = [\"工作总结\"]\napplies_to = [\"党委\"]\n",
    )
    .file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n")
    .file("content/units/jg/_index.md", &unit("机关党委", "党委"))
    .file("content/units/jg/a/_index.md", &unit("甲支部", "党支部"))
    .file(
        "content/units/jg/b/_index.md",
        "+++\ntitle = \"乙支部\"\n[unit]\nkind = \"党支部\"\nsecretary = \"某\"\nmembers = 5\n\n\
         [[catalogue]]\nid = \"dangfei\"\nname = \"党费收缴情况\"\ncategory = \"党费\"\nscope = \"public\"\nper = \"half\"\ndeadline_days = 10\nkinds = [\"dues\"]\n+++\n",
    )
    .file("content/units/jg/a/dues-q1.md", &dues("2024-Q1", "2024-04-10"))
    .file("content/units/jg/a/dues-q2.md", &dues("2024-Q2", "2024-08-05"))
    .file(
        "content/units/jg/biaozhang.md",
        "+++\ntitle = \"拟表彰对象公示\"\ndate = 2024-06-20\nexpire_date = 2024-06-24\ntags = [\"评先评优\"]\n+++\n公示3个工作日。\n",
    );
    s
}

fn report_json(s: &Site, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--root", s.path().to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.into_iter().map(String::from).collect();
    let r = run_dwgk(&args, s.path());
    r.expect(0);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn unit_of<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["units"].as_array().unwrap().iter().find(|u| u["id"] == id).unwrap_or_else(|| panic!("no unit {id}"))
}

fn cells(j: &Value, unit: &str, item: &str) -> Vec<(String, String, i64)> {
    let u = unit_of(j, unit);
    let items = u["disclosure"]["items"].as_array().unwrap_or_else(|| panic!("{unit} has no catalogue: {u}"));
    let i = items.iter().find(|i| i["id"] == item).unwrap_or_else(|| panic!("{unit} has no item {item}"));
    i["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let key = c["period"].as_str().or(c["event"].as_str()).unwrap().to_string();
            (key, c["status"].as_str().unwrap().to_string(), c["days"].as_i64().unwrap())
        })
        .collect()
}

#[test]
fn on_time_late_missing_and_running_disclosures_with_overrides() {
    let s = fixture();
    let j = report_json(&s, &[]);
    let c = |k: &str, st: &str, d: i64| (k.to_string(), st.to_string(), d);
    assert_eq!(
        cells(&j, "a", "dangfei"),
        [c("2024-Q1", "on_time", 0), c("2024-Q2", "late", 21), c("2024-Q3", "missing", 36), c("2024-Q4", "pending", 0)],
        "due 15 days after each quarter"
    );
    // The branch's own `[[catalogue]]` replaces the preset's item: half-yearly, 10 days.
    assert_eq!(cells(&j, "b", "dangfei"), [c("2024-H1", "missing", 133), c("2024-H2", "pending", 0)]);
    // config.toml's item for the 党委 only; the 表彰 notice has no unit and counts for none.
    assert_eq!(cells(&j, "jg", "zongjie"), [c("2024", "pending", 0)]);
    assert!(unit_of(&j, "a")["disclosure"]["items"].as_array().unwrap().iter().all(|i| i["id"] != "zongjie"));
    let a = &unit_of(&j, "a")["disclosure"]["tally"];
    assert_eq!((a["on_time"].as_i64(), a["late"].as_i64()), (Some(1), Some(1)), "only the Q1 dues on time: {a}");
    let jg = &unit_of(&j, "jg")["disclosure"]["rollup"];
    let sum = |k: &str| ["jg", "a", "b"].iter().map(|u| unit_of(&j, u)["disclosure"]["tally"][k].as_i64().unwrap()).sum::<i64>();
    assert_eq!(jg["missing"].as_i64(), Some(sum("missing")), "the 党委 rolls up its branches: {jg}");

    // The same numbers in the terminal table, the CSV and the pages.
    let args: Vec<String> = ["report", "--root", s.path().to_str().unwrap(), "--disclosures"].iter().map(|s| s.to_string()).collect();
    let t = run_dwgk(&args, s.path());
    t.expect(0);
    assert!(t.stdout.contains("第二季度!(逾期21天公开)") && t.stdout.contains("第三季度✗(逾期36天未公开)"), "{}", t.stdout);
    let args: Vec<String> = ["report", "--root", s.path().to_str().unwrap(), "--disclosures", "--format", "csv"].iter().map(|s| s.to_string()).collect();
    let csv = run_dwgk(&args, s.path());
    assert!(
        csv.stdout.contains(
            "a,甲支部,dangfei,党费收缴、使用和管理情况,党费收缴使用管理,向社会公开,每季度,每期结束后15日内,2024-Q2,2024-07-15,2024-08-05,逾期公开,21,"
        ),
        "{}",
        csv.stdout
    );
    s.build_ok(&[]);
    let out = s.public();
    let catalogue = std::fs::read_to_string(out.join("units/jg/a/catalogue/index.html")).unwrap();
    assert!(catalogue.contains("甲支部党务公开目录") && catalogue.contains("逾期21天公开") && catalogue.contains("2024-Q2党费公示"), "{catalogue}");
    let summary = std::fs::read_to_string(out.join("compliance/index.html")).unwrap();
    assert!(summary.contains("党务公开及时情况") && summary.contains("units/jg/a/catalogue/"), "the summary links each catalogue");
    let unit_page = std::fs::read_to_string(out.join("units/jg/a/index.html")).unwrap();
    assert!(unit_page.contains("公开及时率") && unit_page.contains("tl-late"), "the unit page shows timeliness");
    let json: Value = serde_json::from_slice(&std::fs::read(out.join("compliance.json")).unwrap()).unwrap();
    assert_eq!(cells(&json, "a", "dangfei"), cells(&j, "a", "dangfei"), "the download says what report says");
    assert!(std::fs::read_to_string(out.join("disclosure.csv")).unwrap().contains("逾期公开"));
    assert!(std::fs::read_to_string(out.join("sitemap.xml")).unwrap().contains("units/jg/a/catalogue/"));
}

#[test]
fn check_warns_each_overdue_disclosure_at_the_unit_and_each_short_notice_at_its_page() {
    let s = fixture();
    s.file(
        "content/units/jg/biaozhang.md",
        "+++\ntitle = \"拟表彰对象公示\"\ndate = 2024-06-20\nexpire_date = 2024-06-24\nunit = \"jg\"\ntags = [\"评先评优\"]\n+++\n公示。\n",
    );
    let r = run_dwgk(&["check".into(), "--root".into(), s.path().to_string_lossy().into_owned()], s.path());
    r.expect(0).stderr_has(&[
        "乙支部的“党费收缴情况”2024年上半年应在 2024-07-10 前公开，已逾期 133 天，仍未公开",
        "content/units/jg/b/_index.md:",
        "“评先评优公示”要求公示不少于 5 个工作日，本页只公示了 3 个工作日",
        "content/units/jg/biaozhang.md:4",
    ]);
    // `build` keeps overdue notes to `check`; the 公示期 warning is in every build.
    let b = run_dwgk(&["build".into(), "--root".into(), s.path().to_string_lossy().into_owned()], s.path());
    b.expect(0);
    assert!(!b.stderr.contains("仍未公开") && b.stderr.contains("公示了 3 个工作日"), "{}", b.stderr);
}

#[test]
fn explicit_discloses_is_checked_and_overrides_kind_and_tags() {
    let s = fixture();
    s.file("content/units/jg/a/note.md", "+++\ntitle = \"说明\"\ndate = 2024-07-01\nperiod = \"2024-Q3\"\n\"公开事项\" = [\"党费收缴\"]\n+++\n")
        .file("content/units/jg/a/bad.md", "+++\ntitle = \"错\"\ndate = 2024-07-01\ndiscloses = [\"dangfie\"]\n+++\n");
    let r = run_dwgk(&["check".into(), "--root".into(), s.path().to_string_lossy().into_owned()], s.path());
    r.expect(1).stderr_has(&["discloses 中的“dangfie”不是本单位公开目录中的事项", "content/units/jg/a/bad.md:4", "是不是“dangfei”？"]);
    s.remove("content/units/jg/a/bad.md");
    let j = report_json(&s, &[]);
    assert_eq!(cells(&j, "a", "dangfei")[2], ("2024-Q3".into(), "on_time".into(), 0), "the alias 党费收缴 in 公开事项 names the item");
}

#[test]
fn the_publishers_journal_decides_when_a_page_was_published() {
    let s = fixture();
    s.file("config.toml", &std::fs::read_to_string(s.path().join("config.toml")).unwrap().replace("[compliance]", "[publish]\ndest = \"dest\"\n[compliance]"));
    std::fs::create_dir_all(s.path().join("dest/releases")).unwrap();
    // The first release (the baseline) carried Q1; Q2's page says 08-05 but went live on 09-02.
    let entry = |time: &str, file: &str| {
        format!("{{\"time\":\"{time}\",\"trigger\":\"change\",\"outcome\":\"published\",\"pages\":1,\"added\":[{{\"path\":\"/x/\",\"file\":\"{file}\",\"title\":\"x\"}}],\"message\":\"\"}}\n")
    };
    let journal = entry("2024-06-01T10:00:00+08:00", "content/units/jg/a/dues-q1.md") + &entry("2024-09-02T10:00:00+08:00", "content/units/jg/a/dues-q2.md");
    s.file("dest/journal.jsonl", &journal);
    let j = report_json(&s, &[]);
    let c = cells(&j, "a", "dangfei");
    assert_eq!(c[0], ("2024-Q1".into(), "on_time".into(), 0), "baseline: the page's earlier date stands");
    assert_eq!(c[1], ("2024-Q2".into(), "late".into(), 49), "07-15 to 09-02, not to the stated 08-05");
}

#[test]
fn placeholders_are_errors_on_reports_and_warnings_on_plans() {
    let s = fixture();
    s.file("content/units/jg/a/record.md", "+++\ntitle = \"记录\"\nkind = \"record\"\n+++\n\n今年共召开x次支委会，发展党员X名。\n")
        .file("content/units/jg/a/plan.md", "+++\ntitle = \"××支部责任清单\"\nkind = \"checklist\"\n+++\n每月开展学习。\n");
    let r = run_dwgk(&["check".into(), "--root".into(), s.path().to_string_lossy().into_owned()], s.path());
    r.expect(1).stderr_has(&[
        "错误: 页面中还有模板占位符“x次”",
        "content/units/jg/a/record.md:6:6",
        "错误: 页面中还有模板占位符“X名”",
        "content/units/jg/a/record.md:6:16",
        "警告: 计划或清单中还有模板占位符“××支”",
        "content/units/jg/a/plan.md:2:10",
    ]);
}

/// `publish` dates a page it publishes for the first time today, whatever its
/// `date` says; `report` then reads the same day from the journal.
#[test]
fn publish_dates_a_new_page_today_and_report_agrees() {
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    let last = today.year() - 1;
    let s = Site::new();
    // Outside the source (publish refuses a DEST inside it); `[publish] dest` absolute.
    let outside = tempfile::tempdir().unwrap();
    let dest = outside.path().join("dest");
    s.file(
        "config.toml",
        &format!(
            "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"gongkai-2017\"]\n[compliance]\nyear = {last}\n[publish]\ndest = \"{}\"\nsettle_seconds = 0\n",
            dest.display()
        ),
    )
    .file("content/units/a/_index.md", &unit("甲支部", "党支部"))
    .file("content/units/a/dues-q2.md", &dues(&format!("{last}-Q2"), &format!("{last}-07-10")));
    let run = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        run_dwgk(&args, s.path())
    };
    let src = s.path().to_string_lossy().into_owned();
    let d = dest.to_string_lossy().into_owned();
    let publish = ["publish", "--once", "--source", &src, "--dest", &d, "--audience", "internal"];
    run(&publish).expect(0);
    // Q3 is backdated: it says October, but goes live now.
    s.file("content/units/a/dues-q3.md", &dues(&format!("{last}-Q3"), &format!("{last}-10-10")));
    run(&publish).expect(0);
    let live: Value = serde_json::from_slice(&std::fs::read(dest.join("current/compliance.json")).unwrap()).unwrap();
    let due = chrono::NaiveDate::from_ymd_opt(last, 10, 15).unwrap();
    let c = cells(&live, "a", "dangfei");
    assert_eq!(c[1], (format!("{last}-Q2"), "on_time".into(), 0), "in the first release: its own date stands");
    assert_eq!(c[2], (format!("{last}-Q3"), "late".into(), (today - due).num_days()), "published today");
    let q3 = &unit_of(&live, "a")["disclosure"]["items"][0]["cells"][2];
    assert_eq!(q3["published"], today.format("%Y-%m-%d").to_string(), "{q3}");
    assert_eq!(cells(&report_json(&s, &[]), "a", "dangfei"), c, "report reads the journal of [publish] dest");
}

/// The example site's disclosures, worked out from its files (as of 2024-11-20):
/// 第二党支部 disclosed Q1–Q2 dues in one half-year page on 07-08 (Q1 due 04-15: 84 days
/// late), 第一 and 第三 only Q3; 第三党支部's Q2 record is dated 07-22 (due 07-15); the
/// 表彰 notice names `discloses = ["pingxian"]` for the 党委; the 发展党员 notice of
/// 09-13 ends 09-19: five weekdays, but four working days with the 中秋 holidays and the
/// 调休 Saturday of config.toml (which also move its deadline from 09-20 to 09-23).
#[test]
fn the_example_sites_timeliness_matches_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let args: Vec<String> = ["report", "--root", env!("CARGO_MANIFEST_DIR"), "--format", "json"].iter().map(|s| s.to_string()).collect();
    let r = run_dwgk(&args, tmp.path());
    r.expect(0);
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    let c = |k: &str, st: &str, d: i64| (k.to_string(), st.to_string(), d);
    assert_eq!(&cells(&j, "dier", "dangfei")[..3], &[c("2024-Q1", "late", 84), c("2024-Q2", "on_time", 0), c("2024-Q3", "missing", 36)]);
    assert_eq!(&cells(&j, "diyi", "dangfei")[..3], &[c("2024-Q1", "missing", 219), c("2024-Q2", "missing", 128), c("2024-Q3", "on_time", 0)]);
    assert_eq!(cells(&j, "disan", "sanhuiyike")[1], c("2024-Q2", "late", 7));
    assert_eq!(cells(&j, "jiguan", "pingxian"), [c("2024-06-20", "on_time", 0)]);
    assert_eq!(cells(&j, "dier", "fazhan"), [c("2024-09-13", "on_time", 0)]);
    let fazhan = &unit_of(&j, "dier")["disclosure"]["items"].as_array().unwrap().iter().find(|i| i["id"] == "fazhan").unwrap()["cells"][0];
    assert_eq!(fazhan["notice_days"], 4, "Fri 13, Sat 14 (调休), Wed 18, Thu 19: Mon 16 and Tue 17 were 中秋");
    assert_eq!(fazhan["due"], "2024-09-23", "five working days after the 13th: 14, 18, 19, 20, 23");
    let rate = |u: &str, k: &str| unit_of(&j, u)["disclosure"][k]["rate"].as_f64().unwrap();
    assert!((rate("diyi", "tally") - 71.4).abs() < 1e-9 && (rate("jiguan", "tally") - 100.0).abs() < 1e-9);
    let sum = |k: &str| ["jiguan", "diyi", "dier", "disan"].iter().map(|u| unit_of(&j, u)["disclosure"]["tally"][k].as_i64().unwrap()).sum::<i64>();
    let roll = &unit_of(&j, "jiguan")["disclosure"]["rollup"];
    assert_eq!((roll["on_time"].as_i64(), roll["late"].as_i64(), roll["missing"].as_i64()), (Some(sum("on_time")), Some(sum("late")), Some(sum("missing"))));
}

#[test]
fn a_page_may_not_take_a_units_catalogue_address() {
    let s = fixture();
    s.file("content/units/jg/a/mulu.md", "+++\ntitle = \"目录\"\nslug = \"catalogue\"\n+++\n");
    let r = run_dwgk(&["check".into(), "--root".into(), s.path().to_string_lossy().into_owned()], s.path());
    r.expect(1).stderr_has(&["网址 /units/jg/a/catalogue/ 是“甲支部”的党务公开目录页", "content/units/jg/a/mulu.md"]);
}
