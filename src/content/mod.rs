//! Source text → content model. Pure: decoding, front matter, Markdown, tables
//! (dues ledgers, study plans). No IO.

pub mod active;
pub mod balance;
pub mod columns;
pub mod cron;
pub mod date;
pub mod decode;
pub mod docx;
pub mod entry;
pub mod front_matter;
pub mod front_matter_check;
pub mod front_matter_keys;
pub mod front_matter_repair;
pub mod kind;
pub mod ledger;
pub mod limits;
pub mod line_breaks;
pub mod markdown;
pub mod parse_errors;
pub mod placeholder;
pub mod sanitize;
pub mod sessions;
pub mod signature;
pub mod simple_toml;
pub mod table;
pub mod vocabulary;
