use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Element, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds a block element (`div`, `p`, a heading, a list…) whose parent holds
    /// phrasing content only (`span`, `cite`, `b`, `button`, `label`, a heading…).
    /// Browsers build the tree as written, so nothing moves, but the markup is
    /// invalid and tools that follow the content model (readers, converters,
    /// validators) split or drop it.
    ///
    /// ## Why is this bad?
    /// A `span` or `cite` wrapping paragraphs is a `div` in all but name; a `div`
    /// holding a few words inside a `cite` or `button` is a `span` in all but name.
    /// Validators report each one and suppress everything below it.
    ///
    /// ## Example
    /// ```html
    /// <div><span class="intro"><p>One.</p><p>Two.</p></span></div>
    /// <button><div class="icon">Menu</div></button>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <div><div class="intro"><p>One.</p><p>Two.</p></div></div>
    /// <button><span class="icon">Menu</span></button>
    /// ```
    ///
    /// ## Fix safety
    /// Two renames, both unsafe: the element's default display changes
    /// (`span` is inline, `div` is a block) and style sheets or scripts that select
    /// it by its tag name no longer match it.
    /// - A `span` (and the `span`s around it, up to a parent that takes blocks)
    ///   holding blocks becomes a `div`, when no paragraph is open around it.
    /// - Otherwise a `div` holding phrasing content only (or `div`s that do)
    ///   becomes a `span`. A `p` is never renamed: readers and extractors key on
    ///   paragraphs, so a `p` in a `button` or `label` is only reported.
    ///
    /// Both tags must be in the source and the end tag must close the element
    /// itself, so the parser builds the same tree. Other cases are reported
    /// without a fix.
    pub struct BlockInPhrasing {
        id: "block-in-phrasing",
        group: Structure,
        fix: Sometimes,
        safe_fixes: false,
        default: true,
        summary: "Block element inside an element that holds phrasing content only",
    }
}

/// Elements whose content model is phrasing content only (`a`, transparent, is
/// judged by its own parent; `dt`, `legend`, `summary` take more).
fn phrasing_parent(name: &str) -> bool {
    (html::phrasing_only(name) && !matches!(name, "dt" | "legend" | "summary"))
        || matches!(
            name,
            "button" | "p" | "bdi" | "bdo" | "data" | "output" | "meter" | "progress"
        )
}

/// Phrasing elements: what may sit inside a `span`.
fn is_phrasing(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "audio"
            | "b"
            | "bdi"
            | "bdo"
            | "br"
            | "button"
            | "canvas"
            | "cite"
            | "code"
            | "data"
            | "datalist"
            | "del"
            | "dfn"
            | "em"
            | "embed"
            | "i"
            | "iframe"
            | "img"
            | "input"
            | "ins"
            | "kbd"
            | "label"
            | "map"
            | "mark"
            | "math"
            | "meter"
            | "noscript"
            | "object"
            | "output"
            | "picture"
            | "progress"
            | "q"
            | "ruby"
            | "rp"
            | "rt"
            | "s"
            | "samp"
            | "script"
            | "select"
            | "option"
            | "optgroup"
            | "slot"
            | "small"
            | "source"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "svg"
            | "template"
            | "textarea"
            | "time"
            | "track"
            | "u"
            | "var"
            | "video"
            | "wbr"
    )
}

/// True when the element's start and end tags are both in the source, written
/// with its name, and its end tag closed it as the current node (so renaming
/// both keeps the tree): `<name ...>` … `</name>`.
fn renamable(doc: &Document, el: Element<'_>) -> Option<(Span, Span)> {
    let start = el.start_tag()?;
    let end = el.end_tag()?;
    if end.kind != TokenKind::EndTag
        || end.current() != Some(el.id)
        || !end.closed.is_empty()
        || !start.closed.is_empty()
        || start.self_closing
    {
        return None;
    }
    let name = el.name();
    let text = doc.text();
    let s = Span::new(start.span.start + 1, start.span.start + 1 + name.len());
    let e = Span::new(end.span.start + 2, end.span.start + 2 + name.len());
    let same = |sp: Span| {
        text.get(sp.start..sp.end)
            .is_some_and(|t| t.eq_ignore_ascii_case(name))
    };
    (same(s) && same(e)).then_some((s, e))
}

/// The `span`s from `parent` up to the first ancestor that is not a `span`, when
/// that ancestor takes flow content and no paragraph or phrasing element is open
/// above: renaming them all to `div` makes the nesting valid.
fn spans_to_widen(doc: &Document, parent: Element<'_>) -> Option<Vec<(Span, Span)>> {
    let mut spans = Vec::new();
    let mut cur = Some(parent);
    while let Some(el) = cur {
        if el.name() != "span" || !el.is_html() {
            break;
        }
        spans.push(renamable(doc, el)?);
        cur = el.parent().and_then(|p| doc.element(p));
    }
    let context = cur?;
    if matches!(
        context.name(),
        "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "ul"
            | "ol"
            | "dl"
            | "select"
            | "head"
            | "html"
    ) {
        return None;
    }
    // Everything above must take flow content: a `<div>` start tag would close an
    // open `p` (WHATWG 13.2.6.4.7), and inside phrasing it would still be invalid.
    if doc
        .self_and_ancestors(context.id)
        .any(|a| !a.is_html() || phrasing_parent(a.name()))
    {
        return None;
    }
    (!spans.is_empty()).then_some(spans)
}

/// A `div` holding phrasing content only (or `div`s that do) can become a
/// `span`, together with those `div`s. A `p` stays a paragraph: readers and
/// extractors key on it.
fn narrowable(doc: &Document, el: Element<'_>) -> Option<Vec<(Span, Span)>> {
    if el.name() != "div" {
        return None;
    }
    let mut renames = vec![renamable(doc, el)?];
    for d in doc.descendants(el.id) {
        if d == el.id {
            continue;
        }
        let Some(e) = doc.element(d) else { continue };
        if !e.is_html() || is_phrasing(e.name()) {
            continue;
        }
        if e.name() != "div" {
            return None;
        }
        renames.push(renamable(doc, e)?);
    }
    Some(renames)
}

impl Rule for BlockInPhrasing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for el in doc.elements() {
            if !el.is_html() || el.origin() != Origin::Source || !html::is_block(el.name()) {
                continue;
            }
            let Some(start) = el.start_tag() else {
                continue;
            };
            let Some(parent) = el.parent().and_then(|p| doc.element(p)) else {
                continue;
            };
            if !parent.is_html() || !phrasing_parent(parent.name()) || parent.name() == "p" {
                continue;
            }
            let (name, pname) = (el.name(), parent.name());
            let d = Diagnostic::new(
                BlockInPhrasing::META.id,
                start.span,
                format!("`<{name}>` inside `<{pname}>`, which holds phrasing content only"),
            );
            if let Some(spans) = (pname == "span")
                .then(|| spans_to_widen(doc, parent))
                .flatten()
            {
                let edits = spans
                    .iter()
                    .flat_map(|&(s, e)| [Edit::replacement("div", s), Edit::replacement("div", e)])
                    .collect();
                out.push(d.with_fix(
                    format!("Make the `<{pname}>` a `<div>`"),
                    Fix::unsafe_(edits),
                ));
            } else if let Some(renames) = narrowable(doc, el) {
                let mut edits: Vec<Edit> = renames
                    .iter()
                    .flat_map(|&(s, e)| {
                        [Edit::replacement("span", s), Edit::replacement("span", e)]
                    })
                    .collect();
                edits.sort_by_key(|e| e.span.start);
                let title = if renames.len() > 1 {
                    format!("Make the `<{name}>` and the blocks inside it `<span>`s")
                } else {
                    format!("Make the `<{name}>` a `<span>`")
                };
                out.push(d.with_fix(title, Fix::unsafe_(edits)));
            } else {
                out.push(d);
            }
        }
    }
}
