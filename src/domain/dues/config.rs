//! The `[dues]` table of config.toml: overrides of the rate table and the options of
//! dues disclosures. Every problem is returned at once, each with its key path.
//!
//! ```toml
//! [dues]
//! farmer_monthly = 0.5                 # 农民: fixes the monthly amount (0.20–1.00);
//!                                      # unset, any amount from 0.20 to 1.00 is accepted
//! fixed = { 学生 = 0.2, 其他 = 1 }      # a fixed monthly amount per category
//! public_member_amounts = false        # public build: per-member standards and amounts
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

const KEYS: [&str; 5] = ["farmer_monthly", "fixed", "brackets", "public_member_amounts", "contact"];
const BRACKET_KEYS: [&str; 3] = ["category", "up_to", "rate"];
const MAX_RATE: BasisPoints = 1000;
const CATEGORY_HINT: &str = "可用的类别：在职、离退休、农民、学生、下岗失业、低保、其他";

/// Options of dues disclosures, beside the rate table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DuesOptions {
    /// Public build shows each member's standard and amounts (default: only totals and
    /// bracket counts; masked names either way).
    pub public_member_amounts: bool,
    /// Who to ask about a disclosure.
    pub contact: Option<String>,
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
                "public_member_amounts" => match v {
                    Value::Boolean(b) => options.public_member_amounts = *b,
                    other => errs.push(key, None, format!("[dues] public_member_amounts 应是 true 或 false，实际是 {other}"), "false（默认）：公开版只显示合计和各档人数；true：公开版也显示每人的标准和金额"),
                },
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
        errs.push(key, None, format!("[dues] farmer_monthly 为 {m} 元，超出农民党员每月 0.20–1.00 元的标准"), "填 0.20 到 1.00 之间的金额，如 farmer_monthly = 0.5；不填则 0.20–1.00 元都算足额");
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
        errs.push(key, None, format!("[dues] fixed 应是“类别 = 月额”的表，实际是 {v}"), "例如 fixed = { 学生 = 0.2, 低保 = 0.2 }");
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
        errs.push(key, None, "[dues] brackets 应写成一组 [[dues.brackets]] 表".into(), "每档一段：[[dues.brackets]] category = \"在职\" up_to = 3000 rate = \"0.5%\"");
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
            (None, false) => errs.push(key, Some(e.at), format!("第 {n} 个 [[dues.brackets]]（{label}）没有 up_to，却不是该类别的最后一档"), "只有最后一档不写 up_to（表示以上）；各档按 up_to 从低到高排列"),
            (Some(up), true) => errs.push(key, Some(e.at), format!("“{label}”类的最后一档（第 {n} 个 [[dues.brackets]]）写了 up_to = {up}，高于它的基数没有比例"), "最后一档不写 up_to，表示以上"),
            (Some(up), false) if i > 0 && mine[i - 1].bracket.up_to.is_some_and(|prev| up <= prev) => {
                errs.push(key, Some(e.at), format!("第 {n} 个 [[dues.brackets]]（{label}）的 up_to = {up} 不高于上一档"), "同一类别的各档按 up_to 从低到高排列")
            }
            _ => {}
        }
    }
    errs.0.len() == before
}
