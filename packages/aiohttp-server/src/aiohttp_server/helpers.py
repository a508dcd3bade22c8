"""Small parsers the server side shares: Content-Type, HTTP dates, ETag lists.

They live here rather than in ``aiohttp_wire.helpers`` because only the
server's request and response objects need them, and they sit on per-request
paths where a lean, allocation-light implementation matters.
"""

from __future__ import annotations

import datetime
import re
from email.utils import parsedate_to_datetime
from types import MappingProxyType

from aiohttp_wire.helpers import ETag

__all__ = [
    "ETAG_ANY",
    "LIST_QUOTED_ETAG_RE",
    "QUOTED_ETAG_RE",
    "accepted_codings",
    "format_http_date",
    "parse_content_type",
    "parse_etag_list",
    "parse_http_date",
    "validate_etag_value",
]

_EMPTY_PARAMS: MappingProxyType[str, str] = MappingProxyType({})
_OCTET_STREAM = "application/octet-stream"
_CT_CACHE: dict[str, tuple[str, MappingProxyType[str, str]]] = {}
_CT_CACHE_MAX = 256

ETAG_ANY = "*"
# An entity tag: optional W/ prefix and a quoted string of etagc characters.
_ETAGC = r"[!#-}\x80-\xff]+"
QUOTED_ETAG_RE = re.compile(rf'(W/)?"({_ETAGC})"')
LIST_QUOTED_ETAG_RE = re.compile(rf"({QUOTED_ETAG_RE.pattern})(?:\s*,\s*|$)|(.)")
_ETAG_VALUE_RE = re.compile(_ETAGC)
_QUOTED_PAIR_RE = re.compile(r"\\(.)")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        if "\\" in value:
            value = _QUOTED_PAIR_RE.sub(r"\1", value)
    return value


def _parse_content_type_uncached(raw: str) -> tuple[str, MappingProxyType[str, str]]:
    mime, sep, rest = raw.partition(";")
    mime = mime.strip().lower()
    if mime.count("/") != 1:
        # Not type/subtype: RFC 9110 section 8.3 lets the recipient assume
        # application/octet-stream, and aiohttp reports exactly that.
        mime = _OCTET_STREAM
    if not sep:
        return mime, _EMPTY_PARAMS
    params: dict[str, str] = {}
    for item in _split_params(rest):
        key, eq, value = item.partition("=")
        key = key.strip().lower()
        value = value.strip()
        # ``charset=`` (nothing at all) is no parameter; ``charset=""`` is an empty one.
        if not key or not eq or not value:
            continue
        params[key] = _unquote(value)
    return mime, MappingProxyType(params)


# One parameter: anything up to the next ";" that is not inside a quoted string.
_PARAM_RE = re.compile(r'(?:[^;"]|"(?:\\.|[^"\\])*"?)+')


def _split_params(rest: str) -> list[str]:
    """Split on ``;`` outside quoted strings."""
    if '"' not in rest:
        return rest.split(";")
    return _PARAM_RE.findall(rest)


def parse_content_type(raw: str | None) -> tuple[str, MappingProxyType[str, str]]:
    """Return the lower-cased media type and its parameters (cached by raw value).

    A missing, empty or malformed media type reads as ``application/octet-stream``.
    """
    if not raw:
        return _OCTET_STREAM, _EMPTY_PARAMS
    hit = _CT_CACHE.get(raw)
    if hit is not None:
        return hit
    result = _parse_content_type_uncached(raw)
    if len(_CT_CACHE) >= _CT_CACHE_MAX:
        _CT_CACHE.clear()
    _CT_CACHE[raw] = result
    return result


def accepted_codings(header: str) -> set[str]:
    """The content codings an ``Accept-Encoding`` value accepts (``q=0`` excluded)."""
    accepted: set[str] = set()
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(coding)
    return accepted


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """Parse an HTTP-date into an aware UTC datetime; ``None`` when absent or invalid.

    An HTTP-date is always GMT (RFC 9110 section 5.6.7): a zone a sender put
    there anyway is ignored, as aiohttp does.
    """
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=datetime.timezone.utc)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_http_date(value: datetime.datetime) -> str:
    """Format a datetime as an IMF-fixdate (RFC 9110 section 5.6.7)."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return (
        f"{_WEEKDAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} "
        f"{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d} GMT"
    )


def parse_etag_list(value: str | None) -> tuple[ETag, ...] | None:
    """Parse an If-Match / If-None-Match value; ``*`` gives ``(ETag("*"),)``.

    ``None`` when absent or empty. As in aiohttp, the tags before anything
    that is not a well-formed list member are kept and the rest is ignored.
    """
    if not value:
        return None
    if value == ETAG_ANY:
        return (ETag(value=ETAG_ANY),)
    tags: list[ETag] = []
    for match in LIST_QUOTED_ETAG_RE.finditer(value):
        if match.group(4) is not None:
            break
        tags.append(ETag(value=match.group(3), is_weak=bool(match.group(2))))
    return tuple(tags)


def validate_etag_value(value: str) -> None:
    """Raise ``ValueError`` unless ``value`` is usable inside a quoted entity tag."""
    if value != ETAG_ANY and not _ETAG_VALUE_RE.fullmatch(value):
        raise ValueError(f"Value {value!r} is not a valid etag. Maybe it contains '\"'?")
