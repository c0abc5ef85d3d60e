//! What the compliance outputs and the catalogue's share: whether a build shows them
//! at all, a unit's title for the audience, formula-safe CSV rows.

use crate::content::kind::Scope;
use crate::site::records::Compliance;
use crate::site::Site;

/// Whether this build shows compliance at all (`[compliance] scope`).
pub fn shown(site: &Site) -> bool {
    site.compliance.is_some() && (!site.opts.audience.is_public() || site.config.compliance.scope == Scope::Public)
}

/// A unit's title as this audience may see it. Outputs list only shown units
/// (`Units::shown_order`); a hidden one would still show its id, never its title.
pub fn unit_title(site: &Site, c: &Compliance, u: usize) -> String {
    let s = &site.sections[c.sections[u]];
    if s.hidden.is_some() {
        c.units.list[u].id.clone()
    } else {
        c.units.list[u].title.clone()
    }
}

/// One CSV field; text that Excel or WPS would take for a formula is kept text.
fn csv_field(out: &mut String, f: &str) {
    // Text that Excel or WPS would take for a formula (`=HYPERLINK(…)` as a unit's
    // title) starts with a ' that keeps it text (formula injection, OWASP).
    let formula = f.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || f.contains([',', '"', '\n', '\r']) {
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
    }
}

/// One CSV row, CRLF-terminated (shared by the timeliness CSV).
pub(super) fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}
