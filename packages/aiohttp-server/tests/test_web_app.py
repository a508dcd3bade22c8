"""Application: state and AppKey, signals, cleanup contexts, sub-apps, middlewares."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from aiohttp_server.web_app import AppKey, Application, CleanupError
from aiohttp_server.web_exceptions import HTTPException, HTTPNotFound, NotAppKeyWarning
from aiohttp_server.web_middlewares import middleware
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_urldispatcher import UrlDispatcher
from aiohttp_wire.typedefs import Handler

RequestFactory = Any


async def ok(request: Request) -> StreamResponse:
    return Response(text="ok")


def test_app_key_typed_state() -> None:
    key = AppKey("key", int)
    app = Application()
    app[key] = 5
    assert app[key] == 5
    assert app.get(key) == 5
    assert len(app) == 1 and list(app) == [key]
    del app[key]
    assert app.get(key, "d") == "d"
    assert "key" in repr(key) and "int" in repr(key)
    assert AppKey("a", str) < AppKey("b", str)


def test_str_key_warns() -> None:
    app = Application()
    with pytest.warns(NotAppKeyWarning):
        app["plain"] = 1
    assert app["plain"] == 1


def test_changing_frozen_app_warns() -> None:
    key = AppKey("k", int)
    app = Application()
    app.freeze()
    assert app.frozen
    with pytest.warns(DeprecationWarning, match="Changing state"):
        app[key] = 1


def test_subclassing_discouraged() -> None:
    with pytest.warns(DeprecationWarning, match="Inheritance"):

        class MyApp(Application):
            pass


def test_app_identity_and_call() -> None:
    app = Application()
    assert app() is app
    assert app != Application()
    assert bool(app)
    assert app.router is app.router
    assert app.logger.name


def test_frozen_router_rejects_routes() -> None:
    app = Application()
    app.freeze()
    with pytest.raises(RuntimeError):
        app.router.add_get("/", ok)
    with pytest.raises(RuntimeError):
        app.middlewares.append(lambda r, h: h(r))
    with pytest.raises(RuntimeError):
        app.on_startup.append(lambda a: None)  # type: ignore[arg-type,return-value]


async def test_signals_and_cleanup_ctx_order() -> None:
    calls: list[str] = []
    app = Application()

    async def on_startup(a: Application) -> None:
        calls.append("startup")

    async def on_shutdown(a: Application) -> None:
        calls.append("shutdown")

    async def on_cleanup(a: Application) -> None:
        calls.append("cleanup")

    async def ctx(a: Application) -> AsyncIterator[None]:
        calls.append("ctx-enter")
        yield
        calls.append("ctx-exit")

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    app.cleanup_ctx.append(ctx)
    app.freeze()
    await app.startup()
    await app.shutdown()
    await app.cleanup()
    assert calls == ["ctx-enter", "startup", "shutdown", "ctx-exit", "cleanup"]


async def test_cleanup_ctx_errors() -> None:
    app = Application()

    async def bad1(a: Application) -> AsyncIterator[None]:
        yield
        raise ValueError("one")

    async def bad2(a: Application) -> AsyncIterator[None]:
        yield
        raise KeyError("two")

    app.cleanup_ctx.append(bad1)
    app.cleanup_ctx.append(bad2)
    app.freeze()
    await app.startup()
    with pytest.raises(CleanupError) as info:
        await app.cleanup()
    assert len(info.value.exceptions) == 2


async def test_cleanup_ctx_single_error_and_double_yield() -> None:
    app = Application()

    async def twice(a: Application) -> AsyncIterator[None]:
        yield
        yield

    app.cleanup_ctx.append(twice)
    app.freeze()
    await app.startup()
    with pytest.raises(RuntimeError, match="more than one"):
        await app.cleanup()


async def test_handle_runs_handler(make_request: RequestFactory) -> None:
    app = Application()
    app.router.add_get("/x/{id}", ok)
    app.freeze()
    req = make_request("GET", "/x/1", match_info=None)
    resp = await app._handle(req)
    assert isinstance(resp, Response) and resp.text == "ok"
    assert req.match_info == {"id": "1"}
    assert req.app is app


async def test_handle_404_propagates(make_request: RequestFactory) -> None:
    app = Application()
    app.freeze()
    with pytest.raises(HTTPNotFound):
        await app._handle(make_request("GET", "/missing"))


async def test_middleware_order_across_subapps(make_request: RequestFactory) -> None:
    order: list[str] = []

    def mw(tag: str) -> Any:
        @middleware
        async def mw_impl(request: Request, handler: Handler) -> StreamResponse:
            order.append(tag + ">")
            resp = await handler(request)
            order.append("<" + tag)
            return resp

        return mw_impl

    async def leaf(request: Request) -> StreamResponse:
        order.append("handler")
        return Response(text="leaf")

    root = Application(middlewares=[mw("r1"), mw("r2")])
    sub = Application(middlewares=[mw("s1")])
    sub.router.add_get("/leaf", leaf)
    root.add_subapp("/sub", sub)
    root.freeze()
    for _ in range(2):  # the second request uses the cached chain
        order.clear()
        resp = await root._handle(make_request("GET", "/sub/leaf"))
        assert isinstance(resp, Response) and resp.text == "leaf"
        assert order == ["r1>", "r2>", "s1>", "handler", "<s1", "<r2", "<r1"]


async def test_middlewares_see_404(make_request: RequestFactory) -> None:
    seen: list[Any] = []

    @middleware
    async def mw(request: Request, handler: Handler) -> StreamResponse:
        seen.append(request.match_info.http_exception)
        try:
            return await handler(request)
        except HTTPNotFound:
            return Response(text="custom 404", status=404)

    app = Application(middlewares=[mw])
    app.freeze()
    resp = await app._handle(make_request("GET", "/nope"))
    assert isinstance(resp, Response) and resp.text == "custom 404"
    assert isinstance(seen[0], HTTPNotFound)


async def test_subapp_routing_and_state(make_request: RequestFactory) -> None:
    key = AppKey("name", str)

    async def show(request: Request) -> StreamResponse:
        return Response(text=f"{request.app[key]} {request.config_dict[key]} {request.path}")

    root = Application()
    root[key] = "root"
    sub = Application()
    sub[key] = "sub"
    sub.router.add_get("/page/{n}", show, name="page")
    sub.router.add_get("", show)
    resource = root.add_subapp("/api/", sub)
    root.freeze()
    resp = await root._handle(make_request("GET", "/api/page/3"))
    assert isinstance(resp, Response) and resp.text == "sub sub /api/page/3"
    assert sub.router["page"].url_for(n="3") == __import__("yarl").URL("/api/page/3")
    assert resource.canonical == "/api"
    resp2 = await root._handle(make_request("GET", "/api"))
    assert isinstance(resp2, Response) and resp2.text == "sub sub /api"
    with pytest.raises(HTTPNotFound):
        await root._handle(make_request("GET", "/apix/page/3"))


async def test_subapp_405(make_request: RequestFactory) -> None:
    from aiohttp_server.web_exceptions import HTTPMethodNotAllowed

    root = Application()
    sub = Application()
    sub.router.add_post("/p", ok)
    root.add_subapp("/s", sub)
    root.freeze()
    with pytest.raises(HTTPMethodNotAllowed):
        await root._handle(make_request("GET", "/s/p"))


def test_add_subapp_errors() -> None:
    root = Application()
    with pytest.raises(ValueError):
        root.add_subapp("/", Application())
    frozen = Application()
    frozen.freeze()
    with pytest.raises(RuntimeError):
        root.add_subapp("/f", frozen)
    root.freeze()
    with pytest.raises(RuntimeError):
        root.add_subapp("/late", Application())


async def test_subapp_signals_run(make_request: RequestFactory) -> None:
    calls: list[str] = []
    root = Application()
    sub = Application()

    async def sub_start(a: Application) -> None:
        calls.append("sub")

    sub.on_startup.append(sub_start)
    root.add_subapp("/s", sub)
    root.freeze()
    await root.startup()
    assert calls == ["sub"]


async def test_add_domain(make_request: RequestFactory) -> None:
    async def exact(request: Request) -> StreamResponse:
        return Response(text="exact")

    async def masked(request: Request) -> StreamResponse:
        return Response(text="masked")

    root = Application()
    a = Application()
    a.router.add_get("/", exact)
    b = Application()
    b.router.add_get("/", masked)
    root.add_domain("example.com", a)
    root.add_domain("*.example.org", b)
    root.freeze()
    r1 = await root._handle(make_request("GET", "/", {"Host": "EXAMPLE.com"}))
    assert isinstance(r1, Response) and r1.text == "exact"
    r2 = await root._handle(make_request("GET", "/", {"Host": "x.y.example.org"}))
    assert isinstance(r2, Response) and r2.text == "masked"
    with pytest.raises(HTTPNotFound):
        await root._handle(make_request("GET", "/", {"Host": "example.com:81"}))
    with pytest.raises(HTTPNotFound):
        await root._handle(make_request("GET", "/", {"Host": "example.org"}))


@pytest.mark.parametrize("domain", ["", "http://x.com", "bad_domain!.com", "-x.com"])
def test_add_domain_invalid(domain: str) -> None:
    with pytest.raises(ValueError):
        Application().add_domain(domain, Application())


def test_add_domain_type_error() -> None:
    with pytest.raises(TypeError):
        Application().add_domain(1, Application())  # type: ignore[arg-type]


async def test_expect_handler_short_circuit(make_request: RequestFactory) -> None:
    async def expect(request: Request) -> StreamResponse:
        return Response(status=417, text="no")

    app = Application()
    app.router.add_post("/up", ok, expect_handler=expect)
    app.freeze()
    resp = await app._handle(make_request("POST", "/up", {"Expect": "100-continue"}))
    assert resp.status == 417


async def test_default_expect_handler(make_request: RequestFactory) -> None:
    from aiohttp_server.web_exceptions import HTTPExpectationFailed

    app = Application()
    app.router.add_post("/up", ok)
    app.freeze()
    req = make_request("POST", "/up", {"Expect": "100-continue"})
    resp = await app._handle(req)
    assert resp.status == 200
    assert req._payload_writer.chunks == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    with pytest.raises(HTTPExpectationFailed):
        await app._handle(make_request("POST", "/up", {"Expect": "something-else"}))


def test_add_routes() -> None:
    from aiohttp_server import web_routedef as rd

    app = Application()
    routes = app.add_routes([rd.get("/a", ok), rd.post("/b", ok)])
    assert [r.method for r in routes] == ["GET", "POST"]


def test_debug_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="debug"):
        app = Application(debug=True)
    assert app.debug is True
    assert Application().debug is False


async def test_response_prepare_signals_see_their_app(make_request: RequestFactory) -> None:
    seen: list[tuple[str, Application]] = []
    root = Application()
    sub = Application()

    async def on_root(request: Request, response: StreamResponse) -> None:
        seen.append(("root", request.app))

    async def on_sub(request: Request, response: StreamResponse) -> None:
        seen.append(("sub", request.app))

    root.on_response_prepare.append(on_root)
    sub.on_response_prepare.append(on_sub)
    sub.router.add_get("/x", ok)
    root.add_subapp("/s", sub)
    root.freeze()
    req = make_request("GET", "/s/x")
    resp = await root._handle(req)
    await resp.prepare(req)
    assert seen == [("root", root), ("sub", sub)]
    assert req.app is sub


async def test_middlewares_see_their_own_app(make_request: RequestFactory) -> None:
    seen: list[tuple[str, Application]] = []
    root_key = AppKey("root_key", str)

    @middleware
    async def root_mw(request: Request, handler: Handler) -> StreamResponse:
        seen.append(("root-mw", request.app))
        resp = await handler(request)
        seen.append(("root-mw-after", request.app))
        return resp

    @middleware
    async def sub_mw(request: Request, handler: Handler) -> StreamResponse:
        seen.append(("sub-mw", request.app))
        return await handler(request)

    async def handler(request: Request) -> StreamResponse:
        seen.append(("handler", request.app))
        return Response(text=request.config_dict[root_key])

    root = Application(middlewares=[root_mw])
    root[root_key] = "from root"
    sub = Application(middlewares=[sub_mw])
    inner = Application()
    inner.router.add_get("/x", handler)
    sub.add_subapp("/i", inner)
    root.add_subapp("/s", sub)
    root.freeze()
    req = make_request("GET", "/s/i/x")
    resp = await root._handle(req)
    assert isinstance(resp, Response) and resp.text == "from root"
    assert seen == [
        ("root-mw", root),
        ("sub-mw", sub),
        ("handler", inner),
        ("root-mw-after", root),
    ]
    assert req.app is inner


async def test_subapp_and_domain_claim_their_requests(make_request: RequestFactory) -> None:
    async def tagged(request: Request) -> StreamResponse:
        return Response(text=request.match_info.get("x", "") + request.path)

    root = Application()
    root.router.add_get("/early", tagged)
    root.router.add_get("/{a}/{b}", tagged)
    sub = Application()
    sub.router.add_get("/in", tagged)
    sub.router.add_post("/only-post", tagged)
    root.add_subapp("/sub", sub)
    root.router.add_get("/sub/plain", tagged)
    deeper = Application()
    deeper.router.add_get("/x", tagged)
    root.router.add_static("/st", Path(__file__).parent)
    root.add_subapp("/st/sub", deeper)
    host = Application()
    host.router.add_get("/", tagged)
    root.add_domain("d.example", host)
    root.freeze()

    async def status(path: str, method: str = "GET", host_header: str = "h") -> int:
        req = make_request(method, path, {"Host": host_header})
        try:
            resp = await root._handle(req)
        except HTTPException as exc:
            return exc.status
        return resp.status

    assert await status("/sub/in") == 200
    # The sub-application answers for its prefix: 404/405 rather than "/{a}/{b}".
    assert await status("/sub/nope") == 404
    assert await status("/sub/only-post") == 405
    # A plain path registered after the sub-application still wins for itself.
    assert await status("/sub/plain") == 200
    assert await status("/st/sub/x") == 200
    # A domain's application answers every request for that host.
    assert await status("/", host_header="d.example") == 200
    assert await status("/early", host_header="d.example") == 404
    assert await status("/early") == 200


async def test_handler_args_reach_the_protocol() -> None:
    app = Application(handler_args={"keepalive_timeout": 4.5})
    server = app._make_handler()
    assert app.frozen
    protocol = server()
    assert protocol.keepalive_timeout == 4.5


async def test_make_handler_is_deprecated_but_works() -> None:
    app = Application()

    async def hello(request: Request) -> StreamResponse:
        return Response(text="hi")

    app.router.add_get("/", hello)
    with pytest.warns(DeprecationWarning, match="AppRunner"):
        server = app.make_handler(keepalive_timeout=2.5)
    assert app.frozen
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(server, "127.0.0.1", 0)
    try:
        port = srv.sockets[0].getsockname()[1]
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"hi")
        writer.close()
        assert server().keepalive_timeout == 2.5
    finally:
        srv.close()
        await asyncio.wait_for(server.shutdown(1.0), 5)
        await asyncio.wait_for(srv.wait_closed(), 5)


async def test_old_style_middleware_factories(make_request: RequestFactory) -> None:
    """Undecorated middlewares are aiohttp's old-style factories (deprecated)."""
    calls: list[str] = []

    async def factory(app: Application, handler: Handler) -> Handler:
        calls.append("factory")

        async def wrapped(request: Request) -> StreamResponse:
            resp: StreamResponse = await handler(request)
            resp.headers["X-Old"] = "1"
            return resp

        return wrapped

    @middleware
    async def new(request: Request, handler: Handler) -> StreamResponse:
        resp: StreamResponse = await handler(request)
        resp.headers["X-New"] = "1"
        return resp

    app = Application(middlewares=[new, factory])
    app.router.add_get("/", ok)
    with pytest.warns(DeprecationWarning, match="old-style middleware"):
        app.freeze()
    for _ in range(2):
        resp = await app._handle(make_request("GET", "/"))
        assert resp.headers["X-Old"] == "1" and resp.headers["X-New"] == "1"
    # Factories run per request: their chains are never cached.
    assert calls == ["factory", "factory"]


def test_router_and_loop_arguments_are_deprecated() -> None:
    router = UrlDispatcher()
    with pytest.warns(DeprecationWarning, match="router argument"):
        app = Application(router=router)
    assert app.router is router
    with pytest.warns(DeprecationWarning, match="router argument"), pytest.raises(TypeError):
        Application(router=object())  # type: ignore[arg-type]
    loop = asyncio.new_event_loop()
    try:
        with pytest.warns(DeprecationWarning, match="loop argument"):
            Application(loop=loop)
    finally:
        loop.close()


async def test_loop_property_is_deprecated() -> None:
    app = Application()
    with pytest.warns(DeprecationWarning, match="loop property"):
        assert app.loop is asyncio.get_running_loop()
