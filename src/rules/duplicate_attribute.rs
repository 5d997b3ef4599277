use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds an attribute given twice on one tag.
    ///
    /// ## Why is this bad?
    /// The parser keeps the first value and drops the rest, so a later `class` or
    /// `href` the author meant is silently lost.
    ///
    /// ## Example
    /// ```html
    /// <a href="/a" class="x" href="/b">
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <a href="/a" class="x">
    /// ```
    ///
    /// ## Fix safety
    /// Safe: removing the copies the parser already ignores leaves the DOM as it is.
    pub struct DuplicateAttribute {
        id: "duplicate-attribute",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Attribute given twice on one tag",
    }
}

impl Rule for DuplicateAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        // Names compared ignoring ASCII case, without a lowercased copy each.
        let mut seen: Vec<&str> = Vec::new();
        let text = doc.text();
        for (t, attrs) in ctx.tag_attributes() {
            // Most tags have one attribute: nothing to compare.
            if attrs.len() < 2 {
                continue;
            }
            let tok = &doc.tokens()[t];
            seen.clear();
            for a in attrs {
                if seen.iter().any(|s| s.eq_ignore_ascii_case(a.name(text))) {
                    let name = a.name(text).to_ascii_lowercase();
                    out.push(
                        Diagnostic::new(
                            DuplicateAttribute::META.id,
                            a.name_span,
                            format!("Duplicate attribute `{name}` on `<{}>`: the parser keeps the first and drops this one", tok.name),
                        )
                        .with_fix("Remove the duplicate attribute", Fix::safe(vec![Edit::deletion(a.full_span)])),
                    );
                } else {
                    seen.push(a.name(text));
                }
            }
        }
    }
}
