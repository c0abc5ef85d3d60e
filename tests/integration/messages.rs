//! Messages a name cannot forge and that say what happened: control characters
//! written out in build output, JSON and the publish log; a full disk is one
//! error naming the output and the space left (a real small tmpfs); a file that
//! vanishes mid-build is a read of the source; an emptied share is a source
//! event; dates, amounts and links say what is wrong.

use crate::publish::{dwgk, publish_once, Daemon};
use crate::util::{require, Site};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A name with a newline that would print a fake success line, an escape
/// sequence that clears the screen, a bell and a right-to-left override.
const FORGED: &str = "a\n已生成公开版：全部正常\u{1b}[2J\u{7}\u{202e}fdp";

fn forged_site() -> Site {
    let s = Site::new();
    s.page(&format!("notices/{FORGED}.md"), "通知", "见[附件](缺少的附件.pdf)。\n");
    s
}

fn assert_no_raw_controls(what: &str, text: &str) {
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'), "{what} has raw control characters:\n{text:?}");
    assert!(text.lines().all(|l| !l.trim_start().starts_with("已生成公开版：全部正常")), "{what} printed a forged line:\n{text}");
}

#[test]
fn a_file_name_cannot_forge_lines_or_drive_the_terminal() {
    let s = forged_site();
    let r = s.run(&["build"]);
    r.expect(1);
    assert_no_raw_controls("build", &r.stderr);
    assert!(r.stderr.contains("a\\n已生成公开版：全部正常\\u{1b}[2J\\u{7}\\u{202e}fdp.md"), "escaped, not dropped:\n{}", r.stderr);
    let r = s.run(&["check", "--format", "json"]);
    assert_no_raw_controls("check --format json", &r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("still JSON");
    assert_eq!(v["diagnostics"][0]["file"].as_str().unwrap(), format!("content/notices/{FORGED}.md"), "the same name for a program");
    // The publisher's log: one event per line, every line its own.
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = publish_once(&s, &tmp.path().join("dest"), &[]);
    assert_eq!(code, 1, "{err}");
    assert_no_raw_controls("publish log", &out);
    assert_no_raw_controls("publish stderr", &err);
    assert!(out.lines().all(|l| l.starts_with("time=")), "a line that is not an event:\n{out}");
    assert!(!out.contains("at=\"\""), "an empty location:\n{out}");
    let status = std::fs::read_to_string(tmp.path().join("dest/status.json")).unwrap();
    assert_no_raw_controls("status.json", &status);
}

/// A tmpfs of `kib` KiB mounted on a temporary folder, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"]).arg(dir.path()).status().is_ok_and(|s| s.success());
        require(ok.then_some(SmallDisk { dir }), "a small tmpfs (mount -t tmpfs)", "run the tests as root, or in a container allowed to mount tmpfs")
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn site_with_big_attachment() -> Site {
    let s = Site::new();
    let body: String = (0..30).map(|i| format!("[附件{i}](附件{i}.pdf)\n\n")).collect();
    s.page("notices/a.md", "通知", &body);
    for i in 0..30 {
        s.bytes(&format!("content/notices/附件{i}.pdf"), &vec![b'x'; 40 * 1024]);
    }
    s
}

#[test]
fn a_full_disk_is_one_error_naming_the_output_and_the_space_left() {
    let Some(disk) = SmallDisk::mount(512) else { return };
    let s = site_with_big_attachment();
    let out = disk.path().join("public");
    let r = s.run(&["build", "-o", &out.to_string_lossy()]);
    r.expect(2);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("错误:")).collect();
    assert_eq!(errors.len(), 1, "one error, not one per file:\n{}", r.stderr);
    assert!(errors[0].contains("磁盘空间不足") && errors[0].contains(&out.display().to_string()) && errors[0].contains("只剩"), "{}", errors[0]);
    assert!(!r.stderr.contains("移动或删除") && !r.stderr.contains("读取"), "a write, not a vanished source:\n{}", r.stderr);
    // Publishing to a full DEST: the same one error, in the log with no empty location.
    let dest = disk.path().join("dest");
    let (code, log, err) = publish_once(&s, &dest, &[]);
    assert_ne!(code, 0);
    let failed: Vec<&str> = log.lines().filter(|l| l.contains("event=content_error")).collect();
    assert_eq!(failed.len(), 1, "{log}\n{err}");
    assert!(failed[0].contains("磁盘空间不足") && failed[0].contains(&dest.display().to_string()), "{}", failed[0]);
    assert!(!log.contains("at=\"\""), "{log}");
}

#[test]
fn a_source_file_that_vanishes_mid_build_is_a_read_error_about_the_source() {
    let s = Site::new();
    s.page("notices/a.md", "通知", "见[附件](附件.pdf)。\n");
    s.bytes("content/notices/附件.pdf", b"%PDF");
    let out = s.path().join("out");
    let req = dwgk::pipeline::Request {
        root: s.path().to_path_buf(),
        output: Some(out.clone()),
        base_url: None,
        opts: dwgk::site::BuildOptions { audience: dwgk::content::kind::Audience::Public, drafts: false, now: chrono::Local::now().naive_local(), as_of: None },
        published: Default::default(),
        trust: dwgk::pipeline::Trust::site(s.path()),
        cache: None,
    };
    let input = dwgk::pipeline::read_input(s.path(), &req.trust);
    s.remove("content/notices/附件.pdf");
    let (summary, diags) = dwgk::pipeline::stage(&req, input, &dwgk::pipeline::NoHooks).commit();
    assert!(!summary.written);
    let d = diags.0.iter().find(|d| d.is_error()).expect("an error");
    assert!(d.message.starts_with("读取 ") && d.message.contains("附件.pdf"), "{d:?}");
    assert_eq!(d.file.as_deref(), Some("content/notices/附件.pdf"), "located at the source file");
    assert!(d.hint.as_deref().is_some_and(|h| h.contains("共享文件夹断开") && !h.contains("磁盘空间")), "{d:?}");
    assert!(!diags.0.iter().any(|d| d.message.contains("写入")), "{:?}", diags.0);
}

#[test]
fn an_emptied_mount_point_is_a_source_event_not_a_content_error() {
    let s = Site::new();
    s.page("notices/a.md", "通知", "正文。");
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let daemon = Daemon::start(&s, &dest, &["--poll-seconds", "1", "--settle-seconds", "1", "--poll-only"]);
    crate::publish::wait_for("the first release", std::time::Duration::from_secs(60), || crate::publish::current(&dest).is_some());
    let live = crate::publish::current(&dest);
    // The share goes away: the mount point is left as an empty folder.
    for e in std::fs::read_dir(s.path()).unwrap().flatten() {
        let p: PathBuf = e.path();
        if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) }.unwrap();
    }
    crate::publish::wait_for("the source event", std::time::Duration::from_secs(30), || daemon.log().contains("源文件夹是空的"));
    std::thread::sleep(std::time::Duration::from_secs(3));
    let log = daemon.log();
    let line = log.lines().find(|l| l.contains("源文件夹是空的")).unwrap();
    assert!(line.contains("event=source") && line.contains("level=error"), "{line}");
    assert!(!log.contains("content_error") && !log.contains("找不到 config.toml"), "{log}");
    assert_eq!(crate::publish::current(&dest), live, "the live site is untouched");
    drop(daemon);
    // `publish --once` on an empty folder says so too.
    let (code, _, err) = dwgk(&["publish", "--once", "--source", &s.path().to_string_lossy(), "--dest", &dest.to_string_lossy()]);
    assert_ne!(code, 0);
    assert!(err.contains("是空的") && err.contains("挂载"), "{err}");
}

#[test]
fn values_are_reported_as_written_with_what_is_wrong() {
    let s = Site::new();
    s.file("content/notices/a.md", "+++\ntitle = \"通知\"\ndate = 9999-12-31\n+++\n正文\n");
    s.file("content/units/_index.md", "+++\ntitle = \"机关党委\"\n[unit]\nkind = \"党委\"\n+++\n");
    s.file(
        "content/units/dues.md",
        "+++\ntitle = \"党费公示\"\nkind = \"dues\"\nperiod = \"2024-Q1\"\nremitted = { amount = 99999999999999999999.99, date = 2024-04-10 }\n\
         [[rows]]\nname = \"张三\"\ncategory = \"在职\"\nbase = 5000\npaid = 99999999999999999999.99\n+++\n",
    );
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&[
        "日期“9999-12-31”超出范围：年份 9999 不在 1900 到 2999 之间",
        "content/notices/a.md:3:8",
        "检查年份是否写错",
        "remitted.amount 太大：99999999999999999999.99 超过 100 亿元",
        "“paid”的金额太大：超过 100 亿元",
    ]);
    let date_hint = r.stderr.lines().skip_while(|l| !l.contains("9999-12-31”超出范围")).find(|l| l.contains("提示")).unwrap();
    assert!(!date_hint.contains("2024-03-15"), "the hint is not the same format again: {date_hint}");
    assert!(!r.stderr.contains("1e+20") && !r.stderr.contains("1e20") && !r.stderr.contains("不小于 0"), "{}", r.stderr);
}

#[test]
fn links_say_when_the_target_exists_for_another_audience() {
    let s = Site::new();
    s.file("content/neibu/_index.md", "+++\ntitle = \"党内\"\nscope = \"internal\"\n+++\n");
    s.page("neibu/b/index.md", "党内页面", "正文");
    s.bytes("content/neibu/b/名单.pdf", b"%PDF internal list");
    s.bytes("content/neibu/散件.pdf", b"%PDF internal loose");
    s.page("notices/p.md", "公开页", "[名单](../neibu/b/名单.pdf) [散件](../neibu/散件.pdf) [栏目](/neibu/) [页面](/neibu/b/) [死链](/notices/no-such/)\n");
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&[
        "content/notices/p.md:4:1",
        "链接指向的附件所属的页面或栏目是党内公开",
        "附件存在，但属于党内公开",
        "../neibu/散件.pdf",
        "链接指向的页面是党内公开（internal）内容，不在公开版中：/neibu/",
        "：/neibu/b/",
        "链接指向的网址在网站中不存在：/notices/no-such/",
    ]);
    assert!(!r.stderr.contains("附件不存在"), "{}", r.stderr);
    // Fixed, nothing internal is copied even though it was linked before.
    s.page("notices/p.md", "公开页", "正文\n");
    s.build_ok(&[]);
    assert!(!s.out_exists("neibu/b/名单.pdf") && !s.out_exists("neibu/散件.pdf"));
}

#[test]
fn root_relative_links_are_checked_and_reserved_characters_encoded() {
    let s = Site::new();
    s.page("notices/a.md", "甲", "## 一、要求\n");
    s.bytes("content/notices/h#frag.pdf", b"%PDF");
    s.page(
        "notices/b.md",
        "乙",
        "[甲](/notices/a/) [锚点](/notices/a/#一要求) [源文件](/notices/a.md) [附件](h%23frag.pdf) [列表第二页](/notices/page/2/) [样式](/css/site.css)\n",
    );
    s.build_ok(&[]);
    let html = s.out("notices/b/index.html");
    assert!(html.contains("href=\"/notices/h%23frag.pdf\""), "a # in a file name is part of the name");
    assert!(s.out_exists("notices/h#frag.pdf"));
    s.page("notices/b.md", "乙", "[锚点](/notices/a/#没有这个标题)\n");
    s.run(&["build"]).expect(1).stderr_has(&["链接中的锚点 #没有这个标题"]);
}
