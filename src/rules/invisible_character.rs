use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::{self, Prose};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds invisible characters in the text: zero-width spaces (U+200B), byte
    /// order marks inside the page (U+FEFF), and bidirectional controls (U+200E,
    /// U+200F, U+202A–U+202E, U+2066–U+2069).
    ///
    /// Left alone: the zero-width joiner (U+200D, which builds emoji sequences) and
    /// non-joiner (U+200C, needed in Persian and Indic scripts); zero-width spaces
    /// next to Thai, Lao, Khmer, Myanmar or Tibetan letters (those scripts use them
    /// as word breaks); and bidirectional controls in right-to-left text or under
    /// an `ar`, `he`, `fa`, `ur`, `yi`, `ps`, `dv`, `ku`, `sd` or `ug` `lang`.
    ///
    /// ## Why is this bad?
    /// They are pasted in from word processors and chat apps. Readers cannot see
    /// them, but they break search (`pass​word` does not match `password`), copy
    /// into URLs and code, and bidi controls can reorder what is shown (the "Trojan
    /// Source" trick).
    ///
    /// ## Example
    /// ```html
    /// <p>Reset your pass&#8203;word at example.com&#8203;/reset</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Reset your password at example.com/reset</p>
    /// ```
    ///
    /// ## Fix safety
    /// Removing a zero-width space or a stray byte order mark is safe. Removing a
    /// bidirectional control is unsafe: it can change the order mixed-direction
    /// text is shown in.
    pub struct InvisibleCharacter {
        id: "invisible-character",
        group: Content,
        fix: Always,
        default: true,
        summary: "Zero-width space, stray BOM or bidi control in the text",
    }
}

fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200b}' => "zero-width space",
        '\u{feff}' => "byte order mark",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{202a}' => "left-to-right embedding",
        '\u{202b}' => "right-to-left embedding",
        '\u{202c}' => "pop directional formatting",
        '\u{202d}' => "left-to-right override",
        '\u{202e}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => return None,
    })
}

/// True when the bytes may hold a character [`name`] knows: each is written
/// 0xE2 0x80 0x8B/0x8E/0x8F/0xAA..=0xAE, 0xE2 0x81 0xA6..=0xA9 or 0xEF 0xBB 0xBF.
fn may_be_invisible(raw: &[u8]) -> bool {
    memchr::memchr2_iter(0xe2, 0xef, raw).any(|i| match (raw.get(i + 1..i + 3), raw[i]) {
        (Some(&[0x80, c]), 0xe2) => matches!(c, 0x8b | 0x8e | 0x8f | 0xaa..=0xae),
        (Some(&[0x81, c]), 0xe2) => matches!(c, 0xa6..=0xa9),
        (Some(&[0xbb, 0xbf]), 0xef) => true,
        _ => false,
    })
}

/// True when the character reference at the start of `r` (a `&`) may stand for
/// a character [`name`] knows, as [`prose::char_ref`] reads it: a numeric one
/// with such a value (or a C1 value, which is remapped), or a name that starts
/// with a name the entity table maps to one (that covers the legacy names
/// `char_ref` reads by prefix, and `&name;` in full).
fn ref_may_be_invisible(r: &[u8]) -> bool {
    /// Every name (without `;`) of the entity table that stands for one of
    /// [`name`]'s characters.
    static NAMES: std::sync::LazyLock<Vec<&'static [u8]>> = std::sync::LazyLock::new(|| {
        markup5ever::data::NAMED_ENTITIES
            .entries()
            .filter(|(_, &(a, c))| {
                [a, c]
                    .iter()
                    .any(|&v| char::from_u32(v).is_some_and(|ch| name(ch).is_some()))
            })
            .map(|(k, _)| k.strip_suffix(';').unwrap_or(k).as_bytes())
            .collect()
    });
    if r.get(1) == Some(&b'#') {
        return prose::numeric_ref(r).is_some_and(|(_, value)| {
            (0x80..=0x9f).contains(&value)
                || char::from_u32(value).is_some_and(|c| name(c).is_some())
        });
    }
    let run = r.get(1..).unwrap_or(&[]);
    NAMES.iter().any(|n| run.starts_with(n))
}

fn is_bidi(c: char) -> bool {
    !matches!(c, '\u{200b}' | '\u{feff}')
}

/// Scripts that write no spaces and use U+200B as a word break.
fn breaks_with_zwsp(c: char) -> bool {
    matches!(c as u32, 0x0e00..=0x0eff | 0x0f00..=0x0fff | 0x1000..=0x109f | 0x1780..=0x17ff | 0x19e0..=0x19ff | 0xa980..=0xa9df | 0x1b00..=0x1b7f)
}

fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08ff | 0xfb1d..=0xfdff | 0xfe70..=0xfefe | 0x1_0800..=0x1_0fff | 0x1_e800..=0x1_efff)
}

const RTL_LANGS: &[&str] = &[
    "ar", "he", "iw", "fa", "ur", "yi", "ps", "dv", "ku", "sd", "ug", "syr",
];

fn rtl_lang(lang: Option<&str>) -> bool {
    lang.is_some_and(|l| {
        let primary = l
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        RTL_LANGS.contains(&primary.as_str())
    })
}

/// Positions of the invisible characters to report in a run.
fn found(p: &Prose, rtl: bool) -> Vec<usize> {
    (0..p.chars.len())
        .filter(|&i| {
            let c = p.chars[i];
            if name(c).is_none() {
                return false;
            }
            if is_bidi(c) {
                return !rtl;
            }
            if c == '\u{200b}' {
                let near = [p.before(i), p.at(i + 1)];
                return !near.iter().flatten().any(|&n| breaks_with_zwsp(n));
            }
            true
        })
        .collect()
}

impl Rule for InvisibleCharacter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let text = doc.text();
        // Written literally or as a reference (`&#8203;`, `&ZeroWidthSpace;`, `&lrm;`):
        // a page with neither anywhere (most pages) builds no list of runs.
        let b = text.as_bytes();
        if !may_be_invisible(b)
            && !memchr::memchr_iter(b'&', b).any(|i| ref_may_be_invisible(&b[i..]))
        {
            return;
        }
        for p in ctx.prose(false) {
            // Every character `name` knows is written with lead byte 0xE2 or
            // 0xEF: a run with neither is passed over without reading it.
            if p.literal(text).is_some_and(|raw| {
                !(p.may_hold(text, 0xe2) || p.may_hold(text, 0xef)) || !may_be_invisible(raw)
            }) || !p.chars.iter().any(|&c| name(c).is_some())
            {
                continue;
            }
            let rtl = rtl_lang(doc.lang(p.run.parent)) || p.chars.iter().any(|&c| is_rtl(c));
            // Characters inside one word share one edit over the whole word, so the
            // fix loop's text guard sees the word it joins (`pass​word`).
            let mut groups: Vec<(Span, Vec<usize>)> = Vec::new();
            for i in found(p, rtl) {
                let core = p.span_at(i);
                let wide = prose::widen_to_word(text, core, p.run.span);
                match groups.last_mut() {
                    Some((span, members)) if wide.start < span.end || core.start < span.end => {
                        span.end = span.end.max(wide.end);
                        members.push(i);
                    }
                    _ => groups.push((wide, vec![i])),
                }
            }
            for (wide, members) in groups {
                let mut replacement = String::new();
                let mut last = wide.start;
                for &i in &members {
                    let core = p.span_at(i);
                    if core.start >= last {
                        replacement.push_str(&text[last..core.start]);
                        last = core.end;
                    }
                }
                replacement.push_str(&text[last..wide.end]);
                let first = p.chars[members[0]];
                let label = name(first).unwrap_or("invisible character");
                let safe = members.iter().all(|&i| !is_bidi(p.chars[i]));
                let edits = vec![Edit::replacement(replacement, wide)];
                let fix = if safe {
                    Fix::safe(edits)
                } else {
                    Fix::unsafe_(edits)
                };
                let message = if members.len() == 1 {
                    format!("Invisible {label} (U+{:04X}) in the text", first as u32)
                } else {
                    format!(
                        "{} invisible characters in one word, first a {label} (U+{:04X})",
                        members.len(),
                        first as u32
                    )
                };
                out.push(
                    Diagnostic::new(InvisibleCharacter::META.id, p.span_at(members[0]), message)
                        .with_fix("Remove the invisible character", fix.changing_text()),
                );
            }
        }
    }
}
