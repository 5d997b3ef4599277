//! Dump the table, list, heading and paragraph elements of a page as
//! `<path>\t<text>` lines (path: the tracked elements from the root, text: whitespace
//! collapsed), then a `\u{1}` line and the page's visible text. Used by
//! `scripts/debris-recovery.py` to compare an original page with its repair.
//!
//! ```sh
//! cargo run --release --example element_paths -- page.html
//! ```

#![allow(clippy::print_stdout, reason = "an example that reports on stdout")]
#![allow(
    clippy::print_stderr,
    reason = "an example that reports unreadable files"
)]

use std::process::ExitCode;

use tagmend::{Document, Source};

const TRACKED: &[&str] = &[
    "table", "tr", "td", "th", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "p",
];

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: element_paths PAGE");
        return ExitCode::from(2);
    };
    let doc = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| Source::from_bytes(b, None).map_err(|e| e.to_string()))
        .and_then(|s| Document::parse(s).map_err(|e| e.to_string()))
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = String::new();
    for el in doc.elements() {
        if !el.is_html() || !TRACKED.contains(&el.name()) {
            continue;
        }
        if doc.in_element(
            el.parent(),
            &["head", "script", "style", "template", "noscript"],
        ) {
            continue;
        }
        // Only tracked ancestors: cleanup elsewhere (an unwrapped `<font>`, an
        // implied `<tbody>`) does not move an element.
        let mut names: Vec<&str> = doc
            .self_and_ancestors(el.id)
            .map(|e| e.name())
            .filter(|n| TRACKED.contains(n))
            .collect();
        names.reverse();
        let text: String = collapse(&el.text()).chars().take(200).collect();
        out.push_str(&names.join("/"));
        out.push('\t');
        out.push_str(&text);
        out.push('\n');
    }
    out.push('\u{1}');
    out.push('\n');
    out.push_str(&collapse(&doc.visible_text()));
    out.push('\n');
    print!("{out}");
    ExitCode::SUCCESS
}
