//! Corpus mode: lint or repair every page of a JSONL dump or a WARC archive in
//! one streaming pass (`tagmend corpus`).
//!
//! Scraped articles at scale live in JSONL files (one JSON object a line, the
//! page in a string field) or WARC archives (one HTTP response a record). This
//! module reads either, record by record, runs [`crate::fix_bytes`] (or
//! [`crate::lint_bytes`] when not fixing) on each page, and writes the records
//! back in the same format and order:
//!
//! - **JSONL**: only the value of the HTML field is replaced, spliced into the
//!   original line, so every other byte of the line (other fields, key order,
//!   spacing, escapes) stays as it was. A page is handed over as the UTF-8 bytes
//!   of the JSON string, so its result equals `tagmend check --fix -` on those
//!   bytes. A line that is not a JSON object, lacks the field, or whose field is
//!   not a string is reported and written through unchanged. Blank lines are
//!   written through silently. Input compressed with gzip is detected and the
//!   output is gzip-compressed too.
//! - **WARC** (plain or `.warc.gz`, detected by its magic bytes): `response`
//!   records whose HTTP `Content-Type` is `text/html` or `application/xhtml+xml`
//!   (and `resource` records of those types) are repaired; the HTTP header's
//!   `charset` is the fallback encoding when the page declares none. A rewritten
//!   record gets a correct WARC `Content-Length`, recomputed `WARC-Block-Digest`
//!   and `WARC-Payload-Digest` (SHA-1, base32, when the record had them) and an
//!   updated HTTP `Content-Length`; every other header line keeps its bytes and
//!   order. Every other record, and every page no fix changed, is copied byte for
//!   byte; in a `.warc.gz` it keeps its original gzip member when that member
//!   held exactly this record, and rewritten records become one gzip member each
//!   (the WARC convention). Bodies sent with a `Transfer-Encoding` or a
//!   `Content-Encoding` are left untouched and reported as skipped.
//!
//! Memory stays bounded however large the input: each record read is handed to
//! the rayon pool at once, results are written in input order as they come
//! (a slow page holds back the writing, never the other cores), and reading
//! waits while [`Options::in_flight_records`] records or
//! [`Options::in_flight_bytes`] bytes are read but not yet written. A WARC
//! record larger than the page limit is streamed through without being held in
//! memory.
//!
//! ```
//! use tagmend::corpus::{self, Format, Input, Options};
//! use tagmend::Settings;
//!
//! let dump = b"{\"url\":\"https://a.example/\",\"html\":\"<table><tr><td>x td> <td>y</td></tr></table>\"}\n";
//! let mut opts = Options::new(Format::Jsonl, Settings::default());
//! opts.fix = true;
//! let mut out = Vec::new();
//! let summary = corpus::run(
//!     vec![Input::new("dump.jsonl", &dump[..])],
//!     &opts,
//!     &mut out,
//!     None,
//!     &mut |_notice| {},
//! )
//! .unwrap();
//! assert_eq!(summary.records, 1);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "{\"url\":\"https://a.example/\",\"html\":\"<table><tr><td>x</td> <td>y</td></tr></table>\"}\n"
//! );
//! ```

mod jsonl;
mod warc;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use serde::Serialize;

use crate::cli::report::{json_diagnostic, FileFindings, JsonDiagnostic};
use crate::diagnostic::Diagnostic;
use crate::linter::{self, Settings};
use crate::source::Source;

/// The record format of a corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line, the page in a string field.
    Jsonl,
    /// WARC records, the page in an HTTP response.
    Warc,
}

/// How a corpus run works.
#[derive(Clone, Debug)]
pub struct Options {
    /// The record format.
    pub format: Format,
    /// The rules, fix grade, limits and profile for every page.
    pub settings: Settings,
    /// Repair pages (otherwise only lint them and copy the records).
    pub fix: bool,
    /// The JSONL field holding the page.
    pub html_field: String,
    /// Build one findings line per page (see [`run`]).
    pub findings: bool,
    /// Most records read but not yet written.
    pub in_flight_records: usize,
    /// Most bytes of records read but not yet written (a single larger JSONL
    /// line is still read whole).
    pub in_flight_bytes: usize,
}

impl Options {
    /// Defaults: lint only, field `html`, no findings, at most 512 records or
    /// 32 MiB in flight.
    #[must_use]
    pub fn new(format: Format, settings: Settings) -> Self {
        Self {
            format,
            settings,
            fix: false,
            html_field: "html".into(),
            findings: false,
            in_flight_records: 512,
            in_flight_bytes: 32 * 1024 * 1024,
        }
    }

    /// The biggest WARC record held in memory; larger ones are streamed through.
    fn stream_limit(&self) -> u64 {
        (self.settings.limits.max_bytes as u64).saturating_add(1024 * 1024)
    }
}

/// One input of a run.
pub struct Input<'a> {
    /// The name used in messages and findings (a path, or `-`).
    pub name: String,
    /// The bytes, compressed or not.
    pub reader: Box<dyn Read + 'a>,
}

impl<'a> Input<'a> {
    /// An input named `name` reading from `reader`.
    pub fn new(name: impl Into<String>, reader: impl Read + 'a) -> Self {
        Self {
            name: name.into(),
            reader: Box::new(reader),
        }
    }
}

/// What happened to one record, handed to the caller of [`run`] in input order.
#[derive(Clone, Debug, Default)]
pub struct Notice {
    /// Where the record is: `file:line` for JSONL, `file: record N (<uri>)` for WARC.
    pub location: String,
    /// An HTML page was linted or fixed.
    pub page: bool,
    /// The record was rewritten.
    pub changed: bool,
    /// Fixes applied.
    pub fixes: usize,
    /// Findings reported (those left after fixing, with `fix`).
    pub findings: usize,
    /// Why the record could not be read or checked; it was written through
    /// unchanged. Counts as an operational error (exit status 2).
    pub error: Option<String>,
    /// Why a page was deliberately left alone (e.g. a compressed HTTP body).
    pub skipped: Option<String>,
    /// Warnings from the fix loop (failed to converge, fixes undone).
    pub warnings: Vec<String>,
    /// Size of the record as read (uncompressed).
    pub bytes: u64,
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read (JSONL lines, WARC records).
    pub records: u64,
    /// HTML pages linted or fixed.
    pub pages: u64,
    /// Records rewritten.
    pub changed: u64,
    /// Fixes applied.
    pub fixes: u64,
    /// Findings reported.
    pub findings: u64,
    /// Records with an error (written through unchanged), plus unreadable inputs.
    pub errors: u64,
    /// Pages deliberately left alone.
    pub skipped: u64,
}

impl Summary {
    fn add(&mut self, n: &Notice) {
        self.records += 1;
        self.pages += u64::from(n.page);
        self.changed += u64::from(n.changed);
        self.fixes += n.fixes as u64;
        self.findings += n.findings as u64;
        self.errors += u64::from(n.error.is_some());
        self.skipped += u64::from(n.skipped.is_some());
    }
}

/// One findings line: a record, its page's diagnostics and what was fixed.
#[derive(Serialize)]
struct FindingsLine<'a> {
    file: &'a str,
    record: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    id: Option<serde_json::Value>,
    url: Option<serde_json::Value>,
    changed: bool,
    fixed: &'a BTreeMap<&'static str, usize>,
    diagnostics: Vec<JsonDiagnostic>,
    error: Option<&'a str>,
    skipped: Option<&'a str>,
    warnings: &'a [String],
}

/// Where a record came from, for notices and findings.
pub(crate) struct RecordId<'a> {
    pub file: &'a str,
    pub record: u64,
    pub line: Option<u64>,
    pub id: Option<serde_json::Value>,
    pub url: Option<serde_json::Value>,
}

/// The result of checking one page.
pub(crate) struct PageResult {
    /// The repaired page, when `fix` changed it.
    pub fixed: Option<Vec<u8>>,
    pub notice: Notice,
    /// Fixes applied, per rule.
    pub fixed_per_rule: BTreeMap<&'static str, usize>,
    /// The text the diagnostics point into.
    source: Option<Source>,
    diagnostics: Vec<Diagnostic>,
}

impl PageResult {
    /// The findings line, when asked for.
    pub(crate) fn findings(&self, id: &RecordId<'_>, opts: &Options) -> Option<String> {
        opts.findings.then(|| {
            findings_line(
                id,
                &self.notice,
                &self.fixed_per_rule,
                self.source.as_ref(),
                &self.diagnostics,
                opts,
            )
        })
    }
}

/// Lint or fix one page's bytes, as `tagmend check [--fix] -` does.
pub(crate) fn check_page(
    bytes: Vec<u8>,
    fallback: Option<&'static encoding_rs::Encoding>,
    opts: &Options,
    location: String,
) -> PageResult {
    let mut res = PageResult {
        fixed: None,
        notice: Notice {
            location,
            page: true,
            bytes: bytes.len() as u64,
            ..Notice::default()
        },
        fixed_per_rule: BTreeMap::new(),
        source: None,
        diagnostics: Vec::new(),
    };
    // A page that makes tagmend panic must not end a run over millions of them.
    let checked = catch_unwind(AssertUnwindSafe(|| {
        if opts.fix {
            crate::fix_bytes(bytes, fallback, &opts.settings).map(|f| {
                let changed = f.source.original_bytes() != Some(f.bytes.as_slice());
                let source = f.outcome.document.source().clone();
                (
                    source,
                    f.outcome.remaining,
                    f.outcome.fixed,
                    f.outcome.converged,
                    f.outcome.rejected,
                    changed.then_some(f.bytes),
                )
            })
        } else {
            crate::lint_bytes(bytes, fallback, &opts.settings)
                .map(|(s, d)| (s, d, BTreeMap::new(), true, Vec::new(), None))
        }
    }));
    let notice = &mut res.notice;
    match checked {
        Err(_) => notice.error = Some("internal error: tagmend panicked on this page".into()),
        Ok(Err(e)) => notice.error = Some(e.to_string()),
        Ok(Ok((source, diagnostics, per_rule, converged, rejected, out))) => {
            if !converged {
                notice.warnings.push(format!(
                    "fixes failed to converge after {} passes; the page was fixed as far as it got",
                    linter::MAX_PASSES
                ));
            }
            for r in &rejected {
                notice.warnings.push(format!("{}: {}", r.rule, r.reason));
            }
            notice.fixes = per_rule.values().sum();
            notice.findings = diagnostics.len();
            notice.changed = out.is_some();
            res.fixed = out;
            res.fixed_per_rule = per_rule;
            res.source = Some(source);
            res.diagnostics = diagnostics;
        }
    }
    res
}

fn findings_line(
    id: &RecordId<'_>,
    notice: &Notice,
    fixed: &BTreeMap<&'static str, usize>,
    source: Option<&Source>,
    diagnostics: &[Diagnostic],
    opts: &Options,
) -> String {
    let diagnostics = source.map_or_else(Vec::new, |source| {
        let f = FileFindings {
            path: id.file,
            source,
            diagnostics,
            level: opts.settings.fix_level(),
        };
        diagnostics.iter().map(|d| json_diagnostic(&f, d)).collect()
    });
    let line = FindingsLine {
        file: id.file,
        record: id.record,
        line: id.line,
        id: id.id.clone(),
        url: id.url.clone(),
        changed: notice.changed,
        fixed,
        diagnostics,
        error: notice.error.as_deref(),
        skipped: notice.skipped.as_deref(),
        warnings: &notice.warnings,
    };
    let mut s = serde_json::to_string(&line).unwrap_or_default();
    s.push('\n');
    s
}

/// A findings line for a record with no page to check (a malformed record).
pub(crate) fn error_findings(id: &RecordId<'_>, notice: &Notice, opts: &Options) -> Option<String> {
    opts.findings
        .then(|| findings_line(id, notice, &BTreeMap::new(), None, &[], opts))
}

/// A record read from an input, waiting to be processed.
pub(crate) enum Unit {
    Jsonl(jsonl::Line),
    Warc(warc::Record),
}

impl Unit {
    fn len(&self) -> usize {
        match self {
            Unit::Jsonl(l) => l.bytes.len(),
            Unit::Warc(r) => r.bytes.len(),
        }
    }
}

/// A processed record: the bytes to write, ready for the output (a gzip member
/// already compressed for a `.warc.gz`).
pub(crate) struct Done {
    pub out: Vec<u8>,
    pub notice: Option<Notice>,
    pub findings: Option<String>,
}

/// Where records go: gzip members are written as they are; a compressed JSONL
/// output is one gzip stream.
enum Sink<'w> {
    Plain(&'w mut dyn Write),
    Gzip(flate2::write::GzEncoder<&'w mut dyn Write>),
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// True when `r` starts with the gzip magic bytes.
fn is_gzip(r: &mut impl BufRead) -> io::Result<bool> {
    let head = r.fill_buf()?;
    Ok(head.starts_with(&[0x1f, 0x8b]))
}

/// Read `inputs` in order, lint or repair every page, and write the records to
/// `out` in input order; with [`Options::findings`], one JSON line per page (and
/// per malformed record) goes to `findings`. `on_notice` sees every record that
/// holds a page or an error, in input order, once it is written.
///
/// The output is gzip-compressed when the first input is.
///
/// # Errors
/// Writing `out` or `findings` failed. A record or input that cannot be read is
/// reported through `on_notice`, not as an error.
pub fn run(
    inputs: Vec<Input<'_>>,
    opts: &Options,
    out: &mut dyn Write,
    findings: Option<&mut dyn Write>,
    on_notice: &mut dyn FnMut(&Notice),
) -> io::Result<Summary> {
    let mut writer = Writer {
        findings,
        summary: Summary::default(),
        on_notice,
    };
    let mut gzip_out: Option<bool> = None;
    let mut jsonl_sink: Option<Sink<'_>> = None;
    // The last JSONL line written had no line end (so the next input's first
    // line must not be glued to it).
    let mut open_line = false;
    let mut out = Some(out);
    for input in inputs {
        let mut reader = BufReader::with_capacity(256 * 1024, input.reader);
        let gz = match is_gzip(&mut reader) {
            Ok(gz) => gz,
            Err(e) => {
                writer.input_error(input.name.clone(), format!("cannot read: {e}"));
                continue;
            }
        };
        let gzip = *gzip_out.get_or_insert(gz);
        match opts.format {
            Format::Jsonl => {
                if jsonl_sink.is_none() {
                    let Some(w) = out.take() else { continue };
                    jsonl_sink = Some(if gzip {
                        Sink::Gzip(flate2::write::GzEncoder::new(
                            w,
                            flate2::Compression::default(),
                        ))
                    } else {
                        Sink::Plain(w)
                    });
                }
                let Some(sink) = jsonl_sink.as_mut() else {
                    continue;
                };
                let lines: Box<dyn BufRead> = if gz {
                    Box::new(BufReader::with_capacity(
                        256 * 1024,
                        flate2::bufread::MultiGzDecoder::new(reader),
                    ))
                } else {
                    Box::new(reader)
                };
                if open_line {
                    sink.write_all(b"\n")?;
                }
                open_line = jsonl::run(&input.name, lines, opts, sink, &mut writer)?;
            }
            Format::Warc => {
                let Some(w) = out.as_deref_mut() else {
                    continue;
                };
                warc::run(&input.name, reader, gz, gzip, opts, w, &mut writer)?;
            }
        }
    }
    if let Some(sink) = jsonl_sink {
        match sink {
            Sink::Plain(w) => w.flush()?,
            Sink::Gzip(g) => g.finish()?.flush()?,
        }
    } else if let Some(w) = out {
        w.flush()?;
    }
    if let Some(f) = writer.findings {
        f.flush()?;
    }
    Ok(writer.summary)
}

/// Writes processed records and reports their notices.
pub(crate) struct Writer<'a, 'f> {
    findings: Option<&'f mut dyn Write>,
    summary: Summary,
    on_notice: &'a mut dyn FnMut(&Notice),
}

impl Writer<'_, '_> {
    /// Account for one record that was written.
    pub(crate) fn finish(
        &mut self,
        notice: Option<&Notice>,
        findings: Option<&str>,
    ) -> io::Result<()> {
        if let (Some(f), Some(line)) = (self.findings.as_deref_mut(), findings) {
            f.write_all(line.as_bytes())?;
        }
        match notice {
            Some(n) => {
                self.summary.add(n);
                (self.on_notice)(n);
            }
            None => self.summary.records += 1,
        }
        Ok(())
    }

    /// Report an input-level problem (not a record).
    pub(crate) fn input_error(&mut self, location: String, error: String) {
        let n = Notice {
            location,
            error: Some(error),
            ..Notice::default()
        };
        self.summary.errors += 1;
        (self.on_notice)(&n);
    }
}

/// A processed record: its place in the input, its size as read, its output.
type Finished = (u64, usize, Done);

/// Records processed on the rayon pool and written in input order, with a
/// bounded number of them in flight.
pub(crate) struct Pipeline<'p, 'scope, F> {
    name: &'p str,
    scope: &'p rayon::Scope<'scope>,
    work: &'scope F,
    tx: mpsc::Sender<Finished>,
    rx: mpsc::Receiver<Finished>,
    /// Finished out of order, waiting for the ones before them.
    pending: BTreeMap<u64, (usize, Done)>,
    next_seq: u64,
    next_write: u64,
    in_flight: usize,
    held: usize,
    max_records: usize,
    max_bytes: usize,
}

impl<'p, 'scope, F> Pipeline<'p, 'scope, F>
where
    F: Fn(Unit) -> Done + Sync,
{
    /// Run `work` on the pool of `scope` (see [`rayon::in_place_scope`]) for
    /// the records of the input `name`.
    pub(crate) fn new(
        scope: &'p rayon::Scope<'scope>,
        work: &'scope F,
        opts: &Options,
        name: &'p str,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        Self {
            name,
            scope,
            work,
            tx,
            rx,
            pending: BTreeMap::new(),
            next_seq: 0,
            next_write: 0,
            in_flight: 0,
            held: 0,
            max_records: opts.in_flight_records.max(1),
            max_bytes: opts.in_flight_bytes,
        }
    }

    /// Hand `unit` to the pool, first writing finished records while too many
    /// are in flight.
    pub(crate) fn submit(
        &mut self,
        unit: Unit,
        out: &mut dyn Write,
        w: &mut Writer<'_, '_>,
    ) -> io::Result<()> {
        let len = unit.len();
        while self.in_flight > 0
            && (self.in_flight >= self.max_records || self.held + len > self.max_bytes)
        {
            self.receive(out, w)?;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.in_flight += 1;
        self.held += len;
        let tx = self.tx.clone();
        let work = self.work;
        let location = format!("{}: record {}", self.name, seq + 1);
        self.scope.spawn(move |_| {
            // A bug must cost one record, not hang the writer waiting for it.
            let done = catch_unwind(AssertUnwindSafe(|| work(unit))).unwrap_or_else(|_| Done {
                out: Vec::new(),
                notice: Some(Notice {
                    location,
                    error: Some("internal error: tagmend panicked; the record is lost".into()),
                    ..Notice::default()
                }),
                findings: None,
            });
            let _ = tx.send((seq, len, done));
        });
        Ok(())
    }

    /// Wait for one record to finish, then write every record now in order.
    fn receive(&mut self, out: &mut dyn Write, w: &mut Writer<'_, '_>) -> io::Result<()> {
        let (seq, len, done) = self
            .rx
            .recv()
            .map_err(|_| io::Error::other("the worker pool stopped"))?;
        self.pending.insert(seq, (len, done));
        while let Some((len, d)) = self.pending.remove(&self.next_write) {
            out.write_all(&d.out)?;
            w.finish(d.notice.as_ref(), d.findings.as_deref())?;
            self.next_write += 1;
            self.in_flight -= 1;
            self.held -= len;
        }
        Ok(())
    }

    /// Write every record in flight.
    pub(crate) fn drain(&mut self, out: &mut dyn Write, w: &mut Writer<'_, '_>) -> io::Result<()> {
        while self.in_flight > 0 {
            self.receive(out, w)?;
        }
        Ok(())
    }
}
