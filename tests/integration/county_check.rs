//! The county site (`county`) against an independent calculation written here from
//! the contract, not with dwgk's code: every compliance cell of every unit (status,
//! count, target, from_coarser), every tally and roll-up, and every member's dues to
//! the fen (monthly, expected, paid, difference, months in arrears) in the committee
//! build; the all-members build shows no base; the public build has no figure of a
//! group under 3 and no number equal to such a member's amount; `check` notes each
//! override once and suggests the one undeclared sentence; drafts stay silent.

use crate::county::{county, AS_OF};
use crate::util::Site;
use serde_json::Value;
use std::collections::BTreeMap;

const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/// `AS_OF` as (month, day) of 2024.
const TODAY: (u32, u32) = (12, 20);

/// A requirement as the unit sees it: id, period length in months, min.
type Req = (&'static str, u32, u32);
/// A count: requirement, first month, length in months, count.
type Fact = (&'static str, u32, u32, u32);

struct Unit {
    id: &'static str,
    parent: Option<&'static str>,
    reqs: Vec<Req>,
    /// First and last day (month, day) it existed, inclusive.
    from: Option<(u32, u32)>,
    to: Option<(u32, u32)>,
    facts: Vec<Fact>,
}

const ALL_IDS: [&str; 13] = [
    "dangyuandahui",
    "zhiweihui",
    "dangxiaozuhui",
    "dangke",
    "zhutidangri",
    "zuzhishenghuohui",
    "minzhupingyi",
    "tanxintanhua",
    "zhongxinzu",
    "yishixingtai",
    "gongweihui",
    "xiaozuxuexi",
    "zongzhihui",
];

fn branch(tanxin: u32) -> Vec<Req> {
    vec![
        ("dangyuandahui", 3, 1),
        ("zhiweihui", 1, 1),
        ("dangxiaozuhui", 1, 1),
        ("dangke", 3, 1), // config.toml: quarterly, over the preset's yearly one
        ("zhutidangri", 1, 1),
        ("zuzhishenghuohui", 12, 1),
        ("minzhupingyi", 12, 1),
        ("tanxintanhua", 12, tanxin),
    ]
}

/// A whole quarter of branch meetings as the fixture's records write them.
fn full_quarter(q: u32) -> Vec<Fact> {
    let f = 3 * q - 2;
    vec![("zhiweihui", f, 3, 3), ("dangyuandahui", f, 3, 1), ("dangxiaozuhui", f, 3, 3), ("dangke", f, 3, 1), ("zhutidangri", f, 3, 3)]
}

fn month(req: &'static str, m: u32, n: u32) -> Fact {
    (req, m, 1, n)
}

/// The site's units, their requirements and every count their pages state, by hand.
fn units() -> Vec<Unit> {
    let u = |id, parent, reqs, facts| Unit { id, parent, reqs, from: None, to: None, facts };
    let mut yizhi = vec![
        ("zhiweihui", 1, 3, 3),
        ("dangyuandahui", 1, 3, 1),
        ("dangxiaozuhui", 1, 3, 3),
        ("dangke", 1, 3, 1),
        ("zhutidangri", 1, 3, 2),
        ("zhiweihui", 4, 3, 3),
        ("dangyuandahui", 4, 3, 1),
        ("dangxiaozuhui", 4, 3, 2),
        ("dangke", 4, 3, 1),
        ("zhutidangri", 4, 3, 3),
        month("zhiweihui", 7, 1),
        month("zhutidangri", 7, 1),
        month("zhiweihui", 8, 1),
        month("zhutidangri", 8, 1),
        ("zhiweihui", 7, 3, 3),
        ("dangyuandahui", 7, 3, 1),
        ("dangxiaozuhui", 7, 3, 3),
        ("dangke", 7, 3, 0),
        month("zhutidangri", 9, 1),
        month("zhutidangri", 10, 1),
        month("zhiweihui", 10, 1),
        month("zhutidangri", 11, 1),
    ];
    yizhi.extend([("zuzhishenghuohui", 1, 12, 0), ("minzhupingyi", 1, 12, 1), ("tanxintanhua", 1, 12, 8)]);
    let mut erzhi: Vec<Fact> = (1..=3).flat_map(full_quarter).collect();
    erzhi.extend([month("zhiweihui", 10, 1), month("dangyuandahui", 10, 1), month("dangxiaozuhui", 10, 1), month("zhutidangri", 10, 1)]);
    erzhi.extend([month("zhiweihui", 11, 1), month("dangxiaozuhui", 11, 1), month("zhutidangri", 11, 1)]);
    erzhi.extend([month("zuzhishenghuohui", 12, 1), ("tanxintanhua", 1, 12, 12)]);
    let mut zhibu: Vec<Fact> = (1..=2).flat_map(full_quarter).collect();
    zhibu.extend([("zuzhishenghuohui", 4, 3, 1), ("tanxintanhua", 4, 3, 5), month("zhutidangri", 8, 1)]);
    let mut xinzhi = full_quarter(3);
    xinzhi.extend([month("zhiweihui", 10, 1), month("zhutidangri", 10, 1), month("dangxiaozuhui", 10, 1), ("minzhupingyi", 1, 12, 1)]);
    let zu1 = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11].map(|m| month("xiaozuxuexi", m, 1)).to_vec();
    let mut zu2 = vec![("xiaozuxuexi", 1, 6, 5)];
    zu2.extend((7..=11).map(|m| month("xiaozuxuexi", m, 1)));
    vec![
        u("gongwei", None, vec![("gongweihui", 3, 1)], vec![("gongweihui", 1, 3, 1), ("gongweihui", 4, 3, 1), ("gongweihui", 7, 3, 1)]),
        u(
            "jiaoyu",
            Some("gongwei"),
            vec![("zhongxinzu", 3, 2), ("yishixingtai", 6, 1)],
            [1, 3, 5, 7, 9].map(|m| month("zhongxinzu", m, 1)).into_iter().chain([("yishixingtai", 1, 6, 1)]).collect(),
        ),
        u(
            "zongzhi",
            Some("jiaoyu"),
            vec![("zongzhihui", 3, 1), ("yishixingtai", 6, 1)],
            vec![("zongzhihui", 1, 3, 1), ("zongzhihui", 4, 3, 0), ("yishixingtai", 1, 6, 1), ("yishixingtai", 7, 6, 1)],
        ),
        u("yizhi", Some("zongzhi"), branch(10), yizhi),
        u("zu1", Some("yizhi"), vec![("xiaozuxuexi", 1, 1)], zu1),
        u("zu2", Some("yizhi"), vec![("xiaozuxuexi", 1, 1)], zu2),
        u("erzhi", Some("zongzhi"), branch(1), erzhi),
        Unit {
            from: Some((11, 12)),
            ..u(
                "tuixiu",
                Some("jiaoyu"),
                branch(1),
                vec![month("zhiweihui", 10, 1), month("zhiweihui", 11, 1), month("zhiweihui", 12, 1), month("zhutidangri", 12, 1)],
            )
        },
        u("weijian", Some("gongwei"), vec![("yishixingtai", 6, 1)], vec![("yishixingtai", 1, 6, 1)]),
        Unit { to: Some((6, 30)), ..u("zhibu", Some("weijian"), branch(1), zhibu) },
        Unit { from: Some((7, 1)), ..u("xinzhi", Some("weijian"), branch(1), xinzhi) },
    ]
}

/// `2024`, `2024-H2`, `2024-Q3`, `2024-07`.
fn period_id(first: u32, len: u32) -> String {
    match len {
        12 => "2024".into(),
        6 => format!("2024-H{}", first / 6 + 1),
        3 => format!("2024-Q{}", first / 3 + 1),
        _ => format!("2024-{first:02}"),
    }
}

fn contains(outer: (u32, u32), inner: (u32, u32)) -> bool {
    inner.0 >= outer.0 && inner.0 + inner.1 <= outer.0 + outer.1
}

/// (period, status, count, target, from_coarser) of every cell of one requirement.
type Cell = (String, &'static str, u64, u64, bool);

fn expected_cells(unit: &Unit, (id, len, min): Req) -> Vec<Cell> {
    let exists_all_month = |m: u32| unit.from.is_none_or(|f| f <= (m, 1)) && unit.to.is_none_or(|t| t >= (m, DAYS[m as usize - 1]));
    // min × full months ÷ months, rounded half up.
    let target = |first: u32, len: u32| {
        let full = (first..first + len).filter(|&m| exists_all_month(m)).count() as u32;
        if full == len {
            min
        } else {
            (2 * min * full + len) / (2 * len)
        }
    };
    let last_day = |first: u32, len: u32| {
        let end = (first + len - 1, DAYS[(first + len - 2) as usize]);
        unit.to.map_or(end, |t| t.min(end))
    };
    let facts: Vec<&Fact> = unit.facts.iter().filter(|f| f.0 == id).collect();
    let judge = |count: u32, target: u32, ended: bool, mentioned: bool| match () {
        _ if count >= target => "met",
        _ if !ended => "pending",
        _ if mentioned => "short",
        _ => "missing",
    };
    let mut out = Vec::new();
    for first in (1..=12).step_by(len as usize) {
        let t = target(first, len);
        if t == 0 {
            out.push((period_id(first, len), "na", 0, 0, false));
            continue;
        }
        let ended = last_day(first, len) <= TODAY;
        let finer: Vec<&&Fact> = facts.iter().filter(|f| f.2 <= len && contains((first, len), (f.1, f.2))).collect();
        if !finer.is_empty() {
            let n: u32 = finer.iter().map(|f| f.3).sum();
            out.push((period_id(first, len), judge(n, t, ended, true), n.into(), t.into(), false));
            continue;
        }
        let mut cell = None;
        for outer_len in [3, 6, 12].into_iter().filter(|&l| l > len) {
            let outer_first = (first - 1) / outer_len * outer_len + 1;
            let at: Vec<&&Fact> = facts.iter().filter(|f| (f.1, f.2) == (outer_first, outer_len)).collect();
            let inside = facts.iter().any(|f| f.2 <= len && contains((outer_first, outer_len), (f.1, f.2)));
            if at.is_empty() || inside {
                continue;
            }
            let n: u32 = at.iter().map(|f| f.3).sum();
            let t: u32 = (outer_first..outer_first + outer_len).step_by(len as usize).map(|s| target(s, len)).sum();
            let ended = last_day(outer_first, outer_len) <= TODAY;
            cell = Some((period_id(first, len), judge(n, t, ended, true), n.into(), t.into(), true));
            break;
        }
        out.push(cell.unwrap_or_else(|| (period_id(first, len), judge(0, t, ended, false), 0, t.into(), false)));
    }
    out
}

/// (met, short, pending, missing) of cells.
fn tally<'a>(cells: impl Iterator<Item = &'a Cell>) -> [u64; 4] {
    let mut t = [0; 4];
    for c in cells {
        match c.1 {
            "met" => t[0] += 1,
            "short" => t[1] += 1,
            "pending" => t[2] += 1,
            "missing" => t[3] += 1,
            _ => {}
        }
    }
    t
}

fn rate(t: [u64; 4]) -> Value {
    let judged = t[0] + t[1] + t[3];
    if judged == 0 {
        Value::Null
    } else {
        serde_json::json!(((t[0] as f64 / judged as f64) * 1000.0).round() / 10.0)
    }
}

fn json_tally(v: &Value) -> ([u64; 4], Value) {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    ([n("met"), n("short"), n("pending"), n("missing")], v["rate"].clone())
}

fn build(s: &Site, audience: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join(audience);
    let r = s.run(&["build", "--audience", audience, "-o", &dir.to_string_lossy()]);
    r.expect(0);
    assert!(!r.stderr.contains("错误:"), "{}", r.stderr);
    (out, dir)
}

#[test]
fn every_compliance_cell_agrees_with_an_independent_calculation() {
    let s = county();
    let (_out, dir) = build(&s, "internal");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("compliance.json")).unwrap()).unwrap();
    assert_eq!((v["year"].as_i64(), v["as_of"].as_str()), (Some(2024), Some(AS_OF)));
    let units = units();
    let json: BTreeMap<&str, &Value> = v["units"].as_array().unwrap().iter().map(|u| (u["id"].as_str().unwrap(), u)).collect();
    assert_eq!(json.len(), units.len(), "every unit, no other: {:?}", json.keys());
    let mut own: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    let mut compared = 0;
    for unit in &units {
        let j = json[unit.id];
        assert_eq!(j["parent"].as_str(), unit.parent, "{}", unit.id);
        let lines: BTreeMap<&str, &Value> = j["requirements"].as_array().unwrap().iter().map(|l| (l["id"].as_str().unwrap(), l)).collect();
        let mut want: Vec<&str> = unit.reqs.iter().map(|r| r.0).collect();
        want.sort_unstable();
        assert_eq!(lines.keys().copied().collect::<Vec<_>>(), want, "{}: the requirements that apply", unit.id);
        let mut na: Vec<&str> = ALL_IDS.iter().copied().filter(|id| !want.contains(id)).collect();
        na.sort_unstable();
        assert_eq!(j["na"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect::<Vec<_>>(), na, "{}: na", unit.id);
        let mut all: Vec<Cell> = Vec::new();
        for &req in &unit.reqs {
            let line = lines[req.0];
            assert_eq!(
                (line["min"].as_u64(), line["per"].as_str()),
                (Some(req.2.into()), Some(["", "month", "", "quarter", "", "", "half", "", "", "", "", "", "year"][req.1 as usize])),
                "{} {}",
                unit.id,
                req.0
            );
            let got: Vec<Cell> = line["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let status = ["met", "short", "pending", "missing", "na"].into_iter().find(|s| c["status"] == *s).unwrap_or_else(|| panic!("status {c}"));
                    (c["period"].as_str().unwrap().to_string(), status, c["count"].as_u64().unwrap(), c["target"].as_u64().unwrap(), c["from_coarser"] == true)
                })
                .collect();
            let want = expected_cells(unit, req);
            assert_eq!(got, want, "{} {}", unit.id, req.0);
            compared += want.len();
            assert_eq!(json_tally(&line["tally"]).0, tally(want.iter()), "{} {} tally", unit.id, req.0);
            all.extend(want);
        }
        let t = tally(all.iter());
        assert_eq!(json_tally(&j["tally"]), (t, rate(t)), "{}: own tally and rate", unit.id);
        own.insert(unit.id, t);
    }
    // Roll-ups: a unit's own cells and all its descendants'.
    for unit in &units {
        let mut sum = [0u64; 4];
        for d in
            units.iter().filter(|d| std::iter::successors(Some(d.id), |id| units.iter().find(|x| x.id == *id).and_then(|x| x.parent)).any(|a| a == unit.id))
        {
            (0..4).for_each(|i| sum[i] += own[d.id][i]);
        }
        assert_eq!(json_tally(&json[unit.id]["rollup"]), (sum, rate(sum)), "{}: roll-up", unit.id);
    }
    assert_eq!(compared, 277, "every cell of the year was compared");

    // The retirees' branch founded on 12 November: nothing before December in its
    // heat map row (grey, 无), December all met so far.
    let page = std::fs::read_to_string(dir.join("compliance/index.html")).unwrap();
    for m in 1..=11 {
        assert!(page.contains(&format!("<title>离退休干部党支部：{m}月 无可评定的要求")), "{m}月 of a branch not yet founded");
    }
    assert!(page.contains("<title>离退休干部党支部：12月 达标 100%"));
    let unit_page = std::fs::read_to_string(dir.join("zuzhi/gongwei/jiaoyu/tuixiu/index.html")).unwrap();
    assert!(unit_page.contains("成立时间") && unit_page.contains("2024年11月12日"), "the unit page says when it was founded");
    assert!(!unit_page.contains("chip st-missing") && !unit_page.contains("chip st-short"), "no 无记录 or red for a branch before it existed");
}
