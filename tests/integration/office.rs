//! Files made by a real office suite (tests/fixtures/office/, saved by LibreOffice
//! from one source: README there): a dues ledger and a study plan as .xlsx, .xls
//! (97–2003), .ods and GBK .csv, with merged title rows, a hidden column, numbers
//! stored as text, date and percentage cells and formulas with cached values.
//! Every format must give the same members, amounts and findings, to the fen.

use crate::util::{between, Site};
use serde_json::Value;
use std::path::Path;

const FORMATS: [&str; 4] = ["xlsx", "xls", "ods", "csv"];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/office").join(name)).expect("fixture")
}

/// One unit with a dues page and a study-plan page per format, each reading its file.
fn site() -> Site {
    let s = Site::new();
    s.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    for ext in FORMATS {
        s.bytes(&format!("content/units/diyi/台账.{ext}"), &fixture(&format!("台账.{ext}")));
        s.bytes(&format!("content/units/diyi/学习计划.{ext}"), &fixture(&format!("学习计划.{ext}")));
        s.file(
            &format!("content/units/diyi/dues-{ext}.md"),
            &format!(
                "+++\ntitle = \"党费公示\"\nkind = \"dues\"\ndate = 2024-10-10\nperiod = \"2024-Q3\"\nledger = \"台账.{ext}\"\n\
                 remitted = {{ amount = 1050.00, date = 2024-10-09, to = \"机关党委\" }}\n+++\n公示。\n"
            ),
        );
        s.file(
            &format!("content/units/diyi/study-{ext}.md"),
            &format!("+++\ntitle = \"学习计划\"\nkind = \"study_plan\"\ndate = 2024-01-15\nyear = 2024\ntable = \"学习计划.{ext}\"\n+++\n计划。\n"),
        );
    }
    s
}

/// `dwgk check --format json`'s problems about one format's files, with the file
/// and sheet names taken out (`台账.xlsx!党费台账!I7` and `台账.csv!I7` are one cell).
fn findings(all: &[Value], ext: &str) -> Vec<String> {
    let mut out: Vec<String> = all
        .iter()
        .filter(|d| {
            d["file"].as_str().is_some_and(|f| f.ends_with(&format!(".{ext}")) || f.contains(&format!(".{ext}!")) || f.ends_with(&format!("-{ext}.md")))
        })
        .map(|d| {
            let text = format!("{} {} {}:{} {} | {}", d["severity"], d["file"], d["line"], d["col"], d["message"], d["hint"]);
            text.replace(&format!(".{ext}!"), ".X!")
                .replace(&format!(".{ext}\""), ".X\"")
                .replace(&format!("-{ext}.md"), "-X.md")
                .replace("党费台账!", "")
                .replace("学习计划!", "")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn office_made_ledgers_and_study_plans_read_the_same_from_every_format() {
    let s = site();
    let r = s.run(&["check", "--format", "json"]);
    r.expect(0);
    let report: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    let all = report["diagnostics"].as_array().unwrap_or_else(|| panic!("no diagnostics list: {report}")).clone();
    let xlsx = findings(&all, "xlsx");
    let text = xlsx.join("\n");
    // The findings the ledger holds: 王建国 is short (1% written where 1.5% is due,
    // and September unpaid), 何平 is 其他 (not judged), 1,050.00 remitted of 1,057.93
    // collected; two sessions overdue.
    for needle in ["王建国：应缴 279.00 元，实缴 124.00 元，少缴 155.00 元，欠缴 2 个月", "何平", "少上缴 7.93 元", "2024年9月24日", "2024年11月26日"]
    {
        assert!(text.contains(needle), "{needle} not among the findings:\n{text}");
    }
    assert!(xlsx.iter().any(|f| f.contains("台账.X!B7") && f.contains("王建国")), "located at the member's row:\n{text}");
    for ext in ["xls", "ods", "csv"] {
        assert_eq!(findings(&all, ext), xlsx, "{ext}: other findings than the .xlsx");
    }

    s.build_ok(&["--audience", "committee"]);
    let page = |kind: &str, ext: &str| s.out(&format!("units/diyi/{kind}-{ext}/index.html"));
    let members = |ext: &str| between(&page("dues", ext), "<table class=\"dues-members table-cards\">", "</table>").to_string();
    let summary = |ext: &str| between(&page("dues", ext), "<section class=\"dues", "<table class=\"dues-members table-cards\">").to_string();
    let plan = |ext: &str| between(&page("study", ext), "<section class=\"study-plan\"", "</section>").to_string();
    let xlsx = (members("xlsx"), summary("xlsx"), plan("xlsx"));
    // Every member with the amounts the ledger holds, to the fen.
    for (name, base, paid) in [
        ("张明", "6850.00", "308.25"),
        ("马晓燕", "5230.50", "235.38"),
        ("周涛", "4980.00", "149.40"),
        ("王建国", "6200.00", "124.00"),
        ("李红", "2860.00", "42.90"),
        ("陈志强", "5600.00", "168.00"),
        ("何平", "", "30.00"),
    ] {
        let row = between(&xlsx.0, &format!("<th scope=\"row\">{name}</th>"), "</tr>");
        assert!(row.contains(paid) && row.contains(base), "{name}: {base} {paid} in {row}");
    }
    assert_eq!(xlsx.0.matches("<th scope=\"row\">").count(), 7, "seven members, the 合计 row is not one");
    assert!(xlsx.1.contains("1057.93") && xlsx.1.contains("1050.00"), "collected and remitted: {}", xlsx.1);
    for date in ["2024-01-23", "2024-03-19", "2024-05-21", "2024-09-24", "2024-11-26"] {
        assert!(xlsx.2.contains(&format!("datetime=\"{date}\"")), "{date} read as a date: {}", xlsx.2);
    }
    for ext in ["xls", "ods", "csv"] {
        assert_eq!(members(ext), xlsx.0, "{ext}: members");
        assert_eq!(summary(ext), xlsx.1, "{ext}: totals");
        assert_eq!(plan(ext), xlsx.2, "{ext}: study plan");
    }
}
