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


def test_client_timeout_is_an_attrs_class_as_in_aiohttp() -> None:
    # aiodocker and others derive timeouts with attrs.evolve.
    import attrs

    from aiohttp_client.client_ws import ClientWSTimeout

    base = ClientTimeout(total=60, sock_read=5)
    derived = attrs.evolve(base, total=None, sock_read=None)
    assert derived == ClientTimeout() and base == ClientTimeout(total=60, sock_read=5)
    assert attrs.evolve(ClientWSTimeout(ws_close=3), ws_receive=1) == ClientWSTimeout(1, 3)
    with pytest.raises(AttributeError):
        base.total = 1  # type: ignore[misc]


@pytest.mark.parametrize("timeout", [30.0, 5, None])
async def test_ws_connect_takes_aiohttp_3_float_and_none_timeouts(timeout: float | None) -> None:
    # discord.py passes timeout=30.0: a deprecated close timeout; None means no timeouts.
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(connection: ServerConnection) -> None:
        async for message in connection:
            await connection.send(message)

    async with serve(echo, "127.0.0.1", 0) as server, ClientSession() as session:
        port = next(iter(server.sockets)).getsockname()[1]
        if timeout is None:
            ws = await session.ws_connect(f"ws://127.0.0.1:{port}", timeout=None)
        else:
            with pytest.warns(DeprecationWarning, match="ClientWSTimeout"):
                ws = await session.ws_connect(f"ws://127.0.0.1:{port}", timeout=timeout)
        async with ws:
            await ws.send_str("hi")
            assert await asyncio.wait_for(ws.receive_str(), 10) == "hi"
    assert ws.closed
