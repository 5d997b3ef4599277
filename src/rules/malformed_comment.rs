use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds comments the HTML parser reports as malformed: an empty comment closed
    /// too early (`<!-->`, `<!--->`), one closed with `--!>`, one holding a nested
    /// `<!--` (a broken conditional comment such as `<!--<![endif]-->` inside another
    /// one), and a comment never closed, which hides the rest of the page.
    ///
    /// ## Why is this bad?
    /// Each is a parse error, and an unclosed comment swallows everything after it:
    /// the article simply disappears.
    ///
    /// ## Example
    /// ```html
    /// <!--[if lte IE 8]><link href="ie.css" rel="stylesheet"><!--<![endif]-->
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <!--[if lte IE 8]><link href="ie.css" rel="stylesheet"><![endif]-->
    /// ```
    ///
    /// ## Fix safety
    /// Rewriting `<!-->` as `<!---->` and `--!>` as `-->` is safe: the comment is the
    /// same. Removing a nested `<!--` only changes the comment's hidden text, so it
    /// is safe too. Where an unclosed comment was meant to end is a guess, so
    /// closing it after its first line is only shown, never applied.
    pub struct MalformedComment {
        id: "malformed-comment",
        group: Cleanup,
        fix: Always,
        default: true,
        summary: "Comment the parser reports as malformed, or never closed",
    }
}

impl Rule for MalformedComment {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let tokens = doc.tokens();
        for (idx, tok) in doc.tokens_of(TokenKind::Comment) {
            let raw = doc.source().slice(tok.span);
            if !raw.starts_with("<!--") {
                continue;
            }
            let base = tok.span.start;
            if raw == "<!-->" || raw == "<!--->" {
                out.push(
                    Diagnostic::new(
                        MalformedComment::META.id,
                        tok.span,
                        format!("Empty comment `{raw}` is closed too early"),
                    )
                    .with_fix(
                        "Write it as `<!---->`",
                        Fix::safe(vec![Edit::replacement("<!---->", tok.span)]),
                    ),
                );
                continue;
            }
            // A comment token at the end of the input that does not end in `-->`
            // was cut off by the end of the file (WHATWG "eof-in-comment").
            let last = tokens.get(idx + 1).is_none_or(|t| t.kind == TokenKind::Eof);
            let closed = raw.len() >= 7 && (raw.ends_with("-->") || raw.ends_with("--!>"));
            if !closed && last {
                let body = &raw[4..];
                let first_line = body.find('\n').map(|i| base + 4 + i);
                let line_end = first_line.map(|at| {
                    let mut at = at;
                    let b = doc.text().as_bytes();
                    while at > base + 4 && matches!(b[at - 1], b'\r' | b' ' | b'\t') {
                        at -= 1;
                    }
                    at
                });
                let d = Diagnostic::new(
                    MalformedComment::META.id,
                    Span::new(base, base + 4),
                    "Comment is never closed: it hides the rest of the page",
                );
                out.push(match line_end {
                    Some(at) if body[at - base - 4..].trim().contains('<') => d.with_fix(
                        "Close the comment at the end of its first line",
                        Fix::display_only(vec![Edit::insertion(" -->", at)]),
                    ),
                    _ => d,
                });
                continue;
            }
            if raw.ends_with("--!>") {
                let end = tok.span.end;
                out.push(
                    Diagnostic::new(
                        MalformedComment::META.id,
                        Span::new(end - 4, end),
                        "Comment closed with `--!>` instead of `-->`",
                    )
                    .with_fix(
                        "Close it with `-->`",
                        Fix::safe(vec![Edit::replacement("-->", Span::new(end - 4, end))]),
                    ),
                );
            }
            // Nested `<!--` (WHATWG "nested-comment"): the parser reports it unless
            // a `>` follows at once (`<!--[if IE]><!-->` is fine).
            let mut from = 4;
            while let Some(p) = raw[from..].find("<!--") {
                let at = from + p;
                from = at + 4;
                if raw[at + 4..].starts_with('>') || at + 4 >= raw.len() {
                    continue;
                }
                let span = Span::new(base + at, base + at + 4);
                out.push(
                    Diagnostic::new(
                        MalformedComment::META.id,
                        span,
                        "Nested `<!--` inside a comment",
                    )
                    .with_fix(
                        "Remove the nested `<!--`",
                        Fix::safe(vec![Edit::deletion(span)]),
                    ),
                );
            }
        }
    }
}
