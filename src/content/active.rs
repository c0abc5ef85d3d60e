//! Attachment types a browser runs rather than shows: web pages, SVG and XML
//! documents (which may hold script), scripts, Flash. From the share they would run
//! on the portal's own origin (its cookies, its pages), so they are never published
//! (docs/content.md “Attachments”). Pure: the name decides; the server's types agree
//! (nginx's mime.types maps each of these to an HTML, XML, SVG or script type).

/// What an active attachment is, in words for the officer; `None` for safe types.
pub fn active_type(file_name: &str) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    Some(match ext.as_str() {
        "html" | "htm" | "shtml" | "xhtml" | "xht" | "mht" | "mhtml" | "hta" => "网页文件",
        "svg" | "svgz" => "SVG 图片（其中可以带脚本）",
        "xml" | "xsl" | "xslt" | "rss" | "atom" | "rdf" | "mml" | "kml" | "xspf" => "XML 文件（浏览器会把它当网页打开）",
        "js" | "mjs" | "cjs" | "htc" | "vbs" | "jnlp" => "脚本文件",
        "swf" => "Flash 文件",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_types_by_extension() {
        for n in ["a.html", "B.HTM", "图.svg", "数据.xml", "x.js", "x.mjs", "old.swf", "page.xhtml"] {
            assert!(active_type(n).is_some(), "{n}");
        }
        for n in ["通知.pdf", "表.xlsx", "图.png", "说明.txt", "html", "a.html.pdf", "a.docx"] {
            assert!(active_type(n).is_none(), "{n}");
        }
    }
}
