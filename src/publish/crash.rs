//! A publisher that ends in the middle of a build — killed, out of memory, a
//! reader's abort — is an outcome, never a silence and never a loop
//! (docs/deploy.md “发布进程异常退出时”). Before each attempt the daemon writes
//! `attempt.json` into the first portal's DEST and removes it after; found when
//! the daemon starts, it means the last attempt never ended. The files that
//! differ from the live release's kept source tree are then what the crash may
//! have come from: the next attempt builds without them (`Trust::quarantine`,
//! each a page-level problem, so everything else goes out). When that attempt
//! succeeds they are tried once more (the crash may have been a power cut): if
//! that attempt dies too, they stay out until they change. An attempt that dies
//! with them already out makes the daemon wait for the share to change.

use super::kept;
use super::store::Store;
use crate::io::settle::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const FILE: &str = "attempt.json";

/// One attempt under way.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attempt {
    pub started: String,
    pub pid: u32,
    pub trigger: String,
    /// Files this attempt did not read, after an earlier attempt ended abnormally.
    #[serde(default)]
    pub quarantined: Vec<String>,
    /// Files read again after an attempt without them succeeded: a crash now shows
    /// they are the cause.
    #[serde(default)]
    pub retried: Vec<String>,
}

fn path(store: &Store) -> PathBuf {
    store.dest().join(FILE)
}

/// Records that an attempt starts (written whole, then renamed into place).
pub fn begin(store: &Store, a: &Attempt) {
    let tmp = store.dest().join(format!(".{FILE}.tmp"));
    let json = serde_json::to_vec(a).unwrap_or_default();
    if std::fs::write(&tmp, json).and_then(|_| std::fs::rename(&tmp, path(store))).is_err() {
        super::log::log("warn", "attempt", &[], &format!("无法写入 {}：发布进程异常退出时将无法识别", path(store).display()));
    }
}

/// The attempt ended (whatever its outcome).
pub fn end(store: &Store) {
    let _ = std::fs::remove_file(path(store));
}

/// The attempt a publisher left unfinished, taken (the file is removed).
pub fn take(store: &Store) -> Option<Attempt> {
    let bytes = std::fs::read(path(store)).ok()?;
    end(store);
    Some(serde_json::from_slice(&bytes).unwrap_or_default())
}

/// Files under `content/` (relative to it) that are new or differ in size or
/// modification time from the live release's kept source tree, with the share's
/// fingerprint of each. Empty when there is no live release or no kept tree.
pub fn changed_since_live(store: &Store, snap: &Snapshot) -> BTreeMap<String, (u64, i128)> {
    let Some(live) = store.current() else { return BTreeMap::new() };
    let tree = kept::dir(store, &live);
    if !tree.is_dir() {
        return BTreeMap::new();
    }
    snap.iter()
        .filter_map(|(rel, fp)| Some((rel.strip_prefix("content/")?, fp)))
        .filter(|(rel, fp)| std::fs::metadata(tree.join(rel)).ok().map(|m| crate::io::scan::fingerprint(&m)) != Some(**fp))
        .map(|(rel, fp)| (rel.to_string(), *fp))
        .collect()
}

/// The reason a quarantined file gives, shown where the officer sees problems.
pub fn reason(started: &str) -> String {
    format!("上一次生成（开始于 {started}）时发布进程异常退出，这个文件是那次新改动的文件之一，本次暂不读取")
}
