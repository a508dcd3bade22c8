"""The pytest plugin: ``pytest_plugins = ["aiohttp.pytest_plugin"]``.

It is loaded by name, never through an entry point, so that it does not fight
pytest-aiohttp or pytest-asyncio for the same fixtures. It provides the
``loop`` fixture, runs ``async def`` tests and coroutine fixtures on it, and
hands out servers and clients that are closed when the test ends:
``aiohttp_server``, ``aiohttp_raw_server``, ``aiohttp_client`` (building
``aiohttp_client_cls``) and ``aiohttp_unused_port``.

Tests and fixtures that pytest-asyncio runs (auto mode, or marked) stay with
it, and ``loop`` is then pytest-asyncio's loop for the test, so that servers,
clients and the test body share one loop either way.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Protocol

import pytest

from aiohttp_server.web import Application, BaseRequest

from .test_utils import (
    BaseTestServer,
    RawTestServer,
    TestClient,
    TestServer,
    loop_context,
)
from .test_utils import (
    unused_port as _unused_port,
)

__all__ = [
    "AiohttpClient",
    "AiohttpRawServer",
    "AiohttpServer",
    "aiohttp_client",
    "aiohttp_client_cls",
    "aiohttp_raw_server",
    "aiohttp_server",
    "aiohttp_unused_port",
    "fast",
    "loop",
    "loop_debug",
    "loop_factory",
    "pytest_addoption",
    "pytest_fixture_setup",
    "pytest_generate_tests",
    "pytest_pyfunc_call",
    "raw_test_server",
    "test_client",
    "test_server",
    "unused_port",
]


class AiohttpClient(Protocol):
    """The ``aiohttp_client`` factory."""

    async def __call__(
        self,
        __param: Application | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient[Any, Any]: ...


class AiohttpServer(Protocol):
    """The ``aiohttp_server`` factory."""

    async def __call__(
        self, app: Application, *, host: str = "127.0.0.1", port: int | None = None, **kwargs: Any
    ) -> TestServer: ...


class AiohttpRawServer(Protocol):
    """The ``aiohttp_raw_server`` factory."""

    async def __call__(
        self,
        handler: Callable[[BaseRequest], Awaitable[Any]],
        *,
        port: int | None = None,
        **kwargs: Any,
    ) -> RawTestServer: ...


def pytest_addoption(parser: pytest.Parser) -> None:
    """aiohttp's command-line options: the loops to run on, fast teardown, loop debug."""
    parser.addoption(
        "--aiohttp-fast",
        action="store_true",
        default=False,
        help="run tests faster by skipping extra checks when closing loops",
    )
    parser.addoption(
        "--aiohttp-loop",
        action="store",
        default="pyloop",
        help="run tests with a specific loop: pyloop, uvloop or all",
    )
    parser.addoption(
        "--aiohttp-enable-loop-debug",
        action="store_true",
        default=False,
        help="enable the event loop's debug mode",
    )


def _loop_factories(config: pytest.Config) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """The loop factories ``--aiohttp-loop`` names, by name; unknown names are an error."""
    available: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
        "pyloop": asyncio.new_event_loop
    }
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        pass
    else:
        available["uvloop"] = uvloop.new_event_loop
    names = [name.strip() for name in config.getoption("--aiohttp-loop").split(",")]
    if "all" in names:
        return available
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ValueError(f"Unknown loop {', '.join(unknown)!r}; available: {sorted(available)}")
    return {name: available[name] for name in names}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses ``loop`` once per loop chosen by ``--aiohttp-loop``."""
    if "loop_factory" not in metafunc.fixturenames:
        return
    factories = _loop_factories(metafunc.config)
    metafunc.parametrize(
        "loop_factory", list(factories.values()), ids=list(factories), scope="function"
    )


@pytest.fixture
def loop_factory(request: pytest.FixtureRequest) -> Callable[[], asyncio.AbstractEventLoop]:
    """The first loop ``--aiohttp-loop`` names, for a ``loop`` nobody asked for by name.

    Tests that name ``loop`` (directly or through a fixture) are parametrized
    over every chosen loop instead.
    """
    return next(iter(_loop_factories(request.config).values()))


@pytest.fixture
def fast(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-fast``: skip the garbage collection after each loop."""
    return bool(request.config.getoption("--aiohttp-fast"))


@pytest.fixture
def loop_debug(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-enable-loop-debug``."""
    return bool(request.config.getoption("--aiohttp-enable-loop-debug"))


def _pytest_asyncio_loop(request: pytest.FixtureRequest) -> asyncio.AbstractEventLoop | None:
    """The loop pytest-asyncio runs this test on, when pytest-asyncio runs it.

    Sharing it keeps servers, clients and the test body on one loop when both
    plugins are active (pytest-asyncio in auto mode, or a test marked asyncio).
    """
    if not request.config.pluginmanager.hasplugin("asyncio"):
        return None
    node = request.node
    if not isinstance(node, pytest.Function) or node.get_closest_marker("asyncio") is None:
        return None
    scope = getattr(node, "_loop_scope", None) or "function"
    runner: Any = request.getfixturevalue(f"_{scope}_scoped_runner")
    shared: asyncio.AbstractEventLoop = runner.get_loop()
    return shared


@pytest.fixture
def loop(
    request: pytest.FixtureRequest,
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
    fast: bool,
    loop_debug: bool,
) -> Iterator[asyncio.AbstractEventLoop]:
    """The test's event loop: a fresh one, closed afterwards (or pytest-asyncio's)."""
    shared = _pytest_asyncio_loop(request)
    if shared is not None:
        if loop_debug:
            shared.set_debug(True)
        yield shared
        return
    with loop_context(loop_factory, fast=fast) as the_loop:
        if loop_debug:
            the_loop.set_debug(True)
        yield the_loop


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run an ``async def`` test on its ``loop`` (unless another plugin took it)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    the_loop: asyncio.AbstractEventLoop = pyfuncitem._request.getfixturevalue("loop")
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    with warnings.catch_warnings():
        warnings.simplefilter("default", RuntimeWarning)
        the_loop.run_until_complete(pyfuncitem.obj(**kwargs))
    return True


def _on_loop(original: Callable[..., Any], request: pytest.FixtureRequest) -> Callable[..., Any]:
    """A synchronous stand-in for an async fixture that runs it on the ``loop`` fixture."""
    if inspect.isasyncgenfunction(original):

        def run_generator(*args: Any, **kwargs: Any) -> Any:
            the_loop: asyncio.AbstractEventLoop = request.getfixturevalue("loop")
            gen: AsyncIterator[Any] = original(*args, **kwargs)

            def finalizer() -> None:
                try:
                    the_loop.run_until_complete(gen.__anext__())
                except StopAsyncIteration:
                    return
                raise ValueError("async generator fixture must yield only once")

            value = the_loop.run_until_complete(gen.__anext__())
            request.addfinalizer(finalizer)
            return value

        return functools.wraps(original)(run_generator)

    def run_coroutine(*args: Any, **kwargs: Any) -> Any:
        the_loop: asyncio.AbstractEventLoop = request.getfixturevalue("loop")
        return the_loop.run_until_complete(original(*args, **kwargs))

    return functools.wraps(original)(run_coroutine)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Run coroutine and async-generator fixtures on the ``loop`` fixture.

    The innermost wrapper: when pytest-asyncio claims a fixture it has already
    swapped in a synchronous function by the time this runs, and is left alone.
    """
    func = fixturedef.func
    if not (inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)):
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fixturedef, "func", _on_loop(func, request))
        return (yield)


@pytest.fixture
def aiohttp_unused_port() -> Callable[[], int]:
    """A function returning a free loopback port."""
    return _unused_port


@pytest.fixture
def aiohttp_server(loop: asyncio.AbstractEventLoop) -> Iterator[AiohttpServer]:
    """Start an ``Application`` on a test server, closed after the test."""
    servers: list[TestServer] = []

    async def go(
        app: Application, *, host: str = "127.0.0.1", port: int | None = None, **kwargs: Any
    ) -> TestServer:
        server = TestServer(app, host=host, port=port)
        await server.start_server(loop=loop, **kwargs)
        servers.append(server)
        return server

    yield go

    async def finalize() -> None:
        while servers:
            await servers.pop().close()

    loop.run_until_complete(finalize())


@pytest.fixture
def aiohttp_raw_server(loop: asyncio.AbstractEventLoop) -> Iterator[AiohttpRawServer]:
    """Start a bare request handler on a test server, closed after the test."""
    servers: list[RawTestServer] = []

    async def go(
        handler: Callable[[BaseRequest], Awaitable[Any]],
        *,
        port: int | None = None,
        **kwargs: Any,
    ) -> RawTestServer:
        server = RawTestServer(handler, port=port)
        await server.start_server(loop=loop, **kwargs)
        servers.append(server)
        return server

    yield go

    async def finalize() -> None:
        while servers:
            await servers.pop().close()

    loop.run_until_complete(finalize())


@pytest.fixture
def aiohttp_client_cls() -> type[TestClient[Any, Any]]:
    """The class ``aiohttp_client`` instantiates; override it to use a subclass."""
    return TestClient


@pytest.fixture
def aiohttp_client(
    loop: asyncio.AbstractEventLoop, aiohttp_client_cls: type[TestClient[Any, Any]]
) -> Iterator[AiohttpClient]:
    """A ``TestClient`` for an ``Application`` or a test server, closed after the test."""
    clients: list[TestClient[Any, Any]] = []

    async def go(
        __param: Application | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient[Any, Any]:
        if isinstance(__param, Application):
            server: BaseTestServer = TestServer(__param, loop=loop, **(server_kwargs or {}))
        elif isinstance(__param, BaseTestServer):
            server = __param
        else:
            raise ValueError(f"Unknown argument type: {type(__param)!r}")
        client = aiohttp_client_cls(server, loop=loop, **kwargs)
        await client.start_server()
        clients.append(client)
        return client

    yield go

    async def finalize() -> None:
        while clients:
            await clients.pop().close()

    loop.run_until_complete(finalize())


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"Deprecated, use {new} fixture instead of {old}", DeprecationWarning, stacklevel=2
    )


@pytest.fixture
def unused_port(aiohttp_unused_port: Callable[[], int]) -> Callable[[], int]:
    """Deprecated alias of ``aiohttp_unused_port``."""
    _renamed("unused_port", "aiohttp_unused_port")
    return aiohttp_unused_port


@pytest.fixture
def test_server(aiohttp_server: AiohttpServer) -> AiohttpServer:
    """Deprecated alias of ``aiohttp_server``."""
    _renamed("test_server", "aiohttp_server")
    return aiohttp_server


@pytest.fixture
def raw_test_server(aiohttp_raw_server: AiohttpRawServer) -> AiohttpRawServer:
    """Deprecated alias of ``aiohttp_raw_server``."""
    _renamed("raw_test_server", "aiohttp_raw_server")
    return aiohttp_raw_server


@pytest.fixture
def test_client(aiohttp_client: AiohttpClient) -> AiohttpClient:
    """Deprecated alias of ``aiohttp_client``."""
    _renamed("test_client", "aiohttp_client")
    return aiohttp_client
