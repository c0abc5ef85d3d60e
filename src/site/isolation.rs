//! Page-level fault isolation, the part the site model sees (pure): which files
//! of this build are the last published release's copies (their page is held
//! back because its new version has errors) and which files of the source folder
//! were left out (held back with nothing published before, or withdrawn). Links
//! to a file left out become plain text with a warning; a held-back page's old
//! version is built leniently (a link that no longer resolves becomes text).
//! Which problem belongs to which file is `Diagnostic::content_file`; the rounds
//! that decide what to hold back are `pipeline::isolate`.

use std::collections::HashSet;

#[derive(Debug, Clone, Default)]
pub struct Isolation {
    /// Files (relative to `content/`) read from the last published release's copy.
    pub previous: HashSet<String>,
    /// Files of the source folder (relative to `content/`) left out of this build.
    pub absent: HashSet<String>,
}

impl Isolation {
    pub fn is_previous(&self, rel: &str) -> bool {
        self.previous.contains(rel)
    }

    /// `rel`, or the page or section a folder link (`@/units/a/`) means, is left out.
    pub fn is_absent(&self, rel: &str) -> bool {
        if self.absent.is_empty() {
            return false;
        }
        let t = rel.trim_end_matches('/');
        self.absent.contains(rel) || self.absent.contains(&format!("{t}/index.md")) || self.absent.contains(&format!("{t}/_index.md"))
    }

    pub fn is_empty(&self) -> bool {
        self.previous.is_empty() && self.absent.is_empty()
    }
}

/// The hint of the warning for a link to something held back: how the status
/// page finds these warnings (notes for the linking page's officer).
pub const HELD_LINK_HINT: &str = "那个文件改正后会自动发布，链接随之恢复；本页不需要修改";

/// The warning for a link to something held back (shown as text meanwhile).
pub fn held_link(written: &str) -> (String, String) {
    (format!("链接指向的 {written} 有错误，暂未发布：本次发布中这个链接显示为文字"), HELD_LINK_HINT.into())
}

/// The warning for a link of a held-back page's last published version that no
/// longer resolves (its target was moved or removed since).
pub fn stale_link(message: &str) -> (String, String) {
    (format!("本页暂缓发布，读者看到的是上一次发布的版本；其中的链接已失效，暂时显示为文字：{message}"), "改正本页的错误后，新版本会自动发布".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_links_mean_their_page_or_section() {
        let mut i = Isolation::default();
        assert!(!i.is_absent("a.md"));
        i.absent.extend(["units/a/_index.md".to_string(), "notices/b/index.md".to_string(), "c.md".to_string()]);
        assert!(i.is_absent("units/a") && i.is_absent("units/a/") && i.is_absent("notices/b/") && i.is_absent("c.md"));
        assert!(!i.is_absent("units") && !i.is_absent("d.md"));
    }
}
