"""What hostile or oversized input produces, on the server and on the client."""

from __future__ import annotations

import asyncio
import gzip

import aiohttp
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.test_utils import TestServer


async def upload(request: web.Request) -> web.Response:
    body = await request.read()  # raises HTTPRequestEntityTooLarge over client_max_size
    return web.Response(text=str(len(body)))


async def huge_header(request: web.Request) -> web.Response:
    return web.Response(headers={"X-Huge": "a" * 10_000})


async def zip_bomb(request: web.Request) -> web.Response:
    # 40 MiB of zeros, a few kilobytes once compressed.
    body = gzip.compress(bytes(40 * 1024 * 1024))
    return web.Response(body=body, headers={"Content-Encoding": "gzip"})


async def small_ws(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=1024)  # 4 MiB by default; 0 disables
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.ERROR:
            # msg.data is the WebSocketError (code 1009); the close frame is already sent.
            request.app.logger.info("websocket error: %s", msg.data)
    return ws


async def big_ws(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.send_bytes(bytes(5000))
    async for _msg in ws:
        pass
    return ws


async def raw_status(port: int, head: bytes) -> bytes:
    """Send a hand-written request head and return the status code."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    status = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return status.split()[1]


async def main() -> list[object]:
    app = web.Application()  # client_max_size=1024**2 by default
    app.router.add_post("/upload", upload)
    app.router.add_get("/huge-header", huge_header)
    app.router.add_get("/bomb", zip_bomb)
    app.router.add_get("/ws", small_ws)
    app.router.add_get("/big-ws", big_ws)
    async with TestServer(app) as server:
        results: list[object] = []
        # Server side: a header line over max_field_size (8190), or more than
        # max_headers (128) headers, is answered with 431 and the connection closed.
        long_line = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
        results.append(await raw_status(server.port, long_line))
        many = b"".join(b"X-%d: 1\r\n" % i for i in range(200))
        results.append(
            await raw_status(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        )

        async with aiohttp.ClientSession() as session:
            # A body over client_max_size: 413 from request.read()/post()/json().
            async with session.post(server.make_url("/upload"), data=bytes(2_000_000)) as resp:
                results.append(resp.status)

            # Client side: the same header limits apply to responses.
            try:
                await session.get(server.make_url("/huge-header"))
            except aiohttp.ClientResponseError as exc:
                results.append(("header", exc.status))

            # Decompression stops at 32 MiB instead of filling memory.
            async with session.get(server.make_url("/bomb")) as resp:
                try:
                    await resp.read()
                except aiohttp.ClientPayloadError:
                    results.append("decompressed body too large")

            # A WebSocket message over max_msg_size closes the connection with 1009.
            async with session.ws_connect(server.make_url("/ws")) as ws:
                await ws.send_str("x" * 2000)
                msg = await ws.receive()
                results.append((msg.type, ws.close_code == WSCloseCode.MESSAGE_TOO_BIG))
            # The client has the same bound: the oversized message becomes an ERROR.
            async with session.ws_connect(server.make_url("/big-ws"), max_msg_size=1000) as ws:
                msg = await ws.receive()
                assert isinstance(msg.data, aiohttp.WebSocketError)
                results.append((msg.type, msg.data.code))

        # Limits are per session (and per server runner): raise them knowingly.
        async with aiohttp.ClientSession(max_field_size=16_384) as session:
            async with session.get(server.make_url("/huge-header")) as resp:
                results.append(("header", resp.status))
    assert results == [
        b"431",
        b"431",
        413,
        ("header", 400),
        "decompressed body too large",
        (WSMsgType.CLOSE, True),
        (WSMsgType.ERROR, WSCloseCode.MESSAGE_TOO_BIG),
        ("header", 200),
    ]
    return results


if __name__ == "__main__":
    print(asyncio.run(main()))
