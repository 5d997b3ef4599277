//! Inline suppressions, read from HTML comments:
//!
//! ```html
//! <!-- tagmend-disable tag-debris, stray-end-tag -->  from here on…
//! <!-- tagmend-enable -->                             …to here (or the end of the page)
//! <!-- tagmend-disable-next-line tag-debris -->       the line after the comment
//! <!-- tagmend-disable-file -->                       the whole page
//! ```
//!
//! No rule list means every rule. A list names rule ids or groups (as
//! `--select` does), separated by commas or spaces; text after ` -- ` is a reason
//! and is ignored. `tagmend-enable` with names closes only the disables of those
//! names. Comments inside `<script>`, `<style>` or `<textarea>` are not comments
//! to the parser, so they suppress nothing.
//!
//! Suppression is applied by the linter ([`filter`]), after every rule ran and
//! before fixing, so a suppressed diagnostic is neither reported nor fixed.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::document::{Document, TokenKind};
use crate::rule::Rule;
use crate::rules::UnusedSuppression;
use crate::source::Span;

/// The prefix of every directive.
pub const PREFIX: &str = "tagmend-";

/// Which directive a comment holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `tagmend-disable`: from the comment to the next matching `tagmend-enable`.
    Disable,
    /// `tagmend-enable`: ends a `tagmend-disable` region.
    Enable,
    /// `tagmend-disable-next-line`: the line after the comment.
    DisableNextLine,
    /// `tagmend-disable-file`: the whole page.
    DisableFile,
}

impl DirectiveKind {
    /// The directive as written, e.g. `tagmend-disable-next-line`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveKind::Disable => "tagmend-disable",
            DirectiveKind::Enable => "tagmend-enable",
            DirectiveKind::DisableNextLine => "tagmend-disable-next-line",
            DirectiveKind::DisableFile => "tagmend-disable-file",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "tagmend-disable" => DirectiveKind::Disable,
            "tagmend-enable" => DirectiveKind::Enable,
            "tagmend-disable-next-line" => DirectiveKind::DisableNextLine,
            "tagmend-disable-file" => DirectiveKind::DisableFile,
            _ => return None,
        })
    }
}

/// One rule id or group name in a directive's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The name as written.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Which directive.
    pub kind: DirectiveKind,
    /// The whole comment, `<!--` to `-->`.
    pub comment: Span,
    /// The names listed; empty means every rule.
    pub names: Vec<Name>,
}

/// A comment that starts like a directive but is none (`tagmend-disable-nextline`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// The whole comment.
    pub comment: Span,
    /// The word that is not a directive.
    pub word: String,
}

/// Read every directive of `doc`, in source order.
#[must_use]
pub fn directives(doc: &Document) -> (Vec<Directive>, Vec<Malformed>) {
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    for (_, tok) in doc.tokens_of(TokenKind::Comment) {
        let raw = doc.source().slice(tok.span);
        // Bogus comments (`<! x>`, `<?x?>`) are not where people write directives.
        let Some(body) = raw.strip_prefix("<!--") else {
            continue;
        };
        let body = body.strip_suffix("-->").unwrap_or(body);
        let lead = body.len() - body.trim_start().len();
        let body_start = tok.span.start + 4 + lead;
        let body = body.trim_start();
        if !body.starts_with(PREFIX) {
            continue;
        }
        let word_len = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        let word = &body[..word_len];
        let Some(kind) = DirectiveKind::from_word(word) else {
            if word.starts_with("tagmend-disable-") || word.starts_with("tagmend-enable-") {
                malformed.push(Malformed {
                    comment: tok.span,
                    word: word.to_string(),
                });
            }
            continue;
        };
        let rest = &body[word_len..];
        // ` -- reason` ends the list (ESLint's convention).
        let list = rest.find(" --").map_or(rest, |i| &rest[..i]);
        let list_start = body_start + word_len;
        let mut names = Vec::new();
        let mut at = 0;
        for piece in list.split(|c: char| c == ',' || c.is_whitespace()) {
            if !piece.is_empty() {
                let start = list_start + at;
                names.push(Name {
                    text: piece.to_string(),
                    span: Span::new(start, start + piece.len()),
                });
            }
            at += piece.len() + 1;
        }
        found.push(Directive {
            kind,
            comment: tok.span,
            names,
        });
    }
    (found, malformed)
}

/// Why a name of a directive (or the whole directive) is unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// The rule ran and reported nothing there.
    SuppressedNothing,
    /// The name is given twice in the list.
    Duplicate,
    /// `tagmend-enable` with nothing open to close.
    NothingToClose,
    /// No enabled rule matches the name (it may be turned on elsewhere).
    NotEnabled,
    /// No rule or group has that name.
    UnknownName,
}

impl Why {
    /// True when removing the name can change what a later run reports: the
    /// rule might be enabled later, or come with a newer tagmend.
    #[must_use]
    pub fn removal_is_unsafe(self) -> bool {
        matches!(self, Why::NotEnabled | Why::UnknownName)
    }
}

/// A suppression that suppressed nothing, or some names of it that did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unused {
    /// The directive.
    pub directive: Directive,
    /// The unused names and why; for a directive without names, one entry with
    /// `None`.
    pub names: Vec<(Option<Name>, Why)>,
    /// True when nothing of the directive is used: the whole comment can go.
    pub whole: bool,
}

/// What [`filter`] kept and found.
#[derive(Debug, Default)]
pub struct Filtered {
    /// Diagnostics no suppression covers, with the `unused-suppression` reports
    /// when that rule is enabled.
    pub kept: Vec<Diagnostic>,
    /// How many diagnostics the suppressions removed.
    pub suppressed: usize,
    /// Suppressions (or names of them) that suppressed nothing.
    pub unused: Vec<Unused>,
}

/// One name (or the whole list) of one directive, and the text it covers.
struct Cover {
    directive: usize,
    /// Index into the directive's names; `None` for "every rule".
    entry: Option<usize>,
    start: usize,
    end: usize,
    used: bool,
}

fn name_matches(name: &str, rule: &str, group: Option<&str>) -> bool {
    name == "all" || name == rule || Some(name) == group
}

/// Drop the diagnostics that suppression comments in `doc` cover, and find the
/// suppressions that covered nothing. `rules` are the enabled rules: a name none
/// of them matches is "not enabled", and the `unused-suppression` reports are
/// added to [`Filtered::kept`] only when that rule is among them.
#[must_use]
pub fn filter(doc: &Document, diags: Vec<Diagnostic>, rules: &[&'static dyn Rule]) -> Filtered {
    let (dirs, malformed) = directives(doc);
    if dirs.is_empty() && malformed.is_empty() {
        return Filtered {
            kept: diags,
            ..Filtered::default()
        };
    }
    let report = rules
        .iter()
        .any(|r| r.meta().id == UnusedSuppression::META.id);
    let groups: BTreeMap<&'static str, &'static str> = crate::rules::all()
        .iter()
        .map(|r| (r.meta().id, r.meta().group.as_str()))
        .collect();
    let source = doc.source();
    let text_len = doc.text().len();

    // Build the covers, and learn which enable names closed nothing.
    let mut covers: Vec<Cover> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut enable_unused: BTreeMap<usize, Vec<(Option<Name>, Why)>> = BTreeMap::new();
    for (i, d) in dirs.iter().enumerate() {
        let entries: Vec<Option<usize>> = if d.names.is_empty() {
            vec![None]
        } else {
            (0..d.names.len()).map(Some).collect()
        };
        match d.kind {
            DirectiveKind::DisableFile => {
                for entry in entries {
                    covers.push(Cover {
                        directive: i,
                        entry,
                        start: 0,
                        end: usize::MAX,
                        used: false,
                    });
                }
            }
            DirectiveKind::DisableNextLine => {
                let (line, _) = source.line_col(d.comment.end.saturating_sub(1));
                let (start, end) = match source.line_start(line + 1) {
                    Some(s) => (s, source.line_start(line + 2).unwrap_or(usize::MAX)),
                    None => (text_len + 1, text_len + 1),
                };
                for entry in entries {
                    covers.push(Cover {
                        directive: i,
                        entry,
                        start,
                        end,
                        used: false,
                    });
                }
            }
            DirectiveKind::Disable => {
                for entry in entries {
                    open.push(covers.len());
                    covers.push(Cover {
                        directive: i,
                        entry,
                        start: d.comment.start,
                        end: usize::MAX,
                        used: false,
                    });
                }
            }
            DirectiveKind::Enable => {
                let key = |c: &Cover| {
                    c.entry
                        .map(|e| dirs[c.directive].names[e].text.to_ascii_lowercase())
                };
                if d.names.is_empty() {
                    if open.is_empty() {
                        enable_unused
                            .entry(i)
                            .or_default()
                            .push((None, Why::NothingToClose));
                    }
                    for c in open.drain(..) {
                        covers[c].end = d.comment.start;
                    }
                    continue;
                }
                for name in &d.names {
                    let want = Some(name.text.to_ascii_lowercase());
                    let mut closed = false;
                    open.retain(|&c| {
                        if key(&covers[c]) == want {
                            covers[c].end = d.comment.start;
                            closed = true;
                            false
                        } else {
                            true
                        }
                    });
                    if !closed {
                        enable_unused
                            .entry(i)
                            .or_default()
                            .push((Some(name.clone()), Why::NothingToClose));
                    }
                }
            }
        }
    }

    // Apply them to the rules' diagnostics.
    let covers_diag = |c: &Cover, d: &Diagnostic| {
        d.span.start >= c.start
            && d.span.start < c.end
            && match c.entry {
                None => true,
                Some(e) => name_matches(
                    &dirs[c.directive].names[e].text.to_ascii_lowercase(),
                    d.rule,
                    groups.get(d.rule).copied(),
                ),
            }
    };
    let mut kept = Vec::with_capacity(diags.len());
    let mut suppressed = 0;
    for d in diags {
        let mut hit = false;
        for c in &mut covers {
            if covers_diag(c, &d) {
                c.used = true;
                hit = true;
            }
        }
        if hit {
            suppressed += 1;
        } else {
            kept.push(d);
        }
    }

    let mut unused_now = unused(&dirs, &covers, enable_unused.clone(), rules, &groups);

    // The reports are diagnostics too: suppressions may silence them, but a
    // directive never silences the report about itself. A directive that
    // silences a report is used, so the unused ones are found again after.
    if report {
        let reports: Vec<(Option<usize>, Diagnostic)> = unused_now
            .iter()
            .map(|u| {
                (
                    dirs.iter().position(|x| *x == u.directive),
                    crate::rules::unused_suppression::report(doc, u),
                )
            })
            .collect();
        let mut any = false;
        for (this, d) in &reports {
            for c in &mut covers {
                if Some(c.directive) != *this && covers_diag(c, d) {
                    c.used = true;
                    any = true;
                }
            }
        }
        if any {
            unused_now = unused(&dirs, &covers, enable_unused, rules, &groups);
        }
        for u in &unused_now {
            let d = crate::rules::unused_suppression::report(doc, u);
            let this = dirs.iter().position(|x| *x == u.directive);
            if covers
                .iter()
                .any(|c| Some(c.directive) != this && covers_diag(c, &d))
            {
                suppressed += 1;
            } else {
                kept.push(d);
            }
        }
        for m in &malformed {
            let d = crate::rules::unused_suppression::report_malformed(m);
            if covers.iter().any(|c| covers_diag(c, &d)) {
                suppressed += 1;
            } else {
                kept.push(d);
            }
        }
    }
    let unused = unused_now;
    Filtered {
        kept,
        suppressed,
        unused,
    }
}

fn unused(
    dirs: &[Directive],
    covers: &[Cover],
    mut enable_unused: BTreeMap<usize, Vec<(Option<Name>, Why)>>,
    rules: &[&'static dyn Rule],
    groups: &BTreeMap<&'static str, &'static str>,
) -> Vec<Unused> {
    let all = crate::rules::all();
    let known = |name: &str| {
        all.iter()
            .any(|r| name_matches(name, r.meta().id, Some(r.meta().group.as_str())))
    };
    let enabled = |name: &str| {
        rules
            .iter()
            .any(|r| name_matches(name, r.meta().id, groups.get(r.meta().id).copied()))
    };
    let others_enabled = rules
        .iter()
        .any(|r| r.meta().id != UnusedSuppression::META.id);
    let mut out = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        let mut names: Vec<(Option<Name>, Why)> = Vec::new();
        if d.kind == DirectiveKind::Enable {
            names = enable_unused.remove(&i).unwrap_or_default();
            let total = d.names.len().max(1);
            if !names.is_empty() {
                out.push(Unused {
                    directive: d.clone(),
                    whole: names.len() == total,
                    names,
                });
            }
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        let mine: Vec<&Cover> = covers.iter().filter(|c| c.directive == i).collect();
        for c in &mine {
            if let Some(e) = c.entry {
                let lower = d.names[e].text.to_ascii_lowercase();
                if seen.contains(&lower) {
                    names.push((Some(d.names[e].clone()), Why::Duplicate));
                    continue;
                }
                seen.push(lower);
            }
            if c.used {
                continue;
            }
            let Some(e) = c.entry else {
                let why = if others_enabled {
                    Why::SuppressedNothing
                } else {
                    Why::NotEnabled
                };
                names.push((None, why));
                continue;
            };
            let name = &d.names[e];
            let lower = name.text.to_ascii_lowercase();
            let why = if !known(&lower) {
                Why::UnknownName
            } else if !enabled(&lower) {
                Why::NotEnabled
            } else {
                Why::SuppressedNothing
            };
            names.push((Some(name.clone()), why));
        }
        if !names.is_empty() {
            out.push(Unused {
                directive: d.clone(),
                whole: names.len() == mine.len(),
                names,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn doc(html: &str) -> Document {
        Document::parse(Source::from_text(html)).expect("parse")
    }

    #[test]
    fn reads_directives_with_spans() {
        let html = "<p>x</p><!-- tagmend-disable-next-line tag-debris,stray-end-tag -- legacy -->";
        let d = doc(html);
        let (dirs, bad) = directives(&d);
        assert!(bad.is_empty());
        assert_eq!(dirs.len(), 1);
        assert_eq!(dirs[0].kind, DirectiveKind::DisableNextLine);
        let names: Vec<&str> = dirs[0]
            .names
            .iter()
            .map(|n| d.source().slice(n.span))
            .collect();
        assert_eq!(names, ["tag-debris", "stray-end-tag"]);
    }

    #[test]
    fn malformed_and_look_alikes() {
        let d = doc("<!-- tagmend-disable-nextline x --><!-- tagmend rocks --><script><!-- tagmend-disable --></script>");
        let (dirs, bad) = directives(&d);
        assert!(dirs.is_empty());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].word, "tagmend-disable-nextline");
    }

    #[test]
    fn regions_cover_what_they_say() {
        let html = "<table><tr><td>a td> <td>b</td></tr></table>\n\
                    <!-- tagmend-disable-next-line tag-debris -->\n\
                    <table><tr><td>a td> <td>b</td></tr></table>\n\
                    <!-- tagmend-disable tag-debris -->\n\
                    <table><tr><td>a td> <td>b</td></tr></table>\n\
                    <!-- tagmend-enable tag-debris -->\n\
                    <table><tr><td>a td> <td>b</td></tr></table>\n";
        let d = doc(html);
        let rules = crate::linter::Settings::default().rules().expect("rules");
        let diags = crate::linter::lint_document(&d, &rules);
        let lines: Vec<usize> = diags
            .iter()
            .filter(|x| x.rule == "tag-debris")
            .map(|x| d.source().line_col(x.span.start).0)
            .collect();
        assert_eq!(lines, [1, 7]);
        assert!(!diags.iter().any(|x| x.rule == "unused-suppression"));
    }
}
