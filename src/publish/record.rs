//! What the publisher records (pure types): an attempt's outcome, a journal entry
//! (`journal.jsonl`, one per line) and the last status (`status.json`). `journal`
//! stores them, `pages` shows them.

use super::manifest::{Change, Held};
pub use super::problem::{ErrorEntry, Problem};
use super::schedule::Trigger;
use serde::{Deserialize, Serialize};

/// What an attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A new release is live.
    Published,
    /// The build had errors; the live release stays.
    Failed,
    /// Refused by a safety check (too many pages dropped); the live release stays.
    Refused,
    /// `dwgk rollback` pointed `current` at an older release.
    Rollback,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Published => "已发布",
            Outcome::Failed => "生成失败，未发布",
            Outcome::Refused => "已拒绝发布",
            Outcome::Rollback => "已回滚",
        }
    }
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Local time, RFC 3339 (`2026-11-25T21:40:03+08:00`).
    pub time: String,
    pub trigger: Trigger,
    pub outcome: Outcome,
    /// The release now live (published, rollback) or that stayed live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The release that was live before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Published with `--force`: the admin confirmed these pages, so the
    /// cumulative drop check (`drop_guard`) counts from this release.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
    pub pages: usize,
    #[serde(default)]
    pub added: Vec<Change>,
    #[serde(default)]
    pub changed: Vec<Change>,
    #[serde(default)]
    pub removed: Vec<Change>,
    /// Pages without `approved_by`, held back (`require_approval = true`).
    #[serde(default)]
    pub held_back: Vec<Held>,
    /// Files held back because of their own errors (the rest was published).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    #[serde(default)]
    pub errors: Vec<ErrorEntry>,
    /// One Chinese sentence.
    pub message: String,
}

/// `DEST/status.json`: the publisher's last word, for monitoring and people.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub updated: String,
    /// `ok` (last attempt published or nothing to do), `partial` (published, some
    /// files held back because of their own errors), `error` (build failed),
    /// `refused` (safety check), `waiting` (files still being copied).
    pub state: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    pub audience: String,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_trigger: Option<Trigger>,
    #[serde(default)]
    pub errors: Vec<ErrorEntry>,
    #[serde(default)]
    pub held_back: Vec<Held>,
    /// Files held back because of their own errors.
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// Warnings for officers of good pages: a link shown as text because its
    /// target is held back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<ErrorEntry>,
    /// The zone the status page shows times in (`[publish] timezone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Next scheduled wake-up (local time) and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_wake: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_wake_reason: Option<String>,
    pub pid: u32,
    /// Two portals in one run (`internal_dest`): the public portal's last
    /// outcome, kept in the internal portal's status only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<Box<Status>>,
}
