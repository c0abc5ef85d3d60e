//! What the reader makes of a Word document: only what Word shows on the page
//! (no deletions, comments, hidden text, headers, properties or objects), as
//! blocks the layout pass classifies and the HTML writer prints.

use chrono::NaiveDate;

/// A read document. Every paragraph (body, cells, footnotes) has a `line`: its
/// index + 1 into `lines` (its plain text) and `places` (`第12段`, `表2第3行第1列`).
#[derive(Debug, Default, Clone)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Footnotes and endnotes, in the order the text first refers to them.
    pub notes: Vec<Note>,
    pub media: Vec<Media>,
    pub lines: Vec<String>,
    pub places: Vec<String>,
    /// `dcterms:created` of `docProps/core.xml`: the date property, the last fallback for `date`.
    pub created: Option<NaiveDate>,
    /// Some paragraph has a heading style or an outline level.
    pub styled_headings: bool,
    /// Things left out that the officer should know about (an embedded object, an EMF image).
    pub warnings: Vec<Problem>,
    /// What `layout` found: title, 文号, 落款.
    pub found: Found,
}

/// What the layout found, each with the line it is on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Found {
    pub title: Option<(String, usize)>,
    pub doc_number: Option<(String, usize)>,
    /// The 落款 unit (else the 红头 without its trailing 文件).
    pub issuer: Option<(String, usize)>,
    pub signed: Option<(NaiveDate, usize)>,
}

/// A problem at a line (`None`: the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// What a paragraph is on the page, decided by `layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Body,
    /// A heading, HTML level 2..=6 (the page title is the `h1`).
    Heading(u8),
    /// An item of a numbered (`1.` `（1）`) or bulleted list, nesting level 0..
    Item { ordered: bool, level: u8 },
    /// A line of the 落款 block (signing unit, 成文日期).
    Signature,
    /// Shown elsewhere on the page (the title, the 红头, the 文号 line): not in the body.
    Omit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
    Justify,
}

#[derive(Debug, Clone, Default)]
pub struct Para {
    pub line: usize,
    pub role: Role,
    pub align: Align,
    pub inlines: Vec<Inline>,
    /// The label Word's automatic numbering shows before the text (`一、`, `1.`).
    pub label: Option<String>,
    /// Automatic numbering with a bullet symbol.
    pub bullet: bool,
    /// Numbering level (`w:ilvl`).
    pub num_level: u8,
    /// Heading level from the style or outline level (1 = Word's 标题 1).
    pub heading: Option<u8>,
    /// The Title style (标题).
    pub title_style: bool,
    /// Largest font size of its text, in half-points (Word's `w:sz`).
    pub size: u32,
    /// Some text is red (a 红头's 发文机关标志).
    pub red: bool,
    /// Indented from the left by at least a quarter of the line (a 落款 set by indent).
    pub indented: bool,
    /// In a text box.
    pub in_text_box: bool,
}

impl Para {
    /// The visible text: the numbering label, then the runs.
    pub fn text(&self) -> String {
        let mut s = self.label.clone().unwrap_or_default();
        inline_text(&self.inlines, &mut s);
        s
    }
}

pub fn inline_text(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t, _) => out.push_str(t),
            Inline::Break => out.push('\n'),
            Inline::Link { inlines, .. } => inline_text(inlines, out),
            Inline::Image { .. } | Inline::NoteRef(_) => {}
        }
    }
}

/// Character formatting the HTML keeps (no fonts, sizes or colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fmt {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub strike: bool,
    pub sup: bool,
    pub sub: bool,
}

#[derive(Debug, Clone)]
pub enum Inline {
    Text(String, Fmt),
    Break,
    /// A hyperlink: an address as written, or `#bookmark` inside the document.
    Link {
        href: String,
        inlines: Vec<Inline>,
    },
    Image {
        media: usize,
        alt: String,
    },
    /// A reference to `notes[i]`.
    NoteRef(usize),
}

#[derive(Debug, Clone)]
pub struct Note {
    /// Its number as shown (1, 2, …), endnotes after footnotes.
    pub number: usize,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// 1-based, in document order (nested tables included).
    pub number: usize,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// Word's 标题行重复 (`w:tblHeader`): a header row.
    pub header: bool,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub blocks: Vec<Block>,
    pub colspan: u32,
    pub rowspan: u32,
}

/// An image part the document shows, written beside the page as `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Part name inside the package (`word/media/image1.png`).
    pub part: String,
    /// Output file name (`image1.png`), its extension from the bytes.
    pub name: String,
    /// The part's CRC-32 as read: the file must still hold the same image when it is written.
    pub crc32: u32,
}
