"""Client tracing: ``TraceConfig`` signals and the ``Trace`` that fires them.

A session holds one ``Trace`` per ``TraceConfig`` for each request; the
session and the connector call its ``send_*`` coroutines at each step, and
every callback receives ``(session, trace_config_ctx, params)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from aiosignal import Signal
from multidict import CIMultiDict
from yarl import URL

if TYPE_CHECKING:
    from .client import ClientSession
    from .client_reqrep import ClientResponse

__all__ = (
    "Trace",
    "TraceConfig",
    "TraceConnectionCreateEndParams",
    "TraceConnectionCreateStartParams",
    "TraceConnectionQueuedEndParams",
    "TraceConnectionQueuedStartParams",
    "TraceConnectionReuseconnParams",
    "TraceDnsCacheHitParams",
    "TraceDnsCacheMissParams",
    "TraceDnsResolveHostEndParams",
    "TraceDnsResolveHostStartParams",
    "TraceRequestChunkSentParams",
    "TraceRequestEndParams",
    "TraceRequestExceptionParams",
    "TraceRequestHeadersSentParams",
    "TraceRequestRedirectParams",
    "TraceRequestStartParams",
    "TraceResponseChunkReceivedParams",
)

_CtxT = TypeVar("_CtxT", bound=SimpleNamespace)

#: A tracing signal: callbacks take ``(session, trace_config_ctx, params)``.
_Signal = Signal["ClientSession", SimpleNamespace, Any]


class _TraceParams:
    """Base of the frozen parameter records: ``_fields`` names them, in order.

    Plain slotted classes instead of dataclasses: sixteen generated dataclasses
    cost about 10 ms of the client's import, for records only tracing builds.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self._fields
        cls_name = type(self).__name__
        if len(args) > len(names):
            raise TypeError(f"{cls_name}() takes {len(names)} arguments ({len(args)} given)")
        values = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError(f"{cls_name}() got an unexpected or repeated argument {name!r}")
            values[name] = value
        if len(values) != len(names):
            missing = ", ".join(name for name in names if name not in values)
            raise TypeError(f"{cls_name}() missing arguments: {missing}")
        for name in names:
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _TraceParams)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())


class TraceRequestStartParams(_TraceParams):
    """Parameters sent to ``on_request_start``."""

    _fields = ("method", "url", "headers")
    __slots__ = _fields

    method: str
    url: URL
    headers: CIMultiDict[str]


class TraceRequestChunkSentParams(_TraceParams):
    """Parameters sent to ``on_request_chunk_sent``."""

    _fields = ("method", "url", "chunk")
    __slots__ = _fields

    method: str
    url: URL
    chunk: bytes


class TraceResponseChunkReceivedParams(_TraceParams):
    """Parameters sent to ``on_response_chunk_received``."""

    _fields = ("method", "url", "chunk")
    __slots__ = _fields

    method: str
    url: URL
    chunk: bytes


class TraceRequestEndParams(_TraceParams):
    """Parameters sent to ``on_request_end``."""

    _fields = ("method", "url", "headers", "response")
    __slots__ = _fields

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


class TraceRequestExceptionParams(_TraceParams):
    """Parameters sent to ``on_request_exception``."""

    _fields = ("method", "url", "headers", "exception")
    __slots__ = _fields

    method: str
    url: URL
    headers: CIMultiDict[str]
    exception: BaseException


class TraceRequestRedirectParams(_TraceParams):
    """Parameters sent to ``on_request_redirect``."""

    _fields = ("method", "url", "headers", "response")
    __slots__ = _fields

    method: str
    url: URL
    headers: CIMultiDict[str]
    response: ClientResponse


class TraceRequestHeadersSentParams(_TraceParams):
    """Parameters sent to ``on_request_headers_sent``."""

    _fields = ("method", "url", "headers")
    __slots__ = _fields

    method: str
    url: URL
    headers: CIMultiDict[str]


class TraceConnectionQueuedStartParams(_TraceParams):
    """Parameters sent to ``on_connection_queued_start``."""

    _fields = ()
    __slots__ = _fields


class TraceConnectionQueuedEndParams(_TraceParams):
    """Parameters sent to ``on_connection_queued_end``."""

    _fields = ()
    __slots__ = _fields


class TraceConnectionCreateStartParams(_TraceParams):
    """Parameters sent to ``on_connection_create_start``."""

    _fields = ()
    __slots__ = _fields


class TraceConnectionCreateEndParams(_TraceParams):
    """Parameters sent to ``on_connection_create_end``."""

    _fields = ()
    __slots__ = _fields


class TraceConnectionReuseconnParams(_TraceParams):
    """Parameters sent to ``on_connection_reuseconn``."""

    _fields = ()
    __slots__ = _fields


class TraceDnsResolveHostStartParams(_TraceParams):
    """Parameters sent to ``on_dns_resolvehost_start``."""

    _fields = ("host",)
    __slots__ = _fields

    host: str


class TraceDnsResolveHostEndParams(_TraceParams):
    """Parameters sent to ``on_dns_resolvehost_end``."""

    _fields = ("host",)
    __slots__ = _fields

    host: str


class TraceDnsCacheHitParams(_TraceParams):
    """Parameters sent to ``on_dns_cache_hit``."""

    _fields = ("host",)
    __slots__ = _fields

    host: str


class TraceDnsCacheMissParams(_TraceParams):
    """Parameters sent to ``on_dns_cache_miss``."""

    _fields = ("host",)
    __slots__ = _fields

    host: str


class TraceConfig(Generic[_CtxT]):
    """The set of tracing signals a session fires, and the context factory."""

    def __init__(
        self,
        trace_config_ctx_factory: Callable[..., _CtxT] = SimpleNamespace,  # type: ignore[assignment]
    ) -> None:
        self._on_request_start: _Signal = Signal(self)
        self._on_request_chunk_sent: _Signal = Signal(self)
        self._on_response_chunk_received: _Signal = Signal(self)
        self._on_request_end: _Signal = Signal(self)
        self._on_request_exception: _Signal = Signal(self)
        self._on_request_redirect: _Signal = Signal(self)
        self._on_request_headers_sent: _Signal = Signal(self)
        self._on_connection_queued_start: _Signal = Signal(self)
        self._on_connection_queued_end: _Signal = Signal(self)
        self._on_connection_create_start: _Signal = Signal(self)
        self._on_connection_create_end: _Signal = Signal(self)
        self._on_connection_reuseconn: _Signal = Signal(self)
        self._on_dns_resolvehost_start: _Signal = Signal(self)
        self._on_dns_resolvehost_end: _Signal = Signal(self)
        self._on_dns_cache_hit: _Signal = Signal(self)
        self._on_dns_cache_miss: _Signal = Signal(self)
        self._trace_config_ctx_factory = trace_config_ctx_factory

    def trace_config_ctx(self, trace_request_ctx: Any = None) -> _CtxT:
        """Build the per-request context passed to every callback."""
        return self._trace_config_ctx_factory(trace_request_ctx=trace_request_ctx)

    def freeze(self) -> None:
        """Freeze every signal; the session does this when it takes the config."""
        for sig in self._signals():
            sig.freeze()

    def _signals(self) -> tuple[_Signal, ...]:
        return (
            self._on_request_start,
            self._on_request_chunk_sent,
            self._on_response_chunk_received,
            self._on_request_end,
            self._on_request_exception,
            self._on_request_redirect,
            self._on_request_headers_sent,
            self._on_connection_queued_start,
            self._on_connection_queued_end,
            self._on_connection_create_start,
            self._on_connection_create_end,
            self._on_connection_reuseconn,
            self._on_dns_resolvehost_start,
            self._on_dns_resolvehost_end,
            self._on_dns_cache_hit,
            self._on_dns_cache_miss,
        )

    @property
    def on_request_start(self) -> _Signal:
        """Fired before a request is sent (once per redirect hop)."""
        return self._on_request_start

    @property
    def on_request_chunk_sent(self) -> _Signal:
        """Fired for each body chunk written to the connection."""
        return self._on_request_chunk_sent

    @property
    def on_response_chunk_received(self) -> _Signal:
        """Fired for each body chunk read from the response."""
        return self._on_response_chunk_received

    @property
    def on_request_end(self) -> _Signal:
        """Fired when the response head has been received."""
        return self._on_request_end

    @property
    def on_request_exception(self) -> _Signal:
        """Fired when the request fails with an exception."""
        return self._on_request_exception

    @property
    def on_request_redirect(self) -> _Signal:
        """Fired when a redirect response is about to be followed."""
        return self._on_request_redirect

    @property
    def on_request_headers_sent(self) -> _Signal:
        """Fired once the request head has been written."""
        return self._on_request_headers_sent

    @property
    def on_connection_queued_start(self) -> _Signal:
        """Fired when the request waits for a free connection slot."""
        return self._on_connection_queued_start

    @property
    def on_connection_queued_end(self) -> _Signal:
        """Fired when the wait for a connection slot ends."""
        return self._on_connection_queued_end

    @property
    def on_connection_create_start(self) -> _Signal:
        """Fired before a new connection is opened."""
        return self._on_connection_create_start

    @property
    def on_connection_create_end(self) -> _Signal:
        """Fired after a new connection is opened."""
        return self._on_connection_create_end

    @property
    def on_connection_reuseconn(self) -> _Signal:
        """Fired when a pooled connection is reused."""
        return self._on_connection_reuseconn

    @property
    def on_dns_resolvehost_start(self) -> _Signal:
        """Fired before the host name is resolved."""
        return self._on_dns_resolvehost_start

    @property
    def on_dns_resolvehost_end(self) -> _Signal:
        """Fired after the host name is resolved."""
        return self._on_dns_resolvehost_end

    @property
    def on_dns_cache_hit(self) -> _Signal:
        """Fired when the resolver cache holds the host."""
        return self._on_dns_cache_hit

    @property
    def on_dns_cache_miss(self) -> _Signal:
        """Fired when the resolver cache lacks the host."""
        return self._on_dns_cache_miss


class Trace:
    """One trace config bound to one session and one request context."""

    __slots__ = ("_session", "_trace_config", "_trace_config_ctx")

    def __init__(
        self,
        session: ClientSession,
        trace_config: TraceConfig[Any],
        trace_config_ctx: SimpleNamespace,
    ) -> None:
        self._session = session
        self._trace_config = trace_config
        self._trace_config_ctx = trace_config_ctx

    async def _send(self, signal: _Signal, params: object) -> None:
        if signal:
            await signal.send(self._session, self._trace_config_ctx, params)

    async def send_request_start(self, method: str, url: URL, headers: CIMultiDict[str]) -> None:
        """Fire ``on_request_start``."""
        await self._send(
            self._trace_config.on_request_start, TraceRequestStartParams(method, url, headers)
        )

    async def send_request_chunk_sent(self, method: str, url: URL, chunk: bytes) -> None:
        """Fire ``on_request_chunk_sent``."""
        await self._send(
            self._trace_config.on_request_chunk_sent,
            TraceRequestChunkSentParams(method, url, chunk),
        )

    async def send_response_chunk_received(self, method: str, url: URL, chunk: bytes) -> None:
        """Fire ``on_response_chunk_received``."""
        await self._send(
            self._trace_config.on_response_chunk_received,
            TraceResponseChunkReceivedParams(method, url, chunk),
        )

    async def send_request_end(
        self, method: str, url: URL, headers: CIMultiDict[str], response: ClientResponse
    ) -> None:
        """Fire ``on_request_end``."""
        await self._send(
            self._trace_config.on_request_end,
            TraceRequestEndParams(method, url, headers, response),
        )

    async def send_request_exception(
        self, method: str, url: URL, headers: CIMultiDict[str], exception: BaseException
    ) -> None:
        """Fire ``on_request_exception``."""
        await self._send(
            self._trace_config.on_request_exception,
            TraceRequestExceptionParams(method, url, headers, exception),
        )

    async def send_request_redirect(
        self, method: str, url: URL, headers: CIMultiDict[str], response: ClientResponse
    ) -> None:
        """Fire ``on_request_redirect``."""
        await self._send(
            self._trace_config.on_request_redirect,
            TraceRequestRedirectParams(method, url, headers, response),
        )

    async def send_request_headers(self, method: str, url: URL, headers: CIMultiDict[str]) -> None:
        """Fire ``on_request_headers_sent``."""
        await self._send(
            self._trace_config.on_request_headers_sent,
            TraceRequestHeadersSentParams(method, url, headers),
        )

    async def send_connection_queued_start(self) -> None:
        """Fire ``on_connection_queued_start``."""
        await self._send(
            self._trace_config.on_connection_queued_start, TraceConnectionQueuedStartParams()
        )

    async def send_connection_queued_end(self) -> None:
        """Fire ``on_connection_queued_end``."""
        await self._send(
            self._trace_config.on_connection_queued_end, TraceConnectionQueuedEndParams()
        )

    async def send_connection_create_start(self) -> None:
        """Fire ``on_connection_create_start``."""
        await self._send(
            self._trace_config.on_connection_create_start, TraceConnectionCreateStartParams()
        )

    async def send_connection_create_end(self) -> None:
        """Fire ``on_connection_create_end``."""
        await self._send(
            self._trace_config.on_connection_create_end, TraceConnectionCreateEndParams()
        )

    async def send_connection_reuseconn(self) -> None:
        """Fire ``on_connection_reuseconn``."""
        await self._send(
            self._trace_config.on_connection_reuseconn, TraceConnectionReuseconnParams()
        )

    async def send_dns_resolvehost_start(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_start``."""
        await self._send(
            self._trace_config.on_dns_resolvehost_start, TraceDnsResolveHostStartParams(host)
        )

    async def send_dns_resolvehost_end(self, host: str) -> None:
        """Fire ``on_dns_resolvehost_end``."""
        await self._send(
            self._trace_config.on_dns_resolvehost_end, TraceDnsResolveHostEndParams(host)
        )

    async def send_dns_cache_hit(self, host: str) -> None:
        """Fire ``on_dns_cache_hit``."""
        await self._send(self._trace_config.on_dns_cache_hit, TraceDnsCacheHitParams(host))

    async def send_dns_cache_miss(self, host: str) -> None:
        """Fire ``on_dns_cache_miss``."""
        await self._send(self._trace_config.on_dns_cache_miss, TraceDnsCacheMissParams(host))
