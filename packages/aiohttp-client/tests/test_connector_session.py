"""Connectors end to end, through ClientSession, against servers we did not write."""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from aiohttp_client.client import ClientSession, ClientTimeout
from aiohttp_client.client_exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorError,
    NonHttpUrlClientError,
    ServerFingerprintMismatch,
)
from aiohttp_client.client_reqrep import Fingerprint
from aiohttp_client.connector import TCPConnector, UnixConnector
from aiohttp_client.cookiejar import CookieJar


class Counter:
    """Counts accepted connections and the most open at once (stdlib server threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted = 0
        self.open = 0
        self.max_open = 0
        self.cookies: list[str | None] = []


def make_handler(counter: Counter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with counter.lock:
                counter.accepted += 1
                counter.open += 1
                counter.max_open = max(counter.max_open, counter.open)

        def finish(self) -> None:
            with counter.lock:
                counter.open -= 1
            super().finish()

        def do_GET(self) -> None:
            counter.cookies.append(self.headers.get("Cookie"))
            body = b"hello " + self.path.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            if self.path == "/set":
                self.send_header("Set-Cookie", "sid=abc; Path=/")
            if self.path == "/close":
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Counter]]:
    counter = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(counter))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", counter
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[tuple[str, Counter, bytes]]:
    counter = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(counter))
    httpd.daemon_threads = True
    cert = ca.issue_cert("127.0.0.1")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    yield f"https://127.0.0.1:{httpd.server_address[1]}", counter, der
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def session_factory() -> AsyncIterator[Any]:
    sessions: list[ClientSession] = []

    def make(**kwargs: Any) -> ClientSession:
        s = ClientSession(**kwargs)
        sessions.append(s)
        return s

    yield make
    for s in sessions:
        await s.close()


async def test_keep_alive_reuses_one_connection(
    server: tuple[str, Counter], session_factory: Any
) -> None:
    url, counter = server
    session = session_factory()
    async with asyncio.timeout(10):
        for i in range(5):
            async with session.get(f"{url}/{i}") as resp:
                assert await resp.read() == f"hello /{i}".encode()
    assert counter.accepted == 1


async def test_connection_close_opens_a_new_one(
    server: tuple[str, Counter], session_factory: Any
) -> None:
    url, counter = server
    session = session_factory()
    async with asyncio.timeout(10):
        for _ in range(2):
            async with session.get(f"{url}/close") as resp:
                await resp.read()
    assert counter.accepted == 2


async def test_limit_caps_concurrency(server: tuple[str, Counter], session_factory: Any) -> None:
    url, counter = server
    session = session_factory(connector=TCPConnector(limit=2))

    async def fetch(i: int) -> bytes:
        async with session.get(f"{url}/{i}") as resp:
            return await resp.read()

    async with asyncio.timeout(20):
        bodies = await asyncio.gather(*(fetch(i) for i in range(20)))
    assert bodies == [f"hello /{i}".encode() for i in range(20)]
    assert counter.max_open <= 2


async def test_limit_per_host_caps_concurrency(
    server: tuple[str, Counter], session_factory: Any
) -> None:
    url, counter = server
    session = session_factory(connector=TCPConnector(limit_per_host=1))

    async def fetch(i: int) -> bytes:
        async with session.get(f"{url}/{i}") as resp:
            return await resp.read()

    async with asyncio.timeout(20):
        await asyncio.gather(*(fetch(i) for i in range(10)))
    assert counter.max_open == 1


async def test_refused_connection(session_factory: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    session = session_factory()
    with pytest.raises(ClientConnectorError):
        await session.get(f"http://127.0.0.1:{port}/")


async def test_https_verification(
    tls_server: tuple[str, Counter, bytes], ca: trustme.CA, session_factory: Any
) -> None:
    url, _counter, der = tls_server
    session = session_factory()
    with pytest.raises(ClientConnectorCertificateError):
        await session.get(f"{url}/x")
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    async with asyncio.timeout(10):
        async with session.get(f"{url}/ctx", ssl=ctx) as resp:
            assert await resp.read() == b"hello /ctx"
        async with session.get(f"{url}/off", ssl=False) as resp:
            assert await resp.read() == b"hello /off"
    import hashlib

    pinned = Fingerprint(hashlib.sha256(der).digest())
    async with asyncio.timeout(10):
        async with session.get(f"{url}/pin", ssl=pinned) as resp:
            assert await resp.read() == b"hello /pin"
    with pytest.raises(ServerFingerprintMismatch):
        await session.get(f"{url}/pin", ssl=Fingerprint(b"\x00" * 32))


async def test_cookie_jar_round_trip(server: tuple[str, Counter], session_factory: Any) -> None:
    url, counter = server
    jar = CookieJar(unsafe=True)  # the server is an IP address
    session = session_factory(cookie_jar=jar)
    async with asyncio.timeout(10):
        async with session.get(f"{url}/set") as resp:
            await resp.read()
        async with session.get(f"{url}/next") as resp:
            await resp.read()
    assert counter.cookies == [None, "sid=abc"]
    assert len(jar) == 1


async def test_default_jar_ignores_ip_hosts(
    server: tuple[str, Counter], session_factory: Any
) -> None:
    url, counter = server
    session = session_factory()
    async with asyncio.timeout(10):
        async with session.get(f"{url}/set") as resp:
            await resp.read()
        async with session.get(f"{url}/next") as resp:
            await resp.read()
    assert counter.cookies == [None, None]


async def test_timeout_connect_is_honoured(session_factory: Any) -> None:
    from aiohttp_client.client_exceptions import ConnectionTimeoutError
    from aiohttp_wire.abc import AbstractResolver

    class Hanging(AbstractResolver):
        async def resolve(self, host: str, port: int = 0, family: int = 0) -> Any:
            await asyncio.Event().wait()

        async def close(self) -> None:
            pass

    session = session_factory(
        connector=TCPConnector(resolver=Hanging()), timeout=ClientTimeout(connect=0.05)
    )
    with pytest.raises(ConnectionTimeoutError):
        await session.get("http://hanging.test/")


async def test_unix_connector(tmp_path: Path) -> None:
    path = str(tmp_path / "http.sock")
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ")[1]
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(target)
                writer.write(head + target)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_unix_server(handler, path)
    try:
        async with asyncio.timeout(10), ClientSession(connector=UnixConnector(path)) as session:
            for target in ("/a", "/b?c=d"):
                async with session.get(f"http://localhost{target}") as resp:
                    assert await resp.read() == target.encode()
        assert connections == 1
    finally:
        server.close()
        await server.wait_closed()


async def test_unix_urls_go_through_a_unix_connector_only(tmp_path: Path) -> None:
    # aiodocker requests unix://localhost/... over its UnixConnector.
    path = str(tmp_path / "docker.sock")

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        target = head.split(b" ")[1]
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(target), target))
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(handler, path)
    try:
        async with asyncio.timeout(10), ClientSession(connector=UnixConnector(path)) as session:
            async with session.get("unix://localhost/version") as resp:
                assert await resp.read() == b"/version"
        async with ClientSession() as session:
            with pytest.raises(NonHttpUrlClientError):
                await session.get("unix://localhost/version")
    finally:
        server.close()
        await server.wait_closed()
