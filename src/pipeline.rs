//! One build, end to end: read → parse → assemble → render → write atomically.
//! The only place that sequences the stages; each stage reports all its problems.

use crate::config::{self, Config, Security};
use crate::content::entry::FileId;
use crate::diag::{Diagnostic, Diagnostics};
use crate::io::confine::{self, Fence};
use crate::io::output::Staging;
use crate::io::walk::{self, Entry, EntryKind, MAX_MARKDOWN_BYTES};
use crate::render::{self, NullSink, Sink};
use crate::site::{self, source, BuildOptions, Site};
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

pub struct Request {
    pub root: PathBuf,
    /// `None`: check only, write nothing.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub opts: BuildOptions,
    pub trust: Trust,
}

/// What a build trusts beyond content (docs/deploy.md “信任模型”).
#[derive(Debug, Clone)]
pub struct Trust {
    /// Where `templates/`, `themes/` and `static/` are read: the site folder (build,
    /// check, serve), the admin's `publish --code` folder, or nowhere (`None`:
    /// the built-in theme only).
    pub code: Option<PathBuf>,
    /// `None`: config.toml's `[security]` counts (the operator's own folder).
    /// `Some`: the admin's allowances (`publish`'s command line); a `[security]` in
    /// the source's config.toml is ignored, with a warning.
    pub security: Option<Security>,
}

impl Trust {
    /// The operator's own site folder: its code and its `[security]` count.
    pub fn site(root: &Path) -> Trust {
        Trust { code: Some(root.to_path_buf()), security: None }
    }

    /// Warnings for code folders in a source whose code is not trusted: they are not read.
    fn ignored_code(&self, root: &Path) -> Vec<Diagnostic> {
        let same = |c: &PathBuf| c.canonicalize().ok().zip(root.canonicalize().ok()).is_some_and(|(a, b)| a == b);
        if self.code.as_ref().is_some_and(same) {
            return Vec::new();
        }
        ["templates", "themes", "static"]
            .into_iter()
            .filter(|d| std::fs::read_dir(root.join(d)).is_ok_and(|mut rd| rd.next().is_some()))
            .map(|d| {
                Diagnostic::warning(format!("源文件夹里的 {d}/ 是网站代码（模板、主题、静态文件），dwgk publish 不使用它")).file(format!("{d}/")).hint(
                    "网站代码只能由管理员提供：放在 dwgk publish --code 指定的文件夹里（docs/deploy.md“信任模型”）；共享文件夹里只放 config.toml 和 content/",
                )
            })
            .collect()
    }
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

fn read_sources(entries: &[Entry]) -> (Vec<source::Source>, Vec<Diagnostic>) {
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
            match confine::read_at_most(&e.abs, e.id, MAX_MARKDOWN_BYTES) {
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

/// Reads the data files pages name (ledgers, plan tables), in parallel.
fn read_files(wanted: &[site::tables::Wanted]) -> site::tables::Files {
    let max = crate::content::limits::MAX_FILE_BYTES;
    wanted.par_iter().map(|w| (w.rel.clone(), confine::read_at_most(&w.abs, w.id, max).map_err(|e| e.to_string()))).collect()
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

/// Reads `config.toml`, walks `content/` (inside the fence `trust` and the
/// configuration allow) and reads and parses every Markdown file.
pub fn read_input(root: &Path, trust: &Trust) -> Input {
    let mut timer = Timer::new();
    let (mut config, mut diags) = load_config(root);
    let Some(cfg) = config.as_mut() else {
        return Input { config, entries: Vec::new(), sources: Vec::new(), diags };
    };
    if let Some(admin) = &trust.security {
        if !cfg.security.is_empty() {
            diags.push(
                Diagnostic::warning("config.toml 的 [security] 在 dwgk publish 中不起作用：源文件夹不能放宽自己的读取范围")
                    .file(config::FILE_NAME)
                    .hint("由管理员在启动命令中写 --allow-read 文件夹、--allow-env 变量名（docs/deploy.md“信任模型”）"),
            );
        }
        cfg.security = admin.clone();
    }
    diags.extend(trust.ignored_code(root));
    let fence = Fence::allowing(root, &cfg.security.allow_read);
    let content = root.join("content");
    let (entries, d) = if content.is_dir() {
        walk::walk(&content, "content", &fence)
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
    load_site_from(read_input(&req.root, &req.trust), req, notes)
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
    stage(req, read_input(&req.root, &req.trust), hooks).commit()
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
    let code = req.trust.code.as_deref();
    let (templates, d) = render::theme::load(code, &config.theme, &config.security);
    diags.extend(d);
    let (statics, d) = render::theme::static_files(code, &config.theme, &config.security);
    diags.extend(d);
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
    fn copy(&self, rel: &str, from: &Path, id: Option<FileId>) -> Result<(), String> {
        self.1.copied(rel, from);
        self.0.copy(rel, from, id).map_err(|e| e.to_string())
    }
}
