use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::{html, premature_end_tag};

declare_rule! {
    /// ## What it does
    /// Finds end tags with no open element of that name to close, including `</br>`
    /// and a `</p>` with no open paragraph.
    ///
    /// ## Why is this bad?
    /// The parser ignores most of them, but not all: browsers turn `</br>` into a
    /// line break and a lone `</p>` into an empty paragraph. Either way the markup
    /// does not say what it means, and a stray end tag often marks a cut-and-paste
    /// accident nearby.
    ///
    /// ## Example
    /// ```html
    /// <div>text</span></div>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <div>text</div>
    /// ```
    ///
    /// ## Fix safety
    /// Removing an ignored end tag is safe: the DOM does not change. `</br>` becomes
    /// `<br>`, which is what browsers render. Removing a lone `</p>` drops the empty
    /// paragraph browsers make of it, so that fix is unsafe.
    pub struct StrayEndTag {
        id: "stray-end-tag",
        group: Structure,
        fix: Always,
        default: true,
        summary: "End tag with no open element to close",
    }
}

impl Rule for StrayEndTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let early = ctx.premature_end_tags();
        for (i, tok) in doc.tokens_of(TokenKind::EndTag) {
            if tok.node().is_some() {
                continue;
            }
            // The own end tag of an element another end tag closed early:
            // `premature-end-tag` keeps it and moves or removes the early one.
            if premature_end_tag::claims_end_tag(early, i) {
                continue;
            }
            let name = &*tok.name;
            if matches!(name, "html" | "body" | "head" | "template") {
                continue;
            }
            let open = tok
                .current()
                .is_some_and(|c| doc.self_and_ancestors(c).any(|e| e.name() == name));
            if open {
                // Blocked by a special element, or closes a formatting element the
                // adoption agency handles: not stray, a nesting problem.
                continue;
            }
            if html::is_formatting(name) {
                // A formatting element closed earlier without its own end tag is
                // still active; this end tag stops it being reopened.
                let pending = doc.elements().any(|e| {
                    e.name() == name
                        && e.end_tag().is_none()
                        && e.start_tag().is_some_and(|t| t.span.end <= tok.span.start)
                });
                if pending {
                    continue;
                }
            }
            let (msg, title, fix) = match name {
                "br" => (
                    "Stray end tag `</br>`: browsers read it as a line break".to_string(),
                    "Replace it with `<br>`".to_string(),
                    Fix::safe(vec![Edit::replacement("<br>", tok.span)]),
                ),
                "p" => (
                    "Stray end tag `</p>`: no paragraph is open, so browsers insert an empty one"
                        .to_string(),
                    "Remove the stray end tag".to_string(),
                    Fix::unsafe_(vec![Edit::deletion(tok.span)]),
                ),
                _ => (
                    format!("Stray end tag `</{name}>`: no `<{name}>` is open"),
                    "Remove the stray end tag".to_string(),
                    Fix::safe(vec![Edit::deletion(tok.span)]),
                ),
            };
            out.push(Diagnostic::new(StrayEndTag::META.id, tok.span, msg).with_fix(title, fix));
        }
    }
}
