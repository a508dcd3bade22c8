"""Hostile multipart bodies, received over real loopback sockets.

The body arrives through a socket into a ``StreamReader`` with its flow
control (a small protocol here, the way the server feeds request bodies),
sent by a raw asyncio peer that keeps sending after each limit. The reader
must refuse with ``ValueError`` (or ``DecompressSizeError``) having received
only a bounded part of the flood, or reach the body's end in bounded memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from collections.abc import AsyncIterator

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.http_exceptions import DecompressSizeError
from aiohttp_wire.multipart import BodyPartReader, MultipartReader, _PartStream
from aiohttp_wire.streams import StreamReader

T = 10.0
LIMIT = 2**16
#: What the stream may hold and have received beyond what was read: twice its
#: limit before reading pauses, plus what a few socket reads can carry.
SLACK = 2 * LIMIT + 1024 * 1024


class Feeder(BaseProtocol):
    """Feeds what the socket receives into a ``StreamReader`` and tracks its peak."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.stream = StreamReader(self, LIMIT, loop=loop)
        self.peak = 0

    def data_received(self, data: bytes) -> None:
        self.stream.feed_data(data)
        self.peak = max(self.peak, self.stream._size)

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)
        self.stream.feed_eof()


def headers(boundary: str = "b", subtype: str = "form-data") -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(
        CIMultiDict({"Content-Type": f"multipart/{subtype}; boundary={boundary}"})
    )


@contextlib.asynccontextmanager
async def received(
    head: bytes, piece: bytes = b"", total: int = 0
) -> AsyncIterator[tuple[Feeder, asyncio.Future[None]]]:
    """A socket whose peer sends ``head`` then ``piece`` up to ``total`` bytes, then closes."""
    loop = asyncio.get_running_loop()
    feeders: asyncio.Queue[Feeder] = asyncio.Queue()

    def factory() -> Feeder:
        feeder = Feeder(loop)
        feeders.put_nowait(feeder)
        return feeder

    server = await loop.create_server(factory, "127.0.0.1", 0)
    _, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])

    async def send() -> None:
        with contextlib.suppress(ConnectionError):
            writer.write(head)
            sent = 0
            while sent < total:
                writer.write(piece)
                sent += len(piece)
                await writer.drain()
            writer.close()

    sender = asyncio.ensure_future(send())
    try:
        feeder = await asyncio.wait_for(feeders.get(), T)
        yield feeder, sender
    finally:
        sender.cancel()
        writer.close()
        if feeder.transport is not None:
            feeder.transport.close()
        server.close()
        await asyncio.wait_for(server.wait_closed(), T)


async def first_part(feeder: Feeder) -> BodyPartReader:
    reader = MultipartReader(headers(), feeder.stream)
    part = await asyncio.wait_for(reader.next(), T)
    assert isinstance(part, BodyPartReader)
    return part


async def test_endless_part_header_line_is_refused_after_a_bounded_read() -> None:
    head = b"--b\r\nContent-Disposition: form-data; name=f\r\nX-Long: "
    async with received(head, b"a" * 4096, 2**26) as (feeder, sender):
        with pytest.raises(ValueError, match="header line longer than 8190"):
            await first_part(feeder)
        assert not sender.done()
        assert feeder.stream.total_bytes < 8190 + SLACK


async def test_endless_part_header_section_is_refused_after_a_bounded_read() -> None:
    head = b"--b\r\nContent-Disposition: form-data; name=f\r\n"
    async with received(head, b"X-Many: v\r\n" * 64, 2**26) as (feeder, sender):
        with pytest.raises(ValueError, match="More than 128 header lines"):
            await first_part(feeder)
        assert not sender.done()
        assert feeder.stream.total_bytes < SLACK


@pytest.mark.parametrize(
    "piece",
    [b"\r\n" * 2048, b"x" * 4096, b"--bx\r\n" * 512, b"-" * 4096, b"--" + b"b" * 4094],
    ids=["blank-lines", "one-line", "near-boundaries", "dashes", "long-near-boundary"],
)
async def test_endless_preamble_streams_in_bounded_memory(piece: bytes) -> None:
    async with received(b"", piece, 4 * 1024 * 1024) as (feeder, _):
        with pytest.raises(ValueError, match="Could not find starting boundary"):
            await first_part(feeder)
        # Everything was consumed, never more than the flow-control window at once.
        assert feeder.stream.total_bytes >= 4 * 1024 * 1024 > SLACK
        assert feeder.peak < SLACK


async def test_boundary_after_a_long_preamble_of_short_lines_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The preamble is skipped block by block, not line by line (no Python work per line)."""
    calls = 0
    readline = _PartStream.readline

    async def counting(self: _PartStream, limit: int) -> bytes:
        nonlocal calls
        calls += 1
        return await readline(self, limit)

    monkeypatch.setattr(_PartStream, "readline", counting)
    body = (
        b"\r\n" * (4 * 1024 * 1024)
        + b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b--\r\n"
    )
    async with received(body) as (feeder, _):
        part = await first_part(feeder)
        assert part.name == "f"
        assert await asyncio.wait_for(part.text(), T) == "v"
    # The boundary line, the part's two header lines and its closing line.
    assert calls < 10


@pytest.mark.parametrize("shift", range(8))
@pytest.mark.parametrize("filler", [b"\n", b"x", b"-"])
async def test_boundary_straddling_read_blocks_in_the_preamble(shift: int, filler: bytes) -> None:
    """The delimiter line found whatever the block boundary cuts through it."""
    tail = b"\r\n--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b--\r\n"
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), LIMIT)
    stream.feed_data(filler * (2**16 - shift) + tail)
    stream.feed_eof()
    reader = MultipartReader(headers(), stream)
    part = await reader.next()
    assert isinstance(part, BodyPartReader) and part.name == "f"
    assert await part.text() == "v"
    assert await reader.next() is None


@pytest.mark.parametrize(
    "preamble",
    [b"--bb\r\n", b"--b-\r\n", b"x--b\r\n", b" --b\r\n", b"--" + b"b" * 2000 + b"\r\n--b-x\r\n"],
)
async def test_lines_that_only_look_like_the_boundary_are_preamble(preamble: bytes) -> None:
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), LIMIT)
    stream.feed_data(
        preamble + b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b--\r\n"
    )
    stream.feed_eof()
    reader = MultipartReader(headers(), stream)
    part = await reader.next()
    assert isinstance(part, BodyPartReader) and part.name == "f"
    assert await part.text() == "v"


async def test_boundary_cut_at_the_line_limit_is_not_a_boundary() -> None:
    # A 1024-byte line piece that ends right before "--b": not a line start.
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), LIMIT)
    stream.feed_data(b"y" * 1024 + b"--b\r\n")
    stream.feed_eof()
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await MultipartReader(headers(), stream).next()


async def test_endless_part_body_streams_then_fails_at_the_end() -> None:
    head = b"--b\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n"
    async with received(head, b"z" * 4096, 8 * 1024 * 1024) as (feeder, _):
        part = await first_part(feeder)
        got = 0

        async def drain() -> None:
            nonlocal got
            while chunk := await part.read_chunk(2**16):
                got += len(chunk)

        with pytest.raises(ValueError, match="without a closing boundary"):
            await asyncio.wait_for(drain(), T)
        assert got >= 8 * 1024 * 1024 - 2**16
        assert feeder.peak < SLACK


async def test_thousands_of_parts_stream_one_at_a_time() -> None:
    part = b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n"
    async with received(part * 20000 + b"--b--\r\n") as (feeder, _):
        reader = MultipartReader(headers(), feeder.stream)

        async def count() -> int:
            n = 0
            while (item := await reader.next()) is not None:
                assert isinstance(item, BodyPartReader)
                assert await item.read() == b"v"
                n += 1
            return n

        assert await asyncio.wait_for(count(), T) == 20000
        assert feeder.peak < SLACK


async def test_gzip_part_bomb_is_refused_at_the_decompress_cap() -> None:
    bomb = gzip.compress(b"\0" * (48 * 1024 * 1024))
    # Content-Encoding applies outside form-data (RFC 7578 leaves it out).
    body = (
        b"--b\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\n\r\n"
        + bomb
        + b"\r\n--b--\r\n"
    )
    async with received(body) as (feeder, _):
        part = await asyncio.wait_for(
            MultipartReader(headers("b", "mixed"), feeder.stream).next(), T
        )
        assert isinstance(part, BodyPartReader)
        got = 0

        async def inflate() -> None:
            nonlocal got
            while chunk := await part.read_chunk(2**16):
                got += len(await part.decode(chunk))

        with pytest.raises(DecompressSizeError):
            await asyncio.wait_for(inflate(), T)
        assert got <= 32 * 1024 * 1024


async def test_deep_nesting_is_refused() -> None:
    body = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
        for i in range(40)
    )
    async with received(body) as (feeder, _):
        reader = MultipartReader(headers("b0", "mixed"), feeder.stream)

        async def descend() -> None:
            item: MultipartReader | BodyPartReader | None = reader
            while isinstance(item, MultipartReader):
                item = await item.next()

        with pytest.raises(ValueError, match="nested deeper than 32"):
            await asyncio.wait_for(descend(), T)


@pytest.mark.parametrize(
    "body",
    [
        b"--b\r\nContent-Disposition: form-data; name=f\r\n",
        b"--b\r\nContent-Disposition: form-data; name=f",
        b"--b",
        b"",
    ],
    ids=["inside-headers", "inside-a-header-line", "inside-the-boundary", "empty"],
)
async def test_body_cut_short_is_an_error_not_a_hang(body: bytes) -> None:
    async with received(body) as (feeder, _):
        with pytest.raises(ValueError):
            await first_part(feeder)


async def test_continuation_index_of_thousands_of_digits_is_ignored() -> None:
    disposition = b"form-data; name=f; filename*" + b"9" * 5000 + b"=x; filename*0=a; filename*1=b"
    body = b"--b\r\nContent-Disposition: " + disposition + b"\r\n\r\nv\r\n--b--\r\n"
    async with received(body) as (feeder, _):
        part = await first_part(feeder)
        assert part.name == "f"
        assert part.filename == "ab"
        assert await asyncio.wait_for(part.read(), T) == b"v"
