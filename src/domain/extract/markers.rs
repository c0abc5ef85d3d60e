//! Frequency words (每月, 按季度, 全年, 每两年…) found in a clause, and whether each
//! starts a countable clause or only ends the previous one.

use super::chars::at;
use super::numbers::{cn_digit, cn_unit, digit_val, parse_number};
use crate::domain::period::Per;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Style {
    /// 每月, 每季度, 每半年, 每年.
    Every,
    /// 按月, 按季度: a manner ("按月交纳"), counted only with a number.
    By,
    /// 全年, 年度内, 一年, 半年: counted only with a number.
    Whole,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Freq(Per, Style),
    /// A frequency we do not count (weekly, daily, multi-year): ends the previous clause.
    Stop,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Marker {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: Kind,
}

pub(super) fn find_markers(s: &[char]) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if let Some((len, kind)) = marker_at(s, i) {
            out.push(Marker { start: i, end: i + len, kind });
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// Unit after a "每 N" or "每": 年, 半年, 季度, 月, 周…, with its length.
pub(super) fn unit_at(s: &[char], i: usize) -> Option<(usize, Option<Per>)> {
    const UNITS: &[(&str, Option<Per>)] = &[
        ("个季度", Some(Per::Quarter)),
        ("个半月", None),
        ("个星期", None),
        ("个月", Some(Per::Month)),
        ("个年度", Some(Per::Year)),
        ("半年", Some(Per::Half)),
        ("年度", Some(Per::Year)),
        ("季度", Some(Per::Quarter)),
        ("星期", None),
        ("年", Some(Per::Year)),
        ("季", Some(Per::Quarter)),
        ("月", Some(Per::Month)),
        ("周", None),
        ("旬", None),
        ("天", None),
        ("日", None),
    ];
    UNITS.iter().find(|(w, _)| at(s, i, w)).map(|(w, p)| (w.chars().count(), *p))
}

pub(super) fn marker_at(s: &[char], i: usize) -> Option<(usize, Kind)> {
    let c = s[i];
    if c == '每' {
        // 每两年, 每2个月, 每两至三年: a multi-period frequency (每一年 is just 每年).
        if let Some((n, mut j)) = parse_number(s, i + 1) {
            if j < s.len() && matches!(s[j], '至' | '到' | '-' | '~' | '～' | '—') {
                if let Some((_, k)) = parse_number(s, j + 1) {
                    j = k;
                    if let Some((len, _)) = unit_at(s, j) {
                        return Some((j + len - i, Kind::Stop));
                    }
                    return None;
                }
            }
            return match unit_at(s, j) {
                Some((len, Some(p))) if n == 1 => Some((j + len - i, Kind::Freq(p, Style::Every))),
                Some((len, _)) => Some((j + len - i, Kind::Stop)),
                None => None,
            };
        }
        return match unit_at(s, i + 1) {
            Some((len, Some(p))) => Some((len + 1, Kind::Freq(p, Style::Every))),
            Some((len, None)) => Some((len + 1, Kind::Stop)),
            None => None,
        };
    }
    if c == '按' {
        for (w, p) in [("按季度", Per::Quarter), ("按半年", Per::Half), ("按月", Per::Month), ("按季", Per::Quarter), ("按年", Per::Year)] {
            if at(s, i, w) {
                return Some((w.chars().count(), Kind::Freq(p, Style::By)));
            }
        }
        if at(s, i, "按周") {
            return Some((2, Kind::Stop));
        }
        return None;
    }
    if at(s, i, "全年") {
        return Some((2, Kind::Freq(Per::Year, Style::Whole)));
    }
    if at(s, i, "年度内") {
        return Some((3, Kind::Freq(Per::Year, Style::Whole)));
    }
    if at(s, i, "一年") {
        let prev = if i > 0 { Some(s[i - 1]) } else { None };
        let next = s.get(i + 2).copied();
        let bad_prev = prev.is_some_and(|p| "第近上去前后这同".contains(p) || cn_digit(p).is_some() || cn_unit(p).is_some() || digit_val(p).is_some());
        let bad_next = next.is_some_and(|n| "来以多半级".contains(n));
        if !bad_prev && !bad_next {
            return Some((2, Kind::Freq(Per::Year, Style::Whole)));
        }
        return None;
    }
    if at(s, i, "半年") {
        let prev = if i > 0 { Some(s[i - 1]) } else { None };
        let next = s.get(i + 2).copied();
        let bad_prev = prev.is_some_and(|p| "上下前后近多个这本今大".contains(p) || cn_digit(p).is_some() || digit_val(p).is_some());
        let bad_next = next.is_some_and(|n| "来以多".contains(n));
        if !bad_prev && !bad_next {
            return Some((2, Kind::Freq(Per::Half, Style::Whole)));
        }
    }
    None
}
