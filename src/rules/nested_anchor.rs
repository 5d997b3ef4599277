use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds a link started inside another link, `<a href="/a">x <a href="/b">y</a></a>`.
    ///
    /// ## Why is this bad?
    /// Links cannot nest: the parser closes the outer link at the inner `<a>` (a
    /// parse error), so the text after the inner link is no longer part of the
    /// outer one, and the last `</a>` closes nothing.
    ///
    /// ## Example
    /// ```html
    /// <a href="/story">Read the story <a href="/author">by Ana</a></a>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <a href="/story">Read the story</a> <a href="/author">by Ana</a>
    /// ```
    ///
    /// ## Fix safety
    /// `</a>` is inserted before the inner `<a>`, where the parser closes the outer
    /// link anyway: safe when the outer link is the innermost open element there,
    /// unsafe otherwise (elements open inside it are closed too).
    pub struct NestedAnchor {
        id: "nested-anchor",
        group: Structure,
        fix: Always,
        default: true,
        summary: "`<a>` inside another `<a>`",
    }
}

impl Rule for NestedAnchor {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for (_, tok) in doc.tokens_of(TokenKind::StartTag) {
            if &*tok.name != "a" {
                continue;
            }
            let Some(outer) = tok
                .closed
                .iter()
                .filter_map(|&c| doc.element(c))
                .find(|e| e.name() == "a" && e.is_html() && e.origin() == Origin::Source)
            else {
                continue;
            };
            let Some(outer_start) = outer.start_tag() else {
                continue;
            };
            let (line, _) = doc.source().line_col(outer_start.span.start);
            let edit = Edit::insertion("</a>", tok.span.start);
            let fix = if tok.current() == Some(outer.id) {
                Fix::safe(vec![edit])
            } else {
                Fix::unsafe_(vec![edit])
            };
            out.push(
                Diagnostic::new(
                    NestedAnchor::META.id,
                    tok.span,
                    format!("`<a>` inside the link opened on line {line}: links cannot nest"),
                )
                .with_fix("Close the outer link before this one", fix),
            );
        }
    }
}
