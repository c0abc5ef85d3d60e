//! Parser messages (serde, the `toml` crate, libyaml through serde_norway) in
//! plain Chinese with a hint. Every known message is translated; an unknown one
//! still gets a Chinese sentence (the parser's own words are kept by callers as a
//! diagnostic's detail, shown with `--format json`). `line_hint` says what to write
//! for the key and value of the line an error is on.

use super::front_matter_keys::{self as keys, PAGE_KEYS, UNIT_KEYS};

/// TOML parser messages, matched as prefixes of the message's first line
/// (unquoted and duplicate keys have their own answers in `explain`).
const TOML: &[(&str, &str)] = &[
    ("key with no value", "这个键后面缺少 = 和值"),
    ("missing value", "= 后面缺少值"),
    ("missing assignment between key-value pairs", "两个设置项写在了同一行，每项要单独一行"),
    ("extra assignment between key-value pairs", "一行里多了一个 ="),
    ("extra `=`", "多了一个 ="),
    ("expected `.`, `=`", "键名后面应是 =（或点号连接的下一级键名）"),
    ("key-value separator", "键名后面应是 ="),
    ("invalid basic string", "文字的写法不对：英文双引号要成对，里面的 \\ 和 \" 要写成 \\\\ 和 \\\""),
    ("invalid string", "文字的写法不对：英文双引号要成对"),
    ("invalid literal string", "单引号文字的写法不对：单引号要成对"),
    ("invalid multi-line basic string", "多行文字（三个双引号）没有正确结束"),
    ("invalid multi-line literal string", "多行文字（三个单引号）没有正确结束"),
    ("missing opening quote", "文字前面缺少英文双引号"),
    ("missing escaped value", "反斜杠 \\ 后面缺少字符（要写成 \\\\）"),
    ("unclosed array table", "[[表名]] 缺少右边的 ]]"),
    ("unclosed table", "[表名] 缺少右边的 ]"),
    ("unclosed array", "列表缺少右边的 ]"),
    ("unclosed inline table", "内联表缺少右边的 }"),
    ("missing comma between array elements", "列表中两项之间缺少英文逗号"),
    ("missing comma between key-value pairs", "内联表中两项之间缺少英文逗号"),
    ("extra comma in array", "列表中多了一个逗号"),
    ("extra comma in inline table", "内联表中多了一个逗号"),
    ("invalid inline table element", "内联表 { } 里的写法不对"),
    ("missing key for inline table element", "内联表 { } 里缺少键名"),
    ("invalid date-time", "日期或时间的写法不对"),
    ("invalid integer number", "整数的写法不对"),
    ("invalid float", "小数的写法不对"),
    ("invalid boolean", "真假值只能写 true 或 false"),
    ("invalid value", "值的写法不对"),
    ("invalid key", "键名的写法不对"),
    ("invalid table", "表头 [ ] 的写法不对"),
    ("invalid comment character", "注释里有不允许的控制字符"),
    ("expected newline", "一行只能写一个设置项"),
    ("keys cannot be multi-line", "键名不能用三个引号的多行文字"),
];

/// libyaml (scanner and parser) messages, matched as substrings.
const YAML: &[(&str, &str)] = &[
    ("mapping values are not allowed in this context", "这里不能再写“键: 值”：多半是值里有冒号（要用英文双引号括起来）或缩进不对"),
    ("block sequence entries are not allowed in this context", "这里不能写列表项（- 开头），检查缩进"),
    ("mapping keys are not allowed in this context", "这里不能写键名，检查缩进"),
    ("could not find expected ':'", "键名后面缺少冒号（键: 值）"),
    ("did not find expected key", "缩进不对，或某一行缺少“键: 值”中的冒号"),
    ("did not find expected node content", "冒号后面缺少值"),
    ("did not find expected '-' indicator", "列表各项要以 - 开头并对齐"),
    ("did not find expected ',' or ']'", "列表 [ ] 中缺少逗号或右边的 ]"),
    ("did not find expected ',' or '}'", "{ } 中缺少逗号或右边的 }"),
    ("did not find expected comment or line break", "值后面多了内容：有空格的值要用英文双引号括起来"),
    ("found character that cannot start any token", "有不能出现在这里的字符（如 @、`、%），请把这个值用英文双引号括起来"),
    ("found a tab character", "缩进用了 Tab 键，YAML 只能用空格缩进"),
    ("found unexpected end of stream", "文字没有结束：引号没有成对"),
    ("found unknown escape character", "双引号文字中的反斜杠 \\ 要写成 \\\\"),
    ("found unexpected ':'", "这里多了一个冒号，值里有冒号时要用英文双引号括起来"),
    ("found undefined alias", "用到了没有定义的 * 引用"),
    ("found duplicate anchor", "& 锚点名重复"),
    ("found undefined tag handle", "不认识的 ! 标记"),
    ("found unexpected document indicator", "这里不能写 --- 或 ..."),
    ("found an incorrect leading UTF-8 octet", "文件中有无法识别的字符（编码不对）"),
    ("found an incorrect trailing UTF-8 octet", "文件中有无法识别的字符（编码不对）"),
    ("control characters are not allowed", "有不可见的控制字符，删除后重新输入这一行"),
    ("duplicate entry", "有重复的设置项"),
    ("recursion limit exceeded", "嵌套层数太多"),
    ("while scanning a quoted scalar", "引号文字没有正确结束：引号要成对"),
    ("while scanning a plain scalar", "值的写法不对：有特殊字符的值要用英文双引号括起来"),
    ("while parsing a flow", "[ ] 或 { } 的写法不对：检查逗号和括号是否成对"),
    ("while parsing a block", "缩进不对：同一级的设置项要左对齐，只用空格缩进"),
];

/// serde's messages about a value's type or fields, in both languages' parsers.
fn serde_message(raw: &str) -> Option<(String, String)> {
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        let want = match expected {
            e if e.contains("string") => "文字（用英文双引号括起来）",
            e if e.contains("bool") => "true 或 false",
            e if e.contains("integer") || e.contains("usize") || e.contains("i64") || e.contains("u32") => "整数",
            e if e.contains("sequence") => "列表，例如 [\"甲\", \"乙\"]",
            e if e.contains("map") => "表（键值对）",
            e if e.contains("float") || e.contains("f64") => "数字",
            _ => "另一种类型",
        };
        let found = found
            .replace("string ", "文字 ")
            .replace("integer ", "整数 ")
            .replace("floating point ", "小数 ")
            .replace("boolean ", "真假值 ")
            .replace("sequence", "列表")
            .replace("map", "表");
        return Some((format!("类型不对：这里应为{want}，实际写的是 {found}"), "检查这一项的写法；文字要加英文双引号，列表用方括号".into()));
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return Some((format!("缺少必填的设置项 {rest}"), "在这一段里加上它".into()));
    }
    if let Some(rest) = raw.strip_prefix("invalid length ") {
        return Some((format!("列表的项数不对（{rest}）").replace("expected", "应为"), "检查列表里的项数".into()));
    }
    None
}

/// Turns a TOML or YAML (`lang`) parser message into plain Chinese with a hint.
pub fn explain(raw: &str, lang: &str) -> (String, Option<String>) {
    let raw = raw.trim();
    let first = raw.lines().next().unwrap_or(raw).trim();
    if raw.contains("日期") {
        return (first.to_string(), Some(super::date::hint_for(first).to_string()));
    }
    if let Some((message, hint)) = serde_message(first) {
        return (message, Some(hint));
    }
    let syntax_hint = match lang {
        "TOML" => "TOML 的写法是 键 = 值，文字要用英文双引号括起来，例如 title = \"关于……的通知\"",
        _ => "YAML 的写法是 键: 值（冒号后有一个空格），缩进只能用空格",
    };
    if first.starts_with("invalid unquoted key") {
        return (
            format!("{lang} 格式错误：键名含有中文、空格或符号，需要加英文双引号"),
            Some("例如 \"学生\" = 0.2、\"支部委员会会议\" = 3；只由英文字母、数字、-、_ 组成的键名不用加引号".into()),
        );
    }
    if first.starts_with("duplicate key") {
        let key = first.split('`').nth(1).map(|k| format!("“{k}”")).unwrap_or_default();
        return (format!("{lang} 中有重复的设置项{key}"), Some("同一个键只能写一次，删除多余的那一行".into()));
    }
    let table = if lang == "TOML" { TOML } else { YAML };
    let known = table.iter().find(|(en, _)| if lang == "TOML" { first.starts_with(en) } else { raw.contains(en) });
    match known {
        Some((_, zh)) => (format!("{lang} 格式错误：{zh}"), Some(syntax_hint.into())),
        // An unknown message: a Chinese sentence (callers keep the parser's words as
        // the diagnostic's detail, shown with `--format json`).
        None => (format!("{lang} 格式错误：这一处的写法无法识别"), Some(syntax_hint.into())),
    }
}

/// A hint about one front matter line (`lang` TOML or YAML): what to write for
/// its key and value, with the officer's own key and value in it.
pub fn line_hint(line: &str, lang: &str) -> String {
    let toml = lang == "TOML";
    let line = line.trim();
    let (sep, seps): (&str, &[char]) = if toml { (" = ", &['=', '＝']) } else { (": ", &[':', '：']) };
    let Some((i, c)) = line.char_indices().find(|(_, c)| seps.contains(c)) else {
        if toml && line.starts_with(['[', '［', '【']) {
            return format!("表头一行只写表名，例如 [counts]；这一行是“{line}”");
        }
        return format!("“{line}”不是设置项的写法：每行写一个“键{sep}值”，例如 title{sep}\"关于……的通知\"；正文要写在结束的分隔行之后");
    };
    let key = line[..i].trim().trim_matches(['"', '\'', '“', '”']);
    let value = line[i + c.len_utf8()..].trim();
    let known = keys::find(PAGE_KEYS, key).or_else(|| keys::find(UNIT_KEYS, key));
    let example = known.map(|k| if toml { k.example.to_string() } else { k.example.replacen(" = ", ": ", 1) });
    let written = |v: &str| format!("{key}{sep}{v}");
    if value.is_empty() {
        return format!("{key} 后面缺少值，例如 {}", example.unwrap_or_else(|| written("\"……\"")));
    }
    if let Some(rest) = value.strip_prefix('"') {
        match rest.rfind('"') {
            None => return format!("值的末尾缺少英文双引号，应写成 {}", written(&format!("\"{rest}\""))),
            Some(end) if rest[..end].contains('"') => {
                let mut open = true;
                let inner: String = rest[..end]
                    .chars()
                    .map(|ch| match ch {
                        '"' => {
                            open = !open;
                            if open {
                                '”'
                            } else {
                                '“'
                            }
                        }
                        ch => ch,
                    })
                    .collect();
                return format!("文字中间的引号要用中文引号“”，应写成 {}", written(&format!("\"{inner}\"")));
            }
            Some(_) => {}
        }
    }
    if value.starts_with('[') && !value.ends_with(']') {
        return format!("列表缺少右边的 ]，要在同一行写完，应写成 {}", written(&format!("{value}]")));
    }
    match (known, example) {
        (Some(k), Some(example)) => format!("{}的写法：{example}", keys::label(k)),
        _ => format!("写成 {}（文字用英文双引号括起来；数字、true、false 不加引号）", written(&format!("\"{}\"", value.trim_matches('"')))),
    }
}

#[cfg(test)]
mod tests {
    use super::{explain, line_hint};

    #[test]
    fn line_hints_name_the_key_and_value() {
        assert_eq!(line_hint("title = \"关于召开", "TOML"), "值的末尾缺少英文双引号，应写成 title = \"关于召开\"");
        assert_eq!(line_hint("title = \"关于\"三会一课\"的通知\" x", "TOML"), "文字中间的引号要用中文引号“”，应写成 title = \"关于“三会一课”的通知\"");
        assert!(line_hint("date = 2024-13-45", "TOML").starts_with("date（日期）的写法：date = 2024-03-15"));
        assert_eq!(line_hint("tags: [党费", "YAML"), "列表缺少右边的 ]，要在同一行写完，应写成 tags: [党费]");
        assert!(line_hint("colour: #f00", "YAML").contains("colour: \"#f00\""));
        assert!(line_hint("正文第一段", "TOML").contains("“正文第一段”不是设置项的写法"));
    }

    fn no_english_message(raw: &str, lang: &str) -> String {
        let (message, hint) = explain(raw, lang);
        for english in ["expected", "found", "invalid", "while", "unclosed", "duplicate", "not allowed"] {
            assert!(!message.contains(english), "{message}");
        }
        assert!(hint.is_some());
        message
    }

    #[test]
    fn yaml_scanner_messages_are_chinese() {
        let m = no_english_message("mapping values are not allowed in this context", "YAML");
        assert!(m.contains("英文双引号"), "{m}");
        let m = no_english_message("did not find expected key while parsing a block mapping", "YAML");
        assert!(m.contains("缩进"), "{m}");
        let m = no_english_message("found character that cannot start any token while scanning for the next token", "YAML");
        assert!(m.contains("特殊") || m.contains("字符"), "{m}");
        let m = no_english_message("found a tab character that violates indentation", "YAML");
        assert!(m.contains("Tab"), "{m}");
    }

    #[test]
    fn toml_messages_are_chinese() {
        assert!(no_english_message("unclosed array", "TOML").contains("]"));
        assert!(no_english_message("invalid basic string", "TOML").contains("双引号"));
        assert!(no_english_message("duplicate key `title`", "TOML").contains("“title”"));
        assert!(no_english_message("invalid type: string \"三\", expected u32", "TOML").contains("整数"));
    }

    #[test]
    fn unknown_messages_are_chinese_without_the_parser_words() {
        let (message, hint) = explain("something new happened", "YAML");
        assert_eq!(message, "YAML 格式错误：这一处的写法无法识别");
        assert!(!hint.unwrap().contains("something"));
    }
}
