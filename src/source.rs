//! The original text of a page: its bytes, its encoding, the decoded UTF-8 text,
//! byte spans and line:column lookup.
//!
//! Rules and fixes work on the decoded text; [`Source::encode_edits`] maps edits
//! back onto the original bytes so every byte no edit touches is kept verbatim.

use std::fmt;

use encoding_rs::Encoding;

/// A byte range `start..end` into the decoded text of a [`Source`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`.
    #[must_use]
    pub const fn empty(offset: usize) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    #[must_use]
    pub const fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one byte, or when an empty span
    /// sits strictly inside the other.
    #[must_use]
    pub fn overlaps(self, other: Span) -> bool {
        if self.is_empty() || other.is_empty() {
            return (self.start > other.start && self.start < other.end)
                || (other.start > self.start && other.start < self.end)
                || (self.is_empty() && other.is_empty() && self.start == other.start);
        }
        self.start < other.end && other.start < self.end
    }

    /// True when `offset` lies in `start..end`.
    #[must_use]
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How the encoding of a page was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte order mark.
    Bom,
    /// A `<meta charset>` (or `http-equiv`) declaration: in the first 1024
    /// bytes (the WHATWG prescan), or, of a legacy encoding over bytes that are
    /// not UTF-8, anywhere in the head (a browser that meets it later reloads
    /// the page with it).
    Meta,
    /// Given by the caller (an HTTP header, a flag).
    Given,
    /// Guessed from the bytes by chardetng.
    Detected,
}

/// Why a page's bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The bytes look like a binary file, not HTML.
    Binary(String),
    /// The page is in an encoding tagmend can read but cannot write back.
    UnsupportedEncoding(&'static str),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Binary(why) => write!(f, "not an HTML text file: {why}"),
            SourceError::UnsupportedEncoding(name) => write!(
                f,
                "encoding {name} is not supported (tagmend reads and writes ASCII-compatible encodings)"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// One decoded piece: `text[text_start..]` came from `bytes[byte_start..]`.
#[derive(Clone, Copy, Debug)]
struct Piece {
    text_start: usize,
    byte_start: usize,
}

/// The bytes a [`Source`] was read from.
#[derive(Clone, Debug)]
enum Raw {
    /// None: the source was made from text.
    None,
    /// Exactly the decoded text (UTF-8 without a byte order mark, the common
    /// case), so the page is held once, as the text, not a second time as bytes.
    SameAsText,
    /// Anything else, as read.
    Bytes(Vec<u8>),
}

/// A page's original bytes and its decoded text.
#[derive(Clone, Debug)]
pub struct Source {
    text: String,
    bytes: Raw,
    encoding: &'static Encoding,
    encoding_source: EncodingSource,
    /// The caller's charset (an HTTP header), kept to read rewritten bytes again.
    transport: Option<&'static Encoding>,
    bom_len: usize,
    pieces: Vec<Piece>,
    /// Where lines start, computed on first use (most passes of the fix loop
    /// never ask for a line number).
    line_index: std::sync::OnceLock<LineIndex>,
}

/// Where lines start, and how many characters precede every [`CHAR_MARK`]th byte
/// (so a column on a long minified line is counted from a nearby mark, not from
/// the start of the line).
#[derive(Clone, Debug)]
struct LineIndex {
    starts: Vec<usize>,
    char_marks: Vec<usize>,
}

/// Bytes between two character-count marks of a [`LineIndex`].
const CHAR_MARK: usize = 4096;

/// Characters in `bytes` of valid UTF-8: the bytes that are not continuation bytes.
/// Counted in blocks of at most 255 bytes into one byte, so the compiler adds 16
/// or 32 bytes at a time (a `usize` count per byte was not vectorised, and this
/// ran over every byte of a page with findings).
fn count_chars(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let starts = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from((b & 0xc0) != 0x80)));
            usize::from(starts)
        })
        .sum()
}

impl Source {
    /// A source that is already UTF-8 text (a string handed over by a program).
    #[must_use]
    pub fn from_text(text: impl Into<String>) -> Self {
        let text = text.into();
        let line_index = std::sync::OnceLock::new();
        Self {
            text,
            bytes: Raw::None,
            encoding: encoding_rs::UTF_8,
            encoding_source: EncodingSource::Given,
            transport: None,
            bom_len: 0,
            pieces: Vec::new(),
            line_index,
        }
    }

    /// Decode `bytes` the way a browser would (WHATWG "determine the character
    /// encoding"): byte order mark, then `transport` (an HTTP `Content-Type`
    /// charset) if given, then `<meta charset>` in the first 1024 bytes, then,
    /// for bytes that are not UTF-8, a legacy `<meta charset>` later in the
    /// head, then a guess by chardetng.
    ///
    /// # Errors
    /// Binary input (NUL bytes outside UTF-16, known image signatures) and encodings
    /// that cannot be written back (UTF-16, ISO-2022-JP) are refused.
    pub fn from_bytes(
        mut bytes: Vec<u8>,
        transport: Option<&'static Encoding>,
    ) -> Result<Self, SourceError> {
        if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
            if enc != encoding_rs::UTF_8 {
                return Err(SourceError::UnsupportedEncoding(enc.name()));
            }
            return Ok(Self::decode(
                bytes,
                enc,
                EncodingSource::Bom,
                bom_len,
                transport,
            ));
        }
        if let Some(why) = binary_signature(&bytes) {
            return Err(SourceError::Binary(why));
        }
        let (enc, how) = if let Some(enc) = transport {
            (enc, EncodingSource::Given)
        } else if let Some(enc) = meta_charset(&bytes[..bytes.len().min(1024)]) {
            (enc, EncodingSource::Meta)
        } else {
            // Validate an undeclared page once: valid UTF-8 becomes the text as it
            // is (what `decode` makes of it), and only invalid bytes, handed back
            // by the error, go on to the guess. Testing first and letting `decode`
            // validate again read every byte of most pages twice.
            match String::from_utf8(bytes) {
                Ok(text) => {
                    return Ok(Self::utf8_text(text, EncodingSource::Detected, transport));
                }
                Err(e) => bytes = e.into_bytes(),
            }
            // A legacy declaration past the prescan, still in the head, is
            // what a browser ends up using: it changes the encoding and reloads
            // ("change the encoding", WHATWG 13.2.3.4). It also spares the
            // guess, which reads every byte of the page through a score per
            // candidate encoding. (A late `utf-8` over bytes that are not UTF-8
            // is wrong, and the guess reads the page better.)
            let late = meta_charset(&bytes[..head_end(&bytes)]).filter(|&e| {
                e != encoding_rs::UTF_8 && e != encoding_rs::UTF_16LE && e != encoding_rs::UTF_16BE
            });
            if let Some(enc) = late {
                return Self::from_found(bytes, enc, EncodingSource::Meta, transport);
            }
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(&bytes, true);
            (
                det.guess(None, chardetng::Utf8Detection::Allow),
                EncodingSource::Detected,
            )
        };
        Self::from_found(bytes, enc, how, transport)
    }

    /// Decode `bytes` (no byte order mark) in the encoding `enc` found `how`.
    fn from_found(
        bytes: Vec<u8>,
        enc: &'static Encoding,
        how: EncodingSource,
        transport: Option<&'static Encoding>,
    ) -> Result<Self, SourceError> {
        // A declared UTF-16 in a meta tag is treated as UTF-8 by browsers (WHATWG
        // "prescan a byte stream": UTF-16BE/LE labels become UTF-8).
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            enc
        };
        if enc == encoding_rs::ISO_2022_JP || enc == encoding_rs::REPLACEMENT {
            return Err(SourceError::UnsupportedEncoding(enc.name()));
        }
        Ok(Self::decode(bytes, enc, how, 0, transport))
    }

    /// The source a fresh read of the page gives once `new_text` (a repaired
    /// version of this source's text) is written back: the bytes
    /// [`Source::output_bytes`] writes, decoded again from scratch (byte order
    /// mark, the same transport charset, `<meta charset>`, a guess). So the fix
    /// loop's next pass sees what a second `tagmend --fix` over the written file
    /// sees: the same encoding and how it was found, that the page came from
    /// bytes, and a new encoding when the repair corrected the declaration (then
    /// the text reads differently too). A source made from text gives text.
    ///
    /// `None` when the bytes cannot be written (a character the encoding lacks)
    /// or read back (they now look binary or name an unsupported encoding).
    #[must_use]
    pub fn reread(&self, new_text: String) -> Option<Source> {
        if self.raw_bytes().is_none() {
            return Some(Source::from_text(new_text));
        }
        let bytes = self.output_bytes(&new_text).ok()?;
        Source::from_bytes(bytes, self.transport).ok()
    }

    /// [`Source::reread`] after a conversion to UTF-8: `new_text` (which now
    /// declares UTF-8) written as UTF-8 bytes and read back.
    #[must_use]
    pub fn reread_utf8(&self, new_text: String) -> Option<Source> {
        if self.raw_bytes().is_none() {
            return Some(Source::from_text(new_text));
        }
        Source::from_bytes(new_text.into_bytes(), self.transport).ok()
    }

    /// [`Source::reread`] for `edits` (sorted, non-overlapping, on the decoded
    /// text: the edits that made the new text), encoded onto the page's bytes
    /// ([`Source::encode_edits`]) instead of diffing the two texts.
    #[must_use]
    pub fn reread_edits(&self, edits: &[(Span, &str)]) -> Option<Source> {
        let bytes = self.encode_edits(edits).ok()?;
        if self.raw_bytes().is_none() {
            return String::from_utf8(bytes).ok().map(Source::from_text);
        }
        Source::from_bytes(bytes, self.transport).ok()
    }

    /// The source of bytes that are valid UTF-8 with no byte order mark: the
    /// bytes are the text, held once.
    fn utf8_text(
        text: String,
        encoding_source: EncodingSource,
        transport: Option<&'static Encoding>,
    ) -> Self {
        Self {
            text,
            bytes: Raw::SameAsText,
            encoding: encoding_rs::UTF_8,
            encoding_source,
            transport,
            bom_len: 0,
            pieces: vec![Piece {
                text_start: 0,
                byte_start: 0,
            }],
            line_index: std::sync::OnceLock::new(),
        }
    }

    fn decode(
        bytes: Vec<u8>,
        encoding: &'static Encoding,
        encoding_source: EncodingSource,
        bom_len: usize,
        transport: Option<&'static Encoding>,
    ) -> Self {
        let mut pieces = Vec::new();
        let (text, bytes) = if encoding == encoding_rs::UTF_8 && bom_len == 0 {
            match String::from_utf8(bytes) {
                Ok(text) => return Self::utf8_text(text, encoding_source, transport),
                Err(e) => {
                    let bytes = e.into_bytes();
                    let text = decode_pieces(&bytes, encoding, 0, &mut pieces);
                    (text, Raw::Bytes(bytes))
                }
            }
        } else {
            let body = &bytes[bom_len..];
            let text = if encoding == encoding_rs::UTF_8 {
                if let Ok(s) = std::str::from_utf8(body) {
                    pieces.push(Piece {
                        text_start: 0,
                        byte_start: bom_len,
                    });
                    s.to_owned()
                } else {
                    decode_pieces(body, encoding, bom_len, &mut pieces)
                }
            } else {
                decode_pieces(body, encoding, bom_len, &mut pieces)
            };
            (text, Raw::Bytes(bytes))
        };
        let line_index = std::sync::OnceLock::new();
        Self {
            text,
            bytes,
            encoding,
            encoding_source,
            transport,
            bom_len,
            pieces,
            line_index,
        }
    }

    /// The decoded text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The page's encoding.
    #[must_use]
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// How the encoding was decided.
    #[must_use]
    pub fn encoding_source(&self) -> EncodingSource {
        self.encoding_source
    }

    fn raw_bytes(&self) -> Option<&[u8]> {
        match &self.bytes {
            Raw::None => None,
            Raw::SameAsText => Some(self.text.as_bytes()),
            Raw::Bytes(b) => Some(b),
        }
    }

    /// The bytes the page was read from (byte order mark included), or `None` for
    /// a source made from text.
    #[must_use]
    pub fn original_bytes(&self) -> Option<&[u8]> {
        self.raw_bytes()
    }

    /// The text of `span`.
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex {
            starts: line_starts(&self.text),
            char_marks: self
                .text
                .as_bytes()
                .chunks(CHAR_MARK)
                .scan(0, |before, chunk| {
                    let at = *before;
                    *before += count_chars(chunk);
                    Some(at)
                })
                .collect(),
        })
    }

    fn lines(&self) -> &[usize] {
        &self.line_index().starts
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let mark = offset / CHAR_MARK;
        let counted = self.line_index().char_marks.get(mark).copied().unwrap_or(0);
        counted + count_chars(&self.text.as_bytes()[mark * CHAR_MARK..offset])
    }

    /// Build the line index now (it is otherwise built on the first
    /// [`Source::line_col`]): a pass over the whole page, worth doing on the worker
    /// thread that read the page rather than on the one that prints the reports.
    pub fn index_lines(&self) {
        self.line_index();
    }

    /// 1-based line and 1-based character column of `offset`.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.lines().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.lines()[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| {
            if s.len() < CHAR_MARK {
                s.chars().count()
            } else {
                self.chars_before(offset) - self.chars_before(start)
            }
        });
        (line + 1, col + 1)
    }

    /// The 1-based line that holds byte `offset` (the line number of
    /// [`Source::line_col`], without counting the column's characters).
    #[must_use]
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines().partition_point(|&s| s <= offset).max(1)
    }

    /// Byte offset of the start of 1-based `line`.
    #[must_use]
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.lines().get(line.checked_sub(1)?).copied()
    }

    /// The bytes of `new_text` (a repaired version of this source's text) in the
    /// page's own encoding, with every byte of an unchanged line kept verbatim.
    ///
    /// # Errors
    /// Returns a character the page's encoding cannot represent.
    pub fn output_bytes(&self, new_text: &str) -> Result<Vec<u8>, char> {
        let lossless_utf8 = self.encoding == encoding_rs::UTF_8 && self.pieces.len() <= 1;
        if lossless_utf8 {
            let mut out = Vec::with_capacity(self.bom_len + new_text.len());
            if let Some(bytes) = self.raw_bytes() {
                out.extend_from_slice(&bytes[..self.bom_len]);
            }
            out.extend_from_slice(new_text.as_bytes());
            return Ok(out);
        }
        // Map the change back line by line (split at `\n` only: similar's own line
        // splitter also breaks at a bare `\r`), then character by character inside
        // each changed hunk, so that untouched text keeps its original bytes, even
        // bytes that decoded to U+FFFD.
        let old_lines = split_lines(&self.text);
        let new_lines = split_lines(new_text);
        let line_diff = similar::TextDiff::configure()
            .algorithm(similar::Algorithm::Myers)
            .timeout(std::time::Duration::from_secs(2))
            .diff_slices(&old_lines, &new_lines);
        let start_of = |lines: &[&str], whole: &str, i: usize| {
            lines.get(i).map_or(whole.len(), |l| {
                l.as_ptr() as usize - whole.as_ptr() as usize
            })
        };
        let mut edits: Vec<(Span, &str)> = Vec::new();
        for op in line_diff.ops() {
            if let similar::DiffOp::Equal { .. } = op {
                continue;
            }
            let o = op.old_range();
            let n = op.new_range();
            let old_start = start_of(&old_lines, &self.text, o.start);
            let old_end = start_of(&old_lines, &self.text, o.end);
            let new_start = start_of(&new_lines, new_text, n.start);
            let new_end = start_of(&new_lines, new_text, n.end);
            let old = &self.text[old_start..old_end];
            let new = &new_text[new_start..new_end];
            if old.is_empty() || new.is_empty() || old.len() + new.len() > 1 << 20 {
                edits.push((Span::new(old_start, old_end), new));
                continue;
            }
            let chars = similar::TextDiff::configure()
                .algorithm(similar::Algorithm::Myers)
                .timeout(std::time::Duration::from_secs(1))
                .diff_chars(old, new);
            // Char ops index characters: walk both strings to byte offsets.
            let old_idx: Vec<usize> = old.char_indices().map(|(i, _)| i).collect();
            let new_idx: Vec<usize> = new.char_indices().map(|(i, _)| i).collect();
            let at = |idx: &[usize], len: usize, i: usize| idx.get(i).copied().unwrap_or(len);
            let mut pending: Option<(usize, usize, usize, usize)> = None;
            for cop in chars.ops() {
                if let similar::DiffOp::Equal { .. } = cop {
                    if let Some((os, oe, ns, ne)) = pending.take() {
                        edits.push((Span::new(old_start + os, old_start + oe), &new[ns..ne]));
                    }
                    continue;
                }
                let (co, cn) = (cop.old_range(), cop.new_range());
                let os = at(&old_idx, old.len(), co.start);
                let oe = at(&old_idx, old.len(), co.end);
                let ns = at(&new_idx, new.len(), cn.start);
                let ne = at(&new_idx, new.len(), cn.end);
                pending = Some(match pending {
                    Some((pos, _, pns, _)) => (pos, oe, pns, ne),
                    None => (os, oe, ns, ne),
                });
            }
            if let Some((os, oe, ns, ne)) = pending {
                edits.push((Span::new(old_start + os, old_start + oe), &new[ns..ne]));
            }
        }
        self.encode_edits(&edits)
    }

    /// Apply edits (sorted, non-overlapping, on the decoded text) to the original
    /// bytes, encoding each replacement in the page's own encoding.
    ///
    /// # Errors
    /// Returns the first character a replacement needs that the encoding lacks.
    pub fn encode_edits(&self, edits: &[(Span, &str)]) -> Result<Vec<u8>, char> {
        let Some(bytes) = self.raw_bytes() else {
            let mut out = String::with_capacity(self.text.len());
            let mut last = 0;
            for (span, repl) in edits {
                out.push_str(&self.text[last..span.start]);
                out.push_str(repl);
                last = span.end;
            }
            out.push_str(&self.text[last..]);
            return Ok(out.into_bytes());
        };
        let mut out = Vec::with_capacity(bytes.len());
        let mut last = 0;
        let mut offsets = ByteOffsets::new(self);
        for (span, repl) in edits {
            let (Some(start), Some(end)) = (offsets.get(span.start), offsets.get(span.end)) else {
                return Err('\u{FFFD}');
            };
            out.extend_from_slice(&bytes[last..start]);
            out.extend_from_slice(&self.encode_str(repl)?);
            last = end;
        }
        out.extend_from_slice(&bytes[last..]);
        Ok(out)
    }

    fn encode_str(&self, s: &str) -> Result<Vec<u8>, char> {
        if self.encoding == encoding_rs::UTF_8 {
            return Ok(s.as_bytes().to_vec());
        }
        let (out, _, had_errors) = self.encoding.encode(s);
        if had_errors {
            for c in s.chars() {
                let mut buf = [0u8; 4];
                let (_, _, bad) = self.encoding.encode(c.encode_utf8(&mut buf));
                if bad {
                    return Err(c);
                }
            }
        }
        Ok(out.into_owned())
    }

    /// Malformed byte sequences: the decoded spans (each one U+FFFD) and the
    /// original bytes they stand for. Empty for text given as a string.
    #[must_use]
    pub fn malformed_sequences(&self) -> Vec<(Span, Vec<u8>)> {
        let Some(bytes) = self.raw_bytes() else {
            return Vec::new();
        };
        if self.encoding == encoding_rs::UTF_8 && self.pieces.len() <= 1 {
            return Vec::new();
        }
        // A real U+FFFD, encoded (UTF-8 `EF BF BD`, or GB18030's), is no error.
        let (real, _, unmappable) = self.encoding.encode("\u{FFFD}");
        let mut out = Vec::new();
        let mut offsets = ByteOffsets::new(self);
        for (i, _) in self.text.match_indices('\u{FFFD}') {
            let span = Span::new(i, i + '\u{FFFD}'.len_utf8());
            let (Some(from), Some(to)) = (offsets.get(span.start), offsets.get(span.end)) else {
                continue;
            };
            let Some(raw) = bytes.get(from..to) else {
                continue;
            };
            if !unmappable && raw == &*real {
                continue;
            }
            out.push((span, raw.to_vec()));
        }
        out
    }
}

/// `text` cut after each `\n`, terminators kept.
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Decode in pieces cut after `<` and `>` (ASCII in every encoding we accept), so
/// that a decoded offset maps back to an original one by re-encoding a short prefix.
fn decode_pieces(
    body: &[u8],
    encoding: &'static Encoding,
    base: usize,
    pieces: &mut Vec<Piece>,
) -> String {
    let mut text = String::with_capacity(body.len() + body.len() / 4);
    let mut decoder = encoding.new_decoder_without_bom_handling();
    // Each chunk is decoded into `scratch`, then appended: `decode_to_string`
    // touches every page of its destination's spare capacity, so decoding
    // straight into `text` (reserved for the whole page) cost O(page size) per
    // chunk, quadratic over a big page (a 20 MB page: 16 s instead of 1).
    let mut scratch = String::new();
    let mut start = 0;
    while start < body.len() {
        let end = memchr::memchr2(b'<', b'>', &body[start..]).map_or(body.len(), |p| start + p + 1);
        pieces.push(Piece {
            text_start: text.len(),
            byte_start: base + start,
        });
        let chunk = &body[start..end];
        let last = end == body.len();
        let needed = decoder
            .max_utf8_buffer_length(chunk.len())
            .unwrap_or(chunk.len() * 3);
        if scratch.capacity() > needed.saturating_mul(4).saturating_add(4096) {
            scratch = String::new();
        }
        scratch.clear();
        scratch.reserve(needed);
        let _ = decoder.decode_to_string(chunk, &mut scratch, last);
        text.push_str(&scratch);
        start = end;
    }
    text
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    v
}

/// A reason to think `bytes` is not a text file at all.
fn binary_signature(bytes: &[u8]) -> Option<String> {
    const SIGS: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\x7fELF", "an executable"),
    ];
    for (sig, what) in SIGS {
        if bytes.starts_with(sig) {
            return Some(format!("it starts like {what}"));
        }
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("it starts like a WebP image".into());
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        // UTF-16 without a BOM: every other byte of ASCII text is NUL.
        let even = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let half = head.len() / 2;
        if half > 0 && (even * 10 >= half * 9 || odd * 10 >= half * 9) {
            return Some("it looks like UTF-16 text without a byte order mark, which tagmend does not support".into());
        }
        return Some(format!(
            "it contains {nuls} NUL byte(s) in its first {} bytes",
            head.len()
        ));
    }
    None
}

/// Where a page's head ends, for a declaration search past the prescan: at its
/// first `</head` or `<body` (ASCII case ignored), else at its end.
fn head_end(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(p) = memchr::memchr(b'<', &bytes[at..]) {
        at += p + 1;
        let rest = &bytes[at..];
        let is = |name: &[u8]| {
            rest.get(..name.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        };
        if is(b"/head") || is(b"body") {
            return at - 1;
        }
    }
    bytes.len()
}

/// The WHATWG prescan, reduced: the encoding a `charset` in a `<meta>` (or an
/// `http-equiv` content type) in `head` declares, the first one that names an
/// encoding. Given the first 1024 bytes, or a head that ends later.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut i = 0;
    while let Some(p) = find(&lower[i..], b"<meta") {
        let start = i + p + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let mut j = c + 7;
            while j < tag.len() && tag[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < tag.len() && tag[j] == b'=' {
                j += 1;
                while j < tag.len()
                    && (tag[j].is_ascii_whitespace() || tag[j] == b'"' || tag[j] == b'\'')
                {
                    j += 1;
                }
                let k = tag[j..]
                    .iter()
                    .position(|&b| {
                        b.is_ascii_whitespace() || b == b'"' || b == b'\'' || b == b';' || b == b'/'
                    })
                    .map_or(tag.len(), |k| j + k);
                if let Some(enc) = Encoding::for_label(&head[start + j..start + k]) {
                    return Some(enc);
                }
            }
        }
        i = end.min(lower.len());
        if i >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Maps decoded-text offsets back to original byte offsets (`None` when an offset
/// falls inside what a malformed byte sequence decoded to). Asked in increasing order (the
/// edits of a pass, each U+FFFD of a page), it carries its byte-by-byte decoder on
/// from the last answer instead of decoding the piece again from its start: a
/// piece with many malformed sequences cost O(piece) per sequence before.
struct ByteOffsets<'a> {
    source: &'a Source,
    /// The piece the decoder is walking, and where it is: text and byte offsets.
    walk: Option<Walk>,
    mapping: Mapping,
}

/// How [`ByteOffsets`] maps an offset.
#[derive(Clone, Copy, PartialEq)]
enum Mapping {
    /// The walk jumps over text with no U+FFFD by encoding it
    /// ([`Walk::advance`]).
    Jump,
    /// An offset with no U+FFFD before it in its piece is found by encoding
    /// that prefix; the walk goes byte by byte (the encodings that cannot jump).
    Prefix,
    /// Tests: byte by byte only, to compare with.
    #[cfg(test)]
    ByteWalk,
}

struct Walk {
    piece: usize,
    decoder: encoding_rs::Decoder,
    text: usize,
    pos: usize,
    /// The last offset asked and its answer.
    last: Option<(usize, Option<usize>)>,
    /// The decoder is between two characters, holding nothing.
    clean: bool,
}

impl<'a> ByteOffsets<'a> {
    fn new(source: &'a Source) -> Self {
        // Encoding a stretch of text gives its bytes, and a decoder between
        // two characters holds nothing, in every encoding but ISO-2022-JP
        // (which shifts between character sets) and UTF-16 (whose `encode`
        // writes UTF-8).
        let enc = source.encoding;
        let mapping = if enc == encoding_rs::ISO_2022_JP
            || enc == encoding_rs::UTF_16LE
            || enc == encoding_rs::UTF_16BE
        {
            Mapping::Prefix
        } else {
            Mapping::Jump
        };
        Self {
            source,
            walk: None,
            mapping,
        }
    }

    /// Tests: the byte-by-byte walk alone (no jumps, no prefix encoded), to
    /// compare with.
    #[cfg(test)]
    fn without_jumps(source: &'a Source) -> Self {
        Self {
            source,
            walk: None,
            mapping: Mapping::ByteWalk,
        }
    }

    fn get(&mut self, text_offset: usize) -> Option<usize> {
        let this = self.source;
        let i = match this
            .pieces
            .binary_search_by(|p| p.text_start.cmp(&text_offset))
        {
            Ok(i) => i,
            Err(0) => return Some(this.bom_len + text_offset),
            Err(i) => i - 1,
        };
        let piece = this.pieces[i];
        if this.encoding == encoding_rs::UTF_8 && this.pieces.len() == 1 {
            return Some(piece.byte_start + (text_offset - piece.text_start));
        }
        let prefix = &this.text[piece.text_start..text_offset];
        if (self.mapping == Mapping::Prefix || this.raw_bytes().is_none())
            && !prefix.contains('\u{FFFD}')
        {
            let (enc, _, _) = this.encoding.encode(prefix);
            return Some(piece.byte_start + enc.len());
        }
        // U+FFFD stands for malformed bytes of any length: decode the piece byte
        // by byte, counting each malformed sequence as the U+FFFD it became.
        let bytes = this.raw_bytes()?;
        let want = text_offset - piece.text_start;
        let resume = self.walk.as_ref().is_some_and(|w| {
            w.piece == i && (w.text < want || w.last.is_some_and(|(o, _)| o == want))
        });
        if !resume {
            self.walk = Some(Walk {
                piece: i,
                decoder: this.encoding.new_decoder_without_bom_handling(),
                text: 0,
                pos: piece.byte_start,
                last: None,
                clean: true,
            });
        }
        let w = self.walk.as_mut()?;
        if let Some((o, answer)) = w.last {
            if o == want {
                return answer;
            }
        }
        let jump = (self.mapping == Mapping::Jump)
            .then(|| (&this.text[piece.text_start..], this.encoding));
        let answer = w.advance(bytes, want, jump);
        w.last = Some((want, answer));
        answer
    }
}

impl Walk {
    /// Decode on until the text offset (within the piece) reaches `want`.
    /// With `jump` (the piece's text and the encoding), text with no U+FFFD
    /// ahead of a clean decoder is passed over at once: its bytes are what
    /// encoding it gives. Byte by byte, a page with mojibake in a long script
    /// cost more than the rest of its lint.
    fn advance(
        &mut self,
        bytes: &[u8],
        want: usize,
        jump: Option<(&str, &'static Encoding)>,
    ) -> Option<usize> {
        let mut dst = [0u8; 32];
        while self.text < want {
            if let (true, Some((text, encoding))) = (self.clean, jump) {
                let ahead = text.get(self.text..want)?;
                let run = ahead.find('\u{FFFD}').unwrap_or(ahead.len());
                if run > 0 {
                    // Only where the page has the very bytes encoding gives:
                    // some bytes decode to a character that encodes otherwise
                    // (GB18030's 0x80 is €, which encodes as A2 E3).
                    let (enc, _, _) = encoding.encode(&ahead[..run]);
                    if bytes.get(self.pos..self.pos + enc.len()) == Some(&enc[..]) {
                        self.pos += enc.len();
                        self.text += run;
                        continue;
                    }
                }
            }
            let src = bytes.get(self.pos..=self.pos)?;
            let (result, read, written) = self
                .decoder
                .decode_to_utf8_without_replacement(src, &mut dst, false);
            self.pos += read;
            self.text += written;
            self.clean = written > 0 && matches!(result, encoding_rs::DecoderResult::InputEmpty);
            match result {
                encoding_rs::DecoderResult::Malformed(_, after) => {
                    self.text += '\u{FFFD}'.len_utf8();
                    if let Some((_, encoding)) = jump {
                        // The malformed sequence ends `after` bytes back: go
                        // on from there with a fresh decoder, between two
                        // characters (the bytes after it are read again, as
                        // the WHATWG decoders put them back).
                        self.pos -= usize::from(after);
                        self.decoder = encoding.new_decoder_without_bom_handling();
                        self.clean = true;
                        if self.text == want {
                            return Some(self.pos);
                        }
                    } else if self.text == want {
                        return Some(self.pos - usize::from(after));
                    }
                }
                encoding_rs::DecoderResult::InputEmpty => {
                    if read == 0 {
                        return None;
                    }
                }
                encoding_rs::DecoderResult::OutputFull => return None,
            }
        }
        (self.text == want).then_some(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_past_the_prescan_counts_for_bytes_that_are_not_utf8() {
        // German in ISO-8859-2 (the guess would say windows-1252), declared
        // after 1024 bytes of head.
        let page = |meta: &str, before_meta: &str| {
            let mut b = b"<!doctype html><html><head><title>t</title>".to_vec();
            b.extend_from_slice(format!("<script>{}</script>", "x".repeat(1100)).as_bytes());
            b.extend_from_slice(before_meta.as_bytes());
            b.extend_from_slice(meta.as_bytes());
            b.extend_from_slice(b"</head><body><p>Gr\xfc\xdfe aus M\xfcnchen, sch\xf6n</p>");
            b
        };
        let late = r#"<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">"#;
        let src = Source::from_bytes(page(late, ""), None).expect("decodes");
        assert_eq!(src.encoding(), encoding_rs::ISO_8859_2);
        assert_eq!(src.encoding_source(), EncodingSource::Meta);
        // A late `utf-8` over bytes that are not UTF-8 is wrong: guessed.
        let src = Source::from_bytes(page(r#"<meta charset="utf-8">"#, ""), None).expect("decodes");
        assert_eq!(src.encoding(), encoding_rs::WINDOWS_1252);
        assert_eq!(src.encoding_source(), EncodingSource::Detected);
        // Past the head tagmend does not look (Blink's scan stops at body
        // content too): the bytes are guessed.
        let src = Source::from_bytes(page(late, "</head><body>"), None).expect("decodes");
        assert_eq!(src.encoding(), encoding_rs::WINDOWS_1252);
        assert_eq!(src.encoding_source(), EncodingSource::Detected);
        // Bytes that are UTF-8 stay UTF-8, as before.
        let mut utf8 = page(late, "");
        let body = find(&utf8, b"<p>").expect("the page has a paragraph");
        utf8.truncate(body);
        utf8.extend_from_slice("<p>Grüße</p>".as_bytes());
        assert!(std::str::from_utf8(&utf8).is_ok());
        let src = Source::from_bytes(utf8, None).expect("decodes");
        assert_eq!(src.encoding(), encoding_rs::UTF_8);
        assert_eq!(src.encoding_source(), EncodingSource::Detected);
    }

    #[test]
    fn count_chars_counts_every_byte_that_starts_a_character() {
        // Lengths around the 255-byte blocks, all of one byte class (each block
        // count must not wrap) and mixed (a pseudo-random byte soup).
        let mut soup = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..5000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            soup.push((x >> 16) as u8);
        }
        let naive = |b: &[u8]| b.iter().filter(|&&c| (c & 0xc0) != 0x80).count();
        for len in [0, 1, 254, 255, 256, 510, 511, 4096, 5000] {
            for fill in [b'a', 0x80, 0xc3, 0xbf] {
                let v = vec![fill; len];
                assert_eq!(count_chars(&v), naive(&v), "{len} x {fill:#x}");
            }
            assert_eq!(count_chars(&soup[..len]), naive(&soup[..len]), "soup {len}");
        }
    }

    #[test]
    fn byte_offsets_walked_in_order_match_fresh_lookups() {
        // Shift_JIS with malformed sequences of one and two bytes in one long
        // piece (no `<`/`>`), some valid characters between them.
        let mut bytes = b"<meta charset=shift_jis><p>".to_vec();
        for k in 0..40u8 {
            bytes.extend_from_slice(b"ab\x82\xa0c");
            bytes.extend_from_slice(match k % 3 {
                0 => b"\x85",
                1 => b"\xa0\xff",
                _ => b"\x81a",
            });
            bytes.extend_from_slice(b"\xff");
        }
        let src = Source::from_bytes(bytes, None).expect("shift_jis decodes");
        assert_eq!(src.encoding(), encoding_rs::SHIFT_JIS);
        let offsets: Vec<usize> = (0..=src.text().len())
            .filter(|&i| src.text().is_char_boundary(i))
            .collect();
        let mut walked = ByteOffsets::new(&src);
        let mut seen_malformed = 0;
        for &o in &offsets {
            let fresh = ByteOffsets::new(&src).get(o);
            assert_eq!(walked.get(o), fresh, "offset {o}");
            assert_eq!(walked.get(o), fresh, "offset {o} asked twice");
            seen_malformed += usize::from(src.text()[..o].ends_with('\u{FFFD}'));
        }
        // Backwards, every lookup restarts the walk of its piece.
        for &o in offsets.iter().rev() {
            assert_eq!(walked.get(o), ByteOffsets::new(&src).get(o), "offset {o}");
        }
        assert!(seen_malformed >= 40);
        assert!(!src.malformed_sequences().is_empty());
    }

    #[test]
    fn byte_offsets_that_jump_over_clean_text_match_the_byte_walk() {
        // Pseudo-random soups of ASCII runs, valid and malformed multi-byte
        // sequences, in each legacy multi-byte encoding, in long pieces (few
        // `<`/`>`): every offset, asked in order as the lint asks them, must
        // map as the byte-by-byte walk maps it.
        let mut x: u32 = 777;
        let mut next = move || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        };
        for enc in [
            encoding_rs::GB18030,
            encoding_rs::GBK,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_JP,
            encoding_rs::EUC_KR,
            encoding_rs::BIG5,
            encoding_rs::UTF_8,
        ] {
            for round in 0..4 {
                let mut bytes = b"<p>".to_vec();
                for _ in 0..300 {
                    match next() % 4 {
                        0 => bytes.extend(std::iter::repeat_n(b'a', usize::from(next() % 40))),
                        1 => bytes.push(next() | 0x80),
                        2 => {
                            let (c, _, _) = enc.encode("中文ü€\u{FFFD}");
                            bytes.extend_from_slice(&c);
                        }
                        _ => bytes.push(next() % 0x60 + 0x20),
                    }
                    if round % 2 == 1 && next() % 50 == 0 {
                        bytes.push(b'>');
                    }
                }
                let src = Source::from_bytes(bytes, Some(enc)).expect("decodes");
                let offsets: Vec<usize> = (0..=src.text().len())
                    .filter(|&i| src.text().is_char_boundary(i))
                    .collect();
                let (mut jumping, mut walking) =
                    (ByteOffsets::new(&src), ByteOffsets::without_jumps(&src));
                let raw = src.raw_bytes().expect("bytes");
                let mut last: Option<(usize, usize)> = None;
                for &o in &offsets {
                    let (jumped, walked) = (jumping.get(o), walking.get(o));
                    // The walk cannot tell where a U+FFFD ends when the byte
                    // that ended it also gave a character; the jumps can.
                    if walked.is_some() {
                        assert_eq!(jumped, walked, "{} offset {o}", enc.name());
                    }
                    // Each character's bytes, decoded alone, are that character.
                    if let (Some((o0, b0)), Some(b)) = (last, jumped) {
                        let mut one = enc.new_decoder_without_bom_handling();
                        let mut got = String::with_capacity(64);
                        let _ = one.decode_to_string(&raw[b0..b], &mut got, true);
                        assert_eq!(got, &src.text()[o0..o], "{} bytes {b0}..{b}", enc.name());
                    }
                    last = jumped.map(|b| (o, b));
                }
                // Each FFFD's span, as `malformed_sequences` asks them.
                let (mut jumping, mut walking) =
                    (ByteOffsets::new(&src), ByteOffsets::without_jumps(&src));
                for (i, _) in src.text().match_indices('\u{FFFD}') {
                    for o in [i, i + 3] {
                        let walked = walking.get(o);
                        if walked.is_some() {
                            assert_eq!(jumping.get(o), walked, "{} FFFD at {o}", enc.name());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let s = Source::from_text("ab\nçd\r\nx");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(5), (2, 2));
        assert_eq!(s.line_col(8), (3, 1));
    }

    #[test]
    fn output_bytes_maps_edits_on_lines_ending_in_bare_cr() {
        // Bare `\r` inside lines: a line splitter that breaks at `\r` too shifted
        // every later edit (a fixed page came back unchanged).
        let bytes =
            b"<meta charset=windows-1252>\r<br>\n<ul><li>caf\xe9\r\nli>\n<li>b li>\n</ul>".to_vec();
        let s = Source::from_bytes(bytes, None).unwrap();
        let new = s.text().replace("li>\n", "</li>\n");
        let out = s.output_bytes(&new).unwrap();
        assert_eq!(
            out,
            b"<meta charset=windows-1252>\r<br>\n<ul><li>caf\xe9\r\n</li>\n<li>b </li>\n</ul>"
                .to_vec()
        );
    }

    #[test]
    fn output_bytes_keeps_malformed_bytes_beside_an_edit() {
        // GBK with a malformed sequence on the edited line: the edit is written,
        // the malformed bytes stay as they were (they decode to U+FFFD).
        let bytes = b"<meta charset=gbk><p>\xc4\xe3\xff\xfe\xba\xc3 p> x</p>".to_vec();
        let s = Source::from_bytes(bytes, None).unwrap();
        assert!(s.text().contains('\u{FFFD}'));
        let new = s.text().replace(" p>", " </p>");
        let out = s.output_bytes(&new).unwrap();
        assert_eq!(
            out,
            b"<meta charset=gbk><p>\xc4\xe3\xff\xfe\xba\xc3 </p> x</p>".to_vec()
        );
    }

    #[test]
    fn windows_1252_round_trips_edits() {
        let bytes = b"<meta charset=windows-1252><p>caf\xe9 td> ok</p>".to_vec();
        let s = Source::from_bytes(bytes.clone(), None).unwrap();
        assert_eq!(s.encoding(), encoding_rs::WINDOWS_1252);
        let at = s.text().find("td>").unwrap();
        let out = s.encode_edits(&[(Span::new(at, at + 3), "</td>")]).unwrap();
        assert_eq!(
            out,
            b"<meta charset=windows-1252><p>caf\xe9 </td> ok</p>".to_vec()
        );
        assert_eq!(
            s.encode_edits(&[(Span::new(0, 0), "\u{2603}")]),
            Err('\u{2603}')
        );
    }

    #[test]
    fn refuses_binary_and_utf16() {
        assert!(Source::from_bytes(b"\x89PNG\r\n\x1a\nxxxx".to_vec(), None).is_err());
        assert!(Source::from_bytes(b"\xff\xfe<\0p\0>\0".to_vec(), None).is_err());
        assert!(Source::from_bytes(b"<\0p\0>\0h\0i\0".to_vec(), None).is_err());
    }

    #[test]
    fn utf8_bom_is_kept() {
        let s = Source::from_bytes(b"\xef\xbb\xbf<p>x".to_vec(), None).unwrap();
        assert_eq!(s.text(), "<p>x");
        assert_eq!(
            s.encode_edits(&[(Span::new(3, 4), "y")]).unwrap(),
            b"\xef\xbb\xbf<p>y"
        );
    }
}
