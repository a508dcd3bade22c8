"""Codecs against real zlib / gzip / brotli / zstd streams, including decompression bombs."""

from __future__ import annotations

import asyncio
import functools
import gzip
import sys
import types
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest

from aiohttp_wire import compression_utils
from aiohttp_wire.compression_utils import (
    DEFAULT_MAX_DECOMPRESS_SIZE,
    HAS_BROTLI,
    HAS_ZSTD,
    BrotliDecompressor,
    CompressObjArgs,
    DecompressionBaseHandler,
    ZLibBackend,
    ZLibBackendProtocol,
    ZLibBackendWrapper,
    ZLibCompressObjProtocol,
    ZLibCompressor,
    ZLibDecompressObjProtocol,
    ZLibDecompressor,
    ZSTDDecompressor,
    accept_encoding,
    set_zlib_backend,
)

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

# Varied data (not just one repeated byte) followed by a long, very compressible run.
RAW = b"".join(bytes([i % 251]) * (i % 97) for i in range(3000)) + b"\0" * 300_000


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


Decompressor = ZLibDecompressor | BrotliDecompressor | ZSTDDecompressor

CODECS: dict[str, tuple[Callable[[bytes], bytes], Callable[[], Decompressor]]] = {
    "gzip": (gzip.compress, lambda: ZLibDecompressor(encoding="gzip")),
    "deflate": (zlib.compress, lambda: ZLibDecompressor(encoding="deflate")),
    "raw-deflate": (
        raw_deflate,
        lambda: ZLibDecompressor(encoding="deflate"),
    ),
    "suppressed": (
        raw_deflate,
        lambda: ZLibDecompressor(suppress_deflate_header=True),
    ),
    "br": (lambda data: brotli.compress(data, quality=5), BrotliDecompressor),
    "zstd": (zstd.compress, ZSTDDecompressor),
}


def drive(d: Decompressor, data: bytes, chunk: int, limit: int) -> tuple[bytes, int]:
    """Feed ``data`` in pieces as the parser does; return (output, biggest piece)."""
    out: list[bytes] = []
    biggest = 0
    for i in range(0, len(data), chunk):
        piece = d.decompress_sync(data[i : i + chunk], limit)
        out.append(piece)
        biggest = max(biggest, len(piece))
        while d.unconsumed_tail:
            piece = d.decompress_sync(d.unconsumed_tail, limit)
            out.append(piece)
            biggest = max(biggest, len(piece))
    out.append(d.flush())
    return b"".join(out), biggest


def test_constants() -> None:
    assert DEFAULT_MAX_DECOMPRESS_SIZE == 32 * 1024 * 1024
    assert HAS_BROTLI and HAS_ZSTD  # both are installed in the test environment
    assert accept_encoding() == "gzip, deflate, br, zstd"


def test_accept_encoding_offers_only_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compression_utils, "HAS_BROTLI", False)
    monkeypatch.setattr(compression_utils, "HAS_ZSTD", False)
    assert accept_encoding() == "gzip, deflate"
    monkeypatch.setattr(compression_utils, "HAS_ZSTD", True)
    assert accept_encoding() == "gzip, deflate, zstd"
    with pytest.raises(RuntimeError, match="brotli"):
        BrotliDecompressor()
    monkeypatch.setattr(compression_utils, "HAS_ZSTD", False)
    with pytest.raises(RuntimeError, match="zstd"):
        ZSTDDecompressor()


@pytest.mark.parametrize("name", CODECS)
def test_one_shot(name: str) -> None:
    compress, make = CODECS[name]
    d = make()
    assert d.decompress_sync(compress(RAW)) + d.flush() == RAW
    assert d.eof


@pytest.mark.parametrize("name", CODECS)
@pytest.mark.parametrize(("chunk", "limit"), [(1, 1000), (7, 4096), (1000, 65536), (10**6, 257)])
def test_bounded_streaming(name: str, chunk: int, limit: int) -> None:
    compress, make = CODECS[name]
    d = make()
    out, biggest = drive(d, compress(RAW), chunk, limit)
    assert out == RAW
    assert biggest <= limit
    assert d.eof
    assert d.unconsumed_tail == b""


@pytest.mark.parametrize("name", CODECS)
def test_bomb_output_stays_bounded(name: str) -> None:
    """A 64 MiB bomb fed as the parser does: no call returns more than the limit."""
    bomb = _bomb(name)
    assert len(bomb) < 2**20
    d = CODECS[name][1]()
    limit = 2**16
    stop = 4 * 2**20  # where the parser would raise DecompressSizeError
    total = 0
    pieces = 0
    for i in range(0, len(bomb), 16384):
        data = bomb[i : i + 16384]
        while True:
            piece = d.decompress_sync(data, limit)
            assert len(piece) <= limit
            total += len(piece)
            pieces += 1
            data = d.unconsumed_tail
            if not data or total > stop:
                break
        if total > stop:
            break
    assert stop < total <= stop + limit
    assert pieces >= stop // limit


@functools.cache
def _bomb(name: str) -> bytes:
    zeros = b"\0" * 2**20
    if name == "br":
        bc = brotli.Compressor(quality=5)
        body: bytes = b"".join(bc.process(zeros) for _ in range(64)) + bc.finish()
        return body
    if name == "zstd":
        zc = zstd.ZstdCompressor()
        frame: bytes = b"".join(zc.compress(zeros) for _ in range(64)) + zc.flush()
        return frame
    wbits = {"gzip": 31, "deflate": 15}.get(name, -15)
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(c.compress(zeros) for _ in range(64)) + c.flush()


def test_deflate_detection_needs_two_bytes() -> None:
    data = zlib.compress(b"hello")
    d = ZLibDecompressor(encoding="deflate")
    assert d.decompress_sync(data[:1]) == b""
    assert d.unconsumed_tail == b"" and d.unused_data == b""
    assert not d.eof
    assert d.decompress_sync(data[1:]) + d.flush() == b"hello"


def test_x_gzip_is_gzip() -> None:
    d = ZLibDecompressor(encoding="x-gzip")
    assert d.decompress_sync(gzip.compress(b"legacy")) == b"legacy"


def test_deflate_never_started_flushes_nothing() -> None:
    d = ZLibDecompressor(encoding="deflate")
    assert d.flush() == b""
    assert not d.eof


def test_zlib_flush_with_length_and_unused_data() -> None:
    d = ZLibDecompressor(encoding="gzip")
    out = d.decompress_sync(gzip.compress(b"abc") + b"trailing")
    assert out + d.flush(100) == b"abc"
    assert d.unused_data == b"trailing"


def test_corrupt_input_raises() -> None:
    with pytest.raises(zlib.error):
        ZLibDecompressor(encoding="gzip").decompress_sync(b"not gzip at all")
    with pytest.raises(brotli.error):
        BrotliDecompressor().decompress_sync(b"\xff" * 32)
    with pytest.raises(zstd.ZstdError):
        ZSTDDecompressor().decompress_sync(b"not zstd at all")


def test_zstd_several_frames() -> None:
    data = zstd.compress(b"first ") + zstd.compress(b"second")
    d = ZSTDDecompressor()
    assert d.decompress_sync(data) == b"first second"
    assert d.eof
    d = ZSTDDecompressor()
    out, _ = drive(d, data, 3, 2)
    assert out == b"first second"


def test_buffered_decompressor_keeps_unfed_input_first() -> None:
    """New input passed while output is pending is queued behind the pending output."""
    data = brotli.compress(RAW, quality=5)
    d = BrotliDecompressor()
    first = d.decompress_sync(data[: len(data) // 2], 10)
    assert len(first) == 10
    assert d.unconsumed_tail
    # Pass the rest without draining: output order must be kept.
    second = d.decompress_sync(data[len(data) // 2 :], 10)
    assert len(second) == 10
    rest = d.flush()
    assert first + second + rest == RAW


async def test_zlib_compressor_round_trips() -> None:
    for encoding, decode in (
        ("gzip", gzip.decompress),
        ("deflate", zlib.decompress),
        (None, zlib.decompress),
    ):
        c = ZLibCompressor(encoding=encoding, level=6)
        out = await c.compress(RAW[:5000]) + c.compress_sync(RAW[5000:]) + c.flush()
        assert decode(out) == RAW


async def test_zlib_compressor_raw_and_sync_flush() -> None:
    c = ZLibCompressor(suppress_deflate_header=True, strategy=zlib.Z_DEFAULT_STRATEGY)
    part = c.compress_sync(b"message") + c.flush(zlib.Z_SYNC_FLUSH)
    assert part.endswith(b"\x00\x00\xff\xff")
    d = zlib.decompressobj(-zlib.MAX_WBITS)
    assert d.decompress(part) == b"message"
    c2 = ZLibCompressor(wbits=-9)
    assert zlib.decompress(c2.compress_sync(b"x" * 100) + c2.flush(), -9) == b"x" * 100


async def test_large_chunks_go_to_the_executor() -> None:
    calls: list[Any] = []

    class RecordingExecutor(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            calls.append(fn)
            return super().submit(fn, *args, **kwargs)

    with RecordingExecutor(max_workers=1) as executor:
        c = ZLibCompressor(encoding="gzip", executor=executor, max_sync_chunk_size=1024)
        small = await c.compress(b"a" * 10)
        assert calls == []
        big = await c.compress(RAW)
        assert len(calls) == 1
        compressed = small + big + c.flush()
        assert gzip.decompress(compressed) == b"a" * 10 + RAW

        d = ZLibDecompressor(encoding="gzip", executor=executor, max_sync_chunk_size=1024)
        assert (
            await d.decompress(compressed[:100]) + await d.decompress(compressed[100:]) + d.flush()
            == b"a" * 10 + RAW
        )
        assert len(calls) == 2

    unbounded = ZLibCompressor(max_sync_chunk_size=None)
    assert zlib.decompress(await unbounded.compress(RAW) + unbounded.flush()) == RAW


@pytest.mark.parametrize(
    ("factory", "compress"),
    [(BrotliDecompressor, brotli.compress), (ZSTDDecompressor, zstd.compress)],
)
async def test_brotli_and_zstd_decompress_async_with_an_executor(
    factory: Callable[..., Any], compress: Callable[[bytes], bytes]
) -> None:
    calls: list[Any] = []

    class RecordingExecutor(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            calls.append(fn)
            return super().submit(fn, *args, **kwargs)

    data = compress(RAW)
    with RecordingExecutor(max_workers=1) as executor:
        d = factory(executor=executor, max_sync_chunk_size=len(data) // 2)
        out = await d.decompress(data[:10])
        assert calls == []
        out += await d.decompress(data[10:])
        assert len(calls) == 1
        assert out + d.flush() == RAW
    # The defaults decode in the loop, bounded like the synchronous path.
    bounded = factory()
    first = await bounded.decompress(data, 1000)
    assert len(first) == 1000
    assert first + bounded.decompress_sync(bounded.unconsumed_tail) + bounded.flush() == RAW


def test_compressor_flush_defaults_to_finishing_the_stream() -> None:
    c = ZLibCompressor(encoding="deflate")
    assert zlib.decompress(c.compress_sync(b"abc") + c.flush()) == b"abc"
    c2 = ZLibCompressor(encoding="deflate")
    assert zlib.decompress(c2.compress_sync(b"abc") + c2.flush(None)) == b"abc"


def test_set_zlib_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[str] = []

    def compressobj(*args: Any, **kwargs: Any) -> Any:
        created.append("c")
        return zlib.compressobj(*args, **kwargs)

    def decompressobj(*args: Any, **kwargs: Any) -> Any:
        created.append("d")
        return zlib.decompressobj(*args, **kwargs)

    backend = types.ModuleType("fakezlib")
    backend.compressobj = compressobj  # type: ignore[attr-defined]
    backend.decompressobj = decompressobj  # type: ignore[attr-defined]
    backend.MAX_WBITS = zlib.MAX_WBITS  # type: ignore[attr-defined]

    held = ZLibBackend  # what a library imported before the switch
    monkeypatch.setattr(ZLibBackend, "_zlib_backend", ZLibBackend._zlib_backend)
    assert held.name == "zlib"
    set_zlib_backend(backend)
    # The same object now fronts the new module, for every holder of it.
    assert held is compression_utils.ZLibBackend
    assert held.name == "fakezlib"
    assert held.MAX_WBITS == zlib.MAX_WBITS
    c = ZLibCompressor()
    data = c.compress_sync(b"x") + c.flush()
    assert ZLibDecompressor().decompress_sync(data) == b"x"
    assert created == ["c", "d"]


def test_zlib_backend_wrapper_exposes_the_module() -> None:
    assert isinstance(ZLibBackend, ZLibBackendWrapper)
    module: ZLibBackendProtocol = zlib  # the stdlib module fits the protocol (static check)
    assert ZLibBackendWrapper(module).name == "zlib"
    assert (
        ZLibBackend.MAX_WBITS,
        ZLibBackend.Z_FULL_FLUSH,
        ZLibBackend.Z_SYNC_FLUSH,
        ZLibBackend.Z_BEST_SPEED,
        ZLibBackend.Z_FINISH,
    ) == (zlib.MAX_WBITS, zlib.Z_FULL_FLUSH, zlib.Z_SYNC_FLUSH, zlib.Z_BEST_SPEED, zlib.Z_FINISH)
    assert ZLibBackend.decompress(ZLibBackend.compress(b"abc")) == b"abc"
    args: CompressObjArgs = {"wbits": -15, "level": 1}
    comp: ZLibCompressObjProtocol = ZLibBackend.compressobj(**args)
    data = comp.compress(b"raw") + comp.flush()
    decomp: ZLibDecompressObjProtocol = ZLibBackend.decompressobj(-15)
    assert decomp.decompress(data) == b"raw" and decomp.eof
    assert ZLibBackend.error is zlib.error  # anything else comes from the module


@pytest.mark.parametrize("factory", [ZLibDecompressor, BrotliDecompressor, ZSTDDecompressor])
def test_every_decompressor_is_a_decompression_handler(factory: Callable[[], Any]) -> None:
    assert isinstance(factory(), DecompressionBaseHandler)


async def test_compress_calls_keep_their_order_around_the_executor() -> None:
    """A small chunk compressed while a large one is in the executor waits for it."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        c = ZLibCompressor(encoding="gzip", executor=executor, max_sync_chunk_size=1024)
        started = asyncio.Event()

        async def compress_big() -> bytes:
            started.set()
            return await c.compress(RAW)

        big = asyncio.ensure_future(compress_big())
        await started.wait()  # the big chunk holds the lock and is in the executor
        assert c._lock.locked()
        small = await c.compress(b"after")
        assert big.done()
        assert gzip.decompress((await big) + small + c.flush()) == RAW + b"after"


def test_buffered_decompressor_new_input_twice_while_pending() -> None:
    data = brotli.compress(RAW, quality=5)
    thirds = [data[: len(data) // 3], data[len(data) // 3 : 2 * len(data) // 3]]
    thirds.append(data[2 * len(data) // 3 :])
    d = BrotliDecompressor()
    out = [d.decompress_sync(thirds[0], 10)]
    out.append(d.decompress_sync(thirds[1], 10))  # pending output first: this input is held
    assert d.unconsumed_tail == thirds[1]
    out.append(d.decompress_sync(thirds[2], 10))  # still held input comes before the new one
    assert all(len(piece) == 10 for piece in out)
    out.append(d.flush())
    assert b"".join(out) == RAW


def test_unbounded_call_drains_pending_output_first() -> None:
    data = zstd.compress(RAW)
    d = ZSTDDecompressor()
    first = d.decompress_sync(data, 100)
    assert len(first) == 100
    assert d.unconsumed_tail  # the pending-output marker
    assert first + d.decompress_sync(b"") == RAW
    assert d.unconsumed_tail == b""
