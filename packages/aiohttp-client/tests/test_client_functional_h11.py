"""ClientSession against an h11 server: a strict, independent HTTP/1.1 peer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import h11
from client_peers import RawServer
from yarl import URL

from aiohttp_client.client import ClientSession


def _h11_app(requests: list[tuple[h11.Request, bytes]]) -> object:
    """Echo the body back chunked (no Content-Length), with a trailer; keep-alive."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        while True:
            request: h11.Request | None = None
            body = b""
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    data = await reader.read(65536)
                    conn.receive_data(data)
                    if not data and conn.their_state is not h11.DONE:
                        return
                    continue
                if isinstance(event, h11.Request):
                    request = event
                elif isinstance(event, h11.Data):
                    body += event.data
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    return
            assert request is not None
            requests.append((request, body))
            out = conn.send(h11.Response(status_code=200, headers=[("Content-Type", "text/plain")]))
            out += conn.send(h11.Data(data=body[: len(body) // 2]))
            out += conn.send(h11.Data(data=body[len(body) // 2 :]))
            out += conn.send(h11.EndOfMessage(headers=[("X-Trailer", "done")]))
            writer.write(out)
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    return handler


async def test_requests_parse_under_h11_and_chunked_replies_read(raw_server: RawServer) -> None:
    requests: list[tuple[h11.Request, bytes]] = []
    url: URL = await raw_server.start(_h11_app(requests))  # type: ignore[arg-type]

    async def gen() -> AsyncIterator[bytes]:
        for part in (b"streamed ", b"in ", b"parts"):
            yield part

    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url.with_path("/a"), data=b"fixed length") as resp:
            assert resp.headers["Transfer-Encoding"] == "chunked"
            assert await resp.read() == b"fixed length"
        async with session.post(url.with_path("/b"), data=gen()) as resp:
            assert await resp.read() == b"streamed in parts"
        async with session.get(url.with_path("/c"), params={"k": "v"}) as resp:
            assert await resp.read() == b""
    assert raw_server.connections == 1
    assert [r.target for r, _ in requests] == [b"/a", b"/b", b"/c?k=v"]
    assert [body for _, body in requests] == [b"fixed length", b"streamed in parts", b""]
    first = dict(requests[0][0].headers)
    assert first[b"content-length"] == b"12"
    assert first[b"host"] == f"127.0.0.1:{url.port}".encode()
