use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds three or more no-break spaces in a row (`&nbsp;&nbsp;&nbsp;`, also
    /// with plain spaces between them, or as U+00A0 characters) used to push text
    /// sideways. Code and `<pre>` are skipped.
    ///
    /// ## Why is this bad?
    /// Spacing made of characters breaks on every screen size but the author's,
    /// cannot wrap, and is read out or copied as blanks. Indentation and gaps
    /// belong in CSS.
    ///
    /// ## Example
    /// ```html
    /// <p>Price:&nbsp;&nbsp;&nbsp;&nbsp;$20</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Price: $20</p>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the run becomes one space, which changes how the text lines up (a
    /// poem's indentation, a hand-made table).
    pub struct NbspRun {
        id: "nbsp-run",
        group: Cleanup,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Three or more `&nbsp;` in a row used as spacing",
    }
}

/// Fewest no-break spaces in a stretch that count as a run.
const MIN_RUN: usize = 3;

impl Rule for NbspRun {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for p in ctx.prose(true) {
            // U+00A0 is written 0xC2 0xA0.
            if !p.may_hold(ctx.doc.text(), 0xc2) {
                continue;
            }
            let n = p.chars.len();
            let mut i = 0;
            while i < n {
                if p.at(i) != Some('\u{a0}') {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut last_nbsp = i;
                let mut count = 0;
                while i < n && matches!(p.at(i), Some('\u{a0}' | ' ')) {
                    if p.at(i) == Some('\u{a0}') {
                        count += 1;
                        last_nbsp = i;
                    }
                    i += 1;
                }
                if count < MIN_RUN {
                    continue;
                }
                // From the first no-break space to the last, with the plain
                // spaces between them; plain spaces after stay as they are.
                let end = last_nbsp + 1;
                let span = p.span(start, end);
                out.push(
                    Diagnostic::new(
                        NbspRun::META.id,
                        span,
                        format!("{count} no-break spaces in a row used as spacing"),
                    )
                    .with_fix(
                        "Replace them with one space",
                        Fix::unsafe_(vec![Edit::replacement(" ", span)]).changing_text(),
                    ),
                );
            }
        }
    }
}
