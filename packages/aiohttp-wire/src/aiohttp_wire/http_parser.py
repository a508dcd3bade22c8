"""HTTP/1.x message framing.

Two layers:

* ``RequestParser`` / ``ResponseParser``: sans-I/O. Bytes go in with
  ``receive_data()`` / ``receive_eof()``; events come out: the message head
  (``RawRequestMessage`` / ``RawResponseMessage``), ``BodyData`` zero or more
  times, then ``EndOfMessage``. Any framing error raises an
  ``HttpProcessingError`` subclass and leaves the parser dead.
* ``HttpRequestParser`` / ``HttpResponseParser``: the asyncio adapters with
  aiohttp's names. They feed each body into a ``StreamReader`` (decompressing
  it when asked) and hand back ``(message, payload)`` pairs.

The head is located with ``bytes.find``; header field lines seen before map
to their parsed pairs through a bounded memo (one dict lookup per line), and
a block of new lines is validated by one precompiled regular expression and
split with ``replace`` / ``split``, so the work per message is a handful of
C-level passes rather than a loop per byte. Partial heads are checked as
lines complete, so that an error never waits for the rest of the message.

Requests are parsed strictly (RFC 9112, with no leniency that could be used
for request smuggling); responses accept what real servers send (bare LF line
ends, obs-fold, read-until-close bodies).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Final, Generic, NamedTuple, TypeVar

from multidict import CIMultiDict, CIMultiDictProxy, istr
from yarl import URL

from . import hdrs
from .accelerators import load_accelerator
from .base_protocol import BaseProtocol
from .compression_utils import (
    DEFAULT_MAX_DECOMPRESS_SIZE,
    BrotliDecompressor,
    ZLibDecompressor,
    ZSTDDecompressor,
)
from .http_exceptions import (
    BadHttpMessage,
    BadHttpMethod,
    BadStatusLine,
    ContentEncodingError,
    ContentLengthError,
    DecompressSizeError,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    TransferEncodingError,
)
from .http_version import HttpVersion, HttpVersion10, HttpVersion11
from .streams import EMPTY_PAYLOAD, StreamReader

__all__ = [
    "BodyData",
    "EndOfMessage",
    "HeadersParser",
    "HttpParser",
    "HttpRequestParser",
    "HttpResponseParser",
    "RawRequestMessage",
    "RawResponseMessage",
    "RequestParser",
    "ResponseParser",
]


class RawRequestMessage(NamedTuple):
    """A parsed request head."""

    method: str
    path: str
    version: HttpVersion
    headers: CIMultiDictProxy[str]
    raw_headers: tuple[tuple[bytes, bytes], ...]
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool
    url: URL


class RawResponseMessage(NamedTuple):
    """A parsed response head."""

    version: HttpVersion
    code: int
    reason: str
    headers: CIMultiDictProxy[str]
    raw_headers: tuple[tuple[bytes, bytes], ...]
    should_close: bool
    compression: str | None
    upgrade: bool
    chunked: bool


class BodyData(NamedTuple):
    """A piece of the current message's body (after transfer decoding)."""

    data: bytes


class EndOfMessage(NamedTuple):
    """The current message is complete; ``trailers`` holds chunked trailer fields."""

    trailers: CIMultiDictProxy[str]


Event = RawRequestMessage | RawResponseMessage | BodyData | EndOfMessage

_MsgT = TypeVar("_MsgT", RawRequestMessage, RawResponseMessage)


#: The C header-block splitter (strictly valid blocks only; ``None`` otherwise,
#: and the Python code below takes the block), or None without the accelerator.
C_PARSE_HEADER_BLOCK: Final[Callable[[bytes, int], Any] | None] = load_accelerator(
    "aiohttp_wire._http_head", "parse_header_block"
)

# -- grammar ---------------------------------------------------------------------------

_TCHAR: Final = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
_TOKEN_RE: Final = re.compile(rb"[%s]+" % _TCHAR)
_VERSION_RE: Final = re.compile(rb"HTTP/([0-9])\.([0-9])")
# A whole header block, each line ending in CRLF. Strict: token names, no
# whitespace before the colon, values of VCHAR / obs-text / SP / HTAB only.
_STRICT_BLOCK_RE: Final = re.compile(rb"(?:[%s]+:[\t\x20-\x7e\x80-\xff]*\r\n)*" % _TCHAR)
# The common shape of a strict block: one space after the colon, a value that
# neither starts nor ends with whitespace (nothing to trim) and holds no ": " of
# its own, so that each line has exactly one ": " and splitting the block on
# ": " and CRLF alternates names and values. Possessive repeats: no
# backtracking state is kept per character or per line.
_SIMPLE_BLOCK_RE: Final = re.compile(
    rb"(?:[%s]++: [\x21-\x39\x3b-\x7e\x80-\xff][\t\x20-\x39\x3b-\x7e\x80-\xff]*+"
    rb"(?::(?! )[\t\x20-\x39\x3b-\x7e\x80-\xff]*+)*+(?<![ \t])\r\n)*+" % _TCHAR
)
# One strict field line (without its CRLF): the name and the untrimmed value.
_FIELD_LINE_RE: Final = re.compile(rb"([%s]++):([\t\x20-\x7e\x80-\xff]*+)" % _TCHAR)
# Lenient (responses): obs-fold continuation lines, any byte but NUL/CR/LF.
_LENIENT_BLOCK_RE: Final = re.compile(rb"(?:(?:[%s]+:|[ \t])[^\x00\r\n]*\r\n)*" % _TCHAR)
_CHUNK_SIZE_RE: Final = re.compile(rb"([0-9A-Fa-f]+)[ \t]*(?:;[^\x00\r\n]*)?")
_CHUNK_SIZE_PREFIX_RE: Final = re.compile(rb"[0-9A-Fa-f]*(?:[ \t]+|[ \t]*;[^\x00\r\n]*)?\r?")
_HOST_RE: Final = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9\-._~%]+)?\]|[A-Za-z0-9\-._~%!$&'()*+,;=]*)(?::[0-9]*)?"
)

_KNOWN_METHODS: Final[dict[bytes, str]] = {
    m.encode("ascii"): m
    for m in (*hdrs.METH_ALL, "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK")
}
_KNOWN_VERSIONS: Final[dict[bytes, HttpVersion]] = {
    b"HTTP/1.1": HttpVersion11,
    b"HTTP/1.0": HttpVersion10,
}
_STATUS_CODES: Final[dict[bytes, int]] = {b"%d" % code: code for code in range(100, 1000)}
_COMPRESSIONS: Final = frozenset({"gzip", "deflate", "br", "zstd"})
_SIMPLE_CONNECTION: Final = frozenset({"keep-alive", "close", "upgrade"})
# Bounded memo tables for values that repeat from request to request.
_CACHE_SIZE: Final = 512
_VALID_HOSTS: set[str] = set()
# Start lines repeat from message to message: their parsed parts are memoised.
# Request line -> (method, path, version, url), for lines up to _CACHED_LINE_SIZE.
_REQUEST_LINES: dict[bytes, tuple[str, str, HttpVersion, URL]] = {}
_CACHED_LINE_SIZE: Final = 512
# Status line -> (version, code, reason), for lines up to _CACHED_LINE_SIZE.
_STATUS_LINES: dict[bytes, tuple[HttpVersion, int, str]] = {}
_CHUNK_SIZES: dict[bytes, int] = {}
# Whole response header blocks (up to _CACHED_BLOCK_SIZE bytes) -> what a head
# needs from them: a server repeats its heads byte for byte (nginx's change with
# its Date once a second), so a block met again costs one dict lookup instead of
# a parse and five header lookups. The headers are read-only proxies, safe to
# share between responses. A block enters on its second sighting (blocks unique
# to one response never do); the table is cleared whole when full. Each entry
# keeps its line count and longest line, checked against the parser's limits.
_ResponseBlock = tuple[
    CIMultiDictProxy[str],  # headers
    tuple[tuple[bytes, bytes], ...],  # raw headers
    int,  # field lines
    int,  # longest field line
    str | None,  # "close" / "keep-alive" from Connection, else None
    tuple[str, ...] | None,  # Transfer-Encoding values
    tuple[str, ...] | None,  # Content-Length values
    int,  # the Content-Length when it is one plain number, else -1
    str | None,  # a known Content-Encoding, lower-cased
]
_RESPONSE_BLOCKS: dict[bytes, _ResponseBlock] = {}
_SEEN_BLOCKS: set[int] = set()
_CACHED_BLOCK_SIZE: Final = 2048
_BLOCK_CACHE_SIZE: Final = 128
_CACHED_SIZE_LINE = 16
# Strictly valid field lines (up to _CACHED_FIELD_SIZE bytes) -> their parsed
# ``(name, value)`` pair and raw ``(name, value)`` pair, in one table so that a
# lookup sees both or neither (another thread may clear it). Names are ``istr``
# (the received spelling) so that building a CIMultiDict does not fold their
# case again. Bounded: at most 2048 lines of up to 512 bytes (about 3 MiB with
# their parsed copies), cleared whole when full.
_FieldEntry = tuple[tuple[str, str], tuple[bytes, bytes]]
_FIELD_LINES: dict[bytes, _FieldEntry] = {}
# Hashes of lines met once among known lines (see _parse_new_lines).
_SEEN_LINES: set[int] = set()
_CACHED_FIELD_SIZE: Final = 512
_FIELD_CACHE_SIZE: Final = 2048
# Up to this many new lines in a block are parsed one by one; beyond it the
# block is parsed as a whole (cheaper per line) and its lines memoised, unless
# the parser's previous head had many new lines too: then the next
# _SKIP_LOOKUPS heads are parsed whole without looking their lines up, so a
# connection whose heads keep bringing new lines seldom pays for the memo.
_FEW_NEW_LINES: Final = 3
_SKIP_LOOKUPS: Final = 7
_EMPTY_HEADERS: Final[CIMultiDictProxy[str]] = CIMultiDictProxy(CIMultiDict())
# Beyond these a length cannot describe a body anyone sends (and would only be
# used to make a peer wait forever).
_MAX_CONTENT_LENGTH: Final = 2**62
_MAX_CHUNK_SIZE_DIGITS: Final = 15

# Body framing of a head, beside a Content-Length (>= 0).
_NO_BODY: Final = -1
_UNTIL_CLOSE: Final = -2
_CHUNKED: Final = -3
_UPGRADE: Final = -4

# Header names looked up per message, bound once (no module attribute lookups).
_H_HOST: Final = hdrs.HOST
_H_TRANSFER_ENCODING: Final = hdrs.TRANSFER_ENCODING
_H_CONTENT_LENGTH: Final = hdrs.CONTENT_LENGTH
_H_CONNECTION: Final = hdrs.CONNECTION
_H_UPGRADE: Final = hdrs.UPGRADE
_H_CONTENT_ENCODING: Final = hdrs.CONTENT_ENCODING
# Heads are built with tuple.__new__: the NamedTuple constructor is Python code.
_tuple_new: Final = tuple.__new__

# -- states ----------------------------------------------------------------------------

_HEAD: Final = 0
_LENGTH: Final = 1
_CHUNK_SIZE: Final = 2
_CHUNK_DATA: Final = 3
_CHUNK_CRLF: Final = 4
_TRAILERS: Final = 5
_UNTIL_EOF: Final = 6
_UPGRADED: Final = 7
_DEAD: Final = 8

# States in which the parser waits for a line end before doing anything.
_LINE_STATES: Final = frozenset({_HEAD, _CHUNK_SIZE, _TRAILERS})


# Statuses a server answers limit errors with (RFC 9112 3, RFC 6585 5); aiohttp's
# ``code`` stays 400.
_LIMIT_STATUS: Final = {"request line": 414, "header line": 431, "trailer line": 431}


def _line_too_long(what: str, limit: int, size: int) -> LineTooLong:
    """A ``LineTooLong`` whose ``server_status`` names the part that overflowed."""
    exc = LineTooLong(what, limit, size)
    exc.server_status = _LIMIT_STATUS.get(what, 400)
    return exc


def _too_many(kind: str) -> BadHttpMessage:
    """More header (or trailer) fields than ``max_headers``: answered with 431."""
    exc = BadHttpMessage(f"Too many {kind}")
    exc.server_status = 431
    return exc


def _noop() -> None:
    """Default chunk-boundary hook: the sans-I/O events do not report boundaries."""


def _drop(data: bytes) -> None:
    """Where body bytes go when no payload is attached."""


def _folded_pairs(block: bytes) -> tuple[list[tuple[str, str]], list[tuple[bytes, bytes]]]:
    """Header pairs of a block with obs-fold continuation lines, joined with a space."""
    raw: list[tuple[bytes, bytes]] = []
    for line in block.split(b"\r\n")[:-1]:
        if line[0] in (32, 9):
            name, value = raw[-1]
            extra = line.strip(b" \t")
            raw[-1] = (name, value + b" " + extra if value and extra else value + extra)
        else:
            name, _, value = line.partition(b":")
            raw.append((name, value.strip(b" \t")))
    return [(n.decode("ascii"), v.decode("utf-8", "surrogateescape")) for n, v in raw], raw


def _diagnose_block(block: bytes) -> HttpProcessingError:
    """Name the first bad line of a header block that failed strict validation."""
    for line in block.split(b"\r\n"):
        if not line:
            continue
        if line[0] in (32, 9):
            return BadHttpMessage(f"obs-fold (line folding) is not allowed: {line!r}")
        name, sep, _ = line.partition(b":")
        if not sep or not _TOKEN_RE.fullmatch(name):
            return InvalidHeader(name)
        if _STRICT_BLOCK_RE.fullmatch(line + b"\r\n") is None:
            return InvalidHeader(line)
    return BadHttpMessage(f"Bad line ending in header block: {block[:100]!r}")


class _BareLineFeed(Exception):
    """A response head was split on CRLF but has a line ended by a bare LF."""


def _parse_new_lines(lines: list[bytes], entries: list[_FieldEntry | None], new: int) -> bool:
    """Fill the ``new`` gaps of ``entries`` (lines not seen before), caching each line.

    False when a line is not a strict ``name: value`` line: the caller then
    validates (and for responses, unfolds) the block as a whole.
    """
    match = _FIELD_LINE_RE.fullmatch
    cache = _FIELD_LINES
    seen = _SEEN_LINES
    i = -1
    for _ in range(new):
        i = entries.index(None, i + 1)
        line = lines[i]
        m = match(line)
        if m is None:
            return False
        name, value = m.groups()
        value = value.strip(b" \t")
        entry = (
            (istr(name.decode("ascii")), value.decode("utf-8", "surrogateescape")),
            (name, value),
        )
        entries[i] = entry
        if len(line) <= _CACHED_FIELD_SIZE:
            # A line met among known ones enters the memo when it comes again:
            # lines unique to one message (request ids, nonces) never do, so
            # they do not keep flushing the lines that repeat.
            key = hash(line)
            if key in seen:
                if len(cache) >= _FIELD_CACHE_SIZE:
                    cache.clear()
                cache[line] = entry
            else:
                if len(seen) >= _FIELD_CACHE_SIZE:
                    seen.clear()
                seen.add(key)
    return True


# Connection values as commonly spelt -> their options (no lowering or splitting).
_CONNECTION_TOKENS: Final[dict[str, frozenset[str] | tuple[str]]] = {
    spelling: (spelling.lower(),)
    for spelling in ("keep-alive", "Keep-Alive", "close", "Close", "upgrade", "Upgrade")
}


def _connection_tokens(value: str) -> frozenset[str] | tuple[str]:
    """The lower-cased options of a Connection header (one common value: no split)."""
    lowered = value.lower()
    if lowered in _SIMPLE_CONNECTION:
        return (lowered,)
    return frozenset([t.strip(" \t") for t in lowered.split(",")])


def _content_length(values: Sequence[str]) -> int:
    """The body length from every Content-Length value, refusing disagreements."""
    if len(values) == 1:
        value = values[0]
        if value.isdigit() and value.isascii() and len(value) < 19:
            return int(value)
    length = -1
    for value in values:
        for item in value.split(","):
            item = item.strip(" \t")
            if not (item.isascii() and item.isdigit()):
                raise BadHttpMessage(f"Invalid Content-Length: {value!r}")
            n = int(item) if len(item) < 25 else _MAX_CONTENT_LENGTH + 1
            if n > _MAX_CONTENT_LENGTH:
                raise BadHttpMessage(f"Content-Length too large: {value!r}")
            if length != -1 and n != length:
                raise BadHttpMessage(f"Conflicting Content-Length values: {values!r}")
            length = n
    return length


class _Parser(Generic[_MsgT]):
    """The framing state machine shared by requests and responses.

    ``_emit_head``, ``_emit_body`` and ``_emit_end`` receive the output; by
    default they collect events, the asyncio adapters replace them.
    """

    _lenient = False
    # How errors name the start line ("request line" gets a 414 from servers).
    _start_line = "status line"

    def __init__(
        self,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
    ) -> None:
        self.max_line_size = max_line_size
        self.max_field_size = max_field_size
        self.max_headers = max_headers
        self._max_head = max_line_size + max_headers * (max_field_size + 2) + 4
        self._buf = bytearray()
        self._state = _HEAD
        self._remaining = 0
        # How much of a partial head (in ``_buf``) has already been validated.
        self._checked = 0
        # 0: look field lines up; -1: the same, the last head had many new
        # lines; n > 0: parse the next n heads whole without lookups.
        self._memo_state = 0
        self._tail = b""
        self._events: list[Event] = []
        self._emit_head: Callable[[_MsgT], None] = self._events.append
        self._emit_body: Callable[[bytes], None] = self._collect_body
        self._emit_end: Callable[[CIMultiDictProxy[str]], None] = self._collect_end
        self._on_chunk_end: Callable[[], None] = _noop

    # -- public sans-I/O API -----------------------------------------------------------

    def receive_data(self, data: bytes) -> list[Event]:
        """Feed bytes; return the events they complete."""
        self._feed(data)
        events = self._events[:]
        self._events.clear()
        return events

    def receive_eof(self) -> list[Event]:
        """The peer closed; finish a read-until-close body or fail a truncated one."""
        self._eof()
        events = self._events[:]
        self._events.clear()
        return events

    def take_tail(self) -> bytes:
        """The bytes after an upgrade / CONNECT head, which are not HTTP/1.1."""
        tail, self._tail = self._tail, b""
        return tail

    @property
    def upgraded(self) -> bool:
        """Whether parsing stopped at an upgrade."""
        return self._state == _UPGRADED

    def _collect_body(self, data: bytes) -> None:
        self._events.append(BodyData(data))

    def _collect_end(self, trailers: CIMultiDictProxy[str]) -> None:
        self._events.append(EndOfMessage(trailers))

    # -- the machine -------------------------------------------------------------------

    def _feed(self, data: bytes) -> None:
        state = self._state
        if state == _UPGRADED:
            self._tail += data
            return
        if state == _DEAD:
            raise BadHttpMessage("Parser is closed after an error")
        buf = self._buf
        if buf:
            if state in _LINE_STATES and b"\n" not in data:
                buf += data
                try:
                    self._check_partial_line()
                except HttpProcessingError:
                    self._state = _DEAD
                    raise
                return
            buf += data
            data = bytes(buf)
            buf.clear()
        try:
            self._run(data)
        except HttpProcessingError:
            self._state = _DEAD
            raise

    def _run(self, data: bytes) -> None:
        pos = 0
        n = len(data)
        while pos < n:
            state = self._state
            if state == _HEAD:
                new = self._parse_head(data, pos)
                if new < 0:
                    self._buf += data[pos:]
                    self._check_partial_head()
                    return
                pos = new
            elif state == _LENGTH:
                take = self._remaining
                if n - pos <= take:
                    take = n - pos
                    self._emit_body(data if pos == 0 else data[pos:])
                else:
                    self._emit_body(data[pos : pos + take])
                pos += take
                self._remaining -= take
                if not self._remaining:
                    self._state = _HEAD
                    self._emit_end(_EMPTY_HEADERS)
            elif state == _CHUNK_DATA:
                take = self._remaining
                if n - pos <= take:
                    self._emit_body(data if pos == 0 else data[pos:])
                    take -= n - pos
                    self._remaining = take
                    if not take:
                        self._state = _CHUNK_CRLF
                    return
                end = pos + take
                self._emit_body(data[pos:end])
                self._remaining = 0
                if not data.startswith(b"\r\n", end):
                    self._state = _CHUNK_CRLF
                    pos = end
                    continue
                # The chunk's CRLF is here too: on to the next size line directly.
                self._state = _CHUNK_SIZE
                self._on_chunk_end()
                pos = end + 2
                if pos < n:
                    pos = self._parse_chunks(data, pos)
                    if pos < 0:
                        return
            elif state == _CHUNK_CRLF:
                if data.startswith(b"\r\n", pos):
                    pos += 2
                    self._state = _CHUNK_SIZE
                    self._on_chunk_end()
                elif n - pos == 1 and data[pos] == 13:
                    self._buf += b"\r"
                    return
                else:
                    raise TransferEncodingError(
                        "Chunk data longer than its declared size, or not ended by CRLF"
                    )
            elif state == _CHUNK_SIZE:
                pos = self._parse_chunks(data, pos)
                if pos < 0:
                    return
            elif state == _TRAILERS:
                pos = self._parse_trailers(data, pos)
                if pos < 0:
                    return
            elif state == _UNTIL_EOF:
                self._emit_body(data if pos == 0 else data[pos:])
                return
            else:  # _UPGRADED
                self._tail += data[pos:]
                return

    def _eof(self) -> None:
        state = self._state
        if state == _UNTIL_EOF:
            self._state = _HEAD
            self._emit_end(_EMPTY_HEADERS)
        elif state == _LENGTH:
            self._state = _DEAD
            raise ContentLengthError(
                "Not enough data to satisfy content length header. "
                f"{self._remaining} bytes missing."
            )
        elif state in (_CHUNK_SIZE, _CHUNK_DATA, _CHUNK_CRLF, _TRAILERS):
            self._state = _DEAD
            raise TransferEncodingError("Not enough data to satisfy transfer length header.")
        elif state == _HEAD and self._buf:
            self._eof_in_head()

    def _eof_in_head(self) -> None:
        """A partial head at EOF: nothing to deliver by default."""
        self._buf.clear()
        self._checked = 0

    # -- heads -------------------------------------------------------------------------

    def _check_partial_line(self) -> None:
        """Limits on the line still being received, checked without waiting for its end."""
        buf = self._buf
        state = self._state
        last = buf.rfind(b"\n")
        size = len(buf) - last - 1
        if state == _HEAD:
            if last == -1:
                if size > self.max_line_size:
                    raise _line_too_long(self._start_line, self.max_line_size, size)
                self._check_start_prefix(bytes(buf))
            elif size > self.max_field_size:
                raise _line_too_long("header line", self.max_field_size, size)
        elif state == _TRAILERS:
            if size > self.max_field_size:
                raise _line_too_long("trailer line", self.max_field_size, size)
        elif size > self.max_line_size:
            raise LineTooLong("chunk size line", self.max_line_size, size)
        elif _CHUNK_SIZE_PREFIX_RE.fullmatch(buf) is None:
            raise TransferEncodingError(f"Invalid chunk size line: {bytes(buf[:40])!r}")

    def _check_partial_head(self) -> None:
        """An incomplete head: refuse now whatever can never become valid."""
        buf = self._buf
        if not self._lenient and buf.count(b"\n") != buf.count(b"\r\n"):
            raise BadHttpMessage("Bare LF line ending in message head")
        if len(buf) > self._max_head:
            self._check_lines(bytes(buf))
        first = buf.find(b"\n")
        if first == -1:
            self._check_partial_line()
            return
        if first > self.max_line_size + 1:
            raise _line_too_long(self._start_line, self.max_line_size, first)
        if buf.count(b"\n") - 1 > self.max_headers:
            raise _too_many("headers")
        self._check_partial_line()
        self._check_complete_lines()

    def _check_complete_lines(self) -> None:
        """Validate the lines of a partial head that are complete, each only once."""
        buf = self._buf
        last = buf.rfind(b"\r\n")
        start = self._checked
        if last < start or (self._lenient and buf.count(b"\n") != buf.count(b"\r\n")):
            # Nothing new, or a response with bare LF lines: checked when complete.
            return
        if start == 0:
            while buf.startswith(b"\r\n", start):
                start += 2
            eol = buf.find(b"\r\n", start)
            if eol == -1:
                return
            self._parse_start_line(bytes(buf[start:eol]))
            start = eol + 2
        if last > start:
            self._check_block(bytes(buf[start : last + 2]))
        self._checked = last + 2

    def _check_start_prefix(self, line: bytes) -> None:
        """Hook: refuse a start line early when its first bytes are already wrong."""

    def _check_lines(self, head: bytes) -> None:
        lines = head.split(b"\n")
        if len(lines[0]) > self.max_line_size + 1:
            raise _line_too_long(self._start_line, self.max_line_size, len(lines[0]))
        for line in lines[1:]:
            if len(line) > self.max_field_size + 1:
                raise _line_too_long("header line", self.max_field_size, len(line))
        raise _too_many("headers")

    def _split_lenient(self, data: bytes, pos: int) -> tuple[bytes, bytes, int] | None:
        """Lenient parsers: ``(start_line, header_block, end)`` of a head whose
        lines may end in bare LF, or None while it is incomplete."""
        raise NotImplementedError

    def _split_complete_lenient(self, data: bytes, pos: int) -> tuple[bytes, bytes, int]:
        """``_split_lenient`` of data holding a CRLF CRLF (so an empty line by then)."""
        head = self._split_lenient(data, pos)
        assert head is not None
        return head

    def _parse_headers(
        self, block: bytes, what: str
    ) -> tuple[CIMultiDictProxy[str], tuple[tuple[bytes, bytes], ...]]:
        """Validate a header block and build the headers, once."""
        if not block:
            return _EMPTY_HEADERS, ()
        if len(block) > self.max_field_size + 2:
            longest = max(map(len, block.split(b"\r\n")))
            if longest > self.max_field_size:
                raise self._limit_error(
                    block, what, _line_too_long(what, self.max_field_size, longest)
                )
        if C_PARSE_HEADER_BLOCK is not None:
            parsed = C_PARSE_HEADER_BLOCK(block, self.max_headers)
            if parsed is not None:
                return CIMultiDictProxy(CIMultiDict(parsed[0])), parsed[1]
        state = self._memo_state
        if state > 0:
            self._memo_state = state - 1
            return self._parse_new_block(block, None, None, what)
        lines = block.split(b"\r\n")
        lines.pop()
        if len(lines) > self.max_headers:
            raise self._limit_error(block, what)
        # Field lines repeat from message to message: each valid line seen before
        # maps straight to its parsed pair, so a known line costs one dict lookup.
        entries = list(map(_FIELD_LINES.get, lines))
        new = entries.count(None)
        if new:
            if new > _FEW_NEW_LINES:
                if state:
                    # Twice in a row: stop looking lines up for a while.
                    self._memo_state = _SKIP_LOOKUPS
                    return self._parse_new_block(block, None, None, what)
                self._memo_state = -1
                return self._parse_new_block(block, lines, entries, what)
            if not _parse_new_lines(lines, entries, new):
                return self._parse_block(block, lines, what)
        if state:
            self._memo_state = 0
        # Transposed in one C-level call: the parsed pairs and the raw pairs.
        pairs, raw = zip(*entries, strict=True)
        return CIMultiDictProxy(CIMultiDict(pairs)), raw

    def _limit_error(
        self, block: bytes, what: str, exc: HttpProcessingError | None = None
    ) -> Exception:
        """``exc`` (by default: too many fields) for a block over a limit.

        A response head split on CRLF may run past its real end when a line
        ends in a bare LF: then the limits are checked after splitting again.
        """
        if self._lenient and what == "header line" and block.count(b"\n") != block.count(b"\r\n"):
            return _BareLineFeed()
        if exc is None:
            return _too_many("trailers" if what == "trailer line" else "headers")
        return exc

    def _parse_new_block(
        self,
        block: bytes,
        lines: list[bytes] | None,
        entries: list[_FieldEntry | None] | None,
        what: str,
    ) -> tuple[CIMultiDictProxy[str], tuple[tuple[bytes, bytes], ...]]:
        """A block of mostly new lines, split as a whole with a few C-level passes.

        Its new lines are memoised when ``lines`` and their ``entries`` are given.
        """
        if _SIMPLE_BLOCK_RE.fullmatch(block) is None:
            if lines is None:
                lines = block.split(b"\r\n")
                lines.pop()
                if len(lines) > self.max_headers:
                    raise self._limit_error(block, what)
            return self._parse_block(block, lines, what)
        # Turning each ": " into a line break splits names and values in one pass.
        flat = block.replace(b": ", b"\r\n")
        parts = flat.split(b"\r\n")
        # Exactly one ": " per line: the pieces are the names and values, then
        # the empty one after the last CRLF.
        if len(parts) >> 1 > self.max_headers:
            raise self._limit_error(block, what)
        names_values = flat.decode("utf-8", "surrogateescape").split("\r\n")
        # Pairing an iterator with itself yields (name, value) pairs; the empty
        # piece after the last CRLF is dropped.
        pieces = iter(names_values)
        pairs = list(zip(pieces, pieces, strict=False))
        raw_pieces = iter(parts)
        raw = tuple(zip(raw_pieces, raw_pieces, strict=False))
        if lines is not None and entries is not None:
            cache = _FIELD_LINES
            for i, entry in enumerate(entries):
                line = lines[i]
                if entry is None and len(line) <= _CACHED_FIELD_SIZE:
                    if len(cache) >= _FIELD_CACHE_SIZE:
                        cache.clear()
                    name, value = pairs[i]
                    cache[line] = ((istr(name), value), raw[i])
        return CIMultiDictProxy(CIMultiDict(pairs)), raw

    def _parse_block(
        self, block: bytes, lines: list[bytes], what: str
    ) -> tuple[CIMultiDictProxy[str], tuple[tuple[bytes, bytes], ...]]:
        """A block with lines to trim, lenient forms, or an error: line by line."""
        if self._lenient and what == "header line" and block.count(b"\n") != len(lines):
            # A bare LF: the head was split as if CRLF ended every line.
            raise _BareLineFeed
        if self._lenient:
            self._check_block(block)
            if b"\n " in block or b"\n\t" in block:
                folded, folded_raw = _folded_pairs(block)
                return CIMultiDictProxy(CIMultiDict(folded)), tuple(folded_raw)
        elif _STRICT_BLOCK_RE.fullmatch(block) is None:
            # Some line is not ``token:value``: name the first bad one.
            raise _diagnose_block(block)
        # Validated: every line is ``name:value``; split both views the same way.
        slines = block.decode("utf-8", "surrogateescape").split("\r\n")
        slines.pop()
        headers = CIMultiDict(
            [(n, v.strip(" \t")) for n, _, v in [line.partition(":") for line in slines]]
        )
        raw = tuple([(n, v.strip(b" \t")) for n, _, v in [line.partition(b":") for line in lines]])
        return CIMultiDictProxy(headers), raw

    def _make_message(self, line: bytes, block: bytes) -> tuple[_MsgT, int]:
        """The head and its body framing: a length, or ``_NO_BODY`` ... ``_UPGRADE``."""
        raise NotImplementedError

    def _parse_start_line(self, line: bytes) -> Any:
        """Validate and split a request line or status line."""
        raise NotImplementedError

    def _check_block(self, block: bytes) -> None:
        """Validate complete header lines (each ending in CRLF)."""
        if self._lenient:
            if _LENIENT_BLOCK_RE.fullmatch(block) is None or block[0] in (32, 9):
                raise _diagnose_block(block)
        elif _STRICT_BLOCK_RE.fullmatch(block) is None:
            raise _diagnose_block(block)

    def _parse_head(self, data: bytes, pos: int) -> int:
        # The head is split inline on CRLF (the hot path of servers and clients).
        if data.startswith(b"\r\n", pos):
            # RFC 9112 2.2: empty lines before a start line are ignored.
            while data.startswith(b"\r\n", pos):
                pos += 2
        end = data.find(b"\r\n\r\n", pos)
        if end != -1:
            eol = data.find(b"\r\n", pos)
            line = data[pos:eol]
            block = data[eol + 2 : end + 2]
            end += 4
            # A bare LF in the header block shows when it is parsed (no memoised
            # line holds one); one in the start line shows here.
            if self._lenient and b"\n" in line:
                line, block, end = self._split_complete_lenient(data, pos)
        elif not self._lenient:
            return -1
        else:
            head = self._split_lenient(data, pos)
            if head is None:
                return -1
            line, block, end = head
        self._checked = 0
        if len(line) > self.max_line_size:
            raise _line_too_long(self._start_line, self.max_line_size, len(line))
        try:
            msg, framing = self._make_message(line, block)
        except _BareLineFeed:
            # A response whose header block has a line ended by a bare LF: its
            # head may end before the first CRLF CRLF; split it line by line.
            line, block, end = self._split_complete_lenient(data, pos)
            if len(line) > self.max_line_size:
                raise _line_too_long(self._start_line, self.max_line_size, len(line)) from None
            msg, framing = self._make_message(line, block)
        if framing == _NO_BODY or framing == 0:
            self._emit_head(msg)
            self._emit_end(_EMPTY_HEADERS)
            return end
        # The state is set before the head goes out so that a consumer can
        # tell from it whether a body follows.
        if framing > 0:
            self._state = _LENGTH
            self._emit_head(msg)
            if len(data) - end < framing:
                self._remaining = framing
                return end
            # The whole body is here: it goes out without a trip through the loop.
            body_end = end + framing
            self._emit_body(data[end:body_end])
            self._state = _HEAD
            self._emit_end(_EMPTY_HEADERS)
            return body_end
        if framing == _CHUNKED:
            self._state = _CHUNK_SIZE
        elif framing == _UNTIL_CLOSE:
            self._state = _UNTIL_EOF
        elif framing == _UPGRADE:
            self._state = _UPGRADED
            self._emit_head(msg)
            self._tail += data[end:]
            return len(data)
        self._emit_head(msg)
        return end

    # -- chunked -----------------------------------------------------------------------

    def _parse_chunks(self, data: bytes, pos: int) -> int:
        """Parse chunks from a size line on; whole chunks go out without state changes."""
        n = len(data)
        emit = self._emit_body
        chunk_end = self._on_chunk_end
        sizes = _CHUNK_SIZES
        while True:
            eol = data.find(b"\r\n", pos)
            if eol == -1:
                self._buf += data[pos:]
                self._check_partial_line()
                if b"\n" in self._buf:
                    raise TransferEncodingError("Chunk size line not ended by CRLF")
                return -1
            line = data[pos:eol]
            size = sizes.get(line)
            if size is None:
                size = self._chunk_size(line)
            if not size:
                self._state = _TRAILERS
                return eol + 2
            start = eol + 2
            end = start + size
            if end + 2 > n:
                self._state = _CHUNK_DATA
                self._remaining = size
                return start
            if not data.startswith(b"\r\n", end):
                raise TransferEncodingError(
                    "Chunk data longer than its declared size, or not ended by CRLF"
                )
            emit(data[start:end])
            chunk_end()
            pos = end + 2
            if pos == n:
                return pos

    def _chunk_size(self, line: bytes) -> int:
        """Validate a chunk size line (extensions ignored) and return the size."""
        if len(line) > self.max_line_size:
            # Whole or not, a size line (extensions included) is bounded like any line.
            raise LineTooLong("chunk size line", self.max_line_size, len(line))
        m = _CHUNK_SIZE_RE.fullmatch(line)
        if m is None:
            raise TransferEncodingError(f"Invalid chunk size line: {line[:40]!r}")
        digits = m.group(1).lstrip(b"0")
        if len(digits) > _MAX_CHUNK_SIZE_DIGITS:
            raise TransferEncodingError(f"Chunk size too large: {line[:40]!r}")
        size = int(digits, 16) if digits else 0
        if m.end(1) == len(line) <= _CACHED_SIZE_LINE:
            # Only short lines are shared: every parser's max_line_size admits them.
            if len(_CHUNK_SIZES) >= _CACHE_SIZE:
                _CHUNK_SIZES.clear()
            _CHUNK_SIZES[line] = size
        return size

    def _parse_trailers(self, data: bytes, pos: int) -> int:
        if data.startswith(b"\r\n", pos):
            self._state = _HEAD
            self._emit_end(_EMPTY_HEADERS)
            return pos + 2
        end = data.find(b"\r\n\r\n", pos)
        if end == -1:
            self._buf += data[pos:]
            buf = self._buf
            if buf == b"\r":
                return -1
            if buf.count(b"\n") != buf.count(b"\r\n"):
                raise BadHttpMessage("Bare LF line ending in trailers")
            if buf.count(b"\n") > self.max_headers:
                raise _too_many("trailers")
            self._check_partial_line()
            last = buf.rfind(b"\r\n")
            if last > 0:
                self._check_block(bytes(buf[: last + 2]))
            return -1
        block = data[pos : end + 2]
        if not self._lenient and block.count(b"\n") != block.count(b"\r\n"):
            raise BadHttpMessage("Bare LF line ending in trailers")
        trailers, _ = self._parse_headers(block, "trailer line")
        self._state = _HEAD
        self._emit_end(trailers)
        return end + 4


def _is_chunked_request(values: list[str]) -> bool:
    """Validate a request's Transfer-Encoding: it must be exactly ``chunked``."""
    if len(values) != 1:
        raise BadHttpMessage("Transfer-Encoding may be sent only once")
    codings = [c.strip(" \t").lower() for c in values[0].split(",")]
    if codings[-1] != "chunked":
        raise BadHttpMessage(f"Request with Transfer-Encoding not ending in chunked: {values[0]!r}")
    if len(codings) != 1:
        raise BadHttpMessage(f"Unsupported Transfer-Encoding: {values[0]!r}")
    return True


def _target_url(method: str, path: str) -> URL:
    """The ``URL`` of a request target in any of the four RFC 9112 3.2 forms."""
    if method == "CONNECT":
        try:
            url = URL.build(authority=path, encoded=True)
        except ValueError:
            raise InvalidURLError(f"Invalid CONNECT target: {path!r}") from None
        if not url.host or url.port is None or url.raw_path not in ("", "/"):
            raise InvalidURLError(f"Invalid CONNECT target: {path!r}")
        return url
    if path[0] == "/":
        if path[1:2] != "/":
            # The plain constructor is the cheapest, and reads this as a path.
            return URL(path, encoded=True)
        # "//x/y" would read as an authority: build it as the path it is.
        rest, _, fragment = path.partition("#")
        path_part, _, query = rest.partition("?")
        return URL.build(path=path_part, query_string=query, fragment=fragment, encoded=True)
    if path == "*" and method == "OPTIONS":
        return URL.build(path="*", encoded=True)
    try:
        url = URL(path, encoded=True)
    except ValueError:
        raise InvalidURLError(f"Invalid request target: {path!r}") from None
    if not url.absolute:
        raise InvalidURLError(f"Invalid request target: {path!r}")
    return url


class RequestParser(_Parser[RawRequestMessage]):
    """Sans-I/O HTTP/1.x request parser (strict)."""

    _start_line = "request line"

    def _check_start_prefix(self, line: bytes) -> None:
        method = line.lstrip(b"\r\n").partition(b" ")[0]
        if method and _TOKEN_RE.fullmatch(method) is None:
            raise BadHttpMethod(line[:100].decode("ascii", "backslashreplace"))

    def _parse_start_line(self, line: bytes) -> tuple[str, str, HttpVersion]:
        """``method SP request-target SP HTTP-version``, each part validated."""
        if b"\n" in line:
            raise BadHttpMessage("Bare LF line ending in request line")
        parts = line.split(b" ")
        if len(parts) != 3:
            raise BadStatusLine(line.decode("utf-8", "backslashreplace"))
        method_b, target_b, version_b = parts
        method = _KNOWN_METHODS.get(method_b)
        if method is None:
            if _TOKEN_RE.fullmatch(method_b) is None:
                raise BadHttpMethod(line.decode("utf-8", "backslashreplace"))
            method = method_b.decode("ascii")
        version = _KNOWN_VERSIONS.get(version_b)
        if version is None:
            m = _VERSION_RE.fullmatch(version_b)
            if m is None or m.group(1) != b"1":
                raise BadStatusLine(
                    line.decode("utf-8", "backslashreplace"),
                    f"Unsupported HTTP version: {version_b[:20]!r}",
                )
            version = HttpVersion(1, int(m.group(2)))
        # ASCII and printable: no control characters, DEL or non-ASCII bytes.
        path = target_b.decode("latin-1")
        if not path or not path.isascii() or not path.isprintable():
            raise InvalidURLError(f"Invalid request target: {target_b[:100]!r}")
        return method, path, version

    def _make_message(self, line: bytes, block: bytes) -> tuple[RawRequestMessage, int]:
        cached = _REQUEST_LINES.get(line)
        if cached is None:
            method, path, version = self._parse_start_line(line)
        else:
            method, path, version, url = cached
        headers, raw_headers = self._parse_headers(block, "header line")

        hosts = headers.getall(_H_HOST, None)
        if hosts is not None:
            if len(hosts) != 1:
                raise BadHttpMessage("Request with several Host headers")
            host = hosts[0]
            if host not in _VALID_HOSTS:
                if _HOST_RE.fullmatch(host) is None:
                    raise BadHttpMessage(f"Invalid Host header: {host!r}")
                if len(_VALID_HOSTS) >= _CACHE_SIZE:
                    _VALID_HOSTS.clear()
                _VALID_HOSTS.add(host)
        elif version >= HttpVersion11:
            raise BadHttpMessage("HTTP/1.1 request without a Host header")

        if cached is None:
            url = _target_url(method, path)
            if len(line) <= _CACHED_LINE_SIZE:
                if len(_REQUEST_LINES) >= _CACHE_SIZE:
                    _REQUEST_LINES.clear()
                _REQUEST_LINES[line] = (method, path, version, url)

        te = headers.getall(_H_TRANSFER_ENCODING, None)
        cl = headers.getall(_H_CONTENT_LENGTH, None)
        chunked = False
        framing = _NO_BODY
        if te is not None:
            if cl is not None:
                raise BadHttpMessage("Transfer-Encoding can't be present with Content-Length")
            chunked = _is_chunked_request(te)
            framing = _CHUNKED
        elif cl is not None:
            framing = _content_length(cl)

        # Identity first: the common version needs no tuple comparison.
        close = version is not HttpVersion11 and version < HttpVersion11
        upgrade = method == "CONNECT"
        conn = headers.get(_H_CONNECTION)
        if conn is not None:
            tokens = _CONNECTION_TOKENS.get(conn) or _connection_tokens(conn)
            if "close" in tokens:
                close = True
            elif "keep-alive" in tokens and version == HttpVersion10:
                close = False
            if "upgrade" in tokens and _H_UPGRADE in headers:
                upgrade = True
        if chunked and version == HttpVersion10:
            # RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; close after.
            close = True

        compression = headers.get(_H_CONTENT_ENCODING)
        if compression is not None:
            compression = compression.lower()
            if compression not in _COMPRESSIONS:
                compression = None

        msg = _tuple_new(
            RawRequestMessage,
            (
                method,
                path,
                version,
                headers,
                raw_headers,
                close,
                compression,
                upgrade,
                chunked,
                url,
            ),
        )
        return msg, _UPGRADE if upgrade else framing


class ResponseParser(_Parser[RawResponseMessage]):
    """Sans-I/O HTTP/1.x response parser (lenient where real servers need it).

    ``read_until_eof``: a response with neither Content-Length nor chunked
    coding has a body delimited by the connection close (RFC 9112 6.3); when
    false such a response is taken to have no body.
    """

    _lenient = True

    def __init__(
        self,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        read_until_eof: bool = True,
    ) -> None:
        super().__init__(
            max_line_size=max_line_size,
            max_field_size=max_field_size,
            max_headers=max_headers,
        )
        self._method = "GET"
        self._read_until_eof = read_until_eof

    def expect(self, method: str) -> None:
        """Name the request method the next responses answer (HEAD: no body)."""
        self._method = method.upper()

    def _split_lenient(self, data: bytes, pos: int) -> tuple[bytes, bytes, int] | None:
        """Locate a head whose lines may end in bare LF; normalise it to CRLF."""
        n = len(data)
        while pos < n and data[pos] in (10, 13):
            if data.startswith(b"\r\n", pos):
                pos += 2
            elif data[pos] == 10:
                pos += 1
            else:
                break
        lines: list[bytes] = []
        while True:
            nl = data.find(b"\n", pos)
            if nl == -1:
                return None
            line = data[pos:nl]
            pos = nl + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                break
            lines.append(line)
        if not lines:
            return None
        block = b"".join(line + b"\r\n" for line in lines[1:])
        return lines[0], block, pos

    def _eof_in_head(self) -> None:
        """A head cut short by the close: deliver what a lenient client would."""
        data = bytes(self._buf).strip(b"\r\n")
        self._buf.clear()
        self._checked = 0
        if data:
            self._run(data + b"\r\n\r\n")
            self._eof()

    def _parse_start_line(self, line: bytes) -> tuple[HttpVersion, int, str]:
        """``HTTP-version SP status-code [SP reason-phrase]``."""
        version_b, _, rest = line.partition(b" ")
        code_b, _, reason_b = rest.partition(b" ")
        version = _KNOWN_VERSIONS.get(version_b)
        if version is None:
            m = _VERSION_RE.fullmatch(version_b)
            if m is None or m.group(1) != b"1":
                raise BadStatusLine(line.decode("utf-8", "backslashreplace"))
            version = HttpVersion(1, int(m.group(2)))
        code = _STATUS_CODES.get(code_b)
        if code is None:
            raise BadStatusLine(line.decode("utf-8", "backslashreplace"))
        return version, code, reason_b.strip(b" \t").decode("utf-8", "surrogateescape")

    def _make_message(self, line: bytes, block: bytes) -> tuple[RawResponseMessage, int]:
        status = _STATUS_LINES.get(line)
        if status is None:
            status = self._parse_start_line(line)
            if len(line) <= _CACHED_LINE_SIZE:
                if len(_STATUS_LINES) >= _CACHE_SIZE:
                    _STATUS_LINES.clear()
                _STATUS_LINES[line] = status
        version, code, reason = status
        entry = _RESPONSE_BLOCKS.get(block)
        if entry is None or entry[2] > self.max_headers or entry[3] > self.max_field_size:
            entry = self._parse_block_entry(block)
        headers, raw_headers, _, _, connection, te, cl, length, compression = entry

        # Identity first: the common version needs no tuple comparison.
        close = version is not HttpVersion11 and version < HttpVersion11
        if connection is not None:
            if connection == "close":
                close = True
            elif version == HttpVersion10:
                close = False

        method = self._method
        upgrade = code == 101 or (method == "CONNECT" and 200 <= code < 300)
        chunked = False
        framing = _NO_BODY
        if upgrade:
            framing = _UPGRADE
        elif method != "HEAD" and code >= 200 and code != 204 and code != 304:
            if te is not None:
                if cl is not None:
                    # RFC 9112 6.3: Transfer-Encoding wins, the connection is not reused.
                    close = True
                last = te[-1]
                if last != "chunked":
                    last = last.rsplit(",", 1)[-1].strip(" \t").lower()
                if last == "chunked":
                    chunked = True
                    framing = _CHUNKED
                else:
                    framing = _UNTIL_CLOSE
            elif cl is not None:
                framing = length if length >= 0 else _content_length(cl)
            elif self._read_until_eof:
                framing = _UNTIL_CLOSE
            if framing == _UNTIL_CLOSE:
                close = True

        msg = _tuple_new(
            RawResponseMessage,
            (version, code, reason, headers, raw_headers, close, compression, upgrade, chunked),
        )
        return msg, framing

    def _parse_block_entry(self, block: bytes) -> _ResponseBlock:
        """Parse a header block and derive what heads need; memoise it when seen twice."""
        headers, raw_headers = self._parse_headers(block, "header line")
        connection = None
        conn = headers.get(_H_CONNECTION)
        if conn is not None:
            tokens = _CONNECTION_TOKENS.get(conn) or _connection_tokens(conn)
            if "close" in tokens:
                connection = "close"
            elif "keep-alive" in tokens:
                connection = "keep-alive"
        cl = headers.getall(_H_CONTENT_LENGTH, None)
        length = -1
        if cl is not None and len(cl) == 1:
            value = cl[0]
            if value.isdigit() and value.isascii() and len(value) < 19:
                length = int(value)
        compression = headers.get(_H_CONTENT_ENCODING)
        if compression is not None:
            compression = compression.lower()
            if compression not in _COMPRESSIONS:
                compression = None
        te = headers.getall(_H_TRANSFER_ENCODING, None)
        entry = (
            headers,
            raw_headers,
            block.count(b"\r\n"),
            max(map(len, block.split(b"\r\n"))),
            connection,
            None if te is None else tuple(te),
            None if cl is None else tuple(cl),
            length,
            compression,
        )
        if block and len(block) <= _CACHED_BLOCK_SIZE:
            key = hash(block)
            if key in _SEEN_BLOCKS:
                if len(_RESPONSE_BLOCKS) >= _BLOCK_CACHE_SIZE:
                    _RESPONSE_BLOCKS.clear()
                _RESPONSE_BLOCKS[block] = entry
            else:
                if len(_SEEN_BLOCKS) >= _BLOCK_CACHE_SIZE:
                    _SEEN_BLOCKS.clear()
                _SEEN_BLOCKS.add(key)
        return entry


# -- asyncio adapters ------------------------------------------------------------------


class _DecompressingSink:
    """Decodes a Content-Encoding on its way into a ``StreamReader``, with a size cap."""

    def __init__(self, out: StreamReader, encoding: str, max_size: int) -> None:
        self.out = out
        self.encoding = encoding
        self._budget = max_size
        self._started = False
        self._decoder: ZLibDecompressor | BrotliDecompressor | ZSTDDecompressor
        try:
            if encoding == "br":
                self._decoder = BrotliDecompressor()
            elif encoding == "zstd":
                self._decoder = ZSTDDecompressor()
            else:
                self._decoder = ZLibDecompressor(encoding=encoding)
        except RuntimeError as exc:
            # The optional codec is not installed.
            raise ContentEncodingError(
                f"Can not decode content-encoding: {encoding} ({exc})"
            ) from exc

    def _emit(self, data: bytes) -> None:
        if len(data) > self._budget:
            raise DecompressSizeError(f"Decompressed {self.encoding} body exceeds the maximum size")
        self._budget -= len(data)
        if data:
            self.out.feed_data(data)

    def feed_data(self, data: bytes) -> None:
        self._started = True
        try:
            out = self._decoder.decompress_sync(data, self._budget + 1)
        except HttpProcessingError:
            raise
        except Exception as exc:
            raise ContentEncodingError(f"Can not decode content-encoding: {self.encoding}") from exc
        self._emit(out)

    def feed_eof(self) -> None:
        if self._started:
            try:
                out = self._decoder.flush()
            except Exception as exc:
                raise ContentEncodingError(
                    f"Can not decode content-encoding: {self.encoding}"
                ) from exc
            self._emit(out)
        self.out.feed_eof()

    def begin_http_chunk_receiving(self) -> None:
        self.out.begin_http_chunk_receiving()

    def end_http_chunk_receiving(self) -> None:
        self.out.end_http_chunk_receiving()


class HeadersParser:
    """Header lines (already split, without line ends) into headers, as heads are parsed.

    ``lax`` accepts what the response parser accepts (obs-fold continuation
    lines, control characters in values); otherwise the request grammar of
    RFC 9112 applies. Errors raise the parsers' ``HttpProcessingError`` s.
    """

    def __init__(
        self,
        max_line_size: int = 8190,
        max_headers: int = 32768,
        max_field_size: int = 8190,
        lax: bool = False,
    ) -> None:
        self.max_line_size = max_line_size
        self.max_headers = max_headers
        self.max_field_size = max_field_size
        self.lax = lax
        core_cls = ResponseParser if lax else RequestParser
        self._core: _Parser[Any] = core_cls(
            max_line_size=max_line_size, max_field_size=max_field_size, max_headers=max_headers
        )

    def parse_headers(
        self, lines: list[bytes]
    ) -> tuple[CIMultiDictProxy[str], tuple[tuple[bytes, bytes], ...]]:
        """``(headers, raw_headers)`` of ``lines``.

        As aiohttp passes them, ``lines[0]`` is the start line (skipped); the
        field lines follow, up to an empty line or the end of the list.
        """
        fields = lines[1:]
        if b"" in fields:
            fields = fields[: fields.index(b"")]
        if not fields:
            return _EMPTY_HEADERS, ()
        block = b"\r\n".join(fields) + b"\r\n"
        if len(fields) != block.count(b"\n") or len(fields) != block.count(b"\r"):
            raise BadHttpMessage("Line ending inside a header line")
        return self._core._parse_headers(block, "header line")


class HttpParser(Generic[_MsgT]):
    """Common part of the asyncio adapters: sans-I/O events into ``StreamReader`` s."""

    def __init__(
        self,
        protocol: BaseProtocol | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        limit: int = 2**16,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 32768,
        payload_exception: type[BaseException] | None = None,
        response_with_body: bool = True,
        read_until_eof: bool = False,
        auto_decompress: bool = True,
        max_decompress_size: int = DEFAULT_MAX_DECOMPRESS_SIZE,
        *,
        timer: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.protocol = protocol
        self.loop = loop
        self.limit = limit
        self.max_line_size = max_line_size
        self.max_field_size = max_field_size
        self.max_headers = max_headers
        self.payload_exception = payload_exception
        self.response_with_body = response_with_body
        self.read_until_eof = read_until_eof
        self.auto_decompress = auto_decompress
        self.max_decompress_size = max_decompress_size
        self.timer = timer
        self._core: _Parser[_MsgT] = self._new_core()
        self._messages: list[tuple[_MsgT, StreamReader]] = []
        self._payload: StreamReader | _DecompressingSink | None = None
        self._completed: _MsgT | None = None
        core = self._core
        core._emit_head = self._on_head
        core._emit_body = _drop
        core._emit_end = self._on_end

    def _new_core(self) -> _Parser[_MsgT]:
        raise NotImplementedError

    def _on_head(self, msg: _MsgT) -> None:
        core = self._core
        self._completed = msg
        if core._state in (_HEAD, _UPGRADED):
            # No body (the core ends the message right after), or the connection switched.
            self._messages.append((msg, EMPTY_PAYLOAD))
            return
        assert self.loop is not None and self.protocol is not None
        payload = StreamReader(self.protocol, self.limit, timer=self.timer, loop=self.loop)
        self._messages.append((msg, payload))
        sink: StreamReader | _DecompressingSink = payload
        if msg.compression and self.auto_decompress:
            sink = _DecompressingSink(payload, msg.compression, self.max_decompress_size)
        self._payload = sink
        # The core feeds the body straight into the payload until the message ends.
        core._emit_body = sink.feed_data
        if msg.chunked:
            sink.begin_http_chunk_receiving()
            core._on_chunk_end = sink.end_http_chunk_receiving

    def _on_end(self, trailers: CIMultiDictProxy[str]) -> None:
        payload = self._payload
        if payload is not None:
            self._detach()
            payload.feed_eof()

    def _detach(self) -> None:
        core = self._core
        self._payload = None
        core._emit_body = _drop
        core._on_chunk_end = _noop

    def _fail_payload(self, exc: HttpProcessingError) -> None:
        """Put a body error on the body being received, as ``payload_exception``."""
        payload = self._payload
        if payload is None:
            return
        self._detach()
        reader = payload.out if isinstance(payload, _DecompressingSink) else payload
        err: BaseException = exc
        if self.payload_exception is not None:
            err = self.payload_exception(exc.message)
            err.__cause__ = exc
        reader.set_exception(err)

    def feed_data(self, data: bytes) -> tuple[list[tuple[_MsgT, StreamReader]], bool, bytes]:
        """Parse bytes: ``(messages, upgraded, tail)``; raises on a framing error."""
        core = self._core
        if core._state == _UPGRADED:
            return [], True, data
        try:
            core._feed(data)
        except HttpProcessingError as exc:
            # Heads completed earlier in this chunk are dropped with the connection.
            self._messages = []
            self._fail_payload(exc)
            raise
        messages = self._messages
        if messages:
            self._messages = []
        if core._state == _UPGRADED:
            return messages, True, core.take_tail()
        return messages, False, b""

    def feed_eof(self) -> _MsgT | None:
        """The connection closed: end or fail the body in progress.

        Returns the head completed by the close (a response whose head was cut
        short), if any.
        """
        core = self._core
        self._completed = None
        try:
            core._eof()
        except HttpProcessingError as exc:
            self._fail_payload(exc)
            raise
        finally:
            self._messages = []
        completed, self._completed = self._completed, None
        return completed

    def set_upgraded(self, val: bool) -> None:
        """Switch to (or back from) passing bytes through untouched."""
        core = self._core
        if val:
            core._state = _UPGRADED
        elif core._state == _UPGRADED:
            core._state = _HEAD


class HttpRequestParser(HttpParser[RawRequestMessage]):
    """Request parser for servers, with aiohttp's constructor."""

    def _new_core(self) -> RequestParser:
        return RequestParser(
            max_line_size=self.max_line_size,
            max_field_size=self.max_field_size,
            max_headers=self.max_headers,
        )


class HttpResponseParser(HttpParser[RawResponseMessage]):
    """Response parser for clients, with aiohttp's constructor."""

    def _new_core(self) -> ResponseParser:
        core = ResponseParser(
            max_line_size=self.max_line_size,
            max_field_size=self.max_field_size,
            max_headers=self.max_headers,
            read_until_eof=self.read_until_eof,
        )
        if not self.response_with_body:
            core.expect("HEAD")
        return core
