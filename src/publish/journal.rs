//! The publication log on disk (登记备案, `DEST/journal.jsonl`: one JSON object per
//! line, only ever appended) and the last outcome (`DEST/status.json`, replaced
//! atomically), plus the status pages rendered from both (`pages`).

use super::record::{Entry, Status};
use super::store::{write_atomic, Store};
use super::zone::Zone;
use std::fs;
use std::io::{self, Write};

pub fn now_rfc3339() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Appends one entry and fsyncs: a line is either whole or (after a crash
/// mid-write) a torn last line that `read` skips.
pub fn append(store: &Store, entry: &Entry) -> io::Result<()> {
    let mut line = crate::diag::json_safe(serde_json::to_string(entry).map_err(io::Error::other)?);
    line.push('\n');
    let mut f = fs::OpenOptions::new().create(true).append(true).open(store.journal_path())?;
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// Every readable entry, oldest first.
pub fn read(store: &Store) -> Vec<Entry> {
    let Ok(text) = fs::read_to_string(store.journal_path()) else { return Vec::new() };
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

pub fn read_status(store: &Store) -> Option<Status> {
    serde_json::from_str(&fs::read_to_string(store.status_path()).ok()?).ok()
}

/// The zone a status's times are shown in (`Status::timezone`, default Asia/Shanghai).
pub fn zone_of(status: &Status) -> Zone {
    let name = status.timezone.as_deref().unwrap_or(crate::config::DEFAULT_TIMEZONE);
    super::zone::load(name).unwrap_or_else(|_| Zone::fixed("UTC", 0))
}

/// Replaces status.json and re-renders the status pages.
pub fn write_status(store: &Store, status: &Status) -> io::Result<()> {
    let text = crate::diag::json_safe(serde_json::to_string_pretty(status).map_err(io::Error::other)?);
    write_atomic(&store.status_path(), text.as_bytes())?;
    let entries = read(store);
    let zone = zone_of(status);
    write_atomic(&store.status_dir().join("index.html"), super::pages::status_page(status, &entries, &zone).as_bytes())?;
    write_atomic(&store.status_dir().join("log.html"), super::pages::log_page(&entries, &zone).as_bytes())
}
