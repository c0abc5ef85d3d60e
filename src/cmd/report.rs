//! `dwgk report`: the compliance numbers in the terminal or as files, for the
//! admin and for scripts.

use super::{build_options, report as print_diags, USAGE};
use crate::cli::{Common, ReportFormat};
use crate::content::kind::Audience;
use crate::diag::{escape_controls, json_safe, Diagnostic, Diagnostics};
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
    /// Timeliness of the disclosure catalogue instead of the requirements.
    pub disclosures: bool,
    /// A report draft (`情况报告`) of `unit`.
    pub draft: Option<String>,
}

pub fn run(common: &Common, args: Args) -> i32 {
    let opts = match build_options(common, Audience::Internal) {
        Ok(o) => o,
        Err(d) => {
            print_diags(&Diagnostics(vec![*d]), crate::cli::Format::Text);
            return USAGE;
        }
    };
    let req = Request {
        root: common.root.clone(),
        output: None,
        base_url: None,
        opts,
        published: super::published(&common.root),
        trust: Trust::site(&common.root),
        cache: None,
    };
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
        Some(written) => match find_unit(c, written) {
            Ok(u) => c.units.shown_order().into_iter().filter(|x| c.units.subtree(u).contains(x)).collect(),
            Err(d) => {
                print_diags(&Diagnostics(vec![*d]), crate::cli::Format::Text);
                return USAGE;
            }
        },
    };
    let year = args.year.unwrap_or(c.year);
    let report = if year == c.report.year { c.report.clone() } else { c.report_for(year) };
    let outcome = match (&args.draft, args.disclosures) {
        (Some(kind), _) => super::report_draft::bytes(&site, c, &report, kind, args.unit.as_deref(), args.format),
        (None, true) => super::report_disclosure::bytes(&site, c, year, args.format, &units),
        (None, false) => Ok(Vec::new()),
    };
    let bytes: Vec<u8> = match (outcome, args.format) {
        (Err(message), _) => {
            eprintln!("错误: {message}");
            return USAGE;
        }
        (Ok(b), ReportFormat::Table) if args.draft.is_some() || args.disclosures => terminal_text(&String::from_utf8_lossy(&b)).into_bytes(),
        (Ok(b), ReportFormat::Json) if args.draft.is_some() || args.disclosures => json_safe(String::from_utf8_lossy(&b).into_owned()).into_bytes(),
        (Ok(b), _) if args.draft.is_some() || args.disclosures => b,
        (Ok(_), ReportFormat::Docx) => {
            eprintln!("错误: docx 只用于报告草稿：dwgk report --draft 情况报告 --unit 单位编号 --format docx --output 情况报告.docx");
            return USAGE;
        }
        (Ok(_), ReportFormat::Table) => {
            let mut text = table(&site, c, &report, &units);
            if let Some(t) = c.timeliness_for(year, &site.config.compliance.calendar) {
                text.push_str(&super::report_disclosure::table(&site, c, &t, &units));
            }
            terminal_text(&text).into_bytes()
        }
        (Ok(_), ReportFormat::Json) => json_safe(out::to_json(&site, c, &report, &units, true)).into_bytes(),
        (Ok(_), ReportFormat::Csv) => out::to_csv(&site, c, &report, &units).into_bytes(),
        (Ok(_), ReportFormat::Xlsx) => match out::to_xlsx(&site, c, &[year], year, &units) {
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
        (None, ReportFormat::Docx) => {
            eprintln!("错误: docx 是二进制文件，请用 --output 指定文件名，例如 --output 情况报告.docx");
            return USAGE;
        }
        (None, _) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&bytes);
        }
    }
    0
}

/// The unit `written` names: its id (the folder name) or its title (第四党支部).
fn find_unit(c: &Compliance, written: &str) -> Result<usize, Box<Diagnostic>> {
    let written = written.trim();
    if let Some(u) = c.units.find_shown(written) {
        return Ok(u);
    }
    let shown = c.units.shown_order();
    let named: Vec<usize> = shown.iter().copied().filter(|&u| c.units.list[u].title.trim() == written).collect();
    let label = |u: usize| {
        let unit = &c.units.list[u];
        match unit.parent {
            Some(p) => format!("{}（{} / {}）", unit.id, c.units.list[p].title, unit.title),
            None => format!("{}（{}）", unit.id, unit.title),
        }
    };
    match named.as_slice() {
        [u] => Ok(*u),
        [] => {
            // A Chinese name one character off is another unit (第四 is not 第一): list them.
            let ids = shown.iter().map(|&u| c.units.list[u].id.as_str());
            let hint = match crate::diag::did_you_mean(written, ids).filter(|_| written.is_ascii()) {
                Some(s) => format!("是不是“{s}”？"),
                None => format!("现有单位：{}", shown.iter().take(30).map(|&u| label(u)).collect::<Vec<_>>().join("、")),
            };
            Err(Box::new(Diagnostic::error(format!("没有编号或名称为“{written}”的单位")).hint(hint)))
        }
        several => Err(Box::new(
            Diagnostic::error(format!("有 {} 个单位都叫“{written}”", several.len()))
                .hint(format!("用单位编号（文件夹名）指定其中一个：{}", several.iter().map(|&u| label(u)).collect::<Vec<_>>().join("、"))),
        )),
    }
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
    let _ =
        writeln!(s, "{}年达标情况（截至 {}）  ✓达标 ✗未达标 …进行中 ○无记录 —不适用（单位尚未成立或已撤销）\n", report.year, report.as_of.format("%Y-%m-%d"));
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

/// Unit titles and folder names come from the share: no raw control characters on a terminal.
fn terminal_text(text: &str) -> String {
    text.split('\n').map(escape_controls).collect::<Vec<_>>().join("\n")
}
