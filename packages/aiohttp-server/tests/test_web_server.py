"""Server: the protocol factory, its connection bookkeeping and shutdown, over loopback."""

from __future__ import annotations

import asyncio
import http.client
from typing import Any

import pytest

from aiohttp_server.web_protocol import RequestHandler
from aiohttp_server.web_request import BaseRequest
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_server import Server

GUARD = 5.0


async def hello(request: BaseRequest) -> StreamResponse:
    return Response(text="hi")


async def _listen(server: Server) -> tuple[asyncio.AbstractServer, int]:
    srv = await asyncio.get_running_loop().create_server(server, "127.0.0.1", 0)
    return srv, srv.sockets[0].getsockname()[1]


def _get(port: int, path: str = "/") -> tuple[int, bytes]:
    """One request with the standard library's client (run in a thread)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


async def test_call_builds_request_handlers_with_options() -> None:
    server = Server(hello, keepalive_timeout=3.0, max_line_size=100)
    proto = server()
    assert isinstance(proto, RequestHandler)
    assert proto.keepalive_timeout == 3.0
    assert server() is not proto


async def test_unknown_handler_option_is_rejected_up_front() -> None:
    with pytest.raises(TypeError, match="bogus_option"):
        Server(hello, bogus_option=1)


async def test_serves_requests_and_counts_them() -> None:
    server = Server(hello)
    srv, port = await _listen(server)
    try:
        for _ in range(3):
            assert await asyncio.to_thread(_get, port) == (200, b"hi")
        assert server.requests_count == 3
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()


async def test_default_request_factory_builds_base_request() -> None:
    seen: list[Any] = []

    async def handler(request: BaseRequest) -> StreamResponse:
        seen.append(type(request))
        return Response(text="ok")

    server = Server(handler)
    srv, port = await _listen(server)
    try:
        assert await asyncio.to_thread(_get, port) == (200, b"ok")
        assert seen == [BaseRequest]
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()


async def test_custom_request_factory() -> None:
    class MyRequest(BaseRequest):
        pass

    made: list[Any] = []

    def factory(message: Any, payload: Any, protocol: Any, writer: Any, task: Any) -> BaseRequest:
        made.append(task)
        return MyRequest(message, payload, protocol, writer, task, asyncio.get_running_loop())

    async def handler(request: BaseRequest) -> StreamResponse:
        assert isinstance(request, MyRequest)
        assert request.task is asyncio.current_task()
        return Response(text="custom")

    server = Server(handler, request_factory=factory)
    srv, port = await _listen(server)
    try:
        assert await asyncio.to_thread(_get, port) == (200, b"custom")
        assert len(made) == 1
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()


async def test_connections_tracked_and_pre_shutdown_closes_idle_ones() -> None:
    server = Server(hello)
    srv, port = await _listen(server)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"hi"), GUARD)
        assert len(server.connections) == 1
        assert isinstance(server.connections[0], RequestHandler)
        server.pre_shutdown()
        # The idle keep-alive connection is closed by the server.
        assert await asyncio.wait_for(reader.read(), GUARD) == b""
        writer.close()
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()
    assert server.connections == []


async def test_pre_shutdown_lets_busy_connection_answer() -> None:
    started = asyncio.Event()
    go = asyncio.Event()

    async def handler(request: BaseRequest) -> StreamResponse:
        started.set()
        await go.wait()
        return Response(text="done")

    server = Server(handler)
    srv, port = await _listen(server)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(started.wait(), GUARD)
        server.pre_shutdown()
        go.set()
        data = await asyncio.wait_for(reader.read(), GUARD)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n")
        assert data.endswith(b"done")
        writer.close()
    finally:
        srv.close()
        await server.shutdown(1.0)
        await srv.wait_closed()


async def test_shutdown_without_connections() -> None:
    server = Server(hello)
    await server.shutdown()
    assert server.connections == []


async def test_handler_cancellation_flag_is_kept() -> None:
    assert Server(hello).handler_cancellation is False
    assert Server(hello, handler_cancellation=True).handler_cancellation is True


async def test_first_server_settles_malloc(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp_wire.allocator's one-time free (see test_allocator.py there).
    from aiohttp_wire import allocator

    monkeypatch.setattr(allocator, "_settled", False)
    Server(hello)
    assert allocator._settled
