"""Tests for aiohttp_wire.payload_streamer (the deprecated ``@streamer``)."""

from __future__ import annotations

import pytest

from aiohttp_wire.abc import AbstractStreamWriter
from aiohttp_wire.payload import get_payload
from aiohttp_wire.payload_streamer import StreamWrapperPayload, streamer


def _make() -> streamer:
    with pytest.warns(DeprecationWarning, match="streamer is deprecated"):

        @streamer
        async def sender(writer: AbstractStreamWriter, count: int = 2) -> None:
            for i in range(count):
                await writer.write(f"chunk{i};".encode())

    return sender


async def test_streamer_called_with_arguments() -> None:
    payload = get_payload(_make()(count=3))
    assert isinstance(payload, StreamWrapperPayload)
    assert payload.size is None
    assert await payload.as_bytes() == b"chunk0;chunk1;chunk2;"
    with pytest.raises(TypeError):
        payload.decode()


async def test_streamer_passed_uncalled() -> None:
    payload = get_payload(_make(), content_type="text/x")
    assert isinstance(payload, StreamWrapperPayload)
    assert payload.content_type == "text/x"
    assert await payload.as_bytes() == b"chunk0;chunk1;"
