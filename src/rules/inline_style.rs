use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds `style` attributes. Off by default: select it when the page's
    /// look should come from the site's own stylesheet only.
    ///
    /// ## Why is this bad?
    /// Inline styles copied from another site or a word processor fight the
    /// stylesheet of the page they are pasted into (fonts, colours, fixed widths
    /// that overflow on phones).
    ///
    /// ## Example
    /// ```html
    /// <p style="font-family: Calibri; font-size: 11pt">Text</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Text</p>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the attribute is removed, and with it anything it did on purpose
    /// (hiding an element, an image's size).
    pub struct InlineStyle {
        id: "inline-style",
        group: Cleanup,
        fix: Always,
        safe_fixes: false,
        default: false,
        summary: "Inline `style` attribute",
    }
}

impl Rule for InlineStyle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        for (t, attrs) in ctx.tag_attributes() {
            let tok = &doc.tokens()[t];
            for a in attrs {
                if !a.name(text).eq_ignore_ascii_case("style") {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        InlineStyle::META.id,
                        a.name_span,
                        format!("Inline `style` attribute on `<{}>`", tok.name),
                    )
                    .with_fix(
                        "Remove the `style` attribute",
                        Fix::unsafe_(vec![Edit::deletion(a.full_span)]),
                    ),
                );
            }
        }
    }
}
