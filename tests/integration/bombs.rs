//! One small file in the share must not take the publisher down: spreadsheet bombs —
//! a far cell (A1 and XFD1048576), a zip entry that inflates past any ledger, a
//! shared-strings table that declares four billion strings, nested entities, an
//! .ods repeating one value over a million rows, an .xls declaring or using its
//! whole grid, a CSV of nothing but commas — each built under a memory cap
//! (`setrlimit(RLIMIT_AS)` in the child) and each refused with a located Chinese
//! error for that file, the rest of the site still checked (content::limits).

use crate::util::{bin, xlsx, Site};
use std::io::{Cursor, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Address space the build may use: a small site needs far less; every bomb here
/// would need far more without its limit.
const CAP: u64 = 512 << 20;

/// `dwgk build` under `CAP` (and a minute of CPU): exit code and stderr.
fn build_capped(s: &Site) -> (Option<i32>, String) {
    let mut cmd = Command::new(bin());
    cmd.args(["build", "--root", &s.path().to_string_lossy()]).env("NO_COLOR", "1");
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let mem = libc::rlimit { rlim_cur: CAP, rlim_max: CAP };
            let cpu = libc::rlimit { rlim_cur: 60, rlim_max: 60 };
            if libc::setrlimit(libc::RLIMIT_AS, &mem) != 0 || libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run dwgk");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A site whose dues page names `file`, written with `bytes`, and an unrelated error.
fn ledger_site(file: &str, bytes: &[u8]) -> Site {
    let s = Site::new();
    s.file("content/units/_index.md", "+++\ntitle = \"支部\"\n[unit]\nkind = \"党支部\"\n+++\n")
        .file(
            "content/units/dues.md",
            &format!("+++\ntitle = \"党费公示\"\nkind = \"dues\"\ndate = 2024-04-08\nperiod = \"2024-Q1\"\nledger = \"{file}\"\n+++\n公示。\n"),
        )
        .bytes(&format!("content/units/{file}"), bytes)
        .unrelated_error();
    s
}

/// Asserts the build ended normally, with `needle` in an error at the file.
fn refused(s: &Site, file: &str, needle: &str) {
    let (code, stderr) = build_capped(s);
    assert_eq!(code, Some(1), "the build must end with content errors, not a crash:\n{stderr}");
    assert!(stderr.contains(&format!("--> content/units/{file}")) && stderr.contains(needle), "{needle}:\n{stderr}");
    assert!(stderr.contains(Site::UNRELATED_AT), "the rest of the site was still checked:\n{stderr}");
}

/// The entries of a zip, rewritten by `edit` (`None`: kept as they are).
fn rezip(bytes: &[u8], edit: impl Fn(&str, &[u8]) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let method = if name == "mimetype" { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
        w.write_all(&edit(&name, &data).unwrap_or(data)).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn a_ledger() -> Vec<u8> {
    xlsx(|ws| {
        for (c, h) in ["姓名", "类别", "基数", "实缴"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "张三").unwrap();
        ws.write_string(1, 1, "在职").unwrap();
        ws.write_number(1, 2, 4000).unwrap();
        ws.write_number(1, 3, 120).unwrap();
    })
}

#[test]
fn an_xlsx_with_a_far_cell_is_refused_without_building_its_range() {
    let bytes = xlsx(|ws| {
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(1_048_575, 16_383, "远").unwrap();
    });
    assert!(bytes.len() < 8 * 1024, "a small file: {} bytes", bytes.len());
    refused(&ledger_site("台账.xlsx", &bytes), "台账.xlsx", "单元格 XFD1048576 有内容，超出 dwgk 读取的范围");
}

#[test]
fn a_zip_bomb_is_refused_by_its_real_size() {
    // A sheet that inflates past the 32 MiB an entry may hold: identical rows compress
    // a thousandfold, and nothing but the bytes that come out tells.
    let row = format!("<row><c t=\"inlineStr\"><is><t>{}</t></is></c></row>", "党".repeat(300));
    let bomb = rezip(&a_ledger(), |name, data| {
        (name == "xl/worksheets/sheet1.xml").then(|| {
            let text = String::from_utf8_lossy(data);
            let (head, tail) = text.split_once("<sheetData>").unwrap();
            let mut out = format!("{head}<sheetData>").into_bytes();
            while out.len() < 40 << 20 {
                out.extend_from_slice(row.as_bytes());
            }
            out.extend_from_slice(format!("</sheetData>{}", tail.split_once("</sheetData>").unwrap().1).as_bytes());
            out
        })
    });
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    refused(&ledger_site("台账.xlsx", &bomb), "台账.xlsx", "解压后超过 32 MB");
}

#[test]
fn a_shared_strings_table_that_declares_billions_is_refused() {
    let lying = rezip(&a_ledger(), |name, data| {
        (name == "xl/sharedStrings.xml").then(|| {
            let text = String::from_utf8_lossy(data);
            let start = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = start + text[start..].find('"').unwrap();
            format!("{}4000000000{}", &text[..start], &text[end..]).into_bytes()
        })
    });
    refused(&ledger_site("台账.xlsx", &lying), "台账.xlsx", "4000000000 个不同的文字");
}

#[test]
fn nested_entities_are_never_expanded() {
    let laughs = rezip(&a_ledger(), |name, data| {
        (name == "xl/sharedStrings.xml").then(|| {
            let mut dtd = String::from("<!DOCTYPE sst [<!ENTITY l0 \"哈哈哈哈哈哈哈哈哈哈\">");
            for i in 1..10 {
                dtd.push_str(&format!("<!ENTITY l{i} \"{}\">", format!("&l{};", i - 1).repeat(10)));
            }
            dtd.push_str("]>");
            let text = String::from_utf8_lossy(data).replacen("<sst", &format!("{dtd}<sst"), 1);
            text.replacen("<t>张三</t>", "<t>&l9;</t>", 1).into_bytes()
        })
    });
    let s = ledger_site("台账.xlsx", &laughs);
    let (code, stderr) = build_capped(&s);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(Site::UNRELATED_AT), "{stderr}");
    assert!(!stderr.contains(&"哈".repeat(100)), "an entity was expanded");
}

#[test]
fn an_ods_repeating_a_value_over_a_million_rows_is_refused() {
    let fixture = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/office/台账.ods")).unwrap();
    let bomb = rezip(&fixture, |name, data| {
        (name == "content.xml").then(|| {
            let row = "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"1000\" office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell></table:table-row>";
            String::from_utf8_lossy(data).replacen("</table:table>", &format!("{row}</table:table>"), 1).into_bytes()
        })
    });
    refused(&ledger_site("台账.ods", &bomb), "台账.ods", "超出 dwgk 读取的范围");
}

/// The LibreOffice .xls fixture with the first record of `typ` edited.
fn xls_with(typ: u16, len: u16, edit: impl Fn(&mut [u8])) -> Vec<u8> {
    let mut b = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/office/台账.xls")).unwrap();
    let head = [typ.to_le_bytes(), len.to_le_bytes()].concat();
    let i = b.windows(4).position(|w| w == head.as_slice()).expect("record in the fixture");
    edit(&mut b[i + 4..]);
    b
}

#[test]
fn an_xls_declaring_or_using_its_whole_grid_is_refused() {
    // DIMENSIONS (BIFF8: first row, last row + 1 as u32; first column, last column + 1 as u16).
    let declared = xls_with(0x0200, 14, |d| {
        d[4..8].copy_from_slice(&(1u32 << 30).to_le_bytes());
        d[10..12].copy_from_slice(&256u16.to_le_bytes());
    });
    refused(&ledger_site("台账.xls", &declared), "台账.xls", "超出 dwgk 读取的范围");
    // A text cell (LABELSST: row, column, format, string index) moved to IV65536.
    let far = xls_with(0x00FD, 10, |d| {
        d[0..2].copy_from_slice(&65535u16.to_le_bytes());
        d[2..4].copy_from_slice(&255u16.to_le_bytes());
    });
    // xls has at most 65,536 rows: the used area, 65,535 × 256 cells, is what is too big.
    refused(&ledger_site("台账.xls", &far), "台账.xls", "65535 行 × 256 列，超出 dwgk 读取的范围");
}

#[test]
fn a_csv_of_commas_is_refused() {
    let mut csv = b"\xe5\xa7\x93\xe5\x90\x8d,\xe5\xae\x9e\xe7\xbc\xb4\n".to_vec();
    for _ in 0..5_000 {
        csv.extend_from_slice(&[b','; 999]);
        csv.push(b'\n');
    }
    refused(&ledger_site("台账.csv", &csv), "台账.csv", "超出 dwgk 读取的范围");
}
