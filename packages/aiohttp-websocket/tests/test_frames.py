"""Frame parsing and serialisation, cross-checked against the `websockets` package."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections.abc import Callable, Generator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.frames import Frame as WsFrame
from websockets.frames import Opcode

from aiohttp_websocket import frames
from aiohttp_websocket.frames import (
    C_MASK,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_TEXT,
    PIECE,
    FrameParser,
    apply_mask,
    build_frame,
    build_masked_frame,
    build_plain_frame,
    iter_masked_frame,
)
from aiohttp_websocket.models import WebSocketError


def _naive_mask(mask: bytes, data: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


@given(st.binary(min_size=4, max_size=4), st.binary(max_size=300))
def test_apply_mask_matches_definition(mask: bytes, data: bytes) -> None:
    assert apply_mask(mask, data) == _naive_mask(mask, data)
    assert apply_mask(mask, apply_mask(mask, data)) == data


@pytest.mark.parametrize("size", [2048, 2049, 16383, 16384, 16385, 3 * 16384 + 7])
def test_apply_mask_large_payloads_block_by_block(size: int) -> None:
    # Large payloads are masked in integer blocks: every block edge and a
    # ragged tail must still follow the key's phase.
    mask = os.urandom(4)
    data = os.urandom(size)
    assert apply_mask(mask, data) == _naive_mask(mask, data)


@given(st.binary(min_size=4, max_size=4), st.binary(max_size=300))
def test_python_masking_matches_definition(mask: bytes, data: bytes) -> None:
    # The fallback stays tested where the accelerator is built.
    assert frames._apply_mask_py(mask, data) == _naive_mask(mask, data)


def _c_mask() -> Callable[..., bytes]:
    """The accelerator itself: CI builds it, so a failed build fails here."""
    from aiohttp_websocket._mask import mask

    return mask


@pytest.mark.parametrize("size", [0, 1, 3, 7, 8, 9, 15, 16, 17, 4096 + 5, 1 << 20])
@pytest.mark.parametrize("offset", [0, 1, 3])
def test_c_mask_matches_definition_at_any_alignment(size: int, offset: int) -> None:
    mask = os.urandom(4)
    data = os.urandom(size + offset)
    view = memoryview(data)[offset:]
    expected = _naive_mask(mask, bytes(view)) if size < 5000 else None
    result = _c_mask()(mask, view)
    assert type(result) is bytes
    assert result == (expected if expected is not None else frames._apply_mask_py(mask, view))
    assert _c_mask()(mask, bytearray(result)) == bytes(view)


def test_c_mask_writes_the_header_first() -> None:
    assert _c_mask()(b"\x01\x02\x03\x04", b"\x00" * 6, b"head") == b"head\x01\x02\x03\x04\x01\x02"
    assert _c_mask()(b"abcd", b"", b"") == b""


def test_c_mask_rejects_bad_arguments() -> None:
    mask = _c_mask()
    with pytest.raises(ValueError, match="4 bytes"):
        mask(b"abc", b"data")
    with pytest.raises(TypeError):
        mask(b"abcd")
    with pytest.raises(TypeError):
        mask(b"abcd", b"x", b"", b"")
    with pytest.raises(TypeError):
        mask(b"abcd", "text")


def test_no_extensions_environment_keeps_python_masking() -> None:
    code = "from aiohttp_websocket import frames; print(frames.C_MASK is None)"
    env = dict(os.environ, AIOHTTP_NO_EXTENSIONS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    assert out.stdout.strip() == b"True"


def _ws_parse(data: bytes, *, mask: bool) -> WsFrame:
    """Parse one frame with `websockets`' reader."""
    view = memoryview(data)
    pos = 0

    def read_exact(n: int) -> Generator[None, None, bytes]:
        nonlocal pos
        chunk = bytes(view[pos : pos + n])
        pos += n
        return chunk
        yield  # pragma: no cover - makes this a generator

    gen = WsFrame.parse(read_exact, mask=mask)
    try:
        next(gen)
    except StopIteration as stop:
        assert pos == len(data)
        frame: WsFrame = stop.value
        return frame
    raise AssertionError("frame incomplete")


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
@pytest.mark.parametrize("masked", [False, True])
def test_build_frame_read_by_websockets(size: int, masked: bool) -> None:
    payload = os.urandom(size)
    data = build_frame(OP_BINARY, payload, mask=os.urandom(4) if masked else None)
    frame = _ws_parse(data, mask=masked)
    assert frame.opcode is Opcode.BINARY
    assert frame.fin
    assert frame.data == payload


@pytest.mark.parametrize("size", [0, 1, 3, 125, 126, 2047, 2048, 65535, 65536])
def test_build_masked_frame_read_by_websockets(size: int) -> None:
    payload = os.urandom(size)
    key = int.from_bytes(os.urandom(4), "big")
    data = build_masked_frame(0x82, payload, key)
    assert data[data.index(key.to_bytes(4, "big")) :][:4] == key.to_bytes(4, "big")
    frame = _ws_parse(data, mask=True)
    assert (frame.opcode, frame.fin, frame.data) == (Opcode.BINARY, True, payload)


@pytest.mark.parametrize("size", [1, PIECE, PIECE + 1, 2 * PIECE, 3 * PIECE + 3])
def test_iter_masked_frame_pieces_make_the_whole_frame(size: int) -> None:
    payload = os.urandom(size)
    key = int.from_bytes(os.urandom(4), "big")
    pieces = list(iter_masked_frame(0x82, payload, key))
    # Masking in Python goes piece by piece; in C the frame is built whole.
    assert len(pieces) == (-(-size // PIECE) if C_MASK is None else 1)
    assert b"".join(pieces) == build_masked_frame(0x82, payload, key)
    frame = _ws_parse(b"".join(pieces), mask=True)
    assert frame.data == payload


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536])
def test_build_plain_frame_read_by_websockets(size: int) -> None:
    payload = os.urandom(size)
    frame = _ws_parse(build_plain_frame(0x01, payload), mask=False)
    assert (frame.opcode, frame.fin, frame.data) == (Opcode.TEXT, False, payload)


def test_build_frame_bits() -> None:
    assert build_frame(OP_TEXT, b"a") == b"\x81\x01a"
    assert build_frame(OP_TEXT, b"a", fin=False) == b"\x01\x01a"
    assert build_frame(OP_BINARY, b"a", rsv1=True) == b"\xc2\x01a"
    assert build_frame(OP_PING, b"", mask=b"\x01\x02\x03\x04") == b"\x89\x80\x01\x02\x03\x04"
    assert build_frame(OP_BINARY, b"x" * 126)[:4] == b"\x82\x7e\x00\x7e"
    assert build_frame(OP_BINARY, b"x" * 65536)[:10] == b"\x82\x7f" + struct.pack("!Q", 65536)


def _ws_frames(masked: bool) -> tuple[bytes, list[tuple[bool, int, bytes]]]:
    frames = [
        WsFrame(Opcode.TEXT, b"hello", fin=False),
        WsFrame(Opcode.PING, b"p"),
        WsFrame(Opcode.CONT, b" world", fin=True),
        WsFrame(Opcode.BINARY, bytes(range(256)) * 300),
        WsFrame(Opcode.BINARY, b""),
        WsFrame(Opcode.BINARY, b"m" * 200),
        WsFrame(Opcode.CLOSE, struct.pack("!H", 1000) + b"bye"),
    ]
    wire = b"".join(f.serialize(mask=masked) for f in frames)
    return wire, [(f.fin, int(f.opcode), bytes(f.data)) for f in frames]


@pytest.mark.parametrize("masked", [False, True])
def test_parse_websockets_frames_whole(masked: bool) -> None:
    wire, expected = _ws_frames(masked)
    parsed = FrameParser(masked).feed(wire)
    assert [(fin, op, data) for fin, _rsv1, op, data in parsed] == expected


@given(st.lists(st.integers(min_value=1, max_value=40_000), max_size=40), st.booleans())
def test_parse_arbitrary_splits(cuts: list[int], masked: bool) -> None:
    wire, expected = _ws_frames(masked)
    parser = FrameParser(masked)
    got = []
    pos = 0
    for cut in cuts:
        got += parser.feed(wire[pos : pos + cut])
        pos += cut
    got += parser.feed(wire[pos:])
    assert [(fin, op, data) for fin, _rsv1, op, data in got] == expected


def test_parse_byte_by_byte() -> None:
    wire, expected = _ws_frames(True)
    parser = FrameParser(True)
    got = []
    for i in range(len(wire)):
        got += parser.feed(wire[i : i + 1])
    assert [(fin, op, data) for fin, _rsv1, op, data in got] == expected


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("first_chunk", [3, 9, 14, 20_000, 20_001, 30_000, 30_003])
def test_large_frames_received_directly(masked: bool, first_chunk: int) -> None:
    # Two large frames of one fragmented message, then a small one, in one stream:
    # each large payload goes straight into its own buffer; what follows its
    # end in the same chunk is parsed as usual.
    first = os.urandom(20_000)
    second = os.urandom(70_000)
    mask = b"\x0f\xf0\x55\xaa" if masked else None
    wire = (
        build_frame(OP_BINARY, first, fin=False, mask=mask)
        + build_frame(OP_CONTINUATION, second, mask=mask)
        + build_frame(OP_TEXT, b"tail", mask=mask)
    )
    parser = FrameParser(masked, max_size=90_000)
    got = parser.feed(wire[:first_chunk])
    assert not parser.idle
    got += parser.feed(wire[first_chunk:-3])
    got += parser.feed(wire[-3:])
    assert parser.idle
    assert got == [
        (False, False, OP_BINARY, first),
        (True, False, OP_CONTINUATION, second),
        (True, False, OP_TEXT, b"tail"),
    ]
    assert all(type(frame[3]) is bytes for frame in got)


def test_a_large_header_alone_allocates_nothing_big() -> None:
    # A header announcing 2**40 bytes, with a few of them: only what arrived is kept.
    parser = FrameParser(False)
    assert parser.feed(b"\x82\x7f" + struct.pack("!Q", 1 << 40) + b"abc") == []
    assert parser._parts == [b"abc"]
    assert not parser._buf
    assert parser.feed(b"de") == []
    assert parser._parts == [b"abc", b"de"]


@pytest.mark.parametrize("masked", [False, True])
def test_large_frame_pieces_do_not_alias_the_callers_buffer(masked: bool) -> None:
    # Pieces of a large frame are kept until its end: a bytearray the caller
    # reuses afterwards must not change what was received.
    payload = os.urandom(40_000)
    wire = build_frame(OP_BINARY, payload, mask=b"\x01\x02\x03\x04" if masked else None)
    parser = FrameParser(masked)
    buffer = bytearray(wire)
    assert parser.feed(memoryview(buffer)[:20_000]) == []
    assert parser.feed(memoryview(buffer)[20_000:30_000]) == []
    buffer[:30_000] = bytes(30_000)
    assert parser.feed(wire[30_000:]) == [(True, False, OP_BINARY, payload)]


def test_large_fragments_still_count_towards_max_size() -> None:
    parser = FrameParser(False, max_size=80_000)
    wire = build_frame(OP_BINARY, b"a" * 40_000, fin=False)
    assert parser.feed(wire[:100]) == []
    assert parser.feed(wire[100:]) == [(False, False, OP_BINARY, b"a" * 40_000)]
    with pytest.raises(WebSocketError) as info:
        parser.feed(build_frame(OP_CONTINUATION, b"b" * 40_001)[:10])
    assert info.value.code == 1009


def test_max_size_checked_from_header_alone() -> None:
    parser = FrameParser(False, max_size=1000)
    assert parser.feed(build_frame(OP_BINARY, b"x" * 1000)) == [
        (True, False, OP_BINARY, b"x" * 1000)
    ]
    with pytest.raises(WebSocketError) as info:
        # Only the header of a 1001-byte frame: rejected before any payload arrives.
        parser.feed(b"\x82\x7e" + struct.pack("!H", 1001))
    assert info.value.code == 1009


def test_control_frames_do_not_count() -> None:
    parser = FrameParser(False, max_size=1)
    assert parser.feed(build_frame(OP_PING, b"x" * 125)) == [(True, False, OP_PING, b"x" * 125)]


@pytest.mark.parametrize(
    ("masked", "data", "match"),
    [
        (True, build_frame(OP_TEXT, b"a"), "unmasked"),
        (False, build_frame(OP_TEXT, b"a", mask=b"abcd"), "masked frame from the server"),
        (False, b"\x09\x00", "fragmented control"),
        (False, b"\x89\x7e\x00\x7e" + b"x" * 126, "125 bytes"),
        (False, b"\xa1\x00", "reserved bits"),
        (False, b"\x91\x00", "reserved bits"),
        (False, b"\xc1\x00", "RSV1"),
        (False, b"\x83\x00", "reserved opcode 3"),
        (False, b"\x8b\x00", "reserved opcode 11"),
        (False, b"\x82\x7f\x80" + b"\x00" * 7, "64-bit"),
    ],
)
def test_frame_violations(masked: bool, data: bytes, match: str) -> None:
    with pytest.raises(WebSocketError, match=match) as info:
        FrameParser(masked).feed(data)
    assert info.value.code == 1002


def test_rsv1_rules_with_compression() -> None:
    parser = FrameParser(False, rsv1_allowed=True)
    assert parser.feed(b"\xc1\x00") == [(True, True, OP_TEXT, b"")]
    for bad in (b"\xc0\x00", b"\xc9\x00"):
        with pytest.raises(WebSocketError, match="RSV1"):
            FrameParser(False, rsv1_allowed=True).feed(bad)


def test_opcode_constants() -> None:
    assert (OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING) == (0, 1, 2, 8, 9)


def test_frames_before_a_violation_come_first_then_the_error() -> None:
    parser = FrameParser(masked=False)
    good = build_frame(OP_TEXT, b"first")
    # An opcode that RFC 6455 reserves follows a good frame in the same data.
    assert parser.feed(good + b"\x83\x00") == [(True, False, OP_TEXT, b"first")]
    assert isinstance(parser.error, WebSocketError)
    with pytest.raises(WebSocketError):
        parser.feed(good)


def test_a_violation_alone_raises_at_once() -> None:
    parser = FrameParser(masked=False)
    with pytest.raises(WebSocketError):
        parser.feed(b"\x83\x00")
    assert parser.error is None
