//! 党费 (dues): member categories, the rate table, each member's expected dues and
//! arrears, and the checks behind a 党费公示. Pure: member rows in, a report out.
//! Rules: content-model.md "Dues disclosures", domain-rules.md "党费".
//!
//! Money is exact fen. The monthly amount (月应缴) is rounded half-up first, then
//! multiplied by the months: 13579.24 × 2% = 271.5848 → 271.58 × 3 = 814.74.

mod config;
mod findings;
mod groups;
mod mask;
mod members;
mod named;
mod public;
mod rates;
mod report;
mod tally;

pub use config::{DuesConfigError, DuesOptions, MIN_PUBLIC_GROUP};
pub use findings::{Finding, FindingKind};
pub use mask::mask_name;
pub use members::{arrears_months, due, Due, Member, MemberLine, Unjudged};
pub use named::NamedMember;
pub use public::{PublicBracket, PublicCategory, PublicDues, PublicMember, PublicTally};
pub use rates::{bracket_label, rate_label, Bracket, Category, RateTable, Rule, StandardRow};
pub use report::{evaluate, DuesReport};
pub use tally::{BracketTally, CategoryTally, Tally, TotalsRow};

/// Arrears of this many months or more are serious (严重).
pub const SERIOUS_ARREARS_MONTHS: u32 = 6;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::{BasisPoints, Money};
    use Category::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn member(name: &str, category: Category, base: Option<&str>, months: u32, paid: &str) -> Member {
        Member { name: name.into(), category: Some(category), base: base.map(m), months, paid: m(paid), ledger_expected: None }
    }

    /// (standard, rate, monthly) for one base.
    fn judged(c: Category, base: &str) -> (String, Option<BasisPoints>, String) {
        let d = due(Some(c), Some(m(base)), &RateTable::default()).unwrap();
        (d.standard, d.rate, d.monthly.to_string())
    }

    #[test]
    fn categories_parse_their_variants() {
        assert_eq!(Category::parse(" 在岗 "), Some(Employed));
        assert_eq!(Category::parse("职工"), Some(Employed));
        assert_eq!(Category::parse("Employed"), Some(Employed));
        assert_eq!(Category::parse("离休"), Some(Retired));
        assert_eq!(Category::parse("退休党员"), Some(Retired));
        assert_eq!(Category::parse("FARMER"), Some(Farmer));
        assert_eq!(Category::parse("学生党员"), Some(Student));
        assert_eq!(Category::parse("失业"), Some(Unemployed));
        assert_eq!(Category::parse("低保户"), Some(Dibao));
        assert_eq!(Category::parse("其它"), Some(Other));
        assert_eq!(Category::parse("党员"), None);
        assert_eq!(Category::parse("干部"), None);
        assert_eq!(Category::ALL.map(Category::label), ["在职", "离退休", "农民", "学生", "下岗失业", "低保", "其他"]);
        assert!(Category::ALL.iter().all(|c| Category::parse(c.label()) == Some(*c)));
    }

    #[test]
    fn employed_brackets_at_every_boundary() {
        let e = |base| judged(Employed, base);
        assert_eq!(e("3000.00"), ("3000元以下（含）".into(), Some(50), "15.00".into()));
        assert_eq!(e("3000.01"), ("3000–5000元".into(), Some(100), "30.00".into()));
        assert_eq!(e("5000.00"), ("3000–5000元".into(), Some(100), "50.00".into()));
        assert_eq!(e("5000.01"), ("5000–10000元".into(), Some(150), "75.00".into()));
        assert_eq!(e("10000.00"), ("5000–10000元".into(), Some(150), "150.00".into()));
        assert_eq!(e("10000.01"), ("10000元以上".into(), Some(200), "200.00".into()));
        assert_eq!(e("0.01"), ("3000元以下（含）".into(), Some(50), "0.00".into()));
    }

    #[test]
    fn retired_brackets_at_the_boundary() {
        assert_eq!(judged(Retired, "5000.00"), ("5000元以下（含）".into(), Some(50), "25.00".into()));
        assert_eq!(judged(Retired, "5000.01"), ("5000元以上".into(), Some(100), "50.00".into()));
    }

    #[test]
    fn contract_example_rounds_the_month_first() {
        let r = evaluate(&[member("张三", Employed, Some("13579.24"), 3, "600")], &[], None, &RateTable::default());
        let l = &r.members[0];
        assert_eq!(l.rate_label.as_deref(), Some("2%"));
        assert_eq!(l.monthly, Some(m("271.58")));
        assert_eq!(l.expected, Some(m("814.74"))); // not 814.75 (271.5848 × 3)
        assert_eq!(l.difference, Some(m("-214.74")));
        assert_eq!(l.arrears_months, Some(1)); // 3 − floor(600 ÷ 271.58) = 3 − 2
        assert_eq!(r.findings.len(), 1);
        let f = &r.findings[0];
        assert_eq!((f.kind, f.member, f.serious), (FindingKind::Arrears, Some(0), false));
        assert_eq!(f.message, "张三：应缴 814.74 元，实缴 600.00 元，少缴 214.74 元，欠缴 1 个月");
    }

    #[test]
    fn farmers_pay_anything_in_range_unless_fixed() {
        let t = RateTable::default();
        let within = evaluate(&[member("农一", Farmer, None, 12, "6.00")], &[], None, &t); // 0.50 a month
        assert_eq!(within.members[0].standard.as_deref(), Some("每月0.20–1.00元"));
        assert_eq!(within.members[0].expected, Some(m("2.40")));
        assert_eq!(within.members[0].arrears_months, Some(0));
        assert!(within.findings.is_empty());
        let below = evaluate(&[member("农二", Farmer, None, 12, "1.00")], &[], None, &t);
        assert_eq!(below.members[0].arrears_months, Some(7)); // 12 − floor(1.00 ÷ 0.20)
        assert!(below.findings[0].serious);
        assert_eq!(below.findings[0].message, "农二：应缴 2.40 元，实缴 1.00 元，少缴 1.40 元，欠缴 7 个月");

        let mut fixed = t.clone();
        fixed.set(Farmer, Rule::Fixed(m("0.50")));
        let r = evaluate(&[member("农三", Farmer, None, 12, "5.00")], &[], None, &fixed);
        assert_eq!(r.members[0].standard.as_deref(), Some("每月0.50元"));
        assert_eq!(r.members[0].expected, Some(m("6.00")));
        assert_eq!(r.members[0].arrears_months, Some(2));
    }

    #[test]
    fn fixed_categories_pay_twenty_fen() {
        let t = RateTable::default();
        for c in [Student, Unemployed, Dibao] {
            let r = evaluate(&[member("学生甲", c, None, 6, "1.00")], &[], None, &t);
            assert_eq!(r.members[0].monthly, Some(m("0.20")), "{c:?}");
            assert_eq!(r.members[0].expected, Some(m("1.20")));
            assert_eq!(r.members[0].arrears_months, Some(1));
            assert_eq!(r.members[0].rate, None);
        }
        let paid = evaluate(&[member("学生乙", Student, Some("9999"), 6, "1.20")], &[], None, &t);
        assert!(paid.findings.is_empty()); // a base is irrelevant to a fixed amount
    }

    #[test]
    fn others_and_missing_bases_are_shown_not_judged() {
        let t = RateTable::default();
        let members = [
            member("王五", Other, None, 3, "30"),
            member("赵六", Employed, None, 3, "30"),
            member("钱七", Retired, Some("0"), 3, "30"),
            Member { name: "孙八".into(), category: None, months: 3, paid: m("30"), ..Member::default() },
        ];
        let r = evaluate(&members, &[], None, &t);
        let reasons: Vec<_> = r.members.iter().map(|l| l.unjudged).collect();
        assert_eq!(reasons, [Some(Unjudged::NoStandard), Some(Unjudged::MissingBase), Some(Unjudged::BadBase), Some(Unjudged::NoCategory)]);
        assert!(r.members.iter().all(|l| l.expected.is_none() && l.arrears_months.is_none()));
        assert!(r.findings.iter().all(|f| f.kind == FindingKind::CannotJudge && !f.serious));
        assert_eq!(r.findings.iter().map(|f| f.member).collect::<Vec<_>>(), [Some(0), Some(1), Some(2), Some(3)]);
        assert_eq!(r.findings[0].message, "王五：“其他”类党员没有统一缴纳标准，只列示、不判断是否足额");
        assert_eq!(r.findings[1].message, "赵六：在职类党员未填月工资收入基数，无法计算应缴党费");
        assert_eq!(r.findings[3].message, "孙八：类别未填或无法识别，无法判断应缴党费");
        assert_eq!((r.totals.members, r.totals.judged, r.totals.expected, r.totals.paid), (4, 0, Money::ZERO, m("120")));
    }

    #[test]
    fn arrears_are_capped_and_overpaying_is_fine() {
        assert_eq!(arrears_months(12, Money::ZERO, m("15")), 12);
        assert_eq!(arrears_months(12, m("-5"), m("15")), 12);
        assert_eq!(arrears_months(12, m("500"), m("15")), 0);
        assert_eq!(arrears_months(12, m("179.99"), m("15")), 1);
        assert_eq!(arrears_months(12, m("5"), Money::ZERO), 0);
        let t = RateTable::default();
        let r = evaluate(&[member("甲", Employed, Some("3000"), 12, "0"), member("乙", Employed, Some("3000"), 12, "500")], &[], None, &t);
        assert_eq!(r.members[0].arrears_months, Some(12));
        assert!(r.members[0].serious);
        assert_eq!(r.members[1].arrears_months, Some(0));
        assert_eq!(r.members[1].difference, Some(m("320.00")));
        assert_eq!((r.in_arrears, r.serious_arrears), (1, 1));
        assert_eq!(r.findings.len(), 1);
        assert!(r.findings[0].serious && r.findings[0].hint.contains("严重"));
        let five = evaluate(&[member("丙", Employed, Some("3000"), 5, "0")], &[], None, &t);
        assert!(!five.findings[0].serious);
        let six = evaluate(&[member("丁", Employed, Some("3000"), 12, "90")], &[], None, &t); // 12 − 6
        assert_eq!(six.members[0].arrears_months, Some(6));
        assert!(six.findings[0].serious && six.members[0].serious);
    }

    fn ledger() -> Vec<Member> {
        vec![
            member("张三", Employed, Some("3000"), 3, "45"),  // 15 × 3 = 45
            member("李四", Employed, Some("6000"), 3, "270"), // 90 × 3 = 270
            member("王五", Retired, Some("4000"), 3, "60"),   // 20 × 3 = 60
            member("赵六", Student, None, 3, "0.60"),         // 0.20 × 3
            member("钱七", Other, None, 3, "3"),
        ]
    }

    #[test]
    fn totals_and_breakdowns() {
        let r = evaluate(&ledger(), &[], None, &RateTable::default());
        assert_eq!(r.totals, Tally { members: 5, judged: 4, expected: m("375.60"), paid: m("378.60"), difference: Money::ZERO });
        assert_eq!(r.totals.paid, m("378.60"));
        let cats: Vec<_> = r.by_category.iter().map(|c| (c.label, c.tally.members, c.tally.paid.to_string())).collect();
        assert_eq!(cats, [("在职", 2, "315.00".into()), ("离退休", 1, "60.00".into()), ("学生", 1, "0.60".into()), ("其他", 1, "3.00".into())]);
        let brackets: Vec<_> = r.by_bracket.iter().map(|b| (b.category_label, b.standard.as_str(), b.tally.members, b.tally.expected.to_string())).collect();
        assert_eq!(
            brackets,
            [
                ("在职", "3000元以下（含）", 1, "45.00".into()),
                ("在职", "5000–10000元", 1, "270.00".into()),
                ("离退休", "5000元以下（含）", 1, "60.00".into()),
                ("学生", "每月0.20元", 1, "0.60".into()),
                ("其他", "未判定", 1, "0.00".into()),
            ]
        );
    }

    #[test]
    fn totals_rows_are_checked_against_the_members() {
        let t = RateTable::default();
        let row = |paid: &str, expected: Option<&str>| TotalsRow { at: "第 8 行".into(), paid: Some(m(paid)), expected: expected.map(m) };
        let ok = evaluate(&ledger(), &[row("378.60", Some("375.60"))], None, &t);
        assert!(ok.findings.iter().all(|f| f.kind != FindingKind::TotalsMismatch));
        let bad = evaluate(&ledger(), &[row("368.60", Some("380.00"))], None, &t);
        let msgs: Vec<_> = bad.findings.iter().filter(|f| f.kind == FindingKind::TotalsMismatch).map(|f| f.message.as_str()).collect();
        assert!(bad.findings.iter().filter(|f| f.kind == FindingKind::TotalsMismatch).all(|f| f.at.as_deref() == Some("第 8 行")), "located at the 合计 row");
        assert_eq!(
            msgs,
            [
                "合计行的实缴 368.60 元，与各成员行实缴之和 378.60 元不符，相差 10.00 元",
                "合计行的应缴 380.00 元，与按标准计算的应缴之和 375.60 元不符，相差 4.40 元",
            ]
        );
        // With an 应缴 column, the 合计 is the ledger's own sum, whatever the rules say.
        let mut own = ledger();
        own.iter_mut().for_each(|mb| mb.ledger_expected = Some(m("76")));
        let r = evaluate(&own, &[row("378.60", Some("380.00"))], None, &t);
        assert!(r.findings.iter().all(|f| f.kind != FindingKind::TotalsMismatch));
        let r = evaluate(&own, &[row("378.60", Some("375.60"))], None, &t);
        let f = r.findings.iter().find(|f| f.kind == FindingKind::TotalsMismatch).unwrap();
        assert_eq!(f.message, "合计行的应缴 375.60 元，与各成员行应缴之和 380.00 元不符，相差 4.40 元");
    }

    #[test]
    fn remittance_gap_says_which_way() {
        let t = RateTable::default();
        let exact = evaluate(&ledger(), &[], Some(m("378.60")), &t);
        assert_eq!(exact.remittance_gap, Some(Money::ZERO));
        assert!(exact.findings.iter().all(|f| f.kind != FindingKind::RemittanceGap));
        let less = evaluate(&ledger(), &[], Some(m("300")), &t);
        assert_eq!(less.remittance_gap, Some(m("-78.60")));
        let f = less.findings.iter().find(|f| f.kind == FindingKind::RemittanceGap).unwrap();
        assert_eq!(f.message, "上缴 300.00 元，少于本期实收 378.60 元，少上缴 78.60 元");
        let more = evaluate(&ledger(), &[], Some(m("400")), &t);
        let f = more.findings.iter().find(|f| f.kind == FindingKind::RemittanceGap).unwrap();
        assert_eq!(f.message, "上缴 400.00 元，多于本期实收 378.60 元，多上缴 21.40 元");
        assert_eq!(evaluate(&ledger(), &[], None, &t).remittance_gap, None);
    }

    #[test]
    fn public_view_masks_and_merges_small_groups() {
        let r = evaluate(&ledger(), &[], Some(m("300")), &RateTable::default());
        let p = r.public_view(&DuesOptions { contact: Some("组织部".into()), ..DuesOptions::default() });
        assert_eq!(p.members[0].name, "张*");
        assert_eq!(p.contact.as_deref(), Some("组织部"));
        let json = serde_json::to_string(&p).unwrap();
        for secret in ["张三", "3000.00", "6000.00", "findings", "少缴", "45.00", "270.00", "60.00", "\"0.60\"", "\"3.00\""] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        // Five members, every category and bracket alone: one merged row, totals stay.
        assert_eq!(p.by_bracket.len(), 1, "{json}");
        let row = &p.by_bracket[0];
        assert!(row.merged && row.rate_label.is_none());
        assert_eq!(row.category_label, "在职、离退休、学生、其他");
        assert_eq!(row.bands[0], "在职：3000元以下（含）（0.5%）");
        assert_eq!((row.tally.members, row.tally.expected, row.tally.paid), (5, Some(m("375.60")), Some(m("378.60"))));
        assert_eq!(p.by_category.len(), 1);
        assert_eq!((p.totals.expected, p.collected, p.remitted), (Some(m("375.60")), Some(m("378.60")), Some(m("300"))));
        assert_eq!(p.note.as_deref(), Some("人数少于3人的档次不单列，已与相邻档次合并"));
    }

    #[test]
    fn a_tiny_disclosure_shows_no_amount() {
        let r = evaluate(&ledger()[..2], &[], Some(m("315")), &RateTable::default());
        let p = r.public_view(&DuesOptions::default());
        assert!(p.amounts_withheld);
        assert_eq!((p.totals.members, p.totals.expected, p.totals.paid, p.collected, p.remitted), (2, None, None, None, None));
        assert!(p.by_bracket.is_empty() && p.by_category.is_empty());
        assert_eq!(p.note.as_deref(), Some("本期党员少于3人，为保护个人信息，不公开金额"));
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("315") && !json.contains("45.00") && !json.contains("270.00"), "{json}");
    }

    /// A deterministic spread of ledgers: every shown figure covers at least `min`
    /// members (`min` judged ones for 应缴), the rows add up to the totals (nothing is
    /// hidden that a subtraction would reveal), and each bracket row lies inside one
    /// category row.
    #[test]
    fn every_public_figure_covers_a_large_enough_group() {
        let bases = ["2500", "3000", "4200", "5000", "7300", "9999", "10000.01", "15000"];
        let cats = [Employed, Employed, Employed, Retired, Retired, Student, Farmer, Other];
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..400 {
            let size = 1 + next(14) as usize;
            let members: Vec<Member> = (0..size)
                .map(|i| {
                    let c = cats[next(cats.len() as u64) as usize];
                    let base = (next(9) > 0).then(|| bases[next(bases.len() as u64) as usize]);
                    member(&format!("党员{i}"), c, base, 3, &format!("{}.{:02}", next(900), next(100)))
                })
                .collect();
            let r = evaluate(&members, &[], None, &RateTable::default());
            let min = 3 + (case % 3) as u32;
            let p = r.public_view(&DuesOptions { public_min_group: min, contact: None });
            let ok = |t: &PublicTally| t.paid.is_none_or(|_| t.members >= min) && t.expected.is_none_or(|_| t.judged == 0 || t.judged >= min);
            assert!(ok(&p.totals), "case {case}: totals {:?}", p.totals);
            assert_eq!(p.amounts_withheld, (size as u32) < min, "case {case}");
            for b in &p.by_bracket {
                assert!(ok(&b.tally), "case {case}: {b:?}");
            }
            for c in &p.by_category {
                assert!(ok(&c.tally), "case {case}: {c:?}");
            }
            if !p.amounts_withheld {
                let paid: Money = p.by_bracket.iter().filter_map(|b| b.tally.paid).fold(Money::ZERO, |a, b| a + b);
                assert_eq!(Some(paid), p.totals.paid, "case {case}: every member is in a shown row");
                assert_eq!(p.by_bracket.iter().map(|b| b.tally.members).sum::<u32>(), size as u32);
                for b in &p.by_bracket {
                    assert!(
                        p.by_category.iter().any(|c| b.category_label.split('、').all(|l| c.label.split('、').any(|x| x == l))),
                        "case {case}: {b:?} spans categories"
                    );
                }
            }
        }
    }

    #[test]
    fn report_serializes_for_templates() {
        let r = evaluate(&ledger()[..1], &[], None, &RateTable::default());
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["members"][0]["category"], "employed");
        assert_eq!(v["members"][0]["expected"], "45.00");
        assert_eq!(v["by_bracket"][0]["members"], 1); // the tally is flattened
        assert_eq!(v["by_bracket"][0]["rate_label"], "0.5%");
        assert!(v["members"][0].get("slot").is_none());
    }

    #[test]
    fn labels() {
        assert_eq!([5, 50, 100, 125, 150, 1000].map(rate_label), ["0.05%", "0.5%", "1%", "1.25%", "1.5%", "10%"]);
        let bs = [Bracket { up_to: Some(m("3000.50")), rate: 50 }, Bracket { up_to: None, rate: 100 }];
        assert_eq!(bracket_label(&bs, 0), "3000.50元以下（含）");
        assert_eq!(bracket_label(&bs[1..], 0), "不分档");
        let mut empty = RateTable::default();
        empty.set(Employed, Rule::Brackets(Vec::new()));
        assert_eq!(due(Some(Employed), Some(m("100")), &empty), Err(Unjudged::NoStandard));
        assert_eq!(FindingKind::RemittanceGap.label(), "上缴差额");
        let rows = RateTable::default().standards();
        assert_eq!(rows.len(), 11);
        assert_eq!((rows[6].category_label, rows[6].standard.as_str()), ("农民", "每月0.20–1.00元"));
        assert_eq!((rows[10].standard.as_str(), rows[10].rate_label.as_deref()), ("无统一标准", None));
    }
}
