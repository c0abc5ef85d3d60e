//! The words of the draft: a paragraph built run by run (`Para`), Chinese ordinals,
//! dates and numbers as officers write them, and the verb an activity takes
//! (召开支委会, 讲党课, 开展主题党日).

use super::{Block, Fact, Run};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// A paragraph in the making.
#[derive(Default)]
pub struct Para(pub Vec<Run>);

impl Para {
    pub fn text(&mut self, s: &str) -> &mut Self {
        match self.0.last_mut() {
            Some(r) if r.fact.is_none() && !r.quote && r.note.is_none() => r.text.push_str(s),
            _ => self.0.push(Run { text: s.to_string(), fact: None, quote: false, note: None }),
        }
        self
    }

    /// Text quoted from the content (a title, a topic): kept as written.
    pub fn quote(&mut self, s: &str) -> &mut Self {
        self.0.push(Run { text: s.to_string(), fact: None, quote: true, note: None });
        self
    }

    /// A number (or date) as shown, with where it sits in compliance.json.
    pub fn fact(&mut self, shown: String, paths: Vec<String>, value: Value) -> &mut Self {
        self.0.push(Run { text: shown, fact: Some(Fact { paths, value }), quote: false, note: None });
        self
    }

    /// A count: `12`, from one path.
    pub fn count(&mut self, n: u32, path: String) -> &mut Self {
        self.fact(n.to_string(), vec![path], Value::from(n))
    }

    pub fn note(&mut self, n: usize) -> &mut Self {
        self.0.push(Run { text: format!("〔{n}〕"), fact: None, quote: false, note: Some(n) });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn block(self) -> Block {
        Block::Para { runs: self.0 }
    }
}

/// 一, 二 … 九十九.
pub fn cn(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => D[n].into(),
        10..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

/// `2024年11月20日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A rate as compliance.json writes it (one decimal) and as the text shows it.
pub fn rate(r: Option<f64>) -> Option<(String, Value)> {
    let r = (r? * 1000.0).round() / 10.0;
    let shown = if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") };
    Some((shown, Value::from(r)))
}

/// Names that already start with what is done (`专题研究意识形态工作`, `报送党建信息`).
const VERBS: [&str; 14] = ["召开", "开展", "报送", "专题", "到", "进行", "讲", "参加", "举办", "落实", "听取", "向", "对", "完成"];

/// Words ending in 会 that are not meetings.
const NOT_MEETINGS: [&str; 7] = ["体会", "学会", "机会", "领会", "协会", "社会", "知会"];

/// The verb before a requirement's name: 召开 a meeting, 讲 a 党课, 开展 the rest;
/// none when the name has one.
pub fn verb(name: &str) -> &'static str {
    if VERBS.iter().any(|v| name.starts_with(v)) {
        ""
    } else if name.ends_with("党课") {
        "讲"
    } else if (name.ends_with('会') && !NOT_MEETINGS.iter().any(|w| name.ends_with(w))) || name.ends_with("会议") || name.ends_with("座谈") {
        "召开"
    } else {
        "开展"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_verbs() {
        assert_eq!([cn(1), cn(10), cn(12), cn(20), cn(35)], ["一", "十", "十二", "二十", "三十五"]);
        assert_eq!(cn_date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()), "2024年3月5日");
        assert_eq!(rate(Some(0.857_14)).unwrap().0, "85.7");
        assert_eq!(rate(Some(1.0)).unwrap().0, "100");
        assert!(rate(None).is_none());
        assert_eq!(
            [verb("支部委员会会议"), verb("党员大会"), verb("党课"), verb("主题党日"), verb("专题研究意识形态工作")],
            ["召开", "召开", "讲", "开展", ""]
        );
        assert_eq!([verb("组织生活会"), verb("交流学习体会"), verb("集中学习")], ["召开", "开展", "开展"]);
    }
}
