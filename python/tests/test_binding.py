"""The Python binding: str and bytes, errors, selectors, the GIL, and equality
with the command line over the whole corpus."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import Cli, without

import tagmend

TABLE = "<table><tr><td>Region td> <td>Panama</td></tr></table>"
TABLE_FIXED = "<table><tr><td>Region</td> <td>Panama</td></tr></table>"


def test_version() -> None:
    assert isinstance(tagmend.__version__, str)
    assert tagmend.__version__.count(".") == 2


def test_fix_str_gives_str() -> None:
    fixed, remaining = tagmend.fix(TABLE)
    assert fixed == TABLE_FIXED
    assert remaining == []


def test_fix_bytes_gives_bytes() -> None:
    fixed, remaining = tagmend.fix(TABLE.encode())
    assert fixed == TABLE_FIXED.encode()
    assert remaining == []


def test_fix_keeps_a_legacy_encoding_byte_for_byte() -> None:
    page = (
        '<!DOCTYPE html><html><head><meta charset="windows-1252"><title>t</title>'
        "</head><body><table><tr><td>Caf\u00e9 td> <td>x</td></tr></table></body></html>"
    ).encode("cp1252")
    fixed, _ = tagmend.fix(page)
    assert isinstance(fixed, bytes)
    assert fixed == page.replace(b" td> ", b"</td> ")


def test_check_shape() -> None:
    found = tagmend.check(TABLE)
    assert [d["rule"] for d in found] == ["tag-debris"]
    d = found[0]
    assert set(d) == {"rule", "group", "message", "note", "start", "end", "fix"}
    assert d["group"] == "debris"
    assert d["start"] == {"line": 1, "column": 23, "offset": 22}
    assert d["end"] == {"line": 1, "column": 26, "offset": 25}
    assert TABLE[d["start"]["offset"] : d["end"]["offset"]] == "td>"
    fix = d["fix"]
    assert fix is not None
    assert fix["applicability"] == "safe"
    assert fix["applies"] is True
    # The space the lost `</` left goes with the debris.
    space = {"line": 1, "column": 22, "offset": 21}
    assert fix["edits"] == [{"start": space, "end": d["end"], "content": "</td>"}]


def test_offsets_are_utf8_bytes_and_columns_characters() -> None:
    page = "<table><tr><td>\u00e9\u00e9 td> <td>x</td></tr></table>"
    (d,) = tagmend.check(page)
    at = page.index(" td>") + 1
    assert d["start"]["column"] == at + 1
    assert d["start"]["offset"] == len(page[:at].encode())


def test_str_and_bytes_agree() -> None:
    page = "<p>caf\u00e9 d\u00e9j\u00e0 vu</p><table><tr><td>a td> <td>b</td></tr></table>"
    assert tagmend.check(page) == tagmend.check(page.encode())
    fixed, remaining = tagmend.fix(page)
    fixed_b, remaining_b = tagmend.fix(page.encode())
    assert fixed.encode() == fixed_b
    assert remaining == remaining_b


def test_unsafe_fixes() -> None:
    # UTF-8 bytes under a windows-1252 declaration: re-declaring is an unsafe fix.
    page = (
        '<!DOCTYPE html><html><head><meta charset="windows-1252"><title>t</title>'
        "</head><body><p>caf\u00e9 don\u2019t</p></body></html>"
    ).encode()
    safe = tagmend.check(page)
    unsafe = tagmend.check(page, unsafe_fixes=True)
    assert [without(d, "fix") for d in safe] == [without(d, "fix") for d in unsafe]
    (s,) = [d for d in safe if d["rule"] == "charset-mismatch"]
    (u,) = [d for d in unsafe if d["rule"] == "charset-mismatch"]
    assert s["fix"] is not None and u["fix"] is not None
    assert s["fix"]["applicability"] == "unsafe"
    assert not s["fix"]["applies"] and u["fix"]["applies"]
    assert tagmend.fix(page)[0] == page
    fixed, remaining = tagmend.fix(page, unsafe_fixes=True)
    assert fixed == page.replace(b"windows-1252", b"utf-8")
    assert "charset-mismatch" not in {d["rule"] for d in remaining}
    # The same page as str: fixed as its UTF-8 bytes, so the same repair.
    assert tagmend.fix(page.decode(), unsafe_fixes=True)[0] == fixed.decode()


def test_select_and_ignore() -> None:
    page = "<table><tr><td>a td> <td>b</td></tr></table><p>the the cat</p>"
    rules = {d["rule"] for d in tagmend.check(page)}
    assert {"tag-debris", "repeated-word"} <= rules
    assert {d["rule"] for d in tagmend.check(page, select="tag-debris")} == {"tag-debris"}
    assert {d["rule"] for d in tagmend.check(page, select=["debris", "content"])} >= {
        "tag-debris",
        "repeated-word",
    }
    assert {d["rule"] for d in tagmend.check(page, select="debris, content")} == {
        d["rule"] for d in tagmend.check(page, select=["debris", "content"])
    }
    assert "tag-debris" not in {d["rule"] for d in tagmend.check(page, ignore=["debris"])}
    fixed, _ = tagmend.fix(page, ignore="tag-debris")
    assert "a td>" in fixed
    fixed, _ = tagmend.fix(page, select="tag-debris")
    assert "a</td>" in fixed and "the the" in fixed


def test_profile() -> None:
    page = "<p>An article body without a doctype.</p>"
    assert "missing-doctype" not in {d["rule"] for d in tagmend.check(page, profile="fragment")}
    with pytest.raises(ValueError, match="profile"):
        tagmend.check(page, profile="article")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: tagmend.check(TABLE, select="no-such-rule"),
            "unknown rule or group `no-such-rule`",
        ),
        (lambda: tagmend.fix(TABLE, ignore=["debris", "nope"]), "unknown rule or group `nope`"),
        (lambda: tagmend.fix(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "not an HTML text file"),
        (lambda: tagmend.check(b"<p>a\0b\0c\0d</p>" * 100), "not an HTML text file"),
        (lambda: tagmend.fix("<div>" * 1000), "resource-limit"),
        (lambda: tagmend.check(b"\xff\xfe<\0p\0>\0"), "encoding UTF-16LE is not supported"),
    ],
)
def test_errors_are_tagmend_errors(call, message: str) -> None:
    with pytest.raises(tagmend.TagmendError, match=message.replace("`", ".")) as e:
        call()
    assert isinstance(e.value, ValueError)


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        tagmend.check(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="select"):
        tagmend.check(TABLE, select=[1])  # type: ignore[list-item]
    with pytest.raises(UnicodeEncodeError):
        tagmend.check("<p>\ud800</p>")


def test_the_gil_is_released() -> None:
    """A Python thread keeps running while Rust fixes a large page; with the GIL
    held it could not run at all during the call."""
    page = ("<table>" + "<tr><td>Region td> <td>Panama</td></tr>" * 4000 + "</table>").encode()
    start = time.perf_counter()
    tagmend.fix(page)
    alone = time.perf_counter() - start

    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.05)
    before = ticks
    tagmend.fix(page)
    during = ticks - before
    stop.set()
    t.join()
    print(
        f"\nfix of a {len(page) // 1024} KiB page: {alone:.2f} s; "
        f"{during} ticks of another Python thread during it"
    )
    assert alone > 0.05, "the page is too small to tell"
    assert during > 1000


def test_threads_give_the_same_results() -> None:
    pages = [
        (f"<table><tr><td>{i} td> <td>x</td></tr></table><p>word word {i}</p>" * 50).encode()
        for i in range(16)
    ]
    alone = [tagmend.fix(p) for p in pages]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(tagmend.fix, pages))
    assert threaded == alone


# --- the whole corpus, against the command line ----------------------------


@pytest.mark.parametrize("unsafe_fixes", [False, True], ids=["safe", "unsafe"])
def test_fix_bytes_equals_cli_on_corpus(
    cli: Cli, corpus: dict[str, bytes], unsafe_fixes: bool
) -> None:
    expected = cli.fix_all(list(corpus.values()), unsafe_fixes)
    mismatched = []
    errors = 0
    for (name, page), want in zip(corpus.items(), expected):
        if want.status == 2:
            errors += 1
            with pytest.raises(tagmend.TagmendError):
                tagmend.fix(page, unsafe_fixes=unsafe_fixes)
            continue
        fixed, remaining = tagmend.fix(page, unsafe_fixes=unsafe_fixes)
        if fixed != want.stdout:
            mismatched.append(f"{name}: fixed page differs")
        elif [without(d, "group") for d in remaining] != [
            without(d, "path") for d in want.remaining or []
        ]:
            mismatched.append(f"{name}: remaining findings differ")
    print(
        f"\nfix(bytes, unsafe_fixes={unsafe_fixes}): {len(corpus) - len(mismatched)} "
        f"of {len(corpus)} pages equal to `tagmend check --fix -` ({errors} errors on both)"
    )
    assert not mismatched, "\n".join(mismatched)


@pytest.mark.parametrize("unsafe_fixes", [False, True], ids=["safe", "unsafe"])
def test_fix_str_equals_cli_on_utf8_corpus(
    cli: Cli, corpus: dict[str, bytes], unsafe_fixes: bool
) -> None:
    """A str is fixed as its UTF-8 bytes: the same as the CLI on those bytes."""
    utf8 = {}
    for name, page in corpus.items():
        try:
            utf8[name] = page.decode("utf-8")
        except UnicodeDecodeError:
            pass
    expected = cli.fix_all([t.encode() for t in utf8.values()], unsafe_fixes)
    mismatched = []
    for (name, text), want in zip(utf8.items(), expected):
        if want.status == 2:
            with pytest.raises(tagmend.TagmendError):
                tagmend.fix(text, unsafe_fixes=unsafe_fixes)
            continue
        fixed, _ = tagmend.fix(text, unsafe_fixes=unsafe_fixes)
        if fixed.encode() != want.stdout:
            mismatched.append(name)
    print(
        f"\nfix(str, unsafe_fixes={unsafe_fixes}): {len(utf8) - len(mismatched)} of "
        f"{len(utf8)} UTF-8 pages equal to `tagmend check --fix -`"
    )
    assert not mismatched, mismatched


@pytest.mark.parametrize(
    ("kwargs", "args"),
    [
        ({}, ()),
        (
            {"select": ["all"], "ignore": "content", "unsafe_fixes": True},
            ("--select", "all", "--ignore", "content", "--unsafe-fixes"),
        ),
    ],
    ids=["defaults", "select-ignore"],
)
def test_check_equals_cli_on_corpus(
    cli: Cli, corpus: dict[str, bytes], kwargs: dict, args: tuple[str, ...]
) -> None:
    expected = cli.check_all(list(corpus.values()), args)
    mismatched = []
    findings = 0
    for (name, page), want in zip(corpus.items(), expected):
        got = tagmend.check(page, **kwargs)
        findings += len(got)
        # The same (rule, line, column) set, and in fact the same objects.
        if [(d["rule"], d["start"]["line"], d["start"]["column"]) for d in got] != [
            (d["rule"], d["start"]["line"], d["start"]["column"]) for d in want
        ] or [without(d, "group") for d in got] != [without(d, "path") for d in want]:
            mismatched.append(name)
    print(
        f"\ncheck({kwargs}): {len(corpus) - len(mismatched)} of {len(corpus)} pages "
        f"equal to `tagmend check --output-format json -` ({findings} findings)"
    )
    assert not mismatched, mismatched
