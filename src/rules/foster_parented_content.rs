use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Origin, TokenKind};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::debris;

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
    /// No fix yet: where the content belongs (a caption, a new cell, before the
    /// table) needs a reader's judgement. Debris such as `< td >` that causes it is
    /// repaired by `tag-debris`, and this finding is not reported for it.
    pub struct FosterParentedContent {
        id: "foster-parented-content",
        group: Table,
        fix: None,
        default: true,
        summary: "Content inside a table outside any cell, moved out by the parser",
    }
}

impl Rule for FosterParentedContent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let debris = debris::find(doc);
        for (i, tok) in doc.tokens().iter().enumerate() {
            if tok.kind != TokenKind::Text || !tok.fostered {
                continue;
            }
            let raw = doc.source().slice(tok.span);
            if raw.trim().is_empty()
                || debris
                    .iter()
                    .any(|d| d.token == i || d.span.overlaps(tok.span))
            {
                continue;
            }
            let shown: String = raw.trim().chars().take(40).collect();
            out.push(Diagnostic::new(
                FosterParentedContent::META.id,
                tok.span,
                format!(
                    "Text `{}` sits in a table outside any cell: browsers move it before the table",
                    escape_for_terminal(&shown)
                ),
            ));
        }
        for el in doc.elements() {
            if el.fostered() && el.origin() == Origin::Source {
                if let Some(t) = el.start_tag() {
                    out.push(Diagnostic::new(
                        FosterParentedContent::META.id,
                        t.span,
                        format!("`<{}>` sits in a table outside any cell: browsers move it before the table", el.name()),
                    ));
                }
            }
        }
    }
}
