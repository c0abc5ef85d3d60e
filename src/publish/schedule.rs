//! When to wake up without any file change: the next moment a page's visibility
//! changes (`publish_date` arrives, `expire_date` passes) or the cron schedule is
//! due. Pure; times are the server's local time, like the build's clock.

use crate::content::cron::Cron;
use crate::content::date::DateValue;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::Serialize;

/// Why a publish ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// The daemon started.
    Startup,
    /// Files in the shared folder changed (and settled).
    Change,
    /// A `publish_date` arrived or an `expire_date` passed.
    Schedule,
    /// The `[publish] schedule` cron expression.
    Cron,
    /// `dwgk publish --once` run by a person.
    Manual,
    /// `dwgk rollback`.
    Rollback,
}

impl Trigger {
    pub fn label(self) -> &'static str {
        match self {
            Trigger::Startup => "启动",
            Trigger::Change => "文件变化",
            Trigger::Schedule => "定时发布/公示期到期",
            Trigger::Cron => "定时任务",
            Trigger::Manual => "手动",
            Trigger::Rollback => "回滚",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Trigger::Startup => "startup",
            Trigger::Change => "change",
            Trigger::Schedule => "schedule",
            Trigger::Cron => "cron",
            Trigger::Manual => "manual",
            Trigger::Rollback => "rollback",
        }
    }
}

/// The moments at which a page with these dates changes visibility, matching
/// `site::assemble`: scheduled while `publish_date > now`; expired once
/// `expire_date < now` (a bare date: from the next day on).
pub fn transitions(publish: Option<DateValue>, expire: Option<DateValue>) -> [Option<NaiveDateTime>; 2] {
    let appears = publish.map(|d| d.datetime());
    let expires = expire.map(|d| match d.time {
        Some(_) => d.datetime() + Duration::milliseconds(1),
        None => (d.date + Duration::days(1)).and_time(NaiveTime::MIN),
    });
    [appears, expires]
}

/// The first visibility change strictly after `now` among `pages` (publish, expire).
pub fn next_change(pages: impl IntoIterator<Item = (Option<DateValue>, Option<DateValue>)>, now: NaiveDateTime) -> Option<NaiveDateTime> {
    pages.into_iter().flat_map(|(p, e)| transitions(p, e)).flatten().filter(|t| *t > now).min()
}

/// The next wake-up: the earlier of the next page change and the cron schedule,
/// with the trigger it stands for (a page change wins a tie).
pub fn next_wake(page_change: Option<NaiveDateTime>, cron: Option<&Cron>, now: NaiveDateTime) -> Option<(NaiveDateTime, Trigger)> {
    let cron_at = cron.and_then(|c| c.next_after(now));
    match (page_change.filter(|t| *t > now), cron_at) {
        (Some(p), Some(c)) if c < p => Some((c, Trigger::Cron)),
        (Some(p), _) => Some((p, Trigger::Schedule)),
        (None, Some(c)) => Some((c, Trigger::Cron)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dv(s: &str) -> Option<DateValue> {
        DateValue::parse(s)
    }

    fn at(s: &str) -> NaiveDateTime {
        dv(s).unwrap().datetime()
    }

    #[test]
    fn publish_and_expire_moments() {
        let [p, e] = transitions(dv("2026-11-25 21:40:03"), dv("2026-11-30"));
        assert_eq!(p, Some(at("2026-11-25 21:40:03")));
        assert_eq!(e, Some(at("2026-12-01 00:00:00")), "a bare expire date is inclusive");
        let [_, e] = transitions(None, dv("2026-11-30T18:00:00+08:00"));
        assert_eq!(e.unwrap().format("%H:%M:%S%.3f").to_string(), "18:00:00.001");
    }

    #[test]
    fn next_change_is_strictly_after_now() {
        let pages = vec![(dv("2026-11-25 21:40:03"), None), (None, dv("2026-11-25 21:40:10")), (dv("2026-01-01"), dv("2026-11-24"))];
        assert_eq!(next_change(pages.clone(), at("2026-11-25 21:40:00")), Some(at("2026-11-25 21:40:03")));
        assert_eq!(next_change(pages.clone(), at("2026-11-25 21:40:03")).unwrap().format("%H:%M:%S").to_string(), "21:40:10");
        assert_eq!(next_change(pages, at("2026-11-26 00:00:00")), None);
    }

    #[test]
    fn cron_or_page_whichever_first() {
        let cron = Cron::parse("0 6 * * *").unwrap();
        let now = at("2026-11-25 21:00:00");
        assert_eq!(next_wake(Some(at("2026-11-25 22:00:00")), Some(&cron), now), Some((at("2026-11-25 22:00:00"), Trigger::Schedule)));
        assert_eq!(next_wake(Some(at("2026-11-27 00:00:00")), Some(&cron), now), Some((at("2026-11-26 06:00:00"), Trigger::Cron)));
        assert_eq!(next_wake(None, None, now), None);
        assert_eq!(next_wake(Some(at("2026-11-25 20:00:00")), None, now), None, "past changes are not wake-ups");
    }
}
