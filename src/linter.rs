//! Lint once; fix to a fixpoint with a guard that rolls back harmful passes.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::document::{Document, Limits, ParseFailure};
use crate::fix::{apply_edits, plan_fixes, Applicability, Edit, Fix};
use crate::rule::{Context, Profile, Rule};
use crate::rules;
use crate::source::{EncodingSource, Source, Span};

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
    finish_lint(doc, run_rules(&ctx, rules), rules)
}

/// The findings of `rules` on `ctx`'s page, in rule order, unfiltered.
fn run_rules(ctx: &Context<'_>, rules: &[&'static dyn Rule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules {
        rule.check(ctx, &mut out);
    }
    out
}

/// `out` with suppressed findings dropped (`enabled`: every rule the run
/// enables), sorted and deduplicated.
fn finish_lint(
    doc: &Document,
    out: Vec<Diagnostic>,
    enabled: &[&'static dyn Rule],
) -> Vec<Diagnostic> {
    let mut out = crate::suppression::filter(doc, out, enabled).kept;
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key());
    out
}

/// The rules the fix loop runs on every pass: those that may propose a fix it
/// applies (at `--fix`'s level, only rules with safe fixes). The others only
/// add findings, needed once the loop stops ([`lint_rest`]).
struct LintParts {
    fixing: Vec<&'static dyn Rule>,
    rest: Vec<&'static dyn Rule>,
    /// `unused-suppression` is on: its reports depend on every rule's findings.
    reports_unused: bool,
}

impl LintParts {
    fn new(rules: &[&'static dyn Rule], level: Applicability) -> Self {
        let (fixing, rest) = rules.iter().partition(|r| {
            let meta = r.meta();
            meta.fix != crate::rule::FixAvailability::None
                && (meta.safe_fixes || level < Applicability::Safe)
        });
        Self {
            fixing,
            rest,
            reports_unused: rules
                .iter()
                .any(|r| r.meta().id == rules::unused_suppression::UnusedSuppression::META.id),
        }
    }

    /// True when `doc` can be linted in two parts: findings filtered part by
    /// part are the findings of the whole, since each is kept or suppressed on
    /// its own unless unused-suppression reports on the page's directives.
    fn splits(&self, doc: &Document) -> bool {
        if self.rest.is_empty() {
            return false;
        }
        if !self.reports_unused {
            return true;
        }
        let (dirs, malformed) = crate::suppression::directives(doc);
        dirs.is_empty() && malformed.is_empty()
    }
}

/// [`lint_document_with`] for the fix loop: when the page splits, only the
/// rules that may fix run first (their findings are all a pass needs);
/// [`LintParts::rest`] runs, on the same context, only if none of them leaves
/// a fix to apply (the loop stops: the findings must be whole).
fn lint_fixing(
    ctx: &Context<'_>,
    parts: &LintParts,
    all: &[&'static dyn Rule],
) -> (Vec<Diagnostic>, bool) {
    if parts.splits(ctx.doc) {
        (
            finish_lint(ctx.doc, run_rules(ctx, &parts.fixing), all),
            true,
        )
    } else {
        (finish_lint(ctx.doc, run_rules(ctx, all), all), false)
    }
}

/// The whole findings of a split page: `fixing`'s (from [`lint_fixing`]) and the
/// rest's. Each part is sorted and deduplicated and no two findings of different
/// rules compare equal, so a stable sort of both is the lint of all rules at once.
fn lint_rest(
    ctx: &Context<'_>,
    parts: &LintParts,
    all: &[&'static dyn Rule],
    mut fixing: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    fixing.extend(finish_lint(ctx.doc, run_rules(ctx, &parts.rest), all));
    fixing.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    fixing
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
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Length of the longest common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let mut k = 0;
    while k + CHUNK <= n && a[k..k + CHUNK] == b[k..k + CHUNK] {
        k += CHUNK;
    }
    while k < n && a[k] == b[k] {
        k += 1;
    }
    k
}

/// The first word of `text[at..]`: its span, or `None` when no word is left.
fn next_word(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    let start = at + rest.find(char::is_alphanumeric)?;
    let end = text[start..]
        .find(|c: char| !c.is_alphanumeric())
        .map_or(text.len(), |e| start + e);
    Some((start, end))
}

/// True when `a` and `b` hold the same [`words`] in the same order.
///
/// Stretches the two texts share byte for byte are skipped whole (up to their
/// last separator, so no word is cut): a pass changes markup in a few
/// places and the visible text between them is the same.
fn same_words(a: &str, b: &str) -> bool {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        let common = common_prefix(&ab[i..], &bb[j..]);
        if i + common == ab.len() && j + common == bb.len() {
            return true;
        }
        // Cut after the last separator of the shared stretch: the words before
        // the cut are the same on both sides.
        let mut k = i + common;
        while !a.is_char_boundary(k) {
            k -= 1;
        }
        if let Some(p) = a[i..k].rfind(|c: char| !c.is_alphanumeric()) {
            let cut = p + a[i + p..].chars().next().map_or(1, char::len_utf8);
            i += cut;
            j += cut;
            continue;
        }
        match (next_word(a, i), next_word(b, j)) {
            (None, None) => return true,
            (Some((s, e)), Some((t, f))) if a[s..e] == b[t..f] => {
                i = e;
                j = f;
            }
            _ => return false,
        }
    }
}

/// True when every word of `before` is still in `after` (as a multiset: repairing
/// foster-parented text moves words back into their table), except words in
/// `allowed` (a multiset of words the fixes meant to remove or change).
fn keeps_text(before: &str, after: &str, allowed: &mut BTreeMap<&str, usize>) -> bool {
    // Most passes move no word at all: the same words in the same order keep
    // every word, whatever `allowed` holds.
    if same_words(before, after) {
        return true;
    }
    let mut have: HashMap<&str, isize> = HashMap::new();
    for w in words(after) {
        *have.entry(w).or_default() += 1;
    }
    for w in words(before) {
        let n = have.entry(w).or_default();
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

/// The page before a pass as the guard compares it: its parse-error count and
/// visible text (split into words only when the text after the pass differs).
struct Before {
    errors: usize,
    text: String,
}

impl Before {
    fn of(doc: &Document) -> Self {
        Self {
            errors: doc.parse_errors().len(),
            text: doc.visible_text(),
        }
    }

    /// [`Before::of`] read the way `after` is read: when the pass corrected the
    /// declared encoding, the rewritten page reads differently, so the page
    /// before it is compared in the new encoding too (its bytes decoded again).
    fn for_pass(
        doc: &Document,
        plain: &Before,
        after: &Document,
        limits: &Limits,
    ) -> Result<Option<Self>, ParseFailure> {
        let (old, new) = (doc.source(), after.source());
        if old.encoding() == new.encoding() {
            return Ok(None);
        }
        let Some(bytes) = old.original_bytes() else {
            return Ok(None);
        };
        let Ok(reread) = Source::from_bytes(bytes.to_vec(), Some(new.encoding())) else {
            return Ok(None);
        };
        let doc = Document::parse_with_limits(reread, limits)?;
        let this = Self::of(&doc);
        Ok(Some(Self {
            errors: this.errors.max(plain.errors),
            text: this.text,
        }))
    }
}

fn check_pass(
    before_doc: &Document,
    before: &Before,
    after_doc: &Document,
    fixes: &[&Fix],
    limits: &Limits,
) -> Result<Result<(), String>, ParseFailure> {
    // A conversion to UTF-8 keeps the text; any other change of encoding
    // (a corrected declaration) reads the old bytes anew.
    let reread = if converts(fixes) {
        None
    } else {
        Before::for_pass(before_doc, before, after_doc, limits)?
    };
    let before = reread.as_ref().unwrap_or(before);
    let (eb, ea) = (before.errors, after_doc.parse_errors().len());
    if ea > eb {
        return Ok(Err(format!(
            "it raised the parse-error count from {eb} to {ea}"
        )));
    }
    let mut allowed = BTreeMap::new();
    for f in fixes.iter().filter(|f| f.changes_text()) {
        for e in f.edits() {
            for w in words(before_doc.source().slice(e.span)) {
                *allowed.entry(w).or_insert(0) += 1;
            }
        }
    }
    if !keeps_text(&before.text, &after_doc.visible_text(), &mut allowed) {
        return Ok(Err("it lost visible text".into()));
    }
    Ok(Ok(()))
}

type FixKey = (&'static str, String, String);

/// Identity of a page state: its text and how that text was read (a page read
/// from bytes in another encoding fixes differently). foldhash, not the
/// standard SipHash: the whole page is hashed once per fix pass, and SipHash
/// spent 45 M instructions on it over the corpus (no adversary picks these
/// texts to collide, and a 64-bit collision would only end the loop early).
fn state_hash(source: &Source) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    source.text().hash(&mut h);
    source.encoding().name().hash(&mut h);
    format!("{:?}", source.encoding_source()).hash(&mut h);
    source.original_bytes().is_some().hash(&mut h);
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

/// True when one of `fixes` converts the page to UTF-8 (`legacy-encoding`).
fn converts(fixes: &[&Fix]) -> bool {
    fixes.iter().any(|f| f.writes_utf8())
}

/// The page after a pass, read back the way a fresh run reads what would be
/// written: `edits` (the pass's, which made `text`) encoded onto the page's bytes,
/// or the text as UTF-8 after a conversion; as plain text when those bytes
/// cannot be written or read back (the caller's encoding step reports that).
fn reread(doc: &Document, fixes: &[&Fix], edits: &[&Edit], text: String) -> Source {
    let source = doc.source();
    let reread = if source.original_bytes().is_none() {
        None
    } else if converts(fixes) {
        source.reread_utf8(text.clone())
    } else {
        let edits: Vec<(Span, &str)> = edits
            .iter()
            .map(|e| (e.span, e.replacement.as_str()))
            .collect();
        source.reread_edits(&edits)
    };
    reread.unwrap_or_else(|| Source::from_text(text))
}

/// `Some(reason)` when the rewritten page would be read in another encoding
/// than the one guessed for it (a page with no declaration): the fixes changed
/// the bytes the guess is made from, so the page would read differently.
///
/// A conversion to UTF-8 must leave a page read as UTF-8.
fn regressed_guess(doc: &Document, fixes: &[&Fix], next: &Source) -> Option<String> {
    let now = doc.source();
    if converts(fixes) {
        return (now.original_bytes().is_some() && next.encoding() != encoding_rs::UTF_8).then(
            || {
                format!(
                    "the converted page would be read as {}",
                    next.encoding().name()
                )
            },
        );
    }
    (now.original_bytes().is_some()
        && now.encoding_source() == EncodingSource::Detected
        && next.encoding() != now.encoding())
    .then(|| {
        format!(
            "the page would then be read as {} instead of {}",
            next.encoding().name(),
            now.encoding().name()
        )
    })
}

/// A page state the fix loop stood on.
struct Visit {
    /// To come back to it: the page's source, kept (moved, not copied) once the
    /// loop leaves the state; `None` while the loop stands on it.
    source: Option<Source>,
    /// Fixes applied when the loop reached it.
    fixed: BTreeMap<&'static str, usize>,
    /// The fixes of the pass that left it, with their diagnostic's start.
    took: Vec<(FixKey, usize)>,
    /// Fixes refused here, and why.
    refused: HashSet<FixKey>,
    rejected: Vec<Rejected>,
}

impl Visit {
    fn new(fixed: BTreeMap<&'static str, usize>) -> Self {
        Self {
            source: None,
            fixed,
            took: Vec::new(),
            refused: HashSet::new(),
            rejected: Vec::new(),
        }
    }

    fn refuse(&mut self, key: FixKey, at: usize, reason: &str) {
        self.rejected.push(Rejected {
            rule: key.0,
            reason: format!("fix at byte {at} undone: {reason}"),
        });
        self.refused.insert(key);
    }
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
/// overlap another, re-read the page as a second run would read the written
/// result ([`Source::reread`]), repeat. A pass that raises the parse-error count
/// or loses visible text (other than what its fixes meant to change) is undone
/// and its fixes retried one at a time; a fix that fails alone is not proposed
/// again on that text.
///
/// Fixes that fight (one undoes what another did) bring the loop back to a page
/// it stood on: it goes back to that page and refuses there the fixes that left
/// it. Every refusal depends on the page alone, so a second run over the result
/// walks the same cycle back to the same page and ends there too: fixing the
/// fixed page changes nothing.
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
    let mut converged = false;
    // The findings on `doc` when the loop ends with nothing left to apply.
    let mut last_lint: Option<Vec<Diagnostic>> = None;
    let mut here = state_hash(doc.source());
    let mut visits: HashMap<u64, Visit> = HashMap::new();
    let parts = LintParts::new(rules, level);
    visits.insert(here, Visit::new(fixed.clone()));
    for _ in 0..MAX_PASSES {
        let ctx = Context::new(&doc, profile);
        let (diags, split) = lint_fixing(&ctx, &parts, rules);
        let Some(visit) = visits.get_mut(&here) else {
            break;
        };
        let candidates: Vec<(&Diagnostic, &Fix, FixKey)> = diags
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (d, f)))
            .filter(|(_, f)| f.applicability() >= level && !f.edits().is_empty())
            .map(|(d, f)| (d, f, fix_key(&doc, d, f)))
            .filter(|(_, _, k)| !visit.refused.contains(k))
            .collect();
        if candidates.is_empty() {
            converged = true;
            last_lint = Some(if split {
                lint_rest(&ctx, &parts, rules, diags)
            } else {
                diags
            });
            break;
        }
        drop(ctx);
        let (edits, applied) = plan_fixes(doc.text().len(), candidates.iter().map(|(_, f, _)| *f));
        let text = apply_edits(doc.text(), &edits);
        if applied.is_empty() {
            // Only a fix whose own edits overlap is never applied.
            for (d, _, k) in &candidates {
                visit.refuse(k.clone(), d.span.start, "its edits overlap each other");
            }
            continue;
        }
        if text == doc.text() {
            for &i in &applied {
                let (d, _, k) = &candidates[i];
                visit.refuse(k.clone(), d.span.start, "it changes nothing");
            }
            continue;
        }
        let before = Before::of(&doc);
        let applied_fixes: Vec<&Fix> = applied.iter().map(|&i| candidates[i].1).collect();
        let new_source = reread(&doc, &applied_fixes, &edits, text);
        let verdict = match regressed_guess(&doc, &applied_fixes, &new_source) {
            Some(reason) => Err(reason),
            None => {
                let new_doc = Document::parse_with_limits(new_source, limits)?;
                check_pass(&doc, &before, &new_doc, &applied_fixes, limits)?.map(|()| new_doc)
            }
        };
        let (kept, next) = match verdict {
            Ok(new_doc) => (applied, Some(new_doc)),
            Err(_) => {
                // Grow the pass one fix at a time from nothing, keeping each fix
                // that leaves the guard satisfied together with those kept so far.
                let mut kept: Vec<usize> = Vec::new();
                let mut kept_doc: Option<Document> = None;
                for &i in &applied {
                    let (d, f, k) = &candidates[i];
                    let trial_set: Vec<&Fix> =
                        kept.iter().map(|&k| candidates[k].1).chain([*f]).collect();
                    let (edits, _) = plan_fixes(doc.text().len(), trial_set.iter().copied());
                    let text = apply_edits(doc.text(), &edits);
                    let trial_source = reread(&doc, &trial_set, &edits, text);
                    if let Some(reason) = regressed_guess(&doc, &trial_set, &trial_source) {
                        visit.refuse(k.clone(), d.span.start, &reason);
                        continue;
                    }
                    let trial = Document::parse_with_limits(trial_source, limits)?;
                    match check_pass(&doc, &before, &trial, &trial_set, limits)? {
                        Ok(()) => {
                            kept.push(i);
                            kept_doc = Some(trial);
                        }
                        Err(reason) => visit.refuse(k.clone(), d.span.start, &reason),
                    }
                }
                (kept, kept_doc)
            }
        };
        let Some(next) = next else { continue };
        let there = state_hash(next.source());
        if there == here {
            for &i in &kept {
                let (d, _, k) = &candidates[i];
                visit.refuse(k.clone(), d.span.start, "it changes nothing");
            }
            continue;
        }
        let next = if let Some(back) = visits.get_mut(&there) {
            // A cycle: back to a page already fixed from, refusing there the
            // fixes that led away from it.
            for (k, at) in std::mem::take(&mut back.took) {
                back.refuse(
                    k,
                    at,
                    "it starts a cycle of fixes that bring the page back to this text",
                );
            }
            fixed.clone_from(&back.fixed);
            // Every state but `here` was left, so it kept its source.
            let Some(source) = back.source.take() else {
                break;
            };
            Document::parse_with_limits(source, limits)?
        } else {
            if let Some(visit) = visits.get_mut(&here) {
                visit.took = kept
                    .iter()
                    .map(|&i| (candidates[i].2.clone(), candidates[i].0.span.start))
                    .collect();
            }
            for &i in &kept {
                *fixed.entry(candidates[i].0.rule).or_default() += 1;
            }
            visits.insert(there, Visit::new(fixed.clone()));
            next
        };
        // Leave `here`, keeping its source to come back to.
        let left = std::mem::replace(&mut doc, next);
        if let Some(visit) = visits.get_mut(&here) {
            visit.source = Some(left.into_source());
        }
        here = there;
    }
    let rejected = visits.remove(&here).map(|v| v.rejected).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fix loop runs rules declared `fix: None` only once it stops
    /// ([`LintParts`]): such a rule must never propose a fix.
    #[test]
    fn rules_without_fixes_propose_none() {
        let all = rules::all();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut pages = 0;
        for folder in std::fs::read_dir(dir).unwrap().flatten() {
            let Ok(files) = std::fs::read_dir(folder.path()) else {
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                if path.extension().is_none_or(|e| e != "html") {
                    continue;
                }
                let Ok(source) = Source::from_bytes(std::fs::read(&path).unwrap(), None) else {
                    continue;
                };
                let Ok(doc) = Document::parse(source) else {
                    continue;
                };
                pages += 1;
                for d in lint_document_with(&doc, &all, Profile::Document) {
                    let rule = all.iter().find(|r| r.meta().id == d.rule).unwrap();
                    assert!(
                        d.fix.is_none() || rule.meta().fix != crate::rule::FixAvailability::None,
                        "{}: {} proposes a fix but declares `fix: None`",
                        path.display(),
                        d.rule
                    );
                }
            }
        }
        assert!(pages > 100, "only {pages} fixture pages");
    }

    #[test]
    fn same_words_agrees_with_splitting() {
        let texts = [
            "",
            " ",
            "a",
            "ab",
            "a b",
            "a  b",
            " a b ",
            "ab c",
            "a bc",
            "abc",
            "a\u{a0}b c",
            "a\u{a0}bc",
            "caf\u{e9} au lait",
            "caf\u{e9}au lait",
            "\u{4e2d}\u{6587}\u{3002}\u{6587}",
            "\u{4e2d}\u{6587}\u{6587}",
            "one two three four",
            "one two three  four",
            "one two thre four",
            "one two three four five",
            "x one two three four",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_words(a, b), words(a).eq(words(b)), "{a:?} vs {b:?}");
                let (la, lb) = (
                    format!("{}{a}", "lead in ".repeat(20)),
                    format!("{}{b}", "lead in ".repeat(20)),
                );
                assert_eq!(
                    same_words(&la, &lb),
                    words(&la).eq(words(&lb)),
                    "{la:?} vs {lb:?}"
                );
            }
        }
    }
}
