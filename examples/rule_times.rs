//! Wall time per phase of `tagmend check` over the pages named on the command
//! line, N rounds on one thread: decode, parse with spans, each rule of the
//! default set (in turn, and alone on a fresh context so with the shared lists
//! it builds), and dropping the document; beside plain html5ever's parse of the
//! same pages. For finding what to speed up: `rule_times N FILES...`.
#![allow(clippy::print_stdout)] // an example binary reports on stdout

use std::time::{Duration, Instant};

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::RcDom;
use tagmend::linter::Settings;
use tagmend::rule::{Context, Profile};
use tagmend::{Document, Source};

// The allocator `tagmend` itself runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1);
    let pages: Vec<Vec<u8>> = args
        .iter()
        .skip(1)
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    let rules = Settings::default().rules().unwrap_or_default();
    let mut times = vec![Duration::ZERO; rules.len()];
    let mut alone = vec![Duration::ZERO; rules.len()];
    let (mut decode, mut parse, mut context, mut drop_t) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut found = 0;
    let mut plain = Duration::ZERO;
    for _ in 0..n {
        for bytes in &pages {
            let text = String::from_utf8_lossy(bytes);
            let t = Instant::now();
            let dom = html5ever::parse_document(RcDom::default(), html5ever::ParseOpts::default())
                .one(text.as_ref());
            found += dom.document.children.borrow().len();
            drop(dom);
            plain += t.elapsed();
            let t = Instant::now();
            let Ok(source) = Source::from_bytes(bytes.clone(), None) else {
                continue;
            };
            decode += t.elapsed();
            let t = Instant::now();
            let Ok(doc) = Document::parse(source) else {
                continue;
            };
            parse += t.elapsed();
            let t = Instant::now();
            let ctx = Context::new(&doc, Profile::Document);
            context += t.elapsed();
            let mut out = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                let t = Instant::now();
                rule.check(&ctx, &mut out);
                times[i] += t.elapsed();
            }
            found += out.len();
            // Each rule again on a context of its own: its cost with the shared
            // lists it reads built for it alone.
            for (i, rule) in rules.iter().enumerate() {
                let ctx = Context::new(&doc, Profile::Document);
                let t = Instant::now();
                rule.check(&ctx, &mut out);
                alone[i] += t.elapsed();
            }
            let t = Instant::now();
            drop(ctx);
            drop(doc);
            drop(out);
            drop_t += t.elapsed();
        }
    }
    let rounds = f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / rounds;
    let mut rows: Vec<(String, f64, f64)> = vec![
        ("decode".into(), ms(decode), 0.0),
        ("parse".into(), ms(parse), 0.0),
        ("context".into(), ms(context), 0.0),
        ("drop".into(), ms(drop_t), 0.0),
    ];
    for (i, r) in rules.iter().enumerate() {
        rows.push((r.meta().id.to_string(), ms(times[i]), ms(alone[i])));
    }
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let rules_total: f64 = rows.iter().skip(4).map(|r| r.1).sum();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "{:8.2} ms  plain html5ever parse_document (RcDom, dropped), not in the total",
        ms(plain)
    );
    println!("in turn        alone");
    for (name, t, a) in &rows {
        println!("{t:8.2} ms {:5.1}%  {a:8.2} ms  {name}", 100.0 * t / total);
    }
    println!("{total:8.2} ms total per round, rules {rules_total:.2} ms ({found} findings)");
}
