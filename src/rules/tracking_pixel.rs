use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::Origin;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds tracking pixels: `<img>` elements sized 1×1 (or 0) by attributes or
    /// inline style, images whose URL is a known beacon (`/pixel`, `/beacon`,
    /// `facebook.com/tr?`, `google-analytics.com/collect`,
    /// `b.scorecardresearch.com`, `doubleclick.net`, `/t.gif`, `/1x1.gif`…), and
    /// hidden images (`display:none`, `visibility:hidden`) with no `alt` whose URL
    /// is not a picture file (a query, a `.gif`, no extension).
    ///
    /// Left alone: `data:` and `file:` URLs (nothing is fetched from a server),
    /// spacer GIFs (`spacer.gif`, `blank.gif`, `clear.gif`) that hold old table
    /// layouts open, lazy-loading placeholders (`data-src`, `srcset`,
    /// `loading`), and pictures named like a beacon (`/pixel.jpg`).
    ///
    /// ## Why is this bad?
    /// They show nothing and report every reader of the saved or republished page
    /// to a third party.
    ///
    /// ## Example
    /// ```html
    /// <img src="https://www.facebook.com/tr?id=1&ev=PageView" width="1" height="1">
    /// ```
    ///
    /// Use instead: nothing (remove the image).
    ///
    /// ## Fix safety
    /// Unsafe: a 1×1 image may be a spacer the layout relies on.
    pub struct TrackingPixel {
        id: "tracking-pixel",
        group: Cleanup,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Tracking pixel: 1×1, hidden or beacon `<img>`",
    }
}

/// URL fragments of known beacons (matched on the lowercased URL).
const BEACONS: &[&str] = &[
    "facebook.com/tr?",
    "facebook.com/tr/?",
    "google-analytics.com/collect",
    "google-analytics.com/__utm.gif",
    "google-analytics.com/r/collect",
    "scorecardresearch.com/p?",
    "b.scorecardresearch.com",
    "sb.scorecardresearch.com",
    "doubleclick.net",
    "pixel.quantserve.com",
    "pixel.wp.com",
    "stats.wp.com/g.gif",
    "bat.bing.com/action",
    "px.ads.linkedin.com",
    "analytics.twitter.com",
    "t.co/i/adsct",
    "ad.doubleclick.net",
    "secure.adnxs.com/px",
    "pixel.mathtag.com",
    "sp.analytics.yahoo.com",
    "ct.pinterest.com",
    "alb.reddit.com",
    "/1x1.gif",
    "/t.gif",
];

/// Path segments of beacons: `/pixel`, `/beacon` as a whole segment or file stem.
const BEACON_SEGMENTS: &[&str] = &["pixel", "beacon", "tracking-pixel"];

/// Extensions of real pictures: `/pixel.jpg` is an author's placeholder photo.
const PICTURE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "svg", "avif"];

/// File stems of 1×1 spacer images that hold a table layout open (not trackers).
const SPACERS: &[&str] = &[
    "spacer",
    "blank",
    "clear",
    "clearpixel",
    "transparent",
    "trans",
    "shim",
    "dot",
    "empty",
];

/// The file name at the end of a URL's path, lowercased, without its query.
fn file_name(url: &str) -> (&str, &str) {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or("");
    name.rsplit_once('.').unwrap_or((name, ""))
}

fn beacon(src: &str) -> bool {
    // Searchers built once, not once an image by each `contains`.
    static FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::LazyLock::new(|| {
            BEACONS
                .iter()
                .map(|b| memchr::memmem::Finder::new(b.as_bytes()))
                .collect()
        });
    let url = src.trim().to_ascii_lowercase();
    if FINDERS.iter().any(|f| f.find(url.as_bytes()).is_some()) {
        return true;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    // Drop the scheme and host: `pixel.example.com` is a host, not a beacon path.
    let rest = path
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| path.strip_prefix("//"));
    let path = rest.map_or(path, |r| r.split_once('/').map_or("", |(_, p)| p));
    path.split('/').any(|seg| {
        let (stem, ext) = seg.rsplit_once('.').unwrap_or((seg, ""));
        BEACON_SEGMENTS.contains(&stem) && !PICTURE_EXTENSIONS.contains(&ext)
    })
}

/// A CSS length of 0 or 1 pixel (`1`, `1px`, `0`, `1.0px`).
fn tiny(v: &str) -> bool {
    let v = v.trim().trim_end_matches("px").trim();
    matches!(v.parse::<f32>(), Ok(x) if (0.0..=1.0).contains(&x))
}

/// The value of `prop` in an inline style.
fn style_value<'a>(style: &'a str, prop: &str) -> Option<&'a str> {
    style.split(';').find_map(|decl| {
        let (k, v) = decl.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(prop)
            .then(|| v.trim().trim_end_matches("!important").trim())
    })
}

impl Rule for TrackingPixel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for e in doc.elements() {
            if e.name() != "img"
                || !e.is_html()
                || e.origin() != Origin::Source
                || doc.in_template(e.id)
            {
                continue;
            }
            let Some(tag) = e.start_tag() else { continue };
            let style = e.attr("style").unwrap_or("");
            let width = e.attr("width").or_else(|| style_value(style, "width"));
            let height = e.attr("height").or_else(|| style_value(style, "height"));
            let src = e.attr("src").unwrap_or("");
            let lazy = e
                .attrs()
                .any(|(n, _)| n.starts_with("data-") && (n.contains("src") || n.contains("lazy")))
                || e.attr("srcset").is_some()
                || e.attr("loading").is_some();
            let hidden = style_value(style, "display")
                .is_some_and(|v| v.eq_ignore_ascii_case("none"))
                || style_value(style, "visibility")
                    .is_some_and(|v| v.eq_ignore_ascii_case("hidden"));
            let trimmed = src.trim();
            let lower = trimmed.to_ascii_lowercase();
            // Only a URL a browser fetches from a server can report a reader.
            let remote =
                !trimmed.is_empty() && !lower.starts_with("data:") && !lower.starts_with("file:");
            let (stem, ext) = file_name(&lower);
            let spacer = SPACERS.contains(&stem);
            let no_alt = e.attr("alt").is_none_or(|a| a.trim().is_empty());
            // A hidden picture with no alt is a tracker only if it is not a
            // picture file (`logo.png` hidden until a sticky header shows it).
            let not_a_picture =
                lower.contains('?') || ext.is_empty() || ext == "gif" || ext == "php";
            let why = if width.is_some_and(tiny) && height.is_some_and(tiny) && remote && !spacer {
                "a 1\u{d7}1 image"
            } else if remote && beacon(trimmed) {
                "a known beacon URL"
            } else if hidden && !lazy && remote && no_alt && not_a_picture && !spacer {
                "a hidden image"
            } else {
                continue;
            };
            let shown = escape_for_terminal(&src.chars().take(80).collect::<String>());
            out.push(
                Diagnostic::new(
                    TrackingPixel::META.id,
                    tag.span,
                    format!("Tracking pixel `{shown}`: {why}"),
                )
                .with_fix(
                    "Remove the tracking pixel",
                    Fix::unsafe_(vec![Edit::deletion(tag.span)]),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::beacon;

    #[test]
    fn beacons() {
        assert!(beacon("https://www.facebook.com/tr?id=1&ev=PageView"));
        assert!(beacon("https://example.com/pixel.gif?u=1"));
        assert!(beacon("//t.example.com/beacon?x"));
        assert!(!beacon("https://example.com/pixel-art/cat.jpg"));
        assert!(!beacon("https://pixel.example.com/photo.jpg"));
        assert!(!beacon("https://example.com/images/pixels.png"));
        assert!(!beacon("//pixel.example.com/photo.jpg"));
        assert!(!beacon("/sites/default/files/public/pixel.jpg"));
    }
}
