"""Body streams: ``StreamReader`` (bytes fed by a parser, read by the application) and queues.

The reader buffers a deque of the ``bytes`` objects it was fed, so feeding
never copies; reads slice or join only what they return. Flow control pauses
the protocol's reading above ``2 * limit`` buffered bytes and resumes it once
reads bring the buffer below ``limit``.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import warnings
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from .helpers import _EXC_SENTINEL

if TYPE_CHECKING:
    from .base_protocol import BaseProtocol

__all__ = (
    "EMPTY_PAYLOAD",
    "AsyncStreamIterator",
    "ChunkTupleAsyncStreamIterator",
    "DataQueue",
    "EmptyStreamReader",
    "EofStream",
    "FlowControlDataQueue",
    "StreamReader",
)

_T = TypeVar("_T")

# The same logger object as ``aiohttp_wire.log.internal_logger``.
_internal_logger = logging.getLogger("aiohttp.internal")


class EofStream(Exception):
    """Raised by ``DataQueue.read()`` once the queue is exhausted."""


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _fail(waiter: asyncio.Future[Any], exc: BaseException, exc_cause: BaseException | None) -> None:
    if waiter.done():
        return
    # ``_EXC_SENTINEL``: no cause given; ``None`` is a real cause meaning "suppress".
    if exc_cause is not _EXC_SENTINEL:
        exc.__cause__ = exc_cause
    waiter.set_exception(exc)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop, or ``None`` outside one (no deprecated implicit loop creation)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class AsyncStreamIterator(Generic[_T]):
    """Async iterator over the results of ``read_func`` until it returns ``b""``."""

    __slots__ = ("read_func",)

    def __init__(self, read_func: Callable[[], Awaitable[_T]]) -> None:
        self.read_func = read_func

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        try:
            rv = await self.read_func()
        except EofStream:
            raise StopAsyncIteration from None
        if rv == b"":
            raise StopAsyncIteration
        return rv


class ChunkTupleAsyncStreamIterator:
    """Async iterator over ``StreamReader.readchunk()`` until ``(b"", False)``."""

    __slots__ = ("_stream",)

    def __init__(self, stream: StreamReader) -> None:
        self._stream = stream

    def __aiter__(self) -> ChunkTupleAsyncStreamIterator:
        return self

    async def __anext__(self) -> tuple[bytes, bool]:
        rv = await self._stream.readchunk()
        if rv == (b"", False):
            raise StopAsyncIteration
        return rv


class AsyncStreamReaderMixin:
    """The iteration helpers every body stream offers."""

    __slots__ = ()

    def __aiter__(self) -> AsyncStreamIterator[bytes]:
        return AsyncStreamIterator(self.readline)  # type: ignore[attr-defined]

    def iter_chunked(self, n: int) -> AsyncStreamIterator[bytes]:
        """Yield chunks of at most ``n`` bytes."""
        return AsyncStreamIterator(lambda: self.read(n))  # type: ignore[attr-defined]

    def iter_any(self) -> AsyncStreamIterator[bytes]:
        """Yield data as soon as it arrives."""
        return AsyncStreamIterator(self.readany)  # type: ignore[attr-defined]

    def iter_chunks(self) -> ChunkTupleAsyncStreamIterator:
        """Yield ``(data, end_of_http_chunk)`` tuples, see ``readchunk()``."""
        return ChunkTupleAsyncStreamIterator(self)  # type: ignore[arg-type]


class StreamReader(AsyncStreamReaderMixin):
    """An HTTP body being received: the parser feeds it, the application reads it."""

    total_bytes = 0
    #: Bytes received on the wire before decompression, set by a parser that
    #: decompresses the body (``None``: the body was not compressed).
    total_compressed_bytes: int | None = None

    def __init__(
        self,
        protocol: BaseProtocol,
        limit: int,
        *,
        timer: AbstractContextManager[Any] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._protocol = protocol
        self._low_water = limit
        self._high_water = limit * 2
        if loop is None:
            loop = _running_loop()
        # ``None`` only when built outside a running loop: resolved by the first wait.
        self._loop: asyncio.AbstractEventLoop | None = loop
        self._size = 0
        self._cursor = 0
        self._http_chunk_splits: collections.deque[int] | None = None
        self._last_split = 0
        self._buffer: collections.deque[bytes] = collections.deque()
        self._buffer_offset = 0
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._eof_waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._timer = timer
        self._eof_callbacks: list[Callable[[], None]] = []
        self.total_bytes = 0
        self.total_compressed_bytes = None

    def __repr__(self) -> str:
        info = [self.__class__.__name__]
        if self._size:
            info.append(f"{self._size} bytes")
        if self._eof:
            info.append("eof")
        if self._low_water != 2**16:
            info.append(f"low={self._low_water} high={self._high_water}")
        if self._waiter:
            info.append(f"w={self._waiter!r}")
        if self._exception:
            info.append(f"e={self._exception!r}")
        return "<{}>".format(" ".join(info))

    @property
    def total_raw_bytes(self) -> int:
        """Body bytes received on the wire: compressed ones when the parser decompressed."""
        compressed = self.total_compressed_bytes
        return self.total_bytes if compressed is None else compressed

    def get_read_buffer_limits(self) -> tuple[int, int]:
        """``(low, high)`` water marks of the flow control."""
        return (self._low_water, self._high_water)

    def exception(self) -> BaseException | None:
        """The exception set with ``set_exception()``, if any."""
        return self._exception

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = _EXC_SENTINEL
    ) -> None:
        """Fail the stream: pending and future reads raise ``exc``."""
        self._exception = exc
        self._eof_callbacks.clear()
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _fail(waiter, exc, exc_cause)
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            _fail(waiter, exc, exc_cause)

    def on_eof(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` at EOF (right away if already there)."""
        if self._eof:
            try:
                callback()
            except Exception:
                _internal_logger.exception("Exception in eof callback")
        else:
            self._eof_callbacks.append(callback)

    def feed_eof(self) -> None:
        """Mark the end of the body; wakes readers and runs the EOF callbacks."""
        self._eof = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _wake(waiter)
        waiter = self._eof_waiter
        if waiter is not None:
            self._eof_waiter = None
            _wake(waiter)
        callbacks = self._eof_callbacks
        if callbacks:
            self._eof_callbacks = []
            for cb in callbacks:
                try:
                    cb()
                except Exception:
                    _internal_logger.exception("Exception in eof callback")

    def is_eof(self) -> bool:
        """Whether ``feed_eof()`` was called."""
        return self._eof

    def at_eof(self) -> bool:
        """Whether EOF was fed and every byte was read."""
        return self._eof and not self._buffer

    async def wait_eof(self) -> None:
        """Wait until ``feed_eof()`` (without reading anything)."""
        if self._eof:
            return
        assert self._eof_waiter is None
        loop = self._loop or self._bind_loop()
        waiter = self._eof_waiter = loop.create_future()
        try:
            await waiter
        finally:
            self._eof_waiter = None

    def unread_data(self, data: bytes) -> None:
        """Push ``data`` back in front of the buffer (deprecated, as in aiohttp)."""
        warnings.warn(
            "unread_data() is deprecated and will be removed in future releases (#3260)",
            DeprecationWarning,
            stacklevel=2,
        )
        if not data:
            return
        if self._buffer_offset:
            self._buffer[0] = self._buffer[0][self._buffer_offset :]
            self._buffer_offset = 0
        self._size += len(data)
        self._cursor -= len(data)
        self._buffer.appendleft(data)

    def _bind_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop = asyncio.get_running_loop()
        return loop

    def feed_data(self, data: bytes, size: int = 0) -> None:
        """Append received body bytes (kept as is, not copied); ``size`` is ignored."""
        assert not self._eof, "feed_data after feed_eof"
        if not data:
            return
        size = self._size = self._size + len(data)
        self._buffer.append(data)
        self.total_bytes += len(data)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)
        if size > self._high_water and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    def begin_http_chunk_receiving(self) -> None:
        """Start tracking chunked-encoding boundaries (for ``readchunk()``)."""
        if self._http_chunk_splits is None:
            if self.total_bytes:
                raise RuntimeError(
                    "Called begin_http_chunk_receiving when some data was already fed"
                )
            self._http_chunk_splits = collections.deque()

    def end_http_chunk_receiving(self) -> None:
        """Record the end of one HTTP chunk at the current fed position."""
        splits = self._http_chunk_splits
        if splits is None:
            raise RuntimeError(
                "Called end_chunk_receiving without calling begin_chunk_receiving first"
            )
        pos = self.total_bytes
        if pos == self._last_split:
            # An empty chunk (or the terminating one) adds no boundary.
            return
        self._last_split = pos
        splits.append(pos)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _wake(waiter)

    async def _wait(self, func_name: str) -> None:
        # An exception set while the reader was between waits must not be missed.
        if self._exception is not None:
            raise self._exception
        if not self._protocol.connected:
            raise RuntimeError("Connection closed.")
        if self._waiter is not None:
            raise RuntimeError(
                f"{func_name}() called while another coroutine is already waiting for incoming data"
            )
        loop = self._loop or self._bind_loop()
        waiter = self._waiter = loop.create_future()
        try:
            if self._timer is not None:
                with self._timer:
                    await waiter
            else:
                await waiter
        finally:
            self._waiter = None

    async def readline(self) -> bytes:
        """Read up to and including ``b"\\n"`` (or to EOF)."""
        if self._buffer and self._exception is None:
            line = self._take_through(b"\n")
            if line is not None:
                return line
        return await self.readuntil(b"\n")

    def _take_through(self, separator: bytes) -> bytes | None:
        """Fast path: the bytes through ``separator`` if the first buffered chunk holds it."""
        offset = self._buffer_offset
        idx = self._buffer[0].find(separator, offset)
        if idx == -1:
            return None
        size = idx + len(separator) - offset
        data = self._read_nowait_chunk(size)
        if size > self._high_water:
            raise ValueError("Chunk too big")
        return data

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        """Read up to and including ``separator`` (or to EOF).

        Raises ``ValueError("Chunk too big")`` once more than the high-water
        mark was read without finding the separator.
        """
        seplen = len(separator)
        if seplen == 0:
            raise ValueError("Separator should be at least one-byte string")
        if self._exception is not None:
            raise self._exception
        if self._buffer:
            found = self._take_through(separator)
            if found is not None:
                return found
        parts: list[bytes] = []
        size = 0
        # The last ``seplen - 1`` bytes consumed, to find separators split across chunks.
        tail = b""
        keep = seplen - 1
        buffer = self._buffer
        while True:
            while buffer:
                chunk = buffer[0]
                offset = self._buffer_offset
                end = -1
                if tail:
                    window = tail + chunk[offset : offset + keep]
                    idx = window.find(separator)
                    if idx != -1:
                        end = offset + idx + seplen - len(tail)
                if end == -1:
                    idx = chunk.find(separator, offset)
                    if idx != -1:
                        end = idx + seplen
                data = self._read_nowait_chunk(end - offset if end != -1 else -1)
                parts.append(data)
                size += len(data)
                if size > self._high_water:
                    raise ValueError("Chunk too big")
                if end != -1:
                    return data if len(parts) == 1 else b"".join(parts)
                if keep:
                    tail = (tail + data)[-keep:]
            if self._eof:
                return b"".join(parts)
            await self._wait("readuntil")

    async def read(self, n: int = -1) -> bytes:
        """Read up to ``n`` bytes (``n < 0``: everything up to EOF)."""
        if self._exception is not None:
            raise self._exception
        if not n:
            return b""
        if n < 0:
            parts: list[bytes] = []
            while True:
                while self._buffer:
                    parts.append(self._read_nowait_chunk(-1))
                if self._eof:
                    break
                await self._wait("read")
            if len(parts) == 1:
                return parts[0]
            return b"".join(parts)
        while not self._buffer and not self._eof:
            await self._wait("read")
        return self._read_nowait(n)

    async def readany(self) -> bytes:
        """Read whatever is buffered, waiting for data if there is none; ``b""`` at EOF."""
        if self._exception is not None:
            raise self._exception
        buffer = self._buffer
        while not buffer and not self._eof:
            await self._wait("readany")
        if len(buffer) == 1:
            return self._read_nowait_chunk(-1)
        return self._read_nowait(-1)

    async def readchunk(self) -> tuple[bytes, bool]:
        """Read ``(data, end_of_http_chunk)``; ``(b"", False)`` at EOF.

        With chunked transfer encoding the data never spans an HTTP chunk
        boundary and the flag says whether it ends one; otherwise the flag is
        always false.
        """
        while True:
            if self._exception is not None:
                raise self._exception
            splits = self._http_chunk_splits
            while splits:
                pos = splits.popleft()
                if pos == self._cursor:
                    return (b"", True)
                if pos > self._cursor:
                    return (self._read_nowait(pos - self._cursor), True)
                _internal_logger.warning(
                    "Skipping HTTP chunk end due to data consumption beyond chunk boundary"
                )
            if self._buffer:
                return (self._read_nowait_chunk(-1), False)
            if self._eof:
                return (b"", False)
            await self._wait("readchunk")

    async def readexactly(self, n: int) -> bytes:
        """Read exactly ``n`` bytes or raise ``asyncio.IncompleteReadError`` at EOF."""
        if self._exception is not None:
            raise self._exception
        parts: list[bytes] = []
        while n > 0:
            block = await self.read(n)
            if not block:
                partial = b"".join(parts)
                raise asyncio.IncompleteReadError(partial, len(partial) + n)
            parts.append(block)
            n -= len(block)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def read_nowait(self, n: int = -1) -> bytes:
        """Read up to ``n`` buffered bytes without waiting."""
        if self._exception is not None:
            raise self._exception
        if self._waiter is not None and not self._waiter.done():
            raise RuntimeError("Called while some coroutine is waiting for incoming data.")
        return self._read_nowait(n)

    def _read_nowait_chunk(self, n: int) -> bytes:
        """Take at most ``n`` bytes (``-1``: the rest) from the first buffered chunk."""
        first = self._buffer[0]
        offset = self._buffer_offset
        if n != -1 and len(first) - offset > n:
            data = first[offset : offset + n]
            self._buffer_offset = offset + n
        elif offset:
            self._buffer.popleft()
            data = first[offset:]
            self._buffer_offset = 0
        else:
            data = self._buffer.popleft()
        size = len(data)
        self._size -= size
        self._cursor += size
        splits = self._http_chunk_splits
        if splits:
            # Boundaries already passed by plain reads are of no use any more.
            while splits and splits[0] < self._cursor:
                splits.popleft()
        if self._size < self._low_water and self._protocol._reading_paused:
            self._protocol.resume_reading()
        return data

    def _read_nowait(self, n: int) -> bytes:
        """Take up to ``n`` buffered bytes (``-1``: all), joining chunks only when needed."""
        buffer = self._buffer
        if not buffer:
            return b""
        first = self._read_nowait_chunk(n)
        if n != -1:
            n -= len(first)
            if n == 0:
                return first
        if not buffer:
            return first
        parts = [first]
        while buffer:
            chunk = self._read_nowait_chunk(n)
            parts.append(chunk)
            if n != -1:
                n -= len(chunk)
                if n == 0:
                    break
        return b"".join(parts)


class EmptyStreamReader(StreamReader):
    """The body of a message that has none: always at EOF."""

    def __init__(self) -> None:
        self.total_bytes = 0
        self._exception = None
        self._eof = True
        self._buffer = collections.deque()
        self._low_water = self._high_water = 0

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"

    def exception(self) -> BaseException | None:
        return None

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = _EXC_SENTINEL
    ) -> None:
        pass

    def on_eof(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            _internal_logger.exception("Exception in eof callback")

    def feed_eof(self) -> None:
        pass

    def is_eof(self) -> bool:
        return True

    def at_eof(self) -> bool:
        return True

    async def wait_eof(self) -> None:
        return

    def feed_data(self, data: bytes, n: int = 0) -> None:
        pass

    async def readline(self) -> bytes:
        return b""

    async def readuntil(self, separator: bytes = b"\n") -> bytes:
        return b""

    async def read(self, n: int = -1) -> bytes:
        return b""

    async def readany(self) -> bytes:
        return b""

    async def readchunk(self) -> tuple[bytes, bool]:
        # Always the end-of-stream answer: the shared EMPTY_PAYLOAD must keep no state.
        return (b"", False)

    async def readexactly(self, n: int) -> bytes:
        raise asyncio.IncompleteReadError(b"", n)

    def read_nowait(self, n: int = -1) -> bytes:
        return b""


EMPTY_PAYLOAD: Final = EmptyStreamReader()


class DataQueue(Generic[_T]):
    """A queue of parsed objects fed by a protocol and read by one consumer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._exception: BaseException | None = None
        self._buffer: collections.deque[tuple[_T, int]] = collections.deque()

    def __len__(self) -> int:
        return len(self._buffer)

    def is_eof(self) -> bool:
        """Whether ``feed_eof()`` was called."""
        return self._eof

    def at_eof(self) -> bool:
        """Whether EOF was fed and every item was read."""
        return self._eof and not self._buffer

    def exception(self) -> BaseException | None:
        """The exception set with ``set_exception()``, if any."""
        return self._exception

    def set_exception(
        self, exc: BaseException, exc_cause: BaseException | None = _EXC_SENTINEL
    ) -> None:
        """Fail the queue: the pending and next reads raise ``exc``."""
        self._eof = True
        self._exception = exc
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _fail(waiter, exc, exc_cause)

    def feed_data(self, data: _T, size: int = 0) -> None:
        """Append one item (``size`` is its weight for flow control)."""
        self._buffer.append((data, size))
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _wake(waiter)

    def feed_eof(self) -> None:
        """No more items will come."""
        self._eof = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            _wake(waiter)

    async def read(self) -> _T:
        """The next item; raises ``EofStream`` at EOF."""
        if not self._buffer and not self._eof:
            assert not self._waiter
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            except (asyncio.CancelledError, asyncio.TimeoutError):
                self._waiter = None
                raise
        if self._buffer:
            data, size = self._buffer.popleft()
            self._consumed(size)
            return data
        if self._exception is not None:
            raise self._exception
        raise EofStream

    def _consumed(self, size: int) -> None:
        """Hook for flow control once an item of weight ``size`` was read."""

    def __aiter__(self) -> AsyncStreamIterator[_T]:
        return AsyncStreamIterator(self.read)


class FlowControlDataQueue(DataQueue[_T]):
    """A ``DataQueue`` that pauses the protocol's reading while more than ``limit`` is queued."""

    def __init__(
        self, protocol: BaseProtocol, limit: int, *, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(loop=loop)
        self._protocol = protocol
        self._limit = limit * 2
        self._size = 0

    def feed_data(self, data: _T, size: int = 0) -> None:
        super().feed_data(data, size)
        self._size += size
        if self._size > self._limit and not self._protocol._reading_paused:
            self._protocol.pause_reading()

    def _consumed(self, size: int) -> None:
        self._size -= size
        if self._size < self._limit and self._protocol._reading_paused:
            self._protocol.resume_reading()
