use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Profile, Rule, RuleMeta};
use crate::rules::charset_mismatch;
use crate::source::{EncodingSource, Span};

declare_rule! {
    /// ## What it does
    /// Finds a page written in a legacy encoding (`windows-1252`, `iso-8859-1`,
    /// `shift_jis`…) rather than UTF-8, when its bytes decode without a single
    /// malformed sequence, so the page can be converted without losing a character.
    /// Also a page served as UTF-8 (by its HTTP header, as in `tagmend corpus`)
    /// whose own declaration names a legacy encoding: only the declaration is
    /// wrong, and it becomes `utf-8` (safe: no other byte changes).
    ///
    /// ## Why is this bad?
    /// HTML requires UTF-8 (WHATWG 4.2.5.4, "the Encoding standard requires use of
    /// UTF-8"); validators report every legacy page, and tools downstream that read
    /// files as UTF-8 (most do) see each accented letter as a malformed byte. A
    /// legacy page cannot hold characters outside its code page at all.
    ///
    /// ## Example
    /// ```html
    /// <meta charset="windows-1252">
    /// <p>K\xe4se</p>   <!-- the byte E4 -->
    /// ```
    ///
    /// Use instead (the same text, in UTF-8 bytes):
    /// ```html
    /// <meta charset="utf-8">
    /// <p>Käse</p>   <!-- the bytes C3 A4 -->
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites every declaration to `utf-8` and writes the whole page in
    /// UTF-8: each non-ASCII character changes its bytes, nothing else does, and the
    /// page reads the same. Unsafe when the page holds non-ASCII characters: a
    /// server that sends a legacy `charset` in its `Content-Type` header overrides
    /// the page's own declaration, and would then show those characters as
    /// mojibake. Safe on an all-ASCII page, whose bytes are the same in both.
    /// Nothing is reported for a page whose encoding was given from outside (an
    /// HTTP header) or whose bytes do not decode cleanly (converting those would
    /// lose the malformed bytes), nor for text handed over as a string.
    pub struct LegacyEncoding {
        id: "legacy-encoding",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Page in a legacy encoding rather than UTF-8",
    }
}

/// Where `<meta charset="utf-8">` goes in a page that declares nothing: first in
/// head (after `<head ...>`, else `<html ...>`, else the doctype).
fn meta_insertion_point(doc: &Document) -> usize {
    let tokens = doc.tokens();
    let tag = |name: &str| {
        tokens
            .iter()
            .find(|t| t.kind == TokenKind::StartTag && &*t.name == name)
    };
    if let Some(t) = tag("head").or_else(|| tag("html")) {
        t.span.end
    } else {
        tokens
            .iter()
            .find(|t| t.kind == TokenKind::Doctype)
            .map_or(0, |d| d.span.end)
    }
}

impl Rule for LegacyEncoding {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let source = doc.source();
        let Some(bytes) = source.original_bytes() else {
            return;
        };
        let enc = source.encoding();
        if source.encoding_source() == EncodingSource::Given {
            served_as_utf8(doc, out);
            return;
        }
        if enc == encoding_rs::UTF_8
            || !matches!(
                source.encoding_source(),
                EncodingSource::Meta | EncodingSource::Detected
            )
            || charset_mismatch::mismatch(doc).is_some()
            || !source.malformed_sequences().is_empty()
        {
            return;
        }
        // Lossless only if the text, written back in the page's encoding, is the
        // page's bytes exactly.
        let (back, _, had_errors) = enc.encode(doc.text());
        if had_errors || *back != *bytes {
            return;
        }
        let ascii = bytes.is_ascii();
        let name = enc.name().to_ascii_lowercase();
        let declared = charset_mismatch::declarations(doc, usize::MAX);
        let (span, edits) = if source.encoding_source() == EncodingSource::Meta {
            let Some(first) = declared.first() else {
                return;
            };
            let edits: Vec<Edit> = declared
                .iter()
                .filter(|d| !d.label.eq_ignore_ascii_case("utf-8"))
                .map(|d| Edit::replacement("utf-8", d.span))
                .collect();
            (first.span, edits)
        } else {
            // Detected: the page declares nothing (or nothing the prescan found).
            if doc.is_fragment() || ctx.profile == Profile::Fragment || !declared.is_empty() {
                return;
            }
            let at = meta_insertion_point(doc);
            (
                Span::empty(at),
                vec![Edit::insertion("<meta charset=\"utf-8\">", at)],
            )
        };
        if edits.is_empty() {
            return;
        }
        let fix = if ascii {
            Fix::safe(edits)
        } else {
            Fix::unsafe_(edits)
        }
        .writing_utf8();
        let how = if source.encoding_source() == EncodingSource::Meta {
            "declares"
        } else {
            "is (by its bytes)"
        };
        out.push(
            Diagnostic::new(
                LegacyEncoding::META.id,
                span,
                format!("The page {how} `{name}`, a legacy encoding: HTML pages must be UTF-8"),
            )
            .with_note("its characters decode without loss, so the page can be written in UTF-8")
            .with_fix("Write the page in UTF-8 and declare `utf-8`", fix),
        );
    }
}

/// A page served as UTF-8 (its HTTP header) whose own declarations name a legacy
/// encoding: the bytes are UTF-8 already and read so, only the declarations are
/// wrong — a copy saved without its header would be read in the declared
/// encoding. The fix rewrites them to `utf-8`; no byte outside them changes, so
/// it is safe.
fn served_as_utf8(doc: &Document, out: &mut Vec<Diagnostic>) {
    let source = doc.source();
    if source.encoding() != encoding_rs::UTF_8 || !source.malformed_sequences().is_empty() {
        return;
    }
    let declared = charset_mismatch::declarations(doc, usize::MAX);
    let wrong: Vec<&charset_mismatch::Declaration> = declared
        .iter()
        .filter(|d| d.encoding != encoding_rs::UTF_8)
        .collect();
    let Some(first) = wrong.first() else {
        return;
    };
    let edits = wrong
        .iter()
        .map(|d| Edit::replacement("utf-8", d.span))
        .collect();
    out.push(
        Diagnostic::new(
            LegacyEncoding::META.id,
            first.span,
            format!(
                "The page declares `{}`, a legacy encoding, but is served as UTF-8",
                first.label
            ),
        )
        .with_note("its bytes are UTF-8: only the declaration is wrong")
        .with_fix("Declare `utf-8`", Fix::safe(edits)),
    );
}

#[cfg(test)]
mod tests {
    use crate::{fix_bytes, lint_bytes, Settings};

    fn settings() -> Settings {
        Settings {
            select: vec!["legacy-encoding".into()],
            ..Default::default()
        }
    }

    #[test]
    fn served_as_utf8_declaring_a_legacy_encoding() {
        let page = "<!DOCTYPE html><html><head><meta charset=\"windows-1252\"><title>t</title></head><body><p>Caf\u{e9}</p></body></html>";
        let (_, found) = lint_bytes(
            page.as_bytes().to_vec(),
            Some(encoding_rs::UTF_8),
            &settings(),
        )
        .expect("lint");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("served as UTF-8"),
            "{}",
            found[0].message
        );
        let fixed = fix_bytes(
            page.as_bytes().to_vec(),
            Some(encoding_rs::UTF_8),
            &settings(),
        )
        .expect("fix");
        assert_eq!(
            fixed.bytes,
            page.replace("windows-1252", "utf-8").into_bytes(),
            "only the declaration changes; the UTF-8 bytes stay"
        );
        let again = fix_bytes(fixed.bytes.clone(), Some(encoding_rs::UTF_8), &settings())
            .expect("fix again");
        assert_eq!(again.bytes, fixed.bytes);
    }

    #[test]
    fn served_in_a_legacy_encoding_is_left_to_the_server() {
        let page = b"<!DOCTYPE html><html><head><meta charset=\"windows-1252\"></head><body><p>Caf\xe9</p></body></html>";
        let (_, found) =
            lint_bytes(page.to_vec(), Some(encoding_rs::WINDOWS_1252), &settings()).expect("lint");
        assert!(found.is_empty());
    }
}
