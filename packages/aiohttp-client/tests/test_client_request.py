"""ClientRequest construction: URL checks, headers, bodies, framing, cookies, auth."""

from __future__ import annotations

import asyncio
import io
import ssl
from http.cookies import Morsel
from types import SimpleNamespace
from typing import Any, cast

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aiohttp_client import client_reqrep
from aiohttp_client.client_exceptions import ClientOSError, InvalidURL
from aiohttp_client.client_proto import ResponseHandler
from aiohttp_client.client_reqrep import (
    ClientRequest,
    ClientResponse,
    ConnectionKey,
    Fingerprint,
    RequestInfo,
)
from aiohttp_client.connector import Connection
from aiohttp_wire import payload
from aiohttp_wire.helpers import BasicAuth, TimerNoop
from aiohttp_wire.http_version import HttpVersion10
from aiohttp_wire.multipart import ContentDisposition


async def test_host_port_and_ssl() -> None:
    req = ClientRequest("get", URL("https://example.com:8443/p?q=1#frag"))
    assert req.method == "GET"
    assert req.host == "example.com"
    assert req.port == 8443
    assert req.is_ssl()
    assert req.ssl is True
    assert req.url == URL("https://example.com:8443/p?q=1")
    assert req.original_url.fragment == "frag"
    assert req.headers["Host"] == "example.com:8443"
    assert req.request_info.real_url == URL("https://example.com:8443/p?q=1#frag")


async def test_default_port_omitted_from_host_and_ipv6_bracketed() -> None:
    assert ClientRequest("GET", URL("http://h:80/")).headers["Host"] == "h"
    assert ClientRequest("GET", URL("http://[::1]:8080/")).headers["Host"] == "[::1]:8080"


async def test_idna_host() -> None:
    req = ClientRequest("GET", URL("http://\u00e9xample.com/"))
    assert req.headers["Host"] == "xn--xample-9ua.com"
    assert req.host == "xn--xample-9ua.com"


async def test_url_without_host_is_invalid() -> None:
    with pytest.raises(InvalidURL):
        ClientRequest("GET", URL("/path"))


async def test_connection_key() -> None:
    req = ClientRequest("GET", URL("http://h:81/"), proxy_headers={"A": "b"})
    key = req.connection_key
    assert isinstance(key, ConnectionKey)
    assert (key.host, key.port, key.is_ssl, key.ssl, key.proxy) == ("h", 81, False, True, None)
    assert key.proxy_headers_hash is not None
    assert ClientRequest("GET", URL("http://h:81/")).connection_key.proxy_headers_hash is None


async def test_ssl_argument_types() -> None:
    ctx = ssl.create_default_context()
    assert ClientRequest("GET", URL("https://h/"), ssl=ctx).ssl is ctx
    fp = Fingerprint(b"\0" * 32)
    assert ClientRequest("GET", URL("https://h/"), ssl=fp).ssl is fp
    with pytest.raises(TypeError):
        ClientRequest("GET", URL("https://h/"), ssl="yes")  # type: ignore[arg-type]


async def test_auto_headers_and_skip() -> None:
    req = ClientRequest("GET", URL("http://h/"))
    assert req.headers["Accept"] == "*/*"
    assert "Accept-Encoding" in req.headers
    assert req.headers["User-Agent"].startswith("Python/")
    req = ClientRequest("GET", URL("http://h/"), skip_auto_headers={"user-agent", "Accept"})
    assert "User-Agent" not in req.headers
    assert "Accept" not in req.headers
    assert "User-Agent" in req.skip_auto_headers


async def test_user_headers_win_and_repeat() -> None:
    req = ClientRequest(
        "GET", URL("http://h/"), headers=[("Accept", "text/html"), ("X-A", "1"), ("X-A", "2")]
    )
    assert req.headers["Accept"] == "text/html"
    assert req.headers.getall("X-A") == ["1", "2"]
    req = ClientRequest("GET", URL("http://h/"), headers={"Host": "other"})
    assert req.headers.getall("Host") == ["other"]


async def test_params_are_appended() -> None:
    req = ClientRequest("GET", URL("http://h/p?a=1"), params={"b": "2"})
    assert req.url.query_string == "a=1&b=2"


async def test_body_framing() -> None:
    assert "Content-Length" not in ClientRequest("GET", URL("http://h/")).headers
    empty_post = ClientRequest("POST", URL("http://h/")).headers
    assert empty_post["Content-Length"] == "0"
    assert empty_post["Content-Type"] == "application/octet-stream"
    assert "Content-Type" not in ClientRequest("DELETE", URL("http://h/")).headers
    req = ClientRequest("POST", URL("http://h/"), data=b"abc")
    assert req.headers["Content-Length"] == "3"
    assert req.headers["Content-Type"] == "application/octet-stream"
    req = ClientRequest("POST", URL("http://h/"), data="\u00e9")
    assert req.headers["Content-Length"] == "2"
    assert req.headers["Content-Type"] == "text/plain; charset=utf-8"
    req = ClientRequest("POST", URL("http://h/"), data={"a": "b"})
    assert req.headers["Content-Type"] == "application/x-www-form-urlencoded"
    req = ClientRequest("POST", URL("http://h/"), data=b"abc", chunked=True)
    assert req.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in req.headers


async def test_unknown_size_body_is_chunked_on_http11_only() -> None:
    async def gen():  # type: ignore[no-untyped-def]
        yield b"x"

    req = ClientRequest("POST", URL("http://h/"), data=gen())
    assert req.headers["Transfer-Encoding"] == "chunked"
    req = ClientRequest("POST", URL("http://h/"), data=gen(), version=HttpVersion10)
    assert "Transfer-Encoding" not in req.headers


async def test_file_like_body() -> None:
    req = ClientRequest("POST", URL("http://h/"), data=io.BytesIO(b"12345"))
    assert req.headers["Content-Length"] == "5"


async def test_conflicting_framing_is_rejected() -> None:
    with pytest.raises(ValueError):
        ClientRequest(
            "POST", URL("http://h/"), data=b"x", chunked=True, headers={"Content-Length": "1"}
        )
    with pytest.raises(ValueError):
        ClientRequest(
            "POST",
            URL("http://h/"),
            data=b"x",
            chunked=True,
            headers={"Transfer-Encoding": "chunked"},
        )
    with pytest.raises(ValueError):
        ClientRequest(
            "POST", URL("http://h/"), data=b"x", compress="gzip", headers={"Content-Encoding": "br"}
        )


async def test_compress_sets_encoding_and_chunking() -> None:
    req = ClientRequest("POST", URL("http://h/"), data=b"x", compress=True)
    assert req.headers["Content-Encoding"] == "deflate"
    assert req.headers["Transfer-Encoding"] == "chunked"


async def test_cookies_merge_into_header() -> None:
    morsel: Morsel[str] = Morsel()
    morsel.set("m", "v", "v")
    req = ClientRequest(
        "GET",
        URL("http://h/"),
        headers={"Cookie": "a=1"},
        cookies={"b": "2", "m": morsel},
    )
    assert sorted(req.headers["Cookie"].split("; ")) == ["a=1", "b=2", "m=v"]


async def test_auth() -> None:
    req = ClientRequest("GET", URL("http://h/"), auth=BasicAuth("user", "pass"))
    assert req.headers["Authorization"] == "Basic dXNlcjpwYXNz"
    req = ClientRequest("GET", URL("http://u:p@h/"))
    assert req.headers["Authorization"] == "Basic dTpw"
    with pytest.raises(TypeError):
        ClientRequest("GET", URL("http://h/"), auth=("u", "p"))  # type: ignore[arg-type]


async def test_expect_continue() -> None:
    req = ClientRequest("POST", URL("http://h/"), data=b"x", expect100=True)
    assert req.headers["Expect"] == "100-continue"
    assert req._continue is not None
    req = ClientRequest("POST", URL("http://h/"), data=b"x", headers={"Expect": "100-Continue"})
    assert req._continue is not None


async def test_proxy_settings() -> None:
    req = ClientRequest(
        "GET",
        URL("http://h/"),
        proxy=URL("http://proxy:3128"),
        proxy_auth=BasicAuth("a", "b"),
        proxy_headers={"X": "y"},
    )
    assert req.proxy == URL("http://proxy:3128")
    assert req.proxy_auth == BasicAuth("a", "b")
    assert req.proxy_headers is not None and req.proxy_headers["X"] == "y"
    assert req._status_line() == "GET http://h/ HTTP/1.1"
    with pytest.raises(ValueError):
        ClientRequest("GET", URL("http://h/"), proxy_auth=("a", "b"))  # type: ignore[arg-type]


async def test_status_line_target() -> None:
    req = ClientRequest("GET", URL("http://h/a%20b?x=1"))
    assert req._status_line() == "GET /a%20b?x=1 HTTP/1.1"
    req = ClientRequest("GET", URL("http://h/"), version=HttpVersion10)
    assert req._status_line() == "GET / HTTP/1.0"


async def test_header_order_matches_aiohttp() -> None:
    req = ClientRequest("POST", URL("http://h/"), data=b"abc")
    assert list(req.headers) == [
        "Host",
        "Accept",
        "Accept-Encoding",
        "User-Agent",
        "Content-Length",
        "Content-Type",
    ]
    given = ClientRequest("POST", URL("http://h/"), data=b"abc", headers={"Content-Type": "x/y"})
    assert list(given.headers)[:2] == ["Host", "Content-Type"]  # a caller's stays in place


class _RecordingTransport(asyncio.Transport):
    """Records each write call separately."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default


async def test_small_bytes_body_leaves_with_the_head_in_one_write() -> None:
    proto = ResponseHandler(asyncio.get_running_loop())
    transport = _RecordingTransport()
    proto.connection_made(transport)
    conn = cast(Connection, SimpleNamespace(protocol=proto))
    for data, expected in ((b"small body", b"small body"), ({"k": "v"}, b"k=v")):
        transport.writes.clear()
        req = ClientRequest("POST", URL("http://example.com/p"), data=data)
        await req.send(conn)
        assert len(transport.writes) == 1
        head, _, body = transport.writes[0].partition(b"\r\n\r\n")
        assert head.startswith(b"POST /p HTTP/1.1\r\n")
        assert f"Content-Length: {len(expected)}".encode() in head
        assert body == expected


def _recording_connection() -> tuple[Connection, _RecordingTransport]:
    proto = ResponseHandler(asyncio.get_running_loop())
    transport = _RecordingTransport()
    proto.connection_made(transport)
    return cast(Connection, SimpleNamespace(protocol=proto)), transport


async def test_bodiless_head_with_only_automatic_headers_is_memoised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memo: dict[Any, bytes] = {}
    monkeypatch.setattr(client_reqrep, "_AUTO_HEADS", memo)
    conn, transport = _recording_connection()
    url = URL("http://example.com:8080/p?q=1")
    for _ in range(2):
        req = ClientRequest("GET", url)
        await req.send(conn)
    first, second = transport.writes
    assert first == second
    assert first.startswith(b"GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n")
    assert first.endswith(b"\r\n\r\n")
    assert list(memo) == [
        (
            "GET /p?q=1 HTTP/1.1",
            "example.com:8080",
            client_reqrep.USER_AGENT,
            client_reqrep.ACCEPT_ENCODING,
        )
    ]
    # Given headers (even only a repeated Host) are serialised as given, not memoised.
    transport.writes.clear()
    req = ClientRequest("GET", url, headers={"Host": "other"})
    await req.send(conn)
    assert b"\r\nHost: other\r\n" in transport.writes[0]
    assert len(memo) == 1


async def test_headers_changed_after_the_request_is_built_are_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client_reqrep, "_AUTO_HEADS", {})
    conn, transport = _recording_connection()
    url = URL("http://example.com/p")
    await ClientRequest("GET", url).send(conn)  # memoises this URL's head
    added = ClientRequest("GET", url)
    added.headers["X-Added"] = "1"
    replaced = ClientRequest("GET", url)
    replaced.headers["Accept"] = "text/html"
    removed = ClientRequest("GET", url)
    del removed.headers["User-Agent"]
    moved = ClientRequest("GET", url)
    moved.url = URL("http://example.com/elsewhere")
    for req in (added, replaced, removed, moved):
        await req.send(conn)
    plain, with_added, with_replaced, with_removed, with_moved = transport.writes
    assert b"X-Added: 1\r\n" in with_added and b"X-Added" not in plain
    assert b"Accept: text/html\r\n" in with_replaced and b"Accept: */*" not in with_replaced
    assert b"User-Agent" in plain and b"User-Agent" not in with_removed
    assert with_moved.startswith(b"GET /elsewhere HTTP/1.1\r\nHost: example.com\r\n")


async def test_a_patched_default_user_agent_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_reqrep, "_AUTO_HEADS", {})
    conn, transport = _recording_connection()
    url = URL("http://example.com/p")
    await ClientRequest("GET", url).send(conn)  # memoises this URL's head
    monkeypatch.setattr(client_reqrep, "USER_AGENT", "patched/1.0")
    await ClientRequest("GET", url).send(conn)
    assert b"User-Agent: patched/1.0\r\n" in transport.writes[-1]


async def test_memoised_heads_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    memo: dict[Any, bytes] = {}
    monkeypatch.setattr(client_reqrep, "_AUTO_HEADS", memo)
    monkeypatch.setattr(client_reqrep, "_AUTO_HEADS_SIZE", 2)
    conn, transport = _recording_connection()
    for i in range(5):
        await ClientRequest("GET", URL(f"http://example.com/{i}")).send(conn)
        assert transport.writes[-1].startswith(f"GET /{i} HTTP/1.1\r\n".encode())
        assert 1 <= len(memo) <= 2


async def test_bodiless_request_on_a_closing_transport_fails_with_client_os_error() -> None:
    conn, transport = _recording_connection()
    transport.is_closing = lambda: True  # type: ignore[method-assign]
    with pytest.raises(ClientOSError):
        await ClientRequest("GET", URL("http://example.com/")).send(conn)
    assert transport.writes == []
    with pytest.raises(ValueError, match="Newline"):
        await ClientRequest("GET", URL("http://example.com/"), headers={"X": "a\r\nb"}).send(conn)


async def test_empty_body_is_not_compressed_whether_raw_or_a_payload() -> None:
    for data in (b"", payload.BytesPayload(b"")):
        req = ClientRequest("POST", URL("http://h/"), data=data, compress=True)
        assert req.compress is None
        assert "Content-Encoding" not in req.headers
        assert req.headers["Content-Length"] == "0"


# -- ClientResponse built by hand, as mocking libraries (aioresponses) do -----------------


def mock_response(timer: Any) -> ClientResponse:
    loop = asyncio.get_running_loop()
    url = URL("http://example.com/x")
    info = RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict()), url)
    return ClientResponse(
        "GET",
        url,
        request_info=info,
        writer=None,
        continue100=None,
        timer=timer,
        traces=[],
        loop=loop,
        session=None,
    )


async def test_response_accepts_a_timer_without_done_with() -> None:
    resp = mock_response(TimerNoop())
    await resp.release()
    resp.close()
    resp._response_eof()
    assert resp.closed


async def test_response_cookies_exist_before_the_head() -> None:
    resp = mock_response(None)
    resp.cookies.load("a=1; Path=/")  # aioresponses loads before setting _headers
    resp._headers = CIMultiDictProxy(CIMultiDict({"Set-Cookie": "a=1; Path=/"}))
    assert resp.cookies["a"].value == "1"
    assert resp.cookies["a"]["path"] == "/"


async def test_response_content_disposition_is_a_content_disposition() -> None:
    resp = mock_response(None)
    resp._headers = CIMultiDictProxy(CIMultiDict())
    assert resp.content_disposition is None
    header = "attachment; filename*=UTF-8''%E2%82%AC.txt; size=3"
    resp._headers = CIMultiDictProxy(CIMultiDict({"Content-Disposition": header}))
    disposition = resp.content_disposition
    assert isinstance(disposition, ContentDisposition)
    assert disposition.type == "attachment"
    assert disposition.filename == "\u20ac.txt"
    assert disposition.parameters["size"] == "3"


async def test_update_body_closes_the_old_payload_and_reframes() -> None:
    closed = []

    class Tracked(payload.BytesPayload):
        async def close(self) -> None:
            closed.append(True)
            await super().close()

    old = Tracked(b"old body")
    req = ClientRequest("POST", URL("http://h/"), data=old)
    assert req.headers["Content-Length"] == "8"
    await req.update_body(b"a longer new body")
    assert closed == [True]
    assert req.headers["Content-Length"] == "17"
    assert req.body is not None and req.body.size == 17
    await req.update_body(None)
    assert req.body is None
    assert req.headers["Content-Length"] == "0"


async def test_update_body_keeps_a_chunked_request_chunked() -> None:
    req = ClientRequest("POST", URL("http://h/"), data=b"x", chunked=True)
    await req.update_body(b"yz")
    assert req.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in req.headers
    assert req.body is not None and req.body.size == 2


async def test_update_version_accepts_strings() -> None:
    req = ClientRequest("GET", URL("http://h/"))
    req.update_version("1.0")
    assert req.version == HttpVersion10
    with pytest.raises(ValueError, match="http version"):
        req.update_version("one")


@pytest.mark.parametrize("method", ["GE T", "GET\r\n", "", "G(ET)"])
async def test_method_must_be_a_token(method: str) -> None:
    with pytest.raises(ValueError, match="non-token"):
        ClientRequest(method, URL("http://h/"))


async def test_extension_methods_are_tokens() -> None:
    assert ClientRequest("propfind", URL("http://h/")).method == "PROPFIND"
    assert ClientRequest("M-SEARCH", URL("http://h/")).method == "M-SEARCH"


async def test_a_subclass_has_every_update_hook_called_for_a_plain_get() -> None:
    called: list[str] = []

    class Recording(ClientRequest):
        def update_headers(self, headers: Any) -> None:
            called.append("headers")
            super().update_headers(headers)

        def update_auto_headers(self, skip_auto_headers: Any) -> None:
            called.append("auto_headers")
            super().update_auto_headers(skip_auto_headers)

        def update_content_encoding(self, data: Any) -> None:
            called.append("content_encoding")
            super().update_content_encoding(data)

        def update_body_from_data(self, body: Any) -> None:
            called.append("body")
            super().update_body_from_data(body)

    req = Recording("GET", URL("http://h/"), compress="gzip")
    assert called == ["headers", "auto_headers", "content_encoding", "body"]
    assert req.compress is None
    assert list(req.headers) == ["Host", "Accept", "Accept-Encoding", "User-Agent"]
    plain = ClientRequest("GET", URL("http://h/"), compress="gzip")
    assert plain.compress is None
    assert list(plain.headers.items()) == list(req.headers.items())
