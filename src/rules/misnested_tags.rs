use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, Origin, TokenKind};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::html;

declare_rule! {
    /// ## What it does
    /// Finds overlapping formatting elements, `<b><i>x</b></i>`: an end tag closes a
    /// formatting element while another one opened inside it is still open, and that
    /// one's end tag comes later. The parser untangles it with the "adoption agency"
    /// algorithm, closing the inner element early and reopening a copy after.
    ///
    /// ## Why is this bad?
    /// The tree differs from what the tags say (copies of the inner element appear
    /// where no tag is), every such end tag is a parse error, and text between the
    /// two end tags keeps a style it was not meant to have, or loses it.
    ///
    /// ## Example
    /// ```html
    /// <p><b><i>Breaking</b></i> news</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p><b><i>Breaking</i></b> news</p>
    /// ```
    ///
    /// ## Fix safety
    /// The end tags are reordered: the inner element's end tag moves before the
    /// outer one's. When nothing stands between the two end tags the page shows the
    /// same thing, and the fix is safe; otherwise the text between them changes
    /// style, and the fix is unsafe.
    pub struct MisnestedTags {
        id: "misnested-tags",
        group: Structure,
        fix: Always,
        default: true,
        summary: "Overlapping formatting tags (`<b><i>x</b></i>`)",
    }
}

/// The first end tag named `name` after token `from`, before another start tag of
/// that name, that closes nothing or only a parser-made copy, and that is not
/// one of `claimed` (the end tags already matched to other elements of the same
/// repair: two `<b>`s closed early need two later `</b>`s, not the same one twice).
pub(crate) fn later_own_end_tag(
    doc: &Document,
    from: usize,
    name: &str,
    claimed: &[usize],
) -> Option<usize> {
    for (i, t) in doc.tokens().iter().enumerate().skip(from + 1) {
        if &*t.name != name || claimed.contains(&i) {
            continue;
        }
        match t.kind {
            TokenKind::StartTag => return None,
            TokenKind::EndTag => {
                let copy = t
                    .node()
                    .and_then(|n| doc.element(n))
                    .is_none_or(|e| e.origin() == Origin::Implied);
                return copy.then_some(i);
            }
            _ => {}
        }
    }
    None
}

impl Rule for MisnestedTags {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let tokens = doc.tokens();
        let text = doc.text();
        for (idx, tok) in doc.tokens_of(TokenKind::EndTag) {
            if tok.closed.is_empty() {
                continue;
            }
            let Some(outer) = tok.node().and_then(|n| doc.element(n)) else {
                continue;
            };
            if !html::is_formatting(outer.name()) || outer.origin() != Origin::Source {
                continue;
            }
            // Innermost first: `closed` lists the popped elements outermost first.
            let mut pairs = Vec::new();
            for &c in tok.closed.iter().rev() {
                let Some(inner) = doc.element(c) else {
                    continue;
                };
                if inner.origin() != Origin::Source
                    || !html::is_formatting(inner.name())
                    || inner.end_tag().is_some()
                {
                    continue;
                }
                let claimed: Vec<usize> = pairs.iter().map(|&(_, i)| i).collect();
                if let Some(later) = later_own_end_tag(doc, idx, inner.name(), &claimed) {
                    pairs.push((inner.name(), later));
                }
            }
            if pairs.is_empty() {
                continue;
            }
            let mut closing = String::new();
            for (name, _) in &pairs {
                closing.push_str(&format!("</{name}>"));
            }
            closing.push_str(&format!("</{}>", outer.name()));
            let mut edits = vec![Edit::replacement(closing.clone(), tok.span)];
            let last_end = pairs
                .iter()
                .map(|&(_, i)| tokens[i].span.end)
                .max()
                .unwrap_or(tok.span.end);
            for &(_, later) in &pairs {
                edits.push(Edit::deletion(tokens[later].span));
            }
            // Safe when only the moved end tags stand between the two.
            let mut between = text[tok.span.end..last_end].to_string();
            for &(_, later) in &pairs {
                between = between.replacen(doc.source().slice(tokens[later].span), "", 1);
            }
            let fix = if between.is_empty() {
                Fix::safe(edits)
            } else {
                Fix::unsafe_(edits)
            };
            let inner: Vec<String> = pairs.iter().map(|(n, _)| format!("`<{n}>`")).collect();
            out.push(
                Diagnostic::new(
                    MisnestedTags::META.id,
                    tok.span,
                    format!(
                        "`</{}>` closes {} early: {} later",
                        outer.name(),
                        inner.join(", "),
                        if pairs.len() == 1 {
                            "its end tag comes"
                        } else {
                            "their end tags come"
                        }
                    ),
                )
                .with_fix(format!("Close in order: `{closing}`"), fix),
            );
        }
    }
}
