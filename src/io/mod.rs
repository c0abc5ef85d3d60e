//! The IO shell: reading the content tree, noticing changes to it (native events
//! are the preview's; polling snapshots and settling are shared by `serve` and
//! `publish`), and writing output atomically. `settle` is pure: callers scan and
//! pass the clock in.

pub mod confine;
pub mod output;
pub mod scan;
pub mod settle;
pub mod walk;
pub mod watch;
