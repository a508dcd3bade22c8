"""Every malformed message the parsers must refuse, one row per case.

Each row is fed twice: in one piece and one byte at a time. Either way the
error must come out of ``receive_data`` (never only at EOF): a framing error
must not wait for bytes that will not come.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp_wire import http_exceptions as he
from aiohttp_wire.http_parser import RequestParser, ResponseParser

H = b"Host: example.com\r\n"
POST = b"POST / HTTP/1.1\r\n" + H
GET = b"GET / HTTP/1.1\r\n" + H

# (id, input bytes, exception class)
REQUEST_CASES: list[tuple[str, bytes, type[he.HttpProcessingError]]] = [
    # -- framing headers --
    (
        "cl-and-te",
        POST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-and-cl",
        POST + b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-last-not-chunked",
        POST + b"Transfer-Encoding: gzip\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-chunked-then-gzip",
        POST + b"Transfer-Encoding: chunked, gzip\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-identity-chunked",
        POST + b"Transfer-Encoding: identity, chunked\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-chunked-chunked",
        POST + b"Transfer-Encoding: chunked, chunked\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-two-lines",
        b"POST / HTTP/1.1\r\n"
        + H
        + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "te-empty",
        POST + b"Transfer-Encoding:\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "cl-differing-lines",
        POST + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "cl-differing-list",
        POST + b"Content-Length: 5, 6\r\n\r\n",
        he.BadHttpMessage,
    ),
    ("cl-plus", POST + b"Content-Length: +5\r\n\r\n", he.BadHttpMessage),
    ("cl-minus", POST + b"Content-Length: -5\r\n\r\n", he.BadHttpMessage),
    ("cl-hex", POST + b"Content-Length: 0x5\r\n\r\n", he.BadHttpMessage),
    ("cl-alpha", POST + b"Content-Length: abc\r\n\r\n", he.BadHttpMessage),
    (
        "cl-space-inside",
        POST + b"Content-Length: 1 2\r\n\r\n",
        he.BadHttpMessage,
    ),
    (
        "cl-underscore",
        POST + b"Content-Length: 1_0\r\n\r\n",
        he.BadHttpMessage,
    ),
    ("cl-empty", POST + b"Content-Length:\r\n\r\n", he.BadHttpMessage),
    (
        "cl-unicode-digit",
        POST + "Content-Length: \u0663\r\n\r\n".encode(),
        he.BadHttpMessage,
    ),
    (
        "cl-too-large",
        POST + b"Content-Length: 99999999999999999999\r\n\r\n",
        he.BadHttpMessage,
    ),
    # -- chunked framing --
    (
        "chunk-size-not-hex",
        POST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-signed",
        POST + b"Transfer-Encoding: chunked\r\n\r\n-5\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-0x",
        POST + b"Transfer-Encoding: chunked\r\n\r\n0x5\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-empty",
        POST + b"Transfer-Encoding: chunked\r\n\r\n\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-overflow",
        POST + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-too-large",
        POST + b"Transfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-data-too-long",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-not-ended-by-crlf",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcXY",
        he.TransferEncodingError,
    ),
    (
        "chunk-ended-by-lf",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-ended-by-cr-only",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\rX",
        he.TransferEncodingError,
    ),
    (
        "chunk-size-line-lf",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-ext-cr",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n",
        he.TransferEncodingError,
    ),
    (
        "chunk-ext-lf",
        POST + b"Transfer-Encoding: chunked\r\n\r\n3;a\nb\r\nabc\r\n",
        he.TransferEncodingError,
    ),
    (
        "trailer-bad-name",
        POST + b"Transfer-Encoding: chunked\r\n\r\n0\r\nBad Name: x\r\n\r\n",
        he.InvalidHeader,
    ),
    (
        "trailer-bare-lf",
        POST + b"Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\nZ",
        he.BadHttpMessage,
    ),
    # -- header fields --
    ("name-space", GET + b"Bad Name: x\r\n\r\n", he.InvalidHeader),
    ("name-at", GET + b"X@Y: x\r\n\r\n", he.InvalidHeader),
    ("name-brackets", GET + b"X[1]: x\r\n\r\n", he.InvalidHeader),
    (
        "name-non-ascii",
        GET + "N\u00e4me: x\r\n\r\n".encode(),
        he.InvalidHeader,
    ),
    ("name-empty", GET + b": x\r\n\r\n", he.InvalidHeader),
    ("name-nul", GET + b"X\x00: x\r\n\r\n", he.InvalidHeader),
    ("no-colon", GET + b"NoColon\r\n\r\n", he.InvalidHeader),
    ("space-before-colon", GET + b"X-Y : x\r\n\r\n", he.InvalidHeader),
    ("tab-before-colon", GET + b"X-Y\t: x\r\n\r\n", he.InvalidHeader),
    ("obs-fold", GET + b"X: a\r\n b\r\n\r\n", he.BadHttpMessage),
    ("obs-fold-tab", GET + b"X: a\r\n\tb\r\n\r\n", he.BadHttpMessage),
    ("fold-first-line", b"GET / HTTP/1.1\r\n b\r\n" + H + b"\r\n", he.BadHttpMessage),
    ("value-bare-cr", GET + b"X: a\rb\r\n\r\n", he.InvalidHeader),
    ("value-nul", GET + b"X: a\x00b\r\n\r\n", he.InvalidHeader),
    ("value-ctl", GET + b"X: a\x01b\r\n\r\n", he.InvalidHeader),
    ("value-del", GET + b"X: a\x7fb\r\n\r\n", he.InvalidHeader),
    # -- line endings --
    ("lf-only-head", b"GET / HTTP/1.1\nHost: a\n\n", he.BadHttpMessage),
    ("lf-request-line", b"GET / HTTP/1.1\n" + H + b"\r\n", he.BadHttpMessage),
    ("lf-in-headers", b"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", he.BadHttpMessage),
    ("lf-end-of-head", GET + b"\n", he.BadHttpMessage),
    ("cr-in-request-line", b"GET /a\rb HTTP/1.1\r\n" + H + b"\r\n", he.BadHttpMessage),
    # -- request line --
    ("method-paren", b"G(T / HTTP/1.1\r\n" + H + b"\r\n", he.BadHttpMethod),
    ("method-nul", b"GE\x00T / HTTP/1.1\r\n" + H + b"\r\n", he.BadHttpMethod),
    ("method-non-ascii", "G\u00c9T / HTTP/1.1\r\n".encode() + H + b"\r\n", he.BadHttpMethod),
    ("method-empty", b" / HTTP/1.1\r\n" + H + b"\r\n", he.BadStatusLine),
    ("double-space", b"GET  / HTTP/1.1\r\n" + H + b"\r\n", he.BadStatusLine),
    ("trailing-space", b"GET / HTTP/1.1 \r\n" + H + b"\r\n", he.BadStatusLine),
    ("tab-separator", b"GET\t/\tHTTP/1.1\r\n" + H + b"\r\n", he.BadStatusLine),
    ("no-version", b"GET /\r\n" + H + b"\r\n", he.BadStatusLine),
    ("only-method", b"GET\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-1.10", b"GET / HTTP/1.10\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-2.0", b"GET / HTTP/2.0\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-3.0", b"GET / HTTP/3.0\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-0.9", b"GET / HTTP/0.9\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-no-minor", b"GET / HTTP/1\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-lowercase", b"GET / http/1.1\r\n" + H + b"\r\n", he.BadStatusLine),
    ("version-garbage", b"GET / HTTX/1.1\r\n" + H + b"\r\n", he.BadStatusLine),
    # -- request target --
    ("target-ctl", b"GET /a\x01b HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("target-nul", b"GET /a\x00b HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("target-del", b"GET /a\x7fb HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("target-non-ascii", "GET /caf\u00e9 HTTP/1.1\r\n".encode() + H + b"\r\n", he.InvalidURLError),
    ("target-high-byte", b"GET /\xff HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("target-relative", b"GET foo HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("target-asterisk-get", b"GET * HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("connect-no-port", b"CONNECT example.com HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    ("connect-origin-form", b"CONNECT /path HTTP/1.1\r\n" + H + b"\r\n", he.InvalidURLError),
    # -- Host --
    ("host-missing", b"GET / HTTP/1.1\r\nX: y\r\n\r\n", he.BadHttpMessage),
    ("host-twice", b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", he.BadHttpMessage),
    ("host-twice-http10", b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", he.BadHttpMessage),
    ("host-space", b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", he.BadHttpMessage),
    ("host-slash", b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", he.BadHttpMessage),
    ("host-userinfo", b"GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", he.BadHttpMessage),
    ("host-bad-port", b"GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", he.BadHttpMessage),
    ("host-bad-ipv6", b"GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", he.BadHttpMessage),
    # -- limits --
    (
        "request-line-too-long",
        b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n",
        he.LineTooLong,
    ),
    (
        "field-too-long",
        GET + b"X: " + b"a" * 9000 + b"\r\n\r\n",
        he.LineTooLong,
    ),
    (
        "too-many-headers",
        GET + b"".join(b"X-%d: v\r\n" % i for i in range(200)) + b"\r\n",
        he.BadHttpMessage,
    ),
]


RESPONSE_CASES: list[tuple[str, bytes, type[he.HttpProcessingError]]] = [
    ("status-http2", b"HTTP/2.0 200 OK\r\n\r\n", he.BadStatusLine),
    ("status-no-code", b"HTTP/1.1 OK\r\n\r\n", he.BadStatusLine),
    ("status-short-code", b"HTTP/1.1 20 OK\r\n\r\n", he.BadStatusLine),
    ("status-long-code", b"HTTP/1.1 2000 OK\r\n\r\n", he.BadStatusLine),
    ("status-signed-code", b"HTTP/1.1 +20 OK\r\n\r\n", he.BadStatusLine),
    ("status-garbage", b"ICY 200 OK\r\n\r\n", he.BadStatusLine),
    ("resp-name-space", b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", he.InvalidHeader),
    ("resp-value-nul", b"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n", he.InvalidHeader),
    ("resp-fold-first", b"HTTP/1.1 200 OK\r\n x\r\n\r\n", he.BadHttpMessage),
    ("resp-cl-alpha", b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", he.BadHttpMessage),
    ("resp-cl-differ", b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", he.BadHttpMessage),
    (
        "resp-chunk-bad",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
        he.TransferEncodingError,
    ),
    (
        "resp-chunk-too-long",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
        he.TransferEncodingError,
    ),
    ("resp-status-line-too-long", b"HTTP/1.1 200 " + b"x" * 9000 + b"\r\n\r\n", he.LineTooLong),
]


def _feed_whole(parser: RequestParser | ResponseParser, data: bytes) -> None:
    parser.receive_data(data)


def _feed_bytewise(parser: RequestParser | ResponseParser, data: bytes) -> None:
    for i in range(len(data)):
        parser.receive_data(data[i : i + 1])


@pytest.mark.parametrize("feed", [_feed_whole, _feed_bytewise], ids=["whole", "bytewise"])
@pytest.mark.parametrize(
    ("data", "exc"), [(d, e) for _, d, e in REQUEST_CASES], ids=[i for i, _, _ in REQUEST_CASES]
)
def test_request_rejected(data: bytes, exc: type[he.HttpProcessingError], feed: object) -> None:
    parser = RequestParser()
    with pytest.raises(exc) as info:
        feed(parser, data)  # type: ignore[operator]
    assert info.value.code == 400
    # Dead afterwards: nothing further is parsed.
    with pytest.raises(he.BadHttpMessage):
        parser.receive_data(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")


@pytest.mark.parametrize("feed", [_feed_whole, _feed_bytewise], ids=["whole", "bytewise"])
@pytest.mark.parametrize(
    ("data", "exc"), [(d, e) for _, d, e in RESPONSE_CASES], ids=[i for i, _, _ in RESPONSE_CASES]
)
def test_response_rejected(data: bytes, exc: type[he.HttpProcessingError], feed: object) -> None:
    parser = ResponseParser()
    with pytest.raises(exc):
        feed(parser, data)  # type: ignore[operator]


@pytest.mark.parametrize(
    "data",
    [
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET http://a/ HTTP/1.1\r\nHost:\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",
        b"get / HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /a?b=%20&c=d;e HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX: \x80\xff obs-text\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\nX: tab\there\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0003\r\n\r\nabc",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3 ;x\r\nabc\r\n0\r\n\r\n",
    ],
)
def test_near_misses_accepted(data: bytes) -> None:
    """Inputs close to the rejected ones that are valid HTTP/1.1."""
    events = RequestParser().receive_data(data)
    assert len(events) >= 2


CHUNKED = POST + b"Transfer-Encoding: chunked\r\n\r\n"

# Incomplete messages whose error is already certain: refused without waiting.
EARLY_CASES: list[tuple[str, bytes, type[he.HttpProcessingError]]] = [
    ("bad-method-before-line-end", b"G(T /", he.BadHttpMethod),
    ("bad-name-before-head-end", b"GET / HTTP/1.1\r\nBad Name: x\r\n", he.InvalidHeader),
    ("space-before-colon-early", b"GET / HTTP/1.1\r\nHost : x\r\n", he.InvalidHeader),
    ("obs-fold-early", b"GET / HTTP/1.1\r\nX: a\r\n b\r\n", he.BadHttpMessage),
    ("nul-in-value-early", b"GET / HTTP/1.1\r\nX: a\x00\r\n", he.InvalidHeader),
    ("bad-version-early", b"GET / HTTP/2.0\r\n", he.BadStatusLine),
    ("no-version-early", b"GET /\r\nHost: a\r\n", he.BadStatusLine),
    ("bad-target-early", b"GET /\x01 HTTP/1.1\r\n", he.InvalidURLError),
    ("bare-lf-early", b"GET / HTTP/1.1\r\nHost: a\nX", he.BadHttpMessage),
    ("bare-lf-request-line-early", b"GET / HTTP/1.1\nHost: a", he.BadHttpMessage),
    ("chunk-size-not-hex-early", CHUNKED + b"zz", he.TransferEncodingError),
    ("chunk-size-signed-early", CHUNKED + b"+1", he.TransferEncodingError),
    ("chunk-ext-lf-early", CHUNKED + b"3;a\nb", he.TransferEncodingError),
    ("chunk-data-overrun-early", CHUNKED + b"3\r\nabcX", he.TransferEncodingError),
    ("chunk-cr-not-lf-early", CHUNKED + b"3\r\nabc\rX", he.TransferEncodingError),
    ("trailer-bad-name-early", CHUNKED + b"0\r\nBad Name: x\r\n", he.InvalidHeader),
    ("trailer-bare-lf-early", CHUNKED + b"0\r\nX: y\nZ", he.BadHttpMessage),
]

RESPONSE_EARLY_CASES: list[tuple[str, bytes, type[he.HttpProcessingError]]] = [
    ("status-not-number-early", b"HTTP/1.1 abc OK\r\n", he.BadStatusLine),
    ("status-http2-early", b"HTTP/2.0 200 OK\r\nServer: x\r\n", he.BadStatusLine),
    ("resp-bad-name-early", b"HTTP/1.1 200 OK\r\nBad Name: x\r\n", he.InvalidHeader),
]


@pytest.mark.parametrize("feed", [_feed_whole, _feed_bytewise], ids=["whole", "bytewise"])
@pytest.mark.parametrize(
    ("data", "exc"), [(d, e) for _, d, e in EARLY_CASES], ids=[i for i, _, _ in EARLY_CASES]
)
def test_request_refused_early(
    data: bytes, exc: type[he.HttpProcessingError], feed: object
) -> None:
    with pytest.raises(exc):
        feed(RequestParser(), data)  # type: ignore[operator]


@pytest.mark.parametrize("feed", [_feed_whole, _feed_bytewise], ids=["whole", "bytewise"])
@pytest.mark.parametrize(
    ("data", "exc"),
    [(d, e) for _, d, e in RESPONSE_EARLY_CASES],
    ids=[i for i, _, _ in RESPONSE_EARLY_CASES],
)
def test_response_refused_early(
    data: bytes, exc: type[he.HttpProcessingError], feed: object
) -> None:
    with pytest.raises(exc):
        feed(ResponseParser(), data)  # type: ignore[operator]


@pytest.mark.parametrize(
    "prefix",
    [
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Partial: val",
        b"GET /path?q=1 HTTP/1.1\r\n",
        b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n",
        CHUNKED + b"3;ext=1",
        CHUNKED + b"3\r\nab",
        CHUNKED + b"0\r\nX-T: 1\r\n",
    ],
)
def test_valid_prefixes_wait(prefix: bytes) -> None:
    """The early checks do not refuse a valid message that is merely incomplete."""
    p = RequestParser()
    for i in range(len(prefix)):
        p.receive_data(prefix[i : i + 1])
    p2 = RequestParser()
    p2.receive_data(prefix)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(REQUEST_CASES + EARLY_CASES),
    st.lists(st.integers(min_value=0, max_value=20_000), max_size=6),
)
def test_any_split_gives_the_same_error(
    case: tuple[str, bytes, type[he.HttpProcessingError]], cuts: list[int]
) -> None:
    _, data, exc = case
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]

    def feed_all() -> None:
        parser = RequestParser()
        for piece in pieces:
            parser.receive_data(piece)

    with pytest.raises(exc):
        feed_all()
