//! Everything tagmend prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::Applicability;
use crate::rule::Rule;

/// Replace characters that could drive a terminal with visible ones of the same
/// UTF-8 length, so byte spans still line up in the snippet.
pub fn terminal_safe_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push('?'),
            c if ('\u{80}'..='\u{9f}').contains(&c) => out.push('\u{bf}'),
            '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

struct Report<'a> {
    d: &'a Diagnostic,
    src: &'a NamedSource<String>,
    len: usize,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_terminal(&self.d.message))
    }
}
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_for_terminal(&self.d.message))
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.rule))
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let note = self
            .d
            .note
            .as_ref()
            .map(|n| format!("note: {}", escape_for_terminal(n)));
        let Some(title) = self.d.fix_title.as_ref() else {
            return note.map(|n| Box::new(n) as Box<dyn fmt::Display>);
        };
        let grade = self.d.fix.as_ref().map_or("", |f| match f.applicability() {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe fix)",
            Applicability::DisplayOnly => " (suggestion)",
        });
        let note = note.map_or(String::new(), |n| format!("\n{n}"));
        Some(Box::new(format!(
            "{}{grade}{note}",
            escape_for_terminal(title)
        )))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let start = self.d.span.start.min(self.len);
        let len = self.d.span.len().min(self.len - start);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.d.rule.to_string()), (start, len)),
        )))
    }
}

/// Lines longer than this are not drawn by miette (see [`render_full`]).
const LONG_LINE: usize = 2_000;

/// Render diagnostics of one file in the `full` format.
pub fn render_full(path: &str, text: &str, diags: &[Diagnostic], color: bool) -> String {
    let src = NamedSource::new(escape_for_terminal(path), terminal_safe_source(text));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        // miette draws the whole source line (and panics formatting padding past
        // 65,535 columns): a diagnostic on a very long line, common in minified
        // pages, is shown in one line instead.
        let at = d.span.start.min(text.len());
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        if line_end - line_start > LONG_LINE {
            let line = text[..at].matches('\n').count() + 1;
            let col = text[line_start..at].chars().count() + 1;
            let excerpt: String = text[at..line_end].chars().take(60).collect();
            out.push_str(&format!(
                "  {} {}\n   ╭─[{}:{line}:{col}]\n   │ {}…\n",
                d.rule,
                escape_for_terminal(&d.message),
                escape_for_terminal(path),
                escape_for_terminal(&excerpt),
            ));
            if let Some(t) = &d.fix_title {
                out.push_str(&format!("  help: {}\n", escape_for_terminal(t)));
            }
            out.push('\n');
            continue;
        }
        let r = Report {
            d,
            src: &src,
            len: text.len(),
        };
        let _ = handler.render_report(&mut out, &r);
        out.push('\n');
    }
    out
}

/// One line per diagnostic: `path:line:col: rule-id [*] message`, with
/// ` (fix: title)` appended when `show_fixes`.
pub fn render_concise(
    path: &str,
    source: &crate::source::Source,
    diags: &[Diagnostic],
    level: Applicability,
    show_fixes: bool,
) -> String {
    let mut out = String::new();
    let path = escape_for_terminal(path);
    for d in diags {
        let (line, col) = source.line_col(d.span.start);
        let star = if d.fix.as_ref().is_some_and(|f| {
            f.applicability() >= level && f.applicability() != Applicability::DisplayOnly
        }) {
            " [*]"
        } else {
            ""
        };
        let fix = match (&d.fix_title, show_fixes) {
            (Some(t), true) => format!(" (fix: {})", escape_for_terminal(t)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{path}:{line}:{col}: {}{star} {}{fix}\n",
            d.rule,
            escape_for_terminal(&d.message)
        ));
    }
    out
}

/// `--show-fixes` after `--fix` or `--diff`: the fixes applied, per file and rule.
pub fn render_fixed<'a>(
    files: impl Iterator<Item = (&'a str, &'a std::collections::BTreeMap<&'static str, usize>)>,
    would: bool,
) -> String {
    let mut body = String::new();
    let mut total = 0;
    for (path, fixed) in files {
        if fixed.is_empty() {
            continue;
        }
        body.push_str(&format!("- {}:\n", escape_for_terminal(path)));
        for (rule, n) in fixed {
            total += n;
            let summary = crate::rules::by_id(rule).map_or("", |r| r.meta().summary);
            body.push_str(&format!("    {n} × {rule} ({summary})\n"));
        }
    }
    format!(
        "{} {total} error{}:\n{body}\n",
        if would { "Would fix" } else { "Fixed" },
        if total == 1 { "" } else { "s" }
    )
}

/// A config error: the message naming file, line and key, then the file's
/// snippet with the bad key or value labelled.
pub fn render_config_error(e: &crate::config::ConfigError, color: bool) -> String {
    let mut out = format!(
        "tagmend: error: invalid config {}\n",
        escape_for_terminal(&e.to_string())
    );
    let (Some(text), Some(span)) = (&e.text, &e.span) else {
        return out;
    };
    let src = NamedSource::new(
        escape_for_terminal(&e.path.display().to_string()),
        terminal_safe_source(text),
    );
    let start = span.start.min(text.len());
    let len = span.end.min(text.len()).saturating_sub(start);
    let label = e.key.as_ref().map_or_else(
        || "here".to_string(),
        |k| format!("`{}`", escape_for_terminal(k)),
    );
    let report = miette::miette!(
        labels = vec![LabeledSpan::new_primary_with_span(
            Some(label),
            (start, len)
        )],
        "{}",
        escape_for_terminal(&e.message)
    )
    .with_source_code(src);
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let _ = handler.render_report(&mut out, report.as_ref());
    out
}

/// `tagmend rules`.
pub fn rules_table(rules: &[&'static dyn Rule]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<28} {:<10} {:<10} {:<8} {}\n",
        "RULE", "GROUP", "FIX", "DEFAULT", "SUMMARY"
    ));
    for r in rules {
        let m = r.meta();
        out.push_str(&format!(
            "{:<28} {:<10} {:<10} {:<8} {}\n",
            m.id,
            m.group.as_str(),
            m.fix.as_str(),
            if m.default_on { "on" } else { "off" },
            m.summary
        ));
    }
    out
}

/// `tagmend rule <id>`.
pub fn rule_doc(r: &'static dyn Rule) -> String {
    let m = r.meta();
    let mut out = format!(
        "# {}\n\nGroup: {}. Fix: {}. Default: {}.\n\n{}\n\n",
        m.id,
        m.group.as_str(),
        m.fix.as_str(),
        if m.default_on { "on" } else { "off" },
        m.summary
    );
    for line in m.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Write to stdout; false when the reader went away (broken pipe).
pub fn stdout(s: &[u8]) -> bool {
    let mut o = io::stdout().lock();
    o.write_all(s).and_then(|()| o.flush()).is_ok()
}

/// Write to stderr.
pub fn stderr(s: &str) {
    let mut e = io::stderr().lock();
    let _ = e.write_all(s.as_bytes());
}
