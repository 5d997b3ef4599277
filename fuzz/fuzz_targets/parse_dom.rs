//! tagmend's span-tracking parse builds the same DOM and reports the same number
//! of parse errors as plain `html5ever::parse_document` into RcDom.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tagmend::{Document, Source};

// The comparison tests/conformance.rs makes, shared rather than copied.
#[path = "../../tests/common/rcdom.rs"]
#[allow(dead_code)]
mod rcdom;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A page over a resource limit is refused by design; nothing to compare.
    let Ok(doc) = Document::parse(Source::from_text(text.as_ref())) else {
        return;
    };
    if let Some(why) = rcdom::compare_parsed(&doc) {
        panic!("spans-parse differs from parse_document on {text:?}:\n{why}");
    }
});
