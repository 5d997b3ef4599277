use crate::declare_rule;
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::{Edit, Fix};
use crate::rule::{Context, Rule, RuleMeta};
use crate::rules::prose::Prose;

declare_rule! {
    /// ## What it does
    /// Finds a sentence or clause glued to the next one: `sharing.This`,
    /// `region.As`, `dialogues,the`, `readiness,economic`.
    ///
    /// A period counts only between a lowercase letter (or a closing quote or
    /// bracket) and a capitalised word of two or more letters; a comma only
    /// between two words of two or more letters, the second lowercase. Anything
    /// that looks like a name, a number, a URL, an e-mail address, a file name or
    /// code is left alone: `U.S.`, `U.S.-Panama`, `e.g.`, `Ph.D.`, `3.14`, `1,000`,
    /// `example.com`, `Booking.Com`, `node.js`, `report.pdf`, `v2.1`, and all text in
    /// `code`, `pre`, `kbd`, `samp` and `tt`.
    ///
    /// ## Why is this bad?
    /// The text reads as one run-on word; screen readers and search engines see one
    /// token (`sharing.This`) instead of two words.
    ///
    /// ## Example
    /// ```html
    /// <p>Data sharing.This approach, backed by training,the plan says.</p>
    /// ```
    ///
    /// Use instead:
    /// ```html
    /// <p>Data sharing. This approach, backed by training, the plan says.</p>
    /// ```
    ///
    /// ## Fix safety
    /// Inserting a space after a comma is safe. After a period it is unsafe: a
    /// brand or identifier (`Node.Js`, `Ask.Fm`) can look like two sentences.
    pub struct MissingSpaceAfterPunctuation {
        id: "missing-space-after-punctuation",
        group: Content,
        fix: Always,
        default: true,
        summary: "No space after a period or comma (`sharing.This`, `dialogues,the`)",
    }
}

/// Capitalised endings that make a domain or a file name (`Booking.Com`, `Report.Pdf`).
const DOMAIN_OR_FILE: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "pdf", "doc", "docx", "xls",
    "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "gif", "txt", "csv", "zip", "html", "htm", "php",
    "asp", "aspx", "js", "json", "xml", "mp3", "mp4", "exe", "fm", "ly", "io",
];

/// Characters that make a token a URL, a path, an address or code.
fn is_code_char(c: char) -> bool {
    matches!(
        c,
        '@' | '/'
            | '\\'
            | '_'
            | '='
            | '{'
            | '}'
            | '<'
            | '>'
            | '|'
            | '~'
            | '^'
            | '`'
            | '$'
            | '#'
            | '*'
            | '+'
    )
}

fn letters_back(p: &Prose, end: usize) -> usize {
    let mut k = end;
    while k > 0 && p.at(k - 1).is_some_and(char::is_alphabetic) {
        k -= 1;
    }
    k
}

fn letters_forward(p: &Prose, start: usize) -> usize {
    let mut k = start;
    while p.at(k).is_some_and(char::is_alphabetic) {
        k += 1;
    }
    k
}

/// The whitespace-delimited token around `i`.
fn token(p: &Prose, i: usize) -> (usize, usize) {
    let mut s = i;
    while s > 0 && !p.at(s - 1).is_some_and(char::is_whitespace) {
        s -= 1;
    }
    let mut e = i;
    while e < p.chars.len() && !p.at(e).is_some_and(char::is_whitespace) {
        e += 1;
    }
    (s, e)
}

/// How many times `mark` is followed by a letter or digit in the token.
fn inner_marks(p: &Prose, from: usize, to: usize, mark: char) -> usize {
    (from..to)
        .filter(|&k| p.at(k) == Some(mark) && p.at(k + 1).is_some_and(char::is_alphanumeric))
        .count()
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '\u{201d}' | '\u{2019}' | '"' | '\'' | ')' | ']' | '\u{bb}'
    )
}

fn period_case(p: &Prose, i: usize) -> bool {
    let Some(prev) = p.before(i) else {
        return false;
    };
    let word_end = if prev.is_lowercase() {
        i
    } else if is_closer(prev) && i >= 2 && p.at(i - 2).is_some_and(char::is_alphanumeric) {
        i - 1
    } else {
        return false;
    };
    // The word before: plain or capitalised, not camelCase (`myVar.Length`).
    let left = letters_back(p, word_end);
    let left_word = p.string(left, word_end);
    if left_word.chars().skip(1).any(char::is_uppercase) {
        return false;
    }
    // The word after: capitalised, two letters or more, then not more of a dotted
    // name or a call (`Foo.Bar.baz`, `Math.Max(`).
    let r_end = letters_forward(p, i + 1);
    let right = p.string(i + 1, r_end);
    let mut rc = right.chars();
    let capitalised = rc.next().is_some_and(char::is_uppercase) && rc.all(char::is_lowercase);
    if !capitalised || right.chars().count() < 2 {
        return false;
    }
    if DOMAIN_OR_FILE.contains(&right.to_lowercase().as_str()) {
        return false;
    }
    match p.at(r_end) {
        Some('.') => !p.at(r_end + 1).is_some_and(char::is_alphanumeric),
        Some('(') => false,
        Some(c) => !c.is_ascii_digit(),
        None => true,
    }
}

fn comma_case(p: &Prose, i: usize) -> bool {
    let left = letters_back(p, i);
    let r_end = letters_forward(p, i + 1);
    if i - left < 2 || r_end - (i + 1) < 2 {
        return false;
    }
    p.at(i + 1).is_some_and(char::is_lowercase) && !p.at(r_end).is_some_and(|c| c.is_ascii_digit())
}

impl Rule for MissingSpaceAfterPunctuation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = ctx.doc.text();
        for p in ctx.prose(true) {
            // Every finding is a `.` or `,` right before a letter: a run whose
            // bytes hold none before an ASCII letter or a non-ASCII byte (which
            // may start one) is passed over without reading its characters.
            if p.literal(text).is_some_and(|raw| {
                !memchr::memchr2_iter(b'.', b',', raw).any(|j| {
                    raw.get(j + 1)
                        .is_some_and(|&n| n.is_ascii_alphabetic() || !n.is_ascii())
                })
            }) {
                continue;
            }
            for i in 1..p.chars.len().saturating_sub(1) {
                let mark = p.chars[i];
                // Either case needs a word right after the mark (a capitalised
                // one after a period, a lowercase one after a comma): most
                // marks are followed by a space and go no further.
                if mark != '.' && mark != ',' || !p.at(i + 1).is_some_and(char::is_alphabetic) {
                    continue;
                }
                let (ts, te) = token(p, i);
                let tok = p.string(ts, te);
                if tok.chars().any(is_code_char) || tok.contains("www.") {
                    continue;
                }
                let hit = if mark == '.' {
                    // A dotted name (`a.b.Cd`, `e.g.The`) is an abbreviation or code.
                    inner_marks(p, ts, te, '.') == 1 && period_case(p, i)
                } else {
                    // `news,sports,weather` is a list of tags, `a.b,c` is code.
                    inner_marks(p, ts, te, ',') == 1
                        && inner_marks(p, ts, te, '.') == 0
                        && comma_case(p, i)
                };
                if !hit {
                    continue;
                }
                let at = p.span_at(i).end;
                let shown = escape_for_terminal(&tok);
                let (name, fix) = if mark == '.' {
                    ("period", Fix::unsafe_(vec![Edit::insertion(" ", at)]))
                } else {
                    ("comma", Fix::safe(vec![Edit::insertion(" ", at)]))
                };
                out.push(
                    Diagnostic::new(
                        MissingSpaceAfterPunctuation::META.id,
                        p.span(i, i + 1),
                        format!("Missing space after the {name} in `{shown}`"),
                    )
                    .with_fix(
                        format!("Insert a space after the {name}"),
                        fix.changing_text(),
                    ),
                );
            }
        }
    }
}
