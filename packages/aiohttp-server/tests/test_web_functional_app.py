"""End-to-end: applications served on loopback, driven by httpx and raw sockets."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from aiohttp_server.web_app import Application
from aiohttp_server.web_exceptions import HTTPForbidden
from aiohttp_server.web_fileresponse import FileResponse
from aiohttp_server.web_middlewares import middleware, normalize_path_middleware
from aiohttp_server.web_request import FileField, Request
from aiohttp_server.web_response import Response, StreamResponse, json_response
from aiohttp_server.web_runner import AppRunner, TCPSite
from aiohttp_wire.typedefs import Handler

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
        site = TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def raw_exchange(base: str, data: bytes, *, until_close: bool = True) -> bytes:
    """Send raw bytes, return what comes back until the server closes."""
    host, port = base.removeprefix("http://").split(":")

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(data)
        await writer.drain()
        if until_close:
            out = await reader.read(-1)
        else:
            out = await reader.readuntil(b"\r\n\r\n")
        writer.close()
        await writer.wait_closed()
        return out

    return await asyncio.wait_for(exchange(), TIMEOUT)


async def test_text_json_404_405(serve: Serve) -> None:
    async def hello(request: Request) -> StreamResponse:
        return Response(text=f"hello {request.match_info['name']}")

    async def echo(request: Request) -> StreamResponse:
        return json_response({"got": await request.json(), "q": request.query.get("q")})

    app = Application()
    app.router.add_get("/hello/{name}", hello)
    app.router.add_post("/echo", echo)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/hello/world")
        assert r.status_code == 200 and r.text == "hello world"
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert r.headers["content-length"] == "11"
        assert "date" in r.headers and "server" in r.headers
        r = await client.post("/echo?q=1", json={"a": [1, 2]})
        assert r.json() == {"got": {"a": [1, 2]}, "q": "1"}
        r = await client.get("/missing")
        assert r.status_code == 404 and r.text == "404: Not Found"
        r = await client.get("/echo")
        assert r.status_code == 405
        assert r.headers["allow"] == "POST"
        r = await client.head("/hello/x")
        assert r.status_code == 200 and r.content == b""
        assert r.headers["content-length"] == "7"


async def test_forms_and_uploads(serve: Serve) -> None:
    async def form(request: Request) -> StreamResponse:
        data = await request.post()
        out: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, FileField):
                out[key] = [value.filename, value.content_type, value.file.read().decode()]
            else:
                out[key] = value
        return json_response(out)

    app = Application()
    app.router.add_post("/form", form)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.post("/form", data={"a": "1", "b": "é"})
        assert r.json() == {"a": "1", "b": "é"}
        r = await client.post(
            "/form",
            data={"field": "v"},
            files={"up": ("notes.txt", b"file body", "text/plain")},
        )
        assert r.json() == {"field": "v", "up": ["notes.txt", "text/plain", "file body"]}


async def test_client_max_size(serve: Serve) -> None:
    async def read(request: Request) -> StreamResponse:
        return Response(body=await request.read())

    app = Application(client_max_size=100)
    app.router.add_post("/", read)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        assert (await client.post("/", content=b"x" * 100)).content == b"x" * 100
        r = await client.post("/", content=b"x" * 1000)
        assert r.status_code == 413


async def test_streaming_chunked(serve: Serve) -> None:
    async def stream(request: Request) -> StreamResponse:
        resp = StreamResponse()
        resp.content_type = "text/plain"
        await resp.prepare(request)
        for i in range(5):
            await resp.write(f"part{i};".encode())
        await resp.write_eof()
        return resp

    app = Application()
    app.router.add_get("/s", stream)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/s")
        assert r.headers["transfer-encoding"] == "chunked"
        assert r.text == "part0;part1;part2;part3;part4;"
    # HTTP/1.0 has no chunked encoding: the body ends with the connection.
    raw = await raw_exchange(base, b"GET /s HTTP/1.0\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert b"transfer-encoding" not in head.lower()
    assert body == b"part0;part1;part2;part3;part4;"


async def test_compression(serve: Serve) -> None:
    async def big(request: Request) -> StreamResponse:
        resp = Response(text="abc" * 1000)
        resp.enable_compression()
        return resp

    app = Application()
    app.router.add_get("/", big)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert int(r.headers["content-length"]) < 3000
        assert r.text == "abc" * 1000


async def test_cookies_and_subapp_middleware(serve: Serve) -> None:
    order: list[str] = []

    @middleware
    async def mw(request: Request, handler: Handler) -> StreamResponse:
        order.append("mw")
        resp = await handler(request)
        resp.headers["X-Mw"] = "1"
        return resp

    async def login(request: Request) -> StreamResponse:
        resp = Response(text="in")
        resp.set_cookie("session", "abc", httponly=True)
        return resp

    async def whoami(request: Request) -> StreamResponse:
        return Response(text=request.cookies.get("session", "none"))

    root = Application(middlewares=[mw])
    sub = Application()
    sub.router.add_get("/login", login)
    sub.router.add_get("/me", whoami)
    root.add_subapp("/api", sub)
    base = await serve(root)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/api/login")
        assert r.headers["x-mw"] == "1"
        assert "HttpOnly" in r.headers["set-cookie"]
        r = await client.get("/api/me")
        assert r.text == "abc"
    assert order == ["mw", "mw"]


async def test_normalize_path_redirect(serve: Serve) -> None:
    async def page(request: Request) -> StreamResponse:
        return Response(text="page")

    app = Application(middlewares=[normalize_path_middleware()])
    app.router.add_get("/page/", page)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/page?x=1")
        assert r.status_code == 308 and r.headers["location"] == "/page/?x=1"


async def test_handler_raises_http_exception(serve: Serve) -> None:
    async def forbidden(request: Request) -> StreamResponse:
        raise HTTPForbidden(text="go away", headers={"X-Why": "test"})

    app = Application()
    app.router.add_get("/f", forbidden)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/f")
        assert r.status_code == 403 and r.text == "go away" and r.headers["x-why"] == "test"


async def test_expect_continue(serve: Serve) -> None:
    async def upload(request: Request) -> StreamResponse:
        return Response(body=await request.read())

    app = Application()
    app.router.add_post("/up", upload)
    base = await serve(app)
    host, port = base.removeprefix("http://").split(":")

    async def exchange() -> tuple[bytes, bytes]:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        interim = await reader.readuntil(b"\r\n\r\n")
        writer.write(b"data")
        rest = await reader.read(-1)
        writer.close()
        await writer.wait_closed()
        return interim, rest

    interim, rest = await asyncio.wait_for(exchange(), TIMEOUT)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert rest.startswith(b"HTTP/1.1 200") and rest.endswith(b"\r\n\r\ndata")


# -- static files and FileResponse over real sockets ---------------------------


@pytest.fixture
def files(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    (root / "d").mkdir(parents=True)
    (root / "big.bin").write_bytes(os.urandom(700_000))
    (root / "hello.txt").write_bytes(b"hello static")
    (root / "hello.txt.gz").write_bytes(gzip.compress(b"hello static"))
    (tmp_path / "secret.txt").write_bytes(b"TOP SECRET")
    os.symlink(tmp_path / "secret.txt", root / "escape")
    return root


async def test_static_and_sendfile(serve: Serve, files: Path) -> None:
    app = Application()
    app.router.add_static("/static", files, show_index=True)
    base = await serve(app)
    big = (files / "big.bin").read_bytes()
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/static/big.bin")
        assert r.status_code == 200 and r.content == big
        assert r.headers["content-type"] == "application/octet-stream"
        r = await client.get("/static/big.bin", headers={"Range": "bytes=100-199"})
        assert r.status_code == 206 and r.content == big[100:200]
        assert r.headers["content-range"] == f"bytes 100-199/{len(big)}"
        r = await client.get("/static/big.bin", headers={"Range": "bytes=-10"})
        assert r.content == big[-10:]
        r = await client.get("/static/big.bin", headers={"Range": f"bytes={len(big)}-"})
        assert r.status_code == 416
        etag = (await client.get("/static/hello.txt")).headers["etag"]
        r = await client.get("/static/hello.txt", headers={"If-None-Match": etag})
        assert r.status_code == 304 and r.content == b""
        r = await client.get("/static/hello.txt", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip" and r.text == "hello static"
        r = await client.get("/static/")
        assert r.status_code == 200 and 'href="/static/hello.txt"' in r.text
        # Two requests on one connection: sendfile left the stream in sync.
        r1 = await client.get("/static/hello.txt", headers={"Accept-Encoding": "identity"})
        r2 = await client.get("/static/big.bin")
        assert r1.content == b"hello static" and r2.content == big


@pytest.mark.parametrize(
    "target",
    [
        b"/static/../secret.txt",
        b"/static/%2e%2e/secret.txt",
        b"/static/%2E%2E%2Fsecret.txt",
        b"/static/d/..%2F..%2Fsecret.txt",
        b"/static/..%5Csecret.txt",
        b"/static/..\\secret.txt",
        b"/static//etc/passwd",
        b"/static/escape",
        b"/static/%00",
    ],
)
async def test_static_traversal_over_the_wire(serve: Serve, files: Path, target: bytes) -> None:
    app = Application()
    app.router.add_static("/static", files)
    base = await serve(app)
    raw = await raw_exchange(
        base, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    status = int(raw.split(b" ", 2)[1])
    assert status in (400, 403, 404), raw[:200]
    assert b"TOP SECRET" not in raw and b"root:" not in raw


async def test_file_response_handler(serve: Serve, files: Path) -> None:
    async def download(request: Request) -> StreamResponse:
        return FileResponse(files / "big.bin", headers={"X-File": "big"})

    app = Application()
    app.router.add_get("/dl", download)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/dl")
        assert r.headers["x-file"] == "big"
        assert r.content == (files / "big.bin").read_bytes()
        r = await client.head("/dl")
        assert r.content == b"" and r.headers["content-length"] == "700000"


async def test_many_requests_keep_alive(serve: Serve) -> None:
    async def count(request: Request) -> StreamResponse:
        return json_response({"path": request.path})

    app = Application()
    app.router.add_get("/{n}", count)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        for i in range(20):
            r = await client.get(f"/{i}")
            assert json.loads(r.content) == {"path": f"/{i}"}
