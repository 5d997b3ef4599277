//! Conformance: tagmend's span-tracking parse (its own tokenizer driver and arena
//! `TreeSink`) must build the same DOM and report the same number of parse errors
//! as plain `html5ever::parse_document` into `markup5ever_rcdom::RcDom`, over the
//! real article corpus and every html5lib tree-construction input. A second check
//! makes sure the token spans describe the source they claim to.
//!
//! The corpus lives outside the crate (`../shared/corpus`); without it every test
//! here prints that it was skipped and passes.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use common::rcdom::compare;
use tagmend::document::TokenKind;
use tagmend::{Document, Source};

#[allow(
    clippy::print_stdout,
    reason = "the test reports what it compared and what it skipped"
)]
fn report(msg: &str) {
    println!("{msg}");
}

/// False (after saying so) when the shared corpus is not checked out.
fn corpus_present(test: &str) -> bool {
    common::shared_or_skip_in(test, "corpus").is_some()
}

// ---------------------------------------------------------------------------
// Inputs

/// The article pages, decoded as tagmend decodes them: (file name, source).
/// Pages `Source::from_bytes` refuses are counted and named, not compared.
fn article_sources(test: &str) -> Vec<(String, Source)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(common::shared("corpus/articles"))
        .expect("read articles folder")
        .map(|e| e.expect("read articles entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).expect("read article");
        match Source::from_bytes(bytes, None) {
            Ok(source) => out.push((name, source)),
            Err(e) => refused.push(format!("{name} ({e})")),
        }
    }
    report(&format!(
        "{test}: {} articles decoded, {} refused by Source::from_bytes{}{}",
        out.len(),
        refused.len(),
        if refused.is_empty() { "" } else { ": " },
        refused.join(", ")
    ));
    out
}

/// Every `#data` input of the html5lib tree-construction tests that is parsed as
/// a whole document: (file:line, input). Fragment tests (`#document-fragment`) and
/// `#script-on` tests are left out.
fn html5lib_inputs() -> Vec<(String, String)> {
    common::html5lib::tests(&common::shared("corpus/html5lib-tests"))
        .into_iter()
        .filter(common::html5lib::DatTest::is_document)
        .map(|t| (t.at_path(), t.data))
        .collect()
}

/// Every html5lib tree-construction input, fragment and `#script-on` tests'
/// too (unlike [`html5lib_inputs`]), as a page to parse: (file:line, source).
fn every_html5lib_input() -> Vec<(String, Source)> {
    let inputs: Vec<(String, Source)> =
        common::html5lib::tests(&common::shared("corpus/html5lib-tests"))
            .into_iter()
            .map(|t| (t.at_path(), Source::from_text(t.data.as_str())))
            .collect();
    assert!(!inputs.is_empty(), "no html5lib input found");
    inputs
}

fn assert_no_failures(test: &str, compared: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{test}: {} of {compared} inputs differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn articles_parse_like_rcdom() {
    const TEST: &str = "articles_parse_like_rcdom";
    if !corpus_present(TEST) {
        return;
    }
    let started = Instant::now();
    let sources = article_sources(TEST);
    assert!(!sources.is_empty(), "no article decoded");
    let failures: Vec<String> = sources
        .iter()
        .filter_map(|(name, source)| compare(source).map(|why| format!("{name}: {why}")))
        .collect();
    report(&format!(
        "{TEST}: {} articles compared in {:.2?}",
        sources.len(),
        started.elapsed()
    ));
    assert_no_failures(TEST, sources.len(), &failures);
}

#[test]
fn html5lib_inputs_parse_like_rcdom() {
    const TEST: &str = "html5lib_inputs_parse_like_rcdom";
    if !corpus_present(TEST) {
        return;
    }
    let started = Instant::now();
    let inputs = html5lib_inputs();
    assert!(!inputs.is_empty(), "no html5lib input found");
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|(at, data)| {
            compare(&Source::from_text(data.as_str()))
                .map(|why| format!("{at}: input {data:?}\n{why}"))
        })
        .collect();
    report(&format!(
        "{TEST}: {} html5lib inputs compared in {:.2?}",
        inputs.len(),
        started.elapsed()
    ));
    assert_no_failures(TEST, inputs.len(), &failures);
}

// ---------------------------------------------------------------------------
// Span sanity

fn is_markup(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::StartTag | TokenKind::EndTag | TokenKind::Comment | TokenKind::Doctype
    )
}

/// The tag name as written after `<` or `</`: up to whitespace, `/` or `>`
/// (WHATWG 13.2.5.8 "tag name state").
fn written_tag_name(slice: &str, kind: TokenKind) -> &str {
    let rest = match kind {
        TokenKind::EndTag => slice.get(2..).unwrap_or(""),
        _ => slice.get(1..).unwrap_or(""),
    };
    let end = rest
        .find(['\t', '\n', '\x0C', '\r', ' ', '/', '>'])
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every problem with the token spans of `source`'s parse.
fn span_problems(source: &Source) -> Vec<String> {
    let doc = match Document::parse(source.clone()) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("tagmend refused the page: {e}")],
    };
    let len = source.text().len();
    let tokens = doc.tokens();
    let mut problems = Vec::new();
    let mut problem = |i: usize, what: String| {
        if problems.len() < 10 {
            let t = &tokens[i];
            let shown: String = source.slice(t.span).chars().take(80).collect();
            problems.push(format!(
                "token {i} {:?} {:?} at {}: {what}: {shown:?}",
                t.kind, &*t.name, t.span
            ));
        }
    };

    for (i, t) in tokens.iter().enumerate() {
        if t.span.start > t.span.end || t.span.end > len {
            problem(i, format!("span out of bounds (input is {len} bytes)"));
            continue;
        }
        if !source.text().is_char_boundary(t.span.start)
            || !source.text().is_char_boundary(t.span.end)
        {
            problem(i, "span splits a character".into());
            continue;
        }
        if i > 0 && tokens[i - 1].span.start > t.span.start {
            problem(
                i,
                format!("starts before token {} ({})", i - 1, tokens[i - 1].span),
            );
        }
        if !is_markup(t.kind) {
            continue;
        }
        let slice = source.slice(t.span);
        if !slice.starts_with('<') {
            problem(i, "markup does not start with '<'".into());
        }
        if !slice.ends_with('>') && t.span.end != len {
            problem(i, "markup does not end with '>'".into());
        }
        if matches!(t.kind, TokenKind::StartTag | TokenKind::EndTag) {
            let written = written_tag_name(slice, t.kind);
            // The tokenizer replaces U+0000 in a tag name by U+FFFD (WHATWG 13.2.5.8),
            // so a written NUL stands for the token's U+FFFD.
            if !written
                .replace('\0', "\u{FFFD}")
                .eq_ignore_ascii_case(&t.name)
            {
                problem(
                    i,
                    format!("written tag name {written:?} is not the token's"),
                );
            }
        }
    }

    // Text never overlaps markup. Spans start in order, so a text token can only
    // overlap the markup token reaching furthest among those before it, or the first
    // markup token after it.
    let mut next_markup = vec![None; tokens.len() + 1];
    for i in (0..tokens.len()).rev() {
        next_markup[i] = if is_markup(tokens[i].kind) {
            Some(i)
        } else {
            next_markup[i + 1]
        };
    }
    let mut furthest: Option<usize> = None;
    for (i, t) in tokens.iter().enumerate() {
        if is_markup(t.kind) {
            if furthest.is_none_or(|f| tokens[f].span.end < t.span.end) {
                furthest = Some(i);
            }
            continue;
        }
        if t.kind != TokenKind::Text {
            continue;
        }
        for m in [furthest, next_markup[i + 1]].into_iter().flatten() {
            if t.span.overlaps(tokens[m].span) {
                let other = tokens[m].span;
                problem(i, format!("text overlaps markup token {m} ({other})"));
            }
        }
    }
    problems
}

#[test]
fn token_spans_are_sane() {
    const TEST: &str = "token_spans_are_sane";
    if !corpus_present(TEST) {
        return;
    }
    let started = Instant::now();
    let mut inputs: Vec<(String, Source)> = article_sources(TEST);
    let articles = inputs.len();
    inputs.extend(
        html5lib_inputs()
            .into_iter()
            .map(|(at, data)| (at, Source::from_text(data))),
    );
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|(name, source)| {
            let problems = span_problems(source);
            (!problems.is_empty()).then(|| format!("{name}:\n  {}", problems.join("\n  ")))
        })
        .collect();
    report(&format!(
        "{TEST}: {articles} articles and {} html5lib inputs checked in {:.2?}",
        inputs.len() - articles,
        started.elapsed()
    ));
    assert_no_failures(TEST, inputs.len(), &failures);
}

/// Inputs that once parsed differently from `parse_document` or got bad spans;
/// they need no corpus, so this test always runs.
const REGRESSIONS: &[&str] = &[
    // A character reference without `;` raises a tokenizer error between `<pre>`
    // and its LF; html5ever keeps that LF (the error clears "ignore next LF").
    "<pre>&#10x</pre>",
    "<listing>&#x0a</listing>",
    "<textarea>&#10x</textarea>",
    "<pre>&#10;x</pre>",
    // A multi-byte character right before a tag.
    "<p>\u{a0}</p><p>\u{e9}<b>x</b>\u{1F600}</p>",
    // A reconsumed `<`, and `</>`, which makes no token.
    "<<p>x</>y</><div>z</div>",
    // Script data `</` followed by `<`: two text tokens past the `</script>` start.
    "<script></</script><script>a</</</script>",
    // A NUL in a tag name becomes U+FFFD.
    "<a\0b>x</a\0b>",
];

#[test]
fn regression_inputs_parse_like_rcdom_with_sane_spans() {
    for input in REGRESSIONS {
        let source = Source::from_text(*input);
        if let Some(why) = compare(&source) {
            panic!("{input:?}: {why}");
        }
        let problems = span_problems(&source);
        assert!(
            problems.is_empty(),
            "{input:?}:\n  {}",
            problems.join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------
// Derived stacks of open elements

/// On a tag that did the plain thing (a start tag that made one element under the
/// current node, an end tag that closed the current node), the parser derives the
/// stack of open elements from the one before instead of tracing html5ever's
/// handles. Every derived stack must be the traced one: on every html5lib input
/// (fragment tests' inputs too, parsed as documents) and every article. The
/// derivation must also carry most tags of real pages, or it saves nothing.
#[test]
fn derived_open_stacks_match_the_trace() {
    const TEST: &str = "derived_open_stacks_match_the_trace";
    if !corpus_present(TEST) {
        return;
    }
    let mut inputs = every_html5lib_input();
    let html5lib = inputs.len();
    inputs.extend(article_sources(TEST));
    let mut failures = Vec::new();
    let (mut derived, mut article_tags, mut article_derived) = (0, 0, 0);
    for (i, (at, source)) in inputs.into_iter().enumerate() {
        let text = source.text().to_owned();
        match std::panic::catch_unwind(|| Document::parse_verifying_open_stack(source)) {
            Ok(Ok((doc, n))) => {
                derived += n;
                if i >= html5lib {
                    article_derived += n;
                    article_tags += doc
                        .tokens()
                        .iter()
                        .filter(|t| matches!(t.kind, TokenKind::StartTag | TokenKind::EndTag))
                        .count();
                }
            }
            Ok(Err(_)) => {}
            Err(e) => failures.push(format!(
                "{at}: {}\ninput {:?}",
                e.downcast_ref::<String>().map_or("panic", String::as_str),
                short(&text)
            )),
        }
    }
    report(&format!(
        "{TEST}: {derived} stacks derived and checked; articles: {article_derived} of {article_tags} tags"
    ));
    assert_no_failures(TEST, html5lib, &failures);
    assert!(
        article_derived * 2 > article_tags,
        "only {article_derived} of {article_tags} article tags derived their stack"
    );
}

/// The parser holds runs of html5ever's text pieces back and hands them to the
/// tree builder as one token where the insertion mode takes them all alike.
/// That must change nothing it records: every node, token and parse error
/// (spans included) is as when each piece goes in on its own. Over every
/// html5lib input, article, fixture and fuzz regression.
#[test]
fn held_text_parses_as_unheld() {
    const TEST: &str = "held_text_parses_as_unheld";
    if !corpus_present(TEST) {
        return;
    }
    let mut inputs = every_html5lib_input();
    inputs.extend(article_sources(TEST));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["fixtures", "fuzz/regressions"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read fixture folder") {
                let path = e.expect("read fixture entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if !path.to_string_lossy().ends_with(".diagnostics.txt") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 100,
        "only {} fixture files found",
        files.len()
    );
    for path in files {
        let bytes = std::fs::read(&path).expect("read fixture");
        if let Ok(source) = Source::from_bytes(bytes, None) {
            inputs.push((path.display().to_string(), source));
        }
    }
    // Text after a line break in each place where the insertion mode treats
    // whitespace and other text apart, and where pieces are not the source
    // as written (`\r\n`, references, NUL). html5ever splits text at `\r`,
    // `&` and NUL (and at a line break that starts it), so `\n \r\n x` is
    // four pieces: whitespace, whitespace, whitespace, text.
    for (i, case) in [
        "<p>a</body>\n \r\n x&amp;\r\n y",
        "<p>a</html>\n \r\n x&amp;\r\n y",
        "<body>\n \r\n x&amp;\r\n y",
        "<html><head>\n \r\n x&amp;\r\n y",
        "<html>\n \r\n x&amp;\r\n y",
        "<head></head>\n \r\n x&amp;\r\n y",
        "<table>\n \r\n x&amp;\r\n y</table>",
        "<table><tr>\n \r\n x&amp;\r\n y</table>",
        "<table><colgroup>\n \r\n x&amp;\r\n y</table>",
        "<table><b>\n \r\n x&amp;\r\n y</table>",
        "<frameset>\n \r\n x&amp;\r\n y",
        "<template>\n \r\n x&amp;\r\n y</template>",
        "<select>\n \r\n x&amp;\r\n y",
        "<noscript>\n \r\n x&amp;\r\n y",
        "<textarea>\n\n \r\n x&amp;\r\n y</textarea>",
        "<pre>\n\n \r\n x&amp;\r\n y</pre>",
        "<math><mi>\n \r\n x&amp;\r\n y",
        "<svg>\n \r\n x&amp;\r\n y<desc>\n a\n b",
        "<script>a\n\0b\nc\r\nd</script>",
        "<title>a\r\nb &amp; c\rd</title>",
        "<p>a\r\n b &amp c\n d\0\n e</p>",
        "<div>\n <b>x<p>\n y\n z",
        "<style>\n a\n b</sty</style>",
        // Raw text the parser takes whole up to its end tag, or leaves to the
        // tokenizer.
        "<script>a\nb</scriptx>c\n</script >d",
        "<SCRIPT>a\n</Script\n>b",
        "<style>a\nb</style/>c",
        "<style>a\nb</STYLE\tx=1>c",
        "<script>a<!--b</script>c-->d</script>e",
        "<script>a<!-b</script>c",
        "<script>a</script",
        "<script>a\nb",
        "<script></script>x",
        "<script>a\0b\nc</script>",
        "<script>a\r\nb</script>",
        "<style>a\rb</style\r>",
        "<svg><script>a\nb</script>c</svg>",
        "<xmp>a<b>\nc</xmp>d",
        "<iframe>a\n<p>b</iframe>",
        "<noembed>a\nb</noembed>",
        "<noframes>a\nb</noframes>",
        "<noscript><p>a\nb</noscript>",
        "<title>a\nb</title>",
        "<textarea>\na\nb</textarea>",
        "<table><script>a\nb</script><style>c\nd</style></table>",
        "<head><style>a\nb</style></head><body><script>c\nd</script>",
        "<plaintext>a\nb</plaintext>c",
        "<script>é\n</scripté</script>",
        // Tags and text the parser reads itself, or leaves to the tokenizer.
        "<p class=\"a\"id=\"b\">x</p>",
        "<p a=b c>x<p a= \"b\">y<p a ='b'>z",
        "<p A=1 a=2>x</p><p a b a>y",
        "<p a=\"&amp;\">x<p a=b&c>y<p a=b\"c>z<p a=\"x\ny\">w<p a=\"x\r\ny\">v",
        // References in attribute values, decoded or left as written (each
        // value in a tag of its own, after the first tag, which the tokenizer
        // reads).
        "<b><a href=\"?a=1&amp;b=2\"><a href=\"&copy=3\"><a href=\"&notit;\"><a href=\"&not;x\"><a href=\"&amp\">",
        "<b><a href='&#x26;&#38;'><a href='&#0;'><a href=?a=1&b=2&amp;c&lt;d><a title=&amp>",
        "<b><a title=&notin;><a title=&notin><a title=\"&unknown;\"><a title=\"&unknown=1\"><a title=\"&xyz &x\u{e9} & &#\">",
        "<b><a title=\"&#x;\"><a title=\"&#65\"><a title=\"&AMP;&Amp;\"><a title=\"&ampx\"><a title=\"&lt&gt;\"><a title=&nbsp&nbsp;>",
        "<b><a title=\"&NotNestedGreaterGreater;&acE;&fjlig;\"><a title=\"&zwnj\"><a title='&amp'x=1><a b=\"&amp\"c=\"&lt=\">",
        "<b><img alt=\"a&\" src=&><p a=\"&#128;\"><p a=\"&#x80;\"><p a='&#xD800;'><p a='&#x110000;'><p a='&#99999999999;'>",
        "<b><p a=\"&#x1F600;&#x10FFFF;\"><p a=&amp;&lt;><p a=&#65;><p a=&nbsp;x><p a=&fjlig;>",
        "<P CLASS=X Id='y'>x</P >",
        "<br/><br /><br/ ><p/>x</p/></p a></p\n>",
        "<p\x0cclass=a>x<a href=x/>y</a><p a=>z<p =a>w<p 'a'>v",
        "<ns:tag a:b=c>x</ns:tag><my-el data-x='1'>y</my-el><a.b>z</a.b>",
        "<img src=a alt=\"\"><meta charset=\"utf-8\"><input disabled>",
        "<svg viewBox=\"0 0 1 1\"><path d=\"M0\"/><foreignObject><p>x</p></foreignObject></svg>",
        "<math><mi>x</mi><annotation-xml encoding=\"text/html\"><p>y</p></annotation-xml></math>",
        "<table><tr><td>a</td></tr>\n <tr><td>b</table>",
        "<p>a\n\n  b\n c</p>\n\n<p>d</p>",
        "</br><p>x</p></br >",
        "<p a\n=\n\"b\" \n c>x",
        "<template><p a=1>x</template>",
        "<select><option value=1>a<option>b</select>",
        "<frameset><frame src=a></frameset>",
        "<p>x</body>\n  <p>y</html>\n z",
        "<head>\n x y",
        "<head>\n <meta a=b>\n <link c=d>\n</head>\n<body>\n<p>x",
        "<b><i>x</b>y</i><p>z",
        "<a href=1><a href=2>x</a>",
        "<div><p>a<div>b</div>c</p></div>",
        "<ul>\n  <li>a\n  <li>b\n</ul>",
        "<dl><dt>a<dd>b</dl><h1>x<h2>y</h1>",
        "<form><form><input></form>",
        "<p><table><tr><td>x</table>",
        "<textarea>\nx</textarea><title>y</title><STYLE>z</STYLE>",
        "<image src=a><isindex><keygen>",
        "<p>a<!-- c -->b<!DOCTYPE x>c<?pi?>d</p>",
        "<p>a<\u{e9}>b</p>",
        "<p>a</ p>b</>c",
        // Comments the parser reads itself, or leaves to the tokenizer (each
        // after a tag the tokenizer reads).
        "<b><!-- a --><!----><!-- <b> < ! <! <!- x -->y<!--a-->\n<!---->",
        "<b><!-->x<b><!--->y<b><!-- a --->z<b><!-- a --!>w<b><!-- a -- b -->v",
        "<b><!-- <!-- a -->x<b><!--a<!--->y<b><!--x<!-->z<b><!-- a\0b -->w<b><!-- a\r\nb -->v",
        "<b><!--[if lt IE 9]><script src=x></script><![endif]-->x<b><!-- a",
        "<table><b><!-- a --><tr><!-- b -->\n<td>x<!-- c --></table><!-- d -->",
        "<!DOCTYPE html><!-- a --><html><!-- b --><head><!-- c --></head><!-- d --><body>x</body><!-- e --></html><!-- f -->",
        "<b><?php x ?>y<!x>z<!-- a -->w<b><!--->x-->y<b><!-->x-->y",
        // `\r` and `\r\n` in text, tags and raw text, read as `\n`.
        "<b>a\r\nb\r\rc\r\n\r\nd\r\n<i>e\r\n&amp;f\r\n\0g\r\r\n\nh\r\ni\r\n\u{e9}\r&x",
        "<b>\r\n<i>\r</i>\r\n\r\n</b>\r\n\r",
        "<b>x\r\r\n<p\x0bclass=a>y",
        "<b>x\r\n",
        "<b><p\r\nclass=a\r\nid=\"b\"\r>x</p\r\n><p\rclass=a\r>y<p a=\"x\r\ny\">z",
        "<b><script>a\r\n</script><style>b\r</style><script>\r\n\r\n</script><style>\r\nc\r\n\rd\r\r\n</style>",
        "<b><pre>\r\nx</pre><pre>\r\n\r\ny</pre><listing>\r\nz</listing><textarea>\r\nw</textarea>",
        "<table><tr>\r\n<td>x\r\n</td>\r\n</tr>\r\n</table>\r\n<table>\r\na\r\n</table>",
        "<html>\r\n<head>\r\n<title>x</title>\r\n</head>\r\n<body>\r\ny\r\n</body>\r\n</html>\r\n",
        // Raw text start tags the parser reads itself, when it takes their
        // text whole, or leaves to the tokenizer.
        "<b><script>a</script><style>b</style><iframe>c</iframe><noscript>d</noscript><xmp>e</xmp>",
        "<b><noembed>f</noembed><noframes>g</noframes><script></script><style></style>x",
        "<b><svg><script>a<b>c</script><style>d</style><iframe>e</iframe></svg><math><style>a<b>c</style></math>",
        "<b><script>a<!--b</script>c</script><style>a<!--b</style>c<b><script>a\0b</script>",
        "<b><SCRIPT type=x>a</Script ><Style>b</STYLE\n><script/>a</script><script>a</script x=1><style>b</style/>",
        "<head><noscript><style>a</style></noscript><style>b</style><script>c</script></head><noscript>d</noscript>",
        "<b><select><script>a</script><style>b</style><iframe>c</iframe></select>",
        "<table><script>a</script><style>b</style><tr><td><iframe>x</iframe></table>",
        "<frameset><noframes>a</noframes></frameset><noframes>b</noframes>",
        "<b><iframe>a</iframe",
        "<b><script>a",
        "<b><title>a&amp;b</title><textarea>c</textarea><plaintext>d</plaintext>",
        // References the parser decodes itself (in table text every piece is
        // a token of its own, so the pieces show).
        "<table><tr>a &amp;Co d &lt;ab &#x26;\nCo &nbsp;\u{e9}x &amp;<b>y</b></table>",
        "<table><tr>&amp;&amp;x &notin; &not;x &AMP; &#0; &#128; &#xD800; &#65 &amp &unknown; &#x10FFFF; &#xFFFE;</table>",
        "<p>&amp;\r\nx &lt;\0y &quot;&#39;&#x2019; &nbsp;&nbsp;</p>",
        "<table><tr>&amp;",
        "<b>a & b &&c &\r\nd &<i>e</i>&\0 &\u{e9} &; &# &#x &x;</b><table><tr>& &&</table>&",
        "<table><tr>&#00000065; &#x0000000041; &#99999999999; &#x110000;</table>",
    ]
    .into_iter()
    .enumerate()
    {
        inputs.push((format!("case {i}"), Source::from_text(case)));
    }
    let compared = inputs.len();
    let (mut held_tokens, mut unheld_tokens) = (0, 0);
    let mut failures = Vec::new();
    for (at, source) in inputs {
        let (held, unheld) = (
            Document::parse(source.clone()),
            Document::parse_without_held_text(source.clone()),
        );
        match (held, unheld) {
            (Ok(held), Ok(unheld)) => {
                held_tokens += held.tokens().len();
                unheld_tokens += unheld.tokens().len();
                let (a, b) = (held.debug_parse_record(), unheld.debug_parse_record());
                if a != b {
                    let line = a
                        .lines()
                        .zip(b.lines())
                        .position(|(x, y)| x != y)
                        .unwrap_or(0);
                    let near = |r: &str| {
                        r.lines()
                            .skip(line.saturating_sub(8))
                            .take(16)
                            .collect::<Vec<_>>()
                            .join("\n")
                    };
                    failures.push(format!(
                        "{at}: held:\n{}\n--- unheld:\n{}\ninput {:?}",
                        near(&a),
                        near(&b),
                        short(source.text())
                    ));
                }
            }
            (Err(_), Err(_)) => {}
            (a, b) => failures.push(format!(
                "{at}: held parse {}, unheld {}",
                if a.is_ok() { "ok" } else { "refused" },
                if b.is_ok() { "ok" } else { "refused" }
            )),
        }
    }
    report(&format!(
        "{TEST}: {compared} inputs; {held_tokens} tokens either way ({unheld_tokens})"
    ));
    assert_no_failures(TEST, compared, &failures);
}

fn short(s: &str) -> String {
    s.chars().take(300).collect()
}
