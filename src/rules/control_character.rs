use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds control characters in the page text: NUL and the C0 (U+0001–U+001F)
    /// and C1 (U+0080–U+009F) controls and DEL, except tab, line feed, carriage
    /// return and form feed.
    ///
    /// ## Why is this bad?
    /// They are invisible or shown as boxes, the HTML parser reports each one, and
    /// they usually come from a bad copy out of a word processor or database
    /// (a vertical tab for a line break, a C1 byte from a mis-decoded page).
    ///
    /// ## Example
    /// ```html
    /// <p>Total:\u{1}42</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Total: 42</p>
    /// ```
    ///
    /// ## Fix safety
    /// Removing a NUL from page text is safe: browsers drop it there anyway. Other
    /// controls stay in the document tree, so removing one (or turning it into a
    /// space between two words, so the words stay apart) is unsafe.
    pub struct ControlCharacter {
        id: "control-character",
        group: Content,
        fix: Always,
        default: true,
        summary: "NUL or C0/C1 control character in the text",
    }
}

fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// An ASCII control character other than tab, line feed, form feed and
/// carriage return: a C0 control, or DEL.
#[inline]
fn ascii_control(x: u8) -> bool {
    x < 9 || x == 0x0b || (0x0e..0x20).contains(&x) || x == 0x7f
}

/// True when the UTF-8 `b` holds a control character ([`is_control`]). The
/// ASCII ones are looked for 64 bytes at a time with a branch-free test (vector
/// compares), the C1 ones (0xC2 0x80..=0x9F) by a search for their lead byte:
/// testing for 0xC2 in the block test flagged every block with a no-break
/// space or a `©`, which were then read byte by byte.
pub(crate) fn has_control(b: &[u8]) -> bool {
    b.chunks(64)
        .any(|block| block.iter().fold(false, |a, &x| a | ascii_control(x)))
        || memchr::memchr_iter(0xc2, b)
            .any(|i| b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
}

impl Rule for ControlCharacter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        // `has_control` over the whole page, shared with `mojibake`.
        if !ctx.page_bytes().control {
            return;
        }
        for (_, tok) in doc.tokens_of(TokenKind::Text) {
            let raw = doc.source().slice(tok.span);
            // Most text tokens hold none: one byte scan passes them over.
            if !has_control(raw.as_bytes()) {
                continue;
            }
            let raw_text = tok
                .node()
                .and_then(|n| doc.element(n))
                .is_some_and(|e| html::is_raw_text(e.name()) && e.name() != "noscript");
            for (i, c) in raw.char_indices() {
                if !is_control(c) {
                    continue;
                }
                let at = tok.span.start + i;
                let span = Span::new(at, at + c.len_utf8());
                let before = text[..at].chars().next_back();
                let after = text[span.end..].chars().next();
                let joins = before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric);
                let (title, edit) = if joins {
                    ("Replace it with a space", Edit::replacement(" ", span))
                } else {
                    ("Remove it", Edit::deletion(span))
                };
                // In body text the parser drops NUL (WHATWG 13.2.6.4.7, "A character
                // token that is U+0000 NULL: parse error, ignore the token").
                let fix = if c == '\0' && !raw_text && !joins {
                    Fix::safe(vec![edit])
                } else {
                    Fix::unsafe_(vec![edit])
                };
                out.push(
                    Diagnostic::new(
                        ControlCharacter::META.id,
                        span,
                        format!("Control character U+{:04X} in the text", c as u32),
                    )
                    .with_fix(title, fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_control_finds_what_is_control_finds() {
        // Every character up to U+0200 once, at every place in a 64-byte
        // block and across a block edge, among text with no-break spaces
        // (0xC2 0xA0, whose lead byte a C1 control shares).
        let filler = "ab\u{a0}c ©\td\n";
        for c in (0..0x200).filter_map(char::from_u32) {
            for at in [0, 1, 30, 62, 63, 64, 65] {
                let mut text: String = filler.repeat(20);
                let cut = (0..=at.min(text.len()))
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                text.insert(cut, c);
                let naive = text.chars().any(is_control);
                assert_eq!(has_control(text.as_bytes()), naive, "{c:?} at {cut}");
            }
        }
    }
}
