use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::invalid_character_reference::RefIssue;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds a `&` meant as a literal ampersand that the parser reads as the start of
    /// a character reference: `AT&T;` (no reference named `&T;`), `&#foo` (no
    /// digits), `&notice` in text (decoded as `¬ice`), `?a=1&copy` at the end of a
    /// URL (decoded as `©`). A bare `& ` is fine in HTML and is left alone; only
    /// what the parser reports or decodes counts.
    ///
    /// ## Why is this bad?
    /// The parser reports an error, and where it decodes a reference the reader (or
    /// the browser following a link) gets a different character than was written.
    ///
    /// ## Example
    /// ```html
    /// <p>Research &notice-boards at AT&T;</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Research &amp;notice-boards at AT&amp;T;</p>
    /// ```
    ///
    /// ## Fix safety
    /// Escaping the `&` as `&amp;` is safe where the parser keeps the text as written
    /// (`AT&T;`, `&#foo`). Where the parser decodes a reference (`&notice`), escaping
    /// changes the text shown, back to what the author typed: unsafe.
    pub struct UnescapedAmpersand {
        id: "unescaped-ampersand",
        group: Content,
        fix: Always,
        default: true,
        summary: "`&` that the parser reads as a broken character reference",
    }
}

impl Rule for UnescapedAmpersand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        let id = UnescapedAmpersand::META.id;
        for issue in ctx.char_ref_issues().iter().cloned() {
            let amp = issue.amp();
            let (shown_end, msg, safe) = match issue {
                RefIssue::UnknownNamed { end, .. } => {
                    (end, "is not a character reference: escape the `&`", true)
                }
                RefIssue::NoDigits { amp } => (
                    (amp + 2).min(text.len()),
                    "starts a numeric character reference with no digits",
                    true,
                ),
                RefIssue::Misdecoded { name_end, .. } => (
                    name_end,
                    "is decoded as a character reference, though the `&` looks literal",
                    false,
                ),
                _ => continue,
            };
            let shown: String = text[amp..shown_end].chars().take(30).collect();
            let edit = Edit::replacement("&amp;", Span::new(amp, amp + 1));
            let fix = if safe {
                Fix::safe(vec![edit])
            } else {
                Fix::unsafe_(vec![edit]).changing_text()
            };
            out.push(
                Diagnostic::new(
                    id,
                    Span::new(amp, shown_end),
                    format!("`{}` {msg}", escape_for_terminal(&shown)),
                )
                .with_fix("Escape the `&` as `&amp;`", fix),
            );
        }
    }
}
