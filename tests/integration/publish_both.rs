//! `dwgk publish --internal-dest`: one run (or one daemon) publishes the public
//! portal into `--dest` and the internal one into `--internal-dest`. The leak
//! fixture's canaries must reach the internal DEST and never a byte of the public
//! one; both `current` links switch together, neither on a content error; an
//! error of one audience only holds back that portal; the daemon publishes both
//! on start, on a change and when a `publish_date` arrives.

use crate::leaks::{decoded_files, fixture, leaks, personal_leaks};
use crate::publish::{assert_complete, current, journal, notice, publish_once, published, staging_leftovers, status, wait_for, Daemon};
use crate::util::Site;
use chrono::Timelike;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A temp folder with the two DESTs side by side: (holder, public, internal).
fn dests() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (public, internal) = (tmp.path().join("public"), tmp.path().join("internal"));
    (tmp, public, internal)
}

fn both(internal: &Path) -> [String; 2] {
    ["--internal-dest".into(), internal.to_string_lossy().into_owned()]
}

fn publish_both(site: &Site, public: &Path, internal: &Path) -> (i32, String, String) {
    let extra = both(internal);
    publish_once(site, public, &extra.each_ref().map(String::as_str))
}

/// `publish_both` with `--strict` (all or nothing per portal).
fn publish_both_strict(site: &Site, public: &Path, internal: &Path) -> (i32, String, String) {
    let [a, b] = both(internal);
    publish_once(site, public, &[&a, &b, "--strict"])
}

/// The leak scan of the public DEST: its current release, then the whole DEST
/// (other releases, manifests, journal, status), must show no canary.
fn assert_no_leak(public: &Path) {
    let found = leaks(&decoded_files(&public.join("current")));
    assert!(found.is_empty(), "internal material in the public portal's current release:\n{}", found.join("\n"));
    let found = leaks(&decoded_files(public));
    assert!(found.is_empty(), "internal material elsewhere in the public DEST:\n{}", found.join("\n"));
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn publish_both_audiences_keeps_every_internal_byte_out_of_the_public_dest() {
    let site = fixture();
    let (_tmp, public, internal) = dests();
    let (code, out, err) = publish_both(&site, &public, &internal);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_complete(&public);
    assert_complete(&internal);
    assert!(err.contains("公开版：已发布版本") && err.contains("党内版：已发布版本"), "{err}");
    assert!(out.contains("event=published audience=public") && out.contains("event=published audience=internal"), "{out}");

    assert!(public.join("current/notices/pub/index.html").is_file(), "the public portal has the public page");
    assert!(!public.join("current/_status").exists(), "no status pages in the public portal");
    assert_no_leak(&public);
    // The same scan sees the canaries in the internal portal, so it looks in the right places.
    let found = leaks(&decoded_files(&internal.join("current"))).join("\n");
    for form in
        ["notices/canaryslug/index.html: canary", "notices/canaryslug/index.html: 鸮", "search/meta.js: canary", "units/diyi/dues-q1/index.html: 814.74"]
    {
        assert!(found.contains(form), "the internal portal lacks “{form}”:\n{found}");
    }
    let personal = personal_leaks(&decoded_files(&internal));
    assert!(personal.is_empty(), "income bases, ledger files or findings in the internal DEST:\n{}", personal.join("\n"));
    assert!(read(internal.join("current/_status/index.html")).contains("公开版网站"), "the internal status page shows both portals");
    assert_eq!(status(&public)["audience"], "public");
    assert_eq!(status(&internal)["audience"], "internal");
    assert_eq!(status(&internal)["public"]["state"], "ok");
    assert!(status(&public).get("public").is_none(), "the public status knows nothing of the internal portal");

    // An edit to a public page and to an internal one: both portals switch.
    let ids = (current(&public).unwrap(), current(&internal).unwrap());
    site.file("content/notices/pub.md", &read(site.path().join("content/notices/pub.md")).replace("按时缴纳党费。", "按时缴纳党费。SECONDRUN"));
    site.file("content/neibu/a.md", &read(site.path().join("content/neibu/a.md")).replace("CANARYSECTIONPAGEBODY", "CANARYSECONDRUN"));
    let (code, out, err) = publish_both(&site, &public, &internal);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_ne!(current(&public).unwrap(), ids.0, "the public portal switched");
    assert_ne!(current(&internal).unwrap(), ids.1, "the internal portal switched");
    assert_complete(&public);
    assert_complete(&internal);
    assert!(read(public.join("current/notices/pub/index.html")).contains("SECONDRUN"));
    assert!(read(internal.join("current/notices/pub/index.html")).contains("SECONDRUN"));
    assert!(read(internal.join("current/neibu/a/index.html")).contains("CANARYSECONDRUN"));
    assert_eq!(published(&public).last().unwrap()["changed"][0]["path"], "/notices/pub/");
    assert_no_leak(&public);

    // Nothing changed: neither portal makes a release.
    let (code, _, err) = publish_both(&site, &public, &internal);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("公开版：内容没有变化") && err.contains("党内版：内容没有变化"), "{err}");
    assert_eq!((published(&public).len(), published(&internal).len()), (2, 2));
}

#[test]
fn publish_committee_dest_alone_holds_the_personal_data() {
    let site = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let [public, internal, committee] = ["public", "internal", "committee"].map(|d| tmp.path().join(d));
    let extra = ["--internal-dest".into(), internal.to_string_lossy().into_owned(), "--committee-dest".into(), committee.to_string_lossy().into_owned()];
    let (code, out, err) = publish_once(&site, &public, &extra.each_ref().map(String::as_str));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("委员会版：已发布版本") && out.contains("event=published audience=committee"), "{out}\n{err}");
    for dest in [&public, &internal, &committee] {
        assert_complete(dest);
    }
    assert_no_leak(&public);
    let personal = personal_leaks(&decoded_files(&internal));
    assert!(personal.is_empty(), "personal data in the internal DEST:\n{}", personal.join("\n"));
    let found = personal_leaks(&decoded_files(&committee.join("current"))).join("\n");
    for form in ["units/diyi/dues-q1/index.html: 13579.24", "units/diyi/dues-q2/index.html: 4876.53", ": ledgernote"] {
        assert!(found.contains(form), "the committee portal lacks “{form}”:\n{found}");
    }
    assert_eq!(status(&committee)["audience"], "committee");
    // One DEST inside another is refused before anything is built.
    let nested = ["--committee-dest".to_string(), public.join("c").to_string_lossy().into_owned()];
    let (code, _, err) = publish_once(&site, &public, &nested.each_ref().map(String::as_str));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("公开版和委员会版的发布目录不能相同"), "{err}");
}

/// Two public notices and an internal one.
fn small_site() -> Site {
    let site = Site::new();
    site.file("content/notices/a.md", &notice(1, "", "正文。"))
        .file("content/notices/b.md", &notice(2, "", "正文。"))
        .file("content/notices/int.md", &notice(3, "scope = \"internal\"\n", "内部正文。"));
    site
}

#[test]
fn publish_both_strict_content_error_switches_neither_current() {
    let site = small_site();
    let (_tmp, public, internal) = dests();
    assert_eq!(publish_both_strict(&site, &public, &internal).0, 0);
    let live = (current(&public).unwrap(), current(&internal).unwrap());
    let before = std::fs::read(public.join("current/notices/a/index.html")).unwrap();

    site.file("content/notices/a.md", "+++\ntitle = \"通知1\"\ndate = \"昨天\"\n+++\n正文。\n");
    let (code, out, err) = publish_both_strict(&site, &public, &internal);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(err.matches("content/notices/a.md:3:8").count(), 1, "an error of both builds is shown once:\n{err}");
    assert!(err.contains("公开版：生成失败") && err.contains("党内版：生成失败") && err.contains("线上网站保持不变"), "{err}");
    assert!(out.contains("event=failed audience=public") && out.contains("event=failed audience=internal"), "{out}");
    assert_eq!((current(&public).unwrap(), current(&internal).unwrap()), live, "a failed build switched a portal");
    assert_eq!(std::fs::read(public.join("current/notices/a/index.html")).unwrap(), before);
    for dest in [&public, &internal] {
        let st = status(dest);
        assert_eq!(st["state"], "error");
        assert_eq!(st["errors"][0]["location"], "content/notices/a.md:3:8");
        assert_eq!(journal(dest).last().unwrap()["outcome"], "failed");
    }
    let page = read(internal.join("current/_status/index.html"));
    assert!(page.contains("公开版错误（1 个）") && page.matches("content/notices/a.md:3:8").count() >= 2, "{page}");
    let staging: Vec<String> = [&public, &internal].iter().flat_map(|d| staging_leftovers(d)).collect();
    assert!(staging.is_empty(), "staging folders left: {staging:?}");
}

#[test]
fn publish_both_strict_an_error_of_one_audience_holds_back_only_that_portal() {
    let site = small_site();
    let (_tmp, public, internal) = dests();
    assert_eq!(publish_both_strict(&site, &public, &internal).0, 0);
    let live = (current(&public).unwrap(), current(&internal).unwrap());
    // A public page linking internal material: an error for the public portal only.
    site.page("notices/link.md", "公开页", "参见[内部通知](@/notices/int.md)。\n");
    let (code, out, err) = publish_both_strict(&site, &public, &internal);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("content/notices/link.md:4:3") && err.contains("公开版：生成失败") && err.contains("党内版：已发布版本"), "{err}");
    assert_eq!(current(&public).unwrap(), live.0, "the failed public portal stays as it was");
    assert_ne!(current(&internal).unwrap(), live.1, "the internal portal is published");
    assert!(internal.join("current/notices/link/index.html").is_file());
    assert!(!public.join("current/notices/link").exists());
    assert_eq!(status(&public)["state"], "error");
    let st = status(&internal);
    assert_eq!(st["state"], "ok");
    assert_eq!(st["public"]["state"], "error", "the internal status names the public portal's failure");
    assert_eq!(st["public"]["errors"][0]["location"], "content/notices/link.md:4:3");
    assert!(read(internal.join("current/_status/index.html")).contains("content/notices/link.md:4:3"));
}

#[test]
fn publish_both_usage_errors_are_chinese() {
    let site = small_site();
    let (_tmp, public, internal) = dests();
    let int = internal.to_string_lossy().into_owned();
    let (code, _, err) = publish_once(&site, &public, &["--internal-dest", &int, "--audience", "internal"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--audience internal") && err.contains("公开版"), "{err}");
    let same = public.join("sub").to_string_lossy().into_owned();
    let (code, _, err) = publish_once(&site, &public, &["--internal-dest", &same]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不能相同，也不能一个在另一个里面"), "{err}");
    let (code, _, err) = publish_once(&site, &public, &["--internal-dest", &int, "--internal-base-url", "neibu"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--internal-base-url"), "{err}");
    assert!(!public.exists() && !internal.exists(), "nothing is created on a usage error");
}

#[test]
fn publish_both_from_config_with_an_internal_base_url() {
    let site = small_site();
    let (_tmp, public, internal) = dests();
    site.file("config.toml", "title = \"测试党务公开\"\nbase_url = \"http://dangjian.example/\"\n[publish]\ninternal_base_url = \"http://neibu.example/\"\n");
    // The DESTs are the admin's (docs/deploy.md): in a file outside the share.
    let admin = _tmp.path().join("publish.toml");
    std::fs::write(&admin, format!("[publish]\ndest = \"{}\"\ninternal_dest = \"{}\"\n", public.display(), internal.display())).unwrap();
    let (s, a) = (site.path().to_string_lossy().into_owned(), admin.to_string_lossy().into_owned());
    let (code, out, err) = crate::publish::dwgk(&["publish", "--once", "--source", &s, "--config", &a]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(read(public.join("current/atom.xml")).contains("http://dangjian.example/notices/a/"));
    let feed = read(internal.join("current/atom.xml"));
    assert!(feed.contains("http://neibu.example/notices/int/") && !feed.contains("dangjian.example"), "{feed}");
}

#[test]
fn publish_both_daemon_publishes_both_on_start_change_and_publish_date() {
    let site = small_site();
    let due = (chrono::Local::now().naive_local() + chrono::Duration::seconds(10)).with_nanosecond(0).unwrap();
    site.file("content/notices/soon.md", &notice(4, &format!("publish_date = \"{}\"\n", due.format("%Y-%m-%d %H:%M:%S")), "SOONPAGE"));
    let (_tmp, public, internal) = dests();
    let int = internal.to_string_lossy().into_owned();
    let daemon = Daemon::start(&site, &public, &["--internal-dest", &int, "--poll-seconds", "60", "--settle-seconds", "1"]);
    let all = |n: usize| published(&public).len() == n && published(&internal).len() == n;
    wait_for("both portals' first releases", Duration::from_secs(30), || all(1));
    assert!(daemon.log().contains("internal_dest=") && daemon.log().contains("同时发布公开版和党内版"), "{}", daemon.log());
    assert!(internal.join("current/notices/int/index.html").is_file() && !public.join("current/notices/int").exists());
    assert!(!public.join("current/notices/soon").exists() && !internal.join("current/notices/soon").exists(), "published before publish_date");
    let wake = due.format("%Y-%m-%dT%H:%M:%S").to_string();
    wait_for("status.json to name the wake-up", Duration::from_secs(5), || {
        status(&public)["next_wake"] == wake.as_str() && status(&internal)["next_wake"] == wake.as_str()
    });

    site.file("content/notices/b.md", &notice(2, "", "CHANGED"));
    wait_for("both portals to take the change", Duration::from_secs(20), || all(2));
    for dest in [&public, &internal] {
        assert!(read(dest.join("current/notices/b/index.html")).contains("CHANGED"));
        assert_eq!(published(dest)[1]["trigger"], "change");
    }

    wait_for("the scheduled page in both portals", Duration::from_secs(20), || all(3));
    let late = (chrono::Local::now().naive_local() - due).num_milliseconds();
    assert!((0..5000).contains(&late), "published {late} ms after publish_date\n{}", daemon.log());
    for dest in [&public, &internal] {
        assert_complete(dest);
        assert!(read(dest.join("current/notices/soon/index.html")).contains("SOONPAGE"));
        let last = published(dest).pop().unwrap();
        assert_eq!(last["trigger"], "schedule");
        assert_eq!(last["added"][0]["path"], "/notices/soon/");
    }
}

#[test]
fn publish_both_sigkilled_at_any_point_leaves_both_currents_complete() {
    let _heavy = crate::util::heavy();
    let site = small_site();
    for n in 0..150 {
        site.file(&format!("content/notices/p{n}.md"), &notice(n, "", "## 一、正文\n\n正文内容。"));
    }
    let (_tmp, public, internal) = dests();
    let started = std::time::Instant::now();
    assert_eq!(publish_both(&site, &public, &internal).0, 0);
    let run = started.elapsed();
    for i in 0..12u32 {
        site.file("content/notices/p0.md", &notice(0, "", &format!("第 {i} 次修改。")));
        let mut child = std::process::Command::new(crate::util::bin())
            .args(["publish", "--once", "--source"])
            .arg(site.path())
            .arg("--dest")
            .arg(&public)
            .arg("--internal-dest")
            .arg(&internal)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over both builds and both switches.
        std::thread::sleep(run.mul_f64((f64::from(i) + 0.5) / 12.0 * 1.1));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_complete(&public);
        assert_complete(&internal);
    }
    site.file("content/notices/p0.md", &notice(0, "", "最终版本。"));
    let (code, out, err) = publish_both(&site, &public, &internal);
    assert_eq!(code, 0, "{out}\n{err}");
    for dest in [&public, &internal] {
        assert_complete(dest);
        assert!(read(dest.join("current/notices/p0/index.html")).contains("最终版本。"));
        let left = staging_leftovers(dest);
        assert!(left.is_empty(), "{}: staging leftovers {left:?}", dest.display());
    }
}

#[test]
fn publish_both_isolates_a_broken_page_in_each_portal_and_keeps_the_public_dest_clean() {
    let site = fixture();
    let (tmp, public, internal) = dests();
    assert_eq!(publish_both(&site, &public, &internal).0, 0);
    let live = (current(&public).unwrap(), current(&internal).unwrap());
    let before =
        (std::fs::read(public.join("current/notices/pub/index.html")).unwrap(), std::fs::read(internal.join("current/notices/pub/index.html")).unwrap());
    // A public notice and an internal page break; a public and an internal page change.
    site.file("content/notices/pub.md", "+++\ntitle = \"关于做好党费收缴工作的公开通知\"\ndate = \"三月初\"\n+++\n改过的正文。\n");
    site.file("content/neibu/a.md", &read(site.path().join("content/neibu/a.md")).replace("kind = \"notice\"", "kind = \"notise\""));
    site.file("content/units/diyi/dues-q2.md", &read(site.path().join("content/units/diyi/dues-q2.md")).replace("第二季度公示。", "第二季度公示 PUBLICRUN2。"));
    site.file("content/notices/int/index.md", &read(site.path().join("content/notices/int/index.md")).replace("CANARYBODY", "CANARYBODY INTERNALRUN2"));
    let (code, out, err) = publish_both(&site, &public, &internal);
    assert_eq!(code, 1, "held-back pages are content errors:\n{out}\n{err}");
    assert!(err.contains("公开版：已发布版本") && err.contains("党内版：已发布版本"), "{err}");
    assert_ne!(current(&public).unwrap(), live.0);
    assert_ne!(current(&internal).unwrap(), live.1);
    assert_complete(&public);
    assert_complete(&internal);
    assert_eq!(std::fs::read(public.join("current/notices/pub/index.html")).unwrap(), before.0, "the public portal keeps the broken page's last version");
    assert_eq!(std::fs::read(internal.join("current/notices/pub/index.html")).unwrap(), before.1, "so does the internal one");
    assert!(read(public.join("current/units/diyi/dues-q2/index.html")).contains("PUBLICRUN2"));
    assert!(read(internal.join("current/notices/canaryslug/index.html")).contains("INTERNALRUN2"));
    assert!(read(internal.join("current/neibu/a/index.html")).contains("CANARYSECTIONPAGEBODY"), "the broken internal page keeps its last version");

    // Nothing internal in the public DEST: not the internal page's title, not its source.
    assert_no_leak(&public);
    let kept = tmp.path().join("public.sources").join(current(&public).unwrap());
    assert!(kept.join("notices/pub.md").is_file(), "the public portal keeps its own source, beside its DEST");
    for internal_only in ["neibu/a.md", "neibu/_index.md", "notices/int/index.md", "units/canaryunit/_index.md", "units/diyi/dues-int.md", "notices/draft.md"] {
        assert!(!kept.join(internal_only).exists(), "the public portal's kept source holds {internal_only}");
    }
    let st = status(&public);
    let files: Vec<&str> = st["problems"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["content/neibu/a.md", "content/notices/pub.md"], "{st}");
    assert!(st["problems"][0].get("title").is_none(), "an internal page is named by its file only in the public DEST");
    let ist = status(&internal);
    assert_eq!(ist["problems"].as_array().unwrap().len(), 2);
    assert_eq!(ist["public"]["state"], "partial");
    let page = read(internal.join("current/_status/index.html"));
    assert!(page.contains("content/notices/pub.md") && page.contains("内部栏目页 CANARYSECTIONPAGE"), "{page}");
}
