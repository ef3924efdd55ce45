//! Lists `rates/*.csv` (sorted) into `$OUT_DIR/embedded_rates.rs` as
//! `(name, include_str!(path))` pairs, so the rate card is embedded at build
//! time and parsed at run time by the same code as `--rates`. Offline.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("rates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            format!("rates/{name}"),
            path.display().to_string()
        ));
    }
    out.push_str("]\n");
    let target = PathBuf::from(env::var("OUT_DIR").unwrap()).join("embedded_rates.rs");
    fs::write(target, out).unwrap();
}
