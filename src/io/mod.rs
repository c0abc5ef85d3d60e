//! The IO shell: reading the content tree, noticing changes to it (native events
//! are the preview's; polling snapshots and settling are shared by `serve` and
//! `publish`), and writing output atomically. `settle` is pure: callers scan and
//! pass the clock in. `office` gives a Word file's `.docx` bytes, converting other
//! Word formats with LibreOffice (`soffice`) once, into a cache.

pub mod confine;
pub mod office;
pub mod output;
pub mod placement;
pub mod scan;
pub mod settle;
pub mod soffice;
pub mod walk;
pub mod watch;
