"""ClientSession against the standard library's ThreadingHTTPServer."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from yarl import URL

from aiohttp_client.client import ClientSession, ClientTimeout, request
from aiohttp_client.client_exceptions import (
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
    InvalidUrlClientError,
    NonHttpUrlClientError,
    TooManyRedirects,
)
from aiohttp_client.client_reqrep import ClientRequest, ClientResponse
from aiohttp_client.cookiejar import CookieJar
from aiohttp_client.tracing import TraceConfig
from aiohttp_wire.formdata import FormData
from aiohttp_wire.helpers import BasicAuth


def _headers(payload: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in payload["headers"]}


async def test_get_with_params_raise_for_status_and_json(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(stdlib_server / "echo", params={"q": "a b", "n": "1"}) as resp:
            resp.raise_for_status()
            data = await resp.json()
            assert resp.status == 200
            assert resp.ok
            assert resp.reason == "OK"
            assert resp.content_type == "application/json"
            assert resp.method == "GET"
    assert data["query"] == {"q": "a b", "n": "1"}
    assert data["method"] == "GET"


async def test_default_request_headers(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        resp = await session.get(stdlib_server / "echo")
        headers = _headers(await resp.json())
    assert headers["host"] == f"127.0.0.1:{stdlib_server.port}"
    assert headers["accept"] == "*/*"
    ver = sys.version_info
    assert headers["user-agent"].startswith(f"Python/{ver[0]}.{ver[1]} aiohttp/")
    assert "gzip" in headers["accept-encoding"]
    assert "content-length" not in headers


async def test_await_form_and_skip_auto_headers(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession(headers={"X-Session": "s"}) as session:
        resp = await session.get(
            stdlib_server / "echo", skip_auto_headers=["User-Agent"], headers={"X-Req": "r"}
        )
        headers = _headers(await resp.json())
    assert "user-agent" not in headers
    assert headers["x-session"] == "s"
    assert headers["x-req"] == "r"


async def test_post_bytes_str_json_and_form(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(stdlib_server / "echo", data=b"raw bytes") as resp:
            got = await resp.json()
            assert got["body"] == "raw bytes"
            assert _headers(got)["content-length"] == "9"
        async with session.post(stdlib_server / "echo", json={"a": [1, 2]}) as resp:
            got = await resp.json()
            assert json.loads(got["body"]) == {"a": [1, 2]}
            assert _headers(got)["content-type"] == "application/json"
        async with session.post(stdlib_server / "echo", data={"k": "v w"}) as resp:
            got = await resp.json()
            assert got["body"] == "k=v+w"
            assert _headers(got)["content-type"] == "application/x-www-form-urlencoded"
        form = FormData()
        form.add_field("field", "value")
        form.add_field("file", io.BytesIO(b"content"), filename="f.txt")
        async with session.post(stdlib_server / "echo", data=form) as resp:
            got = await resp.json()
            assert _headers(got)["content-type"].startswith("multipart/form-data; boundary=")
            assert 'name="field"' in got["body"]
            assert "content" in got["body"]


async def test_post_async_iterable_is_chunked(stdlib_server: URL) -> None:
    async def gen() -> AsyncIterator[bytes]:
        yield b"one "
        yield b"two"

    async with asyncio.timeout(10), ClientSession() as session:
        async with session.put(stdlib_server / "echo", data=gen()) as resp:
            got = await resp.json()
    assert got["method"] == "PUT"
    assert got["body"] == "one two"
    assert _headers(got)["transfer-encoding"] == "chunked"


async def test_data_and_json_together_is_an_error(stdlib_server: URL) -> None:
    async with ClientSession() as session:
        with pytest.raises(ValueError):
            await session.post(stdlib_server / "echo", data=b"x", json={})


async def test_every_method_helper(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        for name in ("get", "post", "put", "patch", "delete", "options"):
            async with getattr(session, name)(stdlib_server / "echo") as resp:
                assert (await resp.json())["method"] == name.upper()
        async with session.head(stdlib_server / "echo") as resp:
            assert resp.status == 200
            assert await resp.read() == b""


async def test_keep_alive_reuses_connection(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        for _ in range(3):
            async with session.get(stdlib_server / "echo") as resp:
                await resp.read()
        connector: Any = session.connector
        assert sum(len(v) for v in connector._conns.values()) == 1


async def test_raise_for_status_error_attributes(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        resp = await session.get(stdlib_server / "status/404")
        with pytest.raises(ClientResponseError) as info:
            resp.raise_for_status()
    err = info.value
    assert err.status == 404
    assert err.message == "Not Found"
    assert err.request_info.url == stdlib_server / "status/404"
    assert err.request_info.method == "GET"
    assert err.headers is not None and err.headers["Content-Type"] == "text/plain"


async def test_session_raise_for_status_and_callable(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession(raise_for_status=True) as session:
        with pytest.raises(ClientResponseError):
            await session.get(stdlib_server / "status/500")
        async with session.get(stdlib_server / "status/500", raise_for_status=False) as resp:
            assert resp.status == 500

    seen: list[int] = []

    async def check(resp: ClientResponse) -> None:
        seen.append(resp.status)
        raise RuntimeError("custom")

    async with asyncio.timeout(10), ClientSession(raise_for_status=check) as session:
        with pytest.raises(RuntimeError, match="custom"):
            await session.get(stdlib_server / "status/201")
    assert seen == [201]


async def test_json_content_type_check(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        url = (stdlib_server / "text").with_query(text='{"a": 1}', ctype="text/plain")
        async with session.get(url) as resp:
            with pytest.raises(ContentTypeError) as info:
                await resp.json()
            assert "unexpected mimetype: text/plain" in info.value.message
            assert await resp.json(content_type=None) == {"a": 1}
        url = (stdlib_server / "text").with_query(text='{"b": 2}', ctype="application/problem+json")
        async with session.get(url) as resp:
            assert await resp.json() == {"b": 2}


async def test_text_charset_and_fallback(stdlib_server: URL) -> None:
    calls: list[bytes] = []

    def resolver(resp: ClientResponse, body: bytes) -> str:
        calls.append(body)
        return "cp1251"

    async with asyncio.timeout(10), ClientSession(fallback_charset_resolver=resolver) as session:
        url = (stdlib_server / "text").with_query(text="\u0436", charset="koi8-r")
        async with session.get(url) as resp:
            assert resp.charset == "koi8-r"
            assert await resp.text() == "\u0436"
            assert resp.get_encoding() == "koi8-r"
        url = (stdlib_server / "text").with_query(
            text="\u0436", charset="cp1251", ctype="text/plain"
        )
        async with session.get(url) as resp:
            assert resp.charset is None
            assert await resp.text() == "\u0436"
            assert await resp.text(encoding="latin-1") == "\xe6"
    assert calls == ["\u0436".encode("cp1251")]


async def test_redirects_history_and_method_rewrite(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(stdlib_server / "redirect/302/3") as resp:
            assert resp.status == 200
            assert [r.status for r in resp.history] == [302, 302, 302]
            assert resp.url == stdlib_server / "echo"
        async with session.post(stdlib_server / "redirect/303/1", data=b"body") as resp:
            got = await resp.json()
            assert got["method"] == "GET"
            assert got["body"] == ""
        async with session.post(stdlib_server / "redirect/301/1", data=b"body") as resp:
            assert (await resp.json())["method"] == "GET"
        for code in (307, 308):
            async with session.post(stdlib_server / f"redirect/{code}/1", data=b"body") as resp:
                got = await resp.json()
                assert got["method"] == "POST"
                assert got["body"] == "body"
        async with session.get(stdlib_server / "redirect/302/1", allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.history == ()


async def test_too_many_redirects(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(TooManyRedirects) as info:
            await session.get(stdlib_server / "redirect/302/20", max_redirects=3)
    assert len(info.value.history) == 3


async def test_cookies_round_trip(stdlib_server: URL) -> None:
    # unsafe=True: the default jar refuses cookies from IP-address hosts such as 127.0.0.1.
    jar = CookieJar(unsafe=True)
    async with asyncio.timeout(10), ClientSession(cookies={"s": "0"}, cookie_jar=jar) as session:
        async with session.get(stdlib_server / "set-cookie") as resp:
            assert resp.cookies["a"].value == "1"
            await resp.read()
        async with session.get(stdlib_server / "echo", cookies={"r": "9"}) as resp:
            cookie = _headers(await resp.json())["cookie"]
    assert sorted(cookie.split("; ")) == ["a=1", "b=2", "r=9", "s=0"]


async def test_basic_auth_and_url_credentials(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(stdlib_server / "echo", auth=BasicAuth("u", "p")) as resp:
            assert _headers(await resp.json())["authorization"] == "Basic dTpw"
        async with session.get((stdlib_server / "echo").with_user("u").with_password("p")) as resp:
            assert _headers(await resp.json())["authorization"] == "Basic dTpw"
        with pytest.raises(ValueError):
            await session.get((stdlib_server / "echo").with_user("u"), auth=BasicAuth("x", "y"))


async def test_base_url(stdlib_server: URL) -> None:
    async with asyncio.timeout(10), ClientSession(base_url=stdlib_server / "") as session:
        async with session.get("echo") as resp:
            assert resp.url == stdlib_server / "echo"
    with pytest.raises(ValueError):
        ClientSession(base_url="/relative/")


async def test_invalid_urls() -> None:
    async with ClientSession() as session:
        with pytest.raises(InvalidUrlClientError):
            await session.get("http://")
        with pytest.raises(NonHttpUrlClientError):
            await session.get("ftp://example.com/")
        with pytest.raises(InvalidUrlClientError):
            await session.get("/relative")


async def test_closed_session_refuses_requests(stdlib_server: URL) -> None:
    session = ClientSession()
    await session.close()
    assert session.closed
    with pytest.raises(RuntimeError):
        await session.get(stdlib_server / "echo")


async def test_module_level_request(stdlib_server: URL) -> None:
    async with asyncio.timeout(10):
        async with request("GET", stdlib_server / "echo", params={"x": "1"}) as resp:
            assert (await resp.json())["query"] == {"x": "1"}


async def test_tracing_on_request_start_and_end(stdlib_server: URL) -> None:
    events: list[tuple[str, Any]] = []

    async def on_start(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        events.append(("start", ctx.trace_request_ctx))
        assert params.method == "GET"
        assert params.url == (stdlib_server / "redirect/302/1").with_query(a="1")

    async def on_redirect(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        events.append(("redirect", params.response.status))

    async def on_headers(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        events.append(("headers", params.url.path))

    async def on_end(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        events.append(("end", params.response.status))

    async def on_chunk(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        events.append(("chunk", len(params.chunk) > 0))

    config: TraceConfig[SimpleNamespace] = TraceConfig()
    config.on_request_start.append(on_start)
    config.on_request_redirect.append(on_redirect)
    config.on_request_headers_sent.append(on_headers)
    config.on_request_end.append(on_end)
    config.on_response_chunk_received.append(on_chunk)
    async with asyncio.timeout(10), ClientSession(trace_configs=[config]) as session:
        async with session.get(
            stdlib_server / "redirect/302/1", params={"a": "1"}, trace_request_ctx="ctx"
        ) as resp:
            await resp.read()
    assert events == [
        ("start", "ctx"),
        ("headers", "/redirect/302/1"),
        ("redirect", 302),
        ("headers", "/echo"),
        ("end", 200),
        ("chunk", True),
    ]


async def test_tracing_on_request_exception() -> None:
    seen: list[BaseException] = []

    async def on_exception(session: ClientSession, ctx: SimpleNamespace, params: Any) -> None:
        seen.append(params.exception)

    config: TraceConfig[SimpleNamespace] = TraceConfig()
    config.on_request_exception.append(on_exception)
    async with ClientSession(trace_configs=[config]) as session:
        with pytest.raises(Exception) as info:
            await session.get("http://127.0.0.1:1/")
    assert seen == [info.value]


async def test_session_and_request_middlewares(stdlib_server: URL) -> None:
    order: list[str] = []

    async def add_header(req: ClientRequest, handler: Any) -> ClientResponse:
        order.append("session")
        req.headers["X-Mw"] = "session"
        return await handler(req)

    async def other(req: ClientRequest, handler: Any) -> ClientResponse:
        order.append("request")
        req.headers["X-Mw"] = "request"
        return await handler(req)

    async with asyncio.timeout(10), ClientSession(middlewares=(add_header,)) as session:
        async with session.get(stdlib_server / "echo") as resp:
            assert _headers(await resp.json())["x-mw"] == "session"
        async with session.get(stdlib_server / "echo", middlewares=(other,)) as resp:
            assert _headers(await resp.json())["x-mw"] == "request"
        async with session.get(stdlib_server / "echo", middlewares=()) as resp:
            assert "x-mw" not in _headers(await resp.json())
    assert order == ["session", "request"]


async def test_retry_middleware(stdlib_server: URL) -> None:
    attempts = 0

    async def retry(req: ClientRequest, handler: Any) -> ClientResponse:
        nonlocal attempts
        for _ in range(3):
            attempts += 1
            resp: ClientResponse = await handler(req)
            if resp.status < 500:
                return resp
            resp.release()
            req.url = req.url.with_path("/echo")
        return resp

    async with asyncio.timeout(10), ClientSession(middlewares=(retry,)) as session:
        async with session.post(stdlib_server / "status/503", data=b"again") as resp:
            got = await resp.json()
    assert attempts == 2
    assert got["body"] == "again"


async def test_timeout_defaults() -> None:
    async with ClientSession() as session:
        assert session.timeout == ClientTimeout(total=300, sock_connect=30)
    assert ClientTimeout() == ClientTimeout(None, None, None, None, 5)
    with pytest.raises(ValueError):
        ClientSession(timeout=5)  # type: ignore[arg-type]


async def test_body_after_release(stdlib_server: URL) -> None:
    url = (stdlib_server / "text").with_query(text="body")
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.read() == b"body"
        assert await resp.text() == "body"  # the cached body decodes after release
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await resp.read()
        async with session.get(url) as resp:
            pass  # never read
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await resp.text()
        resp = await session.get(url)
        resp.close()
        with pytest.raises(ClientConnectionError, match="Connection closed"):
            await resp.read()


async def test_middleware_replaces_the_body_with_update_body(stdlib_server: URL) -> None:
    async def swap(req: ClientRequest, handler: Any) -> ClientResponse:
        await req.update_body(b"replaced by the middleware")
        return await handler(req)  # type: ignore[no-any-return]

    async with asyncio.timeout(10), ClientSession(middlewares=(swap,)) as session:
        async with session.post(stdlib_server / "echo", data=b"original") as resp:
            data = await resp.json()
            with pytest.warns(DeprecationWarning, match="url"):
                assert resp.url_obj == resp.url
    assert data["body"] == "replaced by the middleware"
    assert _headers(data)["content-length"] == "26"
