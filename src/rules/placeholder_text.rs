use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::{self, Prose};

declare_rule! {
    /// ## What it does
    /// Finds placeholder text left in a published page: editor notes in brackets
    /// (`[insert date]`, `[Insert quote here]`, `[TBD]`), `Lorem ipsum`, the
    /// newsroom mark `TK`/`TKTK` (as a word on its own, not `TKO` or `TK Maxx`),
    /// unrendered template fields (`{{ name }}`, `%%NAME%%`), `[object Object]`,
    /// and an element whose whole text is `undefined`, `null` or `NaN`. Scripts,
    /// styles, templates and code are skipped.
    ///
    /// ## Why is this bad?
    /// The page was published before it was finished, or a template or script
    /// failed to fill in a value: readers see the hole.
    ///
    /// ## Example
    /// ```html
    /// <p>The press conference on [insert date] drew <span>undefined</span> people.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>The press conference on 4 March drew 300 people.</p>
    /// ```
    pub struct PlaceholderText {
        id: "placeholder-text",
        group: Content,
        fix: None,
        default: true,
        summary: "Placeholder left in the text (`[insert date]`, `Lorem ipsum`, `TK`, `{{ name }}`)",
    }
}

/// Words that open an editor's note in brackets.
const NOTE_STARTS: &[&str] = &[
    "insert",
    "enter ",
    "add ",
    "placeholder",
    "tbd",
    "tbc",
    "todo",
    "to do",
    "fixme",
    "tk",
    "xx",
    "your ",
    "name of ",
    "link to ",
    "source?",
];

/// Texts a failed script or template leaves as an element's whole content.
const NULLISH: &[&str] = &["undefined", "null", "NaN", "[object Object]"];

fn report(p: &Prose, from: usize, to: usize, what: &str, out: &mut Vec<Diagnostic>) {
    let shown = escape_for_terminal(&p.string(from, to));
    out.push(Diagnostic::new(
        PlaceholderText::META.id,
        p.span(from, to),
        format!("Placeholder `{shown}` left in the text: {what}"),
    ));
}

/// `[insert date]`-style notes.
fn bracket_notes(p: &Prose, out: &mut Vec<Diagnostic>) {
    let n = p.chars.len();
    let mut i = 0;
    while i < n {
        if p.at(i) != Some('[') {
            i += 1;
            continue;
        }
        let close = (i + 1..n.min(i + 82)).find(|&j| matches!(p.at(j), Some(']' | '[')));
        let Some(j) = close.filter(|&j| p.at(j) == Some(']')) else {
            i += 1;
            continue;
        };
        let inner = p.string(i + 1, j).trim().to_lowercase();
        let note = NOTE_STARTS.iter().any(|s| {
            inner.starts_with(s)
                && (s.ends_with(' ') || !inner[s.len()..].starts_with(char::is_alphabetic))
        }) || inner.chars().all(|c| c == 'x') && inner.len() >= 2;
        if note {
            report(p, i, j + 1, "an editor's note", out);
        }
        i = j + 1;
    }
}

/// A case-insensitive literal.
/// Every `needle` (ASCII lowercase) in the run, matched ignoring ASCII case.
fn literal(p: &Prose, needle: &str, what: &str, out: &mut Vec<Diagnostic>) {
    let lower = |i: usize| p.chars[i].to_ascii_lowercase();
    // ASCII: one byte a character.
    let needle = needle.as_bytes();
    let len = p.chars.len();
    let mut i = 0;
    while i + needle.len() <= len {
        // The first character first: it rules out almost every position cheaply.
        if lower(i) == char::from(needle[0])
            && (i == 0 || !prose::is_word(lower(i - 1)))
            && (1..needle.len()).all(|k| lower(i + k) == char::from(needle[k]))
        {
            report(p, i, i + needle.len(), what, out);
            i += needle.len();
        } else {
            i += 1;
        }
    }
}

/// `TK` / `TKTK` as a word of its own.
fn tk_marks(p: &Prose, out: &mut Vec<Diagnostic>) {
    let n = p.chars.len();
    let mut i = 0;
    while i < n {
        if !p.at(i).is_some_and(prose::is_word) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && p.at(i).is_some_and(prose::is_word) {
            i += 1;
        }
        // Only `TK`, `TKTK`, ... can match: skip building any other word.
        if p.at(start) != Some('T') || p.at(start + 1) != Some('K') {
            continue;
        }
        let word = p.string(start, i);
        let repeated = word.len() >= 4
            && word.len().is_multiple_of(2)
            && word.as_bytes().chunks(2).all(|c| c == b"TK");
        if word != "TK" && !repeated {
            continue;
        }
        if !repeated {
            // `TK Maxx`, `Thyssen TK`, `TK-421`, `TK 2000`, `TK's`: a name, not a mark.
            let next = (i..n).find(|&k| p.at(k) != Some(' ')).and_then(|k| p.at(k));
            let prev = (0..start)
                .rev()
                .find(|&k| p.at(k) != Some(' '))
                .and_then(|k| p.at(k));
            let glued_after = matches!(p.at(i), Some('-' | '\'' | '\u{2019}' | '/' | '.' | '&'))
                && p.at(i + 1).is_some_and(prose::is_word);
            let glued_before = start > 0 && matches!(p.at(start - 1), Some('-' | '/' | '&' | '.'));
            let name_after = next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            let name_before = prev.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                && start > 0
                && p.at(start - 1) == Some(' ');
            if glued_after || glued_before || name_after || name_before {
                continue;
            }
        }
        report(
            p,
            start,
            i,
            "the newsroom mark for a fact still to come",
            out,
        );
    }
}

/// `{{ name }}` and `%%NAME%%`.
fn template_fields(p: &Prose, out: &mut Vec<Diagnostic>) {
    let n = p.chars.len();
    let mut i = 0;
    while i + 1 < n {
        let (open, close) = match (p.at(i), p.at(i + 1)) {
            (Some('{'), Some('{')) => ('{', '}'),
            (Some('%'), Some('%')) => ('%', '%'),
            _ => {
                i += 1;
                continue;
            }
        };
        let body_start = i + 2;
        let end = (body_start..n.min(body_start + 60))
            .find(|&k| p.at(k) == Some(close) && p.at(k + 1) == Some(close));
        if let Some(k) = end {
            let body = p.string(body_start, k);
            let ident = body.trim();
            let ok = match open {
                '{' => {
                    !ident.is_empty()
                        && ident.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$')
                        && ident.chars().all(|c| {
                            c.is_alphanumeric()
                                || matches!(
                                    c,
                                    '_' | '.' | ' ' | '|' | '-' | '$' | '\'' | '"' | '(' | ')'
                                )
                        })
                }
                _ => {
                    body == ident
                        && ident.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
                        && ident
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                }
            };
            if ok {
                report(p, i, k + 2, "an unrendered template field", out);
                i = k + 2;
                continue;
            }
        }
        i += 1;
    }
}

/// What a run holds that a search needs to start a match.
#[derive(Default)]
#[allow(clippy::struct_excessive_bools)] // four independent facts, not a state
struct Seen {
    /// `[`: editor's notes and `[object Object]`.
    bracket: bool,
    /// `lorem ipsum` in any ASCII case (in a run that is not literal, `lo`).
    lorem: bool,
    /// `TK`: the newsroom mark.
    tk: bool,
    /// `{{` or `%%`: template fields.
    template: bool,
}

impl Seen {
    fn of(p: &Prose, text: &str) -> Self {
        if let Some(raw) = p.literal(text) {
            // The characters are these bytes, and every needle is ASCII: jump
            // between candidate bytes, two searches for the four needles
            // (each search has a fixed cost, and most runs are short).
            let mut seen = Seen::default();
            // `[`, and the first of `{{` or `%%`: all rare in prose.
            for i in memchr::memchr3_iter(b'[', b'{', b'%', raw) {
                match raw[i] {
                    b'[' => seen.bracket = true,
                    c => seen.template |= raw.get(i + 1) == Some(&c),
                }
                if seen.bracket && seen.template {
                    break;
                }
            }
            // `lorem ipsum` whole in any case, found from its `p` (a rarer
            // letter than its `l`), and `TK` from its `K` (rarer than `T`).
            let lorem = |i: usize| {
                i.checked_sub(7)
                    .and_then(|from| raw.get(from..from + "lorem ipsum".len()))
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"lorem ipsum"))
            };
            for i in memchr::memchr3_iter(b'p', b'P', b'K', raw) {
                match raw[i] {
                    b'K' => seen.tk |= i > 0 && raw[i - 1] == b'T',
                    _ => seen.lorem = seen.lorem || lorem(i),
                }
                if seen.lorem && seen.tk {
                    break;
                }
            }
            return seen;
        }
        let mut seen = Seen::default();
        let mut prev = '\0';
        for &c in p.chars.iter() {
            match c {
                '[' => seen.bracket = true,
                'o' | 'O' => seen.lorem |= matches!(prev, 'l' | 'L'),
                'K' => seen.tk |= prev == 'T',
                '{' | '%' => seen.template |= prev == c,
                _ => {}
            }
            prev = c;
        }
        seen
    }
}

impl Rule for PlaceholderText {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        for p in ctx.prose(true) {
            // An element whose whole text is what a failed script printed: at
            // most 9 characters between the first and last non-space ones.
            // A run of whitespace only is scanned once, not from both ends,
            // and nothing below can match in it (many runs are the
            // indentation between tags).
            let Some(a) = p.chars.iter().position(|c| !c.is_whitespace()) else {
                continue;
            };
            // One pass says which of the searches below can match at all: each
            // needs its opening character (pair) somewhere in the run.
            let seen = Seen::of(p, doc.text());
            if seen.bracket {
                bracket_notes(p, out);
            }
            if seen.lorem {
                literal(p, "lorem ipsum", "dummy text", out);
            }
            if seen.bracket {
                literal(p, "[object object]", "a script printed an object", out);
            }
            if seen.tk {
                tk_marks(p, out);
            }
            if seen.template {
                template_fields(p, out);
            }
            let b = p
                .chars
                .iter()
                .rposition(|c| !c.is_whitespace())
                .unwrap_or(a);
            if b - a >= 15 {
                continue;
            }
            // The trimmed text is `chars[a..=b]`: `undefined`, `null` or `NaN`
            // has 3, 4 or 9 characters and starts with `u`, `n` or `N`.
            if !matches!(b - a, 2 | 3 | 8) || !matches!(p.chars[a], 'u' | 'n' | 'N') {
                continue;
            }
            let text = p.string(0, p.chars.len());
            let trimmed = text.trim();
            if NULLISH.contains(&trimmed) && trimmed != "[object Object]" {
                let whole = p
                    .run
                    .parent
                    .and_then(|id| doc.element(id))
                    .is_some_and(|e| e.text().trim() == trimmed);
                if whole {
                    let lead = text.chars().take_while(|c| c.is_whitespace()).count();
                    let len = trimmed.chars().count();
                    report(
                        p,
                        lead,
                        lead + len,
                        "a value a script or template failed to fill in",
                        out,
                    );
                }
            }
        }
    }
}
