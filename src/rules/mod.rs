//! The rule registry: one rule per file.

pub(crate) mod debris;
pub(crate) mod html;

mod duplicate_attribute;
mod foster_parented_content;
mod self_closing_non_void;
mod stray_end_tag;
mod tag_debris;
mod unclosed_element;

pub use duplicate_attribute::DuplicateAttribute;
pub use foster_parented_content::FosterParentedContent;
pub use self_closing_non_void::SelfClosingNonVoid;
pub use stray_end_tag::StrayEndTag;
pub use tag_debris::TagDebris;
pub use unclosed_element::UnclosedElement;

use crate::rule::Rule;

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
    ]
}

/// The rule with id `id`.
#[must_use]
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    all().into_iter().find(|r| r.meta().id == id)
}
