//! With every rule and unsafe fixes, on the input as text and as bytes through
//! `tagmend::fix_bytes`: no panic, the fix loop converges, fixing again changes
//! nothing, parse errors never rise, and visible words are kept (debris aside).
//!
//! `TAGMEND_FUZZ_IGNORE='substring|substring'` lets a run explore past known
//! failures: a failure whose description contains one of them is not reported.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The invariants tests/corpus.rs and tests/fuzz_regressions.rs check.
#[path = "../../tests/common/invariants.rs"]
mod invariants;

fn report(what: &str, result: Result<usize, String>) {
    let Err(why) = result else { return };
    let ignored = std::env::var("TAGMEND_FUZZ_IGNORE")
        .is_ok_and(|known| known.split('|').any(|k| !k.is_empty() && why.contains(k)));
    assert!(ignored, "{what}: {why}");
}

fuzz_target!(|data: &[u8]| {
    report(
        "text",
        invariants::check_text(&String::from_utf8_lossy(data)),
    );
    report("bytes", invariants::check_bytes(data));
});
