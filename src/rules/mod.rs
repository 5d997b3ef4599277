//! The rule registry: one rule per file.

pub(crate) mod debris;
pub(crate) mod html;
pub(crate) mod prose;
pub(crate) mod unused_suppression;

mod block_in_phrasing;
mod bogus_comment;
mod charset_mismatch;
pub(crate) mod control_character;
mod double_escaped_entity;
mod duplicate_attribute;
mod duplicate_id;
mod empty_element;
mod event_handler_attribute;
mod foster_parented_content;
mod inline_script;
mod inline_style;
pub(crate) mod invalid_character_reference;
mod invalid_nesting;
mod invisible_character;
mod javascript_url;
mod legacy_encoding;
mod malformed_attribute;
mod malformed_byte_sequence;
mod malformed_comment;
mod misnested_tags;
mod missing_charset;
mod missing_doctype;
mod missing_space_after_punctuation;
mod mojibake;
mod nbsp_run;
mod nested_anchor;
mod obsolete_element;
mod placeholder_text;
pub(crate) mod premature_end_tag;
mod repeated_word;
mod self_closing_non_void;
mod space_before_punctuation;
mod stray_end_tag;
mod style_in_body;
mod table_structure;
mod tag_debris;
mod tracking_pixel;
mod unbalanced_quotes;
mod unclosed_element;
mod unescaped_ampersand;
mod unknown_element;
mod word_processor_cruft;

pub use block_in_phrasing::BlockInPhrasing;
pub use bogus_comment::BogusComment;
pub use charset_mismatch::CharsetMismatch;
pub use control_character::ControlCharacter;
pub use double_escaped_entity::DoubleEscapedEntity;
pub use duplicate_attribute::DuplicateAttribute;
pub use duplicate_id::DuplicateId;
pub use empty_element::EmptyElement;
pub use event_handler_attribute::EventHandlerAttribute;
pub use foster_parented_content::FosterParentedContent;
pub use inline_script::InlineScript;
pub use inline_style::InlineStyle;
pub use invalid_character_reference::InvalidCharacterReference;
pub use invalid_nesting::InvalidNesting;
pub use invisible_character::InvisibleCharacter;
pub use javascript_url::JavascriptUrl;
pub use legacy_encoding::LegacyEncoding;
pub use malformed_attribute::MalformedAttribute;
pub use malformed_byte_sequence::MalformedByteSequence;
pub use malformed_comment::MalformedComment;
pub use misnested_tags::MisnestedTags;
pub use missing_charset::MissingCharset;
pub use missing_doctype::MissingDoctype;
pub use missing_space_after_punctuation::MissingSpaceAfterPunctuation;
pub use mojibake::Mojibake;
pub use nbsp_run::NbspRun;
pub use nested_anchor::NestedAnchor;
pub use obsolete_element::ObsoleteElement;
pub use placeholder_text::PlaceholderText;
pub use premature_end_tag::PrematureEndTag;
pub use repeated_word::RepeatedWord;
pub use self_closing_non_void::SelfClosingNonVoid;
pub use space_before_punctuation::SpaceBeforePunctuation;
pub use stray_end_tag::StrayEndTag;
pub use style_in_body::StyleInBody;
pub use table_structure::TableStructure;
pub use tag_debris::TagDebris;
pub use tracking_pixel::TrackingPixel;
pub use unbalanced_quotes::UnbalancedQuotes;
pub use unclosed_element::UnclosedElement;
pub use unescaped_ampersand::UnescapedAmpersand;
pub use unknown_element::UnknownElement;
pub use unused_suppression::UnusedSuppression;
pub use word_processor_cruft::WordProcessorCruft;

use crate::document::Element;
use crate::fix::Edit;
use crate::rule::Rule;

/// Edits that unwrap `el`, keeping its content: delete its start tag and, when
/// the source has one, its end tag. `None` when no start tag is in the source.
pub(crate) fn unwrap_edits(el: Element<'_>) -> Option<Vec<Edit>> {
    let start = el.start_tag()?;
    let mut edits = vec![Edit::deletion(start.span)];
    if let Some(end) = el.end_tag() {
        edits.push(Edit::deletion(end.span));
    }
    Some(edits)
}

/// Every rule, in the order `tagmend rules` lists them.
#[must_use]
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &TagDebris,
        &StrayEndTag,
        &UnclosedElement,
        &SelfClosingNonVoid,
        &DuplicateAttribute,
        &FosterParentedContent,
        &UnusedSuppression,
        &Mojibake,
        &DoubleEscapedEntity,
        &PlaceholderText,
        &MissingSpaceAfterPunctuation,
        &SpaceBeforePunctuation,
        &UnbalancedQuotes,
        &RepeatedWord,
        &InvisibleCharacter,
        &CharsetMismatch,
        &LegacyEncoding,
        &EmptyElement,
        &NbspRun,
        &TrackingPixel,
        &WordProcessorCruft,
        &InlineStyle,
        &EventHandlerAttribute,
        &JavascriptUrl,
        &InlineScript,
        &MisnestedTags,
        &PrematureEndTag,
        &NestedAnchor,
        &InvalidNesting,
        &BlockInPhrasing,
        &StyleInBody,
        &TableStructure,
        &MalformedAttribute,
        &DuplicateId,
        &UnescapedAmpersand,
        &InvalidCharacterReference,
        &MalformedComment,
        &BogusComment,
        &ObsoleteElement,
        &UnknownElement,
        &MissingDoctype,
        &MissingCharset,
        &ControlCharacter,
        &MalformedByteSequence,
    ]
}

/// The rule with id `id`.
#[must_use]
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}
