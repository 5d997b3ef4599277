use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Document, NodeId};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::{self, Prose};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds double quotes that do not pair up within a paragraph (or list item,
    /// cell, heading): a closing curly quote `”` that closes nothing, as in
    /// `current trends,”…a blueprint`, one written where an opening quote belongs
    /// (`the time for ”little steps”`), and a pair that mixes a straight quote
    /// with a curly one (`“quoted"`, `„zitiert"`).
    ///
    /// Single quotes are not checked (`’` is also the apostrophe in `NATO’s`), nor
    /// is an opening quote left open (a quotation running over several paragraphs
    /// opens each one and closes only the last). A paragraph that uses `”` for
    /// both ends, as Swedish and Finnish do, is left alone, and so is `”` after a
    /// digit (inches).
    ///
    /// ## Why is this bad?
    /// A stray quote mark usually means words were lost or pasted around it, and
    /// readers cannot tell where a quotation starts.
    ///
    /// ## Example
    /// ```html
    /// <p>“This partnership transcends diplomacy,” said experts,”…a blueprint.”</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>“This partnership transcends diplomacy,” said experts, “…a blueprint.”</p>
    /// ```
    pub struct UnbalancedQuotes {
        id: "unbalanced-quotes",
        group: Content,
        fix: None,
        default: true,
        summary: "Closing quote with no opener, or a straight/curly mixed pair",
    }
}

const OPEN: char = '\u{201c}';
const CLOSE: char = '\u{201d}';
const LOW_OPEN: char = '\u{201e}';

/// `"` as an opener: after a space or the start, before a non-space.
fn straight_opens(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '\u{2014}' | '\u{2013}'))
        && next.is_some_and(|c| !c.is_whitespace())
}

/// `"` as a closer: after a non-space, before a space, punctuation or the end.
fn straight_closes(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(|c| !c.is_whitespace())
        && next.is_none_or(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\u{2014}' | '\u{2013}'
                )
        })
}

struct Finding {
    span: Span,
    message: String,
}

/// Check one block's characters, character `i` written at `span(i)` (looked
/// up only for a finding); `carry` is an opener left open by the block
/// before. Returns whether a curly opener is still open at the end.
fn check_block(
    chars: &[char],
    span: &dyn Fn(usize) -> Span,
    carry: bool,
    out: &mut Vec<Finding>,
) -> bool {
    let curly_openers = chars
        .iter()
        .filter(|&&c| c == OPEN || c == LOW_OPEN)
        .count();
    let closers = chars.iter().filter(|&&c| c == CLOSE).count();
    if curly_openers == 0 && closers == 0 {
        // No curly quotes (whitespace between paragraphs, a caption): a quotation
        // open before stays open.
        return carry;
    }
    if curly_openers == 0 && closers % 2 == 0 {
        // `”…”` pairs: Swedish/Finnish style.
        return false;
    }
    let mut stack: Vec<char> = Vec::new();
    let mut carry = carry;
    let context = |i: usize| -> String {
        let from = i.saturating_sub(25);
        let to = (i + 25).min(chars.len());
        let s: String = chars[from..to].iter().collect();
        escape_for_terminal(s.trim())
    };
    for (i, &ch) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        match ch {
            LOW_OPEN => stack.push(LOW_OPEN),
            OPEN => {
                if stack.last() == Some(&LOW_OPEN) {
                    stack.pop();
                } else {
                    stack.push(OPEN);
                }
            }
            CLOSE => {
                if prev.is_some_and(|c| c.is_ascii_digit()) {
                    continue;
                }
                // After a space and before a word (`for ”little steps`): written
                // where an opening quote belongs.
                if prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_alphanumeric) {
                    out.push(Finding {
                        span: span(i),
                        message: format!(
                            "Closing quote `\u{201d}` used as an opening quote in `{}`",
                            context(i)
                        ),
                    });
                    stack.push(OPEN);
                    continue;
                }
                match stack.last() {
                    Some(&(OPEN | LOW_OPEN)) => {
                        stack.pop();
                    }
                    Some('"') => {
                        stack.pop();
                        out.push(Finding {
                            span: span(i),
                            message: format!(
                                "Quotation opened with a straight `\"` and closed with a curly `\u{201d}` in `{}`",
                                context(i)
                            ),
                        });
                    }
                    _ if carry => carry = false,
                    _ => {
                        out.push(Finding {
                            span: span(i),
                            message: format!(
                                "Closing quote `\u{201d}` closes no opening quote in `{}`",
                                context(i)
                            ),
                        });
                        // Written where an opener belongs (`trends,”…a`): let the
                        // closer that follows pair with it.
                        if next.is_some_and(|c| {
                            !c.is_whitespace()
                                && !matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']')
                        }) {
                            stack.push(OPEN);
                        }
                    }
                }
            }
            '"' => {
                if straight_closes(prev, next) {
                    match stack.last() {
                        Some(&(OPEN | LOW_OPEN)) => {
                            stack.pop();
                            out.push(Finding {
                                span: span(i),
                                message: format!(
                                    "Quotation opened with a curly `\u{201c}` and closed with a straight `\"` in `{}`",
                                    context(i)
                                ),
                            });
                        }
                        Some('"') => {
                            stack.pop();
                        }
                        _ => {}
                    }
                } else if straight_opens(prev, next) {
                    stack.push('"');
                }
            }
            _ => {}
        }
    }
    stack.iter().any(|&c| c == OPEN || c == LOW_OPEN) || carry
}

impl Rule for UnbalancedQuotes {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc: &Document = ctx.doc;
        let mut findings = Vec::new();
        let mut block: Option<NodeId> = None;
        let mut chars: Vec<char> = Vec::new();
        let mut offsets: Vec<usize> = Vec::new();
        let mut carry = false;
        // The current block's runs, gathered into `chars` only when one of them
        // holds a curly quote: a block without any leaves `carry` as it is.
        let mut runs: Vec<&Prose> = Vec::new();
        let mut quoted = false;
        let mut check = |runs: &[&Prose], carry: bool| {
            // The characters only: a span is looked up for a finding alone.
            chars.clear();
            offsets.clear();
            for p in runs {
                offsets.push(chars.len());
                chars.extend_from_slice(&p.chars);
            }
            let span = |i: usize| {
                let k = offsets.partition_point(|&o| o <= i).saturating_sub(1);
                runs[k].span_at(i - offsets[k])
            };
            check_block(&chars, &span, carry, &mut findings)
        };
        let text = doc.text();
        // Neighbouring runs often share a parent, and so a block.
        let mut last: Option<(Option<NodeId>, Option<NodeId>)> = None;
        for p in ctx.prose(true) {
            let b = match last {
                Some((parent, b)) if parent == p.run.parent => b,
                _ => p.run.parent.and_then(|id| prose::block_of(doc, id)),
            };
            last = Some((p.run.parent, b));
            if b != block && !runs.is_empty() {
                if quoted {
                    carry = check(&runs, carry);
                }
                runs.clear();
                quoted = false;
            }
            block = b;
            // Each quote is written 0xE2 0x80 0x9C..=0x9E.
            quoted = quoted
                || match p.literal(text) {
                    // Found in the bytes: most runs with a 0xE2 hold an
                    // apostrophe or a dash, not a quote.
                    Some(raw) => {
                        p.may_hold(text, 0xe2)
                            && memchr::memchr_iter(0xe2, raw).any(|j| {
                                matches!(raw.get(j + 1..j + 3), Some(&[0x80, 0x9c..=0x9e]))
                            })
                    }
                    None => p
                        .chars
                        .iter()
                        .any(|&c| matches!(c, OPEN | CLOSE | LOW_OPEN)),
                };
            runs.push(p);
        }
        if !runs.is_empty() && quoted {
            check(&runs, carry);
        }
        for f in findings {
            out.push(Diagnostic::new(
                UnbalancedQuotes::META.id,
                f.span,
                f.message,
            ));
        }
    }
}
