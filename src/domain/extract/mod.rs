//! Requirement extraction: finds the clauses of a checklist or plan that state a
//! countable frequency ("每月召开一次支委会", "每年集中学习不少于6次") and turns each
//! into a suggested `[[requirements]]` entry. Pure, hand-written scanning (no regex).
//!
//! A clause starts at a frequency word (每月, 每季度, 每半年, 每年, 全年, 年度内, 一年…)
//! and runs to the next frequency word or the end of its comma clause. Its count is the
//! first "number + measure word" (1次, 一次, ２篇, 十二次, 10人次) after the frequency
//! word. Without a number, `每月/每季度/每半年 + an activity verb` and `每年 + 开/召开/
//! 开展/组织 + an activity` count once. Weekly and multi-year frequencies, planning words
//! (定期, 及时, 季度有安排), dates, money, percentages and placeholders (x次) are skipped.

mod chars;
mod markers;
mod numbers;
mod scan;
mod subject;

/// Digits as Chinese text writes them (also read by the Word reader's dates).
pub use numbers::{cn_digit, digit_val};

use super::period::Per;
use super::requirement::Requirement;
use scan::scan_line;
use serde::Serialize;

/// One clause that states a countable frequency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extracted {
    /// 1-based line in the whole text (front matter included).
    pub line: usize,
    /// The clause, trimmed.
    pub text: String,
    pub per: Per,
    pub min: u32,
    /// 次 unless the text states another unit (人次, 篇, 份, 天, 个, 学时…).
    pub measure: String,
    /// The activity named, best effort ("支委会", "集中学习", "谈心谈话").
    pub subject: String,
}

/// Every countable clause in `text`, in order of appearance.
pub fn extract(text: &str) -> Vec<Extracted> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(front_matter_end(&lines)) {
        scan_line(i + 1, line, &mut out);
    }
    out
}

/// The `[[requirements]]` snippet suggested for `e`.
pub fn toml_entry(e: &Extracted, id: &str) -> String {
    let name = if e.subject.is_empty() { &e.text } else { &e.subject };
    let mut s = String::from("[[requirements]]\n");
    s.push_str(&format!("id = {}\n", toml_str(id)));
    s.push_str(&format!("name = {}\n", toml_str(name)));
    s.push_str(&format!("per = \"{}\"\n", e.per.id()));
    s.push_str(&format!("min = {}\n", e.min));
    if e.measure != "次" {
        s.push_str(&format!("measure = {}\n", toml_str(&e.measure)));
    }
    s
}

/// True when one of `reqs` plausibly covers the clause: the same period (or the same
/// total over the clause's period, e.g. 1 per quarter for 4 per year) and its name or
/// an alias occurs in the clause, or its name shares a substantial part of the subject.
pub fn covered_by(e: &Extracted, reqs: &[Requirement]) -> bool {
    reqs.iter().any(|r| per_consistent(e, r) && names_match(e, r))
}

/// `covered_by`, or, for the entries declared on the clause's own page: the same
/// period and count and a name (or alias) sharing at least four characters (the
/// whole name when shorter) with the clause, whatever its subject. An entry on the
/// page is the officer's declaration of that sentence, even if narrowed to other kinds.
pub fn declared_by(e: &Extracted, page: &[Requirement]) -> bool {
    let text: Vec<char> = e.text.chars().collect();
    page.iter().filter(|r| per_consistent(e, r) && (r.per != e.per || r.min == e.min)).any(|r| {
        std::iter::once(&r.name).chain(r.aliases.iter()).any(|n| {
            let n: Vec<char> = n.trim().chars().collect();
            !n.is_empty() && longest_common(&text, &n).len() >= n.len().min(4)
        })
    })
}

fn per_consistent(e: &Extracted, r: &Requirement) -> bool {
    if r.per == e.per {
        return true;
    }
    let (em, rm) = (e.per.months(), r.per.months());
    em > rm && em % rm == 0 && r.min.saturating_mul(em / rm) == e.min
}

fn names_match(e: &Extracted, r: &Requirement) -> bool {
    let present = |n: &str| !n.trim().is_empty() && (e.text.contains(n.trim()) || e.subject == n.trim());
    if present(&r.name) || r.aliases.iter().any(|a| present(a)) {
        return true;
    }
    let subject: Vec<char> = e.subject.chars().collect();
    std::iter::once(&r.name).chain(r.aliases.iter()).any(|n| {
        let n: Vec<char> = n.chars().collect();
        let common = longest_common(&subject, &n);
        let shorter = subject.len().min(n.len());
        common.len() >= 2 && common.len() * 2 >= shorter && !GENERIC.contains(&common.iter().collect::<String>().as_str())
    })
}

/// Words too common to identify an activity on their own.
const GENERIC: &[&str] = &["工作", "会议", "党员", "支部", "活动", "情况", "专题", "开展", "组织", "召开", "学习"];

fn longest_common(a: &[char], b: &[char]) -> Vec<char> {
    let mut best: &[char] = &[];
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best.len() {
                best = &a[i..i + k];
            }
        }
    }
    best.to_vec()
}

fn toml_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Index of the first line after a leading `+++ … +++` or `--- … ---` block (0 if none).
fn front_matter_end(lines: &[&str]) -> usize {
    let Some(first) = lines.first() else { return 0 };
    let delim = first.trim();
    if delim != "+++" && delim != "---" {
        return 0;
    }
    match lines.iter().skip(1).position(|l| l.trim() == delim) {
        Some(p) => p + 2,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Extracted {
        let v = extract(text);
        assert_eq!(v.len(), 1, "{text}: {v:#?}");
        v.into_iter().next().unwrap()
    }

    fn pm(text: &str) -> Vec<(Per, u32)> {
        extract(text).into_iter().map(|e| (e.per, e.min)).collect()
    }

    #[test]
    fn monthly() {
        let e = one("每月组织学习不少于1次");
        assert_eq!((e.per, e.min, e.measure.as_str()), (Per::Month, 1, "次"));
        assert_eq!(e.subject, "学习");
        assert_eq!(pm("坚持每月至少一次集中学习"), vec![(Per::Month, 1)]);
        let e = one("每月召开一次支委会");
        assert_eq!((e.per, e.min, e.subject.as_str()), (Per::Month, 1, "支委会"));
        assert_eq!(pm("党小组会每个月召开1次"), vec![(Per::Month, 1)]);
        assert_eq!(pm("按月召开2次党小组会"), vec![(Per::Month, 2)]);
    }

    #[test]
    fn quarterly() {
        let e = one("每季召开一次支部党员会议");
        assert_eq!((e.per, e.min, e.subject.as_str()), (Per::Quarter, 1, "支部党员会议"));
        assert_eq!(pm("每季度至少召开一次党员大会"), vec![(Per::Quarter, 1)]);
        assert_eq!(pm("每个季度讲两次党课"), vec![(Per::Quarter, 2)]);
        let e = one("每季向局机关党委报送信息不少于1篇");
        assert_eq!((e.per, e.min, e.measure.as_str()), (Per::Quarter, 1, "篇"));
    }

    #[test]
    fn half_yearly_with_and_without_a_number() {
        assert_eq!(pm("每半年至少对各支部开展1次专题督导"), vec![(Per::Half, 1)]);
        let e = one("每半年向上一级党委报告");
        assert_eq!((e.per, e.min), (Per::Half, 1));
        assert_eq!(pm("专题研讨每半年至少安排两次"), vec![(Per::Half, 2)]);
        assert_eq!(pm("半年召开一次工作推进会"), vec![(Per::Half, 1)]);
    }

    #[test]
    fn yearly_counts() {
        assert_eq!(pm("党组每年至少2次专题研究意识形态工作"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年集中学习不少于 6 次"), vec![(Per::Year, 6)]);
        assert_eq!(pm("全年参与志愿服务不少于4次"), vec![(Per::Year, 4)]);
        assert_eq!(pm("每年给支部党员至少上1次党课"), vec![(Per::Year, 1)]);
        assert_eq!(pm("党员干部年度内参加集中培训不少于32学时"), vec![(Per::Year, 32)]);
        assert_eq!(pm("支部书记一年内与每名党员谈心谈话不少于一次"), vec![(Per::Year, 1)]);
        let e = one("每年与支部党员开展谈心谈话不少于10人次");
        assert_eq!((e.per, e.min, e.measure.as_str(), e.subject.as_str()), (Per::Year, 10, "人次", "谈心谈话"));
        let e = one("科级以上干部全年下基层不少于40天的调研制度要求");
        assert_eq!((e.per, e.min, e.measure.as_str()), (Per::Year, 40, "天"));
        let e = one("每年领办至少1个党建项目");
        assert_eq!((e.min, e.measure.as_str(), e.subject.as_str()), (1, "个", "党建项目"));
    }

    #[test]
    fn named_months_multiply() {
        assert_eq!(pm("每年6月和12月各一次"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年3月、9月各走访困难党员一次"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年上、下半年各召开一次"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年两次（6月、12月）开展党员党性分析"), vec![(Per::Year, 2)]);
        // 各 without named months: each subject once.
        assert_eq!(pm("每月各支部召开1次支委会"), vec![(Per::Month, 1)]);
    }

    #[test]
    fn yearly_without_a_number_needs_an_activity_verb() {
        let e = one("每年开好组织生活会");
        assert_eq!((e.per, e.min, e.subject.as_str()), (Per::Year, 1, "组织生活会"));
        assert_eq!(pm("每年第四季度召开专题组织生活会"), vec![(Per::Year, 1)]);
        assert!(extract("局党组每年都与各基层党支部签定《责任状》").is_empty());
        assert!(extract("党务公开目录每年更新").is_empty());
        assert!(extract("每年6月30日前报送统计表").is_empty());
        assert!(extract("每年慰问困难党员经费不少于5000元").is_empty());
    }

    #[test]
    fn number_forms() {
        assert_eq!(pm("每年讲党课不少于２次"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年集中学习不少于十二次"), vec![(Per::Year, 12)]);
        assert_eq!(pm("全年累计不少于二十人次"), vec![(Per::Year, 20)]);
        assert_eq!(pm("每年开展志愿服务二十五次"), vec![(Per::Year, 25)]);
        assert_eq!(pm("每季度两次"), vec![(Per::Quarter, 2)]);
        assert_eq!(pm("每月1 次"), vec![(Per::Month, 1)]);
        assert_eq!(pm("每年开展2至3次专题培训"), vec![(Per::Year, 2)]);
        assert_eq!(pm("每年组织十次"), vec![(Per::Year, 10)]);
    }

    #[test]
    fn two_frequencies_in_one_sentence() {
        let v = extract("每月组织学习不少于1次，每年组织交流学习体会不少于2次。");
        assert_eq!(v.iter().map(|e| (e.per, e.min)).collect::<Vec<_>>(), vec![(Per::Month, 1), (Per::Year, 2)]);
        assert_eq!(v[0].text, "每月组织学习不少于1次");
        assert_eq!(v[1].text, "每年组织交流学习体会不少于2次");
        assert_eq!(v[1].subject, "交流学习体会");
        let v = extract("每年集中学习不少于6次，其中对意识形态工作相关内容的学习每年不少于一次。");
        assert_eq!(v.iter().map(|e| (e.per, e.min)).collect::<Vec<_>>(), vec![(Per::Year, 6), (Per::Year, 1)]);
    }

    #[test]
    fn weekly_and_multi_year_are_not_countable() {
        assert!(extract("每周召开干部例会").is_empty());
        assert!(extract("确保每周五都进行集中学习").is_empty());
        assert!(extract("每两年组织一次全员轮训").is_empty());
        assert!(extract("班子成员每两至三年轮训一遍").is_empty());
        assert!(extract("每三年进行1次换届选举").is_empty());
        assert!(extract("五年规划每五年编制一次").is_empty());
        assert!(extract("每2个月召开一次").is_empty());
        // The weekly clause does not swallow a following count.
        assert_eq!(pm("每周学习，每月召开1次支委会"), vec![(Per::Month, 1)]);
    }

    #[test]
    fn vague_and_planning_words_are_not_countable() {
        assert!(extract("做到支部工作年初有计划、季度有安排、定期有检查、年终有总结，定期向局机关党委汇报工作。").is_empty());
        assert!(extract("及时、足额收缴、上解党费").is_empty());
        assert!(extract("支部不定期组织党员开展志愿服务活动").is_empty());
        assert!(extract("结合实际适时组织志愿服务，经常开展谈心谈话").is_empty());
        assert!(extract("纳入年度综合目标管理考核体系，年度考核结果与评先评优挂钩").is_empty());
        assert!(extract("党员按月足额交纳党费").is_empty());
        assert!(extract("全年无重大负面舆情发生").is_empty());
    }

    #[test]
    fn dates_money_percentages_and_ordinals_are_not_counts() {
        assert!(extract("每年6月30日前完成党员信息采集").is_empty());
        assert!(extract("每月应缴党费30元").is_empty());
        assert!(extract("每年发展党员比例不低于5%").is_empty());
        assert!(extract("缴费比例为每月工资收入的0.5%至2%").is_empty());
        assert!(extract("每年第一季度完成总结").is_empty());
        assert!(extract("原则上安排在每月第一周").is_empty());
        assert!(extract("今年上半年已召开支委会6次").is_empty());
        assert!(extract("近一年来召开3次会议").is_empty());
        assert!(extract("每年办理一次性补助").is_empty());
    }

    #[test]
    fn placeholders_are_not_counts() {
        assert!(extract("今年共主持召开x次党委会议专题研究意识形态工作").is_empty());
        assert!(extract("各支部每月召开支委会x次").is_empty());
        assert!(extract("全年开展集中学习X 次").is_empty());
        assert!(extract("全年推送宣传稿件x余篇").is_empty());
        // x乡 is a name, not a placeholder count.
        assert_eq!(pm("x乡每年开展1次评议"), vec![(Per::Year, 1)]);
    }

    #[test]
    fn clauses_split_on_sentence_marks_and_list_items() {
        let v = extract("10.严格党内组织生活。每月召开一次支委会，每季召开一次支部党员会议，每年开好组织生活会，每年给支部党员至少上1次党课。");
        let got: Vec<(Per, u32)> = v.iter().map(|e| (e.per, e.min)).collect();
        assert_eq!(got, vec![(Per::Month, 1), (Per::Quarter, 1), (Per::Year, 1), (Per::Year, 1)]);
        assert_eq!(v[3].subject, "党课");
        let e = one("（一）支部委员会会议每个月至少召开1次");
        assert_eq!(e.text, "支部委员会会议每个月至少召开1次");
        let e = one("- 党小组会每月一次");
        assert_eq!(e.text, "党小组会每月一次");
        assert_eq!(e.subject, "党小组会");
        let e = one("1. 每季度：召开党员大会1次");
        assert_eq!((e.per, e.min), (Per::Quarter, 1));
    }

    #[test]
    fn line_numbers_count_front_matter() {
        let text = "+++\ntitle = \"每月1次\"\n+++\n\n正文\n每月召开一次支委会。\n";
        let v = extract(text);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].line, 6);
        let text = "---\ntitle: 每年2次\n---\n每年集中学习不少于6次\r\n";
        let v = extract(text);
        assert_eq!((v.len(), v[0].line, v[0].min), (1, 4, 6));
        // An unclosed --- is a rule, not front matter.
        assert_eq!(extract("---\n每月一次学习").len(), 1);
    }

    #[test]
    fn serializes_per_as_its_id() {
        let e = one("每半年开展1次堡垒指数考评");
        let j = serde_json::to_value(&e).unwrap();
        assert_eq!(j["per"], "half");
        assert_eq!(j["min"], 1);
        assert_eq!(j["line"], 1);
    }

    #[test]
    fn toml_entry_suggests_a_requirement() {
        let e = one("每年与支部党员开展谈心谈话不少于10人次");
        let t = toml_entry(&e, "tanxintanhua");
        assert_eq!(t, "[[requirements]]\nid = \"tanxintanhua\"\nname = \"谈心谈话\"\nper = \"year\"\nmin = 10\nmeasure = \"人次\"\n");
        let e = one("每月召开一次支委会");
        let t = toml_entry(&e, "zhiweihui");
        assert!(!t.contains("measure"), "{t}");
        assert!(t.contains("per = \"month\"\nmin = 1\n"), "{t}");
        let parsed: serde_json::Value = serde_json::json!({"id": "a\"b"});
        let e2 = Extracted { subject: "引号\"与\\".into(), ..e.clone() };
        assert!(toml_entry(&e2, parsed["id"].as_str().unwrap()).contains("id = \"a\\\"b\"\nname = \"引号\\\"与\\\\\"\n"));
    }

    #[test]
    fn subjects_name_the_activity() {
        let subj = |t: &str| extract(t).into_iter().map(|e| e.subject).collect::<Vec<_>>();
        assert_eq!(subj("支部委员会会议每个月至少召开1次"), ["支部委员会会议"]);
        assert_eq!(subj("党员大会按季度召开，每季度不少于一次"), ["党员大会"]);
        assert_eq!(subj("支部书记每年讲党课不少于2次"), ["党课"]);
        assert_eq!(subj("专题研讨每半年至少安排两次"), ["专题研讨"]);
        assert_eq!(subj("一年内与每名党员谈心谈话不少于一次，全年累计不少于二十人次"), ["谈心谈话", "谈心谈话"]);
        assert_eq!(subj("每年3月、9月各走访困难党员一次"), ["走访困难党员"]);
        assert_eq!(subj("每年两次（6月、12月）开展党员党性分析"), ["党员党性分析"]);
        assert_eq!(subj("每半年对意识形态领域的工作进行检查考核"), ["检查考核"]);
        assert_eq!(subj("其中对意识形态工作相关内容的学习每年不少于一次"), ["学习"]);
        assert_eq!(subj("每年组织生活会不少于1次"), ["组织生活会"]);
    }

    #[test]
    fn never_panics_on_fragments() {
        let samples = [
            "（一）每年3月、9月各走访困难党员一次；每季度：召开党员大会1次。",
            "1. 每两至三年 每一年 每 每一 每２ 按 一年 半年 全年x次 （ ( 1.5 ０.５次",
            "每年两次（6月、12月）开展党员党性分析，每半年向上一级党委报告！每月各一",
            "- 每年开，每年组织，每半年，每月 x 余篇 X ｘ次 第一次 一次性 百次 千次 〇次",
        ];
        for t in samples {
            let idx: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            for &a in &idx {
                let _ = extract(&t[a..]);
                let _ = extract(&t[..a]);
            }
        }
        assert!(extract("").is_empty());
        assert!(extract("+++").is_empty());
    }

    fn req(name: &str, aliases: &[&str], per: Per, min: u32) -> Requirement {
        Requirement {
            id: "r".into(),
            name: name.into(),
            per,
            min,
            measure: "次".into(),
            applies_to: None,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            inherit: false,
        }
    }

    #[test]
    fn covered_by_matches_name_alias_or_overlap_with_a_consistent_period() {
        let zwh = req("支部委员会会议", &["支委会"], Per::Month, 1);
        let dydh = req("支部党员大会", &["党员大会"], Per::Quarter, 1);
        let tx = req("谈心谈话", &[], Per::Year, 1);
        let all = [zwh.clone(), dydh.clone(), tx.clone()];
        assert!(covered_by(&one("每月召开一次支委会"), &all));
        // Overlap 支部党员 between subject 支部党员会议 and name 支部党员大会.
        assert!(covered_by(&one("每季召开一次支部党员会议"), std::slice::from_ref(&dydh)));
        // Same words, wrong period.
        assert!(!covered_by(&one("每季召开一次支部党员会议"), std::slice::from_ref(&zwh)));
        assert!(covered_by(&one("每年与支部党员开展谈心谈话不少于10人次"), std::slice::from_ref(&tx)));
        // A quarterly requirement covers "4 per year" of the same activity.
        let vol = req("志愿服务", &[], Per::Quarter, 1);
        assert!(covered_by(&one("全年参与志愿服务不少于4次"), std::slice::from_ref(&vol)));
        assert!(!covered_by(&one("全年参与志愿服务不少于6次"), std::slice::from_ref(&vol)));
        // Nothing in common.
        assert!(!covered_by(&one("每年至少两次专题研究意识形态工作"), &all));
        assert!(!covered_by(&one("每年至少两次专题研究意识形态工作"), &[]));
        // Declared on its own page: same period and count, and four characters of the name.
        let mut zx = req("理论学习中心组学习", &["中心组学习"], Per::Quarter, 2);
        let clause = one("党委理论学习中心组每季度集中学习不少于2次");
        assert!(!covered_by(&clause, std::slice::from_ref(&zx)) && declared_by(&clause, std::slice::from_ref(&zx)));
        zx.min = 3;
        assert!(!declared_by(&clause, std::slice::from_ref(&zx)), "another count is another requirement");
    }
}
