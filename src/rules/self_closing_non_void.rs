use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;

declare_rule! {
    /// ## What it does
    /// Finds self-closing syntax on HTML elements that are not void: `<td/>`,
    /// `<div />`, `<p/>`.
    ///
    /// ## Why is this bad?
    /// HTML ignores the `/`: `<div />` opens a `div` that swallows everything after
    /// it until something closes it. The author meant an empty element.
    ///
    /// ## Example
    /// ```html
    /// <div class="spacer" /><p>Text</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <div class="spacer"></div><p>Text</p>
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the element is empty anyway (the parser closed it before any
    /// content but whitespace); otherwise unsafe, since content that was inside it
    /// moves out.
    pub struct SelfClosingNonVoid {
        id: "self-closing-non-void",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Self-closing `/>` on an element that is not void",
    }
}

impl Rule for SelfClosingNonVoid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        for (_, tok) in doc.tokens_of(TokenKind::StartTag) {
            if !tok.self_closing || html::is_void(&tok.name) {
                continue;
            }
            let Some(el) = tok.node().and_then(|n| doc.element(n)) else {
                continue;
            };
            if !el.is_html() {
                continue;
            }
            let raw = &text[tok.span.start..tok.span.end];
            let Some(slash) = raw.rfind('/') else {
                continue;
            };
            let mut cut = slash;
            while cut > 0 && raw.as_bytes()[cut - 1].is_ascii_whitespace() {
                cut -= 1;
            }
            let name = &*tok.name;
            let edit = Edit::replacement(
                format!(">{}", format_args!("</{name}>")),
                crate::source::Span::new(tok.span.start + cut, tok.span.end),
            );
            // Whitespace the parser put in before closing it renders the same
            // outside the element.
            let empty = el.children().iter().all(|&c| {
                doc.text_of(c)
                    .is_some_and(|t| t.bytes().all(|b| b.is_ascii_whitespace()))
            });
            let fix = if empty {
                Fix::safe(vec![edit])
            } else {
                Fix::unsafe_(vec![edit])
            };
            out.push(
                Diagnostic::new(
                    SelfClosingNonVoid::META.id,
                    tok.span,
                    format!("`<{name}/>` is not self-closing in HTML: the `/` is ignored and the element stays open"),
                )
                .with_fix(format!("Write `<{name}></{name}>`"), fix),
            );
        }
    }
}
