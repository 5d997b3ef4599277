use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds markup the parser turns into a comment although it is not one:
    /// processing instructions (`<?xml …?>`, `<?php … ?>` leftovers), `<! x>`,
    /// `<![CDATA[…]]>` outside SVG and MathML, and `</ x>`-style end tags.
    ///
    /// ## Why is this bad?
    /// HTML has no processing instructions: the parser reports an error and keeps
    /// the text up to the first `>` as a comment, so a `>` inside (`<?php if ($a > 1) ?>`)
    /// leaks the rest onto the page. An `<?xml?>` declaration is left over from an
    /// SVG file pasted into the page.
    ///
    /// ## Example
    /// ```html
    /// <span class="icon"><?xml version="1.0" encoding="UTF-8"?><svg>…</svg></span>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <span class="icon"><svg>…</svg></span>
    /// ```
    ///
    /// ## Fix safety
    /// An `<?xml …?>` declaration is removed and any other bogus comment is
    /// rewritten as the real comment the parser makes of it (`<?php x ?>` becomes
    /// `<!--?php x ?-->`): both are safe, the page shows the same thing. Spaced end
    /// tags that are tag debris (`</ td>`) are left to `tag-debris`.
    pub struct BogusComment {
        id: "bogus-comment",
        group: Cleanup,
        fix: Always,
        default: true,
        summary: "Processing instruction or other markup the parser reads as a comment",
    }
}

impl Rule for BogusComment {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let debris = ctx.debris();
        for (_, tok) in doc.tokens_of(TokenKind::Comment) {
            let raw = doc.source().slice(tok.span);
            if raw.starts_with("<!--") || !raw.starts_with('<') || !raw.ends_with('>') {
                continue;
            }
            if debris.iter().any(|d| d.span.overlaps(tok.span)) {
                continue;
            }
            // The comment's data: after `<!` or `</` (for `<!x>`, `<![CDATA[`, `</ x>`)
            // or after `<` (for `<?x>`), up to the `>` (WHATWG 13.2.5.41 "bogus comment
            // state").
            let body = raw.strip_suffix('>').unwrap_or(raw);
            let data = if raw.starts_with("<!") || raw.starts_with("</") {
                body.get(2..).unwrap_or("")
            } else {
                body.get(1..).unwrap_or("")
            };
            let shown: String = raw.chars().take(50).collect();
            let shown = escape_for_terminal(&shown);
            let xml_decl = raw
                .get(..6)
                .is_some_and(|p| p.eq_ignore_ascii_case("<?xml "));
            let (msg, title, fix) = if xml_decl {
                (
                    format!(
                        "XML declaration `{shown}` in HTML: the parser reads it as a bogus comment"
                    ),
                    "Remove the XML declaration".to_string(),
                    Some(Fix::safe(vec![Edit::deletion(tok.span)])),
                )
            } else {
                let fits = !data.contains("--") && !data.ends_with('-') && !data.starts_with('>');
                (
                    format!("`{shown}` is not a comment, but the parser reads it as one"),
                    "Write it as a real comment".to_string(),
                    fits.then(|| {
                        Fix::safe(vec![Edit::replacement(format!("<!--{data}-->"), tok.span)])
                    }),
                )
            };
            let d = Diagnostic::new(BogusComment::META.id, tok.span, msg);
            out.push(match fix {
                Some(f) => d.with_fix(title, f),
                None => d,
            });
        }
    }
}
