"""``ClientSession``, ``ClientTimeout`` and the one-shot ``request()``.

The session owns the connector (the connection pool) and the cookie jar,
merges its defaults into each request, follows redirects, runs middlewares
and tracing, and enforces the ``total`` timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import math
import sys
import traceback
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs
from multidict import CIMultiDict, MultiDict, MultiDictProxy
from yarl import URL

from aiohttp_wire import hdrs, payload
from aiohttp_wire.helpers import BasicAuth
from aiohttp_wire.http_version import HttpVersion, HttpVersion11

from .client_exceptions import (
    ClientOSError,
    ConnectionTimeoutError,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    ServerDisconnectedError,
    ServerTimeoutError,
    TooManyRedirects,
    WSServerHandshakeError,
)
from .client_middlewares import ClientMiddlewareType, build_client_middlewares
from .client_reqrep import ClientRequest, ClientResponse, Fingerprint, as_payload
from .connector import BaseConnector, TCPConnector, _merge_ssl_params
from .cookiejar import CookieJar
from .proxy_env import get_env_proxy_for_url
from .tracing import Trace, TraceConfig

if TYPE_CHECKING:
    import ssl as _ssl

    from aiohttp_wire.abc import AbstractCookieJar

__all__ = ("DEFAULT_TIMEOUT", "ClientSession", "ClientTimeout", "request")

_HTTP_SCHEMES: Final = frozenset({"http", "https"})
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_SENTINEL: Any = object()
_TIMER_POOL_SIZE: Final = 256  # idle total-timeout timers a session keeps
_RESPONSE_AENTER: Final = ClientResponse.__aenter__
_RESPONSE_AEXIT: Final = ClientResponse.__aexit__


@attrs.frozen
class ClientTimeout:
    """Timeouts of one request, in seconds (``None`` disables one).

    ``total`` bounds the whole operation, body reading included; ``connect``
    bounds getting a connection (pool wait included), ``sock_connect`` one
    socket connect, and ``sock_read`` the silence between two reads.
    Timeouts above ``ceil_threshold`` are rounded up to whole seconds.
    An attrs class, as in aiohttp: code derives variants with ``attrs.evolve``.
    """

    total: float | None = None
    connect: float | None = None
    sock_read: float | None = None
    sock_connect: float | None = None
    ceil_threshold: float = 5


DEFAULT_TIMEOUT: Final = ClientTimeout(total=5 * 60, sock_connect=30)

_ResponseT = TypeVar("_ResponseT", bound=ClientResponse)


def _default_charset_resolver(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


class _TotalTimer:
    """The ``total`` timeout of one request at a time: cancels it in flight, fails the body after.

    A session pools its timers, and a timer keeps its loop handle when its
    request ends early: scheduling and cancelling a loop timer for every
    request costs more than the rest of a small GET's bookkeeping. A handle
    that comes due before the current deadline re-arms itself for it (so the
    timeout fires exactly when a fresh timer would); one whose timer is idle
    lapses.
    """

    __slots__ = (
        "_active",
        "_armed",
        "_deadline",
        "_handle",
        "_loop",
        "_pool",
        "_task",
        "fired",
        "response",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop, pool: list[_TotalTimer]) -> None:
        self._loop = loop
        self._pool = pool
        self._handle: asyncio.TimerHandle | None = None
        self._armed = 0.0  # when the handle is due
        self._deadline = 0.0
        self._task: asyncio.Task[Any] | None = None
        self._active = False
        self.fired = False
        self.response: ClientResponse | None = None

    def start(self, delay: float, ceil_threshold: float) -> None:
        """Time the current task's request: ``delay`` seconds from now."""
        loop = self._loop
        when = loop.time() + delay
        if delay > ceil_threshold:
            when = math.ceil(when)
        self._deadline = when
        self._task = asyncio.current_task(loop)
        self._active = True
        self.fired = False
        handle = self._handle
        if handle is None or self._armed > when:
            if handle is not None:
                handle.cancel()
            self._armed = when
            self._handle = loop.call_at(when, self._due)

    def _due(self) -> None:
        self._handle = None
        if not self._active:
            return
        if self._armed < self._deadline:
            self._armed = self._deadline
            self._handle = self._loop.call_at(self._deadline, self._due)
            return
        self.fired = True
        response = self.response
        self.response = None
        if response is None:
            if self._task is not None:
                self._task.cancel()  # the request's own error path gives the timer back
            return
        content = response.content
        if content is not None and not content.is_eof() and content.exception() is None:
            content.set_exception(asyncio.TimeoutError())
            response.close()
        self.cancel()

    def cancel(self) -> None:
        """Stop timing: the timer goes back to its session's pool (once)."""
        if not self._active:
            return
        self._active = False
        self._task = None
        self.response = None
        if len(self._pool) < _TIMER_POOL_SIZE:
            self._pool.append(self)
        else:
            self.discard()

    def discard(self) -> None:
        """Drop the loop handle (the timer is not used again)."""
        handle = self._handle
        if handle is not None:
            handle.cancel()
            self._handle = None

    def done_with(self, response: ClientResponse) -> None:
        """Called by a response when its body ends or it is released: stop if it is the final one.

        Dropping the reference also breaks the response <-> timer cycle, so the
        body is freed as soon as the caller lets go of the response.
        """
        if response is self.response:
            self.response = None
            self.cancel()


class _BaseRequestContextManager(Generic[_ResponseT]):
    """Lets a request be awaited or used with ``async with``."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Coroutine[Any, Any, _ResponseT]) -> None:
        self._coro = coro

    def send(self, arg: None) -> Any:
        return self._coro.send(arg)

    def throw(self, *args: Any) -> Any:
        return self._coro.throw(*args)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, _ResponseT]:
        return self._coro.__await__()

    def __iter__(self) -> Generator[Any, None, _ResponseT]:
        return self.__await__()

    async def __aenter__(self) -> _ResponseT:
        resp = self._resp = await self._coro
        if type(resp).__aenter__ is _RESPONSE_AENTER:  # it returns the response itself
            return resp
        return await resp.__aenter__()  # type: ignore[return-value]

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        resp = self._resp
        if type(resp).__aexit__ is _RESPONSE_AEXIT:
            # What ClientResponse.__aexit__ does, without its coroutine.
            resp.release()
            if resp._writer is not None:
                await resp.wait_for_close()
            return
        await resp.__aexit__(exc_type, exc, tb)


class _RequestContextManager(_BaseRequestContextManager[ClientResponse]):
    """What ``session.get()`` and friends return."""

    __slots__ = ()


class _SessionRequestContextManager:
    """What ``aiohttp.request()`` returns: closes its private session afterwards."""

    __slots__ = ("_coro", "_resp", "_session")

    def __init__(self, coro: Coroutine[Any, Any, ClientResponse], session: ClientSession):
        self._coro = coro
        self._resp: ClientResponse | None = None
        self._session = session

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._resp is not None
        self._resp.release()
        await self._resp.wait_for_close()
        await self._session.close()

    def __await__(self) -> Generator[Any, None, ClientResponse]:
        return self.__aenter__().__await__()


class _WSRequestContextManager(_BaseRequestContextManager[Any]):
    """What ``session.ws_connect()`` returns: closes the WebSocket on exit."""

    __slots__ = ()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._resp.close()


def _legacy_timeout(
    timeout: ClientTimeout, read_timeout: float | None, conn_timeout: float | None
) -> ClientTimeout:
    """Build the ``ClientTimeout`` the deprecated ``read_timeout``/``conn_timeout`` describe."""
    if timeout is not _SENTINEL:
        raise ValueError(
            f"read_timeout and conn_timeout cannot be used together with timeout={timeout!r}; "
            "use timeout=ClientTimeout(...) alone"
        )
    warnings.warn(
        "read_timeout and conn_timeout are deprecated, use timeout=ClientTimeout(...)",
        DeprecationWarning,
        stacklevel=3,
    )
    total = None if read_timeout is _SENTINEL else read_timeout
    return ClientTimeout(total=total, connect=conn_timeout)


class ClientSession:
    """A set of defaults and a connection pool for making many requests."""

    ATTRS = frozenset(
        [
            "_base_url",
            "_connector",
            "_loop",
            "_cookie_jar",
            "_connector_owner",
            "_default_auth",
            "_version",
            "_json_serialize",
            "_requote_redirect_url",
            "_timeout",
            "_raise_for_status",
            "_auto_decompress",
            "_trust_env",
            "_default_headers",
            "_skip_auto_headers",
            "_request_class",
            "_response_class",
            "_ws_response_class",
            "_trace_configs",
            "_read_bufsize",
            "_max_line_size",
            "_max_field_size",
            "_max_headers",
            "_resolve_charset",
            "_default_proxy",
            "_default_proxy_auth",
            "_middlewares",
            "_source_traceback",
        ]
    )

    _source_traceback: traceback.StackSummary | None = None
    _connector: BaseConnector | None = None

    def __init__(
        self,
        base_url: str | URL | None = None,
        *,
        connector: BaseConnector | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        cookies: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: Callable[[Any], str] = json.dumps,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        ws_response_class: Any = None,
        version: HttpVersion = HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: bool | Callable[[ClientResponse], Awaitable[None]] = False,
        read_timeout: float | None = _SENTINEL,
        conn_timeout: float | None = None,
        timeout: ClientTimeout = _SENTINEL,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[TraceConfig[Any]] | None = None,
        middlewares: Sequence[ClientMiddlewareType] = (),
        read_bufsize: int = 2**16,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        fallback_charset_resolver: Callable[[ClientResponse, bytes], str] = (
            _default_charset_resolver
        ),
        ssl_shutdown_timeout: float | None = _SENTINEL,
    ) -> None:
        if base_url is None or isinstance(base_url, URL):
            self._base_url: URL | None = base_url
        else:
            self._base_url = URL(base_url)
        if self._base_url is not None:
            if not self._base_url.absolute:
                raise ValueError("base_url must be an absolute URL")
            if not self._base_url.path.endswith("/"):
                raise ValueError("base_url must have a trailing '/'")
        if loop is None:
            loop = connector._loop if connector is not None else asyncio.get_running_loop()
        assert loop is not None
        self._loop = loop
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))
        if read_timeout is not _SENTINEL or conn_timeout is not None:
            timeout = _legacy_timeout(timeout, read_timeout, conn_timeout)
        if ssl_shutdown_timeout is not _SENTINEL:
            warnings.warn(
                "ssl_shutdown_timeout is deprecated and has no effect",
                DeprecationWarning,
                stacklevel=2,
            )
        if timeout is _SENTINEL or timeout is None:
            timeout = DEFAULT_TIMEOUT
        elif not isinstance(timeout, ClientTimeout):
            raise ValueError(
                f"timeout parameter cannot be of {type(timeout)} type, "
                "please use 'timeout=ClientTimeout(...)'"
            )
        self._timeout = timeout
        if connector is None:
            connector = TCPConnector()
        self._connector = connector
        self._connector_owner = connector_owner
        if cookie_jar is None:
            cookie_jar = CookieJar()
        self._cookie_jar = cookie_jar
        if cookies:
            self._cookie_jar.update_cookies(cookies)
        self._default_auth = auth
        self._version = version
        self._json_serialize = json_serialize
        self._raise_for_status = raise_for_status
        self._auto_decompress = auto_decompress
        self._trust_env = trust_env
        self._requote_redirect_url = requote_redirect_url
        self._read_bufsize = read_bufsize
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._default_headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        self._skip_auto_headers: frozenset[str] = (
            frozenset(hdr.lower() for hdr in skip_auto_headers)
            if skip_auto_headers
            else frozenset()
        )
        self._request_class = request_class
        self._response_class = response_class
        # None means ClientWebSocketResponse, imported by the first ws_connect().
        self._ws_response_class = ws_response_class
        self._trace_configs = trace_configs or []
        for trace_config in self._trace_configs:
            trace_config.freeze()
        self._resolve_charset = fallback_charset_resolver
        self._default_proxy = URL(proxy) if proxy is not None else None
        self._default_proxy_auth = proxy_auth
        self._middlewares = tuple(middlewares)
        self._timer_pool: list[_TotalTimer] = []

    def __init_subclass__(cls: type[ClientSession]) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from ClientSession is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )

    def __del__(self, _warnings: Any = warnings) -> None:
        if not self.closed:
            _warnings.warn(f"Unclosed client session {self!r}", ResourceWarning, source=self)
            context: dict[str, Any] = {"client_session": self, "message": "Unclosed client session"}
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)

    # -- requests ---------------------------------------------------------------------

    def request(self, method: str, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Perform an HTTP request; await it or use it with ``async with``."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(
        self, url: str | URL, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform a GET request."""
        return _RequestContextManager(
            self._request(hdrs.METH_GET, url, allow_redirects=allow_redirects, **kwargs)
        )

    def options(
        self, url: str | URL, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform an OPTIONS request."""
        return _RequestContextManager(
            self._request(hdrs.METH_OPTIONS, url, allow_redirects=allow_redirects, **kwargs)
        )

    def head(
        self, url: str | URL, *, allow_redirects: bool = False, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform a HEAD request (redirects not followed by default)."""
        return _RequestContextManager(
            self._request(hdrs.METH_HEAD, url, allow_redirects=allow_redirects, **kwargs)
        )

    def post(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a POST request."""
        return _RequestContextManager(self._request(hdrs.METH_POST, url, data=data, **kwargs))

    def put(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a PUT request."""
        return _RequestContextManager(self._request(hdrs.METH_PUT, url, data=data, **kwargs))

    def patch(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a PATCH request."""
        return _RequestContextManager(self._request(hdrs.METH_PATCH, url, data=data, **kwargs))

    def delete(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Perform a DELETE request."""
        return _RequestContextManager(self._request(hdrs.METH_DELETE, url, **kwargs))

    def ws_connect(
        self,
        url: str | URL,
        *,
        method: str = hdrs.METH_GET,
        protocols: Iterable[str] = (),
        timeout: Any = _SENTINEL,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        auth: BasicAuth | None = None,
        origin: str | None = None,
        params: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        ssl: _ssl.SSLContext | bool | Fingerprint = True,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: _ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        compress: int = 0,
        max_msg_size: int = 4 * 1024 * 1024,
    ) -> _WSRequestContextManager:
        """Open a WebSocket; await it or use it with ``async with``."""
        return _WSRequestContextManager(
            self._ws_connect(
                url,
                method=method,
                protocols=protocols,
                timeout=timeout,
                receive_timeout=receive_timeout,
                autoclose=autoclose,
                autoping=autoping,
                heartbeat=heartbeat,
                auth=auth,
                origin=origin,
                params=params,
                headers=headers,
                proxy=proxy,
                proxy_auth=proxy_auth,
                ssl=ssl,
                verify_ssl=verify_ssl,
                fingerprint=fingerprint,
                ssl_context=ssl_context,
                server_hostname=server_hostname,
                proxy_headers=proxy_headers,
                compress=compress,
                max_msg_size=max_msg_size,
            )
        )

    async def _ws_connect(
        self,
        url: str | URL,
        *,
        method: str = hdrs.METH_GET,
        protocols: Iterable[str] = (),
        timeout: Any = _SENTINEL,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        auth: BasicAuth | None = None,
        origin: str | None = None,
        params: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        ssl: _ssl.SSLContext | bool | Fingerprint = True,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: _ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        compress: int = 0,
        max_msg_size: int = 4 * 1024 * 1024,
    ) -> Any:
        from aiohttp_websocket.deflate import ws_ext_gen, ws_ext_parse
        from aiohttp_websocket.handshake import make_ws_key, ws_accept

        from .client_ws import DEFAULT_WS_CLIENT_TIMEOUT, ClientWebSocketResponse, ClientWSTimeout

        if verify_ssl is not None or fingerprint is not None or ssl_context is not None:
            ssl = _merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        if timeout is _SENTINEL:
            ws_timeout = DEFAULT_WS_CLIENT_TIMEOUT
            if receive_timeout is not None:
                ws_timeout = attrs.evolve(ws_timeout, ws_receive=receive_timeout)
        elif isinstance(timeout, ClientWSTimeout):
            ws_timeout = timeout
        elif timeout is None:
            ws_timeout = ClientWSTimeout(ws_receive=receive_timeout, ws_close=None)
        elif isinstance(timeout, (int, float)):
            # aiohttp 3.x's float timeout is the close timeout (discord.py passes one).
            warnings.warn(
                "parameter 'timeout' of type 'float' is deprecated, please use "
                "'timeout=ClientWSTimeout(ws_close=...)'",
                DeprecationWarning,
                stacklevel=2,
            )
            ws_timeout = ClientWSTimeout(ws_receive=receive_timeout, ws_close=float(timeout))
        else:
            raise TypeError("timeout must be a ClientWSTimeout")
        real_headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        real_headers.setdefault(hdrs.UPGRADE, "websocket")
        real_headers.setdefault(hdrs.CONNECTION, "Upgrade")
        real_headers.setdefault(hdrs.SEC_WEBSOCKET_VERSION, "13")
        sec_key = make_ws_key()
        real_headers[hdrs.SEC_WEBSOCKET_KEY] = sec_key
        protocols = tuple(protocols)
        if protocols:
            real_headers[hdrs.SEC_WEBSOCKET_PROTOCOL] = ",".join(protocols)
        if origin is not None:
            real_headers[hdrs.ORIGIN] = origin
        if compress:
            real_headers[hdrs.SEC_WEBSOCKET_EXTENSIONS] = ws_ext_gen(compress=compress)

        resp = await self.request(
            method,
            url,
            params=params,
            headers=real_headers,
            read_until_eof=False,
            auth=auth,
            proxy=proxy,
            proxy_auth=proxy_auth,
            ssl=ssl,
            server_hostname=server_hostname,
            proxy_headers=proxy_headers,
        )
        try:
            message = None
            if resp.status != 101:
                message = "Invalid response status"
            elif resp.headers.get(hdrs.UPGRADE, "").lower() != "websocket":
                message = "Invalid upgrade header"
            elif "upgrade" not in {
                t.strip().lower() for t in resp.headers.get(hdrs.CONNECTION, "").split(",")
            }:
                message = "Invalid connection header"
            elif resp.headers.get(hdrs.SEC_WEBSOCKET_ACCEPT, "") != ws_accept(sec_key):
                message = "Invalid challenge response"
            if message is not None:
                raise WSServerHandshakeError(
                    resp.request_info,
                    resp.history,
                    message=message,
                    status=resp.status,
                    headers=resp.headers,
                )
            protocol = None
            offered = resp.headers.get(hdrs.SEC_WEBSOCKET_PROTOCOL)
            if protocols and offered:
                chosen = [p.strip() for p in offered.split(",")]
                protocol = next((p for p in chosen if p in protocols), None)
            notakeover = False
            if compress:
                extensions = resp.headers.get(hdrs.SEC_WEBSOCKET_EXTENSIONS)
                if extensions:
                    try:
                        compress, notakeover = ws_ext_parse(extensions)
                    except Exception as exc:
                        raise WSServerHandshakeError(
                            resp.request_info,
                            resp.history,
                            message=exc.args[0] if exc.args else str(exc),
                            status=resp.status,
                            headers=resp.headers,
                        ) from exc
                else:
                    compress = 0
            conn = resp.connection
            assert conn is not None
            ws_response_class = self._ws_response_class or ClientWebSocketResponse
            return ws_response_class(
                conn,
                resp,
                ws_timeout,
                protocol=protocol,
                autoclose=autoclose,
                autoping=autoping,
                heartbeat=heartbeat,
                compress=compress,
                client_notakeover=notakeover,
                max_msg_size=max_msg_size,
                loop=self._loop,
            )
        except BaseException:
            resp.close()
            raise

    def _build_url(self, str_or_url: str | URL) -> URL:
        url = str_or_url if isinstance(str_or_url, URL) else URL(str_or_url)
        if self._base_url is not None and not url.absolute:
            return self._base_url.join(url)
        return url

    def _prepare_headers(self, headers: Any) -> CIMultiDict[str]:
        result = CIMultiDict(self._default_headers)
        if headers:
            if not isinstance(headers, (MultiDictProxy, MultiDict)):
                headers = CIMultiDict(headers)
            added: set[str] = set()
            for key, value in headers.items():
                lower = key.lower()
                if lower in added:
                    result.add(key, value)
                else:
                    result[key] = value
                    added.add(lower)
        return result

    async def _request(
        self,
        method: str,
        str_or_url: str | URL,
        *,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: str | bool | None = None,
        chunked: bool | None = None,
        expect100: bool = False,
        raise_for_status: bool | Callable[[ClientResponse], Awaitable[None]] | None = None,
        read_until_eof: bool = True,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timeout: ClientTimeout | float | None = _SENTINEL,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: _ssl.SSLContext | None = None,
        ssl: _ssl.SSLContext | bool | Fingerprint = True,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        trace_request_ctx: Any = None,
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        max_headers: int | None = None,
        middlewares: Sequence[ClientMiddlewareType] | None = None,
    ) -> ClientResponse:
        connector = self._connector
        if connector is None or connector.closed:
            raise RuntimeError("Session is closed")
        if verify_ssl is not None or fingerprint is not None or ssl_context is not None:
            ssl = _merge_ssl_params(ssl, verify_ssl, ssl_context, fingerprint)
        if data is not None and json is not None:
            raise ValueError("data and json parameters can not be used at the same time")
        if json is not None:
            data = payload.JsonPayload(json, dumps=self._json_serialize)
        elif data is not None and allow_redirects:
            # One payload for every hop: a 307/308 resends it (files rewind).
            data = as_payload(data)
        loop = self._loop
        history: list[ClientResponse] = []
        version = self._version
        headers = (
            self._prepare_headers(headers) if headers or self._default_headers else CIMultiDict()
        )
        try:
            url = self._build_url(str_or_url)
        except ValueError as exc:
            raise InvalidUrlClientError(str_or_url) from exc
        if not url.absolute:
            raise InvalidUrlClientError(str_or_url)
        allowed = connector.allowed_protocol_schema_set
        if url.scheme not in allowed:  # a UnixConnector takes unix:// URLs too
            raise NonHttpUrlClientError(url)
        if not url.raw_host:
            raise InvalidUrlClientError(str_or_url)
        if skip_auto_headers is not None:
            skip_headers: Iterable[str] | None = self._skip_auto_headers | {
                h.lower() for h in skip_auto_headers
            }
        else:
            skip_headers = self._skip_auto_headers or None
        if proxy is None:
            proxy_url = self._default_proxy
            if proxy_auth is None:
                proxy_auth = self._default_proxy_auth
        else:
            try:
                proxy_url = URL(proxy)
            except ValueError as exc:
                raise InvalidUrlClientError(proxy) from exc
        if timeout is _SENTINEL or timeout is None:
            real_timeout = self._timeout
        elif isinstance(timeout, ClientTimeout):
            real_timeout = timeout
        else:
            real_timeout = ClientTimeout(total=timeout)
        if read_bufsize is None:
            read_bufsize = self._read_bufsize
        if auto_decompress is None:
            auto_decompress = self._auto_decompress
        if max_line_size is None:
            max_line_size = self._max_line_size
        if max_field_size is None:
            max_field_size = self._max_field_size
        if max_headers is None:
            max_headers = self._max_headers
        if raise_for_status is None:
            raise_for_status = self._raise_for_status
        chain = self._middlewares if middlewares is None else tuple(middlewares)

        traces: list[Trace] = []
        if self._trace_configs:
            traces.extend(
                Trace(self, tc, tc.trace_config_ctx(trace_request_ctx=trace_request_ctx))
                for tc in self._trace_configs
            )
            for trace in traces:
                await trace.send_request_start(
                    method, url.extend_query(params) if params else url, headers
                )

        timer: _TotalTimer | None = None
        if real_timeout.total:
            pool = self._timer_pool
            timer = pool.pop() if pool else _TotalTimer(loop, pool)
            timer.start(real_timeout.total, real_timeout.ceil_threshold)

        async def send_once(req: ClientRequest) -> ClientResponse:
            retried = False
            while True:
                try:
                    conn = await connector.connect(req, traces, real_timeout)
                except ServerTimeoutError:
                    raise
                except asyncio.TimeoutError as exc:
                    raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
                protocol = conn.protocol
                assert protocol is not None
                protocol.set_response_params(
                    timer=timer,
                    skip_payload=req.method == hdrs.METH_HEAD,
                    read_until_eof=read_until_eof,
                    auto_decompress=auto_decompress,
                    read_timeout=real_timeout.sock_read,
                    read_bufsize=read_bufsize,
                    timeout_ceil_threshold=real_timeout.ceil_threshold,
                    max_line_size=max_line_size,
                    max_field_size=max_field_size,
                    max_headers=max_headers,
                )
                try:
                    resp = await req.send(conn)
                    try:
                        await resp.start(conn)
                    except BaseException:
                        resp.close()
                        raise
                except (ServerDisconnectedError, ClientOSError):
                    conn.close()
                    # A pooled connection the server closed while idle: try once more.
                    if conn.reused and not retried and (req.method in _IDEMPOTENT_METHODS):
                        retried = True
                        continue
                    raise
                except BaseException:
                    conn.close()
                    raise
                return resp

        handler = build_client_middlewares(send_once, chain) if chain else send_once
        handed_off: _TotalTimer | None = None

        try:
            while True:
                auth_from_url: BasicAuth | None = None
                if url.raw_user or url.raw_password:
                    auth_from_url = BasicAuth(url.user or "", url.password or "")
                    url = url.with_user(None)
                if auth is not None and auth_from_url is not None:
                    raise ValueError("Cannot combine AUTH argument with credentials encoded in URL")
                req_auth = auth if auth is not None else auth_from_url
                if (
                    req_auth is None
                    and self._default_auth is not None
                    and (self._base_url is None or self._base_url.origin() == url.origin())
                ):
                    req_auth = self._default_auth
                if req_auth is not None and hdrs.AUTHORIZATION in headers:
                    raise ValueError(
                        "Cannot combine AUTHORIZATION header with AUTH argument or "
                        "credentials encoded in URL"
                    )
                jar = self._cookie_jar
                if cookies or type(jar) is not CookieJar or jar._cookies:
                    all_cookies = self._request_cookies(url, cookies)
                else:
                    all_cookies = None  # our empty jar has nothing to filter
                hop_proxy, hop_proxy_auth = proxy_url, proxy_auth
                if hop_proxy is None and self._trust_env:
                    with contextlib.suppress(LookupError):
                        hop_proxy, hop_proxy_auth = get_env_proxy_for_url(url)
                req = self._request_class(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    skip_auto_headers=skip_headers,
                    data=data,
                    cookies=all_cookies,
                    auth=req_auth,
                    version=version,
                    compress=compress,
                    chunked=chunked,
                    expect100=expect100,
                    loop=loop,
                    response_class=self._response_class,
                    proxy=hop_proxy,
                    proxy_auth=hop_proxy_auth,
                    timer=timer,
                    session=self,
                    ssl=ssl,
                    server_hostname=server_hostname,
                    proxy_headers=proxy_headers,
                    traces=traces,
                    trust_env=self._trust_env,
                )
                resp = await handler(req)
                if hdrs.SET_COOKIE in resp.headers and resp.cookies:
                    self._cookie_jar.update_cookies(resp.cookies, resp.url)

                if resp.status in _REDIRECT_STATUSES and allow_redirects:
                    for trace in traces:
                        await trace.send_request_redirect(method, url, headers, resp)
                    history.append(resp)
                    if max_redirects and len(history) >= max_redirects:
                        resp.close()
                        raise TooManyRedirects(history[0].request_info, tuple(history))
                    if (resp.status == 303 and resp.method != hdrs.METH_HEAD) or (
                        resp.status in (301, 302) and resp.method == hdrs.METH_POST
                    ):
                        method = hdrs.METH_GET
                        data = None
                        if headers.get(hdrs.CONTENT_LENGTH):
                            headers.pop(hdrs.CONTENT_LENGTH)
                        headers.pop(hdrs.CONTENT_TYPE, None)
                    location = resp.headers.get(hdrs.LOCATION) or resp.headers.get(hdrs.URI)
                    if location is None:
                        # Returned as is; aiohttp leaves it in its own history too.
                        break
                    resp.release()
                    try:
                        parsed = URL(location, encoded=not self._requote_redirect_url)
                    except ValueError as exc:
                        raise InvalidUrlRedirectClientError(
                            location,
                            "Server attempted redirecting to a location that does not "
                            "look like a URL",
                        ) from exc
                    scheme = parsed.scheme
                    if scheme and scheme not in _HTTP_SCHEMES:
                        resp.close()
                        raise NonHttpUrlRedirectClientError(location)
                    if not scheme:
                        parsed = url.join(parsed)
                    try:
                        origin = parsed.origin()
                    except ValueError as exc:
                        raise InvalidUrlRedirectClientError(
                            parsed, "Invalid redirect URL origin"
                        ) from exc
                    upgrade_to_https = (
                        url.host == parsed.host and url.scheme == "http" and scheme == "https"
                    )
                    if url.origin() != origin and not upgrade_to_https:
                        auth = None
                        headers.pop(hdrs.AUTHORIZATION, None)
                    url = parsed
                    params = None
                    # The redirect may send the same payload again: the previous
                    # writer must be done with it (its connection is closed if it was not).
                    await req.close()
                    continue
                break

            resp._history = tuple(history)
            if timer is not None:
                # From here the response owns the timer: the error path below must
                # not give it back to the pool a second time (it may be reused by then).
                handed_off, timer = timer, None
                if resp.closed:
                    handed_off.cancel()
                else:
                    handed_off.response = resp
            if raise_for_status is True:
                resp.raise_for_status()
            elif raise_for_status:
                await raise_for_status(resp)
            for trace in traces:
                await trace.send_request_end(method, url, headers, resp)
            return resp
        except BaseException as exc:
            timed_out = False
            if timer is not None:
                timer.cancel()  # back in the pool: read ``fired`` now, not after an await
                timed_out = timer.fired
                if timed_out and isinstance(exc, asyncio.CancelledError):
                    _uncancel()
                    exc = asyncio.TimeoutError()
            elif handed_off is not None:
                handed_off.done_with(resp)  # stop timing a response the caller never gets
            for trace in traces:
                await trace.send_request_exception(method, url, headers, exc)
            if timed_out and isinstance(exc, asyncio.TimeoutError):
                raise exc from None
            raise

    def _request_cookies(self, url: URL, cookies: Any) -> list[tuple[str, Any]] | None:
        jar_cookies = self._cookie_jar.filter_cookies(url)
        if not jar_cookies and not cookies:
            return None
        merged: list[tuple[str, Any]] = list(jar_cookies.items())
        if cookies:
            merged.extend(cookies.items() if hasattr(cookies, "items") else cookies)
        return merged

    # -- lifecycle --------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connector if the session owns it."""
        for timer in self._timer_pool:
            timer.discard()
        self._timer_pool.clear()
        if not self.closed:
            connector = self._connector
            if connector is not None and self._connector_owner:
                result = connector.close()
                if inspect.isawaitable(result):
                    await result
            self._connector = None

    @property
    def closed(self) -> bool:
        """Whether the session is closed (or its connector is)."""
        return self._connector is None or bool(self._connector.closed)

    def detach(self) -> None:
        """Forget the connector without closing it."""
        self._connector = None

    async def __aenter__(self) -> ClientSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- properties -------------------------------------------------------------------

    @property
    def connector(self) -> BaseConnector | None:
        """The connector (``None`` after close or detach)."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The session's cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> HttpVersion:
        """The HTTP version of requests."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect URLs are re-quoted."""
        return self._requote_redirect_url

    @property
    def timeout(self) -> ClientTimeout:
        """The default timeouts."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """The default headers."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[str]:
        """Auto-headers never sent."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The default authentication."""
        return self._default_auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        """The function that serialises ``json=`` arguments."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes the connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> bool | Callable[[ClientResponse], Awaitable[None]]:
        """The default ``raise_for_status``."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether bodies are decompressed."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether proxy settings come from the environment."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[TraceConfig[Any]]:
        """The tracing configurations."""
        return self._trace_configs

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop of the session."""
        return self._loop


def _uncancel() -> None:
    if sys.version_info >= (3, 11):
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()


def request(
    method: str,
    url: str | URL,
    *,
    connector: BaseConnector | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    cookies: Any = None,
    version: HttpVersion = HttpVersion11,
    timeout: ClientTimeout = _SENTINEL,
    **kwargs: Any,
) -> _SessionRequestContextManager:
    """Make one request with a private session, closed when the response is released."""
    connector_owner = False
    if connector is None:
        connector_owner = True
        connector = TCPConnector(force_close=True)
    session = ClientSession(
        loop=loop,
        cookies=cookies,
        version=version,
        timeout=timeout,
        connector=connector,
        connector_owner=connector_owner,
    )
    return _SessionRequestContextManager(session._request(method, url, **kwargs), session)
