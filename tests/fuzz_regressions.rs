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

/// Inputs whose failure is known and open: a second run still changes them,
/// say. They must not panic; the test says when one starts passing, so it can
/// leave this list. Empty: every input keeps every invariant.
const KNOWN_OPEN: &[(&str, &str)] = &[];

#[test]
#[allow(clippy::print_stderr)] // the known-open cases are shown, not hidden
fn lint_fix_regressions_keep_the_invariants() {
    let mut failures = Vec::new();
    for path in inputs("lint_fix") {
        let bytes = std::fs::read(&path).expect("read regression input");
        let text = String::from_utf8_lossy(&bytes);
        let file = name(&path);
        let known = KNOWN_OPEN.iter().find(|(n, _)| file.ends_with(n));
        let text_result = checked(|| common::invariants::check_text(&text));
        let bytes_result = checked(|| common::invariants::check_bytes(&bytes));
        for (how, result) in [("text", text_result), ("bytes", bytes_result)] {
            match (result, known) {
                (Err(why), None) => failures.push(format!("{file} ({how}): {why}")),
                (Err(why), Some((_, reason))) if why.contains("panicked") => {
                    failures.push(format!("{file} ({how}, known open: {reason}): {why}"));
                }
                (Err(_), Some((_, reason))) => {
                    eprintln!("known open: {file} ({how}): {reason}");
                }
                (Ok(_), Some(_)) => failures.push(format!(
                    "{file} ({how}) now keeps every invariant: take it off KNOWN_OPEN"
                )),
                (Ok(_), None) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
