//! Drives html5ever's tokenizer and tree builder so every token gets its source
//! span (html5ever itself reports only line numbers).
//!
//! `Tokenizer<Recorder>` where `Recorder` wraps `TreeBuilder<NodeId, ArenaSink>`:
//! the whole text is fed as one tendril into a shared `BufferQueue`, so at each
//! token "bytes consumed = bytes fed − bytes still queued". A tag, comment or
//! doctype is emitted at its closing `>`, so its end is exact; its start is the first
//! `<` at or after the end of what was emitted before it (one byte earlier when a
//! `<` was reconsumed, as in `<<p>`).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

use html5ever::buffer_queue::BufferQueue;
use html5ever::interface::Tracer;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    Tag, TagKind, Token as HtmlToken, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{ns, Attribute, LocalName, QualName, TokenizerResult};

use super::sink::ArenaSink;
use super::{
    ClosedElements, Document, Index32, Node, NodeData, NodeId, Origin, ParseError, Token,
    TokenIndex, TokenKind, DOCUMENT,
};
use crate::source::{Source, Span};

/// Bounds on the work one page may cost. A real article never comes near them;
/// hostile input (deep nesting makes html5ever quadratic) is refused quickly.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Deepest stack of open elements (Blink caps tree depth at 512).
    pub max_depth: usize,
    /// Most tokens in one page.
    pub max_tokens: usize,
    /// Largest input in bytes.
    pub max_bytes: usize,
    /// Longest time spent parsing one page.
    pub max_time: Duration,
    /// Most attributes on one tag (html5ever's duplicate check is quadratic in it).
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 512,
            max_tokens: 2_000_000,
            max_bytes: 32 * 1024 * 1024,
            max_time: Duration::from_secs(3),
            max_attributes: 10_000,
        }
    }
}

/// A page refused because it is over a [`Limits`] bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseFailure {
    /// Nesting deeper than the limit.
    TooDeep(usize),
    /// More tokens than the limit.
    TooManyTokens(usize),
    /// More bytes than the limit.
    TooLarge(usize),
    /// Parsing took longer than the limit.
    TimedOut(Duration),
    /// A tag with more attributes than the limit.
    TooManyAttributes(usize),
}

impl fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseFailure::TooDeep(n) => write!(f, "elements nest deeper than {n} levels"),
            ParseFailure::TooManyTokens(n) => write!(f, "more than {n} tokens"),
            ParseFailure::TooLarge(n) => write!(f, "larger than {n} bytes"),
            ParseFailure::TimedOut(d) => write!(f, "parsing took longer than {d:?}"),
            ParseFailure::TooManyAttributes(n) => write!(f, "a tag has more than {n} attributes"),
        }
    }
}

impl std::error::Error for ParseFailure {}

/// Where [`OpenChain`] is in the tree builder's sequence of traced handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// The first handle, the document, is not an open element.
    Document,
    /// Every handle so far continued the chain of open elements.
    Open,
    /// A handle broke the chain: it and everything after it are ignored.
    Broken,
}

/// How a token changed the stack of open elements.
#[derive(Clone, Copy, Debug)]
enum StackChange {
    Unchanged,
    /// This element was pushed.
    Pushed(NodeId),
    /// The element on top was popped.
    PoppedTop(NodeId),
    /// Read anew: the stack is in `Recorder::next_open`.
    Traced,
}

impl StackChange {
    /// Make the change on `stack`, the stack before the token (`Traced`
    /// changes nothing here: the new stack is elsewhere).
    fn apply(self, stack: &mut Vec<NodeId>) {
        match self {
            StackChange::Pushed(made) => stack.push(made),
            StackChange::PoppedTop(_) => {
                stack.pop();
            }
            StackChange::Unchanged | StackChange::Traced => {}
        }
    }
}

/// Reads the stack of open elements out of `TreeBuilder::trace_handles` as the
/// handles arrive, so they are never copied into a list first (the trace runs on
/// every tag).
struct OpenChain<'a> {
    nodes: &'a [Node],
    open: RefCell<&'a mut Vec<NodeId>>,
    state: Cell<Chain>,
}

impl Tracer for OpenChain<'_> {
    type Handle = NodeId;
    fn trace_handle(&self, &h: &NodeId) {
        match self.state.get() {
            Chain::Broken => return,
            Chain::Document => {
                self.state.set(Chain::Open);
                return;
            }
            Chain::Open => {}
        }
        let nodes = self.nodes;
        let mut open = self.open.borrow_mut();
        let parent = nodes[h].parent.get();
        let ok = match open.last() {
            None => parent == Some(DOCUMENT),
            Some(&last) => {
                parent == Some(last)
                    || (nodes[h].fostered && !open.contains(&h))
                    || matches!(&nodes[last].data,
                        NodeData::Element { template_contents, .. }
                            if parent.is_some() && parent == template_contents.get())
            }
        };
        if ok {
            open.push(h);
        } else {
            self.state.set(Chain::Broken);
        }
    }
}

/// Text pieces [`Recorder::hold`] has held back.
enum Held {
    Nothing,
    /// The source from `held_start` to `last_end`, exactly as written.
    AsWritten,
    /// A copy of the pieces (one was not the source as written: a line break
    /// that was `\r\n`, a decoded reference).
    Copied(StrTendril),
}

struct Recorder<'t> {
    tb: TreeBuilder<NodeId, ArenaSink>,
    /// The names of the tags the recorder read ([`Recorder::make_tag`]).
    names: RefCell<NameCache>,
    /// The attributes of the tag [`plain_tag`] lexed last (reused).
    plain_attrs: RefCell<Vec<PlainAttr>>,
    queue: Rc<BufferQueue>,
    total: usize,
    text: &'t str,
    tokens: RefCell<Vec<Token>>,
    /// The positions of the tokens of each kind, added as `tokens` grows.
    token_index: RefCell<TokenIndex>,
    errors: RefCell<Vec<ParseError>>,
    open: RefCell<Vec<NodeId>>,
    /// A second handle on the tendril fed to `queue`, so `consumed` can tell when
    /// the queue's front chunk is simply the rest of it.
    fed: StrTendril,
    /// Scratch buffers for the next stack of open elements and the elements a
    /// token popped, reused across tokens (they were two allocations per tag).
    next_open: RefCell<Vec<NodeId>>,
    popped: RefCell<Vec<NodeId>>,
    /// Text tokens in table context whose characters the tree builder holds back
    /// ("in table text" insertion mode) and inserts at the next other token.
    pending_table_text: RefCell<Vec<usize>>,
    last_end: Cell<usize>,
    last_markup_end: Cell<usize>,
    failure: RefCell<Option<ParseFailure>>,
    limits: Limits,
    started: Instant,
    /// True when `open` is the stack of open elements, not a longer or shorter
    /// chain (see [`Recorder::open_stack`]): only then is it derived.
    open_exact: Cell<bool>,
    /// Tests: check every stack `quick_stack` derives against the full trace.
    verify_stack: bool,
    /// Tests: how many stacks `quick_stack` derived.
    derived: Cell<usize>,
    /// Text pieces held back, to go to the tree builder as one token (see
    /// [`Recorder::may_hold_text`]), where the first of them starts, and its line.
    held: RefCell<Held>,
    held_start: Cell<usize>,
    held_line: Cell<u64>,
    /// True while the next text piece may be held back.
    hold_text: Cell<bool>,
    /// Seen `</body>`, `</html>` or `<frameset>`: text that is only whitespace
    /// no longer tells that the insertion mode is one that just inserts text.
    after_body: Cell<bool>,
    /// False (tests, to compare): html5ever's tokenizer reads the whole page
    /// and every text piece it emits goes to the tree builder as it comes; no
    /// text is held back ([`Recorder::hold`]), no raw text taken whole
    /// ([`Recorder::take_raw_text`]), no markup read by the recorder
    /// ([`Recorder::read_plain_markup`]).
    coalesce_text: bool,
}

impl Recorder<'_> {
    fn consumed(&self) -> usize {
        // Nearly always the queue holds just the unread tail of the fed tendril:
        // a chunk of the fed buffer that ends where it ends. Nothing can be queued
        // behind that (it would be text past the end of the input), so its length
        // is all that remains, read without popping and re-pushing the chunk.
        // Anything else (text the tokenizer pushed back, as after `&amp` without
        // its `;`) is measured exactly below.
        match self.queue.peek_front_chunk_mut() {
            None => return self.total,
            Some(front)
                if front.is_shared_with(&self.fed)
                    && front.as_bytes().as_ptr_range().end
                        == self.fed.as_bytes().as_ptr_range().end =>
            {
                return self.total - front.len();
            }
            Some(_) => {}
        }
        self.consumed_slow()
    }

    fn consumed_slow(&self) -> usize {
        // The whole text is fed as one tendril, so the queue holds at most one
        // buffer: measure it without the scratch vector (an allocation per token).
        let Some(first) = self.queue.pop_front() else {
            return self.total;
        };
        let mut remaining = first.len();
        if self.queue.is_empty() {
            self.queue.push_front(first);
            return self.total - remaining;
        }
        let mut held = vec![first];
        while let Some(t) = self.queue.pop_front() {
            remaining += t.len();
            held.push(t);
        }
        for t in held.into_iter().rev() {
            self.queue.push_front(t);
        }
        self.total - remaining
    }

    fn fail(&self, why: ParseFailure) {
        *self.failure.borrow_mut() = Some(why);
        while self.queue.pop_front().is_some() {}
    }

    fn markup_start(&self, end: usize) -> usize {
        let mut from = self
            .last_end
            .get()
            .saturating_sub(1)
            .max(self.last_markup_end.get())
            .min(end);
        // Step back one character, not one byte: the data state emits the text
        // before a `<` without consuming it, so when that text ends in a multi-byte
        // character (`<p>\u{a0}</p>`) `last_end - 1` falls inside it, `get` fails and
        // the tag's span would start mid-character. A reconsumed `<` is one byte,
        // so the boundary at or before `from` is still where the search must begin.
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        loop {
            let Some(at) = self.text.get(from..end).and_then(|s| s.find('<')) else {
                return from;
            };
            // `</>` is dropped with no token at all (WHATWG 13.2.5.7 "end tag open
            // state", missing-end-tag-name), so it never starts the token: in
            // `</><div>` the `<div>` starts after it.
            if self.text[from + at..end].starts_with("</>") {
                from += at + 3;
                continue;
            }
            return from + at;
        }
    }

    /// Lists `tok` as the next token, and indexes it by kind.
    fn list(&self, tok: Token) {
        let mut tokens = self.tokens.borrow_mut();
        self.token_index.borrow_mut().push(tok.kind, tokens.len());
        tokens.push(tok);
    }

    /// Folds `tok`, text token `idx` (just processed, not yet listed), into the
    /// text token before it when the two are one stretch of text that went into
    /// the same element: html5ever emits the text between two tags in pieces
    /// (each line break, reference and NUL on its own), nearly half of a page's
    /// tokens. Only when this token did nothing else: no element or node made
    /// (so the only node that noted `idx` is the text node it grew), no parse
    /// error, not fostered or held back as table text. The text node's last
    /// token becomes the one it merged into. True when merged.
    fn merge_text(
        &self,
        idx: usize,
        tok: &Token,
        effects: &super::sink::TokenEffects,
        nodes_before: usize,
    ) -> bool {
        let Some((parent, false)) = effects.text_parent else {
            return false;
        };
        if !effects.created.is_empty() || !effects.errors.is_empty() {
            return false;
        }
        let mut nodes = self.tb.sink.nodes.borrow_mut();
        if nodes.len() != nodes_before {
            return false;
        }
        let mut tokens = self.tokens.borrow_mut();
        // The token before is the last listed (`idx` is not listed yet).
        let Some(prev) = tokens.last_mut() else {
            return false;
        };
        let joins = prev.kind == TokenKind::Text
            && prev.node == Index32::new(parent)
            && !prev.fostered
            && prev.closed.is_empty()
            && prev.span.end == tok.span.start
            && prev.current == tok.current;
        if !joins {
            return false;
        }
        let Some(grown) = nodes[parent].last_child.get().filter(|&t| {
            matches!(nodes[t].data, NodeData::Text(_)) && nodes[t].last_token.get() == Some(idx)
        }) else {
            return false;
        };
        nodes[grown].last_token = Index32::new(idx - 1);
        prev.span.end = tok.span.end;
        true
    }

    /// The current node (the top of the stack of open elements), as the tree
    /// builder reports it: asked whether it is foreign, it asks the sink for the
    /// current node's name, which the sink notes. `None` when the stack is empty.
    fn current_node(&self) -> Option<NodeId> {
        let sink = &self.tb.sink;
        sink.named.set(usize::MAX);
        self.tb
            .adjusted_current_node_present_but_not_in_html_namespace();
        Some(sink.named.get()).filter(|&n| n != usize::MAX)
    }

    /// Tests: `change`, derived by [`Recorder::quick_stack`], must give the
    /// stack the full trace reads.
    fn check_derived(&self, change: StackChange, idx: usize, kind: TokenKind, name: &LocalName) {
        self.derived.set(self.derived.get() + 1);
        let mut derived = self.open.borrow().clone();
        change.apply(&mut derived);
        let mut traced = Vec::new();
        self.open_stack(&mut traced);
        assert_eq!(
            derived, traced,
            "quick_stack differs from the trace at token {idx} ({kind:?} {name})"
        );
    }

    /// How a tag that did the plain thing changed the stack of open elements,
    /// told without tracing every handle (the trace costs a call per open
    /// element on every tag): a start tag that made one element as a child of
    /// the current node (pushed, or not: a void element), or an end tag that
    /// closed the current node of its name and nothing else. `None` for
    /// anything else; [`Recorder::open_stack`] reads the stack then.
    ///
    /// The tree builder reports only some pops to the sink (`TreeSink::pop`;
    /// not those of `pop_until`, `truncate` or the adoption agency's removals),
    /// so each case asks for the current node after the token. With the new
    /// element's parent (a start tag), or with the recorded stack being the
    /// whole stack before the token (`open_exact`; an end tag), it pins down
    /// the rest.
    fn quick_stack(
        &self,
        kind: TokenKind,
        name: &LocalName,
        effects: &super::sink::TokenEffects,
    ) -> Option<StackChange> {
        if !self.open_exact.get() {
            return None;
        }
        let old = self.open.borrow();
        let top = *old.last()?;
        match kind {
            TokenKind::StartTag => {
                let [made] = effects.created[..] else {
                    return None;
                };
                if !effects.popped.is_empty() {
                    return None;
                }
                {
                    let nodes = self.tb.sink.nodes.borrow();
                    let node = &nodes[made];
                    if node.parent.get() != Some(top)
                        || node.fostered
                        || !matches!(node.data, NodeData::Element { .. })
                    {
                        return None;
                    }
                }
                match self.current_node() {
                    Some(now) if now == made => Some(StackChange::Pushed(made)),
                    Some(now) if now == top => Some(StackChange::Unchanged),
                    _ => None,
                }
            }
            TokenKind::EndTag => {
                let len = old.len();
                if len < 2
                    || !effects.created.is_empty()
                    || effects.popped.iter().any(|&p| p != top)
                {
                    return None;
                }
                {
                    let nodes = self.tb.sink.nodes.borrow();
                    if !matches!(&nodes[top].data, NodeData::Element { name: n, .. }
                        if n.local.eq_ignore_ascii_case(name))
                    {
                        return None;
                    }
                }
                (self.current_node() == Some(old[len - 2])).then_some(StackChange::PoppedTop(top))
            }
            _ => None,
        }
    }

    /// The stack of open elements, read from the tree builder's traced handles: the
    /// document, then the open elements (each a child of the one before, or
    /// foster-parented, or in its template contents), then formatting entries,
    /// `head` and `form`, which break that chain.
    ///
    /// The chain can run on past the stack: `head` after `</head>` (its parent is
    /// `html`, the whole stack then), or a formatting element left in the list
    /// whose parent is the current node. The current node, asked of the tree
    /// builder, ends it.
    fn open_stack(&self, open: &mut Vec<NodeId>) {
        open.clear();
        {
            let nodes = self.tb.sink.nodes.borrow();
            self.tb.trace_handles(&OpenChain {
                nodes: &nodes,
                open: RefCell::new(open),
                state: Cell::new(Chain::Document),
            });
        }
        let top = self.current_node();
        let at = top.and_then(|top| open.iter().rposition(|&id| id == top));
        if let Some(at) = at {
            open.truncate(at + 1);
        }
        // Exact when it ends at the current node, or both are empty.
        self.open_exact
            .set(at.is_some() || (top.is_none() && open.is_empty()));
    }
}

impl TokenSink for Recorder<'_> {
    type Handle = NodeId;

    fn process_token(&self, token: HtmlToken, line_number: u64) -> TokenSinkResult<NodeId> {
        // After a tag, comment or doctype the tokenizer goes on in the data
        // state, with nothing to reconsume.
        let is_markup = matches!(
            token,
            HtmlToken::TagToken(_) | HtmlToken::CommentToken(_) | HtmlToken::DoctypeToken(_)
        );
        let result = self.take(token, line_number);
        if is_markup && matches!(result, TokenSinkResult::Continue) {
            self.read_plain_markup(line_number);
        }
        result
    }

    fn end(&self) {
        self.flush_held_text();
        self.tb.end();
        let eof = self.tokens.borrow().len().saturating_sub(1);
        let mut nodes = self.tb.sink.nodes.borrow_mut();
        for &id in self.open.borrow().iter() {
            if nodes[id].closed_at.get().is_none_or(|c| c < eof) {
                nodes[id].closed_at = Index32::new(eof);
            }
        }
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        // Held text only ever goes into the current node, but the tree builder
        // must have it before anything is asked of its state.
        self.flush_held_text();
        self.tb
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

impl Recorder<'_> {
    /// A token, from the tokenizer or read by [`Recorder::read_plain_markup`]:
    /// held back if it is text that may be, else handed to the tree builder.
    fn take(&self, token: HtmlToken, line_number: u64) -> TokenSinkResult<NodeId> {
        if self.failure.borrow().is_some() {
            return TokenSinkResult::Continue;
        }
        let token = match token {
            HtmlToken::CharacterTokens(text) if self.hold_text.get() => {
                self.hold(text, line_number);
                return TokenSinkResult::Continue;
            }
            other => other,
        };
        self.flush_held_text();
        let result = self.process_now(token, line_number, None);
        if let TokenSinkResult::RawData(RawKind::ScriptData | RawKind::Rawtext) = result {
            self.take_raw_text(line_number);
        }
        result
    }

    /// Holds text piece `text` back: it goes to the tree builder with the pieces
    /// after it, as one token, when the next other token comes.
    fn hold(&self, text: StrTendril, line_number: u64) {
        let consumed = self.consumed();
        let start = self.last_end.get().min(consumed);
        // Nearly every piece is the source as written: a slice of the fed
        // tendril, or a short piece (a line break, up to eight bytes tendrils
        // hold inline) equal to the bytes there. Such runs are handed over as
        // a slice of the fed tendril, with no copy.
        let piece = str::as_bytes(&text);
        let as_written = self
            .text
            .as_bytes()
            .get(start..consumed)
            .is_some_and(|src| src.len() == piece.len() && src.len() <= 16 && src == piece)
            || self
                .fed
                .as_bytes()
                .get(start..consumed)
                .is_some_and(|src| src.len() == piece.len() && src.as_ptr() == piece.as_ptr());
        let mut held = self.held.borrow_mut();
        match &mut *held {
            Held::Nothing => {
                self.held_start.set(start);
                self.held_line.set(line_number);
                *held = if as_written {
                    Held::AsWritten
                } else {
                    Held::Copied(text)
                };
            }
            Held::AsWritten if as_written && start == self.last_end.get() => {}
            Held::AsWritten => {
                let mut copy = self.held_source();
                copy.push_tendril(&text);
                *held = Held::Copied(copy);
            }
            Held::Copied(copy) => copy.push_tendril(&text),
        }
        self.last_end.set(consumed);
    }

    /// The source from the first held piece to the last, shared with the fed
    /// tendril (no copy).
    fn held_source(&self) -> StrTendril {
        let start = self.held_start.get();
        let len = self.last_end.get().saturating_sub(start);
        u32::try_from(start)
            .ok()
            .zip(u32::try_from(len).ok())
            .and_then(|(start, len)| self.fed.try_subtendril(start, len).ok())
            .unwrap_or_default()
    }

    /// Where the unread input starts, when the queue holds just the rest of the
    /// fed tendril (nothing pushed back by the tokenizer).
    fn unread_from(&self) -> Option<usize> {
        let front = self.queue.peek_front_chunk_mut()?;
        (front.is_shared_with(&self.fed)
            && front.as_bytes().as_ptr_range().end == self.fed.as_bytes().as_ptr_range().end)
            .then(|| self.total - front.len())
    }

    /// Takes `len` bytes off the front of the queue; false (nothing taken) if
    /// it holds fewer.
    fn pop_input(&self, len: usize) -> bool {
        let Ok(len) = u32::try_from(len) else {
            return false;
        };
        let Some(mut front) = self.queue.pop_front() else {
            return false;
        };
        let taken = front.try_pop_front(len).is_ok();
        if !front.is_empty() {
            self.queue.push_front(front);
        }
        taken
    }

    /// Takes the `len` bytes of unread input at `at` off the queue and hands
    /// them to [`Recorder::take`] as a text piece, as the source wrote them;
    /// false when they could not be taken.
    fn take_input_as_text(&self, at: usize, len: usize, line_number: u64) -> bool {
        let Some(text) = self.fed_slice(at, len) else {
            return false;
        };
        if !self.pop_input(len) {
            return false;
        }
        self.take_text(text, line_number);
        true
    }

    /// Hands text piece `text` to [`Recorder::take`].
    fn take_text(&self, text: StrTendril, line_number: u64) {
        let result = self.take(HtmlToken::CharacterTokens(text), line_number);
        // Text never asks anything of the tokenizer (only tags do).
        debug_assert!(matches!(result, TokenSinkResult::Continue));
    }

    /// The fed text from `at`, `len` bytes, as a tendril sharing its buffer.
    fn fed_slice(&self, at: usize, len: usize) -> Option<StrTendril> {
        let (Ok(at), Ok(len)) = (u32::try_from(at), u32::try_from(len)) else {
            return None;
        };
        self.fed.try_subtendril(at, len).ok()
    }

    /// Reads plain markup itself, after a tag, comment or doctype the
    /// tokenizer emitted (it is then in the data state, with nothing to
    /// reconsume), in the same pieces and with the same parse errors (none):
    /// - tags ([`plain_tag`]) with no parse error, their attribute values'
    ///   references decoded ([`attr_char_ref`]); a start tag that may switch
    ///   to script data or raw text only when its text is then taken whole
    ///   ([`raw_text_len`]);
    /// - comments ([`plain_comment`]);
    /// - text up to the next `<`, `&` or `\r` (a line break that starts a run
    ///   a piece of its own), `\r` and `\r\n` read as the tokenizer reads them
    ///   ([`Recorder::take_carriage_returns`]), references with no parse
    ///   error ([`plain_char_ref`]) and a `&` that starts none.
    ///
    /// Each goes to [`Recorder::take`] as the tokenizer's would; anything else
    /// (a NUL, a reference with an error, a doctype, RCDATA) stops it, and the
    /// tokenizer reads on from there.
    ///
    /// html5ever's tokenizer reads a tag a character at a time (each a queue
    /// pop, each name and value character a push); a third of the corpus's
    /// bytes are tags. `held_text_parses_as_unheld` checks that the record is
    /// the same as the tokenizer's.
    fn read_plain_markup(&self, line_number: u64) {
        if !self.coalesce_text {
            return;
        }
        loop {
            if self.failure.borrow().is_some() {
                return;
            }
            let Some(at) = self.unread_from() else {
                return;
            };
            let rest = &self.text.as_bytes()[at..];
            match rest.first() {
                None => return,
                Some(b'<') if rest.starts_with(b"<!--") => {
                    let Some(body) = plain_comment(rest) else {
                        return;
                    };
                    let Some(text) = self.fed_slice(at + 4, body) else {
                        return;
                    };
                    if !self.pop_input(body + 7) {
                        return;
                    }
                    let result = self.take(HtmlToken::CommentToken(text), line_number);
                    debug_assert!(matches!(result, TokenSinkResult::Continue));
                }
                Some(b'<') => {
                    let mut plain_attrs = self.plain_attrs.borrow_mut();
                    let Some((lexed, len)) =
                        plain_tag(rest, self.limits.max_attributes, &mut plain_attrs)
                    else {
                        return;
                    };
                    // A start tag that may switch the tokenizer to script data
                    // or raw text: read only when `take_raw_text` will take the
                    // element's text whole, so the tokenizer (still in the data
                    // state) reads on at the end tag, which it reads the same
                    // way in either state.
                    if lexed.raw {
                        let name = &rest[lexed.name.0..lexed.name.1];
                        let script = name.eq_ignore_ascii_case(b"script");
                        if raw_text_len(&rest[len..], name, script).is_none() {
                            return;
                        }
                    }
                    let Some(tag) = self.make_tag(at, &lexed, &plain_attrs) else {
                        return;
                    };
                    drop(plain_attrs);
                    if !self.pop_input(len) {
                        return;
                    }
                    let result = self.take(HtmlToken::TagToken(tag), line_number);
                    // `plain_tag` leaves out every tag that may make the tree
                    // builder switch the tokenizer to RCDATA or plaintext.
                    // `</script>` would pause the tokenizer (`Script`), and
                    // `<meta charset>` tell it the encoding: tagmend reads on
                    // after either.
                    debug_assert!(matches!(
                        result,
                        TokenSinkResult::Continue
                            | TokenSinkResult::Script(_)
                            | TokenSinkResult::EncodingIndicator(_)
                            | TokenSinkResult::RawData(RawKind::ScriptData | RawKind::Rawtext)
                    ));
                }
                Some(b'&') => {
                    // No reference: a `&` before anything but a letter, digit
                    // or `#` is a piece of its own, and no error.
                    if rest
                        .get(1)
                        .is_some_and(|&c| !c.is_ascii_alphanumeric() && c != b'#')
                    {
                        if !self.take_input_as_text(at, 1, line_number) {
                            return;
                        }
                        continue;
                    }
                    // A reference read with no parse error: its characters,
                    // each a piece, as the tokenizer emits them.
                    let Some((len, chars, named)) = plain_char_ref(rest) else {
                        return;
                    };
                    if !self.pop_input(len) {
                        return;
                    }
                    for c in chars.into_iter().flatten() {
                        self.take_text(StrTendril::from_char(c), line_number);
                    }
                    // Matching a name, the tokenizer reads one character past
                    // the `;` and puts it back on the queue on its own: the data
                    // state then reads it as a piece of its own.
                    let next = self.text.get(at + len..).and_then(|s| s.chars().next());
                    if let (true, Some(c)) = (named, next) {
                        if matches!(c, '<' | '&') {
                            continue;
                        }
                        if matches!(c, '\r' | '\0') {
                            return;
                        }
                        if !self.take_input_as_text(at + len, c.len_utf8(), line_number) {
                            return;
                        }
                    }
                }
                Some(b'\r') => {
                    if !TEXT_IN_RUNS || !self.take_carriage_returns(at, line_number) {
                        return;
                    }
                }
                Some(_) => {
                    if !TEXT_IN_RUNS {
                        return;
                    }
                    // The run the data state reads in one go: up to the next
                    // `<`, `&` or `\r`, which the loop reads next; at a NUL (or
                    // the end of the page) the tokenizer reads on.
                    let Some(len) = memchr::memchr3(b'<', b'&', b'\r', rest) else {
                        return;
                    };
                    let run = &rest[..len];
                    if memchr::memchr(b'\0', run).is_some() {
                        return;
                    }
                    let mut off = 0;
                    while off < len {
                        let piece = if run[off] == b'\n' { 1 } else { len - off };
                        if !self.take_input_as_text(at + off, piece, line_number) {
                            return;
                        }
                        off += piece;
                    }
                }
            }
        }
    }

    /// At a `\r` (at `at`) in the data state, reads what the tokenizer reads
    /// with its line-break handling on: it emits `\n` for the `\r`, drops a
    /// `\n` right after it, and reads the next character on its own. Another
    /// `\r` is another `\n` (and so on); a `<`, `&` or NUL it leaves to the
    /// data state (the loop, or the tokenizer at a NUL); anything else is a
    /// piece of its own, the dropped `\n` with it. False, with nothing taken,
    /// when the page ends first: the tokenizer reads it all.
    fn take_carriage_returns(&self, at: usize, line_number: u64) -> bool {
        let b = self.text.as_bytes();
        // Where the character read after the `\r` at `r` (and the `\n` the
        // tokenizer drops) starts.
        let after = |r: usize| r + 1 + usize::from(b.get(r + 1) == Some(&b'\n'));
        let mut r = at;
        while b.get(after(r)) == Some(&b'\r') {
            r = after(r);
        }
        if after(r) >= b.len() {
            return false;
        }
        let newline = || StrTendril::from_char('\n');
        if !self.pop_input(1) {
            return false;
        }
        self.take_text(newline(), line_number);
        let mut r = at;
        loop {
            let next = after(r);
            match b[next] {
                b'\r' => {
                    if !self.pop_input(next + 1 - (r + 1)) {
                        return false;
                    }
                    self.take_text(newline(), line_number);
                    r = next;
                }
                b'<' | b'&' | b'\0' => return self.pop_input(next - (r + 1)),
                _ => {
                    let Some(c) = self.text[next..].chars().next() else {
                        return false;
                    };
                    if !self.pop_input(next + c.len_utf8() - (r + 1)) {
                        return false;
                    }
                    self.take_text(StrTendril::from_char(c), line_number);
                    return true;
                }
            }
        }
    }

    /// The tag token [`plain_tag`] lexed at `at`, with its attributes.
    fn make_tag(&self, at: usize, lexed: &PlainTag, lexed_attrs: &[PlainAttr]) -> Option<Tag> {
        let mut names = self.names.borrow_mut();
        let mut lower = |r: (usize, usize)| -> Option<LocalName> {
            // Names are ASCII ([`plain_tag`]).
            Some(names.get(self.text.get(at + r.0..at + r.1)?))
        };
        let mut attrs = Vec::with_capacity(lexed_attrs.len());
        for a in lexed_attrs {
            attrs.push(Attribute {
                name: QualName::new(None, ns!(), lower(a.name)?),
                value: match (&a.decoded, a.value) {
                    (Some(decoded), _) => StrTendril::from_slice(decoded),
                    (None, Some((from, to))) => self.fed_slice(at + from, to - from)?,
                    (None, None) => StrTendril::new(),
                },
            });
        }
        Some(Tag {
            kind: if lexed.end {
                TagKind::EndTag
            } else {
                TagKind::StartTag
            },
            name: lower(lexed.name)?,
            self_closing: lexed.self_closing,
            attrs,
            had_duplicate_attributes: false,
        })
    }

    /// After a start tag that switched the tokenizer to script data or raw text
    /// (`<script>`, `<style>`, `<xmp>`, `<iframe>`, …): when the element's text
    /// runs plainly to its end tag, takes it off the queue and hands it to the
    /// tree builder as one token, so the tokenizer resumes at the end tag.
    ///
    /// The tokenizer would read that text in pieces (every line apart) and
    /// give it all to the element, `\r\n` and `\r` as `\n` (and so does this),
    /// unless it holds a NUL (replaced, with an error) or, in a script, `<!--`
    /// (the escaped states, where `</script>` may not end it): either of those,
    /// text the tokenizer pushed back, or no end tag, and it reads the text
    /// itself ([`raw_text_len`]). The end is the first `</` + the tag's name
    /// (any case) + a tab, line break, form feed, space, `/` or `>`, as the
    /// end tag name state decides. (Ending
    /// too early would still be sound: the text is cut only before a `</`, the
    /// tokenizer then reads on in the same state, and its pieces join the
    /// token as held text.) Two fifths of the corpus's bytes are such text.
    fn take_raw_text(&self, line_number: u64) {
        if !self.coalesce_text || self.failure.borrow().is_some() {
            return;
        }
        let name = match self.tokens.borrow().last() {
            Some(tag) if tag.kind == TokenKind::StartTag => tag.name.clone(),
            _ => return,
        };
        let Some(start) = self.unread_from() else {
            return;
        };
        let rest = &self.text.as_bytes()[start..];
        // Script data for `script` alone, raw text for the rest: the same test
        // `read_plain_markup` makes before it reads such a start tag itself.
        let script = &*name == "script";
        let Some(len) = raw_text_len(rest, name.as_bytes(), script) else {
            return;
        };
        if len == 0 {
            return;
        }
        let content = &rest[..len];
        if memchr::memchr(b'\r', content).is_none() {
            self.take_input_as_text(start, len, line_number);
            return;
        }
        // The tokenizer reads `\r\n` and `\r` as `\n`; a `\n` after the last
        // `\r` it reads with the `<` after it, as part of no text.
        let text = self.text[start..start + len]
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let dropped = usize::from(content.ends_with(b"\r\n"));
        if self.pop_input(len - dropped) {
            self.take_text(StrTendril::from(text), line_number);
            self.pop_input(dropped);
        }
    }

    fn flush_held_text(&self) {
        let text = match std::mem::replace(&mut *self.held.borrow_mut(), Held::Nothing) {
            Held::Nothing => return,
            Held::AsWritten => self.held_source(),
            Held::Copied(copy) => copy,
        };
        let span = Span::new(self.held_start.get(), self.last_end.get());
        // Text never asks anything of the tokenizer (only tags do).
        let result = self.process_now(
            HtmlToken::CharacterTokens(text),
            self.held_line.get(),
            Some(span),
        );
        debug_assert!(matches!(result, TokenSinkResult::Continue));
    }

    /// Whether the text pieces after the one just processed (`effects`) may be
    /// held back and handed over as one token: html5ever emits a page's text
    /// in pieces (a line break that starts it on its own, every line of a
    /// script or style sheet apart, each reference), and each piece was a trip
    /// through the tree builder that [`Recorder::merge_text`] then undid.
    ///
    /// They may when that piece went into the current node as plain text (no
    /// element made, no error, not fostered) and the insertion mode is one
    /// where every later piece does the same until the next tag: "in body",
    /// "in cell", "in caption", "in select", "text" (raw text and script data)
    /// or foreign content. A piece with any non-whitespace character that went
    /// in plainly proves that: in every other mode such text makes an element
    /// (`body`), raises an error or waits as table text. A piece of whitespace
    /// proves it only as [`Recorder::holds_any_text`] says.
    ///
    /// `tests/conformance.rs` (`held_text_parses_as_unheld`) checks that the
    /// record (nodes, tokens, errors) is the same as with every piece handed
    /// over on its own.
    fn may_hold_text(&self, effects: &super::sink::TokenEffects, has_non_whitespace: bool) -> bool {
        if !self.coalesce_text || !effects.created.is_empty() || !effects.errors.is_empty() {
            return false;
        }
        let current = self.open.borrow().last().copied();
        let Some((parent, false)) = effects.text_parent else {
            return false;
        };
        Some(parent) == current && (has_non_whitespace || self.holds_any_text())
    }

    /// Whether the current node and what came before tell that the insertion
    /// mode takes any text, whitespace or not, as plain text: no `</body>`,
    /// `</html>` or `<frameset>` seen ("after body" takes whitespace as "in
    /// body" does, but not the text after it), and the current node none of
    /// those the modes that take whitespace apart have (`html`, `head`, table
    /// parts, `colgroup`, `frameset`, `template`; `body` and `noscript` for
    /// good measure).
    fn holds_any_text(&self) -> bool {
        if self.after_body.get() {
            return false;
        }
        let Some(&current) = self.open.borrow().last() else {
            return false;
        };
        let nodes = self.tb.sink.nodes.borrow();
        matches!(&nodes[current].data, NodeData::Element { name, .. }
            if !matches!(&*name.local,
                "html" | "head" | "body" | "table" | "tbody" | "thead" | "tfoot" | "tr"
                    | "colgroup" | "frameset" | "template" | "noscript"))
    }

    fn process_now(
        &self,
        token: HtmlToken,
        line_number: u64,
        held_span: Option<Span>,
    ) -> TokenSinkResult<NodeId> {
        self.hold_text.set(false);
        let consumed = match held_span {
            Some(span) => span.end,
            None => self.consumed(),
        };
        if matches!(token, HtmlToken::ParseError(_)) {
            // Tokenizer errors go through the tree builder, as in `parse_document`:
            // html5ever's `TreeBuilder::process_token` clears its "ignore a leading
            // LF" flag (set by `<pre>`, `<listing>`, `<textarea>`) on every token it
            // is handed, parse errors included, before reporting them to the sink.
            // Holding them back kept the flag set, so in `<pre>&#10x` (the reference
            // lacks its `;`) tagmend dropped the LF that html5ever keeps. (WHATWG
            // counts only real tokens and would drop it; the DOM must match html5ever.)
            let result = self.tb.process_token(token, line_number);
            self.errors.borrow_mut().extend(
                self.tb
                    .sink
                    .effects
                    .borrow_mut()
                    .errors
                    .drain(..)
                    .map(|message| ParseError {
                        message,
                        span: Span::empty(consumed),
                    }),
            );
            return result;
        }
        // The empty name is `LocalName::default()`: a constant, where
        // `LocalName::from("")` hashes the string for every text token.
        let (kind, name, self_closing) = match &token {
            HtmlToken::ParseError(_) => unreachable!("tokenizer errors are handled above"),
            HtmlToken::TagToken(Tag {
                kind,
                name,
                self_closing,
                ..
            }) => (
                if *kind == TagKind::StartTag {
                    TokenKind::StartTag
                } else {
                    TokenKind::EndTag
                },
                name.clone(),
                *self_closing,
            ),
            HtmlToken::CommentToken(_) => (TokenKind::Comment, LocalName::default(), false),
            HtmlToken::DoctypeToken(_) => (TokenKind::Doctype, LocalName::default(), false),
            HtmlToken::CharacterTokens(_) | HtmlToken::NullCharacterToken => {
                (TokenKind::Text, LocalName::default(), false)
            }
            HtmlToken::EOFToken => (TokenKind::Eof, LocalName::default(), false),
        };
        let span = match kind {
            TokenKind::Text => {
                held_span.unwrap_or_else(|| Span::new(self.last_end.get().min(consumed), consumed))
            }
            TokenKind::Eof => Span::empty(self.total),
            _ => {
                let start = self.markup_start(consumed);
                // Text emitted before this token may have run into it (a reconsumed
                // `<`). Trim every such text token, not only the last: a script-data
                // `</` followed by `<` (`</</script>`) is emitted as two text tokens
                // at the same position, both past the `<` that starts `</script>`.
                let mut tokens = self.tokens.borrow_mut();
                for prev in tokens.iter_mut().rev() {
                    if prev.kind != TokenKind::Text || prev.span.end <= start {
                        break;
                    }
                    prev.span = Span::new(prev.span.start.min(start), start);
                }
                self.last_markup_end.set(consumed);
                Span::new(start, consumed)
            }
        };
        self.last_end.set(consumed);
        if matches!(
            (kind, &*name),
            (TokenKind::EndTag, "body" | "html") | (TokenKind::StartTag, "frameset")
        ) {
            self.after_body.set(true);
        }
        // Whether this text has anything but whitespace, asked only where the
        // current node does not already tell that later text may be held back.
        let has_non_whitespace = match &token {
            HtmlToken::CharacterTokens(t) if self.coalesce_text && !self.holds_any_text() => t
                .bytes()
                .any(|b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')),
            _ => false,
        };
        let token_here = Token {
            kind,
            span,
            name: name.clone(),
            self_closing,
            node: Index32::NONE,
            current: Index32::from(self.open.borrow().last().copied()),
            fostered: false,
            closed: ClosedElements::default(),
        };
        // A text token may yet merge into the one before it (below): it is
        // listed and indexed once that is settled. Nothing reads the list
        // while the tree builder runs; the sink only notes the index.
        let idx = self.tokens.borrow().len();
        let mut text_token = None;
        if kind == TokenKind::Text {
            text_token = Some(token_here);
        } else {
            self.list(token_here);
        }
        if idx > self.limits.max_tokens {
            self.fail(ParseFailure::TooManyTokens(self.limits.max_tokens));
            return TokenSinkResult::Continue;
        }
        if idx.is_multiple_of(512) && self.started.elapsed() > self.limits.max_time {
            self.fail(ParseFailure::TimedOut(self.limits.max_time));
            return TokenSinkResult::Continue;
        }

        let sink = &self.tb.sink;
        sink.current_token.set(idx);
        sink.effects.borrow_mut().clear();
        let nodes_before = sink.nodes.borrow().len();
        let result = self.tb.process_token(token, line_number);
        let mut effects = sink.effects.borrow_mut();
        if let Some(text_token) = text_token {
            self.hold_text
                .set(self.may_hold_text(&effects, has_non_whitespace));
            if self.merge_text(idx, &text_token, &effects, nodes_before) {
                return result;
            }
            self.list(text_token);
        }
        self.errors.borrow_mut().extend(
            effects
                .errors
                .drain(..)
                .map(|message| ParseError { message, span }),
        );
        // Only tags, the end of input, and tokens that made elements (implied
        // html/head/body, reopened formatting elements) change the stack of open
        // elements; text, comments and doctypes leave it as it was.
        let stack_may_change = matches!(
            kind,
            TokenKind::StartTag | TokenKind::EndTag | TokenKind::Eof
        ) || !effects.created.is_empty();
        let mut next_open = self.next_open.borrow_mut();
        let change = if !stack_may_change {
            None
        } else if let Some(change) = self.quick_stack(kind, &name, &effects) {
            if self.verify_stack {
                self.check_derived(change, idx, kind, &name);
            }
            Some(change)
        } else {
            self.open_stack(&mut next_open);
            Some(StackChange::Traced)
        };
        let mut tokens = self.tokens.borrow_mut();
        let tok = &mut tokens[idx];
        {
            let mut nodes = sink.nodes.borrow_mut();
            if kind == TokenKind::StartTag {
                let owner = effects.created.iter().rev().copied().find(|&id| {
                    matches!(&nodes[id].data, NodeData::Element { name: n, .. }
                        if n.local.eq_ignore_ascii_case(&name))
                });
                if let Some(id) = owner {
                    nodes[id].origin = Origin::Source;
                    nodes[id].start_tag = Index32::new(idx);
                    tok.node = Index32::new(id);
                }
            }
            let mut pending = self.pending_table_text.borrow_mut();
            match (kind, effects.text_parent) {
                (TokenKind::Text, Some((parent, fostered))) => {
                    tok.node = Index32::new(parent);
                    tok.fostered = fostered;
                }
                (TokenKind::Text, None) => {
                    let table_ctx = tok.current().is_some_and(|c| {
                        matches!(&nodes[c].data, NodeData::Element { name, .. }
                            if matches!(&*name.local, "table" | "tbody" | "thead" | "tfoot" | "tr"))
                    });
                    if table_ctx {
                        pending.push(idx);
                    }
                }
                (_, Some((parent, fostered))) => {
                    for &p in pending.iter() {
                        tokens[p].node = Index32::new(parent);
                        tokens[p].fostered = fostered;
                    }
                    pending.clear();
                }
                _ => {}
            }
            drop(pending);
            let tok = &mut tokens[idx];
            let Some(change) = change else {
                return result;
            };
            let mut popped = self.popped.borrow_mut();
            popped.clear();
            match change {
                StackChange::Pushed(_) | StackChange::Unchanged => {}
                StackChange::PoppedTop(top) => popped.push(top),
                StackChange::Traced => {
                    let old_open = self.open.borrow();
                    let new_open = &*next_open;
                    let common = old_open
                        .iter()
                        .zip(new_open.iter())
                        .take_while(|(a, b)| a == b)
                        .count();
                    if common < old_open.len() {
                        popped.extend(
                            old_open[common..]
                                .iter()
                                .copied()
                                .filter(|id| !new_open[common..].contains(id)),
                        );
                    }
                }
            }
            let own = if kind == TokenKind::EndTag {
                popped.iter().rev().copied().find(|&id| {
                    matches!(&nodes[id].data, NodeData::Element { name: n, .. }
                        if n.local.eq_ignore_ascii_case(&name))
                })
            } else {
                None
            };
            let mut closed = Vec::new();
            for &id in popped.iter() {
                nodes[id].closed_at = Index32::new(idx);
                if Some(id) == own {
                    nodes[id].end_tag = Index32::new(idx);
                    tok.node = Index32::new(id);
                } else {
                    closed.push(id);
                }
            }
            tok.closed = ClosedElements::from(closed);
        }
        drop(tokens);
        let mut open = self.open.borrow_mut();
        match change {
            Some(StackChange::Traced) => std::mem::swap(&mut *open, &mut *next_open),
            Some(change) => change.apply(&mut open),
            None => {}
        }
        if open.len() > self.limits.max_depth {
            drop(open);
            self.fail(ParseFailure::TooDeep(self.limits.max_depth));
        }
        result
    }
}

/// Whether html5ever's data state reads text in runs up to the next `<`, `&`,
/// NUL or `\r` (its SIMD path), a line break at a run's start on its own: the
/// pieces [`Recorder::read_plain_markup`] cuts. Elsewhere it stops at every
/// line break, and the recorder leaves text to it.
const TEXT_IN_RUNS: bool = cfg!(any(
    target_arch = "x86",
    target_arch = "x86_64",
    target_arch = "aarch64"
));

/// The character reference at the start of `b` (a `&`) when html5ever's
/// tokenizer reads it with no parse error: a name its table knows followed
/// by `;`, or a decimal or hex number followed by `;` naming a character that
/// is no control, surrogate or noncharacter. Its length, its one or two
/// characters, and whether it is named.
fn plain_char_ref(b: &[u8]) -> Option<(usize, [Option<char>; 2], bool)> {
    if b.get(1) == Some(&b'#') {
        let (digits_end, value) = crate::rules::prose::numeric_ref(b)?;
        let plain = b.get(digits_end) == Some(&b';')
            && matches!(value, 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfdcf | 0xfdf0..=0x10_ffff)
            && value & 0xfffe != 0xfffe;
        return plain.then(|| (digits_end + 1, [char::from_u32(value), None], false));
    }
    let name_len = b[1..]
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || b.get(1 + name_len) != Some(&b';') {
        return None;
    }
    let name = std::str::from_utf8(&b[1..name_len + 2]).ok()?;
    let &(a, c) = markup5ever::data::NAMED_ENTITIES.get(name)?;
    let first = char::from_u32(a).filter(|_| a != 0)?;
    Some((
        name_len + 2,
        [Some(first), char::from_u32(c).filter(|_| c != 0)],
        true,
    ))
}

/// Tag and attribute names as the tokenizer makes them (lowercased), by the
/// name as written: a page repeats a few dozen names thousands of times, and
/// making a `LocalName` hashes the name (and takes the global set's lock for
/// one html5ever does not know). Direct-mapped: a slot holds the last name
/// that hashed to it.
struct NameCache {
    slots: Vec<Option<LocalName>>,
}

impl Default for NameCache {
    fn default() -> Self {
        Self {
            slots: vec![None; 256],
        }
    }
}

impl NameCache {
    fn get(&mut self, written: &str) -> LocalName {
        let hash = written.bytes().fold(written.len() as u32, |h, b| {
            (h.rotate_left(5) ^ u32::from(b)).wrapping_mul(0x9e37_79b9)
        });
        let slot = &mut self.slots[(hash >> 24) as usize];
        if let Some(name) = slot {
            if &**name == written {
                return name.clone();
            }
        }
        let name = if written.bytes().any(|b| b.is_ascii_uppercase()) {
            LocalName::from(written.to_ascii_lowercase())
        } else {
            LocalName::from(written)
        };
        *slot = Some(name.clone());
        name
    }
}

/// A tag [`plain_tag`] lexed: byte ranges within the text it was given (its
/// attributes apart, in a list the recorder reuses).
struct PlainTag {
    end: bool,
    name: (usize, usize),
    /// A start tag that may switch the tokenizer to script data or raw text
    /// ([`RAW_TEXT`]).
    raw: bool,
    self_closing: bool,
}

struct PlainAttr {
    name: (usize, usize),
    /// The value between its quotes or unquoted; none for a bare name.
    value: Option<(usize, usize)>,
    /// The value with its references decoded, when it holds a `&`.
    decoded: Option<String>,
}

/// What html5ever's tokenizer makes of a `&` in an attribute value when it
/// reads it with no parse error ([`attr_char_ref`]).
enum AttrRef {
    /// The `&` stays as written (and so do the characters after it).
    Literal,
    /// A reference of this many bytes, decoded to one or two characters.
    Decoded(usize, [Option<char>; 2]),
}

/// The `&` at the start of `b`, in an attribute value, when html5ever's
/// tokenizer reads it with no parse error ([`AttrRef`]); `None` when it reports
/// one, or when it needs more than `b` holds to decide (the tokenizer reads it).
///
/// As the tokenizer does (WHATWG 13.2.5.72-73): after `&`, a `#` starts a
/// number (plain as in text: [`plain_char_ref`]); anything but an ASCII letter
/// or digit leaves the `&` as it is. Otherwise the name is the longest one the
/// entity table knows that the input starts with, read while what is read is a
/// prefix of some name. A name ending in `;` is decoded. A name without its `;`
/// (`&amp`, `&copy`) followed by `=` or a letter or digit stays as written
/// (`?a=1&copy=2`); followed by anything else it is decoded with an error. No
/// name: the `&` and the letters and digits after it stay as written, with an
/// error when a `;` follows them.
fn attr_char_ref(b: &[u8]) -> Option<AttrRef> {
    // A number, or a name with its `;` (as long as a name gets: one lookup),
    // read as in text.
    if let Some((len, chars, _)) = plain_char_ref(b) {
        return Some(AttrRef::Decoded(len, chars));
    }
    match *b.get(1)? {
        b'#' => None,
        c if c.is_ascii_alphanumeric() => {
            let run = b[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            let after = *b.get(1 + run)?;
            // What the tokenizer may read: the run and the byte after it (a
            // name's `;`, or where the read ends).
            let read = &b[1..run + 2];
            let mut longest = None;
            for k in 1..=read.len().min(40) {
                // A byte that is not ASCII is in no name (and ends the read).
                let Ok(name) = std::str::from_utf8(&read[..k]) else {
                    break;
                };
                match markup5ever::data::NAMED_ENTITIES.get(name) {
                    Some(&(0, _)) => {}
                    Some(&(a, c)) => longest = Some((k, a, c)),
                    None => break,
                }
            }
            match longest {
                None if after == b';' => None,
                None => Some(AttrRef::Literal),
                Some((k, a, c)) if read[k - 1] == b';' => Some(AttrRef::Decoded(
                    k + 1,
                    [char::from_u32(a), char::from_u32(c).filter(|_| c != 0)],
                )),
                Some((k, ..)) => {
                    (read[k] == b'=' || read[k].is_ascii_alphanumeric()).then_some(AttrRef::Literal)
                }
            }
        }
        _ => Some(AttrRef::Literal),
    }
}

/// The attribute value at `b[from..to]` as the tokenizer gives it, its
/// references decoded; `None` when one reads with a parse error
/// ([`attr_char_ref`]). `b` goes on past the value: whether a reference is
/// one can depend on the quote or the character after it. A reference never
/// runs past the value: it is letters, digits, `#` and `;`.
fn decode_attr_value(b: &[u8], from: usize, to: usize) -> Option<String> {
    let mut out = String::with_capacity(to - from);
    let mut i = from;
    while let Some(p) = memchr::memchr(b'&', &b[i..to]) {
        out.push_str(std::str::from_utf8(&b[i..i + p]).ok()?);
        match attr_char_ref(&b[i + p..])? {
            AttrRef::Literal => {
                out.push('&');
                i += p + 1;
            }
            AttrRef::Decoded(len, chars) => {
                out.extend(chars.into_iter().flatten());
                i += p + len;
            }
        }
    }
    out.push_str(std::str::from_utf8(b.get(i..to)?).ok()?);
    Some(out)
}

/// Tag names whose start tags may switch the tokenizer to RCDATA or plaintext:
/// [`plain_tag`] leaves them to the tokenizer.
const RCDATA_OR_PLAINTEXT: &[&str] = &["textarea", "title", "plaintext"];

/// Tag names whose start tags may switch the tokenizer to script data or raw
/// text (`<svg><script>` does not): [`plain_tag`] marks them `raw`.
const RAW_TEXT: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// The tag at the start of `b` (a `<`) and its length in bytes, when html5ever's
/// tokenizer reads it with no parse error and the same way every time: a name
/// of ASCII letters, digits, `-`, `_`, `:` and `.` (not one that may switch
/// the tokenizer to RCDATA or plaintext, [`RCDATA_OR_PLAINTEXT`]); for a
/// start tag, attributes with ASCII names, separated by whitespace, each bare,
/// or with a value quoted or unquoted with no NUL or `\r` (normalized) in it
/// and each `&` read with no error ([`attr_char_ref`]), no name twice, at most
/// `max_attributes`; `/>` or `>`. An end tag has no attributes and no `/`.
/// Whitespace is tab, line feed, form feed, space or `\r` (which the tag
/// states read as a line feed). `None` for anything else: the tokenizer reads
/// it.
fn plain_tag(
    b: &[u8],
    max_attributes: usize,
    attrs: &mut Vec<PlainAttr>,
) -> Option<(PlainTag, usize)> {
    attrs.clear();
    // `\r` too: the tag states read `\r` and `\r\n` as `\n`.
    let ws = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let tag_name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.');
    let attr_name_byte = |c: u8| {
        c.is_ascii()
            && !ws(c)
            && !matches!(c, b'/' | b'>' | b'=' | b'"' | b'\'' | b'<' | b'\0')
            && !c.is_ascii_control()
    };
    let skip_ws = |mut i: usize| {
        while b.get(i).copied().is_some_and(ws) {
            i += 1;
        }
        i
    };
    let end = b.get(1) == Some(&b'/');
    let mut i = if end { 2 } else { 1 };
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_from = i;
    while b.get(i).copied().is_some_and(tag_name_byte) {
        i += 1;
    }
    let name = (name_from, i);
    let written = &b[name.0..name.1];
    let is = |names: &[&str]| {
        names
            .iter()
            .any(|s| written.eq_ignore_ascii_case(s.as_bytes()))
    };
    if !end && is(RCDATA_OR_PLAINTEXT) {
        return None;
    }
    let mut tag = PlainTag {
        end,
        name,
        raw: !end && is(RAW_TEXT),
        self_closing: false,
    };
    loop {
        // After the name, a value or a bare attribute name: `>`, `/>`, or
        // whitespace and then an attribute (or `>`, `/>`).
        let before = i;
        i = skip_ws(i);
        match *b.get(i)? {
            b'>' => return Some((tag, i + 1)),
            b'/' if !end && b.get(i + 1) == Some(&b'>') => {
                tag.self_closing = true;
                return Some((tag, i + 2));
            }
            c if !end && i > before && attr_name_byte(c) => {}
            _ => return None,
        }
        // An attribute.
        let from = i;
        while b.get(i).copied().is_some_and(attr_name_byte) {
            i += 1;
        }
        let attr_name = (from, i);
        if attrs.len() >= max_attributes
            || attrs
                .iter()
                .any(|a| b[a.name.0..a.name.1].eq_ignore_ascii_case(&b[from..i]))
        {
            return None;
        }
        let after = skip_ws(i);
        if b.get(after) != Some(&b'=') {
            // A bare name: the next attribute, `/>` or `>` follows (after
            // whitespace, which the loop's head requires).
            attrs.push(PlainAttr {
                name: attr_name,
                value: None,
                decoded: None,
            });
            match *b.get(i)? {
                c if ws(c) || c == b'>' || c == b'/' => continue,
                _ => return None,
            }
        }
        i = skip_ws(after + 1);
        let value = match *b.get(i)? {
            q @ (b'"' | b'\'') => {
                let len = memchr::memchr(q, &b[i + 1..])?;
                let v = (i + 1, i + 1 + len);
                if memchr::memchr2(b'\0', b'\r', &b[v.0..v.1]).is_some() {
                    return None;
                }
                i = v.1 + 1;
                v
            }
            b'>' => return None,
            _ => {
                let v0 = i;
                while let Some(&c) = b.get(i) {
                    if ws(c) || c == b'>' {
                        break;
                    }
                    if matches!(c, b'"' | b'\'' | b'<' | b'=' | b'`' | b'\0') {
                        return None;
                    }
                    i += 1;
                }
                (v0, i)
            }
        };
        let decoded = match memchr::memchr(b'&', &b[value.0..value.1]) {
            Some(_) => Some(decode_attr_value(b, value.0, value.1)?),
            None => None,
        };
        attrs.push(PlainAttr {
            name: attr_name,
            value: Some(value),
            decoded,
        });
    }
}

/// The length of the body of the comment at the start of `b` (`<!--`), when
/// html5ever's tokenizer reads it with no parse error and emits the body as
/// written: it ends at the first `--`, which `>` follows; it does not start
/// with `>` or `->` (an abruptly closed empty comment); and it holds no NUL
/// (replaced) or `\r` (normalized). So it holds no `--` (`--!>` is an error,
/// a `-` before `-->` a third dash) and no `<!--` (nested, an error); `<!-`
/// and `<!` alone are read as written.
fn plain_comment(b: &[u8]) -> Option<usize> {
    let body = &b[4..];
    let len = memchr::memmem::find(body, b"--")?;
    (body.get(len + 2) == Some(&b'>')
        && !body.starts_with(b">")
        && !body.starts_with(b"->")
        && memchr::memchr2(b'\0', b'\r', &body[..len]).is_none())
    .then_some(len)
}

/// How long the raw text at the start of `rest` is, when html5ever's
/// tokenizer would read it plainly up to its end tag ([`raw_text_end`]): no NUL
/// in it (replaced, with an error) and, in a script, no `<!--` (the escaped
/// states, where `</script>` may not end it). `None` otherwise.
fn raw_text_len(rest: &[u8], name: &[u8], script: bool) -> Option<usize> {
    let len = raw_text_end(rest, name)?;
    let content = &rest[..len];
    (memchr::memchr(b'\0', content).is_none()
        && !(script && memchr::memmem::find(content, b"<!--").is_some()))
    .then_some(len)
}

/// Where raw text `rest` (the text after a `<script>`, `<style>`, …) ends: the
/// first `</` followed by `name` in any case and a tab, line break, form feed,
/// space, `/` or `>` ([`Recorder::take_raw_text`]). `None` when it runs to the
/// end of the page.
fn raw_text_end(rest: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&rest[from..], b"</") {
        let at = from + p;
        let after = &rest[at + 2..];
        if after.len() > name.len()
            && after[..name.len()].eq_ignore_ascii_case(name)
            && matches!(
                after[name.len()],
                b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'
            )
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// A linear pre-scan for a tag with too many attributes: html5ever checks each new
/// attribute against all earlier ones, so 100k attributes take minutes. Counts
/// whitespace-separated items outside quotes from `<letter` to `>`; it may
/// over-count in script text, which only matters past the (generous) limit.
fn too_many_attributes(text: &str, max: usize) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Text between tags is skipped with memchr, and so are quoted values: only the
    // unquoted inside of each tag is walked byte by byte.
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        i += p + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut count = 0usize;
        let mut prev_ws = false;
        while i < b.len() {
            let c = b[i];
            if c == b'>' {
                break;
            } else if c == b'"' || c == b'\'' {
                match memchr::memchr(c, &b[i + 1..]) {
                    Some(q) => i += q + 1,
                    None => return false,
                }
            } else if c.is_ascii_whitespace() {
                prev_ws = true;
            } else if prev_ws {
                prev_ws = false;
                count += 1;
                if count > max {
                    return true;
                }
            }
            i += 1;
        }
    }
    false
}

pub(crate) fn parse(source: Source, limits: &Limits) -> Result<Document, ParseFailure> {
    parse_with(source, limits, false, true).map(|(doc, _)| doc)
}

/// [`parse`], checking each stack of open elements derived by
/// `Recorder::quick_stack` against the full trace (panics when they differ);
/// with the number of stacks derived.
pub(crate) fn parse_verifying_stack(
    source: Source,
    limits: &Limits,
) -> Result<(Document, usize), ParseFailure> {
    parse_with(source, limits, true, true)
}

/// [`parse`] with html5ever's tokenizer reading the whole page and every text
/// piece it emits handed to the tree builder as it comes (tests: what the
/// recorder reads itself or holds back must not change the result).
pub(crate) fn parse_without_held_text(
    source: Source,
    limits: &Limits,
) -> Result<Document, ParseFailure> {
    parse_with(source, limits, false, false).map(|(doc, _)| doc)
}

fn parse_with(
    source: Source,
    limits: &Limits,
    verify_stack: bool,
    coalesce_text: bool,
) -> Result<(Document, usize), ParseFailure> {
    if source.text().len() > limits.max_bytes {
        return Err(ParseFailure::TooLarge(limits.max_bytes));
    }
    if too_many_attributes(source.text(), limits.max_attributes) {
        return Err(ParseFailure::TooManyAttributes(limits.max_attributes));
    }
    let text = source.text();
    let text_len = text.len();
    let queue = Rc::new(BufferQueue::default());
    let fed = StrTendril::from_slice(text);
    queue.push_back(fed.clone());
    // Reserve for the densest markup seen in real pages (one token per 12 bytes,
    // a node per 24): outgrowing a reservation copies the whole list, while
    // capacity never written is never paged in.
    let tb = TreeBuilder::new(
        ArenaSink::with_capacity(text_len / 24 + 16),
        TreeBuilderOpts::default(),
    );
    let recorder = Recorder {
        tb,
        names: RefCell::new(NameCache::default()),
        plain_attrs: RefCell::new(Vec::new()),
        queue: Rc::clone(&queue),
        total: text.len(),
        text,
        tokens: RefCell::new(Vec::with_capacity(text_len / 12 + 16)),
        token_index: RefCell::new(TokenIndex::with_capacity(text_len / 12 + 16)),
        errors: RefCell::new(Vec::new()),
        open: RefCell::new(Vec::new()),
        fed,
        next_open: RefCell::new(Vec::new()),
        popped: RefCell::new(Vec::new()),
        pending_table_text: RefCell::new(Vec::new()),
        last_end: Cell::new(0),
        last_markup_end: Cell::new(0),
        failure: RefCell::new(None),
        limits: limits.clone(),
        started: Instant::now(),
        open_exact: Cell::new(true),
        verify_stack,
        derived: Cell::new(0),
        held: RefCell::new(Held::Nothing),
        held_start: Cell::new(0),
        held_line: Cell::new(0),
        hold_text: Cell::new(false),
        after_body: Cell::new(false),
        coalesce_text,
    };
    let tok = Tokenizer::new(recorder, TokenizerOpts::default());
    // `Script` and `EncodingIndicator` results only pause the tokenizer; tagmend
    // has already decided the encoding, so it carries on until the input is done.
    // After `</script>` (which pauses it) the tokenizer is in the data state
    // with nothing to reconsume, as after any tag: read on from there.
    while !matches!(tok.feed(&queue), TokenizerResult::Done) {
        tok.sink.read_plain_markup(0);
    }
    if let Some(f) = tok.sink.failure.borrow_mut().take() {
        return Err(f);
    }
    tok.end();
    if let Some(f) = tok.sink.failure.borrow_mut().take() {
        return Err(f);
    }
    let Recorder {
        tb,
        tokens,
        token_index,
        errors,
        derived,
        ..
    } = tok.sink;
    let nodes = tb.sink.nodes.into_inner();
    let tokens = tokens.into_inner();
    // Nodes hold node and token indices in 32 bits (see `Index32`).
    if nodes.len() >= Index32::LIMIT || tokens.len() >= Index32::LIMIT {
        return Err(ParseFailure::TooLarge(limits.max_bytes));
    }
    Ok((
        Document::from_parts(
            source,
            nodes,
            tokens,
            token_index.into_inner(),
            errors.into_inner(),
        ),
        derived.get(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str) -> Document {
        parse(Source::from_text(html), &Limits::default()).expect("parses")
    }

    /// The text tokens of `d`, as source text.
    fn texts(d: &Document) -> Vec<&str> {
        d.tokens()
            .iter()
            .filter(|t| t.kind == TokenKind::Text)
            .map(|t| d.source().slice(t.span))
            .collect()
    }

    #[test]
    fn the_default_local_name_is_the_empty_one() {
        assert_eq!(LocalName::default(), LocalName::from(""));
    }

    /// html5ever hands over the text between two tags in pieces (each line
    /// break and reference on its own); they are recorded as one token, and the
    /// text node they made ends at that token.
    #[test]
    fn pieces_of_one_stretch_of_text_are_one_token() {
        let d = doc("<p>one\ntwo &amp; three\r\nfour\0five</p><p>six</p>");
        assert_eq!(
            texts(&d),
            ["one\ntwo &amp; three\r\nfour", "\0", "five", "six"]
        );
        let text_nodes: Vec<&Node> = d
            .nodes
            .iter()
            .filter(|n| matches!(n.data, NodeData::Text(_)))
            .collect();
        for n in text_nodes {
            let last = n.last_token.get().expect("a text node has a last token");
            assert_eq!(d.tokens()[last].kind, TokenKind::Text);
            assert!(n.first_token.get() <= Some(last));
        }
    }

    /// Text that went elsewhere is not merged: foster-parented table text,
    /// text that made an element (`body`); text with a parse error (the NUL
    /// above).
    #[test]
    fn text_that_went_elsewhere_keeps_its_own_token() {
        // Table text is held back and foster-parented piece by piece; the
        // cell's text is one stretch.
        let d = doc("<table>x&amp;y<tr><td>a&amp;b</td></tr></table>");
        assert_eq!(texts(&d), ["x", "&amp;", "y", "a&amp;b"]);
        // The text that made `body` starts a token of its own; what follows it
        // in `body` joins it.
        let d = doc("<html><head></head>\n\nbody text\nmore");
        assert_eq!(texts(&d), ["\n\n", "body text\nmore"]);
        let contiguous = d
            .tokens()
            .windows(2)
            .all(|w| w[0].span.end <= w[1].span.start);
        assert!(contiguous);
    }
}
