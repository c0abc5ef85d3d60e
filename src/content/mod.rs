//! Source text → content model. Pure: decoding, front matter, Markdown. No IO.

pub mod date;
pub mod decode;
pub mod front_matter;
pub mod kind;
pub mod markdown;
