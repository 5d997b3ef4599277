use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose;

declare_rule! {
    /// ## What it does
    /// Finds `href`, `src`, `action`, `formaction` and `xlink:href` values that are
    /// `javascript:` URLs, the way a browser reads them: character references
    /// decoded, leading spaces and control characters skipped, tabs and newlines
    /// inside ignored, case ignored (`JaVa&#x09;script:`, `&#106;avascript:`).
    ///
    /// ## Why is this bad?
    /// Following the link or loading the resource runs script: dead code in a
    /// scraped page, an injection in a hostile one.
    ///
    /// ## Example
    /// ```html
    /// <a href="javascript:void(0)" class="share">Share</a>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <a class="share">Share</a>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the attribute is removed, so the element stops being a link (or
    /// stops loading anything); a page whose script reads the attribute breaks.
    pub struct JavascriptUrl {
        id: "javascript-url",
        group: Security,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "`javascript:` URL in `href`, `src`, `action` or `formaction`",
    }
}

const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href"];

/// True when the decoded attribute value is a `javascript:` URL (WHATWG URL
/// parsing strips leading C0 controls and spaces and removes tabs and newlines).
pub(crate) fn is_javascript_url(value: &str) -> bool {
    let cleaned: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(11)
        .collect();
    cleaned.eq_ignore_ascii_case("javascript:")
}

impl Rule for JavascriptUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        let b = text.as_bytes();
        for (t, attrs) in ctx.tag_attributes() {
            for a in attrs {
                let Some(v) = a.value_span else { continue };
                // Decoded and trimmed, the value starts with `j`: written as a
                // literal `j`/`J` or as a reference, after bytes up to a space.
                let first = b
                    .get(v.start..v.end)
                    .and_then(|value| value.iter().copied().find(|&c| c > b' '));
                if !matches!(first, Some(b'j' | b'J' | b'&')) {
                    continue;
                }
                let name = a.name(text).to_ascii_lowercase();
                if !URL_ATTRIBUTES.contains(&name.as_str()) {
                    continue;
                }
                let tok = &doc.tokens()[t];
                let value: String = prose::decode(text, v, true).iter().map(|c| c.c).collect();
                if !is_javascript_url(&value) {
                    continue;
                }
                let shown = escape_for_terminal(&value.trim().chars().take(60).collect::<String>());
                out.push(
                    Diagnostic::new(
                        JavascriptUrl::META.id,
                        v,
                        format!(
                            "`{name}` on `<{}>` is a `javascript:` URL: `{shown}`",
                            tok.name
                        ),
                    )
                    .with_fix(
                        format!("Remove the `{name}` attribute"),
                        Fix::unsafe_(vec![Edit::deletion(a.full_span)]),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_javascript_url;

    #[test]
    fn reads_urls_like_a_browser() {
        assert!(is_javascript_url("javascript:void(0)"));
        assert!(is_javascript_url("  JaVa\tScRipt:alert(1)"));
        assert!(is_javascript_url("\u{1}java\nscript:x"));
        assert!(!is_javascript_url("/javascript:x"));
        assert!(!is_javascript_url("https://example.com/?javascript:"));
        assert!(!is_javascript_url("javascript"));
    }
}
