//! The year's count of each requirement at each unit: the sum of the facts its
//! cells were judged on (a quarterly record for a monthly requirement counts once,
//! not once per month; a coarser count ignored beside finer ones counts nothing),
//! by where the counts came from. Pure; what the 情况报告 writes as "全年召开…12次".

use super::compliance::{Fact, FactKind, Report};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub total: u32,
    pub record: u32,
    pub activity: u32,
    pub study: u32,
}

/// The facts the report's cells were judged on: its year, started by `as_of`, of a
/// requirement that applies, and not a coarser count ignored beside finer ones.
pub fn counted<'a>(report: &'a Report, facts: &'a [Fact]) -> impl Iterator<Item = &'a Fact> + 'a {
    let ignored = |f: &Fact| report.ignored.iter().any(|i| i.unit == f.unit && i.req == f.req && i.period == f.period);
    facts.iter().filter(move |f| {
        f.period.year == report.year
            && f.period.start() <= report.as_of
            && !ignored(f)
            && report.units.get(f.unit).is_some_and(|u| u.lines.iter().any(|l| l.req.id == f.req))
    })
}

/// `(unit, requirement id)` → totals, for the report's year up to its `as_of`.
pub fn totals(report: &Report, facts: &[Fact]) -> HashMap<(usize, String), Totals> {
    let mut out: HashMap<(usize, String), Totals> = HashMap::new();
    for f in counted(report, facts) {
        let t = out.entry((f.unit, f.req.clone())).or_default();
        t.total += f.count;
        match f.kind {
            FactKind::Record => t.record += f.count,
            FactKind::Activity => t.activity += f.count,
            FactKind::Study => t.study += f.count,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compliance::compute;
    use crate::domain::period::Period;
    use crate::domain::requirement::{preset, Declaration, Origin};
    use crate::domain::unit::{Unit, Units};

    #[test]
    fn each_fact_counts_once_and_ignored_coarser_counts_not_at_all() {
        let units =
            Units::new(vec![Unit {
                id: "diyi".into(), title: "第一党支部".into(), kind: Some("党支部".into()), parent: None, life: Default::default()
            }]);
        let decls: Vec<Declaration> =
            preset("branch-2018").unwrap().into_iter().map(|req| Declaration { req, origin: Origin::Preset { name: "branch-2018".into() } }).collect();
        let fact =
            |req: &str, period: &str, count, kind| Fact { unit: 0, req: req.into(), period: Period::parse(period).unwrap(), count, kind, page: "p.md".into() };
        let facts = vec![
            fact("zhiweihui", "2024-Q1", 3, FactKind::Record),
            fact("zhiweihui", "2024-Q2", 5, FactKind::Record),
            fact("zhiweihui", "2024-05", 1, FactKind::Activity),
            fact("zhiweihui", "2023-12", 1, FactKind::Record),
            fact("dangke", "2024-06", 1, FactKind::Study),
        ];
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let report = compute(&units, &decls, &facts, 2024, as_of);
        let t = totals(&report, &facts);
        // Q2's 5 is ignored (May has its own count): 3 + 1.
        assert_eq!(t[&(0, "zhiweihui".to_string())], Totals { total: 4, record: 3, activity: 1, study: 0 });
        assert_eq!(t[&(0, "dangke".to_string())].study, 1);
    }
}
