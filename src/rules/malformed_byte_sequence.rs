use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds bytes that are not valid in the page's encoding: a Latin-1 `é`
    /// (`E9`) pasted into a UTF-8 page, a truncated multi-byte character, a stray
    /// byte in a GBK page. Browsers show each such sequence as U+FFFD (`�`).
    ///
    /// ## Why is this bad?
    /// The reader sees `caf�` where the writer meant `café`, validators reject the
    /// page, and tools that read the file strictly refuse it.
    ///
    /// ## Example
    /// ```html
    /// <p>Caf\xE9 au lait</p>   <!-- a UTF-8 page holding the Latin-1 byte E9 -->
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Café au lait</p>
    /// ```
    ///
    /// ## Fix safety
    /// In a UTF-8 page, bytes that read as letters or punctuation in Windows-1252
    /// (the usual source of such bytes) are decoded that way; the guess changes the
    /// text, so the fix is unsafe. Otherwise each sequence becomes `&#xFFFD;`,
    /// exactly the `�` a browser shows, in bytes every encoding can hold: that fix
    /// is safe. Sequences inside `<script>` or `<style>` are only reported, and so
    /// are all of them when the page is probably misdeclared (its bytes are valid
    /// UTF-8 under another declared encoding, or over a tenth of its non-ASCII
    /// characters are malformed): a right declaration would show them as text.
    pub struct MalformedByteSequence {
        id: "malformed-byte-sequence",
        group: Content,
        fix: Sometimes,
        default: true,
        summary: "Bytes not valid in the page's encoding, shown as `�`",
    }
}

/// Whether the text at `offset` is raw text (`<script>`, `<style>`), where a
/// character reference would not be decoded.
fn in_raw_text(doc: &Document, offset: usize) -> bool {
    let tokens = doc.tokens();
    let i = tokens.partition_point(|t| t.span.start <= offset);
    let Some(tok) = i.checked_sub(1).map(|i| &tokens[i]) else {
        return false;
    };
    tok.kind == TokenKind::Text
        && tok.span.contains(offset)
        && tok
            .node()
            .and_then(|n| doc.element(n))
            .is_some_and(|e| html::is_raw_text(e.name()) && e.name() != "noscript")
}

/// The characters Windows-1252 gives `bytes`, when all are letters or
/// punctuation (no controls, none of the five bytes it leaves undefined) and
/// the bytes are no truncated UTF-8 character.
fn windows_1252(bytes: &[u8]) -> Option<String> {
    // A lead byte with its continuation bytes is a UTF-8 character cut short
    // (`E2 82` of `€`), not Latin-1 text.
    if let [lead, rest @ ..] = bytes {
        if *lead >= 0xC2 && !rest.is_empty() && rest.iter().all(|b| (0x80..=0xBF).contains(b)) {
            return None;
        }
    }
    let (s, had_errors) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    (!had_errors && s.chars().all(|c| !c.is_control() && !c.is_ascii())).then(|| s.into_owned())
}

fn malformed_at(spans: &[(Span, Vec<u8>)], at: usize) -> bool {
    spans.binary_search_by(|(s, _)| s.start.cmp(&at)).is_ok()
}

impl Rule for MalformedByteSequence {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let source = doc.source();
        let spans = source.malformed_sequences();
        if spans.is_empty() {
            return;
        }
        let text = source.text();
        let utf8 = source.encoding() == encoding_rs::UTF_8;
        // Bytes that are valid UTF-8 under another declared encoding, or many
        // malformed sequences, mean a wrong declaration (`charset-mismatch`):
        // rewriting the sequences would destroy text a right declaration shows.
        let body = source.original_bytes().unwrap_or_default();
        let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
        let misdeclared = (!utf8 && std::str::from_utf8(body).is_ok())
            || (spans.len() >= 20 && spans.len() * 10 > non_ascii);
        // Adjacent sequences (`E9 E8`) make one finding.
        let mut groups: Vec<(Span, Vec<u8>)> = Vec::new();
        for (span, bytes) in &spans {
            match groups.last_mut() {
                Some((g, b)) if g.end == span.start => {
                    *g = Span::new(g.start, span.end);
                    b.extend_from_slice(bytes);
                }
                _ => groups.push((*span, bytes.clone())),
            }
        }
        for (span, bytes) in groups {
            let shown: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
            let mut d = Diagnostic::new(
                MalformedByteSequence::META.id,
                span,
                format!(
                    "Bytes `{}` are not valid {}: the page shows `\u{FFFD}`",
                    shown.join(" "),
                    source.encoding().name()
                ),
            );
            if misdeclared {
                out.push(d.with_note(format!(
                    "{} such sequences: the page is probably not {}; see `charset-mismatch`",
                    spans.len(),
                    source.encoding().name()
                )));
                continue;
            }
            if in_raw_text(doc, span.start) {
                out.push(d);
                continue;
            }
            let guess = if utf8 { windows_1252(&bytes) } else { None };
            d = if guess.is_some() {
                // The whole word is the edit (with every malformed sequence in
                // it), so the text guard sees `caf�` become `café` rather than a
                // word lost.
                let part = |c: char, at: usize| {
                    c.is_alphanumeric() || (c == '\u{FFFD}' && malformed_at(&spans, at))
                };
                let mut start = span.start;
                for (i, c) in text[..span.start].char_indices().rev() {
                    if !part(c, i) {
                        break;
                    }
                    start = i;
                }
                let mut end = span.end;
                for (i, c) in text[span.end..].char_indices() {
                    if !part(c, span.end + i) {
                        break;
                    }
                    end = span.end + i + c.len_utf8();
                }
                let mut word = String::new();
                let mut ok = true;
                for (i, c) in text[start..end].char_indices() {
                    let at = start + i;
                    match spans.binary_search_by(|(s, _)| s.start.cmp(&at)) {
                        Ok(k) => match windows_1252(&spans[k].1) {
                            Some(chars) => word.push_str(&chars),
                            None => ok = false,
                        },
                        Err(_) => word.push(c),
                    }
                }
                if ok {
                    d.with_fix(
                        format!("Read the bytes as Windows-1252: `{word}`"),
                        Fix::unsafe_(vec![Edit::replacement(word, Span::new(start, end))])
                            .changing_text(),
                    )
                } else {
                    d
                }
            } else {
                let refs = "&#xFFFD;".repeat(text[span.start..span.end].chars().count());
                d.with_fix(
                    "Write the `\u{FFFD}` the browser shows as `&#xFFFD;`",
                    Fix::safe(vec![Edit::replacement(refs, span)]),
                )
            };
            out.push(d);
        }
    }
}
