//! What the preview serves for one output: bytes compressed in the build's store,
//! or a file on disk; and the `Sink` that renders into a store.

use super::hash;
use crate::diag::Diagnostic;
use crate::render::Sink;
use crate::serve::store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One served file: rendered bytes (deflate-compressed, in the build's `Store`),
/// or a file on disk (attachments, static files).
#[derive(Clone)]
pub enum Out {
    Stored {
        store: Arc<Store>,
        at: u64,
        len: u32,
        /// Of the uncompressed bytes: outputs are compared without reading them back.
        hash: u64,
    },
    File(PathBuf),
}

impl Out {
    pub fn from_bytes(store: &Arc<Store>, bytes: &[u8]) -> Result<Out, String> {
        use std::io::Write;
        let mut enc = flate2::write::DeflateEncoder::new(Vec::with_capacity(bytes.len() / 2 + 64), flate2::Compression::fast());
        enc.write_all(bytes).expect("in memory");
        let compressed = enc.finish().expect("in memory");
        let at = store.append(&compressed).map_err(|e| format!("预览服务器无法写入临时文件：{e}"))?;
        Ok(Out::Stored { store: store.clone(), at, len: compressed.len() as u32, hash: hash(bytes) })
    }

    /// The bytes of a rendered output, uncompressed (`None` for a file on disk).
    pub fn rendered(&self) -> Option<std::io::Result<Vec<u8>>> {
        use std::io::Read;
        let Out::Stored { store, at, len, .. } = self else { return None };
        Some(store.read(*at, *len as usize).map(|compressed| {
            let mut out = Vec::with_capacity(compressed.len() * 3);
            flate2::read::DeflateDecoder::new(&compressed[..]).read_to_end(&mut out).expect("compressed by from_bytes");
            out
        }))
    }
}

impl PartialEq for Out {
    fn eq(&self, other: &Out) -> bool {
        match (self, other) {
            (Out::Stored { hash: a, .. }, Out::Stored { hash: b, .. }) => a == b,
            (Out::File(a), Out::File(b)) => a == b,
            _ => false,
        }
    }
}

/// A `Sink` into a `Store`: nothing is written to the site's folders.
pub struct StoreSink {
    pub store: Arc<Store>,
    pub outputs: Mutex<HashMap<String, Out>>,
}

impl StoreSink {
    pub fn new(store: Arc<Store>) -> StoreSink {
        StoreSink { store, outputs: Mutex::new(HashMap::new()) }
    }
}

impl Sink for StoreSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
        let out = Out::from_bytes(&self.store, bytes).map_err(|e| Box::new(Diagnostic::error(e)))?;
        self.outputs.lock().expect("sink").insert(rel.to_string(), out);
        Ok(())
    }
    fn copy(&self, rel: &str, from: &Path, _id: Option<crate::content::entry::FileId>) -> Result<(), Box<Diagnostic>> {
        self.outputs.lock().expect("sink").insert(rel.to_string(), Out::File(from.to_path_buf()));
        Ok(())
    }
}
