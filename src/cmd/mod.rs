//! One module per subcommand. Each returns an exit code: 0 ok, 1 content errors,
//! 2 usage or IO problems.

pub mod build;
pub mod init;
mod init_site;
pub mod publish;
mod publish_trust;
pub mod report;
mod report_disclosure;
mod report_draft;
pub mod requirements;
pub mod serve;

use crate::cli::{AudienceArg, Common, Format};
use crate::content::date::DateValue;
use crate::content::kind::Audience;
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::BuildOptions;

pub const OK: i32 = 0;
pub const CONTENT_ERRORS: i32 = 1;
pub const USAGE: i32 = 2;

/// The build's options from the command line; a bad date is a usage error (boxed:
/// it is rare, and a `Diagnostic` is large).
pub fn build_options(c: &Common, default_audience: Audience) -> Result<BuildOptions, Box<Diagnostic>> {
    let now = match &c.now {
        None => chrono::Local::now().naive_local(),
        Some(s) => DateValue::parse(s)
            .map(|d| d.datetime())
            .ok_or_else(|| Box::new(Diagnostic::error(format!("--now“{s}”不是日期")).hint(crate::content::date::DATE_HINT)))?,
    };
    let audience = c.audience.map_or(default_audience, AudienceArg::audience);
    let as_of = match &c.as_of {
        None => None,
        Some(s) => Some(
            DateValue::parse(s)
                .map(|d| d.date)
                .ok_or_else(|| Box::new(Diagnostic::error(format!("--as-of“{s}”不是日期")).hint(crate::content::date::DATE_HINT)))?,
        ),
    };
    Ok(BuildOptions { audience, drafts: c.drafts, now, as_of })
}

/// When the site's pages were first published, from the journals of the DESTs its
/// `[publish]` names (none: every page counts from its own date).
pub fn published(root: &std::path::Path) -> crate::domain::catalogue::FirstPublished {
    match crate::pipeline::load_config(root).0 {
        Some(c) => crate::publish::first_published::for_site(root, &c.publish),
        None => Default::default(),
    }
}

/// Prints diagnostics to stderr in the chosen format (JSON goes to stdout).
pub fn report(diags: &Diagnostics, format: Format) {
    match format {
        Format::Json => println!("{}", diags.to_json()),
        Format::Text => {
            eprint!("{}", diags.render_text());
            if diags.has_errors() || diags.warning_count() > 0 {
                eprintln!("共 {} 个错误，{} 个警告。", diags.error_count(), diags.warning_count());
            }
        }
    }
}

/// Errors that name no file (IO, usage, missing site) → 2; content errors → 1.
pub fn exit_code(diags: &Diagnostics) -> i32 {
    if !diags.has_errors() {
        OK
    } else if diags.0.iter().filter(|d| d.is_error()).any(|d| d.file.is_none()) {
        USAGE
    } else {
        CONTENT_ERRORS
    }
}
