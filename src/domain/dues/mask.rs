//! Masked names for public disclosures: the surname stays, the given name becomes `*`s.

/// Two-character surnames (simplified and common traditional forms).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门",
    "万俟", "闻人", "澹台", "公冶", "太史", "申屠", "钟离", "呼延", "第五", "司空", "百里", "东郭", "南门", "羊舌", "微生", "公羊", "梁丘", "左丘", "东门",
    "拓跋", "赫连", "单于", "濮阳", "淳于", "仲孙", "叔孙", "亓官", "司寇", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "谷梁", "段干", "宰父", "夹谷",
    "鲜于", "闾丘", "完颜", "歐陽", "司馬", "諸葛", "東方", "長孫", "尉遲", "軒轅", "令狐", "鍾離", "獨孤", "南宮", "西門", "聞人", "澹臺",
];

/// Separators in transcribed names (阿依古丽·买买提); kept when masking.
const DOTS: &[char] = &['·', '・', '•', '‧'];

/// `张三` → `张*`, `张三丰` → `张**`, `欧阳修` → `欧阳*`, `阿依古丽·买买提` → `阿***·***`,
/// `Zhang San` → `Z********`, `张` → `张*`. Never returns a whole name.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let keep = match COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        Some(s) if chars.len() > 2 && !chars.iter().any(|c| DOTS.contains(c)) => s.chars().count(),
        _ => 1,
    };
    let mut out: String = chars[..keep].iter().collect();
    out.extend(chars[keep..].iter().map(|&c| if DOTS.contains(&c) { c } else { '*' }));
    if chars.len() == 1 {
        out.push('*');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_surname_only() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name(" 李四\u{3000}"), "李*");
    }

    #[test]
    fn compound_surnames_stay_whole() {
        assert_eq!(mask_name("欧阳修"), "欧阳*");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_name("诸葛亮"), "诸葛*");
        assert_eq!(mask_name("司馬光"), "司馬*");
        // Two characters: surname 欧, given name 阳; the name must not survive whole.
        assert_eq!(mask_name("欧阳"), "欧*");
    }

    #[test]
    fn dotted_names_keep_the_first_character_and_the_dots() {
        assert_eq!(mask_name("阿依古丽·买买提"), "阿***·***");
        assert_eq!(mask_name("买买提・艾力"), "买**・**");
    }

    #[test]
    fn short_and_latin_names_never_survive() {
        assert_eq!(mask_name("张"), "张*");
        assert_eq!(mask_name("A"), "A*");
        assert_eq!(mask_name("Zhang San"), "Z********");
        assert_eq!(mask_name("  Li  "), "L*");
        assert_eq!(mask_name("   "), "");
    }
}
