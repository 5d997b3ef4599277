use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;

declare_rule! {
    /// ## What it does
    /// Finds elements placed where HTML does not allow them: a block (`<div>`,
    /// `<ul>`, `<table>`, …) inside a paragraph, which splits it; an `<li>` outside
    /// any list; a `<p>` inside a heading; a `<form>` inside another form.
    ///
    /// ## Why is this bad?
    /// The parser closes the paragraph at the block, so the paragraph's `</p>` makes
    /// an extra empty paragraph; list items outside a list lose their bullets and
    /// numbering; a paragraph in a heading makes body text part of the heading's
    /// outline; the inner form's start tag is ignored and its `</form>` closes the
    /// outer form early.
    ///
    /// ## Example
    /// ```html
    /// <p>Results:<ul><li>Yes</li></ul></p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Results:</p><ul><li>Yes</li></ul>
    /// ```
    ///
    /// ## Fix safety
    /// Only the nested form has a fix: its start tag, which the parser ignores, is
    /// removed (safe). The others need an author to decide the structure.
    pub struct InvalidNesting {
        id: "invalid-nesting",
        group: Structure,
        fix: Sometimes,
        default: true,
        summary: "Block in a paragraph, `<li>` outside a list, `<p>` in a heading, nested form",
    }
}

impl Rule for InvalidNesting {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let id = InvalidNesting::META.id;
        let tokens = doc.tokens();
        for (idx, tok) in doc.tokens_of(TokenKind::StartTag) {
            let name = &*tok.name;
            if name == "form" && tok.node().is_none() {
                let in_form = tok
                    .current()
                    .is_some_and(|c| doc.self_and_ancestors(c).any(|e| e.name() == "form"));
                if in_form {
                    out.push(
                        Diagnostic::new(id, tok.span, "`<form>` inside another form is ignored")
                            .with_fix(
                                "Remove the nested `<form>` start tag",
                                Fix::safe(vec![Edit::deletion(tok.span)]),
                            ),
                    );
                }
                continue;
            }
            if !html::is_block(name) || name == "p" {
                continue;
            }
            // A block that closed an open paragraph whose `</p>` comes after it.
            let split = tok.closed.iter().filter_map(|&c| doc.element(c)).find(|e| {
                e.name() == "p"
                    && e.origin() == Origin::Source
                    && e.end_tag().is_none()
                    && tokens[idx + 1..]
                        .iter()
                        .take_while(|t| !(t.kind == TokenKind::StartTag && &*t.name == "p"))
                        .any(|t| {
                            t.kind == TokenKind::EndTag && &*t.name == "p" && t.node().is_none()
                        })
            });
            if split.is_some() {
                out.push(Diagnostic::new(
                    id,
                    tok.span,
                    format!("`<{name}>` cannot sit in a paragraph: it closes the open `<p>`, and the later `</p>` makes an empty one"),
                ));
            }
        }
        for el in doc.elements() {
            if el.origin() != Origin::Source || !el.is_html() {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            match el.name() {
                "li" => {
                    let in_list = el
                        .parent()
                        .and_then(|p| doc.element(p))
                        .is_some_and(|p| matches!(p.name(), "ul" | "ol" | "menu"));
                    if !in_list && !doc.in_element(el.parent(), &["template"]) {
                        out.push(Diagnostic::new(
                            id,
                            start.span,
                            "`<li>` outside a list (`<ul>`, `<ol>`, `<menu>`)",
                        ));
                    }
                }
                "p" => {
                    if let Some(h) = doc
                        .ancestors(el.id)
                        .find(|a| matches!(a.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
                    {
                        out.push(Diagnostic::new(
                            id,
                            start.span,
                            format!("`<p>` inside a heading `<{}>`", h.name()),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}
