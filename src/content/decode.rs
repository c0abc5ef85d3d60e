//! Bytes → text. Officers save files from Windows tools: UTF-8 with or without BOM,
//! CRLF line ends, or GBK/GB18030 (Notepad's "ANSI" on Chinese Windows). UTF-16 and
//! binary files are refused with a clear reason rather than decoded into mojibake.

/// How a file was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Utf16,
    Binary,
    Unknown,
}

impl DecodeError {
    pub fn message(&self) -> &'static str {
        match self {
            DecodeError::Utf16 => "文件是 UTF-16 编码，dwgk 不能读取",
            DecodeError::Binary => "文件不是文本（像是二进制文件），不能作为 Markdown 读取",
            DecodeError::Unknown => "无法识别文件编码（既不是 UTF-8 也不是 GBK）",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            DecodeError::Utf16 => "用记事本打开，“另存为”时把编码选为 UTF-8 后保存",
            DecodeError::Binary => "确认这个文件确实是 Markdown 文本；Word 文档等附件不要用 .md 扩展名",
            DecodeError::Unknown => "用记事本打开，“另存为”时把编码选为 UTF-8 后保存",
        }
    }
}

/// Decodes a text file. Line ends are normalised to `\n` and a BOM is removed.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_utf16(bytes) {
        return Err(DecodeError::Utf16);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if body.contains(&0) {
        return Err(DecodeError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(body) {
        if has_control_garbage(s) {
            return Err(DecodeError::Binary);
        }
        return Ok((normalize_newlines(s), Encoding::Utf8));
    }
    // Not UTF-8: GBK is what Chinese Windows writes. Accept it only when the
    // decoder sees no malformed sequence and a detector agrees it is Chinese.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
    if had_errors || has_control_garbage(&text) {
        return Err(if mostly_binary(body) { DecodeError::Binary } else { DecodeError::Unknown });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(body, true);
    let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    if guess != encoding_rs::GBK && guess != encoding_rs::GB18030 {
        return Err(DecodeError::Unknown);
    }
    Ok((normalize_newlines(&text), Encoding::Gbk))
}

/// UTF-16 without BOM: every other byte zero in ASCII-heavy text.
fn looks_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(512)];
    if sample.len() < 4 {
        return false;
    }
    let zeros_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = sample.len() / 2;
    zeros_even * 3 > half || zeros_odd * 3 > half
}

fn mostly_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let odd = sample.iter().filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20)).count();
    odd * 20 > sample.len()
}

/// Control characters other than tab, newline, CR and form feed mean "not text".
fn has_control_garbage(s: &str) -> bool {
    s.chars().take(8192).filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')).count() > 2
}

fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_crlf() {
        let (s, e) = decode(b"\xEF\xBB\xBF+++\r\ntitle = \"a\"\r\n+++\r\n").unwrap();
        assert_eq!(s, "+++\ntitle = \"a\"\n+++\n");
        assert_eq!(e, Encoding::Utf8);
    }

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("+++\ntitle = \"关于召开支部党员大会的通知\"\n+++\n党员同志们：\n");
        let (s, e) = decode(&bytes).unwrap();
        assert!(s.contains("关于召开支部党员大会的通知"));
        assert_eq!(e, Encoding::Gbk);
    }

    #[test]
    fn utf16_is_refused() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "+++\ntitle = \"通知\"\n+++\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes), Err(DecodeError::Utf16));
        assert_eq!(decode(&bytes[2..]), Err(DecodeError::Utf16));
    }

    #[test]
    fn binary_is_refused() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(2000).collect();
        assert!(decode(&bytes).is_err());
        assert_eq!(decode(b"%PDF-1.4\n\x00\x01\x02binary"), Err(DecodeError::Binary));
    }
}
