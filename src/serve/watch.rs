//! Watches the site folder and calls back once per burst of changes. Uses the
//! native watcher, falling back to polling where native events do not work.

use notify::event::ModifyKind;
use notify::{Config, Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Quiet time after the last event before rebuilding: editors save in bursts.
const SETTLE: Duration = Duration::from_millis(300);

/// True for events that should trigger a rebuild.
fn relevant(root: &Path, event: &Event) -> bool {
    // Reading files (our own build) produces access events: never a reason to rebuild.
    // Metadata-only events (atime updated by that read) are not edits either.
    if matches!(event.kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Other | EventKind::Any) {
        return false;
    }
    event.paths.iter().any(|p| {
        let rel = p.strip_prefix(root).unwrap_or(p);
        let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        let in_site = matches!(first.as_str(), "content" | "templates" | "static" | "themes" | "config.toml");
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        in_site && !crate::io::walk::is_ignored(&name)
    })
}

pub fn watch(root: &Path, mut on_change: impl FnMut()) -> notify::Result<()> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let (tx, rx) = mpsc::channel();
    let mut native: Option<RecommendedWatcher> = None;
    let mut poll: Option<PollWatcher> = None;
    let tx2 = tx.clone();
    match RecommendedWatcher::new(tx, Config::default()).and_then(|mut w| w.watch(&root, RecursiveMode::Recursive).map(|_| w)) {
        Ok(w) => native = Some(w),
        Err(e) => {
            eprintln!("提示: 系统文件通知不可用（{e}），改为每 2 秒轮询一次。");
            let mut w = PollWatcher::new(tx2, Config::default().with_poll_interval(Duration::from_secs(2)))?;
            w.watch(&root, RecursiveMode::Recursive)?;
            poll = Some(w);
        }
    }
    let _keep = (native, poll);
    loop {
        let Ok(first) = rx.recv() else { return Ok(()) };
        let mut dirty = matches!(&first, Ok(ev) if relevant(&root, ev));
        while let Ok(ev) = rx.recv_timeout(SETTLE) {
            dirty |= matches!(&ev, Ok(ev) if relevant(&root, ev));
        }
        if dirty {
            on_change();
        }
    }
}
