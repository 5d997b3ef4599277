use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;
use crate::suppression::{DirectiveKind, Malformed, Unused, Why};

declare_rule! {
    /// ## What it does
    /// Finds a suppression comment (`<!-- tagmend-disable-next-line rule -->`,
    /// `tagmend-disable`, `tagmend-enable`, `tagmend-disable-file`) that suppresses
    /// nothing, a rule name in one that suppresses nothing, names no rule, or is
    /// given twice, a `tagmend-enable` with no open `tagmend-disable` to close, and
    /// a comment that looks like a directive but is misspelt.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the defect it was written for: once the markup is
    /// repaired it silently hides the next defect of that kind at that place. A
    /// misspelt directive suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```html
    /// <!-- tagmend-disable-next-line tag-debris -->
    /// <td>Region</td>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <td>Region</td>
    /// ```
    ///
    /// ## Fix safety
    /// Removing a suppression (or a name in one) that suppresses nothing is safe.
    /// Removing a name of a rule that is not enabled in this run, or a name no rule
    /// has (perhaps one from a newer tagmend), is unsafe: with another selection it
    /// may suppress something again. A misspelt directive is reported without a fix.
    pub struct UnusedSuppression {
        id: "unused-suppression",
        group: Cleanup,
        fix: Sometimes,
        default: true,
        summary: "Suppression comment that suppresses nothing",
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Nothing here: whether a suppression is used depends on the diagnostics of
    /// every other rule, so the linter reports unused ones after running them all
    /// (see `crate::suppression::filter`, which calls [`report`]).
    fn check(&self, _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

fn why_text(why: Why) -> &'static str {
    match why {
        Why::SuppressedNothing => "suppresses nothing",
        Why::Duplicate => "is listed twice",
        Why::NothingToClose => "closes no open `tagmend-disable`",
        Why::NotEnabled => "is not enabled",
        Why::UnknownName => "names no rule or group",
    }
}

/// The bytes to delete to remove the comment at `span`: its whole line when it
/// is alone on it, else just the comment.
fn removal(text: &str, span: Span) -> Span {
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let blank = |s: &str| s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
    if blank(&text[line_start..span.start]) && blank(&text[span.end..line_end]) {
        Span::new(line_start, (line_end + 1).min(text.len()))
    } else {
        span
    }
}

/// The `unused-suppression` diagnostic for `u`.
pub(crate) fn report(doc: &Document, u: &Unused) -> Diagnostic {
    let d = &u.directive;
    let kind = d.kind.as_str();
    let mut parts = Vec::new();
    for (name, why) in &u.names {
        match (name, why) {
            (None, Why::NothingToClose) => parts.push("no `tagmend-disable` is open".to_string()),
            (None, Why::NotEnabled) => {
                parts.push("no rule it could suppress is enabled".to_string());
            }
            (None, why) => parts.push(format!("it {}", why_text(*why))),
            (Some(n), why) => parts.push(format!("`{}` {}", n.text, why_text(*why))),
        }
    }
    let message = format!("Unused `{kind}`: {}", parts.join(", "));
    let unsafe_ = u.names.iter().any(|(_, why)| why.removal_is_unsafe());
    let (title, edits) = if u.whole {
        let title = if d.kind == DirectiveKind::Enable {
            "Remove the `tagmend-enable` comment"
        } else {
            "Remove the unused suppression comment"
        };
        (title, vec![Edit::deletion(removal(doc.text(), d.comment))])
    } else {
        let keep: Vec<&str> = d
            .names
            .iter()
            .filter(|n| {
                !u.names
                    .iter()
                    .any(|(m, _)| m.as_ref().is_some_and(|m| m.span == n.span))
            })
            .map(|n| n.text.as_str())
            .collect();
        let list = match (d.names.first(), d.names.last()) {
            (Some(first), Some(last)) => Span::new(first.span.start, last.span.end),
            _ => Span::empty(d.comment.start),
        };
        (
            "Remove the unused names from the suppression",
            vec![Edit::replacement(keep.join(", "), list)],
        )
    };
    let fix = if unsafe_ {
        Fix::unsafe_(edits)
    } else {
        Fix::safe(edits)
    };
    Diagnostic::new(UnusedSuppression::META.id, d.comment, message).with_fix(title, fix)
}

/// The diagnostic for a comment that looks like a directive but is none.
pub(crate) fn report_malformed(m: &Malformed) -> Diagnostic {
    Diagnostic::new(
        UnusedSuppression::META.id,
        m.comment,
        format!("Unknown suppression directive `{}`", m.word),
    )
    .with_note(
        "expected `tagmend-disable`, `tagmend-enable`, `tagmend-disable-next-line` or `tagmend-disable-file`",
    )
}
