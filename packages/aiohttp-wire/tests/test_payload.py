"""Tests for aiohttp_wire.payload, including bodies sent over loopback to an h11 server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import socket
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import h11
import pytest
from multidict import CIMultiDict

from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.http_writer import StreamWriter
from aiohttp_wire.payload import (
    PAYLOAD_REGISTRY,
    AsyncIterablePayload,
    BufferedReaderPayload,
    BytesIOPayload,
    BytesPayload,
    IOBasePayload,
    JsonPayload,
    LookupError,
    Order,
    Payload,
    PayloadRegistry,
    StreamReaderPayload,
    StringIOPayload,
    StringPayload,
    TextIOPayload,
    get_payload,
    payload_type,
)
from aiohttp_wire.streams import StreamReader


class _Sink(AbstractStreamWriter):
    """Collects written chunks in memory."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.chunks.append(bytes(chunk))

    async def write_eof(self, chunk: bytes = b"") -> None:
        self.chunks.append(chunk)

    async def drain(self) -> None:
        pass

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        pass

    def enable_chunking(self) -> None:
        pass

    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        pass

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


class _H11Server:
    """A one-request HTTP/1.1 server (h11 on a blocking socket in a thread)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(5)
        self.port = self._sock.getsockname()[1]
        self.result: concurrent.futures.Future[tuple[h11.Request, bytes]] = (
            concurrent.futures.Future()
        )
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            conn, _ = self._sock.accept()
            with conn:
                conn.settimeout(5)
                h = h11.Connection(h11.SERVER)
                body = bytearray()
                request: h11.Request | None = None
                while True:
                    event = h.next_event()
                    if event is h11.NEED_DATA:
                        h.receive_data(conn.recv(65536))
                    elif isinstance(event, h11.Request):
                        request = event
                    elif isinstance(event, h11.Data):
                        body += event.data
                    elif isinstance(event, h11.EndOfMessage):
                        break
                conn.sendall(
                    h.send(h11.Response(status_code=204, headers=[])) + h.send(h11.EndOfMessage())
                )
            assert request is not None
            self.result.set_result((request, bytes(body)))
        except BaseException as exc:
            self.result.set_exception(exc)
        finally:
            self._sock.close()


async def send_over_loopback(payload: Payload) -> tuple[h11.Request, bytes]:
    """POST ``payload`` with our StreamWriter to an h11 server; return what it received."""
    server = _H11Server()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_connection(
        lambda: BaseProtocol(loop), "127.0.0.1", server.port
    )
    try:
        writer = StreamWriter(protocol, loop)
        headers = {"Host": "localhost", "Content-Type": payload.content_type}
        headers.update({k: v for k, v in payload.headers.items() if k != "Content-Type"})
        if payload.size is None:
            writer.enable_chunking()
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers["Content-Length"] = str(payload.size)
        writer.write_headers("POST /upload HTTP/1.1", headers)
        await payload.write(writer)
        await writer.write_eof()
        return await asyncio.wait_for(asyncio.wrap_future(server.result), 5)
    finally:
        transport.close()


async def written(payload: Payload) -> bytes:
    sink = _Sink()
    await payload.write(sink)
    return sink.data


# registry


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        (b"x", BytesPayload),
        (bytearray(b"x"), BytesPayload),
        (memoryview(b"x"), BytesPayload),
        ("x", StringPayload),
        (io.StringIO("x"), StringIOPayload),
        (io.BytesIO(b"x"), BytesIOPayload),
    ],
)
def test_registry_picks_class(value: Any, cls: type[Payload]) -> None:
    assert type(get_payload(value)) is cls


def test_registry_unknown_type() -> None:
    with pytest.raises(LookupError):
        get_payload(object())
    with pytest.raises(LookupError):
        PAYLOAD_REGISTRY.get(12)


def test_registry_returns_payload_itself() -> None:
    p = BytesPayload(b"x")
    assert get_payload(p) is p


def test_registry_order() -> None:
    reg = PayloadRegistry()

    class First(BytesPayload):
        pass

    class Last(BytesPayload):
        pass

    reg.register(Last, object, order=Order.try_last)
    reg.register(BytesPayload, bytes)
    assert type(reg.get(b"x")) is BytesPayload
    assert type(reg.get(bytearray(b"x"))) is Last
    reg.register(First, bytes, order=Order.try_first)
    assert type(reg.get(b"x")) is First
    with pytest.raises(ValueError):
        reg.register(BytesPayload, bytes, order="sideways")  # type: ignore[arg-type]


def test_registry_isinstance_fallback_for_subclasses() -> None:
    class MyBytes(bytes):
        pass

    assert type(get_payload(MyBytes(b"x"))) is BytesPayload


def test_payload_type_decorator() -> None:
    class Marker:
        pass

    @payload_type(Marker)
    class MarkerPayload(BytesPayload):
        def __init__(self, value: Marker, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"marker", *args, **kwargs)

    assert isinstance(get_payload(Marker()), MarkerPayload)


def test_payload_type_is_a_decorator_class_with_its_arguments() -> None:
    class Early:
        pass

    decorator = payload_type(Early, order=Order.try_first)
    assert isinstance(decorator, payload_type)
    assert (decorator.type, decorator.order) == (Early, Order.try_first)

    class EarlyPayload(BytesPayload):
        def __init__(self, value: Early, *args: Any, **kwargs: Any) -> None:
            super().__init__(b"early", *args, **kwargs)

    assert decorator(EarlyPayload) is EarlyPayload
    assert isinstance(get_payload(Early()), EarlyPayload)


# bytes / str / json


async def test_bytes_payload() -> None:
    p = BytesPayload(b"hello", headers={"X-A": "1"})
    assert p.size == 5
    assert p.content_type == "application/octet-stream"
    assert p.headers["X-A"] == "1"
    assert p.encoding is None and p.filename is None
    assert p.decode() == "hello"
    assert await p.as_bytes() == b"hello"
    assert await written(p) == b"hello"
    assert BytesPayload(memoryview(b"abcd")[1:]).size == 3
    with pytest.raises(TypeError):
        BytesPayload("text")  # type: ignore[arg-type]


def test_content_type_resolution() -> None:
    assert BytesPayload(b"", filename="a.json").content_type == "application/json"
    assert BytesPayload(b"", filename="noext").content_type == "application/octet-stream"
    assert BytesPayload(b"", content_type="x/y", filename="a.json").content_type == "x/y"
    assert BytesPayload(b"", headers={"Content-Type": "a/b"}).content_type == "a/b"
    with pytest.raises(TypeError):
        BytesPayload(b"", content_type=5)


def test_binary_headers() -> None:
    p = BytesPayload(b"", content_type="text/x")
    p.set_content_disposition("form-data", name="f", filename="ф.txt")
    assert (
        p._binary_headers
        == (
            'Content-Type: text/x\r\nContent-Disposition: form-data; name="f"; '
            'filename="ф.txt"\r\n\r\n'
        ).encode()
    )


@pytest.mark.parametrize(
    ("kwargs", "encoded", "ctype"),
    [
        ({}, "é".encode(), "text/plain; charset=utf-8"),
        ({"encoding": "latin-1"}, "é".encode("latin-1"), "text/plain; charset=latin-1"),
        ({"content_type": "text/html; charset=cp1252"}, "é".encode("cp1252"), None),
        ({"content_type": "text/html"}, "é".encode(), "text/html"),
        ({"encoding": "utf-16", "content_type": "text/x"}, "é".encode("utf-16"), "text/x"),
    ],
)
async def test_string_payload(kwargs: dict[str, str], encoded: bytes, ctype: str | None) -> None:
    p = StringPayload("é", **kwargs)
    assert await p.as_bytes() == encoded
    assert p.size == len(encoded)
    assert p.content_type == (ctype or kwargs["content_type"])


async def test_string_io_payload() -> None:
    buf = io.StringIO("skip-me")
    buf.seek(5)
    p = get_payload(buf)
    assert await p.as_bytes() == b"me"


async def test_json_payload() -> None:
    p = JsonPayload({"a": [1, "ü"]})
    assert p.content_type == "application/json"
    assert json.loads(await p.as_bytes()) == {"a": [1, "ü"]}
    custom = JsonPayload([1], dumps=lambda v: "CUSTOM", content_type="application/x+json")
    assert await custom.as_bytes() == b"CUSTOM"
    assert custom.content_type == "application/x+json"


async def test_write_with_length() -> None:
    sink = _Sink()
    await BytesPayload(b"0123456789").write_with_length(sink, 4)
    assert sink.data == b"0123"
    sink = _Sink()
    await BytesPayload(b"0123").write_with_length(sink, None)
    assert sink.data == b"0123"
    sink = _Sink()
    await BytesIOPayload(io.BytesIO(b"x" * 200_000)).write_with_length(sink, 70_000)
    assert len(sink.data) == 70_000


# files


async def test_buffered_reader_payload(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"file-content" * 10_000)
    with path.open("rb") as f:
        p = get_payload(f)
        assert isinstance(p, BufferedReaderPayload)
        assert p.size == 120_000
        assert p.filename == "data.txt"
        assert p.content_type == "text/plain"
        assert p.headers["Content-Disposition"] == 'attachment; filename="data.txt"'
        first = await written(p)
        # A second write (a redirect, a retry) sends the same bytes again.
        assert await written(p) == first == path.read_bytes()
        assert await p.as_bytes() == first
        assert p.decode("ascii").startswith("file-content")


async def test_io_payload_from_position_and_close(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"0123456789")
    f = path.open("rb")
    f.seek(4)
    p = get_payload(f, filename="other.png", disposition="inline")
    assert p.size == 6
    assert p.content_type == "image/png"
    assert p.headers["Content-Disposition"] == 'inline; filename="other.png"'
    assert await written(p) == b"456789"
    await p.close()
    assert f.closed


async def test_text_io_payload(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("привет", encoding="utf-8")
    with path.open(encoding="utf-8") as f:
        p = get_payload(f, encoding="cp1251")
        assert isinstance(p, TextIOPayload)
        assert p.size is None
        assert p.content_type == "text/plain; charset=cp1251"
        assert await written(p) == "привет".encode("cp1251")
        assert p.decode() == "привет"


async def test_bytes_io_payload() -> None:
    buf = io.BytesIO(b"abcdef")
    buf.seek(2)
    p = get_payload(buf)
    assert isinstance(p, BytesIOPayload)
    assert p.size == 4
    assert await written(p) == b"cdef"
    assert await p.as_bytes() == b"cdef"


async def test_unseekable_io_payload() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._data = [b"ab", b"cd"]

        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            if not self._data:
                return 0
            chunk = self._data.pop(0)
            b[: len(chunk)] = chunk
            return len(chunk)

    p = get_payload(Pipe())
    assert type(p) is IOBasePayload
    assert p.size is None
    assert await written(p) == b"abcd"


# async iterables and streams


async def test_async_iterable_payload_is_one_shot() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"a"
        yield b"bc"

    p = get_payload(gen())
    assert isinstance(p, AsyncIterablePayload)
    assert p.size is None
    assert not p.consumed
    assert await written(p) == b"abc"
    assert p.consumed
    assert await written(p) == b""
    with pytest.raises(TypeError):
        p.decode()
    with pytest.raises(TypeError):
        AsyncIterablePayload([b"x"])


async def test_async_iterable_close() -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"never"

    p = AsyncIterablePayload(gen())
    await p.close()
    assert p.consumed
    assert await written(p) == b""


class _Proto:
    connected = True
    _reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self) -> None:
        self._reading_paused = False


async def test_stream_reader_payload() -> None:
    stream = StreamReader(_Proto(), 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    stream.feed_data(b"part1-")
    stream.feed_data(b"part2")
    stream.feed_eof()
    p = get_payload(stream)
    assert isinstance(p, StreamReaderPayload)
    assert await p.as_bytes() == b"part1-part2"


# over the wire


async def test_sized_payload_over_loopback() -> None:
    request, body = await send_over_loopback(StringPayload("héllo wörld" * 1000))
    assert body == ("héllo wörld" * 1000).encode()
    assert (b"content-type", b"text/plain; charset=utf-8") in request.headers


async def test_file_payload_over_loopback(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 4096
    path.write_bytes(data)
    with path.open("rb") as f:
        request, body = await send_over_loopback(get_payload(f))
    assert body == data
    assert (b"content-length", str(len(data)).encode()) in request.headers


async def test_streamed_payload_over_loopback() -> None:
    async def gen() -> AsyncIterator[bytes]:
        for i in range(50):
            yield str(i).encode() * 1000

    request, body = await send_over_loopback(AsyncIterablePayload(gen()))
    assert body == b"".join(str(i).encode() * 1000 for i in range(50))
    assert (b"transfer-encoding", b"chunked") in request.headers
