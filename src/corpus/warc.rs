//! WARC records (ISO 28500, WARC 1.0 and 1.1), plain or gzip-compressed.
//!
//! A small reader and writer of our own rather than the `warc` crate (0.4): that
//! crate keeps a record's header fields in a `HashMap`, so their order and
//! spelling are lost and names are written lower-cased, and it reads `.warc.gz`
//! through libflate's multi-member decoder, which hides where each gzip member
//! ends. Neither can copy an untouched record byte for byte, nor keep its gzip
//! member. The format itself is small: a `WARC/1.x` line, header fields, a blank
//! line, `Content-Length` bytes of block, then CRLF CRLF.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;

use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha1::{Digest, Sha1};

use super::{check_page, error_findings, Done, Notice, Options, Pipeline, RecordId, Unit, Writer};

/// Bytes read from the input at a time.
const CHUNK: usize = 256 * 1024;
/// Longest WARC header accepted.
const MAX_HEADER: usize = 1024 * 1024;
/// Longest run of blank lines accepted between records.
const MAX_GAP: usize = 64 * 1024;

/// One whole record as read.
pub(crate) struct Record {
    /// Blank lines before the record, the record, and its trailing CRLF CRLF.
    pub bytes: Vec<u8>,
    /// Where `WARC/` starts.
    head_start: usize,
    /// Just past the blank line ending the WARC header.
    header_end: usize,
    /// Just past the content block.
    block_end: usize,
    /// 1-based position in its input.
    ordinal: u64,
    /// The record's own gzip member, when it was exactly one member of the input.
    gz_member: Option<Vec<u8>>,
}

// ---------------------------------------------------------------------------
// Reading

/// A `BufRead` that keeps a copy of the bytes consumed from it (up to `limit`),
/// so a gzip member can be written out again exactly as it was read.
struct Capture<R> {
    inner: R,
    raw: Vec<u8>,
    limit: usize,
    over: bool,
}

impl<R: BufRead> Capture<R> {
    fn keep(&mut self, bytes: &[u8]) {
        if self.over {
            return;
        }
        if self.raw.len() + bytes.len() > self.limit {
            self.over = true;
            self.raw = Vec::new();
        } else {
            self.raw.extend_from_slice(bytes);
        }
    }

    /// The captured bytes of the member just read, `None` if over the limit.
    fn take_raw(&mut self) -> Option<Vec<u8>> {
        let over = std::mem::replace(&mut self.over, false);
        let raw = std::mem::take(&mut self.raw);
        (!over).then_some(raw)
    }
}

impl<R: BufRead> Read for Capture<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.keep(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Capture<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if !self.over {
            match self.inner.fill_buf() {
                Ok(b) if b.len() >= amt => {
                    if self.raw.len() + amt > self.limit {
                        self.over = true;
                        self.raw = Vec::new();
                    } else {
                        self.raw.extend_from_slice(&b[..amt]);
                    }
                }
                _ => {
                    self.over = true;
                    self.raw = Vec::new();
                }
            }
        }
        self.inner.consume(amt);
    }
}

/// A finished gzip member: its range in the decompressed stream and its bytes.
struct Member {
    start: u64,
    end: u64,
    raw: Option<Vec<u8>>,
}

/// The decompressed stream of a multi-member gzip file, remembering where each
/// member ends.
struct Members<R: BufRead> {
    dec: Option<GzDecoder<Capture<R>>>,
    pos: u64,
    member_start: u64,
    done: VecDeque<Member>,
}

impl<R: BufRead> Members<R> {
    fn new(inner: R, limit: usize) -> Self {
        let cap = Capture {
            inner,
            raw: Vec::new(),
            limit,
            over: false,
        };
        Self {
            dec: Some(GzDecoder::new(cap)),
            pos: 0,
            member_start: 0,
            done: VecDeque::new(),
        }
    }

    /// The gzip member that is exactly the decompressed range `start..end`.
    fn member(&mut self, start: u64, end: u64) -> Option<Vec<u8>> {
        while self.done.front().is_some_and(|m| m.end <= start) {
            self.done.pop_front();
        }
        let m = self.done.front()?;
        if m.start == start && m.end == end {
            return self.done.pop_front()?.raw;
        }
        None
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(dec) = self.dec.as_mut() else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.pos += n as u64;
                return Ok(n);
            }
            // This member is done: note it, and start the next one if any.
            let Some(dec) = self.dec.take() else {
                return Ok(0);
            };
            let mut cap = dec.into_inner();
            let raw = cap.take_raw();
            if self.pos > self.member_start {
                self.done.push_back(Member {
                    start: self.member_start,
                    end: self.pos,
                    raw,
                });
            }
            self.member_start = self.pos;
            if !cap.fill_buf()?.is_empty() {
                self.dec = Some(GzDecoder::new(cap));
            }
        }
    }
}

enum Source<R: BufRead> {
    Plain(R),
    Gz(Box<Members<R>>),
}

impl<R: BufRead> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Gz(m) => m.read(buf),
        }
    }
}

/// What the reader found next.
enum Item {
    Record(Record),
    /// A record too large to hold: its blank lines and header are read, its
    /// block (`len` bytes) is still in the reader.
    Large {
        head: Vec<u8>,
        len: u64,
    },
    /// Not a WARC record: the rest of the input cannot be read as records.
    Malformed(String),
    /// Blank lines after the last record.
    Tail(Vec<u8>),
    End,
}

/// Records from a (decompressed) byte stream.
struct Reader<R: BufRead> {
    src: Source<R>,
    buf: Vec<u8>,
    start: usize,
    /// Offset in the decompressed stream of `buf[0]`.
    base: u64,
    eof: bool,
    /// The read error that ended the input early, if any.
    failed: Option<io::Error>,
}

impl<R: BufRead> Reader<R> {
    fn avail(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    fn pos(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Read until `n` bytes are available; false at the end of the input. A read
    /// error ends the input too, and is kept in `failed`.
    fn fill(&mut self, n: usize) -> bool {
        let have = self.buf.len() - self.start;
        if have >= n || self.eof {
            return have >= n;
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        // Grow as bytes arrive, not by the length asked for: a record's
        // Content-Length is whatever the input says.
        while self.buf.len() < n {
            // Bytes read before an error are kept in `buf`.
            match (&mut self.src)
                .take(CHUNK as u64)
                .read_to_end(&mut self.buf)
            {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    self.eof = true;
                    self.failed = Some(e);
                    break;
                }
            }
        }
        self.buf.len() >= n
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.buf.len() - self.start);
        let out = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        out
    }

    /// Copy `n` bytes to `out`; returns how many there were.
    ///
    /// # Errors
    /// Writing failed.
    fn copy(&mut self, n: u64, out: &mut dyn Write) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            if !self.fill(1) {
                break;
            }
            let k = self
                .avail()
                .len()
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            out.write_all(&self.avail()[..k])?;
            self.start += k;
            left -= k as u64;
        }
        Ok(n - left)
    }

    /// How many CR/LF bytes (at most 4, the record's closing CRLF CRLF) start
    /// at `at`.
    fn trailer(&mut self, at: usize) -> usize {
        self.fill(at + 4);
        let b = self.avail();
        (at..at + 4)
            .take_while(|&i| matches!(b.get(i), Some(b'\r' | b'\n')))
            .count()
    }

    fn next(&mut self, limit: u64) -> Item {
        let mut i = 0;
        loop {
            if !self.fill(i + 1) {
                return if i == 0 {
                    Item::End
                } else {
                    Item::Tail(self.take(i))
                };
            }
            if !matches!(self.avail()[i], b'\r' | b'\n' | b' ' | b'\t') {
                break;
            }
            i += 1;
            if i > MAX_GAP {
                return Item::Malformed("no WARC record after 64 KiB of blank lines".into());
            }
        }
        let head_start = i;
        let mut from = head_start;
        let header_end = loop {
            if let Some(end) = blank_line(self.avail(), from) {
                break end;
            }
            let have = self.avail().len();
            if have - head_start > MAX_HEADER {
                return Item::Malformed("WARC header longer than 1 MiB".into());
            }
            from = have.saturating_sub(3).max(head_start);
            if !self.fill(have + 1) {
                return Item::Malformed("the input ends inside a WARC header".into());
            }
        };
        let head = &self.avail()[head_start..header_end];
        if !head.starts_with(b"WARC/") {
            return Item::Malformed("not a WARC record (no `WARC/` version line)".into());
        }
        let fields = fields(head);
        let Some(len) = get(head, &fields, "Content-Length")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            return Item::Malformed("WARC record without a valid Content-Length".into());
        };
        if len > limit {
            return Item::Large {
                head: self.take(header_end),
                len,
            };
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let block_end = header_end.saturating_add(len);
        if !self.fill(block_end) {
            let got = self.avail().len() - header_end;
            return Item::Malformed(format!(
                "the input ends inside a record: {got} of {len} content bytes"
            ));
        }
        let end = block_end + self.trailer(block_end);
        // One byte more, so a gzip member ending here is known to have ended.
        self.fill(end + 1);
        let at = self.pos();
        let bytes = self.take(end);
        let gz_member = match &mut self.src {
            Source::Gz(m) => m.member(at, at + end as u64),
            Source::Plain(_) => None,
        };
        Item::Record(Record {
            bytes,
            head_start,
            header_end,
            block_end,
            ordinal: 0,
            gz_member,
        })
    }
}

/// Just past the first blank line at or after `from` (CRLF or bare LF).
fn blank_line(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(p) = b.get(i..)?.iter().position(|&c| c == b'\n') {
        let nl = i + p;
        match b.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if b.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            _ => i = nl + 1,
        }
    }
    None
}

// ---------------------------------------------------------------------------
// Header fields (WARC and HTTP alike)

/// One header field: byte ranges in the header it was read from.
struct Field {
    name: Range<usize>,
    value: Range<usize>,
    /// The whole line, continuation lines and line ending included.
    line: Range<usize>,
}

/// The fields of a header block, after its first line (version or status).
fn fields(head: &[u8]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut at = 0;
    let mut first = true;
    while at < head.len() {
        let le = head[at..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(head.len(), |p| at + p + 1);
        let mut ce = le;
        while ce > at && matches!(head[ce - 1], b'\r' | b'\n') {
            ce -= 1;
        }
        let line = at..le;
        at = le;
        if std::mem::take(&mut first) || ce == line.start {
            continue;
        }
        if matches!(head[line.start], b' ' | b'\t') {
            if let Some(prev) = out.last_mut() {
                prev.value.end = trim_end(head, prev.value.start, ce);
                prev.line.end = le;
            }
            continue;
        }
        let Some(colon) = head[line.start..ce].iter().position(|&c| c == b':') else {
            continue;
        };
        let colon = line.start + colon;
        let mut vs = colon + 1;
        while vs < ce && matches!(head[vs], b' ' | b'\t') {
            vs += 1;
        }
        out.push(Field {
            name: line.start..colon,
            value: vs..trim_end(head, vs, ce),
            line,
        });
    }
    out
}

fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(b[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

/// The value of the first field named `name` (ASCII case-insensitive).
fn get<'h>(head: &'h [u8], fields: &[Field], name: &str) -> Option<&'h [u8]> {
    fields
        .iter()
        .find(|f| {
            head[f.name.clone()]
                .trim_ascii()
                .eq_ignore_ascii_case(name.as_bytes())
        })
        .map(|f| &head[f.value.clone()])
}

/// `head` with the value of every field named in `changes` replaced; every
/// other byte as it was.
fn rewrite(head: &[u8], fields: &[Field], changes: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + 32);
    let mut at = 0;
    for f in fields {
        let name = head[f.name.clone()].trim_ascii();
        let Some((_, value)) = changes
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        else {
            continue;
        };
        out.extend_from_slice(&head[at..f.value.start]);
        out.extend_from_slice(value.as_bytes());
        let ending = if head[..f.line.end].ends_with(b"\r\n") {
            &b"\r\n"[..]
        } else if head[..f.line.end].ends_with(b"\n") {
            &b"\n"[..]
        } else {
            &b""[..]
        };
        out.extend_from_slice(ending);
        at = f.line.end;
    }
    out.extend_from_slice(&head[at..]);
    out
}

/// The media type and charset of a `Content-Type` value.
fn media_type(value: &[u8]) -> (String, Option<&'static encoding_rs::Encoding>) {
    let text = String::from_utf8_lossy(value);
    let mut parts = text.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| encoding_rs::Encoding::for_label(v.trim().trim_matches('"').as_bytes()))?
    });
    (media, charset)
}

fn is_html(media: &str) -> bool {
    media == "text/html" || media == "application/xhtml+xml"
}

/// `sha1:` and the base32 SHA-1 of `bytes`, the WARC digest convention.
fn digest(bytes: &[u8]) -> String {
    format!(
        "sha1:{}",
        data_encoding::BASE32.encode(&Sha1::digest(bytes))
    )
}

// ---------------------------------------------------------------------------
// Processing

/// Where the page is in a record's block.
enum Page {
    /// Nothing to check: not HTML, or empty.
    None,
    /// An HTML page left alone, and why.
    Skip(String),
    /// Malformed: reported as an error.
    Error(String),
    /// The page is `block[body..]`; `http` when an HTTP header precedes it,
    /// with how the body was sent.
    Html {
        body: usize,
        charset: Option<&'static encoding_rs::Encoding>,
        http: Option<Coding>,
    },
}

/// How an HTTP body was sent: the codings tagmend can undo and redo.
#[derive(Clone, Copy, Debug, Default)]
struct Coding {
    chunked: bool,
    gzip: bool,
}

/// The codings listed in a `Transfer-Encoding` or `Content-Encoding` value,
/// lower-cased, `identity` left out.
fn codings(v: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(v)
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// The body of a `Transfer-Encoding: chunked` message (trailers dropped).
fn dechunk(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    loop {
        let nl = i + b.get(i..)?.iter().position(|&c| c == b'\n')?;
        let line = String::from_utf8_lossy(&b[i..nl]);
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).ok()?;
        i = nl + 1;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(i..i.checked_add(size)?)?);
        i += size;
        if b.get(i..i + 2) == Some(b"\r\n") {
            i += 2;
        } else if b.get(i) == Some(&b'\n') {
            i += 1;
        } else {
            return None;
        }
    }
}

/// The page inside a stored HTTP body.
fn decode_body(raw: &[u8], c: Coding, max: usize) -> Result<Vec<u8>, String> {
    let body = if c.chunked {
        dechunk(raw).ok_or("malformed chunked HTTP body; left unchanged")?
    } else {
        raw.to_vec()
    };
    if !c.gzip {
        return Ok(body);
    }
    let mut out = Vec::new();
    // One byte over the limit is enough for the page to be refused as too large.
    flate2::read::MultiGzDecoder::new(&body[..])
        .take((max as u64).saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot gunzip the HTTP body ({e}); left unchanged"))?;
    Ok(out)
}

/// A repaired page sent as the original was: the entity (gzip-compressed if it
/// was) and the bytes stored (chunked if they were).
fn encode_body(page: &[u8], c: Coding) -> (Vec<u8>, Vec<u8>) {
    let entity = if c.gzip {
        compress(page)
    } else {
        page.to_vec()
    };
    if !c.chunked {
        return (entity.clone(), entity);
    }
    let mut stored = Vec::with_capacity(entity.len() + 16);
    if !entity.is_empty() {
        stored.extend_from_slice(format!("{:x}\r\n", entity.len()).as_bytes());
        stored.extend_from_slice(&entity);
        stored.extend_from_slice(b"\r\n");
    }
    stored.extend_from_slice(b"0\r\n\r\n");
    (entity, stored)
}

/// True when a digest header's value is the SHA-1 of `bytes` (base32 or hex).
fn digest_matches(value: &[u8], bytes: &[u8]) -> bool {
    let sha = Sha1::digest(bytes);
    let v = value.trim_ascii();
    [
        format!("sha1:{}", data_encoding::BASE32.encode(&sha)),
        format!("sha1:{}", data_encoding::HEXLOWER.encode(&sha)),
    ]
    .iter()
    .any(|d| v.eq_ignore_ascii_case(d.as_bytes()))
}

fn find_page(head: &[u8], wfields: &[Field], block: &[u8]) -> Page {
    let warc_type = get(head, wfields, "WARC-Type").unwrap_or_default();
    let (wmedia, wcharset) = media_type(get(head, wfields, "Content-Type").unwrap_or_default());
    let segmented = get(head, wfields, "WARC-Segment-Number").is_some();
    if warc_type.eq_ignore_ascii_case(b"resource") && is_html(&wmedia) {
        if segmented {
            return Page::Skip("segmented record; left unchanged".into());
        }
        return if block.is_empty() {
            Page::None
        } else {
            Page::Html {
                body: 0,
                charset: wcharset,
                http: None,
            }
        };
    }
    if !warc_type.eq_ignore_ascii_case(b"response") || wmedia != "application/http" {
        return Page::None;
    }
    let Some(body) = blank_line(block, 0) else {
        return Page::Error("the HTTP header has no end; the record is unchanged".into());
    };
    let http = &block[..body];
    if !http.starts_with(b"HTTP/") {
        return Page::Error("not an HTTP response; the record is unchanged".into());
    }
    let hfields = fields(http);
    let (media, charset) = media_type(get(http, &hfields, "Content-Type").unwrap_or_default());
    if !is_html(&media) || body == block.len() {
        return Page::None;
    }
    if segmented {
        return Page::Skip("segmented record; left unchanged".into());
    }
    let mut coding = Coding::default();
    for name in ["Transfer-Encoding", "Content-Encoding"] {
        let Some(v) = get(http, &hfields, name) else {
            continue;
        };
        let list = codings(v);
        match (name, list.as_slice()) {
            (_, []) => {}
            ("Transfer-Encoding", [c]) if c == "chunked" => coding.chunked = true,
            ("Content-Encoding", [c]) if c == "gzip" || c == "x-gzip" => coding.gzip = true,
            _ => {
                return Page::Skip(format!(
                    "HTTP body sent with `{name}: {}`; left unchanged",
                    String::from_utf8_lossy(v)
                ))
            }
        }
    }
    Page::Html {
        body,
        charset,
        http: Some(coding),
    }
}

/// The record with its block replaced by `block`: `Content-Length` and the
/// digests the record had are recomputed.
fn rebuild(rec: &Record, wfields: &[Field], block: &[u8], payload: &[u8]) -> Vec<u8> {
    let head = &rec.bytes[rec.head_start..rec.header_end];
    let mut changes = vec![("Content-Length", block.len().to_string())];
    if get(head, wfields, "WARC-Block-Digest").is_some() {
        changes.push(("WARC-Block-Digest", digest(block)));
    }
    if get(head, wfields, "WARC-Payload-Digest").is_some() {
        changes.push(("WARC-Payload-Digest", digest(payload)));
    }
    let head = rewrite(head, wfields, &changes);
    let trailer = &rec.bytes[rec.block_end..];
    let mut out = Vec::with_capacity(rec.head_start + head.len() + block.len() + trailer.len());
    out.extend_from_slice(&rec.bytes[..rec.head_start]);
    out.extend_from_slice(&head);
    out.extend_from_slice(block);
    out.extend_from_slice(trailer);
    out
}

fn unquote(v: &[u8]) -> serde_json::Value {
    let s = String::from_utf8_lossy(v);
    let s = s.trim();
    let s = s
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s);
    serde_json::Value::String(s.to_string())
}

fn location(name: &str, ordinal: u64, url: Option<&serde_json::Value>) -> String {
    match url.and_then(serde_json::Value::as_str) {
        Some(u) => format!("{name}: record {ordinal} ({u})"),
        None => format!("{name}: record {ordinal}"),
    }
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn process(rec: Record, name: &str, gz_out: bool, opts: &Options) -> Done {
    let head = &rec.bytes[rec.head_start..rec.header_end];
    let wfields = fields(head);
    let block = &rec.bytes[rec.header_end..rec.block_end];
    let page = find_page(head, &wfields, block);
    let url = get(head, &wfields, "WARC-Target-URI").map(unquote);
    let id = RecordId {
        file: name,
        record: rec.ordinal,
        line: None,
        id: get(head, &wfields, "WARC-Record-ID").map(unquote_id),
        url,
    };
    let loc = || location(name, rec.ordinal, id.url.as_ref());
    let skipped = |why: String| {
        let notice = Notice {
            location: loc(),
            page: true,
            skipped: Some(why),
            bytes: rec.bytes.len() as u64,
            ..Notice::default()
        };
        let f = error_findings(&id, &notice, opts);
        (None, Some(notice), f)
    };
    let (rebuilt, notice, findings) = match page {
        Page::None => (None, None, None),
        Page::Skip(why) => skipped(why),
        Page::Error(why) => {
            let notice = Notice {
                location: loc(),
                error: Some(why),
                bytes: rec.bytes.len() as u64,
                ..Notice::default()
            };
            let f = error_findings(&id, &notice, opts);
            (None, Some(notice), f)
        }
        Page::Html {
            body,
            charset,
            http,
        } => {
            let raw = &block[body..];
            let coding = http.unwrap_or_default();
            match decode_body(raw, coding, opts.settings.limits.max_bytes) {
                Err(why) => skipped(why),
                Ok(page) => {
                    let mut res = check_page(page, charset, opts, loc());
                    let rebuilt = res
                        .fixed
                        .take()
                        .map(|page| rebuild_page(&rec, &wfields, block, body, http, &page));
                    let f = res.findings(&id, opts);
                    (rebuilt, Some(res.notice), f)
                }
            }
        }
    };
    let out = match (rebuilt, gz_out) {
        (Some(bytes), true) => compress(&bytes),
        (Some(bytes), false) => bytes,
        (None, true) => match rec.gz_member {
            Some(raw) => raw,
            None => compress(&rec.bytes),
        },
        (None, false) => rec.bytes,
    };
    Done {
        out,
        notice,
        findings,
    }
}

/// The record with its page replaced by `page`, sent as the original was.
fn rebuild_page(
    rec: &Record,
    wfields: &[Field],
    block: &[u8],
    body: usize,
    http: Option<Coding>,
    page: &[u8],
) -> Vec<u8> {
    let Some(coding) = http else {
        // A resource record: the block is the page, and its payload too.
        let mut new_block = block[..body].to_vec();
        new_block.extend_from_slice(page);
        return rebuild(rec, wfields, &new_block, &new_block);
    };
    let (entity, stored) = encode_body(page, coding);
    let http_head = &block[..body];
    let hfields = fields(http_head);
    let changes: Vec<(&str, String)> = if get(http_head, &hfields, "Content-Length").is_some() {
        vec![("Content-Length", stored.len().to_string())]
    } else {
        Vec::new()
    };
    let mut new_block = rewrite(http_head, &hfields, &changes);
    new_block.extend_from_slice(&stored);
    // Tools disagree on whether a chunked payload is digested before or after
    // de-chunking (warcio: before); keep the convention the record used.
    let head = &rec.bytes[rec.head_start..rec.header_end];
    let raw = &block[body..];
    let dechunked_digest = coding.chunked
        && get(head, wfields, "WARC-Payload-Digest").is_some_and(|d| {
            !digest_matches(d, raw) && dechunk(raw).is_some_and(|e| digest_matches(d, &e))
        });
    let payload = if dechunked_digest { &entity } else { &stored };
    rebuild(rec, wfields, &new_block, payload)
}

fn unquote_id(v: &[u8]) -> serde_json::Value {
    serde_json::Value::String(String::from_utf8_lossy(v).trim().to_string())
}

/// Read every record of `input`, process them on the rayon pool and write them
/// to `out` in order.
pub(crate) fn run<R: BufRead>(
    name: &str,
    input: R,
    gz_in: bool,
    gz_out: bool,
    opts: &Options,
    out: &mut dyn Write,
    w: &mut Writer<'_, '_>,
) -> io::Result<()> {
    let limit = opts.stream_limit();
    let src = if gz_in {
        Source::Gz(Box::new(Members::new(
            input,
            usize::try_from(limit).unwrap_or(usize::MAX),
        )))
    } else {
        Source::Plain(input)
    };
    let mut rd = Reader {
        src,
        buf: Vec::new(),
        start: 0,
        base: 0,
        eof: false,
        failed: None,
    };
    let work = |u: Unit| match u {
        Unit::Warc(r) => process(r, name, gz_out, opts),
        Unit::Jsonl(l) => Done {
            out: l.bytes,
            notice: None,
            findings: None,
        },
    };
    let mut ordinal = 0u64;
    rayon::in_place_scope(|scope| -> io::Result<()> {
        let mut p = Pipeline::new(scope, &work, opts, name);
        loop {
            match rd.next(limit) {
                Item::End => break,
                Item::Record(mut r) => {
                    ordinal += 1;
                    r.ordinal = ordinal;
                    p.submit(Unit::Warc(r), out, w)?;
                }
                Item::Tail(bytes) => {
                    p.drain(out, w)?;
                    // Blank lines at the end are kept; a gzip member of nothing
                    // but blank lines is not worth writing.
                    if !gz_out {
                        out.write_all(&bytes)?;
                    }
                }
                Item::Large { head, len } => {
                    p.drain(out, w)?;
                    ordinal += 1;
                    large(&mut rd, name, ordinal, &head, len, gz_out, opts, out, w)?;
                }
                Item::Malformed(why) => {
                    p.drain(out, w)?;
                    ordinal += 1;
                    if rd.failed.is_some() {
                        // A read error, reported below, not a malformed record.
                        break;
                    }
                    let notice = Notice {
                        location: format!("{name}: record {ordinal}"),
                        error: Some(format!("{why}; the rest of this input is copied unchanged")),
                        ..Notice::default()
                    };
                    let id = RecordId {
                        file: name,
                        record: ordinal,
                        line: None,
                        id: None,
                        url: None,
                    };
                    let f = error_findings(&id, &notice, opts);
                    emit_with(gz_out, out, |o| rd.copy(u64::MAX, o).map(|_| ()))?;
                    w.finish(Some(&notice), f.as_deref())?;
                    break;
                }
            }
        }
        p.drain(out, w)
    })?;
    if let Some(e) = rd.failed.take() {
        w.input_error(
            format!("{name}: record {}", ordinal.max(1)),
            format!("cannot read: {e}; the rest of this input is skipped"),
        );
    }
    Ok(())
}

/// Run `write` on `out`, or on a gzip member written to `out`.
fn emit_with(
    gz_out: bool,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if gz_out {
        let mut enc = GzEncoder::new(&mut *out, Compression::default());
        write(&mut enc)?;
        enc.finish()?;
        Ok(())
    } else {
        write(out)
    }
}

/// Stream a record too large to hold through unchanged.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site, all of it context"
)]
fn large<R: BufRead>(
    rd: &mut Reader<R>,
    name: &str,
    ordinal: u64,
    head: &[u8],
    len: u64,
    gz_out: bool,
    opts: &Options,
    out: &mut dyn Write,
    w: &mut Writer<'_, '_>,
) -> io::Result<()> {
    let head_start = head
        .iter()
        .position(|c| !matches!(c, b'\r' | b'\n' | b' ' | b'\t'))
        .unwrap_or(0);
    let warc_head = &head[head_start..];
    let wfields = fields(warc_head);
    // Look at the start of the block to tell an HTML page from anything else.
    rd.fill(64 * 1024);
    let peek = rd.avail();
    let peek = &peek[..peek.len().min(usize::try_from(len).unwrap_or(usize::MAX))];
    let page = match find_page(warc_head, &wfields, peek) {
        Page::None => false,
        Page::Skip(_) | Page::Html { .. } => true,
        // The HTTP header may end beyond what was looked at.
        Page::Error(_) => peek
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"text/html")),
    };
    let id = RecordId {
        file: name,
        record: ordinal,
        line: None,
        id: get(warc_head, &wfields, "WARC-Record-ID").map(unquote_id),
        url: get(warc_head, &wfields, "WARC-Target-URI").map(unquote),
    };
    let mut got = 0;
    emit_with(gz_out, out, |o| {
        o.write_all(head)?;
        got = rd.copy(len, o)?;
        let t = rd.trailer(0);
        rd.copy(t as u64, o).map(|_| ())
    })?;
    let notice = if got < len {
        Some(Notice {
            location: location(name, ordinal, id.url.as_ref()),
            error: Some(format!(
                "the input ends inside a record: {got} of {len} content bytes"
            )),
            ..Notice::default()
        })
    } else if page {
        Some(Notice {
            location: location(name, ordinal, id.url.as_ref()),
            page: true,
            error: Some(format!(
                "resource-limit: page skipped, larger than {} bytes; the record is unchanged",
                opts.settings.limits.max_bytes
            )),
            bytes: len,
            ..Notice::default()
        })
    } else {
        None
    };
    let f = notice.as_ref().and_then(|n| error_findings(&id, n, opts));
    w.finish(notice.as_ref(), f.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_rewrite_keep_bytes() {
        let head =
            b"WARC/1.0\r\nWARC-Type: response\r\ncontent-length:  12 \r\nX-Long: a\r\n  b\r\n\r\n";
        let f = fields(head);
        assert_eq!(get(head, &f, "Content-Length"), Some(&b"12"[..]));
        assert_eq!(get(head, &f, "x-long"), Some(&b"a\r\n  b"[..]));
        let out = rewrite(
            head,
            &f,
            &[("Content-Length", "7".into()), ("X-Long", "c".into())],
        );
        assert_eq!(
            out,
            b"WARC/1.0\r\nWARC-Type: response\r\ncontent-length:  7\r\nX-Long: c\r\n\r\n"
        );
    }

    #[test]
    fn media_types() {
        let (m, c) = media_type(b"Text/HTML; charset=\"Windows-1252\"");
        assert_eq!(m, "text/html");
        assert_eq!(c, Some(encoding_rs::WINDOWS_1252));
        assert_eq!(media_type(b"text/html;charset=bogus").1, None);
    }

    #[test]
    fn sha1_base32() {
        // The digest of nothing, as warcio and every crawler write it.
        assert_eq!(digest(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    }

    #[test]
    fn codings_round_trip() {
        let c = Coding {
            chunked: true,
            gzip: true,
        };
        let (entity, stored) = encode_body(b"<p>x</p>", c);
        assert_eq!(dechunk(&stored).as_deref(), Some(&entity[..]));
        assert_eq!(
            decode_body(&stored, c, 100).as_deref(),
            Ok(&b"<p>x</p>"[..])
        );
        assert_eq!(
            dechunk(b"3;x=y\r\nabc\r\n1\nd\n0\r\nTrailer: 1\r\n\r\n").as_deref(),
            Some(&b"abcd"[..])
        );
        assert_eq!(dechunk(b"5\r\nabc"), None);
        assert_eq!(codings(b"gzip, identity"), ["gzip"]);
    }

    #[test]
    fn blank_lines() {
        assert_eq!(blank_line(b"a\r\nb\r\n\r\nbody", 0), Some(8));
        assert_eq!(blank_line(b"a\nb\n\nbody", 0), Some(5));
        assert_eq!(blank_line(b"a\r\nb\r\n", 0), None);
    }
}
