//! The summary page's unit × requirement matrix, one table per unit kind (党委,
//! 党支部 …): each kind's table has the requirements its units have and one row per
//! unit of the kind, the kind with the most units first (a site of branches starts
//! with the branches' table). Another column or cell status is added here: in
//! `Column` (what a column is) and `cell` (what a cell shows).

use super::compliance::{symbol, year_status};
use super::parts::put;
use crate::domain::compliance::{Line, Status};
use crate::site::records::Compliance;
use serde_json::{json, Value};
use std::collections::HashMap;

/// One requirement column.
pub struct Column<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// `每月≥1次`.
    pub rule: String,
}

/// The table of one unit kind: its columns (indices into `Matrix::columns`, the
/// requirements most of its units have first) and its rows (positions in the
/// shown order).
pub struct Group<'a> {
    pub kind: Option<&'a str>,
    pub columns: Vec<usize>,
    pub rows: Vec<usize>,
}

pub struct Matrix<'a> {
    /// Every requirement of a shown unit, in the order the groups first show them.
    pub columns: Vec<Column<'a>>,
    pub groups: Vec<Group<'a>>,
}

/// One kind's units while the groups are built: its rows, and per requirement id how
/// many of its units have it (ids in first-appearance order).
struct KindRows<'a> {
    kind: Option<&'a str>,
    rows: Vec<usize>,
    ids: Vec<(&'a str, usize)>,
}

/// The columns and groups for the units of `order` (the shown units, tree order).
pub fn build<'a>(c: &'a Compliance, order: &[usize]) -> Matrix<'a> {
    // In the order kinds first appear.
    let mut kinds: Vec<KindRows<'a>> = Vec::new();
    let mut lines_by_id: HashMap<&'a str, &'a Line> = HashMap::new();
    for (row, &u) in order.iter().enumerate() {
        let kind = c.units.list[u].kind.as_deref();
        let at = match kinds.iter().position(|k| k.kind == kind) {
            Some(at) => at,
            None => {
                kinds.push(KindRows { kind, rows: Vec::new(), ids: Vec::new() });
                kinds.len() - 1
            }
        };
        let KindRows { rows, ids, .. } = &mut kinds[at];
        rows.push(row);
        for l in &c.report.units[u].lines {
            lines_by_id.entry(&l.req.id).or_insert(l);
            match ids.iter_mut().find(|(id, _)| *id == l.req.id) {
                Some((_, n)) => *n += 1,
                None => ids.push((&l.req.id, 1)),
            }
        }
    }
    // Stable sorts: equal counts keep the order they first appeared in (presets
    // before one unit's own checklist lines; kinds in tree order).
    kinds.sort_by_key(|k| std::cmp::Reverse(k.rows.len()));
    let mut columns: Vec<Column<'a>> = Vec::new();
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    let groups = kinds
        .into_iter()
        .map(|KindRows { kind, rows, mut ids }| {
            ids.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
            let cols = ids
                .into_iter()
                .map(|(id, _)| {
                    *index.entry(id).or_insert_with(|| {
                        let req = &lines_by_id[id].req;
                        columns.push(Column { id, name: &req.name, rule: format!("{}≥{}{}", req.per.name(), req.min, req.measure) });
                        columns.len() - 1
                    })
                })
                .collect();
            Group { kind, columns: cols, rows }
        })
        .collect();
    Matrix { columns, groups }
}

impl Group<'_> {
    /// The kind, or `未注明类别的单位`.
    pub fn label(&self) -> &str {
        self.kind.unwrap_or("未注明类别的单位")
    }

    /// The group's table as the template loops over it (no lookups by index, which
    /// copy values in Tera: a province's summary has tens of thousands of cells): its
    /// `requirements`, and per unit a row with the unit's `id, title, url, kind, tally`
    /// (from `units`, the page view's rows) and its `cells` for the group's columns,
    /// each with its requirement's `name` and `rule` (phone cards and print label a cell
    /// by them). `columns` and `index` point into `requirements` / `units` of the page.
    pub fn view(&self, m: &Matrix, units: &[Value], cells: &[Vec<Value>]) -> Value {
        let requirements: Vec<Value> = self.columns.iter().map(|&k| m.column(k)).collect();
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|&i| {
                let u = &units[i];
                let cells: Vec<Value> = self
                    .columns
                    .iter()
                    .map(|&k| {
                        let mut cell = cells[i][k].clone();
                        put(&mut cell, [("name", Value::from(m.columns[k].name)), ("rule", Value::from(m.columns[k].rule.as_str()))]);
                        cell
                    })
                    .collect();
                let mut row = json!({ "index": i, "id": u["id"], "title": u["title"], "url": u["url"], "kind": u["kind"], "tally": u["tally"] });
                put(&mut row, [("cells", Value::Array(cells))]);
                row
            })
            .collect();
        let mut v = json!({ "label": self.label(), "kind": self.kind, "units": self.rows.len(), "columns": self.columns });
        put(&mut v, [("requirements", Value::Array(requirements)), ("rows", Value::Array(rows))]);
        v
    }
}

impl Matrix<'_> {
    /// Column `k` as the views show it: `{id, name, rule}`.
    fn column(&self, k: usize) -> Value {
        let col = &self.columns[k];
        json!({ "id": col.id, "name": col.name, "rule": col.rule })
    }

    /// `requirements` of the page view: every column.
    pub fn requirements(&self) -> Value {
        Value::Array((0..self.columns.len()).map(|k| self.column(k)).collect())
    }

    /// One unit's cells, in column order.
    pub fn row(&self, lines: &[Line]) -> Vec<Value> {
        self.columns.iter().map(|col| cell(lines.iter().find(|l| l.req.id == col.id))).collect()
    }
}

/// A cell: the year's status of one requirement at one unit, and `text` = `达标时段/
/// 已评定时段` (`9/11`; the theme writes it `9/11期`). No line, or no period to judge: 不适用.
pub fn cell(line: Option<&Line>) -> Value {
    match line.map(|l| (l, year_status(l))) {
        Some((l, s)) if s != Status::Na => {
            let t = &l.tally;
            let judged = t.met + t.short + t.missing;
            json!({
                "status": s.id(), "status_name": s.name(), "sym": symbol(s), "text": format!("{}/{}", t.met, judged),
                "tally": super::compliance::tally(t),
            })
        }
        _ => json!({ "status": "na", "status_name": Status::Na.name(), "sym": symbol(Status::Na), "text": "—" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compliance::{compute, Fact};
    use crate::domain::requirement::{preset, test_requirement, Declaration, Origin};
    use crate::domain::unit::{Unit, Units};

    fn compliance(units: Vec<Unit>, decls: Vec<Declaration>) -> Compliance {
        let units = Units::new(units);
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        let facts: Vec<Fact> = Vec::new();
        let report = compute(&units, &decls, &facts, 2024, as_of);
        Compliance::of_report(units, decls, report)
    }

    fn unit(id: &str, kind: &str, parent: Option<usize>) -> Unit {
        Unit { id: id.into(), title: id.into(), kind: Some(kind.into()), parent, life: Default::default() }
    }

    fn own(id: &str, unit: usize) -> Declaration {
        let req = test_requirement(id, id, crate::domain::period::Per::Year, 1);
        Declaration { req, origin: Origin::Checklist { page: format!("{id}.md"), unit } }
    }

    #[test]
    fn one_table_per_kind_the_branches_first_when_most_units_are_branches() {
        let mut decls: Vec<Declaration> =
            preset("branch-2018").unwrap().into_iter().map(|req| Declaration { req, origin: Origin::Preset { name: "branch-2018".into() } }).collect();
        // The 党委's own checklist comes first in tree order; one branch has a line of its own.
        decls.push(own("lilun", 0));
        decls.push(own("xuexi", 1));
        let c = compliance(vec![unit("jiguan", "党委", None), unit("a", "党支部", Some(0)), unit("b", "党支部", Some(0)), unit("c", "党支部", Some(0))], decls);
        let m = build(&c, &[0, 1, 2, 3]);
        let labels: Vec<&str> = m.groups.iter().map(Group::label).collect();
        assert_eq!(labels, ["党支部", "党委"]);
        assert_eq!((m.groups[0].rows.as_slice(), m.groups[1].rows.as_slice()), (&[1, 2, 3][..], &[0][..]));
        let ids = |g: &Group| g.columns.iter().map(|&i| m.columns[i].id).collect::<Vec<_>>();
        let branch = ids(&m.groups[0]);
        assert_eq!(branch.len(), 9);
        assert_eq!(branch[0], "dangyuandahui", "the presets every branch has, in their order, before one branch's own line: {branch:?}");
        assert_eq!(branch[8], "xuexi", "{branch:?}");
        assert_eq!(ids(&m.groups[1]), ["lilun"]);
        let row = m.row(&c.report.units[1].lines);
        assert_eq!(row[m.groups[0].columns[8]]["status"], "pending", "unit a has its own line");
        let row = m.row(&c.report.units[2].lines);
        assert_eq!(row[m.groups[0].columns[8]]["status"], "na", "unit b does not");
    }
}
