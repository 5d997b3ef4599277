use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds event handler attributes: `onclick`, `onerror`, `onload`,
    /// `onmouseover` and every other `on` + event name attribute (HTML, SVG and
    /// legacy Internet Explorer events), on any element. An attribute that only
    /// starts with `on` (`ontheio`, `only`) is not one.
    ///
    /// ## Why is this bad?
    /// They run script. In scraped or republished HTML that is at best dead code
    /// calling functions the page no longer loads, and at worst an injection
    /// (`<img src=x onerror="…">` is the classic XSS payload).
    ///
    /// ## Example
    /// ```html
    /// <a href="/story" onclick="track('story')">Read more</a>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <a href="/story">Read more</a>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: a page that relies on the handler (a toggle, a gallery) stops
    /// working; the attribute is removed with the whitespace before it.
    pub struct EventHandlerAttribute {
        id: "event-handler-attribute",
        group: Security,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Event handler attribute (`onclick`, `onerror`, …) runs script",
    }
}

/// Event names a handler attribute can carry: HTML's global, window and document
/// handlers (WHATWG 8.1.8.2), SVG animation events, vendor-prefixed and legacy
/// Internet Explorer ones. Sorted.
const EVENTS: &[&str] = &[
    "abort",
    "activate",
    "afterprint",
    "afterupdate",
    "animationcancel",
    "animationend",
    "animationiteration",
    "animationstart",
    "auxclick",
    "beforeactivate",
    "beforecopy",
    "beforecut",
    "beforedeactivate",
    "beforeeditfocus",
    "beforeinput",
    "beforematch",
    "beforepaste",
    "beforeprint",
    "beforetoggle",
    "beforeunload",
    "beforeupdate",
    "begin",
    "blur",
    "bounce",
    "cancel",
    "canplay",
    "canplaythrough",
    "cellchange",
    "change",
    "click",
    "close",
    "contextlost",
    "contextmenu",
    "contextrestored",
    "controlselect",
    "copy",
    "cuechange",
    "cut",
    "dataavailable",
    "datasetchanged",
    "datasetcomplete",
    "dblclick",
    "deactivate",
    "drag",
    "dragend",
    "dragenter",
    "dragexit",
    "dragleave",
    "dragover",
    "dragstart",
    "drop",
    "durationchange",
    "emptied",
    "end",
    "ended",
    "error",
    "errorupdate",
    "filterchange",
    "finish",
    "focus",
    "focusin",
    "focusout",
    "formdata",
    "fullscreenchange",
    "fullscreenerror",
    "gotpointercapture",
    "hashchange",
    "help",
    "input",
    "invalid",
    "keydown",
    "keypress",
    "keyup",
    "languagechange",
    "layoutcomplete",
    "load",
    "loadeddata",
    "loadedmetadata",
    "loadend",
    "loadstart",
    "losecapture",
    "lostpointercapture",
    "message",
    "messageerror",
    "mousedown",
    "mouseenter",
    "mouseleave",
    "mousemove",
    "mouseout",
    "mouseover",
    "mouseup",
    "mousewheel",
    "move",
    "moveend",
    "movestart",
    "offline",
    "online",
    "pagehide",
    "pagereveal",
    "pageshow",
    "pageswap",
    "paste",
    "pause",
    "play",
    "playing",
    "pointercancel",
    "pointerdown",
    "pointerenter",
    "pointerleave",
    "pointermove",
    "pointerout",
    "pointerover",
    "pointerrawupdate",
    "pointerup",
    "popstate",
    "progress",
    "propertychange",
    "ratechange",
    "readystatechange",
    "rejectionhandled",
    "repeat",
    "reset",
    "resize",
    "resizeend",
    "resizestart",
    "rowenter",
    "rowexit",
    "rowsdelete",
    "rowsinserted",
    "scroll",
    "scrollend",
    "search",
    "securitypolicyviolation",
    "seeked",
    "seeking",
    "select",
    "selectionchange",
    "selectstart",
    "show",
    "slotchange",
    "stalled",
    "start",
    "storage",
    "submit",
    "suspend",
    "timeupdate",
    "toggle",
    "touchcancel",
    "touchend",
    "touchmove",
    "touchstart",
    "transitioncancel",
    "transitionend",
    "transitionrun",
    "transitionstart",
    "unhandledrejection",
    "unload",
    "volumechange",
    "waiting",
    "webkitanimationend",
    "webkitanimationiteration",
    "webkitanimationstart",
    "webkittransitionend",
    "wheel",
    "zoom",
];

/// `on` + an event name, matched without case: `onclick`, `onError`. A made-up
/// attribute that merely starts with `on` (`ontheio`, `only`) is not a handler.
pub(crate) fn is_event_handler(name: &str) -> bool {
    // Most names do not start with `on`: no lowercased copy for them.
    if !name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
        return false;
    }
    let n = name.to_ascii_lowercase();
    n.strip_prefix("on")
        .is_some_and(|event| EVENTS.binary_search(&event).is_ok())
}

impl Rule for EventHandlerAttribute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        for (t, attrs) in ctx.tag_attributes() {
            for a in attrs {
                // `is_event_handler` turns away a name without `on` at once.
                if !is_event_handler(a.name(text)) {
                    continue;
                }
                let tok = &doc.tokens()[t];
                let name = a.name(text).to_ascii_lowercase();
                out.push(
                    Diagnostic::new(
                        EventHandlerAttribute::META.id,
                        a.name_span,
                        format!(
                            "Event handler attribute `{name}` on `<{}>` runs script",
                            tok.name
                        ),
                    )
                    .with_fix(
                        format!("Remove the `{name}` attribute"),
                        Fix::unsafe_(vec![Edit::deletion(a.full_span)]),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_event_handler, EVENTS};

    #[test]
    fn events_are_sorted() {
        let mut v = EVENTS.to_vec();
        v.sort_unstable();
        assert_eq!(v, EVENTS);
    }

    #[test]
    fn handlers() {
        assert!(is_event_handler("onclick"));
        assert!(is_event_handler("ONLOAD"));
        assert!(is_event_handler("onMouseOver"));
        assert!(!is_event_handler("ontheio"));
        assert!(!is_event_handler("on"));
        assert!(!is_event_handler("one"));
        assert!(!is_event_handler("data-onclick"));
    }
}
