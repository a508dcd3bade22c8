"""Proxies end to end through ClientSession: absolute-form for http, CONNECT for https."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from client_peers import pipe
from yarl import URL

from aiohttp_client.client import ClientSession
from aiohttp_client.client_exceptions import ClientHttpProxyError, ClientProxyConnectionError
from aiohttp_client.connector import TCPConnector
from aiohttp_wire.helpers import BasicAuth


class Proxy:
    """A tiny HTTP proxy recording the request heads it receives."""

    def __init__(self, *, require_auth: str | None = None) -> None:
        self.heads: list[bytes] = []
        self.require_auth = require_auth
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
        if self.require_auth is not None and (
            f"Proxy-Authorization: {self.require_auth}\r\n".encode() not in head
        ):
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
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
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
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
        return f"http://127.0.0.1:{self.port}"


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
async def http_origin() -> AsyncIterator[str]:
    server = await asyncio.start_server(_origin, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()
    await server.wait_closed()


@pytest.fixture
async def https_origin(ca: trustme.CA) -> AsyncIterator[str]:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    server = await asyncio.start_server(_origin, "127.0.0.1", 0, ssl=ctx)
    yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    server.close()
    await server.wait_closed()


async def test_http_target_uses_absolute_form(http_origin: str) -> None:
    auth = BasicAuth("user", "pass")
    async with Proxy(require_auth=auth.encode()) as proxy, ClientSession() as session:
        async with asyncio.timeout(10):
            async with session.get(f"{http_origin}/a?b=1", proxy=proxy.url, proxy_auth=auth) as r:
                # The origin echoes the request target it received: absolute-form.
                assert await r.read() == f"{http_origin}/a?b=1".encode()
            async with session.get(f"{http_origin}/c", proxy=proxy.url, proxy_auth=auth) as r:
                assert await r.read() == f"{http_origin}/c".encode()
        assert len(proxy.heads) == 1  # the proxied connection was kept alive


async def test_https_target_through_connect(https_origin: str, ca: trustme.CA) -> None:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    auth = BasicAuth("user", "pass")
    async with (
        Proxy(require_auth=auth.encode()) as proxy,
        ClientSession(connector=TCPConnector(ssl=ctx)) as session,
    ):
        async with asyncio.timeout(10):
            async with session.get(f"{https_origin}/secret", proxy=proxy.url, proxy_auth=auth) as r:
                assert await r.read() == b"/secret"  # origin-form inside the tunnel
        assert proxy.heads[0].startswith(b"CONNECT 127.0.0.1:")


async def test_proxy_auth_refused(https_origin: str) -> None:
    async with Proxy(require_auth="Basic nope") as proxy, ClientSession() as session:
        with pytest.raises(ClientHttpProxyError) as info:
            await session.get(f"{https_origin}/", proxy=proxy.url)
        assert info.value.status == 407


async def test_proxy_down() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with ClientSession() as session:
        with pytest.raises(ClientProxyConnectionError):
            await session.get("http://origin.test/", proxy=f"http://127.0.0.1:{port}")


async def test_trust_env_takes_proxy_from_environment(
    http_origin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    async with Proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with asyncio.timeout(10):
            async with ClientSession() as session, session.get(f"{http_origin}/direct") as r:
                assert await r.read() == b"/direct"  # trust_env off: the variable is ignored
            assert proxy.heads == []
            async with (
                ClientSession(trust_env=True) as session,
                session.get(f"{http_origin}/via") as r,
            ):
                assert await r.read() == f"{http_origin}/via".encode()
            assert len(proxy.heads) == 1
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            async with (
                ClientSession(trust_env=True) as session,
                session.get(f"{http_origin}/bypass") as r,
            ):
                assert await r.read() == b"/bypass"
            assert len(proxy.heads) == 1


async def test_trust_env_reads_netrc_credentials(
    stdlib_server: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {stdlib_server.host} login user password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    expected = BasicAuth("user", "secret").encode()
    async with asyncio.timeout(10):
        async with ClientSession(trust_env=True) as session:
            async with session.get(stdlib_server / "echo") as r:
                headers = {k.lower(): v for k, v in (await r.json())["headers"]}
            assert headers["authorization"] == expected
        async with ClientSession() as session:
            async with session.get(stdlib_server / "echo") as r:
                headers = {k.lower(): v for k, v in (await r.json())["headers"]}
            assert "authorization" not in headers
