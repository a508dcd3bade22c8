"""Applications served on loopback and driven by clients we did not write.

httpx, the standard library's ``http.client``, h11 over a raw socket and raw
bytes check routing, request properties, bodies, cookies, sub-applications,
signals and error statuses end to end.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import h11
import httpx
import pytest
import trustme

from aiohttp_server import web_exceptions as we
from aiohttp_server.web_app import AppKey, Application
from aiohttp_server.web_exceptions import (
    HTTPBadRequest,
    HTTPFound,
    HTTPNoContent,
    HTTPNotModified,
    HTTPUnauthorized,
)
from aiohttp_server.web_fileresponse import FileResponse
from aiohttp_server.web_middlewares import middleware
from aiohttp_server.web_request import FileField, Request
from aiohttp_server.web_response import Response, StreamResponse, json_response
from aiohttp_server.web_routedef import RouteTableDef
from aiohttp_server.web_runner import AppRunner, TCPSite
from aiohttp_server.web_urldispatcher import View
from aiohttp_wire.typedefs import Handler, Middleware

Serve = Callable[[Application], Awaitable[str]]
TIMEOUT = 10


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start an application on 127.0.0.1:0; yields its base URL."""
    runners: list[AppRunner] = []

    async def start(app: Application) -> str:
        runner = AppRunner(app)
        await runner.setup()
        runners.append(runner)
        await TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


def _addr(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


async def raw_exchange(base: str, data: bytes) -> bytes:
    """Send raw bytes; everything the server answers until it closes."""

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(*_addr(base))
        writer.write(data)
        await writer.drain()
        out = await reader.read(-1)
        writer.close()
        await writer.wait_closed()
        return out

    return await asyncio.wait_for(exchange(), TIMEOUT)


def stdlib_request(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """One request with ``http.client`` (run it in a thread)."""
    conn = http.client.HTTPConnection(*_addr(base), timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.reason, resp.getheaders(), resp.read()
    finally:
        conn.close()


async def test_request_properties_seen_by_handler(serve: Serve) -> None:
    async def info(request: Request) -> StreamResponse:
        return json_response(
            {
                "method": request.method,
                "version": list(request.version),
                "path": request.path,
                "raw_path": request.raw_path,
                "query": sorted(request.query.items()),
                "url": str(request.url),
                "rel_url": str(request.rel_url),
                "host": request.host,
                "remote": request.remote,
                "scheme": request.scheme,
                "secure": request.secure,
                "keep_alive": request.keep_alive,
                "peer": request.get_extra_info("peername")[0],
                "transport": request.transport is not None,
                "raw_headers": [[k.decode(), v.decode()] for k, v in request.raw_headers],
                "x_multi": request.headers.getall("X-Multi"),
                "content_type": request.content_type,
                "charset": request.charset,
                "content_length": request.content_length,
                "body_exists": request.body_exists,
                "can_read_body": request.can_read_body,
                "forwarded": [dict(f) for f in request.forwarded],
                "match": dict(request.match_info),
            }
        )

    app = Application()
    app.router.add_route("*", "/info/{name}", info)
    base = await serve(app)
    status, _, _, body = await asyncio.to_thread(
        stdlib_request,
        base,
        "PATCH",
        "/info/a%20b?x=1&x=2&y=%C3%A9",
        b"abc",
        {
            "X-Multi": "one",
            "Content-Type": "text/plain; charset=latin-1",
            "Forwarded": 'for=192.0.2.60;proto=https;by="[2001:db8::1]:80", for=10.0.0.1',
        },
    )
    assert status == 200
    got = json.loads(body)
    host, port = _addr(base)
    assert got["method"] == "PATCH" and got["version"] == [1, 1]
    assert got["path"] == "/info/a b" and got["raw_path"] == "/info/a%20b?x=1&x=2&y=%C3%A9"
    assert got["query"] == [["x", "1"], ["x", "2"], ["y", "é"]]
    assert got["url"] == f"http://{host}:{port}/info/a%20b?x=1&x=2&y=%C3%A9"
    assert got["rel_url"] == "/info/a%20b?x=1&x=2&y=%C3%A9"
    assert got["host"] == f"{host}:{port}" and got["remote"] == "127.0.0.1"
    assert got["scheme"] == "http" and got["secure"] is False and got["keep_alive"] is True
    assert got["peer"] == "127.0.0.1" and got["transport"] is True
    assert ["X-Multi", "one"] in got["raw_headers"]
    assert got["x_multi"] == ["one"]
    assert got["content_type"] == "text/plain" and got["charset"] == "latin-1"
    assert got["content_length"] == 3
    assert got["body_exists"] is True and got["can_read_body"] is True
    assert got["forwarded"] == [
        {"for": "192.0.2.60", "proto": "https", "by": "[2001:db8::1]:80"},
        {"for": "10.0.0.1"},
    ]
    assert got["match"] == {"name": "a b"}


async def test_h11_peer_keep_alive_and_bodies(serve: Serve) -> None:
    """h11 frames both directions: chunked upload, pipelined keep-alive answers."""

    async def echo(request: Request) -> StreamResponse:
        data = await request.read()
        return Response(body=data[::-1], headers={"X-Len": str(len(data))})

    async def empty(request: Request) -> StreamResponse:
        return Response(status=204)

    app = Application()
    app.router.add_post("/echo", echo)
    app.router.add_get("/empty", empty)
    base = await serve(app)

    async def run() -> list[tuple[int, dict[bytes, bytes], bytes]]:
        reader, writer = await asyncio.open_connection(*_addr(base))
        conn = h11.Connection(h11.CLIENT)
        results: list[tuple[int, dict[bytes, bytes], bytes]] = []

        async def roundtrip(events: list[Any]) -> None:
            for event in events:
                writer.write(conn.send(event) or b"")
            await writer.drain()
            status = 0
            headers: dict[bytes, bytes] = {}
            body = b""
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(await reader.read(65536))
                    continue
                if isinstance(event, h11.Response):
                    status = event.status_code
                    headers = dict(event.headers)
                elif isinstance(event, h11.Data):
                    body += bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
            results.append((status, headers, body))
            conn.start_next_cycle()

        await roundtrip(
            [
                h11.Request(
                    method="POST",
                    target="/echo",
                    headers=[("Host", "x"), ("Transfer-Encoding", "chunked")],
                ),
                h11.Data(data=b"hello "),
                h11.Data(data=b"world"),
                h11.EndOfMessage(),
            ]
        )
        await roundtrip(
            [
                h11.Request(method="GET", target="/empty", headers=[("Host", "x")]),
                h11.EndOfMessage(),
            ]
        )
        await roundtrip(
            [
                h11.Request(
                    method="POST", target="/echo", headers=[("Host", "x"), ("Content-Length", "3")]
                ),
                h11.Data(data=b"abc"),
                h11.EndOfMessage(),
            ]
        )
        writer.close()
        await writer.wait_closed()
        return results

    results = await asyncio.wait_for(run(), TIMEOUT)
    assert results[0][0] == 200 and results[0][2] == b"dlrow olleh"
    assert results[0][1][b"x-len"] == b"11"
    assert results[1][0] == 204 and results[1][2] == b""
    assert b"content-length" not in results[1][1]
    assert results[2][2] == b"cba"


async def test_multipart_uploads(serve: Serve) -> None:
    big = bytes(range(256)) * 2000

    async def upload(request: Request) -> StreamResponse:
        form = await request.post()
        out: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, FileField):
                data = value.file.read()
                out[key] = [value.filename, value.content_type, len(data), data[:4].hex()]
            else:
                out[key] = value
        return json_response(out)

    async def stream(request: Request) -> StreamResponse:
        reader = await request.multipart()
        names = []
        total = 0
        async for part in reader:
            names.append(part.name)  # type: ignore[union-attr]
            while chunk := await part.read_chunk(4096):  # type: ignore[union-attr]
                total += len(chunk)
        return json_response({"names": names, "total": total})

    app = Application(client_max_size=2 * len(big))
    app.router.add_post("/up", upload)
    app.router.add_post("/stream", stream)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.post(
            "/up",
            data={"title": "héllo", "n": "1"},
            files=[
                ("doc", ("a.bin", big, "application/octet-stream")),
                ("doc2", ("b.txt", b"text file", "text/plain")),
            ],
        )
        assert r.status_code == 200, r.text
        assert r.json() == {
            "title": "héllo",
            "n": "1",
            "doc": ["a.bin", "application/octet-stream", len(big), "00010203"],
            "doc2": ["b.txt", "text/plain", 9, b"text".hex()],
        }
        r = await client.post("/stream", files={"f": ("f", big)}, data={"x": "y"})
        assert r.json()["names"] == ["x", "f"] and r.json()["total"] == len(big) + 1
        # Beyond client_max_size: 413, even for a file part.
        r = await client.post("/up", files={"f": ("f", big * 3)})
        assert r.status_code == 413


async def test_large_body_413_and_streamed_reads(serve: Serve) -> None:
    async def read(request: Request) -> StreamResponse:
        return Response(text=str(len(await request.read())))

    async def text(request: Request) -> StreamResponse:
        return Response(text=(await request.text()).upper())

    async def chunks(request: Request) -> StreamResponse:
        sizes = 0
        async for chunk in request.content.iter_chunked(1000):
            sizes += len(chunk)
        return Response(text=str(sizes))

    app = Application(client_max_size=1000)
    app.router.add_post("/read", read)
    app.router.add_post("/text", text)
    app.router.add_post("/chunks", chunks)
    base = await serve(app)

    async def gen() -> AsyncIterator[bytes]:
        for _ in range(50):
            yield b"y" * 100

    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.post("/read", content=b"x" * 1000)
        assert r.text == "1000"
        r = await client.post("/read", content=b"x" * 1001)
        assert r.status_code == 413 and "1000" in r.text
        r = await client.post("/read", content=gen())
        assert r.status_code == 413
        r = await client.post(
            "/text",
            content="straße".encode("latin-1"),
            headers={"Content-Type": "text/plain; charset=latin-1"},
        )
        assert r.text == "STRASSE"
        # Reading the stream directly is not bounded by client_max_size.
        r = await client.post("/chunks", content=gen())
        assert r.text == "5000"


async def test_cookies_both_ways(serve: Serve) -> None:
    async def set_(request: Request) -> StreamResponse:
        resp = Response(text="set")
        resp.set_cookie("sid", "abc123", httponly=True, samesite="Lax", max_age=3600)
        resp.set_cookie("theme", "dark", path="/pref", secure=True)
        resp.del_cookie("old")
        return resp

    async def get(request: Request) -> StreamResponse:
        return json_response(dict(request.cookies))

    app = Application()
    app.router.add_get("/set", set_)
    app.router.add_get("/get", get)
    base = await serve(app)
    status, _, headers, _ = await asyncio.to_thread(stdlib_request, base, "GET", "/set")
    assert status == 200
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    assert jar["sid"].value == "abc123" and jar["sid"]["httponly"] is True
    assert jar["sid"]["samesite"] == "Lax" and jar["sid"]["max-age"] == "3600"
    assert jar["theme"]["path"] == "/pref" and jar["theme"]["secure"] is True
    assert jar["old"].value == "" and jar["old"]["max-age"] == "0"
    _, _, _, body = await asyncio.to_thread(
        stdlib_request, base, "GET", "/get", None, {"Cookie": 'sid=abc123; q="a b"; e='}
    )
    assert json.loads(body) == {"sid": "abc123", "q": "a b", "e": ""}


async def test_subapps_domains_middlewares_signals(serve: Serve) -> None:
    trail: list[str] = []
    name_key = AppKey("name", str)

    def tagging(tag: str) -> Middleware:
        @middleware
        async def mw(request: Request, handler: Handler) -> StreamResponse:
            trail.append(f"{tag}:{request.app[name_key]}")
            resp: StreamResponse = await handler(request)
            resp.headers.add("X-Trail", tag)
            return resp

        return mw

    async def where(request: Request) -> StreamResponse:
        leaf = request.app.router.get("leaf")
        url = None if leaf is None else str(leaf.url_for(part="p1"))
        return json_response({"app": request.app[name_key], "url": url})

    async def on_prepare(request: Request, response: StreamResponse) -> None:
        response.headers["X-Prepared-By"] = request.app[name_key]

    root = Application(middlewares=[tagging("root")])
    root[name_key] = "root"
    api = Application(middlewares=[tagging("api")])
    api[name_key] = "api"
    api.router.add_get("/leaf/{part}", where, name="leaf")
    api.on_response_prepare.append(on_prepare)
    host_app = Application()
    host_app[name_key] = "host"
    host_app.router.add_get("/", where)
    host_app.router.add_get("/leaf/{part}", where, name="leaf")
    root.add_subapp("/api/", api)
    root.add_domain("*.example.test", host_app)
    root.router.add_get("/", where)
    base = await serve(root)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/api/leaf/x")
        assert r.json() == {"app": "api", "url": "/api/leaf/p1"}
        assert r.headers.get_list("x-trail") == ["api", "root"]
        assert r.headers["x-prepared-by"] == "api"
        r = await client.get("/api/nothing")
        assert r.status_code == 404
        r = await client.get("/", headers={"Host": "www.example.test"})
        assert r.json() == {"app": "host", "url": "/leaf/p1"}
        r = await client.get("/", headers={"Host": "example.org"})
        assert r.json() == {"app": "root", "url": None}
    assert trail[:2] == ["root:root", "api:api"]


async def test_lifecycle_signals_and_cleanup_ctx(serve: Serve) -> None:
    events: list[str] = []
    sub = Application()

    async def ctx(app: Application) -> AsyncIterator[None]:
        events.append("ctx-start")
        yield
        events.append("ctx-end")

    async def on_startup(app: Application) -> None:
        events.append("startup")

    async def on_cleanup(app: Application) -> None:
        events.append("cleanup")

    async def sub_startup(app: Application) -> None:
        events.append("sub-startup")

    async def ok(request: Request) -> StreamResponse:
        return Response(text="ok")

    app = Application()
    app.cleanup_ctx.append(ctx)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    sub.on_startup.append(sub_startup)
    sub.router.add_get("/", ok)
    app.add_subapp("/sub", sub)
    runner = AppRunner(app)
    await runner.setup()
    await TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            r = await client.get(f"http://{host}:{port}/sub/")
            assert r.text == "ok"
        assert events == ["ctx-start", "startup", "sub-startup"]
        assert app.frozen and sub.frozen
    finally:
        await runner.cleanup()
    assert sorted(events[3:]) == ["cleanup", "ctx-end"]


async def test_views_routedefs_and_methods(serve: Serve) -> None:
    routes = RouteTableDef()

    @routes.view("/item/{id:\\d+}")
    class Item(View):
        async def get(self) -> StreamResponse:
            return json_response({"id": int(self.request.match_info["id"])})

        async def delete(self) -> StreamResponse:
            raise HTTPNoContent()

    @routes.put("/thing")
    async def put(request: Request) -> StreamResponse:
        return Response(status=201, text="created")

    @routes.route("PROPFIND", "/thing")
    async def propfind(request: Request) -> StreamResponse:
        return Response(text="dav")

    app = Application()
    app.add_routes(routes)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        assert (await client.get("/item/42")).json() == {"id": 42}
        r = await client.delete("/item/42")
        assert r.status_code == 204 and r.content == b""
        r = await client.post("/item/42")
        assert r.status_code == 405
        assert set(r.headers["allow"].split(",")) == {"GET", "DELETE"}
        assert (await client.get("/item/abc")).status_code == 404
        r = await client.put("/thing")
        assert r.status_code == 201 and r.text == "created"
        r = await client.request("PROPFIND", "/thing")
        assert r.text == "dav"
        r = await client.get("/thing")
        assert r.status_code == 405
        assert set(r.headers["allow"].split(",")) == {"PUT", "PROPFIND"}


async def test_http_exceptions_raised_and_returned(serve: Serve) -> None:
    async def redirect(request: Request) -> StreamResponse:
        raise HTTPFound(location="/target?x=1")

    async def target(request: Request) -> StreamResponse:
        return Response(text="arrived " + request.query["x"])

    async def returned(request: Request) -> StreamResponse:
        return HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="r"'})

    async def not_modified(request: Request) -> StreamResponse:
        raise HTTPNotModified(headers={"ETag": '"v1"'})

    async def bad(request: Request) -> StreamResponse:
        raise HTTPBadRequest(reason="Nope Nope", text="details")

    async def crash(request: Request) -> StreamResponse:
        raise RuntimeError("boom")

    app = Application()
    for path, handler in [
        ("/redirect", redirect),
        ("/target", target),
        ("/returned", returned),
        ("/nm", not_modified),
        ("/bad", bad),
        ("/crash", crash),
    ]:
        app.router.add_get(path, handler)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/redirect")
        assert r.status_code == 302 and r.headers["location"] == "/target?x=1"
        r = await client.get("/redirect", follow_redirects=True)
        assert r.text == "arrived 1"
        r = await client.get("/returned")
        assert r.status_code == 401 and r.headers["www-authenticate"] == 'Basic realm="r"'
        assert r.text == "401: Unauthorized"
        r = await client.get("/nm")
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == '"v1"'
        r = await client.get("/crash")
        assert r.status_code == 500
        assert "boom" not in r.text
    status, reason, _, body = await asyncio.to_thread(stdlib_request, base, "GET", "/bad")
    assert (status, reason, body) == (400, "Nope Nope", b"details")


async def test_compression_and_head(serve: Serve) -> None:
    payload = ("compress me " * 500).encode()

    async def whole(request: Request) -> StreamResponse:
        resp = Response(body=payload, content_type="text/plain")
        resp.enable_compression()
        return resp

    async def streamed(request: Request) -> StreamResponse:
        resp = StreamResponse()
        resp.enable_compression()
        await resp.prepare(request)
        for i in range(0, len(payload), 1000):
            await resp.write(payload[i : i + 1000])
        await resp.write_eof()
        return resp

    app = Application()
    app.router.add_get("/whole", whole)
    app.router.add_get("/streamed", streamed)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        for path in ("/whole", "/streamed"):
            for coding in ("gzip", "deflate"):
                r = await client.get(path, headers={"Accept-Encoding": coding})
                assert r.headers["content-encoding"] == coding
                assert r.content == payload
            r = await client.get(path, headers={"Accept-Encoding": "identity"})
            assert "content-encoding" not in r.headers and r.content == payload
        r = await client.head("/whole", headers={"Accept-Encoding": "identity"})
        assert r.content == b"" and r.headers["content-length"] == str(len(payload))
    # Raw deflate check: the body on the wire really is zlib data.
    raw = await raw_exchange(
        base,
        b"GET /whole HTTP/1.1\r\nHost: x\r\nAccept-Encoding: deflate\r\nConnection: close\r\n\r\n",
    )
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"Content-Encoding: deflate" in head
    assert zlib.decompress(body) == payload


async def test_http10_and_bad_requests(serve: Serve) -> None:
    async def hello(request: Request) -> StreamResponse:
        return Response(text="hi")

    app = Application()
    app.router.add_get("/", hello)
    base = await serve(app)
    raw = await raw_exchange(base, b"GET / HTTP/1.0\r\n\r\n")
    assert raw.startswith(b"HTTP/1.0 200 OK\r\n") and raw.endswith(b"\r\n\r\nhi")
    # HTTP/1.0 keep-alive on request: two answers on one connection.
    raw = await raw_exchange(
        base,
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
    )
    assert raw.count(b"HTTP/1.0 200 OK") == 2
    assert b"Connection: keep-alive" in raw
    raw = await raw_exchange(base, b"GARBAGE\r\n\r\n")
    assert raw.startswith(b"HTTP/1.") and b" 400 " in raw.split(b"\r\n", 1)[0]
    # An absolute-form target routes by its path.
    raw = await raw_exchange(
        base, b"GET http://other.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert raw.startswith(b"HTTP/1.1 200") and raw.endswith(b"hi")


async def test_file_response_sendfile_counts_its_bytes(
    serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytes(range(256)) * 4096
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    lengths: asyncio.Queue[int] = asyncio.Queue()

    async def download(request: Request) -> StreamResponse:
        resp = FileResponse(path)
        await resp.prepare(request)
        lengths.put_nowait(resp.body_length)
        return resp

    app = Application()
    app.router.add_get("/blob", download)
    base = await serve(app)
    # Count the kernel-copy calls: the body must go out through loop.sendfile.
    loop = asyncio.get_running_loop()
    real_sendfile = loop.sendfile
    sendfile_calls: list[int] = []

    async def counting_sendfile(*args: Any, **kwargs: Any) -> int:
        sent: int = await real_sendfile(*args, **kwargs)
        sendfile_calls.append(sent)
        return sent

    monkeypatch.setattr(loop, "sendfile", counting_sendfile)
    seen: list[int] = []
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        for _ in range(2):
            r = await client.get("/blob")
            assert r.content == data
            seen.append(await asyncio.wait_for(lengths.get(), TIMEOUT))
        r = await client.get("/blob", headers={"Range": "bytes=10-19"})
        assert r.status_code == 206 and r.content == data[10:20]
        seen.append(await asyncio.wait_for(lengths.get(), TIMEOUT))
    # body_length counts head and body, as the access log's %b does.
    assert seen[0] > len(data) and seen[0] == seen[1]
    assert 10 < seen[2] < 1000
    assert sendfile_calls == [len(data), len(data), 10]


def _make_exception(cls: type[we.HTTPException]) -> we.HTTPException:
    if issubclass(cls, we.HTTPMove):
        return cls("/elsewhere")
    if cls is we.HTTPMethodNotAllowed:
        return cls("GET", ["POST"])
    if cls is we.HTTPRequestEntityTooLarge:
        return cls(max_size=1, actual_size=2)
    if cls is we.HTTPUnavailableForLegalReasons:
        return cls("https://authority.example/")
    return cls()


ALL_EXCEPTIONS = [
    cls
    for name in we.__all__
    if isinstance(cls := getattr(we, name), type)
    and issubclass(cls, we.HTTPException)
    and cls.status_code > 0
]


async def test_every_http_exception_raised_and_returned(serve: Serve) -> None:
    async def raised(request: Request) -> StreamResponse:
        raise _make_exception(ALL_EXCEPTIONS[int(request.match_info["i"])])

    async def returned(request: Request) -> StreamResponse:
        return _make_exception(ALL_EXCEPTIONS[int(request.match_info["i"])])

    app = Application()
    app.router.add_get("/raised/{i}", raised)
    app.router.add_get("/returned/{i}", returned)
    base = await serve(app)

    def check_all() -> list[str]:
        problems = []
        conn = http.client.HTTPConnection(*_addr(base), timeout=TIMEOUT)
        try:
            for i, cls in enumerate(ALL_EXCEPTIONS):
                for how in ("raised", "returned"):
                    conn.request("GET", f"/{how}/{i}")
                    resp = conn.getresponse()
                    body = resp.read()
                    code = cls.status_code
                    expected = b"" if code in (204, 205, 304) else f"{code}: ".encode()
                    if code == 413:
                        expected = b"Maximum request body size 1 exceeded"
                    if resp.status != code or not body.startswith(expected):
                        problems.append(f"{cls.__name__} {how}: {resp.status} {body[:40]!r}")
                    if issubclass(cls, we.HTTPMove) and resp.getheader("Location") != "/elsewhere":
                        problems.append(f"{cls.__name__} {how}: no Location")
        finally:
            conn.close()
        return problems

    # One keep-alive connection throughout: every answer is framed correctly.
    assert await asyncio.to_thread(check_all) == []


async def test_concurrent_requests_keep_their_own_state(serve: Serve) -> None:
    name_key = AppKey("app_name", str)
    release = asyncio.Event()
    arrived = 0

    @middleware
    async def stamp(request: Request, handler: Handler) -> StreamResponse:
        request["seen_by"] = request.app[name_key]
        resp: StreamResponse = await handler(request)
        return resp

    async def slow(request: Request) -> StreamResponse:
        nonlocal arrived
        arrived += 1
        if arrived == 40:
            release.set()
        # Every request waits until all have arrived: their handlers interleave.
        await asyncio.wait_for(release.wait(), TIMEOUT)
        return json_response(
            {
                "n": request.match_info["n"],
                "app": request.app[name_key],
                "seen_by": request["seen_by"],
                "body": (await request.text()),
            }
        )

    root = Application(middlewares=[stamp])
    root[name_key] = "root"
    root.router.add_post("/r/{n}", slow)
    sub = Application(middlewares=[stamp])
    sub[name_key] = "sub"
    sub.router.add_post("/s/{n}", slow)
    root.add_subapp("/sub", sub)
    base = await serve(root)
    limits = httpx.Limits(max_connections=40)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, limits=limits) as client:
        paths = [f"/r/{i}" if i % 2 else f"/sub/s/{i}" for i in range(40)]
        responses = await asyncio.gather(
            *(client.post(path, content=f"body-{path}".encode()) for path in paths)
        )
    for path, r in zip(paths, responses, strict=True):
        got = r.json()
        expected_app = "sub" if path.startswith("/sub") else "root"
        assert got["n"] == path.rsplit("/", 1)[1] and got["body"] == f"body-{path}"
        assert got["app"] == expected_app and got["seen_by"] == expected_app


async def test_declared_length_keeps_the_connection_in_sync(serve: Serve) -> None:
    async def over(request: Request) -> StreamResponse:
        resp = StreamResponse()
        resp.content_length = 3
        await resp.prepare(request)
        await resp.write(b"abcdef")
        await resp.write_eof(b"gh")
        return resp

    async def under(request: Request) -> StreamResponse:
        resp = StreamResponse()
        resp.content_length = 10
        await resp.prepare(request)
        await resp.write(b"abc")
        return resp

    async def ok(request: Request) -> StreamResponse:
        return Response(text="next")

    app = Application()
    app.router.add_get("/over", over)
    app.router.add_get("/under", under)
    app.router.add_get("/ok", ok)
    base = await serve(app)
    # Two pipelined requests: the second answer must start right after 3 bytes.
    raw = await raw_exchange(
        base,
        b"GET /over HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    rest = raw.partition(b"\r\n\r\n")[2]
    assert rest.startswith(b"abcHTTP/1.1 200 OK") and rest.endswith(b"next")
    # A body shorter than announced ends the connection instead.
    raw = await raw_exchange(
        base,
        b"GET /under HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    assert raw.endswith(b"\r\n\r\nabc") and raw.count(b"HTTP/1.1 200") == 1


async def test_tls_scheme_and_file_bodies(tmp_path: Path) -> None:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    data = bytes(range(256)) * 3000
    (tmp_path / "f.bin").write_bytes(data)

    async def info(request: Request) -> StreamResponse:
        return json_response(
            {"scheme": request.scheme, "secure": request.secure, "url": str(request.url)}
        )

    app = Application()
    app.router.add_get("/info", info)
    app.router.add_static("/files", tmp_path)
    runner = AppRunner(app)
    await runner.setup()
    await TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx).start()
    port = runner.addresses[0][1]
    try:
        base = f"https://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, verify=client_ctx, timeout=TIMEOUT) as client:
            r = await client.get("/info?x=1")
            assert r.json() == {"scheme": "https", "secure": True, "url": f"{base}/info?x=1"}
            # sendfile cannot bypass TLS: the body still arrives intact, twice in a row.
            for _ in range(2):
                r = await client.get("/files/f.bin")
                assert r.content == data
            r = await client.get("/files/f.bin", headers={"Range": "bytes=100-"})
            assert r.status_code == 206 and r.content == data[100:]
    finally:
        await runner.cleanup()


async def test_stream_response_head_reaches_the_client_at_prepare(serve: Serve) -> None:
    """A client sees the status of a streamed response before its first body bytes.

    The handler writes its body only once the client (h11 over a raw socket) has
    parsed the head, as a server-sent-events client waits on the status first.
    """
    head_seen = asyncio.Event()

    async def events(request: Request) -> StreamResponse:
        resp = StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await head_seen.wait()
        await resp.write(b"data: hi\n\n")
        await resp.write_eof()
        return resp

    app = Application()
    app.router.add_get("/events", events)
    base = await serve(app)

    async def run() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(*_addr(base))
        conn = h11.Connection(h11.CLIENT)
        request = h11.Request(method="GET", target="/events", headers=[("Host", "x")])
        writer.write(conn.send(request) + (conn.send(h11.EndOfMessage()) or b""))
        await writer.drain()
        status = 0
        body = b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
                head_seen.set()
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
        writer.close()
        await writer.wait_closed()
        return status, body

    assert await asyncio.wait_for(run(), TIMEOUT) == (200, b"data: hi\n\n")
