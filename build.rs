//! Embeds the default theme (`themes/default/`) into the binary, so `dwgk` works
//! on a machine that has only the executable. Its JavaScript is embedded with
//! comments and indentation stripped (`build/minify_js.rs`).

#[path = "build/minify_js.rs"]
mod minify_js;

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from("/// Files of the built-in default theme: (path inside the theme, bytes).\npub static THEME_FILES: &[(&str, &[u8])] = &[\n");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
        let mut abs = abs.clone();
        if rel.ends_with(".js") {
            let source = std::fs::read_to_string(&abs).expect("theme JavaScript is UTF-8");
            let min = out_dir.join(format!("min-{}", rel.replace('/', "-")));
            std::fs::write(&min, minify_js::minify_js(&source)).expect("write minified JavaScript");
            abs = min.to_string_lossy().into_owned();
        }
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    out.push_str("];\n");
    let dest = out_dir.join("theme_files.rs");
    std::fs::write(dest, out).expect("write theme_files.rs");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            collect(root, &p, out);
        } else {
            let rel = p.strip_prefix(root).expect("inside theme").to_string_lossy().replace('\\', "/");
            out.push((rel, p.to_string_lossy().into_owned()));
        }
    }
}
