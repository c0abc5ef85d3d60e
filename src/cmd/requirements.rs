//! `dwgk requirements extract FILE…`: lists the sentences of a checklist or plan
//! that state a countable frequency, to help write `[[requirements]]`.

use super::{OK, USAGE};
use crate::cli::ExtractFormat;
use crate::domain::extract::{extract, toml_entry};
use serde_json::json;
use std::path::PathBuf;

pub fn extract_files(files: &[PathBuf], format: ExtractFormat) -> i32 {
    let mut rows = Vec::new();
    let mut failed = false;
    for f in files {
        let text = match std::fs::read(f) {
            Ok(bytes) => match crate::content::decode::decode(&bytes) {
                Ok((t, _)) => t,
                Err(e) => {
                    eprintln!("错误: {}：{}\n  = 提示: {}", f.display(), e.message(), e.hint());
                    failed = true;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("错误: 无法读取 {}：{e}", f.display());
                failed = true;
                continue;
            }
        };
        for e in extract(&text) {
            rows.push((f.display().to_string(), e));
        }
    }
    match format {
        ExtractFormat::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|(file, e)| json!({ "file": file, "line": e.line, "text": e.text, "per": e.per.id(), "min": e.min, "measure": e.measure, "subject": e.subject }))
                .collect();
            println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        }
        ExtractFormat::Table => {
            for (file, e) in &rows {
                let (file, text) = (crate::diag::escape_controls(file), crate::diag::escape_controls(&e.text));
                println!("{file}:{}  {}不少于{}{}  {text}", e.line, e.per.name(), e.min, e.measure);
            }
            if !rows.is_empty() {
                println!("\n可加入 front matter 的写法示例（编号 id 请改为易记的拼音）：\n");
                print!("{}", toml_entry(&rows[0].1, "req1"));
            }
            eprintln!("共找到 {} 条可统计的频次要求。", rows.len());
        }
    }
    if failed {
        USAGE
    } else {
        OK
    }
}
