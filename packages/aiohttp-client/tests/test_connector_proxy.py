"""TCPConnector through HTTP proxies: forwarding for http targets, CONNECT tunnels for https."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trustme
from client_peers import pipe
from multidict import CIMultiDict
from yarl import URL

from aiohttp_client.client import ClientTimeout
from aiohttp_client.client_exceptions import (
    ClientConnectorCertificateError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ConnectionTimeoutError,
    ServerFingerprintMismatch,
)
from aiohttp_client.client_reqrep import ConnectionKey, Fingerprint
from aiohttp_client.connector import Connection, TCPConnector
from aiohttp_wire.helpers import BasicAuth

TIMEOUT = ClientTimeout()


class Req:
    """The request attributes a connector reads."""

    def __init__(
        self,
        url: str,
        proxy: str,
        *,
        ssl: Any = True,
        proxy_auth: BasicAuth | None = None,
        proxy_headers: dict[str, str] | None = None,
    ) -> None:
        self.url = URL(url)
        self.ssl = ssl
        self.server_hostname: str | None = None
        self.proxy: URL | None = URL(proxy)
        self.proxy_auth = proxy_auth
        self.proxy_headers = CIMultiDict(proxy_headers) if proxy_headers else None
        self.headers: CIMultiDict[str] = CIMultiDict()

    @property
    def host(self) -> str:
        host = self.url.raw_host
        assert host is not None
        return host

    @property
    def port(self) -> int | None:
        return self.url.port

    def is_ssl(self) -> bool:
        return self.url.scheme in ("https", "wss")

    @property
    def connection_key(self) -> ConnectionKey:
        h = hash(tuple(self.proxy_headers.items())) if self.proxy_headers else None
        return ConnectionKey(
            self.host, self.port, self.is_ssl(), self.ssl, self.proxy, self.proxy_auth, h
        )


class Proxy:
    """A tiny HTTP proxy: CONNECT tunnels and absolute-form forwarding, recording heads."""

    def __init__(self, *, answer: bytes | None = None, ssl: ssl.SSLContext | None = None) -> None:
        self.heads: list[bytes] = []
        self.answer = answer
        self.ssl = ssl
        self.server: asyncio.Server | None = None
        self.port = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        self.heads.append(head)
        if self.answer is not None:
            writer.write(self.answer)
            await writer.drain()
            if not self.answer or self.answer.endswith(b"\r\n\r\n"):
                with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                    await reader.readexactly(1)  # wait for the client to hang up
            writer.close()
            return
        method, target, _ = head.split(b"\r\n", 1)[0].split(b" ")
        if method == b"CONNECT":
            host, _, port = target.rpartition(b":")
            up_reader, up_writer = await asyncio.open_connection(host.decode(), int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
        else:
            url = URL(target.decode())
            assert url.host is not None and url.port is not None
            up_reader, up_writer = await asyncio.open_connection(url.host, url.port)
            up_writer.write(head)
        t1 = asyncio.create_task(pipe(reader, up_writer))
        t2 = asyncio.create_task(pipe(up_reader, writer))
        self.tasks.update((t1, t2))
        await asyncio.gather(t1, t2)

    async def __aenter__(self) -> Proxy:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0, ssl=self.ssl)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for t in self.tasks:
            t.cancel()
        await self.server.wait_closed()

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}"


async def _origin(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b" ")[1]
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(target), target))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def client_ctx(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@pytest.fixture
async def http_port() -> AsyncIterator[int]:
    server = await asyncio.start_server(_origin, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
async def https_port(ca: trustme.CA) -> AsyncIterator[int]:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("origin.test").configure_cert(server_ctx)
    server = await asyncio.start_server(_origin, "127.0.0.1", 0, ssl=server_ctx)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def exchange(conn: Connection, target: bytes) -> bytes:
    proto = conn.protocol
    assert proto is not None and conn.transport is not None
    proto.set_response_params()
    conn.transport.write(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        return await payload.read()


async def test_http_target_goes_to_the_proxy(http_port: int) -> None:
    async with Proxy() as proxy:
        conn = TCPConnector()
        target = f"http://127.0.0.1:{http_port}/path?q=1"
        req = Req(
            target,
            proxy.url,
            proxy_auth=BasicAuth("user", "pass"),
            proxy_headers={"X-Proxy": "yes"},
        )
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        # The request writes absolute-form; the proxy forwards it to the origin.
        assert await exchange(c, target.encode()) == target.encode()
        assert req.headers["Proxy-Authorization"] == BasicAuth("user", "pass").encode()
        assert "X-Proxy" not in req.headers  # as in aiohttp: proxy_headers only for CONNECT
        c.release()
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert c.reused
        c.close()
        assert len(proxy.heads) == 1
        await conn.close()


async def test_https_target_through_connect_tunnel(
    https_port: int, client_ctx: ssl.SSLContext
) -> None:
    async with Proxy() as proxy:
        conn = TCPConnector(ssl=client_ctx)
        req = Req(
            f"https://127.0.0.1:{https_port}/secret",
            proxy.url,
            proxy_auth=BasicAuth("user", "pass"),
            proxy_headers={"X-Proxy": "yes"},
        )
        req.server_hostname = "origin.test"
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert c.transport is not None and c.transport.get_extra_info("ssl_object") is not None
        assert await exchange(c, b"/secret") == b"/secret"
        head = proxy.heads[0].decode()
        assert head.startswith(f"CONNECT 127.0.0.1:{https_port} HTTP/1.1\r\n")
        assert f"Host: 127.0.0.1:{https_port}\r\n" in head
        assert f"Proxy-Authorization: {BasicAuth('user', 'pass').encode()}\r\n" in head
        assert "X-Proxy: yes\r\n" in head
        assert "\r\nAccept: */*\r\n" in head  # the automatic headers, as aiohttp sends them
        assert "\r\nUser-Agent: Python/" in head
        assert "Proxy-Authorization" not in req.headers  # never sent to the origin
        c.release()
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert c.reused
        assert await exchange(c, b"/again") == b"/again"
        c.close()
        await conn.close()


async def test_tunnel_verifies_the_origin_certificate(https_port: int) -> None:
    async with Proxy() as proxy:
        conn = TCPConnector()
        req = Req(f"https://127.0.0.1:{https_port}/", proxy.url)
        with pytest.raises(ClientConnectorCertificateError):
            await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert conn._used == 0
        await conn.close()


async def test_proxy_refuses_connect() -> None:
    answer = b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
    async with Proxy(answer=answer) as proxy:
        conn = TCPConnector()
        req = Req("https://origin.test:443/", proxy.url)
        with pytest.raises(ClientHttpProxyError) as info:
            await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert info.value.status == 407
        assert info.value.request_info.method == "CONNECT"
        assert conn._used == 0
        await conn.close()


async def test_proxy_down_raises_proxy_connection_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conn = TCPConnector()
    for target in ("http://origin.test/", "https://origin.test/"):
        with pytest.raises(ClientProxyConnectionError):
            await conn.connect(Req(target, f"http://127.0.0.1:{port}"), [], TIMEOUT)  # type: ignore[arg-type]
    await conn.close()


async def test_bad_proxy_header_is_refused() -> None:
    async with Proxy() as proxy:
        conn = TCPConnector()
        req = Req("https://origin.test/", proxy.url, proxy_headers={"X-Bad": "a\r\nb"})
        with pytest.raises(ValueError):
            await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert conn._used == 0
        await conn.close()


async def test_https_proxy_and_https_target(
    https_port: int, ca: trustme.CA, client_ctx: ssl.SSLContext
) -> None:
    proxy_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(proxy_ctx)
    async with Proxy(ssl=proxy_ctx) as proxy:
        conn = TCPConnector(ssl=client_ctx)
        req = Req(f"https://127.0.0.1:{https_port}/tls-in-tls", proxy.url)
        req.server_hostname = "origin.test"
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c, b"/tls-in-tls") == b"/tls-in-tls"
        assert proxy.heads[0].startswith(b"CONNECT ")
        c.close()
        await conn.close()


async def test_tunnel_with_fingerprint(https_port: int, ca: trustme.CA) -> None:
    import hashlib

    async with Proxy() as proxy:
        conn = TCPConnector()
        bad = Req(f"https://127.0.0.1:{https_port}/", proxy.url, ssl=Fingerprint(b"\x01" * 32))
        with pytest.raises(ServerFingerprintMismatch):
            await conn.connect(bad, [], TIMEOUT)  # type: ignore[arg-type]
        # The pinned certificate passes without CA verification.
        probe = await conn.connect(
            Req(f"https://127.0.0.1:{https_port}/", proxy.url, ssl=False), [], TIMEOUT
        )  # type: ignore[arg-type]
        assert probe.transport is not None
        der = probe.transport.get_extra_info("ssl_object").getpeercert(binary_form=True)
        probe.close()
        good = Req(
            f"https://127.0.0.1:{https_port}/",
            proxy.url,
            ssl=Fingerprint(hashlib.sha256(der).digest()),
        )
        c = await conn.connect(good, [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c, b"/pinned") == b"/pinned"
        c.close()
        assert conn._used == 0
        await conn.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 2x0 Odd\r\n\r\n",
        "HTTP/1.1 \xb2\xb2\xb2 Superscript digits\r\n\r\n".encode("latin-1"),
        b"HTTP/1.1 200 OK",  # then the proxy hangs up without finishing the head
        b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 20000,  # a head that never ends
    ],
)
async def test_bad_connect_answers(answer: bytes) -> None:
    async with Proxy(answer=answer) as proxy:
        conn = TCPConnector()
        with pytest.raises(ClientProxyConnectionError):
            await conn.connect(Req("https://origin.test/", proxy.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert conn._used == 0
        await conn.close()


async def test_connect_answer_timeout() -> None:
    async with Proxy(answer=b"") as proxy:  # says nothing, keeps the connection open
        conn = TCPConnector()
        with pytest.raises(ConnectionTimeoutError):
            await conn.connect(
                Req("https://origin.test/", proxy.url),
                [],
                ClientTimeout(sock_connect=0.05),  # type: ignore[arg-type]
            )
        await conn.close()
