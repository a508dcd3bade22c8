"""httpx-aiohttp as its README shows: httpx's API, with our ClientSession as the transport."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


async def hello(request: web.Request) -> web.Response:
    return web.json_response(
        {"query": dict(request.query), "agent": request.headers.get("X-Agent")},
        headers={"X-Reply": "yes"},
    )


async def echo(request: web.Request) -> web.Response:
    return web.Response(body=await request.read(), content_type="application/octet-stream")


async def moved(request: web.Request) -> web.Response:
    raise web.HTTPFound("/hello?from=redirect")


async def stream(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    await resp.prepare(request)
    for i in range(50):
        await resp.write(b"%04d," % i)
    await resp.write_eof()
    return resp


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def body() -> AsyncIterator[bytes]:
    for _ in range(100):
        yield b"0123456789" * 100


async def main() -> None:
    app = web.Application()
    app.router.add_get("/hello", hello)
    app.router.add_post("/echo", echo)
    app.router.add_get("/moved", moved)
    app.router.add_get("/stream", stream)
    server = TestServer(app)
    await server.start_server()
    base = str(server.make_url("/"))
    try:
        async with asyncio.timeout(30):
            async with HttpxAiohttpClient(base_url=base) as client:
                resp = await client.get("/hello", params={"a": "1"}, headers={"X-Agent": "h"})
                assert resp.status_code == 200
                assert resp.headers["X-Reply"] == "yes"
                assert resp.json() == {"query": {"a": "1"}, "agent": "h"}

                resp = await client.post("/echo", content=b"raw bytes")
                assert resp.content == b"raw bytes"
                resp = await client.post("/echo", json={"k": [1, 2]})
                assert resp.json() == {"k": [1, 2]}
                resp = await client.post("/echo", content=body())  # streamed upload
                assert resp.content == b"0123456789" * 10000

                resp = await client.get("/moved")  # httpx decides about redirects
                assert resp.status_code == 302
                assert resp.headers["Location"] == "/hello?from=redirect"
                resp = await client.get("/moved", follow_redirects=True)
                assert resp.json()["query"] == {"from": "redirect"}

                async with client.stream("GET", "/stream") as streamed:
                    chunks = [chunk async for chunk in streamed.aiter_bytes()]
                assert b"".join(chunks) == b"".join(b"%04d," % i for i in range(50))

            # A transport over a session the caller made.
            async with aiohttp.ClientSession() as session:
                transport = AiohttpTransport(client=session)
                async with httpx.AsyncClient(transport=transport) as client:
                    resp = await client.get(f"{base}hello")
                    assert resp.json()["agent"] is None

                    # The plugin maps our ClientConnectorError to an httpx transport error
                    # (ConnectTimeout: its table tries ClientConnectionError first).
                    failure: httpx.TransportError | None = None
                    try:
                        await client.get(f"http://127.0.0.1:{refused_port()}/")
                    except httpx.TransportError as exc:
                        failure = exc
                    assert failure is not None
                    assert isinstance(failure.__cause__, aiohttp.ClientConnectorError)
    finally:
        await server.close()
    print("httpx-aiohttp ok")


if __name__ == "__main__":
    asyncio.run(main())
