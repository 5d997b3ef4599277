//! JSONL records: one JSON object a line, the page in a string field.
//!
//! Only the field's value is replaced, spliced into the original line: the other
//! fields keep their bytes, order, spacing and escapes. serde_json validates the
//! line; a small scanner (valid JSON only) finds where each top-level value is.

use std::io::{self, BufRead, Write};
use std::ops::Range;

use serde::de::IgnoredAny;

use super::{check_page, error_findings, Done, Notice, Options, Pipeline, RecordId, Unit, Writer};

/// One line as read, its terminator included.
pub(crate) struct Line {
    pub bytes: Vec<u8>,
    /// 1-based line number in its input.
    pub number: u64,
}

/// Read every line of `r`, process them on the rayon pool and write them to
/// `out` in order. Returns true when the last line written had no line end.
pub(crate) fn run(
    name: &str,
    mut r: Box<dyn BufRead + '_>,
    opts: &Options,
    out: &mut dyn Write,
    w: &mut Writer<'_, '_>,
) -> io::Result<bool> {
    let work = |u: Unit| match u {
        Unit::Jsonl(line) => process(line, name, opts),
        Unit::Warc(r) => Done {
            out: r.bytes,
            notice: None,
            findings: None,
        },
    };
    // Room for a page of `--max-bytes` however it is escaped in JSON.
    let cap = opts
        .settings
        .limits
        .max_bytes
        .saturating_mul(4)
        .saturating_add(1024 * 1024);
    rayon::in_place_scope(|scope| {
        let mut p = Pipeline::new(scope, &work, opts, name);
        let mut number = 0u64;
        let mut open_line = false;
        loop {
            let mut bytes = Vec::new();
            match read_line(&mut *r, &mut bytes, cap) {
                Ok(_) if bytes.is_empty() => break,
                Ok(true) => {}
                Ok(false) => {
                    // Too long to hold: copied through as it streams by.
                    p.drain(out, w)?;
                    number += 1;
                    out.write_all(&bytes)?;
                    open_line = copy_line(&mut *r, out)?;
                    let notice = Notice {
                        location: format!("{name}:{number}"),
                        error: Some(format!(
                            "line longer than {cap} bytes; written through unchanged"
                        )),
                        ..Notice::default()
                    };
                    let id = RecordId {
                        file: name,
                        record: number,
                        line: Some(number),
                        id: None,
                        url: None,
                    };
                    w.finish(Some(&notice), error_findings(&id, &notice, opts).as_deref())?;
                    continue;
                }
                Err(e) => {
                    p.drain(out, w)?;
                    w.input_error(
                        format!("{name}:{}", number + 1),
                        format!("cannot read: {e}; the rest of this input is skipped"),
                    );
                    return Ok(open_line);
                }
            }
            number += 1;
            open_line = bytes.last() != Some(&b'\n');
            p.submit(Unit::Jsonl(Line { bytes, number }), out, w)?;
        }
        p.drain(out, w)?;
        Ok(open_line)
    })
}

/// Read one line, its terminator included, into `buf`; false when the line is
/// longer than `cap` (its first `cap` bytes are then in `buf`).
fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<bool> {
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(true);
        }
        let room = cap.saturating_sub(buf.len());
        if let Some(i) = avail.iter().position(|&c| c == b'\n') {
            if i < room {
                buf.extend_from_slice(&avail[..=i]);
                r.consume(i + 1);
                return Ok(true);
            }
        }
        let n = avail.len().min(room);
        buf.extend_from_slice(&avail[..n]);
        r.consume(n);
        if buf.len() >= cap {
            return Ok(false);
        }
    }
}

/// Copy the rest of the current line to `out`; true when it had no line end.
fn copy_line(r: &mut dyn BufRead, out: &mut dyn Write) -> io::Result<bool> {
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(true);
        }
        if let Some(i) = avail.iter().position(|&c| c == b'\n') {
            out.write_all(&avail[..=i])?;
            r.consume(i + 1);
            return Ok(false);
        }
        let n = avail.len();
        out.write_all(avail)?;
        r.consume(n);
    }
}

/// What a line holds.
struct Parsed {
    /// The byte range of the HTML field's value (a JSON string, quotes included).
    span: Range<usize>,
    html: String,
    id: Option<serde_json::Value>,
    url: Option<serde_json::Value>,
}

fn process(line: Line, name: &str, opts: &Options) -> Done {
    let Line { bytes, number } = line;
    let body_end = if bytes.ends_with(b"\r\n") {
        bytes.len() - 2
    } else if bytes.ends_with(b"\n") {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    let body = &bytes[..body_end];
    if body.iter().all(u8::is_ascii_whitespace) {
        return Done {
            out: bytes,
            notice: None,
            findings: None,
        };
    }
    let location = format!("{name}:{number}");
    let mut id = RecordId {
        file: name,
        record: number,
        line: Some(number),
        id: None,
        url: None,
    };
    let parsed = match parse(body, &opts.html_field) {
        Ok(p) => p,
        Err(reason) => {
            let notice = Notice {
                location,
                error: Some(format!("{reason}; the line is written through unchanged")),
                bytes: bytes.len() as u64,
                ..Notice::default()
            };
            let findings = error_findings(&id, &notice, opts);
            return Done {
                out: bytes,
                notice: Some(notice),
                findings,
            };
        }
    };
    id.id = parsed.id;
    id.url = parsed.url;
    // The JSON string is text already; its UTF-8 bytes decode as UTF-8 unless the
    // page's own `<meta charset>` says otherwise, exactly as `tagmend check -`
    // reads the same bytes (no fallback, so the encoding counts as detected).
    let mut res = check_page(parsed.html.into_bytes(), None, opts, location);
    let mut out = bytes;
    if let Some(fixed) = res.fixed.take() {
        let ascii = out[parsed.span.clone()].is_ascii();
        match String::from_utf8(fixed)
            .ok()
            .and_then(|s| json_string(&s, ascii))
        {
            Some(value) => {
                out.splice(parsed.span, value.into_bytes());
            }
            None => {
                res.notice.changed = false;
                res.notice.fixes = 0;
                res.fixed_per_rule.clear();
                res.notice.error = Some(
                    "the repaired page is not UTF-8 (its `<meta charset>` names another \
                     encoding); the line is written through unchanged"
                        .into(),
                );
            }
        }
    }
    let findings = res.findings(&id, opts);
    Done {
        out,
        notice: Some(res.notice),
        findings,
    }
}

fn parse(body: &[u8], field: &str) -> Result<Parsed, String> {
    serde_json::from_slice::<IgnoredAny>(body).map_err(|e| format!("not JSON: {e}"))?;
    let fields = top_level_fields(body).ok_or("not a JSON object")?;
    // The last of duplicate keys wins, as in serde_json and Python's json.
    let get = |key: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, r)| r.clone())
    };
    let span = get(field).ok_or_else(|| format!("no `{field}` field"))?;
    let value = &body[span.clone()];
    let html: String = serde_json::from_slice(value).map_err(|e| {
        let what = match value.first() {
            Some(b'"') => return format!("field `{field}` is not a valid string: {e}"),
            Some(b'n') => "null",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            _ => "a number",
        };
        format!("field `{field}` is not a string but {what}")
    })?;
    let value_of = |key: &str| get(key).and_then(|r| serde_json::from_slice(&body[r]).ok());
    Ok(Parsed {
        span,
        html,
        id: value_of("id"),
        url: value_of("url"),
    })
}

/// `s` as a JSON string; with `ascii`, non-ASCII characters are `\u` escapes
/// (the style of the line it goes into, e.g. Python's default `ensure_ascii`).
fn json_string(s: &str, ascii: bool) -> Option<String> {
    let json = serde_json::to_string(s).ok()?;
    if !ascii || json.is_ascii() {
        return Some(json);
    }
    let mut out = String::with_capacity(json.len() + json.len() / 4);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    Some(out)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// One past the closing quote of the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// One past the end of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace() {
                    break;
                }
                j += 1;
            }
            Some(j)
        }
    }
}

/// The keys of a JSON object (already validated) with the byte range of each value.
fn top_level_fields(b: &[u8]) -> Option<Vec<(String, Range<usize>)>> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let key_end = string_end(b, i)?;
        let key: String = serde_json::from_slice(b.get(i..key_end)?).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = value_end(b, start)?;
        out.push((key, start..end));
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(out),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_values() {
        let line =
            br#" { "a" : {"html": "x"}, "html":"<p>\"q\"</p>" ,"n":[1,{"b":"]"}], "z": -1.5e3 } "#;
        let f = top_level_fields(line).expect("object");
        let keys: Vec<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "html", "n", "z"]);
        assert_eq!(&line[f[1].1.clone()], br#""<p>\"q\"</p>""#);
        assert_eq!(&line[f[2].1.clone()], br#"[1,{"b":"]"}]"#);
        assert_eq!(&line[f[3].1.clone()], b"-1.5e3");
    }

    #[test]
    fn escaped_keys_and_duplicates() {
        let line = br#"{"ht\u006dl":"first","html":"second"}"#;
        let p = parse(line, "html").expect("parsed");
        assert_eq!(p.html, "second");
    }

    #[test]
    fn reasons() {
        assert!(parse(b"{\"html\":", "html")
            .err()
            .is_some_and(|e| e.starts_with("not JSON")));
        assert_eq!(
            parse(b"[1]", "html").err().as_deref(),
            Some("not a JSON object")
        );
        assert_eq!(
            parse(b"{\"h\":1}", "html").err().as_deref(),
            Some("no `html` field")
        );
        assert_eq!(
            parse(b"{\"html\":null}", "html").err().as_deref(),
            Some("field `html` is not a string but null")
        );
    }

    #[test]
    fn ascii_style_is_kept() {
        assert_eq!(
            json_string("é😀\"", true).as_deref(),
            Some(r#""\u00e9\ud83d\ude00\"""#)
        );
        assert_eq!(json_string("é", false).as_deref(), Some("\"é\""));
    }
}
