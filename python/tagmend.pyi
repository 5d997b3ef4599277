"""tagmend: HTML cleanup and repair linter for scraped article HTML.

`check(html)` reports defects; `fix(html)` repairs them with minimal byte-range
edits, exactly as `tagmend check --fix -` does. Both take `str` or `bytes` and
release the GIL while they work.
"""

from collections.abc import Sequence
from typing import Literal, TypeAlias, TypedDict, overload, type_check_only

__all__ = ["TagmendError", "__version__", "check", "fix"]
__version__: str

_Selectors: TypeAlias = str | Sequence[str] | None
"""Rule ids or group names (`all` for every rule): a sequence, or one
comma-separated string as on the command line. None or empty: the defaults."""

_Profile: TypeAlias = Literal["document", "fragment"]

@type_check_only
class Position(TypedDict):
    line: int
    """1-based line."""
    column: int
    """1-based column, in characters."""
    offset: int
    """0-based byte offset into the page's text as UTF-8."""

@type_check_only
class Edit(TypedDict):
    start: Position
    end: Position
    """One past the last position replaced."""
    content: str

@type_check_only
class Fix(TypedDict):
    title: str | None
    applicability: Literal["safe", "unsafe", "display-only"]
    applies: bool
    """True when `fix` applies it with the same settings."""
    edits: list[Edit]

@type_check_only
class Diagnostic(TypedDict):
    """One finding, as `tagmend check --output-format json` gives it (without `path`)."""

    rule: str
    group: str | None
    message: str
    note: str | None
    start: Position
    end: Position
    """Exclusive."""
    fix: Fix | None

class TagmendError(ValueError):
    """An unknown rule selector, binary or undecodable input, a page over a
    resource limit, or a fix the page's encoding cannot write."""

def check(
    html: str | bytes,
    select: _Selectors = None,
    ignore: _Selectors = None,
    unsafe_fixes: bool = False,
    profile: _Profile = "document",
) -> list[Diagnostic]:
    """Report the defects of a page, sorted by position.

    Bytes are decoded as `tagmend check -` decodes a file; a `str` is checked as
    its UTF-8 bytes. `unsafe_fixes` only sets each fix's `applies`.

    Raises TagmendError for an unknown selector, binary input or a page over a
    resource limit.
    """

@overload
def fix(
    html: str,
    unsafe_fixes: bool = False,
    select: _Selectors = None,
    ignore: _Selectors = None,
    profile: _Profile = "document",
) -> tuple[str, list[Diagnostic]]:
    """Repair a page: `(fixed_html, remaining_diagnostics)`.

    `bytes` in gives `bytes` out, byte for byte what `tagmend check --fix -`
    writes. A `str` is fixed as its UTF-8 bytes and decoded back. The remaining
    diagnostics point into the fixed page.

    Raises TagmendError for an unknown selector, binary input, a page over a
    resource limit, or a fix the page's encoding cannot write.
    """

@overload
def fix(
    html: bytes,
    unsafe_fixes: bool = False,
    select: _Selectors = None,
    ignore: _Selectors = None,
    profile: _Profile = "document",
) -> tuple[bytes, list[Diagnostic]]: ...
