//! Files Windows, Office and editors leave in the shared folder are skipped: never
//! copied, never parsed, never an error.

use crate::util::{files, Site};

#[test]
fn office_and_os_leftovers_are_skipped() {
    let s = Site::new();
    s.page("notices/a/index.md", "通知", "见[附件](表.docx)。")
        .bytes("content/notices/a/表.docx", b"PK real attachment")
        // In a bundle (whose files are published) and in a plain folder.
        .bytes("content/notices/a/~$表.docx", b"\x00lock\x00")
        .bytes("content/notices/a/Thumbs.db", b"\x00\x01thumbs")
        .bytes("content/notices/~$通知.docx", b"\x00\x01lock file")
        .bytes("content/notices/Thumbs.db", b"\x00\x01\x02")
        .file("content/notices/desktop.ini", "[.ShellClassInfo]\r\n")
        .file("content/notices/x.tmp", "temp")
        .bytes("content/Desktop.ini", b"[.ShellClassInfo]")
        // Not even parsed: a broken hidden Markdown file is no error.
        .file("content/notices/.hidden.md", "+++\ntitle = \"隐藏\n")
        .file("content/.obsidian/workspace.md", "+++\n")
        .bytes("content/notices/loose.pdf", b"control: a loose file the internal build copies");
    for audience in ["public", "internal"] {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("o");
        let r = s.run(&["build", "--audience", audience, "-o", &dir.to_string_lossy()]);
        r.expect(0);
        assert!(!r.stderr.contains("错误") && !r.stderr.contains("警告"), "{}", r.stderr);
        let names: Vec<String> = files(&dir).into_keys().collect();
        assert!(names.contains(&"notices/a/表.docx".to_string()), "{names:?}");
        if audience == "internal" {
            assert!(names.contains(&"notices/loose.pdf".to_string()), "control file missing: {names:?}");
        }
        for bad in ["~$", "Thumbs.db", "desktop.ini", "Desktop.ini", ".tmp", "hidden", "obsidian", "隐藏"] {
            assert!(!names.iter().any(|n| n.contains(bad)), "{bad} was copied ({audience}): {names:?}");
        }
    }
}
