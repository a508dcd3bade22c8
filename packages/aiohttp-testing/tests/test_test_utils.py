"""test_utils over real loopback sockets, driven by the plugin's own loop."""

from __future__ import annotations

import asyncio
import http.client
import ssl
import unittest
import warnings

import pytest
import trustme
from yarl import URL

from aiohttp_client.client import ClientSession, ClientTimeout
from aiohttp_client.client_exceptions import ClientError
from aiohttp_client.cookiejar import CookieJar
from aiohttp_server import web
from aiohttp_testing.test_utils import (
    AioHTTPTestCase,
    RawTestServer,
    TestClient,
    TestServer,
    loop_context,
    make_mocked_coro,
    make_mocked_request,
    unittest_run_loop,
    unused_port,
)
from aiohttp_wire.http_version import HttpVersion10

#: Every network wait in these tests gives up after a few seconds instead of hanging.
GUARD = ClientTimeout(total=10)


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def test_server_and_client_started_by_hand(loop: asyncio.AbstractEventLoop) -> None:
    async with TestClient(TestServer(make_app()), timeout=GUARD) as client:
        resp = await client.get("/")
        assert resp.status == 200
        assert await resp.text() == "ok"
        assert client.port > 0
        assert client.host == "127.0.0.1"
        assert client.scheme == "http"
        assert client.make_url("/x") == URL(f"http://127.0.0.1:{client.port}/x")
    assert client.server.closed


async def test_context_manager_request(loop: asyncio.AbstractEventLoop) -> None:
    async with TestClient(TestServer(make_app()), timeout=GUARD) as client, client.get("/") as resp:
        assert await resp.text() == "ok"


async def test_request_is_a_coroutine_a_task_can_run(loop: asyncio.AbstractEventLoop) -> None:
    """Plugins' suites run ``asyncio.create_task(client.get(...))``, as aiohttp allows."""
    async with TestClient(TestServer(make_app()), timeout=GUARD) as client:
        request = client.get("/")
        assert asyncio.iscoroutine(request)
        resp = await asyncio.wait_for(loop.create_task(request), 10)
        assert await resp.text() == "ok"
        unused = client.get("/")
        unused.close()  # a coroutine closed unawaited: no "never awaited" warning
        with pytest.raises(RuntimeError):
            unused.send(None)


def test_client_requires_a_test_server() -> None:
    with pytest.raises(TypeError, match="server must be TestServer instance"):
        TestClient(make_app())  # type: ignore[call-overload]


async def test_session_request_does_not_join_relative_paths(
    loop: asyncio.AbstractEventLoop,
) -> None:
    async with TestClient(TestServer(make_app()), timeout=GUARD) as client:
        with pytest.raises((ClientError, ValueError)):
            await client.session.request("GET", "/")


async def test_default_cookie_jar_is_unsafe(loop: asyncio.AbstractEventLoop) -> None:
    async def set_cookie(request: web.Request) -> web.Response:
        resp = web.Response(text="set")
        resp.set_cookie("name", "value")
        return resp

    async def echo_cookie(request: web.Request) -> web.Response:
        return web.Response(text=request.cookies.get("name", "missing"))

    app = web.Application()
    app.router.add_get("/set", set_cookie)
    app.router.add_get("/get", echo_cookie)
    async with TestClient(TestServer(app), timeout=GUARD) as client:
        assert isinstance(client.session.cookie_jar, CookieJar)
        await (await client.get("/set")).read()
        # Cookies from an IP address are kept only by an unsafe jar.
        assert await (await client.get("/get")).text() == "value"


async def test_close_releases_handed_out_responses(loop: asyncio.AbstractEventLoop) -> None:
    client = TestClient(TestServer(make_app()), timeout=GUARD)
    await client.start_server()
    resp = await client.get("/")
    await client.close()
    assert resp.closed
    assert client.session.closed


async def test_raw_test_server(loop: asyncio.AbstractEventLoop) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text=request.method)

    async with TestClient(RawTestServer(handler), timeout=GUARD) as client:
        resp = await client.post("/anything")
        assert await resp.text() == "POST"
        assert client.app is None


async def test_websocket_through_test_client(loop: asyncio.AbstractEventLoop) -> None:
    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            await ws.send_str(msg.data.upper())
        return ws

    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    async with TestClient(TestServer(app), timeout=GUARD) as client:
        ws = await client.ws_connect("/ws")
        await ws.send_str("hi")
        assert await ws.receive_str() == "HI"
    assert ws.closed


async def test_make_url_rejects_absolute_urls(loop: asyncio.AbstractEventLoop) -> None:
    async with TestServer(make_app()) as server:
        with pytest.raises(AssertionError):
            server.make_url("http://example.com/")


def test_make_mocked_request() -> None:
    req = make_mocked_request("GET", "/path?a=1", headers={"X-Token": "t"})
    assert req.method == "GET"
    assert req.path == "/path"
    assert req.query["a"] == "1"
    assert req.headers["X-Token"] == "t"
    assert req.match_info == {}


def test_make_mocked_request_with_app_and_match_info() -> None:
    app = web.Application()
    req = make_mocked_request("POST", "/items/3", app=app, match_info={"id": "3"})
    assert req.match_info == {"id": "3"}


async def test_make_mocked_coro() -> None:
    coro = make_mocked_coro(42)
    assert await coro(1, two=2) == 42
    coro.assert_called_once_with(1, two=2)
    failing = make_mocked_coro(raise_exception=ValueError("boom"))
    with pytest.raises(ValueError, match="boom"):
        await failing()


def test_unused_port_is_bindable() -> None:
    import socket

    port = unused_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_loop_context_gives_a_fresh_loop() -> None:
    with loop_context() as the_loop:
        assert the_loop.run_until_complete(asyncio.sleep(0, "done")) == "done"
    assert the_loop.is_closed()


def test_unittest_run_loop_is_deprecated_and_transparent() -> None:
    def f() -> int:
        return 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wrapped = unittest_run_loop(f)
    assert wrapped is f
    assert caught[0].category is DeprecationWarning


class _SampleCase(AioHTTPTestCase):
    async def get_application(self) -> web.Application:
        return make_app()

    async def get_client(self, server: TestServer) -> TestClient[web.Request, web.Application]:
        return TestClient(server, loop=self.loop, timeout=GUARD)

    async def test_index(self) -> None:
        resp = await self.client.request("GET", "/")
        assert resp.status == 200
        assert await resp.text() == "ok"
        assert self.app is self.server.app
        assert isinstance(self.client.session, ClientSession)


class _LegacyHooksCase(AioHTTPTestCase):
    events: list[str] = []

    async def get_application(self) -> web.Application:
        return make_app()

    async def setUpAsync(self) -> None:
        await super().setUpAsync()
        self.events.append(f"setup client={self.client is not None}")

    async def tearDownAsync(self) -> None:
        self.events.append("teardown")
        await super().tearDownAsync()

    async def test_index(self) -> None:
        resp = await self.client.request("GET", "/")
        assert resp.status == 200
        self.events.append("test")


def test_aiohttp_test_case_runs_the_pre_3_8_hooks() -> None:
    _LegacyHooksCase.events.clear()  # pytest may also have run the case on its own
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(_LegacyHooksCase).run(result)
    assert result.errors == []
    assert result.failures == []
    assert _LegacyHooksCase.events == ["setup client=True", "test", "teardown"]


def test_aiohttp_test_case_runs_under_unittest() -> None:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(_SampleCase).run(result)
    assert result.testsRun == 1
    assert result.errors == []
    assert result.failures == []


async def test_https_test_server(loop: asyncio.AbstractEventLoop) -> None:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)

    async def scheme(request: web.Request) -> web.Response:
        return web.Response(text=request.scheme)

    app = web.Application()
    app.router.add_get("/", scheme)
    server = TestServer(app)
    await server.start_server(ssl=server_ctx)
    async with TestClient(server, timeout=GUARD) as client:
        assert client.scheme == "https"
        assert str(client.make_url("/")).startswith("https://127.0.0.1:")
        resp = await client.get("/", ssl=client_ctx)
        assert await resp.text() == "https"


async def test_test_server_answers_the_standard_library(loop: asyncio.AbstractEventLoop) -> None:
    async def echo(request: web.Request) -> web.Response:
        return web.Response(body=await request.read())

    app = web.Application()
    app.router.add_post("/echo", echo)

    def call(port: int) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("POST", "/echo", body=b"payload")
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    async with TestServer(app) as server:
        status, body = await asyncio.wait_for(asyncio.to_thread(call, server.port), 10)
    assert (status, body) == (200, b"payload")
    assert server.closed


async def test_fixed_port_and_skip_url_asserts(loop: asyncio.AbstractEventLoop) -> None:
    port = unused_port()
    async with TestServer(make_app(), port=port, skip_url_asserts=True) as server:
        assert server.port == port
        assert server.make_url("/a?b=1") == URL(f"http://127.0.0.1:{port}/a?b=1")
        assert server.started
    assert not server.started or server.closed


async def test_raw_test_server_takes_runner_and_server_options(
    loop: asyncio.AbstractEventLoop,
) -> None:
    async def handler(request: web.BaseRequest) -> web.Response:
        return web.Response(text="raw")

    server = RawTestServer(handler)
    await server.start_server(shutdown_timeout=1.0, keepalive_timeout=5.0)
    async with TestClient(server, timeout=GUARD) as client:
        assert await (await client.get("/")).text() == "raw"
        assert isinstance(client.server.handler, web.Server)


async def test_closing_twice_is_harmless(loop: asyncio.AbstractEventLoop) -> None:
    client = TestClient(TestServer(make_app()), timeout=GUARD)
    await client.start_server()
    await client.close()
    await client.close()
    assert client.server.closed


def test_make_mocked_request_over_tls_and_http10() -> None:
    req = make_mocked_request("GET", "/", sslcontext=ssl.create_default_context())
    assert req.secure
    assert req.scheme == "https"
    old = make_mocked_request("GET", "/", version=HttpVersion10)
    assert not old.keep_alive
    closing = make_mocked_request("GET", "/", closing=True)
    assert not closing.keep_alive
    assert make_mocked_request("GET", "/").keep_alive


def test_make_mocked_request_header_pairs() -> None:
    req = make_mocked_request("GET", "/", headers=[("X-A", "1"), ("X-A", "2")])
    assert req.headers.getall("X-A") == ["1", "2"]
    assert req.raw_headers == ((b"X-A", b"1"), (b"X-A", b"2"))


def test_make_mocked_request_belongs_to_the_app() -> None:
    key = web.AppKey("key", str)
    app = web.Application()
    app[key] = "value"
    req = make_mocked_request("GET", "/", app=app)
    assert req.app is app
    assert req.config_dict[key] == "value"


def test_test_client_is_generic_like_aiohttps() -> None:
    # pytest-aiohttp annotates with TestClient[Request, Application] at import time.
    alias = TestClient[web.Request, web.Application]
    assert alias.__origin__ is TestClient  # type: ignore[attr-defined]
    assert TestClient[web.BaseRequest, None] is not None
