//! A second realistic site, unlike the example site: a county 机关工委 (党工委) over
//! a 党委 with a 党总支, branches with 党小组, a retirees' branch founded in
//! November, a 党总支 whose branch was dissolved at mid-year and replaced in July.
//! YAML and TOML pages, Chinese kind names, count keys and aliases, requirements
//! from the preset, config.toml (overriding the preset) and checklists (own entries,
//! inherited ones, one narrowed to 党小组), study plans counting toward them, and
//! dues ledgers in three formats (xlsx, GBK CSV, inline YAML rows) plus a draft.
//! `county_check` holds the independent calculation every number is checked against.

use crate::util::{xlsx, Site};

pub(crate) const AS_OF: &str = "2024-12-20";

const CONFIG: &str = r#"title = "中共某某县直属机关工委党务公开"
base_url = "http://dwgk.county.example/"
presets = ["branch-2018"]
taxonomies = [{ name = "tags" }]

[compliance]
year = 2024
as_of = 2024-12-20

[[requirements]]
id = "dangke"
name = "党课"
per = "quarter"
min = 1
applies_to = ["党支部"]
aliases = ["专题党课"]

[[requirements]]
id = "zhongxinzu"
name = "理论学习中心组学习"
per = "month"
applies_to = ["党委"]

[[requirements]]
id = "yishixingtai"
name = "意识形态工作专题研究"
per = "year"
applies_to = ["党委", "党总支"]

[dues]
contact = "县直机关工委组织部 0000-1234567"
"#;

const GW: &str = "content/zuzhi/gongwei";
const JY: &str = "content/zuzhi/gongwei/jiaoyu";
const ZZ: &str = "content/zuzhi/gongwei/jiaoyu/zongzhi";
const YZ: &str = "content/zuzhi/gongwei/jiaoyu/zongzhi/yizhi";
const EZ: &str = "content/zuzhi/gongwei/jiaoyu/zongzhi/erzhi";
const TX: &str = "content/zuzhi/gongwei/jiaoyu/tuixiu";
const WJ: &str = "content/zuzhi/gongwei/weijian";

fn toml_record(title: &str, period: &str, counts: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nkind = \"record\"\nperiod = \"{period}\"\n[counts]\n{counts}\n+++\n{title}。\n")
}

fn yaml_record(title: &str, period: &str, counts: &str) -> String {
    format!("---\ntitle: {title}\nkind: 工作记录\nperiod: \"{period}\"\ncounts:\n{counts}---\n{title}。\n")
}

fn activity(title: &str, date: &str, counts_as: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nkind = \"活动\"\ndate = {date}\ncounts_as = {counts_as}\n+++\n{title}。\n")
}

fn unit(title: &str, kind: &str, secretary: &str, members: u32, extra: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n[unit]\nkind = \"{kind}\"\nsecretary = \"{secretary}\"\nmembers = {members}\n{extra}+++\n")
}

fn yaml_unit(title: &str, kind: &str, secretary: &str, members: u32) -> String {
    format!("---\ntitle: {title}\nunit:\n  kind: {kind}\n  secretary: {secretary}\n  members: {members}\n---\n")
}

const GW_CHECKLIST: &str = "---
title: 县直机关工委2024年党建工作责任清单
kind: 责任清单
date: 2024-01-10
requirements:
  - id: gongweihui
    name: 工委委员会会议
    per: quarter
  - id: yishixingtai
    name: 意识形态工作专题研究
    per: half
    inherit: true
    applies_to: [党委, 党总支]
  - id: xiaozuxuexi
    name: 党小组学习
    per: month
    inherit: true
    applies_to: [党小组]
---
一、工委每季度召开一次工委委员会会议，研究部署机关党建工作。

二、各党委、党总支每半年至少开展一次意识形态工作专题研究。

三、各党小组每月组织党小组学习一次。

四、各党支部每年开展志愿服务不少于4次。
";

/// The first branch's Q3 ledger (xlsx, a title row above the header, a 合计 row).
fn yizhi_ledger() -> Vec<u8> {
    let rows: &[&[&str]] = &[
        &["机关第一党支部2024年第三季度党费收缴明细"],
        &["序号", "姓名", "类别", "月工资收入（元）", "月数", "实缴（元）", "备注"],
        &["1", "吴海峰", "在职", "6890", "3", "310.05", ""],
        &["2", "周丽", "在职", "4650.5", "3", "139.53", ""],
        &["3", "郑国强", "在职", "13579.24", "3", "543.16", "9月未缴"],
        &["4", "孙晓梅", "在职", "2800", "3", "42", ""],
        &["5", "钱伟", "在职", "4380", "3", "131.4", ""],
        &["6", "冯雪", "在职", "7321.45", "3", "329.46", ""],
        &["7", "蒋涛", "在职", "9100", "3", "0", "外出学习"],
        &["8", "韩秀英", "离退休", "3800", "3", "57", ""],
        &["9", "杨建国", "离退休", "5600", "3", "201.3", ""],
        &["", "合计", "", "", "", "1753.9", ""],
    ];
    xlsx(|ws| crate::dues::rows(ws, 0, rows))
}

/// The second branch's H1 ledger, as Excel on Chinese Windows saves “CSV (逗号分隔)”:
/// GBK, CRLF; its 合计 row is 10 元 short of the members' sum.
fn erzhi_ledger() -> Vec<u8> {
    let csv = "序号,姓名,人员类别,月工资收入（元）,缴费月数,全年实缴（元）,备注\r\n\
               1,林芳,在职,5500,6,495,\r\n2,黄志明,在职,3200,6,160,\r\n3,赵丽娟,在职,3900,6,234,\r\n\
               4,马骏,在职,6100,6,549,\r\n5,许大庆,离退休,4500,6,135,\r\n6,宋平,其他,,6,60,聘用人员\r\n,合计,,,,1623,\r\n";
    encoding_rs::GBK.encode(csv).0.into_owned()
}

pub(crate) fn county() -> Site {
    let s = Site::new();
    s.file("config.toml", CONFIG)
        .file("content/_index.md", "+++\ntitle = \"首页\"\n+++\n县直机关党务公开。\n")
        .file("content/zuzhi/_index.md", "---\ntitle: 组织机构\n---\n")
        // 党工委: its own quarterly meeting; the checklist's other entries reach below.
        .file(&format!("{GW}/_index.md"), &unit("中共某某县直属机关工作委员会", "党工委", "刘建华", 18, ""))
        .file(&format!("{GW}/zerenqingdan-2024.md"), GW_CHECKLIST)
        .file(&format!("{GW}/jilu-2024-q1.md"), &toml_record("工委2024年第一季度工作记录", "2024-Q1", "\"工委委员会会议\" = 1"))
        .file(&format!("{GW}/jilu-2024-q2.md"), &toml_record("工委2024年第二季度工作记录", "2024-Q2", "gongweihui = 1"))
        .file(&format!("{GW}/jilu-2024-q3.md"), &yaml_record("工委2024年第三季度工作记录", "2024-Q3", "  工委委员会会议: 1\n"))
        // 党委: its checklist makes the config's monthly 中心组学习 quarterly, 2 a quarter;
        // a study plan counts toward it; the inherited 意识形态 entry is half-yearly.
        .file(&format!("{JY}/_index.md"), &unit("县教育局机关党委", "党委", "王立新", 86, ""))
        .file(
            &format!("{JY}/checklist-2024.md"),
            "+++\ntitle = \"县教育局机关党委2024年责任清单\"\nkind = \"清单\"\n\n[[requirements]]\nid = \"zhongxinzu\"\nname = \"理论学习中心组学习\"\n\
             per = \"quarter\"\nmin = 2\naliases = [\"中心组学习\"]\n+++\n党委理论学习中心组每季度集中学习不少于2次。\n",
        )
        .file(
            &format!("{JY}/xuexijihua-2024.md"),
            "+++\ntitle = \"县教育局机关党委2024年理论学习中心组学习计划\"\nkind = \"学习计划\"\nyear = 2024\ncounts_as = \"中心组学习\"\n\
             [[sessions]]\ndate = 2024-01-16\ntopic = \"学习贯彻党的二十大精神\"\nstatus = \"done\"\n\
             [[sessions]]\ndate = 2024-03-12\ntopic = \"党纪学习教育\"\nstatus = \"已完成\"\n\
             [[sessions]]\ndate = 2024-05-21\ntopic = \"教育强国建设\"\nstatus = \"done\"\n\
             [[sessions]]\ndate = 2024-06-18\ntopic = \"调研成果交流\"\nstatus = \"cancelled\"\n\
             [[sessions]]\ndate = 2024-07-09\ntopic = \"学习党的二十届三中全会精神\"\nstatus = \"done\"\n\
             [[sessions]]\ndate = 2024-09-10\ntopic = \"意识形态工作专题学习\"\nstatus = \"done\"\n\
             [[sessions]]\ndate = 2024-10-15\ntopic = \"全面从严治党专题\"\nstatus = \"planned\"\n\
             [[sessions]]\ndate = 2024-12-24\ntopic = \"年度学习总结\"\nstatus = \"planned\"\n+++\n",
        )
        .file(&format!("{JY}/yishixingtai-2024-h1.md"), &yaml_record("党委上半年意识形态工作专题研究", "2024-H1", "  意识形态工作专题研究: 1\n"))
        // 党总支 (YAML unit): its own quarterly committee meeting and the inherited 意识形态.
        .file(&format!("{ZZ}/_index.md"), &yaml_unit("县教育局机关党总支", "党总支", "陈志刚", 41))
        .file(
            &format!("{ZZ}/checklist.md"),
            "+++\ntitle = \"党总支2024年责任清单\"\nkind = \"checklist\"\n[[requirements]]\nid = \"zongzhihui\"\nname = \"党总支委员会会议\"\nper = \"quarter\"\n+++\n\
             每季度召开一次党总支委员会会议。\n",
        )
        .file(&format!("{ZZ}/record-2024-q1.md"), &toml_record("党总支第一季度工作记录", "2024-Q1", "zongzhihui = 1"))
        .file(&format!("{ZZ}/record-2024-q2.md"), &toml_record("党总支第二季度工作记录", "2024-Q2", "\"党总支委员会会议\" = 0"))
        .file(&format!("{ZZ}/record-2024-h1.md"), &yaml_record("党总支上半年意识形态工作", "2024-H1", "  yishixingtai: 1\n"))
        .file(&format!("{ZZ}/record-2024-h2.md"), &yaml_record("党总支下半年意识形态工作", "2024-H2", "  意识形态工作专题研究: 1\n"));
    first_branch(&s);
    second_branch(&s);
    retirees(&s);
    health_commission(&s);
    s
}

/// 机关第一党支部 and its two 党小组: Chinese count keys and aliases, monthly records
/// inside a quarter that also has a quarterly total (ignored), activities, a yearly
/// record, an own 谈心谈话 entry, the xlsx ledger.
fn first_branch(s: &Site) {
    s.file(&format!("{YZ}/_index.md"), &unit("机关第一党支部", "党支部", "吴海峰", 9, ""))
        .file(
            &format!("{YZ}/checklist-2024.md"),
            "+++\ntitle = \"第一党支部2024年责任清单\"\nkind = \"checklist\"\n[[requirements]]\nid = \"tanxintanhua\"\nname = \"谈心谈话\"\nper = \"year\"\nmin = 10\n\
             measure = \"人次\"\n+++\n支部书记每年与支部党员开展谈心谈话不少于10人次。\n",
        )
        .file(&format!("{YZ}/record-2024-q1.md"), &yaml_record("第一党支部第一季度工作记录", "2024-Q1", "  支委会: 3\n  党员大会: 1\n  党小组会: 3\n  专题党课: 1\n  主题党日: 2\n"))
        .file(&format!("{YZ}/record-2024-q2.md"), &toml_record("第一党支部第二季度工作记录", "2024-Q2", "zhiweihui = 3\ndangyuandahui = 1\ndangxiaozuhui = 2\ndangke = 1\nzhutidangri = 3"))
        .file(&format!("{YZ}/record-2024-07.md"), &toml_record("第一党支部7月工作记录", "2024-07", "zhiweihui = 1\n\"主题党日活动\" = 1"))
        .file(&format!("{YZ}/record-2024-08.md"), &toml_record("第一党支部8月工作记录", "2024-08", "zhiweihui = 1\nzhutidangri = 1"))
        .file(&format!("{YZ}/record-2024-q3.md"), &toml_record("第一党支部第三季度工作记录", "2024-Q3", "zhiweihui = 3\ndangyuandahui = 1\ndangxiaozuhui = 3\ndangke = 0"))
        .file(&format!("{YZ}/2024-09-20-zhutidangri.md"), &activity("九月主题党日", "2024-09-20", "[\"主题党日\"]"))
        .file(&format!("{YZ}/2024-10-15-zhiweihui.md"), &activity("十月支委会暨主题党日", "2024-10-15", "[\"zhutidangri\", \"支委会\"]"))
        .file(&format!("{YZ}/2024-11-12-zhutidangri.md"), &activity("十一月主题党日", "2024-11-12", "\"主题党日\""))
        .file(&format!("{YZ}/record-2024.md"), &toml_record("第一党支部2024年度工作记录", "2024", "zuzhishenghuohui = 0\n\"民主评议\" = 1\n\"谈心谈话\" = 8"))
        .file(
            &format!("{YZ}/dues-2024-q3.md"),
            "+++\ntitle = \"机关第一党支部2024年第三季度党费收缴情况公示\"\nkind = \"党费\"\ndate = 2024-10-10\nperiod = \"2024-Q3\"\n\
             ledger = \"第一党支部2024年第三季度党费台账.xlsx\"\nremitted = { amount = 1753.90, date = 2024-10-09, to = \"县教育局机关党总支\" }\n+++\n\
             现将第一党支部2024年第三季度党费收缴情况公示如下。\n",
        )
        .bytes(&format!("{YZ}/第一党支部2024年第三季度党费台账.xlsx"), &yizhi_ledger())
        .file(&format!("{YZ}/zu1/_index.md"), &yaml_unit("第一党小组", "党小组", "孙晓梅", 5));
    let mut plan = String::from("+++\ntitle = \"第一党小组2024年学习计划\"\nkind = \"study_plan\"\nyear = 2024\ncounts_as = \"党小组学习\"\n");
    for m in 1..=12 {
        let status = match m {
            4 | 12 => "planned",
            _ => "done",
        };
        plan.push_str(&format!("[[sessions]]\ndate = 2024-{m:02}-{:02}\ntopic = \"党小组第{m}次学习\"\nstatus = \"{status}\"\n", if m == 12 { 27 } else { 8 }));
    }
    plan.push_str("+++\n");
    s.file(&format!("{YZ}/zu1/xuexijihua.md"), &plan)
        .file(&format!("{YZ}/zu2/_index.md"), &unit("第二党小组", "党小组", "钱伟", 4, ""))
        .file(&format!("{YZ}/zu2/record-2024-h1.md"), &toml_record("第二党小组上半年学习记录", "2024-H1", "\"党小组学习\" = 5"));
    for m in 7..=11 {
        s.file(&format!("{YZ}/zu2/record-2024-{m:02}.md"), &yaml_record(&format!("第二党小组{m}月学习记录"), &format!("2024-{m:02}"), "  xiaozuxuexi: 1\n"));
    }
}

/// 机关第二党支部: full quarterly records, monthly ones in Q4, the GBK CSV ledger and a
/// draft disclosure whose ledger must never be read.
fn second_branch(s: &Site) {
    let full = "zhiweihui = 3\ndangyuandahui = 1\ndangxiaozuhui = 3\ndangke = 1\nzhutidangri = 3";
    s.file(&format!("{EZ}/_index.md"), &unit("机关第二党支部", "党支部", "林芳", 6, ""));
    for q in 1..=3 {
        s.file(&format!("{EZ}/record-2024-q{q}.md"), &toml_record(&format!("第二党支部第{q}季度工作记录"), &format!("2024-Q{q}"), full));
    }
    s.file(
        &format!("{EZ}/record-2024-10.md"),
        &yaml_record("第二党支部10月工作记录", "2024-10", "  支部委员会会议: 1\n  党员大会: 1\n  小组会: 1\n  主题党日: 1\n"),
    )
    .file(&format!("{EZ}/record-2024-11.md"), &toml_record("第二党支部11月工作记录", "2024-11", "zhiweihui = 1\ndangxiaozuhui = 1\nzhutidangri = 1"))
    .file(&format!("{EZ}/record-2024-12.md"), &toml_record("第二党支部12月工作记录", "2024-12", "\"组织生活会\" = 1"))
    .file(&format!("{EZ}/record-2024.md"), &toml_record("第二党支部2024年谈心谈话记录", "2024", "tanxintanhua = 12"))
    .file(
        &format!("{EZ}/dues-2024-h1.md"),
        "+++\ntitle = \"机关第二党支部2024年上半年党费收缴情况公示\"\nkind = \"dues\"\ndate = 2024-07-08\nperiod = \"2024-H1\"\n\
             ledger = \"党费台账2024上半年.csv\"\nremitted = { amount = 1600.00, date = 2024-07-05, to = \"县教育局机关党总支\" }\n+++\n上半年党费收缴情况。\n",
    )
    .bytes(&format!("{EZ}/党费台账2024上半年.csv"), &erzhi_ledger())
    .file(
        &format!("{EZ}/dues-2024-q3-draft.md"),
        "+++\ntitle = \"第二党支部第三季度党费（草稿）\"\nkind = \"dues\"\ndraft = true\nperiod = \"2024-Q3\"\nledger = \"草稿台账.csv\"\n+++\n",
    )
    .file(&format!("{EZ}/草稿台账.csv"), "姓名,类别,基数,月数,实缴\n草稿欠缴人,在职,3000,3,0\n");
}

/// 离退休干部党支部, founded 12 November: a record before it existed, one for its
/// first (partial) month, one for December; its dues as inline YAML rows.
fn retirees(s: &Site) {
    s.file(&format!("{TX}/_index.md"), &unit("离退休干部党支部", "党支部", "何淑芬", 4, "established = 2024-11-12\n"))
        .file(&format!("{TX}/record-2024-10.md"), &toml_record("离退休干部党支部10月记录", "2024-10", "zhiweihui = 1"))
        .file(&format!("{TX}/record-2024-11.md"), &yaml_record("离退休干部党支部11月记录", "2024-11", "  支委会: 1\n"))
        .file(&format!("{TX}/record-2024-12.md"), &toml_record("离退休干部党支部12月记录", "2024-12", "zhiweihui = 1\nzhutidangri = 1"))
        .file(
            &format!("{TX}/dues-2024-q4.md"),
            "---\ntitle: 离退休干部党支部2024年第四季度党费收缴情况公示\nkind: 党费公示\nperiod: \"2024-Q4\"\ndate: 2024-12-18\nrows:\n\
             \x20 - {name: 何淑芬, category: 离退休, base: 3100, months: 2, paid: 31}\n\
             \x20 - {name: 曹德胜, category: 退休, base: 4280.5, months: 2, paid: 42.8}\n\
             \x20 - {name: 彭玉兰, category: 离退休, base: 5230, months: 2, paid: 104.6}\n\
             \x20 - {name: 董明, category: 离休, base: 6310, months: 2, paid: 126.2}\n---\n新成立支部第一次党费公示。\n",
        );
}

/// 县卫健委机关党总支 (YAML): its branch dissolved on 30 June (撤销日期), a new one
/// founded on 1 July (成立日期, written in Chinese).
fn health_commission(s: &Site) {
    let full = "zhiweihui = 3\ndangyuandahui = 1\ndangxiaozuhui = 3\ndangke = 1\nzhutidangri = 3";
    s.file(&format!("{WJ}/_index.md"), &yaml_unit("县卫健委机关党总支", "党总支", "张红", 23))
        .file(&format!("{WJ}/record-2024-h1.md"), &yaml_record("卫健委党总支上半年意识形态工作", "2024-H1", "  意识形态工作专题研究: 1\n"))
        .file(&format!("{WJ}/zhibu/_index.md"), &unit("卫健委机关党支部", "党支部", "赵敏", 12, "\"撤销日期\" = 2024-06-30\n"))
        .file(&format!("{WJ}/zhibu/record-2024-q1.md"), &toml_record("卫健委机关党支部第一季度", "2024-Q1", full))
        .file(
            &format!("{WJ}/zhibu/record-2024-q2.md"),
            &toml_record("卫健委机关党支部第二季度", "2024-Q2", &format!("{full}\nzuzhishenghuohui = 1\ntanxintanhua = 5")),
        )
        .file(&format!("{WJ}/zhibu/2024-08-01-zhutidangri.md"), &activity("八月主题党日", "2024-08-01", "[\"主题党日\"]"))
        .file(&format!("{WJ}/xinzhi/_index.md"), &unit("卫健委机关第一党支部", "党支部", "周敏", 11, "\"成立日期\" = \"2024年7月1日\"\n"))
        .file(&format!("{WJ}/xinzhi/record-2024-q3.md"), &toml_record("卫健委机关第一党支部第三季度", "2024-Q3", full))
        .file(
            &format!("{WJ}/xinzhi/record-2024-10.md"),
            &toml_record("卫健委机关第一党支部10月", "2024-10", "zhiweihui = 1\nzhutidangri = 1\ndangxiaozuhui = 1"),
        )
        .file(&format!("{WJ}/xinzhi/record-2024.md"), &toml_record("卫健委机关第一党支部年度记录", "2024", "minzhupingyi = 1"));
}
