//! The 情况报告 draft: every number in it is a fact that names its place in
//! `dwgk report --format json`, and equals what is there; its Word file, read back
//! by LibreOffice and by Pandoc, says exactly what the draft says, so the numbers an
//! officer edits in Word are the compliance report's. On the example site (局机关党委
//! and a branch, as the issue asks) and on the draft page the example site builds.

use crate::util::{require, run_dwgk, soffice};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn dwgk_json(args: &[&str], dir: &Path) -> Value {
    let mut all: Vec<String> = vec!["report".into(), "--root".into(), root().into(), "--format".into(), "json".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    let r = run_dwgk(&all, dir);
    r.expect(0);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// One step of a path: `units[diyi]`, `cells[2024-03]`, `tally`.
fn step<'a>(v: &'a Value, part: &str) -> &'a Value {
    match part.split_once('[') {
        None => &v[part],
        Some((name, key)) => {
            let key = key.trim_end_matches(']');
            let list = v[name].as_array().unwrap_or_else(|| panic!("{name} is not a list in {v}"));
            list.iter().find(|x| x["id"] == key || x["period"] == key || x["event"] == key).unwrap_or_else(|| panic!("no {name}[{key}]"))
        }
    }
}

/// The value at a fact's path in compliance.json (`count(…)` counts a list).
fn resolve(report: &Value, path: &str) -> Value {
    if let Some(inner) = path.strip_prefix("count(").and_then(|p| p.strip_suffix(')')) {
        if let Some(parent) = inner.strip_prefix("units[parent=").and_then(|p| p.strip_suffix(']')) {
            return Value::from(report["units"].as_array().unwrap().iter().filter(|u| u["parent"] == parent).count());
        }
        return Value::from(resolve(report, inner).as_array().unwrap_or_else(|| panic!("{inner} is not a list")).len());
    }
    // Keys hold dots (`sources.study`) only as path steps, never inside brackets.
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for ch in path.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    parts.push(cur);
    parts.iter().fold(report, |v, p| step(v, p)).clone()
}

/// Checks every fact of `draft` against `report`; returns the draft's whole text.
fn check_facts(draft: &Value, report: &Value) -> String {
    let mut text = String::new();
    let mut runs: Vec<&Value> = draft["title"].as_array().unwrap().iter().collect();
    let mut lines: Vec<String> = vec![runs.iter().map(|r| r["text"].as_str().unwrap()).collect()];
    if let Some(a) = draft["addressee"].as_str() {
        lines.push(a.to_string());
    }
    for b in draft["blocks"].as_array().unwrap() {
        match b["type"].as_str().unwrap() {
            "heading" => lines.push(b["text"].as_str().unwrap().to_string()),
            _ => {
                let rs = b["runs"].as_array().unwrap();
                lines.push(rs.iter().map(|r| r["text"].as_str().unwrap()).collect());
                runs.extend(rs);
            }
        }
    }
    for line in draft["signature"].as_array().unwrap() {
        let rs = line.as_array().unwrap();
        lines.push(rs.iter().map(|r| r["text"].as_str().unwrap()).collect());
        runs.extend(rs);
    }
    let mut facts = 0;
    for r in runs {
        let shown = r["text"].as_str().unwrap();
        if let Some(f) = r.get("fact") {
            let paths: Vec<&str> = f["paths"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            let found: Vec<Value> = paths.iter().map(|p| resolve(report, p)).collect();
            let expected = if found.len() == 1 { found[0].clone() } else { Value::from(found.iter().map(|v| v.as_i64().unwrap()).sum::<i64>()) };
            assert_eq!(f["value"], expected, "fact “{shown}” at {paths:?}");
            // What the text shows is that value (a count, a rate, a date), or a month of a cell.
            let digits: String = shown.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
            match &expected {
                Value::Number(n) => assert_eq!(digits.parse::<f64>().ok(), n.as_f64(), "“{shown}” shows {n}"),
                Value::String(s) if paths[0].ends_with(".status") || paths[0].ends_with(".period") => {
                    let month = paths[0].rsplit("cells[").next().unwrap().split(']').next().unwrap().rsplit('-').next().unwrap().trim_start_matches('0');
                    assert_eq!(digits, month, "“{shown}” is the month of {}", paths[0]);
                    assert!(paths[0].ends_with(".period") || ["short", "missing"].contains(&s.as_str()), "a shortfall month is short or missing: {s}");
                }
                Value::String(s) => {
                    let want: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                    assert_eq!(digits.replace('.', ""), want, "“{shown}” shows {s}");
                }
                other => panic!("unexpected fact value {other}"),
            }
            facts += 1;
        } else if r.get("note").is_none() && r.get("quote").is_none() {
            assert!(!shown.chars().any(|c| c.is_ascii_digit()), "dwgk's own words carry no number: “{shown}”");
        }
    }
    assert!(facts > 10, "the draft states its numbers as facts ({facts})");
    // Each count note lists records that add up to the count it annotates.
    for n in draft["notes"].as_array().unwrap() {
        if let Some(total) = n["total"].as_u64() {
            let sum: u64 = n["sources"].as_array().unwrap().iter().map(|s| s["count"].as_u64().unwrap()).sum();
            assert_eq!(sum, total, "note {}", n["label"]);
        }
    }
    lines.push("附：统计依据".into());
    text.push_str(&lines.join("\n"));
    text
}

/// Text without whitespace and Pandoc's superscript marks (`^(〔1〕)^`): what both
/// readers agree on.
fn squeeze(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && *c != '^').collect();
    s.replace("(〔", "〔").replace("〕)", "〕")
}

fn read_back(docx: &Path, dir: &Path) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(exe) = soffice() {
        crate::util::soffice_convert(exe, docx, "txt:Text (encoded):UTF8", dir);
        out.push(("LibreOffice", std::fs::read_to_string(dir.join(docx.with_extension("txt").file_name().unwrap())).unwrap()));
    }
    let pandoc = ["/usr/bin/pandoc", "/usr/local/bin/pandoc"].into_iter().find(|p| Path::new(p).exists());
    if let Some(p) = require(pandoc, "Pandoc", "apt-get install pandoc") {
        let o = Command::new(p).args(["-s", "-t", "plain", "--wrap=none"]).arg(docx).output().expect("run pandoc");
        assert!(o.status.success(), "pandoc: {}", String::from_utf8_lossy(&o.stderr));
        out.push(("Pandoc", String::from_utf8(o.stdout).unwrap()));
    }
    out
}

#[test]
fn every_number_of_the_drafts_is_the_reports_and_word_readers_see_the_same() {
    let _quiet = crate::util::heavy();
    let tmp = tempfile::tempdir().unwrap();
    let report = dwgk_json(&[], tmp.path());
    for unit in ["jiguan", "diyi"] {
        let draft = dwgk_json(&["--draft", "情况报告", "--unit", unit], tmp.path());
        let text = check_facts(&draft, &report);
        if unit == "jiguan" {
            assert!(text.contains("所属党组织情况") && text.contains("第二党支部"), "a 党委's draft rolls up its branches:\n{text}");
        }
        assert!(text.contains("存在的不足") && text.contains("党务公开情况"), "{text}");
        let docx = tmp.path().join(format!("{unit}.docx"));
        let args: Vec<String> = ["report", "--root", root(), "--draft", "情况报告", "--unit", unit, "--format", "docx", "--output"]
            .iter()
            .map(|s| s.to_string())
            .chain([docx.to_string_lossy().into_owned()])
            .collect();
        run_dwgk(&args, tmp.path()).expect(0);
        let want = squeeze(&text);
        for (reader, got) in read_back(&docx, tmp.path()) {
            let got = squeeze(&got);
            assert!(got.contains(&want), "{reader} reads {unit}.docx differently:\nwant {want}\ngot  {got}");
            let notes = draft["notes"].as_array().unwrap();
            assert!(notes.iter().all(|n| got.contains(&squeeze(&format!("〔{}〕", n["n"])))), "{reader}: the appendix is there");
        }
    }
}

#[test]
fn the_example_builds_each_draft_page_with_its_word_file_internally_only() {
    let tmp = tempfile::tempdir().unwrap();
    for audience in ["internal", "public"] {
        let out = tmp.path().join(audience);
        let args: Vec<String> = ["build", "--root", root(), "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
        run_dwgk(&args, tmp.path()).expect(0);
        for page in ["units/jiguan/qingkuang-baogao-2024", "units/jiguan/diyi/qingkuang-baogao-2024"] {
            let docx = out.join(page).join("qingkuang-baogao.docx");
            assert_eq!(docx.exists(), audience == "internal", "{audience}: {}", docx.display());
            if audience == "internal" {
                let html = std::fs::read_to_string(out.join(page).join("index.html")).unwrap();
                assert!(html.contains("情况报告草稿") && html.contains("附：统计依据") && html.contains("qingkuang-baogao.docx"), "{page}");
                // The page's draft is the report's: the same text as `dwgk report --draft`.
                let unit = if page.contains("diyi") { "diyi" } else { "jiguan" };
                let args: Vec<String> = ["report", "--root", root(), "--draft", "情况报告", "--unit", unit].iter().map(|s| s.to_string()).collect();
                let text = run_dwgk(&args, tmp.path()).stdout;
                let first = text.lines().find(|l| l.contains("〔1〕")).unwrap_or_else(|| panic!("{text}")).trim();
                let plain = html.replace("<span class=\"draft-fact\">", "").replace("</span>", "");
                let plain = regex_free_tags(&plain);
                assert!(plain.contains(first.trim_start_matches('　')), "{page} shows the report's draft: {first}");
            }
        }
    }
}

/// HTML without tags (enough for dwgk's own markup).
fn regex_free_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
