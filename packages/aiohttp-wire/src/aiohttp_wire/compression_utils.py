"""Content-coding codecs: zlib (gzip/deflate) both ways, brotli and zstd decoding.

Decompressors share one shape so that the HTTP parser can drive any of them
with bounded memory: ``decompress_sync(data, max_length)`` returns at most
``max_length`` bytes (``0``: no bound); whatever input is left to process is
``unconsumed_tail``, to be passed back as ``data`` on the next call, until it
is empty. ``flush()`` returns what remains at the end of the stream::

    out = d.decompress_sync(chunk, limit)
    while d.unconsumed_tail:
        out = d.decompress_sync(d.unconsumed_tail, limit)

Brotli and zstd decoders keep their input internally; their
``unconsumed_tail`` is an opaque non-empty marker while output is pending.
"""

from __future__ import annotations

import asyncio
import sys
import zlib
from abc import ABC, abstractmethod
from concurrent.futures import Executor
from typing import Any, Final, Protocol, TypedDict

__all__ = (
    "DEFAULT_MAX_DECOMPRESS_SIZE",
    "HAS_BROTLI",
    "HAS_ZSTD",
    "MAX_SYNC_CHUNK_SIZE",
    "BrotliDecompressor",
    "CompressObjArgs",
    "DecompressionBaseHandler",
    "ZLibBackend",
    "ZLibBackendProtocol",
    "ZLibBackendWrapper",
    "ZLibCompressObjProtocol",
    "ZLibCompressor",
    "ZLibDecompressObjProtocol",
    "ZLibDecompressor",
    "ZSTDDecompressor",
    "accept_encoding",
    "encoding_to_mode",
    "set_zlib_backend",
)

try:
    import brotli  # type: ignore[import-untyped,import-not-found,unused-ignore]

    HAS_BROTLI = True
except ImportError:  # pragma: no cover - depends on the installation
    HAS_BROTLI = False

_zstd: Any
if sys.version_info >= (3, 14):  # pragma: no cover - depends on the interpreter
    try:
        from compression import zstd as _zstd

        HAS_ZSTD = True
    except ImportError:
        HAS_ZSTD = False
else:
    try:
        from backports import zstd as _zstd

        HAS_ZSTD = True
    except ImportError:  # pragma: no cover - depends on the installation
        HAS_ZSTD = False

#: Bound on the decompressed size of one message body (32 MiB).
DEFAULT_MAX_DECOMPRESS_SIZE: Final = 2**25
#: Chunks above this size are (de)compressed in an executor by the async methods.
MAX_SYNC_CHUNK_SIZE: Final = 2**16


class ZLibCompressObjProtocol(Protocol):
    """What a backend's ``compressobj()`` returns."""

    def compress(self, data: Any) -> bytes: ...

    def flush(self, mode: int = ..., /) -> bytes: ...


class ZLibDecompressObjProtocol(Protocol):
    """What a backend's ``decompressobj()`` returns."""

    def decompress(self, data: Any, max_length: int = ...) -> bytes: ...

    def flush(self, length: int = ..., /) -> bytes: ...

    @property
    def eof(self) -> bool: ...


class ZLibBackendProtocol(Protocol):
    """A zlib-compatible module: ``zlib`` itself, ``isal.isal_zlib``, ``zlib_ng.zlib_ng``."""

    MAX_WBITS: int
    Z_FULL_FLUSH: int
    Z_SYNC_FLUSH: int
    Z_BEST_SPEED: int
    Z_FINISH: int

    def compressobj(
        self,
        level: int = ...,
        method: int = ...,
        wbits: int = ...,
        memLevel: int = ...,
        strategy: int = ...,
        zdict: Any | None = ...,
    ) -> ZLibCompressObjProtocol: ...

    def decompressobj(self, wbits: int = ..., zdict: Any = ...) -> ZLibDecompressObjProtocol: ...

    def compress(self, data: Any, /, level: int = ...) -> bytes: ...

    def decompress(self, data: Any, /, wbits: int = ..., bufsize: int = ...) -> bytes: ...


class CompressObjArgs(TypedDict, total=False):
    """Keyword arguments for a backend's ``compressobj()``."""

    wbits: int
    strategy: int
    level: int


class ZLibBackendWrapper:
    """One stable object in front of the zlib-compatible module in use.

    ``ZLibBackend`` is the instance; ``set_zlib_backend()`` swaps the module
    behind it, so code holding ``ZLibBackend`` sees the change.
    """

    def __init__(self, _zlib_backend: Any) -> None:
        self._zlib_backend = _zlib_backend

    @property
    def name(self) -> str:
        """The backend module's name."""
        return str(getattr(self._zlib_backend, "__name__", "undefined"))

    @property
    def MAX_WBITS(self) -> int:
        return int(self._zlib_backend.MAX_WBITS)

    @property
    def Z_FULL_FLUSH(self) -> int:
        return int(self._zlib_backend.Z_FULL_FLUSH)

    @property
    def Z_SYNC_FLUSH(self) -> int:
        return int(self._zlib_backend.Z_SYNC_FLUSH)

    @property
    def Z_BEST_SPEED(self) -> int:
        return int(self._zlib_backend.Z_BEST_SPEED)

    @property
    def Z_FINISH(self) -> int:
        return int(self._zlib_backend.Z_FINISH)

    def compressobj(self, *args: Any, **kwargs: Any) -> ZLibCompressObjProtocol:
        """``compressobj`` of the backend."""
        return self._zlib_backend.compressobj(*args, **kwargs)  # type: ignore[no-any-return]

    def decompressobj(self, *args: Any, **kwargs: Any) -> ZLibDecompressObjProtocol:
        """``decompressobj`` of the backend."""
        return self._zlib_backend.decompressobj(*args, **kwargs)  # type: ignore[no-any-return]

    def compress(self, data: Any, *args: Any, **kwargs: Any) -> bytes:
        """One-shot ``compress`` of the backend."""
        return self._zlib_backend.compress(data, *args, **kwargs)  # type: ignore[no-any-return]

    def decompress(self, data: Any, *args: Any, **kwargs: Any) -> bytes:
        """One-shot ``decompress`` of the backend."""
        return self._zlib_backend.decompress(data, *args, **kwargs)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        if name == "_zlib_backend":  # not set yet (a copy being built): no recursion
            raise AttributeError(name)
        return getattr(self._zlib_backend, name)


#: The zlib backend every new zlib (de)compressor uses.
ZLibBackend: Final = ZLibBackendWrapper(zlib)


def set_zlib_backend(new_zlib_backend: Any) -> None:
    """Use a zlib-compatible module (e.g. ``isal.isal_zlib``, ``zlib_ng.zlib_ng``) from now on."""
    ZLibBackend._zlib_backend = new_zlib_backend


def encoding_to_mode(encoding: str | None = None, suppress_deflate_header: bool = False) -> int:
    """The zlib ``wbits`` for a content coding: gzip wrapper, raw deflate or zlib wrapper."""
    if encoding == "gzip" or encoding == "x-gzip":
        return 16 + zlib.MAX_WBITS
    return -zlib.MAX_WBITS if suppress_deflate_header else zlib.MAX_WBITS


def accept_encoding() -> str:
    """The ``Accept-Encoding`` value offering exactly the codings this installation decodes."""
    value = "gzip, deflate"
    if HAS_BROTLI:
        value += ", br"
    if HAS_ZSTD:
        value += ", zstd"
    return value


class _ExecutorMixin:
    """Runs large chunks in an executor so that the event loop is not blocked."""

    def __init__(self, executor: Executor | None, max_sync_chunk_size: int | None) -> None:
        self._executor = executor
        self._max_sync_chunk_size = max_sync_chunk_size

    def _offload(self, size: int) -> bool:
        limit = self._max_sync_chunk_size
        return limit is not None and size > limit


class ZLibCompressor(_ExecutorMixin):
    """A gzip / deflate (zlib-wrapped or raw) compressor."""

    def __init__(
        self,
        encoding: str | None = None,
        suppress_deflate_header: bool = False,
        level: int | None = None,
        wbits: int | None = None,
        strategy: int | None = None,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        super().__init__(executor, max_sync_chunk_size)
        self._mode = encoding_to_mode(encoding, suppress_deflate_header) if wbits is None else wbits
        kwargs: dict[str, int] = {"wbits": self._mode}
        if level is not None:
            kwargs["level"] = level
        if strategy is not None:
            kwargs["strategy"] = strategy
        self._compressor = ZLibBackend.compressobj(**kwargs)
        self._lock = asyncio.Lock()

    def compress_sync(self, data: bytes) -> bytes:
        """Compress ``data`` now (output may lag until ``flush()``)."""
        return self._compressor.compress(data)

    async def compress(self, data: bytes) -> bytes:
        """Compress ``data``, in the executor when it is large; calls keep their order."""
        if self._offload(len(data)):
            async with self._lock:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._executor, self.compress_sync, data)
        if self._lock.locked():
            async with self._lock:
                return self.compress_sync(data)
        return self.compress_sync(data)

    def flush(self, mode: int | None = None) -> bytes:
        """Emit buffered output; ``Z_FINISH`` (``None``) ends the stream, ``Z_SYNC_FLUSH`` not."""
        return self._compressor.flush(zlib.Z_FINISH if mode is None else mode)


class DecompressionBaseHandler(_ExecutorMixin, ABC):
    """Base of the decompressors: ``decompress_sync`` and an async ``decompress``."""

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        super().__init__(executor, max_sync_chunk_size)

    @abstractmethod
    def decompress_sync(self, data: bytes, max_length: int = 0) -> bytes:
        """Decompress, returning at most ``max_length`` bytes (``0``: unbounded)."""

    async def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        """``decompress_sync`` in the executor when ``data`` is large."""
        if self._offload(len(data)):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, self.decompress_sync, data, max_length
            )
        return self.decompress_sync(data, max_length)


class ZLibDecompressor(DecompressionBaseHandler):
    """A gzip / deflate decompressor.

    For ``encoding="deflate"`` the zlib wrapper RFC 9110 requires is detected
    from the first bytes, and raw deflate (which some servers send) accepted.
    """

    def __init__(
        self,
        encoding: str | None = None,
        suppress_deflate_header: bool = False,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        super().__init__(executor, max_sync_chunk_size)
        self._mode = encoding_to_mode(encoding, suppress_deflate_header)
        self._detect = encoding == "deflate" and not suppress_deflate_header
        self._head = b""
        self._decompressor: Any = None if self._detect else ZLibBackend.decompressobj(self._mode)

    def _start(self, data: bytes) -> bytes | None:
        """Pick zlib-wrapped or raw deflate from the first two bytes (``None``: need more)."""
        data = self._head + data
        if len(data) < 2:
            self._head = data
            return None
        self._head = b""
        cmf, flg = data[0], data[1]
        # A zlib header names method 8 in its low nibble; a raw deflate stream
        # cannot start so (its first block type bits would have to be invalid).
        wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
        self._mode = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
        self._decompressor = ZLibBackend.decompressobj(self._mode)
        self._detect = False
        return data

    def decompress_sync(self, data: bytes, max_length: int = 0) -> bytes:
        """Decompress, returning at most ``max_length`` bytes (``0``: unbounded)."""
        if self._detect:
            started = self._start(data)
            if started is None:
                return b""
            data = started
        return self._decompressor.decompress(data, max_length)  # type: ignore[no-any-return]

    def flush(self, length: int = 0) -> bytes:
        """The output still held at the end of the stream."""
        if self._decompressor is None:
            return b""
        if length > 0:
            return self._decompressor.flush(length)  # type: ignore[no-any-return]
        return self._decompressor.flush()  # type: ignore[no-any-return]

    @property
    def eof(self) -> bool:
        """Whether the end of the compressed stream was reached."""
        return self._decompressor is not None and bool(self._decompressor.eof)

    @property
    def unconsumed_tail(self) -> bytes:
        """Input not processed because ``max_length`` was reached: pass it back."""
        if self._decompressor is None:
            return b""
        return self._decompressor.unconsumed_tail  # type: ignore[no-any-return]

    @property
    def unused_data(self) -> bytes:
        """Bytes after the end of the compressed stream."""
        if self._decompressor is None:
            return b""
        return self._decompressor.unused_data  # type: ignore[no-any-return]


class _Pending(bytes):
    """The ``unconsumed_tail`` of a decoder whose output is pending in its own buffers."""

    __slots__ = ()


_PENDING: Final = _Pending(b"\x00")


class _BufferedDecompressor(DecompressionBaseHandler):
    """Bounded-output driver for decoders that buffer their input internally.

    Output beyond ``max_length`` stays in the decoder (or, when the decoder
    overshoots, in ``_extra``); ``unconsumed_tail`` is then the ``_PENDING``
    marker, or input that was not fed yet.
    """

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        super().__init__(executor, max_sync_chunk_size)
        self._extra = b""
        self._held = b""

    @abstractmethod
    def _step(self, data: bytes, max_length: int) -> bytes:
        """Feed ``data`` to the decoder, returning about ``max_length`` bytes (``0``: all)."""

    @abstractmethod
    def _has_output(self) -> bool:
        """Whether the decoder holds output it could produce without more input."""

    def decompress_sync(self, data: bytes, max_length: int = 0) -> bytes:
        """Decompress, returning at most ``max_length`` bytes (``0``: unbounded)."""
        if type(data) is _Pending:
            data = self._held
        elif self._held and data is not self._held:
            # The caller did not pass the tail back: it still comes first.
            data = self._held + data
        self._held = b""
        if max_length <= 0:
            parts = [self._extra]
            self._extra = b""
            while self._has_output():
                parts.append(self._step(b"", 0))
            parts.append(self._step(data, 0))
            return b"".join(parts)
        out = self._extra
        if len(out) < max_length and self._has_output():
            out += self._step(b"", max_length - len(out))
        if len(out) < max_length and not self._has_output() and data:
            out += self._step(data, max_length - len(out))
            data = b""
        if len(out) > max_length:
            out, self._extra = out[:max_length], out[max_length:]
        else:
            self._extra = b""
        self._held = data
        return out

    def flush(self) -> bytes:
        """Everything still pending (the end of the stream was received)."""
        return self.decompress_sync(self._held or b"")

    @property
    def unconsumed_tail(self) -> bytes:
        """Input to pass back, or a marker while output is pending; ``b""`` when done."""
        if self._held:
            return self._held
        return _PENDING if self._extra or self._has_output() else b""


class BrotliDecompressor(_BufferedDecompressor):
    """A brotli (``br``) decoder; needs the optional ``brotli`` package."""

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if not HAS_BROTLI:
            raise RuntimeError("The brotli decompression is not available. Please install `Brotli`")
        super().__init__(executor, max_sync_chunk_size)
        self._obj = brotli.Decompressor()

    def _step(self, data: bytes, max_length: int) -> bytes:
        if max_length > 0:
            return self._obj.process(data, output_buffer_limit=max_length)  # type: ignore[no-any-return]
        return self._obj.process(data)  # type: ignore[no-any-return]

    def _has_output(self) -> bool:
        return not self._obj.can_accept_more_data()

    @property
    def eof(self) -> bool:
        """Whether the end of the brotli stream was reached."""
        return bool(self._obj.is_finished())


class ZSTDDecompressor(_BufferedDecompressor):
    """A zstd decoder (``compression.zstd`` or ``backports.zstd``), frame after frame."""

    def __init__(
        self,
        executor: Executor | None = None,
        max_sync_chunk_size: int | None = MAX_SYNC_CHUNK_SIZE,
    ) -> None:
        if not HAS_ZSTD:
            raise RuntimeError(
                "The zstd decompression is not available. Please install `backports.zstd`"
            )
        super().__init__(executor, max_sync_chunk_size)
        self._obj = _zstd.ZstdDecompressor()

    def _step(self, data: bytes, max_length: int) -> bytes:
        obj = self._obj
        if obj.eof:
            data = obj.unused_data + data
            if not data:
                return b""
            obj = self._obj = _zstd.ZstdDecompressor()
        out: bytes = obj.decompress(data, max_length if max_length > 0 else -1)
        if obj.eof and obj.unused_data and (max_length <= 0 or len(out) < max_length):
            out += self._step(b"", max_length - len(out) if max_length > 0 else 0)
        return out

    def _has_output(self) -> bool:
        obj = self._obj
        if obj.eof:
            return bool(obj.unused_data)
        return not obj.needs_input

    @property
    def eof(self) -> bool:
        """Whether the end of a zstd frame was reached with nothing after it."""
        return bool(self._obj.eof) and not self._obj.unused_data
