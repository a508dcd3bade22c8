"""Tests for aiohttp_wire.multipart.

Bodies come from our writer (round trips) and from encoders we did not
write: httpx, the stdlib ``email`` package and hand-built bytes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.parser
import email.policy
import gzip
import inspect
import io
import json
import tracemalloc
import zlib
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from aiohttp_wire.base_protocol import BaseProtocol
from aiohttp_wire.http_exceptions import DecompressSizeError
from aiohttp_wire.http_parser import HttpRequestParser
from aiohttp_wire.multipart import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    BodyPartReader,
    BodyPartReaderPayload,
    ContentDisposition,
    MultipartReader,
    MultipartResponseWrapper,
    MultipartWriter,
    content_disposition_filename,
    parse_content_disposition,
)
from aiohttp_wire.payload import BytesPayload, StringPayload
from aiohttp_wire.streams import StreamReader


class _Proto:
    """Just enough protocol for a StreamReader: records pause/resume."""

    connected = True

    def __init__(self) -> None:
        self._reading_paused = False
        self.resumed = asyncio.Event()

    def pause_reading(self) -> None:
        self._reading_paused = True
        self.resumed.clear()

    def resume_reading(self) -> None:
        self._reading_paused = False
        self.resumed.set()


def make_stream(body: bytes = b"", chunk: int = 0, eof: bool = True) -> StreamReader:
    stream = StreamReader(_Proto(), 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    if chunk:
        for i in range(0, len(body), chunk):
            stream.feed_data(body[i : i + chunk])
    elif body:
        stream.feed_data(body)
    if eof:
        stream.feed_eof()
    return stream


def make_reader(body: bytes, ctype: str, chunk: int = 0) -> MultipartReader:
    return MultipartReader({"Content-Type": ctype}, make_stream(body, chunk))


async def read_all(reader: MultipartReader) -> list[tuple[dict[str, str], bytes]]:
    """Every leaf part as (headers, raw body), nested readers flattened."""
    out: list[tuple[dict[str, str], bytes]] = []
    async for part in reader:
        if isinstance(part, MultipartReader):
            out.extend(await read_all(part))
        else:
            out.append((dict(part.headers), bytes(await part.read())))
    return out


async def serialize(writer: MultipartWriter) -> bytes:
    data = await writer.as_bytes()
    assert writer.size is None or writer.size == len(data)
    return data


def email_parts(body: bytes, ctype: str) -> list[Any]:
    """Parse with the stdlib's MIME parser (an independent implementation)."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
    )
    assert msg.is_multipart()
    assert not msg.defects
    return list(msg.iter_parts())


# round trips through our writer


@pytest.mark.parametrize("chunk", [0, 1, 3, 17, 4096])
async def test_round_trip(chunk: int) -> None:
    trap = b"\r\n--not-the-boundary\r\n--" * 50
    with MultipartWriter("mixed", boundary="frontier") as writer:
        writer.append("text ü")
        writer.append(trap, {"X-Part": "bin"})
        writer.append_json({"k": [1, 2]})
        writer.append_form([("a", "1"), ("b", "x y")])
        writer.append(b"")
    body = await serialize(writer)
    parts = await read_all(make_reader(body, writer.content_type, chunk))
    assert [p[1] for p in parts] == [
        "text ü".encode(),
        trap,
        b'{"k": [1, 2]}',
        b"a=1&b=x+y",
        b"",
    ]
    assert parts[1][0]["X-Part"] == "bin"
    assert parts[2][0]["Content-Type"] == "application/json"
    assert parts[3][0]["Content-Type"] == "application/x-www-form-urlencoded"


async def test_round_trip_nested() -> None:
    inner = MultipartWriter("alternative", boundary="inner")
    inner.append("plain")
    inner.append("<b>html</b>", {"Content-Type": "text/html"})
    outer = MultipartWriter("mixed", boundary="outer")
    outer.append("before")
    outer.append(inner)
    outer.append("after")
    body = await serialize(outer)
    reader = make_reader(body, outer.content_type, chunk=5)
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert await first.text() == "before"
    nested = await reader.next()
    assert isinstance(nested, MultipartReader)
    sub = await nested.next()
    assert isinstance(sub, BodyPartReader)
    assert await sub.text() == "plain"
    # The second inner part is left unread: moving on releases it.
    last = await reader.next()
    assert isinstance(last, BodyPartReader)
    assert await last.text() == "after"
    assert await reader.next() is None
    assert reader.at_eof()
    assert len(email_parts(body, outer.content_type)) == 3


async def test_writer_output_parsed_by_email() -> None:
    writer = MultipartWriter("form-data")
    part = writer.append("v1")
    part.set_content_disposition("form-data", name="field")
    part = writer.append(b"\x00\x01binary", {"Content-Type": "application/x-bin"})
    part.set_content_disposition("form-data", name="file", filename="a b.bin")
    body = await serialize(writer)
    parts = email_parts(body, writer.content_type)
    assert [p.get_param("name", header="content-disposition") for p in parts] == ["field", "file"]
    assert parts[1].get_filename() == "a b.bin"
    assert parts[0].get_payload(decode=True) == b"v1"
    assert parts[1].get_payload(decode=True) == b"\x00\x01binary"


# bodies from other encoders


@pytest.mark.parametrize("chunk", [0, 2, 1000])
async def test_parse_httpx_body(chunk: int) -> None:
    request = httpx.Request(
        "POST",
        "http://example/",
        data={"a": "1", "b": "üñí"},
        files={
            "upload": ("фото.jpg", b"\xff\xd8\r\n--" * 1000, "image/jpeg"),
            "doc": ("d.txt", io.BytesIO(b"doc"), "text/plain"),
        },
    )
    body = request.read()
    reader = make_reader(body, request.headers["content-type"], chunk)
    seen: dict[str, tuple[str | None, bytes]] = {}
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        assert part.name is not None
        seen[part.name] = (part.filename, bytes(await part.read()))
    assert seen == {
        "a": (None, b"1"),
        "b": (None, "üñí".encode()),
        "upload": ("фото.jpg", b"\xff\xd8\r\n--" * 1000),
        "doc": ("d.txt", b"doc"),
    }


async def test_parse_email_package_body_with_preamble_and_epilogue() -> None:
    msg = MIMEMultipart("mixed", boundary="==b==")
    msg.preamble = "This is a preamble line\nand another --==b== lookalike"
    msg.epilogue = "epilogue text"
    msg.attach(MIMEText("hello text", "plain", "utf-8"))
    msg.attach(MIMEApplication(b"\x00\x01\x02" * 100, Name="data.bin"))
    body = msg.as_bytes(policy=email.policy.HTTP).split(b"\r\n\r\n", 1)[1]
    reader = make_reader(body, msg["Content-Type"], chunk=7)
    first = await reader.next()
    assert isinstance(first, BodyPartReader)
    assert first.headers["Content-Transfer-Encoding"] == "base64"
    assert await first.text() == "hello text"
    second = await reader.next()
    assert isinstance(second, BodyPartReader)
    assert await second.read(decode=True) == b"\x00\x01\x02" * 100
    assert await reader.next() is None
    await reader.release()


async def test_parse_hand_built_body() -> None:
    body = (
        b"ignored preamble\r\n"
        b"--xyz  \t\r\n"  # transport padding after the boundary
        b'content-disposition: form-data; name="f1"\r\n'
        b"X-Folded: one\r\n two\r\n"
        b"\r\n"
        b"value one\r\n"
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="f2"; filename="C:\\\\dir\\\\x.txt"\r\n'
        b"Content-Type: text/plain; charset=latin-1\r\n"
        b"\r\n"
        b"caf\xe9\r\n"
        b"--xyz--\r\n"
        b"epilogue, ignored"
    )
    reader = make_reader(body, 'multipart/form-data; boundary="xyz"')
    p1 = await reader.next()
    assert isinstance(p1, BodyPartReader)
    assert p1.name == "f1"
    assert p1.headers["X-Folded"] == "one two"
    assert await p1.text() == "value one"
    p2 = await reader.next()
    assert isinstance(p2, BodyPartReader)
    assert p2.filename == "C:\\dir\\x.txt"
    assert p2.get_charset("utf-8") == "latin-1"
    assert await p2.text() == "café"
    assert await reader.next() is None


async def test_empty_multipart() -> None:
    reader = make_reader(b"--b--\r\n", "multipart/mixed; boundary=b")
    assert await reader.next() is None
    assert reader.at_eof()


# BodyPartReader API


def _part(body: bytes, headers: dict[str, str] | None = None, **kw: Any) -> BodyPartReader:
    # The boundary is "--:"; the reader gets it with the delimiter's leading dashes.
    return BodyPartReader(
        b"----:", CIMultiDictProxy(CIMultiDict(headers or {})), make_stream(body), **kw
    )


async def test_read_chunk_sizes_and_eof() -> None:
    part = _part(b"0123456789" * 3 + b"\r\n----:--\r\n")
    chunks = []
    while not part.at_eof():
        chunks.append(await part.read_chunk(7))
    assert b"".join(chunks) == b"0123456789" * 3
    assert max(map(len, chunks)) <= 7
    assert await part.read_chunk() == b""
    assert await part.read() == bytearray()
    assert await part.next() is None


async def test_readline() -> None:
    part = _part(b"line1\nline2\r\nlast\r\n----:\r\n")
    assert await part.readline() == b"line1\n"
    assert await part.readline() == b"line2\r\n"
    assert await part.readline() == b"last"
    assert part.at_eof()
    assert await part.readline() == b""


async def test_readline_too_long() -> None:
    part = _part(b"x" * 70_000 + b"\r\n----:--")
    with pytest.raises(ValueError):
        await part.readline()


async def test_iterate_part_after_a_partial_read() -> None:
    part = _part(b"a" * 20_000 + b"\r\n----:--")
    assert await part.read_chunk(5) == b"aaaaa"
    assert b"".join([chunk async for chunk in part]) == b"a" * 19_995


async def test_text_json_form_helpers() -> None:
    assert await _part(
        b"\xff\xfe\r\n----:", {"Content-Type": "text/plain; charset=latin-1"}
    ).text() == ("ÿþ")
    assert await _part("ж".encode("cp1251") + b"\r\n----:").text(encoding="cp1251") == "ж"
    assert await _part(b'{"a": 1}\r\n----:').json() == {"a": 1}
    assert await _part(b"\r\n----:").json() is None
    assert await _part(b"a=1&b=&c=%20\r\n----:").form() == [("a", "1"), ("b", ""), ("c", " ")]
    assert await _part(b"\r\n----:").form() == []
    with pytest.raises(ValueError):
        await _part(b"\xff\r\n----:").form()
    assert await _part(b"x\r\n----:", default_charset="latin-1").text() == "x"
    assert _part(b"", default_charset="koi8-r").get_charset("utf-8") == "koi8-r"


@pytest.mark.parametrize(
    ("headers", "raw", "decoded"),
    [
        ({"Content-Transfer-Encoding": "base64"}, base64.encodebytes(b"\x00" * 100), b"\x00" * 100),
        (
            {"Content-Transfer-Encoding": "quoted-printable"},
            b"caf=C3=A9 =\r\nsoft",
            "café soft".encode(),
        ),
        ({"Content-Transfer-Encoding": "binary"}, b"raw", b"raw"),
        ({"Content-Encoding": "gzip"}, gzip.compress(b"zipped" * 100), b"zipped" * 100),
        ({"Content-Encoding": "deflate"}, zlib.compress(b"zlib" * 100), b"zlib" * 100),
        (
            {"Content-Encoding": "deflate"},
            (lambda c: c.compress(b"raw deflate") + c.flush())(zlib.compressobj(wbits=-15)),
            b"raw deflate",
        ),
        ({"Content-Encoding": "identity"}, b"same", b"same"),
    ],
)
async def test_decode(headers: dict[str, str], raw: bytes, decoded: bytes) -> None:
    whole = _part(raw + b"\r\n----:--", headers)
    assert bytes(await whole.read(decode=True)) == decoded
    # Chunk by chunk, as a streaming consumer decodes.
    part = _part(raw + b"\r\n----:--", headers)
    out = b""
    while not part.at_eof():
        out += await part.decode(await part.read_chunk(5))
    assert out == decoded


async def test_decode_errors() -> None:
    with pytest.raises(RuntimeError):
        await _part(b"", {"Content-Transfer-Encoding": "x-uu"}).decode(b"x")
    with pytest.raises(RuntimeError):
        await _part(b"", {"Content-Encoding": "compress"}).decode(b"x")
    with pytest.raises(ValueError):
        await _part(b"!!!!\r\n----:", {"Content-Transfer-Encoding": "base64"}).read(decode=True)
    with pytest.raises(ValueError):
        await _part(b"notzlib\r\n----:", {"Content-Encoding": "gzip"}).read(decode=True)


def _bomb(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed as ``encoding``, without holding them all."""
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(2**20)
    out = [comp.compress(block) for _ in range(size // len(block))]
    out.append(comp.compress(bytes(size % len(block))))
    out.append(comp.flush())
    return b"".join(out)


def _big_bomb(encoding: str, mib: int) -> bytes:
    """A stream inflating to ``mib`` MiB of zeros, built from one repeated block.

    After a full flush a deflate block refers to nothing before it, so the
    same compressed MiB can be repeated; the trailer's checksum is not
    reached by a decoder that stops at its bound.
    """
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    head = comp.compress(bytes(2**20)) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(bytes(2**20)) + comp.flush(zlib.Z_FULL_FLUSH)
    return head + block * (mib - 1) + comp.flush()


@pytest.mark.parametrize("encoding", ["deflate", "gzip"])
async def test_decompression_bomb_raises_without_inflating_it(encoding: str) -> None:
    # 1 GiB of zeros in about 1 MiB: 32 times the default 32 MiB bound.
    bomb = _big_bomb(encoding, 1024)
    assert len(bomb) < 2**21
    part = _part(bomb + b"\r\n----:--", {"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        with pytest.raises(DecompressSizeError, match=str(2**25)):
            await part.read(decode=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # zlib's output blocks and the joined result: twice the bound, never the bomb.
    assert peak < 2**26 + 2**22


@pytest.mark.parametrize(("limit", "fits"), [(1000, True), (999, False), (1, False), (5000, True)])
@pytest.mark.parametrize("encoding", ["deflate", "gzip"])
@pytest.mark.parametrize("chunk", [0, 7, 100])
async def test_max_decompress_size_bounds_the_whole_part(
    limit: int, fits: bool, encoding: str, chunk: int
) -> None:
    raw = _bomb(encoding, 1000)
    part = _part(raw + b"\r\n----:--", {"Content-Encoding": encoding}, max_decompress_size=limit)

    async def decode_all() -> bytes:
        if not chunk:
            return bytes(await part.read(decode=True))
        # Chunk by chunk the budget is shared: many small calls cannot add up past it.
        out = b""
        while not part.at_eof():
            out += await part.decode(await part.read_chunk(chunk))
        return out

    if fits:
        assert await decode_all() == bytes(1000)
    else:
        with pytest.raises(DecompressSizeError):
            await decode_all()


async def test_body_part_reader_takes_the_delimiter_with_its_dashes() -> None:
    headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())
    part = BodyPartReader(b"--xx", headers, make_stream(b"abc\r\n--xx--\r\n"))
    assert await part.read() == b"abc"
    # Without the dashes the delimiter never comes: an error, not a hang.
    bare = BodyPartReader(b"xx", headers, make_stream(b"abc\r\n--xx--\r\n"))
    with pytest.raises(ValueError, match="without a closing boundary"):
        await asyncio.wait_for(bare.read(), 5)


def test_body_part_reader_signature_matches_aiohttp() -> None:
    params = inspect.signature(BodyPartReader).parameters
    assert list(params) == [
        "boundary",
        "headers",
        "content",
        "subtype",
        "default_charset",
        "max_decompress_size",
    ]
    assert params["max_decompress_size"].default == 2**25
    assert params["max_decompress_size"].kind is inspect.Parameter.KEYWORD_ONLY


async def test_decode_is_a_coroutine_as_in_aiohttp_3_13() -> None:
    part = _part(
        base64.b64encode(b"hello") + b"\r\n----:--", {"Content-Transfer-Encoding": "base64"}
    )
    assert inspect.iscoroutinefunction(BodyPartReader.decode)
    assert await part.decode(await part.read_chunk(4)) == b"hel"
    assert await part.decode(await part.read_chunk(100)) == b"lo"
    assert part.at_eof()


async def test_part_is_its_own_async_iterator_yielding_the_whole_part() -> None:
    part = _part(b"a" * 70_000 + b"\r\n----:--")
    assert part.__aiter__() is part
    assert inspect.iscoroutinefunction(BodyPartReader.__anext__)
    # As aiohttp: one item holding the rest of the part, then the end.
    items = [item async for item in part]
    assert items == [bytearray(b"a" * 70_000)]
    assert isinstance(items[0], bytearray)
    with pytest.raises(StopAsyncIteration):
        await part.__anext__()
    assert [item async for item in _part(b"\r\n----:--")] == []


async def test_form_data_parts_ignore_content_encoding() -> None:
    part = _part(b"plain\r\n----:", {"Content-Encoding": "gzip"}, subtype="form-data")
    assert await part.read(decode=True) == b"plain"


async def test_name_and_filename() -> None:
    part = _part(
        b"",
        {"Content-Disposition": "form-data; name=\"n\"; filename*=UTF-8''%E2%82%AC.txt"},
    )
    assert part.name == "n"
    assert part.filename == "€.txt"
    assert _part(b"").name is None


# flow control and bounded memory


async def test_part_without_boundary_streams_in_bounded_memory() -> None:
    proto = _Proto()
    stream = StreamReader(proto, 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=b"}, stream)
    total = 8 * 2**20
    block = b"y" * 2**15

    async def produce() -> None:
        stream.feed_data(b"--b\r\n\r\n")
        sent = 0
        while sent < total:
            if proto._reading_paused:
                await proto.resumed.wait()
            stream.feed_data(block)
            sent += len(block)
        stream.feed_eof()

    async def consume() -> int:
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        got = 0
        while True:
            chunk = await part.read_chunk(2**16)
            got += len(chunk)
            assert len(reader._content._buf) <= 2**18
        return got

    producer = asyncio.create_task(produce())
    with pytest.raises(ValueError, match="closing boundary"):
        await asyncio.wait_for(consume(), 10)
    await asyncio.wait_for(producer, 5)


async def test_waits_for_more_data() -> None:
    stream = make_stream(b"--b\r\nA: 1\r\n\r\nfirst", eof=False)
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=b"}, stream)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    task = asyncio.create_task(part.read())
    stream.feed_data(b" second\r")
    stream.feed_data(b"\n--b--")
    stream.feed_eof()
    assert await asyncio.wait_for(task, 5) == b"first second"
    assert await reader.next() is None


# malformed input


@pytest.mark.parametrize(
    "ctype",
    ["text/plain; boundary=b", "multipart/mixed", "multipart/mixed; boundary=" + "x" * 71],
)
def test_bad_content_type(ctype: str) -> None:
    with pytest.raises(ValueError):
        MultipartReader({"Content-Type": ctype}, StreamReader.__new__(StreamReader))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"no boundary at all",
        b"--b\r\nA: 1\r\n\r\ntruncated part",
        b"--b\r\nA: 1\r\n",
        b"--b\r\nbad header line\r\n\r\n\r\n--b--",
        b"--b\r\n: empty name\r\n\r\n\r\n--b--",
        b"--b\r\nA: " + b"v" * 9000 + b"\r\n\r\n\r\n--b--",
        b"--b\r\n" + b"H: v\r\n" * 200 + b"\r\n\r\n--b--",
        b"--b\r\n\r\nx\r\n--bogus\r\n",
    ],
)
async def test_malformed_bodies_raise_value_error(body: bytes) -> None:
    reader = make_reader(body, "multipart/mixed; boundary=b")
    with pytest.raises(ValueError):
        await asyncio.wait_for(read_all(reader), 5)


async def test_missing_final_dashes_is_accepted() -> None:
    parts = await read_all(make_reader(b"--b\r\n\r\nv\r\n--b", "multipart/mixed; boundary=b"))
    assert parts == [({}, b"v")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=50))
def test_random_bodies_never_hang_or_crash(body: bytes, chunk: int) -> None:
    async def run() -> None:
        full = b"--b\r\n" + body
        reader = make_reader(full, "multipart/mixed; boundary=b", chunk)
        with contextlib.suppress(ValueError, RuntimeError):
            await asyncio.wait_for(read_all(reader), 5)

    asyncio.run(run())


# response wrapper


class _Response:
    def __init__(self, body: bytes, ctype: str) -> None:
        self.headers = {"Content-Type": ctype}
        self.content = make_stream(body)
        self.released = False

    async def release(self) -> None:
        self.released = True


async def test_from_response_releases_at_end() -> None:
    resp = _Response(
        b"--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\n", "multipart/mixed; boundary=b"
    )
    wrapper = MultipartReader.from_response(resp)
    assert isinstance(wrapper, MultipartResponseWrapper)
    texts = []
    async for part in wrapper:
        assert isinstance(part, BodyPartReader)
        texts.append(await part.text())
        assert not resp.released
    assert texts == ["one", "two"]
    assert wrapper.at_eof()
    assert resp.released


async def test_response_wrapper_with_plain_release() -> None:
    class PlainRelease(_Response):
        def release(self) -> None:  # type: ignore[override]
            self.released = True

    resp = PlainRelease(b"--b\r\n\r\nonly\r\n--b--\r\n", "multipart/mixed; boundary=b")
    wrapper = MultipartReader.from_response(resp)
    part = await wrapper.next()
    assert isinstance(part, BodyPartReader)
    assert await part.text() == "only"
    assert await wrapper.next() is None
    assert resp.released


# MultipartWriter details


async def test_writer_boundary_and_headers() -> None:
    writer = MultipartWriter("related", boundary="simple")
    assert writer.boundary == "simple"
    assert writer.content_type == "multipart/related; boundary=simple"
    quoted = MultipartWriter(boundary="a b:c")
    assert quoted.content_type == 'multipart/mixed; boundary="a b:c"'
    assert len(MultipartWriter().boundary) == 32
    for bad in ("", "x" * 71, "a\r\nb", "ü"):
        with pytest.raises(ValueError):
            MultipartWriter(boundary=bad)


async def test_writer_append_errors_and_container_api() -> None:
    writer = MultipartWriter()
    assert writer and len(writer) == 0
    with pytest.raises(TypeError):
        writer.append(object())
    with pytest.raises(RuntimeError):
        writer.append(b"x", {"Content-Encoding": "br-unknown"})
    with pytest.raises(RuntimeError):
        writer.append(b"x", {"Content-Transfer-Encoding": "uuencode"})
    payload = BytesPayload(b"x")
    assert writer.append(payload, {"X-A": "1"}) is payload
    assert payload.headers["X-A"] == "1"
    assert [p for p, _, _ in writer] == [payload]


async def test_writer_encoded_parts_round_trip() -> None:
    writer = MultipartWriter(boundary="enc")
    writer.append(b"gz" * 1000, {"Content-Encoding": "gzip"})
    writer.append(b"\x00\xff" * 500, {"Content-Transfer-Encoding": "base64"})
    writer.append("qp é =\n" * 100, {"Content-Transfer-Encoding": "quoted-printable"})
    writer.append(b"df", {"Content-Encoding": "deflate", "Content-Transfer-Encoding": "base64"})
    assert writer.size is None
    body = await writer.as_bytes()
    reader = make_reader(body, writer.content_type, chunk=11)
    out = []
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        out.append(bytes(await part.read(decode=True)))
    assert out == [b"gz" * 1000, b"\x00\xff" * 500, ("qp é =\n" * 100).encode(), b"df"]
    parts = email_parts(body, writer.content_type)
    assert parts[1].get_payload(decode=True) == b"\x00\xff" * 500
    assert parts[2].get_payload(decode=True) == ("qp é =\n" * 100).encode()


async def test_writer_decode_and_no_close_boundary() -> None:
    writer = MultipartWriter(boundary="d", close_boundary=False)
    writer.append(StringPayload("abc", content_type="text/plain"))
    text = writer.decode()
    assert text == "--d\r\nContent-Type: text/plain\r\n\r\nabc\r\n"
    assert await writer.as_bytes() == text.encode()
    assert writer.size == len(text)


async def test_writer_close_closes_parts() -> None:
    f = io.BytesIO(b"data")
    writer = MultipartWriter()
    writer.append(f)
    await writer.close()
    assert f.closed


async def test_append_json_with_headers() -> None:
    writer = MultipartWriter(boundary="j")
    writer.append_json({"x": 1}, {"X-Id": "7"})
    writer.append_form({"k": "v"})
    parts = await read_all(make_reader(await serialize(writer), writer.content_type))
    assert json.loads(parts[0][1]) == {"x": 1}
    assert parts[0][0]["X-Id"] == "7"
    assert parts[1][1] == b"k=v"


# Content-Disposition parsing


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline", ("inline", {})),
        ("Attachment; FileName=foo.html", ("attachment", {"filename": "foo.html"})),
        ('attachment; filename="f\\"o\\\\o.html"', ("attachment", {"filename": 'f"o\\o.html'})),
        ('attachment; filename="a;b.txt"', ("attachment", {"filename": "a;b.txt"})),
        ("attachment; filename=foo bar.txt", ("attachment", {"filename": "foo bar.txt"})),
        (
            "attachment; filename*=iso-8859-1'en'%A3%20rates",
            ("attachment", {"filename*": "£ rates"}),
        ),
        (
            "attachment; filename*=UTF-8''%E2%82%AC%20rates; filename=\"EURO rates\"",
            ("attachment", {"filename*": "€ rates", "filename": "EURO rates"}),
        ),
        ('form-data; name="a";', ("form-data", {"name": "a"})),
        (None, (None, {})),
        ("", (None, {})),
    ],
)
def test_parse_content_disposition(
    header: str | None, expected: tuple[str | None, dict[str, str]]
) -> None:
    assert parse_content_disposition(header) == expected


@pytest.mark.parametrize(
    ("header", "warning"),
    [
        ('"quoted"; filename=x', BadContentDispositionHeader),
        ("attach ment", BadContentDispositionHeader),
        ("attachment; filename*=nocharset", BadContentDispositionParam),
        ("attachment; filename*=bogus-cs''x", BadContentDispositionParam),
        ('attachment; "junk"', BadContentDispositionParam),
        ("attachment; key", BadContentDispositionParam),
        ("attachment; fi[l]e=x", BadContentDispositionParam),
    ],
)
def test_parse_content_disposition_warns(header: str, warning: type[Warning]) -> None:
    with pytest.warns(warning):
        assert parse_content_disposition(header) == (None, {})


def test_content_disposition_from_header() -> None:
    parsed = ContentDisposition.from_header("Attachment; filename*=UTF-8''na%C3%AFve.txt; x=1")
    assert parsed.type == "attachment"
    assert parsed.filename == "na\u00efve.txt"
    assert dict(parsed.parameters) == {"filename*": "na\u00efve.txt", "x": "1"}
    with pytest.raises(TypeError):
        parsed.parameters["x"] = "2"  # type: ignore[index]
    # Positional construction, as code written against aiohttp builds it.
    built = ContentDisposition("inline", {}, None)
    assert (built.type, built.filename) == ("inline", None)


def test_content_disposition_filename() -> None:
    assert content_disposition_filename({}) is None
    assert content_disposition_filename({"filename": "a", "filename*": "b"}) == "b"
    assert content_disposition_filename({"name": "n"}, "name") == "n"
    _, params = parse_content_disposition('attachment; filename*0="foo."; filename*1="html"')
    assert content_disposition_filename(params) == "foo.html"
    _, params = parse_content_disposition(
        "attachment; filename*0*=UTF-8''%E2%82%AC; filename*1*=%20x; filename*2=.txt"
    )
    assert content_disposition_filename(params) == "€ x.txt"
    _, params = parse_content_disposition("attachment; filename*0=a; filename*2=c")
    assert content_disposition_filename(params) == "a"


async def test_body_part_reader_as_payload() -> None:
    source = MultipartWriter("form-data", boundary="src")
    part = source.append(b"\x00upload" * 1000, {"Content-Type": "image/png"})
    part.set_content_disposition("form-data", name="f", filename="p.png")
    reader = make_reader(await serialize(source), source.content_type, chunk=100)
    incoming = await reader.next()
    assert isinstance(incoming, BodyPartReader)
    forwarded = MultipartWriter("mixed", boundary="fwd")
    payload = forwarded.append(incoming)
    assert isinstance(payload, BodyPartReaderPayload)
    assert payload.size is None
    assert payload.content_type == "image/png"
    assert payload.headers["Content-Disposition"] == 'attachment; name="f"; filename="p.png"'
    with pytest.raises(TypeError):
        payload.decode()
    body = await forwarded.as_bytes()
    assert payload.consumed
    parts = email_parts(body, forwarded.content_type)
    assert parts[0].get_filename() == "p.png"
    assert parts[0].get_payload(decode=True) == b"\x00upload" * 1000


class _UploadServer(BaseProtocol):
    """Parses requests with our HTTP parser and answers with a JSON summary of the parts."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self._parser = HttpRequestParser(self, loop, 2**16)
        self._tasks: set[asyncio.Task[None]] = set()

    def data_received(self, data: bytes) -> None:
        messages, _, _ = self._parser.feed_data(data)
        for message, payload in messages:
            task = asyncio.get_running_loop().create_task(self._answer(message, payload))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer(self, message: Any, payload: StreamReader) -> None:
        reader = MultipartReader(message.headers, payload)
        summary = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            size = 0
            while chunk := await part.read_chunk(4096):
                size += len(chunk)
            summary.append([part.name, part.filename, size])
        body = json.dumps(summary).encode()
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        self.transport.close()


async def test_httpx_upload_over_loopback() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _UploadServer(loop), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    big = b"\r\n--" * 300_000
    try:
        response = await asyncio.to_thread(
            httpx.post,
            f"http://127.0.0.1:{port}/upload",
            data={"field": "value"},
            files={"file": ("big.bin", big, "application/octet-stream")},
            timeout=5,
        )
    finally:
        server.close()
        await server.wait_closed()
    assert response.status_code == 200
    assert response.json() == [["field", None, 5], ["file", "big.bin", len(big)]]


async def test_charset_field_sets_form_default() -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; name=_charset_\r\n\r\nwindows-1251\r\n"
        b"--b\r\nContent-Disposition: form-data; name=t\r\n\r\n\xe6\r\n"
        b"--b\r\nContent-Disposition: form-data; name=_charset_\r\n\r\nno-such-codec\r\n"
        b"--b\r\nContent-Disposition: form-data; name=u\r\n\r\n\xe6\r\n--b--\r\n"
    )
    reader = make_reader(body, "multipart/form-data; boundary=b")
    texts = {}
    async for part in reader:
        assert isinstance(part, BodyPartReader)
        texts[part.name] = await part.text()
    assert texts == {"t": "ж", "u": "ж"}
    # Outside form-data the field is an ordinary part.
    mixed = make_reader(body, "multipart/mixed; boundary=b")
    first = await mixed.next()
    assert isinstance(first, BodyPartReader) and first.name == "_charset_"


async def test_many_charset_fields_do_not_recurse() -> None:
    field = b"--b\r\nContent-Disposition: form-data; name=_charset_\r\n\r\nutf-8\r\n"
    body = field * 5000 + b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n--b--"
    reader = make_reader(body, "multipart/form-data; boundary=b")
    part = await reader.next()
    assert isinstance(part, BodyPartReader) and part.name == "x"
    assert await reader.next() is None


async def test_curl_upload_over_loopback(tmp_path: Any) -> None:
    upload = tmp_path / "data.bin"
    payload = bytes(range(256)) * 2000 + b"\r\n--"
    upload.write_bytes(payload)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _UploadServer(loop), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        proc = await asyncio.create_subprocess_exec(
            "curl",
            "--silent",
            "--show-error",
            "--max-time",
            "5",
            "-H",
            "Expect:",
            "-F",
            "title=héllo",
            "-F",
            f"doc=@{upload};filename=ré sumé.bin;type=application/x-test",
            f"http://127.0.0.1:{port}/upload",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 10)
    finally:
        server.close()
        await server.wait_closed()
    assert proc.returncode == 0, err
    assert json.loads(out) == [
        ["title", None, len("héllo".encode())],
        ["doc", "ré sumé.bin", len(payload)],
    ]


# limits: hostile inputs fed over a StreamReader


def _mixed(body: bytes, chunk: int = 0) -> MultipartReader:
    return make_reader(body, "multipart/mixed; boundary=b", chunk)


def _with_header_lines(*lines: bytes) -> bytes:
    return b"--b\r\n" + b"".join(line + b"\r\n" for line in lines) + b"\r\nv\r\n--b--\r\n"


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
async def test_part_header_line_limit_is_8190_bytes(eol: bytes) -> None:
    line = b"X-Long: " + b"v" * (8190 - 8)
    assert len(line) == 8190
    body = b"--b\r\n" + line + eol + b"\r\nv\r\n--b--\r\n"
    [(headers, value)] = await read_all(_mixed(body))
    assert len(headers["X-Long"]) == 8182 and value == b"v"
    body = b"--b\r\n" + line + b"v" + eol + b"\r\nv\r\n--b--\r\n"
    with pytest.raises(ValueError, match="header line longer than 8190 bytes"):
        await asyncio.wait_for(read_all(_mixed(body, chunk=1000)), 5)


async def test_part_header_line_without_end_is_cut_at_the_limit() -> None:
    # The line never ends: the reader stops after the limit, not at EOF.
    stream = make_stream(b"--b\r\nX: " + b"v" * 20_000, eof=False)
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=b"}, stream)
    with pytest.raises(ValueError, match="longer than 8190"):
        await asyncio.wait_for(reader.next(), 5)


async def test_part_header_count_limit_is_128() -> None:
    lines = [b"H%d: v" % i for i in range(128)]
    [(headers, _)] = await read_all(_mixed(_with_header_lines(*lines)))
    assert len(headers) == 128
    with pytest.raises(ValueError, match="More than 128 header lines"):
        await read_all(_mixed(_with_header_lines(*lines, b"H: one too many")))


async def test_folded_part_header_is_bounded_as_a_whole() -> None:
    [(headers, _)] = await read_all(_mixed(_with_header_lines(b"A: one", b" two", b"\tthree")))
    assert headers == {"A": "one two three"}
    folds = [b" " + b"f" * 4000] * 3
    with pytest.raises(ValueError, match="Folded multipart part header longer than 8190"):
        await read_all(_mixed(_with_header_lines(b"A: x", *folds)))


def _nested(depth: int) -> bytes:
    """A body whose only leaf sits ``depth`` readers deep (the outer one included)."""
    head = b""
    tail = b""
    for level in range(1, depth):
        head += b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (level, level + 1)
        tail = b"\r\n--b%d--\r\n" % level + tail
    return head + b"--b%d\r\n\r\nleaf\r\n--b%d--" % (depth, depth) + tail


async def test_nesting_depth_is_bounded() -> None:
    def reader(body: bytes) -> MultipartReader:
        return make_reader(body, "multipart/mixed; boundary=b1")

    assert await read_all(reader(_nested(32))) == [({}, b"leaf")]
    with pytest.raises(ValueError, match="nested deeper than 32 levels"):
        await read_all(reader(_nested(33)))
    # Releasing a very deep body unread recurses at most 32 levels, then stops.
    with pytest.raises(ValueError, match="nested deeper"):
        await asyncio.wait_for(reader(_nested(5000)).release(), 5)


async def test_every_truncation_ends_with_an_error_or_the_parts() -> None:
    body = (
        b"preamble\r\n--b\r\nA: 1\r\n\r\nfirst\r\n"
        b"--b\r\nContent-Type: multipart/mixed; boundary=in\r\n\r\n"
        b"--in\r\n\r\ninner\r\n--in--\r\n"
        b"--b\r\n\r\n\r\n--b--\r\n"
    )
    complete = [({"A": "1"}, b"first"), ({}, b"inner"), ({}, b"")]
    assert await read_all(_mixed(body)) == complete
    for cut in range(len(body)):
        try:
            parts = await asyncio.wait_for(read_all(_mixed(body[:cut], chunk=7)), 5)
        except ValueError:
            continue
        # Only the final boundary's line end may be missing, or its dashes:
        # a delimiter at EOF closes the body (test_missing_final_dashes_is_accepted).
        if body[:cut].endswith(b"\r\n--b"):
            assert parts == complete[: len(parts)]
        else:
            assert parts == complete and body[cut:] in (b"\r\n", b"\n")


async def test_part_body_ending_at_eof_names_the_missing_boundary() -> None:
    reader = _mixed(b"--b\r\n\r\n" + b"x" * 200_000)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)
    with pytest.raises(ValueError, match="without a closing boundary"):
        await asyncio.wait_for(part.read(), 5)


async def _decode_in_chunks(part: BodyPartReader, chunk: int) -> bytes:
    out = b""
    while not part.at_eof():
        out += await part.decode(await part.read_chunk(chunk))
    return out


@pytest.mark.parametrize(
    "raw",
    [
        b"!!!!",
        b"QUJD\x00",
        b"QUF",
        b"=QQ=",
        b"QQ==QUJD",
        b"QQ==\r\nQUJD",
        b"QUJD" * 5000 + b"*",
    ],
)
@pytest.mark.parametrize("chunk", [4, 5, 2**16])
async def test_base64_garbage_raises(raw: bytes, chunk: int) -> None:
    part = _part(raw + b"\r\n----:--", {"Content-Transfer-Encoding": "base64"})
    with pytest.raises(ValueError, match="Invalid base64 data"):
        await _decode_in_chunks(part, chunk)


async def test_base64_whitespace_runs_are_decoded_in_bounded_memory() -> None:
    raw = (b"QUJD" + b" \r\n\t" * 5000) * 50
    part = _part(raw + b"\r\n----:--", {"Content-Transfer-Encoding": "base64"})
    out = b""
    while not part.at_eof():
        out += await part.decode(await part.read_chunk(1000))
        assert part._decoders is not None
        assert len(part._decoders[0]._rest) < 4  # type: ignore[union-attr]
    assert out == b"ABC" * 50


async def test_quoted_printable_without_line_breaks_is_decoded_in_bounded_memory() -> None:
    raw = b"=41b=\r\n" + b"=42c" * 100_000
    part = _part(raw + b"\r\n----:--", {"Content-Transfer-Encoding": "quoted-printable"})
    out = b""
    while not part.at_eof():
        out += await part.decode(await part.read_chunk(4099))
        assert part._decoders is not None
        assert len(part._decoders[0]._rest) < 2**16 + 4099  # type: ignore[union-attr]
    assert out == b"Ab" + b"Bc" * 100_000


async def test_quoted_printable_malformed_escapes_are_kept_literally() -> None:
    # RFC 2045 section 6.7: a robust decoder passes a bad "=" sequence through.
    raw = b"a=ZZb=4\n=\r\nc"
    part = _part(raw + b"\r\n----:--", {"Content-Transfer-Encoding": "quoted-printable"})
    assert await part.read(decode=True) == b"a=ZZb=4\nc"


async def test_huge_part_read_chunk_by_chunk_keeps_the_window_small() -> None:
    proto = _Proto()
    stream = StreamReader(proto, 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=b"}, stream)
    total = 16 * 2**20
    # Near-misses of the delimiter make the scanner keep bytes back at every block end.
    block = (b"\r\n--" + b"z" * 1020) * 32

    async def produce() -> None:
        stream.feed_data(b"--b\r\nContent-Transfer-Encoding: binary\r\n\r\n")
        sent = 0
        while sent < total:
            if proto._reading_paused:
                await proto.resumed.wait()
            stream.feed_data(block)
            sent += len(block)
        stream.feed_data(b"\r\n--b\r\n\r\nsecond\r\n--b--\r\n")
        stream.feed_eof()

    async def consume() -> list[int]:
        sizes = []
        async for part in reader:
            assert isinstance(part, BodyPartReader)
            size = 0
            while chunk := await part.read_chunk(8192):
                size += len(await part.decode(chunk))
                assert len(reader._content._buf) <= 2**16 + 8192 + 8
                assert stream._size <= 2 * 2**16 + len(block)
            sizes.append(size)
        return sizes

    producer = asyncio.create_task(produce())
    assert await asyncio.wait_for(consume(), 20) == [total, 6]
    await asyncio.wait_for(producer, 5)


async def test_long_preamble_line_is_skipped_in_pieces() -> None:
    # A delimiter counts only at a line start, even when a long line is read in pieces.
    # The first "--b" starts a 1024-byte piece of its line, the second is mid-piece.
    body = b"x" * 102_400 + b"--b\r\n" + b"y" * 1000 + b"--b\r\n\r\n--b\r\n\r\nv\r\n--b--"
    reader = _mixed(body, chunk=4096)
    assert await asyncio.wait_for(read_all(reader), 5) == [({}, b"v")]
    assert len(reader._content._buf) <= 2**16 + 4096


async def test_endless_preamble_ends_with_an_error() -> None:
    reader = _mixed(b"no boundary here\r\n" * 50_000 + b"-" * 100_000)
    with pytest.raises(ValueError, match="Could not find starting boundary"):
        await asyncio.wait_for(reader.next(), 5)


async def test_last_chunk_of_a_part_carries_its_end_for_decoding() -> None:
    # The window ends one byte short of the delimiter: the part's last bytes
    # must wait for it, or a decoder holding "abc" would never see the end.
    stream = make_stream(
        b"--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nabc\r\n--", eof=False
    )
    reader = MultipartReader({"Content-Type": "multipart/mixed; boundary=b"}, stream)
    part = await reader.next()
    assert isinstance(part, BodyPartReader)

    async def consume() -> bytes:
        out = b""
        while chunk := await part.read_chunk(3):
            out += await part.decode(chunk)
        return out

    task = asyncio.create_task(consume())
    stream.feed_data(b"b--\r\n")
    stream.feed_eof()
    assert await asyncio.wait_for(task, 5) == b"abc"


@pytest.mark.parametrize(
    ("encoding", "compressed"),
    [
        ("gzip", gzip.compress(b"payload" * 1000)),
        ("deflate", zlib.compress(b"payload" * 1000)),
        ("deflate", zlib.compress(b"payload" * 1000)[2:-4]),  # raw deflate
    ],
)
@pytest.mark.parametrize("chunk", [1, 2**16])
async def test_compressed_part_streamed_or_truncated(
    encoding: str, compressed: bytes, chunk: int
) -> None:
    def part(raw: bytes) -> BodyPartReader:
        return _part(raw + b"\r\n----:--", {"Content-Encoding": encoding})

    assert await _decode_in_chunks(part(compressed), chunk) == b"payload" * 1000
    with pytest.raises(ValueError, match="truncated"):
        await _decode_in_chunks(part(compressed[:-10]), chunk)
    assert await _decode_in_chunks(part(b""), chunk) == b""
