//! A problem as the publisher records it (pure): a located error (`ErrorEntry`)
//! and a file held back because of its own errors (`Problem`), in the journal,
//! status.json and each release's manifest.

use crate::diag::Diagnostic;
use serde::{Deserialize, Serialize};

/// A content or build error as stored in the journal and status.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A file held back because of its own errors (page-level fault isolation): what
/// is wrong, where, since when, and what readers see instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// `content/units/diyi/通知.md`; a folder ends with `/`.
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The page's URL path, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The unit folder it is in (id and title), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_title: Option<String>,
    /// That folder relative to `content/` (`""`: the site's top folder).
    #[serde(default)]
    pub unit_dir: String,
    /// `previous`: readers see its last published version; `nothing`: new (or
    /// withdrawn), not shown.
    pub shows: String,
    /// The release whose version readers see (the page's release stamp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_release: Option<String>,
    /// Its new version hides it (draft, internal, scheduled): withdrawn, not held.
    #[serde(default)]
    pub withdrawn: bool,
    /// It failed only once other files were held back: it may depend on them.
    #[serde(default)]
    pub depends: bool,
    /// The first attempt that held it back (local time, RFC 3339).
    pub since: String,
    pub errors: Vec<ErrorEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ErrorEntry>,
}

impl Problem {
    pub fn shows_previous(&self) -> bool {
        self.shows == "previous"
    }

    /// What readers see instead, in one Chinese phrase.
    pub fn shown_text(&self) -> String {
        match (self.shows_previous(), &self.shown_release, self.withdrawn) {
            (true, Some(r), _) => format!("上一次发布的版本（{r}）"),
            (true, None, _) => "上一次发布的版本".into(),
            (false, _, true) => "无（新版本设为不公开，已撤下）".into(),
            (false, _, false) => "无（尚未发布过，改正后才会出现）".into(),
        }
    }
}
