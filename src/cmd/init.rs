//! `dwgk init`: a new site with a small working example of every feature
//! (`init_site`), dated around today.

use super::{OK, USAGE};
use std::path::PathBuf;

pub fn run(dir: Option<PathBuf>) -> i32 {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if dir.join("config.toml").exists() || dir.join("content").exists() {
        eprintln!("错误: {} 里已经有站点（config.toml 或 content/），为安全起见不覆盖", dir.display());
        eprintln!("  = 提示: 换一个空文件夹，例如 dwgk init 新站点");
        return USAGE;
    }
    for (rel, text) in super::init_site::files(chrono::Local::now().date_naive()) {
        let path = dir.join(&rel);
        if let Some(p) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(p) {
                eprintln!("错误: 无法创建文件夹 {}：{e}", p.display());
                return USAGE;
            }
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("错误: 无法写入 {}：{e}", path.display());
            return USAGE;
        }
    }
    eprintln!("已在 {} 新建站点。接下来：", dir.display());
    eprintln!("  cd {}", dir.display());
    eprintln!("  dwgk serve      # 本机预览 http://127.0.0.1:1111");
    eprintln!("  dwgk build      # 生成到 public/");
    eprintln!("  dwgk report     # 达标情况统计（示例里有本月的工作记录、活动和学习）");
    eprintln!("写内容的方法见站点文件夹里的 {}（党务干事使用指南）。", super::init_site::GUIDE_NAME);
    OK
}
