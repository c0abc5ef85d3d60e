//! Source text → content model. Pure: decoding, front matter, Markdown, tables
//! (dues ledgers, study plans). No IO.

pub mod active;
pub mod balance;
pub mod columns;
pub mod cron;
pub mod date;
pub mod decode;
pub mod entry;
pub mod front_matter;
pub mod kind;
pub mod ledger;
pub mod limits;
pub mod markdown;
pub mod parse_errors;
pub mod sanitize;
pub mod sessions;
pub mod simple_toml;
pub mod table;
pub mod vocabulary;
