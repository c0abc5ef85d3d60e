//! The compliance downloads as their readers get them: text a spreadsheet would take
//! for a formula (a unit titled `=HYPERLINK(…)`) stays text in the CSV and the xlsx,
//! and LibreOffice reads back every number of compliance.xlsx and compliance.csv.
//! LibreOffice is installed by `.ci/run`; without it the read-back parts fail when `CI`
//! is set and are skipped (loudly) otherwise.

use crate::util::{csv_rows, run_dwgk, soffice, soffice_convert, Site};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;

const HYPERLINK: &str = r#"=HYPERLINK("http://x","点我")"#;

/// LibreOffice's CSV export of every sheet (`-1`: one file per sheet, `<name>-<sheet>.csv`), UTF-8.
const CSV_ALL_SHEETS: &str = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";

/// A 党委 titled like a formula, with branches whose titles start with `-` and `@`.
fn formula_titles() -> Site {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-06-30\n")
        .file("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n")
        .file("content/units/jg/_index.md", &format!("+++\ntitle = '{HYPERLINK}'\n[unit]\nkind = \"党委\"\n+++\n"))
        .file("content/units/jg/zb1/_index.md", "+++\ntitle = \"-第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/jg/zb2/_index.md", "+++\ntitle = \"@第二党支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file("content/units/jg/zb1/q1.md", "+++\ntitle = \"记录\"\nkind = \"record\"\nperiod = \"2024-Q1\"\n[counts]\n\"支委会\" = 3\n+++\n");
    s
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            let _ = f.read_to_string(&mut text);
            (f.name().expect("entry name").to_string(), text)
        })
        .collect()
}

#[test]
fn text_that_looks_like_a_formula_stays_text_in_csv_and_xlsx() {
    let s = formula_titles();
    s.build_ok(&["--audience", "internal"]);
    let csv = s.out("compliance.csv");
    let rows = csv_rows(&csv);
    let titles: Vec<&str> = rows.iter().skip(1).map(|r| r[2].as_str()).collect();
    assert!(titles.contains(&&*format!("'{HYPERLINK}")), "the title behind a ' (text to Excel): {titles:?}");
    assert!(titles.contains(&"'-第一党支部") && titles.contains(&"'@第二党支部"), "{titles:?}");
    for (i, row) in rows.iter().enumerate() {
        for f in row {
            assert!(!f.starts_with(['=', '+', '-', '@', '\t', '\r']), "row {}: field {f:?} would be a formula", i + 1);
        }
    }
    // `dwgk report --format csv` is the same writer.
    let report = s.run(&["report", "--format", "csv"]);
    report.expect(0);
    assert!(report.stdout.contains(&format!("\"'{}\"", HYPERLINK.replace('"', "\"\""))), "{}", report.stdout);

    // The workbook: strings, no formula anywhere.
    let xlsx = std::fs::read(s.public().join("compliance.xlsx")).unwrap();
    let entries = zip_entries(&xlsx);
    for (name, text) in &entries {
        assert!(!text.contains("<f>") && !text.contains("<f "), "{name} holds a formula");
    }
    let strings = &entries.iter().find(|(n, _)| n == "xl/sharedStrings.xml").expect("shared strings").1;
    assert!(strings.contains("=HYPERLINK(&quot;http://x&quot;,&quot;点我&quot;)") || strings.contains(HYPERLINK), "{strings}");

    // LibreOffice, a real client, shows the text: not a link labelled 点我.
    let Some(exe) = soffice() else { return };
    let out = tempfile::tempdir().unwrap();
    soffice_convert(exe, &s.public().join("compliance.xlsx"), CSV_ALL_SHEETS, out.path());
    let summary = std::fs::read_to_string(out.path().join("compliance-2024年汇总.csv")).expect("summary sheet as CSV");
    let cells: Vec<String> = csv_rows(&summary).into_iter().skip(1).map(|r| r[1].trim().to_string()).collect();
    assert!(cells.contains(&HYPERLINK.to_string()), "xlsx read by LibreOffice: {cells:?}");
    let opened = out.path().join("opened");
    let copy = out.path().join("in.csv");
    std::fs::write(&copy, &csv).unwrap();
    soffice_convert(exe, &copy, "csv:Text - txt - csv (StarCalc):44,34,76,1", &opened);
    let back = std::fs::read_to_string(opened.join("in.csv")).unwrap();
    let titles: Vec<String> = csv_rows(&back).into_iter().skip(1).map(|r| r[2].clone()).collect();
    assert!(titles.iter().all(|t| t != "点我" && !t.starts_with('=')), "CSV read by LibreOffice: {titles:?}");
    assert!(titles.iter().any(|t| t.contains("HYPERLINK")), "{titles:?}");
}

/// The example site built for the internal audience into `<tmp>/site`.
fn example_internal() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let args: Vec<String> =
        ["build", "--root", env!("CARGO_MANIFEST_DIR"), "--audience", "internal", "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
    run_dwgk(&args, tmp.path()).expect(0);
    (tmp, out)
}

fn number(text: &str, what: &str) -> f64 {
    text.trim().parse::<f64>().unwrap_or_else(|_| panic!("{what}: {text:?} is not a number"))
}

/// `2024-03` → 3, `2024-Q2` → 4, `2024-H2` → 7, `2024` → 1: the cell's first month.
fn first_month(period: &str) -> usize {
    let rest = period.split_once('-').map_or("", |(_, r)| r);
    match rest.chars().next() {
        None => 1,
        Some('Q') => (rest[1..].parse::<usize>().unwrap() - 1) * 3 + 1,
        Some('H') => (rest[1..].parse::<usize>().unwrap() - 1) * 6 + 1,
        _ => rest.parse().unwrap(),
    }
}

/// compliance.xlsx of the example site, converted to CSV by LibreOffice: every count,
/// rate and cell (`达标 1/1`) equals compliance.json's; compliance.csv read by
/// LibreOffice keeps every field.
#[test]
fn compliance_downloads_read_back_by_libreoffice_with_every_number() {
    let Some(exe) = soffice() else { return };
    let (tmp, site) = example_internal();
    let dir = site;
    let json: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("compliance.json")).unwrap()).unwrap();
    let year = json["year"].as_i64().unwrap();
    let units = json["units"].as_array().unwrap();
    let out = tmp.path().join("lo");
    soffice_convert(exe, &dir.join("compliance.xlsx"), CSV_ALL_SHEETS, &out);
    let sheet = |name: &str| csv_rows(&std::fs::read_to_string(out.join(format!("compliance-{year}年{name}.csv"))).unwrap_or_else(|e| panic!("{name}: {e}")));

    let summary = sheet("汇总");
    assert_eq!(summary.len(), units.len() + 1, "one row per unit");
    let mut checked = 0;
    for (u, row) in units.iter().zip(&summary[1..]) {
        assert_eq!(row[0], u["id"].as_str().unwrap());
        assert_eq!(row[1].trim(), u["title"].as_str().unwrap());
        for (col, key) in [(3, "met"), (4, "short"), (5, "missing"), (6, "pending")] {
            assert_eq!(number(&row[col], key), u["tally"][key].as_f64().unwrap(), "{}: {key}", u["id"]);
            checked += 1;
        }
        for (col, tally) in [(7, "tally"), (8, "rollup")] {
            match u[tally]["rate"].as_f64() {
                Some(rate) => assert_eq!(number(&row[col], tally), rate, "{}: {tally} rate", u["id"]),
                None => assert_eq!(row[col], "", "{}: no rate", u["id"]),
            }
            checked += 1;
        }
    }

    let detail = sheet("明细");
    let lines: Vec<(&Value, &Value)> = units.iter().flat_map(|u| u["requirements"].as_array().unwrap().iter().map(move |l| (u, l))).collect();
    assert_eq!(detail.len(), lines.len() + 1, "one row per unit and requirement");
    for ((u, l), row) in lines.iter().zip(&detail[1..]) {
        let at = format!("{} {}", u["id"], l["id"]);
        assert_eq!((row[0].as_str(), row[3].as_str()), (u["id"].as_str().unwrap(), l["id"].as_str().unwrap()));
        for (col, key) in [(6, "met"), (7, "short"), (8, "missing"), (9, "pending")] {
            assert_eq!(number(&row[col], key), l["tally"][key].as_f64().unwrap(), "{at}: {key}");
            checked += 1;
        }
        for cell in l["cells"].as_array().unwrap() {
            let period = cell["period"].as_str().unwrap();
            let text = &row[10 + first_month(period) - 1];
            let coarser = cell["from_coarser"].as_bool().unwrap();
            let fraction = text.trim_end_matches('*').rsplit(' ').next().unwrap_or("");
            let (count, target) = fraction.split_once('/').unwrap_or_else(|| panic!("{at} {period}: {text:?}"));
            assert_eq!(number(count, "count"), cell["count"].as_f64().unwrap(), "{at} {period}: {text}");
            assert_eq!(number(target, "target"), cell["target"].as_f64().unwrap(), "{at} {period}: {text}");
            assert_eq!(text.ends_with('*'), coarser, "{at} {period}: {text}");
            checked += 2;
        }
    }
    assert!(checked > 500, "only {checked} numbers checked");

    // The CSV opened by LibreOffice and saved again: every field as dwgk wrote it.
    let ours = csv_rows(&std::fs::read_to_string(dir.join("compliance.csv")).unwrap());
    let opened = tmp.path().join("opened");
    soffice_convert(exe, &dir.join("compliance.csv"), "csv:Text - txt - csv (StarCalc):44,34,76,1", &opened);
    let back = csv_rows(&std::fs::read_to_string(opened.join("compliance.csv")).unwrap());
    assert_eq!(back.len(), ours.len());
    for (i, (a, b)) in ours.iter().zip(&back).enumerate() {
        assert_eq!(a, b, "row {} changed in LibreOffice", i + 1);
    }
}
