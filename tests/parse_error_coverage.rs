//! Every kind of parse error html5ever reports on the article corpus and on the
//! html5lib tree-construction inputs maps to the rule(s) that cover it. html5ever's
//! messages embed details (the character seen, the tag name), so they are first
//! normalised into kinds. A kind missing from [`COVERAGE`] fails the test: add a
//! row naming the rule that reports (and, where it can, repairs) that error, or
//! `none` with the reason in a comment.
//!
//! The corpus lives outside the crate (`../shared/corpus`); without it the test
//! says so and passes.

#![allow(clippy::print_stdout, reason = "the test reports what it counted")]

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use tagmend::{Document, Source};

/// Error kind → the rules that cover it. `none:` rows name errors no rule can
/// repair and say why.
const COVERAGE: &[(&str, &str)] = &[
    // Tree construction.
    ("Unexpected token", "missing-doctype, stray-end-tag, table-structure, premature-end-tag, obsolete-element, foster-parented-content"),
    ("Found special tag while closing generic tag", "stray-end-tag, unclosed-element, premature-end-tag"),
    ("Formatting element not current node", "misnested-tags, unclosed-element"),
    ("Formatting element not in scope", "misnested-tags, stray-end-tag"),
    ("Formatting element not open", "stray-end-tag"),
    ("Unexpected open element", "unclosed-element, premature-end-tag"),
    ("Unexpected open element while closing", "unclosed-element, premature-end-tag"),
    ("Unexpected open tag at end of body", "unclosed-element, premature-end-tag"),
    ("No <p> tag to close", "stray-end-tag, invalid-nesting"),
    ("No matching tag to close", "stray-end-tag"),
    ("No heading tag to close", "stray-end-tag"),
    ("Closing wrong heading tag", "unclosed-element"),
    ("nested heading tags", "unclosed-element"),
    ("Unacknowledged self-closing tag", "self-closing-non-void"),
    ("Bad DOCTYPE", "missing-doctype"),
    ("DOCTYPE in body", "missing-doctype"),
    ("Unexpected characters in table", "foster-parented-content, tag-debris"),
    ("Non-space table text", "foster-parented-content, tag-debris"),
    ("expected to close <td> or <th> with cell", "unclosed-element, table-structure"),
    ("nested forms", "invalid-nesting"),
    ("Form element not in scope on </form>", "stray-end-tag, invalid-nesting"),
    ("Bad open element on </form>", "unclosed-element, invalid-nesting"),
    ("Null form element pointer on </form>", "stray-end-tag"),
    ("nested buttons", "invalid-nesting"),
    ("Nested <nobr>", "misnested-tags"),
    ("</body> with no <body> in scope", "stray-end-tag"),
    ("</html> with no <body> in scope", "stray-end-tag"),
    ("hr in option", "invalid-nesting"),
    ("nested options", "unclosed-element"),
    // Tokenizer.
    ("Duplicate attribute", "duplicate-attribute"),
    ("Attributes on an end tag", "stray-end-tag, malformed-attribute"),
    ("Self-closing end tag", "self-closing-non-void"),
    ("Saw _ in state AfterAttributeValueQuoted", "malformed-attribute"),
    ("Saw _ in state AttributeName", "malformed-attribute"),
    ("Saw _ in state BeforeAttributeName", "malformed-attribute"),
    ("Saw _ in state AfterAttributeName", "malformed-attribute"),
    ("Saw _ in state AttributeValueUnquoted", "malformed-attribute"),
    ("Saw _ in state SelfClosingStartTag", "malformed-attribute, self-closing-non-void"),
    ("Saw _ in state BeforeAttributeValue", "malformed-attribute"),
    ("Saw _ in state TagOpen", "bogus-comment, tag-debris"),
    ("Saw _ in state EndTagOpen", "bogus-comment, tag-debris"),
    ("Saw _ in state MarkupDeclarationOpen", "bogus-comment"),
    ("Saw _ in state CommentLessThanSignBangDashDash", "malformed-comment"),
    ("Saw _ in state CommentStart", "malformed-comment"),
    ("Saw _ in state CommentStartDash", "malformed-comment"),
    ("Saw _ in state CommentEndBang", "malformed-comment"),
    ("Saw _ in state CommentEnd", "malformed-comment"),
    ("Saw EOF in state _", "malformed-comment, unclosed-element"),
    ("Character reference does not end with semicolon", "invalid-character-reference"),
    ("Semicolon missing after numeric character reference", "invalid-character-reference"),
    ("Numeric character reference without digits", "unescaped-ampersand"),
    ("Invalid numeric character reference", "invalid-character-reference"),
    ("Invalid character reference", "unescaped-ampersand"),
    ("EOF in numeric character reference", "invalid-character-reference"),
    ("EOF after '#' in character reference", "unescaped-ampersand"),
    ("Bad character", "control-character"),
    // NUL and control characters seen by the tokenizer in text, raw text, script
    // data and comments.
    ("Saw _ in state Data", "control-character"),
    ("Saw _ in state Plaintext", "control-character"),
    ("Saw _ in state RawData(ScriptData)", "control-character"),
    ("Saw _ in state RawData(ScriptDataEscaped(Escaped))", "control-character"),
    ("Saw _ in state RawData(ScriptDataEscaped(DoubleEscaped))", "control-character"),
    ("Saw _ in state ScriptDataEscapedDash(Escaped)", "control-character"),
    ("Saw _ in state ScriptDataEscapedDash(DoubleEscaped)", "control-character"),
    ("Saw _ in state ScriptDataEscapedDashDash(Escaped)", "control-character"),
    ("Saw _ in state ScriptDataEscapedDashDash(DoubleEscaped)", "control-character"),
    ("Saw _ in state BogusComment", "bogus-comment, control-character"),
    // Malformed doctypes: replaced by `<!DOCTYPE html>`.
    ("Saw _ in state Doctype", "missing-doctype"),
    ("Saw _ in state BeforeDoctypeName", "missing-doctype"),
    ("Saw _ in state AfterDoctypeName", "missing-doctype"),
    ("Saw _ in state AfterDoctypeKeyword(Public)", "missing-doctype"),
    ("Saw _ in state AfterDoctypeKeyword(System)", "missing-doctype"),
    ("Saw _ in state BeforeDoctypeIdentifier(Public)", "missing-doctype"),
    ("Saw _ in state BeforeDoctypeIdentifier(System)", "missing-doctype"),
    ("Saw _ in state AfterDoctypeIdentifier(Public)", "missing-doctype"),
    ("Saw _ in state BetweenDoctypePublicAndSystemIdentifiers", "missing-doctype"),
];

/// html5ever's message with its details replaced by `_`.
fn kind(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("Saw EOF in state ") {
        let _ = rest;
        return "Saw EOF in state _".to_string();
    }
    if let Some(rest) = message.strip_prefix("Saw ") {
        if let Some(at) = rest.rfind(" in state ") {
            return format!("Saw _ in state {}", &rest[at + " in state ".len()..]);
        }
    }
    for prefix in [
        "Bad character",
        "Invalid character reference",
        "Invalid numeric character reference",
        "Unexpected open element while closing",
        "Unexpected open tag",
        "Bad DOCTYPE",
        "Unexpected token",
    ] {
        if message.starts_with(prefix) {
            if prefix == "Unexpected open tag" && message.ends_with("at end of body") {
                return "Unexpected open tag at end of body".to_string();
            }
            return prefix.to_string();
        }
    }
    message.to_string()
}

fn html5lib_inputs() -> Vec<(String, String)> {
    common::html5lib::tests(&common::shared("corpus/html5lib-tests"))
        .into_iter()
        .map(|t| (t.at(), t.data))
        .collect()
}

#[test]
fn every_parse_error_kind_maps_to_a_rule() {
    let Some(articles) = common::shared_or_skip("corpus/articles") else {
        return;
    };
    let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut note = |doc: &Document, at: &str| {
        for e in doc.parse_errors() {
            let entry = seen.entry(kind(&e.message)).or_insert((0, at.to_string()));
            entry.0 += 1;
        }
    };
    let mut pages: Vec<PathBuf> = std::fs::read_dir(articles)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    pages.retain(|p| p.extension().is_some_and(|e| e == "html"));
    pages.sort();
    for p in &pages {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let Ok(source) = Source::from_bytes(bytes, None) else {
            continue;
        };
        if let Ok(doc) = Document::parse(source) {
            note(&doc, &p.display().to_string());
        }
    }
    for (at, input) in html5lib_inputs() {
        if let Ok(doc) = Document::parse(Source::from_text(input)) {
            note(&doc, &at);
        }
    }
    let mut missing = Vec::new();
    for (k, (n, first)) in &seen {
        let row = COVERAGE.iter().find(|(kind, _)| kind == k);
        println!("{n:6}  {k}  ->  {}", row.map_or("UNCOVERED", |r| r.1));
        if row.is_none() {
            missing.push(format!("{k} ({n}x, first in {first})"));
        }
    }
    let ids: Vec<&str> = tagmend::rules::all().iter().map(|r| r.meta().id).collect();
    for (k, rules) in COVERAGE {
        for r in rules.split(", ") {
            assert!(
                ids.contains(&r),
                "COVERAGE row `{k}` names unknown rule `{r}`"
            );
        }
    }
    assert!(
        missing.is_empty(),
        "parse error kinds no rule covers (add them to COVERAGE):\n{}",
        missing.join("\n")
    );
}
