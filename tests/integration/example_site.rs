//! The example site at the repository root is the documentation's running example:
//! it must build cleanly for both audiences.

use crate::util::{files, run_dwgk};

#[test]
fn example_site_builds_for_both_audiences() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    for audience in ["public", "internal"] {
        let out = tmp.path().join(audience);
        let args: Vec<String> = ["build", "--root", root, "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
        let r = run_dwgk(&args, tmp.path());
        r.expect(0);
        assert!(!r.stderr.contains("错误"), "{audience}:\n{}", r.stderr);
        let out_files = files(&out);
        assert!(out_files.contains_key("index.html") && out_files.contains_key("sitemap.xml"), "{audience}");
    }
    let public = files(&tmp.path().join("public"));
    let internal = files(&tmp.path().join("internal"));
    assert!(internal.len() > public.len(), "the internal build has more ({} vs {})", internal.len(), public.len());
    // Nothing beside the outputs (no staging leftovers), and the repo's own public/ untouched.
    let mut names: Vec<String> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["internal", "public"]);
}
