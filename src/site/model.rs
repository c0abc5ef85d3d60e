//! The assembled site: sections, pages and attachments with their URLs and
//! visibility. Built by `assemble`, read by the renderer.

use super::source::Source;
use crate::content::date::DateValue;
use crate::content::kind::{Kind, Scope};
use crate::content::markdown::Rendered;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Date,
    Weight,
    Title,
    None,
}

impl SortBy {
    pub fn parse(s: &str) -> Option<SortBy> {
        match s {
            "date" => Some(SortBy::Date),
            "weight" => Some(SortBy::Weight),
            "title" => Some(SortBy::Title),
            "none" => Some(SortBy::None),
            _ => None,
        }
    }
}

/// The `[unit]` table of a unit folder's `_index.md`.
#[derive(Debug, Clone, Serialize)]
pub struct UnitInfo {
    pub id: String,
    pub kind: Option<String>,
    pub secretary: Option<String>,
    pub members: Option<i64>,
    /// 成立日期 / 撤销日期 (`established`, `dissolved`), both inclusive.
    pub established: Option<chrono::NaiveDate>,
    pub dissolved: Option<chrono::NaiveDate>,
    /// Everything else in the table (later features read it).
    pub extra: Map<String, Value>,
}

/// Why a page is not published in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    Draft,
    Scheduled,
    Internal,
    /// `require_approval = true` and no `approved_by`: held back, listed by `publish`.
    Unapproved,
}

impl Hidden {
    pub fn reason(self) -> &'static str {
        match self {
            Hidden::Draft => "是草稿（draft = true）",
            Hidden::Scheduled => "尚未到发布时间（publish_date）",
            Hidden::Internal => "是党内公开（internal）内容，不在公开版中",
            Hidden::Unapproved => "尚未审批（缺少 approved_by，且设置了 require_approval = true）",
        }
    }
}

#[derive(Debug)]
pub struct Section {
    /// `None` for a folder without `_index.md`.
    pub src: Option<Source>,
    /// Folder relative to `content/` (`""` for the home).
    pub dir: String,
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub extra: Map<String, Value>,
    pub unit: Option<UnitInfo>,
    pub scope: Scope,
    /// `page_kind` / `page_scope`: what its pages (and those of its subfolders) are
    /// when they say nothing — Word pages, mostly. The nearest folder that sets it wins.
    pub page_kind: Option<Kind>,
    pub page_scope: Option<Scope>,
    pub hidden: Option<Hidden>,
    /// Site path, `/notices/`.
    pub path: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Every page of the folder, in display order (hidden ones included).
    pub pages: Vec<usize>,
    pub assets: Vec<usize>,
    pub rendered: Rendered,
}

#[derive(Debug)]
pub struct Page {
    pub src: Source,
    pub section: usize,
    pub title: String,
    pub description: Option<String>,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    pub kind: Option<Kind>,
    pub scope: Scope,
    pub draft: bool,
    pub publish_date: Option<DateValue>,
    pub expire_date: Option<DateValue>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    /// 发文字号, as written.
    pub doc_number: Option<String>,
    /// 发文机关 (issuing body), as written.
    pub issuer: Option<String>,
    /// Owning unit id.
    pub unit: Option<String>,
    pub weight: Option<i64>,
    pub slug: String,
    pub template: Option<String>,
    pub taxonomies: PageTerms,
    pub extra: Map<String, Value>,
    /// Folder of a page bundle (`notices/a` for `notices/a/index.md`).
    pub bundle: Option<String>,
    pub path: String,
    pub hidden: Option<Hidden>,
    pub expired: bool,
    pub scheduled: bool,
    /// Bundle files and files the page links to.
    pub assets: Vec<usize>,
    pub rendered: Rendered,
    /// Where `rendered.html` went when the site keeps it out of memory
    /// (`Site::html_store`): `(offset, length)`; read back by `Site::page_html`.
    pub stored_html: Option<(u64, usize)>,
}

/// A page's terms by taxonomy name, in name order: a sorted vector, read like a map
/// (a `BTreeMap` node per page cost ~600 bytes: 6 MiB at 10,000 pages).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageTerms(Vec<(String, Vec<String>)>);

/// `(taxonomy, names)` pairs of `PageTerms`, as a map's iterator gives them.
pub type TermPairs<'a> = std::iter::Map<std::slice::Iter<'a, (String, Vec<String>)>, fn(&(String, Vec<String>)) -> (&String, &Vec<String>)>;

impl PageTerms {
    pub fn get(&self, taxonomy: &str) -> Option<&Vec<String>> {
        self.0.iter().find(|(t, _)| t == taxonomy).map(|(_, names)| names)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(t, _)| t)
    }

    pub fn iter(&self) -> TermPairs<'_> {
        self.0.iter().map(|(t, names)| (t, names))
    }
}

impl From<BTreeMap<String, Vec<String>>> for PageTerms {
    fn from(map: BTreeMap<String, Vec<String>>) -> PageTerms {
        let mut v: Vec<(String, Vec<String>)> = map.into_iter().collect();
        v.iter_mut().for_each(|(_, names)| names.shrink_to_fit());
        v.shrink_to_fit();
        PageTerms(v)
    }
}

impl<'a> IntoIterator for &'a PageTerms {
    type Item = (&'a String, &'a Vec<String>);
    type IntoIter = TermPairs<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Page {
    pub fn visible(&self) -> bool {
        self.hidden.is_none()
    }

    /// Shown in section lists, taxonomies and feeds (expired pages move to the archive).
    pub fn listed(&self) -> bool {
        self.visible() && !self.expired
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Page(usize),
    Section(usize),
}

#[derive(Debug)]
pub struct Asset {
    pub rel: String,
    /// The resolved path (no link in it) and the identity the walk found.
    pub abs: std::path::PathBuf,
    pub id: Option<crate::content::entry::FileId>,
    pub size: u64,
    pub path: String,
    pub owner: Owner,
    /// Pages that link to it.
    pub linked_by: Vec<usize>,
    /// Named as data by a page (`ledger`, `table`): source data, never public, and
    /// published only with a visible page that names it.
    pub ledger: bool,
    /// The pages that name it as data.
    pub named_by: Vec<usize>,
    /// Named by a `ledger` key (a dues ledger: names, income bases): only in a
    /// committee build.
    pub personal: bool,
    /// Another name of this file is internal (a hard link or a symbolic link to an
    /// internal attachment, page or folder): never public (`site::identity`).
    pub internal_twin: bool,
    pub published: bool,
}

impl Asset {
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// A taxonomy and its terms with the listed pages of each.
#[derive(Debug)]
pub struct Taxonomy {
    pub name: String,
    pub paginate_by: usize,
    pub terms: Vec<Term>,
    /// Every spelling of a term on a listed page → the marker URL of the term's page
    /// (`/<taxonomy slug>/<term slug>/`): page views read it instead of slugifying
    /// every term of every page again.
    pub term_urls: std::collections::HashMap<String, String>,
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub pages: Vec<usize>,
}
