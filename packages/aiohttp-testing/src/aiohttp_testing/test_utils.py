"""Test servers, a test client and helpers for testing aiohttp applications.

``TestServer`` runs an ``Application`` (``RawTestServer`` a bare request
handler) on a free loopback port; ``TestClient`` wraps a ``ClientSession``
whose relative paths are joined against that server's root. Everything here is
built on the public APIs of ``aiohttp_client`` and ``aiohttp_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import socket
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload
from unittest import IsolatedAsyncioTestCase, mock

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_client.client import (
    ClientSession,
    _RequestContextManager,
    _WSRequestContextManager,
)
from aiohttp_client.client_reqrep import ClientResponse
from aiohttp_client.client_ws import ClientWebSocketResponse
from aiohttp_client.cookiejar import CookieJar
from aiohttp_server.web import (
    Application,
    AppRunner,
    BaseRequest,
    BaseRunner,
    Request,
    Server,
    ServerRunner,
    SockSite,
    UrlMappingMatchInfo,
)
from aiohttp_wire.abc import AbstractCookieJar
from aiohttp_wire.helpers import sentinel
from aiohttp_wire.http_parser import RawRequestMessage
from aiohttp_wire.http_version import HttpVersion, HttpVersion11
from aiohttp_wire.streams import EMPTY_PAYLOAD, StreamReader

__all__ = [
    "REUSE_ADDRESS",
    "AioHTTPTestCase",
    "BaseTestServer",
    "RawTestServer",
    "TestClient",
    "TestServer",
    "get_port_socket",
    "get_unused_port_socket",
    "loop_context",
    "make_mocked_coro",
    "make_mocked_request",
    "setup_test_loop",
    "teardown_test_loop",
    "unittest_run_loop",
    "unused_port",
]

#: Whether listening sockets may be bound with SO_REUSEADDR on this platform.
REUSE_ADDRESS = sys.platform not in ("win32", "cygwin")

#: ``start_server`` keywords meant for the runner; the rest configure the ``web.Server``.
_RUNNER_OPTIONS = ("handle_signals", "shutdown_timeout")

_T = TypeVar("_T")
#: What a ``TestClient`` is generic over, as in aiohttp: the request class its server
#: builds and the application it serves (``None`` for a ``RawTestServer``).
_RequestT = TypeVar("_RequestT", bound=BaseRequest)
_ApplicationNone = TypeVar("_ApplicationNone", Application, None)


def get_port_socket(
    host: str, port: int, family: socket.AddressFamily = socket.AF_INET
) -> socket.socket:
    """A socket bound to ``host:port``, ready for a server to listen on."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    if REUSE_ADDRESS:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def get_unused_port_socket(
    host: str, family: socket.AddressFamily = socket.AF_INET
) -> socket.socket:
    """A socket bound to a port the system chose on ``host``."""
    return get_port_socket(host, 0, family)


def unused_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class BaseTestServer(ABC):
    """A server on a free loopback port, started by :meth:`start_server`."""

    __test__ = False

    def __init__(
        self,
        *,
        scheme: str = "",
        loop: asyncio.AbstractEventLoop | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        skip_url_asserts: bool = False,
        socket_factory: Callable[[str, int, socket.AddressFamily], socket.socket] = (
            get_port_socket
        ),
        **kwargs: Any,
    ) -> None:
        self._loop = loop
        self.runner: BaseRunner | None = None
        self._root: URL | None = None
        self.host = host
        self.port = port or 0
        self._closed = False
        self.scheme = scheme
        self.skip_url_asserts = skip_url_asserts
        self.socket_factory = socket_factory

    async def start_server(
        self, loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any
    ) -> None:
        """Start listening; keyword arguments go to the runner (``ssl`` to the site)."""
        if self.runner:
            return
        self._loop = loop or asyncio.get_running_loop()
        ssl_context = kwargs.pop("ssl", None)
        self.runner = await self._make_runner(**kwargs)
        await self.runner.setup()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = self.socket_factory(self.host, self.port, family)
        self.host, self.port = sock.getsockname()[:2]
        site = SockSite(self.runner, sock=sock, ssl_context=ssl_context)
        await site.start()
        if not self.scheme:
            self.scheme = "https" if ssl_context else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        self._root = URL(f"{self.scheme}://{host}:{self.port}")

    @abstractmethod
    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        """The runner serving this test server's handler."""

    def make_url(self, path: str | URL) -> URL:
        """The absolute URL of ``path`` on this server."""
        assert self._root is not None, "the server is not started"
        url = URL(path)
        if not self.skip_url_asserts:
            assert not url.absolute, "make_url() takes a path relative to the server"
            return self._root.join(url)
        return URL(str(self._root) + str(path))

    @property
    def started(self) -> bool:
        return self.runner is not None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def handler(self) -> Server:
        """The low-level ``web.Server`` behind this test server."""
        assert self.runner is not None
        assert self.runner.server is not None
        return self.runner.server

    async def close(self) -> None:
        """Stop the server and finish its requests; safe to call twice."""
        if self.started and not self.closed:
            assert self.runner is not None
            await self.runner.cleanup()
            self._root = None
            self.port = 0
            self._closed = True

    async def __aenter__(self: _T) -> _T:
        assert isinstance(self, BaseTestServer)
        await self.start_server(loop=self._loop)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class TestServer(BaseTestServer):
    """Serves an ``aiohttp.web.Application``."""

    def __init__(
        self,
        app: Application,
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.app = app
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> BaseRunner:
        return AppRunner(self.app, **kwargs)


class RawTestServer(BaseTestServer):
    """Serves a bare ``async def handler(request) -> StreamResponse``."""

    def __init__(
        self,
        handler: Callable[[BaseRequest], Awaitable[Any]],
        *,
        scheme: str = "",
        host: str = "127.0.0.1",
        port: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._handler = handler
        super().__init__(scheme=scheme, host=host, port=port, **kwargs)

    async def _make_runner(self, **kwargs: Any) -> ServerRunner:
        runner_kwargs = {name: kwargs.pop(name) for name in _RUNNER_OPTIONS if name in kwargs}
        server = Server(self._handler, loop=self._loop, **kwargs)
        return ServerRunner(server, **runner_kwargs)


class TestClient(Generic[_RequestT, _ApplicationNone]):
    """A ``ClientSession`` bound to a test server.

    Its request methods join a relative path against the server's root;
    ``client.session.request`` does not, since it is the plain session.
    Responses and WebSockets it handed out are released on :meth:`close`.
    """

    __test__ = False

    @overload
    def __init__(
        self: TestClient[Request, Application],
        server: TestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: TestClient[BaseRequest, None],
        server: RawTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def __init__(
        self: TestClient[_RequestT, None],
        server: BaseTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None: ...

    def __init__(
        self,
        server: BaseTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(server, BaseTestServer):
            raise TypeError(f"server must be TestServer instance, found type: {type(server)!r}")
        self._server = server
        self._loop = loop
        if cookie_jar is None:
            cookie_jar = CookieJar(unsafe=True)
        self._session = ClientSession(cookie_jar=cookie_jar, **kwargs)
        self._closed = False
        self._responses: list[ClientResponse] = []
        self._websockets: list[ClientWebSocketResponse] = []

    async def start_server(self) -> None:
        await self._server.start_server(loop=self._loop)

    @property
    def scheme(self) -> str:
        return self._server.scheme

    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def server(self) -> BaseTestServer:
        return self._server

    @property
    def app(self) -> _ApplicationNone:
        """The served application, ``None`` for a ``RawTestServer``."""
        return cast("_ApplicationNone", getattr(self._server, "app", None))

    @property
    def session(self) -> ClientSession:
        """The underlying session: it does not join relative paths."""
        return self._session

    def make_url(self, path: str | URL) -> URL:
        return self._server.make_url(path)

    async def _request(self, method: str, path: str | URL, **kwargs: Any) -> ClientResponse:
        resp = await self._session.request(method, self.make_url(path), **kwargs)
        self._responses.append(resp)
        return resp

    def request(self, method: str, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Request ``path`` on the test server."""
        return _RequestContextManager(self._request(method, path, **kwargs))

    def get(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("GET", path, **kwargs)

    def post(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("POST", path, **kwargs)

    def options(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("OPTIONS", path, **kwargs)

    def head(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("HEAD", path, **kwargs)

    def put(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str | URL, **kwargs: Any) -> _RequestContextManager:
        return self.request("DELETE", path, **kwargs)

    async def _ws_connect(self, path: str | URL, **kwargs: Any) -> ClientWebSocketResponse:
        ws: ClientWebSocketResponse = await self._session.ws_connect(self.make_url(path), **kwargs)
        self._websockets.append(ws)
        return ws

    def ws_connect(self, path: str | URL, **kwargs: Any) -> _WSRequestContextManager:
        """Open a WebSocket to ``path`` on the test server."""
        return _WSRequestContextManager(self._ws_connect(path, **kwargs))

    async def close(self) -> None:
        """Release every response, close every WebSocket, the session and the server."""
        if self._closed:
            return
        for resp in self._responses:
            resp.close()
        for ws in self._websockets:
            await ws.close()
        await self._session.close()
        await self._server.close()
        self._closed = True

    async def __aenter__(self) -> TestClient[_RequestT, _ApplicationNone]:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AioHTTPTestCase(IsolatedAsyncioTestCase):
    """A ``unittest`` case with ``self.app``, ``self.server`` and ``self.client``.

    Override :meth:`get_application`; test methods are ``async def``.
    """

    async def get_application(self) -> Application:
        """The application under test."""
        raise RuntimeError("override get_application() to return the app under test")

    async def get_server(self, app: Application) -> TestServer:
        return TestServer(app, loop=self.loop)

    async def get_client(self, server: TestServer) -> TestClient[Request, Application]:
        return TestClient(server, loop=self.loop)

    def get_app(self) -> Application:
        """The old synchronous hook; :meth:`get_application` replaces it."""
        raise RuntimeError("override get_application() to return the app under test")

    async def asyncSetUp(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.setUpAsync()

    async def setUpAsync(self) -> None:
        """Build ``app``, ``server`` and ``client`` (the pre-3.8 hook, kept for overrides)."""
        self.app = await self.get_application()
        self.server = await self.get_server(self.app)
        self.client = await self.get_client(self.server)
        await self.client.start_server()

    async def asyncTearDown(self) -> None:
        await self.tearDownAsync()

    async def tearDownAsync(self) -> None:
        """Close the client and server (the pre-3.8 hook, kept for overrides)."""
        await self.client.close()


def unittest_run_loop(func: Callable[..., _T], *args: Any, **kwargs: Any) -> Callable[..., _T]:
    """No longer needed: ``AioHTTPTestCase`` runs ``async def`` tests itself."""
    warnings.warn(
        "Decorator `@unittest_run_loop` is no longer needed in aiohttp 3.8+",
        DeprecationWarning,
        stacklevel=2,
    )
    return func


def setup_test_loop(
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop,
) -> asyncio.AbstractEventLoop:
    """A new event loop, set as the current one."""
    loop = loop_factory()
    asyncio.set_event_loop(loop)
    return loop


def teardown_test_loop(loop: asyncio.AbstractEventLoop, fast: bool = False) -> None:
    """Close ``loop`` after its pending callbacks, and unset it."""
    closed = loop.is_closed()
    if not closed:
        loop.call_soon(loop.stop)
        loop.run_forever()
        loop.close()
    if not fast:
        gc.collect()
    asyncio.set_event_loop(None)


@contextlib.contextmanager
def loop_context(
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop,
    fast: bool = False,
) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop for the ``with`` block, torn down afterwards."""
    loop = setup_test_loop(loop_factory)
    try:
        yield loop
    finally:
        teardown_test_loop(loop, fast=fast)


def _create_app() -> Application:
    """A plain application whose response-prepare signal is ready to fire."""
    app = Application()
    app.on_response_prepare.freeze()
    return app


def _create_transport(sslcontext: Any | None = None) -> mock.Mock:
    transport = mock.Mock()

    def get_extra_info(key: str, default: Any = None) -> Any:
        if key == "sslcontext":
            return sslcontext
        return default

    transport.get_extra_info.side_effect = get_extra_info
    return transport


def make_mocked_request(
    method: str,
    path: str,
    headers: Any = None,
    *,
    match_info: Any = sentinel,
    version: HttpVersion = HttpVersion11,
    closing: bool = False,
    app: Application | None = None,
    writer: Any = sentinel,
    protocol: Any = sentinel,
    transport: Any = sentinel,
    payload: StreamReader = EMPTY_PAYLOAD,
    sslcontext: Any | None = None,
    client_max_size: int = 1024**2,
    loop: Any = ...,
) -> Request:
    """A ``web.Request`` for unit tests of handlers, with no network behind it."""
    task = mock.Mock()
    if loop is ...:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = mock.Mock()
            loop.create_future.return_value = ()
    if version < HttpVersion11:
        closing = True
    if headers:
        headers = CIMultiDictProxy(CIMultiDict(headers))
        raw_headers = tuple((k.encode("utf-8"), v.encode("utf-8")) for k, v in headers.items())
    else:
        headers = CIMultiDictProxy(CIMultiDict())
        raw_headers = ()
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    message = RawRequestMessage(
        method, path, version, headers, raw_headers, closing, None, False, chunked, URL(path)
    )
    if app is None:
        app = _create_app()
    if transport is sentinel:
        transport = _create_transport(sslcontext)
    if protocol is sentinel:
        protocol = mock.Mock()
        protocol.transport = transport
    if writer is sentinel:
        writer = mock.Mock()
        writer.write_headers = make_mocked_coro(None)
        writer.write = make_mocked_coro(None)
        writer.write_eof = make_mocked_coro(None)
        writer.drain = make_mocked_coro(None)
        writer.transport = transport
    protocol.transport = transport
    protocol.writer = writer
    req = Request(message, payload, protocol, writer, task, loop, client_max_size=client_max_size)
    if match_info is sentinel:
        match_info = UrlMappingMatchInfo({}, mock.Mock())
        match_info.add_app(app)
    req._match_info = match_info
    return req


def make_mocked_coro(return_value: Any = sentinel, raise_exception: Any = sentinel) -> mock.Mock:
    """A ``Mock`` whose calls return a coroutine producing ``return_value``."""

    async def mock_coro(*args: Any, **kwargs: Any) -> Any:
        if raise_exception is not sentinel:
            raise raise_exception
        if return_value is sentinel:
            return None
        if inspect.isawaitable(return_value):
            return await return_value
        return return_value

    return mock.Mock(wraps=mock_coro)
