//! Why a Word file could not be read at all, in plain Chinese with a hint. Such a
//! problem is an error of that file only: the rest of the site builds.

use super::limits::Limit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocxError {
    /// An OLE file holding an `EncryptedPackage`: Word's 打开文件时的密码.
    Encrypted,
    /// Not a zip, or a zip without a Word document inside.
    Corrupt(String),
    /// A bound of `limits` was passed.
    TooLarge(Limit),
    /// Really another format (an old `.doc`, RTF, a web page saved as `.doc`):
    /// it needs LibreOffice to become a `.docx`.
    NeedsConversion(&'static str),
}

impl DocxError {
    pub fn message(&self) -> String {
        match self {
            DocxError::Encrypted => "Word 文件设置了打开密码，无法读取".into(),
            DocxError::Corrupt(why) => format!("Word 文件已损坏或不是 Word 文档，无法读取（{why}）"),
            DocxError::TooLarge(limit) => format!("Word 文件太大，超出读取上限：{}", limit.describe()),
            DocxError::NeedsConversion(what) => format!("文件扩展名是 .docx，但内容其实是{what}"),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            DocxError::Encrypted => "在 Word/WPS 中打开，“文件 → 信息 → 保护文档 → 用密码进行加密”里清空密码后保存；要公开的文件不应加密".into(),
            DocxError::Corrupt(_) => "用 Word 或 WPS 打开这个文件，确认能正常显示后“另存为” .docx 格式再放回共享文件夹".into(),
            DocxError::TooLarge(_) => "图片请压缩后再插入（Word：图片格式 → 压缩图片），或把大的附件单独放在文件夹里用链接引用".into(),
            DocxError::NeedsConversion(_) => "用 Word 或 WPS 打开，“另存为” Word 文档（.docx）格式".into(),
        }
    }
}

impl From<Limit> for DocxError {
    fn from(l: Limit) -> Self {
        DocxError::TooLarge(l)
    }
}
