//! The content rules on the seed article: each defect the issue names is reported,
//! and none of the look-alikes next to them is.

mod common;

use tagmend::{Document, Settings, Source};

fn seed() -> Option<Vec<u8>> {
    common::read_shared_or_skip("seeds/seed-article.html")
}

/// A content finding: its rule, its span and the words around it (for messages).
struct Found {
    rule: &'static str,
    span: (usize, usize),
    context: String,
}

/// Every finding of the content rules, and the decoded page text.
fn findings(bytes: &[u8]) -> (Vec<Found>, String) {
    let settings = Settings {
        select: vec!["content".into()],
        ..Settings::default()
    };
    let doc =
        Document::parse(Source::from_bytes(bytes.to_vec(), None).expect("decode")).expect("parse");
    let rules = settings.rules().expect("rules");
    let text = doc.text();
    let found = tagmend::linter::lint_document(&doc, &rules)
        .into_iter()
        .map(|d| {
            // The word before the span, the span, and the word after it.
            let start = text[..d.span.start]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            let end = text[d.span.end..]
                .find(char::is_whitespace)
                .map_or(text.len(), |i| d.span.end + i);
            Found {
                rule: d.rule,
                span: (d.span.start, d.span.end),
                context: text[start..end].to_string(),
            }
        })
        .collect();
    (found, text.to_string())
}

#[test]
fn seed_article_content_findings() {
    let Some(bytes) = seed() else { return };
    let (found, text) = findings(&bytes);
    let shown: Vec<String> = found
        .iter()
        .map(|f| format!("{} {:?}", f.rule, f.context))
        .collect();
    let expected = [
        ("placeholder-text", "[insert date]"),
        ("missing-space-after-punctuation", "sharing.This"),
        ("missing-space-after-punctuation", "dialogues,the"),
        ("missing-space-after-punctuation", "Together,the"),
        ("missing-space-after-punctuation", "readiness,economic"),
        ("missing-space-after-punctuation", "region.As"),
        ("space-before-punctuation", "Deployment :"),
        ("unbalanced-quotes", "trends,\u{201d}\u{2026}a"),
    ];
    for (rule, needle) in expected {
        // A finding of `rule` whose span lies inside an occurrence of `needle`.
        let reported = text.match_indices(needle).any(|(at, m)| {
            found
                .iter()
                .any(|f| f.rule == rule && at <= f.span.0 && f.span.1 <= at + m.len())
        });
        assert!(
            reported,
            "`{rule}` does not report `{needle}`; findings: {shown:#?}"
        );
    }
    // Look-alikes no content rule may touch: no finding overlaps any occurrence.
    for needle in ["U.S.", "U.S.-Panama", "2023", "(2023).", "NATO\u{2019}s"] {
        let hits: Vec<&String> = text
            .match_indices(needle)
            .flat_map(|(at, m)| {
                let end = at + m.len();
                found
                    .iter()
                    .zip(&shown)
                    .filter(move |(f, _)| f.span.0 < end && at < f.span.1.max(f.span.0 + 1))
                    .map(|(_, s)| s)
            })
            .collect();
        assert!(hits.is_empty(), "`{needle}` reported: {hits:#?}");
    }
}
