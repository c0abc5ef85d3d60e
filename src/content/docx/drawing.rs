//! Pictures and text boxes: DrawingML (`w:drawing`) and the older VML (`w:pict`).
//! An image is kept when its bytes are a web image format; vector formats, charts,
//! SmartArt and linked (not embedded) pictures are left out with a warning.
//! A text box's paragraphs follow the paragraph that anchors it.

use super::body::{next, skip, Ctx, Parser};
use super::media::ImageKind;
use super::model::{Block, Inline, Media};
use super::xml::{Ev, Ns, Xml};
use super::DocxError;

impl Parser<'_, '_> {
    pub fn drawing(&mut self, x: &mut Xml<'_>, out: &mut Vec<Inline>, line: usize) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        let mut alt = String::new();
        while x.depth() > end {
            let Ev::Open(t) = next(x)? else { continue };
            match (t.ns, t.name.as_str()) {
                (Ns::Wp, "docPr") => {
                    if t.get("hidden").is_some_and(|h| h == "1" || h == "true") {
                        // A hidden shape: nothing of it is shown.
                        while x.depth() > end {
                            next(x)?;
                        }
                        return Ok(());
                    }
                    alt = t.get("descr").filter(|d| !d.trim().is_empty()).or(t.get("title")).unwrap_or("").trim().to_string();
                }
                (Ns::A, "blip") => {
                    if let Some(id) = t.get("embed") {
                        let id = id.to_string();
                        self.image(&id, alt.clone(), out, line)?;
                    } else if t.get("link").is_some() {
                        self.warn(
                            line,
                            "链接到本机文件的图片不会发布（文件里只有图片的路径）",
                            "在 Word 中选中图片，“复制”后“选择性粘贴”为图片，使图片保存在文档里",
                        );
                    }
                }
                (Ns::W, "txbxContent") => self.text_box(x, line)?,
                (_, "chart") => self.warn(line, "图表不会发布，已省略", "需要公开的数据请写成表格，或把图表另存为图片后插入"),
                (_, "relIds") => self.warn(line, "SmartArt 图形不会发布，已省略", "把图形另存为图片后插入，或改写为文字"),
                _ => {}
            }
        }
        Ok(())
    }

    /// VML (`w:pict`, Word 2003 and converted files): pictures and text boxes; an
    /// OLE object's preview picture is left out with the object.
    pub fn pict(&mut self, x: &mut Xml<'_>, out: &mut Vec<Inline>, line: usize) -> Result<(), DocxError> {
        let end = x.depth() - 1;
        let mut found = Vec::new();
        let mut ole = false;
        let mut alt = String::new();
        while x.depth() > end {
            let Ev::Open(t) = next(x)? else { continue };
            match (t.ns, t.name.as_str()) {
                (Ns::V, "shape" | "rect" | "roundrect") => {
                    if t.get("style").is_some_and(|s| s.replace(' ', "").contains("visibility:hidden")) {
                        skip(x)?;
                        continue;
                    }
                    alt = t.get("alt").unwrap_or("").trim().to_string();
                }
                (Ns::V, "imagedata") => {
                    if let Some(id) = t.get("id").or(t.get("relid")) {
                        found.push((id.to_string(), t.get("title").filter(|s| !s.is_empty()).map_or(alt.clone(), str::to_string)));
                    }
                }
                (Ns::O, "OLEObject") => ole = true,
                (Ns::W, "txbxContent") => self.text_box(x, line)?,
                _ => {}
            }
        }
        if ole {
            self.warn(
                line,
                "嵌入的对象（如 Excel 表格、公式编辑器、附件图标）不会发布，已省略",
                "需要公开的表格请在 Word 中直接插入表格；其他内容可另存为图片后插入",
            );
            return Ok(());
        }
        for (id, alt) in found {
            self.image(&id, alt, out, line)?;
        }
        Ok(())
    }

    fn text_box(&mut self, x: &mut Xml<'_>, line: usize) -> Result<(), DocxError> {
        self.ctx.push(Ctx::TextBox(line));
        let mut blocks = Vec::new();
        let r = self.blocks(x, &mut blocks);
        self.ctx.pop();
        r?;
        self.boxes.extend(blocks.into_iter().filter(|b| matches!(b, Block::Para(_) | Block::Table(_))));
        Ok(())
    }

    /// The image of relationship `id`, when it is a web image format.
    fn image(&mut self, id: &str, alt: String, out: &mut Vec<Inline>, line: usize) -> Result<(), DocxError> {
        let Some(rel) = self.rels.by_id.get(id).filter(|r| !r.external) else { return Ok(()) };
        let part = rel.target.clone();
        let media = match self.media_by_part.get(&part) {
            Some(m) => *m,
            None => {
                let m = self.new_media(&part, line)?;
                self.media_by_part.insert(part, m);
                m
            }
        };
        if let Some(media) = media {
            out.push(Inline::Image { media, alt });
        }
        Ok(())
    }

    fn new_media(&mut self, part: &str, line: usize) -> Result<Option<usize>, DocxError> {
        let Some((head, crc32, size)) = self.pkg.head(part, 64) else { return Ok(None) };
        if size > super::limits::MAX_IMAGE_BYTES {
            return Err(super::limits::Limit::ImageBytes.into());
        }
        let kind = ImageKind::sniff(&head);
        let Some(ext) = kind.extension() else {
            self.warn(
                line,
                &format!("图片是{}，网页无法显示，已省略", kind.name()),
                "在 Word 中右键图片“另存为图片”选 PNG 或 JPEG 格式，删除原图后插入保存的图片",
            );
            return Ok(None);
        };
        self.budget.image()?;
        let stem = part.rsplit('/').next().unwrap_or(part);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let clean: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
        let n = self.doc.media.len() + 1;
        let mut name = if clean.is_empty() { format!("image{n}.{ext}") } else { format!("{clean}.{ext}") };
        if self.doc.media.iter().any(|m| m.name == name) {
            name = format!("image{n}-{clean}.{ext}");
        }
        self.doc.media.push(Media { part: part.to_string(), name, crc32 });
        Ok(Some(self.doc.media.len() - 1))
    }
}
