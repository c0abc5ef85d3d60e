//! clap's usage errors in Chinese: what is wrong with the command line, a hint,
//! the usage line and where to read more. Flag and command names stay as typed.

use crate::content::vocabulary::is_cjk;
use clap::error::{ContextKind, ContextValue, ErrorKind};

fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) if !v.is_empty() => Some(v.join("”“")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn list(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::Strings(v) if !v.is_empty() => Some(v.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、")),
        ContextValue::String(s) => Some(format!("“{s}”")),
        _ => None,
    }
}

/// A value parser's own reason, when it is ours (Chinese); std's reasons are English.
fn reason(e: &clap::Error) -> Option<String> {
    let source = std::error::Error::source(e)?.to_string();
    source.chars().any(is_cjk).then_some(source)
}

/// The whole message for a usage error; `None` for help and version output,
/// which clap prints as it is.
pub fn usage_error(e: &clap::Error) -> Option<String> {
    let arg = text(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = text(e, ContextKind::InvalidValue).unwrap_or_default();
    let (message, mut hint) = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => (format!("不认识的参数“{arg}”"), None),
        ErrorKind::InvalidSubcommand => (format!("没有“{}”这个命令", text(e, ContextKind::InvalidSubcommand).unwrap_or_default()), None),
        ErrorKind::InvalidValue if value.is_empty() => (format!("参数 {arg} 后面缺少值"), None),
        ErrorKind::InvalidValue => (format!("参数 {arg} 的值“{value}”无效"), list(e, ContextKind::ValidValue).map(|v| format!("可用的值：{v}"))),
        ErrorKind::ValueValidation => (format!("参数 {arg} 的值“{value}”无效"), reason(e)),
        ErrorKind::NoEquals => (format!("参数 {arg} 的值要用等号连接，例如 {arg}=值"), None),
        ErrorKind::TooManyValues => (format!("参数 {arg} 的值太多：“{value}”"), None),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => (format!("参数 {arg} 的值个数不对"), None),
        ErrorKind::ArgumentConflict => {
            let prior = text(e, ContextKind::PriorArg).unwrap_or_default();
            (format!("参数 {arg} 不能和 {prior} 一起使用"), None)
        }
        ErrorKind::MissingRequiredArgument => (format!("缺少必需的参数：{}", list(e, ContextKind::InvalidArg).unwrap_or_default()), None),
        ErrorKind::MissingSubcommand => ("缺少命令".to_string(), list(e, ContextKind::ValidSubcommand).map(|v| format!("可用的命令：{v}"))),
        ErrorKind::InvalidUtf8 => ("参数中有无法识别的字符（不是 UTF-8）".to_string(), None),
        _ => ("命令行有误".to_string(), None),
    };
    let suggested = text(e, ContextKind::SuggestedArg).or_else(|| text(e, ContextKind::SuggestedSubcommand)).or_else(|| text(e, ContextKind::SuggestedValue));
    if let Some(s) = suggested {
        hint = Some(format!("是不是想写“{s}”？"));
    }
    if hint.is_none() && matches!(e.kind(), ErrorKind::UnknownArgument) && arg.starts_with('-') {
        hint = Some(format!("如果“{arg}”是一个值而不是参数，请写在 -- 之后：-- {arg}"));
    }
    let usage = text(e, ContextKind::Usage).map(|u| u.trim().trim_start_matches("Usage:").trim_start_matches("用法：").trim().to_string());
    let mut out = format!("错误：{message}\n");
    if let Some(h) = hint {
        out.push_str(&format!("  提示：{h}\n"));
    }
    if let Some(u) = &usage {
        out.push_str(&format!("\n用法：{u}\n"));
    }
    // The command's words come before its first flag or placeholder: `dwgk build`.
    let command: Vec<&str> = usage.as_deref().unwrap_or("dwgk").split_whitespace().take_while(|w| !w.starts_with(['-', '[', '<'])).collect();
    let command = if command.is_empty() { "dwgk".to_string() } else { command.join(" ") };
    out.push_str(&format!("\n运行 {command} --help 查看说明。\n"));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(args: &[&str]) -> String {
        let e = crate::cli::command().try_get_matches_from(args).unwrap_err();
        usage_error(&e).expect("a usage error")
    }

    #[test]
    fn usage_errors_are_chinese_with_the_flags_as_typed() {
        let unknown = error_of(&["dwgk", "build", "--fromat", "json"]);
        assert!(unknown.starts_with("错误：不认识的参数“--fromat”"), "{unknown}");
        assert!(unknown.contains("是不是想写“--format”"), "{unknown}");
        assert!(unknown.contains("用法：dwgk build") && unknown.contains("运行 dwgk build --help 查看说明"), "{unknown}");
        let value = error_of(&["dwgk", "build", "--format", "xml"]);
        assert!(value.contains("参数 --format <格式> 的值“xml”无效") && value.contains("可用的值：“text”、“json”"), "{value}");
        let command = error_of(&["dwgk", "biuld"]);
        assert!(command.contains("没有“biuld”这个命令") && command.contains("是不是想写“build”"), "{command}");
        let number = error_of(&["dwgk", "serve", "--port", "八零"]);
        assert!(number.contains("参数 --port <端口> 的值“八零”无效"), "{number}");
        for e in [unknown, value, command, number] {
            assert!(!e.contains("error:") && !e.contains("Usage:") && !e.contains("For more information") && !e.contains("tip:"), "{e}");
        }
    }

    /// Every help text is Chinese: no clap defaults, possible values, English
    /// placeholders or `[OPTIONS]` (command and flag names stay as typed).
    #[test]
    fn help_is_chinese_throughout() {
        fn walk(cmd: &mut clap::Command, out: &mut Vec<String>) {
            out.push(cmd.render_help().to_string());
            for sub in cmd.get_subcommands_mut() {
                walk(sub, out);
            }
        }
        let mut helps = Vec::new();
        walk(&mut crate::cli::command(), &mut helps);
        assert!(helps.len() > 10);
        for help in helps {
            for english in
                ["[default", "possible values", "[OPTIONS]", "Usage", "<ROOT>", "<FORMAT>", "<COMMAND>", "Print this message", "Options:", "Commands:"]
            {
                assert!(!help.contains(english), "{english} in:\n{help}");
            }
            assert!(help.contains("用法：dwgk"), "{help}");
        }
    }

    #[test]
    fn help_and_version_are_not_errors() {
        let e = crate::cli::command().try_get_matches_from(["dwgk", "--help"]).unwrap_err();
        assert!(usage_error(&e).is_none());
    }
}
