//! Pathological inputs at small sizes: each dimension of one file or folder at n
//! and 4n, measured in CPU time (linear is about 4×, quadratic 16×; the test
//! fails past 8×), and the documented limits (docs/content.md “上限”) refused
//! with a located error in little memory. The heavy sizes are in
//! bench/pathological.py. In-process where the stage is pure (Markdown,
//! assembly, links: the calling thread's CPU clock, a one-thread rayon pool);
//! the binary with its CPU time from `wait4` where templates are involved.

use crate::util::{bin, Site};
use dwgk::content::entry::{Entry, EntryKind};
use dwgk::content::markdown::{self, LinkResolver, Resolution};
use std::process::{Command, Stdio};

/// CPU seconds of the calling thread.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a pointer to a live timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// The least CPU time of `runs` calls of `f` (noise only ever adds time).
fn best_of(runs: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

/// Below this many CPU seconds a child process's cost is the accounting's and
/// the scheduler's noise, not the input's (a thread's own clock is exact).
const PROCESS_NOISE: f64 = 0.02;

/// Fails when the cost at 4n is more than 8× the cost at n, unless the cost at
/// 4n is under `noise`. `base` is what every run costs whatever n is
/// (start-up), subtracted from both.
fn assert_linear_within(what: &str, cost: impl Fn(usize) -> f64, n: usize, base: f64, noise: f64) {
    let small = (cost(n) - base).max(1e-4);
    let large = (cost(4 * n) - base).max(0.0);
    let ratio = large / small;
    eprintln!("{what}: n={n} {small:.4}s, 4n {large:.4}s, ×{ratio:.1}");
    assert!(ratio < 8.0 || large < noise, "{what}: 4× the input cost {ratio:.1}× the time ({small:.3} s → {large:.3} s): not linear");
}

/// `assert_linear_within` for a stage timed in-process on the thread's clock.
fn assert_linear(what: &str, cost: impl Fn(usize) -> f64, n: usize, base: f64) {
    assert_linear_within(what, cost, n, base, 0.0)
}

struct Keep;
impl LinkResolver for Keep {
    fn resolve(&self, dest: &str) -> Resolution {
        Resolution::Replace { url: format!("/{dest}"), target_anchor: None }
    }
}

fn render_cost(text: &str) -> f64 {
    best_of(3, || {
        let t = thread_cpu();
        let r = markdown::render(text, &Keep);
        assert!(r.problems.iter().all(|p| p.warning), "refused at a size meant to be accepted: {}", r.problems[0].message);
        thread_cpu() - t
    })
}

/// Each construct that can pile up inside one page, at sizes under the limits.
#[test]
fn markdown_cost_is_linear_in_every_construct() {
    type Make = fn(usize) -> String;
    let cases: &[(&str, Make, usize)] = &[
        ("links in one paragraph", |n| (0..n).map(|i| format!("[链接{i}](a{i}.pdf) ")).collect(), 1500),
        ("autolinks in one paragraph", |n| "www.example.cn ".repeat(n), 1500),
        ("inline HTML", |n| "<b>".repeat(n), 3000),
        ("inline <script> without a closer", |n| "文字 <script> ".repeat(n), 800),
        ("unclosed emphasis", |n| "*强调 ".repeat(n), 3000),
        ("emphasis pairs", |n| "*强调* ".repeat(n), 3000),
        ("`*_` runs", |n| "*_".repeat(n) + "字", 3000),
        ("brackets", |n| "[".repeat(n), 5000),
        ("image openers", |n| "![".repeat(n), 3000),
        ("nested quotes, 90 deep per line", |n| (0..n).map(|i| ">".repeat(i % 90 + 1) + " 引用\n").collect(), 300),
        ("repeated headings", |n| "## 标题\n\n".repeat(n), 1500),
        ("footnote references", |n| (0..n).map(|i| format!("[^{i}] ")).collect(), 3000),
        ("table rows", |n| "| 姓名 | 职务 |\n|---|---|\n".to_string() + &"| 张三 | 党员 |\n".repeat(n), 1500),
    ];
    for (what, make, n) in cases {
        assert_linear(what, |n| render_cost(&make(n)), *n, 0.0);
    }
}

/// Past the limits the page is refused before comrak builds its tree: located,
/// and cheap (a run of `[` used to take ~200 bytes of memory each).
#[test]
fn markdown_past_the_limits_is_refused_at_a_location() {
    let body = format!("第一段。\n\n{}", "[".repeat(1_500_000));
    let r = markdown::render(&body, &Keep);
    assert_eq!(r.problems.len(), 1);
    let p = &r.problems[0];
    assert!(!p.warning && p.message.contains("页面正文太复杂") && p.message.contains("200000"), "{}", p.message);
    assert_eq!(p.line, 3, "at the line where the limit is passed");

    let r = markdown::render(&format!("正文\n\n{}深\n", "> ".repeat(5000)), &Keep);
    assert!(r.problems.iter().any(|p| !p.warning && p.message.contains("嵌套层数太多") && p.line == 3), "{:?}", r.problems);
    let r = markdown::render(&format!("{}深", "*".repeat(5000) + "字" + &"*".repeat(5000)), &Keep);
    assert!(r.problems.iter().any(|p| p.message.contains("嵌套层数太多")), "emphasis nests too");
    let r = markdown::render(&format!("{}不深\n", "> ".repeat(40)), &Keep);
    assert!(r.problems.is_empty() && r.html.matches("<blockquote>").count() == 40, "40 levels are fine");
}

/// The same through the binary: the located error, and the build's own peak
/// memory (`DWGK_TIMINGS`) stays small.
#[test]
fn a_megabyte_of_brackets_is_refused_in_little_memory() {
    let site = Site::new();
    site.page("notices/x.md", "括号", &format!("正文。\n\n{}", "[".repeat(1_500_000)));
    let out = Command::new(bin()).args(["build", "--root"]).arg(site.path()).env("DWGK_TIMINGS", "1").output().expect("run dwgk");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("页面正文太复杂") && stderr.contains("content/notices/x.md:6:"), "{}", &stderr[..stderr.len().min(2000)]);
    let peak = stderr.lines().filter_map(|l| l.split(" peak_mib ").nth(1)).filter_map(|v| v.trim().parse::<u64>().ok()).max().expect("peak_mib lines");
    assert!(peak < 150, "peak {peak} MiB for a 1.5 MB page");
}

/// A synthetic site, assembled and its Markdown rendered in-process on one
/// thread: the CPU time of assembly, link resolution and the link report.
fn site_cost(pages: &[(String, String)], assets: &[String]) -> f64 {
    let (config, _) = dwgk::config::Config::parse("title = \"测试\"\nbase_url = \"http://example.org/\"\n");
    let config = config.expect("config");
    let mut dirs = std::collections::BTreeSet::new();
    for rel in pages.iter().map(|(r, _)| r).chain(assets) {
        let mut d = rel.as_str();
        while let Some(i) = d.rfind('/') {
            d = &d[..i];
            dirs.insert(d.to_string());
        }
    }
    let entry = |rel: &str, kind| Entry { rel: rel.to_string(), abs: format!("/nonexistent/{rel}").into(), kind, size: 9, id: None };
    let mut entries: Vec<Entry> = dirs.iter().map(|d| entry(d, EntryKind::Dir)).collect();
    entries.extend(pages.iter().map(|(r, _)| entry(r, EntryKind::Markdown)));
    entries.extend(assets.iter().map(|r| entry(r, EntryKind::Asset)));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    best_of(3, || {
        let sources: Vec<_> =
            pages.iter().map(|(rel, text)| dwgk::site::source::parse(rel, &format!("content/{rel}"), text.as_bytes()).0.expect("parses")).collect();
        let opts = dwgk::site::BuildOptions {
            audience: dwgk::content::kind::Audience::Public,
            drafts: false,
            now: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap(),
            as_of: None,
        };
        pool.install(|| {
            let t = thread_cpu();
            let (mut site, _) = dwgk::site::assemble(&config, opts, &entries, sources);
            let _ = site.render_markdown();
            thread_cpu() - t
        })
    })
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}")
}

/// Files per folder, attachments per bundle, bundles per folder, links per page
/// (good and broken, with their did-you-mean hints).
#[test]
fn assembly_and_links_cost_is_linear_in_files_and_links() {
    let bundles = |n: usize| {
        let pages: Vec<_> = (0..n).map(|i| (format!("notices/b{i}/index.md"), page("包", "[附件](a.pdf)\n"))).collect();
        let assets: Vec<_> = (0..n).map(|i| format!("notices/b{i}/a.pdf")).collect();
        site_cost(&pages, &assets)
    };
    assert_linear("bundles in one folder", bundles, 1500, 0.0);
    let bundle_files = |n: usize| {
        let body: String = (0..n).map(|i| format!("[附件{i}](f{i}.pdf)\n\n")).collect();
        let assets: Vec<_> = (0..n).map(|i| format!("notices/b/f{i}.pdf")).collect();
        site_cost(&[("notices/b/index.md".into(), page("包", &body))], &assets)
    };
    assert_linear("linked attachments in one bundle", bundle_files, 1500, 0.0);
    let loose = |n: usize| {
        let body: String = (0..n).step_by(2).map(|i| format!("[附件{i}](f{i}.pdf)\n\n")).collect();
        let assets: Vec<_> = (0..n).map(|i| format!("notices/f{i}.pdf")).collect();
        site_cost(&[("notices/x.md".into(), page("页面", &body))], &assets)
    };
    assert_linear("loose files in one folder, half linked", loose, 2000, 0.0);
    let folder_pages = |n: usize| {
        let pages: Vec<_> = (0..n).map(|i| (format!("notices/p{i}.md"), page("页", &format!("[上一篇](p{}.md)\n", i.saturating_sub(1))))).collect();
        site_cost(&pages, &[])
    };
    assert_linear("pages in one folder linking each other", folder_pages, 1000, 0.0);
    let broken = |n: usize| {
        let body: String = (0..n).map(|i| format!("[附件](缺少{i}.pdf) [页面](@/缺少{i}.md)\n\n")).collect();
        let mut pages: Vec<_> = (0..300).map(|i| (format!("notices/p{i}.md"), page("页", "正文"))).collect();
        pages.push(("notices/x.md".into(), page("页面", &body)));
        site_cost(&pages, &[])
    };
    assert_linear("broken links with did-you-mean hints", broken, 300, broken(0));
    let anchors = |n: usize| {
        let target: String = (0..n).map(|i| format!("## 标题{i}\n\n")).collect();
        let links: String = (0..n).map(|i| format!("[第{i}节](@/notices/t.md#标题{i}) ")).collect();
        site_cost(&[("notices/t.md".into(), page("目标", &target)), ("notices/x.md".into(), page("目录", &links))], &[])
    };
    assert_linear("links to anchors of one page", anchors, 1000, 0.0);
}

/// CPU seconds of one `dwgk build` (from `wait4`: the child's own time).
fn build_cpu(site: &Site) -> f64 {
    let mut child = Command::new(bin()).args(["build", "--root"]).arg(site.path()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("run dwgk");
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `pid` is our child, not yet reaped; both pointers are live.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4");
    let _ = child.try_wait();
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn tagged_site(pages: usize, tags: usize) -> Site {
    let site = Site::new();
    site.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\ntaxonomies = [{ name = \"tags\" }]\n");
    for p in 0..pages {
        let list: Vec<String> = (0..tags).map(|i| format!("\"标签{p}-{i}\"")).collect();
        site.file(&format!("content/notices/p{p}.md"), &format!("+++\ntitle = \"页面{p}\"\ntags = [{}]\n+++\n正文\n", list.join(", ")));
    }
    site
}

/// Every term page lists the page with all its terms: terms × terms of one page.
/// Past 100 terms the page is refused (located); up to 100 the cost is linear in
/// the number of pages.
#[test]
fn tags_per_page_are_bounded_and_refused_past_the_limit() {
    let r = tagged_site(1, 101).run(&["build"]);
    r.expect(1).stderr_has(&["标签太多：这个页面有 101 个标签，最多 100 个", "content/notices/p0.md:3:"]);
    let many = |n: usize| best_of(2, || build_cpu(&tagged_site(1, n)));
    assert_linear_within("one page with many tags", many, 500, many(1), PROCESS_NOISE);
    let pages = |n: usize| best_of(2, || build_cpu(&tagged_site(n, 100)));
    assert_linear_within("pages with 100 tags each", pages, 3, pages(0), PROCESS_NOISE);
    let long = format!("+++\ntitle = \"长标签\"\ntags = [\"{}\"]\n+++\n", "很长".repeat(40));
    let site = tagged_site(0, 0);
    site.file("content/a.md", &long);
    site.run(&["build"]).expect(1).stderr_has(&["太长：有 80 个字，最多 60 个", "content/a.md:3:"]);
}
