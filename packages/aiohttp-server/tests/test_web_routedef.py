"""Route definitions and RouteTableDef."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from aiohttp_server import web_routedef as rd
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_urldispatcher import StaticResource, UrlDispatcher, View


async def handler(request: Request) -> StreamResponse:
    return Response()


@pytest.mark.parametrize(
    ("factory", "method"),
    [
        (rd.head, "HEAD"),
        (rd.options, "OPTIONS"),
        (rd.post, "POST"),
        (rd.put, "PUT"),
        (rd.patch, "PATCH"),
        (rd.delete, "DELETE"),
    ],
)
def test_shortcuts(factory: Any, method: str) -> None:
    router = UrlDispatcher()
    route_def = factory("/p", handler, name="n")
    assert route_def.method == method and route_def.path == "/p"
    assert route_def.kwargs == {"name": "n"}
    (route,) = route_def.register(router)
    assert route.method == method and route.name == "n"


def test_get_adds_head_unless_disabled() -> None:
    router = UrlDispatcher()
    router.add_routes([rd.get("/a", handler), rd.get("/b", handler, allow_head=False)])
    methods = sorted((r.resource.canonical, r.method) for r in router.routes())  # type: ignore[union-attr]
    assert methods == [("/a", "GET"), ("/a", "HEAD"), ("/b", "GET")]


def test_custom_method_route() -> None:
    router = UrlDispatcher()
    (route,) = rd.route("PROPFIND", "/dav", handler).register(router)
    assert route.method == "PROPFIND"


def test_view_and_static(tmp_path: Path) -> None:
    class V(View):
        async def get(self) -> StreamResponse:
            return Response()

    router = UrlDispatcher()
    routes = router.add_routes([rd.view("/v", V), rd.static("/s", tmp_path, name="files")])
    assert routes[0].method == "*"
    assert {r.method for r in routes[1:]} == {"GET", "HEAD"}
    assert isinstance(router["files"], StaticResource)
    assert "StaticDef /s" in repr(rd.static("/s", tmp_path))
    assert "RouteDef GET /x -> 'handler'" in repr(rd.get("/x", handler))


def test_route_table_def(tmp_path: Path) -> None:
    routes = rd.RouteTableDef()

    @routes.get("/g")
    async def g(request: Request) -> StreamResponse:
        return Response()

    @routes.post("/p")
    async def p(request: Request) -> StreamResponse:
        return Response()

    @routes.view("/v")
    class V(View):
        pass

    routes.put("/u")(handler)
    routes.patch("/u")(g)
    routes.delete("/u")(p)
    routes.head("/h")(handler)
    routes.options("/o")(handler)
    routes.route("TRACE", "/t")(handler)
    routes.static("/st", tmp_path)
    assert len(routes) == 10
    assert isinstance(routes[0], rd.RouteDef) and routes[0].handler is g
    assert routes[0] in routes
    assert len(routes[1:3]) == 2
    assert repr(routes) == "<RouteTableDef count=10>"
    router = UrlDispatcher()
    router.add_routes(routes)
    assert len(router.resources()) == 8


def test_definitions_are_slotted_and_frozen(tmp_path: Path) -> None:
    """As in aiohttp, the fields are class-level descriptors and cannot be reassigned."""
    for cls, fields in (
        (rd.RouteDef, "method path handler kwargs"),
        (rd.StaticDef, "prefix path kwargs"),
    ):
        for field in fields.split():
            assert isinstance(cls.__dict__[field], types.MemberDescriptorType), (cls, field)
    definition = rd.get("/", handler)
    with pytest.raises(AttributeError):
        definition.path = "/other"  # type: ignore[misc]
    assert rd.static("/s", tmp_path) == rd.StaticDef("/s", tmp_path, {})
