//! Real-browser checks with headless Chromium: the example site's pages load with
//! every resource found and no console error. Chromium is installed by `.ci/run`;
//! without it these tests fail when `CI` is set and are skipped (loudly) otherwise.

use crate::util::run_dwgk;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

pub fn chromium() -> Option<&'static str> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].into_iter().find(|p| Path::new(p).exists());
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but Chromium is missing: .ci/run must install it (apt-get install chromium)");
        eprintln!("SKIPPED: Chromium not installed (apt-get install chromium)");
    }
    found
}

/// Loads `url` in headless Chromium; returns (DOM, browser log).
fn load(browser: &str, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            url,
        ])
        .output()
        .expect("run chromium");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Builds the example site (internal audience) and serves it on a free local port.
fn serve_example() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let args: Vec<String> = ["build", "--root", env!("CARGO_MANIFEST_DIR"), "--audience", "internal", "--base-url", &base, "--output", &out.to_string_lossy()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    run_dwgk(&args, tmp.path()).expect(0);
    std::thread::spawn(move || dwgk::serve::http::serve(listener, out));
    (tmp, base)
}

fn console_errors(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Failed to load resource") || l.contains("Uncaught")).collect()
}

#[test]
fn compliance_summary_and_unit_pages_render_in_chromium() {
    let Some(browser) = chromium() else { return };
    let (_tmp, base) = serve_example();
    let (dom, log) = load(browser, &format!("{base}compliance/"));
    assert!(dom.contains("2024年组织生活与学习达标情况"), "{dom}");
    assert!(dom.contains("class=\"chart heatmap\"") && dom.contains("class=\"chart bars\""), "both charts in the DOM");
    assert!(dom.contains("第二党支部"), "units listed");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, log) = load(browser, &format!("{base}units/jiguan/dier/"));
    assert!(dom.contains("2024年达标情况") && dom.contains("st-short"), "unit compliance section");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, _) = load(browser, &format!("{base}units/"));
    assert!(dom.contains("class=\"unit-tree\""), "the organisation tree on 组织机构");
}

/// Runs headless Chromium with extra `args` (print to PDF, screenshot) on `url`.
fn capture(browser: &str, args: &[&str], url: &str) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", &format!("--user-data-dir={}", profile.path().display())])
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium")
        .status;
    assert!(status.success(), "chromium {args:?} {url}");
}

#[test]
fn dues_disclosure_and_study_plan_render_and_print_on_a4() {
    let Some(browser) = chromium() else { return };
    let (tmp, base) = serve_example();
    let (dom, log) = load(browser, &format!("{base}units/jiguan/diyi/dues-2024-q3/"));
    assert!(dom.contains("党费收缴情况") && dom.contains("按类别和缴纳标准汇总") && dom.contains("王建国"), "internal disclosure");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));
    let (dom, log) = load(browser, &format!("{base}units/jiguan/study-plan-2024/"));
    assert!(dom.contains("study-timetable") && dom.contains("已过期"), "timetable with the overdue session");
    assert!(console_errors(&log).is_empty(), "browser errors: {:?}", console_errors(&log));

    // The 公示 as printed for the notice board: A4 portrait, a few pages at most.
    let pdf = tmp.path().join("dues.pdf");
    capture(browser, &["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())], &format!("{base}units/jiguan/diyi/dues-2024-q3/"));
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!((1..=3).contains(&pages), "{pages} pages");
    // A4 is 595 × 842 points.
    assert!(text.contains("/MediaBox [0 0 595") || text.contains("/MediaBox [0 0 594"), "A4 media box");
    // A screenshot for people reviewing the change (a test artifact, not an assertion).
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    capture(browser, &["--window-size=1100,2400", &format!("--screenshot={}", artifacts.join("dues-disclosure.png").display())], &format!("{base}units/jiguan/diyi/dues-2024-q3/"));
    assert!(artifacts.join("dues-disclosure.png").is_file());
}
