"""Static files served over loopback, probed with curl, http.client and raw sockets.

Traversal attempts are sent byte for byte (curl ``--path-as-is`` and raw
sockets), so no client-side path normalisation can hide a hole.
"""

from __future__ import annotations

import asyncio
import http.client
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from aiohttp_server.web_app import Application
from aiohttp_server.web_request import Request
from aiohttp_server.web_response import Response, StreamResponse
from aiohttp_server.web_runner import AppRunner, TCPSite
from aiohttp_server.web_urldispatcher import StaticResource

Serve = Callable[[Application], Awaitable[str]]
TIMEOUT = 10
SECRET = b"TOP SECRET CONTENT"


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


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """www/ with files, a sub-directory and symlinks in and out of the root."""
    root = tmp_path / "www"
    (root / "sub").mkdir(parents=True)
    (root / "index.txt").write_bytes(b"index")
    (root / "sub" / "nested.txt").write_bytes(b"nested")
    (root / "a b&<c>.txt").write_bytes(b"odd name")
    (root / "style.css").write_bytes(b"body{}")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.txt").write_bytes(SECRET)
    os.symlink(tmp_path / "secret.txt", root / "link-out")
    os.symlink(tmp_path / "outside", root / "dir-out")
    os.symlink(root / "index.txt", root / "link-in")
    return root


async def raw_get(base: str, target: bytes) -> bytes:
    """One request line sent verbatim; the whole answer (the server closes)."""
    host, port = base.removeprefix("http://").split(":")

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        out = await reader.read(-1)
        writer.close()
        await writer.wait_closed()
        return out

    return await asyncio.wait_for(exchange(), TIMEOUT)


async def curl(*args: str) -> tuple[int, bytes]:
    """Run curl; returns (status, body)."""
    proc = await asyncio.create_subprocess_exec(
        "curl",
        "-s",
        "--max-time",
        str(TIMEOUT),
        "-o",
        "-",
        "-w",
        "\n%{http_code}",
        *args,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT + 5)
    body, _, code = out.rpartition(b"\n")
    return int(code), body


TRAVERSALS = [
    b"/static/../secret.txt",
    b"/static/../../../../etc/passwd",
    b"/static/%2e%2e/secret.txt",
    b"/static/%2E%2E/secret.txt",
    b"/static/.%2e/secret.txt",
    b"/static/%2e%2e%2fsecret.txt",
    b"/static/..%2Fsecret.txt",
    b"/static/..%2f..%2fsecret.txt",
    b"/static/sub/..%2F..%2Fsecret.txt",
    b"/static/sub/%2e%2e/%2e%2e/secret.txt",
    b"/static/%252e%252e/secret.txt",
    b"/static/..%5csecret.txt",
    b"/static/..\\secret.txt",
    b"/static/%2fetc%2fpasswd",
    b"/static//etc/passwd",
    b"/static/link-out",
    b"/static/dir-out/o.txt",
    b"/static/index.txt%00.png",
    b"/static/%c0%ae%c0%ae/secret.txt",
]


@pytest.mark.parametrize("target", TRAVERSALS)
async def test_traversal_raw(serve: Serve, tree: Path, target: bytes) -> None:
    app = Application()
    app.router.add_static("/static", tree)
    base = await serve(app)
    raw = await raw_get(base, target)
    status = int(raw.split(b" ", 2)[1])
    assert status in (400, 403, 404), raw[:300]
    assert SECRET not in raw and b"root:" not in raw


@pytest.mark.parametrize(
    ("target", "status", "body"),
    [
        # Dot segments that stay inside the root are resolved, as aiohttp does.
        (b"/static/sub/../index.txt", 200, b"index"),
        (b"/static/sub/%2e%2e/index.txt", 200, b"index"),
        (b"/static/sub/.%2E/index.txt", 200, b"index"),
        (b"/static/./sub/./nested.txt", 200, b"nested"),
        (b"/static/sub//nested.txt", 200, b"nested"),
        (b"/static/sub%2Fnested.txt", 200, b"nested"),
        # Names that leave the root match nothing: 404, whether or not the file exists.
        (b"/static/..", 404, None),
        (b"/static/../secret.txt", 404, None),
        (b"/static/../www/index.txt", 404, None),
        (b"/static/sub/../../secret.txt", 404, None),
        (b"/static/..%2Fnothing.txt", 404, None),
        (b"/static//etc/passwd", 404, None),
        (b"/static/%5c..%5csecret.txt", 404, None),
        (b"/static/index.txt%00.png", 404, None),
    ],
)
async def test_dot_segments(
    serve: Serve, tree: Path, target: bytes, status: int, body: bytes | None
) -> None:
    app = Application()
    app.router.add_static("/static", tree)
    base = await serve(app)
    raw = await raw_get(base, target)
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert int(head.split(b" ", 2)[1]) == status, head
    if body is not None:
        assert payload == body
    assert SECRET not in raw


async def test_traversal_falls_through_to_later_routes(serve: Serve, tree: Path) -> None:
    """A name outside the root is no match, so a later catch-all answers it."""

    async def fallback(request: Request) -> StreamResponse:
        return Response(text="fallback:" + request.match_info["tail"])

    app = Application()
    app.router.add_static("/static", tree)
    app.router.add_get("/{tail:.*}", fallback)
    base = await serve(app)
    raw = await raw_get(base, b"/static/../secret.txt")
    assert raw.startswith(b"HTTP/1.1 200 ") and raw.endswith(b"fallback:static/../secret.txt")


async def test_traversal_curl_path_as_is(serve: Serve, tree: Path) -> None:
    app = Application()
    app.router.add_static("/static", tree, show_index=True)
    base = await serve(app)
    for target in TRAVERSALS:
        status, body = await curl("--path-as-is", base + target.decode())
        assert status in (400, 403, 404), (target, status)
        assert SECRET not in body


async def test_symlinks_followed_only_when_asked(serve: Serve, tree: Path) -> None:
    strict = Application()
    strict.router.add_static("/static", tree)
    loose = Application()
    loose.router.add_static("/static", tree, follow_symlinks=True)
    strict_base = await serve(strict)
    loose_base = await serve(loose)
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        # A link resolving inside the root is fine either way.
        r = await client.get(strict_base + "/static/link-in")
        assert r.status_code == 200 and r.content == b"index"
        r = await client.get(strict_base + "/static/link-out")
        assert r.status_code == 404
        r = await client.get(loose_base + "/static/link-out")
        assert r.status_code == 200 and r.content == SECRET
        r = await client.get(loose_base + "/static/dir-out/o.txt")
        assert r.status_code == 200 and r.content == SECRET
    # Following links never lets ".." climb out of the root.
    for target in (b"/static/%2e%2e/secret.txt", b"/static/..%2Fsecret.txt"):
        raw = await raw_get(loose_base, target)
        assert int(raw.split(b" ", 2)[1]) in (403, 404) and SECRET not in raw


async def test_files_methods_and_names(serve: Serve, tree: Path) -> None:
    app = Application()
    app.router.add_static("/static/", tree)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/static/sub/nested.txt")
        assert r.status_code == 200 and r.content == b"nested"
        assert r.headers["content-type"].startswith("text/plain")
        assert r.headers["accept-ranges"] == "bytes"
        r = await client.get("/static/style.css")
        assert r.headers["content-type"].startswith("text/css")
        r = await client.get("/static/a%20b%26%3Cc%3E.txt")
        assert r.status_code == 200 and r.content == b"odd name"
        r = await client.head("/static/index.txt")
        assert r.status_code == 200 and r.content == b""
        assert r.headers["content-length"] == "5"
        r = await client.post("/static/index.txt")
        assert r.status_code == 405
        assert set(r.headers["allow"].split(",")) == {"GET", "HEAD"}
        r = await client.get("/static/missing.txt")
        assert r.status_code == 404
        r = await client.get("/static/sub")
        assert r.status_code == 403
        r = await client.get("/static")
        assert r.status_code in (403, 404)


async def test_show_index(serve: Serve, tree: Path) -> None:
    app = Application()
    app.router.add_static("/pub", tree, show_index=True)
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get("/pub/")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert "<title>Index of /</title>" in r.text
        assert 'href="/pub/sub"' in r.text and ">sub/<" in r.text
        # Names are escaped in the text and quoted in the link.
        assert "a b&amp;&lt;c&gt;.txt" in r.text and "<c>" not in r.text
        assert 'href="/pub/a%20b&amp;%3Cc%3E.txt"' in r.text
        r = await client.get("/pub/sub")
        assert "Index of /sub" in r.text and 'href="/pub/sub/nested.txt"' in r.text


async def test_append_version(serve: Serve, tree: Path) -> None:
    app = Application()
    resource = app.router.add_static("/static", tree, name="static", append_version=True)
    assert isinstance(resource, StaticResource)
    url = app.router["static"].url_for(filename="style.css")
    version = url.query["v"]
    assert url.path == "/static/style.css" and len(version) == 44
    # The version follows the content.
    (tree / "style.css").write_bytes(b"body{color:red}")
    assert app.router["static"].url_for(filename="style.css").query["v"] != version
    unversioned = resource.url_for(filename="style.css", append_version=False)
    assert "v" not in unversioned.query
    # Unknown files and escapes get no version rather than an error.
    assert "v" not in resource.url_for(filename="nope.css").query
    assert "v" not in resource.url_for(filename="../secret.txt").query
    base = await serve(app)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:
        r = await client.get(str(url))
        assert r.status_code == 200 and r.content == b"body{color:red}"


def _stdlib_get(base: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


async def test_conditional_and_ranges_with_stdlib_client(serve: Serve, tree: Path) -> None:
    app = Application()
    app.router.add_static("/static", tree)
    base = await serve(app)
    get = _stdlib_get
    status, headers, body = await asyncio.to_thread(get, base, "/static/index.txt", {})
    assert status == 200 and body == b"index"
    etag, last_modified = headers["etag"], headers["last-modified"]
    status, _, body = await asyncio.to_thread(
        get, base, "/static/index.txt", {"If-Modified-Since": last_modified}
    )
    assert status == 304 and body == b""
    status, _, _ = await asyncio.to_thread(get, base, "/static/index.txt", {"If-Match": '"nope"'})
    assert status == 412
    status, headers, body = await asyncio.to_thread(
        get, base, "/static/index.txt", {"Range": "bytes=1-3", "If-Range": etag}
    )
    assert status == 206 and body == b"nde" and headers["content-range"] == "bytes 1-3/5"
    # A stale If-Range validator: the whole file instead of the range.
    status, _, body = await asyncio.to_thread(
        get, base, "/static/index.txt", {"Range": "bytes=1-3", "If-Range": '"stale"'}
    )
    assert status == 200 and body == b"index"
    status, headers, _ = await asyncio.to_thread(
        get, base, "/static/index.txt", {"Range": "bytes=9-"}
    )
    assert status == 416 and headers["content-range"] == "bytes */5"
