//! Helpers shared by the integration tests: where `../shared` is, skipping a test
//! with a clear message when it is absent, reading html5lib-tests `.dat` files,
//! the reference RcDom parse, and the lint+fix invariants.
//!
//! Each test crate compiles this module on its own and uses a part of it.
#![allow(dead_code, reason = "each test crate uses a different part")]

pub mod html5lib;
pub mod invariants;
pub mod rcdom;

use std::path::PathBuf;

/// `../shared` beside the crate: the corpus and seed pages, outside the repository.
pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared");

/// `../shared/<rel>`.
pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(format!("{SHARED}/{rel}"))
}

/// `../shared/<rel>` when it exists; otherwise says `skipped: <path> not found`
/// and returns `None`, so a test run without `../shared` passes.
pub fn shared_or_skip(rel: &str) -> Option<PathBuf> {
    let path = shared(rel);
    if path.exists() {
        Some(path)
    } else {
        skipped(None, &path);
        None
    }
}

/// [`shared_or_skip`] with the test's name before the message, for tests that
/// report several lines.
pub fn shared_or_skip_in(test: &str, rel: &str) -> Option<PathBuf> {
    let path = shared(rel);
    if path.exists() {
        Some(path)
    } else {
        skipped(Some(test), &path);
        None
    }
}

/// The bytes of `../shared/<rel>`, or `None` after saying the test was skipped.
pub fn read_shared_or_skip(rel: &str) -> Option<Vec<u8>> {
    let path = shared(rel);
    if let Ok(bytes) = std::fs::read(&path) {
        Some(bytes)
    } else {
        skipped(None, &path);
        None
    }
}

#[allow(clippy::print_stderr, reason = "a skipped test says why")]
fn skipped(test: Option<&str>, path: &std::path::Path) {
    match test {
        Some(test) => eprintln!("{test}: skipped: {} not found", path.display()),
        None => eprintln!("skipped: {} not found", path.display()),
    }
}
