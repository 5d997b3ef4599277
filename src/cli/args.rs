//! Command-line arguments.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

/// HTML cleanup and repair linter for scraped article HTML.
#[derive(Debug, Parser)]
#[command(
    name = "tagmend",
    version,
    about,
    max_term_width = 100,
    after_help = "Exit status: 0 nothing left to report, 1 findings remain, 2 an operational error."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and folders (`-` for standard input); optionally fix them.
    Check(Box<CheckArgs>),
    /// Lint or repair every page of JSONL dumps or WARC archives, streaming.
    Corpus(Box<CorpusArgs>),
    /// List every rule: id, group, fix availability, default, summary.
    Rules,
    /// Show one rule's documentation.
    Rule {
        /// The rule id, e.g. `tag-debris`.
        id: String,
    },
    /// Print a shell completion script (e.g. `tagmend completions bash > /etc/bash_completion.d/tagmend`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page in roff (e.g. `tagmend man > tagmend.1; man ./tagmend.1`).
    Man {
        /// Document this command instead (e.g. `check` for tagmend-check(1)).
        command: Option<String>,
    },
    /// Print the tokens of a page with their spans (for debugging tagmend).
    #[command(hide = true)]
    DebugTokens {
        /// The page.
        path: PathBuf,
    },
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A graphical report with the source snippet (default).
    Full,
    /// One line per finding: `path:line:col: rule-id [*] message`.
    Concise,
    /// A JSON array of findings with positions, offsets and fixes.
    Json,
    /// One JSON object per finding, one per line.
    JsonLines,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML, for CI test reports.
    Junit,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// What a page is, for `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// A whole document.
    Document,
    /// A fragment (article body): rules for whole documents stay quiet.
    Fragment,
}

/// Which rules run and which fixes apply (`check` and `corpus`).
#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// Also apply unsafe fixes when fixing, or show them as fixable.
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,
    /// Do not apply unsafe fixes, whatever the config says.
    #[arg(long, overrides_with = "unsafe_fixes")]
    pub no_unsafe_fixes: bool,
    /// Rules or groups to run instead of the defaults (comma-separated; `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Rules or groups to add to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules or groups to skip.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Whole documents or fragments (fragment: rules for whole documents stay quiet).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
}

impl RuleArgs {
    /// Every rule or group named by --select, --extend-select and --ignore.
    pub fn selectors(&self) -> impl Iterator<Item = &String> {
        self.select
            .iter()
            .chain(&self.extend_select)
            .chain(&self.ignore)
    }
}

/// Resource limits per page (`check` and `corpus`).
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Deepest element nesting a page may have before it is skipped.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_depth: usize,
    /// Largest page, in bytes, before it is skipped.
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_bytes: usize,
    /// Longest parse time per page, in milliseconds, before it is skipped.
    #[arg(long, default_value_t = 3000, value_name = "MS")]
    pub max_time_ms: u64,
}

/// `tagmend check` arguments.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or folders to check (every *.html / *.htm below a folder); `-` reads
    /// standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Apply safe fixes (in place; to stdout for `-`).
    #[arg(long)]
    pub fix: bool,
    /// Print the repair as a unified diff instead of writing it.
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Use this config file for every file (no discovery).
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,
    /// Globs of files and folders to skip, replacing the config's `exclude`.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Globs of files and folders to skip, added to the excludes.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub extend_exclude: Vec<String>,
    /// Apply excludes to files named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,
    /// More file extensions to treat as HTML when walking folders (e.g. `xhtml,shtml`).
    #[arg(long, value_delimiter = ',', value_name = "EXT")]
    pub extension: Vec<String>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,
    /// List the fixes applied (with --fix or --diff); in `concise` output, show
    /// each finding's fix.
    #[arg(long)]
    pub show_fixes: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit 0 even when findings remain.
    #[arg(long)]
    pub exit_zero: bool,
    /// Exit 1 when a fix was applied, even if nothing remains.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// Print findings only: no summary, no progress bar.
    #[arg(long, short = 'q', action = ArgAction::SetTrue)]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The path to show for standard input (also used to find its config).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Record formats for `tagmend corpus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CorpusFormat {
    /// One JSON object a line, the page in a string field (`--html-field`).
    Jsonl,
    /// WARC records (`.warc` or `.warc.gz`), the page in an HTML response.
    Warc,
}

/// `tagmend corpus` arguments.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Records are written in input order, gzip-compressed when the first input is. \
                  Without --fix and -o, no records are written and findings (one JSON line per \
                  page) go to standard output unless --findings names a file."
)]
pub struct CorpusArgs {
    /// JSONL or WARC files, gzip-compressed or not; `-` reads standard input.
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    /// The record format.
    #[arg(long, value_enum)]
    pub format: CorpusFormat,
    /// The JSONL field holding the page.
    #[arg(long, default_value = "html", value_name = "NAME")]
    pub html_field: String,
    /// Apply safe fixes to every page.
    #[arg(long)]
    pub fix: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Use this config file (default: the one that applies in the current folder).
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,
    /// Write the records here instead of standard output (replaced when the run ends).
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write one JSON line per page here: record, diagnostics, fixes, error
    /// (`-`: standard output, when the records go to a file).
    #[arg(long, value_name = "FILE")]
    pub findings: Option<PathBuf>,
    /// No summary, warnings or progress bar; errors only.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}
