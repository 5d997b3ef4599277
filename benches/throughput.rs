//! Throughput over ../shared/corpus/articles: plain html5ever `parse_document`,
//! tagmend's span-tracking parse, lint with the default rules, and fix.
//! Run: `cargo bench --bench throughput`. Compare the rows side by side: they run
//! on the same files in one process.

use std::path::PathBuf;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::RcDom;
use tagmend::linter::{fix_document, lint_document, Settings};
use tagmend::{Applicability, Document, Source};

fn main() {
    divan::main();
}

fn corpus() -> Vec<String> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/articles"
    ));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "html"));
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| Source::from_bytes(b, None).ok())
        .map(|s| s.text().to_owned())
        .collect()
}

fn bytes(pages: &[String]) -> usize {
    pages.iter().map(String::len).sum()
}

#[divan::bench(sample_count = 10)]
fn html5ever_parse_document(b: divan::Bencher) {
    let pages = corpus();
    b.counter(divan::counter::BytesCount::new(bytes(&pages)))
        .bench(|| {
            for p in &pages {
                let dom =
                    html5ever::parse_document(RcDom::default(), html5ever::ParseOpts::default())
                        .one(p.as_str());
                divan::black_box(dom);
            }
        });
}

#[divan::bench(sample_count = 10)]
fn tagmend_parse_with_spans(b: divan::Bencher) {
    let pages = corpus();
    b.counter(divan::counter::BytesCount::new(bytes(&pages)))
        .bench(|| {
            for p in &pages {
                divan::black_box(Document::parse(Source::from_text(p.as_str())).ok());
            }
        });
}

#[divan::bench(sample_count = 10)]
fn tagmend_lint_default_rules(b: divan::Bencher) {
    let pages = corpus();
    let rules = Settings::default().rules().unwrap_or_default();
    b.counter(divan::counter::BytesCount::new(bytes(&pages)))
        .bench(|| {
            for p in &pages {
                if let Ok(doc) = Document::parse(Source::from_text(p.as_str())) {
                    divan::black_box(lint_document(&doc, &rules));
                }
            }
        });
}

#[divan::bench(sample_count = 10)]
fn tagmend_fix_unsafe(b: divan::Bencher) {
    let pages = corpus();
    let settings = Settings::default();
    let rules = settings.rules().unwrap_or_default();
    b.counter(divan::counter::BytesCount::new(bytes(&pages)))
        .bench(|| {
            for p in &pages {
                if let Ok(doc) = Document::parse(Source::from_text(p.as_str())) {
                    divan::black_box(
                        fix_document(doc, &rules, Applicability::Unsafe, &settings.limits).ok(),
                    );
                }
            }
        });
}
