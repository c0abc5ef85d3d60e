//! A Word file's `.docx` bytes: the file itself, or LibreOffice's conversion of
//! it (`soffice`), converted once and kept in a cache by content — so rebuilds and
//! the preview never convert the same file twice. The cache lives outside the
//! site and the share (a file dropped in the share must not be able to plant a
//! conversion for another one): `DWGK_CACHE_DIR`, else `$XDG_CACHE_HOME/dwgk`,
//! else `~/.cache/dwgk`, else `/tmp/dwgk-cache-<uid>`; entries are
//! `word/<hash>.docx` beside a copy of their source (`<hash>.src`), which a hit
//! must equal byte for byte. Entries unused for 90 days are removed.

use super::soffice::{self, ConvertError};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Entries not used for this long are removed.
const KEEP: Duration = Duration::from_secs(90 * 24 * 3600);

/// The cache folder for conversions (created, private to the user).
pub fn cache_dir() -> PathBuf {
    let base = if let Some(d) = std::env::var_os("DWGK_CACHE_DIR").filter(|d| !d.is_empty()) {
        PathBuf::from(d)
    } else if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        PathBuf::from(d).join("dwgk")
    } else if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty() && Path::new(h).is_dir()) {
        PathBuf::from(h).join(".cache").join("dwgk")
    } else {
        std::env::temp_dir().join(format!("dwgk-cache-{}", unsafe { libc::getuid() }))
    };
    base.join("word")
}

fn key(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}-{}", h.finish(), bytes.len())
}

/// What converting a file gave: the `.docx` bytes and the cache file holding them
/// (images are taken from it when the page is written).
pub struct Converted {
    pub docx: Vec<u8>,
    pub file: PathBuf,
}

/// The `.docx` LibreOffice makes of `bytes` (`ext`: what to call the input so
/// LibreOffice picks the right import filter), from the cache when it has it.
pub fn convert(bytes: &[u8], ext: &str) -> Result<Converted, ConvertError> {
    let dir = cache_dir();
    let io = |e: std::io::Error| ConvertError::Io(format!("{}：{e}", dir.display()));
    let k = key(bytes);
    let (docx_path, src_path) = (dir.join(format!("{k}.docx")), dir.join(format!("{k}.src")));
    if std::fs::read(&src_path).is_ok_and(|s| s == bytes) {
        if let Ok(docx) = std::fs::read(&docx_path) {
            touch(&docx_path);
            return Ok(Converted { docx, file: docx_path });
        }
    }
    create_private(&dir).map_err(io)?;
    let docx = soffice::to_docx(bytes, ext, &dir)?;
    write_atomic(&src_path, bytes).map_err(io)?;
    write_atomic(&docx_path, &docx).map_err(io)?;
    prune_once(&dir);
    Ok(Converted { docx, file: docx_path })
}

fn create_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn touch(path: &Path) {
    if let Ok(f) = std::fs::File::options().write(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// Removes entries unused for `KEEP`, at most once per process.
fn prune_once(dir: &Path) {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        let Ok(list) = std::fs::read_dir(dir) else { return };
        for e in list.flatten() {
            let age = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).unwrap_or_default();
            // A killed run's conversion folder.
            if e.file_name().to_string_lossy().starts_with("convert-") && age > Duration::from_secs(24 * 3600) {
                let _ = std::fs::remove_dir_all(e.path());
            } else if age > KEEP {
                let p = e.path();
                let _ = std::fs::remove_file(p.with_extension("src"));
                let _ = std::fs::remove_file(p.with_extension("docx"));
            }
        }
    });
}

impl ConvertError {
    /// The message for Word file `name` (`通知.doc`).
    pub fn message(&self, ext: &str) -> String {
        match self {
            ConvertError::NotInstalled => format!("无法读取 .{ext} 文件：服务器上没有安装 LibreOffice，只能直接读取 .docx"),
            ConvertError::Timeout(s) => format!("用 LibreOffice 转换 .{ext} 文件超过 {s} 秒仍未完成，已放弃"),
            ConvertError::Failed(why) => format!("LibreOffice 无法转换这个 .{ext} 文件（{why}）"),
            ConvertError::Io(why) => format!("转换 .{ext} 文件时无法使用缓存文件夹：{why}"),
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            ConvertError::NotInstalled => {
                "在 Word 或 WPS 中把文件“另存为” Word 文档（.docx）格式；或请管理员在服务器上安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）"
            }
            ConvertError::Timeout(_) => "文件可能损坏或过大：在 Word/WPS 中打开并“另存为” .docx；管理员可用 DWGK_SOFFICE_TIMEOUT 调整时限（秒）",
            ConvertError::Failed(_) => "用 Word 或 WPS 打开这个文件，确认能正常显示后“另存为” .docx 格式",
            ConvertError::Io(_) => "管理员：检查 DWGK_CACHE_DIR（或 ~/.cache/dwgk）是否可写",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_with_content() {
        assert_ne!(key(b"a"), key(b"b"));
        assert!(key(b"abc").ends_with("-3"));
    }
}
