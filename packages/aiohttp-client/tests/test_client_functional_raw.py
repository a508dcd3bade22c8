"""ClientSession against raw asyncio socket servers: edge cases byte by byte."""

from __future__ import annotations

import asyncio
import gc
import gzip
import hashlib
import re
import warnings
import weakref
import zlib
from typing import Any

import brotli
import pytest
from client_peers import RawRequest, RawServer, read_request, respond

from aiohttp_client.client import ClientSession, ClientTimeout
from aiohttp_client.client_exceptions import (
    ClientPayloadError,
    ClientResponseError,
    NonHttpUrlRedirectClientError,
    ServerDisconnectedError,
    SocketTimeoutError,
)
from aiohttp_client.client_middleware_digest_auth import DigestAuthMiddleware, parse_challenge
from aiohttp_client.client_reqrep import ClientResponse, Fingerprint
from aiohttp_client.cookiejar import CookieJar

Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter


async def test_truncated_body_is_payload_error(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(respond("200 OK", [("Content-Length", "10")], b"12345"))
        await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 200
            with pytest.raises(ClientPayloadError):
                await resp.read()


async def test_bad_status_line(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(ClientResponseError) as info:
            await session.get(url)
    assert info.value.status == 400


async def test_body_until_close(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of ")
        writer.write(b"this until eof")
        await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.read() == b"all of this until eof"
            assert resp.content_length is None


async def test_chunked_with_trailers(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
            b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: abc\r\n\r\n"
        )
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.text() == "hello world"


@pytest.mark.parametrize(
    ("coding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("br", brotli.compress),
    ],
)
async def test_compressed_bodies(raw_server: RawServer, coding: str, compress: Any) -> None:
    body = compress(b"x" * 5000)

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:  # both requests may come over one kept-alive connection
            await read_request(reader)
            writer.write(
                respond(
                    "200 OK",
                    [("Content-Encoding", coding), ("Content-Length", str(len(body)))],
                    body,
                )
            )
            await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.read() == b"x" * 5000
        async with session.get(url, auto_decompress=False) as resp:
            assert await resp.read() == body


async def test_corrupt_gzip_is_payload_error(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(
            respond("200 OK", [("Content-Encoding", "gzip"), ("Content-Length", "9")], b"not gzip!")
        )
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            with pytest.raises(ClientPayloadError):
                await resp.read()


async def test_decompression_bomb_is_payload_error(raw_server: RawServer) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(
            respond(
                "200 OK",
                [("Content-Encoding", "gzip"), ("Content-Length", str(len(bomb)))],
                bomb,
            )
        )
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(30), ClientSession() as session:
        async with session.get(url) as resp:
            with pytest.raises(ClientPayloadError):
                await resp.read()


async def test_close_before_response_is_server_disconnected(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(ServerDisconnectedError):
            await session.get(url)


async def test_sock_read_timeout(raw_server: RawServer) -> None:
    never = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        await never.wait()

    url = await raw_server.start(handler)
    timeout = ClientTimeout(sock_read=0.05)
    async with asyncio.timeout(10), ClientSession(timeout=timeout) as session:
        with pytest.raises(SocketTimeoutError):
            await session.get(url)
    never.set()


async def test_sock_read_timeout_during_body(raw_server: RawServer) -> None:
    never = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(respond("200 OK", [("Content-Length", "10")], b"123"))
        await writer.drain()
        await never.wait()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url, timeout=ClientTimeout(sock_read=0.05)) as resp:
            with pytest.raises(SocketTimeoutError):
                await resp.read()
    never.set()


async def test_total_timeout(raw_server: RawServer) -> None:
    never = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        await never.wait()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            await session.get(url, timeout=ClientTimeout(total=0.05))
    never.set()


def _fast_or_hanging(never: asyncio.Event) -> Any:
    """Answer ``/fast`` at once (keep-alive); never answer ``/slow``."""

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            if req.target == "/slow":
                await never.wait()
                return
            writer.write(respond("200 OK", [("Content-Length", "2")], b"ok"))
            await writer.drain()

    return handler


async def test_total_timeout_of_a_request_that_reuses_a_pooled_timer(
    raw_server: RawServer,
) -> None:
    # The first requests leave their timer in the session's pool with its loop
    # handle due at their own (earlier) deadline: it must re-arm for the later one.
    never = asyncio.Event()
    url = await raw_server.start(_fast_or_hanging(never))
    async with asyncio.timeout(10), ClientSession(timeout=ClientTimeout(total=0.2)) as session:
        for _ in range(3):
            async with session.get(url / "fast") as resp:
                assert await resp.read() == b"ok"
        assert len(session._timer_pool) == 1  # one timer served the three requests
        with pytest.raises(asyncio.TimeoutError):
            await session.get(url / "slow")
        assert len(session._timer_pool) == 1
    assert session._timer_pool == []
    never.set()


async def test_shorter_total_timeout_than_the_pooled_timer_is_armed_for(
    raw_server: RawServer,
) -> None:
    # The pooled timer's handle is due in 300 s (the default): a request with a
    # 50 ms total must not wait for it.
    never = asyncio.Event()
    url = await raw_server.start(_fast_or_hanging(never))
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url / "fast") as resp:
            assert await resp.read() == b"ok"
        with pytest.raises(asyncio.TimeoutError):
            await session.get(url / "slow", timeout=ClientTimeout(total=0.05))
        async with session.get(url / "fast") as resp:  # the timer is usable again
            assert await resp.read() == b"ok"
    never.set()


async def test_total_timeout_fails_a_body_read_after_the_timer_was_reused(
    raw_server: RawServer,
) -> None:
    never = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            if req.target == "/fast":
                writer.write(respond("200 OK", [("Content-Length", "2")], b"ok"))
                await writer.drain()
                continue
            writer.write(respond("200 OK", [("Content-Length", "10")], b"12345"))
            await writer.drain()
            await never.wait()
            return

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession(timeout=ClientTimeout(total=0.2)) as session:
        async with session.get(url / "fast") as resp:
            assert await resp.read() == b"ok"
        async with session.get(url / "partial") as resp:
            assert resp.status == 200
            with pytest.raises(asyncio.TimeoutError):
                await resp.read()
        async with session.get(url / "fast") as resp:  # a new connection, a pooled timer
            assert await resp.read() == b"ok"
    never.set()


async def test_raise_for_status_callback_error_among_concurrent_requests(
    raw_server: RawServer,
) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            status = "500 Oops" if req.target == "/bad" else "200 OK"
            writer.write(respond(status, [("Content-Length", "2")], b"ok"))
            await writer.drain()

    async def check(resp: Any) -> None:
        await asyncio.sleep(0)  # another request may take the pooled timer meanwhile
        resp.raise_for_status()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession(raise_for_status=check) as session:
        results = await asyncio.gather(
            session.get(url / "bad"), session.get(url / "good"), return_exceptions=True
        )
        assert isinstance(results[0], ClientResponseError)
        good = results[1]
        assert not isinstance(good, BaseException)
        assert await good.read() == b"ok"
        good.release()
        pool = session._timer_pool
        assert len(pool) == len({id(timer) for timer in pool})  # no timer pooled twice


async def test_expect_100_continue(raw_server: RawServer) -> None:
    seen: list[bytes] = []

    async def handler(reader: Reader, writer: Writer) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head)
        assert b"expect: 100-continue" in head.lower()
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        body = await reader.readexactly(4)
        writer.write(respond("200 OK", [("Content-Length", "4")], body))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url, data=b"data", expect100=True) as resp:
            assert await resp.read() == b"data"
    assert len(seen) == 1


async def test_informational_responses_are_skipped(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n")
        writer.write(respond("200 OK", [("Content-Length", "2")], b"ok"))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 200
            assert await resp.read() == b"ok"


async def _keepalive_handler(reader: Reader, writer: Writer) -> None:
    while True:
        req = await read_request(reader)
        body = req.target.encode()
        if req.target == "/partial":
            # Half the body now, the rest never: the response cannot reach its end.
            writer.write(respond("200 OK", [("Content-Length", str(2 * len(body)))], body))
        else:
            writer.write(respond("200 OK", [("Content-Length", str(len(body)))], body))
        await writer.drain()


async def test_connection_reused_only_after_full_read(raw_server: RawServer) -> None:
    url = await raw_server.start(_keepalive_handler)
    async with asyncio.timeout(10), ClientSession() as session:
        for path in ("/a", "/b", "/c"):
            async with session.get(url.with_path(path)) as resp:
                assert await resp.text() == path
        assert raw_server.connections == 1
        async with session.get(url.with_path("/d")):
            pass  # body received in full though unread: the connection is reusable
        async with session.get(url.with_path("/partial")):
            pass  # body not received to its end: this connection must not be pooled
        async with session.get(url.with_path("/e")) as resp:
            assert await resp.text() == "/e"
    assert raw_server.connections == 2


async def test_head_response_has_no_body(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            body = b"" if req.method == "HEAD" else b"full"
            writer.write(respond("200 OK", [("Content-Length", "4")], body))
            await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.head(url) as resp:
            assert resp.content_length == 4
            assert await resp.read() == b""
        async with session.get(url) as resp:
            assert await resp.read() == b"full"
    assert raw_server.connections == 1


async def test_request_head_bytes(raw_server: RawServer) -> None:
    requests: list[RawRequest] = []

    async def handler(reader: Reader, writer: Writer) -> None:
        requests.append(await read_request(reader))
        writer.write(respond("204 No Content", []))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url.with_path("/p").with_query(a="1"), data=b"abc") as resp:
            assert resp.status == 204
    req = requests[0]
    assert (req.method, req.target, req.version) == ("POST", "/p?a=1", "HTTP/1.1")
    assert req.header("Host") == f"127.0.0.1:{url.port}"
    assert req.header("Content-Length") == "3"
    assert req.header("Content-Type") == "application/octet-stream"
    assert req.body == b"abc"


async def test_post_without_body_sends_content_length_zero(raw_server: RawServer) -> None:
    requests: list[RawRequest] = []

    async def handler(reader: Reader, writer: Writer) -> None:
        requests.append(await read_request(reader))
        writer.write(respond("200 OK", [("Content-Length", "0")]))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.post(url):
            pass
    assert requests[0].header("Content-Length") == "0"


async def test_redirect_to_non_http_scheme(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(respond("302 Found", [("Location", "ftp://x/"), ("Content-Length", "0")]))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(NonHttpUrlRedirectClientError):
            await session.get(url)


async def test_authorization_dropped_on_cross_origin_redirect(raw_server: RawServer) -> None:
    seen: list[RawRequest] = []

    async def target(reader: Reader, writer: Writer) -> None:
        seen.append(await read_request(reader))
        writer.write(respond("200 OK", [("Content-Length", "0")]))
        await writer.drain()
        await reader.read()

    other = await raw_server.start(target)

    async def origin(reader: Reader, writer: Writer) -> None:
        seen.append(await read_request(reader))
        location = str(other.with_path("/landing"))
        writer.write(respond("302 Found", [("Location", location), ("Content-Length", "0")]))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(origin)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url, headers={"Authorization": "Bearer secret"}) as resp:
            assert resp.status == 200
            assert resp.url == other.with_path("/landing")
    assert seen[0].header("Authorization") == "Bearer secret"
    assert seen[1].header("Authorization") is None


async def test_links_and_response_attributes(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(
            respond(
                "200 OK",
                [
                    ("Link", '</page/2>; rel="next", <http://x/1>; rel=prev; title="t"'),
                    ("Content-Length", "0"),
                ],
            )
        )
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url.with_fragment("frag")) as resp:
            assert resp.links["next"]["url"] == url.with_path("/page/2")
            assert resp.links["prev"]["title"] == "t"
            assert resp.real_url == url.with_fragment("frag")
            assert resp.url == url
            assert resp.request_info.real_url == url.with_fragment("frag")
            assert resp.raw_headers[0][0] == b"Link"
            assert resp.content_type == "application/octet-stream"


def _digest_handler(algorithm: str, qop: str | None) -> tuple[Any, list[RawRequest]]:
    seen: list[RawRequest] = []
    hasher = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}[
        algorithm.removesuffix("-sess")
    ]

    def h(data: str) -> str:
        return hashlib.new(hasher, data.encode()).hexdigest()

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            seen.append(req)
            auth = req.header("Authorization")
            ok = False
            if auth is not None:
                params = parse_challenge(auth)
                assert params is not None
                ha1 = h("user:realm@test:pass")
                if algorithm.endswith("-sess"):
                    ha1 = h(f"{ha1}:abc:{params['cnonce']}")
                chosen = params.get("qop", "")
                if chosen == "auth-int":  # RFC 7616 3.4.3: the body's digest too
                    body_hash = hashlib.new(hasher, req.body).hexdigest()
                    ha2 = h(f"{req.method}:{params['uri']}:{body_hash}")
                else:
                    ha2 = h(f"{req.method}:{params['uri']}")
                if qop:
                    assert chosen == ("auth-int" if "auth-int" in qop else "auth")
                    expected = h(f"{ha1}:abc:{params['nc']}:{params['cnonce']}:{chosen}:{ha2}")
                else:
                    expected = h(f"{ha1}:abc:{ha2}")
                ok = params["response"] == expected and params["uri"] == req.target
            if ok:
                writer.write(respond("200 OK", [("Content-Length", "6")], b"secret"))
            else:
                qop_part = f', qop="{qop}"' if qop else ""
                challenge = (
                    f'Digest realm="realm@test", nonce="abc", algorithm={algorithm}'
                    f'{qop_part}, opaque="op"'
                )
                writer.write(
                    respond(
                        "401 Unauthorized",
                        [("WWW-Authenticate", challenge), ("Content-Length", "0")],
                    )
                )
            await writer.drain()

    return handler, seen


@pytest.mark.parametrize(
    ("algorithm", "qop"),
    [("MD5", "auth"), ("MD5-sess", "auth"), ("SHA-256", "auth,auth-int"), ("SHA-512-256", None)],
)
async def test_digest_auth(raw_server: RawServer, algorithm: str, qop: str | None) -> None:
    handler, seen = _digest_handler(algorithm, qop)
    url = await raw_server.start(handler)
    digest = DigestAuthMiddleware("user", "pass")
    async with asyncio.timeout(10), ClientSession(middlewares=(digest,)) as session:
        async with session.get(url.with_path("/a").with_query(x="1")) as resp:
            assert resp.status == 200
            assert await resp.read() == b"secret"
        async with session.post(url.with_path("/b"), data=b"payload") as resp:
            assert resp.status == 200  # with auth-int, the body's digest is checked too
    assert [r.header("Authorization") is None for r in seen] == [True, False, False]
    assert 'opaque="op"' in (seen[1].header("Authorization") or "")
    if qop:
        ncs = [re.search(r"nc=(\w+)", r.header("Authorization") or "") for r in seen[1:]]
        assert [m.group(1) for m in ncs if m] == ["00000001", "00000002"]


async def test_digest_auth_not_preemptive(raw_server: RawServer) -> None:
    handler, seen = _digest_handler("MD5", "auth")
    url = await raw_server.start(handler)
    digest = DigestAuthMiddleware("user", "pass", preemptive=False)
    async with asyncio.timeout(10), ClientSession(middlewares=(digest,)) as session:
        for _ in range(2):
            async with session.get(url) as resp:
                assert resp.status == 200
    assert [r.header("Authorization") is None for r in seen] == [True, False, True, False]


def test_digest_auth_rejects_colon_in_login() -> None:
    with pytest.raises(ValueError):
        DigestAuthMiddleware("a:b", "p")


def test_fingerprint_validation() -> None:
    with pytest.raises(ValueError):
        Fingerprint(hashlib.md5(b"x").digest())
    with pytest.raises(ValueError):
        Fingerprint(b"short")
    digest = hashlib.sha256(b"x").digest()
    assert Fingerprint(digest).fingerprint == digest
    assert Fingerprint(digest) == Fingerprint(digest)


async def test_unclosed_session_warns() -> None:
    loop = asyncio.get_running_loop()
    contexts: list[dict[str, Any]] = []
    old = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: contexts.append(ctx))
    try:
        session = ClientSession()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            del session
            gc.collect()
        assert any(
            w.category is ResourceWarning and "Unclosed client session" in str(w.message)
            for w in caught
        )
    finally:
        loop.set_exception_handler(old)
    assert contexts[0]["message"] == "Unclosed client session"


async def test_server_hangs_up_mid_headers(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Len")
        await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises((ServerDisconnectedError, ClientResponseError)):
            await session.get(url)


def _stale_after_first_handler(server: RawServer) -> Any:
    """First connection: answer one request, then drop the next one unanswered."""
    ok = respond("200 OK", [("Content-Length", "2")], b"ok")

    async def handler(reader: Reader, writer: Writer) -> None:
        first_connection = server.connections == 1
        while True:
            await read_request(reader)
            writer.write(ok)
            await writer.drain()
            if first_connection:
                await read_request(reader)
                return  # closed unanswered, as by a server timing out an idle connection

    return handler


async def test_stale_pooled_connection_is_retried_for_idempotent(raw_server: RawServer) -> None:
    url = await raw_server.start(_stale_after_first_handler(raw_server))
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.read() == b"ok"
        async with session.get(url) as resp:  # the pooled connection dies: retried once
            assert await resp.read() == b"ok"
    assert raw_server.connections == 2


async def test_stale_pooled_connection_not_retried_for_post(raw_server: RawServer) -> None:
    url = await raw_server.start(_stale_after_first_handler(raw_server))
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert await resp.read() == b"ok"
        with pytest.raises(ServerDisconnectedError):
            await session.post(url, data=b"x")
    assert raw_server.connections == 1


def _oversized_handler(head: bytes) -> Any:
    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            await read_request(reader)
            writer.write(head)
            await writer.drain()

    return handler


@pytest.mark.parametrize(
    ("head", "kwargs", "session_kwargs"),
    [
        (
            b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 9000 + b"\r\nContent-Length: 0\r\n\r\n",
            {"max_field_size": 10000},
            {"max_field_size": 10000},
        ),
        (
            b"HTTP/1.1 200 " + b"O" * 9000 + b"\r\nContent-Length: 0\r\n\r\n",
            {"max_line_size": 10000},
            {"max_line_size": 10000},
        ),
        (
            b"HTTP/1.1 200 OK\r\n"
            + b"".join(b"X-%d: 1\r\n" % i for i in range(200))
            + b"Content-Length: 0\r\n\r\n",
            {"max_headers": 300},
            {"max_headers": 300},
        ),
    ],
    ids=["field", "status-line", "header-count"],
)
async def test_response_head_limits(
    raw_server: RawServer, head: bytes, kwargs: dict[str, int], session_kwargs: dict[str, int]
) -> None:
    url = await raw_server.start(_oversized_handler(head))
    async with asyncio.timeout(10), ClientSession() as session:
        with pytest.raises(ClientResponseError) as info:
            await session.get(url)
        assert info.value.status == 400
        async with session.get(url, **kwargs) as resp:
            assert resp.status == 200
    async with asyncio.timeout(10), ClientSession(**session_kwargs) as session:  # type: ignore[arg-type]
        async with session.get(url) as resp:
            assert resp.status == 200


async def test_lenient_set_cookie_parsing(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            req = await read_request(reader)
            if req.target == "/set":
                writer.write(
                    b"HTTP/1.1 200 OK\r\n"
                    b'Set-Cookie: json={"a":1}; Path=/\r\n'
                    b"Set-Cookie: weird[x]=2; Path=/\r\n"
                    b"Set-Cookie: ok=1; Path=/; HttpOnly\r\n"
                    b"Content-Length: 0\r\n\r\n"
                )
            else:
                cookie = (req.header("cookie") or "").encode()
                writer.write(respond("200 OK", [("Content-Length", str(len(cookie)))], cookie))
            await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession(cookie_jar=CookieJar(unsafe=True)) as session:
        async with session.get(url / "set") as resp:
            assert {k: m.value for k, m in resp.cookies.items()} == {
                "json": '{"a":1}',
                "weird[x]": "2",
                "ok": "1",
            }
            assert resp.cookies["ok"]["httponly"] is True
        async with session.get(url / "echo", cookies={"extra": "a b"}) as resp:
            sent = (await resp.read()).decode()
    assert sorted(sent.split("; ")) == ['extra="a b"', 'json={"a":1}', "ok=1", "weird[x]=2"]


async def test_response_is_freed_without_the_cycle_collector(raw_server: RawServer) -> None:
    go_on = asyncio.Event()

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            await read_request(reader)
            writer.write(respond("200 OK", [("Content-Length", "10")], b"01234"))
            await writer.drain()
            await go_on.wait()  # the body is still in flight when the head is returned
            go_on.clear()
            writer.write(b"56789")
            await writer.drain()

    url = await raw_server.start(handler)
    gc.disable()
    try:
        async with asyncio.timeout(10), ClientSession() as session:
            for release_early in (False, True):
                async with session.get(url) as resp:
                    go_on.set()
                    if not release_early:
                        assert await resp.read() == b"0123456789"
                ref = weakref.ref(resp)
                del resp
                assert ref() is None  # no reference cycle keeps the response (and its body)
    finally:
        gc.enable()


async def test_bad_chunk_size_fails_the_body_not_the_head(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 200
            with pytest.raises(ClientPayloadError, match="Response payload is not completed"):
                await resp.read()


async def test_redirect_without_location_is_returned(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        writer.write(respond("302 Found", [("Content-Length", "0")]))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 302
            assert len(resp.history) == 1  # as aiohttp: the response is in its own history


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "application/octet-stream"),
        ("garbage", "application/octet-stream"),
        ("Text/HTML; charset=UTF-8", "text/html"),
        ("application/vnd.api+json", "application/vnd.api+json"),
    ],
)
async def test_content_type(raw_server: RawServer, header: str | None, expected: str) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        await read_request(reader)
        headers = [("Content-Length", "0")]
        if header is not None:
            headers.append(("Content-Type", header))
        writer.write(respond("200 OK", headers))
        await writer.drain()
        await reader.read()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session, session.get(url) as resp:
        assert resp.content_type == expected


async def test_release_can_be_awaited_or_not(raw_server: RawServer) -> None:
    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            await read_request(reader)
            writer.write(respond("200 OK", [("Content-Length", "4")], b"body"))
            await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession() as session:
        resp = await session.get(url)
        assert await resp.read() == b"body"
        assert await resp.release() is None  # aiohttp 3.x style
        assert resp.closed
        resp = await session.get(url)
        await resp.read()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            resp.release()  # not awaited: nothing left pending, nothing to warn about
            gc.collect()
    assert raw_server.connections == 1


async def test_content_disposition_filename_rfc2231(raw_server: RawServer) -> None:
    dispositions = iter(
        [
            "attachment; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
            "attachment; filename*0*=UTF-8''na%C3%AFve%20; filename*1=\"long name\"; "
            'filename*2=".txt"',
            'inline; filename="only-plain.txt"',
            "inline",
        ]
    )

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            await read_request(reader)
            headers = [("Content-Length", "0"), ("Content-Disposition", next(dispositions))]
            writer.write(respond("200 OK", headers))
            await writer.drain()

    url = await raw_server.start(handler)
    names = []
    async with asyncio.timeout(10), ClientSession() as session:
        for _ in range(4):
            async with session.get(url) as resp:
                disposition = resp.content_disposition
                assert disposition is not None
                names.append((disposition.type, disposition.filename))
    assert names == [
        ("attachment", "\u20ac rates.txt"),
        ("attachment", "na\u00efve long name.txt"),
        ("inline", "only-plain.txt"),
        ("inline", None),
    ]


async def test_a_response_class_s_own_context_manager_methods_run(
    raw_server: RawServer,
) -> None:
    calls: list[str] = []

    class Recording(ClientResponse):
        async def __aenter__(self) -> ClientResponse:
            calls.append("enter")
            return await super().__aenter__()

        async def __aexit__(self, *exc_info: Any) -> None:
            calls.append("exit")
            await super().__aexit__(*exc_info)

    async def handler(reader: Reader, writer: Writer) -> None:
        while True:
            await read_request(reader)
            writer.write(respond("200 OK", [("Content-Length", "2")], b"ok"))
            await writer.drain()

    url = await raw_server.start(handler)
    async with asyncio.timeout(10), ClientSession(response_class=Recording) as session:
        async with session.get(url) as resp:
            assert isinstance(resp, Recording)
            assert await resp.read() == b"ok"
        assert calls == ["enter", "exit"]
        assert resp.closed
        async with session.get(url) as resp:  # the connection went back to the pool
            assert await resp.read() == b"ok"
    assert raw_server.connections == 1
