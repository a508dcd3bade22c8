"""BaseConnector/TCPConnector/UnixConnector over real loopback sockets.

The connector is driven directly with a minimal request object; a small
asyncio server counts the connections it accepts and how many are open.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_client.client import ClientTimeout
from aiohttp_client.client_exceptions import (
    ClientConnectionError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ConnectionTimeoutError,
)
from aiohttp_client.client_reqrep import ConnectionKey
from aiohttp_client.connector import (
    BaseConnector,
    Connection,
    NamedPipeConnector,
    TCPConnector,
    UnixConnector,
)
from aiohttp_client.resolver import ThreadedResolver
from aiohttp_wire.abc import AbstractResolver, ResolveResult

TIMEOUT = ClientTimeout()
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class Req:
    """The request attributes a connector reads."""

    def __init__(self, url: str, *, ssl: Any = True, proxy: URL | None = None) -> None:
        self.url = URL(url)
        self.ssl = ssl
        self.server_hostname: str | None = None
        self.proxy = proxy
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
        return ConnectionKey(
            self.host, self.port, self.is_ssl(), self.ssl, self.proxy, self.proxy_auth, None
        )


class Server:
    """Answers every request with ``RESPONSE``; counts connections."""

    def __init__(self, *, close_after: bool = False, response: bytes = RESPONSE) -> None:
        self.accepted = 0
        self.open = 0
        self.max_open = 0
        self.close_after = close_after
        self.response = response
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        self.max_open = max(self.max_open, self.open)
        self.writers.append(writer)
        try:
            while True:
                try:
                    await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                writer.write(self.response)
                await writer.drain()
                if self.close_after:
                    break
        finally:
            self.open -= 1
            writer.close()

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for w in self.writers:
            w.close()
        await self.server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


async def exchange(conn: Connection) -> bytes:
    """One GET over ``conn``; returns the body."""
    proto = conn.protocol
    assert proto is not None and conn.transport is not None
    proto.set_response_params()
    conn.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    async with asyncio.timeout(5):
        _, payload = await proto.read()
        return await payload.read()


class Recorder:
    """A stand-in for ``tracing.Trace`` recording which signals fired."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.queued = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("send_"):
            raise AttributeError(name)

        async def send(*args: Any) -> None:
            self.events.append(name[5:])
            if name == "send_connection_queued_start":
                self.queued.set()

        return send


class CountingResolver(AbstractResolver):
    """Resolves every host to fixed addresses and counts lookups."""

    def __init__(self, addrs: list[tuple[str, int]], error: OSError | None = None) -> None:
        self.addrs = addrs
        self.error = error
        self.calls = 0
        self.closed = False
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def resolve(
        self, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return [
            {
                "hostname": host,
                "host": h,
                "port": p,
                "family": socket.AF_INET6 if ":" in h else socket.AF_INET,
                "proto": 0,
                "flags": socket.NI_NUMERICHOST,
            }
            for h, p in self.addrs
        ]

    async def close(self) -> None:
        self.closed = True


def refused_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- construction -------------------------------------------------------------------------


async def test_defaults() -> None:
    conn = TCPConnector()
    assert conn.limit == 100
    assert conn.limit_per_host == 0
    assert not conn.force_close
    assert not conn.closed
    assert conn.use_dns_cache
    assert conn.family == socket.AF_UNSPEC
    assert isinstance(conn._resolver, ThreadedResolver)
    assert conn._keepalive_timeout == 15.0
    await conn.close()
    assert conn.closed


async def test_force_close_with_keepalive_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="keepalive_timeout"):
        BaseConnector(force_close=True, keepalive_timeout=5)
    conn = BaseConnector(force_close=True)
    assert conn._keepalive_timeout is None
    await conn.close()


async def test_keepalive_timeout_none_keeps_forever() -> None:
    conn = BaseConnector(keepalive_timeout=None)
    assert conn._keepalive_timeout is None
    await conn.close()


async def test_async_context_manager_closes() -> None:
    async with TCPConnector() as conn:
        assert not conn.closed
    assert conn.closed


def test_needs_a_loop() -> None:
    with pytest.raises(RuntimeError):
        BaseConnector()


async def test_bad_ssl_argument() -> None:
    with pytest.raises(TypeError):
        TCPConnector(ssl="yes")  # type: ignore[arg-type]
    with pytest.warns(DeprecationWarning, match="fingerprint"), pytest.raises(ValueError):
        TCPConnector(ssl=False, fingerprint=b"\x00" * 32)


async def test_deprecated_ssl_arguments_fold_into_ssl() -> None:
    with pytest.warns(DeprecationWarning, match="verify_ssl"):
        conn = TCPConnector(verify_ssl=False)
    assert conn._ssl is False
    await conn.close()


# -- pooling ------------------------------------------------------------------------------


async def test_pool_reuses_a_released_connection() -> None:
    async with Server() as srv:
        conn = TCPConnector()
        rec = Recorder()
        c1 = await conn.connect(Req(srv.url), [rec], TIMEOUT)  # type: ignore[arg-type,list-item]
        assert not c1.reused
        assert await exchange(c1) == b"ok"
        proto = c1.protocol
        c1.release()
        assert c1.closed and c1.protocol is None
        c2 = await conn.connect(Req(srv.url), [rec], TIMEOUT)  # type: ignore[arg-type,list-item]
        assert c2.reused
        assert c2.protocol is proto
        assert await exchange(c2) == b"ok"
        c2.release()
        assert srv.accepted == 1
        assert rec.events == [
            "connection_create_start",
            "connection_create_end",
            "connection_reuseconn",
        ]
        await conn.close()


async def test_force_close_never_pools() -> None:
    async with Server() as srv:
        conn = TCPConnector(force_close=True)
        for _ in range(2):
            c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
            assert await exchange(c) == b"ok"
            c.release()
        assert srv.accepted == 2
        assert not conn._conns
        await conn.close()


async def test_connection_close_response_is_not_pooled() -> None:
    resp = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    async with Server(response=resp) as srv:
        conn = TCPConnector()
        c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        proto = c.protocol
        assert await exchange(c) == b"ok"
        c.release()
        assert not conn._conns
        assert proto is not None and not proto.is_connected()
        await conn.close()


async def test_unread_body_is_not_pooled() -> None:
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok"
    async with Server(response=resp) as srv:
        conn = TCPConnector()
        c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        proto = c.protocol
        assert proto is not None and c.transport is not None
        proto.set_response_params()
        c.transport.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await proto.read()
        c.release()
        assert not conn._conns
        await conn.close()


async def test_pool_is_keyed_by_connection_key() -> None:
    async with Server() as srv:
        conn = TCPConnector()
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c1) == b"ok"
        c1.release()
        other = Req(f"http://localhost:{srv.port}/")
        conn._cached_hosts.add(
            ("localhost", srv.port),
            [  # no real DNS in tests
                {
                    "hostname": "localhost",
                    "host": "127.0.0.1",
                    "port": srv.port,
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": 0,
                }
            ],
            asyncio.get_running_loop().time(),
        )
        c2 = await conn.connect(other, [], TIMEOUT)  # type: ignore[arg-type]
        assert not c2.reused
        c2.close()
        assert srv.accepted == 2
        await conn.close()


async def test_server_closing_idle_connection_is_not_reused() -> None:
    async with Server(close_after=True) as srv:
        conn = TCPConnector()
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        proto = c1.protocol
        assert proto is not None
        assert await exchange(c1) == b"ok"
        c1.release()  # pooled: the response did not say close
        async with asyncio.timeout(5):
            await proto.closed  # the server's FIN arrives while it idles
        c2 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert not c2.reused
        assert c2.protocol is not proto
        c2.close()
        assert srv.accepted == 2
        await conn.close()


async def test_keepalive_expiry_on_get() -> None:
    async with Server() as srv:
        conn = TCPConnector(keepalive_timeout=10)
        req = Req(srv.url)
        c1 = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        proto = c1.protocol
        assert await exchange(c1) == b"ok"
        c1.release()
        pool = conn._conns[req.connection_key]
        pool[0] = (pool[0][0], pool[0][1] - 11)  # idled longer than keepalive_timeout
        c2 = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert not c2.reused and c2.protocol is not proto
        assert proto is not None and not proto.is_connected()
        c2.close()
        await conn.close()


async def test_keepalive_cleanup_closes_expired() -> None:
    async with Server() as srv:
        conn = TCPConnector(keepalive_timeout=10)
        req = Req(srv.url)
        c1 = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        proto = c1.protocol
        assert await exchange(c1) == b"ok"
        c1.release()
        assert conn._cleanup_handle is not None
        pool = conn._conns[req.connection_key]
        pool[0] = (pool[0][0], pool[0][1] - 11)
        conn._cleanup()
        assert not conn._conns
        assert proto is not None and not proto.is_connected()
        assert conn._cleanup_handle is None
        await conn.close()


async def test_cleanup_keeps_fresh_connections() -> None:
    async with Server() as srv:
        conn = TCPConnector(keepalive_timeout=10)
        req = Req(srv.url)
        c1 = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c1) == b"ok"
        c1.release()
        conn._cleanup()
        assert len(conn._conns[req.connection_key]) == 1
        assert conn._cleanup_handle is not None
        await conn.close()
        assert conn._cleanup_handle is None


# -- limits -------------------------------------------------------------------------------


async def test_limit_queues_and_hands_over() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=2)
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        c2 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        rec = Recorder()
        third = asyncio.create_task(conn.connect(Req(srv.url), [rec], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec.queued.wait()
        assert not third.done()
        assert await exchange(c1) == b"ok"
        proto = c1.protocol
        c1.release()
        async with asyncio.timeout(5):
            c3 = await third
        assert c3.protocol is proto and c3.reused
        assert rec.events == [
            "connection_queued_start",
            "connection_queued_end",
            "connection_reuseconn",
        ]
        c2.close()
        c3.close()
        assert srv.max_open <= 2
        await conn.close()


async def test_limit_many_tasks_never_exceed() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=3)

        async def one() -> bytes:
            c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
            try:
                return await exchange(c)
            finally:
                c.release()

        async with asyncio.timeout(10):
            bodies = await asyncio.gather(*(one() for _ in range(30)))
        assert bodies == [b"ok"] * 30
        assert srv.max_open <= 3
        assert conn._used == 0
        await conn.close()


async def test_limit_per_host() -> None:
    async with Server() as a, Server() as b:
        conn = TCPConnector(limit_per_host=1)
        ca = await conn.connect(Req(a.url), [], TIMEOUT)  # type: ignore[arg-type]
        rec = Recorder()
        second_a = asyncio.create_task(conn.connect(Req(a.url), [rec], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec.queued.wait()
            cb = await conn.connect(Req(b.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert not second_a.done()
        ca.close()
        async with asyncio.timeout(5):
            ca2 = await second_a
        assert not ca2.reused  # the first one was closed, not released
        ca2.close()
        cb.close()
        assert a.max_open == 1
        await conn.close()


async def test_limit_zero_is_unlimited() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=0)
        conns = [await conn.connect(Req(srv.url), [], TIMEOUT) for _ in range(5)]  # type: ignore[arg-type]
        for c in conns:
            c.close()
        assert srv.accepted == 5
        await conn.close()


async def test_cancelled_waiter_does_not_leak_a_slot() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=1)
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        rec2, rec3 = Recorder(), Recorder()
        t2 = asyncio.create_task(conn.connect(Req(srv.url), [rec2], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec2.queued.wait()
        t3 = asyncio.create_task(conn.connect(Req(srv.url), [rec3], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec3.queued.wait()
        t2.cancel()
        with pytest.raises(asyncio.CancelledError):
            await t2
        c1.close()
        async with asyncio.timeout(5):
            c3 = await t3
        c3.close()
        assert conn._used == 0 and not conn._waiters
        await conn.close()


async def test_waiter_cancelled_after_grant_hands_slot_on() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=1)
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        rec2, rec3 = Recorder(), Recorder()
        t2 = asyncio.create_task(conn.connect(Req(srv.url), [rec2], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec2.queued.wait()
        t3 = asyncio.create_task(conn.connect(Req(srv.url), [rec3], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec3.queued.wait()
        c1.close()  # grants the slot to t2 ...
        t2.cancel()  # ... which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await t2
        async with asyncio.timeout(5):
            c3 = await t3
        c3.close()
        assert conn._used == 0
        await conn.close()


async def test_failed_connect_gives_slot_back() -> None:
    conn = TCPConnector(limit=1)
    req = Req(f"http://127.0.0.1:{refused_port()}/")
    for _ in range(3):
        with pytest.raises(ClientConnectorError):
            await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
    assert conn._used == 0
    await conn.close()


async def test_close_fails_waiters() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=1)
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        rec = Recorder()
        t2 = asyncio.create_task(conn.connect(Req(srv.url), [rec], TIMEOUT))  # type: ignore[arg-type,list-item]
        async with asyncio.timeout(5):
            await rec.queued.wait()
        proto = c1.protocol
        await conn.close()
        with pytest.raises(ClientConnectionError):
            await t2
        assert proto is not None and not proto.is_connected()
        c1.release()  # after close: harmless


async def test_connect_after_close() -> None:
    conn = TCPConnector()
    await conn.close()
    with pytest.raises(ClientConnectionError, match="closed"):
        await conn.connect(Req("http://127.0.0.1:1/"), [], TIMEOUT)  # type: ignore[arg-type]
    await conn.close()  # twice is fine


async def test_close_waits_for_transports() -> None:
    async with Server() as srv:
        conn = TCPConnector()
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c1) == b"ok"
        proto = c1.protocol
        c1.release()
        async with asyncio.timeout(5):
            await conn.close()
        assert proto is not None and proto.closed.done()


async def test_connection_callbacks_and_repr() -> None:
    async with Server() as srv:
        conn = TCPConnector()
        c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        called: list[int] = []
        c.add_callback(lambda: called.append(1))
        c.add_callback(lambda: called.append(2))
        assert "Connection" in repr(c)
        assert not c.closed
        c.release()
        c.release()
        assert called == [1, 2]
        assert c.transport is None
        await conn.close()


# -- errors and timeouts -----------------------------------------------------------------


async def test_refused_raises_connector_error() -> None:
    conn = TCPConnector()
    port = refused_port()
    with pytest.raises(ClientConnectorError) as info:
        await conn.connect(Req(f"http://127.0.0.1:{port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert not isinstance(info.value, ClientConnectorDNSError)
    assert info.value.host == "127.0.0.1" and info.value.port == port
    assert isinstance(info.value.os_error, ConnectionRefusedError)
    await conn.close()


async def test_dns_failure_raises_dns_error() -> None:
    resolver = CountingResolver([], error=OSError(-2, "Name or service not known"))
    conn = TCPConnector(resolver=resolver)
    with pytest.raises(ClientConnectorDNSError):
        await conn.connect(Req("http://nowhere.test/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert conn._used == 0
    await conn.close()
    assert not resolver.closed  # not ours to close


async def test_connect_timeout_while_resolving() -> None:
    resolver = CountingResolver([("127.0.0.1", 1)])
    resolver.gate = asyncio.Event()  # never set: the lookup hangs
    conn = TCPConnector(resolver=resolver)
    with pytest.raises(ConnectionTimeoutError):
        await conn.connect(
            Req("http://slow.test/"),
            [],
            ClientTimeout(connect=0.01),  # type: ignore[arg-type]
        )
    assert conn._used == 0
    await conn.close()


async def test_connect_timeout_covers_the_queue() -> None:
    async with Server() as srv:
        conn = TCPConnector(limit=1)
        c1 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        with pytest.raises(ConnectionTimeoutError):
            await conn.connect(Req(srv.url), [], ClientTimeout(connect=0.01))  # type: ignore[arg-type]
        assert not conn._waiters
        c1.close()
        c2 = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        c2.close()
        await conn.close()


# -- DNS ----------------------------------------------------------------------------------


async def test_dns_cache_and_traces() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", srv.port)])
        conn = TCPConnector(resolver=resolver, force_close=True)
        rec = Recorder()
        for _ in range(2):
            c = await conn.connect(Req(f"http://example.test:{srv.port}/"), [rec], TIMEOUT)  # type: ignore[arg-type,list-item]
            c.close()
        assert resolver.calls == 1
        assert rec.events == [
            "connection_create_start",
            "dns_cache_miss",
            "dns_resolvehost_start",
            "dns_resolvehost_end",
            "connection_create_end",
            "connection_create_start",
            "dns_cache_hit",
            "connection_create_end",
        ]
        conn.clear_dns_cache("example.test", srv.port)
        c = await conn.connect(Req(f"http://example.test:{srv.port}/"), [], TIMEOUT)  # type: ignore[arg-type]
        c.close()
        assert resolver.calls == 2
        conn.clear_dns_cache()
        assert ("example.test", srv.port) not in conn.cached_hosts
        with pytest.raises(ValueError):
            conn.clear_dns_cache("example.test")
        await conn.close()


async def test_dns_cache_ttl_expiry() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", srv.port)])
        conn = TCPConnector(resolver=resolver, force_close=True, ttl_dns_cache=10)
        c = await conn.connect(Req(f"http://example.test:{srv.port}/"), [], TIMEOUT)  # type: ignore[arg-type]
        c.close()
        key = ("example.test", srv.port)
        conn.cached_hosts._timestamps[key] -= 11
        c = await conn.connect(Req(f"http://example.test:{srv.port}/"), [], TIMEOUT)  # type: ignore[arg-type]
        c.close()
        assert resolver.calls == 2
        await conn.close()


async def test_no_dns_cache() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", srv.port)])
        conn = TCPConnector(resolver=resolver, force_close=True, use_dns_cache=False)
        rec = Recorder()
        for _ in range(2):
            c = await conn.connect(Req(f"http://example.test:{srv.port}/"), [rec], TIMEOUT)  # type: ignore[arg-type,list-item]
            c.close()
        assert resolver.calls == 2
        assert "dns_cache_hit" not in rec.events
        await conn.close()


async def test_concurrent_lookups_share_one_query() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", srv.port)])
        resolver.gate = asyncio.Event()
        conn = TCPConnector(resolver=resolver, force_close=True)
        tasks = [
            asyncio.create_task(conn.connect(Req(f"http://example.test:{srv.port}/"), [], TIMEOUT))  # type: ignore[arg-type]
            for _ in range(3)
        ]
        async with asyncio.timeout(5):
            await resolver.started.wait()
        resolver.gate.set()
        async with asyncio.timeout(5):
            conns = await asyncio.gather(*tasks)
        for c in conns:
            c.close()
        assert resolver.calls == 1
        await conn.close()


async def test_ip_literal_skips_dns() -> None:
    async with Server() as srv:
        resolver = CountingResolver([])
        conn = TCPConnector(resolver=resolver)
        c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        c.close()
        assert resolver.calls == 0
        await conn.close()


async def test_ipv6_literal() -> None:
    try:
        server = await asyncio.start_server(lambda r, w: w.close(), "::1", 0)
    except OSError:
        pytest.fail("IPv6 loopback is required for this test")
    port = server.sockets[0].getsockname()[1]
    conn = TCPConnector()
    c = await conn.connect(Req(f"http://[::1]:{port}/"), [], TIMEOUT)  # type: ignore[arg-type]
    assert c.transport is not None
    assert c.transport.get_extra_info("peername")[0] == "::1"
    c.close()
    await conn.close()
    server.close()
    await server.wait_closed()


async def test_own_resolver_is_closed() -> None:
    conn = TCPConnector()
    resolver = conn._resolver
    closed: list[bool] = []

    async def close() -> None:
        closed.append(True)

    resolver.close = close  # type: ignore[method-assign]
    await conn.close()
    assert closed == [True]


# -- Happy Eyeballs ------------------------------------------------------------------------


async def test_happy_eyeballs_falls_through_to_a_live_address() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", refused_port()), ("127.0.0.1", srv.port)])
        conn = TCPConnector(resolver=resolver)
        c = await conn.connect(Req("http://multi.test:80/"), [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c) == b"ok"
        c.close()
        await conn.close()


async def test_sequential_without_happy_eyeballs() -> None:
    async with Server() as srv:
        resolver = CountingResolver([("127.0.0.1", refused_port()), ("127.0.0.1", srv.port)])
        conn = TCPConnector(resolver=resolver, happy_eyeballs_delay=None)
        c = await conn.connect(Req("http://multi.test:80/"), [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c) == b"ok"
        c.close()
        await conn.close()


async def test_all_addresses_fail() -> None:
    resolver = CountingResolver([("127.0.0.1", refused_port()), ("127.0.0.1", refused_port())])
    conn = TCPConnector(resolver=resolver, interleave=2)
    with pytest.raises(ClientConnectorError):
        await conn.connect(Req("http://multi.test:80/"), [], TIMEOUT)  # type: ignore[arg-type]
    await conn.close()


async def test_socket_factory_and_local_addr() -> None:
    async with Server() as srv:
        made: list[Any] = []

        def factory(info: Any) -> socket.socket:
            made.append(info)
            return socket.socket(info[0], info[1], info[2])

        conn = TCPConnector(socket_factory=factory, local_addr=("127.0.0.1", 0))
        c = await conn.connect(Req(srv.url), [], TIMEOUT)  # type: ignore[arg-type]
        assert made and made[0][4] == ("127.0.0.1", srv.port)
        assert c.transport is not None
        sock = c.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        c.close()
        await conn.close()


# -- Unix sockets -------------------------------------------------------------------------


async def test_unix_connector() -> None:
    srv = Server()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "s.sock")
        server = await asyncio.start_unix_server(srv.handle, path)
        conn = UnixConnector(path)
        assert conn.path == path
        assert "unix" in conn.allowed_protocol_schema_set
        c = await conn.connect(Req("http://unix.test/"), [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c) == b"ok"
        c.release()
        c = await conn.connect(Req("http://unix.test/"), [], TIMEOUT)  # type: ignore[arg-type]
        assert c.reused
        c.close()
        await conn.close()
        server.close()
        await server.wait_closed()
    assert srv.accepted == 1


async def test_unix_connector_missing_socket() -> None:
    conn = UnixConnector("/nonexistent/dir/s.sock")
    with pytest.raises(ClientConnectorError):
        await conn.connect(Req("http://unix.test/"), [], TIMEOUT)  # type: ignore[arg-type]
    await conn.close()


async def test_named_pipe_connector_needs_the_windows_proactor_loop() -> None:
    # The test loop is a selector loop (and this is not Windows): refused up front.
    with pytest.raises(RuntimeError, match="proactor"):
        NamedPipeConnector(r"\\.\pipe\aiohttp-test")
    assert "npipe" in NamedPipeConnector.allowed_protocol_schema_set


# -- the connection-creation hook -----------------------------------------------------------


class RerouteConnector(TCPConnector):
    """Overrides ``_wrap_create_connection`` as aiohttp-socks' ``ProxyConnector`` does."""

    def __init__(self, target_port: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_port = target_port
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    async def _wrap_create_connection(
        self, *args: Any, addr_infos: Any, req: Any, timeout: Any, **kwargs: Any
    ) -> tuple[asyncio.Transport, Any]:
        self.calls.append((args, {"addr_infos": addr_infos, "req": req, **kwargs}))
        transport, proto = await self._loop.create_connection(
            args[0], "127.0.0.1", self.target_port
        )
        return transport, proto


async def test_subclass_hook_opens_every_new_connection() -> None:
    async with Server() as srv:
        # The request names a port nothing listens on: only the hook can reach the server.
        port = refused_port()
        resolver = CountingResolver([("127.0.0.1", port)])
        conn = RerouteConnector(srv.port, resolver=resolver)
        req = Req(f"http://example.test:{port}/")
        c = await conn.connect(req, [], TIMEOUT)  # type: ignore[arg-type]
        assert await exchange(c) == b"ok"
        c.release()
        ((args, kwargs),) = conn.calls
        assert callable(args[0])
        assert kwargs["req"] is req
        assert kwargs["addr_infos"][0][4] == ("127.0.0.1", port)
        assert kwargs["ssl"] is None and kwargs["server_hostname"] is None
        assert kwargs["client_error"] is ClientConnectorError
        await conn.close()


async def test_the_first_connector_settles_malloc(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp_wire.allocator's one-time free (see test_allocator.py there).
    from aiohttp_wire import allocator

    monkeypatch.setattr(allocator, "_settled", False)
    connector = BaseConnector()
    assert allocator._settled
    await connector.close()
