//! Every input in fuzz/regressions/<target>/ through the invariants its fuzz
//! target checks (fuzz/README.md): `parse_dom` inputs must parse with spans to
//! the same DOM and parse-error count as plain html5ever; `lint_fix` inputs must
//! keep the lint+fix invariants as text and as bytes. A crash the fuzzers find
//! is minimised and saved there, so it stays fixed; a few seeds keep the test
//! meaningful when there are none.

mod common;

use std::path::{Path, PathBuf};

use tagmend::{Document, Source};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("read regressions entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
}

fn name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn parse_dom_regressions_parse_like_rcdom() {
    let mut failures = Vec::new();
    for path in inputs("parse_dom") {
        let bytes = std::fs::read(&path).expect("read regression input");
        let text = String::from_utf8_lossy(&bytes);
        let Ok(doc) = Document::parse(Source::from_text(text.as_ref())) else {
            continue;
        };
        if let Some(why) = common::rcdom::compare_parsed(&doc) {
            failures.push(format!("{}: {why}", name(&path)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `check` on `input`, a panic turned into a failure so that every input is tried.
fn checked(check: impl FnOnce() -> Result<usize, String>) -> Result<usize, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(check)).unwrap_or_else(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        Err(format!("panicked: {msg}"))
    })
}

#[test]
fn lint_fix_regressions_keep_the_invariants() {
    let mut failures = Vec::new();
    for path in inputs("lint_fix") {
        let bytes = std::fs::read(&path).expect("read regression input");
        let text = String::from_utf8_lossy(&bytes);
        if let Err(why) = checked(|| common::invariants::check_text(&text)) {
            failures.push(format!("{} (text): {why}", name(&path)));
        }
        if let Err(why) = checked(|| common::invariants::check_bytes(&bytes)) {
            failures.push(format!("{} (bytes): {why}", name(&path)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
