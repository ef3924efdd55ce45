//! The layout rules of docs/design.md, checked: no module imports from a
//! module that imports it back (`tools/modgraph.py` reads the `use` paths,
//! doc links and child-module paths of `src/`), and no source file outside
//! tests is much over 600 lines, except the few kept whole on purpose; and
//! the docs and comments name files that exist (`tools/docpaths.py`).

use std::path::Path;

/// Files allowed past the limit, and why.
const KEPT_WHOLE: &[(&str, &str)] = &[
    (
        "src/sources/otel.rs",
        "one adapter, span walk and attributes",
    ),
    (
        "src/dedupe.rs",
        "one algorithm: entries, runs, finish, rescan",
    ),
];

const LIMIT: usize = 620;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/modgraph.py"))
        .arg(root.join("src"))
        .output()
        .expect("python3 runs tools/modgraph.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.trim_end().ends_with("\n0 cycle(s)") || text.trim() == "0 cycle(s)",
        "{text}"
    );
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn source_files_stay_short() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "genlogs/src", "examples"] {
        walk(&root.join(dir), &mut files);
    }
    let mut long = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel.ends_with("testing.rs") {
            continue;
        }
        // Code before its tests: a test module may grow past the code.
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let lines = code.lines().count();
        if lines > LIMIT && !KEPT_WHOLE.iter().any(|(k, _)| *k == rel) {
            long.push(format!("{rel}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split by concern (docs/design.md): {long:?}"
    );
}

#[test]
fn docs_and_comments_name_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/docpaths.py"))
        .current_dir(root)
        .output()
        .expect("python3 runs tools/docpaths.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
