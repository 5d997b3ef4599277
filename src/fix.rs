//! Edits, fixes and their application: byte-range edits on the decoded text, so
//! bytes no fix touches pass through verbatim.

use crate::source::Span;

/// How sure tagmend is that a fix keeps the page's meaning (ordered: `>=` applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown as a suggestion, never applied.
    DisplayOnly,
    /// Applied with `--unsafe-fixes`.
    Unsafe,
    /// Applied with `--fix`.
    Safe,
}

impl Applicability {
    /// `safe`, `unsafe` or `display-only`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `span` of the text with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Span,
    /// What they become.
    pub replacement: String,
}

impl Edit {
    /// Insert `text` at `offset`.
    #[must_use]
    pub fn insertion(text: impl Into<String>, offset: usize) -> Self {
        Self {
            span: Span::empty(offset),
            replacement: text.into(),
        }
    }

    /// Delete `span`.
    #[must_use]
    pub fn deletion(span: Span) -> Self {
        Self {
            span,
            replacement: String::new(),
        }
    }

    /// Replace `span` with `text`.
    #[must_use]
    pub fn replacement(text: impl Into<String>, span: Span) -> Self {
        Self {
            span,
            replacement: text.into(),
        }
    }
}

/// A set of edits applied together, with how safe that is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    edits: Vec<Edit>,
    applicability: Applicability,
    changes_text: bool,
    writes_utf8: bool,
}

impl Fix {
    fn new(mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort();
        Self {
            edits,
            applicability,
            changes_text: false,
            writes_utf8: false,
        }
    }

    /// A safe fix.
    #[must_use]
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Safe)
    }

    /// An unsafe fix.
    #[must_use]
    pub fn unsafe_(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Unsafe)
    }

    /// A fix that is only shown.
    #[must_use]
    pub fn display_only(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::DisplayOnly)
    }

    /// Mark the fix as meant to change the visible text inside its edits (debris
    /// removal, mojibake repair); the fix loop's text guard allows that change.
    #[must_use]
    pub fn changing_text(mut self) -> Self {
        self.changes_text = true;
        self
    }

    /// Mark the fix as converting the page to UTF-8 (its edits declare UTF-8):
    /// once applied, the page is written as its text in UTF-8 rather than
    /// edit by edit in the encoding it was read in.
    #[must_use]
    pub fn writing_utf8(mut self) -> Self {
        self.writes_utf8 = true;
        self
    }

    /// True when the fix converts the page to UTF-8.
    #[must_use]
    pub fn writes_utf8(&self) -> bool {
        self.writes_utf8
    }

    /// The edits, sorted.
    #[must_use]
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Its applicability.
    #[must_use]
    pub fn applicability(&self) -> Applicability {
        self.applicability
    }

    /// True when the fix is meant to change visible text.
    #[must_use]
    pub fn changes_text(&self) -> bool {
        self.changes_text
    }

    /// First byte the fix touches.
    #[must_use]
    pub fn start(&self) -> usize {
        self.edits.first().map_or(0, |e| e.span.start)
    }

    fn overlaps(&self, taken: &[(Span, &str)]) -> bool {
        self.edits.iter().any(|e| {
            taken.iter().any(|&(t, t_repl)| {
                // Equal insertions at one offset (`</div>` for each of several
                // nested `<div>`s) go together: their order cannot matter.
                let same_insertion = e.span.is_empty()
                    && t.is_empty()
                    && e.span.start == t.start
                    && e.replacement == t_repl;
                (e.span.overlaps(t) && !same_insertion)
                    || (e.span.is_empty()
                        && (e.span.start == t.start || e.span.start == t.end)
                        && !t.is_empty())
                    || (t.is_empty()
                        && (t.start == e.span.start || t.start == e.span.end)
                        && !e.span.is_empty())
            })
        }) || self
            .edits
            .windows(2)
            .any(|w| w[0].span.end > w[1].span.start)
    }
}

/// The edits a pass makes: fixes sorted by position, a fix overlapping one
/// already taken waits for the next pass. Returns the edits in the order they
/// apply (by position; at one position in fix order; an edit past `text_len` or
/// overlapping the one before left out) and the indices of the fixes applied.
#[must_use]
pub fn plan_fixes<'a>(
    text_len: usize,
    fixes: impl IntoIterator<Item = &'a Fix>,
) -> (Vec<&'a Edit>, Vec<usize>) {
    let mut order: Vec<(usize, &Fix)> = fixes.into_iter().enumerate().collect();
    order.sort_by_key(|(i, f)| (f.start(), *i));
    let mut taken: Vec<(Span, &str)> = Vec::new();
    let mut edits: Vec<(usize, &Edit)> = Vec::new();
    let mut applied = Vec::new();
    for (i, fix) in order {
        if fix.edits.is_empty() || fix.overlaps(&taken) {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| (e.span, e.replacement.as_str())));
        edits.extend(fix.edits.iter().map(|e| (i, e)));
        applied.push(i);
    }
    edits.sort_by_key(|(i, e)| (e.span.start, e.span.end, *i));
    let mut kept = Vec::with_capacity(edits.len());
    let mut last = 0;
    for (_, e) in edits {
        if e.span.start < last || e.span.end > text_len {
            continue;
        }
        kept.push(e);
        last = e.span.end;
    }
    applied.sort_unstable();
    (kept, applied)
}

/// `text` with `edits` (from [`plan_fixes`] on it) made.
#[must_use]
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for e in edits {
        out.push_str(&text[last..e.span.start]);
        out.push_str(&e.replacement);
        last = e.span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Apply fixes to `text` ([`plan_fixes`], then [`apply_edits`]). Returns the new
/// text and the indices of the fixes applied.
#[must_use]
pub fn apply_fixes<'a>(
    text: &str,
    fixes: impl IntoIterator<Item = &'a Fix>,
) -> (String, Vec<usize>) {
    let (edits, applied) = plan_fixes(text.len(), fixes);
    (apply_edits(text, &edits), applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_fix_waits() {
        let a = Fix::safe(vec![Edit::replacement("X", Span::new(0, 2))]);
        let b = Fix::safe(vec![Edit::replacement("Y", Span::new(1, 3))]);
        let c = Fix::safe(vec![Edit::insertion("!", 5)]);
        let (out, applied) = apply_fixes("abcdef", [&a, &b, &c]);
        assert_eq!(out, "Xcde!f");
        assert_eq!(applied, vec![0, 2]);
    }

    #[test]
    fn applicability_is_ordered() {
        assert!(Applicability::Safe > Applicability::Unsafe);
        assert!(Applicability::Unsafe > Applicability::DisplayOnly);
    }
}
