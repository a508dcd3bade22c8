"""Routing: resources, resolution, 404/405, names, url_for, static files, View."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from yarl import URL

from aiohttp_server.web_exceptions import (
    HTTPException,
    HTTPForbidden,
    HTTPMethodNotAllowed,
    HTTPNotFound,
)
from aiohttp_server.web_fileresponse import FileResponse
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_urldispatcher import (
    AbstractResource,
    DynamicResource,
    MatchInfoError,
    PlainResource,
    StaticResource,
    SystemRoute,
    UrlDispatcher,
    View,
)

RequestFactory = Any


async def handler(request: Request) -> StreamResponse:
    return Response(text="ok")


async def other(request: Request) -> StreamResponse:
    return Response(text="other")


async def test_plain_route(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    route = router.add_get("/a/b", handler)
    mi = await router.resolve(make_request("GET", "/a/b"))
    assert mi.route is route and mi.handler is handler
    assert mi == {}
    assert mi.http_exception is None
    assert isinstance(route.resource, PlainResource)
    assert route.method == "GET"


async def test_add_get_adds_head(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/", handler)
    router.add_get("/nohead", handler, allow_head=False)
    assert (await router.resolve(make_request("HEAD", "/"))).handler is handler
    mi = await router.resolve(make_request("HEAD", "/nohead"))
    assert isinstance(mi.http_exception, HTTPMethodNotAllowed)


async def test_dynamic_route(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/users/{name}/posts/{id:\\d+}", handler)
    mi = await router.resolve(make_request("GET", "/users/al%20ice/posts/42"))
    assert mi == {"name": "al ice", "id": "42"}
    assert isinstance(mi.route.resource, DynamicResource)
    miss = await router.resolve(make_request("GET", "/users/x/posts/abc"))
    assert isinstance(miss.http_exception, HTTPNotFound)


async def test_dynamic_part_does_not_cross_slash(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/f/{name}", handler)
    assert isinstance(
        (await router.resolve(make_request("GET", "/f/a/b"))).http_exception, HTTPNotFound
    )
    mi = await router.resolve(make_request("GET", "/f/a%2Fb"))
    assert mi == {"name": "a/b"}


async def test_regex_with_braces(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/code/{code:[a-z]{3}}", handler)
    assert await router.resolve(make_request("GET", "/code/abc")) == {"code": "abc"}
    assert (await router.resolve(make_request("GET", "/code/abcd"))).http_exception is not None


async def test_404_and_405(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_post("/x", handler)
    router.add_put("/x", other)
    mi = await router.resolve(make_request("GET", "/x"))
    assert isinstance(mi, MatchInfoError)
    exc = mi.http_exception
    assert isinstance(exc, HTTPMethodNotAllowed)
    assert exc.allowed_methods == {"POST", "PUT"}
    assert exc.headers["Allow"] == "POST,PUT"
    assert isinstance(mi.route, SystemRoute)
    with pytest.raises(HTTPMethodNotAllowed):
        await mi.handler(make_request("GET", "/x"))
    nf = await router.resolve(make_request("GET", "/nothing"))
    assert isinstance(nf.http_exception, HTTPNotFound)
    assert nf.route.status == 404  # type: ignore[attr-defined]


async def test_any_method_route(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_route("*", "/any", handler)
    for method in ("GET", "DELETE", "PROPFIND"):
        assert (await router.resolve(make_request(method, "/any"))).handler is handler


async def test_same_path_shares_resource() -> None:
    router = UrlDispatcher()
    r1 = router.add_get("/s", handler)
    r2 = router.add_post("/s", other)
    assert r1.resource is r2.resource
    assert len(router.resources()) == 1
    assert len(router.routes()) == 3


def test_duplicate_method_rejected() -> None:
    router = UrlDispatcher()
    router.add_post("/d", handler)
    with pytest.raises(RuntimeError):
        router.add_post("/d", other)


@pytest.mark.parametrize("method", ["GE T", "", "G\r\nET"])
def test_invalid_method(method: str) -> None:
    with pytest.raises(ValueError):
        UrlDispatcher().add_route(method, "/", handler)


def test_invalid_paths() -> None:
    router = UrlDispatcher()
    with pytest.raises(ValueError):
        router.add_get("no-slash", handler)
    with pytest.raises(ValueError):
        router.add_get("/{bad", handler)
    with pytest.raises(ValueError):
        router.add_get("/{x:(}", handler)


def test_invalid_handlers() -> None:
    router = UrlDispatcher()
    with pytest.raises(TypeError):
        router.add_get("/", "not callable")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        router.add_get("/", int)  # type: ignore[arg-type]


async def test_sync_handler_deprecated(make_request: RequestFactory) -> None:
    router = UrlDispatcher()

    def sync(request: Request) -> StreamResponse:
        return Response(text="sync")

    with pytest.warns(DeprecationWarning, match="Bare functions"):
        router.add_get("/s", sync)  # type: ignore[arg-type]
    mi = await router.resolve(make_request("GET", "/s"))
    resp = await mi.handler(make_request("GET", "/s"))
    assert isinstance(resp, Response) and resp.text == "sync"


def test_names_and_url_for() -> None:
    router = UrlDispatcher()
    router.add_get("/plain", handler, name="plain")
    router.add_get("/u/{user}/{n:\\d+}", handler, name="user.item")
    assert router["plain"].url_for() == URL("/plain")
    assert router["user.item"].url_for(user="a b/c?", n="5") == URL("/u/a%20b/c%3F/5")
    assert router["user.item"].url_for(user="100%", n="5") == URL("/u/100%25/5")
    assert "plain" in router and len(router) == 2
    assert set(router.named_resources()) == {"plain", "user.item"}
    assert list(router) == ["plain", "user.item"]


@pytest.mark.parametrize("name", ["with space", "1abc", "class", "a..b"])
def test_bad_names(name: str) -> None:
    with pytest.raises(ValueError):
        UrlDispatcher().add_get("/", handler, name=name)


def test_duplicate_name() -> None:
    router = UrlDispatcher()
    router.add_get("/a", handler, name="n")
    with pytest.raises(ValueError):
        router.add_get("/b", handler, name="n")


def test_frozen_router() -> None:
    router = UrlDispatcher()
    router.freeze()
    with pytest.raises(RuntimeError):
        router.add_get("/", handler)


async def test_most_specific_fixed_path_wins(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/{name}", other)
    router.add_get("/fixed", handler)
    router.add_get("/{a}/{b}", other)
    router.add_get("/m/{a}/x", other)
    router.add_get("/m/b/{c}", handler)
    router.add_get("/q/{tail:.*}", other)
    router.add_get("/q/z/w", handler)
    router.add_get("/pre{a}", other)
    router.add_get("/prefix", handler)
    router.freeze()

    async def resolved(path: str) -> Any:
        return (await router.resolve(make_request("GET", path))).handler

    # A plain path beats an earlier dynamic one; longer fixed prefixes beat shorter.
    assert await resolved("/fixed") is handler
    assert await resolved("/zz") is other
    assert await resolved("/m/b/x") is handler
    assert await resolved("/q/z/w") is handler
    assert await resolved("/q/z/w/v") is other
    assert await resolved("/prefix") is handler
    assert await resolved("/prefoo") is other


async def test_same_fixed_path_keeps_registration_order(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/c/{x}", handler)
    router.add_get("/c/{y}", other)
    router.add_post("/e/me", other)
    router.add_get("/e/{n}", handler)
    router.freeze()
    assert (await router.resolve(make_request("GET", "/c/1"))).handler is handler
    # A plain path without the method falls through to the dynamic one.
    assert (await router.resolve(make_request("GET", "/e/me"))).handler is handler
    assert (await router.resolve(make_request("POST", "/e/me"))).handler is other
    mi = await router.resolve(make_request("PUT", "/e/me"))
    assert isinstance(mi.http_exception, HTTPMethodNotAllowed)
    assert mi.http_exception.allowed_methods == {"GET", "HEAD", "POST"}


async def test_plain_path_inside_a_prefix(make_request: RequestFactory, tmp_path: Path) -> None:
    router = UrlDispatcher()
    router.add_static("/static", tmp_path)
    router.add_get("/static/special", handler)
    router.add_get("/{a}/{b}", other)
    router.freeze()
    assert (await router.resolve(make_request("GET", "/static/special"))).handler is handler
    mi = await router.resolve(make_request("GET", "/static/file.txt"))
    assert mi.get("filename") == "file.txt"


async def test_empty_path_is_root(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("", handler)
    router.freeze()
    assert (await router.resolve(make_request("GET", "/"))).handler is handler


async def test_view(make_request: RequestFactory) -> None:
    class MyView(View):
        async def get(self) -> StreamResponse:
            return Response(text="get " + self.request.match_info["x"])

        async def post(self) -> StreamResponse:
            return Response(text="post")

    router = UrlDispatcher()
    router.add_view("/v/{x}", MyView)
    req = make_request("GET", "/v/1")
    mi = await router.resolve(req)
    req._match_info = mi
    resp = await mi.handler(req)
    assert isinstance(resp, Response) and resp.text == "get 1"
    put = make_request("PUT", "/v/1")
    put._match_info = await router.resolve(put)
    with pytest.raises(HTTPMethodNotAllowed) as info:
        await put.match_info.handler(put)
    assert info.value.allowed_methods == {"GET", "POST"}


def test_match_info_apps_and_freeze() -> None:
    from unittest import mock

    from aiohttp_server.web_app import Application
    from aiohttp_server.web_urldispatcher import UrlMappingMatchInfo

    a, b = Application(), Application()
    mi = UrlMappingMatchInfo({}, mock.Mock())
    mi.add_app(b)
    mi.add_app(a)
    assert mi.apps == (a, b) and mi.current_app is b
    with mi._set_current_app(a):
        assert mi.current_app is a
    assert mi.current_app is b
    with pytest.raises(RuntimeError):
        mi.current_app = Application()
    mi.freeze()
    with pytest.raises(RuntimeError):
        mi.add_app(a)


# -- static files ---------------------------------------------------------------


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "index.txt").write_bytes(b"top")
    (root / "sub" / "a b.txt").write_bytes(b"nested")
    (tmp_path / "secret.txt").write_bytes(b"secret")
    os.symlink(tmp_path / "secret.txt", root / "link_out")
    os.symlink(root / "index.txt", root / "link_in")
    return root


async def _static_get(
    router: UrlDispatcher, make_request: RequestFactory, path: str
) -> StreamResponse | HTTPException:
    req = make_request("GET", path)
    mi = await router.resolve(req)
    req._match_info = mi
    try:
        return await mi.handler(req)
    except HTTPException as exc:
        return exc


async def test_static_serves_file(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    resource = router.add_static("/static/", static_root, name="st")
    assert isinstance(resource, StaticResource)
    resp = await _static_get(router, make_request, "/static/index.txt")
    assert isinstance(resp, FileResponse)
    resp2 = await _static_get(router, make_request, "/static/sub/a%20b.txt")
    assert isinstance(resp2, FileResponse)
    assert resp2._path == static_root / "sub" / "a b.txt"
    assert {r.method for r in resource} == {"GET", "HEAD"}


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/%2E%2E/etc/passwd",
        "/static/sub/..%2f..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/sub%5c..%5c..%5csecret.txt",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/link_out",
        "/static/nothing-here",
        "/static/index.txt%00.png",
    ],
)
async def test_static_never_escapes_root(
    static_root: Path, make_request: RequestFactory, path: str
) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root)
    resp = await _static_get(router, make_request, path)
    assert isinstance(resp, (HTTPNotFound, HTTPForbidden)), (path, resp)


@pytest.mark.parametrize(
    ("path", "filename"),
    [
        ("/static/sub/../index.txt", "index.txt"),
        ("/static/./sub/%2e/a%20b.txt", "sub/a b.txt"),
        ("/static/sub//a%20b.txt", "sub//a b.txt"),
        ("/static/sub/..", ""),
        ("/static/index.txt", "index.txt"),
        ("/static/.hidden", ".hidden"),
        ("/static/..", None),
        ("/static/sub/../../x", None),
        ("/static/..%2Fx", None),
        ("/static//x", None),
        ("/static/a%5Cb", None),
        ("/static/a%00b", None),
    ],
)
async def test_static_resolves_dot_segments(
    static_root: Path, make_request: RequestFactory, path: str, filename: str | None
) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root)
    mi = await router.resolve(make_request("GET", path))
    if filename is None:
        assert isinstance(mi.http_exception, HTTPNotFound)
    else:
        assert mi == {"filename": filename}


async def test_static_follow_symlinks(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root, follow_symlinks=True)
    resp = await _static_get(router, make_request, "/static/link_out")
    assert isinstance(resp, FileResponse)
    # Following symlinks never allows '..' out of the root.
    resp2 = await _static_get(router, make_request, "/static/%2e%2e/secret.txt")
    assert isinstance(resp2, (HTTPNotFound, HTTPForbidden))


async def test_static_symlink_inside_root(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root)
    assert isinstance(await _static_get(router, make_request, "/static/link_in"), FileResponse)


async def test_static_directory(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root)
    assert isinstance(await _static_get(router, make_request, "/static/sub"), HTTPForbidden)
    router2 = UrlDispatcher()
    router2.add_static("/static", static_root, show_index=True)
    resp = await _static_get(router2, make_request, "/static/sub")
    assert isinstance(resp, Response)
    assert resp.content_type == "text/html"
    assert resp.text is not None
    assert "Index of /sub" in resp.text
    assert '<a href="/static/sub/a%20b.txt">a b.txt</a>' in resp.text
    root = await _static_get(router2, make_request, "/static/")
    assert isinstance(root, Response) and root.text is not None
    assert '<a href="/static/sub">sub/</a>' in root.text


async def test_static_index_escapes_names(tmp_path: Path, make_request: RequestFactory) -> None:
    (tmp_path / "<b>.txt").write_bytes(b"")
    router = UrlDispatcher()
    router.add_static("/s", tmp_path, show_index=True)
    resp = await _static_get(router, make_request, "/s/")
    assert isinstance(resp, Response) and resp.text is not None
    assert "<b>.txt" not in resp.text and "&lt;b&gt;.txt" in resp.text


async def test_static_method_not_allowed(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_static("/static", static_root)
    mi = await router.resolve(make_request("POST", "/static/index.txt"))
    assert isinstance(mi.http_exception, HTTPMethodNotAllowed)


def test_static_url_for(static_root: Path) -> None:
    router = UrlDispatcher()
    resource = router.add_static("/st", static_root, name="st")
    assert resource.url_for(filename="sub/a b.txt") == URL("/st/sub/a%20b.txt")
    versioned = resource.url_for(filename="index.txt", append_version=True)
    assert versioned.path == "/st/index.txt"
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", versioned.query["v"])
    # Missing files or escapes get no version.
    assert "v" not in resource.url_for(filename="missing", append_version=True).query
    assert "v" not in resource.url_for(filename="../secret.txt", append_version=True).query


def test_static_bad_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        UrlDispatcher().add_static("/s", tmp_path / "missing")
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(ValueError):
        UrlDispatcher().add_static("/s", tmp_path / "f")


async def test_static_options_route(static_root: Path, make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    resource = router.add_static("/static", static_root)
    resource.set_options_route(other)
    with pytest.raises(RuntimeError):
        resource.set_options_route(other)
    router.freeze()
    mi = await router.resolve(make_request("OPTIONS", "/static/index.txt"))
    assert mi.handler is other
    mi = await router.resolve(make_request("PUT", "/static/index.txt"))
    assert isinstance(mi.http_exception, HTTPMethodNotAllowed)
    assert mi.http_exception.allowed_methods == {"GET", "HEAD", "OPTIONS"}


async def test_view_rejects_unknown_methods(make_request: RequestFactory) -> None:
    class OnlyGet(View):
        async def get(self) -> StreamResponse:
            return Response(text="g")

    for method in ("PROPFIND", "POST"):
        with pytest.raises(HTTPMethodNotAllowed) as info:
            await OnlyGet(make_request(method, "/"))
        assert info.value.allowed_methods == {"GET"}


async def test_introspection_and_misuse(make_request: RequestFactory) -> None:
    from aiohttp_server.web_app import Application

    router = UrlDispatcher()
    plain = router.add_get("/p", handler, name="p")
    dyn = router.add_get("/d/{x}", handler, name="d")
    assert plain.get_info() == {"path": "/p"} and "formatter" in dyn.get_info()
    assert "PlainResource" in repr(plain.resource) and "DynamicResource" in repr(dyn.resource)
    assert "ResourceRoute [GET]" in repr(plain)
    with pytest.raises(TypeError):
        router.add_route("GET", "/e", handler, expect_handler=lambda r: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError):
        router.add_resource("/r").register_route(object())  # type: ignore[arg-type]
    root = Application()
    sub = Application()
    sub.router.add_get("/x", handler)
    res = root.add_subapp("/sub", sub)
    assert len(res) == 2 and {route.method for route in res} == {"GET", "HEAD"}
    assert res.get_info() == {"app": sub, "prefix": "/sub"}
    with pytest.raises(RuntimeError):
        res.url_for()
    mi = await root.router.resolve(make_request("GET", "/nope"))
    assert isinstance(mi, MatchInfoError) and "404" in repr(mi)
    with pytest.raises(RuntimeError):
        mi.route.url_for()


async def test_domain_subapp_405_and_mask(make_request: RequestFactory) -> None:
    from aiohttp_server.web_app import Application

    root = Application()
    sub = Application()
    sub.router.add_post("/only", handler)
    resource = root.add_domain("*.example.com", sub)
    assert resource.canonical == r".*\.example\.com"
    assert resource.get_info()["app"] is sub
    root.freeze()
    mi = await root.router.resolve(make_request("GET", "/only", {"Host": "a.example.com"}))
    assert isinstance(mi.http_exception, HTTPMethodNotAllowed)
    mi = await root.router.resolve(make_request("GET", "/only", {"Host": "example.com"}))
    assert isinstance(mi.http_exception, HTTPNotFound)
    mi = await root.router.resolve(make_request("GET", "/only"))
    assert isinstance(mi.http_exception, HTTPNotFound)


async def test_deep_paths_resolve_from_the_deepest_key(make_request: RequestFactory) -> None:
    router = UrlDispatcher()
    router.add_get("/a/{tail:.*}", handler)
    router.add_get("/x/y/z", other)
    router.add_get("/{any:.*}", other)
    router.freeze()
    deep = "/a/" + "seg/" * 2000
    mi = await router.resolve(make_request("GET", deep))
    assert mi.handler is handler and mi["tail"] == deep[3:]
    assert (await router.resolve(make_request("GET", "/x/y/z"))).handler is other
    mi = await router.resolve(make_request("GET", "/x/y/z/" + "q/" * 100))
    assert mi.handler is other and mi["any"].startswith("x/y/z/q/")
    empty = UrlDispatcher()
    empty.add_get("/{one}", handler)
    empty.freeze()
    assert (await empty.resolve(make_request("GET", "/v"))).handler is handler
    miss = await empty.resolve(make_request("GET", "/v/w"))
    assert isinstance(miss.http_exception, HTTPNotFound)


async def test_unindex_and_index_resource(make_request: RequestFactory) -> None:
    """Unindexed resources stay listed but stop resolving; indexing brings them back."""
    router = UrlDispatcher()
    plain = router.add_get("/a/b", handler).resource
    deep = router.add_get("/p/q/r/{id}", other).resource
    catch_all = router.add_get("/{tail:.*}", other).resource
    assert plain is not None and deep is not None and catch_all is not None
    router.freeze()
    router.unindex_resource(plain)
    assert plain in router.resources()
    mi = await router.resolve(make_request("GET", "/a/b"))
    assert mi.route.resource is catch_all
    with pytest.raises(ValueError, match="not indexed"):
        router.unindex_resource(plain)
    router.index_resource(plain)
    assert (await router.resolve(make_request("GET", "/a/b"))).route.resource is plain
    # Dropping the deepest key still resolves every remaining depth.
    router.unindex_resource(deep)
    mi = await router.resolve(make_request("GET", "/p/q/r/7"))
    assert mi.route.resource is catch_all and mi == {"tail": "p/q/r/7"}
    router.unindex_resource(catch_all)
    miss = await router.resolve(make_request("GET", "/p/q/r/7"))
    assert isinstance(miss.http_exception, HTTPNotFound)
    router.index_resource(deep)
    assert await router.resolve(make_request("GET", "/p/q/r/7")) == {"id": "7"}


async def test_index_hooks_see_every_path_change(make_request: RequestFactory) -> None:
    """A router subclass (a plugin's own index) is told of registrations and prefixes."""
    from aiohttp_server.web_app import Application

    calls: list[tuple[str, str]] = []

    class Recording(UrlDispatcher):
        def index_resource(self, resource: AbstractResource) -> None:
            calls.append(("index", resource.canonical))
            super().index_resource(resource)

        def unindex_resource(self, resource: AbstractResource) -> None:
            calls.append(("unindex", resource.canonical))
            super().unindex_resource(resource)

    with pytest.warns(DeprecationWarning, match="router"):
        sub = Application(router=Recording())
    sub.router.add_get("/x/{id}", handler)
    assert calls == [("index", "/x/{id}")]
    root = Application()
    root.add_subapp("/sub", sub)
    assert calls[1:] == [("unindex", "/x/{id}"), ("index", "/sub/x/{id}")]
    root.freeze()
    mi = await root.router.resolve(make_request("GET", "/sub/x/5"))
    assert mi == {"id": "5"} and mi.handler is handler


async def test_unindex_domain_subapp(make_request: RequestFactory) -> None:
    from aiohttp_server.web_app import Application

    root = Application()
    sub = Application()
    sub.router.add_get("/", handler)
    resource = root.add_domain("example.com", sub)
    root.router.add_get("/", other)
    root.freeze()
    request = make_request("GET", "/", {"Host": "example.com"})
    assert (await root.router.resolve(request)).handler is handler
    root.router.unindex_resource(resource)
    assert (await root.router.resolve(request)).handler is other
    with pytest.raises(ValueError, match="not indexed"):
        root.router.unindex_resource(resource)


def test_dynamic_resource_placeholder_grammar() -> None:
    assert DynamicResource.DYN.fullmatch("{name}")
    assert not DynamicResource.DYN.fullmatch("{1x}")
    match = DynamicResource.DYN_WITH_RE.fullmatch(r"{id:\d+}")
    assert match is not None and match.group("var", "re") == ("id", r"\d+")
    assert re.fullmatch(DynamicResource.GOOD, "a.b-c")
    assert not re.fullmatch(DynamicResource.GOOD, "a/b")
