//! The reference parse: html5ever's own driver into `markup5ever_rcdom::RcDom`,
//! dumped in the format of `Document::dump` (the html5lib-tests tree format), and
//! the comparison with tagmend's span-tracking parse.
//!
//! Self-contained so that the `parse_dom` fuzz target can include it with
//! `#[path]` and compare exactly as tests/conformance.rs does.

use std::fmt::Write as _;

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use tagmend::{Document, Source};

fn qual(name: &QualName) -> String {
    let prefix = match &*name.ns {
        "http://www.w3.org/2000/svg" => "svg ",
        "http://www.w3.org/1998/Math/MathML" => "math ",
        "http://www.w3.org/1999/xlink" => "xlink ",
        "http://www.w3.org/XML/1998/namespace" => "xml ",
        "http://www.w3.org/2000/xmlns/" => "xmlns ",
        _ => "",
    };
    format!("{prefix}{}", name.local)
}

/// `dom` in the html5lib-tests tree format, as `Document::dump` writes it.
pub fn rcdom_dump(dom: &RcDom) -> String {
    let mut out = String::new();
    for child in dom.document.children.borrow().iter() {
        rcdom_dump_node(child, 1, &mut out);
    }
    out
}

fn rcdom_dump_node(node: &Handle, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth - 1);
    let _ = write!(out, "| {indent}");
    match &node.data {
        NodeData::Document => out.push_str("#document-fragment\n"),
        NodeData::Doctype {
            name,
            public_id,
            system_id,
        } => {
            if public_id.is_empty() && system_id.is_empty() {
                let _ = writeln!(out, "<!DOCTYPE {name}>");
            } else {
                let _ = writeln!(out, "<!DOCTYPE {name} \"{public_id}\" \"{system_id}\">");
            }
        }
        NodeData::Text { contents } => {
            let _ = writeln!(out, "\"{}\"", contents.borrow());
        }
        NodeData::Comment { contents } => {
            let _ = writeln!(out, "<!-- {contents} -->");
        }
        NodeData::ProcessingInstruction { target, contents } => {
            let _ = writeln!(out, "<?{target} {contents}>");
        }
        NodeData::Element {
            name,
            attrs,
            template_contents,
            ..
        } => {
            let _ = writeln!(out, "<{}>", qual(name));
            let attrs = attrs.borrow();
            let mut attrs: Vec<_> = attrs.iter().map(|a| (qual(&a.name), &a.value)).collect();
            attrs.sort();
            for (n, v) in attrs {
                let _ = writeln!(out, "| {indent}  {n}=\"{v}\"");
            }
            if let Some(t) = &*template_contents.borrow() {
                let _ = writeln!(out, "| {indent}  content");
                for c in t.children.borrow().iter() {
                    rcdom_dump_node(c, depth + 2, out);
                }
            }
        }
    }
    for c in node.children.borrow().iter() {
        rcdom_dump_node(c, depth + 1, out);
    }
}

/// Parse `source` both ways; a description of the difference, if any.
pub fn compare(source: &Source) -> Option<String> {
    match Document::parse(source.clone()) {
        Ok(doc) => compare_parsed(&doc),
        Err(e) => Some(format!("tagmend refused the page: {e}")),
    }
}

/// Parse `doc`'s text with plain html5ever; a description of how its DOM or
/// parse-error count differs from `doc`'s, if it does.
pub fn compare_parsed(doc: &Document) -> Option<String> {
    let dom = html5ever::parse_document(RcDom::default(), ParseOpts::default()).one(doc.text());
    let (ours, theirs) = (doc.dump(), rcdom_dump(&dom));
    let mut why = String::new();
    if ours != theirs {
        let line = ours
            .lines()
            .zip(theirs.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| ours.lines().count().min(theirs.lines().count()));
        let around = |s: &str| -> String {
            s.lines()
                .skip(line.saturating_sub(3))
                .take(7)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let _ = write!(
            why,
            "DOM differs at dump line {}\n--- tagmend:\n{}\n--- rcdom:\n{}\n",
            line + 1,
            around(&ours),
            around(&theirs)
        );
    }
    let (ours, theirs) = (doc.parse_errors().len(), dom.errors.borrow().len());
    if ours != theirs {
        let _ = writeln!(
            why,
            "parse error count differs: tagmend {ours}, rcdom {theirs}\n--- tagmend: {:?}\n--- rcdom: {:?}",
            doc.parse_errors()
                .iter()
                .map(|e| &*e.message)
                .collect::<Vec<_>>(),
            dom.errors.borrow()
        );
    }
    (!why.is_empty()).then_some(why)
}
