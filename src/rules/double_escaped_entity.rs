use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{tag, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds character references escaped twice, in text and attribute values:
    /// `&amp;nbsp;`, `&amp;amp;`, `&amp;#8217;`, `&amp;quot;`. Text in code and
    /// `<pre>` is left alone (it may show HTML source on purpose).
    ///
    /// ## Why is this bad?
    /// Readers see the reference itself (`&nbsp;`, `&#8217;`) instead of the
    /// character it stands for: the CMS escaped text that was already escaped.
    ///
    /// ## Example
    /// ```html
    /// <p>Rock &amp;amp; roll&amp;nbsp;hall</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Rock &amp; roll&nbsp;hall</p>
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix unescapes once, so the page shows the character the second
    /// escape hid. Only a `&amp;` followed by a complete reference (`name;` of a
    /// known entity, `#digits;`, `#xhex;`) counts.
    pub struct DoubleEscapedEntity {
        id: "double-escaped-entity",
        group: Content,
        fix: Always,
        default: true,
        summary: "Character reference escaped twice (`&amp;nbsp;`, `&amp;#8217;`)",
    }
}

/// Attributes whose values are data or code, not text a reader sees.
fn skip_attribute(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("data-") || n.starts_with("on") || n == "style" || n == "srcdoc" || n == "value"
}

/// Finds `&amp;`, built once.
static AMP: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("&amp;"));

/// The double-escaped references in `raw`: for each, the offset of its `&amp;`
/// and the length of the whole `&amp;…;` (extra `amp;` layers included).
fn find(raw: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = AMP.find(&raw.as_bytes()[i..]) {
        let at = i + p;
        let mut j = at + "&amp;".len();
        while raw[j..].starts_with("amp;") {
            j += "amp;".len();
        }
        // The reference the escapes hide, written with its own `&`: complete only
        // with its `;`.
        // `char_ref` reads the name or digits and the byte after them: copy
        // only that much (`#`, letters, digits and `;`), not the rest of the run.
        let tail = &raw[j..];
        let keep = tail
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'#' || b == b';'))
            .unwrap_or(tail.len());
        let hidden = format!("&{}", &tail[..keep]);
        let hidden_len = prose::char_ref(&hidden, false)
            .map(|(len, _)| len)
            .filter(|&len| hidden.as_bytes()[len - 1] == b';');
        let end = match hidden_len {
            Some(len) => j + len - 1,
            // `&amp;amp;` with no reference after it: `&amp;` escaped again.
            None if j > at + "&amp;".len() => j,
            None => {
                i = j;
                continue;
            }
        };
        out.push((at, end - at));
        i = end;
    }
    out
}

/// `&amp;amp;nbsp;` → `&amp;nbsp;`; `&amp;nbsp;` → `&nbsp;`: one layer off.
fn unescape_once(s: &str) -> String {
    format!("&{}", &s["&amp;".len()..])
}

impl Rule for DoubleEscapedEntity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        // Every `&amp;` of the page, found in one pass (they cannot overlap):
        // a run or tag holds one when one lies wholly inside its span. This
        // replaces a search of each run and tag, most of them short and
        // without one.
        let amps: Vec<usize> = AMP.find_iter(text.as_bytes()).collect();
        if amps.is_empty() {
            return;
        }
        // `amps[..k]` all start before the last span asked about: spans come
        // in source order, so `k` mostly steps on (a span further back is
        // looked up again).
        let mut k = 0;
        let mut holds_amp = |span: Span| {
            if k > 0 && amps[k - 1] >= span.start {
                k = amps.partition_point(|&a| a < span.start);
            }
            while amps.get(k).is_some_and(|&a| a < span.start) {
                k += 1;
            }
            amps.get(k).is_some_and(|&a| a + "&amp;".len() <= span.end)
        };
        let mut report = |span: Span, place: &str| {
            let raw = &text[span.start..span.end];
            let once = unescape_once(raw);
            out.push(
                Diagnostic::new(
                    DoubleEscapedEntity::META.id,
                    span,
                    format!(
                        "Double-escaped reference `{raw}` {place}: readers see `{}`",
                        &once.replace("&amp;", "&")
                    ),
                )
                .with_fix(
                    format!("Unescape to `{once}`"),
                    Fix::safe(vec![Edit::replacement(once, span)]).changing_text(),
                ),
            );
        };
        for run in ctx.text_runs() {
            if !holds_amp(run.span) || !prose::is_prose(doc, run.parent, true) {
                continue;
            }
            let raw = &text[run.span.start..run.span.end];
            for (at, len) in find(raw) {
                report(
                    Span::new(run.span.start + at, run.span.start + at + len),
                    "in the text",
                );
            }
        }
        for (_, tok) in doc.tokens_of(TokenKind::StartTag) {
            if !holds_amp(tok.span) {
                continue;
            }
            if tok
                .node()
                .is_some_and(|n| doc.in_element(Some(n), prose::CODE))
            {
                continue;
            }
            for a in tag::attributes(text, tok.span) {
                let Some(v) = a.value_span else { continue };
                if skip_attribute(a.name(text)) {
                    continue;
                }
                let raw = &text[v.start..v.end];
                for (at, len) in find(raw) {
                    report(
                        Span::new(v.start + at, v.start + at + len),
                        &format!("in the `{}` attribute", a.name(text).to_ascii_lowercase()),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_double_escapes() {
        let s = "a &amp;nbsp; b &amp;amp; c &amp;#8217; &amp;quot; &amp;amp;amp;nbsp; &amp; x &amp;bogus; &amp;#x;";
        let found: Vec<&str> = find(s).into_iter().map(|(a, l)| &s[a..a + l]).collect();
        assert_eq!(
            found,
            [
                "&amp;nbsp;",
                "&amp;amp;",
                "&amp;#8217;",
                "&amp;quot;",
                "&amp;amp;amp;nbsp;"
            ]
        );
    }
}
