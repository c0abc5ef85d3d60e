//! Other Word formats through LibreOffice: a Word 97 `.doc` and an `.rtf` saved by
//! LibreOffice become pages (the `.doc` a meeting record counted in its month),
//! converted once into the cache (a rebuild with LibreOffice gone still works);
//! without LibreOffice, or when it hangs, a located Chinese error — never a skip.

use crate::util::{Run, Site};
use crate::word::fixture;
use std::path::Path;
use std::process::Command;

fn run(site: &Site, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let out = Command::new(crate::util::bin())
        .args(args)
        .arg("--root")
        .arg(site.path())
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn site() -> Site {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-12-31\n");
    s.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    s.bytes("content/units/diyi/2024年10月15日支委会会议记录.doc", &fixture("2024年10月15日支委会会议记录.doc"));
    s.bytes("content/notices/征集意见通知.rtf", &fixture("征集意见通知.rtf"));
    s
}

#[test]
fn doc_and_rtf_are_converted_by_libreoffice_once_and_cached() {
    let Some(soffice) = crate::util::soffice() else { return };
    let s = site();
    let cache = tempfile::tempdir().unwrap();
    let soffice = Path::new(soffice);
    let r = run(&s, &["build", "--audience", "internal"], &[("DWGK_CACHE_DIR", cache.path()), ("DWGK_SOFFICE", soffice)]);
    r.expect(0);
    let record = s.out("units/diyi/2024年10月15日支委会会议记录/index.html");
    assert!(
        record.contains("<h1 class=\"notice-title\">第一党支部支委会会议<span class=\"no-orphan\">记录</span></h1>")
            && record.contains("会议决定：每月召开一次支委会"),
        "{record}"
    );
    assert!(record.contains("<time datetime=\"2024-10-15\">"), "dated by its 时间 line");
    let notice = s.out("notices/征集意见通知/index.html");
    assert!(notice.contains("关于征集党建工作意见的通知") && notice.contains("<p class=\"signature\">2024年3月10日</p>"), "{notice}");
    let cells = crate::word::cells(&s, "diyi", "zhiweihui");
    assert!(cells.iter().any(|c| c.0 == "2024-10" && c.1 == "met"), "the converted record counts: {cells:?}");
    let cached: Vec<String> = std::fs::read_dir(cache.path().join("word")).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(cached.iter().filter(|n| n.ends_with(".docx")).count(), 2, "{cached:?}");
    assert!(cached.iter().all(|n| !n.starts_with("convert-")), "the conversion folders are removed: {cached:?}");
    // Rebuilt with LibreOffice gone: the cache has both conversions.
    let gone = Path::new("");
    let r = run(&s, &["build", "--audience", "internal"], &[("DWGK_CACHE_DIR", cache.path()), ("DWGK_SOFFICE", gone)]);
    r.expect(0);
    assert!(s.out("units/diyi/2024年10月15日支委会会议记录/index.html").contains("会议决定"));
    // A changed file is converted again; the cache checks the whole source, not only its hash.
    let mut changed = fixture("征集意见通知.rtf");
    let at = changed.windows(4).position(|w| w == b"\\par").unwrap();
    changed.splice(at..at, b" \\u20462?".iter().copied());
    s.bytes("content/notices/征集意见通知.rtf", &changed);
    run(&s, &["build", "--audience", "internal"], &[("DWGK_CACHE_DIR", cache.path()), ("DWGK_SOFFICE", gone)])
        .expect(1)
        .stderr_has(&["content/notices/征集意见通知.rtf", "没有安装 LibreOffice"]);
}

#[test]
fn without_libreoffice_other_formats_are_located_errors_with_what_to_do() {
    let s = site();
    s.page("notices/ok.md", "正常的页面", "正文。");
    let cache = tempfile::tempdir().unwrap();
    let r = run(&s, &["check"], &[("DWGK_CACHE_DIR", cache.path()), ("DWGK_SOFFICE", Path::new(""))]);
    r.expect(1).stderr_has(&[
        "content/units/diyi/2024年10月15日支委会会议记录.doc",
        "无法读取 .doc 文件：服务器上没有安装 LibreOffice",
        "content/notices/征集意见通知.rtf",
        "另存为” Word 文档（.docx）",
        "libreoffice-writer-nogui",
    ]);
    assert!(!r.stderr.contains("ok.md"), "the other pages are fine: {}", r.stderr);
    // A .docx that is really an old .doc says so too.
    s.bytes("content/notices/改了扩展名.docx", &fixture("2024年10月15日支委会会议记录.doc"));
    run(&s, &["check"], &[("DWGK_CACHE_DIR", cache.path()), ("DWGK_SOFFICE", Path::new(""))])
        .expect(1)
        .stderr_has(&["content/notices/改了扩展名.docx", "没有安装 LibreOffice"]);
}

#[test]
fn a_hanging_libreoffice_is_killed_after_the_timeout() {
    let s = Site::new();
    s.bytes("content/notices/旧通知.doc", &fixture("2024年10月15日支委会会议记录.doc"));
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("soffice");
    std::fs::write(&fake, "#!/bin/sh\nsleep 30\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let started = std::time::Instant::now();
    let out = Command::new(crate::util::bin())
        .args(["check", "--root"])
        .arg(s.path())
        .env("DWGK_CACHE_DIR", dir.path().join("cache"))
        .env("DWGK_SOFFICE", &fake)
        .env("DWGK_SOFFICE_TIMEOUT", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/notices/旧通知.doc") && stderr.contains("超过 1 秒仍未完成"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "killed at the timeout, not after the 30 s sleep");
}
