//! One publishing run over the portals made from one source: the public portal
//! alone, the internal one alone, or both (`internal_dest`) into two DESTs. The
//! source is read once; every portal is built and checked into its own hidden
//! staging folder before any is switched in, so both come from the same source
//! state and switch within moments of each other. If the source changed during
//! any build, none is switched. Otherwise each portal is switched on its own
//! result: a failed or refused portal keeps its live release and reports why,
//! and does not hold back the other.

use super::journal;
use super::release::{self, Attempt, Prepared, Result as Outcome, Settings};
use super::schedule::Trigger;
use super::store::Store;
use crate::content::kind::Audience;
use crate::pipeline::{self, Input};
use chrono::NaiveDateTime;

/// One portal: where it is published and how it is built.
pub struct Portal {
    pub store: Store,
    pub settings: Settings,
}

impl Portal {
    /// `公开版` / `党内版`, for messages.
    pub fn label(&self) -> &'static str {
        audience_label(self.settings.audience)
    }
}

pub fn audience_label(a: Audience) -> &'static str {
    a.label()
}

/// Builds every portal, then switches in each that passed (see the module
/// comment). One attempt per portal, in order. `verify` as in `release::prepare`.
pub fn publish(portals: &[Portal], trigger: Trigger, now: NaiveDateTime, verify: Option<&(dyn Fn() -> bool + Sync)>) -> Vec<Attempt> {
    let mut kept: Option<Input> = None;
    let mut prepared: Vec<Prepared> = Vec::new();
    for (i, p) in portals.iter().enumerate() {
        let more = i + 1 < portals.len();
        let read = || {
            let input = kept.take().unwrap_or_else(|| pipeline::read_input(&p.settings.source, &p.settings.trust));
            if more {
                kept = Some(input.clone());
            }
            input
        };
        let built = release::prepare(&p.store, &p.settings, trigger, now, read, verify);
        let changed = built.source_changed();
        prepared.push(built);
        if changed {
            break;
        }
    }
    let attempts: Vec<Attempt> = if prepared.iter().any(Prepared::source_changed) {
        let mut all: Vec<Attempt> = prepared.into_iter().map(Prepared::discard).collect();
        all.resize_with(portals.len(), Attempt::skipped);
        all
    } else {
        prepared.into_iter().map(Prepared::finish).collect()
    };
    show_public_in_internal(portals);
    report_to_share(portals, &attempts);
    attempts
}

/// `_发布问题.txt` in the share's unit folders (`[publish] share_report`), from
/// every portal's held-back files; left as they are when a portal could not
/// finish its build (a site-wide error, a source change): nothing new is known.
fn report_to_share(portals: &[Portal], attempts: &[Attempt]) {
    let Some(first) = portals.first().filter(|p| p.settings.share_report) else { return };
    let finished = |a: &Attempt| matches!(a.result, Outcome::Published { .. } | Outcome::Unchanged | Outcome::Refused { .. });
    if !attempts.iter().all(finished) {
        return;
    }
    let lists: Vec<(&str, &[super::record::Problem])> = portals.iter().zip(attempts).map(|(p, a)| (p.label(), a.problems.as_slice())).collect();
    super::share::update(&first.settings.source, &first.store, &lists, &first.settings.zone);
}

/// With both portals, the internal portal's status.json and status page also
/// carry the public one's last outcome (errors and refusals included), since
/// only the internal site shows `/_status/`. Never the other way round: nothing
/// of the internal portal goes into the public DEST.
fn show_public_in_internal(portals: &[Portal]) {
    let find = |a: Audience| portals.iter().find(|p| p.settings.audience == a);
    let (Some(public), Some(internal)) = (find(Audience::Public), find(Audience::Internal)) else { return };
    let (Some(mut p), Some(mut s)) = (journal::read_status(&public.store), journal::read_status(&internal.store)) else { return };
    // The next wake-up is the same for both and shown once, in the internal status.
    (p.public, p.next_wake, p.next_wake_reason) = (None, None, None);
    s.public = Some(Box::new(p));
    if let Err(e) = journal::write_status(&internal.store, &s) {
        super::log::log("error", "status", &[], &format!("无法写入 {}：{e}", internal.store.status_path().display()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn portal(dest: &std::path::Path, source: &std::path::Path, audience: Audience) -> Portal {
        let settings = Settings {
            source: source.to_path_buf(),
            dest: dest.to_path_buf(),
            audience,
            base_url: None,
            keep: 10,
            max_drop_percent: 20,
            force: false,
            progress: false,
            name_audience: true,
            strict: false,
            zone: crate::publish::zone::Zone::fixed("UTC", 0),
            share_report: false,
            trust: crate::pipeline::Trust { code: None, security: Some(Default::default()), quarantine: Default::default() },
        };
        Portal { store: Store::open(dest).unwrap(), settings }
    }

    #[test]
    fn a_source_change_during_the_second_build_switches_neither_portal() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::write(site.join("config.toml"), "title = \"测试\"\nbase_url = \"http://example.org/\"\n").unwrap();
        std::fs::write(site.join("content/a.md"), "+++\ntitle = \"通知\"\n+++\n正文。\n").unwrap();
        let portals = [portal(&tmp.path().join("public"), &site, Audience::Public), portal(&tmp.path().join("internal"), &site, Audience::Internal)];
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 0, 0).unwrap();
        // The public build sees the source as it was; by the end of the internal one it changed.
        let calls = AtomicUsize::new(0);
        let verify = || calls.fetch_add(1, Ordering::SeqCst) == 0;
        let attempts = publish(&portals, Trigger::Change, now, Some(&verify));
        assert_eq!(calls.load(Ordering::SeqCst), 2, "both builds reached their last check");
        assert!(attempts.iter().all(|a| matches!(a.result, Outcome::SourceChanged)));
        for p in &portals {
            assert_eq!(p.store.current(), None, "{}: switched", p.label());
            assert!(p.store.list().is_empty(), "{}: a release was kept", p.label());
            let left = |dir: &str| std::fs::read_dir(p.store.dest().join(dir)).unwrap().count();
            assert_eq!((left("releases"), left("manifests")), (0, 0), "{}: staging or manifest left", p.label());
        }

        // Unchanged since: both are published from the same reading.
        let attempts = publish(&portals, Trigger::Change, now, Some(&|| true));
        assert!(attempts.iter().all(|a| matches!(a.result, Outcome::Published { .. })));
        let status = journal::read_status(&portals[1].store).unwrap();
        assert_eq!(status.public.expect("the public outcome in the internal status").current, portals[0].store.current());
        assert!(journal::read_status(&portals[0].store).unwrap().public.is_none());
    }
}
