//! Requirement extraction measured against hand labels: every seed text (copied into
//! tests/data/extract/seeds/) and a held-out document written separately. Results are
//! matched to labels by (line, per, min); precision and recall must both reach 0.9.

use dwgk::domain::extract::{extract, Extracted};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/extract")
}

/// One hand label: (line, per, min, measure).
type Label = (usize, String, u32, String);

fn labels(path: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    v.as_array()
        .expect("labels are a JSON array")
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().expect("line") as usize,
                l["per"].as_str().expect("per").to_string(),
                l["min"].as_u64().expect("min") as u32,
                l["measure"].as_str().unwrap_or("次").to_string(),
            )
        })
        .collect()
}

#[derive(Default)]
struct Score {
    found: usize,
    labelled: usize,
    matched: usize,
    measure_ok: usize,
    report: Vec<String>,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.found == 0 {
            1.0
        } else {
            self.matched as f64 / self.found as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.labelled == 0 {
            1.0
        } else {
            self.matched as f64 / self.labelled as f64
        }
    }
}

/// Matches each result to an unused label with the same (line, per, min).
fn score(name: &str, text: &str, mut expected: Vec<Label>, s: &mut Score) {
    let got: Vec<Extracted> = extract(text);
    s.found += got.len();
    s.labelled += expected.len();
    for e in &got {
        let key = |l: &Label| l.0 == e.line && l.1 == e.per.id() && l.2 == e.min;
        match expected.iter().position(key) {
            Some(i) => {
                let l = expected.remove(i);
                s.matched += 1;
                if l.3 == e.measure {
                    s.measure_ok += 1;
                } else {
                    s.report.push(format!("  {name}:{} measure {} ≠ label {}: {}", e.line, e.measure, l.3, e.text));
                }
            }
            None => s.report.push(format!("  {name}:{} extra {} {} {}: {}", e.line, e.per.id(), e.min, e.measure, e.text)),
        }
    }
    for l in expected {
        s.report.push(format!("  {name}:{} missed {} {} {}", l.0, l.1, l.2, l.3));
    }
}

fn evaluate(title: &str, files: &[(String, PathBuf, PathBuf)]) -> Score {
    let mut s = Score::default();
    for (name, text, labels_path) in files {
        let text = std::fs::read_to_string(text).unwrap_or_else(|e| panic!("{}: {e}", text.display()));
        score(name, &text, labels(labels_path), &mut s);
    }
    eprintln!(
        "extract {title}: precision {:.3} ({}/{}), recall {:.3} ({}/{}), measure agreement {}/{}",
        s.precision(),
        s.matched,
        s.found,
        s.recall(),
        s.matched,
        s.labelled,
        s.measure_ok,
        s.matched
    );
    for r in &s.report {
        eprintln!("{r}");
    }
    s
}

#[test]
fn seeds_reach_precision_and_recall_of_ninety_percent() {
    let dir = data().join("seeds");
    let mut files: Vec<(String, PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let labels = data().join(format!("{stem}.labels.json"));
            (stem, p, labels)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 2, "seed copies missing in {}", dir.display());
    for (name, _, l) in &files {
        assert!(l.exists(), "seed {name} has no labels at {}", l.display());
    }
    let s = evaluate("seeds", &files);
    assert!(s.labelled >= 20, "too few labels: {}", s.labelled);
    assert!(s.precision() >= 0.9, "seed precision {:.3} < 0.9", s.precision());
    assert!(s.recall() >= 0.9, "seed recall {:.3} < 0.9", s.recall());
}

#[test]
fn held_out_text_reaches_precision_and_recall_of_ninety_percent() {
    let files = [("heldout".to_string(), data().join("heldout.md"), data().join("heldout.labels.json"))];
    let s = evaluate("held-out", &files);
    assert!(s.precision() >= 0.9, "held-out precision {:.3} < 0.9", s.precision());
    assert!(s.recall() >= 0.9, "held-out recall {:.3} < 0.9", s.recall());
}
