use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Origin;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds `<script>` elements with code inline (no `src`) in the body. Data
    /// blocks (`type="application/ld+json"`, templates) and scripts in the head are
    /// left alone. Off by default: select it when republishing scraped articles.
    ///
    /// ## Why is this bad?
    /// Script pasted into an article body runs with the rights of the site that
    /// republishes it: trackers, ad code, and in the worst case an injection.
    ///
    /// ## Example
    /// ```html
    /// <p>Text</p><script>document.write('<img src=//ads.example/x>')</script>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Text</p>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the script is removed with its tags; anything on the page that
    /// needed it stops working.
    pub struct InlineScript {
        id: "inline-script",
        group: Security,
        fix: Always,
        safe_fixes: false,
        default: false,
        summary: "Inline `<script>` in the body",
    }
}

/// A `type` that makes the script run (WHATWG 4.12.1: empty, a JavaScript MIME
/// type, or `module`).
fn runs(type_attr: Option<&str>) -> bool {
    let Some(t) = type_attr else { return true };
    let t = t.trim().to_ascii_lowercase();
    let essence = t.split(';').next().unwrap_or("").trim();
    essence.is_empty()
        || essence == "module"
        || matches!(
            essence,
            "text/javascript"
                | "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "text/ecmascript"
                | "text/jscript"
                | "text/livescript"
                | "text/x-javascript"
                | "text/x-ecmascript"
                | "text/javascript1.0"
                | "text/javascript1.1"
                | "text/javascript1.2"
                | "text/javascript1.3"
                | "text/javascript1.4"
                | "text/javascript1.5"
        )
}

impl Rule for InlineScript {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for e in doc.elements() {
            if e.name() != "script" || !e.is_html() || e.origin() != Origin::Source {
                continue;
            }
            if e.attr("src").is_some()
                || !runs(e.attr("type"))
                || doc.in_element(e.parent(), &["head"])
            {
                continue;
            }
            let (Some(start), Some(end)) = (e.start_tag(), e.end_tag()) else {
                continue;
            };
            let span = Span::new(start.span.start, end.span.end);
            out.push(
                Diagnostic::new(
                    InlineScript::META.id,
                    start.span,
                    "Inline `<script>` in the body",
                )
                .with_fix(
                    "Remove the script",
                    Fix::unsafe_(vec![Edit::deletion(span)]),
                ),
            );
        }
    }
}
