//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// HTML cleanup and repair linter for scraped article HTML.
#[derive(Debug, Parser)]
#[command(name = "tagmend", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and folders (`-` for standard input); optionally fix them.
    Check(CheckArgs),
    /// List every rule: id, group, fix availability, default, summary.
    Rules,
    /// Show one rule's documentation.
    Rule {
        /// The rule id, e.g. `tag-debris`.
        id: String,
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
    /// Also apply unsafe fixes (with --fix or --diff), or show them as fixable.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the repair as a unified diff instead of writing it.
    #[arg(long)]
    pub diff: bool,
    /// Rules or groups to run instead of the defaults (comma-separated; `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Rules or groups to add to the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules or groups to skip.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// Exit 0 even when findings remain.
    #[arg(long)]
    pub exit_zero: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The path to show for standard input.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
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
