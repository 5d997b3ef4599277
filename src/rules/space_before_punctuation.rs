use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::Prose;

declare_rule! {
    /// ## What it does
    /// Finds a space between a word and the punctuation after it: `Deployment :`,
    /// `word ,`, `end .`, `really ?`.
    ///
    /// Only a space after a letter counts, and only before punctuation that ends
    /// the clause (followed by a space or the end of the text): `10 : 30`, ` .NET`,
    /// ` ...`, ` :)` are left alone. French typography puts a space before `:`, `;`,
    /// `!` and `?`, so text whose `lang` is French is exempt for those, and so is
    /// a page that spaces them three times or more (a house style, not a slip).
    /// Code is skipped.
    ///
    /// ## Why is this bad?
    /// The punctuation can wrap onto the next line on its own, and the text reads
    /// as carelessly pasted.
    ///
    /// ## Example
    /// ```html
    /// <li><strong>Targeted Resource Deployment :</strong> local capacity , mainly</li>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <li><strong>Targeted Resource Deployment:</strong> local capacity, mainly</li>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the space may be a deliberate typographic convention the page does
    /// not declare with `lang`.
    pub struct SpaceBeforePunctuation {
        id: "space-before-punctuation",
        group: Content,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Space before punctuation (`Deployment :`, `word ,`)",
    }
}

/// Marks French typography spaces before.
fn is_high(c: char) -> bool {
    matches!(c, ':' | ';' | '!' | '?')
}

/// `chars[from..i]` is the space run before the mark at `i`, when it counts.
fn finding(p: &Prose, i: usize) -> Option<usize> {
    let mark = p.at(i)?;
    if !matches!(mark, ',' | '.' | ':' | ';' | '!' | '?') {
        return None;
    }
    let mut from = i;
    while from > 0 && p.at(from - 1) == Some(' ') {
        from -= 1;
    }
    if from == i || from == 0 || !p.at(from - 1).is_some_and(char::is_alphabetic) {
        return None;
    }
    // The mark must end the clause: a space or the end of the run after it.
    match p.at(i + 1) {
        None => {}
        Some(c) if c.is_whitespace() => {}
        _ => return None,
    }
    Some(from)
}

impl Rule for SpaceBeforePunctuation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc;
        let mut found = Vec::new();
        let mut high = 0;
        for p in ctx.prose(true) {
            // Every finding is a mark right after a space: a run whose bytes
            // (or, when not literal, characters) have none is passed over.
            let candidate = match p.literal(doc.text()) {
                Some(raw) => space_then_mark(raw, b' ', |c| {
                    [b',', b'.', b':', b';', b'!', b'?'].map(|m| c == m)
                }),
                None => space_then_mark(&p.chars, ' ', |c| {
                    [',', '.', ':', ';', '!', '?'].map(|m| c == m)
                }),
            };
            if !candidate {
                continue;
            }
            // Looked up (walking the ancestors) only for a run with a finding.
            let mut french = None;
            for i in 1..p.chars.len() {
                // A finding has a space right before its mark: most
                // characters go no further.
                if p.chars[i - 1] != ' ' {
                    continue;
                }
                let Some(from) = finding(p, i) else { continue };
                let mark = p.chars[i];
                if is_high(mark) {
                    let french = *french.get_or_insert_with(|| {
                        doc.lang(p.run.parent).is_some_and(|l| {
                            l.trim()
                                .get(..2)
                                .is_some_and(|s| s.eq_ignore_ascii_case("fr"))
                        })
                    });
                    if french {
                        continue;
                    }
                    high += 1;
                }
                found.push((
                    p.span(from, i),
                    p.span(i, i + 1),
                    mark,
                    p.string(
                        from.saturating_sub(12).max(prose_word_start(p, from)),
                        i + 1,
                    ),
                ));
            }
        }
        for (spaces, at, mark, context) in found {
            if is_high(mark) && high >= 3 {
                continue;
            }
            let shown = escape_for_terminal(&context);
            out.push(
                Diagnostic::new(
                    SpaceBeforePunctuation::META.id,
                    at,
                    format!("Space before `{mark}` in `{shown}`"),
                )
                .with_fix(
                    format!("Remove the space before `{mark}`"),
                    Fix::unsafe_(vec![Edit::deletion(spaces)]),
                ),
            );
        }
    }
}

/// True when `s` holds `space` right before a mark (`marks` tells, one answer a
/// mark, which are or-ed). Read in blocks without a branch a character, so
/// the compiler turns it into vector compares: marks follow words, not
/// spaces, and nearly every run has none.
fn space_then_mark<T: Copy + PartialEq>(s: &[T], space: T, marks: impl Fn(T) -> [bool; 6]) -> bool {
    let (Some(before), Some(at)) = (s.get(..s.len().wrapping_sub(1)), s.get(1..)) else {
        return false;
    };
    before.chunks(64).zip(at.chunks(64)).any(|(x, y)| {
        x.iter().zip(y).fold(false, |found, (&p, &c)| {
            found | ((p == space) & marks(c).iter().fold(false, |a, &m| a | m))
        })
    })
}

/// Start of the word before the space run at `from`.
fn prose_word_start(p: &Prose, from: usize) -> usize {
    let mut k = from;
    while k > 0 && p.at(k - 1).is_some_and(|c| !c.is_whitespace()) {
        k -= 1;
    }
    k
}
