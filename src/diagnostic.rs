//! Findings: values, never errors, sorted by position then rule id.

use crate::fix::Fix;
use crate::source::Span;

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's id.
    pub rule: &'static str,
    /// Where, in the decoded text.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What the fix does, as an imperative.
    pub fix_title: Option<String>,
    /// Why it matters, when that is not obvious.
    pub note: Option<String>,
    /// The proposed fix.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A finding with no fix.
    #[must_use]
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule,
            span,
            message: message.into(),
            fix_title: None,
            note: None,
            fix: None,
        }
    }

    /// Attach a fix and its title.
    #[must_use]
    pub fn with_fix(mut self, title: impl Into<String>, fix: Fix) -> Self {
        self.fix_title = Some(title.into());
        self.fix = Some(fix);
        self
    }

    /// Attach a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Sort key: position, then rule id, then message.
    #[must_use]
    pub fn sort_key(&self) -> (usize, usize, &'static str, &str) {
        (self.span.start, self.span.end, self.rule, &self.message)
    }
}

/// Make `s` safe to print on a terminal or in a one-line format: control
/// characters, escape sequences and bidi overrides are shown escaped.
#[must_use]
pub fn escape_for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}
