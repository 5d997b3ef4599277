//! The `Rule` trait, rule metadata and the `declare_rule!` macro.

use crate::diagnostic::Diagnostic;
use crate::document::Document;

/// A family of rules, usable in `--select` / `--ignore`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Broken tags shown as text.
    Debris,
    /// Element structure.
    Structure,
    /// Tables.
    Table,
    /// The words of the article.
    Content,
    /// Junk markup.
    Cleanup,
    /// Markup that runs code.
    Security,
}

impl Group {
    /// The group's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Debris => "debris",
            Group::Structure => "structure",
            Group::Table => "table",
            Group::Content => "content",
            Group::Cleanup => "cleanup",
            Group::Security => "security",
        }
    }

    /// Every group.
    pub const ALL: [Group; 6] = [
        Group::Debris,
        Group::Structure,
        Group::Table,
        Group::Content,
        Group::Cleanup,
        Group::Security,
    ];
}

/// Whether a rule proposes fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    /// Never.
    None,
    /// For some findings.
    Sometimes,
    /// For every finding.
    Always,
}

impl FixAvailability {
    /// `always`, `sometimes` or `none`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// What `tagmend rules` and `tagmend rule <id>` show.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case id naming the defect.
    pub id: &'static str,
    /// The rule's group.
    pub group: Group,
    /// One line.
    pub summary: &'static str,
    /// The doc comment: What it does / Why is this bad? / Example / Fix safety.
    pub docs: &'static str,
    /// Whether it fixes.
    pub fix: FixAvailability,
    /// False when none of its fixes is ever safe (each is unsafe or display
    /// only): `--fix` without `--unsafe-fixes` then needs the rule's findings
    /// only once fixing is done, not on every pass.
    pub safe_fixes: bool,
    /// On without `--select`.
    pub default_on: bool,
}

/// What kind of page the rules should expect: config key `profile`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Whole documents (the default): rules about the doctype, `<head>` and the
    /// charset declaration apply.
    #[default]
    Document,
    /// Fragments (an article body, a CMS snippet): rules that only make sense
    /// for a whole document (missing doctype, missing charset) stay quiet.
    Fragment,
}

impl Profile {
    /// `document` or `fragment`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Document => "document",
            Profile::Fragment => "fragment",
        }
    }
}

/// What a rule sees.
pub struct Context<'a> {
    /// The parsed page.
    pub doc: &'a Document,
    /// What kind of page the user says this is. A rule about whole documents
    /// stays quiet under [`Profile::Fragment`] (and may also consult
    /// [`Document::is_fragment`], which guesses from the markup).
    pub profile: Profile,
    /// Tag debris, found once per document for the rules that need it.
    pub(crate) debris: std::sync::OnceLock<Vec<crate::rules::debris::Debris>>,
    /// Prose runs, decoded once per document: `[code skipped, code kept]`.
    pub(crate) prose: [std::sync::OnceLock<Vec<crate::rules::prose::Prose>>; 2],
    /// Every start tag's attributes, lexed once per document (see
    /// [`Context::attributes`]).
    attributes: std::sync::OnceLock<Attributes>,
    /// Character reference problems, found once per document for the two
    /// rules that report them.
    char_refs: std::sync::OnceLock<Vec<crate::rules::invalid_character_reference::RefIssue>>,
    /// The page's text runs, listed once for the rules that walk them.
    text_runs: std::sync::OnceLock<Vec<crate::document::TextRun>>,
    /// Early end tags, found once for the three rules that need them.
    premature: std::sync::OnceLock<Vec<crate::rules::premature_end_tag::Premature>>,
    /// Byte facts about the whole page, found once for two rules.
    page_bytes: std::sync::OnceLock<PageBytes>,
}

/// What the page's raw bytes hold, for rules that pass over a page without a
/// finding candidate: found once for both, not once each.
#[derive(Clone, Copy, Default)]
#[allow(clippy::struct_excessive_bools)] // independent facts, not a state
pub(crate) struct PageBytes {
    /// A C0 control other than tab, line feed, form feed and carriage return,
    /// DEL, or a C1 control (0xC2 0x80..=0x9F): `control-character`'s filter.
    pub control: bool,
    /// A character U+00C2..=U+00F4 (0xC3 0x82..=0xB4): `mojibake`'s filter.
    pub latin_lead: bool,
}

impl PageBytes {
    fn of(b: &[u8]) -> Self {
        PageBytes {
            control: crate::rules::control_character::has_control(b),
            // Stops at the first pair: on a page in a Latin script, soon.
            latin_lead: memchr::memchr_iter(0xc3, b)
                .any(|i| b.get(i + 1).is_some_and(|n| (0x82..=0xb4).contains(n))),
        }
    }
}

/// The lexed attributes of the start tags that have any, in source order: the
/// `k`th such tag is token `tags[k].0`, its attributes
/// `list[tags[k - 1].1..tags[k].1]` (from 0 for the first). Only tags with
/// attributes get an entry, not every token of the page: most tokens are
/// text and end tags.
struct Attributes {
    tags: Vec<(usize, usize)>,
    list: Vec<crate::document::tag::RawAttr>,
}

impl<'a> Context<'a> {
    /// The context for linting `doc` as `profile`.
    #[must_use]
    pub fn new(doc: &'a Document, profile: Profile) -> Self {
        Self {
            doc,
            profile,
            debris: std::sync::OnceLock::new(),
            prose: [std::sync::OnceLock::new(), std::sync::OnceLock::new()],
            attributes: std::sync::OnceLock::new(),
            char_refs: std::sync::OnceLock::new(),
            text_runs: std::sync::OnceLock::new(),
            premature: std::sync::OnceLock::new(),
            page_bytes: std::sync::OnceLock::new(),
        }
    }

    /// Every start tag that has attributes, in source order: its token
    /// position and its attributes as written ([`crate::document::tag::attributes`]).
    /// Lexed on first use: half a dozen rules read them.
    pub(crate) fn tag_attributes(
        &self,
    ) -> impl Iterator<Item = (usize, &[crate::document::tag::RawAttr])> + '_ {
        let a = self.attributes.get_or_init(|| {
            let text = self.doc.text();
            let mut tags = Vec::new();
            // Sized for one attribute a tag (about what pages have), so the
            // list seldom regrows.
            let starts = self
                .doc
                .token_positions(crate::document::TokenKind::StartTag);
            let mut list = Vec::with_capacity(starts.size_hint().0);
            for (i, tok) in self.doc.tokens_of(crate::document::TokenKind::StartTag) {
                // The lexer passes a tag without attributes after reading its
                // name, as a test beforehand would.
                let from = list.len();
                crate::document::tag::attributes_into(text, tok.span, &mut list);
                if list.len() > from {
                    tags.push((i, list.len()));
                }
            }
            Attributes { tags, list }
        });
        let mut from = 0;
        a.tags.iter().map(move |&(token, to)| {
            let attrs = &a.list[from..to];
            from = to;
            (token, attrs)
        })
    }

    /// Every prose run of the page, decoded; code skipped when `skip_code`
    /// (computed on first use: ten content rules read them).
    pub(crate) fn prose(&self, skip_code: bool) -> &[crate::rules::prose::Prose] {
        let other = self.prose[usize::from(skip_code)]
            .get()
            .map_or(&[][..], Vec::as_slice);
        self.prose[usize::from(!skip_code)]
            .get_or_init(|| crate::rules::prose::runs(self.doc, self.text_runs(), skip_code, other))
    }

    /// Every character reference problem of the page, in source order
    /// (computed on first use).
    pub(crate) fn char_ref_issues(&self) -> &[crate::rules::invalid_character_reference::RefIssue] {
        self.char_refs
            .get_or_init(|| crate::rules::invalid_character_reference::find(self))
    }

    /// [`Document::text_runs`], listed on first use: the prose lists and two
    /// rules read them.
    pub(crate) fn text_runs(&self) -> &[crate::document::TextRun] {
        self.text_runs
            .get_or_init(|| self.doc.text_runs().collect())
    }

    /// Every early end tag of the page ([`crate::rules::premature_end_tag::find`],
    /// computed on first use).
    pub(crate) fn premature_end_tags(&self) -> &[crate::rules::premature_end_tag::Premature] {
        self.premature
            .get_or_init(|| crate::rules::premature_end_tag::find(self.doc))
    }

    /// What the page's raw bytes hold ([`PageBytes`], found on first use).
    pub(crate) fn page_bytes(&self) -> PageBytes {
        *self
            .page_bytes
            .get_or_init(|| PageBytes::of(self.doc.text().as_bytes()))
    }

    /// Every piece of tag debris in the document (computed on first use).
    pub(crate) fn debris(&self) -> &[crate::rules::debris::Debris] {
        self.debris
            .get_or_init(|| crate::rules::debris::find(self.doc))
    }
}

/// A lint rule: reads the document, reports diagnostics. Never writes.
pub trait Rule: Sync + Send {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;
    /// Report findings into `out`.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// `declare_rule!`'s default for an optional flag: the flag when given, else true.
#[doc(hidden)]
#[must_use]
pub const fn first_or_true(given: &[bool]) -> bool {
    match given {
        [flag, ..] => *flag,
        [] => true,
    }
}

/// Declare a rule struct and its [`RuleMeta`] from its doc comment.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            group: $group:ident,
            fix: $fix:ident,
            $(safe_fixes: $safe:literal,)?
            default: $default:literal,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            /// This rule's metadata.
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                id: $id,
                group: $crate::rule::Group::$group,
                summary: $summary,
                docs: concat!($($doc, "\n"),+),
                fix: $crate::rule::FixAvailability::$fix,
                safe_fixes: $crate::rule::first_or_true(&[$($safe)?]),
                default_on: $default,
            };
        }
    };
}
