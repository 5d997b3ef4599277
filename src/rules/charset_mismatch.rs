use encoding_rs::Encoding;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{tag, Document, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::{EncodingSource, Span};

declare_rule! {
    /// ## What it does
    /// Finds a `<meta charset>` (or `http-equiv="Content-Type"`) declaration that
    /// does not match the page's bytes: a page declared `iso-8859-1` or
    /// `windows-1252` whose bytes are UTF-8, or a page declared `utf-8` whose bytes
    /// are a legacy single-byte encoding.
    ///
    /// ## Why is this bad?
    /// Browsers trust the declaration. UTF-8 bytes read as windows-1252 show as
    /// mojibake on every accented letter and curly quote (`donâ€™t`, `cafÃ©`);
    /// legacy bytes read as UTF-8 show as `�`.
    ///
    /// ## Example
    /// ```html
    /// <meta charset="iso-8859-1">
    /// <p>Caf&eacute; owners don’t agree.</p>   <!-- bytes: UTF-8 -->
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <meta charset="utf-8">
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the declaration is rewritten to what the bytes are, which changes how
    /// every non-ASCII character of the page is read. Review the page once fixed.
    /// While the declaration is wrong, `mojibake` proposes no text edits of its own
    /// (re-declaring the encoding is the repair, not rewriting the text).
    pub struct CharsetMismatch {
        id: "charset-mismatch",
        group: Content,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Declared charset does not match the page's bytes",
    }
}

/// A charset declaration in the page.
pub(crate) struct Declaration {
    /// The bytes of the encoding label (`iso-8859-1` in `charset="iso-8859-1"`).
    pub span: Span,
    /// The label as written.
    pub label: String,
    /// The encoding it names.
    pub encoding: &'static Encoding,
}

/// What the bytes are, when the declaration says otherwise.
pub(crate) struct Mismatch {
    /// The declaration.
    pub declared: Declaration,
    /// The encoding the bytes are in.
    pub actual: &'static Encoding,
}

/// The first charset declaration starting in the first 1024 bytes (where the
/// WHATWG prescan looks, 13.2.3.2).
pub(crate) fn declaration(doc: &Document) -> Option<Declaration> {
    declarations(doc, 1024).into_iter().next()
}

/// Every charset declaration (one a `<meta>`) starting before byte `limit`.
pub(crate) fn declarations(doc: &Document, limit: usize) -> Vec<Declaration> {
    let text = doc.text();
    let mut found = Vec::new();
    for tok in doc.tokens() {
        if tok.span.start >= limit {
            break;
        }
        if tok.kind != TokenKind::StartTag || &*tok.name != "meta" {
            continue;
        }
        let attrs = tag::attributes(text, tok.span);
        let value = |name: &str| {
            attrs
                .iter()
                .find(|a| a.name(text).eq_ignore_ascii_case(name))
                .and_then(|a| a.value_span)
        };
        if let Some(span) = value("charset") {
            let raw = &text[span.start..span.end];
            let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace());
            let lead = raw.len()
                - raw
                    .trim_start_matches(|c: char| c.is_ascii_whitespace())
                    .len();
            let span = Span::new(span.start + lead, span.start + lead + trimmed.len());
            found.extend(
                Encoding::for_label(trimmed.as_bytes()).map(|encoding| Declaration {
                    span,
                    label: trimmed.to_string(),
                    encoding,
                }),
            );
            continue;
        }
        let is_content_type = value("http-equiv").is_some_and(|s| {
            text[s.start..s.end]
                .trim()
                .eq_ignore_ascii_case("content-type")
        });
        if let (true, Some(content)) = (is_content_type, value("content")) {
            found.extend(content_charset(text, content));
        }
    }
    found
}

/// The `charset=` label inside a `content="text/html; charset=…"` value.
fn content_charset(text: &str, content: Span) -> Option<Declaration> {
    let raw = &text[content.start..content.end];
    let lower = raw.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let b = raw.as_bytes();
    let mut i = at + "charset".len();
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'"' || b[i] == b'\'') {
        i += 1;
    }
    let end = b[i..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || matches!(c, b';' | b'"' | b'\''))
        .map_or(b.len(), |p| i + p);
    let label = &raw[i..end];
    Encoding::for_label(label.as_bytes()).map(|encoding| Declaration {
        span: Span::new(content.start + i, content.start + end),
        label: label.to_string(),
        encoding,
    })
}

/// Browsers read a declared UTF-16 as UTF-8 (WHATWG 13.2.3.2, "prescan").
fn effective(enc: &'static Encoding) -> &'static Encoding {
    enc.output_encoding()
}

/// True when `bytes` hold at least one non-ASCII byte.
fn has_non_ascii(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| !b.is_ascii())
}

/// True when `bytes` hold a well-formed multi-byte UTF-8 sequence (stops at
/// the first one: counting them all cost a pass over every byte of a big page).
fn has_utf8_sequence(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return !s.is_ascii(),
            Err(e) => {
                // Valid UTF-8 with a non-ASCII byte holds a multi-byte sequence.
                if !rest[..e.valid_up_to()].is_ascii() {
                    return true;
                }
                let skip = e.valid_up_to() + e.error_len().unwrap_or(1);
                if skip >= rest.len() {
                    return false;
                }
                rest = &rest[skip..];
            }
        }
    }
}

/// The page's declaration when the bytes say otherwise.
///
/// With the original bytes: a declared legacy encoding over bytes that are valid
/// UTF-8 with non-ASCII in them, or a declared UTF-8 over bytes with no
/// well-formed multi-byte sequence at all (a page with a few stray legacy bytes
/// among UTF-8 is mixed, not mis-declared). Without bytes (a page handed over as
/// text): the text, written back in the declared encoding, is UTF-8.
pub(crate) fn mismatch(doc: &Document) -> Option<Mismatch> {
    let declared = declaration(doc)?;
    let enc = effective(declared.encoding);
    let source = doc.source();
    match source.original_bytes() {
        Some(bytes) => {
            if source.encoding_source() != EncodingSource::Meta || source.encoding() != enc {
                return None;
            }
            if enc != encoding_rs::UTF_8 {
                (has_non_ascii(bytes) && std::str::from_utf8(bytes).is_ok()).then_some(Mismatch {
                    declared,
                    actual: encoding_rs::UTF_8,
                })
            } else if std::str::from_utf8(bytes).is_err() && !has_utf8_sequence(bytes) {
                let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                det.feed(bytes, true);
                let guess = det.guess(None, chardetng::Utf8Detection::Deny);
                (guess != encoding_rs::UTF_8 && guess.is_single_byte()).then_some(Mismatch {
                    declared,
                    actual: guess,
                })
            } else {
                None
            }
        }
        None => {
            if enc == encoding_rs::UTF_8 || !enc.is_single_byte() {
                return None;
            }
            let (bytes, used, had_errors) = enc.encode(doc.text());
            (!had_errors
                && used == enc
                && has_non_ascii(&bytes)
                && std::str::from_utf8(&bytes).is_ok())
            .then_some(Mismatch {
                declared,
                actual: encoding_rs::UTF_8,
            })
        }
    }
}

impl Rule for CharsetMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(m) = mismatch(ctx.doc) else { return };
        let actual = m.actual.name().to_ascii_lowercase();
        let label = crate::diagnostic::escape_for_terminal(&m.declared.label);
        let why = if m.actual == encoding_rs::UTF_8 {
            "the bytes are UTF-8, so every non-ASCII character shows as mojibake"
        } else {
            "the bytes are not UTF-8, so every non-ASCII character shows as `\u{fffd}`"
        };
        out.push(
            Diagnostic::new(
                CharsetMismatch::META.id,
                m.declared.span,
                format!("The page declares charset `{label}` but its bytes are {actual}"),
            )
            .with_note(why)
            .with_fix(
                format!("Declare `{actual}`"),
                Fix::unsafe_(vec![Edit::replacement(actual, m.declared.span)]),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn doc(bytes: &[u8]) -> Document {
        Document::parse(Source::from_bytes(bytes.to_vec(), None).expect("source")).expect("parse")
    }

    #[test]
    fn utf8_bytes_declared_latin1() {
        let d = doc("<meta charset=\"iso-8859-1\"><p>caf\u{e9}</p>".as_bytes());
        let m = mismatch(&d).expect("mismatch");
        assert_eq!(m.actual, encoding_rs::UTF_8);
        assert_eq!(d.source().slice(m.declared.span), "iso-8859-1");
    }

    #[test]
    fn legacy_bytes_declared_utf8() {
        let d = doc(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><p>Caf\xe9 cr\xe8me br\xfbl\xe9e, \xe0 la fran\xe7aise</p>");
        let m = mismatch(&d).expect("mismatch");
        assert_eq!(d.source().slice(m.declared.span), "utf-8");
        assert_eq!(m.actual, encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn mixed_bytes_are_not_a_mismatch() {
        assert!(mismatch(&doc(
            "<meta charset=utf-8><p>sch\u{f6}n</p><img alt=\"K\u{fc}che\">"
                .as_bytes()
                .iter()
                .copied()
                .chain(*b"<p>f\xfcr</p>")
                .collect::<Vec<u8>>()
                .as_slice()
        ))
        .is_none());
        assert!(mismatch(&doc(b"<meta charset=windows-1252><p>caf\xe9</p>")).is_none());
        assert!(mismatch(&doc(b"<meta charset=windows-1252><p>plain</p>")).is_none());
    }
}
