"""The middleware marker and normalize_path_middleware."""

from __future__ import annotations

from typing import Any

import pytest

from aiohttp_server.web_app import Application
from aiohttp_server.web_exceptions import (
    HTTPFound,
    HTTPNotFound,
    HTTPPermanentRedirect,
)
from aiohttp_server.web_middlewares import middleware, normalize_path_middleware
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse

RequestFactory = Any


async def ok(request: Request) -> StreamResponse:
    return Response(text=request.path)


def _app(**kwargs: Any) -> Application:
    app = Application(middlewares=[normalize_path_middleware(**kwargs)])
    app.router.add_get("/a/", ok)
    app.router.add_get("/b", ok)
    app.router.add_get("/c/d/", ok)
    app.freeze()
    return app


def test_marker() -> None:
    async def mw(request: Request, handler: Any) -> StreamResponse:
        return await handler(request)

    assert middleware(mw) is mw
    assert mw.__middleware_version__ == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/a", "/a/"),
        ("/a?x=1", "/a/?x=1"),
        ("//a/", "/a/"),
        ("/c//d", "/c/d/"),
        ("//b", "/b"),
    ],
)
async def test_redirects(make_request: RequestFactory, path: str, location: str) -> None:
    app = _app()
    with pytest.raises(HTTPPermanentRedirect) as info:
        await app._handle(make_request("GET", path))
    assert info.value.headers["Location"] == location


async def test_existing_route_untouched(make_request: RequestFactory) -> None:
    resp = await _app()._handle(make_request("GET", "/b"))
    assert isinstance(resp, Response) and resp.text == "/b"


async def test_no_candidate_gives_404(make_request: RequestFactory) -> None:
    with pytest.raises(HTTPNotFound):
        await _app()._handle(make_request("GET", "/zzz"))


async def test_remove_slash(make_request: RequestFactory) -> None:
    app = _app(append_slash=False, remove_slash=True, redirect_class=HTTPFound)
    with pytest.raises(HTTPFound) as info:
        await app._handle(make_request("GET", "/b/"))
    assert info.value.headers["Location"] == "/b"
    with pytest.raises(HTTPNotFound):
        await app._handle(make_request("GET", "/a"))


async def test_no_open_redirect(make_request: RequestFactory) -> None:
    app = Application(middlewares=[normalize_path_middleware(merge_slashes=False)])
    app.router.add_get("/evil.example/", ok)
    app.freeze()
    with pytest.raises(HTTPPermanentRedirect) as info:
        await app._handle(make_request("GET", "//evil.example"))
    assert not info.value.headers["Location"].startswith("//")


def test_both_slash_options_rejected() -> None:
    with pytest.raises(AssertionError):
        normalize_path_middleware(append_slash=True, remove_slash=True)
