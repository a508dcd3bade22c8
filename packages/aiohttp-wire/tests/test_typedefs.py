"""Tests for aiohttp_wire.typedefs: the aliases exist and accept what aiohttp's do."""

from __future__ import annotations

import json
import os
from http.cookies import SimpleCookie

from multidict import CIMultiDict
from yarl import URL

from aiohttp_wire import typedefs


def _headers(value: typedefs.LooseHeaders) -> CIMultiDict[str]:
    return CIMultiDict(value)


def _cookies(value: typedefs.LooseCookies) -> typedefs.LooseCookies:
    return value


def _path(value: typedefs.PathLike) -> str:
    return os.fspath(value)


def _url(value: typedefs.StrOrURL) -> URL:
    return URL(value)


def test_aliases_accept_documented_values() -> None:
    assert _headers({"A": "1"})["a"] == "1"
    assert _headers([("A", "1"), ("A", "2")]).getall("a") == ["1", "2"]
    assert _cookies({"a": "1"}) == {"a": "1"}
    assert isinstance(_cookies(SimpleCookie("a=1")), SimpleCookie)
    assert _path("x") == "x"
    assert _url("http://h/") == URL("http://h/")
    raw: typedefs.RawHeaders = ((b"A", b"1"),)
    assert raw[0][0] == b"A"


def test_default_json_codecs() -> None:
    enc: typedefs.JSONEncoder = typedefs.DEFAULT_JSON_ENCODER
    dec: typedefs.JSONDecoder = typedefs.DEFAULT_JSON_DECODER
    assert dec(enc({"a": [1]})) == {"a": [1]} == json.loads('{"a": [1]}')


async def test_handler_and_middleware_shapes() -> None:
    async def handler(request: object) -> str:
        return f"handled {request}"

    async def middleware(request: object, h: typedefs.Handler) -> object:
        return await h(request)

    h: typedefs.Handler = handler
    m: typedefs.Middleware = middleware
    assert await m("r", h) == "handled r"
