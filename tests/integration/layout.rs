//! The theme as readers see it, measured in headless Chromium over the DevTools
//! protocol (`cdp`): at 360 and 390 px no name, status or requirement wraps one character a
//! line or is cut off, the page never scrolls sideways and tap targets are big
//! enough (24 px, 44 px for the main menu); at 1280 px the compliance summary keeps
//! its unit column and header row in place, starts with the table of the kind most
//! units are, and its heat map's text is legible on every fill. Screenshots of the
//! pages go to `target/tmp/artifacts/` for people reviewing a change.

use crate::browser::{chromium, serve_example_as};
use crate::cdp;
use serde_json::{json, Value};
use std::path::Path;

/// `(function (selector) { … })`: the shown elements matching it, each as
/// `{text, chars, lines, width, font, clipped}`. `lines` counts the line boxes of
/// its text; `clipped` says why part of it cannot be seen (off the screen, or
/// outside a box that scrolls or hides overflow), or is empty.
const MEASURE: &str = "(function (sel) {
  function lines(e) {
    var rects = [], walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), n;
    while ((n = walker.nextNode())) {
      if (!n.textContent.trim()) continue;
      var range = document.createRange(); range.selectNodeContents(n);
      [].forEach.call(range.getClientRects(), function (q) { if (q.width > 0 && q.height > 0) rects.push(q); });
    }
    rects.sort(function (a, b) { return a.top - b.top; });
    var count = 0, bottom = -1e9;
    rects.forEach(function (q) { if ((q.top + q.bottom) / 2 > bottom) { count++; bottom = q.bottom; } else { bottom = Math.max(bottom, q.bottom); } });
    return count;
  }
  function clipped(e, r) {
    if (r.left < -0.5 || r.right > innerWidth + 0.5) return 'off the screen (' + Math.round(r.left) + '–' + Math.round(r.right) + ' px)';
    for (var p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === 'visible') continue;
      var b = p.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5) return 'cut off by ' + p.tagName.toLowerCase() + '.' + p.className;
    }
    return '';
  }
  return [].filter.call(document.querySelectorAll(sel), function (e) { return e.getClientRects().length > 0; }).map(function (e) {
    var r = e.getBoundingClientRect(), text = e.textContent.replace(/\\s+/g, '');
    return { text: text, chars: Array.from(text).length, lines: lines(e), width: r.width, height: r.height,
             font: parseFloat(getComputedStyle(e).fontSize), clipped: clipped(e, r) };
  });
})";

fn measure(b: &mut cdp::Browser, selector: &str) -> Vec<Value> {
    let v = b.eval(&format!("{MEASURE}({})", serde_json::to_string(selector).unwrap()));
    v.as_array().cloned().unwrap_or_default()
}

/// What the check of one kind of cell requires.
#[derive(Clone, Copy)]
enum Rule {
    /// On one line (names, statuses).
    OneLine,
    /// May wrap, but never narrower than four characters a line (requirement names, topics).
    Wraps,
    /// Only: not cut off (cells of a table).
    Visible,
}

/// Cells to check: (selector, rule, how many at least).
type Check = (&'static str, Rule, usize);

/// Problems of the cells `selector` matches under `rule`; `min` = how many must be there.
fn check(b: &mut cdp::Browser, page: &str, selector: &str, rule: Rule, min: usize) -> Vec<String> {
    let cells = measure(b, selector);
    let mut out = Vec::new();
    if cells.len() < min {
        out.push(format!("{page}: {selector}: {} shown, expected at least {min}", cells.len()));
    }
    for c in &cells {
        let (text, chars, lines) = (c["text"].as_str().unwrap_or(""), c["chars"].as_u64().unwrap_or(0), c["lines"].as_u64().unwrap_or(0));
        let (width, font) = (c["width"].as_f64().unwrap_or(0.0), c["font"].as_f64().unwrap_or(16.0));
        let what = format!("{page}: {selector} “{text}”");
        if let Some(why) = c["clipped"].as_str().filter(|s| !s.is_empty()) {
            out.push(format!("{what}: {why}"));
        }
        if chars >= 2 && lines >= chars {
            out.push(format!("{what}: one character a line ({lines} lines, {width:.0} px wide)"));
        }
        match rule {
            Rule::OneLine if lines > 1 => out.push(format!("{what}: wraps onto {lines} lines ({width:.0} px wide)")),
            Rule::Wraps if lines > 1 && width < 4.0 * font => out.push(format!("{what}: {width:.0} px wide, less than four characters a line")),
            _ => {}
        }
    }
    out
}

/// Targets smaller than `min` px (either side) among `selector`.
fn small_targets(b: &mut cdp::Browser, page: &str, selector: &str, min: f64) -> Vec<String> {
    measure(b, selector)
        .iter()
        .filter(|c| c["height"].as_f64().unwrap_or(0.0) < min - 0.5 || c["width"].as_f64().unwrap_or(0.0) < min - 0.5)
        .map(|c| {
            format!(
                "{page}: tap target {selector} “{}” is {:.0}×{:.0} px, under {min} px",
                c["text"],
                c["width"].as_f64().unwrap_or(0.0),
                c["height"].as_f64().unwrap_or(0.0)
            )
        })
        .collect()
}

fn screenshot(b: &mut cdp::Browser, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = b.call("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true }));
    let data = shot["data"].as_str().expect("screenshot data");
    std::fs::write(dir.join(format!("{name}.png")), base64_decode(data)).unwrap();
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).map(val).collect();
    bytes
        .chunks(4)
        .flat_map(|q| {
            let n = q.iter().enumerate().fold(0u32, |n, (i, &v)| n | (u32::from(v) << (18 - 6 * i)));
            n.to_be_bytes()[1..q.len()].to_vec()
        })
        .collect()
}

#[test]
fn at_360_and_390_px_every_table_reads_without_per_character_wrapping_or_clipping() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let (_tmp, base) = serve_example_as("internal");
    let mut b = cdp::Browser::launch(exe);
    let mut problems = Vec::new();
    for width in [360, 390] {
        b.call("Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": true }));
        problems.extend(phone_problems(&mut b, &base, width));
    }
    assert!(problems.is_empty(), "on phones:\n{}", problems.join("\n"));
}

/// What is wrong with the example's pages on a phone `width` px wide.
fn phone_problems(b: &mut cdp::Browser, base: &str, width: u32) -> Vec<String> {
    let mut problems = Vec::new();
    let cells: [(&str, &[Check]); 6] = [
        ("", &[(".entries .entry-title", Rule::Wraps, 5)]),
        (
            "units/jiguan/dier/",
            &[
                (".compliance-lines tbody th", Rule::Wraps, 8),
                (".compliance-lines td.year .st", Rule::OneLine, 8),
                (".compliance-lines .chip", Rule::OneLine, 20),
            ],
        ),
        (
            "compliance/",
            &[
                (".compliance-units tbody th", Rule::OneLine, 4),
                (".compliance-matrix tbody th a", Rule::OneLine, 4),
                (".compliance-matrix .cell-req .req-name", Rule::Wraps, 20),
                (".compliance-matrix .cell-result .st", Rule::OneLine, 20),
                (".compliance-matrix .cell-result .chip-count", Rule::OneLine, 20),
            ],
        ),
        (
            "units/jiguan/diyi/dues-2024-q3/",
            &[
                (".dues-members tbody th", Rule::OneLine, 9),
                (".dues-members td", Rule::Visible, 63),
                (".dues-brackets tbody th", Rule::OneLine, 4),
                (".dues-brackets td", Rule::Visible, 16),
            ],
        ),
        (
            "units/jiguan/study-plan-2024/",
            &[
                (".study-timetable td.status .st", Rule::OneLine, 10),
                (".study-timetable td.topic", Rule::Wraps, 10),
                (".study-timetable td", Rule::Visible, 50),
            ],
        ),
        ("notices/2024-12-zuzhishenghuohui/", &[(".content td", Rule::Visible, 9), (".notice-title", Rule::Wraps, 1)]),
    ];
    for (page, checks) in cells {
        b.navigate(&format!("{base}{page}"));
        let at = format!("{width} px /{page}");
        for &(selector, rule, min) in checks {
            problems.extend(check(b, &at, selector, rule, min));
        }
        let (scroll, inner) = (b.eval("document.documentElement.scrollWidth"), b.eval("innerWidth"));
        if scroll.as_f64() > inner.as_f64() {
            problems.push(format!("{at}: the page scrolls sideways ({scroll} px wide in {inner} px)"));
        }
        problems.extend(small_targets(b, &at, ".site-nav a", 44.0));
        let secondary = ".breadcrumbs a, .site-footer a, .entries a, .attachments a, .unit-tree a, .downloads a, .prev-next a, .cards a, .tags a, .pagination a, .notice-meta a";
        problems.extend(small_targets(b, &at, secondary, 24.0));
        screenshot(b, &format!("{width}-{}", if page.is_empty() { "home".to_string() } else { page.trim_end_matches('/').replace('/', "-") }));
    }
    // The heat map keeps its natural size (13 px labels) and scrolls instead of shrinking.
    b.navigate(&format!("{base}compliance/"));
    let scale = b.eval("(function (s) { return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })(document.querySelector('svg.heatmap'))");
    if !scale.as_f64().is_some_and(|s| s > 0.99) {
        problems.push(format!("{width} px /compliance/: the heat map is drawn at {scale} of its size: labels shrink below 13 px"));
    }
    // A task list shows its checkboxes without bullets.
    b.navigate(&format!("{base}notices/2024-12-zuzhishenghuohui/"));
    let bullets = b.eval("[].map.call(document.querySelectorAll('.content ul'), function (u) { return [u.querySelectorAll('input[type=checkbox]').length, getComputedStyle(u).listStyleType]; }).filter(function (x) { return x[0] > 0 && x[1] !== 'none'; }).length");
    if bullets != 0 {
        problems.push(format!("{width} px: task lists with bullets beside their checkboxes: {bullets}"));
    }
    problems
}

#[test]
fn the_compliance_summary_at_1280_px_keeps_its_labels_in_place_and_its_colours_legible() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let (_tmp, base) = serve_example_as("internal");
    let mut b = cdp::Browser::launch(exe);
    b.call("Emulation.setDeviceMetricsOverride", json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }));
    b.navigate(&format!("{base}compliance/"));
    screenshot(&mut b, "1280-compliance");
    // One table per kind, the branches' first: three of the four units are branches.
    let groups = b.eval("[].map.call(document.querySelectorAll('.group-title'), function (h) { return h.firstChild.textContent; })");
    assert_eq!(groups, json!(["党支部", "党委"]), "tables by unit kind, most units first");
    // Scrolled right and down inside its box, the unit column and the header row stay.
    let stuck = b.eval(
        "(function (box) { box.style.maxHeight = '170px'; box.scrollLeft = 400; box.scrollTop = 80; var b = box.getBoundingClientRect();
           var unit = box.querySelector('tbody tr:last-child th').getBoundingClientRect(), head = box.querySelector('thead th:nth-child(5)').getBoundingClientRect();
           return { scrolled: [box.scrollLeft, box.scrollTop], unit: Math.round(unit.left - b.left), head: Math.round(head.top - b.top) }; })(document.querySelector('.matrix-scroll'))",
    );
    assert!(stuck["scrolled"][0].as_f64().unwrap_or(0.0) > 100.0, "the branches' table is wider than the page: {stuck}");
    assert!(stuck["unit"].as_i64().is_some_and(|x| x.abs() <= 2), "the unit column stays at the left edge: {stuck}");
    assert!(stuck["head"].as_i64().is_some_and(|y| y.abs() <= 2), "the header row stays at the top: {stuck}");
    // The legend and what “x/y” means are on the page, not in a hidden caption.
    let legend = b.eval("[document.querySelector('.legend-box').offsetHeight > 0, document.querySelector('.legend-box').innerText, document.querySelectorAll('.heat-legend li').length]");
    assert!(legend[0] == true && legend[1].as_str().is_some_and(|t| t.contains("9/11期") && t.contains("3/3次")), "{legend}");
    assert_eq!(legend[2], 6, "every shade of the heat map explained");
    let counts = b.eval("[].map.call(document.querySelectorAll('.compliance-matrix .chip-count'), function (c) { return c.textContent; }).filter(function (t) { return !/^\\d+\\/\\d+期$/.test(t); })");
    assert_eq!(counts, json!([]), "every summary count is written x/y期");
    // Heat map: text ≥ 4.5:1 on its fill (the theme's CSS must not repaint it), and a
    // month with a shortfall is never green.
    let heat = b.eval(
        "(function () {
           function lum(c) { var v = c.match(/\\d+/g).map(function (x) { x = x / 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                             return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
           function rgb(hex) { var n = parseInt(hex.slice(1), 16); return 'rgb(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ')'; }
           var bad = [];
           [].forEach.call(document.querySelectorAll('svg.heatmap g'), function (g) {
             var fill = g.querySelector('rect').getAttribute('fill'), text = g.querySelector('text'), title = g.querySelector('title').textContent;
             var a = lum(rgb(fill)), b = lum(getComputedStyle(text).fill), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
             if (text.textContent && ratio < 4.5) bad.push(title + ': ' + ratio.toFixed(2) + ':1');
             var n = parseInt(fill.slice(1), 16), green = ((n >> 8) & 255) > (n >> 16) && ((n >> 8) & 255) > (n & 255);
             if (/未达标 [1-9]|无记录 [1-9]/.test(title) && green) bad.push(title + ': green with a shortfall');
           });
           return bad; })()",
    );
    assert_eq!(heat, json!([]), "heat map cells");
    let shortfalls = b.eval(
        "[].filter.call(document.querySelectorAll('svg.heatmap g title'), function (t) { return /未达标 [1-9]|无记录 [1-9]/.test(t.textContent); }).length",
    );
    assert!(shortfalls.as_u64().is_some_and(|n| n >= 3), "the example has months with shortfalls (第二党支部 July–September): {shortfalls}");
    // Unit pages write a period's count as 次数/应达到 with the measure.
    b.navigate(&format!("{base}units/jiguan/dier/"));
    let chips = b.eval("[].map.call(document.querySelectorAll('.chip .chip-count'), function (c) { return c.textContent; }).filter(function (t) { return !/^\\d+\\/\\d+(次|人次|篇|个)\\*?$/.test(t); })");
    assert_eq!(chips, json!([]), "every unit-page count is written x/y次");
    screenshot(&mut b, "1280-units-jiguan-dier");
}
