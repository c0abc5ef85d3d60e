//! `dwgk serve`: build into memory (never the published output), serve it on
//! localhost with live reload, rebuild incrementally when files change.

use super::{build_options, report, USAGE};
use crate::cli::{Common, Format};
use crate::content::kind::Audience;
use crate::diag::Diagnostics;
use crate::io::watch;
use crate::pipeline::{Request, Trust};
use crate::serve::http;
use crate::serve::live::{How, Live, Outcome, Served};
use std::net::TcpListener;
use std::sync::Arc;

pub struct Options<'a> {
    pub bind: &'a str,
    pub port: u16,
    pub poll: bool,
    pub open: bool,
    /// Host names answered besides localhost and the bound address (`--allow-host`).
    pub allow_host: &'a [String],
}

pub fn run(common: &Common, format: Format, o: &Options) -> i32 {
    let opts = match build_options(common, Audience::Internal) {
        Ok(o) => o,
        Err(d) => {
            report(&Diagnostics(vec![*d]), format);
            return USAGE;
        }
    };
    let (listener, port) = match bind_next_free(o.bind, o.port) {
        Some(l) => l,
        None => {
            eprintln!("错误: 无法在 {} 上监听（端口 {} 起的 10 个端口都被占用或地址无效）", o.bind, o.port);
            eprintln!("  = 提示: 用 --port 换一个端口");
            return USAGE;
        }
    };
    let local = matches!(o.bind, "127.0.0.1" | "localhost" | "::1");
    if !local {
        eprintln!("警告: 正在监听 {}，局域网内其他电脑也能访问预览（包括党内公开内容和草稿）；用完请按 Ctrl+C 停止", o.bind);
    }
    let host = if o.bind == "0.0.0.0" || o.bind == "::" { "127.0.0.1" } else { o.bind };
    let base_url = format!("http://{host}:{port}/");
    let served = Arc::new(Served::new(&common.root));
    let req = Request {
        root: common.root.clone(),
        output: None,
        base_url: Some(base_url.clone()),
        opts,
        published: super::published(&common.root),
        trust: Trust::site(&common.root),
        cache: None,
    };
    let mut live = Live::new(req, served.clone());
    let mode = if o.poll {
        eprintln!("提示: 每 {} 秒检查一次文件变化（--poll）。", watch::POLL_INTERVAL.as_secs());
        watch::Mode::Poll(watch::POLL_INTERVAL)
    } else if let Some(fs) = watch::network_mount(&common.root) {
        eprintln!("提示: 站点文件夹在网络共享上（{fs}），其他电脑的修改收不到系统通知，改为每 {} 秒检查一次。", watch::POLL_INTERVAL.as_secs());
        watch::Mode::Poll(watch::POLL_INTERVAL)
    } else {
        watch::Mode::Native
    };
    let fixed_now = common.now.is_some();
    let mut listener = Some(listener);
    let result = watch::watch(&common.root, mode, |changed| {
        if let Some(listener) = listener.take() {
            // The first call: the watcher is ready, build everything and start serving.
            let outcome = live.rebuild(&[]);
            print_outcome(&outcome, format, live.held());
            if !common.drafts {
                eprintln!("提示: 草稿和定时发布的页面未显示；加 --drafts 可预览它们（页面顶部会标明“草稿”“定时发布”）。");
            }
            let served = served.clone();
            let hosts = http::Hosts::new(o.bind, o.allow_host);
            std::thread::spawn(move || http::serve_live(listener, served, hosts));
            eprintln!("预览地址：{base_url}  （按 Ctrl+C 停止；文件保存后浏览器自动刷新）");
            if o.open {
                open_browser(&base_url);
            }
            return;
        }
        if !fixed_now {
            live.set_now(chrono::Local::now().naive_local());
        }
        let outcome = live.rebuild(&changed);
        if outcome.how != How::Nothing {
            let first = changed.first().cloned().unwrap_or_default();
            let more = if changed.len() > 1 { format!(" 等 {} 个文件", changed.len()) } else { String::new() };
            eprintln!("检测到变化：{}{more}", crate::diag::escape_controls(&first));
            print_outcome(&outcome, format, live.held());
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("错误: 无法监视文件变化：{e}");
            USAGE
        }
    }
}

/// `held`: files held back because of their own errors (`Live::held`).
fn print_outcome(o: &Outcome, format: Format, held: usize) {
    report(&o.diags, format);
    let site_wide = o.diags.0.iter().any(|d| d.is_error() && d.content_file().is_none());
    if o.diags.has_errors() && (held == 0 || site_wide) {
        eprintln!("内容有错误，预览仍显示上一次成功生成的网站（浏览器中也会显示这些错误）。");
        return;
    }
    if held > 0 {
        eprintln!("{held} 个文件有错误：它们的页面仍显示上一次正确的版本（在浏览器中打开会显示错误），其余页面照常更新。");
    }
    let how = match o.how {
        How::Page => "只重新生成了改动的页面",
        How::FrontMatter => "只重新生成了改动的页面和列出它的页面",
        How::Static => "静态文件",
        How::Full => "全部重新生成",
        How::Nothing => return,
    };
    eprintln!("已更新：{} 个文件有变化（{how}，{:.0} 毫秒）。", o.changed, o.millis);
}

fn open_browser(url: &str) {
    let opened = ["xdg-open", "sensible-browser", "x-www-browser"]
        .iter()
        .any(|cmd| std::process::Command::new(cmd).arg(url).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().is_ok());
    if !opened {
        eprintln!("提示: 无法自动打开浏览器，请手动打开 {url}");
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
