"""permessage-deflate negotiation and the bounded codec."""

from __future__ import annotations

import os
import zlib

import pytest

from aiohttp_websocket.deflate import (
    DeflateCompressor,
    DeflateDecompressor,
    ws_ext_gen,
    ws_ext_parse,
)
from aiohttp_websocket.models import WSHandshakeError


def test_gen_client_offer() -> None:
    assert ws_ext_gen() == "permessage-deflate; client_max_window_bits"
    assert ws_ext_gen(compress=10) == (
        "permessage-deflate; client_max_window_bits; server_max_window_bits=10"
    )


def test_gen_server_answer() -> None:
    assert ws_ext_gen(isserver=True) == "permessage-deflate"
    assert ws_ext_gen(compress=12, isserver=True, server_notakeover=True) == (
        "permessage-deflate; server_max_window_bits=12; server_no_context_takeover"
    )


@pytest.mark.parametrize("bits", [8, 16, 0, -1])
def test_gen_rejects_bad_window(bits: int) -> None:
    with pytest.raises(ValueError, match="wbits"):
        ws_ext_gen(compress=bits)


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        ("", (0, False)),
        ("x-webkit-deflate-frame", (0, False)),
        ("permessage-deflate", (15, False)),
        ("permessage-deflate; client_max_window_bits", (15, False)),
        ("permessage-deflate; client_max_window_bits=10", (15, False)),
        ("permessage-deflate; server_max_window_bits=10", (10, False)),
        ('permessage-deflate; server_max_window_bits="11"', (11, False)),
        ("permessage-deflate; server_no_context_takeover", (15, True)),
        ("permessage-deflate; client_no_context_takeover", (15, False)),
        # Offers we cannot accept are skipped in favour of the next one.
        ("permessage-deflate; server_max_window_bits=8, permessage-deflate", (15, False)),
        ("permessage-deflate; server_max_window_bits=16", (0, False)),
        ("permessage-deflate; server_max_window_bits", (0, False)),
        ("permessage-deflate; server_max_window_bits=010", (0, False)),
        ("permessage-deflate; foo=1, permessage-deflate; server_no_context_takeover", (15, True)),
        ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", (0, False)),
        ("permessage-deflate; server_no_context_takeover=1", (0, False)),
        ("permessage-deflate; client_max_window_bits=7", (0, False)),
        ("foo, permessage-deflate; server_max_window_bits=9", (9, False)),
    ],
)
def test_parse_server_side(offer: str, expected: tuple[int, bool]) -> None:
    assert ws_ext_parse(offer, isserver=True) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("permessage-deflate", (15, False)),
        ("permessage-deflate; client_max_window_bits=9", (9, False)),
        ("permessage-deflate; server_max_window_bits=8", (15, False)),
        ("permessage-deflate; client_no_context_takeover", (15, True)),
        ("permessage-deflate; server_no_context_takeover", (15, False)),
        ("PerMessage-Deflate ; Client_No_Context_Takeover", (15, True)),
    ],
)
def test_parse_client_side(answer: str, expected: tuple[int, bool]) -> None:
    assert ws_ext_parse(answer) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "x-webkit-deflate-frame",
        "permessage-deflate, permessage-deflate",
        "permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_max_window_bits=20",
        "permessage-deflate; unknown",
        "permessage-deflate; client_no_context_takeover=yes",
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
    ],
)
def test_parse_client_side_rejects(answer: str) -> None:
    with pytest.raises(WSHandshakeError):
        ws_ext_parse(answer)


@pytest.mark.parametrize("notakeover", [False, True])
def test_round_trip_with_zlib(notakeover: bool) -> None:
    compressor = DeflateCompressor(wbits=10, notakeover=notakeover)
    inflater = zlib.decompressobj(-15)
    messages = [b"hello " * 50, b"", os.urandom(3000), b"hello " * 50]
    sizes = []
    for message in messages:
        payload = compressor.compress(message)
        assert not payload.endswith(b"\x00\x00\xff\xff")
        sizes.append(len(payload))
        assert inflater.decompress(payload + b"\x00\x00\xff\xff") == message
    if notakeover:
        assert sizes[3] == sizes[0]
    else:
        # With context takeover the repeated message refers back to the first.
        assert sizes[3] < sizes[0]


def test_no_takeover_messages_decode_alone() -> None:
    compressor = DeflateCompressor(notakeover=True)
    compressor.compress(b"abcdefgh" * 100)
    payload = compressor.compress(b"abcdefgh" * 100)
    assert zlib.decompressobj(-15).decompress(payload + b"\x00\x00\xff\xff") == b"abcdefgh" * 100


def test_decompressor_bound_across_fragments() -> None:
    data = b"z" * 10_000
    payload = DeflateCompressor().compress(data)
    half = len(payload) // 2
    exact = DeflateDecompressor(max_size=10_000)
    assert exact.decompress(payload[:half], False) + exact.decompress(payload[half:], True) == data
    small = DeflateDecompressor(max_size=9_999)
    first = small.decompress(payload[:half], False)
    assert first is None or small.decompress(payload[half:], True) is None


def test_decompressor_unbounded_and_corrupt() -> None:
    data = os.urandom(1000)
    assert DeflateDecompressor().decompress(DeflateCompressor().compress(data), True) == data
    with pytest.raises(zlib.error):
        DeflateDecompressor().decompress(b"\xff\xff\xff\xff", True)
