//! The activity a clause names (支委会, 集中学习, 谈心谈话), and clauses without a
//! number that still count once (每月召开支委会).

use super::chars::{at, meaningful};
use super::markers::Style;
use super::numbers::is_num_char;
use crate::domain::period::Per;

/// Verbs that make "每月/每季度/每半年 + verb" a once-per-period activity.
pub(super) const ACTIVITY_VERBS: &[&str] = &[
    "召开",
    "开展",
    "组织",
    "举行",
    "举办",
    "进行",
    "报告",
    "汇报",
    "通报",
    "报送",
    "研究",
    "研判",
    "分析",
    "听取",
    "检查",
    "督导",
    "督查",
    "考评",
    "考核",
    "评议",
    "讲党课",
    "上党课",
    "开好",
    "学习",
    "培训",
    "谈心",
    "谈话",
    "公示",
    "公开",
    "走访",
    "调研",
];

/// Verbs that make "每年 + verb + activity" a once-a-year activity.
pub(super) const YEAR_VERBS: &[&str] = &["召开", "开展", "组织", "举行", "举办", "开好"];

/// A clause with no number that still counts once: `每月/每季度/每半年` with an activity
/// verb, `每年` with 开/召开/开展/组织 and an activity. Returns the subject.
pub(super) fn implied_once(s: &[char], per: Per, style: Style, from: usize, end: usize) -> Option<String> {
    if style != Style::Every {
        return None;
    }
    let rest = &s[from..end];
    let verbs = if per == Per::Year { YEAR_VERBS } else { ACTIVITY_VERBS };
    let mut best: Option<(usize, usize)> = None;
    for v in verbs {
        if let Some(p) = (0..rest.len()).find(|&p| at(rest, p, v)) {
            if best.is_none_or(|(b, _)| p < b) {
                best = Some((p, v.chars().count()));
            }
        }
    }
    if best.is_none() && per == Per::Year {
        // 每年开组织生活会: a bare 开 right after 每年 (and an adverb).
        let mut p = 0;
        while p < rest.len() && "都要均应须需还也".contains(rest[p]) {
            p += 1;
        }
        if p < rest.len() && rest[p] == '开' {
            best = Some((p, 1));
        }
    }
    let (p, len) = best?;
    if per == Per::Year && meaningful(&rest[p + len..]) < 2 {
        return None; // 每年组织: no activity named.
    }
    let after = core_phrase(&rest[p + len..].iter().collect::<String>());
    if after.chars().count() >= 2 {
        return Some(after);
    }
    Some(core_phrase(&rest.iter().collect::<String>()))
}

/// The activity: the phrase after the count (每月召开一次支委会), else the phrase
/// between the frequency and the count (每年集中学习不少于6次), else the one before
/// (支部委员会会议每个月至少召开1次). Empty when none names anything.
pub(super) fn subject_of(before_marker: &[char], between: &[char], after: &[char]) -> String {
    let after_s: String = after.iter().collect();
    if !after_s.trim_start().starts_with('的') {
        let a = core_phrase(&after_s);
        if a.chars().count() >= 2 {
            return a;
        }
    }
    let mut b: String = between.iter().collect();
    loop {
        let t = b.trim_end();
        let stripped = QUANTIFIERS.iter().chain(GENERIC_VERBS).find_map(|w| t.strip_suffix(w));
        match stripped {
            Some(x) => b = x.to_string(),
            None => break,
        }
    }
    let only_dates = b.chars().all(|c| is_num_char(c) || "月日和、及与 ".contains(c));
    if !only_dates {
        let b = core_phrase(&b);
        if b.chars().count() >= 2 {
            return b;
        }
    }
    core_phrase(&before_marker.iter().collect::<String>())
}

/// Words around a count that name no activity.
pub(super) const QUANTIFIERS: &[&str] = &["不少于", "不低于", "不得少于", "不少", "至少", "最少", "累计", "共", "各", "都", "均", "达到", "达"];

/// Verbs that only introduce the activity: 召开(支委会), 开展(谈心谈话).
pub(super) const GENERIC_VERBS: &[&str] = &["开展", "召开", "组织", "举行", "举办", "进行", "参加", "参与", "安排", "开好", "讲", "上"];

/// The noun phrase of an activity: list markers, adverbs, a leading 召开/开展 and a
/// prepositional phrase (向上级党委…, 与每名党员…) removed.
pub(super) fn core_phrase(s: &str) -> String {
    let mut t = trim_subject(&s.chars().collect::<Vec<_>>());
    for _ in 0..8 {
        let before = t.clone();
        let x = strip_list_marker(t.trim());
        let x = ["其中", "内", "累计", "每人", "都", "要", "均", "应", "至少", "不少于"].iter().find_map(|w| x.strip_prefix(w)).unwrap_or(x);
        let mut x = x.to_string();
        // A leading bracket group: （6月、12月）开展…
        if x.starts_with('（') || x.starts_with('(') {
            if let Some(p) = x.find(['）', ')']) {
                x = x[p + x[p..].chars().next().map_or(1, char::len_utf8)..].to_string();
            }
        }
        // 3月、9月各走访…: the named months are the count's, not the activity's.
        if let Some(p) = x.find('各') {
            if p > 0 && x[..p].chars().all(|c| is_num_char(c) || "月日和、及 ".contains(c)) {
                x = x[p + '各'.len_utf8()..].to_string();
            }
        }
        if x.starts_with("讲党课") || x.starts_with("上党课") {
            x = x['讲'.len_utf8()..].to_string();
        }
        // 组织 in 组织生活会 is part of the name, not a verb.
        if let Some(v) = GENERIC_VERBS.iter().filter(|v| v.chars().count() > 1).find(|v| x.starts_with(**v)) {
            let rest = &x[v.len()..];
            if !(*v == "组织" && rest.starts_with("生活会")) && rest.chars().count() >= 2 {
                x = rest.to_string();
            }
        }
        // 与每名党员谈心谈话, 向上级党委报送信息, 对…的学习: keep from the activity verb.
        if x.starts_with(['与', '向', '对', '给', '到', '在', '为']) {
            let xc: Vec<char> = x.chars().collect();
            let hit = (1..xc.len()).find_map(|p| ACTIVITY_VERBS.iter().find(|v| at(&xc, p, v)).map(|v| (p, *v)));
            if let Some((p, v)) = hit {
                let skip = if GENERIC_VERBS.contains(&v) { v.chars().count() } else { 0 };
                let rest: String = xc[p + skip..].iter().collect();
                if rest.chars().count() >= 2 {
                    x = rest;
                }
            } else if let Some(p) = x.rfind('的') {
                let rest = &x[p + '的'.len_utf8()..];
                if rest.chars().count() >= 2 {
                    x = rest.to_string();
                }
            }
        }
        t = trim_subject(&x.chars().collect::<Vec<_>>());
        if t == before {
            break;
        }
    }
    t
}

pub(super) fn trim_subject(s: &[char]) -> String {
    let mut t: String = s.iter().collect();
    loop {
        let x = t.trim_matches(|c: char| c.is_whitespace() || "，,、。；;：:“”\"'‘’《》【】[]|*#-".contains(c));
        let x = ["以上", "左右", "的"].iter().find_map(|w| x.strip_prefix(w)).unwrap_or(x);
        if x.len() == t.len() {
            break;
        }
        t = x.to_string();
    }
    t
}

/// Clause text without list markers (1. （一） - #) and edge punctuation.
pub(super) fn clean_text(s: &[char]) -> String {
    let all: String = s.iter().collect();
    let mut t: &str = &all;
    loop {
        let x = t.trim_start_matches(|c: char| c.is_whitespace() || "#>*-+".contains(c));
        let x = strip_list_marker(x);
        if x.len() == t.len() {
            break;
        }
        t = x;
    }
    t.trim_matches(|c: char| c.is_whitespace() || "，,、；;：:".contains(c)).to_string()
}

pub(super) fn strip_list_marker(s: &str) -> &str {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let is_num = |c: char| is_num_char(c);
    // （一） (1) 一、 1. 1、 1）
    if let Some(&(_, c0)) = chars.first() {
        if c0 == '（' || c0 == '(' {
            let mut k = 1;
            while k < chars.len() && is_num(chars[k].1) {
                k += 1;
            }
            if k > 1 && k < chars.len() && (chars[k].1 == '）' || chars[k].1 == ')') {
                return &s[chars[k].0 + chars[k].1.len_utf8()..];
            }
            return s;
        }
        let mut k = 0;
        while k < chars.len() && is_num(chars[k].1) {
            k += 1;
        }
        if k > 0 && k < chars.len() && matches!(chars[k].1, '.' | '．' | '、' | ')' | '）') {
            // "1. " but not a decimal "1.5".
            if !(chars[k].1 == '.' && chars.get(k + 1).is_some_and(|(_, c)| c.is_ascii_digit())) {
                return &s[chars[k].0 + chars[k].1.len_utf8()..];
            }
        }
    }
    s
}
