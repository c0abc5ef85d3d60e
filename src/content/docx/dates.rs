//! Dates as 公文 and file names write them: `2024年3月5日`, `二〇二四年三月五日`
//! (成文日期 in Chinese numerals), `２０２４年３月５日`, `2024.3.5`, `2024-03-05`,
//! `2024/3/5`, `20240305` at the start of a file name.

use crate::domain::extract::{cn_digit, digit_val};
use chrono::NaiveDate;

/// A digit as written: ASCII, full-width, or a Chinese numeral (`〇` and the
/// look-alikes typed for it in years: `○`, `O`, Cyrillic `О`).
fn digit(c: char) -> Option<u32> {
    digit_val(c).or_else(|| cn_digit(c)).or(match c {
        '○' | 'O' | 'o' | 'О' | 'Ｏ' => Some(0),
        _ => None,
    })
}

fn is_ascii_digit_like(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// `12`, `十二`, `二十五`, `十`, `三十一`: a month or a day.
fn small_number(s: &[char]) -> Option<u32> {
    if s.is_empty() || s.len() > 3 {
        return None;
    }
    if let Some(i) = s.iter().position(|&c| c == '十') {
        let tens = if i == 0 { 1 } else { digit(s[0])? };
        let ones = match &s[i + 1..] {
            [] => 0,
            [c] => digit(*c)?,
            _ => return None,
        };
        return (i <= 1).then_some(tens * 10 + ones);
    }
    s.iter().try_fold(0u32, |n, &c| Some(n * 10 + digit(c)?))
}

/// A date written with 年月日 starting at `chars[at]`; its end index.
fn cjk_date_at(chars: &[char], at: usize) -> Option<(NaiveDate, usize)> {
    let year: Vec<char> = chars.get(at..at + 4)?.to_vec();
    if chars.get(at + 4) != Some(&'年') {
        return None;
    }
    let y = year.iter().try_fold(0u32, |n, &c| Some(n * 10 + digit(c)?))?;
    let mut i = at + 5;
    let month_start = i;
    while i < chars.len() && chars[i] != '月' && i - month_start < 4 {
        i += 1;
    }
    let m = small_number(chars.get(month_start..i)?)?;
    if chars.get(i) != Some(&'月') {
        return None;
    }
    i += 1;
    let day_start = i;
    while i < chars.len() && !matches!(chars[i], '日' | '号') && i - day_start < 4 {
        i += 1;
    }
    let d = small_number(chars.get(day_start..i)?)?;
    if !matches!(chars.get(i), Some('日' | '号')) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d).filter(|_| (1900..=2999).contains(&y))?;
    Some((date, i + 1))
}

/// `2024-03-05`, `2024.3.5`, `2024/3/5` (also full-width digits) at `chars[at]`.
fn numeric_date_at(chars: &[char], at: usize) -> Option<(NaiveDate, usize)> {
    let mut i = at;
    let mut parts = [0u32; 3];
    for (k, part) in parts.iter_mut().enumerate() {
        let start = i;
        while i < chars.len() && is_ascii_digit_like(chars[i]) && i - start < 4 {
            *part = *part * 10 + digit(chars[i])?;
            i += 1;
        }
        let len = i - start;
        if (k == 0 && len != 4) || (k > 0 && !(1..=2).contains(&len)) {
            return None;
        }
        if k < 2 {
            if !matches!(chars.get(i), Some('-' | '.' | '/' | '．' | '－' | '／')) {
                return None;
            }
            i += 1;
        }
    }
    if chars.get(i).is_some_and(|c| is_ascii_digit_like(*c)) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(parts[0] as i32, parts[1], parts[2]).filter(|_| (1900..=2999).contains(&parts[0]))?;
    Some((date, i))
}

/// The first date in `text`, with its char range.
pub fn find(text: &str) -> Option<(NaiveDate, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    for at in 0..chars.len() {
        if at > 0 && (digit(chars[at - 1]).is_some() && digit(chars[at]).is_some()) {
            continue;
        }
        if let Some((d, end)) = cjk_date_at(&chars, at).or_else(|| numeric_date_at(&chars, at)) {
            return Some((d, at, end));
        }
    }
    None
}

/// `text` is a date and nothing else (spaces and brackets around it aside): a 成文日期 line.
pub fn only_date(text: &str) -> Option<NaiveDate> {
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
    let t = t.trim_matches(|c| matches!(c, '（' | '）' | '(' | ')'));
    let (d, start, end) = find(t)?;
    (start == 0 && end == t.chars().count()).then_some(d)
}

/// The date a file name starts with (`2024-10-15-支委会`, `2024年10月15日支委会会议记录`,
/// `20241015支委会`), and the rest of the name after it.
pub fn file_name_date(stem: &str) -> Option<(NaiveDate, String)> {
    let chars: Vec<char> = stem.chars().collect();
    let (date, end) = cjk_date_at(&chars, 0).or_else(|| numeric_date_at(&chars, 0)).or_else(|| {
        let digits: String = chars.iter().take(8).collect();
        let ok = digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) && chars.get(8).is_none_or(|c| !c.is_ascii_digit());
        let date = NaiveDate::parse_from_str(&digits, "%Y%m%d").ok().filter(|_| ok)?;
        Some((date, 8))
    })?;
    let rest: String = chars[end..].iter().collect();
    Some((date, rest.trim_start_matches(['-', '_', ' ', '.', '　']).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn written_forms() {
        assert_eq!(only_date("2024年3月5日"), Some(d(2024, 3, 5)));
        assert_eq!(only_date("二〇二四年三月五日"), Some(d(2024, 3, 5)));
        assert_eq!(only_date("二○二四年十二月二十五日"), Some(d(2024, 12, 25)));
        assert_eq!(only_date("　　2024年10月31日　"), Some(d(2024, 10, 31)));
        assert_eq!(only_date("２０２４年３月１０日"), Some(d(2024, 3, 10)));
        assert_eq!(only_date("（2024年3月5日）"), Some(d(2024, 3, 5)));
        assert_eq!(only_date("2024.3.5"), Some(d(2024, 3, 5)));
        assert_eq!(only_date("2024年3月5日印发"), None);
        assert_eq!(only_date("2024年2月30日"), None);
    }

    #[test]
    fn found_inside_text() {
        assert_eq!(find("时间：2024年10月15日上午9:00").map(|x| x.0), Some(d(2024, 10, 15)));
        assert_eq!(find("会议于2024-10-15召开").map(|x| x.0), Some(d(2024, 10, 15)));
        assert_eq!(find("共12024年"), None);
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name_date("2024年10月15日支委会会议记录"), Some((d(2024, 10, 15), "支委会会议记录".into())));
        assert_eq!(file_name_date("2024-03-15-zhutidangri"), Some((d(2024, 3, 15), "zhutidangri".into())));
        assert_eq!(file_name_date("20241015支委会"), Some((d(2024, 10, 15), "支委会".into())));
        assert_eq!(file_name_date("关于开展主题党日活动的通知"), None);
    }
}
