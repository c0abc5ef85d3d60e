//! A publisher killed in the middle of a build (`kill -9`, as the kernel's OOM
//! killer or a crashing reader would end it) is an outcome: the restarted daemon
//! records it as failed, builds without the files that attempt was reading new
//! (page-level problems, the rest goes out), reads them once more after that, and
//! does not loop on them (docs/deploy.md “发布进程异常退出时”).

use crate::publish::{current, journal, notice, published, status, wait_for, Daemon};
use crate::util::Site;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PAGES: usize = 1500;

fn attempt(dest: &Path) -> bool {
    dest.join("attempt.json").is_file()
}

fn daemon(site: &Site, dest: &Path) -> Daemon {
    Daemon::start(site, dest, &["--poll-seconds", "1", "--settle-seconds", "1"])
}

/// A site of one notice and a daemon that has published it and is idle.
fn first_release() -> (Site, tempfile::TempDir, PathBuf, Daemon) {
    let site = Site::new();
    site.file("content/notices/a.md", &notice(1, "", "正文。"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let first = daemon(&site, &dest);
    wait_for("the first release", Duration::from_secs(60), || published(&dest).len() == 1);
    wait_for("the attempt to end", Duration::from_secs(10), || !attempt(&dest));
    (site, tmp, dest, first)
}

#[test]
fn a_daemon_killed_mid_build_reports_it_and_publishes_around_what_it_was_reading() {
    let (site, _tmp, dest, first) = first_release();

    // A large batch arrives; the daemon is killed while it builds it (killed too
    // late — the release already switched — the batch is made again, bigger).
    let mut first = Some(first);
    let mut batch = 0;
    loop {
        let live = current(&dest);
        batch += 1;
        for n in 0..PAGES * batch {
            site.file(&format!("content/notices/b{n}.md"), &notice(n + 10, "", &format!("第{batch}批的正文。")));
        }
        wait_for("the batch's attempt to start", Duration::from_secs(60), || attempt(&dest));
        drop(first.take());
        if current(&dest) == live || batch == 3 {
            break;
        }
        first = Some(daemon(&site, &dest));
        wait_for("the restarted daemon to settle", Duration::from_secs(120), || !attempt(&dest) && status(&dest)["state"] != "failed");
    }
    assert!(attempt(&dest), "the unfinished attempt is on record");
    let live = current(&dest);

    // Restarted (systemd's Restart=on-failure): the crash is an outcome.
    let second = daemon(&site, &dest);
    wait_for("the crash in the journal", Duration::from_secs(30), || {
        journal(&dest).iter().any(|e| e["outcome"] == "failed" && e["message"].as_str().is_some_and(|m| m.contains("没有结束")))
    });
    assert!(second.log().contains("event=crashed"), "{}", second.log());
    // The new files were left out at first, then read once more and published.
    wait_for("the batch published on the retry", Duration::from_secs(120), || {
        dest.join("current/notices/b0/index.html").is_file() && dest.join(format!("current/notices/b{}/index.html", PAGES - 1)).is_file()
    });
    wait_for("the retry's status", Duration::from_secs(60), || status(&dest)["problems"].as_array().is_none_or(|p| p.is_empty()));
    assert_ne!(current(&dest), live, "the retry published the batch");
    assert!(second.log().contains("暂不读取"), "the first attempt after the crash left the new files out");
    // No attempt stays unfinished (one may still be closing its records).
    wait_for("the last attempt to end", Duration::from_secs(30), || !attempt(&dest));
}

#[test]
fn an_attempt_that_died_without_its_suspects_waits_for_a_change() {
    let (site, _tmp, dest, first) = first_release();
    drop(first);
    // What a process leaves when it dies although it had left the suspects out.
    std::fs::write(
        dest.join("attempt.json"),
        r#"{"started":"2026-12-07 08:00:00","pid":4242,"trigger":"change","quarantined":["notices/x.xlsx"],"retried":[]}"#,
    )
    .unwrap();
    let second = daemon(&site, &dest);
    wait_for("the crash recorded", Duration::from_secs(30), || status(&dest)["state"] == "failed");
    let st = status(&dest);
    assert!(st["message"].as_str().unwrap().contains("有改动后再生成"), "{st}");
    std::thread::sleep(Duration::from_secs(3));
    assert!(!second.log().contains("event=build"), "no build of the same state: {}", second.log());
    assert_eq!(status(&dest)["state"], "failed", "the status keeps saying so");

    // A change: built again.
    site.file("content/notices/a.md", &notice(1, "", "改过的正文。"));
    wait_for("the change published", Duration::from_secs(60), || published(&dest).len() == 2);
    wait_for("the status to say so", Duration::from_secs(10), || status(&dest)["state"] == "ok");
}
