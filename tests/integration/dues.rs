//! Dues disclosures and study plans end to end: real .xlsx (rust_xlsxwriter) and
//! GBK CSV ledgers beside their pages, masked public output with no trace of the
//! ledger, findings located at the ledger cell, study plans counting toward
//! compliance.

use crate::util::{files, xlsx, Site};
use rust_xlsxwriter::Worksheet;

/// Writes rows of cells: numbers when they parse, text otherwise.
pub(crate) fn rows(ws: &mut Worksheet, first: u32, rows: &[&[&str]]) {
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (first + r as u32, c as u16);
            match v.parse::<f64>() {
                _ if v.is_empty() => continue,
                Ok(n) => ws.write_number(r, c, n).map(|_| ()),
                Err(_) => ws.write_string(r, c, *v).map(|_| ()),
            }
            .unwrap();
        }
    }
}

fn containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let n = needle.as_bytes();
    files(dir).into_iter().filter(|(_, b)| b.windows(n.len()).any(|w| w == n)).map(|(name, _)| name).collect()
}

const CONFIG: &str = "title = \"测试\"\nbase_url = \"http://example.org/\"\n[dues]\ncontact = \"组织部 电话 0000\"\n";

/// A unit with a quarterly dues page over an xlsx ledger: a canary member
/// (name, base and note must never reach a public build), one member two months
/// in arrears, a 合计 row that disagrees, and a remittance short by 10 元.
fn dues_site() -> Site {
    let s = Site::new();
    s.file("config.toml", CONFIG)
        .file("content/units/_index.md", "+++\ntitle = \"机关党委\"\n[unit]\nkind = \"党委\"\n+++\n")
        .file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file(
            "content/units/diyi/dues-2024-q1.md",
            "+++\ntitle = \"第一党支部2024年第一季度党费收缴公示\"\nkind = \"dues\"\ndate = 2024-04-08\nexpire_date = 2024-04-15\nperiod = \"2024-Q1\"\n\
             ledger = \"dues-2024-q1.xlsx\"\nremitted = { amount = 957.29, date = 2024-04-10, to = \"机关党委\" }\n+++\n现将第一季度党费收缴情况公示如下。\n",
        )
        .bytes(
            "content/units/diyi/dues-2024-q1.xlsx",
            &xlsx(|ws| {
                rows(
                    ws,
                    0,
                    &[
                        &["第一党支部2024年第一季度党费收缴明细"],
                        &["序号", "姓名", "类别", "月工资收入（元）", "月数", "实缴（元）", "备注"],
                        &["1", "欧阳金丝雀", "在职", "13579.24", "3", "814.74", "CANARYNOTE"],
                        &["2", "张三", "在职", "4000", "3", "40", ""],
                        &["3", "李四", "离退休", "5000.01", "3", "150", ""],
                        &["", "合计", "", "", "", "1000", ""],
                    ],
                );
            }),
        );
    s
}

#[test]
fn public_disclosure_is_masked_and_carries_nothing_of_the_ledger() {
    let s = dues_site();
    s.build_ok(&["--as-of", "2024-04-09"]);
    let page = s.out("units/diyi/dues-2024-q1/index.html");
    assert!(page.contains("欧阳***"), "masked compound surname: {page}");
    assert!(page.contains("张*") && page.contains("李*"));
    assert!(page.contains("1004.74"), "the members' total paid (814.74 + 40 + 150)");
    assert!(page.contains("组织部 电话 0000"), "contact from [dues]");
    assert_eq!(page.matches("<dt>公示期</dt>").count(), 1, "the 公示期 once, beside the contact, not in the header too");
    assert!(page.contains("2024年4月8日至2024年4月15日"), "{page}");
    for canary in ["金丝雀", "13579.24", "CANARYNOTE", "张三", "李四", "4000.00", "5000.01", "欠缴", "少缴"] {
        assert!(containing(&s.public(), canary).is_empty(), "“{canary}” leaked into {:?}", containing(&s.public(), canary));
    }
    assert!(!s.out_exists("units/diyi/dues-2024-q1.xlsx"), "the ledger file itself is never public");
    assert!(containing(&s.public(), "dues-2024-q1.xlsx").is_empty());
    let unit = s.out("units/diyi/index.html");
    assert!(unit.contains("党费收缴公示") && unit.contains("2024年第一季度"), "the unit's dues history");
}

#[test]
fn internal_and_committee_disclosures() {
    let s = dues_site();
    let out = tempfile::tempdir().unwrap();
    // All members (党内版): names and amounts, no income base, no finding, no ledger file.
    let dir = out.path().join("int");
    s.run(&["build", "--audience", "internal", "--as-of", "2024-04-09", "-o", &dir.to_string_lossy()]).expect(0);
    let page = std::fs::read_to_string(dir.join("units/diyi/dues-2024-q1/index.html")).unwrap();
    let members = &page[page.find("<table class=\"dues-members").expect("member table")..];
    assert!(members.contains("欧阳金丝雀") && members.contains("814.74"), "all members see names and amounts");
    assert!(
        members.contains("<th scope=\"row\">张三</th><td><span class=\"cell-label\">类别</span>在职</td>")
            && members.contains("120.00")
            && members.contains("40.00"),
        "{members}"
    );
    for personal in ["13579.24", "4000.00", "5000.01", "CANARYNOTE", "核对发现", "欠缴", "少缴", "dues-2024-q1.xlsx"] {
        assert!(!page.contains(personal), "“{personal}” in the all-members page");
    }
    assert!(!dir.join("units/diyi/dues-2024-q1.xlsx").exists(), "no ledger file for all members");
    // The committee (委员会版): bases, findings and the ledger file too.
    let dir = out.path().join("committee");
    s.run(&["build", "--audience", "committee", "--as-of", "2024-04-09", "-o", &dir.to_string_lossy()]).expect(0);
    let page = std::fs::read_to_string(dir.join("units/diyi/dues-2024-q1/index.html")).unwrap();
    assert!(page.contains("欧阳金丝雀") && page.contains("13579.24"), "the committee sees the full ledger");
    // 张三: 4000 × 1% = 40.00/month, 120.00 due, paid 40.00 → 2 months in arrears.
    assert!(page.contains("张三：应缴 120.00 元，实缴 40.00 元"), "{page}");
    assert!(page.contains("核对发现") && page.contains("仅委员会版可见"), "findings banner");
    assert!(dir.join("units/diyi/dues-2024-q1.xlsx").is_file(), "the committee build offers the ledger");
}

#[test]
fn check_reports_findings_at_the_ledger_cell() {
    let s = dues_site();
    let (code, _, err) = s.run(&["check", "--as-of", "2024-04-09"]).tuple();
    assert_eq!(code, 0, "findings are warnings, not errors: {err}");
    assert!(err.contains("content/units/diyi/dues-2024-q1.xlsx!Sheet1!B4"), "张三's row: {err}");
    assert!(err.contains("欠缴 2 个月"), "{err}");
    assert!(err.contains("合计"), "the 合计 row disagrees with the members' sum: {err}");
    assert!(err.contains("上缴") && err.contains("47.45"), "remitted 957.29 of 1004.74 collected: {err}");
}

#[test]
fn a_draft_dues_page_is_neither_read_nor_judged() {
    let s = dues_site();
    let page = std::fs::read_to_string(s.path().join("content/units/diyi/dues-2024-q1.md")).unwrap();
    s.file("content/units/diyi/dues-2024-q1.md", &page.replacen("kind = \"dues\"", "kind = \"dues\"\ndraft = true", 1))
        // A draft whose ledger is not even a spreadsheet: never opened, so no error either.
        .file(
            "content/units/diyi/dues-2024-q2.md",
            "+++\ntitle = \"二季度草稿\"\nkind = \"dues\"\ndraft = true\nperiod = \"2024-Q2\"\nledger = \"q2.xlsx\"\n+++\n",
        )
        .bytes("content/units/diyi/q2.xlsx", b"not a spreadsheet");
    let quiet = |stderr: &str| {
        for word in ["张三", "欧阳金丝雀", "欠缴", "少缴", "合计", "上缴", "dues-2024-q1.xlsx", "q2.xlsx"] {
            assert!(!stderr.contains(word), "“{word}” printed for a draft:\n{stderr}");
        }
    };
    let r = s.run(&["check", "--as-of", "2024-04-09"]);
    r.expect(0);
    quiet(&r.stderr);
    quiet(&s.build_ok(&["--as-of", "2024-04-09", "--audience", "committee"]).stderr);
    assert!(!s.out_exists("units/diyi/dues-2024-q1/index.html") && !s.out_exists("units/diyi/dues-2024-q1.xlsx"));
    assert!(!s.out("units/diyi/index.html").contains("党费收缴公示"), "no draft in the unit's dues history");
    // The publisher's log, journal and status page say nothing of it either.
    let dest = tempfile::tempdir().unwrap();
    let (code, out, err) = crate::publish::publish_once(&s, dest.path(), &["--audience", "committee"]);
    assert_eq!(code, 0, "{out}\n{err}");
    quiet(&out);
    quiet(&err);
    for file in ["status.json", "journal.jsonl", "current/_status/index.html"] {
        quiet(&std::fs::read_to_string(dest.path().join(file)).unwrap());
    }
    // Only a build that asks for drafts (the officer's preview) reads and judges it.
    s.run(&["check", "--as-of", "2024-04-09", "--drafts"]).expect(1).stderr_has(&["欠缴 2 个月", "content/units/diyi/q2.xlsx"]);
}

#[test]
fn gbk_csv_ledger_as_excel_saves_it() {
    let s = Site::new();
    let csv = "姓名,类别,基数,月数,实缴,备注\r\n王五,在职,3000,3,45,\r\n赵六,学生,,3,0.6,\r\n钱七,其他,,3,3,\r\n孙九,,4000,3,60,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    s.file("config.toml", CONFIG)
        .file("content/units/_index.md", "+++\ntitle = \"第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/q1.md", "+++\ntitle = \"党费公示\"\nkind = \"党费\"\nperiod = \"2024-Q1\"\nledger = \"台账.csv\"\n+++\n")
        .bytes("content/units/台账.csv", &gbk);
    let (code, _, err) = s.run(&["check"]).tuple();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("content/units/台账.csv!A4") && err.contains("钱七"), "其他 cannot be judged, at its row: {err}");
    assert!(err.contains("content/units/台账.csv!A5") && err.contains("孙九") && err.contains("类别"), "a base with no category cannot be judged: {err}");
    s.build_ok(&[]);
    let page = s.out("units/q1/index.html");
    assert!(page.contains("王*") && page.contains("108.60"), "GBK decoded; total 45 + 0.6 + 3 + 60: {page}");
}

#[test]
fn bad_ledgers_are_located_by_file_sheet_and_cell() {
    let s = Site::new();
    let page = |name: &str, ledger: &str| format!("+++\ntitle = \"{name}\"\nkind = \"dues\"\nperiod = \"2024-Q1\"\nledger = \"{ledger}\"\n+++\n");
    s.file("config.toml", CONFIG)
        .file("content/units/_index.md", "+++\ntitle = \"第三党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/a.md", &page("文字金额", "a.xlsx"))
        .bytes(
            "content/units/a.xlsx",
            &xlsx(|ws| {
                rows(
                    ws,
                    0,
                    &[
                        &["姓名", "类别", "基数", "实缴"],
                        &["甲", "在职", "3000", "伍拾元"],
                        &["乙", "在职", "3000", "50元"],
                        &["丙", "在职", "3000", "-5"],
                        &["丁", "干部", "3000", "15"],
                    ],
                )
            }),
        )
        .file("content/units/b.md", &page("文件不存在", "b-2024.xlsx"))
        .file("content/units/c.md", &page("损坏", "c.xlsx"))
        .bytes("content/units/c.xlsx", b"PK\x03\x04 not really a zip")
        .file("content/units/d.md", &page("空表", "d.xlsx"))
        .bytes("content/units/d.xlsx", &xlsx(|_| {}))
        .file("content/units/e.md", &page("缺列", "e.xlsx"))
        .bytes("content/units/e.xlsx", &xlsx(|ws| rows(ws, 0, &[&["姓名", "类别", "基数"], &["丁", "在职", "3000"]])));
    let (code, _, err) = s.run(&["build"]).tuple();
    assert_eq!(code, 1, "{err}");
    for needle in [
        "content/units/a.xlsx!Sheet1!D2",
        "伍拾元",
        "content/units/a.xlsx!Sheet1!D4",
        "content/units/a.xlsx!Sheet1!B5",
        "干部",
        "content/units/b.md:5",
        "b-2024.xlsx",
        "content/units/c.xlsx",
        "content/units/d.xlsx",
        "content/units/e.xlsx",
        "实缴",
    ] {
        assert!(err.contains(needle), "missing “{needle}” in:\n{err}");
    }
    assert!(!s.public().exists(), "a failed build writes nothing");
}

#[test]
fn inline_rows_are_masked_publicly_and_left_out_of_page_extra() {
    let s = Site::new();
    s.file("config.toml", CONFIG).file("content/units/_index.md", "+++\ntitle = \"第四党支部\"\n[unit]\nkind = \"党支部\"\n+++\n").file(
        "content/units/q2.md",
        "+++\ntitle = \"第二季度党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q2\"\n\
             [[rows]]\nname = \"司马内联\"\ncategory = \"离退休\"\nbase = 4800\npaid = 72\n\
             [[rows]]\nname = \"周八\"\ncategory = \"在职\"\nbase = 2500\npiad = 3\n+++\n",
    );
    let (code, _, err) = s.run(&["build"]).tuple();
    assert_eq!(code, 1);
    assert!(err.contains("content/units/q2.md:14") && err.contains("piad"), "a typo located at its [[rows]] entry: {err}");
    s.file(
        "content/units/q2.md",
        "+++\ntitle = \"第二季度党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q2\"\n[[rows]]\nname = \"司马内联\"\ncategory = \"离退休\"\nbase = 4800\npaid = 72\n+++\n",
    );
    s.build_ok(&[]);
    assert!(s.out("units/q2/index.html").contains("司马**"));
    assert!(containing(&s.public(), "内联").is_empty() && containing(&s.public(), "4800").is_empty());
}

#[test]
fn study_plan_timetable_overdue_sessions_and_compliance() {
    let s = Site::new();
    s.file(
        "config.toml",
        "title = \"测试\"\nbase_url = \"http://example.org/\"\n[compliance]\nscope = \"public\"\n\
         [[requirements]]\nid = \"study\"\nname = \"集中学习\"\nper = \"quarter\"\nmin = 2\n",
    )
    .file("content/units/_index.md", "+++\ntitle = \"机关党委\"\n[unit]\nkind = \"党委\"\n+++\n")
    .file(
        "content/units/plan.md",
        "+++\ntitle = \"2024年学习计划\"\nkind = \"study_plan\"\nscope = \"public\"\nyear = 2024\ncounts_as = \"study\"\n\
         [[sessions]]\ndate = 2024-01-18\ntopic = \"学习党章\"\nform = \"集中学习\"\nlead = \"书记\"\nstatus = \"done\"\n\
         [[sessions]]\nmonth = \"2024-02\"\ntopic = \"专题研讨一\"\nstatus = \"已完成\"\n\
         [[sessions]]\ndate = 2024-03-05\ntopic = \"逾期未学\"\nstatus = \"planned\"\n\
         [[sessions]]\nmonth = \"2024年5月\"\ntopic = \"五月专题\"\n+++\n",
    );
    let (code, _, err) = s.run(&["check", "--as-of", "2024-04-02"]).tuple();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("逾期未学") && err.contains("已过期"), "overdue planned session reported: {err}");
    assert!(!err.contains("五月专题"), "a future session is not overdue: {err}");
    s.build_ok(&["--as-of", "2024-04-02"]);
    let page = s.out("units/plan/index.html");
    for needle in ["学习党章", "专题研讨一", "五月专题", "4月", "本月无安排", "已完成 2 / 计划 4 次"] {
        assert!(page.contains(needle), "timetable lacks “{needle}”");
    }
    assert!(!page.contains("已过期"), "overdue flags are for internal readers only");
    // Two done sessions in Q1 meet "每季度不少于2次".
    let json = s.out("compliance.json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cells = &v["units"][0]["requirements"][0]["cells"];
    assert_eq!(cells[0]["period"], "2024-Q1");
    assert_eq!(cells[0]["count"], 2);
    assert_eq!(cells[0]["status"], "met");
}

#[test]
fn study_plan_from_an_xlsx_table() {
    let s = Site::new();
    s.file("config.toml", CONFIG)
        .file("content/plan/index.md", "+++\ntitle = \"学习计划表\"\nkind = \"学习计划\"\nyear = 2024\ntable = \"计划.xlsx\"\n+++\n")
        .bytes(
            "content/plan/计划.xlsx",
            &xlsx(|ws| {
                rows(
                    ws,
                    0,
                    &[
                        &["日期", "学习内容", "形式", "领学", "状态"],
                        &["2024-01-18", "学习党章", "集中学习", "书记", "已完成"],
                        &["2024-02", "专题研讨", "专题研讨", "委员", "计划"],
                        &["2024-03-01", "表格里的错", "自学", "", "也许"],
                    ],
                )
            }),
        );
    let (code, _, err) = s.run(&["build", "--audience", "internal"]).tuple();
    assert_eq!(code, 1);
    assert!(err.contains("content/plan/计划.xlsx!Sheet1!E4") && err.contains("也许"), "{err}");
    let fixed = xlsx(|ws| {
        rows(
            ws,
            0,
            &[
                &["日期", "学习内容", "形式", "领学", "状态"],
                &["2024-01-18", "学习党章", "集中学习", "书记", "已完成"],
                &["2024-02", "专题研讨", "专题研讨", "委员", "计划"],
            ],
        )
    });
    s.bytes("content/plan/计划.xlsx", &fixed);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("int");
    s.run(&["build", "--audience", "internal", "-o", &dir.to_string_lossy()]).expect(0);
    let page = std::fs::read_to_string(dir.join("plan/index.html")).unwrap();
    assert!(page.contains("学习党章") && page.contains("专题研讨") && page.contains("已完成 1 / 计划 2 次"), "{page}");
}

/// A real BIFF8 `.xls` (written by xlwt, as older Excel/WPS save it; see
/// tests/data/ledgers/make_xls.py): read by its sheet name, located errors.
#[test]
fn xls_ledger_from_older_excel() {
    let s = Site::new();
    let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ledgers/dues-2024-q2.xls")).unwrap();
    s.file("config.toml", CONFIG)
        .file("content/units/_index.md", "+++\ntitle = \"第四党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/q2.md", "+++\ntitle = \"第二季度党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q2\"\nledger = \"dues-2024-q2.xls\"\n+++\n")
        .bytes("content/units/dues-2024-q2.xls", &xls);
    let (code, _, err) = s.run(&["build"]).tuple();
    assert_eq!(code, 1);
    assert!(err.contains("content/units/dues-2024-q2.xls!党费台账!F5") && err.contains("伍拾元"), "{err}");
    s.file(
        "content/units/q2.md",
        "+++\ntitle = \"第二季度党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q2\"\nledger = \"dues-2024-q2.xls\"\nsheet = \"没有这张表\"\n+++\n",
    );
    let (_, _, err) = s.run(&["build"]).tuple();
    assert!(err.contains("没有这张表") && err.contains("党费台账"), "a missing sheet names the sheets there are: {err}");
    // The readable rows, as the reader gives them to the rules.
    let (ledger, problems) = dwgk::content::ledger::read_ledger("dues-2024-q2.xls", &xls, None, Some(3));
    let ledger = ledger.expect("a ledger");
    assert_eq!(problems.len(), 1, "only 伍拾元: {problems:?}");
    let got: Vec<(String, Option<String>, String)> =
        ledger.members.iter().map(|m| (m.name.clone(), m.base.map(|b| b.to_string()), m.paid.to_string())).collect();
    assert_eq!(
        got,
        [
            ("赵一".into(), Some("4200.00".into()), "126.00".into()),
            ("钱二".into(), Some("5200.50".into()), "156.02".into()),
            ("李四".into(), None, "0.60".into())
        ]
    );
    assert_eq!(ledger.totals[0].paid.map(|m| m.to_string()).as_deref(), Some("282.62"));
}
