"""Fixtures for the application-side tests: requests built without a network.

``make_request`` builds a ``web_request.Request`` from a real
``RawRequestMessage`` and a real ``StreamReader``; the response side writes
into ``RecordingWriter``, which records what a ``StreamWriter`` would send.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any
from unittest import mock

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_server.web_app import Application
from aiohttp_server.web_request import Request
from aiohttp_server.web_urldispatcher import UrlMappingMatchInfo
from aiohttp_wire.http_parser import RawRequestMessage
from aiohttp_wire.http_version import HttpVersion, HttpVersion11
from aiohttp_wire.streams import EMPTY_PAYLOAD, StreamReader


class RecordingWriter:
    """Stands in for ``StreamWriter``: records the head and the body bytes."""

    def __init__(self) -> None:
        self.status_line: str | None = None
        self.headers: CIMultiDict[str] | None = None
        self.chunks: list[bytes] = []
        self.chunked = False
        self.compression: str | None = None
        self.eof = False
        self.output_size = 0
        self.buffer_size = 0
        self.length: int | None = None
        self.transport = None

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        assert self.status_line is None, "headers written twice"
        self.status_line = status_line
        self.headers = CIMultiDict(headers)

    def send_headers(self) -> None:
        pass

    def enable_chunking(self) -> None:
        self.chunked = True

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        self.compression = encoding

    def _limit(self, chunk: bytes) -> bytes:
        """Cut to the remaining ``length``, as ``StreamWriter`` does."""
        if self.length is None:
            return chunk
        chunk = chunk[: self.length]
        self.length -= len(chunk)
        return chunk

    async def write(self, chunk: bytes, *, drain: bool = True) -> None:
        assert not self.eof
        chunk = self._limit(bytes(chunk))
        self.chunks.append(chunk)
        self.output_size += len(chunk)

    async def write_eof(self, chunk: bytes = b"") -> None:
        assert not self.eof, "write_eof called twice"
        chunk = self._limit(bytes(chunk))
        if chunk:
            self.chunks.append(chunk)
            self.output_size += len(chunk)
        self.eof = True

    async def drain(self) -> None:
        pass

    @property
    def body(self) -> bytes:
        """The body as handed to the writer (before the writer's own compression)."""
        return b"".join(self.chunks)


class FakeTransport:
    """A transport that only answers ``get_extra_info``."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        self.extra = extra or {"peername": ("127.0.0.1", 34567)}

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)

    def is_closing(self) -> bool:
        return False


RequestFactory = Callable[..., Request]


def _make_request(
    method: str,
    path: str,
    headers: Iterable[tuple[str, str]] | dict[str, str] | None = None,
    *,
    body: bytes | None = None,
    version: HttpVersion = HttpVersion11,
    closing: bool = False,
    app: Application | None = None,
    transport: Any = None,
    client_max_size: int = 1024**2,
    writer: RecordingWriter | None = None,
    match_info: UrlMappingMatchInfo | None = None,
) -> Request:
    loop = asyncio.get_running_loop()
    hdrs = CIMultiDictProxy(CIMultiDict(headers or {}))
    raw = tuple((k.encode(), v.encode()) for k, v in hdrs.items())
    message = RawRequestMessage(
        method, path, version, hdrs, raw, closing, None, False, False, URL(path)
    )
    protocol = mock.Mock()
    protocol.transport = FakeTransport() if transport is None else transport
    if body is None:
        payload: StreamReader = EMPTY_PAYLOAD
    else:
        payload = StreamReader(protocol, 2**16, loop=loop)
        if body:
            payload.feed_data(body)
        payload.feed_eof()
    writer = writer if writer is not None else RecordingWriter()
    req = Request(
        message,
        payload,
        protocol,
        writer,  # type: ignore[arg-type]
        mock.Mock(),
        loop,
        client_max_size=client_max_size,
    )
    if match_info is None:
        if app is None:
            app = Application()
            app.freeze()
        match_info = UrlMappingMatchInfo({}, mock.Mock())
        match_info.add_app(app)
    req._match_info = match_info
    return req


@pytest.fixture
def make_request() -> RequestFactory:
    """Build a routed ``Request`` (inside a running loop)."""
    return _make_request
