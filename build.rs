//! Fingerprints the normalised model's source, so cache keys change whenever the model does: a
//! deploy with a changed model can never read entries written by the previous one.

use std::hash::{Hash, Hasher};

fn main() {
    let dir = std::path::Path::new("adapters/src/model");
    println!("cargo:rerun-if-changed=adapters/src/model");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in &files {
        file.file_name().hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=CACHE_MODEL_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
