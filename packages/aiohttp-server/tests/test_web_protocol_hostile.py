"""Hostile peers against the server over real loopback sockets.

Each test drives the server with a raw asyncio stream we wrote here (never
our own client): heads and bodies that never end, framing that lies, bodies
that inflate past the limits. Each must get its documented status and a
closed connection (no hang), and memory stays bounded: the peer keeps
sending after the limit, so a server buffering it all never answers and the
``asyncio.wait_for`` guard fails the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import brotli
import pytest

from aiohttp_server.web_app import Application
from aiohttp_server.web_protocol import RequestHandler
from aiohttp_server.web_request import BaseRequest, Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_runner import AppRunner, TCPSite
from aiohttp_server.web_server import Server

Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]
GUARD = 10.0


@contextlib.asynccontextmanager
async def serve(handler: Handler, **kwargs: Any) -> AsyncIterator[int]:
    """A low-level ``Server`` on 127.0.0.1:0; yields its port."""
    server = Server(handler, **kwargs)
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    try:
        yield srv.sockets[0].getsockname()[1]
    finally:
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), GUARD)
        await asyncio.wait_for(srv.wait_closed(), GUARD)


@contextlib.asynccontextmanager
async def serve_app(app: Application) -> AsyncIterator[int]:
    """An ``Application`` on 127.0.0.1:0; yields its port."""
    runner = AppRunner(app)
    await runner.setup()
    try:
        await TCPSite(runner, "127.0.0.1", 0).start()
        yield runner.addresses[0][1]
    finally:
        await asyncio.wait_for(runner.cleanup(), GUARD)


async def reading_body(request: BaseRequest) -> StreamResponse:
    """Reads the whole body, so a bad body surfaces as the handler's error."""
    body = await request.read()
    return Response(text=str(len(body)))


async def flood(
    port: int, head: bytes, piece: bytes, total: int, *, until_close: bool = True
) -> bytes:
    """Send ``head`` then ``piece`` up to ``total`` bytes; return what the server answers.

    Writing stops at the first error (the server closed) or at ``total``.
    The answer is everything read until the server closes, or with
    ``until_close=False`` the first response (head and Content-Length body).
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def send() -> None:
        with contextlib.suppress(ConnectionError):
            writer.write(head)
            sent = 0
            while sent < total:
                writer.write(piece)
                sent += len(piece)
                await writer.drain()

    sender = asyncio.ensure_future(send())
    try:
        answer = await asyncio.wait_for(read_answer(reader, until_close), GUARD)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
    finally:
        sender.cancel()
        writer.close()
    return answer


async def read_answer(reader: asyncio.StreamReader, until_close: bool) -> bytes:
    """Everything until the server closes, or its first response."""
    if until_close:
        chunks = []
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                chunks.append(chunk)
        return b"".join(chunks)
    answer = await reader.readuntil(b"\r\n\r\n")
    length = int(answer.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    return answer + await reader.readexactly(length)


def status_of(answer: bytes) -> int:
    """The status code of the first response in ``answer``."""
    assert answer.startswith(b"HTTP/1."), answer[:200]
    return int(answer.split(b" ", 2)[1])


# -- heads that never end ---------------------------------------------------------------


async def test_endless_header_line_is_431_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: ", b"a" * 4096, 2**24)
    assert status_of(answer) == 431


async def test_endless_header_line_honours_a_configured_max_field_size() -> None:
    async with serve(reading_body, max_field_size=100) as port:
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: "
        answer = await flood(port, head, b"a" * 200, 2**24)
    assert status_of(answer) == 431


async def test_endless_header_section_is_431_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, b"GET / HTTP/1.1\r\nHost: x\r\n", b"X-Many: v\r\n" * 64, 2**24)
    assert status_of(answer) == 431


async def test_endless_header_section_honours_a_configured_max_headers() -> None:
    async with serve(reading_body, max_headers=10) as port:
        answer = await flood(port, b"GET / HTTP/1.1\r\nHost: x\r\n", b"X-Many: v\r\n", 2**22)
    assert status_of(answer) == 431


async def test_endless_request_line_is_refused_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, b"GET /", b"a" * 4096, 2**24)
    assert status_of(answer) == 414


async def test_endless_method_is_refused_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, b"", b"G" * 4096, 2**24)
    assert status_of(answer) in (400, 414)


async def test_request_line_in_one_byte_packets_is_served() -> None:
    async with serve(reading_body) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for byte in b"POST /tiny HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc":
                writer.write(bytes((byte,)))
                await writer.drain()
            answer = await asyncio.wait_for(read_answer(reader, False), GUARD)
            assert answer.startswith(b"HTTP/1.1 200 ")
            assert answer.endswith(b"\r\n\r\n3")
        finally:
            writer.close()


# -- framing that lies ------------------------------------------------------------------


CHUNKED = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"


async def test_endless_chunk_size_line_is_400_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, CHUNKED + b"5", b"0" * 4096, 2**24)
    assert status_of(answer) == 400


async def test_endless_chunk_extension_is_400_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, CHUNKED + b"5;ext=", b"v" * 4096, 2**24)
    assert status_of(answer) == 400


async def test_endless_trailer_section_is_refused_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, CHUNKED + b"3\r\nabc\r\n0\r\n", b"X-Trailer: v\r\n" * 64, 2**24)
    assert status_of(answer) in (400, 431)


async def test_endless_trailer_line_is_refused_and_closed() -> None:
    async with serve(reading_body) as port:
        answer = await flood(port, CHUNKED + b"3\r\nabc\r\n0\r\nX-T: ", b"v" * 4096, 2**24)
    assert status_of(answer) in (400, 431)


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
        b"Content-Length: -1\r\n",
        b"Content-Length: +3\r\n",
        b"Content-Length: 3\r\nContent-Length: 4\r\n",
        b"Content-Length: 0x10\r\n",
        b"Content-Length: 1 2\r\n",
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: gzip\r\n",
    ],
    ids=[
        "cl-te",
        "te-cl",
        "negative",
        "plus",
        "two-values",
        "hex",
        "space",
        "te-twice",
        "te-not-chunked",
    ],
)
async def test_lying_framing_is_400_and_closed(framing: bytes) -> None:
    called = asyncio.Event()

    async def handler(request: BaseRequest) -> StreamResponse:
        called.set()
        return await reading_body(request)

    async with serve(handler) as port:
        head = b"POST / HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n"
        answer = await flood(port, head, b"abc\r\n", 2**20)
    assert status_of(answer) == 400
    assert not called.is_set()


async def test_overflowing_content_length_never_buffers_the_body() -> None:
    """A 30-digit Content-Length is refused, or bounded by client_max_size: never waited for."""
    app = Application(client_max_size=1024)

    async def handler(request: Request) -> StreamResponse:
        return await reading_body(request)

    app.router.add_post("/", handler)
    async with serve_app(app) as port:
        head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + b"9" * 30 + b"\r\n\r\n"
        answer = await flood(port, head, b"z" * 4096, 2**24)
    assert status_of(answer) in (400, 413)


# -- bodies past client_max_size --------------------------------------------------------


def _app_reading(how: str, client_max_size: int = 64 * 1024) -> Application:
    app = Application(client_max_size=client_max_size)

    async def handler(request: Request) -> StreamResponse:
        if how == "post":
            form = await request.post()
            return Response(text=str(len(form)))
        return Response(text=str(len(await request.read())))

    app.router.add_post("/", handler)
    return app


def _compress(encoding: str, data: bytes) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "br":
        return bytes(brotli.compress(data))
    return zlib.compress(data)


def _bomb_head(encoding: str, bomb: bytes, ctype: bytes = b"application/octet-stream") -> bytes:
    return (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: " + ctype + b"\r\n"
        b"Content-Encoding: " + encoding.encode() + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(bomb)
    )


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
@pytest.mark.parametrize("how", ["read", "post"])
async def test_compressed_body_inflating_past_client_max_size_is_413(
    encoding: str, how: str
) -> None:
    # 4 MiB of zeros compress to a few KiB: small on the wire, 64 times client_max_size.
    bomb = _compress(encoding, b"0" * (4 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    ctype = b"application/x-www-form-urlencoded" if how == "post" else b"application/octet-stream"
    async with serve_app(_app_reading(how)) as port:
        answer = await flood(
            port, _bomb_head(encoding, bomb, ctype) + bomb, b"", 0, until_close=False
        )
    assert status_of(answer) == 413


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compressed_body_past_the_decompress_cap_is_400_and_closed(encoding: str) -> None:
    """Past the 32 MiB cap the parser refuses the body (aiohttp's DecompressSizeError)."""
    bomb = _compress(encoding, b"0" * (64 * 1024 * 1024))
    assert len(bomb) < 256 * 1024
    async with serve_app(_app_reading("read", client_max_size=0)) as port:
        answer = await flood(port, _bomb_head(encoding, bomb) + bomb, b"", 0)
    assert status_of(answer) == 400
    assert b"exceeds the maximum size" in answer


async def test_compressed_body_streamed_past_the_decompress_cap_fails_the_read() -> None:
    """Streaming ``request.content`` is not bounded by client_max_size, but by the 32 MiB cap."""
    started = asyncio.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        total = 0
        try:
            async for chunk in request.content.iter_any():
                total += len(chunk)
        except Exception as exc:
            errors.append(exc)
            raise
        finally:
            seen.append(total)
        return Response(text=str(total))

    bomb = gzip.compress(b"0" * (40 * 1024 * 1024))
    async with serve(handler) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(_bomb_head("gzip", bomb))
            await asyncio.wait_for(started.wait(), GUARD)
            writer.write(bomb)
            answer = await asyncio.wait_for(reader.read(), GUARD)
        finally:
            writer.close()
    assert status_of(answer) == 400
    assert seen[0] <= 32 * 1024 * 1024
    assert "exceeds the maximum size" in str(errors[0])


@pytest.mark.parametrize(
    ("value", "count", "limit"),
    [
        (b"v" * 100, 2000, 100 * 1000),
        # Empty fields: their part heads count too, not only their values.
        (b"", 20000, 64 * 1024),
    ],
)
async def test_many_multipart_fields_past_client_max_size_are_413(
    value: bytes, count: int, limit: int
) -> None:
    part = b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\n" + value + b"\r\n"
    body = part * count + b"--b--\r\n"
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    async with serve_app(_app_reading("post", client_max_size=limit)) as port:
        answer = await flood(port, head + body, b"", 0, until_close=False)
    assert status_of(answer) == 413


async def test_endless_multipart_part_header_is_refused_and_closed() -> None:
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    start = b"--b\r\nContent-Disposition: form-data; name=f\r\nX-Long: "
    piece = b"a" * 4096
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    async with serve_app(_app_reading("post")) as port:
        answer = await flood(port, head + b"%x\r\n%s\r\n" % (len(start), start), chunk, 2**24)
    # The reader refuses the header line with ValueError: the application answers 500
    # (aiohttp does the same for a malformed form); what matters is an answer, no hang.
    assert status_of(answer) in (400, 413, 500)


async def test_pipelined_requests_are_served_in_order_after_a_split_head() -> None:
    async with serve(reading_body) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            one = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab"
            two = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
            data = one + two
            for i in range(0, len(data), 7):
                writer.write(data[i : i + 7])
                await writer.drain()
            answer = await asyncio.wait_for(reader.read(), GUARD)
        finally:
            writer.close()
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    assert answer.endswith(b"3")


async def test_pipelining_flood_stops_reading() -> None:
    """A peer pipelining requests without reading answers: the server stops reading.

    The queue of parsed requests stays bounded; unbounded, it holds every
    request the peer sent (tens of thousands here).
    """
    handlers: list[RequestHandler] = []
    bounded = asyncio.Event()
    overflow = asyncio.Event()

    class Watched(RequestHandler):
        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if len(self._messages) > 20000:
                overflow.set()

        def _check(self) -> None:
            if self._reading_paused and self.writing_paused:
                bounded.set()

        def pause_reading(self) -> None:
            super().pause_reading()
            self._check()

        def pause_writing(self) -> None:
            super().pause_writing()
            self._check()

    class WatchedServer(Server):
        def __call__(self) -> RequestHandler:
            handler = Watched(self, loop=asyncio.get_running_loop())
            handlers.append(handler)
            return handler

    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(text="x" * 100)

    server = WatchedServer(handler)
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(server, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    data = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 200_000

    async def push() -> None:
        await loop.sock_sendall(sock, data)

    sender = asyncio.ensure_future(push())
    try:
        async with asyncio.timeout(GUARD):
            await asyncio.wait(
                [asyncio.ensure_future(bounded.wait()), asyncio.ensure_future(overflow.wait())],
                return_when=asyncio.FIRST_COMPLETED,
            )
        assert not overflow.is_set()
        assert len(handlers[0]._messages) < 20000
    finally:
        sender.cancel()
        sock.close()
        srv.close()
        await server.shutdown(1.0)


async def test_bytes_after_an_upgrade_request_pause_reading() -> None:
    """While the upgrade's handler decides, a flood after the head is not held unbounded."""
    handlers: list[RequestHandler] = []
    release = asyncio.Event()
    paused = asyncio.Event()

    class Watched(RequestHandler):
        def pause_reading(self) -> None:
            super().pause_reading()
            paused.set()

    class WatchedServer(Server):
        def __call__(self) -> RequestHandler:
            handler = Watched(self, loop=asyncio.get_running_loop())
            handlers.append(handler)
            return handler

    async def handler(request: BaseRequest) -> StreamResponse:
        await release.wait()
        return Response(text="declined")

    server = WatchedServer(handler)
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    _reader, writer = await asyncio.open_connection("127.0.0.1", srv.sockets[0].getsockname()[1])

    async def flood() -> None:
        with contextlib.suppress(ConnectionError):
            writer.write(
                b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: custom\r\n\r\n"
            )
            for _ in range(4096):
                writer.write(b"z" * 65536)
                await writer.drain()

    sender = asyncio.ensure_future(flood())
    try:
        await asyncio.wait_for(paused.wait(), GUARD)
        assert len(handlers[0]._message_tail) < 4 * 1024 * 1024
    finally:
        release.set()
        sender.cancel()
        writer.close()
        srv.close()
        await server.shutdown(1.0)
