//! Machine-readable reports: JSON, JSON Lines, SARIF 2.1.0, GitHub workflow
//! commands, JUnit XML, and per-rule statistics. Each renderer builds a string;
//! `output` prints it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::fix::Applicability;
use crate::rule::Rule;
use crate::source::Source;

/// The findings of one file, as the renderers see them.
pub struct FileFindings<'a> {
    /// The path as shown to the user.
    pub path: &'a str,
    /// The text the diagnostics point into.
    pub source: &'a Source,
    /// The findings, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// The lowest applicability `--fix` applies for this file.
    pub level: Applicability,
}

/// A position in a page: 1-based line and character column, and the 0-based
/// byte offset into the decoded (UTF-8) text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 0-based byte offset into the decoded UTF-8 text.
    pub offset: usize,
}

/// One edit of a fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonEdit {
    /// First position replaced.
    pub start: Position,
    /// One past the last position replaced.
    pub end: Position,
    /// The replacement text.
    pub content: String,
}

/// A proposed fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFix {
    /// What the fix does.
    pub title: Option<String>,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: String,
    /// True when `--fix` would apply it with this run's settings.
    pub applies: bool,
    /// The edits, sorted.
    pub edits: Vec<JsonEdit>,
}

/// One finding in `--output-format json` / `json-lines`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonDiagnostic {
    /// The rule id.
    pub rule: String,
    /// The file, as given on the command line.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// Why it matters, when given.
    pub note: Option<String>,
    /// Where the finding starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
    /// The proposed fix.
    pub fix: Option<JsonFix>,
}

fn position(source: &Source, offset: usize) -> Position {
    let (line, column) = source.line_col(offset);
    Position {
        line,
        column,
        offset,
    }
}

/// The JSON form of one diagnostic.
#[must_use]
pub fn json_diagnostic(f: &FileFindings<'_>, d: &Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        rule: d.rule.to_string(),
        path: f.path.to_string(),
        message: d.message.clone(),
        note: d.note.clone(),
        start: position(f.source, d.span.start),
        end: position(f.source, d.span.end),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            title: d.fix_title.clone(),
            applicability: fix.applicability().as_str().to_string(),
            applies: fix.applicability() >= f.level
                && fix.applicability() != Applicability::DisplayOnly,
            edits: fix
                .edits()
                .iter()
                .map(|e| JsonEdit {
                    start: position(f.source, e.span.start),
                    end: position(f.source, e.span.end),
                    content: e.replacement.clone(),
                })
                .collect(),
        }),
    }
}

/// `--output-format json`: one pretty JSON array.
#[must_use]
pub fn render_json(files: &[FileFindings<'_>]) -> String {
    let all: Vec<JsonDiagnostic> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| json_diagnostic(f, d)))
        .collect();
    let mut s = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// `--output-format json-lines`: one compact JSON object a line.
#[must_use]
pub fn render_json_lines(files: &[FileFindings<'_>]) -> String {
    let mut out = String::new();
    for f in files {
        for d in f.diagnostics {
            if let Ok(line) = serde_json::to_string(&json_diagnostic(f, d)) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// A rule's documentation with the doc comment's leading space removed.
fn rule_help(r: &dyn Rule) -> String {
    let mut out = String::new();
    for line in r.meta().docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The paragraph under `## What it does`.
fn what_it_does(help: &str) -> String {
    let mut lines = help.lines().skip_while(|l| l.trim() != "## What it does");
    lines.next();
    let text: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .collect();
    text.join(" ").trim().to_string()
}

/// Percent-encode a relative path for a URI reference.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn region(source: &Source, start: usize, end: usize) -> serde_json::Value {
    let (sl, sc) = source.line_col(start);
    let (el, ec) = source.line_col(end);
    json!({ "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec })
}

/// `--output-format sarif`: a SARIF 2.1.0 log with one run; every rule of the
/// registry with its documentation as help, results with fixes.
#[must_use]
pub fn render_sarif(files: &[FileFindings<'_>], rules: &[&'static dyn Rule], cwd: &str) -> String {
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.meta().id, i))
        .collect();
    let sarif_rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let m = r.meta();
            let help = rule_help(*r);
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": what_it_does(&help) },
                "help": { "text": help, "markdown": help },
                "defaultConfiguration": { "enabled": m.default_on, "level": "error" },
                "properties": {
                    "group": m.group.as_str(),
                    "fix": m.fix.as_str(),
                    "tags": [m.group.as_str()],
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in files {
        let location = json!({ "uri": uri(f.path), "uriBaseId": "%SRCROOT%" });
        for d in f.diagnostics {
            let mut result = json!({
                "ruleId": d.rule,
                "level": "error",
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": region(f.source, d.span.start, d.span.end),
                    }
                }],
            });
            if let Some(i) = index.get(d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(fix) = &d.fix {
                let replacements: Vec<serde_json::Value> = fix
                    .edits()
                    .iter()
                    .map(|e| {
                        json!({
                            "deletedRegion": region(f.source, e.span.start, e.span.end),
                            "insertedContent": { "text": e.replacement },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": d.fix_title.clone().unwrap_or_default() },
                    "artifactChanges": [{
                        "artifactLocation": location,
                        "replacements": replacements,
                    }],
                }]);
                result["properties"] = json!({ "applicability": fix.applicability().as_str() });
            }
            results.push(result);
        }
    }
    let mut root = cwd.replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    if !root.starts_with('/') {
        root.insert(0, '/');
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tagmend",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://crates.io/crates/tagmend",
                    "rules": sarif_rules,
                }
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": format!("file://{}", uri(&root)) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// Escape workflow-command data (`%`, CR, LF), as `@actions/core` does.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value: data escapes plus `:` and `,`.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--output-format github`: one `::error` workflow command per finding.
#[must_use]
pub fn render_github(files: &[FileFindings<'_>]) -> String {
    let mut out = String::new();
    for f in files {
        let path = gh_property(&escape_for_terminal(f.path));
        for d in f.diagnostics {
            let (sl, sc) = f.source.line_col(d.span.start);
            let (el, ec) = f.source.line_col(d.span.end);
            let title = gh_property(&format!("tagmend ({})", d.rule));
            let msg = gh_data(&escape_for_terminal(&d.message));
            let _ = writeln!(
                out,
                "::error file={path},line={sl},col={sc},endLine={el},endColumn={ec},title={title}::{msg}"
            );
        }
    }
    out
}

/// Escape text for XML 1.0: markup characters as entities, and characters XML
/// cannot carry at all (controls other than tab, LF, CR; U+FFFE, U+FFFF) written
/// out as `\u{..}`.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `--output-format junit`: a test suite per file, a failing test case per
/// finding; a file with no finding has one passing case.
#[must_use]
pub fn render_junit(files: &[FileFindings<'_>]) -> String {
    let total: usize = files.iter().map(|f| f.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"tagmend\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">"
    );
    for f in files {
        let path = xml(f.path);
        let n = f.diagnostics.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{n}\" errors=\"0\">",
            n.max(1)
        );
        if n == 0 {
            let _ = writeln!(out, "    <testcase name=\"tagmend\" classname=\"{path}\"/>");
        }
        for d in f.diagnostics {
            let (line, col) = f.source.line_col(d.span.start);
            let msg = xml(&d.message);
            let _ = writeln!(
                out,
                "    <testcase name=\"{rule} at {line}:{col}\" classname=\"{path}\" file=\"{path}\" line=\"{line}\">\n      <failure message=\"{msg}\" type=\"{rule}\">{path}:{line}:{col}: {rule} {msg}</failure>\n    </testcase>",
                rule = d.rule,
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Findings of one rule, for `--statistics`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistic {
    /// The rule id.
    pub rule: String,
    /// How many findings.
    pub count: usize,
    /// How many `--fix` would fix with this run's settings.
    pub fixable: usize,
    /// The rule's one-line summary.
    pub summary: String,
}

/// Count findings per rule, most frequent first (then by rule id).
#[must_use]
pub fn statistics(files: &[FileFindings<'_>]) -> Vec<Statistic> {
    let mut map: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in files {
        for d in f.diagnostics {
            let e = map.entry(d.rule).or_default();
            e.0 += 1;
            if d.fix.as_ref().is_some_and(|x| {
                x.applicability() >= f.level && x.applicability() != Applicability::DisplayOnly
            }) {
                e.1 += 1;
            }
        }
    }
    let mut out: Vec<Statistic> = map
        .into_iter()
        .map(|(rule, (count, fixable))| Statistic {
            rule: rule.to_string(),
            count,
            fixable,
            summary: crate::rules::by_id(rule)
                .map_or(String::new(), |r| r.meta().summary.to_string()),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    out
}

/// `--statistics` as text: `count  rule  [*] summary`, `[*]` when every finding
/// of the rule is fixable, `[-]` when some are.
#[must_use]
pub fn render_statistics(stats: &[Statistic]) -> String {
    let cw = stats
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rw = stats.iter().map(|s| s.rule.len()).max().unwrap_or(1);
    let mut out = String::new();
    for s in stats {
        let mark = if s.fixable == 0 {
            "   "
        } else if s.fixable == s.count {
            "[*]"
        } else {
            "[-]"
        };
        let _ = writeln!(
            out,
            "{:>cw$}\t{:<rw$}\t{mark} {}",
            s.count, s.rule, s.summary
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes() {
        assert_eq!(gh_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(gh_data("50%\r\n"), "50%25%0D%0A");
    }

    #[test]
    fn xml_escapes_markup_and_controls() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{1b}"
        );
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("./site/a b#1.html"), "site/a%20b%231.html");
        assert_eq!(uri("café.html"), "caf%C3%A9.html");
    }
}
