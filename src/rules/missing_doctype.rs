use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Profile, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds whole documents (a page with `<html>`, `<head>` or `<body>` tags, not a
    /// fragment) that do not start with `<!DOCTYPE html>`, or that start with a
    /// legacy doctype (HTML 4.01, XHTML 1.0).
    ///
    /// ## Why is this bad?
    /// Without the HTML doctype browsers render the page in quirks mode (legacy
    /// layout rules: table fonts, box sizes, line heights), and a legacy doctype
    /// selects quirks or limited-quirks mode. Validators and the HTML parser report
    /// both.
    ///
    /// ## Example
    /// ```html
    /// <html><head><title>News</title></head><body>…</body></html>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <!DOCTYPE html>
    /// <html><head><title>News</title></head><body>…</body></html>
    /// ```
    ///
    /// ## Fix safety
    /// Inserting `<!DOCTYPE html>` at the start is safe: the document tree does not
    /// change (a page that relied on quirks-mode layout renders in standards mode,
    /// which is what the page's authors test with today). Replacing a legacy doctype
    /// is unsafe: a page written for it may depend on its rendering mode.
    /// Fragments (no doctype, `<html>`, `<head>` or `<body>` tag, or the
    /// `fragment` profile) are never reported.
    pub struct MissingDoctype {
        id: "missing-doctype",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Whole document without `<!DOCTYPE html>`",
    }
}

/// True for `<!DOCTYPE html>` and `<!DOCTYPE html SYSTEM "about:legacy-compat">`,
/// the two doctypes that raise no parse error (WHATWG 13.1.1).
fn is_html_doctype(raw: &str) -> bool {
    let inner = raw
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_ascii_lowercase();
    let words: Vec<&str> = inner.split_ascii_whitespace().collect();
    match words.as_slice() {
        ["!doctype", "html"] => true,
        ["!doctype", "html", "system", id] => {
            id.trim_matches(|c| c == '"' || c == '\'') == "about:legacy-compat"
        }
        _ => false,
    }
}

impl Rule for MissingDoctype {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        if doc.is_fragment() || ctx.profile == Profile::Fragment {
            return;
        }
        let tokens = doc.tokens();
        match doc.tokens_of(TokenKind::Doctype).next().map(|(_, t)| t) {
            None => {
                let first = tokens
                    .iter()
                    .find(|t| {
                        !(t.kind == TokenKind::Text && doc.source().slice(t.span).trim().is_empty())
                    })
                    .map_or(Span::empty(0), |t| t.span);
                // After leading comments and whitespace would do too, but the start
                // of the file is where every reader looks for it.
                out.push(
                    Diagnostic::new(
                        MissingDoctype::META.id,
                        first,
                        "Document has no `<!DOCTYPE html>`: browsers render it in quirks mode",
                    )
                    .with_fix(
                        "Insert `<!DOCTYPE html>` at the start",
                        Fix::safe(vec![Edit::insertion("<!DOCTYPE html>\n", 0)]),
                    ),
                );
            }
            Some(t) => {
                let raw = doc.source().slice(t.span);
                if is_html_doctype(raw) {
                    return;
                }
                let shown: String = raw.chars().take(60).collect();
                out.push(
                    Diagnostic::new(
                        MissingDoctype::META.id,
                        t.span,
                        format!(
                            "Legacy doctype `{}`: not `<!DOCTYPE html>`, so browsers may use a legacy rendering mode",
                            escape_for_terminal(&shown)
                        ),
                    )
                    .with_fix(
                        "Replace it with `<!DOCTYPE html>`",
                        Fix::unsafe_(vec![Edit::replacement("<!DOCTYPE html>", t.span)]),
                    ),
                );
            }
        }
    }
}
