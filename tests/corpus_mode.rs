//! `tagmend corpus`: JSONL and WARC round trips through the built binary.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use sha1::{Digest, Sha1};

const BIN: &str = env!("CARGO_BIN_EXE_tagmend");

const DEBRIS: &str = "<table><tr><td>Region td> <td>Panama</td></tr></table>";
const DEBRIS_FIXED: &str = "<table><tr><td>Region</td> <td>Panama</td></tr></table>";
const CLEAN: &str = "<!DOCTYPE html><html><head><title>Clean</title></head><body><p>Nothing to fix.</p></body></html>";

/// Run tagmend in `dir` with `stdin`; exit code, stdout, stderr.
fn tagmend(args: &[&str], dir: &Path, stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tagmend");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("stdin writer");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What `tagmend check --fix -` writes for `page`.
fn cli_fix(page: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = tagmend(
        &[
            "check",
            "--fix",
            "--quiet",
            "--output-format",
            "concise",
            "-",
        ],
        dir.path(),
        page,
    );
    assert!(code == 0 || code == 1, "check --fix -: {code} {err}");
    out
}

fn page(title: &str, body: &str) -> String {
    format!("<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>")
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("json")
}

// ---------------------------------------------------------------------------
// JSONL

#[test]
fn jsonl_round_trip_keeps_other_fields_and_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = [
        page("One", &format!("<p>Caf\u{e9} owners.</p>{DEBRIS}")),
        CLEAN.to_string(),
        page(
            "Three",
            "<p id=\"x\">Na\u{ef}ve <b>bold <i>text</b></i> &amp; more</p><p id=\"x\">twice</p>",
        ),
        "<p>fragment <br/> & ampersand</p>".to_string(),
    ];
    let mut lines: Vec<String> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        // Odd spacing, nested values, escapes and key order that must survive.
        lines.push(format!(
            r#"{{ "id" : {i}, "meta": {{"html": "not this one", "n": [1, 2.50, null]}}, "html":{} ,"url":"https:\/\/a.example\/{i}", "t": "\u00e9\n" }}"#,
            json_str(p)
        ));
    }
    lines.insert(2, "this is not JSON".into());
    lines.insert(3, r#"{"id": "no-html", "body": "x"}"#.into());
    lines.insert(4, r#"{"id": "null-html", "html": null}"#.into());
    lines.insert(5, String::new());
    let mut input = lines.join("\n");
    input.push('\n');
    // A CRLF line and a last line without a line end.
    input.push_str(&format!("{{\"html\":{}}}\r\n", json_str(DEBRIS)));
    input.push_str(&format!("{{\"html\":{}}}", json_str(DEBRIS)));
    std::fs::write(dir.path().join("in.jsonl"), &input).expect("write");

    let (code, _, err) = tagmend(
        &[
            "corpus",
            "--format",
            "jsonl",
            "--fix",
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--findings",
            "findings.jsonl",
        ],
        dir.path(),
        b"",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("in.jsonl:3: not JSON"), "{err}");
    assert!(err.contains("in.jsonl:4: no `html` field"), "{err}");
    assert!(
        err.contains("in.jsonl:5: field `html` is not a string but null"),
        "{err}"
    );
    let output = std::fs::read_to_string(dir.path().join("out.jsonl")).expect("output");
    let in_lines: Vec<&str> = input.split_inclusive('\n').collect();
    let out_lines: Vec<&str> = output.split_inclusive('\n').collect();
    assert_eq!(in_lines.len(), out_lines.len());
    for (a, b) in in_lines.iter().zip(&out_lines) {
        let Ok(serde_json::Value::Object(ra)) = serde_json::from_str::<serde_json::Value>(a) else {
            assert_eq!(a, b, "a malformed or blank line changed");
            continue;
        };
        let Some(serde_json::Value::String(old)) = ra.get("html") else {
            assert_eq!(a, b, "a line without a string html changed");
            continue;
        };
        let rb: serde_json::Value = serde_json::from_str(b).expect("output line is JSON");
        let new = rb["html"].as_str().expect("html string");
        assert_eq!(new.as_bytes(), cli_fix(old.as_bytes()), "{a}");
        // Every byte but the html value's is as it was (line ends included).
        assert_eq!(
            a.replacen(&format!(":{}", json_str(old)), ":@", 1),
            b.replacen(&format!(":{}", json_str(new)), ":@", 1)
        );
    }
    assert!(output.contains(DEBRIS_FIXED));
    assert!(output.ends_with(&format!("{{\"html\":{}}}", json_str(DEBRIS_FIXED))));
    assert!(output.contains(&format!("{{\"html\":{}}}\r\n", json_str(DEBRIS_FIXED))));

    let findings = std::fs::read_to_string(dir.path().join("findings.jsonl")).expect("findings");
    let f: Vec<serde_json::Value> = findings
        .lines()
        .map(|l| serde_json::from_str(l).expect("findings line"))
        .collect();
    // Every page and every malformed line; not the blank one.
    assert_eq!(f.len(), 9, "{findings}");
    assert_eq!(f[0]["id"], 0);
    assert_eq!(f[0]["url"], "https://a.example/0");
    assert_eq!(f[0]["line"], 1);
    assert_eq!(f[0]["fixed"]["tag-debris"], 1);
    assert_eq!(f[0]["changed"], true);
    assert!(f[2]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("not JSON")));
    // Diagnostics have the shape of `check --output-format json`.
    let d = f
        .iter()
        .flat_map(|l| l["diagnostics"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("a remaining finding");
    for key in ["rule", "path", "message", "start", "end", "fix"] {
        assert!(d.get(key).is_some(), "{key} missing in {d}");
    }
}

#[test]
fn jsonl_without_fix_lints_to_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = format!("{{\"url\":\"u\",\"html\":{}}}\n", json_str(DEBRIS));
    let (code, out, err) = tagmend(
        &["corpus", "--format", "jsonl", "-"],
        dir.path(),
        line.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one findings line");
    assert_eq!(v["diagnostics"][0]["rule"], "tag-debris");
    assert_eq!(v["changed"], false);
    // With -o, the records are copied unchanged.
    let (code, _, err) = tagmend(
        &["corpus", "--format", "jsonl", "-", "-o", "copy.jsonl"],
        dir.path(),
        line.as_bytes(),
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("copy.jsonl")).expect("copy"),
        line
    );
}

#[test]
fn jsonl_order_across_batches_several_inputs_and_gzip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = String::new();
    for i in 0..1500 {
        let html = if i % 3 == 0 {
            DEBRIS.to_string()
        } else {
            format!("<p>page {i}</p>")
        };
        a.push_str(&format!("{{\"n\":{i},\"html\":{}}}\n", json_str(&html)));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(a.as_bytes()).expect("gzip");
    std::fs::write(dir.path().join("a.jsonl.gz"), gz.finish().expect("gzip")).expect("write");
    // No line end at the end of the first input: the inputs must not be glued.
    let b = format!("{{\"n\":\"b\",\"html\":{}}}", json_str(DEBRIS));
    std::fs::write(dir.path().join("b.jsonl"), &b).expect("write");

    let (code, out, err) = tagmend(
        &[
            "corpus",
            "--format",
            "jsonl",
            "--fix",
            "--quiet",
            "b.jsonl",
            "a.jsonl.gz",
            "-",
        ],
        dir.path(),
        b"{\"n\":\"stdin\",\"html\":\"<p>x</p>\"}\n",
    );
    assert!(code == 0 || code == 1, "{err}");
    // Plain first input: plain output.
    let out = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1502);
    assert!(lines[0].contains(r#""n":"b""#));
    for (i, l) in lines[1..1501].iter().enumerate() {
        assert!(l.starts_with(&format!("{{\"n\":{i},")), "line {i}: {l}");
        assert_eq!(l.contains("</td> <td>"), i % 3 == 0);
    }
    assert!(lines[1501].contains("stdin"));

    // Compressed first input: compressed output.
    let (_, out, err) = tagmend(
        &[
            "corpus",
            "--format",
            "jsonl",
            "--fix",
            "a.jsonl.gz",
            "-o",
            "out.jsonl.gz",
        ],
        dir.path(),
        b"",
    );
    assert!(
        err.contains("Fixed 500 issues in 500 of 1500 pages"),
        "{err}"
    );
    assert!(out.is_empty());
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(
        std::fs::File::open(dir.path().join("out.jsonl.gz")).expect("open"),
    )
    .read_to_string(&mut text)
    .expect("gunzip");
    assert_eq!(text.lines().count(), 1500);
    assert_eq!(text.matches(DEBRIS_FIXED).count(), 500);
}

#[test]
fn bad_arguments() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.jsonl"), "{}\n").expect("write");
    let (code, _, err) = tagmend(
        &[
            "corpus", "--format", "jsonl", "--fix", "a.jsonl", "-o", "a.jsonl",
        ],
        dir.path(),
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("would overwrite an input"), "{err}");
    let (code, _, err) = tagmend(
        &["corpus", "--format", "jsonl", "--select", "nope", "a.jsonl"],
        dir.path(),
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule or group `nope`"), "{err}");
    let (code, _, err) = tagmend(
        &["corpus", "--format", "jsonl", "missing.jsonl", "a.jsonl"],
        dir.path(),
        b"",
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.jsonl"), "{err}");
}

// ---------------------------------------------------------------------------
// WARC

fn digest(bytes: &[u8]) -> String {
    format!(
        "sha1:{}",
        data_encoding::BASE32.encode(&Sha1::digest(bytes))
    )
}

/// One WARC record with digests, as crawlers write them.
fn record(
    kind: &str,
    uri: &str,
    id: usize,
    content_type: &str,
    block: &[u8],
    payload: Option<&[u8]>,
) -> Vec<u8> {
    let mut head = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\n\
         WARC-Date: 2024-01-01T00:00:00Z\r\n"
    );
    if !uri.is_empty() {
        head.push_str(&format!("WARC-Target-URI: {uri}\r\n"));
    }
    if let Some(p) = payload {
        head.push_str(&format!("WARC-Payload-Digest: {}\r\n", digest(p)));
    }
    head.push_str(&format!(
        "WARC-Block-Digest: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        digest(block),
        block.len()
    ));
    let mut out = head.into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn response(uri: &str, id: usize, http_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!("HTTP/1.1 200 OK\r\n{http_headers}\r\n").into_bytes();
    block.extend_from_slice(body);
    record(
        "response",
        uri,
        id,
        "application/http; msgtype=response",
        &block,
        Some(body),
    )
}

/// A windows-1252 page with enough accented text for a guess to get it right.
fn cp1252_page() -> Vec<u8> {
    let text = page(
        "Caf\u{e9}",
        &format!(
            "<p>Le caf\u{e9} cr\u{e8}me co\u{fb}te tr\u{e8}s cher \u{e0} Paris, d\u{e9}j\u{e0} \
             d\u{e9}cid\u{e9} par le pr\u{e9}fet; \u{ab}\u{a0}na\u{ef}ve\u{a0}\u{bb} r\u{e9}sum\u{e9} \
             \u{2014} \u{e9}l\u{e8}ve, fen\u{ea}tre, ma\u{ee}tre, h\u{f4}tel.</p>{DEBRIS}"
        ),
    );
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad);
    bytes.into_owned()
}

struct Built {
    records: Vec<Vec<u8>>,
    /// Which records hold a page tagmend may repair.
    html: Vec<bool>,
}

fn build_warc() -> Built {
    let utf8 = page("Utf", &format!("<p>Caf\u{e9} \u{2014} ok.</p>{DEBRIS}"));
    let cp1252 = cp1252_page();
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake td> image";
    let json = format!("{{\"html\":{}}}", json_str(DEBRIS));
    let records = vec![
        (
            record(
                "warcinfo",
                "",
                1,
                "application/warc-fields",
                b"software: corpus_mode.rs\r\nformat: WARC File Format 1.0\r\n",
                None,
            ),
            false,
        ),
        (
            record(
                "request",
                "https://a.example/utf8",
                2,
                "application/http; msgtype=request",
                b"GET /utf8 HTTP/1.1\r\nHost: a.example\r\n\r\n",
                Some(b""),
            ),
            false,
        ),
        (
            response(
                "https://a.example/utf8",
                3,
                &format!(
                    "Content-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nX-Other: kept\r\n",
                    utf8.len()
                ),
                utf8.as_bytes(),
            ),
            true,
        ),
        (
            response(
                "https://a.example/cp1252",
                4,
                "content-type: text/html; charset=windows-1252\r\n",
                &cp1252,
            ),
            true,
        ),
        (
            response(
                "https://a.example/img.png",
                5,
                &format!("Content-Type: image/png\r\nContent-Length: {}\r\n", png.len()),
                png,
            ),
            false,
        ),
        (
            response(
                "https://a.example/api",
                6,
                "Content-Type: application/json\r\n",
                json.as_bytes(),
            ),
            false,
        ),
        (
            response(
                "https://a.example/clean",
                7,
                "Content-Type: text/html\r\n",
                CLEAN.as_bytes(),
            ),
            true,
        ),
        (
            response(
                "https://a.example/chunked",
                8,
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                &chunked(&[&DEBRIS.as_bytes()[..10], &DEBRIS.as_bytes()[10..]]),
            ),
            true,
        ),
        (
            record(
                "metadata",
                "https://a.example/utf8",
                9,
                "application/warc-fields",
                b"via: https://a.example/\r\n",
                None,
            ),
            false,
        ),
        (
            response(
                "https://a.example/gzip",
                10,
                &format!(
                    "Content-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n",
                    gzip(DEBRIS.as_bytes()).len()
                ),
                &gzip(DEBRIS.as_bytes()),
            ),
            true,
        ),
        (
            response(
                "https://a.example/chunked-gzip",
                11,
                "Content-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                &chunked(&[&gzip(DEBRIS.as_bytes())]),
            ),
            true,
        ),
        (
            response(
                "https://a.example/brotli",
                12,
                "Content-Type: text/html\r\nContent-Encoding: br\r\n",
                b"\x1b\x03not really brotli td>",
            ),
            false,
        ),
    ];
    let (records, html) = records.into_iter().unzip();
    Built { records, html }
}

fn chunked(chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in chunks {
        out.extend_from_slice(format!("{:x};ext=1\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// The page in an HTTP body, chunked and gzip codings undone.
fn decode(http: &str, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    if header(http, "Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size");
            let size_text = std::str::from_utf8(&rest[..nl]).expect("ascii");
            let size =
                usize::from_str_radix(size_text.split(';').next().expect("size"), 16).expect("hex");
            rest = &rest[nl + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    if header(http, "Content-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("gzip")) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&body[..])
            .read_to_end(&mut out)
            .expect("gunzip");
        body = out;
    }
    body
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// Split a WARC into records by their Content-Length.
fn split_records(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let head_end = data
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end")
            + 4;
        let head = std::str::from_utf8(&data[..head_end]).expect("ascii header");
        let len: usize = header(head, "content-length")
            .expect("Content-Length")
            .parse()
            .expect("number");
        let end = head_end + len + 4;
        assert_eq!(&data[end - 4..end], b"\r\n\r\n");
        out.push(data[..end].to_vec());
        data = &data[end..];
    }
    out
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// WARC header, HTTP header and body of a response record.
fn parts(rec: &[u8]) -> (String, String, Vec<u8>) {
    let head_end = rec.windows(4).position(|w| w == b"\r\n\r\n").expect("end") + 4;
    let block = &rec[head_end..rec.len() - 4];
    let http_end = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end")
        + 4;
    (
        String::from_utf8(rec[..head_end].to_vec()).expect("ascii"),
        String::from_utf8_lossy(&block[..http_end]).into_owned(),
        block[http_end..].to_vec(),
    )
}

fn check_warc_output(built: &Built, out: &[Vec<u8>]) {
    assert_eq!(out.len(), built.records.len(), "records missing");
    let mut repaired = 0;
    for ((rec_in, rec_out), html) in built.records.iter().zip(out).zip(&built.html) {
        let id =
            |r: &[u8]| header(&String::from_utf8_lossy(r), "WARC-Record-ID").map(str::to_string);
        assert_eq!(id(rec_in), id(rec_out), "order");
        if !html {
            assert_eq!(rec_in, rec_out, "a record that is not a page changed");
            continue;
        }
        let (_, http_in, stored_in) = parts(rec_in);
        let (warc, http, stored_out) = parts(rec_out);
        let (body_in, body_out) = (decode(&http_in, &stored_in), decode(&http, &stored_out));
        assert_eq!(body_out, cli_fix(&body_in), "differs from check --fix -");
        if body_out == body_in {
            assert_eq!(rec_in, rec_out, "an unchanged page's record changed");
            continue;
        }
        repaired += 1;
        let block = &rec_out[warc.len()..rec_out.len() - 4];
        assert_eq!(
            header(&warc, "Content-Length"),
            Some(block.len().to_string().as_str())
        );
        assert_eq!(
            header(&warc, "WARC-Block-Digest"),
            Some(digest(block).as_str())
        );
        // The payload digest covers the body as stored (warcio's convention).
        assert_eq!(
            header(&warc, "WARC-Payload-Digest"),
            Some(digest(&stored_out).as_str())
        );
        if let Some(len) = header(&http, "Content-Length") {
            assert_eq!(len, stored_out.len().to_string());
        }
        // Other header lines keep their order and bytes.
        let others = |h: &str| -> Vec<String> {
            h.lines()
                .filter(|l| {
                    !["content-length", "warc-block-digest", "warc-payload-digest"]
                        .iter()
                        .any(|n| l.to_ascii_lowercase().starts_with(n))
                })
                .map(str::to_string)
                .collect()
        };
        let (warc_in, http_in, _) = parts(rec_in);
        assert_eq!(others(&warc_in), others(&warc));
        assert_eq!(others(&http_in), others(&http));
    }
    assert_eq!(
        repaired, 5,
        "utf-8, windows-1252, chunked, gzip, chunked gzip"
    );
}

#[test]
fn warc_round_trip_plain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = build_warc();
    std::fs::write(dir.path().join("in.warc"), built.records.concat()).expect("write");
    let (code, out, err) = tagmend(
        &[
            "corpus",
            "--format",
            "warc",
            "--fix",
            "in.warc",
            "--findings",
            "f.jsonl",
        ],
        dir.path(),
        b"",
    );
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        err.contains(
            "in.warc: record 12 (https://a.example/brotli): HTTP body sent with `Content-Encoding: br`"
        ),
        "{err}"
    );
    check_warc_output(&built, &split_records(&out));
    // The cp1252 page keeps its encoding: the accents are still single bytes.
    let out_records = split_records(&out);
    let (_, _, body) = parts(&out_records[3]);
    assert!(
        body.windows(5).any(|w| w == b"caf\xe9 "),
        "windows-1252 bytes kept"
    );
    assert!(String::from_utf8_lossy(&body).contains(DEBRIS_FIXED));

    let findings = std::fs::read_to_string(dir.path().join("f.jsonl")).expect("findings");
    let f: Vec<serde_json::Value> = findings
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(f.len(), 7, "six pages and the skipped one: {findings}");
    assert_eq!(
        f[0]["id"],
        "<urn:uuid:00000000-0000-0000-0000-000000000003>"
    );
    assert_eq!(f[0]["url"], "https://a.example/utf8");
    assert_eq!(f[0]["record"], 3);
    assert_eq!(f[0]["fixed"]["tag-debris"], 1);
    assert!(f[6]["skipped"].as_str().is_some_and(|s| s.contains("br")));
}

#[test]
fn warc_round_trip_gzip_keeps_members() {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = build_warc();
    let members: Vec<Vec<u8>> = built.records.iter().map(|r| gzip(r)).collect();
    std::fs::write(dir.path().join("in.warc.gz"), members.concat()).expect("write");
    let (code, _, err) = tagmend(
        &[
            "corpus",
            "--format",
            "warc",
            "--fix",
            "in.warc.gz",
            "-o",
            "out.warc.gz",
        ],
        dir.path(),
        b"",
    );
    assert!(code == 0 || code == 1, "{err}");
    let out = std::fs::read(dir.path().join("out.warc.gz")).expect("output");
    // One gzip member per record; untouched records keep their member's bytes.
    let mut rest = &out[..];
    let mut records = Vec::new();
    let mut out_members = Vec::new();
    while !rest.is_empty() {
        let mut dec = flate2::bufread::GzDecoder::new(rest);
        let mut rec = Vec::new();
        dec.read_to_end(&mut rec).expect("gunzip member");
        let left = dec.into_inner();
        out_members.push(rest[..rest.len() - left.len()].to_vec());
        rest = left;
        assert_eq!(split_records(&rec).len(), 1, "one record per member");
        records.push(rec);
    }
    check_warc_output(&built, &records);
    for ((m_in, m_out), rec) in members.iter().zip(&out_members).zip(&records) {
        if built.records.contains(rec) {
            assert_eq!(m_in, m_out, "an untouched record's gzip member changed");
        }
    }
}

#[test]
fn warc_malformed_rest_is_copied_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = build_warc();
    let mut data = built.records[..3].concat();
    data.extend_from_slice(b"\r\nGARBAGE that is not a record\r\n\r\nmore");
    let (code, out, err) = tagmend(
        &["corpus", "--format", "warc", "--fix", "-"],
        dir.path(),
        &data,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-: record 4: not a WARC record"), "{err}");
    assert!(out.ends_with(b"\r\nGARBAGE that is not a record\r\n\r\nmore"));
    assert_eq!(&out[..built.records[0].len()], &built.records[0][..]);
}

#[test]
fn warc_truncated_record_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = build_warc();
    let mut data = built.records[..3].concat();
    data.truncate(data.len() - 40);
    let (code, out, err) = tagmend(
        &["corpus", "--format", "warc", "--fix", "-"],
        dir.path(),
        &data,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("-: record 3: the input ends inside a record"),
        "{err}"
    );
    assert_eq!(out, data, "nothing lost, nothing changed");
}

#[test]
fn warc_large_records_stream_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Over --max-bytes plus the 1 MiB of headroom: not held in memory.
    let big_html = format!("<p>{}</p>{DEBRIS}", "word ".repeat(240_000));
    let big_bin = vec![7u8; 1_300_000];
    let records = [
        response(
            "https://a.example/big",
            1,
            "Content-Type: text/html\r\n",
            big_html.as_bytes(),
        ),
        response(
            "https://a.example/bin",
            2,
            "Content-Type: application/octet-stream\r\n",
            &big_bin,
        ),
        response(
            "https://a.example/small",
            3,
            "Content-Type: text/html\r\n",
            DEBRIS.as_bytes(),
        ),
    ];
    let data = records.concat();
    let (code, out, err) = tagmend(
        &[
            "corpus",
            "--format",
            "warc",
            "--fix",
            "--max-bytes",
            "1000",
            "-",
        ],
        dir.path(),
        &gzip(&data),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("-: record 1 (https://a.example/big): resource-limit: page skipped"),
        "{err}"
    );
    assert!(!err.contains("record 2"), "{err}");
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&out[..])
        .read_to_end(&mut text)
        .expect("gunzip");
    let out_records = split_records(&text);
    assert_eq!(out_records[0], records[0]);
    assert_eq!(out_records[1], records[1]);
    assert_ne!(out_records[2], records[2]);
    assert_eq!(parts(&out_records[2]).2, DEBRIS_FIXED.as_bytes());
}

#[test]
fn warc_resource_record_is_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rec = record(
        "resource",
        "file:///site/a.html",
        1,
        "text/html; charset=utf-8",
        DEBRIS.as_bytes(),
        Some(DEBRIS.as_bytes()),
    );
    let (code, out, err) = tagmend(
        &["corpus", "--format", "warc", "--fix", "-"],
        dir.path(),
        &rec,
    );
    assert!(code == 0 || code == 1, "{err}");
    let out = split_records(&out);
    let head_end = out[0]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end")
        + 4;
    let head = String::from_utf8(out[0][..head_end].to_vec()).expect("ascii");
    let block = &out[0][head_end..out[0].len() - 4];
    assert_eq!(block, DEBRIS_FIXED.as_bytes());
    assert_eq!(
        header(&head, "WARC-Block-Digest"),
        Some(digest(block).as_str())
    );
    assert_eq!(
        header(&head, "WARC-Payload-Digest"),
        Some(digest(block).as_str())
    );
    assert_eq!(
        header(&head, "Content-Length"),
        Some(block.len().to_string().as_str())
    );
}

#[test]
fn jsonl_overlong_line_streams_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Longer than 4 × --max-bytes + 1 MiB: never held in memory.
    let long = format!(
        "{{\"html\":{}}}\n",
        json_str(&format!("<p>{}</p>", "x".repeat(1_200_000)))
    );
    let next = format!("{{\"html\":{}}}\n", json_str(DEBRIS));
    let input = format!("{long}{next}");
    let (code, out, err) = tagmend(
        &[
            "corpus",
            "--format",
            "jsonl",
            "--fix",
            "--max-bytes",
            "100",
            "-",
        ],
        dir.path(),
        input.as_bytes(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-:1: line longer than 1048976 bytes"), "{err}");
    let out = String::from_utf8(out).expect("utf-8");
    assert!(out.starts_with(&long));
    assert_eq!(
        &out[long.len()..],
        format!("{{\"html\":{}}}\n", json_str(DEBRIS_FIXED))
    );
}
