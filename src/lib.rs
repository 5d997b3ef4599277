//! tagmend: an HTML cleanup and repair linter for scraped article HTML.
//!
//! It parses a page with html5ever (the WHATWG tree builder browsers use) keeping
//! the source span of every token, runs rules that report defects and propose
//! byte-range fixes, and applies them to a fixpoint without re-serializing the page.
//!
//! ```
//! use tagmend::{fix, lint, Settings};
//!
//! let page = "<table><tr><td>Region td> <td>Panama</td></tr></table>";
//! let found = lint(page, &Settings::default()).unwrap();
//! assert_eq!(found[0].rule, "tag-debris");
//!
//! let fixed = fix(page, &Settings::default()).unwrap();
//! assert_eq!(fixed.text, "<table><tr><td>Region </td> <td>Panama</td></tr></table>");
//! ```

pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod fix;
pub mod linter;
pub mod rule;
pub mod rules;
pub mod source;

use std::fmt;

pub use diagnostic::Diagnostic;
pub use document::{Document, Limits, ParseFailure};
pub use fix::{Applicability, Edit, Fix};
pub use linter::{FixOutcome, Settings, UnknownSelector};
pub use source::{Source, SourceError, Span};

/// Why a page could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A `--select` / `--ignore` entry names no rule or group.
    Selector(UnknownSelector),
    /// The bytes could not be read as HTML text.
    Source(SourceError),
    /// The page is over a resource limit (`resource-limit`).
    ResourceLimit(ParseFailure),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Selector(e) => e.fmt(f),
            Error::Source(e) => e.fmt(f),
            Error::ResourceLimit(e) => write!(f, "resource-limit: page skipped, {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<UnknownSelector> for Error {
    fn from(e: UnknownSelector) -> Self {
        Error::Selector(e)
    }
}
impl From<SourceError> for Error {
    fn from(e: SourceError) -> Self {
        Error::Source(e)
    }
}
impl From<ParseFailure> for Error {
    fn from(e: ParseFailure) -> Self {
        Error::ResourceLimit(e)
    }
}

/// Lint an HTML string with `settings`; diagnostics sorted by position.
///
/// # Errors
/// An unknown rule selector, or a page over the resource limits.
pub fn lint(html: &str, settings: &Settings) -> Result<Vec<Diagnostic>, Error> {
    let rules = settings.rules()?;
    let doc = Document::parse_with_limits(Source::from_text(html), &settings.limits)?;
    Ok(linter::lint_document(&doc, &rules))
}

/// Fix an HTML string: safe fixes, plus unsafe ones when `settings.unsafe_fixes`.
///
/// # Errors
/// An unknown rule selector, or a page over the resource limits.
pub fn fix(html: &str, settings: &Settings) -> Result<FixOutcome, Error> {
    let rules = settings.rules()?;
    let doc = Document::parse_with_limits(Source::from_text(html), &settings.limits)?;
    Ok(linter::fix_document(
        doc,
        &rules,
        settings.fix_level(),
        &settings.limits,
    )?)
}
