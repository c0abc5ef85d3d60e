//! The county site's dues (three ledger formats) against an independent calculation:
//! every member's monthly and expected dues, difference and months in arrears to the
//! fen in the committee build (bases shown), the same amounts without bases in the
//! all-members build, and a public build where no figure covers fewer than 3 members
//! and no number anywhere equals such a member's own amount. Also `check`'s notes.

use crate::county::county;
use crate::util::{files, Site};
use std::collections::BTreeSet;

/// A ledger row: name, category (E 在职, R 离退休, O 其他), base and paid in fen, months.
type Row = (&'static str, char, Option<i64>, u32, i64);

const YIZHI: &[Row] = &[
    ("吴海峰", 'E', Some(689000), 3, 31005),
    ("周丽", 'E', Some(465050), 3, 13953),
    ("郑国强", 'E', Some(1357924), 3, 54316),
    ("孙晓梅", 'E', Some(280000), 3, 4200),
    ("钱伟", 'E', Some(438000), 3, 13140),
    ("冯雪", 'E', Some(732145), 3, 32946),
    ("蒋涛", 'E', Some(910000), 3, 0),
    ("韩秀英", 'R', Some(380000), 3, 5700),
    ("杨建国", 'R', Some(560000), 3, 20130),
];
const ERZHI: &[Row] = &[
    ("林芳", 'E', Some(550000), 6, 49500),
    ("黄志明", 'E', Some(320000), 6, 16000),
    ("赵丽娟", 'E', Some(390000), 6, 23400),
    ("马骏", 'E', Some(610000), 6, 54900),
    ("许大庆", 'R', Some(450000), 6, 13500),
    ("宋平", 'O', None, 6, 6000),
];
const TUIXIU: &[Row] = &[
    ("何淑芬", 'R', Some(310000), 2, 3100),
    ("曹德胜", 'R', Some(428050), 2, 4280),
    ("彭玉兰", 'R', Some(523000), 2, 10460),
    ("董明", 'R', Some(631000), 2, 12620),
];

const PAGES: [(&str, &[Row]); 3] = [
    ("zuzhi/gongwei/jiaoyu/zongzhi/yizhi/dues-2024-q3/index.html", YIZHI),
    ("zuzhi/gongwei/jiaoyu/zongzhi/erzhi/dues-2024-h1/index.html", ERZHI),
    ("zuzhi/gongwei/jiaoyu/tuixiu/dues-2024-q4/index.html", TUIXIU),
];

/// The 2008 table: (bracket index, rate in basis points), by category and base.
fn bracket(cat: char, base: Option<i64>) -> Option<(usize, i64)> {
    let b = base?;
    let (limits, rates): (&[i64], &[i64]) = match cat {
        'E' => (&[300000, 500000, 1000000], &[50, 100, 150, 200]),
        'R' => (&[500000], &[50, 100]),
        _ => return None,
    };
    let i = limits.iter().position(|&l| b <= l).unwrap_or(limits.len());
    Some((i, rates[i]))
}

/// (monthly, expected, arrears months) in fen, half up.
fn due(r: &Row) -> Option<(i64, i64, u32)> {
    let (_, rate) = bracket(r.1, r.2)?;
    let monthly = (r.2? * rate + 5000) / 10000;
    let covered = (r.4 / monthly) as u32;
    Some((monthly, monthly * i64::from(r.3), r.3.saturating_sub(covered)))
}

pub(crate) fn yuan(fen: i64) -> String {
    format!("{}{}.{:02}", if fen < 0 { "-" } else { "" }, fen.abs() / 100, fen.abs() % 100)
}

pub(crate) fn text(html: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                tag = true;
                out.push(' ');
            }
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The header texts and the cell texts of every body row of `<table class="{class}">`.
pub(crate) fn table(html: &str, class: &str) -> (Vec<String>, Vec<Vec<String>>) {
    // The class list may go on (`dues-brackets table-cards`); the phone layout's cell labels are no cell text.
    let start = [format!("<table class=\"{class}\""), format!("<table class=\"{class} ")]
        .iter()
        .filter_map(|open| html.find(open.as_str()))
        .min()
        .unwrap_or_else(|| panic!("no {class} table"));
    let t = &html[start..start + html[start..].find("</table>").unwrap()];
    let t = &without_cell_labels(t);
    let cells =
        |row: &str| -> Vec<String> { row.split("<t").skip(1).filter(|c| c.starts_with('d') || c.starts_with("h ")).map(|c| text(&format!("<t{c}"))).collect() };
    let head = &t[t.find("<thead>").unwrap()..t.find("</thead>").unwrap()];
    let body = &t[t.find("<tbody>").unwrap()..t.find("</tbody>").unwrap()];
    (cells(head), body.split("<tr").skip(1).map(cells).collect())
}

/// `html` without the `<span class="cell-label">…</span>` the theme puts in cells for phones.
fn without_cell_labels(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<span class=\"cell-label\">") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        rest = &after[after.find("</span>").map_or(after.len(), |e| e + "</span>".len())..];
    }
    out.push_str(rest);
    out
}

fn page(dir: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn build(s: &Site, audience: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(audience);
    s.run(&["build", "--audience", audience, "-o", &dir.to_string_lossy()]).expect(0);
    (out, dir)
}

#[test]
fn every_members_dues_to_the_fen_for_the_committee_and_all_members() {
    let s = county();
    let (_c, committee) = build(&s, "committee");
    let (_i, internal) = build(&s, "internal");
    for (rel, rows) in PAGES {
        for (dir, with_base) in [(&committee, true), (&internal, false)] {
            let html = page(dir, rel);
            let (head, body) = table(&html, "dues-members");
            let col = |name: &str| head.iter().position(|h| h == name);
            assert_eq!(col("基数（元/月）").is_some(), with_base, "{rel}: bases for the committee only");
            assert_eq!(col("欠缴月数").is_some(), with_base, "{rel}: arrears for the committee only");
            assert_eq!(body.len(), rows.len(), "{rel}: one row per member, no 合计");
            for (r, cells) in rows.iter().zip(&body) {
                let cell = |name: &str| cells[col(name).unwrap_or_else(|| panic!("{name} in {head:?}"))].as_str();
                assert_eq!(cell("姓名"), r.0);
                assert_eq!(cell("实缴"), yuan(r.4), "{}", r.0);
                assert_eq!(cell("月数"), r.3.to_string(), "{}", r.0);
                match due(r) {
                    Some((monthly, expected, arrears)) => {
                        assert_eq!((cell("月应缴"), cell("应缴")), (yuan(monthly).as_str(), yuan(expected).as_str()), "{}", r.0);
                        if with_base {
                            assert_eq!(cell("基数（元/月）"), yuan(r.2.unwrap()), "{}", r.0);
                            assert_eq!(cell("差额"), yuan(r.4 - expected), "{}", r.0);
                            let a = match arrears {
                                0 => String::new(),
                                n if n >= 6 => format!("{n}（严重）"),
                                n => n.to_string(),
                            };
                            assert_eq!(cell("欠缴月数"), a, "{}", r.0);
                        }
                    }
                    None => assert_eq!((cell("标准"), cell("应缴")), ("未判定", ""), "{}", r.0),
                }
            }
            let expected: i64 = rows.iter().filter_map(|r| due(r).map(|d| d.1)).sum();
            let paid: i64 = rows.iter().map(|r| r.4).sum();
            let summary = text(&html[html.find("<dl class=\"dues-summary\">").unwrap()..]);
            assert!(
                summary.contains(&format!("应缴合计 {} 元", yuan(expected))) && summary.contains(&format!("实缴合计 {} 元", yuan(paid))),
                "{rel}: {summary}"
            );
            // Findings and the ledger file: the committee's (the inline rows have neither).
            for personal in ["核对发现", "原始台账"] {
                assert_eq!(html.contains(personal), with_base && rows != TUIXIU, "{rel}: “{personal}”");
            }
        }
    }
    assert!(committee.join("zuzhi/gongwei/jiaoyu/zongzhi/erzhi/党费台账2024上半年.csv").is_file(), "the committee may download the ledger");
    assert!(!internal.join("zuzhi/gongwei/jiaoyu/zongzhi/erzhi/党费台账2024上半年.csv").exists(), "all members may not");
    for dir in [&committee, &internal] {
        assert!(files(dir).keys().all(|k| !k.contains("dues-2024-q3-draft") && !k.contains("草稿台账")), "a draft and its ledger are never published");
    }
}

/// Every `123.45`-like number in `text`.
pub(crate) fn money_numbers(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.' || b[i - 1] == b'-')) {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i + 2 < b.len() + 1
                && b.get(i) == Some(&b'.')
                && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && !b.get(i + 3).is_some_and(u8::is_ascii_digit)
            {
                out.insert(text[start..i + 3].to_string());
                i += 3;
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn public_dues_never_single_out_a_group_of_fewer_than_three() {
    let s = county();
    let (_p, public) = build(&s, "public");
    let shown: BTreeSet<String> = files(&public).values().flat_map(|b| money_numbers(&String::from_utf8_lossy(b))).collect();
    for (rel, rows) in PAGES {
        let html = page(&public, rel);
        // The group of each member: category and bracket (unjudged members together).
        let group = |r: &Row| (r.1, bracket(r.1, r.2).map(|b| b.0));
        let mut guarded = 0;
        for r in rows.iter().filter(|r| rows.iter().filter(|o| group(o) == group(r)).count() < 3) {
            guarded += 1;
            let mut own = vec![yuan(r.4)];
            own.extend(due(r).map(|d| yuan(d.1)));
            for amount in own {
                assert!(!shown.contains(&amount), "{rel}: {}'s own amount {amount} is in the public build", r.0);
            }
        }
        assert!(guarded >= 4, "{rel}: the fixture has small groups to guard");
        let expected: i64 = rows.iter().filter_map(|r| due(r).map(|d| d.1)).sum();
        let paid: i64 = rows.iter().map(|r| r.4).sum();
        let (_, bands) = table(&html, "dues-brackets");
        assert!(!bands.is_empty(), "{rel}: the bracket table");
        let mut sum = (0, 0);
        for b in &bands {
            let members: u32 = b[2].parse().unwrap();
            assert!(members >= 3, "{rel}: a row of {members}: {b:?}");
            sum.0 += members;
            sum.1 += (b[4].parse::<f64>().unwrap() * 100.0).round() as i64;
        }
        assert_eq!(sum, (rows.len() as u32, paid), "{rel}: the rows add up to everyone, nothing hidden to subtract");
        let summary = text(&html[html.find("<dl class=\"dues-summary\">").unwrap()..]);
        assert!(
            summary.contains(&format!("应缴合计 {} 元", yuan(expected))) && summary.contains(&format!("实缴合计 {} 元", yuan(paid))),
            "{rel}: totals stay: {summary}"
        );
        assert!(html.contains("人数少于3人的档次不单列"), "{rel}: says why");
        for r in rows {
            assert!(!html.contains(r.0), "{rel}: {} unmasked", r.0);
        }
    }
    assert!(!public.join("zuzhi/gongwei/jiaoyu/zongzhi/erzhi/党费台账2024上半年.csv").exists());
}

#[test]
fn check_notes_each_override_once_and_keeps_drafts_silent() {
    let s = county();
    let r = s.run(&["check"]);
    r.expect(0).stderr_has(&[
        "“党课”（dangke）：config.toml 的声明（每季度不少于1次）取代了预设 branch-2018 的声明（每年不少于1次），适用于",
        "“理论学习中心组学习”（zhongxinzu）：县教育局机关党委的责任清单 content/zuzhi/gongwei/jiaoyu/checklist-2024.md 的声明（每季度不少于2次）取代了config.toml 的声明（每月不少于1次），适用于县教育局机关党委",
        "“谈心谈话”（tanxintanhua）：机关第一党支部的责任清单",
        "“意识形态工作专题研究”（yishixingtai）：中共某某县直属机关工作委员会的责任清单 content/zuzhi/gongwei/zerenqingdan-2024.md 的声明（每半年不少于1次）取代了config.toml 的声明（每年不少于1次），适用于",
        "离退休干部党支部成立于 2024-11-12，2024年10月 的记录不计入达标统计",
        "卫健委机关党支部已于 2024-06-30 撤销，2024年8月 的记录不计入达标统计",
        "“各党支部每年开展志愿服务不少于4次”",
    ]);
    let dangke = r.stderr.lines().find(|l| l.contains("（dangke）")).unwrap();
    for branch in ["机关第一党支部", "机关第二党支部", "离退休干部党支部", "卫健委机关党支部", "卫健委机关第一党支部"] {
        assert!(dangke.contains(branch), "{branch} in {dangke}");
    }
    let ideology = r.stderr.lines().find(|l| l.contains("（yishixingtai）")).unwrap();
    for unit in ["县教育局机关党委", "县教育局机关党总支", "县卫健委机关党总支"] {
        assert!(ideology.contains(unit), "{unit} in {ideology}");
    }
    assert_eq!(r.stderr.matches("取代了").count(), 4, "one note per pair:\n{}", r.stderr);
    assert_eq!(r.stderr.matches("但没有对应的 [[requirements]]").count(), 1, "only the undeclared sentence:\n{}", r.stderr);
    for draft in ["草稿欠缴人", "草稿台账", "第二党支部第三季度党费（草稿）"] {
        assert!(!r.stderr.contains(draft), "a draft is judged: {draft}\n{}", r.stderr);
    }
}
