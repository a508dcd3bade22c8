"""Connectors: where a ``ClientSession`` gets its connections from.

``BaseConnector`` owns the keep-alive pool and the ``limit`` /
``limit_per_host`` accounting; ``TCPConnector`` opens TCP (and TLS)
connections, resolving and caching DNS, racing addresses with Happy Eyeballs
and tunnelling through HTTP proxies; ``UnixConnector`` opens Unix sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp_wire import hdrs
from aiohttp_wire.abc import AbstractResolver, ResolveResult
from aiohttp_wire.allocator import settle_malloc
from aiohttp_wire.helpers import BasicAuth, ceil_timeout, is_ip_address, sentinel

from .client_exceptions import (
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientHttpProxyError,
    ClientProxyConnectionError,
    ConnectionTimeoutError,
)
from .client_proto import ResponseHandler
from .client_reqrep import ACCEPT_ENCODING, USER_AGENT, ConnectionKey, Fingerprint, RequestInfo
from .resolver import DefaultResolver

if TYPE_CHECKING:
    from .client import ClientTimeout
    from .client_reqrep import ClientRequest
    from .tracing import Trace

__all__ = (
    "AddrInfoType",
    "BaseConnector",
    "Connection",
    "NamedPipeConnector",
    "SocketFactoryType",
    "TCPConnector",
    "UnixConnector",
)

AddrInfoType = tuple[int, int, int, str, tuple[Any, ...]]
"""One ``getaddrinfo`` entry: family, type, proto, canonname, sockaddr."""

SocketFactoryType = Callable[[AddrInfoType], socket.socket]

HIGH_LEVEL_SCHEMA_SET = frozenset({"http", "https", "ws", "wss"})

_SSLArg = ssl.SSLContext | bool | Fingerprint
_CLEANUP_CLOSED_PERIOD = 2.0
# Python fixed the leak of aborted TLS transports in these versions.
_NEEDS_CLEANUP_CLOSED = sys.version_info < (3, 12, 7) or (3, 13) <= sys.version_info < (3, 13, 1)


class Connection:
    """A connection handed out by a connector; give it back with ``release()``.

    ``reused`` is true when the connection came from the keep-alive pool: the
    server may have closed it while it was idle, so the session may retry an
    idempotent request that fails on it before any response byte arrives.
    """

    __slots__ = ("__weakref__", "_callbacks", "_connector", "_key", "_loop", "_protocol", "reused")

    def __init__(
        self,
        connector: BaseConnector,
        key: ConnectionKey,
        protocol: ResponseHandler,
        loop: asyncio.AbstractEventLoop,
        reused: bool = False,
    ) -> None:
        self._key = key
        self._connector = connector
        self._loop = loop
        self._protocol: ResponseHandler | None = protocol
        self._callbacks: list[Callable[[], None]] | None = None
        self.reused = reused

    def __repr__(self) -> str:
        return f"Connection<{self._key}>"

    def __del__(self, _warnings: Any = warnings) -> None:
        protocol = self._protocol
        if protocol is not None:
            _warnings.warn(f"Unclosed connection {self!r}", ResourceWarning, stacklevel=1)
            if self._loop.is_closed():
                return
            self._connector._release(self._key, protocol, should_close=True)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop (deprecated in aiohttp, kept for compatibility)."""
        warnings.warn("connector.loop property is deprecated", DeprecationWarning, stacklevel=2)
        return self._loop

    @property
    def transport(self) -> asyncio.Transport | None:
        """The transport, or ``None`` once the connection is released or closed."""
        protocol = self._protocol
        if protocol is None:
            return None
        return protocol.transport

    @property
    def protocol(self) -> ResponseHandler | None:
        """The ``ResponseHandler`` of this connection (``None`` once given back)."""
        return self._protocol

    def add_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the connection is released or closed."""
        if self._callbacks is None:
            self._callbacks = [callback]
        else:
            self._callbacks.append(callback)

    def _notify_release(self) -> None:
        callbacks = self._callbacks
        if callbacks is not None:
            self._callbacks = None
            for cb in callbacks:
                with contextlib.suppress(Exception):  # a callback must not keep the slot
                    cb()

    def close(self) -> None:
        """Close the connection and give its slot back."""
        self._notify_release()
        protocol = self._protocol
        if protocol is not None:
            self._protocol = None
            self._connector._release(self._key, protocol, should_close=True)

    def release(self) -> None:
        """Give the connection back to the pool (or close it if it cannot be reused)."""
        self._notify_release()
        protocol = self._protocol
        if protocol is not None:
            self._protocol = None
            self._connector._release(self._key, protocol)

    @property
    def closed(self) -> bool:
        """Whether the connection was given back or its transport is gone."""
        return self._protocol is None or not self._protocol.is_connected()


class _Closed:
    """The awaitable ``BaseConnector.close()`` returns: done when every transport closed."""

    __slots__ = ("_waiters",)

    def __init__(self, waiters: list[asyncio.Future[None]]) -> None:
        self._waiters = waiters

    def __await__(self) -> Any:
        if self._waiters:
            yield from asyncio.gather(*self._waiters, return_exceptions=True).__await__()


class BaseConnector:
    """The keep-alive pool and connection limits; subclasses open the connections.

    ``limit`` caps the connections in use at once (0: no cap) and
    ``limit_per_host`` those to one ``ConnectionKey``. Requests over the caps
    queue in FIFO order; a released connection's slot goes straight to the
    first waiter that may use it, so nobody can overtake it, and a waiter
    cancelled after being granted a slot hands it on.
    """

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | {"", "tcp"}
    _closed = True  # until __init__ succeeds, so that __del__ has nothing to do

    def __init__(
        self,
        *,
        keepalive_timeout: float | object | None = sentinel,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
    ) -> None:
        if force_close:
            if keepalive_timeout is not None and keepalive_timeout is not sentinel:
                raise ValueError("keepalive_timeout cannot be set if force_close is True")
        elif keepalive_timeout is sentinel:
            keepalive_timeout = 15.0
        if loop is None:
            loop = asyncio.get_running_loop()
        self._loop = loop
        self._closed = False
        self._keepalive_timeout = cast("float | None", None if force_close else keepalive_timeout)
        self._force_close = force_close
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._timeout_ceil_threshold = timeout_ceil_threshold
        self._conns: dict[ConnectionKey, list[tuple[ResponseHandler, float]]] = {}
        self._acquired: set[ResponseHandler] = set()
        self._used = 0
        self._used_per_host: dict[ConnectionKey, int] = {}
        self._waiters: deque[tuple[ConnectionKey, asyncio.Future[None]]] = deque()
        self._cleanup_handle: asyncio.TimerHandle | None = None
        self._cleanup_closed_disabled = not (enable_cleanup_closed and _NEEDS_CLEANUP_CLOSED)
        if enable_cleanup_closed and not _NEEDS_CLEANUP_CLOSED:
            warnings.warn(
                "enable_cleanup_closed ignored because this Python version fixed the leak",
                DeprecationWarning,
                stacklevel=2,
            )
        self._cleanup_closed_transports: list[asyncio.Transport] = []
        self._cleanup_closed_handle: asyncio.TimerHandle | None = None
        self._factory: Callable[[], ResponseHandler] = lambda: ResponseHandler(loop)
        settle_malloc()

    def __del__(self, _warnings: Any = warnings) -> None:
        if self._closed or not self._conns:
            return
        _warnings.warn(f"Unclosed connector {self!r}", ResourceWarning, stacklevel=1)
        if not self._loop.is_closed():
            self._close()

    async def __aenter__(self) -> BaseConnector:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- properties --------------------------------------------------------------------

    @property
    def force_close(self) -> bool:
        """Whether every connection is closed after its request."""
        return self._force_close

    @property
    def limit(self) -> int:
        """The cap on connections in use at once (0: none)."""
        return self._limit

    @property
    def limit_per_host(self) -> int:
        """The cap on connections in use to one endpoint (0: none)."""
        return self._limit_per_host

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    # -- slots -------------------------------------------------------------------------

    def _has_slot(self, key: ConnectionKey) -> bool:
        if self._limit and self._used >= self._limit:
            return False
        return not (
            self._limit_per_host and self._used_per_host.get(key, 0) >= self._limit_per_host
        )

    def _reserve(self, key: ConnectionKey) -> None:
        self._used += 1
        per_host = self._used_per_host
        per_host[key] = per_host.get(key, 0) + 1

    def _unreserve(self, key: ConnectionKey) -> None:
        self._used -= 1
        per_host = self._used_per_host
        left = per_host[key] - 1
        if left:
            per_host[key] = left
        else:
            del per_host[key]
        if self._waiters:
            self._grant_waiters()

    def _grant_waiters(self) -> None:
        """Hand free slots to queued requests, oldest first."""
        remaining: deque[tuple[ConnectionKey, asyncio.Future[None]]] = deque()
        for item in self._waiters:
            key, fut = item
            if fut.done():
                continue
            if self._has_slot(key):
                self._reserve(key)
                fut.set_result(None)
            else:
                remaining.append(item)
        self._waiters = remaining

    async def _wait_for_slot(self, key: ConnectionKey, traces: list[Trace]) -> None:
        """Queue until a slot is granted (the slot is reserved on return)."""
        fut: asyncio.Future[None] = self._loop.create_future()
        item = (key, fut)
        self._waiters.append(item)
        try:
            for trace in traces:
                await trace.send_connection_queued_start()
            await fut
        except BaseException:
            if fut.done() and not fut.cancelled():
                self._unreserve(key)
            else:
                fut.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(item)
            raise

    # -- connect / release --------------------------------------------------------------

    async def connect(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> Connection:
        """Return a connection for ``req``: a pooled one if any, else a new one."""
        if self._closed:
            raise ClientConnectionError("Connector is closed.")
        if req.proxy is not None and not req.is_ssl():
            _add_forward_proxy_headers(req)
        key = req.connection_key
        if not traces and key in self._conns and self._has_slot(key):
            # A free slot and a pooled connection: nothing to wait for.
            proto = self._get(key)
            if proto is not None:
                self._reserve(key)
                self._acquired.add(proto)
                return Connection(self, key, proto, self._loop, True)
        if timeout.connect is None:
            return await self._connect(req, key, traces, timeout)
        try:
            async with ceil_timeout(timeout.connect, timeout.ceil_threshold):
                return await self._connect(req, key, traces, timeout)
        except asyncio.TimeoutError as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise
            raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc

    async def _connect(
        self,
        req: ClientRequest,
        key: ConnectionKey,
        traces: list[Trace],
        timeout: ClientTimeout,
    ) -> Connection:
        queued = not self._has_slot(key)
        if queued:
            await self._wait_for_slot(key, traces)
        else:
            self._reserve(key)
        try:
            if queued:
                for trace in traces:
                    await trace.send_connection_queued_end()
            proto = self._get(key)
            if proto is not None:
                for trace in traces:
                    await trace.send_connection_reuseconn()
                self._acquired.add(proto)
                return Connection(self, key, proto, self._loop, True)
            for trace in traces:
                await trace.send_connection_create_start()
            proto = await self._create_connection(req, traces, timeout)
            if self._closed:
                proto.close()
                raise ClientConnectionError("Connector is closed.")
            for trace in traces:
                await trace.send_connection_create_end()
        except BaseException:
            if not self._closed:
                self._unreserve(key)
            raise
        self._acquired.add(proto)
        return Connection(self, key, proto, self._loop, False)

    def _get(self, key: ConnectionKey) -> ResponseHandler | None:
        """Pop the most recently used live pooled connection for ``key``."""
        pool = self._conns.get(key)
        if pool is None:
            return None
        now = self._loop.time()
        keepalive = self._keepalive_timeout
        while pool:
            proto, since = pool.pop()
            if proto.is_connected() and (keepalive is None or now - since <= keepalive):
                if not pool:
                    del self._conns[key]
                return proto
            self._close_protocol(proto)
        del self._conns[key]
        return None

    def _release(
        self, key: ConnectionKey, protocol: ResponseHandler, *, should_close: bool = False
    ) -> None:
        """Take a connection back: pool it if it may be reused, else close it."""
        if self._closed:
            return
        self._acquired.discard(protocol)
        if (
            self._force_close
            or should_close
            or protocol.should_close
            or not protocol.is_connected()
        ):
            self._close_protocol(protocol)
        else:
            pool = self._conns.get(key)
            if pool is None:
                self._conns[key] = [(protocol, self._loop.time())]
            else:
                pool.append((protocol, self._loop.time()))
            if self._cleanup_handle is None and self._keepalive_timeout is not None:
                self._schedule_cleanup()
        self._unreserve(key)

    def _close_protocol(self, protocol: ResponseHandler) -> None:
        transport = protocol.transport
        protocol.close()
        if (
            not self._cleanup_closed_disabled
            and transport is not None
            and transport.get_extra_info("sslcontext") is not None
        ):
            self._cleanup_closed_transports.append(transport)
            if self._cleanup_closed_handle is None:
                self._cleanup_closed_handle = self._loop.call_later(
                    _CLEANUP_CLOSED_PERIOD, self._cleanup_closed
                )

    def _cleanup_closed(self) -> None:
        """Abort TLS transports that did not finish closing (old Pythons leak them)."""
        self._cleanup_closed_handle = None
        transports, self._cleanup_closed_transports = self._cleanup_closed_transports, []
        for transport in transports:
            transport.abort()

    def _schedule_cleanup(self) -> None:
        timeout = self._keepalive_timeout
        assert timeout is not None
        when = self._loop.time() + timeout
        if timeout >= self._timeout_ceil_threshold:
            when = float(int(when) + 1)
        self._cleanup_handle = self._loop.call_at(when, self._cleanup)

    def _cleanup(self) -> None:
        """Close pooled connections idle longer than ``keepalive_timeout``."""
        self._cleanup_handle = None
        timeout = self._keepalive_timeout
        if timeout is None or self._closed:
            return
        deadline = self._loop.time() - timeout
        for key in list(self._conns):
            pool = self._conns[key]
            alive = []
            for proto, since in pool:
                if since > deadline and proto.is_connected():
                    alive.append((proto, since))
                else:
                    self._close_protocol(proto)
            if alive:
                self._conns[key] = alive
            else:
                del self._conns[key]
        if self._conns:
            self._schedule_cleanup()

    # -- closing -----------------------------------------------------------------------

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        """Close every connection; the result may be awaited until they are gone."""
        waiters = self._close(abort_ssl=abort_ssl)
        return _Closed(waiters)

    def _close(self, *, abort_ssl: bool = False) -> list[asyncio.Future[None]]:
        if self._closed:
            return []
        self._closed = True
        waiters: list[asyncio.Future[None]] = []
        if self._cleanup_handle is not None:
            self._cleanup_handle.cancel()
            self._cleanup_handle = None
        if self._cleanup_closed_handle is not None:
            self._cleanup_closed_handle.cancel()
            self._cleanup_closed_handle = None
        protocols = [proto for pool in self._conns.values() for proto, _ in pool]
        protocols.extend(self._acquired)
        self._conns.clear()
        self._acquired.clear()
        for proto in protocols:
            transport = proto.transport
            if abort_ssl and transport is not None:
                transport.abort()
            proto.close()
            if not proto.closed.done():
                waiters.append(proto.closed)
        for transport in self._cleanup_closed_transports:
            transport.abort()
        self._cleanup_closed_transports.clear()
        for _, fut in self._waiters:
            if not fut.done():
                fut.set_exception(ClientConnectionError("Connector is closed."))
        self._waiters.clear()
        return waiters

    async def _create_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        raise NotImplementedError


def _add_forward_proxy_headers(req: ClientRequest) -> None:
    """An ``http://`` target through a proxy carries the proxy's credentials itself.

    As in aiohttp, ``proxy_headers`` go only into ``CONNECT`` requests.
    """
    if req.proxy_auth is not None:
        req.headers[hdrs.PROXY_AUTHORIZATION] = req.proxy_auth.encode()


def _ssl_error(
    key: ConnectionKey, exc: BaseException, default: type[ClientConnectorError]
) -> ClientConnectorError:
    if isinstance(exc, ssl.CertificateError):
        return ClientConnectorCertificateError(key, exc)
    if isinstance(exc, ssl.SSLError):
        return ClientConnectorSSLError(key, exc)
    assert isinstance(exc, OSError)
    return default(key, exc)


def _make_ssl_context(verified: bool) -> ssl.SSLContext:
    """The default contexts: verifying (system CAs) or not verifying at all."""
    if verified:
        return ssl.create_default_context()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.options |= ssl.OP_NO_COMPRESSION
    ctx.set_default_verify_paths()
    return ctx


_SSL_CONTEXTS: dict[bool, ssl.SSLContext] = {}


def _default_ssl_context(verified: bool) -> ssl.SSLContext:
    ctx = _SSL_CONTEXTS.get(verified)
    if ctx is None:
        ctx = _SSL_CONTEXTS[verified] = _make_ssl_context(verified)
    return ctx


def _merge_ssl_params(
    ssl_arg: _SSLArg | None,
    verify_ssl: bool | None,
    ssl_context: ssl.SSLContext | None,
    fingerprint: bytes | None,
) -> _SSLArg:
    """Fold the deprecated ``verify_ssl``/``ssl_context``/``fingerprint`` into ``ssl``."""
    if ssl_arg is None:
        ssl_arg = True
    if verify_ssl is not None and not verify_ssl:
        warnings.warn(
            "verify_ssl is deprecated, use ssl=False instead", DeprecationWarning, stacklevel=3
        )
        if ssl_arg is not True:
            raise ValueError(
                "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually exclusive"
            )
        ssl_arg = False
    if ssl_context is not None:
        warnings.warn(
            "ssl_context is deprecated, use ssl=context instead", DeprecationWarning, stacklevel=3
        )
        if ssl_arg is not True:
            raise ValueError(
                "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually exclusive"
            )
        ssl_arg = ssl_context
    if fingerprint is not None:
        warnings.warn(
            "fingerprint is deprecated, use ssl=Fingerprint(fingerprint) instead",
            DeprecationWarning,
            stacklevel=3,
        )
        if ssl_arg is not True:
            raise ValueError(
                "verify_ssl, ssl_context, fingerprint and ssl parameters are mutually exclusive"
            )
        ssl_arg = Fingerprint(fingerprint)
    if not isinstance(ssl_arg, (ssl.SSLContext, bool, Fingerprint)):
        raise TypeError(f"ssl should be SSLContext, Fingerprint, or bool, got {ssl_arg!r} instead.")
    return ssl_arg


class _DNSCacheTable:
    """Resolved addresses per ``(host, port)`` with an optional TTL, rotated round-robin."""

    __slots__ = ("_addrs", "_timestamps", "_ttl")

    def __init__(self, ttl: float | None = None) -> None:
        self._addrs: dict[tuple[str, int], tuple[list[ResolveResult], int]] = {}
        self._timestamps: dict[tuple[str, int], float] = {}
        self._ttl = ttl

    def __contains__(self, host: object) -> bool:
        return host in self._addrs

    def add(self, key: tuple[str, int], addrs: list[ResolveResult], now: float) -> None:
        self._addrs[key] = (addrs, 0)
        if self._ttl is not None:
            self._timestamps[key] = now

    def remove(self, key: tuple[str, int]) -> None:
        self._addrs.pop(key, None)
        self._timestamps.pop(key, None)

    def clear(self) -> None:
        self._addrs.clear()
        self._timestamps.clear()

    def next_addrs(self, key: tuple[str, int]) -> list[ResolveResult]:
        addrs, start = self._addrs[key]
        self._addrs[key] = (addrs, (start + 1) % len(addrs))
        if start == 0:
            return list(addrs)
        return addrs[start:] + addrs[:start]

    def expired(self, key: tuple[str, int], now: float) -> bool:
        if self._ttl is None:
            return False
        return self._timestamps[key] + self._ttl < now


def _interleave(infos: list[AddrInfoType], first_family_count: int) -> list[AddrInfoType]:
    """Alternate address families (RFC 8305 section 4), first family first."""
    by_family: dict[int, deque[AddrInfoType]] = {}
    for info in infos:
        by_family.setdefault(info[0], deque()).append(info)
    queues = list(by_family.values())
    result: list[AddrInfoType] = []
    if queues:
        first = queues[0]
        for _ in range(first_family_count - 1):
            if first:
                result.append(first.popleft())
    while any(queues):
        for queue in queues:
            if queue:
                result.append(queue.popleft())
    return result


class TCPConnector(BaseConnector):
    """Opens TCP connections (TLS for ``https``/``wss``), directly or through an HTTP proxy."""

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | {"", "tcp"}

    def __init__(
        self,
        *,
        ssl: _SSLArg = True,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        use_dns_cache: bool = True,
        ttl_dns_cache: int | None = 10,
        family: socket.AddressFamily | int = socket.AF_UNSPEC,
        ssl_context: ssl.SSLContext | None = None,
        local_addr: tuple[str, int] | None = None,
        resolver: AbstractResolver | None = None,
        keepalive_timeout: float | object | None = sentinel,
        force_close: bool = False,
        limit: int = 100,
        limit_per_host: int = 0,
        enable_cleanup_closed: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
        timeout_ceil_threshold: float = 5,
        happy_eyeballs_delay: float | None = 0.25,
        interleave: int | None = None,
        socket_factory: SocketFactoryType | None = None,
        ssl_shutdown_timeout: float | object | None = sentinel,
    ) -> None:
        if ssl_shutdown_timeout is not sentinel:
            warnings.warn(
                "ssl_shutdown_timeout is deprecated and has no effect",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(
            keepalive_timeout=keepalive_timeout,
            force_close=force_close,
            limit=limit,
            limit_per_host=limit_per_host,
            enable_cleanup_closed=enable_cleanup_closed,
            loop=loop,
            timeout_ceil_threshold=timeout_ceil_threshold,
        )
        self._ssl = _merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        self._resolver: AbstractResolver = resolver if resolver is not None else DefaultResolver()
        self._resolver_owner = resolver is None
        self._use_dns_cache = use_dns_cache
        self._cached_hosts = _DNSCacheTable(ttl=ttl_dns_cache)
        self._resolve_tasks: dict[tuple[str, int], asyncio.Task[list[ResolveResult]]] = {}
        self._family = family
        self._local_addr = local_addr
        self._happy_eyeballs_delay = happy_eyeballs_delay
        self._interleave = interleave
        self._socket_factory = socket_factory

    # -- public ------------------------------------------------------------------------

    @property
    def family(self) -> int:
        """The socket family connections are restricted to (``AF_UNSPEC``: any)."""
        return self._family

    @property
    def use_dns_cache(self) -> bool:
        """Whether resolved addresses are cached."""
        return self._use_dns_cache

    @property
    def cached_hosts(self) -> _DNSCacheTable:
        """The DNS cache."""
        return self._cached_hosts

    def clear_dns_cache(self, host: str | None = None, port: int | None = None) -> None:
        """Forget one ``host``/``port`` entry, or every entry when both are ``None``."""
        if host is not None and port is not None:
            self._cached_hosts.remove((host, port))
        elif host is not None or port is not None:
            raise ValueError("either both host and port or none of them are allowed")
        else:
            self._cached_hosts.clear()

    def _close(self, *, abort_ssl: bool = False) -> list[asyncio.Future[None]]:
        """Also stop pending lookups and close the resolver we created."""
        waiters = super()._close(abort_ssl=abort_ssl)
        for task in self._resolve_tasks.values():
            task.cancel()
        self._resolve_tasks.clear()
        if self._resolver_owner and not self._loop.is_closed():
            self._resolver_owner = False
            waiters.append(self._loop.create_task(self._resolver.close()))
        return waiters

    # -- DNS ---------------------------------------------------------------------------

    async def _resolve_host(self, host: str, port: int, traces: list[Trace]) -> list[ResolveResult]:
        """Addresses for ``host``; IP literals skip DNS, the rest may come from the cache."""
        if is_ip_address(host):
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            return [
                {
                    "hostname": host,
                    "host": host,
                    "port": port,
                    "family": family,
                    "proto": 0,
                    "flags": 0,
                }
            ]
        if not self._use_dns_cache:
            for trace in traces:
                await trace.send_dns_resolvehost_start(host)
            result = await self._resolver.resolve(host, port, family=self._family)
            for trace in traces:
                await trace.send_dns_resolvehost_end(host)
            return result
        key = (host, port)
        cache = self._cached_hosts
        if key in cache and not cache.expired(key, self._loop.time()):
            for trace in traces:
                await trace.send_dns_cache_hit(host)
            return cache.next_addrs(key)
        task = self._resolve_tasks.get(key)
        if task is None:
            task = self._loop.create_task(self._resolve_and_cache(key, host, port))
            self._resolve_tasks[key] = task
            task.add_done_callback(lambda t: self._forget_task(key, t))
        for trace in traces:
            await trace.send_dns_cache_miss(host)
        for trace in traces:
            await trace.send_dns_resolvehost_start(host)
        addrs = await asyncio.shield(task)
        for trace in traces:
            await trace.send_dns_resolvehost_end(host)
        return list(addrs)

    def _forget_task(self, key: tuple[str, int], task: asyncio.Task[list[ResolveResult]]) -> None:
        if self._resolve_tasks.get(key) is task:
            del self._resolve_tasks[key]
        if not task.cancelled():
            task.exception()  # nobody may be left to retrieve it

    async def _resolve_and_cache(
        self, key: tuple[str, int], host: str, port: int
    ) -> list[ResolveResult]:
        addrs = await self._resolver.resolve(host, port, family=self._family)
        if addrs:
            self._cached_hosts.add(key, addrs, self._loop.time())
        return addrs

    # -- connecting --------------------------------------------------------------------

    def _ssl_context_for(self, ssl_arg: _SSLArg) -> ssl.SSLContext:
        if isinstance(ssl_arg, ssl.SSLContext):
            return ssl_arg
        if ssl_arg is True or isinstance(ssl_arg, Fingerprint):
            if isinstance(ssl_arg, Fingerprint):
                return _default_ssl_context(False)
            own = self._ssl
            if isinstance(own, ssl.SSLContext):
                return own
            return _default_ssl_context(own is True)
        return _default_ssl_context(False)

    def _request_ssl(self, req: ClientRequest) -> tuple[ssl.SSLContext | None, Fingerprint | None]:
        """The context and fingerprint for a TLS request (``None`` for plain ones)."""
        if not req.is_ssl():
            return None, None
        ssl_arg = req.ssl
        if ssl_arg is True:
            ssl_arg = self._ssl
        fingerprint = ssl_arg if isinstance(ssl_arg, Fingerprint) else None
        return self._ssl_context_for(ssl_arg), fingerprint

    async def _create_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        if req.proxy is not None:
            return await self._create_proxy_connection(req, traces, timeout)
        sslcontext, fingerprint = self._request_ssl(req)
        port = req.port
        assert port is not None
        _, proto = await self._open(
            req.host,
            port,
            traces,
            timeout,
            req=req,
            key=req.connection_key,
            sslcontext=sslcontext,
            server_hostname=_server_hostname(req) if sslcontext is not None else None,
            fingerprint=fingerprint,
            client_error=ClientConnectorError,
        )
        return cast(ResponseHandler, proto)

    async def _open(
        self,
        host: str,
        port: int,
        traces: list[Trace],
        timeout: ClientTimeout,
        *,
        req: ClientRequest,
        key: ConnectionKey,
        sslcontext: ssl.SSLContext | None,
        server_hostname: str | None,
        fingerprint: Fingerprint | None,
        client_error: type[ClientConnectorError],
        factory: Callable[[], asyncio.Protocol] | None = None,
    ) -> tuple[asyncio.Transport, Any]:
        """Resolve, connect (Happy Eyeballs), TLS-handshake and pin: one new connection."""
        try:
            hosts = await self._resolve_host(host, port, traces)
        except OSError as exc:
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise
            if client_error is ClientConnectorError:
                raise ClientConnectorDNSError(key, exc) from exc
            raise client_error(key, exc) from exc
        infos: list[AddrInfoType] = []
        for res in hosts:
            family = res["family"]
            if family == socket.AF_INET6:
                address: tuple[Any, ...] = (res["host"], res["port"], 0, 0)
            else:
                address = (res["host"], res["port"])
            infos.append((family, socket.SOCK_STREAM, res["proto"], "", address))
        if not infos:
            raise ClientConnectorDNSError(key, OSError(f"No addresses for {host}"))
        try:
            transport, proto = await self._wrap_create_connection(
                factory or self._factory,
                addr_infos=infos,
                req=req,
                timeout=timeout,
                client_error=client_error,
                ssl=sslcontext,
                server_hostname=server_hostname,
            )
        except ClientConnectionError:
            raise
        except asyncio.TimeoutError as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise client_error(key, exc) from exc
            raise ConnectionTimeoutError(f"Connection timeout to host {host}:{port}") from exc
        except OSError as exc:
            raise _ssl_error(key, exc, client_error) from exc
        if fingerprint is not None:
            try:
                fingerprint.check(transport)
            except BaseException:
                transport.close()
                raise
        return transport, proto

    async def _wrap_create_connection(
        self,
        *args: Any,
        addr_infos: list[AddrInfoType],
        req: ClientRequest,
        timeout: ClientTimeout,
        client_error: type[Exception] = ClientConnectorError,
        **kwargs: Any,
    ) -> tuple[asyncio.Transport, ResponseHandler]:
        """Open one transport to the first of ``addr_infos`` that answers, within ``sock_connect``.

        ``args[0]`` is the protocol factory; ``kwargs`` carry ``ssl`` and
        ``server_hostname``. This is the hook aiohttp's subclasses override
        (aiohttp-socks' ``ProxyConnector`` connects through SOCKS here), so every
        new connection goes through it; errors are translated by the caller.
        """
        factory, sslcontext, server_hostname = (
            args[0],
            kwargs.get("ssl"),
            kwargs.get("server_hostname"),
        )
        if timeout.sock_connect is None:
            return await self._connect_infos(addr_infos, factory, sslcontext, server_hostname)
        async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
            return await self._connect_infos(addr_infos, factory, sslcontext, server_hostname)

    async def _connect_infos(
        self,
        infos: list[AddrInfoType],
        factory: Callable[[], asyncio.Protocol],
        sslcontext: ssl.SSLContext | None,
        server_hostname: str | None,
    ) -> tuple[asyncio.Transport, Any]:
        sock = await self._connect_sock(infos)
        try:
            transport, proto = await self._loop.create_connection(
                factory, sock=sock, ssl=sslcontext, server_hostname=server_hostname
            )
        except BaseException:
            sock.close()
            raise
        return transport, proto

    def _make_socket(self, info: AddrInfoType) -> socket.socket:
        if self._socket_factory is not None:
            return self._socket_factory(info)
        return socket.socket(info[0], info[1], info[2])

    async def _connect_one(self, info: AddrInfoType) -> socket.socket:
        sock = self._make_socket(info)
        try:
            sock.setblocking(False)
            if info[0] in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._local_addr is not None:
                sock.bind(self._local_addr)
            await self._loop.sock_connect(sock, info[4])
        except BaseException:
            sock.close()
            raise
        return sock

    async def _connect_sock(self, infos: list[AddrInfoType]) -> socket.socket:
        """Connect a socket to the first address that answers (RFC 8305 staggering)."""
        if self._interleave is not None or self._happy_eyeballs_delay is not None:
            infos = _interleave(infos, self._interleave or 1)
        delay = self._happy_eyeballs_delay
        errors: list[OSError] = []
        if delay is None or len(infos) == 1:
            for info in infos:
                try:
                    return await self._connect_one(info)
                except OSError as exc:
                    errors.append(exc)
            raise _combine(errors)
        tasks: list[asyncio.Task[socket.socket]] = []
        pending: set[asyncio.Task[socket.socket]] = set()
        winner: asyncio.Task[socket.socket] | None = None
        try:
            for info in infos:
                task = self._loop.create_task(self._connect_one(info))
                tasks.append(task)
                pending.add(task)
                done, pending = await asyncio.wait(
                    pending, timeout=delay, return_when=asyncio.FIRST_COMPLETED
                )
                winner = _first_success(done, errors)
                if winner is not None:
                    return winner.result()
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                winner = _first_success(done, errors)
                if winner is not None:
                    return winner.result()
            raise _combine(errors)
        finally:
            for task in tasks:
                if task is not winner:
                    if task.done():
                        if not task.cancelled() and task.exception() is None:
                            task.result().close()
                    else:
                        task.cancel()
                        task.add_done_callback(_close_late_socket)

    # -- proxies -----------------------------------------------------------------------

    async def _create_proxy_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        proxy = req.proxy
        assert proxy is not None
        proxy_host = proxy.raw_host
        if proxy_host is None or proxy.scheme not in ("http", "https"):
            raise ValueError(f"Unsupported proxy URL {proxy}")
        proxy_port = proxy.port
        assert proxy_port is not None
        key = req.connection_key
        # An https:// proxy is verified like the targets, with the connector's setting.
        proxy_tls = self._ssl_context_for(True) if proxy.scheme == "https" else None
        tunnel = req.is_ssl()
        transport, proto = await self._open(
            proxy_host,
            proxy_port,
            traces,
            timeout,
            req=req,
            key=key,
            sslcontext=proxy_tls,
            server_hostname=proxy_host.rstrip(".") if proxy_tls is not None else None,
            fingerprint=None,
            client_error=ClientProxyConnectionError,
            factory=(lambda: _TunnelProtocol(self._loop)) if tunnel else self._factory,
        )
        if not tunnel:
            return cast(ResponseHandler, proto)
        assert isinstance(proto, _TunnelProtocol)
        try:
            if timeout.sock_connect is None:
                return await self._tunnel(req, key, transport, proto)
            async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
                return await self._tunnel(req, key, transport, proto)
        except asyncio.TimeoutError as exc:
            transport.close()
            if isinstance(exc, OSError) and exc.errno is not None:
                raise ClientConnectorError(key, exc) from exc
            raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
        except BaseException:
            transport.close()
            raise

    async def _tunnel(
        self,
        req: ClientRequest,
        key: ConnectionKey,
        transport: asyncio.Transport,
        tunnel: _TunnelProtocol,
    ) -> ResponseHandler:
        """``CONNECT`` through the proxy, then TLS to the target over the tunnel."""
        port = req.port
        authority = f"[{req.host}]:{port}" if ":" in req.host else f"{req.host}:{port}"
        lines = [f"CONNECT {authority} HTTP/1.1"]
        # The head aiohttp sends: Host as a request would, the proxy headers,
        # the automatic headers, then the proxy's credentials.
        headers: CIMultiDict[str] = CIMultiDict()
        headers[hdrs.HOST] = req.url.host_port_subcomponent or authority
        if req.proxy_headers:
            for name, value in req.proxy_headers.items():
                if name.lower() != "host":
                    headers.add(name, value)
        headers.setdefault(hdrs.ACCEPT, "*/*")
        headers.setdefault(hdrs.ACCEPT_ENCODING, ACCEPT_ENCODING)
        headers.setdefault(hdrs.USER_AGENT, USER_AGENT)
        auth: BasicAuth | None = req.proxy_auth
        if auth is not None:
            headers[hdrs.PROXY_AUTHORIZATION] = auth.encode()
        for name, value in headers.items():
            line = f"{name}: {value}"
            if "\r" in line or "\n" in line or "\x00" in line:
                raise ValueError(f"Invalid proxy header {name!r}")
            lines.append(line)
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        try:
            head = await tunnel.head
        except OSError as exc:
            raise ClientProxyConnectionError(key, exc) from exc
        status, reason, response_headers = _parse_proxy_head(head, key)
        if status // 100 != 2:
            proxy = req.proxy
            assert proxy is not None
            raise ClientHttpProxyError(
                RequestInfo(proxy, hdrs.METH_CONNECT, CIMultiDictProxy(headers)),
                (),
                status=status,
                message=reason,
                headers=response_headers,
            )
        sslcontext, fingerprint = self._request_ssl(req)
        assert sslcontext is not None
        proto = self._factory()
        try:
            tls = await self._loop.start_tls(
                transport, proto, sslcontext, server_hostname=_server_hostname(req)
            )
        except OSError as exc:
            if isinstance(exc, asyncio.TimeoutError) and exc.errno is None:
                raise
            raise _ssl_error(key, exc, ClientConnectorError) from exc
        assert tls is not None
        proto.connection_made(tls)  # start_tls leaves that to us
        if fingerprint is not None:
            try:
                fingerprint.check(tls)
            except BaseException:
                tls.close()
                raise
        return proto


class _TunnelProtocol(asyncio.Protocol):
    """Collects the proxy's answer to ``CONNECT`` (until TLS takes the transport over)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._buf = bytearray()
        self.head: asyncio.Future[bytes] = loop.create_future()

    def data_received(self, data: bytes) -> None:
        if self.head.done():
            return
        self._buf += data
        end = self._buf.find(b"\r\n\r\n")
        if end >= 0:
            self.head.set_result(bytes(self._buf[:end]))
        elif len(self._buf) > _MAX_PROXY_HEAD:
            self.head.set_exception(OSError("The proxy's answer to CONNECT is too long"))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.head.done():
            self.head.set_exception(
                ConnectionResetError("The proxy closed the connection before answering CONNECT")
            )


_MAX_PROXY_HEAD = 65536


def _parse_proxy_head(head: bytes, key: ConnectionKey) -> tuple[int, str, CIMultiDictProxy[str]]:
    """Status, reason and headers of the proxy's answer to ``CONNECT``."""
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if (
        len(parts) < 2
        or not parts[0].startswith("HTTP/1.")
        or not (len(parts[1]) == 3 and parts[1].isascii() and parts[1].isdigit())
    ):
        raise ClientProxyConnectionError(
            key, OSError(f"Malformed answer to CONNECT: {status_line!r}")
        )
    headers: CIMultiDict[str] = CIMultiDict()
    for line in header_lines:
        name, sep, value = line.partition(":")
        if sep:
            headers.add(name.strip(), value.strip())
    return int(parts[1]), parts[2] if len(parts) > 2 else "", CIMultiDictProxy(headers)


def _server_hostname(req: ClientRequest) -> str:
    name = req.server_hostname
    if name is None:
        name = req.host
    return name.rstrip(".")


def _first_success(
    done: Iterable[asyncio.Task[socket.socket]], errors: list[OSError]
) -> asyncio.Task[socket.socket] | None:
    winner = None
    for task in done:
        exc = task.exception()
        if exc is None:
            if winner is None:
                winner = task
            else:
                task.result().close()
        elif isinstance(exc, OSError):
            errors.append(exc)
        else:
            raise exc
    return winner


def _close_late_socket(task: asyncio.Task[socket.socket]) -> None:
    if not task.cancelled() and task.exception() is None:
        task.result().close()


def _combine(errors: list[OSError]) -> OSError:
    """One error for all failed attempts, as ``loop.create_connection`` reports them."""
    if not errors:
        return OSError("No addresses to connect to")
    if len(errors) == 1 or all(str(e) == str(errors[0]) for e in errors):
        return errors[0]
    return OSError(f"Multiple exceptions: {', '.join(str(e) for e in errors)}")


class _PathConnector(BaseConnector):
    """A connector whose connections all go to one local ``path``.

    The URL's host only names the pool.
    """

    #: What ``path`` names, for timeout messages.
    _kind = "path"

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | object | None = sentinel,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(
            force_close=force_close,
            keepalive_timeout=keepalive_timeout,
            limit=limit,
            limit_per_host=limit_per_host,
            loop=loop,
        )
        self._path = path

    @property
    def path(self) -> str:
        """The socket or pipe path."""
        return self._path

    async def _open(
        self, req: ClientRequest, timeout: ClientTimeout, connect: Callable[..., Awaitable[Any]]
    ) -> ResponseHandler:
        """``connect(factory, path)`` within ``sock_connect``, errors mapped as for TCP."""
        try:
            if timeout.sock_connect is None:
                _, proto = await connect(self._factory, self._path)
            else:
                async with ceil_timeout(timeout.sock_connect, timeout.ceil_threshold):
                    _, proto = await connect(self._factory, self._path)
        except asyncio.TimeoutError as exc:
            if isinstance(exc, OSError) and exc.errno is not None:
                raise ClientConnectorError(req.connection_key, exc) from exc
            message = f"Connection timeout to {self._kind} {self._path}"
            raise ConnectionTimeoutError(message) from exc
        except OSError as exc:
            raise ClientConnectorError(req.connection_key, exc) from exc
        return cast(ResponseHandler, proto)


class UnixConnector(_PathConnector):
    """Opens connections over the Unix socket at ``path``."""

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | {"unix"}
    _kind = "unix socket"

    async def _create_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        return await self._open(req, timeout, self._loop.create_unix_connection)


class NamedPipeConnector(_PathConnector):
    """Opens connections over the Windows named pipe at ``path`` (``\\\\.\\pipe\\<name>``).

    Named pipes exist only on Windows and asyncio reaches them only through the
    proactor event loop, so, as aiohttp documents, constructing one with any
    other loop raises ``RuntimeError``.
    """

    allowed_protocol_schema_set: frozenset[str] = HIGH_LEVEL_SCHEMA_SET | {"npipe"}
    _kind = "named pipe"

    def __init__(
        self,
        path: str,
        force_close: bool = False,
        keepalive_timeout: float | object | None = sentinel,
        limit: int = 100,
        limit_per_host: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(path, force_close, keepalive_timeout, limit, limit_per_host, loop)
        proactor = getattr(asyncio, "ProactorEventLoop", None)
        if proactor is None or not isinstance(self._loop, proactor):
            raise RuntimeError("Named Pipes only available in proactor loop under windows")

    async def _create_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: ClientTimeout
    ) -> ResponseHandler:
        # Only the Windows proactor loop has this method (checked in __init__).
        proto = await self._open(req, timeout, cast(Any, self._loop).create_pipe_connection)
        # The pipe transport calls connection_made on a later turn of the loop.
        await asyncio.sleep(0)
        return proto
