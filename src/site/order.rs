//! Natural order for Chinese titles: 第二党支部 before 第十党支部, 2月 before 10月.
//! Code point order would put 第一, 第三, 第二 — wrong for every officer.

use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Num(u64),
    Text(char),
}

fn digit(c: char) -> Option<u64> {
    match c {
        '0'..='9' => Some(c as u64 - '0' as u64),
        '０'..='９' => Some(c as u64 - '０' as u64),
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// Value of a run of Chinese numerals (一, 十, 十二, 二十三, 一百零五) or digits.
fn numeral_value(run: &[char]) -> u64 {
    if run.iter().all(|c| c.is_ascii_digit() || ('０'..='９').contains(c)) {
        return run.iter().fold(0, |n, c| n.saturating_mul(10).saturating_add(digit(*c).unwrap_or(0)));
    }
    let (mut total, mut cur) = (0u64, 0u64);
    for &c in run {
        match c {
            '十' => {
                total += cur.max(1) * 10;
                cur = 0;
            }
            '百' => {
                total += cur.max(1) * 100;
                cur = 0;
            }
            '千' => {
                total += cur.max(1) * 1000;
                cur = 0;
            }
            c => cur = digit(c).unwrap_or(0),
        }
    }
    total + cur
}

fn is_numeral(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

fn parts(s: &str) -> Vec<Part> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_numeral(chars[i]) {
            let start = i;
            let ascii = chars[i].is_ascii_digit() || ('０'..='９').contains(&chars[i]);
            while i < chars.len() && is_numeral(chars[i]) && (chars[i].is_ascii_digit() || ('０'..='９').contains(&chars[i])) == ascii {
                i += 1;
            }
            out.push(Part::Num(numeral_value(&chars[start..i])));
        } else {
            out.push(Part::Text(chars[i]));
            i += 1;
        }
    }
    out
}

/// Compares titles with numbers (Arabic or Chinese) by value.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_sort_by_value() {
        let mut v = vec!["第十党支部", "第三党支部", "第一党支部", "第二党支部", "第十一党支部", "机关党委"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["机关党委", "第一党支部", "第二党支部", "第三党支部", "第十党支部", "第十一党支部"]);
        let mut m = vec!["10月", "2月", "1月"];
        m.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(m, ["1月", "2月", "10月"]);
        assert_eq!(numeral_value(&['二', '十', '三']), 23);
    }
}
