//! Units, requirements, records and the compliance outputs: bad input is located
//! and explained, the summary and downloads carry the right numbers, and the
//! public build shows compliance only when `[compliance] scope = "public"`.

use crate::util::Site;
use serde_json::Value;

const CONFIG: &str =
    "title = \"测试党务公开\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-06-30\n";

/// A 党委 with one branch: the preset applies to the branch.
fn org() -> Site {
    let s = Site::new();
    s.file("config.toml", CONFIG)
        .file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n")
        .file("content/units/jg/_index.md", "+++\ntitle = \"机关党委\"\n[unit]\nkind = \"党委\"\n+++\n")
        .file("content/units/jg/zb1/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nmembers = 20\n+++\n");
    s
}

fn record(s: &Site, rel: &str, period: &str, counts: &str) {
    s.file(&format!("content/units/{rel}"), &format!("+++\ntitle = \"工作记录\"\nkind = \"record\"\nperiod = \"{period}\"\n[counts]\n{counts}\n+++\n正文。\n"));
}

fn report_json(s: &Site, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json"];
    args.extend_from_slice(extra);
    let r = s.run(&args);
    r.expect(0);
    serde_json::from_str(&r.stdout).expect("report json")
}

fn cells(v: &Value, unit: &str, req: &str) -> Vec<(String, String, u64)> {
    let u = v["units"].as_array().unwrap().iter().find(|u| u["id"] == unit).unwrap_or_else(|| panic!("unit {unit}"));
    let r = u["requirements"].as_array().unwrap().iter().find(|r| r["id"] == req).unwrap_or_else(|| panic!("req {req}"));
    r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["period"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string(), c["count"].as_u64().unwrap()))
        .collect()
}

#[test]
fn counts_by_id_name_and_alias_give_statuses() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "\"支委会\" = 3\n\"支部党员大会\" = 1\ndangke = 0");
    s.file("content/units/jg/zb1/2024-04-12-zhutidangri.md", "+++\ntitle = \"主题党日\"\nkind = \"activity\"\ncounts_as = [\"主题党日\"]\n+++\n");
    let v = report_json(&s, &[]);
    let zwh = cells(&v, "zb1", "zhiweihui");
    assert_eq!(zwh[0], ("2024-01".into(), "met".into(), 3), "quarterly count judged against 3 × min");
    assert_eq!(zwh[3], ("2024-04".into(), "missing".into(), 0));
    assert_eq!(zwh.len(), 6, "as_of = 2024-06-30: no July");
    assert_eq!(cells(&v, "zb1", "dangyuandahui")[0].1, "met");
    assert_eq!(cells(&v, "zb1", "dangyuandahui")[1].1, "missing", "Q2 ended on as_of (inclusive)");
    assert_eq!(cells(&v, "zb1", "dangke")[0], ("2024".into(), "pending".into(), 0), "the year is still running");
    let ztdr = cells(&v, "zb1", "zhutidangri");
    assert_eq!((ztdr[3].1.as_str(), ztdr[2].1.as_str()), ("met", "missing"));
    let jg = v["units"].as_array().unwrap().iter().find(|u| u["id"] == "jg").unwrap();
    assert!(jg["requirements"].as_array().unwrap().is_empty(), "the branch preset does not apply to the 党委");
    assert!(jg["na"].as_array().unwrap().iter().any(|x| x == "zhiweihui"));
}

#[test]
fn bad_counts_are_each_located_with_a_hint() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihiu = 3\ndangke = -1\nzhutidangri = 1.5\n\"主题党日\" = \"x\"");
    s.unrelated_error();
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&[
        "content/units/jg/zb1/q1.md:6:1",
        "“zhiweihiu”不是本单位适用的要求",
        "是不是“zhiweihui”？",
        "content/units/jg/zb1/q1.md:7:",
        "不能是负数",
        "content/units/jg/zb1/q1.md:8:",
        "应是整数",
        "模板占位符“x”",
        Site::UNRELATED_AT,
    ]);
}

#[test]
fn malformed_periods_and_unknown_counts_as() {
    let s = org();
    record(&s, "jg/zb1/a.md", "2024-Q5", "dangke = 1");
    record(&s, "jg/zb1/b.md", "2024-13", "dangke = 1");
    s.file("content/units/jg/zb1/2024-03-01-huodong.md", "+++\ntitle = \"活动\"\nkind = \"activity\"\ncounts_as = [\"zhutidangr\"]\n+++\n");
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&[
        "content/units/jg/zb1/a.md:4:10",
        "统计时段 period \"2024-Q5\" 无效",
        "content/units/jg/zb1/b.md:4:10",
        "content/units/jg/zb1/2024-03-01-huodong.md:4:",
        "counts_as 中的“zhutidangr”不是本单位适用的要求",
        "是不是“zhutidangri”？",
    ]);
}

#[test]
fn record_of_another_year_is_kept_for_that_year() {
    let s = org();
    record(&s, "jg/zb1/2023.md", "2023", "dangke = 1");
    let v2024 = report_json(&s, &[]);
    assert_eq!(cells(&v2024, "zb1", "dangke")[0].1, "pending");
    let v2023 = report_json(&s, &["--year", "2023"]);
    assert_eq!(cells(&v2023, "zb1", "dangke")[0], ("2023".into(), "met".into(), 1));
    // the workbook has a sheet for each year that has records
    let out = tempfile::tempdir().unwrap();
    s.run(&["build", "--audience", "internal", "-o", &out.path().join("o").to_string_lossy()]).expect(0);
    let wb: calamine::Xlsx<_> = calamine::open_workbook(out.path().join("o/compliance.xlsx")).unwrap();
    let names = calamine::Reader::sheet_names(&wb);
    assert_eq!(names, ["2023年汇总", "2024年汇总", "2024年明细"], "a summary per year, details for the reporting year");
    let detail = s.path().join("2023.xlsx");
    s.run(&["report", "--year", "2023", "--format", "xlsx", "--output", &detail.to_string_lossy()]).expect(0);
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&detail).unwrap();
    assert_eq!(calamine::Reader::sheet_names(&wb), ["2023年汇总", "2023年明细"]);
}

#[test]
fn duplicate_unit_ids_and_unit_folder_without_index() {
    let s = org();
    s.file("content/units/other/zb1/_index.md", "+++\ntitle = \"另一个第一支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    record(&s, "jg/zb1/xiaozu/q1.md", "2024-Q1", "dangke = 1");
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&[
        "两个单位的编号都是“zb1”",
        "content/units/other/zb1/_index.md",
        "警告: 文件夹 content/units/jg/zb1/xiaozu/ 没有 _index.md，不是一个单位；本页计入上级单位“zb1”",
        "新建 content/units/jg/zb1/xiaozu/_index.md",
    ]);
}

#[test]
fn bad_requirement_declarations() {
    let s = org();
    s.file(
        "config.toml",
        &format!("{CONFIG}\n[[requirements]]\nid = \"xuexi\"\nper = \"week\"\nmin = 1\n\n[[requirements]]\nid = \"tanhua\"\nper = \"year\"\nmin = 0\n"),
    );
    s.file(
        "content/units/jg/zb1/checklist.md",
        "+++\ntitle = \"责任清单\"\nkind = \"checklist\"\n\n[[requirements]]\nid = \"zhiweihui\"\nname = \"支部委员会会议\"\nper = \"quarter\"\nmin = 2\n+++\n每月召开一次支委会。每年开展志愿服务不少于4次。\n",
    );
    let r = s.run(&["check"]);
    r.expect(1).stderr_has(&["config.toml:8:1", "周期 per“week”无效", "config.toml:13:1", "最少次数 min 应是不小于 1 的整数"]);
    // Fix the config: the checklist override and the uncovered prose are noted by check.
    s.file("config.toml", CONFIG);
    let r = s.run(&["check"]);
    r.expect(0).stderr_has(&[
        "content/units/jg/zb1/checklist.md:6:6",
        "“支部委员会会议”（zhiweihui）：第一党支部的责任清单 content/units/jg/zb1/checklist.md 的声明（每季度不少于2次）取代了预设 branch-2018 的声明（每月不少于1次），适用于",
        "别名（支委会）不再能用作 [counts] 的键",
        "content/units/jg/zb1/checklist.md:11",
        "每年开展志愿服务不少于4次",
        "per = \"year\"",
        "min = 4",
    ]);
    // the override wins: zhiweihui is now quarterly, 2 per quarter
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 2");
    let v = report_json(&s, &[]);
    assert_eq!(cells(&v, "zb1", "zhiweihui"), [("2024-Q1".into(), "met".into(), 2), ("2024-Q2".into(), "missing".into(), 0)]);
    // build does not repeat check's notes
    s.run(&["build"]).expect(0);
    assert!(!s.run(&["build"]).stderr.contains("取代了"));
}

#[test]
fn check_notes_every_override_and_suggests_only_undeclared_sentences() {
    let s = org();
    s.file("config.toml", &format!("{CONFIG}\n[[requirements]]\nid = \"dangke\"\nname = \"党课\"\nper = \"quarter\"\napplies_to = [\"党支部\"]\n"))
        .file(
            "content/units/jg/checklist.md",
            "+++\ntitle = \"机关党委责任清单\"\nkind = \"checklist\"\n\n[[requirements]]\nid = \"dangke\"\nname = \"党课\"\nper = \"half\"\ninherit = true\napplies_to = [\"党支部\"]\n\n\
             [[requirements]]\nid = \"xiaozuxuexi\"\nname = \"党小组学习\"\nper = \"month\"\ninherit = true\napplies_to = [\"党小组\"]\n+++\n\
             各党小组每月组织党小组学习一次。\n\n每年开展志愿服务不少于4次。\n",
        )
        .file("content/units/jg/zb1/zu1/_index.md", "+++\ntitle = \"第一党小组\"\n[unit]\nkind = \"党小组\"\n+++\n")
        .file("content/units/other/_index.md", "+++\ntitle = \"后勤党委\"\n[unit]\nkind = \"党委\"\n+++\n")
        .file("content/units/other/zb2/_index.md", "+++\ntitle = \"后勤第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    let r = s.run(&["check"]);
    r.expect(0).stderr_has(&[
        // An inherited checklist entry over config.toml and over the preset, for the branch below it.
        "“党课”（dangke）：机关党委的责任清单 content/units/jg/checklist.md 的声明（每半年不少于1次）取代了config.toml 的声明（每季度不少于1次），适用于第一党支部",
        "“党课”（dangke）：机关党委的责任清单 content/units/jg/checklist.md 的声明（每半年不少于1次）取代了预设 branch-2018 的声明（每年不少于1次），适用于第一党支部",
        // config.toml over the preset where no checklist says otherwise, located at its entry.
        "“党课”（dangke）：config.toml 的声明（每季度不少于1次）取代了预设 branch-2018 的声明（每年不少于1次），适用于后勤第二党支部",
        "config.toml:8",
        "别名（讲党课）不再能用作 [counts] 的键",
        // A sentence no entry declares is suggested; the one the 党小组 entry declares is not.
        "每年开展志愿服务不少于4次",
    ]);
    assert_eq!(r.stderr.matches("取代了").count(), 3, "one note per pair of declarations:\n{}", r.stderr);
    assert!(!r.stderr.contains("各党小组每月组织党小组学习一次"), "declared on the page, for 党小组 units only:\n{}", r.stderr);
    let v = report_json(&s, &[]);
    assert_eq!(cells(&v, "zb2", "dangke").len(), 2, "config.toml's quarterly 党课 for the other branch");
    assert_eq!(cells(&v, "zb1", "dangke").len(), 1, "the inherited half-yearly one for the first branch");
    assert_eq!(cells(&v, "zu1", "xiaozuxuexi").len(), 6, "the 党小组 gets its monthly study");
}

#[test]
fn bad_life_span_dates_are_located() {
    let s = org();
    s.file("content/units/jg/zb1/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n\"成立日期\" = \"明年\"\n+++\n")
        .file(
            "content/units/jg/zb2/_index.md",
            "+++\ntitle = \"第二党支部\"\n[unit]\nkind = \"党支部\"\nestablished = 2024-05-01\ndissolved = 2024-03-31\n+++\n",
        )
        .file("content/units/jg/zb3/_index.md", "---\ntitle: 第三党支部\nunit:\n  kind: 党支部\n  撤销日期: 2024年3月31日\n---\n");
    s.run(&["check"]).expect(1).stderr_has(&[
        "content/units/jg/zb1/_index.md:5:",
        "成立日期 应是日期，实际是 \"明年\"",
        "content/units/jg/zb2/_index.md:6:",
        "撤销日期 2024-03-31 早于成立日期 2024-05-01",
    ]);
    s.file("content/units/jg/zb1/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/jg/zb2/_index.md", "+++\ntitle = \"第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    let v = report_json(&s, &[]);
    let c = cells(&v, "zb3", "zhiweihui");
    assert_eq!((c[2].1.as_str(), c[3].1.as_str()), ("missing", "na"), "YAML 撤销日期 in Chinese: March judged, April not");
}

#[test]
fn outputs_carry_the_numbers_and_excel_reads_them() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 3\ndangyuandahui = 1");
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("o");
    s.run(&["build", "--audience", "internal", "-o", &o.to_string_lossy()]).expect(0);
    let html = std::fs::read_to_string(o.join("compliance/index.html")).unwrap();
    assert!(html.contains("<svg class=\"chart heatmap\"") && html.contains("<title id=\"hm-title\">2024年"), "heat map with a text alternative");
    assert!(html.contains("aria-labelledby=\"bar-title bar-desc\""));
    let unit = std::fs::read_to_string(o.join("units/jg/zb1/index.html")).unwrap();
    assert!(unit.contains("2024年达标情况"), "unit page has its compliance section");
    let csv = std::fs::read(o.join("compliance.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM so Excel shows Chinese");
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("2024,zb1,第一党支部,党支部,zhiweihui,支部委员会会议,每月,1,次,2024-01,达标,3,3,是\r\n"), "{csv}");
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(o.join("compliance.xlsx")).unwrap();
    let sheet = wb.worksheet_range("2024年明细").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!((header[4].as_str(), header[10].as_str(), header[13].as_str()), ("要求", "1月", "4月"));
    let row = sheet.rows().find(|r| r[0] == Data::String("zb1".into()) && r[3] == Data::String("zhiweihui".into())).expect("支委会 row");
    assert_eq!(row[10], Data::String("达标 3/3*".into()), "January, judged on the quarter");
    assert_eq!(row[13], Data::String("无记录 0/1".into()), "April");
    assert_eq!((row[6].clone(), row[8].clone()), (Data::Float(3.0), Data::Float(3.0)), "met 3, missing 3 (Apr–Jun)");
    let q = sheet.rows().find(|r| r[0] == Data::String("zb1".into()) && r[3] == Data::String("dangyuandahui".into())).expect("党员大会 row");
    assert_eq!(q[10], Data::String("第一季度 达标 1/1".into()), "a quarter spans its months (centred across them, not merged)");
    assert_eq!(q[11], Data::Empty, "February: the quarter's text is centred across it");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(o.join("compliance.xlsx")).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut f, &mut xml).unwrap_or_default();
        assert!(!xml.contains("<mergeCell "), "{}: merged cells stop Excel from sorting and filtering", f.name().unwrap_or_default());
    }
    let summary = wb.worksheet_range("2024年汇总").unwrap();
    let zb1 = summary.rows().find(|r| r[0] == Data::String("zb1".into())).unwrap();
    assert_eq!(zb1[3], Data::Float(4.0), "met: Jan, Feb, Mar (from the quarter) and Q1");
}

#[test]
fn public_build_shows_compliance_only_when_configured() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 3");
    s.build_ok(&[]);
    for f in ["compliance/index.html", "compliance.json", "compliance.csv", "compliance.xlsx"] {
        assert!(!s.out_exists(f), "{f} must not be in the public build by default");
    }
    assert!(!s.out("units/jg/zb1/index.html").contains("达标情况"));
    s.file("config.toml", &CONFIG.replace("year = 2024", "year = 2024\nscope = \"public\""));
    s.build_ok(&[]);
    let json = s.out("compliance.json");
    assert!(json.contains("\"zhiweihui\""));
    assert!(!json.contains("q1.md"), "no link or path of an internal record");
    assert!(!s.out("compliance/index.html").contains("工作记录"), "no title of an internal record");
}

#[test]
fn report_table_and_unknown_unit() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 3");
    let r = s.run(&["report", "--unit", "zb1"]);
    r.expect(0);
    assert!(r.stdout.contains("第一党支部（zb1，党支部）"), "{}", r.stdout);
    assert!(r.stdout.contains("1月✓ 2月✓ 3月✓ 4月○"), "{}", r.stdout);
    s.run(&["report", "--unit", "zb2"]).expect(2).stderr_has(&["没有编号或名称为“zb2”的单位", "是不是“zb1”？"]);
    s.run(&["report", "--format", "xlsx"]).expect(2).stderr_has(&["--output"]);
}

#[test]
fn requirements_extract_lists_countable_sentences() {
    let s = Site::new();
    s.file("plan.txt", "一、总体要求\n每月召开一次支委会，每季度召开一次支部党员大会。\n每周一召开例会。\n每年与党员谈心谈话不少于10人次。\n");
    let r = s.run_in(&["requirements", "extract", "plan.txt", "--format", "json"]);
    r.expect(0);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let got: Vec<(u64, String, u64, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["per"].as_str().unwrap().to_string(), e["min"].as_u64().unwrap(), e["measure"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(got, [(2, "month".into(), 1, "次".into()), (2, "quarter".into(), 1, "次".into()), (4, "year".into(), 10, "人次".into())]);
}

#[test]
fn unit_pages_list_everything_grouped_by_kind_without_pagination() {
    let s = org();
    s.file("config.toml", &CONFIG.replace("presets", "paginate_by = 2\npresets"));
    for q in 1..=4 {
        record(&s, &format!("jg/zb1/q{q}.md"), &format!("2024-Q{q}"), "zhiweihui = 3");
    }
    s.file("content/units/jg/zb1/notice.md", "+++\ntitle = \"支部通知\"\nkind = \"notice\"\ndate = 2024-05-01\n+++\n正文\n");
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("o");
    s.run(&["build", "--audience", "internal", "-o", &o.to_string_lossy()]).expect(0);
    let html = std::fs::read_to_string(o.join("units/jg/zb1/index.html")).unwrap();
    assert!(html.contains("<h3 class=\"kind-title\">通知公告") && html.contains("<h3 class=\"kind-title\">工作记录"), "grouped by kind");
    assert_eq!(html.matches("class=\"entry-title\"").count(), 5, "all five pages on the unit page");
    assert!(!o.join("units/jg/zb1/page/2").exists(), "no pagers for a unit page");
}

#[test]
fn the_same_content_and_day_give_the_same_bytes() {
    // Releases and the preview server compare outputs: the workbook must not carry
    // the instant it was written.
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 3");
    let out = tempfile::tempdir().unwrap();
    let build = |name: &str, now: &str| {
        let o = out.path().join(name);
        s.run(&["build", "--audience", "internal", "--now", now, "-o", &o.to_string_lossy()]).expect(0);
        crate::util::files(&o)
    };
    let (a, b) = (build("a", "2024-11-20T09:00:00"), build("b", "2024-11-20T17:30:00"));
    assert!(a.contains_key("compliance.xlsx"));
    let differing: Vec<&String> = a.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(differing.is_empty() && a.len() == b.len(), "outputs differ between two builds of the same day: {differing:?}");
    let c = build("c", "2024-11-21T09:00:00");
    assert_ne!(a["compliance.xlsx"], c["compliance.xlsx"], "the workbook is dated by the build's day");
}

#[test]
fn unit_pages_show_chips_and_a_theme_can_read_the_cells() {
    let s = org();
    record(&s, "jg/zb1/q1.md", "2024-Q1", "zhiweihui = 3");
    s.build_ok(&["--audience", "internal", "--as-of", "2024-04-10"]);
    let unit = s.out("units/jg/zb1/index.html");
    assert!(
        unit.contains("<li class=\"chip st-met\" title=\"2024-01：达标，3/3次（按整段统计）\"><span class=\"chip-label\">1月</span>"),
        "the default theme shows ready-made chips:\n{}",
        crate::util::between(&unit, "compliance-lines", "</table>")
    );
    assert!(unit.contains("<span class=\"chip-count\">0/1次</span>"), "April: running, nothing yet (次数/应达到, with the measure)");
    // A theme of its own reads `cells` (built only because a template mentions them).
    s.file(
        "templates/section.html",
        "{% if section.compliance %}{% for l in section.compliance.lines %}{% for c in l.cells %}[{{ l.id }} {{ c.period }} {{ c.status }} {{ c.count }}/{{ c.target }} {{ c.title }}]{% endfor %}{% endfor %}{% endif %}",
    );
    s.build_ok(&["--audience", "internal", "--as-of", "2024-04-10"]);
    let unit = s.out("units/jg/zb1/index.html");
    assert!(unit.contains("[zhiweihui 2024-02 met 3/3 2024-02：达标，3&#x2F;3次（按整段统计）]"), "{unit}");
    assert!(unit.contains("[zhiweihui 2024-04 pending 0/1 2024-04：进行中，0&#x2F;1次]"), "{unit}");
}
