"""The sans-I/O protocol against `websockets`' sans-I/O peers, plus a violation table."""

from __future__ import annotations

import os
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.uri import parse_uri

from aiohttp_websocket.frames import (
    C_MASK,
    OP_BINARY,
    OP_CONTINUATION,
    OP_PING,
    OP_TEXT,
    PIECE,
    apply_mask,
    build_frame,
)
from aiohttp_websocket.models import WebSocketError, WSMessage, WSMsgType
from aiohttp_websocket.protocol import WebSocketProtocol, is_valid_close_code

MASK = b"\x12\x34\x56\x78"


def ws_client(*, deflate: PerMessageDeflate | None = None) -> ClientProtocol:
    peer = ClientProtocol(parse_uri("ws://test/"), state=State.OPEN, max_size=None)
    if deflate is not None:
        peer.extensions = [deflate]
    return peer


def ws_server(*, deflate: PerMessageDeflate | None = None) -> ServerProtocol:
    peer = ServerProtocol(state=State.OPEN, max_size=None)
    if deflate is not None:
        peer.extensions = [deflate]
    return peer


def feed(proto: WebSocketProtocol, chunks: list[bytes]) -> list[WSMessage]:
    for chunk in chunks:
        proto.receive_data(chunk)
    return proto.events_received()


def sent_frames(peer: ClientProtocol | ServerProtocol, data: bytes) -> list[Frame]:
    peer.receive_data(data)
    return [event for event in peer.events_received() if isinstance(event, Frame)]


def test_server_receives_websockets_client_messages() -> None:
    peer = ws_client()
    peer.send_text("héllo".encode())
    peer.send_binary(b"\x00\x01")
    peer.send_text(b"frag", fin=False)
    peer.send_ping(b"ping!")
    peer.send_continuation("mént".encode(), fin=False)
    peer.send_pong(b"pong")
    peer.send_continuation(b"", fin=True)
    peer.send_binary(b"", fin=True)
    peer.send_close(4001, "bye")
    ours = WebSocketProtocol(is_client=False)
    events = feed(ours, peer.data_to_send())
    assert events == [
        (WSMsgType.TEXT, "héllo", ""),
        (WSMsgType.BINARY, b"\x00\x01", ""),
        (WSMsgType.PING, b"ping!", ""),
        (WSMsgType.PONG, b"pong", ""),
        (WSMsgType.TEXT, "fragmént", ""),
        (WSMsgType.BINARY, b"", ""),
        (WSMsgType.CLOSE, 4001, "bye"),
    ]
    assert ours.close_received
    # Nothing is parsed after a close frame.
    ours.receive_data(build_frame(OP_TEXT, b"late", mask=MASK))
    assert ours.events_received() == []


def test_client_messages_read_by_websockets_server() -> None:
    ours = WebSocketProtocol(is_client=True)
    ours.send_text("hi ☃")
    ours.send_binary(b"\xff" * 70000)
    ours.send_ping(b"1")
    ours.send_pong(b"2")
    ours.send_frame(b"ab", OP_TEXT, fin=False)
    ours.send_frame(b"cd", OP_CONTINUATION)
    ours.send_close(1001, "going")
    assert ours.close_sent
    frames = sent_frames(ws_server(), ours.data_to_send())
    assert [(f.opcode, f.data, f.fin) for f in frames] == [
        (Opcode.TEXT, "hi ☃".encode(), True),
        (Opcode.BINARY, b"\xff" * 70000, True),
        (Opcode.PING, b"1", True),
        (Opcode.PONG, b"2", True),
        (Opcode.TEXT, b"ab", False),
        (Opcode.CONT, b"cd", True),
        (Opcode.CLOSE, struct.pack("!H", 1001) + b"going", True),
    ]
    assert ours.data_to_send() == b""


def test_server_frames_read_by_websockets_client() -> None:
    ours = WebSocketProtocol(is_client=False)
    ours.send_text("x")
    ours.send_close(None)
    frames = sent_frames(ws_client(), ours.data_to_send())
    assert [(f.opcode, f.data) for f in frames] == [(Opcode.TEXT, b"x"), (Opcode.CLOSE, b"")]


def test_empty_close_reports_code_zero() -> None:
    ours = WebSocketProtocol(is_client=True)
    assert feed(ours, [b"\x88\x00"]) == [(WSMsgType.CLOSE, 0, "")]


@pytest.mark.parametrize("notakeover", [False, True])
def test_compression_both_ways(notakeover: bool) -> None:
    # websockets as the client, with the parameters our server would have agreed.
    peer = ws_client(
        deflate=PerMessageDeflate(
            remote_no_context_takeover=notakeover,
            local_no_context_takeover=False,
            remote_max_window_bits=12,
            local_max_window_bits=15,
        )
    )
    ours = WebSocketProtocol(is_client=False, compress=12, notakeover=notakeover)
    messages = ["abc" * 1000, "", "abc" * 1000, "é" * 10]
    for text in messages:
        peer.send_text(text.encode())
    peer.send_text(b"frag-", fin=False)
    peer.send_ping(b"mid")
    peer.send_continuation(b"mented", fin=True)
    chunks = peer.data_to_send()
    assert all(chunk[0] & 0x40 for chunk in chunks[:1])
    events = feed(ours, chunks)
    assert [e.data for e in events] == [*messages, b"mid", "frag-mented"]

    for text in messages:
        ours.send_text(text)
    ours.send_binary(b"\x00" * 5000)
    ours.send_binary(b"raw", compress=0)
    ours.send_binary(b"small window" * 100, compress=9)
    frames = sent_frames(peer, ours.data_to_send())
    assert [f.data for f in frames] == [
        *(t.encode() for t in messages),
        b"\x00" * 5000,
        b"raw",
        b"small window" * 100,
    ]


def test_compressed_message_split_arbitrarily() -> None:
    peer = ws_client(deflate=PerMessageDeflate(False, False, 15, 15))
    data = os.urandom(2000) + b"z" * 50_000
    peer.send_binary(data[:20_000], fin=False)
    peer.send_continuation(data[20_000:], fin=True)
    wire = b"".join(peer.data_to_send())
    ours = WebSocketProtocol(is_client=False, compress=15)
    events = feed(ours, [wire[i : i + 777] for i in range(0, len(wire), 777)])
    assert events == [(WSMsgType.BINARY, data, "")]


@settings(max_examples=50)
@given(st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=30))
def test_arbitrary_splits(cuts: list[int]) -> None:
    peer = ws_client()
    peer.send_text(("ü" * 500).encode())
    peer.send_binary(b"b" * 200, fin=False)
    peer.send_ping(b"x")
    peer.send_continuation(b"c" * 70_000, fin=True)
    peer.send_close(1000, "")
    wire = b"".join(peer.data_to_send())
    chunks = []
    pos = 0
    for cut in cuts:
        chunks.append(wire[pos : pos + cut])
        pos += cut
    chunks.append(wire[pos:])
    events = feed(WebSocketProtocol(is_client=False), chunks)
    assert [e.type for e in events] == [
        WSMsgType.TEXT,
        WSMsgType.PING,
        WSMsgType.BINARY,
        WSMsgType.CLOSE,
    ]
    assert events[0].data == "ü" * 500
    assert events[2].data == b"b" * 200 + b"c" * 70_000


def _masked(opcode: int, payload: bytes, *, fin: bool = True, rsv1: bool = False) -> bytes:
    return build_frame(opcode, payload, fin=fin, rsv1=rsv1, mask=MASK)


def _bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = compressor.compress(b"\x00" * 2000) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return _masked(OP_BINARY, payload[:-4], rsv1=True)


# (case, is_client, max_msg_size, compress, wire bytes, expected close code)
VIOLATIONS = [
    ("unmasked client frame", False, 0, 0, build_frame(OP_TEXT, b"a"), 1002),
    ("masked server frame", True, 0, 0, _masked(OP_TEXT, b"a"), 1002),
    ("fragmented control frame", False, 0, 0, _masked(OP_PING, b"", fin=False), 1002),
    ("oversize control frame", False, 0, 0, _masked(OP_PING, b"x" * 126), 1002),
    ("invalid UTF-8", False, 0, 0, _masked(OP_TEXT, b"\xff"), 1007),
    (
        "invalid UTF-8 in a first fragment",
        False,
        0,
        0,
        _masked(OP_TEXT, b"ok\xc3\x28", fin=False),
        1007,
    ),
    (
        "invalid UTF-8 split across fragments",
        False,
        0,
        0,
        _masked(OP_TEXT, b"\xe2\x82", fin=False) + _masked(OP_CONTINUATION, b"\x28"),
        1007,
    ),
    (
        "truncated UTF-8 at message end",
        False,
        0,
        0,
        _masked(OP_TEXT, b"\xe2", fin=False) + _masked(OP_CONTINUATION, b""),
        1007,
    ),
    ("close code 1005", False, 0, 0, _masked(0x8, struct.pack("!H", 1005)), 1002),
    ("close code 999", False, 0, 0, _masked(0x8, struct.pack("!H", 999)), 1002),
    ("close code 5000", False, 0, 0, _masked(0x8, struct.pack("!H", 5000)), 1002),
    ("one byte close payload", False, 0, 0, _masked(0x8, b"\x03"), 1002),
    ("close reason not UTF-8", False, 0, 0, _masked(0x8, b"\x03\xe8\xff"), 1007),
    ("reserved opcode", False, 0, 0, _masked(0x3, b""), 1002),
    ("reserved control opcode", False, 0, 0, _masked(0xB, b""), 1002),
    ("RSV1 without extension", False, 0, 0, _masked(OP_TEXT, b"", rsv1=True), 1002),
    ("RSV2", False, 0, 0, b"\xa1\x80" + MASK, 1002),
    ("RSV3", False, 0, 0, b"\x91\x80" + MASK, 1002),
    ("RSV1 on a continuation", False, 0, 15,
     _masked(OP_TEXT, b"", fin=False) + _masked(OP_CONTINUATION, b"", rsv1=True), 1002),
    ("continuation without start", False, 0, 0, _masked(OP_CONTINUATION, b"x"), 1002),
    (
        "new message inside a fragmented one",
        False,
        0,
        0,
        _masked(OP_TEXT, b"a", fin=False) + _masked(OP_TEXT, b"b"),
        1002,
    ),
    ("message over max_msg_size", False, 10, 0, _masked(OP_BINARY, b"x" * 11), 1009),
    (
        "fragments over max_msg_size",
        False,
        10,
        0,
        _masked(OP_BINARY, b"x" * 6, fin=False) + _masked(OP_CONTINUATION, b"x" * 5),
        1009,
    ),
    ("oversize header only", True, 1024, 0, b"\x82\x7f" + struct.pack("!Q", 1 << 40), 1009),
    ("decompression bomb", False, 1000, 15, _bomb(), 1009),
    ("corrupt deflate data", False, 0, 15, _masked(OP_BINARY, b"\xff\xff", rsv1=True), 1002),
]  # fmt: skip


@pytest.mark.parametrize(
    ("is_client", "max_msg_size", "compress", "wire", "code"),
    [case[1:] for case in VIOLATIONS],
    ids=[case[0] for case in VIOLATIONS],
)
def test_violations(
    is_client: bool, max_msg_size: int, compress: int, wire: bytes, code: int
) -> None:
    ours = WebSocketProtocol(is_client=is_client, max_msg_size=max_msg_size, compress=compress)
    events = feed(ours, [wire])
    assert len(events) == 1
    msg = events[0]
    assert msg.type is WSMsgType.ERROR
    assert isinstance(msg.data, WebSocketError)
    assert msg.data.code == code
    assert ours.error is msg.data
    # The protocol is dead: later input is ignored.
    ours.receive_data(_masked(OP_TEXT, b"more") if not is_client else build_frame(OP_TEXT, b"m"))
    assert ours.events_received() == []


@pytest.mark.parametrize("size", [0, 1, 125, 126, 1000, 65535, 65536])
@pytest.mark.parametrize("is_client", [False, True])
@pytest.mark.parametrize("text", [False, True])
def test_single_whole_frames_from_websockets(size: int, is_client: bool, text: bool) -> None:
    # One whole frame per chunk: the receiving fast path (up to 16-bit lengths).
    peer = ws_server() if is_client else ws_client()
    ours = WebSocketProtocol(is_client=is_client, max_msg_size=0)
    payload = ("é" * size)[: size // 2] if text else os.urandom(size)
    for _ in range(3):
        if text:
            assert isinstance(payload, str)
            peer.send_text(payload.encode())
        else:
            assert isinstance(payload, bytes)
            peer.send_binary(payload)
        events = feed(ours, [peer.data_to_send()[0]])
        assert events == [WSMessage(WSMsgType.TEXT if text else WSMsgType.BINARY, payload, "")]


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (b"\x81\x05hello", 1002),  # unmasked, to a server
        (b"\x81\x7e\x00\x05hello", 1002),
        (_masked(OP_TEXT, b"hello"), None),  # fine, but split below
        (_masked(OP_TEXT, b"\xc3\x28"), 1007),
        (_masked(OP_BINARY, b"x" * 200), 1009),
    ],
)
def test_single_frame_edge_cases_on_a_server(wire: bytes, code: int | None) -> None:
    ours = WebSocketProtocol(is_client=False, max_msg_size=100)
    if code is None:
        events = feed(ours, [wire[:3], wire[3:]])
        assert events == [WSMessage(WSMsgType.TEXT, "hello", "")]
        return
    events = feed(ours, [wire])
    assert [(e.type, e.data.code) for e in events] == [(WSMsgType.ERROR, code)]


def test_single_frame_plus_a_partial_one() -> None:
    ours = WebSocketProtocol(is_client=True)
    wire = build_frame(OP_BINARY, b"a" * 130) + build_frame(OP_TEXT, b"bc")
    assert feed(ours, [wire[:-1]]) == [WSMessage(WSMsgType.BINARY, b"a" * 130, "")]
    assert feed(ours, [wire[-1:]]) == [WSMessage(WSMsgType.TEXT, "bc", "")]


def test_small_frame_after_a_large_one_split_midway() -> None:
    ours = WebSocketProtocol(is_client=False, max_msg_size=0)
    big = os.urandom(50_000)
    wire = _masked(OP_BINARY, big)
    # The large frame's payload is pending; a chunk that looks like a whole
    # small frame is payload, not a frame.
    assert feed(ours, [wire[:1000], _masked(OP_TEXT, b"hi")]) == []
    rest = wire[1000 + len(_masked(OP_TEXT, b"hi")) :]
    assert feed(ours, [rest, _masked(OP_TEXT, b"hi")])[1:] == [WSMessage(WSMsgType.TEXT, "hi", "")]


@pytest.mark.parametrize("is_client", [False, True])
@pytest.mark.parametrize("size", [10, 2 * PIECE + 1])
def test_frame_pieces_read_by_websockets(is_client: bool, size: int) -> None:
    ours = WebSocketProtocol(is_client=is_client)
    peer = ws_client() if not is_client else ws_server()
    payload = os.urandom(size)
    pieces = list(ours.frame_pieces(payload, OP_BINARY))
    # A large frame: a server sends header and payload apart; a client
    # masking in Python sends pieces, masking in C one whole frame.
    if size < PIECE:
        assert len(pieces) == 1
    elif is_client:
        assert len(pieces) == (3 if C_MASK is None else 1)
    else:
        assert len(pieces) == 2
    (frame,) = sent_frames(peer, b"".join(pieces))
    assert (frame.opcode, frame.data) == (Opcode.BINARY, payload)


def test_frame_returns_what_send_frame_queues() -> None:
    server = WebSocketProtocol(is_client=False)
    assert server.frame(b"hi", OP_TEXT) == b"\x81\x02hi"
    assert server.frame(b"hi", OP_TEXT, fin=False) == b"\x01\x02hi"
    client = WebSocketProtocol(is_client=True)
    data = client.frame(b"hi", OP_PING)
    assert data[:2] == b"\x89\x82" and len(data) == 8
    peer = WebSocketProtocol(is_client=False)
    assert feed(peer, [data]) == [WSMessage(WSMsgType.PING, b"hi", "")]


def test_short_client_frames_of_every_size_read_by_websockets() -> None:
    # Payloads under 126 bytes are masked inline with a table of key repeats.
    ours = WebSocketProtocol(is_client=True)
    payloads = [os.urandom(size) for size in range(130)]
    wire = b"".join(ours.frame(payload, OP_BINARY) for payload in payloads)
    frames = sent_frames(ws_server(), wire)
    assert [f.data for f in frames] == payloads
    short = ours.frame(b"abc", OP_TEXT, fin=False)
    assert short[:2] == b"\x01\x83" and apply_mask(short[2:6], short[6:]) == b"abc"


def test_receive_single_declines_what_it_does_not_handle() -> None:
    ours = WebSocketProtocol(is_client=False)
    wire = _masked(OP_TEXT, b"hi")
    assert ours.receive_single(wire) == WSMessage(WSMsgType.TEXT, "hi", "")
    assert ours.events_received() == []
    # Not bytes, a ping, a partial frame: None, and receive_data takes them.
    assert ours.receive_single(bytearray(wire)) is None
    assert ours.receive_single(_masked(OP_PING, b"p")) is None
    assert ours.receive_single(wire[:3]) is None
    ours.receive_data(wire[:3])
    assert ours.receive_single(wire) is None
    ours.receive_data(wire[3:])
    assert ours.events_received() == [WSMessage(WSMsgType.TEXT, "hi", "")]
    # A fragmented message in progress, then invalid UTF-8 after a failure.
    ours.receive_data(build_frame(OP_TEXT, b"a", fin=False, mask=MASK))
    assert ours.receive_single(wire) is None
    ours.receive_data(_masked(OP_CONTINUATION, b"b"))
    assert ours.events_received() == [WSMessage(WSMsgType.TEXT, "ab", "")]
    assert ours.receive_single(_masked(OP_TEXT, b"\xff")) is None
    ours.receive_data(_masked(OP_TEXT, b"\xff"))
    assert ours.events_received()[0].type is WSMsgType.ERROR
    assert ours.receive_single(wire) is None


def test_message_exactly_max_size_is_accepted() -> None:
    ours = WebSocketProtocol(is_client=False, max_msg_size=10)
    wire = _masked(OP_BINARY, b"x" * 4, fin=False) + _masked(OP_CONTINUATION, b"y" * 6)
    wire += _masked(OP_BINARY, b"z" * 10)
    assert [e.data for e in feed(ours, [wire])] == [b"xxxxyyyyyy", b"z" * 10]


def test_unbounded_when_max_msg_size_is_zero() -> None:
    ours = WebSocketProtocol(is_client=False, max_msg_size=0)
    assert feed(ours, [_masked(OP_BINARY, b"x" * 100_000)])[0].data == b"x" * 100_000


def test_control_payload_limit_on_send() -> None:
    ours = WebSocketProtocol(is_client=True)
    with pytest.raises(ValueError, match="125"):
        ours.send_ping(b"x" * 126)
    with pytest.raises(ValueError, match="125"):
        ours.send_close(1000, "x" * 124)
    ours.send_close(1000, "x" * 123)


def test_eof_stops_parsing() -> None:
    ours = WebSocketProtocol(is_client=True)
    ours.receive_eof()
    ours.receive_data(build_frame(OP_TEXT, b"late"))
    assert ours.eof
    assert ours.events_received() == []


@pytest.mark.parametrize(
    ("code", "valid"),
    [(1000, True), (1003, True), (1004, False), (1005, False), (1006, False), (1007, True),
     (1014, True), (1015, False), (2999, False), (3000, True), (4999, True), (5000, False),
     (0, False)],
)  # fmt: skip
def test_close_code_validity(code: int, valid: bool) -> None:
    assert is_valid_close_code(code) is valid


def test_ping_payload_passthrough_with_mask() -> None:
    ours = WebSocketProtocol(is_client=False)
    assert feed(ours, [_masked(OP_PING, b"\x00" * 125)]) == [(WSMsgType.PING, b"\x00" * 125, "")]


_messages = st.lists(
    st.one_of(st.text(max_size=300), st.binary(max_size=3000)), min_size=1, max_size=8
)


@settings(max_examples=40, deadline=None)
@given(
    _messages,
    st.sampled_from([0, 9, 15]),
    st.booleans(),
    st.integers(min_value=1, max_value=500),
)
def test_our_client_and_server_round_trip(
    messages: list[str | bytes], compress: int, notakeover: bool, chunk: int
) -> None:
    client = WebSocketProtocol(is_client=True, compress=compress, notakeover=notakeover)
    server = WebSocketProtocol(is_client=False, compress=compress, notakeover=notakeover)
    for message in messages:
        if isinstance(message, str):
            client.send_text(message)
        else:
            client.send_binary(message)
    wire = client.data_to_send()
    for i in range(0, len(wire), chunk):
        server.receive_data(wire[i : i + chunk])
    received = server.events_received()
    assert [m.data for m in received] == messages
    expected_types = [WSMsgType.TEXT if isinstance(m, str) else WSMsgType.BINARY for m in messages]
    assert [m.type for m in received] == expected_types
    for message in messages:
        if isinstance(message, str):
            server.send_text(message)
        else:
            server.send_binary(message)
    client.receive_data(server.data_to_send())
    assert [m.data for m in client.events_received()] == messages


_frames = st.builds(
    lambda opcode, payload, fin, rsv1, masked: build_frame(
        opcode, payload, fin=fin, rsv1=rsv1, mask=MASK if masked else None
    ),
    st.sampled_from([0, 1, 2, 3, 8, 9, 10, 11]),
    st.one_of(st.binary(max_size=40), st.text(max_size=20).map(str.encode)),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.binary(max_size=64), _frames), max_size=12),
    st.booleans(),
    st.sampled_from([0, 15]),
    st.sampled_from([0, 16]),
)
def test_garbage_never_raises(
    chunks: list[bytes], is_client: bool, compress: int, max_msg_size: int
) -> None:
    ours = WebSocketProtocol(is_client=is_client, compress=compress, max_msg_size=max_msg_size)
    for chunk in chunks:
        ours.receive_data(chunk)
    events = ours.events_received()
    for msg in events[:-1]:
        assert msg.type in (WSMsgType.TEXT, WSMsgType.BINARY, WSMsgType.PING, WSMsgType.PONG)
    if events and events[-1].type is WSMsgType.ERROR:
        assert events[-1].data.code in (1002, 1007, 1009)
        assert ours.error is events[-1].data
