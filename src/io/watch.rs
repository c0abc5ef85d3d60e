//! Watches the site folder and reports each burst of changes once, as paths
//! relative to the site root. Native file events where they work; polling
//! (`--poll`, network mounts, or when native events are unavailable) uses the
//! scan and settle logic the publisher also uses, because inotify does not see
//! changes made over SMB/NFS by other machines.

use super::{scan, settle::Settler};
use notify::event::ModifyKind;
use notify::{Config, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time after the last native event before reporting: an editor's save
/// (write-rename, truncate-then-write, lock files) is a burst of events a few
/// milliseconds apart. A writer still writing keeps postponing the report.
pub const QUIET: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Native,
    /// Scan every interval; a change is reported once it stayed the same for one interval.
    Poll(Duration),
}

pub const POLL_INTERVAL: Duration = Duration::from_millis(1000);

/// The site-relative path an event names, when a build reads it.
fn relevant(root: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(root).ok()?;
    let rel = rel.to_str()?.replace('\\', "/");
    let first = rel.split('/').next().unwrap_or("");
    let in_site = matches!(first, "content" | "templates" | "static" | "themes" | "config.toml");
    let ignored = rel.split('/').any(super::walk::is_ignored);
    (in_site && !ignored).then_some(rel)
}

fn paths_of(root: &Path, event: &Event) -> Vec<String> {
    // Reading files (our own build) produces access events: never a reason to rebuild.
    // Metadata-only events (atime updated by that read) are not edits either.
    if matches!(event.kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Other | EventKind::Any) {
        return Vec::new();
    }
    event.paths.iter().filter_map(|p| relevant(root, p)).collect()
}

/// The file system type of `path` when it is a network or FUSE mount, where
/// native events miss changes made by other machines.
pub fn network_mount(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` a writable statfs.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    match st.f_type as u64 {
        0x6969 => Some("NFS"),
        0x517B => Some("SMB"),
        0xFF53_4D42 => Some("CIFS"),
        0xFE53_4D42 => Some("SMB2"),
        0x6573_5546 => Some("FUSE"),
        0x0102_1997 => Some("9P"),
        _ => None,
    }
}

/// Calls `on_change` once per settled burst of changes, until the channel closes.
/// The first call, with no paths, comes as soon as the watcher is ready: build
/// then, so that no change made during that first build is missed.
pub fn watch(root: &Path, mode: Mode, mut on_change: impl FnMut(Vec<String>)) -> notify::Result<()> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if let Mode::Poll(interval) = mode {
        poll(&root, interval, on_change);
        return Ok(());
    }
    let (tx, rx) = mpsc::channel();
    let watcher = RecommendedWatcher::new(tx, Config::default()).and_then(|mut w| w.watch(&root, RecursiveMode::Recursive).map(|_| w));
    let _watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("提示: 系统文件通知不可用（{e}），改为每 {} 秒轮询一次。", POLL_INTERVAL.as_secs());
            poll(&root, POLL_INTERVAL, on_change);
            return Ok(());
        }
    };
    on_change(Vec::new());
    loop {
        let Ok(first) = rx.recv() else { return Ok(()) };
        let mut paths: Vec<String> = first.map(|ev| paths_of(&root, &ev)).unwrap_or_default();
        let mut deadline = Instant::now() + QUIET;
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(ev) => {
                    let more = ev.map(|ev| paths_of(&root, &ev)).unwrap_or_default();
                    if !more.is_empty() {
                        paths.extend(more);
                        deadline = Instant::now() + QUIET;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
        if !paths.is_empty() {
            paths.sort();
            paths.dedup();
            on_change(paths);
        }
    }
}

/// Polling: the shared scan, and a settler with one interval of settling.
fn poll(root: &Path, interval: Duration, mut on_change: impl FnMut(Vec<String>)) {
    let mut ok = true;
    let mut scan = || match scan::snapshot(root) {
        Ok(s) => {
            ok = true;
            Some(s)
        }
        Err(e) => {
            if ok {
                eprintln!("警告: 无法读取站点文件夹（共享文件夹可能已断开）：{e}；恢复后自动继续");
            }
            ok = false;
            None
        }
    };
    let mut built = scan().unwrap_or_default();
    let mut settler = Settler::new(interval, built.clone());
    on_change(Vec::new());
    loop {
        std::thread::sleep(interval);
        let Some(snap) = scan() else { continue };
        settler.observe(snap, Instant::now());
        if let super::settle::Decision::Ready { changed } = settler.decide(&built, Instant::now()) {
            built = settler.current().clone();
            on_change(changed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_paths() {
        let root = Path::new("/site");
        assert_eq!(relevant(root, Path::new("/site/content/a.md")).as_deref(), Some("content/a.md"));
        assert_eq!(relevant(root, Path::new("/site/config.toml")).as_deref(), Some("config.toml"));
        assert_eq!(relevant(root, Path::new("/site/content/~$通知.docx")), None);
        assert_eq!(relevant(root, Path::new("/site/content/.a.md.swp")), None);
        assert_eq!(relevant(root, Path::new("/site/public/index.html")), None);
        assert_eq!(relevant(root, Path::new("/elsewhere/content/a.md")), None);
    }
}
