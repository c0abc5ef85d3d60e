//! What the publisher records (pure types): an attempt's outcome, a journal entry
//! (`journal.jsonl`, one per line) and the last status (`status.json`). `journal`
//! stores them, `pages` shows them.

use super::manifest::{Change, Held};
use super::schedule::Trigger;
use crate::diag::Diagnostic;
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

/// A content or build error as stored in the journal and status.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// `content/a.md:3:8` (file only, or empty, when that is all that is known).
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl From<&Diagnostic> for ErrorEntry {
    fn from(d: &Diagnostic) -> Self {
        ErrorEntry {
            location: d.location().unwrap_or_default(),
            file: d.file.clone(),
            line: d.line,
            column: d.col,
            message: d.message.clone(),
            hint: d.hint.clone(),
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
    #[serde(default)]
    pub errors: Vec<ErrorEntry>,
    /// One Chinese sentence.
    pub message: String,
}

/// `DEST/status.json`: the publisher's last word, for monitoring and people.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub updated: String,
    /// `ok` (last attempt published or nothing to do), `error` (build failed),
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
