//! One entry of a disclosure catalogue (党务公开目录): what is disclosed, to whom,
//! how often and by when, and which pages count as its disclosure. Read from a
//! `[[catalogue]]` entry (config.toml, a unit's `_index.md` or checklist). Pure.

use super::super::period::Per;
use super::super::requirement::{EntryError, Origin, Scoped};
use serde::Serialize;
use serde_json::Value;

/// The content categories of the 条例's 第二章 (公开的内容和范围) for a basic-level
/// organisation, in the order the catalogue page shows them (docs/compliance.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Lingdao,
    Jianshe,
    Zuzhishenghuo,
    Fazhan,
    Dangfei,
    Xuanju,
    Pingxian,
    Quanli,
    Qita,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Lingdao,
        Category::Jianshe,
        Category::Zuzhishenghuo,
        Category::Fazhan,
        Category::Dangfei,
        Category::Xuanju,
        Category::Pingxian,
        Category::Quanli,
        Category::Qita,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Lingdao => "lingdao",
            Category::Jianshe => "jianshe",
            Category::Zuzhishenghuo => "zuzhishenghuo",
            Category::Fazhan => "fazhan",
            Category::Dangfei => "dangfei",
            Category::Xuanju => "xuanju",
            Category::Pingxian => "pingxian",
            Category::Quanli => "quanli",
            Category::Qita => "qita",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Lingdao => "党的领导",
            Category::Jianshe => "党的建设",
            Category::Zuzhishenghuo => "组织生活",
            Category::Fazhan => "发展党员",
            Category::Dangfei => "党费收缴使用管理",
            Category::Xuanju => "换届选举",
            Category::Pingxian => "评先评优",
            Category::Quanli => "党员权利保障",
            Category::Qita => "其他",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Category::Lingdao => &["党的领导活动", "学习贯彻", "决策部署"],
            Category::Jianshe => &["党建", "党组织自身建设", "自身建设"],
            Category::Zuzhishenghuo => &["党内组织生活", "三会一课", "民主评议"],
            Category::Fazhan => &["党员发展"],
            Category::Dangfei => &["党费", "党费收缴使用", "党费收缴"],
            Category::Xuanju => &["选举", "党组织设立", "换届"],
            Category::Pingxian => &["表彰", "评优", "评先"],
            Category::Quanli => &["保障党员权利", "党员权利"],
            Category::Qita => &["其它"],
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        Category::ALL.into_iter().find(|c| c.id().eq_ignore_ascii_case(s) || c.name() == s || c.aliases().contains(&s))
    }

    fn spellings() -> impl Iterator<Item = &'static str> {
        Category::ALL.into_iter().flat_map(|c| [c.id(), c.name()].into_iter().chain(c.aliases().iter().copied()))
    }
}

/// 公开范围 of an item: to the public, or inside the party (content-model's scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    Public,
    Internal,
}

impl Reach {
    pub fn parse(s: &str) -> Option<Reach> {
        match s.trim() {
            "public" | "向社会公开" | "公开" => Some(Reach::Public),
            "internal" | "党内公开" | "在全党公开" | "内部" => Some(Reach::Internal),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Reach::Public => "public",
            Reach::Internal => "internal",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Reach::Public => "向社会公开",
            Reach::Internal => "党内公开",
        }
    }
}

/// How often an item is disclosed: every period of a kind, or once per event
/// (a 公示 for each 发展党员 or 表彰 decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Every(Per),
    Event,
}

impl Frequency {
    pub fn parse(s: &str) -> Option<Frequency> {
        match s.trim() {
            "event" | "每次" | "随时" | "按事项" | "事项发生后" => Some(Frequency::Event),
            other => Per::parse(other).map(Frequency::Every),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Frequency::Every(p) => p.id(),
            Frequency::Event => "event",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Frequency::Every(p) => p.name(),
            Frequency::Event => "每次（事项发生后）",
        }
    }
}

/// By when: `days` after the period ends (or starts), or after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub days: u32,
    /// Counted in working days (`[compliance] holidays` / `workdays`) instead of calendar days.
    pub working: bool,
    /// From the period's first day (a plan due early in its year) instead of its last.
    pub from_start: bool,
}

impl Deadline {
    /// `期满后15日内`, `期初30日内`, `事项发生后5个工作日内`.
    pub fn text(self, freq: Frequency) -> String {
        let anchor = match (freq, self.from_start) {
            (Frequency::Event, _) => "事项发生后",
            (_, true) => "每期开始后",
            (_, false) => "每期结束后",
        };
        let unit = if self.working { "个工作日" } else { "日" };
        format!("{anchor}{}{unit}内", self.days)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub reach: Reach,
    pub freq: Frequency,
    pub deadline: Deadline,
    /// 公示期: a disclosure must stay up at least this many working days (`expire_date`).
    pub notice_days: Option<u32>,
    /// Page kinds (ids: `dues`, `record` …) whose pages disclose this item.
    pub kinds: Vec<String>,
    /// Tags whose pages disclose this item.
    pub tags: Vec<String>,
    pub applies_to: Option<Vec<String>>,
    /// Other names accepted in a page's `discloses`.
    pub aliases: Vec<String>,
    pub inherit: bool,
    /// The rule behind it, shown in the catalogue (`党务公开条例第二章`).
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogueDecl {
    pub item: Item,
    pub origin: Origin,
}

impl Scoped for CatalogueDecl {
    fn id(&self) -> &str {
        &self.item.id
    }
    fn applies_to(&self) -> Option<&[String]> {
        self.item.applies_to.as_deref()
    }
    fn inherit(&self) -> bool {
        self.item.inherit
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

pub const KEYS: &[&str] = &[
    "id",
    "name",
    "category",
    "scope",
    "per",
    "deadline_days",
    "deadline_working_days",
    "deadline_from",
    "notice_days",
    "kinds",
    "tags",
    "applies_to",
    "aliases",
    "inherit",
    "basis",
];

fn err(key: &'static str, message: String, hint: impl Into<String>) -> EntryError {
    EntryError { key, message, hint: hint.into() }
}

/// Reads one `[[catalogue]]` entry (TOML or YAML, as JSON). Page kinds are kept as
/// written: the caller checks them against the kinds it knows (`kinds`).
pub fn parse_entry(v: &Value) -> Result<Item, Vec<EntryError>> {
    let Some(t) = v.as_object() else {
        return Err(vec![err("catalogue", "[[catalogue]] 的每一项应是一个表".into(), "写成 [[catalogue]] 加若干行 键 = 值")]);
    };
    let mut errs = Vec::new();
    let text = |k: &'static str, errs: &mut Vec<EntryError>| -> Option<String> {
        match t.get(k) {
            None => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(other) => {
                errs.push(err(k, format!("公开目录的 {k} 应是文字，实际是 {other}"), format!("例如 {k} = \"…\"")));
                None
            }
        }
    };
    let list = |k: &'static str, errs: &mut Vec<EntryError>| -> Option<Vec<String>> {
        match t.get(k) {
            None => None,
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(a.iter().filter_map(|s| s.as_str()).map(|s| s.trim().to_string()).collect()),
            Some(Value::String(s)) => Some(vec![s.trim().to_string()]),
            Some(other) => {
                errs.push(err(k, format!("{k} 应是文字列表，实际是 {other}"), format!("例如 {k} = [\"…\"]")));
                None
            }
        }
    };
    let number = |k: &'static str, max: u64, errs: &mut Vec<EntryError>| -> Option<u32> {
        match t.get(k) {
            None => None,
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= max) => n.as_u64().map(|n| n as u32),
            Some(other) => {
                errs.push(err(k, format!("{k} 应是 0 到 {max} 的整数（天数），实际是 {other}"), format!("例如 {k} = 15")));
                None
            }
        }
    };
    let id = text("id", &mut errs);
    if id.is_none() && !errs.iter().any(|e| e.key == "id") {
        errs.push(err("id", "公开事项缺少编号 id".into(), "加一行 id = \"dangfei\"（英文字母，页面用 discloses = [\"dangfei\"] 指向它）"));
    }
    let name = text("name", &mut errs);
    let category = match text("category", &mut errs) {
        Some(c) => Category::parse(&c).or_else(|| {
            let hint = match crate::diag::did_you_mean(&c, Category::spellings()) {
                Some(s) => format!("是不是“{s}”？"),
                None => format!("可选：{}", Category::ALL.map(Category::name).join("、")),
            };
            errs.push(err("category", format!("公开内容类别“{c}”无效"), hint));
            None
        }),
        None => Some(Category::Qita),
    };
    let reach = match text("scope", &mut errs) {
        Some(s) => Reach::parse(&s).or_else(|| {
            errs.push(err("scope", format!("公开范围 scope“{s}”无效"), "写 public（向社会公开）或 internal（党内公开）"));
            None
        }),
        None => Some(Reach::Internal),
    };
    let freq = match text("per", &mut errs) {
        Some(p) => Frequency::parse(&p).or_else(|| {
            errs.push(err(
                "per",
                format!("公开频次 per“{p}”无效"),
                "可选 month（每月）、quarter（每季度）、half（每半年）、year（每年）、event（每次事项发生后）",
            ));
            None
        }),
        None => {
            if !errs.iter().any(|e| e.key == "per") {
                errs.push(err("per", "公开事项缺少公开频次 per".into(), "加一行 per = \"quarter\"（或 month、half、year、event）"));
            }
            None
        }
    };
    let calendar = number("deadline_days", 366, &mut errs);
    let working = number("deadline_working_days", 366, &mut errs);
    if calendar.is_some() && working.is_some() {
        errs.push(err(
            "deadline_working_days",
            "deadline_days 和 deadline_working_days 只能写一个".into(),
            "按自然日写 deadline_days，按工作日写 deadline_working_days",
        ));
    }
    let from_start = match text("deadline_from", &mut errs).as_deref() {
        None | Some("end" | "期末" | "结束") => false,
        Some("start" | "期初" | "开始") => true,
        Some(other) => {
            errs.push(err("deadline_from", format!("deadline_from“{other}”无效"), "写 end（从每期最后一天起算，默认）或 start（从每期第一天起算）"));
            false
        }
    };
    let deadline = Deadline { days: working.or(calendar).unwrap_or(15), working: working.is_some(), from_start };
    let notice_days = number("notice_days", 60, &mut errs);
    let inherit = match t.get("inherit") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            errs.push(err("inherit", format!("inherit 应是 true 或 false，实际是 {other}"), "inherit = true 表示下级单位也适用"));
            false
        }
    };
    let kinds = list("kinds", &mut errs).unwrap_or_default();
    let tags = list("tags", &mut errs).unwrap_or_default();
    let applies_to = list("applies_to", &mut errs);
    let aliases = list("aliases", &mut errs).unwrap_or_default();
    let basis = text("basis", &mut errs);
    for k in t.keys().filter(|k| !KEYS.contains(&k.as_str())) {
        let hint = match crate::diag::did_you_mean(k, KEYS.iter().copied()) {
            Some(s) => format!("是不是想写“{s}”？"),
            None => format!("可用的键：{}", KEYS.join("、")),
        };
        errs.push(err("catalogue", format!("公开目录中有不认识的键“{k}”"), hint));
    }
    match (id, category, reach, freq) {
        (Some(id), Some(category), Some(reach), Some(freq)) if errs.is_empty() => {
            let name = name.unwrap_or_else(|| id.clone());
            Ok(Item { id, name, category, reach, freq, deadline, notice_days, kinds, tags, applies_to, aliases, inherit, basis })
        }
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_an_entry_with_chinese_values() {
        let i = parse_entry(&json!({"id": "dangfei", "name": "党费收缴情况", "category": "党费", "scope": "向社会公开", "per": "每季度",
            "deadline_days": 15, "kinds": ["dues"], "notice_days": 5}))
        .unwrap();
        assert_eq!((i.category, i.reach, i.freq), (Category::Dangfei, Reach::Public, Frequency::Every(Per::Quarter)));
        assert_eq!(i.deadline, Deadline { days: 15, working: false, from_start: false });
        assert_eq!(i.deadline.text(i.freq), "每期结束后15日内");
        let e = parse_entry(&json!({"id": "fz", "per": "每次", "deadline_working_days": 5})).unwrap();
        assert_eq!((e.freq, e.reach, e.category), (Frequency::Event, Reach::Internal, Category::Qita));
        assert_eq!(e.deadline.text(e.freq), "事项发生后5个工作日内");
    }

    #[test]
    fn reports_every_problem_with_hints() {
        let errs = parse_entry(&json!({"id": "x", "category": "党费收缴和使用", "per": "weekly", "deadline_days": -1, "kind": ["dues"]})).unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["category", "per", "deadline_days", "catalogue"], "{errs:?}");
        assert!(errs[0].hint.contains("党费收缴使用"), "{}", errs[0].hint);
        assert!(errs[3].hint.contains("kinds"), "{}", errs[3].hint);
        let both = parse_entry(&json!({"id": "x", "per": "year", "deadline_days": 3, "deadline_working_days": 3})).unwrap_err();
        assert_eq!(both[0].key, "deadline_working_days");
    }
}
