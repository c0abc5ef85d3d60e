//! `dwgk init`: a new site with a small working example.

use super::{OK, USAGE};
use std::path::PathBuf;

const FILES: &[(&str, &str)] = &[
    (
        "config.toml",
        r#"title = "某某单位党务公开"
description = "党务公开网站"
base_url = "http://127.0.0.1:1111/"
language = "zh-CN"
theme = "default"
relative_urls = false
paginate_by = 20
taxonomies = [{ name = "tags" }]

# 站内搜索词典：本单位常用的专有词语（3至8个汉字）当作完整的词统计，例如
# [search]
# dictionary = ["警示教育", "结对共建"]

[extra]
contact = "党委办公室"
"#,
    ),
    (
        "content/_index.md",
        "+++\ntitle = \"首页\"\n+++\n\n欢迎访问本单位党务公开网站。\n",
    ),
    (
        "content/notices/_index.md",
        "+++\ntitle = \"通知公告\"\nsort_by = \"date\"\n+++\n",
    ),
    (
        "content/notices/2024-03-01-zhutidangri.md",
        "+++\ntitle = \"关于开展三月份主题党日活动的通知\"\ndate = 2024-03-01\nkind = \"notice\"\ntags = [\"主题党日\"]\n+++\n\n各党支部：\n\n现就开展三月份主题党日活动有关事项通知如下。\n\n## 一、活动时间\n\n2024年3月15日下午。\n\n## 二、活动内容\n\n1. 集中学习；\n2. 志愿服务。\n",
    ),
    (
        "content/units/_index.md",
        "+++\ntitle = \"组织机构\"\n+++\n",
    ),
    (
        "content/units/diyi/_index.md",
        "+++\ntitle = \"第一党支部\"\n[unit]\nkind = \"党支部\"\nsecretary = \"张三\"\nmembers = 20\n+++\n\n第一党支部简介。\n",
    ),
    ("static/.gitkeep", ""),
    ("templates/.gitkeep", ""),
];

pub fn run(dir: Option<PathBuf>) -> i32 {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if dir.join("config.toml").exists() || dir.join("content").exists() {
        eprintln!("错误: {} 里已经有站点（config.toml 或 content/），为安全起见不覆盖", dir.display());
        eprintln!("  = 提示: 换一个空文件夹，例如 dwgk init 新站点");
        return USAGE;
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
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
    OK
}
