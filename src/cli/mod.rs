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
        after_help = "示例：\n  dwgk build\n  dwgk build --output /srv/dwgk --base-url http://dangjian.intranet/\n  dwgk build --audience internal --output public-internal"
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
        after_help = "示例：\n  dwgk report\n  dwgk report --year 2024 --unit diyi\n  dwgk report --format xlsx --output 达标情况.xlsx\n  dwgk report --as-of 2024-06-30 --format json"
    )]
    Report {
        #[command(flatten)]
        common: Common,
        /// 统计年度（默认 config.toml [compliance] year，再默认截至日期所在年）
        #[arg(long)]
        year: Option<i32>,
        /// 只看这个单位及其下级（单位编号，即文件夹名）
        #[arg(long)]
        unit: Option<String>,
        /// 输出格式：table 终端表格、json、csv（Excel 可直接打开）、xlsx
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// 输出文件（xlsx 必须指定）
        #[arg(long, short)]
        output: Option<PathBuf>,
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
    /// 生成并发布一次后退出（默认）
    #[arg(long, conflicts_with = "watch")]
    pub once: bool,
    /// 常驻运行：文件稳定后、publish_date/expire_date 到达时、定时任务到点时自动发布
    #[arg(long)]
    pub watch: bool,
    /// 定时重新生成（cron 五个字段：分 时 日 月 周，服务器本地时间），例如 "0 6 * * *"
    #[arg(long)]
    pub schedule: Option<String>,
    /// 只发布一个网站时的读者范围：public 向社会公开（默认）；internal 党内公开（含发布状态页 /_status/）
    #[arg(long, value_enum)]
    pub audience: Option<AudienceArg>,
    /// 覆盖 config.toml 中的 base_url
    #[arg(long)]
    pub base_url: Option<String>,
    /// 党内版网站的网址（默认 [publish] internal_base_url，再默认与公开版相同）
    #[arg(long)]
    pub internal_base_url: Option<String>,
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
    /// 读者范围：public 向社会公开（build 默认）；internal 党内公开（serve 默认）
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
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Xlsx,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

const TOP_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}\n{after-help}\n";
const SUB_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n{positionals}\n选项：\n{options}\n{after-help}\n";

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
    fn chinese(cmd: clap::Command, help: &dyn Fn() -> clap::Arg) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
        names.into_iter().fold(cmd, |cmd, name| {
            cmd.mut_subcommand(name, |sub| {
                let template = if sub.has_subcommands() { TOP_TEMPLATE } else { SUB_TEMPLATE };
                chinese(sub.help_template(template).disable_help_flag(true).arg(help()), help)
            })
        })
    }
    chinese(cmd, &help)
}

/// Parses the process arguments with the Chinese command definition.
pub fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}
