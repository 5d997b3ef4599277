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
        f.write_str(&self.d.message)
    }
}
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.rule))
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let title = self.d.fix_title.as_ref()?;
        let grade = self.d.fix.as_ref().map_or("", |f| match f.applicability() {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe fix)",
            Applicability::DisplayOnly => " (suggestion)",
        });
        let note = self
            .d
            .note
            .as_ref()
            .map_or(String::new(), |n| format!("\nnote: {n}"));
        Some(Box::new(format!("{title}{grade}{note}")))
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

/// One line per diagnostic: `path:line:col: rule-id [*] message`.
pub fn render_concise(
    path: &str,
    source: &crate::source::Source,
    diags: &[Diagnostic],
    level: Applicability,
) -> String {
    let mut out = String::new();
    let path = escape_for_terminal(path);
    for d in diags {
        let (line, col) = source.line_col(d.span.start);
        let star = if d.fix.as_ref().is_some_and(|f| f.applicability() >= level) {
            " [*]"
        } else {
            ""
        };
        out.push_str(&format!(
            "{path}:{line}:{col}: {}{star} {}\n",
            d.rule, d.message
        ));
    }
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
