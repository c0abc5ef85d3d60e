//! An independent reader: Pandoc reads each .docx fixture (`pandoc -t json`), and
//! the text of every block it finds — paragraphs, headings, list items, table
//! cells, footnotes — must be on dwgk's page, in the same order; and every block of
//! dwgk's page must be in Pandoc's text. Where the two differ by design it is said
//! here: Pandoc shows hidden text and field instructions' results that Word does not
//! (dwgk leaves out the secrecy fixtures' `CANARY…` words), keeps the 红头 line (dwgk
//! shows the 发文机关 as a page value) and prints no automatic numbering labels.

use crate::util::{between, require, Site};
use crate::word::fixture;
use serde_json::Value;
use std::process::Command;

fn pandoc() -> Option<&'static str> {
    let found = ["/usr/bin/pandoc", "/usr/local/bin/pandoc"].into_iter().find(|p| std::path::Path::new(p).exists());
    require(found, "Pandoc", "apt-get install --no-install-recommends pandoc")
}

/// Text of Pandoc inlines (notes and images left out: notes are blocks of their own).
fn inline_text(v: &Value, out: &mut String, notes: &mut Vec<Value>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| inline_text(x, out, notes)),
        Value::Object(o) => match o.get("t").and_then(Value::as_str) {
            Some("Str") => out.push_str(o["c"].as_str().unwrap_or("")),
            Some("Space" | "SoftBreak" | "LineBreak") => out.push(' '),
            Some("Note") => notes.push(o["c"].clone()),
            Some("Image") => {}
            Some("Link" | "Span") => inline_text(&o["c"][1], out, notes),
            Some("Quoted") => inline_text(&o["c"][1], out, notes),
            Some("Code" | "Math") => out.push_str(o["c"][1].as_str().unwrap_or("")),
            _ => {
                if let Some(c) = o.get("c") {
                    inline_text(c, out, notes);
                }
            }
        },
        _ => {}
    }
}

/// Every text block of a Pandoc document, in reading order, notes last.
fn pandoc_blocks(json: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>, notes: &mut Vec<Value>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| walk(x, out, notes)),
            Value::Object(o) => match o.get("t").and_then(Value::as_str) {
                Some("Para" | "Plain") => {
                    let mut s = String::new();
                    inline_text(&o["c"], &mut s, notes);
                    out.push(s);
                }
                Some("Header") => {
                    let mut s = String::new();
                    inline_text(&o["c"][2], &mut s, notes);
                    out.push(s);
                }
                _ => o.values().for_each(|x| walk(x, out, notes)),
            },
            _ => {}
        }
    }
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    if let Some(title) = json["meta"]["title"].get("c") {
        let mut s = String::new();
        inline_text(title, &mut s, &mut notes);
        out.push(s);
    }
    walk(&json["blocks"], &mut out, &mut notes);
    let mut i = 0;
    while i < notes.len() {
        let n = notes[i].clone();
        walk(&n, &mut out, &mut notes);
        i += 1;
    }
    out
}

/// The text blocks of dwgk's page: its header (title and page values) and its body
/// (paragraphs, headings, list items, cells, footnotes).
fn page_blocks(html: &str) -> (Vec<String>, Vec<String>) {
    let split = |part: &str| -> Vec<String> {
        // Footnote reference numbers are dwgk's (Pandoc keeps the note in place).
        let mut part = part.to_string();
        while let Some(i) = part.find("<sup class=\"footnote-ref\">") {
            let end = part[i..].find("</sup>").map_or(part.len(), |e| i + e + 6);
            part.replace_range(i..end, "");
        }
        let mut text = String::new();
        let (mut in_tag, mut tag) = (false, String::new());
        for c in part.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    tag.clear();
                }
                '>' => {
                    in_tag = false;
                    let name = tag.trim_start_matches('/').split([' ', '>']).next().unwrap_or("").to_lowercase();
                    if ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dd", "dt", "br", "tr", "ol", "ul", "table"].contains(&name.as_str()) {
                        text.push('\n');
                    }
                }
                _ if in_tag => tag.push(c),
                _ => text.push(c),
            }
        }
        let text = text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace('↩', "");
        text.lines().map(norm).filter(|l| !l.is_empty()).collect()
    };
    // The body ends before the print-only 版记 (dwgk's page values, not the document's).
    let body = between(html, "<div class=\"content\">", "</article>");
    let body = body.split("<dl class=\"doc-record\">").next().unwrap_or(body);
    (split(between(html, "<h1 class=\"notice-title\">", "</dl>")), split(body))
}

/// Text compared without blanks, without `CANARY…` words (hidden: dwgk drops them)
/// and without image placeholders.
fn norm(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
    while let Some(i) = out.find("CANARY") {
        let end = out[i..].find(|c: char| !c.is_ascii_uppercase()).map_or(out.len(), |e| i + e);
        out.replace_range(i..end, "");
    }
    out.replace("[]", "")
}

/// A leading automatic-numbering label (`1.`, `一、`, `（1）`) dwgk prints and Pandoc does not.
fn without_label(s: &str) -> String {
    let t = s.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十（）()".contains(c));
    t.trim_start_matches(['.', '、', '．']).to_string()
}

#[test]
fn every_block_pandoc_reads_is_on_the_page_in_order_and_nothing_else() {
    let Some(pandoc) = pandoc() else { return };
    let names = [
        "红头通知-libreoffice.docx",
        "保密审查-libreoffice.docx",
        "责任清单-python.docx",
        "情况报告-python.docx",
        "党员大会记录-python.docx",
        "保密审查-python.docx",
    ];
    let s = Site::new();
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        s.bytes(&format!("content/notices/{n}"), &fixture(n));
        if n.starts_with("情况报告") {
            // The seed report keeps last year's “x次”: a checklist, where blanks are warnings.
            s.file(&format!("content/notices/{}.toml", n.trim_end_matches(".docx")), "kind = \"checklist\"\n");
        }
    }
    s.build_ok(&["--audience", "internal"]);
    for n in names {
        let path = dir.path().join(n);
        std::fs::write(&path, fixture(n)).unwrap();
        let out = Command::new(pandoc).args(["-f", "docx", "-t", "json"]).arg(&path).output().expect("run pandoc");
        assert!(out.status.success(), "pandoc {n}: {}", String::from_utf8_lossy(&out.stderr));
        let theirs: Vec<String> = pandoc_blocks(&serde_json::from_slice(&out.stdout).unwrap()).iter().map(|b| norm(b)).filter(|b| !b.is_empty()).collect();
        let html = s.out(&format!("notices/{}/index.html", n.trim_end_matches(".docx")));
        let (head, body) = page_blocks(&html);
        let (head_text, body_text) = (head.concat(), body.concat());
        let issuer = head.iter().position(|b| b == "发文机关").and_then(|i| head.get(i + 1)).cloned();
        // Pandoc's blocks are on the page: the title, 文号 and 落款 unit in its header, the rest in its body, in order.
        let mut at = 0;
        for b in &theirs {
            if issuer.as_ref().is_some_and(|i| *b == format!("{i}文件")) || head_text.contains(b.as_str()) {
                continue; // the 红头 is shown as 发文机关; the title and 文号 are page values
            }
            match body_text[at..].find(b.as_str()) {
                Some(i) => at += i + b.len(),
                None => panic!(
                    "{n}: Pandoc's block {b:?} is {} on dwgk's page:\n{body:#?}",
                    if body_text.contains(b.as_str()) { "out of order" } else { "missing" }
                ),
            }
        }
        // dwgk's body blocks are in Pandoc's text (a leading numbering label aside).
        let pandoc_text = theirs.concat();
        for b in &body {
            assert!(
                pandoc_text.contains(b.as_str()) || pandoc_text.contains(&without_label(b)),
                "{n}: dwgk's block {b:?} is not in Pandoc's text:\n{theirs:#?}"
            );
        }
        assert!(body.len() >= 3, "{n}: the page has a body: {body:?}");
    }
}
