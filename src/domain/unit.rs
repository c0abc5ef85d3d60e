//! Party units (党委 / 党总支 / 党支部 …) and their hierarchy. Pure.

use super::life::Life;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Unit {
    pub id: String,
    pub title: String,
    /// 党委, 党总支, 党支部, … (free text: local structures vary).
    pub kind: Option<String>,
    /// Index of the enclosing unit.
    pub parent: Option<usize>,
    /// When it was founded and dissolved: periods outside are not judged.
    pub life: Life,
}

#[derive(Debug, Clone, Default)]
pub struct Units {
    pub list: Vec<Unit>,
    children: Vec<Vec<usize>>,
    by_id: std::collections::HashMap<String, usize>,
    /// Units this build's audience may not see (an internal unit folder in a public
    /// build): left out of every output and of their parents' roll-ups.
    hidden: Vec<bool>,
}

impl Units {
    /// `list` must name parents by index, parents before children.
    pub fn new(list: Vec<Unit>) -> Units {
        let mut children = vec![Vec::new(); list.len()];
        for (i, u) in list.iter().enumerate() {
            if let Some(p) = u.parent {
                children[p].push(i);
            }
        }
        let by_id = list.iter().enumerate().map(|(i, u)| (u.id.clone(), i)).collect();
        let hidden = vec![false; list.len()];
        Units { list, children, by_id, hidden }
    }

    /// Marks units hidden from this build's audience (with everything below them).
    pub fn hide(&mut self, unit: usize) {
        for u in self.subtree(unit) {
            self.hidden[u] = true;
        }
    }

    pub fn is_hidden(&self, unit: usize) -> bool {
        self.hidden[unit]
    }

    /// `find` for the audience: a hidden unit is not there.
    pub fn find_shown(&self, id: &str) -> Option<usize> {
        self.find(id).filter(|&u| !self.hidden[u])
    }

    /// `tree_order` without hidden units: what outputs list.
    pub fn shown_order(&self) -> Vec<usize> {
        self.tree_order().into_iter().filter(|&u| !self.hidden[u]).collect()
    }

    /// Children the audience may see.
    pub fn shown_children(&self, unit: usize) -> impl Iterator<Item = usize> + '_ {
        self.children[unit].iter().copied().filter(|&c| !self.hidden[c])
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Ancestors of `unit`, nearest first.
    pub fn ancestors(&self, unit: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.list[unit].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.list[p].parent;
        }
        out
    }

    pub fn children(&self, unit: usize) -> &[usize] {
        &self.children[unit]
    }

    /// `unit` and all units below it, depth first.
    pub fn subtree(&self, unit: usize) -> Vec<usize> {
        let mut out = vec![unit];
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(&self.children[out[i]]);
            i += 1;
        }
        out
    }

    pub fn depth(&self, unit: usize) -> usize {
        self.ancestors(unit).len()
    }

    /// Units in tree order (each parent followed by its subtree).
    pub fn tree_order(&self) -> Vec<usize> {
        fn visit(u: &Units, i: usize, out: &mut Vec<usize>) {
            out.push(i);
            for &c in u.children(i) {
                visit(u, c, out);
            }
        }
        let mut out = Vec::new();
        for (i, u) in self.list.iter().enumerate() {
            if u.parent.is_none() {
                visit(self, i, &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy() {
        let u = |id: &str, parent| Unit { id: id.into(), title: id.into(), kind: None, parent, ..Unit::default() };
        let units = Units::new(vec![u("a", None), u("b", Some(0)), u("c", Some(1)), u("d", Some(0))]);
        assert_eq!(units.ancestors(2), [1, 0]);
        assert_eq!(units.subtree(0), [0, 1, 3, 2]);
        assert_eq!(units.tree_order(), [0, 1, 2, 3]);
        let mut shown = units.clone();
        shown.hide(1);
        assert_eq!(shown.shown_order().len(), units.tree_order().len() - shown.subtree(1).len());
        assert!(shown.find_shown("b").is_none() && shown.find("b").is_some());
        assert_eq!(units.find("d"), Some(3));
        assert_eq!(units.depth(2), 2);
    }
}
