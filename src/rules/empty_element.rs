use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Element, NodeId, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds elements with nothing in them but whitespace or `&nbsp;`: `<p></p>`,
    /// `<p>&nbsp;</p>`, an empty `<li>`, `<span>`, `<strong>`, `<b>`, `<em>`, `<i>`,
    /// and `<a>` with no text, no `href` and no children.
    ///
    /// Elements that can matter while empty are left alone: anything with an
    /// `id` or `name` (a link target); list items and inline elements with any
    /// attribute, and paragraphs with a control-like class (`toggle`, `btn`,
    /// `icon`…), which CSS may draw (`<i class="fa fa-star"></i>`); empty inline
    /// elements outside running text (in links, buttons, menus and page chrome,
    /// CSS draws hamburger bars and icons with bare `<span>` and `<i>`); anything
    /// holding an image, an iframe or another element that is not itself empty;
    /// table cells, scripts, and void elements.
    ///
    /// ## Why is this bad?
    /// Empty paragraphs and list items are blank lines and stray bullets left by
    /// editors and scrapers; empty inline elements are dead markup.
    ///
    /// ## Example
    /// ```html
    /// <p>First paragraph.</p>
    /// <p>&nbsp;</p>
    /// <ul><li>One</li><li></li></ul>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>First paragraph.</p>
    ///
    /// <ul><li>One</li></ul>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: an empty paragraph may be a deliberate spacer, and CSS may style an
    /// empty element. The fix removes the start tag, the content and the end tag
    /// exactly, and only when both tags are in the source and close nothing else.
    pub struct EmptyElement {
        id: "empty-element",
        group: Cleanup,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Element with no content (`<p></p>`, `<p>&nbsp;</p>`, empty `<li>`)",
    }
}

/// Elements this rule removes when empty.
fn removable(name: &str) -> bool {
    matches!(
        name,
        "p" | "li" | "span" | "strong" | "b" | "em" | "i" | "a"
    )
}

/// Attributes an empty element may carry and still be removed.
fn harmless_attribute(element: &str, attr: &str, value: &str) -> bool {
    match (element, attr) {
        // Word-processor paragraphs: `<p class="MsoNormal">&nbsp;</p>`; not a
        // paragraph a script or stylesheet turns into a control.
        ("p", "class") => !value.split_ascii_whitespace().any(ui_class),
        ("p", "style" | "align") | (_, "dir" | "lang") => true,
        _ => false,
    }
}

/// A class naming a control or decoration drawn by CSS.
fn ui_class(class: &str) -> bool {
    let c = class.to_ascii_lowercase();
    [
        "toggle",
        "btn",
        "button",
        "icon",
        "menu",
        "close",
        "arrow",
        "spinner",
        "loader",
        "clear",
        "divider",
        "separator",
        "handle",
        "spacer",
    ]
    .iter()
    .any(|w| c.contains(w))
}

/// Empty inline elements count only inside running text: a paragraph, heading,
/// quotation or cell, not a link, button, label or page chrome (where CSS draws
/// icons and hamburger bars with empty `<span>` and `<i>` elements).
fn in_running_text(doc: &Document, e: Element<'_>) -> bool {
    for a in doc.ancestors(e.id) {
        match a.name() {
            "a" | "button" | "label" | "nav" | "header" | "footer" | "menu" | "select"
            | "summary" | "li" | "div" | "section" | "article" | "aside" | "main" | "body" => {
                return false;
            }
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "dd" | "dt"
            | "figcaption" | "td" | "th" | "caption" => return true,
            _ => {}
        }
    }
    false
}

/// The element's whole source, start tag to end tag, when it is empty and can go.
fn empty_span(doc: &Document, e: Element<'_>) -> Option<Span> {
    if !e.is_html() || !removable(e.name()) || e.origin() != Origin::Source || e.fostered() {
        return None;
    }
    if !e.attrs().all(|(n, v)| harmless_attribute(e.name(), n, v)) {
        return None;
    }
    let start = e.start_tag()?;
    let end = e.end_tag()?;
    if start.self_closing
        || !start.closed.is_empty()
        || !end.closed.is_empty()
        || end.node() != Some(e.id)
    {
        return None;
    }
    for &c in e.children() {
        if let Some(t) = doc.text_of(c) {
            if !t.chars().all(char::is_whitespace) {
                return None;
            }
        } else if let Some(child) = doc.element(c) {
            empty_span(doc, child)?;
        }
    }
    // Every token between the tags went into this element (nothing was moved out
    // of or into it by the parser).
    let (si, ei) = (e.start_tag_index()?, token_index(doc, end.span)?);
    for t in doc.tokens().get(si + 1..ei)? {
        let inside = t
            .node()
            .is_some_and(|n| n == e.id || is_descendant(doc, n, e.id));
        if !inside && t.kind != TokenKind::Comment {
            return None;
        }
    }
    Some(Span::new(start.span.start, end.span.end))
}

fn is_descendant(doc: &Document, id: NodeId, of: NodeId) -> bool {
    doc.ancestors(id).any(|a| a.id == of)
}

fn token_index(doc: &Document, span: Span) -> Option<usize> {
    doc.tokens()
        .binary_search_by(|t| t.span.start.cmp(&span.start))
        .ok()
}

impl Rule for EmptyElement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for e in doc.elements() {
            if !removable(e.name()) || doc.in_template(e.id) {
                continue;
            }
            let Some(span) = empty_span(doc, e) else {
                continue;
            };
            if !matches!(e.name(), "p" | "li") && !in_running_text(doc, e) {
                continue;
            }
            // Report the outermost empty element only.
            let parent_empty = e
                .parent()
                .and_then(|p| doc.element(p))
                .is_some_and(|p| empty_span(doc, p).is_some());
            if parent_empty {
                continue;
            }
            let name = e.name();
            out.push(
                Diagnostic::new(
                    EmptyElement::META.id,
                    span,
                    format!("Empty `<{name}>` element"),
                )
                .with_fix(
                    format!("Remove the empty `<{name}>`"),
                    Fix::unsafe_(vec![Edit::deletion(span)]).changing_text(),
                ),
            );
        }
    }
}
