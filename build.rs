//! Compiles the shipped price book (`pricing/**/*.csv`) into the binary, so an installed
//! `tokenledger` prices correctly from any folder.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        // Cargo looks at the mtime of what it is told about: every folder (files added or
        // removed) and every file (edited in place), so the embedded book is never stale.
        println!("cargo:rerun-if-changed={}", p.display());
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            out.push(p);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let pricing = root.join("pricing");
    println!("cargo:rerun-if-changed=pricing");
    let mut files = Vec::new();
    collect(&pricing, &mut files);
    let mut code = String::from("/// The shipped price files: (path relative to the repository, contents).\npub const FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_pricing.rs");
    std::fs::write(out, code).expect("write embedded_pricing.rs");
}
