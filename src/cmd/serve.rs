//! `dwgk serve`: build into a scratch folder (never the published output), serve
//! it on localhost, rebuild when files change.

use super::{build_options, report, USAGE};
use crate::cli::{Common, Format};
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::pipeline::{self, Request};
use crate::serve::{http, watch};
use std::net::TcpListener;
use std::path::PathBuf;

pub fn run(common: &Common, format: Format, bind: &str, port: u16) -> i32 {
    let mut opts = match build_options(common, Audience::Internal) {
        Ok(o) => o,
        Err(d) => {
            report(&Diagnostics(vec![d]), format);
            return USAGE;
        }
    };
    let (listener, port) = match bind_next_free(bind, port) {
        Some(l) => l,
        None => {
            eprintln!("错误: 无法在 {bind} 上监听（端口 {port} 起的 10 个端口都被占用或地址无效）");
            eprintln!("  = 提示: 用 --port 换一个端口");
            return USAGE;
        }
    };
    if bind != "127.0.0.1" && bind != "localhost" && bind != "::1" {
        eprintln!("警告: 正在监听 {bind}，局域网内其他电脑也能访问预览（包括党内公开内容）");
    }
    let scratch = std::env::temp_dir().join(format!("dwgk-serve-{}", std::process::id()));
    let base_url = format!("http://{}:{port}/", if bind == "0.0.0.0" { "127.0.0.1" } else { bind });
    let build = |now_opts| {
        let req = Request { root: common.root.clone(), output: Some(scratch.clone()), base_url: Some(base_url.clone()), opts: now_opts };
        let (summary, diags) = pipeline::run(&req);
        report(&diags, format);
        if summary.written {
            eprintln!("已生成：{} 个页面。", summary.pages);
        } else {
            eprintln!("内容有错误，预览仍显示上一次成功生成的网站。");
        }
    };
    build(opts);
    eprintln!("预览地址：{base_url}  （按 Ctrl+C 停止）");
    let root_dir: PathBuf = scratch.clone();
    std::thread::spawn(move || http::serve(listener, root_dir));
    let result = watch::watch(&common.root, || {
        if common.now.is_none() {
            opts.now = chrono::Local::now().naive_local();
        }
        eprintln!("检测到文件变化，重新生成……");
        build(opts);
    });
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("错误: 无法监视文件变化：{e}");
            USAGE
        }
    }
}

fn bind_next_free(bind: &str, port: u16) -> Option<(TcpListener, u16)> {
    for p in port..port.saturating_add(10) {
        if let Ok(l) = TcpListener::bind((bind, p)) {
            if p != port {
                eprintln!("端口 {port} 已被占用，改用 {p}。");
            }
            return Some((l, p));
        }
    }
    None
}
