use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::debris::Kind;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds broken tags that the browser shows as text: end tags that lost their
    /// `</` (`td>`, `tr >`, `h2>`, `li >`, `td />`), tags with a space after `<`
    /// (`< td >`, `< th scope ="col">`, `</ td>`), and tags a CMS escaped into the
    /// copy (`&lt;/td&gt;`).
    ///
    /// ## Why is this bad?
    /// Readers see `td >` in the article, and the element it should have closed or
    /// opened is missing: cells are pushed out of their table, later paragraphs
    /// pour into a list item or a heading.
    ///
    /// ## Example
    /// ```html
    /// <tr>< td >Maritime Surveillance <td>Coastal defense td > tr >
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <tr><td>Maritime Surveillance <td>Coastal defense</td></tr>
    /// ```
    ///
    /// ## Fix safety
    /// Restoring the tag is safe when the context proves it: the element an end tag
    /// names is open, or a cell starts inside a row. Other start tags are restored
    /// and debris that closes nothing is removed as unsafe fixes. Only HTML element
    /// names count; prose such as `a -> b` or `x > y` is never touched, and a
    /// one-letter name (`p>`) only counts when that element is open.
    pub struct TagDebris {
        id: "tag-debris",
        group: Debris,
        fix: Always,
        default: true,
        summary: "Broken tag shown as text (`td>`, `< td >`, `&lt;/td&gt;`)",
    }
}

impl Rule for TagDebris {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text().as_bytes();
        for d in ctx.debris() {
            let raw = escape_for_terminal(doc.source().slice(d.span));
            let restored = d.restored();
            // A tag that lost its `</` leaves a space where it was glued to the text
            // (`Crime</a></li>` reads `Crime</a> li>`). One lone space before the
            // debris goes with it: trailing space before the end of a cell, item,
            // paragraph or heading is never rendered, so nothing visible changes.
            let lone_space = d.kind == Kind::LostEndSlash
                && d.span.start >= 2
                && text[d.span.start - 1] == b' '
                && !text[d.span.start - 2].is_ascii_whitespace();
            let edit_span = if lone_space {
                Span::new(d.span.start - 1, d.span.end)
            } else {
                d.span
            };
            let (title, fix) = match d.kind {
                k if k.is_end() => {
                    if d.target.is_some() {
                        (
                            format!("Restore the `{restored}` end tag"),
                            Fix::safe(vec![Edit::replacement(restored, edit_span)]),
                        )
                    } else {
                        (
                            "Remove the tag debris".to_string(),
                            Fix::unsafe_(vec![Edit::deletion(edit_span)]),
                        )
                    }
                }
                _ => {
                    let edit = Edit::replacement(restored.clone(), d.span);
                    let fix = if d.fits_context {
                        Fix::safe(vec![edit])
                    } else {
                        Fix::unsafe_(vec![edit])
                    };
                    (format!("Restore the `{restored}` start tag"), fix)
                }
            };
            let what = match d.kind {
                Kind::LostEndSlash => "an end tag that lost its `</`",
                Kind::SpacedStart => "a start tag with a space after `<`",
                Kind::SpacedEnd => "an end tag with a space inside",
                Kind::EscapedStart | Kind::EscapedEnd => "a tag escaped into the text",
            };
            out.push(
                Diagnostic::new(
                    TagDebris::META.id,
                    d.span,
                    format!("Tag debris `{raw}` is shown as text: {what}"),
                )
                .with_fix(title, fix.changing_text()),
            );
        }
    }
}
