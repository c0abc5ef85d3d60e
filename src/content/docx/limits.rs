//! How much of a Word package the reader will look at: a file from the share is
//! untrusted, so a zip bomb, a million paragraphs or XML nested ten thousand deep
//! is an error for that file alone, never memory or time taken from the build.
//! One small module so these bounds can join the spreadsheet reader's later.

/// Largest Word file read at all (bytes on disk).
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// Entries in the zip's central directory.
pub const MAX_ENTRIES: usize = 5_000;
/// Bytes really decompressed from one XML part (not what the zip header claims).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes decompressed from all XML parts of one document together.
pub const MAX_TOTAL_BYTES: u64 = 160 * 1024 * 1024;
/// Bytes of one image taken out of the package.
pub const MAX_IMAGE_BYTES: u64 = 40 * 1024 * 1024;
/// XML elements open at once (a document, a body, a table in a table … a run).
pub const MAX_DEPTH: usize = 120;
/// Paragraphs (body, cells, footnotes together).
pub const MAX_PARAGRAPHS: usize = 200_000;
/// Table cells.
pub const MAX_CELLS: usize = 400_000;
/// Images one document may show.
pub const MAX_IMAGES: usize = 2_000;

/// Which bound a document went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    FileBytes,
    Entries,
    PartBytes,
    TotalBytes,
    ImageBytes,
    Depth,
    Paragraphs,
    Cells,
    Images,
}

impl Limit {
    /// What went past the bound, in the officer's words.
    pub fn describe(self) -> String {
        match self {
            Limit::FileBytes => format!("文件超过 {} MB", MAX_FILE_BYTES / 1024 / 1024),
            Limit::Entries => format!("文件内部的组成部分超过 {MAX_ENTRIES} 个"),
            Limit::PartBytes => format!("正文解压后超过 {} MB", MAX_PART_BYTES / 1024 / 1024),
            Limit::TotalBytes => format!("文档解压后超过 {} MB", MAX_TOTAL_BYTES / 1024 / 1024),
            Limit::ImageBytes => format!("其中一张图片超过 {} MB", MAX_IMAGE_BYTES / 1024 / 1024),
            Limit::Depth => format!("内容嵌套超过 {MAX_DEPTH} 层"),
            Limit::Paragraphs => format!("段落超过 {MAX_PARAGRAPHS} 个"),
            Limit::Cells => format!("表格单元格超过 {MAX_CELLS} 个"),
            Limit::Images => format!("图片超过 {MAX_IMAGES} 张"),
        }
    }
}

/// Counts what one document has used so far against the bounds.
#[derive(Debug, Default)]
pub struct Budget {
    pub total_bytes: u64,
    pub paragraphs: usize,
    pub cells: usize,
    pub images: usize,
}

impl Budget {
    pub fn take_bytes(&mut self, n: u64) -> Result<(), Limit> {
        self.total_bytes += n;
        if self.total_bytes > MAX_TOTAL_BYTES {
            return Err(Limit::TotalBytes);
        }
        Ok(())
    }

    pub fn paragraph(&mut self) -> Result<(), Limit> {
        self.paragraphs += 1;
        if self.paragraphs > MAX_PARAGRAPHS {
            return Err(Limit::Paragraphs);
        }
        Ok(())
    }

    pub fn cell(&mut self) -> Result<(), Limit> {
        self.cells += 1;
        if self.cells > MAX_CELLS {
            return Err(Limit::Cells);
        }
        Ok(())
    }

    pub fn image(&mut self) -> Result<(), Limit> {
        self.images += 1;
        if self.images > MAX_IMAGES {
            return Err(Limit::Images);
        }
        Ok(())
    }
}
