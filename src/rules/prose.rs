//! Page text as the content rules read it: each text run decoded into characters
//! (character references resolved, WHATWG 13.2.5.72–13.2.5.80), every character
//! keeping the span of the raw source it came from, so a rule can match on what a
//! reader sees and still edit the exact bytes.

use crate::document::{ancestry_mask, Document, NodeId, TextRun, DOCUMENT};
use crate::rules::html;
use crate::source::Span;

/// One character of page text and the raw source bytes it came from (one byte
/// range for a literal character, the whole reference for `&rsquo;`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ch {
    /// The character a reader sees.
    pub c: char,
    /// Its raw source bytes.
    pub span: Span,
}

/// A run of page text, decoded.
#[derive(Clone)]
pub(crate) struct Prose {
    /// The raw run.
    pub run: TextRun,
    /// Its characters (shared between the code-skipped and code-kept lists).
    pub chars: Chars,
    /// Where its character starts lie in [`Decoded::starts`]: none while the
    /// run is ASCII without references. [`Prose::span_at`] reads a character's span
    /// from them. Kept apart from the characters: the rules scan the
    /// characters, 4 bytes each, and look up a span only at a finding.
    starts_from: u32,
    starts_len: u32,
    /// What the raw bytes hold, noted while decoding so the rules' byte
    /// pre-filters need not read the run again: bit `k` is set when the bytes
    /// hold the UTF-8 lead byte `0xC0 + k`. Bit 0 (0xC0 never leads a
    /// character in UTF-8) is set instead when they hold a `&`. One word, not
    /// a field per fact: ten rules walk the list of runs.
    bytes: u64,
}

/// The characters of a page's prose runs, and where they start, each in one
/// list for the page: two allocations a page rather than two a run, and the
/// runs' lists are dropped by dropping one shared count (on one cache line)
/// a run, not two counts in two allocations of their own.
#[derive(Default)]
pub(crate) struct Decoded {
    chars: Vec<char>,
    /// Where the characters of each decoded run start in its raw bytes, from
    /// the run's start: a run's `starts[i]` is its character `i`'s, 4 bytes a
    /// character rather than a 16-byte span. A character's bytes end where
    /// the next character with another start begins (the one or two
    /// characters of a reference share its start), or at the end of the run:
    /// decoding consumes every byte.
    ///
    /// A run keeps none while every character is an ASCII byte other than
    /// `&`, which is character `i` at byte `i`: most runs of an English page
    /// are never written out at all.
    starts: Vec<u32>,
}

/// One run's characters: a stretch of its page's [`Decoded`] list, read as a
/// `[char]`.
#[derive(Clone)]
pub(crate) struct Chars {
    all: std::sync::Arc<Decoded>,
    from: u32,
    to: u32,
}

impl std::ops::Deref for Chars {
    type Target = [char];
    fn deref(&self) -> &[char] {
        self.all
            .chars
            .get(self.from as usize..self.to as usize)
            .unwrap_or_default()
    }
}

/// A list index or length, or a byte offset in a run, as stored in [`Prose`],
/// [`Chars`] and [`Decoded`]: a page holds fewer characters than bytes, and
/// fewer bytes than `u32::MAX`.
fn index32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// [`Prose::bytes`]'s bit for a `&`.
const AMP_BIT: u64 = 1;

impl Prose {
    /// The run `run` of the page text `text`, decoded on its own.
    #[cfg(test)]
    pub(crate) fn new(text: &str, run: TextRun) -> Self {
        let mut all = Decoded::default();
        let bytes = decode_into(text, run.span, false, &mut all);
        let (chars, starts) = (all.chars.len(), all.starts.len());
        Prose {
            run,
            chars: Chars {
                all: std::sync::Arc::new(all),
                from: 0,
                to: index32(chars),
            },
            starts_from: 0,
            starts_len: index32(starts),
            bytes,
        }
    }

    /// The run's stretch of [`Decoded::starts`] (empty for a run that keeps none).
    fn starts(&self) -> &[u32] {
        let from = self.starts_from as usize;
        self.chars
            .all
            .starts
            .get(from..from + self.starts_len as usize)
            .unwrap_or_default()
    }

    /// The decoded text of `chars[from..to]`.
    pub(crate) fn string(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    /// The raw source bytes of character `i` (one byte range for a literal
    /// character, the whole reference for `&rsquo;`).
    pub(crate) fn span_at(&self, i: usize) -> Span {
        span_of(self.starts(), self.chars.len(), self.run.span, i)
    }

    /// The raw span of `chars[from..to]` (`to > from`).
    pub(crate) fn span(&self, from: usize, to: usize) -> Span {
        Span::new(self.span_at(from).start, self.span_at(to - 1).end)
    }

    /// The run's raw bytes (`text` is the page's) when its characters are exactly
    /// that text: without a `&` no reference was decoded. A byte search on them
    /// then answers for the characters: a cheap pre-filter.
    pub(crate) fn literal<'t>(&self, text: &'t str) -> Option<&'t [u8]> {
        let raw = text
            .as_bytes()
            .get(self.run.span.start..self.run.span.end)?;
        (self.bytes & AMP_BIT == 0).then_some(raw)
    }

    /// True when the run may hold a character whose UTF-8 encoding starts with
    /// `lead` (a non-ASCII lead byte): always when it is not [`Prose::literal`].
    pub(crate) fn may_hold(&self, text: &str, lead: u8) -> bool {
        self.literal(text).is_none_or(|raw| match lead_bit(lead) {
            Some(bit) => self.bytes & bit != 0,
            None => memchr::memchr(lead, raw).is_some(),
        })
    }

    /// The character at `i`, if any.
    pub(crate) fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The character before `i`, if any.
    pub(crate) fn before(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|j| self.at(j))
    }
}

/// Elements whose text is not prose a reader sees as the article (raw text, the
/// head, templates).
const NOT_PROSE: &[&str] = &[
    "script",
    "style",
    "template",
    "noscript",
    "textarea",
    "title",
    "head",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "svg",
    "math",
];

/// [`Prose::bytes`]'s bit for the UTF-8 lead byte `lead` (0xC2..=0xF4 lead
/// characters; `None` for any other byte).
fn lead_bit(lead: u8) -> Option<u64> {
    (0xc2..=0xf4).contains(&lead).then(|| 1 << (lead - 0xc0))
}

/// Elements that hold code or literal text, where prose rules stay quiet.
pub(crate) const CODE: &[&str] = &["code", "pre", "kbd", "samp", "tt", "var", "listing", "xmp"];

/// True when the text under `parent` is prose: not in the head, a raw-text
/// element or a template, and (with `skip_code`) not in code.
pub(crate) fn is_prose(doc: &Document, parent: Option<NodeId>, skip_code: bool) -> bool {
    // The names' ancestry bits, matched once, not once a run.
    static MASKS: std::sync::LazyLock<(Option<u64>, Option<u64>)> =
        std::sync::LazyLock::new(|| (ancestry_mask(NOT_PROSE), ancestry_mask(CODE)));
    let in_any = |id: NodeId, mask: Option<u64>, names: &[&str]| match mask {
        Some(m) => doc.in_mask(id, m),
        None => doc.in_element(Some(id), names),
    };
    let Some(id) = parent else { return false };
    if id == DOCUMENT || doc.in_template(id) || in_any(id, MASKS.0, NOT_PROSE) {
        return false;
    }
    !(skip_code && in_any(id, MASKS.1, CODE))
}

/// Every prose run of the page, decoded; code skipped when `skip_code`. Runs
/// already decoded in `known` (a list of prose runs in source order, such as the
/// other `skip_code` variant) are shared, not decoded again.
pub(crate) fn runs(
    doc: &Document,
    text_runs: &[TextRun],
    skip_code: bool,
    known: &[Prose],
) -> Vec<Prose> {
    /// Where a run's characters come from: decoded into the new list at
    /// these places, or shared with the other list's run.
    enum From<'k> {
        New {
            chars: (u32, u32),
            starts: (u32, u32),
            bytes: u64,
        },
        Known(&'k Prose),
    }
    let text = doc.text();
    let prose: Vec<TextRun> = text_runs
        .iter()
        .copied()
        .filter(|r| is_prose(doc, r.parent, skip_code))
        .collect();
    let mut all = Decoded::default();
    // Characters are at most the raw bytes: one allocation.
    all.chars
        .reserve(prose.iter().map(|r| r.span.len()).sum::<usize>());
    let mut known = known.iter().peekable();
    let mut from = Vec::with_capacity(prose.len());
    for run in &prose {
        while known
            .peek()
            .is_some_and(|k| k.run.first_token < run.first_token)
        {
            known.next();
        }
        match known.peek() {
            Some(k) if k.run.first_token == run.first_token && k.run.span == run.span => {
                from.push(From::Known(k));
            }
            _ => {
                let (c, s) = (all.chars.len(), all.starts.len());
                let bytes = decode_into(text, run.span, false, &mut all);
                from.push(From::New {
                    chars: (index32(c), index32(all.chars.len())),
                    starts: (index32(s), index32(all.starts.len() - s)),
                    bytes,
                });
            }
        }
    }
    let all = std::sync::Arc::new(all);
    prose
        .into_iter()
        .zip(from)
        .map(|(run, from)| match from {
            From::New {
                chars,
                starts,
                bytes,
            } => Prose {
                run,
                chars: Chars {
                    all: std::sync::Arc::clone(&all),
                    from: chars.0,
                    to: chars.1,
                },
                starts_from: starts.0,
                starts_len: starts.1,
                bytes,
            },
            From::Known(k) => Prose { run, ..k.clone() },
        })
        .collect()
}

/// How many bytes at the start of `b` are ASCII other than `&` (each stands for
/// itself). Tested 32 bytes at a time with a branch-free fold the compiler turns
/// into vector compares; only the block that ends the stretch is read byte by
/// byte. (A byte-by-byte search here read every byte of every prose run.)
fn plain_ascii_len(b: &[u8]) -> usize {
    let stops = |x: u8| !x.is_ascii() || x == b'&';
    let mut blocks = b.chunks_exact(32);
    let mut done = 0;
    for block in blocks.by_ref() {
        if block.iter().fold(false, |a, &x| a | stops(x)) {
            break;
        }
        done += 32;
    }
    done + b[done..]
        .iter()
        .position(|&x| stops(x))
        .unwrap_or(b.len() - done)
}

/// Decode the raw text `text[span]`: character references become the characters
/// they stand for. In an attribute value (`in_attribute`), a legacy reference
/// without `;` followed by `=` or an alphanumeric stays literal (WHATWG 13.2.5.73).
pub(crate) fn decode(text: &str, span: Span, in_attribute: bool) -> Vec<Ch> {
    let mut all = Decoded::default();
    decode_into(text, span, in_attribute, &mut all);
    all.chars
        .iter()
        .enumerate()
        .map(|(i, &c)| Ch {
            c,
            span: span_of(&all.starts, all.chars.len(), span, i),
        })
        .collect()
}

/// The raw span of character `i` of the `count` characters decoded from the
/// raw run `run`, whose character starts (as in [`Decoded::starts`]) are `starts`.
fn span_of(starts: &[u32], count: usize, run: Span, i: usize) -> Span {
    let start_of = |k: usize| starts.get(k).map_or(k, |&s| s as usize);
    let from = start_of(i);
    let mut next = i + 1;
    while next < count && start_of(next) == from {
        next += 1;
    }
    let to = if next < count {
        start_of(next)
    } else {
        run.len()
    };
    Span::new(run.start + from, run.start + to)
}

/// Decode `text[span]` (as [`decode`]), appending its characters and where
/// they start to `all`; returns what its bytes hold (as [`Prose::bytes`]): the
/// `&` and the lead bytes it passes. Every `&` and every non-ASCII character
/// is looked at one by one anyway, so noting them costs no extra read.
fn decode_into(text: &str, span: Span, in_attribute: bool, all: &mut Decoded) -> u64 {
    let raw = text.get(span.start..span.end).unwrap_or("");
    let Decoded { chars, starts } = all;
    let (chars_from, starts_from) = (chars.len(), starts.len());
    let mut bytes_seen = 0;
    // Notes that the run's next character starts at byte `at`: from the first
    // character that is not byte `i` for character `i`, every start is kept.
    let note = |starts: &mut Vec<u32>, chars: &Vec<char>, at: usize, plain: bool| {
        if starts.len() == starts_from {
            if plain {
                return;
            }
            starts.reserve(raw.len());
            starts.extend((0..chars.len() - chars_from).map(index32));
        }
        starts.push(index32(at));
    };
    let mut i = 0;
    let bytes = raw.as_bytes();
    while i < raw.len() {
        // ASCII other than `&` stands for itself, one byte a character: copy
        // the whole stretch in one go.
        let plain = i + plain_ascii_len(&bytes[i..]);
        if plain > i {
            if starts.len() > starts_from {
                starts.extend((i..plain).map(index32));
            }
            chars.extend(bytes[i..plain].iter().map(|&b| char::from(b)));
            i = plain;
            continue;
        }
        if bytes[i] == b'&' {
            bytes_seen |= AMP_BIT;
            if let Some((len, decoded)) = char_ref(&raw[i..], in_attribute) {
                for c in decoded.into_iter().flatten() {
                    note(starts, chars, i, false);
                    chars.push(c);
                }
                i += len;
                continue;
            }
        }
        let Some(c) = raw[i..].chars().next() else {
            break;
        };
        if let Some(bit) = lead_bit(bytes[i]) {
            bytes_seen |= bit;
        }
        note(starts, chars, i, c.is_ascii());
        chars.push(c);
        i += c.len_utf8();
    }
    bytes_seen
}

/// The numeric reference at the start of `b` (which starts with `&#`): the end
/// of its digits and its value (`u32::MAX` past the largest); `None` without
/// digits.
pub(crate) fn numeric_ref(b: &[u8]) -> Option<(usize, u32)> {
    let (hex, digits_at) = match b.get(2) {
        Some(b'x' | b'X') => (true, 3),
        _ => (false, 2),
    };
    let digits = b.get(digits_at..).unwrap_or_default();
    let len = digits
        .iter()
        .take_while(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    if len == 0 {
        return None;
    }
    let value = std::str::from_utf8(&digits[..len])
        .ok()
        .and_then(|d| u32::from_str_radix(d, if hex { 16 } else { 10 }).ok())
        .unwrap_or(u32::MAX);
    Some((digits_at + len, value))
}

/// The character reference at the start of `s` (which starts with `&`): its length
/// and the one or two characters it stands for.
pub(crate) fn char_ref(s: &str, in_attribute: bool) -> Option<(usize, [Option<char>; 2])> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let (mut end, value) = numeric_ref(b)?;
        if b.get(end) == Some(&b';') {
            end += 1;
        }
        return Some((end, [Some(numeric(value)), None]));
    }
    let name_len = b[1..]
        .iter()
        .take(40)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &s[1..=name_len];
    if b.get(1 + name_len) == Some(&b';') {
        // The table also holds every prefix of a name, mapped to (0, 0).
        if let Some(&(a, c)) = markup5ever::data::NAMED_ENTITIES
            .get(&format!("{name};"))
            .filter(|(a, _)| *a != 0)
        {
            return Some((
                name_len + 2,
                [char::from_u32(a), char::from_u32(c).filter(|_| c != 0)],
            ));
        }
    }
    // Legacy references without `;` (`&amp`, `&nbsp`): the longest known prefix.
    for k in (1..=name_len).rev() {
        if let Some(&(a, c)) = markup5ever::data::NAMED_ENTITIES
            .get(&name[..k])
            .filter(|(a, _)| *a != 0)
        {
            let next = b.get(1 + k).copied();
            if in_attribute && next.is_some_and(|n| n == b'=' || n.is_ascii_alphanumeric()) {
                return None;
            }
            return Some((
                k + 1,
                [char::from_u32(a), char::from_u32(c).filter(|_| c != 0)],
            ));
        }
    }
    None
}

/// The character a numeric reference stands for (WHATWG 13.2.5.80).
fn numeric(value: u32) -> char {
    match value {
        0x80..=0x9f => markup5ever::data::C1_REPLACEMENTS[(value - 0x80) as usize]
            .or_else(|| char::from_u32(value))
            .unwrap_or('\u{fffd}'),
        0 => '\u{fffd}',
        v => char::from_u32(v).unwrap_or('\u{fffd}'),
    }
}

/// A letter or digit, as the fix loop's word guard counts words.
pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Widen `span` (inside a run whose raw text ends at `limit_end` and starts at
/// `limit_start`) over the literal alphanumeric characters on both sides, so an
/// edit inside a word covers the whole word: the fix loop's text guard then sees
/// the word it changes as part of the change.
pub(crate) fn widen_to_word(text: &str, span: Span, limit: Span) -> Span {
    let mut start = span.start;
    while start > limit.start {
        let Some(c) = text[limit.start..start].chars().next_back() else {
            break;
        };
        if !is_word(c) {
            break;
        }
        start -= c.len_utf8();
    }
    let mut end = span.end;
    while end < limit.end {
        let Some(c) = text[end..limit.end].chars().next() else {
            break;
        };
        if !is_word(c) {
            break;
        }
        end += c.len_utf8();
    }
    Span::new(start, end)
}

/// True when `name` is a block-level container whose text reads as one unit.
pub(crate) fn is_text_block(name: &str) -> bool {
    html::is_block(name)
        || matches!(
            name,
            "li" | "td" | "th" | "dd" | "dt" | "caption" | "body" | "html" | "figcaption"
        )
}

/// The nearest text block around `id` (itself included).
pub(crate) fn block_of(doc: &Document, id: NodeId) -> Option<NodeId> {
    doc.self_and_ancestors(id)
        .find(|e| is_text_block(e.name()))
        .map(|e| e.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_len_stops_at_the_first_non_ascii_byte_or_ampersand() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&x| !x.is_ascii() || x == b'&')
                .unwrap_or(b.len())
        };
        for len in [0, 1, 31, 32, 33, 64, 100] {
            let mut v = vec![b'a'; len];
            assert_eq!(plain_ascii_len(&v), naive(&v));
            for at in 0..len {
                for stop in [b'&', 0x80, 0xc3, 0xff] {
                    v[at] = stop;
                    assert_eq!(plain_ascii_len(&v), naive(&v), "{len} {at} {stop}");
                    v[at] = b'a';
                }
            }
        }
    }

    /// Every decoded character's span is its own raw bytes: a literal
    /// character's (one byte or several), or the whole reference for each of
    /// the one or two characters it stands for; from the first character of
    /// a run or after any mix of those.
    #[test]
    fn each_character_keeps_its_raw_span() {
        let raw = "ab&amp;c\u{e9}&NotEqualTilde;d&amp e&#x1F600;\u{2019}f&q g";
        let page = format!("<p>{raw}</p>");
        let got: Vec<(char, &str)> = decode(&page, Span::new(3, 3 + raw.len()), false)
            .iter()
            .map(|ch| (ch.c, &page[ch.span.start..ch.span.end]))
            .collect();
        let want = [
            ('a', "a"),
            ('b', "b"),
            ('&', "&amp;"),
            ('c', "c"),
            ('\u{e9}', "\u{e9}"),
            ('\u{2242}', "&NotEqualTilde;"),
            ('\u{338}', "&NotEqualTilde;"),
            ('d', "d"),
            ('&', "&amp"),
            (' ', " "),
            ('e', "e"),
            ('\u{1f600}', "&#x1F600;"),
            ('\u{2019}', "\u{2019}"),
            ('f', "f"),
            ('&', "&"),
            ('q', "q"),
            (' ', " "),
            ('g', "g"),
        ];
        assert_eq!(got, want);
        // A run that is ASCII throughout keeps no starts: character i is byte i.
        let page = "<p>plain & simple</p>";
        let spans: Vec<Span> = decode(page, Span::new(3, 17), false)
            .iter()
            .map(|ch| ch.span)
            .collect();
        assert_eq!(
            spans,
            (3..17).map(|k| Span::new(k, k + 1)).collect::<Vec<_>>()
        );
        // A run that starts with a reference.
        let page = "&rsquo;x";
        let spans: Vec<Span> = decode(page, Span::new(0, 8), false)
            .iter()
            .map(|ch| ch.span)
            .collect();
        assert_eq!(spans, [Span::new(0, 7), Span::new(7, 8)]);
    }

    fn chars(raw: &str) -> String {
        decode(raw, Span::new(0, raw.len()), false)
            .iter()
            .map(|c| c.c)
            .collect()
    }

    #[test]
    fn decodes_references() {
        assert_eq!(
            chars("don&rsquo;t &amp; &#8217; &#x2019; &#146;"),
            "don\u{2019}t & \u{2019} \u{2019} \u{2019}"
        );
        assert_eq!(
            chars("a&nbsp b &notit; &bogus; & x"),
            "a\u{a0} b \u{ac}it; &bogus; & x"
        );
        let d = decode("x&amp;y", Span::new(0, 7), false);
        assert_eq!(d[1].span, Span::new(1, 6));
    }

    #[test]
    fn attribute_legacy_reference_stays_literal() {
        let d = decode("?a=1&copy=2", Span::new(0, 11), true);
        assert_eq!(d.iter().map(|c| c.c).collect::<String>(), "?a=1&copy=2");
    }

    #[test]
    fn widens_over_words() {
        let t = "a caf\u{c3}\u{a9}s b";
        let s = widen_to_word(t, Span::new(5, 9), Span::new(0, t.len()));
        assert_eq!(&t[s.start..s.end], "caf\u{c3}\u{a9}s");
    }
}
