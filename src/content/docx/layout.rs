//! The 公文 layout of a read document (GB/T 9704): the 红头 (发文机关标志), the
//! 发文字号 line, the title (Title style, else the first centred large paragraph),
//! the 落款 block (signing unit and 成文日期 at the end), and — where a document
//! uses no heading styles, as most 公文 do not — the numbering conventions
//! `一、` `（一）` as headings and `1.` `（1）` as list levels.

use super::dates;
use super::model::*;

/// Paragraphs the layout may move: top-level ones with text, in order.
fn top_paras(doc: &Document) -> Vec<usize> {
    doc.blocks.iter().enumerate().filter(|(_, b)| matches!(b, Block::Para(p) if !p.text().trim().is_empty() && p.role != Role::Omit)).map(|(i, _)| i).collect()
}

fn para(doc: &mut Document, i: usize) -> &mut Para {
    match &mut doc.blocks[i] {
        Block::Para(p) => p,
        Block::Table(_) => unreachable!("top_paras lists paragraphs only"),
    }
}

fn para_ref(doc: &Document, i: usize) -> &Para {
    match &doc.blocks[i] {
        Block::Para(p) => p,
        Block::Table(_) => unreachable!("top_paras lists paragraphs only"),
    }
}

/// Classifies the paragraphs (sets `role`) and returns what it found.
pub fn apply(doc: &mut Document) -> Found {
    let mut found = Found::default();
    let paras = top_paras(doc);
    let body_size = body_size(doc, &paras);

    // 发文字号 in the first lines, and the 红头 above it.
    let head = &paras[..paras.len().min(12)];
    let mut title_from = 0;
    // Above the 文号 line only the 红头 may stand: a few short centred or red lines.
    let mark_like = |p: &Para| p.text().chars().count() <= 40 && (p.align == Align::Center || p.red || p.size > body_size);
    let numbered = head.iter().enumerate().find_map(|(k, &i)| doc_number_line(&para_ref(doc, i).text()).map(|n| (k, n)));
    if let Some((k, number)) = numbered.filter(|(k, _)| *k <= 4 && head[..*k].iter().all(|&i| mark_like(para_ref(doc, i)))) {
        let line = para_ref(doc, head[k]).line;
        found.doc_number = Some((number, line));
        para(doc, head[k]).role = Role::Omit;
        let marks: Vec<String> = head[..k].iter().map(|&i| para_ref(doc, i).text()).collect();
        for &i in &head[..k] {
            para(doc, i).role = Role::Omit;
        }
        if let Some(first) = head[..k].first() {
            let joined = marks.iter().map(|m| m.trim()).collect::<Vec<_>>().join(" ");
            let issuer = joined.trim_end_matches("文件").trim().to_string();
            if !issuer.is_empty() {
                found.issuer = Some((issuer, para_ref(doc, *first).line));
            }
        }
        title_from = k + 1;
    }

    found.title = find_title(doc, &paras, title_from, body_size);
    signature(doc, &paras, &mut found);
    headings_and_lists(doc);
    found
}

/// The most common size of long paragraphs: the body text size.
fn body_size(doc: &Document, paras: &[usize]) -> u32 {
    let mut sizes: Vec<(u32, usize)> = Vec::new();
    for &i in paras {
        let p = para_ref(doc, i);
        let n = p.text().chars().count();
        match sizes.iter_mut().find(|(s, _)| *s == p.size) {
            Some((_, c)) => *c += n,
            None => sizes.push((p.size, n)),
        }
    }
    sizes.into_iter().max_by_key(|(s, n)| (*n, *s)).map_or(21, |(s, _)| s)
}

fn find_title(doc: &mut Document, paras: &[usize], from: usize, body_size: u32) -> Option<(String, usize)> {
    let window: Vec<usize> = paras.iter().skip(from).take(8).copied().collect();
    let styled = window.iter().position(|&i| para_ref(doc, i).title_style);
    let start = styled.or_else(|| {
        window.iter().enumerate().position(|(k, &i)| {
            let p = para_ref(doc, i);
            let text = p.text();
            let short = text.chars().count() <= 60;
            let large = p.size > body_size || (p.size >= 32 && p.size >= body_size);
            let bold = all_bold(p);
            p.align == Align::Center && short && dates::only_date(&text).is_none() && (large || bold || k == 0)
        })
    })?;
    let first = para_ref(doc, window[start]);
    let (size, line, by_style) = (first.size, first.line, first.title_style);
    let mut parts = vec![first.text().trim().to_string()];
    para(doc, window[start]).role = Role::Omit;
    // A title broken over two or three centred lines of the same size.
    for &i in window.iter().skip(start + 1).take(2) {
        let p = para_ref(doc, i);
        let same = if by_style { p.title_style } else { p.align == Align::Center && p.size == size };
        let text = p.text();
        if !same || dates::only_date(&text).is_some() || text.starts_with(['（', '(', '—', '-']) || text.chars().count() > 60 {
            break;
        }
        parts.push(text.trim().to_string());
        para(doc, i).role = Role::Omit;
    }
    Some((parts.concat(), line))
}

fn all_bold(p: &Para) -> bool {
    let mut any = false;
    for i in &p.inlines {
        if let Inline::Text(t, f) = i {
            if !t.trim().is_empty() {
                if !f.bold {
                    return false;
                }
                any = true;
            }
        }
    }
    any
}

/// The 落款 block: a 成文日期 line among the last paragraphs, and the short
/// unit lines just above it.
fn signature(doc: &mut Document, paras: &[usize], found: &mut Found) {
    let tail: Vec<usize> = paras.iter().rev().filter(|&&i| para_ref(doc, i).role == Role::Body).take(8).copied().collect();
    let Some(k) = tail.iter().position(|&i| {
        let t = para_ref(doc, i).text();
        !t.contains("印发") && dates::only_date(&t).is_some()
    }) else {
        return;
    };
    let date_para = tail[k];
    let date = dates::only_date(&para_ref(doc, date_para).text()).expect("checked");
    found.signed = Some((date, para_ref(doc, date_para).line));
    para(doc, date_para).role = Role::Signature;
    let mut units: Vec<(String, usize)> = Vec::new();
    for &i in tail.iter().skip(k + 1).take(2) {
        let p = para_ref(doc, i);
        let text = p.text().trim().to_string();
        let plain = !text.chars().any(|c| "。，；：！？,;:!?".contains(c)) && text.chars().count() <= 30;
        let placed = matches!(p.align, Align::Right | Align::Center) || p.indented || para_ref(doc, date_para).align == Align::Right;
        if !plain || !placed || p.label.is_some() || convention(&text).is_some() {
            break;
        }
        units.push((text, p.line));
        para(doc, i).role = Role::Signature;
    }
    if let Some((_, line)) = units.last() {
        let names: Vec<String> = units.iter().rev().map(|(t, _)| t.clone()).collect();
        found.issuer = Some((names.join(" "), *line));
    }
}

/// The 发文字号 on a line of its own (a 签发人 may share it): `财机党发〔2024〕3号`.
fn doc_number_line(text: &str) -> Option<String> {
    let t = text.trim();
    let number = find_doc_number(t)?;
    let rest = t.replace(&number, "");
    let rest = rest.split("签发人").next().unwrap_or("").trim();
    (rest.chars().count() <= 4).then_some(number)
}

/// A 发文字号 inside `text`: an abbreviation, a year in 〔〕 (or [] （） 【】), a number and 号.
pub fn find_doc_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '〔' | '[' | '［' | '（' | '(' | '【') {
            continue;
        }
        let Some(prefix_start) = (0..i).rev().take_while(|&j| is_abbrev(chars[j])).last() else { continue };
        let year: String = chars.get(i + 1..i + 5)?.iter().collect();
        if !year.chars().all(|c| c.is_ascii_digit()) || !matches!(chars.get(i + 5), Some('〕' | ']' | '］' | '）' | ')' | '】')) {
            continue;
        }
        let mut j = i + 6;
        while chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        if j == i + 6 || chars.get(j) != Some(&'号') {
            continue;
        }
        return Some(chars[prefix_start..=j].iter().collect());
    }
    None
}

fn is_abbrev(c: char) -> bool {
    crate::content::vocabulary::is_wide(c) && !"，。；：、（）〔〕“”".contains(c) || c.is_ascii_alphabetic()
}

/// The level a numbering convention gives a paragraph's text: 1 `一、`, 2 `（一）`,
/// 3 `1.`, 4 `（1）` / `①`.
pub fn convention(text: &str) -> Option<u8> {
    let t = text.trim_start();
    let chars: Vec<char> = t.chars().take(8).collect();
    let cn = |c: char| "一二三四五六七八九十百".contains(c);
    let n_cn = chars.iter().take_while(|c| cn(**c)).count();
    if n_cn > 0 && chars.get(n_cn) == Some(&'、') {
        return Some(1);
    }
    if chars.first() == Some(&'第') {
        let n = chars[1..].iter().take_while(|c| cn(**c)).count();
        if n > 0 {
            match chars.get(1 + n) {
                Some('章' | '部' | '编') => return Some(1),
                Some('节') => return Some(2),
                _ => {}
            }
        }
    }
    let open = |c: Option<&char>| matches!(c, Some('（' | '('));
    let close = |c: Option<&char>| matches!(c, Some('）' | ')'));
    if open(chars.first()) {
        let n = chars[1..].iter().take_while(|c| cn(**c)).count();
        if n > 0 && close(chars.get(1 + n)) {
            return Some(2);
        }
        let d = chars[1..].iter().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(*c)).count();
        if (1..=3).contains(&d) && close(chars.get(1 + d)) {
            return Some(4);
        }
    }
    let d = chars.iter().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(*c)).count();
    if (1..=3).contains(&d) && matches!(chars.get(d), Some('.' | '．' | '、')) && !chars.get(d + 1).is_some_and(|c| c.is_ascii_digit()) {
        return Some(3);
    }
    if chars.first().is_some_and(|c| ('①'..='⑳').contains(c)) {
        return Some(4);
    }
    None
}

/// A line short enough to be a heading: one phrase, not a paragraph of prose.
fn heading_like(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['。', '：', ':']);
    t.chars().count() <= 40 && !t.contains('。') && !t.contains('；')
}

fn headings_and_lists(doc: &mut Document) {
    let styled = doc.styled_headings;
    for b in doc.blocks.iter_mut() {
        let Block::Para(p) = b else { continue };
        if p.role != Role::Body {
            continue;
        }
        let text = p.text();
        if let Some(level) = p.heading {
            p.role = Role::Heading((level + 1).min(6));
            continue;
        }
        if p.title_style {
            p.role = Role::Heading(2);
            continue;
        }
        if p.bullet {
            p.role = Role::Item { ordered: false, level: p.num_level.min(3) };
            continue;
        }
        match convention(&text) {
            Some(1) if !styled && heading_like(&text) => p.role = Role::Heading(2),
            Some(2) if !styled && heading_like(&text) => p.role = Role::Heading(3),
            Some(3) => p.role = Role::Item { ordered: true, level: 0 },
            Some(4) => p.role = Role::Item { ordered: true, level: 1 },
            _ if p.label.is_some() => p.role = Role::Item { ordered: true, level: p.num_level.min(3) },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_numbers() {
        assert_eq!(find_doc_number("财机党发〔2024〕3号").as_deref(), Some("财机党发〔2024〕3号"));
        assert_eq!(find_doc_number("党委[2023]12号").as_deref(), Some("党委[2023]12号"));
        assert_eq!(find_doc_number("〔2023〕12号"), None);
        assert_eq!(doc_number_line("财机党发〔2024〕3号　　　　签发人：张三").as_deref(), Some("财机党发〔2024〕3号"));
        assert_eq!(doc_number_line("根据财机党发〔2024〕3号文件精神，现将有关事项通知如下"), None);
        assert_eq!(find_doc_number("2024年3月"), None);
    }

    #[test]
    fn numbering_conventions() {
        let got: Vec<Option<u8>> = [
            "一、总体要求",
            "十二、其他",
            "（一）工作目标",
            "(三)把握导向",
            "1.制定计划",
            "12、落实",
            "（1）按时",
            "①第一",
            "1.5万元",
            "第一章 总则",
            "第二节 细则",
            "一是丰富载体",
            "正文",
        ]
        .iter()
        .map(|t| convention(t))
        .collect();
        assert_eq!(got, [Some(1), Some(1), Some(2), Some(2), Some(3), Some(3), Some(4), Some(4), None, Some(1), Some(2), None, None]);
    }

    #[test]
    fn headings_are_short() {
        assert!(heading_like("一、党建工作部署责任"));
        assert!(!heading_like("（一）把握导向，严格舆情管控。对群众关注的一些重大问题进行研判。"));
    }
}
