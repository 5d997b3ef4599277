//! A small lexer for one tag's source text, giving each attribute's span. It
//! follows the WHATWG tokenizer's attribute states (13.2.5.32–13.2.5.39).

use crate::source::Span;

/// One attribute as written in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAttr {
    /// Span of the name (as written, not lowercased: see [`RawAttr::name`]).
    pub name_span: Span,
    /// Span of the value without quotes (empty at the name's end when absent).
    pub value_span: Option<Span>,
    /// The quote used, if any.
    pub quote: Option<char>,
    /// Span from the whitespace before the attribute to the end of its value.
    pub full_span: Span,
}

impl RawAttr {
    /// The name as written (not lowercased), read from the page text `text`
    /// the attribute was lexed from. A slice, not a copy kept per attribute:
    /// a page has tens of thousands of attributes and few rules read names.
    #[must_use]
    pub fn name<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.name_span.start..self.name_span.end)
            .unwrap_or("")
    }
}

/// True when `hay` contains `needle` (ASCII lowercase) ignoring ASCII case: the
/// same answer as `hay.to_ascii_lowercase().contains(needle)`, without the copy.
#[must_use]
pub fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    // Candidates are the first byte in either case, found with memchr.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), h).any(|i| {
        h[i].to_ascii_lowercase() == first
            && h.get(i + 1..i + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(rest))
    })
}

/// Lex the attributes of the tag whose text is `text[span]`.
#[must_use]
pub fn attributes(text: &str, span: Span) -> Vec<RawAttr> {
    let mut out = Vec::new();
    attributes_into(text, span, &mut out);
    out
}

/// [`attributes`], appended to `out` (one list for many tags, without a
/// vector for each).
pub(crate) fn attributes_into(text: &str, span: Span, out: &mut Vec<RawAttr>) {
    let b = text.as_bytes();
    let end = if b.get(span.end.wrapping_sub(1)) == Some(&b'>') {
        span.end - 1
    } else {
        span.end
    };
    let mut i = span.start + 1;
    if b.get(i) == Some(&b'/') {
        i += 1;
    }
    while i < end && !is_ws(b[i]) && b[i] != b'/' {
        i += 1;
    }
    loop {
        let ws_start = i;
        while i < end && (is_ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= end {
            break;
        }
        let name_start = i;
        // The first character may be `=` (an error, but part of the name).
        i += 1;
        while i < end && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'=' {
            i += 1;
        }
        let name_end = i;
        let mut j = i;
        while j < end && is_ws(b[j]) {
            j += 1;
        }
        let (value_span, quote) = if j < end && b[j] == b'=' {
            j += 1;
            while j < end && is_ws(b[j]) {
                j += 1;
            }
            if j < end && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                let ve = memchr::memchr(q, &b[vs..end]).map_or(end, |p| vs + p);
                i = (ve + 1).min(end);
                (Some(Span::new(vs, ve)), Some(q as char))
            } else {
                let vs = j;
                while j < end && !is_ws(b[j]) {
                    j += 1;
                }
                i = j;
                (Some(Span::new(vs, j)), None)
            }
        } else {
            (None, None)
        };
        let full_end = value_span.map_or(name_end, |v| {
            if quote.is_some() {
                (v.end + 1).min(end)
            } else {
                v.end
            }
        });
        out.push(RawAttr {
            name_span: Span::new(name_start, name_end),
            value_span,
            quote,
            full_span: Span::new(ws_start, full_end),
        });
        if i <= name_start {
            i = name_start + 1;
        }
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_attributes() {
        let t = r#"<a href="x" class='y' data-z=1 hidden>"#;
        let a = attributes(t, Span::new(0, t.len()));
        let names: Vec<_> = a.iter().map(|a| a.name(t)).collect();
        assert_eq!(names, ["href", "class", "data-z", "hidden"]);
        assert_eq!(&t[a[0].full_span.start..a[0].full_span.end], r#" href="x""#);
        assert_eq!(
            &t[a[2].value_span.unwrap().start..a[2].value_span.unwrap().end],
            "1"
        );
        assert_eq!(a[3].value_span, None);
    }
}
