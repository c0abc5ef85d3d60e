//! A build that reuses its cache (`pipeline::cache`: Markdown rendered by earlier
//! builds) gives exactly what a build without one gives: for seeded random edit
//! sequences over the example site — bodies, headings and anchors, front matter,
//! renames, deletions, new pages, attachments, templates, config, a ledger and the
//! clock passing a `publish_date` — each rebuild into the same output is compared,
//! exit code, messages and every output file byte for byte, with a build into a new
//! folder. A missing, damaged or foreign cache means a full build.

use crate::util::{copy_dir, files, run_dwgk, Run};
use std::path::{Path, PathBuf};

/// splitmix64: reproducible edit sequences (the seed is in every failure message).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

struct Trial {
    _dir: tempfile::TempDir,
    site: PathBuf,
    out: PathBuf,
    /// The build's day, moved forward by `clock` edits.
    day: chrono::NaiveDate,
    seed: u64,
    /// Headings added so far: (page, anchor).
    anchors: Vec<(String, String)>,
    /// Pages some edit linked to: edits of their URL, visibility or headings are
    /// what a page's cached Markdown must notice without its own text changing.
    targets: Vec<String>,
    n: usize,
    /// Builds whose search index was patched from the cache.
    patched: usize,
}

impl Trial {
    fn new(seed: u64) -> Trial {
        let dir = tempfile::Builder::new().prefix("dwgk-incr-").tempdir().unwrap();
        let site = dir.path().join("site");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &site.join("content"));
        std::fs::copy(repo.join("config.toml"), site.join("config.toml")).unwrap();
        let out = dir.path().join("out");
        let day = chrono::NaiveDate::from_ymd_opt(2024, 12, 10).unwrap();
        Trial { _dir: dir, site, out, day, seed, anchors: Vec::new(), targets: Vec::new(), n: 0, patched: 0 }
    }

    fn build(&self, out: &Path) -> Run {
        let args: Vec<String> =
            ["build", "--root", &self.site.to_string_lossy(), "-o", &out.to_string_lossy(), "--now", &format!("{} 09:00", self.day)].map(String::from).to_vec();
        run_dwgk(&args, &self.site)
    }

    /// `build` with `DWGK_TIMINGS`: whether the search index was patched from the cache.
    fn cached_build(&self) -> (Run, bool) {
        let args = ["build", "--root", &self.site.to_string_lossy(), "-o", &self.out.to_string_lossy(), "--now", &format!("{} 09:00", self.day)];
        let out =
            std::process::Command::new(crate::util::bin()).args(args).current_dir(&self.site).env("NO_COLOR", "1").env("DWGK_TIMINGS", "1").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let patched = stderr.lines().any(|l| l == "timing search-index/patched true");
        let stderr = stderr.lines().filter(|l| !l.starts_with("timing ")).map(|l| format!("{l}\n")).collect();
        (Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr }, patched)
    }

    /// Messages with the output folder and the time taken left out, and the line
    /// saying whether the output existed before a failed build.
    fn messages(r: &Run, out: &Path) -> String {
        let text = r.stderr.replace(&*out.to_string_lossy(), "OUT");
        text.lines().filter(|l| !l.starts_with("生成失败")).map(|l| l.split("（用时").next().unwrap_or(l)).collect::<Vec<_>>().join("\n")
    }

    /// The cached rebuild against a build into a new folder (no cache).
    fn compare(&mut self, what: &str) -> bool {
        let (cached, patched) = self.cached_build();
        self.patched += usize::from(patched);
        let fresh_out = self.out.with_file_name(format!("fresh-{}", self.n));
        let fresh = self.build(&fresh_out);
        let ctx = format!("seed {} step {} ({what})", self.seed, self.n);
        assert_eq!(cached.code, fresh.code, "{ctx}: exit codes differ\n--- cached\n{}\n--- fresh\n{}", cached.stderr, fresh.stderr);
        assert_eq!(Self::messages(&cached, &self.out), Self::messages(&fresh, &fresh_out), "{ctx}: messages differ");
        if fresh.code == 0 {
            let (a, b) = (files(&self.out), files(&fresh_out));
            let differ: Vec<&String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
            assert!(differ.is_empty(), "{ctx}: outputs differ from a build without cache: {differ:?}");
        }
        for d in [fresh_out.clone(), dwgk::pipeline::cache_beside(&fresh_out), fresh_out.with_file_name(format!(".fresh-{}.dwgk-spare", self.n))] {
            let _ = std::fs::remove_dir_all(d);
        }
        fresh.code == 0
    }

    fn pages(&self) -> Vec<String> {
        let mut v: Vec<String> = files(&self.site.join("content")).into_keys().filter(|k| k.ends_with(".md") && !k.ends_with("_index.md")).collect();
        v.sort();
        v
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.site.join("content").join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap()
    }

    /// Inserts a line right after the front matter's first line.
    fn front_matter_line(&self, rel: &str, line: &str) {
        let text = self.read(rel);
        if let Some(rest) = text.strip_prefix("+++\n") {
            self.write(rel, &format!("+++\n{line}\n{rest}"));
        }
    }

    /// One random edit; its description.
    fn edit(&mut self, rng: &mut Rng) -> String {
        let pages = self.pages();
        let linked: Vec<String> = self.targets.iter().filter(|t| pages.contains(t)).cloned().collect();
        let page = if !linked.is_empty() && rng.below(2) == 0 { rng.pick(&linked).clone() } else { rng.pick(&pages).clone() };
        self.n += 1;
        let n = self.n;
        match rng.below(15) {
            0 => {
                let text = self.read(&page);
                self.write(&page, &format!("{text}\n\n第{n}次修改的正文段落，补充说明。\n"));
                format!("body of {page}")
            }
            1 => {
                let anchor = format!("新增小节{n}");
                let text = self.read(&page);
                self.write(&page, &format!("{text}\n\n## {anchor}\n\n内容。\n"));
                self.anchors.push((page.clone(), anchor));
                format!("heading in {page}")
            }
            2 => {
                // A link to a page, a heading added earlier (it may have gone since), or nowhere.
                let target = match (rng.below(3), self.anchors.is_empty()) {
                    (0, false) => {
                        let (p, a) = rng.pick(&self.anchors).clone();
                        format!("@/{p}#{a}")
                    }
                    (1, _) => format!("@/{}", rng.pick(&pages)),
                    _ => format!("@/{}#没有这个标题", rng.pick(&pages)),
                };
                let linked_page = target[2..].split('#').next().unwrap_or_default().to_string();
                self.targets.push(linked_page);
                let text = self.read(&page);
                self.write(&page, &format!("{text}\n\n参见[相关内容{n}]({target})。\n"));
                format!("link {target} from {page}")
            }
            3 => {
                let text = self.read(&page);
                let changed = text.replacen("title = \"", &format!("title = \"（{n}）"), 1);
                self.write(&page, &changed);
                format!("title of {page}")
            }
            4 => {
                self.front_matter_line(&page, &format!("tags = [\"新标签{}\"]", n % 3));
                format!("tags of {page}")
            }
            5 => {
                let later = self.day + chrono::Days::new(1 + rng.below(20) as u64);
                self.front_matter_line(&page, &format!("publish_date = {later}"));
                format!("publish_date {later} on {page}")
            }
            6 => {
                self.day = self.day + chrono::Days::new(1 + rng.below(10) as u64);
                format!("clock to {}", self.day)
            }
            7 => {
                let to = page.replace(".md", &format!("-{n}.md"));
                std::fs::rename(self.path(&page), self.path(&to)).unwrap();
                format!("rename {page} to {to}")
            }
            8 => {
                std::fs::remove_file(self.path(&page)).unwrap();
                format!("delete {page}")
            }
            9 => {
                let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
                let rel = format!("{dir}/2024-12-0{}-xinzeng-{n}.md", 1 + n % 9);
                let link = rng.pick(&pages).clone();
                self.targets.push(link.clone());
                self.write(&rel, &format!("+++\ntitle = \"新增页面{n}\"\ndate = 2024-12-0{}\n+++\n正文，见[这里](@/{link})。\n", 1 + n % 9));
                format!("new page {rel}")
            }
            10 => {
                // An attachment comes or goes, and a page links it.
                let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
                let name = format!("附件{}.pdf", n % 2);
                let at = self.path(&format!("{dir}/{name}"));
                if at.exists() {
                    std::fs::remove_file(&at).unwrap();
                } else {
                    std::fs::write(&at, format!("%PDF-1.4 附件 {n}")).unwrap();
                }
                let text = self.read(&page);
                self.write(&page, &format!("{text}\n\n[下载附件]({name})\n"));
                format!("attachment {dir}/{name} linked from {page}")
            }
            12 => {
                self.front_matter_line(&page, "draft = true");
                format!("draft {page}")
            }
            13 => {
                // Headings of a linked page change: anchors into it may break or mend.
                let text = self.read(&page);
                let changed = if text.contains("\n## ") { text.replacen("\n## ", "\n## 改", 1) } else { format!("{text}\n\n## 没有这个标题\n") };
                self.write(&page, &changed);
                format!("headings of {page}")
            }
            11 => {
                let config = self.site.join("config.toml");
                let text = std::fs::read_to_string(&config).unwrap();
                std::fs::write(&config, text.replacen("title = \"", &format!("title = \"{n}"), 1)).unwrap();
                let tpl = self.site.join("templates/404.html");
                std::fs::create_dir_all(tpl.parent().unwrap()).unwrap();
                std::fs::write(&tpl, format!("<!DOCTYPE html><html lang=\"zh-CN\"><title>找不到页面 {n}</title><p>{{{{ config.title }}}}</p></html>")).unwrap();
                "config title and a template".into()
            }
            _ => {
                // A GBK ledger as Excel saves it: one member's amount paid changes.
                let ledger = self.path("units/jiguan/dier/党费台账2024上半年.csv");
                let bytes = std::fs::read(&ledger).unwrap();
                let (from, to): (&[u8], &[u8]) = if bytes.windows(5).any(|w| w == b",522,") { (b",522,", b",523,") } else { (b",523,", b",522,") };
                let at = bytes.windows(5).position(|w| w == from).expect("the ledger row");
                std::fs::write(&ledger, [&bytes[..at], to, &bytes[at + 5..]].concat()).unwrap();
                "ledger amount".into()
            }
        }
    }
}

fn edit_sequence(seed: u64, steps: usize) {
    let mut t = Trial::new(seed);
    let mut rng = Rng(seed);
    assert!(t.compare("first build"), "seed {seed}: the example site must build");
    let mut ok = 0;
    for _ in 0..steps {
        let snapshot = files(&t.site);
        let what = t.edit(&mut rng);
        if t.compare(&what) {
            ok += 1;
        } else {
            // Undo a breaking edit, so later steps build: the undo is compared too.
            std::fs::remove_dir_all(&t.site).unwrap();
            for (rel, bytes) in snapshot {
                let p = t.site.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
            t.n += 1;
            t.compare("undo");
        }
    }
    assert!(ok >= steps / 3, "seed {seed}: only {ok} of {steps} edits built: the sequence tests too little");
    assert!(t.patched >= steps / 3, "seed {seed}: the search index was patched in only {} builds", t.patched);
}

#[test]
fn cached_rebuilds_equal_full_builds_over_random_edits() {
    let _heavy = crate::util::heavy();
    for seed in [1, 2, 3, 4] {
        edit_sequence(seed, 18);
    }
}

#[test]
fn a_damaged_or_foreign_cache_means_a_full_build() {
    let _heavy = crate::util::heavy();
    let mut t = Trial::new(7);
    assert!(t.compare("first build"));
    let memo = dwgk::pipeline::cache_beside(&t.out).join("markdown.bin");
    let good = std::fs::read(&memo).unwrap();
    assert!(good.len() > 10_000, "the cache holds the example site's pages");
    let page = "notices/关于开展主题党日活动的通知.md";
    let text = t.read(page);
    t.write(page, &format!("{text}\n\n新增一段。\n"));
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    // The same records, written by another dwgk (same length: only the version differs).
    let mut foreign = good.clone();
    let at = foreign.windows(5).position(|w| w == b"dwgk ").expect("the binary's name in the header");
    foreign[at + 5] = if foreign[at + 5] == b'9' { b'8' } else { b'9' };
    let cases: [(&str, Vec<u8>); 4] =
        [("truncated", good[..good.len() / 3].to_vec()), ("a flipped byte", flipped), ("another binary's", foreign), ("empty", Vec::new())];
    for (what, bytes) in cases {
        std::fs::write(&memo, bytes).unwrap();
        assert!(t.compare(what), "{what} cache: the build must succeed");
    }
    // The search index's postings (`search.bin`): damaged, it is counted in full.
    let search = memo.with_file_name("search.bin");
    let good = std::fs::read(&search).unwrap();
    let mut flipped = good.clone();
    for at in [good.len() / 2, good.len() - 3] {
        flipped[at] ^= 0x01;
    }
    for (what, bytes) in
        [("search: truncated", good[..good.len() - 1].to_vec()), ("search: flipped bits", flipped), ("search: longer", [&good[..], b"x"].concat())]
    {
        t.write(page, &format!("{}\n\n又一段（{what}）。\n", t.read(page)));
        std::fs::write(&search, bytes).unwrap();
        let before = t.patched;
        assert!(t.compare(what), "{what} cache: the build must succeed");
        assert_eq!(t.patched, before, "{what}: a damaged search cache is not patched from");
    }
    // The record of the shard files (`search-files.bin`): damaged, or one of an older
    // index, the files are made again where their keys differ.
    let files = memo.with_file_name("search-files.bin");
    let older = std::fs::read(&files).unwrap();
    t.write(page, &format!("{}\n\n一段（记录）。\n", t.read(page)));
    assert!(t.compare("before the record is replaced"));
    for (what, bytes) in [("files: an older record", older.clone()), ("files: damaged", older[..older.len() / 2].to_vec())] {
        t.write(page, &format!("{}\n\n一段（{what}）。\n", t.read(page)));
        std::fs::write(&files, bytes).unwrap();
        assert!(t.compare(what), "{what}: the build must succeed");
    }
    t.write(page, &format!("{}\n\n再一段。\n", t.read(page)));
    let before = t.patched;
    assert!(t.compare("search cache written again"));
    assert_eq!(t.patched, before + 1, "the next build patches the rewritten cache");
    std::fs::remove_dir_all(memo.parent().unwrap()).unwrap();
    assert!(t.compare("no cache folder"));
    assert!(memo.is_file(), "the cache is written again");
}

#[test]
fn publish_keeps_its_cache_in_dest_and_reuses_it() {
    let t = Trial::new(11);
    let dest = t.out.with_file_name("dest");
    let publish = || {
        let args: Vec<String> =
            ["publish", "--once", "--source", &t.site.to_string_lossy(), "--code", &t.site.to_string_lossy(), "--dest", &dest.to_string_lossy()]
                .map(String::from)
                .to_vec();
        let out = std::process::Command::new(crate::util::bin()).args(&args).env("DWGK_TIMINGS", "1").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(publish().contains("markdown-memo reused 0 rendered"));
    assert!(dest.join("cache/markdown.bin").is_file());
    let page = "notices/关于开展主题党日活动的通知.md";
    t.write(page, &format!("{}\n\n新增一段。\n", t.read(page)));
    let second = publish();
    let line = second.lines().find(|l| l.contains("markdown-memo")).unwrap();
    assert!(line.ends_with("rendered 1") && !line.contains("reused 0 "), "one page rendered again, the rest reused: {line}");
}

/// What a rebuild with nothing changed keeps and renders (`DWGK_TIMINGS`).
fn kept_outputs(t: &Trial) -> usize {
    let args = ["build", "--root", &t.site.to_string_lossy(), "-o", &t.out.to_string_lossy(), "--now", &format!("{} 09:00", t.day)];
    let out = std::process::Command::new(crate::util::bin()).args(args).env("DWGK_TIMINGS", "1").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("timing output-memo reused ")).unwrap_or_else(|| panic!("no output-memo line:\n{err}"));
    line["timing output-memo reused ".len()..].trim().parse().unwrap()
}

#[test]
fn outputs_changed_by_hand_or_a_replaced_tree_are_rendered_again() {
    let _heavy = crate::util::heavy();
    let mut t = Trial::new(13);
    assert!(t.compare("first build"));
    let pages = files(&t.out).into_keys().filter(|k| k.ends_with("/index.html")).count();
    assert!(kept_outputs(&t) >= pages, "a rebuild with nothing changed keeps every page it rendered");
    // One page's output edited by hand (the same length), another deleted.
    let mut outputs: Vec<String> = files(&t.out).into_keys().filter(|k| k.starts_with("notices/") && k.ends_with("/index.html")).collect();
    outputs.sort();
    let (edited, deleted) = (t.out.join(&outputs[0]), t.out.join(&outputs[1]));
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replacen("<title>", "<title>X", 1).replacen("</title>", "</titl>", 1)).unwrap();
    assert_eq!(std::fs::metadata(&edited).unwrap().len(), text.len() as u64, "an edit of the same length");
    std::fs::remove_file(&deleted).unwrap();
    assert!(t.compare("output edited by hand"));
    // The whole output replaced by a copy (new files, new stamp): nothing of it is kept.
    let copy = t.out.with_file_name("copy");
    crate::util::copy_dir(&t.out, &copy);
    std::fs::remove_dir_all(&t.out).unwrap();
    std::fs::rename(&copy, &t.out).unwrap();
    assert_eq!(kept_outputs(&t), 0, "a tree the memo does not name: every output rendered");
    assert!(t.compare("output replaced"));
}

#[test]
fn a_site_whose_html_is_kept_on_disk_builds_the_same() {
    // `DWGK_SPILL_BYTES=0`: every page's rendered HTML goes to the file beside the
    // output (`pipeline::spill`) as it is made, as for a site of a million pages.
    let t = Trial::new(17);
    let build = |out: &Path, spill: bool| {
        let args = ["build", "--root", &t.site.to_string_lossy(), "-o", &out.to_string_lossy(), "--now", &format!("{} 09:00", t.day)];
        let mut cmd = std::process::Command::new(crate::util::bin());
        cmd.args(args).env("NO_COLOR", "1");
        if spill {
            cmd.env("DWGK_SPILL_BYTES", "0");
        }
        let run = cmd.output().unwrap();
        (run.status.code(), Trial::messages(&crate::util::Run { code: 0, stdout: String::new(), stderr: String::from_utf8_lossy(&run.stderr).into() }, out))
    };
    let (held, kept) = (t.out.with_file_name("in-memory"), t.out.with_file_name("on-disk"));
    assert_eq!(build(&held, false), build(&kept, true), "the same exit code and messages");
    let (a, b) = (files(&held), files(&kept));
    assert!(a.len() > 50, "the example site");
    let differ: Vec<&String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(differ.is_empty(), "outputs differ: {differ:?}");
    let left: Vec<String> = std::fs::read_dir(t.out.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(left.iter().all(|n| !n.contains("dwgk-html")), "nothing left beside the output: {left:?}");
}
