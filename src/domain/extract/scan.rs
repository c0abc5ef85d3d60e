//! Sentence splitting and clause assembly: each frequency word, its comma clause,
//! its count (or implied once) and its subject become one `Extracted`.

use super::chars::meaningful;
use super::markers::{find_markers, Kind};
use super::numbers::{find_count, has_placeholder, multiplier};
use super::subject::{clean_text, core_phrase, implied_once, subject_of};
use super::Extracted;

pub(super) const SENTENCE_ENDS: &[char] = &['。', '；', ';', '！', '？', '!', '?'];
pub(super) const COMMAS: &[char] = &['，', ',', '：', ':', '|'];

pub(super) fn scan_line(line_no: usize, line: &str, out: &mut Vec<Extracted>) {
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

pub(super) fn scan_sentence(line_no: usize, s: &[char], out: &mut Vec<Extracted>) {
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
