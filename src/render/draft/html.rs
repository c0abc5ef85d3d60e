//! The draft as HTML (the internal page's `page.report_draft.html`) and as plain
//! text (`dwgk report --draft`): the same runs, notes as 〔n〕 marks and an appendix.

use super::{Block, Draft, Run};
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    tera::escape_html(s)
}

fn runs_html(runs: &[Run]) -> String {
    let mut out = String::new();
    for r in runs {
        match (&r.fact, r.note) {
            (Some(_), _) => {
                let _ = write!(out, "<span class=\"draft-fact\">{}</span>", esc(&r.text));
            }
            (_, Some(n)) => {
                let _ = write!(out, "<sup class=\"draft-note\"><a href=\"#draft-note-{n}\">{}</a></sup>", esc(&r.text));
            }
            _ => out.push_str(&esc(&r.text)),
        }
    }
    out
}

fn runs_text(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// The body of the draft page: headings, paragraphs, 落款 and the appendix.
pub fn to_html(d: &Draft) -> String {
    let mut out = format!("<div class=\"content report-draft\">\n<p class=\"draft-title align-center\"><strong>{}</strong></p>\n", runs_html(&d.title));
    if let Some(a) = &d.addressee {
        let _ = writeln!(out, "<p class=\"draft-addressee\">{}</p>", esc(a));
    }
    for b in &d.blocks {
        match b {
            Block::Heading { level, text } => {
                let _ = writeln!(out, "<h{} class=\"draft-heading\">{}</h{}>", level + 2, esc(text), level + 2);
            }
            Block::Para { runs } => {
                let _ = writeln!(out, "<p>{}</p>", runs_html(runs));
            }
        }
    }
    for line in &d.signature {
        let _ = writeln!(out, "<p class=\"signature\">{}</p>", runs_html(line));
    }
    out.push_str("<h3 class=\"draft-heading\">附：统计依据</h3>\n<div class=\"draft-notes\">\n");
    for n in &d.notes {
        let _ = writeln!(out, "<p id=\"draft-note-{}\">{}</p>", n.n, esc(&n.text()));
    }
    out.push_str("</div>\n</div>\n");
    out
}

/// The draft as plain text, paragraph per line (the terminal, `--format table`).
pub fn to_text(d: &Draft) -> String {
    let mut out = format!("{}\n\n", runs_text(&d.title));
    if let Some(a) = &d.addressee {
        let _ = writeln!(out, "{a}");
    }
    for b in &d.blocks {
        match b {
            Block::Heading { text, .. } => {
                let _ = writeln!(out, "{text}");
            }
            Block::Para { runs } => {
                let _ = writeln!(out, "　　{}", runs_text(runs));
            }
        }
    }
    out.push('\n');
    for line in &d.signature {
        let _ = writeln!(out, "{:>40}", runs_text(line));
    }
    out.push_str("\n附：统计依据\n");
    for n in &d.notes {
        let _ = writeln!(out, "{}", n.text());
    }
    out
}
