//! The files of the site `dwgk init` writes: one of everything an officer keeps —
//! notices (one typed as in Notepad: lines, a pasted table, the 落款), a unit with
//! the branch preset, a checklist, a record and an activity of this month, a study
//! plan with a session done, and a dues disclosure with its ledger — dated around
//! the day it is made, so `dwgk report` has something to show from the first day.

use chrono::{Datelike, NaiveDate};

/// (path in the new site, text) for a site made on `today`.
pub fn files(today: NaiveDate) -> Vec<(String, String)> {
    let y = today.year();
    let m = today.month();
    let q = (m - 1) / 3 + 1;
    let month = format!("{y}-{m:02}");
    let first = format!("{month}-01");
    let day = today.format("%Y-%m-%d").to_string();
    let cn_day = format!("{y}年{m}月{}日", today.day());
    let fill = |text: &str| {
        text.replace("{Y}", &y.to_string())
            .replace("{MONTH}", &month)
            .replace("{FIRST}", &first)
            .replace("{DAY}", &day)
            .replace("{CN_DAY}", &cn_day)
            .replace("{M}", &m.to_string())
            .replace("{Q}", &q.to_string())
    };
    let mut files: Vec<(String, String)> = TEMPLATES.iter().map(|(path, text)| (fill(path), fill(text))).collect();
    // The officers' guide beside content/ (not published): the share is where they read.
    files.push((GUIDE_NAME.to_string(), include_str!("../../docs/officer-guide.md").to_string()));
    files
}

/// Where the new site keeps the officers' guide (docs/officer-guide.md).
pub const GUIDE_NAME: &str = "使用指南.md";

const TEMPLATES: &[(&str, &str)] = &[
    (
        "config.toml",
        r#"title = "某某单位党务公开"
description = "党务公开网站"
base_url = "http://127.0.0.1:1111/"
language = "zh-CN"
theme = "default"
relative_urls = false
paginate_by = 20
taxonomies = [{ name = "tags" }]
# 《中国共产党支部工作条例（试行）》规定的支部工作要求：支委会每月一次、党员大会每季度一次……
# 党支部的工作记录、活动按这些要求统计（要求的完整列表见 使用指南.md）
presets = ["branch-2018"]
# true：没有审批人（approved_by）的页面暂不发布
require_approval = false

# 站内搜索词典：本单位常用的专有词语（3至8个汉字）当作完整的词统计，例如
# [search]
# dictionary = ["警示教育", "结对共建"]

[compliance]
# 达标统计默认截至今天；统计往年时可写 year = 2024 和 as_of = 2024-12-31
scope = "internal"

[extra]
contact = "党委办公室"
"#,
    ),
    ("content/_index.md", "+++\ntitle = \"首页\"\n+++\n\n欢迎访问本单位党务公开网站。\n"),
    ("content/notices/_index.md", "+++\ntitle = \"通知公告\"\nsort_by = \"date\"\n+++\n"),
    (
        "content/notices/{MONTH}-zhutidangri.md",
        "+++\ntitle = \"关于开展{M}月份主题党日活动的通知\"\ndate = {FIRST}\nkind = \"notice\"\nreviewed_by = \"李四\"\napproved_by = \"张三\"\ntags = [\"主题党日\"]\n+++\n\n各党支部：\n\n现就开展{M}月份主题党日活动有关事项通知如下。\n\n## 一、活动时间\n\n{Y}年{M}月中旬。\n\n## 二、活动内容\n\n1. 集中学习；\n2. 志愿服务。\n",
    ),
    (
        // Written as an officer types in Notepad: one Enter per line, a table pasted
        // from Excel (tab-separated), the 落款 at the end; Chinese key names.
        "content/notices/关于召开组织生活会的通知.md",
        "+++\n标题 = 关于召开{Y}年度组织生活会的通知\n日期 = {CN_DAY}\n类型 = 通知公告\n审核人 = 李四\n审批人 = 张三\n文号 = 某党发〔{Y}〕1号\n+++\n各党支部：\n经研究，定于近期召开{Y}年度组织生活会，现将有关事项通知如下：\n一、会议时间：另行通知\n二、参加人员：全体党员\n三、会前准备：\n1、开展谈心谈话；\n2、认真撰写对照检查材料。\n\n各支部联系人：\n\n支部\t联系人\t电话\n第一党支部\t王敏\t0000-0000001\n\n中共某某单位委员会\n{CN_DAY}\n",
    ),
    ("content/units/_index.md", "+++\ntitle = \"组织机构\"\n+++\n"),
    (
        "content/units/diyi/_index.md",
        "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nsecretary = \"张三\"\nmembers = 20\n+++\n\n第一党支部简介。\n",
    ),
    (
        "content/units/diyi/checklist-{Y}.md",
        "+++\ntitle = \"第一党支部{Y}年党建工作责任清单\"\ndate = {Y}-01-05\nkind = \"checklist\"\n\n# 预设（presets）之外本支部自己的要求\n[[requirements]]\nid = \"jitixuexi\"\nname = \"集中学习\"\nper = \"month\"\nmin = 1\naliases = [\"学习\"]\n+++\n\n1. 每月组织集中学习不少于1次。\n2. 每月召开一次支委会，每季度召开一次支部党员大会。\n",
    ),
    (
        "content/units/diyi/record-{MONTH}.md",
        "+++\ntitle = \"第一党支部{Y}年{M}月工作记录\"\ndate = {DAY}\nkind = \"record\"\nperiod = \"{MONTH}\"\nreviewed_by = \"李四\"\n\n# 次数：键可写要求编号、名称或别名\n[counts]\n\"支委会\" = 1\n\"党小组会\" = 1\n\"支部党员大会\" = 1\n+++\n\n本月召开支委会1次、党小组会1次、支部党员大会1次。\n",
    ),
    (
        "content/units/diyi/{DAY}-zhutidangri.md",
        "+++\ntitle = \"第一党支部开展{M}月份主题党日活动\"\nkind = \"activity\"\ncounts_as = [\"主题党日\"]\n+++\n\n支部组织党员开展主题党日活动（文件名开头的日期就是活动日期）。\n",
    ),
    (
        "content/units/diyi/study-plan-{Y}.md",
        "+++\ntitle = \"第一党支部{Y}年学习计划\"\nkind = \"study_plan\"\nyear = {Y}\ncounts_as = \"jitixuexi\"\n\n[[sessions]]\ndate = {FIRST}\ntopic = \"学习党章\"\nform = \"集中学习\"\nlead = \"张三\"\nstatus = \"done\"\n\n[[sessions]]\nmonth = \"{Y}-12\"\ntopic = \"年度学习总结交流\"\nform = \"专题研讨\"\nlead = \"李四\"\n+++\n",
    ),
    (
        "content/units/diyi/dues-{Y}-q{Q}.md",
        "+++\ntitle = \"第一党支部{Y}年第{Q}季度党费收缴情况公示\"\ndate = {DAY}\nkind = \"dues\"\nperiod = \"{Y}-Q{Q}\"\nledger = \"党费台账-{Y}-q{Q}.csv\"\nremitted = { amount = 183.60, date = {DAY}, to = \"上级党委\" }\n+++\n\n本季度党费收缴情况公示如下（公开版只显示脱敏姓名和合计）。\n",
    ),
    (
        "content/units/diyi/党费台账-{Y}-q{Q}.csv",
        "序号,姓名,类别,月工资收入,实缴\n1,张三,在职,4500,135\n2,李四,离退休,3200,48\n3,王五,学生,,0.60\n合计,,,,183.60\n",
    ),
    ("static/.gitkeep", ""),
    ("templates/.gitkeep", ""),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_around_the_day() {
        let f = files(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert!(f.iter().any(|(p, _)| p == "content/units/diyi/record-2026-11.md" || p == "content/units/diyi/2026-11-25-zhutidangri.md"));
        let record = &f.iter().find(|(p, _)| p.contains("record-")).unwrap().1;
        assert!(record.contains("period = \"2026-11\""), "{record}");
        let dues = &f.iter().find(|(p, _)| p.contains("dues-")).unwrap().1;
        assert!(dues.contains("period = \"2026-Q4\"") && dues.contains("党费台账-2026-q4.csv"), "{dues}");
        assert!(f.iter().all(|(_, t)| !t.contains('{') || t.contains("{ amount") || t.contains("[{ name")), "a placeholder left");
    }
}
