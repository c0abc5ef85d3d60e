//! Atomic output. A build writes into a staging folder beside the target and swaps
//! it in only when everything succeeded, so a failed or killed build leaves the
//! previous site untouched and no stale file of an earlier build survives.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// Marks a folder as dwgk output; a non-empty target without it is never replaced.
pub const STAMP: &str = ".dwgk-output";
const STAGING_TAG: &str = ".dwgk-staging-";

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Folders made so far (each is made once, not checked again for every file in it).
    made: RwLock<HashSet<PathBuf>>,
}

#[derive(Debug)]
pub enum OutputError {
    NotOurs(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::NotOurs(p) => {
                write!(f, "输出目录 {} 已有内容且不是 dwgk 生成的，为安全起见不覆盖（提示：换一个输出目录，或确认无用后手动清空它）", p.display())
            }
            OutputError::Io(p, e) => write!(f, "写入 {} 失败：{e}（提示：检查磁盘空间和目录权限）", p.display()),
        }
    }
}

fn io_err(p: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |e| OutputError::Io(p.to_path_buf(), e)
}

impl Staging {
    /// Prepares a staging folder for `target`, clearing leftovers of killed builds.
    pub fn begin(target: &Path) -> Result<Staging, OutputError> {
        if target.exists() && !is_replaceable(target) {
            return Err(OutputError::NotOurs(target.to_path_buf()));
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = target.file_name().map(OsString::from).unwrap_or_else(|| "public".into());
        let prefix = format!(".{}{STAGING_TAG}", name.to_string_lossy());
        remove_dead_stagings(&parent, &prefix);
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        Ok(Staging { target: target.to_path_buf(), dir, committed: false, made: RwLock::default() })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the site).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        fs::write(&path, bytes).map_err(io_err(&path))
    }

    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), OutputError> {
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        fs::copy(from, &path).map(|_| ()).map_err(io_err(from))
    }

    fn make_parent(&self, path: &Path) -> Result<(), OutputError> {
        let Some(p) = path.parent() else { return Ok(()) };
        if self.made.read().expect("made").contains(p) {
            return Ok(());
        }
        fs::create_dir_all(p).map_err(io_err(p))?;
        self.made.write().expect("made").insert(p.to_path_buf());
        Ok(())
    }

    /// Swaps the staging folder in. On Linux the swap is one atomic
    /// `renameat2(RENAME_EXCHANGE)`: the target path is never missing.
    pub fn commit(mut self) -> Result<(), OutputError> {
        self.write(STAMP, b"dwgk\n")?;
        sync_dir(&self.dir);
        if self.target.exists() {
            if exchange(&self.dir, &self.target).is_err() {
                let old = self.dir.with_extension("old");
                fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
                fs::rename(&self.dir, &self.target).map_err(io_err(&self.target))?;
                let _ = fs::remove_dir_all(&old);
            } else {
                // `self.dir` now holds the previous output.
                let _ = fs::remove_dir_all(&self.dir);
            }
        } else {
            fs::rename(&self.dir, &self.target).map_err(io_err(&self.target))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
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

/// Removes staging folders whose build process is gone.
fn remove_dead_stagings(parent: &Path, prefix: &str) {
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else { continue };
        let pid: Option<u32> = rest.split('.').next().and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| p != std::process::id() && Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = fs::remove_dir_all(e.path());
        }
    }
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

        let s = Staging::begin(&target).unwrap();
        s.write("b/index.html", b"two").unwrap();
        s.commit().unwrap();
        assert!(!target.join("a").exists(), "stale files must not survive");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "no staging leftovers");
    }

    #[test]
    fn foreign_folder_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("thesis.docx"), b"x").unwrap();
        assert!(matches!(Staging::begin(tmp.path()), Err(OutputError::NotOurs(_))));
    }
}
