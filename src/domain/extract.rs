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

use super::period::Per;
use super::requirement::Requirement;
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

// ---------------------------------------------------------------------------
// Scanning

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    /// 每月, 每季度, 每半年, 每年.
    Every,
    /// 按月, 按季度: a manner ("按月交纳"), counted only with a number.
    By,
    /// 全年, 年度内, 一年, 半年: counted only with a number.
    Whole,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Freq(Per, Style),
    /// A frequency we do not count (weekly, daily, multi-year): ends the previous clause.
    Stop,
}

#[derive(Debug, Clone, Copy)]
struct Marker {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Count {
    start: usize,
    end: usize,
    n: u32,
    measure: &'static str,
}

const SENTENCE_ENDS: &[char] = &['。', '；', ';', '！', '？', '!', '?'];
const COMMAS: &[char] = &['，', ',', '：', ':', '|'];

fn scan_line(line_no: usize, line: &str, out: &mut Vec<Extracted>) {
    let chars: Vec<char> = line.chars().collect();
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || SENTENCE_ENDS.contains(&chars[i]) {
            if i > start {
                scan_sentence(line_no, &chars[start..i], out);
            }
            start = i + 1;
        }
    }
}

fn scan_sentence(line_no: usize, s: &[char], out: &mut Vec<Extracted>) {
    if has_placeholder(s) {
        return;
    }
    let markers = find_markers(s);
    let first_of_sentence = out.len();
    for (k, m) in markers.iter().enumerate() {
        let Kind::Freq(per, style) = m.kind else { continue };
        let seg_end = markers.get(k + 1).map_or(s.len(), |n| n.start);
        // The comma clause holding the marker; a bare "每季度：" borrows the next one.
        let mut clause_end = (m.end..seg_end).find(|&i| COMMAS.contains(&s[i])).unwrap_or(seg_end);
        if meaningful(&s[m.end..clause_end]) < 2 && clause_end < seg_end {
            clause_end = (clause_end + 1..seg_end).find(|&i| COMMAS.contains(&s[i])).unwrap_or(seg_end);
        }
        // From the comma before the marker; a second marker in the same comma clause starts its own.
        let lo = if k > 0 { markers[k - 1].end } else { 0 };
        let clause_start = match (lo..m.start).rev().find(|&i| COMMAS.contains(&s[i])) {
            Some(i) => i + 1,
            None if k > 0 => m.start,
            None => 0,
        };

        let found = find_count(s, m.end, clause_end);
        let (min, measure, subject, text_end) = match found {
            Some(c) => {
                let n = c.n * multiplier(s, m.end, c.start);
                if n == 0 {
                    continue;
                }
                let subject = subject_of(&s[clause_start..m.start], &s[m.end..c.start], &s[c.end..clause_end]);
                (n, c.measure, subject, clause_end)
            }
            None => match implied_once(s, per, style, m.end, clause_end) {
                Some(subject) => (1, "次", subject, clause_end),
                None => continue,
            },
        };
        // 全年累计不少于二十人次: the activity was named earlier in the sentence.
        let subject = if subject.is_empty() {
            match out.last().filter(|o| o.line == line_no && first_of_sentence < out.len()) {
                Some(prev) => prev.subject.clone(),
                None => markers.first().map_or(String::new(), |f| core_phrase(&s[..f.start].iter().collect::<String>())),
            }
        } else {
            subject
        };
        let text = clean_text(&s[clause_start..text_end]);
        out.push(Extracted { line: line_no, text, per, min, measure: measure.to_string(), subject });
    }
}

fn meaningful(s: &[char]) -> usize {
    s.iter().filter(|c| !c.is_whitespace()).count()
}

fn at(s: &[char], i: usize, w: &str) -> bool {
    let mut j = i;
    w.chars().all(|c| {
        let ok = s.get(j) == Some(&c);
        j += 1;
        ok
    })
}

fn before(s: &[char], i: usize, w: &str) -> bool {
    let n = w.chars().count();
    i >= n && at(s, i - n, w)
}

fn find_markers(s: &[char]) -> Vec<Marker> {
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
fn unit_at(s: &[char], i: usize) -> Option<(usize, Option<Per>)> {
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

fn marker_at(s: &[char], i: usize) -> Option<(usize, Kind)> {
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

fn digit_val(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn cn_digit(c: char) -> Option<u32> {
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

fn cn_unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

fn is_num_char(c: char) -> bool {
    digit_val(c).is_some() || cn_digit(c).is_some() || cn_unit(c).is_some()
}

/// A number at `i` (digits, full-width digits or Chinese numerals): value and end.
fn parse_number(s: &[char], i: usize) -> Option<(u32, usize)> {
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
const MEASURES: &[&str] = &["人次", "场次", "学时", "课时", "小时", "次", "篇", "份", "天", "个", "场", "期", "名", "项", "件", "堂", "轮"];

fn measure_at(s: &[char], i: usize) -> Option<&'static str> {
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
fn skip_fill(s: &[char], mut j: usize, end: usize) -> usize {
    while j < end && (s[j].is_whitespace() || s[j] == '余' || s[j] == '多') {
        j += 1;
    }
    j
}

/// The first "number + measure word" in `s[from..end]`.
fn find_count(s: &[char], from: usize, end: usize) -> Option<Count> {
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
fn has_placeholder(s: &[char]) -> bool {
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
fn multiplier(s: &[char], from: usize, to: usize) -> u32 {
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

/// Verbs that make "每月/每季度/每半年 + verb" a once-per-period activity.
const ACTIVITY_VERBS: &[&str] = &[
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
const YEAR_VERBS: &[&str] = &["召开", "开展", "组织", "举行", "举办", "开好"];

/// A clause with no number that still counts once: `每月/每季度/每半年` with an activity
/// verb, `每年` with 开/召开/开展/组织 and an activity. Returns the subject.
fn implied_once(s: &[char], per: Per, style: Style, from: usize, end: usize) -> Option<String> {
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
fn subject_of(before_marker: &[char], between: &[char], after: &[char]) -> String {
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
const QUANTIFIERS: &[&str] = &["不少于", "不低于", "不得少于", "不少", "至少", "最少", "累计", "共", "各", "都", "均", "达到", "达"];

/// Verbs that only introduce the activity: 召开(支委会), 开展(谈心谈话).
const GENERIC_VERBS: &[&str] = &["开展", "召开", "组织", "举行", "举办", "进行", "参加", "参与", "安排", "开好", "讲", "上"];

/// The noun phrase of an activity: list markers, adverbs, a leading 召开/开展 and a
/// prepositional phrase (向上级党委…, 与每名党员…) removed.
fn core_phrase(s: &str) -> String {
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

fn trim_subject(s: &[char]) -> String {
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
fn clean_text(s: &[char]) -> String {
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

fn strip_list_marker(s: &str) -> &str {
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
    }
}
