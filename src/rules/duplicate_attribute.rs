use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{tag, TokenKind};
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
        for tok in doc.tokens() {
            if tok.kind != TokenKind::StartTag {
                continue;
            }
            // Attributes are separated by any whitespace or `/` (WHATWG 13.2.5.32,
            // 13.2.5.40), so a tag without either has at most one attribute.
            let raw = doc.source().slice(tok.span);
            if !raw
                .bytes()
                .skip(1)
                .any(|b| b.is_ascii_whitespace() || b == b'/')
            {
                continue;
            }
            let attrs = tag::attributes(doc.text(), tok.span);
            let mut seen: Vec<String> = Vec::new();
            for a in attrs {
                let name = a.name.to_ascii_lowercase();
                if seen.contains(&name) {
                    out.push(
                        Diagnostic::new(
                            DuplicateAttribute::META.id,
                            a.name_span,
                            format!("Duplicate attribute `{name}` on `<{}>`: the parser keeps the first and drops this one", tok.name),
                        )
                        .with_fix("Remove the duplicate attribute", Fix::safe(vec![Edit::deletion(a.full_span)])),
                    );
                } else {
                    seen.push(name);
                }
            }
        }
    }
}
