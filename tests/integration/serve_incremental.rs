//! The preview server's incremental rebuilds serve what a full build serves: after
//! each edit of the example site, every output (the search index aside: it is
//! written by full builds only: ARCHITECTURE.md) equals, byte for byte, the output of
//! a fresh server started on the same files. In-process (`serve::live::Live`).

use dwgk::content::kind::Audience;
use dwgk::pipeline::Request;
use dwgk::serve::live::{How, Live, Out, Served};
use dwgk::site::BuildOptions;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

fn live(root: &Path, audience: Audience) -> Live {
    let now = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let opts = BuildOptions { audience, drafts: false, now, as_of: None };
    let req = Request {
        root: root.to_path_buf(),
        output: None,
        base_url: Some("http://127.0.0.1:8000/".into()),
        opts,
        published: Default::default(),
        trust: dwgk::pipeline::Trust::site(root),
        cache: None,
    };
    let mut live = Live::new(req, Arc::new(Served::new(root)));
    let first = live.rebuild(&[]);
    assert!(!first.diags.has_errors(), "{:?}", first.diags);
    live
}

/// Every served output but the search index: bytes, or the path of a file on disk.
fn outputs(live: &Live) -> BTreeMap<String, Vec<u8>> {
    let outputs = live.served.outputs.read().unwrap();
    outputs
        .iter()
        .filter(|(k, _)| !k.starts_with("search/"))
        .map(|(k, out)| {
            let bytes = match out {
                Out::File(p) => p.to_string_lossy().into_owned().into_bytes(),
                stored => stored.rendered().unwrap().unwrap(),
            };
            (k.clone(), bytes)
        })
        .collect()
}

fn assert_same(incremental: &Live, root: &Path, audience: Audience, what: &str) {
    let fresh = live(root, audience);
    let (a, b) = (outputs(incremental), outputs(&fresh));
    let missing: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let ghosts: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    assert!(missing.is_empty() && ghosts.is_empty(), "{what} ({audience:?}): missing {missing:?}, ghosts {ghosts:?}");
    let differ: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(differ.is_empty(), "{what} ({audience:?}): outputs differ from a full build: {differ:?}");
}

/// Replaces `from` with `to` in a file (which must contain it).
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn front_matter_edits_give_the_outputs_of_a_full_build() {
    let _quiet = crate::util::heavy();
    const NOTICE: &str = "content/notices/关于开展主题党日活动的通知.md";
    const ACTIVITY: &str = "content/units/jiguan/diyi/2024-06-28-dangke.md";
    const RECORD: &str = "content/units/jiguan/diyi/record-2024-q1.md";
    // (file, from, to, the path the rebuild must take)
    let edits: &[(&str, &str, &str, How)] = &[
        (NOTICE, "title = \"关于开展2024年主题党日活动的通知\"", "title = \"关于开展2024年主题党日活动的通知（修订）\"", How::FrontMatter),
        // Newest page now: the section's order, its neighbours, the feed and the archive change.
        (NOTICE, "date = 2024-03-04", "date = 2024-12-30", How::FrontMatter),
        // A new tag and one dropped: old and new term pages, the tag list.
        (NOTICE, "tags = [\"主题党日\", \"三会一课\"]", "tags = [\"主题党日\", \"新设标签\"]", How::FrontMatter),
        // The only page of a term leaves it: the term's pages go (no ghosts).
        (NOTICE, "tags = [\"主题党日\", \"新设标签\"]", "tags = [\"主题党日\", \"三会一课\"]", How::FrontMatter),
        (
            NOTICE,
            "approved_by = \"陈志远\"",
            "approved_by = \"陈志远\"\ndescription = \"修订后的摘要\"\nweight = 3\n[extra]\nnote = \"附注\"",
            How::FrontMatter,
        ),
        // Front matter and body in one save; the body alone.
        (NOTICE, "note = \"附注\"\n+++\n\n各党支部：", "note = \"附注二\"\n+++\n\n各党支部、各部门：", How::FrontMatter),
        (NOTICE, "现将有关事项通知如下。", "现将有关事项通知如下：", How::Page),
        // An activity and a record: what compliance reads is the same.
        (ACTIVITY, "title = \"第一党支部“七一”专题党课\"", "title = \"第一党支部“七一”专题党课（补记）\"", How::FrontMatter),
        (RECORD, "title = \"第一党支部2024年第一季度工作记录\"", "title = \"第一党支部2024年一季度工作记录\"", How::FrontMatter),
        // What compliance counts, and a new URL: full builds.
        (ACTIVITY, "date = 2024-06-28", "date = 2024-07-01", How::Full),
        (NOTICE, "kind = \"notice\"", "kind = \"notice\"\nslug = \"zhutidangri-tongzhi\"", How::Full),
    ];
    for audience in [Audience::Internal, Audience::Public] {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::util::copy_dir(&repo.join("content"), &tmp.path().join("content"));
        std::fs::copy(repo.join("config.toml"), tmp.path().join("config.toml")).unwrap();
        let root = tmp.path();
        let mut server = live(root, audience);
        for (file, from, to, how) in edits {
            edit(root, file, from, to);
            let out = server.rebuild(&[file.to_string()]);
            assert!(!out.diags.has_errors(), "{file}: {:?}", out.diags);
            let what = format!("{file}: {from} → {to}");
            // A page hidden from this audience is rebuilt fully whatever changed.
            if audience == Audience::Internal || *how == How::Full {
                assert_eq!(out.how, *how, "{what}");
            }
            assert_same(&server, root, audience, &what);
        }
    }
}

#[test]
fn incremental_rebuilds_keep_the_store_bounded() {
    let _quiet = crate::util::heavy();
    const NOTICE: &str = "content/notices/关于开展主题党日活动的通知.md";
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::util::copy_dir(&repo.join("content"), &tmp.path().join("content"));
    std::fs::copy(repo.join("config.toml"), tmp.path().join("config.toml")).unwrap();
    let root = tmp.path();
    let mut server = live(root, Audience::Internal);
    let after_full = server.store_bytes();
    let mut most = 0;
    let mut title = "关于开展2024年主题党日活动的通知".to_string();
    for k in 0..120 {
        let next = format!("关于开展2024年主题党日活动的通知（第{k}稿）");
        edit(root, NOTICE, &format!("title = \"{title}\""), &format!("title = \"{next}\""));
        title = next;
        let out = server.rebuild(&[NOTICE.to_string()]);
        assert_eq!(out.how, How::FrontMatter);
        most = most.max(server.store_bytes());
    }
    // Moved to a fresh store past three times the full build's bytes (plus the edit that crossed it).
    assert!(server.store_bytes() < most, "never compacted: {most} bytes after a {after_full}-byte full build");
    assert!(most < 4 * after_full, "{most} bytes after a {after_full}-byte full build");
    assert_same(&server, root, Audience::Internal, "after compaction");
}
