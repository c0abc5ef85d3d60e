//! Runs LibreOffice headless to turn a `.doc`, `.wps`, `.odt` or `.rtf` (or a
//! mislabelled `.docx`) into a `.docx`: a throwaway profile per conversion (so a
//! running LibreOffice of the same user is never touched), one conversion at a
//! time per process, a timeout after which its whole process group is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Default seconds one conversion may take (`DWGK_SOFFICE_TIMEOUT` overrides).
pub const TIMEOUT_SECONDS: u64 = 120;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertError {
    /// No `soffice` on `PATH` (or `DWGK_SOFFICE` names none).
    NotInstalled,
    Timeout(u64),
    /// LibreOffice ran and made no `.docx`: its last words.
    Failed(String),
    Io(String),
}

/// `DWGK_SOFFICE` (empty: none), else `soffice` or `libreoffice` on `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("DWGK_SOFFICE") {
        let p = PathBuf::from(v);
        return (!p.as_os_str().is_empty() && p.is_file()).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|d| ["soffice", "libreoffice"].map(|n| d.join(n))).find(|p| p.is_file())
}

fn timeout() -> Duration {
    let secs = std::env::var("DWGK_SOFFICE_TIMEOUT").ok().and_then(|v| v.parse().ok()).unwrap_or(TIMEOUT_SECONDS);
    Duration::from_secs(secs.max(1))
}

/// Converts `bytes` (a document LibreOffice can open, written as `input.<ext>`)
/// in a fresh folder under `work`, and returns the `.docx` bytes.
pub fn to_docx(bytes: &[u8], ext: &str, work: &Path) -> Result<Vec<u8>, ConvertError> {
    let soffice = find().ok_or(ConvertError::NotInstalled)?;
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = work.join(format!("convert-{}-{}", std::process::id(), unique()));
    let io = |e: std::io::Error| ConvertError::Io(e.to_string());
    std::fs::create_dir_all(dir.join("out")).map_err(io)?;
    let result = run(&soffice, bytes, ext, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn run(soffice: &Path, bytes: &[u8], ext: &str, dir: &Path) -> Result<Vec<u8>, ConvertError> {
    use std::os::unix::process::CommandExt;
    let io = |e: std::io::Error| ConvertError::Io(e.to_string());
    let input = dir.join(format!("input.{ext}"));
    std::fs::write(&input, bytes).map_err(io)?;
    let log = std::fs::File::create(dir.join("soffice.log")).map_err(io)?;
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let mut child = Command::new(soffice)
        .args(["--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault"])
        .arg(profile)
        .args(["--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(dir.join("out"))
        .arg(&input)
        .env("SAL_USE_VCLPLUGIN", "svp")
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io)?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(io)?;
    let limit = timeout();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(io)? {
            break s;
        }
        if started.elapsed() > limit {
            // The whole group: soffice starts oosplash, which starts soffice.bin.
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGKILL);
            }
            let _ = child.wait();
            return Err(ConvertError::Timeout(limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    match std::fs::read(dir.join("out").join("input.docx")) {
        Ok(docx) if !docx.is_empty() => Ok(docx),
        _ => {
            let said = std::fs::read_to_string(dir.join("soffice.log")).unwrap_or_default();
            let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
            Err(ConvertError::Failed(if last.is_empty() { format!("退出状态 {status}") } else { last }))
        }
    }
}
