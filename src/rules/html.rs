//! Facts about HTML elements from the WHATWG spec, shared by the rules.

/// Every HTML element name (current and obsolete) a tag can carry (WHATWG §4, §16).
pub(crate) const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

pub(crate) fn is_element(name: &str) -> bool {
    ELEMENTS.binary_search(&name).is_ok()
}

/// Void elements: no content, no end tag (WHATWG 13.1.2).
pub(crate) fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose end tag may be omitted (WHATWG 13.1.2.4).
pub(crate) fn end_tag_optional(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "li"
            | "dt"
            | "dd"
            | "p"
            | "rt"
            | "rp"
            | "optgroup"
            | "option"
            | "colgroup"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
    )
}

/// Formatting elements the parser reopens (WHATWG 13.2.4.3).
pub(crate) fn is_formatting(name: &str) -> bool {
    matches!(
        name,
        "a" | "b"
            | "big"
            | "code"
            | "em"
            | "font"
            | "i"
            | "nobr"
            | "s"
            | "small"
            | "strike"
            | "strong"
            | "tt"
            | "u"
    )
}

/// Elements that hold phrasing content only (so a block inside one is misplaced).
pub(crate) fn phrasing_only(name: &str) -> bool {
    matches!(
        name,
        "h1" | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "span"
            | "a"
            | "b"
            | "i"
            | "em"
            | "strong"
            | "small"
            | "s"
            | "u"
            | "code"
            | "kbd"
            | "samp"
            | "var"
            | "sub"
            | "sup"
            | "mark"
            | "q"
            | "cite"
            | "abbr"
            | "dfn"
            | "time"
            | "label"
            | "font"
            | "big"
            | "tt"
            | "strike"
            | "pre"
            | "figcaption"
            | "legend"
            | "summary"
            | "dt"
            | "caption"
    ) && !matches!(name, "a" | "figcaption" | "caption")
}

/// Flow elements that cannot sit inside phrasing content.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
            | "search"
    )
}

/// Elements whose text is not markup (their content is raw text).
pub(crate) fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "plaintext"
            | "noscript"
    )
}

/// Elements whose text is code or literal, where prose rules stay quiet.
pub(crate) fn is_code(name: &str) -> bool {
    matches!(
        name,
        "code" | "pre" | "kbd" | "samp" | "tt" | "var" | "listing" | "xmp"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn element_list_is_sorted() {
        let mut v = super::ELEMENTS.to_vec();
        v.sort_unstable();
        assert_eq!(v, super::ELEMENTS);
    }
}
