//! Tidy checks that keep ARCHITECTURE.md's invariants true: the pure layers do no
//! IO and never read the clock, and every source file says what it is for.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Code outside `#[cfg(test)]` modules.
fn code_of(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

#[test]
fn pure_layers_do_no_io_and_read_no_clock() {
    let pure: Vec<PathBuf> = [src().join("content"), src().join("site"), src().join("domain"), src().join("config")]
        .iter()
        .flat_map(|d| rust_files(d))
        .chain([src().join("diag.rs")])
        .chain(["schedule", "manifest", "problem", "record", "pages"].map(|m| src().join(format!("publish/{m}.rs"))))
        .chain([src().join("io/settle.rs")])
        .collect();
    assert!(pure.len() >= 10, "the pure layers moved? {pure:?}");
    let forbidden =
        ["std::fs", "fs::", "File::", "SystemTime", "Instant::now", "Local::now", "Utc::now", "notify::", "walkdir", "std::net", "std::process", "std::env"];
    let mut offences = Vec::new();
    for f in pure {
        let text = std::fs::read_to_string(&f).unwrap();
        for word in forbidden {
            if code_of(&text).contains(word) {
                offences.push(format!("{} uses {word}", f.display()));
            }
        }
    }
    assert!(offences.is_empty(), "IO or clock in a pure module:\n{}", offences.join("\n"));
}

#[test]
fn every_source_file_starts_with_a_doc_line() {
    let missing: Vec<String> =
        rust_files(&src()).into_iter().filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!")).map(|f| f.display().to_string()).collect();
    assert!(missing.is_empty(), "files without a leading //! line: {missing:?}");
}
