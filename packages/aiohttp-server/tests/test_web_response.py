"""StreamResponse, Response and json_response against a recording writer."""

from __future__ import annotations

import datetime
import io
import json
import zlib
from typing import Any

import pytest

from aiohttp_server.web_response import (
    ContentCoding,
    Response,
    StreamResponse,
    json_response,
)
from aiohttp_wire.helpers import ETag
from aiohttp_wire.http_version import HttpVersion10

RequestFactory = Any


async def _send(resp: StreamResponse, make_request: RequestFactory, *args: Any, **kw: Any) -> Any:
    req = make_request(*(args or ("GET", "/")), **kw)
    await resp.prepare(req)
    await resp.write_eof()
    return req._payload_writer


async def test_text_response_head_and_body(make_request: RequestFactory) -> None:
    resp = Response(text="hello")
    w = await _send(resp, make_request)
    assert w.status_line == "HTTP/1.1 200 OK"
    assert w.headers is not None
    assert w.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert w.headers["Content-Length"] == "5"
    assert "Date" in w.headers and "Server" in w.headers
    assert "Transfer-Encoding" not in w.headers
    assert "Connection" not in w.headers
    assert w.body == b"hello"
    assert not w.chunked
    assert resp.prepared and resp.keep_alive is True


async def test_stream_response_is_chunked_on_http11(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    req = make_request("GET", "/")
    writer = req._payload_writer
    await resp.prepare(req)
    await resp.write(b"ab")
    await resp.write(b"cd")
    await resp.write_eof(b"e")
    assert writer.chunked
    assert writer.headers is not None
    assert writer.headers["Transfer-Encoding"] == "chunked"
    assert writer.headers["Content-Type"] == "application/octet-stream"
    assert writer.body == b"abcde"
    assert resp.body_length == 5


async def test_stream_response_http10_closes(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    w = await _send(resp, make_request, version=HttpVersion10)
    assert not w.chunked
    assert resp.keep_alive is False
    assert w.status_line == "HTTP/1.0 200 OK"


async def test_http10_keep_alive_header(make_request: RequestFactory) -> None:
    resp = Response(body=b"x")
    w = await _send(resp, make_request, version=HttpVersion10)
    assert w.headers is not None and w.headers["Connection"] == "keep-alive"


async def test_force_close_sets_connection_close(make_request: RequestFactory) -> None:
    resp = Response(body=b"x")
    resp.force_close()
    w = await _send(resp, make_request)
    assert w.headers is not None and w.headers["Connection"] == "close"
    assert resp.keep_alive is False


async def test_closing_request_closes(make_request: RequestFactory) -> None:
    resp = Response(body=b"x")
    w = await _send(resp, make_request, closing=True)
    assert w.headers is not None and w.headers["Connection"] == "close"


async def test_chunked_forbidden_for_http10(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    resp.enable_chunked_encoding()
    with pytest.raises(RuntimeError):
        await resp.prepare(make_request("GET", "/", version=HttpVersion10))


def test_chunked_with_content_length_rejected() -> None:
    resp = StreamResponse()
    resp.content_length = 10
    with pytest.raises(RuntimeError):
        resp.enable_chunked_encoding()
    resp2 = StreamResponse()
    resp2.enable_chunked_encoding()
    with pytest.raises(RuntimeError):
        resp2.content_length = 3


async def test_custom_reason_status_line(make_request: RequestFactory) -> None:
    resp = Response(status=299, reason="Fine")
    w = await _send(resp, make_request)
    assert w.status_line == "HTTP/1.1 299 Fine"


async def test_unknown_status_has_empty_reason(make_request: RequestFactory) -> None:
    resp = Response(status=599)
    assert resp.reason == ""
    w = await _send(resp, make_request)
    assert w.status_line == "HTTP/1.1 599 "


def test_reason_injection_rejected() -> None:
    with pytest.raises(ValueError):
        Response(reason="OK\r\nX: y")


async def test_set_status_after_prepare_fails(make_request: RequestFactory) -> None:
    resp = Response()
    await resp.prepare(make_request("GET", "/"))
    with pytest.raises(AssertionError):
        resp.set_status(404)


async def test_write_order_errors(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    with pytest.raises(RuntimeError):
        await resp.write(b"x")
    with pytest.raises(RuntimeError):
        await resp.write_eof()
    await resp.prepare(make_request("GET", "/"))
    with pytest.raises(TypeError):
        await resp.write("text")  # type: ignore[arg-type]
    await resp.write_eof()
    with pytest.raises(RuntimeError):
        await resp.write(b"x")
    # A second write_eof and prepare are harmless.
    await resp.write_eof()
    assert await resp.prepare(make_request("GET", "/")) is None


async def test_prepare_twice_returns_same_writer(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    req = make_request("GET", "/")
    w1 = await resp.prepare(req)
    w2 = await resp.prepare(req)
    assert w1 is w2 is req._payload_writer


async def test_head_request_sends_no_body(make_request: RequestFactory) -> None:
    resp = Response(text="hello")
    w = await _send(resp, make_request, "HEAD", "/")
    assert w.headers is not None and w.headers["Content-Length"] == "5"
    assert w.body == b""


@pytest.mark.parametrize("status", [204, 304, 101])
async def test_no_body_statuses(make_request: RequestFactory, status: int) -> None:
    resp = Response(status=status, body=b"ignored")
    w = await _send(resp, make_request)
    assert w.body == b""
    assert w.headers is not None
    assert "Transfer-Encoding" not in w.headers
    if status != 304:
        assert "Content-Length" not in w.headers


async def test_empty_response_content_length_zero(make_request: RequestFactory) -> None:
    w = await _send(Response(), make_request)
    assert w.headers is not None and w.headers["Content-Length"] == "0"
    # No content, no default Content-Type.
    assert "Content-Type" not in w.headers
    w = await _send(Response(body=b"", content_type="text/plain"), make_request)
    assert w.headers is not None and w.headers["Content-Type"] == "text/plain"


def test_body_and_text_exclusive() -> None:
    with pytest.raises(ValueError):
        Response(body=b"x", text="y")


def test_text_must_be_str() -> None:
    with pytest.raises(TypeError):
        Response(text=b"x")  # type: ignore[arg-type]


def test_charset_in_content_type_rejected() -> None:
    with pytest.raises(ValueError):
        Response(text="x", content_type="text/plain; charset=utf-8")


def test_content_type_header_and_param_conflict() -> None:
    with pytest.raises(ValueError):
        Response(text="x", headers={"Content-Type": "text/html"}, content_type="text/plain")
    with pytest.raises(ValueError):
        Response(body=b"x", headers={"Content-Type": "text/html"}, charset="utf-8")


def test_unsupported_body_type() -> None:
    with pytest.raises(ValueError):
        Response(body=object())


def test_text_and_charset_properties() -> None:
    resp = Response(text="é", charset="latin-1", content_type="text/html")
    assert resp.body == "é".encode("latin-1")
    assert resp.content_type == "text/html"
    assert resp.charset == "latin-1"
    assert resp.text == "é"
    resp.text = "ok"
    assert resp.body == b"ok"
    resp.charset = "utf-8"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"


def test_charset_on_octet_stream_rejected() -> None:
    resp = StreamResponse()
    with pytest.raises(RuntimeError):
        resp.charset = "utf-8"


def test_body_content_type_and_charset() -> None:
    resp = Response(body=b"{}", content_type="application/json", charset="utf-8")
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert resp.content_length == 2


def test_response_content_length_is_automatic() -> None:
    resp = Response(body=b"abc")
    assert resp.content_length == 3
    with pytest.raises(RuntimeError):
        resp.content_length = 1


def test_cookies() -> None:
    resp = StreamResponse()
    resp.set_cookie("a", "1", max_age=10, httponly=True, samesite="Lax", secure=True)
    morsel = resp.cookies["a"]
    assert morsel.value == "1"
    assert morsel["max-age"] == "10"
    assert morsel["path"] == "/"
    assert morsel["samesite"] == "Lax"
    resp.del_cookie("a")
    assert resp.cookies["a"].value == ""
    assert resp.cookies["a"]["max-age"] == "0"
    assert resp.cookies["a"]["expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"


async def test_cookies_sent_as_set_cookie(make_request: RequestFactory) -> None:
    resp = Response()
    resp.set_cookie("a", "1")
    resp.set_cookie("b", "2", domain="example.com", partitioned=True)
    w = await _send(resp, make_request)
    assert w.headers is not None
    values = w.headers.getall("Set-Cookie")
    assert values[0] == "a=1; Path=/"
    assert values[1].startswith("b=2; Domain=example.com")
    assert "Partitioned" in values[1]


def test_last_modified() -> None:
    resp = StreamResponse()
    assert resp.last_modified is None
    resp.last_modified = 0
    assert resp.headers["Last-Modified"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    when = datetime.datetime(2020, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
    resp.last_modified = when
    assert resp.headers["Last-Modified"] == "Mon, 03 Feb 2020 04:05:06 GMT"
    assert resp.last_modified == when
    resp.last_modified = "Mon, 03 Feb 2020 04:05:06 GMT"
    assert resp.last_modified == when
    resp.last_modified = None
    assert "Last-Modified" not in resp.headers
    with pytest.raises(TypeError):
        resp.last_modified = object()  # type: ignore[assignment]


def test_etag() -> None:
    resp = StreamResponse()
    assert resp.etag is None
    resp.etag = "abc"
    assert resp.headers["ETag"] == '"abc"'
    assert resp.etag == ETag(value="abc")
    resp.etag = ETag(value="w1", is_weak=True)
    assert resp.headers["ETag"] == 'W/"w1"'
    assert resp.etag == ETag(value="w1", is_weak=True)
    resp.etag = "*"
    assert resp.headers["ETag"] == "*"
    with pytest.raises(ValueError):
        resp.etag = 'bad"value'
    with pytest.raises(ValueError):
        resp.etag = 123  # type: ignore[assignment]
    resp.etag = None
    assert "ETag" not in resp.headers


async def test_compression_gzip_from_accept(make_request: RequestFactory) -> None:
    body = b"x" * 1000
    resp = Response(body=body)
    resp.enable_compression()
    w = await _send(resp, make_request, "GET", "/", {"Accept-Encoding": "gzip"})
    assert w.headers is not None
    assert w.headers["Content-Encoding"] == "gzip"
    raw = b"".join(w.chunks)
    assert int(w.headers["Content-Length"]) == len(raw) < len(body)
    assert zlib.decompress(raw, 16 + zlib.MAX_WBITS) == body


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip;q=0, deflate", "deflate"),
        ("deflate;q=0, gzip;q=0.5", "gzip"),
        ("GZIP", "gzip"),
        ("gzip;q=0", None),
        ("gzip;q=zz", None),
        ("br, zstd", None),
        ("", None),
    ],
)
async def test_compression_negotiation(
    make_request: RequestFactory, accept: str, expected: str | None
) -> None:
    for resp in (Response(body=b"n" * 200), StreamResponse()):
        resp.enable_compression()
        req = make_request("GET", "/", {"Accept-Encoding": accept})
        await resp.prepare(req)
        headers = req._payload_writer.headers
        assert headers is not None
        assert headers.get("Content-Encoding") == expected
        # A negotiated coding makes the response vary on Accept-Encoding.
        assert headers.get("Vary") == (None if expected is None else "Accept-Encoding")


async def test_compression_forced_deflate_in_executor(make_request: RequestFactory) -> None:
    body = b"y" * 5000
    resp = Response(body=body, zlib_executor_size=10)
    resp.enable_compression(ContentCoding.deflate)
    w = await _send(resp, make_request)
    assert w.headers is not None and w.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(b"".join(w.chunks)) == body


async def test_compression_not_accepted(make_request: RequestFactory) -> None:
    resp = Response(body=b"z" * 100)
    resp.enable_compression()
    w = await _send(resp, make_request)
    assert w.headers is not None and "Content-Encoding" not in w.headers
    assert w.body == b"z" * 100


async def test_stream_compression_uses_writer(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    resp.enable_compression()
    req = make_request("GET", "/", {"Accept-Encoding": "deflate"})
    writer = req._payload_writer
    await resp.prepare(req)
    assert writer.compression == "deflate"
    assert writer.headers is not None and writer.headers["Content-Encoding"] == "deflate"


def test_enable_compression_type_check() -> None:
    with pytest.raises(TypeError):
        StreamResponse().enable_compression("gzip")  # type: ignore[arg-type]


async def test_on_response_prepare_can_edit_headers(make_request: RequestFactory) -> None:
    from aiohttp_server.web_app import Application
    from aiohttp_server.web_request import Request

    app = Application()

    async def on_prepare(request: Request, response: StreamResponse) -> None:
        assert request.app is app
        response.headers["X-Signal"] = "yes"

    app.on_response_prepare.append(on_prepare)
    app.freeze()
    w = await _send(Response(text="x"), make_request, app=app)
    assert w.headers is not None and w.headers["X-Signal"] == "yes"


def test_json_response() -> None:
    resp = json_response({"a": [1, 2]})
    assert resp.content_type == "application/json"
    assert resp.charset == "utf-8"
    assert resp.text is not None and json.loads(resp.text) == {"a": [1, 2]}
    custom = json_response([1], dumps=lambda d: "[1]", status=201)
    assert custom.status == 201 and custom.body == b"[1]"
    assert json_response(text="{}").text == "{}"
    with pytest.raises(ValueError):
        json_response({"a": 1}, text="{}")


def test_state_mapping_and_identity() -> None:
    resp = StreamResponse()
    assert len(resp) == 0 and bool(resp)
    resp["k"] = 1
    assert resp["k"] == 1 and list(resp) == ["k"]
    del resp["k"]
    with pytest.raises(KeyError):
        resp["k"]
    assert resp != StreamResponse()
    assert "not prepared" in repr(resp)


async def test_payload_bodies(make_request: RequestFactory) -> None:
    resp = Response(body="text body")
    assert resp.content_type == "text/plain" and resp.charset == "utf-8"
    assert resp.content_length == 9 and resp.text == "text body"
    w = await _send(resp, make_request)
    assert w.headers["Content-Length"] == "9" and w.body == b"text body"
    assert not w.chunked

    resp = Response(body=io.BytesIO(b"from a file object"), content_type="application/x-demo")
    w = await _send(resp, make_request)
    assert w.headers["Content-Type"] == "application/x-demo"
    assert w.headers["Content-Length"] == "18" and w.body == b"from a file object"


async def test_payload_of_unknown_size_is_chunked(make_request: RequestFactory) -> None:
    async def gen() -> Any:
        yield b"one,"
        yield b"two"

    resp = Response(body=gen())
    assert resp.content_length is None
    w = await _send(resp, make_request)
    assert w.chunked and "Content-Length" not in w.headers
    assert w.headers["Transfer-Encoding"] == "chunked" and w.body == b"one,two"
    # HTTP/1.0 cannot chunk: the body runs to the end of the connection.
    resp = Response(body=gen())
    w = await _send(resp, make_request, "GET", "/", version=HttpVersion10)
    assert not w.chunked and "Content-Length" not in w.headers and w.body == b"one,two"
    assert resp.keep_alive is False


async def test_payload_compression_streams_through_the_writer(
    make_request: RequestFactory,
) -> None:
    resp = Response(body=io.BytesIO(b"p" * 500))
    resp.enable_compression()
    w = await _send(resp, make_request, "GET", "/", {"Accept-Encoding": "gzip"})
    assert w.compression == "gzip" and w.chunked
    assert w.headers["Content-Encoding"] == "gzip" and "Content-Length" not in w.headers


async def test_forced_compression_on_a_stream(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    resp.enable_compression(ContentCoding.gzip)
    req = make_request("GET", "/")
    await resp.prepare(req)
    w = req._payload_writer
    assert w.compression == "gzip" and w.headers["Content-Encoding"] == "gzip"
    # Forced: no negotiation happened, so no Vary.
    assert "Vary" not in w.headers
    identity = StreamResponse()
    identity.enable_compression(ContentCoding.identity)
    req = make_request("GET", "/", {"Accept-Encoding": "gzip"})
    await identity.prepare(req)
    assert req._payload_writer.compression is None


def test_charset_without_content_type_defaults_to_text_plain() -> None:
    resp = Response(text="é", charset="latin-1")
    assert resp.headers["Content-Type"] == "text/plain; charset=latin-1"
    assert resp.body == b"\xe9"
    resp = Response(text="x", headers={"Content-Type": "text/csv"})
    assert resp.content_type == "text/csv" and resp.body == b"x"


async def test_body_never_exceeds_content_length(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    resp.content_length = 3
    req = make_request("GET", "/")
    await resp.prepare(req)
    await resp.write(b"abcdef")
    await resp.write_eof(b"gh")
    assert req._payload_writer.body == b"abc"
    assert resp.keep_alive is True


async def test_short_body_closes_the_connection(make_request: RequestFactory) -> None:
    resp = StreamResponse()
    resp.content_length = 10
    req = make_request("GET", "/")
    await resp.prepare(req)
    await resp.write(b"abc")
    await resp.write_eof()
    # The client would otherwise read the next response as the missing bytes.
    assert resp.keep_alive is False
