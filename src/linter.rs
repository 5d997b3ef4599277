//! Lint once; fix to a fixpoint with a guard that rolls back harmful passes.

use std::collections::{BTreeMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::document::{Document, Limits, ParseFailure};
use crate::fix::{apply_fixes, Applicability, Fix};
use crate::rule::{Context, Profile, Rule};
use crate::rules;
use crate::source::Source;

/// Passes before the fix loop gives up ("failed to converge").
pub const MAX_PASSES: usize = 100;

/// Which rules run and which fixes apply.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Rule ids or group names to enable instead of the defaults (`all` for every rule).
    pub select: Vec<String>,
    /// Rule ids or group names to add to the selection.
    pub extend_select: Vec<String>,
    /// Rule ids or group names to disable.
    pub ignore: Vec<String>,
    /// Apply unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Resource bounds per page.
    pub limits: Limits,
    /// Whole documents or fragments (config key `profile`).
    pub profile: Profile,
}

/// A selector that names no rule or group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSelector(pub String);

impl std::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown rule or group `{}` (see `tagmend rules`)",
            self.0
        )
    }
}

impl std::error::Error for UnknownSelector {}

fn matches(rule: &dyn Rule, sel: &str) -> bool {
    let m = rule.meta();
    sel == "all" || sel == m.id || sel == m.group.as_str()
}

impl Settings {
    /// The rules these settings enable, in registry order.
    ///
    /// # Errors
    /// A selector naming no rule or group.
    pub fn rules(&self) -> Result<Vec<&'static dyn Rule>, UnknownSelector> {
        let all = rules::all();
        for sel in self
            .select
            .iter()
            .chain(&self.extend_select)
            .chain(&self.ignore)
        {
            if !all.iter().any(|r| matches(*r, sel)) {
                return Err(UnknownSelector(sel.clone()));
            }
        }
        Ok(all
            .into_iter()
            .filter(|r| {
                let on = if self.select.is_empty() {
                    r.meta().default_on
                } else {
                    self.select.iter().any(|s| matches(*r, s))
                } || self.extend_select.iter().any(|s| matches(*r, s));
                on && !self.ignore.iter().any(|s| matches(*r, s))
            })
            .collect())
    }

    /// The lowest applicability `--fix` applies.
    #[must_use]
    pub fn fix_level(&self) -> Applicability {
        if self.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        }
    }
}

/// Run `rules` over `doc` as a whole document; diagnostics sorted and
/// deduplicated, those silenced by `<!-- tagmend-disable ... -->` comments dropped.
#[must_use]
pub fn lint_document(doc: &Document, rules: &[&'static dyn Rule]) -> Vec<Diagnostic> {
    lint_document_with(doc, rules, Profile::Document)
}

/// [`lint_document`] under `profile`. Inline suppressions are applied here, so
/// the fix loop never sees (and never fixes) a suppressed diagnostic; unused
/// suppressions are reported when the `unused-suppression` rule is in `rules`.
#[must_use]
pub fn lint_document_with(
    doc: &Document,
    rules: &[&'static dyn Rule],
    profile: Profile,
) -> Vec<Diagnostic> {
    let ctx = Context::new(doc, profile);
    let mut out = Vec::new();
    for rule in rules {
        rule.check(&ctx, &mut out);
    }
    let mut out = crate::suppression::filter(doc, out, rules).kept;
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key());
    out
}

/// Why a pass of fixes was undone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The rule whose fix was undone.
    pub rule: &'static str,
    /// Why.
    pub reason: String,
}

/// What the fix loop did.
#[derive(Debug)]
pub struct FixOutcome {
    /// The final text.
    pub text: String,
    /// The final document, parsed.
    pub document: Document,
    /// Diagnostics left on the final text.
    pub remaining: Vec<Diagnostic>,
    /// Fixes applied, per rule.
    pub fixed: BTreeMap<&'static str, usize>,
    /// False when the loop hit [`MAX_PASSES`].
    pub converged: bool,
    /// Fixes undone by the guard.
    pub rejected: Vec<Rejected>,
}

impl FixOutcome {
    /// Total number of fixes applied.
    #[must_use]
    pub fn fix_count(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// Words a reader sees, for the text guard.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// True when every word of `before` is still in `after` (as a multiset: repairing
/// foster-parented text moves words back into their table), except words in
/// `allowed` (a multiset of words the fixes meant to remove or change).
fn keeps_text(before: &[String], after: &[String], allowed: &mut BTreeMap<String, usize>) -> bool {
    let mut have: std::collections::HashMap<&str, isize> = std::collections::HashMap::new();
    for w in after {
        *have.entry(w.as_str()).or_default() += 1;
    }
    for w in before {
        let n = have.entry(w.as_str()).or_default();
        if *n > 0 {
            *n -= 1;
            continue;
        }
        match allowed.get_mut(w) {
            Some(a) if *a > 0 => *a -= 1,
            _ => return false,
        }
    }
    true
}

fn check_pass(
    before_doc: &Document,
    before_words: &[String],
    after_doc: &Document,
    fixes: &[&Fix],
) -> Result<Vec<String>, String> {
    let eb = before_doc.parse_errors().len();
    let ea = after_doc.parse_errors().len();
    if ea > eb {
        return Err(format!("it raised the parse-error count from {eb} to {ea}"));
    }
    let mut allowed = BTreeMap::new();
    for f in fixes.iter().filter(|f| f.changes_text()) {
        for e in f.edits() {
            for w in words(before_doc.source().slice(e.span)) {
                *allowed.entry(w).or_insert(0) += 1;
            }
        }
    }
    let after_words = words(&after_doc.visible_text());
    if !keeps_text(before_words, &after_words, &mut allowed) {
        return Err("it lost visible text".into());
    }
    // The words of the accepted text: the next pass's `before_words`.
    Ok(after_words)
}

type FixKey = (&'static str, String, String);

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

fn fix_key(doc: &Document, d: &Diagnostic, f: &Fix) -> FixKey {
    let mut removed = String::new();
    let mut added = String::new();
    for e in f.edits() {
        removed.push_str(doc.source().slice(e.span));
        removed.push('\u{0}');
        added.push_str(&e.replacement);
        added.push('\u{0}');
    }
    (d.rule, removed, added)
}

/// [`fix_document_with`] for a whole document.
///
/// # Errors
/// A re-parsed intermediate text over the resource limits.
pub fn fix_document(
    doc: Document,
    rules: &[&'static dyn Rule],
    level: Applicability,
    limits: &Limits,
) -> Result<FixOutcome, ParseFailure> {
    fix_document_with(doc, rules, level, limits, Profile::Document)
}

/// Fix `doc` to a fixpoint: lint, apply every fix at `level` or above that does not
/// overlap another, re-parse, repeat. A pass that raises the parse-error count or
/// loses visible text (other than what its fixes meant to change) is undone and
/// its fixes retried one at a time; a fix that fails alone is not proposed again.
///
/// # Errors
/// A re-parsed intermediate text over the resource limits.
pub fn fix_document_with(
    doc: Document,
    rules: &[&'static dyn Rule],
    level: Applicability,
    limits: &Limits,
    profile: Profile,
) -> Result<FixOutcome, ParseFailure> {
    let mut doc = doc;
    let mut fixed: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rejected_keys: HashSet<FixKey> = HashSet::new();
    let mut rejected = Vec::new();
    let mut converged = false;
    let mut seen: HashSet<u64> = HashSet::new();
    seen.insert(text_hash(doc.text()));
    // The words of `doc`, when a pass already computed them.
    let mut doc_words: Option<Vec<String>> = None;
    // The findings on `doc` when the loop ends with nothing left to apply.
    let mut last_lint: Option<Vec<Diagnostic>> = None;
    for _ in 0..MAX_PASSES {
        let diags = lint_document_with(&doc, rules, profile);
        let candidates: Vec<(&Diagnostic, &Fix)> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (d, f)))
            .filter(|(_, f)| f.applicability() >= level && !f.edits().is_empty())
            .filter(|(d, f)| {
                rejected_keys.is_empty() || !rejected_keys.contains(&fix_key(&doc, d, f))
            })
            .collect();
        if candidates.is_empty() {
            converged = true;
            last_lint = Some(diags);
            break;
        }
        let before_words = doc_words
            .take()
            .unwrap_or_else(|| words(&doc.visible_text()));
        let (text, applied) = apply_fixes(doc.text(), candidates.iter().map(|(_, f)| *f));
        // Fixes that fight (one undoes what another did) bring back a text seen
        // before: refuse them, so the loop ends instead of cycling.
        if !seen.insert(text_hash(&text)) {
            for &i in &applied {
                let (d, f) = candidates[i];
                rejected_keys.insert(fix_key(&doc, d, f));
                rejected.push(Rejected {
                    rule: d.rule,
                    reason: format!(
                        "fix at byte {} undone: it brings back a text an earlier pass changed",
                        d.span.start
                    ),
                });
            }
            doc_words = Some(before_words);
            continue;
        }
        let new_doc = Document::parse_with_limits(Source::from_text(text), limits)?;
        let applied_fixes: Vec<&Fix> = applied.iter().map(|&i| candidates[i].1).collect();
        match check_pass(&doc, &before_words, &new_doc, &applied_fixes) {
            Ok(after_words) => {
                for &i in &applied {
                    *fixed.entry(candidates[i].0.rule).or_default() += 1;
                }
                doc = new_doc;
                doc_words = Some(after_words);
                // The page changed: a fix refused before may fit now.
                rejected_keys.clear();
                rejected.clear();
            }
            Err(_) => {
                // Grow the pass one fix at a time from nothing, keeping each fix
                // that leaves the guard satisfied together with those kept so far.
                let mut kept: Vec<usize> = Vec::new();
                let mut kept_doc: Option<(Document, Vec<String>)> = None;
                for &i in &applied {
                    let (d, f) = candidates[i];
                    let trial_set: Vec<&Fix> =
                        kept.iter().map(|&k| candidates[k].1).chain([f]).collect();
                    let (text, _) = apply_fixes(doc.text(), trial_set.iter().copied());
                    let trial = Document::parse_with_limits(Source::from_text(text), limits)?;
                    match check_pass(&doc, &before_words, &trial, &trial_set) {
                        Ok(trial_words) => {
                            kept.push(i);
                            kept_doc = Some((trial, trial_words));
                        }
                        Err(reason) => {
                            rejected_keys.insert(fix_key(&doc, d, f));
                            rejected.push(Rejected {
                                rule: d.rule,
                                reason: format!("fix at byte {} undone: {reason}", d.span.start),
                            });
                        }
                    }
                }
                for &k in &kept {
                    *fixed.entry(candidates[k].0.rule).or_default() += 1;
                }
                if let Some((next, next_words)) = kept_doc {
                    doc = next;
                    doc_words = Some(next_words);
                    // The page changed: a fix refused before may fit now.
                    rejected_keys.clear();
                    rejected.clear();
                } else {
                    doc_words = Some(before_words);
                }
            }
        }
    }
    // Converged: the last pass linted this very document and found nothing to apply.
    let remaining = match last_lint {
        Some(d) => d,
        None => lint_document_with(&doc, rules, profile),
    };
    Ok(FixOutcome {
        text: doc.text().to_owned(),
        remaining,
        document: doc,
        fixed,
        converged,
        rejected,
    })
}
