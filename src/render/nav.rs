//! The main menu's items as HTML (`nav_items(current_path=…)`, docs/templates.md):
//! the default theme lists every top-level unit on every page, and a Tera loop
//! over them was most of a page's render at 100 units. Made once per site here;
//! a call marks the current item and joins.

use crate::site::model::Section;
use crate::site::urls::marker;
use crate::site::Site;

/// The top-level sections shown in the menu (`nav`), in their order.
pub fn sections(site: &Site) -> impl Iterator<Item = &Section> {
    site.sections[0].children.iter().map(|&s| &site.sections[s]).filter(|s| s.hidden.is_none())
}

pub struct Nav {
    /// (site path, `<li><a href="URL"`, `>TITLE</a></li>`) per item.
    items: Vec<(String, String, String)>,
}

impl Nav {
    pub fn of(site: &Site) -> Nav {
        let items = sections(site)
            .map(|s| (s.path.clone(), format!("\n      <li><a href=\"{}\"", marker(&s.path)), format!(">{}</a></li>", tera::escape_html(&s.title))))
            .collect();
        Nav { items }
    }

    /// The items for the output at `current` (a site path): the item it is gets
    /// `aria-current="page"`, the one it is under `class="is-active"` as well.
    pub fn html(&self, current: &str) -> String {
        let mut out = String::with_capacity(self.items.iter().map(|(_, a, b)| a.len() + b.len() + 2).sum::<usize>() + 40);
        for (path, open, close) in &self.items {
            out.push_str(open);
            if current == path {
                out.push_str(" aria-current=\"page\"");
            } else if path != "/" && current.starts_with(path.as_str()) {
                out.push_str(" class=\"is-active\" aria-current=\"true\"");
            }
            out.push_str(close);
        }
        out
    }
}
