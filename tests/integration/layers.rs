//! The layering ARCHITECTURE.md promises, checked on the source text: which
//! top-level module may import which, no import cycle between files, and no file
//! too big to hold one idea.
//!
//! An import is any path into the crate (`crate::…`, `super::…`, `self::…`, or a
//! child module named directly), in `use` trees and in code, outside `#[cfg(test)]`.
//! It points at the file that defines the item (re-exports followed). A module's
//! use of its own children is structure, not an import: a folder's `mod.rs`
//! declares its parts and holds what they share (`site::Site`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up; each may import only those listed for it.
const LAYERS: &[(&str, &[&str])] = &[
    ("diag", &[]),
    ("domain", &["diag"]),
    ("content", &["diag", "domain"]),
    ("config", &["diag", "domain", "content"]),
    ("io", &["diag", "content"]),
    ("site", &["diag", "domain", "content", "config"]),
    ("render", &["diag", "domain", "content", "config", "io", "site"]),
    ("pipeline", &["diag", "domain", "content", "config", "io", "site", "render"]),
    ("serve", &["diag", "domain", "content", "config", "io", "site", "render", "pipeline"]),
    ("publish", &["diag", "domain", "content", "config", "io", "site", "render", "pipeline"]),
    ("cli", &["diag", "content"]),
    ("cmd", &["diag", "domain", "content", "config", "io", "site", "render", "pipeline", "serve", "publish", "cli"]),
];

/// Largest source file, in lines (tests included).
const MAX_LINES: usize = 800;

type Module = Vec<String>;

struct Crate {
    /// Module path → file.
    files: BTreeMap<Module, PathBuf>,
    /// (module, name) → the child module a `pub use` re-exports it from.
    reexports: HashMap<(Module, String), Module>,
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Code outside `#[cfg(test)]` modules, without line comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    code.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `use` trees expanded into paths: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(format!("{prefix}{path}"));
        return;
    };
    let head = format!("{prefix}{}", &tree[..open]);
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&inner[start..i], &head, out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner[start..].trim().is_empty() {
        expand(&inner[start..], &head, out);
    }
}

/// Every crate-relative path a file names: `use` trees and paths in code.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().next_back();
        let stmt_end = rest[i..].find(';').map_or(rest.len(), |j| i + j);
        if before.is_none_or(|c| !is_ident(c)) {
            expand(&rest[i + 4..stmt_end], "", &mut out);
        }
        rest = &rest[(i + 4).min(stmt_end.max(i + 4))..];
    }
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let mut j = i;
            while j < chars.len()
                && (is_ident(chars[j]) || (chars[j] == ':' && chars.get(j + 1) == Some(&':') && chars.get(j + 2).is_some_and(|&c| is_ident(c))))
            {
                j += if chars[j] == ':' { 2 } else { 1 };
            }
            let path: String = chars[i..j].iter().collect();
            if path.contains("::") {
                out.push(path);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        // The binary's main.rs names the library as `dwgk::`, never `crate::`.
        paths.retain(|p| p != &src.join("main.rs"));
        let files: BTreeMap<Module, PathBuf> = paths.into_iter().map(|f| (module_of(src, &f), f)).collect();
        let mut krate = Crate { files, reexports: HashMap::new() };
        let mut reexports = HashMap::new();
        for (module, file) in &krate.files {
            let code = code_of(&std::fs::read_to_string(file).unwrap());
            for line in code.split(';').map(str::trim).filter(|s| s.starts_with("pub use ") || s.starts_with("pub(crate) use ")) {
                let mut expanded = Vec::new();
                expand(line.split_once("use ").unwrap().1, "", &mut expanded);
                for path in expanded {
                    let segs: Vec<&str> = path.trim_start_matches("self::").split("::").collect();
                    let child: Module = module.iter().cloned().chain([segs[0].to_string()]).collect();
                    if segs.len() >= 2 && krate.files.contains_key(&child) {
                        reexports.insert((module.clone(), segs[segs.len() - 1].to_string()), child);
                    }
                }
            }
        }
        krate.reexports = reexports;
        krate
    }

    /// The file a path from `module` names, if it names one in this crate.
    fn resolve(&self, module: &Module, path: &str) -> Option<Module> {
        let mut segs = path.split("::").map(str::trim).filter(|s| !s.is_empty());
        let first = segs.next()?;
        let mut base: Module = match first {
            "crate" => Vec::new(),
            "self" => module.clone(),
            "super" => module[..module.len().saturating_sub(1)].to_vec(),
            child => {
                let m: Module = module.iter().cloned().chain([child.to_string()]).collect();
                if !self.files.contains_key(&m) {
                    return None;
                }
                m
            }
        };
        let rest: Vec<&str> = segs.collect();
        let mut i = 0;
        while rest.get(i) == Some(&"super") {
            base.pop();
            i += 1;
        }
        for seg in &rest[i..] {
            let next: Module = base.iter().cloned().chain([seg.to_string()]).collect();
            if self.files.contains_key(&next) {
                base = next;
            } else {
                if let Some(m) = self.reexports.get(&(base.clone(), seg.to_string())) {
                    base = m.clone();
                }
                break;
            }
        }
        Some(base)
    }

    /// Imports between files; a module's use of its own children is left out.
    fn imports(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges = BTreeMap::new();
        for (module, file) in &self.files {
            let code = code_of(&std::fs::read_to_string(file).unwrap());
            let targets: BTreeSet<Module> =
                paths_in(&code).iter().filter_map(|p| self.resolve(module, p)).filter(|t| !t.is_empty() && t != module && !t.starts_with(module)).collect();
            edges.insert(module.clone(), targets);
        }
        edges
    }
}

fn name(m: &Module) -> String {
    m.join("/")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn top_level_modules_import_only_the_layers_below_them() {
    let krate = Crate::read(&src());
    let allowed: HashMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut offences = Vec::new();
    for (from, targets) in krate.imports() {
        let Some(top) = from.first() else { continue };
        let Some(ok) = allowed.get(top.as_str()) else {
            offences.push(format!("{} is in no layer: add it to LAYERS and ARCHITECTURE.md", name(&from)));
            continue;
        };
        for to in targets {
            if to[0] != *top && !ok.contains(&to[0].as_str()) {
                offences.push(format!("{} imports {}", name(&from), name(&to)));
            }
        }
    }
    assert!(offences.is_empty(), "imports against the layering (ARCHITECTURE.md):\n{}", offences.join("\n"));
}

#[test]
fn no_import_cycle_between_files() {
    let edges = Crate::read(&src()).imports();
    // Depth-first search; a back edge closes a cycle, reported with its path.
    fn visit<'a>(
        m: &'a Module,
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        state: &mut HashMap<&'a Module, u8>,
        stack: &mut Vec<&'a Module>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(m, 1);
        stack.push(m);
        for t in edges.get(m).into_iter().flatten() {
            match state.get(t) {
                None => visit(t, edges, state, stack, cycles),
                Some(1) => {
                    let at = stack.iter().position(|s| *s == t).unwrap();
                    let mut cycle: Vec<String> = stack[at..].iter().map(|s| name(s)).collect();
                    cycle.push(name(t));
                    cycles.push(cycle.join(" → "));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m, 2);
    }
    let (mut state, mut stack, mut cycles) = (HashMap::new(), Vec::new(), Vec::new());
    for m in edges.keys() {
        if !state.contains_key(m) {
            visit(m, &edges, &mut state, &mut stack, &mut cycles);
        }
    }
    assert!(cycles.is_empty(), "import cycles between files:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_imports_and_cycles() {
    // The checks above must be able to fail: a known import is seen through a use
    // tree, a re-export and a path in code.
    let krate = Crate::read(&src());
    let edges = krate.imports();
    let of = |m: &str| edges.get(&m.split('/').map(String::from).collect::<Module>()).cloned().unwrap_or_default();
    let has = |from: &str, to: &str| of(from).contains(&to.split('/').map(String::from).collect::<Module>());
    assert!(has("render/search/tokens", "content/vocabulary"), "use tree not followed");
    assert!(has("site/assemble", "content/entry"), "use path not followed");
    assert!(has("pipeline", "render/parts"), "path in code not followed");
    assert!(has("cmd/serve", "io/watch"), "nested module path not followed");
    let mut paths = Vec::new();
    expand("crate::a::{b, c::{d, e as f}}", "", &mut paths);
    assert_eq!(paths, ["crate::a::b", "crate::a::c::d", "crate::a::c::e"]);
}

#[test]
fn no_source_file_is_too_big() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut big: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{} has {n} lines", f.display()))
        .collect();
    big.sort();
    assert!(big.is_empty(), "split these along their seams (at most {MAX_LINES} lines a file):\n{}", big.join("\n"));
}
