"""Servers we did not write, for the client to talk to.

* ``raw_server``: an asyncio socket server running a test-supplied handler,
  for malformed and edge-case responses byte by byte.
* ``stdlib_server``: ``http.server.ThreadingHTTPServer`` in a thread.
* ``nginx``: the nginx binary (Debian package ``nginx``) with a generated
  config on free loopback ports, plain and TLS (a trustme certificate).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import trustme
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


_NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
master_process on;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    types {{ text/plain txt; application/json json; application/octet-stream bin; }}
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 60s;
    keepalive_requests 1000;
    gzip on;
    gzip_min_length 64;
    gzip_types text/plain application/json;
    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        root {root}/www;
        # Which connection served a request, and how many it has served: the
        # peer's own view of keep-alive.
        add_header X-Connection $connection always;
        add_header X-Connection-Requests $connection_requests always;
        location /short/ {{ keepalive_requests 3; }}
        location /dav/ {{
            dav_methods PUT DELETE;
            create_full_put_path on;
            client_max_body_size 64m;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    """A running nginx: its plain and TLS base URLs, document root and CA."""

    url: URL
    tls_url: URL
    root: Path
    ca: trustme.CA

    def client_ssl(self) -> ssl.SSLContext:
        """A client context that trusts this nginx's certificate."""
        ctx = ssl.create_default_context()
        self.ca.configure_trust(ctx)
        return ctx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(proc: subprocess.Popen[bytes], ports: tuple[int, ...]) -> bool:
    """Poll-connect each port (bounded); ``False`` if nginx exited instead."""
    for port in ports:
        for _ in range(200):
            if proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.025)
        else:
            return False
    return True


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    """nginx on two free loopback ports (HTTP and HTTPS), serving files under ``root/www``.

    ``/short/`` closes a connection after 3 requests; ``/dav/`` accepts PUT
    and DELETE; text and JSON are gzipped for clients that accept it.
    """
    binary = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if binary is None:
        raise RuntimeError("nginx is not installed: python tools/system_deps.py nginx")
    root = tmp_path_factory.mktemp("nginx")
    root.chmod(0o755)
    for sub in ("www", "www/dav", "www/short", "tmp"):
        (root / sub).mkdir()
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_pem.write_to_path(str(root / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    for attempt in range(3):  # a free port may be taken before nginx binds it
        port, tls_port = _free_port(), _free_port()
        conf = root / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(_NGINX_CONF.format(user=user, root=root, port=port, tls_port=tls_port))
        proc = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_listening(proc, (port, tls_port)):
            break
        proc.kill()
        proc.wait(10)
        if attempt == 2:
            log = root / "error.log"
            raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else ''}")
    try:
        yield Nginx(URL(f"http://127.0.0.1:{port}"), URL(f"https://127.0.0.1:{tls_port}"), root, ca)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
