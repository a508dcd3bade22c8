"""Hostile servers against ``ClientSession`` over real loopback sockets.

The servers are raw asyncio sockets written here. Heads, chunk lines and
trailers that never end keep coming after every limit, so a client that
buffered them would never fail and the ``wait_for`` guard fails the test;
the client must raise its documented error instead (``ClientResponseError``
with status 400 for a bad head, ``ClientPayloadError`` for a bad body).
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from client_peers import RawServer, read_request, respond

from aiohttp_client.client import ClientSession
from aiohttp_client.client_exceptions import (
    ClientPayloadError,
    ClientResponseError,
    ServerDisconnectedError,
)

Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
T = 10.0


def endless(
    start: bytes, piece: bytes, total: int = 2**26
) -> Callable[[Reader, Writer], Awaitable[None]]:
    """A handler answering with ``start`` then ``piece`` until the client hangs up."""

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(start)
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent < total:
                writer.write(piece)
                sent += len(piece)
                await writer.drain()

    return handler


async def fetch(url: Any, **kwargs: Any) -> bytes:
    async with ClientSession() as session, session.get(url, **kwargs) as resp:
        return await resp.read()


@pytest.mark.parametrize(
    ("start", "piece"),
    [
        (b"HTTP/1.1 200 OK\r\nX-Long: ", b"a" * 4096),
        (b"HTTP/1.1 200 OK\r\n", b"X-Many: v\r\n" * 64),
        (b"HTTP/1.1 200 ", b"O" * 4096),
        (b"HTTP/1.1 ", b"2" * 4096),
        (b"", b"H" * 4096),
    ],
    ids=["header-line", "header-count", "reason", "status-code", "no-status-line"],
)
async def test_endless_head_is_a_400_response_error(
    raw_server: RawServer, start: bytes, piece: bytes
) -> None:
    url = await raw_server.start(endless(start, piece))
    with pytest.raises(ClientResponseError) as info:
        await asyncio.wait_for(fetch(url), T)
    assert info.value.status == 400


async def test_endless_head_honours_configured_limits(raw_server: RawServer) -> None:
    url = await raw_server.start(endless(b"HTTP/1.1 200 OK\r\nX-Long: ", b"a" * 64))

    async def run() -> None:
        async with ClientSession(max_field_size=100) as session:
            with pytest.raises(ClientResponseError) as info:
                await session.get(url)
            assert info.value.status == 400

    await asyncio.wait_for(run(), T)


CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("start", "piece"),
    [
        (CHUNKED + b"5", b"0" * 4096),
        (CHUNKED + b"5;ext=", b"v" * 4096),
        (CHUNKED + b"3\r\nabc\r\n0\r\n", b"X-Trailer: v\r\n" * 64),
        (CHUNKED + b"3\r\nabc\r\n0\r\nX-T: ", b"v" * 4096),
        (CHUNKED + b"3\r\nabc", b"x" * 4096),
    ],
    ids=["size-line", "extension", "trailer-count", "trailer-line", "chunk-overrun"],
)
async def test_endless_chunk_framing_is_a_payload_error(
    raw_server: RawServer, start: bytes, piece: bytes
) -> None:
    url = await raw_server.start(endless(start, piece))
    with pytest.raises(ClientPayloadError):
        await asyncio.wait_for(fetch(url), T)


async def test_huge_content_length_then_close_is_a_payload_error(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(respond("200 OK", [("Content-Length", str(2**62))], b"only this"))
        await writer.drain()

    url = await raw_server.start(handler)

    async def run() -> None:
        async with ClientSession() as session, session.get(url) as resp:
            assert resp.content_length == 2**62
            with pytest.raises(ClientPayloadError):
                await resp.read()

    await asyncio.wait_for(run(), T)


@pytest.mark.parametrize(
    "value", [b"-1", b"+5", b"0x10", b"1 2", b"9" * 30 + b"x", b"5, 6"], ids=str
)
async def test_malformed_content_length_is_a_400_response_error(
    raw_server: RawServer, value: bytes
) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: " + value + b"\r\n\r\nhello")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    with pytest.raises(ClientResponseError) as info:
        await asyncio.wait_for(fetch(url), T)
    assert info.value.status == 400


async def test_deflate_bomb_is_bounded_by_the_decompress_cap(raw_server: RawServer) -> None:
    comp = zlib.compressobj(9)
    body = comp.compress(b"\0" * (48 * 1024 * 1024)) + comp.flush()

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        head = [("Content-Encoding", "deflate"), ("Transfer-Encoding", "chunked")]
        writer.write(respond("200 OK", head))
        # Small chunks: the bomb inflates across many feeds, not in one.
        for i in range(0, len(body), 512):
            piece = body[i : i + 512]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    got = 0

    async def run() -> None:
        nonlocal got
        async with ClientSession() as session, session.get(url) as resp:
            async for chunk in resp.content.iter_any():
                got += len(chunk)

    with pytest.raises(ClientPayloadError):
        await asyncio.wait_for(run(), T)
    assert 0 < got <= 32 * 1024 * 1024


async def test_informational_flood_then_the_final_response(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        for _ in range(20):
            writer.write(b"HTTP/1.1 102 Processing\r\n\r\n" * 500)
            await writer.drain()
        writer.write(respond("200 OK", [("Content-Length", "2")], b"ok"))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    assert await asyncio.wait_for(fetch(url), T) == b"ok"


async def test_endless_informational_responses_end_with_the_connection(
    raw_server: RawServer,
) -> None:
    """1xx heads forever, then a hang-up: a clear error, no hang, nothing kept."""

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        with contextlib.suppress(ConnectionError):
            for _ in range(200):
                writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" * 100)
                await writer.drain()

    url = await raw_server.start(handler)
    with pytest.raises(ServerDisconnectedError):
        await asyncio.wait_for(fetch(url), T)


async def test_early_response_while_the_request_body_is_still_sent(
    raw_server: RawServer,
) -> None:
    """A server answering 413 and hanging up mid-upload: the client sees the 413."""
    answered = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await reader.readexactly(1024)
        writer.write(
            respond(
                "413 Payload Too Large", [("Content-Length", "3"), ("Connection", "close")], b"big"
            )
        )
        await writer.drain()
        answered.set()

    async def body() -> Any:
        yield b"x" * 65536
        await answered.wait()
        for _ in range(1000):
            yield b"x" * 65536

    url = await raw_server.start(handler)

    async def run() -> tuple[int, bytes]:
        async with ClientSession() as session, session.post(url, data=body()) as resp:
            return resp.status, await resp.read()

    try:
        status, data = await asyncio.wait_for(run(), T)
    except (ClientPayloadError, ConnectionError, ServerDisconnectedError) as exc:
        pytest.fail(f"the early response was lost: {exc!r}")
    assert (status, data) == (413, b"big")


async def test_bytes_after_an_unclaimed_101_pause_reading() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"
        )
        with contextlib.suppress(ConnectionError):
            for _ in range(4096):
                writer.write(b"z" * 65536)
                await writer.drain()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{srv.sockets[0].getsockname()[1]}/"

    async def run() -> None:
        async with ClientSession() as session:
            resp = await session.get(url)
            assert resp.status == 101
            assert resp.connection is not None
            proto = resp.connection.protocol
            assert proto is not None
            paused = asyncio.Event()
            pause = proto.pause_reading

            def pause_reading() -> None:
                pause()
                paused.set()

            proto.pause_reading = pause_reading  # type: ignore[method-assign]
            if proto._reading_paused:
                paused.set()
            await paused.wait()
            assert len(proto._tail) < 4 * 1024 * 1024
            resp.close()

    try:
        await asyncio.wait_for(run(), 10)
    finally:
        srv.close()
