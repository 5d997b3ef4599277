use std::collections::HashMap;

use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{tag, Origin};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds an `id` used by more than one element of the page.
    ///
    /// ## Why is this bad?
    /// `#fragment` links, `<label for>`, ARIA references and scripts find only the
    /// first element with the id; the others are unreachable. Pages glued from
    /// several snippets (two share bars, two copies of a widget) often repeat ids.
    ///
    /// ## Example
    /// ```html
    /// <h2 id="notes">Notes</h2> … <aside id="notes">…</aside>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <h2 id="notes">Notes</h2> … <aside id="notes-aside">…</aside>
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which element keeps the id, and what links and scripts expect,
    /// needs the author.
    pub struct DuplicateId {
        id: "duplicate-id",
        group: Structure,
        fix: None,
        default: true,
        summary: "The same `id` on more than one element",
    }
}

impl Rule for DuplicateId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let mut first: HashMap<&str, usize> = HashMap::new();
        for el in doc.elements() {
            if el.origin() != Origin::Source {
                continue;
            }
            let Some(id) = el.attr("id") else { continue };
            if id.is_empty() {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            // The first use's offset; its line is looked up only for a duplicate.
            let Some(&first_at) = first.get(id) else {
                first.insert(id, start.span.start);
                continue;
            };
            let line = doc.source().line_col(first_at).0;
            let span = tag::attributes(doc.text(), start.span)
                .into_iter()
                .find(|a| a.name(doc.text()).eq_ignore_ascii_case("id"))
                .map_or(start.span, |a| {
                    crate::source::Span::new(a.name_span.start, a.full_span.end)
                });
            let shown: String = id.chars().take(60).collect();
            out.push(Diagnostic::new(
                DuplicateId::META.id,
                span,
                format!(
                    "Duplicate id `{}`: line {line} uses it already",
                    escape_for_terminal(&shown)
                ),
            ));
        }
    }
}
