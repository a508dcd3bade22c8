"""Tests for the HTTP/1.x framing core and its asyncio adapters."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import zlib
from typing import Any

import h11
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from aiohttp_wire import http_exceptions as he
from aiohttp_wire import http_parser
from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.compression_utils import HAS_BROTLI, HAS_ZSTD
from aiohttp_wire.http_parser import (
    BodyData,
    EndOfMessage,
    Event,
    HeadersParser,
    HttpRequestParser,
    HttpResponseParser,
    RawRequestMessage,
    RawResponseMessage,
    RequestParser,
    ResponseParser,
)
from aiohttp_wire.http_version import HttpVersion10, HttpVersion11
from aiohttp_wire.streams import EMPTY_PAYLOAD, StreamReader

# -- helpers ---------------------------------------------------------------------------


def body_of(events: list[Event]) -> bytes:
    return b"".join(e.data for e in events if isinstance(e, BodyData))


def heads(events: list[Event]) -> list[Any]:
    return [e for e in events if isinstance(e, (RawRequestMessage, RawResponseMessage))]


def normalise(events: list[Event]) -> list[Any]:
    """Merge adjacent BodyData so that any split of the input compares equal."""
    out: list[Any] = []
    for e in events:
        if isinstance(e, BodyData) and out and isinstance(out[-1], BodyData):
            out[-1] = BodyData(out[-1].data + e.data)
        elif isinstance(e, BodyData) and not e.data:
            continue
        else:
            out.append(e)
    return out


def req(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode() + body


# -- requests: heads -------------------------------------------------------------------


def test_simple_get() -> None:
    p = RequestParser()
    events = p.receive_data(b"GET /path?a=1&b=2 HTTP/1.1\r\nHost: example.com\r\nX-A: 1\r\n\r\n")
    assert len(events) == 2
    msg, end = events
    assert isinstance(msg, RawRequestMessage)
    assert msg.method == "GET"
    assert msg.path == "/path?a=1&b=2"
    assert msg.version == HttpVersion11
    assert msg.headers["host"] == "example.com"
    assert msg.headers["X-A"] == "1"
    assert msg.raw_headers == ((b"Host", b"example.com"), (b"X-A", b"1"))
    assert msg.should_close is False
    assert msg.compression is None
    assert msg.upgrade is False
    assert msg.chunked is False
    assert msg.url == URL("/path?a=1&b=2")
    assert msg.url.query["b"] == "2"
    assert isinstance(end, EndOfMessage)
    assert len(end.trailers) == 0


def test_header_whitespace_is_trimmed() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost:   a  \nX:\t b\t \nEmpty:\n\n"))
    assert msg.headers["Host"] == "a"
    assert msg.headers["X"] == "b"
    assert msg.headers["Empty"] == ""
    assert msg.raw_headers[1] == (b"X", b"b")


def test_repeated_headers_kept_in_order() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nCookie: x=1\nCookie: y=2\n\n"))
    assert msg.headers.getall("cookie") == ["x=1", "y=2"]


def test_non_ascii_header_value_utf8() -> None:
    p = RequestParser()
    data = "GET / HTTP/1.1\r\nHost: a\r\nX-Name: café\r\n\r\n".encode()
    (msg, _) = p.receive_data(data)
    assert msg.headers["X-Name"] == "café"
    assert msg.raw_headers[1] == (b"X-Name", "café".encode())


def test_values_holding_colon_space_keep_their_line() -> None:
    # A value with ": " inside must not shift names and values of later lines.
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: b: c\nY:z\nZ: 1\n\n"))
    assert list(msg.headers.items()) == [("Host", "a"), ("X", "b: c"), ("Y", "z"), ("Z", "1")]
    assert msg.raw_headers == ((b"Host", b"a"), (b"X", b"b: c"), (b"Y", b"z"), (b"Z", b"1"))


def test_line_without_colon_after_colon_space_value_is_refused() -> None:
    p = RequestParser()
    with pytest.raises(he.InvalidHeader):
        p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: b: c\nfoo\n\n"))


def test_colon_space_values_do_not_count_as_headers() -> None:
    p = RequestParser(max_headers=3)
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: 1: 2: 3: 4\nY: 5: 6\n\n"))
    assert msg.headers["X"] == "1: 2: 3: 4"
    assert msg.headers["Y"] == "5: 6"


def test_repeated_request_line_gives_equal_messages() -> None:
    # Request lines are memoised; a repeat must not leak anything from the first.
    p = RequestParser()
    first = p.receive_data(req("GET /r?q=1 HTTP/1.1\nHost: a\nX: 1\n\n"))[0]
    second = p.receive_data(req("GET /r?q=1 HTTP/1.1\nHost: b\nY: 2\n\n"))[0]
    assert isinstance(first, RawRequestMessage) and isinstance(second, RawRequestMessage)
    assert (second.method, second.path, second.url) == ("GET", "/r?q=1", URL("/r?q=1"))
    assert second.headers["Host"] == "b" and "X" not in second.headers
    assert first.headers["Host"] == "a"


def test_repeated_request_line_still_checks_host() -> None:
    p = RequestParser()
    p.receive_data(req("GET /h HTTP/1.1\nHost: a\n\n"))
    with pytest.raises(he.BadHttpMessage, match="without a Host"):
        p.receive_data(req("GET /h HTTP/1.1\nX: 1\n\n"))


@pytest.fixture
def python_header_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Header blocks split by the Python code (its line memo), not the C accelerator."""
    monkeypatch.setattr(http_parser, "C_PARSE_HEADER_BLOCK", None)


def test_repeated_field_lines_give_equal_heads() -> None:
    # Field lines are memoised; a repeat gives the same names (as received) and values.
    data = req("GET / HTTP/1.1\nhOsT: a\nX-Same:  v  \nCookie: k=1\n\n")
    first = RequestParser().receive_data(data)[0]
    second = RequestParser().receive_data(data)[0]
    assert isinstance(first, RawRequestMessage) and isinstance(second, RawRequestMessage)
    for msg in (first, second):
        assert list(msg.headers.items()) == [("hOsT", "a"), ("X-Same", "v"), ("Cookie", "k=1")]
        assert msg.headers["host"] == "a" and msg.headers["x-same"] == "v"
        assert msg.raw_headers == ((b"hOsT", b"a"), (b"X-Same", b"v"), (b"Cookie", b"k=1"))


def test_known_field_lines_do_not_excuse_a_bad_line() -> None:
    good = "GET / HTTP/1.1\nHost: a\nX: 1\n"
    RequestParser().receive_data(req(good + "\n"))
    for bad, exc in (
        ("Bad Name: 1\n", he.InvalidHeader),
        ("X:\x01\n", he.InvalidHeader),
        (" folded\n", he.BadHttpMessage),
    ):
        with pytest.raises(exc):
            RequestParser().receive_data(req(good + bad + "\n"))


def test_lenient_only_line_seen_in_a_response_is_still_refused_in_a_request() -> None:
    # Only strictly valid lines are memoised: a response may carry a control
    # character in a value, a request may not.
    (msg, *_) = ResponseParser().receive_data(b"HTTP/1.1 204 No\r\nX: a\x01b\r\n\r\n")
    assert isinstance(msg, RawResponseMessage)
    assert msg.headers["X"] == "a\x01b"
    with pytest.raises(he.InvalidHeader):
        RequestParser().receive_data(b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n")


@pytest.mark.usefixtures("python_header_blocks")
def test_field_line_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_parser, "_FIELD_CACHE_SIZE", 3)
    monkeypatch.setattr(http_parser, "_FIELD_LINES", {})
    long_value = "v" * 2000  # longer than memoised lines, parsed all the same
    data = req("GET / HTTP/1.1\nHost: a\n" + "".join(f"X-{i}: {i}\n" for i in range(8)))
    data += f"Long: {long_value}\r\n\r\n".encode()
    for _ in range(3):
        (msg, _) = RequestParser().receive_data(data)
        assert isinstance(msg, RawRequestMessage)
        assert [msg.headers[f"x-{i}"] for i in range(8)] == [str(i) for i in range(8)]
        assert msg.headers["Long"] == long_value
        assert len(msg.raw_headers) == 10
        assert len(http_parser._FIELD_LINES) <= 3


@pytest.mark.usefixtures("python_header_blocks")
def test_heads_of_many_new_lines_are_memoised_unless_they_keep_coming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memo: dict[bytes, Any] = {}
    monkeypatch.setattr(http_parser, "_FIELD_LINES", memo)

    def head(tag: str) -> bytes:
        return req("GET / HTTP/1.1\nHost: a\n" + "".join(f"X-{i}: {tag}{i}\n" for i in range(6)))

    p = RequestParser()
    # A head of many new lines is memoised unless the one before had many new
    # lines too; then the next seven heads are parsed whole, without lookups.
    runs = [("a", True), ("b", False), ("a", True)]
    runs += [(tag, False) for tag in "cdefgh"]
    runs += [("i", True), ("a", True), ("j", True), ("k", False)]
    for tag, memoised in runs:
        (msg, _) = p.receive_data(head(tag) + b"\r\n")
        assert isinstance(msg, RawRequestMessage)
        assert [msg.headers[f"X-{i}"] for i in range(6)] == [f"{tag}{i}" for i in range(6)]
        assert msg.raw_headers[1:] == tuple(
            (f"X-{i}".encode(), f"{tag}{i}".encode()) for i in range(6)
        )
        assert (f"X-0: {tag}0".encode() in memo) is memoised


@pytest.mark.parametrize(
    ("lines", "result"),
    [
        ("".join(f"Y-{i}: {i}\n" for i in range(9)), he.BadHttpMessage),
        ("".join(f"Y-{i}:  {i} \n" for i in range(9)), he.BadHttpMessage),
        ("".join(f"Y-{i}: {i}\n" for i in range(5)) + "Bad Line: 1\n", he.InvalidHeader),
        ("".join(f"Y-{i}:  {i}: x \n" for i in range(5)), "4: x"),
    ],
)
@pytest.mark.usefixtures("python_header_blocks")
def test_heads_parsed_whole_without_lookups_keep_every_check(
    lines: str, result: type[Exception] | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_parser, "_FIELD_LINES", {})
    p = RequestParser(max_headers=8)
    for tag in "mn":  # two heads of new lines in a row: lookups are skipped
        fields = "".join(f"{tag}{i}: {i}\n" for i in range(4))
        p.receive_data(req(f"GET / HTTP/1.1\nHost: a\n{fields}\n"))
    assert p._memo_state > 0
    data = req("GET / HTTP/1.1\nHost: a\n" + lines + "\n")
    if isinstance(result, str):
        (msg, _) = p.receive_data(data)
        assert isinstance(msg, RawRequestMessage)
        assert msg.headers["y-4"] == result
    else:
        with pytest.raises(result):
            p.receive_data(data)


@pytest.mark.usefixtures("python_header_blocks")
def test_a_few_new_lines_are_memoised_when_they_come_again(monkeypatch: pytest.MonkeyPatch) -> None:
    memo: dict[bytes, Any] = {}
    monkeypatch.setattr(http_parser, "_FIELD_LINES", memo)
    monkeypatch.setattr(http_parser, "_SEEN_LINES", set())
    known = "".join(f"K-{i}: {i}\n" for i in range(6))
    p = RequestParser()
    p.receive_data(req(f"GET / HTTP/1.1\nHost: a\n{known}\n"))
    assert b"K-0: 0" in memo
    for request_id, memoised in (("1", False), ("2", False), ("1", True)):
        (msg, _) = p.receive_data(req(f"GET / HTTP/1.1\nHost: a\n{known}Id: {request_id}\n\n"))
        assert isinstance(msg, RawRequestMessage)
        assert msg.headers["id"] == request_id
        assert msg.raw_headers[-1] == (b"Id", request_id.encode())
        assert (f"Id: {request_id}".encode() in memo) is memoised


def test_heads_of_many_new_lines_to_trim_or_with_colon_space() -> None:
    p = RequestParser()
    lines = "".join(f"X-{i}:  v{i}: w \t\n" for i in range(6))
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\n" + lines + "\n"))
    assert isinstance(msg, RawRequestMessage)
    assert [msg.headers[f"x-{i}"] for i in range(6)] == [f"v{i}: w" for i in range(6)]
    assert msg.raw_headers[6] == (b"X-5", b"v5: w")
    with pytest.raises(he.InvalidHeader):
        p.receive_data(req("GET / HTTP/1.1\nHost: a\n" + lines + "Bad Line: 1\n\n"))


def test_http10_closes_by_default() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"GET / HTTP/1.0\r\n\r\n")
    assert msg.version == HttpVersion10
    assert msg.should_close is True


def test_http10_keep_alive() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
    assert msg.should_close is False


def test_connection_close() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nConnection: foo, close\n\n"))
    assert msg.should_close is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gzip", "gzip"),
        ("GZIP", "gzip"),
        ("deflate", "deflate"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("identity", None),
        ("compress", None),
    ],
)
def test_compression(value: str, expected: str | None) -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req(f"GET / HTTP/1.1\nHost: a\nContent-Encoding: {value}\n\n"))
    assert msg.compression == expected


def test_leading_empty_lines_ignored() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.method == "GET"


def test_extension_method() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"PURGE /x HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.method == "PURGE"


def test_absolute_form() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"GET http://example.com:8080/a?b=c HTTP/1.1\r\nHost: x\r\n\r\n")
    assert msg.url == URL("http://example.com:8080/a?b=c")
    assert msg.url.host == "example.com"
    assert msg.path == "http://example.com:8080/a?b=c"


def test_asterisk_form() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.path == "*"
    assert str(msg.url) == "*"


def test_percent_encoded_target_kept_encoded() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"GET /a%20b/%C3%A9?q=%2F HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.url.raw_path == "/a%20b/%C3%A9"
    assert msg.url.path == "/a b/é"
    assert msg.url.query["q"] == "/"


def test_double_slash_target_is_a_path_not_an_authority() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET //evil.example/x?q=1 HTTP/1.1\nHost: a\n\n"))
    assert msg.url.host is None
    assert msg.url.raw_path == "//evil.example/x"
    assert msg.url.raw_query_string == "q=1"


def test_fragment() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(b"GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.url.path == "/a"
    assert msg.url.fragment == "frag"


def test_connect_authority_form() -> None:
    p = RequestParser()
    events = p.receive_data(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nTLS")
    assert len(events) == 1
    (msg,) = events
    assert msg.method == "CONNECT"
    assert msg.upgrade is True
    assert msg.url.host == "example.com"
    assert msg.url.port == 443
    assert p.upgraded
    assert p.take_tail() == b"TLS"
    assert p.receive_data(b"more") == []
    assert p.take_tail() == b"more"


def test_upgrade_request_stops_parsing() -> None:
    p = RequestParser()
    data = req(
        "GET /ws HTTP/1.1\nHost: a\nConnection: keep-alive, Upgrade\nUpgrade: websocket\n\n",
        b"\x81\x00GET / HTTP/1.1\r\n",
    )
    events = p.receive_data(data)
    assert len(events) == 1
    assert events[0].upgrade is True
    assert p.take_tail() == b"\x81\x00GET / HTTP/1.1\r\n"


def test_upgrade_header_without_connection_upgrade() -> None:
    p = RequestParser()
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nUpgrade: websocket\n\n"))
    assert msg.upgrade is False


def test_pipelined_requests() -> None:
    p = RequestParser()
    data = req("GET /1 HTTP/1.1\nHost: a\n\nPOST /2 HTTP/1.1\nHost: a\nContent-Length: 2\n\n")
    data += b"hiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"
    events = p.receive_data(data)
    assert [m.path for m in heads(events)] == ["/1", "/2", "/3"]
    assert body_of(events) == b"hi"
    assert sum(isinstance(e, EndOfMessage) for e in events) == 3


def test_head_split_across_feeds() -> None:
    p = RequestParser()
    assert p.receive_data(b"GET / HT") == []
    assert p.receive_data(b"TP/1.1\r\nHost: a\r") == []
    events = p.receive_data(b"\n\r\n")
    assert heads(events)[0].headers["Host"] == "a"


# -- requests: bodies -------------------------------------------------------------------


def test_content_length_body_streamed() -> None:
    p = RequestParser()
    events = p.receive_data(req("POST / HTTP/1.1\nHost: a\nContent-Length: 10\n\n", b"01234"))
    assert body_of(events) == b"01234"
    assert not any(isinstance(e, EndOfMessage) for e in events)
    events = p.receive_data(b"56789GET")
    assert body_of(events) == b"56789"
    assert isinstance(events[-1], EndOfMessage)


def test_content_length_zero() -> None:
    p = RequestParser()
    events = p.receive_data(req("POST / HTTP/1.1\nHost: a\nContent-Length: 0\n\n"))
    assert [type(e) for e in events] == [RawRequestMessage, EndOfMessage]


def test_identical_content_lengths_accepted() -> None:
    p = RequestParser()
    data = req("POST / HTTP/1.1\nHost: a\nContent-Length: 2, 2\nContent-Length: 2\n\n", b"ok")
    assert body_of(p.receive_data(data)) == b"ok"


def test_chunked_body_and_trailers() -> None:
    p = RequestParser()
    data = req("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n")
    data += b"5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Check: abc\r\nX-More: d\r\n\r\n"
    events = p.receive_data(data)
    assert heads(events)[0].chunked is True
    assert body_of(events) == b"hello world"
    end = events[-1]
    assert isinstance(end, EndOfMessage)
    assert end.trailers["x-check"] == "abc"
    assert end.trailers["X-More"] == "d"


def test_chunked_upper_hex_and_leading_zeros() -> None:
    p = RequestParser()
    data = req("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: Chunked\n\n")
    data += b"000A\r\n0123456789\r\n0000\r\n\r\n"
    assert body_of(p.receive_data(data)) == b"0123456789"


def test_chunked_then_pipelined() -> None:
    p = RequestParser()
    data = req("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n")
    data += b"1\r\na\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n"
    events = p.receive_data(data)
    assert [m.path for m in heads(events)] == ["/", "/next"]


def test_eof_mid_body_raises_content_length_error() -> None:
    p = RequestParser()
    p.receive_data(req("POST / HTTP/1.1\nHost: a\nContent-Length: 5\n\n", b"ab"))
    with pytest.raises(he.ContentLengthError):
        p.receive_eof()


def test_eof_mid_chunked_raises_transfer_encoding_error() -> None:
    p = RequestParser()
    p.receive_data(req("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n", b"5\r\nab"))
    with pytest.raises(he.TransferEncodingError):
        p.receive_eof()


def test_eof_between_messages_is_quiet() -> None:
    p = RequestParser()
    p.receive_data(req("GET / HTTP/1.1\nHost: a\n\n"))
    assert p.receive_eof() == []


def test_parser_dead_after_error() -> None:
    p = RequestParser()
    with pytest.raises(he.BadHttpMessage):
        p.receive_data(b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")
    with pytest.raises(he.BadHttpMessage):
        p.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")


# -- limits ----------------------------------------------------------------------------


def test_request_line_too_long() -> None:
    p = RequestParser(max_line_size=100)
    with pytest.raises(he.LineTooLong) as info:
        p.receive_data(b"GET /" + b"a" * 200 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    assert "100" in info.value.message


def test_request_line_too_long_detected_before_line_end() -> None:
    p = RequestParser(max_line_size=100)
    p.receive_data(b"GET /" + b"a" * 50)
    with pytest.raises(he.LineTooLong):
        p.receive_data(b"a" * 60)


@pytest.mark.parametrize(
    "size_line",
    [b"1;" + b"e" * 200, b"0" * 199 + b"1", b"1;a=" + b'"' + b"q" * 200 + b'"'],
    ids=["extension", "leading-zeros", "quoted-extension"],
)
def test_whole_chunk_size_line_too_long(size_line: bytes) -> None:
    # The whole line arrives in one read: the limit holds as for a partial one.
    p = RequestParser(max_line_size=100)
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    with pytest.raises(he.LineTooLong):
        p.receive_data(head + size_line + b"\r\nx\r\n0\r\n\r\n")


def test_long_size_line_is_not_shared_with_a_stricter_parser() -> None:
    body = b"0" * 60 + b"1\r\nx\r\n0\r\n\r\n"
    head = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    RequestParser(max_line_size=8190).receive_data(head + body)
    with pytest.raises(he.LineTooLong):
        RequestParser(max_line_size=50).receive_data(head + body)


def test_header_field_too_long() -> None:
    p = RequestParser(max_field_size=50)
    with pytest.raises(he.LineTooLong):
        p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: " + "v" * 60 + "\n\n"))


def test_header_field_too_long_detected_before_line_end() -> None:
    p = RequestParser(max_field_size=50)
    p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: "))
    with pytest.raises(he.LineTooLong):
        p.receive_data(b"v" * 60)


def test_field_at_limit_accepted() -> None:
    p = RequestParser(max_field_size=50)
    (msg, _) = p.receive_data(req("GET / HTTP/1.1\nHost: a\nX: " + "v" * 47 + "\n\n"))
    assert len(msg.headers["X"]) == 47


def test_too_many_headers() -> None:
    p = RequestParser(max_headers=5)
    head = "GET / HTTP/1.1\nHost: a\n" + "".join(f"X-{i}: {i}\n" for i in range(5)) + "\n"
    with pytest.raises(he.BadHttpMessage, match="Too many headers"):
        p.receive_data(req(head))


def test_too_many_headers_detected_before_head_end() -> None:
    p = RequestParser(max_headers=5)
    with pytest.raises(he.BadHttpMessage, match="Too many headers"):
        p.receive_data(req("GET / HTTP/1.1\nHost: a\n" + "X: 1\n" * 10))


def test_headers_at_limit_accepted() -> None:
    p = RequestParser(max_headers=5)
    head = "GET / HTTP/1.1\nHost: a\n" + "".join(f"X-{i}: {i}\n" for i in range(4)) + "\n"
    (msg, _) = p.receive_data(req(head))
    assert len(msg.headers) == 5


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GET /" + b"a" * 100 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        (b"GET /" + b"a" * 100, 414),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"v" * 100 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"v" * 100, 431),
        (b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X: 1\r\n" * 6 + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X: 1\r\n" * 6, 431),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: 1: 2: 3: 4: 5: 6: 7\r\n" * 1 + b"Y\r\n\r\n", 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + b"0" * 90, 400),
        (
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + b"T: 1\r\n" * 6
            + b"\r\n",
            431,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: "
            + b"v" * 100,
            431,
        ),
        (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    ],
)
def test_limit_errors_carry_the_status_a_server_answers(data: bytes, status: int) -> None:
    p = RequestParser(max_line_size=80, max_field_size=80, max_headers=5)
    with pytest.raises(he.HttpProcessingError) as info:
        p.receive_data(data)
    assert info.value.server_status == status
    assert info.value.code == 400


def test_response_status_line_too_long_is_plain_400() -> None:
    p = ResponseParser(max_line_size=20)
    with pytest.raises(he.LineTooLong) as info:
        p.receive_data(b"HTTP/1.1 200 " + b"x" * 40 + b"\r\n\r\n")
    assert info.value.server_status == 400


def test_default_limits() -> None:
    p = RequestParser()
    assert (p.max_line_size, p.max_field_size, p.max_headers) == (8190, 8190, 128)


def test_adapter_default_limits_are_aiohttps() -> None:
    # aiohttp's HttpParser defaults; its server and client pass their own (128).
    for cls in (HttpRequestParser, HttpResponseParser):
        p = cls()
        assert (p.max_line_size, p.max_field_size, p.max_headers) == (8190, 8190, 32768)


# -- HeadersParser ---------------------------------------------------------------------


def test_headers_parser_defaults() -> None:
    hp = HeadersParser()
    assert (hp.max_line_size, hp.max_headers, hp.max_field_size, hp.lax) == (
        8190,
        32768,
        8190,
        False,
    )


def test_headers_parser_skips_start_line_and_stops_at_empty_line() -> None:
    lines = [b"GET / HTTP/1.1", b"Host: a", b"X:  b ", b"X: c", b"", b"Y: ignored"]
    headers, raw = HeadersParser().parse_headers(lines)
    assert list(headers.items()) == [("Host", "a"), ("X", "b"), ("X", "c")]
    assert raw == ((b"Host", b"a"), (b"X", b"b"), (b"X", b"c"))
    assert HeadersParser().parse_headers([b"GET / HTTP/1.1"]) == (
        HeadersParser().parse_headers([b"x", b""])
    )
    assert len(HeadersParser().parse_headers([b"x"])[0]) == 0


def test_headers_parser_strict_and_lax() -> None:
    folded = [b"HTTP/1.1 200 OK", b"X: a", b"  b", b"Y: c\x01"]
    headers, raw = HeadersParser(lax=True).parse_headers(folded)
    assert list(headers.items()) == [("X", "a b"), ("Y", "c\x01")]
    assert raw == ((b"X", b"a b"), (b"Y", b"c\x01"))
    with pytest.raises(he.BadHttpMessage):
        HeadersParser().parse_headers(folded)
    with pytest.raises(he.InvalidHeader):
        HeadersParser().parse_headers([b"x", b"Bad Name: 1"])


@pytest.mark.parametrize("line", [b"X: a\nY: b", b"X: a\rb", b"X: a\r\nY: b"])
@pytest.mark.parametrize("lax", [False, True])
def test_headers_parser_refuses_line_ends_inside_lines(line: bytes, lax: bool) -> None:
    with pytest.raises(he.BadHttpMessage):
        HeadersParser(lax=lax).parse_headers([b"x", line])


def test_headers_parser_limits() -> None:
    with pytest.raises(he.LineTooLong):
        HeadersParser(max_field_size=10).parse_headers([b"x", b"X: " + b"v" * 20])
    with pytest.raises(he.BadHttpMessage, match="Too many headers"):
        HeadersParser(max_headers=2).parse_headers([b"x", b"A: 1", b"B: 2", b"C: 3"])


# -- responses -------------------------------------------------------------------------


def test_response_content_length() -> None:
    p = ResponseParser()
    events = p.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    msg = events[0]
    assert isinstance(msg, RawResponseMessage)
    assert (msg.version, msg.code, msg.reason) == (HttpVersion11, 200, "OK")
    assert msg.should_close is False
    assert body_of(events) == b"hello"
    assert isinstance(events[-1], EndOfMessage)


def test_response_read_until_close() -> None:
    p = ResponseParser()
    events = p.receive_data(b"HTTP/1.1 200 OK\r\n\r\nsome")
    assert events[0].should_close is True
    events += p.receive_data(b" data")
    assert not any(isinstance(e, EndOfMessage) for e in events)
    events += p.receive_eof()
    assert body_of(events) == b"some data"
    assert isinstance(events[-1], EndOfMessage)


def test_response_without_length_and_no_read_until_eof() -> None:
    p = ResponseParser(read_until_eof=False)
    events = p.receive_data(b"HTTP/1.1 200 OK\r\n\r\n")
    assert [type(e) for e in events] == [RawResponseMessage, EndOfMessage]


def test_repeated_status_line_gives_equal_heads() -> None:
    # Status lines are memoised; headers and framing still come from each message.
    p = ResponseParser()
    first = p.receive_data(b"HTTP/1.1 404 Not Here\r\nContent-Length: 1\r\n\r\nx")[0]
    second = p.receive_data(b"HTTP/1.1 404 Not Here\r\nX: y\r\nContent-Length: 0\r\n\r\n")
    head = second[0]
    assert isinstance(first, RawResponseMessage) and isinstance(head, RawResponseMessage)
    assert (head.version, head.code, head.reason) == (HttpVersion11, 404, "Not Here")
    assert head.headers["X"] == "y" and isinstance(second[1], EndOfMessage)


def test_response_reason_optional() -> None:
    p = ResponseParser()
    (msg, *_) = p.receive_data(b"HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n")
    assert msg.code == 404
    assert msg.reason == ""


@pytest.mark.parametrize("code", [100, 103, 204, 304])
def test_response_codes_without_body(code: int) -> None:
    p = ResponseParser()
    events = p.receive_data(f"HTTP/1.1 {code} X\r\nContent-Length: 10\r\n\r\n".encode())
    assert [type(e) for e in events] == [RawResponseMessage, EndOfMessage]


def test_informational_then_final_response() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    assert [m.code for m in heads(events)] == [100, 200]
    assert body_of(events) == b"ok"


def test_head_response_has_no_body() -> None:
    p = ResponseParser()
    p.expect("HEAD")
    events = p.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
    assert [type(e) for e in events] == [RawResponseMessage, EndOfMessage]


def test_switching_protocols() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\n\r\n\x81\x05hello"
    )
    assert len(events) == 1
    assert events[0].upgrade is True
    assert p.take_tail() == b"\x81\x05hello"


def test_connect_response_is_tunnel() -> None:
    p = ResponseParser()
    p.expect("CONNECT")
    events = p.receive_data(b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03")
    assert events[0].upgrade is True
    assert p.take_tail() == b"\x16\x03"


def test_response_chunked_with_trailers() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n"
    )
    assert body_of(events) == b"Wikipedia"
    assert events[-1].trailers["Expires"] == "never"


def test_response_transfer_encoding_beats_content_length() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\nok\r\n0\r\n\r\n"
    )
    assert body_of(events) == b"ok"
    assert isinstance(events[-1], EndOfMessage)


def test_response_non_chunked_transfer_encoding_reads_until_close() -> None:
    p = ResponseParser()
    events = p.receive_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc")
    events += p.receive_eof()
    assert body_of(events) == b"abc"
    assert events[0].should_close is True


def test_response_bare_lf_and_obs_fold_tolerated() -> None:
    p = ResponseParser()
    events = p.receive_data(b"HTTP/1.0 200 OK\nX-Long: first\n  second\nContent-Length: 2\n\nok")
    msg = events[0]
    assert msg.headers["X-Long"] == "first second"
    assert body_of(events) == b"ok"
    assert msg.should_close is True


def test_response_bare_lf_after_crlf_lines_ends_the_head_there() -> None:
    # The first CRLF CRLF is not the end of a head whose lines end in bare LF.
    p = ResponseParser()
    p.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd")
    events = p.receive_data(b"HTTP/1.1 200 OK\r\nContent-Length: 4\nX: 1\n\nok\r\n\r\n")
    (msg,) = heads(events)
    assert msg.headers["X"] == "1"
    assert body_of(events) == b"ok\r\n"
    assert isinstance(events[-1], EndOfMessage)


@pytest.mark.parametrize(
    "tail",
    [b"A\r\nB\r\nC\r\nD\r\n\r\n", b"x" * 100 + b"\r\n\r\n"],
    ids=["more-lines-than-max_headers", "line-over-max_field_size"],
)
def test_response_bare_lf_head_not_held_to_limits_past_its_end(tail: bytes) -> None:
    # Up to the first CRLF CRLF the "head" would break a limit; its real end
    # (a bare LF line) comes first.
    p = ResponseParser(max_headers=3, max_field_size=50)
    events = p.receive_data(b"HTTP/1.1 200 OK\r\nHost: a\n\r\n" + tail)
    (msg,) = heads(events)
    assert msg.headers["Host"] == "a"
    assert body_of(events + p.receive_eof()) == tail


def test_response_bare_lf_split_feed() -> None:
    p = ResponseParser()
    assert p.receive_data(b"HTTP/1.1 200 OK\nContent-Length: 1\n") == []
    events = p.receive_data(b"\nx")
    assert body_of(events) == b"x"


def test_response_head_cut_by_close() -> None:
    p = ResponseParser()
    assert p.receive_data(b"HTTP/1.1 200 OK\r\nServer: old") == []
    events = p.receive_eof()
    assert heads(events)[0].headers["Server"] == "old"
    assert isinstance(events[-1], EndOfMessage)


def test_pipelined_responses() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
        b"HTTP/1.1 204 No Content\r\n\r\n"
    )
    assert [m.code for m in heads(events)] == [200, 200, 204]
    assert body_of(events) == b"ab"


@pytest.mark.parametrize(
    "line",
    [b"HTTP/2.0 200 OK", b"HTTP/1.1 20 OK", b"HTTP/1.1 abc OK", b"FOO", b"HTTP/1.1 099 x"],
)
def test_bad_status_lines(line: bytes) -> None:
    p = ResponseParser()
    with pytest.raises(he.BadStatusLine):
        p.receive_data(line + b"\r\n\r\n")


@pytest.fixture
def block_memo(monkeypatch: pytest.MonkeyPatch) -> dict[bytes, Any]:
    """An empty response block memo (and its first-sightings set) for this test."""
    memo: dict[bytes, Any] = {}
    monkeypatch.setattr(http_parser, "_RESPONSE_BLOCKS", memo)
    monkeypatch.setattr(http_parser, "_SEEN_BLOCKS", set())
    return memo


def test_a_response_block_seen_twice_is_memoised(block_memo: dict[bytes, Any]) -> None:
    block = b"Server: t\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
    data = b"HTTP/1.1 200 OK\r\n" + block + b"\r\nok"
    p = ResponseParser()
    msgs = []
    for memoised in (False, True, True):
        events = p.receive_data(data)
        msg = events[0]
        assert isinstance(msg, RawResponseMessage)
        assert list(msg.headers.items()) == [
            ("Server", "t"),
            ("Content-Length", "2"),
            ("Connection", "keep-alive"),
        ]
        assert msg.raw_headers == (
            (b"Server", b"t"),
            (b"Content-Length", b"2"),
            (b"Connection", b"keep-alive"),
        )
        assert msg.should_close is False
        assert body_of(events) == b"ok"
        assert isinstance(events[-1], EndOfMessage)
        assert (block in block_memo) is memoised
        msgs.append(msg)
    # The read-only headers are shared by responses of the same block.
    assert msgs[1].headers is msgs[2].headers


def test_response_blocks_met_once_are_not_memoised(block_memo: dict[bytes, Any]) -> None:
    p = ResponseParser()
    for i in range(5):
        (msg, *_) = p.receive_data(b"HTTP/1.1 204 No\r\nX-Id: %d\r\n\r\n" % i)
        assert msg.headers["X-Id"] == str(i)
    assert block_memo == {}
    big = b"HTTP/1.1 204 No\r\nX: " + b"v" * 3000 + b"\r\n\r\n"
    for _ in range(3):
        (msg, *_) = p.receive_data(big)
        assert len(msg.headers["X"]) == 3000
    assert block_memo == {}


def test_response_block_memo_is_bounded(
    block_memo: dict[bytes, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_parser, "_BLOCK_CACHE_SIZE", 2)
    p = ResponseParser()
    for i in range(5):
        for _ in range(3):
            (msg, *_) = p.receive_data(b"HTTP/1.1 204 No\r\nX-Id: %d\r\n\r\n" % i)
            assert msg.headers["X-Id"] == str(i)
            assert len(block_memo) <= 2
        assert b"X-Id: %d\r\n" % i in block_memo


@pytest.mark.parametrize(
    ("parser", "error"),
    [
        (lambda: ResponseParser(max_headers=2), he.BadHttpMessage),
        (lambda: ResponseParser(max_field_size=20), he.LineTooLong),
    ],
)
def test_a_memoised_response_block_is_held_to_each_parsers_limits(
    block_memo: dict[bytes, Any], parser: Any, error: type[Exception]
) -> None:
    data = b"HTTP/1.1 204 No\r\nA: 1\r\nB: 2\r\nLong: " + b"x" * 24 + b"\r\n\r\n"
    for _ in range(2):
        ResponseParser().receive_data(data)
    assert block_memo
    with pytest.raises(error):
        parser().receive_data(data)
    (msg, *_) = ResponseParser(max_headers=3, max_field_size=30).receive_data(data)
    assert msg.headers["Long"] == "x" * 24


def test_a_memoised_response_block_is_framed_per_message(block_memo: dict[bytes, Any]) -> None:
    # A HEAD response may carry any Content-Length; a GET response may not.
    bad_length = b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n"
    head = ResponseParser()
    head.expect("HEAD")
    for _ in range(3):
        (msg, *_) = head.receive_data(bad_length)
        assert msg.headers["Content-Length"] == "nope"
    assert block_memo
    with pytest.raises(he.BadHttpMessage):
        ResponseParser().receive_data(bad_length)
    # The version decides what the same Connection header means.
    for _ in range(2):
        for version, field, close in [
            (b"1.0", b"Connection: keep-alive\r\n", False),
            (b"1.1", b"Connection: keep-alive\r\n", False),
            (b"1.0", b"Connection: close\r\n", True),
            (b"1.1", b"Connection: close\r\n", True),
            (b"1.0", b"Connection: Upgrade, Keep-Alive\r\n", False),
            (b"1.0", b"X: y\r\n", True),
            (b"1.1", b"X: y\r\n", False),
        ]:
            data = b"HTTP/%b 204 No\r\n%b\r\n" % (version, field)
            (msg, *_) = ResponseParser().receive_data(data)
            assert msg.should_close is close, data
    # Transfer-Encoding beside Content-Length: chunked, and the connection is not reused.
    both = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
    for _ in range(3):
        events = ResponseParser().receive_data(both + b"2\r\nhi\r\n0\r\n\r\n")
        assert events[0].chunked is True
        assert events[0].should_close is True
        assert body_of(events) == b"hi"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["Content-Length", "Transfer-Encoding", "Connection", "Content-Encoding", "X-A"]
            ),
            st.sampled_from(["5", "05", "1, 1", "x", "chunked", "gzip, chunked", "close", "gzip"]),
        ),
        max_size=4,
    ),
    st.sampled_from([b"1.0", b"1.1"]),
    st.sampled_from([b"200", b"204", b"101"]),
)
def test_memoised_response_blocks_parse_as_fresh_ones(
    fields: list[tuple[str, str]], version: bytes, code: bytes
) -> None:
    block = "".join(f"{n}: {v}\r\n" for n, v in fields).encode()
    data = b"HTTP/%b %b X\r\n%b\r\nhello, world\r\n0\r\n\r\n" % (version, code, block)

    def parse() -> Any:
        try:
            return ResponseParser().receive_data(data)
        except he.HttpProcessingError as exc:
            return type(exc)

    memo: dict[bytes, Any] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(http_parser, "_RESPONSE_BLOCKS", memo)
        mp.setattr(http_parser, "_SEEN_BLOCKS", set())
        fresh = parse()
        parse()  # the second sighting memoises the block (when it parsed)
        memoised = parse()
    assert memoised == fresh


# -- byte-split property -----------------------------------------------------------------

_REQUESTS = (
    req("GET /a?b=c HTTP/1.1\nHost: a\nX: 1\n\n")
    + req("POST /p HTTP/1.1\nHost: a\nContent-Length: 11\n\n", b"hello world")
    + req("PUT / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n")
    + b"3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n"
    + req("\nGET /last HTTP/1.0\n\n")
)

_RESPONSES = (
    b"HTTP/1.1 100 Continue\r\n\r\n"
    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nX: a\n b\n\n"
    b"2\r\nhi\r\n0\r\n\r\n"
    b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n"
    b"HTTP/1.1 200 OK\r\n\r\nuntil close"
)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces = []
    last = 0
    for p in points:
        pieces.append(data[last:p])
        last = p
    pieces.append(data[last:])
    return pieces


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_request_split_property(cuts: list[int]) -> None:
    whole = RequestParser().receive_data(_REQUESTS)
    p = RequestParser()
    events: list[Event] = []
    for piece in _split(_REQUESTS, cuts):
        events += p.receive_data(piece)
    assert normalise(events) == normalise(whole)
    assert len(heads(whole)) == 4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_response_split_property(cuts: list[int]) -> None:
    ref = ResponseParser()
    whole = ref.receive_data(_RESPONSES) + ref.receive_eof()
    p = ResponseParser()
    events: list[Event] = []
    for piece in _split(_RESPONSES, cuts):
        events += p.receive_data(piece)
    events += p.receive_eof()
    assert normalise(events) == normalise(whole)
    assert [m.code for m in heads(whole)] == [100, 200, 200, 304, 200]


def test_byte_at_a_time() -> None:
    p = RequestParser()
    events: list[Event] = []
    for i in range(len(_REQUESTS)):
        events += p.receive_data(_REQUESTS[i : i + 1])
    assert normalise(events) == normalise(RequestParser().receive_data(_REQUESTS))


# -- peers we did not write: h11 produces, we parse ------------------------------------


def test_h11_request_with_chunked_body() -> None:
    conn = h11.Connection(h11.CLIENT)
    data = conn.send(
        h11.Request(
            method="POST",
            target="/upload?x=1",
            headers=[("Host", "example.org"), ("Transfer-Encoding", "chunked")],
        )
    )
    data += conn.send(h11.Data(data=b"first ")) + conn.send(h11.Data(data=b"second"))
    data += conn.send(h11.EndOfMessage(headers=[("X-Sum", "42")]))
    events = RequestParser().receive_data(data)
    msg = heads(events)[0]
    assert (msg.method, msg.path, msg.chunked) == ("POST", "/upload?x=1", True)
    assert body_of(events) == b"first second"
    assert events[-1].trailers["X-Sum"] == "42"


def test_h11_response_content_length() -> None:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    conn.next_event()
    data = conn.send(h11.Response(status_code=201, headers=[("Content-Length", "4")]))
    data += conn.send(h11.Data(data=b"done")) + conn.send(h11.EndOfMessage())
    events = ResponseParser().receive_data(data)
    assert heads(events)[0].code == 201
    assert body_of(events) == b"done"


def test_our_events_match_h11_on_request() -> None:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(_REQUESTS[: _REQUESTS.index(b"PUT")])
    h11_bodies = []
    while True:
        ev = conn.next_event()
        if isinstance(ev, h11.Data):
            h11_bodies.append(bytes(ev.data))
        if ev is h11.NEED_DATA or (isinstance(ev, h11.EndOfMessage) and h11_bodies):
            break
        if isinstance(ev, h11.EndOfMessage):
            conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
            conn.send(h11.EndOfMessage())
            conn.start_next_cycle()
    ours = RequestParser().receive_data(_REQUESTS[: _REQUESTS.index(b"PUT")])
    assert body_of(ours) == b"".join(h11_bodies) == b"hello world"


# -- asyncio adapters ------------------------------------------------------------------


@pytest.fixture
async def protocol() -> BaseProtocol:
    return BaseProtocol(asyncio.get_running_loop())


async def test_adapter_get_has_empty_payload(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    messages, upgraded, tail = p.feed_data(req("GET / HTTP/1.1\nHost: a\n\n"))
    assert upgraded is False
    assert tail == b""
    ((msg, payload),) = messages
    assert msg.method == "GET"
    assert payload is EMPTY_PAYLOAD


async def test_adapter_streams_body(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(req("POST / HTTP/1.1\nHost: a\nContent-Length: 6\n\n", b"abc"))
    ((_, payload),) = messages
    assert isinstance(payload, StreamReader)
    assert not payload.is_eof()
    assert p.feed_data(b"def") == ([], False, b"")
    assert await asyncio.wait_for(payload.read(), 5) == b"abcdef"
    assert payload.is_eof()


async def test_adapter_chunk_boundaries(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"
    )
    payload = messages[0][1]
    assert await asyncio.wait_for(payload.readchunk(), 5) == (b"hello", True)
    assert await asyncio.wait_for(payload.readchunk(), 5) == (b"abc", True)
    assert await asyncio.wait_for(payload.read(), 5) == b""


async def test_adapter_pipelined(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(
        req("POST /a HTTP/1.1\nHost: a\nContent-Length: 1\n\n", b"x")
        + req("GET /b HTTP/1.1\nHost: a\n\n")
    )
    assert [m.path for m, _ in messages] == ["/a", "/b"]
    assert await asyncio.wait_for(messages[0][1].read(), 5) == b"x"
    assert messages[1][1] is EMPTY_PAYLOAD


async def test_adapter_upgrade_returns_tail(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    messages, upgraded, tail = p.feed_data(
        req("GET /ws HTTP/1.1\nHost: a\nConnection: Upgrade\nUpgrade: websocket\n\n", b"\x81")
    )
    assert upgraded is True
    assert tail == b"\x81"
    assert messages[0][0].upgrade is True
    assert p.feed_data(b"more") == ([], True, b"more")
    p.set_upgraded(False)
    messages, upgraded, _ = p.feed_data(req("GET / HTTP/1.1\nHost: a\n\n"))
    assert upgraded is False
    assert len(messages) == 1


async def test_adapter_response_upgrade(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16)
    messages, upgraded, tail = p.feed_data(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00"
    )
    assert upgraded is True
    assert tail == b"\x81\x00"
    assert messages[0][1] is EMPTY_PAYLOAD


async def test_adapter_eof_mid_body_sets_payload_exception(protocol: BaseProtocol) -> None:
    class PayloadError(Exception):
        pass

    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16, payload_exception=PayloadError)
    messages, _, _ = p.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    payload = messages[0][1]
    with pytest.raises(he.ContentLengthError):
        p.feed_eof()
    with pytest.raises(PayloadError) as info:
        await asyncio.wait_for(payload.read(), 5)
    assert isinstance(info.value.__cause__, he.ContentLengthError)


async def test_adapter_bad_chunk_sets_payload_exception(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(
        req("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n", b"2\r\nab\r\n")
    )
    payload = messages[0][1]
    with pytest.raises(he.TransferEncodingError):
        p.feed_data(b"zz\r\n")
    with pytest.raises(he.TransferEncodingError):
        await asyncio.wait_for(payload.read(), 5)


async def test_adapter_read_until_eof(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16, read_until_eof=True)
    messages, _, _ = p.feed_data(b"HTTP/1.1 200 OK\r\n\r\npart1 ")
    p.feed_data(b"part2")
    p.feed_eof()
    assert await asyncio.wait_for(messages[0][1].read(), 5) == b"part1 part2"
    assert messages[0][0].should_close is True


async def test_adapter_no_read_until_eof_means_no_body(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16, read_until_eof=False)
    messages, _, _ = p.feed_data(b"HTTP/1.1 200 OK\r\n\r\n")
    assert messages[0][1] is EMPTY_PAYLOAD


async def test_adapter_response_with_body_false(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16, response_with_body=False)
    messages, _, _ = p.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    )
    assert len(messages) == 2
    assert all(payload is EMPTY_PAYLOAD for _, payload in messages)


def _compressors() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),
    ]
    if HAS_BROTLI:
        import brotli

        out.append(("br", brotli.compress))
    if HAS_ZSTD:
        try:
            from compression import zstd
        except ImportError:
            from backports import zstd

        out.append(("zstd", zstd.compress))
    return out


@pytest.mark.parametrize(("encoding", "compress"), _compressors())
async def test_adapter_decompresses(protocol: BaseProtocol, encoding: str, compress: Any) -> None:
    loop = asyncio.get_running_loop()
    original = b"The quick brown fox. " * 500
    body = compress(original)
    p = HttpResponseParser(protocol, loop, 2**16)
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n"
    messages, _, _ = p.feed_data(head.encode())
    for i in range(0, len(body), 7):
        p.feed_data(body[i : i + 7])
    assert await asyncio.wait_for(messages[0][1].read(), 5) == original


async def test_adapter_no_auto_decompress(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    body = gzip.compress(b"data")
    p = HttpResponseParser(protocol, loop, 2**16, auto_decompress=False)
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"
    messages, _, _ = p.feed_data(head.encode() + body)
    assert messages[0][0].compression == "gzip"
    assert await asyncio.wait_for(messages[0][1].read(), 5) == body


async def test_adapter_decompress_size_limit(protocol: BaseProtocol) -> None:
    class PayloadError(Exception):
        pass

    loop = asyncio.get_running_loop()
    body = gzip.compress(b"\x00" * 100_000)
    p = HttpRequestParser(
        protocol, loop, 2**16, payload_exception=PayloadError, max_decompress_size=10_000
    )
    head = (
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    messages, _, _ = p.feed_data(head.encode())
    with pytest.raises(he.DecompressSizeError):
        p.feed_data(body)
    with pytest.raises(PayloadError) as info:
        await asyncio.wait_for(messages[0][1].read(), 5)
    assert isinstance(info.value.__cause__, he.DecompressSizeError)


async def test_adapter_bad_gzip(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\n"
    )
    with pytest.raises(he.ContentEncodingError):
        p.feed_data(b"nope!")
    with pytest.raises(he.ContentEncodingError):
        await asyncio.wait_for(messages[0][1].read(), 5)


# -- over a real socket: the stdlib client sends, our adapter parses ------------------


class _Collector(BaseProtocol):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.parser = HttpRequestParser(self, loop, 2**16)
        self.done: asyncio.Future[tuple[RawRequestMessage, bytes]] = loop.create_future()
        self.tasks: set[asyncio.Task[None]] = set()

    def data_received(self, data: bytes) -> None:
        messages, _, _ = self.parser.feed_data(data)
        for msg, payload in messages:
            task = asyncio.ensure_future(self._answer(msg, payload))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _answer(self, msg: RawRequestMessage, payload: StreamReader) -> None:
        body = await payload.read()
        assert self.transport is not None
        self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        self.transport.close()
        if not self.done.done():
            self.done.set_result((msg, body))


async def test_stdlib_client_over_socket() -> None:
    loop = asyncio.get_running_loop()
    collectors: list[_Collector] = []

    def factory() -> _Collector:
        c = _Collector(loop)
        collectors.append(c)
        return c

    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    def client() -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.putrequest("POST", "/submit?x=%20y")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("X-Custom", "value")
        conn.endheaders()
        conn.send(b"4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n")
        data = conn.getresponse().read()
        conn.close()
        return data

    try:
        assert await asyncio.wait_for(asyncio.to_thread(client), 10) == b"ok"
        msg, body = await asyncio.wait_for(collectors[0].done, 10)
    finally:
        server.close()
        await server.wait_closed()
    assert msg.method == "POST"
    assert msg.url.query["x"] == " y"
    assert msg.headers["X-Custom"] == "value"
    assert msg.headers["Host"] == f"127.0.0.1:{port}"
    assert msg.chunked is True
    assert body == b"abcdefg"


def test_http10_chunked_request_closes() -> None:
    p = RequestParser()
    events = p.receive_data(
        b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"1\r\na\r\n0\r\n\r\n"
    )
    assert heads(events)[0].should_close is True
    assert body_of(events) == b"a"


def test_response_with_both_framings_closes() -> None:
    p = ResponseParser()
    events = p.receive_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    assert heads(events)[0].should_close is True


# -- robustness: arbitrary input only ever raises HttpProcessingError ------------------

_VALID = [_REQUESTS, _RESPONSES]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_random_bytes_never_crash(data: bytes, request: bool) -> None:
    parser: RequestParser | ResponseParser = RequestParser() if request else ResponseParser()
    try:
        parser.receive_data(data)
        parser.receive_eof()
    except he.HttpProcessingError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([0, 1]),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.binary(min_size=0, max_size=3)),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=6),
)
def test_mutated_messages_never_crash(
    which: int, edits: list[tuple[int, bytes]], cuts: list[int]
) -> None:
    """Valid traffic with a few bytes replaced, fed in pieces: events or a clean error."""
    data = bytearray(_VALID[which])
    for at, replacement in edits:
        at %= len(data)
        data[at : at + len(replacement)] = replacement
    parser: RequestParser | ResponseParser = RequestParser() if which == 0 else ResponseParser()
    try:
        for piece in _split(bytes(data), cuts):
            parser.receive_data(piece)
        parser.receive_eof()
    except he.HttpProcessingError:
        pass


# -- differential: h11 serialises random messages, we must read back the same ----------

_token = st.text(
    alphabet="!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    min_size=1,
    max_size=12,
)
_value = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=30
).map(lambda v: v.strip())
_reserved = {"host", "content-length", "transfer-encoding", "connection", "upgrade"}


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "PURGE"]),
    path=st.text(alphabet="abcdefghij0123456789-._~%/", max_size=20),
    query=st.text(alphabet="abc=&123", max_size=12),
    headers=st.lists(st.tuples(_token, _value), max_size=8).map(
        lambda hs: [(n, v) for n, v in hs if n.lower() not in _reserved]
    ),
    chunks=st.lists(st.binary(min_size=1, max_size=50), max_size=4),
    chunked=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=5),
)
def test_h11_roundtrip_requests(
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    chunks: list[bytes],
    chunked: bool,
    cuts: list[int],
) -> None:
    target = "/" + path + ("?" + query if query else "")
    body = b"".join(chunks)
    framing = (
        [("Transfer-Encoding", "chunked")] if chunked else [("Content-Length", str(len(body)))]
    )
    conn = h11.Connection(h11.CLIENT)
    data = conn.send(
        h11.Request(method=method, target=target, headers=[("Host", "h"), *headers, *framing])
    )
    for chunk in chunks:
        data += conn.send(h11.Data(data=chunk))
    data += conn.send(h11.EndOfMessage())
    p = RequestParser()
    events: list[Event] = []
    for piece in _split(data, cuts):
        events += p.receive_data(piece)
    (msg,) = heads(events)
    assert msg.method == method
    assert msg.path == target
    assert msg.chunked is chunked
    assert [(n.decode(), v.decode()) for n, v in msg.raw_headers[1:-1]] == headers
    for name, value in headers:
        assert value in msg.headers.getall(name)
    assert body_of(events) == body
    assert isinstance(events[-1], EndOfMessage)


@settings(max_examples=150, deadline=None)
@given(
    status=st.integers(min_value=200, max_value=599).filter(lambda s: s not in (204, 304)),
    headers=st.lists(st.tuples(_token, _value), max_size=8).map(
        lambda hs: [(n, v) for n, v in hs if n.lower() not in _reserved]
    ),
    chunks=st.lists(st.binary(min_size=1, max_size=50), max_size=4),
    chunked=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=5),
)
def test_h11_roundtrip_responses(
    status: int,
    headers: list[tuple[str, str]],
    chunks: list[bytes],
    chunked: bool,
    cuts: list[int],
) -> None:
    body = b"".join(chunks)
    framing = (
        [("Transfer-Encoding", "chunked")] if chunked else [("Content-Length", str(len(body)))]
    )
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    conn.next_event()
    data = conn.send(h11.Response(status_code=status, headers=[*headers, *framing]))
    for chunk in chunks:
        data += conn.send(h11.Data(data=chunk))
    data += conn.send(h11.EndOfMessage())
    p = ResponseParser()
    events: list[Event] = []
    for piece in _split(data, cuts):
        events += p.receive_data(piece)
    (msg,) = heads(events)
    assert msg.code == status
    assert msg.chunked is chunked
    for name, value in headers:
        assert value in msg.headers.getall(name)
    assert body_of(events) == body
    assert isinstance(events[-1], EndOfMessage)


# -- over a real socket: the stdlib HTTP server answers, our response parser reads ------


async def test_stdlib_server_responses_over_socket() -> None:
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in (b"alpha", b"beta"):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            else:
                body = b"plain body"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    loop = asyncio.get_running_loop()

    class Client(BaseProtocol):
        def __init__(self) -> None:
            super().__init__(loop)
            self.parser = HttpResponseParser(self, loop, 2**16, read_until_eof=True)
            self.queue: asyncio.Queue[tuple[RawResponseMessage, StreamReader]] = asyncio.Queue()

        def data_received(self, data: bytes) -> None:
            messages, _, _ = self.parser.feed_data(data)
            for item in messages:
                self.queue.put_nowait(item)

    try:
        transport, client = await loop.create_connection(
            Client, "127.0.0.1", server.server_address[1]
        )
        transport.write(
            b"GET /chunked HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        msg, payload = await asyncio.wait_for(client.queue.get(), 10)
        assert msg.code == 200
        assert msg.chunked is True
        assert msg.headers["Server"].startswith("BaseHTTP")
        assert await asyncio.wait_for(payload.read(), 10) == b"alphabeta"
        msg, payload = await asyncio.wait_for(client.queue.get(), 10)
        assert msg.headers["Content-Length"] == "10"
        assert await asyncio.wait_for(payload.read(), 10) == b"plain body"
        transport.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_adapter_feed_eof_returns_head_cut_short(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16, read_until_eof=True)
    assert p.feed_data(b"HTTP/1.1 200 OK\r\nServer: x") == ([], False, b"")
    msg = p.feed_eof()
    assert msg is not None
    assert msg.code == 200
    assert msg.headers["Server"] == "x"


async def test_adapter_feed_eof_between_messages(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpRequestParser(protocol, loop, 2**16)
    p.feed_data(req("GET / HTTP/1.1\nHost: a\n\n"))
    assert p.feed_eof() is None


async def test_adapter_eof_mid_chunked(protocol: BaseProtocol) -> None:
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16)
    messages, _, _ = p.feed_data(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
    with pytest.raises(he.TransferEncodingError):
        p.feed_eof()
    payload = messages[0][1]
    with pytest.raises(he.TransferEncodingError):
        await asyncio.wait_for(payload.read(), 5)


async def test_adapter_codec_not_installed(
    protocol: BaseProtocol, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiohttp_wire import http_parser

    class Missing:
        def __init__(self) -> None:
            raise RuntimeError("The brotli decompression is not available")

    monkeypatch.setattr(http_parser, "BrotliDecompressor", Missing)
    loop = asyncio.get_running_loop()
    p = HttpResponseParser(protocol, loop, 2**16)
    with pytest.raises(he.ContentEncodingError, match="br"):
        p.feed_data(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc")
    # Not decoding is always possible.
    p = HttpResponseParser(protocol, loop, 2**16, auto_decompress=False)
    messages, _, _ = p.feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc"
    )
    assert await asyncio.wait_for(messages[0][1].read(), 5) == b"abc"
