"""Servers we did not write, for the client to talk to.

* ``raw_server``: an asyncio socket server running a test-supplied handler,
  for malformed and edge-case responses byte by byte.
* ``stdlib_server``: ``http.server.ThreadingHTTPServer`` in a thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from client_peers import RawServer
from yarl import URL


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    """A raw asyncio server; ``await raw_server.start(handler)`` returns its URL."""
    server = RawServer()
    yield server
    await server.close()


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
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield URL(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
