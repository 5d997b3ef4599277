//! Count html5ever's parse errors in HTML files, decoded as tagmend decodes them.
//!
//! ```sh
//! cargo run --release --example parse_errors -- a.html b.html      # "<count>\t<path>" a line
//! cargo run --release --example parse_errors -- --messages a.html  # "<count>\t<message>" a line
//! cargo run --release --example parse_errors -- --show a.html      # each error with its context
//! ```

#![allow(clippy::print_stdout, reason = "an example that reports on stdout")]
#![allow(
    clippy::print_stderr,
    reason = "an example that reports unreadable files"
)]

use std::collections::BTreeMap;
use std::process::ExitCode;

use tagmend::{Document, Source};

fn main() -> ExitCode {
    let mut messages = false;
    let mut show = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--messages" {
            messages = true;
        } else if arg == "--show" {
            show = true;
        } else {
            paths.push(arg);
        }
    }
    let mut by_message: BTreeMap<String, usize> = BTreeMap::new();
    let mut status = ExitCode::SUCCESS;
    for path in &paths {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                status = ExitCode::from(2);
                continue;
            }
        };
        let doc = match Source::from_bytes(bytes, None) {
            Ok(source) => Document::parse(source),
            Err(e) => {
                eprintln!("{path}: {e}");
                status = ExitCode::from(2);
                continue;
            }
        };
        match doc {
            Ok(doc) => {
                if show {
                    for e in doc.parse_errors() {
                        let text = doc.text();
                        let mut a = e.span.start.saturating_sub(60);
                        while !text.is_char_boundary(a) {
                            a -= 1;
                        }
                        let mut b = (e.span.end + 40).min(text.len());
                        while !text.is_char_boundary(b) {
                            b += 1;
                        }
                        let (line, _) = doc.source().line_col(e.span.start);
                        println!(
                            "{path}:{line}: {} [{}..{}] {:?}",
                            e.message,
                            e.span.start,
                            e.span.end,
                            &text[a..b]
                        );
                    }
                } else if messages {
                    for e in doc.parse_errors() {
                        *by_message.entry(e.message.to_string()).or_default() += 1;
                    }
                } else {
                    println!("{}\t{path}", doc.parse_errors().len());
                }
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                status = ExitCode::from(2);
            }
        }
    }
    for (m, n) in by_message {
        println!("{n}\t{m}");
    }
    status
}
