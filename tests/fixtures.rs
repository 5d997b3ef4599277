//! The data-driven fixture test: every `fixtures/<rule-id>/` folder holds
//! `invalid_<case>.html` inputs beside their expected concise diagnostics
//! (`invalid_<case>.diagnostics.txt`) and expected fixed output
//! (`invalid_<case>.fixed.html`), and `valid_<case>.html` look-alikes that must
//! give nothing.
//!
//! Every case is also checked for convergence of the fix loop, idempotence (fixing
//! the fixed output changes nothing) and no added parse errors.
//!
//! `BLESS=1 cargo test --test fixtures` rewrites the expectation files (read every
//! change by eye before keeping it); `FIXTURE=<substring>` runs only the cases
//! whose path (`<rule-id>/<file>`) contains the substring.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use tagmend::rule::FixAvailability;
use tagmend::{Applicability, Diagnostic, Document, Settings, Source};

const INVALID: &str = "invalid_";
const VALID: &str = "valid_";
const INPUT_EXT: &str = ".html";
const DIAGNOSTICS_EXT: &str = ".diagnostics.txt";
const FIXED_EXT: &str = ".fixed.html";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn blessing() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

fn filter() -> Option<String> {
    std::env::var("FIXTURE").ok().filter(|f| !f.is_empty())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Valid,
}

struct Case {
    rule: String,
    /// `<rule-id>/<file>`, for messages and the `FIXTURE` filter.
    label: String,
    input: PathBuf,
    kind: Kind,
}

impl Case {
    /// The expectation file beside the input with extension `ext`.
    fn sibling(&self, ext: &str) -> PathBuf {
        let name = self
            .input
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(INPUT_EXT))
            .expect("case inputs end in .html");
        self.input.with_file_name(format!("{name}{ext}"))
    }
}

/// The rule folders under `fixtures/`, sorted.
fn rule_dirs() -> Vec<(String, PathBuf)> {
    let dir = fixtures_dir();
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let mut out: Vec<(String, PathBuf)> = entries
        .map(|e| e.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display())))
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

/// The file names in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let mut out: Vec<String> = entries
        .map(|e| e.unwrap_or_else(|e| panic!("listing {}: {e}", dir.display())))
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn is_input(name: &str) -> bool {
    (name.starts_with(INVALID) || name.starts_with(VALID))
        && name.ends_with(INPUT_EXT)
        && !name.ends_with(FIXED_EXT)
}

/// Collect the cases of every rule folder; stray files and folders naming no rule
/// are reported in `failures`.
fn collect_cases(failures: &mut Vec<String>) -> Vec<Case> {
    let ids: Vec<&str> = tagmend::rules::all().iter().map(|r| r.meta().id).collect();
    let mut cases = Vec::new();
    for (rule, dir) in rule_dirs() {
        if !ids.contains(&rule.as_str()) {
            failures.push(format!("fixtures/{rule}/: the folder names no rule"));
            continue;
        }
        let names = file_names(&dir);
        for name in &names {
            let label = format!("{rule}/{name}");
            if is_input(name) {
                let kind = if name.starts_with(INVALID) {
                    Kind::Invalid
                } else {
                    Kind::Valid
                };
                cases.push(Case {
                    rule: rule.clone(),
                    label,
                    input: dir.join(name),
                    kind,
                });
                continue;
            }
            // An expectation file needs its input beside it.
            let stem = name
                .strip_suffix(DIAGNOSTICS_EXT)
                .or_else(|| name.strip_suffix(FIXED_EXT));
            match stem {
                Some(stem) if stem.starts_with(INVALID) => {
                    let input = format!("{stem}{INPUT_EXT}");
                    if !names.contains(&input) {
                        failures.push(format!("{label}: expectation file without `{input}`"));
                    }
                }
                _ => failures.push(format!(
                    "{label}: not a fixture file (expected `invalid_<case>.html`, \
                     `invalid_<case>.diagnostics.txt`, `invalid_<case>.fixed.html` \
                     or `valid_<case>.html`)"
                )),
            }
        }
    }
    cases
}

/// One diagnostic a line: `<line>:<col>: <rule> [*] <message> (<applicability>)`.
/// `[*]` marks a fix that can be applied (not display-only); the applicability in
/// parentheses is there whenever a fix is, so the grade is asserted too.
fn render(source: &Source, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let (line, col) = source.line_col(d.span.start);
        let applicability = d.fix.as_ref().map(tagmend::Fix::applicability);
        let star = match applicability {
            Some(a) if a != Applicability::DisplayOnly => " [*]",
            _ => "",
        };
        let grade = applicability.map_or(String::new(), |a| format!(" ({})", a.as_str()));
        let message = d.message.replace('\r', "\\r").replace('\n', "\\n");
        let _ = writeln!(out, "{line}:{col}: {}{star} {message}{grade}", d.rule);
    }
    out
}

/// A line diff of `expected` against `actual` (longest common subsequence).
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0_usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "      {}", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "    - {}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "    + {}", b[j]);
            j += 1;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        let _ = writeln!(
            out,
            "    (final newline: expected {}, actual {})",
            expected.ends_with('\n'),
            actual.ends_with('\n')
        );
    }
    out
}

/// Compare `actual` with the expectation file `path`, or rewrite it when blessing.
/// Bytes, so expectations in a page's own (non-UTF-8) encoding compare exactly.
fn expect_file(label: &str, path: &Path, actual: &[u8], failures: &mut Vec<String>) {
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let expected = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            failures.push(format!("{label}: reading {file}: {e}"));
            return;
        }
    };
    if expected.as_deref() == Some(actual) {
        return;
    }
    if blessing() {
        if let Err(e) = fs::write(path, actual) {
            failures.push(format!("{label}: writing {file}: {e}"));
        }
        return;
    }
    let actual = String::from_utf8_lossy(actual);
    match expected {
        None => failures.push(format!(
            "{label}: missing {file} (run with BLESS=1 to write it); actual:\n{}",
            indent(&actual)
        )),
        Some(expected) => failures.push(format!(
            "{label}: {file} differs (- expected, + actual):\n{}",
            diff(&String::from_utf8_lossy(&expected), &actual)
        )),
    }
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "    (empty)\n".to_string();
    }
    let mut out = String::new();
    for line in text.lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// A case's input: UTF-8 text goes through the text API (`lint`, `fix`); any
/// other bytes (a page in its own encoding) through the byte API, as
/// `tagmend check` reads files, and fixed pages are compared byte for byte.
enum Page {
    Text(String),
    Bytes(Vec<u8>),
}

impl Page {
    fn new(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => Page::Text(text),
            Err(e) => Page::Bytes(e.into_bytes()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Page::Text(t) => t.as_bytes(),
            Page::Bytes(b) => b,
        }
    }

    fn source(&self) -> Result<Source, String> {
        match self {
            Page::Text(t) => Ok(Source::from_text(t.as_str())),
            Page::Bytes(b) => Source::from_bytes(b.clone(), None).map_err(|e| e.to_string()),
        }
    }

    fn lint(&self, settings: &Settings) -> Result<(Source, Vec<Diagnostic>), String> {
        match self {
            Page::Text(t) => tagmend::lint(t, settings)
                .map(|d| (Source::from_text(t.as_str()), d))
                .map_err(|e| e.to_string()),
            Page::Bytes(b) => {
                tagmend::lint_bytes(b.clone(), None, settings).map_err(|e| e.to_string())
            }
        }
    }

    /// The fixed page, in the same kind, and whether the loop converged.
    fn fix(&self, settings: &Settings) -> Result<(Page, bool), String> {
        match self {
            Page::Text(t) => tagmend::fix(t, settings)
                .map(|o| (Page::Text(o.text), o.converged))
                .map_err(|e| e.to_string()),
            Page::Bytes(b) => tagmend::fix_bytes(b.clone(), None, settings)
                .map(|f| (Page::Bytes(f.bytes), f.outcome.converged))
                .map_err(|e| e.to_string()),
        }
    }

    fn parse_error_count(&self) -> Result<usize, String> {
        Document::parse(self.source()?)
            .map(|d| d.parse_errors().len())
            .map_err(|e| format!("parse refused: {e}"))
    }
}

fn run_case(case: &Case, failures: &mut Vec<String>) {
    let label = &case.label;
    let page = match fs::read(&case.input) {
        Ok(b) => Page::new(b),
        Err(e) => {
            failures.push(format!("{label}: reading the input: {e}"));
            return;
        }
    };
    let settings = Settings {
        select: vec![case.rule.clone()],
        unsafe_fixes: true,
        ..Default::default()
    };

    let (source, diags) = match page.lint(&settings) {
        Ok(found) => found,
        Err(e) => {
            failures.push(format!("{label}: lint failed: {e}"));
            return;
        }
    };
    let rendered = render(&source, &diags);
    // A rule declared without safe fixes is left out of `--fix`'s passes.
    let declared_unsafe = tagmend::rules::all()
        .iter()
        .any(|r| r.meta().id == case.rule && !r.meta().safe_fixes);
    for d in &diags {
        if declared_unsafe
            && d.fix
                .as_ref()
                .is_some_and(|f| f.applicability() == Applicability::Safe)
        {
            failures.push(format!(
                "{label}: `{}` offers a safe fix but declares `safe_fixes: false`",
                d.rule
            ));
        }
    }
    match case.kind {
        Kind::Invalid => {
            if diags.is_empty() {
                failures.push(format!(
                    "{label}: an invalid case gives no `{}` diagnostic",
                    case.rule
                ));
            }
            expect_file(
                label,
                &case.sibling(DIAGNOSTICS_EXT),
                rendered.as_bytes(),
                failures,
            );
        }
        Kind::Valid => {
            if !diags.is_empty() {
                failures.push(format!(
                    "{label}: a valid case gives `{}` diagnostics:\n{}",
                    case.rule,
                    indent(&rendered)
                ));
            }
            // The case's own rule is checked above; this catches the other rules.
            match page.lint(&Settings::default()) {
                Ok((_, mut all)) => {
                    all.retain(|d| d.rule != case.rule);
                    if !all.is_empty() {
                        failures.push(format!(
                            "{label}: a valid case gives diagnostics of other default rules:\n{}",
                            indent(&render(&source, &all))
                        ));
                    }
                }
                Err(e) => failures.push(format!("{label}: lint with default rules failed: {e}")),
            }
        }
    }

    let fixed = match page.fix(&settings) {
        Ok((fixed, converged)) => {
            if !converged {
                failures.push(format!("{label}: the fix loop did not converge"));
            }
            fixed
        }
        Err(e) => {
            failures.push(format!("{label}: fix failed: {e}"));
            return;
        }
    };
    match case.kind {
        Kind::Invalid => expect_file(label, &case.sibling(FIXED_EXT), fixed.bytes(), failures),
        Kind::Valid => {
            if fixed.bytes() != page.bytes() {
                failures.push(format!(
                    "{label}: fixing a valid case changed it (- input, + fixed):\n{}",
                    diff(
                        &String::from_utf8_lossy(page.bytes()),
                        &String::from_utf8_lossy(fixed.bytes())
                    )
                ));
            }
        }
    }
    match fixed.fix(&settings) {
        Ok((again, _)) if again.bytes() == fixed.bytes() => {}
        Ok((again, _)) => failures.push(format!(
            "{label}: fixing the fixed output changes it again (- fixed, + fixed twice):\n{}",
            diff(
                &String::from_utf8_lossy(fixed.bytes()),
                &String::from_utf8_lossy(again.bytes())
            )
        )),
        Err(e) => failures.push(format!("{label}: fixing the fixed output failed: {e}")),
    }
    match (page.parse_error_count(), fixed.parse_error_count()) {
        (Ok(before), Ok(after)) if after > before => failures.push(format!(
            "{label}: fixing raised the parse-error count from {before} to {after}"
        )),
        (Ok(_), Ok(_)) => {}
        (Err(e), _) | (_, Err(e)) => failures.push(format!("{label}: {e}")),
    }
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let mut cases = collect_cases(&mut failures);
    if let Some(f) = filter() {
        cases.retain(|c| c.label.contains(&f));
        assert!(!cases.is_empty(), "FIXTURE={f} matches no fixture case");
    }
    for case in &cases {
        run_case(case, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures in {} fixture cases{}:\n\n{}",
        failures.len(),
        cases.len(),
        if blessing() { " (BLESS=1)" } else { "" },
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_fixtures_and_docs() {
    let mut failures = Vec::new();
    let dir = fixtures_dir();
    for rule in tagmend::rules::all() {
        let meta = rule.meta();
        let id = meta.id;
        let folder = dir.join(id);
        if folder.is_dir() {
            let names = file_names(&folder);
            for prefix in [INVALID, VALID] {
                if !names.iter().any(|n| n.starts_with(prefix) && is_input(n)) {
                    failures.push(format!("{id}: no `fixtures/{id}/{prefix}<case>.html`"));
                }
            }
        } else {
            failures.push(format!("{id}: no `fixtures/{id}/` folder"));
        }
        let mut headings = vec!["## What it does", "## Why is this bad?", "## Example"];
        if meta.fix != FixAvailability::None {
            headings.push("## Fix safety");
        }
        for h in headings {
            if !meta.docs.lines().any(|l| l.trim() == h) {
                failures.push(format!("{id}: the rule's docs have no `{h}` heading"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
