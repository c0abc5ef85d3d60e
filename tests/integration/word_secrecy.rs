//! 保密审查: what Word hides is never published. The secrecy fixtures (LibreOffice's
//! and python-docx's, tests/fixtures/word/README.md) carry a `CANARY…` word in every
//! hidden place — tracked deletions and moves, comments, hidden text, hidden and
//! deleted table rows, field instructions, headers and footers, core/app/custom
//! properties, an embedded OLE object and its preview, a hidden shape, a local-file
//! link, image EXIF and comments, custom XML, a glossary. Both audiences' builds
//! (also with relative URLs) are searched byte by byte — raw, case-insensitively,
//! inside zips and in the decoded search index — for any of them, while the visible
//! revisions (insertions, moved-to text, a field's shown result) must be there.

use crate::leaks::decoded_files;
use crate::util::Site;
use crate::word::fixture;
use std::io::Read;

const FIXTURES: [&str; 2] = ["保密审查-python.docx", "保密审查-libreoffice.docx"];

/// Every `CANARY…` word inside the package's parts (decompressed): what the test must not find.
fn canaries_in(docx: &[u8]) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut b = Vec::new();
        z.by_index(i).unwrap().read_to_end(&mut b).unwrap();
        let mut text = String::from_utf8_lossy(&b).into_owned();
        // The OLE object's text is UTF-16.
        if b.starts_with(&[0xD0, 0xCF]) {
            text = String::from_utf16_lossy(&b[8..].chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect::<Vec<_>>());
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find("CANARY") {
            let word: String = rest[i..].chars().take_while(|c| c.is_ascii_uppercase()).collect();
            out.push(word);
            rest = &rest[i + 6..];
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn nothing_word_hides_reaches_any_output_of_either_audience() {
    let mut expected = Vec::new();
    let s = Site::new();
    const CONFIG: &str = "title = \"测试\"\nbase_url = \"http://example.org/\"\npresets = [\"branch-2018\"]\n[compliance]\nyear = 2024\nas_of = 2024-12-31\nscope = \"public\"\n";
    s.file("content/units/diyi/_index.md", "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\n+++\n");
    for f in FIXTURES {
        let bytes = fixture(f);
        expected.extend(canaries_in(&bytes));
        s.bytes(&format!("content/notices/{f}"), &bytes);
        // The same document as a meeting record in a unit, and as an internal page.
        s.bytes(&format!("content/units/diyi/2024年10月15日支委会会议记录-{f}"), &bytes);
    }
    for must in [
        "CANARYPYDELETED",
        "CANARYPYMOVEDFROM",
        "CANARYPYCOMMENT",
        "CANARYPYCOMMENTER",
        "CANARYPYHIDDEN",
        "CANARYPYSTYLEHIDDEN",
        "CANARYPYROWHIDDEN",
        "CANARYPYROWDELETED",
        "CANARYPYFIELDCODE",
        "CANARYPYNESTEDRESULT",
        "CANARYPYHEADER",
        "CANARYPYFOOTER",
        "CANARYPYAUTHOR",
        "CANARYPYLASTBY",
        "CANARYPYCOMPANY",
        "CANARYPYTEMPLATE",
        "CANARYPYCUSTOMPROP",
        "CANARYPYOLEDATA",
        "CANARYPYOLEPREVIEW",
        "CANARYPYHIDDENBOX",
        "CANARYPYHIDDENSHAPE",
        "CANARYPYLOCALPATH",
        "CANARYPYEXIF",
        "CANARYPYCUSTOMXML",
        "CANARYPYGLOSSARY",
        "CANARYLODELETED",
        "CANARYLOREVISER",
        "CANARYLOCOMMENT",
        "CANARYLOHIDDEN",
        "CANARYLOHEADER",
        "CANARYLOFOOTER",
        "CANARYLOAUTHOR",
        "CANARYLOCUSTOM",
    ] {
        assert!(expected.iter().any(|e| e == must), "the fixtures lost the canary {must}: remake them (tests/fixtures/word/README.md)");
    }
    for (audience, relative) in [("public", false), ("internal", false), ("public", true), ("internal", true)] {
        let urls = if relative { "relative_urls = true\n" } else { "" };
        s.file("config.toml", &format!("{urls}{CONFIG}"));
        s.run(&["build", "--audience", audience]).expect(0);
        let extra = if relative { "relative URLs" } else { "root-relative URLs" };
        let all = decoded_files(&s.public());
        let mut found = Vec::new();
        for (name, bytes) in &all {
            let upper = String::from_utf8_lossy(bytes).to_uppercase();
            for c in &expected {
                if upper.contains(c.as_str()) {
                    found.push(format!("{name}: {c}"));
                }
            }
        }
        assert!(found.is_empty(), "{audience} build ({extra}) leaks what Word hides:\n{}", found.join("\n"));
        // The visible revisions are published (so the search could have seen the canaries).
        let page = String::from_utf8_lossy(&all["notices/保密审查-python/index.html"]).into_owned();
        for shown in ["PYINSERTED", "PYMOVEDTO", "PYFIELDRESULT", "本机文件链接"] {
            assert!(page.contains(shown), "{shown} is shown text: {page}");
        }
        assert!(String::from_utf8_lossy(&all["notices/保密审查-libreoffice/index.html"]).contains("LOINSERTED"));
        assert!(all.keys().any(|k| k.starts_with("notices/保密审查-python/") && k.ends_with(".jpg")), "the photo is published, without its EXIF");
        if audience == "internal" {
            assert!(all.keys().any(|k| k.contains("支委会会议记录-保密审查-python") && k.ends_with("index.html")), "the records are in the internal build");
            let docs: String = all
                .iter()
                .filter(|(k, _)| k.starts_with("search/d/") && k.ends_with("#decoded"))
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
                .collect();
            assert!(docs.contains("PYINSERTED") || docs.to_lowercase().contains("pyinserted"), "the index holds the pages' text");
        }
    }
}
