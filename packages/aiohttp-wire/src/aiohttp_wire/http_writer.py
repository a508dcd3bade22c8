"""HTTP/1.x message writing: head serialisation and ``StreamWriter`` (body framing and coding).

The head is buffered by ``write_headers()`` and leaves together with the
first body bytes (or the end of the message), so a small message costs one
``transport.write``. Bodies are written as they come, optionally compressed
and chunk-framed; writers wait while the transport's buffer is above its
high-water mark.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING

from .abc import AbstractStreamWriter
from .compression_utils import ZLibCompressor

if TYPE_CHECKING:
    from .base_protocol import BaseProtocol

__all__ = ("RESPONSES", "StreamWriter", "serialize_headers")

#: Status code -> (reason phrase, description), the table ``aiohttp.http.RESPONSES``
#: offers (mocking libraries such as aioresponses read reason phrases from it).
RESPONSES: dict[int, tuple[str, str]] = {
    status.value: (status.phrase, status.description) for status in HTTPStatus
}

_ChunkCallback = Callable[[bytes], Awaitable[None]]
_HeadersCallback = Callable[[str, Mapping[str, str]], Awaitable[None]]

_LAST_CHUNK = b"0\r\n\r\n"
_CHUNK_END_LAST = b"\r\n0\r\n\r\n"
# Bodies up to this size are joined with the head (and chunk framing) into one
# buffer; larger ones go through ``writelines`` so that they are not copied.
_JOIN_LIMIT = 16384


def _bad_header_part(status_line: str, headers: Mapping[str, str]) -> str:
    """Name the first start line / header part holding CR, LF or NUL (for the error)."""
    for part in (status_line, *(p for item in headers.items() for p in item)):
        if "\r" in part or "\n" in part or "\0" in part:
            return repr(part)
    return "?"  # pragma: no cover - only called once a bad part was detected


def serialize_headers(status_line: str, headers: Mapping[str, str]) -> bytes:
    """The start line and header block as bytes, ending with the empty line.

    Raises ``ValueError`` when the start line or any header name or value
    holds CR, LF or NUL: these would let a value split the response.
    """
    lines = list(map(": ".join, headers.items()))
    if lines:
        text = status_line + "\r\n" + "\r\n".join(lines) + "\r\n\r\n"
    else:
        text = status_line + "\r\n\r\n"
    # Our own framing holds exactly ``len(lines) + 2`` CRLFs; any other CR or
    # LF (or a NUL) comes from a name or value.
    expected = len(lines) + 2
    if text.count("\r") != expected or text.count("\n") != expected or "\0" in text:
        raise ValueError(
            "Newline, carriage return or NUL character detected in HTTP status message "
            f"or header: {_bad_header_part(status_line, headers)}. "
            "This is a potential security issue."
        )
    return text.encode("utf-8")


class StreamWriter(AbstractStreamWriter):
    """Writes one HTTP message (head and body) to a protocol's transport."""

    length: int | None = None
    chunked: bool = False
    _eof: bool = False
    _compress: ZLibCompressor | None = None

    def __init__(
        self,
        protocol: BaseProtocol,
        loop: asyncio.AbstractEventLoop,
        on_chunk_sent: _ChunkCallback | None = None,
        on_headers_sent: _HeadersCallback | None = None,
    ) -> None:
        self._protocol = protocol
        self.loop = loop
        self.buffer_size = 0
        self.output_size = 0
        self._headers_buf: bytes | None = None
        self._headers_event: tuple[str, Mapping[str, str]] | None = None
        self._on_chunk_sent = on_chunk_sent
        self._on_headers_sent = on_headers_sent

    @property
    def transport(self) -> asyncio.Transport | None:
        """The protocol's current transport."""
        return self._protocol.transport

    @property
    def protocol(self) -> BaseProtocol:
        """The protocol written to."""
        return self._protocol

    def enable_chunking(self) -> None:
        """Frame the body with chunked transfer coding."""
        self.chunked = True

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        """Compress the body with ``gzip`` or ``deflate`` (zlib format, as RFC 9110 defines it)."""
        if not isinstance(encoding, str):
            encoding = "deflate"
        self._compress = ZLibCompressor(
            encoding=encoding, strategy=zlib.Z_DEFAULT_STRATEGY if strategy is None else strategy
        )

    def write_headers(self, status_line: str, headers: Mapping[str, str]) -> None:
        """Serialise the head and keep it until the first body bytes or ``write_eof()``."""
        self._headers_buf = serialize_headers(status_line, headers)
        if self._on_headers_sent is not None:
            self._headers_event = (status_line, headers)

    def send_headers(self) -> None:
        """Write a buffered head now (e.g. before a long wait for the first body bytes)."""
        buf = self._headers_buf
        if buf is not None:
            self._headers_buf = None
            self._write(buf)

    def set_eof(self) -> None:
        """Mark the message finished without writing anything more."""
        self._eof = True

    def _write(self, data: bytes) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        size = len(data)
        self.buffer_size += size
        self.output_size += size
        transport.write(data)

    def _writelines(self, parts: list[bytes]) -> None:
        """Write large pieces without joining them (scatter/gather where supported)."""
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Cannot write to closing transport")
        size = sum(map(len, parts))
        self.buffer_size += size
        self.output_size += size
        transport.writelines(parts)

    async def _headers_sent(self) -> None:
        event = self._headers_event
        if event is not None and self._on_headers_sent is not None:
            self._headers_event = None
            await self._on_headers_sent(*event)

    def _send(self, chunk: bytes, last: bool) -> None:
        """Frame ``chunk`` (plus the last-chunk marker when ``last``) and write it with the head."""
        head = self._headers_buf
        if head is not None:
            self._headers_buf = None
        if self.chunked:
            if chunk:
                end = _CHUNK_END_LAST if last else b"\r\n"
                if len(chunk) <= _JOIN_LIMIT:
                    framed = b"%x\r\n%b%b" % (len(chunk), chunk, end)
                    self._write(framed if head is None else head + framed)
                    return
                parts = [b"%x\r\n" % len(chunk), chunk, end]
                if head is not None:
                    parts.insert(0, head)
                self._writelines(parts)
            elif last:
                self._write(_LAST_CHUNK if head is None else head + _LAST_CHUNK)
        elif head is None:
            if chunk:
                self._write(chunk)
        elif not chunk:
            self._write(head)
        elif len(chunk) <= _JOIN_LIMIT:
            self._write(head + chunk)
        else:
            self._writelines([head, chunk])

    def _limit(self, chunk: bytes) -> bytes:
        """Cut ``chunk`` to the remaining ``length`` (only called when one is set)."""
        length = self.length
        assert length is not None
        size = len(chunk)
        if length >= size:
            self.length = length - size
            return chunk
        self.length = 0
        return chunk[:length]

    async def write(
        self, chunk: bytes | bytearray | memoryview, *, drain: bool = True, LIMIT: int = 0x10000
    ) -> None:
        """Write a body chunk; waits while the transport's buffer is full (``drain=True``)."""
        if self._on_chunk_sent is not None:
            await self._on_chunk_sent(bytes(chunk))
        if self._headers_event is not None:
            await self._headers_sent()
        data = chunk if type(chunk) is bytes else bytes(chunk)
        if self._compress is not None:
            data = await self._compress.compress(data)
            if not data:
                return
        if self.length is not None:
            data = self._limit(data)
        if not data:
            return
        self._send(data, False)
        if drain and (self._protocol.writing_paused or self.buffer_size > LIMIT):
            self.buffer_size = 0
            await self.drain()

    async def write_eof(self, chunk: bytes = b"") -> None:
        """Write the last bytes of the body and end it (last chunk / compressor flush)."""
        if self._eof:
            return
        if chunk and self._on_chunk_sent is not None:
            await self._on_chunk_sent(chunk)
        if self._headers_event is not None:
            await self._headers_sent()
        if self._compress is not None:
            data = await self._compress.compress(chunk) if chunk else b""
            tail = self._compress.flush()
            chunk = data + tail if data else tail
        if self.length is not None:
            chunk = self._limit(chunk)
        self._send(chunk, True)
        self._eof = True
        protocol = self._protocol
        if protocol.writing_paused and protocol.transport is not None:
            await protocol._drain_helper()

    async def drain(self) -> None:
        """Wait until the transport's buffer is below its high-water mark."""
        protocol = self._protocol
        if protocol.transport is not None and protocol.writing_paused:
            await protocol._drain_helper()
