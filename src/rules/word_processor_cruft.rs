use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{tag, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds markup Microsoft Word and Outlook leave when text is pasted into a
    /// CMS: `Mso…` classes (`class="MsoNormal"`), `mso-` declarations in `style`
    /// attributes, `<o:p>` elements, conditional comments for Office
    /// (`<!--[if gte mso 9]>…<![endif]-->`) and Word's list markers
    /// (`<![if !supportLists]>`, `<![endif]>`).
    ///
    /// ## Why is this bad?
    /// None of it means anything to a browser; it bloats the page, and the
    /// classes and `mso-` styles override the site's stylesheet in odd ways.
    ///
    /// ## Example
    /// ```html
    /// <p class="MsoNormal" style="mso-margin-top-alt:auto;color:red">Text<o:p></o:p></p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p style="color:red">Text</p>
    /// ```
    ///
    /// ## Fix safety
    /// Removing `<o:p>` tags (their content stays) and the comments is safe: no
    /// browser renders them. Editing `class` and `style` is unsafe: a site's CSS
    /// may target `.MsoNormal`.
    pub struct WordProcessorCruft {
        id: "word-processor-cruft",
        group: Cleanup,
        fix: Always,
        default: true,
        summary: "Word/Outlook markup: `Mso` classes, `mso-` styles, `<o:p>`, Office conditional comments",
    }
}

fn is_mso_class(token: &str) -> bool {
    token.starts_with("Mso")
}

/// Split a raw style value into declarations at `;` outside quotes, brackets and
/// character references (`font-family:&quot;Times New Roman&quot;`).
fn declarations(raw: &str) -> Vec<&str> {
    let b = raw.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<u8> = None;
    let mut depth = 0_i32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'&' => {
                    let len = b[i + 1..]
                        .iter()
                        .take(32)
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
                        .count();
                    if b.get(i + 1 + len) == Some(&b';') {
                        i += len + 2;
                        continue;
                    }
                }
                b';' if depth <= 0 => {
                    out.push(&raw[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push(&raw[start..]);
    out
}

fn is_mso_declaration(decl: &str) -> bool {
    decl.trim_start()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("mso-"))
}

/// An Office-only conditional comment, or one of Word's bare list markers.
fn is_office_comment(raw: &str) -> bool {
    // Each form starts `<![` or `<!--[`: test that before copying the comment.
    if !(raw.starts_with("<![") || raw.starts_with("<!--[")) {
        return false;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("<!--[if") && lower.ends_with("<![endif]-->") {
        let cond = lower[7..].split(']').next().unwrap_or("");
        return cond
            .split_whitespace()
            .any(|w| matches!(w.trim_start_matches('!'), "mso" | "vml" | "supportfields"));
    }
    lower == "<![endif]>" || (lower.starts_with("<![if !support") && lower.ends_with("]>"))
}

/// Finds `Mso` (a Word class), built once.
static MSO: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("Mso"));

/// Finds `mso` and `o:p` in bytes with bit 5 set (see `check`), built once.
static MSO_FOLDED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("mso"));
static O_P: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("o:p"));

impl Rule for WordProcessorCruft {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        let id = WordProcessorCruft::META.id;
        // Most pages hold no Word markup at all: two searches of the page say
        // so, where testing each start tag and element would not. With bit 5
        // set on every byte, `Mso`, `mso-` in any case and `o:p` in any case
        // all hold these lowercase needles (other bytes may turn into them
        // too: a hit only sends the page on to the exact tests below, a miss
        // is exact).
        let folded: Vec<u8> = text.bytes().map(|b| b | 0x20).collect();
        let word_tags = MSO_FOLDED.find(&folded).is_some();
        let word_elements = O_P.find(&folded).is_some();
        // Comments and start tags, in source order: the only tokens that matter.
        let mut comments = doc.token_positions(TokenKind::Comment).peekable();
        let mut start_tags = doc
            .token_positions(TokenKind::StartTag)
            .take(if word_tags { usize::MAX } else { 0 })
            .peekable();
        let positions = std::iter::from_fn(|| match (comments.peek(), start_tags.peek()) {
            (Some(&c), Some(&s)) if s < c => start_tags.next(),
            (Some(_), _) => comments.next(),
            (None, _) => start_tags.next(),
        });
        for i in positions {
            let tok = &doc.tokens()[i];
            let raw = &text[tok.span.start..tok.span.end];
            match tok.kind {
                TokenKind::Comment if is_office_comment(raw) => {
                    out.push(
                        Diagnostic::new(id, tok.span, "Office conditional comment or list marker")
                            .with_fix(
                                "Remove the comment",
                                Fix::safe(vec![Edit::deletion(tok.span)]),
                            ),
                    );
                }
                TokenKind::StartTag
                    if MSO.find(raw.as_bytes()).is_some()
                        || tag::contains_ignore_ascii_case(raw, "mso-") =>
                {
                    for a in tag::attributes(text, tok.span) {
                        let Some(v) = a.value_span else { continue };
                        let value = &text[v.start..v.end];
                        let name = a.name(text).to_ascii_lowercase();
                        let (kept, removed): (Vec<&str>, Vec<&str>) = match name.as_str() {
                            "class" => value
                                .split_ascii_whitespace()
                                .partition(|t| !is_mso_class(t)),
                            "style" => declarations(value)
                                .into_iter()
                                .partition(|d| !is_mso_declaration(d)),
                            _ => continue,
                        };
                        if removed.is_empty() {
                            continue;
                        }
                        let (message, title) = if name == "class" {
                            (
                                format!("Word class `{}` on `<{}>`", removed.join(" "), tok.name),
                                "Remove the `Mso` classes",
                            )
                        } else {
                            (
                                format!("Word `mso-` style declarations on `<{}>`", tok.name),
                                "Remove the `mso-` declarations",
                            )
                        };
                        let kept: Vec<&str> =
                            kept.into_iter().filter(|k| !k.trim().is_empty()).collect();
                        let edit = if kept.is_empty() {
                            Edit::deletion(a.full_span)
                        } else if name == "class" {
                            Edit::replacement(kept.join(" "), v)
                        } else {
                            Edit::replacement(
                                kept.iter().map(|k| k.trim()).collect::<Vec<_>>().join(";"),
                                v,
                            )
                        };
                        out.push(
                            Diagnostic::new(id, a.name_span, message)
                                .with_fix(title, Fix::unsafe_(vec![edit])),
                        );
                    }
                }
                _ => {}
            }
        }
        if !word_elements {
            return;
        }
        for e in doc.elements() {
            if e.name() != "o:p" || e.origin() != Origin::Source {
                continue;
            }
            let Some(start) = e.start_tag() else {
                continue;
            };
            let Some(edits) = super::unwrap_edits(e) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    id,
                    Span::new(start.span.start, start.span.end),
                    "Word `<o:p>` element",
                )
                .with_fix(
                    "Remove the `<o:p>` tags, keeping their content",
                    Fix::safe(edits),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_declarations_around_references() {
        let d = declarations(
            "font-family:&quot;Times New Roman&quot;;mso-bidi-font-size:12pt; color: red",
        );
        assert_eq!(
            d,
            [
                "font-family:&quot;Times New Roman&quot;",
                "mso-bidi-font-size:12pt",
                " color: red"
            ]
        );
    }

    #[test]
    fn office_comments() {
        assert!(is_office_comment(
            "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]-->"
        ));
        assert!(is_office_comment("<![if !supportLists]>"));
        assert!(is_office_comment("<![endif]>"));
        assert!(!is_office_comment(
            "<!--[if lt IE 9]><script src=x></script><![endif]-->"
        ));
        assert!(!is_office_comment("<!-- mso note -->"));
    }
}
