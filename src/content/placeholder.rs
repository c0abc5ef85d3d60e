//! Template placeholders left in a text (`召开x次`, `X名`, `××党支部`, `2020年×月`):
//! officers copy last year's report and fill the x in by hand, and a missed one
//! reads as a real figure. Pure: text in, byte spans out.

/// One placeholder: byte span in the text and the words around it that made it one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    /// The placeholder with the character that follows it (`x次`), for messages.
    pub shown: String,
}

fn is_x(c: char) -> bool {
    matches!(c, 'x' | 'X' | 'ｘ' | 'Ｘ' | '×')
}

/// What a count or a date is measured in: `x次`, `x余篇`, `×月`.
fn is_measure(c: char) -> bool {
    "次名人个篇期场余份条天项元位件家所处批月日年号周岁万千百".contains(c)
}

/// Words that follow a blanked-out place or organisation name: `x乡`, `x党支部`.
fn is_org(c: char) -> bool {
    "乡镇村县市区省局委党支厅处科室院校同".contains(c)
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// ASCII neighbours that make an x part of a word, a number, a URL or a file name.
fn is_word_like(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-/@:#&=%+\\~".contains(c)
}

/// Every placeholder in `text`, in order. Scans bytes for the first byte of an
/// x (`x`, `X`, and the lead bytes of `ｘ`/`Ｘ` and `×`, which are never inside
/// another character): most texts have few, and this runs over every page.
pub fn find(text: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(off) = bytes[at..].iter().position(|&b| matches!(b, b'x' | b'X' | 0xEF | 0xC3)) {
        let i = at + off;
        let c = text[i..].chars().next().expect("a lead byte starts a character");
        let mut end = i + c.len_utf8();
        if is_x(c) {
            let mut run = 1;
            for d in text[end..].chars().take_while(|&d| is_x(d)) {
                end += d.len_utf8();
                run += 1;
            }
            out.extend(placeholder(text, i..end, run, text[..i].chars().next_back()));
        }
        at = end;
    }
    out
}

/// The run of `run` x's at `span` as a placeholder, when its neighbours make it
/// one (`prev`: the character before it).
fn placeholder(text: &str, span: std::ops::Range<usize>, run: usize, prev: Option<char>) -> Option<Placeholder> {
    let (i, end) = (span.start, span.end);
    let c = text[i..].chars().next()?;
    let after = text[end..].chars().next();
    if prev.is_some_and(is_word_like) || after.is_some_and(is_word_like) {
        return None;
    }
    // A lone × between numbers or spaces is a multiplication sign.
    if run == 1 && c == '×' && (prev.is_some_and(|p| p.is_ascii_digit() || p == ' ') || after.is_some_and(|a| a.is_ascii_digit() || a == ' ')) {
        return None;
    }
    let measured = after.is_some_and(is_measure);
    let named = after.is_some_and(is_org);
    let blanked = run >= 2 && (prev.is_some_and(is_cjk) || after.is_some_and(is_cjk) || text[i..end].chars().all(|ch| ch == '×'));
    (measured || named || blanked).then(|| {
        let shown_end = after.map_or(end, |a| end + a.len_utf8());
        Placeholder { start: i, end, shown: text[i..shown_end].to_string() }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<String> {
        find(text).into_iter().map(|p| p.shown).collect()
    }

    #[test]
    fn finds_the_seed_reports_placeholders() {
        assert_eq!(shown("今年共主持召开x次党委会议专题研究意识形态工作，带头授课x次"), ["x次", "x次"]);
        assert_eq!(shown("推送各类正面宣传x余篇，组建X名志愿者"), ["x余", "X名"]);
        assert_eq!(shown("将意识形态工作专题纳入《x乡2020年度党委中心组理论学习计划》"), ["x乡"]);
        assert_eq!(shown("xxx党支部2020年4月14日"), ["xxx党"]);
        assert_eq!(shown("×××委员会 2020 年×月"), ["×××委", "×月"]);
        assert_eq!(shown("报送XX。"), ["XX。"]);
        let p = &find("召开x次")[0];
        assert_eq!((p.start, p.end), (6, 7), "byte span of the x itself");
    }

    #[test]
    fn leaves_words_numbers_links_and_multiplication_alone() {
        for ok in
            ["拍摄X光片", "尺码XXL", "见 https://x.com/a 和 xxx.docx", "3×4 的表格，2 × 3", "Linux 系统", "zhiweihui = \"x\"", "第1党支部召开3次", "x = 1"]
        {
            assert!(find(ok).is_empty(), "{ok}: {:?}", find(ok));
        }
    }

    /// The character-by-character scan `find` replaced (the character before a run
    /// carried along): `find` must find the same runs.
    fn by_chars(text: &str) -> Vec<Placeholder> {
        let mut out = Vec::new();
        let mut iter = text.char_indices().peekable();
        let mut before: Option<char> = None;
        while let Some((i, c)) = iter.next() {
            if !is_x(c) {
                before = Some(c);
                continue;
            }
            let mut end = i + c.len_utf8();
            let mut run = 1;
            let mut last = c;
            while let Some(&(j, d)) = iter.peek() {
                if !is_x(d) {
                    break;
                }
                iter.next();
                end = j + d.len_utf8();
                run += 1;
                last = d;
            }
            out.extend(placeholder(text, i..end, run, before));
            before = Some(last);
        }
        out
    }

    #[test]
    fn the_byte_scan_finds_what_the_character_scan_found() {
        let alphabet: Vec<char> = "xXｘＸ×次乡党名 3a.中，é".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            seed = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
            assert_eq!(find(&text), by_chars(&text), "{text}");
        }
    }
}
