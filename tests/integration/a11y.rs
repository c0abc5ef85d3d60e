//! Accessibility: axe-core (the npm package; docs/quality.md) run inside headless
//! Chromium over the DevTools client on the example site's home page, a unit page, the
//! compliance summary, a dues disclosure, a study plan, a notice and the search page
//! with results, at desktop and phone (375 px) widths: no serious or critical violation.

use crate::browser::{chromium, serve_example_as};
use crate::cdp;
use crate::util::{pct, require};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// axe.min.js: `DWGK_AXE_JS`, or where `.ci/run` installs it (target/tools, gitignored).
fn axe_source() -> Option<String> {
    let path = std::env::var_os("DWGK_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tools/node_modules/axe-core/axe.min.js"));
    require(std::fs::read_to_string(&path).ok(), "axe-core", "npm install --prefix target/tools axe-core@4")
}

/// Serious and critical violations on the page now (`id: help — nodes`).
fn serious_violations(b: &mut cdp::Browser, axe: &str) -> Vec<String> {
    if b.eval("typeof window.axe") != "object" {
        b.call("Runtime.evaluate", json!({ "expression": axe }));
    }
    let run = "axe.run(document, { resultTypes: ['violations'] }).then(function (r) { return r.violations\
        .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })\
        .map(function (v) { return v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 4).map(function (n) { return n.target.join(' ') + ' ' + n.html.slice(0, 160); }).join(' | '); }); })";
    let r = b.call("Runtime.evaluate", json!({ "expression": run, "awaitPromise": true, "returnByValue": true }));
    if let Some(ex) = r.get("exceptionDetails") {
        panic!("axe.run failed: {ex}");
    }
    r["result"]["value"].as_array().unwrap_or_else(|| panic!("axe.run: {r}")).iter().map(|v| v.as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn axe_finds_no_serious_or_critical_violation_at_desktop_and_phone_widths() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let Some(axe) = axe_source() else { return };
    let (_tmp, base) = serve_example_as("internal");
    let pages = [
        String::new(),
        "units/jiguan/diyi/".into(),
        "compliance/".into(),
        "units/jiguan/diyi/dues-2024-q3/".into(),
        "units/jiguan/study-plan-2024/".into(),
        "notices/2024-12-zuzhishenghuohui/".into(),
        format!("search/?q={}", pct("三会一课")),
        "units/jiguan/diyi/catalogue/".into(),
        "units/jiguan/qingkuang-baogao-2024/".into(),
    ];
    let mut b = cdp::Browser::launch(exe);
    let mut failures = Vec::new();
    for (width, mobile) in [(1280, false), (375, true)] {
        b.call("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile }));
        for p in &pages {
            b.navigate(&format!("{base}{p}"));
            if p.starts_with("search/") {
                b.wait_for("document.querySelector('#search-results li')", Duration::from_secs(20)).unwrap_or_else(|e| panic!("{p}: no results: {e}"));
            }
            for v in serious_violations(&mut b, &axe) {
                failures.push(format!("{width}px /{p}: {v}"));
            }
        }
    }
    // The check can fail: an image without a text alternative is critical.
    b.eval("var i = document.createElement('img'); i.src = 'x.png'; document.querySelector('main').appendChild(i); 0");
    let canary = serious_violations(&mut b, &axe);
    assert!(canary.iter().any(|v| v.starts_with("image-alt")), "axe missed an image without alt: {canary:?}");
    assert!(failures.is_empty(), "axe-core, serious or critical:\n{}", failures.join("\n"));
}
