"""serialize_headers and StreamWriter over real sockets, read back by h11 and raw sockets."""

from __future__ import annotations

import asyncio
import gzip
import http.server
import socket
import zlib
from collections.abc import AsyncIterator
from typing import Any

import h11
import pytest
from multidict import CIMultiDict

from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.http_writer import RESPONSES, StreamWriter, serialize_headers


class Pair:
    """A StreamWriter over one end of a socket pair; the raw peer socket on the other end."""

    def __init__(
        self, transport: asyncio.Transport, protocol: BaseProtocol, peer: socket.socket
    ) -> None:
        self.transport = transport
        self.protocol = protocol
        self.peer = peer
        self.writes: list[bytes] = []
        original = transport.write

        def write(data: Any) -> None:
            self.writes.append(bytes(data))
            original(data)

        transport.write = write  # type: ignore[method-assign]

    def writer(self, **kwargs: Any) -> StreamWriter:
        return StreamWriter(self.protocol, asyncio.get_running_loop(), **kwargs)

    async def read_all(self) -> bytes:
        """Close our side and read everything the peer received."""
        self.transport.close()
        loop = asyncio.get_running_loop()
        parts = []

        async def read() -> None:
            while data := await loop.sock_recv(self.peer, 1 << 20):
                parts.append(data)

        await asyncio.wait_for(read(), 5)
        return b"".join(parts)


@pytest.fixture
async def pair() -> AsyncIterator[Pair]:
    loop = asyncio.get_running_loop()
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    transport, protocol = await loop.create_connection(lambda: BaseProtocol(loop), sock=ours)
    yield Pair(transport, protocol, peer)
    transport.close()
    peer.close()


def parse_response(data: bytes, method: str = "GET") -> tuple[h11.Response, bytes, bool]:
    """Parse a response with h11: (head, body, whether the message ended cleanly)."""
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    conn.receive_data(b"")
    head: h11.Response | None = None
    body = b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Response):
            head = event
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            assert head is not None
            return head, body, True
        else:
            assert head is not None
            return head, body, False


# -- serialize_headers -------------------------------------------------------------------


def test_responses_table_matches_the_standard_librarys() -> None:
    """``RESPONSES`` is what ``http.server`` offers: code -> (phrase, description)."""
    expected = http.server.BaseHTTPRequestHandler.responses
    assert expected == RESPONSES
    assert RESPONSES[404] == ("Not Found", "Nothing matches the given URI")
    assert RESPONSES[418][0] == "I'm a Teapot"


def test_serialize_headers() -> None:
    headers = CIMultiDict([("Content-Type", "text/plain"), ("Set-Cookie", "a=1")])
    headers.add("Set-Cookie", "b=2")
    assert serialize_headers("HTTP/1.1 200 OK", headers) == (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
    )
    assert serialize_headers("HTTP/1.1 204 No Content", {}) == b"HTTP/1.1 204 No Content\r\n\r\n"
    assert serialize_headers("HTTP/1.1 200 OK", {"X-Name": "Zoë"}).endswith(
        "X-Name: Zoë\r\n\r\n".encode()
    )


@pytest.mark.parametrize(
    ("status_line", "headers"),
    [
        ("HTTP/1.1 200 OK", {"X-Evil": "a\r\nSet-Cookie: x=1"}),
        ("HTTP/1.1 200 OK", {"X-Evil": "a\nb"}),
        ("HTTP/1.1 200 OK", {"X-Evil": "a\rb"}),
        ("HTTP/1.1 200 OK", {"X-Evil": "a\0b"}),
        ("HTTP/1.1 200 OK", {"X-Evil\r\nInjected": "v"}),
        ("HTTP/1.1 200 OK", {"X\0": "v"}),
        ("HTTP/1.1 200 OK\r\nX-Injected: 1", {}),
        ("HTTP/1.1 200 OK", {"A": "ok", "B": "\r"}),
    ],
)
def test_serialize_headers_rejects_splitting(status_line: str, headers: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="potential security issue"):
        serialize_headers(status_line, headers)


# -- StreamWriter ------------------------------------------------------------------------


async def test_is_an_abstract_stream_writer(pair: Pair) -> None:
    writer = pair.writer()
    assert isinstance(writer, AbstractStreamWriter)
    assert writer.transport is pair.transport
    assert writer.protocol is pair.protocol
    assert writer.length is None
    assert writer.buffer_size == 0 and writer.output_size == 0


async def test_head_and_small_body_leave_in_one_write(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "5"}))
    assert pair.writes == []
    await writer.write(b"hello")
    await writer.write_eof()
    assert len(pair.writes) == 1
    data = await pair.read_all()
    head, body, complete = parse_response(data)
    assert head.status_code == 200
    assert body == b"hello" and complete
    assert writer.output_size == len(data)


async def test_head_alone_is_written_by_write_eof(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 204 No Content", CIMultiDict())
    await writer.write(b"")  # nothing to write yet: the head stays buffered
    assert pair.writes == []
    await writer.write_eof()
    await writer.write_eof()  # a second call does nothing
    assert pair.writes == [b"HTTP/1.1 204 No Content\r\n\r\n"]


async def test_send_headers_flushes_the_head_now(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "2"}))
    writer.send_headers()
    assert len(pair.writes) == 1
    writer.send_headers()  # nothing left to send
    await writer.write_eof(b"ok")
    assert pair.writes[1] == b"ok"
    head, body, complete = parse_response(await pair.read_all())
    assert (head.status_code, body, complete) == (200, b"ok", True)


async def test_large_body_with_head(pair: Pair) -> None:
    writer = pair.writer()
    body = bytes(range(256)) * 1024
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": str(len(body))}))
    await writer.write_eof(body)
    _, received, complete = parse_response(await pair.read_all())
    assert received == body and complete


async def test_chunked_framing(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_chunking()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Transfer-Encoding": "chunked"}))
    await writer.write(b"first ")
    await writer.write(bytearray(b"second "))
    await writer.write(memoryview(b"third "))
    await writer.write(b"")
    await writer.write_eof(b"last")
    data = await pair.read_all()
    assert data.endswith(b"4\r\nlast\r\n0\r\n\r\n")
    _, body, complete = parse_response(data)
    assert body == b"first second third last" and complete


async def test_chunked_large_chunks_are_not_joined(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_chunking()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Transfer-Encoding": "chunked"}))
    big = bytes(range(256)) * 400
    await writer.write(big)
    await writer.write_eof(big)
    data = await pair.read_all()
    assert f"\r\n\r\n{len(big):x}\r\n".encode() in data
    _, body, complete = parse_response(data)
    assert body == big + big and complete
    assert writer.output_size == len(data)


async def test_chunked_empty_body(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_chunking()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Transfer-Encoding": "chunked"}))
    await writer.write_eof()
    data = await pair.read_all()
    assert data.endswith(b"\r\n\r\n0\r\n\r\n")
    _, body, complete = parse_response(data)
    assert body == b"" and complete


@pytest.mark.parametrize(
    ("encoding", "decode"), [("gzip", gzip.decompress), ("deflate", zlib.decompress)]
)
async def test_compressed_chunked_body(pair: Pair, encoding: str, decode: Any) -> None:
    writer = pair.writer()
    writer.enable_chunking()
    writer.enable_compression(encoding)
    writer.write_headers(
        "HTTP/1.1 200 OK",
        CIMultiDict({"Transfer-Encoding": "chunked", "Content-Encoding": encoding}),
    )
    payload = b"compress me " * 10000
    await writer.write(payload[:50000])
    await writer.write_eof(payload[50000:])
    _, body, complete = parse_response(await pair.read_all())
    assert complete
    assert len(body) < len(payload) // 10
    assert decode(body) == payload


async def test_compression_without_chunking_until_close(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_compression("deflate", zlib.Z_HUFFMAN_ONLY)
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Connection": "close"}))
    await writer.write_eof(b"abc" * 100)
    _, body, _ = parse_response(await pair.read_all())
    assert zlib.decompress(body) == b"abc" * 100


async def test_length_truncates_the_body(pair: Pair) -> None:
    writer = pair.writer()
    writer.length = 5
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Content-Length": "5"}))
    await writer.write(b"abc")
    await writer.write(b"defgh")
    await writer.write(b"ignored")
    await writer.write_eof(b"also ignored")
    assert writer.length == 0
    _, body, complete = parse_response(await pair.read_all())
    assert body == b"abcde" and complete


async def test_set_eof_makes_write_eof_a_no_op(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    writer.set_eof()
    await writer.write_eof(b"never")
    assert pair.writes == []


async def test_callbacks(pair: Pair) -> None:
    events: list[Any] = []

    async def on_chunk_sent(chunk: bytes) -> None:
        events.append(("chunk", chunk))

    async def on_headers_sent(status_line: str, headers: Any) -> None:
        events.append(("headers", status_line, headers["X-Test"]))

    writer = pair.writer(on_chunk_sent=on_chunk_sent, on_headers_sent=on_headers_sent)
    writer.write_headers("POST / HTTP/1.1", CIMultiDict({"X-Test": "1", "Content-Length": "4"}))
    await writer.write(b"ab")
    await writer.write_eof(b"cd")
    assert events == [("chunk", b"ab"), ("headers", "POST / HTTP/1.1", "1"), ("chunk", b"cd")]


async def test_request_read_by_h11_server(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_chunking()
    writer.write_headers(
        "POST /upload?x=1 HTTP/1.1",
        CIMultiDict({"Host": "example.com", "Transfer-Encoding": "chunked"}),
    )
    for part in (b"one", b"two", b"three"):
        await writer.write(part)
    await writer.write_eof()
    server = h11.Connection(h11.SERVER)
    server.receive_data(await pair.read_all())
    request = server.next_event()
    assert isinstance(request, h11.Request)
    assert (request.method, request.target) == (b"POST", b"/upload?x=1")
    body = b""
    while isinstance(event := server.next_event(), h11.Data):
        body += event.data
    assert isinstance(event, h11.EndOfMessage)
    assert body == b"onetwothree"


async def test_write_to_closing_transport_raises(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    pair.transport.close()
    with pytest.raises(ConnectionResetError, match="Cannot write to closing transport"):
        await writer.write(b"data")
    writer = pair.writer()
    with pytest.raises(ConnectionResetError, match="Cannot write to closing transport"):
        await writer.write_eof(b"data")


async def test_write_without_transport_raises(pair: Pair) -> None:
    writer = pair.writer()
    pair.protocol.connection_lost(None)
    with pytest.raises(ConnectionResetError, match="Cannot write to closing transport"):
        await writer.write(b"x")
    await writer.drain()  # nothing to wait for once the connection is gone


async def test_write_waits_while_the_peer_does_not_read(pair: Pair) -> None:
    pair.transport.set_write_buffer_limits(high=1, low=0)
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Connection": "close"}))
    block = b"z" * 65536
    sent = 0
    started = asyncio.Event()

    async def produce() -> None:
        nonlocal sent
        for _ in range(64):
            started.set()
            await writer.write(block)
            sent += len(block)
        await writer.write_eof()

    task = asyncio.ensure_future(produce())
    await started.wait()
    # The first write fills the transport buffer: the producer now waits for the peer.
    assert pair.protocol.writing_paused
    assert not task.done()
    loop = asyncio.get_running_loop()
    received = 0

    async def consume() -> None:
        nonlocal received
        while not task.done() or received < writer.output_size:
            data = await loop.sock_recv(pair.peer, 1 << 20)
            if not data:
                break
            received += len(data)

    await asyncio.wait_for(asyncio.gather(task, consume()), 10)
    assert sent == 64 * 65536
    assert received == writer.output_size


async def test_drain_while_paused_fails_when_the_connection_drops(pair: Pair) -> None:
    pair.transport.set_write_buffer_limits(high=1, low=0)
    writer = pair.writer()
    started = asyncio.Event()

    async def produce() -> None:
        started.set()
        await writer.write(b"y" * 1_000_000)

    task = asyncio.ensure_future(produce())
    await started.wait()
    assert pair.protocol.writing_paused
    pair.protocol.connection_lost(None)
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(task, 5)


async def test_compression_flag_true_means_deflate(pair: Pair) -> None:
    writer = pair.writer()
    writer.enable_compression(True)  # type: ignore[arg-type]
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Connection": "close"}))
    await writer.write(b"tiny")  # the zlib header leaves with the head
    written = len(pair.writes)
    await writer.write(b"more")  # the compressor keeps small input: nothing to write
    assert len(pair.writes) == written
    await writer.write_eof()
    _, body, _ = parse_response(await pair.read_all())
    assert zlib.decompress(body) == b"tinymore"


async def test_large_write_to_closing_transport_raises(pair: Pair) -> None:
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    pair.transport.close()
    with pytest.raises(ConnectionResetError, match="Cannot write to closing transport"):
        await writer.write(b"x" * 100_000)


async def test_headers_callback_when_write_eof_comes_first(pair: Pair) -> None:
    events: list[str] = []

    async def on_headers_sent(status_line: str, headers: Any) -> None:
        events.append(status_line)

    writer = pair.writer(on_headers_sent=on_headers_sent)
    writer.write_headers("GET / HTTP/1.1", CIMultiDict({"Host": "x"}))
    await writer.write_eof()
    assert events == ["GET / HTTP/1.1"]


async def test_write_eof_waits_for_the_peer_when_paused(pair: Pair) -> None:
    pair.transport.set_write_buffer_limits(high=1, low=0)
    writer = pair.writer()
    writer.write_headers("HTTP/1.1 200 OK", CIMultiDict({"Connection": "close"}))
    body = b"w" * 2_000_000
    started = asyncio.Event()

    async def finish() -> None:
        started.set()
        await writer.write_eof(body)

    task = asyncio.ensure_future(finish())
    await started.wait()
    assert pair.protocol.writing_paused
    assert not task.done()
    loop = asyncio.get_running_loop()

    async def consume() -> int:
        received = 0
        while received < writer.output_size:
            data = await loop.sock_recv(pair.peer, 1 << 20)
            assert data
            received += len(data)
        return received

    received, _ = await asyncio.wait_for(asyncio.gather(consume(), task), 10)
    assert received == writer.output_size
