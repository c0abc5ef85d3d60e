//! build.rs strips comments and indentation from the theme's JavaScript
//! (`build/minify_js.rs`); the browser tests run the stripped search.js.

#[path = "../../build/minify_js.rs"]
mod minify_js;

use minify_js::minify_js;

#[test]
fn comments_and_indentation_go_strings_and_regular_expressions_stay() {
    let src = "/*\n * header\n */\n(function () {\n  // a line comment\n  var a = 1; // trailing\n  var u = 'http://x/'; // kept: a quote before\n  var r = /a\\/\\/b/g; // kept: a slash before\n  /* one line */ var b = 2;\n\n  return a + b;\n})();\n";
    assert_eq!(
        minify_js(src),
        "(function () {\nvar a = 1;\nvar u = 'http://x/'; // kept: a quote before\nvar r = /a\\/\\/b/g; // kept: a slash before\nvar b = 2;\nreturn a + b;\n})();\n"
    );
}

/// The built site's search.js is the stripped one, about two thirds of the source.
#[test]
fn the_built_search_js_is_stripped() {
    let site = crate::util::Site::new();
    site.page("a.md", "党费", "党费收缴。");
    let out = site.path().join("out");
    site.run(&["build", "--output", &out.to_string_lossy()]).expect(0);
    let built = std::fs::read_to_string(out.join("js/search.js")).unwrap();
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/js/search.js")).unwrap();
    assert_eq!(built, minify_js(&source));
    assert!(built.len() * 10 < source.len() * 7, "{} of {} bytes", built.len(), source.len());
    assert!(!built.contains("\n  ") && !built.contains("/*"), "no indentation or block comment left");
}
