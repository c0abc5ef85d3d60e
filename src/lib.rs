//! dwgk: a static site generator for 党务公开 (party-affairs disclosure) portals.
//! See ARCHITECTURE.md for the map.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diag;
pub mod domain;
pub mod io;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod serve;
pub mod site;
