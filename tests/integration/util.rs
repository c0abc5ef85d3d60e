//! Fixture builder: a throwaway site in a temp folder, built in code, and a runner
//! for the real `dwgk` binary. Every test builds its own tiny site.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const BASE_URL: &str = "http://example.org/";

/// Output of one `dwgk` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output when the exit code is not `code`.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts that stderr contains every needle.
    pub fn stderr_has(&self, needles: &[&str]) -> &Self {
        for n in needles {
            assert!(self.stderr.contains(n), "stderr lacks {n:?}\n--- stderr\n{}", self.stderr);
        }
        self
    }

    pub fn tuple(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A minimal site: `config.toml` (title, base_url) and an empty `content/`.
    pub fn new() -> Site {
        let dir = tempfile::Builder::new().prefix("dwgk-it-").tempdir().expect("tempdir");
        let site = Site { dir };
        site.file("config.toml", &format!("title = \"测试党务公开\"\nbase_url = \"{BASE_URL}\"\n"));
        std::fs::create_dir_all(site.path().join("content")).expect("content/");
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a text file at `rel` (relative to the site root), creating folders.
    pub fn file(&self, rel: &str, text: &str) -> &Self {
        self.bytes(rel, text.as_bytes())
    }

    pub fn bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write fixture");
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).expect("remove fixture");
        self
    }

    /// A page `content/<rel>` with a title and a body.
    pub fn page(&self, rel: &str, title: &str, body: &str) -> &Self {
        self.file(&format!("content/{rel}"), &format!("+++\ntitle = \"{title}\"\n+++\n{body}"))
    }

    /// An unrelated broken `@/` link at `content/other.md:4:3`, to show that a
    /// build reports every problem at once, not only the first.
    pub fn unrelated_error(&self) -> &Self {
        self.file("content/other.md", "+++\ntitle = \"其他\"\n+++\n见《[不存在](@/no/such/page.md)》。\n")
    }

    pub const UNRELATED_AT: &'static str = "content/other.md:4:3";

    /// Runs `dwgk <args> --root <site>`; for `init` use `run_in`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push("--root".into());
        all.push(self.path().to_string_lossy().into_owned());
        run_dwgk(&all, self.path())
    }

    /// Runs `dwgk <args>` with the site folder as working directory.
    pub fn run_in(&self, args: &[&str]) -> Run {
        let all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        run_dwgk(&all, self.path())
    }

    /// `build`, asserting success.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let r = self.run(&args);
        r.expect(0);
        assert!(!r.stderr.contains("错误:"), "a successful build printed errors:\n{}", r.stderr);
        r
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    /// A file of the default output, as text.
    pub fn out(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read output {}: {e}\noutput files: {:#?}", p.display(), files(&self.public()).keys().collect::<Vec<_>>()))
    }

    pub fn out_exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dwgk")
}

pub fn run_dwgk(args: &[String], cwd: &Path) -> Run {
    let out = Command::new(bin()).args(args).current_dir(cwd).env("NO_COLOR", "1").output().expect("run dwgk");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir` (relative `/`-path → bytes), through linked folders too.
/// Empty when `dir` is missing.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().expect("file type");
            // Linked folders are followed (an internal release's `_status`).
            if ft.is_dir() || (ft.is_symlink() && p.is_dir()) {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).expect("read output"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Names in a folder (not recursive), sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).expect("read_dir").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Percent-encodes a path like the generator does (everything but unreserved ASCII and `/`).
pub fn pct(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Values of attribute `attr` (`href`, `src`) in `html`, in order.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        // Only whole attribute names (`href`, not `data-href`).
        let ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = &rest[i + needle.len()..];
        let end = after.find('"').unwrap_or(after.len());
        if ok {
            out.push(after[..end].to_string());
        }
        rest = &after[end..];
    }
    out
}

/// The opening tags `<name ...>` in `html`.
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let next = after.as_bytes().get(open.len()).copied().unwrap_or(b'>');
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        if next == b' ' || next == b'>' || next == b'/' || next == b'\n' {
            out.push(&after[..end]);
        }
        rest = &after[end.max(1)..];
    }
    out
}

/// The part of `html` between the first `start` and the next `end` after it.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).unwrap_or_else(|| panic!("{start:?} not found in\n{html}"));
    let rest = &html[i..];
    let j = rest.find(end).unwrap_or(rest.len());
    &rest[..j]
}

/// Tests that assert wall-clock timing (a page due in 3 s must appear within 1 s) run
/// alone against the CPU-heavy ones (nginx under load, SIGKILLed builds, browsers):
/// on a 2-core CI machine they would otherwise measure the neighbours.
static CPU: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Held by a timing-sensitive test: no heavy test runs meanwhile.
pub fn quiet() -> std::sync::RwLockWriteGuard<'static, ()> {
    CPU.write().unwrap_or_else(|e| e.into_inner())
}

/// Held by a CPU-heavy test: heavy tests may overlap each other, not a `quiet` one.
pub fn heavy() -> std::sync::RwLockReadGuard<'static, ()> {
    CPU.read().unwrap_or_else(|e| e.into_inner())
}

/// A workbook with one sheet named `Sheet1`, filled by `fill` (a real .xlsx, as an
/// Excel-compatible writer saves it).
pub fn xlsx(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    fill(ws);
    wb.save_to_buffer().unwrap()
}

/// Copies a folder tree (fixtures taken from the example site).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Flags every headless Chromium of the tests starts with (no network of its own,
/// no first-run work); the profile folder and the mode are added by each caller.
pub const CHROMIUM_FLAGS: &[&str] =
    &["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/// An external tool a test needs (`found` when installed): without it the test fails
/// when `CI` is set (`.ci/run` installs it) and is skipped, loudly, otherwise.
pub fn require<T>(found: Option<T>, what: &str, install: &str) -> Option<T> {
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI is set but {what} is missing: .ci/run must install it ({install})");
        eprintln!("SKIPPED: {what} not installed ({install})");
    }
    found
}

/// LibreOffice's `soffice` (Debian: libreoffice-calc-nogui).
pub fn soffice() -> Option<&'static str> {
    let found = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"].into_iter().find(|p| Path::new(p).exists());
    require(found, "LibreOffice", "apt-get install --no-install-recommends libreoffice-calc-nogui")
}

/// Converts `file` with LibreOffice (`soffice --convert-to <filter>`) into `out_dir`,
/// with a profile of its own (parallel tests never share one). A .csv is opened as
/// UTF-8, comma-separated.
pub fn soffice_convert(exe: &str, file: &Path, filter: &str, out_dir: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(exe);
    if file.extension().is_some_and(|e| e == "csv") {
        cmd.arg("--infilter=Text - txt - csv (StarCalc):44,34,76,1");
    }
    let out = cmd
        .args(["--headless", "--norestore", &format!("-env:UserInstallation=file://{}", profile.path().display()), "--convert-to", filter, "--outdir"])
        .arg(out_dir)
        .arg(file)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice --convert-to {filter} {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
}

/// CSV text (as LibreOffice writes it: RFC 4180 quotes) → rows of fields.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    dwgk::content::table::parse_csv(&text.trim_start_matches('\u{feff}').replace("\r\n", "\n"), ',').expect("CSV")
}
