//! The site's fence: every file a build reads resolves inside the site folder (or a
//! folder the admin allows: `[security] allow_read`, `publish --allow-read`); a link
//! out of it is refused, a loop of links is named. Files are then opened by their
//! resolved path following no link at all and checked to be the file the walk found,
//! so a name swapped for a link after the walk reads nothing (docs/deploy.md “信任模型”).

use crate::content::entry::FileId;
use crate::diag::Diagnostic;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The folders a build may read: the site folder and the admin's allowed ones, resolved.
#[derive(Debug, Clone)]
pub struct Fence {
    roots: Vec<PathBuf>,
}

/// Why a path is not read.
#[derive(Debug)]
pub enum Refusal {
    /// It resolves outside every allowed folder (the resolved target).
    Outside(PathBuf),
    /// Links that lead back to one another: the names in order, the first repeated last.
    Loop(Vec<PathBuf>),
    /// A link to nothing (the target it names).
    Dangling(PathBuf),
    Io(io::Error),
}

impl Fence {
    /// `root` and the `allowed` folders that exist (resolved); a missing allowed
    /// folder is simply not a place anything can resolve to.
    pub fn new(root: &Path, allowed: &[PathBuf]) -> Fence {
        let mut roots = vec![root.canonicalize().unwrap_or_else(|_| root.to_path_buf())];
        roots.extend(allowed.iter().filter_map(|a| root.join(a).canonicalize().ok()));
        Fence { roots }
    }

    /// `root` and the folders of an `allow_read` list (absolute, or relative to `root`).
    pub fn allowing(root: &Path, allow_read: &[String]) -> Fence {
        let allowed: Vec<PathBuf> = allow_read.iter().map(PathBuf::from).collect();
        Fence::new(root, &allowed)
    }

    /// The site folder, resolved.
    pub fn root(&self) -> &Path {
        &self.roots[0]
    }

    /// Whether a resolved path lies in an allowed folder.
    pub fn contains(&self, resolved: &Path) -> bool {
        self.roots.iter().any(|r| resolved.starts_with(r))
    }

    /// `path` resolved (no link left in it), when it stays inside the fence.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        match path.canonicalize() {
            Ok(p) if self.contains(&p) => Ok(p),
            Ok(p) => Err(Refusal::Outside(p)),
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Err(Refusal::Loop(link_chain(path))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Refusal::Dangling(std::fs::read_link(path).unwrap_or_else(|_| path.to_path_buf()))),
            Err(e) => Err(Refusal::Io(e)),
        }
    }
}

/// The names a chain of links passes through from `path` until one repeats (at most 40).
pub fn link_chain(path: &Path) -> Vec<PathBuf> {
    let mut chain = vec![path.to_path_buf()];
    let mut cur = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&cur) else { break };
        let next = cur.parent().map_or(target.clone(), |p| normalize(&p.join(&target)));
        let repeated = chain.contains(&next);
        chain.push(next.clone());
        if repeated {
            break;
        }
        cur = next;
    }
    chain
}

/// `a/b/../c` → `a/c`, without touching the disk (for naming links only).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The message for a refused path, shown as `shown`; `display` names other paths
/// (relative to the site where they are inside it).
pub fn refusal_diagnostic(shown: String, refusal: &Refusal, display: &dyn Fn(&Path) -> String) -> Diagnostic {
    let d = match refusal {
        Refusal::Outside(target) => Diagnostic::error(format!("符号链接指向站点文件夹以外的 {}，dwgk 不读取站点以外的文件", target.display())).hint(
            "把要发布的文件复制进站点文件夹（不要用链接）；确实需要读取站点以外的文件夹时，由管理员在 config.toml 的 [security] allow_read 中写明（dwgk publish 用 --allow-read）",
        ),
        Refusal::Loop(chain) => {
            let names: Vec<String> = chain.iter().map(|p| display(p)).collect();
            Diagnostic::error(format!("符号链接形成了循环：{}", names.join(" → "))).hint("删除其中一个链接，或让它指向真实的文件或文件夹；dwgk 已跳过它")
        }
        Refusal::Dangling(target) => {
            Diagnostic::error(format!("符号链接指向的文件不存在：{}", target.display())).hint("删除这个失效的链接，或恢复它指向的文件")
        }
        Refusal::Io(e) => Diagnostic::error(format!("无法读取：{e}")).hint("检查文件权限，或共享文件夹是否仍然挂载"),
    };
    d.file(shown)
}

pub fn id_of(meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId { dev: meta.dev(), ino: meta.ino() }
}

#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// Opens a file by its resolved path for reading, following no link in any part
/// of it (`openat2` with `RESOLVE_NO_SYMLINKS`; on kernels before 5.6, `O_NOFOLLOW`
/// for the last part, and the caller's identity check does the rest).
pub fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::io::FromRawFd;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let how = OpenHow { flags: (libc::O_RDONLY | libc::O_CLOEXEC) as u64, mode: 0, resolve: libc::RESOLVE_NO_SYMLINKS };
    // SAFETY: `c` is a NUL-terminated path and `how` a valid open_how of the size passed.
    let fd = unsafe { libc::syscall(libc::SYS_openat2, libc::AT_FDCWD, c.as_ptr(), &how as *const OpenHow, std::mem::size_of::<OpenHow>()) };
    if fd >= 0 {
        // SAFETY: a file descriptor the kernel just returned, owned by nobody else.
        return Ok(unsafe { File::from_raw_fd(fd as i32) });
    }
    let e = io::Error::last_os_error();
    if !matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EPERM | libc::EINVAL)) {
        return Err(e);
    }
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path)
}

/// `open`, refusing the file when it is no longer the one the walk found (`id`):
/// its metadata from the open file itself.
pub fn open_checked(path: &Path, id: Option<FileId>) -> io::Result<(File, std::fs::Metadata)> {
    let f = open(path)?;
    let meta = f.metadata()?;
    if id.is_some_and(|id| id != id_of(&meta)) || !meta.is_file() {
        return Err(io::Error::other("文件在读取前被替换了（不是生成开始时的那个文件）"));
    }
    Ok((f, meta))
}

/// Reads a whole file through `open_checked`.
pub fn read(path: &Path, id: Option<FileId>) -> io::Result<Vec<u8>> {
    read_at_most(path, id, u64::MAX)
}

/// `read`, refusing a file of more than `max` bytes (counted while reading: it may
/// grow after its size was looked at).
pub fn read_at_most(path: &Path, id: Option<FileId>, max: u64) -> io::Result<Vec<u8>> {
    let (f, meta) = open_checked(path, id)?;
    let too_big = || io::Error::new(io::ErrorKind::FileTooLarge, format!("文件超过 {} MB", max >> 20));
    if meta.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Whether this kernel refuses links in every part of a path (`openat2`, Linux 5.6+).
pub fn whole_path_supported() -> bool {
    static SUPPORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SUPPORTED.get_or_init(probe_openat2)
}

fn probe_openat2() -> bool {
    let how = OpenHow { flags: (libc::O_RDONLY | libc::O_CLOEXEC) as u64, mode: 0, resolve: libc::RESOLVE_NO_SYMLINKS };
    // SAFETY: a static NUL-terminated path and a valid open_how of the size passed.
    let fd = unsafe { libc::syscall(libc::SYS_openat2, libc::AT_FDCWD, c"/".as_ptr(), &how as *const OpenHow, std::mem::size_of::<OpenHow>()) };
    if fd >= 0 {
        // SAFETY: the descriptor just opened, closed once.
        unsafe { libc::close(fd as i32) };
    }
    fd >= 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_out_and_loops_are_refused_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(site.join("c")).unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::fs::write(site.join("c/in.txt"), "i").unwrap();
        symlink(tmp.path().join("secret"), site.join("c/out")).unwrap();
        symlink("in.txt", site.join("c/ok")).unwrap();
        symlink("b", site.join("c/a")).unwrap();
        symlink("a", site.join("c/b")).unwrap();
        let fence = Fence::new(&site, &[]);
        assert!(fence.resolve(&site.join("c/ok")).unwrap().ends_with("c/in.txt"));
        assert!(matches!(fence.resolve(&site.join("c/out")), Err(Refusal::Outside(_))));
        match fence.resolve(&site.join("c/a")) {
            Err(Refusal::Loop(chain)) => {
                let names: Vec<_> = chain.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
                assert_eq!(names, ["a", "b", "a"]);
            }
            other => panic!("{other:?}"),
        }
        let allowing = Fence::new(&site, &[tmp.path().to_path_buf()]);
        assert!(allowing.resolve(&site.join("c/out")).is_ok(), "an allowed outside folder");
    }

    #[test]
    fn opening_follows_no_link_and_checks_the_identity() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("f"), "bytes").unwrap();
        symlink(tmp.path().join("f"), tmp.path().join("l")).unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        symlink(tmp.path().join("d"), tmp.path().join("dl")).unwrap();
        std::fs::write(tmp.path().join("d/g"), "g").unwrap();
        let id = id_of(&std::fs::metadata(tmp.path().join("f")).unwrap());
        assert_eq!(read(&tmp.path().join("f"), Some(id)).unwrap(), b"bytes");
        assert!(read(&tmp.path().join("l"), None).is_err(), "a link as the last part");
        if whole_path_supported() {
            assert!(read(&tmp.path().join("dl/g"), None).is_err(), "a link inside the path");
        }
        let other = id_of(&std::fs::metadata(tmp.path().join("d/g")).unwrap());
        assert!(read(&tmp.path().join("f"), Some(other)).is_err(), "another file than the walk found");
    }
}
