//! `[[catalogue]]`: the site's own disclosure-catalogue items (党务公开目录), validated
//! with located errors; and the page kinds an item names, checked against the kinds
//! dwgk knows (shared with the `[[catalogue]]` entries of units' pages).

use super::FILE_NAME;
use crate::content::front_matter::toml_to_json;
use crate::content::kind::Kind;
use crate::diag::{did_you_mean, Diagnostic};
use crate::domain::catalogue::{item, Item};
use crate::domain::requirement::EntryError;

/// Replaces each of `item.kinds` by its kind id (`党费` → `dues`); an unknown kind is an error.
pub fn normalize_kinds(item: &mut Item) -> Result<(), EntryError> {
    for k in &mut item.kinds {
        match Kind::parse(k) {
            Some(kind) => *k = kind.id().to_string(),
            None => {
                let hint = match did_you_mean(k, Kind::spellings()) {
                    Some(s) => format!("是不是“{s}”？"),
                    None => format!("可选：{}", Kind::ALL.map(Kind::id).join("、")),
                };
                return Err(EntryError { key: "kinds", message: format!("kinds 中的页面类别“{k}”不存在"), hint });
            }
        }
    }
    Ok(())
}

/// Reads one entry: `item::parse_entry` and the kinds check.
pub fn parse_entry(v: &serde_json::Value) -> Result<Item, Vec<EntryError>> {
    let mut i = item::parse_entry(v)?;
    normalize_kinds(&mut i).map_err(|e| vec![e])?;
    Ok(i)
}

/// Validates `[[catalogue]]`; each problem points at its entry's header line.
pub(super) fn check_catalogue(text: &str, entries: &[toml::Table], diags: &mut Vec<Diagnostic>) -> Vec<Item> {
    let headers: Vec<usize> = text.match_indices("[[catalogue]]").map(|(i, _)| i).collect();
    let mut out: Vec<Item> = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let at = headers.get(n).copied().unwrap_or(0);
        let located = |d: Diagnostic| d.file(FILE_NAME).at_span(text, at, at + "[[catalogue]]".len());
        match parse_entry(&toml_to_json(toml::Value::Table(entry.clone()))) {
            Ok(i) if out.iter().any(|o| o.id == i.id) => diags.push(
                located(Diagnostic::error(format!("config.toml 中公开事项编号“{}”重复声明", i.id))).hint("同一编号只能声明一次；合并两处，或给其中一个换编号"),
            ),
            Ok(i) => out.push(i),
            Err(errs) => diags
                .extend(errs.into_iter().map(|e| located(Diagnostic::error(format!("config.toml 第 {} 个 [[catalogue]]：{}", n + 1, e.message))).hint(e.hint))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn entries_are_validated_and_located() {
        let head = "title = \"a\"\nbase_url = \"http://x/\"\npresets = [\"branch-2018\", \"gongkai-2017\"]\n";
        let (c, d) = Config::parse(&format!("{head}[[catalogue]]\nid = \"dangfei\"\nper = \"quarter\"\nkinds = [\"党费\"]\n"));
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.catalogue[0].kinds, ["dues"]);
        assert_eq!(c.presets, ["branch-2018", "gongkai-2017"]);
        let (_, d) =
            Config::parse(&format!("{head}[[catalogue]]\nid = \"a\"\nper = \"year\"\n[[catalogue]]\nid = \"b\"\nper = \"yearly\"\nkinds = [\"通告\"]\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(7), "the second entry: {d:?}");
        assert!(d[0].message.contains("yearly"), "{}", d[0].message);
        let (_, d) = Config::parse(&format!("{head}[[catalogue]]\nid = \"a\"\nper = \"year\"\nkinds = [\"通告\"]\n"));
        assert!(d[0].message.contains("通告") && d[0].hint.as_deref().unwrap().contains("公告"), "{d:?}");
    }
}
