"""ClientSession against an h11 server: a strict, independent HTTP/1.1 peer."""

from __future__ import annotations

import asyncio
import io
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import h11
from client_peers import RawServer
from yarl import URL

from aiohttp_client.client import ClientSession
from aiohttp_wire.multipart import MultipartWriter


async def _read_request(
    conn: h11.Connection, reader: asyncio.StreamReader
) -> tuple[h11.Request, bytes] | None:
    """The next whole request and its body, or None when the client closed."""
    request: h11.Request | None = None
    body = b""
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            conn.receive_data(data)
            if not data and conn.their_state is not h11.DONE:
                return None
            continue
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            assert request is not None
            return request, body
        elif isinstance(event, h11.ConnectionClosed):
            return None


def _h11_app(requests: list[tuple[h11.Request, bytes]]) -> object:
    """Echo the body back chunked (no Content-Length), with a trailer; keep-alive."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        while (received := await _read_request(conn, reader)) is not None:
            requests.append(received)
            body = received[1]
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


async def test_body_kinds_under_h11(raw_server: RawServer, tmp_path: Path) -> None:
    requests: list[tuple[h11.Request, bytes]] = []
    url: URL = await raw_server.start(_h11_app(requests))  # type: ignore[arg-type]
    file_path = tmp_path / "upload.bin"
    file_path.write_bytes(b"file contents " * 100)
    mp = MultipartWriter("mixed")
    mp.append("text part")
    mp.append_json({"j": 1})

    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url, data=b"z" * 1000, compress=True) as resp:
            await resp.read()
        async with session.post(url, data=io.BytesIO(b"from a file-like")) as resp:
            await resp.read()
        with file_path.open("rb") as f:
            async with session.put(url, data=f) as resp:
                await resp.read()
        async with session.post(url, data=mp) as resp:
            await resp.read()
        async with session.post(url, data=b"forced", chunked=True) as resp:
            await resp.read()
    (r0, b0), (_, b1), (r2, b2), (r3, b3), (r4, b4) = requests
    h0 = dict(r0.headers)
    assert h0[b"content-encoding"] == b"deflate"
    assert h0[b"transfer-encoding"] == b"chunked"
    assert zlib.decompress(b0) == b"z" * 1000
    assert b1 == b"from a file-like"
    assert b2 == file_path.read_bytes()
    assert dict(r2.headers)[b"content-length"] == str(len(b2)).encode()
    ctype = dict(r3.headers)[b"content-type"].decode()
    assert ctype.startswith("multipart/mixed; boundary=")
    assert b"text part" in b3
    assert b'{"j": 1}' in b3
    assert dict(r4.headers)[b"transfer-encoding"] == b"chunked"
    assert b4 == b"forced"
    assert raw_server.connections == 1


async def test_expect_continue_under_h11(raw_server: RawServer) -> None:
    got: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        body = b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Request):
                assert conn.they_are_waiting_for_100_continue
                writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
        got.append(body)
        out = conn.send(h11.Response(status_code=200, headers=[("Content-Length", "2")]))
        out += conn.send(h11.Data(data=b"ok")) + conn.send(h11.EndOfMessage())
        writer.write(out)
        await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url, data=b"after continue", expect100=True) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"
    assert got == [b"after continue"]


def _h11_redirecting_app(requests: list[tuple[h11.Request, bytes]]) -> object:
    """``/r307`` and ``/r308`` redirect (after reading the body) to ``/done``, which answers 200."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        while (received := await _read_request(conn, reader)) is not None:
            requests.append(received)
            request = received[0]
            if request.target.startswith(b"/r30"):
                status = int(request.target[2:5])
                head = h11.Response(
                    status_code=status, headers=[("Location", "/done"), ("Content-Length", "0")]
                )
                out = conn.send(head) + conn.send(h11.EndOfMessage())
            else:
                head = h11.Response(status_code=200, headers=[("Content-Length", "2")])
                out = conn.send(head) + conn.send(h11.Data(data=b"ok"))
                out += conn.send(h11.EndOfMessage())
            writer.write(out)
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    return handler


async def test_307_308_redirect_resends_a_file_body(raw_server: RawServer, tmp_path: Path) -> None:
    requests: list[tuple[h11.Request, bytes]] = []
    url: URL = await raw_server.start(_h11_redirecting_app(requests))  # type: ignore[arg-type]
    file_path = tmp_path / "upload.bin"
    content = bytes(range(256)) * 300
    file_path.write_bytes(content)

    async with asyncio.timeout(10), ClientSession() as session:
        for status in (307, 308):
            with file_path.open("rb") as f:
                async with session.put(url.with_path(f"/r{status}"), data=f) as resp:
                    assert resp.status == 200
                    assert await resp.read() == b"ok"
                    assert [r.status for r in resp.history] == [status]
        async with session.post(url.with_path("/r307"), data=io.BytesIO(b"in memory")) as resp:
            assert await resp.read() == b"ok"
    methods = [(r.method, r.target) for r, _ in requests]
    assert methods == [
        (b"PUT", b"/r307"),
        (b"PUT", b"/done"),
        (b"PUT", b"/r308"),
        (b"PUT", b"/done"),
        (b"POST", b"/r307"),
        (b"POST", b"/done"),
    ]
    assert [body for _, body in requests] == [content] * 4 + [b"in memory"] * 2
    for request, body in requests:
        assert dict(request.headers)[b"content-length"] == str(len(body)).encode()


async def test_301_302_keep_a_put_body_and_turn_a_post_into_a_bodiless_get(
    raw_server: RawServer, tmp_path: Path
) -> None:
    # RFC 9110 15.4.2/15.4.3: only POST may become GET on 301/302 (as aiohttp does).
    requests: list[tuple[h11.Request, bytes]] = []
    url: URL = await raw_server.start(_h11_redirecting_app(requests))  # type: ignore[arg-type]
    file_path = tmp_path / "upload.bin"
    file_path.write_bytes(b"file body " * 1000)

    async with asyncio.timeout(10), ClientSession() as session:
        for method, status in (("PUT", 301), ("PUT", 302), ("POST", 301), ("POST", 302)):
            with file_path.open("rb") as f:
                async with session.request(method, url / f"r{status}", data=f) as resp:
                    assert await resp.read() == b"ok"
    seen = [(r.method, r.target, body) for r, body in requests]
    body = file_path.read_bytes()
    assert seen == [
        (b"PUT", b"/r301", body),
        (b"PUT", b"/done", body),
        (b"PUT", b"/r302", body),
        (b"PUT", b"/done", body),
        (b"POST", b"/r301", body),
        (b"GET", b"/done", b""),
        (b"POST", b"/r302", body),
        (b"GET", b"/done", b""),
    ]
    get_headers = dict(requests[5][0].headers)
    assert b"content-type" not in get_headers


def _h11_early_answer_app(requests: list[tuple[int, bytes]]) -> object:
    """Answer ``200`` as soon as the head arrives, then read the rest of the body."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        port = writer.get_extra_info("peername")[1]
        while True:
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
                    out = conn.send(
                        h11.Response(status_code=200, headers=[("Content-Length", "0")])
                    )
                    writer.write(out + conn.send(h11.EndOfMessage()))
                    await writer.drain()
                elif isinstance(event, h11.Data):
                    body += event.data
                elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                    break
            requests.append((port, body))
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    return handler


async def test_a_connection_is_not_reused_while_the_body_is_still_going_out(
    raw_server: RawServer,
) -> None:
    # The response ended before the request body did: another request on the same
    # connection would land inside the chunked body.
    requests: list[tuple[int, bytes]] = []
    url: URL = await raw_server.start(_h11_early_answer_app(requests))  # type: ignore[arg-type]
    gate = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b"first part,"
        await gate.wait()
        yield b"second part"

    async with asyncio.timeout(10), ClientSession() as session:
        resp = await session.post(url / "upload", data=body())
        assert resp.status == 200
        async with session.get(url / "other") as other:
            assert other.status == 200
            assert await other.read() == b""
        gate.set()
        await resp.wait_for_close()
        async with session.get(url / "again") as again:
            assert await again.read() == b""
    assert len(requests) == 3
    by_body = {body: port for port, body in requests}
    assert set(by_body) == {b"first part,second part", b""}
    upload_port = by_body[b"first part,second part"]
    assert requests[0][0] != upload_port  # "other" could not borrow the busy connection
    assert raw_server.connections == 2  # the upload's connection went back to the pool
