//! Parse (and optionally lint) every page named on the command line N times, for
//! profiling with perf or callgrind: `profile_parse [--lint] N FILES...`.
#![allow(clippy::print_stdout)] // an example binary reports on stdout

use tagmend::linter::{lint_document, Settings};
use tagmend::{Document, Source};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let lint = args.first().is_some_and(|a| a == "--lint");
    if lint {
        args.remove(0);
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1);
    let pages: Vec<String> = args
        .iter()
        .skip(1)
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| Source::from_bytes(b, None).ok())
        .map(|s| s.text().to_owned())
        .collect();
    let rules = Settings::default().rules().unwrap_or_default();
    let mut count = 0;
    for _ in 0..n {
        for p in &pages {
            if let Ok(doc) = Document::parse(Source::from_text(p.as_str())) {
                count += doc.node_count();
                if lint {
                    count += lint_document(&doc, &rules).len();
                }
            }
        }
    }
    println!("{count}");
}
