//! Front matter text as officers type it, made readable before parsing. Line by
//! line, keeping the line count (so errors keep their lines):
//!
//! - read silently, as documented: Chinese keys without quotes (`标题 = …`, `[统计]`),
//!   text without quotes (`title = 关于……的通知`), dates as written
//!   (`date = 2024年3月5日`, `2024.3.5`, `2024/3/5`), list items without quotes;
//! - read with a warning that names the fix: a full-width `＝`, a `：` or `:` in TOML,
//!   full-width brackets `【counts】`, values in Chinese quotes `“…”`, English
//!   quotes inside a quoted text, `：` or no space after `:` in YAML, tab indents.
//!
//! Anything else is left as written for the parser to report.

use super::date::DateValue;

/// A repair made, with its byte span in the input and what to write instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: String,
}

#[derive(Debug)]
pub struct Repaired {
    /// The text to parse: the input with repaired lines, line for line.
    pub text: String,
    pub fixes: Vec<Fix>,
    /// Per line: start in the input, start in `text`, whether it changed.
    lines: Vec<(usize, usize, bool)>,
}

impl Repaired {
    /// An offset in `text` as an offset in the input (a changed line maps to its start).
    pub fn original_offset(&self, at: usize) -> usize {
        let i = self.lines.partition_point(|l| l.1 <= at).saturating_sub(1);
        match self.lines.get(i) {
            Some(&(orig, new, false)) => orig + (at - new),
            Some(&(orig, _, true)) => orig,
            None => at,
        }
    }
}

/// Whitespace officers type, the full-width space included.
fn blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{3000}'
}

/// Runs `fix_line` over every line; it returns the new line and its repairs
/// (spans relative to the line).
fn repair_lines(src: &str, mut fix_line: impl FnMut(&str) -> Option<(String, Vec<Fix>)>) -> Repaired {
    let mut text = String::with_capacity(src.len() + 16);
    let mut fixes = Vec::new();
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[body.len()..];
        let changed = match fix_line(body) {
            Some((line, line_fixes)) if line != body => {
                lines.push((offset, text.len(), true));
                text.push_str(&line);
                fixes.extend(line_fixes.into_iter().map(|f| Fix { start: offset + f.start, end: offset + f.end, ..f }));
                true
            }
            _ => false,
        };
        if !changed {
            lines.push((offset, text.len(), false));
            text.push_str(body);
        }
        text.push_str(ending);
        offset += raw.len();
    }
    Repaired { text, fixes, lines }
}

// ---- TOML ----

/// Repairs TOML front matter.
pub fn toml(src: &str) -> Repaired {
    let mut multi_line: Option<&'static str> = None;
    let mut depth = 0i32;
    repair_lines(src, |line| {
        if let Some(close) = multi_line {
            if line.contains(close) {
                multi_line = None;
            }
            return None;
        }
        if depth > 0 {
            depth += bracket_balance(line);
            return None;
        }
        let indent = line.len() - line.trim_start_matches(blank).len();
        let rest = line[indent..].trim_end_matches(blank);
        if rest.is_empty() || rest.starts_with('#') {
            return None;
        }
        let (new, fixes) = if rest.starts_with(['[', '［', '【']) { toml_header(rest, indent)? } else { toml_key_value(rest, indent)? };
        let value = new.split_once('=').map_or("", |(_, v)| v.trim_start());
        for delim in ["\"\"\"", "'''"] {
            if value.starts_with(delim) && value.matches(delim).count() == 1 {
                multi_line = Some(delim);
            }
        }
        if value.starts_with(['[', '{']) {
            depth = bracket_balance(value).max(0);
        }
        Some((format!("{}{new}", &line[..indent]), fixes))
    })
}

/// `[统计]` → `["统计"]`, `【counts】` → `[counts]` (with a warning).
fn toml_header(rest: &str, indent: usize) -> Option<(String, Vec<Fix>)> {
    let mut fixes = Vec::new();
    let normalised: String = rest
        .chars()
        .map(|c| match c {
            '［' | '【' => '[',
            '］' | '】' => ']',
            c => c,
        })
        .collect();
    if normalised != rest {
        let message = "表头用了全角括号，已按 [ ] 读取".to_string();
        fixes.push(Fix { start: indent, end: indent + rest.len(), message, hint: format!("改成英文方括号：{normalised}") });
    }
    let double = normalised.starts_with("[[");
    let open = if double { 2 } else { 1 };
    let close = normalised.rfind(if double { "]]" } else { "]" })?;
    if close < open {
        return None;
    }
    let name = dotted_key(normalised[open..close].trim_matches(blank));
    let after = &normalised[close + open..];
    let brackets = if double { ("[[", "]]") } else { ("[", "]") };
    Some((format!("{}{name}{}{after}", brackets.0, brackets.1), fixes))
}

fn toml_key_value(rest: &str, indent: usize) -> Option<(String, Vec<Fix>)> {
    let mut fixes = Vec::new();
    let (sep_at, sep) = separator(rest, &['=', '＝']).or_else(|| separator(rest, &['：', ':']).filter(|(i, _)| plausible_key(&rest[..*i])))?;
    let key_text = rest[..sep_at].trim_matches(blank);
    if key_text.is_empty() {
        return None;
    }
    let value_text = rest[sep_at + sep.len_utf8()..].trim_matches(blank);
    if sep != '=' {
        let shown = format!("{key_text} = {value_text}");
        let message = if sep == '＝' {
            "等号是全角的“＝”，已按英文的 = 读取".to_string()
        } else {
            format!("键和值之间写成了“{sep}”，TOML 要用 =，已按 = 读取")
        };
        fixes.push(Fix { start: indent + sep_at, end: indent + sep_at + sep.len_utf8(), message, hint: format!("改成：{shown}") });
    }
    let key = dotted_key(key_text);
    let value_at = indent + rest.len() - rest[sep_at + sep.len_utf8()..].trim_start_matches(blank).len();
    let value = match toml_value(value_text) {
        Some((v, Some(message))) => {
            let hint = format!("改成：{key_text} = {v}");
            fixes.push(Fix { start: value_at, end: value_at + value_text.len(), message, hint });
            v
        }
        Some((v, None)) => v,
        None => value_text.to_string(),
    };
    Some((format!("{key} = {value}"), fixes))
}

/// The first separator of `seps` outside quotes: its byte index and the character.
fn separator(s: &str, seps: &[char]) -> Option<(usize, char)> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q || (q == '“' && c == '”') => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '“' => quote = Some(c),
            None if seps.contains(&c) => return Some((i, c)),
            None if c == '#' => return None,
            None => {}
        }
    }
    None
}

/// A key before a `:`: one word, or a quoted one (not `2024-03-05 09` of a time).
fn plausible_key(s: &str) -> bool {
    let t = s.trim_matches(blank);
    !t.is_empty() && !t.contains(blank) && !t.starts_with(|c: char| c.is_ascii_digit())
}

/// A key TOML can read: bare ASCII parts kept, every other part quoted.
fn dotted_key(k: &str) -> String {
    if k.starts_with(['"', '\'']) {
        return k.to_string();
    }
    let k = k.trim_matches(['“', '”', '‘', '’']);
    k.split('.')
        .map(|part| part.trim_matches(blank))
        .map(|part| if is_bare(part) { part.to_string() } else { basic_string(part) })
        .collect::<Vec<_>>()
        .join(".")
}

fn is_bare(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `"…"` with `\` and `"` escaped.
fn basic_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether `value` is a TOML value as written (the common forms without a parse).
fn toml_ok(value: &str) -> bool {
    super::simple_toml::value(value).is_some() || toml::from_str::<toml::Table>(&format!("k = {value}")).is_ok()
}

/// The value as TOML, and a warning when the officer should write it otherwise.
/// `None`: leave it to the parser.
fn toml_value(v: &str) -> Option<(String, Option<String>)> {
    let first = v.chars().next()?;
    if v.starts_with("\"\"\"") || v.starts_with("'''") || first == '{' {
        return None;
    }
    if first == '"' || first == '\'' {
        return quoted_with_inner_quotes(v);
    }
    if let Some(close) = closing_quote(first) {
        let (inner, after) = v[first.len_utf8()..].rsplit_once(|c| close.contains(&c))?;
        let after = after.trim_matches(blank);
        if !after.is_empty() && !after.starts_with('#') {
            return None;
        }
        let message = "值两边用了中文引号“”，已按英文双引号读取".to_string();
        return Some((basic_string(inner), Some(message)));
    }
    if first == '[' {
        return list(v);
    }
    let bare = v.split(" #").next().unwrap_or(v).trim_matches(blank);
    if toml_ok(bare) {
        return None;
    }
    let digits = half_width_digits(bare);
    if digits != bare && toml_ok(&digits) {
        return Some((digits, Some("数字是全角的，已按半角读取".into())));
    }
    // A date as written (`2024年3月5日`, `2024.3.5`) or text without quotes: text.
    let text = if DateValue::parse(&digits).is_some() { digits } else { bare.to_string() };
    Some((basic_string(&text), None))
}

/// The closing quotes of a Chinese (or full-width) opening quote.
fn closing_quote(open: char) -> Option<&'static [char]> {
    match open {
        '“' | '”' => Some(&['”', '“']),
        '‘' | '’' => Some(&['’', '‘']),
        '「' => Some(&['」']),
        '『' => Some(&['』']),
        '＂' => Some(&['＂']),
        _ => None,
    }
}

/// `"关于"三会一课"的通知"`: English quotes inside English quotes, read as text.
fn quoted_with_inner_quotes(v: &str) -> Option<(String, Option<String>)> {
    if toml_ok(v) || !v.starts_with('"') {
        return None;
    }
    let end = v.rfind('"').filter(|&e| e > 0)?;
    let after = v[end + 1..].trim_matches(blank);
    if !after.is_empty() && !after.starts_with('#') {
        return None;
    }
    let inner = &v[1..end];
    if !inner.contains('"') || inner.contains('\\') {
        return None;
    }
    Some((basic_string(inner), Some("文字里面又有英文双引号，已把里面的引号当作文字".into())))
}

/// A one-line list: items quoted, Chinese quotes and commas accepted.
fn list(v: &str) -> Option<(String, Option<String>)> {
    if toml_ok(v) {
        return None;
    }
    let inner = v.strip_prefix('[')?.trim_end_matches(blank).strip_suffix(']')?;
    if inner.contains(['[', '{']) {
        return None;
    }
    let chinese = inner.contains(['，', '、', '“', '”', '‘', '’']);
    let items: Vec<String> = inner
        .split([',', '，', '、'])
        .map(|i| i.trim_matches(blank).trim_matches(['"', '\'', '“', '”', '‘', '’']))
        .filter(|i| !i.is_empty())
        .map(basic_string)
        .collect();
    let fixed = format!("[{}]", items.join(", "));
    let message = chinese.then(|| "列表里用了中文引号或中文逗号，已按英文读取".to_string());
    Some((fixed, message))
}

/// Full-width digits and punctuation of numbers (`２０２４－０３－０５`) as ASCII.
fn half_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' => '-',
            '．' => '.',
            '／' => '/',
            '：' => ':',
            c => c,
        })
        .collect()
}

/// Open minus closed brackets outside strings.
fn bracket_balance(s: &str) -> i32 {
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => n += 1,
                ']' | '}' => n -= 1,
                '#' => break,
                _ => {}
            },
        }
    }
    n
}

// ---- YAML ----

/// Repairs YAML front matter.
pub fn yaml(src: &str) -> Repaired {
    let mut block: Option<usize> = None;
    repair_lines(src, |line| {
        let indent_chars = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(min) = block {
            if line.trim().is_empty() || indent_chars > min {
                return None;
            }
            block = None;
        }
        let mut fixes = Vec::new();
        let indent = &line[..indent_chars];
        let mut out = String::new();
        if indent.contains('\t') {
            out.push_str(&indent.replace('\t', "  "));
            fixes.push(Fix {
                start: 0,
                end: indent_chars,
                message: "缩进用了 Tab 键，已按空格读取".into(),
                hint: "YAML 只能用空格缩进：把行首的 Tab 换成空格".into(),
            });
        } else {
            out.push_str(indent);
        }
        let mut rest = &line[indent_chars..];
        if let Some(item) = rest.strip_prefix("- ") {
            out.push_str("- ");
            rest = item;
        }
        let at = line.len() - rest.len();
        if rest.starts_with('#') || rest.is_empty() {
            return (!fixes.is_empty()).then(|| (format!("{out}{rest}"), fixes));
        }
        match separator(rest, &['：', ':']).filter(|(i, _)| plausible_key(&rest[..*i])) {
            Some((i, sep)) => {
                let key = rest[..i].trim_end_matches(blank);
                let after = &rest[i + sep.len_utf8()..];
                let value = after.trim_matches(blank);
                let spaced = after.is_empty() || after.starts_with(blank);
                if sep == '：' || !spaced {
                    let message = if sep == '：' {
                        "冒号是全角的“：”，已按英文的 : 读取"
                    } else {
                        "冒号后面缺少空格，已按“键: 值”读取"
                    };
                    fixes.push(Fix { start: at + i, end: at + i + sep.len_utf8(), message: message.into(), hint: format!("改成：{key}: {value}") });
                }
                if value.starts_with(['|', '>']) {
                    block = Some(indent_chars);
                }
                out.push_str(key);
                out.push(':');
                if !value.is_empty() {
                    out.push(' ');
                    out.push_str(&yaml_value(value, at + rest.len() - after.trim_start_matches(blank).len(), key, &mut fixes));
                }
            }
            None => out.push_str(&yaml_value(rest, at, "", &mut fixes)),
        }
        (!fixes.is_empty()).then_some((out, fixes))
    })
}

/// A YAML value in Chinese quotes (`“关于……”`) as a double-quoted string.
fn yaml_value(v: &str, at: usize, key: &str, fixes: &mut Vec<Fix>) -> String {
    let Some(close) = v.chars().next().and_then(closing_quote) else { return v.to_string() };
    let open = v.chars().next().map_or(0, char::len_utf8);
    match v[open..].rsplit_once(|c| close.contains(&c)) {
        Some((inner, after)) if after.trim_matches(blank).is_empty() && !inner.contains(['“', '”']) => {
            let fixed = basic_string(inner);
            let hint = if key.is_empty() { format!("改成英文双引号：{fixed}") } else { format!("改成：{key}: {fixed}") };
            fixes.push(Fix { start: at, end: at + v.len(), message: "值两边用了中文引号“”，已按英文双引号读取".into(), hint });
            fixed
        }
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(src: &str) -> (String, Vec<String>) {
        let r = toml(src);
        (r.text, r.fixes.into_iter().map(|f| f.message).collect())
    }

    #[test]
    fn toml_as_officers_type_it() {
        let (text, fixes) = t("标题 = 关于召开组织生活会的通知\ndate = 2024年3月5日\nupdated = 2024.3.5\n[统计]\n支委会 = 3\n");
        assert_eq!(text, "\"标题\" = \"关于召开组织生活会的通知\"\ndate = \"2024年3月5日\"\nupdated = \"2024.3.5\"\n[\"统计\"]\n\"支委会\" = 3\n");
        assert!(fixes.is_empty(), "{fixes:?}");
        let (text, fixes) = t("title ＝ “关于“三会一课”的通知”\nkind: \"notice\"\ntags = [“党费”，“三会一课”]\n【counts】\n");
        assert_eq!(text, "title = \"关于“三会一课”的通知\"\nkind = \"notice\"\ntags = [\"党费\", \"三会一课\"]\n[counts]\n");
        assert_eq!(fixes.len(), 5, "{fixes:?}");
        let (text, _) = t("title = \"关于\"三会一课\"的通知\"\n");
        assert_eq!(text, "title = \"关于\\\"三会一课\\\"的通知\"\n");
    }

    #[test]
    fn valid_toml_is_left_alone() {
        let src = "title = \"a # b\" # 注释\nweight = 3\nd = 2024-03-05T09:30:00\nx = 1.5\nt = { a = 1 }\nl = [\n  \"a\",\n  3,\n]\ns = \"\"\"\n标题 = 不是键\n\"\"\"\n[[sessions]]\n";
        let r = toml(src);
        assert_eq!(r.text, src);
        assert!(r.fixes.is_empty());
    }

    #[test]
    fn offsets_map_back_to_the_input() {
        let src = "a = 1\n标题 = 通知\nb = 2\n";
        let r = toml(src);
        let b = r.text.find("b =").unwrap();
        assert_eq!(r.original_offset(b + 2), src.find("b =").unwrap() + 2, "an unchanged line maps exactly");
        let fixed = r.text.find("通知").unwrap();
        assert_eq!(r.original_offset(fixed), src.find("标题").unwrap(), "a changed line maps to its start");
    }

    #[test]
    fn yaml_as_officers_type_it() {
        let r = yaml("title： 标题\ndate:2024-03-05\nkind: “通知”\ntags:\n\t- 党费\nbody: |\n  a：b\n");
        assert_eq!(r.text, "title: 标题\ndate: 2024-03-05\nkind: \"通知\"\ntags:\n  - 党费\nbody: |\n  a：b\n");
        assert_eq!(r.fixes.len(), 4, "{:?}", r.fixes);
        let plain = "title: 关于“三会一课”的通知\nurl: \"http://x\"\n";
        assert_eq!(yaml(plain).text, plain);
    }
}
