//! The release store under DEST:
//!
//! ```text
//! DEST/current -> releases/<id>   relative symlink, replaced by rename (atomic)
//! DEST/releases/<id>/             complete releases; a build in progress has a
//!                                 hidden staging name and is renamed when done
//! DEST/manifests/<id>.json        page list of each release (not served)
//! DEST/journal.jsonl              publication log (append-only)
//! DEST/status.json, DEST/status/  last outcome; status pages (internal site: /_status/)
//! DEST/publish.lock               one publisher per DEST (flock; pid inside)
//! DEST/cache/                     the build cache (`pipeline::cache`): Markdown rendered
//!                                 by earlier builds, reused when it must come out the same
//! DEST/.spare/                    a pruned release (or a killed build's tree), no
//!                                 longer a release: the next build updates it in
//!                                 place instead of writing and deleting whole trees
//! ```

use super::manifest::Manifest;
use chrono::NaiveDateTime;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const CURRENT: &str = "current";
pub const RELEASES: &str = "releases";
pub const MANIFESTS: &str = "manifests";
/// Written into each release: its id.
pub const RELEASE_STAMP: &str = ".dwgk-release";
const SPARE: &str = ".spare";
const ID_FORMAT: &str = "%Y%m%d-%H%M%S-%3f";

/// Held while swapping or pruning; released when dropped.
pub struct SwapGuard {
    _file: fs::File,
}

pub struct Store {
    dest: PathBuf,
}

/// When release `id` was made (ids are local times).
pub fn id_time(id: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(id, ID_FORMAT).ok()
}

impl Store {
    /// Opens (creating) the store at `dest`.
    pub fn open(dest: &Path) -> io::Result<Store> {
        fs::create_dir_all(dest.join(RELEASES))?;
        fs::create_dir_all(dest.join(MANIFESTS))?;
        fs::create_dir_all(dest.join("status"))?;
        Ok(Store { dest: dest.to_path_buf() })
    }

    /// Opens an existing store without creating anything.
    pub fn existing(dest: &Path) -> Option<Store> {
        dest.join(RELEASES).is_dir().then(|| Store { dest: dest.to_path_buf() })
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    pub fn release_dir(&self, id: &str) -> PathBuf {
        self.dest.join(RELEASES).join(id)
    }

    /// The build cache (`pipeline::cache`): what the last releases' builds can lend the next.
    pub fn cache_dir(&self) -> PathBuf {
        self.dest.join("cache")
    }

    /// The tree the next release is built in when it exists (see the layout above).
    pub fn spare_dir(&self) -> PathBuf {
        self.dest.join(SPARE)
    }

    /// Moves `dir` (a pruned release, a killed build's tree) to the spare slot when it
    /// is free; false when it is taken (the caller deletes `dir`).
    fn to_spare(&self, dir: &Path) -> bool {
        fs::symlink_metadata(self.spare_dir()).is_err() && fs::rename(dir, self.spare_dir()).is_ok()
    }

    pub fn manifest_path(&self, id: &str) -> PathBuf {
        self.dest.join(MANIFESTS).join(format!("{id}.json"))
    }

    pub fn journal_path(&self) -> PathBuf {
        self.dest.join("journal.jsonl")
    }

    pub fn status_path(&self) -> PathBuf {
        self.dest.join("status.json")
    }

    pub fn status_dir(&self) -> PathBuf {
        self.dest.join("status")
    }

    /// Complete releases, oldest first (ids sort by time).
    pub fn list(&self) -> Vec<String> {
        let mut ids: Vec<String> = fs::read_dir(self.dest.join(RELEASES))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| valid_id(n))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// The release `current` points to.
    pub fn current(&self) -> Option<String> {
        let target = fs::read_link(self.dest.join(CURRENT)).ok()?;
        let id = target.file_name()?.to_string_lossy().into_owned();
        valid_id(&id).then_some(id)
    }

    /// A fresh id from the local time, unique in this store and later than every
    /// existing one (even if the clock went back): `20261125-214003-123`.
    pub fn new_id(&self, now: NaiveDateTime) -> String {
        let mut t = now;
        if let Some(last) = self.list().last().and_then(|l| NaiveDateTime::parse_from_str(l, ID_FORMAT).ok()) {
            if last >= t {
                t = last + chrono::Duration::milliseconds(1);
            }
        }
        loop {
            let id = t.format(ID_FORMAT).to_string();
            if !self.release_dir(&id).exists() && !self.manifest_path(&id).exists() {
                return id;
            }
            t += chrono::Duration::milliseconds(1);
        }
    }

    /// Serialises swaps and pruning between a publisher and `dwgk rollback`.
    pub fn swap_guard(&self) -> io::Result<SwapGuard> {
        let f = fs::OpenOptions::new().write(true).create(true).truncate(false).open(self.dest.join(".swap.lock"))?;
        flock_wait(&f)?;
        Ok(SwapGuard { _file: f })
    }

    pub fn read_manifest(&self, id: &str) -> Option<Manifest> {
        let text = fs::read_to_string(self.manifest_path(id)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn write_manifest(&self, m: &Manifest) -> io::Result<()> {
        let text = serde_json::to_string_pretty(m).map_err(io::Error::other)?;
        write_atomic(&self.manifest_path(&m.id), text.as_bytes())
    }

    /// Points `current` at `id`: a new relative symlink renamed over the old one,
    /// so a reader sees either the old or the new release, never neither.
    pub fn swap(&self, id: &str) -> io::Result<()> {
        let current = self.dest.join(CURRENT);
        if let Ok(meta) = fs::symlink_metadata(&current) {
            if !meta.file_type().is_symlink() {
                return Err(io::Error::other(format!("{} 已存在且不是符号链接（可能是手工放置的网站目录）；请移走它后重试", current.display())));
            }
        }
        if !self.release_dir(id).join(RELEASE_STAMP).is_file() {
            return Err(io::Error::other(format!("版本 {id} 不完整或不存在")));
        }
        sync_dir(&self.dest.join(RELEASES));
        let tmp = self.dest.join(format!(".current.tmp-{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        symlink(&Path::new(RELEASES).join(id), &tmp)?;
        fs::rename(&tmp, &current)?;
        sync_dir(&self.dest);
        Ok(())
    }

    /// Deletes releases beyond the newest `keep` (never the current one) and
    /// manifests without a release. Returns the deleted ids. The first one deleted
    /// becomes the spare instead, unless it is `recent` (current until this swap: a
    /// request may still be reading it, and the spare is rewritten in place).
    pub fn prune(&self, keep: usize, recent: Option<&str>) -> Vec<String> {
        let ids = self.list();
        let current = self.current();
        let cut = ids.len().saturating_sub(keep.max(1));
        let mut removed = Vec::new();
        for id in &ids[..cut] {
            if Some(id) == current.as_ref() {
                continue;
            }
            if Some(id.as_str()) != recent && self.to_spare(&self.release_dir(id)) {
                removed.push(id.clone());
                continue;
            }
            // Rename first so a half-deleted folder never looks like a release.
            let doomed = self.dest.join(RELEASES).join(format!(".deleting-{id}"));
            if fs::rename(self.release_dir(id), &doomed).is_ok() {
                let _ = fs::remove_dir_all(&doomed);
                removed.push(id.clone());
            }
        }
        let live = self.list();
        if let Ok(rd) = fs::read_dir(self.dest.join(MANIFESTS)) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let orphan = name.strip_suffix(".json").is_some_and(|id| !live.iter().any(|l| l == id));
                if orphan || name.starts_with('.') {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        removed
    }

    /// Removes what killed publishers left: staging folders, half-deleted releases,
    /// temporary links; one such tree becomes the spare when there is none. Call
    /// only while holding the lock.
    pub fn clean_leftovers(&self) -> usize {
        let mut n = 0;
        if let Ok(rd) = fs::read_dir(self.dest.join(RELEASES)) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                if name.starts_with('.') || (!valid_id(&name) && is_dir) {
                    n += 1;
                    if !(is_dir && self.to_spare(&e.path())) {
                        let _ = fs::remove_dir_all(e.path());
                    }
                } else if valid_id(&name) && !e.path().join(RELEASE_STAMP).is_file() {
                    // Renamed into place but unstamped: cannot happen through
                    // `release`, but never let it be listed for rollback.
                    n += 1;
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        if let Ok(rd) = fs::read_dir(&self.dest) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(".current.tmp-") || name.starts_with(".status.") {
                    n += 1;
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        n
    }
}

/// `20261125-214003-123`: digits and dashes only, so odd folder names are never
/// taken for releases.
pub fn valid_id(s: &str) -> bool {
    s.len() == 19 && s.bytes().enumerate().all(|(i, b)| if i == 8 || i == 15 { b == b'-' } else { b.is_ascii_digit() })
}

/// Writes `path` via a temporary sibling, fsynced, then renamed over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir);
    Ok(())
}

pub fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Flushes every file written under `dir`'s filesystem (one call instead of an
/// fsync per file), so a release survives power loss before it is swapped in.
pub fn sync_filesystem(dir: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(f) = fs::File::open(dir) {
        use std::os::unix::io::AsRawFd;
        // SAFETY: `f` is an open descriptor for the duration of the call.
        unsafe {
            libc::syncfs(f.as_raw_fd());
        }
        return;
    }
    let _ = dir;
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "publish needs symlinks (Linux)"))
}

/// Links `releases/<id>/_status` to `DEST/status/` (internal releases), so the
/// status pages stay current while the release itself never changes.
pub fn link_status(release_dir: &Path) -> io::Result<()> {
    symlink(Path::new("../../status"), &release_dir.join("_status"))
}

/// An exclusive lock on `DEST/publish.lock` held for the life of a publisher.
/// `flock` is released by the kernel when the process dies, however it dies; the
/// pid written inside tells who holds it, and a pid left by a dead process is a
/// stale lock, reported and overwritten.
pub struct Lock {
    file: fs::File,
}

pub enum LockError {
    Held(String),
    Io(io::Error),
}

impl Lock {
    /// Takes the lock without waiting; `Ok((lock, Some(old)))` when a dead
    /// process's note (`old`) was cleared.
    pub fn acquire(path: &Path) -> Result<(Lock, Option<String>), LockError> {
        use std::io::{Read, Seek};
        let mut file = fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(LockError::Io)?;
        if !try_flock(&file).map_err(LockError::Io)? {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(LockError::Held(holder.trim().to_string()));
        }
        let mut old = String::new();
        let _ = file.read_to_string(&mut old);
        let old = old.trim().to_string();
        file.set_len(0).map_err(LockError::Io)?;
        file.rewind().map_err(LockError::Io)?;
        let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
        writeln!(file, "pid={} started={now}", std::process::id()).map_err(LockError::Io)?;
        let _ = file.sync_all();
        Ok((Lock { file }, (!old.is_empty()).then_some(old)))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // A clean exit leaves an empty file: nothing stale to report next time.
        let _ = self.file.set_len(0);
    }
}

#[cfg(unix)]
fn try_flock(f: &fs::File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a valid open descriptor; flock does not touch memory.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

#[cfg(unix)]
fn flock_wait(f: &fs::File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a valid open descriptor; flock does not touch memory.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn flock_wait(_: &fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn try_flock(_: &fs::File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(s: &Store, id: &str) {
        fs::create_dir_all(s.release_dir(id)).unwrap();
        fs::write(s.release_dir(id).join(RELEASE_STAMP), id).unwrap();
        fs::write(s.release_dir(id).join("index.html"), id).unwrap();
    }

    #[test]
    fn swap_prune_and_leftovers() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Store::open(tmp.path()).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_milli_opt(21, 40, 3, 123).unwrap();
        let a = s.new_id(now);
        assert_eq!(a, "20261125-214003-123");
        release(&s, &a);
        let b = s.new_id(now);
        assert_eq!(b, "20261125-214003-124", "ids stay unique and ordered");
        release(&s, &b);
        s.swap(&a).unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("current/index.html")).unwrap(), a);
        assert_eq!(fs::read_link(tmp.path().join(CURRENT)).unwrap(), Path::new("releases").join(&a), "relative link");
        s.swap(&b).unwrap();
        assert_eq!(s.current().as_deref(), Some(b.as_str()));
        fs::create_dir_all(tmp.path().join("releases/.20261125-214003-125.dwgk-staging-1")).unwrap();
        fs::create_dir_all(tmp.path().join("releases/20261125-214003-126")).unwrap();
        assert_eq!(s.clean_leftovers(), 2);
        assert_eq!(s.list(), [a.clone(), b.clone()]);
        assert!(s.spare_dir().is_dir(), "a leftover tree becomes the spare");
        s.swap(&a).unwrap(); // rolled back: the current one survives pruning
        assert_eq!(s.prune(1, Some(&b)), Vec::<String>::new());
        s.swap(&b).unwrap();
        fs::remove_dir_all(s.spare_dir()).unwrap();
        assert_eq!(s.prune(1, Some(&a)), std::slice::from_ref(&a));
        assert!(!s.spare_dir().exists(), "the release current until this swap is deleted, not reused");
        let c = s.new_id(now);
        release(&s, &c);
        s.swap(&c).unwrap();
        assert_eq!(s.prune(1, None), std::slice::from_ref(&b));
        assert_eq!(fs::read_to_string(s.spare_dir().join("index.html")).unwrap(), b, "an older release becomes the spare");
        assert!(s.swap("20990101-000000-000").is_err());
    }

    #[test]
    fn lock_is_exclusive_and_stale_notes_are_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("publish.lock");
        fs::write(&path, "pid=999999 started=2026-01-01 00:00:00\n").unwrap();
        let (lock, stale) = Lock::acquire(&path).ok().unwrap();
        assert!(stale.unwrap().contains("999999"));
        assert!(matches!(Lock::acquire(&path), Err(LockError::Held(h)) if h.contains(&std::process::id().to_string())));
        drop(lock);
        let (_lock, stale) = Lock::acquire(&path).ok().unwrap();
        assert!(stale.is_none(), "a clean exit leaves nothing stale");
    }
}
