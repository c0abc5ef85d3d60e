//! Numbers and counts: digits, full-width digits and Chinese numerals, measure
//! words (次, 篇, 人次…), placeholders (x次) and 每年6月和12月各一次 doubling.

use super::chars::{at, before};

#[derive(Debug, Clone)]
pub(super) struct Count {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) n: u32,
    pub(super) measure: &'static str,
}

/// An ASCII or full-width digit.
pub fn digit_val(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// A Chinese numeral digit (`〇`/`零` to `九`, `两`).
pub fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub(super) fn cn_unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

pub(super) fn is_num_char(c: char) -> bool {
    digit_val(c).is_some() || cn_digit(c).is_some() || cn_unit(c).is_some()
}

/// A number at `i` (digits, full-width digits or Chinese numerals): value and end.
pub(super) fn parse_number(s: &[char], i: usize) -> Option<(u32, usize)> {
    let first = *s.get(i)?;
    if digit_val(first).is_some() {
        let mut v: u32 = 0;
        let mut j = i;
        while j < s.len() {
            let Some(d) = digit_val(s[j]) else { break };
            v = v.saturating_mul(10).saturating_add(d);
            j += 1;
        }
        return Some((v, j));
    }
    if cn_digit(first).is_none() && cn_unit(first).is_none() {
        return None;
    }
    let mut j = i;
    let (mut total, mut cur, mut units, mut digits) = (0u32, 0u32, 0, Vec::new());
    while j < s.len() {
        if let Some(d) = cn_digit(s[j]) {
            cur = d;
            digits.push(d);
        } else if let Some(u) = cn_unit(s[j]) {
            total += if cur == 0 { 1 } else { cur } * u;
            cur = 0;
            units += 1;
        } else {
            break;
        }
        j += 1;
    }
    if units == 0 && digits.len() > 1 {
        // 二〇二〇: digit by digit.
        return Some((digits.iter().fold(0u32, |a, d| a.saturating_mul(10).saturating_add(*d)), j));
    }
    Some((total + cur, j))
}

/// Measure words, longest first.
pub(super) const MEASURES: &[&str] = &["人次", "场次", "学时", "课时", "小时", "次", "篇", "份", "天", "个", "场", "期", "名", "项", "件", "堂", "轮"];

pub(super) fn measure_at(s: &[char], i: usize) -> Option<&'static str> {
    let m = MEASURES.iter().find(|w| at(s, i, w))?;
    let after = i + m.chars().count();
    let next = s.get(after).copied();
    match *m {
        // 3个月, 5个工作日: durations, not counts of an activity.
        "个" if ["月", "工作日", "小时", "百分点", "星期", "季度", "年"].iter().any(|w| at(s, after, w)) => None,
        "次" if next == Some('性') => None,
        _ => Some(m),
    }
}

/// Skips spaces and the approximations 余, 多 after a number.
pub(super) fn skip_fill(s: &[char], mut j: usize, end: usize) -> usize {
    while j < end && (s[j].is_whitespace() || s[j] == '余' || s[j] == '多') {
        j += 1;
    }
    j
}

/// The first "number + measure word" in `s[from..end]`.
pub(super) fn find_count(s: &[char], from: usize, end: usize) -> Option<Count> {
    let mut i = from;
    while i < end {
        let starts = is_num_char(s[i]) && (i == 0 || !is_num_char(s[i - 1]));
        let ordinal = before(s, i, "第") || before(s, i, "最后") || before(s, i, "前") || before(s, i, "后");
        if starts && !ordinal {
            if let Some((n, mut j)) = parse_number(s, i) {
                if j < end && (s[j] == '.' || s[j] == '．') && s.get(j + 1).is_some_and(|c| digit_val(*c).is_some()) {
                    i = j + 1;
                    continue; // a decimal: 0.5%
                }
                j = skip_fill(s, j, end);
                // A range 2至3次, 2-3次: the lower bound is the minimum.
                if j < end && matches!(s[j], '至' | '到' | '-' | '~' | '～' | '—') {
                    let k = skip_fill(s, j + 1, end);
                    if let Some((_, k2)) = parse_number(s, k) {
                        j = skip_fill(s, k2, end);
                    }
                }
                if j < end {
                    if let Some(m) = measure_at(s, j) {
                        return Some(Count { start: i, end: j + m.chars().count(), n, measure: m });
                    }
                }
                i = j.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    None
}

/// "x次", "X 篇", "xx余次": a template placeholder instead of a number.
pub(super) fn has_placeholder(s: &[char]) -> bool {
    let is_x = |c: char| matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ');
    let mut i = 0;
    while i < s.len() {
        if is_x(s[i]) && (i == 0 || !s[i - 1].is_ascii_alphabetic()) {
            let mut j = i;
            while j < s.len() && is_x(s[j]) {
                j += 1;
            }
            let k = skip_fill(s, j, s.len());
            if k < s.len() && measure_at(s, k).is_some() {
                return true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    false
}

/// 每年6月和12月各一次: two named months (or 上、下半年) make the count per year double.
pub(super) fn multiplier(s: &[char], from: usize, to: usize) -> u32 {
    let region = &s[from..to];
    if !region.contains(&'各') {
        return 1;
    }
    let mut months: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < region.len() {
        if is_num_char(region[i]) && (i == 0 || !is_num_char(region[i - 1])) {
            if let Some((n, j)) = parse_number(region, i) {
                if j < region.len() && region[j] == '月' && (1..=12).contains(&n) && !months.contains(&n) {
                    months.push(n);
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if months.len() >= 2 {
        return months.len() as u32;
    }
    let text: String = region.iter().collect();
    if (text.contains("上半年") && text.contains("下半年")) || text.contains("上、下半年") || text.contains("上下半年") {
        return 2;
    }
    1
}
