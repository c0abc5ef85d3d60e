//! The summary page's inline SVG charts: the unit × month heat map and the roll-up
//! bars, with the shades both share (and the heat map's legend as data). A shortfall
//! is never green, and every label keeps 4.5:1 contrast on its fill.

use super::compliance::unit_title;
use crate::domain::compliance::{Report, Tally, UnitReport};
use crate::site::records::Compliance;
use crate::site::Site;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// How a share of met periods is drawn. Green only when nothing fell short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    /// Every judged period met.
    AllMet,
    /// Some short or missing, at least 80 % met.
    MostlyMet,
    /// Some short or missing, at least half met.
    HalfMet,
    /// Less than half met.
    Low,
    /// Nothing judged yet, something running.
    Pending,
    /// No requirement covers the month (or it has not started).
    Nothing,
}

impl Shade {
    pub const ALL: [Shade; 6] = [Shade::AllMet, Shade::MostlyMet, Shade::HalfMet, Shade::Low, Shade::Pending, Shade::Nothing];

    /// The shade of a tally; `any` = some cell covers the period at all.
    pub fn of(t: &Tally, any: bool) -> Shade {
        match t.rate() {
            _ if !any => Shade::Nothing,
            None => Shade::Pending,
            Some(_) if t.short + t.missing == 0 => Shade::AllMet,
            Some(r) if r >= 0.8 => Shade::MostlyMet,
            Some(r) if r >= 0.5 => Shade::HalfMet,
            Some(_) => Shade::Low,
        }
    }

    /// Fill and the text colour on it (white on the dark green, 5.1:1; near-black
    /// on the others, at least 6:1).
    pub fn colours(self) -> (&'static str, &'static str) {
        match self {
            Shade::AllMet => ("#2e7d32", "#ffffff"),
            Shade::MostlyMet => ("#ffd54f", "#1a1a1a"),
            Shade::HalfMet => ("#ffab40", "#1a1a1a"),
            Shade::Low => ("#ef9a9a", "#1a1a1a"),
            Shade::Pending => ("#fff3c4", "#1a1a1a"),
            Shade::Nothing => ("#e0e0e0", "#1a1a1a"),
        }
    }

    fn legend_label(self) -> &'static str {
        match self {
            Shade::AllMet => "全部达标",
            Shade::MostlyMet => "有未达标，达标八成以上",
            Shade::HalfMet => "有未达标，达标五成以上",
            Shade::Low => "达标不足五成",
            Shade::Pending => "进行中（…）",
            Shade::Nothing => "无要求、尚未开始或单位未成立",
        }
    }
}

/// The heat map's legend: `[{fill, color, label}]` in the order of `Shade::ALL`.
pub fn heatmap_legend() -> Value {
    Value::Array(
        Shade::ALL
            .iter()
            .map(|s| {
                let (fill, color) = s.colours();
                json!({ "shade": format!("{s:?}").to_lowercase(), "fill": fill, "color": color, "label": s.legend_label() })
            })
            .collect(),
    )
}

/// Tally per month (1–12) over the unit's own cells covering that month; `any` =
/// some cell covers it. Months that start after `as_of` have nothing to show yet.
pub(super) fn months(r: &UnitReport, report: &Report) -> Vec<(u32, Tally, bool)> {
    (1..=12)
        .map(|m| {
            let started = chrono::NaiveDate::from_ymd_opt(report.year, m, 1).is_some_and(|d| d <= report.as_of);
            let mut t = Tally::default();
            let mut any = false;
            if started {
                for l in &r.lines {
                    let covering = |c: &&crate::domain::compliance::Cell| c.period.first <= m && m < c.period.first + c.period.per.months();
                    for c in l.cells.iter().filter(covering).filter(|c| c.status != crate::domain::compliance::Status::Na) {
                        any = true;
                        t.add(c.status);
                    }
                }
            }
            (m, t, any)
        })
        .collect()
}

fn esc(s: &str) -> String {
    crate::content::sanitize::escape_attr(s)
}

fn pct_text(t: &Tally) -> String {
    t.rate().map_or_else(|| "尚无可评定的时段".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// Width of the label column: the longest indented title at 13 px a character.
fn label_width(site: &Site, c: &Compliance, order: &[usize]) -> usize {
    let widest = order.iter().map(|&u| 8 + 12 * c.units.depth(u) + 13 * unit_title(site, c, u).chars().count()).max().unwrap_or(0);
    widest.clamp(120, 320)
}

/// Unit × month heat map: each cell is the share of met periods covering the month,
/// drawn at its natural size (a phone scrolls it rather than shrinking the labels).
pub fn heatmap_svg(site: &Site, c: &Compliance, order: &[usize]) -> String {
    let (cell_w, cell_h, top) = (44, 30, 28);
    let label_w = label_width(site, c, order);
    let width = label_w + cell_w * 12 + 4;
    let height = top + cell_h * order.len() + 4;
    let year = c.report.year;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart heatmap\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"hm-title hm-desc\"><title id=\"hm-title\">{year}年各单位逐月达标情况热力图</title><desc id=\"hm-desc\">每一格为该单位当月涉及的各项要求中达标时段的百分比；深绿为全部达标，有未达标时按达标比例为浅黄、橙色或红色，淡黄为进行中，灰色为尚未开始、没有要求或单位尚未成立（已撤销）。具体情况见上方表格。</desc>"
    );
    for m in 1..=12 {
        let x = label_w + cell_w * (m - 1) + cell_w / 2;
        let _ = write!(s, "<text x=\"{x}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1a1a1a\">{m}月</text>");
    }
    for (row, &u) in order.iter().enumerate() {
        let y = top + row * cell_h;
        let indent = 4 + 12 * c.units.depth(u);
        let title = esc(&unit_title(site, c, u));
        let _ = write!(s, "<text x=\"{indent}\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{title}</text>", y + 20);
        for (m, t, any) in months(&c.report.units[u], &c.report) {
            let shade = Shade::of(&t, any);
            let (fill, ink) = shade.colours();
            let label = match (shade, t.rate()) {
                (Shade::Nothing, _) => String::new(),
                (_, None) => "…".to_string(),
                (_, Some(r)) => format!("{:.0}", r * 100.0),
            };
            let title_text = match shade {
                Shade::Nothing => "无可评定的要求（尚未开始、没有要求或单位尚未成立）".to_string(),
                Shade::Pending => "进行中".to_string(),
                _ => format!("达标 {}%（达标 {}、未达标 {}、无记录 {}）", label, t.met, t.short, t.missing),
            };
            let x = label_w + cell_w * (m as usize - 1);
            let _ = write!(
                s,
                "<g><title>{title}：{m}月 {title_text}</title><rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#ffffff\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{ink}\">{label}</text></g>",
                cell_w - 2,
                cell_h - 2,
                x + cell_w / 2 - 1,
                y + 19,
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars: each unit's rolled-up rate (itself and all units below it),
/// shaded like the heat map.
pub fn bars_svg(site: &Site, c: &Compliance, order: &[usize]) -> String {
    let (bar_w, row_h, top) = (360, 28, 8);
    let label_w = label_width(site, c, order);
    let width = label_w + bar_w + 70;
    let height = top + row_h * order.len() + 8;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"bar-title bar-desc\"><title id=\"bar-title\">{}年各单位达标率（含下级单位）</title><desc id=\"bar-desc\">",
        c.report.year
    );
    for &u in order {
        let _ = write!(s, "{}：{}；", esc(&unit_title(site, c, u)), pct_text(&c.report.units[u].rollup));
    }
    s.push_str("</desc>");
    for (row, &u) in order.iter().enumerate() {
        let y = top + row * row_h;
        let t = &c.report.units[u].rollup;
        let indent = 4 + 12 * c.units.depth(u);
        let _ = write!(s, "<text x=\"{indent}\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{}</text>", y + 18, esc(&unit_title(site, c, u)));
        let _ = write!(s, "<rect x=\"{label_w}\" y=\"{}\" width=\"{bar_w}\" height=\"18\" fill=\"#f1ede4\"/>", y + 4);
        if let Some(r) = t.rate() {
            let (fill, _) = Shade::of(t, true).colours();
            let _ = write!(
                s,
                "<rect x=\"{label_w}\" y=\"{}\" width=\"{:.1}\" height=\"18\" fill=\"{fill}\" stroke=\"#555\" stroke-width=\"0.5\"/>",
                y + 4,
                r * bar_w as f64
            );
        }
        let shown = t.rate().map_or("—".to_string(), |r| format!("{:.1}%", r * 100.0));
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{shown}</text>", label_w + bar_w + 6, y + 18);
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(met: u32, short: u32, pending: u32, missing: u32) -> Tally {
        Tally { met, short, pending, missing }
    }

    #[test]
    fn months_after_as_of_show_nothing() {
        use crate::domain::compliance::{Cell, Line, Status};
        use crate::domain::period::{Per, Period};
        use crate::domain::requirement::{test_requirement, Origin};
        let req = test_requirement("dk", "党课", Per::Year, 1);
        let cell = Cell { period: Period::year(2024), count: 1, target: 1, status: Status::Met, from_coarser: false };
        let line = Line { req, origin: Origin::Config, cells: vec![cell], tally: Tally::default() };
        let unit = UnitReport { unit: 0, lines: vec![line], na: vec![], tally: Tally::default(), rollup: Tally::default() };
        let report = Report { year: 2024, as_of: chrono::NaiveDate::from_ymd_opt(2024, 11, 20).unwrap(), units: vec![], ignored: vec![] };
        let m = months(&unit, &report);
        assert_eq!(m[10], (11, t(1, 0, 0, 0), true), "November has started: the yearly cell counts");
        assert_eq!(m[11], (12, Tally::default(), false), "December has not started");
    }

    #[test]
    fn a_shortfall_is_never_green() {
        // The case: 支委会 missed in three months of a branch's twelve lines.
        assert_eq!(Shade::of(&t(5, 1, 0, 0), true), Shade::MostlyMet);
        assert_eq!(Shade::of(&t(99, 0, 0, 1), true), Shade::MostlyMet, "99 % with one missing is not green");
        assert_eq!(Shade::of(&t(12, 0, 3, 0), true), Shade::AllMet, "running periods do not spoil a clean record");
        assert_eq!(Shade::of(&t(1, 1, 0, 0), true), Shade::HalfMet);
        assert_eq!(Shade::of(&t(1, 2, 0, 1), true), Shade::Low);
        assert_eq!(Shade::of(&t(0, 0, 2, 0), true), Shade::Pending);
        assert_eq!(Shade::of(&t(0, 0, 0, 0), false), Shade::Nothing);
        for s in Shade::ALL.into_iter().filter(|s| *s != Shade::AllMet) {
            let rgb = u32::from_str_radix(&s.colours().0[1..], 16).unwrap();
            let (r, g, b) = (rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff);
            assert!(!(g > r && g > b), "{s:?} must not be green: {}", s.colours().0);
        }
    }

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        let ch = |shift: u32| {
            let c = f64::from((v >> shift) & 0xff) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
    }

    #[test]
    fn every_label_has_4_5_to_1_contrast_on_its_fill() {
        for s in Shade::ALL {
            let (fill, ink) = s.colours();
            let (a, b) = (luminance(fill), luminance(ink));
            let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            assert!(ratio >= 4.5, "{s:?}: {ink} on {fill} is {ratio:.2}:1");
        }
    }
}
