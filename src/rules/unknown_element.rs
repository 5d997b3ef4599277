use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Origin;
use crate::fix::Fix;
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;

declare_rule! {
    /// ## What it does
    /// Finds elements HTML does not define and that are not custom elements:
    /// `<kas>`, `<svgicon>`, `<teaser>` — made-up names from a site's templates
    /// or components, left behind when the page was scraped.
    ///
    /// ## Why is this bad?
    /// A browser renders an unknown element as an unstyled inline box
    /// (`HTMLUnknownElement`): once the site's CSS and scripts are gone it means
    /// nothing, and validators reject it wherever it stands, along with whatever
    /// it contains (a `<div>` inside an unknown inline element). Custom elements
    /// are valid only with a hyphen in the name (`<my-widget>`), and they are left
    /// alone, as are SVG and MathML content and prefixed names such as `<o:p>`
    /// (see `word-processor-cruft`).
    ///
    /// ## Example
    /// ```html
    /// <p>Rates rose <kas>by 2%</kas> in May.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Rates rose by 2% in May.</p>
    /// ```
    ///
    /// ## Fix safety
    /// Unwrapping the element (removing its start and end tags, keeping its
    /// content) keeps every word, but styles or scripts that select the element by
    /// name stop applying, so the fix is unsafe.
    pub struct UnknownElement {
        id: "unknown-element",
        group: Cleanup,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Element HTML does not define (`<kas>`, `<teaser>`) and no custom element",
    }
}

/// Names the parser or older specs know that [`html::ELEMENTS`] leaves out.
const ALSO_KNOWN: &[&str] = &[
    "bgsound",
    "content",
    "element",
    "image",
    "isindex",
    "keygen",
    "listing",
    "math",
    "menuitem",
    "multicol",
    "nextid",
    "noembed",
    "noframes",
    "plaintext",
    "rb",
    "rtc",
    "selectedcontent",
    "shadow",
    "slot",
    "spacer",
    "svg",
    "xmp",
];

/// True when [`html::is_element`] knows `name` or [`ALSO_KNOWN`] holds it. Asked
/// for every element of the page: a lowercase name is looked up among the few
/// known names of its first letter and length, not by a binary search over all.
fn is_known(name: &str) -> bool {
    /// Known names by first letter (`a`..=`z`) and length (16 and more share
    /// the last slot).
    static BY_LETTER_AND_LEN: std::sync::LazyLock<Vec<Vec<&'static str>>> =
        std::sync::LazyLock::new(|| {
            let mut table = vec![Vec::new(); 26 * 17];
            for &k in html::ELEMENTS.iter().chain(ALSO_KNOWN) {
                if let Some(slot) = slot(k) {
                    table[slot].push(k);
                }
            }
            table
        });
    fn slot(name: &str) -> Option<usize> {
        let first = *name.as_bytes().first()?;
        first
            .is_ascii_lowercase()
            .then(|| usize::from(first - b'a') * 17 + name.len().min(16))
    }
    match slot(name) {
        Some(s) => BY_LETTER_AND_LEN[s].contains(&name),
        None => html::is_element(name) || ALSO_KNOWN.contains(&name),
    }
}

impl Rule for UnknownElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for el in doc.elements() {
            let name = el.name();
            if el.origin() != Origin::Source
                || !el.is_html()
                || name.contains(['-', ':'])
                || !name.bytes().all(|b| b.is_ascii_alphanumeric())
                || is_known(name)
            {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            let Some(edits) = super::unwrap_edits(el) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    UnknownElement::META.id,
                    start.span,
                    format!("Unknown element `<{name}>`: HTML does not define it"),
                )
                .with_fix(
                    format!("Unwrap the `<{name}>` element, keeping its content"),
                    Fix::unsafe_(edits),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{html, is_known, ALSO_KNOWN};

    #[test]
    fn lookup_matches_the_lists() {
        for &k in html::ELEMENTS.iter().chain(ALSO_KNOWN) {
            assert!(is_known(k), "{k}");
        }
        for k in [
            "kas", "teaser", "dvi", "sectionx", "a1", "h7", "", "Div", "zz",
        ] {
            assert_eq!(
                is_known(k),
                html::is_element(k) || ALSO_KNOWN.contains(&k),
                "{k}"
            );
        }
    }
}
