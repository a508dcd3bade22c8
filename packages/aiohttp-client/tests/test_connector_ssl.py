"""TLS in TCPConnector: verification on by default, contexts, ssl=False, pinning."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trustme
from multidict import CIMultiDict
from yarl import URL

from aiohttp_client import connector as connector_module
from aiohttp_client.client import ClientTimeout
from aiohttp_client.client_exceptions import (
    ClientConnectorCertificateError,
    ClientConnectorSSLError,
    ClientSSLError,
    ConnectionTimeoutError,
    ServerFingerprintMismatch,
)
from aiohttp_client.client_reqrep import ConnectionKey, Fingerprint
from aiohttp_client.connector import Connection, TCPConnector

TIMEOUT = ClientTimeout()


class Req:
    """The request attributes a connector reads."""

    def __init__(self, url: str, *, ssl: Any = True, server_hostname: str | None = None) -> None:
        self.url = URL(url)
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.proxy = None
        self.proxy_auth = None
        self.proxy_headers = None
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
        return ConnectionKey(self.host, self.port, self.is_ssl(), self.ssl, None, None, None)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost", "example.test")


@pytest.fixture
def client_ctx(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def tls_port(cert: trustme.LeafCert) -> AsyncIterator[int]:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, ssl=server_ctx)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def exchange(conn: Connection) -> bytes:
    proto = conn.protocol
    assert proto is not None and conn.transport is not None
    proto.set_response_params()
    conn.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        return await payload.read()


async def test_untrusted_certificate_fails_by_default(tls_port: int) -> None:
    conn = TCPConnector()
    with pytest.raises(ClientConnectorCertificateError) as info:
        await conn.connect(Req(f"https://127.0.0.1:{tls_port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert isinstance(info.value, ClientSSLError)
    assert isinstance(info.value.certificate_error, ssl.SSLCertVerificationError)
    assert conn._used == 0
    await conn.close()


async def test_trusted_context_on_request(tls_port: int, client_ctx: ssl.SSLContext) -> None:
    conn = TCPConnector()
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/", ssl=client_ctx), [], TIMEOUT)  # type: ignore[arg-type]
    assert c.transport is not None
    assert c.transport.get_extra_info("ssl_object") is not None
    assert await exchange(c) == b"ok"
    c.release()
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/", ssl=client_ctx), [], TIMEOUT)  # type: ignore[arg-type]
    assert c.reused
    c.close()
    await conn.close()


async def test_trusted_context_on_connector(tls_port: int, client_ctx: ssl.SSLContext) -> None:
    conn = TCPConnector(ssl=client_ctx)
    c = await conn.connect(Req(f"https://localhost:{tls_port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    c.close()
    await conn.close()


async def test_ssl_false_skips_verification(tls_port: int) -> None:
    conn = TCPConnector()
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/", ssl=False), [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    c.close()
    await conn.close()
    conn = TCPConnector(ssl=False)
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    c.close()
    await conn.close()


async def test_fingerprint_match_and_mismatch(tls_port: int, cert: trustme.LeafCert) -> None:
    der = ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    good = Fingerprint(hashlib.sha256(der).digest())
    conn = TCPConnector()
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/", ssl=good), [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    c.close()
    bad = Fingerprint(hashlib.sha256(b"other").digest())
    with pytest.raises(ServerFingerprintMismatch) as info:
        await conn.connect(Req(f"https://127.0.0.1:{tls_port}/", ssl=bad), [], TIMEOUT)  # type: ignore[arg-type]
    assert info.value.expected == bad.fingerprint
    assert info.value.got == good.fingerprint
    assert conn._used == 0
    await conn.close()


async def test_server_hostname_override(tls_port: int, ca: trustme.CA) -> None:
    other = ca.issue_cert("other.test")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    other.configure_cert(server_ctx)
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    conn = TCPConnector(ssl=client_ctx)
    with pytest.raises(ClientConnectorCertificateError):
        await conn.connect(Req(f"https://127.0.0.1:{port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    req = Req(f"https://127.0.0.1:{port}/", server_hostname="other.test")
    c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    c.close()
    await conn.close()
    server.close()
    await server.wait_closed()


async def test_plain_server_raises_ssl_error() -> None:
    async def plain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(plain, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    conn = TCPConnector()
    with pytest.raises(ClientConnectorSSLError):
        await conn.connect(Req(f"https://127.0.0.1:{port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    await conn.close()
    server.close()
    await server.wait_closed()


async def test_sock_connect_timeout_on_stalled_handshake() -> None:
    stalled: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stalled.append(writer)  # never answers the ClientHello

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    conn = TCPConnector()
    with pytest.raises(ConnectionTimeoutError):
        await conn.connect(
            Req(f"https://127.0.0.1:{port}/"),
            [],
            ClientTimeout(sock_connect=0.05),  # type: ignore[arg-type]
        )
    assert conn._used == 0
    await conn.close()
    for w in stalled:
        w.close()
    server.close()
    await server.wait_closed()


async def test_enable_cleanup_closed(tls_port: int, client_ctx: ssl.SSLContext) -> None:
    if not connector_module._NEEDS_CLEANUP_CLOSED:
        with pytest.warns(DeprecationWarning, match="enable_cleanup_closed"):
            conn = TCPConnector(ssl=client_ctx, enable_cleanup_closed=True)
        assert conn._cleanup_closed_disabled
        await conn.close()
        return
    conn = TCPConnector(ssl=client_ctx, enable_cleanup_closed=True)
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    transport = c.transport
    c.close()
    assert conn._cleanup_closed_transports == [transport]
    assert conn._cleanup_closed_handle is not None
    conn._cleanup_closed()
    assert not conn._cleanup_closed_transports
    assert transport is not None and transport.is_closing()
    await conn.close()


async def test_close_with_abort_ssl(tls_port: int, client_ctx: ssl.SSLContext) -> None:
    conn = TCPConnector(ssl=client_ctx)
    c = await conn.connect(Req(f"https://127.0.0.1:{tls_port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert await exchange(c) == b"ok"
    proto = c.protocol
    c.release()
    async with asyncio.timeout(5):
        await conn.close(abort_ssl=True)
    assert proto is not None and proto.closed.done()
