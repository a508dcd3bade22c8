"""ClientSession's deprecated keyword arguments that aiohttp 3.13 still accepts."""

from __future__ import annotations

import asyncio

import pytest

from aiohttp_client.client import ClientSession, ClientTimeout
from aiohttp_client.client_exceptions import WSServerHandshakeError
from aiohttp_client.connector import TCPConnector
from conftest import Nginx


async def test_read_and_conn_timeout_build_a_client_timeout() -> None:
    with pytest.warns(DeprecationWarning, match="read_timeout"):
        session = ClientSession(read_timeout=5, conn_timeout=2)
    async with session:
        assert session.timeout == ClientTimeout(total=5, connect=2)


async def test_conn_timeout_alone_leaves_total_unset() -> None:
    with pytest.warns(DeprecationWarning, match="conn_timeout"):
        session = ClientSession(conn_timeout=3)
    async with session:
        assert session.timeout == ClientTimeout(total=None, connect=3)


async def test_read_timeout_with_timeout_is_an_error() -> None:
    with pytest.raises(ValueError, match="read_timeout"):
        ClientSession(read_timeout=5, timeout=ClientTimeout(total=1))


async def test_ssl_shutdown_timeout_is_accepted_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        session = ClientSession(ssl_shutdown_timeout=0)
    await session.close()
    with pytest.warns(DeprecationWarning, match="ssl_shutdown_timeout"):
        connector = TCPConnector(ssl_shutdown_timeout=0)
    await connector.close()


async def test_request_verify_ssl_false_skips_verification(nginx: Nginx) -> None:
    async with asyncio.timeout(10), ClientSession(nginx.tls_url) as session:
        with pytest.warns(DeprecationWarning, match="verify_ssl"):
            resp = await session.get("/missing.txt", verify_ssl=False)
        # The untrusted certificate was accepted: nginx answered over TLS.
        assert resp.status == 404
        resp.release()


async def test_request_verify_ssl_with_ssl_is_an_error(nginx: Nginx) -> None:
    async with asyncio.timeout(10), ClientSession(nginx.tls_url) as session:
        with (
            pytest.warns(DeprecationWarning, match="verify_ssl"),
            pytest.raises(ValueError, match="exclusive"),
        ):
            await session.get("/small.txt", verify_ssl=False, ssl=False)


async def test_ws_connect_takes_the_deprecated_ssl_arguments(nginx: Nginx) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        with (
            pytest.warns(DeprecationWarning, match="verify_ssl"),
            pytest.raises(ValueError, match="exclusive"),
        ):
            await session.ws_connect("wss://127.0.0.1:1/", verify_ssl=False, ssl=False)
        # verify_ssl=False gets through nginx's untrusted certificate: the plain
        # HTTP reply to the upgrade is then the handshake error.
        url = nginx.tls_url.with_scheme("wss") / "missing"
        with (
            pytest.warns(DeprecationWarning, match="verify_ssl"),
            pytest.raises(WSServerHandshakeError) as info,
        ):
            await session.ws_connect(url, verify_ssl=False)
        assert info.value.status == 404
