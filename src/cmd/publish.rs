//! `dwgk publish` (once or as a daemon), `dwgk releases`, `dwgk rollback`: the
//! command-line side of `publish/` — settings from `[publish]` and flags (one
//! portal, or the public and the internal one with `internal_dest`), the locks,
//! exit codes and human-readable messages.

use super::{exit_code, report, CONTENT_ERRORS, OK, USAGE};
use crate::cli::{AudienceArg, Format, PublishArgs};
use crate::config;
use crate::content::cron::{Cron, CRON_HINT};
use crate::content::kind::Audience;
use crate::diag::{escape_controls, Diagnostics};
use crate::io::{placement, scan};
use crate::pipeline::Trust;
use crate::publish::daemon::{self, Timing};
use crate::publish::drop_guard;
use crate::publish::log::log;
use crate::publish::portals::{self, Portal};
use crate::publish::release::{self, Attempt, Result as Outcome, Settings};
use crate::publish::schedule::Trigger;
use crate::publish::store::{Lock, LockError, Store};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn usage(message: &str, hint: &str) -> i32 {
    eprintln!("错误: {}", crate::diag::escape_controls(message));
    if !hint.is_empty() {
        eprintln!("  = 提示: {hint}");
    }
    USAGE
}

pub fn run(args: &PublishArgs) -> i32 {
    // The portal's own settings are the admin's (publish_trust): flags, --config,
    // or ./config.toml of the admin's own site; the share may set the rest.
    let resolved = match super::publish_trust::resolve(args.source.as_deref(), args.config.as_deref()) {
        Ok(r) => r,
        Err((message, hint)) => return usage(&message, &hint),
    };
    for (key, value) in &resolved.ignored {
        log(
            "warn",
            "ignored_setting",
            &[("key", format!("publish.{key}")), ("value", value.clone())],
            &format!(
                "共享文件夹的 config.toml 中 [publish] {key} = {} 已忽略：发布目录、读者范围、删除保护和保留版本数只能由管理员在命令行或 --config 文件中指定",
                escape_controls(value)
            ),
        );
    }
    let (source, publish) = (resolved.source, resolved.publish);
    let Some(dest) = args.dest.clone().or_else(|| publish.dest.clone().map(PathBuf::from)) else {
        return usage("没有指定发布目录", "用 --dest /srv/dwgk 指定，或在 config.toml 的 [publish] 里写 dest = \"/srv/dwgk\"");
    };
    let internal_dest = args.internal_dest.clone().or_else(|| publish.internal_dest.clone().map(PathBuf::from));
    let committee_dest = args.committee_dest.clone().or_else(|| publish.committee_dest.clone().map(PathBuf::from));
    let cron = match &args.schedule {
        Some(s) => match Cron::parse(s) {
            Ok(c) => Some(c),
            Err(e) => return usage(&format!("--schedule：{e}"), CRON_HINT),
        },
        None => publish.schedule.clone(),
    };
    if args.keep == Some(0) {
        return usage("--keep 至少为 1", "保留的版本数，例如 --keep 10");
    }
    if args.max_drop_percent.is_some_and(|p| p > 100) {
        return usage("--max-drop-percent 应在 0 到 100 之间", "例如 --max-drop-percent 20");
    }
    if args.poll_seconds == Some(0) {
        return usage("--poll-seconds 至少为 1", "例如 --poll-seconds 10");
    }
    for (flag, u) in [("--internal-base-url", &args.internal_base_url), ("--committee-base-url", &args.committee_base_url)] {
        if let Some(u) = u.as_deref().filter(|u| config::normalize_base_url(u).is_none()) {
            return usage(&format!("{flag}“{u}”不是完整网址"), "写成 http:// 或 https:// 开头的网址，例如 http://neibu.intranet/");
        }
    }
    let audience = args.audience.map_or(publish.audience.unwrap_or(Audience::Public), AudienceArg::audience);
    if (internal_dest.is_some() || committee_dest.is_some()) && !audience.is_public() {
        return usage(
            &format!(
                "写了党内版或委员会版的发布目录（--internal-dest、--committee-dest 或 [publish] 中的 internal_dest、committee_dest）时，--dest 是公开版的发布目录，不能再指定 --audience {}",
                audience.id()
            ),
            "同时发布几个网站：去掉 --audience；只发布一个网站：去掉 internal_dest 和 committee_dest，用 --dest 和 --audience",
        );
    }
    let zone = match crate::publish::zone::load(&publish.timezone) {
        Ok(z) => z,
        Err(e) => return usage(&format!("[publish] timezone：{e}"), "写 IANA 时区名称，例如 timezone = \"Asia/Shanghai\"（默认），或固定时差 \"UTC+8\""),
    };
    let source = source.canonicalize().unwrap_or(source);
    let both = internal_dest.is_some() || committee_dest.is_some();
    let security =
        config::Security { allow_read: args.allow_read.iter().map(|p| p.to_string_lossy().into_owned()).collect(), allow_env: args.allow_env.clone() };
    let code = args.code.as_ref().map(|c| c.canonicalize().unwrap_or_else(|_| c.clone()));
    if let Some(c) = code.as_ref().filter(|c| !c.is_dir()) {
        return usage(&format!("--code 指定的网站代码文件夹不存在：{}", c.display()), "写管理员维护的文件夹，里面放 templates/、themes/、static/");
    }
    let trust = Trust { code, security: Some(security), quarantine: Default::default() };
    let settings = |dest: &Path, audience: Audience, base_url: Option<String>| Settings {
        source: source.clone(),
        dest: dest.to_path_buf(),
        audience,
        base_url,
        keep: args.keep.unwrap_or(publish.keep),
        max_drop_percent: args.max_drop_percent.unwrap_or(publish.max_drop_percent),
        force: args.force,
        progress: !args.watch,
        name_audience: both,
        strict: args.strict || publish.strict,
        zone: zone.clone(),
        share_report: publish.share_report,
        trust: trust.clone(),
    };
    for d in std::iter::once(&dest).chain(&internal_dest).chain(&committee_dest) {
        if let Err((message, hint)) = placement::check_dest(&source, d) {
            return usage(&message, &hint);
        }
    }
    let mut targets = vec![settings(&dest, audience, args.base_url.clone())];
    let internal_base_url = args.internal_base_url.clone().or_else(|| publish.internal_base_url.clone()).or_else(|| args.base_url.clone());
    if let Some(internal) = &internal_dest {
        targets.push(settings(internal, Audience::Internal, internal_base_url.clone()));
    }
    if let Some(committee) = &committee_dest {
        let base_url = args.committee_base_url.clone().or_else(|| publish.committee_base_url.clone()).or(internal_base_url);
        targets.push(settings(committee, Audience::Committee, base_url));
    }
    for (i, a) in targets.iter().enumerate() {
        if let Some(b) = targets[i + 1..].iter().find(|b| placement::overlap(&a.dest, &b.dest)) {
            return usage(
                &format!(
                    "{}和{}的发布目录不能相同，也不能一个在另一个里面：{} 和 {}",
                    a.audience.label(),
                    b.audience.label(),
                    a.dest.display(),
                    b.dest.display()
                ),
                "用并列的目录，例如 --dest /srv/dwgk/public --internal-dest /srv/dwgk/internal --committee-dest /srv/dwgk/committee",
            );
        }
    }
    let mut portals = Vec::new();
    let mut _locks = Vec::new();
    for mut settings in targets {
        match open_portal(&settings.dest) {
            Ok((store, lock)) => {
                if let (false, Err(e)) = (settings.strict, crate::publish::kept::ensure(&store)) {
                    log(
                        "warn",
                        "sources",
                        &[("dir", crate::publish::kept::root(&store).display().to_string())],
                        &format!("无法创建保存各版本源文件的文件夹（{e}）：本发布目录改为全有或全无（strict），有错误时整个网站不更新；请让发布用户能写发布目录的上一级文件夹"),
                    );
                    settings.strict = true;
                }
                portals.push(Portal { store, settings });
                _locks.push(lock);
            }
            Err(code) => return code,
        }
    }
    if args.watch {
        let timing = Timing {
            poll: Duration::from_secs(args.poll_seconds.unwrap_or(publish.poll_seconds)),
            settle: Duration::from_secs(args.settle_seconds.unwrap_or(publish.settle_seconds)),
            cron,
            native: !args.poll_only,
        };
        return daemon::run(&portals, &timing);
    }
    // Both portals must come from one state of the source: a change during the
    // builds publishes neither (one portal keeps the old behaviour: no check).
    let before = if both { scan::snapshot(&source).ok() } else { None };
    let verify = || before.as_ref().is_some_and(|b| scan::snapshot(&source).is_ok_and(|s| s == *b));
    let verify: Option<&(dyn Fn() -> bool + Sync)> = if before.is_some() { Some(&verify) } else { None };
    let attempts = portals::publish(&portals, Trigger::Manual, chrono::Local::now().naive_local(), verify);
    if !both {
        report(&attempts[0].diags, Format::Text);
        return outcome(&portals[0], &attempts[0], "");
    }
    report(&merged(attempts.iter().map(|a| &a.diags)), Format::Text);
    if attempts.iter().any(|a| matches!(a.result, Outcome::SourceChanged)) {
        eprintln!("生成期间源文件夹里有文件改动，两个网站都没有更新（线上保持不变）。请等文件拷完后重新运行。");
        return CONTENT_ERRORS;
    }
    portals.iter().zip(&attempts).map(|(p, a)| outcome(p, a, &format!("{}：", p.label()))).max().unwrap_or(OK)
}

/// Opens (creating) a portal's DEST, takes its publisher lock and clears what
/// a killed publisher left; `Err` is the exit code after the message.
fn open_portal(dest: &Path) -> Result<(Store, Lock), i32> {
    let store = match Store::open(dest) {
        Ok(s) => s,
        Err(e) => return Err(usage(&format!("无法创建发布目录 {}：{e}", dest.display()), "检查路径和权限（systemd 服务的用户需要能写这个目录）")),
    };
    let lock = match Lock::acquire(&dest.join("publish.lock")) {
        Ok((lock, stale)) => {
            if let Some(old) = stale {
                log("warn", "stale_lock", &[("old", old.clone())], &format!("清除了已退出的发布进程留下的锁（{old}）"));
            }
            lock
        }
        Err(LockError::Held(holder)) => {
            return Err(usage(
                &format!("另一个发布进程正在使用 {}（{}）", dest.display(), if holder.is_empty() { "未知进程".into() } else { holder }),
                "同一个发布目录只能有一个 dwgk publish；先停止它（systemctl stop dwgk-publish）再运行",
            ))
        }
        Err(LockError::Io(e)) => return Err(usage(&format!("无法创建锁文件 {}：{e}", dest.join("publish.lock").display()), "检查发布目录的权限")),
    };
    let cleaned = store.clean_leftovers() + crate::publish::kept::prune(&store);
    if cleaned > 0 {
        log("info", "cleanup", &[("count", cleaned.to_string())], &format!("清理了 {cleaned} 个被中断的生成留下的临时文件"));
    }
    Ok((store, lock))
}

/// Prints what one portal's attempt came to (`prefix` names the portal when
/// there are two) and returns its exit code.
fn outcome(portal: &Portal, attempt: &Attempt, prefix: &str) -> i32 {
    let store = &portal.store;
    let code = match &attempt.result {
        Outcome::Published { id, pages, diff } => {
            eprintln!(
                "{prefix}已发布版本 {id}：{pages} 个页面（新增 {}，修改 {}，删除 {}）→ {}",
                diff.added.len(),
                diff.changed.len(),
                diff.removed.len(),
                store.dest().join("current").display()
            );
            if !attempt.held_back.is_empty() {
                eprintln!("{prefix}有 {} 个页面缺少 approved_by（审批人），暂缓发布：", attempt.held_back.len());
                for h in &attempt.held_back {
                    eprintln!("  {}（{}）", escape_controls(&h.file), escape_controls(&h.title));
                }
            }
            OK
        }
        Outcome::Unchanged => {
            eprintln!("{prefix}内容没有变化，不发布新版本（需要时加 --force）。");
            OK
        }
        Outcome::Failed => {
            eprintln!("{prefix}生成失败：线上网站保持不变。错误已写入 {}。", store.status_path().display());
            exit_code(&attempt.diags).max(CONTENT_ERRORS)
        }
        Outcome::Refused { removed, live, reference } => {
            let than = reference.as_ref().map_or("线上".to_string(), |r| format!(" {} 小时内的版本 {r} ", drop_guard::DROP_WINDOW_HOURS));
            eprintln!("{prefix}拒绝发布：新版本比{than}少了 {removed} 个页面（共 {live} 个）。线上网站保持不变。");
            let steps = if reference.is_some() { "，还是页面被分几次删除了" } else { "" };
            eprintln!("  = 提示: 共享文件夹是否已挂载、文件是否被误删{steps}？确认无误后加 --force 重新运行");
            CONTENT_ERRORS
        }
        Outcome::SourceChanged => CONTENT_ERRORS,
    };
    if attempt.problems.is_empty() {
        return code;
    }
    let rest = if matches!(attempt.result, Outcome::Published { .. } | Outcome::Unchanged) { "其余页面已照常发布；" } else { "" };
    eprintln!("{prefix}{} 个文件有错误，暂缓发布（{rest}详情见党内版 /_status/ 或 {}）：", attempt.problems.len(), store.status_path().display());
    for p in &attempt.problems {
        let esc = crate::diag::escape_controls;
        eprintln!("  {}：读者看到{}", esc(&p.file), p.shown_text());
        for e in &p.errors {
            eprintln!("    {} {}", esc(&e.location), esc(&e.message));
        }
    }
    code.max(CONTENT_ERRORS)
}

/// Every distinct diagnostic of the portals' builds once (most are the same in
/// both: the same files were read), sorted.
fn merged<'a>(all: impl IntoIterator<Item = &'a Diagnostics>) -> Diagnostics {
    let mut seen = std::collections::HashSet::new();
    let mut out = Diagnostics::default();
    for d in all.into_iter().flat_map(|ds| &ds.0) {
        if seen.insert(d.render()) {
            out.push(d.clone());
        }
    }
    out.sort();
    out
}

fn open_existing(dest: &Path) -> Option<Store> {
    let s = Store::existing(dest);
    if s.is_none() {
        eprintln!("错误: {} 里没有发布的版本（找不到 releases/）", dest.display());
        eprintln!("  = 提示: 检查 --dest 是否与 dwgk publish 的 --dest 相同");
    }
    s
}

pub fn releases(dest: &Path, format: Format) -> i32 {
    let Some(store) = open_existing(dest) else { return USAGE };
    let current = store.current();
    let rows: Vec<serde_json::Value> = store
        .list()
        .into_iter()
        .map(|id| {
            let m = store.read_manifest(&id);
            serde_json::json!({
                "id": id,
                "current": current.as_deref() == Some(id.as_str()),
                "created": m.as_ref().map(|m| m.created.clone()),
                "trigger": m.as_ref().map(|m| m.trigger.clone()),
                "pages": m.as_ref().map(|m| m.pages.len()),
                "held_back": m.as_ref().map(|m| m.held_back.len()),
                "problems": m.as_ref().map(|m| m.problems.iter().map(|p| serde_json::json!({"file": p.file, "shows": p.shows})).collect::<Vec<_>>()),
            })
        })
        .collect();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows).expect("json")),
        Format::Text => {
            println!("  {:<21}{:<22}{:<12}{:<8}有错误暂缓", "版本", "发布时间", "触发", "页面");
            for r in &rows {
                let trigger = match r["trigger"].as_str() {
                    Some("startup") => Trigger::Startup.label(),
                    Some("change") => Trigger::Change.label(),
                    Some("schedule") => Trigger::Schedule.label(),
                    Some("cron") => Trigger::Cron.label(),
                    Some("manual") => Trigger::Manual.label(),
                    _ => "—",
                };
                let created = r["created"].as_str().map(|c| c.get(..19).unwrap_or(c).replace('T', " ")).unwrap_or_else(|| "—".into());
                let mark = if r["current"] == true { "*" } else { " " };
                let problems = r["problems"].as_array().map_or(Vec::new(), |l| l.iter().filter_map(|p| p["file"].as_str()).collect::<Vec<_>>());
                println!(
                    "{mark} {:<23}{:<24}{:<12}{:<10}{}",
                    r["id"].as_str().unwrap_or(""),
                    created,
                    trigger,
                    r["pages"].as_u64().map_or("—".into(), |n| n.to_string()),
                    problems.len()
                );
                for f in problems {
                    println!("      暂缓：{f}");
                }
            }
            if rows.is_empty() {
                println!("（还没有发布过）");
            }
            eprintln!("共 {} 个版本；* 为当前版本。回滚：dwgk rollback --dest {} [--to 版本]", rows.len(), dest.display());
        }
    }
    OK
}

pub fn rollback(dest: &Path, to: Option<&str>) -> i32 {
    let Some(store) = open_existing(dest) else { return USAGE };
    match release::rollback(&store, to) {
        Ok((target, previous)) => {
            eprintln!("已回滚：current → {target}（原为 {}）", previous.as_deref().unwrap_or("无"));
            eprintln!("提示：正在运行的 dwgk publish --watch 在源文件再次变化之前不会覆盖这次回滚；请尽快修正源文件夹里的内容。");
            OK
        }
        Err(e) => usage(&e, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    #[test]
    fn diagnostics_of_both_builds_are_shown_once() {
        let common = Diagnostic::error("日期无法识别").file("content/a.md");
        let public_only = Diagnostic::error("公开页面链接到党内公开的页面").file("content/b.md");
        let public = Diagnostics(vec![common.clone(), public_only]);
        let internal = Diagnostics(vec![common]);
        let all = merged([&public, &internal]);
        assert_eq!(all.0.iter().map(|d| d.file.as_deref().unwrap()).collect::<Vec<_>>(), ["content/a.md", "content/b.md"]);
    }
}
