//! Command-line interface: flags in Chinese, with examples; usage errors in
//! Chinese too (`usage_error`).

mod usage_error;

pub use usage_error::usage_error;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "dwgk",
    version,
    about = "dwgk —— 党务公开网站生成器：把 Markdown 文件夹生成为党务公开静态网站",
    after_help = "示例：\n  dwgk init 我的站点          新建一个带示例内容的站点\n  dwgk build                  生成网站到 public/\n  dwgk check                  只检查内容错误，不写文件\n  dwgk serve                  本机预览：http://127.0.0.1:1111\n  dwgk publish --watch        从共享文件夹自动发布（见 docs/deploy.md）\n\n退出码：0 成功；1 内容有错误；2 用法或读写错误。",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 新建站点（含可运行的示例内容）
    #[command(after_help = "示例：\n  dwgk init              在当前文件夹新建\n  dwgk init 机关党委网站  在新文件夹里新建")]
    Init {
        /// 站点文件夹（默认当前文件夹；必须为空或不存在）
        dir: Option<PathBuf>,
    },
    /// 生成网站（先写到临时目录，全部成功后才替换输出目录）
    #[command(
        after_help = "示例：\n  dwgk build\n  dwgk build --output /srv/dwgk --base-url http://dangjian.intranet/\n  dwgk build --audience internal --output public-internal\n  dwgk build --keep-going        有错误的页面先不生成，其余照常生成"
    )]
    Build {
        #[command(flatten)]
        common: Common,
        /// 错误信息格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 输出目录（默认 站点/public）
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// 覆盖 config.toml 中的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 有错误的页面不生成、其余照常生成（仍以退出码 1 结束）；config.toml、模板等全站性错误仍不生成
        #[arg(long)]
        keep_going: bool,
    },
    /// 检查内容中的全部错误，不写任何文件
    #[command(after_help = "示例：\n  dwgk check\n  dwgk check --format json")]
    Check {
        #[command(flatten)]
        common: Common,
        /// 错误信息格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// 达标情况统计：在终端显示，或导出为 JSON、CSV、Excel
    #[command(
        after_help = "示例：\n  dwgk report\n  dwgk report --year 2024 --unit diyi\n  dwgk report --unit 第一党支部\n  dwgk report --format xlsx --output 达标情况.xlsx\n  dwgk report --as-of 2024-06-30 --format json\n  dwgk report --disclosures\n  dwgk report --draft 情况报告 --unit diyi --format docx --output 情况报告.docx"
    )]
    Report {
        #[command(flatten)]
        common: Common,
        /// 统计年度（默认 config.toml [compliance] year，再默认截至日期所在年）
        #[arg(long)]
        year: Option<i32>,
        /// 只看这个单位及其下级：单位编号（文件夹名，如 diyi）或单位名称（如 第一党支部）
        #[arg(long)]
        unit: Option<String>,
        /// 输出格式：table 终端表格、json、csv（Excel 可直接打开）、xlsx、docx（报告草稿）
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// 输出文件（xlsx、docx 必须指定）
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// 只看党务公开及时情况（按公开目录逐期统计）
        #[arg(long)]
        disclosures: bool,
        /// 生成报告草稿：情况报告（须同时写 --unit；--format docx 生成 Word 文件）
        #[arg(long, value_name = "类别")]
        draft: Option<String>,
    },
    /// 要求（频次）相关工具
    Requirements {
        #[command(subcommand)]
        command: RequirementsCommand,
    },
    /// 本机预览：网站生成在内存中，文件保存后浏览器自动刷新，内容错误直接显示在页面上
    #[command(
        after_help = "示例：\n  dwgk serve                       默认党内版，http://127.0.0.1:1111\n  dwgk serve --port 8080 --audience public\n  dwgk serve --drafts --open       含草稿，并打开浏览器\n  dwgk serve --bind 0.0.0.0        让局域网内的同事访问（注意：党内内容也可见）\n  dwgk serve --poll                网络共享文件夹：定时检查文件变化"
    )]
    Serve {
        #[command(flatten)]
        common: Common,
        /// 错误信息格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 监听地址（默认只允许本机访问）
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// 端口（被占用时自动尝试下一个）
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// 定时检查文件变化，不用系统文件通知（网络共享文件夹会自动使用）
        #[arg(long)]
        poll: bool,
        /// 启动后在浏览器中打开
        #[arg(long)]
        open: bool,
        /// 预览还接受的主机名（可写多次），例如同事用本机名 dangjian-pc 访问时；其他主机名一律拒绝（421）
        #[arg(long, value_name = "主机名")]
        allow_host: Vec<String>,
    },
    /// 从共享文件夹自动发布：每次生成一个完整的新版本，再原子切换 DEST/current，出错时线上网站保持不变
    #[command(
        after_help = "示例：\n  dwgk publish --source /mnt/share/dwgk --dest /srv/dwgk --once      生成并发布一次\n  dwgk publish --source /mnt/share/dwgk --dest /srv/dwgk --watch     常驻运行：文件变化、发布时间到达时自动发布\n  dwgk publish --watch --schedule \"0 6 * * *\" --audience internal\n  dwgk publish --watch --dest /srv/dwgk/public --internal-dest /srv/dwgk/internal\n                              一个进程同时发布公开版（到 --dest）和党内版（到 --internal-dest）\n\n时间按服务器本地时区（在中国即北京时间）。部署说明见 docs/deploy.md。"
    )]
    Publish(PublishArgs),
    /// 列出已发布的版本（* 为当前版本）
    #[command(after_help = "示例：\n  dwgk releases --dest /srv/dwgk\n  dwgk releases --dest /srv/dwgk --format json")]
    Releases {
        /// 发布目录（含 current 和 releases/）
        #[arg(long)]
        dest: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// 回滚：把 DEST/current 切换回以前的版本（默认上一个）
    #[command(after_help = "示例：\n  dwgk rollback --dest /srv/dwgk\n  dwgk rollback --dest /srv/dwgk --to 20261125-214003-123")]
    Rollback {
        /// 发布目录（含 current 和 releases/）
        #[arg(long)]
        dest: PathBuf,
        /// 回滚到这个版本（版本号见 dwgk releases；默认当前版本的上一个）
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct PublishArgs {
    /// 源文件夹：站点（config.toml + content/），通常是挂载的共享文件夹；默认 config.toml [publish] source，再默认当前文件夹
    #[arg(long)]
    pub source: Option<PathBuf>,
    /// 发布目录：releases/ 存放各版本，current 指向线上版本（默认 [publish] dest）；写了 --internal-dest 时是公开版的发布目录
    #[arg(long)]
    pub dest: Option<PathBuf>,
    /// 党内版的发布目录：同一次运行中同时发布公开版（到 --dest）和党内版（到这里）（默认 [publish] internal_dest）
    #[arg(long)]
    pub internal_dest: Option<PathBuf>,
    /// 委员会版的发布目录（含收入基数、原始台账和核对问题，只给支部委员会、组织委员看）：与公开版同一次运行发布（默认 [publish] committee_dest）
    #[arg(long)]
    pub committee_dest: Option<PathBuf>,
    /// 管理员的发布设置文件（一个只有 [publish] 表的 TOML 文件，放在共享文件夹之外，例如 /etc/dwgk/publish.toml）：
    /// 发布目录、读者范围、删除保护和保留版本数只从命令行和这个文件读取，共享文件夹里的 config.toml 不能改
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 生成并发布一次后退出（默认）
    #[arg(long, conflicts_with = "watch")]
    pub once: bool,
    /// 常驻运行：文件稳定后、publish_date/expire_date 到达时、定时任务到点时自动发布
    #[arg(long)]
    pub watch: bool,
    /// 定时重新生成（cron 五个字段：分 时 日 月 周，服务器本地时间），例如 "0 6 * * *"
    #[arg(long)]
    pub schedule: Option<String>,
    /// 只发布一个网站时的读者范围：public 向社会公开（默认）；internal 党内公开（含发布状态页 /_status/）；committee 委员会版
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// 覆盖 config.toml 中的 base_url
    #[arg(long)]
    pub base_url: Option<String>,
    /// 党内版网站的网址（默认 [publish] internal_base_url，再默认与公开版相同）
    #[arg(long)]
    pub internal_base_url: Option<String>,
    /// 委员会版网站的网址（默认 [publish] committee_base_url，再默认与党内版相同）
    #[arg(long)]
    pub committee_base_url: Option<String>,
    /// 保留最近多少个版本供回滚（默认 [publish] keep，再默认 10）
    #[arg(long)]
    pub keep: Option<usize>,
    /// 轮询间隔（秒，默认 [publish] poll_seconds，再默认 10）
    #[arg(long)]
    pub poll_seconds: Option<u64>,
    /// 文件多少秒内不再变化才使用（默认 [publish] settle_seconds，再默认 5）
    #[arg(long)]
    pub settle_seconds: Option<u64>,
    /// 新版本比线上少了超过这个百分比的页面时拒绝发布（默认 20）
    #[arg(long)]
    pub max_drop_percent: Option<u32>,
    /// 强制发布：内容没有变化或页面大量减少时也发布
    #[arg(long)]
    pub force: bool,
    /// 全有或全无：任何错误都不发布，线上保持不变（默认：有错误的页面单独暂缓，其余照常发布；也可在 [publish] 写 strict = true）
    #[arg(long)]
    pub strict: bool,
    /// 网站代码文件夹：模板 templates/、主题 themes/、静态文件 static/，由管理员维护、不要放在共享文件夹里；不写时只用内置主题，源文件夹里的这些文件夹一律不用（docs/deploy.md“信任模型”）
    #[arg(long, value_name = "文件夹")]
    pub code: Option<PathBuf>,
    /// 允许读取的站点以外的文件夹（可写多次）：共享文件夹里指向这里的链接才会被读取；源文件夹 config.toml 的 [security] 在 publish 中不起作用
    #[arg(long, value_name = "文件夹")]
    pub allow_read: Vec<PathBuf>,
    /// 模板可以用 get_env 读取的环境变量（可写多次）；默认一个也不能读
    #[arg(long, value_name = "变量名")]
    pub allow_env: Vec<String>,
    /// 只靠轮询，不用系统文件通知（模拟网络共享文件夹，测试用）
    #[arg(long, hide = true)]
    pub poll_only: bool,
}

#[derive(Subcommand, Debug)]
pub enum RequirementsCommand {
    /// 从责任清单、工作计划等文字中找出“每月召开一次支委会”这类可统计的频次要求
    #[command(after_help = "示例：\n  dwgk requirements extract content/units/diyi/checklist-2024.md\n  dwgk requirements extract 责任清单.txt --format json")]
    Extract {
        /// 要分析的文件（Markdown 或纯文本，UTF-8 或 GBK）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ExtractFormat::Table)]
        format: ExtractFormat,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractFormat {
    Table,
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// 站点文件夹（含 config.toml），默认当前文件夹
    #[arg(long, short, default_value = ".")]
    pub root: PathBuf,
    /// 包含草稿（draft）和尚未到发布时间的页面
    #[arg(long)]
    pub drafts: bool,
    /// 读者范围：public 向社会公开（build 默认）；internal 党内公开，全体党员（serve 默认）；committee 委员会版，另含收入基数、原始台账和核对问题
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// 达标统计截至日期（YYYY-MM-DD，含当天），默认 config.toml [compliance] as_of，再默认今天
    #[arg(long)]
    pub as_of: Option<String>,
    /// 以这个时间作为“现在”（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM），用于核对定时发布和公示期
    #[arg(long, hide = true)]
    pub now: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceArg {
    Public,
    Internal,
    Committee,
}

impl AudienceArg {
    pub fn audience(self) -> crate::content::kind::Audience {
        use crate::content::kind::Audience;
        match self {
            AudienceArg::Public => Audience::Public,
            AudienceArg::Internal => Audience::Internal,
            AudienceArg::Committee => Audience::Committee,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Xlsx,
    Docx,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

const TOP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}\n{after-help}\n";
const SUB_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{positionals}\n选项：\n{options}\n{after-help}\n";

/// Placeholders of values in help and usage (`--root <目录>`), by argument id.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("root", "目录"),
    ("dir", "站点文件夹"),
    ("audience", "范围"),
    ("as_of", "日期"),
    ("now", "时间"),
    ("format", "格式"),
    ("output", "路径"),
    ("base_url", "网址"),
    ("internal_base_url", "网址"),
    ("year", "年份"),
    ("unit", "单位"),
    ("bind", "地址"),
    ("port", "端口"),
    ("source", "目录"),
    ("dest", "目录"),
    ("internal_dest", "目录"),
    ("schedule", "定时"),
    ("keep", "个数"),
    ("poll_seconds", "秒数"),
    ("settle_seconds", "秒数"),
    ("max_drop_percent", "百分比"),
    ("to", "版本号"),
    ("files", "文件"),
];

/// An argument with Chinese placeholders, and its default and possible values
/// said in its own help text instead of clap's `[default: …]` and
/// `[possible values: …]`.
fn chinese_arg(arg: clap::Arg) -> clap::Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let id = arg.get_id().as_str().to_string();
    let mut help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<String> = arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect();
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !values.is_empty() && !values.iter().all(|v| help.contains(v.as_str())) {
        help.push_str(&format!("（可选：{}）", values.join("、")));
    }
    if let Some(d) = defaults.first().filter(|_| !help.contains("默认")) {
        help.push_str(&format!("（默认：{d}）"));
    }
    let arg = arg.hide_default_value(true).hide_possible_values(true).help(help);
    match VALUE_NAMES.iter().find(|(k, _)| *k == id) {
        Some((_, name)) => arg.value_name(*name),
        None => arg,
    }
}

/// The command with every built-in English text replaced by Chinese.
pub fn command() -> clap::Command {
    use clap::{Arg, ArgAction};
    let help = || Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助");
    let cmd = Cli::command()
        .help_template(TOP_TEMPLATE)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(help())
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本"));
    fn chinese(cmd: clap::Command, path: &str, help: &dyn Fn() -> clap::Arg) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
        names.into_iter().fold(cmd, |cmd, name| {
            cmd.mut_subcommand(&name, |sub| {
                let template = if sub.has_subcommands() { TOP_TEMPLATE } else { SUB_TEMPLATE };
                let path = format!("{path} {name}");
                let sub = sub.help_template(template).disable_help_flag(true).disable_help_subcommand(true).arg(help()).mut_args(chinese_arg);
                chinese_usage(chinese(sub, &path, help), &path)
            })
        })
    }
    chinese_usage(chinese(cmd, "dwgk", &help), "dwgk")
}

/// The usage line in Chinese (`dwgk build [选项]`), `path` the command's words.
fn chinese_usage(mut cmd: clap::Command, path: &str) -> clap::Command {
    if cmd.has_subcommands() {
        cmd = cmd.subcommand_value_name("命令").subcommand_help_heading("命令");
    }
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim().replace("[OPTIONS]", "[选项]").replace("<COMMAND>", "<命令>");
    let args = usage.split_once(' ').map_or("", |(_, rest)| rest);
    cmd.override_usage(format!("{path} {args}").trim_end().to_string())
}

/// Parses the process arguments with the Chinese command definition.
pub fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}
