//! The share is untrusted (docs/deploy.md “信任模型”): each attack of issue 22 by
//! someone who can only write files into the shared folder — links to files and
//! folders outside the site, a symlink and a hard link to an internal attachment or
//! folder, web pages and SVG as attachments, templates with `get_env`, a theme name
//! that climbs out, link loops. Each is refused with a located Chinese message and
//! no byte from outside the site or from an internal file reaches a public output.

use crate::publish::publish_once;
use crate::util::{files, Site};
use std::os::unix::fs::symlink;
use std::path::Path;

const CANARY: &str = "CANARY-OUTSIDE-7f3a";
const INTERNAL: &str = "CANARY-INTERNAL-91bc";

/// Every output file's bytes that contain `needle`.
fn holding(dir: &Path, needle: &str) -> Vec<String> {
    files(dir).into_iter().filter(|(_, b)| b.windows(needle.len()).any(|w| w == needle.as_bytes())).map(|(n, _)| n).collect()
}

/// A folder outside the site with a canary file, a private key and a `shadow`.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("dwgk-outside-").tempdir().unwrap();
    std::fs::write(dir.path().join("canary.txt"), CANARY).unwrap();
    std::fs::create_dir_all(dir.path().join("home/.ssh")).unwrap();
    std::fs::write(dir.path().join("home/id_rsa"), format!("-----BEGIN OPENSSH PRIVATE KEY----- {CANARY}")).unwrap();
    std::fs::write(dir.path().join("shadow"), format!("root:$6${CANARY}:19000:0:99999:7:::")).unwrap();
    dir
}

fn public_bundle(s: &Site) {
    s.file("content/notices/_index.md", "+++\ntitle = \"通知公告\"\n+++\n")
        .file("content/notices/a/index.md", "+++\ntitle = \"关于学习的通知\"\ndate = 2024-03-01\n+++\n见附件说明。\n");
}

#[test]
fn links_to_files_and_folders_outside_the_site_are_refused_with_a_located_error() {
    let out = outside();
    let s = Site::new();
    public_bundle(&s);
    symlink(out.path().join("canary.txt"), s.path().join("content/notices/a/附件说明.txt")).unwrap();
    symlink(out.path(), s.path().join("content/notices/资料")).unwrap();
    for audience in ["public", "internal"] {
        let r = s.run(&["build", "--audience", audience]);
        r.expect(1).stderr_has(&[
            "--> content/notices/a/附件说明.txt",
            "--> content/notices/资料",
            "符号链接指向站点文件夹以外的",
            "dwgk 不读取站点以外的文件",
            "allow_read",
        ]);
        assert!(!r.stderr.contains("id_rsa") && !r.stderr.contains("shadow"), "nothing behind the folder link was listed:\n{}", r.stderr);
        assert!(holding(&s.public(), CANARY).is_empty(), "{audience}");
    }
    // `publish` refuses the same way: the link's page is held back, nothing behind it goes live.
    let dest = tempfile::tempdir().unwrap();
    let (code, stdout, _) = publish_once(&s, dest.path(), &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("符号链接指向站点文件夹以外的"), "{stdout}");
    assert!(holding(dest.path(), CANARY).is_empty());
}

#[test]
fn an_outside_folder_the_admin_allows_is_read() {
    let out = outside();
    let s = Site::new();
    public_bundle(&s);
    s.file("content/notices/a/index.md", "+++\ntitle = \"关于学习的通知\"\ndate = 2024-03-01\n+++\n见[学习材料](学习材料.pdf)。\n");
    std::fs::create_dir_all(out.path().join("公共资料")).unwrap();
    std::fs::write(out.path().join("公共资料/学习材料.pdf"), "%PDF shared").unwrap();
    symlink(out.path().join("公共资料/学习材料.pdf"), s.path().join("content/notices/a/学习材料.pdf")).unwrap();
    let allowed = format!("[security]\nallow_read = [\"{}\"]\n", out.path().join("公共资料").display());
    s.file("config.toml", &format!("title = \"测试\"\nbase_url = \"http://example.org/\"\n{allowed}"));
    s.build_ok(&[]);
    assert_eq!(std::fs::read(s.public().join("notices/a/学习材料.pdf")).unwrap(), b"%PDF shared");
    // The share's own [security] does not count for publish: only the command line.
    let dest = tempfile::tempdir().unwrap();
    let (code, stdout, _) = publish_once(&s, dest.path(), &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("[security] 在 dwgk publish 中不起作用") && stdout.contains("符号链接指向站点文件夹以外的"), "{stdout}");
    let allow = out.path().join("公共资料").to_string_lossy().into_owned();
    let (code, stdout, _) = publish_once(&s, dest.path(), &["--allow-read", &allow]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(std::fs::read(dest.path().join("current/notices/a/学习材料.pdf")).unwrap(), b"%PDF shared");
}

/// An internal bundle with an attachment, an internal section with a page, and a
/// public bundle holding a hard link and a symlink to the internal attachment.
fn twins_site() -> Site {
    let s = Site::new();
    public_bundle(&s);
    s.file("content/neibu/_index.md", "+++\ntitle = \"党内栏目\"\nscope = \"internal\"\n+++\n")
        .file("content/neibu/名单/index.md", "+++\ntitle = \"党员名单\"\ndate = 2024-02-01\n+++\n见名单。\n")
        .bytes("content/neibu/名单/名单.xlsx", format!("PK {INTERNAL} roster").as_bytes())
        .file("content/neibu/sub/_index.md", "+++\ntitle = \"内部子栏目\"\n+++\n子栏目说明。\n")
        .file("content/neibu/sub/会议.md", &format!("+++\ntitle = \"内部会议 {INTERNAL}\"\ndate = 2024-02-02\n+++\n正文 {INTERNAL}。\n"));
    std::fs::hard_link(s.path().join("content/neibu/名单/名单.xlsx"), s.path().join("content/notices/a/报名表.xlsx")).unwrap();
    symlink("../../neibu/名单/名单.xlsx", s.path().join("content/notices/a/名单副本.xlsx")).unwrap();
    // A public folder that is the internal one under another name.
    symlink("../neibu/sub", s.path().join("content/notices/资料")).unwrap();
    s
}

#[test]
fn hard_and_symbolic_links_to_internal_files_and_folders_stay_internal() {
    let s = twins_site();
    let r = s.build_ok(&[]);
    assert!(holding(&s.public(), INTERNAL).is_empty(), "internal bytes in the public build: {:?}", holding(&s.public(), INTERNAL));
    assert!(!s.out_exists("notices/a/报名表.xlsx") && !s.out_exists("notices/a/名单副本.xlsx") && !s.out_exists("notices/资料/index.html"));
    assert!(s.out_exists("notices/a/index.html"), "the public page itself is published");
    // Never silent: each held-back name is a warning at the file.
    r.stderr_has(&["--> content/notices/a/报名表.xlsx", "--> content/notices/a/名单副本.xlsx", "与党内公开的内容是同一个文件"]);
    // The internal build has everything.
    s.build_ok(&["--audience", "internal"]);
    assert!(s.out_exists("notices/a/报名表.xlsx") && s.out_exists("neibu/名单/名单.xlsx") && !holding(&s.public(), INTERNAL).is_empty());
    // A public page that links the twin gets an error at the link.
    s.file("content/notices/a/index.md", "+++\ntitle = \"关于学习的通知\"\ndate = 2024-03-01\n+++\n见[报名表](报名表.xlsx)。\n");
    s.run(&["build"]).expect(1).stderr_has(&["content/notices/a/index.md:5:2", "与党内公开的内容是同一个文件"]);
}

#[test]
fn web_pages_svg_and_scripts_are_never_published_as_attachments() {
    let s = Site::new();
    public_bundle(&s);
    s.file("content/notices/a/说明.html", "<script>document.title='PWNED-HTML-ATTACHMENT'</script>")
        .file("content/notices/a/图.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"document.title='PWNED-SVG'\"/>")
        .file("content/notices/a/x.js", "alert(1)")
        .file("content/notices/b.md", "+++\ntitle = \"另一个通知\"\ndate = 2024-03-02\n+++\n![图](a/图.svg)\n");
    for audience in ["public", "internal"] {
        let r = s.run(&["build", "--audience", audience]);
        r.expect(1).stderr_has(&[
            "--> content/notices/a/说明.html",
            "--> content/notices/a/x.js",
            "content/notices/b.md:5:1",
            "是网页文件",
            "SVG 图片",
            "不能发布",
            "另存为 PDF",
        ]);
        for (name, _) in files(&s.public()) {
            assert!(!name.ends_with("说明.html") && !name.ends_with(".svg") && !name.ends_with("x.js"), "{name}");
        }
    }
}

#[test]
fn templates_and_static_files_from_the_share_are_not_code_for_publish() {
    let s = Site::new();
    public_bundle(&s);
    s.file("templates/404.html", "<!DOCTYPE html><title>404</title><p>HOME={{ get_env(name=\"HOME\") }}</p>")
        .file("static/js/evil.js", "document.title='PWNED-STATIC'");
    // `build` trusts the folder's own templates, but get_env reads nothing unless allowed.
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&["模板不能读取环境变量 HOME", "allow_env"]);
    assert!(holding(&s.public(), &format!("HOME={home}")).is_empty());
    // `publish` without --code: the share's templates/ and static/ are not used, with a warning.
    let dest = tempfile::tempdir().unwrap();
    let (code, stdout, _) = publish_once(&s, dest.path(), &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("templates/ 是网站代码") && stdout.contains("static/ 是网站代码") && stdout.contains("dwgk publish 不使用它"), "{stdout}");
    let live = dest.path().join("current");
    assert!(holding(&live, "HOME=").is_empty() && holding(&live, &home).is_empty() && !live.join("js/evil.js").exists());
    assert!(std::fs::read_to_string(live.join("404.html")).unwrap().contains("lang=\"zh-CN\""), "the built-in 404 page");
    // The admin's code folder is used, and get_env reads what the admin allows.
    let code_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(code_dir.path().join("templates")).unwrap();
    std::fs::write(
        code_dir.path().join("templates/404.html"),
        "<!DOCTYPE html><html lang=\"zh-CN\"><title>404</title><p>联系：{{ get_env(name=\"DWGK_TEST_CONTACT\", default=\"无\") }}</p></html>",
    )
    .unwrap();
    let c = code_dir.path().to_string_lossy().into_owned();
    let (code, stdout, _) = publish_once(&s, dest.path(), &["--code", &c, "--allow-env", "DWGK_TEST_CONTACT"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(std::fs::read_to_string(live.join("404.html")).unwrap().contains("联系：无"));
}

#[test]
fn a_theme_name_cannot_climb_out_of_themes() {
    let s = Site::new();
    s.file("config.toml", "title = \"测试\"\nbase_url = \"http://example.org/\"\ntheme = \"../content/x\"\n");
    s.run(&["build"]).expect(1).stderr_has(&["config.toml:3:1", "主题名“../content/x”无效"]);
}

#[test]
fn links_out_of_static_and_templates_are_refused() {
    let out = outside();
    let s = Site::new();
    std::fs::create_dir_all(s.path().join("static")).unwrap();
    symlink(out.path().join("shadow"), s.path().join("static/robots2.txt")).unwrap();
    std::fs::create_dir_all(s.path().join("templates")).unwrap();
    symlink(out.path().join("canary.txt"), s.path().join("templates/page.html")).unwrap();
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&["--> static/robots2.txt", "--> templates/page.html", "符号链接指向站点文件夹以外的"]);
    assert!(holding(&s.public(), CANARY).is_empty());
}

#[test]
fn a_loop_of_links_names_the_loop_not_permissions() {
    let s = Site::new();
    s.page("notices/ok.md", "正常页", "正文。\n");
    symlink("b", s.path().join("content/notices/a")).unwrap();
    symlink("a", s.path().join("content/notices/b")).unwrap();
    let r = s.run(&["build"]);
    r.expect(1).stderr_has(&["符号链接形成了循环：content/notices/a → content/notices/b → content/notices/a"]);
    assert!(!r.stderr.contains("检查文件权限") && !r.stderr.contains("挂载"), "{}", r.stderr);
}
