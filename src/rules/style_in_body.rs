use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds a `<style>` element in the body of a document that has an explicit
    /// `</head>`, and moves it to the end of the head, after the head's own styles.
    ///
    /// ## Why is this bad?
    /// `<style>` belongs in `<head>` (WHATWG 4.2.6: its content model allows it
    /// only where metadata content is expected). A style sheet in the body still
    /// applies to the whole page, but only once the parser reaches it: the page
    /// first paints unstyled, and validators report each one. Scraped pages carry
    /// dozens of them, left by widgets and templates.
    ///
    /// ## Example
    /// ```html
    /// <head><title>t</title></head>
    /// <body><p>Text</p><style>.ad{display:none}</style></body>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <head><title>t</title><style>.ad{display:none}</style></head>
    /// <body><p>Text</p></body>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the style element moves verbatim, and body styles keep their order
    /// among themselves (each goes after the ones moved before it), but a
    /// `<link rel="stylesheet">` left in the body now comes after it in the cascade,
    /// and a script that finds the element by its position (`document.styleSheets`
    /// indices, `parent.querySelector("style")`) sees it elsewhere. Styles inside
    /// `<template>`, `<noscript>` or SVG, and `scoped` ones, are left alone; on a
    /// page without `</head>` or with malformed bytes they are only reported.
    ///
    /// Off by default: a move rewrites twice as many bytes as the style sheet
    /// holds (tens of kilobytes on a MediaWiki page), far more than any repair
    /// of markup, for a page that renders the same. Select it to get
    /// validator-clean heads.
    pub struct StyleInBody {
        id: "style-in-body",
        group: Structure,
        fix: Sometimes,
        safe_fixes: false,
        default: false,
        summary: "`<style>` in the body instead of the head",
    }
}

/// The start of the `</head>` end tag that closed the head, if the page has one
/// (the parser pops the head on it while the head is the current node).
fn head_end(doc: &Document) -> Option<usize> {
    let head = doc.elements().find(|e| e.name() == "head" && e.is_html())?;
    doc.tokens()
        .iter()
        .find(|t| t.kind == TokenKind::EndTag && &*t.name == "head" && t.current() == Some(head.id))
        .map(|t| t.span.start)
}

impl Rule for StyleInBody {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        if doc.is_fragment() {
            return;
        }
        // Moving text across a page that holds malformed bytes (decoded as U+FFFD)
        // could make the bytes of the page unwritable in its own encoding: there
        // the styles are only reported.
        let head_end = head_end(doc).filter(|_| !doc.text().contains('\u{FFFD}'));
        for el in doc.elements() {
            if el.name() != "style" || !el.is_html() || el.origin() != Origin::Source {
                continue;
            }
            let mut in_body = false;
            let mut kept = false;
            for a in doc.ancestors(el.id) {
                if !a.is_html() || matches!(a.name(), "template" | "noscript" | "head") {
                    kept = true;
                    break;
                }
                if a.name() == "body" {
                    in_body = true;
                }
            }
            if kept || !in_body || el.attr("scoped").is_some() {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            let fix = head_end.and_then(|at| {
                let end = el.end_tag()?;
                if end.kind != TokenKind::EndTag
                    || end.span.start < start.span.end
                    || at > start.span.start
                {
                    return None;
                }
                let whole = Span::new(start.span.start, end.span.end);
                Some(Fix::unsafe_(vec![
                    Edit::insertion(doc.source().slice(whole), at),
                    Edit::deletion(whole),
                ]))
            });
            let d = Diagnostic::new(
                StyleInBody::META.id,
                start.span,
                "`<style>` in the body: style sheets belong in `<head>`",
            )
            .with_note("it applies to the whole page anyway, but only once the parser reaches it");
            out.push(match fix {
                Some(f) => d.with_fix("Move the `<style>` element to the end of `<head>`", f),
                None => d,
            });
        }
    }
}
