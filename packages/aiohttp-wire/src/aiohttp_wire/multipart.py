"""MIME multipart bodies (RFC 2046, RFC 7578): streaming reader and writer.

The reader never buffers a part: body data is scanned for the boundary
delimiter in a small lookahead window (one 64 KiB read plus the requested
chunk size) and handed out chunk by chunk, so a part without a boundary costs
bounded memory.

aiohttp's reader takes no limit parameters, so its limits are fixed here; each
violation raises :class:`ValueError` with a message naming it:

* a part header line: 8190 bytes without its line end, like the HTTP head's
  ``max_field_size``; a folded header field is held to the same total;
* header fields per part: 128 lines, like the HTTP head's ``max_headers``;
* a preamble or epilogue is skipped a received block at a time (one search
  for the next line starting with the boundary, not a step per line); a
  boundary line is read 1024 bytes at a time;
* ``BodyPartReader.readline()``: 64 KiB per line;
* nesting: 32 levels of readers, the body's own reader included;
* a body that ends inside a part, its headers or its preamble is an error,
  never a hang (a last delimiter lacking its ``--`` still closes the body).

Decoding a part with :meth:`BodyPartReader.decode` is incremental: base64
keeps under four bytes between calls and raises :class:`ValueError` on
invalid data; quoted-printable keeps at most one line (cut at 64 KiB) and
decodes malformed ``=`` escapes literally (RFC 2045 section 6.7); a gzip or
deflate part inflates to at most ``max_decompress_size`` bytes in all (32 MiB
by default), never allocating more: beyond that :class:`DecompressSizeError`;
a compressed part cut short raises :class:`ValueError`.

There is no limit on the total size: the reader consumes a
:class:`StreamReader` whose producer is in charge of it. ``Request.post()``
counts the fields against ``client_max_size``; a handler that reads
``request.multipart()`` itself, or a client reading a response, applies its
own bound while streaming the parts.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import dataclasses
import inspect
import json
import re
import uuid
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from multidict import CIMultiDict, CIMultiDictProxy

from . import hdrs
from .abc import AbstractStreamWriter
from .compression_utils import DEFAULT_MAX_DECOMPRESS_SIZE
from .helpers import content_disposition_header, parse_mimetype, reify
from .http_exceptions import DecompressSizeError
from .payload import (
    JsonPayload,
    Payload,
    StringPayload,
    get_payload,
    payload_type,
)
from .payload import LookupError as PayloadLookupError
from .streams import StreamReader

__all__ = (
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "BodyPartReaderPayload",
    "ContentDisposition",
    "MultipartReader",
    "MultipartResponseWrapper",
    "MultipartWriter",
    "content_disposition_filename",
    "parse_content_disposition",
)

_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# One ``; key=value`` parameter: quoted-string or a lenient unquoted value.
_PARAM_RE = re.compile(
    r"""\s*;\s*(?P<key>[^\s=;"]+)\s*(?:=\s*(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<plain>[^;]*)))?""",
    re.DOTALL,
)
_QUOTED_PAIR_RE = re.compile(r"\\(.)", re.DOTALL)
_CONTINUATION_RE = re.compile(r"\*(\d+)(\*?)$")

_MAX_LINE = 8190
_MAX_HEADERS = 128
_MAX_BOUNDARY_LINE = 1024
_MAX_PART_LINE = 2**16
_MAX_NESTING = 32
_READ_BLOCK = 2**16


class BadContentDispositionHeader(RuntimeWarning):
    """A Content-Disposition header could not be parsed."""


class BadContentDispositionParam(RuntimeWarning):
    """A Content-Disposition parameter could not be parsed."""


@dataclasses.dataclass(frozen=True, slots=True)
class ContentDisposition:
    """A parsed ``Content-Disposition`` header (``ClientResponse.content_disposition``)."""

    type: str | None
    parameters: Mapping[str, str]
    filename: str | None

    @classmethod
    def from_header(cls, header: str) -> ContentDisposition:
        """Parse ``header``; the parameters come as a read-only mapping."""
        disposition_type, params = parse_content_disposition(header)
        return cls(disposition_type, MappingProxyType(params), content_disposition_filename(params))


def parse_content_disposition(header: str | None) -> tuple[str | None, dict[str, str]]:
    """Parse a Content-Disposition value into ``(lower-cased type, params)``.

    Parameter names are lower-cased; quoted values are unescaped and RFC 5987
    ``key*=charset'lang'value`` values decoded. A malformed header or
    parameter gives ``(None, {})`` with a :class:`BadContentDispositionHeader`
    / :class:`BadContentDispositionParam` warning. RFC 2231 continuations
    (``key*0``, ``key*1*`` ...) are kept as given for
    :func:`content_disposition_filename` to join.
    """
    if not header:
        return None, {}
    disptype, sep, rest = header.partition(";")
    disptype = disptype.strip()
    if not _TOKEN_RE.fullmatch(disptype):
        warnings.warn(BadContentDispositionHeader(header), stacklevel=2)
        return None, {}
    params: dict[str, str] = {}
    pos = 0
    rest = sep + rest
    end = len(rest)
    while pos < end:
        match = _PARAM_RE.match(rest, pos)
        if match is None:
            if rest[pos:].strip(" \t;"):
                warnings.warn(BadContentDispositionParam(rest[pos:]), stacklevel=2)
                return None, {}
            break
        pos = match.end()
        key = match.group("key").lower()
        quoted = match.group("quoted")
        if quoted is not None:
            value = _QUOTED_PAIR_RE.sub(r"\1", quoted) if "\\" in quoted else quoted
        else:
            plain = match.group("plain")
            if plain is None:
                warnings.warn(BadContentDispositionParam(match.group(0)), stacklevel=2)
                return None, {}
            value = plain.strip()
        if key.endswith("*") and _CONTINUATION_RE.search(key) is None:
            decoded = _decode_extended(value)
            if decoded is None:
                warnings.warn(BadContentDispositionParam(match.group(0)), stacklevel=2)
                return None, {}
            value = decoded
        elif not _TOKEN_RE.fullmatch(key):
            warnings.warn(BadContentDispositionParam(match.group(0)), stacklevel=2)
            return None, {}
        params[key] = value
    return disptype.lower(), params


def _decode_extended(value: str) -> str | None:
    """Decode an RFC 5987 ``charset'lang'pct-encoded`` value; ``None`` if malformed."""
    charset, sep, rest = value.partition("'")
    _, sep2, encoded = rest.partition("'")
    if not sep or not sep2:
        return None
    try:
        codecs.lookup(charset or "utf-8")
        return unquote(encoded, encoding=charset or "utf-8", errors="strict")
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def content_disposition_filename(params: Mapping[str, str], name: str = "filename") -> str | None:
    """The value of parameter ``name``: ``name*`` first, then ``name``, then continuations."""
    extended = params.get(name + "*")
    if extended is not None:
        return extended
    plain = params.get(name)
    if plain is not None:
        return plain
    prefix = name + "*"
    pieces: list[tuple[int, str, bool]] = []
    for key, value in params.items():
        if key.startswith(prefix):
            match = _CONTINUATION_RE.match(key, len(name))
            # An index of thousands of digits is over int()'s conversion limit,
            # and far past any run of pieces: ignored like any other gap.
            if match is not None and len(match.group(1)) <= 9:
                pieces.append((int(match.group(1)), value, bool(match.group(2))))
    if not pieces:
        return None
    pieces.sort()
    charset = "utf-8"
    out: list[str] = []
    for index, (num, value, encoded) in enumerate(pieces):
        if num != index:
            break
        if encoded:
            if num == 0:
                cs, _, rest = value.partition("'")
                _, _, value = rest.partition("'")
                charset = cs or "utf-8"
            try:
                value = unquote(value, encoding=charset, errors="strict")
            except (LookupError, UnicodeDecodeError):
                return None
        out.append(value)
    return "".join(out)


class _PartStream:
    """A lookahead window over a :class:`StreamReader`, shared by a multipart tree.

    Holds at most about one read block plus a delimiter, so scanning for a
    boundary never accumulates a whole part.
    """

    __slots__ = ("_buf", "_clean", "_clean_delim", "_eof", "_pos", "_stream")

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream
        self._buf = b""
        self._pos = 0
        self._eof = False
        # No occurrence of ``_clean_delim`` starts in ``_buf`` before ``_clean``:
        # successive reads of a large buffer do not rescan it.
        self._clean_delim = b""
        self._clean = 0

    async def _fill(self) -> bool:
        """Append the next received block; ``False`` at the end of the stream."""
        if self._eof:
            return False
        data = await self._stream.read(_READ_BLOCK)
        if not data:
            self._eof = True
            return False
        pos = self._pos
        if pos >= len(self._buf):
            self._buf = data
        else:
            self._buf = self._buf[pos:] + data
        self._pos = 0
        self._clean = max(self._clean - pos, 0)
        return True

    def _find(self, delim: bytes) -> int:
        """Index of the next ``delim`` in the buffer, or -1 (and remember the scan)."""
        buf = self._buf
        start = self._pos
        if self._clean_delim == delim and self._clean > start:
            start = self._clean
        idx = buf.find(delim, start)
        self._clean_delim = delim
        self._clean = idx if idx != -1 else max(len(buf) - len(delim) + 1, self._pos)
        return idx

    def at_eof(self) -> bool:
        return self._eof and self._pos >= len(self._buf)

    def _take(self, end: int, skip: int = 0) -> bytes:
        """Return bytes up to ``end`` and move past ``end + skip``."""
        data = self._buf[self._pos : end]
        self._pos = end + skip
        return data

    async def readline(self, limit: int) -> bytes:
        """A line with its ``\\n``, at most ``limit`` bytes of one (``b""`` at EOF)."""
        while True:
            buf = self._buf
            pos = self._pos
            idx = buf.find(b"\n", pos, pos + limit)
            if idx != -1:
                return self._take(idx + 1)
            if len(buf) - pos >= limit:
                return self._take(pos + limit)
            if not await self._fill():
                return self._take(len(self._buf))

    async def seek_line(self, prefix: bytes, line_start: bool) -> bool:
        """Discard bytes up to the next line that starts with ``prefix``; False at the end.

        ``line_start`` says whether the current position starts a line. One
        ``find`` per received block, so a preamble of many short lines costs
        no Python work per line; the last ``len(prefix)`` bytes of a block
        are kept in case a match straddles the next one.
        """
        plen = len(prefix)
        target = b"\n" + prefix
        while True:
            buf = self._buf
            pos = self._pos
            if line_start and len(buf) - pos >= plen:
                if buf.startswith(prefix, pos):
                    return True
                line_start = False
            if not line_start:
                idx = buf.find(target, pos)
                if idx != -1:
                    self._pos = idx + 1
                    return True
                self._pos = max(pos, len(buf) - plen)
            if not await self._fill():
                self._pos = len(self._buf)
                return False

    async def read_until(self, delim: bytes, size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes before ``delim``; the flag says ``delim`` was reached.

        The delimiter itself is consumed. The end of the stream before it is
        an error: the body was truncated. Bytes are handed out without the
        flag only when the delimiter cannot start right after them, so the
        last bytes of a part always come with the flag: decoders holding a
        remainder see the end with data, never after an empty read.
        """
        dlen = len(delim)
        while True:
            pos = self._pos
            idx = self._find(delim)
            if idx != -1:
                if idx - pos <= size:
                    return self._take(idx, dlen), True
                return self._take(pos + size), False
            if len(self._buf) - dlen - pos >= size:
                return self._take(pos + size), False
            if not await self._fill():
                raise ValueError("Multipart body ends without a closing boundary")

    async def read_line_until(self, delim: bytes, limit: int) -> tuple[bytes, bool]:
        """A line (with ``\\n``) of a part, or its last bytes when ``delim`` comes first."""
        dlen = len(delim)
        while True:
            buf = self._buf
            pos = self._pos
            didx = self._find(delim)
            end = didx if didx != -1 else max(len(buf) - dlen + 1, pos)
            nidx = buf.find(b"\n", pos, min(end, pos + limit))
            if nidx != -1:
                return self._take(nidx + 1), False
            if end - pos > limit:
                raise ValueError(f"Multipart line longer than {limit} bytes")
            if didx != -1:
                return self._take(didx, dlen), True
            if not await self._fill():
                raise ValueError("Multipart body ends without a closing boundary")


def _as_part_stream(content: StreamReader | _PartStream) -> _PartStream:
    return content if isinstance(content, _PartStream) else _PartStream(content)


class _Base64Decoder:
    """Incremental base64 decoding: whole quanta now, the remainder later.

    Data after a padded (final) quantum is an error whether or not it comes
    in the same chunk.
    """

    __slots__ = ("_padded", "_rest")

    def __init__(self) -> None:
        self._rest = b""
        self._padded = False

    def feed(self, data: bytes, final: bool) -> bytes:
        data = self._rest + bytes(data).translate(None, b" \t\r\n")
        cut = len(data) if final else len(data) - len(data) % 4
        self._rest = data[cut:]
        if not cut:
            return b""
        if self._padded:
            raise ValueError("Invalid base64 data in multipart part: data after padding")
        self._padded = data[cut - 1] == 0x3D  # "="
        try:
            return base64.b64decode(data[:cut], validate=True)
        except binascii.Error as exc:
            raise ValueError(f"Invalid base64 data in multipart part: {exc}") from None


class _QuotedPrintableDecoder:
    """Incremental quoted-printable decoding, cutting at line ends.

    A line that grows to ``_MAX_PART_LINE`` is cut anyway, before an ``=``
    escape that may be incomplete, so a part that never breaks its lines is
    still decoded in bounded memory.
    """

    __slots__ = ("_rest",)

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, data: bytes, final: bool) -> bytes:
        data = self._rest + bytes(data)
        if final:
            cut = len(data)
        else:
            cut = data.rfind(b"\n") + 1
            if len(data) - cut >= _MAX_PART_LINE:
                # "=", "=X" and "=\r" may continue in the next chunk.
                escape = data.find(b"=", len(data) - 2)
                cut = escape if escape != -1 else len(data)
        self._rest = data[cut:]
        return binascii.a2b_qp(data[:cut])


class _InflateDecoder:
    """Incremental gzip / deflate (zlib or raw) decoding with a bound on the whole output.

    zlib is asked for at most one byte more than the budget left, so a bomb
    is detected without inflating it. A part that ends before its compressed
    stream does is an error, not a silently shortened result.
    """

    __slots__ = ("_gzip", "_head", "_left", "_max_size", "_obj")

    def __init__(self, encoding: str, max_size: int) -> None:
        self._gzip = encoding == "gzip"
        self._obj: Any = None
        self._max_size = max_size
        self._left = max_size
        # The first byte when it came alone: deflate's wrapper check needs two.
        self._head = b""

    def feed(self, data: bytes, final: bool) -> bytes:
        if self._obj is None:
            data = self._head + data
            if not data or (len(data) < 2 and not final):
                self._head = data
                return b""
            self._head = b""
            if self._gzip:
                wbits = 16 + zlib.MAX_WBITS
            else:
                # "deflate" is zlib-wrapped per RFC 9110, but raw deflate is common too.
                wrapped = (
                    len(data) > 1 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
                )
                wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
            self._obj = zlib.decompressobj(wbits)
        try:
            out: bytes = self._obj.decompress(data, self._left + 1)
        except zlib.error as exc:
            raise ValueError(f"Can not decode multipart part: {exc}") from None
        self._left -= len(out)
        if self._left < 0:
            raise DecompressSizeError(
                f"Decompressed part exceeds the limit of {self._max_size} bytes"
            )
        if final and not self._obj.eof:
            raise ValueError("Compressed multipart part is truncated")
        return out


class _IdentityDecoder:
    __slots__ = ()

    def feed(self, data: bytes, final: bool) -> bytes:
        return data


_Decoder = _Base64Decoder | _QuotedPrintableDecoder | _InflateDecoder | _IdentityDecoder


class BodyPartReader:
    """One part of a multipart body, read as a stream.

    ``boundary`` is the delimiter with its leading dashes (``b"--" +
    boundary``), as aiohttp passes it; ``content`` is positioned right after
    the part's headers and the part ends at CRLF and that delimiter.
    """

    chunk_size = 8192

    def __init__(
        self,
        boundary: bytes,
        headers: CIMultiDictProxy[str],
        content: StreamReader | _PartStream,
        *,
        subtype: str = "mixed",
        default_charset: str | None = None,
        max_decompress_size: int = DEFAULT_MAX_DECOMPRESS_SIZE,
    ) -> None:
        self.headers = headers
        self._max_decompress_size = max_decompress_size
        self._boundary = boundary
        self._delim = b"\r\n" + boundary
        self._content = _as_part_stream(content)
        self._at_eof = False
        self._is_form_data = subtype == "form-data"
        self._default_charset = default_charset
        self._read_bytes = 0
        self._decoders: list[_Decoder] | None = None
        self._cache: dict[str, Any] = {}

    def __aiter__(self) -> BodyPartReader:
        return self

    async def __anext__(self) -> bytearray:
        """The rest of the (raw) part in one piece, as aiohttp's iteration gives it.

        Streaming consumers read it with :meth:`read_chunk` instead.
        """
        item = await self.next()
        if item is None:
            raise StopAsyncIteration
        return item

    async def next(self) -> bytearray | None:
        """The whole (raw) part, or ``None`` when it was already read."""
        item = await self.read()
        return item or None

    async def read(self, *, decode: bool = False) -> bytearray:
        """The rest of the part; with ``decode`` undo its transfer and content encodings.

        Decoding goes chunk by chunk as the part arrives, so the raw part is
        never held next to its decoded form.
        """
        data = bytearray()
        if decode:
            while True:
                data += self._decode(await self.read_chunk(_READ_BLOCK))
                if self._at_eof:
                    return data
        while not self._at_eof:
            data += await self.read_chunk(_READ_BLOCK)
        return data

    async def read_chunk(self, size: int = chunk_size) -> bytes:
        """Up to ``size`` raw bytes of the part (``b""`` once it is exhausted)."""
        if self._at_eof:
            return b""
        data, found = await self._content.read_until(self._delim, size)
        if found:
            self._at_eof = True
        self._read_bytes += len(data)
        return data

    async def readline(self) -> bytes:
        """The next line of the part (its last line comes without the CRLF)."""
        if self._at_eof:
            return b""
        line, found = await self._content.read_line_until(self._delim, _MAX_PART_LINE)
        if found:
            self._at_eof = True
        self._read_bytes += len(line)
        return line

    async def release(self) -> None:
        """Skip the rest of the part."""
        while not self._at_eof:
            await self.read_chunk(2**16)

    async def text(self, *, encoding: str | None = None) -> str:
        """The part decoded as text (``encoding``, else its charset, else UTF-8)."""
        data = await self.read(decode=True)
        return data.decode(encoding or self.get_charset(default="utf-8"))

    async def json(self, *, encoding: str | None = None) -> Any:
        """The part parsed as JSON; ``None`` when it is empty."""
        data = await self.read(decode=True)
        if not data:
            return None
        return json.loads(data.decode(encoding or self.get_charset(default="utf-8")))

    async def form(self, *, encoding: str | None = None) -> list[tuple[str, str]]:
        """The part parsed as ``application/x-www-form-urlencoded`` pairs."""
        data = await self.read(decode=True)
        if not data:
            return []
        real_encoding = encoding or self.get_charset(default="utf-8")
        try:
            text = data.rstrip().decode(real_encoding)
        except UnicodeDecodeError:
            raise ValueError(f"data cannot be decoded with {real_encoding} encoding") from None
        return parse_qsl(text, keep_blank_values=True, encoding=real_encoding)

    def at_eof(self) -> bool:
        return self._at_eof

    def _make_decoders(self) -> list[_Decoder]:
        decoders: list[_Decoder] = []
        cte = self.headers.get(hdrs.CONTENT_TRANSFER_ENCODING, "").lower()
        if cte == "base64":
            decoders.append(_Base64Decoder())
        elif cte == "quoted-printable":
            decoders.append(_QuotedPrintableDecoder())
        elif cte not in ("", "binary", "8bit", "7bit"):
            raise RuntimeError(f"unknown content transfer encoding: {cte}")
        if not self._is_form_data:
            encoding = self.headers.get(hdrs.CONTENT_ENCODING, "").lower()
            if encoding in ("deflate", "gzip"):
                decoders.append(_InflateDecoder(encoding, self._max_decompress_size))
            elif encoding not in ("", "identity"):
                raise RuntimeError(f"unknown content encoding: {encoding}")
        return decoders or [_IdentityDecoder()]

    async def decode(self, data: bytes | bytearray) -> bytes:
        """Undo the part's transfer encoding and (outside form-data) content encoding.

        Stateful: successive raw chunks of the part may be passed one by one;
        a compressed part's whole output is bounded by ``max_decompress_size``.
        A coroutine, as in aiohttp 3.13.
        """
        return self._decode(data)

    def _decode(self, data: bytes | bytearray) -> bytes:
        """``decode()``'s work, for this module's own readers."""
        decoders = self._decoders
        if decoders is None:
            decoders = self._decoders = self._make_decoders()
        out = bytes(data)
        final = self._at_eof
        for decoder in decoders:
            out = decoder.feed(out, final)
        return out

    def get_charset(self, default: str) -> str:
        """The part's Content-Type charset, else the reader's default, else ``default``."""
        mimetype = parse_mimetype(self.headers.get(hdrs.CONTENT_TYPE, ""))
        return mimetype.parameters.get("charset", self._default_charset or default)

    @reify
    def name(self) -> str | None:
        """The ``name`` parameter of Content-Disposition."""
        _, params = parse_content_disposition(self.headers.get(hdrs.CONTENT_DISPOSITION))
        return content_disposition_filename(params, "name")

    @reify
    def filename(self) -> str | None:
        """The ``filename`` parameter of Content-Disposition."""
        _, params = parse_content_disposition(self.headers.get(hdrs.CONTENT_DISPOSITION))
        return content_disposition_filename(params, "filename")


@payload_type(BodyPartReader)
class BodyPartReaderPayload(Payload):
    """A part being read, sent on as a body or a part (proxying an upload).

    It streams the part's decoded data once; its name and filename become a
    Content-Disposition, its Content-Type is kept.
    """

    _value: BodyPartReader

    def __init__(self, value: BodyPartReader, *args: Any, **kwargs: Any) -> None:
        if "content_type" not in kwargs and hdrs.CONTENT_TYPE in value.headers:
            kwargs["content_type"] = value.headers[hdrs.CONTENT_TYPE]
        super().__init__(value, *args, **kwargs)
        params: dict[str, str] = {}
        if value.name is not None:
            params["name"] = value.name
        if value.filename is not None:
            params["filename"] = value.filename
        if params and hdrs.CONTENT_DISPOSITION not in self.headers:
            self.headers[hdrs.CONTENT_DISPOSITION] = content_disposition_header(
                "attachment", True, "utf-8", **params
            )

    async def write(self, writer: AbstractStreamWriter) -> None:
        part = self._value
        self._consumed = True
        while chunk := await part.read_chunk(2**16):
            await writer.write(part._decode(chunk))

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError("Unable to decode a multipart part that is still being read")


class MultipartResponseWrapper:
    """A :class:`MultipartReader` over a client response, releasing it at the end."""

    def __init__(self, resp: Any, stream: MultipartReader) -> None:
        self.resp = resp
        self.stream = stream

    def __aiter__(self) -> MultipartResponseWrapper:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    def at_eof(self) -> bool:
        return self.stream.at_eof()

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """The next part; the response is released after the last one."""
        item = await self.stream.next()
        if self.stream.at_eof():
            await self.release()
        return item

    async def release(self) -> None:
        """Release the underlying response (the connection goes back to the pool).

        ``release()`` may be a plain method or a coroutine, depending on the
        response class.
        """
        result = self.resp.release()
        if inspect.isawaitable(result):
            await result


class MultipartReader:
    """Reads the parts of a ``multipart/*`` body one after another.

    Each part must be read (or released) before the next; :meth:`next`
    releases an unread one itself. Nested ``multipart/*`` parts come back as
    readers of their own.
    """

    response_wrapper_cls = MultipartResponseWrapper
    multipart_reader_cls: type[MultipartReader] | None = None
    part_reader_cls = BodyPartReader

    def __init__(self, headers: Mapping[str, str], content: StreamReader | _PartStream) -> None:
        self._mimetype = parse_mimetype(headers[hdrs.CONTENT_TYPE])
        if self._mimetype.type != "multipart":
            raise ValueError("multipart/* content type expected")
        boundary = self._mimetype.parameters.get("boundary")
        if not boundary:
            raise ValueError(f"boundary missed for Content-Type: {headers[hdrs.CONTENT_TYPE]}")
        if len(boundary) > 70:
            raise ValueError(f"boundary {boundary!r} is too long (70 chars max)")
        try:
            # With its leading dashes, as a delimiter line starts (and aiohttp keeps it).
            self._boundary = b"--" + boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError(f"boundary {boundary!r} is not ASCII") from None
        self.headers = headers
        self._content = _as_part_stream(content)
        self._default_charset: str | None = None
        self._last_part: MultipartReader | BodyPartReader | None = None
        self._at_eof = False
        self._scan_for_boundary = True
        # 1 for the body's own reader; a nested reader is one level deeper.
        self._depth = 1

    def __aiter__(self) -> MultipartReader:
        return self

    async def __anext__(self) -> MultipartReader | BodyPartReader:
        part = await self.next()
        if part is None:
            raise StopAsyncIteration
        return part

    @classmethod
    def from_response(cls, response: Any) -> MultipartResponseWrapper:
        """A reader over a client response's body."""
        return cls.response_wrapper_cls(response, cls(response.headers, response.content))

    def at_eof(self) -> bool:
        """Whether the closing boundary was read."""
        return self._at_eof

    async def next(self) -> MultipartReader | BodyPartReader | None:
        """The next part, or ``None`` after the closing boundary."""
        while not self._at_eof:
            last = self._last_part
            if last is not None:
                self._last_part = None
                await last.release()
                if isinstance(last, MultipartReader):
                    self._scan_for_boundary = True
                else:
                    await self._read_boundary()
            if self._scan_for_boundary:
                self._scan_for_boundary = False
                await self._find_boundary_line()
            if self._at_eof:
                break
            part = await self.fetch_next_part()
            self._last_part = part
            if (
                self._mimetype.subtype == "form-data"
                and isinstance(part, BodyPartReader)
                and part.name == "_charset_"
                and part.filename is None
            ):
                # RFC 7578 section 4.6: the default charset of the later text fields.
                await self._apply_charset_field(part)
                continue
            return part
        return None

    async def _apply_charset_field(self, part: BodyPartReader) -> None:
        value = (await part.read_chunk(64)).decode("ascii", "replace").strip()
        await part.release()
        try:
            codecs.lookup(value)
        except LookupError:
            return
        self._default_charset = value

    async def release(self) -> None:
        """Skip every remaining part."""
        while not self._at_eof:
            item = await self.next()
            if item is None:
                break
            await item.release()

    async def fetch_next_part(self) -> MultipartReader | BodyPartReader:
        """Read the next part's headers and return its reader."""
        headers = await self._read_headers()
        return self._get_part_reader(headers)

    def _get_part_reader(self, headers: CIMultiDictProxy[str]) -> MultipartReader | BodyPartReader:
        ctype = headers.get(hdrs.CONTENT_TYPE, "")
        if parse_mimetype(ctype).type == "multipart":
            if self._depth >= _MAX_NESTING:
                raise ValueError(f"Multipart parts nested deeper than {_MAX_NESTING} levels")
            cls = self.multipart_reader_cls or type(self)
            nested = cls(headers, self._content)
            nested._depth = self._depth + 1
            return nested
        return self.part_reader_cls(
            self._boundary,
            headers,
            self._content,
            subtype=self._mimetype.subtype,
            default_charset=self._default_charset,
        )

    async def _find_boundary_line(self) -> None:
        """Skip the preamble (or a nested part's epilogue) up to a boundary line."""
        dash = self._boundary
        closing = dash + b"--"
        content = self._content
        line_start = True
        while True:
            if not await content.seek_line(dash, line_start):
                raise ValueError(f"Could not find starting boundary {dash!r}")
            line = await content.readline(_MAX_BOUNDARY_LINE)
            stripped = line.rstrip()
            if stripped == dash:
                return
            if stripped == closing:
                self._at_eof = True
                return
            # A longer line that only starts like the boundary ("--bx"), perhaps
            # cut at the line limit: the next candidate starts a later line.
            line_start = line.endswith(b"\n")

    async def _read_boundary(self) -> None:
        """Read what follows ``CRLF--boundary`` after a part: ``--`` or the line end."""
        line = await self._content.readline(_MAX_BOUNDARY_LINE)
        if not line or line.startswith(b"--"):
            self._at_eof = True
        elif line.strip(b" \t\r\n"):
            raise ValueError(f"Invalid boundary line: {self._boundary + line!r}")

    async def _read_headers(self) -> CIMultiDictProxy[str]:
        """Parse a part's header block (bounded line length and count)."""
        headers: CIMultiDict[str] = CIMultiDict()
        content = self._content
        last_name: str | None = None
        count = 0
        while True:
            line = await content.readline(_MAX_LINE + 2)
            if not line.endswith(b"\n"):
                if not line:
                    raise ValueError("Multipart body ends inside part headers")
                raise ValueError(f"Multipart part header line longer than {_MAX_LINE} bytes")
            line = line.rstrip(b"\r\n")
            if not line:
                return CIMultiDictProxy(headers)
            if len(line) > _MAX_LINE:
                raise ValueError(f"Multipart part header line longer than {_MAX_LINE} bytes")
            count += 1
            if count > _MAX_HEADERS:
                raise ValueError(f"More than {_MAX_HEADERS} header lines in a multipart part")
            text = line.decode("utf-8", "surrogateescape")
            if text[0] in " \t" and last_name is not None:
                values = headers.popall(last_name)
                values[-1] = f"{values[-1]} {text.strip()}"
                if len(last_name) + len(values[-1]) > _MAX_LINE:
                    raise ValueError(f"Folded multipart part header longer than {_MAX_LINE} bytes")
                headers.extend((last_name, v) for v in values)
                continue
            name, sep, value = text.partition(":")
            name = name.strip()
            if not sep or not _TOKEN_RE.fullmatch(name):
                raise ValueError(f"Invalid multipart part header: {text!r}")
            headers.add(name, value.strip(" \t"))
            last_name = name


_ALLOWED_ENCODINGS = frozenset(("deflate", "gzip", "identity"))
_ALLOWED_TRANSFER = frozenset(("base64", "quoted-printable", "binary"))


class _PartEncodingWriter(AbstractStreamWriter):
    """Applies a part's Content-Encoding, then its Content-Transfer-Encoding."""

    def __init__(
        self, writer: AbstractStreamWriter, encoding: str | None, transfer: str | None
    ) -> None:
        self._writer = writer
        self._compress: Any = None
        if encoding == "gzip":
            self._compress = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._compress = zlib.compressobj(wbits=zlib.MAX_WBITS)
        self._transfer = transfer
        self._pending = b""

    async def _emit(self, data: bytes, final: bool) -> None:
        if self._transfer == "base64":
            data = self._pending + data
            cut = len(data) if final else len(data) - len(data) % 3
            self._pending = data[cut:]
            data = base64.b64encode(data[:cut])
        elif self._transfer == "quoted-printable":
            # Encoded at the end: soft line breaks must not straddle chunks.
            self._pending += data
            if not final:
                return
            data = binascii.b2a_qp(self._pending)
            self._pending = b""
        if data:
            await self._writer.write(data)

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        data = bytes(chunk)
        if self._compress is not None:
            data = self._compress.compress(data)
        if data:
            await self._emit(data, False)

    async def write_eof(self, chunk: bytes = b"") -> None:
        data = bytes(chunk)
        if self._compress is not None:
            data = self._compress.compress(data) + self._compress.flush()
        await self._emit(data, True)

    async def drain(self) -> None:
        await self._writer.drain()

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        raise RuntimeError("multipart parts are compressed through their headers")

    def enable_chunking(self) -> None:
        pass

    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise RuntimeError("a multipart part cannot write headers")


def _boundary_param(boundary: str) -> str:
    """The boundary as a Content-Type parameter value (quoted unless a token)."""
    if _TOKEN_RE.fullmatch(boundary):
        return boundary
    return '"' + boundary.replace("\\", "\\\\").replace('"', '\\"') + '"'


class MultipartWriter(Payload):
    """A ``multipart/<subtype>`` body built from payloads, itself a payload."""

    _value: None

    def __init__(
        self, subtype: str = "mixed", boundary: str | None = None, close_boundary: bool = True
    ) -> None:
        if boundary is None:
            boundary = uuid.uuid4().hex
        try:
            self._boundary = boundary.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("boundary should contain ASCII only chars") from None
        if not boundary or len(boundary) > 70 or re.search(r"[\x00-\x1f\x7f]", boundary):
            raise ValueError(f"invalid boundary {boundary!r}")
        super().__init__(
            None, content_type=f"multipart/{subtype}; boundary={_boundary_param(boundary)}"
        )
        self._subtype = subtype
        self._parts: list[tuple[Payload, str | None, str | None]] = []
        self._is_form_data = subtype == "form-data"
        self._close_boundary = close_boundary

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        pass

    def __iter__(self) -> Iterator[tuple[Payload, str | None, str | None]]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __bool__(self) -> bool:
        return True

    @property
    def boundary(self) -> str:
        return self._boundary.decode("ascii")

    def append(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add ``obj`` (a payload or anything the payload registry knows) as a part."""
        if isinstance(obj, Payload):
            if headers:
                obj.headers.update(headers)
            return self.append_payload(obj)
        try:
            payload = get_payload(obj, headers=headers)
        except PayloadLookupError:
            raise TypeError(f"Cannot create payload from {obj!r}") from None
        return self.append_payload(payload)

    def append_payload(self, payload: Payload) -> Payload:
        """Add a payload as a part; its Content-(Transfer-)Encoding is applied on write."""
        encoding: str | None = payload.headers.get(hdrs.CONTENT_ENCODING, "").lower()
        if encoding and encoding not in _ALLOWED_ENCODINGS:
            raise RuntimeError(f"unknown content encoding: {encoding}")
        if encoding in ("", "identity"):
            encoding = None
        transfer: str | None = payload.headers.get(hdrs.CONTENT_TRANSFER_ENCODING, "").lower()
        if transfer and transfer not in _ALLOWED_TRANSFER:
            raise RuntimeError(f"unknown content transfer encoding: {transfer}")
        if transfer in ("", "binary"):
            transfer = None
        self._parts.append((payload, encoding, transfer))
        return payload

    def append_json(self, obj: Any, headers: Mapping[str, str] | None = None) -> Payload:
        """Add ``obj`` serialised as JSON."""
        return self.append_payload(JsonPayload(obj, headers=headers))

    def append_form(
        self,
        obj: Sequence[tuple[str, str]] | Mapping[str, str],
        headers: Mapping[str, str] | None = None,
    ) -> Payload:
        """Add ``obj`` as an ``application/x-www-form-urlencoded`` part."""
        items = list(obj.items()) if isinstance(obj, Mapping) else list(obj)
        data = urlencode(items, doseq=True)
        return self.append_payload(
            StringPayload(data, headers=headers, content_type="application/x-www-form-urlencoded")
        )

    @property
    def size(self) -> int | None:
        """The serialised length, ``None`` if a part's length is not known up front."""
        blen = len(self._boundary)
        total = 0
        for part, encoding, transfer in self._parts:
            size = part.size
            if encoding or transfer or size is None:
                return None
            total += blen + 4 + len(part._binary_headers) + size + 2
        if self._close_boundary:
            total += blen + 6
        return total

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The serialised body as text (parts without encodings only)."""
        boundary = self.boundary
        out: list[str] = []
        for part, _, _ in self._parts:
            out.append(f"--{boundary}\r\n")
            out.append(part._binary_headers.decode(encoding, errors))
            out.append(part.decode(encoding, errors))
            out.append("\r\n")
        if self._close_boundary:
            out.append(f"--{boundary}--\r\n")
        return "".join(out)

    async def write(self, writer: AbstractStreamWriter, close_boundary: bool = True) -> None:
        """Write every part, then the closing boundary."""
        dash = b"--" + self._boundary
        separator = b""
        for part, encoding, transfer in self._parts:
            await writer.write(separator + dash + b"\r\n" + part._binary_headers)
            if encoding or transfer:
                encoder = _PartEncodingWriter(writer, encoding, transfer)
                await part.write(encoder)
                await encoder.write_eof()
            else:
                await part.write(writer)
            separator = b"\r\n"
        if close_boundary and self._close_boundary:
            await writer.write(separator + dash + b"--\r\n")
        elif separator:
            await writer.write(separator)

    async def close(self) -> None:
        """Close every part."""
        for part, _, _ in self._parts:
            await part.close()
