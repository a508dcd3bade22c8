"""RequestHandler over real loopback sockets, driven by raw sockets and h11.

Responses are parsed with h11 (a peer we did not write) wherever the bytes
are well-formed HTTP; raw byte checks are used for error answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import h11
import pytest
import trustme

from aiohttp_server.web_exceptions import HTTPForbidden, HTTPNotFound
from aiohttp_server.web_protocol import (
    PayloadAccessError,
    RequestHandler,
    RequestPayloadError,
)
from aiohttp_server.web_request import BaseRequest
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_server import Server
from aiohttp_wire.abc import AbstractAsyncAccessLogger

Handler = Callable[[BaseRequest], Awaitable[StreamResponse]]
GUARD = 5.0


class TrackingServer(Server):
    """A ``Server`` that signals when a connection is lost."""

    def __init__(self, handler: Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.lost = asyncio.Event()

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        super().connection_lost(handler, exc)
        self.lost.set()


@contextlib.asynccontextmanager
async def serve(handler: Handler, **kwargs: Any) -> AsyncIterator[tuple[TrackingServer, int]]:
    server = TrackingServer(handler, **kwargs)
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(server, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield server, port
    finally:
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), GUARD)
        await asyncio.wait_for(srv.wait_closed(), GUARD)


async def connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), GUARD)


async def read_all(reader: asyncio.StreamReader) -> bytes:
    """Everything until the server closes the connection."""
    return await asyncio.wait_for(reader.read(), GUARD)


class H11Client:
    """Send requests and parse responses with h11 over an asyncio stream."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.conn = h11.Connection(h11.CLIENT)

    def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> None:
        all_headers = [("Host", "localhost"), *headers]
        if body:
            all_headers.append(("Content-Length", str(len(body))))
        data = self.conn.send(h11.Request(method=method, target=target, headers=all_headers))
        assert data is not None
        if body:
            data += self.conn.send(h11.Data(data=body)) or b""
        data += self.conn.send(h11.EndOfMessage()) or b""
        self.writer.write(data)

    async def response(self) -> tuple[h11.Response, bytes]:
        head: h11.Response | None = None
        body = b""
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                data = await asyncio.wait_for(self.reader.read(65536), GUARD)
                self.conn.receive_data(data)
                continue
            if isinstance(event, h11.Response):
                head = event
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return head, body
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("closed before a full response")

    async def request(
        self,
        method: str = "GET",
        target: str = "/",
        headers: list[tuple[str, str]] | None = None,
        body: bytes = b"",
    ) -> tuple[h11.Response, bytes]:
        if self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
        self.send(method, target, headers or [], body)
        return await self.response()

    def close(self) -> None:
        self.writer.close()


async def hello(request: BaseRequest) -> StreamResponse:
    return Response(text=f"hello {request.path}")


async def test_get_and_keep_alive() -> None:
    async with serve(hello) as (server, port):
        client = H11Client(*await connect(port))
        for path in ("/a", "/b", "/c"):
            resp, body = await client.request(target=path)
            assert resp.status_code == 200
            assert body == f"hello {path}".encode()
        assert len(server.connections) == 1
        assert server.requests_count == 3
        client.close()


async def test_pipelined_requests_answered_in_order() -> None:
    order: list[str] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        order.append(request.path)
        if request.path == "/slow":
            # Yield a few times so a racing implementation would answer /fast first.
            for _ in range(5):
                await asyncio.sleep(0)
        return Response(text=request.path)

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(
            b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        data = await read_all(reader)
        conn = h11.Connection(h11.CLIENT)
        bodies = []
        for target in (b"/slow", b"/fast", b"/last"):
            if conn.our_state is h11.DONE:
                conn.start_next_cycle()
            conn.send(h11.Request(method="GET", target=target, headers=[("Host", "x")]))
            conn.send(h11.EndOfMessage())
            conn.receive_data(data)
            data = b""
            body = b""
            while True:
                event = conn.next_event()
                if isinstance(event, h11.Data):
                    body += bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
            bodies.append(body)
        assert bodies == [b"/slow", b"/fast", b"/last"]
        assert order == ["/slow", "/fast", "/last"]
        writer.close()


async def test_connection_close_header_closes() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"hello /")
        writer.close()


async def test_http10_without_keep_alive_closes() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET /old HTTP/1.0\r\n\r\n")
        data = await read_all(reader)
        assert data.startswith((b"HTTP/1.0 200 OK\r\n", b"HTTP/1.1 200 OK\r\n"))
        assert data.endswith(b"hello /old")
        writer.close()


MANY_HEADERS = b"".join(b"X-%d: v\r\n" % i for i in range(200))


async def test_http10_keep_alive_when_asked() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        first = await asyncio.wait_for(reader.readuntil(b"hello /one"), GUARD)
        assert b"Connection: keep-alive\r\n" in first
        writer.write(b"GET /two HTTP/1.0\r\n\r\n")
        rest = await read_all(reader)
        assert rest.endswith(b"hello /two")
        writer.close()


async def test_handler_can_turn_keep_alive_off() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        request.protocol.keep_alive(False)
        return Response(text="bye")

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await read_all(reader)
        assert data.count(b"HTTP/1.1 200 OK") == 1
        assert data.endswith(b"bye")
        writer.close()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
        ),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-%d: v\r\n" % i for i in range(200))
            + b"\r\n",
            431,
        ),
    ],
    ids=["garbage", "space-in-name", "cl-and-te", "long-header", "long-target", "many-headers"],
)
async def test_bad_request_answered_with_its_status_and_closed(raw: bytes, status: int) -> None:
    called = False

    async def handler(request: BaseRequest) -> StreamResponse:
        nonlocal called
        called = True
        return Response()

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(raw)
        data = await read_all(reader)
        version, code, _ = data.split(b"\r\n", 1)[0].split(b" ", 2)
        assert version in (b"HTTP/1.0", b"HTTP/1.1")
        assert int(code) == status
        # read_all() returned: the server closed the connection.
        assert not called
        writer.close()


async def test_error_after_response_started_closes_without_second_head(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        resp = StreamResponse()
        resp.content_length = 100
        await resp.prepare(request)
        await resp.write(b"partial")
        raise ValueError("mid-body failure")

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with caplog.at_level(logging.ERROR, logger="aiohttp.server"):
            data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.count(b"HTTP/1.1") == 1
        assert data.endswith(b"partial")
        assert any(r.exc_info and isinstance(r.exc_info[1], ValueError) for r in caplog.records)
        writer.close()


async def test_bad_request_after_good_one_on_same_connection() -> None:
    async with serve(hello) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
        first = await asyncio.wait_for(reader.readuntil(b"hello /ok"), GUARD)
        assert first.startswith(b"HTTP/1.1 200 OK")
        writer.write(b"BROKEN\r\n\r\n")
        rest = await read_all(reader)
        assert b" 400 Bad Request\r\n" in rest
        writer.close()


async def test_http_exception_becomes_response() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        if request.path == "/missing":
            raise HTTPNotFound(text="nothing here")
        raise HTTPForbidden()

    async with serve(handler) as (_, port):
        client = H11Client(*await connect(port))
        resp, body = await client.request(target="/missing")
        assert resp.status_code == 404
        assert body == b"nothing here"
        resp, body = await client.request(target="/other")
        assert resp.status_code == 403
        client.close()


async def test_same_http_exception_instance_raised_twice() -> None:
    exc = HTTPNotFound(text="shared")

    async def handler(request: BaseRequest) -> StreamResponse:
        raise exc

    async with serve(handler) as (_, port):
        client = H11Client(*await connect(port))
        for _ in range(2):
            resp, body = await client.request()
            assert resp.status_code == 404
            assert body == b"shared"
        client.close()


async def test_handler_error_is_500_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        raise ValueError("kaboom")

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n")
        with caplog.at_level(logging.ERROR, logger="aiohttp.server"):
            data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"<title>500 Internal Server Error</title>" in data
        assert b"kaboom" not in data
        records = [r for r in caplog.records if r.name == "aiohttp.server"]
        assert records and records[0].exc_info is not None
        assert isinstance(records[0].exc_info[1], ValueError)
        writer.close()


async def test_handler_timeout_is_504() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        raise asyncio.TimeoutError

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 504 Gateway Timeout\r\n")
        writer.close()


async def test_debug_loop_shows_traceback() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        raise KeyError("visible-in-debug")

    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    try:
        async with serve(handler) as (_, port):
            reader, writer = await connect(port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = await read_all(reader)
            assert data.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
            assert b"Traceback" in data
            assert b"visible-in-debug" in data
            writer.close()
    finally:
        loop.set_debug(False)


@pytest.mark.parametrize("result", [None, "not a response"])
async def test_handler_returning_non_response_is_500(result: Any) -> None:
    async def handler(request: BaseRequest) -> Any:
        return result

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"Content-Type: text/plain" in data
        writer.close()


async def test_chunked_request_body() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(body=await request.read())

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"\r\n\r\nhello world")
        writer.close()


async def test_large_body_streams_with_small_buffer() -> None:
    total = 4 * 1024 * 1024
    seen = 0

    async def handler(request: BaseRequest) -> StreamResponse:
        nonlocal seen
        async for chunk in request.content.iter_any():
            seen += len(chunk)
        return Response(text=str(seen))

    async with serve(handler, read_bufsize=1024) as (_, port):
        client = H11Client(*await connect(port))
        resp, body = await client.request("POST", "/", body=b"x" * total)
        assert resp.status_code == 200
        assert body == str(total).encode()
        client.close()


async def test_slow_reader_pauses_the_transport() -> None:
    paused = asyncio.Event()
    go = asyncio.Event()
    buffered: list[int] = []

    class PausingHandler(RequestHandler):
        def pause_reading(self) -> None:
            super().pause_reading()
            paused.set()

    class PausingServer(Server):
        def __call__(self) -> RequestHandler:
            return PausingHandler(self, loop=asyncio.get_running_loop(), read_bufsize=4096)

    async def handler(request: BaseRequest) -> StreamResponse:
        await go.wait()
        buffered.append(request.content.total_bytes)
        size = 0
        async for chunk in request.content.iter_any():
            size += len(chunk)
        return Response(text=str(size))

    server = PausingServer(handler)
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        total = 2 * 1024 * 1024
        reader, writer = await connect(port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % total)
        writer.write(b"y" * total)
        await asyncio.wait_for(paused.wait(), GUARD)
        go.set()
        resp = await asyncio.wait_for(reader.readuntil(str(total).encode()), GUARD)
        assert resp.startswith(b"HTTP/1.1 200 OK\r\n")
        # When the handler looked, the server had stopped reading far short of the body.
        assert buffered[0] < total // 4
        writer.close()
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()


async def test_unread_body_is_discarded_before_next_request() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(text=f"{request.method} {request.path}")

    async with serve(handler) as (_, port):
        client = H11Client(*await connect(port))
        _resp, body = await client.request("POST", "/ignored", body=b"z" * 200_000)
        assert body == b"POST /ignored"
        _resp, body = await client.request("GET", "/next")
        assert body == b"GET /next"
        client.close()


async def test_lingering_gives_up_on_a_body_that_never_ends() -> None:
    async with serve(hello, lingering_time=0.05) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"POST /stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nsome")
        # The answer comes, then the server stops waiting for the rest and closes.
        data = await read_all(reader)
        assert data.endswith(b"hello /stalled")
        writer.close()


async def test_body_read_after_response_raises_payload_access_error() -> None:
    requests: list[BaseRequest] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        requests.append(request)
        return Response(text="early")

    # No lingering: the unread body is abandoned and the connection closed.
    async with serve(handler, lingering_time=0) as (_, port):
        reader, writer = await connect(port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial")
        data = await read_all(reader)
        assert data.endswith(b"early")
        with pytest.raises(PayloadAccessError):
            await asyncio.wait_for(requests[0].read(), GUARD)
        writer.close()


async def test_client_disconnect_fails_body_read() -> None:
    got: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()

    async def handler(request: BaseRequest) -> StreamResponse:
        try:
            await request.read()
        except Exception as exc:
            got.set_result(exc)
            raise
        return Response()

    async with serve(handler) as (_, port):
        _reader, writer = await connect(port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
        await writer.drain()
        writer.close()
        exc = await asyncio.wait_for(got, GUARD)
        assert isinstance(exc, (ConnectionError, RequestPayloadError))


async def test_bad_chunk_mid_body_fails_the_read() -> None:
    started = asyncio.Event()
    got: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()

    async def handler(request: BaseRequest) -> StreamResponse:
        assert await request.content.readexactly(3) == b"abc"
        started.set()
        try:
            await request.read()
        except Exception as exc:
            got.set_result(exc)
            raise
        return Response()

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
        )
        await asyncio.wait_for(started.wait(), GUARD)
        writer.write(b"zz\r\nnot hex\r\n")
        exc = await asyncio.wait_for(got, GUARD)
        assert isinstance(exc, RequestPayloadError)
        # The handler let the error propagate: a 400, and the connection closes.
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        writer.close()


@pytest.mark.parametrize("cancellation", [False, True])
async def test_handler_cancellation_on_disconnect(cancellation: bool) -> None:
    started = asyncio.Event()
    go = asyncio.Event()
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        try:
            await go.wait()
        except asyncio.CancelledError:
            outcome.set_result("cancelled")
            raise
        outcome.set_result("finished")
        return Response(text="late")

    async with serve(handler, handler_cancellation=cancellation) as (server, port):
        _reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), GUARD)
        writer.close()
        await asyncio.wait_for(server.lost.wait(), GUARD)
        go.set()
        result = await asyncio.wait_for(outcome, GUARD)
        assert result == ("cancelled" if cancellation else "finished")


async def test_keepalive_timeout_closes_idle_connection() -> None:
    async with serve(hello, keepalive_timeout=0.05) as (server, port):
        client = H11Client(*await connect(port))
        resp, _ = await client.request()
        assert resp.status_code == 200
        # The server closes the idle connection on its own: EOF arrives.
        assert await asyncio.wait_for(client.reader.read(), GUARD) == b""
        await asyncio.wait_for(server.lost.wait(), GUARD)
        client.close()


async def test_graceful_shutdown_finishes_in_flight_request() -> None:
    started = asyncio.Event()
    go = asyncio.Event()

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        await go.wait()
        return Response(text="finished")

    async with serve(handler) as (server, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), GUARD)
        shutdown = asyncio.create_task(server.shutdown(GUARD))
        # Shutdown waits for the handler; release it once shutdown is under way.
        await asyncio.sleep(0)
        assert not shutdown.done()
        go.set()
        await asyncio.wait_for(shutdown, GUARD)
        data = await read_all(reader)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"finished")
        writer.close()


async def test_shutdown_timeout_cancels_stuck_handler() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    async with serve(handler) as (server, port):
        reader, writer = await connect(port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), GUARD)
        await asyncio.wait_for(server.shutdown(0.01), GUARD)
        assert cancelled.is_set()
        assert await read_all(reader) == b""
        writer.close()


class Collector:
    """A post-upgrade parser: collects bytes until ``expected`` arrived."""

    def __init__(self, expected: bytes) -> None:
        self.data = b""
        self.expected = expected
        self.done = asyncio.Event()
        self.eof = False

    def feed_data(self, data: bytes) -> None:
        self.data += data
        if len(self.data) >= len(self.expected):
            self.done.set()

    def feed_eof(self) -> None:
        self.eof = True


async def test_upgrade_hands_bytes_to_set_parser() -> None:
    collector = Collector(b"hello world")

    async def handler(request: BaseRequest) -> StreamResponse:
        resp = StreamResponse(status=101, headers={"Upgrade": "shout", "Connection": "Upgrade"})
        await resp.prepare(request)
        request.writer.send_headers()
        request.protocol.set_parser(collector)
        await collector.done.wait()
        assert request.transport is not None
        request.transport.write(collector.data.upper())
        return resp

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\nhello"
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), GUARD)
        assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
        writer.write(b" world")
        rest = await read_all(reader)
        assert rest == b"HELLO WORLD"
        writer.close()


async def test_declined_upgrade_resumes_http() -> None:
    async def handler(request: BaseRequest) -> StreamResponse:
        return Response(text=f"plain {request.path}")

    async with serve(handler) as (_, port):
        reader, writer = await connect(port)
        writer.write(
            b"GET /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n"
            b"GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        data = await read_all(reader)
        assert data.count(b"HTTP/1.1 200 OK\r\n") == 2
        assert b"plain /up" in data
        assert data.endswith(b"plain /next")
        writer.close()


async def test_access_log_line(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test.web_protocol.access")
    log.setLevel(logging.INFO)
    async with serve(hello, access_log=log, access_log_format="%r %s %{X-Test}i") as (_, port):
        client = H11Client(*await connect(port))
        with caplog.at_level(logging.INFO, logger=log.name):
            await client.request(target="/logged", headers=[("X-Test", "yes")])
            # The line is written once the response is finished; a second
            # round-trip guarantees the first one's log call happened.
            await client.request(target="/second")
        lines = [r.getMessage() for r in caplog.records if r.name == log.name]
        assert lines[:2] == ["GET /logged HTTP/1.1 200 yes", "GET /second HTTP/1.1 200 -"]
        client.close()


async def test_async_access_logger() -> None:
    lines: list[tuple[str, int]] = []

    class Recorder(AbstractAsyncAccessLogger):
        async def log(self, request: Any, response: Any, time: float) -> None:
            await asyncio.sleep(0)
            lines.append((request.path, response.status))

    async with serve(hello, access_log_class=Recorder) as (_, port):
        client = H11Client(*await connect(port))
        await client.request(target="/a")
        await client.request(target="/b")
        client.close()
    assert lines[:1] == [("/a", 200)]


async def test_access_log_disabled() -> None:
    server = Server(hello, access_log=None)
    proto = server()
    assert proto.access_logger is None


async def test_handler_properties() -> None:
    server = Server(hello, keepalive_timeout=12.5)
    proto = server()
    assert proto.keepalive_timeout == 12.5
    assert proto.request_handler is hello
    assert proto.request_factory == server._make_request
    assert proto.ssl_context is None
    assert proto.peername is None
    assert "disconnected" in repr(proto)


async def test_handlers_run_in_the_loops_task_factory_tasks() -> None:
    # Requests are served in a task that the loop's task factory made, and
    # request.task is that task, whichever way the handler's task is started.
    loop = asyncio.get_running_loop()
    made: list[asyncio.Future[Any]] = []

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Future[Any]:
        task = asyncio.Task(coro, loop=loop, **kwargs)
        made.append(task)
        return task

    async def handler(request: BaseRequest) -> StreamResponse:
        assert request.task is asyncio.current_task()
        return Response(text=str(request.task in made))

    previous = loop.get_task_factory()
    loop.set_task_factory(factory)
    try:
        async with serve(handler) as (_, port):
            client = H11Client(*await connect(port))
            for _ in range(2):
                resp, body = await client.request()
                assert (resp.status_code, body) == (200, b"True")
            client.close()
    finally:
        loop.set_task_factory(previous)


async def echo_body(request: BaseRequest) -> StreamResponse:
    return Response(body=await request.read())


async def _echo_many(port: int, ssl_ctx: Any = None) -> None:
    """Eight connections post distinct large bodies at once; each gets its own back."""

    async def one(n: int) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=ssl_ctx), GUARD
        )
        client = H11Client(reader, writer)
        for size in (300_000, 70_000, 5):
            body = bytes([n]) * size
            resp, got = await client.request("POST", "/", body=body)
            assert resp.status_code == 200
            assert got == body
        client.close()

    await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(8))), GUARD)


async def test_concurrent_large_bodies_do_not_mix() -> None:
    async with serve(echo_body) as (_, port):
        await _echo_many(port)


async def test_concurrent_large_bodies_over_tls() -> None:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    server = Server(echo_body)
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(server, "127.0.0.1", 0, ssl=server_ctx)
    try:
        await _echo_many(srv.sockets[0].getsockname()[1], client_ctx)
    finally:
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), GUARD)
        await asyncio.wait_for(srv.wait_closed(), GUARD)


async def test_data_received_from_any_transport() -> None:
    # A transport of our own (no socket) feeds the protocol through data_received.
    class Transport(asyncio.Transport):
        def __init__(self) -> None:
            super().__init__()
            self.out = bytearray()
            self.done = asyncio.Event()

        def write(self, data: Any) -> None:
            self.out += data
            if self.out.endswith(b"hello /x"):
                self.done.set()

        def is_closing(self) -> bool:
            return False

    server = Server(hello)
    proto = server()
    transport = Transport()
    proto.connection_made(transport)
    proto.data_received(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
    await asyncio.wait_for(transport.done.wait(), GUARD)
    assert transport.out.startswith(b"HTTP/1.1 200 OK\r\n")
    assert transport.out.endswith(b"hello /x")
    proto.connection_lost(None)


async def test_defaults_and_attributes_as_aiohttp() -> None:
    proto = Server(hello)()
    assert proto.keepalive_timeout == 3630
    assert proto.debug is False
    assert proto.access_log is logging.getLogger("aiohttp.access")
    assert proto.logger is logging.getLogger("aiohttp.server")
    assert proto.access_logger is not None
    assert Server(hello, debug=True)().debug is True
    quiet = Server(hello, access_log=None)()
    assert quiet.access_log is None and quiet.access_logger is None


async def test_debug_option_shows_traceback() -> None:
    async def boom(request: BaseRequest) -> StreamResponse:
        raise ValueError("kaboom")

    async with serve(boom, debug=True) as (_, port):
        client = H11Client(*await connect(port))
        resp, body = await client.request()
        assert resp.status_code == 500
        assert b"Traceback" in body and b"kaboom" in body
        client.close()


async def test_log_access_is_sync(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test.web_protocol.sync_access")
    log.setLevel(logging.INFO)
    seen: list[str] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        resp = Response(text="x")
        with caplog.at_level(logging.INFO, logger=log.name):
            assert request.protocol.log_access(request, resp, None) is None
        seen.extend(r.getMessage() for r in caplog.records if r.name == log.name)
        return resp

    async with serve(handler, access_log=log, access_log_format="%r %s") as (_, port):
        client = H11Client(*await connect(port))
        resp, _ = await client.request(target="/direct")
        assert resp.status_code == 200
        client.close()
    assert seen == ["GET /direct HTTP/1.1 200"]


async def test_log_access_runs_an_async_logger_in_a_task() -> None:
    done = asyncio.Event()
    lines: list[str] = []

    class Recorder(AbstractAsyncAccessLogger):
        async def log(self, request: Any, response: Any, time: float) -> None:
            lines.append(request.path)
            done.set()

    async def handler(request: BaseRequest) -> StreamResponse:
        resp = Response(text="x")
        request.protocol.log_access(request, resp, asyncio.get_running_loop().time())
        return resp

    async with serve(handler, access_log_class=Recorder) as (_, port):
        client = H11Client(*await connect(port))
        await client.request(target="/direct")
        await asyncio.wait_for(done.wait(), GUARD)
        client.close()
    assert lines[0] == "/direct"
