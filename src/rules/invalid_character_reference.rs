use markup5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds character references the parser reports as broken but still decodes:
    /// a named one without its `;` (`&nbsp`, `&copy2024`), a numeric one without
    /// its `;` (`&#160x`), and numeric ones naming no valid character (`&#0;`,
    /// `&#x110000;`, surrogates such as `&#xD800;`, and `&#150;`-style C1 codes that
    /// browsers map to Windows-1252 punctuation).
    ///
    /// ## Why is this bad?
    /// Each is a parse error, and the result depends on what follows: `&copy2024`
    /// shows `©2024`, but `&copy=2` inside a URL does not decode. Invalid code
    /// points show as `�`.
    ///
    /// ## Example
    /// ```html
    /// <footer>&copy 2024 Example&nbsp</footer>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <footer>&copy; 2024 Example&nbsp;</footer>
    /// ```
    ///
    /// ## Fix safety
    /// Completing the `;`, and writing an invalid numeric reference as the character
    /// browsers show for it (`&#150;` → `&#x2013;`, `&#0;` → `&#xFFFD;`), are safe:
    /// the page shows the same text. References to control characters and
    /// noncharacters are reported without a fix. A `&` that only looks like a
    /// reference (`AT&T;`, `&notice`) is `unescaped-ampersand`'s.
    pub struct InvalidCharacterReference {
        id: "invalid-character-reference",
        group: Content,
        fix: Sometimes,
        default: true,
        summary: "Character reference without `;`, or naming no valid character",
    }
}

/// A character reference problem found in raw page text or an attribute value.
#[derive(Clone, Debug)]
pub(crate) enum RefIssue {
    /// `&copy 2024`: a named reference decoded without its `;`.
    MissingSemicolon { amp: usize, name_end: usize },
    /// `&#160x`: a numeric reference without its `;`.
    NumericMissingSemicolon { amp: usize, digits_end: usize },
    /// `&#0;`, `&#x110000;`, `&#150;`: the replacement the browser shows, if any.
    NumericInvalid {
        span: Span,
        value: u32,
        replacement: Option<String>,
    },
    /// `&foo;`: no such named reference.
    UnknownNamed { amp: usize, end: usize },
    /// `&#x;`, `&#foo`: `&#` with no digits.
    NoDigits { amp: usize },
    /// `&notice`, `&copy=2` in text, `?a&copy` in a URL: a `&` meant literally that
    /// the parser decodes as a reference.
    Misdecoded { amp: usize, name_end: usize },
}

impl RefIssue {
    pub(crate) fn amp(&self) -> usize {
        match self {
            RefIssue::MissingSemicolon { amp, .. }
            | RefIssue::NumericMissingSemicolon { amp, .. }
            | RefIssue::UnknownNamed { amp, .. }
            | RefIssue::NoDigits { amp }
            | RefIssue::Misdecoded { amp, .. } => *amp,
            RefIssue::NumericInvalid { span, .. } => span.start,
        }
    }
}

fn is_url_attr(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "href"
            | "src"
            | "action"
            | "formaction"
            | "data"
            | "poster"
            | "cite"
            | "srcset"
            | "content"
    )
}

/// The longest named reference `s` starts with, as the tokenizer matches it
/// (WHATWG 13.2.5.73 "named character reference state"): its length.
fn longest_named(s: &str) -> Option<usize> {
    let mut best = None;
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        match NAMED_ENTITIES.get(&s[..end]) {
            Some(&(a, _)) => {
                if a != 0 {
                    best = Some(end);
                }
            }
            None => break,
        }
        if c == ';' {
            break;
        }
    }
    best
}

/// Scan `text[span]` (page text when `attr` is `None`, else an attribute value
/// with its name) for character reference problems.
pub(crate) fn scan(text: &str, span: Span, attr: Option<&str>, out: &mut Vec<RefIssue>) {
    let b = text.as_bytes();
    let mut i = span.start;
    while i < span.end {
        // Only a `&` starts a reference: jump to the next one.
        match memchr::memchr(b'&', &b[i..span.end]) {
            Some(k) => i += k,
            None => break,
        }
        let amp = i;
        i += 1;
        if b.get(i) == Some(&b'#') {
            let mut j = i + 1;
            let hex = matches!(b.get(j), Some(b'x' | b'X'));
            if hex {
                j += 1;
            }
            let digits_start = j;
            while j < span.end
                && (if hex {
                    b[j].is_ascii_hexdigit()
                } else {
                    b[j].is_ascii_digit()
                })
            {
                j += 1;
            }
            if j == digits_start {
                out.push(RefIssue::NoDigits { amp });
                continue;
            }
            let digits = &text[digits_start..j];
            let value = u32::from_str_radix(digits, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
            let semicolon = j < span.end && b[j] == b';';
            let end = if semicolon { j + 1 } else { j };
            let replacement = match value {
                0 | 0xD800..=0xDFFF | 0x11_0000.. => Some(Some("&#xFFFD;".to_string())),
                0x80..=0x9F => Some(
                    C1_REPLACEMENTS
                        .get((value - 0x80) as usize)
                        .copied()
                        .flatten()
                        .map(|c| format!("&#x{:X};", c as u32)),
                ),
                0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => Some(None),
                v if v & 0xFFFE == 0xFFFE => Some(None),
                _ => None,
            };
            match replacement {
                Some(replacement) => out.push(RefIssue::NumericInvalid {
                    span: Span::new(amp, end),
                    value,
                    replacement,
                }),
                None if !semicolon => {
                    out.push(RefIssue::NumericMissingSemicolon { amp, digits_end: j });
                }
                None => {}
            }
            i = end;
            continue;
        }
        let mut j = i;
        while j < span.end && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == i {
            continue;
        }
        let with_semicolon = j < span.end && b[j] == b';';
        let candidate = &text[i..if with_semicolon { j + 1 } else { j }];
        match longest_named(candidate) {
            Some(len) if candidate[..len].ends_with(';') => {}
            Some(len) => {
                let name_end = i + len;
                let next = match attr {
                    Some(_) if name_end >= span.end => b'"',
                    _ => b.get(name_end).copied().unwrap_or(b' '),
                };
                match attr {
                    // Attributes: `&copy=` and `&copyx` stay as written, no error
                    // (WHATWG: "for historical reasons").
                    Some(_) if next.is_ascii_alphanumeric() || next == b'=' => {}
                    Some(name) if is_url_attr(name) => {
                        out.push(RefIssue::Misdecoded { amp, name_end });
                    }
                    None if next.is_ascii_alphabetic() || next == b'=' => {
                        out.push(RefIssue::Misdecoded { amp, name_end });
                    }
                    _ => out.push(RefIssue::MissingSemicolon { amp, name_end }),
                }
            }
            None if with_semicolon => out.push(RefIssue::UnknownNamed { amp, end: j + 1 }),
            None => {}
        }
        i = j;
    }
}

/// Every character reference problem of the page, in source order (attribute
/// values read from the context's shared attribute list).
pub(crate) fn find(ctx: &Context<'_>) -> Vec<RefIssue> {
    let doc = ctx.doc;
    let text = doc.text();
    let mut out = Vec::new();
    for run in ctx.text_runs() {
        // `scan` acts only at a `&`: most runs have none, so test for one
        // before looking up the parent element.
        if text
            .get(run.span.start..run.span.end)
            .is_none_or(|t| memchr::memchr(b'&', t.as_bytes()).is_none())
        {
            continue;
        }
        let raw = run.parent.and_then(|n| doc.element(n)).is_some_and(|e| {
            html::is_raw_text(e.name()) && !matches!(e.name(), "textarea" | "title")
        });
        if !raw {
            scan(text, run.span, None, &mut out);
        }
    }
    for (t, attrs) in ctx.tag_attributes() {
        let tok = &doc.tokens()[t];
        // `scan` acts only at a `&`: a tag without one has nothing to find.
        if text
            .get(tok.span.start..tok.span.end)
            .is_some_and(|t| memchr::memchr(b'&', t.as_bytes()).is_some())
        {
            for a in attrs {
                if let Some(v) = a.value_span {
                    scan(text, v, Some(a.name(text)), &mut out);
                }
            }
        }
    }
    out.sort_by_key(RefIssue::amp);
    out
}

impl Rule for InvalidCharacterReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        let id = InvalidCharacterReference::META.id;
        for issue in ctx.char_ref_issues().iter().cloned() {
            match issue {
                RefIssue::MissingSemicolon { amp, name_end } => {
                    let name = escape_for_terminal(&text[amp..name_end]);
                    out.push(
                        Diagnostic::new(
                            id,
                            Span::new(amp, name_end),
                            format!("Character reference `{name}` has no `;`"),
                        )
                        .with_fix(
                            "Add the `;`",
                            Fix::safe(vec![Edit::insertion(";", name_end)]),
                        ),
                    );
                }
                RefIssue::NumericMissingSemicolon { amp, digits_end } => {
                    let name = &text[amp..digits_end];
                    out.push(
                        Diagnostic::new(
                            id,
                            Span::new(amp, digits_end),
                            format!("Character reference `{name}` has no `;`"),
                        )
                        .with_fix(
                            "Add the `;`",
                            Fix::safe(vec![Edit::insertion(";", digits_end)]),
                        ),
                    );
                }
                RefIssue::NumericInvalid {
                    span,
                    value,
                    replacement,
                } => {
                    let raw = &text[span.start..span.end];
                    let d = Diagnostic::new(
                        id,
                        span,
                        format!(
                            "Character reference `{raw}` names no valid character (U+{value:04X})"
                        ),
                    );
                    out.push(match replacement {
                        Some(r) => d.with_fix(
                            format!("Write the character browsers show: `{r}`"),
                            Fix::safe(vec![Edit::replacement(r, span)]),
                        ),
                        None => d,
                    });
                }
                _ => {}
            }
        }
    }
}
