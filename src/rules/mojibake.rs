use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::Document;
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::charset_mismatch;
use crate::rules::prose::{self, Prose};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Finds mojibake: UTF-8 text that was once read as windows-1252 or Latin-1, so
    /// each accented letter or curly quote became two or three characters
    /// (`donâ€™t`, `cafÃ©`, `Â©`, a stray `Â` before a space), and text mis-decoded
    /// twice (`donÃ¢â‚¬â„¢t`).
    ///
    /// It only matches byte patterns that real text does not make: a lead character
    /// (`Â`–`ß`, `à`–`ï`, `ð`–`ô`) followed by characters that stand for UTF-8
    /// continuation bytes, decoding to a character that fits (Latin letters and
    /// punctuation; Greek, Cyrillic, Hebrew or Arabic only as a run of several).
    /// `café`, `Ärger`, `façade`, `São Paulo` and `Straße“` are left alone.
    ///
    /// ## Why is this bad?
    /// Readers see garbage in place of quotes and accents, and search engines index
    /// the garbage.
    ///
    /// ## Example
    /// ```html
    /// <p>We donâ€™t serve cafÃ© au lait.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>We don’t serve café au lait.</p>
    /// ```
    ///
    /// ## Fix safety
    /// Re-decoding a sequence (writing it back as windows-1252 bytes and reading
    /// those as UTF-8) is safe when the whole sequence round-trips. A sequence that
    /// lost a byte (`â€` then a space, `Â` before a plain space) only gets a
    /// display-only suggestion. When the whole page is mis-decoded text (its charset
    /// is declared wrong, or every non-ASCII character on it round-trips), the
    /// repair is re-reading the page, not editing it, so the fixes are display-only
    /// there too (see `charset-mismatch`).
    pub struct Mojibake {
        id: "mojibake",
        group: Content,
        fix: Always,
        default: true,
        summary: "UTF-8 text mis-decoded as windows-1252 (`donâ€™t`, `cafÃ©`)",
    }
}

/// The windows-1252 byte a character stands for, if any. C1 controls count as
/// their own byte: Latin-1 decoding (and WHATWG windows-1252 for 0x81, 0x8D, 0x8F,
/// 0x90, 0x9D) gives them.
pub(crate) fn cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if u < 0x80 || (0x80..=0xff).contains(&u) {
        return Some(u as u8);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    })
}

fn is_continuation(c: char) -> bool {
    cp1252_byte(c).is_some_and(|b| (0x80..=0xbf).contains(&b))
}

/// One mis-decoded character: `len` characters from `at` standing for the UTF-8
/// bytes of `decoded`.
#[derive(Clone, Copy)]
struct Seq {
    at: usize,
    len: usize,
    lead: u8,
    decoded: char,
}

/// The sequence starting at `chars[i]`, if the characters there are the
/// windows-1252 reading of one well-formed UTF-8 character.
fn seq_at(chars: &[char], i: usize) -> Option<Seq> {
    let lead = cp1252_byte(*chars.get(i)?)?;
    let need = match lead {
        0xc2..=0xdf => 1,
        0xe0..=0xef => 2,
        0xf0..=0xf4 => 3,
        _ => return None,
    };
    let mut bytes = vec![lead];
    for k in 1..=need {
        let c = *chars.get(i + k)?;
        if !is_continuation(c) {
            return None;
        }
        bytes.push(cp1252_byte(c)?);
    }
    let decoded = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    Some(Seq {
        at: i,
        len: need + 1,
        lead,
        decoded,
    })
}

/// Whether a 3- or 4-byte decoded character is one real text uses.
fn plausible_wide(d: char) -> bool {
    matches!(d as u32,
        0x0900..=0x0dff      // Indic scripts
        | 0x0e00..=0x0eff    // Thai, Lao
        | 0x1e00..=0x1eff    // Latin Extended Additional (Vietnamese)
        | 0x2000..=0x2bff    // punctuation, currency, letterlike, arrows, math, symbols
        | 0x3000..=0x9fff    // CJK
        | 0xac00..=0xd7af    // Hangul
        | 0xfe00..=0xfe0f    // variation selectors (emoji)
        | 0xfeff             // a byte order mark (`ï»¿` at the start of pasted text)
        | 0xff00..=0xffef    // full-width forms
        | 0x1_f000..=0x1_faff) // emoji
}

/// How strongly a cluster of sequences must be supported by its surroundings.
fn accept(cluster: &[Seq], chars: &[char]) -> bool {
    let first = cluster[0];
    let last = cluster[cluster.len() - 1];
    let before = first.at.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(last.at + last.len).copied();
    let lower_next_to =
        before.is_some_and(char::is_lowercase) || after.is_some_and(char::is_lowercase);
    let caps_before = before.is_some_and(char::is_uppercase);
    cluster.iter().all(|s| {
        // A lead before a no-break space can be a real capital ending an all-caps
        // word (`IRMÃ`, `CAFÉ`) before `&nbsp;»`.
        let nbsp = chars[s.at + 1] == '\u{a0}';
        if nbsp && caps_before && cluster.len() == 1 {
            return false;
        }
        match s.lead {
            // Â + a Latin-1 symbol (`Â©`, `Â°`, `Â\u{a0}`); not a C1 control.
            0xc2 => (0xa0..=0xbf).contains(&(s.decoded as u32)),
            // Ã + anything: `Ã©`, `Ã¼` are never real text.
            0xc3 => true,
            // Latin Extended-A (`Å‚` for ł, `Ä‡` for ć): inside a word or a run.
            0xc4 | 0xc5 => lower_next_to || cluster.len() > 1,
            // Greek, Cyrillic, Armenian, Hebrew, Arabic: mis-decoded words make
            // long runs; one pair may be `Ñ»` in Spanish capitals.
            0xce..=0xdb => cluster.len() > 1,
            0xe0..=0xf4 => plausible_wide(s.decoded),
            // IPA, combining marks, NKo (`ß“` is German `ß` before a closing quote).
            _ => false,
        }
    })
}

/// `cur` with every sequence decoded: the result, and whether every non-ASCII
/// character was part of an accepted sequence.
fn decode_once(cur: &[char]) -> (Vec<char>, bool) {
    let mut next = Vec::with_capacity(cur.len());
    let mut whole = true;
    let mut i = 0;
    while i < cur.len() {
        match seq_at(cur, i) {
            Some(s) => {
                whole &= accept(&[s], cur);
                next.push(s.decoded);
                i += s.len;
            }
            None => {
                whole &= cur[i].is_ascii();
                next.push(cur[i]);
                i += 1;
            }
        }
    }
    (next, whole)
}

/// The cluster decoded, and decoded again while the result is itself entirely
/// mis-decoded text (text mis-decoded twice or three times).
fn redecode(cluster: &[char]) -> String {
    let (mut cur, _) = decode_once(cluster);
    for _ in 0..2 {
        if cur.iter().all(char::is_ascii) {
            break;
        }
        let (next, whole) = decode_once(&cur);
        if !whole {
            break;
        }
        cur = next;
    }
    cur.into_iter().collect()
}

/// A finding before grouping: chars `from..to` of a run.
struct Found {
    from: usize,
    to: usize,
    replacement: String,
    /// Edits keep the raw text of continuation characters (`Â&nbsp;` → `&nbsp;`).
    drop_leads_only: bool,
    round_trips: bool,
}

/// A character whose windows-1252 byte leads a UTF-8 sequence (U+00C2..=U+00F4).
fn is_lead(c: char) -> bool {
    matches!(c as u32, 0xc2..=0xf4)
}

fn find_in_run(p: &Prose) -> Vec<Found> {
    // Every finding starts at a lead character (`Â`..`ô`, U+00C2..U+00F4): a run
    // without one has nothing to find.
    if !p.chars.iter().any(|&c| is_lead(c)) {
        return Vec::new();
    }
    let chars: &[char] = &p.chars;
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // Each finding below starts at a lead character (`seq_at` reads one
        // first, and `â` and `Â` are leads): jump to the next one instead of
        // trying every character.
        match chars[i..].iter().position(|&c| is_lead(c)) {
            Some(k) => i += k,
            None => break,
        }
        let mut cluster = Vec::new();
        let mut j = i;
        while let Some(s) = seq_at(chars, j) {
            cluster.push(s);
            j += s.len;
        }
        if !cluster.is_empty() && accept(&cluster, chars) {
            let replacement = redecode(&chars[i..j]);
            let drop_leads_only = cluster.iter().all(|s| s.lead == 0xc2);
            out.push(Found {
                from: i,
                to: j,
                replacement,
                drop_leads_only,
                round_trips: true,
            });
            i = j;
            continue;
        }
        // A sequence that lost a byte: `â€` then no continuation (the `”` whose
        // 0x9D windows-1252 lacks), or `Â` before a plain space (its no-break space
        // turned into one).
        let before_caps = i > 0 && chars[i - 1].is_uppercase();
        if chars[i] == 'â'
            && chars.get(i + 1) == Some(&'€')
            && !chars.get(i + 2).is_some_and(|&c| is_continuation(c))
        {
            let to = if matches!(chars.get(i + 2), Some('?' | '\u{fffd}')) {
                i + 3
            } else {
                i + 2
            };
            out.push(Found {
                from: i,
                to,
                replacement: "\u{201d}".into(),
                drop_leads_only: false,
                round_trips: false,
            });
            i = to;
            continue;
        }
        if chars[i] == 'Â' && chars.get(i + 1) == Some(&' ') && !before_caps {
            out.push(Found {
                from: i,
                to: i + 1,
                replacement: String::new(),
                drop_leads_only: false,
                round_trips: false,
            });
        }
        i += 1;
    }
    out
}

/// True when the page is mis-decoded as a whole, so editing its text is the wrong
/// repair: its charset declaration is wrong, or it declares a charset and every
/// non-ASCII character of it round-trips (a page read with the wrong encoding
/// before tagmend saw it, or whose declaration an earlier fix pass corrected).
fn whole_page_misdecoded(doc: &Document) -> bool {
    if charset_mismatch::mismatch(doc).is_some() {
        return true;
    }
    // Read from bytes as UTF-8, the text is what the bytes say: a page
    // mis-decoded on disk is repaired by editing it.
    let read_as_utf8 =
        doc.source().original_bytes().is_some() && doc.source().encoding() == encoding_rs::UTF_8;
    if read_as_utf8 || charset_mismatch::declaration(doc).is_none() {
        return false;
    }
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(doc.text());
    !had_errors && bytes.iter().any(|b| !b.is_ascii()) && std::str::from_utf8(&bytes).is_ok()
}

impl Rule for Mojibake {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        // U+00C2..=U+00F4 is written 0xC3 0x82..=0xB4 in UTF-8: a byte search
        // (in one pass over the page with `control-character`'s) instead of
        // decoding every character of the page.
        if !ctx.page_bytes().latin_lead {
            return;
        }
        let mut page_wide: Option<bool> = None;
        for p in ctx.prose(true) {
            // Every lead character (U+00C2..=U+00F4) is written 0xC3 …
            if !p.may_hold(doc.text(), 0xc3) {
                continue;
            }
            let found = find_in_run(p);
            if found.is_empty() {
                continue;
            }
            let whole_page = *page_wide.get_or_insert_with(|| whole_page_misdecoded(doc));
            report_run(doc, p, &found, whole_page, out);
        }
    }
}

/// How a repaired character is written back: characters a reader cannot see
/// are written as references so the source stays readable.
fn written(decoded: &str) -> String {
    decoded
        .replace('\u{a0}', "&nbsp;")
        .replace('\u{ad}', "&shy;")
        .replace('\u{feff}', "")
}

fn report_run(
    doc: &Document,
    p: &Prose,
    found: &[Found],
    whole_page: bool,
    out: &mut Vec<Diagnostic>,
) {
    let text = doc.text();
    // Findings inside one word share one edit over the whole word, so the fix
    // loop's text guard sees the word it changes.
    let mut groups: Vec<(Span, Vec<&Found>)> = Vec::new();
    for f in found {
        let core = p.span(f.from, f.to);
        let wide = prose::widen_to_word(text, core, p.run.span);
        match groups.last_mut() {
            Some((span, members)) if wide.start < span.end => {
                span.end = span.end.max(wide.end);
                members.push(f);
            }
            _ => groups.push((wide, vec![f])),
        }
    }
    for (wide, members) in groups {
        let mut replacement = String::new();
        // What the reader sees from the first finding to the last, repaired.
        let mut repaired = String::new();
        let mut last = wide.start;
        let mut last_char = members[0].from;
        for f in &members {
            let core = p.span(f.from, f.to);
            replacement.push_str(&text[last..core.start]);
            repaired.push_str(&p.string(last_char, f.from));
            if f.drop_leads_only {
                // Keep each continuation as written (`&nbsp;` stays `&nbsp;`).
                for (k, s) in (f.from..f.to).map(|i| p.span_at(i)).enumerate() {
                    if k % 2 == 1 {
                        replacement.push_str(&text[s.start..s.end]);
                    }
                }
            } else {
                replacement.push_str(&written(&f.replacement));
            }
            repaired.push_str(&f.replacement.replace('\u{feff}', ""));
            last = core.end;
            last_char = f.to;
        }
        replacement.push_str(&text[last..wide.end]);
        let (from, to) = (members[0].from, members[members.len() - 1].to);
        let round_trips = members.iter().all(|f| f.round_trips);
        let shown = escape_for_terminal(&p.string(from, to));
        let fixed = escape_for_terminal(&repaired);
        let stray_a = members.len() == 1 && members[0].replacement.is_empty();
        let bom = round_trips && repaired.is_empty();
        let message = if bom {
            format!("Mojibake `{shown}`: a mis-decoded byte order mark")
        } else if round_trips {
            format!("Mojibake `{shown}`: `{fixed}` mis-decoded (UTF-8 read as windows-1252)")
        } else if stray_a {
            format!("Mojibake `{shown}`: the stray `\u{c2}` of a mis-decoded no-break space")
        } else {
            format!("Mojibake `{shown}`: mis-decoded text that lost a byte (probably `{fixed}`)")
        };
        let title = if stray_a {
            "Remove the stray `\u{c2}`".to_string()
        } else if bom {
            "Remove the mis-decoded byte order mark".to_string()
        } else {
            format!("Replace `{shown}` with `{fixed}`")
        };
        let edits = vec![Edit::replacement(replacement, wide)];
        let fix = if round_trips && !whole_page {
            Fix::safe(edits)
        } else {
            Fix::display_only(edits)
        };
        let mut d = Diagnostic::new(Mojibake::META.id, p.span(from, to), message)
            .with_fix(title, fix.changing_text());
        if whole_page {
            d = d.with_note(
                "every non-ASCII character of the page is mis-decoded: re-read the page as UTF-8 \
                 (or fix its charset declaration, see `charset-mismatch`) instead of editing the text",
            );
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> Vec<String> {
        let p = Prose::new(
            s,
            crate::document::TextRun {
                span: Span::new(0, s.len()),
                parent: None,
                fostered: false,
                first_token: 0,
            },
        );
        find_in_run(&p).into_iter().map(|f| f.replacement).collect()
    }

    #[test]
    fn finds_mojibake() {
        assert_eq!(fixed("don\u{e2}\u{20ac}\u{2122}t"), ["\u{2019}"]);
        assert_eq!(fixed("caf\u{c3}\u{a9}"), ["\u{e9}"]);
        assert_eq!(
            fixed("don\u{c3}\u{a2}\u{e2}\u{201a}\u{ac}\u{e2}\u{201e}\u{a2}t"),
            ["\u{2019}"]
        );
        assert_eq!(fixed("a\u{c2}\u{a0}b"), ["\u{a0}"]);
        assert_eq!(fixed("w\u{c5}\u{201a}asny"), ["\u{142}"]);
    }

    #[test]
    fn leaves_real_text() {
        for s in [
            "caf\u{e9}",
            "\u{c4}rger",
            "fa\u{e7}ade",
            "S\u{e3}o Paulo",
            "Stra\u{df}e\u{201c}",
            "SOCI\u{c9}T\u{c9}\u{a0}\u{bb}",
            "IRM\u{c3}\u{a0}x",
            "ESPA\u{d1}A\u{bb}",
            "\u{c4}\u{2013}\u{d6}",
            "3\u{d7}4",
            "voil\u{e0}\u{201d}.",
        ] {
            assert!(fixed(s).is_empty(), "{s}");
        }
    }
}
