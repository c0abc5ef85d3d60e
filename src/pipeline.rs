//! One build, end to end: read → parse → assemble → render → write atomically.
//! The only place that sequences the stages; each stage reports all its problems.

use crate::config::{self, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::io::output::Staging;
use crate::io::walk::{self, Entry, EntryKind, MAX_MARKDOWN_BYTES};
use crate::render::{self, NullSink, Sink};
use crate::site::{self, source, BuildOptions, Site};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Request {
    pub root: PathBuf,
    /// `None`: check only, write nothing.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub opts: BuildOptions,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub sections: usize,
    pub attachments: usize,
    pub written: bool,
}

pub fn load_config(root: &Path) -> (Option<Config>, Vec<Diagnostic>) {
    let path = root.join(config::FILE_NAME);
    match std::fs::read(&path) {
        Ok(bytes) => match crate::content::decode::decode(&bytes) {
            Ok((text, _)) => Config::parse(&text),
            Err(e) => (None, vec![Diagnostic::error(e.message()).file(config::FILE_NAME).hint(e.hint())]),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            None,
            vec![Diagnostic::error(format!("在 {} 找不到 config.toml，这里不是一个 dwgk 站点", root.display()))
                .hint("用 --root 指定站点文件夹，或运行 dwgk init 新建一个站点")],
        ),
        Err(e) => (None, vec![Diagnostic::error(format!("无法读取 config.toml：{e}")).file(config::FILE_NAME)]),
    }
}

/// Reads and parses the Markdown files, then the Word files that are pages (not
/// those the Markdown makes attachments: `site::word::attached`).
fn read_sources(entries: &[Entry]) -> (Vec<source::Source>, Vec<Diagnostic>) {
    let (mut sources, mut diags) = read_markdown(entries);
    let attached = site::word::attached(entries, &sources);
    let sidecars: HashMap<&str, &Entry> = entries.iter().filter(|e| e.kind == EntryKind::Sidecar).map(|e| (&e.rel[..e.rel.len() - ".toml".len()], e)).collect();
    let words: Vec<&Entry> = entries.iter().filter(|e| e.kind == EntryKind::Word && !attached.contains(&e.rel)).collect();
    let results: Vec<(Option<source::Source>, Vec<Diagnostic>)> = words.par_iter().map(|e| read_word(e, format!("content/{}", e.rel), &sidecars)).collect();
    for (s, d) in results {
        sources.extend(s);
        diags.extend(d);
    }
    (sources, diags)
}

fn read_markdown(entries: &[Entry]) -> (Vec<source::Source>, Vec<Diagnostic>) {
    let results: Vec<(Option<source::Source>, Vec<Diagnostic>)> = entries
        .par_iter()
        .filter(|e| e.kind == EntryKind::Markdown)
        .map(|e| {
            let display = format!("content/{}", e.rel);
            if e.size > MAX_MARKDOWN_BYTES {
                let d = Diagnostic::error(format!("页面文件太大（{}），超过 10 MB 上限", crate::render::parts::filesize_text(e.size)))
                    .file(display)
                    .hint("图片、扫描件请作为附件放在同一文件夹并用链接引用，不要粘贴进正文");
                return (None, vec![d]);
            }
            match std::fs::read(&e.abs) {
                Ok(bytes) => source::parse(&e.rel, &display, &bytes),
                Err(err) => (None, vec![Diagnostic::error(format!("无法读取文件：{err}")).file(display).hint("检查文件权限；共享文件夹是否仍然挂载")]),
            }
        })
        .collect();
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    for (s, d) in results {
        sources.extend(s);
        diags.extend(d);
    }
    (sources, diags)
}

/// A Word page: the file (converted by LibreOffice when it is not a `.docx`) read
/// as a document, with its sidecar `X.toml`.
fn read_word(e: &Entry, display: String, sidecars: &HashMap<&str, &Entry>) -> (Option<source::Source>, Vec<Diagnostic>) {
    use crate::content::docx::{self, limits, package, DocxError};
    let unreadable =
        |err: std::io::Error| (None, vec![Diagnostic::error(format!("无法读取文件：{err}")).file(&display).hint("检查文件权限；共享文件夹是否仍然挂载")]);
    if e.size > limits::MAX_FILE_BYTES {
        let d = Diagnostic::error(DocxError::TooLarge(limits::Limit::FileBytes).message())
            .file(&display)
            .hint(DocxError::TooLarge(limits::Limit::FileBytes).hint());
        return (None, vec![d]);
    }
    let bytes = match std::fs::read(&e.abs) {
        Ok(b) => b,
        Err(err) => return unreadable(err),
    };
    let ext = docx::extension_of(&e.rel).unwrap_or("docx");
    let (read, media_file) = match docx::read(&bytes) {
        Err(DocxError::NeedsConversion(_)) => {
            // Name the input by what it is, so LibreOffice picks the right import filter.
            let as_ext = match package::sniff(&bytes) {
                package::Sniffed::Ole { .. } => "doc",
                package::Sniffed::Rtf => "rtf",
                package::Sniffed::Html => "html",
                package::Sniffed::Zip => "odt",
                package::Sniffed::Unknown => ext,
            };
            match crate::io::office::convert(&bytes, as_ext) {
                Ok(c) => (docx::read(&c.docx), c.file),
                Err(err) => return (None, vec![Diagnostic::error(err.message(ext)).file(&display).hint(err.hint())]),
            }
        }
        other => (other, e.abs.clone()),
    };
    let stem = &e.rel[..e.rel.len() - ext.len() - 1];
    let side = sidecars.get(stem).map(|s| (format!("content/{}", s.rel), std::fs::read(&s.abs)));
    let side = match side {
        Some((d, Ok(b))) => Some((d, b)),
        Some((d, Err(err))) => return (None, vec![Diagnostic::error(format!("无法读取设置文件：{err}")).file(d).hint("检查文件权限")]),
        None => None,
    };
    site::word::parse(&e.rel, &display, read, side.as_ref().map(|(d, b)| (d.as_str(), b.as_slice())), media_file)
}

/// Reads the data files pages name (ledgers, plan tables), in parallel.
fn read_files(wanted: &[site::tables::Wanted]) -> site::tables::Files {
    wanted.par_iter().map(|w| (w.rel.clone(), std::fs::read(&w.abs).map_err(|e| e.to_string()))).collect()
}

/// The source folder read and parsed: everything of a build that does not depend
/// on the audience, so `publish` can build both audiences from one reading.
#[derive(Clone)]
pub struct Input {
    config: Option<Config>,
    entries: Vec<Entry>,
    sources: Vec<source::Source>,
    diags: Vec<Diagnostic>,
}

/// Reads `config.toml`, walks `content/` and reads and parses every Markdown file.
pub fn read_input(root: &Path) -> Input {
    let mut timer = Timer::new();
    let (config, mut diags) = load_config(root);
    if config.is_none() {
        return Input { config, entries: Vec::new(), sources: Vec::new(), diags };
    }
    let content = root.join("content");
    let (entries, d) = if content.is_dir() {
        walk::walk(&content, "content")
    } else {
        (Vec::new(), vec![Diagnostic::error("找不到 content/ 文件夹").hint("在站点文件夹里新建 content/，把 Markdown 文件放进去")])
    };
    diags.extend(d);
    timer.lap("walk");
    let (sources, d) = read_sources(&entries);
    diags.extend(d);
    timer.lap("read+parse");
    Input { config, entries, sources, diags }
}

/// Reads and assembles the site and computes compliance: everything before
/// rendering. `None` when the configuration is unusable.
pub fn load_site(req: &Request, notes: bool) -> (Option<Site>, Diagnostics) {
    load_site_from(read_input(&req.root), req, notes)
}

fn load_site_from(input: Input, req: &Request, notes: bool) -> (Option<Site>, Diagnostics) {
    let mut timer = Timer::new();
    let mut diags = Diagnostics::default();
    diags.extend(input.diags);
    let Some(mut config) = input.config else {
        return (None, diags);
    };
    if let Some(url) = &req.base_url {
        match config.clone().with_base_url(url) {
            Ok(c) => config = c,
            Err(d) => diags.push(*d),
        }
    }
    let (mut site, d) = site::assemble(&config, req.opts, &input.entries, input.sources);
    diags.extend(d);
    timer.lap("assemble");
    let (wanted, d) = site::tables::wanted(&site);
    diags.extend(d);
    diags.extend(site.compute_tables(&read_files(&wanted)));
    timer.lap("ledgers+plans");
    diags.extend(site.compute_compliance(notes));
    timer.lap("compliance");
    // A Word page's problems at a line are at a paragraph: `第12段`.
    site::word::locate(&site.pages, &mut diags.0);
    (Some(site), diags)
}

/// What `Hooks::filter` makes of an output file.
pub struct Filtered<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// `bytes` equal the file at the same path in `Hooks::base`: it is hard-linked.
    pub in_base: bool,
}

/// What a caller may add to a build: `publish` records the page set, stamps
/// release ids into pages and decides at the last moment whether to commit.
pub trait Hooks: Sync {
    /// After assembly and compliance, before rendering: every page, hidden ones too.
    fn assembled(&self, _site: &Site) {}
    /// The bytes written for output file `rel` (default: unchanged).
    fn filter<'a>(&self, _rel: &str, bytes: &'a [u8]) -> Filtered<'a> {
        Filtered { bytes: Cow::Borrowed(bytes), in_base: false }
    }
    /// A file copied as is (attachments, static files).
    fn copied(&self, _rel: &str, _from: &Path) {}
    /// Everything rendered without errors into `dir`, not yet swapped in. `Ok(false)`
    /// discards the output (nothing changes); `Err` fails the build.
    fn before_commit(&self, _site: &Site, _dir: &Path) -> Result<bool, String> {
        Ok(true)
    }
    /// A tree of an earlier build to update instead of writing every file, and
    /// whether nothing can be reading it (changed files then keep their inodes).
    /// Default: the output the last build replaced (`Staging::begin`).
    fn spare(&self) -> Option<(PathBuf, bool)> {
        None
    }
    /// A complete earlier tree that is never written again (`publish`: the live
    /// release): files equal to its are hard links to it (`Staging::link_from`).
    fn base(&self) -> Option<PathBuf> {
        None
    }
}

/// No additions: a plain build.
pub struct NoHooks;

impl Hooks for NoHooks {}

/// Runs a build (or a check when `req.output` is `None`).
pub fn run(req: &Request) -> (Summary, Diagnostics) {
    run_with(req, &NoHooks)
}

/// `run` with the caller's hooks.
pub fn run_with(req: &Request, hooks: &dyn Hooks) -> (Summary, Diagnostics) {
    stage(req, read_input(&req.root), hooks).commit()
}

/// A build rendered into its staging folder and not yet swapped in.
pub struct Staged {
    pub summary: Summary,
    pub diags: Diagnostics,
    /// Present when the build had no errors and `before_commit` kept it.
    staging: Option<Staging>,
}

impl Staged {
    /// Whether there is output waiting to be swapped in.
    pub fn ready(&self) -> bool {
        self.staging.is_some()
    }

    /// Removes the output unswapped.
    pub fn discard(mut self) -> (Summary, Diagnostics) {
        self.staging = None;
        (self.summary, self.diags)
    }

    /// Swaps the output in (`summary.written`); a failed swap is an error.
    pub fn commit(mut self) -> (Summary, Diagnostics) {
        if let Some(staging) = self.staging.take() {
            match staging.commit() {
                Ok(()) => self.summary.written = true,
                Err(e) => {
                    self.diags.push(Diagnostic::error(e.to_string()));
                    self.diags.sort();
                }
            }
        }
        (self.summary, self.diags)
    }
}

/// Builds from `input` up to the swap: dropping the result discards the output.
pub fn stage(req: &Request, input: Input, hooks: &dyn Hooks) -> Staged {
    let (site, mut diags) = load_site_from(input, req, req.output.is_none());
    let Some(mut site) = site else {
        diags.sort();
        return Staged { summary: Summary::default(), diags, staging: None };
    };
    hooks.assembled(&site);
    let config = site.config.clone();
    let mut timer = Timer::new();
    diags.extend(site.render_markdown());
    site.release_sources();
    timer.lap("markdown");
    let (templates, d) = render::theme::load(&req.root, &config.theme);
    diags.extend(d);
    let statics = render::theme::static_files(&req.root, &config.theme);
    let summary = summarize(&site);
    let site = std::sync::Arc::new(site);
    let mut kept = None;

    if let Some(templates) = templates {
        match (&req.output, diags.has_errors()) {
            (Some(out), false) => match hooks.spare().map_or_else(|| Staging::begin(out), |(dir, in_place)| Staging::begin_reusing(out, &dir, in_place)) {
                Ok(mut staging) => {
                    staging.link_from(hooks.base());
                    let sink = StagingSink(&staging, hooks);
                    diags.extend(render::render_site(&site, templates, statics, &sink));
                    if !diags.has_errors() {
                        if let Err(e) = staging.sweep() {
                            diags.push(Diagnostic::error(e.to_string()));
                        }
                    }
                    if !diags.has_errors() {
                        match hooks.before_commit(&site, staging.dir()) {
                            Ok(true) => kept = Some(staging),
                            Ok(false) => {}
                            Err(e) => diags.push(Diagnostic::error(e)),
                        }
                    }
                }
                Err(e) => diags.push(Diagnostic::error(e.to_string())),
            },
            _ => diags.extend(render::render_site(&site, templates, statics, &NullSink)),
        }
    }
    timer.lap("render+write");
    diags.sort();
    Staged { summary, diags, staging: kept }
}

/// Stage timings on stderr when `DWGK_TIMINGS` is set (used by bench/).
struct Timer {
    on: bool,
    last: std::time::Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer { on: render::timings(), last: std::time::Instant::now() }
    }

    fn lap(&mut self, stage: &str) {
        if self.on {
            eprintln!("timing {stage} {:.3} {}", self.last.elapsed().as_secs_f64(), render::memory_mib());
        }
        self.last = std::time::Instant::now();
    }
}

fn summarize(site: &Site) -> Summary {
    Summary {
        pages: site.pages.iter().filter(|p| p.visible()).count(),
        sections: site.sections.iter().filter(|s| s.hidden.is_none()).count(),
        attachments: site.assets.iter().filter(|a| a.published).count(),
        written: false,
    }
}

struct StagingSink<'a>(&'a Staging, &'a dyn Hooks);

impl Sink for StagingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), String> {
        let f = self.1.filter(rel, bytes);
        if f.in_base { self.0.write_linked(rel, &f.bytes) } else { self.0.write(rel, &f.bytes) }.map_err(|e| e.to_string())
    }
    fn copy(&self, rel: &str, from: &Path) -> Result<(), String> {
        self.1.copied(rel, from);
        self.0.copy(rel, from).map_err(|e| e.to_string())
    }
}
