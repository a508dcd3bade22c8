"""The pytest plugin: ``pytest_plugins = ["aiohttp.pytest_plugin"]``.

It is loaded by name, never through an entry point, so that it does not fight
pytest-aiohttp or pytest-asyncio for the same fixtures. It provides the
``loop`` fixture, runs ``async def`` tests and coroutine fixtures on it, and
hands out servers and clients that are closed when the test ends:
``aiohttp_server``, ``aiohttp_raw_server``, ``aiohttp_client`` and
``aiohttp_unused_port``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Protocol

import pytest

from aiohttp_server.web import Application, BaseRequest

from .test_utils import (
    BaseTestServer,
    RawTestServer,
    TestClient,
    TestServer,
    loop_context,
    setup_test_loop,
    teardown_test_loop,
    unused_port,
)

__all__ = [
    "AiohttpClient",
    "AiohttpRawServer",
    "AiohttpServer",
    "aiohttp_client",
    "aiohttp_raw_server",
    "aiohttp_server",
    "aiohttp_unused_port",
    "fast",
    "loop",
    "loop_debug",
    "pytest_addoption",
    "pytest_configure",
    "pytest_fixture_setup",
    "pytest_generate_tests",
    "pytest_pyfunc_call",
]


class AiohttpClient(Protocol):
    """The ``aiohttp_client`` factory."""

    async def __call__(
        self,
        __param: Application | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient: ...


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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "aiohttp: tests run by the aiohttp pytest plugin")


def _loop_factories(config: pytest.Config) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    available: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
        "pyloop": asyncio.new_event_loop
    }
    try:
        import uvloop
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
def fast(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-fast``: skip the garbage collection after each loop."""
    return bool(request.config.getoption("--aiohttp-fast"))


@pytest.fixture
def loop_debug(request: pytest.FixtureRequest) -> bool:
    """``--aiohttp-enable-loop-debug``."""
    return bool(request.config.getoption("--aiohttp-enable-loop-debug"))


@pytest.fixture
def loop(
    loop_factory: Callable[[], asyncio.AbstractEventLoop], fast: bool, loop_debug: bool
) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop for one test, closed afterwards."""
    with loop_context(loop_factory, fast=fast) as the_loop:
        if loop_debug:
            the_loop.set_debug(True)
        yield the_loop


@contextlib.contextmanager
def _loop_for(existing: asyncio.AbstractEventLoop | None) -> Iterator[asyncio.AbstractEventLoop]:
    """The test's own ``loop`` fixture if it asked for one, else a temporary loop."""
    if existing is not None:
        yield existing
        return
    the_loop = setup_test_loop()
    try:
        yield the_loop
    finally:
        teardown_test_loop(the_loop)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run an ``async def`` test on its ``loop`` (unless another plugin took it)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    existing = pyfuncitem.funcargs.get("loop")
    with _loop_for(existing if isinstance(existing, asyncio.AbstractEventLoop) else None) as lp:
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        with warnings.catch_warnings():
            warnings.simplefilter("default", RuntimeWarning)
            lp.run_until_complete(pyfuncitem.obj(**kwargs))
    return True


def _needs_loop(fixturedef: pytest.FixtureDef[Any]) -> bool:
    func = fixturedef.func
    return inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> None:
    """Let coroutine and async-generator fixtures run on the ``loop`` fixture."""
    if not _needs_loop(fixturedef) or getattr(fixturedef.func, "_aiohttp_wrapped", False):
        return
    original = fixturedef.func
    strip_request = "request" not in fixturedef.argnames
    if strip_request:
        fixturedef.argnames += ("request",)

    if inspect.isasyncgenfunction(original):

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            req: pytest.FixtureRequest = kwargs["request"]
            if strip_request:
                del kwargs["request"]
            the_loop: asyncio.AbstractEventLoop = req.getfixturevalue("loop")
            gen: AsyncIterator[Any] = original(*args, **kwargs)

            def finalizer() -> None:
                try:
                    the_loop.run_until_complete(gen.__anext__())
                except StopAsyncIteration:
                    return
                raise ValueError("async generator fixture must yield only once")

            value = the_loop.run_until_complete(gen.__anext__())
            req.addfinalizer(finalizer)
            return value

    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            req: pytest.FixtureRequest = kwargs["request"]
            if strip_request:
                del kwargs["request"]
            the_loop: asyncio.AbstractEventLoop = req.getfixturevalue("loop")
            return the_loop.run_until_complete(original(*args, **kwargs))

    functools.update_wrapper(wrapper, original)
    wrapper._aiohttp_wrapped = True  # type: ignore[attr-defined]
    fixturedef.func = wrapper


@pytest.fixture
def aiohttp_unused_port() -> Callable[[], int]:
    """A function returning a free loopback port."""
    return unused_port


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
def aiohttp_client(loop: asyncio.AbstractEventLoop) -> Iterator[AiohttpClient]:
    """A ``TestClient`` for an ``Application`` or a test server, closed after the test."""
    clients: list[TestClient] = []

    async def go(
        __param: Application | BaseTestServer,
        *,
        server_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> TestClient:
        if isinstance(__param, Application):
            server: BaseTestServer = TestServer(__param, loop=loop, **(server_kwargs or {}))
        elif isinstance(__param, BaseTestServer):
            server = __param
        else:
            raise ValueError(f"Unknown argument type: {type(__param)!r}")
        client = TestClient(server, loop=loop, **kwargs)
        await client.start_server()
        clients.append(client)
        return client

    yield go

    async def finalize() -> None:
        while clients:
            await clients.pop().close()

    loop.run_until_complete(finalize())
