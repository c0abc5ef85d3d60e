//! Small building blocks of the template views, shared by the page views (`view`),
//! the compliance views and the Tera functions: moving values into an object, the
//! breadcrumb trail, file sizes as people read them.

use crate::site::urls::marker;
use crate::site::Site;
use serde_json::{json, Value};

/// A link to a site path: its title, marker URL and path.
pub fn link(title: &str, path: &str) -> Value {
    json!({ "title": title, "url": marker(path), "path": path })
}

/// The breadcrumb trail of a section, home first.
pub fn ancestors(site: &Site, mut section: Option<usize>) -> Value {
    let mut out = Vec::new();
    while let Some(s) = section {
        let sec = &site.sections[s];
        out.push(link(&sec.title, &sec.path));
        section = sec.parent;
    }
    out.reverse();
    Value::Array(out)
}

/// Moves built values into an object. (`json!` serializes every value it is
/// given, a deep copy: large nested views are put in afterwards instead.)
pub fn put<const N: usize>(object: &mut Value, fields: [(&str, Value); N]) {
    if let Value::Object(m) = object {
        for (k, v) in fields {
            m.insert(k.to_string(), v);
        }
    }
}

/// `1536` → `1.5 KB`.
pub fn filesize_text(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut size = n as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}
