//! `tagmend corpus`: JSONL dumps and WARC archives in one streaming pass. The
//! work is [`crate::corpus::run`]; this is flags, files, progress and messages.

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{
    output, plural, progress, settings_from, use_color, ColorChoice, CorpusArgs, CorpusFormat,
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS,
};
use crate::config::{self, Config, Mode, Resolver};
use crate::corpus::{self, Format, Input, Notice, Options, Summary};
use crate::diagnostic::escape_for_terminal;

fn error(msg: &str) -> u8 {
    output::stderr(&format!("tagmend: error: {}\n", escape_for_terminal(msg)));
    EXIT_ERROR
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// Counts the bytes read through it, for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Where the records go: a temporary file renamed over `-o` when the run ends,
/// standard output, or nowhere (linting without `-o`).
enum Out {
    File(BufWriter<tempfile::NamedTempFile>, PathBuf),
    Stdout(BufWriter<io::StdoutLock<'static>>),
    Sink(io::Sink),
}

impl Out {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Out::File(w, _) => w,
            Out::Stdout(w) => w,
            Out::Sink(w) => w,
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Out::File(w, path) => {
                let tmp = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                tmp.as_file().sync_all()?;
                tmp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
            Out::Stdout(mut w) => w.flush(),
            Out::Sink(_) => Ok(()),
        }
    }
}

/// A new file beside `path`, created with the permissions a plain create would give.
fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut b = tempfile::Builder::new();
    b.prefix(".tagmend-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The umask applies, as for any new file.
        b.permissions(fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn settings(a: &CorpusArgs) -> Result<crate::Settings, u8> {
    for sel in a.rules.selectors() {
        if !config::known_selector(sel) {
            return Err(error(&format!(
                "unknown rule or group `{sel}` (see `tagmend rules`)"
            )));
        }
    }
    let Ok(cwd) = std::env::current_dir() else {
        return Err(error("cannot read the current folder"));
    };
    let color = use_color(ColorChoice::Auto, io::stderr().is_terminal());
    let mode = if a.isolated {
        Mode::Isolated
    } else if let Some(p) = &a.config {
        match Config::load(p) {
            Ok(Some(c)) => Mode::Fixed(Arc::new(c)),
            Ok(None) => return Err(error(&format!("{}: no [tool.tagmend] table", shown(p)))),
            Err(e) => {
                output::stderr(&output::render_config_error(&e, color));
                return Err(EXIT_ERROR);
            }
        }
    } else {
        Mode::Discover
    };
    let resolver = Resolver::new(mode, cwd.clone(), None, Vec::new()).map_err(|e| error(&e))?;
    let resolved = resolver.for_dir(&cwd).map_err(|e| {
        output::stderr(&output::render_config_error(&e, color));
        EXIT_ERROR
    })?;
    Ok(settings_from(&a.rules, &a.limits, &resolved.config, None))
}

/// The progress bar: input bytes read (of the total, when every input is a
/// file), pages and findings so far, throughput. Drawn by a thread of its own so
/// it moves through long runs of records that hold no page.
struct Bar {
    bar: ProgressBar,
    pages: AtomicU64,
    findings: AtomicU64,
    done: AtomicBool,
}

impl Bar {
    fn new(total: Option<u64>) -> Self {
        let (bar, template) = match total {
            Some(t) => (
                ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden()),
                "{spinner} {bar:30} {bytes}/{total_bytes} · {msg} · {elapsed}",
            ),
            None => (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
                "{spinner} {bytes} · {msg} · {elapsed}",
            ),
        };
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            pages: AtomicU64::new(0),
            findings: AtomicU64::new(0),
            done: AtomicBool::new(false),
        }
    }

    fn draw(&self, read: &AtomicU64) {
        let start = Instant::now();
        let mut shown = false;
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            let elapsed = start.elapsed();
            if elapsed < progress::DELAY {
                continue;
            }
            if !shown {
                shown = true;
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            let bytes = read.load(Ordering::Relaxed);
            let pages = self.pages.load(Ordering::Relaxed);
            let found = self.findings.load(Ordering::Relaxed);
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a displayed rate"
            )]
            let rate = (bytes as f64 / elapsed.as_secs_f64().max(1e-3)) as u64;
            self.bar.set_position(bytes);
            self.bar.set_message(format!(
                "{pages} page{} · {found} finding{} · {}/s",
                if pages == 1 { "" } else { "s" },
                if found == 1 { "" } else { "s" },
                indicatif::HumanBytes(rate)
            ));
        }
        self.bar.finish_and_clear();
    }
}

fn report(n: &Notice, quiet: bool) -> String {
    let mut s = String::new();
    let loc = escape_for_terminal(&n.location);
    if let Some(e) = &n.error {
        s.push_str(&format!(
            "tagmend: error: {loc}: {}\n",
            escape_for_terminal(e)
        ));
    }
    if !quiet {
        if let Some(why) = &n.skipped {
            s.push_str(&format!(
                "tagmend: warning: {loc}: {}\n",
                escape_for_terminal(why)
            ));
        }
        for w in &n.warnings {
            s.push_str(&format!(
                "tagmend: warning: {loc}: {}\n",
                escape_for_terminal(w)
            ));
        }
    }
    s
}

fn summary_line(s: &Summary, fix: bool, bytes: u64, secs: f64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a displayed rate")]
    let mb = bytes as f64 / 1e6;
    let mut out = if fix {
        format!(
            "Fixed {} issue{} in {} of {} page{} ({} record{}); {} finding{} remain{}.",
            s.fixes,
            plural(s.fixes as usize),
            s.changed,
            s.pages,
            plural(s.pages as usize),
            s.records,
            plural(s.records as usize),
            s.findings,
            plural(s.findings as usize),
            if s.findings == 1 { "s" } else { "" },
        )
    } else {
        format!(
            "Found {} finding{} in {} page{} ({} record{}).",
            s.findings,
            plural(s.findings as usize),
            s.pages,
            plural(s.pages as usize),
            s.records,
            plural(s.records as usize),
        )
    };
    if s.skipped > 0 {
        out.push_str(&format!(
            " {} page{} skipped.",
            s.skipped,
            plural(s.skipped as usize)
        ));
    }
    if s.errors > 0 {
        out.push_str(&format!(
            " {} error{} (see above).",
            s.errors,
            plural(s.errors as usize)
        ));
    }
    out.push_str(&format!(
        " {mb:.1} MB in {secs:.1} s ({:.1} MB/s).\n",
        mb / secs.max(1e-3)
    ));
    out
}

/// `tagmend corpus`.
pub(super) fn run(a: &CorpusArgs) -> u8 {
    let settings = match settings(a) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let stdin_count = a.inputs.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        return error("`-` (standard input) can be read only once");
    }
    let findings_stdout = a.findings.as_deref().is_some_and(|f| f.as_os_str() == "-");
    let records_written = a.fix || a.output.is_some();
    let records_to_stdout =
        records_written && a.output.as_deref().is_none_or(|o| o.as_os_str() == "-");
    if findings_stdout && records_to_stdout {
        return error("`--findings -` needs `-o FILE`: the records go to standard output");
    }
    if let Some(o) = a.output.as_deref().filter(|o| o.as_os_str() != "-") {
        if let Some(i) = a.inputs.iter().find(|i| same_file(i, o)) {
            return error(&format!(
                "{}: the output would overwrite an input",
                shown(i)
            ));
        }
    }

    let read = Arc::new(AtomicU64::new(0));
    let mut total = Some(0u64);
    let mut inputs = Vec::new();
    let mut open_errors = 0u64;
    for p in &a.inputs {
        let count = Arc::clone(&read);
        if p.as_os_str() == "-" {
            total = None;
            inputs.push(Input::new(
                "-",
                Counting {
                    inner: io::stdin().lock(),
                    count,
                },
            ));
            continue;
        }
        match File::open(p).and_then(|f| {
            let m = f.metadata()?;
            if m.is_dir() {
                return Err(io::Error::other("is a directory"));
            }
            Ok((f, m.len()))
        }) {
            Ok((f, len)) => {
                total = total.map(|t| t + len);
                inputs.push(Input::new(shown(p), Counting { inner: f, count }));
            }
            Err(e) => {
                open_errors += 1;
                output::stderr(&format!(
                    "tagmend: error: {}: {}\n",
                    escape_for_terminal(&shown(p)),
                    escape_for_terminal(&e.to_string())
                ));
            }
        }
    }

    let mut out = match a.output.as_deref() {
        Some(o) if o.as_os_str() != "-" => match temp_beside(o) {
            Ok(t) => Out::File(BufWriter::with_capacity(1 << 20, t), o.to_path_buf()),
            Err(e) => return error(&format!("{}: cannot write: {e}", shown(o))),
        },
        _ if records_written => Out::Stdout(BufWriter::with_capacity(1 << 20, io::stdout().lock())),
        _ => Out::Sink(io::sink()),
    };
    // Without --fix or -o the findings are the output: standard output by default.
    let findings_to_stdout = findings_stdout || (!records_written && a.findings.is_none());
    let mut findings: Option<Box<dyn Write>> = if findings_to_stdout {
        Some(Box::new(BufWriter::new(io::stdout().lock())))
    } else if let Some(f) = &a.findings {
        match File::create(f) {
            Ok(file) => Some(Box::new(BufWriter::with_capacity(1 << 20, file))),
            Err(e) => return error(&format!("{}: cannot write: {e}", shown(f))),
        }
    } else {
        None
    };

    let mut opts = Options::new(
        match a.format {
            CorpusFormat::Jsonl => Format::Jsonl,
            CorpusFormat::Warc => Format::Warc,
        },
        settings,
    );
    opts.fix = a.fix;
    opts.html_field.clone_from(&a.html_field);
    opts.findings = findings.is_some();

    let bar = progress::wanted(a.quiet).then(|| Bar::new(total));
    let start = Instant::now();
    let result = std::thread::scope(|scope| {
        if let Some(bar) = &bar {
            let read = &read;
            scope.spawn(move || bar.draw(read));
        }
        let mut on_notice = |n: &Notice| {
            let msg = report(n, a.quiet);
            if let Some(bar) = &bar {
                bar.pages.fetch_add(u64::from(n.page), Ordering::Relaxed);
                bar.findings.fetch_add(n.findings as u64, Ordering::Relaxed);
                if !msg.is_empty() {
                    bar.bar.suspend(|| output::stderr(&msg));
                }
            } else if !msg.is_empty() {
                output::stderr(&msg);
            }
        };
        let r = corpus::run(
            inputs,
            &opts,
            out.writer(),
            findings.as_deref_mut().map(|f| f as &mut dyn Write),
            &mut on_notice,
        );
        if let Some(bar) = &bar {
            bar.done.store(true, Ordering::Relaxed);
        }
        r
    });
    let summary = match result.and_then(|s| out.finish().map(|()| s)) {
        Ok(s) => s,
        // The reader went away: stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return EXIT_ERROR,
        Err(e) => return error(&format!("cannot write the output: {e}")),
    };
    drop(findings);
    if !a.quiet {
        output::stderr(&summary_line(
            &summary,
            a.fix,
            read.load(Ordering::Relaxed),
            start.elapsed().as_secs_f64(),
        ));
    }
    if summary.errors + open_errors > 0 {
        EXIT_ERROR
    } else if summary.findings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
