//! Atomic output. A build writes into a staging folder beside the target and swaps
//! it in only when everything succeeded, so a failed or killed build leaves the
//! previous site untouched and no stale file of an earlier build survives.
//!
//! The staging folder is the previous build's tree when there is one (the "spare":
//! the output a commit swapped out, or a killed build's leftover): files whose bytes
//! are equal are left alone, changed ones are replaced, files the build did not write
//! are removed (`sweep`). Steady-state rebuilds then create and delete almost no
//! files, which on ext4 costs far more than the writes (it skips recently freed
//! inodes when allocating new ones). A changed file gets a new inode unless the
//! caller says no reader can have the tree open (`in_place`), so a request still
//! reading the previous output keeps reading whole files.
//!
//! A caller may also name a base tree that is never written again (`publish`: the
//! live release): a file equal to the base's is a hard link to it, no bytes written.
//! A file with another link is never written through, only replaced.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

/// Marks a folder as dwgk output; a non-empty target without it is never replaced.
pub const STAMP: &str = ".dwgk-output";
const STAGING_TAG: &str = ".dwgk-staging-";
const SPARE_TAG: &str = ".dwgk-spare";

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    /// Where the tree goes back to when the build fails, and where the replaced
    /// output goes after a commit (`keep_replaced`).
    spare: PathBuf,
    /// The tree holds an earlier build: files are compared and stale ones swept.
    reused: bool,
    /// Changed files are rewritten in their inode (no reader can have them open).
    in_place: bool,
    keep_replaced: bool,
    /// Equal files are hard-linked from here (`link_from`).
    base: Option<PathBuf>,
    swept: bool,
    committed: bool,
    /// Folders made so far (each is made once, not checked again for every file in it).
    made: RwLock<HashSet<PathBuf>>,
    /// Every file this build wrote (`/`-separated, normalised), for `sweep`.
    written: Mutex<HashSet<String>>,
}

#[derive(Debug)]
pub enum OutputError {
    NotOurs(PathBuf),
    /// Writing the output failed (a full disk, permissions).
    Io(PathBuf, io::Error),
    /// Reading a file to copy failed: it vanished, or the share went away.
    Read(PathBuf, io::Error),
}

impl OutputError {
    /// The disk (or quota) of the output is full.
    pub fn disk_full(&self) -> bool {
        matches!(self, OutputError::Io(_, e) if is_disk_full(e))
    }

    fn hint(&self) -> &'static str {
        match self {
            OutputError::NotOurs(_) => "换一个输出目录，或确认无用后手动清空它",
            OutputError::Read(..) => "源文件在生成过程中被移动、删除，或共享文件夹断开了；文件恢复后重新生成即可，上一次的网站没有改动",
            OutputError::Io(_, e) if is_disk_full(e) => "清理这块磁盘（旧的输出、日志等），或换一个空间足够的输出目录",
            OutputError::Io(_, e) if e.kind() == io::ErrorKind::PermissionDenied => "运行 dwgk 的用户要能写这个目录：检查目录的所有者和权限",
            OutputError::Io(..) => "检查磁盘空间和目录权限",
        }
    }

    /// The error as a diagnostic: the message and a hint for what failed.
    pub fn diagnostic(&self) -> crate::diag::Diagnostic {
        let message = match self {
            OutputError::NotOurs(p) => format!("输出目录 {} 已有内容且不是 dwgk 生成的，为安全起见不覆盖", p.display()),
            OutputError::Io(p, e) => format!("写入 {} 失败：{}", p.display(), reason(e)),
            OutputError::Read(p, e) => format!("读取 {} 失败：{}", p.display(), reason(e)),
        };
        crate::diag::Diagnostic::error(message).hint(self.hint())
    }
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.diagnostic();
        write!(f, "{}（提示：{}）", d.message, self.hint())
    }
}

/// A full disk or quota.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded)
}

/// An IO error in Chinese where it is a common one (the system's text after it).
pub fn reason(e: &io::Error) -> String {
    let zh = match e.kind() {
        io::ErrorKind::NotFound => "文件或目录不存在",
        io::ErrorKind::PermissionDenied => "没有权限",
        io::ErrorKind::StorageFull => "磁盘空间不足",
        io::ErrorKind::QuotaExceeded => "超出磁盘配额",
        io::ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        _ => return e.to_string(),
    };
    format!("{zh}（{e}）")
}

/// Bytes free for an unprivileged writer on the disk holding `path`.
pub fn free_space(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: a NUL-terminated path and a zeroed statvfs for the call to fill.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call.
    (unsafe { libc::statvfs(c.as_ptr(), &mut st) } == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

fn io_err(p: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |e| OutputError::Io(p.to_path_buf(), e)
}

impl Staging {
    /// Prepares a staging folder for `target`: the spare beside it (`.NAME.dwgk-spare`,
    /// the output the last commit replaced) or a killed build's leftover when there is
    /// one, else a new folder. The output it replaces becomes the next spare.
    pub fn begin(target: &Path) -> Result<Staging, OutputError> {
        Staging::open(target, beside(target, SPARE_TAG), false, true)
    }

    /// Like `begin`, with the caller's spare tree (`publish`: a retired release).
    /// `in_place`: nothing can be reading that tree, so changed files keep their inode.
    pub fn begin_reusing(target: &Path, spare: &Path, in_place: bool) -> Result<Staging, OutputError> {
        Staging::open(target, spare.to_path_buf(), in_place, false)
    }

    fn open(target: &Path, spare: PathBuf, in_place: bool, keep_replaced: bool) -> Result<Staging, OutputError> {
        if !may_write(target) {
            return Err(OutputError::NotOurs(target.to_path_buf()));
        }
        let (parent, name) = split(target);
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let prefix = format!(".{name}{STAGING_TAG}");
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        if fs::symlink_metadata(&dir).is_ok() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        let dead = dead_stagings(&parent, &prefix);
        let mut reused = is_real_dir(&spare) && fs::rename(&spare, &dir).is_ok();
        for dead in dead {
            if !reused && is_real_dir(&dead) && fs::rename(&dead, &dir).is_ok() {
                reused = true;
            } else {
                let _ = fs::remove_dir_all(&dead);
            }
        }
        if !reused {
            fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        }
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            spare,
            reused,
            in_place,
            keep_replaced,
            base: None,
            swept: false,
            committed: false,
            made: RwLock::default(),
            written: Mutex::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Files equal to `base`'s become hard links to them (`write_linked`, and copies
    /// whose size and time match): `base` must never be written to again.
    pub fn link_from(&mut self, base: Option<PathBuf>) {
        self.base = base.filter(|b| is_real_dir(b));
    }

    /// Writes `bytes` at `rel`, which the caller knows equal the base tree's file
    /// there: a hard link to that file (left alone when it already is one), else
    /// `write`.
    pub fn write_linked(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if let Some((from, m)) = self.base_file(rel, |m| m.len() == bytes.len() as u64) {
            self.note(rel);
            if self.link(rel, &from, &m)? {
                return Ok(());
            }
        }
        self.write(rel, bytes)
    }

    /// Keeps the base tree's file at `rel` when it `fits` its metadata: a hard
    /// link to it. False when there is none or linking failed: write it then.
    pub fn keep(&self, rel: &str, fits: impl Fn(&fs::Metadata) -> bool) -> Result<bool, OutputError> {
        let Some((from, m)) = self.base_file(rel, fits) else { return Ok(false) };
        let kept = self.link(rel, &from, &m)?;
        if kept {
            self.note(rel);
        }
        Ok(kept)
    }

    /// The folder this staging replaces on commit.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The base tree's file at `rel` when `fits` its metadata.
    fn base_file(&self, rel: &str, fits: impl Fn(&fs::Metadata) -> bool) -> Option<(PathBuf, fs::Metadata)> {
        let from = self.base.as_ref()?.join(rel);
        let m = fs::symlink_metadata(&from).ok()?;
        (m.is_file() && fits(&m)).then_some((from, m))
    }

    /// Makes `rel` a hard link to `from` (metadata `fm`); false when linking failed
    /// and the caller must write the file.
    fn link(&self, rel: &str, from: &Path, fm: &fs::Metadata) -> Result<bool, OutputError> {
        let path = self.dir.join(rel);
        if self.reused {
            match fs::symlink_metadata(&path) {
                Ok(m) if same_file(&m, fm) => return Ok(true),
                Ok(m) => remove_any(&path, &m).map_err(io_err(&path))?,
                Err(_) => {}
            }
        }
        self.make_parent(&path)?;
        Ok(fs::hard_link(from, &path).is_ok())
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the site).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        self.note(rel);
        if self.reused {
            match fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => {
                    if m.len() == bytes.len() as u64 && fs::read(&path).is_ok_and(|old| old == bytes) {
                        return Ok(());
                    }
                    if self.in_place && links(&m) == 1 {
                        return overwrite(&path, m.len(), bytes).map_err(io_err(&path));
                    }
                    fs::remove_file(&path).map_err(io_err(&path))?;
                }
                Ok(m) => remove_any(&path, &m).map_err(io_err(&path))?,
                Err(_) => {}
            }
        }
        self.make_parent(&path)?;
        fs::write(&path, bytes).map_err(io_err(&path))
    }

    /// Copies `from` to `rel` with its modification time, so that a later build into
    /// this tree finds it unchanged by size and time (like rsync) without reading it.
    /// `from` is opened following no link and must be the file `id` names
    /// (`io::confine`): a name swapped after the walk copies nothing.
    pub fn copy(&self, rel: &str, from: &Path, id: Option<crate::content::entry::FileId>) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        self.note(rel);
        let (mut file, src) = super::confine::open_checked(from, id).map_err(|e| OutputError::Read(from.to_path_buf(), e))?;
        let mtime = src.modified().ok();
        let unchanged = |m: &fs::Metadata| m.is_file() && m.len() == src.len() && mtime.is_some() && m.modified().ok() == mtime;
        if self.reused {
            match fs::symlink_metadata(&path) {
                Ok(m) if unchanged(&m) => return Ok(()),
                Ok(m) => remove_any(&path, &m).map_err(io_err(&path))?,
                Err(_) => {}
            }
        }
        if let Some((base, m)) = self.base_file(rel, unchanged) {
            if self.link(rel, &base, &m)? {
                return Ok(());
            }
        }
        self.make_parent(&path)?;
        let mut out = fs::File::create(&path).map_err(io_err(&path))?;
        std::io::copy(&mut file, &mut out).map_err(|e| match fs::metadata(from) {
            // The source is gone: a read; it is still there: the write failed.
            Err(gone) => OutputError::Read(from.to_path_buf(), gone),
            Ok(_) => OutputError::Io(path.clone(), e),
        })?;
        drop(out);
        if let Some(t) = mtime {
            let _ = fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(t));
        }
        Ok(())
    }

    fn note(&self, rel: &str) {
        self.written.lock().expect("written").insert(normalise(rel));
    }

    fn make_parent(&self, path: &Path) -> Result<(), OutputError> {
        let Some(p) = path.parent() else { return Ok(()) };
        if self.made.read().expect("made").contains(p) {
            return Ok(());
        }
        if fs::create_dir_all(p).is_err() {
            // A reused tree may hold a file where this build needs a folder.
            let mut at = self.dir.clone();
            for c in p.strip_prefix(&self.dir).unwrap_or(p).components() {
                at.push(c);
                if let Ok(m) = fs::symlink_metadata(&at) {
                    if !m.is_dir() {
                        fs::remove_file(&at).map_err(io_err(&at))?;
                    }
                }
            }
            fs::create_dir_all(p).map_err(io_err(p))?;
        }
        self.made.write().expect("made").insert(p.to_path_buf());
        Ok(())
    }

    /// Removes what the reused tree holds that this build did not write (files of
    /// deleted pages, folders left empty). Call once every file is written; files
    /// added to `dir()` after this stay.
    pub fn sweep(&mut self) -> Result<(), OutputError> {
        if self.reused && !self.swept {
            let written = std::mem::take(&mut *self.written.lock().expect("written"));
            sweep_dir(&self.dir, "", &written).map_err(io_err(&self.dir))?;
        }
        self.swept = true;
        Ok(())
    }

    /// Swaps the staging folder in. On Linux the swap is one atomic
    /// `renameat2(RENAME_EXCHANGE)`: the target path is never missing.
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.sweep()?;
        // A new file each commit: its inode and time name this tree's contents
        // (`pipeline::outputs`).
        let stamp = self.dir.join(STAMP);
        if fs::symlink_metadata(&stamp).is_ok() {
            fs::remove_file(&stamp).map_err(io_err(&stamp))?;
        }
        self.write(STAMP, b"dwgk\n")?;
        sync_dir(&self.dir);
        if self.target.exists() {
            if exchange(&self.dir, &self.target).is_err() {
                let old = self.dir.with_extension("old");
                fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
                fs::rename(&self.dir, &self.target).map_err(io_err(&self.target))?;
                self.retire(&old);
            } else {
                // `self.dir` now holds the previous output.
                let old = self.dir.clone();
                self.retire(&old);
            }
        } else {
            fs::rename(&self.dir, &self.target).map_err(io_err(&self.target))?;
        }
        self.committed = true;
        Ok(())
    }

    /// The replaced output becomes the next build's spare (or is deleted).
    fn retire(&self, old: &Path) {
        let kept = self.keep_replaced && self.to_spare(old);
        if !kept {
            let _ = fs::remove_dir_all(old);
        }
    }

    /// Moves `dir` to the spare slot when it is free.
    fn to_spare(&self, dir: &Path) -> bool {
        fs::symlink_metadata(&self.spare).is_err() && fs::rename(dir, &self.spare).is_ok()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // A tree taken from the spare goes back there; a new one is deleted.
        let kept = self.reused && self.to_spare(&self.dir);
        if !kept {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A hidden folder beside `target` for it: `.NAME<tag>` (the spare, the build cache).
pub fn beside(target: &Path, tag: &str) -> PathBuf {
    let (parent, name) = split(target);
    parent.join(format!(".{name}{tag}"))
}

/// The folder holding `target` and `target`'s name.
fn split(target: &Path) -> (PathBuf, String) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map(OsString::from).unwrap_or_else(|| "public".into());
    (parent, name.to_string_lossy().into_owned())
}

/// `rel` as the sweep spells it: `/`-separated, no empty or `.` segments.
fn normalise(rel: &str) -> String {
    rel.split('/').filter(|s| !s.is_empty() && *s != ".").collect::<Vec<_>>().join("/")
}

/// Removes from `dir` every file whose path (`rel` + name) is not in `written`,
/// then folders left empty; true when `dir` ends up empty. Folders are swept in
/// parallel: at 100k pages the tree has 100k folders, and reading them is most of
/// the cost of a build that changed one page.
fn sweep_dir(dir: &Path, rel: &str, written: &HashSet<String>) -> io::Result<bool> {
    use rayon::prelude::*;
    let entries = fs::read_dir(dir)?.collect::<io::Result<Vec<fs::DirEntry>>>()?;
    let kept = entries
        .par_iter()
        .map(|e| -> io::Result<bool> {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let inner = if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
            let path = e.path();
            if e.file_type()?.is_dir() {
                let empty = sweep_dir(&path, &inner, written)?;
                if empty {
                    fs::remove_dir(&path)?;
                }
                Ok(!empty)
            } else if written.contains(&inner) || (rel.is_empty() && name == STAMP) {
                Ok(true)
            } else {
                fs::remove_file(&path)?;
                Ok(false)
            }
        })
        .collect::<io::Result<Vec<bool>>>()?;
    Ok(!kept.contains(&true))
}

/// Rewrites a file of `old_len` bytes in its inode without truncating it to zero
/// first: ext4 (`auto_da_alloc`) starts writing back a file truncated to zero as
/// soon as it is closed.
fn overwrite(path: &Path, old_len: u64, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = fs::OpenOptions::new().write(true).open(path)?;
    f.write_all(bytes)?;
    if old_len > bytes.len() as u64 {
        f.set_len(bytes.len() as u64)?;
    }
    Ok(())
}

fn is_real_dir(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

fn remove_any(p: &Path, m: &fs::Metadata) -> io::Result<()> {
    if m.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    }
}

#[cfg(unix)]
fn links(m: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(m)
}

#[cfg(not(unix))]
fn links(_: &fs::Metadata) -> u64 {
    u64::MAX
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.ino() == b.ino() && a.dev() == b.dev()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Whether a build may write `target`: it does not exist, or it is an empty folder
/// or one a build made (`Staging::begin` refuses anything else).
pub fn may_write(target: &Path) -> bool {
    !target.exists() || is_replaceable(target)
}

fn is_replaceable(target: &Path) -> bool {
    if !target.is_dir() {
        return false;
    }
    match fs::read_dir(target) {
        Ok(mut it) => it.next().is_none() || target.join(STAMP).exists(),
        Err(_) => false,
    }
}

/// Staging folders whose build process is gone.
fn dead_stagings(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(parent) else { return Vec::new() };
    let mut dead = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else { continue };
        let pid: Option<u32> = rest.split('.').next().and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| p != std::process::id() && Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            dead.push(e.path());
        }
    }
    dead
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both arguments are valid NUL-terminated paths for the call's duration.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let s = Staging::begin(&target).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"one");

        let s = Staging::begin(&target).unwrap();
        s.write("b/index.html", b"two").unwrap();
        drop(s); // a failed build
        assert_eq!(fs::read(target.join("a/index.html")).unwrap(), b"one");
        assert!(!target.join("b").exists());
        assert_eq!(names(tmp.path()), ["public"], "a failed build leaves nothing beside the output");

        let s = Staging::begin(&target).unwrap();
        s.write("b/index.html", b"two").unwrap();
        s.commit().unwrap();
        assert!(!target.join("a").exists(), "stale files must not survive");
        assert_eq!(names(tmp.path()), [".public.dwgk-spare", "public"], "only the spare beside the output");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    fn inode(p: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(p).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn reused_tree_keeps_equal_files_and_replaces_changed_ones_with_new_inodes() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let build = |files: &[(&str, &[u8])]| {
            let mut s = Staging::begin(&target).unwrap();
            for (rel, bytes) in files {
                s.write(rel, bytes).unwrap();
            }
            s.sweep().unwrap();
            s.commit().unwrap();
        };
        build(&[("a/index.html", b"a1"), ("b/index.html", b"b1"), ("c/d/index.html", b"d1")]);
        build(&[("a/index.html", b"a1"), ("b/index.html", b"b1"), ("c/d/index.html", b"d1")]);
        let spare = tmp.path().join(".public.dwgk-spare");
        let (a, b) = (inode(&spare.join("a/index.html")), inode(&spare.join("b/index.html")));
        // The spare (the first build's tree) becomes the output again: `a` kept, `b`
        // changed (new inode: a reader of the old output keeps whole bytes), `c/d` gone,
        // `c` a file where a folder was.
        let old_b = fs::File::open(spare.join("b/index.html")).unwrap();
        build(&[("a/index.html", b"a1"), ("b/index.html", b"b2"), ("c", b"c")]);
        assert_eq!(inode(&target.join("a/index.html")), a, "an equal file is not rewritten");
        assert_ne!(inode(&target.join("b/index.html")), b, "a changed file gets a new inode");
        assert_eq!(std::io::read_to_string(old_b).unwrap(), "b1", "an open reader still sees the old bytes");
        assert_eq!(fs::read(target.join("b/index.html")).unwrap(), b"b2");
        assert_eq!(fs::read(target.join("c")).unwrap(), b"c");
        assert_eq!(names(&target), [".dwgk-output", "a", "b", "c"]);
        // Back the other way: a folder where a file was; stale files swept.
        build(&[("c/d/index.html", b"d2")]);
        assert_eq!(names(&target), [".dwgk-output", "c"]);
        assert_eq!(fs::read(target.join("c/d/index.html")).unwrap(), b"d2");
    }

    #[test]
    fn failed_build_puts_the_spare_back_and_a_killed_builds_tree_is_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        for _ in 0..2 {
            let s = Staging::begin(&target).unwrap();
            s.write("a/index.html", b"a").unwrap();
            s.commit().unwrap();
        }
        let s = Staging::begin(&target).unwrap();
        s.write("x/index.html", b"half").unwrap();
        drop(s);
        assert_eq!(names(tmp.path()), [".public.dwgk-spare", "public"], "the spare goes back, nothing else is left");
        assert_eq!(names(&target), [".dwgk-output", "a"]);

        // A killed build's staging folder (its process gone) and no spare.
        let dead = tmp.path().join(".public.dwgk-staging-4000000000");
        fs::rename(tmp.path().join(".public.dwgk-spare"), &dead).unwrap();
        fs::write(dead.join("junk.html"), b"junk").unwrap();
        let mut s = Staging::begin(&target).unwrap();
        assert!(s.reused, "the killed build's tree is taken as the staging tree");
        s.write("b/index.html", b"b").unwrap();
        s.sweep().unwrap();
        s.commit().unwrap();
        assert_eq!(names(&target), [".dwgk-output", "b"], "the killed build's files are swept");
        assert_eq!(names(tmp.path()), [".public.dwgk-spare", "public"]);
    }

    #[cfg(unix)]
    #[test]
    fn in_place_reuse_keeps_inodes_unless_shared() {
        let tmp = tempfile::tempdir().unwrap();
        let spare = tmp.path().join("spare");
        fs::create_dir_all(spare.join("p")).unwrap();
        fs::write(spare.join("p/index.html"), b"old").unwrap();
        fs::write(spare.join("shared.js"), b"old").unwrap();
        fs::hard_link(spare.join("shared.js"), tmp.path().join("elsewhere.js")).unwrap();
        let (p, js) = (inode(&spare.join("p/index.html")), inode(&spare.join("shared.js")));
        let target = tmp.path().join("releases/r2");
        let s = Staging::begin_reusing(&target, &spare, true).unwrap();
        s.write("p/index.html", b"new").unwrap();
        s.write("shared.js", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(inode(&target.join("p/index.html")), p, "rewritten in place");
        assert_ne!(inode(&target.join("shared.js")), js, "a file with another link is never written through");
        assert_eq!(fs::read(tmp.path().join("elsewhere.js")).unwrap(), b"old");
        assert!(!spare.exists(), "the spare became the release");
    }

    #[cfg(unix)]
    #[test]
    fn files_equal_to_the_base_are_links_and_shared_files_are_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let (base, spare) = (tmp.path().join("base"), tmp.path().join("spare"));
        let put = |dir: &Path, rel: &str, bytes: &[u8]| {
            fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            fs::write(dir.join(rel), bytes).unwrap();
        };
        for (rel, bytes) in [("kept.html", &b"same"[..]), ("shared.html", b"base"), ("new.html", b"linked"), ("other.html", b"four")] {
            put(&base, rel, bytes);
        }
        put(&spare, "own.html", b"a longer old text");
        fs::hard_link(base.join("kept.html"), spare.join("kept.html")).unwrap();
        fs::hard_link(base.join("shared.html"), spare.join("shared.html")).unwrap();
        let source = tmp.path().join("guide.txt");
        fs::write(&source, b"static").unwrap();
        put(&base, "files/guide.txt", b"static");
        let mtime = fs::metadata(&source).unwrap().modified().unwrap();
        fs::File::options().write(true).open(base.join("files/guide.txt")).unwrap().set_modified(mtime).unwrap();
        let own = inode(&spare.join("own.html"));

        let target = tmp.path().join("releases/r2");
        let mut s = Staging::begin_reusing(&target, &spare, true).unwrap();
        s.link_from(Some(base.clone()));
        s.write_linked("kept.html", b"same").unwrap();
        s.write("shared.html", b"changed").unwrap();
        s.write("own.html", b"short").unwrap();
        s.write_linked("new.html", b"linked").unwrap();
        s.write_linked("missing.html", b"written").unwrap();
        s.write_linked("other.html", b"other length").unwrap();
        s.copy("files/guide.txt", &source, None).unwrap();
        s.commit().unwrap();

        for rel in ["kept.html", "new.html", "files/guide.txt"] {
            assert_eq!(inode(&target.join(rel)), inode(&base.join(rel)), "{rel} is the base's file");
        }
        assert_eq!(fs::read(base.join("shared.html")).unwrap(), b"base", "a file with another link is never written through");
        assert_eq!(fs::read(target.join("shared.html")).unwrap(), b"changed");
        assert_eq!(inode(&target.join("own.html")), own, "a file of the spare alone is rewritten in place");
        assert_eq!(fs::read(target.join("own.html")).unwrap(), b"short", "and cut to its new length");
        assert_eq!(fs::read(target.join("missing.html")).unwrap(), b"written", "nothing to link: written");
        assert_eq!(fs::read(target.join("other.html")).unwrap(), b"other length", "the base's file differs: written");
        assert_eq!(fs::read(base.join("other.html")).unwrap(), b"four");
    }

    #[test]
    fn foreign_folder_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("thesis.docx"), b"x").unwrap();
        assert!(matches!(Staging::begin(tmp.path()), Err(OutputError::NotOurs(_))));
    }
}
