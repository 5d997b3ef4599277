//! The command-line interface: arguments, files and stdin, output, exit status.
//! Exit 0: nothing remains. 1: findings remain. 2: an operational error.

mod args;
mod files;
pub mod output;

use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use rayon::prelude::*;

pub use args::{CheckArgs, Cli, ColorChoice, Command, OutputFormat};
pub use files::write_atomic;

use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Document, Limits};
use crate::fix::Applicability;
use crate::linter::{self, Settings};
use crate::rule::Rule;
use crate::source::Source;

/// Exit status: nothing left to report.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings remain.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: an operational error (unreadable file, bad flag).
pub const EXIT_ERROR: u8 = 2;

/// Run tagmend with `args` (the program name first); returns the exit status.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
        }
    };
    match cli.command {
        Command::Rules => {
            output::stdout(output::rules_table(&crate::rules::all()).as_bytes());
            EXIT_CLEAN
        }
        Command::Rule { id } => {
            if let Some(r) = crate::rules::by_id(&id) {
                output::stdout(output::rule_doc(r).as_bytes());
                EXIT_CLEAN
            } else {
                output::stderr(&format!(
                    "tagmend: error: unknown rule `{}` (see `tagmend rules`)\n",
                    escape_for_terminal(&id)
                ));
                EXIT_ERROR
            }
        }
        Command::Check(a) => check(&a),
        Command::DebugTokens { path } => {
            let Ok(bytes) = std::fs::read(&path) else {
                return EXIT_ERROR;
            };
            let Ok(src) = Source::from_bytes(bytes, None) else {
                return EXIT_ERROR;
            };
            let Ok(doc) = Document::parse(src) else {
                return EXIT_ERROR;
            };
            let mut s = String::new();
            for (i, t) in doc.tokens().iter().enumerate() {
                s.push_str(&format!(
                    "{i} {:?} {} {:?} node={:?} cur={:?} fost={} closed={:?}\n",
                    t.kind,
                    t.span,
                    doc.source().slice(t.span),
                    t.node,
                    t.current,
                    t.fostered,
                    t.closed
                ));
            }
            for e in doc.parse_errors() {
                s.push_str(&format!("error {} {}\n", e.span, e.message));
            }
            output::stdout(s.as_bytes());
            EXIT_CLEAN
        }
    }
}

/// What happened to one file.
struct FileReport {
    path: PathBuf,
    shown: String,
    /// The text the diagnostics point into.
    source: Option<Source>,
    diagnostics: Vec<Diagnostic>,
    fixed: usize,
    error: Option<String>,
    warnings: Vec<String>,
    diff: Option<String>,
    stdout_doc: Option<Vec<u8>>,
}

impl FileReport {
    fn new(path: &Path, shown: String) -> Self {
        Self {
            path: path.to_path_buf(),
            shown,
            source: None,
            diagnostics: Vec::new(),
            fixed: 0,
            error: None,
            warnings: Vec::new(),
            diff: None,
            stdout_doc: None,
        }
    }
}

fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(buf);
    }
    if path.is_dir() {
        return Err("is a directory".into());
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })
}

fn process(
    path: &Path,
    shown: String,
    a: &CheckArgs,
    settings: &Settings,
    rules: &[&'static dyn Rule],
    color: bool,
) -> FileReport {
    let mut rep = FileReport::new(path, shown);
    let stdin = path.as_os_str() == "-";
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => {
            rep.error = Some(e);
            return rep;
        }
    };
    if bytes.len() > settings.limits.max_bytes {
        rep.error = Some(format!(
            "resource-limit: page skipped, larger than {} bytes",
            settings.limits.max_bytes
        ));
        return rep;
    }
    let source = match Source::from_bytes(bytes.clone(), None) {
        Ok(s) => s,
        Err(e) => {
            rep.error = Some(e.to_string());
            return rep;
        }
    };
    let original_text = source.text().to_owned();
    let doc = match Document::parse_with_limits(source.clone(), &settings.limits) {
        Ok(d) => d,
        Err(e) => {
            rep.error = Some(format!("resource-limit: page skipped, {e}"));
            return rep;
        }
    };
    if !(a.fix || a.diff) {
        rep.diagnostics = linter::lint_document(&doc, rules);
        rep.source = Some(source);
        return rep;
    }
    let outcome = match linter::fix_document(doc, rules, settings.fix_level(), &settings.limits) {
        Ok(o) => o,
        Err(e) => {
            rep.error = Some(format!("resource-limit: page skipped while fixing, {e}"));
            return rep;
        }
    };
    if !outcome.converged {
        rep.warnings.push(format!(
            "fixes failed to converge after {} passes; the page was fixed as far as it got",
            linter::MAX_PASSES
        ));
    }
    for r in &outcome.rejected {
        rep.warnings.push(format!("{}: {}", r.rule, r.reason));
    }
    let out_bytes = match source.output_bytes(&outcome.text) {
        Ok(b) => b,
        Err(c) => {
            rep.error = Some(format!(
                "a fix needs U+{:04X}, which {} cannot encode; nothing was written",
                c as u32,
                source.encoding().name()
            ));
            return rep;
        }
    };
    rep.fixed = outcome.fix_count();
    if a.diff {
        if outcome.text != original_text {
            rep.diff = Some(crate::diff::unified(
                &rep.shown,
                &original_text,
                &outcome.text,
                color,
            ));
        }
        // Show what --fix would leave: the findings on the repaired page.
        rep.diagnostics = outcome.remaining;
        rep.source = Some(outcome.document.source().clone());
        return rep;
    }
    if stdin {
        rep.stdout_doc = Some(out_bytes);
    } else if out_bytes != bytes {
        if let Err(e) = files::write_atomic(path, &out_bytes) {
            rep.error = Some(format!(
                "cannot write the fixed file: {e}; the original is unchanged"
            ));
            return rep;
        }
    }
    rep.diagnostics = outcome.remaining;
    rep.source = Some(outcome.document.source().clone());
    rep
}

fn check(a: &CheckArgs) -> u8 {
    let settings = Settings {
        select: a.select.clone(),
        extend_select: a.extend_select.clone(),
        ignore: a.ignore.clone(),
        unsafe_fixes: a.unsafe_fixes,
        limits: Limits {
            max_depth: a.max_depth,
            max_bytes: a.max_bytes,
            max_time: Duration::from_millis(a.max_time_ms),
            ..Limits::default()
        },
    };
    let rules = match settings.rules() {
        Ok(r) => r,
        Err(e) => {
            output::stderr(&format!("tagmend: error: {e}\n"));
            return EXIT_ERROR;
        }
    };
    let files = files::collect(&a.paths);
    let uses_stdin = files.iter().any(|p| p.as_os_str() == "-");
    let diag_to_stderr = uses_stdin && a.fix && !a.diff;
    let stdout_tty = std::io::stdout().is_terminal();
    let stderr_tty = std::io::stderr().is_terminal();
    let color = use_color(
        a.color,
        if diag_to_stderr {
            stderr_tty
        } else {
            stdout_tty
        },
    );
    let reports: Vec<FileReport> = files
        .par_iter()
        .map(|p| {
            let shown = if p.as_os_str() == "-" {
                a.stdin_filename
                    .as_ref()
                    .map_or_else(|| "-".to_string(), |f| f.display().to_string())
            } else {
                p.display().to_string()
            };
            process(p, shown, a, &settings, &rules, color)
        })
        .collect();

    let level = settings.fix_level();
    let mut errors = 0usize;
    let mut remaining = 0usize;
    let mut fixed = 0usize;
    let mut fixable = 0usize;
    let mut hidden = 0usize;
    let mut out = String::new();
    for rep in &reports {
        if let Some(e) = &rep.error {
            errors += 1;
            output::stderr(&format!(
                "tagmend: error: {}: {}\n",
                escape_for_terminal(&rep.shown),
                e
            ));
            continue;
        }
        for w in &rep.warnings {
            output::stderr(&format!(
                "tagmend: warning: {}: {}\n",
                escape_for_terminal(&rep.shown),
                w
            ));
        }
        fixed += rep.fixed;
        remaining += rep.diagnostics.len();
        for d in &rep.diagnostics {
            match d.fix.as_ref().map(crate::fix::Fix::applicability) {
                Some(x) if x >= level => fixable += 1,
                Some(Applicability::Unsafe) => hidden += 1,
                _ => {}
            }
        }
        if let Some(diff) = &rep.diff {
            out.push_str(diff);
        }
        if let Some(src) = &rep.source {
            if a.diff {
                continue;
            }
            match a.output_format {
                OutputFormat::Full => out.push_str(&output::render_full(
                    &rep.shown,
                    src.text(),
                    &rep.diagnostics,
                    color,
                )),
                OutputFormat::Concise => out.push_str(&output::render_concise(
                    &rep.shown,
                    src,
                    &rep.diagnostics,
                    level,
                )),
            }
        }
        let _ = &rep.path;
    }
    let mut summary = String::new();
    if a.diff {
        if fixed > 0 {
            summary.push_str(&format!("Would fix {fixed} issue{}", plural(fixed)));
            if remaining > 0 {
                summary.push_str(&format!(" ({remaining} would remain)"));
            }
            summary.push_str(".\n");
        } else if remaining == 0 {
            summary.push_str("All checks passed!\n");
        } else {
            summary.push_str(&format!(
                "No fixes available ({remaining} finding{} remain).\n",
                plural(remaining)
            ));
        }
    } else if remaining == 0 {
        if fixed > 0 {
            summary.push_str(&format!(
                "Found {fixed} error{} ({fixed} fixed, 0 remaining).\n",
                plural(fixed)
            ));
        } else if errors == 0 {
            summary.push_str("All checks passed!\n");
        }
    } else {
        let total = remaining + fixed;
        summary.push_str(&format!("Found {total} error{}", plural(total)));
        if fixed > 0 {
            summary.push_str(&format!(" ({fixed} fixed, {remaining} remaining)"));
        }
        summary.push_str(".\n");
        if fixable > 0 {
            summary.push_str(&format!("[*] {fixable} fixable with the `--fix` option"));
            if hidden > 0 {
                summary.push_str(&format!(
                    " ({hidden} hidden fix{} can be enabled with the `--unsafe-fixes` option)",
                    if hidden == 1 { "" } else { "es" }
                ));
            }
            summary.push_str(".\n");
        } else if hidden > 0 {
            summary.push_str(&format!("No fixes available ({hidden} hidden fix{} can be enabled with the `--unsafe-fixes` option).\n", if hidden == 1 { "" } else { "es" }));
        }
    }
    if diag_to_stderr {
        output::stderr(&out);
        output::stderr(&summary);
        for rep in &reports {
            if let Some(doc) = &rep.stdout_doc {
                if !output::stdout(doc) {
                    return EXIT_ERROR;
                }
            }
        }
    } else {
        out.push_str(&summary);
        if !output::stdout(out.as_bytes()) {
            // The reader went away (broken pipe): stop quietly.
            return if errors > 0 {
                EXIT_ERROR
            } else {
                EXIT_FINDINGS
            };
        }
    }
    if errors > 0 {
        EXIT_ERROR
    } else if a.exit_zero {
        EXIT_CLEAN
    } else if remaining > 0 || (a.diff && fixed > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
