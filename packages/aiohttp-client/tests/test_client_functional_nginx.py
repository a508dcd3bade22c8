"""ClientSession against nginx: keep-alive, gzip, large bodies both ways, TLS, a CONNECT tunnel.

nginx reports on every response which of its connections served it
(``X-Connection``) and how many requests that connection has served
(``X-Connection-Requests``), so keep-alive is checked from the peer's side.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import os
from collections.abc import AsyncIterator

import pytest
from multidict import CIMultiDictProxy
from yarl import URL

from aiohttp_client.client import ClientSession
from aiohttp_client.client_exceptions import ClientConnectorCertificateError
from aiohttp_client.connector import TCPConnector
from conftest import Nginx

BIG = 8 * 1024 * 1024
TEXT = ("line of compressible text, number %06d\n" * 2000 % tuple(range(2000))).encode()


@pytest.fixture(scope="module")
def files(nginx: Nginx) -> dict[str, bytes]:
    """The files nginx serves, by URL path."""
    www = nginx.root / "www"
    content = {
        "/small.txt": b"small body\n",
        "/text.txt": TEXT,
        "/data.json": json.dumps({"items": list(range(500))}).encode(),
        "/big.bin": os.urandom(BIG),
        "/short/one.txt": b"short-lived connection\n",
    }
    for path, body in content.items():
        (www / path.lstrip("/")).write_bytes(body)
    return content


def _conn(headers: CIMultiDictProxy[str]) -> tuple[int, int]:
    """nginx's connection serial number and that connection's request count."""
    return int(headers["X-Connection"]), int(headers["X-Connection-Requests"])


async def test_keep_alive_reuses_one_connection(nginx: Nginx, files: dict[str, bytes]) -> None:
    seen = []
    async with asyncio.timeout(10), ClientSession(nginx.url) as session:
        for _ in range(10):
            async with session.get("/small.txt") as resp:
                assert await resp.read() == files["/small.txt"]
                seen.append(_conn(resp.headers))
    assert len({conn for conn, _ in seen}) == 1
    assert [count for _, count in seen] == list(range(1, 11))


async def test_server_closing_after_n_requests_is_followed(
    nginx: Nginx, files: dict[str, bytes]
) -> None:
    # keepalive_requests 3: nginx answers the 3rd request with Connection: close.
    seen = []
    closes = []
    async with asyncio.timeout(10), ClientSession(nginx.url) as session:
        for _ in range(7):
            async with session.get("/short/one.txt") as resp:
                assert await resp.read() == files["/short/one.txt"]
                seen.append(_conn(resp.headers))
                closes.append(resp.headers.get("Connection", "").lower())
    assert [count for _, count in seen] == [1, 2, 3, 1, 2, 3, 1]
    conns = [conn for conn, _ in seen]
    assert conns[0] == conns[1] == conns[2] != conns[3] == conns[4] == conns[5] != conns[6]
    assert closes[2] == closes[5] == "close"


async def test_concurrent_requests_share_a_bounded_pool(
    nginx: Nginx, files: dict[str, bytes]
) -> None:
    connector = TCPConnector(limit=4)
    async with asyncio.timeout(20), ClientSession(nginx.url, connector=connector) as session:

        async def fetch() -> int:
            async with session.get("/small.txt") as resp:
                assert await resp.read() == files["/small.txt"]
                return _conn(resp.headers)[0]

        conns = await asyncio.gather(*(fetch() for _ in range(200)))
    assert 1 <= len(set(conns)) <= 4


async def test_gzip_is_decoded(nginx: Nginx, files: dict[str, bytes]) -> None:
    async with asyncio.timeout(10), ClientSession(nginx.url) as session:
        async with session.get("/text.txt") as resp:
            assert resp.headers["Content-Encoding"] == "gzip"
            assert resp.headers["Transfer-Encoding"] == "chunked"
            assert await resp.read() == files["/text.txt"]
        async with session.get("/data.json") as resp:
            assert resp.headers["Content-Encoding"] == "gzip"
            assert await resp.json() == {"items": list(range(500))}
        async with session.get("/text.txt", auto_decompress=False) as resp:
            raw = await resp.read()
            assert len(raw) < len(files["/text.txt"])
            assert gzip.decompress(raw) == files["/text.txt"]
        # Nothing is compressed for a client that asks for the identity coding.
        async with session.get("/text.txt", headers={"Accept-Encoding": "identity"}) as resp:
            assert "Content-Encoding" not in resp.headers
            assert resp.content_length == len(files["/text.txt"])
            assert await resp.read() == files["/text.txt"]


async def test_large_download_whole_streamed_and_ranged(
    nginx: Nginx, files: dict[str, bytes]
) -> None:
    big = files["/big.bin"]
    async with asyncio.timeout(30), ClientSession(nginx.url) as session:
        async with session.get("/big.bin") as resp:
            assert resp.content_length == BIG
            assert await resp.read() == big
        digest = hashlib.sha256()
        async with session.get("/big.bin") as resp:
            async for chunk in resp.content.iter_chunked(65536):
                digest.update(chunk)
        assert digest.digest() == hashlib.sha256(big).digest()
        async with session.get("/big.bin", headers={"Range": "bytes=1000000-1999999"}) as resp:
            assert resp.status == 206
            assert resp.headers["Content-Range"] == f"bytes 1000000-1999999/{BIG}"
            assert await resp.read() == big[1000000:2000000]
        # A body dropped half way closes its connection; the next request still works.
        async with session.get("/big.bin") as resp:
            assert len(await resp.content.readexactly(1000)) == 1000
        async with session.get("/small.txt") as resp:
            assert await resp.read() == files["/small.txt"]


async def test_large_uploads_reach_nginx_intact(nginx: Nginx) -> None:
    body = os.urandom(5 * 1024 * 1024 + 123)
    source = nginx.root / "upload-source.bin"
    source.write_bytes(body)

    async def parts() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 300_000):
            yield body[start : start + 300_000]

    async with asyncio.timeout(30), ClientSession(nginx.url) as session:
        with source.open("rb") as f:
            async with session.put("/dav/from-file.bin", data=f) as resp:
                assert resp.status == 201
        async with session.put("/dav/chunked.bin", data=parts()) as resp:
            assert resp.status == 201
        async with session.put("/dav/bytes.bin", data=body) as resp:
            assert resp.status == 201
        for name in ("from-file", "chunked", "bytes"):
            assert (nginx.root / "www" / "dav" / f"{name}.bin").read_bytes() == body
            async with session.get(f"/dav/{name}.bin") as resp:
                assert await resp.read() == body
            async with session.delete(f"/dav/{name}.bin") as resp:
                assert resp.status == 204


async def test_https_with_a_trusted_certificate(nginx: Nginx, files: dict[str, bytes]) -> None:
    ctx = nginx.client_ssl()  # one context: it is part of the pool key
    seen = []
    async with asyncio.timeout(20), ClientSession(nginx.tls_url) as session:
        for path in ("/small.txt", "/text.txt", "/big.bin"):
            async with session.get(path, ssl=ctx) as resp:
                assert resp.url.scheme == "https"
                assert await resp.read() == files[path]
                seen.append(_conn(resp.headers))
        with pytest.raises(ClientConnectorCertificateError):
            await session.get("/small.txt")  # the system store does not know trustme's CA
    assert len({conn for conn, _ in seen}) == 1


class ConnectProxy:
    """A small CONNECT-only proxy (raw sockets): tunnels bytes both ways, records heads."""

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> URL:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return URL(f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}")

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.heads.append(head)
            method, authority, _ = head.split(b"\r\n", 1)[0].split(b" ")
            if method != b"CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = authority.decode().rpartition(":")
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(OSError):
            writer.write_eof()


async def test_https_through_a_connect_tunnel(nginx: Nginx, files: dict[str, bytes]) -> None:
    ctx = nginx.client_ssl()
    seen = []
    proxy = ConnectProxy()
    async with proxy as proxy_url, asyncio.timeout(20):
        async with ClientSession(nginx.tls_url) as session:
            for path in ("/small.txt", "/text.txt", "/big.bin", "/small.txt"):
                async with session.get(path, proxy=proxy_url, ssl=ctx) as resp:
                    assert await resp.read() == files[path]
                    seen.append(_conn(resp.headers))
        # One tunnel carried every request, kept alive by nginx inside TLS.
        assert len(proxy.heads) == 1
    head = proxy.heads[0].decode()
    assert head.startswith(f"CONNECT 127.0.0.1:{nginx.tls_url.port} HTTP/1.1\r\n")
    assert len({conn for conn, _ in seen}) == 1
    assert [count for _, count in seen] == [1, 2, 3, 4]
