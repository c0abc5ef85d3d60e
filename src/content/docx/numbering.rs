//! `word/numbering.xml` and the labels Word's automatic numbering shows (`一、`,
//! `（一）`, `1.`, `①`): the label is not in the text, so it is computed here the
//! way Word counts — per list, lower levels restarting when a higher one advances.

use super::xml::{Ev, Xml, XmlError};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, HashMap<u8, Level>>,
    /// numId → (abstractNumId, level overrides: start values).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    counters: HashMap<String, [u32; 9]>,
}

/// One numbered paragraph's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub text: String,
    pub bullet: bool,
}

impl Numbering {
    pub fn parse(text: &str) -> Result<Numbering, XmlError> {
        let mut out = Numbering::default();
        let mut x = Xml::new(text);
        loop {
            match x.next()? {
                Ev::Open(t) if t.w("abstractNum") => {
                    let id = t.get("abstractNumId").unwrap_or("").to_string();
                    let levels = read_levels(&mut x)?;
                    out.abstracts.insert(id, levels);
                }
                Ev::Open(t) if t.w("num") => {
                    let id = t.get("numId").unwrap_or("").to_string();
                    let entry = read_num(&mut x)?;
                    out.nums.insert(id, entry);
                }
                Ev::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    /// The label of the next paragraph in list `num` at `level`, counting it.
    /// `None`: numbering removed (`numId` 0) or unknown.
    pub fn next_label(&mut self, num: &str, level: u8) -> Option<Label> {
        let level = level.min(8);
        let (abs, overrides) = self.nums.get(num)?;
        let levels = self.abstracts.get(abs)?;
        let start = |l: u8| overrides.get(&l).copied().or_else(|| levels.get(&l).map(|v| v.start)).unwrap_or(1);
        let counters = self.counters.entry(num.to_string()).or_insert([0; 9]);
        let li = level as usize;
        counters[li] = if counters[li] == 0 { start(level) } else { counters[li] + 1 };
        counters[li + 1..].iter_mut().for_each(|c| *c = 0);
        let lvl = levels.get(&level).cloned().unwrap_or_default();
        if lvl.format == "bullet" {
            return Some(Label { text: String::new(), bullet: true });
        }
        let mut text = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().copied()) {
                ('%', Some(d)) if d.is_ascii_digit() && d != '0' => {
                    chars.next();
                    let k = d as usize - '1' as usize;
                    let n = if counters[k] == 0 { start(k as u8) } else { counters[k] };
                    let fmt = levels.get(&(k as u8)).map_or("decimal", |l| l.format.as_str());
                    text.push_str(&format_number(n, fmt));
                }
                _ => text.push(c),
            }
        }
        Some(Label { text, bullet: false })
    }
}

fn read_levels(x: &mut Xml<'_>) -> Result<HashMap<u8, Level>, XmlError> {
    let mut levels = HashMap::new();
    let end = x.depth() - 1;
    let mut cur: Option<(u8, Level)> = None;
    while x.depth() > end {
        match x.next()? {
            Ev::Open(t) if t.w("lvl") => {
                if let Some((k, l)) = cur.take() {
                    levels.insert(k, l);
                }
                let k = t.get("ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                cur = Some((k, Level { format: "decimal".into(), text: String::new(), start: 1 }));
            }
            Ev::Open(t) => {
                if let Some((_, l)) = cur.as_mut() {
                    match t.name.as_str() {
                        "numFmt" => l.format = t.val().unwrap_or("decimal").to_string(),
                        "lvlText" => l.text = t.val().unwrap_or("").to_string(),
                        "start" => l.start = t.val().and_then(|v| v.parse().ok()).unwrap_or(1),
                        "rPr" | "pPr" => x.skip()?,
                        _ => {}
                    }
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    if let Some((k, l)) = cur {
        levels.insert(k, l);
    }
    Ok(levels)
}

fn read_num(x: &mut Xml<'_>) -> Result<(String, HashMap<u8, u32>), XmlError> {
    let end = x.depth() - 1;
    let (mut abs, mut overrides, mut level) = (String::new(), HashMap::new(), 0u8);
    while x.depth() > end {
        match x.next()? {
            Ev::Open(t) if t.w("abstractNumId") => abs = t.val().unwrap_or("").to_string(),
            Ev::Open(t) if t.w("lvlOverride") => level = t.get("ilvl").and_then(|v| v.parse().ok()).unwrap_or(0),
            Ev::Open(t) if t.w("startOverride") => {
                overrides.insert(level, t.val().and_then(|v| v.parse().ok()).unwrap_or(1));
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok((abs, overrides))
}

/// `n` in a Word number format.
pub fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting" | "chineseCountingThousand" | "taiwaneseCounting" | "taiwaneseCountingThousand" | "japaneseCounting" | "ideographDigital" => {
            chinese(n)
        }
        "chineseLegalSimplified" => chinese(n)
            .chars()
            .map(|c| match c {
                '一' => '壹',
                '二' => '贰',
                '三' => '叁',
                '四' => '肆',
                '五' => '伍',
                '六' => '陆',
                '七' => '柒',
                '八' => '捌',
                '九' => '玖',
                '十' => '拾',
                '百' => '佰',
                other => other,
            })
            .collect(),
        "ideographTraditional" => "甲乙丙丁戊己庚辛壬癸".chars().nth((n.max(1) as usize - 1) % 10).map(String::from).unwrap_or_default(),
        "ideographZodiac" => "子丑寅卯辰巳午未申酉戌亥".chars().nth((n.max(1) as usize - 1) % 12).map(String::from).unwrap_or_default(),
        "decimalFullWidth" | "decimalFullWidth2" => n.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c)).collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map(String::from).unwrap_or_default()
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => char::from_u32(0x2474 + n - 1).map(String::from).unwrap_or_default(),
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => char::from_u32(0x2488 + n - 1).map(String::from).unwrap_or_default(),
        "upperLetter" => letters(n).to_uppercase(),
        "lowerLetter" => letters(n),
        "upperRoman" => roman(n).to_uppercase(),
        "lowerRoman" => roman(n),
        "decimalZero" if n < 10 => format!("0{n}"),
        "none" => String::new(),
        _ => n.to_string(),
    }
}

/// 一 … 十, 十一, 二十, 一百零五, 二千〇二十四-style counting.
pub fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let parts = [(n / 1000, "千"), (n / 100 % 10, "百"), (n / 10 % 10, "十"), (n % 10, "")];
    let mut out = String::new();
    let mut zero = false;
    for (digit, unit) in parts {
        if digit == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十一, not 一十一, when the number starts at the tens.
        if !(unit == "十" && digit == 1 && out.is_empty()) {
            out.push_str(D[digit as usize]);
        }
        out.push_str(unit);
    }
    out
}

fn letters(mut n: u32) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

fn roman(mut n: u32) -> String {
    const T: [(u32, &str); 13] =
        [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")];
    let mut out = String::new();
    for (v, s) in T {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting() {
        let got: Vec<String> = [1, 10, 11, 20, 21, 99, 100, 105, 110].iter().map(|n| chinese(*n)).collect();
        assert_eq!(got, ["一", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零五", "一百一十"]);
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(28, "lowerLetter"), "ab");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
    }

    #[test]
    fn labels_count_and_restart_like_word() {
        let xml = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
            <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
          </w:abstractNum>
          <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum>
          <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
          <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
          <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
        </w:numbering>"#;
        let mut n = Numbering::parse(xml).unwrap();
        let seq: Vec<String> =
            [(0, "1"), (1, "1"), (1, "1"), (2, "1"), (0, "1"), (1, "1"), (0, "3")].iter().map(|(l, id)| n.next_label(id, *l as u8).unwrap().text).collect();
        assert_eq!(seq, ["一、", "（一）", "（二）", "1.", "二、", "（一）", "五、"]);
        assert!(n.next_label("2", 0).unwrap().bullet);
        assert_eq!(n.next_label("0", 0), None);
    }
}
