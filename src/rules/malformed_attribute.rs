use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::tag::RawAttr;
use crate::document::TokenKind;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds attributes the tokenizer reports as malformed: no space between two
    /// attributes (`href="x"class="y"`), an unquoted value holding `"`, `'`, `=`,
    /// `<`, `>` or a backtick, a value whose inner quotes ended it early
    /// (`title="Say "hi""`), junk where an attribute should be (`<p "foo">`,
    /// `="" `), and a start tag missing its `>` (`<video src="a.mp4" </video>`).
    ///
    /// ## Why is this bad?
    /// Each is a parse error; some lose data (the rest of a title after an inner
    /// quote becomes junk attributes), and a missing `>` swallows the next tag.
    ///
    /// ## Example
    /// ```html
    /// <img alt="Logo"src="logo.png" title="The "best" logo">
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <img alt="Logo" src="logo.png" title='The "best" logo'>
    /// ```
    ///
    /// ## Fix safety
    /// Inserting the missing space and quoting an unquoted value are safe: the
    /// attributes stay the same. Re-quoting a value cut by its inner quotes,
    /// removing junk, and inserting a missing `>` change the attributes or the
    /// elements, so they are unsafe.
    pub struct MalformedAttribute {
        id: "malformed-attribute",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Missing space between attributes, bad unquoted value, junk in a tag",
    }
}

/// One attribute as the tokenizer reads it (WHATWG 13.2.5.32–13.2.5.42).
#[derive(Debug)]
struct Attr {
    name: Span,
    value: Option<Span>,
    quote: Option<u8>,
    /// Start of the whitespace before it.
    lead: usize,
    /// Past its value (and closing quote).
    end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeforeName,
    Name,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    AfterQuoted,
    SelfClosing,
}

/// Problems found while lexing one tag.
enum Issue {
    /// A quoted value ends at `at` and the next attribute starts right there.
    MissingSpace { at: usize },
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Lex the attributes of the tag `text[span]` like the tokenizer does, into
/// `attrs` and `issues` (cleared first: one pair of buffers serves every tag).
fn lex(b: &[u8], span: Span, attrs: &mut Vec<Attr>, issues: &mut Vec<Issue>) {
    attrs.clear();
    issues.clear();
    let end = span.end.saturating_sub(1);
    let mut i = span.start + 1;
    while i < end && !is_ws(b[i]) && b[i] != b'/' {
        i += 1;
    }
    let mut state = State::BeforeName;
    let mut lead = i;
    while i < end {
        let c = b[i];
        match state {
            State::BeforeName => {
                if is_ws(c) || c == b'/' {
                    if c == b'/' {
                        state = State::SelfClosing;
                    }
                } else {
                    attrs.push(Attr {
                        name: Span::new(i, i + 1),
                        value: None,
                        quote: None,
                        lead,
                        end: i + 1,
                    });
                    state = State::Name;
                }
            }
            State::Name => {
                if is_ws(c) || c == b'/' {
                    state = if c == b'/' {
                        State::SelfClosing
                    } else {
                        State::AfterName
                    };
                    lead = i;
                } else if c == b'=' {
                    state = State::BeforeValue;
                } else if let Some(a) = attrs.last_mut() {
                    a.name.end = i + 1;
                    a.end = i + 1;
                }
            }
            State::AfterName => {
                if c == b'=' {
                    state = State::BeforeValue;
                } else if c == b'/' {
                    state = State::SelfClosing;
                } else if !is_ws(c) {
                    attrs.push(Attr {
                        name: Span::new(i, i + 1),
                        value: None,
                        quote: None,
                        lead,
                        end: i + 1,
                    });
                    state = State::Name;
                }
            }
            State::BeforeValue => {
                if c == b'"' || c == b'\'' {
                    state = State::Quoted(c);
                    if let Some(a) = attrs.last_mut() {
                        a.value = Some(Span::new(i + 1, i + 1));
                        a.quote = Some(c);
                    }
                } else if !is_ws(c) {
                    state = State::Unquoted;
                    if let Some(a) = attrs.last_mut() {
                        a.value = Some(Span::new(i, i + 1));
                        a.end = i + 1;
                    }
                }
            }
            State::Quoted(q) => {
                if let Some(a) = attrs.last_mut() {
                    // Jump to the closing quote (or the tag's end): the value is
                    // everything before it.
                    let close = memchr::memchr(q, &b[i..end]).map_or(end, |k| i + k);
                    if close > i {
                        if let Some(v) = a.value.as_mut() {
                            v.end = close;
                        }
                    }
                    if close < end {
                        a.end = close + 1;
                        state = State::AfterQuoted;
                    }
                    i = close + 1;
                    continue;
                }
            }
            State::Unquoted => {
                if is_ws(c) {
                    state = State::BeforeName;
                    lead = i;
                } else if let Some(a) = attrs.last_mut() {
                    if let Some(v) = a.value.as_mut() {
                        v.end = i + 1;
                    }
                    a.end = i + 1;
                }
            }
            State::AfterQuoted => {
                if is_ws(c) {
                    state = State::BeforeName;
                    lead = i;
                } else if c == b'/' {
                    state = State::SelfClosing;
                } else {
                    issues.push(Issue::MissingSpace { at: i });
                    lead = i;
                    state = State::BeforeName;
                    continue;
                }
            }
            State::SelfClosing => {
                lead = i;
                state = State::BeforeName;
                continue;
            }
        }
        if state == State::BeforeName && is_ws(c) {
            lead = i;
        }
        i += 1;
    }
}

/// True when the tag `b[start..=end]` (`end` at its closing `>`), whose
/// attributes as [`crate::document::tag::attributes`] lexes them are `raw`,
/// has nothing to report. That lexer reads the attributes of such a tag as
/// [`lex`] does: both skip the name, whitespace and `/` alike and split names
/// at whitespace, `/` and `=`; they differ only after a quoted value that runs
/// into more text (or to the end), or for a tag opening `</`, which are not
/// clean. Every finding needs a name holding `"`, `'`, `<` or `=`, a quoted
/// value followed by something other than whitespace or `/`, or an unquoted
/// value holding a character that needs quotes: a tag with none of them is
/// passed over without lexing it again.
fn clean(b: &[u8], start: usize, end: usize, raw: &[RawAttr]) -> bool {
    if b.get(start + 1) == Some(&b'/') {
        return false;
    }
    raw.iter().all(|a| {
        let name = b.get(a.name_span.start..a.name_span.end).unwrap_or(&[]);
        if name
            .iter()
            .any(|&c| matches!(c, b'"' | b'\'' | b'<' | b'='))
        {
            return false;
        }
        let Some(v) = a.value_span else { return true };
        if a.quote.is_some() {
            // The closing quote is at `v.end`; after it the tag ends, or
            // whitespace or `/` follows.
            v.end < end
                && (v.end + 1 == end || b.get(v.end + 1).is_some_and(|&c| is_ws(c) || c == b'/'))
        } else {
            !b.get(v.start..v.end)
                .unwrap_or(&[])
                .iter()
                .any(|&c| matches!(c, b'"' | b'\'' | b'=' | b'<' | b'`'))
        }
    })
}

/// An attribute name a human meant: letters, digits, `-`, `_`, `:`, `.`.
fn plausible_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
}

impl Rule for MalformedAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        let b = text.as_bytes();
        let id = MalformedAttribute::META.id;
        let (mut attrs, mut issues) = (Vec::new(), Vec::new());
        // The shared attribute lists, walked beside the start tags: a tag they
        // show as clean is not lexed again (see `clean`).
        let mut lexed = ctx.tag_attributes().peekable();
        for (t, tok) in doc.tokens_of(TokenKind::StartTag) {
            let raw = match lexed.peek() {
                Some(&(at, raw)) if at == t => {
                    lexed.next();
                    raw
                }
                _ => &[],
            };
            if !text[tok.span.start..].starts_with('<') {
                continue;
            }
            if b.get(tok.span.end.wrapping_sub(1)) != Some(&b'>') {
                continue;
            }
            let tag_end = tok.span.end - 1;
            if clean(b, tok.span.start, tag_end, raw) {
                continue;
            }
            lex(b, tok.span, &mut attrs, &mut issues);
            let mut done_upto = 0;
            // A quoted value followed by more text without `=` up to the last quote
            // of the tag: the value's own quotes cut it short (`title="a "b" c"`).
            for a in &attrs {
                let (Some(q), Some(v)) = (a.quote, a.value) else {
                    continue;
                };
                if a.end >= tag_end || is_ws(b[a.end]) || b[a.end] == b'/' {
                    continue;
                }
                let mut stop = tag_end;
                while stop > a.end && (is_ws(b[stop - 1]) || b[stop - 1] == b'/') {
                    stop -= 1;
                }
                let rest = &text[a.end..stop];
                if rest.contains('=') || !rest.ends_with(q as char) || rest.contains('<') {
                    continue;
                }
                let inner = &text[v.start..stop - 1];
                let other = if q == b'"' { '\'' } else { '"' };
                let new = if inner.contains(other) {
                    format!("\"{}\"", inner.replace('"', "&quot;"))
                } else {
                    format!("{other}{inner}{other}")
                };
                let name = escape_for_terminal(&text[a.name.start..a.name.end]);
                let span = Span::new(v.start - 1, stop);
                out.push(
                    Diagnostic::new(
                        id,
                        span,
                        format!("The value of `{name}` is cut short by the quotes inside it"),
                    )
                    .with_fix(
                        "Quote the whole value with the other quote mark",
                        Fix::unsafe_(vec![Edit::replacement(new, span)]),
                    ),
                );
                done_upto = stop;
                break;
            }
            for issue in &issues {
                let Issue::MissingSpace { at } = *issue;
                if at < done_upto || b[at] == b'=' || b[at] == b'"' || b[at] == b'\'' {
                    continue;
                }
                out.push(
                    Diagnostic::new(id, Span::new(at, at), "No space between two attributes")
                        .with_fix("Insert a space", Fix::safe(vec![Edit::insertion(" ", at)])),
                );
            }
            let mut k = 0;
            while k < attrs.len() {
                let a = &attrs[k];
                if a.name.start < done_upto {
                    k += 1;
                    continue;
                }
                let name = &text[a.name.start..a.name.end];
                // A `<` where an attribute should start: the tag lost its `>`.
                if name.starts_with('<') {
                    let next = b.get(a.name.start + 1).copied().unwrap_or(b' ');
                    if next == b'/' || next.is_ascii_alphabetic() {
                        out.push(
                            Diagnostic::new(
                                id,
                                Span::new(a.name.start, a.name.start + 1),
                                "Start tag runs into the next tag: its `>` is missing",
                            )
                            .with_fix(
                                "Insert the missing `>`",
                                Fix::unsafe_(vec![Edit::insertion(">", a.lead)]),
                            ),
                        );
                        break;
                    }
                }
                let junk = |s: &str| s.bytes().any(|c| matches!(c, b'"' | b'\'' | b'<' | b'='));
                if !junk(name) {
                    k += 1;
                    continue;
                }
                let cleaned: String = name
                    .chars()
                    .filter(|c| !matches!(c, '"' | '\'' | '<' | '='))
                    .collect();
                // `"tabindex="0"` (a stray quote before a name with a value) is meant
                // as `tabindex="0"`; a quoted word with no value (`<p "foo">`) is junk.
                let quoted_word = name.starts_with(['"', '\'']) && a.value.is_none();
                if plausible_name(&cleaned) && !name.starts_with('=') && !quoted_word {
                    let shown = escape_for_terminal(name);
                    out.push(
                        Diagnostic::new(
                            id,
                            a.name,
                            format!("Attribute name `{shown}` holds stray quotes"),
                        )
                        .with_fix(
                            format!("Rename it to `{cleaned}`"),
                            Fix::unsafe_(vec![Edit::replacement(cleaned, a.name)]),
                        ),
                    );
                    k += 1;
                    continue;
                }
                // A run of junk attributes (`=" "`, `"`): remove them together.
                let mut j = k;
                while j + 1 < attrs.len() {
                    let n = &text[attrs[j + 1].name.start..attrs[j + 1].name.end];
                    let clean: String = n
                        .chars()
                        .filter(|c| !matches!(c, '"' | '\'' | '='))
                        .collect();
                    if junk(n) && (clean.trim().is_empty() || quoted_word) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let span = Span::new(a.lead, attrs[j].end);
                let shown: String = text[a.name.start..attrs[j].end].chars().take(40).collect();
                out.push(
                    Diagnostic::new(
                        id,
                        Span::new(a.name.start, attrs[j].end),
                        format!(
                            "Junk `{}` where an attribute should be",
                            escape_for_terminal(&shown)
                        ),
                    )
                    .with_fix("Remove the junk", Fix::unsafe_(vec![Edit::deletion(span)])),
                );
                k = j + 1;
            }
            for a in &attrs {
                let (None, Some(v)) = (a.quote, a.value) else {
                    continue;
                };
                if v.start < done_upto {
                    continue;
                }
                let value = &text[v.start..v.end];
                if !value
                    .bytes()
                    .any(|c| matches!(c, b'"' | b'\'' | b'=' | b'<' | b'`'))
                {
                    continue;
                }
                let new = if value.contains('"') {
                    if value.contains('\'') {
                        format!("\"{}\"", value.replace('"', "&quot;"))
                    } else {
                        format!("'{value}'")
                    }
                } else {
                    format!("\"{value}\"")
                };
                let name = escape_for_terminal(&text[a.name.start..a.name.end]);
                out.push(
                    Diagnostic::new(
                        id,
                        v,
                        format!("Unquoted value of `{name}` holds characters that need quotes"),
                    )
                    .with_fix(
                        "Quote the value",
                        Fix::safe(vec![Edit::replacement(new, v)]),
                    ),
                );
            }
        }
    }
}
