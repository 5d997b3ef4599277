use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds obsolete presentational elements: `<font>`, `<center>`, `<big>`,
    /// `<strike>`, `<tt>`, `<marquee>`, `<blink>`, and `<image>` (which the parser
    /// turns into `<img>`).
    ///
    /// ## Why is this bad?
    /// They were removed from HTML. Their styling belongs in CSS, scraped copies
    /// carry them over from decades-old templates, and `<marquee>` moves text.
    ///
    /// ## Example
    /// ```html
    /// <center><font color="red">Breaking</font> news</center>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// Breaking news
    /// ```
    ///
    /// ## Fix safety
    /// Unwrapping (removing the start and end tags, keeping the content) changes
    /// how the text looks, so it is unsafe. Renaming `<image>` to `<img>` is safe:
    /// it is what the parser does.
    pub struct ObsoleteElement {
        id: "obsolete-element",
        group: Cleanup,
        fix: Always,
        default: true,
        summary: "Obsolete presentational element (`font`, `center`, `marquee`, …)",
    }
}

const OBSOLETE: &[&str] = &["font", "center", "big", "strike", "tt", "marquee", "blink"];

impl Rule for ObsoleteElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for el in doc.elements() {
            let name = el.name();
            if el.origin() != Origin::Source || !el.is_html() || !OBSOLETE.contains(&name) {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            let Some(edits) = super::unwrap_edits(el) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    ObsoleteElement::META.id,
                    start.span,
                    format!("Obsolete element `<{name}>`: use CSS instead"),
                )
                .with_fix(
                    format!("Unwrap the `<{name}>` element, keeping its content"),
                    Fix::unsafe_(edits),
                ),
            );
        }
        // `<image>` is renamed by the tree builder (WHATWG 13.2.6.4.7, "A start tag
        // whose tag name is "image""), so only the token still says so.
        for (_, tok) in doc.tokens_of(TokenKind::StartTag) {
            if &*tok.name != "image" {
                continue;
            }
            // In SVG, `<image>` is SVG's own element and keeps its name.
            let foreign = tok
                .node()
                .and_then(|n| doc.element(n))
                .is_some_and(|e| !e.is_html());
            if !foreign {
                let name_span = Span::new(tok.span.start + 1, tok.span.start + 6);
                if !doc.source().slice(name_span).eq_ignore_ascii_case("image") {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        ObsoleteElement::META.id,
                        tok.span,
                        "Obsolete element `<image>`: browsers read it as `<img>`",
                    )
                    .with_fix(
                        "Rename it to `<img>`",
                        Fix::safe(vec![Edit::replacement("img", name_span)]),
                    ),
                );
            }
        }
    }
}
