//! `_发布问题.txt` (`[publish] share_report = true`, off by default): a short
//! plain-text report in each unit folder of the share that has held-back files,
//! the one place an officer with only a mapped drive looks; removed once the
//! folder has no problem left. Written atomically (a hidden temporary file,
//! created exclusively, renamed over the report), only inside the source's
//! `content/` folder (symlinks resolved), never read back: the walk and the
//! change scan ignore the name (`io::walk::SHARE_REPORT`). Which folders hold a
//! report is remembered in the first portal's DEST (`share-reports.json`), so
//! one left by a folder that stopped being a unit is removed too.

use super::pages;
use super::record::Problem;
use super::store::Store;
use super::zone::Zone;
use crate::io::walk::SHARE_REPORT;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const STATE: &str = "share-reports.json";

/// A unit folder's title and its problems, each with the one portal it is
/// limited to (`None`: every portal has it).
type Folder<'a> = (String, Vec<(&'a Problem, Option<&'a str>)>);

/// Every portal's held-back files (`label`: 公开版 / 党内版): one report per unit
/// folder, a problem both portals share listed once.
pub fn update(source: &Path, store: &Store, portals: &[(&str, &[Problem])], zone: &Zone) {
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    for (label, problems) in portals {
        for p in problems.iter() {
            let entry = folders.entry(p.unit_dir.clone()).or_insert_with(|| (p.unit_title.clone().unwrap_or_else(|| "（未归属单位）".into()), Vec::new()));
            match entry.1.iter_mut().find(|(q, _)| q.file == p.file && q.errors == p.errors) {
                Some((_, who)) => *who = None,
                None => entry.1.push((p, (portals.len() > 1).then_some(*label))),
            }
        }
    }
    let content = source.join("content");
    let before: BTreeSet<String> = fs::read_to_string(store.dest().join(STATE)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let mut written = BTreeSet::new();
    for (dir, (title, list)) in &folders {
        let text = pages::share_report(title, dir, list, zone);
        match inside(&content, dir).map(|d| write_report(&d, text.as_bytes())) {
            Some(Ok(())) => {
                written.insert(dir.clone());
            }
            Some(Err(e)) => super::log::log(
                "warn",
                "share_report",
                &[("dir", format!("content/{dir}"))],
                &format!("无法写入 {SHARE_REPORT}：{e}（共享文件夹是否以只读方式挂载？）"),
            ),
            None => {}
        }
    }
    for dir in before.difference(&written) {
        if let Some(d) = inside(&content, dir) {
            let _ = fs::remove_file(d.join(SHARE_REPORT));
        }
    }
    if let Ok(text) = serde_json::to_string(&written) {
        let _ = super::store::write_atomic(&store.dest().join(STATE), text.as_bytes());
    }
}

/// `content/<dir>`, symlinks resolved, when it is a folder inside `content/`.
fn inside(content: &Path, dir: &str) -> Option<PathBuf> {
    let root = content.canonicalize().ok()?;
    let d = content.join(dir).canonicalize().ok()?;
    (d.starts_with(&root) && d.is_dir()).then_some(d)
}

/// Replaces `dir/_发布问题.txt` unless it already says `bytes`.
fn write_report(dir: &Path, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(SHARE_REPORT);
    if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) && fs::read(&path).is_ok_and(|b| b == bytes) {
        return Ok(());
    }
    let tmp = dir.join(format!(".{SHARE_REPORT}.{}.tmp", std::process::id()));
    // Exclusive: a link someone left under this name is never followed.
    let _ = fs::remove_file(&tmp);
    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_stay_inside_the_content_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("site/content");
        fs::create_dir_all(content.join("units/a")).unwrap();
        fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), content.join("units/escape")).unwrap();
        assert!(inside(&content, "units/a").is_some() && inside(&content, "").is_some());
        assert!(inside(&content, "units/escape").is_none(), "a link out of the share");
        assert!(inside(&content, "../..").is_none() && inside(&content, "units/missing").is_none());
        // A link planted at the report's name is replaced, not written through.
        std::os::unix::fs::symlink(tmp.path().join("elsewhere/victim"), content.join("units/a").join(SHARE_REPORT)).unwrap();
        write_report(&content.join("units/a"), b"x").unwrap();
        assert!(!tmp.path().join("elsewhere/victim").exists());
        assert_eq!(fs::read(content.join("units/a").join(SHARE_REPORT)).unwrap(), b"x");
    }
}
