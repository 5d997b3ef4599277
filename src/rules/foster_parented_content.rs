use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Origin, TokenKind};
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
        let tokens = doc.tokens();
        let from_debris = |i: usize| {
            debris
                .iter()
                .any(|d| d.token == i || d.span.overlaps(tokens[i].span))
        };
        let mut i = 0;
        while i < tokens.len() {
            let tok = &tokens[i];
            if tok.kind != TokenKind::Text || !tok.fostered || from_debris(i) {
                i += 1;
                continue;
            }
            // One finding per run of text: the tokenizer splits a run at character
            // references (`Smith &amp; Co` is three tokens).
            let start = tok.span.start;
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
            out.push(Diagnostic::new(
                FosterParentedContent::META.id,
                span,
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
