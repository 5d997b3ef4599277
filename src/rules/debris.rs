//! Finding tag debris: broken tags the tokenizer read as text. Shared by
//! `tag-debris` (which repairs it) and the structural rules (which wait for it).

use crate::document::{Document, NodeId, TokenKind};
use crate::rules::html;
use crate::source::Span;

/// What kind of broken tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An end tag that lost its `</`: `td>`, `tr >`, `td />`.
    LostEndSlash,
    /// A start tag with a space after `<`: `< td >`.
    SpacedStart,
    /// An end tag with a space inside: `< /td>`, `</ td>` (a bogus comment).
    SpacedEnd,
    /// A start tag escaped into text: `&lt;td&gt;`.
    EscapedStart,
    /// An end tag escaped into text: `&lt;/td&gt;`.
    EscapedEnd,
}

impl Kind {
    pub(crate) fn is_end(self) -> bool {
        matches!(
            self,
            Kind::LostEndSlash | Kind::SpacedEnd | Kind::EscapedEnd
        )
    }
}

/// One piece of debris.
#[derive(Clone, Debug)]
pub(crate) struct Debris {
    pub span: Span,
    pub kind: Kind,
    /// Lowercase element name.
    pub name: String,
    /// Attributes of a start tag: name and the value with its quote.
    pub attrs: Vec<(String, Option<(String, char)>)>,
    /// For end tags: the open element it would close.
    pub target: Option<NodeId>,
    /// Index of the token holding it.
    pub token: usize,
    /// Start tag debris where the context expects that element (a cell in a row).
    pub fits_context: bool,
    /// The text run holds nothing but debris and whitespace.
    pub alone: bool,
    /// Lost-`</` debris right after a sentence and before the next tag
    /// (`…gerecht zu werden." p >` then `<p>`): debris even when nothing is open.
    pub ends_text: bool,
    /// Kept only because of where it sits (first in a text run right after a tag,
    /// or an escaped end tag glued to a word): debris only if its element is open.
    pub needs_target: bool,
}

impl Debris {
    /// The tag it stands for.
    pub(crate) fn restored(&self) -> String {
        if self.kind.is_end() {
            return format!("</{}>", self.name);
        }
        let mut s = format!("<{}", self.name);
        for (n, v) in &self.attrs {
            s.push(' ');
            s.push_str(n);
            if let Some((v, q)) = v {
                let q = if *q == '\0' {
                    if v.contains('"') {
                        '\''
                    } else {
                        '"'
                    }
                } else {
                    *q
                };
                s.push('=');
                s.push(q);
                s.push_str(v);
                s.push(q);
            }
        }
        s.push('>');
        s
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

fn name_at(b: &[u8], i: usize) -> Option<(String, usize)> {
    let mut j = i;
    while j < b.len() && b[j].is_ascii_alphanumeric() {
        j += 1;
    }
    if j == i || !b[i].is_ascii_alphabetic() {
        return None;
    }
    let raw = std::str::from_utf8(&b[i..j]).ok()?;
    // Mixed case like `Td` is prose more often than a tag.
    if raw != raw.to_ascii_lowercase() && raw != raw.to_ascii_uppercase() {
        return None;
    }
    let name = raw.to_ascii_lowercase();
    html::is_element(&name).then_some((name, j))
}

type Attrs = Vec<(String, Option<(String, char)>)>;

/// Attributes up to `close` (`>` or `&gt;`); returns them and the index of `close`.
fn attrs_until(b: &[u8], mut i: usize, escaped: bool) -> Option<(Attrs, usize, bool)> {
    let mut attrs = Vec::new();
    let mut saw_eq = false;
    let limit = (i + 600).min(b.len());
    loop {
        i = skip_ws(b, i);
        if i >= limit {
            return None;
        }
        if escaped && b[i..].starts_with(b"&gt;") {
            return Some((attrs, i, saw_eq));
        }
        if !escaped && b[i] == b'>' {
            return Some((attrs, i, saw_eq));
        }
        if b[i] == b'/' {
            let j = skip_ws(b, i + 1);
            if (!escaped && b.get(j) == Some(&b'>')) || (escaped && b[j..].starts_with(b"&gt;")) {
                return Some((attrs, j, saw_eq));
            }
            return None;
        }
        let ns = i;
        while i < limit
            && !is_ws(b[i])
            && !matches!(b[i], b'=' | b'>' | b'<' | b'"' | b'\'' | b'/' | b'&')
        {
            i += 1;
        }
        if i == ns {
            return None;
        }
        let name = std::str::from_utf8(&b[ns..i]).ok()?.to_ascii_lowercase();
        if !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
        {
            return None;
        }
        let j = skip_ws(b, i);
        if b.get(j) == Some(&b'=') {
            saw_eq = true;
            let k = skip_ws(b, j + 1);
            let (q, qlen): (char, usize) = if escaped && b[k..].starts_with(b"&quot;") {
                ('"', 6)
            } else if !escaped && matches!(b.get(k), Some(b'"' | b'\'')) {
                (b[k] as char, 1)
            } else {
                ('\0', 0)
            };
            let vs = k + qlen;
            let ve;
            if qlen == 0 {
                let mut e = vs;
                while e < limit
                    && !is_ws(b[e])
                    && b[e] != b'>'
                    && !(escaped && b[e..].starts_with(b"&gt;"))
                {
                    e += 1;
                }
                ve = e;
                i = e;
            } else {
                let close: &[u8] = if qlen == 6 { b"&quot;" } else { &b[k..=k] };
                let rel = b[vs..limit].windows(close.len()).position(|w| w == close)?;
                ve = vs + rel;
                i = ve + close.len();
            }
            let value = std::str::from_utf8(&b[vs..ve]).ok()?.to_string();
            if value.contains('<') || value.contains('>') {
                return None;
            }
            attrs.push((name, Some((value, q))));
        } else {
            attrs.push((name, None));
            i = j.max(i);
        }
    }
}

/// Find debris in the raw text of one text token (or a bogus comment).
fn scan_text(text: &str, base: usize, token: usize, out: &mut Vec<Debris>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'<' {
            // `< td ...>`, `< /td>`, `</ td>`
            let j = skip_ws(b, i + 1);
            let slash = b.get(j) == Some(&b'/');
            let k = if slash { skip_ws(b, j + 1) } else { j };
            let spaced = j > i + 1 || k > j + 1;
            if spaced {
                if let Some((name, after)) = name_at(b, k) {
                    if let Some((attrs, close, saw_eq)) = attrs_until(b, after, false) {
                        let single_ok = name.len() > 1 || (attrs.is_empty() && slash);
                        if single_ok
                            && (!slash || attrs.is_empty())
                            && (attrs.is_empty() || saw_eq || after == close)
                        {
                            out.push(Debris {
                                span: Span::new(base + i, base + close + 1),
                                kind: if slash {
                                    Kind::SpacedEnd
                                } else {
                                    Kind::SpacedStart
                                },
                                name,
                                attrs,
                                target: None,
                                token,
                                fits_context: false,
                                alone: false,
                                ends_text: false,
                                needs_target: false,
                            });
                            i = close + 1;
                            continue;
                        }
                    }
                }
            }
        } else if c == b'&' && b[i..].starts_with(b"&lt;") {
            let j = i + 4;
            let slash = b.get(j) == Some(&b'/');
            let k = if slash { j + 1 } else { j };
            if let Some((name, after)) = name_at(b, k) {
                if after == b.len()
                    || is_ws(b[after])
                    || b[after..].starts_with(b"&gt;")
                    || b[after] == b'/'
                {
                    if let Some((attrs, close, _)) = attrs_until(b, after, true) {
                        if !slash || attrs.is_empty() {
                            out.push(Debris {
                                span: Span::new(base + i, base + close + 4),
                                kind: if slash {
                                    Kind::EscapedEnd
                                } else {
                                    Kind::EscapedStart
                                },
                                name,
                                attrs,
                                target: None,
                                token,
                                fits_context: false,
                                alone: false,
                                ends_text: false,
                                needs_target: false,
                            });
                            i = close + 4;
                            continue;
                        }
                    }
                }
            }
        } else if c.is_ascii_alphabetic()
            && (i == 0
                || is_ws(b[i - 1])
                || b[i - 1] == b'>'
                || b[i - 1] == b';'
                || (i >= 2 && b[i - 2] == 0xC2 && b[i - 1] == 0xA0))
        {
            // `td>`, `tr >`, `td />`
            if let Some((name, after)) = name_at(b, i) {
                let mut j = skip_ws(b, after);
                if b.get(j) == Some(&b'/') {
                    j = skip_ws(b, j + 1);
                }
                if b.get(j) == Some(&b'>') {
                    out.push(Debris {
                        span: Span::new(base + i, base + j + 1),
                        kind: Kind::LostEndSlash,
                        name,
                        attrs: Vec::new(),
                        target: None,
                        token,
                        fits_context: false,
                        alone: false,
                        ends_text: false,
                        needs_target: false,
                    });
                    i = j + 1;
                    continue;
                }
            }
        }
        // Advance one character.
        i += 1;
        while i < b.len() && (b[i] & 0xC0) == 0x80 {
            i += 1;
        }
    }
}

/// True when `raw` holds `>` or `&gt;`.
fn has_gt(raw: &str) -> bool {
    let b = raw.as_bytes();
    memchr::memchr2_iter(b'>', b'&', b).any(|i| b[i] == b'>' || b[i..].starts_with(b"&gt;"))
}

/// Every piece of debris in `doc`, in source order, with context resolved.
pub(crate) fn find(doc: &Document) -> Vec<Debris> {
    let tokens = doc.tokens();
    let mut all = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        if tok.kind == TokenKind::Comment {
            // `</ td>` becomes a bogus comment.
            let raw = doc.source().slice(tok.span);
            if raw.starts_with("</") && raw.len() > 3 && is_ws(raw.as_bytes()[2]) {
                let mut found = Vec::new();
                scan_text(raw, tok.span.start, i, &mut found);
                found.retain(|d| d.span == tok.span && d.kind == Kind::SpacedEnd);
                all.extend(found);
            }
            i += 1;
            continue;
        }
        if tok.kind != TokenKind::Text {
            i += 1;
            continue;
        }
        // A run of adjacent text tokens (`<`, ` `, `td >` arrive as separate tokens).
        let first = i;
        let mut end = tok.span.end;
        i += 1;
        while i < tokens.len() && tokens[i].kind == TokenKind::Text && tokens[i].span.start == end {
            end = tokens[i].span.end;
            i += 1;
        }
        let run = Span::new(tok.span.start, end);
        let raw = doc.source().slice(run);
        // Byte searches (memchr) instead of `str::contains`: one search for
        // both, as most runs hold neither.
        if !has_gt(raw) {
            continue;
        }
        let parent = tok.node().or(tok.current());
        let ancestors = || parent.into_iter().flat_map(|p| doc.self_and_ancestors(p));
        if ancestors().any(|e| html::is_raw_text(e.name()) || e.name() == "plaintext") {
            continue;
        }
        let mut found = Vec::new();
        scan_text(raw, run.start, first, &mut found);
        if found.is_empty() {
            continue;
        }
        let literal = ancestors().any(|e| html::is_code(e.name()));
        let after_tag = first > 0
            && matches!(
                tokens[first - 1].kind,
                TokenKind::StartTag | TokenKind::EndTag
            )
            && tokens[first - 1].span.end == run.start;
        filter_in_token(doc, raw, run.start, &mut found, literal, after_tag);
        for d in &mut found {
            // The token holding the debris gives its context.
            let mut t = first;
            while t + 1 < i && tokens[t + 1].span.start <= d.span.start {
                t += 1;
            }
            d.token = t;
        }
        all.extend(found);
    }
    for d in &mut all {
        resolve_context(doc, d);
    }
    all.retain(|d| match d.kind {
        // A lost `</` is only debris when that element is open: otherwise it is
        // prose like `x > y` or a menu path (`Insert > table > Quick table`).
        // Debris standing alone between tags (`</p> td>`) is debris all the same.
        // A run of nothing but debris (`<br> p>` then `</div>`) is debris whatever
        // the name's length.
        Kind::LostEndSlash if d.needs_target => d.target.is_some(),
        Kind::LostEndSlash => d.target.is_some() || d.alone || d.ends_text,
        // An escaped tag counts only where the context expects it (a cell in a
        // row, the end of an open element); elsewhere it is quoted code
        // ("&lt;td&gt; marks a table cell").
        Kind::EscapedEnd => d.target.is_some(),
        Kind::EscapedStart => d.fits_context,
        Kind::SpacedStart | Kind::SpacedEnd => true,
    });
    all
}

/// Keep only debris that the surrounding text shows is debris.
fn filter_in_token(
    doc: &Document,
    raw: &str,
    base: usize,
    found: &mut Vec<Debris>,
    literal: bool,
    after_tag: bool,
) {
    let _ = doc;
    let b = raw.as_bytes();
    let only_ws = |from: usize, to: usize| {
        b[from - base..to - base]
            .iter()
            .all(|&c| is_ws(c) || c == b'\xc2' || c == b'\xa0')
    };
    let n = found.len();
    let mut keep = vec![false; n];
    let mut ends = vec![false; n];
    let mut needs_target = vec![false; n];
    let token_end = base + b.len();
    // Right to left: a lost-`</` item must be followed only by whitespace and other
    // debris up to the end of the text run (the next real tag).
    let mut next_start = token_end;
    let mut next_kept = true;
    for idx in (0..n).rev() {
        let d = &found[idx];
        let followed_ok = only_ws(d.span.end, next_start) && next_kept;
        let (start, end) = (d.span.start - base, d.span.end - base);
        // First in a run that follows a tag, written `p>` (no space: prose puts
        // spaces round a `>`), before a new line or sentence:
        // `<a href="…">https://t.co/x</a> p>\n— Elon`.
        let first_after_tag = after_tag
            && raw[..start].trim().is_empty()
            && !raw[start..end].contains(|c: char| c.is_whitespace())
            && before_sentence(raw, end);
        let ok = match d.kind {
            Kind::LostEndSlash => {
                let by_text =
                    followed_ok || (after_sentence(raw, start) && before_sentence(raw, end));
                needs_target[idx] = !by_text && first_after_tag;
                (by_text || first_after_tag) && !literal
            }
            Kind::SpacedStart | Kind::SpacedEnd => true,
            Kind::EscapedStart | Kind::EscapedEnd => !literal,
        };
        keep[idx] = ok;
        ends[idx] = ok
            && followed_ok
            && d.kind == Kind::LostEndSlash
            && after_sentence(raw, d.span.start - base);
        next_start = d.span.start;
        next_kept = ok;
    }
    // Escaped tags in running prose ("use the &lt;td&gt; element") are quoted code,
    // not debris: keep them only at the edge of the text run or next to debris.
    for idx in 0..n {
        let d = &found[idx];
        if matches!(d.kind, Kind::EscapedStart | Kind::EscapedEnd) && keep[idx] {
            let prev_end = if idx > 0 && keep[idx - 1] {
                found[idx - 1].span.end
            } else {
                base
            };
            let next_start = if idx + 1 < n && keep[idx + 1] {
                found[idx + 1].span.start
            } else {
                token_end
            };
            // An escaped end tag glued to the word it ends, before a new line or
            // sentence, is the end of that element (`Kontakt&lt;/h4&gt;\n Regio…`);
            // quoted code has a space before it.
            let glued = d.kind == Kind::EscapedEnd
                && raw[..d.span.start - base]
                    .chars()
                    .next_back()
                    .is_some_and(|c| {
                        !c.is_whitespace() && !matches!(c, '(' | '"' | '\'' | '`' | '“' | '‘')
                    })
                && before_sentence(raw, d.span.end - base);
            let at_edge = only_ws(prev_end, d.span.start) || only_ws(d.span.end, next_start);
            keep[idx] = at_edge || glued;
            needs_target[idx] = !at_edge && glued;
        }
    }
    for ((d, &e), &t) in found.iter_mut().zip(&ends).zip(&needs_target) {
        d.ends_text = e;
        d.needs_target = t;
    }
    let mut i = 0;
    found.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let mut covered = 0;
    let mut last = base;
    for d in found.iter() {
        if only_ws(last, d.span.start) {
            covered += 1;
        }
        last = d.span.end;
    }
    let alone = covered == found.len() && only_ws(last, token_end);
    for d in found.iter_mut() {
        d.alone = alone;
    }
}

/// True when `raw[..start]` ends a sentence: closing punctuation after a word
/// that is no abbreviation (`…votre médecin. p >`). Prose look-alikes
/// (`(p > 0.05)`, `if x > y`, `e.g. p > 5`) do not.
fn after_sentence(raw: &str, start: usize) -> bool {
    let before = raw[..start].trim_end();
    let Some(last) = before.chars().next_back() else {
        return false;
    };
    if !matches!(
        last,
        '.' | '!' | '?' | '…' | ':' | '"' | '”' | '’' | '»' | ')' | '。' | '！' | '？'
    ) {
        return false;
    }
    let word = before
        .trim_end_matches(['.', '!', '?', '…', ':', '"', '”', '’', '»', ')'])
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    // Abbreviations (`e.g.`, `U.S.`) and numbers (`Fig. 3.`) end no sentence.
    word.chars().count() >= 3
        && !word.contains('.')
        && !word.chars().all(|c| c.is_ascii_digit() || c == ',')
}

/// True when `raw[end..]` starts a new line or a new sentence (a capitalised
/// word, a dash or an opening quote: `p >\n— Olivier`, `p> Über den Autor`).
fn before_sentence(raw: &str, end: usize) -> bool {
    let after = &raw[end..];
    let rest = after.trim_start();
    if after[..after.len() - rest.len()].contains('\n') {
        return true;
    }
    rest.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || matches!(c, '—' | '–' | '“' | '«' | '„'))
}

fn resolve_context(doc: &Document, d: &mut Debris) {
    let tok = &doc.tokens()[d.token];
    let ctx = tok.current().or(tok.node());
    let Some(ctx) = ctx else { return };
    if d.kind.is_end() {
        d.target = doc
            .self_and_ancestors(ctx)
            .take_while(|e| {
                !(matches!(e.name(), "table")
                    && d.name != "table"
                    && !matches!(
                        d.name.as_str(),
                        "tr" | "td" | "th" | "tbody" | "thead" | "tfoot" | "caption"
                    ))
            })
            .find(|e| e.name() == d.name && e.is_html())
            .map(|e| e.id);
    } else {
        let names: Vec<&str> = doc
            .self_and_ancestors(ctx)
            .take(4)
            .map(|e| e.name())
            .collect();
        let near = |set: &[&str]| names.first().is_some_and(|n| set.contains(n));
        d.fits_context = match d.name.as_str() {
            "td" | "th" => near(&["tr", "td", "th"]),
            "tr" => near(&["table", "tbody", "thead", "tfoot", "tr", "td", "th"]),
            "li" => near(&["ul", "ol", "li", "menu"]),
            "option" => near(&["select", "option", "optgroup", "datalist"]),
            _ => false,
        };
    }
}
