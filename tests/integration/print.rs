//! Printing on A4 as the 公示栏 needs it: the example site's pages printed by headless
//! Chromium (`--print-to-pdf`), read back with poppler (`pdftotext -bbox` for words
//! and where they are, `pdftoppm` for colour). A notice prints as a 公文 (GB/T
//! 9704-2012): 党内公开 on internal pages, the red 红头 with the red rule, the 文号,
//! the title centred, the body at 3号 (16 pt), the 落款 right-aligned, the 版记, page
//! numbers right on odd pages and left on even ones. The summary, a dues disclosure
//! and a study plan print their key text at 9 pt or more. poppler-utils is installed
//! by `.ci/run`; without it these tests fail when `CI` is set.

use crate::browser::{chromium, serve_example_as};
use crate::util::require;
use std::path::{Path, PathBuf};
use std::process::Command;

fn poppler() -> Option<()> {
    let found = Command::new("pdftotext").arg("-v").output().is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
    require(found.then_some(()), "pdftotext and pdftoppm (poppler-utils)", "apt-get install poppler-utils")
}

/// Prints `url` to `<dir>/<name>.pdf` as a reader's headless Chromium does.
fn print_pdf(browser: &str, url: &str, dir: &Path, name: &str) -> PathBuf {
    let pdf = dir.join(format!("{name}.pdf"));
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args(crate::util::CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display()), url])
        .output()
        .expect("run chromium");
    assert!(out.status.success() && pdf.is_file(), "printing {url}: {}", String::from_utf8_lossy(&out.stderr));
    // For people reviewing a change (not an assertion).
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&pdf, artifacts.join(format!("{name}.pdf"))).unwrap();
    pdf
}

/// A word as pdftotext places it, in points from the page's top left.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

impl Word {
    fn centre(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// Vertical middle (boxes of adjacent lines overlap: pdftotext's boxes are tall).
    fn mid(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }

    /// Size in points of a word of CJK characters only (each is one em wide), or None.
    fn cjk_size(&self) -> Option<f64> {
        let n = self.text.chars().count();
        (n > 0 && self.text.chars().all(dwgk::content::vocabulary::is_wide)).then(|| (self.x1 - self.x0) / n as f64)
    }
}

struct Pdf {
    /// (width, height) of each page.
    pages: Vec<(f64, f64)>,
    words: Vec<Word>,
    path: PathBuf,
}

fn attr(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 2;
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

fn read(pdf: &Path) -> Pdf {
    let out = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("run pdftotext");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    let (mut pages, mut words) = (Vec::new(), Vec::new());
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push((attr(line, "width"), attr(line, "height")));
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let (tag, text) = rest.split_once('>').unwrap();
            let text = text.trim_end_matches("</word>").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
            words.push(Word { page: pages.len() - 1, x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), y1: attr(tag, "yMax"), text });
        }
    }
    Pdf { pages, words, path: pdf.to_path_buf() }
}

impl Pdf {
    fn find(&self, text: &str) -> Vec<&Word> {
        self.words.iter().filter(|w| w.text == text).collect()
    }

    fn one(&self, text: &str) -> &Word {
        self.find(text).first().copied().unwrap_or_else(|| panic!("“{text}” not in {}: {:?}", self.path.display(), self.texts(0)))
    }

    fn texts(&self, page: usize) -> Vec<&str> {
        self.words.iter().filter(|w| w.page == page).map(|w| w.text.as_str()).collect()
    }

    /// Page `page` rendered at 72 dpi (1 px a point): width, height, RGB bytes.
    fn pixels(&self, page: usize) -> (usize, usize, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("p");
        let n = (page + 1).to_string();
        let out = Command::new("pdftoppm").args(["-r", "72", "-f", &n, "-l", &n, "-singlefile"]).arg(&self.path).arg(&base).output().expect("run pdftoppm");
        assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
        let bytes = std::fs::read(base.with_extension("ppm")).expect("pdftoppm writes a .ppm");
        // P6 <width> <height> 255, then RGB.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
        assert_eq!(fields[0], "P6");
        let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        (w, h, bytes[at + 1..].to_vec())
    }
}

fn red(px: &[u8]) -> bool {
    px[0] > 170 && px[1] < 110 && px[2] < 110
}

/// Red pixels inside a word's box.
fn red_in(img: &(usize, usize, Vec<u8>), w: &Word) -> usize {
    let (width, height, rgb) = img;
    let mut n = 0;
    for y in (w.y0 as usize).min(*height)..(w.y1 as usize).min(*height) {
        for x in (w.x0 as usize).min(*width)..(w.x1 as usize).min(*width) {
            n += usize::from(red(&rgb[(y * width + x) * 3..]));
        }
    }
    n
}

/// The longest run of red pixels in any row between `top` and `bottom` (points).
fn red_rule(img: &(usize, usize, Vec<u8>), top: f64, bottom: f64) -> usize {
    let (width, _, rgb) = img;
    (top as usize..bottom as usize)
        .map(|y| {
            let (mut best, mut run) = (0, 0);
            for x in 0..*width {
                run = if red(&rgb[(y * width + x) * 3..]) { run + 1 } else { 0 };
                best = best.max(run);
            }
            best
        })
        .max()
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    assert!(!v.is_empty());
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

// GB/T 9704: A4 with 版心 156 mm wide, 28 mm from the left edge.
const MM: f64 = 72.0 / 25.4;
const TEXT_LEFT: f64 = 28.0 * MM;
const TEXT_RIGHT: f64 = (28.0 + 156.0) * MM;
const TEXT_CENTRE: f64 = (28.0 + 78.0) * MM;

#[test]
fn an_internal_notice_prints_as_an_official_document() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let Some(()) = poppler() else { return };
    let (tmp, base) = serve_example_as("internal");
    let pdf = read(&print_pdf(exe, &format!("{base}notices/2024-12-zuzhishenghuohui/"), tmp.path(), "notice-internal"));
    assert!(pdf.pages.len() >= 2 && pdf.pages.iter().all(|&(w, h)| (w - 595.0).abs() < 1.5 && (h - 842.0).abs() < 1.5), "A4 portrait: {:?}", pdf.pages);
    let first = pdf.texts(0);
    // 版头 in order: the scope marking top left, the 红头, the 文号, the title, the 主送机关.
    let scope = pdf.one("党内公开");
    let issuer = pdf.one("中共某某县财政局机关委员会");
    let number = pdf.one("财机党发〔2024〕15号");
    let addressee = pdf.one("各党支部：");
    assert!(scope.page == 0 && (scope.x0 - TEXT_LEFT).abs() < 3.0, "党内公开 at the left of the 版心: {scope:?}");
    assert!(scope.mid() < issuer.mid() && issuer.mid() < number.mid() && number.mid() < addressee.mid(), "order: {first:?}");
    for w in [issuer, number] {
        assert!(w.page == 0 && (w.centre() - TEXT_CENTRE).abs() < 4.0, "centred on the 版心: {w:?}");
    }
    // The 版心 starts 37 mm from the top; the 红头 about 35 mm below that.
    assert!(issuer.mid() > (37.0 + 28.0) * MM && issuer.mid() < (37.0 + 45.0) * MM, "the 红头 about 35 mm into the 版心: {issuer:?}");
    let img = pdf.pixels(0);
    let red_issuer = red_in(&img, issuer);
    assert!(red_issuer > 300, "the 红头 is red ({red_issuer} red pixels)");
    assert!(red_in(&img, number) < 20, "the 文号 is black");
    let title_words: Vec<&Word> = pdf.words.iter().filter(|w| w.page == 0 && w.mid() > number.mid() && w.mid() < addressee.mid()).collect();
    let rule = red_rule(&img, number.mid(), title_words.first().map_or(addressee.mid(), |w| w.mid()));
    assert!(rule as f64 > 150.0 * MM, "a red rule as wide as the 版心 under the 文号: {rule} px");
    let title: String = title_words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(title, "关于召开2024年度组织生活会和开展民主评议党员的通知", "the title, between the rule and the 主送机关");
    assert!(title_words.iter().all(|w| (w.centre() - TEXT_CENTRE).abs() < 4.0), "every title line centred: {title_words:?}");
    assert!(title_words.iter().all(|w| w.cjk_size().is_none_or(|s| s > 20.0)), "the title in 2号 (22 pt): {title_words:?}");
    assert!((addressee.x0 - TEXT_LEFT).abs() < 2.0, "主送机关 flush left: {addressee:?}");
    // 正文 in 3号 (16 pt): every line of body text.
    let body: Vec<f64> =
        pdf.words.iter().filter(|w| w.mid() > addressee.mid() || w.page > 0).filter(|w| w.text.chars().count() >= 8).filter_map(Word::cjk_size).collect();
    let size = median(body.clone());
    assert!((15.6..=16.4).contains(&size), "body at 16 pt, measured {size:.2} ({} lines)", body.len());
    // 落款 and 成文日期 right-aligned (右空二字), then the 版记.
    let last = pdf.pages.len() - 1;
    let signer = pdf.find("中共某某县财政局机关委员会").into_iter().last().unwrap();
    let date = pdf.one("2024年11月18日");
    for w in [signer, date] {
        assert!(w.page == last && w.x0 > TEXT_LEFT + 120.0 && (TEXT_RIGHT - 2.0 * 16.0 - w.x1).abs() < 3.0, "落款 right-aligned two characters in: {w:?}");
    }
    assert!(signer.mid() < date.mid(), "the unit above the date");
    let review = pdf.one("审核：刘芳");
    assert!(review.page == last && review.mid() > date.mid() && (review.x0 - TEXT_LEFT).abs() < 3.0, "版记 after the 落款: {review:?}");
    // Page numbers “— n —” under the 版心: right on odd pages, left on even ones.
    for page in 0..pdf.pages.len() {
        let n = (page + 1).to_string();
        let number = pdf
            .words
            .iter()
            .find(|w| w.page == page && w.text.trim_matches('—') == n && w.y0 > 842.0 - 35.0 * MM)
            .unwrap_or_else(|| panic!("no page number on page {n}: {:?}", pdf.texts(page)));
        let dashes = pdf.words.iter().filter(|w| w.page == page && w.text.contains('—') && (w.y0 - number.y0).abs() < 2.0).count();
        assert!(dashes >= 1, "the number between dashes on page {n}");
        if page % 2 == 0 {
            assert!(number.x0 > TEXT_CENTRE + 100.0, "odd page {n}: number at the right: {number:?}");
        } else {
            assert!(number.x1 < TEXT_CENTRE - 100.0, "even page {n}: number at the left: {number:?}");
        }
    }
}

#[test]
fn a_public_notice_prints_its_red_head_without_the_internal_marking() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let Some(()) = poppler() else { return };
    let (tmp, base) = serve_example_as("public");
    let pdf = read(&print_pdf(exe, &format!("{base}notices/2024-dangjian-yaodian/"), tmp.path(), "notice-public"));
    assert!(pdf.find("党内公开").is_empty(), "a public page carries no internal marking: {:?}", pdf.texts(0));
    let issuer = pdf.one("中共某某县财政局机关委员会");
    assert!(issuer.page == 0 && red_in(&pdf.pixels(0), issuer) > 300, "the 红头 from [print] issuer, in red: {issuer:?}");
    assert_eq!(pdf.one("财机党发〔2024〕2号").page, 0);
    let signer = pdf.find("中共某某县财政局机关委员会").into_iter().last().unwrap();
    assert!(signer.page > 0 && (TEXT_RIGHT - 2.0 * 16.0 - signer.x1).abs() < 3.0, "the ::: 落款 block prints right-aligned: {signer:?}");
}

/// Sizes (pt) of the words `texts` name, as printed. A word with a status symbol
/// (`✓达标`) is sized by its height, scaled by the height-to-size ratio of the
/// all-CJK words of the same PDF.
fn sizes(pdf: &Pdf, texts: &[&str]) -> Vec<(String, f64)> {
    let ratio = median(pdf.words.iter().filter_map(|w| w.cjk_size().map(|s| (w.y1 - w.y0) / s)).collect());
    pdf.words
        .iter()
        .filter(|w| texts.iter().any(|t| w.text.trim_start_matches(|c: char| !dwgk::content::vocabulary::is_wide(c)) == *t))
        .map(|w| (w.text.clone(), w.cjk_size().unwrap_or((w.y1 - w.y0) / ratio)))
        .collect()
}

/// The number of page `page` (“— n —”), centred under the text on an ordinary page.
fn page_number(pdf: &Pdf, page: usize) -> Option<&Word> {
    let (_, height) = pdf.pages[page];
    let n = (page + 1).to_string();
    pdf.words.iter().find(|w| w.page == page && w.text.trim_matches('—') == n && w.y0 > height - 30.0 * MM)
}

#[test]
fn the_summary_a_unit_a_dues_disclosure_and_a_study_plan_print_key_text_at_9_pt_or_more() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let Some(()) = poppler() else { return };
    let (tmp, base) = serve_example_as("internal");
    let cases: [(&str, &str, &[&str], usize); 4] = [
        (
            "compliance/",
            "compliance",
            &[
                "局机关党委",
                "第一党支部",
                "第二党支部",
                "第三党支部",
                "支部委员会会议",
                "支部党员大会",
                "主题党日",
                "专题研究意识形态工作",
                "达标",
                "未达标",
                "进行中",
            ],
            30,
        ),
        ("units/jiguan/dier/", "unit", &["支部委员会会议", "支部党员大会", "组织生活会", "达标", "未达标", "进行中"], 20),
        ("units/jiguan/diyi/dues-2024-q3/", "dues", &["张明", "马晓燕", "王建国", "在职", "离退休", "合计"], 15),
        ("units/jiguan/study-plan-2024/", "study-plan", &["已完成", "集中学习", "党委书记", "本月无安排"], 15),
    ];
    let mut small = Vec::new();
    for (page, name, texts, min) in cases {
        let pdf = read(&print_pdf(exe, &format!("{base}{page}"), tmp.path(), name));
        assert!(!pdf.find("党内公开").is_empty(), "{page}: the internal view prints its marking: {:?}", pdf.texts(0));
        for p in 0..pdf.pages.len() {
            let n = page_number(&pdf, p).unwrap_or_else(|| panic!("{page}: no number on page {}: {:?}", p + 1, pdf.texts(p)));
            let centre = pdf.pages[p].0 / 2.0;
            assert!((n.centre() - centre).abs() < 6.0, "{page}: page {} numbered in the middle: {n:?}", p + 1);
        }
        if name == "compliance" {
            assert!(pdf.pages.iter().all(|&(w, _)| (w - 842.0).abs() < 1.5), "the summary prints in landscape: {:?}", pdf.pages);
        }
        let found = sizes(&pdf, texts);
        for t in texts.iter() {
            assert!(found.iter().any(|(w, _)| w.ends_with(t)), "{page}: “{t}” not printed");
        }
        assert!(found.len() >= min, "{page}: only {} of the key words found", found.len());
        small.extend(found.into_iter().filter(|(_, s)| *s < 8.9).map(|(w, s)| format!("{page}: “{w}” at {s:.1} pt")));
    }
    assert!(small.is_empty(), "key text under 9 pt:\n{}", small.join("\n"));
}

#[test]
fn the_home_page_prints_its_content_on_a4_without_menus() {
    let _heavy = crate::util::heavy();
    let Some(exe) = chromium() else { return };
    let Some(()) = poppler() else { return };
    let (tmp, base) = serve_example_as("public");
    let pdf = read(&print_pdf(exe, &base, tmp.path(), "home"));
    assert!(pdf.pages.iter().all(|&(w, h)| (w - 595.0).abs() < 1.5 && (h - 842.0).abs() < 1.5), "A4 portrait: {:?}", pdf.pages);
    let words: Vec<&str> = pdf.words.iter().map(|w| w.text.as_str()).collect();
    assert!(words.contains(&"最新公开") && words.contains(&"栏目导航"), "the page's content: {words:?}");
    assert!(!words.contains(&"站内搜索") && !words.contains(&"跳到正文"), "no search box or skip link on paper: {words:?}");
    assert!(page_number(&pdf, 0).is_some(), "numbered: {:?}", pdf.texts(0));
}
