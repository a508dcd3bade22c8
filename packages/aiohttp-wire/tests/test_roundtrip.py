"""Round-trip properties: what our writers serialise, our parsers read back unchanged.

Requests and responses are serialised with ``http_writer.serialize_headers``
plus hand-written body framing (Content-Length, chunked with random chunk
sizes and trailers, or read-until-close), fed to the sans-I/O parsers at
random cut points, and must come back as the same start line, header list
(order and duplicates kept), body and trailers. Multipart bodies go from
``MultipartWriter`` to ``MultipartReader`` fed in random block sizes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict

from aiohttp_wire.http_parser import (
    BodyData,
    EndOfMessage,
    Event,
    RawRequestMessage,
    RawResponseMessage,
    RequestParser,
    ResponseParser,
)
from aiohttp_wire.http_version import HttpVersion
from aiohttp_wire.http_writer import serialize_headers
from aiohttp_wire.multipart import BodyPartReader, MultipartReader, MultipartWriter
from aiohttp_wire.payload import BytesPayload
from aiohttp_wire.streams import StreamReader

_TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Names whose meaning changes the framing or connection handling; the strategies
# add them deliberately, never at random.
_FRAMING = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "upgrade", "content-encoding"}
)

tokens = st.text(alphabet=_TCHARS, min_size=1, max_size=12)
names = tokens.filter(lambda n: n.lower() not in _FRAMING)
# Field values: visible ASCII and non-ASCII text, inner spaces and tabs, nothing to trim.
_visible = st.characters(
    min_codepoint=0x21, max_codepoint=0x2FF, exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")
)
values = st.one_of(
    _visible,
    st.builds(
        lambda first, middle, last: first + middle + last,
        _visible,
        st.text(alphabet=st.one_of(_visible, st.sampled_from(" \t")), max_size=30),
        _visible,
    ),
)
field_lists = st.lists(st.tuples(names, values), max_size=8)
bodies = st.binary(max_size=600)
paths = st.builds(
    lambda segs, query: "/" + "/".join(segs) + (f"?{query}" if query else ""),
    st.lists(st.text(alphabet=_TCHARS.replace("#", "") + "%:@", max_size=8), max_size=4),
    st.text(alphabet=_TCHARS.replace("#", "") + "=&/?", max_size=16),
)
framings = st.sampled_from(["none", "length", "chunked"])


def _chunked(body: bytes, sizes: list[int], trailers: list[tuple[str, str]]) -> bytes:
    """``body`` in the chunked coding, cut by ``sizes`` (cycled), then ``trailers``."""
    out = []
    pos = 0
    i = 0
    while pos < len(body):
        size = sizes[i % len(sizes)] if sizes else len(body)
        piece = body[pos : pos + size]
        out.append(b"%x\r\n%s\r\n" % (len(piece), piece))
        pos += size
        i += 1
    out.append(b"0\r\n")
    out.extend(f"{n}: {v}\r\n".encode() for n, v in trailers)
    out.append(b"\r\n")
    return b"".join(out)


def _framed(
    start: str,
    fields: list[tuple[str, str]],
    body: bytes,
    framing: str,
    sizes: list[int],
    trailers: list[tuple[str, str]],
) -> bytes:
    headers: CIMultiDict[str] = CIMultiDict(fields)
    if framing == "length":
        headers.add("Content-Length", str(len(body)))
        payload = body
    elif framing == "chunked":
        headers.add("Transfer-Encoding", "chunked")
        payload = _chunked(body, sizes, trailers)
    else:
        payload = body
    return serialize_headers(start, headers) + payload


def _feed(parser: RequestParser | ResponseParser, data: bytes, cuts: list[int]) -> list[Event]:
    events: list[Event] = []
    pos = 0
    for cut in sorted({c % (len(data) + 1) for c in cuts}):
        events += parser.receive_data(data[pos:cut])
        pos = cut
    events += parser.receive_data(data[pos:])
    return events


def _split(events: list[Event]) -> tuple[Any, bytes, list[tuple[str, str]], int]:
    """``(head, body, trailers, ends)`` of the events of one message."""
    head = events[0]
    body = b"".join(e.data for e in events if isinstance(e, BodyData))
    ends = [e for e in events if isinstance(e, EndOfMessage)]
    trailers = list(ends[0].trailers.items()) if ends else []
    return head, body, trailers, len(ends)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]), tokens),
    path=paths,
    minor=st.sampled_from([0, 1]),
    host=st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,5})?", fullmatch=True),
    fields=field_lists,
    body=bodies,
    framing=framings,
    sizes=st.lists(st.integers(min_value=1, max_value=200), max_size=5),
    trailers=field_lists,
    cuts=st.lists(st.integers(min_value=0), max_size=4),
)
def test_request_roundtrip(
    method: str,
    path: str,
    minor: int,
    host: str,
    fields: list[tuple[str, str]],
    body: bytes,
    framing: str,
    sizes: list[int],
    trailers: list[tuple[str, str]],
    cuts: list[int],
) -> None:
    if method == "CONNECT":
        method = "GET"
    if framing == "none":
        body = b""
    if framing != "chunked":
        trailers = []
    all_fields = [("Host", host), *fields]
    data = _framed(f"{method} {path} HTTP/1.{minor}", all_fields, body, framing, sizes, trailers)
    events = _feed(RequestParser(), data, cuts)
    head, got_body, got_trailers, ends = _split(events)
    assert isinstance(head, RawRequestMessage)
    assert (head.method, head.path, head.version) == (method, path, HttpVersion(1, minor))
    assert head.url.raw_path_qs == path
    expected = all_fields.copy()
    if framing == "length":
        expected.append(("Content-Length", str(len(body))))
    elif framing == "chunked":
        expected.append(("Transfer-Encoding", "chunked"))
    assert list(head.headers.items()) == expected
    assert head.raw_headers == tuple((n.encode(), v.encode()) for n, v in expected)
    assert head.chunked is (framing == "chunked")
    assert (got_body, got_trailers, ends) == (body, trailers, 1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.integers(min_value=200, max_value=599).filter(lambda c: c not in (204, 304)),
    reason=st.one_of(st.just(""), values),
    minor=st.sampled_from([0, 1]),
    fields=field_lists,
    body=bodies,
    framing=st.sampled_from(["until-close", "length", "chunked"]),
    sizes=st.lists(st.integers(min_value=1, max_value=200), max_size=5),
    trailers=field_lists,
    cuts=st.lists(st.integers(min_value=0), max_size=4),
)
def test_response_roundtrip(
    code: int,
    reason: str,
    minor: int,
    fields: list[tuple[str, str]],
    body: bytes,
    framing: str,
    sizes: list[int],
    trailers: list[tuple[str, str]],
    cuts: list[int],
) -> None:
    if framing != "chunked":
        trailers = []
    start = f"HTTP/1.{minor} {code} {reason}".rstrip(" ")
    data = _framed(start, fields, body, framing, sizes, trailers)
    parser = ResponseParser()
    events = _feed(parser, data, cuts)
    if framing == "until-close":
        events += parser.receive_eof()
    head, got_body, got_trailers, ends = _split(events)
    assert isinstance(head, RawResponseMessage)
    assert (head.version, head.code, head.reason) == (HttpVersion(1, minor), code, reason)
    expected = fields.copy()
    if framing == "length":
        expected.append(("Content-Length", str(len(body))))
    elif framing == "chunked":
        expected.append(("Transfer-Encoding", "chunked"))
    assert list(head.headers.items()) == expected
    assert head.raw_headers == tuple((n.encode(), v.encode()) for n, v in expected)
    assert head.should_close is (framing == "until-close" or minor == 0)
    assert (got_body, got_trailers, ends) == (body, trailers, 1)


class _Sink:
    """A stream writer that keeps what it is given."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        self.parts.append(bytes(chunk))


class _Proto:
    """Just enough protocol for a ``StreamReader``."""

    connected = True
    _reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self) -> None:
        self._reading_paused = False


part_types = st.sampled_from(
    ["application/octet-stream", "text/plain; charset=utf-8", "image/png", "application/json"]
)
# Part bodies with the bytes that matter to the framing: CR, LF and dashes.
part_bodies = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from([b"\r\n", b"--", b"-", b"\r", b"\n", b"x", b"--b"])).map(b"".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subtype=st.sampled_from(["form-data", "mixed", "related"]),
    boundary=st.text(alphabet=_TCHARS.replace("%", ""), min_size=1, max_size=70),
    parts=st.lists(
        st.tuples(part_bodies, part_types, st.one_of(st.none(), tokens), st.booleans()),
        max_size=6,
    ),
    block=st.integers(min_value=1, max_value=512),
)
def test_multipart_roundtrip(
    subtype: str,
    boundary: str,
    parts: list[tuple[bytes, str, str | None, bool]],
    block: int,
) -> None:
    # RFC 2046: a body part must not contain its delimiter; writers pick boundaries that way.
    delimiter = b"\r\n--" + boundary.encode()
    for data, *_ in parts:
        assume(delimiter not in b"\r\n" + data + b"\r\n")

    async def run() -> list[tuple[bytes, str, str | None, str | None]]:
        writer = MultipartWriter(subtype, boundary=boundary)
        for data, ctype, name, with_file in parts:
            payload = BytesPayload(data, content_type=ctype)
            if name is not None and with_file:
                payload.set_content_disposition("form-data", name=name, filename=f"{name}.bin")
            elif name is not None:
                payload.set_content_disposition("form-data", name=name)
            writer.append_payload(payload)
        sink = _Sink()
        await writer.write(sink)  # type: ignore[arg-type]
        body = b"".join(sink.parts)

        stream = StreamReader(_Proto(), 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
        for i in range(0, len(body), block):
            stream.feed_data(body[i : i + block])
        stream.feed_eof()
        reader = MultipartReader({"Content-Type": writer.content_type}, stream)
        got = []
        while True:
            part = await asyncio.wait_for(reader.next(), 5)
            if part is None:
                break
            assert isinstance(part, BodyPartReader)
            data = bytes(await asyncio.wait_for(part.read(), 5))
            got.append((data, part.headers["Content-Type"], part.name, part.filename))
        return got

    expected = [
        (data, ctype, name, f"{name}.bin" if name is not None and with_file else None)
        for data, ctype, name, with_file in parts
    ]
    assert asyncio.run(run()) == expected
