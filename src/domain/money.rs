//! Exact money: an integer number of fen (分). Never a float in arithmetic.
//!
//! Spreadsheets hand us floats (`271.58` is `271.58000000000001`); they are
//! read through their shortest decimal form, so what the cell shows is what
//! we get. Rounding is half-up (四舍五入) to the fen everywhere.

use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// A rate in basis points: 1.5% = 150.
pub type BasisPoints = u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a number at all (`伍拾元`, `abc`).
    NotANumber,
    /// A number with something around it (`50元`, `¥50`): the number is given.
    Decorated(String),
    /// Too large to be a plausible amount.
    TooLarge,
}

const MAX_FEN: i64 = 1_000_000_000_000; // 100 亿元

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    /// Parses a decimal as written: `1234.5`, `-3`, `1,234.50`, ` 12.345 `
    /// (rounded half-up to `12.35`). Thousands separators are accepted;
    /// currency signs and units are not (they are reported as `Decorated`).
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim();
        if let Some(m) = parse_plain(t) {
            return m;
        }
        let core = t.trim_start_matches(['¥', '￥', '$']).trim_end_matches(['元', '圆', '块']).trim();
        match parse_plain(core) {
            Some(Ok(_)) => Err(MoneyError::Decorated(core.to_string())),
            _ => Err(MoneyError::NotANumber),
        }
    }

    /// A spreadsheet number, read through its shortest decimal form.
    pub fn from_f64(value: f64) -> Result<Money, MoneyError> {
        if !value.is_finite() {
            return Err(MoneyError::NotANumber);
        }
        // Display for f64 never uses exponent notation and round-trips.
        match parse_plain(&value.to_string()) {
            Some(r) => r,
            None => Err(MoneyError::NotANumber),
        }
    }

    /// `self × rate`, rounded half-up to the fen (negative amounts round away from zero).
    pub fn percent(self, rate: BasisPoints) -> Money {
        let product = self.0 as i128 * rate as i128;
        let half = 5_000i128;
        let fen = if product >= 0 { (product + half) / 10_000 } else { (product - half) / 10_000 };
        Money(fen as i64)
    }

    pub fn times(self, n: u32) -> Money {
        Money(self.0 * n as i64)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `floor(self ÷ unit)`, or None when `unit` is zero.
    pub fn div_floor(self, unit: Money) -> Option<i64> {
        (unit.0 != 0).then(|| self.0.div_euclid(unit.0))
    }
}

/// `Some(result)` when `t` is a plain decimal (digits, optional sign, point,
/// thousands commas); `None` when it has anything else in it.
fn parse_plain(t: &str) -> Option<Result<Money, MoneyError>> {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
    let valid_commas = !int_part.starts_with(',') && !int_part.ends_with(',');
    if (int_digits.is_empty() && frac_part.is_empty())
        || !valid_commas
        || !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
        || (int_digits.is_empty() && body.starts_with(','))
    {
        return None;
    }
    if int_digits.len() > 13 {
        return Some(Err(MoneyError::TooLarge));
    }
    let yuan: i64 = if int_digits.is_empty() { 0 } else { int_digits.parse().ok()? };
    let frac = frac_part.as_bytes();
    let digit = |i: usize| frac.get(i).map_or(0, |d| (d - b'0') as i64);
    let mut fen = yuan * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        fen += 1;
    }
    if fen > MAX_FEN {
        return Some(Err(MoneyError::TooLarge));
    }
    Some(Ok(Money(if negative { -fen } else { fen })))
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// `1234.50`, `-0.20`: yuan with two decimals, no separators (as on a 公示).
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(m("1234.5").fen(), 123_450);
        assert_eq!(m("1,234.50").fen(), 123_450);
        assert_eq!(m(" 0.2 ").fen(), 20);
        assert_eq!(m("-3").fen(), -300);
        assert_eq!(m(".5").fen(), 50);
        assert_eq!(m("12.345").fen(), 1235);
        assert_eq!(m("12.344").fen(), 1234);
    }

    #[test]
    fn rejects_words_and_reports_units() {
        assert_eq!(Money::parse("伍拾元"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("50元"), Err(MoneyError::Decorated("50".into())));
        assert_eq!(Money::parse("￥50.00"), Err(MoneyError::Decorated("50.00".into())));
        assert_eq!(Money::parse(""), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse(",5"), Err(MoneyError::NotANumber));
    }

    #[test]
    fn floats_read_as_displayed() {
        assert_eq!(Money::from_f64(271.58).unwrap().fen(), 27158);
        assert_eq!(Money::from_f64(1.005).unwrap().fen(), 101);
        assert_eq!(Money::from_f64(0.1 + 0.2).unwrap().fen(), 30);
        assert!(Money::from_f64(f64::NAN).is_err());
        assert_eq!(Money::from_f64(1e300), Err(MoneyError::TooLarge));
    }

    #[test]
    fn percent_rounds_half_up_per_contract() {
        // 13579.24 × 2% = 271.5848 → 271.58; × 3 months = 814.74
        let monthly = m("13579.24").percent(200);
        assert_eq!(monthly.to_string(), "271.58");
        assert_eq!(monthly.times(3).to_string(), "814.74");
        assert_eq!(m("3000").percent(50).to_string(), "15.00");
        assert_eq!(m("4321.10").percent(150).to_string(), "64.82"); // 64.8165
        assert_eq!(m("100.10").percent(50).to_string(), "0.50"); // 0.5005
        assert_eq!(m("100.30").percent(50).to_string(), "0.50"); // 0.5015 → 0.50
        assert_eq!(m("101").percent(50).to_string(), "0.51"); // 0.505 → 0.51
    }

    #[test]
    fn display_and_division() {
        assert_eq!(Money::from_fen(-20).to_string(), "-0.20");
        assert_eq!(m("10").div_floor(m("3")), Some(3));
        assert_eq!(m("10").div_floor(Money::ZERO), None);
    }
}
