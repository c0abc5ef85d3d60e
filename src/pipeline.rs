//! One build, end to end: read → parse → assemble → render → write atomically.
//! The only place that sequences the stages; each stage reports all its problems.

use crate::config::{self, Config, Security};
use crate::content::entry::FileId;
use crate::diag::{Diagnostic, Diagnostics};
use crate::domain::catalogue::FirstPublished;
use crate::io::confine::{self, Fence};
use crate::io::output::{OutputError, Staging};
use crate::io::walk::{self, Entry, EntryKind, MAX_MARKDOWN_BYTES};
use crate::render::{self, NullSink, Sink};
use crate::site::{self, source, BuildOptions, Site};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod cache;
mod isolate;
mod outputs;
mod spill;
pub use cache::beside as cache_beside;
pub use isolate::{prepare_isolated, stage_isolated, HeldFile, Previous, Shown};

pub struct Request {
    pub root: PathBuf,
    /// `None`: check only, write nothing.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub opts: BuildOptions,
    /// When pages were first published (the publisher's journal, read by `cmd`), for
    /// the catalogue's timeliness; empty: pages count from their own dates.
    pub published: FirstPublished,
    pub trust: Trust,
    /// Where this output's build cache lives (`pipeline::cache`); `None`: none.
    pub cache: Option<PathBuf>,
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
    /// Files under `content/` not to read, with the reason (`publish::crash`: the
    /// files an attempt that ended abnormally may have died on). Each is a
    /// problem of its own page; shared so the daemon sets it between attempts.
    pub quarantine: Quarantine,
}

pub type Quarantine = std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, String>>>;

impl Trust {
    /// The operator's own site folder: its code and its `[security]` count.
    pub fn site(root: &Path) -> Trust {
        Trust { code: Some(root.to_path_buf()), security: None, quarantine: Default::default() }
    }

    /// The quarantined files now: `(rel, reason)`.
    fn quarantined(&self) -> std::collections::BTreeMap<String, String> {
        self.quarantine.lock().map(|q| q.clone()).unwrap_or_default()
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
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && std::fs::read_dir(root).is_ok_and(|mut d| d.next().is_none()) => (
            None,
            vec![Diagnostic::error(format!("在 {} 找不到 config.toml：源文件夹是空的", root.display()))
                .hint("如果这是共享文件夹，检查是否已挂载（用 ls 查看）；否则用 --root 指定站点文件夹，或运行 dwgk init 新建一个站点")],
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            None,
            vec![Diagnostic::error(format!("在 {} 找不到 config.toml，这里不是一个 dwgk 站点", root.display()))
                .hint("用 --root 指定站点文件夹，或运行 dwgk init 新建一个站点")],
        ),
        Err(e) => (None, vec![Diagnostic::error(format!("无法读取 config.toml：{e}")).file(config::FILE_NAME)]),
    }
}

/// Reads and parses one page file (`e.abs`: the source folder, or for a held-back
/// page the last published release's copy).
fn read_source(e: &Entry) -> (Option<source::Source>, Vec<Diagnostic>) {
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
}

/// Reads and parses the Markdown files, then the Word files that are pages (not
/// those the Markdown makes attachments: `site::word::attached`).
fn read_sources(entries: &[Entry], quarantine: &std::collections::BTreeMap<String, String>) -> (Vec<source::Source>, Vec<Diagnostic>) {
    let mut diags = quarantined_errors(entries.iter().filter(|e| matches!(e.kind, EntryKind::Markdown | EntryKind::Word)), quarantine);
    // Copied only after a crash (the list is then short of the quarantined files).
    let readable: Cow<[Entry]> =
        if quarantine.is_empty() { Cow::Borrowed(entries) } else { Cow::Owned(entries.iter().filter(|e| !quarantine.contains_key(&e.rel)).cloned().collect()) };
    let entries = &readable[..];
    let (mut sources, d) = read_markdown(entries);
    diags.extend(d);
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

/// One error per quarantined page file: its page is held back like any page with errors.
fn quarantined_errors<'a>(entries: impl Iterator<Item = &'a Entry>, quarantine: &std::collections::BTreeMap<String, String>) -> Vec<Diagnostic> {
    entries
        .filter_map(|e| quarantine.get(&e.rel).map(|why| (e, why)))
        .map(|(e, why)| {
            Diagnostic::error(why.clone())
                .file(format!("content/{}", e.rel))
                .hint("检查这个文件能否在 Word/WPS/Excel 中正常打开；修改并重新保存后会再次读取（docs/deploy.md“发布进程异常退出时”）")
        })
        .collect()
}

fn read_markdown(entries: &[Entry]) -> (Vec<source::Source>, Vec<Diagnostic>) {
    let results: Vec<(Option<source::Source>, Vec<Diagnostic>)> = entries.par_iter().filter(|e| e.kind == EntryKind::Markdown).map(read_source).collect();
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
    let bytes = match confine::read_at_most(&e.abs, e.id, limits::MAX_FILE_BYTES) {
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
    let side = sidecars.get(stem).map(|s| (format!("content/{}", s.rel), confine::read_at_most(&s.abs, s.id, 1 << 20)));
    let side = match side {
        Some((d, Ok(b))) => Some((d, b)),
        Some((d, Err(err))) => return (None, vec![Diagnostic::error(format!("无法读取设置文件：{err}")).file(d).hint("检查文件权限")]),
        None => None,
    };
    site::word::parse(&e.rel, &display, read, side.as_ref().map(|(d, b)| (d.as_str(), b.as_slice())), media_file)
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
    /// What page-level fault isolation held back (`isolate`); empty otherwise.
    isolation: site::isolation::Isolation,
    /// Built by `stage_isolated`: a page file that makes no page (it failed to
    /// parse) counts as held back for the links to it.
    isolating: bool,
}

/// Reads `config.toml`, walks `content/` (inside the fence `trust` and the
/// configuration allow) and reads and parses every Markdown file.
pub fn read_input(root: &Path, trust: &Trust) -> Input {
    let mut timer = render::Timer::new();
    let (mut config, mut diags) = load_config(root);
    let Some(cfg) = config.as_mut() else {
        return Input { config, entries: Vec::new(), sources: Vec::new(), diags, isolation: Default::default(), isolating: false };
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
    let (sources, d) = read_sources(&entries, &trust.quarantined());
    diags.extend(d);
    timer.lap("read+parse");
    Input { config, entries, sources, diags, isolation: Default::default(), isolating: false }
}

/// Reads and assembles the site and computes compliance: everything before
/// rendering. `None` when the configuration is unusable.
pub fn load_site(req: &Request, notes: bool) -> (Option<Site>, Diagnostics) {
    load_site_from(read_input(&req.root, &req.trust), req, notes)
}

fn load_site_from(input: Input, req: &Request, notes: bool) -> (Option<Site>, Diagnostics) {
    let mut timer = render::Timer::new();
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
    site.isolation = input.isolation;
    if input.isolating {
        let unplaced = input.entries.iter().filter(|e| e.kind == EntryKind::Markdown && !site.by_rel.contains_key(&e.rel));
        site.isolation.absent.extend(unplaced.map(|e| e.rel.clone()).collect::<Vec<_>>());
    }
    diags.extend(d);
    timer.lap("assemble");
    let (wanted, d) = site::tables::wanted(&site);
    diags.extend(d);
    let mut files = read_files(&wanted);
    for (rel, why) in req.trust.quarantined() {
        if let Some(f) = files.get_mut(&rel) {
            *f = Err(why);
        }
    }
    diags.extend(site.compute_tables(&files));
    timer.lap("ledgers+plans");
    diags.extend(site.compute_compliance(notes, &req.published));
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
    /// Called once per round of `stage_isolated` (the last round's site is rendered).
    fn assembled(&self, _site: &Site) {}
    /// `stage_isolated`: what was held back, before the last round is rendered.
    fn isolated(&self, _held: &[HeldFile]) {}
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
    /// Default: the output this build replaces, checked file by file (it may
    /// have been changed by hand).
    fn base(&self) -> Option<PathBuf> {
        None
    }
    /// Whether the base tree's file at `rel`, which the last build rendered from
    /// the same inputs (`Sink::reuse`), may be kept as this build's. False: render it.
    fn reusable(&self, _rel: &str) -> bool {
        true
    }
    /// The base tree's file at `rel` was kept (after `reusable`).
    fn reused(&self, _rel: &str) {}
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
    /// What the build rendered, saved once its tree is committed.
    outputs: Option<outputs::Outputs>,
    /// `Sink::after_commit` work: run after the swap, or when the output is given up.
    after: Vec<render::AfterCommit>,
}

impl Staged {
    /// Whether there is output waiting to be swapped in.
    pub fn ready(&self) -> bool {
        self.staging.is_some()
    }

    /// The `Sink::after_commit` work, once.
    fn run_after(&mut self) {
        std::mem::take(&mut self.after).into_iter().for_each(|job| job());
    }

    /// Removes the output unswapped.
    pub fn discard(mut self) -> (Summary, Diagnostics) {
        self.staging = None;
        self.run_after();
        (self.summary, self.diags)
    }

    /// Swaps the output in (`summary.written`); a failed swap is an error.
    pub fn commit(mut self) -> (Summary, Diagnostics) {
        if let Some(staging) = self.staging.take() {
            let target = staging.target().to_path_buf();
            match staging.commit() {
                Ok(()) => {
                    self.summary.written = true;
                    if let Some(o) = self.outputs.take() {
                        // Not a build problem: the next build renders what it cannot keep.
                        if let Err(e) = o.save(&target) {
                            if render::timings() {
                                eprintln!("timing output-memo not written: {e}");
                            }
                        }
                    }
                }
                Err(e) => {
                    self.diags.push(e.diagnostic());
                    self.diags.sort();
                }
            }
        }
        self.run_after();
        (self.summary, self.diags)
    }
}

/// Builds from `input` up to the swap: dropping the result discards the output.
pub fn stage(req: &Request, input: Input, hooks: &dyn Hooks) -> Staged {
    let (site, diags) = cache::with_memo(req, |memo| prepare(req, input, hooks, req.output.is_none(), memo));
    render_staged(req, site, diags, hooks)
}

/// Everything before the templates: the site read, assembled, its compliance
/// computed (`Hooks::assembled` called) and its Markdown rendered with links
/// checked. `notes`: also the notes only `check` prints.
fn prepare(req: &Request, input: Input, hooks: &dyn Hooks, notes: bool, memo: &crate::site::memo::Memo) -> (Option<Site>, Diagnostics) {
    let entries = if notes { input.entries.clone() } else { Vec::new() };
    let (site, mut diags) = load_site_from(input, req, notes);
    let Some(mut site) = site else { return (None, diags) };
    hooks.assembled(&site);
    let mut timer = render::Timer::new();
    if let Some(out) = &req.output {
        let text: u64 = site.pages.iter().map(|p| p.src.text.len() as u64).sum();
        site.html_store = spill::for_site(out, text).map(|s| std::sync::Arc::new(s) as std::sync::Arc<dyn site::HtmlStore>);
    }
    diags.extend(site.render_markdown_with(memo));
    if notes {
        diags.extend(site::check_notes::notes(&site, &entries));
    }
    timer.lap("markdown");
    (Some(site), diags)
}

/// The templates over a prepared site, into staging when there are no errors.
fn render_staged(req: &Request, site: Option<Site>, mut diags: Diagnostics, hooks: &dyn Hooks) -> Staged {
    let Some(mut site) = site else {
        diags.sort();
        return Staged { summary: Summary::default(), diags, staging: None, outputs: None, after: Vec::new() };
    };
    let config = site.config.clone();
    let (mut timer, mut step) = (render::Timer::new(), render::Timer::new());
    site.release_sources();
    let code = req.trust.code.as_deref();
    let (templates, d) = render::theme::load(code, &config.theme, &config.security);
    diags.extend(d);
    let (statics, d) = render::theme::static_files(code, &config.theme, &config.security);
    diags.extend(d);
    let summary = summarize(&site);
    let site = std::sync::Arc::new(site);
    step.lap("render+write/theme");
    let mut kept = None;
    let mut memo = None;
    let mut after = Vec::new();

    if let Some(templates) = templates {
        match (&req.output, diags.has_errors()) {
            (Some(out), false) => match hooks.spare().map_or_else(|| Staging::begin(out), |(dir, in_place)| Staging::begin_reusing(out, &dir, in_place)) {
                Ok(mut staging) => {
                    // A plain build's base is the output it replaces: a file of it is
                    // kept only while it is as that build wrote it (`Outputs::fits`).
                    let (base, checked) = match hooks.base() {
                        Some(b) => (Some(b), false),
                        None => (Some(out.clone()), true),
                    };
                    let outputs = req.cache.as_deref().map(|dir| outputs::Outputs::open(dir, &cache::binary(), base.as_deref()));
                    step.lap("render+write/outputs-memo-open");
                    staging.link_from(base);
                    step.lap("render+write/link");
                    let binary = cache::binary();
                    let cache = req.cache.as_deref().filter(|_| outputs.is_some()).map(|dir| (dir, binary.as_str()));
                    let sink = StagingSink {
                        staging: &staging,
                        hooks,
                        root: &req.root,
                        full: Mutex::default(),
                        outputs: outputs.as_ref(),
                        checked,
                        cache,
                        after: Mutex::default(),
                    };
                    diags.extend(render::render_site(&site, templates, statics, &sink));
                    step.lap("render+write/render");
                    sink.summarize_full_disk(out, &mut diags);
                    after = std::mem::take(&mut *sink.after.lock().expect("after"));
                    if let Some(why) = site.html_store.as_ref().and_then(|s| s.failure()) {
                        diags.push(
                            Diagnostic::error(format!("无法读回生成中暂存在磁盘上的页面正文：{why}"))
                                .hint("检查输出目录所在磁盘是否正常、空间是否足够，然后重新生成；上一次生成的网站没有任何改动"),
                        );
                    }
                    if !diags.has_errors() {
                        if let Err(e) = staging.sweep() {
                            diags.push(e.diagnostic());
                        }
                    }
                    step.lap("render+write/sweep");
                    if !diags.has_errors() {
                        match hooks.before_commit(&site, staging.dir()) {
                            Ok(true) => (kept, memo) = (Some(staging), outputs),
                            Ok(false) => {}
                            Err(e) => diags.push(Diagnostic::error(e)),
                        }
                    }
                }
                Err(e) => diags.push(e.diagnostic()),
            },
            _ => diags.extend(render::render_site(&site, templates, statics, &NullSink)),
        }
    }
    timer.lap("render+write");
    diags.sort();
    Staged { summary, diags, staging: kept, outputs: memo, after }
}

fn summarize(site: &Site) -> Summary {
    Summary {
        pages: site.pages.iter().filter(|p| p.visible()).count(),
        sections: site.sections.iter().filter(|s| s.hidden.is_none()).count(),
        attachments: site.assets.iter().filter(|a| a.published).count(),
        written: false,
    }
}

struct StagingSink<'a> {
    staging: &'a Staging,
    hooks: &'a dyn Hooks,
    /// The site folder: a source file that cannot be read is named from it.
    root: &'a Path,
    /// The messages of writes that found the disk full.
    full: Mutex<HashSet<String>>,
    /// The outputs memo: what the base tree's template outputs were rendered from.
    outputs: Option<&'a outputs::Outputs>,
    /// The base tree may have been changed since it was written (`Outputs::fits`).
    checked: bool,
    /// The build cache folder and this binary's identity (`Sink::cache_dir`).
    cache: Option<(&'a Path, &'a str)>,
    /// `Sink::after_commit` work, handed to `Staged`.
    after: Mutex<Vec<render::AfterCommit>>,
}

impl StagingSink<'_> {
    fn failed(&self, e: OutputError) -> Diagnostic {
        let mut d = e.diagnostic();
        if let OutputError::Read(p, _) = &e {
            if let Ok(rel) = p.strip_prefix(self.root) {
                d = d.file(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        if e.disk_full() {
            self.full.lock().expect("full").insert(d.message.clone());
        }
        d
    }

    /// A full disk fails every write after it: one error naming the output and
    /// the space left, in place of one per file.
    fn summarize_full_disk(&self, out: &Path, diags: &mut Diagnostics) {
        let full = std::mem::take(&mut *self.full.lock().expect("full"));
        if full.is_empty() {
            return;
        }
        let before = diags.0.len();
        diags.0.retain(|d| !(d.file.is_none() && full.contains(&d.message)));
        let free = crate::io::output::free_space(self.staging.dir()).map_or_else(|| "未知".to_string(), crate::render::parts::filesize_text);
        let message = format!("磁盘空间不足：{} 个文件没有写入输出目录 {}（这块磁盘只剩 {free}）", before - diags.0.len(), out.display());
        diags.push(Diagnostic::error(message).hint("清理这块磁盘（旧的输出、日志等）或换一个空间足够的输出目录，然后重新生成；上一次生成的网站没有任何改动"));
    }
}

impl Sink for StagingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
        let f = self.hooks.filter(rel, bytes);
        if f.in_base { self.staging.write_linked(rel, &f.bytes) } else { self.staging.write(rel, &f.bytes) }.map_err(|e| Box::new(self.failed(e)))
    }
    fn copy(&self, rel: &str, from: &Path, id: Option<FileId>) -> Result<(), Box<Diagnostic>> {
        self.hooks.copied(rel, from);
        self.staging.copy(rel, from, id).map_err(|e| Box::new(self.failed(e)))
    }
    fn keyed(&self) -> bool {
        self.outputs.is_some()
    }
    fn reuse(&self, rel: &str, key: u128) -> bool {
        let Some((outputs, e)) = self.outputs.and_then(|o| o.get(rel).map(|e| (o, e))) else { return false };
        if e.key != key || !self.hooks.reusable(rel) {
            return false;
        }
        // A file that cannot be linked is rendered and written: any error shows then.
        if !self.staging.keep(rel, |m| !self.checked || outputs.fits(e, m)).unwrap_or(false) {
            return false;
        }
        self.hooks.reused(rel);
        outputs.record(rel, e);
        true
    }
    fn cache_dir(&self) -> Option<(&Path, &str)> {
        self.cache
    }
    fn after_commit(&self, job: render::AfterCommit) {
        self.after.lock().expect("after").push(job);
    }
    fn write_rendered(&self, rel: &str, bytes: &[u8], key: u128) -> Result<(), Box<Diagnostic>> {
        self.write(rel, bytes)?;
        if let Some(o) = self.outputs {
            o.record(rel, outputs::Entry { key, len: bytes.len() as u64 });
        }
        Ok(())
    }
}
