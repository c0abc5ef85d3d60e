//! Images taken out of a Word file: only formats that cannot carry script (PNG,
//! JPEG, GIF, BMP, WebP), told by their bytes, never by a name; and their hidden
//! metadata (EXIF with the camera, the place and the author; PNG and WebP text
//! chunks) removed before they are published.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Bmp,
    Webp,
    /// Word's vector formats: no browser shows them (and SVG may hold script).
    Emf,
    Wmf,
    Svg,
    Tiff,
    Unknown,
}

impl ImageKind {
    pub fn sniff(head: &[u8]) -> ImageKind {
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            ImageKind::Png
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            ImageKind::Jpeg
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            ImageKind::Gif
        } else if head.starts_with(b"BM") && head.len() >= 14 {
            ImageKind::Bmp
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            ImageKind::Webp
        } else if head.len() >= 44 && head.starts_with(&[1, 0, 0, 0]) && &head[40..44] == b" EMF" {
            ImageKind::Emf
        } else if head.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || head.starts_with(&[1, 0, 9, 0]) || head.starts_with(&[2, 0, 9, 0]) {
            ImageKind::Wmf
        } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            ImageKind::Tiff
        } else if String::from_utf8_lossy(head).to_lowercase().contains("<svg") || head.starts_with(b"<?xml") {
            ImageKind::Svg
        } else {
            ImageKind::Unknown
        }
    }

    /// The file extension of a format the site publishes; `None` for the others.
    pub fn extension(self) -> Option<&'static str> {
        Some(match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Bmp => "bmp",
            ImageKind::Webp => "webp",
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Emf => "EMF 矢量图",
            ImageKind::Wmf => "WMF 矢量图",
            ImageKind::Svg => "SVG 矢量图",
            ImageKind::Tiff => "TIFF",
            _ => "无法识别的格式",
        }
    }
}

/// The image without its metadata: JPEG APPn segments other than JFIF/Adobe and
/// comments, PNG text/time/EXIF chunks, WebP EXIF/XMP chunks. Other bytes as they are.
pub fn strip_metadata(kind: ImageKind, bytes: &[u8]) -> Vec<u8> {
    match kind {
        ImageKind::Jpeg => strip_jpeg(bytes).unwrap_or_else(|| bytes.to_vec()),
        ImageKind::Png => strip_png(bytes).unwrap_or_else(|| bytes.to_vec()),
        ImageKind::Webp => strip_webp(bytes).unwrap_or_else(|| bytes.to_vec()),
        _ => bytes.to_vec(),
    }
}

fn strip_jpeg(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xDA {
            // Start of scan: the entropy-coded image follows to the end.
            out.extend_from_slice(&b[i..]);
            return Some(out);
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 || marker == 0xFF {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let end = i + 2 + len;
        if len < 2 || end > b.len() {
            return None;
        }
        let seg = &b[i..end];
        let keep = match marker {
            0xE0 => seg.get(4..9) == Some(b"JFIF\0".as_slice()),
            0xEE => seg.get(4..9) == Some(b"Adobe".as_slice()),
            // ICC colour profiles keep colours right; they hold no personal data.
            0xE2 => seg.get(4..15) == Some(b"ICC_PROFILE".as_slice()),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(seg);
        }
        i = end;
    }
    None
}

fn strip_png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        let kind = &b[i + 4..i + 8];
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

fn strip_webp(b: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(b.len());
    let mut i = 12;
    while i + 8 <= b.len() {
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        let end = (i + 8).checked_add(len + (len & 1))?.min(b.len());
        if !matches!(&b[i..i + 4], b"EXIF" | b"XMP ") {
            body.extend_from_slice(&b[i..end]);
        }
        i = end;
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend(body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_bytes() {
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\nrest"), ImageKind::Png);
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), ImageKind::Jpeg);
        assert_eq!(ImageKind::sniff(b"<svg xmlns='x'><script/></svg>"), ImageKind::Svg);
        let mut emf = vec![1, 0, 0, 0];
        emf.resize(40, 0);
        emf.extend_from_slice(b" EMF");
        assert_eq!(ImageKind::sniff(&emf), ImageKind::Emf);
        assert_eq!(ImageKind::Emf.extension(), None);
        assert_eq!(ImageKind::Jpeg.extension(), Some("jpg"));
    }

    #[test]
    fn jpeg_exif_and_comments_go() {
        let mut j = vec![0xFF, 0xD8];
        j.extend([0xFF, 0xE0, 0, 16]);
        j.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        j.extend([0xFF, 0xE1, 0, 14]);
        j.extend(b"Exif\0\0SECRET");
        j.extend([0xFF, 0xFE, 0, 8]);
        j.extend(b"SECRET");
        j.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        let out = strip_metadata(ImageKind::Jpeg, &j);
        assert!(!out.windows(6).any(|w| w == b"SECRET"), "{out:?}");
        assert!(out.windows(4).any(|w| w == b"JFIF") && out.ends_with(&[1, 2, 3, 0xFF, 0xD9]));
    }

    #[test]
    fn png_text_chunks_go() {
        fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend(kind);
            c.extend(data);
            c.extend([0, 0, 0, 0]);
            c
        }
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend(chunk(b"IHDR", &[0; 13]));
        p.extend(chunk(b"tEXt", b"Author\0SECRET"));
        p.extend(chunk(b"IDAT", &[1, 2, 3]));
        p.extend(chunk(b"IEND", &[]));
        let out = strip_metadata(ImageKind::Png, &p);
        assert!(!out.windows(6).any(|w| w == b"SECRET"));
        assert!(out.windows(4).any(|w| w == b"IDAT") && out.windows(4).any(|w| w == b"IEND"));
    }
}
