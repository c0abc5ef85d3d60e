//! The front matter keys dwgk reads, in one table: the canonical name, the Chinese
//! names officers write instead, what kind of value it takes, an example and what
//! it means. The parser, its hints and the table in docs/officer-guide.md all come
//! from here (a test compares the guide with this table).

/// What a key's value must be; `front_matter_check` coerces what officers write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text (a number or true/false written without quotes is taken as text).
    Text,
    /// A date, optionally with a time.
    Date,
    /// true / false (是 / 否 too).
    Bool,
    /// A whole number.
    Int,
    /// A list of texts (one text is split at 、，,；;).
    List,
    /// A table: `[counts]`, `[unit]`, `remitted = { … }`.
    Table,
    /// Checked where it is used (`period`, `unit`, `[[sessions]]`…).
    Any,
}

#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    /// Other names accepted for the key, Chinese first.
    pub aliases: &'static [&'static str],
    pub value: ValueKind,
    /// A line as it would be written: `date = 2024-03-15`.
    pub example: &'static str,
    /// What it means, for hints and the guide.
    pub meaning: &'static str,
}

const fn key(name: &'static str, aliases: &'static [&'static str], value: ValueKind, example: &'static str, meaning: &'static str) -> Key {
    Key { name, aliases, value, example, meaning }
}

use ValueKind::*;

/// Keys at the top of a page's (or a section's) front matter.
pub const PAGE_KEYS: &[Key] = &[
    key("title", &["标题", "题目"], Text, "title = \"关于召开组织生活会的通知\"", "标题（必填）"),
    key("date", &["日期", "发布日期", "公开日期", "公开时间", "成文日期"], Date, "date = 2024-03-15", "公开日期，也可写 2024年3月15日、2024.3.15"),
    key("kind", &["类型", "类别"], Text, "kind = \"通知公告\"", "类型：通知公告、责任清单、党费公示、学习计划、工作记录、活动"),
    key("scope", &["公开范围", "范围"], Text, "scope = \"党内公开\"", "公开范围：向社会公开（public）或党内公开（internal）"),
    key("reviewed_by", &["审核人", "审核"], Text, "reviewed_by = \"刘芳\"", "审核人"),
    key("approved_by", &["审批人", "审批", "签发人", "签发"], Text, "approved_by = \"陈志远\"", "审批人"),
    key("doc_number", &["文号", "发文字号"], Text, "doc_number = \"财机党发〔2024〕3号\"", "发文字号"),
    key("issuer", &["发文机关", "发文单位", "落款单位"], Text, "issuer = \"中共某某县财政局机关委员会\"", "发文机关"),
    key("tags", &["标签", "关键词"], List, "tags = [\"三会一课\", \"主题党日\"]", "标签，可写多个"),
    key("description", &["摘要", "简介", "描述"], Text, "description = \"一句话介绍本页内容\"", "摘要（列表和搜索结果中显示）"),
    key("draft", &["草稿"], Bool, "draft = true", "草稿：不发布，只在预览中显示"),
    key("publish_date", &["公示开始", "公示开始日期", "定时发布"], Date, "publish_date = 2024-06-20", "公示期开始：这一天之前不发布"),
    key("expire_date", &["公示结束", "公示结束日期", "公示截止"], Date, "expire_date = 2024-06-26", "公示期结束（含当天）：之后移入归档"),
    key("updated", &["更新日期", "修改日期"], Date, "updated = 2024-03-20", "最后修改日期"),
    key("period", &["统计时段", "时段"], Any, "period = \"2024-Q1\"", "统计时段：2024、2024-H1、2024-Q1、2024-03，也可写 2024年第一季度、2024年3月"),
    key("counts", &["统计", "次数"], Table, "[counts]", "工作记录的次数表：其下每行“要求名称 = 次数”"),
    key("counts_as", &["计入"], List, "counts_as = [\"主题党日\"]", "活动、学习计划计入哪些要求"),
    key("ledger", &["台账"], Text, "ledger = \"dues-2024-q3.xlsx\"", "党费台账文件（与本页放在同一文件夹）"),
    key("table", &["计划表", "表格"], Text, "table = \"学习计划2024.xlsx\"", "学习计划表格文件（与本页放在同一文件夹）"),
    key("sheet", &["工作表"], Text, "sheet = \"Sheet1\"", "台账或计划表中要读的工作表"),
    key("remitted", &["上缴"], Table, "remitted = { amount = 2339.16, date = 2024-10-09, to = \"机关党委\" }", "党费上缴：金额、日期、上缴给谁"),
    key("contact", &["联系人", "联系方式"], Text, "contact = \"组织委员 王敏 0000-0000000\"", "对公示有疑问时的联系人"),
    key("year", &["年度"], Int, "year = 2024", "学习计划的年度"),
    key("sessions", &["学习安排"], Any, "[[sessions]]", "学习计划的每一次学习（date、topic、form、lead、status）"),
    key("rows", &[], Any, "[[rows]]", "直接写在页面里的党费台账行"),
    key("requirements", &["要求"], Any, "[[requirements]]", "责任清单声明的要求（id、name、per、min）"),
    key("unit", &["单位", "所属单位"], Any, "unit = \"diyi\"", "所属单位编号；单位文件夹的 _index.md 里是 [unit] 表"),
    key("weight", &["排序", "顺序"], Int, "weight = 1", "排序：数字小的在前"),
    key("slug", &[], Text, "slug = \"zhutidangri\"", "网址中的名字（默认取文件名）"),
    key("path", &[], Text, "path = \"/about/\"", "完整网址（少用）"),
    key("template", &["模板"], Text, "template = \"page.html\"", "使用的模板"),
    key("taxonomies", &["分类"], Any, "[taxonomies]", "分类（tags 之外的分类，需在 config.toml 中声明）"),
    key("sort_by", &["排序方式"], Text, "sort_by = \"date\"", "栏目中页面的排序：date、weight、title、none"),
    key("paginate_by", &["每页条数"], Int, "paginate_by = 20", "栏目列表每页显示多少条"),
    key("page_template", &["页面模板"], Text, "page_template = \"page.html\"", "栏目中页面使用的模板"),
    key("page_kind", &["页面类型"], Text, "page_kind = \"record\"", "栏目（_index.md）里没有写类型的页面（多为 Word 文件）的类型"),
    key("page_scope", &["页面公开范围"], Text, "page_scope = \"internal\"", "栏目（_index.md）里没有写公开范围的页面的公开范围"),
    key("meeting", &["会议名称", "会议类型"], Text, "meeting = \"支委会\"", "会议记录计入哪项要求（要求的编号、名称或别名）"),
    key("discloses", &["公开事项"], List, "discloses = [\"dangfei\"]", "本页公开的党务公开目录事项（编号、名称或别名）"),
    key("report", &["报告"], Text, "report = \"情况报告\"", "在本页生成的报告草稿"),
    key("catalogue", &["公开目录"], Any, "[[catalogue]]", "党务公开目录事项（单位的 _index.md 或责任清单上）"),
    key("extra", &["其他", "自定义"], Table, "[extra]", "自定义的值，模板中用 page.extra 读取"),
];

/// Keys of the `[unit]` table of a unit folder's `_index.md`.
pub const UNIT_KEYS: &[Key] = &[
    key("kind", &["类型", "组织类型", "单位类型"], Text, "kind = \"党支部\"", "单位类型：党委、党总支、党支部等"),
    key("secretary", &["书记"], Text, "secretary = \"张三\"", "书记"),
    key("members", &["党员人数", "人数"], Int, "members = 23", "党员人数"),
    key("id", &["编号"], Text, "id = \"diyi\"", "单位编号（默认取文件夹名）"),
];

/// The key `written` names in `keys`: its name, an alias, or either in another
/// letter case or with surrounding blanks.
pub fn find<'a>(keys: &'a [Key], written: &str) -> Option<&'a Key> {
    let w = written.trim_matches(|c: char| c.is_whitespace());
    keys.iter().find(|k| k.name.eq_ignore_ascii_case(w) || k.aliases.contains(&w))
}

/// Every accepted spelling of `keys`, for did-you-mean hints.
pub fn spellings(keys: &[Key]) -> impl Iterator<Item = &'static str> + '_ {
    keys.iter().flat_map(|k| std::iter::once(k.name).chain(k.aliases.iter().copied()))
}

/// The key `written` is a near miss of (`data` → `date`, `reviewd_by` →
/// `reviewed_by`), and the spelling it is closest to. English spellings only:
/// Chinese is typed by word, so a Chinese key one character off is another word
/// (主题 is not 标题), and the synonyms are aliases.
pub fn near_miss<'a>(keys: &'a [Key], written: &str) -> Option<(&'a Key, &'static str)> {
    let lower = written.trim().to_lowercase();
    if !lower.is_ascii() {
        return None;
    }
    let spelling = crate::diag::did_you_mean(&lower, spellings(keys).filter(|s| s.is_ascii()))?;
    find(keys, spelling).map(|k| (k, spelling))
}

/// `date（日期）`: the key with its first Chinese name, for messages.
pub fn label(k: &Key) -> String {
    match k.aliases.first() {
        Some(zh) => format!("{}（{zh}）", k.name),
        None => k.name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_per_table() {
        for keys in [PAGE_KEYS, UNIT_KEYS] {
            let mut all: Vec<&str> = spellings(keys).collect();
            let n = all.len();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), n, "a spelling is used twice");
        }
    }

    #[test]
    fn finds_aliases_and_near_misses() {
        assert_eq!(find(PAGE_KEYS, "日期").map(|k| k.name), Some("date"));
        assert_eq!(find(PAGE_KEYS, "Title").map(|k| k.name), Some("title"));
        assert_eq!(find(UNIT_KEYS, "书记").map(|k| k.name), Some("secretary"));
        for (typo, want) in [("data", "date"), ("reviewd_by", "reviewed_by"), ("aproved_by", "approved_by"), ("titel", "title"), ("tag", "tags")] {
            assert_eq!(near_miss(PAGE_KEYS, typo).map(|(k, _)| k.name), Some(want), "{typo}");
        }
        for unrelated in ["colour", "author", "dangke", "支委会", "zhiweihui", "主题", "日起"] {
            assert!(near_miss(PAGE_KEYS, unrelated).is_none(), "{unrelated}");
        }
    }

    /// docs/officer-guide.md lists the same keys with the same Chinese names, so
    /// the guide and the parser cannot drift apart.
    #[test]
    fn the_officer_guide_lists_this_table() {
        let guide = include_str!("../../docs/officer-guide.md");
        for (heading, keys) in [("<!-- keys:page -->", PAGE_KEYS), ("<!-- keys:unit -->", UNIT_KEYS)] {
            let start = guide.find(heading).unwrap_or_else(|| panic!("officer-guide.md lacks {heading}"));
            let rows: Vec<Vec<String>> = guide[start..]
                .lines()
                .skip(1)
                .skip_while(|l| !l.starts_with('|'))
                .take_while(|l| l.starts_with('|'))
                .skip(2)
                .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_string()).collect())
                .collect();
            let documented: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
            let code: Vec<(String, String)> = keys.iter().map(|k| (k.name.to_string(), k.aliases.join("、"))).collect();
            assert_eq!(documented, code, "the table after {heading} in docs/officer-guide.md differs from front_matter_keys.rs");
        }
    }
}
