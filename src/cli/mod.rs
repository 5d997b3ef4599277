//! The command-line interface: arguments, configs, files and stdin, output,
//! exit status. Exit 0: nothing remains. 1: findings remain. 2: an operational
//! error.

mod args;
mod corpus;
mod files;
pub mod output;
mod progress;
pub mod report;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, Parser};

pub use args::{
    CheckArgs, Cli, ColorChoice, Command, CorpusArgs, CorpusFormat, LimitArgs, OutputFormat,
    ProfileArg, RuleArgs,
};
pub use files::write_atomic;

use crate::baseline::{self, Baseline};
use crate::config::{self, Config, Mode, Resolver};
use crate::diagnostic::{escape_for_terminal, Diagnostic};
use crate::document::{Document, Limits};
use crate::fix::Applicability;
use crate::linter::{self, Settings};
use crate::rule::Profile;
use crate::source::Source;

use report::FileFindings;

/// Exit status: nothing left to report.
pub const EXIT_CLEAN: u8 = 0;
/// Exit status: findings remain.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: an operational error (unreadable file, bad flag or config).
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
        Command::Corpus(a) => corpus::run(&a),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "tagmend", &mut buf);
            output::stdout(&buf);
            EXIT_CLEAN
        }
        Command::Man { command } => man(command.as_deref()),
        Command::DebugTokens { path } => debug_tokens(&path),
    }
}

fn man(sub: Option<&str>) -> u8 {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match sub {
        None => cmd,
        Some(name) => {
            let Some(found) = cmd.find_subcommand(name).cloned() else {
                output::stderr(&format!(
                    "tagmend: error: no command `{}`\n",
                    escape_for_terminal(name)
                ));
                return EXIT_ERROR;
            };
            found
                .display_name(format!("tagmend-{name}"))
                .bin_name(format!("tagmend {name}"))
        }
    };
    let mut buf = Vec::new();
    if clap_mangen::Man::new(page).render(&mut buf).is_err() {
        return EXIT_ERROR;
    }
    output::stdout(&buf);
    EXIT_CLEAN
}

fn debug_tokens(path: &Path) -> u8 {
    let Ok(bytes) = std::fs::read(path) else {
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
            t.node(),
            t.current(),
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

/// One file to check, with the settings its config gives it.
struct Job {
    path: PathBuf,
    shown: String,
    /// The path baselines record (the stdin file name for `-`).
    logical: PathBuf,
    settings: Settings,
    /// Excluded standard input under `--force-exclude`: passed through untouched.
    passthrough: bool,
}

/// What happened to one file.
struct FileReport {
    shown: String,
    logical: PathBuf,
    /// The text the diagnostics point into.
    source: Option<Source>,
    diagnostics: Vec<Diagnostic>,
    fixed: BTreeMap<&'static str, usize>,
    level: Applicability,
    error: Option<String>,
    warnings: Vec<String>,
    diff: Option<String>,
    stdout_doc: Option<Vec<u8>>,
    bytes: u64,
    /// The file's part of a text report, drawn by the worker that linted it
    /// (see `render_in_worker`); its source is then dropped.
    rendered: Option<String>,
    /// The folder the fixed file was written into, to flush once all are written.
    wrote_in: Option<PathBuf>,
}

impl FileReport {
    fn new(job: &Job) -> Self {
        Self {
            shown: job.shown.clone(),
            logical: job.logical.clone(),
            source: None,
            diagnostics: Vec::new(),
            fixed: BTreeMap::new(),
            level: job.settings.fix_level(),
            error: None,
            warnings: Vec::new(),
            diff: None,
            stdout_doc: None,
            bytes: 0,
            rendered: None,
            wrote_in: None,
        }
    }

    fn fixed_count(&self) -> usize {
        self.fixed.values().sum()
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

fn process(job: &Job, a: &CheckArgs, color: bool) -> FileReport {
    let mut rep = FileReport::new(job);
    let path = job.path.as_path();
    let settings = &job.settings;
    let stdin = path.as_os_str() == "-";
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => {
            rep.error = Some(e);
            return rep;
        }
    };
    rep.bytes = bytes.len() as u64;
    if job.passthrough {
        if a.fix && !a.diff {
            rep.stdout_doc = Some(bytes);
        }
        return rep;
    }
    if !(a.fix || a.diff) {
        match crate::lint_bytes(bytes, None, settings) {
            Ok((source, found)) => {
                rep.diagnostics = found;
                rep.source = Some(source);
            }
            Err(e) => rep.error = Some(e.to_string()),
        }
        return rep;
    }
    let crate::FixedBytes {
        source,
        outcome,
        bytes: out_bytes,
    } = match crate::fix_bytes(bytes, None, settings) {
        Ok(f) => f,
        Err(crate::Error::ResourceLimit(e)) => {
            rep.error = Some(format!("resource-limit: page skipped, {e}"));
            return rep;
        }
        Err(e) => {
            rep.error = Some(e.to_string());
            return rep;
        }
    };
    let original_text = source.text();
    if !outcome.converged {
        rep.warnings.push(format!(
            "fixes failed to converge after {} passes; the page was fixed as far as it got",
            linter::MAX_PASSES
        ));
    }
    for r in &outcome.rejected {
        rep.warnings.push(format!("{}: {}", r.rule, r.reason));
    }
    rep.fixed.clone_from(&outcome.fixed);
    if a.diff {
        if outcome.text != original_text {
            rep.diff = Some(crate::diff::unified(
                &rep.shown,
                original_text,
                &outcome.text,
                color,
            ));
        }
        // Show what --fix would leave: the findings on the repaired page.
        rep.diagnostics = outcome.remaining;
        rep.source = Some(outcome.document.into_source());
        return rep;
    }
    // The page as read keeps the input bytes: compare with those rather than
    // copy the input.
    let unchanged = source.original_bytes() == Some(out_bytes.as_slice());
    if stdin {
        rep.stdout_doc = Some(out_bytes);
    } else if !unchanged {
        match files::replace_file(path, &out_bytes) {
            Ok(dir) => rep.wrote_in = Some(dir),
            Err(e) => {
                rep.error = Some(format!(
                    "cannot write the fixed file: {e}; the original is unchanged"
                ));
                return rep;
            }
        }
    }
    rep.diagnostics = outcome.remaining;
    rep.source = Some(outcome.document.into_source());
    rep
}

/// Run `work` on every job on all of rayon's threads, largest file first (so a
/// big file picked up last does not leave the other cores idle at the end), and
/// return the results in job order.
fn process_all<F>(jobs: &[Job], work: F) -> Vec<FileReport>
where
    F: Fn(&Job) -> FileReport + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<(u64, usize)> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| {
            let size = if j.path.as_os_str() == "-" {
                0
            } else {
                std::fs::metadata(&j.path).map_or(0, |m| m.len())
            };
            (size, i)
        })
        .collect();
    order.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let next = AtomicUsize::new(0);
    let done: Vec<Vec<(usize, FileReport)>> = rayon::broadcast(|_| {
        let mut mine = Vec::new();
        while let Some(&(_, i)) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            mine.push((i, work(&jobs[i])));
        }
        mine
    });
    let mut slots: Vec<Option<FileReport>> =
        std::iter::repeat_with(|| None).take(jobs.len()).collect();
    for (i, rep) in done.into_iter().flatten() {
        slots[i] = Some(rep);
    }
    slots.into_iter().flatten().collect()
}

/// The settings for one file: its config, overridden by the command line.
fn settings_for(a: &CheckArgs, c: &Config, abs: Option<&Path>) -> Settings {
    settings_from(&a.rules, &a.limits, c, abs)
}

fn settings_from(a: &RuleArgs, limits: &LimitArgs, c: &Config, abs: Option<&Path>) -> Settings {
    let (select, extend_select, mut ignore) = if a.select.is_empty() {
        // CLI lists extend the config's; an `--extend-select` re-enables a rule
        // the config ignores.
        let ignore: Vec<String> = c
            .ignore
            .iter()
            .filter(|i| !a.extend_select.contains(i))
            .chain(&a.ignore)
            .cloned()
            .collect();
        let extend: Vec<String> = c
            .extend_select
            .iter()
            .chain(&a.extend_select)
            .cloned()
            .collect();
        (c.select.clone().unwrap_or_default(), extend, ignore)
    } else {
        // `--select` starts the selection afresh, as in ruff.
        (a.select.clone(), a.extend_select.clone(), a.ignore.clone())
    };
    if let Some(abs) = abs {
        ignore.extend(c.per_file_ignores_for(abs));
    }
    let unsafe_fixes = if a.unsafe_fixes {
        true
    } else if a.no_unsafe_fixes {
        false
    } else {
        c.unsafe_fixes.unwrap_or(false)
    };
    let profile = match a.profile {
        Some(ProfileArg::Document) => Profile::Document,
        Some(ProfileArg::Fragment) => Profile::Fragment,
        None => c.profile.unwrap_or_default(),
    };
    Settings {
        select,
        extend_select,
        ignore,
        unsafe_fixes,
        limits: Limits {
            max_depth: limits.max_depth,
            max_bytes: limits.max_bytes,
            max_time: Duration::from_millis(limits.max_time_ms),
            ..Limits::default()
        },
        profile,
    }
}

fn error(msg: &str) -> u8 {
    output::stderr(&format!("tagmend: error: {msg}\n"));
    EXIT_ERROR
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn check(a: &CheckArgs) -> u8 {
    let stdout_tty = std::io::stdout().is_terminal() && a.output_file.is_none();
    let stderr_tty = std::io::stderr().is_terminal();
    let Ok(cwd) = std::env::current_dir() else {
        return error("cannot read the current folder");
    };
    for sel in a.rules.selectors() {
        if !config::known_selector(sel) {
            return error(&format!(
                "unknown rule or group `{}` (see `tagmend rules`)",
                escape_for_terminal(sel)
            ));
        }
    }
    let mode = if a.isolated {
        Mode::Isolated
    } else if let Some(p) = &a.config {
        match Config::load(p) {
            Ok(Some(c)) => Mode::Fixed(Arc::new(c)),
            Ok(None) => {
                return error(&format!(
                    "{}: no [tool.tagmend] table",
                    escape_for_terminal(&p.display().to_string())
                ))
            }
            Err(e) => {
                output::stderr(&output::render_config_error(
                    &e,
                    use_color(a.color, stderr_tty),
                ));
                return EXIT_ERROR;
            }
        }
    } else {
        Mode::Discover
    };
    let cli_exclude = (!a.exclude.is_empty()).then(|| a.exclude.clone());
    let resolver = match Resolver::new(mode, cwd.clone(), cli_exclude, a.extend_exclude.clone()) {
        Ok(r) => Arc::new(r),
        Err(e) => return error(&escape_for_terminal(&e)),
    };
    let mut extensions: Vec<String> = vec!["html".into(), "htm".into()];
    extensions.extend(
        a.extension
            .iter()
            .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
            .filter(|e| !e.is_empty()),
    );
    let walk = files::Walk {
        extensions,
        resolver: Arc::clone(&resolver),
        force_exclude: a.force_exclude,
    };
    let baseline = match &a.baseline {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| Baseline::parse(&t))
        {
            Ok(b) => Some(b),
            Err(e) => {
                return error(&format!(
                    "{}: cannot read the baseline: {}",
                    escape_for_terminal(&p.display().to_string()),
                    escape_for_terminal(&e)
                ))
            }
        },
    };

    let paths = files::collect(&a.paths, &walk);
    let mut jobs = Vec::new();
    let mut config_errors: Vec<config::ConfigError> = Vec::new();
    for p in paths {
        let stdin = p.as_os_str() == "-";
        let logical = if stdin {
            a.stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"))
        } else {
            p.clone()
        };
        let shown = if stdin {
            a.stdin_filename
                .as_ref()
                .map_or_else(|| "-".to_string(), |f| f.display().to_string())
        } else {
            p.display().to_string()
        };
        let named = !stdin || a.stdin_filename.is_some();
        let resolved = if named {
            resolver.for_file(&logical)
        } else {
            resolver.for_dir(&cwd)
        };
        match resolved {
            Ok(r) => {
                let abs = named.then(|| resolver.absolute(&logical));
                let passthrough = stdin
                    && a.force_exclude
                    && abs.as_ref().is_some_and(|abs| r.exclude.matches(abs));
                jobs.push(Job {
                    settings: settings_for(a, &r.config, abs.as_deref()),
                    path: p,
                    shown,
                    logical,
                    passthrough,
                });
            }
            Err(e) => {
                if !config_errors.contains(&e) {
                    config_errors.push(e);
                }
            }
        }
    }
    if !config_errors.is_empty() {
        let color = use_color(a.color, stderr_tty);
        for e in &config_errors {
            output::stderr(&output::render_config_error(e, color));
        }
        return EXIT_ERROR;
    }

    let uses_stdin = jobs.iter().any(|j| j.path.as_os_str() == "-");
    let diag_to_stderr = uses_stdin && a.fix && !a.diff;
    let color = a.output_file.is_none()
        && use_color(
            a.color,
            if diag_to_stderr {
                stderr_tty
            } else {
                stdout_tty
            },
        );
    let progress = progress::Progress::new(jobs.len(), progress::wanted(a.quiet));
    // A text report is drawn file by file, so each file's part is drawn by the
    // worker that linted it, while the page is still in its cache, and the
    // page's text is dropped at once: holding every page of the run until the
    // end made memory grow with the corpus, and each new page's memory came
    // fresh from the system instead of reusing the last page's. Reports that
    // need all files first (statistics, a baseline, diffs, the structured
    // formats) keep the sources.
    let render_in_worker = matches!(a.output_format, OutputFormat::Full | OutputFormat::Concise)
        && !a.diff
        && !a.statistics
        && baseline.is_none()
        && a.write_baseline.is_none();
    let mut reports = process_all(&jobs, |job| {
        let mut rep = process(job, a, color);
        if render_in_worker {
            if let (None, Some(src)) = (&rep.error, &rep.source) {
                rep.rendered = Some(render_text(
                    a,
                    &FileFindings {
                        path: &rep.shown,
                        source: src,
                        diagnostics: &rep.diagnostics,
                        level: rep.level,
                    },
                    color,
                ));
                rep.source = None;
            }
        } else if !rep.diagnostics.is_empty() {
            // The report is drawn after every file is done: index the page's
            // lines here, in parallel, so drawing only looks lines up.
            if let Some(src) = &rep.source {
                src.index_lines();
            }
        }
        progress.file_done(rep.diagnostics.len(), rep.bytes);
        rep
    });
    progress.finish();
    // Each fixed file is on disk; one flush per folder makes the renames last.
    let folders: std::collections::BTreeSet<&Path> = reports
        .iter()
        .filter_map(|r| r.wrote_in.as_deref())
        .collect();
    for dir in folders {
        files::sync_dir(dir);
    }

    let baseline_dir = |file: &Path| {
        file.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| cwd.clone(), Path::to_path_buf)
    };
    let mut known = 0usize;
    if let (Some(b), Some(file)) = (&baseline, &a.baseline) {
        let dir = baseline_dir(file);
        let mut m = b.matcher();
        for rep in &mut reports {
            if let Some(src) = &rep.source {
                let key = baseline::relative_path(&rep.logical, &dir, &cwd);
                known += m.retain_new(&key, src, &mut rep.diagnostics);
            }
        }
    }

    let mut errors = 0usize;
    let mut remaining = 0usize;
    let mut fixed = 0usize;
    let mut fixable = 0usize;
    let mut hidden = 0usize;
    let mut diffs = String::new();
    for rep in &reports {
        if let Some(e) = &rep.error {
            errors += 1;
            output::stderr(&format!(
                "tagmend: error: {}: {}\n",
                escape_for_terminal(&rep.shown),
                escape_for_terminal(e)
            ));
            continue;
        }
        if !a.quiet {
            for w in &rep.warnings {
                output::stderr(&format!(
                    "tagmend: warning: {}: {}\n",
                    escape_for_terminal(&rep.shown),
                    escape_for_terminal(w)
                ));
            }
        }
        fixed += rep.fixed_count();
        remaining += rep.diagnostics.len();
        for d in &rep.diagnostics {
            match d.fix.as_ref().map(crate::fix::Fix::applicability) {
                Some(x) if x >= rep.level && x != Applicability::DisplayOnly => fixable += 1,
                Some(Applicability::Unsafe) => hidden += 1,
                _ => {}
            }
        }
        if let Some(diff) = &rep.diff {
            diffs.push_str(diff);
        }
    }

    if let Some(file) = &a.write_baseline {
        let dir = baseline_dir(file);
        let keyed: Vec<(String, &Source, &[Diagnostic])> = reports
            .iter()
            .filter_map(|r| {
                r.source.as_ref().map(|s| {
                    (
                        baseline::relative_path(&r.logical, &dir, &cwd),
                        s,
                        r.diagnostics.as_slice(),
                    )
                })
            })
            .collect();
        let b = Baseline::record(keyed);
        if let Err(e) = std::fs::write(file, b.to_json()) {
            return error(&format!(
                "{}: cannot write the baseline: {e}",
                escape_for_terminal(&file.display().to_string())
            ));
        }
        if !a.quiet {
            output::stderr(&format!(
                "Wrote {remaining} finding{} to the baseline {}.\n",
                plural(remaining),
                escape_for_terminal(&file.display().to_string())
            ));
        }
        return if errors > 0 { EXIT_ERROR } else { EXIT_CLEAN };
    }

    let findings: Vec<FileFindings<'_>> = reports
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| {
            r.source.as_ref().map(|s| FileFindings {
                path: &r.shown,
                source: s,
                diagnostics: &r.diagnostics,
                level: r.level,
            })
        })
        .collect();
    let text_format = matches!(a.output_format, OutputFormat::Full | OutputFormat::Concise);
    let mut out = String::new();
    if a.diff {
        out.push_str(&diffs);
    } else if a.statistics {
        let stats = report::statistics(&findings);
        match a.output_format {
            OutputFormat::Json => {
                out.push_str(&serde_json::to_string_pretty(&stats).unwrap_or_default());
                out.push('\n');
            }
            // One object a line, like the findings in this format.
            OutputFormat::JsonLines => {
                for s in &stats {
                    out.push_str(&serde_json::to_string(s).unwrap_or_default());
                    out.push('\n');
                }
            }
            _ => out.push_str(&report::render_statistics(&stats)),
        }
    } else if render_in_worker {
        for r in &reports {
            if let Some(part) = &r.rendered {
                out.push_str(part);
            }
        }
    } else {
        match a.output_format {
            // Each file's findings are drawn on their own, so on all threads
            // (in order): drawing snippets costs about as much as linting.
            OutputFormat::Full | OutputFormat::Concise => {
                use rayon::prelude::*;
                let parts: Vec<String> = findings
                    .par_iter()
                    .map(|f| render_text(a, f, color))
                    .collect();
                out.extend(parts);
            }
            OutputFormat::Json => out.push_str(&report::render_json(&findings)),
            OutputFormat::JsonLines => out.push_str(&report::render_json_lines(&findings)),
            OutputFormat::Sarif => out.push_str(&report::render_sarif(
                &findings,
                &crate::rules::all(),
                &cwd.display().to_string(),
            )),
            OutputFormat::Github => out.push_str(&report::render_github(&findings)),
            OutputFormat::Junit => out.push_str(&report::render_junit(&findings)),
        }
    }
    let mut summary = String::new();
    if a.show_fixes && (a.fix || a.diff) && fixed > 0 {
        summary.push_str(&output::render_fixed(
            reports
                .iter()
                .filter(|r| r.error.is_none())
                .map(|r| (r.shown.as_str(), &r.fixed)),
            a.diff,
        ));
    }
    summary.push_str(&render_summary(
        a, fixed, remaining, fixable, hidden, errors, known,
    ));
    let summary_shown = !a.quiet
        && (text_format
            || a.diff
            || (a.statistics
                && !matches!(
                    a.output_format,
                    OutputFormat::Json | OutputFormat::JsonLines
                )));
    if diag_to_stderr {
        output::stderr(&out);
        if summary_shown {
            output::stderr(&summary);
        }
        for rep in &reports {
            if let Some(doc) = &rep.stdout_doc {
                if !output::stdout(doc) {
                    return EXIT_ERROR;
                }
            }
        }
    } else {
        if summary_shown {
            out.push_str(&summary);
        }
        if let Some(file) = &a.output_file {
            if let Err(e) = std::fs::write(file, out.as_bytes()) {
                return error(&format!(
                    "{}: cannot write the report: {e}",
                    escape_for_terminal(&file.display().to_string())
                ));
            }
        } else if !output::stdout(out.as_bytes()) {
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
    } else if remaining > 0 || (a.diff && fixed > 0) || (a.exit_non_zero_on_fix && fixed > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// One file's part of a text report (`full` or `concise`).
fn render_text(a: &CheckArgs, f: &FileFindings<'_>, color: bool) -> String {
    if a.output_format == OutputFormat::Full {
        output::render_full(f.path, f.source, f.diagnostics, color)
    } else {
        output::render_concise(f.path, f.source, f.diagnostics, f.level, a.show_fixes)
    }
}

fn render_summary(
    a: &CheckArgs,
    fixed: usize,
    remaining: usize,
    fixable: usize,
    hidden: usize,
    errors: usize,
    known: usize,
) -> String {
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
        let hidden_fixes = |n: usize| {
            format!(
                "{n} hidden fix{} can be enabled with the `--unsafe-fixes` option",
                if n == 1 { "" } else { "es" }
            )
        };
        if fixable > 0 {
            summary.push_str(&format!("[*] {fixable} fixable with the `--fix` option"));
            if hidden > 0 {
                summary.push_str(&format!(" ({})", hidden_fixes(hidden)));
            }
            summary.push_str(".\n");
        } else if hidden > 0 {
            summary.push_str(&format!("No fixes available ({}).\n", hidden_fixes(hidden)));
        }
    }
    if known > 0 {
        summary.push_str(&format!(
            "{known} known finding{} hidden by the baseline.\n",
            plural(known)
        ));
    }
    summary
}
