//! The example site at the repository root is the documentation's running example:
//! it must build cleanly for both audiences.

use crate::util::{files, run_dwgk};

#[test]
fn example_site_builds_for_both_audiences() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    for audience in ["public", "internal", "committee"] {
        let out = tmp.path().join(audience);
        let args: Vec<String> = ["build", "--root", root, "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
        let r = run_dwgk(&args, tmp.path());
        r.expect(0);
        assert!(!r.stderr.lines().any(|l| l.starts_with("错误")), "{audience}:\n{}", r.stderr);
        let out_files = files(&out);
        assert!(out_files.contains_key("index.html") && out_files.contains_key("sitemap.xml"), "{audience}");
    }
    let public = files(&tmp.path().join("public"));
    let internal = files(&tmp.path().join("internal"));
    assert!(internal.len() > public.len(), "the internal build has more ({} vs {})", internal.len(), public.len());
    // Nothing beside the outputs but their build caches (no staging leftovers), and the repo's own public/ untouched.
    let mut names: Vec<String> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, [".committee.dwgk-cache", ".internal.dwgk-cache", ".public.dwgk-cache", "committee", "internal", "public"]);
}

/// The example's public dues pages single out no one: every bracket row holds at
/// least 3 members, and no number of the public build equals the 应缴 or 实缴 of a
/// member whose group (category and standard, as the committee page shows them) is
/// smaller than that.
#[test]
fn example_site_public_dues_show_no_small_group() {
    use crate::county_dues::{money_numbers, table};
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    for audience in ["public", "committee"] {
        let out = tmp.path().join(audience);
        let args: Vec<String> = ["build", "--root", root, "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
        run_dwgk(&args, tmp.path()).expect(0);
    }
    let public = files(&tmp.path().join("public"));
    let shown: std::collections::BTreeSet<String> = public.values().flat_map(|b| money_numbers(&String::from_utf8_lossy(b))).collect();
    let mut pages = 0;
    for (rel, bytes) in files(&tmp.path().join("committee")) {
        let html = String::from_utf8_lossy(&bytes).into_owned();
        if !html.contains("<table class=\"dues-members") {
            continue;
        }
        pages += 1;
        let (head, rows) = table(&html, "dues-members");
        let col = |name: &str| head.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {head:?}"));
        let group = |r: &Vec<String>| (r[col("类别")].clone(), r[col("标准")].clone());
        for r in rows.iter().filter(|r| rows.iter().filter(|o| group(o) == group(r)).count() < 3) {
            for amount in [&r[col("应缴")], &r[col("实缴")]].into_iter().filter(|a| !a.is_empty()) {
                assert!(!shown.contains(amount), "{rel}: {}'s own {amount} is in the public build", r[col("姓名")]);
            }
        }
        let public_page = String::from_utf8_lossy(&public[&rel]).into_owned();
        for band in table(&public_page, "dues-brackets").1 {
            assert!(band[2].parse::<u32>().unwrap() >= 3, "{rel}: a public row of fewer than 3: {band:?}");
        }
    }
    assert_eq!(pages, 3, "the example's three disclosures were checked");
}

/// The example's ledgers and plans carry realistic mistakes; `check` finds each,
/// located at the ledger cell or the plan entry.
#[test]
fn example_site_check_finds_the_planted_dues_and_study_mistakes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let args: Vec<String> = ["check", "--root", root, "--audience", "internal"].iter().map(|s| s.to_string()).collect();
    let r = run_dwgk(&args, tmp.path());
    r.expect(0);
    for needle in [
        // 6200 × 1.5% = 93.00/month; the officer applied 1% (62.00) → one month short.
        "王建国：应缴 279.00 元，实缴 186.00 元，少缴 93.00 元，欠缴 1 个月",
        "content/units/jiguan/diyi/dues-2024-q3.xlsx!Sheet1!B6",
        // A retiree with nothing paid for six months: serious.
        "【严重】",
        "content/units/jiguan/dier/党费台账2024上半年.csv!A4",
        "少上缴 153.00 元",
        // A 合计 typed over as 680.00 while the members add up to 681.00.
        "content/units/jiguan/disan/dues-2024-q3.xlsx!Sheet1!H8",
        "“其他”类党员",
        // Planned sessions whose dates have passed.
        "content/units/jiguan/dier/学习计划2024.xlsx!Sheet1!B6",
        "content/units/jiguan/study-plan-2024.md:65",
    ] {
        assert!(r.stderr.contains(needle), "check lacks “{needle}”:\n{}", r.stderr);
    }
}

/// The example's `[search] dictionary` terms are whole tokens of its index: named in
/// `meta.js` (so search.js looks the term up as one token) and in the term's shard.
#[test]
fn example_site_dictionary_terms_are_indexed_whole() {
    let root = env!("CARGO_MANIFEST_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_dwgk(&["build".into(), "--root".into(), root.into(), "--output".into(), out.to_string_lossy().into_owned()], tmp.path()).expect(0);
    let meta = std::fs::read_to_string(out.join("search/meta.js")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&meta[meta.find('=').unwrap() + 1..meta.find(";\n").unwrap()]).unwrap();
    let dict: Vec<&str> = json["dict"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(dict.contains(&"三会一课") && dict.contains(&"警示教育"), "built-in and site terms: {dict:?}");
    // FNV-1a over code points picks the shard, as tokens.rs and search.js do.
    let hash = "警示教育".chars().fold(0x811c_9dc5u32, |h, c| (h ^ c as u32).wrapping_mul(0x0100_0193));
    let shard = hash & (json["shards"].as_u64().unwrap() as u32 - 1);
    let file = std::fs::read_to_string(out.join(format!("search/s/{shard}.js"))).unwrap();
    assert!(file.contains("\"警示教育\":\""), "the term's postings in s/{shard}.js");
}
