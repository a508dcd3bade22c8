"""Tests for aiohttp_wire.abc: abstract methods, defaults and subclassing."""

from __future__ import annotations

import logging
import socket
from collections.abc import Awaitable, Callable, Generator, Iterator
from http.cookies import BaseCookie, Morsel, SimpleCookie
from typing import Any

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_wire.abc import (
    AbstractAccessLogger,
    AbstractAsyncAccessLogger,
    AbstractCookieJar,
    AbstractMatchInfo,
    AbstractResolver,
    AbstractRouter,
    AbstractStreamWriter,
    AbstractView,
    ClearCookiePredicate,
    ResolveResult,
)


@pytest.mark.parametrize(
    "cls",
    [
        AbstractAccessLogger,
        AbstractAsyncAccessLogger,
        AbstractCookieJar,
        AbstractMatchInfo,
        AbstractResolver,
        AbstractRouter,
        AbstractStreamWriter,
        AbstractView,
    ],
)
def test_cannot_instantiate(cls: type[Any]) -> None:
    with pytest.raises(TypeError):
        cls()


class _Writer(AbstractStreamWriter):
    def __init__(self) -> None:
        self.out = bytearray()

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.out += chunk
        self.buffer_size += len(chunk)
        self.output_size += len(chunk)

    async def write_eof(self, chunk: bytes = b"") -> None:
        await self.write(chunk)

    async def drain(self) -> None:
        pass

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        pass

    def enable_chunking(self) -> None:
        pass

    def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        self.out += status_line.encode() + b"\r\n"


async def test_stream_writer_defaults() -> None:
    w = _Writer()
    assert (w.buffer_size, w.output_size, w.length) == (0, 0, 0)
    w.write_headers("HTTP/1.1 200 OK", CIMultiDict())
    w.send_headers()
    w.set_eof()
    await w.write(b"ab")
    await w.write_eof(b"c")
    assert bytes(w.out) == b"HTTP/1.1 200 OK\r\nabc"
    assert w.output_size == 3


class _Jar(AbstractCookieJar):
    def __init__(self) -> None:
        super().__init__()
        self._c: SimpleCookie = SimpleCookie()

    @property
    def quote_cookie(self) -> bool:
        return True

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        for name, m in list(self._c.items()):
            if predicate is None or predicate(m):
                del self._c[name]

    def clear_domain(self, domain: str) -> None:
        self.clear(lambda m: m["domain"] == domain)

    def update_cookies(self, cookies: Any, response_url: URL = URL()) -> None:  # noqa: B008
        for k, v in dict(cookies).items():
            self._c[k] = v

    def filter_cookies(self, request_url: URL) -> BaseCookie[str]:
        return self._c

    def __iter__(self) -> Iterator[Morsel[str]]:
        return iter(self._c.values())

    def __len__(self) -> int:
        return len(self._c)


def test_cookie_jar_protocol() -> None:
    jar = _Jar()
    jar.update_cookies({"a": "1", "b": "2"})
    assert len(jar) == 2 and {m.key for m in jar} == {"a", "b"}
    jar.clear(lambda m: m.key == "a")
    assert [m.key for m in jar] == ["b"]
    jar.clear()
    assert len(jar) == 0
    jar.update_cookies_from_headers(["x=1; Path=/", "bad", 'y="two"; HttpOnly'], URL("http://h/"))
    assert {m.key: m.value for m in jar} == {"x": "1", "y": "two"}
    jar.update_cookies_from_headers([], URL("http://h/"))
    assert len(jar) == 2


class _Resolver(AbstractResolver):
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily | int = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host, host="127.0.0.1", port=port, family=family, proto=0, flags=0
            )
        ]

    async def close(self) -> None:
        pass


async def test_resolver() -> None:
    r = _Resolver()
    [res] = await r.resolve("localhost", 80)
    assert res["host"] == "127.0.0.1" and res["port"] == 80
    await r.close()


class _MatchInfo(AbstractMatchInfo):
    def __init__(self) -> None:
        self._apps: tuple[Any, ...] = ()
        self.frozen = False

    @property
    def handler(self) -> Callable[[Any], Awaitable[Any]]:
        async def h(request: Any) -> str:
            return "ok"

        return h

    @property
    def expect_handler(self) -> Callable[[Any], Awaitable[Any]]:
        return self.handler

    @property
    def http_exception(self) -> Any:
        return None

    def get_info(self) -> dict[str, Any]:
        return {"path": "/"}

    @property
    def apps(self) -> tuple[Any, ...]:
        return self._apps

    def add_app(self, app: Any) -> None:
        self._apps = (app, *self._apps)

    def freeze(self) -> None:
        self.frozen = True


class _Router(AbstractRouter):
    async def resolve(self, request: Any) -> AbstractMatchInfo:
        return _MatchInfo()


async def test_router_and_match_info() -> None:
    router = _Router()
    assert not router.frozen
    router.post_init(object())
    router.freeze()
    assert router.frozen
    mi = await router.resolve(None)
    mi.add_app("inner")
    mi.add_app("outer")
    assert mi.apps == ("outer", "inner")
    assert await mi.handler(None) == "ok"


class _View(AbstractView):
    def __await__(self) -> Generator[Any, None, Any]:
        async def run() -> str:
            return f"view {self.request}"

        return run().__await__()


async def test_view() -> None:
    assert await _View("req") == "view req"


class _Log(AbstractAccessLogger):
    def log(self, request: Any, response: Any, time: float) -> None:
        self.logger.info(self.log_format, request, response, time)


class _AsyncLog(AbstractAsyncAccessLogger):
    def __init__(self) -> None:
        self.lines: list[tuple[Any, Any, float]] = []

    async def log(self, request: Any, response: Any, time: float) -> None:
        self.lines.append((request, response, time))


async def test_access_loggers(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.access")
    with caplog.at_level(logging.INFO, "test.access"):
        sync = _Log(logger, "%s %s %.1f")
        assert sync.enabled
        sync.log("GET", 200, 1.0)
    assert "GET 200 1.0" in caplog.text
    alog = _AsyncLog()
    assert alog.enabled
    await alog.log("r", "s", 2.0)
    assert alog.lines == [("r", "s", 2.0)]
