//! The images of Word pages, written beside each visible page (`/notices/通知/image1.png`):
//! taken out of the `.docx` again when the page is written (not kept in memory
//! from reading), metadata removed (`content::docx::images`).

use super::Sink;
use crate::diag::Diagnostic;
use crate::site::Site;
use rayon::prelude::*;

pub fn write(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    let pages: Vec<_> = site.pages.iter().filter(|p| p.visible()).filter_map(|p| Some((p, p.src.word.as_ref().filter(|w| !w.media.is_empty())?))).collect();
    pages
        .par_iter()
        .flat_map_iter(|(p, w)| {
            let err = |msg: String, hint: &str| vec![Diagnostic::error(msg).file(&p.src.display).hint(hint)];
            let bytes = match std::fs::read(&w.media_file) {
                Ok(b) => b,
                Err(e) => return err(format!("无法再次读取 Word 文件以取出图片：{e}"), "文件在生成过程中被移动或删除了？请重新生成"),
            };
            let images = match crate::content::docx::images(&bytes, &w.media) {
                Ok(i) => i,
                Err(e) => return err(e.message(), &e.hint()),
            };
            let dir = p.path.trim_start_matches('/');
            w.media.iter().zip(images).filter_map(|(m, data)| sink.write(&format!("{dir}{}", m.name), &data).err()).map(|e| *e).collect()
        })
        .collect()
}
