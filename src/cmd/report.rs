//! `dwgk report`: the compliance numbers in the terminal or as files, for the
//! admin and for scripts.

use super::{build_options, report as print_diags, USAGE};
use crate::cli::{Common, ReportFormat};
use crate::content::kind::Audience;
use crate::diag::{Diagnostic, Diagnostics};
use crate::domain::compliance::Report;
use crate::pipeline::{self, Request, Trust};
use crate::render::compliance as out;
use crate::site::records::Compliance;
use std::fmt::Write as _;
use std::path::PathBuf;
use unicode_width::UnicodeWidthStr;

pub struct Args {
    pub year: Option<i32>,
    pub unit: Option<String>,
    pub format: ReportFormat,
    pub output: Option<PathBuf>,
}

pub fn run(common: &Common, args: Args) -> i32 {
    let opts = match build_options(common, Audience::Internal) {
        Ok(o) => o,
        Err(d) => {
            print_diags(&Diagnostics(vec![*d]), crate::cli::Format::Text);
            return USAGE;
        }
    };
    let req = Request { root: common.root.clone(), output: None, base_url: None, opts, trust: Trust::site(&common.root) };
    let (site, mut diags) = pipeline::load_site(&req, false);
    diags.sort();
    let Some(site) = site.filter(|_| !diags.has_errors()) else {
        print_diags(&diags, crate::cli::Format::Text);
        eprintln!("内容有错误，无法统计：请先按上面的提示修改。");
        return super::exit_code(&diags).max(1);
    };
    let c = site.compliance.as_ref().expect("computed by load_site");
    let units = match &args.unit {
        None => c.units.shown_order(),
        Some(id) => match c.units.find_shown(id) {
            Some(u) => c.units.shown_order().into_iter().filter(|x| c.units.subtree(u).contains(x)).collect(),
            None => {
                let shown: Vec<&crate::domain::unit::Unit> = c.units.shown_order().into_iter().map(|u| &c.units.list[u]).collect();
                let hint = match crate::diag::did_you_mean(id, shown.iter().map(|u| u.id.as_str())) {
                    Some(s) => format!("是不是“{s}”？"),
                    None => format!("现有单位：{}", shown.iter().map(|u| format!("{}（{}）", u.id, u.title)).collect::<Vec<_>>().join("、")),
                };
                print_diags(&Diagnostics(vec![Diagnostic::error(format!("没有编号为“{id}”的单位")).hint(hint)]), crate::cli::Format::Text);
                return USAGE;
            }
        },
    };
    let year = args.year.unwrap_or(c.year);
    let report = if year == c.report.year { c.report.clone() } else { c.report_for(year) };
    let bytes: Vec<u8> = match args.format {
        ReportFormat::Table => table(&site, c, &report, &units).into_bytes(),
        ReportFormat::Json => out::to_json(&site, c, &report, &units, true).into_bytes(),
        ReportFormat::Csv => out::to_csv(&site, c, &report, &units).into_bytes(),
        ReportFormat::Xlsx => match out::to_xlsx(&site, c, &[year], year, &units) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("错误: {e}");
                return USAGE;
            }
        },
    };
    match (&args.output, args.format) {
        (Some(path), _) => {
            if let Err(e) = std::fs::write(path, &bytes) {
                eprintln!("错误: 无法写入 {}：{e}", path.display());
                return USAGE;
            }
            eprintln!("已写入 {}", path.display());
        }
        (None, ReportFormat::Xlsx) => {
            eprintln!("错误: xlsx 是二进制文件，请用 --output 指定文件名，例如 --output 达标情况.xlsx");
            return USAGE;
        }
        (None, _) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&bytes);
        }
    }
    0
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

fn rate(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

/// A readable terminal table: one block per unit, one line per requirement (the
/// units this audience may see, as in the downloads).
fn table(site: &crate::site::Site, c: &Compliance, report: &Report, units: &[usize]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}年达标情况（截至 {}）  ✓达标 ✗未达标 …进行中 ○无记录\n", report.year, report.as_of.format("%Y-%m-%d"));
    for &u in units {
        let r = &report.units[u];
        let unit = &c.units.list[u];
        let indent = "  ".repeat(c.units.depth(u));
        let _ = writeln!(
            s,
            "{indent}{}（{}，{}）  本单位 {}  含下级 {}  [达标 {} 未达标 {} 无记录 {} 进行中 {}]",
            out::unit_title(site, c, u),
            unit.id,
            unit.kind.as_deref().unwrap_or("单位"),
            rate(r.tally.rate()),
            rate(r.rollup.rate()),
            r.tally.met,
            r.tally.short,
            r.tally.missing,
            r.tally.pending
        );
        let name_w = r.lines.iter().map(|l| l.req.name.width()).max().unwrap_or(0);
        for l in &r.lines {
            let rule = format!("{}≥{}{}", l.req.per.name(), l.req.min, l.req.measure);
            let cells: Vec<String> = l.cells.iter().map(|cell| format!("{}{}", cell.period.label(), out::symbol(cell.status))).collect();
            let _ = writeln!(s, "{indent}  {}  {}  {}", pad(&l.req.name, name_w), pad(&rule, 16), cells.join(" "));
        }
        if r.lines.is_empty() {
            let _ = writeln!(s, "{indent}  （没有适用的要求）");
        }
        s.push('\n');
    }
    s
}
