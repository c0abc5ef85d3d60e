//! Whitespace and comment stripping for the theme's JavaScript, run by build.rs
//! on `.js` files before they are embedded (tested in tests/integration/minify.rs).
//! Line by line, so the statements and their line breaks (automatic semicolons)
//! stay as written: indentation, blank lines, lines that are only a comment and
//! block comments that start a line are dropped; a trailing `// comment` only when
//! the code before it has no quote or slash (a string or a regular expression
//! could hold `//`).

pub fn minify_js(source: &str) -> String {
    let mut out = String::with_capacity(source.len() / 2);
    let mut in_block = false;
    for line in source.lines() {
        let mut code = line.trim();
        if in_block {
            match code.find("*/") {
                Some(end) => {
                    in_block = false;
                    code = code[end + 2..].trim();
                }
                None => continue,
            }
        }
        if code.starts_with("/*") {
            match code.find("*/") {
                Some(end) => code = code[end + 2..].trim(),
                None => {
                    in_block = true;
                    continue;
                }
            }
        }
        if code.starts_with("//") {
            continue;
        }
        if let Some(at) = code.find(" // ") {
            if !code[..at].contains(['\'', '"', '/']) {
                code = code[..at].trim_end();
            }
        }
        if !code.is_empty() {
            out.push_str(code);
            out.push('\n');
        }
    }
    out
}
