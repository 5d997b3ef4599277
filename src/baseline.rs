//! Baselines: today's findings recorded by fingerprint, so that a legacy site can
//! adopt tagmend and be held to "no new findings".
//!
//! A fingerprint is the rule plus the page text around the finding (the finding
//! itself and up to 40 characters either side within its line, whitespace runs
//! collapsed), never a line number, so it survives lines being added or removed
//! elsewhere in the page and re-indentation; a finding that moves to another
//! file, or whose surroundings on its line are edited, is new. Findings
//! with equal fingerprints in one file are counted, and a baseline hides at most
//! that many.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::source::Source;

/// The baseline file format version.
pub const VERSION: u32 = 1;

/// Characters of context taken on each side of a finding.
const CONTEXT: usize = 40;
/// At most this many characters of the finding itself.
const FINDING: usize = 200;

/// A baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`VERSION`].
    pub version: u32,
    /// The recorded findings, sorted.
    pub findings: Vec<Entry>,
}

/// Findings of one rule in one file with one fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the baseline file's folder, `/`-separated.
    pub path: String,
    /// The rule id.
    pub rule: String,
    /// 16 hex digits.
    pub fingerprint: String,
    /// How many findings have it.
    pub count: usize,
    /// The first one's message when recorded (for people reading the file).
    pub message: String,
}

/// FNV-1a, 64 bits: stable across platforms and Rust versions, unlike `Hash`.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fingerprint of `d` in `source`.
#[must_use]
pub fn fingerprint(source: &Source, d: &Diagnostic) -> String {
    let text = source.text();
    let start = d.span.start.min(text.len());
    let end = d.span.end.clamp(start, text.len());
    // Context stops at line ends, so lines added or removed around the finding
    // never change its fingerprint; indentation changes are collapsed away.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before: String = {
        let mut chars: Vec<char> = text[line_start..start]
            .chars()
            .rev()
            .take(CONTEXT)
            .collect();
        chars.reverse();
        chars.into_iter().collect()
    };
    let finding: String = text
        .get(start..end)
        .unwrap_or("")
        .chars()
        .take(FINDING)
        .collect();
    let after: String = text[end..line_end.max(end)].chars().take(CONTEXT).collect();
    let h = fnv1a(&[
        d.rule,
        &collapse(&before),
        &collapse(&finding),
        &collapse(&after),
    ]);
    format!("{h:016x}")
}

/// `path` relative to `base` (both made absolute against `cwd`), `/`-separated,
/// with `..` where needed.
#[must_use]
pub fn relative_path(path: &Path, base: &Path, cwd: &Path) -> String {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    };
    let (p, b) = (abs(path), abs(base));
    let pc: Vec<Component> = p.components().collect();
    let bc: Vec<Component> = b.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..bc.len() {
        parts.push("..".into());
    }
    for c in &pc[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

impl Baseline {
    /// A baseline of `findings`: (path as stored, source, diagnostics) per file.
    #[must_use]
    pub fn record<'a>(
        findings: impl IntoIterator<Item = (String, &'a Source, &'a [Diagnostic])>,
    ) -> Self {
        let mut map: BTreeMap<(String, String, String), (usize, String)> = BTreeMap::new();
        for (path, source, diags) in findings {
            for d in diags {
                let key = (path.clone(), d.rule.to_string(), fingerprint(source, d));
                let e = map.entry(key).or_insert((0, d.message.clone()));
                e.0 += 1;
            }
        }
        Self {
            version: VERSION,
            findings: map
                .into_iter()
                .map(|((path, rule, fingerprint), (count, message))| Entry {
                    path,
                    rule,
                    fingerprint,
                    count,
                    message,
                })
                .collect(),
        }
    }

    /// Parse a baseline file's text.
    ///
    /// # Errors
    /// Not JSON of this shape, or another version.
    pub fn parse(text: &str) -> Result<Self, String> {
        let b: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// The baseline as pretty JSON, ending in a newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A matcher that hides each recorded finding once per count.
    #[must_use]
    pub fn matcher(&self) -> Matcher {
        let mut left = BTreeMap::new();
        for e in &self.findings {
            *left
                .entry((e.path.clone(), e.rule.clone(), e.fingerprint.clone()))
                .or_insert(0) += e.count;
        }
        Matcher { left }
    }
}

/// Hides known findings, each at most as often as recorded.
#[derive(Debug)]
pub struct Matcher {
    left: BTreeMap<(String, String, String), usize>,
}

impl Matcher {
    /// Keep only the diagnostics of file `path` the baseline does not know;
    /// returns how many were hidden.
    pub fn retain_new(
        &mut self,
        path: &str,
        source: &Source,
        diags: &mut Vec<Diagnostic>,
    ) -> usize {
        let before = diags.len();
        diags.retain(|d| {
            let key = (path.to_string(), d.rule.to_string(), fingerprint(source, d));
            match self.left.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - diags.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn diag(at: usize) -> Diagnostic {
        Diagnostic::new("tag-debris", Span::new(at, at + 3), "x")
    }

    #[test]
    fn fingerprints_ignore_line_moves_but_not_edits_nearby() {
        let a = Source::from_text("<p>one</p>\n<td>Region td> x</td>");
        let c = Source::from_text("<p>one</p>\n<td>Place td> x</td>");
        let at = |s: &Source| s.text().find("td> ").expect("debris");
        let fa = fingerprint(&a, &diag(at(&a)));
        // Lines added above leave the fingerprint as it was.
        let p1 = Source::from_text(format!("{}{}", "<p>x</p>\n".repeat(10), a.text()));
        let p2 = Source::from_text(format!("<h1>New</h1>\n\n{}", p1.text()));
        assert_eq!(
            fingerprint(&p1, &diag(at(&p1))),
            fingerprint(&p2, &diag(at(&p2)))
        );
        assert_ne!(fa, fingerprint(&c, &diag(at(&c))));
    }

    #[test]
    fn matcher_counts() {
        let s = Source::from_text("td> td> td>");
        let diags = vec![diag(0), diag(4)];
        let b = Baseline::record([("a.html".to_string(), &s, diags.as_slice())]);
        let b = Baseline::parse(&b.to_json()).expect("round trip");
        let mut m = b.matcher();
        let mut now = vec![diag(0), diag(4), diag(8)];
        assert_eq!(m.retain_new("a.html", &s, &mut now), 2);
        assert_eq!(now.len(), 1);
    }

    #[test]
    fn relative_paths() {
        let cwd = Path::new("/w");
        assert_eq!(
            relative_path(Path::new("./site/a.html"), Path::new("."), cwd),
            "site/a.html"
        );
        assert_eq!(
            relative_path(Path::new("/x/a.html"), Path::new("/w/ci"), cwd),
            "../../x/a.html"
        );
    }
}
