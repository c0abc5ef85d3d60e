//! Where output may go: `build -o` never inside what the build reads (it would
//! copy its previous output into itself every build), `publish` never with a
//! DEST inside the shared folder (a writer to the share could change the live
//! site) nor one DEST inside the other — symlinks resolved.

use crate::publish::dwgk;
use crate::util::Site;
use std::os::unix::fs::symlink;

#[test]
fn build_output_inside_the_source_is_refused() {
    let s = Site::new();
    s.page("notices/a.md", "通知", "正文。");
    let out = s.path().join("content/out");
    let r = s.run(&["build", "-o", &out.to_string_lossy()]);
    r.expect(2).stderr_has(&["输出目录", "content/ 里面", "提示"]);
    assert!(!out.exists(), "nothing was written");
    // Through a symlink outside the site that points into static/.
    std::fs::create_dir_all(s.path().join("static")).unwrap();
    let link = s.path().parent().unwrap().join(format!("{}-link", s.path().file_name().unwrap().to_string_lossy()));
    symlink(s.path().join("static"), &link).unwrap();
    let r = s.run(&["build", "-o", &link.join("out").to_string_lossy()]);
    let _ = std::fs::remove_file(&link);
    r.expect(2).stderr_has(&["static/ 里面"]);
    s.run(&["build", "-o", &s.path().to_string_lossy()]).expect(2).stderr_has(&["就是站点文件夹或包含了它"]);
    // The default public/ and any folder outside are fine, and a second build does not grow.
    s.build_ok(&[]);
    let first = crate::util::files(&s.public()).len();
    s.build_ok(&[]);
    assert_eq!(crate::util::files(&s.public()).len(), first);
}

#[test]
fn publish_dest_inside_the_share_or_the_other_dest_is_refused() {
    let s = Site::new();
    s.page("notices/a.md", "通知", "正文。");
    let src = s.path().to_string_lossy().into_owned();
    for inside in ["content/pubdest", "public", "dest"] {
        let d = s.path().join(inside).to_string_lossy().into_owned();
        let (code, _, err) = dwgk(&["publish", "--once", "--source", &src, "--dest", &d]);
        assert_eq!(code, 2, "{inside}: {err}");
        assert!(err.contains("发布目录") && err.contains("在源文件夹") && err.contains("提示"), "{err}");
        assert!(!s.path().join(inside).join("releases").exists(), "{inside}: nothing published");
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("public");
    // The internal DEST under a link into the public DEST (which does not exist yet).
    std::fs::create_dir_all(tmp.path().join("real")).unwrap();
    symlink(tmp.path().join("real"), &d).unwrap();
    let internal = tmp.path().join("real/internal");
    let (code, _, err) = dwgk(&["publish", "--once", "--source", &src, "--dest", &d.to_string_lossy(), "--internal-dest", &internal.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不能相同，也不能一个在另一个里面"), "{err}");
    // The source inside DEST.
    let outer = tmp.path().join("outer");
    std::fs::create_dir_all(outer.join("site/content")).unwrap();
    std::fs::write(outer.join("site/config.toml"), "title = \"测试\"\nbase_url = \"http://example.org/\"\n").unwrap();
    let (code, _, err) = dwgk(&["publish", "--once", "--source", &outer.join("site").to_string_lossy(), "--dest", &outer.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("在发布目录") && err.contains("里面"), "{err}");
    // Apart, it publishes.
    let (code, _, err) = dwgk(&["publish", "--once", "--source", &src, "--dest", &tmp.path().join("ok").to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
}
