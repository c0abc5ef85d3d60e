//! The everyday mistakes of an officer who follows only README and docs/content.md
//! (issue 24, "Why"): each one either works, or gets one located Chinese message
//! whose hint alone says what to change. Never silence.

use crate::util::{files, Site};
use serde_json::Value;

/// A site with the branch preset and one branch, 第一党支部 (`diyi`).
fn branch_site() -> Site {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nas_of = 2024-06-30\n")
        .file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n")
        .file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nsecretary = \"张三\"\nmembers = 20\n+++\n");
    s
}

/// `dwgk check --format json` (internal audience unless `args` say otherwise): the diagnostics.
fn check(s: &Site, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(if args.is_empty() { &["--audience", "internal"] } else { args });
    let r = s.run(&all);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", r.stdout, r.stderr));
    (r.code, v["diagnostics"].as_array().cloned().unwrap_or_default())
}

/// The diagnostics about `file` (a path or `path!cell`).
fn about<'a>(diags: &'a [Value], file: &str) -> Vec<&'a Value> {
    diags.iter().filter(|d| d["file"].as_str().is_some_and(|f| f == file || f.starts_with(&format!("{file}!")))).collect()
}

fn text(d: &Value, key: &str) -> String {
    d[key].as_str().unwrap_or_default().to_string()
}

// ---- lines as typed ----

#[test]
fn a_notice_typed_in_notepad_keeps_its_lines_its_table_and_its_signature() {
    let s = Site::new();
    s.page(
        "notices/a.md",
        "关于召开组织生活会的通知",
        "各党支部：\r\n现将有关事项通知如下：\r\n1、会议时间：3月5日\r\n2、会议地点：三楼会议室\r\n\r\n序号\t姓名\t职务\r\n1\t张三\t书记\r\n2\t李四\t委员\r\n\r\n中共某某县财政局机关委员会\r\n2024年11月21日\r\n",
    );
    s.build_ok(&[]);
    let html = s.out("notices/a/index.html");
    for want in [
        "<p>各党支部：</p>\n<p>现将有关事项通知如下：</p>\n<p>1、会议时间：3月5日</p>\n<p>2、会议地点：三楼会议室</p>",
        "<th scope=\"col\">序号</th>\n<th scope=\"col\">姓名</th>\n<th scope=\"col\">职务</th>",
        "<td>2</td>\n<td>李四</td>\n<td>委员</td>",
        "<p class=\"signature\">中共某某县财政局机关委员会</p>\n<p class=\"signature\">2024年11月21日</p>",
    ] {
        assert!(html.contains(want), "missing {want:?} in\n{html}");
    }
    assert!(!html.contains("机关委员会2024年"), "the signature and the date ran together");
}

#[test]
fn wrapped_english_lines_stay_one_paragraph() {
    let s = Site::new();
    s.page("a.md", "Notes", "This paragraph was wrapped\nby an editor at eighty columns\nand reads as one.\n");
    s.build_ok(&[]);
    assert!(s.out("a/index.html").contains("<p>This paragraph was wrapped\nby an editor at eighty columns\nand reads as one.</p>"));
}

// ---- files ----

#[test]
fn notepad_and_upper_case_names_are_pages_with_a_note() {
    let s = Site::new();
    s.page("notices/关于召开组织生活会的通知.md.txt", "关于召开组织生活会的通知", "正文。")
        .page("notices/大写扩展名.MD", "大写扩展名", "正文。")
        .page("notices/文件夹页/INDEX.MD", "文件夹页", "见[附件](附件.pdf)。")
        .bytes("content/notices/文件夹页/附件.pdf", b"%PDF-1.4")
        .page("notices/记事本.txt", "记事本页面", "正文。")
        .file("content/notices/说明.txt", "这只是一段说明，没有设置项。\n");
    s.build_ok(&[]);
    for page in ["notices/关于召开组织生活会的通知/index.html", "notices/大写扩展名/index.html", "notices/文件夹页/index.html", "notices/记事本/index.html"]
    {
        assert!(s.out_exists(page), "{page} was not published: {:?}", files(&s.public()).keys().collect::<Vec<_>>());
    }
    assert!(s.out_exists("notices/文件夹页/附件.pdf"));
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 0);
    let txt = about(&diags, "content/notices/关于召开组织生活会的通知.md.txt");
    assert_eq!(txt.len(), 1, "{diags:#?}");
    assert!(text(txt[0], "message").contains("末尾多了 .txt") && text(txt[0], "hint").contains("关于召开组织生活会的通知.md"), "{:#?}", txt[0]);
    assert!(text(about(&diags, "content/notices/大写扩展名.MD")[0], "hint").contains("大写扩展名.md"));
    let plain = about(&diags, "content/notices/说明.txt");
    assert!(plain.len() == 1 && text(plain[0], "message").starts_with("不是页面"), "{diags:#?}");
}

#[test]
fn check_lists_every_file_published_in_neither_audience() {
    let s = Site::new();
    s.page("notices/a.md", "甲", "正文。")
        .file("content/notices/草稿/index.md", "+++\ntitle = \"草稿页\"\ndraft = true\n+++\n正文。\n")
        .bytes("content/notices/草稿/名单.xlsx", b"PK")
        .file("content/notices/定时.md", "+++\ntitle = \"定时\"\npublish_date = 2099-01-01\n+++\n正文。\n")
        .bytes("content/notices/~WRL0001.tmp", b"temp")
        .bytes("content/notices/.隐藏.pdf", b"%PDF")
        .bytes("content/notices/下载中.pdf.crdownload", b"%PDF")
        .bytes("content/notices/~$甲.docx", b"lock")
        .bytes("content/notices/Thumbs.db", b"\x00");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 0, "{diags:#?}");
    let said = |file: &str, words: &str| {
        let d = about(&diags, file);
        assert!(d.len() == 1 && text(d[0], "message").contains(words) && !text(d[0], "hint").is_empty(), "{file}: {d:#?}");
    };
    said("content/notices/草稿/index.md", "草稿");
    said("content/notices/草稿/名单.xlsx", "草稿");
    said("content/notices/定时.md", "2099-01-01");
    said("content/notices/~WRL0001.tmp", "临时文件");
    said("content/notices/.隐藏.pdf", "隐藏文件");
    said("content/notices/下载中.pdf.crdownload", "没有下载完");
    assert!(
        about(&diags, "content/notices/~$甲.docx").is_empty() && about(&diags, "content/notices/Thumbs.db").is_empty(),
        "lock files and OS leftovers stay quiet"
    );
    assert!(about(&diags, "content/notices/a.md").is_empty());
}

// ---- keys ----

#[test]
fn misspelt_keys_are_read_as_meant_with_a_warning() {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\nrequire_approval = true\n").file(
        "content/notices/a.md",
        "+++\ntitle = \"关于开展主题党日活动的通知\"\ndata = 2024-03-05\nreviewd_by = \"刘芳\"\naproved_by = \"陈志远\"\n+++\n正文。\n",
    );
    let r = s.build_ok(&[]);
    let html = s.out("notices/a/index.html");
    assert!(html.contains("datetime=\"2024-03-05\"") && html.contains("陈志远"), "the date and the approval are read:\n{html}");
    assert!(r.stderr.contains("把“data”改成“date”") && r.stderr.contains("content/notices/a.md:3:1"), "{}", r.stderr);
    let (_, diags) = check(&s, &[]);
    let warned: Vec<String> = about(&diags, "content/notices/a.md").iter().map(|d| text(d, "message")).collect();
    assert_eq!(warned.len(), 3, "{warned:#?}");
    assert!(warned.iter().all(|m| m.starts_with("不认识的设置项") && m.contains("已按")), "{warned:#?}");
}

#[test]
fn chinese_key_names_are_the_keys() {
    let s = Site::new();
    s.file("content/notices/a.md", "+++\n\"标题\" = \"关于开展主题党日活动的通知\"\n\"日期\" = 2024-03-05\n\"类型\" = \"通知\"\n\"审批人\" = \"陈志远\"\n文号 = \"财机党发〔2024〕3号\"\n+++\n正文。\n");
    s.build_ok(&[]);
    let html = s.out("notices/a/index.html");
    assert!(
        html.contains("关于开展主题党日活动的<span class=\"no-orphan\">通知</span></h1>")
            && html.contains("datetime=\"2024-03-05\"")
            && html.contains("陈志远"),
        "{html}"
    );
    let (_, diags) = check(&s, &[]);
    assert!(about(&diags, "content/notices/a.md").is_empty(), "{diags:#?}");
}

#[test]
fn a_count_above_the_counts_line_is_one_located_error() {
    let s = branch_site();
    s.file("content/units/diyi/record.md", "+++\ntitle = \"第一季度工作记录\"\nkind = \"record\"\nperiod = \"2024-Q1\"\n\"支委会\" = 3\n+++\n");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 1);
    let d = about(&diags, "content/units/diyi/record.md");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!((d[0]["line"].as_u64(), d[0]["col"].as_u64()), (Some(5), Some(1)));
    assert!(text(d[0], "message").contains("写在了 [counts] 之外") && text(d[0], "message").contains("支部委员会会议"), "{:#?}", d[0]);
    assert!(text(d[0], "hint").contains("[counts]\n\"支委会\" = 3"), "{:#?}", d[0]);
}

#[test]
fn period_under_counts_is_one_located_error_and_the_record_counts() {
    let s = branch_site();
    s.file("content/units/diyi/record.md", "+++\ntitle = \"第一季度工作记录\"\nkind = \"record\"\n[counts]\nperiod = \"2024-Q1\"\n\"支委会\" = 3\n+++\n");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 1);
    let d = about(&diags, "content/units/diyi/record.md");
    assert_eq!(d.len(), 1, "no “缺少统计时段”, no count error for period: {d:#?}");
    assert_eq!(d[0]["line"].as_u64(), Some(5));
    assert!(text(d[0], "message").contains("写在了 [counts] 下面"));
    assert!(text(d[0], "hint").contains("period = \"2024-Q1\"") && text(d[0], "hint").contains("移到 [counts] 那一行的上面"), "{:#?}", d[0]);
}

// ---- values ----

#[test]
fn dates_as_officers_type_them() {
    let s = Site::new();
    for (i, date) in ["2024年3月5日", "2024.3.5", "2024/3/5", "2024-3-5"].iter().enumerate() {
        s.file(&format!("content/n{i}.md"), &format!("+++\ntitle = \"通知{i}\"\ndate = {date}\n+++\n正文。\n"));
    }
    let r = s.build_ok(&[]);
    assert!(!r.stderr.contains("警告"), "{}", r.stderr);
    for i in 0..4 {
        assert!(s.out(&format!("n{i}/index.html")).contains("datetime=\"2024-03-05\""), "n{i}");
    }
}

#[test]
fn full_width_punctuation_is_read_with_a_warning_that_names_the_fix() {
    let s = Site::new();
    s.file("content/a.md", "＋＋＋\ntitle ＝ “关于召开组织生活会的通知”\n＋＋＋\n正文。\n")
        .file("content/b.md", "---\ntitle： 关于开展主题党日活动的通知\ndate： 2024-03-05\n---\n正文。\n");
    let r = s.build_ok(&[]);
    assert!(s.out("a/index.html").contains("关于召开组织生活会的<span class=\"no-orphan\">通知</span></h1>"));
    assert!(
        s.out("b/index.html").contains("关于开展主题党日活动的<span class=\"no-orphan\">通知</span></h1>")
            && s.out("b/index.html").contains("datetime=\"2024-03-05\"")
    );
    for want in ["全角的 ＋＋＋", "改成英文的 +++", "全角的“＝”", "中文引号", "冒号是全角的“：”", "改成：title: 关于开展主题党日活动的通知"]
    {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
}

#[test]
fn syntax_errors_hint_at_the_key_and_value_of_their_line_in_chinese() {
    let s = Site::new();
    s.file("content/a.md", "+++\ntitle = \"关于\"三会一课\"的通知\" 附\nissuer = \"中共某某委员会\n+++\n正文。\n");
    let r = s.run(&["check"]);
    r.expect(1);
    assert!(r.stderr.contains("content/a.md:2:"), "{}", r.stderr);
    assert!(r.stderr.contains("提示: 文字中间的引号要用中文引号“”，应写成 title = \"关于“三会一课”的通知\""), "{}", r.stderr);
    assert!(!r.stderr.contains("title = \"关于……的通知\""), "no generic title example:\n{}", r.stderr);
    for english in ["expected", "invalid", "parser", "found", "string values"] {
        assert!(!r.stderr.contains(english), "English parser text in the text report:\n{}", r.stderr);
    }
    let (_, diags) = check(&s, &[]);
    assert!(!text(about(&diags, "content/a.md")[0], "detail").is_empty(), "the parser's words are kept for --format json");
}

// ---- ledgers ----

fn dues_site(csv: &str) -> Site {
    let s = branch_site();
    s.file(
        "content/units/diyi/dues.md",
        "+++\ntitle = \"第一党支部第一季度党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q1\"\nledger = \"台账.csv\"\nremitted = { amount = 270.00 }\n+++\n",
    )
    .file("content/units/diyi/台账.csv", csv);
    s
}

#[test]
fn an_after_tax_pay_column_is_the_income_base() {
    let s = dues_site("姓名,类别,税后工资,实缴\n张三,在职,4000,120\n李四,在职,5000,150\n合计,,,270\n");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 0);
    assert!(about(&diags, "content/units/diyi/台账.csv").is_empty(), "{diags:#?}");
}

#[test]
fn an_unknown_income_header_is_one_note_at_the_header_cell() {
    let s = dues_site("姓名,类别,薪资,实缴\n张三,在职,4000,120\n李四,在职,5000,150\n合计,,,270\n");
    let (_, diags) = check(&s, &[]);
    let d = about(&diags, "content/units/diyi/台账.csv");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(text(d[0], "file"), "content/units/diyi/台账.csv!C1");
    assert!(text(d[0], "message").contains("“薪资”") && text(d[0], "hint").contains("月工资收入") && text(d[0], "hint").contains("税后工资"), "{:#?}", d[0]);
}

#[test]
fn amounts_with_a_unit_are_read_and_a_bad_cell_has_no_follow_on_findings() {
    let s = dues_site("姓名,类别,基数,实缴\n张三,在职,4000,120元\n李四,在职,5000,￥150\n合计,,,270\n");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 0, "{diags:#?}");
    assert!(about(&diags, "content/units/diyi/台账.csv").is_empty(), "{diags:#?}");
    let s = dues_site("姓名,类别,基数,实缴\n张三,在职,4000,一百二十\n李四,在职,5000,150\n合计,,,270\n");
    let (code, diags) = check(&s, &[]);
    assert_eq!(code, 1);
    let d = about(&diags, "content/units/diyi/台账.csv");
    assert_eq!(d.len(), 1, "one error at the cell, no 合计 or 上缴 findings after it: {d:#?}");
    assert_eq!(text(d[0], "file"), "content/units/diyi/台账.csv!D2");
}

// ---- units by name, Chinese help ----

#[test]
fn report_takes_a_units_title() {
    let s = branch_site();
    s.file("content/units/diyi/record.md", "+++\ntitle = \"记录\"\nkind = \"record\"\nperiod = \"2024-Q1\"\n[counts]\n\"支委会\" = 3\n+++\n");
    let r = s.run(&["report", "--unit", "第一党支部"]);
    r.expect(0);
    assert!(r.stdout.contains("第一党支部（diyi，党支部）"), "{}", r.stdout);
    let r = s.run(&["report", "--unit", "第四党支部"]);
    r.expect(2).stderr_has(&["没有编号或名称为“第四党支部”的单位", "diyi（第一党支部）"]);
}

#[test]
fn help_is_chinese() {
    let s = Site::new();
    for cmd in [&["--help"][..], &["build", "--help"], &["report", "--help"], &["serve", "--help"]] {
        let r = s.run_in(cmd);
        r.expect(0);
        for english in ["[default", "[possible values", "[OPTIONS]", "Usage:", "<ROOT>"] {
            assert!(!r.stdout.contains(english), "{english} in {cmd:?}:\n{}", r.stdout);
        }
    }
    let r = s.run_in(&["report", "--help"]);
    assert!(r.stdout.contains("--format <格式>") && r.stdout.contains("（默认：table）") && r.stdout.contains("单位名称"), "{}", r.stdout);
}
