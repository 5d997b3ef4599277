//! The parsed page: html5ever's DOM, with the source span of every tag, comment,
//! doctype and text run, and for every element whether it came from a tag in the
//! source, was implied by the parser, or was foster-parented out of a table.
//!
//! Nothing outside this module names html5ever's tree types.

mod parse;
mod sink;
pub mod tag;

use std::borrow::Cow;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName};

use crate::source::{Source, Span};

pub use parse::{Limits, ParseFailure};

/// Index of a node in a [`Document`].
pub type NodeId = usize;

/// The document node's id.
pub const DOCUMENT: NodeId = 0;

/// Where an element came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A start tag in the source.
    Source,
    /// Created by the parser with no start tag of its own: `html`/`head`/`body`/
    /// `tbody`, a reopened formatting element, the `<p>` a stray `</p>` makes.
    Implied,
}

/// What a node is.
#[derive(Clone, Debug)]
pub(crate) enum NodeData {
    Document,
    Doctype {
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    },
    Text(StrTendril),
    Comment(StrTendril),
    Element {
        name: QualName,
        attrs: Vec<Attribute>,
        template_contents: Index32,
        mathml_annotation_xml_integration_point: bool,
    },
    ProcessingInstruction {
        target: StrTendril,
        data: StrTendril,
    },
}

/// An optional node or token index in 4 bytes (`Option<usize>` takes 16): a
/// node holds seven of them, and the node list is written once per node and
/// read by every rule, so its size is memory traffic.
///
/// An index that does not fit reads as none; `parse` refuses any page whose
/// node or token list gets that long (unreachable in practice: tendrils cap the
/// input at 4 GiB and the node list would need hundreds of gigabytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Index32(u32);

impl Index32 {
    pub(crate) const NONE: Self = Self(u32::MAX);
    /// Node and token lists must stay shorter than this.
    pub(crate) const LIMIT: usize = u32::MAX as usize;

    pub(crate) fn new(i: usize) -> Self {
        u32::try_from(i).map_or(Self::NONE, Self)
    }

    pub(crate) fn get(self) -> Option<usize> {
        (self != Self::NONE).then_some(self.0 as usize)
    }

    pub(crate) fn take(&mut self) -> Option<usize> {
        std::mem::replace(self, Self::NONE).get()
    }

    /// `self` if it holds an index, else `other` (as `Option::or`).
    pub(crate) fn or(self, other: Self) -> Self {
        if self == Self::NONE {
            other
        } else {
            self
        }
    }
}

impl From<Option<usize>> for Index32 {
    fn from(i: Option<usize>) -> Self {
        i.map_or(Self::NONE, Self::new)
    }
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub parent: Index32,
    /// The children, linked while the tree is built (html5ever appends,
    /// inserts and moves nodes): no list is allocated per node.
    pub first_child: Index32,
    pub last_child: Index32,
    pub next_sibling: Index32,
    pub prev_sibling: Index32,
    /// Once built, the children as a slice of [`Document`]'s child list:
    /// where they start in it, and how many.
    pub kids_from: u32,
    pub kids_len: u32,
    pub data: NodeData,
    pub origin: Origin,
    pub fostered: bool,
    /// The token being processed when the node was made (none for the document).
    pub first_token: Index32,
    /// For text: the last token whose characters went into it.
    pub last_token: Index32,
    /// For elements from the source: their start tag token.
    pub start_tag: Index32,
    /// The end tag token that closed the element, if one did.
    pub end_tag: Index32,
    /// The token during which the element left the stack of open elements.
    pub closed_at: Index32,
}

impl Node {
    pub(crate) fn new(data: NodeData, origin: Origin, token: Option<usize>) -> Self {
        let token = Index32::from(token);
        Self {
            parent: Index32::NONE,
            first_child: Index32::NONE,
            last_child: Index32::NONE,
            next_sibling: Index32::NONE,
            prev_sibling: Index32::NONE,
            kids_from: 0,
            kids_len: 0,
            data,
            origin,
            fostered: false,
            first_token: token,
            last_token: token,
            start_tag: Index32::NONE,
            end_tag: Index32::NONE,
            closed_at: Index32::NONE,
        }
    }
}

/// The kind of a source token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `<name ...>`
    StartTag,
    /// `</name>`
    EndTag,
    /// `<!-- ... -->` and bogus comments (`<! x>`, `<?x?>`, `</ x>`).
    Comment,
    /// `<!DOCTYPE ...>`
    Doctype,
    /// A run of characters (raw source, character references not decoded).
    Text,
    /// The end of the input.
    Eof,
}

/// One token of the source, in order.
#[derive(Clone, Debug)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Its bytes in the source.
    pub span: Span,
    /// Tag name (lowercase), for tags.
    pub name: LocalName,
    /// `<x/>`
    pub self_closing: bool,
    /// Start tag: the element it made. End tag: the element it closed.
    /// Text: the element (or document) the text went into. Read with
    /// [`Token::node`]; 4 bytes, like `current`, where an `Option<NodeId>`
    /// took 16: every token is 24 bytes smaller (48, not 72), and the rules
    /// that walk the tokens read that much less memory.
    pub(crate) node: Index32,
    /// The current node (top of the stack of open elements) before this
    /// token. Read with [`Token::current`].
    pub(crate) current: Index32,
    /// Text that the parser moved out of a table.
    pub fostered: bool,
    /// Elements that left the open stack during this token without their own end
    /// tag (closed implicitly by it).
    pub closed: ClosedElements,
}

impl Token {
    /// Start tag: the element it made. End tag: the element it closed.
    /// Text: the element (or document) the text went into.
    #[must_use]
    pub fn node(&self) -> Option<NodeId> {
        self.node.get()
    }

    /// The current node (top of the stack of open elements) before this token.
    #[must_use]
    pub fn current(&self) -> Option<NodeId> {
        self.current.get()
    }
}

/// The elements a token closed implicitly, outermost first; reads as a
/// `[NodeId]`. Nearly every token closes none, so the list sits behind one
/// pointer: every token is 16 bytes smaller than with a `Vec` in place, and
/// every rule that walks the tokens reads that much less memory.
#[derive(Clone, Default)]
#[allow(
    clippy::box_collection,
    reason = "the box makes it one thin pointer, where a `Vec` takes three words"
)]
pub struct ClosedElements(Option<Box<Vec<NodeId>>>);

impl From<Vec<NodeId>> for ClosedElements {
    fn from(ids: Vec<NodeId>) -> Self {
        Self((!ids.is_empty()).then(|| Box::new(ids)))
    }
}

impl std::ops::Deref for ClosedElements {
    type Target = [NodeId];
    fn deref(&self) -> &[NodeId] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<'a> IntoIterator for &'a ClosedElements {
    type Item = &'a NodeId;
    type IntoIter = std::slice::Iter<'a, NodeId>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Formats as the list it holds, as the `Vec` it replaced did.
impl std::fmt::Debug for ClosedElements {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A run of adjacent text tokens that went into the same element: the raw
/// source (character references not decoded) of one stretch of page text.
#[derive(Clone, Copy, Debug)]
pub struct TextRun {
    /// The raw source bytes.
    pub span: Span,
    /// The element (or document) the text went into.
    pub parent: Option<NodeId>,
    /// The parser moved it out of a table.
    pub fostered: bool,
    /// Index of its first token.
    pub first_token: usize,
}

/// A parse error html5ever reported.
#[derive(Clone, Debug)]
pub struct ParseError {
    /// html5ever's message (not stable across versions: key rules on structure).
    pub message: Cow<'static, str>,
    /// Where: the token being processed, or the tokenizer's position.
    pub span: Span,
}

/// A parsed page.
#[derive(Debug)]
pub struct Document {
    source: Source,
    nodes: Vec<Node>,
    /// Every node's children, node after node ([`Node::kids_from`]).
    child_list: Vec<NodeId>,
    tokens: Vec<Token>,
    errors: Vec<ParseError>,
    fragment: bool,
    /// Per node, computed on first use: a bit for each name [`ancestry_bit`] knows
    /// naming the node or one of its element ancestors, and [`ROOTED`] when the
    /// node's tree is rooted at the document (not a template's contents). Lets
    /// [`Document::in_element`] answer without walking the ancestors each time.
    ancestry: std::sync::OnceLock<Vec<u64>>,
    /// Every element in tree order, listed on first use: a dozen rules walk
    /// them all.
    element_order: std::sync::OnceLock<Vec<NodeId>>,
    /// The tokens of each kind (see [`TokenIndex`]), listed by the parser as it
    /// records them.
    token_index: TokenIndex,
}

/// The children of every node in one list, node after node, read from the
/// links the tree was built with; each node notes its stretch of the list.
fn child_lists(nodes: &mut [Node]) -> Vec<NodeId> {
    // Every node but the roots is one node's child.
    let mut all = Vec::with_capacity(nodes.len());
    for id in 0..nodes.len() {
        let from = all.len();
        let mut next = nodes[id].first_child.get();
        while let Some(c) = next {
            all.push(c);
            next = nodes[c].next_sibling.get();
        }
        // Both fit: there are fewer nodes than `Index32::LIMIT` (see `parse`).
        nodes[id].kids_from = u32::try_from(from).unwrap_or(u32::MAX);
        nodes[id].kids_len = u32::try_from(all.len() - from).unwrap_or(0);
    }
    all
}

/// Element names [`Document::in_element`] answers from the ancestry cache (every
/// name a rule asks about), each with its bit; any other name walks the ancestors.
fn ancestry_bit(name: &str) -> Option<u64> {
    let i = match name {
        "script" => 0,
        "style" => 1,
        "template" => 2,
        "noscript" => 3,
        "textarea" => 4,
        "title" => 5,
        "head" => 6,
        "xmp" => 7,
        "iframe" => 8,
        "noembed" => 9,
        "noframes" => 10,
        "plaintext" => 11,
        "svg" => 12,
        "math" => 13,
        "code" => 14,
        "pre" => 15,
        "kbd" => 16,
        "samp" => 17,
        "tt" => 18,
        "var" => 19,
        "listing" => 20,
        "form" => 21,
        "table" => 22,
        "a" => 23,
        "button" => 24,
        "body" => 25,
        "html" => 26,
        _ => return None,
    };
    Some(1 << i)
}

/// The ancestry bits of `names`, for [`Document::in_mask`]; `None` when one of
/// them has no bit (ask [`Document::in_element`] instead).
pub(crate) fn ancestry_mask(names: &[&str]) -> Option<u64> {
    names
        .iter()
        .try_fold(0u64, |m, n| ancestry_bit(n).map(|b| m | b))
}

/// Ancestry bit: the node's tree is rooted at the document.
const ROOTED: u64 = 1 << 63;

/// A borrowed element, with its facts.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a Document,
    /// The element's id.
    pub id: NodeId,
}

impl Document {
    /// Parse `source` as a whole document.
    ///
    /// # Errors
    /// A page over one of `limits` is refused.
    pub fn parse_with_limits(source: Source, limits: &Limits) -> Result<Self, ParseFailure> {
        parse::parse(source, limits)
    }

    /// Parse `source` with the default limits.
    ///
    /// # Errors
    /// A page over one of the default limits is refused.
    pub fn parse(source: Source) -> Result<Self, ParseFailure> {
        parse::parse(source, &Limits::default())
    }

    /// [`Document::parse`] for tests: the stack of open elements the parser
    /// derives from the one before, on tags that did the plain thing, is checked
    /// against html5ever's full stack on every token. With the number of tokens
    /// whose stack was derived.
    ///
    /// # Errors
    /// A page over one of the default limits is refused.
    ///
    /// # Panics
    /// When a derived stack differs from html5ever's.
    #[doc(hidden)]
    pub fn parse_verifying_open_stack(source: Source) -> Result<(Self, usize), ParseFailure> {
        parse::parse_verifying_stack(source, &Limits::default())
    }

    /// Parses `source` with html5ever's tokenizer reading all of it and every
    /// text piece it emits handed to the tree builder as it comes, where
    /// [`Document::parse`] reads plain tags, text and raw text itself and
    /// hands runs of text over as one token (tests compare the two).
    ///
    /// # Errors
    /// A page over one of the default limits is refused.
    #[doc(hidden)]
    pub fn parse_without_held_text(source: Source) -> Result<Self, ParseFailure> {
        parse::parse_without_held_text(source, &Limits::default())
    }

    /// Everything parsing recorded, for tests that compare two parses: the
    /// nodes, the tokens and the parse errors. Text is shown by content, not by
    /// how its tendril holds it (inline, owned, shared).
    #[doc(hidden)]
    pub fn debug_parse_record(&self) -> String {
        format!("{:#?}\n{:#?}\n{:#?}", self.nodes, self.tokens, self.errors)
            .replace("(shared: \"", "(\"")
            .replace("(owned: \"", "(\"")
            .replace("(inline: \"", "(\"")
    }

    pub(crate) fn from_parts(
        source: Source,
        mut nodes: Vec<Node>,
        tokens: Vec<Token>,
        token_index: TokenIndex,
        errors: Vec<ParseError>,
    ) -> Self {
        // Only doctypes and start tags can make a whole document: read just those.
        let fragment = token_index.of_kind[kind_slot(TokenKind::Doctype)].is_empty()
            && !token_index.of_kind[kind_slot(TokenKind::StartTag)]
                .iter()
                .any(|&i| matches!(&*tokens[i as usize].name, "html" | "head" | "body"));
        let child_list = child_lists(&mut nodes);
        Self {
            source,
            nodes,
            child_list,
            tokens,
            errors,
            fragment,
            ancestry: std::sync::OnceLock::new(),
            element_order: std::sync::OnceLock::new(),
            token_index,
        }
    }

    /// The children of `node`, in order.
    fn kids(&self, node: &Node) -> &[NodeId] {
        let from = node.kids_from as usize;
        self.child_list
            .get(from..from + node.kids_len as usize)
            .unwrap_or_default()
    }

    /// The ancestry bits of every node (see the `ancestry` field), computed once
    /// in linear time: each node's bits are its parent's plus its own name's.
    fn ancestry(&self) -> &[u64] {
        self.ancestry.get_or_init(|| {
            let n = self.nodes.len();
            let mut bits: Vec<Option<u64>> = vec![None; n];
            let mut chain: Vec<NodeId> = Vec::new();
            for start in 0..n {
                let mut cur = start;
                // Climb to the nearest node already known (or a root).
                let mut base = loop {
                    if let Some(b) = bits[cur] {
                        break b;
                    }
                    chain.push(cur);
                    match self.nodes[cur].parent.get() {
                        Some(p) if chain.len() <= n => cur = p,
                        _ => break if cur == DOCUMENT { ROOTED } else { 0 },
                    }
                };
                // `base` belongs to the parent of the last node pushed (or is a
                // root's own starting point); fill back down to `start`.
                while let Some(id) = chain.pop() {
                    if let NodeData::Element { name, .. } = &self.nodes[id].data {
                        base |= ancestry_bit(&name.local).unwrap_or(0);
                    }
                    bits[id] = Some(base);
                }
            }
            bits.into_iter().map(|b| b.unwrap_or(0)).collect()
        })
    }

    /// True when `id` is in a template's contents (or another tree not rooted
    /// at the document).
    #[must_use]
    pub fn in_template(&self, id: NodeId) -> bool {
        self.ancestry()
            .get(id)
            .map_or(id != DOCUMENT, |b| b & ROOTED == 0)
    }

    /// The page's source.
    #[must_use]
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The page's source, the parsed tree dropped.
    #[must_use]
    pub fn into_source(self) -> Source {
        self.source
    }

    /// The decoded text.
    #[must_use]
    pub fn text(&self) -> &str {
        self.source.text()
    }

    /// True when the page has no doctype, `<html>`, `<head>` or `<body>` tag: a
    /// fragment (an article body), not a whole document.
    #[must_use]
    pub fn is_fragment(&self) -> bool {
        self.fragment
    }

    /// Every token in source order.
    #[must_use]
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Runs of page text in source order (adjacent text tokens with the same
    /// parent merged). Use [`Document::in_element`] to skip code, scripts and the
    /// like.
    pub fn text_runs(&self) -> impl Iterator<Item = TextRun> + '_ {
        // Only text tokens are read (see `tokens_of`); a run is unbroken
        // positions.
        let mut texts = self.token_positions(TokenKind::Text).peekable();
        std::iter::from_fn(move || {
            let i = texts.next()?;
            let first = &self.tokens[i];
            let mut run = TextRun {
                span: first.span,
                parent: first.node(),
                fostered: first.fostered,
                first_token: i,
            };
            let mut last = i;
            while let Some(&j) = texts.peek() {
                let t = &self.tokens[j];
                if j != last + 1 || t.span.start != run.span.end || t.node() != run.parent {
                    break;
                }
                run.span.end = t.span.end;
                last = j;
                texts.next();
            }
            Some(run)
        })
    }

    /// True when `id` is, or is inside, an element named one of `names`.
    #[must_use]
    pub fn in_element(&self, id: Option<NodeId>, names: &[&str]) -> bool {
        let Some(id) = id else { return false };
        match ancestry_mask(names) {
            Some(mask) => self.in_mask(id, mask),
            None => self
                .self_and_ancestors(id)
                .any(|e| names.contains(&e.name())),
        }
    }

    /// True when `id` is, or is inside, an element whose ancestry bit is in
    /// `mask` (from [`ancestry_mask`]): [`Document::in_element`] without
    /// matching the names again on every call.
    #[must_use]
    pub(crate) fn in_mask(&self, id: NodeId, mask: u64) -> bool {
        self.ancestry().get(id).is_some_and(|b| b & mask != 0)
    }

    /// The nearest `lang` attribute on `id` or its ancestors.
    #[must_use]
    pub fn lang(&self, id: Option<NodeId>) -> Option<&str> {
        id.and_then(|id| self.self_and_ancestors(id).find_map(|e| e.attr("lang")))
    }

    /// The parse errors html5ever reported.
    #[must_use]
    pub fn parse_errors(&self) -> &[ParseError] {
        &self.errors
    }

    /// Number of nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The element `id`, if it is one.
    #[must_use]
    pub fn element(&self, id: NodeId) -> Option<Element<'_>> {
        matches!(self.nodes.get(id)?.data, NodeData::Element { .. })
            .then_some(Element { doc: self, id })
    }

    /// Every element in tree order (template contents included).
    pub fn elements(&self) -> impl Iterator<Item = Element<'_>> + '_ {
        self.element_order
            .get_or_init(|| {
                self.descendants(DOCUMENT)
                    .filter(|&id| self.element(id).is_some())
                    .collect()
            })
            .iter()
            .map(move |&id| Element { doc: self, id })
    }

    /// Every node below `root`, in tree order (template contents included).
    pub fn descendants(&self, root: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut stack = vec![root];
        std::iter::from_fn(move || {
            let id = stack.pop()?;
            let node = &self.nodes[id];
            stack.extend(self.kids(node).iter().rev());
            if let NodeData::Element {
                template_contents, ..
            } = &node.data
            {
                stack.extend(template_contents.get());
            }
            Some(id)
        })
        .skip(1)
    }

    /// The parent of `id`.
    #[must_use]
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes.get(id)?.parent.get()
    }

    /// Children of `id`.
    #[must_use]
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.nodes.get(id).map_or(&[], |n| self.kids(n))
    }

    /// The text of a text node.
    #[must_use]
    pub fn text_of(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(id)?.data {
            NodeData::Text(t) => Some(t),
            _ => None,
        }
    }

    /// `id` and its ancestors, nearest first, elements only.
    pub fn self_and_ancestors(&self, id: NodeId) -> impl Iterator<Item = Element<'_>> + '_ {
        self.element(id).into_iter().chain(self.ancestors(id))
    }

    /// Source end of node `id`'s content: the end of the last token inside it.
    #[must_use]
    pub fn node_end(&self, id: NodeId) -> usize {
        match self.element(id) {
            Some(e) => e.content_end(),
            None => {
                let n = &self.nodes[id];
                n.last_token
                    .get()
                    .and_then(|i| self.tokens.get(i))
                    .map_or(0, |t| t.span.end)
            }
        }
    }

    /// Ancestors of `id`, nearest first, elements only.
    pub fn ancestors(&self, id: NodeId) -> impl Iterator<Item = Element<'_>> + '_ {
        let mut cur = self.nodes.get(id).and_then(|n| n.parent.get());
        std::iter::from_fn(move || loop {
            let id = cur?;
            cur = self.nodes[id].parent.get();
            if let Some(e) = self.element(id) {
                return Some(e);
            }
        })
    }

    /// The text a reader sees: every text node outside `head`, `script`, `style`,
    /// `template`, `noscript` and `title`, in tree order; blocks, cells and `br`
    /// are set apart by spaces.
    #[must_use]
    pub fn visible_text(&self) -> String {
        enum Step {
            Node(NodeId),
            Break,
        }
        let mut out = String::new();
        let mut stack = vec![Step::Node(DOCUMENT)];
        while let Some(step) = stack.pop() {
            let id = match step {
                Step::Break => {
                    out.push(' ');
                    continue;
                }
                Step::Node(id) => id,
            };
            let node = &self.nodes[id];
            match &node.data {
                NodeData::Text(t) => out.push_str(t),
                NodeData::Element { name, .. } => {
                    let local = &*name.local;
                    if matches!(
                        local,
                        "head" | "script" | "style" | "template" | "noscript" | "title"
                    ) {
                        continue;
                    }
                    // Blocks, cells and line breaks separate the words on either
                    // side of them, as a browser's rendering does.
                    let breaks = crate::rules::html::is_block(local)
                        || matches!(
                            local,
                            "br" | "li"
                                | "td"
                                | "th"
                                | "tr"
                                | "dd"
                                | "dt"
                                | "caption"
                                | "option"
                                | "legend"
                                | "summary"
                                | "tbody"
                                | "thead"
                                | "tfoot"
                        );
                    if breaks {
                        out.push(' ');
                        stack.push(Step::Break);
                    }
                    stack.extend(self.kids(node).iter().rev().map(|&c| Step::Node(c)));
                }
                _ => stack.extend(self.kids(node).iter().rev().map(|&c| Step::Node(c))),
            }
        }
        out
    }

    /// A dump of the tree in the html5lib-tests `#document` format, for tests.
    #[must_use]
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for &c in self.kids(&self.nodes[DOCUMENT]) {
            self.dump_node(c, 1, &mut out);
        }
        out
    }

    fn dump_node(&self, id: NodeId, depth: usize, out: &mut String) {
        use std::fmt::Write;
        let node = &self.nodes[id];
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
            NodeData::Text(t) => {
                let _ = writeln!(out, "\"{t}\"");
            }
            NodeData::Comment(t) => {
                let _ = writeln!(out, "<!-- {t} -->");
            }
            NodeData::ProcessingInstruction { target, data } => {
                let _ = writeln!(out, "<?{target} {data}>");
            }
            NodeData::Element {
                name,
                attrs,
                template_contents,
                ..
            } => {
                let _ = writeln!(out, "<{}>", qual(name));
                let mut attrs: Vec<_> = attrs.iter().map(|a| (qual(&a.name), &a.value)).collect();
                attrs.sort();
                for (n, v) in attrs {
                    let _ = writeln!(out, "| {indent}  {n}=\"{v}\"");
                }
                if let Some(t) = template_contents.get() {
                    let _ = writeln!(out, "| {indent}  content");
                    for &c in self.kids(&self.nodes[t]) {
                        self.dump_node(c, depth + 2, out);
                    }
                }
            }
        }
        for &c in self.kids(node) {
            self.dump_node(c, depth + 1, out);
        }
    }
}

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

// ---- Token index: the tokens of one kind without touching the others ----

/// The position of every token of each kind, in source order: most rules want
/// one kind of token (comments, start tags), and a [`Token`] is bigger than a
/// cache line, so a rule that skips the others through `tokens()` still pays a
/// cache miss per token of the page. Positions are `u32` (4 bytes a token, not
/// 90): `parse` refuses a page with more tokens than that (see [`Index32`]).
///
/// The parser fills it as it records each token, while the token is in cache:
/// built afterwards, on first use, it read every token of the page once more.
#[derive(Debug, Default)]
pub(crate) struct TokenIndex {
    /// Per [`TokenKind`] (in `kind_slot` order): the positions of its tokens.
    of_kind: [Vec<u32>; 6],
}

/// The slot of `kind` in [`TokenIndex::of_kind`].
fn kind_slot(kind: TokenKind) -> usize {
    match kind {
        TokenKind::StartTag => 0,
        TokenKind::EndTag => 1,
        TokenKind::Comment => 2,
        TokenKind::Doctype => 3,
        TokenKind::Text => 4,
        TokenKind::Eof => 5,
    }
}

impl TokenIndex {
    /// An index with room for `tokens` positions of each kind that can be
    /// numerous (tags and text), as the token list reserves: outgrowing a list
    /// copies it, and capacity never written is never paged in.
    pub(crate) fn with_capacity(tokens: usize) -> Self {
        let mut index = Self::default();
        for kind in [TokenKind::StartTag, TokenKind::EndTag, TokenKind::Text] {
            index.of_kind[kind_slot(kind)].reserve(tokens);
        }
        index
    }

    /// Record that the token at position `at` (the next one: positions come in
    /// order, from 0) is of `kind`.
    pub(crate) fn push(&mut self, kind: TokenKind, at: usize) {
        // A position past `u32` is dropped: `parse` refuses that page anyway.
        if let Ok(pos) = u32::try_from(at) {
            self.of_kind[kind_slot(kind)].push(pos);
        }
    }
}

impl Document {
    /// Every token of `kind` with its position, in source order: what
    /// `tokens().iter().enumerate()` filtered on the kind gives, without
    /// reading the other tokens.
    pub fn tokens_of(
        &self,
        kind: TokenKind,
    ) -> impl DoubleEndedIterator<Item = (usize, &Token)> + '_ {
        self.token_positions(kind)
            .map(move |i| (i, &self.tokens[i]))
    }

    /// The positions of the tokens of `kind`, in source order.
    pub fn token_positions(
        &self,
        kind: TokenKind,
    ) -> impl DoubleEndedIterator<Item = usize> + Clone + '_ {
        self.token_index.of_kind[kind_slot(kind)]
            .iter()
            .map(|&i| i as usize)
    }

    /// The positions of the tokens of `kind` in `range` of positions, in
    /// source order (found by binary search).
    pub fn token_positions_in(
        &self,
        kind: TokenKind,
        range: std::ops::Range<usize>,
    ) -> impl DoubleEndedIterator<Item = usize> + Clone + '_ {
        let list = &self.token_index.of_kind[kind_slot(kind)];
        let from = list.partition_point(|&i| (i as usize) < range.start);
        let to = list.partition_point(|&i| (i as usize) < range.end);
        list[from..to.max(from)].iter().map(|&i| i as usize)
    }
}

impl<'a> Element<'a> {
    fn node(&self) -> &'a Node {
        &self.doc.nodes[self.id]
    }

    /// Lowercase local name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        match &self.node().data {
            NodeData::Element { name, .. } => &name.local,
            _ => "",
        }
    }

    /// True for an element in the HTML namespace.
    #[must_use]
    pub fn is_html(&self) -> bool {
        matches!(&self.node().data, NodeData::Element { name, .. } if name.ns == html5ever::ns!(html))
    }

    /// The value of attribute `name`.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        match &self.node().data {
            NodeData::Element { attrs, .. } => attrs
                .iter()
                .find(|a| &*a.name.local == name)
                .map(|a| &*a.value),
            _ => None,
        }
    }

    /// All attributes as (name, value).
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let attrs: &'a [Attribute] = match &self.node().data {
            NodeData::Element { attrs, .. } => attrs,
            _ => &[],
        };
        attrs.iter().map(|a| (&*a.name.local, &*a.value))
    }

    /// Where it came from.
    #[must_use]
    pub fn origin(&self) -> Origin {
        self.node().origin
    }

    /// True when the parser moved it out of a table.
    #[must_use]
    pub fn fostered(&self) -> bool {
        self.node().fostered
    }

    /// Its start tag token, for elements from the source.
    #[must_use]
    pub fn start_tag(&self) -> Option<&'a Token> {
        self.node().start_tag.get().map(|i| &self.doc.tokens[i])
    }

    /// Index of its start tag token.
    #[must_use]
    pub fn start_tag_index(&self) -> Option<usize> {
        self.node().start_tag.get()
    }

    /// The end tag that closed it, if one did.
    #[must_use]
    pub fn end_tag(&self) -> Option<&'a Token> {
        self.node().end_tag.get().map(|i| &self.doc.tokens[i])
    }

    /// The token during which it was closed (its end tag, another tag, or EOF).
    #[must_use]
    pub fn closed_at(&self) -> Option<usize> {
        self.node().closed_at.get()
    }

    /// Child node ids.
    #[must_use]
    pub fn children(&self) -> &'a [NodeId] {
        self.doc.kids(self.node())
    }

    /// Parent node id.
    #[must_use]
    pub fn parent(&self) -> Option<NodeId> {
        self.node().parent.get()
    }

    /// Index of the last token that put something inside this element.
    #[must_use]
    pub fn last_content_token(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for id in self.doc.descendants(self.id) {
            let n = &self.doc.nodes[id];
            let t = match n.data {
                NodeData::Text(_) => n.last_token,
                NodeData::Element { .. } => n.end_tag.or(n.start_tag),
                _ => n.first_token,
            };
            if let Some(t) = t.get() {
                best = Some(best.map_or(t, |b| b.max(t)));
            }
        }
        best
    }

    /// The byte just past the last token inside it (its end tag included).
    #[must_use]
    pub fn content_end(&self) -> usize {
        let end_tag = self.end_tag().map(|t| t.span.end);
        let last = self
            .last_content_token()
            .map_or(0, |i| self.doc.tokens[i].span.end);
        end_tag.unwrap_or(0).max(last)
    }

    /// The document this element belongs to.
    #[must_use]
    pub fn document(&self) -> &'a Document {
        self.doc
    }

    /// The text inside it.
    #[must_use]
    pub fn text(&self) -> String {
        let mut s = String::new();
        for id in self.doc.descendants(self.id) {
            if let Some(t) = self.doc.text_of(id) {
                s.push_str(t);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_48_bytes_on_64_bit_targets() {
        // Rules walk the token list; its size is memory they read.
        if usize::BITS == 64 {
            assert_eq!(std::mem::size_of::<Token>(), 48);
        }
    }
}
