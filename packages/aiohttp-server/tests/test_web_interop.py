"""A whole Application served over loopback to clients we did not write.

httpx (keep-alive pool, streamed uploads), http.client (Expect:
100-continue by hand), curl, h11, and raw sockets.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import socket
from collections.abc import AsyncIterator

import h11
import httpx
import pytest

from aiohttp_server.web_app import Application
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse, json_response
from aiohttp_server.web_runner import AppRunner, TCPSite

GUARD = 5.0


async def text(request: Request) -> StreamResponse:
    return Response(text="Hello, World!")


async def as_json(request: Request) -> StreamResponse:
    return json_response({"path": request.path, "query": dict(request.query)})


async def echo(request: Request) -> StreamResponse:
    body = await request.read()
    return Response(body=body, headers={"X-Length": str(len(body))})


async def peer(request: Request) -> StreamResponse:
    transport = request.transport
    assert transport is not None
    return Response(text=str(transport.get_extra_info("peername")[1]))


async def stream(request: Request) -> StreamResponse:
    resp = StreamResponse()
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for i in range(5):
        await resp.write(f"part{i};".encode())
    await resp.write_eof()
    return resp


@pytest.fixture
async def port() -> AsyncIterator[int]:
    app = Application()
    app.router.add_get("/text", text)
    app.router.add_get("/json", as_json)
    app.router.add_post("/echo", echo)
    app.router.add_put("/echo", echo)
    app.router.add_get("/peer", peer)
    app.router.add_get("/stream", stream)
    runner = AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield runner.addresses[0][1]
    await runner.cleanup()


async def test_httpx_get_json_post_and_keep_alive(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=GUARD) as client:
        resp = await client.get(f"{base}/text")
        assert resp.status_code == 200
        assert resp.text == "Hello, World!"
        assert resp.headers["content-type"] == "text/plain; charset=utf-8"
        resp = await client.get(f"{base}/json", params={"a": "1"})
        assert resp.json() == {"path": "/json", "query": {"a": "1"}}
        resp = await client.post(f"{base}/echo", content=b"k" * 1024)
        assert resp.content == b"k" * 1024
        # One pooled connection served everything: the peer port never changes.
        ports = {(await client.get(f"{base}/peer")).text for _ in range(3)}
        assert len(ports) == 1


async def test_many_concurrent_clients_get_their_own_answers(port: int) -> None:
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(timeout=GUARD, limits=limits) as client:
        bodies = [f"body-{i}".encode() * (i + 1) for i in range(100)]
        resps = await asyncio.gather(
            *(client.post(f"http://127.0.0.1:{port}/echo", content=b) for b in bodies)
        )
    assert [r.content for r in resps] == bodies


async def test_httpx_streamed_chunked_upload(port: int) -> None:
    async def body() -> AsyncIterator[bytes]:
        for i in range(50):
            yield bytes([65 + i % 26]) * 1000

    async with httpx.AsyncClient(timeout=GUARD) as client:
        resp = await client.put(f"http://127.0.0.1:{port}/echo", content=body())
    assert resp.status_code == 200
    assert resp.headers["x-length"] == "50000"
    assert resp.content == b"".join(bytes([65 + i % 26]) * 1000 for i in range(50))


async def test_httpx_chunked_download(port: int) -> None:
    async with httpx.AsyncClient(timeout=GUARD) as client:
        resp = await client.get(f"http://127.0.0.1:{port}/stream")
    assert resp.headers["transfer-encoding"] == "chunked"
    assert resp.text == "part0;part1;part2;part3;part4;"


async def test_httpx_404_and_405(port: int) -> None:
    async with httpx.AsyncClient(timeout=GUARD) as client:
        resp = await client.get(f"http://127.0.0.1:{port}/nope")
        assert resp.status_code == 404
        resp = await client.delete(f"http://127.0.0.1:{port}/text")
        assert resp.status_code == 405
        assert "GET" in resp.headers["allow"]


def _expect_continue(port: int, body: bytes) -> tuple[bytes, int, bytes]:
    """Send headers with Expect: 100-continue, wait for the interim answer, then the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        sock.sendall(body)
        fileobj = sock.makefile("rb")
        resp = http.client.HTTPResponse(sock)
        resp.fp = fileobj
        resp.begin()
        return interim, resp.status, resp.read()


async def test_expect_100_continue(port: int) -> None:
    interim, status, body = await asyncio.to_thread(_expect_continue, port, b"late body")
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert status == 200
    assert body == b"late body"


async def test_unknown_expectation_is_417(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n"
    )
    data = await asyncio.wait_for(reader.read(), GUARD)
    assert data.startswith(b"HTTP/1.1 417 Expectation Failed\r\n")
    writer.close()


def _stdlib_requests(port: int) -> list[tuple[int, bytes]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    out = []
    try:
        for method, path, body in (
            ("GET", "/text", None),
            ("POST", "/echo", b"stdlib"),
            ("HEAD", "/text", None),
        ):
            conn.request(method, path, body=body)
            resp = conn.getresponse()
            out.append((resp.status, resp.read()))
    finally:
        conn.close()
    return out


async def test_http_client_keep_alive_and_head(port: int) -> None:
    results = await asyncio.to_thread(_stdlib_requests, port)
    assert results == [(200, b"Hello, World!"), (200, b"stdlib"), (200, b"")]


async def test_h11_sees_valid_framing(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    conn = h11.Connection(h11.CLIENT)
    for target in (b"/text", b"/stream", b"/json"):
        if conn.our_state is h11.DONE:
            conn.start_next_cycle()
        writer.write(
            conn.send(h11.Request(method="GET", target=target, headers=[("Host", "x")])) or b""
        )
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        body = b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await asyncio.wait_for(reader.read(65536), GUARD))
            elif isinstance(event, h11.Response):
                assert event.status_code == 200
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
        assert body
    writer.close()


CURL = shutil.which("curl") or "curl"


async def _curl(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        CURL, "-sS", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), GUARD)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_curl_get_and_post_with_expect(port: int) -> None:
    code, out, err = await _curl(f"http://127.0.0.1:{port}/json?x=y")
    assert code == 0, err
    assert json.loads(out) == {"path": "/json", "query": {"x": "y"}}
    # curl sends Expect: 100-continue when asked to and waits for the interim answer.
    code, out, err = await _curl(
        "-v",
        "-H",
        "Expect: 100-continue",
        "--data-binary",
        "curl body",
        f"http://127.0.0.1:{port}/echo",
    )
    assert code == 0, err
    assert out == "curl body"
    assert "HTTP/1.1 100 Continue" in err
