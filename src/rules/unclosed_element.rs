use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Element, NodeId, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::{html, premature_end_tag};

declare_rule! {
    /// ## What it does
    /// Finds elements whose end tag is required but missing, so the parser closed
    /// them somewhere else: at the end of the file, at an end tag of an outer
    /// element, or never (a list that swallows the paragraphs after it, a heading
    /// that swallows the next paragraph, a `<b>` that bleeds into later blocks).
    ///
    /// ## Why is this bad?
    /// Content after the point where the element should end is rendered inside it:
    /// paragraphs become part of a list, body text becomes a heading, a whole page
    /// turns bold.
    ///
    /// ## Example
    /// ```html
    /// <h2>Next steps<p>The plan is simple.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <h2>Next steps</h2><p>The plan is simple.</p>
    /// ```
    ///
    /// ## Fix safety
    /// The end tag is inserted where the content shows it belongs: before the first
    /// child that cannot sit in the element (a block in a heading, a paragraph in a
    /// list), otherwise where the parser closed it. Inserting it where the parser
    /// closed it anyway is safe; moving content out of the element, or stopping a
    /// formatting element from being reopened, changes the rendering and is unsafe.
    pub struct UnclosedElement {
        id: "unclosed-element",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Element whose required end tag is missing",
    }
}

/// True when `child` cannot be a child of `parent` by the content model.
fn misfit(parent: &str, child: &str) -> bool {
    if matches!(child, "script" | "template" | "noscript") {
        return false;
    }
    match parent {
        "ul" | "ol" | "menu" => child != "li",
        "dl" => !matches!(child, "dt" | "dd" | "div"),
        "select" => !matches!(child, "option" | "optgroup" | "hr"),
        p if html::phrasing_only(p) => html::is_block(child) || child == "li",
        _ => false,
    }
}

/// Where the end tag of `el` belongs, and whether that moves content out of it.
fn placement(doc: &Document, el: Element<'_>) -> Option<(usize, Option<NodeId>)> {
    let start_end = el.start_tag()?.span.end;
    let kids = el.children();
    for (i, &c) in kids.iter().enumerate() {
        let Some(ce) = doc.element(c) else { continue };
        if ce.origin() == Origin::Source && misfit(el.name(), ce.name()) {
            // After the last sibling that fits, trailing whitespace left outside.
            let mut pos = start_end;
            for &prev in kids[..i].iter().rev() {
                if let Some(t) = doc.text_of(prev) {
                    if t.trim().is_empty() {
                        continue;
                    }
                }
                pos = doc.node_end(prev).max(start_end);
                break;
            }
            let text = doc.text();
            while pos > start_end && text.as_bytes()[pos - 1].is_ascii_whitespace() {
                pos -= 1;
            }
            return Some((pos, Some(c)));
        }
    }
    let closed = el.closed_at()?;
    let tok = &doc.tokens()[closed];
    if tok.kind == TokenKind::Eof {
        // Before `</body>` / `</html>` if they follow, else at the end of the text.
        let after = doc
            .tokens_of(TokenKind::EndTag)
            .map(|(_, t)| t)
            .find(|t| matches!(&*t.name, "body" | "html") && t.span.start >= start_end);
        if let Some(t) = after {
            return Some((t.span.start, None));
        }
        let text = doc.text();
        let mut trimmed = text.trim_end().len().max(start_end);
        // An unclosed comment (or bogus comment) runs to the end of the file: an
        // end tag inserted there would be comment text. Insert before it.
        if let Some((_, t)) = doc
            .tokens_of(TokenKind::Comment)
            .rev()
            .find(|(_, t)| t.span.start < trimmed && trimmed <= t.span.end)
        {
            if !comment_closed(doc.source().slice(t.span)) {
                if t.span.start < start_end {
                    return None;
                }
                trimmed = text[..t.span.start].trim_end().len().max(start_end);
            }
        }
        // A tag the file ends inside (`<a href="x` at the end) makes no token:
        // an end tag inserted after it would be part of it. Insert before it.
        let covered = tokens_end(doc);
        if covered < trimmed {
            if covered < start_end {
                return None;
            }
            trimmed = text[..covered].trim_end().len().max(start_end);
        }
        return Some((trimmed, None));
    }
    // Just after the element's last content, whitespace left outside it.
    let text = doc.text().as_bytes();
    let mut pos = tok.span.start;
    while pos > start_end && text[pos - 1].is_ascii_whitespace() {
        pos -= 1;
    }
    Some((pos, None))
}

/// The element's own end tag, later in the source, that the parser ignored because
/// elements inside it were still open (`<div><p>text</div>` in a `<p>` blocks
/// nothing, but `<x><p>text</x>` does: `p` is special). Returns that token and the
/// blockers, innermost first. `sorted`: the tokens' starts never decrease, so
/// the scan may begin at the first token at or after the start tag's end
/// (found by binary search) instead of at the first token of the page.
fn blocked_end_tag<'a>(
    doc: &'a Document,
    el: Element<'_>,
    sorted: bool,
) -> Option<(&'a crate::document::Token, Vec<&'a str>)> {
    let start = el.start_tag()?.span.end;
    let end = el
        .closed_at()
        .map_or(usize::MAX, |i| doc.tokens()[i].span.start);
    let tokens = doc.tokens();
    let from = if sorted {
        tokens.partition_point(|t| t.span.start < start)
    } else {
        0
    };
    for i in doc.token_positions_in(TokenKind::EndTag, from..tokens.len()) {
        let tok = &tokens[i];
        if tok.span.start < start || tok.node().is_some() {
            continue;
        }
        if tok.span.start >= end {
            break;
        }
        if !(*tok.name).eq_ignore_ascii_case(el.name()) {
            continue;
        }
        let cur = tok.current()?;
        let chain: Vec<Element<'a>> = doc.self_and_ancestors(cur).collect();
        let pos = chain.iter().position(|e| e.id == el.id)?;
        let blockers: Vec<&str> = chain[..pos].iter().map(Element::name).collect();
        if blockers.is_empty()
            || blockers.iter().any(|b| {
                matches!(
                    *b,
                    "table" | "tbody" | "tr" | "td" | "th" | "template" | "select"
                )
            })
        {
            return None;
        }
        return Some((tok, blockers));
    }
    None
}

/// True when the comment token `raw` ends (one that never does runs to the end
/// of the file).
fn comment_closed(raw: &str) -> bool {
    if raw.starts_with("<!--") {
        raw.len() >= 7 && (raw.ends_with("-->") || raw.ends_with("--!>"))
            || raw == "<!-->"
            || raw == "<!--->"
    } else {
        raw.ends_with('>')
    }
}

/// Where the last token ends: past it, only a tag the file ends inside, which
/// the tokenizer drops.
fn tokens_end(doc: &Document) -> usize {
    doc.tokens()
        .iter()
        .rev()
        .find(|t| t.kind != TokenKind::Eof)
        .map_or(0, |t| t.span.end)
}

/// True when an insertion at `pos` would split a tag, comment or doctype, or go
/// at the end of a comment that never closes: there the inserted end tag is
/// comment text or part of another tag, never an end tag, and the fix could
/// never converge.
fn lands_in_markup(doc: &Document, pos: usize) -> bool {
    if pos > tokens_end(doc) {
        return true;
    }
    let tokens = doc.tokens();
    let i = tokens.partition_point(|t| t.span.start < pos);
    let Some(t) = i.checked_sub(1).and_then(|i| tokens.get(i)) else {
        return false;
    };
    match t.kind {
        TokenKind::StartTag | TokenKind::EndTag | TokenKind::Doctype => pos < t.span.end,
        TokenKind::Comment => {
            pos < t.span.end || (pos == t.span.end && !comment_closed(doc.source().slice(t.span)))
        }
        TokenKind::Text | TokenKind::Eof => false,
    }
}

/// True when an insertion at `pos` would land inside the content of a raw-text
/// element (`<script>`, `<xmp>`, `<plaintext>`, …) or foreign content, where an
/// inserted end tag is text (or no end tag at all) and the fix could never converge.
/// `raw` is [`RawText::of`] `doc`.
fn lands_in_raw_text(doc: &Document, el: Element<'_>, pos: usize, raw: &RawText) -> bool {
    if el.is_html() && doc.in_element(el.parent(), &["svg", "math"]) || !el.is_html() {
        return true;
    }
    // Right after `<script>` is inside it too (the insertion would be its first
    // text), unless the end tag inserted there is its own. Raw-text elements
    // hold no elements, so no other one contains that position.
    if (html::is_raw_text(el.name()) || el.name() == "plaintext")
        && el.start_tag().is_some_and(|t| t.span.end == pos)
    {
        return false;
    }
    raw.contains(pos)
}

/// The content of every raw-text element (and `plaintext`) from a start tag:
/// from the end of its start tag to the start of its end tag, or the end of the
/// text, both inclusive. Found once per page, not once per unclosed
/// element, and searched by binary search.
struct RawText {
    /// Content starts, ascending.
    starts: Vec<usize>,
    /// `max_end[i]`: the furthest content end among `starts[..=i]`.
    max_end: Vec<usize>,
}

impl RawText {
    fn of(doc: &Document) -> Self {
        let eof = doc.text().len();
        let mut spans: Vec<(usize, usize)> = doc
            .elements()
            .filter(|e| html::is_raw_text(e.name()) || e.name() == "plaintext")
            .filter_map(|e| {
                let start = e.start_tag()?;
                Some((start.span.end, e.end_tag().map_or(eof, |t| t.span.start)))
            })
            // An end before the start holds no position.
            .filter(|&(start, end)| end >= start)
            .collect();
        spans.sort_unstable();
        let starts = spans.iter().map(|s| s.0).collect();
        let max_end = spans
            .iter()
            .scan(0, |m, s| {
                *m = (*m).max(s.1);
                Some(*m)
            })
            .collect();
        Self { starts, max_end }
    }

    /// True when `start <= pos <= end` for one of the spans.
    fn contains(&self, pos: usize) -> bool {
        let n = self.starts.partition_point(|&s| s <= pos);
        n > 0 && self.max_end[n - 1] >= pos
    }
}

/// True when an end tag named like `el` follows it before another start tag of
/// that name.
fn later_end_tag(doc: &Document, el: Element<'_>) -> bool {
    let Some(i) = el.start_tag_index() else {
        return false;
    };
    for tok in &doc.tokens()[i + 1..] {
        if *tok.name == *el.name() {
            match tok.kind {
                TokenKind::EndTag => return true,
                TokenKind::StartTag => return false,
                _ => {}
            }
        }
    }
    false
}

impl Rule for UnclosedElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let debris = ctx.debris();
        let early = ctx.premature_end_tags();
        let raw_spans = std::cell::OnceCell::new();
        let sorted = std::cell::OnceCell::new();
        for el in doc.elements() {
            let name = el.name();
            if el.origin() != Origin::Source
                || !el.is_html()
                || el.end_tag().is_some()
                || html::is_void(name)
                || html::end_tag_optional(name)
                || el.start_tag().is_some_and(|t| t.self_closing)
            {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            // A formatting element whose end tag comes later, after the parser
            // closed it and reopened a copy (`<b><i>x</b> y</i>`), is misnested,
            // not unclosed: the end tag is there.
            if html::is_formatting(name) && later_end_tag(doc, el) {
                continue;
            }
            // Closed early by another element's end tag while its own comes later:
            // `premature-end-tag`'s.
            if premature_end_tag::closed_early(early, el.id) {
                continue;
            }
            // A link closed by a nested `<a>`: `nested-anchor`'s.
            if name == "a"
                && el.closed_at().is_some_and(|i| {
                    let t = &doc.tokens()[i];
                    t.kind == TokenKind::StartTag && &*t.name == "a"
                })
            {
                continue;
            }
            let end = el.content_end();
            // Debris inside it (often its own lost end tag) is repaired first.
            if debris.iter().any(|d| {
                d.target == Some(el.id) || (d.span.start >= start.span.end && d.span.start < end)
            }) {
                continue;
            }
            let sorted = *sorted.get_or_init(|| {
                doc.tokens()
                    .windows(2)
                    .all(|w| w[0].span.start <= w[1].span.start)
            });
            if let Some((tok, blockers)) = blocked_end_tag(doc, el, sorted) {
                let closing: String = blockers.iter().fold(String::new(), |mut acc, b| {
                    acc.push_str("</");
                    acc.push_str(b);
                    acc.push('>');
                    acc
                });
                let open: Vec<String> = blockers.iter().map(|b| format!("`<{b}>`")).collect();
                if lands_in_raw_text(
                    doc,
                    el,
                    tok.span.start,
                    raw_spans.get_or_init(|| RawText::of(doc)),
                ) || lands_in_markup(doc, tok.span.start)
                {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        UnclosedElement::META.id,
                        start.span,
                        format!(
                            "`<{name}>` is never closed: its end tag `</{name}>` is ignored because {} {} still open inside it",
                            open.join(", "),
                            if open.len() == 1 { "is" } else { "are" }
                        ),
                    )
                    .with_fix(
                        format!("Insert `{closing}` before `</{name}>`"),
                        Fix::unsafe_(vec![Edit::insertion(closing.clone(), tok.span.start)]),
                    ),
                );
                continue;
            }
            let Some((pos, moved)) = placement(doc, el) else {
                continue;
            };
            if lands_in_raw_text(doc, el, pos, raw_spans.get_or_init(|| RawText::of(doc)))
                || lands_in_markup(doc, pos)
            {
                continue;
            }
            let closed_by = el.closed_at().map(|i| &doc.tokens()[i]);
            let where_ = match closed_by {
                Some(t) if t.kind == TokenKind::Eof => "at the end of the file".to_string(),
                Some(t) if t.kind == TokenKind::EndTag => format!("at `</{}>`", t.name),
                Some(t) if t.kind == TokenKind::StartTag => format!("at `<{}>`", t.name),
                _ => "implicitly".to_string(),
            };
            let mut msg = format!("`<{name}>` is never closed: the parser closes it {where_}");
            if let Some(m) = moved.and_then(|m| doc.element(m)) {
                msg.push_str(&format!(
                    ", so the `<{}>` after it ends up inside it",
                    m.name()
                ));
            } else if html::is_formatting(name) {
                msg.push_str(" and may reopen it in later blocks");
            }
            let edit = Edit::insertion(format!("</{name}>"), pos);
            let fix = if moved.is_some() || html::is_formatting(name) {
                Fix::unsafe_(vec![edit])
            } else {
                Fix::safe(vec![edit])
            };
            out.push(
                Diagnostic::new(UnclosedElement::META.id, start.span, msg)
                    .with_fix(format!("Insert `</{name}>` where the element ends"), fix),
            );
        }
    }
}
