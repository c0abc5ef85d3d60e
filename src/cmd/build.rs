//! `dwgk build` and `dwgk check`.

use super::{build_options, exit_code, report, USAGE};
use crate::cli::{Common, Format};
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::pipeline::{self, Request, Trust};
use std::path::PathBuf;
use std::time::Instant;

pub fn run(common: &Common, format: Format, output: Option<PathBuf>, base_url: Option<String>, write: bool) -> i32 {
    let opts = match build_options(common, Audience::Public) {
        Ok(o) => o,
        Err(d) => {
            report(&Diagnostics(vec![*d]), format);
            return USAGE;
        }
    };
    let started = Instant::now();
    let output = write.then(|| output.unwrap_or_else(|| common.root.join("public")));
    let req = Request { root: common.root.clone(), output: output.clone(), base_url, opts, trust: Trust::site(&common.root) };
    let (summary, diags) = pipeline::run(&req);
    report(&diags, format);
    let code = exit_code(&diags);
    if format == Format::Text {
        let secs = started.elapsed().as_secs_f64();
        let audience = if opts.audience == Audience::Public { "公开版" } else { "党内版" };
        match (&output, summary.written) {
            (Some(out), true) => eprintln!(
                "已生成{audience}：{} 个页面，{} 个栏目，{} 个附件 → {}（用时 {secs:.2} 秒）",
                summary.pages,
                summary.sections,
                summary.attachments,
                out.display()
            ),
            (Some(out), false) => eprintln!("生成失败：{} 保持原样，未做任何改动。", out.display()),
            (None, _) if code == 0 => eprintln!("检查通过（{audience}）：{} 个页面，{} 个栏目，没有错误（用时 {secs:.2} 秒）", summary.pages, summary.sections),
            (None, _) => {}
        }
    }
    code
}
