//! The search vocabulary shared by the configuration check and the index: which
//! characters are Chinese for search, the built-in party-affairs terms, and the
//! limits on a site's own terms (`[search] dictionary`).

/// Party-affairs terms of three or more characters, counted as whole tokens so an
/// exact occurrence ranks above the same characters scattered in a text. (Two-
/// character terms such as 党费 or 党课 are bigrams already.) search.js receives
/// the list in `meta.js`.
pub const DICTIONARY: &[&str] = &[
    "三会一课",
    "主题党日",
    "组织生活会",
    "民主生活会",
    "民主评议",
    "支委会",
    "意识形态",
    "中心组",
    "理论学习中心组",
    "党员大会",
    "党小组会",
    "专题党课",
    "谈心谈话",
    "发展党员",
    "入党积极分子",
    "预备党员",
    "换届选举",
    "党风廉政",
    "志愿服务",
    "主题教育",
    "第一议题",
    "述职评议",
    "组织关系",
    "党务公开",
    "两学一做",
    "责任清单",
    "工作记录",
    "学习计划",
    "党费收缴",
    "党支部",
    "党总支",
    "党小组",
    "共产党员",
    "批评与自我批评",
    "不忘初心",
    "群众路线",
];

/// CJK ideographs, kana, and full-width punctuation.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31BF |
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF |
        0x20000..=0x2FA1F)
}

pub fn is_cjk(c: char) -> bool {
    is_cjk_code(c as u32)
}

#[inline]
pub fn is_cjk_code(c: u32) -> bool {
    matches!(c, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x2ffff | 0x3007)
}

/// Most characters a dictionary term has (the scanner keeps this many).
pub const MAX_TERM_CHARS: usize = 8;
/// Most terms a site may add (`[search] dictionary`).
pub const MAX_SITE_TERMS: usize = 200;
