//! Everything tagmend prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::Applicability;
use crate::rule::Rule;

/// Replace characters that could drive a terminal with visible ones of the same
/// UTF-8 length, so byte spans still line up in the snippet.
///
/// Every replacement keeps its character's length, so the page is copied
/// whole and only those characters are overwritten. They all start with a
/// byte below 0x20, 0x7F, 0xC2 or 0xE2: a block of the page with none of
/// those is passed over in one test.
pub fn terminal_safe_source(text: &str) -> String {
    let mut out = text.as_bytes().to_vec();
    make_terminal_safe(text.as_bytes(), &mut out, 0, text.len());
    // Whole characters were replaced by whole characters: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`terminal_safe_source`]'s replacements for the characters that start in
/// `b[from..to]` (`from` a character boundary), written to `out`, a copy of `b`.
fn make_terminal_safe(b: &[u8], out: &mut [u8], from: usize, to: usize) {
    let may_start = |x: u8| x < 0x20 || x == 0x7f || x == 0xc2 || x == 0xe2;
    let Some(range) = b.get(from..to) else {
        return;
    };
    for (k, block) in range.chunks(32).enumerate() {
        if !block.iter().fold(false, |a, &x| a | may_start(x)) {
            continue;
        }
        for (j, &x) in block.iter().enumerate() {
            let at = from + k * 32 + j;
            let next = |n: usize| b.get(at + n).copied().unwrap_or(0);
            match x {
                b'\n' | b'\t' | b'\r' => {}
                0..=0x1f | 0x7f => out[at] = b'?',
                // U+0080..=U+009F becomes U+00BF (0xC2 0xBF).
                0xc2 if (0x80..=0x9f).contains(&next(1)) => out[at + 1] = 0xbf,
                // Bidirectional controls and line/paragraph separators become
                // U+FFFD (0xEF 0xBF 0xBD).
                0xe2 if matches!(
                    (next(1), next(2)),
                    (0x80, 0x8e | 0x8f | 0xa8..=0xae) | (0x81, 0xa6..=0xa9)
                ) =>
                {
                    out[at..at + 3].copy_from_slice("\u{fffd}".as_bytes());
                }
                _ => {}
            }
        }
    }
}

/// The page as [`terminal_safe_source`] gives it, but made safe only around
/// the findings `render_full` draws with miette: from two lines above each
/// span's first line to two lines below its last (miette reads one line of
/// context either side; `IndexedSource` starts a line earlier). The rest of
/// the page is never shown, and replacing its characters cost more than
/// drawing the reports (every curly quote and no-break space is looked at).
fn terminal_safe_around(source: &crate::source::Source, diags: &[&Diagnostic]) -> String {
    let text = source.text();
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut done = 0;
    for d in diags {
        let first = source.line_of(d.span.start.min(text.len()));
        let last = source.line_of(d.span.end.min(text.len()));
        let from = source
            .line_start(first.saturating_sub(2).max(1))
            .unwrap_or(0)
            .max(done);
        let to = source.line_start(last + 3).unwrap_or(text.len());
        if from < to {
            make_terminal_safe(b, &mut out, from, to);
            done = to;
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A named page for miette with its line breaks indexed. miette's own
/// `SourceCode` for text finds a snippet's lines by reading the page from the
/// top, once per snippet: a page with many findings took time quadratic in its
/// size (1.3 s to show the corpus's findings). This one starts miette's reader
/// a few lines above the snippet, where it reads exactly as it would have
/// there from the top (see [`IndexedSource::read_span`]).
pub(crate) struct IndexedSource {
    name: String,
    text: String,
    /// The offset of each line's start, as miette splits lines (after `\r\n`,
    /// a lone `\r` or `\n`): 0 first.
    starts: Vec<usize>,
}

impl IndexedSource {
    pub(crate) fn new(name: String, text: String) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\r', b'\n', b) {
            // `\r\n` is one break: its `\n` is skipped.
            if b[i] == b'\n' && i > 0 && b[i - 1] == b'\r' {
                continue;
            }
            let after = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            starts.push(after);
        }
        Self { name, text, starts }
    }
}

impl SourceCode for IndexedSource {
    /// miette's reader for text, run from the start of a line `before + 1`
    /// lines above the span's line rather than from the top of the page, and
    /// its answer moved back to page offsets and line numbers. The reader's
    /// state at a line start is the number of lines read so far (which only
    /// shifts the line numbers) and the starts of the last `before` lines,
    /// which it has read again by the time it reaches the span; so the answer
    /// is the one reading from the top gives.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span.offset().min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let skip = line.saturating_sub(context_lines_before.saturating_add(1));
        let base = self.starts.get(skip).copied().unwrap_or(0);
        let rest = self.text.as_bytes().get(base..).unwrap_or_default();
        let moved = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = rest.read_span(&moved, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + skip,
            inner.column(),
            inner.line_count() + skip,
        )))
    }
}

struct Report<'a> {
    d: &'a Diagnostic,
    src: &'a IndexedSource,
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
        help_text(self.d).map(|h| Box::new(h) as Box<dyn fmt::Display>)
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

/// The help line of a drawn finding: its fix (and how safe it is), then its note.
fn help_text(d: &Diagnostic) -> Option<String> {
    let note = d
        .note
        .as_ref()
        .map(|n| format!("note: {}", escape_for_terminal(n)));
    let Some(title) = d.fix_title.as_ref() else {
        return note;
    };
    let grade = d.fix.as_ref().map_or("", |f| match f.applicability() {
        Applicability::Safe => "",
        Applicability::Unsafe => " (unsafe fix)",
        Applicability::DisplayOnly => " (suggestion)",
    });
    let note = note.map_or(String::new(), |n| format!("\n{n}"));
    Some(format!("{}{grade}{note}", escape_for_terminal(title)))
}

/// Lines longer than this are not drawn by miette (see [`render_full`]).
const LONG_LINE: usize = 2_000;

/// Render diagnostics of one file in the `full` format.
pub fn render_full(
    path: &str,
    source: &crate::source::Source,
    diags: &[Diagnostic],
    color: bool,
) -> String {
    render_full_with(path, source, diags, color, true)
}

/// [`render_full`]; with `allow_plain` false, miette draws every finding.
fn render_full_with(
    path: &str,
    source: &crate::source::Source,
    diags: &[Diagnostic],
    color: bool,
    allow_plain: bool,
) -> String {
    let text = source.text();
    let name = escape_for_terminal(path);
    // miette draws the whole source line (and panics formatting padding past
    // 65,535 columns): a finding on a very long line, common in minified
    // pages, is shown in one line instead (below). This is where that line
    // ends, for such a finding. Looked up in the page's line index: searching
    // the text around a finding is slow on a long line, the very case this is
    // for.
    let long_line_end = |d: &Diagnostic| {
        let line = source.line_of(d.span.start.min(text.len()));
        let line_start = source.line_start(line).unwrap_or(0);
        let line_end = source.line_start(line + 1).map_or(text.len(), |s| s - 1);
        (line_end - line_start > LONG_LINE).then_some(line_end)
    };
    // miette's source, made only when a finding needs miette: a copy of the
    // page, made safe around the findings, and its lines as miette splits them.
    let mut miette_src: Option<IndexedSource> = None;
    // `draw_plain` reads lines from the page's own index, which splits at `\n`
    // only: right unless a lone `\r` breaks a line for miette.
    let b = text.as_bytes();
    let plain = allow_plain
        && !color
        && memchr::memchr_iter(b'\r', b).all(|i| b.get(i + 1) == Some(&b'\n'));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_wrap_lines(false);
    let mut out = String::new();
    for d in diags {
        if let Some(line_end) = long_line_end(d) {
            let at = d.span.start.min(text.len());
            let (line, col) = source.line_col(at);
            let excerpt: String = text[at..line_end].chars().take(60).collect();
            out.push_str(&format!(
                "  {} {}\n   ╭─[{name}:{line}:{col}]\n   │ {}…\n",
                d.rule,
                escape_for_terminal(&d.message),
                escape_for_terminal(&excerpt),
            ));
            if let Some(t) = &d.fix_title {
                out.push_str(&format!("  help: {}\n", escape_for_terminal(t)));
            }
            out.push('\n');
            continue;
        }
        if !(plain && draw_plain(&mut out, source, &name, d)) {
            let src = miette_src.get_or_insert_with(|| {
                let drawn: Vec<&Diagnostic> = diags
                    .iter()
                    .filter(|d| long_line_end(d).is_none())
                    .collect();
                IndexedSource::new(name.clone(), terminal_safe_around(source, &drawn))
            });
            let r = Report {
                d,
                src,
                len: text.len(),
            };
            let _ = handler.render_report(&mut out, &r);
        }
        out.push('\n');
    }
    out
}

/// `text` as miette writes a message or help without wrapping: `first` before
/// the first line, `rest` before the others, an indent alone (its trailing
/// spaces trimmed) before a blank line.
fn push_unwrapped(out: &mut String, text: &str, first: &str, rest: &str) {
    for (i, line) in text.split_terminator('\n').enumerate() {
        let indent = if i == 0 { first } else { rest };
        if i > 0 {
            out.push('\n');
        }
        if line.trim().is_empty() {
            out.push_str(indent.trim_end());
        } else {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
}

/// miette's tab stop.
const TAB_WIDTH: usize = 4;

/// Columns `text` (the start of a line) takes on a terminal, as miette counts
/// them: a tab runs to the next multiple of [`TAB_WIDTH`]. (No escapes: the
/// caller leaves those to miette.)
fn columns(text: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    if text.is_ascii() && !text.contains('\t') {
        // Printable ASCII is one column; the controls miette counts as none
        // were made `?` by `terminal_safe_around`.
        return text.bytes().filter(|b| (0x20..0x7f).contains(b)).count();
    }
    text.chars().fold(0, |col, c| {
        col + match c {
            '\t' => TAB_WIDTH - col % TAB_WIDTH,
            c => c.width().unwrap_or(0),
        }
    })
}

/// A line of source as miette prints it: tabs become the spaces they span.
fn push_line_text(out: &mut String, line: &str) {
    use unicode_width::UnicodeWidthChar;
    if !line.contains('\t') {
        out.push_str(line);
        return;
    }
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let w = TAB_WIDTH - col % TAB_WIDTH;
            out.extend(std::iter::repeat_n(' ', w));
            col += w;
        } else {
            out.push(c);
            col += c.width().unwrap_or(0);
        }
    }
}

/// Draw `d` into `out` exactly as miette's graphical handler does with
/// `render_full`'s settings (no colour, one line of context either side, no
/// wrapping), for the shape nearly every finding has: a non-empty span on one
/// line of a page whose lines end in `\n` or `\r\n` (miette reads a lone `\r`
/// as a line break in one place and not in another). miette spends about
/// 100,000 instructions a finding (it walks the context a character at a time
/// several times over); this is a few thousand. False, with nothing written,
/// for any other shape: miette draws those.
///
/// `tests::plain_drawing_matches_miette` holds the two to the same bytes.
fn draw_plain(
    out: &mut String,
    source: &crate::source::Source,
    name: &str,
    d: &Diagnostic,
) -> bool {
    let text = source.text();
    let b = text.as_bytes();
    let start = d.span.start.min(text.len());
    let end = start + d.span.len().min(text.len() - start);
    if end == start || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return false;
    }
    // The span's line (0-based) and the one above it (no lone `\r` on the
    // page: its lines are miette's).
    let line = source.line_of(start) - 1;
    let first = line.saturating_sub(1);
    let (Some(line_start), Some(from)) =
        (source.line_start(line + 1), source.line_start(first + 1))
    else {
        return false;
    };
    // The span's line ends at its `\n` (or the end of the page); the context
    // ends after the line below it (or at the end).
    let (text_end, to) = match memchr::memchr(b'\n', &b[start..]) {
        Some(i) => {
            let nl = start + i;
            let to = memchr::memchr(b'\n', &b[nl + 1..]).map_or(b.len(), |j| nl + 1 + j + 1);
            (
                if nl > 0 && b[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                },
                to,
            )
        }
        None => (b.len(), b.len()),
    };
    if end > text_end {
        return false;
    }
    // Made safe as `terminal_safe_around` makes miette's copy (each
    // replacement keeps its character's length, so offsets hold).
    let window = terminal_safe_source(&text[from..to]);
    let lines: Vec<(usize, &str)> = window
        .split_inclusive('\n')
        .scan(from, |at, l| {
            let here = *at;
            *at += l.len();
            let l = l.strip_suffix('\n').unwrap_or(l);
            Some((here, l.strip_suffix('\r').unwrap_or(l)))
        })
        .collect();
    let last_number = first + lines.len();
    let width = last_number.to_string().len();
    let pad = " ".repeat(width + 2);
    out.push_str(d.rule);
    out.push_str("\n\n");
    push_unwrapped(out, &escape_for_terminal(&d.message), "  × ", "  │ ");
    out.push_str(&format!(
        "{pad}╭─[{}:{}:{}]\n",
        name,
        line + 1,
        start - line_start + 1
    ));
    for (k, &(at, l)) in lines.iter().enumerate() {
        out.push_str(&format!(" {:>width$} │ ", first + k + 1));
        push_line_text(out, l);
        out.push('\n');
        if at != line_start {
            continue;
        }
        let left = columns(&l[..start - at]);
        let right = columns(&l[..end - at]).max(left + 1);
        let mid = usize::midpoint(left, right);
        out.push_str(&format!(
            " {:width$} · {}{}┬{}\n",
            "",
            " ".repeat(left),
            "─".repeat(mid - left),
            "─".repeat(right - mid - 1)
        ));
        out.push_str(&format!(
            " {:width$} · {}╰── {}\n",
            "",
            " ".repeat(mid),
            d.rule
        ));
    }
    out.push_str(&format!("{pad}╰────\n"));
    if let Some(help) = help_text(d) {
        push_unwrapped(out, &help, "  help: ", "        ");
    }
    true
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
    let src = miette::NamedSource::new(
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
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_wrap_lines(false);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The replacements of [`terminal_safe_source`], a character at a time.
    fn terminal_safe_by_char(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '\n' | '\t' | '\r' => c,
                c if (c as u32) < 0x20 || c == '\u{7f}' => '?',
                c if ('\u{80}'..='\u{9f}').contains(&c) => '\u{bf}',
                '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}' => '\u{fffd}',
                c => c,
            })
            .collect()
    }

    /// The block-wise copy replaces exactly the characters the rule names, at
    /// every position in a block and across block edges.
    #[test]
    fn terminal_safe_source_replaces_each_control() {
        let every: String = (0..0x3000u32)
            .chain(0xfff0..0x10100)
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(terminal_safe_source(&every), terminal_safe_by_char(&every));
        for shift in 0..40 {
            let page = format!(
                "{}\u{202e}x\u{85}\u{1b}[31m\u{2069}\r\n\u{7f}\u{2028}é’",
                "a".repeat(shift)
            );
            let safe = terminal_safe_source(&page);
            assert_eq!(safe, terminal_safe_by_char(&page), "shift {shift}");
            assert_eq!(safe.len(), page.len());
            assert!(!safe.contains('\u{1b}') && !safe.contains('\u{202e}'));
        }
    }

    /// `render_full` makes the page safe only around the findings it draws:
    /// what it prints is what a wholly safe page gives, with controls on the
    /// drawn lines, their context and far from any finding, and findings that
    /// share lines. Both ways: drawn plain (each window made safe on its own)
    /// and by miette (from `terminal_safe_around`'s copy).
    #[test]
    fn safe_windows_draw_as_the_whole_safe_page() {
        use crate::source::{Source, Span};
        let far = "plain line\n".repeat(8);
        let page = format!(
            "{far}a\u{1b}[31m b\u{202e}c\n<p>x\u{85}y</p> z\u{7}\n{far}\u{1b}]0;t\u{7}\n{far}<b>q\u{2028}</b>\n{far}\u{202e}"
        );
        let source = Source::from_text(page.as_str());
        let at = |needle: &str| page.find(needle).unwrap();
        let diags = vec![
            Diagnostic::new("empty-element", Span::new(at("<p>"), at("<p>") + 3), "one"),
            Diagnostic::new(
                "empty-element",
                Span::new(at("y</p>"), at("y</p>") + 5),
                "two",
            ),
            Diagnostic::new(
                "empty-element",
                Span::new(at("<b>"), at("</b>") + 4),
                "three",
            ),
        ];
        let drawn = render_full("p.html", &source, &diags, false);
        let by_miette = render_full_with("p.html", &source, &diags, false, false);
        let whole = {
            let src = IndexedSource::new("p.html".into(), terminal_safe_source(&page));
            let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_context_lines(1)
                .with_wrap_lines(false);
            let mut out = String::new();
            for d in &diags {
                let r = Report {
                    d,
                    src: &src,
                    len: page.len(),
                };
                handler.render_report(&mut out, &r).unwrap();
                out.push('\n');
            }
            out
        };
        assert_eq!(drawn, whole);
        assert_eq!(by_miette, whole);
        assert!(drawn.contains("a?[31m b\u{fffd}c") && drawn.contains("x\u{bf}y"));
        assert!(
            !drawn.contains('\u{1b}') && !drawn.contains('\u{202e}') && !drawn.contains('\u{2028}')
        );
    }

    /// `draw_plain` draws what miette draws, byte for byte: every span of one to
    /// five characters on pages with tabs, `\r\n`, wide and zero-width
    /// characters, controls, line numbers that gain a digit, a last line
    /// without a break; messages and helps of one and several lines.
    #[test]
    fn plain_drawing_matches_miette() {
        use crate::fix::{Edit, Fix};
        use crate::source::{Source, Span};
        let pages = [
            "<p>one</p>\n\t<b>tab</b>\tx\n  a\t\tb <i>c</i>\n".to_string(),
            "l1\r\n<p>crlf</p>\r\nl3\r\n".to_string(),
            "漢字<b>かな</b>😀<i>x</i>\ne\u{301}<u>y</u>\u{200b}z\n".to_string(),
            "a\u{7}b<p>\u{85}c\u{202e}d</p>\u{1b}[0m\n".to_string(),
            (1..=12).fold(String::new(), |mut page, n| {
                page.push_str(&format!("line {n} <p>x</p>\n"));
                page
            }) + "end <b>",
            "only line, no break".to_string(),
            "\n\n<p></p>\n\n".to_string(),
        ];
        let mut compared = 0;
        let mut plain = 0;
        for page in &pages {
            let source = Source::from_text(page.as_str());
            let starts: Vec<usize> = page.char_indices().map(|(i, _)| i).collect();
            for (k, &from) in starts.iter().enumerate() {
                for len in 1..=5 {
                    let to = starts.get(k + len).copied().unwrap_or(page.len());
                    let mut d = Diagnostic::new("some-rule", Span::new(from, to), "A message");
                    match (from + len) % 4 {
                        0 => {}
                        1 => {
                            d = d.with_fix(
                                "Do this",
                                Fix::safe(vec![Edit::deletion(Span::new(from, to))]),
                            );
                        }
                        2 => {
                            d = d
                                .with_fix(
                                    "Do that",
                                    Fix::unsafe_(vec![Edit::deletion(Span::new(from, to))]),
                                )
                                .with_note("a note\nover lines");
                        }
                        _ => {
                            d.message = "Two\nlines".into();
                            d = d.with_note("note only");
                        }
                    }
                    let diags = [d];
                    let fast = render_full_with("p.html", &source, &diags, false, true);
                    let slow = render_full_with("p.html", &source, &diags, false, false);
                    assert_eq!(fast, slow, "page {page:?}, span {from}..{to}");
                    let mut out = String::new();
                    if draw_plain(&mut out, &source, "p.html", &diags[0]) {
                        plain += 1;
                    }
                    compared += 1;
                    if to == page.len() {
                        break;
                    }
                }
            }
        }
        // The comparison means something only if the plain drawing ran: it
        // leaves to miette only the spans that cross a line break.
        assert!(
            plain * 4 > compared * 3,
            "{plain} of {compared} drawn plain"
        );
    }

    /// A `SourceCode` answer in plain values: data, offset, length, line,
    /// column, line count, name.
    type Answer = (Vec<u8>, usize, usize, usize, usize, usize, Option<String>);

    /// What a `SourceCode` answers for a span, in plain values.
    fn answer(
        src: &dyn SourceCode,
        span: SourceSpan,
        before: usize,
        after: usize,
    ) -> Option<Answer> {
        let c = src.read_span(&span, before, after).ok()?;
        Some((
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
            c.line_count(),
            c.name().map(str::to_owned),
        ))
    }

    /// The indexed source answers every span as miette's own reader of the
    /// whole page does, whatever mix of `\r\n`, `\r` and `\n` ends the lines.
    #[test]
    fn indexed_source_reads_as_miette_does() {
        let pages = [
            "a\nbb\n\nccc\r\ndd\re\r\r\nf\n",
            "\n\r\n\r\rx\n\ny",
            "one line, no break",
            "<p>\r\n  <td>x</td>\r\n</p>\r\n<p>tail",
            "",
        ];
        let mut checked = 0;
        for page in pages {
            let mine = IndexedSource::new("p.html".into(), page.to_owned());
            let theirs = miette::NamedSource::new("p.html", page.to_owned());
            for start in 0..=page.len() {
                for len in [0, 1, 2, 5] {
                    for (before, after) in [(0, 0), (1, 1), (2, 1), (0, 3)] {
                        let span = SourceSpan::new(start.into(), len);
                        assert_eq!(
                            answer(&mine, span, before, after),
                            answer(&theirs, span, before, after),
                            "{page:?} at {start}+{len}, context {before}/{after}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500);
    }
}
