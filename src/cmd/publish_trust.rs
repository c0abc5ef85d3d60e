//! Where a publish run takes each `[publish]` setting from (docs/deploy.md,
//! “共享文件夹能改什么”). The keys that define a portal — the folders published
//! to, for which audience, how much a release may delete, how many releases are
//! kept — come only from the command line or an admin's file: `--config FILE`,
//! or ./config.toml when publish runs in the admin's own site without `--source`.
//! The share's config.toml may set the others; an admin-only key it sets to
//! another value is ignored, and the caller logs a warning.

use crate::config::PublishConfig;
use std::path::{Path, PathBuf};

/// `[publish]` keys the share may not decide.
pub const ADMIN_ONLY: &[&str] = &["source", "dest", "internal_dest", "committee_dest", "audience", "max_drop_percent", "keep"];

/// The settings of one run.
pub struct Resolved {
    pub source: PathBuf,
    pub publish: PublishConfig,
    /// Admin-only keys the share's config.toml sets to another value: (key, its value there).
    pub ignored: Vec<(&'static str, String)>,
}

/// `source_arg` is `--source`, `admin_file` is `--config`. `Err` is (message, hint).
pub fn resolve(source_arg: Option<&Path>, admin_file: Option<&Path>) -> Result<Resolved, (String, String)> {
    let admin = match admin_file {
        Some(f) => Some(read_admin(f)?),
        None if source_arg.is_none() => read_publish(Path::new(".")),
        None => None,
    };
    let named = admin.as_ref().and_then(|(a, _)| a.source.clone());
    let source = source_arg.map(Path::to_path_buf).or_else(|| named.clone().map(PathBuf::from)).unwrap_or_else(|| PathBuf::from("."));
    // Publishing the admin's own folder (no --source, no --config, no `source`): one file, all trusted.
    if source_arg.is_none() && admin_file.is_none() && named.is_none() {
        let publish = admin.map(|(p, _)| p).unwrap_or_default();
        return Ok(Resolved { source, publish, ignored: Vec::new() });
    }
    let (share, share_keys) = read_publish(&source).unwrap_or_default();
    let (admin, admin_keys) = admin.unwrap_or_default();
    let mut publish = share.clone();
    let mut ignored = Vec::new();
    for &key in ADMIN_ONLY {
        take(key, &admin, &mut publish);
        if share_keys.iter().any(|k| k == key) && value(key, &share) != value(key, &admin) {
            ignored.push((key, value(key, &share)));
        }
    }
    for key in admin_keys.iter().filter(|k| !ADMIN_ONLY.contains(&k.as_str())) {
        take(key, &admin, &mut publish);
    }
    Ok(Resolved { source, publish, ignored })
}

/// The admin's file: its `[publish]` table, every problem an error (the admin
/// must see a typo in the file that decides where the portal goes).
fn read_admin(file: &Path) -> Result<(PublishConfig, Vec<String>), (String, String)> {
    let text =
        std::fs::read_to_string(file).map_err(|e| (format!("无法读取发布设置文件 {}：{e}", file.display()), "检查 --config 的路径和权限".to_string()))?;
    let (publish, diags) = crate::config::publish::parse_admin_file(&text);
    if let Some(d) = diags.first() {
        let line = d.line.map_or(String::new(), |l| format!("第 {l} 行："));
        return Err((format!("发布设置文件 {}：{line}{}", file.display(), d.message), d.hint.clone().unwrap_or_default()));
    }
    Ok((publish, publish_keys(&text)))
}

/// `folder`'s config.toml `[publish]` and the keys it writes, when there is one.
fn read_publish(folder: &Path) -> Option<(PublishConfig, Vec<String>)> {
    let text = crate::content::decode::decode(&std::fs::read(folder.join(crate::config::FILE_NAME)).ok()?).ok()?.0;
    let publish = crate::config::Config::parse(&text).0.map(|c| c.publish).unwrap_or_default();
    Some((publish, publish_keys(&text)))
}

fn publish_keys(text: &str) -> Vec<String> {
    let table: Option<toml::Table> = toml::from_str(text).ok();
    table.and_then(|t| t.get("publish").and_then(|p| p.as_table()).map(|p| p.keys().cloned().collect())).unwrap_or_default()
}

/// One key's value, as written in a log line.
fn value(key: &str, p: &PublishConfig) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    match key {
        "source" => opt(&p.source),
        "dest" => opt(&p.dest),
        "internal_dest" => opt(&p.internal_dest),
        "committee_dest" => opt(&p.committee_dest),
        "audience" => p.audience.map(|a| a.id().to_string()).unwrap_or_default(),
        "max_drop_percent" => p.max_drop_percent.to_string(),
        "keep" => p.keep.to_string(),
        _ => String::new(),
    }
}

/// Sets `key` of `to` from `from`.
fn take(key: &str, from: &PublishConfig, to: &mut PublishConfig) {
    match key {
        "source" => to.source = from.source.clone(),
        "dest" => to.dest = from.dest.clone(),
        "internal_dest" => to.internal_dest = from.internal_dest.clone(),
        "committee_dest" => to.committee_dest = from.committee_dest.clone(),
        "audience" => to.audience = from.audience,
        "max_drop_percent" => to.max_drop_percent = from.max_drop_percent,
        "keep" => to.keep = from.keep,
        "internal_base_url" => to.internal_base_url = from.internal_base_url.clone(),
        "committee_base_url" => to.committee_base_url = from.committee_base_url.clone(),
        "poll_seconds" => to.poll_seconds = from.poll_seconds,
        "settle_seconds" => to.settle_seconds = from.settle_seconds,
        "schedule" => to.schedule = from.schedule.clone(),
        "strict" => to.strict = from.strict,
        "timezone" => to.timezone = from.timezone.clone(),
        "share_report" => to.share_report = from.share_report,
        _ => {}
    }
}
