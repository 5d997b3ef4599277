use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Document, NodeId, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::debris;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds text and elements inside a `<table>` but outside any cell, which the
    /// parser moves out of the table ("foster parenting").
    ///
    /// ## Why is this bad?
    /// The reader sees the text above the table, away from the row it was written
    /// in, and the row loses a cell.
    ///
    /// ## Example
    /// ```html
    /// <table><tr>Region<td>Panama</td></tr></table>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <table><tr><td>Region</td><td>Panama</td></tr></table>
    /// ```
    ///
    /// ## Fix safety
    /// The content is put where its place in the source says it belongs, keeping
    /// the text in reading order: text before the table's first row becomes its
    /// `<caption>`, content inside a row becomes a new cell of that row, content
    /// between rows a new row of one cell. The table gains a cell or a caption and
    /// the text moves from above the table into it, so the fix is unsafe. An element
    /// without its own end tag is reported without a fix. Debris such as `< td >`
    /// that causes it is repaired by `tag-debris`, and this finding is not reported
    /// for it.
    pub struct FosterParentedContent {
        id: "foster-parented-content",
        group: Table,
        fix: Sometimes,
        safe_fixes: false,
        default: true,
        summary: "Content inside a table outside any cell, moved out by the parser",
    }
}

/// True when tag debris lies inside the table around `current`: `tag-debris`
/// restores the table's own tags first, and the content may land in a cell then.
fn table_has_debris(doc: &Document, current: Option<NodeId>, debris: &[debris::Debris]) -> bool {
    let Some(table) = current.and_then(|c| doc.self_and_ancestors(c).find(|e| e.name() == "table"))
    else {
        return false;
    };
    let Some(start) = table.start_tag() else {
        return false;
    };
    let end = table.content_end().max(start.span.end);
    debris
        .iter()
        .any(|d| d.span.start >= start.span.start && d.span.start < end)
}

/// Where fostered content starting at token `at` sits: `tr` (inside a row),
/// `caption` (in the table before any row or caption), or `table` (between rows).
fn place(doc: &Document, current: Option<NodeId>, at: usize) -> Option<&'static str> {
    let cur = doc.element(current?)?;
    match cur.name() {
        "tr" => Some("tr"),
        "table" | "tbody" | "thead" | "tfoot" => {
            let table = doc
                .self_and_ancestors(cur.id)
                .find(|e| e.name() == "table")?;
            let before_rows = !doc.descendants(table.id).any(|d| {
                doc.element(d).is_some_and(|e| {
                    matches!(
                        e.name(),
                        "tr" | "caption" | "colgroup" | "col" | "td" | "th"
                    ) && e.start_tag().is_some_and(|t| t.span.start < at)
                })
            });
            Some(if cur.name() == "table" && before_rows {
                "caption"
            } else {
                "table"
            })
        }
        _ => None,
    }
}

/// The fix wrapping `span` for its place.
fn wrap(place: &str, span: Span) -> (String, Fix) {
    let (open, close, title) = match place {
        "caption" => ("<caption>", "</caption>", "Make it the table's caption"),
        "tr" => ("<td>", "</td>", "Put it in a new cell of its row"),
        _ => ("<tr><td>", "</td></tr>", "Put it in a new row of the table"),
    };
    (
        title.to_string(),
        Fix::unsafe_(vec![
            Edit::insertion(open, span.start),
            Edit::insertion(close, span.end),
        ]),
    )
}

impl Rule for FosterParentedContent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let debris = ctx.debris();
        let tokens = doc.tokens();
        let from_debris = |i: usize| {
            debris
                .iter()
                .any(|d| d.token == i || d.span.overlaps(tokens[i].span))
        };
        // The first token not yet part of a run.
        let mut i = 0;
        for t in doc.token_positions(TokenKind::Text) {
            if t < i {
                continue;
            }
            i = t;
            let tok = &tokens[i];
            if !tok.fostered || from_debris(i) {
                continue;
            }
            // One finding per run of text: the tokenizer splits a run at character
            // references (`Smith &amp; Co` is three tokens).
            let start = tok.span.start;
            let first = i;
            let mut end = tok.span.end;
            i += 1;
            while i < tokens.len()
                && tokens[i].kind == TokenKind::Text
                && tokens[i].fostered
                && tokens[i].span.start == end
                && !from_debris(i)
            {
                end = tokens[i].span.end;
                i += 1;
            }
            let raw = doc.source().slice(Span::new(start, end));
            let trimmed = raw.trim_start();
            if trimmed.trim_end().is_empty() {
                continue;
            }
            let span_start = start + (raw.len() - trimmed.len());
            let span = Span::new(span_start, span_start + trimmed.trim_end().len());
            let shown: String = trimmed.trim_end().chars().take(40).collect();
            let d = Diagnostic::new(
                FosterParentedContent::META.id,
                span,
                format!(
                    "Text `{}` sits in a table outside any cell: browsers move it before the table",
                    escape_for_terminal(&shown)
                ),
            );
            let current = tokens[first].current();
            let placed = if table_has_debris(doc, current, debris) {
                None
            } else {
                place(doc, current, start)
            };
            out.push(match placed {
                Some(p) => {
                    let (title, fix) = wrap(p, span);
                    d.with_fix(title, fix)
                }
                None => d,
            });
        }
        for el in doc.elements() {
            if el.fostered() && el.origin() == Origin::Source {
                if let Some(t) = el.start_tag() {
                    let d = Diagnostic::new(
                        FosterParentedContent::META.id,
                        t.span,
                        format!("`<{}>` sits in a table outside any cell: browsers move it before the table", el.name()),
                    );
                    let placed = el
                        .end_tag()
                        .filter(|_| !table_has_debris(doc, t.current(), debris))
                        .and_then(|e| place(doc, t.current(), t.span.start).map(|p| (p, e)));
                    out.push(match placed {
                        Some((p, e)) => {
                            let (title, fix) = wrap(p, Span::new(t.span.start, e.span.end));
                            d.with_fix(title, fix)
                        }
                        None => d,
                    });
                }
            }
        }
    }
}
