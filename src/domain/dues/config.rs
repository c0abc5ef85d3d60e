//! The `[dues]` table of config.toml: overrides of the rate table and the options of
//! dues disclosures. Every problem is returned at once, each with its key path.
//!
//! ```toml
//! [dues]
//! farmer_monthly = 0.5                 # 农民: fixes the monthly amount (0.20–1.00);
//!                                      # unset, any amount from 0.20 to 1.00 is accepted
//! fixed = { "学生" = 0.2, other = 1 }  # a fixed monthly amount per category; Chinese
//!                                      # keys need quotes in TOML, English ones do not
//! public_min_group = 3                 # public build: no figure for fewer members
//! contact = "机关党委组织部 0000-0000000"  # who to ask, shown on disclosures
//!
//! [[dues.brackets]]                    # replaces all brackets of that category
//! category = "在职"
//! up_to = 3000                         # inclusive; leave it out on the last bracket
//! rate = "0.5%"                        # or 0.005
//! ```
//!
//! Amounts are numbers or strings (`0.5`, `"0.50"`), read exactly to the fen; rates are
//! percent strings (`"1.5%"`) or fractions (`0.015`), exact to 0.01%, at most 10%.
//! `fixed` takes any category but 农民 (that is `farmer_monthly`); a category is given
//! either brackets or a fixed amount, not both. Unset categories keep the 2008 table.

use super::{Bracket, Category, RateTable, Rule};
use crate::diag::did_you_mean;
use crate::domain::money::{BasisPoints, Money, MoneyError};
use serde::Serialize;
use toml::Value;

const KEYS: [&str; 5] = ["farmer_monthly", "fixed", "brackets", "public_min_group", "contact"];
/// The smallest `public_min_group`: with 2, each of the two could work out the other's dues.
pub const MIN_PUBLIC_GROUP: u32 = 3;
const BRACKET_KEYS: [&str; 3] = ["category", "up_to", "rate"];
const MAX_RATE: BasisPoints = 1000;
const CATEGORY_HINT: &str = "可用的类别：在职、离退休、农民、学生、下岗失业、低保、其他";

/// Options of dues disclosures, beside the rate table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuesOptions {
    /// A public build shows no figure for a group (a category, a bracket, the whole
    /// disclosure) of fewer members than this (default and minimum 3).
    pub public_min_group: u32,
    /// Who to ask about a disclosure.
    pub contact: Option<String>,
}

impl Default for DuesOptions {
    fn default() -> Self {
        DuesOptions { public_min_group: MIN_PUBLIC_GROUP, contact: None }
    }
}

/// One problem in `[dues]`: `key` is its path (`dues.brackets[1].rate`, 0-based),
/// `entry` the index of the `[[dues.brackets]]` it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesConfigError {
    pub key: String,
    pub entry: Option<usize>,
    pub message: String,
    pub hint: String,
}

#[derive(Default)]
struct Errors(Vec<DuesConfigError>);

impl Errors {
    fn push(&mut self, key: impl Into<String>, entry: Option<usize>, message: String, hint: impl Into<String>) {
        self.0.push(DuesConfigError { key: key.into(), entry, message, hint: hint.into() });
    }

    fn unknown(&mut self, key: String, entry: Option<usize>, name: &str, known: &[&str], place: &str) {
        let hint = match did_you_mean(name, known.iter().copied()) {
            Some(s) => format!("是不是想写“{s}”？"),
            None => format!("{place} 可用的设置项：{}", known.join("、")),
        };
        self.push(key, entry, format!("{place} 中有不认识的设置项“{name}”"), hint);
    }
}

/// Brackets read from one `[[dues.brackets]]` entry.
struct Entry {
    at: usize,
    category: Category,
    bracket: Bracket,
}

impl RateTable {
    /// Reads the `[dues]` table (its contents, without the `dues` key). See the module doc.
    pub fn from_config(table: &toml::Table) -> Result<(RateTable, DuesOptions), Vec<DuesConfigError>> {
        let mut errs = Errors::default();
        let mut rates = RateTable::default();
        let mut options = DuesOptions::default();
        let mut fixed: Vec<(Category, Money)> = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        for (k, v) in table {
            let key = format!("dues.{k}");
            match k.as_str() {
                "farmer_monthly" => {
                    if let Some(m) = farmer_monthly(&key, v, &mut errs) {
                        rates.set(Category::Farmer, Rule::Fixed(m));
                    }
                }
                "fixed" => fixed = fixed_amounts(&key, v, &mut errs),
                "brackets" => entries = bracket_entries(&key, v, &mut errs),
                "public_min_group" => match v.as_integer().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) if (MIN_PUBLIC_GROUP..=1000).contains(&n) => options.public_min_group = n,
                    _ => errs.push(
                        key,
                        None,
                        format!("[dues] public_min_group 应是 {MIN_PUBLIC_GROUP} 到 1000 的整数，实际是 {v}"),
                        "公开版中人数少于这个数的档次不单列金额，默认 3；少于 3 时，两个人就能互相推算出对方的党费",
                    ),
                },
                // Removed: one person's dues are personal data, never public.
                "public_member_amounts" => errs.push(
                    key,
                    None,
                    "[dues] public_member_amounts 已不再支持：公开版不逐人公示党费金额（个人的党费属于个人信息）".into(),
                    "删除这一行。逐人的应缴、实缴在党内版（--audience internal）中按姓名列出；公开版只显示合计和人数不少于 3 人的档次",
                ),
                "contact" => match v {
                    Value::String(s) if !s.trim().is_empty() => options.contact = Some(s.trim().to_string()),
                    other => errs.push(key, None, format!("[dues] contact 应是一段文字，实际是 {other}"), "例如 contact = \"机关党委组织部 0000-0000000\""),
                },
                other => errs.unknown(key, None, other, &KEYS, "[dues]"),
            }
        }
        for &(c, m) in &fixed {
            if let Some(e) = entries.iter().find(|e| e.category == c) {
                let key = format!("dues.fixed.{}", c.label());
                let message = format!("[dues] 中“{}”类既设了固定月额 {m} 元，又在第 {} 个 [[dues.brackets]] 中分档", c.label(), e.at + 1);
                errs.push(key, Some(e.at), message, "二者只能选一种：删去 fixed 中的这一项，或删去该类别的各档");
            }
            rates.set(c, Rule::Fixed(m));
        }
        for c in Category::ALL {
            let mine: Vec<&Entry> = entries.iter().filter(|e| e.category == c).collect();
            if !mine.is_empty() && check_order(&mine, &mut errs) {
                rates.set(c, Rule::Brackets(mine.iter().map(|e| e.bracket).collect()));
            }
        }
        if errs.0.is_empty() {
            Ok((rates, options))
        } else {
            Err(errs.0)
        }
    }
}

fn farmer_monthly(key: &str, v: &Value, errs: &mut Errors) -> Option<Money> {
    let m = amount(key, None, v, errs)?;
    if m < Money::from_fen(20) || m > Money::yuan(1) {
        errs.push(
            key,
            None,
            format!("[dues] farmer_monthly 为 {m} 元，超出农民党员每月 0.20–1.00 元的标准"),
            "填 0.20 到 1.00 之间的金额，如 farmer_monthly = 0.5；不填则 0.20–1.00 元都算足额",
        );
        return None;
    }
    Some(m)
}

/// A positive amount of money, exact to the fen.
fn amount(key: &str, entry: Option<usize>, v: &Value, errs: &mut Errors) -> Option<Money> {
    let parsed = match v {
        Value::Integer(i) if i.unsigned_abs() <= 1_000_000_000 => Ok(Money::yuan(*i)),
        Value::Integer(_) => Err(MoneyError::TooLarge),
        Value::Float(f) => Money::from_f64(*f),
        Value::String(s) => Money::parse(s),
        _ => Err(MoneyError::NotANumber),
    };
    let (message, hint) = match parsed {
        Ok(m) if m > Money::ZERO => return Some(m),
        Ok(m) => (format!("{key} 为 {m} 元，应大于 0"), "填一个正数金额，如 0.2".to_string()),
        Err(MoneyError::Decorated(n)) => (format!("{key} 的金额“{v}”带了单位或符号"), format!("只写数字：{n}")),
        Err(MoneyError::TooLarge) => (format!("{key} 的金额 {v} 过大"), "检查是否多写了几位".to_string()),
        Err(MoneyError::NotANumber) => (format!("{key} 应是金额，实际是 {v}"), "写成数字，如 0.2 或 \"0.20\"（单位：元）".to_string()),
    };
    errs.push(key, entry, message, hint);
    None
}

fn fixed_amounts(key: &str, v: &Value, errs: &mut Errors) -> Vec<(Category, Money)> {
    let Value::Table(t) = v else {
        errs.push(
            key,
            None,
            format!("[dues] fixed 应是“类别 = 月额”的表，实际是 {v}"),
            "例如 fixed = { \"学生\" = 0.2, \"低保\" = 0.2 }（中文类别名要加引号）",
        );
        return Vec::new();
    };
    let mut out: Vec<(Category, Money)> = Vec::new();
    for (name, value) in t {
        let key = format!("{key}.{name}");
        let Some(c) = category(&key, None, name, errs) else { continue };
        if c == Category::Farmer {
            errs.push(key, None, "[dues] fixed 中不设农民党员的月额".into(), "农民党员的固定月额写在 farmer_monthly，如 farmer_monthly = 0.5");
        } else if out.iter().any(|(o, _)| *o == c) {
            errs.push(key, None, format!("[dues] fixed 中“{}”类写了两次（{name}）", c.label()), "同一类别只写一次");
        } else if let Some(m) = amount(&key, None, value, errs) {
            out.push((c, m));
        }
    }
    out
}

fn category(key: &str, entry: Option<usize>, name: &str, errs: &mut Errors) -> Option<Category> {
    let c = Category::parse(name);
    if c.is_none() {
        let labels = Category::ALL.map(Category::label);
        let hint = match did_you_mean(name.trim(), labels) {
            Some(s) => format!("是不是“{s}”？{CATEGORY_HINT}"),
            None => CATEGORY_HINT.into(),
        };
        errs.push(key, entry, format!("不认识的党员类别“{name}”"), hint);
    }
    c
}

fn bracket_entries(key: &str, v: &Value, errs: &mut Errors) -> Vec<Entry> {
    let tables: Option<Vec<&toml::Table>> = v.as_array().and_then(|a| a.iter().map(Value::as_table).collect());
    let Some(tables) = tables else {
        errs.push(
            key,
            None,
            "[dues] brackets 应写成一组 [[dues.brackets]] 表".into(),
            "每档一段：[[dues.brackets]] category = \"在职\" up_to = 3000 rate = \"0.5%\"",
        );
        return Vec::new();
    };
    tables.iter().enumerate().filter_map(|(at, t)| bracket_entry(&format!("{key}[{at}]"), at, t, errs)).collect()
}

fn bracket_entry(key: &str, at: usize, t: &toml::Table, errs: &mut Errors) -> Option<Entry> {
    let n = at + 1;
    for k in t.keys().filter(|k| !BRACKET_KEYS.contains(&k.as_str())) {
        errs.unknown(format!("{key}.{k}"), Some(at), k, &BRACKET_KEYS, &format!("第 {n} 个 [[dues.brackets]]"));
    }
    let category = match t.get("category") {
        Some(Value::String(s)) => category(&format!("{key}.category"), Some(at), s, errs),
        Some(other) => {
            errs.push(format!("{key}.category"), Some(at), format!("第 {n} 个 [[dues.brackets]] 的 category 应是类别名，实际是 {other}"), CATEGORY_HINT);
            None
        }
        None => {
            errs.push(key, Some(at), format!("第 {n} 个 [[dues.brackets]] 缺少 category"), "写明这一档属于哪类党员，如 category = \"在职\"");
            None
        }
    };
    let up_to = t.get("up_to").map(|v| amount(&format!("{key}.up_to"), Some(at), v, errs));
    let rate = match t.get("rate") {
        Some(v) => rate(&format!("{key}.rate"), at, v, errs),
        None => {
            errs.push(key, Some(at), format!("第 {n} 个 [[dues.brackets]] 缺少 rate"), "写明这一档的比例，如 rate = \"0.5%\"");
            None
        }
    };
    match (category, up_to, rate) {
        (Some(category), None, Some(rate)) => Some(Entry { at, category, bracket: Bracket { up_to: None, rate } }),
        (Some(category), Some(Some(up)), Some(rate)) => Some(Entry { at, category, bracket: Bracket { up_to: Some(up), rate } }),
        _ => None,
    }
}

/// `"0.5%"` or `0.005` as basis points, exactly; 0 < rate ≤ 10%.
fn rate(key: &str, at: usize, v: &Value, errs: &mut Errors) -> Option<BasisPoints> {
    let parsed = match v {
        Value::String(s) => s.trim().strip_suffix(['%', '％']).and_then(|p| scaled(p.trim(), 2)),
        Value::Float(f) => scaled(&f.to_string(), 4),
        Value::Integer(i) => u64::try_from(*i).ok().map(|i| i.saturating_mul(10_000)),
        _ => None,
    };
    let hint = "写成百分数字符串如 rate = \"1.5%\"，或小数如 rate = 0.015；精确到 0.01%，不超过 10%";
    match parsed {
        Some(bp) if (1..=u64::from(MAX_RATE)).contains(&bp) => Some(bp as BasisPoints),
        Some(bp) if bp > u64::from(MAX_RATE) => {
            errs.push(key, Some(at), format!("{key} 为 {v}，即超过 10%"), format!("{hint}（若想写 0.5%，请写 \"0.5%\" 或 0.005）"));
            None
        }
        _ => {
            errs.push(key, Some(at), format!("{key} 的比例 {v} 无效"), hint);
            None
        }
    }
}

/// A plain non-negative decimal × 10^places, when it has no more decimals than that.
fn scaled(text: &str, places: usize) -> Option<u64> {
    let (int, written) = text.split_once('.').unwrap_or((text, ""));
    let frac = written.trim_end_matches('0');
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && written.is_empty()) || !digits(int) || !digits(written) || frac.len() > places || int.len() > 9 {
        return None;
    }
    format!("{int}{frac:0<places$}").parse().ok()
}

/// Within one category: ascending `up_to`, and only the last bracket open-ended.
fn check_order(mine: &[&Entry], errs: &mut Errors) -> bool {
    let before = errs.0.len();
    let last = mine.len() - 1;
    for (i, e) in mine.iter().enumerate() {
        let key = format!("dues.brackets[{}].up_to", e.at);
        let (n, label) = (e.at + 1, e.category.label());
        match (e.bracket.up_to, i == last) {
            (None, false) => errs.push(
                key,
                Some(e.at),
                format!("第 {n} 个 [[dues.brackets]]（{label}）没有 up_to，却不是该类别的最后一档"),
                "只有最后一档不写 up_to（表示以上）；各档按 up_to 从低到高排列",
            ),
            (Some(up), true) => errs.push(
                key,
                Some(e.at),
                format!("“{label}”类的最后一档（第 {n} 个 [[dues.brackets]]）写了 up_to = {up}，高于它的基数没有比例"),
                "最后一档不写 up_to，表示以上",
            ),
            (Some(up), false) if i > 0 && mine[i - 1].bracket.up_to.is_some_and(|prev| up <= prev) => {
                errs.push(key, Some(e.at), format!("第 {n} 个 [[dues.brackets]]（{label}）的 up_to = {up} 不高于上一档"), "同一类别的各档按 up_to 从低到高排列")
            }
            _ => {}
        }
    }
    errs.0.len() == before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(RateTable, DuesOptions), Vec<DuesConfigError>> {
        RateTable::from_config(&text.parse::<toml::Table>().unwrap())
    }

    /// The single error `text` gives: (key, message, hint).
    fn error(text: &str) -> (String, String, String) {
        let errs = parse(text).expect_err(text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        let e = errs.into_iter().next().unwrap();
        (e.key, e.message, e.hint)
    }

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn empty_table_is_the_national_table() {
        assert_eq!(parse("").unwrap(), (RateTable::default(), DuesOptions::default()));
    }

    #[test]
    fn overrides_apply_exactly() {
        let (t, o) = parse(
            r#"
            farmer_monthly = 0.5
            fixed = { "学生" = "0.30", other = 1, "低保" = 0.1 }
            public_min_group = 5
            contact = " 组织部 "
            [[brackets]]
            category = "离退休"
            up_to = 4000.5
            rate = "0.5%"
            [[brackets]]
            category = "退休"
            up_to = "8000"
            rate = 0.015
            [[brackets]]
            category = "retired"
            rate = "2％"
            "#,
        )
        .unwrap();
        assert_eq!(t.rule(Category::Farmer), &Rule::Fixed(m("0.50")));
        assert_eq!(t.rule(Category::Student), &Rule::Fixed(m("0.30")));
        assert_eq!(t.rule(Category::Other), &Rule::Fixed(m("1.00")));
        assert_eq!(t.rule(Category::Dibao), &Rule::Fixed(m("0.10")));
        assert_eq!(t.rule(Category::Unemployed), &Rule::Fixed(m("0.20")));
        let retired = vec![Bracket { up_to: Some(m("4000.50")), rate: 50 }, Bracket { up_to: Some(m("8000")), rate: 150 }, Bracket { up_to: None, rate: 200 }];
        assert_eq!(t.rule(Category::Retired), &Rule::Brackets(retired));
        assert_eq!(t.rule(Category::Employed), RateTable::default().rule(Category::Employed));
        assert_eq!(o, DuesOptions { public_min_group: 5, contact: Some("组织部".into()) });
        let d = super::super::due(Some(Category::Retired), Some(m("4000.51")), &t).unwrap();
        assert_eq!((d.standard.as_str(), d.monthly), ("4000.50–8000元", m("60.01")));
        // 60.00765
    }

    #[test]
    fn rates_are_exact_basis_points() {
        let one = |rate: &str| parse(&format!("[[brackets]]\ncategory = \"在职\"\nrate = {rate}")).map(|(t, _)| t.rule(Category::Employed).clone());
        let rule = |bp| Ok(Rule::Brackets(vec![Bracket { up_to: None, rate: bp }]));
        assert_eq!(one("\"0.5%\""), rule(50));
        assert_eq!(one("\" 1.25 % \""), rule(125));
        assert_eq!(one("\"1.50%\""), rule(150));
        assert_eq!(one("0.005"), rule(50));
        assert_eq!(one("0.0015"), rule(15));
        assert_eq!(one("0.1"), rule(1000));
        assert!(one("\"0.125%\"").is_err()); // not a whole basis point
        assert!(one("0.00125").is_err());
        assert!(one("\"0.5\"").is_err()); // a string without % is ambiguous
        assert!(one("\"0%\"").is_err());
        assert!(one("-0.005").is_err());
        assert!(one("\"%\"").is_err());
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let (key, message, hint) = error("farmer_montly = 0.5");
        assert_eq!(
            (key.as_str(), message.as_str(), hint.as_str()),
            ("dues.farmer_montly", "[dues] 中有不认识的设置项“farmer_montly”", "是不是想写“farmer_monthly”？")
        );
        let (_, _, hint) = error("zzz = 1");
        assert_eq!(hint, "[dues] 可用的设置项：farmer_monthly、fixed、brackets、public_min_group、contact");
        let (key, message, hint) = error("[[brackets]]\ncategory = \"在职\"\nrate = \"1%\"\nupto = 3000");
        assert_eq!(
            (key.as_str(), message.as_str(), hint.as_str()),
            ("dues.brackets[0].upto", "第 1 个 [[dues.brackets]] 中有不认识的设置项“upto”", "是不是想写“up_to”？")
        );
    }

    #[test]
    fn every_value_error_names_its_key() {
        let cases: &[(&str, &str, &str)] = &[
            ("farmer_monthly = \"五毛\"", "dues.farmer_monthly", "应是金额"),
            ("farmer_monthly = \"0.5元\"", "dues.farmer_monthly", "带了单位"),
            ("farmer_monthly = 2", "dues.farmer_monthly", "超出农民党员每月 0.20–1.00 元"),
            ("farmer_monthly = 0.1", "dues.farmer_monthly", "超出"),
            ("farmer_monthly = true", "dues.farmer_monthly", "应是金额"),
            ("fixed = 0.2", "dues.fixed", "应是“类别 = 月额”的表"),
            ("fixed = { \"学声\" = 0.2 }", "dues.fixed.学声", "不认识的党员类别“学声”"),
            ("fixed = { \"学生\" = 0 }", "dues.fixed.学生", "应大于 0"),
            ("fixed = { \"学生\" = -0.2 }", "dues.fixed.学生", "应大于 0"),
            ("fixed = { \"学生\" = 99999999999 }", "dues.fixed.学生", "过大"),
            ("fixed = { \"农民\" = 0.5 }", "dues.fixed.农民", "不设农民党员"),
            ("fixed = { \"学生\" = 0.2, student = 0.3 }", "dues.fixed.学生", "写了两次"),
            ("brackets = 1", "dues.brackets", "一组 [[dues.brackets]]"),
            ("brackets = [1]", "dues.brackets", "一组 [[dues.brackets]]"),
            ("[[brackets]]\nrate = \"1%\"", "dues.brackets[0]", "缺少 category"),
            ("[[brackets]]\ncategory = 1\nrate = \"1%\"", "dues.brackets[0].category", "应是类别名"),
            ("[[brackets]]\ncategory = \"干部\"\nrate = \"1%\"", "dues.brackets[0].category", "不认识的党员类别“干部”"),
            ("[[brackets]]\ncategory = \"在职\"", "dues.brackets[0]", "缺少 rate"),
            ("[[brackets]]\ncategory = \"在职\"\nrate = \"abc\"", "dues.brackets[0].rate", "无效"),
            ("[[brackets]]\ncategory = \"在职\"\nrate = 0.5", "dues.brackets[0].rate", "超过 10%"),
            ("[[brackets]]\ncategory = \"在职\"\nrate = \"1%\"\nup_to = \"x\"", "dues.brackets[0].up_to", "应是金额"),
            ("[[brackets]]\ncategory = \"在职\"\nrate = \"1%\"\nup_to = 3000", "dues.brackets[0].up_to", "最后一档"),
            (
                "[[brackets]]\ncategory = \"在职\"\nrate = \"1%\"\n[[brackets]]\ncategory = \"在职\"\nrate = \"2%\"",
                "dues.brackets[0].up_to",
                "不是该类别的最后一档",
            ),
            (
                "[[brackets]]\ncategory = \"在职\"\nup_to = 5000\nrate = \"1%\"\n[[brackets]]\ncategory = \"在职\"\nup_to = 5000\nrate = \"1%\"\n[[brackets]]\ncategory = \"在职\"\nrate = \"2%\"",
                "dues.brackets[1].up_to",
                "不高于上一档",
            ),
            ("fixed = { \"在职\" = 10 }\n[[brackets]]\ncategory = \"在职\"\nrate = \"1%\"", "dues.fixed.在职", "既设了固定月额"),
            ("public_min_group = 2", "dues.public_min_group", "应是 3 到 1000 的整数"),
            ("public_min_group = \"5\"", "dues.public_min_group", "应是 3 到 1000 的整数"),
            ("public_member_amounts = true", "dues.public_member_amounts", "已不再支持"),
            ("contact = \"  \"", "dues.contact", "应是一段文字"),
            ("contact = 110", "dues.contact", "应是一段文字"),
        ];
        for (text, key, fragment) in cases {
            let (k, message, hint) = error(text);
            assert_eq!(&k, key, "{text}");
            assert!(message.contains(fragment), "{text}: {message}");
            assert!(!hint.is_empty(), "{text}");
        }
    }

    #[test]
    fn all_errors_come_at_once_with_their_entry() {
        let errs = parse(
            r#"
            farmer_monthly = 5
            colour = "red"
            fixed = { "学声" = 0.2 }
            [[brackets]]
            category = "在职"
            rate = "1%"
            [[brackets]]
            category = "在职"
            up_to = 3000
            rate = "200%"
            "#,
        )
        .unwrap_err();
        let keys: Vec<(&str, Option<usize>)> = errs.iter().map(|e| (e.key.as_str(), e.entry)).collect();
        assert_eq!(keys, [("dues.brackets[1].rate", Some(1)), ("dues.colour", None), ("dues.farmer_monthly", None), ("dues.fixed.学声", None)]);
        let (_, _, hint) = error("fixed = { \"学声\" = 0.2 }");
        assert!(hint.starts_with("是不是“学生”？"), "{hint}");
    }
}
