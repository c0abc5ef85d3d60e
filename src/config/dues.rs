//! `[dues]`: the rate table and disclosure options (`domain::dues` reads the table),
//! every problem located at its key.

use super::{locate_key, FILE_NAME};
use crate::diag::Diagnostic;
use crate::domain::dues::{DuesOptions, RateTable};

#[derive(Debug, Clone, Default)]
pub struct DuesConfig {
    pub rates: RateTable,
    pub options: DuesOptions,
}

/// `[dues]`, validated: every problem located at its key (within the right
/// `[[dues.brackets]]` entry).
pub(super) fn check_dues(text: &str, table: Option<toml::Table>, diags: &mut Vec<Diagnostic>) -> DuesConfig {
    let Some(table) = table else { return DuesConfig::default() };
    match RateTable::from_config(&table) {
        Ok((rates, options)) => DuesConfig { rates, options },
        Err(errors) => {
            for e in errors {
                let last = e.key.rsplit('.').next().unwrap_or(&e.key);
                let last = last.split('[').next().unwrap_or(last);
                // Search from the entry's `[[dues.brackets]]` header, else from `[dues]`.
                let start = match e.entry {
                    Some(n) => text.match_indices("[[dues.brackets]]").nth(n).map(|(i, _)| i),
                    None => text.find("[dues]"),
                }
                .unwrap_or(0);
                let d = Diagnostic::error(e.message).file(FILE_NAME).hint(e.hint);
                diags.push(match locate_key(&text[start..], last) {
                    Some(off) => d.at_span(text, start + off, start + off + last.len()),
                    None => d,
                });
            }
            DuesConfig::default()
        }
    }
}
