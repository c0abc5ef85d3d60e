//! `dwgk build` and `dwgk check`.

use super::{build_options, exit_code, report, USAGE};
use crate::cli::{Common, Format};
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::pipeline::{self, Request, Trust};
use std::path::PathBuf;
use std::time::Instant;

/// `keep_going`: page-level isolation (`pipeline::stage_isolated`, nothing
/// published before: a page with errors is left out); exit code 1 all the same.
pub fn run(common: &Common, format: Format, output: Option<PathBuf>, base_url: Option<String>, write: bool, keep_going: bool) -> i32 {
    let opts = match build_options(common, Audience::Public) {
        Ok(o) => o,
        Err(d) => {
            report(&Diagnostics(vec![*d]), format);
            return USAGE;
        }
    };
    let started = Instant::now();
    let output = write.then(|| output.unwrap_or_else(|| common.root.join("public")));
    if let Some(Err((message, hint))) = output.as_deref().map(|out| crate::io::placement::check_output(&common.root, out)) {
        report(&Diagnostics(vec![crate::diag::Diagnostic::error(message).hint(hint)]), format);
        return USAGE;
    }
    let req = Request {
        root: common.root.clone(),
        output: output.clone(),
        base_url,
        opts,
        published: super::published(&common.root),
        trust: Trust::site(&common.root),
        cache: output.as_deref().map(pipeline::cache_beside),
    };
    let (summary, mut diags, held) = if keep_going {
        let (staged, held) = pipeline::stage_isolated(&req, pipeline::read_input(&req.root, &req.trust), &pipeline::NoHooks, None);
        let (summary, diags) = staged.commit();
        (summary, diags, held)
    } else {
        let (summary, diags) = pipeline::run(&req);
        (summary, diags, Vec::new())
    };
    // Left out, not failed: their problems are reported as errors all the same.
    diags.extend(held.iter().flat_map(|h| h.diags.iter().cloned()));
    diags.sort();
    report(&diags, format);
    let code = exit_code(&diags);
    if format == Format::Text {
        let secs = started.elapsed().as_secs_f64();
        let audience = opts.audience.label();
        match (&output, summary.written) {
            (Some(out), true) => {
                eprintln!(
                    "已生成{audience}：{} 个页面，{} 个栏目，{} 个附件 → {}（用时 {secs:.2} 秒）",
                    summary.pages,
                    summary.sections,
                    summary.attachments,
                    out.display()
                );
                if !held.is_empty() {
                    eprintln!("有错误、未生成的文件（{} 个，--keep-going）：", held.len());
                    for h in &held {
                        eprintln!("  content/{}{}", h.file, if h.folder { "/（整个文件夹）" } else { "" });
                    }
                }
            }
            (Some(out), false) if out.exists() => eprintln!("生成失败：{} 保持原样，未做任何改动。", out.display()),
            (Some(out), false) => eprintln!("生成失败：没有生成任何文件（{} 尚不存在，也没有创建）。", out.display()),
            (None, _) if code == 0 => eprintln!("检查通过（{audience}）：{} 个页面，{} 个栏目，没有错误（用时 {secs:.2} 秒）", summary.pages, summary.sections),
            (None, _) => {}
        }
    }
    code
}
