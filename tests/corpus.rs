//! Whole-corpus checks over ../shared/corpus/articles: every rule, every fix grade.
//! No panic, fixes converge, re-fixing changes nothing, html5ever's parse-error
//! count never rises, and no visible word is lost beyond the words inside the
//! edits of fixes that are meant to change text.

#![allow(clippy::print_stderr)] // tests report skips and figures on stderr

mod common;

use std::path::PathBuf;

use common::invariants::{all_rules_unsafe, intended_changes, lost_words, words};
use tagmend::linter::{fix_document, Settings};
use tagmend::{Applicability, Document, Source};

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = common::shared_or_skip("corpus/articles")?;
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    v.sort();
    Some(v)
}

#[test]
fn fixes_keep_invariants_on_every_article() {
    let Some(files) = corpus() else { return };
    assert!(!files.is_empty(), "the corpus folder holds no pages");
    let settings = all_rules_unsafe();
    let rules = settings.rules().expect("rules");
    let mut failures = Vec::new();
    let mut total_fixes = 0;
    for path in &files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let bytes = std::fs::read(path).expect("read corpus page");
        let Ok(source) = Source::from_bytes(bytes.clone(), None) else {
            failures.push(format!("{name}: refused as not HTML"));
            continue;
        };
        let doc = Document::parse(source.clone()).expect("corpus page within limits");
        let errors_before = doc.parse_errors().len();
        let words_before = words(&doc.visible_text());
        let intended = intended_changes(&doc, &rules);
        let out = fix_document(doc, &rules, Applicability::Unsafe, &settings.limits).expect("fix");
        total_fixes += out.fix_count();
        if !out.converged {
            failures.push(format!("{name}: fixes did not converge"));
        }
        let errors_after = out.document.parse_errors().len();
        if errors_after > errors_before {
            failures.push(format!(
                "{name}: parse errors rose {errors_before} -> {errors_after}"
            ));
        }
        // No visible word may be lost except those inside the edits of fixes
        // marked `changing_text` (see `intended_changes`): a fix that changes text
        // on purpose says so, and only the words it touches may go.
        let words_after = words(&out.document.visible_text());
        // A corrected charset declaration (`charset-mismatch`) makes the written
        // page read in another encoding, as each pass re-reads it: its words are
        // then those of the original bytes read in that encoding.
        let final_encoding = out.document.source().encoding();
        let words_before = if final_encoding == source.encoding() {
            words_before
        } else {
            let reread = Source::from_bytes(bytes.clone(), Some(final_encoding))
                .expect("the original bytes read in the corrected encoding");
            words(
                &Document::parse(reread)
                    .expect("within limits")
                    .visible_text(),
            )
        };
        let lost = lost_words(&words_before, &words_after, &intended);
        if !lost.is_empty() {
            failures.push(format!("{name}: visible words lost: {lost:?}"));
        }
        // Idempotent: fixing the fixed page changes nothing.
        let again = fix_document(
            Document::parse(Source::from_text(out.text.clone())).expect("reparse"),
            &rules,
            Applicability::Unsafe,
            &settings.limits,
        )
        .expect("fix again");
        if again.text != out.text {
            failures.push(format!("{name}: a second --fix changed the page again"));
        }
        // Minimal edits: the output keeps the original's bytes outside the edits.
        // Each pass re-reads the written bytes, so the final page holds them.
        let written = out
            .document
            .source()
            .original_bytes()
            .map_or_else(|| source.output_bytes(&out.text), |b| Ok(b.to_vec()));
        match written {
            Ok(written) => {
                if out.fix_count() == 0 && written != bytes {
                    failures.push(format!("{name}: no fix applied but the bytes changed"));
                }
            }
            // A page whose bytes did not decode cleanly (readability-qq: UTF-8
            // bytes declared gb2312) holds U+FFFD; a changed line holding one
            // cannot be written back, and the CLI refuses the page with a message
            // (README, "Files and encodings"). Any other character is a bug.
            Err('\u{fffd}') if source.text().contains('\u{fffd}') => {}
            Err(c) => failures.push(format!(
                "{name}: the fixed text needs {c:?}, which the page's encoding lacks"
            )),
        }
    }
    eprintln!("{} pages, {total_fixes} fixes applied", files.len());
    assert!(
        failures.is_empty(),
        "corpus invariants failed:\n{}",
        failures.join("\n")
    );
}

/// The command line's path on every article: `fix_bytes`, then `fix_bytes` again
/// on the written bytes, which must change nothing (a second `tagmend check
/// --fix` over the folder is a no-op), and the written bytes read back as the
/// fixed text.
/// `--fix` leaves rules declared `safe_fixes: false` out of its passes: none of
/// them may offer a safe fix on any article.
#[test]
fn rules_without_safe_fixes_offer_none() {
    let Some(files) = corpus() else { return };
    let settings = all_rules_unsafe();
    let rules = settings.rules().expect("rules");
    let declared: Vec<&str> = rules
        .iter()
        .filter(|r| !r.meta().safe_fixes)
        .map(|r| r.meta().id)
        .collect();
    assert!(
        declared.len() > 5,
        "only {declared:?} declare no safe fixes"
    );
    let (mut checked, mut failures) = (0, Vec::new());
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus page");
        let Ok(source) = Source::from_bytes(bytes, None) else {
            continue;
        };
        let doc = Document::parse(source).expect("corpus page within limits");
        for d in tagmend::linter::lint_document(&doc, &rules) {
            if !declared.contains(&d.rule) {
                continue;
            }
            checked += 1;
            if d.fix
                .as_ref()
                .is_some_and(|f| f.applicability() == Applicability::Safe)
            {
                failures.push(format!("{}: {} offers a safe fix", path.display(), d.rule));
            }
        }
    }
    assert!(checked > 100, "only {checked} findings of {declared:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_second_fix_over_the_written_bytes_changes_nothing() {
    let Some(files) = corpus() else { return };
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus page");
        if let Err(why) = common::invariants::check_bytes(&bytes) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!("{name}: {}", why.lines().next().unwrap_or("")));
        }
    }
    assert!(
        failures.is_empty(),
        "corpus invariants failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn lint_is_deterministic() {
    let Some(files) = corpus() else { return };
    let settings = Settings {
        select: vec!["all".into()],
        ..Settings::default()
    };
    for path in files.iter().take(10) {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
        let a = tagmend::lint(&text, &settings).expect("lint");
        let b = tagmend::lint(&text, &settings).expect("lint");
        assert_eq!(a, b, "{}", path.display());
        assert!(a.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key()));
    }
}
