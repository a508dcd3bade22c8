"""Request and response bodies as payload objects (aiohttp's ``aiohttp.payload``).

A payload knows its size (when it can), its headers (``Content-Type``, maybe
``Content-Disposition``) and how to write itself to an
:class:`~aiohttp_wire.abc.AbstractStreamWriter`. :data:`PAYLOAD_REGISTRY`
turns plain values (bytes, str, files, async iterables...) into payloads.
"""

from __future__ import annotations

import asyncio
import builtins
import enum
import io
import json
import mimetypes
import os
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import IO, Any, Final, TypeVar

from multidict import CIMultiDict

from . import hdrs
from .abc import AbstractStreamWriter
from .helpers import (
    content_disposition_header,
    guess_filename,
    parse_mimetype,
    sentinel,
)
from .streams import StreamReader
from .typedefs import JSONEncoder, LooseHeaders

__all__ = (
    "PAYLOAD_REGISTRY",
    "READ_SIZE",
    "TOO_LARGE_BYTES_BODY",
    "AsyncIterablePayload",
    "BufferedReaderPayload",
    "BytesIOPayload",
    "BytesPayload",
    "IOBasePayload",
    "JsonPayload",
    "LookupError",
    "Order",
    "Payload",
    "PayloadRegistry",
    "StreamReaderPayload",
    "StringIOPayload",
    "StringPayload",
    "TextIOPayload",
    "get_payload",
    "payload_type",
)

TOO_LARGE_BYTES_BODY: Final[int] = 2**20
READ_SIZE: Final[int] = 2**16


class LookupError(Exception):
    """No payload factory is registered for the given value's type."""


class Order(str, enum.Enum):
    """Where a factory registered with :func:`payload_type` is tried."""

    normal = "normal"
    try_first = "try_first"
    try_last = "try_last"


_Factory = Callable[..., "Payload"]
_TypeSpec = type[Any] | tuple[type[Any], ...]
_PayloadT = TypeVar("_PayloadT", bound="Payload")


class PayloadRegistry:
    """Maps value types to payload factories.

    Exact types registered with ``Order.normal`` are found with one dict
    lookup; otherwise factories are tried by ``isinstance`` in order:
    ``try_first``, ``normal``, ``try_last``.
    """

    __slots__ = ("_exact", "_first", "_last", "_normal")

    def __init__(self) -> None:
        self._first: list[tuple[_Factory, _TypeSpec]] = []
        self._normal: list[tuple[_Factory, _TypeSpec]] = []
        self._last: list[tuple[_Factory, _TypeSpec]] = []
        self._exact: dict[type[Any], _Factory] = {}

    def get(self, data: Any, *args: Any, **kwargs: Any) -> Payload:
        """A payload for ``data``; raises :class:`LookupError` for unknown types."""
        first = self._first
        if not first:
            # The common case: an exact registered type, one dict lookup.
            factory_ = self._exact.get(type(data))
            if factory_ is not None:
                return factory_(data, *args, **kwargs)
        if isinstance(data, Payload):
            return data
        for factory, type_ in first:
            if isinstance(data, type_):
                return factory(data, *args, **kwargs)
        factory_ = self._exact.get(type(data))
        if factory_ is not None:
            return factory_(data, *args, **kwargs)
        for factory, type_ in self._normal:
            if isinstance(data, type_):
                return factory(data, *args, **kwargs)
        for factory, type_ in self._last:
            if isinstance(data, type_):
                return factory(data, *args, **kwargs)
        raise LookupError()

    def register(
        self,
        factory: _Factory,
        type: _TypeSpec,
        *,
        order: Order = Order.normal,
    ) -> None:
        """Use ``factory`` for values of ``type`` (a class or tuple of classes)."""
        if order is Order.try_first:
            self._first.append((factory, type))
        elif order is Order.normal:
            self._normal.append((factory, type))
            for t in type if isinstance(type, tuple) else (type,):
                self._exact.setdefault(t, factory)
        elif order is Order.try_last:
            self._last.append((factory, type))
        else:
            raise ValueError(f"Unsupported order {order!r}")


PAYLOAD_REGISTRY = PayloadRegistry()


def get_payload(data: Any, *args: Any, **kwargs: Any) -> Payload:
    """``PAYLOAD_REGISTRY.get(data, ...)``."""
    return PAYLOAD_REGISTRY.get(data, *args, **kwargs)


class payload_type:
    """Class decorator registering a payload class for values of ``type``."""

    def __init__(self, type: _TypeSpec, *, order: Order = Order.normal) -> None:
        self.type = type
        self.order = order

    def __call__(self, factory: builtins.type[_PayloadT]) -> builtins.type[_PayloadT]:
        PAYLOAD_REGISTRY.register(factory, self.type, order=self.order)
        return factory


class _LimitedWriter(AbstractStreamWriter):
    """Forwards at most ``limit`` bytes to the wrapped writer, dropping the rest."""

    def __init__(self, writer: AbstractStreamWriter, limit: int) -> None:
        self._writer = writer
        self._remaining = limit

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        remaining = self._remaining
        if remaining <= 0:
            return
        if len(chunk) > remaining:
            chunk = memoryview(chunk)[:remaining]
        self._remaining = remaining - len(chunk)
        await self._writer.write(chunk)

    async def write_eof(self, chunk: bytes = b"") -> None:
        await self.write(chunk)

    async def drain(self) -> None:
        await self._writer.drain()

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        self._writer.enable_compression(encoding, strategy)

    def enable_chunking(self) -> None:
        self._writer.enable_chunking()

    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise RuntimeError("a payload cannot write headers")


class Payload(ABC):
    """A body that writes itself to a stream writer.

    A ``Content-Type`` in ``headers`` wins, then ``content_type``, then a
    guess from ``filename``, then the class's ``_default_content_type``.
    """

    _default_content_type: str = "application/octet-stream"
    _size: int | None = None
    _consumed: bool = False
    _autoclose: bool = False

    def __init__(
        self,
        value: Any,
        headers: LooseHeaders | None = None,
        content_type: str | object | None = sentinel,
        filename: str | None = None,
        encoding: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._encoding = encoding
        self._filename = filename
        self._value = value
        self._headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        if content_type is not sentinel and content_type is not None:
            if not isinstance(content_type, str):
                raise TypeError(f"content_type must be str, got {content_type!r}")
            self._headers.setdefault(hdrs.CONTENT_TYPE, content_type)
        elif hdrs.CONTENT_TYPE in self._headers:
            pass
        elif filename is not None:
            guessed = mimetypes.guess_type(filename)[0]
            self._headers[hdrs.CONTENT_TYPE] = guessed or self._default_content_type
        else:
            self._headers[hdrs.CONTENT_TYPE] = self._default_content_type

    @property
    def size(self) -> int | None:
        """Body length in bytes, ``None`` when unknown (then it is sent chunked)."""
        return self._size

    @property
    def filename(self) -> str | None:
        return self._filename

    @property
    def headers(self) -> CIMultiDict[str]:
        """Headers the payload brings along (``Content-Type`` at least)."""
        return self._headers

    @property
    def _binary_headers(self) -> bytes:
        """The headers as a MIME part head, blank line included."""
        lines = [f"{k}: {v}\r\n" for k, v in self._headers.items()]
        lines.append("\r\n")
        return "".join(lines).encode("utf-8")

    @property
    def encoding(self) -> str | None:
        return self._encoding

    @property
    def content_type(self) -> str:
        return self._headers[hdrs.CONTENT_TYPE]

    @property
    def consumed(self) -> bool:
        """Whether a one-shot payload was already written."""
        return self._consumed

    @property
    def autoclose(self) -> bool:
        """Whether the payload closes its source itself once written."""
        return self._autoclose

    def set_content_disposition(
        self,
        disptype: str,
        quote_fields: bool = True,
        _charset: str = "utf-8",
        **params: str,
    ) -> None:
        """Set ``Content-Disposition`` from a type and parameters."""
        self._headers[hdrs.CONTENT_DISPOSITION] = content_disposition_header(
            disptype, quote_fields=quote_fields, _charset=_charset, **params
        )

    @abstractmethod
    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text."""

    @abstractmethod
    async def write(self, writer: AbstractStreamWriter) -> None:
        """Write the body to ``writer``."""

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        """Write at most ``content_length`` bytes of the body (all when ``None``)."""
        if content_length is None:
            await self.write(writer)
        else:
            await self.write(_LimitedWriter(writer, content_length))

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The whole body as bytes."""
        collector = _Collector()
        await self.write(collector)
        return bytes(collector.buffer)

    def _close(self) -> None:
        """Release the payload's source synchronously (nothing by default)."""

    async def close(self) -> None:
        """Release the payload's source (an open file, an iterator)."""
        self._close()


class _Collector(AbstractStreamWriter):
    """Gathers what a payload writes, for :meth:`Payload.as_bytes`."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.buffer += chunk

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.buffer += chunk

    async def drain(self) -> None:
        pass

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        raise RuntimeError("compression is not supported here")

    def enable_chunking(self) -> None:
        pass

    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise RuntimeError("a payload cannot write headers")


class BytesPayload(Payload):
    """``bytes``, ``bytearray`` or ``memoryview``, written in one piece."""

    _value: bytes | bytearray | memoryview

    def __init__(self, value: bytes | bytearray | memoryview, *args: Any, **kwargs: Any) -> None:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError(f"value argument must be byte-ish, not {type(value)!r}")
        super().__init__(value, *args, **kwargs)
        self._size = value.nbytes if isinstance(value, memoryview) else len(value)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return bytes(self._value).decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return bytes(self._value)

    async def write(self, writer: AbstractStreamWriter) -> None:
        await writer.write(self._value)


class StringPayload(BytesPayload):
    """Text, encoded with ``encoding`` or the ``Content-Type`` charset (else UTF-8)."""

    def __init__(
        self,
        value: str,
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            if content_type is None:
                real_encoding = "utf-8"
                content_type = "text/plain; charset=utf-8"
            else:
                real_encoding = parse_mimetype(content_type).parameters.get("charset", "utf-8")
        else:
            real_encoding = encoding
            if content_type is None:
                content_type = f"text/plain; charset={encoding}"
        super().__init__(
            value.encode(real_encoding),
            *args,
            encoding=real_encoding,
            content_type=content_type,
            **kwargs,
        )


class StringIOPayload(StringPayload):
    """The rest of an ``io.StringIO``, as text."""

    def __init__(self, value: io.StringIO, *args: Any, **kwargs: Any) -> None:
        super().__init__(value.read(), *args, **kwargs)


class IOBasePayload(Payload):
    """A binary file object, read in :data:`READ_SIZE` blocks in the default executor.

    The start position is remembered so that the payload can be written again
    (redirects, retries); the ``filename`` defaults to the file's base name and
    then sets ``Content-Disposition: attachment``.
    """

    _value: IO[Any]

    def __init__(
        self, value: IO[Any], disposition: str = "attachment", *args: Any, **kwargs: Any
    ) -> None:
        if "filename" not in kwargs:
            kwargs["filename"] = guess_filename(value)
        super().__init__(value, *args, **kwargs)
        if (
            self._filename is not None
            and disposition is not None
            and hdrs.CONTENT_DISPOSITION not in self.headers
        ):
            self.set_content_disposition(disposition, filename=self._filename)
        self._start: int | None = None
        try:
            if value.seekable():
                self._start = value.tell()
        except (OSError, ValueError):
            pass
        self._size = self._compute_size()

    def _compute_size(self) -> int | None:
        if self._start is None:
            return None
        try:
            return max(os.fstat(self._value.fileno()).st_size - self._start, 0)
        except (OSError, AttributeError, ValueError):
            return None

    def _rewind(self) -> None:
        if self._start is not None:
            self._value.seek(self._start)

    def _read_all(self) -> bytes:
        self._rewind()
        data = self._value.read()
        return data.encode(self._encoding or "utf-8") if isinstance(data, str) else bytes(data)

    def _read_block(self) -> bytes:
        data = self._value.read(READ_SIZE)
        return data.encode(self._encoding or "utf-8") if isinstance(data, str) else bytes(data)

    async def write(self, writer: AbstractStreamWriter) -> None:
        loop = asyncio.get_running_loop()
        if self._start is not None:
            await loop.run_in_executor(None, self._rewind)
        chunk = await loop.run_in_executor(None, self._read_block)
        while chunk:
            await writer.write(chunk)
            chunk = await loop.run_in_executor(None, self._read_block)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        return self._read_all().decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return await asyncio.get_running_loop().run_in_executor(None, self._read_all)

    def _close(self) -> None:
        self._value.close()


class TextIOPayload(IOBasePayload):
    """A text file object, encoded with ``encoding`` (UTF-8 by default)."""

    _value: IO[str]

    def __init__(
        self,
        value: IO[str],
        *args: Any,
        encoding: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if encoding is None:
            if content_type is None:
                encoding = "utf-8"
                content_type = "text/plain; charset=utf-8"
            else:
                encoding = parse_mimetype(content_type).parameters.get("charset", "utf-8")
        elif content_type is None:
            content_type = f"text/plain; charset={encoding}"
        super().__init__(value, *args, content_type=content_type, encoding=encoding, **kwargs)

    def _compute_size(self) -> int | None:
        # Characters are not bytes: the encoded length is only known once read.
        return None

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        self._rewind()
        return self._value.read()


class BytesIOPayload(IOBasePayload):
    """An ``io.BytesIO``, read directly (no executor: it is memory)."""

    _value: io.BytesIO

    def _compute_size(self) -> int | None:
        return self._value.getbuffer().nbytes - (self._start or 0)

    async def write(self, writer: AbstractStreamWriter) -> None:
        self._rewind()
        chunk = self._value.read(READ_SIZE)
        while chunk:
            await writer.write(chunk)
            chunk = self._value.read(READ_SIZE)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self._read_all()


class BufferedReaderPayload(IOBasePayload):
    """A file opened in binary mode (``open(path, "rb")``)."""

    _value: io.BufferedReader


class JsonPayload(BytesPayload):
    """A value serialised with ``dumps`` (``json.dumps`` by default)."""

    def __init__(
        self,
        value: Any,
        encoding: str = "utf-8",
        content_type: str = "application/json",
        dumps: JSONEncoder = json.dumps,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            dumps(value).encode(encoding),
            *args,
            content_type=content_type,
            encoding=encoding,
            **kwargs,
        )


class AsyncIterablePayload(Payload):
    """An async iterable of byte chunks; one-shot, sent chunked (size unknown)."""

    _value: AsyncIterable[bytes]

    def __init__(self, value: AsyncIterable[bytes], *args: Any, **kwargs: Any) -> None:
        if not isinstance(value, AsyncIterable):
            raise TypeError(
                "value argument must support collections.abc.AsyncIterable "
                f"interface, got {type(value)!r}"
            )
        kwargs.setdefault("content_type", "application/octet-stream")
        super().__init__(value, *args, **kwargs)
        self._iter: AsyncIterator[bytes] | None = value.__aiter__()

    async def write(self, writer: AbstractStreamWriter) -> None:
        it = self._iter
        if it is None:
            return
        self._iter = None
        self._consumed = True
        async for chunk in _iterate(it):
            await writer.write(chunk)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError("Unable to decode: an async iterable can only be read asynchronously")

    def _close(self) -> None:
        self._iter = None
        self._consumed = True


async def _iterate(it: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Iterate an already created async iterator."""
    while True:
        try:
            chunk = await it.__anext__()
        except StopAsyncIteration:
            return
        yield chunk


class StreamReaderPayload(AsyncIterablePayload):
    """The rest of a :class:`StreamReader` (e.g. proxying a body through)."""

    def __init__(self, value: StreamReader, *args: Any, **kwargs: Any) -> None:
        super().__init__(value.iter_any(), *args, **kwargs)


PAYLOAD_REGISTRY.register(BytesPayload, (bytes, bytearray, memoryview))
PAYLOAD_REGISTRY.register(StringPayload, str)
PAYLOAD_REGISTRY.register(StringIOPayload, io.StringIO)
PAYLOAD_REGISTRY.register(TextIOPayload, io.TextIOBase)
PAYLOAD_REGISTRY.register(BytesIOPayload, io.BytesIO)
PAYLOAD_REGISTRY.register(BufferedReaderPayload, (io.BufferedReader, io.BufferedRandom))
PAYLOAD_REGISTRY.register(IOBasePayload, io.IOBase)
PAYLOAD_REGISTRY.register(StreamReaderPayload, StreamReader)
# Last: many objects are async iterable, the more specific types above win.
PAYLOAD_REGISTRY.register(AsyncIterablePayload, AsyncIterable, order=Order.try_last)
