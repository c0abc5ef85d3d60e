//! The preview server: a small HTTP server over a scratch build, and a watcher.

pub mod http;
pub mod watch;
