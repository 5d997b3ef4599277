#!/usr/bin/env python3
"""`tagmend corpus` round trips checked with warcio, the standard Python WARC library.

WARC: writes a WARC.gz with warcio holding HTML responses in several encodings
(utf-8, windows-1252 and shift_jis with the charset only in the HTTP header, one
with a <meta charset>, bodies sent chunked and/or gzip-compressed, one deflated
body tagmend leaves alone) plus warcinfo, request, metadata, image/png and
application/json records; runs `tagmend corpus --format warc
--fix`; reads the output back with warcio and checks that every record is there
in order, that every record but the repaired pages is byte-identical (its gzip
member too), that each repaired page equals `tagmend check --fix -` on the same
body, and that every digest verifies (warcio's own checker and `warcio check`).

JSONL: the same round trip; every field but `html` keeps its bytes, and a
malformed line is reported and written through.

Pages come from ../shared/corpus/articles when it is there, else from small
inline pages. Run by tests/corpus_mode.sh; TAGMEND names the binary.
"""

import concurrent.futures
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLES = os.path.join(ROOT, "..", "shared", "corpus", "articles")
TAGMEND = os.environ.get("TAGMEND") or os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "tagmend"
)

DEBRIS = "<table><tr><td>Region td> <td>Panama</td></tr></table>"
INLINE = [
    "<!DOCTYPE html><html><head><title>One</title></head><body>"
    "<p>Caf\u00e9 owners don\u2019t agree.</p>" + DEBRIS + "</body></html>",
    "<!DOCTYPE html><html><head><title>Two</title></head><body>"
    "<p>Na\u00efve r\u00e9sum\u00e9 &amp; <b>bold <i>text</b></i></p></body></html>",
    "<p>A fragment <br/> with & an ampersand</p>",
]
SHIFT_JIS_PAGE = (
    "<!DOCTYPE html><html><head><title>\u65e5\u672c\u8a9e</title></head><body>"
    "<p>\u3053\u308c\u306f\u65e5\u672c\u8a9e\u306e\u30da\u30fc\u30b8\u3067\u3059\u3002"
    "\u6771\u4eac\u3067\u6708\u66dc\u65e5\u306b\u4f1a\u8b70\u304c\u958b\u304b\u308c\u307e\u3057\u305f\u3002</p>"
    + DEBRIS * 2
    + "</body></html>"
)
CLEAN = "<!DOCTYPE html><html><head><title>Clean</title></head><body><p>Nothing to fix.</p></body></html>"
META_1252 = (
    '<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Meta</title></head>'
    "<body><p>Caf\u00e9 cr\u00e8me.</p>" + DEBRIS + "</body></html>"
)
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def articles():
    """The corpus pages as (name, bytes), or inline pages when it is absent."""
    if os.path.isdir(ARTICLES):
        names = sorted(n for n in os.listdir(ARTICLES) if n.endswith(".html"))
        if names:
            return [(n, open(os.path.join(ARTICLES, n), "rb").read()) for n in names]
    print("warc_roundtrip: ../shared/corpus/articles absent; using inline pages")
    return [(f"inline-{i}.html", p.encode("utf-8")) for i, p in enumerate(INLINE)]


def without_meta_charset(text):
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.I)
    return re.sub(r"<meta[^>]*http-equiv[^>]*content-type[^>]*>", "", text, flags=re.I)


def cli_fix(body):
    """What `tagmend check --fix -` writes for `body`."""
    r = subprocess.run(
        [TAGMEND, "check", "--fix", "--quiet", "--output-format", "concise", "-"],
        input=body,
        capture_output=True,
    )
    assert r.returncode in (0, 1), (r.returncode, r.stderr.decode("utf-8", "replace"))
    return r.stdout


def run_corpus(args):
    r = subprocess.run([TAGMEND, "corpus", *args], capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def raw_records(path):
    """Each record's uncompressed bytes and its raw gzip member, in order."""
    data = open(path, "rb").read()
    out = []
    with open(path, "rb") as f:
        it = ArchiveIterator(f, check_digests=True)
        for rec in it:
            rec.content_stream().read()
            assert rec.digest_checker.passed is not False, (
                rec.rec_headers.get_header("WARC-Record-ID"),
                list(rec.digest_checker.problems),
            )
            off, length = it.get_record_offset(), it.get_record_length()
            member = data[off : off + length]
            out.append((rec.rec_headers.get_header("WARC-Record-ID"), gzip.decompress(member), member))
    return out


def warc_pages():
    """(uri, body, content-type, extra headers) of every HTML response to write."""
    pages = []
    arts = articles()
    # No charset in the header: each page's own declaration decides, as for
    # `tagmend check` (a header charset is information the command line lacks:
    # a page served as UTF-8 that declares a legacy charset gets its
    # declaration fixed in corpus mode only).
    for name, body in arts:
        pages.append((f"https://articles.example/{name}", body, "text/html", []))
    # The same articles in legacy encodings, the charset only in the HTTP header.
    for name, body in arts[:5]:
        text = without_meta_charset(body.decode("utf-8", "replace"))
        enc = text.encode("windows-1252", "xmlcharrefreplace")
        pages.append((f"https://cp1252.example/{name}", enc, "text/html; charset=windows-1252", []))
    for i, p in enumerate(INLINE):
        pages.append(
            (f"https://inline.example/{i}", p.encode("windows-1252"), "text/html; charset=windows-1252", [])
        )
    pages.append(("https://sjis.example/", SHIFT_JIS_PAGE.encode("shift_jis"), "text/html; charset=Shift_JIS", []))
    pages.append(("https://meta.example/", META_1252.encode("windows-1252"), "text/html", []))
    pages.append(("https://clean.example/", CLEAN.encode(), "text/html; charset=utf-8", []))
    pages.append(("https://xhtml.example/", INLINE[0].encode(), "application/xhtml+xml; charset=utf-8", []))
    return pages


def write_input_warc(path):
    """Returns the kinds of the records written, in order: 'html', 'chunked' or 'other'."""
    kinds = []
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warcinfo_record("in.warc.gz", {"software": "warc_roundtrip.py"}))
        kinds.append("other")
        for uri, body, ctype, extra in warc_pages():
            req = w.create_warc_record(
                uri,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True
                ),
            )
            w.write_record(req)
            kinds.append("other")
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra],
                protocol="HTTP/1.1",
            )
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
            kinds.append("html")
        for uri, ctype, body in [
            ("https://img.example/p.png", "image/png", PNG),
            ("https://api.example/x.json", "application/json", json.dumps({"html": DEBRIS}).encode()),
        ]:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
            )
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
            kinds.append("other")
        # HTML sent chunked, gzip-compressed, both: decoded, repaired, re-encoded.
        # Deflate: left unchanged (and reported as skipped).
        page = DEBRIS.encode()
        gz = gzip.compress(page)
        for uri, headers, body, kind in [
            ("https://chunked.example/", [("Transfer-Encoding", "chunked")], chunk(page[:9], page[9:]), "html"),
            ("https://gzip.example/", [("Content-Encoding", "gzip"), ("Content-Length", str(len(gz)))], gz, "html"),
            (
                "https://chunked-gzip.example/",
                [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
                chunk(gz),
                "html",
            ),
            ("https://deflate.example/", [("Content-Encoding", "deflate")], zlib.compress(page), "skipped"),
        ]:
            h = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=h))
            kinds.append(kind)
        meta = w.create_warc_record(
            "https://img.example/p.png",
            "metadata",
            payload=io.BytesIO(b"via: https://articles.example/\r\n"),
            warc_content_type="application/warc-fields",
        )
        w.write_record(meta)
        kinds.append("other")
    return kinds


def chunk(*parts):
    """`parts` as a Transfer-Encoding: chunked body."""
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def pages_by_id(path):
    """Each response's HTTP body, transfer and content codings undone by warcio."""
    out = {}
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                out[rec.rec_headers.get_header("WARC-Record-ID")] = rec.content_stream().read()
    return out


def check_warc(tmp):
    src = os.path.join(tmp, "in.warc.gz")
    dst = os.path.join(tmp, "out.warc.gz")
    findings = os.path.join(tmp, "findings.jsonl")
    kinds = write_input_warc(src)
    code, _, err = run_corpus(["--format", "warc", "--fix", src, "-o", dst, "--findings", findings])
    assert code in (0, 1), (code, err)
    assert "Content-Encoding: deflate" in err, err

    before, after = raw_records(src), raw_records(dst)
    assert [r[0] for r in before] == [r[0] for r in after], "records missing or out of order"
    assert len(before) == len(kinds)

    bodies = []
    for (rid, raw_in, member_in), (_, raw_out, member_out), kind in zip(before, after, kinds):
        if kind != "html":
            assert raw_in == raw_out, f"{rid}: a {kind} record changed"
            assert member_in == member_out, f"{rid}: its gzip member changed"
        else:
            bodies.append((rid, raw_in, raw_out))

    pages_in, pages_out = pages_by_id(src), pages_by_id(dst)

    def compare(item):
        rid, raw_in, raw_out = item
        body_in, body_out = pages_in[rid], pages_out[rid]
        expected = cli_fix(body_in)
        assert body_out == expected, f"{rid}: differs from `tagmend check --fix -`"
        if body_out == body_in:
            assert raw_out == raw_in, f"{rid}: unchanged page, changed record"
        return body_out != body_in

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        changed = sum(pool.map(compare, bodies))
    assert changed > 0, "no page was repaired"

    # HTTP Content-Length matches the body, with warcio's own parser.
    with open(dst, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response" and rec.http_headers.get_header("Content-Length"):
                stored = rec.raw_stream.read()  # codings not undone
                assert int(rec.http_headers.get_header("Content-Length")) == len(stored), rec.rec_headers

    r = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", dst], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "digest pass" in r.stdout, r.stdout

    lines = [json.loads(l) for l in open(findings, encoding="utf-8")]
    assert len(lines) == len(bodies) + 1, len(lines)  # every page, and the deflate one
    assert all(l["id"] and l["url"] for l in lines)
    assert any(l["skipped"] for l in lines)
    print(f"warc: {len(before)} records, {len(bodies)} pages, {changed} repaired; digests verified")


def check_jsonl(tmp):
    src = os.path.join(tmp, "in.jsonl")
    dst = os.path.join(tmp, "out.jsonl")
    records = []
    for i, (name, body) in enumerate(articles()):
        html = body.decode("utf-8", "replace")
        rec = {"id": i, "url": f"https://articles.example/{name}", "html": html, "meta": {"lang": "en"}, "score": 1.5}
        records.append((rec, i % 2 == 0))
    for i, p in enumerate(INLINE + [SHIFT_JIS_PAGE, CLEAN]):
        records.append(({"url": f"https://inline.example/{i}", "html": p, "tags": ["a", "b"]}, i % 2 == 1))
    lines = []
    for rec, ascii_only in records:
        lines.append(json.dumps(rec, ensure_ascii=ascii_only).encode())
    bad = [b'{"html": "<p>unterminated', b'{"id": 99, "text": "no html field"}', b'["not", "an", "object"]']
    lines[3:3] = bad
    with open(src, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")

    code, _, err = run_corpus(["--format", "jsonl", "--fix", src, "-o", dst])
    assert code == 2, (code, err)
    for n in (4, 5, 6):
        assert f"in.jsonl:{n}:" in err, err
    out_lines = open(dst, "rb").read().split(b"\n")
    assert out_lines[-1] == b""
    out_lines = out_lines[:-1]
    assert len(out_lines) == len(lines)

    def compare(pair):
        line_in, line_out = pair
        if line_in in bad:
            assert line_out == line_in
            return False
        rec_in, rec_out = json.loads(line_in), json.loads(line_out)
        assert list(rec_in) == list(rec_out), "key order changed"
        expected = cli_fix(rec_in["html"].encode("utf-8")).decode("utf-8")
        assert rec_out["html"] == expected, f"{rec_in.get('url')}: differs from `tagmend check --fix -`"
        # Every byte outside the html value is as it was.
        ascii_only = line_in.isascii()
        enc_in = json.dumps(rec_in["html"], ensure_ascii=ascii_only).encode()
        enc_out = json.dumps(rec_out["html"], ensure_ascii=ascii_only).encode()
        assert enc_in in line_in and enc_out in line_out, "unexpected JSON string style"
        assert line_in.replace(enc_in, b"@@") == line_out.replace(enc_out, b"@@"), "other bytes changed"
        return rec_out["html"] != rec_in["html"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        changed = sum(pool.map(compare, zip(lines, out_lines)))
    assert changed > 0, "no page was repaired"
    print(f"jsonl: {len(lines)} lines, {changed} repaired, {len(bad)} malformed written through")


def main():
    assert os.path.exists(TAGMEND), f"build tagmend first: {TAGMEND}"
    with tempfile.TemporaryDirectory() as tmp:
        check_warc(tmp)
        check_jsonl(tmp)
    print("2 passed, 0 failed")


if __name__ == "__main__":
    main()
