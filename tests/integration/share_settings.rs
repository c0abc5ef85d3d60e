//! What the share's config.toml may not decide (docs/deploy.md “共享文件夹能改什么”):
//! the DESTs, their audience, the deletion guard and the releases kept come from the
//! command line or the admin's `--config` file; a share-side value is ignored with a
//! logged warning, and every other `[publish]` key still works from the share.

use crate::publish::{dwgk, notice, publish_once, published};
use crate::util::Site;
use std::path::Path;

fn site() -> Site {
    let site = Site::new();
    site.file("content/notices/a.md", &notice(1, "", "正文。"))
        .file("content/notices/b.md", &notice(2, "", "正文。"))
        .file("content/notices/int.md", &notice(3, "scope = \"internal\"\n", "INTERNALCANARY"));
    site
}

fn append_config(site: &Site, text: &str) {
    let config = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    site.file("config.toml", &format!("{config}\n{text}"));
}

fn all_text(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect()
}

#[test]
fn the_share_cannot_turn_the_public_portal_internal_nor_move_it() {
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let (dest, elsewhere) = (tmp.path().join("public"), tmp.path().join("elsewhere"));
    // The documented single-portal service: --source and --dest, no --audience.
    append_config(
        &site,
        &format!("[publish]\naudience = \"internal\"\ndest = \"{}\"\ninternal_dest = \"{}\"\nkeep = 1\n", elsewhere.display(), elsewhere.join("int").display()),
    );
    let (code, out, err) = publish_once(&site, &dest, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let public = all_text(&dest.join("current"));
    assert!(!public.contains("INTERNALCANARY") && !dest.join("current/_status").exists(), "the public DEST got the internal build");
    assert!(dest.join("current/notices/a/index.html").is_file());
    assert!(!elsewhere.exists(), "a DEST named by the share was written");
    for key in ["audience", "dest", "internal_dest", "keep"] {
        assert!(out.contains(&format!("event=ignored_setting key=publish.{key}")), "no warning for {key}:\n{out}");
    }
    assert!(out.contains("只能由管理员在命令行或 --config 文件中指定"), "{out}");
}

#[test]
fn the_share_cannot_lower_the_deletion_guard_but_may_set_its_own_keys() {
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("public");
    assert_eq!(publish_once(&site, &dest, &[]).0, 0);
    // Half the pages gone, and the share raises the limit: still refused.
    site.remove("content/notices/b.md");
    append_config(&site, "[publish]\nmax_drop_percent = 100\nstrict = true\n");
    let (code, out, err) = publish_once(&site, &dest, &[]);
    assert_ne!(code, 0, "{out}\n{err}");
    assert!(out.contains("event=refused"), "{out}");
    assert!(out.contains("event=ignored_setting key=publish.max_drop_percent value=100"), "{out}");
    assert!(!out.contains("key=publish.strict"), "strict narrows what is published: the share may set it");
    assert_eq!(published(&dest).len(), 1);
}

#[test]
fn the_admins_file_names_the_portals_and_the_share_its_base_url() {
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let (public, internal) = (tmp.path().join("public"), tmp.path().join("internal"));
    let admin = tmp.path().join("publish.toml");
    std::fs::write(&admin, format!("[publish]\ndest = \"{}\"\ninternal_dest = \"{}\"\n", public.display(), internal.display())).unwrap();
    append_config(&site, "[publish]\ninternal_base_url = \"http://neibu.example/\"\n");
    let (s, a) = (site.path().to_string_lossy().into_owned(), admin.to_string_lossy().into_owned());
    let (code, out, err) = dwgk(&["publish", "--once", "--source", &s, "--config", &a]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(all_text(&internal.join("current")).contains("INTERNALCANARY"));
    assert!(!all_text(&public.join("current")).contains("INTERNALCANARY"));
    assert!(std::fs::read_to_string(internal.join("current/atom.xml")).unwrap().contains("http://neibu.example/"), "a key the share may set");
    assert!(!out.contains("ignored_setting"), "{out}");

    // A typo in the admin's file is an error, never a silent default.
    std::fs::write(&admin, "[publish]\ndset = \"/srv/x\"\n").unwrap();
    let (code, _, err) = dwgk(&["publish", "--once", "--source", &s, "--config", &a]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("发布设置文件") && err.contains("dset"), "{err}");
}

#[test]
fn publishing_the_admins_own_folder_reads_its_config_toml() {
    // No share: `dwgk publish` run in the site itself, its config.toml names the DEST.
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("public");
    append_config(&site, &format!("[publish]\ndest = \"{}\"\n", dest.display()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dwgk")).args(["publish", "--once"]).current_dir(site.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dest.join("current/notices/a/index.html").is_file());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ignored_setting"));
}
