//! `dwgk publish --watch`: the long-running publisher. Polls the source every
//! `poll_seconds` (native file events only make it look sooner), waits until
//! changes have settled, wakes exactly when a `publish_date`/`expire_date` falls
//! due or the cron schedule fires, and publishes every portal of the source
//! (public, internal or both) through `portals::publish`.

use super::crash;
use super::log::log;
use super::portals::{self, Portal};
use super::release::{self, Result as Outcome};
use super::schedule::{self, Trigger};
use crate::content::cron::Cron;
use crate::content::kind::Audience;
use crate::io::scan;
use crate::io::settle::{Decision, Settler, Snapshot};
use chrono::NaiveDateTime;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Timing {
    pub poll: Duration,
    pub settle: Duration,
    pub cron: Option<Cron>,
    /// Also listen to native file events (off: polling only, as on SMB mounts).
    pub native: bool,
}

fn local_now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Until the first of `deadline` (local wall clock) as a duration from now.
fn until_local(deadline: NaiveDateTime) -> Duration {
    (deadline - local_now()).to_std().unwrap_or(Duration::ZERO)
}

/// Native events where they work (local disks): they only wake the loop early.
fn native_watcher(source: &Path, tx: mpsc::Sender<()>) -> Option<RecommendedWatcher> {
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if !matches!(ev.kind, EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    };
    match RecommendedWatcher::new(handler, notify::Config::default()) {
        Ok(mut w) => match w.watch(source, RecursiveMode::Recursive) {
            Ok(()) => Some(w),
            Err(e) => {
                log("warn", "watch", &[], &format!("系统文件通知不可用（{e}），只靠定时轮询"));
                None
            }
        },
        Err(e) => {
            log("warn", "watch", &[], &format!("系统文件通知不可用（{e}），只靠定时轮询"));
            None
        }
    }
}

/// Why a scan of the source is no site to build: an emptied mount point (the
/// share not mounted) or a folder without `config.toml`. A source event, not a
/// content error: the live site stays as it is.
fn unusable(snap: &Snapshot) -> Option<&'static str> {
    if snap.is_empty() {
        Some("源文件夹是空的（共享文件夹可能没有挂载）")
    } else if !snap.contains_key(crate::config::FILE_NAME) {
        Some("源文件夹里没有 config.toml（被删除、改名，或挂载的不是站点文件夹）")
    } else {
        None
    }
}

/// Runs until killed. Every exit path is safe: `current` only ever changes by
/// one atomic rename.
/// What an earlier process's unfinished attempt left to do (`publish::crash`).
#[derive(Default)]
struct AfterCrash {
    /// Files it may have died on, with the share's fingerprint of each.
    suspects: std::collections::BTreeMap<String, (u64, i128)>,
    /// Nothing is built until the share changes.
    back_off: bool,
    /// The suspects are the cause (they were retried and it died): no retry.
    confirmed: bool,
}

/// The last attempt of an earlier process never ended: recorded as failed in
/// every portal; then the files it may have died on are quarantined for the next
/// attempt (and retried once after it succeeds), or nothing is built until the
/// share changes when they were out already.
fn after_crash(portals: &[Portal], snap: &Snapshot) -> AfterCrash {
    let Some(crashed) = crash::take(&portals[0].store) else { return AfterCrash::default() };
    let fingerprinted = |rels: &[String]| rels.iter().filter_map(|r| snap.get(&format!("content/{r}")).map(|fp| (r.clone(), *fp))).collect();
    let mut out = AfterCrash { back_off: !crashed.quarantined.is_empty(), confirmed: !crashed.retried.is_empty(), ..Default::default() };
    if out.confirmed {
        out.suspects = fingerprinted(&crashed.retried);
    } else if !out.back_off {
        out.suspects = crash::changed_since_live(&portals[0].store, snap);
    }
    let next = if out.back_off {
        format!("那次已暂不读取 {} 个可疑文件，仍然异常退出：共享文件夹里的文件有改动后再生成", crashed.quarantined.len())
    } else if out.suspects.is_empty() {
        "重新生成一次".to_string()
    } else {
        let shown: Vec<&str> = out.suspects.keys().take(5).map(String::as_str).collect();
        let more = if out.suspects.len() > 5 { format!(" 等 {} 个", out.suspects.len()) } else { String::new() };
        let then = if out.confirmed { "再次读取它们时又异常退出，它们改动后才会再读取" } else { "成功后会再读取一次" };
        format!("这次暂不读取那次新改动的文件（{}{more}），其余照常发布；{then}", shown.join("、"))
    };
    let message = format!(
        "上一次生成（开始于 {}，进程 {}）没有结束：发布进程异常退出（内存不足、被强制结束或断电）；线上版本保持不变。{next}",
        crashed.started, crashed.pid
    );
    for p in portals {
        release::record_crash(&p.store, &p.settings, Trigger::Startup, &crate::diag::escape_controls(&message));
    }
    if let Ok(mut q) = portals[0].settings.trust.quarantine.lock() {
        *q = out.suspects.keys().map(|rel| (rel.clone(), crash::reason(&crashed.started))).collect();
    }
    out
}

pub fn run(portals: &[Portal], timing: &Timing) -> i32 {
    let source = portals[0].settings.source.clone();
    let (tx, rx) = mpsc::channel::<()>();
    let _watcher = if timing.native { native_watcher(&source, tx.clone()) } else { None };
    let mut fields = vec![("source", source.display().to_string())];
    for p in portals {
        let key = match p.settings.audience {
            Audience::Internal if portals.len() > 1 => "internal_dest",
            Audience::Committee if portals.len() > 1 => "committee_dest",
            _ => "dest",
        };
        fields.push((key, p.store.dest().display().to_string()));
    }
    if portals.len() == 1 {
        fields.push(("audience", portals[0].settings.audience.id().into()));
    }
    fields.extend([
        ("poll_seconds", timing.poll.as_secs().to_string()),
        ("settle_seconds", timing.settle.as_secs().to_string()),
        ("schedule", timing.cron.as_ref().map_or(String::new(), |c| c.text().to_string())),
    ]);
    let both = if portals.len() > 1 { "（同时发布公开版和党内版）" } else { "" };
    log("info", "start", &fields, &format!("开始监视共享文件夹{both}"));
    let mut source_ok = true;
    let mut scan_now = || {
        let problem = match scan::snapshot(&source) {
            Ok(s) => match unusable(&s) {
                None => {
                    if !source_ok {
                        log("info", "source", &[], "源文件夹恢复可用");
                    }
                    source_ok = true;
                    return Some(s);
                }
                Some(why) => why.to_string(),
            },
            Err(e) => format!("无法读取源文件夹（共享文件夹可能已断开）：{e}"),
        };
        if source_ok {
            log("error", "source", &[("source", source.display().to_string())], &format!("{problem}；线上版本保持不变，恢复后自动继续"));
        }
        source_ok = false;
        None
    };
    // Nothing is built from a source that is not there: it is built when it comes back.
    let first = scan_now();
    let mut pending: Option<Trigger> = first.is_some().then_some(Trigger::Startup);
    let first = first.unwrap_or_default();
    // What an earlier process's unfinished attempt may have died on, with the
    // share's fingerprint of each (a file read again once it changes).
    let AfterCrash { suspects, back_off, confirmed } = after_crash(portals, &first);
    if back_off {
        pending = None;
    }
    let quarantine = portals[0].settings.trust.quarantine.clone();
    // The suspects are read again once, after an attempt without them (not when
    // that retry is what died: `confirmed`).
    let mut retried = confirmed;
    let mut retrying: Vec<String> = Vec::new();
    let mut settler = Settler::new(timing.settle, first.clone());
    let mut built: Snapshot = first;
    let mut next_change: Option<NaiveDateTime> = None;
    let mut wait_until: Option<Instant> = None;
    let mut wait_logged = false;
    let mut owed: Option<Trigger> = None;
    loop {
        if let Some(trigger) = pending.take() {
            let snap = settler.current().clone();
            let verify_source = source.clone();
            let expected = snap.clone();
            let verify = move || scan::snapshot(&verify_source).is_ok_and(|s| s == expected);
            let now = local_now().max(next_change.filter(|_| trigger == Trigger::Schedule).unwrap_or(NaiveDateTime::MIN));
            let quarantined: Vec<String> = match quarantine.lock() {
                Ok(mut q) => {
                    q.retain(|rel, _| suspects.get(rel).is_some_and(|fp| snap.get(&format!("content/{rel}")) == Some(fp)));
                    q.keys().cloned().collect()
                }
                Err(_) => Vec::new(),
            };
            let started = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
            crash::begin(
                &portals[0].store,
                &crash::Attempt {
                    started,
                    pid: std::process::id(),
                    trigger: trigger.id().into(),
                    quarantined: quarantined.clone(),
                    retried: std::mem::take(&mut retrying),
                },
            );
            let attempts = portals::publish(portals, trigger, now, Some(&verify));
            crash::end(&portals[0].store);
            if !quarantined.is_empty() && !retried {
                // Once more with them: the crash may not have been theirs (a power cut).
                retried = true;
                if let Ok(mut q) = quarantine.lock() {
                    q.clear();
                }
                retrying = quarantined;
                owed = owed.or(Some(Trigger::Startup));
            }
            if !attempts.iter().any(|a| matches!(a.result, Outcome::SourceChanged)) {
                built = snap;
            }
            let seen = attempts.iter().filter_map(|a| a.next_change).min();
            next_change = seen.or(next_change.filter(|t| *t > now));
            let wake = schedule::next_wake(next_change, timing.cron.as_ref(), local_now());
            for p in portals {
                release::note_next_wake(&p.store, wake);
            }
        }
        let wake = schedule::next_wake(next_change, timing.cron.as_ref(), local_now());
        let mut timeout = timing.poll;
        if let Some((at, _)) = wake {
            timeout = timeout.min(until_local(at));
        }
        if let Some(u) = wait_until {
            timeout = timeout.min(u.saturating_duration_since(Instant::now()));
        }
        if rx.recv_timeout(timeout).is_ok() {
            // Coalesce a burst of events into one scan.
            let quiet = Instant::now() + Duration::from_millis(200);
            while rx.recv_timeout(quiet.saturating_duration_since(Instant::now())).is_ok() {}
        }
        // A due wake-up is owed until a build runs: files still settling postpone
        // it, they do not cancel it.
        if let Some(t) = wake.filter(|(at, _)| *at <= local_now()).map(|(_, t)| t) {
            owed = Some(if owed == Some(Trigger::Schedule) { Trigger::Schedule } else { t });
        }
        let Some(snap) = scan_now() else { continue };
        settler.observe(snap, Instant::now());
        match settler.decide(&built, Instant::now()) {
            Decision::Ready { changed } => {
                wait_until = None;
                wait_logged = false;
                log(
                    "info",
                    "change",
                    &[("files", changed.len().to_string()), ("first", changed[0].clone())],
                    &format!("{} 个文件有变化且已稳定", changed.len()),
                );
                owed = None;
                pending = Some(Trigger::Change);
            }
            Decision::Wait { until, unsettled } => {
                wait_until = Some(until);
                if !wait_logged {
                    let extra = if owed.is_some() { "；定时发布推迟到文件稳定之后" } else { "" };
                    log(
                        "info",
                        "settling",
                        &[("files", unsettled.len().to_string()), ("first", unsettled[0].clone())],
                        &format!("等待 {} 个文件写完（{} 秒内不再变化）{extra}", unsettled.len(), timing.settle.as_secs()),
                    );
                    wait_logged = true;
                }
            }
            Decision::Idle => {
                wait_until = None;
                wait_logged = false;
                pending = owed.take();
            }
        }
    }
}
