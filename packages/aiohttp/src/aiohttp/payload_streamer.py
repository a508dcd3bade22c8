"""``aiohttp.payload_streamer``: re-exports from aiohttp_wire."""

from aiohttp_wire.payload_streamer import (
    StreamWrapperPayload as StreamWrapperPayload,
    streamer as streamer,
)

__all__ = [
    "StreamWrapperPayload",
    "streamer",
]
