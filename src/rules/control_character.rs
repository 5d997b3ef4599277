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

/// A byte that may begin a control character: one of the ASCII ones, or 0xC2
/// (the UTF-8 lead of U+0080..U+009F). A branch-free superset test, so a block
/// of bytes is tested with vector compares before [`control_at`] reads it.
#[inline]
pub(crate) fn may_begin_control(x: u8) -> bool {
    x < 9 || x == 0x0b || (0x0e..0x20).contains(&x) || x == 0x7f || x == 0xc2
}

/// True when the byte at `i` of `b` begins a control character: one of the
/// ASCII ones, or 0xC2 followed by 0x80..=0x9F (U+0080..U+009F).
#[inline]
pub(crate) fn control_at(b: &[u8], i: usize) -> bool {
    match b[i] {
        0..=8 | 0x0b | 0x0e..=0x1f | 0x7f => true,
        0xc2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        _ => false,
    }
}

/// True when `text` may hold a control character. A page without any has
/// nothing to find, and is passed over in one byte scan.
fn may_have_control(text: &str) -> bool {
    let b = text.as_bytes();
    // A block the superset test flags is then read byte by byte.
    b.chunks(64).enumerate().any(|(k, block)| {
        block.iter().fold(false, |a, &x| a | may_begin_control(x))
            && (k * 64..k * 64 + block.len()).any(|i| control_at(b, i))
    })
}

impl Rule for ControlCharacter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        // `may_have_control` over the whole page, shared with `mojibake`.
        if !ctx.page_bytes().control {
            return;
        }
        for (_, tok) in doc.tokens_of(TokenKind::Text) {
            let raw = doc.source().slice(tok.span);
            // Most text tokens hold none: one byte scan passes them over.
            if !may_have_control(raw) {
                continue;
            }
            let raw_text = tok
                .node
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
