"""Servers we did not write, for the client to talk to.

* ``raw_server``: an asyncio socket server running a test-supplied handler,
  for malformed and edge-case responses byte by byte.
* ``stdlib_server``: ``http.server.ThreadingHTTPServer`` in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from yarl import URL

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawRequest:
    """One request head (and body, when framed by Content-Length) as the raw server saw it."""

    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.target, self.version = lines[0].split(" ", 2)
        self.headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                self.headers.append((name.strip(), value.strip()))
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive)."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name: str) -> list[str]:
        """Every value of header ``name``."""
        return [v for k, v in self.headers if k.lower() == name.lower()]


async def read_request(reader: asyncio.StreamReader) -> RawRequest:
    """Read one request: its head, then a Content-Length or chunked body."""
    head = await reader.readuntil(b"\r\n\r\n")
    req = RawRequest(head[:-4], b"")
    length = req.header("content-length")
    if length is not None:
        req.body = await reader.readexactly(int(length))
    elif (req.header("transfer-encoding") or "").lower() == "chunked":
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        req.body = bytes(body)
    return req


class RawServer:
    """Runs a handler per connection; counts connections."""

    def __init__(self) -> None:
        self.servers: list[asyncio.AbstractServer] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self, handler: RawHandler) -> URL:
        """Serve ``handler`` on a fresh loopback port; return the base URL."""

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self.writers.append(writer)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(wrapped, "127.0.0.1", 0)
        self.servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return URL(f"http://127.0.0.1:{port}")

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for server in self.servers:
            server.close()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await server.wait_closed()


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    """A raw asyncio server; ``await raw_server.start(handler)`` returns its URL."""
    server = RawServer()
    yield server
    await server.close()


def respond(status: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    """Serialise a response the simple way, for raw handlers."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Handler(BaseHTTPRequestHandler):
    """Routes for the stdlib server; each answers with a Content-Length body."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is not None:
            return self.rfile.read(int(length))
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        body = self._read_body()
        if path == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "query": dict(parse_qsl(parts.query)),
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("latin-1"),
            }
            self._send(200, json.dumps(payload).encode(), [("Content-Type", "application/json")])
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, b"status body", [("Content-Type", "text/plain")])
        elif path.startswith("/redirect/"):
            # /redirect/<code>/<n>: n more redirects, then /echo.
            _, _, code, remaining = path.split("/")
            left = int(remaining)
            target = "/echo" if left <= 1 else f"/redirect/{code}/{left - 1}"
            self._send(int(code), b"", [("Location", target)])
        elif path == "/set-cookie":
            self._send(
                200,
                b"ok",
                [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")],
            )
        elif path == "/text":
            query = dict(parse_qsl(parts.query))
            text = query.get("text", "h\u00e9llo")
            charset = query.get("charset", "utf-8")
            ctype = query.get("ctype", f"text/plain; charset={charset}")
            self._send(200, text.encode(charset), [("Content-Type", ctype)])
        else:
            self._send(404, b"not found", [("Content-Type", "text/plain")])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _route


@pytest.fixture
def stdlib_server() -> Iterator[URL]:
    """``ThreadingHTTPServer`` on a loopback port, serving the routes of ``_Handler``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield URL(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
