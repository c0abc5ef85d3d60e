//! What a page's `dwgk-release` stamp says: the release its bytes last changed in.
//! An unchanged page keeps its stamp and is the live release's file (a hard link,
//! nothing written), a changed page carries the new release, a rollback serves the
//! older release whole, and a manifest without per-file entries (written before
//! they existed) makes every page count as changed.

use crate::publish::{assert_complete, current, dwgk, notice, publish_once, release_of};
use crate::util::{files, Site};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const A: &str = "notices/a/index.html";
const B: &str = "notices/b/index.html";

fn read(dest: &Path, id: &str, rel: &str) -> String {
    std::fs::read_to_string(dest.join("releases").join(id).join(rel)).unwrap_or_else(|e| panic!("{id}/{rel}: {e}"))
}

fn stamp(dest: &Path, id: &str, rel: &str) -> String {
    release_of(&read(dest, id, rel)).unwrap_or_else(|| panic!("{id}/{rel} is not stamped")).to_string()
}

fn inode(dest: &Path, id: &str, rel: &str) -> u64 {
    std::fs::metadata(dest.join("releases").join(id).join(rel)).unwrap().ino()
}

fn publish(site: &Site, dest: &Path) -> String {
    // The site's static/ is the admin's code here (`--code`): the share's is not used.
    let code_dir = site.path().to_string_lossy().into_owned();
    let (code, out, err) = publish_once(site, dest, &["--code", &code_dir]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_complete(dest);
    current(dest).unwrap()
}

#[test]
fn publish_unchanged_pages_keep_their_stamp_and_share_the_live_file() {
    let site = Site::new();
    site.file("content/notices/a.md", &notice(1, "", "A-v1")).file("content/notices/b.md", &notice(2, "", "B-v1"));
    site.file("static/files/guide.txt", "办事指南");
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    let d = dest.to_string_lossy().into_owned();
    let r1 = publish(&site, &dest);
    assert_eq!(stamp(&dest, &r1, B), r1);

    site.file("content/notices/a.md", &notice(1, "", "A-v2"));
    let r2 = publish(&site, &dest);
    assert_ne!(r1, r2);
    assert_eq!(stamp(&dest, &r2, A), r2, "a changed page carries the new release");
    assert!(read(&dest, &r2, A).contains("A-v2"));
    assert_eq!(stamp(&dest, &r2, B), r1, "an unchanged page keeps the release its bytes last changed in");
    assert_eq!(inode(&dest, &r2, B), inode(&dest, &r1, B), "an unchanged page is the live release's file, not a copy");
    assert_ne!(inode(&dest, &r2, A), inode(&dest, &r1, A));
    assert_eq!(inode(&dest, &r2, "files/guide.txt"), inode(&dest, &r1, "files/guide.txt"), "an unchanged static file is linked too");
    assert_eq!(std::fs::read_to_string(dest.join("current/.dwgk-release")).unwrap().trim(), r2, "the live release's id, for the admin");
    let manifest = std::fs::read_to_string(dest.join("manifests").join(format!("{r2}.json"))).unwrap();
    assert!(manifest.contains(&format!("{B}\": \"")) && manifest.contains(&format!(" {r1}\"")), "the manifest records each page's stamp");

    // Rolled back: the older release is served whole, as it was published.
    let (code, _, err) = dwgk(&["rollback", "--dest", &d]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(current(&dest).unwrap(), r1);
    assert_complete(&dest);
    let served = std::fs::read_to_string(dest.join("current").join(A)).unwrap();
    assert!(served.contains("A-v1") && release_of(&served) == Some(r1.as_str()), "{served}");

    // The next release starts from the live one (r1): r2 is never touched.
    let kept = files(&dest.join("releases").join(&r2));
    site.file("content/notices/a.md", &notice(1, "", "A-v3"));
    let r3 = publish(&site, &dest);
    assert_eq!(stamp(&dest, &r3, A), r3);
    assert_eq!(stamp(&dest, &r3, B), r1);
    assert_eq!(inode(&dest, &r3, B), inode(&dest, &r1, B));
    assert_eq!(files(&dest.join("releases").join(&r2)), kept, "a kept release changed");

    // A live manifest without per-file entries: nothing is known unchanged.
    let path = dest.join("manifests").join(format!("{r3}.json"));
    let mut old: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("files").expect("files recorded");
    std::fs::write(&path, old.to_string()).unwrap();
    site.file("content/notices/a.md", &notice(1, "", "A-v4"));
    let r4 = publish(&site, &dest);
    assert_eq!(stamp(&dest, &r4, B), r4, "without the live manifest's entries every page counts as changed");
    assert_ne!(inode(&dest, &r4, B), inode(&dest, &r1, B));
    site.file("content/notices/a.md", &notice(1, "", "A-v5"));
    let r5 = publish(&site, &dest);
    assert_eq!(stamp(&dest, &r5, B), r4, "and the release after that keeps stamps again");
    assert_eq!(inode(&dest, &r5, B), inode(&dest, &r4, B));
}
