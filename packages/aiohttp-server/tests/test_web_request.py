"""BaseRequest / Request properties and body readers on constructed requests."""

from __future__ import annotations

import asyncio
import datetime
import json
import socket
import types
from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

import pytest
from multidict import CIMultiDict
from yarl import URL

from aiohttp_server.web_app import Application
from aiohttp_server.web_exceptions import HTTPRequestEntityTooLarge, HTTPUnsupportedMediaType
from aiohttp_server.web_request import FileField, Request
from aiohttp_server.web_response import StreamResponse, json_response
from aiohttp_server.web_runner import AppRunner, TCPSite
from aiohttp_wire.helpers import ETag
from aiohttp_wire.http_version import HttpVersion10
from aiohttp_wire.streams import StreamReader

RequestFactory = Any


async def test_request_line_properties(make_request: RequestFactory) -> None:
    req = make_request("GET", "/path/to%20x?a=1&b=2&a=3", {"Host": "example.com:8080"})
    assert req.method == "GET"
    assert req.version == (1, 1)
    assert req.path == "/path/to x"
    assert req.raw_path == "/path/to%20x?a=1&b=2&a=3"
    assert req.path_qs == "/path/to%20x?a=1&b=2&a=3"
    assert req.query_string == "a=1&b=2&a=3"
    assert req.query.getall("a") == ["1", "3"]
    assert req.rel_url == URL("/path/to%20x?a=1&b=2&a=3")
    assert req.host == "example.com:8080"
    assert req.scheme == "http" and not req.secure
    assert req.url == URL("http://example.com:8080/path/to%20x?a=1&b=2&a=3")
    assert req.remote == "127.0.0.1"
    assert req.keep_alive
    assert req.headers["Host"] == "example.com:8080"
    assert req.raw_headers == ((b"Host", b"example.com:8080"),)
    assert req.get_extra_info("peername") == ("127.0.0.1", 34567)
    assert req.get_extra_info("nope", 5) == 5
    assert req.transport is not None
    # The repr shows the decoded path without the query, as aiohttp's does.
    assert repr(req) == "<Request GET /path/to x >"
    assert repr(make_request("GET", "/caf%C3%A9")) == "<Request GET /caf\\xe9 >"


async def test_url_normalises_the_host(make_request: RequestFactory) -> None:
    req = make_request("GET", "/a%2Fb?q=1", {"Host": "WWW.Bücher.Example:8080"})
    assert req.host == "WWW.Bücher.Example:8080"
    assert str(req.url) == "http://www.xn--bcher-kva.example:8080/a%2Fb?q=1"
    odd = make_request("GET", "/", {"Host": "h:notaport"})
    assert odd.url.raw_authority == "h:notaport"


class _Transport:
    def __init__(self, **extra: Any) -> None:
        self.extra = extra

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)


async def test_https_from_sslcontext(make_request: RequestFactory) -> None:
    import ssl

    ctx = ssl.create_default_context()
    req = make_request("GET", "/", {"Host": "h"}, transport=_Transport(sslcontext=ctx))
    assert req.scheme == "https" and req.secure
    assert req.url == URL("https://h/")
    assert req.remote is None


async def test_unix_peername(make_request: RequestFactory) -> None:
    req = make_request("GET", "/", transport=_Transport(peername="/tmp/sock"))
    assert req.remote == "/tmp/sock"


async def test_closing_and_http10(make_request: RequestFactory) -> None:
    req = make_request("GET", "/", closing=True, version=HttpVersion10)
    assert not req.keep_alive
    assert req.version == HttpVersion10


async def test_absolute_form_target(make_request: RequestFactory) -> None:
    req = make_request("GET", "http://proxy.example:81/x?y=1", {"Host": "other"})
    assert req.host == "proxy.example:81"
    assert req.path == "/x"
    assert req.url == URL("http://proxy.example:81/x?y=1")
    creds = make_request("GET", "http://u:p@proxy.example:80/x", {"Host": "other"})
    assert creds.host == "proxy.example"
    assert creds.url == URL("http://proxy.example/x")
    v6 = make_request("GET", "https://[::1]:8443/", {"Host": "other"})
    assert v6.host == "[::1]:8443" and v6.url == URL("https://[::1]:8443/")


async def test_connect_authority_form(make_request: RequestFactory) -> None:
    req = make_request("CONNECT", "/", {"Host": "proxy"})
    req._message = req._message._replace(url=URL.build(authority="target:443", encoded=True))
    req = req.clone()
    assert req.host == "target:443" and req.scheme == "http"
    assert str(req.url) == "http://target:443"


async def test_cookies(make_request: RequestFactory) -> None:
    req = make_request("GET", "/", {"Cookie": "a=1; b=two"})
    assert dict(req.cookies) == {"a": "1", "b": "two"}
    with pytest.raises(TypeError):
        req.cookies["c"] = "x"
    assert dict(make_request("GET", "/").cookies) == {}


async def test_content_headers(make_request: RequestFactory) -> None:
    req = make_request(
        "POST",
        "/",
        {"Content-Type": 'text/html; charset="UTF-8"', "Content-Length": "12"},
    )
    assert req.content_type == "text/html"
    assert req.charset == "UTF-8"
    assert req.content_length == 12
    bare = make_request("GET", "/")
    assert bare.content_type == "application/octet-stream"
    assert bare.charset is None and bare.content_length is None


@pytest.mark.parametrize(
    ("value", "charset"),
    [
        ('text/plain; x="a;b"; charset=latin-1', "latin-1"),
        ('text/plain; x="a\\";charset=no"; charset=koi8-r', "koi8-r"),
        ('text/plain; charset="unterminated;x', '"unterminated;x'),
        ("TEXT/Plain;;Charset=UTF-8", "UTF-8"),
        ('text/plain; x="' + "\\" * 4000, None),
    ],
)
async def test_content_type_parameters(
    make_request: RequestFactory, value: str, charset: str | None
) -> None:
    req = make_request("POST", "/", {"Content-Type": value})
    assert req.content_type == "text/plain"
    assert req.charset == charset


async def test_conditional_headers(make_request: RequestFactory) -> None:
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    when = datetime.datetime(2015, 10, 21, 7, 28, tzinfo=datetime.timezone.utc)
    req = make_request(
        "GET",
        "/",
        {
            "If-Modified-Since": date,
            "If-Unmodified-Since": date,
            "If-Range": date,
            "If-Match": '"a", W/"b"',
            "If-None-Match": "*",
        },
    )
    assert req.if_modified_since == when
    assert req.if_unmodified_since == when
    assert req.if_range == when
    assert req.if_match == (ETag("a"), ETag("b", is_weak=True))
    assert req.if_none_match == (ETag("*"),)
    bad = make_request("GET", "/", {"If-Modified-Since": "garbage", "If-Match": "nope"})
    assert bad.if_modified_since is None
    assert bad.if_match == ()
    none = make_request("GET", "/")
    assert none.if_match is None and none.if_none_match is None and none.if_range is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"a",  W/"b" ,"c"', (ETag("a"), ETag("b", is_weak=True), ETag("c"))),
        ('"a",', (ETag("a"),)),
        # What precedes a malformed member is kept, the rest ignored (as aiohttp).
        ('"a", b', (ETag("a"),)),
        ('"a", *', (ETag("a"),)),
        ('"a",,"b"', (ETag("a"),)),
        ('b, "a"', ()),
        ('"a" "b"', ()),
        ('W/ "a"', ()),
        ('*, "a"', ()),
        ("", None),
    ],
)
async def test_etag_lists(
    make_request: RequestFactory, value: str, expected: tuple[ETag, ...] | None
) -> None:
    req = make_request("GET", "/", {"If-Match": value, "If-None-Match": value})
    assert req.if_match == expected
    assert req.if_none_match == expected


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        # Not HTTP-dates, but seen: the zone is ignored, an HTTP-date is GMT.
        "Sun, 06 Nov 1994 08:49:37 +0100",
        "Sun, 06 Nov 1994 08:49:37 EST",
    ],
)
async def test_http_dates_are_utc(make_request: RequestFactory, value: str) -> None:
    req = make_request("GET", "/", {"If-Modified-Since": value})
    assert req.if_modified_since == datetime.datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=datetime.timezone.utc
    )


@pytest.mark.parametrize(
    ("value", "content_type", "charset"),
    [
        ("", "application/octet-stream", None),
        ("bad", "application/octet-stream", None),
        ("a/b/c", "application/octet-stream", None),
        ("text/html, text/plain", "application/octet-stream", None),
        (" ; charset=utf-8", "application/octet-stream", "utf-8"),
        ("text/plain; charset=", "text/plain", None),
        ('text/plain; charset=""', "text/plain", ""),
        ("TEXT/Plain; CHARSET=UTF-8", "text/plain", "UTF-8"),
    ],
)
async def test_malformed_content_types(
    make_request: RequestFactory, value: str, content_type: str, charset: str | None
) -> None:
    """A media type that is not type/subtype reads as application/octet-stream."""
    req = make_request("POST", "/", {"Content-Type": value}, body=b"a=1")
    assert req.content_type == content_type
    assert req.charset == charset
    if content_type == "application/octet-stream":
        assert await req.post() == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes=0-499", slice(0, 500, 1)),
        ("bytes=500-", slice(500, None, 1)),
        ("bytes=-500", slice(-500, None, 1)),
        ("bytes=5-5", slice(5, 6, 1)),
    ],
)
async def test_http_range(make_request: RequestFactory, value: str, expected: slice) -> None:
    assert make_request("GET", "/", {"Range": value}).http_range == expected


@pytest.mark.parametrize("value", ["bytes=9-1", "items=0-1", "bytes=0-1,3-4", "bytes=-", "x"])
async def test_http_range_invalid(make_request: RequestFactory, value: str) -> None:
    with pytest.raises(ValueError):
        make_request("GET", "/", {"Range": value}).http_range  # noqa: B018


async def test_no_range(make_request: RequestFactory) -> None:
    assert make_request("GET", "/").http_range == slice(None, None, 1)


async def test_forwarded(make_request: RequestFactory) -> None:
    req = make_request(
        "GET",
        "/",
        [
            ("Forwarded", 'for=192.0.2.60;proto=http;by="[2001:db8::1]:80", for=unknown'),
            ("Forwarded", 'host="a\\"b"'),
        ],
    )
    fwd = req.forwarded
    assert len(fwd) == 3
    assert fwd[0] == {"for": "192.0.2.60", "proto": "http", "by": "[2001:db8::1]:80"}
    assert fwd[1] == {"for": "unknown"}
    assert fwd[2] == {"host": 'a"b'}
    assert make_request("GET", "/").forwarded == ()


async def test_forwarded_malformed_is_skipped(make_request: RequestFactory) -> None:
    req = make_request("GET", "/", {"Forwarded": "for=1.2.3.4;;garbage here, proto=https"})
    fwd = req.forwarded
    assert fwd[0]["for"] == "1.2.3.4"
    assert fwd[-1] == {"proto": "https"}


async def test_read_text_json(make_request: RequestFactory) -> None:
    req = make_request(
        "POST", "/", {"Content-Type": "application/json"}, body=b'{"k": [1, "\\u00e9"]}'
    )
    assert req.body_exists and req.can_read_body
    assert await req.json() == {"k": [1, "é"]}
    assert await req.read() == b'{"k": [1, "\\u00e9"]}'
    assert not req.can_read_body


async def test_json_ignores_content_type_and_custom_loads(make_request: RequestFactory) -> None:
    req = make_request("POST", "/", {"Content-Type": "text/plain"}, body=b"{}")
    assert await req.json() == {}
    custom = make_request("POST", "/", body=b"[1]")
    assert await custom.json(loads=lambda s: ("parsed", s)) == ("parsed", "[1]")


async def test_text_charset(make_request: RequestFactory) -> None:
    req = make_request(
        "POST", "/", {"Content-Type": "text/plain; charset=latin-1"}, body="é".encode("latin-1")
    )
    assert await req.text() == "é"
    bad = make_request("POST", "/", {"Content-Type": "text/plain; charset=nope"}, body=b"x")
    with pytest.raises(HTTPUnsupportedMediaType):
        await bad.text()


async def test_read_enforces_client_max_size(make_request: RequestFactory) -> None:
    req = make_request("POST", "/", body=b"x" * 11, client_max_size=10)
    with pytest.raises(HTTPRequestEntityTooLarge) as info:
        await req.read()
    assert info.value.status == 413
    ok = make_request("POST", "/", body=b"x" * 10, client_max_size=10)
    assert await ok.read() == b"x" * 10


async def test_empty_body(make_request: RequestFactory) -> None:
    req = make_request("GET", "/")
    assert not req.body_exists and not req.can_read_body
    assert await req.read() == b""
    await req.release()


async def test_release_discards_body(make_request: RequestFactory) -> None:
    req = make_request("POST", "/", body=b"abc")
    await req.release()
    assert not req.can_read_body


async def test_post_urlencoded(make_request: RequestFactory) -> None:
    req = make_request(
        "POST",
        "/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        body=b"a=1&b=%C3%A9&a=&c",
    )
    form = await req.post()
    assert form.getall("a") == ["1", ""]
    assert form["b"] == "é"
    assert form["c"] == ""
    assert await req.post() is form


async def test_post_ignores_other_methods_and_types(make_request: RequestFactory) -> None:
    assert len(await make_request("GET", "/", body=b"a=1").post()) == 0
    req = make_request("POST", "/", {"Content-Type": "application/json"}, body=b"{}")
    assert len(await req.post()) == 0


async def test_post_too_large(make_request: RequestFactory) -> None:
    req = make_request(
        "POST",
        "/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        body=b"a=" + b"x" * 100,
        client_max_size=50,
    )
    with pytest.raises(HTTPRequestEntityTooLarge):
        await req.post()


def _form(*parts: bytes) -> bytes:
    return b"".join(b"--B\r\n" + part + b"\r\n" for part in parts) + b"--B--\r\n"


_MULTIPART = {"Content-Type": "multipart/form-data; boundary=B"}


async def test_post_multipart_fields_and_files(make_request: RequestFactory) -> None:
    body = _form(
        b'Content-Disposition: form-data; name="t"\r\n\r\nplain',
        b'Content-Disposition: form-data; name="l"\r\n'
        b"Content-Type: text/plain; charset=latin-1\r\n\r\n\xe9",
        b'Content-Disposition: form-data; name="j"\r\nContent-Type: application/json\r\n\r\n{}',
        b'Content-Disposition: form-data; name="f"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nfile body",
        b'Content-Disposition: form-data; name="e"; filename=""\r\n\r\n',
    )
    req = make_request("POST", "/", _MULTIPART, body=body)
    form = await req.post()
    assert form["t"] == "plain" and form["l"] == "é" and form["j"] == b"{}"
    upload = form["f"]
    assert isinstance(upload, FileField)
    assert (upload.name, upload.filename, upload.content_type) == ("f", "a.txt", "text/plain")
    assert upload.file.read() == b"file body"
    assert upload.headers["Content-Type"] == "text/plain"
    # Slotted and frozen, as in aiohttp: the fields are class-level descriptors.
    assert isinstance(FileField.__dict__["file"], types.MemberDescriptorType)
    with pytest.raises(AttributeError):
        upload.name = "other"  # type: ignore[misc]
    # An empty file input (filename="") is an empty field, not a file.
    assert form["e"] == ""
    assert await req.post() is form


async def test_post_multipart_errors(make_request: RequestFactory) -> None:
    nameless = _form(b"Content-Disposition: form-data\r\n\r\nx")
    with pytest.raises(ValueError, match="missing name"):
        await make_request("POST", "/", _MULTIPART, body=nameless).post()
    big_file = _form(b'Content-Disposition: form-data; name="f"; filename="b"\r\n\r\n' + b"x" * 200)
    req = make_request("POST", "/", _MULTIPART, body=big_file, client_max_size=100)
    with pytest.raises(HTTPRequestEntityTooLarge):
        await req.post()
    big_field = _form(b'Content-Disposition: form-data; name="f"\r\n\r\n' + b"x" * 200)
    req = make_request("POST", "/", _MULTIPART, body=big_field, client_max_size=100)
    with pytest.raises(HTTPRequestEntityTooLarge):
        await req.post()


async def test_post_refuses_a_huge_text_field_before_it_ends(
    make_request: RequestFactory,
) -> None:
    """The 413 comes while the field is still arriving: it is never buffered whole."""
    req = make_request("POST", "/", _MULTIPART, body=b"", client_max_size=100)
    stream = StreamReader(mock.Mock(), 2**16, loop=asyncio.get_running_loop())
    stream.feed_data(b'--B\r\nContent-Disposition: form-data; name="f"\r\n\r\n' + b"x" * 200_000)
    req._payload = stream  # no end in sight: the field's end never arrives
    with pytest.raises(HTTPRequestEntityTooLarge):
        await asyncio.wait_for(req.post(), 5)


async def test_state_mapping(make_request: RequestFactory) -> None:
    req = make_request("GET", "/")
    req["user"] = "bob"
    assert req["user"] == "bob" and len(req) == 1 and list(req) == ["user"]
    del req["user"]
    assert "user" not in req
    assert req == req and req != make_request("GET", "/")


async def test_clone(make_request: RequestFactory) -> None:
    req = make_request("GET", "/a?x=1", {"Host": "h"})
    req["k"] = 1
    clone = req.clone(
        method="POST", rel_url="/b?y=2", headers={"X": "1"}, host="new", scheme="https"
    )
    assert clone.method == "POST"
    assert clone.path == "/b" and clone.query_string == "y=2"
    assert clone.headers == CIMultiDict({"X": "1"})
    assert clone.host == "new" and clone.scheme == "https" and clone.secure
    assert clone["k"] == 1
    assert clone.match_info is req.match_info
    assert req.method == "GET" and req.path == "/a"
    remote = req.clone(remote="10.0.0.1", client_max_size=5)
    assert remote.remote == "10.0.0.1" and remote.client_max_size == 5


async def test_clone_after_read_fails(make_request: RequestFactory) -> None:
    req = make_request("POST", "/", body=b"abc")
    await req.read()
    with pytest.raises(RuntimeError):
        req.clone()


async def test_app_and_config_dict(make_request: RequestFactory) -> None:
    from aiohttp_server.web_app import AppKey

    key = AppKey("key", str)
    other = AppKey("other", int)
    root = Application()
    root[key] = "root"
    root[other] = 1
    sub = Application()
    sub[key] = "sub"
    from unittest import mock

    from aiohttp_server.web_urldispatcher import UrlMappingMatchInfo

    mi = UrlMappingMatchInfo({"x": "1"}, mock.Mock())
    mi.add_app(sub)
    mi.add_app(root)
    req = make_request("GET", "/", match_info=mi)
    assert req.app is sub
    assert req.match_info == {"x": "1"}
    assert req.config_dict[key] == "sub"
    assert req.config_dict[other] == 1


async def test_loop_is_deprecated(make_request: RequestFactory) -> None:
    req = make_request("GET", "/")
    with pytest.warns(DeprecationWarning, match="loop"):
        req.loop  # noqa: B018


async def test_host_falls_back_to_fqdn(make_request: RequestFactory) -> None:
    assert make_request("GET", "/").host == socket.getfqdn()


@pytest.mark.parametrize(
    ("target", "url_path"),
    [
        ("/a/../b", "/b"),
        ("/a/./b", "/a/b"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/../../b", "/b"),
        ("/a/./../b/./c/.", "/b/c/"),
        ("/.a/..b/", "/.a/..b/"),
    ],
)
async def test_url_has_no_dot_segments(
    make_request: RequestFactory, target: str, url_path: str
) -> None:
    """``url`` is resolved against the origin; ``path``/``rel_url`` keep the target."""
    req = make_request("GET", target + "?q=/../x", {"Host": "h"})
    assert req.url.raw_path == url_path
    assert req.url.raw_query_string == "q=/../x"
    assert req.rel_url.raw_path == target
    assert req.path == URL(target, encoded=True).path


class _Served:
    """An application on 127.0.0.1:0 answering raw request bytes."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def send(self, data: bytes) -> tuple[str, bytes]:
        """The status line and the body the server answers to ``data``."""

        async def exchange() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(data)
            await writer.drain()
            out = await reader.read(-1)
            writer.close()
            await writer.wait_closed()
            return out

        answer = await asyncio.wait_for(exchange(), 5)
        head, _, body = answer.partition(b"\r\n\r\n")
        return head.split(b"\r\n", 1)[0].decode(), body

    async def get_json(self, target: str, headers: str = "Host: h\r\n") -> Any:
        status, body = await self.send(
            f"GET {target} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode()
        )
        assert status == "HTTP/1.1 200 OK", (status, body)
        return json.loads(body)


@pytest.fixture
async def served() -> AsyncIterator[_Served]:
    """Routes ``/a/b``, ``/b``, ``/x/{name}`` and a catch-all, each echoing the request."""

    async def echo(request: Request) -> StreamResponse:
        resource = request.match_info.route.resource
        return json_response(
            {
                "route": resource.canonical,
                "match": dict(request.match_info),
                "path": request.path,
                "raw_path": request.raw_path,
                "rel_url": str(request.rel_url),
                "url": str(request.url),
                "host": request.host,
                "cookies": dict(request.cookies),
            }
        )

    app = Application()
    for path in ("/a/b", "/b", "/x/{name}", "/{tail:.*}"):
        app.router.add_get(path, echo)
    runner = AppRunner(app)
    await runner.setup()
    try:
        await TCPSite(runner, "127.0.0.1", 0).start()
        yield _Served(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("target", "route", "match", "path", "url"),
    [
        # Routing sees the target as sent: no segment is resolved away.
        ("/a/../b", "/{tail}", {"tail": "a/../b"}, "/a/../b", "http://h/b"),
        ("/a/./b", "/{tail}", {"tail": "a/./b"}, "/a/./b", "http://h/a/b"),
        ("/../b", "/{tail}", {"tail": "../b"}, "/../b", "http://h/b"),
        ("/a/b/..", "/{tail}", {"tail": "a/b/.."}, "/a/b/..", "http://h/a/"),
        # Encoded dots are data: decoded in path, kept in url.
        ("/a/%2e%2e/b", "/{tail}", {"tail": "a/../b"}, "/a/../b", "http://h/a/%2e%2e/b"),
        ("/x/%2e%2e", "/x/{name}", {"name": ".."}, "/x/..", "http://h/x/%2e%2e"),
        ("/a/b?q=/../x", "/a/b", {}, "/a/b", "http://h/a/b?q=/../x"),
    ],
)
async def test_dot_segments_over_the_wire(
    served: _Served, target: str, route: str, match: dict[str, str], path: str, url: str
) -> None:
    seen = await served.get_json(target)
    assert seen["route"] == route
    assert seen["match"] == match
    assert seen["path"] == path
    assert seen["raw_path"] == target
    assert seen["url"] == url


async def test_host_header_rules_over_the_wire(served: _Served) -> None:
    """RFC 9112 section 3.2: an HTTP/1.1 request needs exactly one Host."""
    status, body = await served.send(b"GET /b HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status.split(" ", 1)[1] == "400 Bad Request"
    assert b"Host" in body
    status, _ = await served.send(b"GET http://example.com/b HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status.split(" ", 1)[1] == "400 Bad Request"
    status, _ = await served.send(b"GET /b HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    assert status.split(" ", 1)[1] == "400 Bad Request"
    # HTTP/1.0 may omit it: the host falls back to this machine's name.
    status, body = await served.send(b"GET /b HTTP/1.0\r\n\r\n")
    assert status == "HTTP/1.0 200 OK"
    assert json.loads(body)["host"] == socket.getfqdn()
    seen = await served.get_json("/b", "Host: Example.COM:8080\r\n")
    assert seen["host"] == "Example.COM:8080"
    assert seen["url"] == "http://example.com:8080/b"
    # An absolute-form target's authority wins over Host, without its userinfo.
    seen = await served.get_json("http://u:p@Example.COM:8080/a/../b?q=1", "Host: other\r\n")
    assert seen["route"] == "/{tail}" and seen["path"] == "/a/../b"
    assert seen["host"] == "Example.COM:8080"
    assert seen["url"] == "http://example.com:8080/b?q=1"


async def test_cookies_over_the_wire(served: _Served) -> None:
    """A quoted value keeps its ``;`` and escapes; plain pairs split on ``;``."""
    seen = await served.get_json("/b", 'Host: h\r\nCookie: a="x; y=3"; b=2; c="q\\"r"; d=\r\n')
    assert seen["cookies"] == {"a": "x; y=3", "b": "2", "c": 'q"r', "d": ""}
