//! The example site's compliance summary (`compliance.json`), checked against numbers
//! worked out by hand from the content files under `content/units/jiguan/`.
//!
//! Settings (config.toml): `[compliance] year = 2024`, `scope = "internal"`,
//! `as_of = 2024-11-20` (inclusive). So January–October, Q1–Q3 and H1 have ended;
//! November, Q4, H2 and the year are still running (not met → `pending`); December
//! starts after `as_of` and is not listed at all.
//!
//! Units: 机关党委 `jiguan` (党委) with three 党支部 `diyi`, `dier`, `disan`.
//! Requirements per unit (nearest declaration wins): each branch's own checklist, then
//! `yishixingtai` (year, min 2) inherited from the 机关党委 checklist, then the
//! `branch-2018` preset for what is left (`dangxiaozuhui`, `zhutidangri` monthly;
//! `minzhupingyi` yearly). The 机关党委 has only its own seven checklist entries.
//!
//! Cell counts per unit (month = 11 cells Jan–Nov, quarter = 4, half = 2, year = 1):
//! - jiguan: 3 half × 2 + 4 year                              = 10 cells
//! - diyi:   4 month × 11 + 2 quarter × 4 + 2 half × 2 + 8 year = 64 cells
//! - dier:   4 month × 11 + 2 quarter × 4 + 1 half × 2 + 6 year = 60 cells
//! - disan:  4 month × 11 + 2 quarter × 4 + 5 year              = 57 cells

use crate::util::run_dwgk;
use serde_json::Value;
use std::path::Path;

/// Builds the repository-root example site for `audience` into `out`.
fn build(audience: &str, out: &Path) {
    let root = env!("CARGO_MANIFEST_DIR");
    let args: Vec<String> = ["build", "--root", root, "--audience", audience, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
    let r = run_dwgk(&args, out.parent().expect("parent"));
    r.expect(0);
    assert!(!r.stderr.lines().any(|l| l.starts_with("错误")), "{audience}:\n{}", r.stderr);
}

fn unit<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["units"].as_array().expect("units").iter().find(|u| u["id"] == id).unwrap_or_else(|| panic!("no unit {id}"))
}

fn requirement<'a>(report: &'a Value, unit_id: &str, req: &str) -> &'a Value {
    let u = unit(report, unit_id);
    u["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == req)
        .unwrap_or_else(|| panic!("{unit_id} has no requirement {req}; na = {}", u["na"]))
}

/// Asserts one cell (`unit/requirement/period`) exactly: status, count, target and
/// the `from_coarser` mark.
#[track_caller]
fn cell(report: &Value, at: &str, (status, count, target, from_coarser): (&str, i64, i64, bool)) {
    let [unit_id, req, period]: [&str; 3] = at.split('/').collect::<Vec<_>>().try_into().expect("unit/requirement/period");
    let r = requirement(report, unit_id, req);
    let c = r["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["period"] == period)
        .unwrap_or_else(|| panic!("{unit_id}/{req} has no cell {period}: {}", r["cells"]));
    let got = (
        c["status"].as_str().unwrap_or("?"),
        c["count"].as_i64().unwrap_or(-1),
        c["target"].as_i64().unwrap_or(-1),
        c["from_coarser"].as_bool().unwrap_or(false),
    );
    assert_eq!(got, (status, count, target, from_coarser), "{unit_id}/{req}/{period} (status, count, target, from_coarser): {c}");
}

/// Asserts a tally object: met, short, pending, missing, rate.
#[track_caller]
fn tally(t: &Value, met: i64, short: i64, pending: i64, missing: i64, rate: f64) {
    let got = (t["met"].as_i64(), t["short"].as_i64(), t["pending"].as_i64(), t["missing"].as_i64());
    assert_eq!(got, (Some(met), Some(short), Some(pending), Some(missing)), "tally {t}");
    let r = t["rate"].as_f64().unwrap_or_else(|| panic!("no rate in {t}"));
    assert!((r - rate).abs() < 1e-9, "rate {r} != {rate} in {t}");
}

#[test]
fn example_compliance_summary_matches_hand_calculation() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("internal");
    build("internal", &out);
    for f in ["compliance/index.html", "compliance.json", "compliance.csv", "compliance.xlsx"] {
        assert!(out.join(f).is_file(), "internal build lacks {f}");
    }
    let text = std::fs::read_to_string(out.join("compliance.json")).unwrap();
    let report: Value = serde_json::from_str(&text).expect("compliance.json is JSON");
    assert_eq!(report["year"], 2024);
    assert_eq!(report["as_of"], "2024-11-20");
    assert_eq!(unit(&report, "dier")["parent"], "jiguan");
    assert_eq!(unit(&report, "jiguan")["parent"], Value::Null);

    // ---- met, from_coarser --------------------------------------------------------
    // diyi/record-2024-q3.md (period 2024-Q3) states zhiweihui = 3; no finer zhiweihui
    // count exists in Q3 (no activity lists it), so the quarterly count stands for the
    // monthly requirement: target = min 1 × 3 months = 3, 3 >= 3 → met, and each of
    // Jul/Aug/Sep gets that status marked from_coarser, count 3.
    cell(&report, "diyi/zhiweihui/2024-07", ("met", 3, 3, true));

    // ---- short, from_coarser ------------------------------------------------------
    // dier/record-2024-q3.md: "支委会" (alias of zhiweihui) = 2 for 2024-Q3 (August's
    // 支委会 was not held). Target = min 1 × 3 months = 3; 2 < 3 and Q3 ended on
    // 2024-09-30 → short, for every month of Q3 (July, August, September), from_coarser.
    cell(&report, "dier/zhiweihui/2024-08", ("short", 2, 3, true));

    // ---- short (a record states 0) ------------------------------------------------
    // dier/record-2024-q3.md: "报送党建信息" (name of xinxibaosong, per quarter, min 1) = 0.
    // A record stating 0 is short, not missing; Q3 has ended.
    cell(&report, "dier/xinxibaosong/2024-Q3", ("short", 0, 1, false));

    // ---- missing (activities cover some months, nothing mentions February) ---------
    // dier: zhutidangri is counted only by activities 2024-01-19 and 2024-03-15; the Q1
    // record has no 主题党日 key. January = 1 (met), March = 1 (met), February: no record
    // or activity mentions it and February has ended → missing, count 0.
    cell(&report, "dier/zhutidangri/2024-01", ("met", 1, 1, false));
    cell(&report, "dier/zhutidangri/2024-02", ("missing", 0, 1, false));

    // ---- missing (a monthly record that leaves the requirement out) ---------------
    // disan/record-2024-10.md (period 2024-10) counts only dangxiaozuhui = 2 and
    // jitixuexi = 1 (支委会 not held: secretary in hospital); the October activity counts
    // zhutidangri and songxueshangmen. October has ended → zhiweihui missing.
    cell(&report, "disan/zhiweihui/2024-10", ("missing", 0, 1, false));
    // ...while the same month's jitixuexi comes from that record: 1 >= 1 → met.
    cell(&report, "disan/jitixuexi/2024-10", ("met", 1, 1, false));

    // ---- met from an activity -------------------------------------------------------
    // disan/2024-10-11-zhutidangri.md: counts_as zhutidangri → October 1, met.
    cell(&report, "disan/zhutidangri/2024-10", ("met", 1, 1, false));
    // ... and songxueshangmen (per quarter) → Q4 = 1 >= 1 → met although Q4 still runs.
    cell(&report, "disan/songxueshangmen/2024-Q4", ("met", 1, 1, false));

    // ---- pending (year still running, below the target) ----------------------------
    // disan tanxintanhua (own checklist: per year, min 10 人次):
    // Q1 record 6 + Q2 record 2 + Q3 record 1 = 9 < 10; the year has not ended → pending.
    cell(&report, "disan/tanxintanhua/2024", ("pending", 9, 10, false));
    // dier yishixingtai (inherited from the 机关党委 checklist, per year, min 2):
    // Q1 record "专题研究意识形态工作" = 1; nothing since → 1 < 2, pending.
    cell(&report, "dier/yishixingtai/2024", ("pending", 1, 2, false));

    // ---- pending (current period with nothing yet) ----------------------------------
    // diyi zhiweihui November: no record or activity; November has not ended → pending 0.
    cell(&report, "diyi/zhiweihui/2024-11", ("pending", 0, 1, false));
    // disan dangyuandahui Q4: the October record has no 支部党员大会 → pending 0.
    cell(&report, "disan/dangyuandahui/2024-Q4", ("pending", 0, 1, false));
    // jiguan lingyutongbao H2: the H1 report counts 1 for H1 only; the Q3 record does not
    // mention it (planned for December) → H2 pending 0; H1 met 1.
    cell(&report, "jiguan/lingyutongbao/2024-H1", ("met", 1, 1, false));
    cell(&report, "jiguan/lingyutongbao/2024-H2", ("pending", 0, 1, false));

    // ---- met inside a running period ------------------------------------------------
    // dier zhiyuanfuwu (per year, min 4): Q1 record 1 + Q2 record 1 + Q3 record 1
    // + activity 2024-11-08 (counts_as zhiyuanfuwu) 1 = 4 >= 4 → met before the year ends.
    cell(&report, "dier/zhiyuanfuwu/2024", ("met", 4, 4, false));
    // diyi dangyuandahui Q4: activity 2024-11-15 counts_as dangyuandahui → 1, met.
    cell(&report, "diyi/dangyuandahui/2024-Q4", ("met", 1, 1, false));
    // dier dangyuandahui Q4: the October record has none, but the Word meeting record
    // 2024年11月15日支部党员大会会议记录.docx (会议名称：支部党员大会) counts → 1, met.
    cell(&report, "dier/dangyuandahui/2024-Q4", ("met", 1, 1, false));
    // jiguan zhuantidudao H2: activity 2024-11-12 counts_as zhuantidudao → 1, met.
    cell(&report, "jiguan/zhuantidudao/2024-H2", ("met", 1, 1, false));
    // jiguan yishixingtai (year, min 2): H1 report 2 + Q3 record 1 = 3 → met.
    // The branches' yishixingtai counts stay with the branches.
    cell(&report, "jiguan/yishixingtai/2024", ("met", 3, 2, false));

    // ---- periods after as_of are not listed -------------------------------------------
    // Months Jan–Nov only: December starts after 2024-11-20.
    let months: Vec<&str> = requirement(&report, "diyi", "zhiweihui")["cells"].as_array().unwrap().iter().map(|c| c["period"].as_str().unwrap()).collect();
    assert_eq!(months.len(), 11, "{months:?}");
    assert_eq!(months.last(), Some(&"2024-11"));

    // ---- na: one entry per unit × requirement, not a period cell -----------------------
    // songxueshangmen is declared on disan's checklist only; lianxizhidao on dier's; the
    // 机关党委's lingyutongbao has no inherit; zhiweihui (checklists + preset) applies to
    // 党支部 only; xinxibaosong and zhiyuanfuwu are not on disan's checklist and not in
    // the preset.
    for (u, req) in [
        ("diyi", "songxueshangmen"),
        ("diyi", "lianxizhidao"),
        ("diyi", "lingyutongbao"),
        ("disan", "xinxibaosong"),
        ("disan", "zhiyuanfuwu"),
        ("jiguan", "zhiweihui"),
        ("jiguan", "tanxintanhua"),
    ] {
        let unit = unit(&report, u);
        assert!(unit["na"].as_array().unwrap().iter().any(|x| x == req), "{u}: {req} should be na: {}", unit["na"]);
        assert!(!unit["requirements"].as_array().unwrap().iter().any(|r| r["id"] == req), "{u}: na {req} has period cells");
    }
    // ... but yishixingtai (inherit = true on the 机关党委 checklist) reaches the branches.
    assert!(!unit(&report, "disan")["na"].as_array().unwrap().iter().any(|x| x == "yishixingtai"));

    // ---- dier's own tally (60 cells) ---------------------------------------------------
    // zhiweihui      Jan–Jun met (Q1 3, Q2 3; from_coarser), Jul–Sep short (Q3 2 < 3),
    //                Oct met (Oct record 1), Nov pending        → met 7, short 3, pending 1
    // jitixuexi      Jan–Sep met (3 per quarter), Oct met (1), Nov pending → met 10, pending 1
    // dangxiaozuhui  Jan–Sep met (6 per quarter >= 3), Oct met (2), Nov pending → met 10, pending 1
    // zhutidangri    Jan met, Feb missing, Mar met (activities), Apr–Sep met (Q2 3, Q3 3),
    //                Oct met (1), Nov pending                   → met 9, missing 1, pending 1
    // dangyuandahui  Q1–Q3 met (1 each), Q4 met (the Word record) → met 4
    // xinxibaosong   Q1 1, Q2 2 met; Q3 0 short; Q4 Oct record 1 met → met 3, short 1
    // lianxizhidao   H1 (Q1 1) met, H2 (Q3 1) met               → met 2
    // year: zuzhishenghuohui 1, dangke 2, tanxintanhua 8+5+2 = 15, zhiyuanfuwu 4,
    //       minzhupingyi 1 → met 5; yishixingtai 1 < 2 → pending 1
    // total met 7+10+10+9+4+3+2+5 = 50, short 3+1 = 4, missing 1,
    // pending 1+1+1+1+1 = 5 (50+4+1+5 = 60); rate 50/(50+4+1) = 90.90… → 90.9
    tally(&unit(&report, "dier")["tally"], 50, 4, 5, 1, 90.9);

    // ---- the 机关党委's roll-up: itself + diyi + dier + disan ------------------------------
    // jiguan (10): met yishixingtai, lingyutongbao H1, zhuantihuibao H1, zhuantidudao H1+H2,
    //   lilunxuexi (5+3 = 8 >= 6), lilunfudao (2+1 = 3) = 7; pending lingyutongbao H2,
    //   zhuantihuibao H2, tingquhuibao (0) = 3.
    // diyi (64): the four monthly requirements Jan–Oct met = 40, zhutidangri Nov met
    //   (activity 11-15) = 1; dangyuandahui 4 (Q4 via the 11-15 activity) and xinxibaosong 4
    //   met; xianfengzhishu/baoleizhishu H1 met = 2; eight yearly met = 8 → met 59;
    //   pending: zhiweihui/jitixuexi/dangxiaozuhui Nov + xianfengzhishu/baoleizhishu H2 = 5.
    // dier (60): met 50, short 4, missing 1, pending 5 (above).
    // disan (57): zhiweihui Jan–Sep met 9, Oct missing, Nov pending; jitixuexi and
    //   dangxiaozuhui Jan–Oct met 10 each, Nov pending; zhutidangri Jan–Nov met 11;
    //   dangyuandahui Q1–Q3 met, Q4 pending; songxueshangmen Q1–Q4 met 4; years:
    //   zuzhishenghuohui, dangke, minzhupingyi met 3, tanxintanhua (9) and yishixingtai (1)
    //   pending 2 → met 9+10+10+11+3+4+3 = 50, missing 1, pending 6.
    // roll-up: met 7+59+50+50 = 166, short 4, missing 0+0+1+1 = 2,
    //   pending 3+5+5+6 = 19 (191 cells = 10+64+60+57);
    //   rate 166/(166+4+2) = 166/172 = 96.51… → 96.5 (not the average of the unit rates).
    let jiguan = unit(&report, "jiguan");
    tally(&jiguan["rollup"], 166, 4, 19, 2, 96.5);
    // Its own tally: met 7, pending 3, rate 7/7 = 100.0.
    tally(&jiguan["tally"], 7, 0, 3, 0, 100.0);
}

#[test]
fn public_example_build_has_no_compliance_output() {
    // `[compliance] scope = "internal"`: the default (public) audience shows no summary.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = env!("CARGO_MANIFEST_DIR");
    let args: Vec<String> = ["build", "--root", root, "--output", &out.to_string_lossy()].iter().map(|s| s.to_string()).collect();
    let r = run_dwgk(&args, tmp.path());
    r.expect(0);
    assert!(out.join("index.html").is_file(), "the public build produced a site");
    for f in ["compliance.json", "compliance.csv", "compliance.xlsx", "compliance/index.html"] {
        assert!(!out.join(f).exists(), "public build must not contain {f}");
    }
    assert!(!out.join("compliance").exists(), "no compliance folder in the public build");
    let unit_page = std::fs::read_to_string(out.join("units/jiguan/dier/index.html")).expect("public unit page");
    assert!(!unit_page.contains("达标情况"), "no compliance section on a public unit page");
}
