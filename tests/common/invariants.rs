//! The lint+fix invariants, with every rule and unsafe fixes: no panic, the fix
//! loop converges, fixing the fixed text changes nothing, html5ever's parse-error
//! count never rises, and no visible word is lost beyond the words inside the
//! edits of fixes that are meant to change text (debris removed, mojibake
//! repaired, a repeated word dropped).
//!
//! Self-contained so that the `lint_fix` fuzz target can include it with
//! `#[path]`; tests/corpus.rs, tests/fuzz_regressions.rs and
//! tests/proptest_soup.rs use it too.

use std::collections::HashMap;

use tagmend::fix::apply_fixes;
use tagmend::linter::{fix_document, lint_document, Settings, MAX_PASSES};
use tagmend::rule::Rule;
use tagmend::{Applicability, Document, Fix, Source};

/// Every rule, unsafe fixes applied.
pub fn all_rules_unsafe() -> Settings {
    Settings {
        select: vec!["all".into()],
        unsafe_fixes: true,
        ..Settings::default()
    }
}

/// The words a reader sees in `text`, counted.
pub fn words(text: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_string()).or_default() += 1;
    }
    m
}

/// The words that fixes marked `changing_text` set out to change: every word
/// inside an edit of such a fix (a mojibake repair, a double escape undone, a
/// repeated word removed, an invisible character taken out of a word, debris
/// removed), collected over a replay of the fix passes, since one repair can
/// reveal the next (`&amp;amp;nbsp;` takes two). These are the only visible
/// words a fix may lose; any other lost word is a bug.
pub fn intended_changes(doc: &Document, rules: &[&'static dyn Rule]) -> HashMap<String, usize> {
    let mut allowed: HashMap<String, usize> = HashMap::new();
    replay(doc.text(), rules, false, &mut allowed);
    allowed
}

/// [`intended_changes`] along a second path too, closer to the fix loop's: each
/// pass keeps a fix only when, with those kept before it, the parse-error count
/// does not rise and no visible word goes beyond the words of their edits (the
/// loop's guard: it rolls such a fix back and retries it a pass later, when
/// another repair may have made it fit). Slower: one parse per fix; for pages
/// the plain replay finds losing words.
pub fn intended_changes_guarded(
    doc: &Document,
    rules: &[&'static dyn Rule],
) -> HashMap<String, usize> {
    let mut allowed: HashMap<String, usize> = HashMap::new();
    replay(doc.text(), rules, false, &mut allowed);
    replay(doc.text(), rules, true, &mut allowed);
    allowed
}

fn edit_words(doc: &Document, fixes: &[&Fix]) -> HashMap<String, usize> {
    let mut m: HashMap<String, usize> = HashMap::new();
    for f in fixes.iter().filter(|f| f.changes_text()) {
        for e in f.edits() {
            for (w, n) in words(doc.source().slice(e.span)) {
                *m.entry(w).or_default() += n;
            }
        }
    }
    m
}

fn replay(
    text: &str,
    rules: &[&'static dyn Rule],
    guarded: bool,
    allowed: &mut HashMap<String, usize>,
) {
    let mut text = text.to_owned();
    for _ in 0..MAX_PASSES {
        let Ok(doc) = Document::parse(Source::from_text(text.clone())) else {
            break;
        };
        let diags = lint_document(&doc, rules);
        let fixes: Vec<&Fix> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability() >= Applicability::Unsafe && !f.edits().is_empty())
            .collect();
        for (w, n) in edit_words(&doc, &fixes) {
            *allowed.entry(w).or_default() += n;
        }
        let chosen: Vec<&Fix> = if guarded {
            let before = words(&doc.visible_text());
            let mut kept: Vec<&Fix> = Vec::new();
            for f in &fixes {
                let trial_set: Vec<&Fix> = kept.iter().copied().chain([*f]).collect();
                let (trial, _) = apply_fixes(&text, trial_set.iter().copied());
                let Ok(trial_doc) = Document::parse(Source::from_text(trial)) else {
                    continue;
                };
                let may_go = edit_words(&doc, &trial_set);
                let after = words(&trial_doc.visible_text());
                if trial_doc.parse_errors().len() <= doc.parse_errors().len()
                    && missing(&before, &after, &may_go, false).next().is_none()
                {
                    kept.push(f);
                }
            }
            kept
        } else {
            fixes
        };
        let (next, applied) = apply_fixes(&text, chosen.iter().copied());
        if applied.is_empty() || next == text {
            break;
        }
        text = next;
    }
}

/// Up to five words of `before` missing from `after` beyond those `intended`.
///
/// A word glued to a neighbour counts as kept: when a repair turns a separator
/// into a letter (`cafÃ©中文` becomes `café中文`) or removes debris between two
/// words (`Panama< td >Panama`), the words are still there, inside a longer one.
/// And a visible word that overlaps a word a fix meant to change may change with
/// it: text runs split by tags join in the visible text (`Panama<tr>cafÃ©` reads
/// `PanamacafÃ©`, and the mojibake repair edits `cafÃ©`), and an edit's source
/// text holds more than its visible words (`&copy2024cafÃ©` reads `©2024cafÃ©`).
pub fn lost_words(
    before: &HashMap<String, usize>,
    after: &HashMap<String, usize>,
    intended: &HashMap<String, usize>,
) -> Vec<String> {
    let mut lost: Vec<String> = missing(before, after, intended, true).collect();
    lost.sort();
    lost.truncate(5);
    lost
}

/// The words of `before` missing from `after` beyond those `intended`; with
/// `lenient`, glued and overlapping words count as kept (see [`lost_words`]).
fn missing<'a>(
    before: &'a HashMap<String, usize>,
    after: &'a HashMap<String, usize>,
    intended: &'a HashMap<String, usize>,
    lenient: bool,
) -> impl Iterator<Item = String> + 'a {
    before
        .iter()
        .filter(move |(w, n)| {
            let kept = after.get(*w).copied().unwrap_or(0);
            let may_go = intended.get(*w).copied().unwrap_or(0);
            kept + may_go < **n
                && !(lenient
                    && (after
                        .keys()
                        .any(|a| a.len() > w.len() && a.contains(w.as_str()))
                        || intended.keys().any(|i| {
                            i != *w
                                && (i.contains(w.as_str())
                                    || w.starts_with(i.as_str())
                                    || w.ends_with(i.as_str()))
                        })))
        })
        .map(|(w, _)| w.clone())
}

/// `text` escaped, cut to 160 characters.
pub fn short(text: &str) -> String {
    let s = format!("{text:?}");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

/// Check the invariants on `input` as text. `Ok(fixes applied)`; a page over the
/// resource limits is skipped (`Ok(0)`): refusing it is the documented outcome.
///
/// # Errors
/// Every invariant that failed, described.
pub fn check_text(input: &str) -> Result<usize, String> {
    let settings = all_rules_unsafe();
    let rules = settings.rules().expect("every rule");
    let Ok(doc) = Document::parse(Source::from_text(input)) else {
        return Ok(0);
    };
    let errors_before = doc.parse_errors().len();
    let words_before = words(&doc.visible_text());
    let intended = intended_changes(&doc, &rules);
    let Ok(out) = fix_document(doc, &rules, Applicability::Unsafe, &settings.limits) else {
        return Ok(0);
    };
    let mut failures = Vec::new();
    if !out.converged {
        failures.push(format!("the fix loop did not converge ({:?})", out.fixed));
    }
    let errors_after = out.document.parse_errors().len();
    if errors_after > errors_before {
        failures.push(format!(
            "parse errors rose {errors_before} -> {errors_after} ({:?})",
            out.fixed
        ));
    }
    let lost = lost_words(
        &words_before,
        &words(&out.document.visible_text()),
        &intended,
    );
    // The plain replay can miss a word the loop removed on a path of its own;
    // look again along the guarded path before calling it lost.
    let lost = if lost.is_empty() {
        lost
    } else if let Ok(doc) = Document::parse(Source::from_text(input)) {
        lost_words(
            &words_before,
            &words(&out.document.visible_text()),
            &intended_changes_guarded(&doc, &rules),
        )
    } else {
        lost
    };
    if !lost.is_empty() {
        failures.push(format!("visible words lost: {lost:?} ({:?})", out.fixed));
    }
    match Document::parse(Source::from_text(out.text.clone())) {
        Err(e) => failures.push(format!("the fixed text is over the limits: {e}")),
        Ok(again_doc) => {
            match fix_document(again_doc, &rules, Applicability::Unsafe, &settings.limits) {
                Ok(again) if again.text == out.text => {}
                Ok(again) => failures.push(format!(
                    "not idempotent: fixing the fixed text changed it again ({:?} then {:?})\n  fixed: {}\n  again: {}",
                    out.fixed,
                    again.fixed,
                    short(&out.text),
                    short(&again.text)
                )),
                Err(e) => failures.push(format!("fixing the fixed text failed: {e}")),
            }
        }
    }
    if failures.is_empty() {
        Ok(out.fix_count())
    } else {
        Err(format!("input {}: {}", short(input), failures.join("; ")))
    }
}

/// Check the invariants on `bytes` through `tagmend::fix_bytes`, as the command
/// line fixes a file: converges, parse errors do not rise, and fixing the written
/// bytes again changes nothing. Bytes it refuses (binary, undecodable, over a
/// limit, a fix the encoding cannot write) are skipped: refusing is documented.
///
/// # Errors
/// Every invariant that failed, described.
pub fn check_bytes(bytes: &[u8]) -> Result<usize, String> {
    let settings = all_rules_unsafe();
    let Ok(first) = tagmend::fix_bytes(bytes.to_vec(), None, &settings) else {
        return Ok(0);
    };
    let mut failures = Vec::new();
    if !first.outcome.converged {
        failures.push(format!(
            "the fix loop did not converge ({:?})",
            first.outcome.fixed
        ));
    }
    // What is written must read back as the fixed text (read as a second run
    // reads it: a corrected declaration is read in its new encoding).
    let written = tagmend::Source::from_bytes(first.bytes.clone(), None)
        .map_or_else(|e| format!("<unreadable: {e}>"), |s| s.text().to_owned());
    if written != first.outcome.text {
        failures.push(format!(
            "the written bytes do not decode to the fixed text ({:?}; encoding {})\n  fixed:   {}\n  written: {}",
            first.outcome.fixed,
            first.source.encoding().name(),
            short(&first.outcome.text),
            short(&written)
        ));
    }
    if first.outcome.fix_count() == 0 && first.bytes != bytes {
        failures.push("no fix applied but the written bytes differ from the input".into());
    }
    if let Ok(doc) = Document::parse(first.source.clone()) {
        let (before, after) = (
            doc.parse_errors().len(),
            first.outcome.document.parse_errors().len(),
        );
        if after > before {
            failures.push(format!(
                "parse errors rose {before} -> {after} ({:?})",
                first.outcome.fixed
            ));
        }
    }
    match tagmend::fix_bytes(first.bytes.clone(), None, &settings) {
        Ok(again) if again.bytes == first.bytes => {}
        Ok(again) => failures.push(format!(
            "not idempotent: fixing the written bytes changed them again ({:?} then {:?}; encoding {} then {})\n  fixed: {}\n  again: {}",
            first.outcome.fixed,
            again.outcome.fixed,
            first.source.encoding().name(),
            again.source.encoding().name(),
            short(&String::from_utf8_lossy(&first.bytes)),
            short(&String::from_utf8_lossy(&again.bytes))
        )),
        Err(e) => failures.push(format!("fixing the written bytes failed: {e}")),
    }
    if failures.is_empty() {
        Ok(first.outcome.fix_count())
    } else {
        Err(format!(
            "bytes {}: {}",
            short(&String::from_utf8_lossy(bytes)),
            failures.join("; ")
        ))
    }
}
