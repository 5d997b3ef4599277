//! An arena `TreeSink`: html5ever's tree builder writes into a `Vec` of nodes, and
//! every node is stamped with the token that made it, so the DOM carries spans.
//!
//! The tree operations mirror `markup5ever_rcdom` exactly (text merging, foster
//! parenting, template contents, `selectedcontent` cloning) so the DOM is the same as
//! `html5ever::parse_document` gives; `tests/conformance.rs` checks it.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName};

use super::{Index32, Node, NodeData, NodeId, Origin};

/// Facts the sink learns while one token is processed.
#[derive(Default)]
pub(crate) struct TokenEffects {
    /// Elements created for this token, in creation order.
    pub created: Vec<NodeId>,
    /// Where this token's text went: the parent, and whether it was foster-parented.
    pub text_parent: Option<(NodeId, bool)>,
    /// Parse errors raised while processing it.
    pub errors: Vec<Cow<'static, str>>,
    /// Elements the tree builder said it popped off the stack of open elements
    /// (`TreeSink::pop`). It says so for single pops, not for every pop (see
    /// `Recorder::quick_stack`).
    pub popped: Vec<NodeId>,
}

impl TokenEffects {
    /// Forget the last token's facts but keep the lists' storage: a fresh value
    /// per token was an allocation and a free for every start tag.
    pub fn clear(&mut self) {
        self.created.clear();
        self.text_parent = None;
        self.errors.clear();
        self.popped.clear();
    }
}

pub(crate) struct ArenaSink {
    pub nodes: RefCell<Vec<Node>>,
    pub effects: RefCell<TokenEffects>,
    pub current_token: Cell<usize>,
    pub quirks: Cell<QuirksMode>,
    /// The last element whose name the tree builder asked for: after
    /// `adjusted_current_node_present_but_not_in_html_namespace`, the current
    /// node (`usize::MAX` when none was asked for).
    pub named: Cell<usize>,
}

impl ArenaSink {
    pub fn with_capacity(nodes: usize) -> Self {
        let mut v = Vec::with_capacity(nodes);
        v.push(Node::new(NodeData::Document, Origin::Implied, None));
        Self {
            nodes: RefCell::new(v),
            effects: RefCell::new(TokenEffects::default()),
            current_token: Cell::new(0),
            quirks: Cell::new(QuirksMode::NoQuirks),
            named: Cell::new(usize::MAX),
        }
    }

    fn new_node(&self, data: NodeData) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        let id = nodes.len();
        nodes.push(Node::new(
            data,
            Origin::Implied,
            Some(self.current_token.get()),
        ));
        id
    }

    fn note_text(&self, parent: NodeId, fostered: bool) {
        let mut eff = self.effects.borrow_mut();
        if eff.text_parent.is_none() {
            eff.text_parent = Some((parent, fostered));
        }
    }

    fn detach(nodes: &mut [Node], child: NodeId) {
        let Some(parent) = nodes[child].parent.take() else {
            return;
        };
        let (prev, next) = (nodes[child].prev_sibling, nodes[child].next_sibling);
        match prev.get() {
            Some(p) => nodes[p].next_sibling = next,
            None => nodes[parent].first_child = next,
        }
        match next.get() {
            Some(n) => nodes[n].prev_sibling = prev,
            None => nodes[parent].last_child = prev,
        }
        nodes[child].prev_sibling = Index32::NONE;
        nodes[child].next_sibling = Index32::NONE;
    }

    /// Link `child` (detached) as the last child of `parent`.
    fn link_last(nodes: &mut [Node], parent: NodeId, child: NodeId) {
        let last = nodes[parent].last_child;
        match last.get() {
            Some(l) => nodes[l].next_sibling = Index32::new(child),
            None => nodes[parent].first_child = Index32::new(child),
        }
        nodes[child].prev_sibling = last;
        nodes[child].next_sibling = Index32::NONE;
        nodes[child].parent = Index32::new(parent);
        nodes[parent].last_child = Index32::new(child);
    }

    /// Link `child` (detached) just before `sibling`, a child of `parent`.
    fn link_before(nodes: &mut [Node], parent: NodeId, sibling: NodeId, child: NodeId) {
        let prev = nodes[sibling].prev_sibling;
        match prev.get() {
            Some(p) => nodes[p].next_sibling = Index32::new(child),
            None => nodes[parent].first_child = Index32::new(child),
        }
        nodes[child].prev_sibling = prev;
        nodes[child].next_sibling = Index32::new(sibling);
        nodes[child].parent = Index32::new(parent);
        nodes[sibling].prev_sibling = Index32::new(child);
    }

    /// Append text to the last child if that is a text node; true when it was.
    fn merge_text(
        nodes: &mut [Node],
        prev: Option<NodeId>,
        text: &StrTendril,
        token: usize,
    ) -> bool {
        if let Some(prev) = prev {
            if let NodeData::Text(ref mut t) = nodes[prev].data {
                t.push_tendril(text);
                nodes[prev].last_token = Index32::new(token);
                return true;
            }
        }
        false
    }

    fn append_text_or_node(&self, parent: NodeId, child: NodeOrText<NodeId>, fostered: bool) {
        match child {
            NodeOrText::AppendText(text) => {
                self.note_text(parent, fostered);
                let token = self.current_token.get();
                {
                    let mut nodes = self.nodes.borrow_mut();
                    let last = nodes[parent].last_child.get();
                    if Self::merge_text(&mut nodes, last, &text, token) {
                        return;
                    }
                }
                let id = self.new_node(NodeData::Text(text));
                let mut nodes = self.nodes.borrow_mut();
                nodes[id].fostered = fostered;
                Self::link_last(&mut nodes, parent, id);
            }
            NodeOrText::AppendNode(node) => {
                let mut nodes = self.nodes.borrow_mut();
                Self::detach(&mut nodes, node);
                if fostered {
                    nodes[node].fostered = true;
                }
                Self::link_last(&mut nodes, parent, node);
            }
        }
    }

    fn insert_before(&self, sibling: NodeId, child: NodeOrText<NodeId>, fostered: bool) {
        let Some(parent) = self.nodes.borrow()[sibling].parent.get() else {
            return;
        };
        let node = match child {
            NodeOrText::AppendText(text) => {
                self.note_text(parent, fostered);
                let token = self.current_token.get();
                {
                    let mut nodes = self.nodes.borrow_mut();
                    let prev = nodes[sibling].prev_sibling.get();
                    if Self::merge_text(&mut nodes, prev, &text, token) {
                        return;
                    }
                }
                self.new_node(NodeData::Text(text))
            }
            NodeOrText::AppendNode(node) => node,
        };
        let mut nodes = self.nodes.borrow_mut();
        Self::detach(&mut nodes, node);
        if fostered {
            nodes[node].fostered = true;
        }
        Self::link_before(&mut nodes, parent, sibling, node);
    }
}

impl TreeSink for ArenaSink {
    type Handle = NodeId;
    type Output = Self;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Self {
        self
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.effects.borrow_mut().errors.push(msg);
    }

    fn get_document(&self) -> NodeId {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.named.set(*target);
        Ref::map(self.nodes.borrow(), |nodes| match &nodes[*target].data {
            NodeData::Element { name, .. } => name,
            _ => panic!("not an element"),
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let template_contents = if flags.template {
            Index32::new(self.new_node(NodeData::Document))
        } else {
            Index32::NONE
        };
        let id = self.new_node(NodeData::Element {
            name,
            attrs,
            template_contents,
            mathml_annotation_xml_integration_point: flags.mathml_annotation_xml_integration_point,
        });
        self.effects.borrow_mut().created.push(id);
        id
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.new_node(NodeData::Comment(text))
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.new_node(NodeData::ProcessingInstruction { target, data })
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        self.append_text_or_node(*parent, child, false);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        // Only foster parenting calls this (WHATWG 13.2.6.1 "appropriate place for
        // inserting a node", foster parenting branch).
        let has_parent = self.nodes.borrow()[*element].parent.get().is_some();
        if has_parent {
            self.insert_before(*element, child, true);
        } else {
            self.append_text_or_node(*prev_element, child, true);
        }
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        let id = self.new_node(NodeData::Doctype {
            name,
            public_id,
            system_id,
        });
        Self::link_last(&mut self.nodes.borrow_mut(), 0, id);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        match &self.nodes.borrow()[*target].data {
            NodeData::Element {
                template_contents, ..
            } => template_contents.get(),
            _ => None,
        }
        .expect("html5ever asks only for a template element's contents")
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.quirks.set(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.insert_before(*sibling, new_node, false);
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeData::Element {
            attrs: existing, ..
        } = &mut nodes[*target].data
        {
            for a in attrs {
                if !existing.iter().any(|e| e.name == a.name) {
                    existing.push(a);
                }
            }
        }
    }

    fn pop(&self, node: &NodeId) {
        self.effects.borrow_mut().popped.push(*node);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        Self::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        let mut next = nodes[*node].first_child.get();
        while let Some(k) = next {
            next = nodes[k].next_sibling.get();
            Self::detach(&mut nodes, k);
            Self::link_last(&mut nodes, *new_parent, k);
        }
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        matches!(
            self.nodes.borrow()[*handle].data,
            NodeData::Element {
                mathml_annotation_xml_integration_point: true,
                ..
            }
        )
    }

    // `maybe_clone_an_option_into_selectedcontent` keeps its default (do nothing):
    // markup5ever_rcdom, the DOM `parse_document` users get, never finds the
    // `selectedcontent` element either, and tagmend's DOM must match it.
}
