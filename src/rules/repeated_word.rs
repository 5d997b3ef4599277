use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::Prose;

declare_rule! {
    /// ## What it does
    /// Finds a word typed twice in a row: `the the`, `to to`, `The the`. Words are
    /// compared without case, only within one run of text (never across elements),
    /// only when nothing but spaces separates them.
    ///
    /// Legitimate doubles are left alone: `had had`, `that that`, `is is`, `bye
    /// bye`, `so so`, `very very`, `knock knock`, German `die die` and French
    /// `nous nous` among others; a second word that is capitalised (`Bora Bora`,
    /// `Duran Duran`); numbers; words in scripts written without spaces (a spaced
    /// repeat of Chinese or Japanese is a refrain); and code.
    ///
    /// ## Why is this bad?
    /// It is a typo readers notice at once.
    ///
    /// ## Example
    /// ```html
    /// <p>Officials said the the talks went well.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Officials said the talks went well.</p>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the repeat may be deliberate (emphasis, a quotation of speech).
    pub struct RepeatedWord {
        id: "repeated-word",
        group: Content,
        fix: Always,
        safe_fixes: false,
        default: true,
        summary: "Word repeated by mistake (`the the`)",
    }
}

/// Words that are correct twice in a row (`had had`, `that that`, reduplications,
/// relative pronouns before articles in German and Dutch, French reflexives).
const ALLOWED: &[&str] = &[
    "aah", "again", "ah", "aye", "baa", "bang", "bla", "blah", "bling", "boo", "bora", "bye",
    "cha", "che", "chin", "choo", "chop", "chug", "das", "dat", "dem", "den", "der", "des", "die",
    "din", "do", "dum", "es", "far", "go", "ha", "had", "haha", "he", "hear", "hee", "hey", "hip",
    "ho", "hubba", "hush", "ihr", "is", "knock", "la", "many", "more", "murmur", "na", "never",
    "no", "nous", "now", "oh", "on", "over", "ping", "pom", "pong", "pooh", "pretty", "que", "rah",
    "really", "round", "sie", "so", "that", "there", "tick", "tock", "tom", "tsk", "tum", "tut",
    "very", "vous", "wait", "was", "well", "yada", "yeah", "yes", "yum",
];

/// The ASCII letters and digits, by code point.
const ASCII_ALNUM: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

/// `char::is_alphanumeric`, with ASCII (nearly every character) read from a
/// table: one load where the three range tests took several branches, for
/// every character of the page's prose.
fn is_alphanumeric(c: char) -> bool {
    match ASCII_ALNUM.get(c as usize) {
        Some(&a) => a,
        None => c.is_alphanumeric(),
    }
}

/// The next word in `p` from `i`: its bounds.
fn next_word(p: &Prose, i: usize) -> Option<(usize, usize)> {
    // Slice searches, not an indexed loop: every character of the page
    // passes through here.
    let chars: &[char] = &p.chars;
    let start = i + chars.get(i..)?.iter().position(|&c| is_alphanumeric(c))?;
    let len = chars[start..]
        .iter()
        .position(|&c| !is_alphanumeric(c))
        .unwrap_or(chars.len() - start);
    Some((start, start + len))
}

/// Scripts written without spaces between words (CJK, kana, Hangul syllables in
/// song lyrics, Thai): a spaced repeat there is deliberate.
fn unspaced_script(c: char) -> bool {
    matches!(c as u32, 0x0e00..=0x0eff | 0x2e80..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x2_0000..=0x3_ffff)
}

/// Joined to a neighbour by a hyphen, apostrophe or dot (`so-so`, `it's`, `e.g`).
fn glued(c: Option<char>) -> bool {
    matches!(
        c,
        Some('-' | '\'' | '\u{2019}' | '.' | '/' | '@' | '_' | '&')
    )
}

impl Rule for RepeatedWord {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for p in ctx.prose(true) {
            let mut cur = next_word(p, 0);
            while let Some((a, b)) = cur {
                let next = next_word(p, b);
                let Some((c, d)) = next else { break };
                cur = next;
                // Lowercasing maps an ASCII character to one ASCII character:
                // first characters that differ so rule the pair out. Tested
                // first, as it rules out nearly every pair.
                let (x, y) = (p.chars[a], p.chars[c]);
                if x.is_ascii() && y.is_ascii() && !x.eq_ignore_ascii_case(&y) {
                    continue;
                }
                let between_spaces = (b..c).all(|k| p.at(k).is_some_and(char::is_whitespace));
                if !between_spaces || glued(p.before(a)) || glued(p.at(d)) {
                    continue;
                }
                // Cheap rejections first, each implied by a test below: most
                // neighbouring words differ, and most are ASCII.
                if p.at(c).is_some_and(char::is_uppercase) {
                    continue;
                }
                let (c1, c2) = (&p.chars[a..b], &p.chars[c..d]);
                if c1.iter().chain(c2).all(char::is_ascii)
                    && (c1.len() != c2.len()
                        || !c1.iter().zip(c2).all(|(x, y)| x.eq_ignore_ascii_case(y)))
                {
                    continue;
                }
                // The same test for other words, without building them: each
                // character lowercased alone is what `str::to_lowercase` gives,
                // except for `Σ` (final `ς` at a word's end).
                if !c1.iter().chain(c2).any(|&ch| ch == 'Σ')
                    && !c1
                        .iter()
                        .flat_map(|ch| ch.to_lowercase())
                        .eq(c2.iter().flat_map(|ch| ch.to_lowercase()))
                {
                    continue;
                }
                let w1 = p.string(a, b);
                let w2 = p.string(c, d);
                if w1.to_lowercase() != w2.to_lowercase()
                    || w1
                        .chars()
                        .any(|ch| !ch.is_alphabetic() || unspaced_script(ch))
                    || w2.starts_with(char::is_uppercase)
                    || ALLOWED.contains(&w1.to_lowercase().as_str())
                {
                    continue;
                }
                let shown = escape_for_terminal(&p.string(a, d));
                out.push(
                    Diagnostic::new(
                        RepeatedWord::META.id,
                        p.span(c, d),
                        format!("Word repeated: `{shown}`"),
                    )
                    .with_fix(
                        format!("Remove the second `{}`", escape_for_terminal(&w2)),
                        Fix::unsafe_(vec![Edit::deletion(p.span(b, d))]).changing_text(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_alphanumeric_is_the_standard_test() {
        for c in (0..0x3100).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
