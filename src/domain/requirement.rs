//! Requirements: what must happen how often ("每月召开一次支委会"), where they are
//! declared, and which ones apply to a unit. Pure.

use super::period::Per;
use super::unit::Units;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub id: String,
    pub name: String,
    pub per: Per,
    pub min: u32,
    pub measure: String,
    /// Unit kinds this applies to; `None` = every unit (config/preset) or the declaring unit (checklist).
    pub applies_to: Option<Vec<String>>,
    pub aliases: Vec<String>,
    /// On a checklist: also for every descendant unit.
    pub inherit: bool,
}

/// Where a requirement was declared, farthest last.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Origin {
    /// A unit's checklist page (`unit` index, `page` source path).
    Checklist {
        unit: usize,
        page: String,
    },
    Config,
    Preset {
        name: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    pub req: Requirement,
    pub origin: Origin,
}

/// A problem in one `[[requirements]]` entry: the key at fault and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryError {
    pub key: &'static str,
    pub message: String,
    pub hint: String,
}

const KEYS: &[&str] = &["id", "name", "per", "min", "measure", "applies_to", "aliases", "inherit"];

/// Reads one `[[requirements]]` entry (from TOML or YAML, as JSON).
pub fn parse_entry(v: &Value) -> Result<Requirement, Vec<EntryError>> {
    let mut errs = Vec::new();
    let Some(t) = v.as_object() else {
        return Err(vec![EntryError {
            key: "requirements",
            message: "[[requirements]] 的每一项应是一个表".into(),
            hint: "写成 [[requirements]] 加若干行 键 = 值".into(),
        }]);
    };
    let text = |k: &'static str, errs: &mut Vec<EntryError>| -> Option<String> {
        match t.get(k) {
            None => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(other) => {
                errs.push(EntryError { key: k, message: format!("要求的 {k} 应是文字，实际是 {other}"), hint: format!("例如 {k} = \"…\"") });
                None
            }
        }
    };
    let id = text("id", &mut errs);
    let name = text("name", &mut errs);
    if id.is_none() && !errs.iter().any(|e| e.key == "id") {
        errs.push(EntryError {
            key: "id", message: "要求缺少编号 id".into(), hint: "加一行 id = \"zhiweihui\"（英文字母，作为记录 [counts] 中的键）".into()
        });
    }
    let per = match text("per", &mut errs) {
        Some(p) => match Per::parse(&p) {
            Some(p) => Some(p),
            None => {
                errs.push(EntryError {
                    key: "per",
                    message: format!("周期 per“{p}”无效"),
                    hint: "可选 month（每月）、quarter（每季度）、half（每半年）、year（每年）".into(),
                });
                None
            }
        },
        None => {
            if !errs.iter().any(|e| e.key == "per") {
                errs.push(EntryError {
                    key: "per", message: "要求缺少周期 per".into(), hint: "加一行 per = \"month\"（或 quarter、half、year）".into()
                });
            }
            None
        }
    };
    let min = match t.get("min") {
        None => Some(1),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (1..=100_000).contains(&n)) => n.as_u64().map(|n| n as u32),
        Some(other) => {
            errs.push(EntryError {
                key: "min",
                message: format!("最少次数 min 应是不小于 1 的整数，实际是 {other}"),
                hint: "例如 min = 1；不需要考核的事项不要写成要求".into(),
            });
            None
        }
    };
    let list = |k: &'static str, errs: &mut Vec<EntryError>| -> Option<Vec<String>> {
        match t.get(k) {
            None => None,
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(a.iter().filter_map(|s| s.as_str()).map(|s| s.trim().to_string()).collect()),
            Some(Value::String(s)) => Some(vec![s.trim().to_string()]),
            Some(other) => {
                errs.push(EntryError { key: k, message: format!("{k} 应是文字列表，实际是 {other}"), hint: format!("例如 {k} = [\"党支部\"]") });
                None
            }
        }
    };
    let applies_to = list("applies_to", &mut errs);
    let aliases = list("aliases", &mut errs).unwrap_or_default();
    let inherit = match t.get("inherit") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            errs.push(EntryError {
                key: "inherit",
                message: format!("inherit 应是 true 或 false，实际是 {other}"),
                hint: "inherit = true 表示下级单位也适用".into(),
            });
            false
        }
    };
    let measure = text("measure", &mut errs).unwrap_or_else(|| "次".into());
    for k in t.keys() {
        if !KEYS.contains(&k.as_str()) {
            let hint = match crate::diag::did_you_mean(k, KEYS.iter().copied()) {
                Some(s) => format!("是不是想写“{s}”？"),
                None => format!("可用的键：{}", KEYS.join("、")),
            };
            errs.push(EntryError { key: "requirements", message: format!("要求中有不认识的键“{k}”"), hint });
        }
    }
    match (id, per, min) {
        (Some(id), Some(per), Some(min)) if errs.is_empty() => {
            let name = name.unwrap_or_else(|| id.clone());
            Ok(Requirement { id, name, per, min, measure, applies_to, aliases, inherit })
        }
        _ => Err(errs),
    }
}

/// A named preset's requirements (domain-rules.md), or `None` if unknown.
pub fn preset(name: &str) -> Option<Vec<Requirement>> {
    if name != "branch-2018" {
        return None;
    }
    let branch = Some(vec!["党支部".to_string()]);
    let r = |id: &str, name: &str, aliases: &[&str], per: Per, measure: &str| Requirement {
        id: id.into(),
        name: name.into(),
        per,
        min: 1,
        measure: measure.into(),
        applies_to: branch.clone(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        inherit: false,
    };
    Some(vec![
        r("dangyuandahui", "支部党员大会", &["党员大会"], Per::Quarter, "次"),
        r("zhiweihui", "支部委员会会议", &["支委会"], Per::Month, "次"),
        r("dangxiaozuhui", "党小组会", &["小组会"], Per::Month, "次"),
        r("dangke", "党课", &["讲党课"], Per::Year, "次"),
        r("zhutidangri", "主题党日", &["主题党日活动"], Per::Month, "次"),
        r("zuzhishenghuohui", "组织生活会", &[], Per::Year, "次"),
        r("minzhupingyi", "民主评议党员", &["民主评议"], Per::Year, "次"),
        r("tanxintanhua", "谈心谈话", &[], Per::Year, "人次"),
    ])
}

pub const PRESETS: &[&str] = &["branch-2018"];

/// One requirement applying to a unit, and where it came from.
#[derive(Debug, Clone)]
pub struct Applied<'a> {
    pub req: &'a Requirement,
    pub origin: &'a Origin,
    /// Declarations with the same id that this one hides (for `check`).
    pub overrides: Vec<&'a Origin>,
}

/// What the nearest-declaration-wins rule reads of a declaration: requirements and
/// disclosure-catalogue items (`domain::catalogue`) are declared the same way.
pub trait Scoped {
    fn id(&self) -> &str;
    /// Unit kinds; `None` = every unit (config/preset) or the declaring unit (checklist).
    fn applies_to(&self) -> Option<&[String]>;
    /// On a checklist: also for every descendant unit.
    fn inherit(&self) -> bool;
    fn origin(&self) -> &Origin;
}

impl Scoped for Declaration {
    fn id(&self) -> &str {
        &self.req.id
    }
    fn applies_to(&self) -> Option<&[String]> {
        self.req.applies_to.as_deref()
    }
    fn inherit(&self) -> bool {
        self.req.inherit
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
}

fn kind_matches(applies_to: Option<&[String]>, kind: Option<&str>) -> bool {
    match applies_to {
        None => true,
        Some(kinds) => kind.is_some_and(|k| kinds.iter().any(|x| x == k)),
    }
}

/// The declarations that apply to `unit`, nearest first by id (its own checklists,
/// then `inherit` entries of ancestors, nearest first, then config, then presets),
/// each with the farther declarations of the same id it hides. A declaration that
/// does not apply to the unit's kind hides nothing.
pub fn nearest<'a, D: Scoped>(units: &Units, decls: &'a [D], unit: usize) -> Vec<(&'a D, Vec<&'a Origin>)> {
    let kind = units.list[unit].kind.as_deref();
    let ancestors = units.ancestors(unit);
    // Rank: 0 own checklist, 1.. ancestors by distance, then config, then presets.
    let rank = |o: &Origin| -> Option<usize> {
        match o {
            Origin::Checklist { unit: u, .. } if *u == unit => Some(0),
            Origin::Checklist { unit: u, .. } => ancestors.iter().position(|a| a == u).map(|i| i + 1),
            Origin::Config => Some(1000),
            Origin::Preset { .. } => Some(1001),
        }
    };
    let mut candidates: Vec<(usize, &D)> = decls
        .iter()
        .filter_map(|d| rank(d.origin()).map(|r| (r, d)))
        .filter(|(r, d)| match d.origin() {
            Origin::Checklist { .. } if *r > 0 => d.inherit() && kind_matches(d.applies_to(), kind),
            _ => kind_matches(d.applies_to(), kind),
        })
        .collect();
    candidates.sort_by_key(|(r, _)| *r);
    let mut out: Vec<(&'a D, Vec<&'a Origin>)> = Vec::new();
    for (_, d) in candidates {
        match out.iter_mut().find(|(a, _)| a.id() == d.id()) {
            Some((_, hidden)) => hidden.push(d.origin()),
            None => out.push((d, Vec::new())),
        }
    }
    out
}

/// The requirements that apply to `unit` (`nearest`), with what each overrides.
pub fn applicable<'a>(units: &Units, decls: &'a [Declaration], unit: usize) -> Vec<Applied<'a>> {
    nearest(units, decls, unit).into_iter().map(|(d, overrides)| Applied { req: &d.req, origin: &d.origin, overrides }).collect()
}

/// Matches a `[counts]` key or `counts_as` entry: by id, then name, then aliases.
pub fn match_key<'a>(applied: &[Applied<'a>], key: &str) -> Option<&'a Requirement> {
    let key = key.trim();
    applied
        .iter()
        .find(|a| a.req.id == key)
        .or_else(|| applied.iter().find(|a| a.req.name == key))
        .or_else(|| applied.iter().find(|a| a.req.aliases.iter().any(|x| x == key)))
        .map(|a| a.req)
}

/// The requirement a meeting's name names, forgivingly (a Word meeting record's
/// `会议名称`, or its file name): `支委会会议` and `10月份支委会` name `支委会`,
/// `支部委员会` names `支部委员会会议`. Exact keys first, then the longest id,
/// name or alias inside the name, then a name or alias that contains it.
pub fn match_meeting<'a>(applied: &[Applied<'a>], meeting: &str) -> Option<&'a Requirement> {
    let m = meeting.trim();
    let exact = [Some(m), m.strip_suffix("会议"), m.strip_suffix("会议记录"), m.strip_suffix("记录")];
    if let Some(r) = exact.into_iter().flatten().filter(|k| !k.is_empty()).find_map(|k| match_key(applied, k)) {
        return Some(r);
    }
    let names =
        |a: &Applied<'a>| std::iter::once(a.req.id.as_str()).chain(std::iter::once(a.req.name.as_str())).chain(a.req.aliases.iter().map(String::as_str));
    let inside = applied.iter().flat_map(|a| names(a).filter(|n| n.chars().count() >= 2 && m.contains(n)).map(move |n| (n.chars().count(), a.req)));
    if let Some((_, r)) = inside.max_by_key(|(len, _)| *len) {
        return Some(r);
    }
    let core = m.strip_suffix("会议").unwrap_or(m);
    (core.chars().count() >= 3).then(|| applied.iter().find(|a| names(a).any(|n| n.contains(core))).map(|a| a.req)).flatten()
}

/// A did-you-mean for an unknown key, by id and Chinese name.
pub fn suggest(applied: &[Applied<'_>], key: &str) -> String {
    let names = applied
        .iter()
        .flat_map(|a| std::iter::once(a.req.id.as_str()).chain(std::iter::once(a.req.name.as_str())).chain(a.req.aliases.iter().map(String::as_str)));
    match crate::diag::did_you_mean(key, names) {
        Some(s) => format!("是不是“{s}”？"),
        None if applied.is_empty() => "这个单位没有适用的要求：在 config.toml、预设（presets）或责任清单中声明要求".into(),
        None => format!("本单位适用的要求：{}", applied.iter().take(12).map(|a| format!("{}（{}）", a.req.id, a.req.name)).collect::<Vec<_>>().join("、")),
    }
}

/// A requirement built in a test: `min` of `per`, counted in 次, no aliases.
#[cfg(test)]
pub fn test_requirement(id: &str, name: &str, per: Per, min: u32) -> Requirement {
    Requirement { id: id.into(), name: name.into(), per, min, measure: "次".into(), applies_to: None, aliases: vec![], inherit: false }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::unit::Unit;
    use serde_json::json;

    /// docs/officer-guide.md lists the preset as the code has it (id, name, aliases,
    /// period, minimum and measure), so officers read what is counted.
    #[test]
    fn the_officer_guide_lists_the_preset() {
        let guide = include_str!("../../docs/officer-guide.md");
        let start = guide.find("<!-- preset:branch-2018 -->").expect("the preset table in officer-guide.md");
        let rows: Vec<Vec<String>> = guide[start..]
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_string()).collect())
            .collect();
        let documented: Vec<[String; 4]> = rows.into_iter().map(|r| [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()]).collect();
        let code: Vec<[String; 4]> = preset("branch-2018")
            .unwrap()
            .into_iter()
            .map(|r| [r.id.clone(), r.name.clone(), r.aliases.join("、"), format!("{}至少 {} {}", r.per.name(), r.min, r.measure)])
            .collect();
        assert_eq!(documented, code);
    }

    fn units() -> Units {
        Units::new(vec![
            Unit { id: "jiguan".into(), title: "机关党委".into(), kind: Some("党委".into()), parent: None, ..Unit::default() },
            Unit { id: "diyi".into(), title: "第一党支部".into(), kind: Some("党支部".into()), parent: Some(0), ..Unit::default() },
            Unit { id: "xiaozu".into(), title: "小组".into(), kind: Some("党小组".into()), parent: Some(1), ..Unit::default() },
        ])
    }

    fn req(id: &str, per: Per, min: u32) -> Requirement {
        test_requirement(id, id, per, min)
    }

    #[test]
    fn parses_entries_and_reports_every_problem() {
        let r = parse_entry(&json!({"id": "zhiweihui", "name": "支部委员会会议", "per": "month", "min": 1, "aliases": ["支委会"]})).unwrap();
        assert_eq!((r.per, r.min, r.measure.as_str()), (Per::Month, 1, "次"));
        let errs = parse_entry(&json!({"id": "x", "per": "weekly", "min": 0, "inheret": true})).unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert_eq!(keys, ["per", "min", "requirements"]);
        assert!(errs[2].hint.contains("inherit"));
    }

    #[test]
    fn nearest_declaration_wins_and_kind_filters() {
        let u = units();
        let mut checklist = req("zhiweihui", Per::Quarter, 2);
        checklist.aliases = vec!["支委".into()];
        let mut inherited = req("yishixingtai", Per::Year, 2);
        inherited.inherit = true;
        let decls = vec![
            Declaration { req: preset("branch-2018").unwrap()[1].clone(), origin: Origin::Preset { name: "branch-2018".into() } },
            Declaration { req: checklist, origin: Origin::Checklist { unit: 1, page: "c.md".into() } },
            Declaration { req: inherited, origin: Origin::Checklist { unit: 0, page: "j.md".into() } },
            Declaration { req: req("local", Per::Year, 1), origin: Origin::Checklist { unit: 0, page: "j.md".into() } },
        ];
        let a = applicable(&u, &decls, 1);
        let z = a.iter().find(|x| x.req.id == "zhiweihui").unwrap();
        assert_eq!((z.req.per, z.req.min), (Per::Quarter, 2));
        assert_eq!(z.overrides.len(), 1);
        // aliases belong to the winning declaration only
        assert!(match_key(&a, "支委").is_some());
        assert!(match_key(&a, "支委会").is_none());
        assert!(a.iter().any(|x| x.req.id == "yishixingtai"), "inherited");
        assert!(!a.iter().any(|x| x.req.id == "local"), "not inherited");
        // the preset is for 党支部 only; the 党委 gets its own checklist entries
        let top: Vec<_> = applicable(&u, &decls, 0).iter().map(|x| x.req.id.clone()).collect();
        assert_eq!(top, ["yishixingtai", "local"]);
        // a 党小组 gets the inherited one, not the branch preset
        let leaf: Vec<_> = applicable(&u, &decls, 2).iter().map(|x| x.req.id.clone()).collect();
        assert_eq!(leaf, ["yishixingtai"]);
    }

    #[test]
    fn keys_match_id_then_name_then_alias() {
        let u = units();
        let decls: Vec<Declaration> =
            preset("branch-2018").unwrap().into_iter().map(|req| Declaration { req, origin: Origin::Preset { name: "branch-2018".into() } }).collect();
        let a = applicable(&u, &decls, 1);
        assert_eq!(match_key(&a, "zhiweihui").unwrap().id, "zhiweihui");
        assert_eq!(match_key(&a, "支部委员会会议").unwrap().id, "zhiweihui");
        assert_eq!(match_key(&a, "支委会").unwrap().id, "zhiweihui");
        assert!(match_key(&a, "支委员会").is_none());
        assert!(suggest(&a, "zhiweihiu").contains("zhiweihui"));
    }

    #[test]
    fn meetings_name_their_requirement_forgivingly() {
        let decls: Vec<Declaration> = preset("branch-2018").unwrap().into_iter().map(|req| Declaration { req, origin: Origin::Config }).collect();
        let units = units();
        let applied = applicable(&units, &decls, 1);
        let id = |m: &str| match_meeting(&applied, m).map(|r| r.id.as_str());
        assert_eq!(id("支委会"), Some("zhiweihui"));
        assert_eq!(id("支委会会议"), Some("zhiweihui"));
        assert_eq!(id("第一党支部10月份支委会"), Some("zhiweihui"));
        assert_eq!(id("支部委员会"), Some("zhiweihui"));
        assert_eq!(id("支部党员大会"), Some("dangyuandahui"));
        assert_eq!(id("第三季度党员大会"), Some("dangyuandahui"));
        assert_eq!(id("读书分享会"), None);
    }
}
