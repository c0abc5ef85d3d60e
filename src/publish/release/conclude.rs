//! How an attempt ends: `current` swapped (or not), the outcome logged, appended to
//! the journal and written to status.json with every problem located; also
//! `dwgk rollback` and the next wake-up, which record the same way.

use super::super::journal;
use super::super::kept;
use super::super::log::log;
use super::super::manifest::Held;
use super::super::record::{Entry, ErrorEntry, Outcome, Problem, Status};
use super::super::schedule::Trigger;
use super::super::store::Store;
use super::hooks::Skip;
use super::{say, Attempt, Built, Result, Settings};
use crate::diag::Diagnostics;
use chrono::NaiveDateTime;

pub(super) fn status(settings: &Settings, state: &str, message: String, current: Option<String>, trigger: Trigger) -> Status {
    Status {
        updated: journal::now_rfc3339(),
        state: state.into(),
        message,
        current,
        audience: settings.audience.id().into(),
        source: settings.source.display().to_string(),
        last_trigger: Some(trigger),
        errors: Vec::new(),
        held_back: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        timezone: Some(settings.zone.name.clone()),
        next_wake: None,
        next_wake_reason: None,
        pid: std::process::id(),
        public: None,
    }
}

/// `，另有 N 个文件有错误、暂缓发布` when files were held back.
fn problems_clause(problems: &[Problem]) -> String {
    if problems.is_empty() {
        String::new()
    } else {
        format!("；{} 个文件有错误，暂缓发布（见状态页）", problems.len())
    }
}

/// Every held-back file and its errors, one log line each.
fn log_problems(settings: &Settings, problems: &[Problem]) {
    for p in problems {
        say(
            settings,
            "warn",
            "page_error",
            &[("file", p.file.clone()), ("shows", p.shows.clone()), ("unit", p.unit.clone().unwrap_or_default())],
            &format!("有错误，暂缓发布；读者看到：{}", p.shown_text()),
        );
        for e in &p.errors {
            say(settings, "warn", "content_error", &[("at", e.location.clone())], &e.message);
        }
    }
}

/// Warnings for good pages that isolation caused: links shown as text.
fn notes(diags: &Diagnostics) -> Vec<ErrorEntry> {
    diags.0.iter().filter(|d| !d.is_error() && d.hint.as_deref() == Some(crate::site::isolation::HELD_LINK_HINT)).map(ErrorEntry::from).collect()
}

impl Built<'_> {
    /// Swaps `current` when the release was `written`, then logs and records the outcome.
    pub(super) fn conclude(self, written: bool, diags: Diagnostics) -> Attempt {
        let Built { store, settings, trigger, id, live_id, secs, st } = self;
        let held: Vec<Held> = st.held.clone();
        let problems = st.problems.clone();
        let entry_base = |outcome, release: Option<String>, message: String| Entry {
            time: journal::now_rfc3339(),
            trigger,
            outcome,
            release,
            previous: live_id.clone(),
            forced: false,
            pages: st.pages.len(),
            added: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            held_back: held.clone(),
            problems: Vec::new(),
            errors: Vec::new(),
            message,
        };
        for d in diags.0.iter().filter(|d| !d.is_error()) {
            say(settings, "warn", "warning", &[("at", d.location().unwrap_or_default())], &d.message);
        }
        for h in &held {
            say(settings, "warn", "held_back", &[("file", h.file.clone())], &format!("未审批（缺少 approved_by），暂缓发布：{}", h.title));
        }
        let with_problems = |mut s: Status| {
            s.held_back = held.clone();
            s.problems = problems.clone();
            s.notes = notes(&diags);
            if !problems.is_empty() && s.state == "ok" {
                s.state = "partial".into();
            }
            s
        };
        let result = if diags.has_errors() {
            let errors: Vec<ErrorEntry> = diags.0.iter().filter(|d| d.is_error()).map(ErrorEntry::from).collect();
            for e in &errors {
                say(settings, "error", "content_error", &[("at", e.location.clone())], &e.message);
            }
            let message = format!("生成失败（{} 个错误），未发布；线上仍是 {}", errors.len(), live_id.as_deref().unwrap_or("（尚无版本）"));
            say(settings, "error", "failed", &[("errors", errors.len().to_string()), ("live", live_id.clone().unwrap_or_default())], &message);
            let mut entry = entry_base(Outcome::Failed, live_id.clone(), message.clone());
            entry.errors = errors.clone();
            record(store, &entry);
            let mut s = status(settings, "error", message, live_id.clone(), trigger);
            s.errors = errors;
            s.held_back = held.clone();
            save_status(store, &s);
            Result::Failed
        } else if written {
            let swapped = store.swap_guard().and_then(|_guard| {
                store.swap(&id)?;
                let pruned = store.prune(settings.keep, live_id.as_deref());
                kept::prune(store);
                Ok(pruned)
            });
            match swapped {
                Ok(pruned) => {
                    let d = &st.diff;
                    let message = format!(
                        "已发布版本 {id}：{} 个页面（新增 {}，修改 {}，删除 {}），用时 {secs} 秒{}",
                        st.pages.len(),
                        d.added.len(),
                        d.changed.len(),
                        d.removed.len(),
                        problems_clause(&problems)
                    );
                    say(
                        settings,
                        "info",
                        "published",
                        &[
                            ("id", id.clone()),
                            ("trigger", trigger.id().into()),
                            ("pages", st.pages.len().to_string()),
                            ("added", d.added.len().to_string()),
                            ("changed", d.changed.len().to_string()),
                            ("removed", d.removed.len().to_string()),
                            ("held_back", held.len().to_string()),
                            ("problems", problems.len().to_string()),
                            ("seconds", secs.clone()),
                        ],
                        &message,
                    );
                    for c in d.added.iter().chain(&d.changed) {
                        say(
                            settings,
                            "info",
                            "page",
                            &[("path", c.path.clone()), ("file", c.file.clone()), ("approved_by", c.approved_by.clone().unwrap_or_default())],
                            &c.title,
                        );
                    }
                    log_problems(settings, &problems);
                    if !pruned.is_empty() {
                        say(
                            settings,
                            "info",
                            "pruned",
                            &[("ids", pruned.join(","))],
                            &format!("删除了 {} 个旧版本（保留最近 {} 个）", pruned.len(), settings.keep),
                        );
                    }
                    let mut entry = entry_base(Outcome::Published, Some(id.clone()), message.clone());
                    entry.forced = settings.force;
                    entry.added = d.added.clone();
                    entry.changed = d.changed.clone();
                    entry.removed = d.removed.clone();
                    entry.problems = problems.clone();
                    record(store, &entry);
                    save_status(store, &with_problems(status(settings, "ok", message, Some(id.clone()), trigger)));
                    Result::Published { id: id.clone(), pages: st.pages.len(), diff: st.diff.clone() }
                }
                Err(e) => {
                    let message = format!("切换到新版本 {id} 失败：{e}；线上版本未变");
                    say(settings, "error", "failed", &[("id", id.clone())], &message);
                    record(store, &entry_base(Outcome::Failed, live_id.clone(), message.clone()));
                    save_status(store, &status(settings, "error", message, live_id.clone(), trigger));
                    Result::Failed
                }
            }
        } else {
            match st.skip {
                Some(Skip::Unchanged) | None => {
                    say(settings, "info", "unchanged", &[("live", live_id.clone().unwrap_or_default())], "内容没有变化，不发布新版本");
                    log_problems(settings, &problems);
                    let message = format!("内容没有变化；线上是 {}{}", live_id.as_deref().unwrap_or("（尚无版本）"), problems_clause(&problems));
                    save_status(store, &with_problems(status(settings, "ok", message, live_id.clone(), trigger)));
                    Result::Unchanged
                }
                Some(Skip::Refused { removed, live, reference }) => {
                    let than = match &reference {
                        None => "线上版本".to_string(),
                        Some(r) => format!(" {} 小时内的版本 {r} ", super::super::drop_guard::DROP_WINDOW_HOURS),
                    };
                    let message = format!(
                        "拒绝发布：新版本比{than}少了 {removed} 个页面（共 {live} 个，超过 {}%）。共享文件夹可能没有挂载或被误删，或页面被分几次删除；确认无误后运行 dwgk publish --once --force",
                        settings.max_drop_percent
                    );
                    let fields = [("removed", removed.to_string()), ("live_pages", live.to_string()), ("reference", reference.clone().unwrap_or_default())];
                    say(settings, "error", "refused", &fields, &message);
                    let mut entry = entry_base(Outcome::Refused, live_id.clone(), message.clone());
                    entry.removed = st.diff.removed.clone();
                    entry.problems = problems.clone();
                    record(store, &entry);
                    let mut s = status(settings, "refused", message, live_id.clone(), trigger);
                    s.problems = problems.clone();
                    save_status(store, &s);
                    Result::Refused { removed, live, reference }
                }
                Some(Skip::SourceChanged) => {
                    say(settings, "warn", "source_changed", &[], "生成期间源文件又有改动，本次不发布；文件稳定后会重新生成");
                    Result::SourceChanged
                }
            }
        };
        Attempt { result, diags, next_change: st.next_change, held_back: held, problems }
    }
}

fn record(store: &Store, entry: &Entry) {
    if let Err(e) = journal::append(store, entry) {
        log("error", "journal", &[], &format!("无法写入公开记录 {}：{e}", store.journal_path().display()));
    }
}

fn save_status(store: &Store, s: &Status) {
    if let Err(e) = journal::write_status(store, s) {
        log("error", "status", &[], &format!("无法写入 {}：{e}", store.status_path().display()));
    }
}

/// An attempt of an earlier process that never ended (`publish::crash`): logged,
/// in the journal and in status.json as `failed`, with what happens next.
pub fn record_crash(store: &Store, settings: &Settings, trigger: Trigger, message: &str) {
    let live = store.current();
    say(settings, "error", "crashed", &[("live", live.clone().unwrap_or_default())], message);
    let entry = Entry {
        time: journal::now_rfc3339(),
        trigger,
        outcome: Outcome::Failed,
        release: live.clone(),
        previous: live.clone(),
        forced: false,
        pages: 0,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        held_back: Vec::new(),
        errors: Vec::new(),
        problems: Vec::new(),
        message: message.to_string(),
    };
    record(store, &entry);
    save_status(store, &status(settings, "failed", message.to_string(), live, trigger));
}

/// Updates `next_wake` in status.json (the daemon knows it after each attempt).
pub fn note_next_wake(store: &Store, wake: Option<(NaiveDateTime, Trigger)>) {
    if let Some(mut s) = journal::read_status(store) {
        s.next_wake = wake.map(|(t, _)| t.format("%Y-%m-%dT%H:%M:%S").to_string());
        s.next_wake_reason = wake.map(|(_, t)| t.label().to_string());
        save_status(store, &s);
    }
}

/// Points `current` back at `to` (default: the release before the current one).
pub fn rollback(store: &Store, to: Option<&str>) -> std::result::Result<(String, Option<String>), String> {
    let guard = store.swap_guard().map_err(|e| format!("无法锁定 {}：{e}", store.dest().display()))?;
    let ids = store.list();
    let current = store.current();
    let target = match to {
        Some(t) => {
            if !ids.iter().any(|i| i == t) {
                let hint = crate::diag::did_you_mean(t, ids.iter().map(String::as_str)).map_or(String::new(), |s| format!("；是不是 {s}？"));
                return Err(format!("没有版本 {t}（用 dwgk releases 查看可用的版本{hint}）"));
            }
            t.to_string()
        }
        None => {
            let pos = current.as_ref().and_then(|c| ids.iter().position(|i| i == c)).unwrap_or(ids.len());
            match pos.checked_sub(1).and_then(|p| ids.get(p)) {
                Some(p) => p.clone(),
                None => return Err("没有更早的版本可以回滚（用 dwgk releases 查看）".into()),
            }
        }
    };
    if current.as_deref() == Some(target.as_str()) {
        return Err(format!("{target} 已经是当前版本"));
    }
    store.swap(&target).map_err(|e| format!("回滚失败：{e}"))?;
    drop(guard);
    let pages = store.read_manifest(&target).map_or(0, |m| m.pages.len());
    let message = format!("已回滚到版本 {target}（原为 {}）", current.as_deref().unwrap_or("无"));
    let entry = Entry {
        time: journal::now_rfc3339(),
        trigger: Trigger::Rollback,
        outcome: Outcome::Rollback,
        release: Some(target.clone()),
        previous: current.clone(),
        forced: false,
        pages,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        held_back: Vec::new(),
        problems: Vec::new(),
        errors: Vec::new(),
        message: message.clone(),
    };
    record(store, &entry);
    let mut s = journal::read_status(store).unwrap_or(Status {
        updated: String::new(),
        state: "ok".into(),
        message: String::new(),
        current: None,
        audience: String::new(),
        source: String::new(),
        last_trigger: None,
        errors: Vec::new(),
        held_back: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
        timezone: None,
        next_wake: None,
        next_wake_reason: None,
        pid: std::process::id(),
        public: None,
    });
    s.updated = journal::now_rfc3339();
    s.state = "ok".into();
    s.message = message;
    s.current = Some(target.clone());
    s.last_trigger = Some(Trigger::Rollback);
    s.errors.clear();
    save_status(store, &s);
    log("info", "rollback", &[("id", target.clone()), ("previous", current.clone().unwrap_or_default())], &entry.message);
    Ok((target, current))
}
