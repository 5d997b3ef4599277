//! Print every finding of the content, cleanup and security rules over a folder of
//! pages, each with about 40 characters of context on either side, so a person can
//! read them all and judge each rule's precision (see `docs/content-precision.md`).
//!
//! ```sh
//! cargo run --release --example content_findings -- ../shared/corpus/articles
//! cargo run --release --example content_findings -- --rule mojibake --all ../shared/corpus/articles
//! ```
//!
//! Each finding is one line: `rule<TAB>file:line:col<TAB>context<TAB>message`, the
//! finding's own text marked `⟦…⟧`. A count per rule closes the report. `--all`
//! adds the rules that are off by default; `--rule <id>` keeps one rule.

#![allow(clippy::print_stdout, reason = "an example that reports on stdout")]
#![allow(
    clippy::print_stderr,
    reason = "an example that reports unreadable files"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use tagmend::linter::lint_document;
use tagmend::rule::{Group, Rule};
use tagmend::{Document, Source};

const CONTEXT: usize = 40;

/// `text[..at]`'s last `n` characters.
fn tail(text: &str, at: usize, n: usize) -> &str {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i);
    &text[start..at]
}

/// `text[at..]`'s first `n` characters.
fn head(text: &str, at: usize, n: usize) -> &str {
    let end = text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i);
    &text[at..end]
}

fn one_line(s: &str) -> String {
    s.replace('\t', " ").replace(['\n', '\r'], "\u{21b5}")
}

fn main() -> ExitCode {
    let mut all = false;
    let mut only: Option<String> = None;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--all" => all = true,
            "--rule" => only = args.next(),
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    if dirs.is_empty() {
        dirs.push(PathBuf::from("../shared/corpus/articles"));
    }
    let rules: Vec<&'static dyn Rule> = tagmend::rules::all()
        .into_iter()
        .filter(|r| {
            let m = r.meta();
            matches!(m.group, Group::Content | Group::Cleanup | Group::Security)
                && (all || m.default_on)
                && only.as_deref().is_none_or(|o| o == m.id)
        })
        .collect();
    let mut files = Vec::new();
    for dir in &dirs {
        match std::fs::read_dir(dir) {
            Ok(rd) => files.extend(
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "htm")),
            ),
            Err(e) => {
                eprintln!("reading {}: {e}", dir.display());
                return ExitCode::from(2);
            }
        }
    }
    files.sort();
    let mut counts: BTreeMap<&'static str, usize> =
        rules.iter().map(|r| (r.meta().id, 0)).collect();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{name}: unreadable");
            continue;
        };
        let Ok(source) = Source::from_bytes(bytes, None) else {
            eprintln!("{name}: not HTML text");
            continue;
        };
        let Ok(doc) = Document::parse(source) else {
            eprintln!("{name}: over a resource limit");
            continue;
        };
        let text = doc.text();
        for d in lint_document(&doc, &rules) {
            *counts.entry(d.rule).or_default() += 1;
            let (line, col) = doc.source().line_col(d.span.start);
            let shown = head(&text[d.span.start..d.span.end.max(d.span.start)], 0, 80);
            println!(
                "{}\t{name}:{line}:{col}\t{}\u{27e6}{}\u{27e7}{}\t{}",
                d.rule,
                one_line(tail(text, d.span.start, CONTEXT)),
                one_line(shown),
                one_line(head(text, d.span.end, CONTEXT)),
                one_line(&d.message),
            );
        }
    }
    println!();
    println!("{} pages", files.len());
    for (rule, n) in counts {
        println!("{n:6}  {rule}");
    }
    ExitCode::SUCCESS
}
