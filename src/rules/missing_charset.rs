use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Profile, Rule, RuleMeta};
use crate::source::{EncodingSource, Span};

declare_rule! {
    /// ## What it does
    /// Finds whole documents (not fragments) that do not declare their character
    /// encoding with `<meta charset>` (or the older `http-equiv="Content-Type"`).
    ///
    /// ## Why is this bad?
    /// Without a declaration a browser guesses the encoding from the bytes, and a
    /// page saved without its HTTP headers can show mojibake (`Ã©` for `é`). Off by
    /// default: a page served with a `Content-Type` header declares it there.
    ///
    /// ## Example
    /// ```html
    /// <html><head><title>Café</title></head></html>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <html><head><meta charset="utf-8"><title>Café</title></head></html>
    /// ```
    ///
    /// ## Fix safety
    /// `<meta charset="utf-8">` is inserted first in `<head>`. That is safe only when
    /// the file is UTF-8 (a byte order mark says so, or its bytes were checked as
    /// UTF-8); for a page in another encoding, or text whose bytes tagmend did not
    /// read, the fix is only shown.
    pub struct MissingCharset {
        id: "missing-charset",
        group: Structure,
        fix: Always,
        default: false,
        summary: "Whole document without `<meta charset>`",
    }
}

impl Rule for MissingCharset {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        if doc.is_fragment() || ctx.profile == Profile::Fragment {
            return;
        }
        let declared = doc.elements().any(|e| {
            e.name() == "meta"
                && (e.attr("charset").is_some()
                    || (e
                        .attr("http-equiv")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-type"))
                        && e.attr("content")
                            .is_some_and(|c| c.to_ascii_lowercase().contains("charset"))))
        });
        if declared {
            return;
        }
        let tokens = doc.tokens();
        let tag = |name: &str| {
            tokens
                .iter()
                .find(|t| t.kind == TokenKind::StartTag && &*t.name == name)
        };
        // First in head: after `<head ...>`, else after `<html ...>`, else after the
        // doctype; the parser puts the meta in the (implied) head in each case.
        let (at, span) = if let Some(h) = tag("head") {
            (h.span.end, h.span)
        } else if let Some(h) = tag("html") {
            (h.span.end, h.span)
        } else if let Some(d) = tokens.iter().find(|t| t.kind == TokenKind::Doctype) {
            (d.span.end, d.span)
        } else {
            (0, Span::empty(0))
        };
        let source = doc.source();
        let utf8 = source.encoding() == encoding_rs::UTF_8
            && matches!(
                source.encoding_source(),
                EncodingSource::Bom | EncodingSource::Detected
            );
        let edit = Edit::insertion("<meta charset=\"utf-8\">", at);
        let fix = if utf8 {
            Fix::safe(vec![edit])
        } else {
            Fix::display_only(vec![edit])
        };
        out.push(
            Diagnostic::new(
                MissingCharset::META.id,
                span,
                "Document declares no character encoding: add `<meta charset>` first in `<head>`",
            )
            .with_fix("Insert `<meta charset=\"utf-8\">` first in `<head>`", fix),
        );
    }
}
