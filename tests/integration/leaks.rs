//! The leak test: one fixture full of internal (and draft, scheduled, ledger, loose)
//! material, each piece carrying a canary — ASCII `CANARY…` words and the rare
//! characters 鸮鹬鹭 — in titles, bodies, front matter extra, tags, unit names,
//! attachment names and attachment bytes, ledger rows and inline rows. The public
//! build, in every output form the project has (root-relative pages, relative
//! `file://` pages, feeds, sitemap, compliance page and downloads, search index,
//! `dwgk report` exports), must not contain a canary in any byte of any file:
//! searched raw, case-insensitively, percent-encoded, `\u`-escaped, inside zip
//! (xlsx) entries, and in the search index decoded (tokens and documents).
//!
//! Per audience: income bases, the ledger files and findings (`PERSONAL`) reach the
//! committee build only — never the internal (all members) one; one member's own
//! amounts (`OWN_AMOUNTS`: every dues group of the fixture is below 3) never the
//! public one.

use crate::util::{files, Site};
use std::collections::BTreeMap;
use std::io::Read;

/// Characters used nowhere but in internal material.
const RARE: [char; 3] = ['鸮', '鹬', '鹭'];

fn ledger(member: &str, note: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [[&str; 6]; 3] =
        [["姓名", "类别", "基数", "月数", "实缴", "备注"], [member, "在职", "13579.24", "3", "814.74", note], ["张三", "在职", "4000", "3", "120", ""]];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).map(|_| ()),
                Err(_) => ws.write_string(r as u32, c as u16, *v).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn plan_table() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [[&str; 5]; 2] = [["日期", "学习内容", "形式", "领学", "状态"], ["2024-01-18", "学习党章", "集中学习", "书记", "已完成"]];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

const CONFIG: &str = "title = \"测试党务公开\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\npresets = [\"gongkai-2017\"]\n\
    [compliance]\nyear = 2024\nas_of = 2024-06-30\nscope = \"public\"\n\
    [[requirements]]\nid = \"zhiweihui\"\nname = \"支委会\"\nper = \"month\"\nmin = 1\n\
    [[requirements]]\nid = \"study\"\nname = \"集中学习\"\nper = \"quarter\"\nmin = 1\n\
    [dues]\ncontact = \"组织部 电话 0000\"\n";

pub(crate) fn fixture() -> Site {
    let s = Site::new();
    s.file("config.toml", CONFIG)
        .file("content/_index.md", "+++\ntitle = \"首页\"\n+++\n欢迎访问。\n")
        // Public material (must be there).
        .file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n")
        .file(
            "content/notices/pub.md",
            "+++\ntitle = \"关于做好党费收缴工作的公开通知\"\nkind = \"notice\"\ndate = 2024-03-01\ntags = [\"党费\"]\n+++\n落实三会一课制度，按时缴纳党费。见[报名表](报名表.pdf)。\n",
        )
        .bytes("content/notices/报名表.pdf", b"%PDF public form")
        .bytes("content/notices/CANARYLOOSE-鸮名册.xlsx", b"CANARYLOOSEBYTES roster dropped by mistake")
        // An internal page bundle: every field and its attachment.
        .file(
            "content/notices/int/index.md",
            "+++\ntitle = \"内部通知 CANARYTITLE 鸮鹬鹭\"\nscope = \"internal\"\nkind = \"notice\"\ndate = 2024-01-02\ntags = [\"CANARYTAG\", \"鹬标签\"]\n\
             description = \"CANARYDESC\"\nslug = \"canaryslug\"\n[extra]\nnote = \"CANARYEXTRA 鹭\"\n+++\n正文 CANARYBODY 鸮鹬，党费，三会一课。见[名单](CANARYFILE-鹭名单.xlsx)。\n",
        )
        .bytes("content/notices/int/CANARYFILE-鹭名单.xlsx", b"PK CANARYATTACHMENTBYTES \xe9\xb8\xae")
        // Draft and scheduled pages are not published either.
        .file("content/notices/draft.md", "+++\ntitle = \"草稿 CANARYDRAFT 鸮\"\ndraft = true\nkind = \"notice\"\n+++\nCANARYDRAFTBODY\n")
        .file("content/notices/later.md", "+++\ntitle = \"定时 CANARYSCHEDULED 鹬\"\nkind = \"notice\"\npublish_date = 2099-01-01\n+++\nCANARYSCHEDULEDBODY\n")
        // An internal section with a page.
        .file("content/neibu/_index.md", "+++\ntitle = \"内部栏目 CANARYSECTION 鹭\"\nscope = \"internal\"\n+++\nCANARYSECTIONBODY\n")
        .file("content/neibu/a.md", "+++\ntitle = \"内部栏目页 CANARYSECTIONPAGE\"\nkind = \"notice\"\ndate = 2024-02-02\n+++\nCANARYSECTIONPAGEBODY 鸮\n")
        // Units: a public branch with internal records, activities, an internal study
        // plan and dues pages; an internal unit.
        .file("content/units/_index.md", "+++\ntitle = \"机关党委\"\n[unit]\nkind = \"党委\"\n+++\n")
        .file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nsecretary = \"张明\"\n+++\n")
        .file(
            "content/units/diyi/record-q1.md",
            "+++\ntitle = \"工作记录 CANARYRECORD 鹬\"\nkind = \"record\"\ndate = 2024-04-08\nperiod = \"2024-Q1\"\n[counts]\nzhiweihui = 3\n+++\nCANARYRECORDBODY 鸮\n",
        )
        .file(
            "content/units/diyi/act.md",
            "+++\ntitle = \"支委会 CANARYACTIVITY\"\nkind = \"activity\"\ndate = 2024-04-12\ncounts_as = \"zhiweihui\"\ntags = [\"CANARYACTTAG\"]\n+++\nCANARYACTIVITYBODY 鹭\n",
        )
        .file(
            "content/units/diyi/plan.md",
            "+++\ntitle = \"学习计划 CANARYPLAN\"\nkind = \"study_plan\"\nyear = 2024\ncounts_as = \"study\"\n\
             [[sessions]]\ndate = 2024-01-18\ntopic = \"CANARYSESSION 鸮\"\nlead = \"CANARYLEAD\"\nstatus = \"done\"\n+++\n",
        )
        .file(
            "content/units/diyi/plan-public.md",
            "+++\ntitle = \"公开的学习计划\"\nkind = \"study_plan\"\nscope = \"public\"\nyear = 2024\ntable = \"CANARYPLANFILE.xlsx\"\n+++\n",
        )
        .bytes("content/units/diyi/CANARYPLANFILE.xlsx", &plan_table())
        // The disclosure catalogue: an item declared on an internal checklist, and an
        // internal 情况报告 draft page (its .docx lists every record).
        .file(
            "content/units/diyi/mulu.md",
            "+++\ntitle = \"公开目录 CANARYMULU\"\nkind = \"checklist\"\n[[catalogue]]\nid = \"canaryitem\"\nname = \"CANARYCATALOGUEITEM 鸮\"\nscope = \"public\"\nper = \"year\"\n+++\n",
        )
        .file("content/units/diyi/baogao.md", "+++\ntitle = \"情况报告 CANARYDRAFTREPORT\"\nkind = \"record\"\nreport = \"情况报告\"\n+++\nCANARYDRAFTBODY 鹭\n")
        .file(
            "content/units/diyi/dues-q1.md",
            "+++\ntitle = \"第一党支部2024年第一季度党费收缴公示\"\nkind = \"dues\"\ndate = 2024-04-08\nperiod = \"2024-Q1\"\n\
             ledger = \"CANARYLEDGERFILE-鹬.xlsx\"\n+++\n现将党费收缴情况公示如下。\n",
        )
        .bytes("content/units/diyi/CANARYLEDGERFILE-鹬.xlsx", &ledger("欧阳鸮鹭", "CANARYLEDGERNOTE"))
        .file(
            "content/units/diyi/dues-q2.md",
            "+++\ntitle = \"第一党支部2024年第二季度党费收缴公示\"\nkind = \"dues\"\ndate = 2024-07-08\nperiod = \"2024-Q2\"\n\
             [[rows]]\nname = \"司马鹬鸮\"\ncategory = \"离退休\"\nbase = 4876.53\npaid = 72\n+++\n第二季度公示。\n",
        )
        .file(
            "content/units/diyi/dues-int.md",
            "+++\ntitle = \"内部党费 CANARYDUESINTERNAL\"\nkind = \"dues\"\nscope = \"internal\"\nperiod = \"2024-Q3\"\n\
             [[rows]]\nname = \"CANARYDUESMEMBER\"\ncategory = \"在职\"\nbase = 3000\npaid = 45\n+++\n",
        )
        .file("content/units/canaryunit/_index.md", "+++\ntitle = \"内部单位 CANARYUNIT 鸮\"\nscope = \"internal\"\n[unit]\nkind = \"党支部\"\nsecretary = \"CANARYSECRETARY\"\n+++\nCANARYUNITBODY\n")
        .file(
            "content/units/canaryunit/record.md",
            "+++\ntitle = \"内部单位记录 CANARYUNITRECORD\"\nkind = \"record\"\nscope = \"public\"\nperiod = \"2024-Q1\"\n[counts]\nzhiweihui = 1\n+++\nCANARYUNITRECORDBODY\n",
        )
        // Side channels: a public page naming the internal unit (its id is a
        // canary), and a public bundle holding a file its page does not link.
        .file("content/notices/unitref.md", "+++\ntitle = \"公开页面\"\nkind = \"notice\"\ndate = 2024-03-02\nunit = \"canaryunit\"\n+++\n公开正文。\n")
        .file("content/notices/bundle/index.md", "+++\ntitle = \"公开页面包\"\nkind = \"notice\"\ndate = 2024-03-03\n+++\n见[回执](回执.pdf)。\n")
        .bytes("content/notices/bundle/回执.pdf", b"%PDF public receipt")
        .bytes("content/notices/bundle/CANARYBUNDLE-鹬花名册.xlsx", b"CANARYBUNDLEBYTES roster beside a public page");
    s
}

/// Every file of `dir`, with zip (xlsx) entries added as `file!entry` and the
/// search index's script files decoded (`file#decoded`: every JSON string and key).
pub(crate) fn decoded_files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (name, bytes) in files(dir) {
        if bytes.starts_with(b"PK\x03\x04") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap_or_else(|e| panic!("{name} is not a zip: {e}"));
            for i in 0..z.len() {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                let entry = f.name().map(|n| n.to_string()).unwrap_or_else(|_| i.to_string());
                out.insert(format!("{name}!{entry}"), b);
            }
        }
        if name.starts_with("search/") && name.ends_with(".js") {
            let text = String::from_utf8(bytes.clone()).expect("index files are UTF-8");
            let json = &text[text.find(',').expect("(n,{…})") + 1..text.rfind(')').expect("(…)")];
            // meta.js: `var dwgkSearchMetaData = {…};` and a call.
            let json = if name == "search/meta.js" { &text[text.find('=').unwrap() + 1..text.find(";\n").unwrap()] } else { json };
            let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut strings = Vec::new();
            collect_strings(&v, &mut strings);
            out.insert(format!("{name}#decoded"), strings.join("\n").into_bytes());
        }
        out.insert(name, bytes);
    }
    out
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                collect_strings(x, out);
            }
        }
        _ => {}
    }
}

/// Income bases (the xlsx ledger, inline rows), the ledger file (its name, a note in
/// its bytes) and a finding's word: the committee's, never all members'.
const PERSONAL: &[&str] = &["13579.24", "4876.53", "ledgernote", "ledgerfile", "欠缴"];
/// One member's own 应缴/实缴 (and the sum of a two-member ledger): never public.
const OWN_AMOUNTS: &[&str] = &["814.74", "72.00", "934.74"];

fn found_in(all: &BTreeMap<String, Vec<u8>>, needles: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, bytes) in all {
        let lower = bytes.to_ascii_lowercase();
        for (what, n) in needles {
            if lower.windows(n.len()).any(|w| w == n.as_slice()) || bytes.windows(n.len()).any(|w| w == n.as_slice()) {
                found.push(format!("{name}: {what}"));
            }
        }
    }
    found
}

fn plain(words: &[&str]) -> Vec<(String, Vec<u8>)> {
    words.iter().map(|w| (w.to_string(), w.as_bytes().to_vec())).collect()
}

/// Every canary form found, as `file: form`: internal material, personal data and
/// one member's own amounts (what a public build must not hold).
pub(crate) fn leaks(all: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut needles: Vec<(String, Vec<u8>)> = vec![("canary".into(), b"canary".to_vec())];
    for c in RARE {
        let s = c.to_string();
        needles.push((s.clone(), s.as_bytes().to_vec()));
        needles.push((format!("{s} %-encoded"), crate::util::pct(&s).to_lowercase().into_bytes()));
        needles.push((format!("{s} \\u-escaped"), format!("\\u{:04x}", c as u32).into_bytes()));
        needles.push((format!("{s} as an html entity"), format!("&#{};", c as u32).into_bytes()));
        needles.push((format!("{s} as a hex entity"), format!("&#x{:x};", c as u32).into_bytes()));
    }
    needles.extend(plain(PERSONAL));
    needles.extend(plain(OWN_AMOUNTS));
    found_in(all, &needles)
}

/// Personal data found (what an internal, all-members build must not hold).
pub(crate) fn personal_leaks(all: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    found_in(all, &plain(PERSONAL))
}

/// Every output form the public build must have (relative or root-relative URLs: the
/// same files), so that the scan covers them.
fn assert_public_complete(all: &BTreeMap<String, Vec<u8>>) {
    for must in [
        "notices/pub/index.html",
        "search/meta.js",
        "compliance.json",
        "compliance.csv",
        "compliance.xlsx",
        "compliance/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "archive/index.html",
        "tags/index.html",
        "units/diyi/index.html",
        "units/diyi/dues-q1/index.html",
        "units/diyi/dues-q2/index.html",
        "units/diyi/plan-public/index.html",
        "units/diyi/catalogue/index.html",
        "disclosure.csv",
        "notices/报名表.pdf",
        "notices/unitref/index.html",
        "notices/bundle/回执.pdf",
        "search/index.html",
    ] {
        assert!(
            all.contains_key(must),
            "the public build lacks {must}: the fixture no longer exercises it\n{:?}",
            all.keys().filter(|k| !k.contains('!') && !k.contains('#')).collect::<Vec<_>>()
        );
    }
    let dues = String::from_utf8_lossy(&all["units/diyi/dues-q1/index.html"]).into_owned();
    assert!(dues.contains("欧阳**") && dues.contains("张*"), "the public dues page shows masked names");
    let search = String::from_utf8_lossy(&all["search/meta.js"]).into_owned();
    assert!(search.contains("第一党支部"), "the public index lists the public unit");
    assert!(all.keys().any(|k| k.starts_with("search/s/")) && all.keys().any(|k| k.starts_with("search/d/")), "shards and documents written");
    // The public material is searchable: its tokens are in the decoded shards.
    let shards: String =
        all.iter().filter(|(k, _)| k.starts_with("search/s/") && k.ends_with("#decoded")).map(|(_, v)| String::from_utf8_lossy(v).into_owned()).collect();
    assert!(shards.contains("党费") && shards.contains("三会一课"), "public words indexed");
}

#[test]
fn public_build_has_no_canary_in_any_output_form() {
    let s = fixture();
    // Root-relative (nginx) output.
    s.build_ok(&["--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00"]);
    let all = decoded_files(&s.public());
    assert_public_complete(&all);
    let found = leaks(&all);
    assert!(found.is_empty(), "internal material leaked into the public build:\n{}", found.join("\n"));

    // Relative (file://) output.
    let out = tempfile::tempdir().unwrap();
    let rel_dir = out.path().join("rel");
    s.file("config.toml", &CONFIG.replace("base_url = \"http://example.org/\"", "base_url = \"http://example.org/\"\nrelative_urls = true"));
    s.run(&["build", "--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00", "-o", &rel_dir.to_string_lossy()]).expect(0);
    let all = decoded_files(&rel_dir);
    assert_public_complete(&all);
    let found = leaks(&all);
    assert!(found.is_empty(), "internal material leaked into the relative public build:\n{}", found.join("\n"));

    // `dwgk report` exports for the public audience.
    let mut exports = BTreeMap::new();
    for format in ["json", "csv", "xlsx"] {
        let file = out.path().join(format!("report.{format}"));
        s.run(&["report", "--audience", "public", "--as-of", "2024-06-30", "--format", format, "--output", &file.to_string_lossy()]).expect(0);
        exports.insert(format!("report.{format}"), std::fs::read(&file).unwrap());
    }
    for format in ["json", "csv", "xlsx"] {
        let file = out.path().join(format!("disclosures.{format}"));
        s.run(&["report", "--audience", "public", "--as-of", "2024-06-30", "--disclosures", "--format", format, "--output", &file.to_string_lossy()]).expect(0);
        exports.insert(format!("disclosures.{format}"), std::fs::read(&file).unwrap());
    }
    let text = s.run(&["report", "--audience", "public", "--as-of", "2024-06-30"]).expect(0).stdout.clone();
    exports.insert("report (terminal)".into(), text.into_bytes());
    let dir = out.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    for (k, v) in &exports {
        std::fs::write(dir.join(k.replace(' ', "_").replace(['(', ')'], "")), v).unwrap();
    }
    let found = leaks(&decoded_files(&dir));
    assert!(found.is_empty(), "internal material leaked into a public report export:\n{}", found.join("\n"));
}

#[test]
fn internal_build_has_the_canaries_so_the_leak_test_can_see_them() {
    // The same scan over the internal build must find canaries in every form it
    // looks at — otherwise the public test could pass by looking in the wrong place.
    let s = fixture();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("int");
    s.run(&["build", "--audience", "internal", "--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00", "-o", &dir.to_string_lossy()]).expect(0);
    let all = decoded_files(&dir);
    let found = leaks(&all).join("\n");
    for form in [
        "notices/canaryslug/index.html: canary",
        "notices/canaryslug/index.html: 鸮",
        "search/meta.js: canary",
        "atom.xml: canary",
        "sitemap.xml: canary",
        "units/diyi/dues-q1/index.html: 814.74",
        "units/diyi/dues-q2/index.html: 72.00",
        "units/diyi/plan/index.html: canary",
        "units/diyi/catalogue/index.html: canary",
        "units/diyi/baogao/qingkuang-baogao.docx!word/document.xml: canary",
    ] {
        assert!(found.contains(form), "the scan did not see “{form}” in the internal build:\n{found}");
    }
    let personal = personal_leaks(&all);
    assert!(personal.is_empty(), "income bases, ledger files or findings in the all-members build:\n{}", personal.join("\n"));
    // Index: tokens (decoded shards) and documents.
    assert!(found.lines().any(|l| l.starts_with("search/s/") && l.contains("#decoded: 鸮")), "canary bigrams in the decoded internal shards:\n{found}");
    assert!(found.lines().any(|l| l.starts_with("search/s/") && l.contains("#decoded: canary")), "canary words in the internal shards");
    assert!(found.lines().any(|l| l.starts_with("search/d/") && l.ends_with(": canary")), "canary text in internal index documents");
    // Zip entries: the internal compliance workbook names the internal unit.
    assert!(found.lines().any(|l| l.starts_with("compliance.xlsx!") && l.contains("鸮")), "xlsx entries are decoded:\n{found}");
    assert!(found.lines().any(|l| l.contains("CANARYFILE-") || l.contains("canaryfile")) || dir.join("notices/canaryslug/CANARYFILE-鹭名单.xlsx").is_file());
    assert!(!all.keys().any(|k| k.contains("CANARYLEDGERFILE")), "the all-members build offers no ledger file");
}

#[test]
fn committee_build_has_the_personal_canaries() {
    // The committee sees income bases, the ledger file and the findings; the same
    // scan finds them there, so the internal test above looks in the right places.
    let s = fixture();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("committee");
    s.run(&["build", "--audience", "committee", "--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00", "-o", &dir.to_string_lossy()]).expect(0);
    let all = decoded_files(&dir);
    let found = personal_leaks(&all).join("\n");
    for form in [
        "units/diyi/dues-q1/index.html: 13579.24",
        "units/diyi/dues-q2/index.html: 4876.53",
        "units/diyi/dues-q1/index.html: 欠缴",
        "units/diyi/dues-q1/index.html: ledgerfile",
    ] {
        assert!(found.contains(form), "the scan did not see “{form}” in the committee build:\n{found}");
    }
    assert!(found.lines().any(|l| l.contains("CANARYLEDGERFILE") && l.ends_with(": ledgernote")), "the ledger file itself, note and all:\n{found}");
    assert!(found.lines().any(|l| l.starts_with("search/s/") && l.ends_with("#decoded: ledgerfile")), "the committee index has the ledger's name:\n{found}");
    let page = String::from_utf8_lossy(&all["units/diyi/dues-q1/index.html"]).into_owned();
    assert!(page.contains("委员会版（含个人信息"), "the committee portal marks itself");
    let q2 = String::from_utf8_lossy(&all["units/diyi/dues-q2/index.html"]).into_owned();
    assert!(q2.contains("核对发现") && q2.contains("司马鹬鸮：应缴"), "the committee sees the findings: {q2}");
}

#[test]
fn check_names_both_files_when_a_public_page_links_internal_material() {
    let s = fixture();
    s.page("notices/link.md", "公开页", "参见[内部通知](@/notices/int/index.md)和[内部栏目页](../neibu/a.md)。\n");
    let r = s.run(&["check", "--audience", "public", "--as-of", "2024-06-30"]);
    r.expect(1).stderr_has(&["content/notices/link.md:4:3", "@/notices/int/index.md", "../neibu/a.md", "党内公开", "提示:"]);
    // For the internal audience the same links are fine.
    s.run(&["check", "--audience", "internal", "--as-of", "2024-06-30"]).expect(0);
}

/// The side channels are closed where the officer can see why: a warning at the
/// page's `unit` and one naming the unlinked bundle file; the internal build
/// shows both.
#[test]
fn side_channels_are_warned_about_and_open_internally() {
    let s = fixture();
    let r = s.build_ok(&["--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00"]);
    r.stderr_has(&["页面所属单位“canaryunit”是党内公开", "content/notices/unitref.md:5:", "CANARYBUNDLE-鹬花名册.xlsx 没有被任何页面链接", "公开版不发布它"]);
    let dir = s.path().join("internal-out");
    s.run(&["build", "--audience", "internal", "--as-of", "2024-06-30", "--now", "2024-09-01T12:00:00", "-o", &dir.to_string_lossy()]).expect(0);
    assert!(dir.join("notices/bundle/CANARYBUNDLE-鹬花名册.xlsx").exists(), "the internal build publishes every file of a bundle");
    let page = std::fs::read_to_string(dir.join("notices/unitref/index.html")).unwrap();
    assert!(page.contains("内部单位 CANARYUNIT"), "the internal build shows the unit");
}
