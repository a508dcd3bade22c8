"""Cookie and Set-Cookie parsing shared by the client's jar and the server.

Parsing is lenient the way browsers are (RFC 6265 section 5): malformed
pairs and unknown attributes are skipped, never raised on, so that one bad
cookie cannot break a request or a response.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from http.cookies import Morsel

__all__ = (
    "format_cookie_header",
    "parse_cookie_header",
    "parse_set_cookie_headers",
    "unquote_cookie_value",
)

# Anything but separators, whitespace and control characters is accepted in a
# name: real-world cookies use far more than RFC 6265's token.
_BAD_NAME_RE = re.compile(r"[\x00-\x20\x7f;=,\"]")
# One ``name=value`` pair of a Cookie header: the value is a quoted-string
# ending the pair, or anything up to the next ``;``.
_COOKIE_PAIR_RE = re.compile(
    r"""[\s;]*([^=;]*)(?:=[ \t]*("(?:[^"\\]|\\.)*"(?=[ \t]*(?:;|$))|[^;]*))?"""
)
_ESCAPE_RE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))")
_FLAG_ATTRS = frozenset(("secure", "httponly", "partitioned"))
_VALUE_ATTRS = frozenset(("expires", "max-age", "domain", "path", "samesite"))
_HAS_PARTITIONED = "partitioned" in Morsel._reserved  # type: ignore[attr-defined]


def _unescape(match: re.Match[str]) -> str:
    octal = match.group(1)
    return chr(int(octal, 8)) if octal is not None else match.group(2)


def unquote_cookie_value(value: str) -> str:
    """Drop the double quotes around ``value`` and undo ``\\"`` / ``\\ooo`` escapes.

    Python's ``http.cookies`` writes such escapes, so server-set cookies read
    back unchanged; an unquoted value is returned as is.
    """
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        inner = value[1:-1]
        return _ESCAPE_RE.sub(_unescape, inner) if "\\" in inner else inner
    return value


def parse_cookie_header(value: str) -> dict[str, str]:
    """Parse a request ``Cookie`` header into ``{name: value}``.

    A double-quoted value may contain ``;`` (RFC 6265 ``cookie-value``
    allows the quotes; senders put separators inside them), so it is taken
    whole when its closing quote ends the pair; an unmatched quote is just
    a character. Pairs without ``=`` or with an unusable name are skipped;
    a repeated name keeps its last value, as ``http.cookies.SimpleCookie``
    (and so aiohttp) always did.
    """
    cookies: dict[str, str] = {}
    if '"' not in value:
        # No quoted value: every ";" separates pairs (the common case, kept cheap).
        for pair in value.split(";"):
            name, eq, val = pair.partition("=")
            if eq:
                name = name.strip()
                if name and not _BAD_NAME_RE.search(name):
                    cookies[name] = val.strip()
        return cookies
    for match in _COOKIE_PAIR_RE.finditer(value):
        val = match.group(2)
        if val is None:
            continue
        name = match.group(1).strip()
        if not name or _BAD_NAME_RE.search(name):
            continue
        cookies[name] = unquote_cookie_value(val.strip())
    return cookies


def _make_morsel(name: str, value: str) -> Morsel[str]:
    """A ``Morsel`` for any name (``Morsel.set`` rejects many real-world names)."""
    morsel: Morsel[str] = Morsel()
    morsel.__setstate__(  # type: ignore[attr-defined]
        {"key": name, "value": unquote_cookie_value(value), "coded_value": value}
    )
    return morsel


def _parse_set_cookie(header: str) -> Morsel[str] | None:
    pair, _, attrs = header.partition(";")
    name, eq, value = pair.partition("=")
    name = name.strip()
    if not eq or not name or _BAD_NAME_RE.search(name):
        return None
    morsel = _make_morsel(name, value.strip())
    if not attrs:
        return morsel
    for attr in attrs.split(";"):
        key, _, val = attr.partition("=")
        key = key.strip().lower()
        if key in _VALUE_ATTRS:
            val = val.strip()
            if val:
                morsel[key] = val
        elif key in _FLAG_ATTRS:
            if key == "partitioned" and not _HAS_PARTITIONED:
                dict.__setitem__(morsel, key, True)
            else:
                morsel[key] = True
    return morsel


def parse_set_cookie_headers(values: Iterable[str]) -> list[Morsel[str]]:
    """Parse ``Set-Cookie`` header values, one cookie each, skipping unusable ones.

    Known attributes (expires, max-age, domain, path, samesite and the
    secure/httponly/partitioned flags) are kept as given; others are ignored.
    """
    morsels = []
    for header in values:
        morsel = _parse_set_cookie(header)
        if morsel is not None:
            morsels.append(morsel)
    return morsels


def format_cookie_header(pairs: Iterable[tuple[str, str]]) -> str:
    """Join ``(name, coded value)`` pairs into a ``Cookie`` header value."""
    return "; ".join([f"{name}={value}" for name, value in pairs])
