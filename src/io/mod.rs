//! The IO shell: reading the content tree and writing output atomically.

pub mod output;
pub mod walk;
