use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, NodeId, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;
use crate::rules::misnested_tags::later_own_end_tag;

declare_rule! {
    /// ## What it does
    /// Finds end tags that close open elements out of order while those elements'
    /// own end tags come later: `<div><article><p>Text</div> … </article>` closes the
    /// article at `</div>`, and its real `</article>` is then ignored. Also finds a
    /// `</body>` or `</html>` with page content after it.
    ///
    /// ## Why is this bad?
    /// Everything between the early end tag and the element's real end tag lands
    /// outside the element: the rest of an article falls out of its `<article>`,
    /// later blocks lose their container's styling. Content after `</body>` is a
    /// parse error (browsers move it back into the body).
    ///
    /// ## Example
    /// ```html
    /// <div class="story"><article><p>Text</div><p>More text</p></article></div>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <div class="story"><article><p>Text<p>More text</p></article></div>
    /// ```
    ///
    /// ## Fix safety
    /// Removing a `</body>` or `</html>` that content follows is safe: the tree is
    /// the same. Otherwise the early end tag is removed when its element has an
    /// end tag of its own later, or else moved after the closed elements' own end
    /// tags; both move content back into the elements, so they are unsafe.
    pub struct PrematureEndTag {
        id: "premature-end-tag",
        group: Structure,
        fix: Always,
        default: true,
        summary: "End tag that closes open elements before their own end tags",
    }
}

/// One early end tag: the token, the elements it closes early (each with its own
/// later end tag), and the closed element's own later end tag, if any.
pub(crate) struct Premature {
    pub token: usize,
    pub closed: Vec<(NodeId, usize)>,
    pub own_later: Option<usize>,
}

fn blocks(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "template"
            | "select"
            | "svg"
            | "math"
    )
}

/// Every early end tag of the page.
pub(crate) fn find(doc: &Document) -> Vec<Premature> {
    let mut out = Vec::new();
    for (idx, tok) in doc.tokens_of(TokenKind::EndTag) {
        if tok.closed.is_empty() {
            continue;
        }
        let Some(x) = tok.node().and_then(|n| doc.element(n)) else {
            continue;
        };
        if x.origin() != Origin::Source || blocks(x.name()) || html::is_formatting(x.name()) {
            continue;
        }
        let mut closed = Vec::new();
        for &c in &tok.closed {
            let Some(el) = doc.element(c) else { continue };
            let name = el.name();
            if el.origin() != Origin::Source
                || !el.is_html()
                || html::is_void(name)
                || html::end_tag_optional(name)
                || html::is_formatting(name)
                || blocks(name)
            {
                continue;
            }
            let claimed: Vec<usize> = closed.iter().map(|&(_, i)| i).collect();
            if let Some(later) = later_own_end_tag(doc, idx, name, &claimed) {
                closed.push((c, later));
            }
        }
        if closed.is_empty() {
            continue;
        }
        let claimed: Vec<usize> = closed.iter().map(|&(_, i)| i).collect();
        out.push(Premature {
            token: idx,
            own_later: later_own_end_tag(doc, idx, x.name(), &claimed),
            closed,
        });
    }
    out
}

/// True when `id` is an element some early end tag closed (its own end tag comes
/// later): this rule reports it, not `unclosed-element`.
pub(crate) fn closed_early(found: &[Premature], id: NodeId) -> bool {
    found.iter().any(|p| p.closed.iter().any(|&(c, _)| c == id))
}

/// True when token `i` is the later own end tag of an element closed early: this
/// rule keeps it, so `stray-end-tag` must not remove it.
pub(crate) fn claims_end_tag(found: &[Premature], i: usize) -> bool {
    found
        .iter()
        .any(|p| p.closed.iter().any(|&(_, later)| later == i) || p.own_later == Some(i))
}

impl Rule for PrematureEndTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let tokens = doc.tokens();
        let text = doc.text();
        let id = PrematureEndTag::META.id;
        for p in ctx.premature_end_tags() {
            let tok = &tokens[p.token];
            let names: Vec<String> = p
                .closed
                .iter()
                .filter_map(|&(c, _)| doc.element(c))
                .map(|e| format!("`<{}>`", e.name()))
                .collect();
            let msg = format!(
                "`</{}>` closes {} early: {} later",
                tok.name,
                names.join(", "),
                if names.len() == 1 {
                    "its own end tag comes"
                } else {
                    "their own end tags come"
                }
            );
            let fix = if p.own_later.is_some() {
                (
                    "Remove the early end tag".to_string(),
                    Fix::unsafe_(vec![Edit::deletion(tok.span)]),
                )
            } else {
                let last = p
                    .closed
                    .iter()
                    .map(|&(_, l)| tokens[l].span.end)
                    .max()
                    .unwrap_or(tok.span.end);
                (
                    format!("Move `</{}>` after the elements it closes", tok.name),
                    Fix::unsafe_(vec![
                        Edit::deletion(tok.span),
                        Edit::insertion(format!("</{}>", tok.name), last),
                    ]),
                )
            };
            out.push(Diagnostic::new(id, tok.span, msg).with_fix(fix.0, fix.1));
        }
        // `</body>` / `</html>` with content after it (WHATWG 13.2.6.4.19 "after
        // body": any other token is a parse error and goes back into the body).
        for (idx, tok) in doc.tokens_of(TokenKind::EndTag) {
            if !matches!(&*tok.name, "body" | "html") {
                continue;
            }
            let content_after = tokens[idx + 1..].iter().any(|t| match t.kind {
                TokenKind::Text => !text[t.span.start..t.span.end].trim().is_empty(),
                TokenKind::StartTag | TokenKind::Doctype => true,
                TokenKind::EndTag => !matches!(&*t.name, "body" | "html"),
                TokenKind::Comment | TokenKind::Eof => false,
            });
            if !content_after {
                continue;
            }
            out.push(
                Diagnostic::new(
                    id,
                    tok.span,
                    format!(
                        "`</{}>` comes before the end of the page's content",
                        tok.name
                    ),
                )
                .with_fix(
                    format!("Remove the early `</{}>`", tok.name),
                    Fix::safe(vec![Edit::deletion(tok.span)]),
                ),
            );
        }
    }
}
