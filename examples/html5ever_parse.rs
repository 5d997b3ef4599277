//! Plain `html5ever::parse_document` over the files named on the command line: the
//! baseline tagmend's speed is compared with (scripts/compare.sh).
#![allow(clippy::print_stdout)] // an example binary reports on stdout

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::RcDom;

fn main() {
    let mut nodes = 0usize;
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let dom = html5ever::parse_document(RcDom::default(), html5ever::ParseOpts::default())
            .one(text.as_ref());
        nodes += dom.document.children.borrow().len();
    }
    println!("{nodes}");
}
