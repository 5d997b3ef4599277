//! A progress bar on stderr for long runs: files done, findings so far and
//! throughput. Only on a terminal, never in CI (`CI` set) or a pipe, and only
//! once a run has taken longer than [`DELAY`], so short runs print nothing extra.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
pub const DELAY: Duration = Duration::from_millis(750);

/// True when a progress bar may be drawn: stderr is a terminal and `CI` is not
/// set (CI logs are not terminals even when they pretend to be).
pub fn wanted(quiet: bool) -> bool {
    !quiet
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "0" || v == "false")
}

/// The bar, hidden until [`DELAY`] has passed.
pub struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: Mutex<bool>,
    findings: AtomicUsize,
    bytes: AtomicU64,
}

impl Progress {
    /// A bar for `total` files; `enabled` from [`wanted`].
    pub fn new(total: usize, enabled: bool) -> Self {
        let bar = (enabled && total > 1).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            let style = ProgressStyle::with_template(
                "{spinner} {bar:30} {pos}/{len} files · {msg} · {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Self {
            bar,
            start: Instant::now(),
            shown: Mutex::new(false),
            findings: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    /// One more file done, with its findings and size.
    pub fn file_done(&self, findings: usize, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        let found = self.findings.fetch_add(findings, Ordering::Relaxed) + findings;
        let total_bytes = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let elapsed = self.start.elapsed();
        if elapsed >= DELAY {
            let mut shown = self
                .shown
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !*shown {
                *shown = true;
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a displayed rate"
        )]
        let (bytes_per_s, files_per_s) = {
            let secs = elapsed.as_secs_f64().max(1e-3);
            (
                (total_bytes as f64 / secs) as u64,
                (bar.position() + 1) as f64 / secs,
            )
        };
        bar.set_message(format!(
            "{found} finding{} · {files_per_s:.0} files/s, {}/s",
            if found == 1 { "" } else { "s" },
            indicatif::HumanBytes(bytes_per_s)
        ));
        bar.inc(1);
    }

    /// Remove the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
