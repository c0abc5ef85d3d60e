//! Where rendered output goes (`Sink`): a staging folder, memory, or nowhere; and
//! the writes that keep the last build's file where its key is the same.

use crate::content::entry::FileId;
use crate::diag::Diagnostic;
use std::path::Path;

/// Where output goes: a staging folder, memory, or nowhere (`check`). A failure
/// is a whole diagnostic: the sink knows whether reading or writing failed.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Box<Diagnostic>>;
    /// Copies the file at the resolved path `from`; `id`: the file the walk found
    /// there (a copy refuses another one: `io::confine::open_checked`).
    fn copy(&self, rel: &str, from: &Path, id: Option<FileId>) -> Result<(), Box<Diagnostic>>;
    /// Whether `reuse` can keep earlier outputs: template outputs then get keys
    /// (`output_key`).
    fn keyed(&self) -> bool {
        false
    }
    /// Keeps the file the last build rendered at `rel` from inputs with `key`;
    /// false: render it.
    fn reuse(&self, _rel: &str, _key: u128) -> bool {
        false
    }
    /// `write` of a template output rendered from inputs with `key`.
    fn write_rendered(&self, rel: &str, bytes: &[u8], _key: u128) -> Result<(), Box<Diagnostic>> {
        self.write(rel, bytes)
    }
    /// The build cache folder, with the identity of this binary, where the search
    /// index keeps its postings for the next build (`search::write_index`).
    fn cache_dir(&self) -> Option<(&Path, &str)> {
        None
    }
    /// Runs `job` once the output is committed (or given up), outside the build's
    /// own writes: where nothing is committed, now.
    fn after_commit(&self, job: AfterCommit) {
        job()
    }
}

/// Work a build leaves for after its commit (`Sink::after_commit`).
pub type AfterCommit = Box<dyn FnOnce() + Send>;

/// Writes `bytes` at `rel`, or keeps the last build's file there when it was made
/// from inputs with the same `key`.
pub fn write_keyed(sink: &dyn Sink, rel: &str, key: u128, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
    if !sink.keyed() {
        return sink.write(rel, bytes);
    }
    if sink.reuse(rel, key) {
        return Ok(());
    }
    sink.write_rendered(rel, bytes, key)
}

/// Renders into nothing: `check` runs every template without writing.
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: &[u8]) -> Result<(), Box<Diagnostic>> {
        Ok(())
    }
    fn copy(&self, _: &str, _: &Path, _: Option<FileId>) -> Result<(), Box<Diagnostic>> {
        Ok(())
    }
}
