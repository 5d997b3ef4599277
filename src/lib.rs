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
//! assert_eq!(fixed.text, "<table><tr><td>Region</td> <td>Panama</td></tr></table>");
//! ```
//!
//! [`Settings`] holds what a config file or the command line sets: the rule
//! selection (`select`, `extend_select`, `ignore`: rule ids, group names or
//! `all`), `unsafe_fixes`, resource `limits` and the `profile` (whole documents,
//! or fragments such as article bodies, where rules about whole documents stay
//! quiet). Inline `<!-- tagmend-disable... -->` comments apply here too: a
//! suppressed finding is neither returned nor fixed.
//!
//! ```
//! use tagmend::{fix, lint, rule::Profile, Settings};
//!
//! let settings = Settings {
//!     select: vec!["debris".into(), "unused-suppression".into()],
//!     profile: Profile::Fragment,
//!     ..Settings::default()
//! };
//! let page = "<table>\n\
//!             <!-- tagmend-disable-next-line tag-debris -->\n\
//!             <tr><td>Kept td> <td>1</td></tr>\n\
//!             <tr><td>Fixed td> <td>2</td></tr>\n\
//!             </table>";
//! let found = lint(page, &settings).unwrap();
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].rule, "tag-debris");
//!
//! let fixed = fix(page, &settings).unwrap().text;
//! assert!(fixed.contains("<td>Kept td> <td>1"));
//! assert!(fixed.contains("<td>Fixed</td> <td>2"));
//! ```
//!
//! To read settings the way the command line does, load the closest config file
//! with [`config::Config::find`]; `tagmend::cli::run` is the whole command line.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod fix;
pub mod linter;
pub mod rule;
pub mod rules;
pub mod source;
pub mod suppression;

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
    /// The page is larger than `limits.max_bytes`.
    TooLarge(usize),
    /// A fix needs a character the page's encoding cannot write.
    Unencodable {
        /// The character.
        ch: char,
        /// The page's encoding.
        encoding: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Selector(e) => e.fmt(f),
            Error::Source(e) => e.fmt(f),
            Error::ResourceLimit(e) => write!(f, "resource-limit: page skipped, {e}"),
            Error::TooLarge(n) => {
                write!(f, "resource-limit: page skipped, larger than {n} bytes")
            }
            Error::Unencodable { ch, encoding } => write!(
                f,
                "a fix needs U+{:04X}, which {encoding} cannot encode; nothing was written",
                *ch as u32
            ),
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
    Ok(linter::lint_document_with(&doc, &rules, settings.profile))
}

/// A page fixed at the byte level: what `tagmend check --fix -` writes.
#[derive(Debug)]
pub struct FixedBytes {
    /// The page as read (decoded, with its encoding).
    pub source: Source,
    /// What the fix loop did; `outcome.text` is the fixed text.
    pub outcome: FixOutcome,
    /// The fixed page in the page's own encoding: untouched lines byte for byte.
    pub bytes: Vec<u8>,
}

/// Decode `bytes` the way a browser would (BOM, then `transport`: the charset
/// of an HTTP `Content-Type` header, then `<meta charset>`, then a guess), fix
/// the page and encode it back. This is exactly what the command line does for one file.
///
/// # Errors
/// An unknown rule selector, undecodable or binary bytes, a page over the
/// resource limits, or a fix the page's encoding cannot write.
pub fn fix_bytes(
    bytes: Vec<u8>,
    transport: Option<&'static encoding_rs::Encoding>,
    settings: &Settings,
) -> Result<FixedBytes, Error> {
    let rules = settings.rules()?;
    if bytes.len() > settings.limits.max_bytes {
        return Err(Error::TooLarge(settings.limits.max_bytes));
    }
    let source = Source::from_bytes(bytes, transport)?;
    let doc = Document::parse_with_limits(source.clone(), &settings.limits)?;
    let outcome = linter::fix_document_with(
        doc,
        &rules,
        settings.fix_level(),
        &settings.limits,
        settings.profile,
    )?;
    // Each pass re-reads the page from the bytes it would write, so the final
    // page holds them; a page read back as text is one those bytes could not be
    // made for.
    let bytes = match outcome.document.source().original_bytes() {
        Some(written) => written.to_vec(),
        None => source
            .output_bytes(&outcome.text)
            .map_err(|ch| Error::Unencodable {
                ch,
                encoding: source.encoding().name(),
            })?,
    };
    Ok(FixedBytes {
        source,
        outcome,
        bytes,
    })
}

/// Decode `bytes` as [`fix_bytes`] does and lint the page.
///
/// # Errors
/// An unknown rule selector, undecodable or binary bytes, or a page over the
/// resource limits.
pub fn lint_bytes(
    bytes: Vec<u8>,
    transport: Option<&'static encoding_rs::Encoding>,
    settings: &Settings,
) -> Result<(Source, Vec<Diagnostic>), Error> {
    let rules = settings.rules()?;
    if bytes.len() > settings.limits.max_bytes {
        return Err(Error::TooLarge(settings.limits.max_bytes));
    }
    let source = Source::from_bytes(bytes, transport)?;
    // The document owns the source and hands it back: a clone copied the page
    // twice (text and bytes) just to keep it across the parse.
    let doc = Document::parse_with_limits(source, &settings.limits)?;
    let found = linter::lint_document_with(&doc, &rules, settings.profile);
    Ok((doc.into_source(), found))
}

/// Fix an HTML string: safe fixes, plus unsafe ones when `settings.unsafe_fixes`.
///
/// # Errors
/// An unknown rule selector, or a page over the resource limits.
pub fn fix(html: &str, settings: &Settings) -> Result<FixOutcome, Error> {
    let rules = settings.rules()?;
    let doc = Document::parse_with_limits(Source::from_text(html), &settings.limits)?;
    Ok(linter::fix_document_with(
        doc,
        &rules,
        settings.fix_level(),
        &settings.limits,
        settings.profile,
    )?)
}
