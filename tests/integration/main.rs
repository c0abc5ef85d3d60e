//! Integration tests: each module builds tiny sites in temp folders (see `util`)
//! and runs the real `dwgk` binary, asserting on exit codes, messages and output.

/// Fixture builder (`Site::new().file(..).run(&["build"])`) and output helpers.
mod util;

/// axe-core in headless Chromium: no serious or critical accessibility violation.
mod a11y;
/// Public vs internal builds: nothing internal leaks into the public output.
mod audiences;
/// Bad input: located Chinese errors with hints, all reported at once.
mod bad_input;
/// Spreadsheet bombs under a memory cap: each refused with a located error, never a crash.
mod bombs;
/// Headless Chromium against the built example site.
mod browser;
/// The disclosure catalogue: timeliness from dates and the publisher's journal, placeholders.
mod catalogue;
/// A small DevTools-protocol client: Chromium driven like a reader (click, type, Enter).
mod cdp;
/// `dwgk check`: writes nothing; text and JSON reports.
mod check;
/// Units, requirements, records, compliance outputs and `dwgk report`.
mod compliance;
/// The example site's compliance summary, checked by hand.
mod compliance_example;
/// A second realistic site (a county 机关工委), unseen by the example site.
mod county;
/// Every compliance cell and every member's dues of the county site against an independent calculation.
mod county_check;
/// The county site's dues in three ledger formats, per audience, and `check`'s notes on it.
mod county_dues;
/// The cumulative deletion guard of `publish`: a site cannot be emptied in steps without `--force`.
mod deletion_guard;
/// Dues disclosures (xlsx, GBK CSV, inline rows) and study plans, end to end.
mod dues;
/// The example site at the repository root builds for both audiences.
mod example_site;
/// The compliance downloads: formula-looking text stays text; LibreOffice reads back every number.
mod exports;
/// Requirement extraction precision/recall on the seed texts.
mod extract;
/// The everyday mistakes of officers: each works or gets one located Chinese message.
mod forgiving;
/// Hostile content (`<script>`, `javascript:`, `onerror=`): removed with a warning, never run.
mod hostile;
/// Office/OS leftovers in content/ are skipped.
mod ignored_files;
mod incremental;
/// `dwgk init`.
mod init;
/// The layering: which module imports which, no cycles between files, no oversized file.
mod layers;
/// The theme measured in Chromium: phone layouts, tap targets, the compliance summary at 1280 px.
mod layout;
/// The leak test: canaries everywhere internal, none in any public output form.
mod leaks;
/// Dues ledgers and study plans from real .xlsx and .csv files.
mod ledgers;
/// Messages: control characters escaped, a full disk, vanished sources, an emptied share, values and links.
mod messages;
/// The theme's JavaScript stripped of comments and indentation at build time.
mod minify;
/// docs/deploy.md's nginx site with real nginx and Chromium: the portal works under its policy, planted scripts never run.
mod nginx_site;
/// Ledgers and study plans saved by LibreOffice as .xlsx, .xls, .ods and GBK .csv read alike.
mod office;
/// Atomic output, no stale files, foreign output folders refused.
mod output_safety;
/// Pathological inputs (tags, nesting, brackets, links, files per folder): linear cost or a located refusal.
mod pathological;
/// Output folders and DESTs never inside the source, nor one DEST inside the other.
mod placement;
/// `dwgk serve` against a hostile network: foreign Host, oversized and slow heads, the connection cap, redirects.
mod preview_safety;
/// Printed A4 PDFs read back with poppler: 公文 layout of notices, key text at 9 pt or more.
mod print;
/// `dwgk publish`: releases under real nginx load, SIGKILL, polling, wake-ups, rollback.
mod publish;
/// `dwgk publish --internal-dest`: both portals in one run, nothing internal in the public DEST.
mod publish_both;
/// A daemon killed mid-build: the crash is recorded, the new files are left out then retried, no loop.
mod publish_crash;
/// `dwgk publish`: a page with errors holds back only itself (nginx, status, journal, share report).
mod publish_isolation;
/// `dwgk publish`: a page keeps the stamp of the release its bytes last changed in.
mod publish_stamps;
/// Rendered output: Markdown, links, attachments, pagination, taxonomies, feeds, URL styles.
mod rendering;
/// The 情况报告 draft: its numbers against the report, its .docx read back by LibreOffice and Pandoc.
mod report_draft;
/// Drafts, scheduled (`publish_date`) and expired (`expire_date`) pages.
mod schedule;
/// What a search query loads and when: common tokens' files with their shards, rests with their documents.
mod search_loading;
/// Search ranking fixtures and one-character queries in Chromium.
mod search_ranking;
/// `dwgk serve`: live reload in headless Chromium, editor saves, polling, HTTP safety, banners.
pub(crate) mod serve;
/// The preview server's incremental rebuilds against full builds, byte for byte.
mod serve_incremental;
/// The share is untrusted: links out of the site, links to internal files, active attachments, code from the share.
mod share_attacks;
/// What the share's config.toml may not decide: DESTs, audiences, the deletion guard.
mod share_settings;
/// Architecture invariants: pure layers without IO, documented files.
mod tidy;
/// Every page of the example site passes the Nu HTML Checker (vnu).
mod validity;
/// Word files are pages: title, date, 文号, structure, tables, images; sidecars; located errors; meeting records.
mod word;
/// .doc and .rtf through LibreOffice, converted once (cached); a located error without it or when it hangs.
mod word_convert;
/// Pandoc reads the same .docx fixtures: every block's text agrees with dwgk's page.
mod word_pandoc;
/// 保密审查: canaries in everything Word hides, none in any byte of either audience's build.
mod word_secrecy;
/// The XSS vector suite (OWASP, html5sec, unbalanced tags, Markdown links) in headless Chromium.
mod xss_vectors;
