//! Audiences: a public build contains nothing of internal pages — not a title, a
//! tag, an attachment or a byte — while the internal build has everything.

use crate::util::{files, Site};

/// Scans every byte of every file under `dir` for `needle`; returns the files that have it.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let n = needle.as_bytes();
    files(dir).into_iter().filter(|(_, b)| b.windows(n.len()).any(|w| w == n)).map(|(name, _)| name).collect()
}

fn internal_fixture() -> Site {
    let s = Site::new();
    s.page("notices/pub.md", "公开通知", "向社会公开的内容。")
        .file(
            "content/notices/int/index.md",
            "+++\ntitle = \"内部通知 CANARYTITLE\"\nscope = \"internal\"\ndate = 2024-01-02\ntags = [\"CANARYTAG\"]\ndescription = \"CANARYDESC\"\n\
             [extra]\nnote = \"CANARYEXTRA\"\n+++\n正文 CANARYBODY，见[名单](名单.xlsx)。\n",
        )
        .bytes("content/notices/int/名单.xlsx", b"PK CANARYATTACHMENT")
        .file("content/units/r.md", "+++\ntitle = \"工作记录 CANARYRECORD\"\nkind = \"record\"\ndate = 2024-02-01\n+++\nCANARYRECORDBODY\n");
    s
}

#[test]
fn public_build_contains_no_internal_byte() {
    let s = internal_fixture();
    s.build_ok(&[]);
    let out = files(&s.public());
    assert!(out.contains_key("notices/pub/index.html"), "the public page is built");
    assert!(!out.contains_key("notices/int/index.html") && !out.contains_key("units/r/index.html"));
    assert!(!out.keys().any(|k| k.contains("名单") || k.contains("CANARY")), "{:?}", out.keys().collect::<Vec<_>>());
    let leaks = files_containing(&s.public(), "CANARY");
    assert!(leaks.is_empty(), "internal content leaked into the public build: {leaks:?}");
    // Also not percent-encoded (URLs of the attachment or the tag).
    assert!(files_containing(&s.public(), &crate::util::pct("名单")).is_empty());
}

#[test]
fn internal_build_includes_everything() {
    let s = internal_fixture();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("internal");
    s.run(&["build", "--audience", "internal", "--output", &dir.to_string_lossy()]).expect(0);
    assert_eq!(std::fs::read(dir.join("notices/int/名单.xlsx")).unwrap(), b"PK CANARYATTACHMENT");
    let page = std::fs::read_to_string(dir.join("notices/int/index.html")).unwrap();
    for c in ["CANARYTITLE", "CANARYBODY"] {
        assert!(page.contains(c), "{c}");
    }
    assert!(std::fs::read_to_string(dir.join("units/r/index.html")).unwrap().contains("CANARYRECORDBODY"), "a record page is in the internal build");
    assert!(dir.join("tags/CANARYTAG/index.html").is_file());
    assert!(!s.public().exists(), "--output was honoured");
}

#[test]
fn public_page_linking_internal_page_is_an_error() {
    let s = internal_fixture();
    s.page("notices/link.md", "公开页", "参见[内部通知](@/notices/int/index.md)。\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/link.md:4:3", "党内公开", "@/notices/int/index.md", "提示:"]);
    assert!(!s.public().exists());
    // The same link is fine for the internal audience.
    s.run(&["build", "--audience", "internal"]).expect(0);
}

#[test]
fn loose_unlinked_file_is_internal_only() {
    let s = Site::new();
    s.page("notices/a.md", "通知", "正文，见[报名表](报名表.pdf)。")
        .bytes("content/notices/报名表.pdf", b"linked")
        .bytes("content/notices/党员花名册.xlsx", b"roster dropped here by mistake");
    s.build_ok(&[]);
    assert!(s.out_exists("notices/报名表.pdf"), "a linked loose file is published");
    assert!(!s.out_exists("notices/党员花名册.xlsx"), "an unlinked loose file must not go public");
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("int");
    s.run(&["build", "--audience", "internal", "-o", &dir.to_string_lossy()]).expect(0);
    assert!(dir.join("notices/党员花名册.xlsx").is_file());
}

/// A real ledger whose member note is the canary.
fn ledger_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["姓名", "类别", "基数", "月数", "实缴", "备注"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "王五").unwrap();
    ws.write_string(1, 1, "在职").unwrap();
    ws.write_number(1, 2, 13579.24).unwrap();
    ws.write_number(1, 3, 3.0).unwrap();
    ws.write_number(1, 4, 814.74).unwrap();
    ws.write_string(1, 5, "LEDGERBYTES").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn ledger_file_is_never_public_even_when_linked() {
    let s = Site::new();
    s.file(
        "content/dues/q1.md",
        "+++\ntitle = \"2024年第一季度党费收缴公示\"\nkind = \"dues\"\nledger = \"党费台账.xlsx\"\n+++\n原始台账：[下载](党费台账.xlsx)\n",
    )
    .bytes("content/dues/党费台账.xlsx", &ledger_xlsx());
    // A public page linking the raw ledger is an error: the link would be dead.
    s.run(&["build"]).expect(1).stderr_has(&["content/dues/q1.md:6:6", "党费台账原始文件", "提示:"]);
    assert!(!s.public().exists());
    // Without the link the public build succeeds and still leaves the ledger out.
    s.file("content/dues/q1.md", "+++\ntitle = \"2024年第一季度党费收缴公示\"\nkind = \"dues\"\nledger = \"党费台账.xlsx\"\n+++\n公示表见下。\n");
    s.build_ok(&[]);
    assert!(s.out_exists("dues/q1/index.html"), "the dues page itself is public");
    assert!(!s.out_exists("dues/党费台账.xlsx"));
    assert!(files_containing(&s.public(), "LEDGERBYTES").is_empty());
    assert!(files_containing(&s.public(), "13579.24").is_empty());
    s.file(
        "content/dues/q1.md",
        "+++\ntitle = \"2024年第一季度党费收缴公示\"\nkind = \"dues\"\nledger = \"党费台账.xlsx\"\n+++\n原始台账：[下载](党费台账.xlsx)\n",
    );
    let out = tempfile::tempdir().unwrap();
    // All members: no ledger file (income bases), so the link is an error there too.
    let dir = out.path().join("int");
    s.run(&["build", "--audience", "internal", "-o", &dir.to_string_lossy()]).expect(1).stderr_has(&["content/dues/q1.md:6:6", "只在委员会版中提供"]);
    assert!(!dir.exists());
    let dir = out.path().join("committee");
    s.run(&["build", "--audience", "committee", "-o", &dir.to_string_lossy()]).expect(0);
    assert!(dir.join("dues/党费台账.xlsx").is_file(), "the committee build offers the ledger");
}
